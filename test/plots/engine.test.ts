// The plots on results of the real engine (src/stats/meta.ts) read from the example files.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseStudyFile } from "../../src/stats/input.js";
import { metaAnalysis } from "../../src/stats/meta.js";
import { forestPlotSvg, funnelPlotSvg } from "../../src/stats/plots/index.js";
import { byClass, fitAxis, num, overlaps, parseSvg, polygonPoints, texts } from "./svg-parse.js";

const file = "examples/meta/ivig-live-birth.csv";
const rows = await parseStudyFile(file, new Uint8Array(readFileSync(new URL(`../../${file}`, import.meta.url))), { subgroup: "Placebo" });

describe("plots of engine results: IVIG live birth", () => {
  it("RevMan 5 preset: diamond on the pooled OR, squares for every study, the I² model note printed", () => {
    const r = metaAnalysis(rows, { preset: "revman5", model: "auto" });
    const svg = parseSvg(forestPlotSvg(r));
    const ticks = byClass(svg, "tick").map((t) => ({ value: Number(t.attrs["data-value"]), x: num(t, "x1") }));
    const map = fitAxis(ticks, true);
    const xs = polygonPoints(byClass(svg, "diamond")[0]!).map((p) => p[0]);
    expect(Math.min(...xs)).toBeCloseTo(map(Math.exp(r.pooled.ci_lb)), 1);
    expect(Math.max(...xs)).toBeCloseTo(map(Math.exp(r.pooled.ci_ub)), 1);
    const squares = byClass(svg, "square");
    expect(squares).toHaveLength(r.studies.filter((s) => s.included).length);
    expect(squares.reduce((a, s) => a + Number(s.attrs["data-weight"]), 0)).toBeCloseTo(100, 6);
    expect(texts(svg).map((t) => t.text)).toContain("M-H, Fixed, 95% CI");
    expect(r.notes.length).toBeGreaterThan(0);
    expect(byClass(svg, "note").length).toBeGreaterThanOrEqual(r.notes.length);
    expect(overlaps(svg)).toEqual([]);
  });

  it("subgroups by placebo and a funnel with the engine's funnel data", () => {
    const r = metaAnalysis(rows, { measure: "OR", subgroup: "Placebo", bias: true });
    const svg = parseSvg(forestPlotSvg(r));
    expect(byClass(svg, "diamond")).toHaveLength((r.subgroups ?? []).length + 1);
    const f = parseSvg(funnelPlotSvg(r));
    expect(byClass(f, "point")).toHaveLength(r.funnel!.points.length);
  });
});

describe("plots of engine results: small and awkward cases", () => {
  it("a one-study subgroup says 'Not applicable' for heterogeneity and still gets its diamond", () => {
    const some = rows.filter((r) => r.study !== "Stephenson 2010");
    const r = metaAnalysis(some, { measure: "OR", model: "fixed", method: "MH", subgroup: "Placebo" });
    const saline = r.subgroups!.find((g) => g.k === 1)!;
    expect(saline).toBeDefined();
    const svg = parseSvg(forestPlotSvg(r));
    expect(texts(svg).map((t) => t.text)).toContain("Heterogeneity: Not applicable");
    expect(byClass(svg, "diamond").filter((d) => d.attrs["data-subgroup"] === saline.name)).toHaveLength(1);
    expect(overlaps(svg)).toEqual([]);
  });

  it("a double-zero study in the engine's result is listed as Not estimable", () => {
    const withZero = [
      ...rows,
      { study: "Zero 2001", row: 99, year: 2001, subgroup: "saline", data: { kind: "binary" as const, events_t: 0, total_t: 10, events_c: 0, total_c: 12 } },
    ];
    const r = metaAnalysis(withZero, { measure: "OR", method: "MH", model: "fixed" });
    expect(r.studies.find((s) => s.study === "Zero 2001")!.included).toBe(false);
    const svg = parseSvg(forestPlotSvg(r));
    expect(byClass(svg, "not-estimable")).toHaveLength(1);
    expect(byClass(svg, "square").map((s) => s.attrs["data-study"])).not.toContain("Zero 2001");
    expect(texts(svg).filter((t) => t.text === "Zero 2001")).toHaveLength(1);
  });
});

describe("plots of engine results: a subgroup the engine cannot pool", () => {
  it("keeps the subgroup's heading and studies, with its subtotal Not estimable", () => {
    const b = (study: string, subgroup: string, et: number, nt: number, ec: number, nc: number) => ({ study, subgroup, data: { kind: "binary" as const, events_t: et, total_t: nt, events_c: ec, total_c: nc } });
    const r = metaAnalysis([b("A", "x", 3, 20, 6, 20), b("B", "x", 4, 30, 9, 31), b("C", "y", 0, 10, 0, 10), b("D", "x", 5, 25, 7, 25)], { measure: "OR", method: "MH", model: "fixed", subgroup: "sg" });
    const svg = parseSvg(forestPlotSvg(r));
    const lines = texts(svg).map((t) => t.text);
    const at = lines.indexOf("y");
    expect(at).toBeGreaterThan(lines.indexOf("x"));
    expect(lines.indexOf("C")).toBeGreaterThan(at);
    expect(byClass(svg, "not-estimable").length).toBe(2); // the study and its subtotal
    expect(lines).not.toContain("Not in a subgroup");
  });
});
