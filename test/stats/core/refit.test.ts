import { describe, expect, it } from "vitest";
import { tryRefit } from "../../../src/stats/core/refit.js";
import { InputError } from "../../../src/shared/errors.js";

describe("tryRefit (leave-one-out, cumulative, influence, GOSH and permutation refits)", () => {
  it("gives the fit, or undefined with the reason for a refit that cannot be fitted (metafor's NA)", () => {
    expect(tryRefit(() => 42)).toBe(42);
    const why: string[] = [];
    expect(tryRefit(() => { throw new InputError("Fisher scoring algorithm did not converge"); }, (e) => why.push(e.message))).toBeUndefined();
    expect(why).toEqual(["Fisher scoring algorithm did not converge"]);
  });

  it("throws any other error: a defect is not reported as a refit that failed", () => {
    const why: string[] = [];
    expect(() => tryRefit(() => { throw new TypeError("x is undefined"); }, (e) => why.push(e.message))).toThrow(TypeError);
    expect(why).toEqual([]);
  });
});
