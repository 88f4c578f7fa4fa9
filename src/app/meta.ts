/**
 * Use case: a meta-analysis of an uploaded or named study table (CSV/XLSX), as `decidua meta` and the workbench
 * (POST /api/meta) both run it. Everything that turns engine options into parsing options lives here once, so the
 * two cannot drift: the scale of a table of estimates with CIs follows `--measure`, `--bias` needs three studies,
 * the funnel's trim-and-fill points are computed when a funnel plot is asked for.
 */
import { InputError, withFile } from "../shared/errors.js";
import { CLI_READ_OPTION_NAMES, readStudyTable, studyRowsFromTable, tableReadOptions, type ReadOptionNames, type StudyTable as ParsedStudyTable } from "../stats/input.js";
import { isRevmanWebDataRows, revmanWebStudyTable } from "../stats/revman-web-csv.js";
import { isRevman5AnalysesTable, parseRevman5Analyses } from "../stats/revman5-csv.js";
import { compareWithRevman, decodeRevman5, parseRevman5, revmanAnalysisRows, revmanOptions, revmanOutcome, type RevmanCheck, type RevmanOutcome } from "../stats/revman5.js";
import { metaAnalysis } from "../stats/meta.js";
import { forestPlotSvg, funnelPlotSvg, type ForestPlotOptions } from "../stats/plots/index.js";
import type { MetaOptions, MetaResult, StudyRow } from "../stats/types.js";

export interface StudyTable {
  /** The file's name (its extension chooses CSV or XLSX; errors name it). */
  file: string;
  bytes: Uint8Array;
  /** For a RevMan 5 review (.rm5): the outcome to analyse, e.g. "CMP-001.01"; for RevMan's data and analyses export, its number, e.g. "1.2". */
  outcome?: string;
  /** For an XLSX workbook: the worksheet to read (its name or number); default the first. */
  sheet?: string;
  /** How the caller names the options outcome and sheet in errors (default the command line's --outcome, --sheet). */
  names?: ReadOptionNames;
}

export interface PlotRequest {
  /** Forest plot options, or false for no forest plot. */
  forest?: ForestPlotOptions | false;
  /** A funnel plot: its title, or true for the default; false or absent for none. */
  funnel?: { title?: string } | boolean;
}

export interface TableAnalysis {
  rows: StudyRow[];
  result: MetaResult;
  /** Header cells of the table that no input column used (the CLI prints them as a note). */
  ignoredColumns: string[];
  /** Warnings about the input (e.g. repeated study labels made unique by row). */
  warnings: string[];
  forestSvg: string | null;
  /** Null when not asked for, or when the analysis has fewer than three studies and the caller allowed that. */
  funnelSvg: string | null;
  /** For a RevMan 5 review: the outcome analysed (with its stored settings) and every number RevMan stored beside ours. */
  revman?: { outcome: RevmanOutcome; checks: RevmanCheck[] };
}

/** True when the model will be fixed effect: asked for, or the default of MH, Peto and the revman5 preset. */
function fixedModel(o: MetaOptions): boolean {
  if (o.model !== undefined) return o.model === "fixed";
  if (o.preset === "revman-web") return false;
  return o.preset === "revman5" || o.method === "MH" || o.method === "PETO";
}

/**
 * The outcome asked for of a RevMan 5 review (.rm5) or of RevMan 5's data and analyses export (a CSV or XLSX whose
 * columns are RevMan's), or else the study table (of the worksheet `sheet` of a workbook). An outcome asked of a plain
 * study table is an error.
 */
async function revmanOrTable(table: StudyTable): Promise<{ revman: RevmanOutcome; studyTable?: undefined; note?: undefined } | { revman?: undefined; studyTable: ParsedStudyTable; note?: string }> {
  const names = table.names ?? CLI_READ_OPTION_NAMES;
  if (/\.rm5$/i.test(table.file)) {
    if (table.sheet !== undefined) throw new InputError(`${names.sheet} chooses a worksheet of an XLSX workbook; this file is a RevMan 5 review`, { file: table.file, field: names.sheet });
    return { revman: revmanOutcome(parseRevman5(decodeRevman5(table.bytes), table.file), table.outcome, table.file, names.outcome) };
  }
  const studyTable = await readStudyTable(table.file, table.bytes, tableReadOptions(table));
  // RevMan 5's export of its data and analyses: the same outcomes as the review file, numbered as in RevMan ("1.2")
  if (isRevman5AnalysesTable(studyTable)) return { revman: revmanOutcome(parseRevman5Analyses(studyTable), table.outcome, table.file, names.outcome) };
  // RevMan Web's data-rows export: one analysis of it, as a study table
  if (isRevmanWebDataRows(studyTable)) {
    const web = revmanWebStudyTable(studyTable, table.outcome, names.outcome);
    return { studyTable: web.table, note: web.note };
  }
  if (table.outcome !== undefined) {
    throw new InputError(`${names.outcome} chooses an outcome of a RevMan 5 review (.rm5) or of RevMan's data and analyses export; this file is a study table`, { file: table.file, field: names.outcome });
  }
  return { studyTable };
}

/**
 * Parses the table and runs the analysis with `options` (the engine's own option names), drawing the plots asked
 * for. `funnelNeedsThree: "skip"` returns no funnel for k < 3 instead of an error (the workbench shows none).
 */
export async function analyseStudyTable(
  table: StudyTable,
  options: MetaOptions,
  plots: PlotRequest = {},
  funnelNeedsThree: "skip" | "draw" = "draw",
  /** Called with the parsed rows before any analysis (e.g. the workbench's limits on k); may throw. */
  checkRows: (rows: readonly StudyRow[]) => void = () => {},
): Promise<TableAnalysis> {
  const ignoredColumns: string[] = [];
  const warnings: string[] = [];
  const needsThree = options.bias === true;
  const { revman, studyTable, note } = await revmanOrTable(table);
  if (studyTable?.encodingNote !== undefined) warnings.push(`${table.file}: ${studyTable.encodingNote}`);
  if (note !== undefined) warnings.push(`${table.file}: ${note}`);
  if (revman !== undefined) options = revmanOptions(revman, options);
  const rows =
    revman !== undefined
      ? revmanAnalysisRows(revman)
      : studyRowsFromTable(studyTable, {
          ...(options.subgroup !== undefined ? { subgroup: options.subgroup } : {}),
          ...(options.measure !== undefined ? { intervalScale: options.measure === "OR" || options.measure === "RR" ? ("log" as const) : ("raw" as const) } : {}),
          // one study is enough for a fixed-effect model (as metafor); random effects need two
          minStudies: needsThree ? 3 : fixedModel(options) ? 1 : 2,
          ...(needsThree ? { minStudiesReason: "for --bias" } : {}),
          ...(options.mods !== undefined ? { mods: options.mods } : {}),
          onIgnoredColumns: (h) => ignoredColumns.push(...h),
          onWarning: (w) => warnings.push(w),
        });
  if (revman !== undefined && plots.forest !== undefined && plots.forest !== false) {
    // RevMan's own labels for the arms and the sides of the plot, unless the caller set them
    const f = plots.forest;
    plots = {
      ...plots,
      forest: {
        title: f.title ?? (revman.name || revman.comparison),
        experimentalLabel: f.experimentalLabel ?? revman.groupLabels[0],
        controlLabel: f.controlLabel ?? revman.groupLabels[1],
        favoursLeft: f.favoursLeft ?? revman.graphLabels[0],
        favoursRight: f.favoursRight ?? revman.graphLabels[1],
      },
    };
  }
  checkRows(rows);
  const wantFunnel = plots.funnel !== undefined && plots.funnel !== false;
  // The funnel plot draws trim-and-fill studies only from result.funnel, which the engine builds on request.
  const engineOptions: MetaOptions = wantFunnel ? { ...options, funnel: true } : options;
  try {
    const result = metaAnalysis(rows, engineOptions);
    const forestSvg = plots.forest === undefined || plots.forest === false ? null : forestPlotSvg(result, plots.forest);
    let funnelSvg: string | null = null;
    if (wantFunnel && !(funnelNeedsThree === "skip" && result.k < 3)) {
      const title = typeof plots.funnel === "object" ? plots.funnel.title : undefined;
      funnelSvg = funnelPlotSvg(result, title !== undefined ? { title } : {});
    }
    const base: TableAnalysis = { rows, result, ignoredColumns, warnings, forestSvg, funnelSvg };
    return revman === undefined ? base : { ...base, revman: { outcome: revman, checks: compareWithRevman(revman, result) } };
  } catch (e) {
    throw withFile(e, table.file);
  }
}
