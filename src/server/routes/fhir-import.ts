/**
 * FHIR import and export for stored patients: a Bundle (an EHR export) becomes the patient's record (a new version,
 * validated like a typed-in record, with the unmapped items returned), and the assessment is exported as a FHIR R4
 * Bundle. Clinicians and administrators only (the export identifies the patient).
 */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { bundleToRecord } from "../../interop/fhir/import.js";
import { assessmentToBundle } from "../../interop/fhir/export.js";
import { routeOf, userOf } from "../auth.js";
import { notFound } from "../errors.js";
import { patientView } from "./views.js";
import { evidenceVersion } from "../fhir/common.js";

const writers = { roles: ["clinician", "admin"] as const };
const IdParams = z.object({ id: z.string().min(1).max(100) });
const ImportBody = z.object({ bundle: z.unknown(), version: z.number().int().positive() });

export async function fhirImportRoutes(app: FastifyInstance): Promise<void> {
  app.post(
    "/api/patients/:id/fhir-import",
    { config: writers, schema: { tags: ["fhir"], summary: "Replace the patient's record with one read from a FHIR R4 Bundle (send the version you loaded)", params: IdParams, body: ImportBody } },
    async (req) => {
      const { id } = req.params as z.infer<typeof IdParams>;
      const body = req.body as z.infer<typeof ImportBody>;
      const p = await app.store.getPatient(id);
      if (p === null) throw notFound(`patient ${id}`);
      const today = app.now().toISOString().slice(0, 10);
      const imp = bundleToRecord(body.bundle, { today, file: "bundle" });
      const record = { ...imp.record, id: (p.record as { id?: string }).id ?? imp.record.id };
      app.core.checkRecord(record);
      const u = userOf(req);
      const np = await app.store.updatePatient(id, { displayName: p.displayName, dateOfBirth: imp.patient.birthDate ?? p.dateOfBirth, record }, body.version, { username: u.username, route: routeOf(req) });
      await app.store.audit(null, { username: u.username, action: "patient.fhir-import", patientId: id, route: routeOf(req), status: 200, detail: JSON.stringify({ ehrPatient: imp.patient.fhirId, resources: imp.resourceCount, unmapped: imp.unmapped.length }) });
      return { patient: patientView(np, false), unmapped: imp.unmapped, warnings: imp.warnings, importedAt: app.now().toISOString() };
    },
  );

  app.get(
    "/api/patients/:id/assessment.fhir",
    { config: writers, schema: { tags: ["fhir"], summary: "The assessment as a FHIR R4 Bundle (GuidanceResponse, DetectedIssue, CarePlan, DocumentReference)", params: IdParams } },
    async (req, reply) => {
      const { id } = req.params as z.infer<typeof IdParams>;
      const p = await app.store.getPatient(id);
      if (p === null) throw notFound(`patient ${id}`);
      const today = app.now().toISOString().slice(0, 10);
      const followups = (await app.store.listFollowups(id)).map((f) => f.data as { kind: string; date: string });
      const a = app.core.assess(`${p.id}@${p.version}`, p.record, followups, today);
      await app.store.auditRead({ username: userOf(req).username, action: "patient.fhir-export", patientId: id, route: routeOf(req), status: 200 });
      const b = assessmentToBundle(a, { patientReference: `Patient/${p.pseudonymId}`, now: app.now().toISOString(), evidenceVersion: await evidenceVersion(app) });
      return reply.type("application/fhir+json").header("content-disposition", `attachment; filename="decidua-assessment-${p.pseudonymId}.fhir.json"`).send(b);
    },
  );
}
