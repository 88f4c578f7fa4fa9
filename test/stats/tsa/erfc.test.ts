import stdlibErfc from "@stdlib/math-base-special-erfc";
import { describe, expect, it } from "vitest";
import { erfc } from "../../../src/stats/tsa/erfc.js";

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
});
