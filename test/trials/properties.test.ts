import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { HmacDrbg } from "../../src/store/drbg.js";
import { allocationTable, minimise, permutedBlocks, type PriorAllocation } from "../../src/trials/randomisation.js";
import { randomBelow } from "../../src/trials/random.js";

const designs = fc.record({
  ratio: fc.constantFrom([1, 1], [2, 1], [1, 2], [1, 1, 1], [2, 1, 1], [3, 2]),
  multiples: fc.uniqueArray(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 3 }),
  n: fc.integer({ min: 1, max: 60 }),
  seed: fc.string({ minLength: 1, maxLength: 12 }),
  stratified: fc.boolean(),
});

function build(d: { ratio: readonly number[]; multiples: number[]; n: number; seed: string; stratified: boolean }) {
  const arms = d.ratio.map((_, i) => `arm${i}`);
  const unit = d.ratio.reduce((s, r) => s + r, 0);
  const strata = d.stratified ? [{ id: "ana", levels: ["positive", "negative"] }, { id: "age", levels: ["under35", "35plus"] }] : [];
  const rows = allocationTable({ arms, ratio: d.ratio, strata, blockSizes: d.multiples.map((m) => m * unit), perStratum: d.n }, (s) => new HmacDrbg(d.seed, s));
  return { arms, unit, rows, strata };
}

describe("permuted blocks (property tests)", () => {
  it("every completed block holds the arms exactly in the ratio; only a stratum's last block may be incomplete", () => {
    fc.assert(
      fc.property(designs, (d) => {
        const { arms, unit, rows } = build(d);
        const blocks = new Map<number, typeof rows>();
        for (const r of rows) blocks.set(r.block, [...(blocks.get(r.block) ?? []), r]);
        const byStratum = new Map<string, number[]>();
        for (const [b, rs] of blocks) {
          const first = rs[0];
          if (first === undefined) continue;
          expect(new Set(rs.map((r) => r.stratum)).size).toBe(1);
          byStratum.set(first.stratum, [...(byStratum.get(first.stratum) ?? []), b]);
          if (rs.length === first.blockSize) {
            arms.forEach((a, i) => expect(rs.filter((r) => r.arm === a).length).toBe(((d.ratio[i] ?? 0) * first.blockSize) / unit));
          } else {
            expect(rs.length).toBeLessThan(first.blockSize);
          }
        }
        for (const bs of byStratum.values()) {
          const incomplete = bs.filter((b) => (blocks.get(b)?.length ?? 0) !== blocks.get(b)?.[0]?.blockSize);
          expect(incomplete.length).toBeLessThanOrEqual(1);
          if (incomplete.length === 1) expect(incomplete[0]).toBe(Math.max(...bs));
        }
      }),
      { numRuns: 150 },
    );
  });

  it("every stratum has exactly N rows, sequence numbers run 1..total without gaps, block sizes come from the list", () => {
    fc.assert(
      fc.property(designs, (d) => {
        const { rows, unit } = build(d);
        const strata = new Map<string, number>();
        for (const r of rows) strata.set(r.stratum, (strata.get(r.stratum) ?? 0) + 1);
        expect(strata.size).toBe(d.stratified ? 4 : 1);
        for (const n of strata.values()) expect(n).toBe(d.n);
        rows.forEach((r, i) => expect(r.sequence).toBe(i + 1));
        for (const r of rows) expect(d.multiples.map((m) => m * unit)).toContain(r.blockSize);
        if (d.stratified) for (const r of rows) expect(r.stratum).toMatch(/^ana=(positive|negative);age=(under35|35plus)$/);
        else for (const r of rows) expect(r.stratum).toBe("");
      }),
      { numRuns: 100 },
    );
  });

  it("is reproducible: the same seed gives the same table", () => {
    fc.assert(
      fc.property(designs, (d) => {
        expect(build(d).rows).toEqual(build(d).rows);
      }),
      { numRuns: 50 },
    );
  });

  it("different seeds give different sequences (a long stream)", () => {
    const a = permutedBlocks(new HmacDrbg("seed-1"), { arms: ["a", "b"], ratio: [1, 1] }, [2, 4, 6], 200).map((x) => x.arm);
    const b = permutedBlocks(new HmacDrbg("seed-2"), { arms: ["a", "b"], ratio: [1, 1] }, [2, 4, 6], 200).map((x) => x.arm);
    expect(a).not.toEqual(b);
  });

  it("the random source is unbiased enough: randomBelow(6) over 60 000 draws within 4 SD of 10 000 each", () => {
    const real = new Array<number>(6).fill(0);
    const rng2 = new HmacDrbg("uniformity");
    for (let i = 0; i < 60000; i++) {
      const k = randomBelow(rng2, 6);
      real[k] = (real[k] ?? 0) + 1;
    }
    const sd = Math.sqrt(60000 * (1 / 6) * (5 / 6));
    for (const c of real) expect(Math.abs(c - 10000)).toBeLessThan(4 * sd);
  });
});

const participantLevels = fc.array(fc.record({ ana: fc.constantFrom("positive", "negative"), age: fc.constantFrom("under35", "35plus", "40plus") }), { minLength: 1, maxLength: 80 });

describe("Pocock–Simon minimisation (property tests)", () => {
  const factors = [
    { id: "ana", levels: ["positive", "negative"] },
    { id: "age", levels: ["under35", "35plus", "40plus"] },
  ];

  it("deterministic minimisation on one factor keeps every level's imbalance at most 1 (two arms, 1:1)", () => {
    fc.assert(
      fc.property(participantLevels, fc.string({ minLength: 1 }), (people, seed) => {
        const rng = new HmacDrbg(seed);
        const prev: PriorAllocation[] = [];
        for (const p of people) {
          const r = minimise({ arms: ["a", "b"], ratio: [1, 1], factors: [factors[0] as (typeof factors)[0]], previous: prev, participant: { ana: p.ana }, probability: 1 }, rng);
          prev.push({ levels: { ana: p.ana }, arm: r.arm });
          for (const level of ["positive", "negative"]) {
            const na = prev.filter((x) => x.levels.ana === level && x.arm === "a").length;
            const nb = prev.filter((x) => x.levels.ana === level && x.arm === "b").length;
            expect(Math.abs(na - nb)).toBeLessThanOrEqual(1);
          }
        }
      }),
      { numRuns: 80 },
    );
  });

  it("the arm taken has the smallest imbalance unless the random element overrode it, and the choice is reproducible", () => {
    fc.assert(
      fc.property(participantLevels, fc.double({ min: 0.5, max: 1, noNaN: true }), fc.string({ minLength: 1 }), (people, probability, seed) => {
        const run = () => {
          const rng = new HmacDrbg(seed);
          const prev: PriorAllocation[] = [];
          const arms: string[] = [];
          for (const p of people) {
            const r = minimise({ arms: ["a", "b", "c"], ratio: [2, 1, 1], factors, previous: prev, participant: p, probability }, rng);
            const min = Math.min(...Object.values(r.imbalance));
            if (!r.overridden) expect(r.imbalance[r.arm]).toBeCloseTo(min, 12);
            else expect(r.imbalance[r.arm]).toBeGreaterThan(min);
            prev.push({ levels: p, arm: r.arm });
            arms.push(r.arm);
          }
          return arms;
        };
        expect(run()).toEqual(run());
      }),
      { numRuns: 60 },
    );
  });

  it("with the random element (p = 0.8) the overall imbalance stays small: two arms, 200 participants, |a − b| ≤ 20", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), (seed) => {
        const rng = new HmacDrbg(seed);
        const pick = new HmacDrbg(`${seed}-people`);
        const prev: PriorAllocation[] = [];
        for (let i = 0; i < 200; i++) {
          const p = { ana: randomBelow(pick, 2) === 0 ? "positive" : "negative", age: ["under35", "35plus", "40plus"][randomBelow(pick, 3)] ?? "under35" };
          const r = minimise({ arms: ["a", "b"], ratio: [1, 1], factors, previous: prev, participant: p, probability: 0.8 }, rng);
          prev.push({ levels: p, arm: r.arm });
        }
        const na = prev.filter((x) => x.arm === "a").length;
        expect(Math.abs(na - (200 - na))).toBeLessThanOrEqual(20);
      }),
      { numRuns: 15 },
    );
  });
});
