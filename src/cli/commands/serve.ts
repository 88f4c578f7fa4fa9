import type { Command } from "commander";
import type { CliIO } from "../main.js";
import type { SetExit } from "./index.js";

/** Registers the `serve` command(s). */
export function register(program: Command, io: CliIO, setExit: SetExit): void {
  void program;
  void io;
  void setExit;
}
