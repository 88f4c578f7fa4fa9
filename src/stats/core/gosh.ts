/**
 * GOSH (graphical display of study heterogeneity; Olkin, Dahabreh & Trikalinos 2012) as metafor's gosh.rma: the
 * model refitted to subsets of the studies, recording k, the estimate, I² and tau² of each. With k <= 15 every one
 * of the 2^k - 1 non-empty subsets is fitted, in metafor's order (by size, then by the bit mask in which bit j
 * stands for study j);
 * beyond, `subsets` random subsets: a size drawn from Binomial(k, 1/2) (at least 1) and that many studies at random.
 */
import { rmaUni, type RmaMethod } from "./rma.js";
import { tryRefit } from "./refit.js";
import { mulberry32, randomPermutation } from "./random.js";

export const GOSH_EXACT_MAX_K = 15;

export interface GoshResult {
  exact: boolean;
  subsets: number;
  seed: number | null;
  k: number[];
  estimate: number[];
  I2: number[];
  tau2: number[];
}

export function gosh(y: ArrayLike<number>, v: ArrayLike<number>, method: RmaMethod, options: { subsets: number; seed: number }): GoshResult {
  const k = y.length;
  const exact = k <= GOSH_EXACT_MAX_K;
  const out: GoshResult = { exact, subsets: 0, seed: exact ? null : options.seed, k: [], estimate: [], I2: [], tau2: [] };
  const ys = new Float64Array(k);
  const vs = new Float64Array(k);
  const fit = (members: readonly number[]): void => {
    const m = members.length;
    for (let j = 0; j < m; j++) {
      ys[j] = y[members[j] as number] as number;
      vs[j] = v[members[j] as number] as number;
    }
    out.k.push(m);
    const r = tryRefit(() => rmaUni(ys.subarray(0, m), vs.subarray(0, m), { method }));
    out.estimate.push(r === undefined ? NaN : r.beta);
    out.I2.push(r === undefined ? NaN : r.I2);
    out.tau2.push(r === undefined ? NaN : r.tau2);
  };
  if (exact) {
    const n = 2 ** k;
    const popcount = (m: number): number => {
      let c = 0;
      for (let x = m; x > 0; x >>>= 1) c += x & 1;
      return c;
    };
    const masks = Array.from({ length: n - 1 }, (_, i) => i + 1).sort((a, b) => popcount(a) - popcount(b) || a - b);
    const members: number[] = [];
    for (const s of masks) {
      members.length = 0;
      for (let j = 0; j < k; j++) if ((s >>> j) & 1) members.push(j);
      fit(members);
    }
  } else {
    const u = mulberry32(options.seed);
    for (let s = 0; s < options.subsets; s++) {
      let size = 0;
      while (size === 0) {
        size = 0;
        for (let j = 0; j < k; j++) if (u() < 0.5) size++;
      }
      const members = randomPermutation(k, u).slice(0, size).sort((a, b) => a - b);
      fit(members);
    }
  }
  out.subsets = out.k.length;
  return out;
}
