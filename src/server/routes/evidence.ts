/** The evidence browser: therapies, per-therapy evidence (helper C1) and plots as SVG. */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { TherapyIdSchema } from "../../shared/therapies.js";

const TherapyParams = z.object({ therapy: TherapyIdSchema });
const PlotQuery = z.object({ outcome: z.string().min(1, "name the outcome").max(200) });

export async function evidenceRoutes(app: FastifyInstance): Promise<void> {
  app.get("/api/evidence/therapies", { schema: { tags: ["evidence"], summary: "The therapies Decidua reasons about", response: { 200: z.object({ therapies: z.array(z.object({ id: TherapyIdSchema, name: z.string() })) }) } } }, async () => ({
    therapies: app.core.therapies(),
  }));

  app.get("/api/evidence/therapies/:therapy", { schema: { tags: ["evidence"], summary: "Evidence for one therapy: pooled results, Summary of Findings, conflicts, guideline positions", params: TherapyParams } }, async (req) => {
    const { therapy } = req.params as z.infer<typeof TherapyParams>;
    return { therapy, evidence: app.core.evidenceFor(therapy) };
  });

  for (const kind of ["forest", "funnel"] as const) {
    app.get(`/api/evidence/therapies/:therapy/${kind}.svg`, { schema: { tags: ["evidence"], summary: `${kind} plot of one outcome (SVG)`, params: TherapyParams, querystring: PlotQuery } }, async (req, reply) => {
      const { therapy } = req.params as z.infer<typeof TherapyParams>;
      const { outcome } = req.query as z.infer<typeof PlotQuery>;
      return reply.type("image/svg+xml").send(app.core.evidencePlot(therapy, outcome, kind));
    });
  }
}
