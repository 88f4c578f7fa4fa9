/** POST /api/auth/login, POST /api/auth/logout, GET /api/auth/me, POST /api/auth/password. */
import type { FastifyInstance, FastifyPluginAsync } from "fastify";
import { z } from "zod";
import { actorOf, clearSessionCookies, originOf, routeOf, setSessionCookies, userOf } from "../auth.js";
import { HttpError } from "../errors.js";
import { passwordProblem } from "../../store/index.js";
import { UserSchema } from "./schemas.js";

const LoginBody = z.object({ username: z.string().min(1, "enter your username").max(100), password: z.string().min(1, "enter your password").max(500) });
const PasswordBody = z.object({ currentPassword: z.string().min(1).max(500), newPassword: z.string().min(10, "at least 10 characters").max(500) });

/**
 * Sign-in attempts per user name, whatever the address (a fixed window): with the per-address limit of
 * @fastify/rate-limit this stops both one address trying many names and many addresses trying one name.
 */
class NameLimiter {
  private readonly hits = new Map<string, { n: number; until: number }>();
  constructor(private readonly max: number, private readonly windowMs: number) {}
  /** Counts an attempt; returns the seconds to wait when over the limit, else 0. */
  hit(name: string, now: number): number {
    const key = name.toLowerCase().slice(0, 100);
    const h = this.hits.get(key);
    if (h === undefined || h.until <= now) {
      if (this.hits.size >= 50_000) for (const [k, v] of this.hits) if (v.until <= now) this.hits.delete(k);
      if (this.hits.size >= 50_000) this.hits.clear();
      this.hits.set(key, { n: 1, until: now + this.windowMs });
      return 0;
    }
    h.n += 1;
    return h.n > this.max ? Math.ceil((h.until - now) / 1000) : 0;
  }
}
const SessionResponse = z.object({ user: UserSchema, csrfToken: z.string() });

export function authRoutes(limit: { max: number; timeWindowMs: number }, ttlMs: number, addressLimit: { max: number; timeWindowMs: number } = { max: 50, timeWindowMs: 60_000 }): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    const names = new NameLimiter(limit.max, limit.timeWindowMs);
    app.post(
      "/api/auth/login",
      {
        schema: { tags: ["auth"], summary: "Sign in (rate-limited); sets the session and CSRF cookies", body: LoginBody, response: { 200: SessionResponse } },
        config: {
          public: true,
          noCsrf: true,
          rateLimit: {
            // per client address across user names (higher than the per-name limit: a clinic behind one NAT keeps working)
            max: addressLimit.max,
            timeWindow: addressLimit.timeWindowMs,
            keyGenerator: (req) => req.ip,
            errorResponseBuilder: (_req, ctx) => new HttpError(429, "RATE_LIMITED", `too many sign-in attempts from this address; try again in ${Math.ceil(ctx.ttl / 1000)} s`),
          },
        },
        preHandler: async (req) => {
          // per user name across addresses (successes count too)
          const wait = names.hit((req.body as z.infer<typeof LoginBody>).username, Date.now());
          if (wait > 0) throw new HttpError(429, "RATE_LIMITED", `too many sign-in attempts; try again in ${wait} s`);
        },
      },
      async (req, reply) => {
        const body = req.body as z.infer<typeof LoginBody>;
        const user = await app.store.authenticate(body.username, body.password);
        if (user === null) {
          req.audited = true;
          await app.store.audit(null, { ...originOf(req, null), username: body.username, action: "auth.login-failed", route: routeOf(req), status: 401 });
          throw new HttpError(401, "UNAUTHENTICATED", "wrong username or password");
        }
        await app.store.deleteExpiredSessions();
        const s = await app.store.createSession(user.id, ttlMs);
        await app.store.audit(null, { ...originOf(req, s.token), username: user.username, action: "auth.login", route: routeOf(req), status: 200 });
        setSessionCookies(req, reply, s.token, s.csrfToken, ttlMs);
        return { user, csrfToken: s.csrfToken };
      },
    );

    app.post("/api/auth/logout", { schema: { tags: ["auth"], summary: "Sign out" } }, async (req, reply) => {
      if (req.auth) await app.store.deleteSession(req.auth.token);
      await app.store.audit(null, { ...actorOf(req), action: "auth.logout", status: 204 });
      clearSessionCookies(reply);
      return reply.code(204).send();
    });

    app.get("/api/auth/me", { schema: { tags: ["auth"], summary: "The signed-in user and the CSRF token", response: { 200: SessionResponse } } }, async (req) => {
      const user = userOf(req);
      return { user, csrfToken: req.auth?.csrfToken ?? "" };
    });

    app.post(
      "/api/auth/password",
      {
        schema: { tags: ["auth"], summary: "Change your password (the current one is checked as a sign-in is: rate-limited and audited)", body: PasswordBody },
        // a stolen session must not become a way to guess the password: the same per-name limit as sign-in
        preHandler: async (req) => {
          const wait = names.hit(userOf(req).username, Date.now());
          if (wait > 0) throw new HttpError(429, "RATE_LIMITED", `too many password attempts; try again in ${wait} s`);
        },
      },
      async (req, reply) => {
        const user = userOf(req);
        const body = req.body as z.infer<typeof PasswordBody>;
        if ((await app.store.authenticate(user.username, body.currentPassword)) === null) {
          req.audited = true;
          await app.store.audit(null, { ...actorOf(req), action: "auth.password-check-failed", status: 400 });
          throw new HttpError(400, "VALIDATION", "the current password is wrong", "currentPassword");
        }
        const problem = passwordProblem(body.newPassword, user.username);
        if (problem !== null) throw new HttpError(400, "VALIDATION", `newPassword: ${problem}`, "newPassword");
        if (await app.store.passwordReused(user.id, body.newPassword)) throw new HttpError(400, "VALIDATION", "newPassword: choose a password you have not used recently", "newPassword");
        await app.store.updateUser(user.id, { password: body.newPassword }, actorOf(req));
        clearSessionCookies(reply);
        return reply.code(204).send();
      },
    );
  };
}
