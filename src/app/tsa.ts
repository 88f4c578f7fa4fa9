/**
 * Use case: a trial sequential analysis of a binary study table, as `decidua tsa` and the workbench's TSA page
 * (POST /api/tsa) both run it: parse the table (one study is enough), run the engine (src/stats/tsa), draw the
 * plot when asked. The command and the route only translate flags or HTTP bodies into these options.
 */
import { withFile } from "../shared/errors.js";
import { parseStudyFile, tableReadOptions, type ReadOptionNames, type TableReadOptions } from "../stats/input.js";
import { tsaPlotSvg } from "../stats/plots/index.js";
import { trialSequentialAnalysis, type TsaOptions, type TsaResult } from "../stats/tsa/index.js";
import type { StudyRow } from "../stats/types.js";
import { checkGridWith, type GridProblem, type GridTable } from "./grid.js";

export interface TsaTable {
  file: string;
  bytes: Uint8Array;
  /** For an XLSX workbook: the worksheet to read (its name or number); default the first. */
  sheet?: string;
  /** How the caller names the option sheet in errors (default --sheet). */
  names?: ReadOptionNames;
}

export interface TsaAnalysis {
  rows: StudyRow[];
  result: TsaResult;
  ignoredColumns: string[];
  plotSvg: string | null;
}

/**
 * Parses the table and runs the TSA with `options`; `plot` draws the TSA plot (false: none). `checkRows` sees the
 * parsed rows before the analysis (the workbench's limits) and may throw.
 */
export async function analyseTsaTable(
  table: TsaTable,
  options: TsaOptions,
  plot: { title?: string } | false = false,
  checkRows: (rows: readonly StudyRow[]) => void = () => {},
): Promise<TsaAnalysis> {
  const ignoredColumns: string[] = [];
  const rows = await readTsaRows(table.file, table.bytes, (h) => ignoredColumns.push(...h), tableReadOptions(table));
  checkRows(rows);
  try {
    const result = trialSequentialAnalysis(rows, options);
    const plotSvg = plot === false ? null : tsaPlotSvg(result, plot.title !== undefined ? { title: plot.title } : {});
    return { rows, result, ignoredColumns, plotSvg };
  } catch (e) {
    throw withFile(e, table.file);
  }
}

/** JSON as `decidua tsa --json` writes it: infinite numbers (e.g. an unreachable futility boundary) as "Inf"/"-Inf". */
export function tsaJson(value: unknown, indent?: number): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === "number" && !Number.isFinite(v) ? (Number.isNaN(v) ? null : v > 0 ? "Inf" : "-Inf") : v), indent);
}

/** The study rows of a TSA table: one study is enough; event counts are required (the engine says so otherwise). */
function readTsaRows(file: string, bytes: Uint8Array, onIgnoredColumns?: (h: string[]) => void, read: TableReadOptions = {}): Promise<StudyRow[]> {
  return parseStudyFile(file, bytes, { minStudies: 1, ...(onIgnoredColumns !== undefined ? { onIgnoredColumns } : {}) }, read);
}

/** The TSA page's data-entry grid checked as `decidua tsa` reads a file: located problems. */
export function checkTsaGrid(g: GridTable): Promise<GridProblem[]> {
  return checkGridWith(g, (file, bytes) => readTsaRows(file, bytes));
}
