/**
 * Network meta-analysis input: a table of strings (from a CSV or XLSX file, read by stats/input.ts's readStudyTable)
 * -> studies with their arms or contrasts. Three layouts, told apart by the header:
 *  - arm-level binary:      study, treatment, events, total
 *  - arm-level continuous:  study, treatment, mean, sd, total
 *  - contrasts:             study, treatment1, treatment2, yi, sei (or vi); yi = treatment1 relative to treatment2
 * A study's rows need not be adjacent. Every problem is an InputError naming the file, row and column.
 */
import { InputError } from "../../shared/errors.js";
import { checkUnnamedColumn, headerOnWorksheetWithColumns, normaliseStudyHeader, numberCell, type StudyTable } from "../input.js";
import type { NmaArm, NmaContrastRow, NmaStudyInput } from "./types.js";

type Field = "study" | "treatment" | "events" | "total" | "mean" | "sd" | "treatment1" | "treatment2" | "yi" | "sei" | "vi";

/** Header aliases (compared after normalising: lower case, runs of non-alphanumerics -> one space). */
export const NMA_COLUMN_ALIASES: Record<Field, readonly string[]> = {
  study: ["study", "studlab", "study id", "study name", "trial", "author", "id"],
  treatment: ["treatment", "trt", "treat", "arm", "intervention"],
  events: ["events", "event", "r", "xi", "responders"],
  total: ["total", "n", "ni", "randomized", "randomised", "participants", "samplesize", "sample size"],
  mean: ["mean", "mi", "y"],
  sd: ["sd", "sdi", "std dev"],
  treatment1: ["treatment1", "treatment 1", "treat1", "t1", "trt1"],
  treatment2: ["treatment2", "treatment 2", "treat2", "t2", "trt2"],
  yi: ["yi", "te", "effect", "log effect"],
  sei: ["sei", "se", "sete", "standard error"],
  vi: ["vi", "variance", "var"],
};

const ALIAS: Map<string, Field> = (() => {
  const m = new Map<string, Field>();
  for (const [f, names] of Object.entries(NMA_COLUMN_ALIASES) as [Field, readonly string[]][]) {
    for (const a of names) m.set(normaliseStudyHeader(a), f);
  }
  return m;
})();

export type NmaLayout = "binary" | "continuous" | "contrast";

const LAYOUTS: { layout: NmaLayout; need: Field[] }[] = [
  { layout: "binary", need: ["study", "treatment", "events", "total"] },
  { layout: "continuous", need: ["study", "treatment", "mean", "sd", "total"] },
  { layout: "contrast", need: ["study", "treatment1", "treatment2", "yi"] },
];

/** The header of a network table: the column of each field, the layout, the header cells not used. */
function nmaColumns(table: StudyTable): { cols: Map<Field, number>; layout: NmaLayout; unknown: string[] } {
  const headLoc = { file: table.file, row: table.headerLine };
  if (table.header.length === 0 || table.header.every((h) => h.trim() === "")) throw new InputError("empty file: no header row", { file: table.file });
  const cols = new Map<Field, number>();
  const unknown: string[] = [];
  // Several columns may name the study (e.g. "id" and "study"): the best-ranked alias wins, the others are not used.
  const studyCandidates = table.header
    .map((raw, col) => ({ col, raw, rank: NMA_COLUMN_ALIASES.study.indexOf(normaliseStudyHeader(raw)) }))
    .filter((c) => c.rank >= 0)
    .sort((a, b) => a.rank - b.rank);
  const studyCol = studyCandidates[0]?.col;
  table.header.forEach((raw, col) => {
    if (studyCandidates.some((c) => c.col === col)) {
      if (col === studyCol) cols.set("study", col);
      else unknown.push(raw);
      return;
    }
    const h = normaliseStudyHeader(raw);
    if (h === "") {
      checkUnnamedColumn(table, col);
      return;
    }
    const f = ALIAS.get(h);
    if (f === undefined) {
      unknown.push(raw);
      return;
    }
    const prev = cols.get(f);
    if (prev !== undefined) throw new InputError(`ambiguous columns: "${table.header[prev]}" and "${raw}" both mean ${f}`, { ...headLoc, field: raw });
    cols.set(f, col);
  });
  const has = (f: Field): boolean => cols.has(f);
  let layout: NmaLayout;
  if (has("treatment1") || has("treatment2")) {
    layout = "contrast";
  } else if (has("mean") || has("sd")) {
    layout = "continuous";
  } else {
    layout = "binary";
  }
  const spec = LAYOUTS.find((l) => l.layout === layout) as { layout: NmaLayout; need: Field[] };
  const missing = spec.need.filter((f) => !has(f));
  if (layout === "contrast" && !has("sei") && !has("vi")) missing.push("sei");
  if (missing.length > 0) {
    const shape = layout === "contrast" ? "contrast rows (study, treatment1, treatment2, yi, sei)" : layout === "continuous" ? "arm-level means (study, treatment, mean, sd, total)" : "arm-level counts (study, treatment, events, total)";
    throw new InputError(`missing column${missing.length > 1 ? "s" : ""} ${missing.map((m) => `"${m}"`).join(", ")} for ${shape}`, { ...headLoc, field: missing[0] });
  }
  if (layout === "contrast" && has("sei") && has("vi")) throw new InputError(`ambiguous columns: both a standard error ("sei") and a variance ("vi")`, { ...headLoc, field: table.header[cols.get("vi") ?? 0] });
  const extra = [...cols.keys()].filter((f) => !spec.need.includes(f) && !(layout === "contrast" && (f === "sei" || f === "vi")));
  if (extra.length > 0) {
    throw new InputError(`ambiguous column set: ${layout} input, but also ${extra.map((f) => `"${table.header[cols.get(f) ?? 0]}"`).join(", ")}`, { ...headLoc, field: table.header[cols.get(extra[0] as Field) ?? 0] });
  }
  return { cols, layout, unknown };
}

/** Pure: a table of strings -> the studies of a network, in order of first appearance. */
export function nmaStudiesFromTable(table: StudyTable, onIgnoredColumns?: (headers: string[]) => void): { layout: NmaLayout; studies: NmaStudyInput[] } {
  const { cols, layout, unknown } = headerOnWorksheetWithColumns(table, nmaColumns);
  if (unknown.length > 0) onIgnoredColumns?.(unknown);
  const has = (f: Field): boolean => cols.has(f);
  const byStudy = new Map<string, NmaStudyInput>();
  for (const r of table.rows) {
    if (r.cells.every((c) => c.trim() === "")) continue;
    const header = (f: Field): string => table.header[cols.get(f) ?? 0] ?? f;
    const where = (f: Field) => ({ file: table.file, row: r.line, field: header(f) });
    const text = (f: Field): string => (r.cells[cols.get(f) ?? 0] ?? "").trim();
    const label = (f: Field): string => {
      const t = text(f);
      if (t === "") throw new InputError(`empty ${f === "study" ? "study label" : "treatment name"}`, where(f));
      return t;
    };
    const number = (f: Field): number => numberCell(text(f), table, where(f), { study: text("study"), leaveOut: "row" });
    const count = (f: Field, positive: boolean): number => {
      const v = number(f);
      if (!Number.isInteger(v)) throw new InputError(`not a whole number: ${v}`, where(f));
      if (v < 0) throw new InputError(`negative count: ${v}`, where(f));
      if (positive && v === 0) throw new InputError("total must be at least 1", where(f));
      return v;
    };
    const study = label("study");
    let entry = byStudy.get(study);
    if (layout === "contrast") {
      const treatment1 = label("treatment1");
      const treatment2 = label("treatment2");
      if (treatment1 === treatment2) throw new InputError(`treatment1 and treatment2 are the same ("${treatment1}")`, where("treatment2"));
      const yi = number("yi");
      let vi: number;
      if (has("sei")) {
        const se = number("sei");
        if (!(se > 0)) throw new InputError(`standard error must be positive: ${se}`, where("sei"));
        vi = se * se;
      } else {
        vi = number("vi");
        if (!(vi > 0)) throw new InputError(`variance must be positive: ${vi}`, where("vi"));
      }
      if (entry === undefined) {
        entry = { study, row: r.line, kind: "contrasts", contrasts: [] };
        byStudy.set(study, entry);
      }
      const list = (entry as Extract<NmaStudyInput, { kind: "contrasts" }>).contrasts;
      const dup = list.find((c) => (c.treatment1 === treatment1 && c.treatment2 === treatment2) || (c.treatment1 === treatment2 && c.treatment2 === treatment1));
      if (dup !== undefined) throw new InputError(`study "${study}" has the comparison ${treatment1} vs ${treatment2} twice (also on row ${dup.row ?? "?"})`, where("treatment2"));
      const c: NmaContrastRow = { treatment1, treatment2, yi, vi, row: r.line };
      list.push(c);
    } else {
      const treatment = label("treatment");
      let arm: NmaArm;
      if (layout === "binary") {
        const events = count("events", false);
        const total = count("total", true);
        if (events > total) throw new InputError(`events (${events}) above total (${total})`, where("events"));
        arm = { kind: "binary", treatment, events, total, row: r.line };
      } else {
        const mean = number("mean");
        const sd = number("sd");
        if (sd < 0) throw new InputError(`negative SD: ${sd}`, where("sd"));
        const total = count("total", true);
        arm = { kind: "continuous", treatment, mean, sd, total, row: r.line };
      }
      if (entry === undefined) {
        entry = { study, row: r.line, kind: "arms", arms: [] };
        byStudy.set(study, entry);
      }
      const arms = (entry as Extract<NmaStudyInput, { kind: "arms" }>).arms;
      const dup = arms.find((a) => a.treatment === treatment);
      if (dup !== undefined) throw new InputError(`study "${study}" has two arms of treatment "${treatment}" (also on row ${dup.row ?? "?"}): combine them into one arm, or, if these are two studies with the same label, give each its own label`, where("treatment"));
      arms.push(arm);
    }
  }
  const studies = [...byStudy.values()];
  if (studies.length === 0) throw new InputError("empty file: no rows under the header", { file: table.file });
  return { layout, studies };
}
