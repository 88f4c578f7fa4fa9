/**
 * RFC 4180 CSV writing (quotes when needed). Text cells a spreadsheet would run as a formula are prefixed with
 * `'`: those starting with = + - @ (or their full-width forms), tab or CR, also after leading spaces and line
 * breaks (" =cmd", "\n@SUM(...)"). Numbers and booleans are written as they are.
 */
const FORMULA = /^[\t\r]|^\s*[=+\-@\uFF1D\uFF0B\uFF0D\uFF20]/;

export function csvCell(v: unknown): string {
  if (v === null || v === undefined) return "";
  let s = typeof v === "string" ? v : typeof v === "number" || typeof v === "boolean" ? String(v) : JSON.stringify(v);
  if (typeof v !== "number" && typeof v !== "boolean" && FORMULA.test(s)) s = "'" + s;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(header: readonly string[], rows: ReadonlyArray<readonly unknown[]>): string {
  return [header, ...rows].map((r) => r.map(csvCell).join(",")).join("\r\n") + "\r\n";
}
