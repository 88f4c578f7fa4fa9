export interface BenchLog { log: (s: string) => void }
/** Meta-analysis throughput benchmark (filled in by the stats work). */
export async function runMetaBench(_o: BenchLog): Promise<Record<string, number | string | null>> {
  return {};
}
