import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { funnelDataFromResult, funnelPlotSvg } from "../../src/stats/plots/index.js";
import { MetaResultSchema, type MetaResult } from "../../src/stats/types.js";
import { byClass, fitAxis, num, parseSvg, polygonPoints, texts, type El } from "./svg-parse.js";

const fixture = (name: string): MetaResult =>
  MetaResultSchema.parse(JSON.parse(readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), "utf8")));
const hackshaw = fixture("hackshaw1998-funnel-trimfill");
const normand = fixture("normand1999-md-random");

function axes(svg: El, log: boolean): { x: (v: number) => number; y: (se: number) => number; yTicks: number[] } {
  const xt = byClass(svg, "xtick").map((t) => ({ value: Number(t.attrs["data-value"]), x: num(t, "x1") }));
  const yt = byClass(svg, "ytick").map((t) => ({ value: Number(t.attrs["data-value"]), x: num(t, "y1") }));
  const fx = fitAxis(xt, log);
  const fy = fitAxis(yt, false);
  // x-axis ticks are ratio labels on a log axis: position of the analysis-scale value v is fx(exp(v)).
  return { x: (v) => (log ? fx(Math.exp(v)) : fx(v)), y: fy, yTicks: yt.map((t) => t.value) };
}

describe("funnelPlotSvg with trim-and-fill (dat.hackshaw1998)", () => {
  const svg = parseSvg(funnelPlotSvg(hackshaw, { title: "Hackshaw" }));
  const ax = axes(svg, true);
  const funnel = hackshaw.funnel!;

  it("draws observed studies filled and the trim-and-fill studies hollow", () => {
    const points = byClass(svg, "point");
    expect(points).toHaveLength(funnel.points.length);
    const hollow = points.filter((p) => p.attrs.fill === "#ffffff");
    expect(hollow).toHaveLength(hackshaw.bias!.trimfill!.k0);
    expect(hollow).toHaveLength(7);
    expect(points.filter((p) => p.attrs.fill === "#000000")).toHaveLength(37);
  });

  it("puts each point at (yi, sei) with SE increasing downwards from 0 at the top", () => {
    expect(ax.yTicks[0]).toBe(0);
    expect(ax.y(0)).toBeLessThan(ax.y(0.5));
    for (const p of byClass(svg, "point")) {
      const src = funnel.points.find((q) => q.study === p.attrs["data-study"])!;
      expect(num(p, "cx")).toBeCloseTo(ax.x(src.yi), 1);
      expect(num(p, "cy")).toBeCloseTo(ax.y(src.sei), 1);
    }
  });

  it("labels the log axis with ratios in 1-2-5 steps", () => {
    const labels = byClass(svg, "xtick").map((t) => Number(t.attrs["data-value"]));
    expect(labels.length).toBeGreaterThanOrEqual(3);
    for (const v of labels) expect([1, 2, 5]).toContain(Number((v / 10 ** Math.floor(Math.log10(v))).toPrecision(6)));
    expect(labels).toContain(1);
    expect(texts(svg).map((t) => t.text)).toContain("Odds Ratio (log scale)");
  });

  it("centres the funnel and the pseudo 95% limits on the (adjusted) estimate", () => {
    const centre = byClass(svg, "centre-line")[0]!;
    expect(num(centre, "x1")).toBeCloseTo(ax.x(funnel.centre), 1);
    const bottomSe = ax.yTicks[ax.yTicks.length - 1]!;
    const ends = byClass(svg, "pseudo-ci").map((l) => num(l, "x2")).sort((a, b) => a - b);
    expect(ends[0]).toBeCloseTo(ax.x(funnel.centre - 1.959964 * bottomSe), 1);
    expect(ends[1]).toBeCloseTo(ax.x(funnel.centre + 1.959964 * bottomSe), 1);
  });

  it("shades the significance contours around the null at z(0.10), z(0.05), z(0.01)", () => {
    const bottomSe = ax.yTicks[ax.yTicks.length - 1]!;
    const zs: Record<string, number> = { "0.1": 1.644854, "0.05": 1.959964, "0.01": 2.575829 };
    const tri = byClass(svg, "contour").filter((e) => e.tag === "polygon");
    expect(tri).toHaveLength(3);
    for (const t of tri) {
      const z = zs[t.attrs["data-p"]!]!;
      const xs = polygonPoints(t).map((p) => p[0]);
      expect(Math.min(...xs)).toBeCloseTo(ax.x(-z * bottomSe), 0);
      expect(Math.max(...xs)).toBeCloseTo(ax.x(z * bottomSe), 0);
    }
    // the p > 0.10 region is white and drawn last (on top)
    expect(tri[tri.length - 1]!.attrs["data-p"]).toBe("0.1");
    expect(tri[tri.length - 1]!.attrs.fill).toBe("#ffffff");
    const legend = texts(svg).map((t) => t.text);
    for (const l of ["p > 0.1", "0.05 < p ≤ 0.1", "0.01 < p ≤ 0.05", "p ≤ 0.01", "Added by trim-and-fill"]) expect(legend).toContain(l);
  });
});

describe("funnelPlotSvg without result.funnel", () => {
  it("computes the points from the included studies (sei = sqrt(vi)) on a linear axis for MD", () => {
    expect(normand.funnel).toBeUndefined();
    const data = funnelDataFromResult(normand);
    expect(data.points).toHaveLength(normand.studies.length);
    expect(data.points[0]!.sei).toBeCloseTo(Math.sqrt(normand.studies[0]!.vi!), 12);
    expect(data.centre).toBe(normand.pooled.estimate);
    const svg = parseSvg(funnelPlotSvg(normand));
    const ax = axes(svg, false);
    const points = byClass(svg, "point");
    expect(points).toHaveLength(9);
    for (const p of points) {
      const s = normand.studies.find((q) => q.study === p.attrs["data-study"])!;
      expect(num(p, "cx")).toBeCloseTo(ax.x(s.yi!), 1);
      expect(num(p, "cy")).toBeCloseTo(ax.y(Math.sqrt(s.vi!)), 1);
    }
    expect(texts(svg).map((t) => t.text)).not.toContain("Added by trim-and-fill");
  });
});

describe("funnelPlotSvg inlined twice in one page", () => {
  it("gives different funnels different clip ids (and the same funnel the same one)", () => {
    const id = (svg: string): string => /<clipPath id="([^"]+)"/.exec(svg)![1]!;
    const a = funnelPlotSvg(hackshaw);
    const b = funnelPlotSvg(normand);
    expect(id(a)).not.toBe(id(b));
    expect(id(a)).toBe(id(funnelPlotSvg(hackshaw)));
    expect(a).toContain(`clip-path="url(#${id(a)})"`);
  });
});
