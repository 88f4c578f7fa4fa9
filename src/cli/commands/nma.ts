/**
 * `decidua nma FILE [options]`: network meta-analysis of a CSV/XLSX file of arms or contrasts (see docs/nma.md).
 *
 * Thin adapter: validate the options with zod, read the file, call the core (src/stats/nma), build the plots, and
 * only when everything has been computed write the plot files and print the summary or the JSON.
 */
import type { Command } from "commander";
import { z } from "zod";
import { InputError } from "../../shared/errors.js";
import { analyseNetworkTable, type NetworkAnalysis } from "../../app/nma.js";
import { nmaIsRatio, NmaMeasureSchema, NmaModelSchema, NmaTau2MethodSchema, type NmaOptions, type NmaResult } from "../../stats/nma/index.js";
import { WorksheetChoiceSchema } from "../../stats/input.js";
import { formatFixed, formatP } from "../../stats/plots/svg.js";
import { readInputFile, type OutputFile } from "../files.js";
import { OUTPUT_FLAGS, checkPlotPaths, finishOutput, flagNamesOf, printingAction, lowerCase as lower, parseFlags, plotFiles, svgPathSchema as svgPath, upperCase as upper, withFlagNames } from "../flags.js";
import type { CliIO } from "../main.js";
import type { SetExit } from "./index.js";

export const NmaCliOptionsSchema = z.object({
  measure: upper(NmaMeasureSchema).optional(),
  reference: z.string().min(1).optional(),
  model: lower(NmaModelSchema).optional(),
  tau2: upper(NmaTau2MethodSchema).optional(),
  largerBetter: z.boolean().optional(),
  sheet: WorksheetChoiceSchema.optional(),
  ...OUTPUT_FLAGS,
  network: svgPath.optional(),
  forest: svgPath.optional(),
});
export type NmaCliOptions = z.infer<typeof NmaCliOptionsSchema>;

const FLAG = flagNamesOf(NmaCliOptionsSchema);

/** Runs one network meta-analysis from the command line; returns what to print. */
export async function runNmaCommand(file: string, rawOptions: Record<string, unknown>): Promise<{ stdout: string; stderr: string }> {
  const o = parseFlags(NmaCliOptionsSchema, rawOptions, FLAG) as NmaCliOptions;
  if (o.png === true && o.network === undefined && o.forest === undefined) {
    throw new InputError("--png writes a PNG beside each SVG: give --network and/or --forest too", { field: "--png" });
  }
  if (o.network !== undefined && o.network === o.forest) throw new InputError("--network and --forest name the same file", { field: "--forest" });
  await checkPlotPaths(
    [
      [o.network, "--network"],
      [o.forest, "--forest"],
    ],
    o.png === true,
  );
  const bytes = await readInputFile(file);
  const options: NmaOptions = {};
  if (o.measure !== undefined) options.measure = o.measure as NmaOptions["measure"];
  if (o.reference !== undefined) options.reference = o.reference;
  if (o.model !== undefined) options.model = o.model as NmaOptions["model"];
  if (o.tau2 !== undefined) options.tau2 = o.tau2 as NmaOptions["tau2"];
  if (o.largerBetter === true) options.largerBetter = true;
  const files: OutputFile[] = [];
  let a: NetworkAnalysis;
  try {
    // the use case the workbench's NMA page runs too (src/app/nma.ts)
    a = await analyseNetworkTable({ file, bytes, ...(o.sheet !== undefined ? { sheet: o.sheet } : {}) }, options, { ...(o.title !== undefined ? { title: o.title } : {}), network: o.network !== undefined, forest: o.forest !== undefined });
  } catch (e) {
    throw withFlagNames(e, FLAG);
  }
  const { result, ignoredColumns: ignored } = a;
  if (o.network !== undefined && a.networkSvg !== null) files.push(...plotFiles(o.network, a.networkSvg, o.png === true));
  if (o.forest !== undefined && a.forestSvg !== null) files.push(...plotFiles(o.forest, a.forestSvg, o.png === true));
  const stdout = o.json === true ? `${JSON.stringify(result, null, 2)}\n` : formatNmaSummary(result, file);
  return finishOutput(stdout, ignored, files);
}

export function register(program: Command, io: CliIO, setExit: SetExit): void {
  program
    .command("nma")
    .description("network meta-analysis of arm-level rows (study,treatment,events,total | study,treatment,mean,sd,total) or contrasts (study,treatment1,treatment2,yi,sei)")
    .argument("<file>", "CSV or XLSX file with a header row")
    .option("--measure <measure>", "OR|RR|RD (counts), MD|SMD (means); for contrasts the scale of yi (OR/RR: log ratios) (default OR, MD, GEN)")
    .option("--reference <treatment>", "reference treatment (default: the treatment in the most studies)")
    .option("--model <model>", "fixed|random (default random)")
    .option("--tau2 <estimator>", "REML (as metafor rma.mv, default) | DL (netmeta's generalised DerSimonian-Laird)")
    .option("--larger-better", "the outcome is good (e.g. live birth): larger effects rank higher in the P-scores")
    .option("--sheet <name|number>", "XLSX workbook: the worksheet to read, by name or number (default the first)")
    .option("--json", "print one JSON object instead of the summary")
    .option("--network <file.svg>", "write the network graph")
    .option("--forest <file.svg>", "write a forest plot of every treatment vs the reference")
    .option("--png", "also write FILE.png beside each SVG")
    .option("--title <text>", "plot title")
    .action(printingAction(io, setExit, runNmaCommand));
}

// ---------------------------------------------------------------------------------------------------------------
// The readable summary
// ---------------------------------------------------------------------------------------------------------------

const MEASURE_NAME: Record<string, string> = { OR: "odds ratio", RR: "risk ratio", RD: "risk difference", MD: "mean difference", SMD: "standardised mean difference", GEN: "effect (as given)" };

function pad(s: string, n: number, right = false): string {
  return right ? s.padStart(n) : s.padEnd(n);
}

function pText(p: number | null): string {
  return p === null ? "P not applicable" : `P ${formatP(p)}`;
}

/** Text summary a reviewer can read: estimates, heterogeneity, inconsistency, ranking, league table, node-splitting. */
export function formatNmaSummary(r: NmaResult, file: string): string {
  const ratio = nmaIsRatio(r.measure);
  const show = (x: number): number => (ratio ? Math.exp(x) : x);
  const eff = (e: { estimate: number; ci_lb: number; ci_ub: number }): string => `${formatFixed(show(e.estimate), 2)} [${formatFixed(show(e.ci_lb), 2)}, ${formatFixed(show(e.ci_ub), 2)}]`;
  const lines: string[] = [];
  const model = r.model === "random" ? `random effects, tau² ${r.tau2_method ?? ""}`.trim() : "fixed effect";
  lines.push(`${file}: network meta-analysis, ${MEASURE_NAME[r.measure] ?? r.measure}${ratio ? " (analysed on the log scale)" : ""}, ${model}, ${r.level}% CI`);
  const count = (k: number, one: string, many: string): string => `${k} ${k === 1 ? one : many}`;
  lines.push(`${count(r.n, "treatment", "treatments")}, ${count(r.k, "study", "studies")} (${r.multi_arm} multi-arm), ${count(r.m, "contrast", "contrasts")}, ${count(r.designs, "design", "designs")}; reference: ${r.reference}`);
  lines.push("");
  const nameW = Math.max(24, ...r.treatments.map((t) => t.treatment.length + 2));
  const label = r.measure === "GEN" ? "Estimate" : r.measure;
  lines.push(pad(`Treatment vs ${r.reference}`, nameW) + pad(`${label} [${r.level}% CI]`, 30) + pad(`SE${ratio ? " (log)" : ""}`, 12) + "P");
  for (const e of r.estimates) lines.push(pad(e.treatment, nameW) + pad(eff(e), 30) + pad(formatFixed(e.se, 4), 12) + formatP(e.pval).replace(/^= /, ""));
  lines.push("");
  const h = r.heterogeneity;
  lines.push(`Heterogeneity: tau² = ${formatFixed(h.tau2, 4)} (${r.tau2_method ?? "-"}${r.model === "fixed" ? ", not used by the fixed-effect estimates" : ""}); Q = ${formatFixed(h.Q, 2)}, df = ${h.Q_df} (${pText(h.Q_pval)}); I² = ${h.I2 === null ? "not applicable" : `${formatFixed(h.I2, 1)}%`}`);
  const inc = r.inconsistency;
  lines.push("Design-by-treatment decomposition of Q (Krahn et al. 2013):");
  const qLine = (name: string, q: { Q: number; df: number; pval: number | null }): string => `  ${pad(name, 40)}Q = ${pad(formatFixed(q.Q, 2), 9)} df = ${pad(String(q.df), 4)} ${pText(q.pval)}`;
  lines.push(qLine("total", inc.total));
  lines.push(qLine("within designs (heterogeneity)", inc.within_designs));
  lines.push(qLine("between designs (inconsistency)", inc.between_designs));
  if (inc.between_designs_random !== null) lines.push(qLine(`between designs, random (tau² = ${formatFixed(inc.between_designs_random.tau2_within, 4)})`, inc.between_designs_random));
  const hetDesigns = inc.by_design.filter((d) => d.df > 0);
  if (hetDesigns.length > 0) {
    lines.push("  within each design with more than one study:");
    for (const d of hetDesigns) lines.push(`    ${pad(d.design, 36)}Q = ${pad(formatFixed(d.Q, 2), 9)} df = ${pad(String(d.df), 4)} ${pText(d.pval)}`);
  }
  lines.push("");
  lines.push(`P-scores (${r.pscore_direction}; 1 = better than every other treatment with certainty):`);
  for (const p of [...r.pscores].sort((a, b) => b.pscore - a.pscore)) lines.push(`  ${pad(p.treatment, nameW)}${formatFixed(p.pscore, 3)}`);
  lines.push("");
  lines.push(`League table: each cell is the ROW treatment relative to the COLUMN treatment, ${label}${ratio ? " (ratio)" : ""} [${r.level}% CI]`);
  const cellW = Math.max(22, ...r.league.treatments.map((t) => t.length + 2));
  lines.push(pad("", nameW) + r.league.treatments.map((t) => pad(t, cellW)).join(""));
  r.league.cells.forEach((row, i) => {
    lines.push(pad(r.league.treatments[i] as string, nameW) + row.map((c) => pad(c === null ? "—" : eff(c), cellW)).join(""));
  });
  lines.push("");
  if (r.node_split.length === 0) {
    lines.push("Node-splitting: no comparison has both direct and indirect evidence.");
  } else {
    lines.push(`Node-splitting (back-calculation, as netmeta's netsplit; ${r.model === "random" ? "random" : "fixed"} effects): direct vs indirect evidence`);
    const cw = Math.max(28, ...r.node_split.map((s) => s.comparison.length + 2));
    lines.push(pad("Comparison", cw) + pad("k", 4) + pad("direct", 26) + pad("indirect", 26) + pad("network", 26) + "difference P");
    for (const s of r.node_split) {
      lines.push(pad(s.comparison, cw) + pad(String(s.k), 4) + pad(eff(s.direct), 26) + pad(eff(s.indirect), 26) + pad(eff(s.nma), 26) + formatP(s.difference.pval).replace(/^= /, ""));
    }
    lines.push("  (difference = direct minus indirect, on the analysis scale; a small P flags inconsistency in that loop)");
  }
  if (r.notes.length > 0) {
    lines.push("", "Notes");
    for (const n of r.notes) lines.push(`- ${n}`);
  }
  lines.push("- network estimates mix direct and indirect evidence; they assume the treatments are transitive (similar patients, outcome definitions and co-interventions across comparisons)");
  return `${lines.join("\n")}\n`;
}
