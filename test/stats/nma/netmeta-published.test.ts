/**
 * The engine against netmeta's own published output: Parkinson's disease network of Stowe et al. 2010 (off-time, MD;
 * random effects with netmeta's default generalised DL tau²), as printed in Balduzzi, Rücker, Nikolakopoulou,
 * Papakonstantinou, Salanti, Efthimiou & Schwarzer (2023), "netmeta: An R Package for Network Meta-Analysis Using
 * Frequentist Methods", J Stat Softw 106(2) (also the package vignette). The data are metadat's dat.stowe2010 (the
 * rows of fixtures/nma/stowe2010.json), and the COPD network of Baker et al. 2009 (metadat dat.baker2009, OR) from
 * the same article. Each number is compared at the decimals printed there.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { nmaFromTable } from "../../../src/stats/nma/index.js";
import { tableFromRows } from "./helpers.js";

const cases = JSON.parse(readFileSync(new URL("../../../fixtures/nma/stowe2010.json", import.meta.url), "utf8")) as { rows: Record<string, string | number>[] }[];
const rows = cases[0]?.rows ?? [];

/** |actual - printed| within half a unit of the printed last decimal. */
function printed(actual: number, value: number, decimals: number): void {
  expect(Math.abs(actual - value)).toBeLessThanOrEqual(0.5 * 10 ** -decimals + 1e-12);
}

describe("netmeta's published Stowe 2010 analysis (J Stat Softw 2023)", () => {
  const r = nmaFromTable(tableFromRows("stowe2010.csv", rows), { measure: "MD", reference: "Placebo", model: "random", tau2: "DL" });

  it("network size: 29 studies, 4 treatments, 4 designs", () => {
    expect([r.k, r.n, r.designs]).toEqual([29, 4, 4]);
  });

  it("random-effects MD vs placebo: COMTI -0.95 [-1.27; -0.63], DA -1.49 [-1.86; -1.12], MAOBI -1.03 [-1.56; -0.50]", () => {
    const est = new Map(r.estimates.map((e) => [e.treatment, e]));
    const want: [string, number, number, number, number][] = [
      ["COMTI", -0.95, -1.27, -0.63, -5.79],
      ["Dopamine Agonist", -1.49, -1.86, -1.12, -7.88],
      ["MAOBI", -1.03, -1.56, -0.5, -3.81],
    ];
    for (const [t, e, lb, ub, z] of want) {
      const a = est.get(t);
      expect(a).toBeDefined();
      printed(a?.estimate ?? NaN, e, 2);
      printed(a?.ci_lb ?? NaN, lb, 2);
      printed(a?.ci_ub ?? NaN, ub, 2);
      printed(a?.zval ?? NaN, z, 2);
    }
  });

  it("tau² = 0.1518, tau = 0.3896, I² = 43.9%", () => {
    printed(r.heterogeneity.tau2, 0.1518, 4);
    printed(r.heterogeneity.tau, 0.3896, 4);
    printed(r.heterogeneity.I2 ?? NaN, 43.9, 1);
  });

  it("decomp.design: total 48.15 (27), within 46.91 (25), between 1.24 (2); p 0.0074, 0.0050, 0.5376", () => {
    const i = r.inconsistency;
    printed(i.total.Q, 48.15, 2);
    expect(i.total.df).toBe(27);
    printed(i.total.pval ?? NaN, 0.0074, 4);
    printed(i.within_designs.Q, 46.91, 2);
    expect(i.within_designs.df).toBe(25);
    printed(i.within_designs.pval ?? NaN, 0.005, 4);
    printed(i.between_designs.Q, 1.24, 2);
    expect(i.between_designs.df).toBe(2);
    printed(i.between_designs.pval ?? NaN, 0.5376, 4);
  });

  it("design-specific Q: Placebo:COMTI 23.65 (10), Placebo:Dopamine Agonist 21.70 (14), Placebo:MAOBI 1.56 (1)", () => {
    const d = new Map(r.inconsistency.by_design.map((x) => [x.design, x]));
    printed(d.get("Placebo:COMTI")?.Q ?? NaN, 23.65, 2);
    expect(d.get("Placebo:COMTI")?.df).toBe(10);
    printed(d.get("Placebo:Dopamine Agonist")?.Q ?? NaN, 21.7, 2);
    printed(d.get("Placebo:MAOBI")?.Q ?? NaN, 1.56, 2);
    printed(d.get("Placebo:COMTI")?.pval ?? NaN, 0.0086, 4);
  });

  it("between-designs Q under the full interaction random-effects model: 0.45 (2), p 0.7968, tau2.within 0.2067", () => {
    const b = r.inconsistency.between_designs_random;
    printed(b?.Q ?? NaN, 0.45, 2);
    expect(b?.df).toBe(2);
    printed(b?.pval ?? NaN, 0.7968, 4);
    printed(b?.tau2_within ?? NaN, 0.2067, 4);
    printed(Math.sqrt(b?.tau2_within ?? NaN), 0.4547, 4);
  });

  it("netrank P-scores: Dopamine Agonist 0.9677, MAOBI 0.5664, COMTI 0.4659, Placebo 0.0000", () => {
    const p = new Map(r.pscores.map((x) => [x.treatment, x.pscore]));
    printed(p.get("Dopamine Agonist") ?? NaN, 0.9677, 4);
    printed(p.get("MAOBI") ?? NaN, 0.5664, 4);
    printed(p.get("COMTI") ?? NaN, 0.4659, 4);
    printed(p.get("Placebo") ?? NaN, 0, 4);
  });
});

describe("netmeta's published Baker 2009 COPD analysis (J Stat Softw 2023, net3)", () => {
  const bk = JSON.parse(readFileSync(new URL("../../../fixtures/nma/baker2009.json", import.meta.url), "utf8")) as { rows: Record<string, string | number>[] }[];
  const r = nmaFromTable(tableFromRows("baker2009.csv", bk[0]?.rows ?? []), { measure: "OR", reference: "Placebo", model: "random", tau2: "DL" });

  it("38 studies (the one without events in any arm left out), 8 treatments, 13 designs", () => {
    expect([r.k, r.n, r.designs]).toEqual([38, 8, 13]);
    expect(r.excluded.length).toBe(1);
  });

  it("random-effects OR vs placebo as printed", () => {
    const want: [string, number, number, number, number][] = [
      ["Budesonide", 0.8, 0.59, 1.1, -1.37],
      ["Budesonide+Formoterol", 0.67, 0.49, 0.9, -2.63],
      ["Fluticasone", 0.86, 0.75, 0.99, -2.05],
      ["Fluticasone+Salmeterol", 0.75, 0.66, 0.86, -4.17],
      ["Formoterol", 1.0, 0.8, 1.25, -0.0],
      ["Salmeterol", 0.8, 0.72, 0.89, -4.06],
      ["Tiotropium", 0.69, 0.61, 0.77, -6.39],
    ];
    const est = new Map(r.estimates.map((e) => [e.treatment, e]));
    for (const [t, or, lb, ub, z] of want) {
      const a = est.get(t);
      printed(Math.exp(a?.estimate ?? NaN), or, 2);
      printed(Math.exp(a?.ci_lb ?? NaN), lb, 2);
      printed(Math.exp(a?.ci_ub ?? NaN), ub, 2);
      printed(a?.zval ?? NaN, z, 2);
    }
  });

  it("tau² = 0.0111, I² = 24.4%; Q total 60.86 (46), within designs 43.20 (34), between designs 17.66 (12)", () => {
    printed(r.heterogeneity.tau2, 0.0111, 4);
    printed(r.heterogeneity.I2 ?? NaN, 24.4, 1);
    printed(r.inconsistency.total.Q, 60.86, 2);
    expect(r.inconsistency.total.df).toBe(46);
    printed(r.inconsistency.total.pval ?? NaN, 0.07, 4);
    printed(r.inconsistency.within_designs.Q, 43.2, 2);
    expect(r.inconsistency.within_designs.df).toBe(34);
    printed(r.inconsistency.within_designs.pval ?? NaN, 0.134, 4);
    printed(r.inconsistency.between_designs.Q, 17.66, 2);
    expect(r.inconsistency.between_designs.df).toBe(12);
    printed(r.inconsistency.between_designs.pval ?? NaN, 0.1264, 4);
  });

  it("netrank P-scores as printed", () => {
    const want: [string, number][] = [
      ["Tiotropium", 0.8719],
      ["Budesonide+Formoterol", 0.8539],
      ["Fluticasone+Salmeterol", 0.6856],
      ["Budesonide", 0.5199],
      ["Salmeterol", 0.5162],
      ["Fluticasone", 0.3523],
      ["Formoterol", 0.1132],
      ["Placebo", 0.0871],
    ];
    const p = new Map(r.pscores.map((x) => [x.treatment, x.pscore]));
    for (const [t, v] of want) printed(p.get(t) ?? NaN, v, 4);
  });
});
