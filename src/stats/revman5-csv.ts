/**
 * RevMan 5's export of its data and analyses as a CSV file (the file R's meta::read.rm5 reads besides .rm5): one row
 * per comparison, outcome, subgroup and study, keyed by Comparison Number, Outcome Number and Subgroup Number. An
 * outcome's row holds its settings (Data Type, Statistical Method, Effect Measure, Analysis Model) and RevMan's
 * results for it (Effect Estimate, CI Start, CI End, Q, P(Q), I²(Q), Tau², Z, P(Z), Qint, P(Qint), I²(Qint), df); a
 * subgroup's row (Data Type filled, a Subgroup Number) its results; a study's row (no Data Type) its data (Events,
 * Mean, SD and Total of groups 1 and 2, O-E and Var, or Effect Estimate and SE) and RevMan's results for it.
 *
 * The rows become the elements of a .rm5 file's ANALYSES_AND_DATA and are read by revman5.ts readOutcomes, so an
 * export and its review give the same outcomes, checked by the same rules; errors name the CSV row and column.
 * Outcome ids are RevMan's analysis numbers ("1.2": comparison 1, outcome 2).
 */
import { InputError, isInputError } from "../shared/errors.js";
import { normaliseHeader } from "../shared/table-text.js";
import type { StudyTable } from "./input.js";
import { readOutcomes, type Revman5Node, type RevmanLocate, type RevmanReview } from "./revman5.js";

/** The numbering columns, as normaliseHeader gives them ("I²(Q)" is "i q" in any encoding of the "²"). */
const KEY_COLUMNS = ["comparison number", "outcome number", "subgroup number"] as const;

/** Whether a table is RevMan 5's data and analyses export (its three numbering columns are there). */
export function isRevman5AnalysesTable(table: Pick<StudyTable, "header">): boolean {
  const keys = new Set(table.header.map(normaliseHeader));
  return KEY_COLUMNS.every((k) => keys.has(k));
}

/** The .rm5 attribute each column of a study row fills. */
const STUDY_ROW_COLUMNS: Readonly<Record<string, string>> = {
  EVENTS_1: "events 1",
  MEAN_1: "mean 1",
  SD_1: "sd 1",
  TOTAL_1: "total 1",
  EVENTS_2: "events 2",
  MEAN_2: "mean 2",
  SD_2: "sd 2",
  TOTAL_2: "total 2",
  O_E: "o e",
  VAR: "var",
  EFFECT_SIZE: "effect estimate",
  SE: "se",
  CI_START: "ci start",
  CI_END: "ci end",
  WEIGHT: "weight",
};

/** The .rm5 attribute each column of an outcome or subgroup row fills (the export's Q is the .rm5 file's CHI2, its Qint the test for subgroup differences). */
const POOLED_COLUMNS: Readonly<Record<string, string>> = {
  EFFECT_SIZE: "effect estimate",
  CI_START: "ci start",
  CI_END: "ci end",
  WEIGHT: "weight",
  CHI2: "q",
  P_CHI2: "p q",
  I2: "i q",
  TAU2: "tau",
  Z: "z",
  P_Z: "p z",
  DF: "df",
  Q: "qint",
  P_Q: "p qint",
  I2_Q: "i qint",
};

type OutcomeType = "DICH" | "CONT" | "IV" | "IPD";

/** The outcome type of a Data Type (RevMan writes DIC, CON, IV, IPD; meta reads the first letter). */
function outcomeType(dataType: string, method: string): OutcomeType | undefined {
  const t = dataType.trim().toUpperCase();
  // O-E and variance data: RevMan's IPD type, or generic data pooled by its O-E method
  if (t === "IPD" || t.startsWith("O") || t.startsWith("P") || (t.startsWith("I") && method.toUpperCase() === "EXP_O_E_VAR")) return "IPD";
  if (t.startsWith("I")) return "IV";
  if (t.startsWith("D")) return "DICH";
  if (t.startsWith("C")) return "CONT";
  return undefined;
}

interface OutcomeUnderConstruction {
  node: Revman5Node;
  type: OutcomeType;
  subgroups: Map<number, Revman5Node>;
}

/** Reads RevMan 5's data and analyses export (a table isRevman5AnalysesTable accepts) as a review. */
export function parseRevman5Analyses(table: StudyTable): RevmanReview {
  const { file } = table;
  const col = new Map<string, number>();
  table.header.forEach((h, i) => {
    const k = normaliseHeader(h);
    if (k !== "" && !col.has(k)) col.set(k, i);
  });
  const headerOf = (k: string): string => table.header[col.get(k) ?? -1] ?? k;
  const where = new WeakMap<Revman5Node, number>();
  const columnOf = (attribute: string): string | undefined => {
    const k = STUDY_ROW_COLUMNS[attribute] ?? POOLED_COLUMNS[attribute] ?? (attribute === "EFFECT_MEASURE" ? "effect measure" : attribute === "METHOD" ? "statistical method" : undefined);
    return k !== undefined && col.has(k) ? headerOf(k) : undefined;
  };
  const locate: RevmanLocate = {
    at: (n, attribute, path) => {
      const line = where.get(n);
      return { ...(line !== undefined ? { row: line } : {}), field: columnOf(attribute) ?? path };
    },
    name: (attribute) => columnOf(attribute) ?? attribute,
  };
  // a number as RevMan writes it: thousands separated by commas (a decimal comma when the export is semicolon-separated)
  const numberText = (v: string): string => (table.decimalComma === true ? v.replace(/\./g, "").replace(",", ".") : v.replace(/,/g, "")).trim();
  const attributes = (cells: string[], columns: Readonly<Record<string, string>>): Revman5Node => {
    const n: Revman5Node = {};
    for (const [attribute, k] of Object.entries(columns)) {
      const i = col.get(k);
      if (i !== undefined) n[`@_${attribute}`] = numberText(cells[i] ?? "");
    }
    return n;
  };

  const comparisons = new Map<number, Revman5Node>();
  const outcomes = new Map<string, OutcomeUnderConstruction>();
  const studies: RevmanReview["studies"] = new Map();
  const comparison = (no: number): Revman5Node => {
    let c = comparisons.get(no);
    if (c === undefined) {
      c = { "@_ID": String(no), "@_NO": String(no), NAME: "", DICH_OUTCOME: [], CONT_OUTCOME: [], IV_OUTCOME: [], IPD_OUTCOME: [] };
      comparisons.set(no, c);
    }
    return c;
  };

  for (const r of table.rows) {
    const cell = (k: string): string => (r.cells[col.get(k) ?? -1] ?? "").trim();
    if (r.cells.every((c) => c.trim() === "")) continue;
    const number = (k: (typeof KEY_COLUMNS)[number]): number => {
      const v = Number(cell(k));
      if (!Number.isInteger(v) || v < 0) throw new InputError(`${headerOf(k)} must be a whole number (0 or more), not "${cell(k)}"`, { file, row: r.line, field: headerOf(k) });
      return v;
    };
    const cmp = number("comparison number");
    const outc = number("outcome number");
    const grp = number("subgroup number");
    const name = cell("name");
    const dataType = cell("data type");
    if (outc === 0) {
      comparison(cmp)["NAME"] = name;
      continue;
    }
    const id = `${cmp}.${outc}`;
    const o = outcomes.get(id);
    if (o === undefined) {
      const method = cell("statistical method");
      const type = outcomeType(dataType, method);
      if (type === undefined) {
        throw new InputError(
          dataType === "" ? `the first row of analysis ${id} is not its outcome row (it has no ${headerOf("data type")})` : `data type "${dataType}" is not one RevMan 5 writes (DIC, CON, IV, IPD)`,
          { file, row: r.line, field: headerOf("data type") },
        );
      }
      const logScale = cell("entered data are on log scale generic inverse variance only").toLowerCase();
      const level = (k: string): string | undefined => {
        const v = Number.parseFloat(cell(k).replace("%", ""));
        return Number.isFinite(v) ? String(v) : undefined;
      };
      const studyLevel = level("study confidence interval");
      const totalLevel = level("total confidence interval");
      const node: Revman5Node = {
        ...attributes(r.cells, POOLED_COLUMNS),
        "@_ID": id,
        "@_NO": String(outc),
        "@_METHOD": method,
        "@_EFFECT_MEASURE": cell("effect measure"),
        "@_RANDOM": cell("analysis model").toLowerCase() === "random" ? "YES" : "NO",
        ...(logScale === "no" ? { "@_LOG_DATA": "NO" } : {}),
        ...(cell("swap event and non event").toLowerCase() === "yes" ? { "@_SWAP_EVENTS": "YES" } : {}),
        ...(studyLevel !== undefined ? { "@_CI_STUDY": studyLevel } : {}),
        ...(totalLevel !== undefined ? { "@_CI_TOTAL": totalLevel } : {}),
        NAME: name,
        GROUP_LABEL_1: cell("group label 1"),
        GROUP_LABEL_2: cell("group label 2"),
        GRAPH_LABEL_1: cell("left graph label"),
        GRAPH_LABEL_2: cell("right graph label"),
        [`${type}_DATA`]: [],
        [`${type}_SUBGROUP`]: [],
      };
      where.set(node, r.line);
      (comparison(cmp)[`${type}_OUTCOME`] as Revman5Node[]).push(node);
      outcomes.set(id, { node, type, subgroups: new Map() });
      continue;
    }
    if (dataType !== "") {
      if (grp === 0) throw new InputError(`a subgroup row of analysis ${id} needs a ${headerOf("subgroup number")} above 0`, { file, row: r.line, field: headerOf("subgroup number") });
      const sg: Revman5Node = { ...attributes(r.cells, POOLED_COLUMNS), "@_ID": `${id}.${grp}`, "@_NO": String(grp), NAME: name, [`${o.type}_DATA`]: [] };
      where.set(sg, r.line);
      (o.node[`${o.type}_SUBGROUP`] as Revman5Node[]).push(sg);
      o.subgroups.set(grp, sg);
      continue;
    }
    const parent = grp === 0 ? o.node : o.subgroups.get(grp);
    if (parent === undefined) throw new InputError(`study "${name}" is in subgroup ${grp} of analysis ${id}, which has no subgroup row before it`, { file, row: r.line, field: headerOf("subgroup number") });
    const studyId = `CSV-ROW-${r.line}`;
    const year = Number(cell("year of study"));
    studies.set(studyId, { name: name === "" ? `row ${r.line}` : name, ...(Number.isInteger(year) && year > 0 ? { year } : {}) });
    const d: Revman5Node = { ...attributes(r.cells, STUDY_ROW_COLUMNS), "@_STUDY_ID": studyId };
    where.set(d, r.line);
    (parent[`${o.type}_DATA`] as Revman5Node[]).push(d);
  }
  if (outcomes.size === 0) throw new InputError("the RevMan export holds no analysis (no row with an Outcome Number above 0)", { file });
  const analyses: Revman5Node = { "@_CALCULATED_DATA": "YES", COMPARISON: [...comparisons.values()] };
  try {
    return {
      title: file.replace(/^.*[\\/]/, "").replace(/\.(csv|xlsx)$/i, ""),
      revmanVersion: "5 (data and analyses export)",
      studies,
      outcomes: readOutcomes(analyses, studies, locate),
    };
  } catch (e) {
    if (isInputError(e) && e.location.file === undefined) throw new InputError(e.reason, { ...e.location, file });
    throw e;
  }
}
