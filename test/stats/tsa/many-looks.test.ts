/**
 * Designs with many looks (one look per trial, as in a trial sequential analysis) against R
 * (fixtures/tsa/many-looks.R): alpha-spending boundaries of 30-50 looks, equal, uneven and with a final jump
 * to the RIS, against an independent Armitage-McPherson-Rowe recursion with Simpson's rule on a fine grid (rpact
 * accepts at most 20 looks); beta-spending futility designs of 10-12 looks against rpact 3.3.4. Also: the combined
 * design of `decidua tsa` (groupSequentialDesign, which shares the drift-0 stages between the alpha recursion and
 * the futility searches) gives the same numbers as the two separate calls.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { alphaSpendingBoundaries, betaSpendingFutility, groupSequentialDesign } from "../../../src/stats/tsa/index.js";
import { expectFutilityAsRpact, rel } from "../../support/futility.js";

const Fixture = z.object({
  independent: z.array(z.object({ id: z.string(), alpha: z.number(), informationRates: z.array(z.number()), criticalValues: z.array(z.number()) })),
  futility: z.array(
    z.object({
      id: z.string(),
      alpha: z.number(),
      beta: z.number(),
      informationRates: z.array(z.number()),
      criticalValues: z.array(z.number()),
      futilityBounds: z.array(z.number().nullable()),
      shift: z.number(),
    }),
  ),
});
const fx = Fixture.parse(JSON.parse(readFileSync(new URL("../../../fixtures/tsa/many-looks.json", import.meta.url), "utf8")));

describe("alpha-spending boundaries with many looks", () => {
  it("covers 30 to 50 looks", () => {
    expect(fx.independent.length).toBeGreaterThanOrEqual(3);
    expect(Math.max(...fx.independent.map((c) => c.informationRates.length))).toBe(50);
  });

  for (const c of fx.independent) {
    it(`${c.id} (${c.informationRates.length} looks): matches the independent fine-grid computation to 1e-6`, () => {
      const ours = alphaSpendingBoundaries(c.informationRates, c.alpha).boundaries;
      expect(ours).toHaveLength(c.criticalValues.length);
      ours.forEach((b, k) => expect(rel(b, c.criticalValues[k] as number)).toBeLessThan(1e-6));
    });
  }
});

describe("beta-spending futility with more looks", () => {
  it("covers 10 to 12 looks", () => {
    expect(fx.futility.length).toBeGreaterThanOrEqual(2);
    expect(Math.max(...fx.futility.map((c) => c.informationRates.length))).toBe(12);
  });

  for (const c of fx.futility) {
    it(`${c.id} (${c.informationRates.length} looks): futility bounds and drift as rpact, alone and in the combined design`, () => {
      const eff = alphaSpendingBoundaries(c.informationRates, c.alpha).boundaries;
      eff.forEach((b, k) => expect(rel(b, c.criticalValues[k] as number)).toBeLessThan(1e-6));
      const alone = betaSpendingFutility(c.informationRates, eff, c.beta);
      const both = groupSequentialDesign(c.informationRates, c.alpha, c.beta);
      expect(both.boundaries).toEqual(eff);
      for (const f of [alone, both.futility]) {
        expectFutilityAsRpact(f, c);
      }
      expect(rel(both.futility.drift, alone.drift)).toBeLessThan(1e-12);
    });
  }

  it("a TSA-like design of 51 looks, every one before the RIS without a futility bound: combined and separate agree", () => {
    const fr = [...Array.from({ length: 50 }, (_, i) => 0.004 + (0.3 * (i + 1)) / 50), 1];
    const both = groupSequentialDesign(fr, 0.05, 0.2);
    const eff = alphaSpendingBoundaries(fr, 0.05).boundaries;
    const alone = betaSpendingFutility(fr, eff, 0.2);
    expect(both.boundaries).toEqual(eff);
    expect(both.futility.futility.every((a) => a === null)).toBe(true);
    expect(alone.futility).toEqual(both.futility.futility);
    expect(rel(both.futility.drift, alone.drift)).toBeLessThan(1e-12);
    // A finer grid moves the drift by less than 1e-8.
    const fine = betaSpendingFutility(fr, alphaSpendingBoundaries(fr, 0.05, { resolution: 2 }).boundaries, 0.2, { resolution: 2 });
    expect(rel(both.futility.drift, fine.drift)).toBeLessThan(1e-8);
  });
});

describe("futility design: proved early signs and closely spaced looks", () => {
  // Early looks well before the RIS: every early one-sided bound is proved negative without the one-sided design
  // (earlyFutilityNegative); the result must be the one the one-sided sign pass gives.
  it("designs whose early looks lie before 40% of the RIS: proved signs give the one-sided pass's design", () => {
    let seed = 20261201;
    const rnd = (): number => (seed = (seed * 16807) % 2147483647) / 2147483647;
    for (let i = 0; i < 12; i++) {
      const looks = 10 + Math.floor(rnd() * 41);
      const tMax = 0.08 + 0.32 * rnd();
      const fr = [...Array.from({ length: looks }, () => rnd() * tMax).sort((a, b) => a - b), 1];
      const alpha = i % 3 === 0 ? 0.01 : 0.05;
      const beta = i % 2 === 0 ? 0.2 : 0.1;
      const fast = groupSequentialDesign(fr, alpha, beta);
      const full = groupSequentialDesign(fr, alpha, beta, { alwaysOneSided: true });
      expect(fast).toEqual(full);
    }
  });

  // Two looks 6.6e-6 apart (a study of a few participants after a large one): the new grid is far coarser than
  // the kernel between them, where the convolution's exponential recurrences used to overflow (the coarse sign
  // pass then returned futility bounds near 9 and an infinite drift).
  const close = [
    { fr: [0.002836513355789376, 0.00756764128432624, 0.016776058854770643, 0.016828902379889075, 0.01962453160251306, 0.03147167358614967, 0.0314782838139755, 0.03650694893382835, 0.0404842925569901, 0.05027736699877056, 0.05147355916400292, 0.06174025576461767, 1], alpha: 0.05, beta: 0.2 },
    { fr: [0.01, 0.05, 0.1, 0.10001, 0.15, 0.2, 0.25, 0.25002, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 1], alpha: 0.01, beta: 0.3 },
  ];
  // A look with a futility wedge, a tiny step (2e-5) and then a large one: f_k after the tiny step keeps the
  // wedge's and the efficacy bounds' ends smoothed only to a width of √Δ_k, which panels of 1.5 √t_k did not
  // resolve (before 2026-12-01 the default grid was off by 1.6e-3 in the boundaries, 6.9e-3 in the futility
  // bounds and 2.8e-3 in the drift). Reference: the design on a grid four times as fine (it agrees with one eight
  // times as fine to 1e-11). Boundaries and drift to 1e-8 relative, futility bounds to 1e-8 on the z scale.
  it("a tiny step after a futility look, then a large one: the design agrees with a grid four times as fine to 1e-8", () => {
    const fr = [0.2, 0.4, 0.55, 0.55002, 0.7, 0.70001, 0.85, 1];
    const fine = {
      boundaries: [4.87688494879076, 3.35701192157484, 2.82271979330384, 2.83425142948376, 2.47897243095488, 2.4868557221778, 2.23589139641646, 2.05260456498159],
      futility: [null, 0.300035952420459, 0.739613213595617, 0.727826287159174, 1.2379384298163, 1.22991618481511, 1.63951476593638],
      drift: 3.03623760948921,
    };
    const d = groupSequentialDesign(fr, 0.05, 0.2);
    d.boundaries.forEach((b, k) => expect(rel(b, fine.boundaries[k] as number)).toBeLessThan(1e-8));
    expect(d.futility.futility.map((a) => a === null)).toEqual(fine.futility.map((a) => a === null));
    d.futility.futility.forEach((a, k) => {
      // (on the z scale: a futility bound near 0 has no relative precision to speak of)
      if (a !== null) expect(Math.abs(a - (fine.futility[k] as number))).toBeLessThan(1e-8);
    });
    expect(rel(d.futility.drift, fine.drift)).toBeLessThan(1e-8);
  });

  for (const [i, c] of close.entries()) {
    it(`closely spaced looks (${i + 1}): the design agrees with a grid twice as fine`, () => {
      for (const alwaysOneSided of [false, true]) {
        const d = groupSequentialDesign(c.fr, c.alpha, c.beta, { alwaysOneSided });
        const fine = groupSequentialDesign(c.fr, c.alpha, c.beta, { resolution: 2 });
        expect(Number.isFinite(d.futility.drift)).toBe(true);
        expect(rel(d.futility.drift, fine.futility.drift)).toBeLessThan(1e-6);
        expect(d.futility.futility.map((a) => a === null)).toEqual(fine.futility.futility.map((a) => a === null));
        d.futility.futility.forEach((a, k) => {
          if (a !== null) expect(Math.abs(a - (fine.futility.futility[k] as number))).toBeLessThan(1e-5);
        });
      }
    });
  }
});
