/**
 * SMART on FHIR app launch (EHR launch and standalone launch), with oauth4webapi as the OAuth client:
 *
 *   GET /smart/launch?iss=<FHIR base>[&launch=<id>]  → discovery of <iss>/.well-known/smart-configuration, PKCE (S256),
 *                                                      redirect to the EHR's authorization endpoint (read-only
 *                                                      scopes patient/*.rs, openid fhirUser)
 *   GET /smart/callback?code&state                   → code exchange, patient from the token response, EHR user
 *                                                      from the ID token (fhirUser, else sub) mapped to a Decidua
 *                                                      clinician (or refused), the record read from the EHR's FHIR
 *                                                      API and assessed; a Decidua session; the browser goes to /ehr/<view>
 *   GET /api/fhir/ehr-views/:id                       → that assessment, "from the EHR at <time>", with the unmapped items
 *
 * The EHR's record is not copied into Decidua's patient table: the view is kept in memory for an hour.
 */
import { randomBytes } from "node:crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import * as oauth from "oauth4webapi";
import { z } from "zod";
import { PATIENT_VIEW_PREFETCH, type PrefetchKey } from "../../interop/cds/cards.js";
import { bundleToRecord, type UnmappedItem } from "../../interop/fhir/import.js";
import { assessmentToBundle } from "../../interop/fhir/export.js";
import type { Assessment } from "../../clinical/assess.js";
import { isInputError } from "../../shared/errors.js";
import { ehrUserOf, getSmartEhr, saveSmartLaunch, takeSmartLaunch } from "../../store/fhir.js";
import { routeOf, setSessionCookies, userOf } from "../auth.js";
import { HttpError, notFound } from "../errors.js";
import { fhirGet, fhirSearchAll, fillTemplate, FhirUnavailableError } from "../fhir/client.js";
import { evidenceVersion, expiringStores, publicBase } from "../fhir/common.js";

export const SMART_SCOPES_EHR = "launch openid fhirUser patient/*.rs";
export const SMART_SCOPES_STANDALONE = "launch/patient openid fhirUser patient/*.rs";

const SmartConfigSchema = z.looseObject({
  issuer: z.string().optional(),
  authorization_endpoint: z.url(),
  token_endpoint: z.url(),
  code_challenge_methods_supported: z.array(z.string()).optional(),
  capabilities: z.array(z.string()).optional(),
});

const LaunchData = z.object({
  iss: z.string(),
  clientId: z.string(),
  verifier: z.string(),
  redirectUri: z.string(),
  issuer: z.string(),
  authorizationEndpoint: z.string(),
  tokenEndpoint: z.string(),
  mode: z.enum(["ehr", "standalone"]),
});

export interface EhrView {
  id: string;
  userId: string;
  iss: string;
  ehrPatient: string;
  ehrUser: string;
  readAt: string;
  patient: { fhirId: string; name?: string; birthDate?: string } | null;
  unmapped: UnmappedItem[];
  warnings: string[];
  /** Why the EHR's record could not be read (then there is no assessment). */
  unavailable?: string;
  assessment: Assessment | null;
  evidenceVersion: string;
  expires: number;
}

const viewStore = expiringStores<EhrView>();

/** oauth4webapi insists on https; a loopback EHR (development, tests) is allowed over http. */
function insecureOk(url: string): boolean {
  const u = new URL(url);
  return u.protocol === "https:" || u.hostname === "127.0.0.1" || u.hostname === "localhost" || u.hostname === "[::1]";
}
const httpOpts = (url: string) => (new URL(url).protocol === "http:" && insecureOk(url) ? { [oauth.allowInsecureRequests]: true } : {});

function htmlPage(reply: FastifyReply, status: number, title: string, body: string): FastifyReply {
  const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c] ?? c);
  return reply
    .code(status)
    .type("text/html; charset=utf-8")
    .send(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title></head><body><h1>${esc(title)}</h1><p>${esc(body)}</p></body></html>`);
}

async function readEhrRecord(iss: string, patientId: string, accessToken: string, today: string) {
  const parts: unknown[] = [];
  for (const key of Object.keys(PATIENT_VIEW_PREFETCH) as PrefetchKey[]) {
    const path = fillTemplate(PATIENT_VIEW_PREFETCH[key], { patientId });
    parts.push(key === "patient" ? await fhirGet(iss, path, { accessToken }) : await fhirSearchAll(iss, path, { accessToken }));
  }
  return bundleToRecord(parts, { today, patientId, file: iss });
}

/** The cookie that binds a launch's OAuth state to the browser that started it. */
const STATE_COOKIE = "decidua_smart_state";

export async function smartRoutes(app: FastifyInstance): Promise<void> {
  app.get(
    "/smart/launch",
    { config: { public: true }, schema: { tags: ["smart"], summary: "SMART on FHIR launch (EHR launch with launch=, standalone without)", querystring: z.object({ iss: z.url(), launch: z.string().min(1).max(2000).optional() }) } },
    async (req, reply) => {
      const q = req.query as { iss: string; launch?: string };
      const ehr = await getSmartEhr(app.store, q.iss);
      if (ehr === null) return htmlPage(reply, 400, "This EHR is not registered with Decidua", `Ask a Decidua administrator to register ${q.iss}.`);
      if (!insecureOk(q.iss)) return htmlPage(reply, 400, "The EHR must use HTTPS", q.iss);
      let cfg: z.infer<typeof SmartConfigSchema>;
      try {
        const raw = await fhirGet(q.iss, ".well-known/smart-configuration", { timeoutMs: 5000 });
        const p = SmartConfigSchema.safeParse(raw);
        if (!p.success) return htmlPage(reply, 502, "The EHR's SMART configuration is invalid", p.error.issues[0]?.message ?? "");
        cfg = p.data;
      } catch (e) {
        if (e instanceof FhirUnavailableError) return htmlPage(reply, 502, "The EHR is unavailable", e.message);
        throw e;
      }
      if (!(cfg.code_challenge_methods_supported ?? []).includes("S256")) return htmlPage(reply, 502, "The EHR does not support PKCE (S256)", q.iss);
      const verifier = oauth.generateRandomCodeVerifier();
      const challenge = await oauth.calculatePKCECodeChallenge(verifier);
      const state = oauth.generateRandomState();
      const redirectUri = `${publicBase(req)}/smart/callback`;
      const now = app.now();
      const data: z.infer<typeof LaunchData> = {
        iss: q.iss,
        clientId: ehr.clientId,
        verifier,
        redirectUri,
        issuer: cfg.issuer ?? q.iss,
        authorizationEndpoint: cfg.authorization_endpoint,
        tokenEndpoint: cfg.token_endpoint,
        mode: q.launch !== undefined ? "ehr" : "standalone",
      };
      await saveSmartLaunch(app.store, state, q.iss, data, now.toISOString(), new Date(now.getTime() + 10 * 60_000).toISOString());
      const url = new URL(cfg.authorization_endpoint);
      url.searchParams.set("response_type", "code");
      url.searchParams.set("client_id", ehr.clientId);
      url.searchParams.set("redirect_uri", redirectUri);
      url.searchParams.set("scope", q.launch !== undefined ? SMART_SCOPES_EHR : SMART_SCOPES_STANDALONE);
      url.searchParams.set("state", state);
      url.searchParams.set("aud", q.iss);
      url.searchParams.set("code_challenge", challenge);
      url.searchParams.set("code_challenge_method", "S256");
      if (q.launch !== undefined) url.searchParams.set("launch", q.launch);
      await app.store.audit(null, { username: null, action: "smart.launch", route: routeOf(req), status: 302, detail: JSON.stringify({ iss: q.iss, mode: data.mode }) });
      // the state is bound to this browser (RFC 6749 §10.12, login CSRF): the callback must come back with it.
      // SameSite=Lax, so that the EHR's top-level redirect back carries it
      void reply.setCookie(STATE_COOKIE, state, { httpOnly: true, sameSite: "lax", secure: req.protocol === "https", path: "/smart/callback", signed: true, maxAge: 600 });
      return reply.redirect(url.toString(), 302);
    },
  );

  app.get("/smart/callback", { config: { public: true }, schema: { tags: ["smart"], summary: "SMART on FHIR redirect URI" } }, async (req: FastifyRequest, reply) => {
    const url = new URL(req.url, publicBase(req));
    const state = url.searchParams.get("state");
    if (state === null) return htmlPage(reply, 400, "The EHR sent no state", "Start the launch again from the EHR.");
    // a callback for a launch another browser started (a forwarded link) would sign this browser in as that user
    const bound = req.unsignCookie(req.cookies[STATE_COOKIE] ?? "");
    void reply.clearCookie(STATE_COOKIE, { path: "/smart/callback" });
    if (!bound.valid || bound.value !== state) {
      await app.store.audit(null, { username: null, action: "smart.refused", route: routeOf(req), status: 400, detail: JSON.stringify({ why: "the callback's state was not issued to this browser" }) });
      return htmlPage(reply, 400, "This sign-in was not started in this browser", "Start the launch again from the EHR, in this browser.");
    }
    const taken = await takeSmartLaunch(app.store, state, app.now().toISOString());
    if (taken === null) return htmlPage(reply, 400, "Unknown or expired launch", "Start the launch again from the EHR.");
    const l = LaunchData.parse(taken.data);
    const as: oauth.AuthorizationServer = { issuer: l.issuer, authorization_endpoint: l.authorizationEndpoint, token_endpoint: l.tokenEndpoint };
    const client: oauth.Client = { client_id: l.clientId };
    let tokens: oauth.TokenEndpointResponse;
    let ehrUser: string;
    try {
      const params = oauth.validateAuthResponse(as, client, url, state);
      const res = await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), params, l.redirectUri, l.verifier, httpOpts(l.tokenEndpoint));
      tokens = await oauth.processAuthorizationCodeResponse(as, client, res, { requireIdToken: true });
      const claims = oauth.getValidatedIdTokenClaims(tokens);
      const fhirUser = claims?.fhirUser;
      ehrUser = typeof fhirUser === "string" && fhirUser !== "" ? fhirUser : String(claims?.sub ?? "");
    } catch (e) {
      await app.store.audit(null, { username: null, action: "smart.refused", route: routeOf(req), status: 401, detail: JSON.stringify({ iss: l.iss, why: e instanceof Error ? e.message : String(e) }) });
      return htmlPage(reply, 401, "The EHR's authorisation failed", e instanceof Error ? e.message : String(e));
    }
    const patientId = typeof tokens.patient === "string" ? tokens.patient : undefined;
    const granted = (tokens.scope ?? "").split(/\s+/);
    if (granted.some((s) => /^(patient|user|system)\/.*\.(write|\*|[rs]*[cud][rs]*)$/.test(s)))
      await app.store.audit(null, { username: null, action: "smart.scope-note", route: routeOf(req), status: 200, detail: JSON.stringify({ iss: l.iss, granted: tokens.scope, note: "write scopes granted but never used" }) });
    if (patientId === undefined) return htmlPage(reply, 400, "The EHR gave no patient context", "Open Decidua from a patient's chart.");
    const userId = await ehrUserOf(app.store, l.iss, ehrUser);
    const user = userId === null ? null : await app.store.getUser(userId);
    if (user === null || user.disabled || user.role !== "clinician") {
      await app.store.audit(null, { username: null, action: "smart.refused", route: routeOf(req), status: 403, detail: JSON.stringify({ iss: l.iss, ehrUser, why: "no Decidua clinician mapped to this EHR user" }) });
      return htmlPage(reply, 403, "Your EHR account is not linked to a Decidua clinician", `EHR user ${ehrUser} at ${l.iss}: ask a Decidua administrator to link it.`);
    }
    const now = app.now();
    const today = now.toISOString().slice(0, 10);
    const id = randomBytes(18).toString("base64url");
    const view: EhrView = {
      id,
      userId: user.id,
      iss: l.iss,
      ehrPatient: patientId,
      ehrUser,
      readAt: now.toISOString(),
      patient: null,
      unmapped: [],
      warnings: [],
      assessment: null,
      evidenceVersion: await evidenceVersion(app),
      expires: now.getTime() + 60 * 60_000,
    };
    try {
      const imp = await readEhrRecord(l.iss, patientId, tokens.access_token, today);
      view.patient = imp.patient;
      view.unmapped = imp.unmapped;
      view.warnings = imp.warnings;
      view.assessment = app.core.assess(`ehr:${l.iss}:${patientId}:${id}`, imp.record, [], today);
    } catch (e) {
      if (!(e instanceof FhirUnavailableError) && !isInputError(e)) throw e;
      view.unavailable = e.message;
    }
    viewStore(app).put(id, view, now.getTime());
    const ttl = 12 * 60 * 60 * 1000;
    const session = await app.store.createSession(user.id, ttl);
    setSessionCookies(req, reply, session.token, session.csrfToken, ttl);
    await app.store.audit(null, {
      username: user.username,
      action: "ehr.read",
      route: routeOf(req),
      status: 200,
      detail: JSON.stringify({ iss: l.iss, ehrPatient: patientId, ehrUser, unmapped: view.unmapped.length, unavailable: view.unavailable ?? null }),
    });
    // a page of our own origin moves on (SameSite=Strict cookies then travel with the next request)
    return reply
      .code(200)
      .type("text/html; charset=utf-8")
      .send(`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=/ehr/${id}"><title>Decidua</title></head><body><p><a href="/ehr/${id}">Open the assessment</a></p></body></html>`);
  });

  app.get(
    "/api/fhir/ehr-views/:id",
    { config: { roles: ["clinician"] as const }, schema: { tags: ["smart"], summary: "The assessment of a patient opened from the EHR", params: z.object({ id: z.string().min(1).max(100) }) } },
    async (req) => {
      const { id } = req.params as { id: string };
      const user = userOf(req);
      const v = viewStore(app).get(id, user.id, app.now().getTime());
      if (v === undefined) throw notFound("EHR view");
      await app.store.auditRead({ username: user.username, action: "ehr.view", route: routeOf(req), status: 200, detail: JSON.stringify({ iss: v.iss, ehrPatient: v.ehrPatient }) });
      const { userId: _u, expires: _e, ...out } = v;
      return out;
    },
  );

  app.get(
    "/api/fhir/ehr-views/:id/bundle",
    { config: { roles: ["clinician"] as const }, schema: { tags: ["smart"], summary: "That assessment as a FHIR R4 Bundle", params: z.object({ id: z.string().min(1).max(100) }) } },
    async (req, reply) => {
      const { id } = req.params as { id: string };
      const user = userOf(req);
      const v = viewStore(app).get(id, user.id, app.now().getTime());
      if (v === undefined) throw notFound("EHR view");
      if (v.assessment === null) throw new HttpError(409, "CONFLICT", "no assessment: the EHR record could not be read");
      await app.store.auditRead({ username: user.username, action: "ehr.export", route: routeOf(req), status: 200, detail: JSON.stringify({ iss: v.iss, ehrPatient: v.ehrPatient }) });
      return reply.type("application/fhir+json").send(assessmentToBundle(v.assessment, { patientReference: `Patient/${v.ehrPatient}`, now: app.now().toISOString(), evidenceVersion: v.evidenceVersion }));
    },
  );
}
