/**
 * The one table of tau² estimators (metafor's rma.uni `method`), written once against a `Tau2Design`: the model
 * y = X b + u + e with u ~ N(0, tau²) and e ~ N(0, v). The intercept-only design (X = 1) computes every trace and
 * quadratic form of the projection matrix P = W - W X (X'WX)^-1 X'W as O(k) sums; the meta-regression design
 * (X with p columns) computes them from p x p matrices in O(k p²), never forming the k x k matrix P.
 *
 * Each estimator follows metafor 3.8 rma.uni line by line (starting values, truncation at tau2.min = 0, the
 * ll0 check of ML/REML, the standard errors). `CONTROL` holds every control constant with its metafor name.
 */
import { InputError } from "../../shared/errors.js";
import type { Tau2Method } from "../types.js";
import { mad, qchisq, UNIROOT_TOL, zeroinFrom } from "./dist.js";

const DBL_EPSILON = 2.220446049250313e-16;

/** Every control constant of the estimators and intervals, named and valued as metafor's `control` list. */
export const CONTROL = {
  /** rma.uni control `threshold`: Fisher scoring (ML/REML/EB) stops when |tau²_new - tau²_old| <= threshold. */
  threshold: 1e-5,
  /** rma.uni control `maxiter`: iteration limit of Fisher scoring and of uniroot (PM/PMM). */
  maxiter: 100,
  /** rma.uni control `stepadj`: step length factor of each Fisher scoring step. */
  stepadj: 1,
  /** rma.uni control `tol` (= uniroot's default .Machine$double.eps^0.25): root tolerance and ll0 check margin. */
  tol: UNIROOT_TOL,
  /** rma.uni control `tau2.min`: tau² is truncated below here. */
  tau2Min: 0,
  /** rma.uni control `tau2.max` = max(100, 10 * mad(yi)²): upper end of the PM/PMM search (this is the 100). */
  tau2MaxFloor: 100,
  /** rma.uni control `ll0check`: compare the (RE)ML likelihood at tau² = 0 with the one at the estimate. */
  ll0check: true,
  /** confint.rma.uni control `maxiter`: uniroot iterations for Q-profile and profile-likelihood limits. */
  confintMaxiter: 1000,
  /** confint.rma.uni control `tau2.max` = max(100, 10 tau², 10 tau2.min): upper end of the search (this is the 100). */
  confintTau2MaxFloor: 100,
  /** rma.uni with test = "knha": s²_w below .Machine$double.eps is set to 0 (then the SE is 0). */
  knhaEps: DBL_EPSILON,
} as const;

/** Sums of one weighted fit (weights w_i = 1/(v_i + tau²), or 1 for ordinary least squares). */
export interface WeightedStats {
  /** sum(w), sum(w²). */
  sw: number;
  sw2: number;
  /** y'Py (the generalised Q, = RSS) and y'PPy. */
  yPy: number;
  yPPy: number;
  /** tr(P) and tr(PP) = sum(P * P). */
  trP: number;
  trPP: number;
  /** tr(PV), tr(PVP) = sum(PV * P) and tr(PVPV) = sum(PV * t(PV)) with V = diag(v). */
  trPV: number;
  trPVP: number;
  trPVPV: number;
  /** log det(X'WX). */
  logdet: number;
}

export function emptyStats(): WeightedStats {
  return { sw: 0, sw2: 0, yPy: 0, yPPy: 0, trP: 0, trPP: 0, trPV: 0, trPVP: 0, trPVPV: 0, logdet: 0 };
}

/** What every tau² estimator needs of a model: its size and the weighted-fit sums at any tau² (or OLS). */
export interface Tau2Design {
  readonly k: number;
  /** Number of columns of X (1 for the intercept-only model). */
  readonly p: number;
  readonly y: ArrayLike<number>;
  readonly v: ArrayLike<number>;
  /**
   * Fills `out` with the sums of the fit with weights 1/(v + tau2), or unit weights for "ols". With `vTerms` false
   * the traces involving V (trPV, trPVP, trPVPV) may be left out (NaN): the likelihood iterations do not use them.
   */
  stats(tau2: number | "ols", out: WeightedStats, vTerms?: boolean): WeightedStats;
  /** y'P y at weights 1/(v + tau2) (the generalised Q statistic), without the traces. */
  q(tau2: number): number;
}

export interface Tau2Estimate {
  tau2: number;
  se_tau2: number | null;
}

// ---------------------------------------------------------------------------------------------------------------
// Designs
// ---------------------------------------------------------------------------------------------------------------

/** The intercept-only design, which also tells at which tau² its working array last received the weights. */
export interface InterceptDesign extends Tau2Design {
  /**
   * The tau² of the last `stats` pass: `work` then holds 1/(v + weightsAt) for every study, computed as rmaUni
   * computes its model weights (NaN before any pass and after an OLS pass).
   */
  readonly weightsAt: number;
}

/**
 * The intercept-only design: P = W - w w'/sum(w); every sum in one pass (two with the traces involving V). `work` (length k, default a new
 * array) holds the weights of the last pass for the second one, so each weight is divided out once.
 */
export function interceptDesign(y: ArrayLike<number>, v: ArrayLike<number>, work: Float64Array = new Float64Array(y.length)): InterceptDesign {
  const k = y.length;
  // the centre of the next pass's deviations (likelihoodSums): the weighted mean of the last pass
  let centre = NaN;
  const design = {
    k,
    p: 1,
    y,
    v,
    weightsAt: NaN,
    stats(tau2: number | "ols", out: WeightedStats, vTerms = true): WeightedStats {
      const ols = tau2 === "ols";
      const m = likelihoodSums(y, v, k, ols ? null : tau2, Number.isFinite(centre) ? centre : ((y[0] as number) ?? 0), out, work);
      // the next pass centres on this pass's weighted mean (kept as it was when this one is not finite)
      if (Number.isFinite(m)) centre = m;
      design.weightsAt = ols ? NaN : tau2;
      return !vTerms && !ols ? out : vTraces(v, work, k, out);
    },
    q(tau2: number): number {
      return qStatistic(y, v, tau2);
    },
  };
  return design;
}

/**
 * The sums the (RE)ML iterations need, at weights 1/(v + t) (unit weights for t = null), in one pass over the
 * studies, with the weights left in `work`; the traces involving V are NaN (vTraces adds them). Returns the weighted
 * mean m.
 *
 * y'Py = sum w (y - m)² and y'PPy = sum w² (y - m)² come from the deviations e = y - c about a fixed centre c:
 * with delta = m - c = sum w e / sum w, y'Py = sum w e² - delta sum w e and y'PPy = sum w² e² - 2 delta sum w² e +
 * delta² sum w². The design passes the weighted mean of its previous pass as c (the first pass: the first study's
 * y), so delta is the change of the mean between two iterations and nothing cancels; the sums are independent, so
 * one pass replaces two (the second pass of the two-pass form read every weight and y again).
 */
function likelihoodSums(y: ArrayLike<number>, v: ArrayLike<number>, k: number, t: number | null, c: number, out: WeightedStats, work: Float64Array): number {
  let sw = 0;
  let sw2 = 0;
  let sw3 = 0;
  let swe = 0;
  let swe2 = 0;
  let sw2e = 0;
  let sw2e2 = 0;
  for (let i = 0; i < k; i++) {
    const w = t === null ? 1 : 1 / ((v[i] as number) + t);
    work[i] = w;
    const w2 = w * w;
    const e = (y[i] as number) - c;
    const we = w * e;
    const w2e = w2 * e;
    sw += w;
    sw2 += w2;
    sw3 += w2 * w;
    swe += we;
    swe2 += we * e;
    sw2e += w2e;
    sw2e2 += w2e * e;
  }
  const delta = swe / sw;
  out.sw = sw;
  out.sw2 = sw2;
  out.yPy = swe2 - delta * swe;
  out.yPPy = sw2e2 - 2 * delta * sw2e + delta * delta * sw2;
  out.trP = sw - sw2 / sw;
  out.trPP = sw2 - (2 * sw3) / sw + (sw2 * sw2) / (sw * sw);
  // one weight far above the others (a registry of millions beside small trials): the two forms above cancel to
  // nothing (tr(PP) exactly 0 where it is 1.8e6); recomputed without the cancellation (rare: never in ordinary data)
  if (!(out.trPP > 1e-4 * sw2) || !(out.trP > 1e-4 * sw)) dominantWeightTraces(work, k, out);
  out.trPV = NaN;
  out.trPVP = NaN;
  out.trPVPV = NaN;
  out.logdet = Math.log(sw);
  return c + delta;
}

/**
 * tr(P) and tr(PP) of the intercept-only model, P = W - w w'/sum w, written so that nothing cancels when one weight
 * w_m dominates: with S the sum of the weights, o = S - w_m the sum of the others (summed, not subtracted),
 *   tr(P)  = sum_{i≠m} w_i (S - w_i)/S + w_m o/S,
 *   tr(PP) = sum_i P_ii² + sum_{i≠j} P_ij² = sum_{i≠m} w_i² ((S - w_i)/S)² + w_m² (o/S)² + (2 w_m² q + q² - r)/S²,
 * q and r the sums of w_i² and w_i⁴ over the others (q² - r = sum over distinct pairs of the others of w_i² w_j²).
 */
function dominantWeightTraces(w: Float64Array, k: number, out: WeightedStats): void {
  let m = 0;
  for (let i = 1; i < k; i++) if ((w[i] as number) > (w[m] as number)) m = i;
  const wm = w[m] as number;
  let o = 0;
  let q = 0;
  let r = 0;
  for (let i = 0; i < k; i++) {
    if (i === m) continue;
    const wi = w[i] as number;
    o += wi;
    q += wi * wi;
    r += wi * wi * wi * wi;
  }
  const S = wm + o;
  let trP = (wm * o) / S;
  let diag2 = (wm * o) / S;
  diag2 *= diag2;
  for (let i = 0; i < k; i++) {
    if (i === m) continue;
    const wi = w[i] as number;
    const f = (S - wi) / S;
    trP += wi * f;
    diag2 += wi * wi * f * f;
  }
  out.trP = trP;
  out.trPP = diag2 + (2 * wm * wm * q + (q * q - r)) / (S * S);
}

/** tr(PV), tr(PVP) and tr(PVPV) from the weights `w` of the pass that filled `out` (its sw and sw2). */
function vTraces(v: ArrayLike<number>, w: Float64Array, k: number, out: WeightedStats): WeightedStats {
  const { sw, sw2 } = out;
  let swv = 0;
  let sw2v = 0;
  let sw3v = 0;
  let sw2v2 = 0;
  let sw3v2 = 0;
  for (let i = 0; i < k; i++) {
    const vi = v[i] as number;
    const wi = w[i] as number;
    const w2 = wi * wi;
    const w3 = w2 * wi;
    swv += wi * vi;
    sw2v += w2 * vi;
    sw3v += w3 * vi;
    sw2v2 += w2 * vi * vi;
    sw3v2 += w3 * vi * vi;
  }
  out.trPV = swv - sw2v / sw;
  out.trPVP = sw2v - (2 * sw3v) / sw + (sw2 * sw2v) / (sw * sw);
  out.trPVPV = sw2v2 - (2 * sw3v2) / sw + (sw2v * sw2v) / (sw * sw);
  return out;
}

/** Q(tau2) = sum w (y - ybar_w)², w = 1/(v + tau2): the generalised Q statistic of the intercept-only model. */
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
    q += (d * d) / ((v[i] as number) + tau2);
  }
  return q;
}

/** Cholesky inverse of a symmetric positive-definite p x p matrix (row-major, in place into `inv`); returns log det. */
export function invertSpd(a: Float64Array, p: number, inv: Float64Array, scratch: Float64Array): number {
  // scratch holds L (lower triangle)
  const L = scratch;
  let logdet = 0;
  for (let i = 0; i < p; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * p + j] as number;
      for (let m = 0; m < j; m++) s -= (L[i * p + m] as number) * (L[j * p + m] as number);
      if (i === j) {
        // a pivot that is rounding error of its diagonal: the column is (numerically) a combination of the ones
        // before it, as R's QR rank check finds at tol 1e-7 (lm, which rma.uni uses to drop redundant predictors)
        if (!(s > 1e-14 * (a[i * p + i] as number))) return NaN;
        const d = Math.sqrt(s);
        L[i * p + i] = d;
        logdet += 2 * Math.log(d);
      } else L[i * p + j] = s / (L[j * p + j] as number);
    }
  }
  // inv = (L L')^-1: solve column by column
  for (let c = 0; c < p; c++) {
    // forward: L z = e_c  (z stored in inv column c)
    for (let i = 0; i < p; i++) {
      let s = i === c ? 1 : 0;
      for (let m = 0; m < i; m++) s -= (L[i * p + m] as number) * (inv[m * p + c] as number);
      inv[i * p + c] = s / (L[i * p + i] as number);
    }
    // backward: L' x = z
    for (let i = p - 1; i >= 0; i--) {
      let s = inv[i * p + c] as number;
      for (let m = i + 1; m < p; m++) s -= (L[m * p + i] as number) * (inv[m * p + c] as number);
      inv[i * p + c] = s / (L[i * p + i] as number);
    }
  }
  return logdet;
}

/** Weighted least squares of y on X (k x p, row-major) with weights w: coefficients, (X'WX)^-1, log det. */
export interface WlsFit {
  b: Float64Array;
  /** (X'WX)^-1, p x p row-major. */
  inv: Float64Array;
  logdet: number;
}

export function wls(X: Float64Array, p: number, y: ArrayLike<number>, w: ArrayLike<number>): WlsFit {
  const k = y.length;
  const A = new Float64Array(p * p);
  const Xty = new Float64Array(p);
  for (let i = 0; i < k; i++) {
    const wi = w[i] as number;
    const yi = y[i] as number;
    for (let a = 0; a < p; a++) {
      const xa = (X[i * p + a] as number) * wi;
      Xty[a] = (Xty[a] as number) + xa * yi;
      for (let b = 0; b <= a; b++) A[a * p + b] = (A[a * p + b] as number) + xa * (X[i * p + b] as number);
    }
  }
  for (let a = 0; a < p; a++) for (let b = a + 1; b < p; b++) A[a * p + b] = A[b * p + a] as number;
  const inv = new Float64Array(p * p);
  const logdet = invertSpd(A, p, inv, new Float64Array(p * p));
  if (Number.isNaN(logdet)) throw new InputError("the moderators are collinear (or a moderator has no spread): the model cannot be fitted");
  const b = new Float64Array(p);
  for (let a = 0; a < p; a++) {
    let s = 0;
    for (let c = 0; c < p; c++) s += (inv[a * p + c] as number) * (Xty[c] as number);
    b[a] = s;
  }
  return { b, inv, logdet };
}

/**
 * The meta-regression design: X is k x p (row-major), its first column usually the intercept. With H = W X A^-1 X'W,
 * A = X'WX and h_i = x_i' A^-1 x_i: tr(PD) = sum w d - sum w² h d and
 * tr(PDPE) = sum w² d e - 2 sum w³ h d e + tr(A^-1 M_D A^-1 M_E), M_D = sum w² d x x', for diagonal D and E.
 */
export function regressionDesign(y: ArrayLike<number>, v: ArrayLike<number>, X: Float64Array, p: number): Tau2Design {
  const k = y.length;
  if (X.length !== k * p) throw new InputError("the moderator matrix does not match the number of studies");
  const w = new Float64Array(k);
  const MI = new Float64Array(p * p);
  const MV = new Float64Array(p * p);
  const T1 = new Float64Array(p * p);
  const T2 = new Float64Array(p * p);
  const trProd = (Ainv: Float64Array, M1: Float64Array, M2: Float64Array): number => {
    // tr(Ainv M1 Ainv M2)
    mul(Ainv, M1, T1, p);
    mul(Ainv, M2, T2, p);
    let s = 0;
    for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) s += (T1[a * p + b] as number) * (T2[b * p + a] as number);
    return s;
  };
  const fill = (tau2: number | "ols"): void => {
    for (let i = 0; i < k; i++) w[i] = tau2 === "ols" ? 1 : 1 / ((v[i] as number) + tau2);
  };
  return {
    k,
    p,
    y,
    v,
    stats(tau2, out) {
      fill(tau2);
      const f = wls(X, p, y, w);
      let sw = 0;
      let sw2 = 0;
      let yPy = 0;
      let yPPy = 0;
      let swh2 = 0;
      let sw3h = 0;
      let swv = 0;
      let sw2hv = 0;
      let sw2v = 0;
      let sw3hv = 0;
      let sw2v2 = 0;
      let sw3hv2 = 0;
      MI.fill(0);
      MV.fill(0);
      for (let i = 0; i < k; i++) {
        const wi = w[i] as number;
        const vi = v[i] as number;
        let fitted = 0;
        let h = 0;
        for (let a = 0; a < p; a++) {
          const xa = X[i * p + a] as number;
          fitted += xa * (f.b[a] as number);
          let s = 0;
          for (let c = 0; c < p; c++) s += (f.inv[a * p + c] as number) * (X[i * p + c] as number);
          h += xa * s;
          const w2xa = wi * wi * xa;
          for (let c = 0; c < p; c++) {
            const xc = X[i * p + c] as number;
            MI[a * p + c] = (MI[a * p + c] as number) + w2xa * xc;
            MV[a * p + c] = (MV[a * p + c] as number) + w2xa * xc * vi;
          }
        }
        const e = (y[i] as number) - fitted;
        const w2 = wi * wi;
        const w3 = w2 * wi;
        sw += wi;
        sw2 += w2;
        yPy += wi * e * e;
        yPPy += w2 * e * e;
        swh2 += w2 * h;
        sw3h += w3 * h;
        swv += wi * vi;
        sw2hv += w2 * h * vi;
        sw2v += w2 * vi;
        sw3hv += w3 * h * vi;
        sw2v2 += w2 * vi * vi;
        sw3hv2 += w3 * h * vi * vi;
      }
      out.sw = sw;
      out.sw2 = sw2;
      out.yPy = yPy;
      out.yPPy = yPPy;
      out.trP = sw - swh2;
      out.trPP = sw2 - 2 * sw3h + trProd(f.inv, MI, MI);
      out.trPV = swv - sw2hv;
      out.trPVP = sw2v - 2 * sw3hv + trProd(f.inv, MV, MI);
      out.trPVPV = sw2v2 - 2 * sw3hv2 + trProd(f.inv, MV, MV);
      out.logdet = f.logdet;
      return out;
    },
    q(tau2) {
      fill(tau2);
      const f = wls(X, p, y, w);
      let q = 0;
      for (let i = 0; i < k; i++) {
        let fitted = 0;
        for (let a = 0; a < p; a++) fitted += (X[i * p + a] as number) * (f.b[a] as number);
        const e = (y[i] as number) - fitted;
        q += (w[i] as number) * e * e;
      }
      return q;
    },
  };
}

function mul(A: Float64Array, B: Float64Array, out: Float64Array, p: number): void {
  for (let a = 0; a < p; a++) {
    for (let b = 0; b < p; b++) {
      let s = 0;
      for (let c = 0; c < p; c++) s += (A[a * p + c] as number) * (B[c * p + b] as number);
      out[a * p + b] = s;
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The estimators
// ---------------------------------------------------------------------------------------------------------------

/** The restricted (or full) log likelihood at tau2, as metafor's ll0 check computes it. */
export function logLik(d: Tau2Design, tau2: number, reml: boolean, s: WeightedStats = emptyStats()): number {
  const { k, p, v } = d;
  d.stats(tau2, s, false);
  let slog = 0;
  for (let i = 0; i < k; i++) slog += Math.log((v[i] as number) + tau2);
  if (!reml) return -0.5 * k * Math.log(2 * Math.PI) - 0.5 * slog - 0.5 * s.yPy;
  return -0.5 * (k - p) * Math.log(2 * Math.PI) - 0.5 * slog - 0.5 * s.logdet - 0.5 * s.yPy;
}

/**
 * For metafor's ll0 check: ll(0) - ll(tau2), the (restricted) log likelihood at tau² = 0 minus the one at tau2
 * (tau2 is set to 0 when this exceeds CONTROL.tol). The difference is computed directly, with sum log(v + tau²) - sum log(v) as the logarithm
 * of prod (v + tau²) / prod v: one logarithm instead of 2k, no division per study, and no two large sums subtracted.
 * Leaves the sums at tau2 in s.
 */
export function ll0Gap(d: Tau2Design, tau2: number, reml: boolean, s: WeightedStats = emptyStats()): number {
  const { k, v } = d;
  d.stats(0, s, false);
  const yPy0 = s.yPy;
  const logdet0 = s.logdet;
  d.stats(tau2, s, false);
  // prod (v + tau²) / prod v, the two products kept apart (no division per study) and folded into the logarithm
  // whenever either leaves [1e-150, 1e150]
  let logRatio = 0;
  let num = 1;
  let den = 1;
  for (let i = 0; i < k; i++) {
    const vi = v[i] as number;
    num *= vi + tau2;
    den *= vi;
    if (!(num < 1e150 && den > 1e-150 && den < 1e150)) {
      logRatio += Math.log(num / den);
      num = 1;
      den = 1;
    }
  }
  logRatio += Math.log(num / den);
  if (!Number.isFinite(logRatio)) {
    logRatio = 0;
    for (let i = 0; i < k; i++) logRatio += Math.log1p(tau2 / (v[i] as number));
  }
  return 0.5 * logRatio + 0.5 * (s.yPy - yPy0) + (reml ? 0.5 * (s.logdet - logdet0) : 0);
}

function allPositive(v: ArrayLike<number>): boolean {
  for (let i = 0; i < v.length; i++) if (!((v[i] as number) > 0)) return false;
  return true;
}

/** se of tau² for EB, PM and PMM: sqrt(2 k² / (k - p)) / sum(w) at the estimate. */
function seMoment(d: Tau2Design, tau2: number): number {
  let sw = 0;
  for (let i = 0; i < d.k; i++) sw += 1 / ((d.v[i] as number) + tau2);
  return Math.sqrt((2 * d.k * d.k) / (d.k - d.p) / (sw * sw));
}

/** se from the sums of the Q-type estimators: sqrt(c² (2 a + 4 t b + 2 t² trPP)). */
function seQuadratic(c: number, a: number, b: number, trPP: number, tau2: number): number {
  const t = Math.max(tau2, 0);
  return Math.sqrt(c * c * (2 * a + 4 * t * b + 2 * t * t * trPP));
}

function hunterSchmidt(d: Tau2Design, rescale: boolean): Tau2Estimate {
  const { k, p } = d;
  if (!allPositive(d.v)) throw new InputError("the Hunter-Schmidt estimator needs positive sampling variances");
  const s = d.stats(0, emptyStats());
  const f = rescale ? k / (k - p) : 1;
  const tau2 = Math.max(CONTROL.tau2Min, (f * s.yPy - k) / s.sw);
  const se = f * seQuadratic(1 / s.sw, k - p, s.trP, s.trPP, tau2);
  return { tau2, se_tau2: se };
}

/** Paule-Mandel: the tau² at which Q(tau²) equals `target` (k - p for PM, the chi-square median for PMM). */
function pauleMandel(d: Tau2Design, target: number, name: string): Tau2Estimate {
  if (!allPositive(d.v)) throw new InputError(`the ${name} estimator needs positive sampling variances`);
  let tau2: number;
  const qMin = d.q(CONTROL.tau2Min);
  if (qMin < target) tau2 = CONTROL.tau2Min;
  else {
    const tau2max = Math.max(CONTROL.tau2MaxFloor, 10 * mad(d.y) ** 2);
    const qMax = d.q(tau2max);
    if (qMax > target) throw new InputError(`${name}: tau² exceeds the search limit ${tau2max}; try another tau² estimator`);
    tau2 = zeroinFrom((x) => d.q(x) - target, CONTROL.tau2Min, tau2max, qMin - target, qMax - target, CONTROL.tol, CONTROL.maxiter);
    if (Number.isNaN(tau2)) throw new InputError(`${name}: the search for tau² did not converge`);
  }
  tau2 = Math.max(CONTROL.tau2Min, tau2);
  return { tau2, se_tau2: seMoment(d, tau2) };
}

/** The Fisher scoring step of each likelihood-type estimator, from the sums at the current tau². */
const FISHER_STEP: { readonly [M in "ML" | "REML" | "EB"]: (s: WeightedStats, k: number, p: number) => number } = {
  ML: (s) => (s.yPPy - s.sw) / s.sw2,
  REML: (s) => (s.yPPy - s.trP) / s.trPP,
  EB: (s, k, p) => ((s.yPy * k) / (k - p) - k) / s.sw,
};

function fisherScoring(d: Tau2Design, method: "ML" | "REML" | "EB"): Tau2Estimate {
  const { k, p } = d;
  const s = emptyStats();
  // starting value: the HE estimate, truncated (metafor: tau2 <- max(0, tau2, tau2.min))
  d.stats("ols", s);
  let tau2 = Math.max(0, (s.yPy - s.trPV) / (k - p), CONTROL.tau2Min);
  let change = CONTROL.threshold + 1;
  let iter = 0;
  const step = FISHER_STEP[method];
  while (change > CONTROL.threshold) {
    iter++;
    const old = tau2;
    d.stats(tau2, s, false);
    let adj = step(s, k, p) * CONTROL.stepadj;
    if (Number.isNaN(adj)) adj = 0;
    // an infinite step (a trace that is 0 in floating point) would halve for ever: stop with an error instead
    if (!Number.isFinite(adj)) throw new InputError(`${method}: the Fisher scoring step is not finite (the studies' sampling variances differ too much for this estimator); try --tau2 DL or PM`);
    while (tau2 + adj < CONTROL.tau2Min) adj /= 2;
    tau2 += adj;
    change = Math.abs(old - tau2);
    if (iter > CONTROL.maxiter) {
      throw new InputError("Fisher scoring algorithm did not converge (as metafor would stop); try another tau² estimator");
    }
  }
  // metafor's ll0 check (the likelihoods are only compared when tau² exceeds the threshold, the one case where the
  // comparison can change tau²)
  let sumsAtTau2 = false;
  if (method !== "EB" && CONTROL.ll0check && tau2 > CONTROL.threshold && allPositive(d.v)) {
    if (ll0Gap(d, tau2, method === "REML", s) > CONTROL.tol) tau2 = 0;
    else sumsAtTau2 = true;
  }
  tau2 = Math.max(CONTROL.tau2Min, tau2);
  if (method === "EB") return { tau2, se_tau2: seMoment(d, tau2) };
  if (!sumsAtTau2) d.stats(tau2, s, false);
  return { tau2, se_tau2: method === "ML" ? Math.sqrt(2 / s.sw2) : Math.sqrt(2 / s.trPP) };
}

/** One entry per estimator of the Tau2Method union (a new estimator without an entry does not compile). */
export const TAU2_ESTIMATORS: { readonly [M in Tau2Method]: (d: Tau2Design) => Tau2Estimate } = {
  /** DerSimonian-Laird: (Q - (k - p)) / tr(P) at weights 1/v. */
  DL(d) {
    if (!allPositive(d.v)) throw new InputError("the DerSimonian-Laird estimator needs positive sampling variances");
    const s = d.stats(0, emptyStats());
    const tau2 = Math.max(CONTROL.tau2Min, (s.yPy - (d.k - d.p)) / s.trP);
    return { tau2, se_tau2: seQuadratic(1 / s.trP, d.k - d.p, s.trP, s.trPP, tau2) };
  },
  /** Hedges (variance components, method of moments with unit weights): (RSS_OLS - tr(P V)) / (k - p). */
  HE(d) {
    const s = d.stats("ols", emptyStats());
    const tau2 = Math.max(CONTROL.tau2Min, (s.yPy - s.trPV) / (d.k - d.p));
    // with unit weights tr(PP) = tr(P) = k - p
    return { tau2, se_tau2: seQuadratic(1 / (d.k - d.p), s.trPVPV, s.trPV, d.k - d.p, tau2) };
  },
  /** Hunter-Schmidt: (Q - k) / sum(w) at weights 1/v. */
  HS: (d) => hunterSchmidt(d, false),
  /** Hunter-Schmidt with the small-sample factor k / (k - p) on Q. */
  HSk: (d) => hunterSchmidt(d, true),
  /** Sidik-Jonkman: tau0 Q(tau0) / (k - p), tau0 = the variance of y with divisor k. */
  SJ(d) {
    const { k, p, y } = d;
    let sy = 0;
    for (let i = 0; i < k; i++) sy += y[i] as number;
    const ybar = sy / k;
    let ss = 0;
    for (let i = 0; i < k; i++) ss += ((y[i] as number) - ybar) ** 2;
    const tau0 = ss / k;
    const s = d.stats(tau0, emptyStats());
    const tau2 = Math.max(CONTROL.tau2Min, (tau0 * s.yPy) / (k - p));
    return { tau2, se_tau2: seQuadratic(tau0 / (k - p), s.trPVPV, s.trPVP, s.trPP, tau2) };
  },
  /** Paule-Mandel: Q(tau²) = k - p. */
  PM: (d) => pauleMandel(d, d.k - d.p, "Paule-Mandel"),
  /** Median-unbiased Paule-Mandel: Q(tau²) = qchisq(0.5, k - p). */
  PMM: (d) => pauleMandel(d, qchisq(0.5, d.k - d.p), "median-unbiased Paule-Mandel"),
  ML: (d) => fisherScoring(d, "ML"),
  REML: (d) => fisherScoring(d, "REML"),
  /** Empirical Bayes (Morris): Fisher-scoring-type iteration on Q k/(k - p) = k. */
  EB: (d) => fisherScoring(d, "EB"),
};

/** tau² of a design by the given estimator (needs k > p). */
export function tau2Of(d: Tau2Design, method: Tau2Method): Tau2Estimate {
  if (d.k <= d.p) throw new InputError(`too few studies to estimate tau² (k = ${d.k}, ${d.p} coefficient${d.p > 1 ? "s" : ""})`);
  return TAU2_ESTIMATORS[method](d);
}

/**
 * Profile-likelihood confidence interval for tau² as metafor's confint.rma.uni(type = "PL"): the tau² values where
 * -2 (ll(tau²) - ll(tau²_hat)) = qchisq(level, 1), with ll the restricted log likelihood (the full one for ML fits)
 * and the coefficients profiled out; searched with uniroot on [tau2.min, tau²_hat] and [tau²_hat, tau2.max]
 * (tau2.min = min(0, tau²_hat), tau2.max = max(100, 10 tau²_hat)); a limit beyond the search range is the range end.
 */
export function tau2ProfileCi(d: Tau2Design, tau2Hat: number, reml: boolean, level: number): [number, number] {
  const s = emptyStats();
  const llHat = logLik(d, tau2Hat, reml, s);
  const objective = qchisq(level / 100, 1);
  const f = (t: number): number => -2 * (logLik(d, t, reml, s) - llHat) - objective;
  const tmin = Math.min(0, tau2Hat);
  const tmax = Math.max(CONTROL.confintTau2MaxFloor, 10 * tau2Hat, 10 * tmin);
  let lb: number;
  const fMin = f(tmin);
  if (fMin < 0) lb = tmin;
  else lb = zeroinFrom(f, tmin, tau2Hat, fMin, f(tau2Hat), CONTROL.tol, CONTROL.confintMaxiter);
  let ub: number;
  const fMax = f(tmax);
  if (fMax < 0) ub = tmax;
  else ub = zeroinFrom(f, tau2Hat, tmax, f(tau2Hat), fMax, CONTROL.tol, CONTROL.confintMaxiter);
  return [lb, ub];
}
