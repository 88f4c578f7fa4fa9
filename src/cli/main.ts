import { Command, CommanderError } from "commander";
import { isInputError } from "../shared/errors.js";
import { registerCommands } from "./commands/index.js";

/** Output sink so commands can be run in-process by tests. */
export interface CliIO {
  out: (text: string) => void;
  err: (text: string) => void;
}

export const processIO: CliIO = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
};

/** Exit codes: 0 ok, 1 internal failure, 2 bad input or usage. */
export async function main(argv: string[], io: CliIO = processIO): Promise<number> {
  const program = new Command();
  program
    .name("decidua")
    .description("Evidence on immunotherapy for recurrent pregnancy loss, from meta-analysis to the patient")
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err });
  let code = 0;
  try {
    await registerCommands(
      program,
      io,
      (c) => {
        code = c;
      },
      argv,
    );
    await program.parseAsync(argv, { from: "user" });
    return code;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === "commander.helpDisplayed" || e.code === "commander.version" || e.code === "commander.help") return 0;
      return 2;
    }
    if (isInputError(e)) {
      io.err(`decidua: ${e.message}\n`);
      return 2;
    }
    io.err(`decidua: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return 1;
  }
}
