/**
 * Axis choices shared by the forest and funnel plots. Values passed in and out are on the display scale
 * (ratios for OR/RR, raw differences otherwise); the mapping to pixels uses d3-scale.
 */
import { scaleLinear, scaleLog } from "d3-scale";

export interface Axis {
  kind: "log" | "linear";
  /** Display-scale limits. */
  min: number;
  max: number;
  ticks: number[];
  /** Display value -> pixel. */
  toPx: (value: number) => number;
  /** The line of no effect (1 for ratios, 0 for differences). */
  nullValue: number;
}

/** OR and RR (and Peto OR) are pooled on the log scale and plotted on a log axis (one definition, in core/escalc.ts). */
export { isRatioMeasure } from "../core/escalc.js";

/** Symmetric log ranges as RevMan offers them, each with its tick marks. */
export const LOG_FOREST_RANGES: ReadonlyArray<{ max: number; ticks: number[] }> = [
  { max: 2, ticks: [0.5, 0.7, 1, 1.5, 2] },
  { max: 5, ticks: [0.2, 0.5, 1, 2, 5] },
  { max: 10, ticks: [0.1, 0.2, 0.5, 1, 2, 5, 10] },
  { max: 20, ticks: [0.05, 0.2, 1, 5, 20] },
  { max: 50, ticks: [0.02, 0.1, 1, 10, 50] },
  { max: 100, ticks: [0.01, 0.1, 1, 10, 100] },
  { max: 200, ticks: [0.005, 0.1, 1, 10, 200] },
  { max: 500, ticks: [0.002, 0.1, 1, 10, 500] },
  { max: 1000, ticks: [0.001, 0.1, 1, 10, 1000] },
];

/** Largest range study whiskers may widen the axis to (RevMan's default 0.01 to 100); wider ones get arrows. */
const LOG_CI_CAP = 100;

function finite(values: readonly number[]): number[] {
  return values.filter((v) => Number.isFinite(v));
}

/**
 * Forest-plot log axis: the smallest symmetric range that holds every value in `required` (pooled and subgroup
 * intervals, study estimates), widened to hold the study intervals in `preferred` up to 0.01..100.
 */
export function forestLogAxis(required: readonly number[], preferred: readonly number[], x0: number, x1: number, limits?: [number, number]): Axis {
  let chosen: { min: number; max: number; ticks: number[] };
  if (limits !== undefined) {
    chosen = { min: limits[0], max: limits[1], ticks: logTicks(limits[0], limits[1]) };
  } else {
    const need = Math.max(1.0001, ...finite(required).filter((v) => v > 0).map((v) => Math.max(v, 1 / v)));
    const want = Math.max(need, ...finite(preferred).filter((v) => v > 0).map((v) => Math.min(Math.max(v, 1 / v), LOG_CI_CAP)));
    const last = LOG_FOREST_RANGES[LOG_FOREST_RANGES.length - 1]!;
    const r = LOG_FOREST_RANGES.find((c) => c.max >= want * (1 - 1e-9)) ?? last;
    chosen = { min: 1 / r.max, max: r.max, ticks: r.ticks };
  }
  const scale = scaleLog().domain([chosen.min, chosen.max]).range([x0, x1]);
  return { kind: "log", min: chosen.min, max: chosen.max, ticks: chosen.ticks, toPx: (v) => scale(v), nullValue: 1 };
}

const LINEAR_STEPS = [1, 2, 4, 5];

/** Smallest "nice" M = m x 10^k (m in 1, 2, 4, 5) with M >= x. */
export function niceSymmetricMax(x: number): number {
  if (!(x > 0) || !Number.isFinite(x)) return 1;
  let k = Math.floor(Math.log10(x));
  for (;;) {
    for (const m of LINEAR_STEPS) {
      const M = m * 10 ** k;
      if (M >= x * (1 - 1e-9)) return Number(M.toPrecision(12));
    }
    k += 1;
  }
}

/**
 * Forest-plot linear axis: symmetric [-M, M] with ticks at -M, -M/2, 0, M/2, M; M covers `required`, and
 * `preferred` (study CIs) unless that would make the axis more than 4 times wider.
 */
export function forestLinearAxis(required: readonly number[], preferred: readonly number[], x0: number, x1: number, limits?: [number, number]): Axis {
  let min: number;
  let max: number;
  let ticks: number[];
  if (limits !== undefined) {
    [min, max] = limits;
    ticks = scaleLinear().domain(limits).ticks(5);
  } else {
    const need = Math.max(0, ...finite(required).map(Math.abs));
    const wantRaw = Math.max(need, ...finite(preferred).map(Math.abs));
    const base = niceSymmetricMax(need > 0 ? need : wantRaw > 0 ? wantRaw : 1);
    const M = niceSymmetricMax(Math.min(wantRaw, 4 * base) || base);
    min = -M;
    max = M;
    ticks = [-M, -M / 2, 0, M / 2, M].map((t) => Number(t.toPrecision(12)));
  }
  const scale = scaleLinear().domain([min, max]).range([x0, x1]);
  return { kind: "linear", min, max, ticks, toPx: (v) => scale(v), nullValue: 0 };
}

/** Log-axis ticks for an arbitrary ratio range: 1-2-5 steps, thinned to powers of ten, or linear ratios. */
export function logTicks(min: number, max: number): number[] {
  const lo = Math.floor(Math.log10(min)) - 1;
  const hi = Math.ceil(Math.log10(max)) + 1;
  const inRange = (v: number): boolean => v >= min * (1 - 1e-9) && v <= max * (1 + 1e-9);
  const oneTwoFive: number[] = [];
  const decades: number[] = [];
  for (let k = lo; k <= hi; k++) {
    for (const m of [1, 2, 5]) {
      const v = Number((m * 10 ** k).toPrecision(12));
      if (inRange(v)) {
        oneTwoFive.push(v);
        if (m === 1) decades.push(v);
      }
    }
  }
  if (oneTwoFive.length >= 3 && oneTwoFive.length <= 9) return oneTwoFive;
  if (oneTwoFive.length > 9 && decades.length >= 3) return decades;
  if (oneTwoFive.length > 9) return oneTwoFive.filter((v) => decades.includes(v) || String(v).startsWith("5") || v === 1);
  const linear = scaleLinear().domain([min, max]).ticks(5).filter((v) => v > 0);
  return linear.length >= 2 ? linear.map((v) => Number(v.toPrecision(12))) : oneTwoFive;
}

/** Tick label text: plain decimal, no exponent, no float noise. */
export function tickLabel(value: number): string {
  const v = Number(value.toPrecision(10));
  if (v !== 0 && Math.abs(v) < 1e-6) return v.toExponential();
  return String(v);
}
