/** Runs the command line in process (main(argv, io)), collecting what it prints: the tests' one way to call it. */
import { main } from "../../src/cli/main.js";

export interface CliRun {
  code: number;
  out: string;
  err: string;
}

export async function runCli(argv: readonly string[]): Promise<CliRun> {
  let out = "";
  let err = "";
  const code = await main([...argv], { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}
