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
 * the density. The grid is composite Gauss–Legendre (8 nodes per panel) on each continuation interval within
 * θ t_k ± 12 √t_k (an end farther out is cut at ± 8 √t_k, where the mass beyond is below 1e-15); panels are no wider than 1.5 √t_k (the scale of f_k), nor
 * than 4 √Δ_{k+1} (four SDs of the kernel that integrates it), nor, after a look that truncated the density, than
 * 4 √Δ_k (f_k's smoothed steps at the previous region's ends), so the narrow kernels of closely spaced looks are
 * resolved. Boundaries agree with a grid four times as fine to about 1e-7 and with an independent fine-grid
 * Simpson computation in R to 1e-7 (test/stats/tsa/boundaries.test.ts, docs/tsa.md).
 *
 * Pure functions over numbers; no I/O.
 */
import { erfc, halfErfcSum } from "../core/erfc.js";
import { qnorm as qnormApprox } from "../core/dist.js";
import { acquireScratch, type Scratch } from "../core/scratch.js";

const INV_SQRT_2PI = 0.3989422804014327;
/**
 * A look that may spend less than 2 Φ(−8) ≈ 1.2e-15 alpha has its boundary beyond |z| = 8, where the truncated
 * grid cannot resolve the crossing probability; it is reported as the bound for that look alone,
 * z_{1−Δα/2} (an upper bound of the exact one; both lie beyond any z-curve).
 */
const BEYOND = 8;
/** Grid truncation in standard deviations of S_k around its mean. */
const TRUNCATION_SD = 8;
/** A look whose continuation region holds θ t ± 12 √t leaves S_k normal (the mass beyond is 4e-33). */
const FREE_SD = 12;
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

/**
 * The sub-density of S_k on its continuation region, times the quadrature weights (g = w · f_k at x), on panels
 * of 8 Gauss–Legendre nodes (`panels`: per continuation interval its start a, panel width h, panel count n and
 * the index of its first node). `cum` holds the prefix sums of g (cum[j] = g_0 + … + g_{j−1}), so that the nodes
 * far on one side of a level (normal tail 1 to double precision) are summed at once. A `free` stage is one whose
 * continuation regions so far held the whole grid window: S_k is then N(θ t_k, t_k) to 1e-15 and the look is
 * handled in closed form.
 */
interface StageGrid {
  t: number;
  free: boolean;
  /** f_k is even (drift 0, symmetric regions so far): g[m − 1 − j] = g[j] and x[m − 1 − j] = −x[j]. */
  symmetric: boolean;
  x: Float64Array;
  g: Float64Array;
  cum: Float64Array;
  panels: Panel[];
  /**
   * Ends of the continuation regions at this look and at earlier looks close enough before it (information
   * within 0.14 t of it) that their smoothed steps may still be finer than a later grid's default panels.
   */
  edges: Edge[];
}

/** An end s of a continuation region at the look with information t. */
interface Edge {
  s: number;
  t: number;
}

interface Panel {
  a: number;
  h: number;
  n: number;
  start: number;
}

/** Continuation intervals on the S scale at one look. */
type Intervals = ReadonlyArray<readonly [number, number]>;

/** Beyond this many kernel SDs a normal tail is 1 (or 0) to double precision relative to the sums it enters. */
const TAIL_ONE = 8.5;
const TAIL_ZERO = 12;

const freeStage = (t: number): StageGrid => ({ t, free: true, symmetric: false, x: new Float64Array(0), g: new Float64Array(0), cum: new Float64Array(1), panels: [], edges: [] });

/**
 * Grid window at look k: the continuation region within θ t ± 12 √t; a region's end beyond that is cut at
 * θ t ± 8 √t (the mass beyond is below 1e-15, and a look whose region holds θ t ± 12 √t on both sides is free).
 */
function clip(intervals: Intervals, t: number, theta: number, reach: number): Intervals {
  const sd = Math.sqrt(t);
  const hi = Math.max(theta, reach) * t;
  // At drift 0 the window is kept symmetric (as wide below as the reach needs above), so that an even
  // sub-density stays even and is computed by halves.
  const lo = theta === 0 ? -hi : Math.min(theta, reach) * t;
  return intervals.map(([a, b]) => [a >= lo - FREE_SD * sd ? a : Math.max(a, lo - TRUNCATION_SD * sd), b <= hi + FREE_SD * sd ? b : Math.min(b, hi + TRUNCATION_SD * sd)] as const);
}

function covers(intervals: Intervals, t: number, theta: number, reach: number): boolean {
  const sd = Math.sqrt(t);
  return intervals.some(([a, b]) => a <= Math.min(theta, reach) * t - FREE_SD * sd && b >= Math.max(theta, reach) * t + FREE_SD * sd);
}

/**
 * Largest drift a drift-0 stage serves by tilting (its window reaches 8 t above the mean): with a continuation
 * region that does not depend on θ, the sub-density at drift θ is the drift-0 one times the likelihood ratio
 * exp(θ s − θ² t / 2) of Brownian motion, on the same nodes.
 */
const TILT_MAX = 8;

function tilt(mem: StageMemory, stage: StageGrid, theta: number): StageGrid {
  if (stage.free || theta === 0) return stage;
  const c = -0.5 * theta * theta * stage.t;
  const m = stage.g.length;
  const buf = mem.stageArray(2 * m + 1);
  const g = buf.subarray(0, m);
  for (let j = 0; j < m; j++) g[j] = (stage.g[j] as number) * Math.exp(theta * (stage.x[j] as number) + c);
  const cum = buf.subarray(m);
  prefixSums(g, cum);
  return { ...stage, symmetric: false, g, cum };
}

/**
 * The convolution's working arrays (grown as needed, never shrunk), kept with a scratch from one public call to
 * the next: allocating them per look cost more than the sums that use them (off-heap buffers, and the scavenges
 * they bring).
 */
class ConvolutionArrays {
  w: Float64Array = new Float64Array(256);
  rc: Float64Array = new Float64Array(256);
  rq: Float64Array = new Float64Array(64);
  rd: Float64Array = new Float64Array(64);
  ab: Float64Array = new Float64Array(64);
  u: Float64Array = new Float64Array(64);
  bS: Float64Array = new Float64Array(8);
  eOld: Float64Array = new Float64Array(8);
  uB: Float64Array = new Float64Array(8);
  p0Old: Int32Array = new Int32Array(8);
  valid: Uint8Array = new Uint8Array(8);
  direct: Uint8Array = new Uint8Array(8);
}
const newConvolutionArrays = (): ConvolutionArrays => new ConvolutionArrays();
const atLeast = (a: Float64Array, n: number): Float64Array => (a.length >= n ? a : new Float64Array(Math.max(n, 2 * a.length)));

/**
 * The working memory of one public call (alphaSpendingBoundaries, betaSpendingFutility, groupSequentialDesign),
 * passed to everything that makes a stage:
 * - the stages' arrays (nodes, sub-density, prefix sums) are views of a scratch (core/scratch.ts) taken on entry
 *   and released on return, so no stage outlives the call that made it (a design of 50 looks allocated about
 *   0.4 MB of typed arrays before, and the scavenges that came with it);
 * - `conv`, the convolution's arrays, is the scratch's workspace.
 */
class StageMemory {
  readonly conv: ConvolutionArrays;
  constructor(private readonly scratch: Scratch) {
    this.conv = scratch.workspace(newConvolutionArrays);
  }

  /** An array of n doubles for a stage, every element of which the caller writes. */
  stageArray(n: number): Float64Array {
    return this.scratch.f64Any(n);
  }
}

function withStageMemory<T>(run: (mem: StageMemory) => T): T {
  const scratch = acquireScratch();
  try {
    return run(new StageMemory(scratch));
  } finally {
    scratch.release();
  }
}

/**
 * A zone [lo, hi] of the new grid where panels are no wider than w: around an earlier region's end, whose step
 * the kernels since have smoothed only to a width of σ = √(t_k − t_j).
 */
interface Zone {
  lo: number;
  hi: number;
  w: number;
}

/**
 * Zone half-width in SDs of the smoothing: beyond 8 σ the smoothed step differs from its far value by Φ(−8) = 6e-16;
 * 12 σ also keeps the default panels next to it clear of the step's shoulder (zones of 8 σ left futility bounds off
 * by 1.4e-8 on the regression design, 12 σ by 9e-9, a grid of 4 √Δ_k throughout by 1e-9).
 */
const EDGE_SD = 12;
/** Panels near a smoothed edge are no wider than 4 σ (as the 4 √Δ_{k+1} of the next kernel). */
const EDGE_PANEL_SD = 4;
/** An edge stops mattering once 4 σ ≥ 1.5 √t (the default panel's upper limit): (t − t_j) ≥ 0.140625 t. */
const EDGE_KEEP = (1.5 / EDGE_PANEL_SD) ** 2;

/**
 * An edge whose 4 σ is at least a quarter of the default panel width narrows every panel of the grid (at most four
 * times the nodes, and one row per interval for the convolution's recurrences); a narrower one gets a zone of its
 * own (a few panels: a grid at 4 σ throughout would hold tens of thousands of nodes after a look of a few
 * participants, and cost 10-100 times the time).
 */
const EDGE_GLOBAL = 4;

/**
 * The grid at information t (default panel width w0) after a look that truncated the density: the panel width
 * for the whole grid, and zones around the edges of earlier looks too narrow for it.
 */
function edgeGrid(edges: readonly Edge[], t: number, w0: number, resolution: number): { width: number; zones: Zone[] } {
  let width = w0;
  const zones: Zone[] = [];
  for (const e of edges) {
    const sd = Math.sqrt(t - e.t);
    const w = (EDGE_PANEL_SD * sd) / resolution;
    if (w >= w0) continue;
    if (EDGE_GLOBAL * w >= w0) width = Math.min(width, w);
    else zones.push({ lo: e.s - EDGE_SD * sd, hi: e.s + EDGE_SD * sd, w });
  }
  return { width, zones };
}

/** The edges a stage at information t with continuation intervals `intervals` carries (its own ends and recent earlier ones). */
function stageEdges(prev: readonly Edge[], intervals: Intervals, t: number): Edge[] {
  const out: Edge[] = [];
  for (const e of prev) if (t - e.t < EDGE_KEEP * t) out.push(e);
  for (const [a, b] of intervals) {
    if (!(b > a)) continue;
    out.push({ s: a, t }, { s: b, t });
  }
  return out;
}

/**
 * The nodes (x, in a new stage buffer that also holds g and the prefix sums) and weights (w, scratch) of a grid:
 * panels no wider than panelWidth, and within a zone no wider than its w (each stretch between zone ends has
 * its own equal panels).
 */
function panelNodes(mem: StageMemory, intervals: Intervals, panelWidth: number, zones: readonly Zone[]): { x: Float64Array; g: Float64Array; cum: Float64Array; w: Float64Array; panels: Panel[] } {
  const panels: Panel[] = [];
  let total = 0;
  for (const [a, b] of intervals) {
    if (!(b > a)) continue;
    let cuts: number[] | undefined;
    for (const z of zones) {
      if (z.hi <= a || z.lo >= b) continue;
      cuts ??= [a, b];
      if (z.lo > a) cuts.push(z.lo);
      if (z.hi < b) cuts.push(z.hi);
    }
    if (cuts === undefined) {
      const n = Math.max(1, Math.ceil((b - a) / panelWidth));
      panels.push({ a, h: (b - a) / n, n, start: total });
      total += n * GL_X.length;
      continue;
    }
    cuts.sort((u, v) => u - v);
    let u = a;
    for (let i = 1; i < cuts.length; i++) {
      const v = cuts[i] as number;
      // (cuts closer than 1e-9 of the interval are merged)
      if (!(v - u > 1e-9 * (b - a)) && v !== b) continue;
      if (!(v > u)) continue;
      const mid = 0.5 * (u + v);
      let width = panelWidth;
      for (const z of zones) if (z.lo <= mid && mid <= z.hi && z.w < width) width = z.w;
      const n = Math.max(1, Math.ceil((v - u) / width));
      panels.push({ a: u, h: (v - u) / n, n, start: total });
      total += n * GL_X.length;
      u = v;
    }
  }
  const buf = mem.stageArray(3 * total + 1);
  const x = buf.subarray(0, total);
  const g = buf.subarray(total, 2 * total);
  const cum = buf.subarray(2 * total);
  const w = (mem.conv.w = atLeast(mem.conv.w, total));
  let p = 0;
  for (const { a, h, n } of panels) {
    for (let j = 0; j < n; j++) {
      const mid = a + (j + 0.5) * h;
      for (let q = 0; q < GL_X.length; q++) {
        x[p] = mid + 0.5 * h * (GL_X[q] as number);
        w[p] = 0.5 * h * (GL_W[q] as number);
        p++;
      }
    }
  }
  return { x, g, cum, w, panels };
}

/**
 * Integration grid: panels of 8 Gauss–Legendre nodes no wider than 1.5 √t_k, 4 √Δ_{k+1} and (after a truncated
 * look) 4 √Δ_k, divided by `resolution`.
 */
export interface GridOptions {
  /** Refinement factor (default 1); tests use 2 or 4 to show the default grid's error. */
  resolution?: number;
  /** Tests: run the one-sided sign pass of the futility design even where the signs are proved (earlyFutilityNegative). */
  alwaysOneSided?: boolean;
}

/**
 * Panel width at look k: 1.5 √t_k (the scale of f_k), 4 √Δ_{k+1} (four SDs of the kernel that carries f_k to the
 * next look) and, when the previous look truncated the density (prevDelta = Δ_k, 0 after a free stage), 4 √Δ_k:
 * f_k keeps the ends of the previous continuation region (a futility wedge's or an efficacy bound's) smoothed
 * only by the kernel of Δ_k, steps of width √Δ_k (and earlier regions' ends, wider ones), which a look just after
 * another followed by a large step left on panels of 1.5 √t_k (futility bounds and drifts off by up to 0.25 and
 * 4e-3 against finer grids, boundaries by 2.5e-3, before 2026-12-01).
 */
function panelWidthFor(t: number, nextDelta: number, resolution: number): number {
  return Math.min(1.5 * Math.sqrt(t), 4 * Math.sqrt(nextDelta)) / resolution;
}

/** cum[j] = g_0 + … + g_{j−1} (cum has one more entry than g, cum[0] = 0). */
function prefixSums(g: Float64Array, cum: Float64Array): void {
  cum[0] = 0;
  for (let j = 0; j < g.length; j++) cum[j + 1] = (cum[j] as number) + (g[j] as number);
}

/**
 * The stage at look k (information t, drift θ, continuation intervals) from the stage at look k − 1:
 * f_k(s) = Σ_j g_j φ((s − x_j − θΔ)/√Δ)/√Δ at the new nodes (or the N(θ t, t) density from a free stage).
 * On each panel row (the same Gauss–Legendre node q in successive panels of width h) the kernel's exponentials
 * follow φ(e − r h) ∝ A · B^r · C_r with A = e^{−e²/2Δ}, B = e^{e h/Δ}, C_r = e^{−r²h²/2Δ}: two exponentials per
 * node and row instead of one per term.
 */
function propagate(mem: StageMemory, prev: StageGrid, t: number, theta: number, intervals: Intervals, nextDelta: number, resolution: number, reach: number): StageGrid {
  if (prev.free && covers(intervals, t, theta, reach)) return freeStage(t);
  const clipped = clip(intervals, t, theta, reach);
  // f_k keeps the earlier regions' ends smoothed only by the kernels since (width √(t_k − t_j)): panels no wider
  // than 4 √(t_k − t_j) there.
  const w0 = panelWidthFor(t, nextDelta, resolution);
  const grid = prev.free ? { width: w0, zones: [] } : edgeGrid(prev.edges, t, w0, resolution);
  const { x, g, cum, w, panels } = panelNodes(mem, clipped, grid.width, grid.zones);
  const edges = stageEdges(prev.edges, clipped, t);
  // At drift 0 on a symmetric interval from an even density the new density is even: compute half of it.
  const first = clipped[0];
  const symmetric = theta === 0 && (prev.free || prev.symmetric) && clipped.length === 1 && first !== undefined && first[0] === -first[1] && mirrored(panels);
  const m = x.length;
  if (symmetric) for (let i = 0; i < m >> 1; i++) x[m - 1 - i] = -(x[i] as number);
  if (prev.free) {
    const sd = Math.sqrt(t);
    const mean = theta * t;
    for (let i = 0; i < x.length; i++) {
      const z = ((x[i] as number) - mean) / sd;
      g[i] = ((w[i] as number) * INV_SQRT_2PI * Math.exp(-0.5 * z * z)) / sd;
    }
    prefixSums(g, cum);
    return { t, free: false, symmetric, x, g, cum, panels, edges };
  }
  const delta = t - prev.t;
  const sdInc = Math.sqrt(delta);
  const shift = theta * delta;
  const band = TRUNCATION_SD * sdInc;
  const half = -0.5 / delta;
  const pg = prev.g;
  const nq = GL_X.length;
  // Per interval of the previous stage: C_r (in RC from cOff, cLen of them), and the node offsets within a panel
  // (RQ, RD from 8 r).
  const nRows = prev.panels.length;
  let cTotal = 0;
  for (const p of prev.panels) cTotal += Math.min(p.n, Math.ceil((2 * band) / p.h) + 2);
  const conv = mem.conv;
  const rc = (conv.rc = atLeast(conv.rc, cTotal));
  const rq = (conv.rq = atLeast(conv.rq, nRows * nq));
  const rd = (conv.rd = atLeast(conv.rd, nRows * nq));
  let cOff = 0;
  const rows = prev.panels.map((p, r) => {
    const maxR = Math.min(p.n, Math.ceil((2 * band) / p.h) + 2);
    for (let k = 0; k < maxR; k++) rc[cOff + k] = Math.exp(half * k * k * p.h * p.h);
    // Node q of panel p0 lies δ_q = h (1 + X_q) / 2 into it: e_q = E − δ_q with E = centre − a − p0 h, and
    // B_q = e^{E h/Δ} · e^{−δ_q h/Δ}.
    for (let q = 0; q < nq; q++) {
      const dq = 0.5 * p.h * (1 + (GL_X[q] as number));
      rq[r * nq + q] = dq;
      rd[r * nq + q] = Math.exp((-dq * p.h) / delta);
    }
    const row = { a: p.a, h: p.h, n: p.n, start: p.start, cOff, cLen: maxR, eh2: Math.exp((-p.h * p.h) / delta) };
    cOff += maxR;
    return row;
  });
  const upto = symmetric ? (m + 1) >> 1 : m;
  // Along a row of the new grid (node q' of successive new panels, spaced H) the exponentials follow by
  // recurrence too: when E moves by D (= H − s h, s the panels p0 moved), e_q² changes by D (E + E_old − 2 δ_q),
  // so A_q gains the common factor e^{−D (E + E_old)/2Δ} and the per-node constant e^{D δ_q/Δ} = u_q d_q^s
  // (u_q = e^{H δ_q/Δ}), and B* gains e^{D h/Δ}: one exponential per node and previous interval instead of nine.
  const ab = (conv.ab = atLeast(conv.ab, nRows * nq));
  const u = (conv.u = atLeast(conv.u, nRows * nq));
  const bS = (conv.bS = atLeast(conv.bS, nRows));
  const eOld = (conv.eOld = atLeast(conv.eOld, nRows));
  const uB = (conv.uB = atLeast(conv.uB, nRows));
  if (conv.p0Old.length < nRows) {
    conv.p0Old = new Int32Array(2 * nRows);
    conv.valid = new Uint8Array(2 * nRows);
    conv.direct = new Uint8Array(2 * nRows);
  }
  const p0Old = conv.p0Old;
  const valid = conv.valid;
  // A row whose factors e^{H h/Δ} would leave the double range (a new grid far coarser than the kernel: a look
  // just after another) takes its exponentials directly at every node.
  const direct = conv.direct;
  for (const P of panels) {
    const H = P.h;
    for (let r = 0; r < nRows; r++) {
      const p = rows[r] as (typeof rows)[number];
      for (let q = 0; q < nq; q++) u[r * nq + q] = Math.exp((H * (rq[r * nq + q] as number)) / delta);
      uB[r] = Math.exp((H * p.h) / delta);
      direct[r] = (H * p.h) / delta > 500 ? 1 : 0;
    }
    for (let q2 = 0; q2 < nq; q2++) {
      valid.fill(0, 0, nRows);
      for (let jp = 0; jp < P.n; jp++) {
        const i = P.start + jp * nq + q2;
        if (i >= upto) break;
        const centre = (x[i] as number) - shift;
        let s = 0;
        for (let r = 0; r < nRows; r++) {
          const p = rows[r] as (typeof rows)[number];
          const h = p.h;
          let p0 = Math.floor((centre - band - p.a) / h);
          let p1 = Math.floor((centre + band - p.a) / h);
          if (p0 < 0) p0 = 0;
          if (p1 > p.n - 1) p1 = p.n - 1;
          if (p1 < p0) {
            valid[r] = 0;
            continue;
          }
          const nr = Math.min(p1 - p0 + 1, p.cLen);
          const c0 = p.cOff;
          const base = p.start + p0 * nq;
          const E = centre - p.a - p0 * h;
          const o = r * nq;
          if (valid[r] === 0) {
            bS[r] = Math.exp((E * h) / delta);
            for (let q = 0; q < nq; q++) {
              const e = E - (rq[o + q] as number);
              ab[o + q] = Math.exp(half * e * e);
            }
            valid[r] = 1 - (direct[r] as number);
          } else {
            const D = E - (eOld[r] as number);
            const moved = p0 - (p0Old[r] as number);
            const common = Math.exp(half * D * (E + (eOld[r] as number)));
            let fb = uB[r] as number;
            for (let k = 0; k < moved; k++) fb *= p.eh2;
            bS[r] = (bS[r] as number) * fb;
            for (let q = 0; q < nq; q++) {
              let f = common * (u[o + q] as number);
              const dq = rd[o + q] as number;
              for (let k = 0; k < moved; k++) f *= dq;
              ab[o + q] = (ab[o + q] as number) * f;
            }
          }
          eOld[r] = E;
          p0Old[r] = p0;
          // Σ_r C_r Σ_q g_{p0+r, q} A_q B_q^r, the eight nodes of a panel side by side (independent products).
          const bStar = bS[r] as number;
          let a0 = ab[o] as number, a1 = ab[o + 1] as number, a2 = ab[o + 2] as number, a3 = ab[o + 3] as number;
          let a4 = ab[o + 4] as number, a5 = ab[o + 5] as number, a6 = ab[o + 6] as number, a7 = ab[o + 7] as number;
          const b0 = bStar * (rd[o] as number), b1 = bStar * (rd[o + 1] as number), b2 = bStar * (rd[o + 2] as number), b3 = bStar * (rd[o + 3] as number);
          const b4 = bStar * (rd[o + 4] as number), b5 = bStar * (rd[o + 5] as number), b6 = bStar * (rd[o + 6] as number), b7 = bStar * (rd[o + 7] as number);
          let idx = base;
          for (let rr = 0; rr < nr; rr++) {
            const v =
              (pg[idx] as number) * a0 + (pg[idx + 1] as number) * a1 + ((pg[idx + 2] as number) * a2 + (pg[idx + 3] as number) * a3) +
              ((pg[idx + 4] as number) * a4 + (pg[idx + 5] as number) * a5 + ((pg[idx + 6] as number) * a6 + (pg[idx + 7] as number) * a7));
            s += v * (rc[c0 + rr] as number);
            a0 *= b0;
            a1 *= b1;
            a2 *= b2;
            a3 *= b3;
            a4 *= b4;
            a5 *= b5;
            a6 *= b6;
            a7 *= b7;
            idx += 8;
          }
        }
        g[i] = ((w[i] as number) * s * INV_SQRT_2PI) / sdInc;
      }
    }
  }
  if (symmetric) for (let i = 0; i < m >> 1; i++) g[m - 1 - i] = g[i] as number;
  prefixSums(g, cum);
  return { t, free: false, symmetric, x, g, cum, panels, edges };
}

/** Whether the panels are mirror images about 0 (equal counts and widths in reverse order; the zones of symmetric edges are). */
function mirrored(panels: readonly Panel[]): boolean {
  const n = panels.length;
  for (let i = 0; i < n >> 1; i++) {
    const p = panels[i] as Panel;
    const q = panels[n - 1 - i] as Panel;
    if (p.n !== q.n || Math.abs(p.h - q.h) > 1e-12 * p.h) return false;
  }
  return true;
}

/** First index j with x[j] ≥ v (x sorted). */
function lowerBound(x: Float64Array, v: number): number {
  let lo = 0;
  let hi = x.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((x[mid] as number) < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * P(no stop before look k and S_k > level) when `side` is 1, P(… S_k < level) when it is −1, from the stage of
 * look k − 1 (information t and drift θ at look k): Σ_j g_j Φ(side (x_j + θΔ − level)/√Δ). Nodes more than 8.5
 * kernel SDs on the far side count fully (prefix sums), nodes more than 12 SDs on the near side not at all.
 */
function crossing(prev: StageGrid, t: number, theta: number, level: number, side: 1 | -1): number {
  if (prev.free) return normalCdf((side * (theta * t - level)) / Math.sqrt(t));
  const sd = Math.sqrt(t - prev.t);
  const c = level - theta * (t - prev.t);
  const x = prev.x;
  const g = prev.g;
  const cum = prev.cum;
  const m = x.length;
  // Nodes with x_j < c − 12 sd (side 1) or x_j > c + 12 sd (side −1) contribute nothing; the far ones fully.
  const a = lowerBound(x, c - (side === 1 ? TAIL_ZERO : TAIL_ONE) * sd);
  const b = lowerBound(x, c + (side === 1 ? TAIL_ONE : TAIL_ZERO) * sd);
  let s = side === 1 ? (cum[m] as number) - (cum[b] as number) : (cum[a] as number);
  return halfErfcSum(s, g, x, a, b, c, (side * Math.SQRT1_2) / sd);
}

/**
 * Density of S_k at level on the paths still running (d/dlevel of crossing(…, −1)). Its slope (d/dlevel, for
 * third-order root steps: the same exponentials) is written to slope[at].
 */
function densityAt(prev: StageGrid, t: number, theta: number, level: number, slope: Float64Array, at: number): number {
  if (prev.free) {
    const sd = Math.sqrt(t);
    const z = (level - theta * t) / sd;
    const v = (INV_SQRT_2PI * Math.exp(-0.5 * z * z)) / sd;
    slope[at] = (-z / sd) * v;
    return v;
  }
  const sd = Math.sqrt(t - prev.t);
  const c = level - theta * (t - prev.t);
  const x = prev.x;
  const a = lowerBound(x, c - TAIL_ZERO * sd);
  const b = lowerBound(x, c + TAIL_ZERO * sd);
  const half = -0.5 / (sd * sd);
  let s = 0;
  let s1 = 0;
  for (let j = a; j < b; j++) {
    const d = c - (x[j] as number);
    const v = (prev.g[j] as number) * Math.exp(half * d * d);
    s += v;
    s1 += v * d;
  }
  slope[at] = (-s1 * INV_SQRT_2PI) / (sd * sd * sd);
  return (s * INV_SQRT_2PI) / sd;
}

/**
 * Solves p(c) = target for c in [lo, hi] where p is continuous and decreasing (increasing when `increasing`),
 * by Newton's method (steps of at most 1) safeguarded with bisection, to |Δc| < 1e-12 (or the bracket's width).
 * On the log scale a Newton step from a point where log p is within 1e-7 of its target (a step below 1e-6) is
 * returned without evaluating p again: Newton's error after it is of order (f''/2f') Δ² ≤ 1e-12 there (log p
 * is smooth, f' is the exact derivative), so the check would cost a whole crossing sum for nothing. `near`
 * widens that zone for searches that need less (the coarse one-sided futility pass, which only decides signs:
 * from within 1e-4 the step leaves an error of order 1e-8). With `ddp` (p'' at the point dp was last called at)
 * the steps are Halley's on log p (third order: f'' = p''/p − f'^2 from the same sums), and a step below 1e-5 is
 * returned without evaluating p again (its error is of order the step cubed).
 */
function solveMonotone(p: (c: number) => number, dp: (c: number) => number, target: number, lo0: number, hi0: number, start: number, increasing: boolean, logScale: boolean, near = 1e-7, ddp?: () => number): number {
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
    let step = NaN;
    if (logScale) {
      const pv = Math.exp(fv) * target;
      d /= pv;
      step = fv / d;
      if (ddp !== undefined) {
        // Halley: f'' = p''/p − f'^2 (the same sums), the Newton step divided by 1 − f f''/(2 f'^2).
        const den = 1 - (fv * (ddp() / pv - d * d)) / (2 * d * d);
        if (den > 0.5 && den < 2) step /= den;
      }
    } else step = fv / d;
    // Newton steps of at most 1 on the z scale (a flat tail can throw a full step across the bracket).
    let next = Number.isFinite(fv) && d !== 0 && Number.isFinite(d) ? c - Math.max(-1, Math.min(1, step)) : NaN;
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    else if (logScale && Math.abs(fv) < near && Math.abs(next - c) < 10 * near) return next;
    else if (ddp !== undefined && Math.abs(next - c) < 1e-5) return next;
    if (Math.abs(next - c) < 1e-12 * Math.max(1, Math.abs(c)) || hi - lo < 1e-13) return next;
    c = next;
  }
  return c;
}

/**
 * The recursion shared by every design: at each look, `look` gets the stage of the previous look and returns the
 * continuation intervals (S scale) of this one after solving its bounds; the stage is then carried to the next
 * look at drift θ (with windows wide enough for drifts up to `reach`). It may start at look `from.k` from a
 * given stage. Returns the stage each look saw.
 */
function recurse(
  mem: StageMemory,
  fractions: readonly number[],
  theta: number,
  res: number,
  look: (k: number, prev: StageGrid, t: number, st: number) => Intervals,
  reach = theta,
  from: { k: number; stage: StageGrid } = { k: 0, stage: freeStage(0) },
): StageGrid[] {
  let prev = from.stage;
  const K = fractions.length;
  const stages: StageGrid[] = [];
  for (let k = from.k; k < K; k++) {
    const t = fractions[k] as number;
    stages[k] = prev;
    const iv = look(k, prev, t, Math.sqrt(t));
    if (k < K - 1) prev = propagate(mem, prev, t, theta, iv, (fractions[k + 1] as number) - t, res, reach);
  }
  return stages;
}

/** The S-scale interval (−c √t, c √t) of a two-sided bound c (the whole line when c is infinite). */
const within = (c: number, st: number): [number, number] => (Number.isFinite(c) ? [-c * st, c * st] : [-Infinity, Infinity]);

/**
 * Two-sided symmetric alpha-spending boundaries ±c_k (z scale) at information fractions 0 < t_1 < … < t_K ≤ 1:
 * P_0(|Z_j| < c_j for j < k, |Z_k| ≥ c_k) = α(t_k) − α(t_{k−1}). A look that may spend no more alpha (the
 * increment underflows) has c_k = Infinity. `spent` is the cumulative alpha α(t_k).
 */
export function alphaSpendingBoundaries(fractions: readonly number[], alpha: number, grid0: GridOptions = {}): { boundaries: number[]; spent: number[] } {
  checkFractions(fractions);
  return withStageMemory((mem) => {
    const { boundaries, spent } = efficacyDesign(mem, fractions, alpha, grid0.resolution ?? 1);
    return { boundaries, spent };
  });
}

/** The alpha-spending recursion, with the drift-0 stages it used (they serve the futility searches by tilting). */
function efficacyDesign(mem: StageMemory, fractions: readonly number[], alpha: number, res: number): { boundaries: number[]; spent: number[]; stages: StageGrid[] } {
  const boundaries: number[] = [];
  const spent: number[] = [];
  let prevSpent = 0;
  // Each search starts from the marginal bound scaled as the previous look's solution was (the ratio varies slowly).
  let ratio = 1;
  const slope = new Float64Array(2);
  const stages = recurse(mem, fractions, 0, res, (_k, prev, t, st) => {
    const cum = obrienFlemingAlphaSpent(t, alpha);
    const inc = cum - prevSpent;
    const marginal = inc > 0 ? -qnorm(inc / 2) : Infinity;
    let c = marginal;
    if (inc > 0 && !prev.free && marginal <= BEYOND) {
      // An even sub-density (symmetric regions so far) crosses both bounds alike: one side, doubled.
      const p = prev.symmetric
        ? (z: number): number => 2 * crossing(prev, t, 0, z * st, 1)
        : (z: number): number => crossing(prev, t, 0, z * st, 1) + crossing(prev, t, 0, -z * st, -1);
      // p'' from the density slopes: −2 st² f′(z st), or −st² (f′(z st) − f′(−z st)).
      let second = 0;
      const dp = prev.symmetric
        ? (z: number): number => {
            const v = -2 * st * densityAt(prev, t, 0, z * st, slope, 0);
            second = -2 * st * st * (slope[0] as number);
            return v;
          }
        : (z: number): number => {
            const v = -st * (densityAt(prev, t, 0, z * st, slope, 0) + densityAt(prev, t, 0, -z * st, slope, 1));
            second = -st * st * ((slope[0] as number) - (slope[1] as number));
            return v;
          };
      // The bound lies below the marginal one (P(continue, |Z_k| ≥ c) ≤ P(|Z_k| ≥ c)).
      c = solveMonotone(p, dp, inc, 0, marginal, ratio * marginal, false, true, 1e-7, () => second);
      if (!Number.isFinite(c)) c = Infinity;
      else ratio = c / marginal;
    }
    boundaries.push(c);
    spent.push(cum);
    prevSpent = cum;
    return [within(c, st)];
  }, TILT_MAX);
  return { boundaries, spent, stages };
}

/** The drift-0 stages of the efficacy-only regions (as efficacyDesign's for its own boundaries). */
function efficacyStages(mem: StageMemory, fractions: readonly number[], efficacy: readonly number[], res: number): StageGrid[] {
  return recurse(mem, fractions, 0, res, (k, _prev, _t, st) => [within(efficacy[k] as number, st)], TILT_MAX);
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
function oneSidedFutility(mem: StageMemory, fractions: readonly number[], c: readonly number[], spend: readonly number[], theta: number, res: number, starts: number[], near: number): number[] {
  const f: number[] = [];
  let cumBeta = 0;
  // Without a start from an earlier pass, a search starts from the bound for the look's own beta, moved as the
  // previous look's solution was moved from its own.
  let offset = 0;
  const slope = new Float64Array(1);
  recurse(mem, fractions, theta, res, (k, prev, t, st) => {
    const target = spend[k] as number;
    let fk: number;
    // A search that met its target leaves cumBeta at the target (to its tolerance): no second exit sum.
    let met = false;
    if (prev.free) fk = qnorm(Math.max(target - cumBeta, 0)) + st * theta;
    else {
      const p = (z: number): number => cumBeta + crossing(prev, t, theta, z * st, -1);
      let second = 0;
      const dp = (z: number): number => {
        const v = st * densityAt(prev, t, theta, z * st, slope, 0);
        second = st * st * (slope[0] as number);
        return v;
      };
      const own = target > cumBeta ? qnorm(Math.min(target - cumBeta, 0.5)) + st * theta : st * theta - 8;
      fk = solveMonotone(p, dp, target, -20, 20, starts[k] ?? own + offset, true, true, near, () => second);
      starts[k] = fk;
      if (Number.isFinite(fk - own)) offset = fk - own;
      met = target > cumBeta && fk > -20 && fk < 20;
    }
    f.push(fk);
    cumBeta = met ? target : cumBeta + crossing(prev, t, theta, fk * st, -1);
    const up = within(c[k] as number, st)[1];
    return fk * st < up ? [[fk * st, up]] : [];
  });
  return f;
}

/** Two-sided inner bounds a_k ≥ 0 at drift θ; stages flagged in `none` have no futility region. Final look uncapped. */
function twoSidedFutility(
  mem: StageMemory,
  fractions: readonly number[],
  c: readonly number[],
  spend: readonly number[],
  none: readonly boolean[],
  theta: number,
  res: number,
  starts: number[],
  base: StageGrid[] | undefined,
): { a: number[]; spent: number[] } {
  const K = fractions.length;
  const a: number[] = [];
  const spent: number[] = [];
  let cum = 0;
  // Up to the first look that may have a futility region the regions are the efficacy ones: start there, from
  // the drift-0 stage tilted to θ.
  let from: { k: number; stage: StageGrid } | undefined;
  if (base !== undefined && theta >= 0 && theta <= TILT_MAX) {
    const k0 = none.findIndex((n, k) => n !== true || k === K - 1);
    for (let k = 0; k < k0; k++) {
      a.push(0);
      spent.push(0);
    }
    from = { k: k0, stage: tilt(mem, base[k0] as StageGrid, theta) };
  }
  const slope = new Float64Array(2);
  recurse(mem, fractions, theta, res, (k, prev, t, st) => {
    const ck = c[k] as number;
    const target = spend[k] as number;
    const inner = (z: number): number => crossing(prev, t, theta, z * st, -1) - crossing(prev, t, theta, -z * st, -1);
    let ak = 0;
    if (none[k] !== true && target > cum) {
      let second = 0;
      const dp = (z: number): number => {
        const v = st * (densityAt(prev, t, theta, z * st, slope, 0) + densityAt(prev, t, theta, -z * st, slope, 1));
        second = st * st * ((slope[0] as number) - (slope[1] as number));
        return v;
      };
      ak = solveMonotone((z) => cum + inner(z), dp, target, 0, 20, starts[k] ?? Math.min(Number.isFinite(ck) ? ck : 3, 3) / 2, true, true, 1e-7, () => second);
      starts[k] = ak;
      if (k < K - 1 && ak > ck) ak = ck;
    }
    cum += ak > 0 ? inner(ak) : 0;
    a.push(ak);
    spent.push(cum);
    const [lo, hi] = within(ck, st);
    return ak > 0 ? [[lo, -ak * st], [ak * st, hi]] : [[lo, hi]];
  }, theta, from);
  return { a, spent };
}

/**
 * Root of the increasing h(θ) = 0 (regula falsi, Illinois variant), starting from a bracket [guess − 0.25,
 * guess + 0.5] widened towards [lo0, hi0] until it holds a sign change; tolerance `tol` on θ.
 */
function solveDrift(h: (theta: number) => number, lo0: number, hi0: number, guess: number, tol: number, start?: readonly [number, number], f0Known?: number): number {
  // Secant steps from just above the fixed-design drift (the group sequential drift is a little larger) and a
  // first step of slope 1 (the final bound moves with the drift almost one for one), or from the two given
  // points (h at the first may be given) ...
  let x0 = start?.[0] ?? guess + 0.02;
  let f0 = start !== undefined && f0Known !== undefined ? f0Known : h(x0);
  let x1 = start?.[1] ?? x0 - Math.max(-0.5, Math.min(0.5, Number.isFinite(f0) ? f0 : 0.1));
  if (x1 === x0) return x0;
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
  return withStageMemory((mem) => futilityDesign(mem, fractions, efficacy, beta, grid0.resolution ?? 1, undefined, grid0.alwaysOneSided === true));
}

/**
 * Both designs of a trial sequential analysis at once: the alpha-spending boundaries and the beta-spending
 * futility design for them (fractions ending at 1), sharing the drift-0 integration stages.
 */
export function groupSequentialDesign(fractions: readonly number[], alpha: number, beta: number, grid0: GridOptions = {}): { boundaries: number[]; spent: number[]; futility: FutilityDesign } {
  checkFractions(fractions);
  const res = grid0.resolution ?? 1;
  return withStageMemory((mem) => {
    const eff = efficacyDesign(mem, fractions, alpha, res);
    return { boundaries: eff.boundaries, spent: eff.spent, futility: futilityDesign(mem, fractions, eff.boundaries, beta, res, eff.stages, grid0.alwaysOneSided === true) };
  });
}

/**
 * Whether every early bound f_k (k < K − 1) of the one-sided beta-spending design (α/2 efficacy bounds c_k,
 * futility bounds f_k, beta spent as β(t_k)) is negative whatever its drift, shown without computing it.
 * - The drift: that design rejects with probability 1 − β, and P(reject) ≥ P(Z_K ≥ c_K) − P(futility stop
 *   before K) ≥ Φ(θ − c_K) − β(t_{K−1}), so θ ≤ θ⁺ = c_K − z_{β − β(t_{K−1})} (taken at least as large as the
 *   search's first drift, plus 0.01 for the searches' tolerance).
 * - A bound: f_k < 0 when the futility mass below 0 at look k exceeds β(t_k). That mass, cum_{k−1} + P(continue
 *   to k, Z_k < 0), is at least P(Z_j < c_j for j < k, Z_k < 0) (a path of this event either stopped for futility
 *   earlier or reaches look k below 0), which falls with θ (a pathwise shift), so the check at θ⁺ holds for
 *   every drift below it. It is at least B_k = P(|Z_j| < c_j for j < k, Z_k < 0) at θ⁺: the exit sum below 0 of
 *   the drift-0 efficacy stage tilted to θ⁺ (Φ(−θ⁺ √t_k) at a look still in closed form). First the cheaper
 *   B_k ≥ Φ(−θ⁺ √t_k) − P(|Z_j| ≥ c_j for some j < K − 1) (one minus one tilted mass) is tried.
 * The check asks for a margin of 1e-5 in probability over the grid's error (~1e-8); a design it does not clear
 * (early looks near the RIS) runs the one-sided design.
 */
function earlyFutilityNegative(mem: StageMemory, fractions: readonly number[], efficacy: readonly number[], spend: readonly number[], beta: number, firstDrift: number, stages: readonly StageGrid[]): boolean {
  const K = fractions.length;
  if (K < 2) return true;
  const cK = efficacy[K - 1] as number;
  const thetaMax = Math.max(cK - qnorm(beta - (spend[K - 2] as number)), firstDrift) + 0.01;
  if (!(thetaMax >= 0 && thetaMax <= TILT_MAX)) return false;
  const stage = stages[K - 2] as StageGrid;
  let mass = 1;
  if (!stage.free) {
    const c = -0.5 * thetaMax * thetaMax * stage.t;
    mass = 0;
    for (let j = 0; j < stage.g.length; j++) mass += (stage.g[j] as number) * Math.exp(thetaMax * (stage.x[j] as number) + c);
  }
  const stopped = 1 - mass;
  for (let k = 0; k < K - 1; k++) {
    const t = fractions[k] as number;
    const free = normalCdf(-thetaMax * Math.sqrt(t));
    const target = (spend[k] as number) + 1e-5;
    if (free - stopped > target) continue;
    const before = stages[k] as StageGrid;
    if (!((before.free ? free : crossing(tilt(mem, before, thetaMax), t, thetaMax, 0, -1)) > target)) return false;
  }
  return true;
}

function futilityDesign(mem: StageMemory, fractions: readonly number[], efficacy: readonly number[], beta: number, res: number, fullStages: StageGrid[] | undefined, alwaysOneSided: boolean): FutilityDesign {
  const K = fractions.length;
  if (fractions[K - 1] !== 1) throw new RangeError("the futility design needs its last information fraction at 1");
  const spend = fractions.map((t) => obrienFlemingBetaSpent(t, beta));
  const cK = efficacy[K - 1] as number;
  // Drift-0 stages of the efficacy regions, tilted to each drift tried (computed once per grid).
  const bases = new Map<number, StageGrid[]>();
  if (fullStages !== undefined) bases.set(res, fullStages);
  const baseFor = (r: number): StageGrid[] => {
    let b = bases.get(r);
    if (b === undefined) bases.set(r, (b = efficacyStages(mem, fractions, efficacy, r)));
    return b;
  };
  // The fixed design's drift with the same α and β is a close first guess (the inflation is small).
  const fixedDrift = cK - qnorm(beta);
  // Searches run on a grid half as fine first (a quarter of the work per pass); only the last steps use the full grid.
  const coarse = res / 2;
  // The signs of the one-sided design's bounds f_k (k < K − 1): proved negative for every drift it may have when
  // the early looks lie well before the RIS (earlyFutilityNegative), else from the one-sided design itself.
  const oneSigns = (): number[] => {
    // Each pass starts its root searches from the previous pass's bounds (they move little with the drift).
    const oneStarts: number[] = [];
    // The one-sided bounds of the last drift tried (a search's last step is then not recomputed).
    let tried: { theta: number; r: number; f: number[] } = { theta: NaN, r: NaN, f: [] };
    const oneSided = (theta: number, r: number): number[] => {
      if (tried.theta !== theta || tried.r !== r) tried = { theta, r, f: oneSidedFutility(mem, fractions, efficacy, spend, theta, r, oneStarts, r < res ? 1e-4 : 1e-7) };
      return tried.f;
    };
    const lastOneSided = (theta: number, r: number): number => (oneSided(theta, r)[K - 1] as number) - cK;
    // The one-sided design only tells which looks get no futility bound (the sign of f_k), so its drift needs only
    // a loose tolerance (1e-5 in θ moves f_k by less than 1e-5): the coarse grid decides unless a bound lies within
    // 1e-2 of 0.
    // A first pass at the search's starting drift often settles the signs already: the bounds move with the drift
    // by about √t_k per unit (the final one by about 1), so when every bound is farther from 0 than twice the final
    // bound's miss (plus 1e-2), no drift between the start and the root changes a sign.
    const x0 = fixedDrift + 0.02;
    const miss = lastOneSided(x0, coarse);
    let oneTheta = x0;
    if (!(Number.isFinite(miss) && tried.f.every((f, k) => k === K - 1 || Math.abs(f) > 2 * Math.abs(miss) + 1e-2))) {
      oneTheta = solveDrift((th) => lastOneSided(th, coarse), -4, 10, fixedDrift, 1e-5);
      // (the search's last evaluation lies within its tolerance of the root)
      if (tried.r === coarse && Math.abs(tried.theta - oneTheta) < 1e-5) oneTheta = tried.theta;
    }
    let one = oneSided(oneTheta, coarse);
    if (one.some((f, k) => k < K - 1 && Math.abs(f) < 1e-2)) {
      oneTheta = solveDrift((th) => lastOneSided(th, res), -4, 10, fixedDrift, 1e-9, [oneTheta, oneTheta + 1e-4]);
      one = oneSided(oneTheta, res);
    }
    return one;
  };
  const one = !alwaysOneSided && earlyFutilityNegative(mem, fractions, efficacy, spend, beta, fixedDrift + 0.02, baseFor(res)) ? fractions.map((_, k) => (k < K - 1 ? -1 : 0)) : oneSigns();
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
  const last = (theta: number, r: number): number => (twoSidedFutility(mem, fractions, efficacy, adjusted, none, theta, r, twoStarts, baseFor(r)).a[K - 1] as number) - cK;
  if (none.every((n, k) => n || k === K - 1)) {
    // Only the final look has a futility bound: every pass is a tilt and one root search, so search on the full grid.
    const drift = solveDrift((th) => last(th, res), 0, 10, fixedDrift, 1e-12);
    const design = twoSidedFutility(mem, fractions, efficacy, adjusted, none, drift, res, twoStarts, baseFor(res));
    return { futility: design.a.slice(0, K - 1).map(() => null), drift, betaSpent: design.spent };
  }
  // The two-sided design is symmetric in the drift: search θ ≥ 0; coarse first, then polish on the full grid.
  const roughDrift = solveDrift((th) => last(th, coarse), 0, 10, fixedDrift, 1e-8);
  // One Newton step on the full grid with the coarse grid's slope, accepted when it is below 1e-8 (the grids agree:
  // even a slope off by 10 % leaves an error below 1e-9 in θ).
  const slope = (last(roughDrift + 1e-4, coarse) - last(roughDrift, coarse)) / 1e-4;
  const hFull = last(roughDrift, res);
  let drift = roughDrift - hFull / slope;
  // A coarse drift farther off (a design the half grid resolves less well: looks just after others, whose narrow
  // kernels the half grid resolves worse, had coarse slopes off by 15 %) goes on by secant steps on the full grid
  // from the coarse drift (whose full-grid value is known) and the Newton point. Before 2026-12-01 Newton steps up
  // to 1e-3 were accepted, which left drifts off by up to 2e-5.
  if (!(Number.isFinite(drift) && Math.abs(drift - roughDrift) < 1e-8)) {
    const second = Number.isFinite(drift) && Math.abs(drift - roughDrift) < 0.1 && drift !== roughDrift ? drift : roughDrift + 1e-5;
    drift = solveDrift((th) => last(th, res), 0, 10, fixedDrift, 1e-12, [roughDrift, second], hFull);
  }
  const design = twoSidedFutility(mem, fractions, efficacy, adjusted, none, drift, res, twoStarts, baseFor(res));
  const futility = design.a.slice(0, K - 1).map((a) => (a <= 1e-5 ? null : a));
  return { futility, drift, betaSpent: design.spent };
}
