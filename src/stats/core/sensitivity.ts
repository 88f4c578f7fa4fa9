/**
 * Leave-one-out (metafor leave1out) and cumulative (metafor cumul) meta-analysis over any fitting
 * function, so the same code serves inverse-variance, Mantel-Haenszel and Peto models.
 */
export interface SensitivityFit {
  beta: number;
  se: number;
  ci_lb: number;
  ci_ub: number;
  pval: number;
  tau2: number;
  I2: number;
  QE: number;
}

/** Refits the model once per study with that study left out, in input order. */
export function leaveOneOut<F extends SensitivityFit>(indices: readonly number[], fit: (subset: number[]) => F): (F & { omittedIndex: number })[] {
  const out: (F & { omittedIndex: number })[] = [];
  for (let j = 0; j < indices.length; j++) {
    const subset = indices.filter((_, i) => i !== j);
    out.push({ ...fit(subset), omittedIndex: indices[j] as number });
  }
  return out;
}

/** Fits the model to the first 1, 2, ..., k studies of the given order. */
export function cumulative<F extends SensitivityFit>(ordered: readonly number[], fit: (subset: number[]) => F): (F & { addedIndex: number; k: number })[] {
  const out: (F & { addedIndex: number; k: number })[] = [];
  for (let j = 0; j < ordered.length; j++) {
    const subset = ordered.slice(0, j + 1);
    out.push({ ...fit(subset), addedIndex: ordered[j] as number, k: j + 1 });
  }
  return out;
}
