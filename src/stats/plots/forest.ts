/**
 * RevMan 5 style forest plot as an SVG string (pure; no I/O).
 *
 * Layout, left to right: study, per-arm data (events/total, mean/SD/total, or estimate/SE for generic data),
 * weight, estimate with CI as text, and the graph (squares with area proportional to weight, CI whiskers with
 * arrows when clipped, line of no effect, diamonds, prediction interval). Footer: total events, heterogeneity,
 * test for overall effect and, with subgroups, the test for subgroup differences.
 */
import { z } from "zod";
import type { Heterogeneity, MetaResult, Pooled, StudyResult } from "../types.js";
import { forestLinearAxis, forestLogAxis, isRatioMeasure, tickLabel, type Axis } from "./axis.js";
import { i2FromQ } from "../core/heterogeneity.js";
import { measureName, methodText, parseMetaResult, parseOrInputError } from "./common.js";
import { arrowHead, formatFixed, formatP, formatPercent, formatPlain, linearDigits, SvgBuilder, textWidth, widthWithTitle, wrapText } from "./svg.js";

export const ForestPlotOptionsSchema = z.object({
  title: z.string().optional(),
  /** Column-group labels over the arms (RevMan: "Experimental", "Control"). */
  experimentalLabel: z.string().default("Experimental"),
  controlLabel: z.string().default("Control"),
  /** Labels under the axis, left and right of the line of no effect. */
  favoursLeft: z.string().optional(),
  favoursRight: z.string().optional(),
  /** Replaces the measure name in the headers ("Odds Ratio"). */
  measureLabel: z.string().optional(),
  /** Decimals of estimates and limits (default 2 for ratios; 2 or more for differences, see linearDigits). */
  digits: z.number().int().min(0).max(6).optional(),
  /** Axis limits on the display scale (ratios for OR/RR). */
  axisLimits: z.tuple([z.number(), z.number()]).optional(),
  /** Prediction-interval row under the total (random effects, k >= 3). Default: yes, except with the revman5 preset (RevMan 5 has none). */
  predictionInterval: z.boolean().optional(),
  /** Overall total when subgroups are shown. Default true. */
  showOverall: z.boolean().default(true),
  /** Print result.notes under the plot. Default true. */
  showNotes: z.boolean().default(true),
  graphWidth: z.number().min(80).max(1000).default(220),
  fontSize: z.number().min(6).max(24).default(11),
  squareColour: z.string().regex(/^#[0-9a-fA-F]{3,8}$/).default("#1f4e8c"),
  /** For GEN results whose effects are logs of ratios (e.g. log hazard ratios): plot exp() on a log axis. */
  logScale: z.boolean().default(false),
});
export type ForestPlotOptions = z.input<typeof ForestPlotOptionsSchema>;

interface Cell {
  text: string;
  bold?: boolean;
}

type Graphic =
  | { type: "square"; study: string; est: number; lb: number; ub: number; weight: number }
  | { type: "diamond"; role: "total" | "subtotal"; group?: string; est: number; lb: number; ub: number }
  | { type: "pi"; lb: number; ub: number };

interface Row {
  kind: "study" | "heading" | "subtotal" | "total" | "events" | "note" | "pi" | "blank";
  label?: Cell;
  data?: (Cell | undefined)[];
  weight?: Cell;
  est?: Cell;
  ci?: Cell;
  /** "Not estimable" in place of estimate and CI. */
  whole?: Cell;
  graphic?: Graphic;
  study?: string;
}

type DataKind = "binary" | "continuous" | "generic";

function dataKind(studies: readonly StudyResult[]): DataKind {
  const kinds = new Set(studies.map((s) => s.data.kind));
  if (kinds.size === 1) return [...kinds][0] as DataKind;
  return "generic";
}

/** The label shown for a study: its name, plus the year when the name does not already contain it. */
export function studyLabel(s: Pick<StudyResult, "study" | "year">): string {
  if (s.year === undefined || s.study.includes(String(s.year))) return s.study;
  return `${s.study} ${s.year}`;
}

function heterogeneityText(h: Heterogeneity, k: number, random: boolean): string {
  if (k < 2) return "Heterogeneity: Not applicable";
  const tau = random ? `Tau² = ${formatFixed(h.tau2, h.tau2 >= 0.0005 && h.tau2 < 0.005 ? 3 : 2)}; ` : "";
  return `Heterogeneity: ${tau}Chi² = ${formatFixed(h.QE, 2)}, df = ${formatPlain(h.QE_df, 2)} (P ${formatP(h.QE_pval)}); I² = ${Math.round(h.I2)}%`;
}

function overallEffectText(p: Pooled): string {
  if (p.df !== null) return `Test for overall effect: t = ${formatFixed(Math.abs(p.zval), 2)}, df = ${formatPlain(p.df, 2)} (P ${formatP(p.pval)})`;
  return `Test for overall effect: Z = ${formatFixed(Math.abs(p.zval), 2)} (P ${formatP(p.pval)})`;
}

/** Test for subgroup differences with I² = (Q - df) / Q, as RevMan prints it. */
export function subgroupDifferenceText(t: { Q: number; df: number; pval: number }): string {
  const i2 = i2FromQ(t.Q, t.df);
  return `Test for subgroup differences: Chi² = ${formatFixed(t.Q, 2)}, df = ${formatPlain(t.df, 2)} (P ${formatP(t.pval)}), I² = ${formatFixed(i2, 1)}%`;
}

/** Renders the forest plot of a meta-analysis result. Throws InputError for an invalid result or options. */
export function forestPlotSvg(resultInput: MetaResult, optionsInput: ForestPlotOptions = {}): string {
  const result = parseMetaResult(resultInput);
  const o = parseOrInputError(ForestPlotOptionsSchema, optionsInput, "forest plot options");
  const fs = o.fontSize;
  const ratio = isRatioMeasure(result.measure) || (result.measure === "GEN" && o.logScale);
  const toDisplay = (v: number): number => (ratio ? Math.exp(v) : v);
  const kind = dataKind(result.studies);
  const random = result.model === "random";
  const showPi = o.predictionInterval ?? result.preset !== "revman5";

  const widths = result.studies.filter((s) => s.included && s.ci_lb !== null && s.ci_ub !== null).map((s) => (s.ci_ub ?? 0) - (s.ci_lb ?? 0));
  widths.push(result.pooled.ci_ub - result.pooled.ci_lb);
  const digits = o.digits ?? (ratio ? 2 : linearDigits(widths));
  const fmt = (v: number): string => formatFixed(toDisplay(v), digits);
  const ciText = (lb: number, ub: number): string => `[${fmt(lb)}, ${fmt(ub)}]`;

  // ---- data columns --------------------------------------------------------------------------------
  const dataHeaders: string[] =
    kind === "binary"
      ? ["Events", "Total", "Events", "Total"]
      : kind === "continuous"
        ? ["Mean", "SD", "Total", "Mean", "SD", "Total"]
        : [ratio ? `log[${measureName(result.measure, result.method)}]` : "Effect", "SE"];
  const armSpan = kind === "binary" ? 2 : kind === "continuous" ? 3 : 0;

  const studyData = (s: StudyResult): (Cell | undefined)[] => {
    const d = s.data;
    if (kind === "binary" && d.kind === "binary") {
      return [{ text: String(d.events_t) }, { text: String(d.total_t) }, { text: String(d.events_c) }, { text: String(d.total_c) }];
    }
    if (kind === "continuous" && d.kind === "continuous") {
      return [
        { text: formatPlain(d.mean_t, 2) },
        { text: formatPlain(d.sd_t, 2) },
        { text: String(d.total_t) },
        { text: formatPlain(d.mean_c, 2) },
        { text: formatPlain(d.sd_c, 2) },
        { text: String(d.total_c) },
      ];
    }
    const yi = s.yi ?? (d.kind === "generic" ? d.yi : null);
    const vi = s.vi ?? (d.kind === "generic" ? d.vi : null);
    return [yi === null ? undefined : { text: formatFixed(yi, 4) }, vi === null ? undefined : { text: formatFixed(Math.sqrt(vi), 4) }];
  };

  const totals = (studies: readonly StudyResult[], bold: boolean): { n: (Cell | undefined)[]; events: (Cell | undefined)[] } => {
    let et = 0;
    let nt = 0;
    let ec = 0;
    let nc = 0;
    for (const s of studies) {
      const d = s.data;
      if (d.kind === "binary") {
        et += d.events_t;
        ec += d.events_c;
      }
      if (d.kind !== "generic") {
        nt += d.total_t;
        nc += d.total_c;
      }
    }
    if (kind === "binary") {
      return {
        n: [undefined, { text: String(nt), bold }, undefined, { text: String(nc), bold }],
        events: [{ text: String(et) }, undefined, { text: String(ec) }, undefined],
      };
    }
    if (kind === "continuous") return { n: [undefined, undefined, { text: String(nt), bold }, undefined, undefined, { text: String(nc), bold }], events: [] };
    return { n: [], events: [] };
  };

  // ---- rows --------------------------------------------------------------------------------------------
  const rows: Row[] = [];
  const studyRow = (s: StudyResult): Row => {
    const label = studyLabel(s);
    const row: Row = { kind: "study", label: { text: label }, data: studyData(s), study: label };
    if (s.included && s.yi !== null && s.ci_lb !== null && s.ci_ub !== null) {
      row.weight = { text: formatPercent(s.weight) };
      row.est = { text: fmt(s.yi) };
      row.ci = { text: ciText(s.ci_lb, s.ci_ub) };
      row.graphic = { type: "square", study: label, est: toDisplay(s.yi), lb: toDisplay(s.ci_lb), ub: toDisplay(s.ci_ub), weight: s.weight };
    } else {
      row.whole = { text: "Not estimable" };
    }
    return row;
  };

  const footerFor = (studies: readonly StudyResult[], pooled: Pooled, het: Heterogeneity, k: number, label: string, role: "total" | "subtotal", group?: string): Row[] => {
    const t = totals(studies, true);
    const weightSum = studies.filter((s) => s.included).reduce((a, s) => a + s.weight, 0);
    const out: Row[] = [];
    const diamond: Graphic = { type: "diamond", role, est: toDisplay(pooled.estimate), lb: toDisplay(pooled.ci_lb), ub: toDisplay(pooled.ci_ub) };
    if (group !== undefined) diamond.group = group;
    const sum: Row = { kind: role, label: { text: label, bold: true }, data: t.n, weight: { text: formatPercent(weightSum), bold: true } };
    if (k > 0) {
      sum.est = { text: fmt(pooled.estimate), bold: true };
      sum.ci = { text: ciText(pooled.ci_lb, pooled.ci_ub), bold: true };
      sum.graphic = diamond;
    } else {
      sum.whole = { text: "Not estimable", bold: true };
    }
    out.push(sum);
    if (role === "total" && random && showPi && k >= 3 && pooled.pi_lb !== null && pooled.pi_ub !== null) {
      out.push({
        kind: "pi",
        label: { text: "Prediction interval" },
        ci: { text: ciText(pooled.pi_lb, pooled.pi_ub) },
        graphic: { type: "pi", lb: toDisplay(pooled.pi_lb), ub: toDisplay(pooled.pi_ub) },
      });
    }
    if (kind === "binary") out.push({ kind: "events", label: { text: "Total events" }, data: t.events });
    out.push({ kind: "note", label: { text: heterogeneityText(het, k, random) } });
    out.push({ kind: "note", label: { text: k > 0 ? overallEffectText(pooled) : "Test for overall effect: Not applicable" } });
    return out;
  };

  const subgroups = result.subgroups ?? [];
  if (subgroups.length > 0) {
    const named = new Set(subgroups.map((g) => g.name));
    const blocks = subgroups.map((g) => ({ name: g.name, group: g, studies: result.studies.filter((s) => s.subgroup === g.name) }));
    const orphans = result.studies.filter((s) => s.subgroup === undefined || !named.has(s.subgroup));
    for (const b of blocks) {
      rows.push({ kind: "heading", label: { text: b.name, bold: true } });
      for (const s of b.studies) rows.push(studyRow(s));
      rows.push(...footerFor(b.studies, b.group.pooled, b.group.heterogeneity, b.group.k, `Subtotal (${formatPlain(result.level, 2)}% CI)`, "subtotal", b.name));
      rows.push({ kind: "blank" });
    }
    // Studies whose subgroup the engine could not pool (e.g. only double-zero studies), then those without one.
    const orphanNames = [...new Set(orphans.map((s) => s.subgroup ?? ""))].sort((a, b) => (a === "" ? 1 : b === "" ? -1 : 0));
    for (const name of orphanNames) {
      const studies = orphans.filter((s) => (s.subgroup ?? "") === name);
      rows.push({ kind: "heading", label: { text: name === "" ? "Not in a subgroup" : name, bold: true } });
      for (const s of studies) rows.push(studyRow(s));
      if (name !== "") {
        rows.push({ kind: "subtotal", label: { text: `Subtotal (${formatPlain(result.level, 2)}% CI)`, bold: true }, data: totals(studies, true).n, whole: { text: "Not estimable", bold: true } });
        if (kind === "binary") rows.push({ kind: "events", label: { text: "Total events" }, data: totals(studies, false).events });
        rows.push({ kind: "note", label: { text: "Heterogeneity: Not applicable" } });
        rows.push({ kind: "note", label: { text: "Test for overall effect: Not applicable" } });
      }
      rows.push({ kind: "blank" });
    }
    if (o.showOverall) rows.push(...footerFor(result.studies, result.pooled, result.heterogeneity, result.k, `Total (${formatPlain(result.level, 2)}% CI)`, "total"));
    if (result.subgroup_test !== undefined) rows.push({ kind: "note", label: { text: subgroupDifferenceText(result.subgroup_test) } });
  } else {
    for (const s of result.studies) rows.push(studyRow(s));
    rows.push({ kind: "blank" });
    rows.push(...footerFor(result.studies, result.pooled, result.heterogeneity, result.k, `Total (${formatPlain(result.level, 2)}% CI)`, "total"));
  }

  // ---- column widths -----------------------------------------------------------------------------------
  const gap = Math.round(fs * 1.1);
  const w = (c: Cell | undefined): number => (c === undefined ? 0 : textWidth(c.text, fs, c.bold === true));
  const mName = o.measureLabel ?? measureName(result.measure, result.method);
  const mText = methodText(result);
  const studyHeader = subgroups.length > 0 ? "Study or Subgroup" : "Study";
  let studyW = Math.max(textWidth(studyHeader, fs, true), ...rows.filter((r) => r.kind !== "note").map((r) => w(r.label)));
  const dataW = dataHeaders.map((h, i) => Math.max(textWidth(h, fs, true), ...rows.map((r) => w(r.data?.[i]))));
  if (armSpan > 0) {
    // The arm labels span their columns: share out the extra width when a label is wider than its columns.
    const spans: Array<[number, string]> = [
      [0, o.experimentalLabel],
      [armSpan, o.controlLabel],
    ];
    for (const [start, label] of spans) {
      const need = textWidth(label, fs, true);
      let have = 0;
      for (let i = start; i < start + armSpan; i++) have += (dataW[i] ?? 0) + (i > start ? gap : 0);
      if (need > have) for (let i = start; i < start + armSpan; i++) dataW[i] = (dataW[i] ?? 0) + (need - have) / armSpan;
    }
  }
  const weightW = Math.max(textWidth("Weight", fs, true), ...rows.map((r) => w(r.weight)));
  const estW = Math.max(...rows.map((r) => w(r.est)));
  const ciW = Math.max(...rows.map((r) => w(r.ci)));
  const space = textWidth(" ", fs);
  const wholeW = Math.max(0, ...rows.map((r) => w(r.whole)));
  const estBlockW = Math.max(estW + space + ciW, wholeW);
  const estColW = Math.max(estBlockW, textWidth(mName, fs, true), textWidth(mText, fs, true));

  // ---- axis ----------------------------------------------------------------------------------------------
  const required: number[] = [];
  const preferred: number[] = [];
  for (const r of rows) {
    const g = r.graphic;
    if (g === undefined) continue;
    if (g.type === "square") {
      required.push(g.est);
      preferred.push(g.lb, g.ub);
    } else if (g.type === "diamond") {
      required.push(g.lb, g.ub);
    } else {
      preferred.push(g.lb, g.ub);
    }
  }
  const graphW = o.graphWidth;
  const axisAt = (x0: number): Axis =>
    ratio ? forestLogAxis(required, preferred, x0, x0 + graphW, o.axisLimits) : forestLinearAxis(required, preferred, x0, x0 + graphW, o.axisLimits);
  const probe = axisAt(0);
  // RevMan's placeholders read "Favours [experimental]"; a named arm keeps its own spelling ("Favours [IVIG]").
  const armName = (label: string, dflt: string): string => (label === dflt ? label.toLowerCase() : label);
  const favoursLeft = o.favoursLeft ?? `Favours [${armName(o.experimentalLabel, "Experimental")}]`;
  const favoursRight = o.favoursRight ?? `Favours [${armName(o.controlLabel, "Control")}]`;
  const favSize = fs - 1;
  const nullX0 = probe.toPx(probe.nullValue);
  const firstTick = probe.ticks[0];
  const lastTick = probe.ticks[probe.ticks.length - 1];
  const leftSpill = Math.max(
    firstTick !== undefined ? textWidth(tickLabel(firstTick), fs) / 2 - probe.toPx(firstTick) : 0,
    textWidth(favoursLeft, favSize) + 8 - nullX0,
    0,
  );
  const rightSpill = Math.max(
    lastTick !== undefined ? probe.toPx(lastTick) + textWidth(tickLabel(lastTick), fs) / 2 - graphW : 0,
    nullX0 + 8 + textWidth(favoursRight, favSize) - graphW,
    (Math.max(textWidth(mText, fs, true), textWidth(mName, fs, true)) - graphW) / 2,
    0,
  );

  // Footer text runs under the left columns; widen the study column until it clears the axis labels.
  const margin = 12;
  const noteW = Math.max(0, ...rows.filter((r) => r.kind === "note").map((r) => w(r.label)));
  const leftCols = (): number => studyW + gap + dataW.reduce((a, b) => a + b + gap, 0) + weightW + gap + estColW + gap;
  const deficit = noteW + gap - (leftCols() - leftSpill);
  if (deficit > 0) studyW += deficit;

  // ---- x positions ---------------------------------------------------------------------------------------
  const xStudy = margin;
  let x = xStudy + studyW + gap;
  const dataX: number[] = []; // right edges
  for (const dw of dataW) {
    x += dw;
    dataX.push(x);
    x += gap;
  }
  const weightX = x + weightW;
  x = weightX + gap;
  const estColX = x;
  const estBlockX = estColX + (estColW - estBlockW) / 2;
  const estRightX = estBlockX + estW;
  const ciX = estRightX + space;
  const graphX0 = estColX + estColW + gap + Math.max(0, leftSpill - gap);
  const axis = axisAt(graphX0);
  const graphX1 = graphX0 + graphW;
  const totalW = widthWithTitle(graphX1 + rightSpill + margin, o.title);

  // ---- y positions ---------------------------------------------------------------------------------------
  const rowH = Math.round(fs * 1.5);
  const baseline = (top: number): number => top + rowH / 2 + fs * 0.35;
  const svg = new SvgBuilder(fs);
  let y = margin;
  if (o.title !== undefined && o.title !== "") {
    svg.text(xStudy, y + 13, o.title, { size: 13, bold: true, cls: "title" });
    y += 13 + 10;
  }

  // Header, two lines.
  const headA = y;
  const headB = y + rowH;
  const graphCentre = (graphX0 + graphX1) / 2;
  const estCentre = estColX + estColW / 2;
  if (armSpan > 0) {
    const spanOf = (start: number): [number, number] => {
      const right = dataX[start + armSpan - 1] ?? 0;
      const left = (dataX[start] ?? 0) - (dataW[start] ?? 0);
      return [left, right];
    };
    for (const [start, label] of [
      [0, o.experimentalLabel],
      [armSpan, o.controlLabel],
    ] as const) {
      const [l, r] = spanOf(start);
      svg.text((l + r) / 2, baseline(headA), label, { bold: true, anchor: "middle", cls: "arm-label" });
      svg.line(l, headA + rowH - 1, r, headA + rowH - 1, { "stroke-width": 0.6 });
    }
  }
  svg.text(estCentre, baseline(headA), mName, { bold: true, anchor: "middle" });
  svg.text(graphCentre, baseline(headA), mName, { bold: true, anchor: "middle" });
  svg.text(xStudy, baseline(headB), studyHeader, { bold: true });
  dataHeaders.forEach((h, i) => svg.text(dataX[i] ?? 0, baseline(headB), h, { bold: true, anchor: "end" }));
  svg.text(weightX, baseline(headB), "Weight", { bold: true, anchor: "end" });
  svg.text(estCentre, baseline(headB), mText, { bold: true, anchor: "middle" });
  svg.text(graphCentre, baseline(headB), mText, { bold: true, anchor: "middle" });
  y = headB + rowH + 3;
  svg.line(xStudy, y, graphX1, y, { "stroke-width": 0.8, class: "header-rule" });
  y += 3;

  // Body.
  const bodyTop = y;
  let lastGraphicBottom = y;
  const g = new SvgBuilder(fs);
  const maxWeight = Math.max(0, ...rows.map((r) => (r.graphic?.type === "square" ? r.graphic.weight : 0)));
  const maxSide = rowH - 3;
  const clampX = (v: number): number => Math.min(graphX1, Math.max(graphX0, axis.toPx(v)));
  const inAxis = (v: number): boolean => v >= axis.min * (1 - 1e-12) && v <= axis.max * (1 + 1e-12);

  for (const r of rows) {
    const top = y;
    const cy = top + rowH / 2;
    const b = baseline(top);
    const studyAttr = r.study !== undefined ? { "data-study": r.study } : undefined;
    if (r.label !== undefined) {
      const opts = { bold: r.label.bold === true, cls: r.kind === "study" ? "study-label" : r.kind === "note" ? "footer-note" : undefined };
      svg.text(xStudy, b, r.label.text, studyAttr !== undefined ? { ...opts, attrs: studyAttr } : opts);
    }
    r.data?.forEach((c, i) => {
      if (c !== undefined) svg.text(dataX[i] ?? 0, b, c.text, { anchor: "end", bold: c.bold === true });
    });
    if (r.weight !== undefined) svg.text(weightX, b, r.weight.text, { anchor: "end", bold: r.weight.bold === true, cls: "weight" });
    if (r.est !== undefined) {
      // One string "2.24 [1.68, 2.98]", started so that the estimate's last digit lines up on estRightX.
      const text = r.ci !== undefined ? `${r.est.text} ${r.ci.text}` : r.est.text;
      svg.text(estRightX - w(r.est), b, text, { bold: r.est.bold === true, cls: "estimate" });
    } else if (r.ci !== undefined) {
      svg.text(ciX, b, r.ci.text, { bold: r.ci.bold === true, cls: "ci-text" });
    }
    if (r.whole !== undefined) svg.text(estBlockX, b, r.whole.text, { bold: r.whole.bold === true, cls: "not-estimable" });

    const gr = r.graphic;
    if (gr !== undefined) {
      lastGraphicBottom = top + rowH;
      if (gr.type === "square") {
        const x1 = clampX(gr.lb);
        const x2 = clampX(gr.ub);
        if (gr.ub >= axis.min && gr.lb <= axis.max) g.line(x1, cy, x2, cy, { "stroke-width": 1, class: "ci", "data-study": gr.study });
        if (gr.lb < axis.min) g.path(arrowHead(graphX0, cy, -1), { fill: "#000", class: "ci-arrow" });
        if (gr.ub > axis.max) g.path(arrowHead(graphX1, cy, 1), { fill: "#000", class: "ci-arrow" });
        if (inAxis(gr.est) && maxWeight > 0) {
          const side = maxSide * Math.sqrt(gr.weight / maxWeight);
          const sx = axis.toPx(gr.est);
          g.rect(sx - side / 2, cy - side / 2, side, side, { fill: o.squareColour, class: "square", "data-study": gr.study, "data-weight": String(gr.weight) });
        }
      } else if (gr.type === "diamond") {
        const h = rowH * 0.62;
        const pts: Array<[number, number]> = [
          [clampX(gr.lb), cy],
          [clampX(gr.est), cy - h / 2],
          [clampX(gr.ub), cy],
          [clampX(gr.est), cy + h / 2],
        ];
        const attrs: Record<string, string> = { fill: "#000", class: "diamond", "data-role": gr.role };
        if (gr.group !== undefined) attrs["data-subgroup"] = gr.group;
        g.polygon(pts, attrs);
      } else {
        const x1 = clampX(gr.lb);
        const x2 = clampX(gr.ub);
        g.rect(x1, cy - 1.5, Math.max(0.5, x2 - x1), 3, { fill: "#6b6b6b", class: "prediction-interval" });
        if (gr.lb < axis.min) g.path(arrowHead(graphX0, cy, -1), { fill: "#6b6b6b" });
        if (gr.ub > axis.max) g.path(arrowHead(graphX1, cy, 1), { fill: "#6b6b6b" });
      }
    }
    y += rowH;
  }
  const bodyBottom = y;

  // Axis right under the last graphic row; footer rows continue on the left.
  const axisY = lastGraphicBottom + 4;
  const nullX = axis.toPx(axis.nullValue);
  if (inAxis(axis.nullValue)) svg.line(nullX, bodyTop, nullX, axisY, { "stroke-width": 0.8, class: "null-line" });
  svg.line(graphX0, axisY, graphX1, axisY, { "stroke-width": 0.8, class: "axis" });
  for (const t of axis.ticks) {
    const tx = axis.toPx(t);
    svg.line(tx, axisY, tx, axisY + 4, { "stroke-width": 0.8, class: "tick", "data-value": String(t) });
    svg.text(tx, axisY + 5 + fs, tickLabel(t), { anchor: "middle", cls: "tick-label" });
  }
  const favY = axisY + 5 + fs + 4 + favSize + 2;
  svg.text(nullX - 8, favY, favoursLeft, { anchor: "end", size: favSize, cls: "favours-left" });
  svg.text(nullX + 8, favY, favoursRight, { size: favSize, cls: "favours-right" });
  let bottom = Math.max(bodyBottom, favY + 6);

  // Graph elements on top of the null line.
  svg.raw(`<g class="graph">\n${g.body()}\n</g>`);

  if (o.showNotes && result.notes.length > 0) {
    bottom += 8;
    for (const note of result.notes) {
      for (const line of wrapText(note, totalW - 2 * margin, fs - 1)) {
        bottom += fs + 2;
        svg.text(xStudy, bottom, line, { size: fs - 1, italic: true, cls: "note" });
      }
    }
  }
  return svg.toString(totalW, bottom + margin, o.title ?? `Forest plot: ${mName}`);
}



