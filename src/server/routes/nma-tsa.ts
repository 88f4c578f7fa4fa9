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
import { WorksheetChoiceSchema } from "../../stats/input.js";
import { HttpError } from "../errors.js";
import { DEFAULT_LIMITS } from "../input-guard.js";
import { checkNetworkGrid } from "../../app/nma.js";
import { checkTsaGrid } from "../../app/tsa.js";
import type { GridProblem, GridTable } from "../../app/grid.js";
import type { MetaUpload } from "../core.js";
import { GRID_CONFIG, GridBody } from "./meta.js";

const Upload = z.object({
  name: z.string().regex(/\.(csv|xlsx)$/i, "the file must be .csv or .xlsx"),
  contentBase64: z.string().min(1, "the file is empty"),
});

/** The worksheet of an uploaded workbook (as --sheet): taken off the options before the engine sees them. */
const Sheet = { sheet: WorksheetChoiceSchema.optional() };

export const NmaBody = z.object({
  file: Upload,
  options: NmaOptionsSchema.extend(Sheet).default({}),
  plot: z.object({ title: z.string().min(1).max(300).optional(), favoursLeft: z.string().max(100).optional(), favoursRight: z.string().max(100).optional() }).default({}),
});

export const TsaBody = z.object({
  file: Upload,
  options: TsaOptionsSchema.extend(Sheet),
  plot: z.object({ title: z.string().min(1).max(300).optional() }).default({}),
});

const CONFIG = { inputLimits: { ...DEFAULT_LIMITS, fields: { "file.contentBase64": { maxString: 64 * 1024 * 1024 } } } };

function upload(file: z.infer<typeof Upload>, sheet: string | undefined): MetaUpload {
  const content = Buffer.from(file.contentBase64, "base64");
  if (content.length === 0) throw new HttpError(400, "VALIDATION", "the file is empty", "file.contentBase64");
  return { name: file.name, content, ...(sheet !== undefined ? { sheet } : {}) };
}

/** The engine's options of a body: without the worksheet, which says what of the upload is read. */
function engineOptions<O extends { sheet?: string | undefined }>(options: O): Omit<O, "sheet"> {
  const { sheet: _sheet, ...rest } = options;
  return rest;
}

export async function nmaTsaRoutes(app: FastifyInstance): Promise<void> {
  type N = z.infer<typeof NmaBody>;
  type T = z.infer<typeof TsaBody>;
  const nma = (b: N, png: "network" | "forest" | null = null, bundle = false) => app.workbench.runNma(upload(b.file, b.options.sheet), engineOptions(b.options), b.plot, png, bundle);
  const tsa = (b: T, png: "tsa" | null = null, bundle = false) => app.workbench.runTsa(upload(b.file, b.options.sheet), engineOptions(b.options), b.plot, png, bundle);

  app.post("/api/nma", { config: CONFIG, schema: { tags: ["workbench"], summary: "Network meta-analysis of an uploaded CSV/XLSX (the use case of `decidua nma`)", body: NmaBody } }, async (req) => {
    const r = await nma(req.body as N);
    return { result: r.result, networkSvg: r.networkSvg, forestSvg: r.forestSvg };
  });
  const PNG = "image/png";
  const CSV = "text/csv; charset=utf-8";
  const ZIP = "application/zip";
  /** A download: the body (schema `body`) -> [content type, file name, bytes or text]. */
  function fileRoute<B>(path: string, body: z.ZodType, summary: string, make: (b: B) => Promise<[type: string, name: string, data: string | Uint8Array | null]>): void {
    app.post(path, { config: CONFIG, schema: { tags: ["workbench"], summary, body } }, async (req, reply) => {
      const [type, name, data] = await make(req.body as B);
      return reply.type(type).header("content-disposition", `attachment; filename="${name}"`).send(typeof data === "string" ? data : Buffer.from(data ?? new Uint8Array()));
    });
  }
  for (const plot of ["network", "forest"] as const) {
    fileRoute<N>(`/api/nma/${plot}.png`, NmaBody, `NMA ${plot} plot as PNG`, async (b) => [PNG, `nma-${plot}.png`, (await nma(b, plot)).png]);
  }
  fileRoute<N>("/api/nma/results.csv", NmaBody, "NMA estimates vs the reference, P-scores and league-table pairs as CSV", async (b) => [CSV, "nma-results.csv", (await nma(b)).csv]);
  fileRoute<N>("/api/nma/bundle.zip", NmaBody, "Reproducible NMA bundle with an equivalent R script (metafor rma.mv)", async (b) => [ZIP, "nma-bundle.zip", (await nma(b, null, true)).bundle]);

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
  fileRoute<T>("/api/tsa/plot.png", TsaBody, "TSA plot as PNG", async (b) => [PNG, "tsa.png", (await tsa(b, "tsa")).png]);
  fileRoute<T>("/api/tsa/results.csv", TsaBody, "TSA looks (z-curve and boundaries) as CSV", async (b) => [CSV, "tsa-results.csv", (await tsa(b)).csv]);
  fileRoute<T>("/api/tsa/bundle.zip", TsaBody, "Reproducible TSA bundle with an equivalent R script (rpact boundaries, metafor z-curve)", async (b) => [ZIP, "tsa-bundle.zip", (await tsa(b, null, true)).bundle]);
}
