/**
 * Meta-regression with one moderator (y ~ 1 + x) as metafor's rma.uni(yi, vi, mods = x, method),
 * fitted with the dense projection matrix P = W - W X (X'WX)^-1 X'W. Used where metafor fits such a
 * model internally (trim-and-fill chooses its side from the sign of the slope on sqrt(vi)).
 */
import { InputError } from "../../shared/errors.js";
import { mad, UNIROOT_TOL, zeroin } from "./dist.js";
import type { RmaMethod } from "./rma.js";

interface Proj {
  P: Float64Array;
  /** (X'WX)^-1 as [a, b, d] for the symmetric 2x2 [[a, b], [b, d]]. */
  inv: [number, number, number];
  logdet: number;
}

function projection(x: ArrayLike<number>, w: ArrayLike<number>, k: number): Proj {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  for (let i = 0; i < k; i++) {
    const wi = w[i] as number;
    const xi = x[i] as number;
    s0 += wi;
    s1 += wi * xi;
    s2 += wi * xi * xi;
  }
  const det = s0 * s2 - s1 * s1;
  if (!(det > 0)) throw new InputError("moderator has no spread; the regression cannot be fitted");
  const a = s2 / det;
  const b = -s1 / det;
  const d = s0 / det;
  const P = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    const wi = w[i] as number;
    const xi = x[i] as number;
    for (let j = 0; j < k; j++) {
      const wj = w[j] as number;
      const xj = x[j] as number;
      const h = a + b * (xi + xj) + d * xi * xj;
      P[i * k + j] = (i === j ? wi : 0) - wi * wj * h;
    }
  }
  return { P, inv: [a, b, d], logdet: Math.log(det) };
}

function quad(P: Float64Array, y: ArrayLike<number>, k: number): number {
  let s = 0;
  for (let i = 0; i < k; i++) {
    let r = 0;
    for (let j = 0; j < k; j++) r += (P[i * k + j] as number) * (y[j] as number);
    s += (y[i] as number) * r;
  }
  return s;
}

function py(P: Float64Array, y: ArrayLike<number>, k: number): Float64Array {
  const out = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    let r = 0;
    for (let j = 0; j < k; j++) r += (P[i * k + j] as number) * (y[j] as number);
    out[i] = r;
  }
  return out;
}

function weightsFor(v: ArrayLike<number>, tau2: number, k: number): Float64Array {
  const w = new Float64Array(k);
  for (let i = 0; i < k; i++) w[i] = 1 / ((v[i] as number) + tau2);
  return w;
}

/** tau² of the model y ~ 1 + x by the given estimator, as metafor rma.uni with p = 2. */
export function metaRegTau2(y: ArrayLike<number>, v: ArrayLike<number>, x: ArrayLike<number>, method: RmaMethod): number {
  const k = y.length;
  const p = 2;
  if (method === "FE") return 0;
  if (k <= p) throw new InputError("too few studies for a meta-regression");
  let ym = 0;
  for (let i = 0; i < k; i++) ym += y[i] as number;
  ym /= k;
  const ymc = Float64Array.from(y, (t) => t - ym);
  const ones = new Float64Array(k).fill(1);
  const he = (): number => {
    const pr = projection(x, ones, k);
    const rss = quad(pr.P, ymc, k);
    let trPV = 0;
    for (let i = 0; i < k; i++) trPV += (pr.P[i * k + i] as number) * (v[i] as number);
    return (rss - trPV) / (k - p);
  };
  const qOf = (t: number): number => quad(projection(x, weightsFor(v, t, k), k).P, ymc, k);
  let tau2: number;
  switch (method) {
    case "HE":
      tau2 = he();
      break;
    case "DL": {
      const pr = projection(x, weightsFor(v, 0, k), k);
      let trP = 0;
      for (let i = 0; i < k; i++) trP += pr.P[i * k + i] as number;
      tau2 = (quad(pr.P, ymc, k) - (k - p)) / trP;
      break;
    }
    case "SJ": {
      let ss = 0;
      for (let i = 0; i < k; i++) ss += (ymc[i] as number) ** 2;
      const t0 = ss / k;
      tau2 = (t0 * qOf(t0)) / (k - p);
      break;
    }
    case "PM": {
      if (qOf(0) < k - p) tau2 = 0;
      else {
        const max = Math.max(100, 10 * mad(y) ** 2);
        if (qOf(max) > k - p) throw new InputError("Paule-Mandel: tau² exceeds the search limit");
        tau2 = zeroin((t) => qOf(t) - (k - p), 0, max, UNIROOT_TOL, 100);
      }
      break;
    }
    default: {
      tau2 = Math.max(0, he());
      let change = 1;
      let iter = 0;
      while (change > 1e-5) {
        iter++;
        const old = tau2;
        const w = weightsFor(v, tau2, k);
        const pr = projection(x, w, k);
        const Py = py(pr.P, ymc, k);
        let yPPy = 0;
        let yPy = 0;
        for (let i = 0; i < k; i++) {
          yPPy += (Py[i] as number) ** 2;
          yPy += (Py[i] as number) * (ymc[i] as number);
        }
        let trP = 0;
        let trPP = 0;
        let sw = 0;
        let sw2 = 0;
        for (let i = 0; i < k; i++) {
          trP += pr.P[i * k + i] as number;
          sw += w[i] as number;
          sw2 += (w[i] as number) ** 2;
          for (let j = 0; j < k; j++) trPP += (pr.P[i * k + j] as number) ** 2;
        }
        let adj: number;
        if (method === "ML") adj = (yPPy - sw) / sw2;
        else if (method === "REML") adj = (yPPy - trP) / trPP;
        else adj = ((yPy * k) / (k - p) - k) / sw;
        if (Number.isNaN(adj)) adj = 0;
        while (tau2 + adj < 0) adj /= 2;
        tau2 += adj;
        change = Math.abs(old - tau2);
        if (iter > 100) throw new InputError("Fisher scoring algorithm did not converge in the meta-regression");
      }
      if (method === "ML" || method === "REML") {
        const ll = (t: number): number => {
          const w = weightsFor(v, t, k);
          const pr = projection(x, w, k);
          const rss = quad(pr.P, ymc, k);
          let slog = 0;
          for (let i = 0; i < k; i++) slog += Math.log((v[i] as number) + t);
          if (method === "ML") return -0.5 * k * Math.log(2 * Math.PI) - 0.5 * slog - 0.5 * rss;
          return -0.5 * (k - p) * Math.log(2 * Math.PI) - 0.5 * slog - 0.5 * pr.logdet - 0.5 * rss;
        };
        if (ll(0) - ll(tau2) > UNIROOT_TOL && tau2 > 1e-5) tau2 = 0;
      }
    }
  }
  return Math.max(0, tau2);
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
