/**
 * Canonical JSON of an evidence base: object keys sorted (by UTF-16 code units), no whitespace, arrays in their
 * order, numbers and strings as JSON.stringify writes them, `undefined` members left out. Two bases with the same
 * content give the same text, whatever order their keys were written in; the sha-256 of this text is a published
 * version's content hash (docs/evidence.md). Pure.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") {
    const s = JSON.stringify(value);
    if (s === undefined) throw new TypeError(`canonical JSON: ${typeof value} has no JSON form`);
    if (typeof value === "number" && !Number.isFinite(value)) throw new TypeError("canonical JSON: a number must be finite");
    return s;
  }
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? "null" : canonicalJson(v))).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
}
