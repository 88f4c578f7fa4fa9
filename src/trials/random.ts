/**
 * The random source the randomisation functions draw from. The core never creates one: the adapter passes a
 * cryptographically strong, seeded generator (HMAC-DRBG on node:crypto, src/store/drbg.ts) so that the same seed
 * gives the same allocation sequence and nothing here touches I/O or a global random state.
 */
export interface RandomSource {
  /** A uniformly distributed integer in [0, 2^32). */
  nextUint32(): number;
}

const TWO32 = 4294967296;

/** A uniform integer in [0, n) by rejection sampling (no modulo bias). */
export function randomBelow(rng: RandomSource, n: number): number {
  if (!Number.isInteger(n) || n < 1 || n > TWO32) throw new RangeError(`randomBelow: n must be an integer in [1, 2^32], got ${n}`);
  if (n === 1) return 0;
  const limit = TWO32 - (TWO32 % n);
  for (;;) {
    const x = rng.nextUint32();
    if (x < limit) return x % n;
  }
}

/** A uniform number in [0, 1) with 32 bits of resolution. */
export function randomUnit(rng: RandomSource): number {
  return rng.nextUint32() / TWO32;
}

/** Fisher–Yates shuffle (a new array; the input is not changed). */
export function shuffle<T>(rng: RandomSource, items: readonly T[]): T[] {
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = randomBelow(rng, i + 1);
    const t = a[i] as T;
    a[i] = a[j] as T;
    a[j] = t;
  }
  return a;
}
