/**
 * Small-study bias: Egger's regression test (metafor regtest(model = "lm", predictor = "sei"), with a
 * meta-regression's moderators too),
 * Begg and Mazumdar's rank correlation (ranktest, Kendall's tau with R's exact p when there are no
 * ties), Duval and Tweedie's trim-and-fill (trimfill, L0 estimator).
 */
import { InputError } from "../../shared/errors.js";
import { critValue, pvalNormal, pvalT } from "./dist.js";
import { metaRegCoef, wlsLine } from "./metareg.js";
import { wls } from "./tau2.js";
import type { TestType } from "../types.js";
import { rmaUni, type RmaMethod, type RmaUniResult } from "./rma.js";

export interface EggerResult {
  /** t statistic of the sei coefficient (Egger's asymmetry term). */
  statistic: number;
  df: number;
  pval: number;
  /** Egger's intercept in the classical SND-on-precision form = coefficient of sei in yi ~ sei (weights 1/vi). */
  intercept: number;
  intercept_se: number;
  /** Limit estimate (effect as sei -> 0) with its t-based CI, as regtest's est/ci.lb/ci.ub. */
  limit_estimate: number;
  limit_ci_lb: number;
  limit_ci_ub: number;
}

/** Egger's regression test, classical weighted least squares (k >= 3). */
export function eggerTest(yi: ArrayLike<number>, vi: ArrayLike<number>, level = 95): EggerResult {
  const k = yi.length;
  if (k < 3) throw new InputError(`Egger's test needs at least 3 studies (k = ${k})`);
  const sei = new Float64Array(k);
  const w = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    sei[i] = Math.sqrt(vi[i] as number);
    w[i] = 1 / (vi[i] as number);
  }
  const { intercept: b0, slope: b1, s0, s2, det } = wlsLine(yi, sei, w);
  let rss = 0;
  for (let i = 0; i < k; i++) {
    const r = (yi[i] as number) - b0 - b1 * (sei[i] as number);
    rss += r * r / (vi[i] as number);
  }
  const df = k - 2;
  const sigma2 = rss / df;
  const se0 = Math.sqrt((sigma2 * s2) / det);
  const se1 = Math.sqrt((sigma2 * s0) / det);
  const t = b1 / se1;
  const crit = critValue(level, df);
  return { statistic: t, df, pval: pvalT(t, df), intercept: b1, intercept_se: se1, limit_estimate: b0, limit_ci_lb: b0 - crit * se0, limit_ci_ub: b0 + crit * se0 };
}

/**
 * Egger's regression test for a meta-regression, as metafor's regtest(rma(yi, vi, mods = X), model = "lm"): the
 * weighted least-squares fit yi ~ X + sei (weights 1/vi, the residual variance estimated, as lm()), and the t test of
 * the sei coefficient with k - p - 1 degrees of freedom, p the columns of X (its intercept included). `intercept` and
 * `intercept_se` are that coefficient, as in eggerTest; regtest gives no limit estimate for a model with moderators,
 * so none is returned. X is k x p, row-major (the meta-regression's design).
 */
export function eggerTestWithMods(yi: ArrayLike<number>, vi: ArrayLike<number>, X: Float64Array, p: number): Omit<EggerResult, "limit_estimate" | "limit_ci_lb" | "limit_ci_ub"> {
  const k = yi.length;
  const q = p + 1;
  if (k <= q) throw new InputError(`Egger's test with ${p - 1} moderator column${p === 2 ? "" : "s"} needs more than ${q} studies (k = ${k})`);
  const Xa = new Float64Array(k * q);
  const w = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    for (let a = 0; a < p; a++) Xa[i * q + a] = X[i * p + a] as number;
    Xa[i * q + p] = Math.sqrt(vi[i] as number);
    w[i] = 1 / (vi[i] as number);
  }
  const { b, inv } = wls(Xa, q, yi, w);
  let rss = 0;
  for (let i = 0; i < k; i++) {
    let fitted = 0;
    for (let a = 0; a < q; a++) fitted += (Xa[i * q + a] as number) * (b[a] as number);
    const r = (yi[i] as number) - fitted;
    rss += (w[i] as number) * r * r;
  }
  const df = k - q;
  const sigma2 = rss / df;
  const coef = b[p] as number;
  const se = Math.sqrt(sigma2 * (inv[p * q + p] as number));
  const t = coef / se;
  return { statistic: t, df, pval: pvalT(t, df), intercept: coef, intercept_se: se };
}

/** Number of permutations of n items with each number of inversions (Mahonian numbers), as doubles. */
function mahonian(n: number): Float64Array {
  let row = new Float64Array([1]);
  for (let m = 2; m <= n; m++) {
    const max = (m * (m - 1)) / 2;
    const next = new Float64Array(max + 1);
    // next[j] = sum_{i=0}^{m-1} row[j - i]
    let acc = 0;
    for (let j = 0; j <= max; j++) {
      acc += j < row.length ? (row[j] as number) : 0;
      if (j - m >= 0 && j - m < row.length) acc -= row[j - m] as number;
      next[j] = acc;
    }
    row = next;
  }
  return row;
}

/** R's pkendall(q, n): P(T <= q) for T = number of concordant pairs under independence. */
function pkendall(q: number, n: number): number {
  const qq = Math.floor(q + 1e-7);
  if (qq < 0) return 0;
  if (qq > (n * (n - 1)) / 2) return 1;
  const counts = mahonian(n);
  let s = 0;
  for (let j = 0; j <= qq; j++) s += counts[j] as number;
  let fact = 1;
  for (let i = 2; i <= n; i++) fact *= i;
  return s / fact;
}

export interface KendallResult {
  tau: number;
  pval: number;
  exact: boolean;
}

/** Kendall's tau-b and its two-sided p-value as R's cor.test(method = "kendall", exact = TRUE); S in O(n log n). */
export function kendallTest(x: ArrayLike<number>, y: ArrayLike<number>): KendallResult {
  const n = x.length;
  const { S: s, tx, ty } = kendallS(x, y);
  const n0 = (n * (n - 1)) / 2;
  const tau = s / Math.sqrt((n0 - tx) * (n0 - ty));
  const ties = new Set(Array.from(x)).size < n || new Set(Array.from(y)).size < n;
  if (!ties && n <= 170) {
    const q = Math.round(((tau + 1) * n * (n - 1)) / 4);
    const p = q > (n * (n - 1)) / 4 ? 1 - pkendall(q - 1, n) : pkendall(q, n);
    return { tau, pval: Math.min(2 * p, 1), exact: true };
  }
  const tieCounts = (v: ArrayLike<number>): number[] => {
    const m = new Map<number, number>();
    for (let i = 0; i < n; i++) m.set(v[i] as number, (m.get(v[i] as number) ?? 0) + 1);
    return [...m.values()].filter((c) => c > 1);
  };
  const xt = tieCounts(x);
  const yt = tieCounts(y);
  const T1 = xt.reduce((s, t) => s + (t * (t - 1)) / 2, 0);
  const T2 = yt.reduce((s, t) => s + (t * (t - 1)) / 2, 0);
  const S = tau * Math.sqrt((n0 - T1) * (n0 - T2));
  const v0 = n * (n - 1) * (2 * n + 5);
  const vt = xt.reduce((s, t) => s + t * (t - 1) * (2 * t + 5), 0);
  const vu = yt.reduce((s, t) => s + t * (t - 1) * (2 * t + 5), 0);
  const v1 = xt.reduce((s, t) => s + t * (t - 1), 0) * yt.reduce((s, t) => s + t * (t - 1), 0);
  const v2 = xt.reduce((s, t) => s + t * (t - 1) * (t - 2), 0) * yt.reduce((s, t) => s + t * (t - 1) * (t - 2), 0);
  const varS = (v0 - vt - vu) / 18 + v1 / (2 * n * (n - 1)) + v2 / (9 * n * (n - 1) * (n - 2));
  const z = S / Math.sqrt(varS);
  return { tau, pval: pvalNormal(z), exact: false };
}

/**
 * Kendall's S = concordant - discordant pairs and the numbers of pairs tied in x and in y, in O(n log n) by
 * Knight's (1966) algorithm: sort by x (then y), count the discordant pairs as the exchanges of a merge sort on y.
 */
export function kendallS(x: ArrayLike<number>, y: ArrayLike<number>): { S: number; tx: number; ty: number } {
  const n = x.length;
  const idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => (x[a] as number) - (x[b] as number) || (y[a] as number) - (y[b] as number));
  const n0 = (n * (n - 1)) / 2;
  let tx = 0;
  let txy = 0;
  for (let i = 0; i < n; ) {
    let j = i + 1;
    while (j < n && (x[idx[j] as number] as number) === (x[idx[i] as number] as number)) j++;
    const t = j - i;
    tx += (t * (t - 1)) / 2;
    // ties in both x and y within this run (sorted by y inside it)
    for (let a = i; a < j; ) {
      let b = a + 1;
      while (b < j && (y[idx[b] as number] as number) === (y[idx[a] as number] as number)) b++;
      txy += ((b - a) * (b - a - 1)) / 2;
      a = b;
    }
    i = j;
  }
  // merge sort of y in x order, counting exchanges (pairs with y out of order, ties in y not counted)
  let a = Float64Array.from(idx, (i) => y[i] as number);
  let buf = new Float64Array(n);
  let swaps = 0;
  for (let width = 1; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(lo + width, n);
      const hi = Math.min(lo + 2 * width, n);
      let i = lo;
      let j = mid;
      let o = lo;
      while (i < mid && j < hi) {
        if ((a[j] as number) < (a[i] as number)) {
          buf[o++] = a[j++] as number;
          swaps += mid - i;
        } else buf[o++] = a[i++] as number;
      }
      while (i < mid) buf[o++] = a[i++] as number;
      while (j < hi) buf[o++] = a[j++] as number;
    }
    [a, buf] = [buf, a];
  }
  let ty = 0;
  for (let i = 0; i < n; ) {
    let j = i + 1;
    while (j < n && a[j] === a[i]) j++;
    ty += ((j - i) * (j - i - 1)) / 2;
    i = j;
  }
  return { S: n0 - tx - ty + txy - 2 * swaps, tx, ty };
}

/** Begg and Mazumdar's rank correlation test as metafor ranktest (k >= 3). */
export function beggTest(yi: ArrayLike<number>, vi: ArrayLike<number>): KendallResult {
  const k = yi.length;
  if (k < 3) throw new InputError(`Begg's test needs at least 3 studies (k = ${k})`);
  let sw = 0;
  let swy = 0;
  for (let i = 0; i < k; i++) {
    const w = 1 / (vi[i] as number);
    sw += w;
    swy += w * (yi[i] as number);
  }
  const theta = swy / sw;
  const vb = 1 / sw;
  const ystar = new Float64Array(k);
  for (let i = 0; i < k; i++) ystar[i] = ((yi[i] as number) - theta) / Math.sqrt((vi[i] as number) - vb);
  return kendallTest(ystar, vi);
}

export interface TrimFillResult {
  k0: number;
  se_k0: number;
  side: "left" | "right";
  /** Model fitted to the observed plus filled studies (z test, as metafor trimfill); the original model when k0 = 0. */
  fit: RmaUniResult;
  estimate: number;
  se: number;
  ci_lb: number;
  ci_ub: number;
  pval: number;
  tau2: number;
  /** Filled studies (analysis scale). */
  filled: { yi: number; vi: number }[];
}

/** Duval and Tweedie's trim-and-fill, L0 estimator, as metafor trimfill.rma.uni. */
export function trimAndFill(yiIn: ArrayLike<number>, viIn: ArrayLike<number>, options: { method?: RmaMethod; level?: number; side?: "left" | "right"; test?: TestType } = {}): TrimFillResult {
  const method = options.method ?? "REML";
  const level = options.level ?? 95;
  const k = yiIn.length;
  if (k < 3) throw new InputError(`trim-and-fill needs at least 3 studies (k = ${k})`);
  let side = options.side;
  if (side === undefined) {
    const sei = Float64Array.from(viIn, (v) => Math.sqrt(v));
    side = metaRegCoef(yiIn, viIn, sei, method).slope < 0 ? "right" : "left";
  }
  const sign = side === "right" ? -1 : 1;
  const order = Array.from({ length: k }, (_, i) => i).sort((a, b) => sign * (yiIn[a] as number) - sign * (yiIn[b] as number));
  const yi = Float64Array.from(order, (i) => sign * (yiIn[i] as number));
  const vi = Float64Array.from(order, (i) => viIn[i] as number);
  let k0 = 0;
  let k0sav = -1;
  let iter = 0;
  let beta = 0;
  let se_k0 = 0;
  const yc = new Float64Array(k);
  while (Math.abs(k0 - k0sav) > 0) {
    k0sav = k0;
    iter++;
    if (iter > 100) throw new InputError("trim-and-fill did not converge in 100 iterations");
    const fit = rmaUni(yi.subarray(0, k - k0), vi.subarray(0, k - k0), { method, level });
    beta = fit.beta;
    for (let i = 0; i < k; i++) yc[i] = (yi[i] as number) - beta;
    // rank(abs(yc), ties.method = "first")
    const idx = Array.from({ length: k }, (_, i) => i).sort((a, b) => Math.abs(yc[a] as number) - Math.abs(yc[b] as number) || a - b);
    let Sr = 0;
    for (let r = 0; r < k; r++) {
      const i = idx[r] as number;
      if ((yc[i] as number) > 0) Sr += r + 1;
    }
    let k0raw = (4 * Sr - k * (k + 1)) / (2 * k - 1);
    const varSr = (1 / 24) * (k * (k + 1) * (2 * k + 1) + 10 * k0raw ** 3 + 27 * k0raw ** 2 + 17 * k0raw - 18 * k * k0raw ** 2 - 18 * k * k0raw + 6 * k * k * k0raw);
    se_k0 = Math.max(0, (4 * Math.sqrt(varSr)) / (2 * k - 1));
    k0raw = Math.max(0, rRound(k0raw));
    k0 = k0raw;
  }
  const filled: { yi: number; vi: number }[] = [];
  let fit: RmaUniResult;
  if (k0 > 0) {
    const yAll = new Float64Array(k + k0);
    const vAll = new Float64Array(k + k0);
    for (let i = 0; i < k; i++) {
      yAll[i] = yiIn[i] as number;
      vAll[i] = viIn[i] as number;
    }
    for (let j = 0; j < k0; j++) {
      const i = k - k0 + j;
      // yi.c - beta (side-adjusted), then mirrored
      const c = (yc[i] as number) - beta;
      const y = -1 * (side === "right" ? -c : c);
      yAll[k + j] = y;
      vAll[k + j] = vi[i] as number;
      filled.push({ yi: y, vi: vi[i] as number });
    }
    fit = rmaUni(yAll, vAll, { method, level });
  } else {
    // no study filled: metafor returns the original model, with its test (Knapp-Hartung included)
    fit = rmaUni(yiIn, viIn, { method, level, test: options.test ?? "z" });
  }
  return { k0, se_k0, side, fit, estimate: fit.beta, se: fit.se, ci_lb: fit.ci_lb, ci_ub: fit.ci_ub, pval: fit.pval, tau2: fit.tau2, filled };
}

/** R's round(): IEC 60559 round half to even. */
function rRound(x: number): number {
  const r = Math.round(x);
  if (Math.abs(x - Math.trunc(x)) === 0.5) return 2 * Math.round(x / 2);
  return r;
}

