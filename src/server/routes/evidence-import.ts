/**
 * A reviewer imports a RevMan 5 review (.rm5) into the evidence draft (issue 11 §7): the file travels base64-encoded
 * in a JSON body (`file.contentBase64`, as the workbench uploads) with the choices the file cannot make (which therapy, the review's citation, outcome kinds); the
 * review's source and every trial are added as revisions of one transaction (app/import-rm5.ts
 * importRevman5IntoDraft). A file that is not a RevMan review is a 400 naming the file and the element; nothing is
 * written then. Nothing reaches clinicians until the draft is published.
 */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { importRevman5IntoDraft } from "../../app/import-rm5.js";
import { evidenceIdFrom } from "../../evidence/import-rm5.js";
import { EvidenceIdSchema, EvidenceOutcomeKindSchema } from "../../evidence/schema.js";
import { TherapyIdSchema } from "../../shared/therapies.js";
import { InputError } from "../../shared/errors.js";
import { EvidenceStore } from "../../store/index.js";
import { actorOf } from "../auth.js";
import { DEFAULT_LIMITS } from "../input-guard.js";

const reviewers = { roles: ["reviewer", "admin"] as const, inputLimits: { ...DEFAULT_LIMITS, fields: { "file.contentBase64": { maxString: 16 * 1024 * 1024 } } } };
/** RevMan 5 files of large reviews run to a few megabytes; base64 adds a third. */
const RM5_BODY_LIMIT = 12 * 1024 * 1024;

const ImportBody = z.strictObject({
  file: z.strictObject({ name: z.string().trim().min(1).max(300), contentBase64: z.string().min(1).regex(/^[A-Za-z0-9+/=\s]+$/, "the file's bytes, base64-encoded") }),
  therapy: TherapyIdSchema,
  citation: z.string().trim().min(10, "the review's citation as a reader would look it up").max(1000),
  sourceId: EvidenceIdSchema.optional(),
  doi: z.string().trim().min(3).max(200).optional(),
  pmid: z.string().trim().regex(/^\d{5,9}$/).optional(),
  outcomeKinds: z.record(z.string().min(1).max(100), EvidenceOutcomeKindSchema).optional(),
  idPrefix: z.string().trim().regex(/^[a-z0-9-]{1,40}$/, "lower-case letters, digits and hyphens").optional(),
  why: z.string().trim().min(3, "say why the evidence base changes").max(2000),
  expectedRevision: z.number().int().nonnegative().optional(),
});

export async function evidenceImportRoutes(app: FastifyInstance): Promise<void> {
  const es = new EvidenceStore(app.store, app.now);

  app.post(
    "/api/evidence/draft/import/rm5",
    {
      bodyLimit: RM5_BODY_LIMIT,
      config: reviewers,
      schema: { tags: ["evidence versions"], summary: "Import a RevMan 5 review (.rm5, base64 in `file.contentBase64`) into the draft: its source and every included study as trials (dichotomous data, RoB 1), one transaction; 400 naming the file and element for a file that is not a RevMan review", body: ImportBody },
    },
    async (req, reply) => {
      const b = req.body as z.infer<typeof ImportBody>;
      const bytes = new Uint8Array(Buffer.from(b.file.contentBase64, "base64"));
      if (bytes.length === 0) throw new InputError("the file is empty", { file: b.file.name, field: "file.contentBase64" });
      const sourceId = b.sourceId ?? `review-${evidenceIdFrom(b.file.name.replace(/^.*[\\/]/, "").replace(/\.rm5$/i, ""))}`;
      const { imported, revisions } = await importRevman5IntoDraft(
        es,
        actorOf(req),
        bytes,
        {
          file: b.file.name,
          therapy: b.therapy,
          source: { id: sourceId, citation: b.citation, ...(b.doi !== undefined ? { doi: b.doi } : {}), ...(b.pmid !== undefined ? { pmid: b.pmid } : {}) },
          outcomeKinds: b.outcomeKinds ?? {},
          ...(b.idPrefix !== undefined ? { idPrefix: b.idPrefix } : {}),
        },
        b.why,
        b.expectedRevision,
      );
      return reply.code(201).send({
        title: imported.title,
        sources: imported.content.sources.map((s) => s.id),
        trials: imported.content.trials.map((t) => ({ id: t.id, label: t.label, outcomes: t.outcomes.length, rob1: t.rob !== null })),
        skipped: imported.skipped,
        revisions,
        lastRevision: revisions[revisions.length - 1]!.id,
      });
    },
  );
}
