/** The audit log for administrators: GET /api/audit (JSON, paged, filtered) and GET /api/audit.csv. */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { routeOf, userOf } from "../auth.js";
import { toCsv } from "../csv.js";

const AuditQuery = z.object({
  limit: z.coerce.number().int().min(1).max(10_000).default(100),
  offset: z.coerce.number().int().min(0).default(0),
  patientId: z.string().max(100).optional(),
  username: z.string().max(100).optional(),
  action: z.string().max(100).optional(),
});
const AuditEntrySchema = z.object({ id: z.number(), at: z.string(), username: z.string().nullable(), action: z.string(), patientId: z.string().nullable(), route: z.string(), status: z.number().nullable(), detail: z.string().nullable() });
const admin = { roles: ["admin"] as const };

export async function auditRoutes(app: FastifyInstance): Promise<void> {
  app.get("/api/audit", { config: admin, schema: { tags: ["audit"], summary: "The audit log, newest first (admin)", querystring: AuditQuery, response: { 200: z.object({ entries: z.array(AuditEntrySchema), total: z.number() }) } } }, async (req) => {
    const q = req.query as z.infer<typeof AuditQuery>;
    const out = await app.store.listAudit(q);
    await app.store.audit(null, { username: userOf(req).username, action: "audit.read", route: routeOf(req), status: 200 });
    return out;
  });

  app.get("/api/audit.csv", { config: admin, schema: { tags: ["audit"], summary: "The audit log as CSV (admin)", querystring: AuditQuery.extend({ limit: z.coerce.number().int().min(1).max(1_000_000).default(1_000_000) }) } }, async (req, reply) => {
    const q = req.query as z.infer<typeof AuditQuery>;
    const { entries } = await app.store.listAudit(q);
    await app.store.audit(null, { username: userOf(req).username, action: "audit.export", route: routeOf(req), status: 200, detail: `${entries.length} entries` });
    const csv = toCsv(["id", "at", "username", "action", "patientId", "route", "status", "detail"], entries.map((e) => [e.id, e.at, e.username, e.action, e.patientId, e.route, e.status, e.detail]));
    return reply.type("text/csv; charset=utf-8").header("content-disposition", 'attachment; filename="decidua-audit-log.csv"').send(csv);
  });
}
