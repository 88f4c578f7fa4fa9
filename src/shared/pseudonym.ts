/**
 * The researcher's view of a patient: no name, no record id or free-text names, pseudonym id instead of the
 * real one in displays, and every calendar date shifted by the patient's own stable offset (so intervals
 * between dates are kept, absolute dates are not). Pure functions over plain data.
 */
const DATE_PREFIX = /^(\d{4})-(\d{2})-(\d{2})/;
/** Keys dropped from pseudonymised documents (identifiers and free text that may hold names). */
const DROPPED_KEYS = new Set(["id", "patientId", "name", "displayName", "note", "notes", "comment", "comments"]);
const ANY_DATE = /\b(\d{4})-(\d{2})-(\d{2})\b/g;

/** Shifts a string that starts with a YYYY-MM-DD date by `days`, keeping whatever follows (time, zone). */
export function shiftDateString(value: string, days: number): string {
  const m = DATE_PREFIX.exec(value);
  if (m === null) return value;
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  if (Number.isNaN(t)) return value;
  const d = new Date(t + days * 86_400_000);
  const iso = d.toISOString().slice(0, 10);
  return iso + value.slice(10);
}

/** Shifts every YYYY-MM-DD date inside a text (e.g. "last loss on 2024-02-14"). */
export function shiftDatesInText(value: string, days: number): string {
  return value.replace(ANY_DATE, (d) => shiftDateString(d, days));
}

/** Deep copy with every date (also dates inside texts) shifted and identifying keys removed (`keepKeys` are kept at top level). */
export function pseudonymiseValue(value: unknown, days: number, keepTopKeys: ReadonlySet<string> = new Set()): unknown {
  const walk = (v: unknown, top: boolean): unknown => {
    if (typeof v === "string") return shiftDatesInText(v, days);
    if (Array.isArray(v)) return v.map((x) => walk(x, false));
    if (v !== null && typeof v === "object") {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) {
        if (DROPPED_KEYS.has(k) && !(top && keepTopKeys.has(k))) continue;
        out[k] = walk(x, false);
      }
      return out;
    }
    return v;
  };
  return walk(value, true);
}
