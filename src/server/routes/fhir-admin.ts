/**
 * Administration of the EHR integration (admin role): the CDS Hooks clients allowed to call Decidua (issuer and
 * JWKS URL or inline JWKS), the EHR users mapped to Decidua users for SMART launches, and the FHIR servers a
 * clinician may import a record from on the patient page (base URL, optional bearer token).
 */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { routeOf, userOf } from "../auth.js";
import { HttpError, notFound } from "../errors.js";
import { deleteCdsClient, deleteFhirServer, listCdsClients, listEhrUsers, listSmartEhrs, mapEhrUser, putCdsClient, putFhirServer, putSmartEhr } from "../../store/fhir.js";

const admin = { roles: ["admin"] as const };
const Jwks = z.strictObject({ keys: z.array(z.looseObject({ kty: z.string() })).min(1, { error: "the JWKS needs at least one key" }) });
const ClientBody = z
  .strictObject({
    iss: z.string().min(1).max(500),
    label: z.string().min(1).max(200),
    jwksUrl: z.url({ protocol: /^https?$/, error: "jwksUrl must be an http(s) URL" }).optional(),
    jwks: Jwks.optional(),
  })
  .refine((b) => (b.jwksUrl === undefined) !== (b.jwks === undefined), { error: "give either jwksUrl or jwks", path: ["jwksUrl"] });
const EhrUserBody = z.strictObject({ iss: z.url({ error: "iss must be the EHR's FHIR base URL" }), ehrUser: z.string().min(1).max(500), userId: z.string().min(1) });

const SmartEhrBody = z.strictObject({ iss: z.url({ error: "iss must be the EHR's FHIR base URL" }), clientId: z.string().min(1).max(500), label: z.string().min(1).max(200) });

const FhirServerBody = z.strictObject({
  label: z.string().min(1).max(200),
  baseUrl: z.url({ protocol: /^https?$/, error: "baseUrl must be the FHIR server's http(s) base URL" }).max(500),
  /** A bearer token for server-to-server reads; null removes the stored one, absent keeps it. */
  bearerToken: z.string().min(1).max(4000).nullable().optional(),
});

export async function fhirAdminRoutes(app: FastifyInstance): Promise<void> {
  app.put("/api/fhir/servers", { config: admin, schema: { tags: ["fhir"], summary: "Configure a FHIR server for imports on the patient page (same base URL: replaces label and token)", body: FhirServerBody } }, async (req) => {
    const b = req.body as z.infer<typeof FhirServerBody>;
    const server = await putFhirServer(app.store, { label: b.label, baseUrl: b.baseUrl, ...(b.bearerToken !== undefined ? { bearerToken: b.bearerToken } : {}) }, { username: userOf(req).username, route: routeOf(req) }, app.now().toISOString());
    return { server };
  });
  app.delete("/api/fhir/servers/:serverId", { config: admin, schema: { tags: ["fhir"], summary: "Remove a configured FHIR server", params: z.object({ serverId: z.string().min(1).max(100) }) } }, async (req) => {
    const { serverId } = req.params as { serverId: string };
    if (!(await deleteFhirServer(app.store, serverId, { username: userOf(req).username, route: routeOf(req) }))) throw notFound(`FHIR server ${serverId}`);
    return { ok: true };
  });
  app.get("/api/fhir/smart-ehrs", { config: admin, schema: { tags: ["fhir"], summary: "EHRs that may launch Decidua (SMART on FHIR)" } }, async (req) => {
    await app.store.audit(null, { username: userOf(req).username, action: "smart-ehr.list", route: routeOf(req), status: 200 });
    return { ehrs: await listSmartEhrs(app.store) };
  });
  app.put("/api/fhir/smart-ehrs", { config: admin, schema: { tags: ["fhir"], summary: "Register an EHR (FHIR base URL and Decidua's client_id there)", body: SmartEhrBody } }, async (req) => {
    const b = req.body as z.infer<typeof SmartEhrBody>;
    await putSmartEhr(app.store, b, { username: userOf(req).username, route: routeOf(req) }, app.now().toISOString());
    return { ok: true };
  });
  app.get("/api/fhir/cds-clients", { config: admin, schema: { tags: ["fhir"], summary: "CDS Hooks clients allowed to call Decidua" } }, async (req) => {
    await app.store.audit(null, { username: userOf(req).username, action: "cds-client.list", route: routeOf(req), status: 200 });
    return { clients: await listCdsClients(app.store) };
  });
  app.put("/api/fhir/cds-clients", { config: admin, schema: { tags: ["fhir"], summary: "Allow a CDS Hooks client (issuer + JWKS)", body: ClientBody } }, async (req) => {
    const b = req.body as z.infer<typeof ClientBody>;
    const c = await putCdsClient(app.store, { iss: b.iss, label: b.label, jwksUrl: b.jwksUrl ?? null, jwks: b.jwks !== undefined ? JSON.stringify(b.jwks) : null }, { username: userOf(req).username, route: routeOf(req) }, app.now().toISOString());
    return { client: c };
  });
  app.delete("/api/fhir/cds-clients", { config: admin, schema: { tags: ["fhir"], summary: "Remove a CDS Hooks client", querystring: z.object({ iss: z.string().min(1) }) } }, async (req) => {
    const { iss } = req.query as { iss: string };
    if (!(await deleteCdsClient(app.store, iss, { username: userOf(req).username, route: routeOf(req) }))) throw notFound(`CDS client ${iss}`);
    return { ok: true };
  });
  app.get("/api/fhir/ehr-users", { config: admin, schema: { tags: ["fhir"], summary: "EHR users mapped to Decidua users" } }, async (req) => {
    await app.store.audit(null, { username: userOf(req).username, action: "ehr-user.list", route: routeOf(req), status: 200 });
    return { users: await listEhrUsers(app.store) };
  });
  app.put("/api/fhir/ehr-users", { config: admin, schema: { tags: ["fhir"], summary: "Map an EHR user (fhirUser or sub) to a Decidua user", body: EhrUserBody } }, async (req) => {
    const b = req.body as z.infer<typeof EhrUserBody>;
    const u = await app.store.getUser(b.userId);
    if (u === null) throw notFound(`user ${b.userId}`);
    if (u.role !== "clinician") throw new HttpError(400, "VALIDATION", "only clinicians open patients from the EHR", "userId");
    await mapEhrUser(app.store, b, { username: userOf(req).username, route: routeOf(req) }, app.now().toISOString());
    return { ok: true };
  });
}
