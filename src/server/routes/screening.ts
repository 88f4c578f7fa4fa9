/**
 * Study selection (/api/screening): reviews with their protocol and members, imports of search results,
 * deduplication review, blinded dual screening with a prioritised queue, conflicts and their resolution, full-text
 * screening, agreement (Cohen's kappa), PRISMA 2020 counts and diagram, exports. Documented in src/server/API.md.
 *
 * Only members of a review (and administrators, read-only) see it. Every read and write is audited.
 * The queue only reorders the records; every record is still screened by people.
 */
import { DEFAULT_LIMITS } from "../input-guard.js";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { z } from "zod";
import { prismaFlowSvg } from "../../evidence/plots/prisma.js";
import {
  CsvMappingSchema,
  EXPORT_HEADER,
  findHighlights,
  guessFormat,
  IMPORT_FORMATS,
  readSearchExport,
  prioritisedQueue,
  recordsToRis,
  type ReviewProtocol,
  ReviewProtocolSchema,
  reviewState,
  type ReviewState,
  selectionRows,
  STAGES,
  stoppingAid,
  tfidfFeatures,
  trainingLabels,
  VOTES,
} from "../../screening/index.js";
import { ScreeningStore, type StoredRecord } from "../../store/screening.js";
import { routeOf, userOf } from "../auth.js";
import { toCsv } from "../csv.js";
import { forbidden, HttpError, notFound } from "../errors.js";
import { IsoDate } from "./schemas.js";

const Id = z.uuid({ error: "not a valid id" });
const ReviewParams = z.object({ id: Id });
const DecisionParams = z.object({ id: Id, decisionId: Id });
const StageQuery = z.object({ stage: z.enum(STAGES).default("title_abstract") });
const QueueQuery = StageQuery.extend({ limit: z.coerce.number().int().min(1).max(100).default(20) });
const CreateReviewBody = z.object({ protocol: ReviewProtocolSchema });
const MemberBody = z.object({ username: z.string().trim().min(1).max(200), memberRole: z.enum(["lead", "reviewer"]).default("reviewer") });
const ImportBody = z.object({
  fileName: z.string().trim().min(1).max(300),
  format: z.enum(IMPORT_FORMATS).optional(),
  sourceDatabase: z.string().trim().min(1, "name the database searched (PubMed, Embase, CENTRAL, …)").max(200),
  searchDate: IsoDate,
  searchString: z.string().trim().min(1, "paste the search string as run").max(20000),
  content: z.string().min(1, "the file is empty").max(7_000_000),
  mapping: CsvMappingSchema.optional(),
});
const DuplicateBody = z.object({ a: Id, b: Id, duplicate: z.boolean() });
const DecisionBody = z.object({
  recordId: Id,
  stage: z.enum(STAGES),
  vote: z.enum(VOTES),
  reason: z.string().trim().min(1).max(300).nullable().default(null),
  changeReason: z.string().trim().min(1).max(2000).nullable().default(null),
});
const ResolutionBody = z.object({
  recordId: Id,
  stage: z.enum(STAGES),
  outcome: z.enum(["include", "exclude", "not_retrieved"]),
  reason: z.string().trim().min(1).max(300).nullable().default(null),
  note: z.string().trim().min(1, "say how the conflict was settled (third reviewer, consensus …)").max(2000),
});

export const PRIORITISATION_NOTE =
  "The order is a suggestion learned from the decisions so far (TF-IDF + naive Bayes). It only reorders the queue: every record is still screened by people, and no record is excluded by the tool.";

type RecordView = StoredRecord & { highlights: ReturnType<typeof findHighlights>; abstractHighlights: ReturnType<typeof findHighlights> };

export async function screeningRoutes(app: FastifyInstance): Promise<void> {
  const ss = new ScreeningStore(app.store, app.now);
  const actor = (req: FastifyRequest) => ({ username: userOf(req).username, route: routeOf(req) });
  const auditRead = (req: FastifyRequest, action: string, detail: string) => app.store.auditRead({ username: userOf(req).username, action, patientId: null, route: routeOf(req), status: 200, detail });

  /** The review, if the user is a member (or an administrator and `write` is false). */
  const access = async (req: FastifyRequest, id: string, write: boolean) => {
    const review = await ss.getReview(id);
    if (review === null) throw notFound(`review ${id}`);
    const me = userOf(req);
    const members = await ss.members(id);
    const member = members.find((m) => m.userId === me.id);
    if (member === undefined && !(me.role === "admin" && !write)) throw forbidden("you are not a member of this review");
    return { review, members, member, me };
  };
  const requireLead = (m: { memberRole: string } | undefined, role: string): void => {
    if (m?.memberRole !== "lead" && role !== "admin") throw forbidden("only the review's lead (or an administrator) may do this");
  };
  const load = async (reviewId: string, protocol: ReviewProtocol) => {
    const [imports, records, duplicateDecisions, decisions, resolutions] = await Promise.all([
      ss.imports(reviewId),
      ss.records(reviewId),
      ss.duplicateDecisions(reviewId),
      ss.allDecisions(reviewId),
      ss.resolutions(reviewId),
    ]);
    const state = reviewState({ protocol, imports, records, duplicateDecisions, decisions, resolutions });
    return { imports, records, decisions, resolutions, state };
  };
  const view = (r: StoredRecord, protocol: ReviewProtocol): RecordView => ({
    ...r,
    highlights: findHighlights(r.title, protocol.inclusionTerms, protocol.exclusionTerms),
    abstractHighlights: r.abstract === null ? [] : findHighlights(r.abstract, protocol.inclusionTerms, protocol.exclusionTerms),
  });
  const summary = (state: ReviewState) => ({
    records: state.dedup.unique.length + state.dedup.duplicates.length,
    duplicatesRemoved: state.dedup.duplicates.length,
    uncertainDuplicates: state.dedup.uncertain.length,
    screened: state.screenIds.length,
    titleAbstract: countStatus(state.titleAbstract),
    fullText: countStatus(state.fullText),
    conflicts: { titleAbstract: state.conflicts.titleAbstract.length, fullText: state.conflicts.fullText.length },
    agreement: state.agreement,
    prismaComplete: state.prisma.complete,
  });

  app.get("/api/screening/reviews", { schema: { tags: ["screening"], summary: "Reviews I am a member of (all for an administrator)" } }, async (req) => {
    const me = userOf(req);
    const reviews = await ss.listReviews(me.id, me.role === "admin");
    await auditRead(req, "screening.review.list", `${reviews.length} reviews`);
    return { reviews: reviews.map((r) => ({ id: r.id, title: r.title, createdAt: r.createdAt, createdBy: r.createdBy })) };
  });

  app.post("/api/screening/reviews", { config: { roles: ["researcher", "admin"] }, schema: { tags: ["screening"], summary: "Create a review (you become its lead)", body: CreateReviewBody } }, async (req, reply) => {
    const { protocol } = req.body as z.infer<typeof CreateReviewBody>;
    const review = await ss.createReview(protocol, { userId: userOf(req).id }, actor(req));
    return reply.code(201).send({ review });
  });

  app.get("/api/screening/reviews/:id", { schema: { tags: ["screening"], summary: "A review: protocol, members, imports, progress, kappa", params: ReviewParams } }, async (req) => {
    const { id } = req.params as z.infer<typeof ReviewParams>;
    const { review, members, member } = await access(req, id, false);
    const { imports, state } = await load(id, review.protocol);
    await auditRead(req, "screening.review.read", id);
    return { review, members, myRole: member?.memberRole ?? null, imports, summary: summary(state), prioritisationNote: PRIORITISATION_NOTE };
  });

  app.put("/api/screening/reviews/:id/protocol", { schema: { tags: ["screening"], summary: "Replace the protocol (lead)", params: ReviewParams, body: CreateReviewBody } }, async (req) => {
    const { id } = req.params as z.infer<typeof ReviewParams>;
    const { member, me } = await access(req, id, true);
    requireLead(member, me.role);
    const { protocol } = req.body as z.infer<typeof CreateReviewBody>;
    await ss.updateProtocol(id, protocol, actor(req));
    return { review: await ss.getReview(id) };
  });

  app.post("/api/screening/reviews/:id/members", { schema: { tags: ["screening"], summary: "Assign a user to the review (lead)", params: ReviewParams, body: MemberBody } }, async (req, reply) => {
    const { id } = req.params as z.infer<typeof ReviewParams>;
    const { member, me } = await access(req, id, true);
    requireLead(member, me.role);
    const body = req.body as z.infer<typeof MemberBody>;
    const user = (await app.store.listUsers()).find((u) => u.username === body.username);
    if (user === undefined || user.disabled) throw new HttpError(400, "VALIDATION", `no active user "${body.username}"`, "username");
    await ss.addMember(id, user.id, body.memberRole, actor(req));
    return reply.code(201).send({ members: await ss.members(id) });
  });

  // a search export of thousands of records: the body and its content string may be as large as the schema allows
  app.post("/api/screening/reviews/:id/imports", { bodyLimit: 8 * 1024 * 1024, config: { inputLimits: { ...DEFAULT_LIMITS, fields: { content: { maxString: 7_000_000 }, searchString: { maxString: 20_000 } } } }, schema: { tags: ["screening"], summary: "Import a search export (RIS, MEDLINE, PubMed XML, CSV with a mapping or columns named as the common tools name them): all records or none", params: ReviewParams, body: ImportBody } }, async (req, reply) => {
    const { id } = req.params as z.infer<typeof ReviewParams>;
    await access(req, id, true);
    const body = req.body as z.infer<typeof ImportBody>;
    const format = body.format ?? guessFormat(body.fileName, body.content);
    if (format === null) throw new HttpError(400, "VALIDATION", `${body.fileName}: cannot tell the format; choose RIS, MEDLINE, PubMed XML or CSV`, "format");
    // a CSV without a mapping is read by its column names: the answer says which columns were taken
    const { records, columns } = readSearchExport(format, body.content, body.fileName, body.mapping);
    const imp = await ss.addImport(id, { fileName: body.fileName, format, sourceDatabase: body.sourceDatabase, searchDate: body.searchDate, searchString: body.searchString }, records, actor(req));
    return reply.code(201).send({ import: imp, ...(columns !== undefined ? { columns } : {}) });
  });

  app.get("/api/screening/reviews/:id/duplicates", { schema: { tags: ["screening"], summary: "Duplicates removed per rule and uncertain pairs to review", params: ReviewParams } }, async (req) => {
    const { id } = req.params as z.infer<typeof ReviewParams>;
    const { review } = await access(req, id, false);
    const { records, state } = await load(id, review.protocol);
    const byId = new Map(records.map((r) => [r.id, r]));
    await auditRead(req, "screening.duplicates.read", id);
    return {
      removedByRule: state.dedup.removedByRule,
      duplicates: state.dedup.duplicates,
      uncertain: state.dedup.uncertain.map((u) => ({ ...u, recordA: byId.get(u.a), recordB: byId.get(u.b) })),
    };
  });

  app.post("/api/screening/reviews/:id/duplicates", { schema: { tags: ["screening"], summary: "Decide an uncertain pair (duplicate or not)", params: ReviewParams, body: DuplicateBody } }, async (req, reply) => {
    const { id } = req.params as z.infer<typeof ReviewParams>;
    await access(req, id, true);
    const body = req.body as z.infer<typeof DuplicateBody>;
    if (body.a === body.b) throw new HttpError(400, "VALIDATION", "a pair needs two different records", "b");
    await ss.decideDuplicate(id, body.a, body.b, body.duplicate, actor(req));
    return reply.code(201).send({ ok: true });
  });

  app.get("/api/screening/reviews/:id/queue", { schema: { tags: ["screening"], summary: "My next records at a stage, most likely relevant first (title/abstract)", params: ReviewParams, querystring: QueueQuery } }, async (req) => {
    const { id } = req.params as z.infer<typeof ReviewParams>;
    const { stage, limit } = req.query as z.infer<typeof QueueQuery>;
    const { review, me, member } = await access(req, id, true);
    if (member === undefined) throw forbidden("you are not a member of this review");
    const { records, decisions, state } = await load(id, review.protocol);
    const pool = stage === "title_abstract" ? state.screenIds : state.fullTextIds;
    const states = stage === "title_abstract" ? state.titleAbstract : state.fullText;
    const mine = new Set(decisions.filter((d) => d.reviewerId === me.id && d.stage === stage).map((d) => d.recordId));
    const todo = pool.filter((rid) => !mine.has(rid) && states.get(rid)?.status !== "resolved");
    const byId = new Map(records.map((r) => [r.id, r]));
    let ordered = todo;
    let prioritised = false;
    if (stage === "title_abstract" && todo.length > 1) {
      const labels = trainingLabels(me.id, decisions, state.titleAbstract);
      const rows = [...todo, ...[...labels.keys()].filter((k) => !todo.includes(k))];
      const X = tfidfFeatures(rows.map((rid) => { const r = byId.get(rid) as StoredRecord; return `${r.title} ${r.abstract ?? ""}`; }));
      const rowOf = new Map(rows.map((rid, i) => [rid, i]));
      const labelled = [...labels].map(([rid, relevant]) => ({ row: rowOf.get(rid) as number, relevant }));
      const q = prioritisedQueue(X, labelled);
      prioritised = q.some((e) => e.score !== null);
      ordered = q.map((e) => rows[e.row] as string).filter((rid) => !labels.has(rid) || todo.includes(rid));
    }
    const myOrder = decisions.filter((d) => d.reviewerId === me.id && d.stage === "title_abstract").sort((a, b) => (a.decidedAt < b.decidedAt ? -1 : a.decidedAt > b.decidedAt ? 1 : 0));
    await auditRead(req, "screening.queue.read", `${id}: ${stage}, ${todo.length} to screen`);
    return {
      stage,
      remaining: todo.length,
      prioritised,
      note: PRIORITISATION_NOTE,
      stopping: stage === "title_abstract" ? stoppingAid(myOrder.map((d) => d.vote !== "exclude"), todo.length) : null,
      records: ordered.slice(0, limit).map((rid) => view(byId.get(rid) as StoredRecord, review.protocol)),
    };
  });

  app.post("/api/screening/reviews/:id/decisions", { schema: { tags: ["screening"], summary: "Record my vote (a change needs changeReason; the earlier vote is kept)", params: ReviewParams, body: DecisionBody } }, async (req, reply) => {
    const { id } = req.params as z.infer<typeof ReviewParams>;
    const { review, me, member } = await access(req, id, true);
    if (member === undefined) throw forbidden("you are not a member of this review");
    const body = req.body as z.infer<typeof DecisionBody>;
    const { state } = await load(id, review.protocol);
    if (body.stage === "title_abstract" && !state.screenIds.includes(body.recordId)) throw new HttpError(409, "CONFLICT", "this record is not screened (unknown or removed as a duplicate)");
    if (body.stage === "full_text") {
      if (!state.fullTextIds.includes(body.recordId)) throw new HttpError(409, "CONFLICT", "this record has not been sent on to full text");
      if (body.vote === "maybe") throw new HttpError(400, "VALIDATION", "at full text the vote is include or exclude", "vote");
      if (body.vote === "exclude" && body.reason === null) throw new HttpError(400, "VALIDATION", "a full-text exclusion needs a reason from the review's list", "reason");
    }
    if (body.reason !== null) {
      if (!(body.stage === "full_text" && body.vote === "exclude")) throw new HttpError(400, "VALIDATION", "a reason is given only with a full-text exclusion", "reason");
      if (!review.protocol.exclusionReasons.includes(body.reason)) throw new HttpError(400, "VALIDATION", `"${body.reason}" is not one of the review's exclusion reasons: ${review.protocol.exclusionReasons.join("; ")}`, "reason");
    }
    const d = await ss.decide(id, { recordId: body.recordId, reviewerId: me.id, stage: body.stage, vote: body.vote, reason: body.reason, changeReason: body.changeReason }, actor(req));
    return reply.code(201).send({ decision: d });
  });

  app.get("/api/screening/reviews/:id/decisions", { schema: { tags: ["screening"], summary: "Decisions I may see at a stage (blinded)", params: ReviewParams, querystring: StageQuery } }, async (req) => {
    const { id } = req.params as z.infer<typeof ReviewParams>;
    const { stage } = req.query as z.infer<typeof StageQuery>;
    const { me } = await access(req, id, false);
    const decisions = await ss.decisionsVisibleTo(id, me.id, stage);
    await auditRead(req, "screening.decisions.read", `${id}: ${stage}, ${decisions.length} visible`);
    return { decisions };
  });

  app.get("/api/screening/reviews/:id/decisions/:decisionId/history", { schema: { tags: ["screening"], summary: "Every version of a decision", params: DecisionParams } }, async (req) => {
    const { id, decisionId } = req.params as z.infer<typeof DecisionParams>;
    const { me } = await access(req, id, false);
    const visible = [...(await ss.decisionsVisibleTo(id, me.id, "title_abstract")), ...(await ss.decisionsVisibleTo(id, me.id, "full_text"))];
    if (!visible.some((d) => d.id === decisionId)) throw notFound(`decision ${decisionId}`);
    await auditRead(req, "screening.decision.history", `${id}: ${decisionId}`);
    return { history: await ss.decisionHistory(decisionId) };
  });

  app.get("/api/screening/reviews/:id/conflicts", { schema: { tags: ["screening"], summary: "Records whose votes disagree, with the votes", params: ReviewParams, querystring: StageQuery } }, async (req) => {
    const { id } = req.params as z.infer<typeof ReviewParams>;
    const { stage } = req.query as z.infer<typeof StageQuery>;
    const { review, members } = await access(req, id, false);
    const { records, decisions, state } = await load(id, review.protocol);
    const byId = new Map(records.map((r) => [r.id, r]));
    const names = new Map(members.map((m) => [m.userId, m.username]));
    const ids = stage === "title_abstract" ? state.conflicts.titleAbstract : state.conflicts.fullText;
    await auditRead(req, "screening.conflicts.read", `${id}: ${stage}, ${ids.length}`);
    return {
      conflicts: ids.map((rid) => ({
        record: view(byId.get(rid) as StoredRecord, review.protocol),
        votes: decisions.filter((d) => d.recordId === rid && d.stage === stage).map((d) => ({ reviewer: names.get(d.reviewerId) ?? d.reviewerId, vote: d.vote, reason: d.reason, decidedAt: d.decidedAt })),
      })),
    };
  });

  app.post("/api/screening/reviews/:id/resolutions", { schema: { tags: ["screening"], summary: "Settle a conflict (third reviewer or consensus), or mark a full text not retrieved", params: ReviewParams, body: ResolutionBody } }, async (req, reply) => {
    const { id } = req.params as z.infer<typeof ReviewParams>;
    const { review, member } = await access(req, id, true);
    if (member === undefined) throw forbidden("you are not a member of this review");
    const body = req.body as z.infer<typeof ResolutionBody>;
    const { state } = await load(id, review.protocol);
    const st = (body.stage === "title_abstract" ? state.titleAbstract : state.fullText).get(body.recordId);
    if (st === undefined) throw new HttpError(409, "CONFLICT", `this record is not at the ${body.stage === "title_abstract" ? "title/abstract" : "full-text"} stage`);
    if (body.outcome === "not_retrieved") {
      if (body.stage !== "full_text") throw new HttpError(400, "VALIDATION", "only a full text can be not retrieved", "outcome");
      if (st.status === "agreed" || st.status === "resolved") throw new HttpError(409, "CONFLICT", "this full text has already been decided");
    } else if (st.status !== "conflict") throw new HttpError(409, "CONFLICT", `only a record in conflict is resolved (this one is ${st.status})`);
    if (body.stage === "full_text" && body.outcome === "exclude") {
      if (body.reason === null) throw new HttpError(400, "VALIDATION", "a full-text exclusion needs a reason from the review's list", "reason");
      if (!review.protocol.exclusionReasons.includes(body.reason)) throw new HttpError(400, "VALIDATION", `"${body.reason}" is not one of the review's exclusion reasons`, "reason");
    } else if (body.reason !== null) throw new HttpError(400, "VALIDATION", "a reason is given only with a full-text exclusion", "reason");
    const r = await ss.resolve(id, body, actor(req));
    return reply.code(201).send({ resolution: r });
  });

  app.get("/api/screening/reviews/:id/prisma", { schema: { tags: ["screening"], summary: "PRISMA 2020 counts (and the diagram once screening is complete)", params: ReviewParams } }, async (req) => {
    const { id } = req.params as z.infer<typeof ReviewParams>;
    const { review } = await access(req, id, false);
    const { state } = await load(id, review.protocol);
    await auditRead(req, "screening.prisma.read", id);
    const svg = state.prisma.complete ? prismaFlowSvg(state.prisma.counts, { title: review.title }) : null;
    return { ...state.prisma, svg };
  });

  app.get("/api/screening/reviews/:id/export/selection.csv", { schema: { tags: ["screening"], summary: "Included and excluded records with reasons (CSV)", params: ReviewParams } }, async (req, reply) => {
    const { id } = req.params as z.infer<typeof ReviewParams>;
    const { review } = await access(req, id, false);
    const { records, imports, state } = await load(id, review.protocol);
    const db = new Map(imports.map((i) => [i.id, i.sourceDatabase]));
    const screened = new Set(state.screenIds);
    const rows = selectionRows(records.filter((r) => screened.has(r.id)).map((r) => ({ ...r, sourceDatabase: db.get(r.importId) ?? "" })), state.titleAbstract, state.fullText);
    await app.store.audit(null, { username: userOf(req).username, action: "screening.export.selection", route: routeOf(req), status: 200, detail: `${id}: ${rows.length} records` });
    return reply.type("text/csv; charset=utf-8").header("content-disposition", 'attachment; filename="selection.csv"').send(toCsv(EXPORT_HEADER, rows));
  });

  app.get("/api/screening/reviews/:id/export/included.ris", { schema: { tags: ["screening"], summary: "The included reports as RIS (for extraction or a reference manager)", params: ReviewParams } }, async (req, reply) => {
    const { id } = req.params as z.infer<typeof ReviewParams>;
    const { review } = await access(req, id, false);
    const { records, state } = await load(id, review.protocol);
    const included = records.filter((r) => state.fullText.get(r.id)?.outcome === "include");
    await app.store.audit(null, { username: userOf(req).username, action: "screening.export.included", route: routeOf(req), status: 200, detail: `${id}: ${included.length} records` });
    return reply.type("application/x-research-info-systems; charset=utf-8").header("content-disposition", 'attachment; filename="included.ris"').send(recordsToRis(included));
  });

  app.get("/api/screening/reviews/:id/export/prisma.json", { schema: { tags: ["screening"], summary: "PRISMA counts as JSON", params: ReviewParams } }, async (req, reply) => {
    const { id } = req.params as z.infer<typeof ReviewParams>;
    const { review } = await access(req, id, false);
    const { imports, state } = await load(id, review.protocol);
    await app.store.audit(null, { username: userOf(req).username, action: "screening.export.prisma", route: routeOf(req), status: 200, detail: id });
    const body = {
      review: review.title,
      searches: imports.map((i) => ({ database: i.sourceDatabase, searchDate: i.searchDate, searchString: i.searchString, records: i.recordCount, file: i.fileName })),
      counts: state.prisma.counts,
      duplicatesByRule: state.prisma.duplicatesByRule,
      complete: state.prisma.complete,
      pending: state.prisma.pending,
      notes: state.prisma.notes,
    };
    return reply.header("content-disposition", 'attachment; filename="prisma.json"').send(body);
  });

  app.get("/api/screening/reviews/:id/records", { schema: { tags: ["screening"], summary: "Records at a stage with their settled state (votes hidden)", params: ReviewParams, querystring: StageQuery } }, async (req) => {
    const { id } = req.params as z.infer<typeof ReviewParams>;
    const { stage } = req.query as z.infer<typeof StageQuery>;
    const { review } = await access(req, id, false);
    const { records, state } = await load(id, review.protocol);
    const byId = new Map(records.map((r) => [r.id, r]));
    const ids: string[] = stage === "title_abstract" ? state.screenIds : state.fullTextIds;
    const states = stage === "title_abstract" ? state.titleAbstract : state.fullText;
    await auditRead(req, "screening.records.read", `${id}: ${stage}, ${ids.length}`);
    return {
      records: ids.map((rid) => {
        const s = states.get(rid);
        // "agreed"/"conflict" arise only once every vote is in, so the status does not unblind a pending record
        return { ...view(byId.get(rid) as StoredRecord, review.protocol), status: s?.status ?? "pending", outcome: s?.outcome ?? null, reason: s?.reason ?? null, votes: s?.votes ?? 0 };
      }),
    };
  });
}

function countStatus(m: Map<string, { status: string; outcome: string | null }>): Record<string, number> {
  const out: Record<string, number> = { pending: 0, agreed: 0, conflict: 0, resolved: 0, included: 0, excluded: 0, notRetrieved: 0 };
  for (const s of m.values()) {
    out[s.status] = (out[s.status] ?? 0) + 1;
    if (s.outcome === "include") out.included = (out.included ?? 0) + 1;
    else if (s.outcome === "exclude") out.excluded = (out.excluded ?? 0) + 1;
    else if (s.outcome === "not_retrieved") out.notRetrieved = (out.notRetrieved ?? 0) + 1;
  }
  return out;
}
