/** Administrators manage accounts: GET/POST /api/users, PATCH /api/users/:id. */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { generatePassword, passwordProblem } from "../../store/index.js";
import { actorOf, userOf } from "../auth.js";
import { HttpError } from "../errors.js";
import { IdParams, RoleSchema, UserSchema } from "./schemas.js";

const CreateUser = z.object({
  username: z.string().regex(/^[a-z0-9._-]{3,40}$/, "3 to 40 characters: lower-case letters, digits, dot, underscore, hyphen"),
  displayName: z.string().trim().min(1, "enter a name").max(200),
  role: RoleSchema,
  password: z.string().min(10, "at least 10 characters").max(500).optional(),
});
const PatchUser = z.object({
  displayName: z.string().trim().min(1).max(200).optional(),
  role: RoleSchema.optional(),
  disabled: z.boolean().optional(),
  password: z.string().min(10, "at least 10 characters").max(500).optional(),
});
const admin = { roles: ["admin"] as const };

export async function userRoutes(app: FastifyInstance): Promise<void> {
  app.get("/api/users", { config: admin, schema: { tags: ["users"], summary: "All accounts (admin)", response: { 200: z.object({ users: z.array(UserSchema) }) } } }, async () => ({
    users: await app.store.listUsers(),
  }));

  app.post(
    "/api/users",
    { config: admin, schema: { tags: ["users"], summary: "Create an account (admin); the password is returned once", body: CreateUser, response: { 201: z.object({ user: UserSchema, password: z.string() }) } } },
    async (req, reply) => {
      const body = req.body as z.infer<typeof CreateUser>;
      const problem = body.password !== undefined ? passwordProblem(body.password, body.username) : null;
      if (problem !== null) throw new HttpError(400, "VALIDATION", `password: ${problem}`, "password");
      const password = body.password ?? generatePassword();
      try {
        const user = await app.store.createUser({ username: body.username, displayName: body.displayName, role: body.role, password }, actorOf(req));
        return reply.code(201).send({ user, password });
      } catch (e) {
        if (e instanceof Error && e.name === "ConflictError") throw new HttpError(409, "CONFLICT", e.message, "username");
        throw e;
      }
    },
  );

  app.patch("/api/users/:id", { config: admin, schema: { tags: ["users"], summary: "Change an account (admin)", params: IdParams, body: PatchUser, response: { 200: z.object({ user: UserSchema }) } } }, async (req) => {
    const { id } = req.params as z.infer<typeof IdParams>;
    const body = req.body as z.infer<typeof PatchUser>;
    const me = userOf(req);
    if (id === me.id && (body.disabled === true || (body.role !== undefined && body.role !== "admin"))) {
      throw new HttpError(400, "VALIDATION", "you cannot disable yourself or drop your own administrator role", body.disabled === true ? "disabled" : "role");
    }
    if (body.password !== undefined) {
      const target = await app.store.getUser(id);
      if (target === null) throw new HttpError(404, "NOT_FOUND", `user ${id} not found`);
      const problem = passwordProblem(body.password, target.username);
      if (problem !== null) throw new HttpError(400, "VALIDATION", `password: ${problem}`, "password");
      if (await app.store.passwordReused(id, body.password)) throw new HttpError(400, "VALIDATION", "password: this account used this password recently", "password");
    }
    return { user: await app.store.updateUser(id, body, actorOf(req)) };
  });
}
