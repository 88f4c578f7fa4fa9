/**
 * Inverse-variance pooling as metafor's rma.uni (intercept-only model): fixed effect and random effects
 * with tau² by DL, HE, SJ, PM, ML, REML and EB, Wald z or Knapp-Hartung tests, prediction interval as
 * predict.rma, heterogeneity (QE, I², H²) and Q-profile confidence intervals as confint.rma.uni.
 *
 * The intercept-only projection matrix P = W - w w'/sum(w) is never formed: every trace and quadratic
 * form metafor takes of it is expanded into O(k) sums, so one fit allocates almost nothing.
 */
import { InputError } from "../../shared/errors.js";
import type { Tau2Method, TestType } from "../types.js";
import { critValue, pchisqUpper, pvalNormal, pvalT, qchisq, zeroinFrom } from "./dist.js";
import { h2FromQ, i2FromQ } from "./heterogeneity.js";
import { CONTROL, interceptDesign, tau2Of, type Tau2Estimate } from "./tau2.js";

export { qStatistic } from "./tau2.js";

/** "FE" = fixed effect (metafor's method = "EE"/"FE"); otherwise the tau² estimator. */
export type RmaMethod = "FE" | Tau2Method;

export interface RmaUniOptions {
  method?: RmaMethod;
  test?: TestType;
  /** Confidence level in percent (default 95). */
  level?: number;
  /** Use this tau² instead of estimating it (metafor's tau2 = value). */
  tau2Fixed?: number;
  /** Array of length k to hold the weights of the result (default: a new one). */
  weights?: Float64Array | undefined;
}

/** The pooled estimate every model reports (metafor's b, se, zval, pval, ci.lb, ci.ub) and its heterogeneity Q. */
export interface PooledFit {
  k: number;
  beta: number;
  se: number;
  zval: number;
  pval: number;
  ci_lb: number;
  ci_ub: number;
  QE: number;
  QEp: number;
  I2: number;
  H2: number;
}

export interface RmaUniResult extends PooledFit {
  method: RmaMethod;
  test: TestType;
  level: number;
  /** Prediction interval as predict.rma (equals the CI when tau² = 0 under a fixed-effect model). */
  pi_lb: number;
  pi_ub: number;
  /** t degrees of freedom with Knapp-Hartung, else null. */
  df: number | null;
  tau2: number;
  se_tau2: number | null;
  /** Typical within-study variance (k-1)/tr(P) used for I² and H². */
  vt: number;
  /** Model weights 1/(vi + tau²) (not normalised). */
  weights: Float64Array;
}

/**
 * Estimates tau² for an intercept-only model exactly as metafor 3.8 rma.uni (k >= 2), from the estimator table.
 * `work` (length k) is working memory of the estimator (default: a new array).
 */
export function estimateTau2(y: ArrayLike<number>, v: ArrayLike<number>, method: Tau2Method, work?: Float64Array): Tau2Estimate {
  return tau2Of(interceptDesign(y, v, work), method);
}

/**
 * Fits the intercept-only model. yi and vi must have the same length k >= 1 and every vi > 0
 * (callers validate input; see effectSizes).
 */
export function rmaUni(yi: ArrayLike<number>, vi: ArrayLike<number>, options: RmaUniOptions = {}): RmaUniResult {
  const method: RmaMethod = options.method ?? "REML";
  const test: TestType = options.test ?? "z";
  const level = options.level ?? 95;
  const k = yi.length;
  if (k !== vi.length) throw new InputError("yi and vi differ in length");
  if (k < 1) throw new InputError("no studies to pool (k = 0)");
  const weights = options.weights ?? new Float64Array(k);
  let tau2 = 0;
  let se_tau2: number | null = null;
  // true when the estimator's last pass left exactly these weights, 1/(v + tau²), in `weights`
  let weighted = false;
  if (method !== "FE") {
    if (options.tau2Fixed !== undefined) tau2 = options.tau2Fixed;
    else if (k >= 2) {
      // the weights array is the estimator's working memory until the weights are written
      const design = interceptDesign(yi, vi, weights);
      const est = tau2Of(design, method);
      tau2 = est.tau2;
      se_tau2 = est.se_tau2;
      weighted = Object.is(design.weightsAt, tau2);
    }
  }
  let sw = 0;
  let swy = 0;
  for (let i = 0; i < k; i++) {
    const w = weighted ? (weights[i] as number) : 1 / ((vi[i] as number) + tau2);
    weights[i] = w;
    sw += w;
    swy += w * (yi[i] as number);
  }
  const beta = swy / sw;
  let vb = 1 / sw;
  let df: number | null = null;
  if (test === "knha") {
    let rss = 0;
    for (let i = 0; i < k; i++) {
      const d = (yi[i] as number) - beta;
      rss += (weights[i] as number) * d * d;
    }
    const s2w = rss <= CONTROL.knhaEps ? 0 : rss / (k - 1);
    vb *= s2w;
    df = k - 1;
  }
  const se = Math.sqrt(vb);
  const zval = beta / se;
  let pval: number;
  let crit: number;
  if (df !== null) {
    pval = df > 0 ? pvalT(zval, df) : NaN;
    crit = df > 0 ? critValue(level, df) : NaN;
  } else {
    pval = pvalNormal(zval);
    crit = critValue(level, null);
  }
  const ci_lb = beta - crit * se;
  const ci_ub = beta + crit * se;
  const pise = Math.sqrt(vb + tau2);
  const pi_lb = beta - crit * pise;
  const pi_ub = beta + crit * pise;

  // heterogeneity from fixed-effect weights
  let QE = 0;
  let QEp = 1;
  let I2 = 0;
  let H2 = 1;
  let vt = 0;
  if (k > 1) {
    // Q = sum w (y - m0)² at w = 1/v in one pass, from the deviations about the model's estimate (qCentred's sums:
    // the fixed-effect mean m0 is beta + sum w e / sum w, and Q is sum w e² less (sum w e)² / sum w). With
    // tau2ConfInt's centre (beta) these are its Q(0), operation for operation.
    let s0 = 0;
    let s02 = 0;
    let s0e = 0;
    let s0e2 = 0;
    for (let i = 0; i < k; i++) {
      const w = 1 / (vi[i] as number);
      const e = (yi[i] as number) - beta;
      const we = w * e;
      s0 += w;
      s02 += w * w;
      s0e += we;
      s0e2 += we * e;
    }
    QE = Math.max(0, s0e2 - (s0e * s0e) / s0);
    QEp = pchisqUpper(QE, k - 1);
    const trP = s0 - s02 / s0;
    vt = (k - 1) / trP;
    if (method === "FE") {
      I2 = i2FromQ(QE, k - 1);
      H2 = h2FromQ(QE, k - 1);
    } else {
      I2 = (100 * tau2) / (vt + tau2);
      H2 = tau2 / vt + 1;
    }
  }
  return { k, method, test, level, beta, se, zval, pval, ci_lb, ci_ub, pi_lb, pi_ub, df, tau2, se_tau2, QE, QEp, I2, H2, vt, weights };
}

export interface Tau2ConfInt {
  tau2: [number, number];
  I2: [number, number];
  H2: [number, number];
}

/**
 * Q-profile confidence interval for tau² (Viechtbauer 2007) as metafor's confint.rma.uni(type = "QP"),
 * with the matching I² and H² limits. Needs k >= 2 and a random-effects fit. `fit.QE`, when given, must be
 * rmaUni's QE for the same yi and vi: it is Q(0) computed by the same operations in the same order, so the
 * search starts from it instead of computing Q(0) again.
 */
export function tau2ConfInt(yi: ArrayLike<number>, vi: ArrayLike<number>, fit: Pick<RmaUniResult, "tau2" | "vt" | "level"> & { QE?: number; beta?: number }, work?: Float64Array): Tau2ConfInt {
  const k = yi.length;
  if (k < 2) throw new InputError("a confidence interval for tau² needs at least 2 studies");
  const alpha = 1 - fit.level / 100;
  const tau2min = Math.min(0, fit.tau2);
  const tau2max = Math.max(CONTROL.confintTau2MaxFloor, fit.tau2 * 10, tau2min * 10);
  const critU = qchisq(1 - alpha / 2, k - 1);
  const critL = qchisq(alpha / 2, k - 1);
  const centre = fit.beta ?? unweightedMean(yi);
  // the deviations from the centre, computed once for the 20-odd evaluations of Q (`work`: length k, or a new array)
  const d = work ?? new Float64Array(k);
  for (let i = 0; i < k; i++) d[i] = (yi[i] as number) - centre;
  const q = (t: number): number => qCentred(d, vi, t);
  const qMax = q(tau2max);
  const qMin = tau2min === 0 && fit.QE !== undefined ? fit.QE : q(tau2min);
  let lb = NaN;
  let ub = NaN;
  if (qMin < critL) {
    lb = tau2min;
    ub = tau2min;
  } else if (qMax > critL) {
    ub = tau2max;
  } else {
    ub = qLimit(d, vi, critL, tau2min, tau2max, qMin, qMax);
  }
  if (qMax > critU) {
    lb = tau2max;
    ub = tau2max;
  } else if (qMin < critU) {
    lb = tau2min;
  } else {
    lb = qLimit(d, vi, critU, tau2min, tau2max, qMin, qMax);
  }
  const vt = fit.vt;
  return {
    tau2: [lb, ub],
    I2: [(100 * lb) / (vt + lb), (100 * ub) / (vt + ub)],
    H2: [lb / vt + 1, ub / vt + 1],
  };
}

/**
 * The tau² at which Q(tau²) = crit, by R_zeroin2 on [tau2min, tau2max] from Q's values there. Both limits' searches
 * pass through this one function literal, so zeroinFrom's call of it stays monomorphic and V8 inlines Q into the
 * search (with two literals the call is megamorphic: every step boxes its argument and result).
 */
function qLimit(d: Float64Array, vi: ArrayLike<number>, crit: number, tau2min: number, tau2max: number, qMin: number, qMax: number): number {
  return zeroinFrom((t) => qCentred(d, vi, t) - crit, tau2min, tau2max, qMin - crit, qMax - crit, CONTROL.tol, CONTROL.confintMaxiter);
}

function unweightedMean(y: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) s += y[i] as number;
  return s / y.length;
}

/**
 * Q(tau2) of the intercept-only model in one pass, from the deviations d = y - c about a fixed centre c near the weighted means:
 * sum w d² - (sum w d)² / sum w with d = y - c and w = 1/(v + tau2). Algebraically qStatistic's two-pass sum
 * sum w (y - ybar_w)²; with c near ybar_w the subtracted term is small, so it loses no accuracy, and its three sums
 * are independent (one division per study instead of two, no second pass). It rounds differently from
 * qStatistic (the last bits), so it serves the Q-profile search only, where the root is found to CONTROL.tol.
 */
function qCentred(dev: Float64Array, v: ArrayLike<number>, tau2: number): number {
  let sw = 0;
  let swd = 0;
  let swd2 = 0;
  for (let i = 0; i < dev.length; i++) {
    const w = 1 / ((v[i] as number) + tau2);
    const d = dev[i] as number;
    const wd = w * d;
    sw += w;
    swd += wd;
    swd2 += wd * d;
  }
  return swd2 - (swd * swd) / sw;
}
