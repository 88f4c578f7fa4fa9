/**
 * Sessions (cookie), CSRF (header must equal the session's token on every non-GET), and role checks.
 * Routes declare `config: { roles: [...] }` (default: any signed-in user) or `config: { public: true }`.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { createHash } from "node:crypto";
import type { Actor, Origin, Role, User } from "../store/index.js";
import { HttpError } from "./errors.js";
import type { InputLimits } from "./input-guard.js";

export const SESSION_COOKIE = "decidua_session";
export const CSRF_COOKIE = "decidua_csrf";
export const CSRF_HEADER = "x-csrf-token";

export interface AuthContext {
  user: User;
  csrfToken: string;
  token: string;
}

declare module "fastify" {
  interface FastifyRequest {
    auth: AuthContext | null;
    /** Set when a handler wrote this request's audit entry itself (the refusal hook then writes none). */
    audited: boolean;
  }
  interface FastifyContextConfig {
    /** No session needed (login, health, docs, static files). */
    public?: boolean;
    /** Roles allowed; default: every role. */
    roles?: readonly Role[];
    /** Exempt from the CSRF header check (login only). */
    noCsrf?: boolean;
    /** String, list and nesting limits of the request's params, query and body (default DEFAULT_LIMITS). */
    inputLimits?: InputLimits;
  }
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** Signed cookie values this server already verified (the HMAC check is deterministic); bounded. */
function verifier(): (raw: string, unsign: (v: string) => { valid: boolean; value: string | null }) => string | null {
  const verified = new Map<string, string>();
  return (raw, unsign) => {
    const hit = verified.get(raw);
    if (hit !== undefined) return hit;
    const u = unsign(raw);
    if (!u.valid || u.value === null) return null;
    if (verified.size >= 10_000) verified.clear();
    verified.set(raw, u.value);
    return u.value;
  };
}

export function installAuth(app: FastifyInstance): void {
  app.decorateRequest("auth", null);
  app.decorateRequest("audited", false);
  const verifiedToken = verifier();
  app.addHook("onRequest", async (req: FastifyRequest) => {
    const cfg = req.routeOptions.config;
    const raw = req.cookies[SESSION_COOKIE];
    if (raw !== undefined) {
      const token = verifiedToken(raw, (v) => req.unsignCookie(v));
      if (token !== null) {
        const s = await app.store.getSession(token);
        if (s) req.auth = { user: s.user, csrfToken: s.csrfToken, token };
      }
    }
    // declared API routes only (static files, the UI's client-side routes and 404s need no session)
    const route = req.routeOptions.url ?? "";
    const isApi = route.startsWith("/api/") && !route.startsWith("/api/docs");
    if (!isApi || cfg.public === true || req.is404) return;
    if (req.auth === null) throw new HttpError(401, "UNAUTHENTICATED", "sign in first");
    if (!SAFE_METHODS.has(req.method) && cfg.noCsrf !== true) {
      const header = req.headers[CSRF_HEADER];
      if (typeof header !== "string" || header !== req.auth.csrfToken) {
        throw new HttpError(403, "CSRF", `missing or wrong ${CSRF_HEADER} header`);
      }
    }
    if (cfg.roles !== undefined && !cfg.roles.includes(req.auth.user.role)) {
      throw new HttpError(403, "FORBIDDEN", `the ${req.auth.user.role} role may not use ${req.method} ${req.routeOptions.url ?? req.url}`);
    }
  });
}

/** The signed-in user (routes behind the auth hook). */
export function userOf(req: FastifyRequest): User {
  if (req.auth === null) throw new HttpError(401, "UNAUTHENTICATED", "sign in first");
  return req.auth.user;
}

export function setSessionCookies(req: FastifyRequest, reply: FastifyReply, token: string, csrfToken: string, ttlMs: number): void {
  const secure = req.protocol === "https";
  const maxAge = Math.floor(ttlMs / 1000);
  void reply.setCookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: "strict", secure, path: "/", signed: true, maxAge });
  void reply.setCookie(CSRF_COOKIE, csrfToken, { httpOnly: false, sameSite: "strict", secure, path: "/", maxAge });
}

export function clearSessionCookies(reply: FastifyReply): void {
  void reply.clearCookie(SESSION_COOKIE, { path: "/" });
  void reply.clearCookie(CSRF_COOKIE, { path: "/" });
}

/** "GET /api/patients/:id": the route as written in the audit log. */
export function routeOf(req: FastifyRequest): string {
  return `${req.method} ${req.routeOptions.url ?? req.url}`;
}

/**
 * From where a request came, for the audit log: client address (the proxy's X-Forwarded-For only with
 * trustProxy), user agent (first 300 characters) and a short session id (first 16 hex digits of the stored
 * session id, itself the sha-256 of the token: enough to match the sessions table, useless as a cookie).
 */
export function originOf(req: FastifyRequest, token: string | null = req.auth?.token ?? null): Origin {
  const ua = req.headers["user-agent"];
  return {
    clientIp: req.ip,
    userAgent: typeof ua === "string" && ua !== "" ? ua.slice(0, 300) : null,
    sessionId: token === null ? null : sessionRef(token),
  };
}

export function sessionRef(token: string): string {
  return createHash("sha256").update(token).digest("hex").slice(0, 16);
}

/** Who writes, through which route, from where (recorded with the write in its transaction). */
export function actorOf(req: FastifyRequest): Actor {
  return { username: userOf(req).username, route: routeOf(req), ...originOf(req) };
}
