/**
 * Fail-safe N as metafor's fsn():
 * - Rosenthal (1979), Stouffer's method: z = |sum z_i| / sqrt(k), z_i = y_i / sqrt(v_i); N = max(0, k (z / z_alpha)² - k),
 *   z_alpha = qnorm(1 - alpha) (one-sided); p = pnorm(z, lower = FALSE).
 * - Orwin (1983), unweighted: mean effect ybar, target ybar / 2 unless given; N = max(0, k (ybar - target) / target).
 * - Rosenberg (2005), weighted: N = max(0, k ((sum w y / z_{alpha/2})² - sum w) / sum w), w = 1/v;
 *   p = two-sided p of the fixed-effect z.
 * Each N is rounded up to a whole study (unless already whole to sqrt(eps)), as fsn.
 */
import { pnorm, pvalNormal, qnorm } from "./dist.js";

export interface FailSafeResult {
  rosenthal: { fsnum: number; alpha: number; pval: number };
  orwin: { fsnum: number; target: number };
  rosenberg: { fsnum: number; alpha: number; pval: number };
}

function wholeStudies(n: number): number {
  if (!Number.isFinite(n)) return n;
  return Math.abs(n - Math.round(n)) >= Math.sqrt(2.220446049250313e-16) ? Math.ceil(n) : Math.round(n);
}

/** f(0) + f(1) + ... + f(k - 1), in that order. */
function sumOver(k: number, f: (i: number) => number): number {
  let s = 0;
  for (let i = 0; i < k; i++) s += f(i);
  return s;
}

export function failSafeN(y: ArrayLike<number>, v: ArrayLike<number>, alpha = 0.05, orwinTarget?: number): FailSafeResult {
  const k = y.length;
  // Rosenthal: sum of z values; Orwin: sum of effects; Rosenberg: the fixed-effect sums (weights 1/v)
  const sz = sumOver(k, (i) => (y[i] as number) / Math.sqrt(v[i] as number));
  const sy = sumOver(k, (i) => y[i] as number);
  const sw = sumOver(k, (i) => 1 / (v[i] as number));
  const swy = sumOver(k, (i) => (y[i] as number) / (v[i] as number));
  const zAvg = Math.abs(sz / Math.sqrt(k));
  const rosenthal = { fsnum: wholeStudies(Math.max(0, k * (zAvg / -qnorm(alpha)) ** 2 - k)), alpha, pval: pnorm(-zAvg) };
  const meanes = sy / k;
  let target = orwinTarget ?? meanes / 2;
  let orwinN: number;
  if (target === 0) orwinN = Infinity;
  else {
    if (Math.sign(target) !== Math.sign(meanes)) target = -target;
    orwinN = Math.max(0, (k * (meanes - target)) / target);
  }
  const wp = (swy / -qnorm(alpha / 2)) ** 2 - sw;
  const zval = swy / sw / Math.sqrt(1 / sw);
  const rosenberg = { fsnum: wholeStudies(Math.max(0, (k * wp) / sw)), alpha, pval: pvalNormal(zval) };
  return { rosenthal, orwin: { fsnum: wholeStudies(orwinN), target }, rosenberg };
}
