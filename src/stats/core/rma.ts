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
import { critValue, mad, pchisqUpper, pvalNormal, pvalT, qchisq, UNIROOT_TOL, zeroin } from "./dist.js";

/** "FE" = fixed effect (metafor's method = "EE"/"FE"); otherwise the tau² estimator. */
export type RmaMethod = "FE" | Tau2Method;

export interface RmaUniOptions {
  method?: RmaMethod;
  test?: TestType;
  /** Confidence level in percent (default 95). */
  level?: number;
  /** Use this tau² instead of estimating it (metafor's tau2 = value). */
  tau2Fixed?: number;
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

const CONTROL = { threshold: 1e-5, maxiter: 100, tol: UNIROOT_TOL };

/** Q(tau2) = sum w (y - ybar_w)², w = 1/(v + tau2): the generalised Q statistic. */
export function qStatistic(y: ArrayLike<number>, v: ArrayLike<number>, tau2: number): number {
  const k = y.length;
  let sw = 0;
  let swy = 0;
  for (let i = 0; i < k; i++) {
    const w = 1 / ((v[i] as number) + tau2);
    sw += w;
    swy += w * (y[i] as number);
  }
  const m = swy / sw;
  let q = 0;
  for (let i = 0; i < k; i++) {
    const d = (y[i] as number) - m;
    q += d * d / ((v[i] as number) + tau2);
  }
  return q;
}

interface Tau2Estimate {
  tau2: number;
  se_tau2: number | null;
}

function heEstimate(y: ArrayLike<number>, v: ArrayLike<number>, k: number): { tau2: number; trPV: number; trPVPV: number } {
  let sy = 0;
  let sv = 0;
  let sv2 = 0;
  for (let i = 0; i < k; i++) {
    sy += y[i] as number;
    sv += v[i] as number;
    sv2 += (v[i] as number) * (v[i] as number);
  }
  const ybar = sy / k;
  let rss = 0;
  for (let i = 0; i < k; i++) {
    const d = (y[i] as number) - ybar;
    rss += d * d;
  }
  const trPV = sv - sv / k;
  const trPVPV = sv2 - (2 * sv2) / k + (sv * sv) / (k * k);
  return { tau2: (rss - trPV) / (k - 1), trPV, trPVPV };
}

/** tr(PP) = sum(P*P) for intercept-only P built from weights w. */
function sumPP(sw: number, sw2: number, sw3: number): number {
  return sw2 - (2 * sw3) / sw + (sw2 * sw2) / (sw * sw);
}

function reml_ll(y: ArrayLike<number>, v: ArrayLike<number>, k: number, tau2: number, ml: boolean): number {
  let sw = 0;
  let swy = 0;
  let slog = 0;
  for (let i = 0; i < k; i++) {
    const vt = (v[i] as number) + tau2;
    const w = 1 / vt;
    sw += w;
    swy += w * (y[i] as number);
    slog += Math.log(vt);
  }
  const m = swy / sw;
  let rss = 0;
  for (let i = 0; i < k; i++) {
    const d = (y[i] as number) - m;
    rss += (d * d) / ((v[i] as number) + tau2);
  }
  if (ml) return -0.5 * k * Math.log(2 * Math.PI) - 0.5 * slog - 0.5 * rss;
  return -0.5 * (k - 1) * Math.log(2 * Math.PI) - 0.5 * slog - 0.5 * Math.log(sw) - 0.5 * rss;
}

/** Estimates tau² for an intercept-only model exactly as metafor 3.8 rma.uni (k >= 2). */
export function estimateTau2(y: ArrayLike<number>, v: ArrayLike<number>, method: Tau2Method): Tau2Estimate {
  const k = y.length;
  const p = 1;
  switch (method) {
    case "HE": {
      const he = heEstimate(y, v, k);
      const t = Math.max(0, he.tau2);
      const se = Math.sqrt((1 / ((k - p) * (k - p))) * (2 * he.trPVPV + 4 * t * he.trPV + 2 * t * t * (k - p)));
      return { tau2: t, se_tau2: se };
    }
    case "DL": {
      let sw = 0;
      let sw2 = 0;
      let sw3 = 0;
      let swy = 0;
      for (let i = 0; i < k; i++) {
        const w = 1 / (v[i] as number);
        sw += w;
        sw2 += w * w;
        sw3 += w * w * w;
        swy += w * (y[i] as number);
      }
      const m = swy / sw;
      let rss = 0;
      for (let i = 0; i < k; i++) {
        const d = (y[i] as number) - m;
        rss += d * d / (v[i] as number);
      }
      const trP = sw - sw2 / sw;
      const raw = (rss - (k - p)) / trP;
      const t = Math.max(0, raw);
      const se = Math.sqrt((1 / (trP * trP)) * (2 * (k - p) + 4 * t * trP + 2 * t * t * sumPP(sw, sw2, sw3)));
      return { tau2: t, se_tau2: se };
    }
    case "SJ": {
      let sy = 0;
      for (let i = 0; i < k; i++) sy += y[i] as number;
      const ybar = sy / k;
      let ss = 0;
      for (let i = 0; i < k; i++) ss += ((y[i] as number) - ybar) ** 2;
      const tau0 = ss / k;
      let sw = 0;
      let sw2 = 0;
      let sw3 = 0;
      let sw2v = 0;
      let sw3v = 0;
      let sw2v2 = 0;
      let sw3v2 = 0;
      let swy = 0;
      for (let i = 0; i < k; i++) {
        const vi = v[i] as number;
        const w = 1 / (vi + tau0);
        sw += w;
        sw2 += w * w;
        sw3 += w * w * w;
        sw2v += w * w * vi;
        sw3v += w * w * w * vi;
        sw2v2 += w * w * vi * vi;
        sw3v2 += w * w * w * vi * vi;
        swy += w * (y[i] as number);
      }
      const m = swy / sw;
      let rss = 0;
      for (let i = 0; i < k; i++) rss += ((y[i] as number) - m) ** 2 / ((v[i] as number) + tau0);
      const raw = (tau0 * rss) / (k - p);
      const t = Math.max(0, raw);
      // tr(PVPV) and tr(PVP) for P = W - w w'/sum(w), V = diag(v)
      const trPVPV = sw2v2 - (2 * sw3v2) / sw + (sw2v * sw2v) / (sw * sw);
      const trPVP = sw2v - (2 * sw3v) / sw + (sw2 * sw2v) / (sw * sw);
      const se = Math.sqrt(((tau0 * tau0) / ((k - p) * (k - p))) * (2 * trPVPV + 4 * t * trPVP + 2 * t * t * sumPP(sw, sw2, sw3)));
      return { tau2: t, se_tau2: se };
    }
    case "PM": {
      const target = k - p;
      let t: number;
      if (qStatistic(y, v, 0) < target) {
        t = 0;
      } else {
        const tau2max = Math.max(100, 10 * mad(y) ** 2);
        if (qStatistic(y, v, tau2max) > target) {
          throw new InputError(`Paule-Mandel: tau² exceeds the search limit ${tau2max}; try another tau² estimator`);
        }
        t = zeroin((x) => qStatistic(y, v, x) - target, 0, tau2max, CONTROL.tol, CONTROL.maxiter);
        if (Number.isNaN(t)) throw new InputError("Paule-Mandel: the search for tau² did not converge");
      }
      t = Math.max(0, t);
      return { tau2: t, se_tau2: pmSe(v, k, t) };
    }
    case "ML":
    case "REML":
    case "EB": {
      let tau2 = Math.max(0, heEstimate(y, v, k).tau2);
      let change = CONTROL.threshold + 1;
      let iter = 0;
      while (change > CONTROL.threshold) {
        iter++;
        const old = tau2;
        let sw = 0;
        let sw2 = 0;
        let sw3 = 0;
        let swy = 0;
        for (let i = 0; i < k; i++) {
          const w = 1 / ((v[i] as number) + tau2);
          sw += w;
          sw2 += w * w;
          sw3 += w * w * w;
          swy += w * (y[i] as number);
        }
        const m = swy / sw;
        let yPy = 0;
        let yPPy = 0;
        for (let i = 0; i < k; i++) {
          const w = 1 / ((v[i] as number) + tau2);
          const r = w * ((y[i] as number) - m);
          yPy += r * ((y[i] as number) - m);
          yPPy += r * r;
        }
        let adj: number;
        if (method === "ML") adj = (yPPy - sw) / sw2;
        else if (method === "REML") adj = (yPPy - (sw - sw2 / sw)) / sumPP(sw, sw2, sw3);
        else adj = ((yPy * k) / (k - p) - k) / sw;
        if (Number.isNaN(adj)) adj = 0;
        while (tau2 + adj < 0) adj /= 2;
        tau2 = tau2 + adj;
        change = Math.abs(old - tau2);
        if (iter > CONTROL.maxiter) {
          throw new InputError("Fisher scoring algorithm did not converge (as metafor would stop); try another tau² estimator");
        }
      }
      if (method !== "EB") {
        let allPos = true;
        for (let i = 0; i < k; i++) if (!((v[i] as number) > 0)) allPos = false;
        if (allPos) {
          const ll0 = reml_ll(y, v, k, 0, method === "ML");
          const ll = reml_ll(y, v, k, tau2, method === "ML");
          if (ll0 - ll > CONTROL.tol && tau2 > CONTROL.threshold) tau2 = 0;
        }
      }
      tau2 = Math.max(0, tau2);
      let sw = 0;
      let sw2 = 0;
      let sw3 = 0;
      for (let i = 0; i < k; i++) {
        const w = 1 / ((v[i] as number) + tau2);
        sw += w;
        sw2 += w * w;
        sw3 += w * w * w;
      }
      let se: number;
      if (method === "ML") se = Math.sqrt(2 / sw2);
      else if (method === "REML") se = Math.sqrt(2 / sumPP(sw, sw2, sw3));
      else se = pmSe(v, k, tau2);
      return { tau2, se_tau2: se };
    }
  }
}

function pmSe(v: ArrayLike<number>, k: number, tau2: number): number {
  let sw = 0;
  for (let i = 0; i < k; i++) sw += 1 / ((v[i] as number) + tau2);
  return Math.sqrt((2 * k * k) / (k - 1) / (sw * sw));
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
  let tau2 = 0;
  let se_tau2: number | null = null;
  if (method !== "FE") {
    if (options.tau2Fixed !== undefined) tau2 = options.tau2Fixed;
    else if (k >= 2) {
      const est = estimateTau2(yi, vi, method);
      tau2 = est.tau2;
      se_tau2 = est.se_tau2;
    }
  }
  const weights = new Float64Array(k);
  let sw = 0;
  let swy = 0;
  for (let i = 0; i < k; i++) {
    const w = 1 / ((vi[i] as number) + tau2);
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
    const s2w = rss <= 2.220446049250313e-16 ? 0 : rss / (k - 1);
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
    let s0 = 0;
    let s02 = 0;
    let s0y = 0;
    for (let i = 0; i < k; i++) {
      const w = 1 / (vi[i] as number);
      s0 += w;
      s02 += w * w;
      s0y += w * (yi[i] as number);
    }
    const m0 = s0y / s0;
    let q = 0;
    for (let i = 0; i < k; i++) {
      const d = (yi[i] as number) - m0;
      q += (d * d) / (vi[i] as number);
    }
    QE = Math.max(0, q);
    QEp = pchisqUpper(QE, k - 1);
    const trP = s0 - s02 / s0;
    vt = (k - 1) / trP;
    if (method === "FE") {
      I2 = Math.max(0, (100 * (QE - (k - 1))) / QE);
      H2 = QE / (k - 1);
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
 * with the matching I² and H² limits. Needs k >= 2 and a random-effects fit.
 */
export function tau2ConfInt(yi: ArrayLike<number>, vi: ArrayLike<number>, fit: Pick<RmaUniResult, "tau2" | "vt" | "level">): Tau2ConfInt {
  const k = yi.length;
  if (k < 2) throw new InputError("a confidence interval for tau² needs at least 2 studies");
  const alpha = 1 - fit.level / 100;
  const tau2min = Math.min(0, fit.tau2);
  const tau2max = Math.max(100, fit.tau2 * 10, tau2min * 10);
  const critU = qchisq(1 - alpha / 2, k - 1);
  const critL = qchisq(alpha / 2, k - 1);
  const qMax = qStatistic(yi, vi, tau2max);
  const qMin = qStatistic(yi, vi, tau2min);
  let lb = NaN;
  let ub = NaN;
  if (qMin < critL) {
    lb = tau2min;
    ub = tau2min;
  } else if (qMax > critL) {
    ub = tau2max;
  } else {
    ub = zeroin((t) => qStatistic(yi, vi, t) - critL, tau2min, tau2max, UNIROOT_TOL, 1000);
  }
  if (qMax > critU) {
    lb = tau2max;
    ub = tau2max;
  } else if (qMin < critU) {
    lb = tau2min;
  } else {
    lb = zeroin((t) => qStatistic(yi, vi, t) - critU, tau2min, tau2max, UNIROOT_TOL, 1000);
  }
  const vt = fit.vt;
  return {
    tau2: [lb, ub],
    I2: [(100 * lb) / (vt + lb), (100 * ub) / (vt + ub)],
    H2: [lb / vt + 1, ub / vt + 1],
  };
}
