/**
 * The data-entry grid as CSV text, shared by the browser (which uploads it) and the server's grid check, so a
 * parser problem at file line L is grid row lines[L - 2] on both sides. No imports: safe in the browser bundle.
 */
export interface GridTable {
  /** Header cells (canonical names such as study, events_t, total_t, ... or yi, vi / yi, sei). */
  columns: readonly string[];
  rows: ReadonlyArray<readonly string[]>;
}

function cell(s: string): string {
  const t = s.replace(/[\r\n]+/g, " ");
  return /[",]/.test(t) || /^\s|\s$/.test(t) ? `"${t.replace(/"/g, '""')}"` : t;
}

/** The grid as CSV text (header on line 1, grid row i on line i + 2); blank rows are left out. */
export function gridCsv(g: GridTable, keep?: readonly number[]): { csv: string; lines: number[] } {
  const lines: number[] = [];
  const out = [g.columns.map(cell).join(",")];
  const idx = keep ?? g.rows.map((_, i) => i);
  for (const i of idx) {
    const r = g.rows[i] ?? [];
    if (r.every((c) => c.trim() === "")) continue;
    lines.push(i);
    out.push(g.columns.map((_, j) => cell(r[j] ?? "")).join(","));
  }
  return { csv: `${out.join("\n")}\n`, lines };
}

