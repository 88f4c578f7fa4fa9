/**
 * Small regression models for single-trial analyses, matching R:
 * - linearModel: ordinary least squares as lm() (coefficients, standard errors, t, p, confidence intervals, residual df);
 * - logisticModel: binomial GLM with the logit link fitted by iteratively reweighted least squares as glm()
 *   (same start, mustart = (y + 0.5) / 2, and convergence |dev - devold| / (|dev| + 0.1) < 1e-8), with Wald z and the
 *   residual deviance for likelihood-ratio tests.
 * Design matrices are given as rows; p is small (a handful of columns), so the normal equations are solved by
 * Cholesky decomposition in double precision.
 */
import { InputError } from "../../shared/errors.js";
import { pchisqUpper, pvalNormal, pvalT, qnorm, qt } from "../core/dist.js";

export interface Coefficient {
  name: string;
  estimate: number;
  se: number;
  /** t (linear) or z (logistic) statistic. */
  statistic: number;
  p: number;
  ci_low: number;
  ci_high: number;
}

export interface LinearModelResult {
  coefficients: Coefficient[];
  dfResidual: number;
  sigma: number;
  rSquared: number;
}

export interface LogisticModelResult {
  coefficients: Coefficient[];
  deviance: number;
  nullDeviance: number;
  dfResidual: number;
  iterations: number;
  converged: boolean;
}

/** Inverse of a symmetric positive-definite matrix by Cholesky; throws when it is singular. */
function invertSpd(a: number[][], what: string): number[][] {
  const p = a.length;
  const l: number[][] = a.map(() => new Array<number>(p).fill(0));
  for (let j = 0; j < p; j++) {
    let d = (a[j]?.[j] ?? 0);
    for (let k = 0; k < j; k++) d -= (l[j]?.[k] ?? 0) ** 2;
    const scale = Math.abs(a[j]?.[j] ?? 0);
    if (!(d > 1e-10 * Math.max(scale, 1e-300))) throw new InputError(`${what}: the design is singular (a column is constant or collinear with others, or a group is empty)`);
    const ljj = Math.sqrt(d);
    (l[j] as number[])[j] = ljj;
    for (let i = j + 1; i < p; i++) {
      let s = a[i]?.[j] ?? 0;
      for (let k = 0; k < j; k++) s -= (l[i]?.[k] ?? 0) * (l[j]?.[k] ?? 0);
      (l[i] as number[])[j] = s / ljj;
    }
  }
  // inverse of L, then (L^-1)^T L^-1
  const li: number[][] = a.map(() => new Array<number>(p).fill(0));
  for (let i = 0; i < p; i++) {
    (li[i] as number[])[i] = 1 / (l[i]?.[i] ?? 1);
    for (let j = 0; j < i; j++) {
      let s = 0;
      for (let k = j; k < i; k++) s -= (l[i]?.[k] ?? 0) * (li[k]?.[j] ?? 0);
      (li[i] as number[])[j] = s / (l[i]?.[i] ?? 1);
    }
  }
  const inv: number[][] = a.map(() => new Array<number>(p).fill(0));
  for (let i = 0; i < p; i++)
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = i; k < p; k++) s += (li[k]?.[i] ?? 0) * (li[k]?.[j] ?? 0);
      (inv[i] as number[])[j] = s;
      (inv[j] as number[])[i] = s;
    }
  return inv;
}

/** Weighted least squares: beta = (X'WX)^-1 X'Wz and (X'WX)^-1. */
function wls(x: readonly (readonly number[])[], z: readonly number[], w: readonly number[], what: string): { beta: number[]; xtwxInv: number[][] } {
  const p = x[0]?.length ?? 0;
  const xtwx: number[][] = Array.from({ length: p }, () => new Array<number>(p).fill(0));
  const xtwz = new Array<number>(p).fill(0);
  x.forEach((row, i) => {
    const wi = w[i] ?? 0;
    for (let a = 0; a < p; a++) {
      const ra = (row[a] ?? 0) * wi;
      xtwz[a] = (xtwz[a] ?? 0) + ra * (z[i] ?? 0);
      for (let b = 0; b <= a; b++) (xtwx[a] as number[])[b] = (xtwx[a]?.[b] ?? 0) + ra * (row[b] ?? 0);
    }
  });
  for (let a = 0; a < p; a++) for (let b = 0; b < a; b++) (xtwx[b] as number[])[a] = xtwx[a]?.[b] ?? 0;
  const inv = invertSpd(xtwx, what);
  const beta = inv.map((r) => r.reduce((s, v, j) => s + v * (xtwz[j] ?? 0), 0));
  return { beta, xtwxInv: inv };
}

function checkDesign(x: readonly (readonly number[])[], y: readonly number[], names: readonly string[], what: string): void {
  if (x.length !== y.length) throw new InputError(`${what}: ${x.length} design rows for ${y.length} responses`);
  if (x.length <= names.length) throw new InputError(`${what}: ${x.length} observations for ${names.length} coefficients`);
  for (const r of x) if (r.length !== names.length || r.some((v) => !Number.isFinite(v))) throw new InputError(`${what}: every design row needs ${names.length} finite values`);
  for (const v of y) if (!Number.isFinite(v)) throw new InputError(`${what}: a response is not a finite number`);
}

/** Ordinary least squares, as R's lm(y ~ ...) with the design matrix given (include the intercept column). */
export function linearModel(x: readonly (readonly number[])[], y: readonly number[], names: readonly string[], level = 95): LinearModelResult {
  checkDesign(x, y, names, "linear model");
  const n = y.length;
  const { beta, xtwxInv } = wls(x, y, new Array<number>(n).fill(1), "linear model");
  const fitted = x.map((r) => r.reduce((s, v, j) => s + v * (beta[j] ?? 0), 0));
  const rss = y.reduce((s, v, i) => s + (v - (fitted[i] ?? 0)) ** 2, 0);
  const df = n - names.length;
  const sigma2 = rss / df;
  const ybar = y.reduce((s, v) => s + v, 0) / n;
  const tss = y.reduce((s, v) => s + (v - ybar) ** 2, 0);
  const q = qt(1 - (1 - level / 100) / 2, df);
  const coefficients = names.map((name, j) => {
    const est = beta[j] ?? 0;
    const se = Math.sqrt(sigma2 * (xtwxInv[j]?.[j] ?? 0));
    const t = est / se;
    return { name, estimate: est, se, statistic: t, p: pvalT(t, df), ci_low: est - q * se, ci_high: est + q * se };
  });
  return { coefficients, dfResidual: df, sigma: Math.sqrt(sigma2), rSquared: 1 - rss / tss };
}

function binomialDeviance(y: readonly number[], mu: readonly number[]): number {
  let d = 0;
  y.forEach((yi, i) => {
    const m = mu[i] ?? 0.5;
    d += 2 * (yi > 0 ? yi * Math.log(yi / m) : 0) + 2 * (yi < 1 ? (1 - yi) * Math.log((1 - yi) / (1 - m)) : 0);
  });
  return d;
}

/**
 * Logistic regression (binomial, logit) by IRLS as R's glm(y ~ ..., family = binomial) with y in {0, 1}; Wald
 * intervals (confint.default). Throws InputError on a singular design; `converged` is false on separation.
 */
export function logisticModel(x: readonly (readonly number[])[], y: readonly number[], names: readonly string[], level = 95): LogisticModelResult {
  checkDesign(x, y, names, "logistic model");
  for (const v of y) if (v !== 0 && v !== 1) throw new InputError("logistic model: the outcome must be 0 or 1");
  const n = y.length;
  let mu = y.map((v) => (v + 0.5) / 2);
  let eta = mu.map((m) => Math.log(m / (1 - m)));
  let devOld = binomialDeviance(y, mu);
  let beta: number[] = [];
  let inv: number[][] = [];
  let converged = false;
  let iterations = 0;
  for (let it = 1; it <= 25; it++) {
    iterations = it;
    const w = mu.map((m) => m * (1 - m));
    const z = eta.map((e, i) => e + ((y[i] ?? 0) - (mu[i] ?? 0)) / (w[i] ?? 1));
    const fit = wls(x, z, w, "logistic model");
    beta = fit.beta;
    inv = fit.xtwxInv;
    eta = x.map((r) => r.reduce((s, v, j) => s + v * (beta[j] ?? 0), 0));
    mu = eta.map((e) => 1 / (1 + Math.exp(-e)));
    const dev = binomialDeviance(y, mu);
    if (Math.abs(dev - devOld) / (Math.abs(dev) + 0.1) < 1e-8) {
      converged = true;
      devOld = dev;
      break;
    }
    devOld = dev;
  }
  // as R: the covariance is that of the last weighted least-squares fit (weights of the previous iteration's mu)
  const ybar = y.reduce((s, v) => s + v, 0) / n;
  const nullDeviance = binomialDeviance(y, new Array<number>(n).fill(ybar));
  const zc = -qnorm((1 - level / 100) / 2);
  const coefficients = names.map((name, j) => {
    const est = beta[j] ?? 0;
    const se = Math.sqrt(inv[j]?.[j] ?? 0);
    const zv = est / se;
    return { name, estimate: est, se, statistic: zv, p: pvalNormal(zv), ci_low: est - zc * se, ci_high: est + zc * se };
  });
  return { coefficients, deviance: devOld, nullDeviance, dfResidual: n - names.length, iterations, converged };
}

/** Likelihood-ratio test of nested logistic models (anova(reduced, full, test = "Chisq")). */
export function likelihoodRatioTest(reduced: LogisticModelResult, full: LogisticModelResult): { statistic: number; df: number; p: number } {
  const statistic = Math.max(0, reduced.deviance - full.deviance);
  const df = reduced.dfResidual - full.dfResidual;
  return { statistic, df, p: pchisqUpper(statistic, df) };
}
