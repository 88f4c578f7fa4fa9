/**
 * Permutation test of a meta-regression as metafor's permutest.rma.uni: the rows of the moderator matrix are
 * permuted over the studies and the model refitted with the same estimator and test; the p-value of QM is the share
 * of permutations with QM* >= QM - tol, that of each coefficient the share with |z*| >= |z| - tol
 * (tol = sqrt(machine epsilon), metafor's comptol). When the number of distinct permutations k!/prod(m_j!) (m_j the
 * multiplicities of identical rows) is at most `iterations`, every distinct permutation is enumerated (exact);
 * otherwise `iterations` random permutations (seeded) are drawn, the first being the observed data, as metafor does.
 */
import { InputError } from "../../shared/errors.js";
import type { TestType } from "../types.js";
import { rmaMods, type MetaRegResult } from "./metareg.js";
import type { RmaMethod } from "./rma.js";
import { mulberry32, randomPermutation } from "./random.js";
import { tryRefit } from "./refit.js";

const COMPTOL = Math.sqrt(2.220446049250313e-16);

export interface PermutationResult {
  exact: boolean;
  iterations: number;
  seed: number | null;
  QM_pval: number;
  pval: number[];
}

/** Number of distinct permutations of rows with these multiplicities (Infinity when it exceeds 2^53). */
function distinctPermutations(mult: readonly number[]): number {
  let n = 0;
  let r = 1;
  // multinomial coefficient built factor by factor: prod C(n_1 + ... + n_j, n_j)
  for (const m of mult) {
    for (let i = 1; i <= m; i++) {
      n++;
      r = (r * n) / i;
      if (r > Number.MAX_SAFE_INTEGER) return Infinity;
    }
  }
  return Math.round(r);
}

/** Next lexicographic permutation of an integer array (in place); false after the last. */
function nextPermutation(a: number[]): boolean {
  let i = a.length - 2;
  while (i >= 0 && (a[i] as number) >= (a[i + 1] as number)) i--;
  if (i < 0) return false;
  let j = a.length - 1;
  while ((a[j] as number) <= (a[i] as number)) j--;
  [a[i], a[j]] = [a[j] as number, a[i] as number];
  for (let l = i + 1, r = a.length - 1; l < r; l++, r--) [a[l], a[r]] = [a[r] as number, a[l] as number];
  return true;
}

export function permutationTest(
  y: ArrayLike<number>,
  v: ArrayLike<number>,
  X: Float64Array,
  names: readonly string[],
  observed: MetaRegResult,
  options: { method: RmaMethod; test: TestType; level: number; iterations: number; seed: number },
): PermutationResult {
  const k = y.length;
  const p = names.length;
  if (options.iterations < 2) throw new InputError("the permutation test needs at least 2 permutations", { field: "permutations" });
  // identical rows of X form one type
  const keyOf = (i: number): string => Array.from(X.subarray(i * p, (i + 1) * p)).join(",");
  const types = new Map<string, number>();
  const typeOf = Array.from({ length: k }, (_, i) => {
    const key = keyOf(i);
    let t = types.get(key);
    if (t === undefined) {
      t = types.size;
      types.set(key, t);
    }
    return t;
  });
  const firstRow: number[] = [];
  typeOf.forEach((t, i) => {
    if (firstRow[t] === undefined) firstRow[t] = i;
  });
  const mult = new Array<number>(types.size).fill(0);
  for (const t of typeOf) mult[t] = (mult[t] as number) + 1;
  const total = distinctPermutations(mult);
  const exact = total <= options.iterations;
  const Xp = new Float64Array(k * p);
  const qm: number[] = [];
  const z: number[][] = names.map(() => []);
  const run = (rowFor: (i: number) => number): void => {
    for (let i = 0; i < k; i++) Xp.set(X.subarray(rowFor(i) * p, (rowFor(i) + 1) * p), i * p);
    // a fit that fails is left out, as permutest (na.rm = TRUE)
    const r = tryRefit(() => rmaMods(y, v, Xp, names, { method: options.method, test: options.test, level: options.level, skipR2: true }));
    if (r === undefined) return;
    qm.push(r.QM);
    r.coefficients.forEach((c, j) => z[j]?.push(c.zval));
  };
  if (exact) {
    const arrangement = [...typeOf].sort((a, b) => a - b);
    do run((i) => firstRow[arrangement[i] as number] as number);
    while (nextPermutation(arrangement));
  } else {
    const u = mulberry32(options.seed);
    run((i) => i);
    for (let it = 1; it < options.iterations; it++) {
      const perm = randomPermutation(k, u);
      run((i) => perm[i] as number);
    }
  }
  const share = (xs: readonly number[], pass: (x: number) => boolean): number => {
    const ok = xs.filter((x) => !Number.isNaN(x));
    return ok.filter(pass).length / ok.length;
  };
  const QM_pval = share(qm, (x) => x >= observed.QM - COMPTOL);
  const pval = observed.coefficients.map((c, j) => Math.min(1, share(z[j] ?? [], (x) => Math.abs(x) >= Math.abs(c.zval) - COMPTOL)));
  return { exact, iterations: exact ? total : options.iterations, seed: exact ? null : options.seed, QM_pval, pval };
}
