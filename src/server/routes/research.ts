/**
 * Research export (src/server/research-export.ts): every patient in the research view — allow-listed coded
 * fields, days relative to day 0, no names, no free text, no calendar dates — as a zip of tidy CSVs with a data
 * dictionary and an R reader (default), the patients table alone (csv), or JSON. The audit entry lists the
 * patients exported.
 */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { THERAPY_IDS } from "../../shared/therapies.js";
import { actorOf } from "../auth.js";
import { researchExportZip, patientsCsv, type ResearchPatient } from "../research-export.js";
import { dayZero, researchFollowup, researchRecord, researchSummary } from "../research-view.js";

const ExportQuery = z.object({ format: z.enum(["zip", "csv", "json"]).default("zip") });
const CODE = /^[a-z0-9][a-z0-9-]{0,59}$/;

export async function researchRoutes(app: FastifyInstance): Promise<void> {
  app.get("/api/research/export", { config: { roles: ["researcher", "admin"] }, schema: { tags: ["research"], summary: "Research export of all patients: zip of tidy CSVs + data dictionary + R reader (default), csv (patients table) or json", querystring: ExportQuery } }, async (req, reply) => {
    const { format } = req.query as z.infer<typeof ExportQuery>;
    const today = app.now().toISOString().slice(0, 10);
    const patientIds: string[] = [];
    const out: ResearchPatient[] = [];
    for (let offset = 0; ; offset += 500) {
      const page = await app.store.listPatients({ limit: 500, offset });
      for (const p of page.patients) {
        patientIds.push(p.id);
        const rows = await app.store.listFollowups(p.id);
        const day0 = dayZero(p.record, rows.map((f) => f.data));
        const hasLossDate = Array.isArray((p.record as { losses?: unknown }).losses) && ((p.record as { losses: Array<{ date?: unknown }> }).losses).some((l) => typeof l?.date === "string");
        let therapies: ResearchPatient["therapies"] = [];
        try {
          const a = app.core.assess(`${p.id}@${p.version}`, p.record, rows.map((f) => f.data as { kind: string; date: string }), today);
          therapies = THERAPY_IDS.filter((t) => a.therapies[t] !== undefined).map((t) => {
            const ta = a.therapies[t];
            const plan = ta.plan;
            return {
              therapy: t,
              status: CODE.test(String(ta.status)) ? String(ta.status) : null,
              plan: plan === null ? null : { protocol: CODE.test(plan.protocol) ? plan.protocol : null, status: CODE.test(plan.status) ? plan.status : null, steps: plan.steps.length },
            };
          });
        } catch {
          // a stored record the rules cannot read: exported without verdicts
        }
        out.push({
          pseudonymId: p.pseudonymId,
          ageYears: researchSummary(p, day0).ageYears,
          day0: day0 === null ? "none" : hasLossDate ? "first-loss" : "earliest-date",
          record: researchRecord(p.record, day0),
          followups: rows.map((f) => researchFollowup(f.data, day0)),
          therapies,
        });
      }
      if (page.patients.length < 500) break;
    }
    await app.store.audit(null, { ...actorOf(req), action: "research.export", status: 200, detail: `${out.length} patients, ${format}: ${patientIds.join(" ")}` });
    if (format === "json") return { patients: out.map((p) => ({ pseudonymId: p.pseudonymId, ageYears: p.ageYears, day0: p.day0, record: p.record, followups: p.followups, verdicts: p.therapies })) };
    if (format === "csv") return reply.type("text/csv; charset=utf-8").header("content-disposition", 'attachment; filename="decidua-research-patients.csv"').send(patientsCsv(out));
    return reply.type("application/zip").header("content-disposition", 'attachment; filename="decidua-research-export.zip"').send(Buffer.from(researchExportZip(out)));
  });
}
