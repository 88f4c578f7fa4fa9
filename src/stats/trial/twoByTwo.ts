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
import { dhyper } from "./distributions.js";

export const TwoByTwoInputSchema = z
  .object({
    eventsT: z.number().int().nonnegative(),
    totalT: z.number().int().positive(),
    eventsC: z.number().int().nonnegative(),
    totalC: z.number().int().positive(),
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
  support: number[];
  logdc: number[];
  x: number;
  lo: number;
  hi: number;
}

function hyperSetup(a: number, b: number, c: number, d: number): Hyper {
  const m = a + c;
  const n = b + d;
  const k = a + b;
  const lo = Math.max(0, k - n);
  const hi = Math.min(k, m);
  const support: number[] = [];
  const logdc: number[] = [];
  for (let s = lo; s <= hi; s++) {
    support.push(s);
    logdc.push(Math.log(dhyper(s, m, n, k)));
  }
  return { support, logdc, x: a, lo, hi };
}

/** Noncentral hypergeometric probabilities for odds ratio exp(logNcp) (R's dnhyper). */
function dnhyper(h: Hyper, logNcp: number): number[] {
  const dl = h.logdc.map((v, i) => v + logNcp * (h.support[i] ?? 0));
  // a loop, not Math.max(...dl): the support has min(m, k) - max(0, k - n) + 1 points (500,001 for 250,000 per arm)
  let max = -Infinity;
  for (const v of dl) if (v > max) max = v;
  const e = dl.map((v) => Math.exp(v - max));
  const s = e.reduce((acc, v) => acc + v, 0);
  return e.map((v) => v / s);
}

function mnhyper(h: Hyper, logNcp: number): number {
  const d = dnhyper(h, logNcp);
  return d.reduce((acc, p, i) => acc + p * (h.support[i] ?? 0), 0);
}

function pnhyper(h: Hyper, q: number, logNcp: number, upper: boolean): number {
  const d = dnhyper(h, logNcp);
  let s = 0;
  for (let i = 0; i < d.length; i++) {
    const v = h.support[i] ?? 0;
    if (upper ? v >= q : v <= q) s += d[i] ?? 0;
  }
  return s;
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
  const d1 = dnhyper(h, 0);
  const obs = d1[h.x - h.lo] ?? 0;
  const relErr = 1 + 1e-7;
  const p = Math.min(1, d1.filter((v) => v <= obs * relErr).reduce((s, v) => s + v, 0));
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
