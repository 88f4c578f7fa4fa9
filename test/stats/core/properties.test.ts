import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InputError } from "../../../src/shared/errors.js";
import { metaAnalysis, rmaUni, type StudyRow, type Tau2Method } from "../../../src/stats/index.js";

const relClose = (a: number, b: number, rel = 1e-8): boolean => Math.abs(a - b) <= rel * Math.max(1, Math.abs(a), Math.abs(b));

const studyArb = fc.record({
  yi: fc.double({ min: -3, max: 3, noNaN: true }),
  vi: fc.double({ min: 0.005, max: 2, noNaN: true }),
});
const studiesArb = fc.array(studyArb, { minLength: 2, maxLength: 25 });
const methodArb = fc.constantFrom<Tau2Method>("DL", "REML", "PM", "ML", "HE", "SJ", "EB");

function fitOrSkip<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof InputError && /did not converge/.test(e.message)) fc.pre(false);
    throw e;
  }
}

function generic(studies: { yi: number; vi: number }[]): StudyRow[] {
  return studies.map((s, i) => ({ study: `S${i}`, data: { kind: "generic", yi: s.yi, vi: s.vi } }));
}

describe("properties of the pooling", () => {
  it("tau² is never negative, for every estimator", () => {
    fc.assert(
      fc.property(studiesArb, methodArb, (studies, method) => {
        // An iterative estimator may stop without converging (as metafor's rma does: an InputError); the
        // property is about every result that is returned.
        const r = fitOrSkip(() => rmaUni(studies.map((s) => s.yi), studies.map((s) => s.vi), { method }));
        expect(r.tau2).toBeGreaterThanOrEqual(0);
        expect(r.I2).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 300 },
    );
  });

  it("permuting the studies changes no pooled number", () => {
    fc.assert(
      fc.property(
        studiesArb.chain((s) => fc.tuple(fc.constant(s), fc.shuffledSubarray(s.map((_, i) => i), { minLength: s.length, maxLength: s.length }))),
        methodArb,
        ([studies, perm], method) => {
          const a = fitOrSkip(() => metaAnalysis(generic(studies), { tau2: method }));
          const b = fitOrSkip(() => metaAnalysis(generic(perm.map((i) => studies[i]!)), { tau2: method }));
          for (const key of ["estimate", "se", "ci_lb", "ci_ub", "pi_lb", "pi_ub"] as const) {
            expect(relClose(a.pooled[key] as number, b.pooled[key] as number, 1e-6)).toBe(true);
          }
          expect(relClose(a.heterogeneity.tau2, b.heterogeneity.tau2, 1e-6)).toBe(true);
          expect(relClose(a.heterogeneity.QE, b.heterogeneity.QE, 1e-8)).toBe(true);
        },
      ),
      { numRuns: 150 },
    );
  });

  it("a study split into two halves (vi doubled, twice) leaves the fixed-effect result unchanged", () => {
    fc.assert(
      fc.property(studiesArb, fc.nat(), (studies, pick) => {
        const j = pick % studies.length;
        const s = studies[j]!;
        const split = [...studies.slice(0, j), { yi: s.yi, vi: 2 * s.vi }, { yi: s.yi, vi: 2 * s.vi }, ...studies.slice(j + 1)];
        const a = metaAnalysis(generic(studies), { model: "fixed" });
        const b = metaAnalysis(generic(split), { model: "fixed" });
        expect(relClose(a.pooled.estimate, b.pooled.estimate, 1e-9)).toBe(true);
        expect(relClose(a.pooled.se, b.pooled.se, 1e-9)).toBe(true);
        expect(relClose(a.pooled.ci_lb, b.pooled.ci_lb, 1e-9)).toBe(true);
        expect(relClose(a.pooled.pval, b.pooled.pval, 1e-6)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it("Mantel-Haenszel weights sum to 100% and tau² stays 0 under a fixed effect", () => {
    const tableArb = fc
      .record({ n1: fc.integer({ min: 5, max: 300 }), n2: fc.integer({ min: 5, max: 300 }), p1: fc.double({ min: 0.05, max: 0.95, noNaN: true }), p2: fc.double({ min: 0.05, max: 0.95, noNaN: true }) })
      // at least one event and one non-event per arm: the degenerate tables are the next test's subject
      .map(({ n1, n2, p1, p2 }) => ({ events_t: Math.min(n1 - 1, Math.max(1, Math.round(n1 * p1))), total_t: n1, events_c: Math.min(n2 - 1, Math.max(1, Math.round(n2 * p2))), total_c: n2 }));
    fc.assert(
      fc.property(fc.array(tableArb, { minLength: 2, maxLength: 20 }), fc.constantFrom("OR" as const, "RR" as const, "RD" as const), (tables, measure) => {
        const rows: StudyRow[] = tables.map((t, i) => ({ study: `T${i}`, data: { kind: "binary", ...t } }));
        const r = metaAnalysis(rows, { method: "MH", model: "fixed", measure });
        const total = r.studies.reduce((acc, s) => acc + s.weight, 0);
        expect(relClose(total, 100, 1e-9)).toBe(true);
        expect(r.heterogeneity.tau2).toBe(0);
      }),
      { numRuns: 150 },
    );
  });

  it("Mantel-Haenszel refuses, with a clear error, tables that carry no information on a ratio scale", () => {
    const rows = (tables: [number, number, number, number][]): StudyRow[] =>
      tables.map(([a, n1, c, n2], i) => ({ study: `T${i}`, data: { kind: "binary", events_t: a, total_t: n1, events_c: c, total_c: n2 } }));
    // no events (or only events) in both arms of every study: nothing left to pool (metafor drops such studies)
    for (const measure of ["OR", "RR"] as const) {
      expect(() => metaAnalysis(rows([[0, 5, 0, 5], [0, 7, 0, 9]]), { method: "MH", model: "fixed", measure })).toThrow(/no study has usable data/);
    }
    expect(() => metaAnalysis(rows([[5, 5, 9, 9], [7, 7, 4, 4]]), { method: "MH", model: "fixed", measure: "OR" })).toThrow(/no study has usable data/);
    // no events in one arm of every study: the MH odds ratio is 0 and cannot be estimated
    expect(() => metaAnalysis(rows([[0, 5, 2, 5], [0, 7, 3, 9]]), { method: "MH", model: "fixed", measure: "OR" })).toThrow(/cannot be estimated/);
    // the risk difference still pools double-zero studies (RD = 0)
    const rd = metaAnalysis(rows([[0, 5, 0, 5], [0, 7, 0, 9]]), { method: "MH", model: "fixed", measure: "RD" });
    expect(rd.pooled.estimate).toBe(0);
  });
});
