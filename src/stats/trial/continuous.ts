/**
 * Two-sample and paired tests for continuous markers (e.g. the pre/post immune markers of an LIT trial):
 * Welch's t, the paired t, the Wilcoxon rank-sum (Mann-Whitney U) and the Wilcoxon signed-rank tests,
 * matching R's t.test and wilcox.test (two-sided): exact p for small samples without ties (and, for the
 * signed-rank test, without zero differences), otherwise the normal approximation with the tie-corrected
 * variance and the continuity correction.
 */
import { InputError } from "../../shared/errors.js";
import { pvalNormal, pvalT, qt } from "../core/dist.js";
import { exactRankSumTwoSidedP, exactSignedRankTwoSidedP } from "./distributions.js";

export interface TTestResult {
  /** t statistic. */
  statistic: number;
  df: number;
  p: number;
  /** Mean difference x - y (paired: mean of x - y). */
  estimate: number;
  ci_low: number;
  ci_high: number;
  level: number;
  method: "Welch two-sample t test" | "paired t test";
}

export interface WilcoxonResult {
  /** W (rank sum of x minus nx(nx+1)/2) for the rank-sum test; V (sum of positive ranks) for the signed-rank test. */
  statistic: number;
  p: number;
  /** True when the exact null distribution was used. */
  exact: boolean;
  /** True when the continuity correction was applied (normal approximation only). */
  continuityCorrection: boolean;
  /** Number of observations used (signed rank: non-zero differences). */
  n: number;
  method: string;
  notes: string[];
}

function finiteValues(v: readonly number[], name: string): number[] {
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (x === undefined || !Number.isFinite(x)) throw new InputError(`value ${i + 1} is not a finite number`, { field: name });
  }
  return [...v];
}

function mean(v: readonly number[]): number {
  return v.reduce((s, x) => s + x, 0) / v.length;
}

function variance(v: readonly number[]): number {
  const m = mean(v);
  return v.reduce((s, x) => s + (x - m) ** 2, 0) / (v.length - 1);
}

/** Average ranks (ties get the mean of the ranks they span), as R's rank(ties.method = "average"). */
export function averageRanks(v: readonly number[]): number[] {
  const idx = v.map((x, i) => ({ x, i })).sort((p, q) => p.x - q.x);
  const ranks = new Array<number>(v.length).fill(0);
  let i = 0;
  while (i < idx.length) {
    let j = i;
    while (j + 1 < idx.length && idx[j + 1]?.x === idx[i]?.x) j++;
    const r = (i + j + 2) / 2;
    for (let k = i; k <= j; k++) ranks[idx[k]?.i ?? 0] = r;
    i = j + 1;
  }
  return ranks;
}

/** Sizes of the groups of tied values. */
function tieSizes(v: readonly number[]): number[] {
  const counts = new Map<number, number>();
  for (const x of v) counts.set(x, (counts.get(x) ?? 0) + 1);
  return [...counts.values()];
}

/** Welch's two-sample t test (unequal variances), two-sided, as R's t.test(x, y). */
export function welchTTest(x: readonly number[], y: readonly number[], level = 95): TTestResult {
  const xs = finiteValues(x, "x");
  const ys = finiteValues(y, "y");
  if (xs.length < 2 || ys.length < 2) throw new InputError("Welch's t test needs at least 2 observations in each group");
  const vx = variance(xs) / xs.length;
  const vy = variance(ys) / ys.length;
  const se = Math.sqrt(vx + vy);
  if (!(se > 0)) throw new InputError("Welch's t test: both groups are constant, the data are essentially constant");
  const df = (vx + vy) ** 2 / (vx ** 2 / (xs.length - 1) + vy ** 2 / (ys.length - 1));
  const est = mean(xs) - mean(ys);
  const t = est / se;
  const q = qt(1 - (1 - level / 100) / 2, df);
  return { statistic: t, df, p: pvalT(t, df), estimate: est, ci_low: est - q * se, ci_high: est + q * se, level, method: "Welch two-sample t test" };
}

export interface GroupSummaryStats {
  mean: number;
  sd: number;
  n: number;
}

/**
 * Welch's t test from published summary statistics (mean, SD and size of each group), as R's t.test on data
 * with those means and SDs. For checking papers that print mean ± SD per arm.
 */
export function welchTTestFromSummary(x: GroupSummaryStats, y: GroupSummaryStats, level = 95): TTestResult {
  for (const [g, name] of [
    [x, "x"],
    [y, "y"],
  ] as const) {
    if (!Number.isFinite(g.mean)) throw new InputError("mean is not a finite number", { field: `${name}.mean` });
    if (!(g.sd >= 0)) throw new InputError("SD must be a non-negative number", { field: `${name}.sd` });
    if (!Number.isInteger(g.n) || g.n < 2) throw new InputError("needs at least 2 observations", { field: `${name}.n` });
  }
  const vx = (x.sd * x.sd) / x.n;
  const vy = (y.sd * y.sd) / y.n;
  const se = Math.sqrt(vx + vy);
  if (!(se > 0)) throw new InputError("Welch's t test: both SDs are zero, the data are essentially constant");
  const df = (vx + vy) ** 2 / (vx ** 2 / (x.n - 1) + vy ** 2 / (y.n - 1));
  const est = x.mean - y.mean;
  const t = est / se;
  const q = qt(1 - (1 - level / 100) / 2, df);
  return { statistic: t, df, p: pvalT(t, df), estimate: est, ci_low: est - q * se, ci_high: est + q * se, level, method: "Welch two-sample t test" };
}

/** Paired t test on x - y, two-sided, as R's t.test(x, y, paired = TRUE). */
export function pairedTTest(x: readonly number[], y: readonly number[], level = 95): TTestResult {
  const xs = finiteValues(x, "x");
  const ys = finiteValues(y, "y");
  if (xs.length !== ys.length) throw new InputError(`paired t test: x has ${xs.length} values but y has ${ys.length}`);
  if (xs.length < 2) throw new InputError("paired t test needs at least 2 pairs");
  const d = xs.map((v, i) => v - (ys[i] ?? 0));
  const n = d.length;
  const se = Math.sqrt(variance(d) / n);
  if (!(se > 0)) throw new InputError("paired t test: the differences are constant, the data are essentially constant");
  const est = mean(d);
  const t = est / se;
  const df = n - 1;
  const q = qt(1 - (1 - level / 100) / 2, df);
  return { statistic: t, df, p: pvalT(t, df), estimate: est, ci_low: est - q * se, ci_high: est + q * se, level, method: "paired t test" };
}

export interface WilcoxonOptions {
  /** Force (true) or forbid (false) the exact distribution; default as R: exact when n < 50 and no ties (no zeros). */
  exact?: boolean;
  /** Continuity correction in the normal approximation (R's default true). */
  correct?: boolean;
}

/** Wilcoxon rank-sum / Mann-Whitney U test, two-sided, as R's wilcox.test(x, y). */
export function mannWhitneyU(x: readonly number[], y: readonly number[], options: WilcoxonOptions = {}): WilcoxonResult {
  const xs = finiteValues(x, "x");
  const ys = finiteValues(y, "y");
  if (xs.length < 1 || ys.length < 1) throw new InputError("the rank-sum test needs at least 1 observation in each group");
  const nx = xs.length;
  const ny = ys.length;
  const all = [...xs, ...ys];
  const r = averageRanks(all);
  const w = r.slice(0, nx).reduce((s, v) => s + v, 0) - (nx * (nx + 1)) / 2;
  const ties = new Set(all).size !== all.length;
  const wantExact = options.exact ?? (nx < 50 && ny < 50);
  const correct = options.correct ?? true;
  const notes: string[] = [];
  if (wantExact && !ties) {
    return { statistic: w, p: exactRankSumTwoSidedP(w, nx, ny), exact: true, continuityCorrection: false, n: nx + ny, method: "Wilcoxon rank-sum exact test", notes };
  }
  if (wantExact && ties) notes.push("ties present: exact p not available, normal approximation used (as R)");
  const nt = tieSizes(all);
  const sigma = Math.sqrt(((nx * ny) / 12) * (nx + ny + 1 - nt.reduce((s, t) => s + t ** 3 - t, 0) / ((nx + ny) * (nx + ny - 1))));
  return normalApproximation("Wilcoxon rank-sum test", w, w - (nx * ny) / 2, sigma, correct, nx + ny, notes);
}

/**
 * The normal approximation of a rank test as R's wilcox.test: z = (statistic - its mean - correction) / sigma, with
 * the continuity correction 0.5 towards the mean when `correct`.
 */
function normalApproximation(test: string, statistic: number, centred: number, sigma: number, correct: boolean, n: number, notes: string[]): WilcoxonResult {
  const corr = correct ? Math.sign(centred) * 0.5 : 0;
  return {
    statistic,
    p: pvalNormal((centred - corr) / sigma),
    exact: false,
    continuityCorrection: correct,
    n,
    method: `${test}${correct ? " with continuity correction" : ""}`,
    notes,
  };
}

/**
 * Wilcoxon signed-rank test, two-sided, on x - y (paired) or on x alone, as R's wilcox.test(x, y, paired = TRUE):
 * zero differences are dropped; exact p when n < 50 and there are no ties and no zeros.
 */
export function wilcoxonSignedRank(x: readonly number[], y?: readonly number[], options: WilcoxonOptions = {}): WilcoxonResult {
  const xs = finiteValues(x, "x");
  let d = xs;
  if (y !== undefined) {
    const ys = finiteValues(y, "y");
    if (ys.length !== xs.length) throw new InputError(`signed-rank test: x has ${xs.length} values but y has ${ys.length}`);
    d = xs.map((v, i) => v - (ys[i] ?? 0));
  }
  const notes: string[] = [];
  const zeroes = d.some((v) => v === 0);
  if (zeroes) {
    const nz = d.filter((v) => v === 0).length;
    notes.push(`${nz} zero difference${nz === 1 ? "" : "s"} dropped`);
    d = d.filter((v) => v !== 0);
  }
  const n = d.length;
  if (n < 1) throw new InputError("signed-rank test: every difference is zero");
  const abs = d.map((v) => Math.abs(v));
  const r = averageRanks(abs);
  const v = r.reduce((s, rk, i) => s + ((d[i] ?? 0) > 0 ? rk : 0), 0);
  const ties = new Set(abs).size !== abs.length;
  const wantExact = options.exact ?? n < 50;
  const correct = options.correct ?? true;
  if (wantExact && !ties && !zeroes) {
    return { statistic: v, p: exactSignedRankTwoSidedP(v, n), exact: true, continuityCorrection: false, n, method: "Wilcoxon signed-rank exact test", notes };
  }
  if (wantExact) notes.push("ties or zero differences present: exact p not available, normal approximation used (as R)");
  const nt = tieSizes(abs);
  const sigma = Math.sqrt((n * (n + 1) * (2 * n + 1)) / 24 - nt.reduce((s, t) => s + t ** 3 - t, 0) / 48);
  return normalApproximation("Wilcoxon signed-rank test", v, v - (n * (n + 1)) / 4, sigma, correct, n, notes);
}
