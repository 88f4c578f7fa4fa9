import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { mannWhitneyU, twoByTwo, wilcoxonSignedRank } from "../../src/stats/trial/index.js";

const arm = fc.integer({ min: 1, max: 60 }).chain((total) => fc.tuple(fc.integer({ min: 0, max: total }), fc.constant(total)));

describe("2x2 symmetries", () => {
  it("swapping the arms inverts OR and RR, negates RD and leaves every P unchanged", () => {
    fc.assert(
      fc.property(arm, arm, ([eT, nT], [eC, nC]) => {
        const a = twoByTwo({ eventsT: eT, totalT: nT, eventsC: eC, totalC: nC });
        const b = twoByTwo({ eventsT: eC, totalT: nC, eventsC: eT, totalC: nT });
        expect(b.oddsRatio.estimate).toBeCloseTo(1 / a.oddsRatio.estimate, 9);
        expect(b.riskRatio.ci_low).toBeCloseTo(1 / a.riskRatio.ci_high, 9);
        expect(b.riskDifference.estimate).toBeCloseTo(-a.riskDifference.estimate, 12);
        expect(b.fisher.p).toBeCloseTo(a.fisher.p, 12);
        expect(b.pearson?.p ?? -1).toBeCloseTo(a.pearson?.p ?? -1, 12);
        expect(b.yates?.p ?? -1).toBeCloseTo(a.yates?.p ?? -1, 12);
        for (const p of [a.fisher.p, a.oddsRatio.p, a.pearson?.p ?? 0.5]) {
          expect(p).toBeGreaterThanOrEqual(0);
          expect(p).toBeLessThanOrEqual(1);
        }
        // Yates' correction never makes the test more significant
        if (a.pearson !== null && a.yates !== null) expect(a.yates.p).toBeGreaterThanOrEqual(a.pearson.p - 1e-15);
      }),
      { numRuns: 200, seed: 5 },
    );
  });
});

describe("Wilcoxon symmetries", () => {
  const sample = fc.array(fc.integer({ min: -50, max: 50 }), { minLength: 2, maxLength: 15 });
  it("rank-sum: swapping the groups gives W' = nx ny - W and the same P", () => {
    fc.assert(
      fc.property(sample, sample, (x, y) => {
        const a = mannWhitneyU(x, y);
        const b = mannWhitneyU(y, x);
        expect(a.statistic + b.statistic).toBe(x.length * y.length);
        expect(b.p).toBeCloseTo(a.p, 12);
        expect(a.p).toBeLessThanOrEqual(1);
      }),
      { numRuns: 200, seed: 9 },
    );
  });
  it("signed-rank: negating the differences gives V' = n(n+1)/2 - V and the same P", () => {
    fc.assert(
      fc.property(sample.filter((d) => d.some((v) => v !== 0)), (d) => {
        const a = wilcoxonSignedRank(d);
        const b = wilcoxonSignedRank(d.map((v) => -v));
        expect(a.statistic + b.statistic).toBe((a.n * (a.n + 1)) / 2);
        expect(b.p).toBeCloseTo(a.p, 12);
      }),
      { numRuns: 200, seed: 13 },
    );
  });
});
