import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { auditReportedResult } from "../../src/evidence/audit/index.js";
import { pvalNormal as twoSidedNormalP } from "../../src/stats/core/dist.js";

const Z975 = 1.959963984540054;

function printP(p: number): string {
  if (p < 0.00001) return "P<0.00001";
  if (p < 0.001) return `P=${p.toFixed(4)}`;
  return `P=${p.toFixed(2)}`;
}

describe("no false alarms: correctly computed and rounded results always pass", () => {
  it("ratio measures (RevMan-style printing)", () => {
    fc.assert(
      fc.property(
        fc.double({ min: -3, max: 3, noNaN: true }),
        fc.double({ min: 0.03, max: 1.5, noNaN: true }),
        fc.constantFrom(2, 3),
        (theta, se, d) => {
          const lo = Math.exp(theta - Z975 * se).toFixed(d);
          fc.pre(Number(lo) > 0);
          const z = Math.abs(theta) / se;
          const r = auditReportedResult({
            measure: "OR",
            estimate: Math.exp(theta).toFixed(d),
            ci_low: lo,
            ci_high: Math.exp(theta + Z975 * se).toFixed(d),
            z: z.toFixed(2),
            p: printP(twoSidedNormalP(z)),
          });
          expect(r.problems).toEqual([]);
        },
      ),
      { numRuns: 400, seed: 20261122 },
    );
  });
  it("difference measures", () => {
    fc.assert(
      fc.property(
        fc.double({ min: -500, max: 500, noNaN: true }),
        fc.double({ min: 0.5, max: 300, noNaN: true }),
        fc.constantFrom(0, 1, 2),
        (theta, se, d) => {
          const z = Math.abs(theta) / se;
          const r = auditReportedResult({
            measure: "MD",
            estimate: theta.toFixed(d),
            ci_low: (theta - Z975 * se).toFixed(d),
            ci_high: (theta + Z975 * se).toFixed(d),
            z: z.toFixed(2),
            p: printP(twoSidedNormalP(z)),
          });
          expect(r.problems).toEqual([]);
        },
      ),
      { numRuns: 400, seed: 7 },
    );
  });
  it("percentages printed from their counts", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2000 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom(0, 1, 2), (total, f, d) => {
        const events = Math.round(f * total);
        const r = auditReportedResult({ measure: "RR", counts: { treated: { events, total, percent: ((100 * events) / total).toFixed(d) } } });
        expect(r.problems).toEqual([]);
      }),
      { numRuns: 300, seed: 3 },
    );
  });
});

describe("no missed alarms: a P from a different Z is flagged when the rounding cannot explain it", () => {
  it("ratio measures with 2-decimal printing", () => {
    fc.assert(
      fc.property(fc.double({ min: 0.2, max: 2, noNaN: true }), fc.double({ min: 0.05, max: 0.5, noNaN: true }), fc.double({ min: 0.5, max: 1.5, noNaN: true }), (theta, se, shift) => {
        const z = theta / se;
        const wrongZ = z + shift;
        const pWrong = twoSidedNormalP(wrongZ);
        const pTrue = twoSidedNormalP(z);
        // only cases where the printed (2 decimals) P values differ by more than rounding could explain
        fc.pre(pWrong > 0.001 && Math.abs(pTrue - pWrong) > 0.02);
        const r = auditReportedResult({
          measure: "OR",
          estimate: Math.exp(theta).toFixed(2),
          ci_low: Math.exp(theta - Z975 * se).toFixed(2),
          ci_high: Math.exp(theta + Z975 * se).toFixed(2),
          p: pWrong.toFixed(3),
        });
        const implied = r.derived.p_range ?? [0, 1];
        const printedLo = Number(pWrong.toFixed(3)) - 0.0005;
        const printedHi = Number(pWrong.toFixed(3)) + 0.0005;
        const disjoint = printedHi < implied[0] || printedLo > implied[1];
        expect(r.checks.find((c) => c.name === "p-vs-ci")?.status).toBe(disjoint ? "fail" : "pass");
        expect(disjoint).toBe(true);
      }),
      { numRuns: 300, seed: 11 },
    );
  });
});
