/**
 * Data extraction per study (issue 11 §4): the form two reviewers fill in independently, the list of every
 * disagreement between two extractions, their reconciliation (each disagreement resolved by taking A, taking B or a
 * new value with a written reason), and the agreed extraction as a data/trials.json entry.
 *
 * Pure: no I/O, no clock. Bad input is an InputError naming the field path (e.g. `outcomes.0.data.sd_t`).
 *
 * Derived numbers carry how they were derived, as in the evidence base: `status: "derived"` with a `derivation`
 * whose `method` says from what (a percentage, the arm sizes, other) and a `note` with the arithmetic.
 */
import { z } from "zod";
import { InputError } from "../shared/errors.js";
import type { TherapyId } from "../shared/therapies.js";
import {
  EvidenceAnalysisSetSchema,
  EvidenceIdSchema,
  EvidenceOutcomeKindSchema,
  EvidenceSubgroupSchema,
  EvidenceTrialSchema,
  type EvidenceTrial,
  type EvidenceTrialOutcome,
} from "./schema.js";

const count = z.number().int("a count must be a whole number").nonnegative("a count cannot be negative").nullable();
const text = z.string().trim().min(1);

/** How a number that the report does not print directly was obtained. */
export const DerivationMethodSchema = z.enum(["from-percentage", "from-arm-sizes", "from-figure", "other"]);
export type DerivationMethod = z.infer<typeof DerivationMethodSchema>;
export const DERIVATION_METHOD_LABELS: Record<DerivationMethod, string> = {
  "from-percentage": "from a percentage",
  "from-arm-sizes": "from the arm sizes",
  "from-figure": "read from a figure",
  other: "other",
};

export const DerivationSchema = z
  .object({
    method: DerivationMethodSchema,
    /** The arithmetic, e.g. "52.9% of 17 = 9". */
    note: text,
  })
  .strict();

/** An intervention as given: what, dose, route, timing (when it starts, how often, how long). */
export const InterventionSchema = z
  .object({
    description: text,
    dose: z.string().trim(),
    route: z.string().trim().default(""),
    timing: z.string().trim(),
  })
  .strict();

export const ExtractionArmSchema = z
  .object({
    id: z.enum(["treatment", "control", "treatment-2"]),
    /** Short label, e.g. "LIT" or "routine treatment". */
    label: z.string().trim().min(2),
    intervention: InterventionSchema,
    /** Participants allocated to the arm (null when the report does not say). */
    randomised: count,
  })
  .strict();

export const ExtractionDichotomousSchema = z
  .object({
    type: z.literal("dichotomous"),
    events_t: count,
    total_t: count,
    events_c: count,
    total_c: count,
  })
  .strict();

const mean = z.number().nullable();
const sd = z.number().nonnegative("a standard deviation cannot be negative").nullable();
export const ExtractionContinuousSchema = z
  .object({
    type: z.literal("continuous"),
    unit: z.string().trim().default(""),
    mean_t: mean,
    sd_t: sd,
    n_t: count,
    mean_c: mean,
    sd_c: sd,
    n_c: count,
  })
  .strict();

export const ExtractionOutcomeSchema = z
  .object({
    id: EvidenceIdSchema,
    outcome: EvidenceOutcomeKindSchema,
    /** The trial's own definition (paraphrased). */
    definition: z.string().trim().min(3),
    analysis: EvidenceAnalysisSetSchema,
    /** When the outcome was measured, e.g. "birth", "12 weeks' gestation". */
    timePoint: text,
    subgroup: EvidenceSubgroupSchema.optional(),
    data: z.discriminatedUnion("type", [ExtractionDichotomousSchema, ExtractionContinuousSchema]),
    status: z.enum(["reported", "derived", "missing"]),
    derivation: DerivationSchema.optional(),
    missingNote: z.string().trim().min(1).optional(),
    statedDirection: z.enum(["favours treatment", "no clear difference", "favours control"]).optional(),
    /** Where in the report (table, page, abstract). */
    location: z.string().trim().default(""),
  })
  .strict();
export type ExtractionOutcome = z.infer<typeof ExtractionOutcomeSchema>;

export const ExtractionDesignSchema = z
  .object({
    randomised: z.boolean().nullable(),
    /** For a non-randomised study: which design (cohort, case-control, …); empty for an RCT. */
    nonRandomisedDesign: z.string().trim().default(""),
    blinding: z.enum(["double-blind", "single-blind", "open", "unclear", "not-reported"]),
    control: z.enum(["placebo", "no-treatment", "autologous-lymphocytes", "routine-treatment", "basic-therapy-plus-placebo", "surveillance", "unknown"]),
    controlDetail: z.string().trim().default(""),
    setting: z.string().trim().default(""),
  })
  .strict();

export const ExtractionPopulationSchema = z
  .object({
    description: z.string().trim().min(3),
    inclusion: z.string().trim().min(3),
    exclusion: z.string().trim().default(""),
    /** Participants enrolled in the comparison (null when not reported). */
    enrolled: count,
    subgroups: z.array(EvidenceSubgroupSchema).default([]),
  })
  .strict();

/** One reviewer's extraction of one study. */
export const ExtractionSchema = z
  .object({
    /** The trial id in the evidence base (e.g. "dashti-2025"). */
    study: EvidenceIdSchema,
    /** The source (data/sources.json id) the numbers were read in. */
    source: EvidenceIdSchema,
    design: ExtractionDesignSchema,
    population: ExtractionPopulationSchema,
    arms: z.array(ExtractionArmSchema).min(2, "a comparison needs at least two arms"),
    outcomes: z.array(ExtractionOutcomeSchema),
    notes: z.string().trim().default(""),
  })
  .strict();
export type Extraction = z.infer<typeof ExtractionSchema>;
export type ExtractionInput = z.input<typeof ExtractionSchema>;

/** One problem of an extraction: the field path and why. */
export interface ExtractionProblem {
  field: string;
  message: string;
}

/** Every problem of an extraction beyond its shape: events above totals, counts above arm sizes, derivations. */
export function extractionProblems(e: Extraction): ExtractionProblem[] {
  const out: ExtractionProblem[] = [];
  const armIds = e.arms.map((a) => a.id);
  e.arms.forEach((a, i) => {
    if (armIds.indexOf(a.id) !== i) out.push({ field: `arms.${i}.id`, message: `arm "${a.id}" is listed twice` });
  });
  for (const need of ["treatment", "control"] as const) if (!armIds.includes(need)) out.push({ field: "arms", message: `the "${need}" arm is missing` });
  const armSize = (id: "treatment" | "control"): number | null => e.arms.find((a) => a.id === id)?.randomised ?? null;
  const sumArms = e.arms.reduce<number | null>((s, a) => (s === null || a.randomised === null ? null : s + a.randomised), 0);
  if (e.population.enrolled !== null && sumArms !== null && sumArms > e.population.enrolled)
    out.push({ field: "population.enrolled", message: `the arms add up to ${sumArms}, more than the ${e.population.enrolled} enrolled` });
  const ids = new Set<string>();
  e.outcomes.forEach((o, i) => {
    const p = `outcomes.${i}`;
    if (ids.has(o.id)) out.push({ field: `${p}.id`, message: `outcome id "${o.id}" is used twice` });
    ids.add(o.id);
    const d = o.data;
    const nums: Array<[string, number | null, "treatment" | "control", number | null]> =
      d.type === "dichotomous"
        ? [
            ["total_t", d.total_t, "treatment", d.events_t],
            ["total_c", d.total_c, "control", d.events_c],
          ]
        : [
            ["n_t", d.n_t, "treatment", null],
            ["n_c", d.n_c, "control", null],
          ];
    for (const [field, total, arm, events] of nums) {
      const ev = field.endsWith("_t") ? "events_t" : "events_c";
      if (events !== null && total !== null && events > total) out.push({ field: `${p}.data.${ev}`, message: `${events} events exceed the arm total ${total}` });
      if (events !== null && total === null) out.push({ field: `${p}.data.${field}`, message: `events given (${events}) without the arm total` });
      const size = armSize(arm);
      if (o.analysis === "itt" && total !== null && size !== null && total > size)
        out.push({ field: `${p}.data.${field}`, message: `ITT total ${total} exceeds the ${size} allocated to ${arm}` });
    }
    if (d.type === "continuous") {
      for (const arm of ["t", "c"] as const) {
        const m = d[`mean_${arm}`];
        const s = d[`sd_${arm}`];
        const n = d[`n_${arm}`];
        if ((m === null) !== (s === null) || (m !== null && n === null)) out.push({ field: `${p}.data.mean_${arm}`, message: "a mean needs its SD and n (or leave all three empty)" });
      }
    }
    const values = d.type === "dichotomous" ? [d.events_t, d.total_t, d.events_c, d.total_c] : [d.mean_t, d.sd_t, d.n_t, d.mean_c, d.sd_c, d.n_c];
    const anyNull = values.some((v) => v === null);
    const allNull = values.every((v) => v === null);
    if (o.status === "derived" && o.derivation === undefined) out.push({ field: `${p}.derivation`, message: "a derived number must say how it was derived (from a percentage, from the arm sizes, …)" });
    if (o.status !== "derived" && o.derivation !== undefined) out.push({ field: `${p}.status`, message: `a derivation is given but the status is "${o.status}" (use "derived")` });
    if (o.status !== "missing" && anyNull) out.push({ field: `${p}.status`, message: `status "${o.status}" but some numbers are empty (use "missing" with a note saying which)` });
    if (o.status === "missing" && (o.missingNote ?? "") === "") out.push({ field: `${p}.missingNote`, message: "say which numbers are missing and what the report gives instead" });
    if (o.status === "missing" && allNull && o.statedDirection === undefined && (o.missingNote ?? "") === "")
      out.push({ field: `${p}.statedDirection`, message: "no numbers: give the direction the report states, if any" });
  });
  return out;
}

/** Parses and checks an extraction; throws InputError naming the first problem's field path (all problems in the message). */
export function parseExtraction(input: unknown, what = "extraction"): Extraction {
  const r = ExtractionSchema.safeParse(input);
  if (!r.success) {
    const issues = r.error.issues;
    const first = issues[0];
    const field = first?.path.map(String).join(".") ?? "";
    throw new InputError(`${what}: ${issues.map((i) => `${i.path.map(String).join(".") || "(root)"}: ${i.message}`).join("; ")}`, { field });
  }
  const problems = extractionProblems(r.data);
  if (problems.length > 0) throw new InputError(`${what}: ${problems.map((p) => `${p.field}: ${p.message}`).join("; ")}`, { field: problems[0]!.field });
  return r.data;
}

// ---------------------------------------------------------------------------------------------------------------
// Comparison

/** A JSON value as the comparison sees it. */
export type FieldValue = string | number | boolean | null | readonly FieldValue[] | { readonly [k: string]: FieldValue };

/** One disagreement: where, what A entered, what B entered (undefined: the field is absent in that extraction). */
export interface Disagreement {
  /** Dotted path, with outcomes and arms keyed by their id: `outcomes[live-birth].data.events_t`, `arms[control].label`. */
  path: string;
  a: FieldValue | undefined;
  b: FieldValue | undefined;
}

const KEYED_LISTS = new Set(["arms", "outcomes"]);

function isRecord(v: unknown): v is Record<string, FieldValue> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (isRecord(v)) return Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical(v[k])]));
  return v;
}

function walk(a: unknown, b: unknown, path: string, out: Disagreement[]): void {
  if (sameValue(a, b)) return;
  if (isRecord(a) && isRecord(b)) {
    // a change of data type (counts vs means) is one disagreement, not one per field
    if ("type" in a && "type" in b && a.type !== b.type) {
      out.push({ path, a: a as FieldValue, b: b as FieldValue });
      return;
    }
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    for (const k of keys) {
      const sub = path === "" ? k : `${path}.${k}`;
      const av = a[k];
      const bv = b[k];
      if (KEYED_LISTS.has(sub) && Array.isArray(av) && Array.isArray(bv)) walkKeyed(av, bv, sub, out);
      else walk(av, bv, sub, out);
    }
    return;
  }
  out.push({ path, a: a as FieldValue | undefined, b: b as FieldValue | undefined });
}

function walkKeyed(a: readonly unknown[], b: readonly unknown[], path: string, out: Disagreement[]): void {
  const idOf = (x: unknown): string => (isRecord(x) && typeof x.id === "string" ? x.id : "?");
  const ids = [...new Set([...a.map(idOf), ...b.map(idOf)])];
  for (const id of ids) {
    const av = a.find((x) => idOf(x) === id);
    const bv = b.find((x) => idOf(x) === id);
    const sub = `${path}[${id}]`;
    if (av === undefined || bv === undefined) out.push({ path: sub, a: av as FieldValue | undefined, b: bv as FieldValue | undefined });
    else walk(av, bv, sub, out);
  }
}

/** Every field where two extractions of the same study differ (order of arms and outcomes does not matter). */
export function compareExtractions(a: Extraction, b: Extraction): Disagreement[] {
  if (a.study !== b.study) throw new InputError(`the two extractions are of different studies ("${a.study}" and "${b.study}")`, { field: "study" });
  const out: Disagreement[] = [];
  walk(a, b, "", out);
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Reconciliation

export const ResolutionSchema = z.discriminatedUnion("choice", [
  z.object({ path: z.string().min(1), choice: z.literal("a"), reason: z.string().trim().default("") }).strict(),
  z.object({ path: z.string().min(1), choice: z.literal("b"), reason: z.string().trim().default("") }).strict(),
  z
    .object({
      path: z.string().min(1),
      choice: z.literal("new"),
      /** The agreed value (JSON), replacing both. */
      value: z.json(),
      reason: z.string().trim().min(1, "a new value needs a written reason"),
    })
    .strict(),
]);
export type Resolution = z.infer<typeof ResolutionSchema>;
export type ResolutionInput = z.input<typeof ResolutionSchema>;

/** How one disagreement was settled. */
export interface ResolvedDisagreement extends Disagreement {
  choice: "a" | "b" | "new";
  value: FieldValue | undefined;
  reason: string;
}

export interface Reconciliation {
  agreed: Extraction;
  resolved: ResolvedDisagreement[];
}

interface Segment {
  key: string;
  /** Set for `name[id]` segments (an element of a keyed list). */
  id?: string;
}

function parsePath(path: string): Segment[] {
  const segs: Segment[] = [];
  for (const part of path.split(/\.(?![^[]*\])/)) {
    const m = /^([^[\]]+)\[([^\]]+)\]$/.exec(part);
    if (m !== null) segs.push({ key: m[1]!, id: m[2]! });
    else segs.push({ key: part });
  }
  return segs;
}

/** Sets (or deletes, for undefined) the value at a disagreement path, in place. */
function setAt(root: Record<string, unknown>, path: string, value: unknown): void {
  const segs = parsePath(path);
  let node: unknown = root;
  segs.forEach((s, i) => {
    const last = i === segs.length - 1;
    if (!isRecord(node)) throw new InputError(`cannot resolve "${path}": no such field`, { field: path });
    const rec = node as Record<string, unknown>;
    if (s.id !== undefined) {
      const list = (rec[s.key] ??= []) as unknown[];
      if (!Array.isArray(list)) throw new InputError(`cannot resolve "${path}": ${s.key} is not a list`, { field: path });
      const idx = list.findIndex((x) => isRecord(x) && x.id === s.id);
      if (last) {
        if (value === undefined) {
          if (idx >= 0) list.splice(idx, 1);
        } else if (idx >= 0) list[idx] = value;
        else list.push(value);
        return;
      }
      if (idx < 0) throw new InputError(`cannot resolve "${path}": no ${s.key} with id "${s.id}"`, { field: path });
      node = list[idx];
      return;
    }
    if (last) {
      if (value === undefined) delete rec[s.key];
      else rec[s.key] = value;
      return;
    }
    node = rec[s.key];
  });
}

/**
 * The agreed extraction: starts from A, and for every disagreement applies its resolution (take A, take B, or a new
 * value with a reason). Every disagreement must be resolved, and only disagreements may be; the result is checked
 * like any extraction (an agreed value cannot put events above totals).
 */
export function reconcile(a: Extraction, b: Extraction, resolutionsInput: readonly ResolutionInput[]): Reconciliation {
  const parsed = z.array(ResolutionSchema).safeParse(resolutionsInput);
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    throw new InputError(`resolutions: ${i?.message ?? "invalid"}`, { field: `resolutions.${i?.path.map(String).join(".") ?? ""}` });
  }
  const resolutions = parsed.data;
  const disagreements = compareExtractions(a, b);
  const byPath = new Map(disagreements.map((d) => [d.path, d]));
  const seen = new Set<string>();
  for (const [i, r] of resolutions.entries()) {
    if (!byPath.has(r.path)) throw new InputError(`"${r.path}" is not a disagreement between the two extractions`, { field: `resolutions.${i}.path` });
    if (seen.has(r.path)) throw new InputError(`"${r.path}" is resolved twice`, { field: `resolutions.${i}.path` });
    seen.add(r.path);
  }
  const open = disagreements.filter((d) => !seen.has(d.path));
  if (open.length > 0) throw new InputError(`${open.length} disagreement(s) not resolved: ${open.map((d) => d.path).join(", ")}`, { field: "resolutions" });
  const agreed = structuredClone(a) as unknown as Record<string, unknown>;
  const resolved: ResolvedDisagreement[] = [];
  for (const d of disagreements) {
    const r = resolutions.find((x) => x.path === d.path)!;
    const value = r.choice === "a" ? d.a : r.choice === "b" ? d.b : (r.value as FieldValue);
    setAt(agreed, d.path, value === undefined ? undefined : structuredClone(value));
    resolved.push({ ...d, choice: r.choice, value, reason: r.reason });
  }
  return { agreed: parseExtraction(agreed, "agreed extraction"), resolved };
}

// ---------------------------------------------------------------------------------------------------------------
// To the evidence base

export interface TrialEntryMeta {
  therapy: TherapyId;
  /** How the trial is cited, e.g. "Dashti 2025". */
  label: string;
  year: number | null;
  comparison: string;
  note?: string;
}

function describeIntervention(arm: Extraction["arms"][number]): string {
  const i = arm.intervention;
  const parts = [i.description, i.dose !== "" ? `dose ${i.dose}` : "", i.route !== "" ? `route ${i.route}` : "", i.timing !== "" ? `timing ${i.timing}` : ""].filter((s) => s !== "");
  return `${arm.label}: ${parts.join("; ")}`;
}

function toTrialOutcome(o: ExtractionOutcome, source: string): EvidenceTrialOutcome {
  const base = {
    id: o.id,
    outcome: o.outcome,
    definition: `${o.definition} (time point: ${o.timePoint})`,
    analysis: o.analysis,
    ...(o.subgroup !== undefined ? { subgroup: o.subgroup } : {}),
    ...(o.statedDirection !== undefined ? { statedDirection: o.statedDirection } : {}),
    source,
  };
  const derivation = o.derivation === undefined ? {} : { derivation: `${DERIVATION_METHOD_LABELS[o.derivation.method]}: ${o.derivation.note}` };
  if (o.data.type === "dichotomous") {
    return {
      ...base,
      events_t: o.data.events_t,
      total_t: o.data.total_t,
      events_c: o.data.events_c,
      total_c: o.data.total_c,
      status: o.status,
      ...derivation,
      ...(o.missingNote !== undefined ? { missingNote: o.missingNote } : {}),
    };
  }
  // The trial entry holds counts; a continuous outcome keeps its mean/SD/n in the note (and in the stored extraction).
  const d = o.data;
  const arm = (m: number | null, s: number | null, n: number | null): string => (m === null ? "not reported" : `mean ${m}${d.unit !== "" ? ` ${d.unit}` : ""}, SD ${s ?? "?"}, n ${n ?? "?"}`);
  const cont = `continuous outcome (treatment ${arm(d.mean_t, d.sd_t, d.n_t)}; control ${arm(d.mean_c, d.sd_c, d.n_c)}; ${o.status}${o.derivation !== undefined ? `, ${DERIVATION_METHOD_LABELS[o.derivation.method]}: ${o.derivation.note}` : ""})`;
  return { ...base, events_t: null, total_t: null, events_c: null, total_c: null, status: "missing", missingNote: o.missingNote !== undefined ? `${o.missingNote}; ${cont}` : cont };
}

/**
 * The agreed extraction as a trial entry of data/trials.json (`EvidenceTrialSchema`), ready for an evidence draft.
 * RoB is left null: a RoB 2 / ROBINS-I assessment is stored and plotted separately (src/store/extraction.ts).
 * Throws InputError if the entry does not pass the schema.
 */
export function extractionToTrialEntry(agreedInput: Extraction, meta: TrialEntryMeta): EvidenceTrial {
  const agreed = parseExtraction(agreedInput, "agreed extraction");
  const d = agreed.design;
  const notes = [
    d.nonRandomisedDesign !== "" ? `design: ${d.nonRandomisedDesign}` : "",
    d.setting !== "" ? `setting: ${d.setting}` : "",
    `interventions: ${agreed.arms.map(describeIntervention).join(" | ")}`,
  ].filter((s) => s !== "");
  const entry = {
    id: agreed.study,
    label: meta.label,
    year: meta.year,
    therapy: meta.therapy,
    comparison: meta.comparison,
    found: true,
    design: {
      randomised: d.randomised,
      blinding: d.blinding,
      control: d.control,
      ...(d.controlDetail !== "" ? { controlDetail: d.controlDetail } : {}),
      note: notes.join("; "),
    },
    population: agreed.population.enrolled !== null ? `${agreed.population.description} (${agreed.population.enrolled} enrolled)` : agreed.population.description,
    inclusion: agreed.population.exclusion !== "" ? `${agreed.population.inclusion}; excluded: ${agreed.population.exclusion}` : agreed.population.inclusion,
    arms: agreed.arms.map((a) => ({ id: a.id, label: a.label, randomised: a.randomised })),
    outcomes: agreed.outcomes.map((o) => toTrialOutcome(o, agreed.source)),
    subgroups: agreed.population.subgroups,
    rob: null,
    source: agreed.source,
    ...(meta.note !== undefined || agreed.notes !== "" ? { note: [meta.note ?? "", agreed.notes].filter((s) => s !== "").join("; ") } : {}),
  };
  const r = EvidenceTrialSchema.safeParse(entry);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new InputError(`trial entry: ${i?.message ?? "invalid"}`, { field: i?.path.map(String).join(".") ?? "" });
  }
  return r.data;
}

// ---------------------------------------------------------------------------------------------------------------
// Blinding

/** Independent extractions per study. */
export const EXTRACTORS_PER_STUDY = 2;

/**
 * Whether `viewerId` may see the content of the extraction by `ownerId`: always their own; another reviewer's only
 * once the study has its two extractions and both are submitted (so neither can be influenced by the other).
 */
export function extractionVisible(viewerId: string, ownerId: string, statuses: readonly { reviewerId: string; status: "draft" | "submitted" }[]): boolean {
  if (viewerId === ownerId) return true;
  return statuses.length >= EXTRACTORS_PER_STUDY && statuses.every((s) => s.status === "submitted");
}
