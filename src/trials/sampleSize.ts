/**
 * Sample size for a two-arm trial, with the formulas of R so that the numbers can be checked there:
 *
 * - two proportions, 1:1 — power.prop.test (two-sided, strict = FALSE):
 *     power = Φ( (√n |p1 − p2| − z(1−α/2) √((p1+p2)(q1+q2)/2)) / √(p1q1 + p2q2) ), n per arm.
 * - two proportions, k:1 — pwr.2p2n.test with Cohen's h = 2 asin√p1 − 2 asin√p2 and n2 = n1·r2/r1:
 *     power = Φ(h √(n1n2/(n1+n2)) − z(1−α/2)) + Φ(−h √(n1n2/(n1+n2)) − z(1−α/2)).
 * - a continuous marker (difference δ, SD σ), 1:1 — power.t.test (two-sample, two-sided, strict = FALSE):
 *     ν = 2(n − 1), power = P(T_ν,ncp > t(1−α/2, ν)) with ncp = √(n/2) δ/σ.
 * - a continuous marker, k:1 — pwr.t2n.test: ν = n1 + n2 − 2, ncp = (δ/σ)/√(1/n1 + 1/n2),
 *     power = P(T > t(1−α/2, ν)) + P(T < −t(1−α/2, ν)).
 *
 * n (per arm, or n1 for the first arm) is the root of power(n) − target found by uniroot's Brent method on
 * [max(2, 2/k), 1e7] (k = r2/r1, so that both arms have at least 2) with tol = .Machine$double.eps^0.25, as R does; the sizes to recruit are the ceilings, then divided by
 * (1 − dropout) and rounded up again.
 */
import { z } from "zod";
import { InputError } from "../shared/errors.js";
import { pnorm, qnorm, qt, UNIROOT_TOL, zeroin } from "../stats/core/dist.js";
import { pnt } from "../stats/core/noncentral-t.js";

const Common = {
  power: z.number().gt(0).lt(1).default(0.8),
  /** Two-sided significance level. */
  alpha: z.number().gt(0).lt(1).default(0.05),
  /** Allocation ratio [first arm, second arm], e.g. [1, 1] or [2, 1]. */
  ratio: z.tuple([z.number().int().min(1).max(10), z.number().int().min(1).max(10)]).default([1, 1]),
  /** Expected proportion lost to follow-up (0 to < 1). */
  dropout: z.number().min(0).lt(1).default(0),
};

export const ProportionsSizeInputSchema = z
  .strictObject({ p1: z.number().gt(0).lt(1), p2: z.number().gt(0).lt(1), ...Common })
  .refine((v) => v.p1 !== v.p2, { message: "p1 and p2 must differ", path: ["p2"] });
export const MeanSizeInputSchema = z.strictObject({ delta: z.number().refine((d) => d !== 0, "the difference must not be 0"), sd: z.number().positive(), ...Common });

export interface SampleSizeResult {
  method: "power.prop.test" | "pwr.2p2n.test" | "power.t.test" | "pwr.t2n.test";
  formula: string;
  /** The exact (fractional) root for the first arm, and the matching size of the second. */
  n1: number;
  n2: number;
  /** Sizes to analyse (ceilings) and to recruit (after dropout). */
  analysed: { n1: number; n2: number; total: number };
  recruited: { n1: number; n2: number; total: number };
  /** Power achieved with the analysed (rounded-up) sizes. */
  achievedPower: number;
  effect: { h?: number; d?: number };
}

function parse<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const r = schema.safeParse(input);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new InputError(i?.message ?? "invalid sample-size input", { field: (i?.path ?? []).map(String).join(".") });
  }
  return r.data as z.output<S>;
}

/** Power of the two-proportion comparison (per-arm sizes n1, n2; equal sizes use power.prop.test). */
export function powerTwoProportions(p1: number, p2: number, n1: number, n2: number, alpha: number): number {
  if (n1 === n2) {
    const q1 = 1 - p1;
    const q2 = 1 - p2;
    return pnorm((Math.sqrt(n1) * Math.abs(p1 - p2) - -qnorm(alpha / 2) * Math.sqrt(((p1 + p2) * (q1 + q2)) / 2)) / Math.sqrt(p1 * q1 + p2 * q2));
  }
  const h = 2 * Math.asin(Math.sqrt(p1)) - 2 * Math.asin(Math.sqrt(p2));
  const s = h * Math.sqrt((n1 * n2) / (n1 + n2));
  const zc = -qnorm(alpha / 2);
  return pnorm(s - zc) + pnorm(-s - zc);
}

/** Power of the two-sample t test (equal sizes: power.t.test, strict = FALSE; unequal: pwr.t2n.test). */
export function powerTwoMeans(delta: number, sd: number, n1: number, n2: number, alpha: number): number {
  if (n1 === n2) {
    const nu = 2 * (n1 - 1);
    return pnt(qt(1 - alpha / 2, nu), nu, Math.sqrt(n1 / 2) * (delta / sd), false);
  }
  const nu = n1 + n2 - 2;
  const ncp = delta / sd / Math.sqrt(1 / n1 + 1 / n2);
  const qu = qt(1 - alpha / 2, nu);
  return pnt(qu, nu, ncp, false) + pnt(-qu, nu, ncp, true);
}

function solve(power: (n1: number) => number, target: number, k: number): number {
  const f = (n: number) => power(n) - target;
  // both arms need at least 2 (as R): n1 from max(2, 2/k)
  const lower = Math.max(2, 2 / k);
  if (f(lower) > 0) return lower;
  // R's uniroot(c(2, 1e7), extendInt = "upX"): a power not reached at 10 million per arm widens the search upwards
  // (here by factors of 10, to 10^15) instead of stopping at the interval's end
  let upper = 1e7;
  while (f(upper) < 0 && upper < 1e15) upper *= 10;
  if (!(f(upper) >= 0)) throw new InputError(`no sample size up to ${upper.toExponential(0)} per arm reaches this power: the effect is too small (or none)`);
  const root = zeroin(f, lower, upper, UNIROOT_TOL, 1000);
  if (!Number.isFinite(root)) throw new InputError("the sample-size search did not converge");
  return root;
}

function finish(method: SampleSizeResult["method"], formula: string, n1: number, ratio: readonly [number, number], dropout: number, power: (a: number, b: number) => number, effect: SampleSizeResult["effect"]): SampleSizeResult {
  const n2 = (n1 * ratio[1]) / ratio[0];
  const a1 = Math.ceil(n1 - 1e-9);
  const a2 = ratio[0] === ratio[1] ? a1 : Math.ceil(n2 - 1e-9);
  const r1 = Math.ceil(a1 / (1 - dropout) - 1e-9);
  const r2 = Math.ceil(a2 / (1 - dropout) - 1e-9);
  return {
    method,
    formula,
    n1,
    n2,
    analysed: { n1: a1, n2: a2, total: a1 + a2 },
    recruited: { n1: r1, n2: r2, total: r1 + r2 },
    achievedPower: power(a1, a2),
    effect,
  };
}

/** Sample size to compare two proportions (e.g. live birth 0.80 vs 0.635). */
export function sampleSizeTwoProportions(input: z.input<typeof ProportionsSizeInputSchema>): SampleSizeResult {
  const o = parse(ProportionsSizeInputSchema, input);
  const equal = o.ratio[0] === o.ratio[1];
  const k = o.ratio[1] / o.ratio[0];
  const pw = (a: number, b: number) => powerTwoProportions(o.p1, o.p2, a, b, o.alpha);
  const n1 = equal ? solve((n) => pw(n, n), o.power, 1) : solve((n) => pw(n, n * k), o.power, k);
  const h = 2 * Math.asin(Math.sqrt(o.p1)) - 2 * Math.asin(Math.sqrt(o.p2));
  return finish(
    equal ? "power.prop.test" : "pwr.2p2n.test",
    equal ? "power.prop.test (normal approximation, pooled variance under H0)" : "pwr.2p2n.test (arcsine transformation, Cohen's h)",
    n1,
    o.ratio,
    o.dropout,
    pw,
    { h },
  );
}

/** Sample size to compare a continuous marker between two arms (difference delta, common SD). */
export function sampleSizeTwoMeans(input: z.input<typeof MeanSizeInputSchema>): SampleSizeResult {
  const o = parse(MeanSizeInputSchema, input);
  const equal = o.ratio[0] === o.ratio[1];
  const k = o.ratio[1] / o.ratio[0];
  const pw = (a: number, b: number) => powerTwoMeans(Math.abs(o.delta), o.sd, a, b, o.alpha);
  const n1 = equal ? solve((n) => pw(n, n), o.power, 1) : solve((n) => pw(n, n * k), o.power, k);
  return finish(
    equal ? "power.t.test" : "pwr.t2n.test",
    equal ? "power.t.test (non-central t, one rejection tail as strict = FALSE)" : "pwr.t2n.test (non-central t, both rejection tails)",
    n1,
    o.ratio,
    o.dropout,
    pw,
    { d: o.delta / o.sd },
  );
}
