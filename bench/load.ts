import type { BenchLog } from "./meta.js";
/** HTTP load test of the assessment endpoint (filled in by the server work). */
export async function runLoadBench(_o: BenchLog): Promise<Record<string, number | string | null>> {
  return {};
}
