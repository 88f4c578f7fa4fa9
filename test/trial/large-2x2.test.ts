/**
 * trial2x2 with 250,000 and 1,000,000 per arm against R (fixtures/trial/large-2x2.json from
 * scripts/metafor-methods-fixtures.R): no stack overflow in the hypergeometric density, Fisher's and Pearson's p to
 * a relative 1e-6; and counts written with an exponent (--total-t 1e+06) are accepted as the CSV cells are.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { twoByTwo } from "../../src/stats/trial/index.js";

const fixture = JSON.parse(readFileSync(new URL("../../fixtures/trial/large-2x2.json", import.meta.url), "utf8")) as {
  cases: { table: { events_t: number; total_t: number; events_c: number; total_c: number }; expected: { fisher_p: number; pearson_p: number } }[];
};
const rel = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);

describe("trial2x2 with very large arms", () => {
  for (const c of fixture.cases) {
    it(`${c.table.events_t}/${c.table.total_t} vs ${c.table.events_c}/${c.table.total_c} agrees with fisher.test and chisq.test`, () => {
      const r = twoByTwo({ eventsT: c.table.events_t, totalT: c.table.total_t, eventsC: c.table.events_c, totalC: c.table.total_c, level: 95 });
      expect(rel(r.fisher.p, c.expected.fisher_p)).toBeLessThan(1e-6);
      expect(rel(r.pearson?.p ?? NaN, c.expected.pearson_p)).toBeLessThan(1e-6);
      expect(r.fisher.ci_low).toBeLessThan(r.fisher.conditionalOddsRatio);
      expect(r.fisher.ci_high).toBeGreaterThan(r.fisher.conditionalOddsRatio);
    }, 30_000);
  }

  it("accepts --total-t 1e+06 like a CSV cell, and rejects a fractional count", async () => {
    let out = "";
    let err = "";
    const io = { out: (t: string) => void (out += t), err: (t: string) => void (err += t) };
    const code = await main(["trial2x2", "--events-t", "1200", "--total-t", "1e+06", "--events-c", "1300", "--total-c", "1000000", "--json"], io);
    expect(err).toBe("");
    expect(code).toBe(0);
    expect(JSON.parse(out).table).toMatchObject({ a: 1200, b: 998800, c: 1300, d: 998700 });
    const bad = await main(["trial2x2", "--events-t", "1", "--total-t", "2.5e0", "--events-c", "1", "--total-c", "10"], io);
    expect(bad).toBe(2);
    expect(err).toMatch(/--total-t.*whole number/);
  }, 30_000);
});
