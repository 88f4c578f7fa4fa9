/** The immunotherapy network for live birth (network meta-analysis of the base's placebo-controlled trials). */
import type { FastifyInstance } from "fastify";
import { notFound } from "../errors.js";

export async function evidenceNetworkRoutes(app: FastifyInstance): Promise<void> {
  app.get(
    "/api/evidence/network",
    { schema: { tags: ["evidence"], summary: "Network meta-analysis of live birth across the therapies (placebo-controlled RCTs in the base): trials with their outcome definitions, caveats, estimates vs placebo, league table, P-scores" } },
    async () => app.core.liveBirthNetwork(),
  );
  for (const kind of ["network", "forest"] as const) {
    app.get(
      `/api/evidence/network/${kind}.svg`,
      { schema: { tags: ["evidence"], summary: kind === "network" ? "Network graph of the live-birth network (SVG): node area = participants, edge width = trials" : "Forest plot of every therapy vs placebo from the live-birth network (SVG)" } },
      async (_req, reply) => {
        const svg = app.core.liveBirthNetworkPlot(kind);
        if (svg === null) throw notFound("a live-birth network (fewer than two placebo-controlled trials with counts)");
        return reply.type("image/svg+xml").send(svg);
      },
    );
  }
}
