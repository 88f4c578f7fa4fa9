import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { pooledComparisonSvg, prismaFlowSvg, robSummarySvg, robTrafficLightSvg } from "../../src/evidence/plots/index.js";
import { forestPlotSvg, funnelPlotSvg, svgToPng } from "../../src/stats/plots/index.js";
import { MetaResultSchema, type MetaResult } from "../../src/stats/types.js";
import { GAO2025_BIRTH_WEIGHT, GAO2025_PRISMA, ILLUSTRATIVE_ROB1, IVIG_LIVE_BIRTH_PUBLISHED } from "./evidence-samples.js";
import { byClass, num, overlaps, parseSvg, textBoxes } from "./svg-parse.js";

const fixture = (name: string): MetaResult =>
  MetaResultSchema.parse(JSON.parse(readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), "utf8")));
const longTitle = "A deliberately long title that is wider than the plot itself, so that the canvas must grow to hold it in full";

const plots: Array<[string, () => string]> = [
  ["forest, binary", () => forestPlotSvg(fixture("hahn2001-or-mh-fixed"), { title: longTitle })],
  ["forest, subgroups", () => forestPlotSvg(fixture("ivig-or-subgroups-random"), { title: "IVIG" })],
  ["forest, MD", () => forestPlotSvg(fixture("normand1999-md-random"))],
  ["forest, subgroups without overall, 14 px", () => forestPlotSvg(fixture("ivig-or-subgroups-random"), { showOverall: false, fontSize: 14, graphWidth: 300 })],
  ["forest, long labels", () => forestPlotSvg(fixture("hahn2001-or-mh-fixed"), { experimentalLabel: "Reduced-osmolarity oral rehydration solution", controlLabel: "WHO standard ORS", favoursLeft: "Favours reduced-osmolarity solution", favoursRight: "Favours the WHO standard solution" })],
  ["forest, generic, 37 studies", () => forestPlotSvg(fixture("hackshaw1998-funnel-trimfill"))],
  ["funnel, trim-and-fill", () => funnelPlotSvg(fixture("hackshaw1998-funnel-trimfill"), { title: longTitle })],
  ["funnel, computed", () => funnelPlotSvg(fixture("normand1999-md-random"))],
  ["RoB traffic light", () => robTrafficLightSvg(ILLUSTRATIVE_ROB1, { title: longTitle })],
  ["RoB summary", () => robSummarySvg(ILLUSTRATIVE_ROB1, { title: "RoB" })],
  ["RoB summary, weighted", () => robSummarySvg(ILLUSTRATIVE_ROB1, { weighted: true })],
  ["PRISMA", () => prismaFlowSvg(GAO2025_PRISMA, { title: longTitle })],
  ["pooled results side by side", () => pooledComparisonSvg([...IVIG_LIVE_BIRTH_PUBLISHED, { label: "Ours", measure: "OR", estimate: 1.2, ci_lb: 0.8, ci_ub: 1.8, ours: true }], { favoursLeft: "Favours placebo", favoursRight: "Favours IVIG" })],
  ["estimate outside its CI", () => pooledComparisonSvg(GAO2025_BIRTH_WEIGHT, { title: "Birth weight" })],
];

describe("layout of every plot", () => {
  for (const [name, draw] of plots) {
    it(`${name}: well-formed, all text inside the canvas, no clashing text`, () => {
      const svg = parseSvg(draw());
      const W = num(svg, "width");
      const H = num(svg, "height");
      for (const b of textBoxes(svg)) {
        expect(b.x0, b.t).toBeGreaterThanOrEqual(0);
        expect(b.x1, b.t).toBeLessThanOrEqual(W);
        expect(b.y0, b.t).toBeGreaterThanOrEqual(0);
        expect(b.y1, b.t).toBeLessThanOrEqual(H);
      }
      expect(overlaps(svg)).toEqual([]);
    });
  }

  it("every plot parses in resvg's strict XML reader and renders", () => {
    for (const [name, draw] of plots) {
      const png = svgToPng(draw(), { width: 300 });
      expect(png.length, name).toBeGreaterThan(1000);
    }
  });

  it("PRISMA: every line of text in a box stays inside that box", () => {
    const svg = parseSvg(prismaFlowSvg(GAO2025_PRISMA));
    const boxes = byClass(svg, "prisma-box").map((b) => ({ x0: num(b, "x"), y0: num(b, "y"), x1: num(b, "x") + num(b, "width"), y1: num(b, "y") + num(b, "height") }));
    const inBoxes = textBoxes(svg).filter((t) => boxes.some((b) => t.y0 >= b.y0 && t.y1 <= b.y1 && t.x0 < b.x1 && t.x1 > b.x0));
    expect(inBoxes.length).toBeGreaterThan(15);
    for (const t of inBoxes) {
      const b = boxes.find((bb) => t.y0 >= bb.y0 && t.y1 <= bb.y1 && t.x0 < bb.x1 && t.x1 > bb.x0)!;
      expect(t.x0, t.t).toBeGreaterThanOrEqual(b.x0 + 2);
      expect(t.x1, t.t).toBeLessThanOrEqual(b.x1 - 2);
    }
  });
});
