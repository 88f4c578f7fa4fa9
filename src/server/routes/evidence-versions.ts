/**
 * The living evidence base (issue 11): reviewers change the draft (each change a revision with its reason), see
 * what differs from the published version and which stored patients' verdicts would change, and publish; everyone
 * reads the versions and the diff between two; clinicians read the notices of changed verdicts. Publishing switches
 * the server to the new version at once (CoreServices.useEvidenceVersion).
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { z } from "zod";
import { verdictChanges, verdictChangeText, type PatientVerdictChange } from "../../app/evidence-impact.js";
import { compareEvidenceBases, diffEvidenceBases, formatEvidenceProblem, parseEvidenceContent, type EvidenceBase } from "../../evidence/index.js";
import { EVIDENCE_TABLES, evidenceVersionLabel, type EvidenceChange, type EvidenceContent, type EvidenceVersionRef } from "../../evidence/versions.js";
import { EvidenceStore, type EvidenceVersionSummary, type PatientRow } from "../../store/index.js";
import { actorOf, routeOf, userOf } from "../auth.js";
import { HttpError, notFound } from "../errors.js";
import type { ClinicalFollowUp } from "../core.js";

const reviewers = { roles: ["reviewer", "admin"] as const };
const clinic = { roles: ["clinician", "admin"] as const };
const tags = ["evidence versions"];

const TableParams = z.object({ table: z.enum(EVIDENCE_TABLES as [string, ...string[]]) });
const EntryParams = TableParams.extend({ id: z.string().min(1).max(200) });
const Why = z.string().trim().min(3, "say why the evidence base changes").max(2000);
const EntryBody = z.strictObject({ why: Why, entry: z.record(z.string(), z.unknown()), expectedRevision: z.number().int().nonnegative().optional() });
const DeleteBody = z.strictObject({ why: Why, expectedRevision: z.number().int().nonnegative().optional() });
const PublishBody = z.strictObject({ note: z.string().trim().min(3, "say what this version changes").max(2000), expectedRevision: z.number().int().nonnegative() });
const VersionParams = z.object({ n: z.coerce.number().int().positive() });
const DiffQuery = z.object({ from: z.coerce.number().int().positive().optional(), to: z.coerce.number().int().positive().optional() });
/** A published version's number, or "draft" (the working draft; reviewers and admins only). */
const VersionOrDraft = z.union([z.literal("draft"), z.coerce.number().int().positive()]);
const CompareQuery = z.object({ from: VersionOrDraft, to: VersionOrDraft });
const NoticeQuery = z.object({ patient: z.string().min(1).max(100).optional() });

function ref(v: EvidenceVersionSummary) {
  return { number: v.number, publishedAt: v.publishedAt, contentHash: v.contentHash, label: evidenceVersionLabel(v), note: v.note, publishedBy: v.publishedBy, lastRevision: v.lastRevision, verdictChanges: v.impact.length };
}

export async function evidenceVersionRoutes(app: FastifyInstance): Promise<void> {
  const es = new EvidenceStore(app.store, app.now);
  const today = (): string => app.now().toISOString().slice(0, 10);
  const identified = (req: FastifyRequest): boolean => ["clinician", "admin"].includes(userOf(req).role);

  const allPatients = async (): Promise<PatientRow[]> => {
    const out: PatientRow[] = [];
    for (let offset = 0; ; offset += 200) {
      const page = await app.store.listPatients({ limit: 200, offset });
      out.push(...page.patients);
      if (page.patients.length < 200) return out;
    }
  };
  const followupsFor = async (id: string): Promise<ClinicalFollowUp[]> => {
    const errors = await app.store.followupErrors(id);
    return (await app.store.listFollowups(id)).filter((f) => !errors.has(f.id)).map((f) => f.data as unknown as ClinicalFollowUp);
  };

  /** Every stored patient assessed under both bases on today's date. */
  const IMPACT_SLICE = 20;
  const impactOf = async (from: { base: EvidenceBase; version?: number }, to: { base: EvidenceBase; version?: number }) => {
    const la = app.core.lookupFor(from.base, from.version);
    const lb = app.core.lookupFor(to.base, to.version);
    const patients = await allPatients();
    const rows = await Promise.all(patients.map(async (p) => ({ id: p.id, p, followups: await followupsFor(p.id) })));
    const day = today();
    const skipped: string[] = [];
    // every stored patient assessed twice: in slices of 20, yielding to the event loop between them, so that a
    // large clinic's comparison does not hold up sign-ins, health checks and other users' requests for seconds
    const changes: PatientVerdictChange[] = [];
    for (let i = 0; i < rows.length; i += IMPACT_SLICE) {
      if (i > 0) await new Promise<void>((resolve) => setImmediate(resolve));
      changes.push(
        ...verdictChanges(
          rows.slice(i, i + IMPACT_SLICE),
          (r) => app.core.assessUnder(la, null, `${r.p.id}@${r.p.version}`, r.p.record, r.followups, day, r.p.dateOfBirth),
          (r) => app.core.assessUnder(lb, null, `${r.p.id}@${r.p.version}`, r.p.record, r.followups, day, r.p.dateOfBirth),
          (r) => skipped.push(r.p.pseudonymId),
        ),
      );
    }
    return { changes, patients: new Map(patients.map((p) => [p.id, p])), assessed: rows.length - skipped.length, skipped, on: day };
  };
  /** The list as the caller may see it: names for clinicians and admins, pseudonym ids for everyone else. */
  const shown = (req: FastifyRequest, changes: readonly PatientVerdictChange[], patients: Map<string, PatientRow>) =>
    changes.map((c) => {
      const p = patients.get(c.patientId);
      const who = identified(req) ? { patientId: c.patientId, displayName: p?.displayName ?? null } : {};
      return { ...who, pseudonymId: p?.pseudonymId ?? null, therapy: c.therapy, therapyName: c.therapyName, kind: c.kind, before: c.before, after: c.after, text: verdictChangeText(c) };
    });

  const parseOrProblems = (content: EvidenceContent) => {
    const { base, problems } = parseEvidenceContent(content as Record<string, unknown>);
    return { base, problems: problems.map((p) => ({ ...p, text: formatEvidenceProblem(p) })) };
  };
  const versionBase = async (n: number): Promise<{ base: EvidenceBase; version: EvidenceVersionSummary }> => {
    const v = await es.getEvidenceVersion(n);
    return { base: parseOrProblems(v.content).base, version: v };
  };

  app.get("/api/evidence/versions", { schema: { tags, summary: "Published versions of the evidence base, newest first; `current` is the one verdicts use" } }, async () => {
    const versions = await es.listEvidenceVersions();
    const current = app.core.evidenceVersion();
    return { current: current === null ? null : { ...current, label: evidenceVersionLabel(current) }, versions: versions.map(ref) };
  });

  app.get("/api/evidence/versions/:n", { schema: { tags, summary: "One published version with its content (data/ format, one array per file)", params: VersionParams } }, async (req) => {
    const { n } = req.params as z.infer<typeof VersionParams>;
    const v = await es.getEvidenceVersion(n);
    return { version: { ...ref(v), content: v.content } };
  });

  app.get("/api/evidence/draft", { config: reviewers, schema: { tags, summary: "The working draft: content, the version it rests on, and the revisions not yet published" } }, async () => {
    const d = await es.getEvidenceDraft();
    return { draft: d };
  });

  const revise = async (req: FastifyRequest, why: string, change: EvidenceChange, expectedRevision?: number) => {
    const revisions = await es.reviseEvidenceDraft(actorOf(req), why, change, expectedRevision);
    return { revisions, lastRevision: revisions[revisions.length - 1]!.id };
  };

  app.post("/api/evidence/draft/:table", { config: reviewers, schema: { tags, summary: "Add an entry (trial, guideline position, meta-analysis, …) to the draft, with the reason", params: TableParams, body: EntryBody } }, async (req, reply) => {
    const { table } = req.params as z.infer<typeof TableParams>;
    const b = req.body as z.infer<typeof EntryBody>;
    return reply.code(201).send(await revise(req, b.why, { kind: "add", table: table as EvidenceChange["table"], entry: b.entry }, b.expectedRevision));
  });

  app.put("/api/evidence/draft/:table/:id", { config: reviewers, schema: { tags, summary: "Replace an entry of the draft (same id), with the reason; 404 when the draft has no such entry (add it with POST)", params: EntryParams, body: EntryBody } }, async (req) => {
    const { table, id } = req.params as z.infer<typeof EntryParams>;
    const b = req.body as z.infer<typeof EntryBody>;
    if (b.entry.id !== id) throw new HttpError(400, "VALIDATION", `the entry's id (${String(b.entry.id)}) must be ${id}`, "entry.id");
    // 404 (not 400) for an entry the draft does not hold, so a client can add it instead (the extraction page does)
    const held = (await es.getEvidenceDraft()).content[table as EvidenceChange["table"]] ?? [];
    if (!held.some((e) => (e as { id?: unknown }).id === id)) throw notFound(`${table} entry "${id}" in the draft`);
    return revise(req, b.why, { kind: "replace", table: table as EvidenceChange["table"], entry: b.entry }, b.expectedRevision);
  });

  app.delete("/api/evidence/draft/:table/:id", { config: reviewers, schema: { tags, summary: "Delete an entry from the draft, with the reason", params: EntryParams, body: DeleteBody } }, async (req) => {
    const { table, id } = req.params as z.infer<typeof EntryParams>;
    const b = req.body as z.infer<typeof DeleteBody>;
    return revise(req, b.why, { kind: "delete", table: table as EvidenceChange["table"], id }, b.expectedRevision);
  });

  app.get("/api/evidence/draft/diff", { config: reviewers, schema: { tags, summary: "The draft against the published version: what changed, whether it can be published, and which stored patients' verdicts would change" } }, async (req) => {
    const d = await es.getEvidenceDraft();
    const latest = await es.latestEvidenceVersion();
    if (latest === null) throw notFound("a published evidence version");
    const from = parseOrProblems(latest.content);
    const to = parseOrProblems(d.content);
    const impact = await impactOf({ base: from.base, version: latest.number }, { base: to.base });
    await app.store.auditRead({ ...actorOf(req), action: "evidence.impact", patientId: null, status: 200, detail: `draft #${d.lastRevision} vs v${latest.number}: ${impact.changes.length} verdict change(s) in ${impact.assessed} patients` });
    return {
      published: ref(latest),
      draft: { baseVersion: d.baseVersion, lastRevision: d.lastRevision, pending: d.pending.length },
      publishable: to.problems.length === 0,
      problems: to.problems,
      diff: diffEvidenceBases(from.base, to.base),
      affected: shown(req, impact.changes, impact.patients),
      patientsAssessed: impact.assessed,
      patientsSkipped: impact.skipped,
      assessedOn: impact.on,
    };
  });

  app.post("/api/evidence/publish", { config: reviewers, schema: { tags, summary: "Publish the draft as the next version (one transaction; 400 naming file, entry and field when it fails the checks; 409 when the draft changed since `expectedRevision`)", body: PublishBody } }, async (req, reply) => {
    const b = req.body as z.infer<typeof PublishBody>;
    const d = await es.getEvidenceDraft();
    if (d.lastRevision !== b.expectedRevision) throw new HttpError(409, "CONFLICT", `the draft has changed (revision ${d.lastRevision}, you reviewed ${b.expectedRevision}); review it again`);
    const latest = await es.latestEvidenceVersion();
    if (latest === null) throw notFound("a published evidence version");
    const to = parseOrProblems(d.content);
    // refused here with every problem before the patients are assessed; the store checks again inside its transaction
    const impact = to.problems.length === 0 ? await impactOf({ base: parseOrProblems(latest.content).base, version: latest.number }, { base: to.base }) : { changes: [] };
    const published = await es.publishEvidence(actorOf(req), b.note, { expectedRevision: b.expectedRevision, impact: impact.changes });
    app.core.useEvidenceVersion(await es.getEvidenceVersion(published.number));
    return reply.code(201).send({ version: ref(published) });
  });

  app.get("/api/evidence/diff", { schema: { tags, summary: "What changed between two published versions (default: the latest and the one before) and which stored patients' verdicts differ between them", querystring: DiffQuery } }, async (req) => {
    const q = req.query as z.infer<typeof DiffQuery>;
    const latest = await es.latestEvidenceVersionNumber();
    const to = q.to ?? latest;
    const from = q.from ?? Math.max(1, to - 1);
    const [a, b] = await Promise.all([versionBase(from), versionBase(to)]);
    const mayReadPatients = ["clinician", "admin", "reviewer"].includes(userOf(req).role);
    const impact = mayReadPatients ? await impactOf({ base: a.base, version: from }, { base: b.base, version: to }) : null;
    if (impact !== null) await app.store.auditRead({ ...actorOf(req), action: "evidence.impact", patientId: null, status: 200, detail: `v${from} vs v${to}: ${impact.changes.length} verdict change(s)` });
    return { from: ref(a.version), to: ref(b.version), diff: diffEvidenceBases(a.base, b.base), affected: impact === null ? null : shown(req, impact.changes, impact.patients), assessedOn: impact?.on ?? null };
  });

  /** One side of a comparison: a published version or the draft, with the base it holds. */
  const sideOf = async (which: number | "draft") => {
    if (which !== "draft") {
      const { base, version } = await versionBase(which);
      return { base, version: which as number | undefined, ref: { ...ref(version), draft: false } };
    }
    const d = await es.getEvidenceDraft();
    const parsed = parseOrProblems(d.content);
    const label = `the draft (revision #${d.lastRevision}, on evidence v${d.baseVersion})`;
    return { base: parsed.base, version: undefined, ref: { draft: true, label, baseVersion: d.baseVersion, lastRevision: d.lastRevision, pending: d.pending.length, problems: parsed.problems } };
  };

  app.get("/api/evidence/compare", { config: reviewers, schema: { tags, summary: "The reviewer's comparison of any two published versions, or a version and the draft (`draft`): changes grouped (trials, counts, risk of bias, GRADE, guideline positions, other) with before and after, every Summary-of-Findings row that differs, and which stored patients' verdicts differ (pseudonym ids for reviewers)", querystring: CompareQuery } }, async (req) => {
    const q = req.query as z.infer<typeof CompareQuery>;
    const [a, b] = await Promise.all([sideOf(q.from), sideOf(q.to)]);
    const impact = await impactOf({ base: a.base, ...(a.version !== undefined ? { version: a.version } : {}) }, { base: b.base, ...(b.version !== undefined ? { version: b.version } : {}) });
    await app.store.auditRead({ ...actorOf(req), action: "evidence.impact", patientId: null, status: 200, detail: `compare ${q.from === "draft" ? "draft" : `v${q.from}`} vs ${q.to === "draft" ? "draft" : `v${q.to}`}: ${impact.changes.length} verdict change(s) in ${impact.assessed} patients` });
    return {
      from: a.ref,
      to: b.ref,
      comparison: compareEvidenceBases(a.base, b.base),
      affected: shown(req, impact.changes, impact.patients),
      patientsAssessed: impact.assessed,
      patientsSkipped: impact.skipped,
      assessedOn: impact.on,
    };
  });

  app.get("/api/evidence/notices", { config: clinic, schema: { tags, summary: "Verdicts that changed when the current version was published (all patients, or ?patient=ID)", querystring: NoticeQuery } }, async (req) => {
    const { patient } = req.query as z.infer<typeof NoticeQuery>;
    const current = app.core.evidenceVersion();
    if (current === null) return { version: null, changes: [] };
    const v = await es.getEvidenceVersion(current.number);
    const changes = v.impact.filter((c) => patient === undefined || c.patientId === patient).map((c) => ({ ...c, text: verdictChangeText(c) }));
    await app.store.auditRead({ username: userOf(req).username, action: "evidence.notices", patientId: patient ?? null, route: routeOf(req), status: 200, detail: `v${v.number}: ${changes.length}` });
    return { version: { ...(current satisfies EvidenceVersionRef), label: evidenceVersionLabel(current) }, changes };
  });
}
