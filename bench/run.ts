/**
 * `npm run bench`: runs every benchmark section and prints a report (or one JSON object with --json).
 * Sections live beside this file; each returns plain numbers plus a method note.
 * --meta-only: the meta-analysis engine only; --tsa-only: trial sequential analysis only; --nma-only: network
 * meta-analysis only; --screening-only: the screening-queue simulation only (needs the SYNERGY data in
 * bench/data/screening, see bench/README.md); --cds-only: the CDS Hooks patient-view latency (200-resource prefetch) only.
 */
import os from "node:os";
import { runMetaBench } from "./meta.js";
import { runLoadBench } from "./load.js";
import { runStartupBench } from "./startup.js";
import { runNmaBench } from "./nma.js";
import { runTsaBench } from "./tsa.js";
import { runCdsBench } from "./cds.js";
import { runScreeningBench } from "./screening.js";
import { runProtectionBench } from "./protection.js";

const json = process.argv.includes("--json");
const log = { log: json ? () => {} : (s: string) => console.log(s) };
const machine = `${os.cpus()[0]?.model ?? "unknown CPU"} x${os.cpus().length}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}, ${os.platform()} ${os.release()}`;
const sections: Record<string, unknown> = { machine };
const only = ["--meta-only", "--tsa-only", "--nma-only", "--screening-only", "--cds-only"].find((f) => process.argv.includes(f));
if (only === undefined || only === "--meta-only") Object.assign(sections, await runMetaBench(log));
if (only === undefined || only === "--tsa-only") Object.assign(sections, await runTsaBench(log));
if (only === undefined || only === "--screening-only") Object.assign(sections, await runScreeningBench(log));
if (only === undefined || only === "--cds-only") Object.assign(sections, await runCdsBench(log));
if (only === "--nma-only") Object.assign(sections, await runNmaBench(log));
if (only === undefined) {
  Object.assign(sections, runStartupBench(log));
  Object.assign(sections, await runNmaBench(log));
  Object.assign(sections, await runLoadBench(log));
  Object.assign(sections, await runProtectionBench(log));
}
if (json) console.log(JSON.stringify(sections));
