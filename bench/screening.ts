/**
 * Prioritised screening, simulated on labelled systematic-review datasets (ASReview's simulation mode): TF-IDF +
 * naive Bayes retrained after every decision, starting from one random relevant and one random irrelevant record,
 * against random order. Reports WSS@95 and recall after 10 % screened (mean and SE over seeds), beside ASReview's
 * published NB + TF-IDF figures for the same datasets. The records go through the project's CSV importer, are
 * written as RIS and read back with the RIS importer (a real-data check of both).
 *
 * Data are not in the repository: see bench/README.md ("Screening prioritisation") for how to obtain them; set
 * DECIDUA_SCREENING_DATA to the folder holding the CSVs (default bench/data/screening).
 */
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { parse } from "csv-parse/sync";
import { type BibRecord, parseCsvRecords, parseRis, recordsToRis, simulateScreening, tfidfFeatures } from "../src/screening/index.js";
import type { BenchLog } from "./meta.js";

interface DatasetSpec {
  name: string;
  file: string;
  review: string;
  /** ASReview NB + TF-IDF (mean over 15 runs), from the ASReview documentation's simulation results (Ferdinands 2020). */
  asreview: { wss95: number; rrf10: number; n: number; relevant: number };
}

const DATASETS: DatasetSpec[] = [
  { name: "ACE", file: "ace.csv", review: "ACE inhibitors (Cohen et al. 2006; SYNERGY Cohen_2006_ACEInhibitors)", asreview: { wss95: 0.829, rrf10: 0.905, n: 2235, relevant: 41 } },
  { name: "Wilson", file: "wilson.csv", review: "Wilson disease therapies (Appenzeller-Herzog et al. 2019; SYNERGY Appenzeller-Herzog_2019)", asreview: { wss95: 0.834, rrf10: 0.873, n: 2333, relevant: 23 } },
  { name: "Nudging", file: "nudging.csv", review: "Nudging healthcare professionals (Nagtegaal et al. 2019; SYNERGY Nagtegaal_2019)", asreview: { wss95: 0.717, rrf10: 0.653, n: 1847, relevant: 100 } },
];

export const SCREENING_RUNS = Number(process.env.DECIDUA_BENCH_SCREENING_RUNS ?? 15);

const mean = (a: number[]): number => a.reduce((s, x) => s + x, 0) / a.length;
const se = (a: number[]): number => {
  if (a.length < 2) return 0;
  const m = mean(a);
  return Math.sqrt(a.reduce((s, x) => s + (x - m) ** 2, 0) / (a.length - 1) / a.length);
};

export interface ScreeningBenchRow {
  dataset: string;
  n: number;
  relevant: number;
  runs: number;
  nb: { wss95: number; wss95Se: number; recallAt10: number; recallAt10Se: number };
  random: { wss95: number; recallAt10: number };
  asreview: DatasetSpec["asreview"];
  risRoundTrip: string;
  importer: string;
  msPerRun: number;
}

export async function runScreeningBench(o: BenchLog): Promise<{ screening: ScreeningBenchRow[] | { skipped: string } }> {
  const dir = resolve(process.env.DECIDUA_SCREENING_DATA ?? join("bench", "data", "screening"));
  const present = DATASETS.filter((d) => existsSync(join(dir, d.file)));
  o.log("\n== Screening prioritisation (TF-IDF + naive Bayes vs random order) ==");
  if (present.length === 0) {
    const why = `no dataset in ${dir}; see bench/README.md ("Screening prioritisation") to obtain them`;
    o.log(`skipped: ${why}`);
    return { screening: { skipped: why } };
  }
  const rows: ScreeningBenchRow[] = [];
  for (const d of present) {
    const text = readFileSync(join(dir, d.file), "utf8");
    const raw = parse(text, { columns: true, bom: true, skip_empty_lines: true }) as Array<Record<string, string>>;
    const labelCol = ["included", "label_included"].find((c) => c in (raw[0] ?? {})) ?? "included";
    const labels = raw.map((r) => r[labelCol] === "1");
    // the importer on the real file: it reads every record, or names the first it refuses
    let importer: string;
    try {
      importer = `CSV importer read all ${parseCsvRecords(text, d.file, { title: "title", abstract: "abstract" }).length} records`;
    } catch (e) {
      importer = `CSV importer refuses the file as a whole: ${e instanceof Error ? e.message : String(e)}`;
    }
    // real-data check of the RIS writer and reader on the records that have a title
    const titled: BibRecord[] = raw
      .map((r, i) => ({ sourceIndex: i + 1, pmid: null, doi: null, title: (r.title ?? "").replace(/\s+/g, " ").trim(), abstract: (r.abstract ?? "").replace(/\s+/g, " ").trim() || null, authors: [], journal: null, year: null }))
      .filter((r) => r.title !== "");
    const back = parseRis(recordsToRis(titled), `${d.file}.ris`);
    const same = back.filter((b, i) => b.title === titled[i]?.title && b.abstract === titled[i]?.abstract).length;
    const X = tfidfFeatures(raw.map((r) => `${r.title ?? ""} ${r.abstract ?? ""}`));
    const nb: Array<{ wss95: number; recallAt10: number }> = [];
    const rnd: Array<{ wss95: number; recallAt10: number }> = [];
    const t0 = performance.now();
    for (let s = 1; s <= SCREENING_RUNS; s++) nb.push(simulateScreening(X, labels, { strategy: "naive_bayes", seed: s }));
    const ms = (performance.now() - t0) / SCREENING_RUNS;
    for (let s = 1; s <= 200; s++) rnd.push(simulateScreening(X, labels, { strategy: "random", seed: s }));
    const row: ScreeningBenchRow = {
      dataset: d.name,
      n: raw.length,
      relevant: labels.filter((x) => x).length,
      runs: SCREENING_RUNS,
      nb: { wss95: mean(nb.map((r) => r.wss95)), wss95Se: se(nb.map((r) => r.wss95)), recallAt10: mean(nb.map((r) => r.recallAt10)), recallAt10Se: se(nb.map((r) => r.recallAt10)) },
      random: { wss95: mean(rnd.map((r) => r.wss95)), recallAt10: mean(rnd.map((r) => r.recallAt10)) },
      asreview: d.asreview,
      risRoundTrip: `${same}/${titled.length} titled records`,
      importer,
      msPerRun: ms,
    };
    rows.push(row);
    const pct = (x: number): string => (100 * x).toFixed(1);
    o.log(`${d.name}: ${d.review}`);
    o.log(`  ${row.n} records, ${row.relevant} relevant; ${importer}; RIS write+read identical for ${row.risRoundTrip}`);
    o.log(`  NB + TF-IDF (${SCREENING_RUNS} runs): WSS@95 ${pct(row.nb.wss95)}% (SE ${pct(row.nb.wss95Se)}), recall@10% ${pct(row.nb.recallAt10)}% (SE ${pct(row.nb.recallAt10Se)}); ${ms.toFixed(0)} ms per run`);
    o.log(`  random order (200 runs): WSS@95 ${pct(row.random.wss95)}%, recall@10% ${pct(row.random.recallAt10)}%`);
    o.log(`  ASReview NB + TF-IDF (published, ${d.asreview.n} records / ${d.asreview.relevant} relevant): WSS@95 ${pct(d.asreview.wss95)}%, RRF@10 ${pct(d.asreview.rrf10)}%`);
  }
  return { screening: rows };
}
