/**
 * PRISMA 2020 flow diagram (Page et al., BMJ 2021;372:n71; template for new systematic reviews that searched
 * databases and registers only) as an SVG string, after checking that the counts add up box by box.
 */
import { z } from "zod";
import { parseOrInputError } from "../../stats/plots/common.js";
import { SvgBuilder, flowDiagramMetrics, widthWithTitle, wrapText } from "../../stats/plots/svg.js";
import { InputError } from "../../shared/errors.js";
import { PrismaCountsSchema, type PrismaCounts, type ResolvedPrismaCounts } from "./types.js";

export const PrismaOptionsSchema = z.object({
  title: z.string().optional(),
  /** Header over the flow (the template's "Identification of studies via databases and registers"). */
  header: z.string().default("Identification of studies via databases and registers"),
  /** Named in error messages (the file the counts came from). */
  file: z.string().optional(),
  fontSize: z.number().min(6).max(24).default(11),
});
export type PrismaOptions = z.input<typeof PrismaOptionsSchema>;

const n0 = (v: number | null): number => v ?? 0;
const nText = (v: number | null): string => (v === null ? "not reported" : String(v));

/**
 * Checks the PRISMA arithmetic and returns the validated counts. Throws InputError naming the box (field)
 * whose count does not follow from the boxes above it.
 */
export function checkPrismaCounts(countsInput: PrismaCounts, file?: string): ResolvedPrismaCounts {
  const c = parseOrInputError(PrismaCountsSchema, countsInput, "PRISMA counts", file);
  const fail = (field: string, box: string, reason: string): never => {
    const loc: { file?: string; field: string } = { field };
    if (file !== undefined) loc.file = file;
    throw new InputError(`PRISMA box "${box}": ${reason}`, loc);
  };
  const identified = c.identified.reduce((a, s) => a + s.n, 0);
  const removed = n0(c.duplicatesRemoved) + n0(c.automationRemoved) + n0(c.otherRemoved);
  if (removed > identified) fail("duplicatesRemoved", "Records removed before screening", `${removed} records removed but only ${identified} identified`);
  if (c.screened !== identified - removed) {
    fail("screened", "Records screened", `n = ${c.screened}, but ${identified} identified - ${removed} removed before screening = ${identified - removed}`);
  }
  if (c.excludedScreening > c.screened) fail("excludedScreening", "Records excluded", `${c.excludedScreening} excluded of ${c.screened} screened`);
  if (c.reportsSought !== c.screened - c.excludedScreening) {
    fail("reportsSought", "Reports sought for retrieval", `n = ${c.reportsSought}, but ${c.screened} screened - ${c.excludedScreening} excluded = ${c.screened - c.excludedScreening}`);
  }
  const notRetrieved = n0(c.reportsNotRetrieved);
  if (notRetrieved > c.reportsSought) fail("reportsNotRetrieved", "Reports not retrieved", `${notRetrieved} not retrieved of ${c.reportsSought} sought`);
  if (c.reportsAssessed !== c.reportsSought - notRetrieved) {
    fail("reportsAssessed", "Reports assessed for eligibility", `n = ${c.reportsAssessed}, but ${c.reportsSought} sought - ${notRetrieved} not retrieved = ${c.reportsSought - notRetrieved}`);
  }
  const excluded = c.reportsExcluded.reduce((a, r) => a + r.n, 0);
  if (excluded > c.reportsAssessed) fail("reportsExcluded", "Reports excluded", `${excluded} excluded of ${c.reportsAssessed} assessed`);
  if (c.reportsIncluded !== c.reportsAssessed - excluded) {
    fail("reportsIncluded", "Reports of included studies", `n = ${c.reportsIncluded}, but ${c.reportsAssessed} assessed - ${excluded} excluded with reasons = ${c.reportsAssessed - excluded}`);
  }
  if (c.studiesIncluded > c.reportsIncluded) {
    fail("studiesIncluded", "Studies included in review", `${c.studiesIncluded} studies from only ${c.reportsIncluded} reports`);
  }
  if (c.reportsIncluded > 0 && c.studiesIncluded === 0) fail("studiesIncluded", "Studies included in review", `0 studies from ${c.reportsIncluded} included reports`);
  return c;
}

interface Box {
  id: string;
  /** Lines; a line starting with two spaces is indented. */
  lines: string[];
}

/** The PRISMA 2020 flow diagram. Throws InputError (naming the box) when the counts do not add up. */
export function prismaFlowSvg(countsInput: PrismaCounts, optionsInput: PrismaOptions = {}): string {
  const o = parseOrInputError(PrismaOptionsSchema, optionsInput, "PRISMA options");
  const c = checkPrismaCounts(countsInput, o.file);
  const { fs, lineH, pad, margin, phaseW } = flowDiagramMetrics(o.fontSize);
  const boxW = 250;
  const colGap = 56;
  const leftX = margin + phaseW + 14;
  const rightX = leftX + boxW + colGap;
  const totalW = rightX + boxW + margin;

  const rows: Array<{ phase: "Identification" | "Screening" | "Included"; left: Box; right?: Box }> = [
    {
      phase: "Identification",
      left: { id: "identified", lines: ["Records identified from:", ...c.identified.map((s) => `  ${s.source} (n = ${s.n})`)] },
      right: {
        id: "removed",
        lines: [
          "Records removed before screening:",
          `  Duplicate records removed (n = ${nText(c.duplicatesRemoved)})`,
          `  Records marked as ineligible by automation tools (n = ${nText(c.automationRemoved)})`,
          `  Records removed for other reasons (n = ${nText(c.otherRemoved)})`,
        ],
      },
    },
    {
      phase: "Screening",
      left: { id: "screened", lines: ["Records screened", `(n = ${c.screened})`] },
      right: { id: "excludedScreening", lines: ["Records excluded", `(n = ${c.excludedScreening})`] },
    },
    {
      phase: "Screening",
      left: { id: "reportsSought", lines: ["Reports sought for retrieval", `(n = ${c.reportsSought})`] },
      right: { id: "reportsNotRetrieved", lines: ["Reports not retrieved", `(n = ${nText(c.reportsNotRetrieved)})`] },
    },
    {
      phase: "Screening",
      left: { id: "reportsAssessed", lines: ["Reports assessed for eligibility", `(n = ${c.reportsAssessed})`] },
      right: { id: "reportsExcluded", lines: ["Reports excluded:", ...c.reportsExcluded.map((r) => `  ${r.reason} (n = ${r.n})`)] },
    },
    {
      phase: "Included",
      left: { id: "included", lines: ["Studies included in review", `(n = ${c.studiesIncluded})`, "Reports of included studies", `(n = ${c.reportsIncluded})`] },
    },
  ];

  // Wrap every line to the box width; indented lines keep their indent on continuation lines.
  const layout = (b: Box): Array<{ text: string; indent: number }> => {
    const out: Array<{ text: string; indent: number }> = [];
    for (const l of b.lines) {
      const indent = l.startsWith("  ") ? 12 : 0;
      for (const w of wrapText(l.trim(), boxW - 2 * pad - indent, fs)) out.push({ text: w, indent });
    }
    return out;
  };

  const svg = new SvgBuilder(fs);
  let y = margin;
  if (o.title !== undefined && o.title !== "") {
    svg.text(margin, y + 13, o.title, { size: 13, bold: true, cls: "title" });
    y += 13 + 12;
  }
  // Header.
  const headLines = wrapText(o.header, totalW - leftX - margin - 2 * pad, fs, true);
  const headH = headLines.length * lineH + 2 * pad - 4;
  svg.rect(leftX, y, totalW - leftX - margin, headH, { fill: "#f7d97c", stroke: "#7f6a2a", "stroke-width": 0.8, rx: 3 });
  headLines.forEach((l, i) => svg.text((leftX + totalW - margin) / 2, y + pad + fs * 0.9 + i * lineH, l, { anchor: "middle", bold: true }));
  y += headH + 18;

  const phaseSpans = new Map<string, { top: number; bottom: number }>();
  const arrowsDown: Array<[number, number]> = [];
  let prevBottom: number | null = null;
  for (const row of rows) {
    const leftLines = layout(row.left);
    const rightLines = row.right !== undefined ? layout(row.right) : [];
    const h = Math.max(leftLines.length, rightLines.length, 2) * lineH + 2 * pad - 2;
    const drawBox = (x: number, b: Box, lines: Array<{ text: string; indent: number }>, centred: boolean): void => {
      svg.rect(x, y, boxW, h, { fill: "#ffffff", stroke: "#000", "stroke-width": 0.9, class: "prisma-box", "data-box": b.id });
      const textTop = y + (h - lines.length * lineH) / 2;
      lines.forEach((l, i) => {
        const ty = textTop + i * lineH + fs * 0.9 + 1;
        if (centred) svg.text(x + boxW / 2, ty, l.text, { anchor: "middle" });
        else svg.text(x + pad + l.indent, ty, l.text);
      });
    };
    const centredLeft = row.left.id !== "identified";
    drawBox(leftX, row.left, leftLines, centredLeft);
    if (row.right !== undefined) {
      const indented = rightLines.some((l) => l.indent > 0);
      drawBox(rightX, row.right, rightLines, !indented);
      const ay = y + h / 2;
      svg.line(leftX + boxW, ay, rightX - 6, ay, { "stroke-width": 1 });
      svg.path(`M${rightX},${ay} L${rightX - 8},${ay - 4} L${rightX - 8},${ay + 4} Z`, { fill: "#000" });
    }
    if (prevBottom !== null) arrowsDown.push([prevBottom, y]);
    const span = phaseSpans.get(row.phase);
    phaseSpans.set(row.phase, { top: span?.top ?? y, bottom: y + h });
    prevBottom = y + h;
    y += h + 22;
  }
  const ax = leftX + boxW / 2;
  for (const [from, to] of arrowsDown) {
    svg.line(ax, from, ax, to - 6, { "stroke-width": 1 });
    svg.path(`M${ax},${to} L${ax - 4},${to - 8} L${ax + 4},${to - 8} Z`, { fill: "#000" });
  }
  for (const [phase, span] of phaseSpans) {
    const x = margin;
    svg.rect(x, span.top, phaseW, span.bottom - span.top, { fill: "#bcd7ee", stroke: "#4a6f91", "stroke-width": 0.8, rx: 4, class: "prisma-phase" });
    const cx = x + phaseW / 2 + fs * 0.35;
    const cy = (span.top + span.bottom) / 2;
    svg.text(cx, cy, phase, { anchor: "middle", bold: true, rotate: -90 });
  }
  return svg.toString(widthWithTitle(totalW, o.title), y - 22 + margin, o.title ?? "PRISMA 2020 flow diagram");
}
