/**
 * buildServer(config): the Decidua HTTP server (fastify 5). Opens the store and runs its migrations, seeds an
 * empty database, creates the first administrator, and registers the API (src/server/API.md), the OpenAPI
 * description (/api/docs) and the web UI (static files from dist/web, index.html for client-side routes).
 */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { randomBytes } from "node:crypto";
import Fastify, { type FastifyInstance } from "fastify";
import cookie from "@fastify/cookie";
import rateLimit from "@fastify/rate-limit";
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import fastifyStatic from "@fastify/static";
import { Store } from "../store/index.js";
import { installAuth } from "./auth.js";
import { ServerConfigSchema, type ServerConfigInput, type ServerHooks } from "./config.js";
import { errorHandler } from "./errors.js";
import { packageRoot } from "../shared/package-root.js";
import { ensureAdmin, seedDatabase } from "./seed.js";
import { jsonSerializerCompiler, swaggerTransform, zodValidatorCompiler } from "./zod.js";
import { CoreServices } from "./core.js";
import { loadDefaultEvidenceBase } from "../evidence/index.js";
import { authRoutes } from "./routes/auth.js";
import { userRoutes } from "./routes/users.js";
import { patientRoutes } from "./routes/patients.js";
import { clinicalPlanRoutes } from "./routes/clinical-plans.js";
import { evidenceRoutes } from "./routes/evidence.js";
import { evidenceNetworkRoutes } from "./routes/evidence-network.js";
import { metaRoutes } from "./routes/meta.js";
import { researchRoutes } from "./routes/research.js";
import { auditRoutes } from "./routes/audit.js";
import { trialRoutes } from "./routes/trials.js";
import { cdsRoutes } from "./routes/cds.js";
import { fhirAdminRoutes } from "./routes/fhir-admin.js";
import { smartRoutes } from "./routes/smart.js";
import { fhirImportRoutes } from "./routes/fhir-import.js";
import { screeningRoutes } from "./routes/screening.js";

declare module "fastify" {
  interface FastifyInstance {
    store: Store;
    core: CoreServices;
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

    const app = Fastify({ logger: config.logger, trustProxy: config.trustProxy, bodyLimit: config.bodyLimit });
    app.decorate("store", store);
    app.decorate("core", core);
    app.decorate("now", now);
    app.addHook("onClose", async () => {
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
    await app.register(swaggerUi, { routePrefix: "/api/docs", uiConfig: { docExpansion: "list" } });
    installAuth(app);
    app.addHook("onSend", async (req, reply, payload) => {
      void reply.header("x-content-type-options", "nosniff");
      void reply.header("referrer-policy", "no-referrer");
      void reply.header("x-frame-options", "DENY");
      if (req.url.startsWith("/api/")) {
        // patient data must not linger in browser or proxy caches
        if (!req.url.startsWith("/api/docs")) void reply.header("cache-control", "no-store");
      } else {
        void reply.header("content-security-policy", UI_CSP);
      }
      return payload;
    });

    app.get("/api/health", { config: { public: true } }, async () => ({ ok: true, engine: store.engine }));
    await app.register(authRoutes(config.loginRateLimit, config.sessionTtlMs));
    await app.register(userRoutes);
    await app.register(patientRoutes);
    await app.register(clinicalPlanRoutes);
    await app.register(evidenceRoutes);
    await app.register(evidenceNetworkRoutes);
    await app.register(metaRoutes);
    await app.register(researchRoutes);
    await app.register(auditRoutes);
    await app.register(trialRoutes);
    await app.register(cdsRoutes);
    await app.register(fhirAdminRoutes);
    await app.register(smartRoutes);
    await app.register(fhirImportRoutes);
    await app.register(screeningRoutes);

    const webRoot = resolve(config.webRoot ?? join(packageRoot(), "dist", "web"));
    const hasIndex = existsSync(join(webRoot, "index.html"));
    if (existsSync(webRoot)) await app.register(fastifyStatic, { root: webRoot, prefix: "/", index: hasIndex ? "index.html" : false, wildcard: true });
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
