import type { StudyTable } from "../../../src/stats/input.js";

/** Fixture rows (objects keyed by column) -> the table of strings a CSV file would give (header = row 1). */
export function tableFromRows(file: string, rows: Record<string, string | number>[]): StudyTable {
  const header = Object.keys(rows[0] ?? {});
  return { file, header, headerLine: 1, rows: rows.map((r, i) => ({ line: i + 2, cells: header.map((h) => String(r[h] ?? "")) })) };
}
