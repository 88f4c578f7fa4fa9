/**
 * Cohen's kappa (Cohen 1960) between two raters who each classified the same n items into the same categories:
 *   p_o = sum_k n_kk / n,  p_e = sum_k (n_k. / n)(n_.k / n),  kappa = (p_o - p_e) / (1 - p_e).
 * kappa is undefined (null) when p_e = 1 (both raters used one and the same category for every item).
 */
export interface KappaResult {
  n: number;
  categories: string[];
  /** table[i][j]: items rater A put in categories[i] and rater B in categories[j]. */
  table: number[][];
  observedAgreement: number;
  expectedAgreement: number;
  kappa: number | null;
}

export function cohenKappa(pairs: ReadonlyArray<readonly [string, string]>, categoriesIn?: readonly string[]): KappaResult | null {
  const n = pairs.length;
  if (n === 0) return null;
  const categories = categoriesIn !== undefined ? [...categoriesIn] : [...new Set(pairs.flatMap(([a, b]) => [a, b]))].sort();
  const idx = new Map(categories.map((c, i) => [c, i]));
  const table = categories.map(() => categories.map(() => 0));
  for (const [a, b] of pairs) {
    const i = idx.get(a);
    const j = idx.get(b);
    if (i === undefined || j === undefined) throw new Error(`category "${i === undefined ? a : b}" is not among ${categories.join(", ")}`);
    (table[i] as number[])[j] = ((table[i] as number[])[j] as number) + 1;
  }
  let agree = 0;
  let pe = 0;
  for (let k = 0; k < categories.length; k++) {
    agree += (table[k] as number[])[k] as number;
    const row = (table[k] as number[]).reduce((s, v) => s + v, 0);
    const col = table.reduce((s, r) => s + (r[k] as number), 0);
    pe += (row / n) * (col / n);
  }
  const po = agree / n;
  return { n, categories, table, observedAgreement: po, expectedAgreement: pe, kappa: 1 - pe <= 1e-12 ? null : (po - pe) / (1 - pe) };
}
