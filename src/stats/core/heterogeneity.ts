/**
 * Heterogeneity statistics from Cochran's Q (Higgins & Thompson 2002): the one definition of I² and H² from Q that
 * every fixed-effect model (inverse variance, Mantel-Haenszel, Peto), the test for subgroup differences and the
 * `auto` model choice use. Random-effects models report I² and H² from tau² instead (rma.ts).
 */

/** I² in percent from Q and its degrees of freedom: max(0, 100 (Q - df) / Q); 0 when Q = 0 or df < 1. */
export function i2FromQ(Q: number, df: number): number {
  if (!(df >= 1) || !(Q > 0)) return 0;
  return Math.max(0, (100 * (Q - df)) / Q);
}

/** H² from Q: Q / df (1 when df < 1). */
export function h2FromQ(Q: number, df: number): number {
  return df >= 1 ? Q / df : 1;
}
