/** POST /api/auth/login, POST /api/auth/logout, GET /api/auth/me, POST /api/auth/password. */
import type { FastifyInstance, FastifyPluginAsync } from "fastify";
import { z } from "zod";
import { actorOf, clearSessionCookies, originOf, routeOf, setSessionCookies, userOf } from "../auth.js";
import { HttpError } from "../errors.js";
import { UserSchema } from "./schemas.js";

const LoginBody = z.object({ username: z.string().min(1, "enter your username").max(100), password: z.string().min(1, "enter your password").max(500) });
const PasswordBody = z.object({ currentPassword: z.string().min(1), newPassword: z.string().min(10, "at least 10 characters").max(500) });
const SessionResponse = z.object({ user: UserSchema, csrfToken: z.string() });

export function authRoutes(limit: { max: number; timeWindowMs: number }, ttlMs: number): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    app.post(
      "/api/auth/login",
      {
        schema: { tags: ["auth"], summary: "Sign in (rate-limited); sets the session and CSRF cookies", body: LoginBody, response: { 200: SessionResponse } },
        config: {
          public: true,
          noCsrf: true,
          rateLimit: {
            max: limit.max,
            timeWindow: limit.timeWindowMs,
            // per client address and username: stops guessing one account without locking out a whole clinic behind one NAT
            keyGenerator: (req) => {
              const b = req.body as { username?: unknown } | undefined;
              return `${req.ip}|${typeof b?.username === "string" ? b.username.toLowerCase() : ""}`;
            },
            errorResponseBuilder: (_req, ctx) => new HttpError(429, "RATE_LIMITED", `too many sign-in attempts; try again in ${Math.ceil(ctx.ttl / 1000)} s`),
          },
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
      const user = userOf(req);
      if (req.auth) await app.store.deleteSession(req.auth.token);
      await app.store.audit(null, { ...actorOf(req), action: "auth.logout", status: 204 });
      clearSessionCookies(reply);
      return reply.code(204).send();
    });

    app.get("/api/auth/me", { schema: { tags: ["auth"], summary: "The signed-in user and the CSRF token", response: { 200: SessionResponse } } }, async (req) => {
      const user = userOf(req);
      return { user, csrfToken: req.auth?.csrfToken ?? "" };
    });

    app.post("/api/auth/password", { schema: { tags: ["auth"], summary: "Change your password", body: PasswordBody } }, async (req, reply) => {
      const user = userOf(req);
      const body = req.body as z.infer<typeof PasswordBody>;
      if ((await app.store.authenticate(user.username, body.currentPassword)) === null) throw new HttpError(400, "VALIDATION", "the current password is wrong", "currentPassword");
      await app.store.updateUser(user.id, { password: body.newPassword }, actorOf(req));
      clearSessionCookies(reply);
      return reply.code(204).send();
    });
  };
}
