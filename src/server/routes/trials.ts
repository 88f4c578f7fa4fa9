/**
 * The trial module's HTTP API (src/server/API.md, "Trials"): protocols, per-trial roles, enrolment with eligibility
 * computed from the stored patient record, consent, concealed allocation, unblinding, visits, markers, outcomes,
 * adverse events, CONSORT, analysis, exports and the evidence draft. Rules live in src/trials; storage and the
 * refusals in src/store/trials.ts; this file validates (zod) and maps.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { z } from "zod";
import { DEFAULT_CLINIC_CONFIG } from "../../clinical/config.js";
import { ageOn } from "../../clinical/dates.js";
import { parsePatientRecord } from "../../clinical/record.js";
import { InputError, noteRefusals } from "../../shared/errors.js";
import { TrialStore, type ParticipantView, type TrialActor, type TrialOutcome } from "../../store/trials.js";
import { NotFoundError } from "../../store/store.js";
import { adverseEventTable, analyseByStratum, analyseMarkers, analysePrimary, type AnalysisParticipant } from "../../trials/analysis.js";
import { consortFlow, consortSvg } from "../../trials/consort.js";
import { assessEligibility, strataFromRecord } from "../../trials/eligibility.js";
import { evidenceDraft } from "../../trials/evidence.js";
import { AdverseEventSchema, ConsentSchema, MarkerValueSchema, OutcomeFormSchema, VisitFormSchema, dataDictionary, exportRScript, outcomeVariable } from "../../trials/forms.js";
import type { TrialProtocol } from "../../trials/protocol.js";
import { TRIAL_ROLES } from "../../trials/roles.js";
import { MeanSizeInputSchema, ProportionsSizeInputSchema, sampleSizeTwoMeans, sampleSizeTwoProportions } from "../../trials/sampleSize.js";
import { routeOf, userOf } from "../auth.js";
import { withholdDates } from "../research-view.js";
import { toCsv } from "../csv.js";
import { shiftDateString } from "../../shared/pseudonym.js";

const TrialParams = z.object({ id: z.uuid() });
const ParticipantParams = z.object({ id: z.uuid(), pid: z.uuid() });
const ExportParams = z.object({ id: z.uuid(), form: z.enum(["participants", "visits", "markers", "outcomes", "adverse_events", "data_dictionary", "analysis.R"]) });
const CreateBody = z.object({ protocol: z.unknown() });
const MemberBody = z.strictObject({ user: z.string().min(1).max(200), role: z.enum(TRIAL_ROLES) });
const EnrolBody = z.strictObject({
  patientId: z.uuid(),
  groupId: z.string().min(1).optional(),
  /** Levels of stratification factors that the record does not decide (factor id → level id). */
  strata: z.record(z.string(), z.string()).optional(),
});
const ReasonBody = z.strictObject({ reason: z.string().min(5, "give the reason (at least 5 characters)").max(500) });
const OutcomeBody = z.strictObject({ data: OutcomeFormSchema, version: z.number().int().min(0) });
const SampleSizeBody = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("proportions"), input: ProportionsSizeInputSchema }),
  z.object({ kind: z.literal("means"), input: MeanSizeInputSchema }),
]);
const AnalysisQuery = z.object({ marker: z.string().optional(), pre: z.string().optional(), post: z.string().optional() });
const EligibilityQuery = z.object({ patientId: z.uuid() });

function actorOf(req: FastifyRequest): TrialActor {
  const u = userOf(req);
  return { userId: u.id, username: u.username, role: u.role, route: routeOf(req) };
}

function twoArms(protocol: TrialProtocol): { treatment: string; control: string } {
  if (protocol.arms.length !== 2) throw new InputError("the analysis compares two arms; this protocol has more", { field: "arms" });
  const control = protocol.arms.find((a) => a.placebo) ?? protocol.arms[1];
  const treatment = protocol.arms.find((a) => a.id !== control?.id);
  return { treatment: treatment?.id ?? "", control: control?.id ?? "" };
}

function outcomeOf(kind: TrialProtocol["primaryOutcome"]["kind"], o: TrialOutcome | undefined): boolean | null {
  if (o === undefined) return null;
  const v = { "live-birth": o.liveBirth, "healthy-newborn": o.healthyNewborn, miscarriage: o.miscarriage, "clinical-pregnancy": o.conception, "ongoing-pregnancy": o.conception, "birth-weight": undefined }[kind];
  return v ?? null;
}

function analysisParticipants(protocol: TrialProtocol, views: readonly ParticipantView[]): AnalysisParticipant[] {
  return views
    .filter((v) => v.allocation?.arm !== undefined && v.allocation.arm !== null)
    .map((v) => {
      const p: AnalysisParticipant = { id: v.studyId, arm: v.allocation?.arm ?? "", outcome: outcomeOf(protocol.primaryOutcome.kind, v.outcome?.data) };
      if (protocol.strata.length > 0) p.stratum = protocol.strata.map((f) => `${f.id}=${v.strata[f.id] ?? ""}`).join(";");
      if (v.outcome?.data.perProtocol !== undefined) p.perProtocol = v.outcome.data.perProtocol;
      return p;
    });
}

export async function trialRoutes(app: FastifyInstance): Promise<void> {
  const trials = new TrialStore(app.store, app.now);
  const tags = ["trials"];

  app.post("/api/trials/sample-size", { schema: { tags, summary: "Sample size for two proportions or a continuous marker (R power.prop.test / power.t.test / pwr)", body: SampleSizeBody } }, async (req) => {
    const b = req.body as z.infer<typeof SampleSizeBody>;
    return { sampleSize: b.kind === "proportions" ? sampleSizeTwoProportions(b.input) : sampleSizeTwoMeans(b.input) };
  });

  app.get("/api/trials", { schema: { tags, summary: "Trials the user has a role in" } }, async (req) => ({ trials: await trials.listTrials(actorOf(req)) }));

  app.post("/api/trials", { config: { roles: ["researcher", "admin"] }, schema: { tags, summary: "Create a trial from its protocol; the creator becomes coordinator", body: CreateBody } }, async (req, reply) => {
    const t = await trials.createTrial((req.body as z.infer<typeof CreateBody>).protocol, actorOf(req));
    return reply.code(201).send({ trial: t });
  });

  app.get("/api/trials/:id", { schema: { tags, summary: "One trial with its protocol", params: TrialParams } }, async (req) => ({ trial: await trials.getTrial((req.params as { id: string }).id, actorOf(req)) }));

  app.get("/api/trials/:id/members", { schema: { tags, summary: "Trial members and roles", params: TrialParams } }, async (req) => ({ members: await trials.listMembers((req.params as { id: string }).id, actorOf(req)) }));

  app.put("/api/trials/:id/members", { schema: { tags, summary: "Add or change a member's trial role (coordinator)", params: TrialParams, body: MemberBody } }, async (req) => {
    const { id } = req.params as { id: string };
    await trials.setMember(id, req.body as z.infer<typeof MemberBody>, actorOf(req));
    return { members: await trials.listMembers(id, actorOf(req)) };
  });

  // a researcher reads eligibility and participants with the record's calendar dates withheld (the research view's
  // rule: the findings are text computed from the identified record); other roles may see the record's dates
  const researcherView = <T>(req: FastifyRequest, v: T): T => {
    if (userOf(req).role !== "researcher") return v;
    const scrub = (p: unknown): unknown => {
      if (typeof p !== "object" || p === null) return p;
      const o = { ...(p as Record<string, unknown>) };
      for (const k of ["eligibility", "exclusionReason"]) if (k in o) o[k] = o[k] === null ? null : (withholdDates(o[k]) ?? null);
      return o;
    };
    const o = { ...(v as Record<string, unknown>) };
    if ("eligibility" in o) o.eligibility = withholdDates(o.eligibility);
    if ("participant" in o) o.participant = scrub(o.participant);
    if (Array.isArray(o.participants)) o.participants = o.participants.map(scrub);
    return o as T;
  };

  // applied once, here, to every answer of this module (routes added later too), so no route wraps its own: a
  // participant returned by a write route (visits, markers, outcome, adverse events) carries the same eligibility text
  app.addHook("preSerialization", async (req: FastifyRequest, _reply, payload: unknown) => (typeof payload === "object" && payload !== null && req.auth !== null ? researcherView(req, payload) : payload));

  const eligibilityFor = async (req: FastifyRequest, trialId: string, patientId: string) => {
    const trial = await trials.getTrial(trialId, actorOf(req));
    const p = await app.store.getPatient(patientId);
    if (p === null) throw new NotFoundError(`no patient ${patientId}`);
    await app.store.auditRead({ username: userOf(req).username, action: "trial.eligibility", patientId, route: routeOf(req), detail: trialId });
    // the age is read from the date of birth on today's date, as the assessment reads it (a typed-in age is the age
    // when the record was written, and goes stale)
    const parsed = parsePatientRecord(p.record);
    const record = p.dateOfBirth !== "" ? { ...parsed, age: ageOn(p.dateOfBirth, app.now().toISOString().slice(0, 10)) } : parsed;
    return { trial, patient: p, eligibility: assessEligibility(trial.protocol, record, DEFAULT_CLINIC_CONFIG), strata: strataFromRecord(trial.protocol.strata, record, DEFAULT_CLINIC_CONFIG) };
  };

  app.get("/api/trials/:id/eligibility", { schema: { tags, summary: "A candidate's eligibility computed from the stored record, criterion by criterion", params: TrialParams, querystring: EligibilityQuery } }, async (req) => {
    const { id } = req.params as { id: string };
    const { patientId } = req.query as z.infer<typeof EligibilityQuery>;
    const r = await eligibilityFor(req, id, patientId);
    return { eligibility: r.eligibility, strata: r.strata };
  });

  app.post("/api/trials/:id/participants", { schema: { tags, summary: "Enrol a candidate (eligibility from the record) or a comparison-group member", params: TrialParams, body: EnrolBody } }, async (req, reply) => {
    const { id } = req.params as { id: string };
    const b = req.body as z.infer<typeof EnrolBody>;
    const r = await eligibilityFor(req, id, b.patientId);
    const strata = { ...r.strata.levels };
    for (const [f, l] of Object.entries(b.strata ?? {})) {
      const factor = r.trial.protocol.strata.find((x) => x.id === f);
      if (factor === undefined) throw new InputError(`"${f}" is not a stratification factor of the trial`, { field: `strata.${f}` });
      if (!factor.levels.some((x) => x.id === l)) throw new InputError(`"${l}" is not a level of "${f}"`, { field: `strata.${f}` });
      if (strata[f] !== undefined && strata[f] !== l) throw new InputError(`the record gives ${f} = ${strata[f]}; it cannot be entered as ${l}`, { field: `strata.${f}` });
      strata[f] = l;
    }
    const participant = await trials.addParticipant(
      id,
      { patientId: b.patientId, recordVersion: r.patient.version, eligibility: b.groupId !== undefined ? null : r.eligibility, strata, groupId: b.groupId ?? null, exclusionReason: r.eligibility.status === "not-eligible" && b.groupId === undefined ? r.eligibility.reasons.join("; ") : null },
      actorOf(req),
    );
    return reply.code(201).send({ participant });
  });

  app.get("/api/trials/:id/participants", { schema: { tags, summary: "Participants (arms hidden from blinded staff)", params: TrialParams } }, async (req) => ({ participants: await trials.participants((req.params as { id: string }).id, actorOf(req)) }));

  app.get("/api/trials/:id/participants/:pid", { schema: { tags, summary: "One participant", params: ParticipantParams } }, async (req) => {
    const { id, pid } = req.params as { id: string; pid: string };
    return { participant: await trials.participant(id, pid, actorOf(req)) };
  });

  app.post("/api/trials/:id/participants/:pid/consent", { schema: { tags, summary: "Record consent (who, when, information-sheet version)", params: ParticipantParams, body: ConsentSchema } }, async (req) => {
    const { id, pid } = req.params as { id: string; pid: string };
    await trials.recordConsent(id, pid, req.body as z.infer<typeof ConsentSchema>, actorOf(req));
    return { participant: await trials.participant(id, pid, actorOf(req)) };
  });

  app.post("/api/trials/:id/participants/:pid/exclusion", { schema: { tags, summary: "Why a candidate is not randomised (declined, other)", params: ParticipantParams, body: ReasonBody } }, async (req) => {
    const { id, pid } = req.params as { id: string; pid: string };
    await trials.setExclusionReason(id, pid, (req.body as z.infer<typeof ReasonBody>).reason, actorOf(req));
    return { participant: await trials.participant(id, pid, actorOf(req)) };
  });

  app.post("/api/trials/:id/participants/:pid/allocation", { schema: { tags, summary: "Allocate (final; concealed sequence on the server)", params: ParticipantParams } }, async (req, reply) => {
    const { id, pid } = req.params as { id: string; pid: string };
    return reply.code(201).send({ allocation: await trials.allocate(id, pid, actorOf(req)) });
  });

  app.post("/api/trials/:id/participants/:pid/unblinding", { schema: { tags, summary: "Emergency unblinding with the reason (coordinator, statistician)", params: ParticipantParams, body: ReasonBody } }, async (req) => {
    const { id, pid } = req.params as { id: string; pid: string };
    return { unblinded: await trials.unblind(id, pid, (req.body as z.infer<typeof ReasonBody>).reason, actorOf(req)) };
  });

  app.post("/api/trials/:id/participants/:pid/visits", { schema: { tags, summary: "Record a visit (outside its window only with a reason)", params: ParticipantParams, body: VisitFormSchema } }, async (req, reply) => {
    const { id, pid } = req.params as { id: string; pid: string };
    await trials.recordVisit(id, pid, req.body as z.infer<typeof VisitFormSchema>, actorOf(req));
    return reply.code(201).send({ participant: await trials.participant(id, pid, actorOf(req)) });
  });

  app.post("/api/trials/:id/participants/:pid/markers", { schema: { tags, summary: "Record a marker value with its unit at a visit", params: ParticipantParams, body: MarkerValueSchema } }, async (req, reply) => {
    const { id, pid } = req.params as { id: string; pid: string };
    await trials.recordMarker(id, pid, req.body as z.infer<typeof MarkerValueSchema>, actorOf(req));
    return reply.code(201).send({ participant: await trials.participant(id, pid, actorOf(req)) });
  });

  app.put("/api/trials/:id/participants/:pid/outcome", { schema: { tags, summary: "Write the outcome form (version-guarded)", params: ParticipantParams, body: OutcomeBody } }, async (req) => {
    const { id, pid } = req.params as { id: string; pid: string };
    const b = req.body as z.infer<typeof OutcomeBody>;
    const version = await trials.setOutcome(id, pid, b.data, b.version, actorOf(req));
    return { version, participant: await trials.participant(id, pid, actorOf(req)) };
  });

  app.post("/api/trials/:id/participants/:pid/adverse-events", { schema: { tags, summary: "Record an adverse event with its seriousness", params: ParticipantParams, body: AdverseEventSchema } }, async (req, reply) => {
    const { id, pid } = req.params as { id: string; pid: string };
    await trials.addAdverseEvent(id, pid, req.body as z.infer<typeof AdverseEventSchema>, actorOf(req));
    return reply.code(201).send({ participant: await trials.participant(id, pid, actorOf(req)) });
  });

  const flowOf = async (req: FastifyRequest, id: string) => {
    const c = await trials.consortCandidates(id, actorOf(req));
    return { protocol: c.protocol, flow: consortFlow(c.candidates, c.arms, c.groups) };
  };
  app.get("/api/trials/:id/consort", { schema: { tags, summary: "CONSORT 2025 flow counts computed from the data", params: TrialParams } }, async (req) => ({ flow: (await flowOf(req, (req.params as { id: string }).id)).flow }));
  app.get("/api/trials/:id/consort.svg", { schema: { tags, summary: "CONSORT 2025 flow diagram (SVG)", params: TrialParams } }, async (req, reply) => {
    const { protocol, flow } = await flowOf(req, (req.params as { id: string }).id);
    return reply.type("image/svg+xml; charset=utf-8").send(consortSvg(flow, { title: protocol.title }));
  });

  app.get("/api/trials/:id/analysis", { schema: { tags, summary: "Primary outcome ITT/per protocol, by stratum, markers, adverse events (statistician)", params: TrialParams, querystring: AnalysisQuery } }, async (req) => {
    const { id } = req.params as { id: string };
    const q = req.query as z.infer<typeof AnalysisQuery>;
    const { protocol, participants } = await trials.unblindedData(id, actorOf(req));
    const arms = twoArms(protocol);
    const people = analysisParticipants(protocol, participants);
    const notes: string[] = [];
    const attempt = noteRefusals(notes);
    const itt = attempt(() => analysePrimary(people, arms, "itt"), "primary outcome");
    const pp = attempt(() => analysePrimary(people, arms, "per-protocol"), "per protocol");
    const strata = protocol.strata.length > 0 ? attempt(() => analyseByStratum(people, arms), "by stratum") : null;
    let markers = null;
    if (q.marker !== undefined && q.pre !== undefined && q.post !== undefined) {
      const value = (v: ParticipantView, visit: string) => v.markers.find((m) => m.marker === q.marker && m.visitId === visit)?.value ?? null;
      const withMarkers = people.map((p) => {
        const v = participants.find((x) => x.studyId === p.id);
        return v === undefined ? p : { ...p, pre: value(v, q.pre ?? ""), post: value(v, q.post ?? "") };
      });
      markers = attempt(() => analyseMarkers(withMarkers, arms), "markers");
    }
    const sizes: Record<string, number> = {};
    for (const a of protocol.arms) sizes[a.id] = participants.filter((p) => p.allocation?.arm === a.id).length;
    const aes = adverseEventTable(
      participants.filter((p) => p.allocation?.arm !== null && p.allocation?.arm !== undefined).flatMap((p) => p.adverseEvents.map((e) => ({ participant: p.studyId, arm: p.allocation?.arm ?? "", term: e.term, serious: e.serious }))),
      sizes,
    );
    const summary = (a: ReturnType<typeof analysePrimary> | null) => (a === null ? null : { treatment: a.treatment, control: a.control, ...a.summary, notes: a.notes });
    return { arms, primary: summary(itt), perProtocol: summary(pp), strata, markers, adverseEvents: aes, notes };
  });

  app.get("/api/trials/:id/evidence-draft", { schema: { tags, summary: "The trial's result as a draft evidence entry (data/ format)", params: TrialParams } }, async (req) => {
    const { id } = req.params as { id: string };
    const { protocol, participants } = await trials.unblindedData(id, actorOf(req));
    const arms = twoArms(protocol);
    const people = analysisParticipants(protocol, participants);
    const results = [{ outcome: protocol.primaryOutcome, analysis: analysePrimary(people, arms, "itt") }];
    return { draft: evidenceDraft(protocol, results, { asOf: app.now().toISOString().slice(0, 10), ...arms }) };
  });

  app.get("/api/trials/:id/export/:form", { schema: { tags, summary: "Pseudonymised export: one flat CSV per form, the data dictionary, an R script (statistician)", params: ExportParams } }, async (req, reply) => {
    const { id, form } = req.params as z.infer<typeof ExportParams>;
    const actor = actorOf(req);
    const { protocol, participants } = await trials.unblindedData(id, { ...actor, route: actor.route });
    const arms = twoArms(protocol);
    await app.store.audit(null, { username: actor.username, action: "trial.export", route: actor.route, status: 200, detail: `${id} ${form}: ${participants.length} participants` });
    const d = (v: string | undefined | null, shift: number) => (v === undefined || v === null ? "" : shiftDateString(v, shift));
    const b = (v: boolean | undefined) => (v === undefined ? "" : v ? 1 : 0);
    let text: string;
    if (form === "data_dictionary")
      text = toCsv(["form", "variable", "label", "type", "unit", "codes"], dataDictionary(protocol.arms.map((a) => a.id), protocol.visits.map((v) => v.id)).map((e) => [e.form, e.variable, e.label, e.type, e.unit, e.codes]));
    else if (form === "analysis.R") return reply.type("text/plain; charset=utf-8").header("content-disposition", 'attachment; filename="analysis.R"').send(exportRScript(protocol.title, arms.treatment, arms.control, outcomeVariable(protocol.primaryOutcome.kind)));
    else if (form === "participants")
      text = toCsv(
        ["study_id", "group", "eligibility", "strata", "consent_date", "sheet_version", "sequence", "arm", "kit_code", "allocation_date", "unblinded"],
        participants.map((p) => [p.studyId, p.groupId ?? "randomised", p.eligibilityStatus, Object.entries(p.strata).map(([k, v]) => `${k}=${v}`).join(";"), d(p.consent?.consentedOn, p.dateShiftDays), p.consent?.sheetVersion ?? "", p.allocation?.sequence ?? "", p.allocation?.arm ?? "", p.allocation?.kitCode ?? "", d(p.allocation?.allocatedOn, p.dateShiftDays), p.allocation !== null ? b(p.allocation.unblinded) : ""]),
      );
    else if (form === "visits")
      text = toCsv(["study_id", "visit", "date", "out_of_window_reason"], participants.flatMap((p) => p.visits.filter((v) => v.date !== undefined).map((v) => [p.studyId, v.visit, d(v.date, p.dateShiftDays), v.status === "done-out-of-window" ? "outside window" : ""])));
    else if (form === "markers") text = toCsv(["study_id", "visit", "marker", "value", "unit", "method"], participants.flatMap((p) => p.markers.map((m) => [p.studyId, m.visitId, m.marker, m.value, m.unit, m.method ?? ""])));
    else if (form === "outcomes")
      text = toCsv(
        ["study_id", "conception", "conception_date", "miscarriage", "miscarriage_week", "live_birth", "healthy_newborn", "birth_weight", "received_allocated", "lost_to_follow_up", "discontinued", "per_protocol"],
        participants.filter((p) => p.outcome !== null).map((p) => {
          const o = p.outcome?.data ?? {};
          return [p.studyId, b(o.conception), d(o.conceptionDate, p.dateShiftDays), b(o.miscarriage), o.miscarriageWeek ?? "", b(o.liveBirth), b(o.healthyNewborn), o.birthWeightG ?? "", b(o.receivedAllocated), b(o.lostToFollowUp), b(o.discontinued), b(o.perProtocol)];
        }),
      );
    else text = toCsv(["study_id", "term", "onset", "serious", "severity", "related"], participants.flatMap((p) => p.adverseEvents.map((e) => [p.studyId, e.term, d(e.onset, p.dateShiftDays), e.serious ? 1 : 0, e.severity, e.related])));
    return reply.type("text/csv; charset=utf-8").header("content-disposition", `attachment; filename="${form}.csv"`).send(text);
  });
}
