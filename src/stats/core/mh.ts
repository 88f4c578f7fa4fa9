/**
 * Mantel-Haenszel (OR with the Robins-Breslow-Greenland variance, RR, RD) and Peto odds-ratio pooling,
 * as metafor's rma.mh and rma.peto: the pooled estimate uses the uncorrected 2x2 counts (metafor's
 * add = c(1/2, 0)); heterogeneity (QE, I², H²) uses the per-study escalc estimates with 0.5 added to
 * zero cells; double-zero studies are dropped from it for every measure, RD too (rma.mh's drop00 = TRUE: they
 * still count in k and in the MH estimate; rma() with escalc's drop00 = FALSE keeps them for RD), unless
 * `keepDoubleZeroRd` (the RevMan presets).
 * Peto per-study estimates (O - E)/V need no correction and get none.
 * Option `addInMH` = 0.5 adds 0.5 to every cell of zero-cell studies inside the MH sums too (RevMan 5).
 */
import { InputError } from "../../shared/errors.js";
import { critValue, pchisqUpper, pvalNormal } from "./dist.js";
import { isDoubleZero, twoByTwoEffect } from "./escalc.js";
import { h2FromQ, i2FromQ } from "./heterogeneity.js";
import type { PooledFit } from "./rma.js";

/** 2x2 tables: ai/bi events/non-events in the treatment arm, ci/di in the control arm. */
export interface TwoByTwo {
  ai: ArrayLike<number>;
  bi: ArrayLike<number>;
  ci: ArrayLike<number>;
  di: ArrayLike<number>;
}

export interface RmaMHOptions {
  level?: number;
  /** Added to every cell of a study with a zero cell inside the MH sums (metafor default 0; RevMan 5: 0.5). */
  addInMH?: number;
  /** Per-study estimates already computed by effectSizes (same tables, same order), to skip recomputing them. */
  perStudy?: { yi: Float64Array; vi: Float64Array };
  /** Array of length k to hold the weights of the result (default: a new one). */
  weights?: Float64Array | undefined;
  /** Keep RD double-zero studies in the heterogeneity statistics (as effectSizes does for RD); default false, as rma.mh. */
  keepDoubleZeroRd?: boolean;
}

/** k counts the tables used in the pooled estimate. */
export interface RmaMHResult extends PooledFit {
  measure: "OR" | "RR" | "RD" | "PETO";
  /** Tables with a finite per-study estimate (used for QE). */
  k_yi: number;
  /** Per-study estimate (escalc, 0.5 added to zero cells; NaN for double-zero studies, RD included unless kept). */
  yi: Float64Array;
  vi: Float64Array;
  /** MH (or Peto) weights of each table, not normalised. */
  weights: Float64Array;
}

function perStudy(t: TwoByTwo, measure: "OR" | "RR" | "RD" | "PETO", k: number): { yi: Float64Array; vi: Float64Array } {
  const yi = new Float64Array(k);
  const vi = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    let a = t.ai[i] as number;
    let b = t.bi[i] as number;
    let c = t.ci[i] as number;
    let d = t.di[i] as number;
    if (measure !== "RD" && ((a === 0 && c === 0) || (b === 0 && d === 0))) {
      yi[i] = NaN;
      vi[i] = NaN;
      continue;
    }
    if (measure !== "PETO" && (a === 0 || b === 0 || c === 0 || d === 0)) {
      a += 0.5;
      b += 0.5;
      c += 0.5;
      d += 0.5;
    }
    if (measure !== "PETO") {
      twoByTwoEffect(measure, a, b, c, d, yi, vi, i);
      continue;
    }
    const n1 = a + b;
    const n2 = c + d;
    const n = n1 + n2;
    const xt = a + c;
    const yt = b + d;
    const e = (xt * n1) / n;
    const v = (xt * yt * (n1 / n) * (n2 / n)) / (n - 1);
    yi[i] = (a - e) / v;
    vi[i] = 1 / v;
  }
  return { yi, vi };
}

/**
 * The per-study Peto log odds ratios metafor's rma.peto keeps as yi and vi (escalc(measure = "PETO", add = 1/2,
 * to = "only0", drop00 = TRUE)): 0.5 added to every cell of a table with a zero cell, a table with no events (or only
 * events) left out (NaN). regtest() and ranktest() on an rma.peto object use these; the pooled estimate and Q use the
 * uncorrected tables (perStudy above).
 */
export function petoStudyEstimates(t: TwoByTwo): { yi: Float64Array; vi: Float64Array } {
  const k = t.ai.length;
  const [A, B, C, D] = [new Float64Array(k), new Float64Array(k), new Float64Array(k), new Float64Array(k)];
  for (let i = 0; i < k; i++) {
    const [a, b, c, d] = [t.ai[i] as number, t.bi[i] as number, t.ci[i] as number, t.di[i] as number];
    // double zero (no events, or only events, in both arms): left out before any correction, as drop00 (all cells
    // 0 make perStudy's own double-zero rule give NaN)
    if ((a === 0 && c === 0) || (b === 0 && d === 0)) continue;
    const add = a === 0 || b === 0 || c === 0 || d === 0 ? 0.5 : 0;
    A[i] = a + add;
    B[i] = b + add;
    C[i] = c + add;
    D[i] = d + add;
  }
  return perStudy({ ai: A, bi: B, ci: C, di: D }, "PETO", k);
}

function heterogeneity(yi: Float64Array, vi: Float64Array, beta: number): { QE: number; QEp: number; I2: number; H2: number; k_yi: number } {
  let q = 0;
  let kyi = 0;
  for (let i = 0; i < yi.length; i++) {
    const y = yi[i] as number;
    if (Number.isNaN(y)) continue;
    kyi++;
    q += (y - beta) * (y - beta) / (vi[i] as number);
  }
  if (kyi > 1) {
    const QE = Math.max(0, q);
    return { QE, QEp: pchisqUpper(QE, kyi - 1), I2: i2FromQ(QE, kyi - 1), H2: h2FromQ(QE, kyi - 1), k_yi: kyi };
  }
  return { QE: 0, QEp: 1, I2: 0, H2: 1, k_yi: kyi };
}

/** The sums over the tables that each pooling method needs (only those of the method asked for are filled). */
interface TableSums {
  /** MH OR (Robins-Breslow-Greenland) and RR: sum R_i, sum S_i, and the variance sums. */
  R: number;
  S: number;
  sPR: number;
  sPSQR: number;
  sQS: number;
  /** MH RR: events per arm, and the variance numerator. */
  sA: number;
  sC: number;
  rrNum: number;
  /** MH RD: numerator, denominator and the two variance sums. */
  rdNum: number;
  rdDen: number;
  rdV1: number;
  rdV2: number;
  /** Peto: sum (O - E), sum V, sum (O - E)²/V and sum V over the tables with V > 0. */
  sOE: number;
  sV: number;
  sOE2V: number;
  sVpos: number;
}

/**
 * One pass over the tables for Mantel-Haenszel (OR, RR, RD) or Peto pooling: the sums of the method, and each
 * table's weight in `weights`. `add` is added to every cell of a table with a zero cell first (RevMan 5's MH).
 */
function tableSums(tables: TwoByTwo, method: "OR" | "RR" | "RD" | "PETO", add: number, weights: Float64Array): TableSums {
  const k = tables.ai.length;
  const s: TableSums = { R: 0, S: 0, sPR: 0, sPSQR: 0, sQS: 0, sA: 0, sC: 0, rrNum: 0, rdNum: 0, rdDen: 0, rdV1: 0, rdV2: 0, sOE: 0, sV: 0, sOE2V: 0, sVpos: 0 };
  for (let i = 0; i < k; i++) {
    let a = tables.ai[i] as number;
    let b = tables.bi[i] as number;
    let c = tables.ci[i] as number;
    let d = tables.di[i] as number;
    if (add > 0 && (a === 0 || b === 0 || c === 0 || d === 0)) {
      a += add;
      b += add;
      c += add;
      d += add;
    }
    const n1 = a + b;
    const n2 = c + d;
    const N = n1 + n2;
    if (method === "OR") {
      const P = a / N + d / N;
      const Q = b / N + c / N;
      const Ri = (a / N) * d;
      const Si = (b / N) * c;
      s.R += Ri;
      s.S += Si;
      s.sPR += P * Ri;
      s.sPSQR += P * Si + Q * Ri;
      s.sQS += Q * Si;
      weights[i] = Si;
    } else if (method === "RR") {
      s.R += a * (n2 / N);
      s.S += c * (n1 / N);
      s.sA += a;
      s.sC += c;
      s.rrNum += (n1 / N) * (n2 / N) * (a + c) - (a / N) * c;
      weights[i] = c * (n1 / N);
    } else if (method === "RD") {
      s.rdNum += a * (n2 / N) - c * (n1 / N);
      s.rdDen += n1 * (n2 / N);
      s.rdV1 += c * (n1 / N) ** 2 - a * (n2 / N) ** 2 + ((n1 / N) * (n2 / N) * (n2 - n1)) / 2;
      s.rdV2 += (a * (n2 - c)) / N + (c * (n1 - a)) / N;
      weights[i] = n1 * (n2 / N);
    } else {
      const xt = a + c;
      const yt = b + d;
      const E = (xt * n1) / N;
      const V = (xt * yt * (n1 / N) * (n2 / N)) / (N - 1);
      weights[i] = V;
      s.sOE += a - E;
      s.sV += V;
      if (V > 0) {
        s.sOE2V += (a - E) * (a - E) / V;
        s.sVpos += V;
      }
    }
  }
  return s;
}

/** Mantel-Haenszel pooling of 2x2 tables (rma.mh). */
export function rmaMH(tables: TwoByTwo, measure: "OR" | "RR" | "RD", options: RmaMHOptions = {}): RmaMHResult {
  const k = tables.ai.length;
  if (k < 1) throw new InputError("no studies to pool (k = 0)");
  const level = options.level ?? 95;
  const weights = options.weights ?? new Float64Array(k);
  const { R, S, sPR, sPSQR, sQS, sA, sC, rrNum, rdNum, rdDen, rdV1, rdV2 } = tableSums(tables, measure, options.addInMH ?? 0, weights);
  let beta: number;
  let se: number;
  if (measure === "OR") {
    if (R === 0 || S === 0) throw new InputError("Mantel-Haenszel odds ratio cannot be estimated: no events or no non-events in one arm across all studies");
    beta = Math.log(R / S);
    se = Math.sqrt(0.5 * (sPR / (R * R) + sPSQR / (R * S) + sQS / (S * S)));
  } else if (measure === "RR") {
    if (sA === 0 || sC === 0) throw new InputError("Mantel-Haenszel risk ratio cannot be estimated: no events in one arm across all studies");
    beta = Math.log(R / S);
    se = Math.sqrt(rrNum / (R * S));
  } else {
    beta = rdNum / rdDen;
    se = Math.sqrt((beta * rdV1 + rdV2 / 2) / (rdDen * rdDen));
  }
  const zval = beta / se;
  const crit = critValue(level, null);
  const given = options.perStudy ?? perStudy(tables, measure, k);
  const { yi, vi } = measure === "RD" && options.keepDoubleZeroRd !== true ? withoutDoubleZero(tables, given) : given;
  const het = heterogeneity(yi, vi, beta);
  return { measure, k, k_yi: het.k_yi, beta, se, zval, pval: pvalNormal(zval), ci_lb: beta - crit * se, ci_ub: beta + crit * se, QE: het.QE, QEp: het.QEp, I2: het.I2, H2: het.H2, yi, vi, weights };
}

/** The per-study estimates with NaN for double-zero tables (copied only when there is one). */
function withoutDoubleZero(t: TwoByTwo, ps: { yi: Float64Array; vi: Float64Array }): { yi: Float64Array; vi: Float64Array } {
  let yi = ps.yi;
  let vi = ps.vi;
  for (let i = 0; i < yi.length; i++) {
    const a = t.ai[i] as number;
    const c = t.ci[i] as number;
    if (!isDoubleZero(a, a + (t.bi[i] as number), c, c + (t.di[i] as number))) continue;
    if (yi === ps.yi) {
      yi = Float64Array.from(ps.yi);
      vi = Float64Array.from(ps.vi);
    }
    yi[i] = NaN;
    vi[i] = NaN;
  }
  return { yi, vi };
}

/** Peto's one-step odds ratio (rma.peto). */
export function rmaPeto(tables: TwoByTwo, options: { level?: number } = {}): RmaMHResult {
  const k = tables.ai.length;
  if (k < 1) throw new InputError("no studies to pool (k = 0)");
  const level = options.level ?? 95;
  const weights = new Float64Array(k);
  const { sOE, sV, sOE2V, sVpos } = tableSums(tables, "PETO", 0, weights);
  if (sV === 0) throw new InputError("Peto odds ratio cannot be estimated: every study has zero variance (no events or only events)");
  const beta = sOE / sV;
  const se = Math.sqrt(1 / sV);
  const zval = beta / se;
  const crit = critValue(level, null);
  const { yi, vi } = perStudy(tables, "PETO", k);
  let kyi = 0;
  for (let i = 0; i < k; i++) if (!Number.isNaN(yi[i] as number)) kyi++;
  const QE = Math.max(0, sOE2V - (sOE * sOE) / sVpos);
  const het = kyi > 1 ? { QE, QEp: pchisqUpper(QE, kyi - 1), I2: i2FromQ(QE, kyi - 1), H2: h2FromQ(QE, kyi - 1) } : { QE: 0, QEp: 1, I2: 0, H2: 1 };
  return { measure: "PETO", k, k_yi: kyi, beta, se, zval, pval: pvalNormal(zval), ci_lb: beta - crit * se, ci_ub: beta + crit * se, ...het, yi, vi, weights };
}
