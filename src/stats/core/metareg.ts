/**
 * Meta-regression y ~ X as metafor's rma.uni(yi, vi, mods = X, method, test): coefficients with SE and CI, the
 * omnibus test QM of every coefficient but the intercept (chi-square, or F with Knapp-Hartung), the residual
 * heterogeneity QE, tau² by the estimator table (tau2.ts, the same table as the intercept-only model), I², H² and
 * R² (metafor's default: the proportional reduction of tau² against the intercept-only model with the same
 * estimator). Every trace is computed from p x p matrices: O(k p²) per fit, no k x k matrix.
 */
import { InputError } from "../../shared/errors.js";
import type { TestType } from "../types.js";
import { critValue, pchisqUpper, pfUpper, pvalNormal, pvalT } from "./dist.js";
import { h2FromQ, i2FromQ } from "./heterogeneity.js";
import type { RmaMethod } from "./rma.js";
import { CONTROL, emptyStats, interceptDesign, regressionDesign, tau2Of, wls, type Tau2Design } from "./tau2.js";

export interface MetaRegOptions {
  method?: RmaMethod;
  test?: TestType;
  /** Confidence level in percent (default 95). */
  level?: number;
  /** Use this tau² instead of estimating it. */
  tau2Fixed?: number;
  /** Skip R² (it needs the intercept-only fit); used inside permutation and influence loops. */
  skipR2?: boolean;
}

export interface MetaRegCoefficient {
  name: string;
  estimate: number;
  se: number;
  /** z (or t with Knapp-Hartung). */
  zval: number;
  pval: number;
  ci_lb: number;
  ci_ub: number;
}

export interface MetaRegResult {
  k: number;
  p: number;
  method: RmaMethod;
  test: TestType;
  level: number;
  coefficients: MetaRegCoefficient[];
  /** Variance-covariance matrix of the coefficients (p x p, row-major). */
  vb: Float64Array;
  tau2: number;
  se_tau2: number | null;
  /** Residual heterogeneity: QE with k - p degrees of freedom. */
  QE: number;
  QE_df: number;
  QE_pval: number;
  /** Omnibus test of the moderators (every coefficient but the intercept): chi-square with m df, or F(m, k - p). */
  QM: number;
  QM_df: number;
  QM_df2: number | null;
  QM_pval: number;
  /** Percent; null for a model without moderators. */
  R2: number | null;
  I2: number;
  H2: number;
  /** t degrees of freedom with Knapp-Hartung, else null. */
  df: number | null;
  /** Knapp-Hartung scale s²_w = RSS/(k - p) (1 with the z test). */
  s2w: number;
  /** Model weights 1/(v + tau²) and fitted values X b. */
  weights: Float64Array;
  fitted: Float64Array;
}

/** Fits y ~ X (k x p row-major; the first column the intercept when names[0] is "intrcpt"). */
export function rmaMods(y: ArrayLike<number>, v: ArrayLike<number>, X: Float64Array, names: readonly string[], options: MetaRegOptions = {}): MetaRegResult {
  const method = options.method ?? "REML";
  const level = options.level ?? 95;
  const k = y.length;
  const p = names.length;
  if (v.length !== k || X.length !== k * p) throw new InputError("yi, vi and the moderators differ in length");
  // as rma.uni: one study with the intercept alone fits (tau² 0, z test); otherwise a fixed-effect model or a given
  // tau² needs k >= p studies, an estimated tau² one more
  const single = k === 1 && p === 1 && names[0] === "intrcpt";
  const needed = method === "FE" || options.tau2Fixed !== undefined ? p : p + 1;
  if (k < 1 || (!single && k < needed))
    throw new InputError(`a ${method === "FE" ? "fixed-effect" : "random-effects"} model with ${p} coefficient${p === 1 ? "" : "s"} needs at least ${needed} studies (k = ${k})`);
  const test = single ? "z" : (options.test ?? "z");
  const design = regressionDesign(y, v, X, p);
  let tau2 = 0;
  let se_tau2: number | null = null;
  if (method !== "FE") {
    if (options.tau2Fixed !== undefined) tau2 = options.tau2Fixed;
    else if (single) tau2 = 0;
    else {
      const est = tau2Of(design, method);
      tau2 = est.tau2;
      se_tau2 = est.se_tau2;
    }
  }
  const weights = new Float64Array(k);
  for (let i = 0; i < k; i++) weights[i] = 1 / ((v[i] as number) + tau2);
  const f = wls(X, p, y, weights);
  const fitted = new Float64Array(k);
  let rss = 0;
  for (let i = 0; i < k; i++) {
    let s = 0;
    for (let a = 0; a < p; a++) s += (X[i * p + a] as number) * (f.b[a] as number);
    fitted[i] = s;
    rss += (weights[i] as number) * ((y[i] as number) - s) ** 2;
  }
  const vb = Float64Array.from(f.inv);
  let df: number | null = null;
  let s2w = 1;
  if (test === "knha") {
    s2w = rss <= CONTROL.knhaEps ? 0 : rss / (k - p);
    for (let i = 0; i < vb.length; i++) vb[i] = (vb[i] as number) * s2w;
    df = k - p;
  }
  const crit = critValue(level, df);
  const coefficients: MetaRegCoefficient[] = names.map((name, a) => {
    const estimate = f.b[a] as number;
    const se = Math.sqrt(vb[a * p + a] as number);
    const zval = estimate / se;
    return { name, estimate, se, zval, pval: df === null ? pvalNormal(zval) : pvalT(zval, df), ci_lb: estimate - crit * se, ci_ub: estimate + crit * se };
  });
  // QM: Wald test of coefficients 2..p
  const m = p - 1;
  let QM = 0;
  if (m > 0) {
    const sub = new Float64Array(m * m);
    for (let a = 0; a < m; a++) for (let c = 0; c < m; c++) sub[a * m + c] = vb[(a + 1) * p + (c + 1)] as number;
    const inv = new Float64Array(m * m);
    const ok = invertSpdPlain(sub, m, inv);
    if (!ok) QM = NaN;
    else {
      for (let a = 0; a < m; a++) for (let c = 0; c < m; c++) QM += (f.b[a + 1] as number) * (inv[a * m + c] as number) * (f.b[c + 1] as number);
    }
  }
  let QM_df2: number | null = null;
  let QM_pval: number;
  if (df !== null) {
    QM = m > 0 ? QM / m : QM;
    QM_df2 = k - p;
    QM_pval = m > 0 ? pfUpper(QM, m, k - p) : NaN;
  } else QM_pval = m > 0 ? pchisqUpper(QM, m) : NaN;
  // residual heterogeneity from weights 1/v
  const s0 = design.stats(0, emptyStats());
  const QE = Math.max(0, s0.yPy);
  const QE_df = k - p;
  const vt = (k - p) / s0.trP;
  let I2: number;
  let H2: number;
  if (method === "FE") {
    I2 = i2FromQ(QE, k - p);
    H2 = h2FromQ(QE, k - p);
  } else {
    I2 = (100 * tau2) / (vt + tau2);
    H2 = tau2 / vt + 1;
  }
  let R2: number | null = null;
  if (m > 0 && options.skipR2 !== true) R2 = r2(y, v, method, tau2, QE, k, p);
  return { k, p, method, test, level, coefficients, vb, tau2, se_tau2, QE, QE_df, QE_pval: k - p > 0 ? pchisqUpper(QE, k - p) : 1, QM, QM_df: m, QM_df2, QM_pval, R2, I2, H2, df, s2w, weights, fitted };
}

/**
 * R² as metafor (r2def = "1"): random effects 100 max(0, (tau²_0 - tau²) / tau²_0) with tau²_0 from the
 * intercept-only model by the same estimator (0 when tau²_0 = 0); fixed effect: the adjusted R² of the weighted
 * least-squares regression (weights 1/v), 100 max(0, 1 - (QE / (k - p)) / (Q_0 / (k - 1))).
 */
function r2(y: ArrayLike<number>, v: ArrayLike<number>, method: RmaMethod, tau2: number, QE: number, k: number, p: number): number {
  const d0: Tau2Design = interceptDesign(y, v);
  if (method === "FE") {
    const q0 = d0.stats(0, emptyStats()).yPy;
    if (q0 === 0) return 0;
    return Math.max(0, 100 * (1 - QE / (k - p) / (q0 / (k - 1))));
  }
  const t0 = tau2Of(d0, method).tau2;
  if (t0 === 0) return 0;
  return Math.max(0, 100 * ((t0 - tau2) / t0));
}

/** Plain Gauss-Jordan inverse of a small symmetric matrix (false when singular). */
function invertSpdPlain(a: Float64Array, n: number, inv: Float64Array): boolean {
  const m = Float64Array.from(a);
  inv.fill(0);
  for (let i = 0; i < n; i++) inv[i * n + i] = 1;
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r * n + c] as number) > Math.abs(m[piv * n + c] as number)) piv = r;
    const pv = m[piv * n + c] as number;
    if (!(Math.abs(pv) > 0)) return false;
    if (piv !== c) {
      for (let j = 0; j < n; j++) {
        const t = m[c * n + j] as number;
        m[c * n + j] = m[piv * n + j] as number;
        m[piv * n + j] = t;
        const u = inv[c * n + j] as number;
        inv[c * n + j] = inv[piv * n + j] as number;
        inv[piv * n + j] = u;
      }
    }
    for (let j = 0; j < n; j++) {
      m[c * n + j] = (m[c * n + j] as number) / pv;
      inv[c * n + j] = (inv[c * n + j] as number) / pv;
    }
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = m[r * n + c] as number;
      if (f === 0) continue;
      for (let j = 0; j < n; j++) {
        m[r * n + j] = (m[r * n + j] as number) - f * (m[c * n + j] as number);
        inv[r * n + j] = (inv[r * n + j] as number) - f * (inv[c * n + j] as number);
      }
    }
  }
  return true;
}

/** The design matrix [1, x] of a one-moderator model. */
export function interceptAndSlope(x: ArrayLike<number>): Float64Array {
  const k = x.length;
  const X = new Float64Array(2 * k);
  for (let i = 0; i < k; i++) {
    X[2 * i] = 1;
    X[2 * i + 1] = x[i] as number;
  }
  return X;
}

/** tau² of the model y ~ 1 + x by the given estimator, as metafor rma.uni with p = 2 (the same estimator table). */
export function metaRegTau2(y: ArrayLike<number>, v: ArrayLike<number>, x: ArrayLike<number>, method: RmaMethod): number {
  if (method === "FE") return 0;
  if (y.length <= 2) throw new InputError("too few studies for a meta-regression");
  return tau2Of(regressionDesign(y, v, interceptAndSlope(x), 2), method).tau2;
}

/** Coefficients [intercept, slope] of y ~ 1 + x with weights 1/(vi + tau²). */
export function metaRegCoef(y: ArrayLike<number>, v: ArrayLike<number>, x: ArrayLike<number>, method: RmaMethod): { intercept: number; slope: number; tau2: number } {
  const tau2 = metaRegTau2(y, v, x, method);
  const w = new Float64Array(y.length);
  for (let i = 0; i < w.length; i++) w[i] = 1 / ((v[i] as number) + tau2);
  const line = wlsLine(y, x, w);
  return { intercept: line.intercept, slope: line.slope, tau2 };
}

/** Weighted least-squares line y ~ a + b x, with the weighted sums S0 = Σw, S1 = Σwx, S2 = Σwx² and det = S0·S2 - S1² for standard errors. */
export interface WlsLine {
  intercept: number;
  slope: number;
  s0: number;
  s1: number;
  s2: number;
  det: number;
}

/** Fits y ~ a + b x by weighted least squares (normal equations of the two-parameter model). */
export function wlsLine(y: ArrayLike<number>, x: ArrayLike<number>, w: ArrayLike<number>): WlsLine {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let t0 = 0;
  let t1 = 0;
  for (let i = 0; i < y.length; i++) {
    const wi = w[i] as number;
    const xi = x[i] as number;
    const yi = y[i] as number;
    s0 += wi;
    s1 += wi * xi;
    s2 += wi * xi * xi;
    t0 += wi * yi;
    t1 += wi * xi * yi;
  }
  const det = s0 * s2 - s1 * s1;
  return { intercept: (s2 * t0 - s1 * t1) / det, slope: (s0 * t1 - s1 * t0) / det, s0, s1, s2, det };
}
