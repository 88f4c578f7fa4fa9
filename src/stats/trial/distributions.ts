/**
 * Distribution helpers for the single-trial tests (normal, t and chi-square come from ../core/dist.ts):
 * the hypergeometric density (@stdlib) and the exact null distributions of the Wilcoxon statistics (counted by dynamic
 * programming, as R's pwilcox/psignrank).
 */
import hypergeometricPmf from "@stdlib/stats-base-dists-hypergeometric-pmf";

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

