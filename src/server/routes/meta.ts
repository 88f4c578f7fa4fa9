/** The analysis workbench: an uploaded CSV/XLSX (base64 in JSON) and options -> MetaResult, plots, downloads. */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { MetaOptionsSchema } from "../../stats/types.js";
import { WorksheetChoiceSchema } from "../../stats/input.js";
import { RevmanOutcomeIdSchema } from "../../stats/revman5.js";
import { ForestPlotOptionsSchema } from "../../stats/plots/index.js";
import { HttpError } from "../errors.js";
import { DEFAULT_LIMITS } from "../input-guard.js";
import { checkGrid } from "../../app/grid.js";
import type { MetaPlotName } from "../core.js";

/**
 * The workbench's options: the engine's, and what of the upload is read (validated as `decidua meta` validates
 * --outcome and --sheet): the outcome of a RevMan export with several, the worksheet of a workbook. Those two are
 * taken off before the engine sees the options.
 */
export const MetaRequestOptionsSchema = MetaOptionsSchema.extend({
  outcome: RevmanOutcomeIdSchema.optional(),
  sheet: WorksheetChoiceSchema.optional(),
});

export const MetaBody = z.object({
  file: z.object({
    name: z.string().regex(/\.(csv|xlsx)$/i, "the file must be .csv or .xlsx"),
    contentBase64: z.string().min(1, "the file is empty"),
  }),
  options: MetaRequestOptionsSchema.default(MetaRequestOptionsSchema.parse({})),
  /** Forest plot labels and layout (title, favoursLeft/Right, experimentalLabel, ...). */
  plot: ForestPlotOptionsSchema.partial().default({}),
});

/** The data-entry grid as cells (at most 1,000 rows of 40 cells; 200 characters a cell). */
export const GridBody = z.object({
  columns: z.array(z.string().max(200)).min(1).max(40),
  rows: z.array(z.array(z.string().max(200)).max(40)).max(1000),
  options: z.object({ subgroup: z.string().min(1).optional(), mods: z.array(z.string().min(1)).max(20).optional(), measure: z.string().optional() }).default({}),
});
export const GRID_CONFIG = { inputLimits: { ...DEFAULT_LIMITS, fields: { rows: { maxArray: 1000 } } } };

/** The upload travels base64 in JSON: its one string may be as long as the body limit allows. */
const META_CONFIG = { inputLimits: { ...DEFAULT_LIMITS, fields: { "file.contentBase64": { maxString: 64 * 1024 * 1024 } } } };

export async function metaRoutes(app: FastifyInstance): Promise<void> {
  // the computation runs in the worker pool (src/server/workbench-pool.ts): time budget, study limits, bounded queue
  const run = async (body: z.infer<typeof MetaBody>, png: MetaPlotName | null = null, bundle = false) => {
    const content = Buffer.from(body.file.contentBase64, "base64");
    if (content.length === 0) throw new HttpError(400, "VALIDATION", "the file is empty", "file.contentBase64");
    const { outcome, sheet, ...options } = body.options;
    return app.workbench.run({ name: body.file.name, content, ...(outcome !== undefined ? { outcome } : {}), ...(sheet !== undefined ? { sheet } : {}) }, options, body.plot, png, bundle);
  };

  app.post("/api/meta", { config: META_CONFIG, schema: { tags: ["workbench"], summary: "Meta-analysis of an uploaded CSV/XLSX (same engine as `decidua meta`)", body: MetaBody } }, async (req) => {
    const r = await run(req.body as z.infer<typeof MetaBody>);
    return { result: r.result, forestSvg: r.forestSvg, funnelSvg: r.funnelSvg, baujatSvg: r.baujatSvg, bubbleSvg: r.bubbleSvg };
  });

  for (const plot of ["baujat", "bubble"] as const) {
    app.post(`/api/meta/${plot}.png`, { config: META_CONFIG, schema: { tags: ["workbench"], summary: `${plot === "baujat" ? "Baujat plot (options.influence)" : "Bubble plot of the meta-regression (options.mods)"} as PNG`, body: MetaBody } }, async (req, reply) => {
      const r = await run(req.body as z.infer<typeof MetaBody>, plot);
      return reply.type("image/png").header("content-disposition", `attachment; filename="${plot}.png"`).send(Buffer.from(r.png ?? new Uint8Array()));
    });
  }

  app.post("/api/meta/bundle.zip", { config: META_CONFIG, schema: { tags: ["workbench"], summary: "Reproducible bundle: input, data.csv, options, versions, results and an equivalent R (metafor) script", body: MetaBody } }, async (req, reply) => {
    const r = await run(req.body as z.infer<typeof MetaBody>, null, true);
    return reply.type("application/zip").header("content-disposition", 'attachment; filename="meta-bundle.zip"').send(Buffer.from(r.bundle ?? new Uint8Array()));
  });

  // the data-entry grid: the parser's own problems, located by grid row and column (parsing only; bounded input)
  app.post("/api/meta/grid-check", { bodyLimit: 512 * 1024, config: GRID_CONFIG, schema: { tags: ["workbench"], summary: "Check the data-entry grid with the study-table parser: one located problem per row", body: GridBody } }, async (req) => {
    const b = req.body as z.infer<typeof GridBody>;
    const problems = await checkGrid(b, {
      ...(b.options.subgroup !== undefined ? { subgroup: b.options.subgroup } : {}),
      ...(b.options.mods !== undefined ? { mods: b.options.mods } : {}),
      ...(b.options.measure !== undefined ? { intervalScale: b.options.measure === "OR" || b.options.measure === "RR" ? ("log" as const) : ("raw" as const) } : {}),
    });
    return { problems };
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
