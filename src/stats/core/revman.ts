/**
 * RevMan 5 conventions that are not metafor's (Deeks & Higgins 2010, "Statistical algorithms in Review Manager 5"):
 * the DerSimonian-Laird tau² from the Mantel-Haenszel (or Peto) heterogeneity statistic, and the P-value format
 * RevMan prints in its forest plots and analysis summaries.
 */

/**
 * RevMan 5 random effects for MH and Peto analyses: tau² = max(0, (Q - df) / (sum w - sum w² / sum w)), with Q the
 * MH- (or Peto-) based heterogeneity statistic and w = 1/v the inverse-variance weights of the per-study estimates.
 */
export function revmanTau2FromQ(Q: number, df: number, v: ArrayLike<number>): number {
  if (!(df >= 1)) return 0;
  let sw = 0;
  let sw2 = 0;
  for (let j = 0; j < v.length; j++) {
    const w = 1 / (v[j] as number);
    sw += w;
    sw2 += w * w;
  }
  return Math.max(0, (Q - df) / (sw - sw2 / sw));
}

/**
 * The P value as RevMan prints it, without the leading "P": "< 0.00001"; one significant digit below 0.001
 * ("= 0.0004"); three decimals below 0.01 ("= 0.003"); two decimals otherwise ("= 0.05" for p = 0.046).
 */
export function revmanP(p: number): string {
  if (!Number.isFinite(p)) return "NA";
  if (p < 0.00001) return "< 0.00001";
  if (p < 0.001) return `= ${String(Number(p.toPrecision(1)))}`;
  if (p < 0.01) return `= ${p.toFixed(3)}`;
  return `= ${p.toFixed(2)}`;
}

/** "P = 0.05", "P < 0.00001": the P value with its letter, as in RevMan's "Test for overall effect" line. */
export function revmanPValue(p: number): string {
  return `P ${revmanP(p)}`;
}
