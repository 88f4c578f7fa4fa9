/**
 * The evidence base in the store (migration 0009, issue 11 §1–2): a working draft changed only by revisions (who,
 * when, why, the entry before and after), and immutable numbered versions. Publishing is one transaction: the draft
 * must pass every check of `evidence/parse.ts` (else InputError naming file, entry and field, nothing written); the
 * new version holds the draft's canonical JSON and its sha-256. Every write is audited in its own transaction.
 * Clinicians' verdicts read only published versions (src/server/core.ts), so nothing in the draft reaches them.
 */
import { createHash } from "node:crypto";
import type { Transaction } from "kysely";
import { canonicalJson } from "../evidence/canonical.js";
import { parseEvidenceContent } from "../evidence/parse.js";
import { formatEvidenceProblem } from "../evidence/schema.js";
import { applyEvidenceChange, type EvidenceChange, type EvidenceContent, type EvidenceVersionRef } from "../evidence/versions.js";
import { InputError } from "../shared/errors.js";
import type { Database } from "./schema.js";
import { type Actor, ConflictError, NotFoundError, type Store } from "./store.js";

export interface EvidenceVersionSummary extends EvidenceVersionRef {
  note: string;
  publishedBy: string;
  /** The last revision this version includes (0 for the seeded version). */
  lastRevision: number;
  /** Stored patients whose verdicts changed when it was published. */
  impact: VerdictChange[];
}

export interface EvidenceVersion extends EvidenceVersionSummary {
  content: EvidenceContent;
}

/** A stored patient's verdict for one therapy, before and after a version (computed by the caller at publish). */
export interface VerdictChange {
  patientId: string;
  therapy: string;
  therapyName: string;
  kind: "status" | "evidence" | "guideline";
  before: string;
  after: string;
}

export interface EvidenceRevision {
  id: number;
  at: string;
  actor: string;
  why: string;
  kind: EvidenceChange["kind"];
  table: string;
  entryId: string;
  before: unknown;
  after: unknown;
  /** The published version the draft rested on. */
  baseVersion: number;
}

export interface EvidenceDraft {
  content: EvidenceContent;
  /** The published version the draft started from. */
  baseVersion: number;
  lastRevision: number;
  updatedAt: string;
  updatedBy: string;
  /** Revisions made since the base version was published (not yet in any version). */
  pending: EvidenceRevision[];
}

type Trx = Transaction<Database>;
type AuditDb = Parameters<Store["audit"]>[0];

function sha256(s: string): string {
  return createHash("sha256").update(s).digest("hex");
}

function summary(r: Database["evidence_versions"]): EvidenceVersionSummary {
  return {
    number: Number(r.id),
    publishedAt: r.published_at,
    contentHash: r.content_hash,
    note: r.note,
    publishedBy: r.published_by,
    lastRevision: Number(r.last_revision),
    impact: JSON.parse(r.impact) as VerdictChange[],
  };
}

function revision(r: Database["evidence_revisions"]): EvidenceRevision {
  return {
    id: Number(r.id),
    at: r.at,
    actor: r.actor,
    why: r.why,
    kind: r.kind as EvidenceChange["kind"],
    table: r.table_name,
    entryId: r.entry_id,
    before: r.before === null ? null : (JSON.parse(r.before) as unknown),
    after: r.after === null ? null : (JSON.parse(r.after) as unknown),
    baseVersion: Number(r.base_version),
  };
}

/** Throws InputError listing every problem of a base's content (the first one's file and field as location). */
export function assertPublishable(content: EvidenceContent): void {
  const { problems } = parseEvidenceContent(content as Record<string, unknown>);
  const first = problems[0];
  if (first === undefined) return;
  throw new InputError(`the draft cannot be published: ${problems.length} problem(s):\n  ${problems.map(formatEvidenceProblem).join("\n  ")}`, {
    file: first.file,
    field: `${first.entry}${first.field !== undefined && first.field !== "" ? `.${first.field}` : ""}`,
  });
}

export class EvidenceStore {
  constructor(
    private readonly store: Store,
    private readonly now: () => Date = () => new Date(),
  ) {}

  private get db() {
    return this.store.db;
  }

  private iso(): string {
    return this.now().toISOString();
  }

  private audit(trx: Trx, actor: Actor, action: string, detail: string): Promise<void> {
    return this.store.audit(trx as unknown as AuditDb, { username: actor.username, action, route: actor.route, clientIp: actor.clientIp ?? null, userAgent: actor.userAgent ?? null, sessionId: actor.sessionId ?? null, detail });
  }

  /**
   * Version 1 from a base (first start: data/), with the draft on it; nothing when a version exists. Returns
   * whether it was created. The content must pass the checks (InputError otherwise).
   */
  async seedEvidence(content: EvidenceContent, actor: Actor, note = "the base seeded from data/"): Promise<boolean> {
    assertPublishable(content);
    const text = canonicalJson(content);
    const at = this.iso();
    return this.db.transaction().execute(async (trx) => {
      const any = await trx.selectFrom("evidence_versions").select("id").limit(1).executeTakeFirst();
      if (any !== undefined) return false;
      await trx.insertInto("evidence_versions").values({ id: 1, content: text, content_hash: sha256(text), last_revision: 0, note, impact: "[]", published_at: at, published_by: actor.username }).execute();
      await trx.deleteFrom("evidence_draft").execute();
      await trx.insertInto("evidence_draft").values({ id: 1, content: text, base_version: 1, last_revision: 0, updated_at: at, updated_by: actor.username }).execute();
      await this.audit(trx, actor, "evidence.seed", `v1 sha256 ${sha256(text).slice(0, 16)}`);
      return true;
    });
  }

  /** The newest published version, or null when none exists. */
  async latestEvidenceVersion(): Promise<EvidenceVersion | null> {
    const r = await this.db.selectFrom("evidence_versions").selectAll().orderBy("id", "desc").limit(1).executeTakeFirst();
    return r === undefined ? null : { ...summary(r), content: JSON.parse(r.content) as EvidenceContent };
  }

  /** The newest version's number (0 when none): a cheap "has a version been published since?". */
  async latestEvidenceVersionNumber(): Promise<number> {
    const r = await this.db.selectFrom("evidence_versions").select((eb) => eb.fn.max("id").as("n")).executeTakeFirst();
    return r?.n === null || r?.n === undefined ? 0 : Number(r.n);
  }

  /** Every published version, newest first (without content). */
  async listEvidenceVersions(): Promise<EvidenceVersionSummary[]> {
    const rows = await this.db.selectFrom("evidence_versions").select(["id", "content_hash", "last_revision", "note", "impact", "published_at", "published_by"]).orderBy("id", "desc").execute();
    return rows.map((r) => summary({ ...r, content: "" }));
  }

  /** One version with its content; NotFoundError when it does not exist. */
  async getEvidenceVersion(n: number): Promise<EvidenceVersion> {
    const r = await this.db.selectFrom("evidence_versions").selectAll().where("id", "=", n).executeTakeFirst();
    if (r === undefined) throw new NotFoundError(`no evidence version ${n}`);
    return { ...summary(r), content: JSON.parse(r.content) as EvidenceContent };
  }

  /** The working draft with the revisions not yet published; NotFoundError before the first version. */
  async getEvidenceDraft(): Promise<EvidenceDraft> {
    const d = await this.db.selectFrom("evidence_draft").selectAll().where("id", "=", 1).executeTakeFirst();
    if (d === undefined) throw new NotFoundError("no evidence draft (no version has been published yet)");
    const latest = await this.db.selectFrom("evidence_versions").select("last_revision").orderBy("id", "desc").limit(1).executeTakeFirst();
    const since = latest === undefined ? 0 : Number(latest.last_revision);
    const pending = await this.db.selectFrom("evidence_revisions").selectAll().where("id", ">", since).orderBy("id").execute();
    return { content: JSON.parse(d.content) as EvidenceContent, baseVersion: Number(d.base_version), lastRevision: Number(d.last_revision), updatedAt: d.updated_at, updatedBy: d.updated_by, pending: pending.map(revision) };
  }

  /** Revisions, oldest first (all, or those after `after`). */
  async listEvidenceRevisions(after = 0): Promise<EvidenceRevision[]> {
    return (await this.db.selectFrom("evidence_revisions").selectAll().where("id", ">", after).orderBy("id").execute()).map(revision);
  }

  /**
   * Changes the draft: each change becomes one revision (who, when, why, the entry before and after), all in one
   * transaction with the audit entry. `why` is required. With `expectedRevision`, a draft changed meanwhile is a
   * ConflictError (nothing written). Returns the new revisions.
   */
  async reviseEvidenceDraft(actor: Actor, why: string, change: EvidenceChange | readonly EvidenceChange[], expectedRevision?: number): Promise<EvidenceRevision[]> {
    const reason = why.trim();
    if (reason === "") throw new InputError("say why the evidence base changes (a reason is required)", { field: "why" });
    const changes = Array.isArray(change) ? (change as readonly EvidenceChange[]) : [change as EvidenceChange];
    if (changes.length === 0) throw new InputError("no change given", { field: "changes" });
    const at = this.iso();
    return this.db.transaction().execute(async (trx) => {
      // the update takes the draft's lock first (PostgreSQL: row lock; SQLite: the write lock)
      const locked = await trx.updateTable("evidence_draft").set({ updated_at: at }).where("id", "=", 1).executeTakeFirst();
      if (Number(locked.numUpdatedRows) !== 1) throw new NotFoundError("no evidence draft (no version has been published yet)");
      const d = await trx.selectFrom("evidence_draft").selectAll().where("id", "=", 1).executeTakeFirstOrThrow();
      if (expectedRevision !== undefined && Number(d.last_revision) !== expectedRevision) throw new ConflictError(`the draft has changed (revision ${Number(d.last_revision)}, you had ${expectedRevision}); reload it`);
      const last = await trx.selectFrom("evidence_revisions").select((eb) => eb.fn.max("id").as("n")).executeTakeFirst();
      let next = last?.n === null || last?.n === undefined ? 1 : Number(last.n) + 1;
      let content = JSON.parse(d.content) as EvidenceContent;
      const out: EvidenceRevision[] = [];
      for (const c of changes) {
        const applied = applyEvidenceChange(content, c);
        content = applied.content;
        const row = { id: next++, at, actor: actor.username, why: reason, kind: c.kind, table_name: c.table, entry_id: applied.entryId, before: applied.before === null ? null : JSON.stringify(applied.before), after: applied.after === null ? null : JSON.stringify(applied.after), base_version: Number(d.base_version) };
        await trx.insertInto("evidence_revisions").values(row).execute();
        out.push(revision(row));
      }
      await trx.updateTable("evidence_draft").set({ content: canonicalJson(content), last_revision: next - 1, updated_at: at, updated_by: actor.username }).where("id", "=", 1).execute();
      await this.audit(trx, actor, "evidence.revise", `${out.map((r) => `#${r.id} ${r.kind} ${r.table}/${r.entryId}`).join(", ")}: ${reason.slice(0, 200)}`);
      return out;
    });
  }

  /**
   * Publishes the draft as the next version, in one transaction: refused (InputError, nothing written) when the
   * draft fails the checks of evidence/parse.ts or has no change since the latest version; ConflictError when
   * `expectedRevision` is given and the draft has changed since (the impact was computed on another draft).
   */
  async publishEvidence(actor: Actor, note: string, opts: { expectedRevision?: number; impact?: readonly VerdictChange[] } = {}): Promise<EvidenceVersionSummary> {
    const text = note.trim();
    if (text === "") throw new InputError("a publication note is required (what changed and why)", { field: "note" });
    const at = this.iso();
    return this.db.transaction().execute(async (trx) => {
      const locked = await trx.updateTable("evidence_draft").set({ updated_at: at }).where("id", "=", 1).executeTakeFirst();
      if (Number(locked.numUpdatedRows) !== 1) throw new NotFoundError("no evidence draft (no version has been published yet)");
      const d = await trx.selectFrom("evidence_draft").selectAll().where("id", "=", 1).executeTakeFirstOrThrow();
      if (opts.expectedRevision !== undefined && Number(d.last_revision) !== opts.expectedRevision) throw new ConflictError(`the draft has changed (revision ${Number(d.last_revision)}, you reviewed ${opts.expectedRevision}); review it again`);
      const latest = await trx.selectFrom("evidence_versions").selectAll().orderBy("id", "desc").limit(1).executeTakeFirstOrThrow();
      const content = JSON.parse(d.content) as EvidenceContent;
      const canonical = canonicalJson(content);
      const hash = sha256(canonical);
      if (hash === latest.content_hash) throw new InputError(`the draft is the same as v${Number(latest.id)}: nothing to publish`, { field: "draft" });
      assertPublishable(content);
      const n = Number(latest.id) + 1;
      const row = { id: n, content: canonical, content_hash: hash, last_revision: Number(d.last_revision), note: text, impact: JSON.stringify(opts.impact ?? []), published_at: at, published_by: actor.username };
      await trx.insertInto("evidence_versions").values(row).execute();
      await trx.updateTable("evidence_draft").set({ base_version: n, updated_at: at, updated_by: actor.username }).where("id", "=", 1).execute();
      await this.audit(trx, actor, "evidence.publish", `v${n} sha256 ${hash.slice(0, 16)} (revisions to #${Number(d.last_revision)}; ${opts.impact?.length ?? 0} verdict change(s)): ${text.slice(0, 200)}`);
      return summary(row);
    });
  }
}
