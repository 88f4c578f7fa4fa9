/**
 * GRADE for every outcome of a comparison and the Summary-of-Findings table built from it (pure: the evidence base,
 * stored risk-of-bias judgements and a reviewer's overrides in; the table out; no I/O, no clock).
 *
 * The comparison is "<therapy> vs placebo": the randomised placebo-controlled trials of the base with complete arm
 * counts for an outcome, one row per trial (src/evidence/outcomes.ts), pooled by inverse variance with
 * DerSimonian-Laird random effects (fixed effect for one trial), as the evidence browser's forest plots. Every
 * outcome of SOF_OUTCOMES is listed; an outcome without such a trial is a "no data" row, never dropped.
 *
 * Certainty starts at high (randomised evidence) and is rated down per domain, each with its stated reason:
 * - risk of bias: each trial's overall judgement (RoB 2 overall when an assessment is given, else the RoB 1 entry
 *   summarised), weighted by the trial's weight in the pooled analysis. "Not assessed" is reported as such and
 *   counted as unknown risk (like "some concerns"); the reason says how much weight it carries and whether it
 *   alone changes the rating.
 * - inconsistency: I² (Cochrane Handbook v6.4 §10.10.2 bands; rated down at 50% and 75%) and the 95% prediction
 *   interval against the null and against the CI (Riley, Higgins & Deeks, BMJ 2011;342:d549; GRADE guidelines 7,
 *   Guyatt et al., J Clin Epidemiol 2011;64:1294-1302).
 * - indirectness: set by a reviewer with a reason; by default rated down one level when a trial counts a substitute
 *   outcome (e.g. ongoing pregnancy at 22 weeks for live birth).
 * - imprecision: the CI against no effect and the appreciable benefit/harm thresholds (0.8 / 1.25), and the optimal
 *   information size (grade.ts, assessImprecision; GRADE guidelines 6, J Clin Epidemiol 2011;64:1283-1293).
 * - publication bias: Egger's test only when k >= 10 (Cochrane Handbook v6.4 §13.3.5.4), else "not assessable".
 * A reviewer may override any domain, only with a written reason; the computed rating is kept beside it.
 *
 * Absolute effects per 1000 from the assumed control risk (ACR: the pooled, or median, control-arm risk of the
 * trials, always stated): corresponding risk = ACR x RR for risk ratios, OR x ACR / (1 - ACR + OR x ACR) for odds
 * ratios; the CI limits are converted the same way. Plain-language statements follow GRADE's informative
 * statements (Santesso et al., J Clin Epidemiol 2020;119:126-135).
 */
import { InputError } from "../shared/errors.js";
import { THERAPY_NAMES, type TherapyId } from "../shared/therapies.js";
import { metaAnalysis } from "../stats/meta.js";
import type { MetaResult } from "../stats/types.js";
import { assessImprecision, treatedRisk, type GradeCertainty, type GradeDomain } from "./grade.js";
import { placeboRctKindRows, type TherapyOutcomeRow } from "./outcomes.js";
import type { Rob2Assessment } from "./rob2.js";
import type { RobinsAssessment } from "./robins-i.js";
import type { EvidenceBase, EvidenceOutcomeKind, EvidenceTrial } from "./schema.js";
import { studyRobJudgement, type StudyRobTool } from "./study-rob.js";
import { LIVE_BIRTH_FAMILY, type CompletePairCounts } from "./select.js";
import { GRADE_DOMAINS, GradeOverridesSchema, SOF_OUTCOMES, type GradeDomainName, type GradeDomainOverride, type GradeOverrides, type SofOutcome } from "./grade-overrides.js";

// ---------------------------------------------------------------------------------------------------------------
// Outcomes

export { SOF_OUTCOMES, SofOutcomeSchema, type SofOutcome } from "./grade-overrides.js";

export interface SofOutcomeInfo {
  label: string;
  /** Outcome kinds of the trial rows that count, closest first. */
  kinds: readonly EvidenceOutcomeKind[];
  /** Kinds that are the outcome itself; a trial counted by any other kind is a substitute (indirectness). */
  direct: readonly EvidenceOutcomeKind[];
  /** True when more events is better for the patient. */
  desirable: boolean;
}

export const SOF_OUTCOME_INFO: Record<SofOutcome, SofOutcomeInfo> = {
  "live-birth": { label: "Live birth", kinds: LIVE_BIRTH_FAMILY, direct: ["live-birth", "healthy-newborn"], desirable: true },
  "ongoing-pregnancy": { label: "Ongoing pregnancy", kinds: ["ongoing-pregnancy", "ongoing-pregnancy-22w", "ongoing-pregnancy-20w"], direct: ["ongoing-pregnancy", "ongoing-pregnancy-22w", "ongoing-pregnancy-20w"], desirable: true },
  miscarriage: { label: "Miscarriage", kinds: ["miscarriage"], direct: ["miscarriage"], desirable: false },
  "adverse-events": { label: "Adverse events", kinds: ["adverse-reaction"], direct: ["adverse-reaction"], desirable: false },
  "preterm-birth": { label: "Preterm birth", kinds: ["preterm-birth"], direct: ["preterm-birth"], desirable: false },
  "congenital-anomalies": { label: "Congenital anomalies", kinds: ["congenital-anomaly"], direct: ["congenital-anomaly"], desirable: false },
};

// ---------------------------------------------------------------------------------------------------------------
// Overrides and options

export { GRADE_DOMAINS, GradeDomainOverrideSchema, GradeOverridesSchema, type GradeDomainName, type GradeDomainOverride, type GradeOverrides } from "./grade-overrides.js";
export const GRADE_DOMAIN_LABELS: Record<GradeDomainName, string> = {
  riskOfBias: "Risk of bias",
  inconsistency: "Inconsistency",
  indirectness: "Indirectness",
  imprecision: "Imprecision",
  publicationBias: "Publication bias",
};


export interface SofTableOptions {
  /** Relative effect measure (default RR). */
  measure?: "RR" | "OR";
  /** Assumed control risk: pooled control-arm risk (sum of events / sum of participants, default) or the median of the trials' control-arm risks. */
  baseline?: "pooled" | "median";
  /** RoB 2 assessments (rob2.ts); matched to a trial by its id or label, outcome-specific ones first. */
  rob2?: readonly Rob2Assessment[];
  /** ROBINS-I assessments (robins-i.ts) of non-randomised studies, matched the same way. */
  robinsI?: readonly RobinsAssessment[];
  /** A reviewer's domain ratings per outcome, each with its reason. */
  overrides?: unknown;
  /** Which outcomes the table lists (default all of SOF_OUTCOMES). */
  outcomes?: readonly SofOutcome[];
}

// ---------------------------------------------------------------------------------------------------------------
// Output

export type TrialRobJudgement = "low" | "some concerns" | "high" | "not assessed";

export interface TrialRob {
  trial: string;
  label: string;
  /** Percent weight in the pooled analysis. */
  weight: number;
  judgement: TrialRobJudgement;
  tool: StudyRobTool;
  /** How the judgement was obtained, e.g. "RoB 2 overall (algorithm)" or "RoB 1: 5 of 7 domains not assessed". */
  basis: string;
}

export interface GradeDomainRating extends GradeDomain {
  /** The rating the rules give. */
  computed: GradeDomain;
  /** A reviewer's replacement, with reason; null when none. */
  override: GradeDomainOverride | null;
}

export interface RiskOfBiasRating extends GradeDomainRating {
  trials: TrialRob[];
  /** Percent of the weight per judgement. */
  shares: Record<TrialRobJudgement, number>;
  /** The part of the weight not assessed and what it does to the rating (null when every trial is assessed). */
  notAssessed: { share: number; trials: string[]; effect: string } | null;
}

/** With the trial's complete arm counts (CompletePairCounts). */
export interface SofTrialRow extends CompletePairCounts {
  trial: string;
  label: string;
  outcomeRow: string;
  definition: string;
  analysis: string;
  /** Percent weight in the pooled analysis (null when not estimable). */
  weight: number | null;
}

export interface SofCertainty {
  start: GradeCertainty;
  level: GradeCertainty;
  /** ⊕⊕⊕⊕ high, ⊕⊕⊕◯ moderate, ⊕⊕◯◯ low, ⊕◯◯◯ very low. */
  symbols: string;
  domains: { riskOfBias: RiskOfBiasRating; inconsistency: GradeDomainRating; indirectness: GradeDomainRating; imprecision: GradeDomainRating; publicationBias: GradeDomainRating };
}

export interface SofOutcomeRow {
  outcome: SofOutcome;
  label: string;
  desirable: boolean;
  status: "estimated" | "no data" | "not estimable";
  /** Why there is no estimate (no data / not estimable), or null. */
  note: string | null;
  trials: SofTrialRow[];
  studies: number;
  participants: number;
  relative: { measure: "RR" | "OR"; estimate: number; ci_low: number; ci_high: number; text: string } | null;
  /** The model, e.g. "inverse variance, random effects (DerSimonian-Laird)". */
  model: string | null;
  heterogeneity: { I2: number; tau2: number; pi_low: number | null; pi_high: number | null } | null;
  /** Egger's regression test P (k >= 10 only), else null. */
  eggerP: number | null;
  /** Assumed (control) risk, how it was chosen and from which arms. */
  assumed: { risk: number; per1000: number; rule: "pooled" | "median"; source: string } | null;
  /** Corresponding (intervention) risk per 1000 with its CI. */
  corresponding: { per1000: number; ciLow: number; ciHigh: number } | null;
  /** Corresponding minus assumed, per 1000, with its CI. */
  difference: { per1000: number; ciLow: number; ciHigh: number; text: string } | null;
  certainty: SofCertainty | null;
  /** Footnote marks (keys of SofTable.footnotes) of this row. */
  footnotes: string[];
  /** GRADE informative statement. */
  statement: string;
}

export interface SofTable {
  therapy: TherapyId;
  intervention: string;
  comparison: string;
  population: string;
  basis: string;
  measure: "RR" | "OR";
  baselineRule: "pooled" | "median";
  outcomes: SofOutcomeRow[];
  footnotes: Array<{ mark: string; text: string }>;
  /** The GRADE certainty definitions printed under the table. */
  legend: string[];
}

export const CERTAINTY_SYMBOLS: Record<GradeCertainty, string> = { high: "⊕⊕⊕⊕", moderate: "⊕⊕⊕◯", low: "⊕⊕◯◯", "very low": "⊕◯◯◯" };
const LEVELS: GradeCertainty[] = ["very low", "low", "moderate", "high"];

export const GRADE_LEGEND: readonly string[] = [
  "High certainty: we are very confident that the true effect lies close to that of the estimate.",
  "Moderate certainty: the true effect is likely to be close to the estimate, but it may be substantially different.",
  "Low certainty: our confidence is limited; the true effect may be substantially different from the estimate.",
  "Very low certainty: we have very little confidence; the true effect is likely to be substantially different from the estimate.",
];

// ---------------------------------------------------------------------------------------------------------------
// Numbers

function f2(x: number): string {
  return x >= 10 ? x.toFixed(1) : x.toFixed(2);
}

function pct(x: number): string {
  return `${Math.round(x)}%`;
}

const LEVEL_WORD = ["no", "one level", "two levels"] as const;

/** Assumed control risk: pooled (sum of events / sum of participants) or the median of the arms' risks. */
export function assumedControlRisk(arms: ReadonlyArray<{ events_c: number; total_c: number }>, rule: "pooled" | "median"): number {
  if (arms.length === 0) throw new RangeError("no control arm to take a baseline risk from");
  if (rule === "pooled") return arms.reduce((s, a) => s + a.events_c, 0) / arms.reduce((s, a) => s + a.total_c, 0);
  const r = arms.map((a) => a.events_c / a.total_c).sort((a, b) => a - b);
  const m = Math.floor(r.length / 2);
  return r.length % 2 === 1 ? (r[m] as number) : ((r[m - 1] as number) + (r[m] as number)) / 2;
}

/** Corresponding risk at assumed control risk `acr`: RR x ACR, or OR x ACR / (1 - ACR + OR x ACR). */
export function correspondingRisk(measure: "RR" | "OR", ratio: number, acr: number): number {
  return treatedRisk(measure, ratio, acr);
}

function diffWords(d: number): string {
  if (d === 0) return "0 fewer or more";
  return d > 0 ? `${d} more` : `${-d} fewer`;
}

// ---------------------------------------------------------------------------------------------------------------
// Risk of bias

/**
 * The judgement of one trial for one outcome, by the one rule every caller shares (`studyRobJudgement` in
 * study-rob.ts): RoB 2 passed in, the entry's own RoB 2 or ROBINS-I for this row, ROBINS-I passed in, then RoB 1.
 */
export function trialRobJudgement(trial: EvidenceTrial, outcomeRow: string, outcome: SofOutcome, rob2: readonly Rob2Assessment[], robinsI: readonly RobinsAssessment[] = []): { judgement: TrialRobJudgement; tool: TrialRob["tool"]; basis: string } {
  const r = studyRobJudgement(trial, outcomeRow, { outcome, rob2, robinsI });
  return { judgement: r.judgement, tool: r.tool, basis: r.basis };
}

function downgradeForShares(high: number, concerns: number): 0 | 1 | 2 {
  if (high > 50) return 2;
  if (high + concerns > 50) return 1;
  return 0;
}

/**
 * Risk of bias from the trials' overall judgements weighted by their weights (percent): rated down two levels when
 * more than half of the weight is at high risk, one level when more than half is at high risk or some concerns.
 * Weight not assessed counts as some concerns (the risk is unknown), and the reason says so and what it changes.
 */
export function assessRiskOfBiasWeighted(trials: readonly TrialRob[]): GradeDomain & Pick<RiskOfBiasRating, "shares" | "notAssessed"> {
  const total = trials.reduce((s, t) => s + t.weight, 0);
  const shares: Record<TrialRobJudgement, number> = { low: 0, "some concerns": 0, high: 0, "not assessed": 0 };
  for (const t of trials) shares[t.judgement] += total > 0 ? (100 * t.weight) / total : 0;
  const names = (j: TrialRobJudgement): string[] => trials.filter((t) => t.judgement === j).map((t) => t.label);
  const down = downgradeForShares(shares.high, shares["some concerns"] + shares["not assessed"]);
  const ifLow = downgradeForShares(shares.high, shares["some concerns"]);
  const parts: string[] = [];
  if (shares.high > 0) parts.push(`${pct(shares.high)} of the weight at high risk (${names("high").join(", ")})`);
  if (shares["some concerns"] > 0) parts.push(`${pct(shares["some concerns"])} with some concerns (${names("some concerns").join(", ")})`);
  if (shares.low > 0) parts.push(`${pct(shares.low)} at low risk (${names("low").join(", ")})`);
  let notAssessed: RiskOfBiasRating["notAssessed"] = null;
  if (shares["not assessed"] > 0) {
    const effect =
      down > ifLow
        ? `counted as unknown risk (like some concerns), this alone rates the domain down ${LEVEL_WORD[down - ifLow]}; had these trials been judged at low risk it would ${ifLow === 0 ? "not be rated down" : `be rated down ${LEVEL_WORD[ifLow]}`}`
        : `counted as unknown risk (like some concerns); it does not change the rating (the same if these trials were at low risk)`;
    notAssessed = { share: shares["not assessed"], trials: names("not assessed"), effect };
    parts.push(`${pct(shares["not assessed"])} of the weight NOT ASSESSED (${names("not assessed").join(", ")}): ${effect}`);
  }
  const rule = down === 2 ? "more than half of the weight is at high risk" : down === 1 ? "more than half of the weight is at high risk, some concerns or not assessed" : "most of the weight is at low risk";
  return { downgrade: down, reason: `${rule}: ${parts.join("; ")}`, shares, notAssessed };
}

// ---------------------------------------------------------------------------------------------------------------
// Inconsistency and publication bias

/**
 * Inconsistency from I² and the prediction interval (ratio scale, null 1). I² >= 75% (considerable): two levels;
 * >= 50% (substantial): one level (Cochrane Handbook v6.4 §10.10.2). With k >= 3 the 95% prediction interval is
 * compared with the null and the CI: when the CI excludes no effect but the PI includes it, at least one level
 * (in some settings the effect may be absent or reversed); when I² is considerable but the PI lies wholly on the
 * side of the CI, one level instead of two (the trials differ in size of effect, not in direction).
 */
export function assessInconsistencyPooled(x: { k: number; I2: number; ci_low: number; ci_high: number; pi_low: number | null; pi_high: number | null }): GradeDomain {
  if (x.k <= 1) return { downgrade: 0, reason: "single trial: inconsistency cannot be assessed (not rated down)" };
  const band = x.I2 >= 75 ? "considerable" : x.I2 >= 50 ? "substantial" : x.I2 >= 30 ? "moderate at most" : "might not be important";
  let down: 0 | 1 | 2 = x.I2 >= 75 ? 2 : x.I2 >= 50 ? 1 : 0;
  const parts = [`I² = ${pct(x.I2)} (${band}; rated down at 50% and 75%)`];
  if (x.k >= 3 && x.pi_low !== null && x.pi_high !== null) {
    const ciExcludes = x.ci_low > 1 || x.ci_high < 1;
    const piIncludes = x.pi_low < 1 && x.pi_high > 1;
    const piText = `95% prediction interval ${f2(x.pi_low)} to ${f2(x.pi_high)}`;
    if (ciExcludes && piIncludes) {
      if (down === 0) down = 1;
      parts.push(`${piText} includes no effect although the CI excludes it: in some settings the effect may be absent or reversed`);
    } else if (ciExcludes && !piIncludes) {
      if (down === 2) {
        down = 1;
        parts.push(`${piText} lies wholly on the side of the CI: the trials differ in the size, not the direction, of the effect (one level, not two)`);
      } else parts.push(`${piText} lies on the same side of no effect as the CI`);
    } else parts.push(`${piText}; the CI itself includes no effect`);
  } else parts.push("prediction interval not used with fewer than 3 trials");
  return { downgrade: down, reason: parts.join("; ") };
}

function pText(p: number): string {
  return p < 0.001 ? "P < 0.001" : `P = ${p.toFixed(3)}`;
}

export function assessPublicationBiasPooled(k: number, egger: { pval: number } | null): GradeDomain {
  if (k < 10) return { downgrade: 0, reason: `not assessable: ${k} trial${k === 1 ? "" : "s"}, funnel-asymmetry tests need at least 10 (not rated down)` };
  if (egger === null) return { downgrade: 0, reason: "Egger's test could not be computed (not rated down)" };
  if (egger.pval < 0.1) return { downgrade: 1, reason: `suspected: Egger's regression test for funnel asymmetry ${pText(egger.pval)} (< 0.10)` };
  return { downgrade: 0, reason: `not detected: Egger's regression test ${pText(egger.pval)} (>= 0.10; the test has low power)` };
}

function assessIndirectnessDefault(outcome: SofOutcome, rows: readonly TherapyOutcomeRow[]): GradeDomain {
  const info = SOF_OUTCOME_INFO[outcome];
  const subs = rows.filter((r) => !info.direct.includes(r.outcome.outcome));
  if (subs.length === 0) return { downgrade: 0, reason: "every trial reports the outcome itself; no indirectness recorded by a reviewer" };
  return {
    downgrade: 1,
    reason: `substitute outcomes counted as ${info.label.toLowerCase()}: ${subs.map((r) => `${r.trial.label} ("${r.definition}")`).join("; ")}`,
  };
}

function imprecisionAt(effect: { measure: "RR" | "OR"; estimate: number; ci_low: number; ci_high: number }, participants: number, acr: number): GradeDomain {
  if (acr > 0 && acr < 1) {
    const d = assessImprecision(effect, participants, acr);
    return { downgrade: d.downgrade, reason: d.reason };
  }
  const crosses = effect.ci_low < 1 && effect.ci_high > 1;
  return { downgrade: 1, reason: `control-arm risk of ${acr === 0 ? "0" : "1"}: the optimal information size cannot be computed${crosses ? `; the CI (${f2(effect.ci_low)} to ${f2(effect.ci_high)}) includes no effect` : ""}` };
}

function rated<T extends GradeDomain>(computed: T, override: GradeDomainOverride | undefined): T & GradeDomainRating {
  const o = override ?? null;
  return {
    ...computed,
    computed: { downgrade: computed.downgrade, reason: computed.reason },
    override: o,
    downgrade: o?.downgrade ?? computed.downgrade,
    reason: o === null ? computed.reason : `reviewer's rating (computed: ${LEVEL_WORD[computed.downgrade]} down): ${o.reason}`,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Statements

/**
 * GRADE informative statement: the verb carries the certainty (high "results in", moderate "probably results in",
 * low "may result in", very low "the evidence is very uncertain"), the words the size: "little to no difference"
 * when the implied risk ratio lies between 0.8 and 1.25, "a large" increase or reduction at 2 or 0.5 and beyond.
 */
export function informativeStatement(intervention: string, outcomeLabel: string, certainty: GradeCertainty, impliedRR: number, numbers: string): string {
  const outcome = outcomeLabel.toLowerCase();
  if (certainty === "very low") return `The evidence is very uncertain about the effect of ${intervention} on ${outcome} (${numbers}).`;
  const verb = certainty === "high" ? "results in" : certainty === "moderate" ? "probably results in" : "may result in";
  let size: string;
  if (impliedRR > 0.8 && impliedRR < 1.25) size = "little to no difference in";
  else {
    const large = impliedRR >= 2 || impliedRR <= 0.5;
    size = `${large ? "a large" : impliedRR > 1 ? "an" : "a"} ${impliedRR > 1 ? "increase" : "reduction"} in`;
  }
  return `${intervention} ${verb} ${size} ${outcome} (${numbers}).`;
}

// ---------------------------------------------------------------------------------------------------------------
// The table

function parseOverrides(raw: unknown): GradeOverrides {
  if (raw === undefined || raw === null) return {};
  const r = GradeOverridesSchema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new InputError(`GRADE override: ${issue?.message ?? "does not match the schema"}`, { field: `overrides.${issue?.path.map(String).join(".") ?? ""}` });
  }
  return r.data;
}

function noDataRow(outcome: SofOutcome, therapyName: string): SofOutcomeRow {
  const info = SOF_OUTCOME_INFO[outcome];
  return {
    outcome,
    label: info.label,
    desirable: info.desirable,
    status: "no data",
    note: `no randomised placebo-controlled trial of ${therapyName} in the base reports ${info.label.toLowerCase()} with arm counts`,
    trials: [],
    studies: 0,
    participants: 0,
    relative: null,
    model: null,
    heterogeneity: null,
    eggerP: null,
    assumed: null,
    corresponding: null,
    difference: null,
    certainty: null,
    footnotes: [],
    statement: `No data: no randomised placebo-controlled trial in the evidence base reports ${info.label.toLowerCase()} for ${therapyName}.`,
  };
}

function trialRowsOf(rows: readonly TherapyOutcomeRow[], result: MetaResult | null): SofTrialRow[] {
  return rows.map((r) => ({
    trial: r.trial.id,
    label: r.trial.label,
    outcomeRow: r.outcome.id,
    definition: r.definition,
    analysis: r.outcome.analysis,
    ...r.counts,
    weight: result === null ? null : (result.studies.find((s) => s.study === r.row.study)?.weight ?? 0),
  }));
}

function outcomeRow(base: EvidenceBase, therapy: TherapyId, intervention: string, outcome: SofOutcome, o: Required<Pick<SofTableOptions, "measure" | "baseline">> & { rob2: readonly Rob2Assessment[]; robinsI: readonly RobinsAssessment[]; overrides: GradeOverrides }): SofOutcomeRow {
  const info = SOF_OUTCOME_INFO[outcome];
  const rows = placeboRctKindRows(base, therapy, info.kinds);
  if (rows.length === 0) return noDataRow(outcome, intervention);
  const studies = rows.length;
  const participants = rows.reduce((s, r) => s + r.counts.total_t + r.counts.total_c, 0);
  const model = studies >= 2 ? "random" : "fixed";
  let result: MetaResult;
  try {
    result = metaAnalysis(
      rows.map((r) => r.row),
      { measure: o.measure, method: "IV", model, tau2: "DL", bias: studies >= 10 },
    );
  } catch (e) {
    return {
      ...noDataRow(outcome, intervention),
      status: "not estimable",
      note: `the trials' counts give no estimate of the ${o.measure} (${e instanceof Error ? e.message : String(e)})`,
      trials: trialRowsOf(rows, null),
      studies,
      participants,
      statement: `Not estimable: the ${studies} trial(s) reporting ${info.label.toLowerCase()} give no ${o.measure} (e.g. no events in either arm).`,
    };
  }
  const tr = result.pooled.transformed;
  if (tr === undefined) throw new Error("ratio measure without a transformed estimate");
  const effect = { measure: o.measure, estimate: tr.estimate, ci_low: tr.ci_lb, ci_high: tr.ci_ub };
  const acr = assumedControlRisk(
    rows.map((r) => r.counts),
    o.baseline,
  );
  const arms = rows.map((r) => `${r.trial.label} ${r.counts.events_c}/${r.counts.total_c}`).join(", ");
  const assumedSource = `${o.baseline === "pooled" ? "pooled control-arm risk (sum of events / sum of participants)" : "median control-arm risk"} of the ${studies} trial${studies === 1 ? "" : "s"}: ${arms}`;
  const cr = (ratio: number): number => correspondingRisk(o.measure, ratio, acr);
  const per = (x: number): number => Math.round(x * 1000);
  const diff = { per1000: per(cr(effect.estimate) - acr), ciLow: per(cr(effect.ci_low) - acr), ciHigh: per(cr(effect.ci_high) - acr) };

  const overrides = o.overrides[outcome] ?? {};
  const robTrials: TrialRob[] = rows.map((r) => {
    const j = trialRobJudgement(r.trial, r.outcome.id, outcome, o.rob2, o.robinsI);
    return { trial: r.trial.id, label: r.trial.label, weight: result.studies.find((s) => s.study === r.row.study)?.weight ?? 0, ...j };
  });
  const robComputed = assessRiskOfBiasWeighted(robTrials);
  const riskOfBias: RiskOfBiasRating = { ...rated(robComputed, overrides.riskOfBias), trials: robTrials };
  const het = result.heterogeneity;
  const domains: SofCertainty["domains"] = {
    riskOfBias,
    inconsistency: rated(assessInconsistencyPooled({ k: studies, I2: het.I2, ci_low: effect.ci_low, ci_high: effect.ci_high, pi_low: tr.pi_lb, pi_high: tr.pi_ub }), overrides.inconsistency),
    indirectness: rated(assessIndirectnessDefault(outcome, rows), overrides.indirectness),
    imprecision: rated(imprecisionAt(effect, participants, acr), overrides.imprecision),
    publicationBias: rated(assessPublicationBiasPooled(studies, result.bias?.egger ?? null), overrides.publicationBias),
  };
  const total = GRADE_DOMAINS.reduce((s, d) => s + domains[d].downgrade, 0);
  const level = LEVELS[Math.max(0, LEVELS.indexOf("high") - total)] ?? "very low";
  const impliedRR = acr > 0 ? cr(effect.estimate) / acr : effect.estimate;
  const measureName = o.measure;
  const numbers = `${measureName} ${f2(effect.estimate)}, 95% CI ${f2(effect.ci_low)} to ${f2(effect.ci_high)}; ${per(cr(effect.estimate))} vs ${per(acr)} per 1,000`;
  return {
    outcome,
    label: info.label,
    desirable: info.desirable,
    status: "estimated",
    note: null,
    trials: trialRowsOf(rows, result),
    studies,
    participants,
    relative: { ...effect, text: `${measureName} ${f2(effect.estimate)} (${f2(effect.ci_low)} to ${f2(effect.ci_high)})` },
    model: studies >= 2 ? "inverse variance, random effects (DerSimonian-Laird)" : "single trial (inverse variance)",
    heterogeneity: { I2: het.I2, tau2: het.tau2, pi_low: studies >= 2 ? tr.pi_lb : null, pi_high: studies >= 2 ? tr.pi_ub : null },
    eggerP: result.bias?.egger.pval ?? null,
    assumed: { risk: acr, per1000: per(acr), rule: o.baseline, source: assumedSource },
    corresponding: { per1000: per(cr(effect.estimate)), ciLow: per(cr(effect.ci_low)), ciHigh: per(cr(effect.ci_high)) },
    difference: { ...diff, text: `${diffWords(diff.per1000)} per 1,000 (from ${diffWords(diff.ciLow)} to ${diffWords(diff.ciHigh)})` },
    certainty: { start: "high", level, symbols: CERTAINTY_SYMBOLS[level], domains },
    footnotes: [],
    statement: informativeStatement(intervention, info.label, level, impliedRR, numbers),
  };
}

function footnoteMark(i: number): string {
  const letters = "abcdefghijklmnopqrstuvwxyz";
  let s = "";
  let n = i;
  do {
    s = letters[n % 26] + s;
    n = Math.floor(n / 26) - 1;
  } while (n >= 0);
  return s;
}

/** Footnotes: the assumed risk's basis, every downgrade (and every not-assessed risk of bias), numbered a, b, c... */
function attachFootnotes(rows: SofOutcomeRow[]): Array<{ mark: string; text: string }> {
  const notes: Array<{ mark: string; text: string }> = [];
  const add = (text: string): string => {
    const hit = notes.find((n) => n.text === text);
    if (hit !== undefined) return hit.mark;
    const mark = footnoteMark(notes.length);
    notes.push({ mark, text });
    return mark;
  };
  for (const r of rows) {
    const marks: string[] = [];
    if (r.assumed !== null) marks.push(add(`${r.label}: assumed risk = ${r.assumed.source}.`));
    if (r.certainty !== null) {
      for (const d of GRADE_DOMAINS) {
        const dom = r.certainty.domains[d];
        const na = d === "riskOfBias" && r.certainty.domains.riskOfBias.notAssessed !== null;
        if (dom.downgrade > 0 || dom.override !== null || na) {
          const what = dom.downgrade > 0 ? `rated down ${LEVEL_WORD[dom.downgrade]}` : "not rated down";
          marks.push(add(`${r.label}, ${GRADE_DOMAIN_LABELS[d].toLowerCase()}: ${what}: ${dom.reason}.`));
        }
      }
    }
    if (r.status !== "estimated" && r.note !== null) marks.push(add(`${r.label}: ${r.note}.`));
    r.footnotes = marks;
  }
  return notes;
}

/**
 * The Summary-of-Findings table of "<therapy> vs placebo" with every outcome of SOF_OUTCOMES (or options.outcomes):
 * estimated rows with GRADE certainty, "no data" rows where the base has no trial with counts. Throws InputError for
 * an override without a reason or for an unknown therapy.
 */
export function summaryOfFindingsTable(base: EvidenceBase, therapy: TherapyId, options: SofTableOptions = {}): SofTable {
  const record = base.therapies.find((t) => t.id === therapy);
  if (record === undefined) throw new InputError(`therapy "${therapy}" is not in the evidence base`, { field: "therapy" });
  // the published base's ratings first; a caller's (a CLI file) replace them domain by domain
  const given = parseOverrides(options.overrides);
  const overrides: GradeOverrides = { ...record.gradeOverrides };
  for (const oc of SOF_OUTCOMES) if (given[oc] !== undefined) overrides[oc] = { ...overrides[oc], ...given[oc] };
  const measure = options.measure ?? "RR";
  const baseline = options.baseline ?? "pooled";
  const intervention = record.name;
  const outcomes = options.outcomes ?? SOF_OUTCOMES;
  const rows = outcomes.map((oc) => outcomeRow(base, therapy, intervention, oc, { measure, baseline, rob2: options.rob2 ?? [], robinsI: options.robinsI ?? [], overrides }));
  const footnotes = attachFootnotes(rows);
  return {
    therapy,
    intervention,
    comparison: `${intervention} vs placebo`,
    population: "Women with recurrent pregnancy loss (the populations of the pooled trials)",
    basis: `Randomised placebo-controlled trials of ${THERAPY_NAMES[therapy]} in the Decidua evidence base with complete arm counts, one row per trial (overall population, closest outcome definition, analysis set closest to intention to treat); ${measure}, inverse variance, DerSimonian-Laird random effects (fixed effect for one trial).`,
    measure,
    baselineRule: baseline,
    outcomes: rows,
    footnotes,
    legend: [...GRADE_LEGEND],
  };
}

// ---------------------------------------------------------------------------------------------------------------
// One outcome's row as the evidence summary of a therapy (the verdicts, the patient summary, CDS cards)

/** An estimated row of the table, with the table's comparison and basis and its downgrades in words. */
export interface SofSummary extends SofOutcomeRow {
  status: "estimated";
  relative: NonNullable<SofOutcomeRow["relative"]>;
  assumed: NonNullable<SofOutcomeRow["assumed"]>;
  corresponding: NonNullable<SofOutcomeRow["corresponding"]>;
  difference: NonNullable<SofOutcomeRow["difference"]>;
  certainty: SofCertainty;
  comparison: string;
  basis: string;
  /** Every domain rated down, one line each ("Imprecision (-1): ..."); empty when none. */
  reasons: string[];
}

/**
 * The row of `outcome` in the therapy's Summary-of-Findings table as a summary, or null with the row's note when it
 * has no estimate (no data / not estimable). The one GRADE certainty Decidua states for that outcome.
 */
export function sofSummary(table: SofTable, outcome: SofOutcome = "live-birth"): { summary: SofSummary | null; note: string } {
  const row = table.outcomes.find((r) => r.outcome === outcome);
  if (row === undefined) return { summary: null, note: `the Summary-of-Findings table of ${table.intervention} does not list ${SOF_OUTCOME_INFO[outcome].label.toLowerCase()}` };
  const { relative, assumed, corresponding, difference, certainty } = row;
  if (row.status !== "estimated" || relative === null || assumed === null || corresponding === null || difference === null || certainty === null)
    return { summary: null, note: `no GRADE estimate for ${row.label.toLowerCase()}: ${row.note ?? row.status}` };
  const reasons = GRADE_DOMAINS.filter((d) => certainty.domains[d].downgrade > 0).map((d) => `${GRADE_DOMAIN_LABELS[d]} (-${certainty.domains[d].downgrade}): ${certainty.domains[d].reason}`);
  const summary: SofSummary = { ...row, status: "estimated", relative, assumed, corresponding, difference, certainty, comparison: table.comparison, basis: `${table.basis} Pooled here: ${row.trials.map((t) => t.label).join(", ")}.`, reasons };
  return { summary, note: `${table.comparison}, ${row.label.toLowerCase()}: ${relative.text}, ${row.studies} RCT${row.studies === 1 ? "" : "s"}, ${row.participants} participants; ${certainty.level} certainty` };
}
