/**
 * Group sequential boundaries at given information fractions, by recursive numerical integration
 * (Armitage, McPherson & Rowe 1969; Jennison & Turnbull 2000, chapter 19).
 *
 * The cumulative score S_k = Z_k √t_k is a Brownian motion in information time: S_1 ~ N(θ t_1, t_1) and the
 * increments S_k − S_{k−1} ~ N(θ Δ_k, Δ_k), Δ_k = t_k − t_{k−1}, independent. The sub-density of S_k on the
 * continuation region (no boundary crossed so far) is carried from look to look on a quadrature grid:
 *
 *   f_k(s) = ∫_C f_{k−1}(u) φ((s − u − θΔ_k)/√Δ_k)/√Δ_k du,
 *
 * and the probability of leaving the region at look k is the same integral with the normal tail in place of
 * the density. The grid is composite Gauss–Legendre (8 nodes per panel) on each continuation interval, truncated
 * at θ t_k ± 8 √t_k (the mass beyond is below 1e-15); panels are no wider than 1.5 √t_k (the scale of f_k) nor
 * than 4 √Δ_{k+1} (four SDs of the kernel that integrates it), so the narrow kernels of closely spaced looks are
 * resolved. Boundaries agree with a grid four times as fine to about 1e-7 and with an independent fine-grid
 * Simpson computation in R to 1e-7 (test/stats/tsa/boundaries.test.ts, docs/tsa.md).
 *
 * Pure functions over numbers; no I/O.
 */
import erfc from "@stdlib/math-base-special-erfc";
import { qnorm as qnormApprox } from "../core/dist.js";

const INV_SQRT_2PI = 0.3989422804014327;
/**
 * A look that may spend less than 2 Φ(−8) ≈ 1.2e-15 alpha has its boundary beyond |z| = 8, where the truncated
 * grid cannot resolve the crossing probability; it is reported as the bound for that look alone,
 * z_{1−Δα/2} (an upper bound of the exact one; both lie beyond any z-curve).
 */
const BEYOND = 8;
/** Grid truncation in standard deviations of S_k around its mean. */
const TRUNCATION_SD = 8;
/** Gauss–Legendre nodes and weights on [−1, 1], 8 points. */
const GL_X = [-0.9602898564975363, -0.7966664774136267, -0.5255324099163290, -0.1834346424956498, 0.1834346424956498, 0.5255324099163290, 0.7966664774136267, 0.9602898564975363];
const GL_W = [0.1012285362903763, 0.2223810344533745, 0.3137066458778873, 0.3626837833783620, 0.3626837833783620, 0.3137066458778873, 0.2223810344533745, 0.1012285362903763];

/** Standard normal distribution function, with full relative precision in both tails. */
export function normalCdf(x: number): number {
  return 0.5 * erfc(-x * Math.SQRT1_2);
}

/** Upper tail 1 − Φ(x), with full relative precision for large x. */
export function normalUpper(x: number): number {
  return 0.5 * erfc(x * Math.SQRT1_2);
}

/**
 * Normal quantile with full relative precision in the tails: the library's value refined by two Newton steps on
 * Φ(x) = p (erfc-based, so exact in relative terms for tiny p). The library quantile alone is off by ~1e-7 at
 * p ≈ 1e-12, which moves early O'Brien–Fleming boundaries by as much.
 */
export function qnorm(p: number): number {
  if (!(p > 0 && p < 1)) return p === 0 ? -Infinity : p === 1 ? Infinity : NaN;
  if (p > 0.5) return -qnorm(1 - p);
  let x = qnormApprox(p);
  if (!Number.isFinite(x)) {
    // The library gives −Infinity below p ≈ 1e-18: start from the tail asymptote instead.
    const t = -2 * Math.log(p);
    x = -Math.sqrt(t - Math.log(t) - Math.log(2 * Math.PI));
  }
  // Newton on log Φ(x) = log p (well-conditioned in the far tail).
  for (let i = 0; i < 8; i++) {
    const cdf = normalCdf(x);
    const d = INV_SQRT_2PI * Math.exp(-0.5 * x * x);
    if (!(cdf > 0 && d > 0)) break;
    const step = (Math.log(cdf) - Math.log(p)) / (d / cdf);
    x -= step;
    if (Math.abs(step) <= 1e-15 * Math.abs(x)) break;
  }
  return x;
}

/**
 * Lan–DeMets O'Brien–Fleming-type alpha spending, two-sided: α(t) = 4 (1 − Φ(z_{1−α/4} / √t)) for 0 < t < 1 and
 * α(t) = α for t ≥ 1 (rpact's "asOF" with sided = 2; Lan & DeMets 1983).
 */
export function obrienFlemingAlphaSpent(t: number, alpha: number): number {
  if (!(t > 0)) return 0;
  if (t >= 1) return alpha;
  return 4 * normalUpper(-qnorm(alpha / 4) / Math.sqrt(t));
}

/**
 * O'Brien–Fleming-type beta spending: β(t) = 2 (1 − Φ(z_{1−β/2} / √t)) for 0 < t < 1, β for t ≥ 1 (rpact's "bsOF").
 */
export function obrienFlemingBetaSpent(t: number, beta: number): number {
  if (!(t > 0)) return 0;
  if (t >= 1) return beta;
  return 2 * normalUpper(-qnorm(beta / 2) / Math.sqrt(t));
}

/** The sub-density of S_k on its continuation region, times the quadrature weights (g = w · f_k at x). */
interface StageGrid {
  x: Float64Array;
  g: Float64Array;
  t: number;
}

/** Continuation intervals on the S scale at one look. */
type Intervals = ReadonlyArray<readonly [number, number]>;

function panelNodes(intervals: Intervals, mean: number, sd: number, panelWidth: number): { x: Float64Array; w: Float64Array } {
  const lo = mean - TRUNCATION_SD * sd;
  const hi = mean + TRUNCATION_SD * sd;
  const parts: [number, number, number][] = [];
  let total = 0;
  for (const [a0, b0] of intervals) {
    const a = Math.max(a0, lo);
    const b = Math.min(b0, hi);
    if (!(b > a)) continue;
    const n = Math.max(1, Math.ceil((b - a) / panelWidth));
    parts.push([a, b, n]);
    total += n * GL_X.length;
  }
  const x = new Float64Array(total);
  const w = new Float64Array(total);
  let p = 0;
  for (const [a, b, n] of parts) {
    const h = (b - a) / n;
    for (let j = 0; j < n; j++) {
      const mid = a + (j + 0.5) * h;
      for (let q = 0; q < GL_X.length; q++) {
        x[p] = mid + 0.5 * h * (GL_X[q] as number);
        w[p] = 0.5 * h * (GL_W[q] as number);
        p++;
      }
    }
  }
  return { x, w };
}

/** Integration grid: panels of 8 Gauss–Legendre nodes no wider than 1.5 √t_k and 4 √Δ_{k+1}, divided by `resolution`. */
export interface GridOptions {
  /** Refinement factor (default 1); tests use 2 or 4 to show the default grid's error. */
  resolution?: number;
}

function panelWidthFor(t: number, nextDelta: number | undefined, resolution: number): number {
  const shape = (1.5 * Math.sqrt(t)) / resolution;
  return nextDelta === undefined ? shape : Math.min(shape, (4 * Math.sqrt(nextDelta)) / resolution);
}

/** Look 1: S_1 ~ N(θ t_1, t_1) restricted to the continuation intervals. */
function firstGrid(t: number, theta: number, intervals: Intervals, nextDelta: number | undefined, resolution: number): StageGrid {
  const sd = Math.sqrt(t);
  const mean = theta * t;
  const { x, w } = panelNodes(intervals, mean, sd, panelWidthFor(t, nextDelta, resolution));
  const g = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const z = ((x[i] as number) - mean) / sd;
    g[i] = ((w[i] as number) * INV_SQRT_2PI * Math.exp(-0.5 * z * z)) / sd;
  }
  return { x, g, t };
}

/** Look k from look k − 1: f_k(s) = Σ g_j φ((s − x_j − θΔ)/√Δ)/√Δ on the new continuation intervals. */
function nextGrid(prev: StageGrid, t: number, theta: number, intervals: Intervals, nextDelta: number | undefined, resolution: number): StageGrid {
  const delta = t - prev.t;
  const sdInc = Math.sqrt(delta);
  const shift = theta * delta;
  const { x, w } = panelNodes(intervals, theta * t, Math.sqrt(t), panelWidthFor(t, nextDelta, resolution));
  const g = new Float64Array(x.length);
  const px = prev.x;
  const pg = prev.g;
  const m = px.length;
  const inv = 1 / sdInc;
  // The kernel is negligible (< e^-32) beyond 8 increment SDs; px is sorted, so scan only the band.
  const band = 8 * sdInc;
  let start = 0;
  for (let i = 0; i < x.length; i++) {
    const centre = (x[i] as number) - shift;
    while (start < m && (px[start] as number) < centre - band) start++;
    let s = 0;
    for (let j = start; j < m; j++) {
      const u = px[j] as number;
      if (u > centre + band) break;
      const z = (centre - u) * inv;
      s += (pg[j] as number) * Math.exp(-0.5 * z * z);
    }
    g[i] = (w[i] as number) * s * INV_SQRT_2PI * inv;
  }
  return { x, g, t };
}

/** P(no stop before look k and S_k > level) from the grid of look k − 1 (Δ, θ as in nextGrid). */
function upperFrom(prev: StageGrid, t: number, theta: number, level: number): number {
  const sdInc = Math.sqrt(t - prev.t);
  const c = level - theta * (t - prev.t);
  let s = 0;
  for (let j = 0; j < prev.x.length; j++) s += (prev.g[j] as number) * normalUpper((c - (prev.x[j] as number)) / sdInc);
  return s;
}

/** P(no stop before look k and S_k < level). */
function lowerFrom(prev: StageGrid, t: number, theta: number, level: number): number {
  const sdInc = Math.sqrt(t - prev.t);
  const c = level - theta * (t - prev.t);
  let s = 0;
  for (let j = 0; j < prev.x.length; j++) s += (prev.g[j] as number) * normalCdf((c - (prev.x[j] as number)) / sdInc);
  return s;
}

/** d/dlevel of upperFrom (= −density of S_k at level on the paths still running). */
function densityFrom(prev: StageGrid, t: number, theta: number, level: number): number {
  const sdInc = Math.sqrt(t - prev.t);
  const c = level - theta * (t - prev.t);
  let s = 0;
  for (let j = 0; j < prev.x.length; j++) {
    const z = (c - (prev.x[j] as number)) / sdInc;
    s += (prev.g[j] as number) * Math.exp(-0.5 * z * z);
  }
  return (s * INV_SQRT_2PI) / sdInc;
}

/**
 * Solves p(c) = target for c in [lo, hi] where p is continuous and decreasing (increasing when `increasing`),
 * by Newton's method safeguarded with bisection, to |Δc| < 1e-12 (or the bracket's width).
 */
function solveMonotone(p: (c: number) => number, dp: (c: number) => number, target: number, lo0: number, hi0: number, start: number, increasing: boolean, logScale: boolean): number {
  let lo = lo0;
  let hi = hi0;
  let c = Math.min(Math.max(start, lo), hi);
  const f = (v: number): number => {
    const pv = p(v);
    return logScale ? Math.log(pv) - Math.log(target) : pv - target;
  };
  // On the log scale 1e-12 is a relative error of 1e-12 in the probability; else an absolute one.
  const ftol = logScale ? 1e-12 : 1e-14;
  for (let it = 0; it < 200; it++) {
    const fv = f(c);
    if (Math.abs(fv) <= ftol) return c;
    const above = increasing ? fv > 0 : fv < 0;
    if (above) hi = c;
    else lo = c;
    let d = dp(c);
    if (logScale) d /= Math.exp(fv) * target;
    let next = Number.isFinite(fv) && d !== 0 && Number.isFinite(d) ? c - fv / d : NaN;
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    if (Math.abs(next - c) < 1e-12 * Math.max(1, Math.abs(c)) || hi - lo < 1e-13) return next;
    c = next;
  }
  return c;
}

/**
 * Two-sided symmetric alpha-spending boundaries ±c_k (z scale) at information fractions 0 < t_1 < … < t_K ≤ 1:
 * P_0(|Z_j| < c_j for j < k, |Z_k| ≥ c_k) = α(t_k) − α(t_{k−1}). A look that may spend no more alpha (the
 * increment underflows) has c_k = Infinity. `spent` is the cumulative alpha α(t_k).
 */
export function alphaSpendingBoundaries(fractions: readonly number[], alpha: number, grid0: GridOptions = {}): { boundaries: number[]; spent: number[] } {
  checkFractions(fractions);
  const res = grid0.resolution ?? 1;
  const K = fractions.length;
  const boundaries: number[] = [];
  const spent: number[] = [];
  let grid: StageGrid | undefined;
  let prevSpent = 0;
  for (let k = 0; k < K; k++) {
    const t = fractions[k] as number;
    const next = fractions[k + 1];
    const cum = obrienFlemingAlphaSpent(t, alpha);
    const inc = cum - prevSpent;
    let c: number;
    const marginal = inc > 0 ? -qnorm(inc / 2) : Infinity;
    if (!(inc > 0)) c = Infinity;
    else if (grid === undefined) c = marginal;
    else if (marginal > BEYOND) c = marginal;
    else {
      const g = grid;
      const st = Math.sqrt(t);
      const p = (z: number): number => upperFrom(g, t, 0, z * st) + lowerFrom(g, t, 0, -z * st);
      const dp = (z: number): number => -st * (densityFrom(g, t, 0, z * st) + densityFrom(g, t, 0, -z * st));
      const start = -qnorm(inc / 2);
      c = p(start) < inc ? solveMonotone(p, dp, inc, 0, start, start, false, true) : start;
      if (!Number.isFinite(c)) c = Infinity;
    }
    boundaries.push(c);
    spent.push(cum);
    prevSpent = cum;
    if (k < K - 1) {
      const b = Number.isFinite(c) ? c * Math.sqrt(t) : Infinity;
      const iv: Intervals = [[-b, b]];
      const nd = (next as number) - t;
      grid = grid === undefined ? firstGrid(t, 0, iv, nd, res) : nextGrid(grid, t, 0, iv, nd, res);
    }
  }
  return { boundaries, spent };
}

function checkFractions(fractions: readonly number[]): void {
  let prev = 0;
  for (const t of fractions) {
    if (!(t > prev) || !(t <= 1)) throw new RangeError(`information fractions must increase within (0, 1] (got ${fractions.join(", ")})`);
    prev = t;
  }
}

export interface FutilityDesign {
  /** Two-sided inner (futility) bounds a_k on |z| for looks 1..K−1; null where the design has none (as rpact's NA). */
  futility: (number | null)[];
  /** Drift θ (expected z at t = 1) at which the final futility bound meets the final efficacy bound. */
  drift: number;
  /** Cumulative beta spent by look (under the drift). */
  betaSpent: number[];
}

/** One-sided beta-spending futility bounds f_k (lower, may be negative) for the efficacy bounds c, at drift θ. */
function oneSidedFutility(fractions: readonly number[], c: readonly number[], spend: readonly number[], theta: number, res: number, starts: number[] = []): number[] {
  const K = fractions.length;
  const f: number[] = [];
  let grid: StageGrid | undefined;
  let cumBeta = 0;
  for (let k = 0; k < K; k++) {
    const t = fractions[k] as number;
    const st = Math.sqrt(t);
    const target = spend[k] as number;
    let fk: number;
    if (grid === undefined) {
      fk = qnorm(target) + st * theta;
    } else {
      const g = grid;
      const p = (z: number): number => cumBeta + lowerFrom(g, t, theta, z * st);
      const dp = (z: number): number => st * densityFrom(g, t, theta, z * st);
      const guess = starts[k] ?? (target > cumBeta ? qnorm(Math.min(target - cumBeta, 0.5)) + st * theta : st * theta - 8);
      fk = solveMonotone(p, dp, target, -20, 20, guess, true, false);
      starts[k] = fk;
    }
    f.push(fk);
    const ck = c[k] as number;
    const up = Number.isFinite(ck) ? ck * st : Infinity;
    if (grid === undefined) cumBeta = normalCdf(fk - st * theta);
    else cumBeta += lowerFrom(grid, t, theta, fk * st);
    if (k < K - 1) {
      const iv: Intervals = fk * st < up ? [[fk * st, up]] : [];
      const nd = (fractions[k + 1] as number) - t;
      grid = grid === undefined ? firstGrid(t, theta, iv, nd, res) : nextGrid(grid, t, theta, iv, nd, res);
    }
  }
  return f;
}

/** Two-sided inner bounds a_k ≥ 0 at drift θ; stages flagged in `none` have no futility region. Final look uncapped. */
function twoSidedFutility(fractions: readonly number[], c: readonly number[], spend: readonly number[], none: readonly boolean[], theta: number, res: number, starts: number[] = []): { a: number[]; spent: number[] } {
  const K = fractions.length;
  const a: number[] = [];
  const spent: number[] = [];
  let grid: StageGrid | undefined;
  let cum = 0;
  for (let k = 0; k < K; k++) {
    const t = fractions[k] as number;
    const st = Math.sqrt(t);
    const ck = c[k] as number;
    const target = spend[k] as number;
    const inner = (z: number): number =>
      grid === undefined ? normalCdf(z - st * theta) - normalCdf(-z - st * theta) : lowerFrom(grid, t, theta, z * st) - lowerFrom(grid, t, theta, -z * st);
    let ak: number;
    if (none[k] === true || !(target > cum)) ak = 0;
    else {
      const g = grid;
      const dp = (z: number): number =>
        g === undefined
          ? INV_SQRT_2PI * (Math.exp(-0.5 * (z - st * theta) ** 2) + Math.exp(-0.5 * (z + st * theta) ** 2))
          : st * (densityFrom(g, t, theta, z * st) + densityFrom(g, t, theta, -z * st));
      ak = solveMonotone((z) => cum + inner(z), dp, target, 0, 20, starts[k] ?? Math.min(Number.isFinite(ck) ? ck : 3, 3) / 2, true, false);
      starts[k] = ak;
      if (k < K - 1 && ak > ck) ak = ck;
    }
    cum += ak > 0 ? inner(ak) : 0;
    a.push(ak);
    spent.push(cum);
    if (k < K - 1) {
      const b = Number.isFinite(ck) ? ck * st : Infinity;
      const iv: Intervals = ak > 0 ? [[-b, -ak * st], [ak * st, b]] : [[-b, b]];
      const nd = (fractions[k + 1] as number) - t;
      grid = grid === undefined ? firstGrid(t, theta, iv, nd, res) : nextGrid(grid, t, theta, iv, nd, res);
    }
  }
  return { a, spent };
}

/**
 * Root of the increasing h(θ) = 0 (regula falsi, Illinois variant), starting from a bracket [guess − 0.25,
 * guess + 0.5] widened towards [lo0, hi0] until it holds a sign change; tolerance `tol` on θ.
 */
function solveDrift(h: (theta: number) => number, lo0: number, hi0: number, guess: number, tol: number, start?: readonly [number, number]): number {
  // Secant steps from just above the fixed-design drift (the group sequential drift is a little larger), or from
  // the two given points ...
  let x0 = start?.[0] ?? guess + 0.15;
  let x1 = start?.[1] ?? guess + 0.3;
  let f0 = h(x0);
  let f1 = h(x1);
  for (let it = 0; it < 30 && Number.isFinite(f0) && Number.isFinite(f1) && f1 !== f0; it++) {
    if (Math.abs(f1) < 1e-13) return x1;
    const x2 = x1 - (f1 * (x1 - x0)) / (f1 - f0);
    if (!(x2 > lo0 && x2 < hi0) || Math.abs(x2 - x1) > 2) break;
    if (Math.abs(x2 - x1) < tol) return x2;
    x0 = x1;
    f0 = f1;
    x1 = x2;
    f1 = h(x1);
  }
  // ... and a bracketing search when they do not settle.
  let lo = Math.max(lo0, guess - 0.25);
  let hi = Math.min(hi0, guess + 0.5);
  let flo = h(lo);
  while (flo > 0 && lo > lo0) {
    hi = lo;
    lo = Math.max(lo0, lo - 1);
    flo = h(lo);
  }
  let fhi = h(hi);
  while (fhi < 0 && hi < hi0) {
    lo = hi;
    flo = fhi;
    hi = Math.min(hi0, hi + 1);
    fhi = h(hi);
  }
  let theta = lo - (flo * (hi - lo)) / (fhi - flo);
  for (let it = 0; it < 100; it++) {
    const fv = h(theta);
    if (Math.abs(fv) < 1e-13) return theta;
    if (fv < 0) {
      lo = theta;
      flo = fv;
    } else {
      hi = theta;
      fhi = fv;
    }
    // Illinois-style regula falsi keeps the bracket and converges superlinearly.
    let next = lo - (flo * (hi - lo)) / (fhi - flo);
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    if (Math.abs(next - theta) < tol || hi - lo < tol) return next;
    if (fv < 0) fhi /= 2;
    else flo /= 2;
    theta = next;
  }
  return theta;
}

/**
 * Two-sided, non-binding beta-spending futility bounds (an "inner wedge" |z| < a_k) for given efficacy bounds,
 * as rpact's getDesignGroupSequential(sided = 2, typeBetaSpending = "bsOF", bindingFutility = FALSE):
 * - beta spent cumulatively as β(t_k) (O'Brien–Fleming type), under the drift θ at which the final futility
 *   bound equals the final efficacy bound (so P_θ(stop for futility or never reject) = β);
 * - looks at which the one-sided design (α/2, same β) would have a negative futility bound get none, and the
 *   beta spending is shifted to start after them (rpact's betaAdjustment = TRUE);
 * - bounds below 1e-5 are reported as none.
 * `fractions` must end at 1 (the required information size).
 */
export function betaSpendingFutility(fractions: readonly number[], efficacy: readonly number[], beta: number, grid0: GridOptions = {}): FutilityDesign {
  checkFractions(fractions);
  const res = grid0.resolution ?? 1;
  const K = fractions.length;
  if (fractions[K - 1] !== 1) throw new RangeError("the futility design needs its last information fraction at 1");
  const spend = fractions.map((t) => obrienFlemingBetaSpent(t, beta));
  const cK = efficacy[K - 1] as number;
  // Each pass starts its root searches from the previous pass's bounds (they move little with the drift).
  const oneStarts: number[] = [];
  // Searches run on a grid half as fine first (a quarter of the work per pass); only the last steps use the full grid.
  const coarse = res / 2;
  const lastOneSided = (theta: number, r: number): number => (oneSidedFutility(fractions, efficacy, spend, theta, r, oneStarts)[K - 1] as number) - cK;
  // The drift of the fixed design with the same α and β is a close first guess (the inflation is small).
  const fixedDrift = cK - qnorm(beta);
  // The one-sided design only tells which looks get no futility bound (the sign of f_k): a looser tolerance.
  // Only the signs of its bounds are used: the coarse grid decides unless a bound lies within 1e-3 of 0.
  let oneTheta = solveDrift((th) => lastOneSided(th, coarse), -4, 10, fixedDrift, 1e-7);
  let one = oneSidedFutility(fractions, efficacy, spend, oneTheta, coarse, oneStarts);
  if (one.some((f, k) => k < K - 1 && Math.abs(f) < 1e-3)) {
    oneTheta = solveDrift((th) => lastOneSided(th, res), -4, 10, fixedDrift, 1e-9, [oneTheta, oneTheta + 1e-4]);
    one = oneSidedFutility(fractions, efficacy, spend, oneTheta, res, oneStarts);
  }
  const none = one.map((f, k) => k < K - 1 && f < 0);
  let kMin = -1;
  for (let k = 0; k < K - 1; k++) {
    if ((one[k] as number) > 0) {
      kMin = k;
      break;
    }
  }
  const adjusted = spend.slice();
  if (kMin > 0) {
    const base = spend[kMin - 1] as number;
    for (let k = 0; k < kMin; k++) adjusted[k] = 0;
    for (let k = kMin - 1; k < K; k++) adjusted[k] = (((spend[k] as number) - base) / (beta - base)) * beta;
  }
  const twoStarts: number[] = [];
  const last = (theta: number, r: number): number => (twoSidedFutility(fractions, efficacy, adjusted, none, theta, r, twoStarts).a[K - 1] as number) - cK;
  // The two-sided design is symmetric in the drift: search θ ≥ 0; coarse first, then polish on the full grid.
  const roughDrift = solveDrift((th) => last(th, coarse), 0, 10, fixedDrift, 1e-8);
  // One Newton step on the full grid with the coarse grid's slope (both grids agree to ~1e-7, so the step leaves
  // an error of order 1e-13 in θ); the bracketing search remains the fallback.
  const slope = (last(roughDrift + 1e-4, coarse) - last(roughDrift, coarse)) / 1e-4;
  const hFull = last(roughDrift, res);
  let drift = roughDrift - hFull / slope;
  if (!(Number.isFinite(drift) && Math.abs(drift - roughDrift) < 1e-3)) drift = solveDrift((th) => last(th, res), 0, 10, fixedDrift, 1e-12, [roughDrift, roughDrift + 1e-5]);
  const design = twoSidedFutility(fractions, efficacy, adjusted, none, drift, res, twoStarts);
  const futility = design.a.slice(0, K - 1).map((a) => (a <= 1e-5 ? null : a));
  return { futility, drift, betaSpent: design.spent };
}
