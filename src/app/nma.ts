/**
 * Use case: a network meta-analysis of a study table (arms or contrasts), as `decidua nma` and the workbench's NMA
 * page (POST /api/nma) both run it: read the table, fit the network (src/stats/nma), draw the plots asked for.
 * The command and the route only translate flags or HTTP bodies into these options, so their numbers cannot drift.
 */
import { withFile } from "../shared/errors.js";
import { readStudyTable, tableReadOptions, type ReadOptionNames } from "../stats/input.js";
import { networkPlotSvg, nmaForestPlotSvg, nmaFromTable, nmaStudiesFromTable, type NmaForestOptions, type NmaOptions, type NmaResult } from "../stats/nma/index.js";
import { checkGridWith, type GridProblem, type GridTable } from "./grid.js";

export interface NetworkTable {
  /** The file's name (its extension chooses CSV or XLSX; errors name it). */
  file: string;
  bytes: Uint8Array;
  /** For an XLSX workbook: the worksheet to read (its name or number); default the first. */
  sheet?: string;
  /** How the caller names the option sheet in errors (default --sheet). */
  names?: ReadOptionNames;
}

export interface NetworkPlotRequest {
  /** Title of both plots. */
  title?: string;
  /** Draw the network graph. */
  network?: boolean;
  /** Draw the forest plot of every treatment vs the reference (its Favours labels may be set). */
  forest?: boolean | Pick<NmaForestOptions, "favoursLeft" | "favoursRight">;
}

export interface NetworkAnalysis {
  result: NmaResult;
  /** Header cells no input column used. */
  ignoredColumns: string[];
  networkSvg: string | null;
  forestSvg: string | null;
}

/**
 * Reads the table and runs the network meta-analysis with `options`. `checkTable` sees the number of data rows
 * before any fitting (the workbench's limits) and may throw.
 */
export async function analyseNetworkTable(
  table: NetworkTable,
  options: NmaOptions,
  plots: NetworkPlotRequest = {},
  checkTable: (dataRows: number) => void = () => {},
): Promise<NetworkAnalysis> {
  const t = await readStudyTable(table.file, table.bytes, tableReadOptions(table));
  checkTable(t.rows.length);
  const ignoredColumns: string[] = [];
  const result = nmaFromTable(t, options, (h) => ignoredColumns.push(...h));
  const title = plots.title !== undefined ? { title: plots.title } : {};
  try {
    const networkSvg = plots.network === true ? networkPlotSvg(result, title) : null;
    const forestSvg = plots.forest === undefined || plots.forest === false ? null : nmaForestPlotSvg(result, { ...title, ...(typeof plots.forest === "object" ? definedOnly(plots.forest) : {}) });
    return { result, ignoredColumns, networkSvg, forestSvg };
  } catch (e) {
    throw withFile(e, table.file);
  }
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== "")) as Partial<T>;
}

/** The NMA page's data-entry grid checked as `decidua nma` reads a file (arms or contrasts): located problems. */
export function checkNetworkGrid(g: GridTable): Promise<GridProblem[]> {
  return checkGridWith(g, async (file, bytes) => nmaStudiesFromTable(await readStudyTable(file, bytes)));
}
