/**
 * Input that cannot break storage: every request's params, query and JSON body are checked before validation for
 * text the databases cannot hold or that no clinical record needs — NUL bytes (PostgreSQL rejects them), lone
 * UTF-16 surrogates (not encodable as UTF-8), strings and lists beyond the route's limits, and nesting beyond a
 * fixed depth. The first problem is a 400 naming the field (dotted path). Iterative, so no input can overflow
 * the stack. Pure: plain values in, the first problem (or null) out.
 */

export interface InputLimits {
  /** Longest string (characters) anywhere in the input, keys included. */
  maxString: number;
  /** Longest list anywhere in the input. */
  maxArray: number;
  /** Deepest nesting of objects and lists. */
  maxDepth: number;
  /** Most keys in one object. */
  maxKeys: number;
  /** Per-field overrides by dotted path with list indexes written `*` (e.g. "file.contentBase64", "record.losses"). */
  fields?: Readonly<Record<string, { maxString?: number; maxArray?: number }>>;
}

export const DEFAULT_LIMITS: InputLimits = { maxString: 10_000, maxArray: 200, maxDepth: 16, maxKeys: 200 };

export interface InputProblem {
  field: string;
  message: string;
}

const NUL = /\u0000/;
// a high surrogate not followed by a low one, or a low one not preceded by a high one
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why a text cannot be stored, or null. */
export function badText(s: string): string | null {
  if (NUL.test(s)) return "contains a NUL byte (\\u0000), which cannot be stored";
  if (LONE_SURROGATE.test(s)) return "contains a lone UTF-16 surrogate (not valid Unicode text)";
  return null;
}

function pattern(path: readonly (string | number)[]): string {
  return path.map((p) => (typeof p === "number" ? "*" : p)).join(".");
}

/** The first problem in `value` (a request part called `part`: "body", "query", "params"), or null. */
export function findInputProblem(value: unknown, limits: InputLimits = DEFAULT_LIMITS, prefix: readonly string[] = []): InputProblem | null {
  const stack: Array<{ v: unknown; path: Array<string | number>; depth: number }> = [{ v: value, path: [...prefix], depth: 0 }];
  const name = (path: readonly (string | number)[]) => (path.length === 0 ? "body" : path.map(String).join("."));
  while (stack.length > 0) {
    const { v, path, depth } = stack.pop()!;
    if (typeof v === "string") {
      const why = badText(v);
      if (why !== null) return { field: name(path), message: `${name(path)} ${why}` };
      const max = limits.fields?.[pattern(path)]?.maxString ?? limits.maxString;
      if (v.length > max) return { field: name(path), message: `${name(path)} is too long: ${v.length} characters, at most ${max}` };
      continue;
    }
    if (v === null || typeof v !== "object") continue;
    if (depth >= limits.maxDepth) return { field: name(path), message: `${name(path)} is nested too deeply (more than ${limits.maxDepth} levels)` };
    if (Array.isArray(v)) {
      const max = limits.fields?.[pattern(path)]?.maxArray ?? limits.maxArray;
      if (v.length > max) return { field: name(path), message: `${name(path)} has too many entries: ${v.length}, at most ${max}` };
      for (let i = v.length - 1; i >= 0; i--) stack.push({ v: v[i], path: [...path, i], depth: depth + 1 });
      continue;
    }
    const keys = Object.keys(v);
    if (keys.length > limits.maxKeys) return { field: name(path), message: `${name(path)} has too many fields: ${keys.length}, at most ${limits.maxKeys}` };
    for (let i = keys.length - 1; i >= 0; i--) {
      const k = keys[i]!;
      const why = badText(k);
      if (why !== null) return { field: name([...path, k]), message: `a field name in ${name(path)} ${why}` };
      if (k.length > 200) return { field: name(path), message: `a field name in ${name(path)} is too long (${k.length} characters)` };
      stack.push({ v: (v as Record<string, unknown>)[k], path: [...path, k], depth: depth + 1 });
    }
  }
  return null;
}
