/**
 * `npm run bench`: runs every benchmark section and prints a report (or one JSON object with --json).
 * Sections live beside this file; each returns plain numbers plus a method note.
 * --meta-only: the meta-analysis engine only; --tsa-only: trial sequential analysis only.
 */
import os from "node:os";
import { runMetaBench } from "./meta.js";
import { runLoadBench } from "./load.js";
import { runStartupBench } from "./startup.js";
import { runNmaBench } from "./nma.js";
import { runTsaBench } from "./tsa.js";
import { runCdsBench } from "./cds.js";

const json = process.argv.includes("--json");
const log = { log: json ? () => {} : (s: string) => console.log(s) };
const machine = `${os.cpus()[0]?.model ?? "unknown CPU"} x${os.cpus().length}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}, ${os.platform()} ${os.release()}`;
const sections: Record<string, unknown> = { machine };
const tsaOnly = process.argv.includes("--tsa-only");
const metaOnly = process.argv.includes("--meta-only");
if (!tsaOnly) Object.assign(sections, await runMetaBench(log));
if (!metaOnly) Object.assign(sections, await runTsaBench(log));
if (!metaOnly && !tsaOnly) {
  Object.assign(sections, runStartupBench(log));
  Object.assign(sections, await runNmaBench(log));
  Object.assign(sections, await runLoadBench(log));
}
if (!process.argv.includes("--meta-only") || process.argv.includes("--cds")) {
  Object.assign(sections, await runCdsBench({ log: json ? () => {} : (s) => console.log(s) }));
}
if (json) console.log(JSON.stringify(sections));
