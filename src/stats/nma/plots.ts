/**
 * Plots of a network meta-analysis as SVG strings (pure): the network graph and the forest plot of every treatment
 * relative to the reference. Built with the project's SVG writer and forest axes (src/stats/plots).
 *
 * Network graph: treatments on a circle (netmeta's default layout), in the result's treatment order; node area
 * proportional to the participants randomised to the treatment (to its number of studies for contrast input, which
 * has no arm sizes); edge width proportional to the number of studies comparing the two treatments directly, with
 * that number written on the edge.
 */
import { z } from "zod";
import { forestLinearAxis, forestLogAxis, tickLabel } from "../plots/axis.js";
import { formatFixed, SvgBuilder, textWidth, widthWithTitle } from "../plots/svg.js";
import type { NmaMeasure, NmaResult } from "./types.js";

const MEASURE_NAME: Record<NmaMeasure, string> = {
  OR: "Odds Ratio",
  RR: "Risk Ratio",
  RD: "Risk Difference",
  MD: "Mean Difference",
  SMD: "Std. Mean Difference",
  GEN: "Estimate",
};

/** OR and RR are analysed on the log scale and shown as ratios. */
export function nmaIsRatio(measure: NmaMeasure): boolean {
  return measure === "OR" || measure === "RR";
}

export const NetworkPlotOptionsSchema = z.object({
  title: z.string().optional(),
  size: z.number().min(200).max(2000).default(520),
  fontSize: z.number().min(6).max(24).default(11),
  nodeColour: z.string().regex(/^#[0-9a-fA-F]{3,8}$/).default("#1f4e8c"),
  edgeColour: z.string().regex(/^#[0-9a-fA-F]{3,8}$/).default("#7a8ca3"),
});
export type NetworkPlotOptions = z.input<typeof NetworkPlotOptionsSchema>;

/** Network graph SVG. */
export function networkPlotSvg(result: NmaResult, options: NetworkPlotOptions = {}): string {
  const o = NetworkPlotOptionsSchema.parse(options);
  const fs = o.fontSize;
  const n = result.treatments.length;
  const byParticipants = result.treatments.every((t) => t.participants !== null);
  const sizeOf = (t: NmaResult["treatments"][number]): number => (byParticipants ? (t.participants as number) : t.studies);
  const maxSize = Math.max(...result.treatments.map(sizeOf), 1);
  const maxR = 26;
  const minR = 5;
  const radius = (v: number): number => Math.max(minR, maxR * Math.sqrt(v / maxSize));
  const labelW = Math.max(...result.treatments.map((t) => textWidth(t.treatment, fs, true)));
  const margin = 24 + maxR + labelW;
  const vMargin = 16 + maxR + 2 * fs;
  const ring = o.size / 2;
  const width = widthWithTitle(2 * (ring + margin), o.title);
  const top = o.title !== undefined ? 30 : 8;
  const cx = width / 2;
  const cy = top + ring + vMargin;
  const height = cy + ring + vMargin + 40;
  const pos = new Map<string, [number, number]>();
  result.treatments.forEach((t, i) => {
    const a = -Math.PI / 2 + (2 * Math.PI * i) / n;
    pos.set(t.treatment, [cx + ring * Math.cos(a), cy + ring * Math.sin(a)]);
  });
  const svg = new SvgBuilder(fs);
  if (o.title !== undefined) svg.text(12, 20, o.title, { size: 13, bold: true });
  const maxStudies = Math.max(...result.edges.map((e) => e.studies), 1);
  svg.open("g", { class: "edges" });
  for (const e of result.edges) {
    const [x1, y1] = pos.get(e.treatment1) as [number, number];
    const [x2, y2] = pos.get(e.treatment2) as [number, number];
    const w = 1 + 7 * (e.studies / maxStudies);
    svg.line(x1, y1, x2, y2, { stroke: o.edgeColour, "stroke-width": w, "stroke-linecap": "round", "data-studies": e.studies, "data-edge": `${e.treatment1}|${e.treatment2}` });
  }
  svg.close("g");
  svg.open("g", { class: "edge-labels" });
  for (const e of result.edges) {
    const [x1, y1] = pos.get(e.treatment1) as [number, number];
    const [x2, y2] = pos.get(e.treatment2) as [number, number];
    const mx = (x1 + x2) / 2;
    const my = (y1 + y2) / 2;
    const label = String(e.studies);
    const lw = textWidth(label, fs - 1) + 6;
    svg.rect(mx - lw / 2, my - fs / 2 - 2, lw, fs + 3, { fill: "#fff", opacity: 0.85 });
    svg.text(mx, my + fs / 2 - 2, label, { size: fs - 1, anchor: "middle", fill: "#333" });
  }
  svg.close("g");
  svg.open("g", { class: "nodes" });
  for (const t of result.treatments) {
    const [x, y] = pos.get(t.treatment) as [number, number];
    const r = radius(sizeOf(t));
    svg.circle(x, y, r, { fill: o.nodeColour, stroke: "#fff", "stroke-width": 1.5, "data-treatment": t.treatment, "data-size": sizeOf(t) });
    const dx = x - cx;
    const dy = y - cy;
    const len = Math.hypot(dx, dy) || 1;
    const lx = x + (dx / len) * (r + 8);
    const ly = y + (dy / len) * (r + 8) + fs / 3;
    const anchor = Math.abs(dx) < 1e-6 * o.size ? "middle" : dx > 0 ? "start" : "end";
    svg.text(lx, ly, t.treatment, { bold: t.treatment === result.reference, anchor });
  }
  svg.close("g");
  const legend = byParticipants ? "Node area: participants randomised. Edge width and number: studies comparing the two treatments directly." : "Node area: studies (contrast input has no arm sizes). Edge width and number: studies comparing the two treatments directly.";
  svg.text(12, height - 22, legend, { size: fs - 1, fill: "#333" });
  svg.text(12, height - 8, `${result.k} studies, ${result.n} treatments, ${result.multi_arm} multi-arm stud${result.multi_arm === 1 ? "y" : "ies"}; reference in bold: ${result.reference}`, { size: fs - 1, fill: "#333" });
  return svg.toString(width, height, o.title ?? "Network of treatments");
}

export const NmaForestOptionsSchema = z.object({
  title: z.string().optional(),
  graphWidth: z.number().min(80).max(1000).default(240),
  fontSize: z.number().min(6).max(24).default(11),
  squareColour: z.string().regex(/^#[0-9a-fA-F]{3,8}$/).default("#1f4e8c"),
  favoursLeft: z.string().optional(),
  favoursRight: z.string().optional(),
  digits: z.number().int().min(0).max(6).optional(),
});
export type NmaForestOptions = z.input<typeof NmaForestOptionsSchema>;

/** Forest plot of every treatment relative to the reference, with the P-score of each. */
export function nmaForestPlotSvg(result: NmaResult, options: NmaForestOptions = {}): string {
  const o = NmaForestOptionsSchema.parse(options);
  const fs = o.fontSize;
  const ratio = nmaIsRatio(result.measure);
  const show = (x: number): number => (ratio ? Math.exp(x) : x);
  const digits = o.digits ?? 2;
  const rows = result.estimates;
  const pscore = new Map(result.pscores.map((p) => [p.treatment, p.pscore]));
  const labelHead = `Treatment vs ${result.reference}`;
  const labelW = Math.max(textWidth(labelHead, fs, true), ...rows.map((r) => textWidth(r.treatment, fs))) + 16;
  const effHead = `${MEASURE_NAME[result.measure]} [${formatFixed(result.level, 0)}% CI]`;
  const effText = (r: (typeof rows)[number]): string => `${formatFixed(show(r.estimate), digits)} [${formatFixed(show(r.ci_lb), digits)}, ${formatFixed(show(r.ci_ub), digits)}]`;
  const effW = Math.max(textWidth(effHead, fs, true), ...rows.map((r) => textWidth(effText(r), fs))) + 16;
  const pW = textWidth("P-score", fs, true) + 16;
  const x0 = 12 + labelW + effW + pW;
  const x1 = x0 + o.graphWidth;
  const width = widthWithTitle(x1 + 20, o.title);
  const top = o.title !== undefined ? 34 : 12;
  const rowH = fs + 8;
  const headY = top + fs;
  const firstY = headY + rowH;
  const lastY = firstY + rowH * (rows.length - 1);
  const required = rows.map((r) => show(r.estimate));
  const preferred = rows.flatMap((r) => [show(r.ci_lb), show(r.ci_ub)]);
  const axis = ratio ? forestLogAxis(required, preferred, x0, x1) : forestLinearAxis(required, preferred, x0, x1);
  const svg = new SvgBuilder(fs);
  if (o.title !== undefined) svg.text(12, 20, o.title, { size: 13, bold: true });
  svg.text(12, headY, labelHead, { bold: true });
  svg.text(12 + labelW, headY, effHead, { bold: true });
  svg.text(12 + labelW + effW, headY, "P-score", { bold: true });
  svg.text((x0 + x1) / 2, headY, `${MEASURE_NAME[result.measure]} (${result.model === "random" ? "random" : "fixed"} effects)`, { bold: true, anchor: "middle" });
  svg.line(12, headY + 4, x1, headY + 4, { "stroke-width": 0.75 });
  const clamp = (v: number): number => Math.min(Math.max(v, axis.min), axis.max);
  rows.forEach((r, i) => {
    const y = firstY + rowH * i;
    svg.text(12, y, r.treatment);
    svg.text(12 + labelW, y, effText(r));
    const ps = pscore.get(r.treatment);
    svg.text(12 + labelW + effW, y, ps === undefined ? "" : formatFixed(ps, 2));
    const lb = axis.toPx(clamp(show(r.ci_lb)));
    const ub = axis.toPx(clamp(show(r.ci_ub)));
    const cy = y - fs / 3;
    svg.line(lb, cy, ub, cy, { "stroke-width": 1, "data-treatment": r.treatment });
    const est = show(r.estimate);
    if (est >= axis.min && est <= axis.max) {
      const px = axis.toPx(est);
      svg.rect(px - 4, cy - 4, 8, 8, { fill: o.squareColour, "data-estimate": r.estimate });
    }
  });
  const axisY = lastY + rowH / 2 + 4;
  const nullPx = axis.toPx(axis.nullValue);
  svg.line(nullPx, headY + 8, nullPx, axisY, { "stroke-width": 0.75 });
  svg.line(x0, axisY, x1, axisY, { "stroke-width": 0.75 });
  for (const t of axis.ticks) {
    const px = axis.toPx(t);
    svg.line(px, axisY, px, axisY + 4, { "stroke-width": 0.75 });
    svg.text(px, axisY + 6 + fs, tickLabel(t), { size: fs - 1, anchor: "middle" });
  }
  const favY = axisY + 2 * fs + 10;
  const goodLow = result.pscore_direction === "smaller is better";
  const left = o.favoursLeft ?? (goodLow ? `Favours treatment` : `Favours ${result.reference}`);
  const right = o.favoursRight ?? (goodLow ? `Favours ${result.reference}` : `Favours treatment`);
  svg.text(nullPx - 6, favY, left, { size: fs - 1, anchor: "end" });
  svg.text(nullPx + 6, favY, right, { size: fs - 1, anchor: "start" });
  const h = result.heterogeneity;
  const het = `Heterogeneity: tau² = ${formatFixed(h.tau2, 4)} (${result.tau2_method ?? "-"}); Q = ${formatFixed(h.Q, 2)}, df = ${h.Q_df}${h.I2 === null ? "" : `; I² = ${formatFixed(h.I2, 0)}%`}. P-score: ${result.pscore_direction}.`;
  svg.text(12, favY + fs + 10, het, { size: fs - 1, fill: "#333" });
  svg.text(12, favY + 2 * fs + 16, `${result.k} studies, ${result.n} treatments; network estimates combine direct and indirect evidence.`, { size: fs - 1, fill: "#333" });
  return svg.toString(Math.max(width, 12 + textWidth(het, fs - 1) + 12), favY + 2 * fs + 26, o.title ?? `Network meta-analysis: treatments vs ${result.reference}`);
}
