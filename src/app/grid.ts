/**
 * Use case: the workbench's data-entry grid. The grid's rows become a CSV table that the same parser as
 * `decidua meta` reads (src/stats/input.ts; `decidua nma` and `decidua tsa` pass theirs to checkGridWith), so every
 * problem the grid shows is the parser's own InputError, with its row and column. `checkGrid` finds one problem per row: it parses, and when a row is at fault, sets that row
 * aside and parses again (at most `maxProblems` times), so several bad cells can be flagged at once.
 */
import { isInputError } from "../shared/errors.js";
import { parseStudyFile } from "../stats/input.js";
import { gridCsv, type GridTable } from "./grid-csv.js";

export { gridCsv, type GridTable };

export interface GridProblem {
  /** 0-based index of the grid row, or null for a problem of the whole table (e.g. a missing column). */
  row: number | null;
  /** The column (as the parser names it), when the problem is in one cell. */
  field: string | null;
  reason: string;
}

/** Every problem the study-table parser of `decidua meta` finds, at most one per row (and at most `maxProblems`). */
export async function checkGrid(g: GridTable, options: { subgroup?: string; mods?: readonly string[]; intervalScale?: "log" | "raw" } = {}, maxProblems = 20): Promise<GridProblem[]> {
  return checkGridWith(g, (file, bytes) => parseStudyFile(file, bytes, { ...options, minStudies: 1 }), maxProblems);
}

/** The grid checked by `parse` (a command's own reading of a CSV file): every problem, at most one per row. */
export async function checkGridWith(g: GridTable, parse: (file: string, bytes: Uint8Array) => Promise<unknown>, maxProblems = 20): Promise<GridProblem[]> {
  const problems: GridProblem[] = [];
  let keep = g.rows.map((_, i) => i).filter((i) => !(g.rows[i] ?? []).every((c) => c.trim() === ""));
  while (problems.length < maxProblems) {
    const { csv, lines } = gridCsv(g, keep);
    if (lines.length === 0) break;
    try {
      await parse("grid.csv", new TextEncoder().encode(csv));
      break;
    } catch (e) {
      if (!isInputError(e)) throw e;
      const line = e.location.row;
      const at = line !== undefined && line >= 2 ? lines[line - 2] : undefined;
      problems.push({ row: at ?? null, field: e.location.field ?? null, reason: e.reason });
      if (at === undefined) break;
      keep = keep.filter((i) => i !== at);
    }
  }
  return problems;
}
