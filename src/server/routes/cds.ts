/**
 * CDS Hooks 2.0 service (https://cds-hooks.hl7.org/2.0/): discovery at GET /cds-services, the patient-view service
 * at POST /cds-services/decidua-rpl-immunotherapy and its feedback endpoint. Requests are authenticated with the
 * CDS client's signed JWT (verified with `jose` against the JWKS an administrator registered for its issuer); an
 * expired or wrongly signed token is 401. Missing prefetch is read from `fhirServer` with `fhirAuthorization`; when
 * that fails the answer is an "information unavailable" card, never a verdict on a partial record.
 */
import { createHash, randomUUID } from "node:crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { createLocalJWKSet, createRemoteJWKSet, decodeJwt, jwtVerify, type JWTVerifyGetKey } from "jose";
import { z } from "zod";
import { assessmentCards, CdsRequestSchema, discovery, FeedbackSchema, PATIENT_VIEW_PREFETCH, PATIENT_VIEW_SERVICE_ID, unavailableCard, type Card, type PrefetchKey } from "../../interop/cds/cards.js";
import { bundleToRecord, type FhirImport } from "../../interop/fhir/import.js";
import { isInputError } from "../../shared/errors.js";
import { getCdsClient, type CdsClient } from "../../store/fhir.js";
import { HttpError } from "../errors.js";
import { fhirSearchAll, fhirGet, fillTemplate, FhirUnavailableError } from "../fhir/client.js";
import { evidenceVersion, publicBase } from "../fhir/common.js";

const ALGORITHMS = ["ES384", "RS384", "ES256", "RS256", "ES512", "RS512", "PS384", "PS256"];
const remoteSets = new Map<string, JWTVerifyGetKey>();

function keySet(c: CdsClient): JWTVerifyGetKey {
  if (c.jwks !== null) return createLocalJWKSet(JSON.parse(c.jwks) as Parameters<typeof createLocalJWKSet>[0]);
  if (c.jwksUrl === null) throw new HttpError(401, "UNAUTHENTICATED", `the CDS client ${c.iss} has no JWKS registered`);
  let s = remoteSets.get(c.jwksUrl);
  if (s === undefined) {
    s = createRemoteJWKSet(new URL(c.jwksUrl), { timeoutDuration: 3000 });
    remoteSets.set(c.jwksUrl, s);
  }
  return s;
}

const unauthorized = (why: string) => new HttpError(401, "UNAUTHENTICATED", why);

/** Verifies the CDS client's JWT (CDS Hooks 2.0 "Trusting CDS Clients"); returns the client. */
async function verifyClient(app: FastifyInstance, req: FastifyRequest): Promise<CdsClient> {
  const h = req.headers.authorization;
  if (typeof h !== "string" || !h.startsWith("Bearer ")) throw unauthorized("a CDS client must send Authorization: Bearer <signed JWT>");
  const token = h.slice(7).trim();
  let iss: string | undefined;
  try {
    iss = decodeJwt(token).iss;
  } catch {
    throw unauthorized("the bearer token is not a JWT");
  }
  if (iss === undefined) throw unauthorized("the JWT has no iss");
  const client = await getCdsClient(app.store, iss);
  if (client === null) throw unauthorized(`the CDS client ${iss} is not registered with Decidua`);
  const audience = `${publicBase(req)}${(req.routeOptions.url ?? req.url).replace(":id", (req.params as { id: string }).id)}`;
  try {
    await jwtVerify(token, keySet(client), {
      issuer: iss,
      audience,
      algorithms: ALGORITHMS,
      requiredClaims: ["iss", "aud", "exp", "iat", "jti"],
      currentDate: app.now(),
      clockTolerance: 30,
    });
  } catch (e) {
    const code = (e as { code?: string }).code ?? "";
    throw unauthorized(code === "ERR_JWT_EXPIRED" ? "the JWT has expired" : `the JWT does not verify (${code || (e instanceof Error ? e.message : "invalid")})`);
  }
  return client;
}

function cors(reply: FastifyReply): void {
  void reply.header("access-control-allow-origin", "*");
  void reply.header("access-control-allow-headers", "authorization, content-type");
  void reply.header("access-control-allow-methods", "GET, POST, OPTIONS");
}

const ServiceParams = z.object({ id: z.string() });

/**
 * A call of Decidua's CDS service, checked in this order: the service id (404), the client's signed JWT (401), then
 * the body against `schema` (400 naming the field; `invalid` when zod names no message).
 */
async function serviceCall<T>(app: FastifyInstance, req: FastifyRequest, reply: FastifyReply, schema: z.ZodType<T>, invalid: string): Promise<{ id: string; client: CdsClient; body: T }> {
  cors(reply);
  const { id } = req.params as z.infer<typeof ServiceParams>;
  if (id !== PATIENT_VIEW_SERVICE_ID) throw new HttpError(404, "NOT_FOUND", `no CDS service ${id}`);
  const client = await verifyClient(app, req);
  const parsed = schema.safeParse(req.body);
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    throw new HttpError(400, "VALIDATION", `${i?.path.join(".") ?? ""}: ${i?.message ?? invalid}`, i?.path.join("."));
  }
  return { id, client, body: parsed.data };
}

interface ReadResult {
  ok: true;
  imp: FhirImport;
}
interface ReadFailure {
  ok: false;
  why: string;
}

/** The prefetch, with what is missing read from the FHIR server; then mapped. */
async function readPatient(body: z.infer<typeof CdsRequestSchema>, today: string): Promise<ReadResult | ReadFailure> {
  const parts: unknown[] = [];
  const pre = body.prefetch ?? {};
  for (const key of Object.keys(PATIENT_VIEW_PREFETCH) as PrefetchKey[]) {
    const given = pre[key];
    if (given !== undefined && given !== null) {
      parts.push(given);
      continue;
    }
    if (body.fhirServer === undefined) return { ok: false, why: `the prefetch "${key}" is missing and the request names no fhirServer to read it from` };
    const path = fillTemplate(PATIENT_VIEW_PREFETCH[key], body.context);
    try {
      const token = body.fhirAuthorization?.access_token;
      const opts = { ...(token !== undefined ? { accessToken: token } : {}), timeoutMs: 4000 };
      parts.push(key === "patient" ? await fhirGet(body.fhirServer, path, opts) : await fhirSearchAll(body.fhirServer, path, opts));
    } catch (e) {
      if (e instanceof FhirUnavailableError) return { ok: false, why: e.message };
      throw e;
    }
  }
  try {
    return { ok: true, imp: bundleToRecord(parts, { today, patientId: body.context.patientId, file: body.fhirServer ?? "prefetch" }) };
  } catch (e) {
    if (isInputError(e)) return { ok: false, why: `the EHR record could not be read: ${e.message}` };
    throw e;
  }
}

export async function cdsRoutes(app: FastifyInstance): Promise<void> {
  const publicCfg = { config: { public: true } };
  app.options("/cds-services", publicCfg, async (_req, reply) => {
    cors(reply);
    return reply.code(204).send();
  });
  app.options("/cds-services/:id", publicCfg, async (_req, reply) => {
    cors(reply);
    return reply.code(204).send();
  });
  app.options("/cds-services/:id/feedback", publicCfg, async (_req, reply) => {
    cors(reply);
    return reply.code(204).send();
  });

  app.get("/cds-services", { ...publicCfg, schema: { tags: ["cds-hooks"], summary: "CDS Hooks discovery" } }, async (_req, reply) => {
    cors(reply);
    return discovery();
  });

  app.post(
    "/cds-services/:id",
    { ...publicCfg, schema: { tags: ["cds-hooks"], summary: "patient-view: Decidua's cards for the patient", params: ServiceParams } },
    async (req, reply) => {
      const { id, client, body } = await serviceCall(app, req, reply, CdsRequestSchema, "invalid CDS Hooks request");
      const now = app.now();
      const today = now.toISOString().slice(0, 10);
      const base = publicBase(req);
      const newId = () => randomUUID();
      const read = await readPatient(body, today);
      let cards: Card[];
      let detail: Record<string, unknown>;
      if (!read.ok) {
        cards = [unavailableCard(read.why, { newId, appUrl: base })];
        detail = { hookInstance: body.hookInstance, ehrPatient: body.context.patientId, ehrUser: body.context.userId, unavailable: read.why };
      } else {
        const record = read.imp.record;
        const key = `ehr:${createHash("sha256").update(JSON.stringify(record)).digest("hex")}`;
        const a = app.core.assess(key, record, [], today);
        const iss = body.fhirServer !== undefined ? `?iss=${encodeURIComponent(body.fhirServer)}` : "";
        cards = assessmentCards(a, read.imp, {
          newId,
          evidenceVersion: await evidenceVersion(app),
          appUrl: base,
          smartLaunchUrl: `${base}/smart/launch${iss}`,
          readAt: now.toISOString(),
          patientReference: `Patient/${body.context.patientId}`,
        });
        detail = {
          hookInstance: body.hookInstance,
          ehrPatient: body.context.patientId,
          ehrUser: body.context.userId,
          cards: cards.map((c) => ({ uuid: c.uuid, summary: c.summary })),
          unmapped: read.imp.unmapped.length,
        };
      }
      await app.store.audit(null, { username: `cds:${client.iss}`, action: "cds.patient-view", route: `POST /cds-services/${id}`, status: 200, detail: JSON.stringify(detail) });
      return { cards };
    },
  );

  app.post(
    "/cds-services/:id/feedback",
    { ...publicCfg, schema: { tags: ["cds-hooks"], summary: "Feedback on Decidua's cards (accepted / overridden with reason)", params: ServiceParams } },
    async (req, reply) => {
      const { id, client, body } = await serviceCall(app, req, reply, FeedbackSchema, "invalid feedback");
      for (const f of body.feedback)
        await app.store.audit(null, {
          username: `cds:${client.iss}`,
          action: `cds.feedback.${f.outcome}`,
          route: `POST /cds-services/${id}/feedback`,
          status: 200,
          detail: JSON.stringify({ card: f.card, outcome: f.outcome, overrideReason: f.overrideReason ?? null, acceptedSuggestions: f.acceptedSuggestions ?? [], outcomeTimestamp: f.outcomeTimestamp }),
        });
      return {};
    },
  );
}
