/**
 * Diagnostic plots of a meta-analysis result, each an SVG scatter on linear axes (pure functions, no I/O):
 * - bubble plot (metafor regplot): effect against the moderator, bubble area by weight, the fitted line and its CI;
 * - Baujat plot (Baujat et al. 2002, metafor baujat): contribution to heterogeneity against influence on the result;
 * - radial (Galbraith 1988) plot: y_i / se_i against 1 / se_i, the pooled line through the origin with its ±z band;
 * - L'Abbé plot (L'Abbé et al. 1987): event risk in the experimental arm against the control arm, the line of no
 *   effect and the pooled effect as a curve (OR, RR) or line (RD);
 * - GOSH plot (Olkin et al. 2012): I² against the estimate of every fitted subset.
 */
import { scaleLinear } from "d3-scale";
import { InputError } from "../../shared/errors.js";
import type { MetaResult } from "../types.js";
import { critValue } from "../core/dist.js";
import { isRatioMeasure } from "../core/escalc.js";
import { formatPlain, SvgBuilder, textWidth } from "./svg.js";

interface Point {
  x: number;
  y: number;
  r?: number;
  label?: string;
  cls: string;
}

interface Scatter {
  title: string;
  xLabel: string;
  yLabel: string;
  points: Point[];
  lines?: { points: [number, number][]; dash?: boolean; cls: string }[];
  /** Force these values into the axis ranges (e.g. 0, 1 for risks). */
  xInclude?: number[];
  yInclude?: number[];
}

function scatterSvg(s: Scatter): string {
  const fs = 11;
  const pts = s.points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
  const xs = pts.map((p) => p.x).concat(s.xInclude ?? []);
  const ys = pts.map((p) => p.y).concat(s.yInclude ?? [], (s.lines ?? []).flatMap((l) => l.points.map((q) => q[1]).filter(Number.isFinite)));
  if (xs.length === 0) throw new InputError(`${s.title}: nothing to plot`);
  const span = (v: number[]): [number, number] => {
    // loops, not Math.min(...v): a GOSH plot can hold a million points
    let lo = Infinity;
    let hi = -Infinity;
    for (const x of v) {
      if (x < lo) lo = x;
      if (x > hi) hi = x;
    }
    if (lo === hi) {
      lo -= 0.5;
      hi += 0.5;
    }
    const pad = (hi - lo) * 0.06;
    return [lo - pad, hi + pad];
  };
  const xScale = scaleLinear().domain(span(xs)).nice(6);
  const yScale = scaleLinear().domain(span(ys)).nice(6);
  const yTicks = yScale.ticks(6);
  const left = 14 + fs + 10 + Math.max(...yTicks.map((t) => textWidth(formatPlain(t, 3), fs))) + 8;
  const top = 12 + 13 + 14;
  const w = 420;
  const h = 300;
  const x0 = left;
  const x1 = left + w;
  const y0 = top;
  const y1 = top + h;
  xScale.range([x0, x1]);
  yScale.range([y1, y0]);
  const X = (v: number): number => xScale(v);
  const Y = (v: number): number => yScale(v);
  const svg = new SvgBuilder(fs);
  svg.text(12, 12 + 13, s.title, { size: 13, bold: true, cls: "title" });
  svg.rect(x0, y0, w, h, { fill: "#fff", stroke: "#000", "stroke-width": 0.8 });
  for (const t of xScale.ticks(6)) {
    svg.line(X(t), y1, X(t), y1 + 4, { "stroke-width": 0.8 });
    svg.text(X(t), y1 + 4 + fs, formatPlain(t, 3), { anchor: "middle", cls: "tick" });
  }
  for (const t of yTicks) {
    svg.line(x0 - 4, Y(t), x0, Y(t), { "stroke-width": 0.8 });
    svg.text(x0 - 6, Y(t) + fs * 0.35, formatPlain(t, 3), { anchor: "end", cls: "tick" });
  }
  svg.text((x0 + x1) / 2, y1 + 4 + fs + 16, s.xLabel, { anchor: "middle", cls: "x-label" });
  svg.text(14 + fs, (y0 + y1) / 2, s.yLabel, { anchor: "middle", rotate: -90, cls: "y-label" });
  const clip = `clip-${Math.round(x0)}-${Math.round(y0)}-${s.points.length}`;
  svg.raw(`<defs><clipPath id="${clip}"><rect x="${x0}" y="${y0}" width="${w}" height="${h}"/></clipPath></defs>`);
  svg.open("g", { "clip-path": `url(#${clip})` });
  for (const l of s.lines ?? []) {
    const d = l.points
      .filter((q) => Number.isFinite(q[0]) && Number.isFinite(q[1]))
      .map((q, i) => `${i === 0 ? "M" : "L"}${X(q[0]).toFixed(2)},${Y(q[1]).toFixed(2)}`)
      .join(" ");
    if (d !== "") svg.path(d, { fill: "none", stroke: "#000", "stroke-width": 1, ...(l.dash === true ? { "stroke-dasharray": "4 3" } : {}), class: l.cls });
  }
  for (const p of pts) {
    svg.circle(X(p.x), Y(p.y), p.r ?? 3, { fill: "#7f7f7f", "fill-opacity": 0.6, stroke: "#000", "stroke-width": 0.6, class: p.cls, ...(p.label !== undefined ? { "data-study": p.label } : {}) });
    if (p.label !== undefined && s.points.length <= 60) svg.text(X(p.x) + (p.r ?? 3) + 2, Y(p.y) - 2, p.label, { size: 9, cls: "point-label" });
  }
  svg.close("g");
  return svg.toString(x1 + 20, y1 + 4 + fs + 16 + 12, s.title);
}

/** Bubble plot of a meta-regression on one numeric moderator (needs result.meta_regression.bubble). */
export function bubblePlotSvg(result: MetaResult): string {
  const b = result.meta_regression?.bubble;
  if (b === undefined) throw new InputError("the bubble plot needs a meta-regression on one numeric moderator (--mods COLUMN)", { field: "bubble" });
  const maxW = b.points.reduce((m, p) => Math.max(m, p.weight), 0);
  return scatterSvg({
    title: `Bubble plot: ${result.measure} against ${b.moderator}`,
    xLabel: b.moderator,
    yLabel: isRatioMeasure(result.measure) ? `log ${result.measure}` : result.measure,
    points: b.points.map((p) => ({ x: p.x, y: p.yi, r: 2 + 10 * Math.sqrt(p.weight / maxW), label: p.study, cls: "bubble" })),
    lines: [
      { points: b.line.map((l) => [l.x, l.pred]), cls: "fitted" },
      { points: b.line.map((l) => [l.x, l.ci_lb]), dash: true, cls: "ci" },
      { points: b.line.map((l) => [l.x, l.ci_ub]), dash: true, cls: "ci" },
    ],
  });
}

/** Baujat plot (needs result.baujat, from --influence). */
export function baujatPlotSvg(result: MetaResult): string {
  const b = result.baujat;
  if (b === undefined) throw new InputError("the Baujat plot needs the influence diagnostics (--influence)", { field: "baujat" });
  return scatterSvg({
    title: "Baujat plot",
    xLabel: "Squared Pearson residual (contribution to heterogeneity)",
    yLabel: "Influence on the overall result",
    // a study whose deletion refit failed has no influence value and no point
    points: b.flatMap((p) => (p.y === null ? [] : [{ x: p.x, y: p.y, label: p.study, cls: "study" }])),
    xInclude: [0],
    yInclude: [0],
  });
}

/** Radial (Galbraith) plot of the included studies against the pooled estimate. */
export function radialPlotSvg(result: MetaResult): string {
  const st = result.studies.filter((s) => s.included && s.yi !== null && s.vi !== null);
  if (st.length === 0) throw new InputError("the radial plot needs at least one included study", { field: "radial" });
  const z = critValue(result.level, null);
  const xs = st.map((s) => 1 / Math.sqrt(s.vi as number));
  const xMax = xs.reduce((m, x) => Math.max(m, x), 0) * 1.05;
  const b = result.pooled.estimate;
  return scatterSvg({
    title: "Radial (Galbraith) plot",
    xLabel: "1 / SE (precision)",
    yLabel: "Effect / SE (z)",
    points: st.map((s, i) => ({ x: xs[i] as number, y: (s.yi as number) / Math.sqrt(s.vi as number), label: s.study, cls: "study" })),
    lines: [
      { points: [[0, 0], [xMax, b * xMax]], cls: "pooled" },
      { points: [[0, z], [xMax, b * xMax + z]], dash: true, cls: "band" },
      { points: [[0, -z], [xMax, b * xMax - z]], dash: true, cls: "band" },
    ],
    xInclude: [0],
  });
}

/** L'Abbé plot of binary studies: experimental against control event risk. */
export function labbePlotSvg(result: MetaResult): string {
  const st = result.studies.filter((s) => s.data.kind === "binary");
  if (st.length === 0 || st.length !== result.studies.length) throw new InputError("the L'Abbé plot needs binary (2x2) data", { field: "labbe" });
  const pts: Point[] = st.map((s) => {
    const d = s.data as Extract<typeof s.data, { kind: "binary" }>;
    return { x: d.events_c / d.total_c, y: d.events_t / d.total_t, r: 2 + Math.sqrt(d.total_t + d.total_c) / 4, label: s.study, cls: "study" };
  });
  const grid = Array.from({ length: 101 }, (_, i) => i / 100);
  const b = result.pooled.estimate;
  const effect = (pc: number): number => {
    if (result.measure === "RD") return pc + b;
    if (result.measure === "RR") return pc * Math.exp(b);
    const odds = (pc / (1 - pc)) * Math.exp(b);
    return odds / (1 + odds);
  };
  return scatterSvg({
    title: "L'Abbé plot",
    xLabel: "Event risk, control",
    yLabel: "Event risk, experimental",
    points: pts,
    lines: [
      { points: [[0, 0], [1, 1]], dash: true, cls: "no-effect" },
      { points: grid.map((p) => [p, Math.min(1, Math.max(0, effect(p)))] as [number, number]), cls: "pooled" },
    ],
    xInclude: [0, 1],
    yInclude: [0, 1],
  });
}

/** GOSH plot: I² against the estimate of every subset (needs result.gosh). */
export function goshPlotSvg(result: MetaResult): string {
  const g = result.gosh;
  if (g === undefined) throw new InputError("the GOSH plot needs --gosh", { field: "gosh" });
  return scatterSvg({
    title: `GOSH plot (${g.exact ? "all" : "random"} ${g.subsets} subsets)`,
    xLabel: isRatioMeasure(result.measure) ? `Estimate (log ${result.measure})` : "Estimate",
    yLabel: "I² (%)",
    points: g.estimate.map((e, i) => ({ x: e, y: g.I2[i] as number, r: 1.2, cls: "subset" })),
    yInclude: [0],
  });
}
