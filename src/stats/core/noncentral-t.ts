/**
 * Cumulative distribution of the non-central t distribution, P(T <= t; df, ncp), by the algorithm of
 * Lenth (1989, Applied Statistics AS 243) with the refinements R's pnt() documents: the series of Guenther (1978)
 * summed until the error bound is below 1e-12, and the normal approximation (Abramowitz & Stegun 26.7.10) for
 * df > 4e5 or a very large ncp. Used by the sample-size functions (R's power.t.test and pwr.t2n.test).
 */
import gammaln from "@stdlib/math-base-special-gammaln";
import normalCdf from "@stdlib/stats-base-dists-normal-cdf";
import tCdf from "@stdlib/stats-base-dists-t-cdf";

const LN_SQRT_PI = 0.5723649429247001; // log(sqrt(pi))
const SQRT_2_OVER_PI = 0.7978845608028654;
const DBL_EPSILON = 2.220446049250313e-16;

/** P(T <= t) for T ~ t(df, ncp); `lowerTail = false` gives P(T > t). */
export function pnt(t: number, df: number, ncp: number, lowerTail = true): number {
  if (!(df > 0)) return Number.NaN;
  if (ncp === 0) return lowerTail ? tCdf(t, df) : tCdf(-t, df);
  if (!Number.isFinite(t)) return (t < 0) === lowerTail ? 0 : 1;
  let negdel: boolean;
  let tt: number;
  let del: number;
  if (t >= 0) {
    negdel = false;
    tt = t;
    del = ncp;
  } else {
    if (ncp > 40 && !lowerTail) return 1;
    if (ncp > 40) return 0;
    negdel = true;
    tt = -t;
    del = -ncp;
  }
  if (df > 4e5 || del * del > 2 * Math.LN2 * 1021) {
    const s = 1 / (4 * df);
    const p = normalCdf(tt * (1 - s), del, Math.sqrt(1 + tt * tt * 2 * s));
    return lowerTail !== negdel ? p : 1 - p;
  }
  let x = t * t;
  x = x / (x + df);
  let tnc: number;
  if (x > 0) {
    const lambda = del * del;
    let p = 0.5 * Math.exp(-0.5 * lambda);
    if (p === 0) return lowerTail !== negdel ? 0 : 1;
    let q = SQRT_2_OVER_PI * p * del;
    let s = 0.5 - p;
    if (s < 1e-7) s = -0.5 * Math.expm1(-0.5 * lambda);
    let a = 0.5;
    const b = 0.5 * df;
    const rxb = Math.pow(df / (t * t + df), b);
    const albeta = LN_SQRT_PI + gammaln(b) - gammaln(0.5 + b);
    // pbeta(x, 1/2, df/2) = P(|T| <= tt) for central t with df degrees of freedom
    let xodd = 1 - 2 * tCdf(-tt, df);
    let godd = 2 * rxb * Math.exp(a * Math.log(x) - albeta);
    let tn = b * x;
    let xeven = tn < DBL_EPSILON ? tn : 1 - rxb;
    let geven = tn * rxb;
    tnc = p * xodd + q * xeven;
    for (let it = 1; it <= 1000; it++) {
      a += 1;
      xodd -= godd;
      xeven -= geven;
      godd *= (x * (a + b - 1)) / a;
      geven *= (x * (a + b - 0.5)) / (a + 0.5);
      p *= lambda / (2 * it);
      q *= lambda / (2 * it + 1);
      tnc += p * xodd + q * xeven;
      s -= p;
      if (s < -1e-10) break;
      if (s <= 0 && it > 1) break;
      const errbd = 2 * s * (xodd - godd);
      if (Math.abs(errbd) < 1e-12) break;
    }
  } else {
    tnc = 0;
  }
  tnc += normalCdf(-del, 0, 1);
  const lower = lowerTail !== negdel;
  const v = Math.min(tnc, 1);
  return lower ? v : 1 - v;
}
