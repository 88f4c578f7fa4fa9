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
import type { RobJudgement, RobTable } from "./plots/types.js";

/** Answers to a signalling question: yes, probably yes, probably no, no, no information, not applicable. */
export const Rob2AnswerSchema = z.enum(["Y", "PY", "PN", "N", "NI", "NA"]);
export type Rob2Answer = z.infer<typeof Rob2AnswerSchema>;

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

export type Rob2Answers = Partial<Record<string, Rob2Answer>>;

const yes = (a: Rob2Answer | undefined): boolean => a === "Y" || a === "PY";
const no = (a: Rob2Answer | undefined): boolean => a === "N" || a === "PN";
const ni = (a: Rob2Answer | undefined): boolean => a === "NI";

const BASE: readonly Rob2Answer[] = ["Y", "PY", "PN", "N", "NI"];
const FOLLOW_ON: readonly Rob2Answer[] = ["NA", "Y", "PY", "PN", "N", "NI"];

export interface Rob2Question {
  id: string;
  domain: Rob2Domain;
  /** Short paraphrase of the question (use the official template for the wording). */
  text: string;
  options: readonly Rob2Answer[];
  /** For a follow-on question: when it applies, in the tool's words, and the test. */
  appliesWhen?: { text: string; test: (a: Rob2Answers) => boolean };
}

export const ROB2_QUESTIONS: readonly Rob2Question[] = [
  { id: "1.1", domain: "D1", text: "Allocation sequence random?", options: BASE },
  { id: "1.2", domain: "D1", text: "Allocation sequence concealed until enrolment and assignment?", options: BASE },
  { id: "1.3", domain: "D1", text: "Baseline differences suggest a problem with randomisation?", options: BASE },
  { id: "2.1", domain: "D2", text: "Participants aware of their assigned intervention?", options: BASE },
  { id: "2.2", domain: "D2", text: "Carers / people delivering the interventions aware of assignment?", options: BASE },
  {
    id: "2.3",
    domain: "D2",
    text: "Deviations from intended intervention that arose because of the trial context?",
    options: FOLLOW_ON,
    appliesWhen: { text: "Y/PY/NI to 2.1 or 2.2", test: (a) => yes(a["2.1"]) || ni(a["2.1"]) || yes(a["2.2"]) || ni(a["2.2"]) },
  },
  {
    id: "2.4",
    domain: "D2",
    text: "Were these deviations likely to have affected the outcome?",
    options: FOLLOW_ON,
    appliesWhen: { text: "Y/PY to 2.3", test: (a) => yes(a["2.3"]) },
  },
  {
    id: "2.5",
    domain: "D2",
    text: "Were these deviations balanced between groups?",
    options: FOLLOW_ON,
    appliesWhen: { text: "Y/PY/NI to 2.4", test: (a) => yes(a["2.4"]) || ni(a["2.4"]) },
  },
  { id: "2.6", domain: "D2", text: "Appropriate analysis to estimate the effect of assignment?", options: BASE },
  {
    id: "2.7",
    domain: "D2",
    text: "Potential for a substantial impact of failing to analyse participants in their randomised group?",
    options: FOLLOW_ON,
    appliesWhen: { text: "N/PN/NI to 2.6", test: (a) => no(a["2.6"]) || ni(a["2.6"]) },
  },
  { id: "3.1", domain: "D3", text: "Outcome data available for all, or nearly all, randomised participants?", options: BASE },
  {
    id: "3.2",
    domain: "D3",
    text: "Evidence that the result was not biased by missing outcome data?",
    options: ["NA", "Y", "PY", "PN", "N"],
    appliesWhen: { text: "N/PN/NI to 3.1", test: (a) => no(a["3.1"]) || ni(a["3.1"]) },
  },
  {
    id: "3.3",
    domain: "D3",
    text: "Could missingness in the outcome depend on its true value?",
    options: FOLLOW_ON,
    appliesWhen: { text: "N/PN to 3.2", test: (a) => no(a["3.2"]) },
  },
  {
    id: "3.4",
    domain: "D3",
    text: "Is it likely that missingness in the outcome depended on its true value?",
    options: FOLLOW_ON,
    appliesWhen: { text: "Y/PY/NI to 3.3", test: (a) => yes(a["3.3"]) || ni(a["3.3"]) },
  },
  { id: "4.1", domain: "D4", text: "Method of measuring the outcome inappropriate?", options: BASE },
  { id: "4.2", domain: "D4", text: "Could measurement or ascertainment have differed between groups?", options: BASE },
  {
    id: "4.3",
    domain: "D4",
    text: "Outcome assessors aware of the intervention received?",
    options: FOLLOW_ON,
    appliesWhen: {
      text: "N/PN/NI to 4.1 and 4.2",
      test: (a) => (no(a["4.1"]) || ni(a["4.1"])) && (no(a["4.2"]) || ni(a["4.2"])),
    },
  },
  {
    id: "4.4",
    domain: "D4",
    text: "Could assessment have been influenced by knowledge of intervention received?",
    options: FOLLOW_ON,
    appliesWhen: { text: "Y/PY/NI to 4.3", test: (a) => yes(a["4.3"]) || ni(a["4.3"]) },
  },
  {
    id: "4.5",
    domain: "D4",
    text: "Is it likely that assessment was influenced by knowledge of intervention received?",
    options: FOLLOW_ON,
    appliesWhen: { text: "Y/PY/NI to 4.4", test: (a) => yes(a["4.4"]) || ni(a["4.4"]) },
  },
  { id: "5.1", domain: "D5", text: "Analysed per a pre-specified plan finalised before unblinded outcome data were available?", options: BASE },
  { id: "5.2", domain: "D5", text: "Result likely selected from multiple eligible outcome measurements?", options: BASE },
  { id: "5.3", domain: "D5", text: "Result likely selected from multiple eligible analyses of the data?", options: BASE },
];

export function questionsOf(domain: Rob2Domain): readonly Rob2Question[] {
  return ROB2_QUESTIONS.filter((q) => q.domain === domain);
}

/**
 * The questions of a domain that apply given the answers so far (in order). A follow-on question whose condition
 * is not met is left out; its answer, if any, must be NA.
 */
export function applicableQuestions(domain: Rob2Domain, answers: Rob2Answers): string[] {
  return questionsOf(domain)
    .filter((q) => q.appliesWhen === undefined || q.appliesWhen.test(answers))
    .map((q) => q.id);
}

/** One leaf of a domain's flow chart: the answers that reached it and the proposed judgement. */
export interface Rob2Leaf {
  /** Stable id of the leaf, e.g. "D1.3" (domain, leaf number in flow-chart order). */
  leaf: string;
  judgement: Rob2Judgement;
  /** The questions visited and their answers, in order (e.g. ["1.2=Y", "1.1=PY", "1.3=N"]). */
  path: string[];
}

type Algorithm = (a: Rob2Answers) => Rob2Leaf;
const step = (a: Rob2Answers, ids: string[]): string[] => ids.map((id) => `${id}=${a[id] ?? "?"}`);

/** Domain 1: 1.2 (concealment) first, then 1.1 (random sequence), then 1.3 (baseline imbalance). */
const domain1: Algorithm = (a) => {
  if (no(a["1.2"])) return { leaf: "D1.1", judgement: "high", path: step(a, ["1.2"]) };
  if (yes(a["1.2"])) {
    if (no(a["1.1"])) return { leaf: "D1.2", judgement: "some concerns", path: step(a, ["1.2", "1.1"]) };
    if (yes(a["1.3"])) return { leaf: "D1.3", judgement: "some concerns", path: step(a, ["1.2", "1.1", "1.3"]) };
    return { leaf: "D1.4", judgement: "low", path: step(a, ["1.2", "1.1", "1.3"]) };
  }
  // 1.2 NI
  if (yes(a["1.3"])) return { leaf: "D1.5", judgement: "high", path: step(a, ["1.2", "1.3"]) };
  return { leaf: "D1.6", judgement: "some concerns", path: step(a, ["1.2", "1.3"]) };
};

/** Domain 2, part 1 (2.1-2.5): deviations that arose because of the trial context. */
const domain2Part1: Algorithm = (a) => {
  if (no(a["2.1"]) && no(a["2.2"])) return { leaf: "D2a.1", judgement: "low", path: step(a, ["2.1", "2.2"]) };
  const p = ["2.1", "2.2", "2.3"];
  if (no(a["2.3"])) return { leaf: "D2a.2", judgement: "low", path: step(a, p) };
  if (ni(a["2.3"])) return { leaf: "D2a.3", judgement: "some concerns", path: step(a, p) };
  // 2.3 Y/PY
  if (no(a["2.4"])) return { leaf: "D2a.4", judgement: "some concerns", path: step(a, [...p, "2.4"]) };
  if (yes(a["2.5"])) return { leaf: "D2a.5", judgement: "some concerns", path: step(a, [...p, "2.4", "2.5"]) };
  return { leaf: "D2a.6", judgement: "high", path: step(a, [...p, "2.4", "2.5"]) };
};

/** Domain 2, part 2 (2.6-2.7): analysis used to estimate the effect of assignment. */
const domain2Part2: Algorithm = (a) => {
  if (yes(a["2.6"])) return { leaf: "D2b.1", judgement: "low", path: step(a, ["2.6"]) };
  if (no(a["2.7"])) return { leaf: "D2b.2", judgement: "some concerns", path: step(a, ["2.6", "2.7"]) };
  return { leaf: "D2b.3", judgement: "high", path: step(a, ["2.6", "2.7"]) };
};

const RANK: Record<Rob2Judgement, number> = { low: 0, "some concerns": 1, high: 2 };
const worst = (js: Rob2Judgement[]): Rob2Judgement => js.reduce<Rob2Judgement>((w, j) => (RANK[j] > RANK[w] ? j : w), "low");

/** Domain 2: the worse of part 1 and part 2. */
const domain2: Algorithm = (a) => {
  const p1 = domain2Part1(a);
  const p2 = domain2Part2(a);
  return { leaf: `${p1.leaf}+${p2.leaf}`, judgement: worst([p1.judgement, p2.judgement]), path: [...p1.path, ...p2.path] };
};

/** Domain 3: 3.1 -> 3.2 -> 3.3 -> 3.4. */
const domain3: Algorithm = (a) => {
  if (yes(a["3.1"])) return { leaf: "D3.1", judgement: "low", path: step(a, ["3.1"]) };
  if (yes(a["3.2"])) return { leaf: "D3.2", judgement: "low", path: step(a, ["3.1", "3.2"]) };
  if (no(a["3.3"])) return { leaf: "D3.3", judgement: "low", path: step(a, ["3.1", "3.2", "3.3"]) };
  if (no(a["3.4"])) return { leaf: "D3.4", judgement: "some concerns", path: step(a, ["3.1", "3.2", "3.3", "3.4"]) };
  return { leaf: "D3.5", judgement: "high", path: step(a, ["3.1", "3.2", "3.3", "3.4"]) };
};

/** Domain 4: 4.1, 4.2, then 4.3-4.5 in two branches (4.2 N/PN or 4.2 NI). */
const domain4: Algorithm = (a) => {
  if (yes(a["4.1"])) return { leaf: "D4.1", judgement: "high", path: step(a, ["4.1"]) };
  if (yes(a["4.2"])) return { leaf: "D4.2", judgement: "high", path: step(a, ["4.1", "4.2"]) };
  const base = ["4.1", "4.2", "4.3"];
  if (no(a["4.2"])) {
    if (no(a["4.3"])) return { leaf: "D4.3", judgement: "low", path: step(a, base) };
    if (no(a["4.4"])) return { leaf: "D4.4", judgement: "low", path: step(a, [...base, "4.4"]) };
    if (no(a["4.5"])) return { leaf: "D4.5", judgement: "some concerns", path: step(a, [...base, "4.4", "4.5"]) };
    return { leaf: "D4.6", judgement: "high", path: step(a, [...base, "4.4", "4.5"]) };
  }
  // 4.2 NI
  if (no(a["4.3"])) return { leaf: "D4.7", judgement: "some concerns", path: step(a, base) };
  if (no(a["4.4"])) return { leaf: "D4.8", judgement: "some concerns", path: step(a, [...base, "4.4"]) };
  if (no(a["4.5"])) return { leaf: "D4.9", judgement: "some concerns", path: step(a, [...base, "4.4", "4.5"]) };
  return { leaf: "D4.10", judgement: "high", path: step(a, [...base, "4.4", "4.5"]) };
};

/** Domain 5: 5.2 and 5.3 first, then 5.1. */
const domain5: Algorithm = (a) => {
  const sel = ["5.2", "5.3"];
  if (yes(a["5.2"]) || yes(a["5.3"])) return { leaf: "D5.1", judgement: "high", path: step(a, sel) };
  if (ni(a["5.2"]) || ni(a["5.3"])) return { leaf: "D5.2", judgement: "some concerns", path: step(a, sel) };
  if (yes(a["5.1"])) return { leaf: "D5.3", judgement: "low", path: step(a, [...sel, "5.1"]) };
  return { leaf: "D5.4", judgement: "some concerns", path: step(a, [...sel, "5.1"]) };
};

export const ROB2_ALGORITHMS: Record<Rob2Domain, Algorithm> = { D1: domain1, D2: domain2, D3: domain3, D4: domain4, D5: domain5 };

/** Why a domain's answers cannot be run through the algorithm (empty = they can). */
export function domainAnswerProblems(domain: Rob2Domain, answers: Rob2Answers): string[] {
  const problems: string[] = [];
  const known = new Set(questionsOf(domain).map((q) => q.id));
  for (const id of Object.keys(answers)) if (!known.has(id)) problems.push(`${id} is not a signalling question of ${domain}`);
  const applicable = new Set(applicableQuestions(domain, answers));
  for (const q of questionsOf(domain)) {
    const ans = answers[q.id];
    if (applicable.has(q.id)) {
      if (ans === undefined) problems.push(`${q.id} is not answered`);
      else if (ans === "NA") problems.push(`${q.id}: "NA" is not an allowed answer here (it applies: ${q.appliesWhen?.text ?? "always"})`);
      else if (!q.options.includes(ans)) problems.push(`${q.id}: "${ans}" is not an allowed answer (use ${q.options.filter((o) => o !== "NA").join(", ")})`);
    } else if (ans !== undefined && ans !== "NA") {
      problems.push(`${q.id} applies only if ${q.appliesWhen?.text ?? "?"}: answer NA or leave it out (got "${ans}")`);
    }
  }
  return problems;
}

/** The algorithm's proposed judgement for one domain. Throws InputError when an applicable question is unanswered or an answer contradicts the flow. */
export function rob2DomainAlgorithm(domain: Rob2Domain, answers: Rob2Answers): Rob2Leaf {
  const problems = domainAnswerProblems(domain, answers);
  if (problems.length > 0) throw new InputError(problems.join("; "), { field: `answers.${domain}` });
  return ROB2_ALGORITHMS[domain](answers);
}

/** A reviewer's override of a judgement: the new judgement and a written reason (required). */
export const Rob2OverrideSchema = z.object({
  judgement: Rob2JudgementSchema,
  reason: z.string().trim().min(1, "an override needs a written reason"),
});
export type Rob2Override = z.infer<typeof Rob2OverrideSchema>;

/** Escalation of the overall judgement to high for some concerns in several domains (the guidance allows it). */
export const Rob2EscalationSchema = z.object({
  reason: z.string().trim().min(1, "an escalation to high needs a written reason"),
});

const DomainAnswersSchema = z.record(z.string(), Rob2AnswerSchema);

/** One RoB 2 assessment of one result (a study's outcome). A domain left out is "not assessed". */
export const Rob2AssessmentInputSchema = z.object({
  study: z.string().min(1),
  /** The outcome / result assessed (RoB 2 is result-specific). */
  outcome: z.string().min(1).optional(),
  effect: z.literal("assignment").default("assignment"),
  answers: z.object({ D1: DomainAnswersSchema, D2: DomainAnswersSchema, D3: DomainAnswersSchema, D4: DomainAnswersSchema, D5: DomainAnswersSchema }).partial().strict(),
  overrides: z.object({ D1: Rob2OverrideSchema, D2: Rob2OverrideSchema, D3: Rob2OverrideSchema, D4: Rob2OverrideSchema, D5: Rob2OverrideSchema }).partial().strict().default({}),
  overallEscalation: Rob2EscalationSchema.optional(),
  /** Study weight for the weighted summary plot (e.g. participants). */
  weight: z.number().nonnegative().optional(),
});
export type Rob2AssessmentInput = z.input<typeof Rob2AssessmentInputSchema>;

export interface Rob2DomainResult {
  domain: Rob2Domain;
  /** "not assessed" when the domain has no answers. */
  algorithm: Rob2Judgement | "not assessed";
  leaf: string | null;
  path: string[];
  override: Rob2Override | null;
  final: Rob2Judgement | "not assessed";
}

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
  const parsed = Rob2AssessmentInputSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError(`invalid RoB 2 assessment: ${issue?.message ?? "does not match the schema"}`, { field: issue?.path.map(String).join(".") ?? "" });
  }
  const a = parsed.data;
  const domains = {} as Record<Rob2Domain, Rob2DomainResult>;
  for (const d of ROB2_DOMAINS) {
    const answers = a.answers[d];
    const override = a.overrides[d] ?? null;
    if (answers === undefined || Object.keys(answers).length === 0) {
      if (override !== null) throw new InputError(`${d} has no answers: an algorithm judgement must exist before it can be overridden`, { field: `overrides.${d}` });
      domains[d] = { domain: d, algorithm: "not assessed", leaf: null, path: [], override: null, final: "not assessed" };
      continue;
    }
    const problems = domainAnswerProblems(d, answers);
    if (problems.length > 0) throw new InputError(`study "${a.study}": ${problems.join("; ")}`, { field: `answers.${d}` });
    const leaf = ROB2_ALGORITHMS[d](answers);
    domains[d] = { domain: d, algorithm: leaf.judgement, leaf: leaf.leaf, path: leaf.path, override, final: override?.judgement ?? leaf.judgement };
  }
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
  if (assessments.length === 0) throw new InputError("no RoB 2 assessments to plot");
  const labels = ROB2_DOMAINS.map((d) => ROB2_DOMAIN_LABELS[d]);
  return {
    tool: "RoB2",
    domains: labels,
    studies: assessments.map((s) => {
      const judgements: Record<string, RobJudgement> = {};
      for (const d of ROB2_DOMAINS) judgements[ROB2_DOMAIN_LABELS[d]] = s.domains[d].final;
      const label = s.outcome !== null ? `${s.study} (${s.outcome})` : s.study;
      const row: RobTable["studies"][number] = { study: label, judgements, overall: s.overall.final };
      if (s.weight !== undefined) row.weight = s.weight;
      return row;
    }),
  };
}
