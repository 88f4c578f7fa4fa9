/**
 * The workbench's reproducible bundle: one zip with the input table as uploaded, the data as Decidua read it
 * (data.csv, canonical column names), the options as given and as resolved (options.json), Decidua's and its
 * dependencies' versions (versions.json), the results (result.json, results.csv) and an equivalent R script
 * (analysis.R, from src/app/r-script.ts: metafor for pairwise and network analyses, rpact and metafor for a trial
 * sequential analysis) that reads data.csv and writes results-R.json. Deterministic: fixed
 * timestamps, so the same analysis gives the same bytes.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { strToU8, zipSync, type Zippable } from "fflate";
import { packageRoot } from "../shared/package-root.js";
import { metaRScript, nmaRScript, tsaRScript } from "../app/r-script.js";
import { readStudyTable, type TableReadOptions } from "../stats/input.js";
import { nmaStudiesFromTable, type NmaOptions, type NmaResult } from "../stats/nma/index.js";
import type { TsaOptions, TsaResult } from "../stats/tsa/index.js";
import type { MetaOptions, MetaResult, StudyRow } from "../stats/types.js";
import { toCsv } from "./csv.js";

export interface BundleVersions {
  decidua: string;
  node: string;
  /** Installed version of every runtime dependency (name -> version). */
  dependencies: Record<string, string>;
}

const MTIME = new Date(Date.UTC(1980, 0, 1));

function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, "_").replace(/^\.+/, "") || "input";
}

function readme(kind: string, file: string, rPackages: string): string {
  return [
    `Decidua workbench: reproducible bundle of a ${kind}`,
    "",
    `input/${safeName(file)}   the table as uploaded`,
    "data.csv          the data as Decidua read it (canonical column names; the R script reads this)",
    "options.json      the options as given, and the settings Decidua resolved from them",
    "versions.json     Decidua's version, Node's and every runtime dependency's",
    "result.json       Decidua's full result (the JSON of the CLI's --json)",
    "results.csv       the results table",
    `analysis.R        the same analysis in R (${rPackages}); run it here: Rscript analysis.R -> results-R.json`,
    "",
  ].join("\n");
}

/** data.csv of a pairwise analysis, and its data shape (mixed shapes fall back to yi/vi as analysed). */
export function metaDataCsv(rows: readonly StudyRow[], result: Pick<MetaResult, "studies">): { csv: string; kind: "binary" | "continuous" | "generic" } {
  const kinds = new Set(rows.map((r) => r.data.kind));
  const year = rows.some((r) => r.year !== undefined);
  const sub = rows.some((r) => r.subgroup !== undefined);
  const mods = [...new Set(rows.flatMap((r) => Object.keys(r.moderators ?? {})))];
  const lead = (r: StudyRow): unknown[] => [r.study, ...(year ? [r.year ?? ""] : []), ...(sub ? [r.subgroup ?? ""] : [])];
  const tail = (r: StudyRow): unknown[] => mods.map((m) => r.moderators?.[m] ?? "");
  const head = ["study", ...(year ? ["year"] : []), ...(sub ? ["subgroup"] : [])];
  if (kinds.size === 1 && kinds.has("binary")) {
    return { kind: "binary", csv: toCsv([...head, "events_t", "total_t", "events_c", "total_c", ...mods], rows.map((r) => (r.data.kind === "binary" ? [...lead(r), r.data.events_t, r.data.total_t, r.data.events_c, r.data.total_c, ...tail(r)] : []))) };
  }
  if (kinds.size === 1 && kinds.has("continuous")) {
    return { kind: "continuous", csv: toCsv([...head, "mean_t", "sd_t", "total_t", "mean_c", "sd_c", "total_c", ...mods], rows.map((r) => (r.data.kind === "continuous" ? [...lead(r), r.data.mean_t, r.data.sd_t, r.data.total_t, r.data.mean_c, r.data.sd_c, r.data.total_c, ...tail(r)] : []))) };
  }
  const byRow = new Map(result.studies.map((s, i) => [i, s]));
  return {
    kind: "generic",
    csv: toCsv(
      [...head, "yi", "vi", ...mods],
      rows.flatMap((r, i) => {
        const s = byRow.get(i);
        if (r.data.kind === "generic") return [[...lead(r), r.data.yi, r.data.vi, ...tail(r)]];
        return s !== undefined && s.yi !== null && s.vi !== null ? [[...lead(r), s.yi, s.vi, ...tail(r)]] : [];
      }),
    ),
  };
}

function resolvedMeta(r: MetaResult): Record<string, unknown> {
  return { measure: r.measure, method: r.method, model: r.model, tau2_method: r.tau2_method, test: r.test, level: r.level, preset: r.preset, model_source: r.model_source ?? null };
}

/** The zip of one analysis: the same eight files for every kind (see the module comment). */
function bundleZip(b: { kind: string; rPackages: string; file: string; bytes: Uint8Array; data: string; options: unknown; resolved: unknown; versions: BundleVersions; result: unknown; csv: string; script: string }): Uint8Array {
  const files: Zippable = {
    "README.txt": strToU8(readme(b.kind, b.file, b.rPackages)),
    [`input/${safeName(b.file)}`]: b.bytes,
    "data.csv": strToU8(b.data),
    "options.json": strToU8(`${JSON.stringify({ given: b.options, resolved: b.resolved }, null, 2)}\n`),
    "versions.json": strToU8(`${JSON.stringify(b.versions, null, 2)}\n`),
    "result.json": strToU8(`${typeof b.result === "string" ? b.result : JSON.stringify(b.result, null, 2)}\n`),
    "results.csv": strToU8(b.csv),
    "analysis.R": strToU8(b.script),
  };
  return zipSync(files, { level: 6, mtime: MTIME });
}

/** What of the input file was read (a RevMan outcome, a worksheet): recorded in options.json beside the options given. */
export interface BundleRead {
  outcome?: string;
  sheet?: string;
}

/** The bundle of a pairwise meta-analysis. */
export function metaBundle(a: { file: string; bytes: Uint8Array; read?: BundleRead; rows: readonly StudyRow[]; options: MetaOptions; result: MetaResult; csv: string; versions: BundleVersions }): Uint8Array {
  const data = metaDataCsv(a.rows, a.result);
  return bundleZip({ kind: "meta-analysis", rPackages: "metafor", file: a.file, bytes: a.bytes, data: data.csv, options: { ...a.read, ...a.options }, resolved: resolvedMeta(a.result), versions: a.versions, result: a.result, csv: a.csv, script: metaRScript(a.result, a.options, data.kind, a.versions) });
}

/** data.csv of a network (arms or contrasts as read, of the worksheet `read.sheet` of a workbook), and its layout. */
export async function nmaDataCsv(file: string, bytes: Uint8Array, read: TableReadOptions = {}): Promise<{ csv: string; layout: "binary" | "continuous" | "contrast" }> {
  const { layout, studies } = nmaStudiesFromTable(await readStudyTable(file, bytes, read));
  if (layout === "contrast") {
    return { layout, csv: toCsv(["study", "treatment1", "treatment2", "yi", "sei"], studies.flatMap((s) => (s.kind === "contrasts" ? s.contrasts.map((c) => [s.study, c.treatment1, c.treatment2, c.yi, Math.sqrt(c.vi)]) : []))) };
  }
  const arms = studies.flatMap((s) => (s.kind === "arms" ? s.arms.map((a) => ({ study: s.study, a })) : []));
  if (layout === "binary") return { layout, csv: toCsv(["study", "treatment", "events", "total"], arms.map(({ study, a }) => (a.kind === "binary" ? [study, a.treatment, a.events, a.total] : []))) };
  return { layout, csv: toCsv(["study", "treatment", "mean", "sd", "total"], arms.map(({ study, a }) => (a.kind === "continuous" ? [study, a.treatment, a.mean, a.sd, a.total] : []))) };
}

/** The bundle of a network meta-analysis. */
export async function nmaBundle(a: { file: string; bytes: Uint8Array; read?: BundleRead; options: NmaOptions; result: NmaResult; csv: string; versions: BundleVersions }): Promise<Uint8Array> {
  const data = await nmaDataCsv(a.file, a.bytes, a.read?.sheet !== undefined ? { sheet: a.read.sheet } : {});
  const r = a.result;
  const resolved = { measure: r.measure, reference: r.reference, model: r.model, tau2_method: r.tau2_method, level: r.level, pscore_direction: r.pscore_direction };
  return bundleZip({ kind: "network meta-analysis", rPackages: "metafor", file: a.file, bytes: a.bytes, data: data.csv, options: { ...a.read, ...a.options }, resolved, versions: a.versions, result: r, csv: a.csv, script: nmaRScript(r, a.options, data.layout, a.versions) });
}

/**
 * The bundle of a trial sequential analysis: data.csv holds the binary rows in the file's order (the z-curve's
 * order); result.json is the JSON of `decidua tsa --json` (`json`, infinite boundaries as "Inf").
 */
export function tsaBundle(a: { file: string; bytes: Uint8Array; read?: BundleRead; rows: readonly StudyRow[]; options: TsaOptions; result: TsaResult; json: string; csv: string; versions: BundleVersions }): Uint8Array {
  const r = a.result;
  const resolved = { measure: r.measure, model: r.model, alpha: r.alpha, power: r.power, control_risk: r.control_risk, rrr: r.rrr, diversity: r.diversity, diversity_source: r.diversity_source };
  const data = metaDataCsv(a.rows, { studies: [] });
  return bundleZip({ kind: "trial sequential analysis", rPackages: "rpact for the boundaries, metafor for the z-curve", file: a.file, bytes: a.bytes, data: data.csv, options: { ...a.read, ...a.options }, resolved, versions: a.versions, result: a.json, csv: a.csv, script: tsaRScript(r, a.options, a.versions) });
}

let versionsCache: BundleVersions | null = null;

/** Decidua's version and the installed version of each runtime dependency (read once from package.json files). */
export function bundleVersions(): BundleVersions {
  if (versionsCache !== null) return versionsCache;
  const root = packageRoot();
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version?: string; dependencies?: Record<string, string> };
  const dependencies: Record<string, string> = {};
  for (const [name, range] of Object.entries(pkg.dependencies ?? {})) {
    try {
      dependencies[name] = (JSON.parse(readFileSync(join(root, "node_modules", name, "package.json"), "utf8")) as { version?: string }).version ?? range;
    } catch {
      dependencies[name] = range;
    }
  }
  versionsCache = { decidua: pkg.version ?? "unknown", node: process.versions.node, dependencies };
  return versionsCache;
}
