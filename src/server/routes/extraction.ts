/**
 * Data extraction and risk of bias (/api/extraction, /api/rob; src/server/API.md "Extraction and risk of bias"):
 * each reviewer's extraction of a study (blinded until both are submitted), every disagreement side by side, the
 * reconciliation and its record, the reconciled trial entry (for the evidence draft), RoB 2 and ROBINS-I assessments
 * (algorithm judgement, overrides with a reason, versions) and robvis-style plots from the stored judgements.
 * Reviewers and administrators only; every read and write is audited. Rules live in src/evidence, the use cases in
 * src/app/extraction.ts, storage in src/store/extraction.ts; this file validates (zod) and maps.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { z } from "zod";
import { ResolutionSchema } from "../../evidence/extraction.js";
import { EvidenceIdSchema } from "../../evidence/schema.js";
import { TherapyIdSchema } from "../../shared/therapies.js";
import { reconcileStudy, robIntoDraft, robPlotFromStore, trialEntryForDraft, saveExtraction, saveRobAssessment, studyDisagreements, type RobInput } from "../../app/extraction.js";
import { ExtractionStore } from "../../store/extraction.js";
import { EvidenceStore } from "../../store/evidence.js";
import { actorOf, routeOf, userOf } from "../auth.js";
import { notFound } from "../errors.js";

const reviewers = { roles: ["reviewer", "admin"] as const };
const StudyParams = z.object({ study: EvidenceIdSchema });
const SaveBody = z.strictObject({ content: z.record(z.string(), z.unknown()), submit: z.boolean().default(false) });
const MetaSchema = z.strictObject({
  therapy: TherapyIdSchema,
  label: z.string().trim().min(2).max(200),
  year: z.number().int().min(1950).max(2100).nullable(),
  comparison: z.string().trim().min(3).max(500),
  note: z.string().trim().min(1).max(2000).optional(),
});
const ReconcileBody = z.strictObject({ resolutions: z.array(ResolutionSchema).max(500), meta: MetaSchema });
const RobToolParam = z.enum(["rob2", "robins-i"]);
const RobBody = z.discriminatedUnion("tool", [
  z.strictObject({ tool: z.literal("rob2"), assessment: z.record(z.string(), z.unknown()) }),
  z.strictObject({ tool: z.literal("robins-i"), assessment: z.record(z.string(), z.unknown()) }),
]);
const RobListQuery = z.object({ tool: RobToolParam.optional() });
const RobHistoryParams = z.object({ tool: RobToolParam, study: z.string().min(1).max(200) });
const RobHistoryQuery = z.object({ outcome: z.string().max(300).default("") });
const IntoDraftBody = z.strictObject({ outcome: z.string().max(200).default(""), why: z.string().trim().min(3, "say why the evidence base changes").max(2000), expectedRevision: z.number().int().nonnegative().optional() });
const RobPlotParams = z.object({ tool: RobToolParam, kind: z.enum(["traffic-light", "summary"]) });
const IntoDraftParams = StudyParams.extend({ tool: RobToolParam });

export async function extractionRoutes(app: FastifyInstance): Promise<void> {
  const es = new ExtractionStore(app.store, app.now);
  const auditRead = (req: FastifyRequest, action: string, detail: string) => app.store.auditRead({ username: userOf(req).username, action, patientId: null, route: routeOf(req), status: 200, detail });

  app.get("/api/extraction/studies", { config: reviewers, schema: { tags: ["extraction"], summary: "Studies with extractions: who extracted each (status only) and whether it is reconciled" } }, async (req) => {
    await auditRead(req, "extraction.list", "studies");
    return { studies: await es.studies() };
  });

  app.get(
    "/api/extraction/studies/:study",
    { config: reviewers, schema: { tags: ["extraction"], summary: "A study's extractions as you may see them (another reviewer's content only once both are submitted) and its reconciliation", params: StudyParams } },
    async (req) => {
      const { study } = req.params as z.infer<typeof StudyParams>;
      const view = await es.visibleTo(study, userOf(req).id);
      await auditRead(req, "extraction.read", study);
      return { ...view, reconciliation: await es.reconciliation(study) };
    },
  );

  app.put(
    "/api/extraction/studies/:study/mine",
    { config: reviewers, schema: { tags: ["extraction"], summary: "Save your extraction of the study as a draft, or submit it (checked in full; then fixed)", params: StudyParams, body: SaveBody } },
    async (req) => {
      const { study } = req.params as z.infer<typeof StudyParams>;
      const { content, submit } = req.body as z.infer<typeof SaveBody>;
      return { extraction: await saveExtraction(es, study, userOf(req).id, content, submit, actorOf(req)) };
    },
  );

  app.get(
    "/api/extraction/studies/:study/disagreements",
    { config: reviewers, schema: { tags: ["extraction"], summary: "Every disagreement between the two submitted extractions, side by side (409 until both are submitted)", params: StudyParams } },
    async (req) => {
      const { study } = req.params as z.infer<typeof StudyParams>;
      const cmp = await studyDisagreements(es, study);
      await auditRead(req, "extraction.compare", `${study}: ${cmp.disagreements.length} disagreement(s)`);
      return cmp;
    },
  );

  app.post(
    "/api/extraction/studies/:study/reconciliation",
    { config: reviewers, schema: { tags: ["extraction"], summary: "Reconcile: one resolution per disagreement (take A, take B, or a new value with a reason) and the trial entry's label, therapy, year, comparison", params: StudyParams, body: ReconcileBody } },
    async (req, reply) => {
      const { study } = req.params as z.infer<typeof StudyParams>;
      const { resolutions, meta } = req.body as z.infer<typeof ReconcileBody>;
      const rec = await reconcileStudy(es, study, resolutions, meta, actorOf(req));
      return reply.code(201).send({ reconciliation: rec });
    },
  );

  app.get(
    "/api/extraction/studies/:study/trial-entry",
    { config: reviewers, schema: { tags: ["extraction"], summary: "The reconciled study as a data/trials.json entry (input of the evidence draft), with the current stored RoB 2 assessment in `rob2` (`rob` says which, or why none); 404 until reconciled", params: StudyParams } },
    async (req) => {
      const { study } = req.params as z.infer<typeof StudyParams>;
      const { entry, rob } = await trialEntryForDraft(es, study);
      await auditRead(req, "extraction.trial-entry", study);
      return { entry, rob };
    },
  );

  app.get("/api/rob/assessments", { config: reviewers, schema: { tags: ["rob"], summary: "The current version of every stored RoB 2 / ROBINS-I assessment", querystring: RobListQuery } }, async (req) => {
    const { tool } = req.query as z.infer<typeof RobListQuery>;
    await auditRead(req, "rob.list", tool ?? "all");
    return { assessments: await es.currentRob(tool) };
  });

  app.get(
    "/api/rob/assessments/:tool/:study",
    { config: reviewers, schema: { tags: ["rob"], summary: "Every saved version of one assessment (?outcome=)", params: RobHistoryParams, querystring: RobHistoryQuery } },
    async (req) => {
      const { tool, study } = req.params as z.infer<typeof RobHistoryParams>;
      const { outcome } = req.query as z.infer<typeof RobHistoryQuery>;
      const versions = await es.robHistory(study, outcome, tool);
      if (versions.length === 0) throw notFound(`a ${tool} assessment of ${study}${outcome !== "" ? ` (${outcome})` : ""}`);
      await auditRead(req, "rob.read", `${tool} ${study}`);
      return { versions };
    },
  );

  app.post(
    "/api/rob/assessments",
    { config: reviewers, schema: { tags: ["rob"], summary: "Save a RoB 2 or ROBINS-I assessment: answers, overrides (each with a written reason); the algorithm's judgements are computed and stored beside them", body: RobBody } },
    async (req, reply) => {
      const saved = await saveRobAssessment(es, req.body as RobInput, actorOf(req));
      return reply.code(201).send({ assessment: saved });
    },
  );

  const evidence = new EvidenceStore(app.store, app.now);
  app.post(
    "/api/rob/assessments/:tool/:study/into-draft",
    { config: reviewers, schema: { tags: ["rob"], summary: "Use the latest stored RoB 2 (`rob2`) or ROBINS-I (`robins-i`) assessment of the study's result (`outcome`) in the evidence draft: the draft's entry gets it as `rob2` (randomised) or `robinsI` (non-randomised), one revision with the reason; 400 when the tool does not fit the entry's design, 404 when the draft has no such trial or no assessment is stored", params: IntoDraftParams, body: IntoDraftBody } },
    async (req) => {
      const { study, tool } = req.params as z.infer<typeof IntoDraftParams>;
      const b = req.body as z.infer<typeof IntoDraftBody>;
      const { revisions, ...field } = await robIntoDraft(es, evidence, study, b.outcome, actorOf(req), b.why, b.expectedRevision, tool);
      return { ...field, revisions, lastRevision: revisions[revisions.length - 1]!.id };
    },
  );

  app.get(
    "/api/rob/:tool/:kind.svg",
    { config: reviewers, schema: { tags: ["rob"], summary: "robvis-style traffic-light or summary plot from the stored final judgements (RoB 1 plots of the base: /api/evidence/therapies/:therapy/rob.svg)", params: RobPlotParams } },
    async (req, reply) => {
      const { tool, kind } = req.params as z.infer<typeof RobPlotParams>;
      const svg = await robPlotFromStore(es, tool, kind);
      if (svg === null) throw notFound(`a ${tool} plot (no stored ${tool} assessment)`);
      await auditRead(req, "rob.plot", `${tool} ${kind}`);
      return reply.type("image/svg+xml").send(svg);
    },
  );
}
