/**
 * `decidua meta FILE [options]`: meta-analysis of a CSV/XLSX study table (see docs/meta-cli.md).
 *
 * Thin adapter: read the file, validate the options with zod, run the use case the workbench runs too
 * (app/meta.ts analyseStudyTable), and only when everything has been computed write the plot files and print the
 * summary or JSON.
 */
import type { Command } from "commander";
import { z } from "zod";
import { InputError, isInputError } from "../../shared/errors.js";
import { isRatioMeasure } from "../../stats/core/escalc.js";
import { i2FromQ } from "../../stats/core/heterogeneity.js";
import { revmanPValue } from "../../stats/core/revman.js";
import { analyseStudyTable, type TableAnalysis } from "../../app/meta.js";
import { WorksheetChoiceSchema } from "../../stats/input.js";
import { RevmanOutcomeIdSchema, type RevmanCheck } from "../../stats/revman5.js";
import { baujatPlotSvg, bubblePlotSvg, goshPlotSvg, labbePlotSvg, radialPlotSvg, svgToPng } from "../../stats/plots/index.js";
import { checkWritablePath, readInputFile, type OutputFile } from "../files.js";
import { OUTPUT_FLAGS, finishOutput, flagNamesOf, printingAction, lowerCase as lower, svgPathSchema as svgPath, upperCase as upper } from "../flags.js";
import type { ForestPlotOptions } from "../../stats/plots/index.js";
import {
  MeasureSchema,
  MethodSchema,
  ModelSchema,
  PresetSchema,
  Tau2MethodSchema,
  TestSchema,
  type MetaOptions,
  type MetaResult,
  type Pooled,
  type StudyResult,
  type StudyRow,
} from "../../stats/types.js";
import type { CliIO } from "../main.js";
import type { SetExit } from "./index.js";

/** Matches an enum value case-insensitively and hands over its canonical spelling (HSK -> HSk). */
const anyCase = <T extends string>(values: readonly T[], s: z.ZodType) =>
  z.preprocess((v) => (typeof v === "string" ? (values.find((x) => x.toLowerCase() === v.toLowerCase()) ?? v) : v), s);
const positiveInt = (flag: string) =>
  z
    .string()
    .regex(/^\s*\d+\s*$/, { message: "must be a whole number" })
    .transform(Number)
    .refine((n) => n > 0, { message: "must be at least 1" })
    .describe(flag);

/** The command-line options as commander hands them over, validated. */
export const MetaCliOptionsSchema = z.object({
  measure: upper(MeasureSchema).optional(),
  method: upper(MethodSchema).optional(),
  model: lower(ModelSchema).optional(),
  tau2: anyCase(Tau2MethodSchema.options, Tau2MethodSchema).optional(),
  test: lower(TestSchema).optional(),
  subgroup: z.string().min(1).optional(),
  outcome: RevmanOutcomeIdSchema.optional(),
  sheet: WorksheetChoiceSchema.optional(),
  leaveOneOut: z.boolean().optional(),
  cumulative: z.boolean().optional(),
  bias: z.boolean().optional(),
  preset: lower(PresetSchema).optional(),
  level: z
    .string()
    .regex(/^\s*\d+(\.\d+)?\s*$/, { message: "must be a number (percent, e.g. 90)" })
    .transform(Number)
    .refine((v) => v > 0 && v < 100, { message: "must be between 0 and 100 (percent)" })
    .optional(),
  mods: z
    .string()
    .transform((s) => s.split(",").map((c) => c.trim()))
    .refine((a) => a.every((c) => c !== ""), { message: "names one or more columns, separated by commas" })
    .optional(),
  permutations: positiveInt("--permutations").optional(),
  seed: z.string().regex(/^\s*\d+\s*$/, { message: "must be a whole number" }).transform(Number).optional(),
  influence: z.boolean().optional(),
  gosh: z.boolean().optional(),
  goshSubsets: positiveInt("--gosh-subsets").optional(),
  fsn: z.boolean().optional(),
  profileCi: z.boolean().optional(),
  bubble: svgPath.optional(),
  baujat: svgPath.optional(),
  radial: svgPath.optional(),
  labbe: svgPath.optional(),
  goshPlot: svgPath.optional(),
  smdCorrection: lower(z.enum(["exact", "approx"])).optional(),
  ...OUTPUT_FLAGS,
  forest: svgPath.optional(),
  funnel: svgPath.optional(),
  labelE: z.string().min(1).optional(),
  labelC: z.string().min(1).optional(),
  favoursLeft: z.string().min(1).optional(),
  favoursRight: z.string().min(1).optional(),
});
export type MetaCliOptions = z.infer<typeof MetaCliOptionsSchema>;

const FLAG = flagNamesOf(MetaCliOptionsSchema);

function parseCliOptions(raw: Record<string, unknown>): MetaCliOptions {
  const parsed = MetaCliOptionsSchema.safeParse(raw);
  if (parsed.success) return parsed.data as MetaCliOptions;
  const issue = parsed.error.issues[0];
  const key = String(issue?.path[0] ?? "");
  const given = raw[key];
  const why = issue?.code === "invalid_value" ? `"${String(given)}" is not one of ${issue.values.map(String).join(", ")}` : (issue?.message ?? "bad value");
  throw new InputError(why, { field: FLAG[key] ?? key });
}

function engineOptions(o: MetaCliOptions): MetaOptions {
  const out: MetaOptions = {};
  if (o.measure !== undefined) out.measure = o.measure as MetaOptions["measure"];
  if (o.method !== undefined) out.method = o.method as MetaOptions["method"];
  if (o.model !== undefined) out.model = o.model as MetaOptions["model"];
  if (o.tau2 !== undefined) out.tau2 = o.tau2 as MetaOptions["tau2"];
  if (o.test !== undefined) out.test = o.test as MetaOptions["test"];
  if (o.preset !== undefined) out.preset = o.preset as MetaOptions["preset"];
  if (o.smdCorrection !== undefined) out.smdCorrection = o.smdCorrection as MetaOptions["smdCorrection"];
  if (o.subgroup !== undefined) out.subgroup = o.subgroup;
  if (o.leaveOneOut === true) out.leaveOneOut = true;
  if (o.cumulative === true) out.cumulative = true;
  if (o.bias === true) out.bias = true;
  if (o.level !== undefined) out.level = o.level;
  if (o.mods !== undefined) out.mods = o.mods;
  if (o.permutations !== undefined) out.permutations = o.permutations;
  if (o.seed !== undefined) out.seed = o.seed;
  if (o.influence === true || o.baujat !== undefined) out.influence = true;
  if (o.gosh === true || o.goshPlot !== undefined) out.gosh = true;
  if (o.goshSubsets !== undefined) out.goshSubsets = o.goshSubsets;
  if (o.fsn === true) out.failSafe = true;
  if (o.profileCi === true) out.profileCi = true;
  return out;
}

/** Forest-plot labels from the command line (RevMan's "Favours [experimental]" side depends on the outcome). */
function forestOptions(o: MetaCliOptions): ForestPlotOptions {
  const out: ForestPlotOptions = {};
  if (o.title !== undefined) out.title = o.title;
  if (o.labelE !== undefined) out.experimentalLabel = o.labelE;
  if (o.labelC !== undefined) out.controlLabel = o.labelC;
  if (o.favoursLeft !== undefined) out.favoursLeft = o.favoursLeft;
  if (o.favoursRight !== undefined) out.favoursRight = o.favoursRight;
  return out;
}

/** Engine errors name options by the engine's names: name them by their flags. */
function withFlags(e: unknown): unknown {
  if (!isInputError(e)) return e;
  const field = e.location.field;
  if (field === undefined || FLAG[field] === undefined) return e;
  return new InputError(e.reason, { ...e.location, field: FLAG[field] });
}

/** Runs one meta-analysis from the command line; returns what to print (stdout). */
export async function runMetaCommand(file: string, rawOptions: Record<string, unknown>): Promise<{ stdout: string; stderr: string }> {
  const o = parseCliOptions(rawOptions);
  if (o.png === true && o.forest === undefined && o.funnel === undefined && o.bubble === undefined && o.baujat === undefined && o.radial === undefined && o.labbe === undefined && o.goshPlot === undefined) {
    throw new InputError("--png writes a PNG beside each SVG: give --forest and/or --funnel too", { field: "--png" });
  }
  const plotFlags = [
    [o.forest, "--forest"],
    [o.funnel, "--funnel"],
    [o.bubble, "--bubble"],
    [o.baujat, "--baujat"],
    [o.radial, "--radial"],
    [o.labbe, "--labbe"],
    [o.goshPlot, "--gosh-plot"],
  ] as const;
  const seenPaths = new Map<string, string>();
  for (const [path, flag] of plotFlags) {
    if (path === undefined) continue;
    const other = seenPaths.get(path);
    if (other !== undefined) throw new InputError(`${other} and ${flag} name the same file`, { field: flag });
    seenPaths.set(path, flag);
  }
  if (o.bubble !== undefined && o.mods === undefined) throw new InputError("--bubble plots a meta-regression: give --mods COLUMN too", { field: "--bubble" });
  for (const [path, flag] of plotFlags) {
    if (path === undefined) continue;
    await checkWritablePath(path, flag);
    if (o.png === true) await checkWritablePath(path.replace(/\.svg$/i, ".png"), flag);
  }

  const bytes = await readInputFile(file);
  let analysis: TableAnalysis;
  const files: OutputFile[] = [];
  try {
    analysis = await analyseStudyTable({ file, bytes, ...(o.outcome !== undefined ? { outcome: o.outcome } : {}), ...(o.sheet !== undefined ? { sheet: o.sheet } : {}) }, engineOptions(o), {
      forest: o.forest !== undefined ? forestOptions(o) : false,
      funnel: o.funnel !== undefined,
    });
    const diagnostic = [
      [o.bubble, bubblePlotSvg],
      [o.baujat, baujatPlotSvg],
      [o.radial, radialPlotSvg],
      [o.labbe, labbePlotSvg],
      [o.goshPlot, goshPlotSvg],
    ] as const;
    const svgs: Array<readonly [string | undefined, string | null]> = [
      [o.forest, analysis.forestSvg],
      [o.funnel, analysis.funnelSvg],
      ...diagnostic.map(([path, draw]) => [path, path === undefined ? null : draw(analysis.result)] as const),
    ];
    for (const [path, svg] of svgs) {
      if (path === undefined || svg === null) continue;
      files.push({ path, content: svg });
      if (o.png === true) files.push({ path: path.replace(/\.svg$/i, ".png"), content: svgToPng(svg) });
    }
  } catch (e) {
    throw withFlags(e);
  }
  const { result, ignoredColumns: ignored, warnings } = analysis;
  const revman = analysis.revman;
  const stdout =
    o.json === true
      ? `${metaResultJson(revman === undefined ? result : { ...result, revman: revmanJson(revman) })}\n`
      : formatMetaSummary(result, revman === undefined ? file : `${file} ${revman.outcome.id} ${revman.outcome.name}`) + (revman === undefined ? "" : formatRevmanChecks(revman));
  return finishOutput(stdout, ignored, files, warnings);
}

/** The RevMan outcome's stored settings and the number-by-number comparison, for --json. */
function revmanJson(r: NonNullable<TableAnalysis["revman"]>): Record<string, unknown> {
  const o = r.outcome;
  const largest = (absolute: boolean): number => r.checks.reduce((m, c) => (c.absolute === absolute ? Math.max(m, c.difference) : m), 0);
  return {
    outcome: o.id,
    name: o.name,
    comparison: o.comparison,
    settings: { type: o.type, method: o.method, model: o.model, effect_measure: o.measureLabel, ci_study: o.studyLevel, ci_total: o.totalLevel, swap_events: o.swapEvents },
    stored_results: o.calculated,
    // where RevMan stored 0 the difference is absolute (no relative difference can be taken of 0)
    checks: r.checks.map((c) => ({ quantity: c.quantity, revman: c.revman, decidua: c.decidua, [c.absolute ? "absolute_difference" : "relative_difference"]: c.difference })),
    max_relative_difference: largest(false),
    ...(r.checks.some((c) => c.absolute) ? { max_absolute_difference: largest(true) } : {}),
  };
}

/** "RevMan 5 stored results: …" lines under the summary. */
function formatRevmanChecks(r: NonNullable<TableAnalysis["revman"]>): string {
  const o = r.outcome;
  const lines = ["", `RevMan 5 settings stored with ${o.id}: ${o.type} data, ${o.method === "MH" ? "M-H" : o.method === "PETO" ? "Peto" : "IV"}, ${o.model === "random" ? "Random" : "Fixed"}, ${o.measureLabel}, ${o.totalLevel}% CI${o.swapEvents ? "; events and non-events swapped (the analysis counts the non-events)" : ""}`];
  if (r.checks.length === 0) lines.push("The file stores no RevMan results for this outcome to compare with.");
  else {
    const worst = (checks: RevmanCheck[]): RevmanCheck | undefined => checks.reduce<RevmanCheck | undefined>((m, c) => (m === undefined || c.difference > m.difference ? c : m), undefined);
    const relative = worst(r.checks.filter((c) => !c.absolute));
    const absolute = worst(r.checks.filter((c) => c.absolute));
    const said = [
      ...(relative !== undefined ? [`largest relative difference ${relative.difference.toExponential(1)} (${relative.quantity})`] : []),
      ...(absolute !== undefined ? [`where RevMan stored 0: largest absolute difference ${absolute.difference.toExponential(1)} (${absolute.quantity})`] : []),
    ];
    lines.push(`RevMan's stored results: ${r.checks.length} numbers compared; ${said.join("; ")}`);
  }
  return `${lines.join("\n")}\n`;
}

/**
 * The result as JSON. JSON has no infinity: an infinite number (e.g. z when SE = 0, an open CI limit) is written as
 * the string "Inf" or "-Inf", as R's jsonlite does; NaN is written as null.
 */
export function metaResultJson(result: unknown): string {
  return JSON.stringify(result, (_key, value: unknown) => (value === Infinity ? "Inf" : value === -Infinity ? "-Inf" : value), 2);
}

/** Registers the `meta` command. */
export function register(program: Command, io: CliIO, setExit: SetExit): void {
  program
    .command("meta")
    .description("meta-analysis of a CSV/XLSX study table (binary counts, means and SDs, or yi with vi/sei)")
    .argument("<file>", "CSV or XLSX file with a header row, or a RevMan 5 review (.rm5) with --outcome")
    .option("--measure <measure>", "effect measure: OR|RR|RD (binary), MD|SMD (continuous), GEN (yi/vi)")
    .option("--method <method>", "pooling: IV|MH|PETO (default IV)")
    .option("--model <model>", "fixed|random|auto (auto: I² < 50% fixed, else random) (default random for IV; fixed for MH, PETO and --preset revman5)")
    .option("--tau2 <estimator>", "tau² estimator: DL|REML|PM|PMM|ML|HE|HS|HSk|SJ|EB (default REML)")
    .option("--level <percent>", "confidence level in percent (default 95); below 1 as metafor reads it (0.95 or 0.05: 95%)")
    .option("--test <test>", "z|knha (Knapp-Hartung) (default z)")
    .option("--subgroup <column>", "pool within the groups of this column and test the differences")
    .option("--outcome <id>", "RevMan 5 review or data and analyses export: the outcome to analyse (e.g. CMP-001.01, or 1.1 in the export), with the settings stored in the file")
    .option("--sheet <name|number>", "XLSX workbook: the worksheet to read, by name or number (default the first)")
    .option("--leave-one-out", "leave-one-out sensitivity analysis")
    .option("--cumulative", "cumulative meta-analysis (by year, else row order)")
    .option("--bias", "small-study bias: Egger, Begg, trim-and-fill")
    .option("--preset <preset>", "revman5: RevMan 5.3 (MH fixed; DL with MH-based Q for random); revman-web: RevMan's 2025 random effects (REML, HKSJ, Q-profile, prediction interval)")
    .option("--mods <columns>", "meta-regression on these columns (comma-separated; numeric or categorical)")
    .option("--permutations <n>", "permutation test of the meta-regression with n random permutations (exact when fewer exist)")
    .option("--seed <n>", "seed of the random permutations and GOSH subsets")
    .option("--influence", "influence diagnostics (metafor influence()) and Baujat data")
    .option("--gosh", "GOSH: all subsets for k <= 15, else --gosh-subsets random subsets")
    .option("--gosh-subsets <n>", "number of random GOSH subsets when k > 15 (default 10000)")
    .option("--fsn", "fail-safe N: Rosenthal, Orwin, Rosenberg")
    .option("--profile-ci", "profile-likelihood CI for tau² beside the Q-profile one (ML/REML)")
    .option("--bubble <file.svg>", "write a bubble plot of the meta-regression (first numeric moderator)")
    .option("--baujat <file.svg>", "write a Baujat plot")
    .option("--radial <file.svg>", "write a radial (Galbraith) plot")
    .option("--labbe <file.svg>", "write a L'Abbé plot (binary data)")
    .option("--gosh-plot <file.svg>", "write a GOSH plot (estimate against I²)")
    .option("--smd-correction <kind>", "exact (metafor, default) | approx (RevMan) Hedges' g correction")
    .option("--json", "print one JSON object (the MetaResult) instead of the summary")
    .option("--forest <file.svg>", "write a forest plot")
    .option("--funnel <file.svg>", "write a funnel plot")
    .option("--png", "also write FILE.png beside each SVG")
    .option("--title <text>", "forest plot title")
    .option("--label-e <text>", "forest plot: name of the experimental arm (default Experimental)")
    .option("--label-c <text>", "forest plot: name of the control arm (default Control)")
    .option("--favours-left <text>", "forest plot: label left of the line of no effect (default Favours [experimental])")
    .option("--favours-right <text>", "forest plot: label right of the line of no effect (default Favours [control])")
    .action(printingAction(io, setExit, runMetaCommand));
}

// ---------------------------------------------------------------------------------------------------------------
// The readable summary (RevMan-like)
// ---------------------------------------------------------------------------------------------------------------

const MEASURE_NAME: Record<string, string> = {
  OR: "Odds Ratio",
  RR: "Risk Ratio",
  RD: "Risk Difference",
  MD: "Mean Difference",
  SMD: "Std. Mean Difference",
  GEN: "Effect (generic inverse variance)",
};

function isRatio(r: MetaResult): boolean {
  return isRatioMeasure(r.measure) || r.method === "PETO";
}

function fmt(x: number, digits = 2): string {
  if (!Number.isFinite(x)) return String(x);
  const s = x.toFixed(digits);
  return s === `-${(0).toFixed(digits)}` ? (0).toFixed(digits) : s;
}

/** P value as RevMan prints it ("P = 0.05" for p = 0.046); the one definition is in stats/core/revman.ts. */
export const formatPValue = revmanPValue;

function effectText(r: MetaResult, est: number, lb: number, ub: number): string {
  const t = isRatio(r) ? Math.exp : (x: number) => x;
  return `${fmt(t(est))} [${fmt(t(lb))}, ${fmt(t(ub))}]`;
}

function pooledText(r: MetaResult, p: Pooled): string {
  return effectText(r, p.estimate, p.ci_lb, p.ci_ub);
}

function pad(s: string, n: number, right = false): string {
  return right ? s.padStart(n) : s.padEnd(n);
}

function dataCells(s: StudyResult): string[] {
  const d = s.data;
  if (d.kind === "binary") return [String(d.events_t), String(d.total_t), String(d.events_c), String(d.total_c)];
  if (d.kind === "continuous") {
    return [fmt(d.mean_t), fmt(d.sd_t), String(d.total_t), fmt(d.mean_c), fmt(d.sd_c), String(d.total_c)];
  }
  return [fmt(d.yi, 4), fmt(Math.sqrt(d.vi), 4)];
}

function dataHeader(r: MetaResult): string[] {
  const d = r.studies[0]?.data;
  if (d?.kind === "binary") return ["Events", "Total", "Events", "Total"];
  if (d?.kind === "continuous") return ["Mean", "SD", "Total", "Mean", "SD", "Total"];
  return ["yi", "SE"];
}

function heterogeneityLine(r: MetaResult, h: MetaResult["heterogeneity"], model: "fixed" | "random"): string {
  if (h.QE_df < 1) return "Heterogeneity: not applicable";
  const tau = model === "random" ? `Tau² = ${fmt(h.tau2, 4)}; ` : "";
  void r;
  return `Heterogeneity: ${tau}Chi² = ${fmt(h.QE)}, df = ${h.QE_df} (${formatPValue(h.QE_pval)}); I² = ${Math.round(h.I2)}%`;
}

function overallLine(p: Pooled): string {
  const stat = p.df === null ? `Z = ${fmt(Math.abs(p.zval))}` : `t = ${fmt(Math.abs(p.zval))}, df = ${p.df}`;
  return `Test for overall effect: ${stat} (${formatPValue(p.pval)})`;
}

/** RevMan-like text summary of a result. */
export function formatMetaSummary(r: MetaResult, file: string): string {
  const lines: string[] = [];
  const method = r.method === "MH" ? "M-H" : r.method === "PETO" ? "Peto" : "IV";
  const model = r.model === "random" ? "Random" : "Fixed";
  const measureName = r.method === "PETO" ? "Peto Odds Ratio" : (MEASURE_NAME[r.measure] ?? r.measure);
  lines.push(`${file}: ${measureName} (${method}, ${model}, ${r.level}% CI)`);
  const extra: string[] = [];
  if (r.model === "random") extra.push(`tau² estimator ${r.tau2_method ?? "?"}`);
  if (r.test === "knha") extra.push("Knapp-Hartung t test");
  if (r.preset !== null) extra.push(`preset ${r.preset}`);
  if (extra.length > 0) lines.push(extra.join("; "));
  lines.push("");

  const head = dataHeader(r);
  const half = head.length / 2;
  const nameW = Math.max(24, ...r.studies.map((s) => s.study.length + 2));
  const cellW = 8;
  const effLabel = `${r.method === "PETO" ? "OR" : r.measure} [${r.level}% CI]`;
  if (r.studies[0]?.data.kind !== "generic") {
    lines.push((pad("", nameW) + pad("Experimental", cellW * half) + pad("Control", cellW * half)).trimEnd());
  }
  lines.push(
    pad("Study", nameW) + head.map((h) => pad(h, cellW, true)).join("") + pad("Weight", 9, true) + "   " + effLabel,
  );

  const studyLine = (s: StudyResult): string => {
    const cells = dataCells(s)
      .map((c) => pad(c, cellW, true))
      .join("");
    const eff =
      s.included && s.yi !== null && s.ci_lb !== null && s.ci_ub !== null
        ? effectText(r, s.yi, s.ci_lb, s.ci_ub)
        : `Not estimable${s.excluded_reason ? ` (${s.excluded_reason})` : ""}`;
    const w = s.included ? `${s.weight.toFixed(1)}%` : "";
    return pad(s.study + (s.continuity_corrected ? " *" : ""), nameW) + cells + pad(w, 9, true) + "   " + eff;
  };

  const totals = (studies: StudyResult[]): string => {
    const d = studies.map((s) => s.data);
    if (d.every((x) => x.kind === "binary")) {
      const b = d as Extract<StudyRow["data"], { kind: "binary" }>[];
      const sum = (f: (x: (typeof b)[number]) => number) => b.reduce((a, x) => a + f(x), 0);
      return pad(String(sum((x) => x.events_t)), cellW, true) + pad("", cellW) + pad(String(sum((x) => x.events_c)), cellW, true);
    }
    return "";
  };
  const totalN = (studies: StudyResult[]): string => {
    const d = studies.map((s) => s.data);
    if (d.every((x) => x.kind === "binary")) {
      const b = d as Extract<StudyRow["data"], { kind: "binary" }>[];
      return pad("", cellW) + pad(String(b.reduce((a, x) => a + x.total_t, 0)), cellW, true) + pad("", cellW) + pad(String(b.reduce((a, x) => a + x.total_c, 0)), cellW, true);
    }
    if (d.every((x) => x.kind === "continuous")) {
      const c = d as Extract<StudyRow["data"], { kind: "continuous" }>[];
      return pad("", cellW * 2) + pad(String(c.reduce((a, x) => a + x.total_t, 0)), cellW, true) + pad("", cellW * 2) + pad(String(c.reduce((a, x) => a + x.total_c, 0)), cellW, true);
    }
    return pad("", cellW * head.length);
  };

  const block = (title: string, studies: StudyResult[], pooled: Pooled, het: MetaResult["heterogeneity"], k: number): void => {
    const w = studies.reduce((a, s) => a + (s.included ? s.weight : 0), 0);
    lines.push(pad(`${title} (${r.level}% CI)`, nameW) + totalN(studies) + pad(`${w.toFixed(1)}%`, 9, true) + "   " + pooledText(r, pooled));
    const t = totals(studies);
    if (t !== "") lines.push(pad("Total events", nameW) + t);
    lines.push(heterogeneityLine(r, het, r.model));
    lines.push(overallLine(pooled));
    // RevMan 5.3 prints no prediction interval; with the preset the summary follows it (as the forest plot does).
    if (r.model === "random" && r.preset !== "revman5" && pooled.pi_lb !== null && pooled.pi_ub !== null && k >= 3) {
      lines.push(`Prediction interval: ${effectText(r, pooled.estimate, pooled.pi_lb, pooled.pi_ub).replace(/^[^[]*/, "")}`);
    }
  };

  if (r.subgroups !== undefined && r.subgroups.length > 0) {
    for (const g of r.subgroups) {
      const members = r.studies.filter((s) => s.subgroup === g.name);
      lines.push("");
      lines.push(`${g.name}`);
      for (const s of members) lines.push(studyLine(s));
      block("Subtotal", members, g.pooled, g.heterogeneity, g.k);
    }
    lines.push("");
  } else {
    for (const s of r.studies) lines.push(studyLine(s));
    lines.push("");
  }
  block("Total", r.studies, r.pooled, r.heterogeneity, r.k);
  if (r.subgroup_test !== undefined) {
    const t = r.subgroup_test;
    const i2 = t.I2 ?? i2FromQ(t.Q, t.df);
    lines.push(`Test for subgroup differences: Chi² = ${fmt(t.Q)}, df = ${t.df} (${formatPValue(t.pval)}), I² = ${fmt(i2, 1)}%`);
  }
  if (r.heterogeneity.tau2_ci !== null && r.model === "random") {
    const h = r.heterogeneity;
    const ci = h.tau2_ci as [number, number];
    const i2 = h.I2_ci;
    // metafor searches the Q-profile limits up to max(100, 10 tau²) and reports that bound when the limit lies beyond.
    const bound = Math.max(100, 10 * h.tau2);
    const beyond = ci[1] >= bound * (1 - 1e-9);
    const upperText = beyond ? `> ${fmt(bound, 0)}` : fmt(ci[1], 4);
    const i2Text = i2 === null ? "" : `; I² ${fmt(h.I2, 1)}% [${fmt(i2[0], 1)}, ${beyond ? "> " : ""}${fmt(i2[1], 1)}]`;
    lines.push(`Tau² ${fmt(h.tau2, 4)} [${fmt(ci[0], 4)}, ${upperText}]${i2Text} (Q-profile)`);
  }
  if (r.studies.some((s) => s.continuity_corrected)) lines.push("* 0.5 added to every cell of this study (zero cell)");

  if (r.leave_one_out !== undefined) {
    lines.push("", "Leave-one-out");
    lines.push(pad("Omitted", nameW) + pad(effLabel, 28) + pad("P", 10) + pad("Tau²", 10) + "I²");
    for (const l of r.leave_one_out) {
      if (l.estimate === null || l.ci_lb === null || l.ci_ub === null || l.pval === null || l.tau2 === null || l.I2 === null) lines.push(pad(l.omitted, nameW) + "not fitted (see the notes)");
      else lines.push(pad(l.omitted, nameW) + pad(effectText(r, l.estimate, l.ci_lb, l.ci_ub), 28) + pad(formatPValue(l.pval).replace("P ", "").replace("= ", ""), 10) + pad(fmt(l.tau2, 4), 10) + `${fmt(l.I2, 1)}%`);
    }
  }
  if (r.cumulative !== undefined) {
    lines.push("", "Cumulative");
    lines.push(pad("Added", nameW) + pad("k", 5) + pad(effLabel, 28) + pad("P", 10) + pad("Tau²", 10) + "I²");
    for (const c of r.cumulative) {
      if (c.estimate === null || c.ci_lb === null || c.ci_ub === null || c.pval === null || c.tau2 === null || c.I2 === null) lines.push(pad(c.added, nameW) + pad(String(c.k), 5) + "not fitted (see the notes)");
      else lines.push(pad(c.added, nameW) + pad(String(c.k), 5) + pad(effectText(r, c.estimate, c.ci_lb, c.ci_ub), 28) + pad(formatPValue(c.pval).replace("P ", "").replace("= ", ""), 10) + pad(fmt(c.tau2, 4), 10) + `${fmt(c.I2, 1)}%`);
    }
  }
  if (r.bias !== undefined) {
    const b = r.bias;
    lines.push("", "Small-study effects");
    lines.push(`Egger's regression test: intercept ${fmt(b.egger.intercept, 3)} (SE ${fmt(b.egger.intercept_se, 3)}), t = ${fmt(b.egger.statistic)}, df = ${b.egger.df} (${formatPValue(b.egger.pval)})`);
    lines.push(`Begg's rank correlation: Kendall's tau = ${fmt(b.begg.tau, 3)} (${formatPValue(b.begg.pval)})`);
    const tf = b.trimfill;
    if (tf !== undefined) lines.push(`Trim-and-fill (L0): ${tf.k0} stud${tf.k0 === 1 ? "y" : "ies"} filled on the ${tf.side}; adjusted ${effectText(r, tf.estimate, tf.ci_lb, tf.ci_ub)}`);
    else lines.push("Trim-and-fill: not applicable to a meta-regression (models without moderators only)");
  }
  if (r.heterogeneity.tau2_ci_pl !== undefined) {
    const [lb, ub] = r.heterogeneity.tau2_ci_pl;
    lines.push(`Tau² ${fmt(r.heterogeneity.tau2, 4)} [${fmt(lb, 4)}, ${fmt(ub, 4)}] (profile likelihood, ${r.level}% CI)`);
  }
  if (r.meta_regression !== undefined) {
    const m = r.meta_regression;
    lines.push("", `Meta-regression (${m.k} studies; ${m.test === "knha" ? "Knapp-Hartung t and F tests" : "z and chi-square tests"}; coefficients on the analysis scale)`);
    for (const mod of m.moderators) {
      if (mod.kind === "categorical") lines.push(`  ${mod.name}: categorical, reference level "${mod.reference ?? ""}"`);
    }
    const w = Math.max(12, ...m.coefficients.map((c) => c.name.length + 2));
    lines.push(pad("", w) + pad("estimate", 11, true) + pad("SE", 10, true) + pad(m.test === "knha" ? "t" : "z", 9, true) + pad("P", 12, true) + `   ${r.level}% CI`);
    for (const c of m.coefficients) {
      lines.push(pad(c.name, w) + pad(fmt(c.estimate, 4), 11, true) + pad(fmt(c.se, 4), 10, true) + pad(fmt(c.zval), 9, true) + pad(formatPValue(c.pval), 12, true) + `   [${fmt(c.ci_lb, 4)}, ${fmt(c.ci_ub, 4)}]`);
    }
    const qm = m.QM_df2 === null ? `QM = ${fmt(m.QM)}, df = ${m.QM_df}` : `F = ${fmt(m.QM)}, df = ${m.QM_df}, ${m.QM_df2}`;
    lines.push(`Test of moderators: ${qm} (${formatPValue(m.QM_pval)})`);
    lines.push(`Residual heterogeneity: QE = ${fmt(m.QE)}, df = ${m.QE_df} (${formatPValue(m.QE_pval)}); Tau² = ${fmt(m.tau2, 4)}; I² = ${fmt(m.I2, 1)}%${m.R2 === null ? "" : `; R² = ${fmt(m.R2, 1)}%`}`);
    if (m.permutation !== undefined) {
      const p = m.permutation;
      lines.push(`Permutation test (${p.exact ? `exact, all ${p.iterations} distinct permutations` : `${p.iterations} random permutations, seed ${p.seed ?? ""}`}): moderators ${formatPValue(p.QM_pval)}`);
    }
  }
  if (r.influence !== undefined) {
    lines.push("", "Influence diagnostics (metafor influence(); * = influential)");
    const w = Math.max(12, ...r.influence.map((x) => x.study.length + 2));
    lines.push(pad("Study", w) + ["rstudent", "dffits", "cook.d", "cov.r", "tau2.del", "QE.del", "hat", "weight"].map((h) => pad(h, 10, true)).join("") + "  dfbetas");
    for (const x of r.influence) {
      // NA (as R prints it) where the model without the study could not be fitted
      const cell = (v: number | null): string => (v === null ? "NA" : Number.isFinite(v) ? fmt(v, 3) : v > 0 ? "Inf" : "-Inf");
      const cells = [x.rstudent, x.dffits, x.cook_d, x.cov_r, x.tau2_del, x.QE_del, x.hat, x.weight].map((v) => pad(cell(v), 10, true)).join("");
      lines.push(pad(x.study, w) + cells + "  " + x.dfbetas.map(cell).join(" ") + (x.inf ? "  *" : ""));
    }
  }
  if (r.fail_safe !== undefined) {
    const f = r.fail_safe;
    lines.push("", "Fail-safe N");
    lines.push(`Rosenthal: ${f.rosenthal.fsnum} (alpha ${f.rosenthal.alpha}, observed one-sided ${formatPValue(f.rosenthal.pval)})`);
    lines.push(`Orwin: ${f.orwin.fsnum} (target effect ${fmt(f.orwin.target, 4)})`);
    lines.push(`Rosenberg: ${f.rosenberg.fsnum} (alpha ${f.rosenberg.alpha}, observed ${formatPValue(f.rosenberg.pval)})`);
  }
  if (r.notes.length > 0) {
    lines.push("", "Notes");
    for (const n of r.notes) lines.push(`- ${n}`);
  }
  return `${lines.join("\n")}\n`;
}
