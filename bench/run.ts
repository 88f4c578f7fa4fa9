/**
 * `npm run bench`: runs every benchmark section and prints a report (or one JSON object with --json).
 * Sections live beside this file; each returns plain numbers plus a method note.
 */
import os from "node:os";
import { runMetaBench } from "./meta.js";
import { runLoadBench } from "./load.js";
import { runProtectionBench } from "./protection.js";

const json = process.argv.includes("--json");
const machine = `${os.cpus()[0]?.model ?? "unknown CPU"} x${os.cpus().length}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}, ${os.platform()} ${os.release()}`;
const sections: Record<string, unknown> = { machine };
const meta = await runMetaBench({ log: json ? () => {} : (s) => console.log(s) });
Object.assign(sections, meta);
if (!process.argv.includes("--meta-only")) {
  const load = await runLoadBench({ log: json ? () => {} : (s) => console.log(s) });
  Object.assign(sections, load);
}
if (!process.argv.includes("--meta-only") || process.argv.includes("--protection")) {
  Object.assign(sections, await runProtectionBench({ log: json ? () => {} : (s) => console.log(s) }));
}
if (json) console.log(JSON.stringify(sections));
