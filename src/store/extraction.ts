/**
 * Extraction and risk-of-bias tables (migration 0010_extraction): each reviewer's extraction of a study (draft, then
 * submitted and fixed), the reconciliation of a study's two submitted extractions with one row per resolved
 * disagreement, and RoB 2 / ROBINS-I assessments (every save a new version: answers, overrides with their reasons,
 * the algorithm's and the final judgements, the assessor). Every write runs in one transaction with its audit entry.
 *
 * Blinding is enforced here (`visibleTo`): a reviewer sees another reviewer's extraction only once both are submitted
 * (`extractionVisible`, src/evidence/extraction.ts).
 */
import { randomUUID } from "node:crypto";
import type { Kysely, Transaction } from "kysely";
import {
  EXTRACTORS_PER_STUDY,
  extractionToTrialEntry,
  extractionVisible,
  type Extraction,
  type ResolvedDisagreement,
  type TrialEntryMeta,
} from "../evidence/extraction.js";
import type { EvidenceTrial } from "../evidence/schema.js";
import type { Database } from "./schema.js";
import { type Actor, ConflictError, NotFoundError, type Store } from "./store.js";

export type ExtractionStatus = "draft" | "submitted";
export type RobToolId = "rob2" | "robins-i";

export interface StoredExtraction {
  id: string;
  study: string;
  reviewerId: string;
  reviewer: string;
  status: ExtractionStatus;
  /** The form as saved (a draft may be incomplete; a submitted one passed `parseExtraction`). */
  content: unknown;
  version: number;
  createdAt: string;
  updatedAt: string;
  submittedAt: string | null;
}

/** What a viewer may know of a study's extractions: every status, and the content only where blinding allows. */
export interface ExtractionsView {
  study: string;
  extractions: Array<Omit<StoredExtraction, "content"> & { content: unknown | null; blinded: boolean }>;
  reconciled: boolean;
}

export interface StudySummary {
  study: string;
  extractions: Array<{ reviewer: string; status: ExtractionStatus }>;
  reconciled: boolean;
}

export interface StoredReconciliation {
  id: string;
  study: string;
  extractionA: string;
  extractionB: string;
  reviewerA: string;
  reviewerB: string;
  agreed: Extraction;
  meta: TrialEntryMeta;
  resolutions: ResolvedDisagreement[];
  reconciledAt: string;
  reconciledBy: string;
}

export interface StoredRobAssessment {
  id: string;
  study: string;
  outcome: string;
  tool: RobToolId;
  version: number;
  input: unknown;
  result: unknown;
  overallAlgorithm: string;
  overallFinal: string;
  assessor: string;
  assessedAt: string;
}

type AuditDb = Parameters<Store["audit"]>[0];
const json = (v: unknown): string | null => (v === undefined ? null : JSON.stringify(v));
const unjson = (s: string | null): unknown => (s === null ? undefined : (JSON.parse(s) as unknown));

export class ExtractionStore {
  private readonly db: Kysely<Database>;
  constructor(
    private readonly store: Store,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.db = store.db;
  }

  private iso(): string {
    return this.now().toISOString();
  }

  private audit(trx: Transaction<Database>, actor: Actor, action: string, detail: string): Promise<void> {
    return this.store.audit(trx as unknown as AuditDb, { username: actor.username, action, route: actor.route, detail, clientIp: actor.clientIp ?? null, userAgent: actor.userAgent ?? null, sessionId: actor.sessionId ?? null });
  }

  // ── extractions ──────────────────────────────────────────────────────────────────────────────────

  /**
   * Saves a reviewer's extraction (creates it, or replaces the draft). `submit` fixes it: a submitted extraction
   * cannot change. A study takes two extractors; a third is refused, as is any change after reconciliation.
   * The caller checks a submitted form with `parseExtraction`.
   */
  async save(study: string, reviewerId: string, content: unknown, submit: boolean, actor: Actor): Promise<StoredExtraction> {
    const at = this.iso();
    return this.db.transaction().execute(async (trx) => {
      const rec = await trx.selectFrom("extraction_reconciliations").select("id").where("study", "=", study).executeTakeFirst();
      if (rec !== undefined) throw new ConflictError(`study ${study} has been reconciled; its extractions can no longer change`);
      const rows = await trx.selectFrom("extractions").selectAll().where("study", "=", study).execute();
      const prior = rows.find((r) => r.reviewer_id === reviewerId);
      const status: ExtractionStatus = submit ? "submitted" : "draft";
      let id: string;
      let version: number;
      if (prior === undefined) {
        if (rows.length >= EXTRACTORS_PER_STUDY) throw new ConflictError(`study ${study} already has its ${EXTRACTORS_PER_STUDY} independent extractions`);
        id = randomUUID();
        version = 1;
        await trx.insertInto("extractions").values({ id, study, reviewer_id: reviewerId, status, content: JSON.stringify(content), version, created_at: at, updated_at: at, submitted_at: submit ? at : null }).execute();
      } else {
        if (prior.status === "submitted") throw new ConflictError("this extraction has been submitted and can no longer change");
        id = prior.id;
        version = Number(prior.version) + 1;
        const r = await trx
          .updateTable("extractions")
          .set({ status, content: JSON.stringify(content), version, updated_at: at, submitted_at: submit ? at : null })
          .where("id", "=", id)
          .where("version", "=", prior.version)
          .executeTakeFirst();
        if (Number(r.numUpdatedRows) !== 1) throw new ConflictError("the extraction was changed by another request; reload it");
      }
      await this.audit(trx, actor, submit ? "extraction.submit" : "extraction.save", `${study}: extraction ${id} v${version} (${status})`);
      const created = prior?.created_at ?? at;
      return { id, study, reviewerId, reviewer: actor.username, status, content, version, createdAt: created, updatedAt: at, submittedAt: submit ? at : null };
    });
  }

  /** Every extraction of a study, unblinded (for the reconciliation; never sent as such to a reviewer). */
  async all(study: string): Promise<StoredExtraction[]> {
    const rows = await this.db
      .selectFrom("extractions")
      .innerJoin("users", "users.id", "extractions.reviewer_id")
      .selectAll("extractions")
      .select("users.username")
      .where("extractions.study", "=", study)
      .orderBy("extractions.created_at")
      .orderBy("users.username")
      .execute();
    return rows.map((r) => ({
      id: r.id,
      study: r.study,
      reviewerId: r.reviewer_id,
      reviewer: r.username,
      status: r.status,
      content: JSON.parse(r.content) as unknown,
      version: Number(r.version),
      createdAt: r.created_at,
      updatedAt: r.updated_at,
      submittedAt: r.submitted_at,
    }));
  }

  /** The study's extractions as `viewerId` may see them (blinding; see the file comment). */
  async visibleTo(study: string, viewerId: string): Promise<ExtractionsView> {
    const all = await this.all(study);
    const statuses = all.map((e) => ({ reviewerId: e.reviewerId, status: e.status }));
    const reconciled = (await this.db.selectFrom("extraction_reconciliations").select("id").where("study", "=", study).executeTakeFirst()) !== undefined;
    return {
      study,
      reconciled,
      extractions: all.map((e) => {
        const visible = extractionVisible(viewerId, e.reviewerId, statuses);
        return { ...e, content: visible ? e.content : null, blinded: !visible };
      }),
    };
  }

  /** Every study with extractions: who extracted it (status only) and whether it is reconciled. */
  async studies(): Promise<StudySummary[]> {
    const rows = await this.db.selectFrom("extractions").innerJoin("users", "users.id", "extractions.reviewer_id").select(["extractions.study", "extractions.status", "users.username"]).orderBy("extractions.study").orderBy("extractions.created_at").orderBy("users.username").execute();
    const reconciled = new Set((await this.db.selectFrom("extraction_reconciliations").select("study").execute()).map((r) => r.study));
    const out = new Map<string, StudySummary>();
    for (const r of rows) {
      let s = out.get(r.study);
      if (s === undefined) out.set(r.study, (s = { study: r.study, extractions: [], reconciled: reconciled.has(r.study) }));
      s.extractions.push({ reviewer: r.username, status: r.status });
    }
    return [...out.values()];
  }

  // ── reconciliation ───────────────────────────────────────────────────────────────────────────────

  /**
   * Stores the agreed extraction and how each disagreement was resolved (computed by `reconcile` from the two
   * submitted extractions `a` and `b`, whose ids and versions must still be current). Once per study.
   */
  async saveReconciliation(
    study: string,
    input: { extractionA: string; extractionB: string; versions: [number, number]; agreed: Extraction; meta: TrialEntryMeta; resolutions: readonly ResolvedDisagreement[] },
    actor: Actor,
  ): Promise<StoredReconciliation> {
    const at = this.iso();
    const id = randomUUID();
    await this.db.transaction().execute(async (trx) => {
      const prior = await trx.selectFrom("extraction_reconciliations").select("id").where("study", "=", study).executeTakeFirst();
      if (prior !== undefined) throw new ConflictError(`study ${study} has already been reconciled`);
      const rows = await trx.selectFrom("extractions").selectAll().where("study", "=", study).execute();
      const ok = [input.extractionA, input.extractionB].every((eid, i) => {
        const r = rows.find((x) => x.id === eid);
        return r !== undefined && r.status === "submitted" && Number(r.version) === input.versions[i];
      });
      if (!ok || rows.length !== EXTRACTORS_PER_STUDY) throw new ConflictError("reconciliation needs the study's two submitted extractions as they are now; reload");
      await trx.insertInto("extraction_reconciliations").values({ id, study, extraction_a: input.extractionA, extraction_b: input.extractionB, agreed: JSON.stringify(input.agreed), meta: JSON.stringify(input.meta), reconciled_at: at, reconciled_by: actor.username }).execute();
      for (const [i, r] of input.resolutions.entries()) {
        await trx
          .insertInto("extraction_resolutions")
          .values({ id: randomUUID(), reconciliation_id: id, position: i, path: r.path, value_a: json(r.a), value_b: json(r.b), choice: r.choice, value: json(r.value), reason: r.reason })
          .execute();
      }
      const summary = input.resolutions.map((r) => `${r.path}: ${r.choice === "new" ? `new value (${r.reason})` : `took ${r.choice.toUpperCase()}${r.reason !== "" ? ` (${r.reason})` : ""}`}`).join("; ");
      await this.audit(trx, actor, "extraction.reconcile", `${study}: ${input.resolutions.length} disagreement(s) resolved${summary !== "" ? `: ${summary}` : ""}`.slice(0, 4000));
    });
    const rec = await this.reconciliation(study);
    if (rec === null) throw new NotFoundError(`reconciliation of ${study}`);
    return rec;
  }

  async reconciliation(study: string): Promise<StoredReconciliation | null> {
    const r = await this.db.selectFrom("extraction_reconciliations").selectAll().where("study", "=", study).executeTakeFirst();
    if (r === undefined) return null;
    const res = await this.db.selectFrom("extraction_resolutions").selectAll().where("reconciliation_id", "=", r.id).orderBy("position").execute();
    const names = await this.db
      .selectFrom("extractions")
      .innerJoin("users", "users.id", "extractions.reviewer_id")
      .select(["extractions.id", "users.username"])
      .where("extractions.id", "in", [r.extraction_a, r.extraction_b])
      .execute();
    const who = (id: string): string => names.find((n) => n.id === id)?.username ?? "?";
    return {
      id: r.id,
      study: r.study,
      extractionA: r.extraction_a,
      extractionB: r.extraction_b,
      reviewerA: who(r.extraction_a),
      reviewerB: who(r.extraction_b),
      agreed: JSON.parse(r.agreed) as Extraction,
      meta: JSON.parse(r.meta) as TrialEntryMeta,
      resolutions: res.map((x) => ({ path: x.path, a: unjson(x.value_a) as ResolvedDisagreement["a"], b: unjson(x.value_b) as ResolvedDisagreement["b"], choice: x.choice, value: unjson(x.value) as ResolvedDisagreement["value"], reason: x.reason })),
      reconciledAt: r.reconciled_at,
      reconciledBy: r.reconciled_by,
    };
  }

  /**
   * The reconciled study as a data/trials.json entry (EvidenceTrialSchema), for the evidence draft. Null when the
   * study is not reconciled.
   */
  async reconciledTrialEntry(study: string): Promise<EvidenceTrial | null> {
    const r = await this.reconciliation(study);
    return r === null ? null : extractionToTrialEntry(r.agreed, r.meta);
  }

  // ── risk of bias ─────────────────────────────────────────────────────────────────────────────────

  /** Saves a new version of a study result's RoB assessment (the caller computed `result` with assessRob2 / assessRobinsI). */
  async saveRob(
    input: { study: string; outcome: string; tool: RobToolId; input: unknown; result: unknown; overallAlgorithm: string; overallFinal: string; overrides: readonly string[] },
    actor: Actor,
  ): Promise<StoredRobAssessment> {
    const at = this.iso();
    const id = randomUUID();
    const version = await this.db.transaction().execute(async (trx) => {
      const max = await trx
        .selectFrom("rob_assessments")
        .select((eb) => eb.fn.max("version").as("v"))
        .where("study", "=", input.study)
        .where("outcome", "=", input.outcome)
        .where("tool", "=", input.tool)
        .executeTakeFirst();
      const v = max?.v === null || max?.v === undefined ? 1 : Number(max.v) + 1;
      await trx
        .insertInto("rob_assessments")
        .values({ id, study: input.study, outcome: input.outcome, tool: input.tool, version: v, input: JSON.stringify(input.input), result: JSON.stringify(input.result), overall_algorithm: input.overallAlgorithm, overall_final: input.overallFinal, assessor: actor.username, assessed_at: at })
        .execute();
      const ov = input.overrides.length > 0 ? `; overrides: ${input.overrides.join("; ")}` : "";
      await this.audit(trx, actor, "rob.save", `${input.tool} ${input.study}${input.outcome !== "" ? ` (${input.outcome})` : ""} v${v}: algorithm ${input.overallAlgorithm}, final ${input.overallFinal}${ov}`.slice(0, 4000));
      return v;
    });
    return { id, study: input.study, outcome: input.outcome, tool: input.tool, version, input: input.input, result: input.result, overallAlgorithm: input.overallAlgorithm, overallFinal: input.overallFinal, assessor: actor.username, assessedAt: at };
  }

  private static toRob(r: Database["rob_assessments"]): StoredRobAssessment {
    return {
      id: r.id,
      study: r.study,
      outcome: r.outcome,
      tool: r.tool,
      version: Number(r.version),
      input: JSON.parse(r.input) as unknown,
      result: JSON.parse(r.result) as unknown,
      overallAlgorithm: r.overall_algorithm,
      overallFinal: r.overall_final,
      assessor: r.assessor,
      assessedAt: r.assessed_at,
    };
  }

  /** The current (latest) version of every assessment, optionally of one tool, ordered by study and outcome. */
  async currentRob(tool?: RobToolId): Promise<StoredRobAssessment[]> {
    let q = this.db.selectFrom("rob_assessments").selectAll();
    if (tool !== undefined) q = q.where("tool", "=", tool);
    const rows = await q.orderBy("study").orderBy("outcome").orderBy("tool").orderBy("version", "desc").execute();
    const seen = new Set<string>();
    const out: StoredRobAssessment[] = [];
    for (const r of rows) {
      const key = `${r.study}\u0000${r.outcome}\u0000${r.tool}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(ExtractionStore.toRob(r));
    }
    return out;
  }

  /** Every saved version of one assessment, oldest first. */
  async robHistory(study: string, outcome: string, tool: RobToolId): Promise<StoredRobAssessment[]> {
    const rows = await this.db.selectFrom("rob_assessments").selectAll().where("study", "=", study).where("outcome", "=", outcome).where("tool", "=", tool).orderBy("version").execute();
    return rows.map(ExtractionStore.toRob);
  }
}
