/**
 * buildServer(config): the Decidua HTTP server (fastify 5). Opens the store and runs its migrations, seeds an
 * empty database, creates the first administrator, and registers the API (src/server/API.md), the OpenAPI
 * description (/api/docs) and the web UI (static files from dist/web, index.html for client-side routes).
 */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { randomBytes } from "node:crypto";
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import cookie from "@fastify/cookie";
import rateLimit from "@fastify/rate-limit";
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import fastifyStatic from "@fastify/static";
import { Store } from "../store/index.js";
import { installAuth, originOf, routeOf } from "./auth.js";
import { ServerConfigSchema, type ServerConfigInput, type ServerHooks } from "./config.js";
import { HttpError, errorHandler, type ErrorBody } from "./errors.js";
import { DEFAULT_LIMITS, findInputProblem } from "./input-guard.js";
import { packageRoot } from "../shared/package-root.js";
import { ensureAdmin, seedDatabase } from "./seed.js";
import { jsonSerializerCompiler, swaggerTransform, zodValidatorCompiler } from "./zod.js";
import { CoreServices } from "./core.js";
import { WorkbenchPool } from "./workbench-pool.js";
import { loadDefaultEvidenceBase } from "../evidence/index.js";
import { authRoutes } from "./routes/auth.js";
import { userRoutes } from "./routes/users.js";
import { patientRoutes } from "./routes/patients.js";
import { clinicalPlanRoutes } from "./routes/clinical-plans.js";
import { evidenceRoutes } from "./routes/evidence.js";
import { evidenceVersionRoutes } from "./routes/evidence-versions.js";
import { evidenceImportRoutes } from "./routes/evidence-import.js";
import { evidenceNetworkRoutes } from "./routes/evidence-network.js";
import { metaRoutes } from "./routes/meta.js";
import { nmaTsaRoutes } from "./routes/nma-tsa.js";
import { researchRoutes } from "./routes/research.js";
import { auditRoutes } from "./routes/audit.js";
import { trialRoutes } from "./routes/trials.js";
import { cdsRoutes } from "./routes/cds.js";
import { fhirAdminRoutes } from "./routes/fhir-admin.js";
import { smartRoutes } from "./routes/smart.js";
import { fhirImportRoutes } from "./routes/fhir-import.js";
import { screeningRoutes } from "./routes/screening.js";
import { extractionRoutes } from "./routes/extraction.js";

declare module "fastify" {
  interface FastifyInstance {
    store: Store;
    core: CoreServices;
    workbench: WorkbenchPool;
    /** "Now" for the server (assessment date default, timestamps). */
    now: () => Date;
  }
}

/** The web UI loads only its own script, styles and images; plots arrive as SVG text or from the API. */
const UI_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

const DEFAULT_ROUTE_BODY_LIMIT = 256 * 1024;

/** Refused requests written to the audit log (with who, from where and why). */
const REFUSALS = new Set([401, 403, 404, 409, 413, 422, 429]);
/** A request about one patient refused as invalid (400) is audited too: it names a patient, and its answer can tell of the record. */
const auditedRefusal = (req: FastifyRequest, status: number): boolean => REFUSALS.has(status) || (status === 400 && (req.routeOptions.url ?? "").startsWith("/api/patients/:id"));
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * One audit entry per refused API request (401, 403, 404, 409, 413, 422, 429, rate-limited logins, and a 400 about one
 * patient), written
 * before the answer leaves. The patient a request named goes into the detail, not the patient column: no patient
 * data was read or written.
 */
async function auditRefusal(store: Store, req: FastifyRequest, status: number, payload: unknown): Promise<void> {
  req.audited = true;
  let code = "";
  if (typeof payload === "string" && payload.length < 20_000) {
    try {
      const body = JSON.parse(payload) as { error?: { code?: unknown } };
      if (typeof body.error?.code === "string") code = body.error.code;
    } catch {
      // not JSON: no code
    }
  }
  const params = (req.params ?? {}) as Record<string, unknown>;
  const patient = typeof params.id === "string" && UUID.test(params.id) && (req.routeOptions.url ?? "").startsWith("/api/patients/") ? ` patient ${params.id}` : "";
  const body = req.body as { username?: unknown } | undefined;
  const username = req.auth?.user.username ?? (typeof body?.username === "string" ? body.username.slice(0, 100) : null);
  const route = req.routeOptions.url !== undefined ? routeOf(req) : `${req.method} ${req.url.split("?")[0]!.slice(0, 300)}`;
  try {
    await store.auditRead({ ...originOf(req), username, action: status === 429 ? "request.rate-limited" : "request.refused", route, status, detail: `${code || status}${patient}` });
  } catch (e) {
    req.log.error({ err: e }, "audit entry of a refused request not written");
  }
}

export async function buildServer(configInput: ServerConfigInput, hooks: ServerHooks = {}): Promise<FastifyInstance> {
  const config = ServerConfigSchema.parse(configInput);
  const now = hooks.now ?? (() => new Date());
  const storeOptions = { now, ...(config.scryptLogN !== undefined ? { scryptLogN: config.scryptLogN } : {}) };
  const store = await Store.open(config.db, storeOptions);
  try {
    if (config.seed) {
      await seedDatabase(store, now(), {
        validateRecord: (r) => void CoreServices.checkRecord(r),
        loadEvidence: () => loadDefaultEvidenceBase(),
        warn: (m) => process.emitWarning(m),
      });
    }
    await ensureAdmin(store, config.adminUsername, config.adminPassword, hooks.onAdminCreated);
    const cookieSecret = config.cookieSecret ?? (await store.getOrCreateSetting("cookie-secret", () => randomBytes(32).toString("base64url")));
    const core = await CoreServices.create(store);
    core.cacheAssessments = config.assessmentCache;

    const app = Fastify({
      logger: config.logger,
      trustProxy: config.trustProxy,
      bodyLimit: config.bodyLimit,
      // a request (headers and body) must arrive within 2 minutes: a body sent a byte at a time cannot hold a
      // connection open for ever (Node's default is no limit; slow headers are already cut at 60 s)
      requestTimeout: 120_000,
      // fastify's own errors (a URL that does not decode, ...) in the API's error shape, through the same hooks
      frameworkErrors: (err, _req, reply) => {
        const body: ErrorBody = { error: { message: `bad request: ${err.message}`, code: "VALIDATION" } };
        // these answers skip the onSend hooks: the same headers set here
        for (const [k, v] of Object.entries({ "x-content-type-options": "nosniff", "referrer-policy": "no-referrer", "x-frame-options": "DENY", "cache-control": "no-store", "content-security-policy": UI_CSP })) void reply.header(k, v);
        void (reply as unknown as FastifyReply).code(400).type("application/json; charset=utf-8").send(JSON.stringify(body));
      },
    });
    app.decorate("store", store);
    app.decorate("core", core);
    const workbench = new WorkbenchPool(config.workbench);
    app.decorate("workbench", workbench);
    app.decorate("now", now);
    app.addHook("onClose", async () => {
      await workbench.close();
      await store.close();
    });
    app.setValidatorCompiler(zodValidatorCompiler);
    app.setSerializerCompiler(jsonSerializerCompiler);
    app.setErrorHandler(errorHandler);

    await app.register(cookie, { secret: cookieSecret });
    await app.register(rateLimit, { global: false, hook: "preHandler" }); // preHandler: the key needs the parsed body (username)
    await app.register(swagger, {
      openapi: {
        info: { title: "Decidua API", version: "1", description: "Evidence on immunotherapy for recurrent pregnancy loss: patients, assessment, evidence, workbench. See src/server/API.md." },
        components: { securitySchemes: { session: { type: "apiKey", in: "cookie", name: "decidua_session" }, csrf: { type: "apiKey", in: "header", name: "x-csrf-token" } } },
      },
      transform: swaggerTransform,
    });
    await app.register(swaggerUi, { routePrefix: "/api/docs", uiConfig: { docExpansion: "list" }, staticCSP: true });
    // request bodies: the workbench (uploads in base64) may use the configured limit, every other route 256 kB
    app.addHook("onRoute", (route) => {
      if (route.bodyLimit === undefined && !/^\/api\/(meta|nma|tsa)(\/|$)/.test(route.url)) route.bodyLimit = DEFAULT_ROUTE_BODY_LIMIT;
    });
    installAuth(app);
    // a version published by another process on the same database is picked up within seconds (issue 11)
    app.addHook("onRequest", async (req) => {
      if (req.url.startsWith("/api/patients") || req.url.startsWith("/api/evidence") || req.url.startsWith("/cds-services") || req.url.startsWith("/api/smart")) {
        await core.refreshEvidence(store, Date.now());
      }
    });
    // text the databases cannot store, and sizes beyond the route's limits: 400 naming the field, before validation
    app.addHook("preValidation", async (req) => {
      const limits = req.routeOptions.config.inputLimits ?? DEFAULT_LIMITS;
      for (const part of [req.params, req.query, req.body]) {
        const problem = findInputProblem(part, limits);
        if (problem !== null) throw new HttpError(400, "VALIDATION", problem.message, problem.field);
      }
    });
    app.addHook("onSend", async (req, reply, payload) => {
      void reply.header("x-content-type-options", "nosniff");
      void reply.header("referrer-policy", "no-referrer");
      void reply.header("x-frame-options", "DENY");
      if (req.url.startsWith("/api/") && !req.url.startsWith("/api/docs") && auditedRefusal(req, reply.statusCode) && !req.audited) await auditRefusal(store, req, reply.statusCode, payload);
      if (req.url.startsWith("/api/docs")) {
        // the API description: the same headers as the UI (swagger-ui sets its own script hashes when it can)
        if (!reply.hasHeader("content-security-policy")) void reply.header("content-security-policy", UI_CSP);
        void reply.header("cache-control", "no-store");
      } else if (req.url.startsWith("/api/")) {
        // patient data must not linger in browser or proxy caches
        void reply.header("cache-control", "no-store");
      } else {
        void reply.header("content-security-policy", UI_CSP);
      }
      return payload;
    });

    app.get("/api/health", { config: { public: true } }, async () => ({ ok: true, engine: store.engine }));
    await app.register(authRoutes(config.loginRateLimit, config.sessionTtlMs, config.loginAddressLimit));
    await app.register(userRoutes);
    await app.register(patientRoutes);
    await app.register(clinicalPlanRoutes);
    await app.register(evidenceRoutes);
    await app.register(evidenceVersionRoutes);
    await app.register(evidenceImportRoutes);
    await app.register(evidenceNetworkRoutes);
    await app.register(metaRoutes);
    await app.register(nmaTsaRoutes);
    await app.register(researchRoutes);
    await app.register(auditRoutes);
    await app.register(trialRoutes);
    await app.register(cdsRoutes);
    await app.register(fhirAdminRoutes);
    await app.register(smartRoutes);
    await app.register(fhirImportRoutes, { ehrReadLimits: config.fhirImport });
    await app.register(screeningRoutes);
    await app.register(extractionRoutes);

    const webRoot = resolve(config.webRoot ?? join(packageRoot(), "dist", "web"));
    const hasIndex = existsSync(join(webRoot, "index.html"));
    if (existsSync(webRoot)) await app.register(fastifyStatic, { root: webRoot, prefix: "/", index: hasIndex ? "index.html" : false, wildcard: true, allowedPath: (path) => !path.endsWith(".map") });
    app.setNotFoundHandler((req, reply) => {
      if (req.url.startsWith("/api/") || req.method !== "GET") {
        void reply.code(404).send({ error: { message: `no route ${req.method} ${req.url.split("?")[0]}`, code: "NOT_FOUND" } });
        return;
      }
      if (hasIndex) {
        void reply.type("text/html").sendFile("index.html", webRoot);
        return;
      }
      void reply.code(404).type("text/html").send("<!doctype html><title>Decidua</title><p>The web UI is not built: run <code>npm run build</code>.</p>");
    });
    await app.ready();
    return app;
  } catch (e) {
    await store.close();
    throw e;
  }
}
