/**
 * `decidua tsa FILE --measure RR|OR|RD --control-risk P --rrr R [options]`: trial sequential analysis of a study
 * table (the same CSV/XLSX tables as `decidua meta`; binary counts). Thin adapter: read, validate the options,
 * call the engine (stats/tsa) and the plot, then print the summary or JSON and write the plot files.
 */
import type { Command } from "commander";
import { z } from "zod";
import { InputError } from "../../shared/errors.js";
import { analyseTsaTable, type TsaAnalysis } from "../../app/tsa.js";
import { WorksheetChoiceSchema } from "../../stats/input.js";
import type { TsaOptions, TsaResult } from "../../stats/tsa/index.js";
import { readInputFile, toJsonWithInf, type OutputFile } from "../files.js";
import { OUTPUT_FLAGS, checkPlotPaths, finishOutput, flagNamesOf, printingAction, lowerCase, parseFlags, plotFiles, svgPathSchema, upperCase, withFlagNames } from "../flags.js";
import type { CliIO } from "../main.js";
import type { SetExit } from "./index.js";

const number = (flag: string) =>
  z.preprocess((v) => (typeof v === "string" && v.trim() !== "" ? Number(v) : v), z.number({ message: `${flag} must be a number` }).finite());

export const TsaCliOptionsSchema = z.object({
  measure: upperCase(z.enum(["RR", "OR", "RD"])),
  controlRisk: number("--control-risk").refine((x) => x > 0 && x < 1, { message: "the control event proportion must be between 0 and 1 (e.g. 0.43)" }),
  rrr: number("--rrr").refine((x) => x > 0 && x < 1, { message: "the relative risk reduction must be between 0 and 1 (e.g. 0.2)" }),
  alpha: number("--alpha").refine((x) => x > 0 && x < 0.5, { message: "alpha must be between 0 and 0.5" }).optional(),
  power: number("--power").refine((x) => x > 0.5 && x < 1, { message: "power must be between 0.5 and 1" }).optional(),
  diversity: z
    .string()
    .transform((s, ctx) => {
      if (s.trim().toLowerCase() === "auto") return "auto" as const;
      const v = Number(s);
      if (!(Number.isFinite(v) && v >= 0 && v < 1)) {
        ctx.addIssue({ code: "custom", message: `"${s}" is neither auto nor a D² in [0, 1)` });
        return z.NEVER;
      }
      return v;
    })
    .optional(),
  model: lowerCase(z.enum(["random", "fixed"])).optional(),
  sheet: WorksheetChoiceSchema.optional(),
  ...OUTPUT_FLAGS,
  plot: svgPathSchema.optional(),
});
export type TsaCliOptions = z.infer<typeof TsaCliOptionsSchema>;

const FLAG = flagNamesOf(TsaCliOptionsSchema);

function parseCliOptions(raw: Record<string, unknown>): TsaCliOptions {
  for (const need of ["measure", "controlRisk", "rrr"]) {
    if (raw[need] === undefined) throw new InputError("required for a trial sequential analysis", { field: FLAG[need] ?? need });
  }
  return parseFlags(TsaCliOptionsSchema, raw, FLAG);
}

function engineOptions(o: TsaCliOptions): TsaOptions {
  return {
    measure: o.measure,
    controlRisk: o.controlRisk,
    rrr: o.rrr,
    ...(o.alpha !== undefined ? { alpha: o.alpha } : {}),
    ...(o.power !== undefined ? { power: o.power } : {}),
    ...(o.diversity !== undefined ? { diversity: o.diversity } : {}),
    ...(o.model !== undefined ? { model: o.model } : {}),
  };
}

/** Runs one TSA from the command line; returns what to print. */
export async function runTsaCommand(file: string, rawOptions: Record<string, unknown>): Promise<{ stdout: string; stderr: string }> {
  const o = parseCliOptions(rawOptions);
  if (o.png === true && o.plot === undefined) throw new InputError("--png writes a PNG beside the SVG: give --plot too", { field: "--png" });
  await checkPlotPaths([[o.plot, "--plot"]], o.png === true);
  const bytes = await readInputFile(file);
  const files: OutputFile[] = [];
  let a: TsaAnalysis;
  try {
    // the use case the workbench's TSA page runs too (src/app/tsa.ts)
    a = await analyseTsaTable({ file, bytes, ...(o.sheet !== undefined ? { sheet: o.sheet } : {}) }, engineOptions(o), o.plot !== undefined ? (o.title !== undefined ? { title: o.title } : {}) : false);
  } catch (e) {
    throw withFlagNames(e, FLAG, file);
  }
  const { result, ignoredColumns: ignored } = a;
  if (o.plot !== undefined && a.plotSvg !== null) files.push(...plotFiles(o.plot, a.plotSvg, o.png === true));
  const stdout = o.json === true ? `${toJsonWithInf(result)}\n` : formatTsaSummary(result, file);
  return finishOutput(stdout, ignored, files);
}

export function register(program: Command, io: CliIO, setExit: SetExit): void {
  program
    .command("tsa")
    .description("trial sequential analysis of a binary study table: information size, z-curve, monitoring and futility boundaries")
    .argument("<file>", "CSV or XLSX file with a header row (events_t, total_t, events_c, total_c)")
    .option("--measure <measure>", "RR|OR|RD")
    .option("--control-risk <p>", "anticipated control-group event proportion Pc (0-1)")
    .option("--rrr <r>", "anticipated relative risk reduction (0-1)")
    .option("--alpha <a>", "two-sided type I error (default 0.05)")
    .option("--power <p>", "power 1 - beta (default 0.8)")
    .option("--diversity <d>", "auto (D² from the DerSimonian-Laird fit) or a value in [0, 1) (default auto)")
    .option("--model <model>", "random (DerSimonian-Laird, default) | fixed")
    .option("--sheet <name|number>", "XLSX workbook: the worksheet to read, by name or number (default the first)")
    .option("--json", "print one JSON object instead of the summary (infinite boundaries as \"Inf\")")
    .option("--plot <file.svg>", "write the TSA plot")
    .option("--png", "also write FILE.png beside the SVG")
    .option("--title <text>", "plot title")
    .action(printingAction(io, setExit, runTsaCommand));
}

const MEASURE_NAME: Record<string, string> = { RR: "Risk Ratio", OR: "Odds Ratio", RD: "Risk Difference" };

function fmt(x: number, digits = 2): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? "NA" : x > 0 ? "Inf" : "-Inf";
  const s = x.toFixed(digits);
  return s === `-${(0).toFixed(digits)}` ? (0).toFixed(digits) : s;
}

/** The readable summary. */
export function formatTsaSummary(r: TsaResult, file: string): string {
  const ratio = r.measure !== "RD";
  const back = (x: number): number => (ratio ? Math.exp(x) : x);
  const lines: string[] = [];
  lines.push(`${file}: trial sequential analysis (${MEASURE_NAME[r.measure] ?? r.measure}, ${r.model === "random" ? "random effects, DerSimonian-Laird" : "fixed effect, inverse variance"})`);
  lines.push(`Anticipated effect: control risk ${fmt(100 * r.control_risk, 1)}%, relative risk reduction ${fmt(100 * r.rrr, 1)}% (experimental risk ${fmt(100 * r.experimental_risk, 1)}%); alpha ${r.alpha} two-sided, power ${fmt(100 * r.power, 0)}%`);
  lines.push(`Required information size: ${Math.ceil(r.ris)} participants; diversity D² ${fmt(100 * r.diversity, 1)}% (${r.diversity_source === "auto" ? (r.model === "random" ? "from the DerSimonian-Laird fit" : "none under a fixed-effect model") : "given"}; I² ${fmt(r.I2, 1)}%); diversity-adjusted: ${Math.ceil(r.ris_adjusted)}`);
  lines.push(`Accrued: ${r.accrued} participants in ${r.k} stud${r.k === 1 ? "y" : "ies"} (${fmt(100 * r.information_fraction, 1)}% of the adjusted information size)`);
  lines.push("");
  const nameW = Math.max(24, ...r.looks.map((l) => l.study.length + 2));
  lines.push("Study".padEnd(nameW) + "N".padStart(8) + "Fraction".padStart(10) + "z".padStart(8) + "Boundary".padStart(10) + "Futility".padStart(10));
  for (const l of r.looks) {
    lines.push(
      l.study.padEnd(nameW) +
        String(l.n).padStart(8) +
        fmt(l.fraction, 3).padStart(10) +
        fmt(l.z).padStart(8) +
        `±${fmt(l.boundary)}`.padStart(10) +
        (l.futility === null ? "-" : `±${fmt(l.futility)}`).padStart(10),
    );
  }
  lines.push("");
  const a = r.adjusted_ci;
  lines.push(`Pooled ${r.measure} at the last look: ${fmt(back(a.estimate))}; conventional ${fmt(r.naive_ci.level, 0)}% CI ${fmt(back(r.naive_ci.ci_lb))} to ${fmt(back(r.naive_ci.ci_ub))}`);
  lines.push(`TSA-adjusted ${fmt(a.level, 0)}% CI: ${fmt(back(a.ci_lb))} to ${fmt(back(a.ci_ub))} (boundary ±${fmt(a.critical)})`);
  lines.push("");
  lines.push(`Conclusion: ${r.conclusion.text}`);
  if (r.excluded.length > 0 || r.notes.length > 0) {
    lines.push("", "Notes");
    for (const e of r.excluded) lines.push(`- ${e.study}: ${e.reason}`);
    for (const n of r.notes) lines.push(`- ${n}`);
  }
  return `${lines.join("\n")}\n`;
}
