import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { InputError } from "../../src/shared/errors.js";
import { forestPlotSvg, LOG_FOREST_RANGES } from "../../src/stats/plots/index.js";
import { MetaResultSchema, type MetaResult } from "../../src/stats/types.js";
import { all, byClass, fitAxis, num, overlaps, parseSvg, polygonPoints, textBoxes, texts, type El } from "./svg-parse.js";

const fixture = (name: string): MetaResult =>
  MetaResultSchema.parse(JSON.parse(readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), "utf8")));

const hahn = fixture("hahn2001-or-mh-fixed");
const ivig = fixture("ivig-or-subgroups-random");
const normand = fixture("normand1999-md-random");

function axisOf(svg: El, log: boolean): { map: (v: number) => number; ticks: Array<{ value: number; x: number }>; x0: number; x1: number } {
  const ticks = byClass(svg, "tick").map((t) => ({ value: Number(t.attrs["data-value"]), x: num(t, "x1") }));
  const axis = byClass(svg, "axis")[0]!;
  return { map: fitAxis(ticks, log), ticks, x0: num(axis, "x1"), x1: num(axis, "x2") };
}

function diamondExtent(d: El): { left: number; right: number; centre: number } {
  const pts = polygonPoints(d);
  const xs = pts.map((p) => p[0]);
  const top = pts.reduce((a, p) => (p[1] < a[1] ? p : a));
  return { left: Math.min(...xs), right: Math.max(...xs), centre: top[0] };
}

describe("forestPlotSvg: binary, Mantel-Haenszel, 11 trials with 2 double-zero", () => {
  const svg = parseSvg(forestPlotSvg(hahn, { title: "Hahn 2001" }));
  const ax = axisOf(svg, true);

  it("lists every study exactly once, excluded ones as Not estimable without a square", () => {
    for (const s of hahn.studies) {
      expect(texts(svg).filter((t) => t.text === s.study)).toHaveLength(1);
    }
    const excluded = hahn.studies.filter((s) => !s.included).map((s) => s.study);
    expect(excluded).toEqual(["India 1984a", "Panama 1982"]);
    expect(byClass(svg, "not-estimable")).toHaveLength(2);
    const squares = byClass(svg, "square").map((e) => e.attrs["data-study"]);
    expect(squares).toHaveLength(9);
    for (const s of excluded) expect(squares).not.toContain(s);
  });

  it("maps the diamond's x-extent exactly to the pooled CI through the axis scale", () => {
    const d = byClass(svg, "diamond").filter((e) => e.attrs["data-role"] === "total");
    expect(d).toHaveLength(1);
    const ext = diamondExtent(d[0]!);
    const p = hahn.pooled.transformed!;
    expect(ext.left).toBeCloseTo(ax.map(p.ci_lb), 1);
    expect(ext.right).toBeCloseTo(ax.map(p.ci_ub), 1);
    expect(ext.centre).toBeCloseTo(ax.map(p.estimate), 1);
    // and it lies left of the line of no effect (OR 0.61 < 1)
    const nullLine = byClass(svg, "null-line")[0]!;
    expect(ext.right).toBeLessThan(num(nullLine, "x1"));
    expect(num(nullLine, "x1")).toBeCloseTo(ax.map(1), 1);
  });

  it("sizes squares with area proportional to weight and centres them on the study estimate", () => {
    const squares = byClass(svg, "square");
    const ratios = squares.map((sq) => {
      const s = hahn.studies.find((x) => x.study === sq.attrs["data-study"])!;
      expect(num(sq, "width")).toBeCloseTo(num(sq, "height"), 6);
      expect(num(sq, "x") + num(sq, "width") / 2).toBeCloseTo(ax.map(Math.exp(s.yi!)), 1);
      return (num(sq, "width") * num(sq, "height")) / s.weight;
    });
    const mean = ratios.reduce((a, b) => a + b, 0) / ratios.length;
    for (const r of ratios) expect(Math.abs(r / mean - 1)).toBeLessThan(0.01);
  });

  it("uses RevMan's symmetric log ticks, the smallest range holding the study intervals (0.01 to 100 here)", () => {
    const lowest = Math.min(...hahn.studies.filter((s) => s.included).map((s) => Math.exp(s.ci_lb!)));
    const highest = Math.max(...hahn.studies.filter((s) => s.included).map((s) => Math.exp(s.ci_ub!)));
    expect(lowest).toBeLessThan(0.02); // Egypt 1996b: 0.01
    expect(highest).toBeGreaterThan(10); // USA 1982: 11.03
    expect(ax.ticks.map((t) => t.value)).toEqual([0.01, 0.1, 1, 10, 100]);
    // Log spacing: equal pixel steps per decade.
    const steps = ax.ticks.slice(1).map((t, i) => t.x - ax.ticks[i]!.x);
    for (const s of steps) expect(s).toBeCloseTo(steps[0]!, 1);
  });

  it("prints RevMan's columns, totals and footer from the result", () => {
    const all_ = texts(svg).map((t) => t.text);
    for (const h of ["Events", "Total", "Weight", "Odds Ratio", "M-H, Fixed, 95% CI", "Total (95% CI)", "Total events"]) expect(all_).toContain(h);
    // Totals: 19+341+71+45+94+22+88+82+33+15+221 = 1031 and 19+334+69+44+96+22+82+84+30+20+218 = 1018.
    expect(all_).toContain("1031");
    expect(all_).toContain("1018");
    expect(all_).toContain("98"); // 4+34+7+6+1+0+11+2+0+0+33
    expect(all_).toContain("147"); // 5+50+16+5+8+0+12+7+0+1+43
    expect(all_).toContain("0.61 [0.46, 0.80]");
    expect(all_).toContain("Heterogeneity: Chi² = 6.53, df = 8 (P = 0.59); I² = 0%");
    expect(all_).toContain("Test for overall effect: Z = 3.51 (P = 0.0004)");
    expect(all_).toContain("Favours [experimental]");
    expect(all_).toContain("Favours [control]");
    // Egypt 1996b: 1/94 vs 8/96 -> OR = (1*88)/(93*8) = 0.118, SE = sqrt(1/1 + 1/93 + 1/8 + 1/88) = 1.07
    expect(all_).toContain("0.12 [0.01, 0.97]");
    expect(all_).toContain("100.0%");
  });

  it("has no overlapping text", () => {
    expect(overlaps(svg)).toEqual([]);
  });
});

describe("forestPlotSvg: subgroups, random effects", () => {
  const raw = forestPlotSvg(ivig, { experimentalLabel: "IVIG", controlLabel: "Placebo", favoursLeft: "Favours placebo", favoursRight: "Favours IVIG" });
  const svg = parseSvg(raw);
  const ax = axisOf(svg, true);

  it("draws one subtotal diamond per subgroup at its own CI, then the total", () => {
    for (const g of ivig.subgroups!) {
      const d = byClass(svg, "diamond").find((e) => e.attrs["data-subgroup"] === g.name)!;
      const ext = diamondExtent(d);
      expect(ext.left).toBeCloseTo(ax.map(Math.exp(g.pooled.ci_lb)), 1);
      expect(ext.right).toBeCloseTo(ax.map(Math.exp(g.pooled.ci_ub)), 1);
      expect(ext.centre).toBeCloseTo(ax.map(Math.exp(g.pooled.estimate)), 1);
    }
    expect(byClass(svg, "diamond").filter((e) => e.attrs["data-role"] === "total")).toHaveLength(1);
  });

  it("puts each study under its subgroup heading, before the subgroup's subtotal", () => {
    const order = texts(svg).map((t) => t.text);
    for (const g of ivig.subgroups!) {
      const head = order.indexOf(g.name);
      expect(head).toBeGreaterThanOrEqual(0);
      for (const s of ivig.studies.filter((x) => x.subgroup === g.name)) {
        const at = order.indexOf(s.study);
        expect(at).toBeGreaterThan(head);
        expect(order.slice(head, at)).not.toContain("Subtotal (95% CI)");
      }
    }
  });

  it("prints per-subgroup heterogeneity with Tau², and the test for subgroup differences with I²", () => {
    const lines = texts(svg).map((t) => t.text);
    const t = ivig.subgroup_test!;
    const i2 = Math.max(0, ((t.Q - t.df) / t.Q) * 100);
    expect(lines).toContain(`Test for subgroup differences: Chi² = ${t.Q.toFixed(2)}, df = 1 (P = ${t.pval.toFixed(2)}), I² = ${i2.toFixed(1)}%`);
    expect(lines.filter((l) => l.startsWith("Heterogeneity: Tau² = "))).toHaveLength(3);
    expect(lines).toContain("IV, Random, 95% CI");
    expect(lines).toContain("Favours placebo");
  });

  it("draws the prediction interval at metafor's predict() limits", () => {
    const pi = byClass(svg, "prediction-interval");
    expect(pi).toHaveLength(1);
    const p = ivig.pooled.transformed!;
    expect(num(pi[0]!, "x")).toBeCloseTo(ax.map(p.pi_lb!), 1);
    expect(num(pi[0]!, "x") + num(pi[0]!, "width")).toBeCloseTo(ax.map(p.pi_ub!), 1);
  });

  it("leaves the prediction interval out for the revman5 preset unless asked", () => {
    const r = structuredClone(ivig);
    r.preset = "revman5";
    expect(byClass(parseSvg(forestPlotSvg(r)), "prediction-interval")).toHaveLength(0);
    expect(byClass(parseSvg(forestPlotSvg(r, { predictionInterval: true })), "prediction-interval")).toHaveLength(1);
    expect(byClass(parseSvg(forestPlotSvg(ivig, { predictionInterval: false })), "prediction-interval")).toHaveLength(0);
  });

  it("chooses the smallest symmetric ladder range that holds every interval", () => {
    const values = ax.ticks.map((t) => t.value);
    const max = Math.max(...values);
    expect(Math.min(...values)).toBeCloseTo(1 / max, 12);
    const cis = ivig.studies.flatMap((s) => [Math.exp(s.ci_lb!), Math.exp(s.ci_ub!)]);
    expect(Math.min(...cis)).toBeGreaterThanOrEqual(1 / max);
    expect(Math.max(...cis)).toBeLessThanOrEqual(max);
    const smaller = LOG_FOREST_RANGES.filter((r) => r.max < max);
    for (const r of smaller) expect(cis.some((c) => c > r.max || c < 1 / r.max)).toBe(true);
  });

  it("has no overlapping text", () => {
    expect(overlaps(svg)).toEqual([]);
  });
});

describe("forestPlotSvg: continuous mean difference", () => {
  const svg = parseSvg(forestPlotSvg(normand));
  const ax = axisOf(svg, false);

  it("shows mean, SD and total per arm, and a linear symmetric axis through 0", () => {
    const lines = texts(svg).map((t) => t.text);
    expect(lines.filter((l) => l === "Mean")).toHaveLength(2);
    expect(lines.filter((l) => l === "SD")).toHaveLength(2);
    expect(lines).toContain("Mean Difference");
    const v = ax.ticks.map((t) => t.value);
    expect(v).toContain(0);
    expect(v[0]).toBe(-v[v.length - 1]!);
    const steps = ax.ticks.slice(1).map((t, i) => t.x - ax.ticks[i]!.x);
    for (const s of steps) expect(s).toBeCloseTo(steps[0]!, 1);
    // Edinburgh: 55 - 75 = -20.00, SE = sqrt(47²/155 + 64²/156) = 6.36, CI -20 ± 1.96 x 6.36
    expect(lines).toContain("-20.00 [-32.47, -7.53]");
  });

  it("maps the diamond to the pooled MD interval on the linear scale", () => {
    const ext = diamondExtent(byClass(svg, "diamond")[0]!);
    expect(ext.left).toBeCloseTo(ax.map(normand.pooled.ci_lb), 1);
    expect(ext.right).toBeCloseTo(ax.map(normand.pooled.ci_ub), 1);
    expect(ext.centre).toBeCloseTo(ax.map(normand.pooled.estimate), 1);
  });

  it("has no overlapping text", () => {
    expect(overlaps(svg)).toEqual([]);
  });
});

describe("forestPlotSvg: edge cases", () => {
  it("escapes XML in study names, titles and labels", () => {
    const r = structuredClone(hahn);
    r.studies[0]!.study = `Smith & Wesson <pilot> "A" 'B'`;
    const raw = forestPlotSvg(r, { title: "IVIG <vs> placebo & more", experimentalLabel: "A&B" });
    expect(raw).toContain("Smith &amp; Wesson &lt;pilot&gt; &quot;A&quot; &apos;B&apos;");
    expect(raw).not.toContain("<pilot>");
    expect(raw).not.toContain("<vs>");
    const svg = parseSvg(raw);
    expect(texts(svg).filter((t) => t.text === `Smith & Wesson <pilot> "A" 'B'`)).toHaveLength(1);
    expect(texts(svg).map((t) => t.text)).toContain("Favours [A&B]");
  });

  it("draws arrows when a study interval runs off the axis", () => {
    const r = structuredClone(hahn);
    const s = r.studies[1]!;
    s.yi = Math.log(3);
    s.ci_lb = Math.log(0.5);
    s.ci_ub = Math.log(50000);
    const svg = parseSvg(forestPlotSvg(r));
    const arrows = byClass(svg, "ci-arrow");
    expect(arrows).toHaveLength(1);
    const axis = byClass(svg, "axis")[0]!;
    const line = byClass(svg, "ci").find((e) => e.attrs["data-study"] === s.study)!;
    expect(num(line, "x2")).toBeCloseTo(num(axis, "x2"), 6);
    // the arrow's tip sits on the right end of the axis
    expect(arrows[0]!.attrs.d).toContain(`M${num(axis, "x2")},`);
  });

  it("rejects a result that does not match the contract with an InputError naming the field", () => {
    const bad = structuredClone(hahn) as unknown as { pooled: { estimate: unknown } };
    bad.pooled.estimate = "high";
    expect(() => forestPlotSvg(bad as unknown as MetaResult)).toThrow(InputError);
    try {
      forestPlotSvg(bad as unknown as MetaResult);
    } catch (e) {
      expect((e as InputError).location.field).toBe("pooled.estimate");
    }
  });

  it("plots GEN results on a log axis with exp() labels when asked (log hazard ratios and the like)", () => {
    const r = structuredClone(fixture("hackshaw1998-funnel-trimfill"));
    r.measure = "GEN";
    delete r.pooled.transformed;
    const linear = parseSvg(forestPlotSvg(r));
    expect(byClass(linear, "tick").map((t) => Number(t.attrs["data-value"]))).toContain(0);
    const svg = parseSvg(forestPlotSvg(r, { logScale: true }));
    const ax = axisOf(svg, true);
    expect(ax.ticks.map((t) => t.value)).toContain(1);
    const ext = diamondExtent(byClass(svg, "diamond")[0]!);
    expect(ext.left).toBeCloseTo(ax.map(Math.exp(r.pooled.ci_lb)), 1);
    expect(ext.right).toBeCloseTo(ax.map(Math.exp(r.pooled.ci_ub)), 1);
  });

  it("writes Knapp-Hartung results as t with df", () => {
    const r = structuredClone(normand);
    r.test = "knha";
    r.pooled.df = 8;
    r.pooled.zval = -1.5;
    r.pooled.pval = 0.172;
    const lines = texts(parseSvg(forestPlotSvg(r))).map((t) => t.text);
    expect(lines).toContain("Test for overall effect: t = 1.50, df = 8 (P = 0.17)");
  });

  it("keeps every element inside the declared canvas", () => {
    for (const r of [hahn, ivig, normand]) {
      const svg = parseSvg(forestPlotSvg(r, { title: "t" }));
      const W = num(svg, "width");
      for (const b of textBoxes(svg)) {
        expect(b.x0).toBeGreaterThanOrEqual(0);
        expect(b.x1).toBeLessThanOrEqual(W);
      }
      for (const e of all(svg, (x) => x.tag === "line")) {
        expect(Math.max(num(e, "x1"), num(e, "x2"))).toBeLessThanOrEqual(W);
      }
    }
  });
});
