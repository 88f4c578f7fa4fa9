/** The evidence browser: therapies, per-therapy evidence (helper C1) and plots as SVG. */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { TherapyIdSchema } from "../../shared/therapies.js";
import { EvidenceSubgroupSchema } from "../../evidence/index.js";
import { notFound } from "../errors.js";

const TherapyParams = z.object({ therapy: TherapyIdSchema });
const EvidenceQuery = z.object({ subgroup: EvidenceSubgroupSchema.optional() });

export async function evidenceRoutes(app: FastifyInstance): Promise<void> {
  app.get("/api/evidence/therapies", { schema: { tags: ["evidence"], summary: "The therapies Decidua reasons about", response: { 200: z.object({ therapies: z.array(z.object({ id: TherapyIdSchema, name: z.string() })) }) } } }, async () => ({
    therapies: app.core.therapies(),
  }));

  app.get("/api/evidence/therapies/:therapy", { schema: { tags: ["evidence"], summary: "Evidence for one therapy: Summary of Findings, published results side by side (conflicts), guideline positions, trials", params: TherapyParams, querystring: EvidenceQuery } }, async (req) => {
    const { therapy } = req.params as z.infer<typeof TherapyParams>;
    const { subgroup } = req.query as z.infer<typeof EvidenceQuery>;
    const trials = app.core.therapyTrialsAnalysis(therapy);
    return { therapy, evidence: app.core.evidenceFor(therapy, subgroup), placeboTrials: trials === null ? null : trials.result };
  });

  for (const kind of ["forest", "funnel", "rob"] as const) {
    app.get(`/api/evidence/therapies/:therapy/${kind}.svg`, { schema: { tags: ["evidence"], summary: `${kind === "rob" ? "Risk-of-bias traffic-light" : kind} plot of the therapy's placebo-controlled trials (SVG)`, params: TherapyParams } }, async (req, reply) => {
      const { therapy } = req.params as z.infer<typeof TherapyParams>;
      const svg = app.core.evidencePlot(therapy, kind);
      if (svg === null) throw notFound(`a ${kind} plot for ${therapy} (too few trials with usable data)`);
      return reply.type("image/svg+xml").send(svg);
    });
  }

  app.get("/api/evidence/reproductions", { schema: { tags: ["evidence"], summary: "Published meta-analyses recomputed from the study-level data in the base, with differences" } }, async () => ({
    reproductions: app.core.reproductions(),
  }));

  app.get("/api/evidence/audit", { schema: { tags: ["evidence"], summary: "Audit flags: published numbers checked for internal consistency (CI vs estimate, p vs CI, counts)" } }, async () => ({
    entries: app.core.numberAudit(),
  }));
}
