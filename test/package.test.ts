import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { metaAnalysis } from "../src/stats/meta.js";
import type { StudyRow } from "../src/stats/types.js";

// `npm test` builds dist/ first; this checks the published entry point (package.json "exports"), as a user imports it.
describe('import { ... } from "decidua"', () => {
  const rows: StudyRow[] = [
    { study: "A", data: { kind: "binary", events_t: 4, total_t: 123, events_c: 11, total_c: 139 } },
    { study: "B", data: { kind: "binary", events_t: 6, total_t: 306, events_c: 29, total_c: 303 } },
    { study: "C", data: { kind: "binary", events_t: 3, total_t: 231, events_c: 11, total_c: 220 } },
  ];

  it("exposes the engine, the assessment and the evidence API with the same results as the source", () => {
    const script = `
      import { metaAnalysis, assessPatient, evidenceForTherapy, twoByTwo, auditReportedResult, THERAPY_IDS } from "decidua";
      const rows = JSON.parse(process.argv[1]);
      const r = metaAnalysis(rows, { measure: "RR" });
      console.log(JSON.stringify({
        estimate: r.pooled.estimate, tau2: r.heterogeneity.tau2,
        kinds: [assessPatient, evidenceForTherapy, twoByTwo, auditReportedResult].map((f) => typeof f),
        therapies: THERAPY_IDS.length,
      }));`;
    const out = execFileSync(process.execPath, ["--input-type=module", "-e", script, JSON.stringify(rows)], { cwd: process.cwd(), encoding: "utf8" });
    const got = JSON.parse(out) as { estimate: number; tau2: number; kinds: string[]; therapies: number };
    const expected = metaAnalysis(rows, { measure: "RR" });
    expect(got.estimate).toBe(expected.pooled.estimate);
    expect(got.tau2).toBe(expected.heterogeneity.tau2);
    expect(got.kinds).toEqual(["function", "function", "function", "function"]);
    expect(got.therapies).toBe(11);
  });
});
