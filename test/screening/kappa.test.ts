// Cohen's kappa against base-R values (scripts/kappa-fixtures.R → fixtures/screening/kappa.json).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { agreement, cohenKappa, type Decision } from "../../src/screening/index.js";

interface Case {
  id: string;
  categories: string[];
  a: string[];
  b: string[];
  expected: { n: number; table: number[][]; observedAgreement: number; expectedAgreement: number; kappa: number | null };
}
const fixture = JSON.parse(readFileSync(new URL("../../fixtures/screening/kappa.json", import.meta.url), "utf8")) as { cases: Case[] };
const rel = (a: number, b: number): number => Math.abs(a - b) / Math.max(Math.abs(b), 1e-12);

describe("Cohen's kappa against R", () => {
  it("has the cases", () => expect(fixture.cases.length).toBeGreaterThanOrEqual(6));
  for (const c of fixture.cases) {
    it(c.id, () => {
      const k = cohenKappa(c.a.map((x, i) => [x, c.b[i] as string] as [string, string]), c.categories);
      expect(k).not.toBeNull();
      expect(k?.n).toBe(c.expected.n);
      expect(k?.table).toEqual(c.expected.table);
      expect(rel(k?.observedAgreement ?? NaN, c.expected.observedAgreement)).toBeLessThan(1e-9);
      expect(rel(k?.expectedAgreement ?? NaN, c.expected.expectedAgreement)).toBeLessThan(1e-9);
      if (c.expected.kappa === null) expect(k?.kappa).toBeNull();
      else expect(rel(k?.kappa as number, c.expected.kappa)).toBeLessThan(1e-9);
    });
  }
  it("per pair of reviewers from decisions, over the records both voted on", () => {
    const c = fixture.cases.find((x) => x.id === "three_votes_30") as Case;
    const d: Decision[] = [
      ...c.a.map((v, i) => ({ recordId: `r${i}`, reviewerId: "ann", stage: "title_abstract" as const, vote: v as Decision["vote"], reason: null })),
      ...c.b.map((v, i) => ({ recordId: `r${i}`, reviewerId: "bob", stage: "title_abstract" as const, vote: v as Decision["vote"], reason: null })),
      { recordId: "only-ann", reviewerId: "ann", stage: "title_abstract", vote: "include", reason: null },
    ];
    const [pair] = agreement("title_abstract", d);
    expect(pair?.votes?.n).toBe(30);
    expect(rel(pair?.votes?.kappa as number, c.expected.kappa as number)).toBeLessThan(1e-9);
    const bin = fixture.cases.find((x) => x.id === "three_votes_30_binary") as Case;
    expect(rel(pair?.binary?.kappa as number, bin.expected.kappa as number)).toBeLessThan(1e-9);
  });
});
