/**
 * RevMan Web's (Cochrane's current RevMan, 2025) analysis export: the "data-rows" CSV of an analysis download, one
 * row per study and analysis, with the columns Analysis group, Analysis number, Analysis name, Subgroup, Study,
 * Study year, GIV Mean, GIV SE, Experimental mean, SD, cases, N, Control mean, SD, cases, N, O-E, Variance, Weight,
 * Mean, CI start, CI end. (Its settings, the statistical method, effect measure and model, are in the download's
 * separate "overall-estimates-and-settings" file, which this table does not hold: the user's options apply.)
 *
 * `revmanWebStudyTable` picks one analysis ("1.2": group 1, number 2; the only one when the file holds one) and
 * writes its rows as a plain study table (study, events or means, subgroup), which the study-table reader then
 * validates as any other: errors name the export's own rows.
 */
import { InputError } from "../shared/errors.js";
import { normaliseHeader } from "../shared/table-text.js";
import { CLI_READ_OPTION_NAMES, type StudyTable } from "./input.js";

const COLUMNS = {
  group: "analysis group",
  number: "analysis number",
  name: "analysis name",
  subgroup: "subgroup",
  study: "study",
  year: "study year",
  givMean: "giv mean",
  givSe: "giv se",
  meanE: "experimental mean",
  sdE: "experimental sd",
  casesE: "experimental cases",
  nE: "experimental n",
  meanC: "control mean",
  sdC: "control sd",
  casesC: "control cases",
  nC: "control n",
  oe: "o e",
  variance: "variance",
} as const;
type Column = keyof typeof COLUMNS;

/** Whether a table is RevMan Web's data-rows export (its analysis numbering and arm columns are there). */
export function isRevmanWebDataRows(table: Pick<StudyTable, "header">): boolean {
  const keys = new Set(table.header.map(normaliseHeader));
  return [COLUMNS.group, COLUMNS.number, COLUMNS.study, COLUMNS.nE, COLUMNS.nC].every((k) => keys.has(k));
}

/** The one analysis of a RevMan Web data-rows export asked for, as a plain study table, with what was read. */
export function revmanWebStudyTable(table: StudyTable, outcome: string | undefined, option = CLI_READ_OPTION_NAMES.outcome): { table: StudyTable; analysis: string; note: string } {
  const index = new Map(table.header.map((h, i) => [normaliseHeader(h), i]));
  const at = (c: Column): number => index.get(COLUMNS[c]) ?? -1;
  const cell = (r: { cells: string[] }, c: Column): string => (at(c) < 0 ? "" : (r.cells[at(c)] ?? "").trim());
  const idOf = (r: { cells: string[] }) => `${cell(r, "group")}.${cell(r, "number")}`;
  const analyses = new Map<string, { name: string; rows: StudyTable["rows"] }>();
  for (const r of table.rows) {
    const id = idOf(r);
    const a = analyses.get(id) ?? { name: cell(r, "name"), rows: [] };
    a.rows.push(r);
    analyses.set(id, a);
  }
  const list = [...analyses.entries()].map(([id, a]) => `${id} ${a.name} (${a.rows.length} studies)`).join("; ");
  let id = outcome;
  if (id === undefined) {
    if (analyses.size !== 1) throw new InputError(`a RevMan Web export with ${analyses.size} analyses: choose one with ${option} (${list})`, { file: table.file, field: option });
    id = [...analyses.keys()][0] as string;
  }
  const chosen = analyses.get(id);
  if (chosen === undefined) throw new InputError(`no analysis ${id} in this RevMan Web export (it holds ${list})`, { file: table.file, field: option });
  const num = (r: { cells: string[] }, c: Column): number => Number(cell(r, c) === "" ? "0" : cell(r, c));
  // the data type, from the cells RevMan filled: cases (dichotomous), means and SDs (continuous), O-E and variance
  // or the generic estimate and SE (neither is read: their scale is in the settings file)
  const any = (c: Column) => chosen.rows.some((r) => num(r, c) !== 0);
  const continuous = any("sdE") || any("sdC");
  const dichotomous = !continuous && (any("casesE") || any("casesC") || chosen.rows.every((r) => num(r, "nE") > 0 || num(r, "nC") > 0)) && !any("givSe") && !any("variance");
  if (!continuous && !dichotomous)
    throw new InputError(`analysis ${id} holds ${any("variance") ? "O-E and variance" : "generic inverse-variance"} data, whose scale is in RevMan's settings file: export it as a study table (study, yi, sei)`, { file: table.file, field: option });
  const hasSubgroups = chosen.rows.some((r) => cell(r, "subgroup") !== "");
  const header = ["study", ...(dichotomous ? ["events_t", "total_t", "events_c", "total_c"] : ["mean_t", "sd_t", "total_t", "mean_c", "sd_c", "total_c"]), ...(hasSubgroups ? ["subgroup"] : [])];
  const rows = chosen.rows.map((r) => ({
    line: r.line,
    cells: [
      cell(r, "year") !== "" && !cell(r, "study").includes(cell(r, "year")) ? `${cell(r, "study")} ${cell(r, "year")}` : cell(r, "study"),
      ...(dichotomous ? [cell(r, "casesE"), cell(r, "nE"), cell(r, "casesC"), cell(r, "nC")] : [cell(r, "meanE"), cell(r, "sdE"), cell(r, "nE"), cell(r, "meanC"), cell(r, "sdC"), cell(r, "nC")]),
      ...(hasSubgroups ? [cell(r, "subgroup")] : []),
    ],
  }));
  const out: StudyTable = { file: table.file, header, headerLine: table.headerLine, rows };
  if (table.encodingNote !== undefined) out.encodingNote = table.encodingNote;
  return {
    table: out,
    analysis: id,
    note: `RevMan Web export: analysis ${id} ${chosen.name} (${dichotomous ? "dichotomous" : "continuous"}, ${rows.length} studies); RevMan's method, measure and model are in its settings file, not in this one: the options given apply`,
  };
}
