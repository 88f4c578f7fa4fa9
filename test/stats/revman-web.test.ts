/**
 * RevMan Web's analysis export ("data-rows" CSV of an analysis download), in its own layout: the Fleiss (1993)
 * examples as RevMan Web exports them (guido-s/meta ships such a download, inst/extdata/Fleiss1993.zip; the rows
 * below are written in that layout with the same published numbers). Expected values are RevMan Web's own, from the
 * same download's overall-estimates-and-settings file (MH, odds ratio, fixed effect).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../support/run-cli.js";

const HEADER =
  "\uFEFFAnalysis group,Analysis number,Analysis name,Subgroup,Applicability,Study,Study year,GIV Mean,GIV SE,Experimental mean,Experimental SD,Experimental cases,Experimental N,Control mean,Control SD,Control cases,Control N,O-E,Variance,Weight,Mean,CI start,CI end,Footnotes";
const ASPIRIN = [
  ["AMIS", 1980, 246, 2267, 219, 2257],
  ["CDP", 1976, 44, 758, 64, 771],
  ["GASP", 1979, 32, 317, 38, 309],
  ["ISIS-2", 1988, 1570, 8587, 1720, 8600],
  ["MRC-1", 1974, 49, 615, 67, 624],
  ["MRC-2", 1979, 102, 832, 126, 850],
  ["PARIS", 1980, 85, 810, 52, 406],
].map(([s, y, e1, n1, e2, n2]) => `1,1,Aspirin for Preventing Death after Myocardial Infarction,,SUBGROUP_AND_OVERALL,${s},${y},0.0,0.0,0.0,0.0,${e1},${n1},0.0,0.0,${e2},${n2},0.0,0.0,0,0,0,0,`);
const MENTAL = [
  ["Davis", 1973, 5.0, 4.7, 13, 6.5, 3.8, 13],
  ["Florell", 1971, 4.9, 1.71, 30, 6.1, 2.3, 50],
  ["Gruen", 1975, 22.5, 3.44, 35, 24.9, 10.65, 35],
  ["Hart", 1975, 12.5, 1.47, 20, 12.3, 1.66, 20],
  ["Wilson", 1977, 6.5, 0.76, 8, 7.38, 1.41, 8],
].map(([s, y, m1, sd1, n1, m2, sd2, n2]) => `1,2,Mental Health Treatment versus Control,,SUBGROUP_AND_OVERALL,${s},${y},0.0,0.0,${m1},${sd1},0,${n1},${m2},${sd2},0,${n2},0.0,0.0,0,0,0,0,`);

let dir: string;
let file: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "decidua-rmweb-"));
  file = join(dir, "921923100913455418-data-rows.csv");
  writeFileSync(file, [HEADER, ...ASPIRIN, ...MENTAL].join("\r\n") + "\r\n");
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (...argv: string[]) => runCli(["meta", ...argv]);

describe("RevMan Web data-rows export", () => {
  it("asks which analysis when the file holds several, listing them", async () => {
    const r = await run(file);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/a RevMan Web export with 2 analyses: choose one with --outcome \(1\.1 Aspirin for Preventing Death after Myocardial Infarction \(7 studies\); 1\.2 Mental Health Treatment versus Control \(5 studies\)\)/);
    expect((await run(file, "--outcome", "2.1")).err).toMatch(/no analysis 2\.1 in this RevMan Web export/);
  });
  it("analysis 1.1 (dichotomous) with RevMan's settings gives RevMan Web's stored results to 6 digits", async () => {
    const r = await run(file, "--outcome", "1.1", "--method", "MH", "--measure", "OR", "--json");
    expect(r.code, r.err).toBe(0);
    const j = JSON.parse(r.out) as { k: number; pooled: { zval: number; transformed: { estimate: number; ci_lb: number; ci_ub: number } }; heterogeneity: { QE: number; I2: number } };
    expect(j.k).toBe(7);
    const close = (a: number, b: number) => expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-6 * Math.abs(b) + 1e-6);
    close(j.pooled.transformed.estimate, 0.896866);
    close(j.pooled.transformed.ci_lb, 0.840514);
    close(j.pooled.transformed.ci_ub, 0.956995);
    close(Math.abs(j.pooled.zval), 3.287633);
    close(j.heterogeneity.QE, 9.946056);
    close(j.heterogeneity.I2, 39.67458);
    expect(r.err).toMatch(/RevMan Web export: analysis 1\.1 .*\(dichotomous, 7 studies\); RevMan's method, measure and model are in its settings file/);
  });
  it("analysis 1.2 reads as continuous data (means, SDs, N per arm)", async () => {
    const r = await run(file, "--outcome", "1.2", "--measure", "MD", "--model", "fixed", "--json");
    expect(r.code, r.err).toBe(0);
    const j = JSON.parse(r.out) as { k: number; studies: { study: string; yi: number }[] };
    expect(j.k).toBe(5);
    expect(j.studies[0]).toMatchObject({ study: "Davis 1973" });
    expect(j.studies[0]!.yi).toBeCloseTo(5.0 - 6.5, 12);
  });
});

describe("--level as metafor reads it", () => {
  it("a level below 1 is a proportion above 0.5 (0.95) or the alpha (0.05), as metafor's .level(); 90 stays 90%", async () => {
    const bcg = new URL("../../examples/meta/bcg.csv", import.meta.url).pathname;
    const ci = async (level: string) => {
      const r = await run(bcg, "--measure", "RR", "--level", level, "--json");
      expect(r.code, r.err).toBe(0);
      const j = JSON.parse(r.out) as { pooled: { ci_lb: number; ci_ub: number } };
      return [j.pooled.ci_lb, j.pooled.ci_ub];
    };
    // metafor: rma(measure = "RR", dat.bcg), REML, 95%: [-1.066898, -0.362167]
    const p95 = await ci("95");
    expect(p95[0]).toBeCloseTo(-1.066898, 5);
    expect(await ci("0.95")).toEqual(p95);
    expect(await ci("0.05")).toEqual(p95);
    expect(await ci("90")).not.toEqual(p95);
    expect(await ci("0.9")).toEqual(await ci("90"));
  });
});
