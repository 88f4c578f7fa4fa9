/**
 * Plans and decisions that are kept (issue 9 §5): a built plan is stored with its version, author and date; a plan
 * for a therapy that is neither recommended nor protocol-eligible needs the clinician's override reason (as CDS
 * Hooks' overrideReasons); therapies started and stopped; follow-ups marked entered in error (never deleted).
 * Every read and write is audited (writes inside their transaction).
 */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { InputError } from "../../shared/errors.js";
import { TherapyIdSchema } from "../../shared/therapy-ids.js";
import { actorOf } from "../auth.js";
import { patientAccess } from "./patient-access.js";
import { IdParams, IsoDate } from "./schemas.js";

const PlanSaveBody = z.object({
  therapy: TherapyIdSchema,
  startDate: IsoDate,
  overrideReason: z.string().trim().min(3, "say why this therapy is planned against the verdict").max(2000).optional(),
});
const TherapyEventBody = z.object({ therapy: TherapyIdSchema, event: z.enum(["started", "stopped"]), date: IsoDate, note: z.string().max(2000).optional() });
const ErrorBody = z.object({ reason: z.string().trim().min(3, "say why the follow-up was entered in error").max(2000) });
const FollowupParams = z.object({ id: z.uuid(), followupId: z.uuid() });

const writers = { roles: ["clinician", "admin"] as const };
const readers = { roles: ["clinician", "admin"] as const };

export async function clinicalPlanRoutes(app: FastifyInstance): Promise<void> {
  const actor = actorOf;
  const { load, followupsFor, today } = patientAccess(app);

  app.post("/api/patients/:id/plans", { config: writers, schema: { tags: ["assessment"], summary: "Build and keep a plan (override reason needed unless recommended or protocol-eligible)", params: IdParams, body: PlanSaveBody } }, async (req, reply) => {
    const { id } = req.params as z.infer<typeof IdParams>;
    const body = req.body as z.infer<typeof PlanSaveBody>;
    const p = await load(id);
    const followups = await followupsFor(id);
    const a = app.core.assess(`${p.id}@${p.version}`, p.record, followups, today(), p.dateOfBirth);
    const status = a.therapies[body.therapy].status;
    const allowed = status === "recommended" || status === "protocol-eligible";
    if (!allowed && body.overrideReason === undefined)
      throw new InputError(`${a.therapies[body.therapy].name} is ${status} for this patient: planning it needs an override reason`, { field: "overrideReason" });
    const plan = app.core.plan(`${p.id}@${p.version}`, p.record, followups, body.therapy, body.startDate, today());
    const saved = await app.store.savePlan(id, { therapy: body.therapy, startDate: body.startDate, verdictStatus: status, overrideReason: allowed ? (body.overrideReason ?? null) : body.overrideReason!, plan }, actor(req));
    return reply.code(201).send({ plan: saved });
  });

  app.get("/api/patients/:id/plans", { config: readers, schema: { tags: ["assessment"], summary: "The plans kept for this patient, newest first", params: IdParams } }, async (req) => {
    const { id } = req.params as z.infer<typeof IdParams>;
    await load(id);
    const [plans, events] = await Promise.all([app.store.listPlans(id), app.store.listTherapyEvents(id)]);
    await app.store.auditRead({ ...actorOf(req), action: "plan.read", patientId: id, status: 200, detail: `${plans.length} plans` });
    return { plans, therapyEvents: events };
  });

  app.post("/api/patients/:id/therapy-events", { config: writers, schema: { tags: ["assessment"], summary: "Record that a therapy was started or stopped", params: IdParams, body: TherapyEventBody } }, async (req, reply) => {
    const { id } = req.params as z.infer<typeof IdParams>;
    const body = req.body as z.infer<typeof TherapyEventBody>;
    const p = await load(id);
    if (body.date > today()) throw new InputError(`${body.date} is after today ${today()}`, { field: "date" });
    if (body.date < p.dateOfBirth) throw new InputError(`${body.date} is before the date of birth`, { field: "date" });
    if (body.event === "stopped") {
      // a therapy is stopped after it was started: a stop dated before every recorded start is a typing error
      const starts = (await app.store.listTherapyEvents(id)).filter((e) => e.therapy === body.therapy && e.event === "started").map((e) => e.date);
      if (starts.length > 0 && starts.every((d) => d > body.date)) throw new InputError(`stopped on ${body.date}, before it was started (${starts.sort()[0]})`, { field: "date" });
    }
    const e = await app.store.addTherapyEvent(id, { therapy: body.therapy, event: body.event, date: body.date, note: body.note ?? null }, actor(req));
    return reply.code(201).send({ event: e });
  });

  app.post("/api/patients/:id/followups/:followupId/entered-in-error", { config: writers, schema: { tags: ["follow-ups"], summary: "Mark a follow-up as entered in error (it is kept, with the reason)", params: FollowupParams, body: ErrorBody } }, async (req, reply) => {
    const { id, followupId } = req.params as z.infer<typeof FollowupParams>;
    const body = req.body as z.infer<typeof ErrorBody>;
    await app.store.markFollowupInError(id, followupId, body.reason, actor(req));
    return reply.code(204).send();
  });
}
