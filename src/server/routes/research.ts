/** Research export: every patient pseudonymised (no names, shifted dates, pseudonym ids), as JSON or CSV. */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { actorOf } from "../auth.js";
import { toCsv } from "../csv.js";
import { followupView, patientView } from "./views.js";

const ExportQuery = z.object({ format: z.enum(["json", "csv"]).default("json") });

export async function researchRoutes(app: FastifyInstance): Promise<void> {
  app.get("/api/research/export", { config: { roles: ["researcher", "admin"] }, schema: { tags: ["research"], summary: "Pseudonymised export of all patients", querystring: ExportQuery } }, async (req, reply) => {
    const { format } = req.query as z.infer<typeof ExportQuery>;
    const patientIds: string[] = [];
    const rows: Array<{ pseudonymId: string; dateOfBirth: string | null; record: Record<string, unknown>; followups: Array<Record<string, unknown>> }> = [];
    for (let offset = 0; ; offset += 500) {
      const page = await app.store.listPatients({ limit: 500, offset });
      for (const p of page.patients) {
        const v = patientView(p, true);
        patientIds.push(p.id);
        const followups = (await app.store.listFollowups(p.id)).map((f) => {
          const { id: _id, createdBy: _by, ...rest } = followupView(f, p, true);
          return rest;
        });
        rows.push({ pseudonymId: v.pseudonymId, dateOfBirth: v.dateOfBirth, record: v.record, followups });
      }
      if (page.patients.length < 500) break;
    }
    await app.store.audit(null, { ...actorOf(req), action: "research.export", status: 200, detail: `${rows.length} patients, ${format}: ${patientIds.join(" ")}` });
    if (format === "json") return { patients: rows };
    const csv = toCsv(
      ["pseudonymId", "dateOfBirth", "losses", "liveBirths", "followups", "record"],
      rows.map((r) => [r.pseudonymId, r.dateOfBirth, Array.isArray(r.record.losses) ? r.record.losses.length : "", Array.isArray(r.record.liveBirths) ? r.record.liveBirths.length : 0, r.followups.length, JSON.stringify(r.record)]),
    );
    return reply.type("text/csv; charset=utf-8").header("content-disposition", 'attachment; filename="decidua-research-export.csv"').send(csv);
  });
}
