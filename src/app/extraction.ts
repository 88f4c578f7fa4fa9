/**
 * Use cases of data extraction and risk of bias (issue 11 §4-5), as the server's routes call them: the pure rules
 * (src/evidence/extraction.ts, rob2.ts, robins-i.ts) applied to what the store holds (src/store/extraction.ts).
 *
 * `reconciledTrialEntry(store, study)` is the agreed extraction as a data/trials.json entry: the input of the
 * evidence draft (an add or replace of the trial in the draft base).
 */
import {
  compareExtractions,
  extractionToTrialEntry,
  parseExtraction,
  reconcile,
  type Disagreement,
  type ResolutionInput,
  type TrialEntryMeta,
} from "../evidence/extraction.js";
import { assessRob2, ROB2_DOMAINS, robTableFromRob2, type Rob2Assessment, type Rob2AssessmentInput } from "../evidence/rob2.js";
import { assessRobinsI, ROBINS_DOMAINS, robTableFromRobinsI, type RobinsAssessment, type RobinsAssessmentInput } from "../evidence/robins-i.js";
import { ROB_TOOL_NAMES } from "../evidence/plots/types.js";
import { robSummarySvg, robTrafficLightSvg } from "../evidence/plots/rob.js";
import { EvidenceTrialSchema, type EvidenceTrial, type TrialRob2, type TrialRobinsI } from "../evidence/schema.js";
import type { EvidenceRevision, EvidenceStore } from "../store/evidence.js";
import { InputError } from "../shared/errors.js";
import type { Actor } from "../store/store.js";
import { ConflictError, NotFoundError } from "../store/store.js";
import type { ExtractionStore, RobToolId, StoredExtraction, StoredReconciliation, StoredRobAssessment } from "../store/extraction.js";

/**
 * Saves a reviewer's extraction of `study`. A draft may be incomplete (it must be a JSON object of this study); a
 * submission must pass the whole form's checks (InputError naming the field otherwise, nothing written).
 */
export async function saveExtraction(es: ExtractionStore, study: string, reviewerId: string, content: unknown, submit: boolean, actor: Actor): Promise<StoredExtraction> {
  if (typeof content !== "object" || content === null || Array.isArray(content)) throw new InputError("the extraction must be a JSON object", { field: "content" });
  const claimed = (content as { study?: unknown }).study;
  if (claimed !== undefined && claimed !== study) throw new InputError(`the form is of study "${String(claimed)}", not "${study}"`, { field: "content.study" });
  const stored = submit ? parseExtraction({ ...content, study }) : { ...content, study };
  return es.save(study, reviewerId, stored, submit, actor);
}

/** The study's two submitted extractions, parsed (ConflictError until both are submitted). */
async function submittedPair(es: ExtractionStore, study: string): Promise<[StoredExtraction, StoredExtraction]> {
  const all = await es.all(study);
  if (all.length === 0) throw new NotFoundError(`no extraction of study ${study}`);
  const sub = all.filter((e) => e.status === "submitted");
  if (sub.length < 2) throw new ConflictError(`study ${study} has ${sub.length} submitted extraction(s); the comparison needs both (blinding)`);
  return [sub[0]!, sub[1]!];
}

export interface ComparisonView {
  study: string;
  reviewerA: string;
  reviewerB: string;
  disagreements: Disagreement[];
}

/** Every disagreement between the two submitted extractions, side by side (A is the extraction started first). */
export async function studyDisagreements(es: ExtractionStore, study: string): Promise<ComparisonView> {
  const [a, b] = await submittedPair(es, study);
  return { study, reviewerA: a.reviewer, reviewerB: b.reviewer, disagreements: compareExtractions(parseExtraction(a.content, "extraction A"), parseExtraction(b.content, "extraction B")) };
}

/** Reconciles the two submitted extractions with one resolution per disagreement and stores the result. */
export async function reconcileStudy(es: ExtractionStore, study: string, resolutions: readonly ResolutionInput[], meta: TrialEntryMeta, actor: Actor): Promise<StoredReconciliation> {
  const [a, b] = await submittedPair(es, study);
  const r = reconcile(parseExtraction(a.content, "extraction A"), parseExtraction(b.content, "extraction B"), resolutions);
  // the trial entry must be valid before anything is stored
  extractionToTrialEntry(r.agreed, meta);
  return es.saveReconciliation(study, { extractionA: a.id, extractionB: b.id, versions: [a.version, b.version], agreed: r.agreed, meta, resolutions: r.resolved }, actor);
}

/**
 * The reconciled study as a data/trials.json entry (EvidenceTrialSchema): what the evidence draft takes.
 * NotFoundError when the study has not been reconciled.
 */
export async function reconciledTrialEntry(es: ExtractionStore, study: string): Promise<EvidenceTrial> {
  const e = await es.reconciledTrialEntry(study);
  if (e === null) throw new NotFoundError(`study ${study} has not been reconciled`);
  return e;
}

/** Which stored risk-of-bias assessment (RoB 2 or ROBINS-I) went into a trial entry (or why none did). */
export interface TrialEntryRob {
  /** The stored assessment used (its tool, version and assessor), null when none could be used. */
  used: { tool: RobToolId; outcome: string; version: number; assessor: string; assessedAt: string; overall: string } | null;
  /** Plain words: "RoB 2 v2 by ann.rev (2026-12-03) for outcome live-birth: some concerns", or why it stays not assessed. */
  note: string;
}

/** The trial outcome row a stored RoB 2 result is about: its id, its outcome kind ("live birth" = live-birth), or the only row. */
function outcomeRowFor(entry: EvidenceTrial, stored: string): string | null {
  const s = stored.trim().toLowerCase();
  const slug = s.replace(/\s+/g, "-");
  const byId = entry.outcomes.find((o) => o.id === stored || o.id === slug);
  if (byId !== undefined) return byId.id;
  const byKind = entry.outcomes.filter((o) => o.outcome === slug);
  if (byKind.length >= 1) return byKind[0]!.id;
  return s === "" && entry.outcomes.length === 1 ? entry.outcomes[0]!.id : null;
}

/** The fields a stored assessment brings to either tool's entry field: who, where read, which row, the answers and overrides. */
function storedRobFields(entry: EvidenceTrial, outcomeRow: string, stored: StoredRobAssessment, input: { answers: object; overrides?: object | undefined }, changedByReviewer: boolean) {
  return {
    assessor: stored.assessor,
    source: entry.source,
    outcome: outcomeRow,
    answers: input.answers,
    overrides: input.overrides ?? {},
    basis: `stored ${ROB_TOOL_NAMES[stored.tool === "rob2" ? "RoB2" : "ROBINS-I"]} assessment v${stored.version} by ${stored.assessor} on ${stored.assessedAt.slice(0, 10)} (Decidua's risk-of-bias screen, ${changedByReviewer ? "with reviewer overrides" : "algorithm"})`,
  };
}

/**
 * A stored RoB 2 assessment as the trial entry's `rob2` field (TrialRob2Schema): the reviewer's answers and
 * overrides, the algorithm's final judgements (which `decidua evidence validate` recomputes), assessor and date in
 * the basis. Null when it cannot be carried: an overall escalation has no place in the field (the domain judgements
 * must give the overall). Pure.
 */
export function trialRob2FromStored(entry: EvidenceTrial, outcomeRow: string, stored: StoredRobAssessment): TrialRob2 | null {
  const input = stored.input as Rob2AssessmentInput;
  const r = stored.result as Rob2Assessment;
  if (r.overall.escalation !== null) return null;
  const judgements = Object.fromEntries(ROB2_DOMAINS.map((d) => [d, r.domains[d].final])) as TrialRob2["judgements"];
  return { tool: "RoB2", ...storedRobFields(entry, outcomeRow, stored, input, r.overall.algorithm !== r.overall.final), judgements, overall: r.overall.final } as TrialRob2;
}

/**
 * A stored ROBINS-I assessment as a non-randomised study entry's `robinsI` field (TrialRobinsISchema), like
 * trialRob2FromStored; the reviewer's overall override travels with its reason (the field holds it). Pure.
 */
export function trialRobinsIFromStored(entry: EvidenceTrial, outcomeRow: string, stored: StoredRobAssessment): TrialRobinsI {
  const input = stored.input as RobinsAssessmentInput;
  const r = stored.result as RobinsAssessment;
  const judgements = Object.fromEntries(ROBINS_DOMAINS.map((d) => [d, r.domains[d].final])) as TrialRobinsI["judgements"];
  const changed = r.overall.override !== null || ROBINS_DOMAINS.some((d) => r.domains[d].override !== null);
  const out = { tool: "ROBINS-I", ...storedRobFields(entry, outcomeRow, stored, input, changed), judgements, overall: r.overall.final } as TrialRobinsI;
  if (input.overallOverride !== undefined) out.overallOverride = input.overallOverride;
  return out;
}

/** The tool a study entry's design calls for: ROBINS-I for a non-randomised study, RoB 2 otherwise. */
const robToolFor = (entry: EvidenceTrial): RobToolId => (entry.design.randomised === false ? "robins-i" : "rob2");

/** A stored assessment as the entry's field of its tool (`rob2` or `robinsI`), null when the field cannot hold it. */
function entryRobField(entry: EvidenceTrial, row: string, a: StoredRobAssessment): { rob2: TrialRob2 } | { robinsI: TrialRobinsI } | null {
  if (a.tool === "robins-i") return { robinsI: trialRobinsIFromStored(entry, row, a) };
  const rob2 = trialRob2FromStored(entry, row, a);
  return rob2 === null ? null : { rob2 };
}

/**
 * The reconciled study as the evidence draft takes it: the trial entry with the study's current stored assessment of
 * the tool its design calls for (RoB 2 in `rob2` for a randomised trial, ROBINS-I in `robinsI` for a non-randomised
 * study; the live-birth row's first, else any row it can be matched to). Without a usable assessment the entry keeps
 * neither field, which GRADE and the evidence browser show as "not assessed".
 */
export async function trialEntryForDraft(es: ExtractionStore, study: string): Promise<{ entry: EvidenceTrial; rob: TrialEntryRob }> {
  const entry = await reconciledTrialEntry(es, study);
  const tool = robToolFor(entry);
  const name = ROB_TOOL_NAMES[tool === "rob2" ? "RoB2" : "ROBINS-I"];
  const stored = (await es.currentRob(tool)).filter((a) => a.study === study);
  const matched = stored.flatMap((a) => {
    const row = outcomeRowFor(entry, a.outcome);
    return row === null ? [] : [{ a, row }];
  });
  const liveBirth = new Set(entry.outcomes.filter((o) => o.outcome === "live-birth").map((o) => o.id));
  matched.sort((x, y) => Number(liveBirth.has(y.row)) - Number(liveBirth.has(x.row)));
  for (const { a, row } of matched) {
    const field = entryRobField(entry, row, a);
    if (field === null) continue;
    const overall = "rob2" in field ? field.rob2.overall : field.robinsI.overall;
    return {
      entry: { ...entry, ...field },
      rob: { used: { tool, outcome: row, version: a.version, assessor: a.assessor, assessedAt: a.assessedAt, overall }, note: `${name} v${a.version} by ${a.assessor} (${a.assessedAt.slice(0, 10)}) for outcome ${row}: ${overall}` },
    };
  }
  const why =
    stored.length === 0
      ? `no ${name} assessment of this study is stored: risk of bias stays not assessed`
      : matched.length === 0
        ? `the stored ${name} assessment(s) (outcome ${stored.map((a) => `"${a.outcome}"`).join(", ")}) match no outcome row of the entry: risk of bias stays not assessed`
        : "the stored RoB 2 assessment escalates the overall judgement, which the trial entry cannot hold: risk of bias stays not assessed";
  return { entry, rob: { used: null, note: why } };
}

/**
 * "Use this assessment in the draft": the latest stored assessment of `study`'s result `outcome` with `tool`, which
 * must be the one the draft entry's design calls for (RoB 2 → `rob2`, ROBINS-I → `robinsI`; InputError otherwise), written into the draft's entry of that trial
 * as one revision with the reason. For trials already in the base (no new extraction needed). NotFoundError when the
 * draft has no such trial or no assessment is stored; InputError when the assessment matches none of the trial's
 * outcome rows or escalates the overall judgement.
 */
export async function robIntoDraft(
  xs: ExtractionStore,
  es: EvidenceStore,
  study: string,
  outcome: string,
  actor: Actor,
  why: string,
  expectedRevision?: number,
  tool: RobToolId = "rob2",
): Promise<{ rob2?: TrialRob2; robinsI?: TrialRobinsI; revisions: EvidenceRevision[] }> {
  const draft = await es.getEvidenceDraft();
  const raw = (draft.content.trials ?? []).find((t) => (t as { id?: unknown }).id === study) as Record<string, unknown> | undefined;
  if (raw === undefined) throw new NotFoundError(`the evidence draft has no trial ${study} (put the reconciled extraction into the draft first)`);
  const trial = EvidenceTrialSchema.parse(raw);
  if (robToolFor(trial) !== tool) throw new InputError(`${study} is ${trial.design.randomised === false ? "a non-randomised study: use ROBINS-I" : "a randomised trial (or of unknown design): use RoB 2"}, not ${ROB_TOOL_NAMES[tool === "rob2" ? "RoB2" : "ROBINS-I"]}`, { field: "tool" });
  const versions = await xs.robHistory(study, outcome, tool);
  const latest = versions[versions.length - 1];
  if (latest === undefined) throw new NotFoundError(`no ${ROB_TOOL_NAMES[tool === "rob2" ? "RoB2" : "ROBINS-I"]} assessment of ${study}${outcome !== "" ? ` (${outcome})` : ""} is stored`);
  const row = outcomeRowFor(trial, latest.outcome);
  if (row === null) throw new InputError(`the assessment's outcome "${latest.outcome}" matches none of ${study}'s outcome rows (${trial.outcomes.map((o) => o.id).join(", ") || "none"})`, { field: "outcome" });
  const field = entryRobField(trial, row, latest);
  if (field === null) throw new InputError("the assessment escalates the overall judgement, which a trial entry's rob2 cannot hold (the domain judgements must give the overall)", { field: "overallEscalation" });
  const revisions = await es.reviseEvidenceDraft(actor, why, { kind: "replace", table: "trials", entry: { ...raw, ...field } }, expectedRevision);
  return { ...field, revisions };
}

export type RobInput = { tool: "rob2"; assessment: Rob2AssessmentInput } | { tool: "robins-i"; assessment: RobinsAssessmentInput };

/** Runs the tool's algorithms (InputError on bad answers, overrides without a reason, …) and stores a new version. */
export async function saveRobAssessment(es: ExtractionStore, input: RobInput, actor: Actor): Promise<StoredRobAssessment> {
  if (input.tool === "rob2") {
    const r = assessRob2(input.assessment);
    const overrides = Object.values(r.domains).flatMap((d) => (d.override !== null ? [`${d.domain} ${d.algorithm} → ${d.override.judgement}: ${d.override.reason}`] : []));
    if (r.overall.escalation !== null) overrides.push(`overall → high: ${r.overall.escalation.reason}`);
    return es.saveRob({ study: r.study, outcome: r.outcome ?? "", tool: "rob2", input: input.assessment, result: r, overallAlgorithm: r.overall.algorithm, overallFinal: r.overall.final, overrides }, actor);
  }
  const r = assessRobinsI(input.assessment);
  const overrides = Object.values(r.domains).flatMap((d) => (d.override !== null ? [`${d.domain} ${d.algorithm} → ${d.override.judgement}: ${d.override.reason}`] : []));
  if (r.overall.override !== null) overrides.push(`overall ${r.overall.algorithm} → ${r.overall.override.judgement}: ${r.overall.override.reason}`);
  return es.saveRob({ study: r.study, outcome: r.outcome ?? "", tool: "robins-i", input: input.assessment, result: r, overallAlgorithm: r.overall.algorithm, overallFinal: r.overall.final, overrides }, actor);
}

/** robvis-style plot (traffic light or summary) from the stored final judgements of one tool; null when none is stored. */
export async function robPlotFromStore(es: ExtractionStore, tool: RobToolId, kind: "traffic-light" | "summary"): Promise<string | null> {
  const current = await es.currentRob(tool);
  if (current.length === 0) return null;
  const table = tool === "rob2" ? robTableFromRob2(current.map((c) => c.result as Rob2Assessment)) : robTableFromRobinsI(current.map((c) => c.result as RobinsAssessment));
  const title = `${tool === "rob2" ? "RoB 2" : "ROBINS-I"}: ${kind === "traffic-light" ? "judgement per study and domain" : "share of studies per judgement"} (stored assessments)`;
  return kind === "traffic-light" ? robTrafficLightSvg(table, { title }) : robSummarySvg(table, { title });
}
