/**
 * One check of a beta-spending futility design against its rpact case (fixtures/tsa): every futility bound to 1e-6
 * relative (null where rpact gives none), and the squared drift to 1e-5 (rpact solves its shift on a coarser grid
 * and bisection tolerance, so it carries about 2e-6 of its own error).
 */
import { expect } from "vitest";

export const rel = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);

export function expectFutilityAsRpact(f: { futility: ReadonlyArray<number | null>; drift: number }, c: { futilityBounds: ReadonlyArray<number | null | undefined>; shift: number }): void {
  expect(f.futility).toHaveLength(c.futilityBounds.length);
  f.futility.forEach((a, k) => {
    const r = c.futilityBounds[k];
    if (r === null || r === undefined) expect(a).toBeNull();
    else expect(rel(a as number, r)).toBeLessThan(1e-6);
  });
  expect(rel(f.drift * f.drift, c.shift)).toBeLessThan(1e-5);
}
