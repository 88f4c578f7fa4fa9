/**
 * Patients, their history, assessment, plan and follow-ups. Every read and write of patient data is written to
 * the audit log (writes inside their transaction, reads before the answer is sent).
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { z } from "zod";
import { TherapyIdSchema } from "../../shared/therapies.js";
import { actorOf, userOf } from "../auth.js";
import { RecordBodySchema } from "../core.js";
import { FollowUpSchema, checkFollowupDate } from "../../app/followups.js";
import { patientHistoryEvents } from "../../app/patient-history.js";
import { dueSteps } from "../../clinical/due-steps.js";
import { HttpError } from "../errors.js";
import { patientAccess } from "./patient-access.js";
import { DEFAULT_LIMITS, type InputLimits } from "../input-guard.js";
import { researchAssessment } from "../research-view.js";
import { IdParams, IsoDate, PatientSchema, PatientSummarySchema } from "./schemas.js";
import { dayZeroOf, followupView, isPseudonymised, patientSummary, patientView } from "./views.js";

const ListQuery = z.object({
  q: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});
const PatientBody = z.object({
  displayName: z.string().trim().min(1, "enter the patient's name").max(200),
  dateOfBirth: IsoDate,
  record: RecordBodySchema,
});
const UpdateBody = PatientBody.extend({ version: z.number().int().min(1) });
const AssessmentQuery = z.object({ date: IsoDate.optional() });
const PlanBody = z.object({ therapy: TherapyIdSchema, startDate: IsoDate });

export { FollowUpSchema };
const FollowupParams = z.object({ id: z.uuid(), followupId: z.uuid() });

/** How much one record may hold: generous for any real history, far below what could exhaust the server. */
export const RECORD_LIMITS: InputLimits = {
  ...DEFAULT_LIMITS,
  maxString: 2000,
  maxArray: 100,
  fields: {
    "record.losses": { maxArray: 30 },
    "record.liveBirths": { maxArray: 20 },
    "record.ivf.transfers": { maxArray: 50 },
    "record.workup.antiphospholipid": { maxArray: 50 },
    "record.followUps": { maxArray: 100 },
  },
};
/** Follow-ups one patient may have. */
export const MAX_FOLLOWUPS = 500;

const writers = { roles: ["clinician", "admin"] as const, inputLimits: RECORD_LIMITS };
const readers = { roles: ["clinician", "researcher", "admin"] as const, inputLimits: RECORD_LIMITS };

export async function patientRoutes(app: FastifyInstance): Promise<void> {
  const actor = actorOf;
  const auditRead = (req: FastifyRequest, action: string, patientId: string | null, detail?: string) =>
    app.store.auditRead({ ...actorOf(req), action, patientId, status: 200, detail: detail ?? null });
  const { load, followupsFor, today: todayOf } = patientAccess(app);

  app.get("/api/patients", { config: readers, schema: { tags: ["patients"], summary: "List and search patients", querystring: ListQuery, response: { 200: z.object({ patients: z.array(PatientSummarySchema), total: z.number(), pseudonymised: z.boolean() }) } } }, async (req) => {
    const q = req.query as z.infer<typeof ListQuery>;
    const pseudo = isPseudonymised(userOf(req).role);
    // Researchers get summary columns only; the clinic's list shows each patient's diagnosis and what needs doing,
    // which the record decides (the record itself is not sent).
    const filter = { q: q.q, limit: q.limit, offset: q.offset, pseudonymOnly: pseudo };
    const { patients, total } = pseudo ? await app.store.listPatientSummaries(filter) : await app.store.listPatients(filter);
    // the steps of kept plans that are due or overdue today (researchers see no plans and no dates)
    const today = todayOf();
    const kept = pseudo ? new Map() : await app.store.plansAndEventsFor(patients.map((p) => p.id));
    await auditRead(req, "patient.list", null, `${patients.length} of ${total}${q.q ? `, search "${q.q}"` : ""}`);
    return {
      patients: patients.map((p) => {
        const k = kept.get(p.id);
        return patientSummary(p, pseudo, null, pseudo ? {} : { today, due: k === undefined ? [] : dueSteps(k.plans, k.therapyEvents, today) });
      }),
      total,
      pseudonymised: pseudo,
    };
  });

  app.post("/api/patients", { config: writers, schema: { tags: ["patients"], summary: "Create a patient", body: PatientBody, response: { 201: z.object({ patient: PatientSchema }) } } }, async (req, reply) => {
    const body = req.body as z.infer<typeof PatientBody>;
    app.core.checkRecord(body.record, { today: todayOf(), dateOfBirth: body.dateOfBirth });
    const p = await app.store.createPatient(body, actor(req));
    return reply.code(201).send({ patient: patientView(p, false, [], todayOf()) });
  });

  app.get("/api/patients/:id", { config: readers, schema: { tags: ["patients"], summary: "One patient with the record", params: IdParams, response: { 200: z.object({ patient: PatientSchema }) } } }, async (req) => {
    const { id } = req.params as z.infer<typeof IdParams>;
    const p = await load(id);
    await auditRead(req, "patient.read", id);
    const pseudo = isPseudonymised(userOf(req).role);
    return { patient: patientView(p, pseudo, pseudo ? await app.store.listFollowups(id) : [], todayOf()) };
  });

  app.put("/api/patients/:id", { config: writers, schema: { tags: ["patients"], summary: "Update a patient (send the version you loaded; 409 if stale)", params: IdParams, body: UpdateBody, response: { 200: z.object({ patient: PatientSchema }) } } }, async (req) => {
    const { id } = req.params as z.infer<typeof IdParams>;
    const body = req.body as z.infer<typeof UpdateBody>;
    app.core.checkRecord(body.record, { today: todayOf(), dateOfBirth: body.dateOfBirth });
    const p = await app.store.updatePatient(id, { displayName: body.displayName, dateOfBirth: body.dateOfBirth, record: body.record }, body.version, actor(req));
    return { patient: patientView(p, false, [], todayOf()) };
  });

  app.get("/api/patients/:id/history", { config: writers, schema: { tags: ["patients"], summary: "Previous versions, newest first, and every event of the record (versions, kept plans, therapies started and stopped, follow-ups, entries in error) in time order", params: IdParams } }, async (req) => {
    const { id } = req.params as z.infer<typeof IdParams>;
    const p = await load(id);
    const [history, kept, followups, followupErrors] = await Promise.all([app.store.patientHistory(id), app.store.plansAndEventsFor([id]), app.store.listFollowups(id), app.store.followupErrors(id)]);
    const { plans, therapyEvents } = kept.get(id) ?? { plans: [], therapyEvents: [] };
    const events = patientHistoryEvents({ patient: p, versions: history, plans, therapyEvents, followups, followupErrors });
    await auditRead(req, "patient.history", id);
    return { history, events };
  });

  app.get("/api/patients/:id/assessment", { config: readers, schema: { tags: ["assessment"], summary: "The assessment of every therapy for this patient (clinical/assessPatient)", params: IdParams, querystring: AssessmentQuery } }, async (req, reply) => {
    const { id } = req.params as z.infer<typeof IdParams>;
    const { date } = req.query as z.infer<typeof AssessmentQuery>;
    const p = await load(id);
    const pseudo = isPseudonymised(userOf(req).role);
    // the research view is assessed on today's date: an assessment date of their choosing would let a researcher find
    // the record's calendar dates by which dates it accepts (a date of birth after it is refused)
    if (pseudo && date !== undefined) throw new HttpError(400, "VALIDATION", "the research view is assessed on today's date: an assessment date cannot be chosen", "date");
    const today = date ?? todayOf();
    if (pseudo) {
      const rows = await app.store.listFollowups(id);
      const assessment = app.core.assess(`${p.id}@${p.version}`, p.record, await followupsFor(id), today, p.dateOfBirth);
      await auditRead(req, "patient.assessment", id);
      const day0 = dayZeroOf(p, rows);
      return { patient: patientSummary(p, true, day0), assessment: researchAssessment(assessment, day0) };
    }
    const body = await app.core.assessmentBody(`${p.id}@${p.version}#${p.followupsRev}`, () => p.record, () => followupsFor(id), today, () => JSON.stringify(patientSummary(p, false, null, { today })), p.dateOfBirth);
    await auditRead(req, "patient.assessment", id);
    void reply.type("application/json; charset=utf-8").header("vary", "accept-encoding");
    // the answer is about 60 kB of JSON; browsers accept gzip, and the compressed form is memoised with it
    if (/\bgzip\b/.test(String(req.headers["accept-encoding"] ?? ""))) return reply.header("content-encoding", "gzip").send(body.gzip);
    return reply.send(body.json);
  });

  app.post("/api/patients/:id/plan", { config: writers, schema: { tags: ["assessment"], summary: "A dated treatment plan for one therapy", params: IdParams, body: PlanBody } }, async (req) => {
    const { id } = req.params as z.infer<typeof IdParams>;
    const body = req.body as z.infer<typeof PlanBody>;
    const p = await load(id);
    const plan = app.core.plan(`${p.id}@${p.version}`, p.record, await followupsFor(p.id), body.therapy, body.startDate, todayOf());
    await auditRead(req, "patient.plan", id, `${body.therapy} from ${body.startDate}`);
    return { plan };
  });

  app.get("/api/patients/:id/followups", { config: readers, schema: { tags: ["follow-ups"], summary: "Follow-up results and outcomes", params: IdParams } }, async (req) => {
    const { id } = req.params as z.infer<typeof IdParams>;
    const p = await load(id);
    const pseudo = isPseudonymised(userOf(req).role);
    const rows = await app.store.listFollowups(id);
    const errors = await app.store.followupErrors(id);
    await auditRead(req, "followup.read", id);
    // a researcher sees that an entry was withdrawn, not the free-text reason, who or when
    const mark = (fid: string) => {
      const e = errors.get(fid);
      return e === undefined ? {} : { enteredInError: pseudo ? true : { reason: e.reason, at: e.at, by: e.by } };
    };
    const day0 = pseudo ? dayZeroOf(p, rows) : null;
    return { followups: rows.map((f) => ({ ...followupView(f, pseudo, day0), ...mark(f.id) })) };
  });

  app.post("/api/patients/:id/followups", { config: writers, schema: { tags: ["follow-ups"], summary: "Record a follow-up result or outcome", params: IdParams, body: FollowUpSchema } }, async (req, reply) => {
    const { id } = req.params as z.infer<typeof IdParams>;
    const body = req.body as z.infer<typeof FollowUpSchema>;
    const p = await load(id);
    // a follow-up that reports an outcome cannot be dated in the future or before the patient's birth (issue 9 §3)
    checkFollowupDate(body, todayOf(), p.dateOfBirth);
    if ((await app.store.countFollowups(id)) >= MAX_FOLLOWUPS) throw new HttpError(400, "VALIDATION", `a patient can have at most ${MAX_FOLLOWUPS} follow-ups`, "kind");
    const f = await app.store.addFollowup(id, body, actor(req));
    return reply.code(201).send({ followup: followupView(f, false) });
  });

  // issue 9 §5: follow-ups are never deleted; a mistaken one is marked entered in error, with a reason
  app.delete("/api/patients/:id/followups/:followupId", { config: writers, schema: { tags: ["follow-ups"], summary: "Refused: follow-ups are kept; mark one entered in error instead", params: FollowupParams } }, async (_req, reply) => {
    return reply.code(409).send({ error: { code: "CONFLICT", message: "follow-ups are never deleted: mark it as entered in error (POST …/entered-in-error with a reason)", field: "followupId" } });
  });
}
