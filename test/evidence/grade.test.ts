import { describe, expect, it } from "vitest";
import { absoluteEffect, assessRiskOfBias, optimalInformationSize, plainLanguageStatement, summaryOfFindings, type SofInput } from "../../src/evidence/grade.js";
import type { RobAssessment } from "../../src/evidence/schema.js";

const lowRob: RobAssessment = {
  tool: "RoB1",
  assessor: "test",
  source: "test",
  domains: {
    random_sequence: "low",
    allocation_concealment: "low",
    blinding_participants: "low",
    blinding_outcome: "low",
    incomplete_outcome: "low",
    selective_reporting: "low",
    other_bias: "low",
  },
  basis: "all low",
};

function input(over: Partial<SofInput> = {}): SofInput {
  return {
    therapy: "ivig",
    outcome: "live birth",
    comparison: "X vs placebo",
    population: "RPL",
    basis: "test",
    effect: { measure: "OR", estimate: 2, ci_low: 1.1, ci_high: 4 },
    desirable: true,
    baselineRisk: 0.5,
    baselineSource: "control arms",
    participants: 1000,
    studies: 5,
    studyDetails: [1, 2, 3, 4, 5].map((i) => ({ label: `T${i}`, randomised: true, participants: 200, rob: lowRob })),
    allRandomised: true,
    I2: 60,
    conflicts: [],
    indirectness: [],
    publicationBias: null,
    ...over,
  };
}

describe("absolute effects", () => {
  it("converts an OR at a baseline risk to events per 1000 (hand-computed)", () => {
    // treated risk = OR p / (1 - p + OR p): OR 2 at p 0.5 -> 1/1.5 = 0.667; OR 1.1 -> 0.524; OR 4 -> 0.8
    const a = absoluteEffect({ measure: "OR", estimate: 2, ci_low: 1.1, ci_high: 4 }, 0.5);
    expect(a).toMatchObject({ baselinePer1000: 500, treatedPer1000: 667, differencePer1000: 167, differenceCiLow: 24, differenceCiHigh: 300 });
    expect(a.text).toBe("167 more per 1000 (from 24 more to 300 more)");
  });
  it("converts an RR (risk x RR)", () => {
    const a = absoluteEffect({ measure: "RR", estimate: 0.8, ci_low: 0.6, ci_high: 1.1 }, 0.3);
    expect([a.differencePer1000, a.differenceCiLow, a.differenceCiHigh]).toEqual([-60, -120, 30]);
    expect(a.text).toBe("60 fewer per 1000 (from 120 fewer to 30 more)");
  });
  it("computes the optimal information size (alpha 0.05, power 0.8, RRR 25%)", () => {
    // p1 = 0.5, p2 = 0.375: 2.8016^2 x (0.25 + 0.234375) / 0.125^2 = 243.3 -> 244 per group
    expect(optimalInformationSize(0.5)).toBe(488);
  });
});

describe("summaryOfFindings", () => {
  it("rates randomised evidence with I² = 60% down once for inconsistency only", () => {
    const row = summaryOfFindings(input());
    expect(row.startingLevel).toBe("high");
    expect(row.certainty).toBe("moderate");
    expect(row.domains.inconsistency.downgrade).toBe(1);
    expect(row.domains.riskOfBias.downgrade).toBe(0);
    expect(row.domains.imprecision.downgrade).toBe(0);
    expect(row.reasons).toEqual(["Inconsistency (-1): I² = 60% (substantial heterogeneity)"]);
    expect(row.relative.text).toBe("OR 2.00 (95% CI 1.10 to 4.00)");
  });

  it("rates down for unclear allocation, conflicting meta-analyses, indirectness and a CI spanning benefit and harm", () => {
    const unclear: RobAssessment = { ...lowRob, domains: { ...lowRob.domains, allocation_concealment: "unclear" } };
    const row = summaryOfFindings(
      input({
        effect: { measure: "RR", estimate: 1.02, ci_low: 0.7, ci_high: 1.5 },
        studyDetails: [{ label: "A", randomised: true, participants: 300, rob: unclear }],
        I2: 10,
        conflicts: ["review X favours treatment, review Y finds no difference"],
        indirectness: ["outcome is ongoing pregnancy, not live birth"],
        participants: 300,
      }),
    );
    expect(row.domains.riskOfBias.downgrade).toBe(1);
    expect(row.domains.inconsistency.downgrade).toBe(1);
    expect(row.domains.indirectness.downgrade).toBe(1);
    expect(row.domains.imprecision.downgrade).toBe(2);
    expect(row.certainty).toBe("very low");
    expect(row.reasons).toHaveLength(4);
  });

  it("names 'not assessed' selection-bias domains as such and says whether they alone change the rating", () => {
    const na: RobAssessment = { ...lowRob, domains: { ...lowRob.domains, random_sequence: "not assessed" } };
    const unclear: RobAssessment = { ...lowRob, domains: { ...lowRob.domains, allocation_concealment: "unclear" } };
    const alone = assessRiskOfBias([
      { label: "NA", randomised: true, participants: 60, rob: na },
      { label: "Low", randomised: true, participants: 40, rob: lowRob },
    ]);
    expect(alone.downgrade).toBe(1);
    expect(alone.reason).toContain("60% of participants in trials whose sequence generation/allocation concealment is NOT ASSESSED (NA)");
    expect(alone.reason).toContain("this alone rates the domain down one level");
    const not = assessRiskOfBias([
      { label: "NA", randomised: true, participants: 20, rob: na },
      { label: "Low", randomised: true, participants: 80, rob: lowRob },
    ]);
    expect(not.downgrade).toBe(0);
    expect(not.reason).toContain("NOT ASSESSED (NA), counted as unknown risk; it does not change the rating");
    const both = assessRiskOfBias([
      { label: "NA", randomised: true, participants: 20, rob: null },
      { label: "U", randomised: true, participants: 60, rob: unclear },
      { label: "Low", randomised: true, participants: 20, rob: lowRob },
    ]);
    expect(both.downgrade).toBe(1);
    expect(both.reason).toContain("unclear: U");
    expect(both.reason).toContain("NOT ASSESSED (NA), counted as unknown risk; it does not change the rating");
  });

  it("starts non-randomised evidence at low and does not count its design twice", () => {
    const row = summaryOfFindings(
      input({ allRandomised: false, studyDetails: [{ label: "Obs", randomised: false, participants: 1000, rob: null }], I2: 0, studies: 1 }),
    );
    expect(row.startingLevel).toBe("low");
    expect(row.domains.riskOfBias.downgrade).toBe(0);
    expect(row.certainty).toBe("low");
    expect(row.reasons[0]).toContain("Started at low");
  });

  it("flags imprecision when the participants fall short of the OIS", () => {
    const row = summaryOfFindings(input({ participants: 200, I2: 0 }));
    expect(row.domains.imprecision.downgrade).toBe(1);
    expect(row.domains.imprecision.reason).toContain("fewer than the optimal information size of 488");
  });
});

describe("plainLanguageStatement", () => {
  it("lets the verb carry the certainty and the numbers carry the size", () => {
    const moderate = summaryOfFindings(input());
    expect(plainLanguageStatement(moderate, "IVIG")).toBe(
      "IVIG probably increases the chance of live birth (moderate certainty evidence). Out of 1000 women, about 500 would have this outcome without treatment and about 667 with it (somewhere between 524 and 800).",
    );
    const veryLow = summaryOfFindings(
      input({ effect: { measure: "RR", estimate: 1.02, ci_low: 0.7, ci_high: 1.5 }, I2: 80, participants: 100, allRandomised: false, studyDetails: [{ label: "O", randomised: false, participants: 100, rob: null }] }),
    );
    expect(plainLanguageStatement(veryLow, "IVIG")).toMatch(/^We are very uncertain whether IVIG changes the chance of live birth/);
    const low = summaryOfFindings(input({ effect: { measure: "RR", estimate: 1.0, ci_low: 0.95, ci_high: 1.05 }, I2: 0, participants: 5000, studyDetails: [{ label: "A", randomised: true, participants: 5000, rob: { ...lowRob, domains: { ...lowRob.domains, random_sequence: "unclear" } } }] }));
    expect(low.certainty).toBe("low");
    expect(plainLanguageStatement(low, "X")).toMatch(/^X may make little or no difference/);
  });
});
