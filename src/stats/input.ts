/**
 * Study tables for the meta-analysis: CSV or XLSX with a header row, read into StudyRow[].
 *
 * Two layers:
 * - `studyRowsFromTable` (pure): a table of strings -> validated StudyRow[] (column aliases, numbers, ranges).
 * - `readStudyTable` / `parseStudyFile`: bytes of a CSV or XLSX file -> table of strings (no file system access:
 *   the caller reads the bytes, so the same code serves the CLI, the server and the browser).
 *
 * Every problem is one InputError naming the file, the row (header = row 1) and the column, and why.
 */
import type { Worksheet } from "exceljs";
import { z } from "zod";
import { decodeText, encodingNote } from "../shared/text-encoding.js";
import { InputError, isInputError, type InputLocation } from "../shared/errors.js";
import { decimalCommaToDot, guessDelimiter, normaliseHeader } from "../shared/table-text.js";
import { effectFromCI } from "./core/escalc.js";
import { repeatedLabelsWarning, uniqueStudyLabels } from "./core/labels.js";
import { StudyRowSchema, type StudyData, type StudyRow } from "./types.js";

/** A table of strings as read from a file; `line` is the row number a person sees in the file (header = 1). */
export interface StudyTable {
  file: string;
  header: string[];
  headerLine: number;
  rows: { line: number; cells: string[] }[];
  /** Numbers may use a decimal comma (semicolon-separated CSV as European spreadsheets write it). */
  decimalComma?: boolean;
  /** How the text was decoded when it was not plain UTF-8 (Windows-1252, UTF-16): said to the user. */
  encodingNote?: string;
  /** For an XLSX workbook: the worksheet read and the workbook's others (an error can name the one that has the columns). */
  worksheet?: WorksheetRead;
}

/** The worksheet of an XLSX workbook a table was read from. */
export interface WorksheetRead {
  name: string;
  /** True when the caller chose it (--sheet); false for the first worksheet, read by default. */
  chosen: boolean;
  /** The option choosing a worksheet, as the caller names it (--sheet; the API's options.sheet). */
  option: string;
  /** The workbook's other worksheets that can be read as tables: read when asked (an error naming the one with the columns). */
  others: () => { name: string; table: StudyTable }[];
}

/**
 * The options that choose what part of a file is read, as the caller names them in its errors: the command line's
 * flags by default; the API names its fields (options.sheet, options.outcome).
 */
export interface ReadOptionNames {
  /** The worksheet of an XLSX workbook. */
  sheet: string;
  /** The outcome of a RevMan file (stats/revman5.ts, revman-web-csv.ts). */
  outcome: string;
}
export const CLI_READ_OPTION_NAMES: ReadOptionNames = { sheet: "--sheet", outcome: "--outcome" };

/** What part of a file `readStudyTable` reads. */
export interface TableReadOptions {
  /** The worksheet of an XLSX workbook: its name (in any case) or its number (1 = the first); default the first. */
  sheet?: string;
  /** How the caller names the options in errors (default CLI_READ_OPTION_NAMES). */
  names?: ReadOptionNames;
}

/** The read options of a caller's request that carries them beside its file (`sheet`, `names`). */
export function tableReadOptions(t: { sheet?: string | undefined; names?: ReadOptionNames | undefined }): TableReadOptions {
  return { ...(t.sheet !== undefined ? { sheet: t.sheet } : {}), ...(t.names !== undefined ? { names: t.names } : {}) };
}

/** A worksheet as --sheet (and the API's options.sheet) names it: its name or its number. */
export const WorksheetChoiceSchema = z.string().min(1, "names a worksheet: its name or its number (1 = the first)");

export interface StudyInputOptions {
  /** Name of the column holding the subgroup (matched case-insensitively). */
  subgroup?: string;
  /** Fewest studies accepted (default 2). */
  minStudies?: number;
  /** Why that many are needed, for the error message (e.g. "for --bias"). */
  minStudiesReason?: string;
  /**
   * Scale of an estimate with its 95% CI (columns estimate, ci_lb, ci_ub): "log" for ratios (OR, RR: yi = log
   * estimate, se from the log limits), "raw" for differences. Required when the file has such columns.
   */
  intervalScale?: "log" | "raw";
  /** Told the header cells that match no known column (they are not used). */
  onIgnoredColumns?: (headers: string[]) => void;
  /** Moderator columns for meta-regression (matched case-insensitively); their cells go to StudyRow.moderators. */
  mods?: readonly string[];
  /** Told each warning about the input (e.g. repeated study labels, made unique by row). */
  onWarning?: (message: string) => void;
}

/** The canonical column names Decidua reads, by data shape. */
export const STUDY_COLUMNS = {
  binary: ["events_t", "total_t", "events_c", "total_c"],
  /** The four cells of the 2x2 table (metafor's ai, bi, ci, di): events and non-events of each arm; read as binary data. */
  cells: ["events_t", "nonevents_t", "events_c", "nonevents_c"],
  continuous: ["mean_t", "sd_t", "total_t", "mean_c", "sd_c", "total_c"],
  generic: ["yi", "vi", "sei"],
  interval: ["estimate", "ci_lb", "ci_ub"],
} as const;

type Field =
  | "study"
  | "year"
  | "events_t"
  | "nonevents_t"
  | "total_t"
  | "events_c"
  | "nonevents_c"
  | "total_c"
  | "mean_t"
  | "sd_t"
  | "mean_c"
  | "sd_c"
  | "yi"
  | "vi"
  | "sei"
  | "estimate"
  | "ci_lb"
  | "ci_ub";

/** Header aliases, compared after normalising (lower case, runs of non-alphanumerics -> one space). */
export const STUDY_COLUMN_ALIASES: Record<Field, readonly string[]> = {
  study: ["study", "study or subgroup", "studlab", "slab", "study name", "study id", "trial", "author", "authors"],
  year: ["year", "publication year", "pub year"],
  // tpos, tneg, cpos, cneg: metafor's dat.bcg (positive and negative cases in the treated and control arms)
  events_t: ["events t", "ai", "experimental events", "intervention events", "treatment events", "event e", "events e", "tpos"],
  nonevents_t: ["nonevents t", "non events t", "bi", "experimental non events", "intervention non events", "treatment non events", "tneg"],
  total_t: ["total t", "n1i", "experimental total", "intervention total", "treatment total", "n e", "n t", "n1"],
  events_c: ["events c", "ci", "control events", "event c", "cpos"],
  nonevents_c: ["nonevents c", "non events c", "di", "control non events", "cneg"],
  total_c: ["total c", "n2i", "control total", "n c", "n2"],
  mean_t: ["mean t", "m1i", "experimental mean", "intervention mean", "treatment mean", "mean e"],
  sd_t: ["sd t", "sd1i", "experimental sd", "intervention sd", "treatment sd", "sd e"],
  mean_c: ["mean c", "m2i", "control mean", "mean c"],
  sd_c: ["sd c", "sd2i", "control sd"],
  yi: ["yi", "te", "effect", "log effect"],
  vi: ["vi", "variance", "var"],
  sei: ["sei", "se", "sete", "standard error", "std error"],
  estimate: ["estimate", "est", "point estimate", "effect estimate"],
  ci_lb: ["ci lb", "lower", "lower ci", "ci lower", "lower 95 ci", "lcl", "lower limit"],
  ci_ub: ["ci ub", "upper", "upper ci", "ci upper", "upper 95 ci", "ucl", "upper limit"],
};

/** Columns RevMan 5 writes as computed output in its exports; they are read past, not used. */
const IGNORED_OUTPUT_COLUMNS: readonly RegExp[] = [
  /^weight$/,
  /95 ci/,
  /^(odds ratio|risk ratio|risk difference|mean difference|std mean difference|peto odds ratio)\b/,
];

/** A study table's header as its aliases are compared (shared/table-text.ts). */
export const normaliseStudyHeader = normaliseHeader;

const ALIAS_TO_FIELD: Map<string, Field> = (() => {
  const m = new Map<string, Field>();
  for (const [field, aliases] of Object.entries(STUDY_COLUMN_ALIASES) as [Field, readonly string[]][]) {
    for (const a of aliases) m.set(normaliseStudyHeader(a), field);
  }
  return m;
})();

interface ColumnMap {
  fields: Map<Field, number>;
  subgroup: number | undefined;
  /** Moderator name (as asked) -> column. */
  mods: Map<string, number>;
  /** Subgroups from RevMan 5 heading rows (--subgroup "Study or Subgroup"). */
  headings: boolean;
  /** Header cells that match no known column (not used). */
  unknown: string[];
}

/** RevMan 5 writes these summary rows into its data exports under "Study or Subgroup"; they are not studies. */
const REVMAN_SUMMARY_ROW = /^(sub)?total \(\d+(\.\d+)?% ci\)|^total events|^heterogeneity:|^test for (overall effect|subgroup differences)/i;
const REVMAN_STUDY_HEADER = "study or subgroup";

/**
 * A column whose header is empty. R's write.csv writes the row names 1, 2, ... as a first column without a header:
 * it is passed over; any other unnamed column with data is an error (what it holds is unknown). Every table reader
 * (study tables, networks) checks its unnamed columns here.
 */
export function checkUnnamedColumn(table: StudyTable, col: number): void {
  const hasData = table.rows.some((r) => (r.cells[col] ?? "").trim() !== "");
  const rowNames = col === 0 && table.rows.every((r, i) => (r.cells[0] ?? "").trim() === String(i + 1));
  if (hasData && !rowNames) throw new InputError(`column ${col + 1} has data but no header`, { file: table.file, row: table.headerLine });
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * The number in a cell of a table (`text` trimmed), with a decimal comma where the table uses one. InputError at
 * `where` for an empty cell, for R's NA (a missing value: `study` must be given one, or its `leaveOut` left out)
 * and for anything else that is not a number.
 */
export function numberCell(text: string, table: Pick<StudyTable, "decimalComma">, where: InputLocation & { field: string }, missing: { study: string; leaveOut: string }): number {
  if (text === "") throw new InputError("empty cell: a number is required", where);
  if (text === "NA") throw new InputError(`study "${missing.study}" has no value for "${where.field}" ("NA" is R's missing value); fill it in or leave the ${missing.leaveOut} out`, where);
  const t = table.decimalComma === true ? decimalCommaToDot(text) : text;
  if (!NUMBER.test(t) || !Number.isFinite(Number(t))) throw new InputError(`not a number: "${text}"`, where);
  return Number(t);
}

/**
 * The header checks of a table reader (`readHeader`: columns found, shape told), run on the table. When they fail on
 * the worksheet a workbook was read from by default and pass on another of its worksheets, the error says so and
 * how to choose that one.
 */
export function headerOnWorksheetWithColumns<T>(table: StudyTable, readHeader: (t: StudyTable) => T): T {
  try {
    return readHeader(table);
  } catch (e) {
    const ws = table.worksheet;
    if (!isInputError(e) || ws === undefined || ws.chosen) throw e;
    const fits = ws.others().find((o) => {
      try {
        readHeader(o.table);
        return true;
      } catch (x) {
        if (isInputError(x)) return false;
        throw x;
      }
    });
    if (fits === undefined) throw e;
    throw new InputError(`${e.reason}; worksheet "${ws.name}" was read; worksheet "${fits.name}" has the columns: use ${worksheetChoice(ws.option, fits.name)}`, e.location);
  }
}

/** How to choose a worksheet: --sheet Data (quoted when the name needs it on a command line), options.sheet "Data". */
function worksheetChoice(option: string, name: string): string {
  return `${option} ${option.startsWith("--") && /^[\w.-]+$/.test(name) ? name : JSON.stringify(name)}`;
}

function mapColumns(table: StudyTable, options: StudyInputOptions): ColumnMap {
  const loc = { file: table.file, row: table.headerLine };
  const fields = new Map<Field, number>();
  const studyCandidates: { col: number; rank: number }[] = [];
  const unknown: string[] = [];
  let subgroup: number | undefined;
  const mods = new Map<string, number>();
  const wantedMods = new Map((options.mods ?? []).map((m) => [normaliseStudyHeader(m), m] as const));
  const wantedSubgroup = options.subgroup === undefined ? undefined : normaliseStudyHeader(options.subgroup);
  const headings = wantedSubgroup === REVMAN_STUDY_HEADER && table.header.some((h) => normaliseStudyHeader(h) === REVMAN_STUDY_HEADER);

  table.header.forEach((raw, col) => {
    const h = normaliseStudyHeader(raw);
    if (h === "") {
      checkUnnamedColumn(table, col);
      return;
    }
    if (wantedSubgroup !== undefined && h === wantedSubgroup && !headings) {
      if (subgroup !== undefined) throw new InputError(`two columns are named "${options.subgroup}"`, { ...loc, field: raw });
      subgroup = col;
      // the same column may also be a moderator (--subgroup x --mods x)
      if (!wantedMods.has(h)) return;
    }
    const mod = wantedMods.get(h);
    if (mod !== undefined) {
      if (mods.has(mod)) throw new InputError(`two columns are named "${mod}"`, { ...loc, field: raw });
      mods.set(mod, col);
      return;
    }
    const field = ALIAS_TO_FIELD.get(h);
    if (field === "study") {
      studyCandidates.push({ col, rank: STUDY_COLUMN_ALIASES.study.indexOf(h) });
      return;
    }
    if (field !== undefined) {
      const prev = fields.get(field);
      if (prev !== undefined) {
        throw new InputError(
          `ambiguous columns: "${table.header[prev]}" and "${raw}" both mean ${field}`,
          { ...loc, field: raw },
        );
      }
      fields.set(field, col);
      return;
    }
    if (IGNORED_OUTPUT_COLUMNS.some((re) => re.test(h))) return;
    unknown.push(raw);
  });

  if (options.subgroup !== undefined && subgroup === undefined && !headings) {
    throw new InputError(`no column named "${options.subgroup}" for --subgroup (columns: ${table.header.join(", ")})`, loc);
  }
  for (const m of options.mods ?? []) {
    if (!mods.has(m)) throw new InputError(`no column named "${m}" for --mods (columns: ${table.header.join(", ")})`, { ...loc, field: "--mods" });
  }
  studyCandidates.sort((a, b) => a.rank - b.rank);
  const study = studyCandidates[0];
  if (study === undefined) throw new InputError(`missing required column "study"`, { ...loc, field: "study" });
  fields.set("study", study.col);
  return { fields, subgroup, mods, headings, unknown };
}

type Shape = StudyData["kind"] | "cells" | "interval";

function detectShape(table: StudyTable, fields: Map<Field, number>): Shape {
  const loc = { file: table.file, row: table.headerLine };
  const has = (f: Field): boolean => fields.has(f);
  const complete: Shape[] = [];
  if (STUDY_COLUMNS.binary.every((f) => has(f))) complete.push("binary");
  if (STUDY_COLUMNS.cells.every((f) => has(f))) complete.push("cells");
  if (STUDY_COLUMNS.continuous.every((f) => has(f))) complete.push("continuous");
  if (has("yi") && (has("vi") || has("sei"))) complete.push("generic");
  if (has("estimate") && has("ci_lb") && has("ci_ub")) complete.push("interval");
  if (has("vi") && has("sei")) {
    throw new InputError(`ambiguous columns: both a variance ("vi") and a standard error ("sei") column`, {
      ...loc,
      field: table.header[fields.get("sei") ?? 0],
    });
  }
  if (complete.length > 1) {
    throw new InputError(`ambiguous column set: the header fits ${complete.join(" and ")} data; keep one kind of columns`, loc);
  }
  const only = complete[0];
  if (only !== undefined) {
    const extra = [...fields.keys()].filter((f) => {
      if (f === "study" || f === "year") return false;
      if (only === "generic") return !["yi", "vi", "sei"].includes(f);
      if (only === "interval") return !["estimate", "ci_lb", "ci_ub"].includes(f);
      return !(STUDY_COLUMNS[only] as readonly string[]).includes(f);
    });
    if (extra.length > 0) {
      throw new InputError(
        `ambiguous column set: ${only} data, but also ${extra.map((f) => `"${table.header[fields.get(f) ?? 0]}"`).join(", ")}`,
        { ...loc, field: table.header[fields.get(extra[0] as Field) ?? 0] },
      );
    }
    return only;
  }
  // Nothing complete: name what is missing for the closest shape.
  const candidates: { shape: Shape; need: readonly string[] }[] = [
    { shape: "binary", need: STUDY_COLUMNS.binary },
    { shape: "cells", need: STUDY_COLUMNS.cells },
    { shape: "continuous", need: STUDY_COLUMNS.continuous },
    { shape: "generic", need: has("sei") ? ["yi", "sei"] : ["yi", "vi"] },
    { shape: "interval", need: STUDY_COLUMNS.interval },
  ];
  let best: { shape: Shape; missing: string[]; present: number } | undefined;
  for (const c of candidates) {
    const present = c.need.filter((f) => has(f as Field)).length;
    const missing = c.need.filter((f) => !has(f as Field));
    if (present > 0 && (best === undefined || present > best.present)) best = { shape: c.shape, missing, present };
  }
  if (best === undefined) {
    throw new InputError(
      `unknown column set: no effect-size data columns (expected ${STUDY_COLUMNS.binary.join(",")} | ${STUDY_COLUMNS.cells.join(",")} | ` +
        `${STUDY_COLUMNS.continuous.join(",")} | yi,vi | yi,sei | estimate,ci_lb,ci_ub)`,
      loc,
    );
  }
  throw new InputError(
    `missing required column${best.missing.length > 1 ? "s" : ""} ${best.missing.map((m) => `"${m}"`).join(", ")} for ${best.shape} data`,
    { ...loc, field: best.missing[0] },
  );
}

/** Pure: a table of strings -> validated study rows. */
export function studyRowsFromTable(table: StudyTable, options: StudyInputOptions = {}): StudyRow[] {
  if (table.header.length === 0 || table.header.every((h) => h.trim() === "")) {
    throw new InputError("empty file: no header row", { file: table.file });
  }
  const { fields, subgroup, mods, headings, unknown, shape } = headerOnWorksheetWithColumns(table, (t) => {
    const columns = mapColumns(t, options);
    return { ...columns, shape: detectShape(t, columns.fields) };
  });
  if (unknown.length > 0) options.onIgnoredColumns?.(unknown);
  const studyCol = fields.get("study") ?? 0;
  const revmanExport = normaliseStudyHeader(table.header[studyCol] ?? "") === REVMAN_STUDY_HEADER;
  const dataCols = [...fields.entries()].filter(([f]) => f !== "study" && f !== "year").map(([, c]) => c);
  let heading: string | undefined;
  if (shape === "interval" && options.intervalScale === undefined) {
    throw new InputError(
      "estimates with confidence intervals need the measure: --measure OR or RR for ratios (log scale), RD, MD, SMD or GEN for differences",
      { file: table.file, row: table.headerLine, field: table.header[fields.get("estimate") ?? 0] },
    );
  }
  const out: StudyRow[] = [];

  for (const r of table.rows) {
    if (r.cells.every((c) => c.trim() === "")) continue;
    if (revmanExport) {
      // A RevMan 5 export: skip its summary rows; a label with no data is a subgroup heading.
      const label = (r.cells[studyCol] ?? "").trim();
      if (REVMAN_SUMMARY_ROW.test(label)) continue;
      if (label !== "" && dataCols.every((c) => (r.cells[c] ?? "").trim() === "")) {
        heading = label;
        continue;
      }
    }
    const cell = (f: Field): { text: string; header: string } => {
      const col = fields.get(f);
      if (col === undefined) throw new Error(`internal: column ${f} not mapped`);
      return { text: (r.cells[col] ?? "").trim(), header: table.header[col] ?? f };
    };
    const where = (header: string) => ({ file: table.file, row: r.line, field: header });
    const number = (f: Field): number => {
      const { text, header } = cell(f);
      return numberCell(text, table, where(header), { study: cell("study").text, leaveOut: "study" });
    };
    const count = (f: Field, positive: boolean): number => {
      const v = number(f);
      const { header } = cell(f);
      if (!Number.isInteger(v)) throw new InputError(`not a whole number: ${v}`, where(header));
      if (v < 0) throw new InputError(`negative count: ${v}`, where(header));
      if (positive && v === 0) throw new InputError(`total must be at least 1`, where(header));
      return v;
    };

    const studyCell = cell("study");
    if (studyCell.text === "") throw new InputError("empty study name", where(studyCell.header));

    let data: StudyData;
    if (shape === "binary") {
      const events_t = count("events_t", false);
      const total_t = count("total_t", true);
      const events_c = count("events_c", false);
      const total_c = count("total_c", true);
      if (events_t > total_t) {
        throw new InputError(`events (${events_t}) above total (${total_t})`, where(cell("events_t").header));
      }
      if (events_c > total_c) {
        throw new InputError(`events (${events_c}) above total (${total_c})`, where(cell("events_c").header));
      }
      data = { kind: "binary", events_t, total_t, events_c, total_c };
    } else if (shape === "cells") {
      // the 2x2 table's cells: each arm's total is its events and non-events
      const arm = (events: Field, nonevents: Field): { events: number; total: number } => {
        const e = count(events, false);
        const total = e + count(nonevents, false);
        if (total === 0) throw new InputError("the arm has no participants (events and non-events are both 0)", where(cell(nonevents).header));
        return { events: e, total };
      };
      const t = arm("events_t", "nonevents_t");
      const c = arm("events_c", "nonevents_c");
      data = { kind: "binary", events_t: t.events, total_t: t.total, events_c: c.events, total_c: c.total };
    } else if (shape === "continuous") {
      const sd = (f: Field): number => {
        const v = number(f);
        if (v < 0) throw new InputError(`negative SD: ${v}`, where(cell(f).header));
        return v;
      };
      data = {
        kind: "continuous",
        mean_t: number("mean_t"),
        sd_t: sd("sd_t"),
        total_t: count("total_t", true),
        mean_c: number("mean_c"),
        sd_c: sd("sd_c"),
        total_c: count("total_c", true),
      };
    } else if (shape === "interval") {
      const estimate = number("estimate");
      const lower = number("ci_lb");
      const upper = number("ci_ub");
      try {
        const e = effectFromCI({ estimate, lower, upper, ratio: options.intervalScale === "log" });
        data = { kind: "generic", yi: e.yi, vi: e.vi };
      } catch (err) {
        if (err instanceof InputError) throw new InputError(err.reason, where(cell("estimate").header));
        throw err;
      }
    } else {
      const yi = number("yi");
      let vi: number;
      if (fields.has("sei")) {
        const sei = number("sei");
        if (sei <= 0) throw new InputError(`standard error must be positive: ${sei}`, where(cell("sei").header));
        vi = sei * sei;
      } else {
        vi = number("vi");
        if (vi <= 0) throw new InputError(`variance must be positive: ${vi}`, where(cell("vi").header));
      }
      data = { kind: "generic", yi, vi };
    }

    const row: StudyRow = { study: studyCell.text, row: r.line, data };
    if (fields.has("year")) {
      const y = cell("year");
      // a year is optional: R's NA (missing) as an empty cell
      if (y.text !== "" && y.text !== "NA") {
        const v = number("year");
        if (!Number.isInteger(v)) throw new InputError(`year is not a whole number: ${y.text}`, where(y.header));
        row.year = v;
      }
    }
    if (headings) {
      if (heading === undefined) {
        throw new InputError("a study comes before any subgroup heading row", where(table.header[studyCol] ?? "study"));
      }
      row.subgroup = heading;
    } else if (subgroup !== undefined) {
      const text = (r.cells[subgroup] ?? "").trim();
      const header = table.header[subgroup] ?? "subgroup";
      if (text === "") throw new InputError(`empty subgroup`, where(header));
      row.subgroup = text;
    }
    if (mods.size > 0) {
      const values: Record<string, string> = {};
      for (const [name, col] of mods) {
        const text = (r.cells[col] ?? "").trim();
        if (text === "") throw new InputError(`empty moderator value`, where(table.header[col] ?? name));
        values[name] = text;
      }
      row.moderators = values;
    }
    const checked = StudyRowSchema.safeParse(row);
    if (!checked.success) {
      const issue = checked.error.issues[0];
      throw new InputError(issue?.message ?? "invalid row", { file: table.file, row: r.line, field: issue?.path.join(".") });
    }
    out.push(row);
  }

  if (out.length === 0) throw new InputError("empty file: no study rows under the header", { file: table.file });
  const renamed = uniqueStudyLabels(out);
  if (renamed.length > 0) options.onWarning?.(`${table.file}: ${repeatedLabelsWarning(renamed)}`);
  const min = options.minStudies ?? 2;
  if (out.length < min) {
    throw new InputError(
      `too few studies: ${out.length} (at least ${min} needed${options.minStudiesReason ? ` ${options.minStudiesReason}` : ""})`,
      { file: table.file },
    );
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Bytes -> table
// ---------------------------------------------------------------------------------------------------------------

function isZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

async function csvTable(file: string, bytes: Uint8Array): Promise<StudyTable> {
  const { parse } = await import("csv-parse/sync");
  // Excel's "CSV (Comma delimited)" is Windows-1252 and its "Unicode text" UTF-16: each read as written
  const decoded = decodeText(bytes);
  const text = decoded.text;
  if (text.trim() === "") throw new InputError("empty file", { file });
  const delimiter = guessDelimiter(text);
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, { delimiter, info: true, skip_empty_lines: true, relax_quotes: false }) as unknown as {
      record: string[];
      info: { lines: number };
    }[];
  } catch (e) {
    const err = e as { message?: string; lines?: number };
    const reason = (err.message ?? String(e)).replace(/^Invalid Record Length: /, "").replace(/^[A-Z_]+: /, "");
    throw new InputError(`not a valid CSV: ${reason}`, err.lines !== undefined ? { file, row: err.lines } : { file });
  }
  const [head, ...rest] = records;
  if (head === undefined) throw new InputError("empty file", { file });
  const note = encodingNote(decoded);
  return {
    file,
    ...(note !== null ? { encodingNote: note } : {}),
    header: head.record,
    headerLine: head.info.lines,
    rows: rest.map((r) => ({ line: r.info.lines, cells: r.record })),
    decimalComma: delimiter === ";",
  };
}

function excelCellText(v: unknown): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "number") return String(v);
  if (typeof v === "string") return v;
  if (typeof v === "boolean") return v ? "TRUE" : "FALSE";
  if (v instanceof Date) return v.toISOString();
  if (typeof v === "object") {
    const o = v as { result?: unknown; richText?: { text: string }[]; text?: unknown; error?: unknown; formula?: unknown; sharedFormula?: unknown };
    if (o.richText !== undefined) return o.richText.map((t) => t.text).join("");
    if ("result" in o && o.result !== undefined) return excelCellText(o.result);
    // a formula saved without its result (written by a program, not recalculated by a spreadsheet): said as such
    if (o.formula !== undefined || o.sharedFormula !== undefined)
      return `[formula =${String(o.formula ?? o.sharedFormula)} with no stored result: open and save the file in Excel or LibreOffice so that it stores its results]`;
    if (o.error !== undefined) return String(o.error);
    if (o.text !== undefined) return excelCellText(o.text);
  }
  return String(v);
}

/** The most an XLSX workbook may expand to (its parts unzipped): a study table is far smaller; a "zip bomb" is not. */
export const XLSX_MAX_UNCOMPRESSED = 64 * 1024 * 1024;

/**
 * The sum of the uncompressed sizes a ZIP archive declares in its central directory (APPNOTE 4.3.12, 4.3.16), or
 * null when the directory cannot be found. Read before the workbook is unzipped, so that a small file that would
 * expand to gigabytes is refused without expanding it.
 */
export function zipUncompressedSize(bytes: Uint8Array): number | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // end of central directory: signature 0x06054b50, normally within the last 64 KiB + 22 bytes; searched through the
  // whole file, since data appended after it (which unzippers pass over) must not hide the sizes
  for (let e = bytes.length - 22; e >= 0; e--) {
    if (view.getUint32(e, true) !== 0x06054b50) continue;
    const count = view.getUint16(e + 10, true);
    let at = view.getUint32(e + 16, true);
    let total = 0;
    for (let i = 0; i < count; i++) {
      if (at + 46 > bytes.length || view.getUint32(at, true) !== 0x02014b50) return null;
      total += view.getUint32(at + 24, true);
      at += 46 + view.getUint16(at + 28, true) + view.getUint16(at + 30, true) + view.getUint16(at + 32, true);
    }
    return total;
  }
  return null;
}

/**
 * The cells of each worksheet (by name) that hold a formula whose stored result is the empty text: t="str" with an
 * empty <v>, as a spreadsheet saves =IF(C10="","",…) copied below the data. exceljs reads such a cell as a formula
 * with no result, as it reads a formula never computed (no <v> at all: a program wrote the file); the two differ only
 * in the file's XML, which is read for them here. Worksheets whose parts cannot be found have no entry.
 */
async function emptyTextFormulaCells(bytes: Uint8Array): Promise<Map<string, Set<string>>> {
  const { unzipSync, strFromU8 } = await import("fflate");
  const { XMLParser } = await import("fast-xml-parser");
  let parts: Record<string, Uint8Array>;
  try {
    parts = unzipSync(bytes, { filter: (f) => f.name === "xl/workbook.xml" || f.name === "xl/_rels/workbook.xml.rels" || /^xl\/worksheets\/[^/]+\.xml$/.test(f.name) });
  } catch {
    return new Map();
  }
  const workbook = parts["xl/workbook.xml"];
  const rels = parts["xl/_rels/workbook.xml.rels"];
  if (workbook === undefined || rels === undefined) return new Map();
  const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "", removeNSPrefix: true, isArray: (name) => name === "sheet" || name === "Relationship" });
  type Element = Record<string, unknown>;
  const list = (v: unknown): Element[] => (Array.isArray(v) ? (v as Element[]) : []);
  const attr = (e: Element, name: string): string => (typeof e[name] === "string" ? (e[name] as string) : "");
  const targets = new Map<string, string>();
  const relsDoc = parser.parse(strFromU8(rels)) as { Relationships?: { Relationship?: unknown } };
  for (const r of list(relsDoc.Relationships?.Relationship)) {
    const target = attr(r, "Target");
    targets.set(attr(r, "Id"), target.startsWith("/") ? target.slice(1) : `xl/${target.replace(/^\.\//, "")}`);
  }
  const out = new Map<string, Set<string>>();
  const wbDoc = parser.parse(strFromU8(workbook)) as { workbook?: { sheets?: { sheet?: unknown } } };
  for (const sheet of list(wbDoc.workbook?.sheets?.sheet)) {
    const xml = parts[targets.get(attr(sheet, "id")) ?? ""];
    if (xml === undefined) continue;
    const cells = new Set<string>();
    for (const m of strFromU8(xml).matchAll(/<(?:[\w.-]+:)?c\b([^>]*?)(?:\/>|>([\s\S]*?)<\/(?:[\w.-]+:)?c>)/g)) {
      const attrs = m[1] ?? "";
      const content = m[2] ?? "";
      if (!/\bt="str"/.test(attrs) || !/<(?:[\w.-]+:)?f\b/.test(content) || !/<(?:[\w.-]+:)?v\s*(?:\/>|><\/(?:[\w.-]+:)?v>)/.test(content)) continue;
      const address = /\br="([A-Z]+\d+)"/.exec(attrs)?.[1];
      if (address !== undefined) cells.add(address);
    }
    out.set(attr(sheet, "name"), cells);
  }
  return out;
}

/**
 * A worksheet's cells as a table: the first row with a cell is the header; rows with no cell (empty, or only
 * formulas whose result is the empty text: `emptyText`) are passed over, as blank lines of a CSV file are. Null when
 * the worksheet has no cells.
 */
function worksheetTable(file: string, ws: Worksheet, emptyText: ReadonlySet<string>): StudyTable | null {
  const lines: { line: number; cells: string[] }[] = [];
  ws.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const cells: string[] = [];
    const n = row.cellCount;
    for (let c = 1; c <= n; c++) {
      const cell = row.getCell(c);
      cells.push(emptyText.has(cell.address) ? "" : excelCellText(cell.value).trim());
    }
    lines.push({ line: rowNumber, cells });
  });
  const nonEmpty = lines.filter((l) => l.cells.some((c) => c !== ""));
  const [head, ...rest] = nonEmpty;
  if (head === undefined) return null;
  let width = head.cells.length;
  while (width > 0 && head.cells[width - 1] === "") width--;
  return {
    file,
    header: head.cells.slice(0, width),
    headerLine: head.line,
    rows: rest.map((r) => {
      for (let c = width; c < r.cells.length; c++) {
        if (r.cells[c] !== "") throw new InputError(`cell in column ${c + 1} has data but no header`, { file, row: r.line });
      }
      return { line: r.line, cells: r.cells.slice(0, width).concat(Array(Math.max(0, width - r.cells.length)).fill("")) };
    }),
  };
}

/** The worksheet `choice` names (its name in any case, else its number), or the first; InputError naming the option. */
function chooseWorksheet(file: string, sheets: readonly Worksheet[], choice: string | undefined, option: string): Worksheet {
  const first = sheets[0];
  if (first === undefined) throw new InputError("empty file: the workbook has no worksheet", { file });
  if (choice === undefined) return first;
  const byName = sheets.find((s) => s.name === choice) ?? sheets.find((s) => s.name.toLowerCase() === choice.toLowerCase());
  const byNumber = /^\s*\d+\s*$/.test(choice) ? sheets[Number(choice) - 1] : undefined;
  const ws = byName ?? byNumber;
  if (ws === undefined) {
    throw new InputError(`no worksheet "${choice}" in the workbook (it has: ${sheets.map((s, i) => `${i + 1} "${s.name}"`).join(", ")})`, { file, field: option });
  }
  return ws;
}

async function xlsxTable(file: string, bytes: Uint8Array, read: TableReadOptions): Promise<StudyTable> {
  const expanded = zipUncompressedSize(bytes);
  if (expanded === null) throw new InputError("not a readable XLSX workbook: its ZIP directory is missing or damaged (save it again in Excel or LibreOffice, or as CSV)", { file });
  if (expanded > XLSX_MAX_UNCOMPRESSED)
    throw new InputError(`the workbook expands to ${Math.round(expanded / 1048576)} MB when unzipped (at most ${XLSX_MAX_UNCOMPRESSED / 1048576} MB are read): save the study table on its own, or as CSV`, { file });
  const ExcelJS = (await import("exceljs")).default;
  const wb = new ExcelJS.Workbook();
  try {
    // exceljs's typings ask for a Node Buffer; it reads any ArrayBuffer view.
    await wb.xlsx.load(bytes as unknown as Parameters<typeof wb.xlsx.load>[0]);
  } catch (e) {
    throw new InputError(`not a readable XLSX workbook: ${e instanceof Error ? e.message : String(e)}`, { file });
  }
  const option = (read.names ?? CLI_READ_OPTION_NAMES).sheet;
  const ws = chooseWorksheet(file, wb.worksheets, read.sheet, option);
  const emptyText = await emptyTextFormulaCells(bytes);
  const none = new Set<string>();
  const table = worksheetTable(file, ws, emptyText.get(ws.name) ?? none);
  // the other worksheets, for an error naming the one that has the columns (those that cannot be read are left out):
  // read only when an error needs them, once
  let othersRead: { name: string; table: StudyTable }[] | undefined;
  const others = (): { name: string; table: StudyTable }[] => {
    if (othersRead !== undefined) return othersRead;
    othersRead = [];
    if (read.sheet !== undefined) return othersRead;
    for (const other of wb.worksheets) {
      if (other === ws) continue;
      try {
        const t = worksheetTable(file, other, emptyText.get(other.name) ?? none);
        if (t !== null) othersRead.push({ name: other.name, table: t });
      } catch (e) {
        if (!isInputError(e)) throw e;
      }
    }
    return othersRead;
  };
  if (table === null) {
    const first = others()[0];
    const hint = first === undefined ? "" : `; worksheet "${first.name}" has cells: use ${worksheetChoice(option, first.name)}`;
    throw new InputError(`empty file: worksheet "${ws.name}" has no cells${hint}`, { file });
  }
  return { ...table, worksheet: { name: ws.name, chosen: read.sheet !== undefined, option, others } };
}

/**
 * Bytes of a CSV (comma, semicolon or tab separated) or XLSX file -> table of strings. `read.sheet` chooses the
 * worksheet of a workbook (an error for a CSV file).
 */
export async function readStudyTable(file: string, bytes: Uint8Array, read: TableReadOptions = {}): Promise<StudyTable> {
  if (bytes.length === 0) throw new InputError("empty file", { file });
  const lower = file.toLowerCase();
  if (lower.endsWith(".xlsx") || isZip(bytes)) return xlsxTable(file, bytes, read);
  if (lower.endsWith(".xls")) throw new InputError("old .xls workbooks are not read: save as .xlsx or .csv", { file });
  if (read.sheet !== undefined) {
    const option = (read.names ?? CLI_READ_OPTION_NAMES).sheet;
    throw new InputError(`${option} chooses a worksheet of an XLSX workbook; this file is not one`, { file, field: option });
  }
  return csvTable(file, bytes);
}

/** Bytes of a study file -> validated StudyRow[]. */
export async function parseStudyFile(file: string, bytes: Uint8Array, options: StudyInputOptions = {}, read: TableReadOptions = {}): Promise<StudyRow[]> {
  return studyRowsFromTable(await readStudyTable(file, bytes, read), options);
}
