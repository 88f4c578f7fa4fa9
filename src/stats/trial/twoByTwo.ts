/**
 * Single-trial 2x2 table: odds ratio, risk ratio and risk difference with Wald confidence intervals,
 * Pearson's chi-square with and without Yates' continuity correction, and Fisher's exact test with the
 * conditional maximum-likelihood odds ratio and its exact interval (all as R's chisq.test / fisher.test).
 *
 * Table layout (rows = arms, columns = outcome):
 *            event   no event
 *   treated    a        b       (totalT = a + b)
 *   control    c        d       (totalC = c + d)
 */
import { z } from "zod";
import { InputError } from "../../shared/errors.js";
import { pchisqUpper, pvalNormal, qnorm, zeroin } from "../core/dist.js";
import gammaln from "@stdlib/math-base-special-gammaln";
import { ArmSizeSchema, EventCountSchema } from "../types.js";
import { dhyper } from "./distributions.js";

export const TwoByTwoInputSchema = z
  .object({
    eventsT: EventCountSchema,
    totalT: ArmSizeSchema,
    eventsC: EventCountSchema,
    totalC: ArmSizeSchema,
    /** Confidence level in percent. */
    level: z.number().gt(0).lt(100).default(95),
  })
  .refine((v) => v.eventsT <= v.totalT, { message: "events in the treated arm exceed its total", path: ["eventsT"] })
  .refine((v) => v.eventsC <= v.totalC, { message: "events in the control arm exceed its total", path: ["eventsC"] });
export type TwoByTwoInput = z.input<typeof TwoByTwoInputSchema>;

export interface WaldEffect {
  /** Estimate on the natural scale (ratio for OR/RR, difference for RD). */
  estimate: number;
  ci_low: number;
  ci_high: number;
  /** Standard error on the analysis scale (log scale for OR and RR). */
  se: number;
  /** Wald z and its two-sided p. */
  z: number;
  p: number;
}

export interface ChiSquareResult {
  statistic: number;
  df: number;
  p: number;
}

export interface FisherResult {
  /** Two-sided p as R's fisher.test: sum of the table probabilities <= the observed one (relative tolerance 1e-7). */
  p: number;
  /** Conditional maximum-likelihood estimate of the odds ratio (R's fisher.test estimate, solved to 1e-12). */
  conditionalOddsRatio: number;
  ci_low: number;
  ci_high: number;
}

export interface TwoByTwoResult {
  table: { a: number; b: number; c: number; d: number };
  level: number;
  riskT: number;
  riskC: number;
  /** True when 0.5 was added to every cell because one cell is zero (OR, RR and RD then use the corrected table). */
  continuityCorrected: boolean;
  oddsRatio: WaldEffect;
  riskRatio: WaldEffect;
  riskDifference: WaldEffect;
  /** Null when an expected count is zero (a row or column of the table is empty). */
  pearson: ChiSquareResult | null;
  yates: ChiSquareResult | null;
  fisher: FisherResult;
  notes: string[];
}

function wald(logScale: boolean, est: number, se: number, zcrit: number): WaldEffect {
  const zval = est / se;
  const lo = est - zcrit * se;
  const hi = est + zcrit * se;
  return logScale
    ? { estimate: Math.exp(est), ci_low: Math.exp(lo), ci_high: Math.exp(hi), se, z: zval, p: pvalNormal(zval) }
    : { estimate: est, ci_low: lo, ci_high: hi, se, z: zval, p: pvalNormal(zval) };
}

/** Pearson chi-square for a 2x2 table, optionally with Yates' correction as R applies it: |O - E| - min(0.5, |O - E|). */
export function pearsonChiSquare(a: number, b: number, c: number, d: number, yates: boolean): ChiSquareResult | null {
  const obs = [a, b, c, d];
  const n = a + b + c + d;
  const rows = [a + b, c + d];
  const cols = [a + c, b + d];
  const expected = [
    ((rows[0] ?? 0) * (cols[0] ?? 0)) / n,
    ((rows[0] ?? 0) * (cols[1] ?? 0)) / n,
    ((rows[1] ?? 0) * (cols[0] ?? 0)) / n,
    ((rows[1] ?? 0) * (cols[1] ?? 0)) / n,
  ];
  if (expected.some((e) => e <= 0)) return null;
  const dev = obs.map((o, i) => Math.abs(o - (expected[i] ?? 0)));
  const corr = yates ? Math.min(0.5, ...dev) : 0;
  let x2 = 0;
  for (let i = 0; i < 4; i++) x2 += ((dev[i] ?? 0) - corr) ** 2 / (expected[i] ?? 1);
  return { statistic: x2, df: 1, p: pchisqUpper(x2, 1) };
}

interface Hyper {
  /** log dhyper over the support lo..hi (index i is the value lo + i). */
  logdc: Float64Array;
  x: number;
  lo: number;
  hi: number;
}

/** Up to this many support points the density is taken point by point from @stdlib; beyond, by its ratio recurrence. */
const DIRECT_SUPPORT = 10_000;

/** log choose(n, k) from log-gamma (finite everywhere, so the log density is concave over the whole support). */
function lchoose(n: number, k: number): number {
  return gammaln(n + 1) - gammaln(k + 1) - gammaln(n - k + 1);
}

function hyperSetup(a: number, b: number, c: number, d: number): Hyper {
  const m = a + c;
  const n = b + d;
  const k = a + b;
  const lo = Math.max(0, k - n);
  const hi = Math.min(k, m);
  const logdc = new Float64Array(hi - lo + 1);
  const total = lchoose(m + n, k);
  if (hi - lo <= DIRECT_SUPPORT) {
    for (let s = lo; s <= hi; s++) {
      // the @stdlib density where it is representable (as R's dhyper), log-gamma in the far tails
      const p = dhyper(s, m, n, k);
      logdc[s - lo] = p > 0 ? Math.log(p) : lchoose(m, s) + lchoose(n, k - s) - total;
    }
  } else {
    // large tables: the density at the mode, then the ratio f(s + 1)/f(s) = (m - s)(k - s) / ((s + 1)(n - k + s + 1))
    const mode = Math.min(hi, Math.max(lo, Math.floor(((k + 1) * (m + 1)) / (m + n + 2))));
    logdc[mode - lo] = Math.log(dhyper(mode, m, n, k));
    for (let s = mode + 1; s <= hi; s++) logdc[s - lo] = (logdc[s - 1 - lo] as number) + Math.log(((m - s + 1) * (k - s + 1)) / (s * (n - k + s)));
    for (let s = mode - 1; s >= lo; s--) logdc[s - lo] = (logdc[s + 1 - lo] as number) - Math.log(((m - s) * (k - s)) / ((s + 1) * (n - k + s + 1)));
  }
  return { logdc, x: a, lo, hi };
}

/** exp() of anything below this is 0 in double precision: points that far under the mode add exactly nothing. */
const EXP_UNDERFLOW = -746;

/**
 * The window of the support that carries the noncentral density for odds ratio exp(logNcp), and its log maximum.
 * The log density logdc + logNcp s is concave (log-concave hypergeometric), so its mode is found by bisection and the
 * window grows from it until the density underflows: the sums below equal R's dnhyper over the whole support but
 * cost O(window), not O(support) (600,001 points for 1,000,000 per arm).
 */
function hyperWindow(h: Hyper, logNcp: number): { from: number; to: number; max: number } {
  const dl = (i: number): number => (h.logdc[i] as number) + logNcp * (h.lo + i);
  let a = 0;
  let b = h.logdc.length - 1;
  while (a < b) {
    const mid = (a + b) >> 1;
    if (dl(mid) < dl(mid + 1)) a = mid + 1;
    else b = mid;
  }
  const max = dl(a);
  let from = a;
  while (from > 0 && dl(from - 1) - max > EXP_UNDERFLOW) from--;
  let to = a;
  while (to < h.logdc.length - 1 && dl(to + 1) - max > EXP_UNDERFLOW) to++;
  return { from, to, max };
}

/** Calls f(value, unnormalised density) over the window and returns the normalising sum. */
function hyperSum(h: Hyper, logNcp: number, f: (value: number, e: number) => void): number {
  const w = hyperWindow(h, logNcp);
  let sum = 0;
  for (let i = w.from; i <= w.to; i++) {
    const e = Math.exp((h.logdc[i] as number) + logNcp * (h.lo + i) - w.max);
    sum += e;
    f(h.lo + i, e);
  }
  return sum;
}

function mnhyper(h: Hyper, logNcp: number): number {
  let m = 0;
  const sum = hyperSum(h, logNcp, (v, e) => {
    m += v * e;
  });
  return m / sum;
}

function pnhyper(h: Hyper, q: number, logNcp: number, upper: boolean): number {
  let p = 0;
  const sum = hyperSum(h, logNcp, (v, e) => {
    if (upper ? v >= q : v <= q) p += e;
  });
  return p / sum;
}

/** Solve an increasing function g(logt) = target over log t, expanding the bracket as needed. */
function solveLog(g: (lt: number) => number, target: number): number {
  let lo = -1;
  let hi = 1;
  let i = 0;
  while (g(lo) > target && i++ < 200) lo *= 2;
  i = 0;
  while (g(hi) < target && i++ < 200) hi *= 2;
  // On the log scale an absolute tolerance is a relative one on the odds ratio.
  return Math.exp(zeroin((lt) => g(lt) - target, lo, hi, 1e-14, 500));
}

/** Fisher's exact test for a 2x2 table, with the conditional MLE odds ratio and exact CI, as R's fisher.test. */
export function fisherExactTest(a: number, b: number, c: number, d: number, level = 95): FisherResult {
  const h = hyperSetup(a, b, c, d);
  // R: sum(d[d <= d[x - lo + 1] * relErr]) with d = dnhyper(1), the central density normalised
  const w = hyperWindow(h, 0);
  const obsLog = (h.logdc[h.x - h.lo] as number) - w.max;
  const relErr = 1 + 1e-7;
  const obs = Math.exp(obsLog);
  let total = 0;
  let tail = 0;
  for (let i = w.from; i <= w.to; i++) {
    const e = Math.exp((h.logdc[i] as number) - w.max);
    total += e;
    if (e <= obs * relErr) tail += e;
  }
  const p = Math.min(1, tail / total);
  let mle: number;
  if (h.lo === h.hi) mle = Number.NaN;
  else if (h.x === h.lo) mle = 0;
  else if (h.x === h.hi) mle = Number.POSITIVE_INFINITY;
  else mle = solveLog((lt) => mnhyper(h, lt), h.x);
  const alpha = (1 - level / 100) / 2;
  let ciLow: number;
  let ciHigh: number;
  if (h.lo === h.hi) {
    ciLow = 0;
    ciHigh = Number.POSITIVE_INFINITY;
  } else {
    // Lower limit: P_t(X >= x) = alpha (increasing in t); upper: P_t(X <= x) = alpha (decreasing in t).
    ciLow = h.x === h.lo ? 0 : solveLog((lt) => pnhyper(h, h.x, lt, true), alpha);
    ciHigh = h.x === h.hi ? Number.POSITIVE_INFINITY : solveLog((lt) => -pnhyper(h, h.x, lt, false), -alpha);
  }
  return { p, conditionalOddsRatio: mle, ci_low: ciLow, ci_high: ciHigh };
}

/** The whole single-trial 2x2 analysis. Throws InputError for impossible counts. */
export function twoByTwo(input: TwoByTwoInput): TwoByTwoResult {
  const parsed = TwoByTwoInputSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError(issue?.message ?? "invalid 2x2 table", { field: issue?.path.join(".") });
  }
  const { eventsT, totalT, eventsC, totalC, level } = parsed.data;
  const a = eventsT;
  const b = totalT - eventsT;
  const c = eventsC;
  const d = totalC - eventsC;
  const notes: string[] = [];
  const zero = a === 0 || b === 0 || c === 0 || d === 0;
  const add = zero ? 0.5 : 0;
  if (zero) notes.push("a cell is zero: 0.5 was added to every cell for OR, RR and RD and their Wald intervals (as metafor's escalc)");
  const ac = a + add;
  const bc = b + add;
  const cc = c + add;
  const dc = d + add;
  const n1 = ac + bc;
  const n2 = cc + dc;
  const zcrit = qnorm(1 - (1 - level / 100) / 2);
  const logOr = Math.log((ac * dc) / (bc * cc));
  const seOr = Math.sqrt(1 / ac + 1 / bc + 1 / cc + 1 / dc);
  const logRr = Math.log(ac / n1 / (cc / n2));
  const seRr = Math.sqrt(1 / ac - 1 / n1 + 1 / cc - 1 / n2);
  const p1 = ac / n1;
  const p2 = cc / n2;
  const rd = p1 - p2;
  const seRd = Math.sqrt((p1 * (1 - p1)) / n1 + (p2 * (1 - p2)) / n2);
  const pearson = pearsonChiSquare(a, b, c, d, false);
  const yates = pearsonChiSquare(a, b, c, d, true);
  if (pearson === null) notes.push("a row or column of the table is empty: the chi-square tests are undefined");
  return {
    table: { a, b, c, d },
    level,
    riskT: a / totalT,
    riskC: c / totalC,
    continuityCorrected: zero,
    oddsRatio: wald(true, logOr, seOr, zcrit),
    riskRatio: wald(true, logRr, seRr, zcrit),
    riskDifference: wald(false, rd, seRd, zcrit),
    pearson,
    yates,
    fisher: fisherExactTest(a, b, c, d, level),
    notes,
  };
}
