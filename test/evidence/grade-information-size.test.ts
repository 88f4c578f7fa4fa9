/**
 * GRADE imprecision with a diversity-adjusted required information size from a trial sequential analysis:
 * when given, the participants are judged against it (not the default OIS), and the reason says so.
 */
import { describe, expect, it } from "vitest";
import { assessImprecision, optimalInformationSize, type InformationSize } from "../../src/evidence/grade.js";
import type { StudyRow } from "../../src/stats/types.js";
import { trialSequentialAnalysis } from "../../src/stats/tsa/index.js";

const EFFECT = { measure: "RR" as const, estimate: 1.3, ci_low: 1.05, ci_high: 1.6 };
const imprecision = (participants: number, size?: InformationSize) => assessImprecision(EFFECT, participants, 0.5, size);

describe("imprecision and the TSA information size", () => {
  it("without one, 600 participants meet the default OIS", () => {
    expect(optimalInformationSize(0.5)).toBeLessThan(600);
    const d = imprecision(600);
    expect(d.downgrade).toBe(0);
    expect(d.reason).toMatch(/optimal information size/);
  });

  it("with the diversity-adjusted RIS of a TSA, 600 participants fall short and the reason names it", () => {
    const rows: StudyRow[] = Array.from({ length: 6 }, (_, i) => ({
      study: `T${i + 1}`,
      data: { kind: "binary" as const, events_t: 30 + 5 * (i % 3), total_t: 50, events_c: 25 + 6 * (i % 2), total_c: 50 },
    }));
    const tsa = trialSequentialAnalysis(rows, { measure: "RR", controlRisk: 0.43, rrr: 0.2 });
    expect(tsa.ris_adjusted).toBeGreaterThan(600);
    const d = imprecision(600, { participants: tsa.ris_adjusted, basis: `TSA, D² ${(100 * tsa.diversity).toFixed(0)}%` });
    expect(d.downgrade).toBe(1);
    expect(d.reason).toMatch(new RegExp(`fewer than the diversity-adjusted required information size of ${Math.ceil(tsa.ris_adjusted)}`));
  });

  it("a met RIS is reported as such", () => {
    const d = imprecision(1200, { participants: 1008, basis: "TSA" });
    expect(d.downgrade).toBe(0);
    expect(d.reason).toMatch(/meet the diversity-adjusted required information size of 1008/);
  });
});
