/**
 * Probability helpers for the meta-analysis core (thin wrappers over @stdlib), written so that small
 * upper-tail p-values keep their relative precision (as R's lower.tail = FALSE does), plus a port of
 * R's Brent root finder (R_zeroin2, used by uniroot) so that estimators that metafor obtains with
 * uniroot (Paule-Mandel, Q-profile limits) stop at the same point as metafor.
 */
import normalCdf from "@stdlib/stats-base-dists-normal-cdf";
import normalQuantile from "@stdlib/stats-base-dists-normal-quantile";
import tCdf from "@stdlib/stats-base-dists-t-cdf";
import tQuantile from "@stdlib/stats-base-dists-t-quantile";
import chisqQuantile from "@stdlib/stats-base-dists-chisquare-quantile";
import betainc from "@stdlib/math-base-special-betainc";
import gammainc from "@stdlib/math-base-special-gammainc";
import { erfc } from "./erfc.js";

/**
 * Two-sided p-value of a z statistic: 2 * pnorm(|z|, lower.tail = FALSE). The arithmetic of stdlib's normal cdf
 * at -|z| (0.5 erfc(|z|/(1 sqrt 2))) with core/erfc.ts, which gives stdlib's erfc bit for bit in less time: the
 * same doubles as 2 * normalCdf(-|z|, 0, 1).
 */
export function pvalNormal(z: number): number {
  return 2 * (0.5 * erfc(Math.abs(z) / SQRT2));
}

const SQRT2 = Math.sqrt(2);

/** Two-sided p-value of a t statistic: 2 * pt(|t|, df, lower.tail = FALSE). */
export function pvalT(t: number, df: number): number {
  return 2 * tCdf(-Math.abs(t), df);
}

/**
 * Upper tail of chi-square: pchisq(x, df, lower.tail = FALSE), stdlib's regularised upper incomplete gamma
 * Q(df/2, x/2). For an integer or half-integer shape below 30 with x/2 >= df/2 - 1 (the usual Q statistic of a
 * heterogeneous meta-analysis) stdlib takes a finite sum; `finiteGammaQ` and `finiteHalfGammaQ` are those sums with
 * stdlib's operations in its order, on Math.exp and core/erfc (the same doubles as the library's exp and erfc), so
 * the result is the library's bit for bit (test/stats/core/erfc.test.ts) without its dispatch. Every other case goes
 * to the library.
 */
export function pchisqUpper(x: number, df: number): number {
  if (!(x > 0)) return 1;
  if (x === Infinity) return 0;
  const h = x / 2;
  const a = df / 2;
  // stdlib igammaFinal's choice of method 0 (integer a, x > 0.6) or 1 (half-integer a, x > 0.2)
  if (a > 0 && a < 30 && a <= h + 1 && h < MAX_LN) {
    const fa = Math.floor(a);
    if (fa === a) {
      if (h > 0.6) return Math.min(1, finiteGammaQ(a, h));
    } else if (Math.abs(fa - a) === 0.5 && h > 0.2) return Math.min(1, finiteHalfGammaQ(a, h));
  }
  return gammainc(h, a, true, true);
}

/** ln of the largest double (stdlib's FLOAT64_MAX_LN). */
const MAX_LN = 709.782712893384;

/** Q(a, x) for integer a: e^-x sum_{n < a} x^n/n! (stdlib's finite_gamma_q). */
function finiteGammaQ(a: number, x: number): number {
  let sum = Math.exp(-x);
  if (sum !== 0) {
    let term = sum;
    for (let n = 1; n < a; ++n) {
      term /= n;
      term *= x;
      sum += term;
    }
  }
  return sum;
}

/** Q(a, x) for half-integer a: erfc(sqrt x) + e^-x/sqrt(pi x) sum ... (stdlib's finite_half_gamma_q). */
function finiteHalfGammaQ(a: number, x: number): number {
  let e = erfc(Math.sqrt(x));
  if (e !== 0 && a > 1) {
    let term = Math.exp(-x) / Math.sqrt(Math.PI * x);
    term *= x;
    term /= 0.5;
    let sum = term;
    for (let n = 2; n < a; ++n) {
      term /= n - 0.5;
      term *= x;
      sum += term;
    }
    e += sum;
  }
  return e;
}

/** Upper tail of F(df1, df2): pf(x, df1, df2, lower.tail = FALSE) = I_{df2/(df2 + df1 x)}(df2/2, df1/2). */
export function pfUpper(x: number, df1: number, df2: number): number {
  if (Number.isNaN(x)) return NaN;
  if (!(x > 0)) return 1;
  if (x === Infinity) return 0;
  return betainc(df2 / (df2 + df1 * x), df2 / 2, df1 / 2, true, false);
}

/** Lower tail of chi-square: pchisq(x, df). */
export function pchisq(x: number, df: number): number {
  if (!(x > 0)) return 0;
  if (x === Infinity) return 1;
  return gammainc(x / 2, df / 2, true, false);
}

/** qnorm(p). */
export function qnorm(p: number): number {
  return normalQuantile(p, 0, 1);
}

/** qt(p, df). */
export function qt(p: number, df: number): number {
  return tQuantile(p, df);
}

/**
 * Memo of a deterministic quantile function of (p, df): the same few (p, df) pairs recur in every analysis (the
 * Q-profile limits at k - 1 df, the critical values at the confidence level), and the inverse incomplete gamma or
 * beta behind each costs as much as a whole REML fit. Caching returns the identical double, so it changes no result.
 */
function memo2(f: (p: number, df: number) => number, max = 4096): (p: number, df: number) => number {
  const cache = new Map<number, Map<number, number>>();
  let size = 0;
  // the two pairs asked last, (p, df, value) each, checked before the maps: an analysis asks for the same one or two
  // quantiles over and over (the two Q-profile limits alternate)
  const recent = new Float64Array([NaN, NaN, NaN, NaN, NaN, NaN]);
  return (p, df) => {
    if (p === recent[0] && df === recent[1]) return recent[2] as number;
    if (p === recent[3] && df === recent[4]) return recent[5] as number;
    const v = lookup(p, df);
    recent.copyWithin(3, 0, 3);
    recent[0] = p;
    recent[1] = df;
    recent[2] = v;
    return v;
  };
  function lookup(p: number, df: number): number {
    let byDf = cache.get(p);
    if (byDf === undefined) {
      byDf = new Map();
      cache.set(p, byDf);
    }
    let v = byDf.get(df);
    if (v === undefined) {
      v = f(p, df);
      if (size++ > max) {
        cache.clear();
        size = 0;
      } else byDf.set(df, v);
    }
    return v;
  }
}

const qchisqMemo = memo2((p, df) => chisqQuantile(p, df));
const qtMemo = memo2((p, df) => tQuantile(p, df));
const qnormMemo = memo2((p) => normalQuantile(p, 0, 1));

/** qchisq(p, df) (lower tail), memoised. */
export function qchisq(p: number, df: number): number {
  return qchisqMemo(p, df);
}

/** Standard normal cdf. */
export function pnorm(z: number): number {
  return normalCdf(z, 0, 1);
}

/** Critical value of a two-sided interval: z or t (when df is given). level is in percent. */
export function critValue(level: number, df: number | null): number {
  const alpha = 1 - level / 100;
  return df === null ? -qnormMemo(alpha / 2, 0) : -qtMemo(alpha / 2, df);
}

const DBL_EPSILON = 2.220446049250313e-16;

/** Default uniroot tolerance in R and metafor: .Machine$double.eps^0.25. */
export const UNIROOT_TOL = Math.pow(DBL_EPSILON, 0.25);

/**
 * Root of f in [lower, upper] by Brent's method, a faithful port of R's R_zeroin2 (as called by uniroot,
 * with f evaluated at both ends first; `fLower`/`fUpper` pass those two values when they are known). Returns NaN when the search fails to converge in maxit steps.
 */
export function zeroin(f: (x: number) => number, lower: number, upper: number, tol: number, maxit: number): number {
  return zeroinFrom(f, lower, upper, f(lower), f(upper), tol, maxit);
}

/** zeroin with f(lower) and f(upper) already known (the same values: the search costs two evaluations less). */
export function zeroinFrom(f: (x: number) => number, lower: number, upper: number, fLower: number, fUpper: number, tol: number, maxit: number): number {
  // The unary pluses are no-ops on numbers, but they let V8 type the arguments as numbers: a caller may pass a small
  // integer (tau² = 0) where others pass doubles, and without them the optimised loop keeps a, b, c and their f
  // values as tagged values and boxes every double it assigns to them (two heap numbers per step).
  let a = +lower;
  let b = +upper;
  let fa = +fLower;
  let fb = +fUpper;
  tol = +tol;
  let c = a;
  let fc = fa;
  if (fa === 0) return a;
  if (fb === 0) return b;
  let left = maxit + 1;
  while (left-- > 0) {
    const prevStep = b - a;
    if (Math.abs(fc) < Math.abs(fb)) {
      a = b;
      b = c;
      c = a;
      fa = fb;
      fb = fc;
      fc = fa;
    }
    const tolAct = 2 * DBL_EPSILON * Math.abs(b) + tol / 2;
    let newStep = (c - b) / 2;
    if (Math.abs(newStep) <= tolAct || fb === 0) return b;
    if (Math.abs(prevStep) >= tolAct && Math.abs(fa) > Math.abs(fb)) {
      let p: number;
      let q: number;
      const cb = c - b;
      if (a === c) {
        const t1 = fb / fa;
        p = cb * t1;
        q = 1 - t1;
      } else {
        const qq = fa / fc;
        const t1 = fb / fc;
        const t2 = fb / fa;
        p = t2 * (cb * qq * (qq - t1) - (b - a) * (t1 - 1));
        q = (qq - 1) * (t1 - 1) * (t2 - 1);
      }
      if (p > 0) q = -q;
      else p = -p;
      if (p < 0.75 * cb * q - Math.abs(tolAct * q) / 2 && p < Math.abs((prevStep * q) / 2)) newStep = p / q;
    }
    if (Math.abs(newStep) < tolAct) newStep = newStep > 0 ? tolAct : -tolAct;
    a = b;
    fa = fb;
    b += newStep;
    fb = f(b);
    if ((fb > 0 && fc > 0) || (fb < 0 && fc < 0)) {
      c = a;
      fc = fa;
    }
  }
  return NaN;
}

/** R's median. */
export function median(x: ArrayLike<number>): number {
  const s = Array.from(x).sort((p, q) => p - q);
  const n = s.length;
  if (n === 0) return NaN;
  const h = n >> 1;
  return n % 2 === 1 ? (s[h] as number) : ((s[h - 1] as number) + (s[h] as number)) / 2;
}

/** R's mad() with constant 1.4826. */
export function mad(x: ArrayLike<number>): number {
  const m = median(x);
  const d = Array.from(x, (v) => Math.abs(v - m));
  return 1.4826 * median(d);
}
