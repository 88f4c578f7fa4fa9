/**
 * Per-study effect sizes as metafor's escalc: OR and RR on the log scale, RD, MD, SMD (Hedges' g with
 * the exact gamma-function correction, or RevMan's approximation), and generic yi/vi.
 * Zero cells: 0.5 is added to every cell of a study with a zero cell (escalc's add = 1/2, to = "only0").
 * Double-zero studies (no events, or only events, in both arms) carry no information on OR/RR and are
 * left out with a reason; for RD they are kept (with the correction, as escalc with drop00 = FALSE).
 */
import gammaln from "@stdlib/math-base-special-gammaln";
import { InputError } from "../../shared/errors.js";
import type { Measure, StudyRow } from "../types.js";
import { qnorm } from "./dist.js";
import { FRESH_ARRAYS, type ArrayAllocator } from "./scratch.js";

export type SmdCorrection = "exact" | "approx";

export interface EffectSizeOptions {
  /** "exact" = metafor's Hedges' g (default); "approx" = RevMan 5: J = 1 - 3/(4N - 9). */
  smdCorrection?: SmdCorrection;
  /** Continuity correction added to every cell of a study with a zero cell (default 0.5; 0 = none). */
  add?: number;
  /** Where the arrays of the result come from (default: fresh arrays; meta.ts passes its per-analysis scratch). */
  alloc?: ArrayAllocator;
  /**
   * Arrays of length k to receive each binary row's 2x2 cells as given (no correction): events and non-events
   * of the treatment arm (ai, bi) and of the control arm (ci, di), for Mantel-Haenszel and Peto pooling.
   */
  counts?: { ai: Float64Array; bi: Float64Array; ci: Float64Array; di: Float64Array } | undefined;
}

export interface EffectSizes {
  measure: Measure;
  k: number;
  /** Effect on the analysis scale (NaN when excluded). */
  yi: Float64Array;
  vi: Float64Array;
  /** 1 when the study enters the model. */
  included: Uint8Array;
  /** 1 when 0.5 was added to the cells of the study. */
  corrected: Uint8Array;
  /** Reason a study was excluded (undefined when included; an empty array when no study was excluded). */
  reasons: (string | undefined)[];
}

/** Which measures a data kind supports; the first is the default (metafor: OR for counts, MD for means). */
export const MEASURES_BY_KIND = {
  binary: ["OR", "RR", "RD"],
  continuous: ["MD", "SMD"],
  generic: ["GEN", "OR", "RR", "RD", "MD", "SMD"],
} as const satisfies Record<StudyRow["data"]["kind"], readonly Measure[]>;

/** The data kind shared by all rows (InputError if rows mix kinds or there are none). */
export function studyDataKind(rows: readonly StudyRow[]): StudyRow["data"]["kind"] {
  const first = rows[0];
  if (first === undefined) throw new InputError("no studies: the data set is empty");
  const kind = first.data.kind;
  for (let i = 1; i < rows.length; i++) {
    const r = rows[i] as StudyRow;
    if (r.data.kind !== kind) throw mixedKinds(r, kind);
  }
  return kind;
}

/** The error for a row whose data kind differs from the first row's. */
function mixedKinds(r: StudyRow, firstKind: StudyRow["data"]["kind"]): InputError {
  return new InputError(`study "${r.study}" has ${r.data.kind} data but the first study has ${firstKind} data; all rows must share one data type`, rowLoc(r));
}

/** The measure to use: the one asked (checked against the data) or the default for the data kind. */
export function resolveMeasure(rows: readonly StudyRow[], measure: Measure | undefined): Measure {
  return measureForKind(studyDataKind(rows), measure);
}

/** The measure to use for data of one kind: the one asked (checked against the kind) or the kind's default. */
export function measureForKind(kind: StudyRow["data"]["kind"], measure: Measure | undefined): Measure {
  const allowed: readonly Measure[] = MEASURES_BY_KIND[kind];
  if (measure === undefined) return allowed[0] as Measure;
  if (!allowed.includes(measure)) {
    throw new InputError(`measure ${measure} cannot be computed from ${kind} data (use ${allowed.join(", ")})`, { field: "measure" });
  }
  return measure;
}

function rowLoc(r: StudyRow): { row?: number } {
  return r.row === undefined ? {} : { row: r.row };
}

/** Hedges' small-sample factor c(m) = exp(lgamma(m/2) - log(sqrt(m/2)) - lgamma((m-1)/2)), as metafor. */
export function hedgesCorrection(m: number): number {
  if (m <= 1) return NaN;
  return Math.exp(gammaln(m / 2) - Math.log(Math.sqrt(m / 2)) - gammaln((m - 1) / 2));
}

/** True when a 2x2 study has no events in both arms or only events in both arms. */
export function isDoubleZero(ai: number, n1: number, ci: number, n2: number): boolean {
  return (ai === 0 && ci === 0) || (ai === n1 && ci === n2);
}

/**
 * Effect sizes for every row (input order). Rows must share one data kind (checked here, in the same pass: a row of
 * another kind than the first is an InputError naming it); measure must fit it.
 */
export function effectSizes(rows: readonly StudyRow[], measure: Measure, options: EffectSizeOptions = {}): EffectSizes {
  const k = rows.length;
  const add = options.add ?? 0.5;
  const approx = options.smdCorrection === "approx";
  const alloc = options.alloc ?? FRESH_ARRAYS;
  const counts = options.counts;
  // every element of the four arrays is written below
  const yi = alloc.f64Any(k);
  const vi = alloc.f64Any(k);
  const included = alloc.u8Any(k);
  const corrected = alloc.u8Any(k);
  let reasons: (string | undefined)[] = [];
  const kind = rows[0]?.data.kind;
  for (let i = 0; i < k; i++) {
    const r = rows[i] as StudyRow;
    const d = r.data;
    if (d.kind !== kind) throw mixedKinds(r, kind as StudyRow["data"]["kind"]);
    let y = NaN;
    let v = NaN;
    let reason: string | undefined;
    corrected[i] = 0;
    if (d.kind === "binary") {
      if (measure !== "OR" && measure !== "RR" && measure !== "RD") {
        throw new InputError(`measure ${measure} cannot be computed from binary data`, { ...rowLoc(r), field: "measure" });
      }
      if (d.events_t > d.total_t) throw new InputError(`events_t (${d.events_t}) is larger than total_t (${d.total_t})`, { ...rowLoc(r), field: "events_t" });
      if (d.events_c > d.total_c) throw new InputError(`events_c (${d.events_c}) is larger than total_c (${d.total_c})`, { ...rowLoc(r), field: "events_c" });
      let a = d.events_t;
      let b = d.total_t - d.events_t;
      let c = d.events_c;
      let dd = d.total_c - d.events_c;
      if (counts !== undefined) {
        counts.ai[i] = a;
        counts.bi[i] = b;
        counts.ci[i] = c;
        counts.di[i] = dd;
      }
      if (measure !== "RD" && isDoubleZero(a, d.total_t, c, d.total_c)) {
        reason = a === 0 ? `double-zero study: no events in either arm, no information for ${measure}` : `double-zero study: events in every participant of both arms, no information for ${measure}`;
      } else {
        if (add > 0 && (a === 0 || b === 0 || c === 0 || dd === 0)) {
          a += add;
          b += add;
          c += add;
          dd += add;
          corrected[i] = 1;
        }
        twoByTwoEffect(measure, a, b, c, dd, yi, vi, i);
        y = yi[i] as number;
        v = vi[i] as number;
      }
    } else if (d.kind === "continuous") {
      if (measure !== "MD" && measure !== "SMD") {
        throw new InputError(`measure ${measure} cannot be computed from continuous data`, { ...rowLoc(r), field: "measure" });
      }
      const n1 = d.total_t;
      const n2 = d.total_c;
      if (measure === "MD") {
        y = d.mean_t - d.mean_c;
        v = (d.sd_t * d.sd_t) / n1 + (d.sd_c * d.sd_c) / n2;
      } else {
        const m = n1 + n2 - 2;
        const sdp = Math.sqrt(((n1 - 1) * d.sd_t * d.sd_t + (n2 - 1) * d.sd_c * d.sd_c) / m);
        const di = (d.mean_t - d.mean_c) / sdp;
        const nt = n1 + n2;
        if (approx) {
          const g = (1 - 3 / (4 * nt - 9)) * di;
          y = g;
          v = nt / (n1 * n2) + (g * g) / (2 * (nt - 3.94));
        } else {
          const cm = hedgesCorrection(m);
          y = cm * di;
          v = 1 / n1 + 1 / n2 + (y * y) / (2 * nt);
        }
        if (!Number.isFinite(y)) reason = "SMD cannot be computed: pooled SD is 0 or too few participants";
      }
    } else {
      y = d.yi;
      v = d.vi;
      if (counts !== undefined) {
        counts.ai[i] = NaN;
        counts.bi[i] = NaN;
        counts.ci[i] = NaN;
        counts.di[i] = NaN;
      }
    }
    if (reason === undefined && !(v > 0 && Number.isFinite(v) && Number.isFinite(y))) {
      reason = `sampling variance is not positive (vi = ${v}); the study cannot be weighted`;
    }
    if (reason !== undefined) {
      yi[i] = NaN;
      vi[i] = NaN;
      included[i] = 0;
      if (reasons.length === 0) reasons = new Array<string | undefined>(k);
      reasons[i] = reason;
    } else {
      yi[i] = y;
      vi[i] = v;
      included[i] = 1;
    }
  }
  return { measure, k, yi, vi, included, corrected, reasons };
}

/** True for measures analysed on the log scale (reported back with exp()); the Peto OR is an OR. */
export function isRatioMeasure(measure: Measure): boolean {
  return measure === "OR" || measure === "RR";
}

/**
 * The per-study effect of one 2x2 table as escalc, written into yi[i] and vi[i]: log odds ratio log((a d)/(b c))
 * with variance 1/a + 1/b + 1/c + 1/d, log risk ratio with 1/a - 1/n1 + 1/c - 1/n2, or risk difference with
 * p1(1 - p1)/n1 + p2(1 - p2)/n2. The cells are used as given (any continuity correction already added).
 */
export function twoByTwoEffect(measure: "OR" | "RR" | "RD", a: number, b: number, c: number, d: number, yi: Float64Array, vi: Float64Array, i: number): void {
  const n1 = a + b;
  const n2 = c + d;
  if (measure === "OR") {
    // one logarithm: log((a d) / (b c)) equals escalc's two-logarithm form to a few ulps (the products are exact
    // for cells below 2^25, with or without the 0.5 correction); the variance with one division instead of four,
    // within a few ulps of escalc's sum of reciprocals (docs/stats.md "Speed"), except for a zero cell or a product
    // near the ends of the double range, where the four reciprocals are added as escalc does
    const ad = a * d;
    const bc = b * c;
    yi[i] = Math.log(ad / bc);
    // 1/a + 1/b + 1/c + 1/d with one division: ((a + b) c d + (c + d) a b) / (a b c d)
    const abcd = ad * bc;
    vi[i] = abcd > 1e-300 && abcd < 1e300 ? ((a + b) * c * d + (c + d) * a * b) / abcd : 1 / a + 1 / b + 1 / c + 1 / d;
  } else if (measure === "RR") {
    yi[i] = Math.log(a / n1) - Math.log(c / n2);
    vi[i] = 1 / a - 1 / n1 + 1 / c - 1 / n2;
  } else {
    const p1 = a / n1;
    const p2 = c / n2;
    yi[i] = p1 - p2;
    vi[i] = (p1 * (1 - p1)) / n1 + (p2 * (1 - p2)) / n2;
  }
}

/**
 * Back-calculates yi and vi from a reported estimate with its confidence interval (default 95%):
 * ratio measures (OR, RR, HR) on the log scale; se = (upper - lower) / (2 z).
 */
export function effectFromCI(input: { estimate: number; lower: number; upper: number; ratio: boolean; level?: number }): { yi: number; vi: number; sei: number } {
  const { estimate, lower, upper, ratio } = input;
  const level = input.level ?? 95;
  if (!(lower <= estimate && estimate <= upper)) throw new InputError(`estimate ${estimate} is not inside its interval ${lower} to ${upper}`);
  if (ratio && !(lower > 0)) throw new InputError(`a ratio and its interval must be > 0 (lower = ${lower})`);
  const f = ratio ? Math.log : (x: number) => x;
  const z = -qnorm((1 - level / 100) / 2);
  const sei = (f(upper) - f(lower)) / (2 * z);
  if (!(sei > 0)) throw new InputError("the interval has zero width; its standard error cannot be derived");
  return { yi: f(estimate), vi: sei * sei, sei };
}

/** vi from a standard error. */
export function viFromSei(sei: number): number {
  if (!(sei > 0)) throw new InputError(`standard error must be > 0 (got ${sei})`);
  return sei * sei;
}
