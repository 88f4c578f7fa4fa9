import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { mannWhitneyU, pairedTTest, twoByTwo, welchTTest, welchTTestFromSummary, wilcoxonSignedRank } from "../../src/stats/trial/index.js";

// Reference values produced by test/trial/reference.R (R's t.test, wilcox.test, chisq.test, fisher.test, metafor escalc).
const effect = z.object({ estimate: z.number(), ci_low: z.number(), ci_high: z.number(), se: z.number(), z: z.number(), p: z.number() });
const stat = z.object({ statistic: z.number(), p: z.number() });
const tTest = z.object({ statistic: z.number(), df: z.number(), p: z.number(), estimate: z.number(), ci_low: z.number(), ci_high: z.number() });
const Reference = z.object({
  two_by_two: z.array(
    z.object({
      input: z.object({ name: z.string(), eventsT: z.number(), totalT: z.number(), eventsC: z.number(), totalC: z.number() }),
      oddsRatio: effect,
      riskRatio: effect,
      riskDifference: effect,
      pearson: stat,
      yates: stat,
      fisher: z.object({
        p: z.number(),
        r_estimate: z.number(),
        conditionalOddsRatio: z.number(),
        ci_low: z.number(),
        ci_high: z.number(),
      }),
    }),
  ),
  two_sample: z.array(
    z.object({
      name: z.string(),
      x: z.array(z.number()),
      y: z.array(z.number()),
      welch: tTest,
      rankSum: stat.extend({ method: z.string() }),
      rankSumNormalNoCorrection: stat,
    }),
  ),
  paired: z.array(
    z.object({ name: z.string(), x: z.array(z.number()), y: z.array(z.number()), paired: tTest, signedRank: stat.extend({ method: z.string() }) }),
  ),
  summary_welch: z.array(
    z.object({
      name: z.string(),
      x: z.object({ mean: z.number(), sd: z.number(), n: z.number() }),
      y: z.object({ mean: z.number(), sd: z.number(), n: z.number() }),
      welch: tTest,
    }),
  ),
});
const ref = Reference.parse(JSON.parse(readFileSync(new URL("./reference.json", import.meta.url), "utf8")));

/** Agreement to 6 significant digits (relative 5e-7, absolute floor for values near 0). */
function close(actual: number, expected: number, rel = 5e-7): void {
  if (!Number.isFinite(expected)) {
    expect(actual).toBe(expected);
    return;
  }
  const tol = Math.max(Math.abs(expected) * rel, 1e-12);
  expect(Math.abs(actual - expected), `actual ${actual}, expected ${expected}`).toBeLessThanOrEqual(tol);
}

type TTestFields = { statistic: number; df: number; p: number; estimate: number; ci_low: number; ci_high: number };
/** Compares the six fields R's t.test reports. */
function closeTTest(actual: TTestFields, expected: TTestFields): void {
  for (const f of ["statistic", "df", "p", "estimate", "ci_low", "ci_high"] as const) close(actual[f], expected[f]);
}

function closeEffect(actual: { estimate: number; ci_low: number; ci_high: number; se: number; z: number; p: number }, expected: z.infer<typeof effect>): void {
  close(actual.estimate, expected.estimate);
  close(actual.ci_low, expected.ci_low);
  close(actual.ci_high, expected.ci_high);
  close(actual.se, expected.se);
  close(actual.z, expected.z);
  close(actual.p, expected.p);
}

describe("2x2 tables against R", () => {
  for (const r of ref.two_by_two) {
    it(r.input.name, () => {
      const res = twoByTwo(r.input);
      closeEffect(res.oddsRatio, r.oddsRatio);
      closeEffect(res.riskRatio, r.riskRatio);
      closeEffect(res.riskDifference, r.riskDifference);
      close(res.pearson?.statistic ?? Number.NaN, r.pearson.statistic);
      close(res.pearson?.p ?? Number.NaN, r.pearson.p);
      close(res.yates?.statistic ?? Number.NaN, r.yates.statistic);
      close(res.yates?.p ?? Number.NaN, r.yates.p);
      close(res.fisher.p, r.fisher.p);
      close(res.fisher.conditionalOddsRatio, r.fisher.conditionalOddsRatio);
      close(res.fisher.ci_low, r.fisher.ci_low);
      close(res.fisher.ci_high, r.fisher.ci_high);
      // fisher.test itself solves with uniroot's default tolerance (~1.2e-4).
      close(res.fisher.conditionalOddsRatio, r.fisher.r_estimate, 1e-3);
    });
  }
});

describe("two-sample tests against R", () => {
  for (const s of ref.two_sample) {
    it(s.name, () => {
      const w = welchTTest(s.x, s.y);
      closeTTest(w, s.welch);
      const u = mannWhitneyU(s.x, s.y);
      close(u.statistic, s.rankSum.statistic);
      close(u.p, s.rankSum.p);
      expect(u.exact).toBe(s.rankSum.method.includes("exact"));
      const un = mannWhitneyU(s.x, s.y, { exact: false, correct: false });
      close(un.p, s.rankSumNormalNoCorrection.p);
    });
  }
});

describe("paired tests against R", () => {
  for (const s of ref.paired) {
    it(s.name, () => {
      const t = pairedTTest(s.x, s.y);
      closeTTest(t, s.paired);
      const v = wilcoxonSignedRank(s.x, s.y);
      close(v.statistic, s.signedRank.statistic);
      close(v.p, s.signedRank.p);
      expect(v.exact).toBe(s.signedRank.method.includes("exact"));
    });
  }
});

describe("Welch's t from summary statistics against R", () => {
  for (const s of ref.summary_welch) {
    it(s.name, () => {
      const w = welchTTestFromSummary(s.x, s.y);
      closeTTest(w, s.welch);
    });
  }
});

describe("the tacrolimus trial (issue check)", () => {
  const res = twoByTwo({ eventsT: 60, totalT: 75, eventsC: 47, totalC: 74 });
  it("reproduces OR 2.298 (1.099 to 4.805) and the three P values", () => {
    expect(res.oddsRatio.estimate.toFixed(3)).toBe("2.298");
    expect(res.oddsRatio.ci_low.toFixed(3)).toBe("1.099");
    expect(res.oddsRatio.ci_high.toFixed(3)).toBe("4.805");
    expect(res.pearson?.p.toFixed(3)).toBe("0.025");
    expect(res.yates?.p.toFixed(3)).toBe("0.040");
    expect(res.fisher.p.toFixed(3)).toBe("0.030");
    expect(res.continuityCorrected).toBe(false);
  });
});
