/** The evidence browser: therapies, per-therapy evidence and plots as SVG. */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { TherapyIdSchema } from "../../shared/therapies.js";
import { EvidencePlotOutcomeSchema, EvidenceSubgroupSchema } from "../../evidence/index.js";
import { notFound } from "../errors.js";

const TherapyParams = z.object({ therapy: TherapyIdSchema });
const EvidenceQuery = z.object({ subgroup: EvidenceSubgroupSchema.optional() });
/** forest.svg and funnel.svg: which outcome (default live birth, so older callers get what they always got). */
const PlotQuery = z.object({ outcome: EvidencePlotOutcomeSchema.default("live-birth") });
const OutcomeListing = z.object({
  therapy: TherapyIdSchema,
  outcomes: z.array(z.object({ outcome: EvidencePlotOutcomeSchema, label: z.string(), k: z.number().int().positive(), higherIsBetter: z.boolean(), trials: z.array(z.object({ trial: z.string(), study: z.string(), definition: z.string(), analysis: z.string() })) })),
});
/** Summary of findings: the relative measure and the assumed control risk (both stated in the table). */
const SofQuery = z.object({ measure: z.enum(["RR", "OR"]).default("RR"), baseline: z.enum(["pooled", "median"]).default("pooled") });
function sofOptions(q: z.infer<typeof SofQuery>): { measure: "RR" | "OR"; baseline: "pooled" | "median" } {
  return { measure: q.measure, baseline: q.baseline };
}
/** A PRISMA flow is named by its meta-analysis id (e.g. gao-2025) or its own id (gao-2025-prisma). */
const PrismaParams = z.object({ id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,79}$/, "a PRISMA flow id is lower-case letters, digits and hyphens") });
const PrismaListing = z.object({
  flows: z.array(z.object({ id: z.string(), metaAnalysis: z.string(), therapy: TherapyIdSchema.nullable(), source: z.string(), title: z.string() })),
});

const PLOT_SUMMARY: Record<"forest" | "funnel" | "rob" | "rob-summary", string> = {
  forest: "Forest plot of the therapy's placebo-controlled trials for an outcome (?outcome=, default live-birth; SVG)",
  funnel: "Funnel plot of the therapy's placebo-controlled trials for an outcome (?outcome=, default live-birth; SVG, needs k >= 3)",
  rob: "Risk-of-bias traffic-light plot (robvis style, RoB 1) of the therapy's assessed trials (SVG)",
  "rob-summary": "Risk-of-bias summary plot (robvis style: share of trials per judgement and domain) of the therapy's assessed trials (SVG)",
};

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

  app.get(
    "/api/evidence/therapies/:therapy/outcomes",
    { schema: { tags: ["evidence"], summary: "Outcomes of the therapy's placebo-controlled RCTs that carry arm counts, with the number of trials (k) per outcome; each can be drawn with forest.svg?outcome=…", params: TherapyParams, response: { 200: OutcomeListing } } },
    async (req) => {
      const { therapy } = req.params as z.infer<typeof TherapyParams>;
      return { therapy, outcomes: app.core.therapyOutcomes(therapy) };
    },
  );

  app.get(
    "/api/evidence/therapies/:therapy/sof",
    { schema: { tags: ["evidence"], summary: "GRADE Summary-of-Findings table of the therapy vs placebo: every outcome (no-data rows included), relative and absolute effects per 1000 from a stated assumed risk, certainty per domain with reasons, footnotes, plain-language statements", params: TherapyParams, querystring: SofQuery } },
    async (req) => {
      const { therapy } = req.params as z.infer<typeof TherapyParams>;
      const q = req.query as z.infer<typeof SofQuery>;
      const ex = await app.core.summaryOfFindings(therapy, "json", sofOptions(q));
      return { therapy, table: ex.table, evidenceVersion: ex.evidenceVersion };
    },
  );

  for (const format of ["csv", "docx"] as const) {
    app.get(
      `/api/evidence/therapies/:therapy/sof.${format}`,
      { schema: { tags: ["evidence"], summary: `The Summary-of-Findings table as ${format === "csv" ? "CSV (one row per outcome)" : "a Word document (DOCX: title, table, footnotes, GRADE legend)"}, as a download`, params: TherapyParams, querystring: SofQuery } },
      async (req, reply) => {
        const { therapy } = req.params as z.infer<typeof TherapyParams>;
        const q = req.query as z.infer<typeof SofQuery>;
        const ex = await app.core.summaryOfFindings(therapy, format, sofOptions(q));
        return reply
          .type(ex.contentType)
          .header("content-disposition", `attachment; filename="${ex.filename}"`)
          .send(typeof ex.body === "string" ? ex.body : Buffer.from(ex.body));
      },
    );
  }

  for (const kind of ["forest", "funnel", "rob", "rob-summary"] as const) {
    const plotsOutcome = kind === "forest" || kind === "funnel";
    app.get(`/api/evidence/therapies/:therapy/${kind}.svg`, { schema: { tags: ["evidence"], summary: PLOT_SUMMARY[kind], params: TherapyParams, ...(plotsOutcome ? { querystring: PlotQuery } : {}) } }, async (req, reply) => {
      const { therapy } = req.params as z.infer<typeof TherapyParams>;
      const { outcome } = plotsOutcome ? (req.query as z.infer<typeof PlotQuery>) : { outcome: "live-birth" as const };
      const svg = app.core.evidencePlot(therapy, kind, outcome);
      if (svg === null) throw notFound(kind === "rob" || kind === "rob-summary" ? `a risk-of-bias plot for ${therapy} (no trial with a risk-of-bias assessment)` : `a ${kind} plot of ${outcome} for ${therapy} (too few trials with usable data)`);
      return reply.type("image/svg+xml").send(svg);
    });
  }

  app.get("/api/evidence/prisma", { schema: { tags: ["evidence"], summary: "The stored PRISMA 2020 flows: review, therapy and title of each", response: { 200: PrismaListing } } }, async () => ({
    flows: app.core.prismaFlows(),
  }));

  app.get("/api/evidence/prisma/:id.svg", { schema: { tags: ["evidence"], summary: "PRISMA 2020 flow diagram of a review, from the counts it reports (SVG); id = meta-analysis id (e.g. gao-2025) or flow id", params: PrismaParams } }, async (req, reply) => {
    const { id } = req.params as z.infer<typeof PrismaParams>;
    const svg = app.core.prismaPlot(id);
    if (svg === null) throw notFound(`a PRISMA flow "${id}" (GET /api/evidence/prisma lists the stored ones)`);
    return reply.type("image/svg+xml").send(svg);
  });

  app.get("/api/evidence/reproductions", { schema: { tags: ["evidence"], summary: "Published meta-analyses recomputed from the study-level data in the base, with differences" } }, async () => ({
    reproductions: app.core.reproductions(),
  }));

  app.get("/api/evidence/audit", { schema: { tags: ["evidence"], summary: "Audit flags: published numbers checked for internal consistency (CI vs estimate, p vs CI, counts)" } }, async () => ({
    entries: app.core.numberAudit(),
  }));
}
