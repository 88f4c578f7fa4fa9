/**
 * Cochrane Risk of Bias 2 (RoB 2) for individually randomised parallel-group trials, effect of assignment to
 * intervention ("intention-to-treat" effect). Sterne JAC, Savović J, Page MJ, et al. RoB 2: a revised tool for
 * assessing risk of bias in randomised trials. BMJ 2019;366:l4898; Higgins JPT, Savović J, Page MJ, Sterne JAC (eds),
 * Revised Cochrane risk-of-bias tool for randomized trials (RoB 2), full guidance document and template of
 * 22 August 2019 (riskofbias.info).
 *
 * Pure: answers to the signalling questions in, proposed ("algorithm") and final judgements out. No I/O, no clock.
 *
 * Where each algorithm was read (facts only; wording below is ours). The official flow-chart figures of the 2019 full
 * guidance were not reachable as text from this project's tools, so every mapping rests on at least two secondary
 * readings of them that agree, and on the tool's criteria tables where a reproduction was found:
 * - Question ids, follow-on conditions ("If Y/PY/NI to 2.1 or 2.2", "If N/PN/NI to 4.1 and 4.2", ...) and response
 *   options (NA only on follow-on questions; 3.2 has no NI): the 22 August 2019 cribsheet/template as reproduced on
 *   scribd ("RoB 2.0 Indicaciones", short version) and a reproduction of the full guidance's domain 4 box
 *   (9pdf.org, "signalling questions, criteria for judging risk of bias"), cross-checked with CoRATES'
 *   question schema (conditions identical). One conflict: CoRATES offers NI on 3.2; the 2019 template lists
 *   NA/Y/PY/PN/N only ("evidence that the result was not biased" either exists or not), and we follow the template.
 * - Domain 1: the guidance's criteria table (low / some concerns / high in words) as reproduced in Table 2 of
 *   Syst Rev 2021;10:171 (PMC8191126); the flow-chart order (1.2, then 1.1, then 1.3) and leaves from two
 *   independent implementations: CoRATES (InfinityBowman/corates, packages/shared/src/checklists/rob2/
 *   scoring-domains.ts) and eagent (Younthing/eagent, src/rob2/decision_rules.py). All three agree. (That table's
 *   domain 2 rows are the 2016 per-protocol version and were not used.)
 * - Domain 2 (effect of assignment): two parts, the worse of the two; part 1 (2.1-2.5) and part 2 (2.6-2.7) leaf by
 *   leaf in CoRATES and eagent, which agree (including 2.3 Y/PY + 2.4 N/PN -> some concerns).
 * - Domain 3: 3.1 -> 3.2 -> 3.3 -> 3.4; CoRATES and eagent agree.
 * - Domain 4: two 4.3 branches (4.2 N/PN vs 4.2 NI: no information on comparable measurement caps the branch at
 *   some concerns unless 4.5 is Y/PY/NI). CoRATES (which states it follows the official decision diagrams) keeps
 *   the two branches; eagent merges 4.2 NI into 4.2 N/PN (it would give "low" where the guidance gives "some concerns") — we follow CoRATES,
 *   and the tests pin the 4.2 NI branch (leaves D4.7-D4.10).
 * - Domain 5: 5.2/5.3 first (either Y/PY -> high; neither Y/PY but at least one NI -> some concerns; both N/PN ->
 *   5.1 decides low vs some concerns); CoRATES and eagent agree.
 * - Overall: BMJ 2019;366:l4898 and Cochrane Handbook v6 chapter 8 (key points; domain and overall judgements
 *   may be overridden with justification): low only if every domain is low; high
 *   if any domain is high; otherwise some concerns. The guidance also allows "high" when several domains have some
 *   concerns that together substantially lower confidence: that is a reviewer's escalation here, never automatic,
 *   and it needs a written reason.
 */
import { z } from "zod";
import { InputError } from "../shared/errors.js";
import type { RobTable } from "./plots/types.js";
import type { TrialRob2 } from "./schema.js";
import { assessmentInputShape, BASE_OPTIONS as BASE, FOLLOW_ON_OPTIONS as FOLLOW_ON, RobAnswerSchema, answerPath, answerProblems, applicableQuestionIds, checkedRule, no, ni, parseAssessmentInput, perDomainSchema, questionsOfDomain, robOverrideSchema, robTableOf, runDomains, yes, type RobAnswer, type RobAnswers, type RobDomainResult, type RobRuleLeaf, type SignallingQuestion } from "./rob-common.js";

/** Answers to a signalling question: yes, probably yes, probably no, no, no information, not applicable. */
export const Rob2AnswerSchema = RobAnswerSchema;
export type Rob2Answer = RobAnswer;

export const ROB2_DOMAINS = ["D1", "D2", "D3", "D4", "D5"] as const;
export type Rob2Domain = (typeof ROB2_DOMAINS)[number];

export const ROB2_DOMAIN_LABELS: Record<Rob2Domain, string> = {
  D1: "Bias arising from the randomisation process",
  D2: "Bias due to deviations from intended interventions",
  D3: "Bias due to missing outcome data",
  D4: "Bias in measurement of the outcome",
  D5: "Bias in selection of the reported result",
};

export const Rob2JudgementSchema = z.enum(["low", "some concerns", "high"]);
export type Rob2Judgement = z.infer<typeof Rob2JudgementSchema>;

export type Rob2Answers = RobAnswers;

export type Rob2Question = SignallingQuestion<Rob2Domain>;

/** A follow-on question: [id, paraphrase, the condition in the tool's words, its test]; options NA + the base scale. */
type FollowOn = [id: string, text: string, when: string, test: (a: Rob2Answers) => boolean, options?: readonly Rob2Answer[]];
const q = (domain: Rob2Domain, id: string, text: string): Rob2Question => ({ id, domain, text, options: BASE });
const f = (domain: Rob2Domain, [id, text, when, test, options]: FollowOn): Rob2Question => ({ id, domain, text, options: options ?? FOLLOW_ON, appliesWhen: { text: when, test } });

export const ROB2_QUESTIONS: readonly Rob2Question[] = [
  q("D1", "1.1", "Allocation sequence random?"),
  q("D1", "1.2", "Allocation sequence concealed until enrolment and assignment?"),
  q("D1", "1.3", "Baseline differences suggest a problem with randomisation?"),
  q("D2", "2.1", "Participants aware of their assigned intervention?"),
  q("D2", "2.2", "Carers / people delivering the interventions aware of assignment?"),
  f("D2", ["2.3", "Deviations from intended intervention that arose because of the trial context?", "Y/PY/NI to 2.1 or 2.2", (a) => yes(a["2.1"]) || ni(a["2.1"]) || yes(a["2.2"]) || ni(a["2.2"])]),
  f("D2", ["2.4", "Were these deviations likely to have affected the outcome?", "Y/PY to 2.3", (a) => yes(a["2.3"])]),
  f("D2", ["2.5", "Were these deviations balanced between groups?", "Y/PY/NI to 2.4", (a) => yes(a["2.4"]) || ni(a["2.4"])]),
  q("D2", "2.6", "Appropriate analysis to estimate the effect of assignment?"),
  f("D2", ["2.7", "Potential for a substantial impact of failing to analyse participants in their randomised group?", "N/PN/NI to 2.6", (a) => no(a["2.6"]) || ni(a["2.6"])]),
  q("D3", "3.1", "Outcome data available for all, or nearly all, randomised participants?"),
  f("D3", ["3.2", "Evidence that the result was not biased by missing outcome data?", "N/PN/NI to 3.1", (a) => no(a["3.1"]) || ni(a["3.1"]), ["NA", "Y", "PY", "PN", "N"]]),
  f("D3", ["3.3", "Could missingness in the outcome depend on its true value?", "N/PN to 3.2", (a) => no(a["3.2"])]),
  f("D3", ["3.4", "Is it likely that missingness in the outcome depended on its true value?", "Y/PY/NI to 3.3", (a) => yes(a["3.3"]) || ni(a["3.3"])]),
  q("D4", "4.1", "Method of measuring the outcome inappropriate?"),
  q("D4", "4.2", "Could measurement or ascertainment have differed between groups?"),
  f("D4", ["4.3", "Outcome assessors aware of the intervention received?", "N/PN/NI to 4.1 and 4.2", (a) => (no(a["4.1"]) || ni(a["4.1"])) && (no(a["4.2"]) || ni(a["4.2"]))]),
  f("D4", ["4.4", "Could assessment have been influenced by knowledge of intervention received?", "Y/PY/NI to 4.3", (a) => yes(a["4.3"]) || ni(a["4.3"])]),
  f("D4", ["4.5", "Is it likely that assessment was influenced by knowledge of intervention received?", "Y/PY/NI to 4.4", (a) => yes(a["4.4"]) || ni(a["4.4"])]),
  q("D5", "5.1", "Analysed per a pre-specified plan finalised before unblinded outcome data were available?"),
  q("D5", "5.2", "Result likely selected from multiple eligible outcome measurements?"),
  q("D5", "5.3", "Result likely selected from multiple eligible analyses of the data?"),
];

export const questionsOf = (domain: Rob2Domain): readonly Rob2Question[] => questionsOfDomain(ROB2_QUESTIONS, domain);

/**
 * The questions of a domain that apply given the answers so far (in order). A follow-on question whose condition
 * is not met is left out; its answer, if any, must be NA.
 */
export const applicableQuestions = (domain: Rob2Domain, answers: Rob2Answers): string[] => applicableQuestionIds(ROB2_QUESTIONS, domain, answers);

/** One leaf of a domain's flow chart (e.g. "D1.3"): the questions visited with their answers, and the proposed judgement. */
export type Rob2Leaf = RobRuleLeaf<Rob2Judgement>;

type Algorithm = (a: Rob2Answers) => Rob2Leaf;

/**
 * A published flow chart as data: a node asks one question and goes on by the answer's class (`y`: Y/PY, `n`: N/PN,
 * `ni`: NI); a class it does not name (and an unanswered question) goes to `else`. A leaf is the proposed judgement.
 */
type FlowNode = { leaf: string; judgement: Rob2Judgement } | { ask: string; y?: FlowNode; n?: FlowNode; ni?: FlowNode; else: FlowNode };
const end = (leaf: string, judgement: Rob2Judgement): FlowNode => ({ leaf, judgement });
const ask = (id: string, branches: { y?: FlowNode; n?: FlowNode; ni?: FlowNode; else: FlowNode }): FlowNode => ({ ask: id, ...branches });

/** Follows a flow chart from its first question to a leaf, recording the questions visited. */
function follow(root: FlowNode): Algorithm {
  return (a) => {
    const visited: string[] = [];
    let node = root;
    while ("ask" in node) {
      visited.push(node.ask);
      const v = a[node.ask];
      node = (yes(v) ? node.y : no(v) ? node.n : ni(v) ? node.ni : undefined) ?? node.else;
    }
    return { leaf: node.leaf, judgement: node.judgement, path: answerPath(a, visited) };
  };
}

/** Domain 1: 1.2 (concealment) first, then 1.1 (random sequence), then 1.3 (baseline imbalance). */
const domain1 = follow(
  ask("1.2", {
    n: end("D1.1", "high"),
    y: ask("1.1", { n: end("D1.2", "some concerns"), else: ask("1.3", { y: end("D1.3", "some concerns"), else: end("D1.4", "low") }) }),
    // 1.2 NI
    else: ask("1.3", { y: end("D1.5", "high"), else: end("D1.6", "some concerns") }),
  }),
);

/** Domain 2, part 1 (2.1-2.5): deviations that arose because of the trial context. */
const deviations = ask("2.3", {
  n: end("D2a.2", "low"),
  ni: end("D2a.3", "some concerns"),
  // 2.3 Y/PY
  else: ask("2.4", { n: end("D2a.4", "some concerns"), else: ask("2.5", { y: end("D2a.5", "some concerns"), else: end("D2a.6", "high") }) }),
});
const domain2Part1 = follow(ask("2.1", { n: ask("2.2", { n: end("D2a.1", "low"), else: deviations }), else: ask("2.2", { else: deviations }) }));

/** Domain 2, part 2 (2.6-2.7): analysis used to estimate the effect of assignment. */
const domain2Part2 = follow(ask("2.6", { y: end("D2b.1", "low"), else: ask("2.7", { n: end("D2b.2", "some concerns"), else: end("D2b.3", "high") }) }));

const RANK: Record<Rob2Judgement, number> = { low: 0, "some concerns": 1, high: 2 };
const worst = (js: Rob2Judgement[]): Rob2Judgement => js.reduce<Rob2Judgement>((w, j) => (RANK[j] > RANK[w] ? j : w), "low");

/** Domain 2: the worse of part 1 and part 2. */
const domain2: Algorithm = (a) => {
  const p1 = domain2Part1(a);
  const p2 = domain2Part2(a);
  return { leaf: `${p1.leaf}+${p2.leaf}`, judgement: worst([p1.judgement, p2.judgement]), path: [...p1.path, ...p2.path] };
};

/** Domain 3: 3.1 -> 3.2 -> 3.3 -> 3.4. */
const domain3 = follow(
  ask("3.1", { y: end("D3.1", "low"), else: ask("3.2", { y: end("D3.2", "low"), else: ask("3.3", { n: end("D3.3", "low"), else: ask("3.4", { n: end("D3.4", "some concerns"), else: end("D3.5", "high") }) }) }) }),
);

/** Domain 4: 4.1, 4.2, then 4.3-4.5 in two branches (4.2 N/PN or 4.2 NI); only the leaves differ. */
const assessorBranch = (leaves: [FlowNode, FlowNode, FlowNode, FlowNode]): FlowNode =>
  ask("4.3", { n: leaves[0], else: ask("4.4", { n: leaves[1], else: ask("4.5", { n: leaves[2], else: leaves[3] }) }) });
const domain4 = follow(
  ask("4.1", {
    y: end("D4.1", "high"),
    else: ask("4.2", {
      y: end("D4.2", "high"),
      n: assessorBranch([end("D4.3", "low"), end("D4.4", "low"), end("D4.5", "some concerns"), end("D4.6", "high")]),
      // 4.2 NI
      else: assessorBranch([end("D4.7", "some concerns"), end("D4.8", "some concerns"), end("D4.9", "some concerns"), end("D4.10", "high")]),
    }),
  }),
);

/** Domain 5: 5.2 and 5.3 first (either Y/PY: high; either NI: some concerns), then 5.1. */
const selected = end("D5.1", "high");
const domain5 = follow(
  ask("5.2", {
    y: ask("5.3", { else: selected }),
    ni: ask("5.3", { y: selected, else: end("D5.2", "some concerns") }),
    else: ask("5.3", { y: selected, ni: end("D5.2", "some concerns"), else: ask("5.1", { y: end("D5.3", "low"), else: end("D5.4", "some concerns") }) }),
  }),
);

export const ROB2_ALGORITHMS: Record<Rob2Domain, Algorithm> = { D1: domain1, D2: domain2, D3: domain3, D4: domain4, D5: domain5 };

/** Why a domain's answers cannot be run through the algorithm (empty = they can). */
export function domainAnswerProblems(domain: Rob2Domain, answers: Rob2Answers): string[] {
  return answerProblems(ROB2_QUESTIONS, domain, answers);
}

/** The algorithm's proposed judgement for one domain. Throws InputError when an applicable question is unanswered or an answer contradicts the flow. */
export function rob2DomainAlgorithm(domain: Rob2Domain, answers: Rob2Answers): Rob2Leaf {
  return checkedRule(ROB2_QUESTIONS, ROB2_ALGORITHMS, domain, answers);
}

/** A reviewer's override of a judgement: the new judgement and a written reason (required). */
export const Rob2OverrideSchema = robOverrideSchema(Rob2JudgementSchema);
export type Rob2Override = z.infer<typeof Rob2OverrideSchema>;

/** Escalation of the overall judgement to high for some concerns in several domains (the guidance allows it). */
export const Rob2EscalationSchema = z.object({
  reason: z.string().trim().min(1, "an escalation to high needs a written reason"),
});

/** The answers per domain (a domain left out is "not assessed"). */
export const Rob2AnswersByDomainSchema = perDomainSchema(ROB2_DOMAINS, z.record(z.string(), Rob2AnswerSchema));
/** The overrides per domain. */
export const Rob2OverridesByDomainSchema = perDomainSchema(ROB2_DOMAINS, Rob2OverrideSchema);

/** One RoB 2 assessment of one result (a study's outcome). A domain left out is "not assessed". */
export const Rob2AssessmentInputSchema = z.object({ ...assessmentInputShape(Rob2AnswersByDomainSchema, Rob2OverridesByDomainSchema.default({})), overallEscalation: Rob2EscalationSchema.optional() });
export type Rob2AssessmentInput = z.input<typeof Rob2AssessmentInputSchema>;

export type Rob2DomainResult = RobDomainResult<Rob2Domain, Rob2Judgement>;

export interface Rob2OverallResult {
  algorithm: Rob2Judgement | "not assessed";
  escalation: { reason: string } | null;
  final: Rob2Judgement | "not assessed";
}

export interface Rob2Assessment {
  study: string;
  outcome: string | null;
  effect: "assignment";
  domains: Record<Rob2Domain, Rob2DomainResult>;
  overall: Rob2OverallResult;
  weight?: number;
}

/** A trial entry's `rob2` (data/trials.json) as the input of assessRob2, the study named `study`. */
export const rob2InputOf = (study: string, r: TrialRob2, weight?: number): Rob2AssessmentInput => ({ study, outcome: r.outcome, answers: r.answers, overrides: r.overrides, ...(weight !== undefined ? { weight } : {}) });

/**
 * Overall RoB 2 judgement from the final domain judgements: high if any domain is high; low only if all five are
 * low; otherwise some concerns. A domain not assessed leaves the overall "not assessed" unless another domain is
 * already high (then the result is high whatever the missing domain says).
 */
export function rob2Overall(domains: readonly (Rob2Judgement | "not assessed")[]): Rob2Judgement | "not assessed" {
  if (domains.includes("high")) return "high";
  if (domains.length !== ROB2_DOMAINS.length || domains.includes("not assessed")) return "not assessed";
  return domains.every((d) => d === "low") ? "low" : "some concerns";
}

/** Runs every domain's algorithm, applies overrides and the optional escalation. Throws InputError on bad input. */
export function assessRob2(input: Rob2AssessmentInput): Rob2Assessment {
  const a = parseAssessmentInput(Rob2AssessmentInputSchema, input, "RoB 2");
  const domains = runDomains(
    { study: a.study, domains: ROB2_DOMAINS, questions: ROB2_QUESTIONS, rules: ROB2_ALGORITHMS, extra: () => ({}) },
    a.answers as Partial<Record<Rob2Domain, Rob2Answers>>,
    a.overrides as Partial<Record<Rob2Domain, Rob2Override>>,
  );
  const finals = ROB2_DOMAINS.map((d) => domains[d].final);
  const algorithm = rob2Overall(finals);
  let escalation: { reason: string } | null = null;
  if (a.overallEscalation !== undefined) {
    const concerns = finals.filter((j) => j === "some concerns").length;
    if (algorithm !== "some concerns" || concerns < 2) {
      throw new InputError(
        `study "${a.study}": escalation to high applies only when the overall judgement is "some concerns" with some concerns in at least two domains (overall is "${algorithm}", ${concerns} domain(s) with some concerns)`,
        { field: "overallEscalation" },
      );
    }
    escalation = { reason: a.overallEscalation.reason };
  }
  const result: Rob2Assessment = {
    study: a.study,
    outcome: a.outcome ?? null,
    effect: a.effect,
    domains,
    overall: { algorithm, escalation, final: escalation !== null ? "high" : algorithm },
  };
  if (a.weight !== undefined) result.weight = a.weight;
  return result;
}

/**
 * A robvis-style RoB 2 table (input of robTrafficLightSvg / robSummarySvg) from final judgements. A domain not
 * assessed stays "not assessed" (grey), never folded into another category.
 */
export function robTableFromRob2(assessments: readonly Rob2Assessment[]): RobTable {
  return robTableOf("RoB2", ROB2_DOMAINS, ROB2_DOMAIN_LABELS, assessments);
}
