/**
 * The contrast-based network meta-analysis model (consistency), fitted by generalised least squares.
 *
 * Study s with arms b (baseline), t1, ..., tp contributes y_s = (d_t1 - d_b, ..., d_tp - d_b) + e_s + u_s with
 * e_s ~ N(0, V_s) (sampling) and, under random effects, u_s ~ N(0, tau² Σ_s), Σ_s = 1 on the diagonal and 1/2
 * off it (one heterogeneity variance, correlation 1/2 between a study's contrasts). d_ref = 0; the other d_t are
 * the parameters. This is metafor's
 *   rma.mv(yi, V, mods = ~ <treatment dummies> - 1, random = ~ factor(contrast) | study, rho = 0.5, method = "REML")
 * (the specification netmeta itself uses for method.tau = "REML"), and for tau² = 0 the fixed-effect fit, whose
 * estimates and Q equal netmeta's graph-theoretical ones.
 *
 * tau² estimators:
 *  - REML: the root of the restricted-likelihood score, by Fisher scoring; when the score at 0 is negative, 0 unless
 *    scoring from the DL start finds an interior root with a higher restricted likelihood (the likelihood of a
 *    network can have two maxima);
 *  - DL: netmeta's generalised DerSimonian-Laird (Jackson, White & Riley 2012; Rücker & Schwarzer), the method of
 *    moments on the fixed-effect Q: tau² = max(0, (Q - df) / (tr(W Σ) - tr((X'WX)^-1 X'WΣWX))), W = V^-1.
 */
import { InputError } from "../../shared/errors.js";
import { invertSpd, logDetSpd, traceProduct } from "./linalg.js";

/** A study as the model sees it: treatment indices of its arms (arms[0] baseline), contrasts and covariance. */
export interface NetworkStudy {
  arms: Int32Array;
  y: Float64Array;
  V: Float64Array;
}

/** Parameter column of each treatment (-1 for the reference). */
export function parameterColumns(nTreatments: number, reference: number): Int32Array {
  const col = new Int32Array(nTreatments);
  let c = 0;
  for (let t = 0; t < nTreatments; t++) col[t] = t === reference ? -1 : c++;
  return col;
}

export interface GlsFit {
  tau2: number;
  /** d_t for the non-reference treatments, in parameter-column order. */
  beta: Float64Array;
  /** (X' Ω^-1 X)^-1, p x p. */
  vb: Float64Array;
  /** Residual quadratic form r' Ω^-1 r. */
  Q: number;
  p: number;
  /** Present when derivatives were asked for: REML score and Fisher information at tau2, and the DL traces. */
  score?: number;
  /**
   * The restricted log-likelihood at tau2 up to a constant (with logLik): -(sum_s log det(V_s + tau² Σ_s) +
   * log det(X'WX) + Q)/2, to compare a boundary maximum with an interior one.
   */
  remlLogLik?: number;
  info?: number;
  trace1?: number;
  trace2?: number;
}

/** out += X_s' M X_s for a study (M is (a-1) x (a-1)). */
function addXtMX(out: Float64Array, p: number, cols: Int32Array, arms: Int32Array, M: Float64Array, q: number): void {
  const cb = cols[arms[0] as number] as number;
  for (let i = 0; i < q; i++) {
    const ci = cols[arms[i + 1] as number] as number;
    for (let j = 0; j < q; j++) {
      const cj = cols[arms[j + 1] as number] as number;
      const m = M[i * q + j] as number;
      if (m === 0) continue;
      if (ci >= 0 && cj >= 0) out[ci * p + cj] = (out[ci * p + cj] as number) + m;
      if (ci >= 0 && cb >= 0) out[ci * p + cb] = (out[ci * p + cb] as number) - m;
      if (cb >= 0 && cj >= 0) out[cb * p + cj] = (out[cb * p + cj] as number) - m;
      if (cb >= 0) out[cb * p + cb] = (out[cb * p + cb] as number) + m;
    }
  }
}

/** out += m x x' for a contrast row x with +1 in column ct and -1 in column cb (-1 = reference, no column). */
function addScalar(out: Float64Array, p: number, ct: number, cb: number, m: number): void {
  if (ct >= 0) out[ct * p + ct] = (out[ct * p + ct] as number) + m;
  if (cb >= 0) out[cb * p + cb] = (out[cb * p + cb] as number) + m;
  if (ct >= 0 && cb >= 0) {
    out[ct * p + cb] = (out[ct * p + cb] as number) - m;
    out[cb * p + ct] = (out[cb * p + ct] as number) - m;
  }
}

/** Σ_s = (I + J) / 2 of size q. */
function sigma(q: number): Float64Array {
  const s = new Float64Array(q * q).fill(0.5);
  for (let i = 0; i < q; i++) s[i * q + i] = 1;
  return s;
}

function mul(a: Float64Array, b: Float64Array, q: number): Float64Array {
  const c = new Float64Array(q * q);
  for (let i = 0; i < q; i++) for (let k = 0; k < q; k++) {
    const x = a[i * q + k] as number;
    for (let j = 0; j < q; j++) c[i * q + j] = (c[i * q + j] as number) + x * (b[k * q + j] as number);
  }
  return c;
}

/**
 * GLS fit of the consistency model at a given tau². With `derivatives`, also the REML score and Fisher information
 * in tau² and the two traces of the generalised DL estimator (meaningful at tau² = 0); with `logLik`, the restricted
 * log-likelihood (a log-determinant per study, so only the fits that compare two maxima ask for it).
 */
export function glsFit(studies: readonly NetworkStudy[], cols: Int32Array, p: number, tau2: number, derivatives = false, logLik = false): GlsFit {
  const XtWX = new Float64Array(p * p);
  const XtWy = new Float64Array(p);
  const Ws: Float64Array[] = [];
  let logDetV = 0;
  let trA = 0;
  let trAA = 0;
  const K = derivatives ? new Float64Array(p * p) : undefined;
  const K2 = derivatives ? new Float64Array(p * p) : undefined;
  for (const s of studies) {
    const q = s.y.length;
    if (q === 1) {
      // Two-arm study: every matrix is a scalar (Σ = 1).
      const w = 1 / ((s.V[0] as number) + tau2);
      if (!(w > 0) || !Number.isFinite(w)) throw new InputError("a study's variance is not positive");
      if (logLik) logDetV -= Math.log(w);
      const W = new Float64Array(1);
      W[0] = w;
      Ws.push(W);
      const ct = cols[s.arms[1] as number] as number;
      const cb = cols[s.arms[0] as number] as number;
      addScalar(XtWX, p, ct, cb, w);
      const wy = w * (s.y[0] as number);
      if (ct >= 0) XtWy[ct] = (XtWy[ct] as number) + wy;
      if (cb >= 0) XtWy[cb] = (XtWy[cb] as number) - wy;
      if (derivatives && K !== undefined && K2 !== undefined) {
        trA += w;
        trAA += w * w;
        addScalar(K, p, ct, cb, w * w);
        addScalar(K2, p, ct, cb, w * w * w);
      }
      continue;
    }
    const omega = Float64Array.from(s.V);
    if (tau2 !== 0) {
      for (let i = 0; i < q; i++) for (let j = 0; j < q; j++) omega[i * q + j] = (omega[i * q + j] as number) + tau2 * (i === j ? 1 : 0.5);
    }
    const W = invertSpd(omega, q);
    if (W === null) throw new InputError("a study's covariance matrix is not positive definite");
    if (logLik) logDetV += logDetSpd(omega, q);
    Ws.push(W);
    addXtMX(XtWX, p, cols, s.arms, W, q);
    // X' W y
    const cb = cols[s.arms[0] as number] as number;
    for (let i = 0; i < q; i++) {
      let wy = 0;
      for (let j = 0; j < q; j++) wy += (W[i * q + j] as number) * (s.y[j] as number);
      const ci = cols[s.arms[i + 1] as number] as number;
      if (ci >= 0) XtWy[ci] = (XtWy[ci] as number) + wy;
      if (cb >= 0) XtWy[cb] = (XtWy[cb] as number) - wy;
    }
    if (derivatives && K !== undefined && K2 !== undefined) {
      const S = sigma(q);
      const A = mul(W, S, q); // W Σ
      trA += traceProduct(W, S, q);
      trAA += traceProduct(A, A, q);
      const AW = mul(A, W, q); // W Σ W
      addXtMX(K, p, cols, s.arms, AW, q);
      const AAW = mul(A, AW, q); // W Σ W Σ W
      addXtMX(K2, p, cols, s.arms, AAW, q);
    }
  }
  const vb = invertSpd(XtWX, p);
  if (vb === null) throw new InputError("the network model cannot be estimated (the treatments are not all connected, or a variance is 0)");
  const beta = new Float64Array(p);
  for (let i = 0; i < p; i++) {
    let b = 0;
    for (let j = 0; j < p; j++) b += (vb[i * p + j] as number) * (XtWy[j] as number);
    beta[i] = b;
  }
  let Q = 0;
  let quad = 0;
  studies.forEach((s, idx) => {
    const q = s.y.length;
    const W = Ws[idx] as Float64Array;
    const cb = cols[s.arms[0] as number] as number;
    const db = cb >= 0 ? (beta[cb] as number) : 0;
    const r = new Float64Array(q);
    for (let i = 0; i < q; i++) {
      const ci = cols[s.arms[i + 1] as number] as number;
      r[i] = (s.y[i] as number) - ((ci >= 0 ? (beta[ci] as number) : 0) - db);
    }
    const e = new Float64Array(q);
    for (let i = 0; i < q; i++) {
      let v = 0;
      for (let j = 0; j < q; j++) v += (W[i * q + j] as number) * (r[j] as number);
      e[i] = v;
      Q += (r[i] as number) * v;
    }
    if (derivatives) {
      // e' Σ e
      for (let i = 0; i < q; i++) for (let j = 0; j < q; j++) quad += (e[i] as number) * (i === j ? 1 : 0.5) * (e[j] as number);
    }
  });
  const fit: GlsFit = { tau2, beta, vb, Q, p };
  if (logLik) fit.remlLogLik = -0.5 * (logDetV + logDetSpd(XtWX, p) + Q);
  if (derivatives && K !== undefined && K2 !== undefined) {
    const trVK = traceProduct(vb, K, p);
    const trPS = trA - trVK;
    fit.score = 0.5 * (quad - trPS);
    let tr2 = 0;
    {
      const VK = new Float64Array(p * p);
      for (let i = 0; i < p; i++) for (let k = 0; k < p; k++) {
        const x = vb[i * p + k] as number;
        for (let j = 0; j < p; j++) VK[i * p + j] = (VK[i * p + j] as number) + x * (K[k * p + j] as number);
      }
      tr2 = traceProduct(VK, VK, p);
    }
    fit.info = 0.5 * (trAA - 2 * traceProduct(vb, K2, p) + tr2);
    fit.trace1 = trA;
    fit.trace2 = trVK;
  }
  return fit;
}

/** Degrees of freedom of Q: contrasts minus parameters. */
export function qDf(studies: readonly NetworkStudy[], p: number): number {
  return studies.reduce((a, s) => a + s.y.length, 0) - p;
}

/** netmeta's generalised DerSimonian-Laird tau² from the fixed-effect fit (with derivatives at tau² = 0). */
export function tau2DL(fixed: GlsFit, df: number): number {
  const t1 = fixed.trace1 as number;
  const t2 = fixed.trace2 as number;
  if (df <= 0 || t1 === t2) return 0;
  return Math.max(0, (fixed.Q - df) / (t1 - t2));
}

/**
 * REML tau²: 0 when the restricted-likelihood score at 0 is not positive (the maximum is on the boundary), else
 * Fisher scoring on the score from a start value (DL), halving a step that would leave the parameter space, to a
 * relative change below 1e-13.
 */
export function tau2REML(studies: readonly NetworkStudy[], cols: Int32Array, p: number, start: number): { tau2: number; iterations: number } {
  const at0 = glsFit(studies, cols, p, 0, true, true);
  if ((at0.score as number) <= 0) {
    // a maximum on the boundary; the restricted likelihood of a network need not be unimodal, and one higher inside
    // is the estimate (metafor's rma.mv, which maximises it numerically, finds it): climb from the DL start too
    if (!(start > 0)) return { tau2: 0, iterations: 0 };
    const inner = scoreFrom(studies, cols, p, start, false);
    if (inner !== null && inner.tau2 > 0 && (glsFit(studies, cols, p, inner.tau2, false, true).remlLogLik as number) > (at0.remlLogLik as number) + 1e-10) return inner;
    return { tau2: 0, iterations: 0 };
  }
  const r = scoreFrom(studies, cols, p, start > 0 ? start : 1e-4, true);
  if (r === null) throw new InputError("the REML estimate of tau² did not converge (try --tau2 DL)");
  return r;
}

/**
 * Fisher scoring on the REML score from `t`, halving a step that would leave the parameter space, to a relative
 * change below 1e-13; null when it does not converge (or, unless `mayReachZero`, when it falls to the boundary).
 */
function scoreFrom(studies: readonly NetworkStudy[], cols: Int32Array, p: number, t: number, mayReachZero: boolean): { tau2: number; iterations: number } | null {
  for (let it = 1; it <= 500; it++) {
    const f = glsFit(studies, cols, p, t, true);
    const step = (f.score as number) / (f.info as number);
    let next = t + step;
    if (next <= 0) next = t / 2;
    if (!mayReachZero && next < 1e-12) return null;
    if (Math.abs(next - t) <= 1e-13 * Math.max(1e-8, t)) return { tau2: next, iterations: it };
    t = next;
  }
  return null;
}
