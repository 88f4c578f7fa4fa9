/**
 * `decidua evidence ...`: the evidence base on the command line (thin adapter over src/evidence).
 *   validate  [DIR | --data DIR] [--json]     check every file and entry; exit 2 when any problem
 *   export DIR [--version N] [--db DB]        write a published version of the stored base as data/ files
 *   reproduce [--data DIR] [--json]           our pooled results beside the published ones
 *   show THERAPY [--subgroup S] [--json]      the evidence for one therapy (API output)
 *   sof [--json]                              GRADE Summary-of-Findings rows (live birth) for every therapy
 *   sof THERAPY [--format json|csv|docx] [--out FILE] [--measure RR|OR] [--baseline pooled|median]
 *       [--overrides FILE.json] [--rob2 FILE.json]  the therapy's full SoF table vs placebo, every outcome
 *   coverage [--data DIR] [--json]            trials per therapy, outcomes with counts, trials with RoB 1 / RoB 2
 *   import-rm5 FILE.rm5 --out DIR --therapy ID --citation TEXT [--source-id ID] [--doi D] [--pmid P]
 *              [--outcome-kind CMP-001.01=live-birth ...] [--id-prefix P] [--data DIR]
 *                                             a RevMan 5 review as data/-format sources.json + trials.json
 *   plot KIND --out FILE.svg [--therapy ID] [--prisma ID] [--png]
 *                                             rob | rob-summary (RoB 1) | rob2 | rob2-summary (RoB 2; robvis style, per
 *                                             therapy) | prisma (PRISMA 2020 flow)
 */
import { decodeText } from "../../shared/text-encoding.js";
import { existsSync } from "node:fs";
import { access, constants, mkdir, readFile, rename, stat, unlink, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { Command } from "commander";
import { z } from "zod";
import { importRevman5Review } from "../../app/import-rm5.js";
import { coverageTable, evidenceCoverage } from "../../evidence/coverage.js";
import { evidenceIdFrom } from "../../evidence/import-rm5.js";
import { readInputFile } from "../files.js";
import { evidenceForAllTherapies, evidenceForTherapy, type TherapyEvidence } from "../../evidence/api.js";
import { defaultEvidenceDir, loadEvidenceBase, readEvidenceBase } from "../../evidence/load.js";
import { ivigLiveBirthComparison, reproduceAll, type ComparisonEntry, type Reproduction } from "../../evidence/reproduce.js";
import { EvidenceIdSchema, EvidenceOutcomeKindSchema, EvidenceSubgroupSchema, formatEvidenceProblem, type EvidenceBase } from "../../evidence/schema.js";
import { prismaFlowById, prismaCountsFromFlow, prismaFlowTitle, rob2TableFromBase, robinsITableFromBase, robPlotTitle, robTableFromBase } from "../../evidence/plot-inputs.js";
import { ROB_TOOL_NAMES, type RobTable, type RobTool } from "../../evidence/plots/types.js";
import { prismaFlowSvg, robSummarySvg, robTrafficLightSvg } from "../../evidence/plots/index.js";
import { svgToPng } from "../../stats/plots/index.js";
import { exportSummaryOfFindings, parseSofFormat } from "../../app/sof.js";
import type { SofTable, SofTableOptions } from "../../evidence/grade-outcomes.js";
import { assessRob2, type Rob2Assessment, type Rob2AssessmentInput } from "../../evidence/rob2.js";
import { InputError } from "../../shared/errors.js";
import { TherapyIdSchema } from "../../shared/therapies.js";
import type { CliIO } from "../main.js";
import type { SetExit } from "./index.js";

const DataOptionsSchema = z.object({ data: z.string().min(1).optional(), json: z.boolean().optional() });
const ExportOptionsSchema = z.object({
  version: z.coerce.number({ error: "--version must be a whole number" }).int("--version must be a whole number").positive("--version must be 1 or more").optional(),
  db: z.string().min(1).optional(),
});
const ShowOptionsSchema = DataOptionsSchema.extend({ subgroup: z.string().optional() });
const SofOptionsSchema = DataOptionsSchema.extend({
  format: z.string().optional(),
  out: z.string().min(1).optional(),
  measure: z.string().optional(),
  baseline: z.string().optional(),
  overrides: z.string().min(1).optional(),
  rob2: z.string().min(1).optional(),
});
const ImportRm5OptionsSchema = z.object({
  out: z.string().min(1),
  therapy: z.string().min(1),
  citation: z.string().min(10, "the citation must name the review (authors, title, journal, year)"),
  sourceId: z.string().min(1).optional(),
  doi: z.string().regex(/^10\.\d{4,9}\/\S+$/, "a DOI starts with 10.").optional(),
  pmid: z.string().regex(/^\d{5,9}$/, "a PMID is 5 to 9 digits").optional(),
  outcomeKind: z.array(z.string()).optional(),
  idPrefix: z.string().min(1).optional(),
  data: z.string().min(1).optional(),
});

export const EvidencePlotKindSchema = z.enum(["rob", "rob-summary", "rob2", "rob2-summary", "robins-i", "robins-i-summary", "prisma"]);
export type EvidencePlotKind = z.infer<typeof EvidencePlotKindSchema>;
const PlotOptionsSchema = z
  .object({
    out: z.string().min(1, "--out FILE.svg is required").regex(/\.svg$/i, "--out must name a .svg file"),
    therapy: z.string().min(1).optional(),
    prisma: z.string().min(1).optional(),
    png: z.boolean().optional(),
    data: z.string().min(1).optional(),
  })
  .strict();

/** Which tool's judgements each risk-of-bias plot kind draws, and where its table comes from. */
const ROB_PLOT_TOOL: Record<Exclude<EvidencePlotKind, "prisma">, RobTool> = { rob: "RoB1", "rob-summary": "RoB1", rob2: "RoB2", "rob2-summary": "RoB2", "robins-i": "ROBINS-I", "robins-i-summary": "ROBINS-I" };
const ROB_TABLE: Record<RobTool, (base: EvidenceBase, q: { therapy: string }) => RobTable | null> = { RoB1: robTableFromBase, RoB2: rob2TableFromBase, "ROBINS-I": robinsITableFromBase };

/**
 * The SVG of one evidence plot, drawn from the base (pure apart from the base passed in). InputError names the
 * option at fault: the kind, --therapy or --prisma.
 */
export function evidencePlotSvg(base: EvidenceBase, kindRaw: string, o: { therapy?: string | undefined; prisma?: string | undefined }): string {
  const kind = EvidencePlotKindSchema.safeParse(kindRaw);
  if (!kind.success) throw new InputError(`unknown plot kind "${kindRaw}" (use ${EvidencePlotKindSchema.options.join(", ")})`, { field: "KIND" });
  if (kind.data === "prisma") {
    if (o.therapy !== undefined) throw new InputError("--therapy does not apply to the PRISMA flow (give --prisma ID)", { field: "--therapy" });
    const ids = base.prisma.map((p) => `${p.metaAnalysis} or ${p.id}`).join("; ");
    if (o.prisma === undefined) throw new InputError(`the PRISMA flow needs --prisma ID (stored: ${ids || "none"})`, { field: "--prisma" });
    const flow = prismaFlowById(base, o.prisma);
    if (flow === null) throw new InputError(`no PRISMA flow "${o.prisma}" in the evidence base (stored: ${ids || "none"})`, { field: "--prisma" });
    return prismaFlowSvg(prismaCountsFromFlow(flow), { title: prismaFlowTitle(base, flow), file: "prisma.json" });
  }
  if (o.prisma !== undefined) throw new InputError(`--prisma applies to the prisma plot only, not ${kind.data}`, { field: "--prisma" });
  if (o.therapy === undefined) throw new InputError(`the ${kind.data} plot needs --therapy ID (${TherapyIdSchema.options.join(", ")})`, { field: "--therapy" });
  const therapy = TherapyIdSchema.safeParse(o.therapy);
  if (!therapy.success) throw new InputError(`unknown therapy "${o.therapy}" (use ${TherapyIdSchema.options.join(", ")})`, { field: "--therapy" });
  const tool = ROB_PLOT_TOOL[kind.data];
  const table = ROB_TABLE[tool](base, { therapy: therapy.data });
  if (table === null) throw new InputError(`no trial of ${therapy.data} carries a ${ROB_TOOL_NAMES[tool]} assessment in the evidence base`, { field: "--therapy" });
  return kind.data.endsWith("-summary") ? robSummarySvg(table, { title: robPlotTitle(therapy.data, "summary", tool) }) : robTrafficLightSvg(table, { title: robPlotTitle(therapy.data, "traffic-light", tool) });
}

async function checkWritablePath(path: string): Promise<void> {
  const dir = dirname(path);
  try {
    await access(dir, constants.W_OK);
  } catch {
    throw new InputError(`cannot write ${path}: directory ${dir} does not exist or is not writable`, { field: "--out" });
  }
  const existing = await stat(path).catch(() => undefined);
  if (existing !== undefined && !existing.isFile()) throw new InputError(`cannot write ${path}: it is a directory or special file`, { field: "--out" });
}

/** Writes every file under a temporary name, then renames them: a failure leaves no partial output. */
async function writeAll(files: Array<{ path: string; content: string | Uint8Array }>): Promise<void> {
  const tmp = files.map((f, i) => ({ ...f, tmp: `${f.path}.${process.pid}.${i}.tmp` }));
  try {
    for (const f of tmp) await writeFile(f.tmp, f.content);
  } catch (e) {
    await Promise.all(tmp.map((f) => unlink(f.tmp).catch(() => undefined)));
    throw new InputError(`cannot write ${files.map((f) => f.path).join(", ")} (${(e as { code?: string }).code ?? String(e)})`, { field: "--out" });
  }
  for (const f of tmp) await rename(f.tmp, f.path);
}

function parseOptions<S extends z.ZodType>(schema: S, raw: unknown): z.output<S> {
  const r = schema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new InputError(issue?.message ?? "bad option", { field: `--${String(issue?.path[0] ?? "")}` });
  }
  return r.data;
}

function baseFrom(dir: string | undefined): EvidenceBase {
  return loadEvidenceBase(dir ?? defaultEvidenceDir());
}

const f2 = (x: number): string => (Math.abs(x) >= 10 ? x.toFixed(1) : x.toFixed(2));

function reproductionText(r: Reproduction): string {
  const p = r.published;
  const lines = [
    `${r.label}${r.subgroup !== null ? ` [${r.subgroup}]` : ""}`,
    `  published: ${p.measure} ${p.estimate} (${p.ci_low} to ${p.ci_high})${p.k !== null ? `, k = ${p.k}` : ""}${p.participants !== null ? `, n = ${p.participants}` : ""}; method ${p.method ?? "not stated"}, model ${p.model ?? "not stated"}`,
    r.ours === null
      ? "  ours: no trial of this analysis has counts in the base"
      : `  ours (${r.settings}): ${r.ours.measure} ${f2(r.ours.estimate)} (${f2(r.ours.ci_low)} to ${f2(r.ours.ci_high)}), k = ${r.ours.k}, n = ${r.ours.participants}, I² = ${r.ours.I2.toFixed(0)}%`,
  ];
  for (const row of r.included) lines.push(`    + ${row.label}: ${row.counts.events_t}/${row.counts.total_t} vs ${row.counts.events_c}/${row.counts.total_c} (${row.definition}; ${row.analysis}; ${row.status})`);
  for (const e of r.excluded) lines.push(`    - ${e.label}: ${e.reason}`);
  for (const d of r.differences) lines.push(`  * ${d}`);
  return lines.join("\n");
}

function comparisonText(e: ComparisonEntry): string {
  const m = e.measure === "PetoOR" ? "Peto OR" : e.measure;
  return `  ${e.who === "decidua" ? "[ours]" : "[published]"} ${e.label}: ${m} ${f2(e.estimate)} (${f2(e.ci_low)} to ${f2(e.ci_high)})${e.k !== null ? `, k = ${e.k}` : ""}${e.participants !== null ? `, n = ${e.participants}` : ""}; ${e.method}. ${e.note}`;
}

function evidenceText(e: TherapyEvidence): string {
  const lines = [`${e.name} (${e.therapy})${e.subgroup !== null ? `, subgroup ${e.subgroup}` : ""}`];
  if (e.regulatoryStatus !== null) lines.push(`  regulatory: ${e.regulatoryStatus}`);
  if (e.summary !== null) {
    const s = e.summary;
    lines.push(`  summary: ${s.relative.text}; ${s.difference.text} at a baseline of ${s.assumed.per1000} per 1,000; ${s.studies} RCT${s.studies === 1 ? "" : "s"}, ${s.participants} participants; certainty ${s.certainty.level.toUpperCase()}`);
    if (e.summaryPlain !== null) lines.push(`    in words: ${e.summaryPlain}`);
    lines.push(`    basis: ${s.basis}`);
    lines.push(`    baseline: ${s.assumed.source}`);
    for (const r of s.reasons) lines.push(`    - ${r}`);
  } else lines.push(`  summary: none (${e.summaryNote})`);
  if (e.subgroupNote !== null) lines.push(`  subgroup: ${e.subgroupNote}`);
  if (e.conflicts.length > 0) {
    lines.push("  published results (side by side, not averaged):");
    for (const c of e.conflicts) {
      lines.push(`    ${c.direction.padEnd(20)} ${c.text} [${c.designClass}]`);
      for (const k of c.concerns) lines.push(`${" ".repeat(25)}! ${k}`);
    }
  }
  if (e.conflictNote !== null) lines.push(`  CONFLICT: ${e.conflictNote}`);
  lines.push("  guideline positions:");
  for (const g of e.guidelines) lines.push(`    ${g.body} ${g.year}: ${g.direction}${g.strength !== null ? ` (${g.strength})` : ""}${g.verified ? "" : " [UNVERIFIED]"}: ${g.statement} (${g.citation.link ?? g.citation.text})`);
  return lines.join("\n");
}

/** `--data DIR`, the evidence base a command reads (default: the repository's data/). */
const DATA_OPTION = ["--data <dir>", "data directory (default: the repository's data/)"] as const;

export function register(program: Command, io: CliIO, setExit: SetExit): void {
  const ev = program.command("evidence").description("the sourced evidence base: validate, reproduce, show, sof");

  ev.command("validate")
    .description("check every file and entry of the evidence base; exit 2 when any problem")
    .argument("[dir]", "data directory (same as --data)")
    .option(...DATA_OPTION)
    .option("--json", "print {ok, problems:[{file, entry, field, message}]}")
    .action((dirArg: string | undefined, raw: unknown) => {
      const o = parseOptions(DataOptionsSchema, raw);
      const dir = dirArg ?? o.data ?? defaultEvidenceDir();
      const { base, problems } = readEvidenceBase(dir);
      if (o.json === true) io.out(JSON.stringify({ ok: problems.length === 0, dir, problems }, null, 2) + "\n");
      else if (problems.length === 0) {
        io.out(
          `evidence base OK (${dir}): ${base.sources.length} sources, ${base.therapies.length} therapies, ${base.guidelines.length} guideline positions (${base.guidelines.filter((g) => g.verified).length} verified), ${base.trials.length} trials, ${base.metaAnalyses.length} meta-analyses, ${base.prisma.length} PRISMA flows\n`,
        );
      } else {
        io.err(`evidence base in ${dir}: ${problems.length} problem(s)\n`);
        for (const p of problems) io.err(`  ${formatEvidenceProblem(p)}\n`);
      }
      if (problems.length > 0) setExit(2);
    });

  ev.command("export")
    .description("write the current published version of the stored evidence base (or --version N) as data/-format JSON files")
    .argument("<dir>", "output directory (created if missing; the six files are replaced)")
    .option("--version <n>", "published version number (default: the latest)")
    .option("--db <file-or-url>", "SQLite file or postgres:// URL (env DECIDUA_DB or DATABASE_URL; default ./decidua.sqlite)")
    .action(async (dir: string, raw: unknown) => {
      const o = parseOptions(ExportOptionsSchema, raw);
      const { exportEvidenceVersion } = await import("../evidence-export.js");
      const v = await exportEvidenceVersion(dir, o.db, o.version);
      io.out(`evidence v${v.number} (published ${v.publishedAt.slice(0, 10)}, sha-256 ${v.contentHash.slice(0, 16)}…) written to ${dir}: ${v.files.join(", ")}\n`);
    });

  /** A command that reads the base (--data) and prints one report of it: as JSON with --json, else as text. */
  const baseReport = <T>(name: string, description: string, jsonHelp: string, report: (base: EvidenceBase) => T, text: (r: T) => string) =>
    ev.command(name)
      .description(description)
      .option(...DATA_OPTION)
      .option("--json", jsonHelp)
      .action((raw: unknown) => {
        const o = parseOptions(DataOptionsSchema, raw);
        const r = report(baseFrom(o.data));
        io.out(o.json === true ? JSON.stringify(r, null, 2) + "\n" : text(r));
      });

  baseReport(
    "reproduce",
    "run every stored meta-analysis with study-level data and show our result beside the published one",
    "print {reproductions, ivigLiveBirth} as JSON",
    (base) => ({ reproductions: reproduceAll(base), ivigLiveBirth: ivigLiveBirthComparison(base) }),
    ({ reproductions, ivigLiveBirth: ivig }) =>
      [
        "IVIG and live birth: published and Decidua results side by side (not averaged)\n",
        ...ivig.entries.map((e) => comparisonText(e) + "\n"),
        ...ivig.explanation.map((x) => `  * ${x}\n`),
        "\nReproductions\n",
        ...reproductions.map((r) => reproductionText(r) + "\n\n"),
      ].join(""),
  );

  ev.command("show")
    .description("the evidence for one therapy: summary of findings, published results side by side, guideline positions")
    .argument("<therapy>", `therapy id (${TherapyIdSchema.options.join(", ")})`)
    .option("--subgroup <subgroup>", `patient subgroup (${EvidenceSubgroupSchema.options.join(", ")})`)
    .option(...DATA_OPTION)
    .option("--json", "print the API result as JSON")
    .action((therapyRaw: string, raw: unknown) => {
      const o = parseOptions(ShowOptionsSchema, raw);
      const therapy = TherapyIdSchema.safeParse(therapyRaw);
      if (!therapy.success) throw new InputError(`unknown therapy "${therapyRaw}" (use ${TherapyIdSchema.options.join(", ")})`, { field: "therapy" });
      let subgroup: z.infer<typeof EvidenceSubgroupSchema> | undefined;
      if (o.subgroup !== undefined) {
        const s = EvidenceSubgroupSchema.safeParse(o.subgroup);
        if (!s.success) throw new InputError(`unknown subgroup "${o.subgroup}" (use ${EvidenceSubgroupSchema.options.join(", ")})`, { field: "--subgroup" });
        subgroup = s.data;
      }
      const e = evidenceForTherapy(baseFrom(o.data), therapy.data, subgroup === undefined ? {} : { subgroup });
      io.out(o.json === true ? JSON.stringify(e, null, 2) + "\n" : evidenceText(e) + "\n");
    });

  ev.command("plot")
    .description("draw an evidence plot as SVG: rob / rob2 / robins-i (traffic light) or rob-summary / rob2-summary / robins-i-summary for a therapy's studies (RoB 1, RoB 2, ROBINS-I), prisma (PRISMA 2020 flow of a review)")
    .argument("<kind>", `plot kind (${EvidencePlotKindSchema.options.join(", ")})`)
    .requiredOption("--out <file>", "SVG file to write")
    .option("--therapy <id>", `therapy for rob and rob-summary (${TherapyIdSchema.options.join(", ")})`)
    .option("--prisma <id>", "meta-analysis (or PRISMA flow) id for prisma, e.g. gao-2025")
    .option("--png", "also write FILE.png beside the SVG")
    .option(...DATA_OPTION)
    .action(async (kind: string, raw: unknown) => {
      const o = parseOptions(PlotOptionsSchema, raw);
      const svg = evidencePlotSvg(baseFrom(o.data), kind, o);
      const files: Array<{ path: string; content: string | Uint8Array }> = [{ path: o.out, content: svg }];
      if (o.png === true) files.push({ path: o.out.replace(/\.svg$/i, ".png"), content: svgToPng(svg) });
      for (const f of files) await checkWritablePath(f.path);
      await writeAll(files);
      io.out(files.map((f) => `wrote ${f.path}\n`).join(""));
    });

  baseReport(
    "coverage",
    "how much of the base is filled in: trials per therapy, outcomes with arm counts, trials with RoB 1 / RoB 2",
    "print the coverage as JSON",
    evidenceCoverage,
    (c) => coverageTable(c) + "\n",
  );

  ev.command("import-rm5")
    .description("a RevMan 5 review (.rm5) as evidence-base entries: studies as trials, dichotomous data as outcome rows, the RoB 1 table, the review as source; written as data/-format JSON (sources.json, trials.json) in --out")
    .argument("<file>", "RevMan 5 review (.rm5)")
    .requiredOption("--out <dir>", "directory to write sources.json and trials.json to (created if missing; existing files are never overwritten)")
    .requiredOption("--therapy <id>", `which therapy the review's experimental arm is (${TherapyIdSchema.options.join(", ")})`)
    .requiredOption("--citation <text>", "the review's citation as a reader would look it up (authors, title, journal, year)")
    .option("--source-id <id>", "id of the review's source entry (default: from the review's title)")
    .option("--doi <doi>", "the review's DOI")
    .option("--pmid <pmid>", "the review's PMID")
    .option("--outcome-kind <id=kind>", "outcome kind of a RevMan outcome (repeatable), e.g. CMP-001.01=live-birth", (v: string, prev: string[] = []) => [...prev, v])
    .option("--id-prefix <prefix>", "prefix for every imported trial id")
    .option("--data <dir>", "the base the import must fit (default: the repository's data/)")
    .action(async (file: string, raw: unknown) => {
      const o = parseOptions(ImportRm5OptionsSchema, raw);
      const therapy = TherapyIdSchema.safeParse(o.therapy);
      if (!therapy.success) throw new InputError(`unknown therapy "${o.therapy}" (use ${TherapyIdSchema.options.join(", ")})`, { field: "--therapy" });
      const outcomeKinds: Record<string, z.infer<typeof EvidenceOutcomeKindSchema>> = {};
      for (const pair of o.outcomeKind ?? []) {
        const m = /^([^=]+)=(.+)$/.exec(pair);
        const kind = EvidenceOutcomeKindSchema.safeParse(m?.[2]);
        if (m === null || !kind.success) throw new InputError(`"${pair}" is not OUTCOME_ID=KIND with KIND one of ${EvidenceOutcomeKindSchema.options.join(", ")}`, { field: "--outcome-kind" });
        outcomeKinds[m[1]!] = kind.data;
      }
      const bytes = await readInputFile(file);
      const base = baseFrom(o.data);
      const sourceId = o.sourceId ?? `review-${evidenceIdFrom(file.replace(/^.*[\\/]/, "").replace(/\.rm5$/i, ""))}`;
      if (!EvidenceIdSchema.safeParse(sourceId).success) throw new InputError(`"${sourceId}" is not an evidence id (lower-case letters, digits and hyphens)`, { field: "--source-id" });
      const result = importRevman5Review(bytes, base, {
        file,
        therapy: therapy.data,
        source: { id: sourceId, citation: o.citation, ...(o.doi !== undefined ? { doi: o.doi } : {}), ...(o.pmid !== undefined ? { pmid: o.pmid } : {}) },
        outcomeKinds,
        ...(o.idPrefix !== undefined ? { idPrefix: o.idPrefix } : {}),
      });
      const targets = [
        { path: join(o.out, "sources.json"), content: JSON.stringify(result.content.sources, null, 2) + "\n" },
        { path: join(o.out, "trials.json"), content: JSON.stringify(result.content.trials, null, 2) + "\n" },
      ];
      for (const t of targets) if (existsSync(t.path)) throw new InputError(`${t.path} exists: the import never overwrites a file (choose an empty --out directory)`, { field: "--out" });
      await mkdir(o.out, { recursive: true }).catch((e: unknown) => {
        throw new InputError(`cannot create ${o.out} (${(e as { code?: string }).code ?? String(e)})`, { field: "--out" });
      });
      for (const t of targets) await checkWritablePath(t.path);
      await writeAll(targets);
      const rows = result.content.trials.reduce((n, t) => n + t.outcomes.length, 0);
      io.out(`imported "${result.title}": ${result.content.trials.length} trials, ${rows} outcome rows, ${result.content.trials.filter((t) => t.rob !== null).length} with RoB 1\n`);
      for (const s of result.skipped) io.out(`  skipped ${s.element}: ${s.reason}\n`);
      for (const t of targets) io.out(`wrote ${t.path}\n`);
    });

  ev.command("sof")
    .description("GRADE Summary of Findings: without THERAPY, the live-birth row of every therapy; with THERAPY, its full table vs placebo (every outcome) as text, json, csv or docx")
    .argument("[therapy]", `therapy id (${TherapyIdSchema.options.join(", ")})`)
    .option("--format <format>", "json | csv | docx (default: from --out's extension, else text)")
    .option("--out <file>", "file to write (required for docx)")
    .option("--measure <measure>", "RR (default) or OR")
    .option("--baseline <rule>", "assumed control risk: pooled (default) or median of the trials' control arms")
    .option("--overrides <file>", "JSON file of a reviewer's GRADE domain ratings: {outcome: {domain: {downgrade, reason}}}")
    .option("--rob2 <file>", "JSON file: array of RoB 2 assessments (answers per domain) to read instead of the RoB 1 entries")
    .option(...DATA_OPTION)
    .option("--json", "print as JSON (same as --format json)")
    .action(async (therapyRaw: string | undefined, raw: unknown) => {
      const o = parseOptions(SofOptionsSchema, raw);
      if (therapyRaw === undefined) {
        for (const [flag, v] of [["--format", o.format], ["--out", o.out], ["--measure", o.measure], ["--baseline", o.baseline], ["--overrides", o.overrides], ["--rob2", o.rob2]] as const)
          if (v !== undefined) throw new InputError(`${flag} needs a THERAPY (e.g. decidua evidence sof ivig ${flag} …)`, { field: flag });
        sofAllText(io, baseFrom(o.data), o.json === true);
        return;
      }
      const fromExt = o.out?.match(/\.(json|csv|docx)$/i)?.[1];
      const format = o.format !== undefined ? parseSofFormat(o.format, "--format") : o.json === true ? "json" : fromExt !== undefined ? parseSofFormat(fromExt, "--out") : null;
      if (format === "docx" && o.out === undefined) throw new InputError("--format docx needs --out FILE.docx", { field: "--out" });
      const options: SofTableOptions = {};
      if (o.measure !== undefined) options.measure = parseChoice(o.measure.toUpperCase(), ["RR", "OR"] as const, "--measure");
      if (o.baseline !== undefined) options.baseline = parseChoice(o.baseline.toLowerCase(), ["pooled", "median"] as const, "--baseline");
      if (o.overrides !== undefined) options.overrides = await readJsonFile(o.overrides, "--overrides");
      if (o.rob2 !== undefined) options.rob2 = rob2FromFile(await readJsonFile(o.rob2, "--rob2"), o.rob2);
      const ex = await exportSummaryOfFindings(baseFrom(o.data), therapyRaw, format ?? "json", options);
      if (o.out !== undefined) {
        await checkWritablePath(o.out);
        await writeAll([{ path: o.out, content: ex.body }]);
        io.out(`wrote ${o.out} (${ex.format}, ${ex.table.outcomes.length} outcomes)\n`);
      } else if (format === null) io.out(sofTableText(ex.table));
      else io.out(typeof ex.body === "string" ? ex.body : Buffer.from(ex.body).toString("utf8"));
    });
}

function sofAllText(io: CliIO, base: EvidenceBase, json: boolean): void {
  const all = evidenceForAllTherapies(base);
  if (json) {
    io.out(JSON.stringify(all.map((e) => ({ therapy: e.therapy, summary: e.summary, summaryNote: e.summaryNote })), null, 2) + "\n");
    return;
  }
  for (const e of all) {
    const s = e.summary;
    io.out(
      s === null
        ? `${e.name}: no summary (${e.summaryNote})\n`
        : `${e.name}: ${s.relative.text}; ${s.difference.text}; ${s.studies} RCT${s.studies === 1 ? "" : "s"}, ${s.participants} participants; certainty ${s.certainty.level.toUpperCase()}\n${s.reasons.map((r) => `    - ${r}\n`).join("")}`,
    );
  }
}

function sofTableText(t: SofTable): string {
  const lines = [`Summary of findings: ${t.comparison}`, `  ${t.basis}`];
  for (const r of t.outcomes) {
    if (r.status !== "estimated" || r.relative === null || r.certainty === null || r.difference === null || r.assumed === null)
      lines.push(`  ${r.label}: ${r.status}${r.note !== null ? ` (${r.note})` : ""}`);
    else
      lines.push(
        `  ${r.label}: ${r.relative.text}; ${r.assumed.per1000} per 1,000 with placebo, ${r.difference.text}; ${r.participants} participants (${r.studies} RCT${r.studies === 1 ? "" : "s"}); ${r.certainty.symbols} ${r.certainty.level.toUpperCase()} [${r.footnotes.join(",")}]`,
        `    ${r.statement}`,
      );
  }
  lines.push("  Footnotes:");
  for (const f of t.footnotes) lines.push(`    ${f.mark}. ${f.text}`);
  return lines.join("\n") + "\n";
}

function parseChoice<T extends string>(v: string, options: readonly T[], field: string): T {
  const hit = options.find((x) => x === v);
  if (hit === undefined) throw new InputError(`${field} must be one of ${options.join(", ")} (got "${v}")`, { field });
  return hit;
}

async function readJsonFile(path: string, field: string): Promise<unknown> {
  let text: string;
  try {
    text = decodeText(new Uint8Array(await readFile(path))).text;
  } catch (e) {
    throw new InputError(`cannot read ${path} (${(e as { code?: string }).code ?? String(e)})`, { file: path, field });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new InputError(`${path} is not JSON: ${e instanceof Error ? e.message : String(e)}`, { file: path, field });
  }
}

function rob2FromFile(raw: unknown, file: string): Rob2Assessment[] {
  if (!Array.isArray(raw)) throw new InputError("expected a JSON array of RoB 2 assessments", { file, field: "--rob2" });
  return raw.map((a: unknown, i) => {
    try {
      return assessRob2(a as Rob2AssessmentInput);
    } catch (e) {
      if (e instanceof InputError) throw new InputError(`assessment #${i + 1}: ${e.reason}`, { file, field: e.location.field ?? "--rob2" });
      throw e;
    }
  });
}
