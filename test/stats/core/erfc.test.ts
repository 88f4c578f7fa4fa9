import stdlibErfc from "@stdlib/math-base-special-erfc";
import { describe, expect, it } from "vitest";
import { erfc, halfErfcSum } from "../../../src/stats/core/erfc.js";
import { pchisqUpper, pvalNormal } from "../../../src/stats/core/dist.js";
import gammainc from "@stdlib/math-base-special-gammainc";
import normalCdf from "@stdlib/stats-base-dists-normal-cdf";

describe("erfc (s_erf.c with Math.exp)", () => {
  it("equals @stdlib/math-base-special-erfc bit for bit", () => {
    // Every branch: |x| < 0.84375 (and below 2^-56), < 1.25, < 1/0.35, < 6, < 28 and beyond, both signs.
    const special = [0, -0, 1e-300, -1e-300, 1e-17, 0.25, 0.84375, -0.84375, 1.25, -1.25, 2.857142857142857, -2.857142857142857, -6, -6.000001, 27.999999, 28, 40, Infinity, -Infinity];
    for (const x of special) expect(Object.is(erfc(x), stdlibErfc(x))).toBe(true);
    expect(erfc(NaN)).toBeNaN();
    let diff = 0;
    for (let i = 0; i <= 200_000; i++) {
      const x = -7 + (37 * i) / 200_000 + 1e-9 * Math.sin(i);
      if (erfc(x) !== stdlibErfc(x)) diff++;
    }
    expect(diff).toBe(0);
  });

  it("halfErfcSum is the loop s += g_j ½ erfc(k (c − x_j)) over stdlib's erfc, bit for bit", () => {
    const m = 4001;
    const x = new Float64Array(m);
    const g = new Float64Array(m);
    for (let j = 0; j < m; j++) {
      x[j] = -30 + (60 * j) / (m - 1);
      g[j] = Math.exp(-0.01 * j) * (1 + 0.5 * Math.sin(j));
    }
    x[17] = NaN;
    for (const [c, k] of [[0.3, 0.7], [-2, -1.9], [5, 3.1], [0, 1e-18]] as const) {
      let s = 0.25;
      for (let j = 3; j < m - 5; j++) s += (g[j] as number) * 0.5 * stdlibErfc(k * (c - (x[j] as number)));
      const ours = halfErfcSum(0.25, g, x, 3, m - 5, c, k);
      if (Number.isNaN(s)) expect(ours).toBeNaN();
      else expect(Object.is(ours, s)).toBe(true);
      let s2 = 0.25;
      for (let j = 18; j < m; j++) s2 += (g[j] as number) * 0.5 * stdlibErfc(k * (c - (x[j] as number)));
      expect(Object.is(halfErfcSum(0.25, g, x, 18, m, c, k), s2)).toBe(true);
    }
  });
});

describe("pvalNormal on core/erfc", () => {
  it("gives stdlib's 2 * normalCdf(-|z|, 0, 1) bit for bit", () => {
    const zs = [0, -0, 1e-12, 0.5, 1.959963984540054, -1.959963984540054, 3.7, 8.3, 12, 37.7, 38.5, 40, 1e10, Infinity, -Infinity];
    for (let i = 0; i <= 100_000; i++) zs.push(-45 + (90 * i) / 100_000 + 1e-7 * Math.cos(i));
    let same = 0;
    for (const z of zs) if (Object.is(pvalNormal(z), 2 * normalCdf(-Math.abs(z), 0, 1))) same++;
    expect(same).toBe(zs.length);
    expect(pvalNormal(NaN)).toBeNaN();
  });
});

describe("pchisqUpper's finite sums", () => {
  it("give stdlib's gammainc(x/2, df/2, upper) bit for bit, in and out of the finite-sum range", () => {
    let n = 0;
    let finite = 0;
    for (let df = 1; df <= 80; df++) {
      for (let i = 0; i <= 600; i++) {
        const x = i === 0 ? 1e-300 : (i * i) / 900 + 1e-6 * Math.sin(i * df);
        const ours = pchisqUpper(x, df);
        const lib = gammainc(x / 2, df / 2, true, true);
        expect(Object.is(ours, lib), `x = ${x}, df = ${df}: ${ours} vs ${lib}`).toBe(true);
        n++;
        if (df < 60 && x / 2 >= df / 2 - 1 && x / 2 > 0.2) finite++;
      }
    }
    expect(n).toBe(80 * 601);
    expect(finite).toBeGreaterThan(10_000);
    for (const df of [1, 2, 9.5, 0.7]) expect(Object.is(pchisqUpper(1500, df), gammainc(750, df / 2, true, true))).toBe(true);
    expect(pchisqUpper(0, 3)).toBe(1);
    expect(pchisqUpper(Infinity, 3)).toBe(0);
    expect(pchisqUpper(5, 0)).toBeNaN();
  });
});
