/**
 * Published versions of the evidence base (issue 11 §2): how a verdict names the version it rests on, and the
 * reviewer's changes to a draft. Pure: the store keeps versions and revisions (src/store/evidence.ts).
 */
import { InputError } from "../shared/errors.js";
import { EVIDENCE_FILES } from "./schema.js";

/** The version an assessment, plan or summary rests on. */
export interface EvidenceVersionRef {
  /** 1, 2, … (1 = the base seeded from data/). */
  number: number;
  /** When it was published (ISO-8601). */
  publishedAt: string;
  /** sha-256 (hex) of its canonical JSON (src/evidence/canonical.ts). */
  contentHash: string;
}

/** "evidence v2, published 2026-12-03". */
export function evidenceVersionLabel(v: EvidenceVersionRef): string {
  return `evidence v${v.number}, published ${v.publishedAt.slice(0, 10)}`;
}

/** The tables of a base (the data/ files), e.g. trials → trials.json. */
export type EvidenceTable = keyof typeof EVIDENCE_FILES;
export const EVIDENCE_TABLES = Object.keys(EVIDENCE_FILES) as EvidenceTable[];

/** One change to the draft: add an entry, replace one (same id), or delete one. */
export type EvidenceChange =
  | { kind: "add"; table: EvidenceTable; entry: Record<string, unknown> }
  | { kind: "replace"; table: EvidenceTable; entry: Record<string, unknown> }
  | { kind: "delete"; table: EvidenceTable; id: string };

/** The base's content as stored: one array of entries per table (raw, as in data/). */
export type EvidenceContent = Partial<Record<EvidenceTable, unknown[]>>;

export interface AppliedChange {
  content: EvidenceContent;
  entryId: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

function idOf(e: unknown): string | undefined {
  return typeof e === "object" && e !== null && typeof (e as { id?: unknown }).id === "string" ? (e as { id: string }).id : undefined;
}

/**
 * Applies one change to a copy of `content`. The entry must pass its table's schema (InputError naming the data/
 * file, the entry and the field); `add` refuses an id that exists, `replace` and `delete` one that does not.
 * Cross-table checks (a trial's source must exist, …) run when the draft is published.
 */
export function applyEvidenceChange(content: EvidenceContent, change: EvidenceChange): AppliedChange {
  const spec = EVIDENCE_FILES[change.table];
  if (spec === undefined) throw new InputError(`unknown table "${String(change.table)}" (one of ${EVIDENCE_TABLES.join(", ")})`, { field: "table" });
  const rows = [...(content[change.table] ?? [])];
  const file = spec.file;
  if (change.kind === "delete") {
    const i = rows.findIndex((r) => idOf(r) === change.id);
    if (i < 0) throw new InputError(`${file}: no entry "${change.id}" to delete`, { file, field: "id" });
    const before = rows[i] as Record<string, unknown>;
    rows.splice(i, 1);
    return { content: { ...content, [change.table]: rows }, entryId: change.id, before, after: null };
  }
  const id = idOf(change.entry);
  if (id === undefined) throw new InputError(`${file}: the entry has no id`, { file, field: "entry.id" });
  const parsed = spec.schema.safeParse(change.entry);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.map(String).join(".");
    throw new InputError(`${file}, entry ${id}${field ? `, field ${field}` : ""}: ${issue.message}`, { file, field: `entry${field ? `.${field}` : ""}` });
  }
  const i = rows.findIndex((r) => idOf(r) === id);
  if (change.kind === "add") {
    if (i >= 0) throw new InputError(`${file}: an entry "${id}" exists already (replace it instead)`, { file, field: "entry.id" });
    rows.push(change.entry);
    return { content: { ...content, [change.table]: rows }, entryId: id, before: null, after: change.entry };
  }
  if (i < 0) throw new InputError(`${file}: no entry "${id}" to replace (add it instead)`, { file, field: "entry.id" });
  const before = rows[i] as Record<string, unknown>;
  rows[i] = change.entry;
  return { content: { ...content, [change.table]: rows }, entryId: id, before, after: change.entry };
}

/**
 * A base's content as the data/ files hold it: one JSON array per file, one-space indentation, a final newline.
 * `decidua evidence export` writes these; `decidua evidence validate` reads them back.
 */
export function evidenceFiles(content: EvidenceContent): Array<{ file: string; text: string }> {
  return EVIDENCE_TABLES.map((t) => ({ file: EVIDENCE_FILES[t].file, text: `${JSON.stringify(content[t] ?? [], null, 1)}\n` }));
}
