import type { Command } from "commander";
import type { CliIO } from "../main.js";
import * as meta from "./meta.js";
import * as trial from "./trial.js";
import * as evidence from "./evidence.js";
import * as audit from "./audit.js";
import * as assess from "./assess.js";
import * as serve from "./serve.js";
import * as admin from "./admin.js";
import * as auditTrail from "./audit-trail.js";

/** A command reports a non-zero exit through setExit (thrown InputErrors become exit 2 in main). */
export type SetExit = (code: number) => void;

export function registerCommands(program: Command, io: CliIO, setExit: SetExit): void {
  for (const m of [meta, trial, evidence, audit, assess, serve, admin, auditTrail]) m.register(program, io, setExit);
}
