/**
 * ROBINS-I (Risk Of Bias In Non-randomised Studies - of Interventions) for a non-randomised study's result, effect of
 * assignment to intervention. Sterne JAC, Hernán MA, Reeves BC, et al. ROBINS-I: a tool for assessing risk of bias in
 * non-randomised studies of interventions. BMJ 2016;355:i4919; the tool's template and detailed guidance of
 * 2016 (riskofbias.info); Cochrane Handbook v6, chapter 25.
 *
 * Pure: answers in, proposed ("algorithm") and final judgements out. No I/O, no clock.
 *
 * Where each rule was read (facts only; wording below is ours):
 * - Seven domains, their signalling questions and follow-on conditions: the 2016 template as reproduced in Cochrane
 *   reviews (e.g. CD010682, 2021, its ROBINS-I appendix table: 1.1 asks whether there is potential for confounding
 *   and has no NI; N/PN to 1.1 ends the domain at low; 1.2 splitting follow-up time; 1.3 switches related to
 *   prognosis; 1.4-1.6 baseline confounding, 1.7-1.8 time-varying confounding) and in BMJ Open's tabulated use of the
 *   tool (2.1, 2.4, 3.1-3.3, 4.1, 5.1-5.5 as worded there). Domain 4 is the effect of assignment (4.1-4.2); the
 *   adherence questions (4.3-4.6) are not offered, as RoB 2 here is also the assignment effect only.
 * - Judgement scale per domain: low / moderate / serious / critical / no information; overall: BMJ 2016 Table
 *   (low only if every domain is low; moderate if every domain is low or moderate; serious if any domain is serious
 *   and none critical; critical if any domain is critical; no information when nothing points to serious or critical
 *   but one or more key domains lack information).
 * - Domain rules: the 2016 guidance gives its domain criteria in words (e.g. confounding: "low" only when no
 *   confounding is expected, "moderate" when all important confounding domains were measured validly and controlled,
 *   "serious" when at least one was not), not as a flow chart, and says a reviewer judges. The functions below are
 *   our mapping of those criteria onto the answers; every leaf is named and tested. Two levels the answers cannot
 *   separate are never proposed automatically: "critical" (e.g. confounding inherently not controllable) and, in
 *   domains 5-7, "moderate" versus "low"/"serious" by the size of a difference. A reviewer sets those by an override
 *   with a written reason, which is stored and shown beside the algorithm's proposal.
 */
import { z } from "zod";
import type { RobTable } from "./plots/types.js";
import type { TrialRobinsI } from "./schema.js";
import { assessmentInputShape, BASE_OPTIONS as BASE, FOLLOW_ON_OPTIONS as FOLLOW_ON, RobAnswerSchema, answerPath, answerProblems, applicableQuestionIds, checkedRule, no, ni, parseAssessmentInput, perDomainSchema, questionsOfDomain, robOverrideSchema, robTableOf, runDomains, yes, type RobAnswer, type RobAnswers, type RobDomainResult, type RobRuleLeaf, type SignallingQuestion } from "./rob-common.js";
import { InputError } from "../shared/errors.js";

export const RobinsAnswerSchema = RobAnswerSchema;
export type RobinsAnswer = RobAnswer;
export type RobinsAnswers = RobAnswers;

export const ROBINS_DOMAINS = ["D1", "D2", "D3", "D4", "D5", "D6", "D7"] as const;
export type RobinsDomain = (typeof ROBINS_DOMAINS)[number];

export const ROBINS_DOMAIN_LABELS: Record<RobinsDomain, string> = {
  D1: "Bias due to confounding",
  D2: "Bias in selection of participants into the study",
  D3: "Bias in classification of interventions",
  D4: "Bias due to deviations from intended interventions",
  D5: "Bias due to missing data",
  D6: "Bias in measurement of outcomes",
  D7: "Bias in selection of the reported result",
};

export const RobinsJudgementSchema = z.enum(["low", "moderate", "serious", "critical", "no information"]);
export type RobinsJudgement = z.infer<typeof RobinsJudgementSchema>;

const NO_NI: readonly RobinsAnswer[] = ["Y", "PY", "PN", "N"];

export type RobinsQuestion = SignallingQuestion<RobinsDomain>;

/** Time-varying confounding must be assessed: follow-up split by intervention received and switches related to prognosis. */
const timeVarying = (a: RobinsAnswers): boolean => yes(a["1.1"]) && yes(a["1.2"]) && yes(a["1.3"]);
const baseline = (a: RobinsAnswers): boolean => yes(a["1.1"]) && !timeVarying(a);
const selectionProblemApplies = (a: RobinsAnswers): boolean => (yes(a["2.2"]) && yes(a["2.3"])) || no(a["2.4"]);
const missingnessApplies = (a: RobinsAnswers): boolean => no(a["5.1"]) || yes(a["5.2"]) || yes(a["5.3"]);

export const ROBINS_QUESTIONS: readonly RobinsQuestion[] = [
  { id: "1.1", domain: "D1", text: "Potential for confounding of the effect of intervention in this study?", options: NO_NI },
  { id: "1.2", domain: "D1", text: "Analysis based on splitting follow-up time according to intervention received?", options: FOLLOW_ON, appliesWhen: { text: "Y/PY to 1.1", test: (a) => yes(a["1.1"]) } },
  { id: "1.3", domain: "D1", text: "Intervention discontinuations or switches likely related to factors prognostic for the outcome?", options: FOLLOW_ON, appliesWhen: { text: "Y/PY to 1.2", test: (a) => yes(a["1.1"]) && yes(a["1.2"]) } },
  { id: "1.4", domain: "D1", text: "Appropriate analysis method controlling for all important confounding domains?", options: FOLLOW_ON, appliesWhen: { text: "baseline confounding (N/PN/NI to 1.2 or to 1.3)", test: baseline } },
  { id: "1.5", domain: "D1", text: "Confounding domains controlled for measured validly and reliably?", options: FOLLOW_ON, appliesWhen: { text: "Y/PY to 1.4", test: (a) => baseline(a) && yes(a["1.4"]) } },
  { id: "1.6", domain: "D1", text: "Control for post-intervention variables that could have been affected by the intervention?", options: FOLLOW_ON, appliesWhen: { text: "baseline confounding (N/PN/NI to 1.2 or to 1.3)", test: baseline } },
  { id: "1.7", domain: "D1", text: "Appropriate analysis controlling for all important confounding domains and for time-varying confounding?", options: FOLLOW_ON, appliesWhen: { text: "Y/PY to 1.3", test: timeVarying } },
  { id: "1.8", domain: "D1", text: "Confounding domains adjusted for measured validly and reliably?", options: FOLLOW_ON, appliesWhen: { text: "Y/PY to 1.7", test: (a) => timeVarying(a) && yes(a["1.7"]) } },
  { id: "2.1", domain: "D2", text: "Selection into the study (or analysis) based on characteristics observed after the start of intervention?", options: BASE },
  { id: "2.2", domain: "D2", text: "Were those post-intervention variables likely associated with intervention?", options: FOLLOW_ON, appliesWhen: { text: "Y/PY to 2.1", test: (a) => yes(a["2.1"]) } },
  { id: "2.3", domain: "D2", text: "Were they likely influenced by the outcome or a cause of the outcome?", options: FOLLOW_ON, appliesWhen: { text: "Y/PY to 2.2", test: (a) => yes(a["2.1"]) && yes(a["2.2"]) } },
  { id: "2.4", domain: "D2", text: "Do start of follow-up and start of intervention coincide for most participants?", options: BASE },
  { id: "2.5", domain: "D2", text: "Adjustment techniques used that are likely to correct for selection biases?", options: FOLLOW_ON, appliesWhen: { text: "Y/PY to 2.2 and 2.3, or N/PN to 2.4", test: (a) => selectionProblemApplies(a) } },
  { id: "3.1", domain: "D3", text: "Intervention groups clearly defined?", options: BASE },
  { id: "3.2", domain: "D3", text: "Information used to define intervention groups recorded at the start of the intervention?", options: BASE },
  { id: "3.3", domain: "D3", text: "Could classification of intervention status have been affected by knowledge of the outcome or its risk?", options: BASE },
  { id: "4.1", domain: "D4", text: "Deviations from the intended intervention beyond what would be expected in usual practice?", options: BASE },
  { id: "4.2", domain: "D4", text: "Were these deviations unbalanced between groups and likely to have affected the outcome?", options: FOLLOW_ON, appliesWhen: { text: "Y/PY to 4.1", test: (a) => yes(a["4.1"]) } },
  { id: "5.1", domain: "D5", text: "Outcome data available for all, or nearly all, participants?", options: BASE },
  { id: "5.2", domain: "D5", text: "Participants excluded because of missing data on intervention status?", options: BASE },
  { id: "5.3", domain: "D5", text: "Participants excluded because of missing data on other variables needed for the analysis?", options: BASE },
  { id: "5.4", domain: "D5", text: "Proportion of participants and reasons for missing data similar across interventions?", options: FOLLOW_ON, appliesWhen: { text: "N/PN to 5.1, or Y/PY to 5.2 or 5.3", test: missingnessApplies } },
  { id: "5.5", domain: "D5", text: "Evidence that the results were robust to the presence of missing data?", options: FOLLOW_ON, appliesWhen: { text: "N/PN to 5.1, or Y/PY to 5.2 or 5.3", test: missingnessApplies } },
  { id: "6.1", domain: "D6", text: "Could the outcome measure have been influenced by knowledge of the intervention received?", options: BASE },
  { id: "6.2", domain: "D6", text: "Outcome assessors aware of the intervention received?", options: BASE },
  { id: "6.3", domain: "D6", text: "Methods of outcome assessment comparable across intervention groups?", options: BASE },
  { id: "6.4", domain: "D6", text: "Systematic errors in measuring the outcome related to the intervention received?", options: BASE },
  { id: "7.1", domain: "D7", text: "Reported result likely selected, on the basis of the results, from multiple outcome measurements?", options: BASE },
  { id: "7.2", domain: "D7", text: "… from multiple analyses of the intervention-outcome relationship?", options: BASE },
  { id: "7.3", domain: "D7", text: "… from different subgroups?", options: BASE },
];

export const robinsQuestionsOf = (domain: RobinsDomain): readonly RobinsQuestion[] => questionsOfDomain(ROBINS_QUESTIONS, domain);

/** The questions of a domain that apply given the answers so far (in order). */
export const robinsApplicableQuestions = (domain: RobinsDomain, answers: RobinsAnswers): string[] => applicableQuestionIds(ROBINS_QUESTIONS, domain, answers);

/** The rule that fired (e.g. "D1.6"), the questions that decided with their answers, and why, in a few words. */
export type RobinsLeaf = RobRuleLeaf<RobinsJudgement> & { why: string };

type Algorithm = (a: RobinsAnswers) => RobinsLeaf;
const leaf = (a: RobinsAnswers, id: string, judgement: RobinsJudgement, ids: string[], why: string): RobinsLeaf => ({ leaf: id, judgement, path: answerPath(a, ids), why });

/** Domain 1: no potential for confounding → low; otherwise moderate at best (baseline or time-varying branch). */
const domain1: Algorithm = (a) => {
  if (no(a["1.1"])) return leaf(a, "D1.1", "low", ["1.1"], "no potential for confounding");
  if (baseline(a)) {
    const ids = ["1.1", "1.2", ...(yes(a["1.2"]) ? ["1.3"] : []), "1.4", ...(yes(a["1.4"]) ? ["1.5"] : []), "1.6"];
    if (no(a["1.4"])) return leaf(a, "D1.2", "serious", ids, "an important confounding domain was not controlled for");
    if (yes(a["1.4"]) && no(a["1.5"])) return leaf(a, "D1.3", "serious", ids, "confounders controlled for were not measured validly and reliably");
    if (yes(a["1.6"])) return leaf(a, "D1.4", "serious", ids, "the analysis controlled for post-intervention variables");
    if (ni(a["1.4"]) || ni(a["1.5"]) || ni(a["1.6"])) return leaf(a, "D1.5", "no information", ids, "no information on how confounding was controlled");
    return leaf(a, "D1.6", "moderate", ids, "confounding expected, and all important domains measured validly and controlled");
  }
  const ids = ["1.1", "1.2", "1.3", "1.7", ...(yes(a["1.7"]) ? ["1.8"] : [])];
  if (no(a["1.7"])) return leaf(a, "D1.7", "serious", ids, "time-varying confounding not controlled for");
  if (yes(a["1.7"]) && no(a["1.8"])) return leaf(a, "D1.8", "serious", ids, "confounders adjusted for were not measured validly and reliably");
  if (ni(a["1.7"]) || ni(a["1.8"])) return leaf(a, "D1.9", "no information", ids, "no information on how time-varying confounding was handled");
  return leaf(a, "D1.10", "moderate", ids, "baseline and time-varying confounding measured validly and controlled");
};

/** Domain 2: selection related to intervention and outcome, or follow-up not starting with the intervention, unless corrected. */
const domain2: Algorithm = (a) => {
  const ids = ["2.1", ...(yes(a["2.1"]) ? ["2.2"] : []), ...(yes(a["2.1"]) && yes(a["2.2"]) ? ["2.3"] : []), "2.4"];
  if (selectionProblemApplies(a)) {
    const all = [...ids, "2.5"];
    if (yes(a["2.5"])) return leaf(a, "D2.1", "moderate", all, "selection problem, corrected by appropriate adjustment");
    if (no(a["2.5"])) return leaf(a, "D2.2", "serious", all, "selection related to intervention and outcome, or follow-up not starting with intervention, and not corrected");
    return leaf(a, "D2.3", "no information", all, "selection problem; no information on its correction");
  }
  const undecided = ni(a["2.1"]) || (yes(a["2.1"]) && ni(a["2.2"])) || (yes(a["2.1"]) && yes(a["2.2"]) && ni(a["2.3"])) || ni(a["2.4"]);
  if (undecided) return leaf(a, "D2.4", "no information", ids, "no information on how participants were selected or when follow-up started");
  return leaf(a, "D2.5", "low", ids, "selection not related to intervention and outcome; follow-up starts with intervention");
};

/** Domain 3: groups clearly defined, recorded at the start, not classified with knowledge of the outcome. */
const domain3: Algorithm = (a) => {
  const ids = ["3.1", "3.2", "3.3"];
  if (no(a["3.1"])) return leaf(a, "D3.1", "serious", ids, "intervention groups not clearly defined");
  if (yes(a["3.3"])) return leaf(a, "D3.2", "serious", ids, "classification could have been affected by knowledge of the outcome");
  if (ni(a["3.1"]) || ni(a["3.2"]) || ni(a["3.3"])) return leaf(a, "D3.3", "no information", ids, "no information on how intervention status was classified");
  if (no(a["3.2"])) return leaf(a, "D3.4", "moderate", ids, "groups well defined but classified from information recorded after the start");
  return leaf(a, "D3.5", "low", ids, "groups well defined and classified from information at the start");
};

/** Domain 4 (effect of assignment): deviations beyond usual practice, and whether they were unbalanced and mattered. */
const domain4: Algorithm = (a) => {
  if (no(a["4.1"])) return leaf(a, "D4.1", "low", ["4.1"], "no deviation beyond usual practice");
  if (ni(a["4.1"])) return leaf(a, "D4.2", "no information", ["4.1"], "no information on deviations");
  if (no(a["4.2"])) return leaf(a, "D4.3", "moderate", ["4.1", "4.2"], "deviations beyond usual practice, not unbalanced and likely to matter");
  if (yes(a["4.2"])) return leaf(a, "D4.4", "serious", ["4.1", "4.2"], "deviations unbalanced and likely to have affected the outcome");
  return leaf(a, "D4.5", "no information", ["4.1", "4.2"], "deviations; no information on balance or impact");
};

/** Domain 5: complete data → low; otherwise similar missingness or robust results → low, neither → serious. */
const domain5: Algorithm = (a) => {
  const first = ["5.1", "5.2", "5.3"];
  if (yes(a["5.1"]) && no(a["5.2"]) && no(a["5.3"])) return leaf(a, "D5.1", "low", first, "data reasonably complete");
  if (!missingnessApplies(a)) return leaf(a, "D5.2", "no information", first, "no information on missing data");
  const all = [...first, "5.4", "5.5"];
  if (yes(a["5.5"])) return leaf(a, "D5.3", "low", all, "results robust to the missing data");
  if (yes(a["5.4"])) return leaf(a, "D5.4", "low", all, "proportions of and reasons for missing data similar across groups");
  if (no(a["5.4"]) && no(a["5.5"])) return leaf(a, "D5.5", "serious", all, "missingness differs between groups and the results are not shown to be robust");
  return leaf(a, "D5.6", "no information", all, "missing data; no information on their balance or on robustness");
};

/** Domain 6: comparable methods, no systematic error, and an outcome that knowledge of intervention could not sway (or blind assessors). */
const domain6: Algorithm = (a) => {
  const ids = ["6.1", "6.2", "6.3", "6.4"];
  if (no(a["6.3"])) return leaf(a, "D6.1", "serious", ids, "outcome assessment not comparable across groups");
  if (yes(a["6.4"])) return leaf(a, "D6.2", "serious", ids, "systematic measurement errors related to the intervention");
  if (yes(a["6.1"]) && yes(a["6.2"])) return leaf(a, "D6.3", "serious", ids, "outcome open to influence, assessed by people aware of the intervention");
  if (yes(a["6.3"]) && no(a["6.4"]) && (no(a["6.1"]) || no(a["6.2"]))) return leaf(a, "D6.4", "low", ids, "comparable methods; outcome not open to influence or assessors unaware");
  return leaf(a, "D6.5", "no information", ids, "no information on how the outcome was measured");
};

/** Domain 7: any sign of selection of the reported result → serious; none → low. */
const domain7: Algorithm = (a) => {
  const ids = ["7.1", "7.2", "7.3"];
  if (yes(a["7.1"]) || yes(a["7.2"]) || yes(a["7.3"])) return leaf(a, "D7.1", "serious", ids, "the reported result was likely selected");
  if (no(a["7.1"]) && no(a["7.2"]) && no(a["7.3"])) return leaf(a, "D7.2", "low", ids, "no indication of selective reporting");
  return leaf(a, "D7.3", "no information", ids, "no information on selection of the reported result");
};

export const ROBINS_ALGORITHMS: Record<RobinsDomain, Algorithm> = { D1: domain1, D2: domain2, D3: domain3, D4: domain4, D5: domain5, D6: domain6, D7: domain7 };

/** Why a domain's answers cannot be run through its rule (empty = they can). */
export function robinsAnswerProblems(domain: RobinsDomain, answers: RobinsAnswers): string[] {
  return answerProblems(ROBINS_QUESTIONS, domain, answers);
}

/** The rule's proposed judgement for one domain; InputError when an applicable question is unanswered or an answer contradicts the flow. */
export function robinsDomainAlgorithm(domain: RobinsDomain, answers: RobinsAnswers): RobinsLeaf {
  return checkedRule(ROBINS_QUESTIONS, ROBINS_ALGORITHMS, domain, answers);
}

const RANK: Record<RobinsJudgement, number> = { low: 0, moderate: 1, "no information": 2, serious: 3, critical: 4 };

/**
 * Overall ROBINS-I judgement (BMJ 2016): critical if any domain is critical; serious if any is serious; no
 * information if none is serious or critical but some domain lacks information; moderate if all are low or moderate;
 * low if all are low. A domain not assessed leaves the overall "not assessed" unless a domain is already serious or
 * critical (then that is the overall judgement whatever the missing domain says).
 */
export function robinsOverall(domains: readonly (RobinsJudgement | "not assessed")[]): RobinsJudgement | "not assessed" {
  if (domains.includes("critical")) return "critical";
  if (domains.includes("serious")) return "serious";
  if (domains.length !== ROBINS_DOMAINS.length || domains.includes("not assessed")) return "not assessed";
  const js = domains as RobinsJudgement[];
  return js.reduce<RobinsJudgement>((w, j) => (RANK[j] > RANK[w] ? j : w), "low");
}

export const RobinsOverrideSchema = robOverrideSchema(RobinsJudgementSchema);
export type RobinsOverride = z.infer<typeof RobinsOverrideSchema>;

/** The answers per domain (a domain left out is "not assessed"). */
export const RobinsAnswersByDomainSchema = perDomainSchema(ROBINS_DOMAINS, z.record(z.string(), RobinsAnswerSchema));
/** The overrides per domain. */
export const RobinsOverridesByDomainSchema = perDomainSchema(ROBINS_DOMAINS, RobinsOverrideSchema);

export const RobinsAssessmentInputSchema = z.object({
  ...assessmentInputShape(RobinsAnswersByDomainSchema, RobinsOverridesByDomainSchema.default({})),
  /** The reviewer's overall judgement in place of the rule's (e.g. critical for several serious domains), with a reason. */
  overallOverride: RobinsOverrideSchema.optional(),
});
export type RobinsAssessmentInput = z.input<typeof RobinsAssessmentInputSchema>;

export type RobinsDomainResult = RobDomainResult<RobinsDomain, RobinsJudgement> & { why: string | null };

export interface RobinsAssessment {
  study: string;
  outcome: string | null;
  effect: "assignment";
  domains: Record<RobinsDomain, RobinsDomainResult>;
  overall: { algorithm: RobinsJudgement | "not assessed"; override: RobinsOverride | null; final: RobinsJudgement | "not assessed" };
  weight?: number;
}

/** A study entry's `robinsI` (data/trials.json) as the input of assessRobinsI, the study named `study`. */
export const robinsInputOf = (study: string, r: TrialRobinsI, weight?: number): RobinsAssessmentInput => ({
  study,
  outcome: r.outcome,
  answers: r.answers,
  overrides: r.overrides,
  ...(r.overallOverride !== undefined ? { overallOverride: r.overallOverride } : {}),
  ...(weight !== undefined ? { weight } : {}),
});

/** Runs every domain's rule, applies overrides; InputError on bad input. */
export function assessRobinsI(input: RobinsAssessmentInput): RobinsAssessment {
  const a = parseAssessmentInput(RobinsAssessmentInputSchema, input, "ROBINS-I");
  const domains = runDomains(
    { study: a.study, domains: ROBINS_DOMAINS, questions: ROBINS_QUESTIONS, rules: ROBINS_ALGORITHMS, extra: (l: RobinsLeaf | null) => ({ why: l?.why ?? null }) },
    a.answers as Partial<Record<RobinsDomain, RobinsAnswers>>,
    a.overrides as Partial<Record<RobinsDomain, RobinsOverride>>,
  );
  const algorithm = robinsOverall(ROBINS_DOMAINS.map((d) => domains[d].final));
  const override = a.overallOverride ?? null;
  if (override !== null && algorithm === "not assessed") throw new InputError("the overall judgement can be overridden only once every domain is assessed", { field: "overallOverride" });
  const result: RobinsAssessment = { study: a.study, outcome: a.outcome ?? null, effect: a.effect, domains, overall: { algorithm, override, final: override?.judgement ?? algorithm } };
  if (a.weight !== undefined) result.weight = a.weight;
  return result;
}

/** A robvis-style ROBINS-I table (for robTrafficLightSvg / robSummarySvg); a domain not assessed stays "not assessed". */
export function robTableFromRobinsI(assessments: readonly RobinsAssessment[]): RobTable {
  return robTableOf("ROBINS-I", ROBINS_DOMAINS, ROBINS_DOMAIN_LABELS, assessments);
}
