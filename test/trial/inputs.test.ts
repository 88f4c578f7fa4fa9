import { describe, expect, it } from "vitest";
import { InputError } from "../../src/shared/errors.js";
import { averageRanks, mannWhitneyU, pairedTTest, twoByTwo, wilcoxonSignedRank } from "../../src/stats/trial/index.js";

describe("2x2 input and zero cells", () => {
  it("rejects events above the arm total, naming the field", () => {
    expect(() => twoByTwo({ eventsT: 80, totalT: 75, eventsC: 47, totalC: 74 })).toThrow(InputError);
    try {
      twoByTwo({ eventsT: 80, totalT: 75, eventsC: 47, totalC: 74 });
    } catch (e) {
      expect((e as InputError).location.field).toBe("eventsT");
    }
  });
  it("says so when 0.5 is added because of a zero cell, and only then", () => {
    const z = twoByTwo({ eventsT: 0, totalT: 10, eventsC: 3, totalC: 10 });
    expect(z.continuityCorrected).toBe(true);
    expect(z.notes.join(" ")).toMatch(/0\.5 was added/);
    // corrected OR = (0.5 * 7.5) / (10.5 * 3.5)
    expect(z.oddsRatio.estimate).toBeCloseTo((0.5 * 7.5) / (10.5 * 3.5), 12);
    // the raw risks are not corrected
    expect(z.riskT).toBe(0);
    const nz = twoByTwo({ eventsT: 1, totalT: 10, eventsC: 3, totalC: 10 });
    expect(nz.continuityCorrected).toBe(false);
    expect(nz.notes).toEqual([]);
  });
  it("reports undefined chi-square when no arm has an event", () => {
    const r = twoByTwo({ eventsT: 0, totalT: 10, eventsC: 0, totalC: 12 });
    expect(r.pearson).toBeNull();
    expect(r.fisher.p).toBe(1);
  });
});

describe("ranks and Wilcoxon edge cases", () => {
  it("averages tied ranks", () => {
    expect(averageRanks([10, 20, 20, 5])).toEqual([2, 3.5, 3.5, 1]);
  });
  it("uses the exact distribution only without ties", () => {
    expect(mannWhitneyU([1, 2, 3], [4, 5, 6]).exact).toBe(true);
    // smallest possible W = 0 of 20 equally likely splits: two-sided p = 2/20
    expect(mannWhitneyU([1, 2, 3], [4, 5, 6]).p).toBeCloseTo(0.1, 12);
    expect(mannWhitneyU([1, 2, 3], [3, 5, 6]).exact).toBe(false);
  });
  it("signed-rank: all 5 differences positive gives exact p = 2/32", () => {
    const r = wilcoxonSignedRank([2, 3, 4, 5, 6], [1, 1, 1, 1, 1]);
    expect(r.statistic).toBe(15);
    expect(r.p).toBeCloseTo(2 / 32, 12);
  });
  it("rejects unequal pairs", () => {
    expect(() => pairedTTest([1, 2, 3], [1, 2])).toThrow(InputError);
  });
});
