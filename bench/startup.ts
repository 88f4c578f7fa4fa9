/**
 * CLI start-up: the median wall-clock time of 10 runs of `node bin/decidua.js meta examples/meta/bcg.csv --json`
 * beside 10 runs of a bare `node -e 0`, in the same run on the same machine (issue #8 item 7: at most 3x the bare
 * start). Each run is a fresh process; the ratio is what to compare, since the machine's load moves both.
 */
import { spawnSync } from "node:child_process";
import { performance } from "node:perf_hooks";
import type { BenchLog } from "./meta.js";

const RUNS = 10;

function medianMs(args: string[]): number {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, args, { stdio: ["ignore", "ignore", "ignore"] });
    times.push(performance.now() - t0);
    if (r.status !== 0) throw new Error(`startup bench: node ${args.join(" ")} exited ${String(r.status)}`);
  }
  times.sort((a, b) => a - b);
  return (times[RUNS / 2 - 1]! + times[RUNS / 2]!) / 2;
}

export function runStartupBench({ log }: BenchLog): Record<string, unknown> {
  const bare = medianMs(["-e", "0"]);
  const meta = medianMs(["bin/decidua.js", "meta", "examples/meta/bcg.csv", "--json"]);
  const ratio = meta / bare;
  log(`CLI start-up (median of ${RUNS} runs): decidua meta bcg.csv --json ${meta.toFixed(0)} ms, bare node -e 0 ${bare.toFixed(0)} ms, ratio x${ratio.toFixed(2)} (target <= x3)`);
  return { startup: { runs: RUNS, meta_ms: meta, bare_ms: bare, ratio } };
}
