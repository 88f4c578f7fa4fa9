/**
 * Contour-enhanced funnel plot as an SVG string (pure; no I/O).
 *
 * x: effect on the analysis scale (log scale labelled with ratios for OR/RR); y: standard error, 0 at the top.
 * Shaded regions around the null value show where a study would reach two-sided p < 0.01, 0.01-0.05 and
 * 0.05-0.10 (Peters et al., J Clin Epidemiol 2008;61:991-6; the shading of metafor's funnel()); dashed lines
 * are the pseudo confidence limits centre ± z·SE around the pooled estimate; studies added by trim-and-fill
 * are drawn hollow.
 */
import quantile from "@stdlib/stats-base-dists-normal-quantile";
import { scaleLinear } from "d3-scale";
import { z } from "zod";
import { FunnelDataSchema, type MetaResult } from "../types.js";
import { isRatioMeasure, logTicks, tickLabel } from "./axis.js";
import { measureName, parseMetaResult, parseOrInputError } from "./common.js";
import { formatPlain, shortHash, SvgBuilder, textWidth, widthWithTitle } from "./svg.js";

type FunnelData = z.infer<typeof FunnelDataSchema>;

export const FunnelPlotOptionsSchema = z.object({
  title: z.string().optional(),
  /** x-axis label; default "<measure> (log scale)" for ratios, the measure name otherwise. */
  xLabel: z.string().optional(),
  /** Plot area in px. */
  width: z.number().min(120).max(2000).default(420),
  height: z.number().min(120).max(2000).default(330),
  fontSize: z.number().min(6).max(24).default(11),
  /** Draw the significance contours (default true). */
  contours: z.boolean().default(true),
  legend: z.boolean().default(true),
  /** For GEN results whose effects are logs of ratios: label the x axis with exp() values on a log scale. */
  logScale: z.boolean().default(false),
});
export type FunnelPlotOptions = z.input<typeof FunnelPlotOptionsSchema>;

/** Greys for the regions, from the least to the most significant band (metafor's gray55, gray75, lightgray). */
const SHADES = ["#a0a0a0", "#c4c4c4", "#e0e0e0", "#efefef"];

/** Funnel data from the study effects when the result carries none: included studies, centre = pooled estimate. */
export function funnelDataFromResult(result: MetaResult): FunnelData {
  if (result.funnel !== undefined) return result.funnel;
  const points = result.studies
    .filter((s) => s.included && s.yi !== null && s.vi !== null && s.vi > 0)
    .map((s) => ({ study: s.study, yi: s.yi as number, sei: Math.sqrt(s.vi as number), filled: false }));
  return {
    points,
    centre: result.pooled.estimate,
    se_max: Math.max(0, ...points.map((p) => p.sei)),
    contours: [0.1, 0.05, 0.01],
    null_value: 0,
  };
}

/** Renders the contour-enhanced funnel plot of a result (result.funnel, else computed from the studies). */
export function funnelPlotSvg(resultInput: MetaResult, optionsInput: FunnelPlotOptions = {}): string {
  const result = parseMetaResult(resultInput);
  const o = parseOrInputError(FunnelPlotOptionsSchema, optionsInput, "funnel plot options");
  const data = funnelDataFromResult(result);
  const fs = o.fontSize;
  const ratio = isRatioMeasure(result.measure) || (result.measure === "GEN" && o.logScale);
  const zCi = quantile(1 - (1 - result.level / 100) / 2, 0, 1);
  const levels = [...new Set(data.contours.filter((p) => p > 0 && p < 1))].sort((a, b) => b - a); // 0.10, 0.05, 0.01
  const zOf = (p: number): number => quantile(1 - p / 2, 0, 1);
  const zMax = o.contours && levels.length > 0 ? zOf(levels[levels.length - 1] as number) : 0;

  // ---- scales ----
  const seTop = Math.max(data.se_max, ...data.points.map((p) => p.sei), 1e-9);
  // Head-room so that the largest-SE points are not cut by the frame.
  const yScale = scaleLinear().domain([0, seTop * 1.03]).nice(5);
  const yMax = yScale.domain()[1] ?? seTop;
  const xs = [
    ...data.points.map((p) => p.yi),
    data.centre - zCi * yMax,
    data.centre + zCi * yMax,
    data.null_value - zMax * yMax,
    data.null_value + zMax * yMax,
  ].filter((v) => Number.isFinite(v));
  let lo = Math.min(...xs);
  let hi = Math.max(...xs);
  const pad = (hi - lo) * 0.04 || 0.5;
  lo -= pad;
  hi += pad;

  const titleH = o.title !== undefined && o.title !== "" ? 13 + 12 : 0;
  const left = 14 + fs + 8 + textWidth(formatPlain(yMax, 3), fs) + 8;
  const top = 12 + titleH + 6;
  const plotW = o.width;
  const plotH = o.height;
  const x0 = left;
  const x1 = left + plotW;
  const y0 = top;
  const y1 = top + plotH;
  const xScale = scaleLinear().domain([lo, hi]).range([x0, x1]);
  const ys = yScale.range([y0, y1]);
  const X = (v: number): number => xScale(v);
  const Y = (se: number): number => ys(se);

  const svg = new SvgBuilder(fs);
  if (titleH > 0) svg.text(12, 12 + 13, o.title as string, { size: 13, bold: true, cls: "title" });
  // The clip id must be unique when several plots are inlined in one HTML page: derive it from the content.
  const clipId = `funnel-clip-${shortHash(JSON.stringify([data, lo, hi, yMax, plotW, plotH, o.title ?? ""]))}`;
  svg.raw(`<defs><clipPath id="${clipId}"><rect x="${x0}" y="${y0}" width="${plotW}" height="${plotH}"/></clipPath></defs>`);
  svg.open("g", { "clip-path": `url(#${clipId})` });

  // Contour regions: background = most significant band, then ever narrower triangles.
  const legendRegions: Array<{ fill: string; label: string }> = [];
  if (o.contours && levels.length > 0) {
    const n = levels.length;
    const shade = (i: number): string => SHADES[Math.min(i, SHADES.length - 1)] ?? "#ddd";
    const smallest = levels[n - 1] as number;
    svg.rect(x0, y0, plotW, plotH, { fill: shade(n - 1), class: "contour", "data-p": `<${smallest}` });
    for (let i = n - 1; i >= 0; i--) {
      const p = levels[i] as number;
      const zz = zOf(p);
      const fill = i === 0 ? "#ffffff" : shade(i - 1);
      svg.polygon(
        [
          [X(data.null_value), Y(0)],
          [X(data.null_value - zz * yMax), Y(yMax)],
          [X(data.null_value + zz * yMax), Y(yMax)],
        ],
        { fill, class: "contour", "data-p": String(p) },
      );
    }
    legendRegions.push({ fill: "#ffffff", label: `p > ${formatPlain(levels[0] as number, 3)}` });
    for (let i = 0; i < n - 1; i++) {
      legendRegions.push({ fill: shade(i), label: `${formatPlain(levels[i + 1] as number, 3)} < p ≤ ${formatPlain(levels[i] as number, 3)}` });
    }
    legendRegions.push({ fill: shade(n - 1), label: `p ≤ ${formatPlain(smallest, 3)}` });
  } else {
    svg.rect(x0, y0, plotW, plotH, { fill: "#ffffff" });
  }
  // Horizontal grid at the SE ticks, faint.
  for (const t of yScale.ticks(5)) svg.line(x0, Y(t), x1, Y(t), { stroke: "#ffffff", "stroke-width": 0.5, "stroke-opacity": 0.6 });

  // Pseudo confidence limits and the centre line.
  const cx = X(data.centre);
  svg.line(cx, Y(0), X(data.centre - zCi * yMax), Y(yMax), { "stroke-dasharray": "4 3", "stroke-width": 0.9, class: "pseudo-ci" });
  svg.line(cx, Y(0), X(data.centre + zCi * yMax), Y(yMax), { "stroke-dasharray": "4 3", "stroke-width": 0.9, class: "pseudo-ci" });
  svg.line(cx, Y(0), cx, Y(yMax), { "stroke-width": 1, class: "centre-line", "data-value": String(data.centre) });

  svg.close("g");

  // Points (outside the clip): observed filled, trim-and-fill hollow.
  for (const p of data.points) {
    svg.circle(X(p.yi), Y(p.sei), 3.3, {
      fill: p.filled ? "#ffffff" : "#000000",
      stroke: "#000000",
      "stroke-width": 1,
      class: p.filled ? "point filled" : "point",
      "data-study": p.study,
    });
  }
  svg.rect(x0, y0, plotW, plotH, { fill: "none", stroke: "#000", "stroke-width": 0.8, class: "frame" });

  // ---- axes ----
  const yTicks = yScale.ticks(5);
  for (const t of yTicks) {
    svg.line(x0 - 4, Y(t), x0, Y(t), { "stroke-width": 0.8, class: "ytick", "data-value": String(t) });
    svg.text(x0 - 6, Y(t) + fs * 0.35, formatPlain(t, 3), { anchor: "end" });
  }
  const yLabelX = 14 + fs * 0.5;
  svg.text(yLabelX, (y0 + y1) / 2, "Standard error", { anchor: "middle", rotate: -90 });

  const xTicks: Array<{ at: number; label: string }> = ratio
    ? logTicks(Math.exp(lo), Math.exp(hi)).map((t) => ({ at: Math.log(t), label: tickLabel(t) }))
    : scaleLinear().domain([lo, hi]).ticks(6).map((t) => ({ at: t, label: tickLabel(t) }));
  for (const t of xTicks) {
    svg.line(X(t.at), y1, X(t.at), y1 + 4, { "stroke-width": 0.8, class: "xtick", "data-value": t.label });
    svg.text(X(t.at), y1 + 5 + fs, t.label, { anchor: "middle" });
  }
  const name = measureName(result.measure, result.method);
  const xLabel = o.xLabel ?? (ratio ? `${name} (log scale)` : name);
  svg.text((x0 + x1) / 2, y1 + 5 + fs + 8 + fs, xLabel, { anchor: "middle", cls: "x-label" });
  let width = x1 + 12;
  let height = y1 + 5 + fs + 8 + fs + 12;

  // ---- legend ----
  if (o.legend) {
    const lx = x1 + 16;
    let ly = y0 + 4;
    const item = (draw: (cy: number) => void, label: string): void => {
      draw(ly + 6);
      svg.text(lx + 24, ly + 6 + fs * 0.35, label);
      width = Math.max(width, lx + 24 + textWidth(label, fs) + 12);
      ly += fs + 7;
    };
    if (legendRegions.length > 0) {
      svg.text(lx, ly + fs * 0.8, "Two-sided p (vs null)", { bold: true });
      width = Math.max(width, lx + textWidth("Two-sided p (vs null)", fs, true) + 12);
      ly += fs + 8;
      for (const r of legendRegions) item((cy) => svg.rect(lx, cy - 6, 16, 12, { fill: r.fill, stroke: "#666", "stroke-width": 0.6 }), r.label);
      ly += 6;
    }
    item((cy) => svg.circle(lx + 8, cy, 3.3, { fill: "#000", stroke: "#000" }), "Study");
    if (data.points.some((p) => p.filled)) item((cy) => svg.circle(lx + 8, cy, 3.3, { fill: "#fff", stroke: "#000" }), "Added by trim-and-fill");
    item((cy) => svg.line(lx, cy, lx + 16, cy, { "stroke-width": 1 }), "Pooled estimate");
    item((cy) => svg.line(lx, cy, lx + 16, cy, { "stroke-width": 0.9, "stroke-dasharray": "4 3" }), `Pseudo ${formatPlain(result.level, 1)}% CI`);
    height = Math.max(height, ly + 12);
  }
  return svg.toString(widthWithTitle(width, o.title), height, o.title ?? "Funnel plot");
}
