/**
 * Pooled results of several meta-analyses side by side (a "summary forest"), so that conflicting answers to the
 * same question are shown next to each other rather than averaged: e.g. for IVIG and live birth, Gao 2025's
 * OR 2.24, the Cochrane review's Peto OR 0.98, the individual-participant RR 1.02 and Decidua's own reproduction.
 * Pure function returning an SVG string.
 */
import { z } from "zod";
import { forestLinearAxis, forestLogAxis, tickLabel } from "../../stats/plots/axis.js";
import { parseOrInputError } from "../../stats/plots/common.js";
import { formatFixed, SvgBuilder, textWidth, widthWithTitle } from "../../stats/plots/svg.js";
import { InputError } from "../../shared/errors.js";

const RATIO_MEASURES = ["OR", "RR", "HR", "Peto OR"] as const;
const DIFFERENCE_MEASURES = ["RD", "MD", "SMD"] as const;

export const PooledComparisonRowSchema = z.object({
  /** Who pooled it, e.g. "Gao 2025" or "Decidua (reproduction)". */
  label: z.string().min(1),
  /** Short description: studies, method, model ("11 RCTs, M-H fixed"). */
  detail: z.string().optional(),
  measure: z.enum([...RATIO_MEASURES, ...DIFFERENCE_MEASURES]),
  /** On the display scale: ratios as ratios, not logs. */
  estimate: z.number(),
  ci_lb: z.number(),
  ci_ub: z.number(),
  k: z.number().int().positive().optional(),
  /** Our own computation (drawn hollow) rather than a published number. */
  ours: z.boolean().default(false),
});
export type PooledComparisonRow = z.input<typeof PooledComparisonRowSchema>;

export const PooledComparisonOptionsSchema = z.object({
  title: z.string().optional(),
  favoursLeft: z.string().optional(),
  favoursRight: z.string().optional(),
  digits: z.number().int().min(0).max(6).default(2),
  graphWidth: z.number().min(80).max(1000).default(240),
  fontSize: z.number().min(6).max(24).default(11),
});
export type PooledComparisonOptions = z.input<typeof PooledComparisonOptionsSchema>;

/**
 * Draws each pooled result as a diamond spanning its CI (hollow for our own results). Ratios and differences
 * cannot share an axis: mixing them is an InputError. A published estimate outside its own CI is drawn as
 * reported and marked "estimate outside its CI".
 */
export function pooledComparisonSvg(rowsInput: PooledComparisonRow[], optionsInput: PooledComparisonOptions = {}): string {
  const rows = parseOrInputError(z.array(PooledComparisonRowSchema).min(1), rowsInput, "pooled results");
  const o = parseOrInputError(PooledComparisonOptionsSchema, optionsInput, "comparison plot options");
  const ratio = (RATIO_MEASURES as readonly string[]).includes(rows[0]!.measure);
  rows.forEach((r, i) => {
    if ((RATIO_MEASURES as readonly string[]).includes(r.measure) !== ratio) {
      throw new InputError(`"${r.label}" is a ${r.measure}; ratios and differences cannot share one axis`, { field: `${i}.measure` });
    }
    if (ratio && (r.estimate <= 0 || r.ci_lb <= 0 || r.ci_ub <= 0)) throw new InputError(`"${r.label}": a ratio and its limits must be positive`, { field: `${i}.estimate` });
    if (r.ci_lb > r.ci_ub) throw new InputError(`"${r.label}": lower limit ${r.ci_lb} above upper limit ${r.ci_ub}`, { field: `${i}.ci_lb` });
  });
  const fs = o.fontSize;
  const margin = 12;
  const gap = Math.round(fs * 1.1);
  const rowH = Math.round(fs * 1.9);
  const fmt = (v: number): string => formatFixed(v, o.digits);
  const cells = rows.map((r) => {
    const inconsistent = r.estimate < r.ci_lb || r.estimate > r.ci_ub;
    return {
      label: r.label,
      detail: r.detail ?? "",
      measure: r.measure,
      k: r.k !== undefined ? String(r.k) : "",
      est: `${fmt(r.estimate)} [${fmt(r.ci_lb)}, ${fmt(r.ci_ub)}]`,
      flag: inconsistent ? "estimate outside its CI" : "",
    };
  });
  const col = (key: keyof (typeof cells)[number], head: string): number => Math.max(textWidth(head, fs, true), ...cells.map((c) => textWidth(c[key], fs)));
  const labelW = col("label", "Analysis");
  const detailW = col("detail", "Studies and method");
  const measureW = col("measure", "Measure");
  const kW = col("k", "k");
  const estW = col("est", "Estimate [95% CI]");

  const xLabel = margin;
  const xDetail = xLabel + labelW + gap;
  const xMeasure = xDetail + detailW + gap;
  const xK = xMeasure + measureW + gap + kW; // right edge
  const xEst = xK + gap;
  const favSize = fs - 1;
  const favoursLeft = o.favoursLeft ?? "";
  const favoursRight = o.favoursRight ?? "";
  const spill = Math.max(textWidth(favoursLeft, favSize) + 8 - o.graphWidth / 2, 14, 0);
  const graphX0 = xEst + estW + gap + spill;
  const graphX1 = graphX0 + o.graphWidth;
  const required = rows.flatMap((r) => [r.estimate, r.ci_lb, r.ci_ub]);
  const axis = ratio ? forestLogAxis(required, [], graphX0, graphX1) : forestLinearAxis(required, [], graphX0, graphX1);
  const flagW = Math.max(0, ...cells.map((c) => (c.flag === "" ? 0 : textWidth(c.flag, fs - 1, false) + gap)));
  const rightSpill = Math.max(textWidth(favoursRight, favSize) + 8 - o.graphWidth / 2, 14);
  const totalW = widthWithTitle(graphX1 + Math.max(rightSpill, flagW) + margin, o.title);

  const svg = new SvgBuilder(fs);
  let y = margin;
  if (o.title !== undefined && o.title !== "") {
    svg.text(margin, y + 13, o.title, { size: 13, bold: true, cls: "title" });
    y += 13 + 10;
  }
  const base = (top: number): number => top + rowH / 2 + fs * 0.35;
  svg.text(xLabel, base(y), "Analysis", { bold: true });
  svg.text(xDetail, base(y), "Studies and method", { bold: true });
  svg.text(xMeasure, base(y), "Measure", { bold: true });
  svg.text(xK, base(y), "k", { bold: true, anchor: "end" });
  svg.text(xEst, base(y), "Estimate [95% CI]", { bold: true });
  y += rowH;
  svg.line(xLabel, y, graphX1, y, { "stroke-width": 0.8 });
  const bodyTop = y;
  const g = new SvgBuilder(fs);
  const clamp = (v: number): number => Math.min(graphX1, Math.max(graphX0, axis.toPx(v)));
  rows.forEach((r, i) => {
    const c = cells[i]!;
    const top = bodyTop + i * rowH;
    const cy = top + rowH / 2;
    if (i % 2 === 1) svg.rect(xLabel - 4, top, graphX1 - xLabel + 8, rowH, { fill: "#f4f4f4" });
    svg.text(xLabel, base(top), c.label, { bold: r.ours, cls: "comparison-label" });
    svg.text(xDetail, base(top), c.detail);
    svg.text(xMeasure, base(top), c.measure);
    svg.text(xK, base(top), c.k, { anchor: "end" });
    svg.text(xEst, base(top), c.est, { cls: "comparison-estimate" });
    const h = rowH * 0.5;
    const lb = clamp(r.ci_lb);
    const ub = clamp(r.ci_ub);
    const est = clamp(r.estimate);
    if (c.flag === "") {
      g.polygon(
        [
          [lb, cy],
          [est, cy - h / 2],
          [ub, cy],
          [est, cy + h / 2],
        ],
        { fill: r.ours ? "#ffffff" : "#000000", stroke: "#000", "stroke-width": 1, class: "diamond", "data-label": r.label },
      );
    } else {
      g.line(lb, cy, ub, cy, { "stroke-width": 1.5, class: "ci" });
      g.rect(est - 3.5, cy - 3.5, 7, 7, { fill: "#BF0000", class: "estimate-mark", "data-label": r.label });
      svg.text(graphX1 + gap, base(top), c.flag, { size: fs - 1, italic: true, fill: "#BF0000", cls: "flag" });
    }
  });
  const bodyBottom = bodyTop + rows.length * rowH;
  const nullX = axis.toPx(axis.nullValue);
  svg.line(nullX, bodyTop, nullX, bodyBottom + 4, { "stroke-width": 0.8, class: "null-line" });
  svg.raw(`<g class="graph">\n${g.body()}\n</g>`);
  const axisY = bodyBottom + 4;
  svg.line(graphX0, axisY, graphX1, axisY, { "stroke-width": 0.8, class: "axis" });
  for (const t of axis.ticks) {
    const tx = axis.toPx(t);
    svg.line(tx, axisY, tx, axisY + 4, { "stroke-width": 0.8, class: "tick", "data-value": String(t) });
    svg.text(tx, axisY + 5 + fs, tickLabel(t), { anchor: "middle" });
  }
  let bottom = axisY + 5 + fs + 6;
  if (favoursLeft !== "" || favoursRight !== "") {
    bottom += favSize + 2;
    if (favoursLeft !== "") svg.text(nullX - 8, bottom, favoursLeft, { anchor: "end", size: favSize });
    if (favoursRight !== "") svg.text(nullX + 8, bottom, favoursRight, { size: favSize });
    bottom += 4;
  }
  if (rows.some((r) => r.ours)) {
    bottom += fs + 6;
    svg.polygon(
      [
        [xLabel, bottom - fs * 0.35],
        [xLabel + 7, bottom - fs * 0.35 - 4],
        [xLabel + 14, bottom - fs * 0.35],
        [xLabel + 7, bottom - fs * 0.35 + 4],
      ],
      { fill: "#fff", stroke: "#000" },
    );
    svg.text(xLabel + 20, bottom, "Decidua's own computation; filled diamonds are published results", { size: fs - 1 });
  }
  return svg.toString(totalW, bottom + margin, o.title ?? "Pooled results side by side");
}
