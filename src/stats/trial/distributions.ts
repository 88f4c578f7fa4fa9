/**
 * Distribution helpers for the single-trial tests: thin wrappers over @stdlib (normal, t, chi-square,
 * hypergeometric) and the exact null distributions of the Wilcoxon statistics (counted by dynamic
 * programming, as R's pwilcox/psignrank).
 */
import normalCdf from "@stdlib/stats-base-dists-normal-cdf";
import normalQuantile from "@stdlib/stats-base-dists-normal-quantile";
import tCdf from "@stdlib/stats-base-dists-t-cdf";
import tQuantile from "@stdlib/stats-base-dists-t-quantile";
import chisqCdf from "@stdlib/stats-base-dists-chisquare-cdf";
import hypergeometricPmf from "@stdlib/stats-base-dists-hypergeometric-pmf";

/** Standard normal cumulative distribution function. */
export function pnormStd(z: number): number {
  return normalCdf(z, 0, 1);
}

/** Standard normal quantile. */
export function qnormStd(p: number): number {
  return normalQuantile(p, 0, 1);
}

/** Two-sided p-value of a standard normal statistic, computed from the lower tail (no cancellation). */
export function twoSidedNormalP(z: number): number {
  return Math.min(1, 2 * normalCdf(-Math.abs(z), 0, 1));
}

/** Two-sided p-value of a t statistic with df degrees of freedom. */
export function twoSidedTP(t: number, df: number): number {
  return Math.min(1, 2 * tCdf(-Math.abs(t), df));
}

export function qtDist(p: number, df: number): number {
  return tQuantile(p, df);
}

/** Upper tail of the chi-square distribution; for df = 1 it is computed as 2 Phi(-sqrt(x)) to keep small p exact. */
export function chisqUpper(x: number, df: number): number {
  if (x <= 0) return 1;
  if (df === 1) return 2 * normalCdf(-Math.sqrt(x), 0, 1);
  return 1 - chisqCdf(x, df);
}

/** Central hypergeometric density: x successes among k draws from m successes and n failures (R's dhyper(x, m, n, k)). */
export function dhyper(x: number, m: number, n: number, k: number): number {
  return hypergeometricPmf(x, m + n, m, k);
}

/**
 * Exact null distribution of the Wilcoxon rank-sum statistic W = sum of ranks of x minus nx(nx+1)/2
 * (no ties): returns the counts c[w] of subsets, w = 0..nx*ny; probabilities are c[w] / choose(nx+ny, nx).
 */
function rankSumCounts(nx: number, ny: number): number[] {
  // c(m, n, w) = c(m - 1, n, w - n) + c(m, n - 1, w): the largest rank belongs to x or to y.
  let prev: number[][] = [];
  for (let mi = 0; mi <= nx; mi++) {
    const row: number[][] = [];
    for (let ni = 0; ni <= ny; ni++) {
      const size = mi * ni + 1;
      const counts = new Array<number>(size).fill(0);
      if (mi === 0 || ni === 0) {
        counts[0] = 1;
      } else {
        const a = prev[ni] ?? [];
        const b = row[ni - 1] ?? [];
        for (let w = 0; w < size; w++) {
          counts[w] = (w - ni >= 0 ? (a[w - ni] ?? 0) : 0) + (b[w] ?? 0);
        }
      }
      row.push(counts);
    }
    prev = row;
  }
  const last = prev[ny];
  if (last === undefined || last.length !== nx * ny + 1) throw new Error("rank-sum distribution: internal size mismatch");
  return last;
}

/** P(W <= q) for the exact rank-sum distribution (R's pwilcox(q, nx, ny)). */
export function pRankSum(q: number, nx: number, ny: number, counts?: number[]): number {
  const c = counts ?? rankSumCounts(nx, ny);
  const total = c.reduce((s, v) => s + v, 0);
  let acc = 0;
  const qi = Math.floor(q + 1e-7);
  for (let w = 0; w <= Math.min(qi, c.length - 1); w++) acc += c[w] ?? 0;
  return acc / total;
}

/** Exact two-sided p of the rank-sum statistic W, as R's wilcox.test(exact = TRUE). */
export function exactRankSumTwoSidedP(w: number, nx: number, ny: number): number {
  const c = rankSumCounts(nx, ny);
  const p = w > (nx * ny) / 2 ? 1 - pRankSum(w - 1, nx, ny, c) : pRankSum(w, nx, ny, c);
  return Math.min(2 * p, 1);
}

/** Counts of subsets of {1..n} by their sum v = 0..n(n+1)/2 (null distribution of the signed-rank statistic). */
function signedRankCounts(n: number): number[] {
  const maxV = (n * (n + 1)) / 2;
  const c = new Array<number>(maxV + 1).fill(0);
  c[0] = 1;
  for (let i = 1; i <= n; i++) {
    for (let v = maxV; v >= i; v--) c[v] = (c[v] ?? 0) + (c[v - i] ?? 0);
  }
  return c;
}

/** P(V <= q) under the exact signed-rank distribution (R's psignrank(q, n)). */
export function pSignedRank(q: number, n: number, counts?: number[]): number {
  const c = counts ?? signedRankCounts(n);
  const total = Math.pow(2, n);
  let acc = 0;
  const qi = Math.floor(q + 1e-7);
  for (let v = 0; v <= Math.min(qi, c.length - 1); v++) acc += c[v] ?? 0;
  return acc / total;
}

/** Exact two-sided p of the signed-rank statistic V, as R's wilcox.test(exact = TRUE). */
export function exactSignedRankTwoSidedP(v: number, n: number): number {
  const c = signedRankCounts(n);
  const p = v > (n * (n + 1)) / 4 ? 1 - pSignedRank(v - 1, n, c) : pSignedRank(v, n, c);
  return Math.min(2 * p, 1);
}

/**
 * Bracketing root finder (bisection with secant/Brent steps) for a continuous f with f(lo), f(hi) of
 * opposite signs. Tolerance is tight (1e-12 relative) unlike R's uniroot default (1.2e-4).
 */
export function findRoot(f: (x: number) => number, lo: number, hi: number, tol = 1e-13, maxIter = 500): number {
  let a = lo;
  let b = hi;
  let fa = f(a);
  let fb = f(b);
  if (fa === 0) return a;
  if (fb === 0) return b;
  if (Math.sign(fa) === Math.sign(fb)) throw new Error(`findRoot: no sign change on [${lo}, ${hi}]`);
  // Brent's method
  let c = a;
  let fc = fa;
  let d = b - a;
  let e = d;
  for (let i = 0; i < maxIter; i++) {
    if (Math.sign(fb) === Math.sign(fc)) {
      c = a;
      fc = fa;
      d = b - a;
      e = d;
    }
    if (Math.abs(fc) < Math.abs(fb)) {
      a = b;
      b = c;
      c = a;
      fa = fb;
      fb = fc;
      fc = fa;
    }
    const tol1 = 2 * Number.EPSILON * Math.abs(b) + 0.5 * tol * Math.max(Math.abs(b), 1e-300);
    const xm = 0.5 * (c - b);
    if (Math.abs(xm) <= tol1 || fb === 0) return b;
    if (Math.abs(e) >= tol1 && Math.abs(fa) > Math.abs(fb)) {
      const s = fb / fa;
      let p: number;
      let q: number;
      if (a === c) {
        p = 2 * xm * s;
        q = 1 - s;
      } else {
        const qq = fa / fc;
        const r = fb / fc;
        p = s * (2 * xm * qq * (qq - r) - (b - a) * (r - 1));
        q = (qq - 1) * (r - 1) * (s - 1);
      }
      if (p > 0) q = -q;
      p = Math.abs(p);
      if (2 * p < Math.min(3 * xm * q - Math.abs(tol1 * q), Math.abs(e * q))) {
        e = d;
        d = p / q;
      } else {
        d = xm;
        e = d;
      }
    } else {
      d = xm;
      e = d;
    }
    a = b;
    fa = fb;
    b += Math.abs(d) > tol1 ? d : xm > 0 ? tol1 : -tol1;
    fb = f(b);
  }
  return b;
}
