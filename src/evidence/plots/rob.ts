/**
 * Risk-of-bias plots in the style of robvis (McGuinness & Higgins, Res Synth Methods 2021;12:55-61):
 * a traffic-light grid (one circle per study and domain) and a summary of stacked bars per domain.
 * Pure functions returning SVG strings.
 */
import { z } from "zod";
import { parseOrInputError } from "../../stats/plots/common.js";
import { SvgBuilder, textWidth, widthWithTitle, wrapText } from "../../stats/plots/svg.js";
import { InputError } from "../../shared/errors.js";
import { ROB_JUDGEMENTS_BY_TOOL, RobTableSchema, type RobJudgement, type RobTable, type RobTool } from "./types.js";

/** robvis colours. */
export const ROB_COLOURS: Record<RobJudgement, string> = {
  low: "#02C100",
  unclear: "#E2DF07",
  "some concerns": "#E2DF07",
  high: "#BF0000",
  moderate: "#E2DF07",
  serious: "#BF0000",
  critical: "#820000",
  "no information": "#4EA1F7",
  "not assessed": "#D9D9D9",
};

/** Symbol inside each judgement's circle (robvis) and its legend wording. */
const JUDGEMENT_LOOK: Record<RobJudgement, { symbol: string; label: string }> = {
  low: { symbol: "+", label: "Low risk of bias" },
  unclear: { symbol: "?", label: "Unclear risk of bias" },
  "some concerns": { symbol: "−", label: "Some concerns" },
  high: { symbol: "×", label: "High risk of bias" },
  moderate: { symbol: "−", label: "Moderate risk of bias" },
  serious: { symbol: "×", label: "Serious risk of bias" },
  critical: { symbol: "!", label: "Critical risk of bias" },
  "no information": { symbol: "?", label: "No information" },
  "not assessed": { symbol: "", label: "Not assessed" },
};

/** Symbols inside the circles: RoB 1 uses +, ?, -; RoB 2 follows robvis (+, -, x); ROBINS-I follows robvis (+, -, x, !, ?). */
export function robSymbol(tool: RobTool, j: RobJudgement): string {
  return tool === "RoB1" && j === "high" ? "−" : JUDGEMENT_LOOK[j].symbol;
}

/** Legend wording. */
export function robJudgementLabel(j: RobJudgement): string {
  return JUDGEMENT_LOOK[j].label;
}

const symbolFill = (j: RobJudgement): string => (j === "high" || j === "low" || j === "serious" || j === "critical" ? "#ffffff" : "#000000");

function parseTable(table: unknown): RobTable {
  return parseOrInputError(RobTableSchema, table, "risk-of-bias table");
}

/** Judgement of a study in a domain (missing = not assessed). */
function judgementOf(s: RobTable["studies"][number], domain: string): RobJudgement {
  return s.judgements[domain] ?? "not assessed";
}

export const RobPlotOptionsSchema = z.object({
  title: z.string().optional(),
  fontSize: z.number().min(6).max(24).default(11),
});
export type RobPlotOptions = z.input<typeof RobPlotOptionsSchema>;

/** robvis-style traffic-light plot. Throws InputError for an invalid table. */
export function robTrafficLightSvg(tableInput: RobTable, optionsInput: RobPlotOptions = {}): string {
  const t = parseTable(tableInput);
  const o = parseOrInputError(RobPlotOptionsSchema, optionsInput, "risk-of-bias plot options");
  const fs = o.fontSize;
  const hasOverall = t.studies.some((s) => s.overall !== undefined);
  const cols = t.domains.map((d, i) => ({ key: `D${i + 1}`, domain: d as string | null }));
  if (hasOverall) cols.push({ key: "Overall", domain: null });

  const margin = 12;
  const cell = Math.round(fs * 2.6);
  const r = cell * 0.38;
  const studyW = Math.max(textWidth("Study", fs, true), ...t.studies.map((s) => textWidth(s.study, fs))) + 14;
  const gridX = margin + studyW;
  const overallW = hasOverall ? Math.max(cell, textWidth("Overall", fs - 1, true) + 12) : 0;
  const colX = (i: number): number => gridX + cell * Math.min(i, t.domains.length) + (i > t.domains.length ? overallW : 0);
  const colW = (i: number): number => (i < t.domains.length ? cell : overallW);
  const gridW = cell * t.domains.length + overallW;
  const svg = new SvgBuilder(fs);
  let y = margin;
  if (o.title !== undefined && o.title !== "") {
    svg.text(margin, y + 13, o.title, { size: 13, bold: true, cls: "title" });
    y += 13 + 12;
  }
  const headerH = fs + 10;
  svg.rect(gridX, y, gridW, headerH, { fill: "#d9d9d9", stroke: "#8c8c8c", "stroke-width": 0.6 });
  svg.text(gridX + (cell * t.domains.length) / 2, y + headerH / 2 + fs * 0.35, "Risk of bias domains", { anchor: "middle", bold: true });
  y += headerH;
  svg.rect(gridX, y, gridW, headerH, { fill: "#ececec", stroke: "#8c8c8c", "stroke-width": 0.6 });
  svg.text(margin, y + headerH / 2 + fs * 0.35, "Study", { bold: true });
  cols.forEach((c, i) => svg.text(colX(i) + colW(i) / 2, y + headerH / 2 + fs * 0.35, c.key, { anchor: "middle", bold: true, size: c.domain === null ? fs - 1 : fs }));
  y += headerH;
  const gridTop = y;
  t.studies.forEach((s, si) => {
    const top = gridTop + si * cell;
    const cy = top + cell / 2;
    if (si % 2 === 1) svg.rect(gridX, top, gridW, cell, { fill: "#f6f6f6" });
    svg.text(margin, cy + fs * 0.35, s.study, { cls: "study-label", attrs: { "data-study": s.study } });
    cols.forEach((c, ci) => {
      const j = c.domain === null ? (s.overall ?? "not assessed") : judgementOf(s, c.domain);
      const cx = colX(ci) + colW(ci) / 2;
      svg.circle(cx, cy, r, {
        fill: ROB_COLOURS[j],
        stroke: "#4d4d4d",
        "stroke-width": 0.6,
        class: "rob-cell",
        "data-study": s.study,
        "data-domain": c.domain ?? "Overall",
        "data-judgement": j,
      });
      const sym = robSymbol(t.tool, j);
      if (sym !== "") svg.text(cx, cy + fs * 0.42, sym, { anchor: "middle", bold: true, size: fs + 1, fill: symbolFill(j), cls: "rob-symbol" });
    });
  });
  const gridBottom = gridTop + t.studies.length * cell;
  svg.rect(gridX, gridTop - headerH * 2, gridW, gridBottom - gridTop + headerH * 2, { fill: "none", stroke: "#8c8c8c", "stroke-width": 0.6 });
  for (let i = 1; i < cols.length; i++) {
    const lx = colX(i);
    svg.line(lx, gridTop - headerH, lx, gridBottom, { stroke: "#c8c8c8", "stroke-width": 0.5 });
  }
  if (hasOverall) svg.line(gridX + cell * t.domains.length, gridTop - headerH * 2, gridX + cell * t.domains.length, gridBottom, { stroke: "#8c8c8c", "stroke-width": 0.8 });

  // Key to the domains, then the judgements.
  let width = gridX + gridW + margin;
  y = gridBottom + 18;
  svg.text(margin, y, "Domains:", { bold: true });
  for (const [i, d] of t.domains.entries()) {
    y += fs + 5;
    const line = `D${i + 1}: ${d}`;
    svg.text(margin, y, line, { cls: "domain-key" });
    width = Math.max(width, margin + textWidth(line, fs) + margin);
  }
  y += 22;
  svg.text(margin, y, "Judgement:", { bold: true });
  let lx = margin + textWidth("Judgement:", fs, true) + 12;
  const used = ROB_JUDGEMENTS_BY_TOOL[t.tool].filter((j) => j !== "not assessed" || t.studies.some((s) => s.overall === "not assessed" || t.domains.some((d) => judgementOf(s, d) === "not assessed")));
  for (const j of used) {
    const cy = y - fs * 0.35;
    svg.circle(lx + 8, cy, 7.5, { fill: ROB_COLOURS[j], stroke: "#4d4d4d", "stroke-width": 0.6 });
    const sym = robSymbol(t.tool, j);
    if (sym !== "") svg.text(lx + 8, cy + fs * 0.35, sym, { anchor: "middle", bold: true, size: fs - 1, fill: symbolFill(j) });
    const label = robJudgementLabel(j);
    svg.text(lx + 20, y, label, { cls: "legend-label" });
    lx += 20 + textWidth(label, fs) + 16;
  }
  width = Math.max(width, lx + margin);
  return svg.toString(widthWithTitle(width, o.title), y + margin + 4, o.title ?? `Risk of bias (${t.tool}): traffic-light plot`);
}

export const RobSummaryOptionsSchema = RobPlotOptionsSchema.extend({
  /** Weight each study by its `weight` (as robvis's weighted summary); every study must then carry one. */
  weighted: z.boolean().default(false),
  barWidth: z.number().min(100).max(2000).default(360),
});
export type RobSummaryOptions = z.input<typeof RobSummaryOptionsSchema>;

/** Share of (weighted) studies per judgement in one domain; null domain = overall. Fractions sum to 1. */
export function robDomainShares(tableInput: RobTable, domain: string | null, weighted = false): Record<RobJudgement, number> {
  const t = parseTable(tableInput);
  const shares: Record<RobJudgement, number> = { low: 0, unclear: 0, "some concerns": 0, high: 0, moderate: 0, serious: 0, critical: 0, "no information": 0, "not assessed": 0 };
  let total = 0;
  t.studies.forEach((s, i) => {
    if (weighted && s.weight === undefined) throw new InputError(`study "${s.study}" has no weight for the weighted summary`, { field: `studies.${i}.weight` });
    const w = weighted ? (s.weight as number) : 1;
    const j = domain === null ? (s.overall ?? "not assessed") : judgementOf(s, domain);
    shares[j] += w;
    total += w;
  });
  if (total <= 0) throw new InputError("the study weights sum to zero", { field: "studies" });
  for (const k of Object.keys(shares) as RobJudgement[]) shares[k] /= total;
  return shares;
}

/** robvis-style summary plot: one stacked bar per domain (and overall), in percent of studies. */
export function robSummarySvg(tableInput: RobTable, optionsInput: RobSummaryOptions = {}): string {
  const t = parseTable(tableInput);
  const o = parseOrInputError(RobSummaryOptionsSchema, optionsInput, "risk-of-bias summary options");
  const fs = o.fontSize;
  const margin = 12;
  const hasOverall = t.studies.some((s) => s.overall !== undefined);
  const rows: Array<{ label: string; domain: string | null }> = t.domains.map((d) => ({ label: d, domain: d }));
  if (hasOverall) rows.push({ label: "Overall risk of bias", domain: null });
  const maxLabelW = 300;
  const wrapped = rows.map((r) => wrapText(r.label, maxLabelW, fs, r.domain === null));
  const labelW = Math.max(...wrapped.map((ls, i) => Math.max(...ls.map((l) => textWidth(l, fs, rows[i]?.domain === null)))));
  const barX = margin + labelW + 12;
  const barW = o.barWidth;
  const barH = Math.round(fs * 1.7);
  const svg = new SvgBuilder(fs);
  let y = margin;
  if (o.title !== undefined && o.title !== "") {
    svg.text(margin, y + 13, o.title, { size: 13, bold: true, cls: "title" });
    y += 13 + 12;
  }
  const order = ROB_JUDGEMENTS_BY_TOOL[t.tool];
  const presentJ = new Set<RobJudgement>();
  const top0 = y;
  const bars = new SvgBuilder(fs);
  rows.forEach((row, i) => {
    const lines = wrapped[i] ?? [row.label];
    const rowH = Math.max(barH + 8, lines.length * (fs + 3) + 6);
    const cy = y + rowH / 2;
    lines.forEach((l, li) => {
      const ly = cy - ((lines.length - 1) * (fs + 3)) / 2 + li * (fs + 3) + fs * 0.35;
      bars.text(barX - 12, ly, l, { anchor: "end", bold: row.domain === null, cls: "domain-label" });
    });
    const shares = robDomainShares(t, row.domain, o.weighted);
    let x = barX;
    for (const j of order) {
      const f = shares[j];
      if (f <= 0) continue;
      presentJ.add(j);
      const w = f * barW;
      bars.rect(x, cy - barH / 2, w, barH, {
        fill: ROB_COLOURS[j],
        stroke: "#ffffff",
        "stroke-width": 0.6,
        class: "rob-segment",
        "data-domain": row.domain ?? "Overall",
        "data-judgement": j,
        "data-fraction": String(f),
      });
      const pct = `${Math.round(f * 100)}%`;
      if (w >= textWidth(pct, fs - 1, true) + 8) {
        bars.text(x + w / 2, cy + (fs - 1) * 0.35, pct, { anchor: "middle", size: fs - 1, bold: true, fill: symbolFill(j) });
      }
      x += w;
    }
    y += rowH;
  });
  // Axis, grid lines under the bars.
  for (const p of [25, 50, 75, 100]) {
    const tx = barX + (p / 100) * barW;
    svg.line(tx, top0, tx, y + 2, { stroke: "#c8c8c8", "stroke-width": 0.5, "stroke-dasharray": "2 2" });
  }
  svg.raw(bars.body());
  svg.line(barX, top0, barX, y + 2, { "stroke-width": 0.8 });
  svg.line(barX, y + 2, barX + barW, y + 2, { "stroke-width": 0.8 });
  for (const p of [0, 25, 50, 75, 100]) {
    const tx = barX + (p / 100) * barW;
    svg.line(tx, y + 2, tx, y + 6, { "stroke-width": 0.8, class: "tick", "data-value": String(p) });
    svg.text(tx, y + 7 + fs, `${p}%`, { anchor: "middle" });
  }
  y += 7 + fs + 18;
  // Legend.
  let lx = barX;
  let width = barX + barW + margin + 6;
  for (const j of order.filter((jj) => presentJ.has(jj))) {
    svg.rect(lx, y - fs * 0.85, 12, 12, { fill: ROB_COLOURS[j], stroke: "#4d4d4d", "stroke-width": 0.5 });
    const label = robJudgementLabel(j);
    svg.text(lx + 17, y, label);
    lx += 17 + textWidth(label, fs) + 16;
  }
  width = Math.max(width, lx + margin);
  const what = o.weighted ? "weighted by study weight" : "percentage of studies";
  svg.text(barX, y + fs + 10, `Bars: ${what}${o.weighted ? "" : ` (n = ${t.studies.length})`}`, { size: fs - 1, italic: true, fill: "#444" });
  return svg.toString(widthWithTitle(width, o.title), y + fs + 10 + margin, o.title ?? `Risk of bias (${t.tool}): summary plot`);
}
