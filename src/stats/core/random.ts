/**
 * The seeded pseudo-random numbers of the resampling methods (permutation test, GOSH sample): mulberry32, so a run
 * is reproducible from its seed. R's Mersenne Twister is not reproduced, so random-permutation p-values agree
 * with metafor's only within Monte Carlo error; the exact (enumerated) versions agree to the last digit.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fisher-Yates shuffle of 0..n-1. */
export function randomPermutation(n: number, u: () => number): number[] {
  const p = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(u() * (i + 1));
    const t = p[i] as number;
    p[i] = p[j] as number;
    p[j] = t;
  }
  return p;
}
