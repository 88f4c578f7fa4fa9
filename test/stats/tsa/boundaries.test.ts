/**
 * Alpha-spending monitoring boundaries and beta-spending futility boundaries against R (scripts/tsa-fixtures.R):
 * - rpact 3.3.4 getDesignGroupSequential(typeOfDesign = "asOF", sided = 2) at given information fractions
 *   (fixtures/tsa/boundaries.json), with typeBetaSpending = "bsOF", bindingFutility = FALSE (futility.json);
 * - an independent Armitage-McPherson-Rowe recursion in base R with Simpson's rule on a fine grid
 *   (boundaries-independent.json), which tells the engine's numerical error from rpact's.
 * rpact integrates on 91 Newton-Cotes points over the continuation region; with many closely spaced looks its
 * kernel is under-resolved and its boundaries move by up to 1e-2 (relative) from the fine-grid values. Where rpact
 * is accurate (its distance from the independent values below 1e-7) the engine must match it to 1e-6; everywhere
 * it must match the independent computation to 1e-6.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { alphaSpendingBoundaries, betaSpendingFutility } from "../../../src/stats/tsa/index.js";
import { expectFutilityAsRpact, rel } from "../../support/futility.js";

const read = (name: string): unknown => JSON.parse(readFileSync(new URL(`../../../fixtures/tsa/${name}`, import.meta.url), "utf8"));
const Crit = z.array(z.union([z.number(), z.literal("Inf")])).transform((a) => a.map((v) => (v === "Inf" ? Infinity : v)));
const Boundaries = z.object({
  cases: z.array(z.object({ id: z.string(), alpha: z.number(), informationRates: z.array(z.number()), criticalValues: Crit, alphaSpent: z.array(z.number()) })),
});
const Independent = z.object({ cases: z.array(z.object({ id: z.string(), alpha: z.number(), informationRates: z.array(z.number()), criticalValues: z.array(z.number()) })) });
const Futility = z.object({
  cases: z.array(
    z.object({
      id: z.string(),
      alpha: z.number(),
      beta: z.number(),
      informationRates: z.array(z.number()),
      criticalValues: Crit,
      futilityBounds: z.array(z.number().nullable()),
      betaSpent: z.array(z.number()),
      shift: z.number(),
    }),
  ),
});
const rpact = Boundaries.parse(read("boundaries.json")).cases;
const independent = Independent.parse(read("boundaries-independent.json")).cases;
const futility = Futility.parse(read("futility.json")).cases;


describe("alpha-spending boundaries", () => {
  it("covers unequal fractions and many looks", () => {
    expect(rpact.length).toBeGreaterThanOrEqual(8);
    expect(Math.max(...rpact.map((c) => c.informationRates.length))).toBe(20);
  });

  for (const c of independent) {
    it(`${c.id}: matches the independent fine-grid computation to 1e-6`, () => {
      const ours = alphaSpendingBoundaries(c.informationRates, c.alpha).boundaries;
      expect(ours).toHaveLength(c.criticalValues.length);
      ours.forEach((b, k) => expect(rel(b, c.criticalValues[k] as number)).toBeLessThan(1e-6));
    });
  }

  for (const c of rpact) {
    const ind = independent.find((x) => x.id === c.id)?.criticalValues ?? [];
    it(`${c.id}: matches rpact where rpact is accurate, and is closer to the fine grid where it is not`, () => {
      const ours = alphaSpendingBoundaries(c.informationRates, c.alpha).boundaries;
      c.criticalValues.forEach((r, k) => {
        const truth = ind[k] as number;
        if (!Number.isFinite(r)) return;
        if (rel(r, truth) < 1e-7) expect(rel(ours[k] as number, r)).toBeLessThan(1e-6);
        else expect(rel(ours[k] as number, truth)).toBeLessThan(rel(r, truth) / 10);
      });
      // (rpact's alphaSpent is its integrated crossing probability, with its grid error and a tail pnorm
      // good to ~3e-6 at 1e-12; the spending function is checked against R's pnorm in tsa.test.ts.)
    });
  }

  it("the default grid agrees with a grid four times as fine to 2e-7", () => {
    let worst = 0;
    for (const c of independent) {
      const a = alphaSpendingBoundaries(c.informationRates, c.alpha).boundaries;
      const b = alphaSpendingBoundaries(c.informationRates, c.alpha, { resolution: 4 }).boundaries;
      a.forEach((x, k) => (worst = Math.max(worst, rel(x, b[k] as number))));
    }
    expect(worst).toBeLessThan(2e-7);
  });

  it("spends exactly the alpha of a single final look (z = 1.959964) and rejects bad fractions", () => {
    expect(rel(alphaSpendingBoundaries([1], 0.05).boundaries[0] as number, 1.959963984540054)).toBeLessThan(1e-12);
    expect(() => alphaSpendingBoundaries([0.5, 0.4], 0.05)).toThrow(/increase/);
    expect(() => alphaSpendingBoundaries([0.5, 1.2], 0.05)).toThrow(/increase/);
  });

  it("reports a look that can spend no alpha as an infinite boundary, and one beyond |z| = 8 as its own bound", () => {
    const b = alphaSpendingBoundaries([0.001, 0.01, 0.5, 1], 0.05).boundaries;
    expect(b[0]).toBe(Infinity);
    expect(b[1] as number).toBeGreaterThan(8);
    expect(b[2] as number).toBeLessThan(8);
  });
});

describe("beta-spending futility boundaries (two-sided, non-binding)", () => {
  for (const c of futility) {
    it(`${c.id}: futility bounds and drift as rpact`, () => {
      const eff = alphaSpendingBoundaries(c.informationRates, c.alpha).boundaries;
      eff.forEach((b, k) => expect(rel(b, c.criticalValues[k] as number)).toBeLessThan(1e-6));
      const f = betaSpendingFutility(c.informationRates, eff, c.beta);
      expectFutilityAsRpact(f, c);
      expect(rel(f.betaSpent[f.betaSpent.length - 1] as number, c.beta)).toBeLessThan(1e-9);
    });
  }
});
