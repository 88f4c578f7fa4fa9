/**
 * The Favours labels under a forest plot. Left of the line of no effect lie ratios below 1 (differences below 0):
 * for a harmful outcome (pregnancy loss) fewer events with the intervention, so the intervention is favoured left;
 * for a good outcome (live birth) an OR or RR above 1 favours the intervention, so it is favoured right.
 */
export function favoursLabels(goodOutcome: boolean, experimental = "experimental", control = "control"): { left: string; right: string } {
  const e = `Favours [${experimental}]`;
  const c = `Favours [${control}]`;
  return goodOutcome ? { left: c, right: e } : { left: e, right: c };
}
