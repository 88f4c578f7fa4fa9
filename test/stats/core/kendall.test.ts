/** Kendall's S by Knight's O(n log n) algorithm equals the count over all pairs, with and without ties. */
import { describe, expect, it } from "vitest";
import { kendallS } from "../../../src/stats/core/bias.js";

function pairwise(x: number[], y: number[]): { S: number; tx: number; ty: number } {
  let S = 0;
  let tx = 0;
  let ty = 0;
  for (let i = 0; i < x.length; i++) {
    for (let j = i + 1; j < x.length; j++) {
      const dx = Math.sign((x[i] as number) - (x[j] as number));
      const dy = Math.sign((y[i] as number) - (y[j] as number));
      if (dx === 0) tx++;
      if (dy === 0) ty++;
      S += dx * dy;
    }
  }
  return { S, tx, ty };
}

describe("kendallS", () => {
  it("agrees with the pairwise count on 200 random samples with ties", () => {
    let seed = 7;
    const u = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    for (let rep = 0; rep < 200; rep++) {
      const n = 2 + Math.floor(u() * 60);
      const levels = 1 + Math.floor(u() * 12);
      const x = Array.from({ length: n }, () => Math.floor(u() * levels));
      const y = Array.from({ length: n }, () => (u() < 0.5 ? Math.floor(u() * levels) : u()));
      expect(kendallS(x, y)).toEqual(pairwise(x, y));
    }
  });
});
