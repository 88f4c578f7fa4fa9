/** The audit log for administrators: GET /api/audit (JSON, paged, filtered) and GET /api/audit.csv. */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { actorOf } from "../auth.js";
import { toCsv } from "../csv.js";

const AuditQuery = z.object({
  limit: z.coerce.number().int().min(1).max(10_000).default(100),
  offset: z.coerce.number().int().min(0).default(0),
  patientId: z.string().max(100).optional(),
  username: z.string().max(100).optional(),
  action: z.string().max(100).optional(),
});
/** A text column of the audit log that may be empty (null). */
const nullableText = z.string().nullable();
const AuditEntrySchema = z.object({
  id: z.number(),
  at: z.string(),
  username: nullableText,
  action: z.string(),
  patientId: nullableText,
  route: z.string(),
  status: z.number().nullable(),
  detail: nullableText,
  clientIp: nullableText,
  userAgent: nullableText,
  sessionId: nullableText,
  hash: nullableText,
});
const CsvQuery = AuditQuery.extend({
  limit: z.coerce.number().int().min(1).max(1_000_000).default(1_000_000),
  columns: z.enum(["basic", "all"]).default("basic").describe("all: also client address, user agent, session and hash"),
});
const VerifyResponse = z.object({
  ok: z.boolean(),
  entries: z.number(),
  head: z.object({ id: z.number(), hash: z.string() }).nullable(),
  recordedHead: z.object({ id: z.number(), hash: z.string(), at: z.string() }).nullable(),
  firstBroken: z.object({ id: z.number().nullable(), reason: z.string() }).nullable(),
});
const admin = { roles: ["admin"] as const };

export async function auditRoutes(app: FastifyInstance): Promise<void> {
  app.get("/api/audit", { config: admin, schema: { tags: ["audit"], summary: "The audit log, newest first (admin)", querystring: AuditQuery, response: { 200: z.object({ entries: z.array(AuditEntrySchema), total: z.number() }) } } }, async (req) => {
    const q = req.query as z.infer<typeof AuditQuery>;
    const out = await app.store.listAudit(q);
    await app.store.audit(null, { ...actorOf(req), action: "audit.read", status: 200 });
    return out;
  });

  app.get("/api/audit.csv", { config: admin, schema: { tags: ["audit"], summary: "The audit log as CSV (admin)", querystring: CsvQuery } }, async (req, reply) => {
    const q = req.query as z.infer<typeof CsvQuery>;
    const { entries } = await app.store.listAudit(q);
    await app.store.audit(null, { ...actorOf(req), action: "audit.export", status: 200, detail: `${entries.length} entries` });
    const basic = ["id", "at", "username", "action", "patientId", "route", "status", "detail"] as const;
    const columns = q.columns === "all" ? [...basic, "clientIp", "userAgent", "sessionId", "hash"] as const : basic;
    const csv = toCsv(columns, entries.map((e) => columns.map((c) => e[c])));
    return reply.type("text/csv; charset=utf-8").header("content-disposition", 'attachment; filename="decidua-audit-log.csv"').send(csv);
  });

  app.get(
    "/api/audit/verify",
    { config: admin, schema: { tags: ["audit"], summary: "Check the audit log's hash chain; reports the first broken entry and the head hash (admin)", response: { 200: VerifyResponse } } },
    async (req) => {
      const report = await app.store.verifyAudit();
      const recordedHead = await app.store.auditHead();
      await app.store.audit(null, { ...actorOf(req), action: "audit.verify", status: 200, detail: report.ok ? `intact, ${report.entries} entries` : `broken at #${String(report.firstBroken?.id ?? "?")}: ${report.firstBroken?.reason ?? ""}` });
      return { ...report, recordedHead };
    },
  );
}
