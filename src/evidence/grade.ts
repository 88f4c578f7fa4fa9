/**
 * GRADE Summary-of-Findings rows (pure). A row gives the relative effect with its CI, the absolute effect per
 * 1000 at a stated baseline risk, participants and studies, and the certainty of the evidence with an explicit
 * reason for each rating down (risk of bias, inconsistency, indirectness, imprecision, publication bias).
 *
 * Rules follow the GRADE handbook (Schünemann et al., GRADE Handbook 2013, section 5) in a simplified, stated form:
 * - start at "high" when all evidence comes from randomised trials, at "low" otherwise;
 * - risk of bias: -1 when most of the information (by participants) comes from trials with a high or
 *   unassessed/unclear judgement for sequence generation or allocation concealment; -2 when most comes from
 *   trials with any domain at high risk; "not assessed" is counted as unknown risk and named as such in the
 *   reason, with whether it alone changes the rating (the per-outcome table, grade-outcomes.ts, reads RoB 2 too);
 * - inconsistency: -1 for I² >= 50%, -2 for I² >= 75%, and -1 when published meta-analyses (or randomised
 *   trials) of the same question disagree in direction (given by the caller as conflict descriptions);
 * - indirectness: -1 per distinct reason given (e.g. mixed outcome definitions, population differs), at most -2;
 * - imprecision: -1 when the CI includes no effect or the participants fall short of the optimal information
 *   size (OIS: alpha 0.05, power 0.8, relative risk reduction 25% of the less frequent state); -2 when the CI
 *   includes both appreciable benefit and appreciable harm (ratio beyond 1.25 and below 0.8 of each other side);
 *   when the caller gives a required information size (the diversity-adjusted RIS of a trial sequential analysis,
 *   `decidua tsa`), the participants are compared with it instead of the OIS;
 * - publication bias: -1 when the caller reports a suspicion (e.g. Egger's test P < 0.1 with k >= 10);
 *   with fewer than 10 studies it is stated as not assessable, without rating down.
 */
import type { TherapyId } from "../shared/therapies.js";
import type { RobAssessment } from "./schema.js";

export type GradeCertainty = "high" | "moderate" | "low" | "very low";
const LEVELS: GradeCertainty[] = ["very low", "low", "moderate", "high"];

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

export interface StudyForGrade {
  label: string;
  randomised: boolean | null;
  participants: number;
  rob: RobAssessment | null;
  /** RoB 2 overall judgement of the result used (the trial entry's `rob2`), read before RoB 1; absent: not judged with RoB 2. */
  rob2?: "low" | "some concerns" | "high" | "not assessed";
}

export interface SofInput {
  therapy: TherapyId;
  outcome: string;
  comparison: string;
  population: string;
  /** Where the relative effect comes from (e.g. "Decidua pooled analysis of 8 placebo-controlled RCTs"). */
  basis: string;
  effect: RelativeEffect;
  /** True when the outcome is desirable (live birth): more events = benefit. */
  desirable: boolean;
  /** Baseline (control) risk as a proportion, and where it comes from. */
  baselineRisk: number;
  baselineSource: string;
  participants: number | null;
  /** Number of studies pooled, null when the source does not say. */
  studies: number | null;
  /** The studies behind the effect as far as known (for risk of bias and the starting level). */
  studyDetails: StudyForGrade[];
  /** Whether all studies are randomised (overrides studyDetails when the studies are not known individually). */
  allRandomised: boolean;
  I2: number | null;
  /** Published results that disagree with each other (text per disagreement). */
  conflicts: string[];
  indirectness: string[];
  publicationBias: { suspected: boolean; reason: string } | null;
  /**
   * A required information size to judge the participants against, in place of the default OIS: the
   * diversity-adjusted required information size of a trial sequential analysis (TsaResult.ris_adjusted), with
   * what it assumes (e.g. "TSA: Pc 43%, RRR 20%, alpha 5%, power 80%, D² 0%").
   */
  informationSize?: { participants: number; basis: string } | null;
}

export interface AbsoluteEffect {
  /** Control risk per 1000. */
  baselinePer1000: number;
  /** Treated risk per 1000 at the estimate. */
  treatedPer1000: number;
  /** Difference per 1000 (treated - control), with its CI from the relative effect's CI. */
  differencePer1000: number;
  differenceCiLow: number;
  differenceCiHigh: number;
  text: string;
}

export interface SofRow {
  therapy: TherapyId;
  outcome: string;
  comparison: string;
  population: string;
  basis: string;
  relative: RelativeEffect & { text: string };
  baselineRisk: { risk: number; source: string };
  absolute: AbsoluteEffect;
  participants: number | null;
  studies: number | null;
  startingLevel: GradeCertainty;
  certainty: GradeCertainty;
  domains: {
    riskOfBias: GradeDomain;
    inconsistency: GradeDomain;
    indirectness: GradeDomain;
    imprecision: GradeDomain;
    publicationBias: GradeDomain;
  };
  /** The reasons for rating down, one line each (empty when none). */
  reasons: string[];
}

/** Risk in the treated group implied by a relative effect at baseline risk p. */
export function treatedRisk(measure: RelativeEffect["measure"], ratio: number, p: number): number {
  if (measure === "RR") return Math.min(1, ratio * p);
  return (ratio * p) / (1 - p + ratio * p);
}

function fmt(x: number): string {
  return x >= 10 ? x.toFixed(1) : x.toFixed(2);
}

function diffText(d: number): string {
  if (d === 0) return "no difference";
  return d > 0 ? `${d} more` : `${-d} fewer`;
}

export function absoluteEffect(effect: RelativeEffect, baselineRisk: number): AbsoluteEffect {
  if (!(baselineRisk > 0 && baselineRisk < 1)) throw new RangeError(`baseline risk must be between 0 and 1, got ${baselineRisk}`);
  const base = Math.round(baselineRisk * 1000);
  const at = (r: number): number => Math.round((treatedRisk(effect.measure, r, baselineRisk) - baselineRisk) * 1000);
  const d = at(effect.estimate);
  const lo = at(effect.ci_low);
  const hi = at(effect.ci_high);
  return {
    baselinePer1000: base,
    treatedPer1000: Math.round(treatedRisk(effect.measure, effect.estimate, baselineRisk) * 1000),
    differencePer1000: d,
    differenceCiLow: lo,
    differenceCiHigh: hi,
    text: `${diffText(d)} per 1000 (from ${diffText(lo)} to ${diffText(hi)})`,
  };
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

export function assessRiskOfBias(studies: StudyForGrade[]): GradeDomain {
  const total = studies.reduce((s, x) => s + x.participants, 0);
  if (studies.length === 0 || total === 0) return { downgrade: 1, reason: "risk of bias of the trials behind this estimate is not known individually" };
  let high = 0;
  let keyUnclear = 0;
  let keyNotAssessed = 0;
  const highNames: string[] = [];
  const unclearNames: string[] = [];
  const notAssessedNames: string[] = [];
  for (const s of studies) {
    const d = s.rob?.domains;
    const r2 = s.rob2 !== undefined && s.rob2 !== "not assessed" ? s.rob2 : null;
    const anyHigh = s.randomised === false || (r2 !== null ? r2 === "high" : d !== undefined && Object.values(d).some((j) => j === "high"));
    if (anyHigh) {
      high += s.participants;
      highNames.push(r2 !== null ? `${s.label} (RoB 2 high)` : s.label);
      continue;
    }
    const keyOk = r2 !== null ? r2 === "low" : d !== undefined && d.random_sequence === "low" && d.allocation_concealment === "low";
    if (keyOk) continue;
    if (r2 === null && (d === undefined || d.random_sequence === "not assessed" || d.allocation_concealment === "not assessed")) {
      keyNotAssessed += s.participants;
      notAssessedNames.push(s.label);
    } else {
      keyUnclear += s.participants;
      unclearNames.push(r2 !== null ? `${s.label} (RoB 2 some concerns)` : s.label);
    }
  }
  const shareHigh = high / total;
  const shareUnclear = (high + keyUnclear + keyNotAssessed) / total;
  // "Not assessed" is counted as a concern (the risk is unknown) and always named as such, never folded into "unclear".
  const naShare = keyNotAssessed / total;
  const naText =
    notAssessedNames.length > 0
      ? `${Math.round(naShare * 100)}% of participants in trials whose sequence generation/allocation concealment is NOT ASSESSED (${notAssessedNames.join(", ")}), counted as unknown risk; ${(high + keyUnclear) / total <= 0.5 && shareUnclear > 0.5 ? "this alone rates the domain down one level" : "it does not change the rating"}`
      : null;
  if (shareHigh > 0.5)
    return { downgrade: 2, reason: `${Math.round(shareHigh * 100)}% of participants are in studies with a domain at high risk of bias (${highNames.join(", ")})${naText !== null ? `; ${naText}` : ""}` };
  if (shareUnclear > 0.5) {
    const parts: string[] = [];
    if (highNames.length > 0) parts.push(`high risk: ${highNames.join(", ")}`);
    if (unclearNames.length > 0) parts.push(`sequence generation/allocation concealment unclear: ${unclearNames.join(", ")}`);
    return {
      downgrade: 1,
      reason: `${Math.round(shareUnclear * 100)}% of participants are in studies at high risk, unclear or not assessed for selection bias${parts.length > 0 ? ` (${parts.join("; ")})` : ""}${naText !== null ? `; ${naText}` : ""}`,
    };
  }
  if (naText !== null) return { downgrade: 0, reason: `most information comes from trials at low risk of bias for selection; ${naText}` };
  return { downgrade: 0, reason: "most information comes from trials at low risk of bias for selection" };
}

export function assessInconsistency(I2: number | null, conflicts: string[], studiesKnown: number | null): GradeDomain {
  const studies = studiesKnown ?? 2;
  const parts: string[] = [];
  let down = 0;
  if (I2 !== null && I2 >= 75) {
    down = 2;
    parts.push(`I² = ${Math.round(I2)}% (considerable heterogeneity)`);
  } else if (I2 !== null && I2 >= 50) {
    down = 1;
    parts.push(`I² = ${Math.round(I2)}% (substantial heterogeneity)`);
  } else if (I2 === null && studies > 1) parts.push("I² not reported");
  if (conflicts.length > 0) {
    down = Math.min(2, down + 1);
    parts.push(conflicts.join("; "));
  }
  if (down === 0) return { downgrade: 0, reason: parts.length > 0 ? parts.join("; ") : studies > 1 ? `I² = ${Math.round(I2 ?? 0)}%, no conflicting meta-analyses` : "single study" };
  return { downgrade: down as 1 | 2, reason: parts.join("; ") };
}

export function assessIndirectness(reasons: string[]): GradeDomain {
  if (reasons.length === 0) return { downgrade: 0, reason: "population, intervention and outcome match the question" };
  return { downgrade: Math.min(2, reasons.length) as 1 | 2, reason: reasons.join("; ") };
}

export function assessImprecision(effect: RelativeEffect, participants: number | null, baselineRisk: number, informationSize?: SofInput["informationSize"]): GradeDomain {
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

export function assessPublicationBias(studies: number | null, pb: SofInput["publicationBias"]): GradeDomain {
  if (pb !== null && pb.suspected) return { downgrade: 1, reason: pb.reason };
  if (pb !== null) return { downgrade: 0, reason: pb.reason };
  if (studies === null) return { downgrade: 0, reason: "not assessable: the number of studies is not reported" };
  if (studies < 10) return { downgrade: 0, reason: `not assessable with ${studies} stud${studies === 1 ? "y" : "ies"} (funnel tests need about 10)` };
  return { downgrade: 0, reason: "not detected" };
}

export function summaryOfFindings(input: SofInput): SofRow {
  const randomised = input.allRandomised && input.studyDetails.every((s) => s.randomised !== false);
  const startingLevel: GradeCertainty = randomised ? "high" : "low";
  const domains = {
    riskOfBias: assessRiskOfBias(input.studyDetails),
    inconsistency: assessInconsistency(input.I2, input.conflicts, input.studies),
    indirectness: assessIndirectness(input.indirectness),
    imprecision: assessImprecision(input.effect, input.participants, input.baselineRisk, input.informationSize),
    publicationBias: assessPublicationBias(input.studies, input.publicationBias),
  };
  if (!randomised && domains.riskOfBias.downgrade > 0) {
    // Observational evidence already starts at "low"; its design-related bias is not counted twice.
    const nonRandomisedOnly = input.studyDetails.every((s) => s.randomised === false || s.rob === null);
    if (nonRandomisedOnly) domains.riskOfBias = { downgrade: 0, reason: `non-randomised evidence (already started at low): ${domains.riskOfBias.reason}` };
  }
  const total = Object.values(domains).reduce((s, d) => s + d.downgrade, 0);
  const level = Math.max(0, LEVELS.indexOf(startingLevel) - total);
  const names: Record<keyof typeof domains, string> = {
    riskOfBias: "Risk of bias",
    inconsistency: "Inconsistency",
    indirectness: "Indirectness",
    imprecision: "Imprecision",
    publicationBias: "Publication bias",
  };
  const reasons = (Object.keys(domains) as Array<keyof typeof domains>)
    .filter((k) => domains[k].downgrade > 0)
    .map((k) => `${names[k]} (-${domains[k].downgrade}): ${domains[k].reason}`);
  if (!randomised) reasons.unshift("Started at low: not all evidence is from randomised trials");
  const measureName = input.effect.measure === "PetoOR" ? "Peto OR" : input.effect.measure;
  return {
    therapy: input.therapy,
    outcome: input.outcome,
    comparison: input.comparison,
    population: input.population,
    basis: input.basis,
    relative: { ...input.effect, text: `${measureName} ${fmt(input.effect.estimate)} (95% CI ${fmt(input.effect.ci_low)} to ${fmt(input.effect.ci_high)})` },
    baselineRisk: { risk: input.baselineRisk, source: input.baselineSource },
    absolute: absoluteEffect(input.effect, input.baselineRisk),
    participants: input.participants,
    studies: input.studies,
    startingLevel,
    certainty: LEVELS[level] ?? "very low",
    domains,
    reasons,
  };
}

/**
 * A plain-language statement of a SoF row in GRADE's informative-statement style (Santesso N et al., J Clin
 * Epidemiol 2020;119:126-135): the verb carries the certainty ("increases" / "probably increases" / "may
 * increase" / "we are very uncertain"), and the absolute numbers carry the size, without promise or dismissal.
 */
export function plainLanguageStatement(row: SofRow, therapyName: string): string {
  const r = row.relative;
  const crosses = r.ci_low <= 1 && r.ci_high >= 1;
  const up = r.ci_low > 1;
  const outcome = row.outcome;
  let verdict: string;
  if (row.certainty === "very low") verdict = `We are very uncertain whether ${therapyName} changes the chance of ${outcome}`;
  else if (crosses) {
    verdict =
      row.certainty === "high"
        ? `${therapyName} makes little or no difference to the chance of ${outcome}`
        : row.certainty === "moderate"
          ? `${therapyName} probably makes little or no difference to the chance of ${outcome}`
          : `${therapyName} may make little or no difference to the chance of ${outcome}`;
  } else {
    const verb = up ? "increase" : "reduce";
    verdict =
      row.certainty === "high"
        ? `${therapyName} ${verb}s the chance of ${outcome}`
        : row.certainty === "moderate"
          ? `${therapyName} probably ${verb}s the chance of ${outcome}`
          : `${therapyName} may ${verb} the chance of ${outcome}`;
  }
  const a = row.absolute;
  const lo = a.baselinePer1000 + a.differenceCiLow;
  const hi = a.baselinePer1000 + a.differenceCiHigh;
  return `${verdict} (${row.certainty} certainty evidence). Out of 1000 women, about ${a.baselinePer1000} would have this outcome without treatment and about ${a.treatedPer1000} with it (somewhere between ${lo} and ${hi}).`;
}
