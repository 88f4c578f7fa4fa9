/**
 * Study-selection tables (migration 0007_screening): reviews, members, imports with their records, duplicate
 * decisions, screening decisions (current vote + every earlier version with the reason for the change) and
 * conflict resolutions. Every write runs in one transaction with its audit-log entry.
 *
 * Blinding is enforced here: `decisionsVisibleTo` returns another reviewer's vote only once the viewer has voted on
 * the record and the record has its full number of votes (or has been resolved).
 */
import { randomUUID } from "node:crypto";
import type { Kysely, Transaction } from "kysely";
import type { BibRecord, Decision, ImportFormat, Resolution, ReviewProtocol, Stage, Vote } from "../screening/index.js";
import { REVIEWERS_PER_RECORD, visibleDecisions } from "../screening/index.js";
import type { Database } from "./schema.js";
import { type Actor, ConflictError, NotFoundError, type Store } from "./store.js";

export interface ScreeningReviewsTable {
  id: string;
  title: string;
  protocol: string;
  created_at: string;
  created_by: string;
}
export interface ScreeningMembersTable {
  review_id: string;
  user_id: string;
  member_role: "lead" | "reviewer";
  added_at: string;
  added_by: string;
}
export interface ScreeningImportsTable {
  id: string;
  review_id: string;
  file_name: string;
  format: string;
  source_database: string;
  search_date: string;
  search_string: string;
  record_count: number;
  imported_at: string;
  imported_by: string;
}
export interface ScreeningRecordsTable {
  id: string;
  review_id: string;
  import_id: string;
  position: number;
  source_index: number;
  pmid: string | null;
  doi: string | null;
  title: string;
  abstract: string | null;
  authors: string;
  journal: string | null;
  year: number | null;
}
export interface ScreeningDuplicateDecisionsTable {
  id: string;
  review_id: string;
  record_a: string;
  record_b: string;
  duplicate: number;
  decided_at: string;
  decided_by: string;
}
export interface ScreeningDecisionsTable {
  id: string;
  review_id: string;
  record_id: string;
  stage: Stage;
  reviewer_id: string;
  vote: Vote;
  reason: string | null;
  version: number;
  decided_at: string;
}
export interface ScreeningDecisionHistoryTable {
  id: string;
  decision_id: string;
  version: number;
  vote: string;
  reason: string | null;
  change_reason: string | null;
  decided_at: string;
}
export interface ScreeningResolutionsTable {
  id: string;
  review_id: string;
  record_id: string;
  stage: Stage;
  outcome: Resolution["outcome"];
  reason: string | null;
  note: string;
  resolved_at: string;
  resolved_by: string;
}

export interface ScreeningDatabase extends Database {
  screening_reviews: ScreeningReviewsTable;
  screening_members: ScreeningMembersTable;
  screening_imports: ScreeningImportsTable;
  screening_records: ScreeningRecordsTable;
  screening_duplicate_decisions: ScreeningDuplicateDecisionsTable;
  screening_decisions: ScreeningDecisionsTable;
  screening_decision_history: ScreeningDecisionHistoryTable;
  screening_resolutions: ScreeningResolutionsTable;
}

export interface Review {
  id: string;
  title: string;
  protocol: ReviewProtocol;
  createdAt: string;
  createdBy: string;
}
export interface Member {
  userId: string;
  username: string;
  displayName: string;
  memberRole: "lead" | "reviewer";
}
export interface ImportRow {
  id: string;
  fileName: string;
  format: ImportFormat;
  sourceDatabase: string;
  searchDate: string;
  searchString: string;
  recordCount: number;
  importedAt: string;
  importedBy: string;
}
export interface StoredRecord extends Omit<BibRecord, "sourceIndex"> {
  id: string;
  importId: string;
  position: number;
  sourceIndex: number;
}
export interface StoredDecision extends Decision {
  id: string;
  version: number;
  decidedAt: string;
}
export interface DecisionVersion {
  version: number;
  vote: Vote;
  reason: string | null;
  changeReason: string | null;
  decidedAt: string;
}
export interface StoredResolution extends Resolution {
  note: string;
  resolvedAt: string;
  resolvedBy: string;
}

type AuditDb = Parameters<Store["audit"]>[0];

export class ScreeningStore {
  private readonly db: Kysely<ScreeningDatabase>;
  constructor(
    private readonly store: Store,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.db = store.db as unknown as Kysely<ScreeningDatabase>;
  }

  private iso(): string {
    return this.now().toISOString();
  }

  private audit(trx: Transaction<ScreeningDatabase>, actor: Actor, action: string, detail: string): Promise<void> {
    return this.store.audit(trx as unknown as AuditDb, { username: actor.username, action, route: actor.route, detail });
  }

  // ── reviews and members ──────────────────────────────────────────────────────────────────────────

  async createReview(protocol: ReviewProtocol, lead: { userId: string }, actor: Actor): Promise<Review> {
    const id = randomUUID();
    const at = this.iso();
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto("screening_reviews").values({ id, title: protocol.title, protocol: JSON.stringify(protocol), created_at: at, created_by: actor.username }).execute();
      await trx.insertInto("screening_members").values({ review_id: id, user_id: lead.userId, member_role: "lead", added_at: at, added_by: actor.username }).execute();
      await this.audit(trx, actor, "screening.review.create", `${id}: ${protocol.title}`);
    });
    return { id, title: protocol.title, protocol, createdAt: at, createdBy: actor.username };
  }

  async updateProtocol(reviewId: string, protocol: ReviewProtocol, actor: Actor): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const r = await trx.updateTable("screening_reviews").set({ title: protocol.title, protocol: JSON.stringify(protocol) }).where("id", "=", reviewId).executeTakeFirst();
      if (Number(r.numUpdatedRows) === 0) throw new NotFoundError(`review ${reviewId} not found`);
      await this.audit(trx, actor, "screening.review.update", reviewId);
    });
  }

  async getReview(id: string): Promise<Review | null> {
    const r = await this.db.selectFrom("screening_reviews").selectAll().where("id", "=", id).executeTakeFirst();
    return r === undefined ? null : { id: r.id, title: r.title, protocol: JSON.parse(r.protocol) as ReviewProtocol, createdAt: r.created_at, createdBy: r.created_by };
  }

  /** Reviews the user is a member of (all reviews when `all`). */
  async listReviews(userId: string, all: boolean): Promise<Review[]> {
    let q = this.db.selectFrom("screening_reviews").selectAll("screening_reviews");
    if (!all) q = q.where("id", "in", this.db.selectFrom("screening_members").select("review_id").where("user_id", "=", userId));
    const rows = await q.orderBy("created_at", "desc").execute();
    return rows.map((r) => ({ id: r.id, title: r.title, protocol: JSON.parse(r.protocol) as ReviewProtocol, createdAt: r.created_at, createdBy: r.created_by }));
  }

  async members(reviewId: string): Promise<Member[]> {
    const rows = await this.db
      .selectFrom("screening_members")
      .innerJoin("users", "users.id", "screening_members.user_id")
      .select(["screening_members.user_id", "users.username", "users.display_name", "screening_members.member_role"])
      .where("screening_members.review_id", "=", reviewId)
      .orderBy("screening_members.added_at")
      .orderBy("users.username")
      .execute();
    return rows.map((r) => ({ userId: r.user_id, username: r.username, displayName: r.display_name, memberRole: r.member_role }));
  }

  async addMember(reviewId: string, userId: string, memberRole: "lead" | "reviewer", actor: Actor): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const exists = await trx.selectFrom("screening_members").select("user_id").where("review_id", "=", reviewId).where("user_id", "=", userId).executeTakeFirst();
      if (exists !== undefined) throw new ConflictError("the user is already a member of this review");
      await trx.insertInto("screening_members").values({ review_id: reviewId, user_id: userId, member_role: memberRole, added_at: this.iso(), added_by: actor.username }).execute();
      await this.audit(trx, actor, "screening.member.add", `${reviewId}: ${userId} (${memberRole})`);
    });
  }

  // ── imports and records ──────────────────────────────────────────────────────────────────────────

  /** Stores an import and all its records in one transaction (nothing is half-imported). */
  async addImport(
    reviewId: string,
    meta: { fileName: string; format: ImportFormat; sourceDatabase: string; searchDate: string; searchString: string },
    records: readonly BibRecord[],
    actor: Actor,
  ): Promise<ImportRow> {
    const id = randomUUID();
    const at = this.iso();
    await this.db.transaction().execute(async (trx) => {
      const max = await trx.selectFrom("screening_records").select((eb) => eb.fn.max("position").as("m")).where("review_id", "=", reviewId).executeTakeFirst();
      let position = max?.m === null || max?.m === undefined ? 0 : Number(max.m) + 1;
      await trx
        .insertInto("screening_imports")
        .values({ id, review_id: reviewId, file_name: meta.fileName, format: meta.format, source_database: meta.sourceDatabase, search_date: meta.searchDate, search_string: meta.searchString, record_count: records.length, imported_at: at, imported_by: actor.username })
        .execute();
      const rows = records.map((r) => ({
        id: randomUUID(),
        review_id: reviewId,
        import_id: id,
        position: position++,
        source_index: r.sourceIndex,
        pmid: r.pmid,
        doi: r.doi,
        title: r.title,
        abstract: r.abstract,
        authors: JSON.stringify(r.authors),
        journal: r.journal,
        year: r.year,
      }));
      for (let i = 0; i < rows.length; i += 200) await trx.insertInto("screening_records").values(rows.slice(i, i + 200)).execute();
      await this.audit(trx, actor, "screening.import", `${reviewId}: ${meta.fileName} (${meta.format}, ${meta.sourceDatabase}), ${records.length} records`);
    });
    return { id, fileName: meta.fileName, format: meta.format, sourceDatabase: meta.sourceDatabase, searchDate: meta.searchDate, searchString: meta.searchString, recordCount: records.length, importedAt: at, importedBy: actor.username };
  }

  async imports(reviewId: string): Promise<ImportRow[]> {
    const rows = await this.db.selectFrom("screening_imports").selectAll().where("review_id", "=", reviewId).orderBy("imported_at").orderBy("id").execute();
    return rows.map((r) => ({ id: r.id, fileName: r.file_name, format: r.format as ImportFormat, sourceDatabase: r.source_database, searchDate: r.search_date, searchString: r.search_string, recordCount: Number(r.record_count), importedAt: r.imported_at, importedBy: r.imported_by }));
  }

  /** Every record of the review, in import order. */
  async records(reviewId: string): Promise<StoredRecord[]> {
    const rows = await this.db.selectFrom("screening_records").selectAll().where("review_id", "=", reviewId).orderBy("position").execute();
    return rows.map((r) => ({
      id: r.id,
      importId: r.import_id,
      position: Number(r.position),
      sourceIndex: Number(r.source_index),
      pmid: r.pmid,
      doi: r.doi,
      title: r.title,
      abstract: r.abstract,
      authors: JSON.parse(r.authors) as string[],
      journal: r.journal,
      year: r.year === null ? null : Number(r.year),
    }));
  }

  // ── duplicates ───────────────────────────────────────────────────────────────────────────────────

  async duplicateDecisions(reviewId: string): Promise<Array<{ a: string; b: string; duplicate: boolean; decidedBy: string; decidedAt: string }>> {
    const rows = await this.db.selectFrom("screening_duplicate_decisions").selectAll().where("review_id", "=", reviewId).orderBy("decided_at").execute();
    return rows.map((r) => ({ a: r.record_a, b: r.record_b, duplicate: Number(r.duplicate) === 1, decidedBy: r.decided_by, decidedAt: r.decided_at }));
  }

  async decideDuplicate(reviewId: string, a: string, b: string, duplicate: boolean, actor: Actor): Promise<void> {
    const [x, y] = a < b ? [a, b] : [b, a];
    await this.db.transaction().execute(async (trx) => {
      const found = await trx.selectFrom("screening_records").select("id").where("review_id", "=", reviewId).where("id", "in", [x, y]).execute();
      if (found.length !== 2) throw new NotFoundError("both records must belong to this review");
      const prior = await trx.selectFrom("screening_duplicate_decisions").select("id").where("review_id", "=", reviewId).where("record_a", "=", x).where("record_b", "=", y).executeTakeFirst();
      if (prior !== undefined) throw new ConflictError("this pair has already been decided");
      await trx.insertInto("screening_duplicate_decisions").values({ id: randomUUID(), review_id: reviewId, record_a: x, record_b: y, duplicate: duplicate ? 1 : 0, decided_at: this.iso(), decided_by: actor.username }).execute();
      await this.audit(trx, actor, "screening.duplicate.decide", `${reviewId}: ${x} / ${y}: ${duplicate ? "duplicate" : "not duplicate"}`);
    });
  }

  // ── screening decisions ──────────────────────────────────────────────────────────────────────────

  /**
   * Records a reviewer's vote. A first vote needs no reason for the change; changing an existing vote needs a
   * `changeReason`, and the earlier version is kept in the history. Votes on a resolved record cannot change.
   */
  async decide(
    reviewId: string,
    input: { recordId: string; reviewerId: string; stage: Stage; vote: Vote; reason: string | null; changeReason: string | null },
    actor: Actor,
  ): Promise<StoredDecision> {
    const at = this.iso();
    return this.db.transaction().execute(async (trx) => {
      await recordInReview(trx, reviewId, input.recordId);
      const resolved = await trx.selectFrom("screening_resolutions").select("id").where("record_id", "=", input.recordId).where("stage", "=", input.stage).executeTakeFirst();
      if (resolved !== undefined) throw new ConflictError("this record has been resolved at this stage; its votes can no longer change");
      const prior = await trx.selectFrom("screening_decisions").selectAll().where("record_id", "=", input.recordId).where("stage", "=", input.stage).where("reviewer_id", "=", input.reviewerId).executeTakeFirst();
      let id: string;
      let version: number;
      if (prior === undefined) {
        id = randomUUID();
        version = 1;
        try {
          await trx.insertInto("screening_decisions").values({ id, review_id: reviewId, record_id: input.recordId, stage: input.stage, reviewer_id: input.reviewerId, vote: input.vote, reason: input.reason, version, decided_at: at }).execute();
        } catch (e) {
          // a simultaneous first vote by the same reviewer won the race: this one is a change and needs its reason
          if (isUniqueViolation(e)) throw new ConflictError("this reviewer's vote on this record was recorded by another request just now; reload and change it with a reason if needed");
          throw e;
        }
      } else {
        if (prior.vote === input.vote && prior.reason === input.reason) throw new ConflictError("the decision is unchanged");
        if (input.changeReason === null || input.changeReason.trim() === "") throw new ConflictError("changing a decision needs a reason for the change (changeReason)");
        id = prior.id;
        version = Number(prior.version) + 1;
        await trx.updateTable("screening_decisions").set({ vote: input.vote, reason: input.reason, version, decided_at: at }).where("id", "=", id).where("version", "=", prior.version).execute();
      }
      await trx.insertInto("screening_decision_history").values({ id: randomUUID(), decision_id: id, version, vote: input.vote, reason: input.reason, change_reason: prior === undefined ? null : input.changeReason, decided_at: at }).execute();
      await this.audit(
        trx,
        actor,
        prior === undefined ? "screening.decision.create" : "screening.decision.change",
        `${reviewId}: record ${input.recordId}, ${input.stage}, ${input.vote}${input.reason !== null ? ` (${input.reason})` : ""}${prior !== undefined ? `; was ${prior.vote}; because: ${input.changeReason ?? ""}` : ""}`,
      );
      return { id, recordId: input.recordId, reviewerId: input.reviewerId, stage: input.stage, vote: input.vote, reason: input.reason, version, decidedAt: at };
    });
  }

  /** Every current decision at a stage (unblinded: for computations, never sent as such to a reviewer). */
  async allDecisions(reviewId: string, stage?: Stage): Promise<StoredDecision[]> {
    let q = this.db.selectFrom("screening_decisions").selectAll().where("review_id", "=", reviewId);
    if (stage !== undefined) q = q.where("stage", "=", stage);
    const rows = await q.orderBy("decided_at").orderBy("id").execute();
    return rows.map((r) => ({ id: r.id, recordId: r.record_id, reviewerId: r.reviewer_id, stage: r.stage, vote: r.vote, reason: r.reason, version: Number(r.version), decidedAt: r.decided_at }));
  }

  /** The decisions `viewerId` may see at `stage` (blinding; see the file comment). */
  async decisionsVisibleTo(reviewId: string, viewerId: string, stage: Stage): Promise<StoredDecision[]> {
    const all = await this.allDecisions(reviewId, stage);
    const resolved = new Set((await this.resolutions(reviewId, stage)).map((r) => r.recordId));
    const byRecord = new Map<string, StoredDecision[]>();
    for (const d of all) {
      const l = byRecord.get(d.recordId);
      if (l === undefined) byRecord.set(d.recordId, [d]);
      else l.push(d);
    }
    const out: StoredDecision[] = [];
    for (const [recordId, ds] of byRecord) {
      const visible = new Set(visibleDecisions(viewerId, recordId, stage, ds, resolved.has(recordId)));
      for (const d of ds) if (visible.has(d)) out.push(d);
    }
    return out;
  }

  async decisionHistory(decisionId: string): Promise<DecisionVersion[]> {
    const rows = await this.db.selectFrom("screening_decision_history").selectAll().where("decision_id", "=", decisionId).orderBy("version").execute();
    return rows.map((r) => ({ version: Number(r.version), vote: r.vote as Vote, reason: r.reason, changeReason: r.change_reason, decidedAt: r.decided_at }));
  }

  // ── resolutions ──────────────────────────────────────────────────────────────────────────────────

  /**
   * Settles a record at a stage. `requireConflict`: the caller checked that the record is in conflict (or, for
   * "not_retrieved", that it is at full text); the store checks that the record has its votes for a conflict.
   */
  async resolve(reviewId: string, input: { recordId: string; stage: Stage; outcome: Resolution["outcome"]; reason: string | null; note: string }, actor: Actor): Promise<StoredResolution> {
    const at = this.iso();
    await this.db.transaction().execute(async (trx) => {
      await recordInReview(trx, reviewId, input.recordId);
      const prior = await trx.selectFrom("screening_resolutions").select("id").where("record_id", "=", input.recordId).where("stage", "=", input.stage).executeTakeFirst();
      if (prior !== undefined) throw new ConflictError("this record has already been resolved at this stage");
      if (input.outcome !== "not_retrieved") {
        const votes = await trx.selectFrom("screening_decisions").select("id").where("record_id", "=", input.recordId).where("stage", "=", input.stage).execute();
        if (votes.length < REVIEWERS_PER_RECORD) throw new ConflictError(`a conflict is resolved after ${REVIEWERS_PER_RECORD} independent votes; this record has ${votes.length}`);
      }
      await trx.insertInto("screening_resolutions").values({ id: randomUUID(), review_id: reviewId, record_id: input.recordId, stage: input.stage, outcome: input.outcome, reason: input.reason, note: input.note, resolved_at: at, resolved_by: actor.username }).execute();
      await this.audit(trx, actor, "screening.resolve", `${reviewId}: record ${input.recordId}, ${input.stage}: ${input.outcome}${input.reason !== null ? ` (${input.reason})` : ""}`);
    });
    return { ...input, resolvedAt: at, resolvedBy: actor.username };
  }

  async resolutions(reviewId: string, stage?: Stage): Promise<StoredResolution[]> {
    let q = this.db.selectFrom("screening_resolutions").selectAll().where("review_id", "=", reviewId);
    if (stage !== undefined) q = q.where("stage", "=", stage);
    const rows = await q.orderBy("resolved_at").execute();
    return rows.map((r) => ({ recordId: r.record_id, stage: r.stage, outcome: r.outcome, reason: r.reason, note: r.note, resolvedAt: r.resolved_at, resolvedBy: r.resolved_by }));
  }
}

/** A unique-constraint violation on either engine (SQLite's SQLITE_CONSTRAINT_UNIQUE, PostgreSQL's 23505). */
function isUniqueViolation(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY" || code === "23505";
}

/** Refuses (NotFoundError) a record id that is not in the review. */
async function recordInReview(trx: Transaction<ScreeningDatabase>, reviewId: string, recordId: string): Promise<void> {
  const rec = await trx.selectFrom("screening_records").select("id").where("id", "=", recordId).where("review_id", "=", reviewId).executeTakeFirst();
  if (rec === undefined) throw new NotFoundError(`record ${recordId} not found in this review`);
}
