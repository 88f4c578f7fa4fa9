/**
 * Administration of the EHR integration (admin role): the CDS Hooks clients allowed to call Decidua (issuer and
 * JWKS URL or inline JWKS), the EHR users mapped to Decidua users for SMART launches, and the FHIR servers a
 * clinician may import a record from on the patient page (base URL, optional bearer token).
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { z } from "zod";
import { routeOf, userOf } from "../auth.js";
import { HttpError, notFound } from "../errors.js";
import { deleteCdsClient, deleteFhirServer, listCdsClients, listEhrUsers, listSmartEhrs, mapEhrUser, putCdsClient, putFhirServer, putSmartEhr, type AdminActor } from "../../store/fhir.js";
import { zodRoutes } from "../zod.js";

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
  const routes = zodRoutes(app);
  const by = (req: FastifyRequest): AdminActor => ({ username: userOf(req).username, route: routeOf(req) });
  /** GET `path`: one kind of configured entry for the administrator, the read audited as `action`. */
  const list = (path: string, summary: string, action: string, read: () => Promise<object>) =>
    routes.get(path, { config: admin, schema: { tags: ["fhir"], summary } }, async (req) => {
      await app.store.audit(null, { username: userOf(req).username, action, route: routeOf(req), status: 200 });
      return read();
    });

  routes.put("/api/fhir/servers", { config: admin, schema: { tags: ["fhir"], summary: "Configure a FHIR server for imports on the patient page (same base URL: replaces label and token)", body: FhirServerBody } }, async (req) => {
    const b = req.body;
    const server = await putFhirServer(app.store, { label: b.label, baseUrl: b.baseUrl, ...(b.bearerToken !== undefined ? { bearerToken: b.bearerToken } : {}) }, by(req), app.now().toISOString());
    return { server };
  });
  routes.delete("/api/fhir/servers/:serverId", { config: admin, schema: { tags: ["fhir"], summary: "Remove a configured FHIR server", params: z.object({ serverId: z.string().min(1).max(100) }) } }, async (req) => {
    const { serverId } = req.params;
    if (!(await deleteFhirServer(app.store, serverId, by(req)))) throw notFound(`FHIR server ${serverId}`);
    return { ok: true };
  });
  list("/api/fhir/smart-ehrs", "EHRs that may launch Decidua (SMART on FHIR)", "smart-ehr.list", async () => ({ ehrs: await listSmartEhrs(app.store) }));
  routes.put("/api/fhir/smart-ehrs", { config: admin, schema: { tags: ["fhir"], summary: "Register an EHR (FHIR base URL and Decidua's client_id there)", body: SmartEhrBody } }, async (req) => {
    await putSmartEhr(app.store, req.body, by(req), app.now().toISOString());
    return { ok: true };
  });
  list("/api/fhir/cds-clients", "CDS Hooks clients allowed to call Decidua", "cds-client.list", async () => ({ clients: await listCdsClients(app.store) }));
  routes.put("/api/fhir/cds-clients", { config: admin, schema: { tags: ["fhir"], summary: "Allow a CDS Hooks client (issuer + JWKS)", body: ClientBody } }, async (req) => {
    const b = req.body;
    const c = await putCdsClient(app.store, { iss: b.iss, label: b.label, jwksUrl: b.jwksUrl ?? null, jwks: b.jwks !== undefined ? JSON.stringify(b.jwks) : null }, by(req), app.now().toISOString());
    return { client: c };
  });
  routes.delete("/api/fhir/cds-clients", { config: admin, schema: { tags: ["fhir"], summary: "Remove a CDS Hooks client", querystring: z.object({ iss: z.string().min(1) }) } }, async (req) => {
    const { iss } = req.query;
    if (!(await deleteCdsClient(app.store, iss, by(req)))) throw notFound(`CDS client ${iss}`);
    return { ok: true };
  });
  list("/api/fhir/ehr-users", "EHR users mapped to Decidua users", "ehr-user.list", async () => ({ users: await listEhrUsers(app.store) }));
  routes.put("/api/fhir/ehr-users", { config: admin, schema: { tags: ["fhir"], summary: "Map an EHR user (fhirUser or sub) to a Decidua user", body: EhrUserBody } }, async (req) => {
    const b = req.body;
    const u = await app.store.getUser(b.userId);
    if (u === null) throw notFound(`user ${b.userId}`);
    if (u.role !== "clinician") throw new HttpError(400, "VALIDATION", "only clinicians open patients from the EHR", "userId");
    await mapEhrUser(app.store, b, by(req), app.now().toISOString());
    return { ok: true };
  });
}
