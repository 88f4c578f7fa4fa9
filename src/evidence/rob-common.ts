/**
 * What RoB 2 (rob2.ts) and ROBINS-I (robins-i.ts) share: the answer scale of the signalling questions, follow-on
 * applicability, the checks of a domain's answers against the flow, a reviewer's override with its written reason,
 * running every domain's rule with the overrides, and the robvis table of final judgements. Each tool keeps its own
 * questions, rules and overall judgement. Pure.
 */
import { z } from "zod";
import { InputError } from "../shared/errors.js";
import { ROB_TOOL_NAMES, type RobJudgement, type RobTable, type RobTool } from "./plots/types.js";

/** Answers to a signalling question: yes, probably yes, probably no, no, no information, not applicable. */
export const RobAnswerSchema = z.enum(["Y", "PY", "PN", "N", "NI", "NA"]);
export type RobAnswer = z.infer<typeof RobAnswerSchema>;
export type RobAnswers = Partial<Record<string, RobAnswer>>;

export const yes = (a: RobAnswer | undefined): boolean => a === "Y" || a === "PY";
export const no = (a: RobAnswer | undefined): boolean => a === "N" || a === "PN";
export const ni = (a: RobAnswer | undefined): boolean => a === "NI";

export const BASE_OPTIONS: readonly RobAnswer[] = ["Y", "PY", "PN", "N", "NI"];
export const FOLLOW_ON_OPTIONS: readonly RobAnswer[] = ["NA", "Y", "PY", "PN", "N", "NI"];

export interface SignallingQuestion<D extends string> {
  id: string;
  domain: D;
  /** Short paraphrase of the question (use the official template for the wording). */
  text: string;
  options: readonly RobAnswer[];
  /** For a follow-on question: when it applies, in the tool's words, and the test. */
  appliesWhen?: { text: string; test: (a: RobAnswers) => boolean };
}

export function questionsOfDomain<D extends string>(questions: readonly SignallingQuestion<D>[], domain: D): readonly SignallingQuestion<D>[] {
  return questions.filter((q) => q.domain === domain);
}

/** The questions of a domain that apply given the answers so far (in order); a follow-on whose condition fails is left out. */
export function applicableQuestionIds<D extends string>(questions: readonly SignallingQuestion<D>[], domain: D, answers: RobAnswers): string[] {
  return questionsOfDomain(questions, domain)
    .filter((q) => q.appliesWhen === undefined || q.appliesWhen.test(answers))
    .map((q) => q.id);
}

/** Why a domain's answers cannot be run through its rule (empty = they can). */
export function answerProblems<D extends string>(questions: readonly SignallingQuestion<D>[], domain: D, answers: RobAnswers): string[] {
  const problems: string[] = [];
  const mine = questionsOfDomain(questions, domain);
  const known = new Set(mine.map((q) => q.id));
  for (const id of Object.keys(answers)) if (!known.has(id)) problems.push(`${id} is not a signalling question of ${domain}`);
  const applicable = new Set(applicableQuestionIds(questions, domain, answers));
  for (const q of mine) {
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

/** The questions visited and their answers, in order (e.g. ["1.2=Y", "1.1=PY"]). */
export const answerPath = (a: RobAnswers, ids: readonly string[]): string[] => ids.map((id) => `${id}=${a[id] ?? "?"}`);

/** A reviewer's replacement of a judgement: the new judgement and a written reason (required). */
export function robOverrideSchema<J extends z.ZodType>(judgement: J) {
  return z.object({ judgement, reason: z.string().trim().min(1, "an override needs a written reason") });
}

/** `{ D1: schema, D2: schema, … }`, every domain optional, no other key. */
export function perDomainSchema<D extends string, S extends z.ZodType>(domains: readonly D[], schema: S) {
  return z.object(Object.fromEntries(domains.map((d) => [d, schema])) as { [K in D]: S }).partial().strict();
}

/** `{ D1: schema, D2: schema, … }`, every domain required, no other key. */
export function everyDomainSchema<D extends string, S extends z.ZodType>(domains: readonly D[], schema: S) {
  return z.object(Object.fromEntries(domains.map((d) => [d, schema])) as { [K in D]: S }).strict();
}

/** The fields both tools' assessment inputs share: one result of one study, its answers and overrides per domain (pass the overrides with `.default({})`). */
export function assessmentInputShape<A extends z.ZodType, O extends z.ZodType>(answers: A, overrides: O) {
  return {
    study: z.string().min(1),
    /** The outcome / result assessed (the judgement is result-specific). */
    outcome: z.string().min(1).optional(),
    effect: z.literal("assignment").default("assignment"),
    answers,
    overrides,
    /** Study weight for the weighted summary plot (e.g. participants). */
    weight: z.number().nonnegative().optional(),
  };
}

/** The input parsed, or an InputError naming the first bad field ("invalid RoB 2 assessment: …"). */
export function parseAssessmentInput<S extends z.ZodType>(schema: S, input: unknown, tool: string): z.infer<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new InputError(`invalid ${tool} assessment: ${issue?.message ?? "does not match the schema"}`, { field: issue?.path.map(String).join(".") ?? "" });
}

/** One domain of an assessment: the rule's proposal (with the leaf that fired), the reviewer's override, the final judgement. */
export interface RobDomainResult<D extends string, J extends string> {
  domain: D;
  /** "not assessed" when the domain has no answers. */
  algorithm: J | "not assessed";
  leaf: string | null;
  path: string[];
  override: { judgement: J; reason: string } | null;
  final: J | "not assessed";
}

export interface RobRuleLeaf<J extends string> {
  leaf: string;
  judgement: J;
  path: string[];
}

/**
 * Every domain's rule run on its answers, with the overrides applied; a domain without answers is "not assessed"
 * (and cannot be overridden). `extra` adds a tool's own fields from the leaf (ROBINS-I's `why`). InputError on answers
 * that contradict the flow.
 */
export function runDomains<D extends string, J extends string, L extends RobRuleLeaf<J>, X extends object>(
  spec: { study: string; domains: readonly D[]; questions: readonly SignallingQuestion<D>[]; rules: Record<D, (a: RobAnswers) => L>; extra: (leaf: L | null) => X },
  answers: Partial<Record<D, RobAnswers>>,
  overrides: Partial<Record<D, { judgement: J; reason: string }>>,
): Record<D, RobDomainResult<D, J> & X> {
  const out = {} as Record<D, RobDomainResult<D, J> & X>;
  for (const d of spec.domains) {
    const given = answers[d];
    const override = overrides[d] ?? null;
    if (given === undefined || Object.keys(given).length === 0) {
      if (override !== null) throw new InputError(`${d} has no answers: an algorithm judgement must exist before it can be overridden`, { field: `overrides.${d}` });
      out[d] = { domain: d, algorithm: "not assessed", leaf: null, path: [], override: null, final: "not assessed", ...spec.extra(null) };
      continue;
    }
    const problems = answerProblems(spec.questions, d, given);
    if (problems.length > 0) throw new InputError(`study "${spec.study}": ${problems.join("; ")}`, { field: `answers.${d}` });
    const l = spec.rules[d](given);
    out[d] = { domain: d, algorithm: l.judgement, leaf: l.leaf, path: l.path, override, final: override?.judgement ?? l.judgement, ...spec.extra(l) };
  }
  return out;
}

/** A domain's rule run once its answers pass the checks (InputError naming `answers.D…` otherwise). */
export function checkedRule<D extends string, L>(questions: readonly SignallingQuestion<D>[], rules: Record<D, (a: RobAnswers) => L>, domain: D, answers: RobAnswers): L {
  const problems = answerProblems(questions, domain, answers);
  if (problems.length > 0) throw new InputError(problems.join("; "), { field: `answers.${domain}` });
  return rules[domain](answers);
}

interface AssessedResult<D extends string> {
  study: string;
  outcome: string | null;
  domains: Record<D, { final: RobJudgement }>;
  overall: { final: RobJudgement };
  weight?: number;
}

/** A robvis-style table (input of robTrafficLightSvg / robSummarySvg) of final judgements; "not assessed" stays grey. */
export function robTableOf<D extends string>(tool: RobTool, domains: readonly D[], labels: Record<D, string>, assessments: readonly AssessedResult<D>[]): RobTable {
  if (assessments.length === 0) throw new InputError(`no ${ROB_TOOL_NAMES[tool]} assessments to plot`);
  return {
    tool,
    domains: domains.map((d) => labels[d]),
    studies: assessments.map((s) => {
      const judgements: Record<string, RobJudgement> = {};
      for (const d of domains) judgements[labels[d]] = s.domains[d].final;
      const row: RobTable["studies"][number] = { study: s.outcome !== null ? `${s.study} (${s.outcome})` : s.study, judgements, overall: s.overall.final };
      if (s.weight !== undefined) row.weight = s.weight;
      return row;
    }),
  };
}
