/**
 * FHIR import and export for stored patients: a Bundle (an EHR export) or the record read from a FHIR server an
 * administrator configured becomes the patient's record (a new version, validated like a typed-in record, with the
 * unmapped items returned), and the assessment is exported as a FHIR R4 Bundle. Clinicians and administrators only
 * (the export identifies the patient).
 *
 * From a FHIR server the import has two steps: a preview (search the server's patients, read one, map it: nothing is
 * written; the mapped record and every unmapped item are returned and kept in server memory for 15 minutes), then
 * the save of exactly that preview as a new record version. A server that does not answer, answers an error, is too
 * slow or too large is a 502 (a 404 when it has no such patient) and nothing is written.
 */
import { DEFAULT_LIMITS } from "../input-guard.js";
import { randomBytes } from "node:crypto";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { z } from "zod";
import { bundleToRecord, type FhirImport, type UnmappedItem } from "../../interop/fhir/import.js";
import { assessmentToBundle } from "../../interop/fhir/export.js";
import type { PatientRecordInput } from "../../clinical/record.js";
import { getFhirServer, listFhirServers, type FhirServer } from "../../store/fhir.js";
import type { PatientRow } from "../../store/index.js";
import { routeOf, userOf } from "../auth.js";
import { HttpError, notFound } from "../errors.js";
import { patientAccess } from "./patient-access.js";
import { patientView } from "./views.js";
import { evidenceVersion, expiringStores, type ExpiringEntry } from "../fhir/common.js";
import { zodRoutes } from "../zod.js";
import { FhirUnavailableError } from "../fhir/client.js";
import { readEhrPatientRecord, searchEhrPatients, type EhrReadLimits } from "../fhir/read.js";

const writers = { roles: ["clinician", "admin"] as const };
/** An EHR's Bundle (Synthea's hold thousands of entries): more entries and a larger body than other requests. */
const bundleImport = { ...writers, inputLimits: { ...DEFAULT_LIMITS, fields: { "bundle.entry": { maxArray: 20_000 } } } };
const IdParams = z.object({ id: z.string().min(1).max(100) });
const ImportBody = z.object({ bundle: z.unknown(), version: z.number().int().positive() });
const ServerParams = z.object({ serverId: z.string().min(1).max(100) });
const PatientSearch = z
  .object({ identifier: z.string().min(1).max(200).optional(), name: z.string().min(1).max(200).optional() })
  .refine((q) => q.identifier !== undefined || q.name !== undefined, { error: "give identifier or name", path: ["identifier"] });
const PreviewBody = z.strictObject({ serverId: z.string().min(1).max(100), ehrPatientId: z.string().regex(/^[A-Za-z0-9\-.]{1,64}$/, { error: "a FHIR id: letters, digits, '-' and '.', at most 64" }) });
const SaveBody = z.strictObject({ previewId: z.string().min(1).max(100), version: z.number().int().positive() });

/** Limits of a read from a configured FHIR server (tests shorten them). */
export interface FhirImportRouteOptions {
  ehrReadLimits?: EhrReadLimits;
}

interface ServerPreview extends ExpiringEntry {
  id: string;
  patientId: string;
  server: Pick<FhirServer, "id" | "label" | "baseUrl">;
  ehrPatientId: string;
  method: "$everything" | "search";
  readAt: string;
  imp: FhirImport;
}
const previewStore = expiringStores<ServerPreview>();

/** The FHIR server's failure as an HTTP error: its 404 is ours, everything else is a bad gateway. */
function upstreamError(e: FhirUnavailableError, what: string): HttpError {
  if (e.upstreamStatus === 404 || e.upstreamStatus === 410) return new HttpError(404, "NOT_FOUND", `${what}: ${e.message}`);
  return new HttpError(502, "UNAVAILABLE", `${what}: ${e.message}. Nothing was imported.`);
}

function previewBody(p: ServerPreview) {
  return {
    previewId: p.id,
    server: p.server,
    ehrPatient: p.imp.patient,
    method: p.method,
    readAt: p.readAt,
    record: p.imp.record as PatientRecordInput,
    unmapped: p.imp.unmapped as UnmappedItem[],
    warnings: p.imp.warnings,
    resourceCount: p.imp.resourceCount,
  };
}

/** The imported record under the patient's own record id (the import's when the stored record has none). */
function recordFor(p: PatientRow, imp: FhirImport): FhirImport["record"] {
  return { ...imp.record, id: (p.record as { id?: string }).id ?? imp.record.id };
}

export async function fhirImportRoutes(app: FastifyInstance, opts: FhirImportRouteOptions = {}): Promise<void> {
  const routes = zodRoutes(app);
  const patients = patientAccess(app);
  const limits = opts.ehrReadLimits ?? {};
  const server = async (id: string) => {
    const s = await getFhirServer(app.store, id);
    if (s === null) throw notFound(`FHIR server ${id}`);
    return s;
  };
  /** An import saved as the patient's new record version (checked like a typed-in record) and audited with `detail`. */
  const saveImport = async (req: FastifyRequest, p: PatientRow, imp: FhirImport, version: number, detail: Record<string, unknown>) => {
    const record = recordFor(p, imp);
    app.core.checkRecord(record);
    const u = userOf(req);
    const np = await app.store.updatePatient(p.id, { displayName: p.displayName, dateOfBirth: imp.patient.birthDate ?? p.dateOfBirth, record }, version, { username: u.username, route: routeOf(req) });
    await app.store.audit(null, { username: u.username, action: "patient.fhir-import", patientId: p.id, route: routeOf(req), status: 200, detail: JSON.stringify(detail) });
    return { patient: patientView(np, false), unmapped: imp.unmapped, warnings: imp.warnings };
  };

  routes.get("/api/fhir/servers", { config: writers, schema: { tags: ["fhir"], summary: "FHIR servers a record can be imported from (configured by an administrator; tokens are never shown)" } }, async () => {
    return { servers: await listFhirServers(app.store) };
  });

  routes.get(
    "/api/fhir/servers/:serverId/patients",
    { config: writers, schema: { tags: ["fhir"], summary: "Search the FHIR server's patients by identifier (system|value or value) or name", params: ServerParams, querystring: PatientSearch } },
    async (req) => {
      const q = req.query;
      const s = await server(req.params.serverId);
      const u = userOf(req);
      try {
        const patients = await searchEhrPatients(s.baseUrl, s.bearerToken, q, limits);
        await app.store.auditRead({ username: u.username, action: "ehr.search", route: routeOf(req), status: 200, detail: JSON.stringify({ server: s.baseUrl, query: q, hits: patients.length }) });
        return { patients };
      } catch (e) {
        if (!(e instanceof FhirUnavailableError)) throw e;
        await app.store.audit(null, { username: u.username, action: "ehr.search", route: routeOf(req), status: 502, detail: JSON.stringify({ server: s.baseUrl, why: e.message }) });
        throw upstreamError(e, "patient search");
      }
    },
  );

  routes.post(
    "/api/patients/:id/fhir-server-import/preview",
    { config: writers, schema: { tags: ["fhir"], summary: "Read a patient from a configured FHIR server and map it (nothing is written)", params: IdParams, body: PreviewBody } },
    async (req) => {
      const { id } = req.params;
      const { serverId, ehrPatientId } = req.body;
      const p = await patients.load(id);
      const s = await server(serverId);
      const u = userOf(req);
      const now = app.now();
      let read: Awaited<ReturnType<typeof readEhrPatientRecord>>;
      try {
        read = await readEhrPatientRecord(s.baseUrl, s.bearerToken, ehrPatientId, limits);
      } catch (e) {
        if (!(e instanceof FhirUnavailableError)) throw e;
        await app.store.audit(null, { username: u.username, action: "ehr.read", patientId: id, route: routeOf(req), status: 502, detail: JSON.stringify({ server: s.baseUrl, ehrPatient: ehrPatientId, why: e.message }) });
        throw upstreamError(e, `reading Patient/${ehrPatientId} from ${s.label}`);
      }
      const imp = bundleToRecord(read.parts, { today: now.toISOString().slice(0, 10), patientId: ehrPatientId, file: s.baseUrl });
      app.core.checkRecord(recordFor(p, imp));
      const preview: ServerPreview = {
        id: randomBytes(18).toString("base64url"),
        userId: u.id,
        patientId: id,
        server: { id: s.id, label: s.label, baseUrl: s.baseUrl },
        ehrPatientId,
        method: read.method,
        readAt: now.toISOString(),
        imp,
        expires: now.getTime() + 15 * 60_000,
      };
      previewStore(app).put(preview.id, preview, now.getTime());
      await app.store.auditRead({ username: u.username, action: "ehr.read", patientId: id, route: routeOf(req), status: 200, detail: JSON.stringify({ server: s.baseUrl, ehrPatient: ehrPatientId, method: read.method, resources: imp.resourceCount, unmapped: imp.unmapped.length }) });
      return previewBody(preview);
    },
  );

  routes.post(
    "/api/patients/:id/fhir-server-import",
    { config: writers, schema: { tags: ["fhir"], summary: "Save a preview read from a FHIR server as the patient's new record version (send the version you loaded)", params: IdParams, body: SaveBody } },
    async (req) => {
      const { previewId, version } = req.body;
      const pv = previewStore(app).get(previewId, userOf(req).id, app.now().getTime());
      if (pv === undefined || pv.patientId !== req.params.id) throw notFound("import preview (read the EHR again)");
      const p = await patients.load(pv.patientId);
      const saved = await saveImport(req, p, pv.imp, version, { server: pv.server.baseUrl, ehrPatient: pv.ehrPatientId, readAt: pv.readAt, method: pv.method, resources: pv.imp.resourceCount, unmapped: pv.imp.unmapped.length });
      previewStore(app).delete(pv.id);
      return { ...saved, importedAt: pv.readAt, source: pv.server };
    },
  );

  routes.post(
    "/api/patients/:id/fhir-import",
    { bodyLimit: 32 * 1024 * 1024, config: bundleImport, schema: { tags: ["fhir"], summary: "Replace the patient's record with one read from a FHIR R4 Bundle (send the version you loaded)", params: IdParams, body: ImportBody } },
    async (req) => {
      const p = await patients.load(req.params.id);
      const imp = bundleToRecord(req.body.bundle, { today: patients.today(), file: "bundle" });
      const saved = await saveImport(req, p, imp, req.body.version, { ehrPatient: imp.patient.fhirId, resources: imp.resourceCount, unmapped: imp.unmapped.length });
      return { ...saved, importedAt: app.now().toISOString() };
    },
  );

  routes.get(
    "/api/patients/:id/assessment.fhir",
    { config: writers, schema: { tags: ["fhir"], summary: "The assessment as a FHIR R4 Bundle (GuidanceResponse, DetectedIssue, CarePlan, DocumentReference)", params: IdParams } },
    async (req, reply) => {
      const p = await patients.load(req.params.id);
      const today = patients.today();
      const followups = (await app.store.listFollowups(p.id)).map((f) => f.data as { kind: string; date: string });
      const a = app.core.assess(`${p.id}@${p.version}`, p.record, followups, today);
      await app.store.auditRead({ username: userOf(req).username, action: "patient.fhir-export", patientId: p.id, route: routeOf(req), status: 200 });
      const b = assessmentToBundle(a, { patientReference: `Patient/${p.pseudonymId}`, now: app.now().toISOString(), evidenceVersion: await evidenceVersion(app) });
      return reply.type("application/fhir+json").header("content-disposition", `attachment; filename="decidua-assessment-${p.pseudonymId}.fhir.json"`).send(b);
    },
  );
}
