/**
 * Trial sequential analysis speed: `trialSequentialAnalysis` on generated binary meta-analyses of 50 studies
 * (the target: under 5 ms each), i.e. 50 cumulative DerSimonian-Laird fits, the alpha-spending
 * monitoring boundaries at 50 looks and the beta-spending futility design. Data: the studies of the meta bench's
 * generator (seed 20251122) cut into 40 analyses of 50; control risk 0.3 and RRR 0.05, so that every look falls
 * before the required information size (all 50 looks enter the boundary computation).
 */
import { trialSequentialAnalysis } from "../src/stats/tsa/index.js";
import type { StudyRow } from "../src/stats/types.js";
import { generateBinaryMetaAnalyses, machineLine, type BenchLog } from "./meta.js";

export const TSA_STUDIES = 50;
export const TSA_ANALYSES = 40;

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

export function tsaBenchData(): StudyRow[][] {
  // Pool the generated studies and cut them into analyses of 50 (deterministic).
  const pool = generateBinaryMetaAnalyses(200).flat();
  const out: StudyRow[][] = [];
  for (let a = 0; a < TSA_ANALYSES; a++) out.push(pool.slice(a * TSA_STUDIES, (a + 1) * TSA_STUDIES));
  return out;
}

export async function runTsaBench(o: BenchLog): Promise<Record<string, number | string>> {
  const data = tsaBenchData();
  const run = (rows: StudyRow[]): number => trialSequentialAnalysis(rows, { measure: "RR", controlRisk: 0.3, rrr: 0.05 }).looks.length;
  for (const d of data) run(d); // warm-up
  const looksBefore = data.reduce((a, d) => a + trialSequentialAnalysis(d, { measure: "RR", controlRisk: 0.3, rrr: 0.05 }).looks.filter((l) => l.fraction < 1).length, 0);
  const per: number[] = [];
  const wall0 = performance.now();
  for (const d of data) {
    const c0 = cpuMs();
    run(d);
    per.push(cpuMs() - c0);
  }
  const wall = (performance.now() - wall0) / data.length;
  per.sort((a, b) => a - b);
  const median = per[Math.floor(per.length / 2)] ?? NaN;
  const p90 = per[Math.floor(per.length * 0.9)] ?? NaN;
  o.log(`\nTrial sequential analysis (${TSA_STUDIES} studies, random effects DL, boundaries + futility), ${data.length} analyses`);
  o.log(`  ${machineLine()}`);
  o.log(`  looks before the RIS: ${looksBefore} of ${TSA_STUDIES * data.length}`);
  o.log(`  CPU ms per analysis: median ${median.toFixed(2)}, 90th percentile ${p90.toFixed(2)} (wall ${wall.toFixed(2)} ms); target < 5 ms`);
  return { tsa_studies: TSA_STUDIES, tsa_analyses: data.length, tsa_cpu_ms_median: median, tsa_cpu_ms_p90: p90, tsa_wall_ms_mean: wall };
}
