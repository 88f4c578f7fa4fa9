/**
 * The workbench's network meta-analysis and trial sequential analysis pages: an uploaded CSV/XLSX (base64 in JSON)
 * and options -> the result `decidua nma --json` / `decidua tsa --json` prints, plots, CSV, PNG and the
 * reproducible bundle (with an equivalent R script: metafor rma.mv for a network, rpact and metafor for a TSA). The computation runs in the workbench's worker pool (time budget, row limits, bounded queue)
 * through the use cases the CLI commands call (src/app/nma.ts, src/app/tsa.ts).
 */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { NmaOptionsSchema } from "../../stats/nma/index.js";
import { TsaOptionsSchema } from "../../stats/tsa/index.js";
import { HttpError } from "../errors.js";
import { DEFAULT_LIMITS } from "../input-guard.js";
import { checkNetworkGrid } from "../../app/nma.js";
import { checkTsaGrid } from "../../app/tsa.js";
import type { GridProblem, GridTable } from "../../app/grid.js";
import { GRID_CONFIG, GridBody } from "./meta.js";

const Upload = z.object({
  name: z.string().regex(/\.(csv|xlsx)$/i, "the file must be .csv or .xlsx"),
  contentBase64: z.string().min(1, "the file is empty"),
});

export const NmaBody = z.object({
  file: Upload,
  options: NmaOptionsSchema.default({}),
  plot: z.object({ title: z.string().min(1).max(300).optional(), favoursLeft: z.string().max(100).optional(), favoursRight: z.string().max(100).optional() }).default({}),
});

export const TsaBody = z.object({
  file: Upload,
  options: TsaOptionsSchema,
  plot: z.object({ title: z.string().min(1).max(300).optional() }).default({}),
});

const CONFIG = { inputLimits: { ...DEFAULT_LIMITS, fields: { "file.contentBase64": { maxString: 64 * 1024 * 1024 } } } };

function upload(file: z.infer<typeof Upload>): { name: string; content: Buffer } {
  const content = Buffer.from(file.contentBase64, "base64");
  if (content.length === 0) throw new HttpError(400, "VALIDATION", "the file is empty", "file.contentBase64");
  return { name: file.name, content };
}

export async function nmaTsaRoutes(app: FastifyInstance): Promise<void> {
  type N = z.infer<typeof NmaBody>;
  type T = z.infer<typeof TsaBody>;
  const nma = (b: N, png: "network" | "forest" | null = null, bundle = false) => app.workbench.runNma(upload(b.file), b.options, b.plot, png, bundle);
  const tsa = (b: T, png: "tsa" | null = null, bundle = false) => app.workbench.runTsa(upload(b.file), b.options, b.plot, png, bundle);

  app.post("/api/nma", { config: CONFIG, schema: { tags: ["workbench"], summary: "Network meta-analysis of an uploaded CSV/XLSX (the use case of `decidua nma`)", body: NmaBody } }, async (req) => {
    const r = await nma(req.body as N);
    return { result: r.result, networkSvg: r.networkSvg, forestSvg: r.forestSvg };
  });
  for (const plot of ["network", "forest"] as const) {
    app.post(`/api/nma/${plot}.png`, { config: CONFIG, schema: { tags: ["workbench"], summary: `NMA ${plot} plot as PNG`, body: NmaBody } }, async (req, reply) => {
      const r = await nma(req.body as N, plot);
      return reply.type("image/png").header("content-disposition", `attachment; filename="nma-${plot}.png"`).send(Buffer.from(r.png ?? new Uint8Array()));
    });
  }
  app.post("/api/nma/results.csv", { config: CONFIG, schema: { tags: ["workbench"], summary: "NMA estimates vs the reference, P-scores and league-table pairs as CSV", body: NmaBody } }, async (req, reply) => {
    const r = await nma(req.body as N);
    return reply.type("text/csv; charset=utf-8").header("content-disposition", 'attachment; filename="nma-results.csv"').send(r.csv);
  });
  app.post("/api/nma/bundle.zip", { config: CONFIG, schema: { tags: ["workbench"], summary: "Reproducible NMA bundle with an equivalent R script (metafor rma.mv)", body: NmaBody } }, async (req, reply) => {
    const r = await nma(req.body as N, null, true);
    return reply.type("application/zip").header("content-disposition", 'attachment; filename="nma-bundle.zip"').send(Buffer.from(r.bundle ?? new Uint8Array()));
  });

  // the data-entry grids: the command's own reading of the table, problems located by grid row and column
  const grids: Array<[string, string, (g: GridTable) => Promise<GridProblem[]>]> = [
    ["nma", "arms or contrasts as `decidua nma` reads them", checkNetworkGrid],
    ["tsa", "binary rows as `decidua tsa` reads them", checkTsaGrid],
  ];
  for (const [kind, what, check] of grids) {
    app.post(`/api/${kind}/grid-check`, { bodyLimit: 512 * 1024, config: GRID_CONFIG, schema: { tags: ["workbench"], summary: `Check the ${kind.toUpperCase()} data-entry grid (${what}): one located problem per row`, body: GridBody } }, async (req) => {
      const b = req.body as z.infer<typeof GridBody>;
      return { problems: await check(b) };
    });
  }

  app.post("/api/tsa", { config: CONFIG, schema: { tags: ["workbench"], summary: "Trial sequential analysis of an uploaded CSV/XLSX (the use case of `decidua tsa`)", body: TsaBody } }, async (req, reply) => {
    const r = await tsa(req.body as T);
    return reply.send({ result: r.result, plotSvg: r.plotSvg });
  });
  app.post("/api/tsa/plot.png", { config: CONFIG, schema: { tags: ["workbench"], summary: "TSA plot as PNG", body: TsaBody } }, async (req, reply) => {
    const r = await tsa(req.body as T, "tsa");
    return reply.type("image/png").header("content-disposition", 'attachment; filename="tsa.png"').send(Buffer.from(r.png ?? new Uint8Array()));
  });
  app.post("/api/tsa/results.csv", { config: CONFIG, schema: { tags: ["workbench"], summary: "TSA looks (z-curve and boundaries) as CSV", body: TsaBody } }, async (req, reply) => {
    const r = await tsa(req.body as T);
    return reply.type("text/csv; charset=utf-8").header("content-disposition", 'attachment; filename="tsa-results.csv"').send(r.csv);
  });
  app.post("/api/tsa/bundle.zip", { config: CONFIG, schema: { tags: ["workbench"], summary: "Reproducible TSA bundle with an equivalent R script (rpact boundaries, metafor z-curve)", body: TsaBody } }, async (req, reply) => {
    const r = await tsa(req.body as T, null, true);
    return reply.type("application/zip").header("content-disposition", 'attachment; filename="tsa-bundle.zip"').send(Buffer.from(r.bundle ?? new Uint8Array()));
  });
}
