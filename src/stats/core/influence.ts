/**
 * Case diagnostics of an inverse-variance model (with or without moderators) as metafor's influence.rma.uni, and
 * the Baujat plot coordinates as baujat.rma. Every study is left out once and the model refitted with the same
 * estimator, test and level; the full model's sums give the hat values and weights.
 *
 * For study i, with b the full-model coefficients, b(-i), vb(-i), tau²(-i), s²w(-i) those of the fit without it
 * (s²w = 1 unless Knapp-Hartung):
 *   rstudent  = (y_i - x_i'b(-i)) / sqrt(v_i s²w(-i) + x_i' vb(-i) x_i + tau²(-i) s²w(-i))
 *   dffits    = (x_i'b - x_i'b(-i)) / sqrt(s²w(-i) h_i (tau²(-i) + v_i))
 *   cook.d    = (b - b(-i))' vb^-1 (b - b(-i)),   cov.r = det vb(-i) / det vb
 *   dfbetas_j = (b_j - b(-i)_j) / sqrt(s²w(-i) [(X' W(-i) X)^-1]_jj), W(-i) = diag 1/(v + tau²(-i)) over all k
 *   hat h_i   = w_i x_i'(X'WX)^-1 x_i,  weight = 100 w_i / sum w
 * A study is influential (metafor's `inf`) when |dffits| > 3 sqrt(p/(k - p)), pchisq(cook.d, p) > 0.5,
 * h_i > 3p/k, or any |dfbetas| > 1.
 * Baujat: x_i = (y_i - x_i'b)² / (tau² + v_i), y_i = (x_i'b(-i) - x_i'b)² / (x_i' vb(-i) x_i).
 */
import type { TestType } from "../types.js";
import { pchisq } from "./dist.js";
import { rmaMods, type MetaRegResult } from "./metareg.js";
import type { RmaMethod } from "./rma.js";
import { tryRefit } from "./refit.js";
import { invertSpd, wls } from "./tau2.js";

export interface InfluenceRow {
  rstudent: number;
  dffits: number;
  cook_d: number;
  cov_r: number;
  tau2_del: number;
  QE_del: number;
  hat: number;
  weight: number;
  dfbetas: number[];
  inf: boolean;
}

export interface InfluenceResult {
  rows: InfluenceRow[];
  baujat: { x: number; y: number }[];
}

const DBL_EPSILON = 2.220446049250313e-16;

function det(m: Float64Array, p: number): number {
  const inv = new Float64Array(p * p);
  const logdet = invertSpd(m, p, inv, new Float64Array(p * p));
  return Math.exp(logdet);
}

/** Influence diagnostics and Baujat coordinates of y ~ X (k x p row-major). */
export function influenceDiagnostics(
  y: ArrayLike<number>,
  v: ArrayLike<number>,
  X: Float64Array,
  names: readonly string[],
  options: { method: RmaMethod; test: TestType; level: number },
): InfluenceResult {
  const k = y.length;
  const p = names.length;
  const full = rmaMods(y, v, X, names, { ...options, skipR2: true });
  const b = full.coefficients.map((c) => c.estimate);
  // hat values: w_i x_i' (X'WX)^-1 x_i with the full-model weights (unscaled inverse)
  const fw = wls(X, p, y, full.weights);
  let sw = 0;
  for (let i = 0; i < k; i++) sw += full.weights[i] as number;
  const vbInv = new Float64Array(p * p);
  invertSpd(full.vb, p, vbInv, new Float64Array(p * p));
  const detFull = det(full.vb, p);
  const rows: InfluenceRow[] = [];
  const baujat: { x: number; y: number }[] = [];
  const sub = (arr: ArrayLike<number>, i: number): Float64Array => {
    const out = new Float64Array(k - 1);
    for (let j = 0, m = 0; j < k; j++) if (j !== i) out[m++] = arr[j] as number;
    return out;
  };
  for (let i = 0; i < k; i++) {
    const xi = X.subarray(i * p, (i + 1) * p);
    let h = 0;
    for (let a = 0; a < p; a++) for (let c = 0; c < p; c++) h += (xi[a] as number) * (fw.inv[a * p + c] as number) * (xi[c] as number);
    h *= full.weights[i] as number;
    const predFull = dot(xi, b);
    const Xd = new Float64Array((k - 1) * p);
    for (let j = 0, m = 0; j < k; j++) if (j !== i) Xd.set(X.subarray(j * p, (j + 1) * p), p * m++);
    const del = tryRefit(() => rmaMods(sub(y, i), sub(v, i), Xd, names, { ...options, skipR2: true }));
    const weight = (100 * (full.weights[i] as number)) / sw;
    if (del === undefined) {
      rows.push({ rstudent: NaN, dffits: NaN, cook_d: NaN, cov_r: NaN, tau2_del: NaN, QE_del: NaN, hat: h, weight, dfbetas: new Array<number>(p).fill(NaN), inf: h > (3 * p) / k });
      baujat.push({ x: ((y[i] as number) - predFull) ** 2 / (full.tau2 + (v[i] as number)), y: NaN });
      continue;
    }
    const bd = del.coefficients.map((c) => c.estimate);
    const delpred = dot(xi, bd);
    const vdelpred = quadForm(del.vb, xi, p);
    const s2w = options.test === "knha" ? s2wOf(del) : 1;
    const dffits = (predFull - delpred) / Math.sqrt(s2w * h * (del.tau2 + (v[i] as number)));
    // (X' W(-i) X)^-1 over all k studies with weights 1/(v + tau²(-i))
    const wdel = new Float64Array(k);
    for (let j = 0; j < k; j++) wdel[j] = 1 / ((v[j] as number) + del.tau2);
    const vbDel = wls(X, p, y, wdel).inv;
    const dfb = b.map((bj, j) => (bj - (bd[j] as number)) / Math.sqrt(s2w * (vbDel[j * p + j] as number)));
    const diff = b.map((bj, j) => bj - (bd[j] as number));
    const cook = quadForm(vbInv, diff, p);
    // a Knapp-Hartung deletion with no residual (k - 1 = p: s²w = 0) has vb = 0, whose determinant is 0 (metafor's cov.r 0)
    const covr = del.s2w === 0 && options.test === "knha" ? 0 : det(del.vb, p) / detFull;
    let resid = (y[i] as number) - delpred;
    if (Math.abs(resid) < 100 * DBL_EPSILON) resid = 0;
    const seresid = Math.sqrt((v[i] as number) * s2w + vdelpred + del.tau2 * s2w);
    const inf = Math.abs(dffits) > 3 * Math.sqrt(p / (k - p)) || pchisq(cook, p) > 0.5 || h > (3 * p) / k || dfb.some((d) => Math.abs(d) > 1);
    rows.push({ rstudent: resid / seresid, dffits, cook_d: cook, cov_r: covr, tau2_del: del.tau2, QE_del: del.QE, hat: h, weight, dfbetas: dfb, inf });
    baujat.push({ x: ((y[i] as number) - predFull) ** 2 / (full.tau2 + (v[i] as number)), y: (delpred - predFull) ** 2 / vdelpred });
  }
  return { rows, baujat };
}

/** s²w of a Knapp-Hartung fit (vb = s²w (X'WX)^-1). */
function s2wOf(fit: MetaRegResult): number {
  return fit.s2w;
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number);
  return s;
}

function quadForm(M: ArrayLike<number>, x: ArrayLike<number>, p: number): number {
  let s = 0;
  for (let a = 0; a < p; a++) for (let c = 0; c < p; c++) s += (x[a] as number) * (M[a * p + c] as number) * (x[c] as number);
  return s;
}
