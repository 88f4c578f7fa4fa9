/**
 * The trial sequential analysis plot (as the TSA program draws it): the cumulative z-curve against cumulative
 * participants, the conventional ±z_{1−α/2} lines, the two-sided alpha-spending monitoring boundaries (flat past
 * the required information size), the beta-spending futility wedge and the vertical RIS line. Pure: a TsaResult
 * in, an SVG string out.
 */
import { scaleLinear } from "d3-scale";
import { z } from "zod";
import type { TsaResult } from "../tsa/tsa.js";
import { parseOrInputError } from "./common.js";
import { formatPlain, shortHash, SvgBuilder, textWidth, widthWithTitle } from "./svg.js";

export const TsaPlotOptionsSchema = z.object({
  title: z.string().optional(),
  width: z.number().min(200).max(2000).default(560),
  height: z.number().min(150).max(1500).default(340),
  fontSize: z.number().min(6).max(24).default(11),
  /** Largest |z| drawn (boundaries beyond are cut at the frame). */
  zMax: z.number().min(2).max(20).default(8),
});
export type TsaPlotOptions = z.input<typeof TsaPlotOptionsSchema>;

const BOUNDARY = "#b2182b";
const FUTILITY = "#2166ac";

export function tsaPlotSvg(result: TsaResult, optionsInput: TsaPlotOptions = {}): string {
  const o = parseOrInputError(TsaPlotOptionsSchema, optionsInput, "TSA plot options");
  const fs = o.fontSize;
  const looks = result.looks;
  const ris = result.ris_adjusted;
  const nMax = Math.max(ris, result.accrued) * 1.06;
  const finiteB = looks.map((l) => l.boundary).filter((b) => Number.isFinite(b));
  const zNeed = Math.max(3, ...looks.map((l) => Math.abs(l.z) + 0.5), ...finiteB.filter((b) => b <= o.zMax));
  const zTop = Math.min(o.zMax, Math.ceil(zNeed));

  const titleH = o.title !== undefined && o.title !== "" ? 13 + 12 : 0;
  const left = 14 + fs + 8 + textWidth(`-${zTop}`, fs) + 8;
  const top = 12 + titleH + 6;
  const x0 = left;
  const x1 = left + o.width;
  const y0 = top;
  const y1 = top + o.height;
  const xs = scaleLinear().domain([0, nMax]).range([x0, x1]).nice(6);
  const ys = scaleLinear().domain([-zTop, zTop]).range([y1, y0]);
  const X = (n: number): number => xs(n);
  const Y = (zv: number): number => ys(Math.max(-zTop - 1, Math.min(zTop + 1, zv)));

  const svg = new SvgBuilder(fs);
  if (titleH > 0) svg.text(12, 12 + 13, o.title as string, { size: 13, bold: true, cls: "title" });
  const clipId = `tsa-clip-${shortHash(JSON.stringify([looks.map((l) => [l.n, l.z, l.boundary]), ris, o]))}`;
  svg.raw(`<defs><clipPath id="${clipId}"><rect x="${x0}" y="${y0}" width="${o.width}" height="${o.height}"/></clipPath></defs>`);

  // axes and grid
  svg.rect(x0, y0, o.width, o.height, { fill: "none", stroke: "#000", "stroke-width": 1, class: "frame" });
  for (let zt = -zTop; zt <= zTop; zt += zTop > 6 ? 2 : 1) {
    svg.line(x0 - 4, Y(zt), x0, Y(zt), { class: "tick-y" });
    svg.text(x0 - 6, Y(zt) + fs / 3, String(zt), { anchor: "end", cls: "tick-label" });
  }
  for (const t of xs.ticks(6)) {
    svg.line(X(t), y1, X(t), y1 + 4, { class: "tick-x" });
    svg.text(X(t), y1 + 6 + fs, formatPlain(t, 0), { anchor: "middle", cls: "tick-label" });
  }
  svg.text(14 + fs, (y0 + y1) / 2, "Cumulative z-score", { anchor: "middle", rotate: -90, cls: "axis-title" });
  svg.text((x0 + x1) / 2, y1 + 6 + fs + 6 + fs, "Cumulative number of participants", { anchor: "middle", cls: "axis-title" });

  svg.open("g", { "clip-path": `url(#${clipId})` });
  svg.line(x0, Y(0), x1, Y(0), { stroke: "#888", "stroke-width": 0.8, class: "zero" });
  const zc = result.naive_ci.ci_ub - result.adjusted_ci.estimate;
  const zConv = result.adjusted_ci.se > 0 ? zc / result.adjusted_ci.se : 1.96;
  for (const s of [1, -1]) svg.line(x0, Y(s * zConv), x1, Y(s * zConv), { stroke: "#555", "stroke-dasharray": "5 4", "stroke-width": 1, class: "conventional" });

  // Monitoring boundaries: each look's boundary up to the RIS, then flat to the last look.
  const before = looks.filter((l) => l.fraction < 1 && Number.isFinite(l.boundary));
  const bPts: [number, number][] = before.map((l) => [l.n, l.boundary]);
  bPts.push([ris, result.final_boundary]);
  const lastN = Math.max(ris, result.accrued);
  if (lastN > ris) bPts.push([lastN, result.final_boundary]);
  for (const s of [1, -1]) {
    const d = bPts.map(([n, b], i) => `${i === 0 ? "M" : "L"}${X(n).toFixed(2)},${Y(s * b).toFixed(2)}`).join(" ");
    svg.path(d, { fill: "none", stroke: BOUNDARY, "stroke-width": 2, class: s > 0 ? "boundary-upper" : "boundary-lower" });
  }
  for (const [n, b] of bPts) for (const s of [1, -1]) svg.circle(X(n), Y(s * b), 2, { fill: BOUNDARY, class: "boundary-point" });

  // Futility wedge: the inner boundaries close on the final boundary at the RIS.
  const fut = looks.filter((l) => l.futility !== null && l.fraction < 1).map((l) => [l.n, l.futility as number] as [number, number]);
  if (fut.length > 0) {
    const wedge: [number, number][] = [...fut, [ris, result.final_boundary]];
    const upper = wedge.map(([n, a]) => [X(n), Y(a)] as [number, number]);
    const lower = wedge.map(([n, a]) => [X(n), Y(-a)] as [number, number]).reverse();
    svg.polygon([...upper, ...lower], { fill: FUTILITY, "fill-opacity": 0.12, stroke: FUTILITY, "stroke-width": 1.5, class: "futility" });
  }

  // RIS line
  if (ris <= nMax) svg.line(X(ris), y0, X(ris), y1, { stroke: "#000", "stroke-width": 1.2, "stroke-dasharray": "2 2", class: "ris" });

  // z-curve
  const zPts = looks.map((l) => `${X(l.n).toFixed(2)},${Y(l.z).toFixed(2)}`);
  svg.path(`M${X(0).toFixed(2)},${Y(0).toFixed(2)} L${zPts.join(" L")}`, { fill: "none", stroke: "#000", "stroke-width": 2, class: "z-curve" });
  for (const l of looks) svg.rect(X(l.n) - 2.5, Y(l.z) - 2.5, 5, 5, { fill: "#000", class: "z-point", "data-study": l.study });
  svg.close("g");

  // labels
  svg.text(Math.min(X(ris), x1) - 4, y0 + fs + 2, `RIS ${Math.ceil(ris)}`, { anchor: "end", cls: "ris-label" });
  const legendY = y1 + 6 + fs + 6 + fs + 8 + fs;
  const items: [string, string, string][] = [
    ["#000", "solid", "Cumulative z-curve"],
    [BOUNDARY, "solid", "Monitoring boundaries (O'Brien-Fleming alpha spending)"],
    [FUTILITY, "solid", "Futility boundaries (beta spending)"],
    ["#555", "5 4", `Conventional ±${zConv.toFixed(2)}`],
  ];
  let lx = x0;
  let ly = legendY;
  for (const [color, dash, label] of items) {
    const w = 22 + textWidth(label, fs) + 16;
    if (lx + w > x1 && lx > x0) {
      lx = x0;
      ly += fs + 6;
    }
    svg.line(lx, ly - fs / 3, lx + 18, ly - fs / 3, { stroke: color, "stroke-width": 2, ...(dash === "solid" ? {} : { "stroke-dasharray": dash }) });
    svg.text(lx + 22, ly, label, { cls: "legend" });
    lx += w;
  }
  const note = `D² ${(100 * result.diversity).toFixed(0)}%, alpha ${result.alpha}, power ${Math.round(100 * result.power)}%, Pc ${formatPlain(100 * result.control_risk, 1)}%, RRR ${formatPlain(100 * result.rrr, 1)}% (${result.model === "random" ? "DerSimonian-Laird" : "fixed effect"})`;
  svg.text(x0, ly + fs + 8, note, { cls: "design" });
  const width = widthWithTitle(x1 + 16, o.title);
  return svg.toString(width, ly + fs + 8 + 10, o.title ?? "Trial sequential analysis");
}
