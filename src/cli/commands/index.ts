import type { Command } from "commander";
import type { CliIO } from "../main.js";

/** A command reports a non-zero exit through setExit (thrown InputErrors become exit 2 in main). */
export type SetExit = (code: number) => void;

/** What every command module exports. */
export interface CommandModule {
  register: (program: Command, io: CliIO, setExit: SetExit) => void;
}

/**
 * Every command module with the top-level command names it registers, loaded only when one of its commands runs:
 * `decidua meta` never loads the server, the store or their drivers. Help (or an unknown command) loads them all.
 * The order here is the order of `decidua --help`.
 */
export const COMMAND_MODULES: readonly { names: readonly string[]; load: () => Promise<CommandModule> }[] = [
  { names: ["meta"], load: () => import("./meta.js") },
  { names: ["trial2x2", "markers", "trial"], load: () => import("./trial.js") },
  { names: ["nma"], load: () => import("./nma.js") },
  { names: ["tsa"], load: () => import("./tsa.js") },
  { names: ["evidence"], load: () => import("./evidence.js") },
  // `audit verify` (the audit trail's hash chain) is a subcommand of the evidence `audit` command: register it after.
  {
    names: ["audit"],
    load: async () => {
      const [evidenceAudit, auditTrail] = await Promise.all([import("./audit.js"), import("./audit-trail.js")]);
      return { register: (p, io, setExit) => [evidenceAudit, auditTrail].forEach((m) => m.register(p, io, setExit)) };
    },
  },
  { names: ["assess"], load: () => import("./assess.js") },
  { names: ["screening"], load: () => import("./screening.js") },
  { names: ["serve"], load: () => import("./serve.js") },
  { names: ["backup", "restore", "admin"], load: () => import("./admin.js") },
];

/** The command modules that `argv` needs: the one owning its first word, or all of them. */
export function commandModulesFor(argv: readonly string[]): typeof COMMAND_MODULES {
  const first = argv[0];
  const owner = COMMAND_MODULES.filter((m) => first !== undefined && m.names.includes(first));
  return owner.length > 0 ? owner : COMMAND_MODULES;
}

export async function registerCommands(program: Command, io: CliIO, setExit: SetExit, argv: readonly string[]): Promise<void> {
  const modules = await Promise.all(commandModulesFor(argv).map((m) => m.load()));
  for (const m of modules) m.register(program, io, setExit);
}
