/** The analysis workbench: an uploaded CSV/XLSX (base64 in JSON) and options -> MetaResult, plots, downloads. */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { MetaOptionsSchema } from "../../stats/types.js";
import { ForestPlotOptionsSchema } from "../../stats/plots/index.js";
import { HttpError } from "../errors.js";
import { DEFAULT_LIMITS } from "../input-guard.js";

export const MetaBody = z.object({
  file: z.object({
    name: z.string().regex(/\.(csv|xlsx)$/i, "the file must be .csv or .xlsx"),
    contentBase64: z.string().min(1, "the file is empty"),
  }),
  options: MetaOptionsSchema.default(MetaOptionsSchema.parse({})),
  /** Forest plot labels and layout (title, favoursLeft/Right, experimentalLabel, ...). */
  plot: ForestPlotOptionsSchema.partial().default({}),
});

/** The upload travels base64 in JSON: its one string may be as long as the body limit allows. */
const META_CONFIG = { inputLimits: { ...DEFAULT_LIMITS, fields: { "file.contentBase64": { maxString: 64 * 1024 * 1024 } } } };

export async function metaRoutes(app: FastifyInstance): Promise<void> {
  // the computation runs in the worker pool (src/server/workbench-pool.ts): time budget, study limits, bounded queue
  const run = async (body: z.infer<typeof MetaBody>, png: "forest" | "funnel" | null = null) => {
    const content = Buffer.from(body.file.contentBase64, "base64");
    if (content.length === 0) throw new HttpError(400, "VALIDATION", "the file is empty", "file.contentBase64");
    return app.workbench.run({ name: body.file.name, content }, body.options, body.plot, png);
  };

  app.post("/api/meta", { config: META_CONFIG, schema: { tags: ["workbench"], summary: "Meta-analysis of an uploaded CSV/XLSX (same engine as `decidua meta`)", body: MetaBody } }, async (req) => {
    const r = await run(req.body as z.infer<typeof MetaBody>);
    return { result: r.result, forestSvg: r.forestSvg, funnelSvg: r.funnelSvg };
  });

  app.post("/api/meta/forest.png", { config: META_CONFIG, schema: { tags: ["workbench"], summary: "Forest plot as PNG", body: MetaBody } }, async (req, reply) => {
    const r = await run(req.body as z.infer<typeof MetaBody>, "forest");
    return reply.type("image/png").header("content-disposition", 'attachment; filename="forest.png"').send(Buffer.from(r.png ?? new Uint8Array()));
  });

  app.post("/api/meta/funnel.png", { config: META_CONFIG, schema: { tags: ["workbench"], summary: "Funnel plot as PNG", body: MetaBody } }, async (req, reply) => {
    const r = await run(req.body as z.infer<typeof MetaBody>, "funnel");
    if (r.funnelSvg === null || r.png === null) throw new HttpError(400, "VALIDATION", "no funnel plot for this analysis (needs at least 3 studies)", "file");
    return reply.type("image/png").header("content-disposition", 'attachment; filename="funnel.png"').send(Buffer.from(r.png));
  });

  app.post("/api/meta/results.csv", { config: META_CONFIG, schema: { tags: ["workbench"], summary: "Per-study results and the pooled row as CSV", body: MetaBody } }, async (req, reply) => {
    const r = await run(req.body as z.infer<typeof MetaBody>);
    return reply.type("text/csv; charset=utf-8").header("content-disposition", 'attachment; filename="meta-results.csv"').send(r.csv);
  });
}
