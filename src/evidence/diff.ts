/**
 * What changed between two evidence bases (issue 11 §2): entries added, removed and changed per table, each change
 * as the field path with the value before and after (arrays of entries with an `id` are matched by id, so
 * `outcomes[live-birth].events_t` names the live-birth count of the treated arm), trials' changes grouped by what
 * they touch (counts, outcomes, risk of bias, arms, design, …), and the Summary-of-Findings row of every therapy
 * before and after. Pure.
 */
import { THERAPY_IDS, type TherapyId } from "../shared/therapy-ids.js";
import { liveBirthSof } from "./api.js";
import { summaryOfFindingsTable } from "./grade-outcomes.js";
import { canonicalJson } from "./canonical.js";
import type { EvidenceBase } from "./schema.js";
import type { EvidenceTable } from "./versions.js";

export interface FieldChange {
  /** e.g. `outcomes[live-birth].events_t`, `rob.overall`, `statement`. */
  path: string;
  before: unknown;
  after: unknown;
}

export interface EntryChange {
  id: string;
  /** The entry's label (trials, meta-analyses), body and year (guidelines), name (therapies), or id. */
  label: string;
  fields: FieldChange[];
  /** Trials: what the changes touch (counts, outcomes, rob, arms, design, population, source, other). */
  aspects: string[];
}

export interface TableDiff {
  added: Array<{ id: string; label: string }>;
  removed: Array<{ id: string; label: string }>;
  changed: EntryChange[];
}

export interface SofChange {
  therapy: TherapyId;
  before: SofDigest | null;
  after: SofDigest | null;
  /** Which of the digest's fields differ. */
  fields: string[];
}

/** The parts of a therapy's best Summary-of-Findings row a reviewer compares. */
export interface SofDigest {
  outcome: string;
  basis: string;
  effect: string;
  certainty: string;
  studies: number | null;
  participants: number | null;
}

export interface EvidenceDiff {
  tables: Record<EvidenceTable, TableDiff>;
  sof: SofChange[];
  /** True when nothing differs. */
  same: boolean;
}

type Json = unknown;

function isObject(v: Json): v is Record<string, Json> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function keyedById(a: readonly Json[]): Map<string, Json> | null {
  const m = new Map<string, Json>();
  for (const e of a) {
    if (!isObject(e) || typeof e.id !== "string" || m.has(e.id)) return null;
    m.set(e.id, e);
  }
  return m;
}

/** Every leaf difference between two JSON values, as paths. */
export function jsonDifferences(before: Json, after: Json, path = ""): FieldChange[] {
  if (canonicalJson(before ?? null) === canonicalJson(after ?? null)) return [];
  if (Array.isArray(before) && Array.isArray(after)) {
    const ka = keyedById(before);
    const kb = keyedById(after);
    if (ka !== null && kb !== null) {
      const out: FieldChange[] = [];
      for (const [id, va] of ka) out.push(...jsonDifferences(va, kb.get(id), `${path}[${id}]`));
      for (const [id, vb] of kb) if (!ka.has(id)) out.push({ path: `${path}[${id}]`, before: undefined, after: vb });
      return out;
    }
    if (before.length === after.length && before.every((v) => isObject(v) || Array.isArray(v))) {
      return before.flatMap((v, i) => jsonDifferences(v, after[i], `${path}[${i}]`));
    }
    return [{ path: path || "(entry)", before, after }];
  }
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((k) => jsonDifferences(before[k], after[k], path === "" ? k : `${path}.${k}`));
  }
  return [{ path: path || "(entry)", before, after }];
}

const COUNT_FIELD = /\.(events_[tc]|total_[tc]|mean_[tc]|sd_[tc]|n_[tc])$/;

function trialAspect(path: string): string {
  if (path.startsWith("outcomes")) return COUNT_FIELD.test(path) ? "counts" : "outcomes";
  if (path.startsWith("rob")) return "rob";
  const top = path.split(/[.[]/)[0] ?? path;
  return ["arms", "design", "population", "inclusion", "source", "subgroups", "found", "year", "label", "therapy", "comparison"].includes(top) ? top : "other";
}

function labelOf(table: EvidenceTable, e: Json): string {
  if (!isObject(e)) return "?";
  if (table === "guidelines") return `${String(e.body)} ${String(e.year)}: ${String(e.topic)}`;
  if (typeof e.label === "string") return e.label;
  if (typeof e.name === "string") return e.name;
  return String(e.id);
}

function tableDiff(table: EvidenceTable, a: readonly Json[], b: readonly Json[]): TableDiff {
  const ka = keyedById(a) ?? new Map<string, Json>();
  const kb = keyedById(b) ?? new Map<string, Json>();
  const out: TableDiff = { added: [], removed: [], changed: [] };
  for (const [id, va] of ka) {
    const vb = kb.get(id);
    if (vb === undefined) {
      out.removed.push({ id, label: labelOf(table, va) });
      continue;
    }
    const fields = jsonDifferences(va, vb);
    if (fields.length > 0) out.changed.push({ id, label: labelOf(table, vb), fields, aspects: table === "trials" ? [...new Set(fields.map((f) => trialAspect(f.path)))] : [] });
  }
  for (const [id, vb] of kb) if (!ka.has(id)) out.added.push({ id, label: labelOf(table, vb) });
  return out;
}

function sofDigest(base: EvidenceBase, therapy: TherapyId): SofDigest | null {
  if (!base.therapies.some((t) => t.id === therapy)) return null;
  const s = liveBirthSof(base, therapy).summary;
  if (s === null) return null;
  return { outcome: s.label, basis: s.basis, effect: s.relative.text, certainty: s.certainty.level, studies: s.studies, participants: s.participants };
}

/** The differences from base `a` (e.g. the published version) to base `b` (e.g. the draft). */
export function diffEvidenceBases(a: EvidenceBase, b: EvidenceBase): EvidenceDiff {
  const tables = {} as Record<EvidenceTable, TableDiff>;
  for (const t of Object.keys(a).concat(Object.keys(b)) as EvidenceTable[]) {
    if (t in tables) continue;
    const ra = (a as unknown as Record<string, Json[] | undefined>)[t] ?? [];
    const rb = (b as unknown as Record<string, Json[] | undefined>)[t] ?? [];
    tables[t] = tableDiff(t, ra, rb);
  }
  const sof: SofChange[] = [];
  for (const therapy of THERAPY_IDS) {
    const before = sofDigest(a, therapy);
    const after = sofDigest(b, therapy);
    const keys: Array<keyof SofDigest> = ["outcome", "basis", "effect", "certainty", "studies", "participants"];
    const fields = before === null || after === null ? (before === after ? [] : ["summary"]) : keys.filter((k) => before[k] !== after[k]);
    if (fields.length > 0) sof.push({ therapy, before, after, fields });
  }
  const same = sof.length === 0 && Object.values(tables).every((d) => d.added.length === 0 && d.removed.length === 0 && d.changed.length === 0);
  return { tables, sof, same };
}

// ---------------------------------------------------------------------------------------------------------------
// The reviewer's comparison of two versions (or a version and the draft)

/** What a reviewer compares, in this order, with its heading: the studies, their counts, risk of bias, GRADE ratings, guideline positions, the rest. */
const GROUPS = [
  ["trials", "Trials (added, removed, design, arms, outcomes)"],
  ["counts", "Counts"],
  ["rob", "Risk of bias (RoB 1, RoB 2, ROBINS-I)"],
  ["grade", "GRADE ratings"],
  ["guidelines", "Guideline positions"],
  ["other", "Meta-analyses, sources, therapies, PRISMA flows"],
] as const;
export type ChangeGroup = (typeof GROUPS)[number][0];
export const CHANGE_GROUPS: readonly ChangeGroup[] = GROUPS.map(([g]) => g);

/** One change on one row of the comparison: an entry added or removed, or one field before and after. */
export interface GroupedChange {
  table: EvidenceTable;
  id: string;
  label: string;
  kind: "added" | "removed" | "changed";
  /** The field path for a change, null for an entry added or removed. */
  path: string | null;
  before: unknown;
  after: unknown;
}

function groupOf(table: EvidenceTable, path: string | null): ChangeGroup {
  if (table === "guidelines") return "guidelines";
  if (table === "therapies" && path !== null && path.startsWith("gradeOverrides")) return "grade";
  if (table !== "trials") return "other";
  if (path === null) return "trials";
  const aspect = trialAspect(path);
  return aspect === "counts" ? "counts" : aspect === "rob" ? "rob" : "trials";
}

export interface ChangeGroupView {
  group: ChangeGroup;
  label: string;
  changes: GroupedChange[];
}

/** The diff's entries and fields sorted into the reviewer's groups, in CHANGE_GROUPS order (every group present, empty when unchanged). */
export function groupEvidenceChanges(diff: EvidenceDiff): ChangeGroupView[] {
  const out: ChangeGroupView[] = GROUPS.map(([group, label]) => ({ group, label, changes: [] }));
  const add = (table: EvidenceTable, c: Omit<GroupedChange, "table">): void => {
    out[CHANGE_GROUPS.indexOf(groupOf(table, c.path))]!.changes.push({ table, ...c });
  };
  for (const [table, d] of Object.entries(diff.tables) as Array<[EvidenceTable, TableDiff]>) {
    for (const e of d.added) add(table, { id: e.id, label: e.label, kind: "added", path: null, before: null, after: null });
    for (const e of d.removed) add(table, { id: e.id, label: e.label, kind: "removed", path: null, before: null, after: null });
    for (const e of d.changed) for (const f of e.fields) add(table, { id: e.id, label: e.label, kind: "changed", path: f.path, before: f.before ?? null, after: f.after ?? null });
  }
  return out;
}

/** The parts of one Summary-of-Findings row (one therapy, one outcome) a reviewer compares. */
export interface SofRowDigest {
  status: string;
  /** The relative effect with its CI, or why there is none. */
  effect: string;
  /** The absolute difference per 1,000, or null. */
  absolute: string | null;
  certainty: string | null;
  studies: number;
  participants: number;
}

export interface SofRowChange {
  therapy: TherapyId;
  outcome: string;
  label: string;
  before: SofRowDigest | null;
  after: SofRowDigest | null;
}

function sofRows(base: EvidenceBase, therapy: TherapyId): Map<string, { label: string; digest: SofRowDigest }> {
  const out = new Map<string, { label: string; digest: SofRowDigest }>();
  if (!base.therapies.some((t) => t.id === therapy)) return out;
  for (const r of summaryOfFindingsTable(base, therapy).outcomes) {
    const digest: SofRowDigest = { status: r.status, effect: r.relative?.text ?? r.note ?? r.status, absolute: r.difference?.text ?? null, certainty: r.certainty?.level ?? null, studies: r.studies, participants: r.participants };
    out.set(r.outcome, { label: r.label, digest });
  }
  return out;
}

/** Every Summary-of-Findings row (therapy × outcome of the full tables) that differs between the two bases. */
export function sofRowChanges(a: EvidenceBase, b: EvidenceBase): SofRowChange[] {
  const out: SofRowChange[] = [];
  for (const therapy of THERAPY_IDS) {
    const ra = sofRows(a, therapy);
    const rb = sofRows(b, therapy);
    for (const outcome of new Set([...ra.keys(), ...rb.keys()])) {
      const x = ra.get(outcome);
      const y = rb.get(outcome);
      if (canonicalJson(x?.digest ?? null) === canonicalJson(y?.digest ?? null)) continue;
      out.push({ therapy, outcome, label: (y ?? x)!.label, before: x?.digest ?? null, after: y?.digest ?? null });
    }
  }
  return out;
}

/** The reviewer's comparison: the diff, its changes grouped, and the Summary-of-Findings rows before and after. */
export function compareEvidenceBases(a: EvidenceBase, b: EvidenceBase): EvidenceDiff & { groups: ChangeGroupView[]; sofRows: SofRowChange[] } {
  const diff = diffEvidenceBases(a, b);
  return { ...diff, groups: groupEvidenceChanges(diff), sofRows: diff.same ? [] : sofRowChanges(a, b) };
}
