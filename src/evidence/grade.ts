/**
 * GRADE primitives shared by the Summary-of-Findings engine (grade-outcomes.ts, the one place certainty is computed
 * for every outcome, the verdicts' evidence included): the certainty levels, a rated domain, the risk implied by a
 * relative effect at a baseline risk, the optimal information size and the imprecision domain.
 *
 * Imprecision (GRADE guidelines 6, Guyatt et al., J Clin Epidemiol 2011;64:1283-1293, in a stated form): -1 when the
 * CI includes no effect or the participants fall short of the optimal information size (OIS: alpha 0.05, power 0.8,
 * relative risk reduction 25% of the less frequent state); -2 when the CI includes both appreciable benefit and
 * appreciable harm (beyond 1.25 and below 0.8). When the caller gives a required information size (the
 * diversity-adjusted RIS of a trial sequential analysis, `decidua tsa`), the participants are compared with it
 * instead of the OIS, and the reason says so.
 */

export type GradeCertainty = "high" | "moderate" | "low" | "very low";

export interface GradeDomain {
  /** 0, 1 or 2 levels rated down. */
  downgrade: 0 | 1 | 2;
  reason: string;
}

export interface RelativeEffect {
  measure: "OR" | "RR" | "PetoOR";
  estimate: number;
  ci_low: number;
  ci_high: number;
}

/**
 * A required information size to judge the participants against, in place of the default OIS: the
 * diversity-adjusted required information size of a trial sequential analysis (TsaResult.ris_adjusted), with
 * what it assumes (e.g. "TSA: Pc 43%, RRR 20%, alpha 5%, power 80%, D² 0%").
 */
export interface InformationSize {
  participants: number;
  basis: string;
}

/** Risk in the treated group implied by a relative effect at baseline risk p. */
export function treatedRisk(measure: RelativeEffect["measure"], ratio: number, p: number): number {
  if (measure === "RR") return Math.min(1, ratio * p);
  return (ratio * p) / (1 - p + ratio * p);
}

function fmt(x: number): string {
  return x >= 10 ? x.toFixed(1) : x.toFixed(2);
}

/** Optimal information size (total participants) for a binary outcome at baseline risk p. */
export function optimalInformationSize(p: number, relativeReduction = 0.25): number {
  const zA = 1.959963984540054;
  const zB = 0.8416212335729143;
  const p1 = Math.min(p, 1 - p);
  const p2 = p1 * (1 - relativeReduction);
  const perGroup = ((zA + zB) ** 2 * (p1 * (1 - p1) + p2 * (1 - p2))) / (p1 - p2) ** 2;
  return 2 * Math.ceil(perGroup);
}

export function assessImprecision(effect: RelativeEffect, participants: number | null, baselineRisk: number, informationSize?: InformationSize | null): GradeDomain {
  const crosses = effect.ci_low < 1 && effect.ci_high > 1;
  const given = informationSize ?? null;
  const ois = given !== null ? Math.ceil(given.participants) : optimalInformationSize(baselineRisk);
  const sizeName = given !== null ? `diversity-adjusted required information size of ${ois} (${given.basis})` : `optimal information size of ${ois}`;
  const wideBoth = effect.ci_low < 0.8 && effect.ci_high > 1.25;
  if (crosses && wideBoth)
    return { downgrade: 2, reason: `the CI (${fmt(effect.ci_low)} to ${fmt(effect.ci_high)}) includes both appreciable benefit and appreciable harm` };
  const parts: string[] = [];
  if (crosses) parts.push(`the CI (${fmt(effect.ci_low)} to ${fmt(effect.ci_high)}) includes no effect`);
  if (participants === null) parts.push("number of participants not known, so the optimal information size cannot be checked");
  else if (participants < ois) parts.push(`${participants} participants, fewer than the ${sizeName}`);
  if (parts.length > 0) return { downgrade: 1, reason: parts.join("; ") };
  if (given !== null) return { downgrade: 0, reason: `CI excludes no effect and ${participants ?? "?"} participants meet the ${sizeName}` };
  return { downgrade: 0, reason: `CI excludes no effect and ${participants ?? "?"} participants meet the optimal information size (${ois})` };
}
