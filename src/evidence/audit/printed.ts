/**
 * Printed numbers and the intervals they stand for. A value printed with d decimals stands for every true value
 * that rounds to it: [v - 0.5 * 10^-d, v + 0.5 * 10^-d]. All consistency checks of the audit compare such
 * intervals (interval arithmetic), never a fixed tolerance.
 */

export interface Interval {
  lo: number;
  hi: number;
}

export interface Printed {
  /** The text as printed (normalised: unicode minus to "-", leading "." to "0."). */
  text: string;
  value: number;
  /** Decimals as printed ("1.50" has 2). */
  decimals: number;
  /** Values that round to the printed text. */
  range: Interval;
}

/** Relative slack for floating-point noise in the interval ends (not a rounding tolerance). */
const FLOAT_SLACK = 1e-12;

/** Count the decimals of a JavaScript number's shortest representation (trailing zeros are lost: 1.50 -> 1). */
export function decimalsOfNumber(v: number): number {
  const s = String(v);
  if (/e/i.test(s)) {
    const [mant = "", exp = "0"] = s.toLowerCase().split("e");
    const md = mant.includes(".") ? (mant.split(".")[1] ?? "").length : 0;
    return Math.max(0, md - Number(exp));
  }
  return s.includes(".") ? (s.split(".")[1] ?? "").length : 0;
}

/**
 * Read a printed number. A string keeps its printed decimals ("2.30" -> 2); a number uses `decimals` when given,
 * else the decimals of its shortest representation. Returns null when the text is not a number.
 */
export function parsePrinted(input: string | number, decimals?: number): Printed | null {
  let text: string;
  let d: number;
  if (typeof input === "number") {
    if (!Number.isFinite(input)) return null;
    d = decimals ?? decimalsOfNumber(input);
    text = decimals !== undefined ? input.toFixed(decimals) : String(input);
  } else {
    text = input.trim().replace(/[\u2212\u2013\u2014]/g, "-").replace(/^(-?)\./, "$10.");
    if (!/^-?\d+(\.\d+)?$/.test(text)) return null;
    d = text.includes(".") ? (text.split(".")[1] ?? "").length : 0;
    if (decimals !== undefined) d = decimals;
  }
  const value = Number(text);
  const half = 0.5 * Math.pow(10, -d);
  const slack = Math.abs(value) * FLOAT_SLACK + 1e-15;
  return { text, value, decimals: d, range: { lo: value - half - slack, hi: value + half + slack } };
}

export function overlaps(a: Interval, b: Interval): boolean {
  return a.lo <= b.hi && b.lo <= a.hi;
}

export function contains(a: Interval, x: number): boolean {
  return a.lo <= x && x <= a.hi;
}

/**
 * Range of f over a box of intervals, by evaluating f on a grid (5 points per dimension, ends included). The
 * functions audited (Z and P from an estimate and its CI) are monotone in each argument over a rounding box, so
 * the ends give the exact range; the inner points guard against a turn inside the box.
 */
export function rangeOver(box: Interval[], f: (...args: number[]) => number, points = 5): Interval {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  const dims = box.length;
  const total = Math.pow(points, dims);
  const args = new Array<number>(dims).fill(0);
  for (let idx = 0; idx < total; idx++) {
    let r = idx;
    for (let j = 0; j < dims; j++) {
      const step = r % points;
      r = Math.floor(r / points);
      const iv = box[j] ?? { lo: 0, hi: 0 };
      args[j] = iv.lo + ((iv.hi - iv.lo) * step) / (points - 1);
    }
    const v = f(...args);
    if (Number.isNaN(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return { lo, hi };
}

/** Format a P value for messages: two significant digits, scientific below 0.001. */
export function fmtP(p: number): string {
  if (p === 0) return "0";
  if (p < 0.001) return p.toExponential(1);
  return p.toPrecision(2).replace(/^0\.(\d)$/, "0.$1");
}

/** Format a statistic for messages (two decimals, or more for small numbers). */
export function fmtNum(v: number, decimals = 2): string {
  if (!Number.isFinite(v)) return String(v);
  if (v !== 0 && Math.abs(v) < Math.pow(10, -decimals)) return v.toPrecision(2);
  return v.toFixed(decimals);
}
