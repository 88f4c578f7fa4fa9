/**
 * The GRADE primitives grade-outcomes.ts builds on (src/evidence/grade.ts). The certainty itself is computed in one
 * place, the Summary-of-Findings engine, and tested in grade-outcomes.test.ts.
 */
import { describe, expect, it } from "vitest";
import { assessImprecision, optimalInformationSize, treatedRisk } from "../../src/evidence/grade.js";

describe("GRADE primitives", () => {
  it("converts a relative effect to the treated risk at a baseline risk (hand-computed)", () => {
    // OR p / (1 - p + OR p): OR 2 at p 0.5 -> 1/1.5; RR x p, capped at 1
    expect(treatedRisk("OR", 2, 0.5)).toBeCloseTo(2 / 3, 12);
    expect(treatedRisk("RR", 0.8, 0.3)).toBeCloseTo(0.24, 12);
    expect(treatedRisk("RR", 3, 0.5)).toBe(1);
  });
  it("computes the optimal information size (alpha 0.05, power 0.8, RRR 25%)", () => {
    // p1 = 0.5, p2 = 0.375: 2.8016^2 x (0.25 + 0.234375) / 0.125^2 = 243.3 -> 244 per group
    expect(optimalInformationSize(0.5)).toBe(488);
  });
  it("rates imprecision down two levels when the CI includes appreciable benefit and harm, one when it includes no effect", () => {
    expect(assessImprecision({ measure: "RR", estimate: 1, ci_low: 0.7, ci_high: 1.4 }, 5000, 0.5).downgrade).toBe(2);
    const one = assessImprecision({ measure: "RR", estimate: 1.03, ci_low: 0.95, ci_high: 1.12 }, 5000, 0.5);
    expect(one.downgrade).toBe(1);
    expect(one.reason).toMatch(/includes no effect/);
    expect(assessImprecision({ measure: "RR", estimate: 1.3, ci_low: 1.1, ci_high: 1.5 }, 5000, 0.5).downgrade).toBe(0);
  });
});
