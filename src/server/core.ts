/**
 * The server's window on the pure core: record validation (clinical/), assessment and plans (clinical/),
 * the evidence base (evidence/) and the workbench (stats/). Routes call only this; it holds no domain logic.
 *
 * Live: record validation (PatientRecordSchema, parsePatientRecord), assessment (assessRecord) and plans
 * (planProtocol) from src/clinical; the workbench analysis through the use case `decidua meta` runs (src/app/meta.ts);
 * the evidence browser's analyses and plots from src/evidence.
 * The evidence base (src/evidence) is read from the store (seeded from data/ on first start) and re-validated
 * entry by entry with the evidence schemas; without one the evidence routes answer 503.
 */
import { gzipSync } from "node:zlib";
import { z } from "zod";
import { PatientRecordSchema, assessRecord, checkRecordOn, evidenceLookupFromBase, noEvidenceLookup, parsePatientRecord, planProtocol } from "../clinical/index.js";
import type { Assessment, EvidenceLookup, PatientRecord, Plan } from "../clinical/index.js";
import type { RecordDateContext } from "../clinical/record.js";
import { InputError, isInputError } from "../shared/errors.js";
import type { TherapyId } from "../shared/therapies.js";
import { THERAPY_IDS, THERAPY_NAMES } from "../shared/therapies.js";
import { EvidenceStore, type EvidenceVersion, type Store } from "../store/index.js";
import { evidenceVersionLabel, type EvidenceVersionRef } from "../evidence/versions.js";
import { analyseStudyTable } from "../app/meta.js";
import { analyseNetworkTable } from "../app/nma.js";
import { analyseTsaTable, tsaJson } from "../app/tsa.js";
import { metaBundle, nmaBundle, tsaBundle, type BundleVersions } from "./bundle.js";
import { nmaIsRatio, type NmaOptions, type NmaResult } from "../stats/nma/index.js";
import type { TsaOptions, TsaResult } from "../stats/tsa/index.js";
import { exportSummaryOfFindings, type SofExport, type SofFormat } from "../app/sof.js";
import type { SofTableOptions } from "../evidence/grade-outcomes.js";
import { antibodyFollowups, outcomesNotInRecord, recordWithFollowups, type ClinicalFollowUp } from "../app/followups.js";
export type { ClinicalFollowUp } from "../app/followups.js";
import type { MetaOptions, MetaResult } from "../stats/types.js";
import { baujatPlotSvg, bubblePlotSvg, forestPlotSvg, funnelPlotSvg, svgToPng, type ForestPlotOptions } from "../stats/plots/index.js";
import { toCsv } from "./csv.js";
import { unavailable } from "./errors.js";
import {
  evidenceForTherapy,
  formatEvidenceProblem,
  parseEvidenceContent,
  therapyOutcomeAnalysis,
  therapyOutcomePlotLabels,
  therapyOutcomeListing,
  type EvidencePlotOutcome,
  type TherapyOutcomeListing,
  reproduceAll,
  robTableFromBase,
  auditEvidenceBase,
  robTrafficLightSvg,
  robSummarySvg,
  robPlotTitle,
  prismaFlowSvg,
  prismaFlowById,
  prismaCountsFromFlow,
  prismaFlowTitle,
  prismaFlowListing,
  type PrismaFlowListing,
} from "../evidence/index.js";
import { liveBirthNetwork, type LiveBirthNetwork } from "../evidence/network.js";
import { networkPlotSvg, nmaForestPlotSvg } from "../stats/nma/plots.js";
import type { BaseAuditEntry, EvidenceBase, EvidenceSubgroup, Reproduction, TherapyEvidence } from "../evidence/index.js";
import type { StudyRow } from "../stats/types.js";
import type { ReadOptionNames } from "../stats/input.js";

/** The patient record as the API accepts it: schema (values with units, dates YYYY-MM-DD). */
export const RecordBodySchema = PatientRecordSchema;
export type RecordBody = z.output<typeof PatientRecordSchema>;


/** A JSON answer as bytes, with its gzip form made on first request (memoised with it). */
export class AssessmentBody {
  #gzip: Buffer | null = null;
  constructor(readonly json: Buffer) {}
  get gzip(): Buffer {
    if (this.#gzip === null) this.#gzip = gzipSync(this.json, { level: 6 });
    return this.#gzip;
  }
}

export interface MetaUpload {
  name: string;
  content: Buffer;
  /** What of the file is read, as the API's options.outcome (a RevMan outcome) and options.sheet (a worksheet) choose it. */
  outcome?: string;
  sheet?: string;
}

/** The API names the options choosing what of an upload is read by their fields (errors name them so). */
export const API_READ_OPTION_NAMES: ReadOptionNames = { sheet: "options.sheet", outcome: "options.outcome" };

/** An upload as the use cases read it (src/app): its name, bytes and what of it is read, errors naming the API's fields. */
function uploadTable(file: MetaUpload): { file: string; bytes: Uint8Array; outcome?: string; sheet?: string; names: ReadOptionNames } {
  return { file: file.name, bytes: new Uint8Array(file.content), ...(file.outcome !== undefined ? { outcome: file.outcome } : {}), ...(file.sheet !== undefined ? { sheet: file.sheet } : {}), names: API_READ_OPTION_NAMES };
}

/** The choices of what of an upload was read, as options.json of a bundle records them beside the engine's options. */
function readChoices(file: MetaUpload): { outcome?: string; sheet?: string } {
  return { ...(file.outcome !== undefined ? { outcome: file.outcome } : {}), ...(file.sheet !== undefined ? { sheet: file.sheet } : {}) };
}

/** Runs a record check and names a failing field as the API does: "record.<path>" (dateOfBirth stays top-level). */
function inRecord<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (isInputError(e)) {
      const raw = e.location.field;
      const field = raw === undefined ? "record" : raw === "dateOfBirth" ? raw : `record.${raw.replace(/\[(\d+)\]/g, ".$1")}`;
      throw new InputError(e.reason, { field });
    }
    throw e;
  }
}

export class CoreServices {
  /** Normalised records by patient id and version (records are immutable per version). */
  private readonly normalised = new Map<string, PatientRecord>();
  private readonly assessments = new Map<string, AssessmentBody>();
  /** Set from the server config (default true). */
  cacheAssessments = true;
  private lookup: EvidenceLookup;
  private evidence: EvidenceBase | null;
  /** The published version in use (null for a base stored before versions, or none). */
  private version: EvidenceVersionRef | null;
  /** Lookups of earlier versions (for the verdict-change check), by version number. */
  private readonly lookups = new Map<number, EvidenceLookup>();

  private constructor(evidence: EvidenceBase | null, version: EvidenceVersionRef | null) {
    // the assessment's evidence and guideline positions come from the same base as the evidence routes
    this.evidence = evidence;
    this.version = version;
    this.lookup = evidence !== null ? evidenceLookupFromBase(evidence, { warm: true }) : noEvidenceLookup;
    if (version !== null) this.lookups.set(version.number, this.lookup);
  }

  /** From the latest published version (issue 11); a base stored before versions existed is used without a number. */
  static async create(store: Store): Promise<CoreServices> {
    const latest = await new EvidenceStore(store).latestEvidenceVersion();
    if (latest !== null) return new CoreServices(CoreServices.parseEvidence(latest.content), CoreServices.refOf(latest));
    const stored = await store.getEvidence("default");
    return new CoreServices(stored === null ? null : CoreServices.parseEvidence(stored.content), null);
  }

  private static refOf(v: EvidenceVersionRef): EvidenceVersionRef {
    return { number: v.number, publishedAt: v.publishedAt, contentHash: v.contentHash };
  }

  /**
   * Switches to a newly published version without a restart: the evidence routes and every later assessment read
   * it; memoised assessments of the old version are dropped (their cache key names the version, too).
   */
  useEvidenceVersion(v: EvidenceVersion): void {
    const base = CoreServices.parseEvidence(v.content);
    const lookup = evidenceLookupFromBase(base, { warm: true });
    this.evidence = base;
    this.lookup = lookup;
    this.version = CoreServices.refOf(v);
    this.lookups.set(v.number, lookup);
    this.assessments.clear();
  }

  /** The evidence lookup of a base (memoised for published versions by number). */
  lookupFor(base: EvidenceBase, version?: number): EvidenceLookup {
    if (version !== undefined) {
      const hit = this.lookups.get(version);
      if (hit !== undefined) return hit;
    }
    const lookup = evidenceLookupFromBase(base);
    if (version !== undefined) {
      if (this.lookups.size > 8) this.lookups.clear();
      this.lookups.set(version, lookup);
    }
    return lookup;
  }

  private checkedAt = 0;
  /**
   * Picks up a version published by another server process on the same database: at most every `everyMs`, one
   * `max(id)` query; a newer version is loaded and used (the publishing process switches at once).
   */
  async refreshEvidence(store: Store, nowMs: number, everyMs = 5000): Promise<void> {
    if (nowMs - this.checkedAt < everyMs) return;
    this.checkedAt = nowMs;
    const es = new EvidenceStore(store);
    const latest = await es.latestEvidenceVersionNumber();
    if (latest > 0 && latest !== this.version?.number) this.useEvidenceVersion(await es.getEvidenceVersion(latest));
  }

  /** The version in use, or null. */
  evidenceVersion(): EvidenceVersionRef | null {
    return this.version;
  }

  /** The base in use (null when none is stored). */
  evidenceBase(): EvidenceBase | null {
    return this.evidence;
  }

  /**
   * Re-validates a stored evidence base with the checks `decidua evidence validate` runs on data/ (every entry's
   * schema and the cross-file references); throws InputError naming every problem, the first one's file as location.
   */
  static parseEvidence(content: unknown): EvidenceBase {
    const { base, problems } = parseEvidenceContent((content ?? {}) as Record<string, unknown>);
    const first = problems[0];
    if (first !== undefined) {
      throw new InputError(`stored evidence base: ${problems.length} problem(s):\n  ${problems.map(formatEvidenceProblem).join("\n  ")}`, {
        file: first.file,
        ...(first.field !== undefined ? { field: first.field } : {}),
      });
    }
    return base;
  }

  private base(): EvidenceBase {
    if (this.evidence === null) throw unavailable("the evidence base (run the server with seeding, or restore a backup with one)");
    return this.evidence;
  }

  checkRecord(record: unknown, on?: RecordDateContext): PatientRecord {
    return CoreServices.checkRecord(record, on);
  }

  /**
   * Full validation of a record (schema and cross-field checks; with `on`, also nothing dated after that day, no
   * result before the date of birth, no impossible age); InputError with field "record.<path>".
   */
  static checkRecord(record: unknown, on?: RecordDateContext): PatientRecord {
    return inRecord(() => {
      const r = parsePatientRecord(record);
      if (on !== undefined) checkRecordOn(r, on);
      return r;
    });
  }

  /**
   * The record as the rules read it, with the stored anti-paternal antibody follow-ups merged into
   * record.followUps; cached per patient version and follow-up set.
   */
  private normalise(key: string, record: unknown, followups: readonly ClinicalFollowUp[]): PatientRecord {
    const cacheKey = `${key}|${antibodyFollowups(followups).map((f) => `${f.date}:${String(f.positive)}`).join(",")}`;
    const hit = this.normalised.get(cacheKey);
    if (hit !== undefined) return hit;
    const merged = recordWithFollowups(record, followups);
    const r = this.checkRecord(merged);
    if (this.normalised.size > 5000) this.normalised.clear();
    this.normalised.set(cacheKey, r);
    return r;
  }

  therapies(): Array<{ id: TherapyId; name: string }> {
    return THERAPY_IDS.map((id) => ({ id, name: THERAPY_NAMES[id] }));
  }

  /** The assessment of the patient on `today`. `key` identifies the record version (patient id and version). */
  assess(key: string, record: unknown, followups: readonly ClinicalFollowUp[], today: string, dateOfBirth?: string): Assessment {
    return this.assessUnder(this.lookup, this.version, key, record, followups, today, dateOfBirth);
  }

  /** The assessment under a given evidence lookup (the verdict-change check assesses under two bases). */
  assessUnder(lookup: EvidenceLookup, version: EvidenceVersionRef | null, key: string, record: unknown, followups: readonly ClinicalFollowUp[], today: string, dateOfBirth?: string): Assessment {
    const r = this.normalise(key, record, followups);
    const a = inRecord(() =>
      assessRecord(r, {
        today,
        evidence: lookup,
        ...(dateOfBirth !== undefined ? { dateOfBirth } : {}),
        ...(version !== null ? { evidenceVersion: version } : {}),
      }),
    );
    a.warnings.push(...outcomesNotInRecord(r, followups));
    return a;
  }

  /**
   * The body of GET /api/patients/:id/assessment, `{"patient": …, "assessment": …}`, as UTF-8 bytes, memoised per
   * `key` (patient id, record version and follow-up revision) and date; the follow-ups are read only on a miss: the assessment is a pure function of these and the evidence base
   * (fixed for the server's life), and the patient summary is fixed per version. Bytes rather than text, so a
   * cache hit costs neither serialisation nor encoding. `assessmentCache: false` in the server config turns it off.
   */
  async assessmentBody(
    key: string,
    record: () => unknown,
    followups: () => Promise<readonly ClinicalFollowUp[]>,
    today: string,
    patientJson: () => string,
    dateOfBirth?: string,
  ): Promise<AssessmentBody> {
    const make = async (): Promise<AssessmentBody> => new AssessmentBody(Buffer.from(`{"patient":${patientJson()},"assessment":${JSON.stringify(this.assess(key, record(), await followups(), today, dateOfBirth))}}`, "utf8"));
    if (!this.cacheAssessments) return make();
    const cacheKey = `${key}|${today}|v${this.version?.number ?? 0}`;
    const hit = this.assessments.get(cacheKey);
    if (hit !== undefined) return hit;
    const body = await make();
    if (this.assessments.size >= 1000) {
      const oldest = this.assessments.keys().next();
      if (oldest.done !== true) this.assessments.delete(oldest.value);
    }
    this.assessments.set(cacheKey, body);
    return body;
  }

  /** A dated plan for one therapy from `startDate` (planProtocol). */
  plan(key: string, record: unknown, followups: readonly ClinicalFollowUp[], therapy: TherapyId, startDate: string, today: string): Plan & { evidenceVersion?: EvidenceVersionRef & { label: string } } {
    const plan = planProtocol(therapy, this.normalise(key, record, followups), { start: startDate, today });
    return this.version === null ? plan : { ...plan, evidenceVersion: { ...this.version, label: evidenceVersionLabel(this.version) } };
  }

  /** evidence for a therapy (Summary of Findings, published results side by side, guidelines, trials). */
  evidenceFor(therapy: TherapyId, subgroup?: EvidenceSubgroup): TherapyEvidence {
    const base = this.base();
    if (!base.therapies.some((t) => t.id === therapy)) throw new InputError(`the evidence base has no entry for "${therapy}"`, { field: "therapy" });
    return evidenceForTherapy(base, therapy, subgroup !== undefined ? { subgroup } : {});
  }

  /** The pooled analysis of a therapy's placebo-controlled trials for an outcome (evidence/outcomes.ts). */
  therapyTrialsAnalysis(therapy: TherapyId, outcome: EvidencePlotOutcome = "live-birth"): { rows: StudyRow[]; result: MetaResult } | null {
    return therapyOutcomeAnalysis(this.base(), therapy, outcome);
  }

  /**
   * The GRADE Summary-of-Findings table of a therapy vs placebo, every outcome, as JSON, CSV or DOCX (the use case
   * `decidua evidence sof THERAPY` runs). `options.rob2` takes stored RoB 2 assessments (read before RoB 1 entries).
   */
  summaryOfFindings(therapy: TherapyId, format: SofFormat, options: SofTableOptions = {}): Promise<SofExport> {
    return exportSummaryOfFindings(this.base(), therapy, format, options, this.version === null ? null : evidenceVersionLabel(this.version));
  }

  /** The outcomes of a therapy's placebo-controlled trials that carry arm counts, with k per outcome. */
  therapyOutcomes(therapy: TherapyId): TherapyOutcomeListing[] {
    return therapyOutcomeListing(this.base(), therapy);
  }

  evidencePlot(therapy: TherapyId, kind: "forest" | "funnel" | "rob" | "rob-summary", outcome: EvidencePlotOutcome = "live-birth"): string | null {
    if (kind === "rob" || kind === "rob-summary") {
      const table = robTableFromBase(this.base(), { therapy });
      if (table === null) return null;
      return kind === "rob" ? robTrafficLightSvg(table, { title: robPlotTitle(therapy, "traffic-light") }) : robSummarySvg(table, { title: robPlotTitle(therapy, "summary") });
    }
    const a = this.therapyTrialsAnalysis(therapy, outcome);
    if (a === null) return null;
    const labels = therapyOutcomePlotLabels(therapy, outcome);
    if (kind === "forest") return forestPlotSvg(a.result, labels);
    return a.result.k >= 3 ? funnelPlotSvg(a.result, { title: labels.title }) : null;
  }

  /** The immunotherapy network for live birth from the base's placebo-controlled trials, with its caveats. */
  liveBirthNetwork(): LiveBirthNetwork {
    return liveBirthNetwork(this.base());
  }

  /** Network graph or forest plot (vs placebo) of that network; null when it has too few trials. */
  liveBirthNetworkPlot(kind: "network" | "forest"): string | null {
    const n = this.liveBirthNetwork();
    if (n.result === null) return null;
    return kind === "network"
      ? networkPlotSvg(n.result, { title: "Immunotherapy network: live birth (placebo-controlled RCTs in the base)" })
      : nmaForestPlotSvg(n.result, { title: "Live birth, each therapy vs placebo (network estimates, OR)", favoursLeft: "Favours placebo", favoursRight: "Favours therapy" });
  }

  /** The stored PRISMA 2020 flows, each with its review and a readable title. */
  prismaFlows(): PrismaFlowListing[] {
    return prismaFlowListing(this.base());
  }

  /** PRISMA 2020 flow diagram of a stored flow (by meta-analysis or flow id); null when there is none. */
  prismaPlot(id: string): string | null {
    const base = this.base();
    const flow = prismaFlowById(base, id);
    return flow === null ? null : prismaFlowSvg(prismaCountsFromFlow(flow), { title: prismaFlowTitle(base, flow), file: "prisma.json" });
  }

  reproductions(): Reproduction[] {
    return reproduceAll(this.base());
  }

  numberAudit(): BaseAuditEntry[] {
    return auditEvidenceBase(this.base());
  }

  /** The workbench: the use case `decidua meta` runs (app/meta.ts), with a forest plot and, from k = 3, a funnel plot. */
  async meta(file: MetaUpload, options: MetaOptions, plot: ForestPlotOptions = {}): Promise<{ result: MetaResult; forestSvg: string; funnelSvg: string | null; csv: string }> {
    const a = await analyseStudyTable(uploadTable(file), options, { forest: plot, funnel: plot.title !== undefined ? { title: plot.title } : true }, "skip");
    return { result: a.result, forestSvg: a.forestSvg ?? "", funnelSvg: a.funnelSvg, csv: metaResultCsv(a.result) };
  }

  svgToPng(svg: string): Buffer {
    return Buffer.from(svgToPng(svg));
  }
}

/** Limits of one workbench request (the analysis runs in a worker, src/server/workbench-pool.ts). */
export interface WorkbenchLimits {
  /** Most studies an analysis may have (413 beyond). */
  maxStudies: number;
  /** Most studies a PNG plot may draw (422 beyond). */
  maxPlotStudies: number;
}

/** The plots of a meta-analysis the workbench can draw (and render as PNG). */
export const META_PLOTS = ["forest", "funnel", "baujat", "bubble"] as const;
export type MetaPlotName = (typeof META_PLOTS)[number];
export const NMA_PLOTS = ["network", "forest"] as const;
export type NmaPlotName = (typeof NMA_PLOTS)[number];

export type WorkbenchJob =
  | { kind?: "meta"; file: MetaUpload; options: MetaOptions; plot: ForestPlotOptions; png: MetaPlotName | null; limits: WorkbenchLimits; bundle?: BundleVersions }
  | { kind: "nma"; file: MetaUpload; options: NmaOptions; plot: NmaPlotBody; png: NmaPlotName | null; limits: WorkbenchLimits; bundle?: BundleVersions }
  | { kind: "tsa"; file: MetaUpload; options: TsaOptions; plot: { title?: string }; png: "tsa" | null; limits: WorkbenchLimits; bundle?: BundleVersions };

export interface NmaPlotBody {
  title?: string;
  favoursLeft?: string;
  favoursRight?: string;
}

export interface WorkbenchOutput {
  result: MetaResult;
  forestSvg: string;
  funnelSvg: string | null;
  /** Baujat plot (when the influence diagnostics were asked for), bubble plot (meta-regression on a numeric moderator). */
  baujatSvg: string | null;
  bubbleSvg: string | null;
  csv: string;
  png: Uint8Array | null;
  /** The reproducible bundle (zip), when asked for. */
  bundle: Uint8Array | null;
}

export interface NmaWorkbenchOutput {
  result: NmaResult;
  networkSvg: string;
  forestSvg: string;
  csv: string;
  png: Uint8Array | null;
  bundle: Uint8Array | null;
}

export interface TsaWorkbenchOutput {
  /** The result as `decidua tsa --json` prints it (infinite boundaries as "Inf"), parsed back. */
  result: unknown;
  plotSvg: string;
  csv: string;
  png: Uint8Array | null;
  bundle: Uint8Array | null;
}

/** Thrown (in the worker) when the input is larger than the limits: the route answers 413 or 422. */
export class WorkbenchLimitError extends Error {
  override readonly name = "WorkbenchLimitError";
  constructor(readonly status: 413 | 422, message: string, readonly field: string) {
    super(message);
  }
}

function studyLimits(job: { png: string | null; limits: WorkbenchLimits }, k: number, what = "studies"): void {
  if (k > job.limits.maxStudies) throw new WorkbenchLimitError(413, `the file has ${k} ${what}; the workbench analyses at most ${job.limits.maxStudies}`, "file");
  if (job.png !== null && k > job.limits.maxPlotStudies) throw new WorkbenchLimitError(422, `a ${job.png} plot of ${k} ${what} is not drawn; at most ${job.limits.maxPlotStudies} (the analysis itself is available without the PNG)`, "file");
}

/** A plot that needs data the analysis may not have (e.g. a bubble plot without a numeric moderator): null then. */
function optionalPlot(f: () => string): string | null {
  try {
    return f();
  } catch (e) {
    if (isInputError(e)) return null;
    throw e;
  }
}

/** The workbench computation (parse, analyse, plot), run inside a worker thread. */
export async function runWorkbench(job: WorkbenchJob & { kind?: "meta" }): Promise<WorkbenchOutput> {
  // the use case `decidua meta` runs (app/meta.ts), with the workbench's limits checked before any analysis
  const a = await analyseStudyTable(
    uploadTable(job.file),
    job.options,
    { forest: job.plot, funnel: job.plot.title !== undefined ? { title: job.plot.title } : true },
    "skip",
    (rows) => studyLimits(job, rows.length),
  );
  const { result, funnelSvg } = a;
  const forestSvg = a.forestSvg ?? "";
  const baujatSvg = result.baujat !== undefined ? optionalPlot(() => baujatPlotSvg(result)) : null;
  const bubbleSvg = result.meta_regression?.bubble !== undefined ? optionalPlot(() => bubblePlotSvg(result)) : null;
  const svgs: Record<MetaPlotName, string | null> = { forest: forestSvg, funnel: funnelSvg, baujat: baujatSvg, bubble: bubbleSvg };
  const svg = job.png === null ? null : svgs[job.png];
  if (job.png !== null && job.png !== "funnel" && svg === null) throw new WorkbenchLimitError(422, `no ${job.png} plot for this analysis (${PLOT_NEEDS[job.png]})`, "plot");
  const csv = metaResultCsv(result);
  const bundle = job.bundle === undefined ? null : metaBundle({ file: job.file.name, bytes: new Uint8Array(job.file.content), read: readChoices(job.file), rows: a.rows, options: job.options, result, csv, versions: job.bundle });
  return { result, forestSvg, funnelSvg, baujatSvg, bubbleSvg, csv, png: svg === null ? null : svgToPng(svg), bundle };
}

const PLOT_NEEDS: Record<MetaPlotName, string> = {
  forest: "",
  funnel: "needs at least 3 studies",
  baujat: "tick the influence diagnostics",
  bubble: "needs a meta-regression on a numeric moderator",
};

/** The NMA page's computation: the use case `decidua nma` runs (app/nma.ts), both plots, CSV, optional bundle. */
export async function runNmaWorkbench(job: Extract<WorkbenchJob, { kind: "nma" }>): Promise<NmaWorkbenchOutput> {
  const title = job.plot.title !== undefined ? { title: job.plot.title } : {};
  const forest = { ...(job.plot.favoursLeft ? { favoursLeft: job.plot.favoursLeft } : {}), ...(job.plot.favoursRight ? { favoursRight: job.plot.favoursRight } : {}) };
  const a = await analyseNetworkTable(uploadTable(job.file), job.options, { ...title, network: true, forest }, (n) => studyLimits(job, n, "rows"));
  const networkSvg = a.networkSvg ?? "";
  const forestSvg = a.forestSvg ?? "";
  const svg = job.png === "network" ? networkSvg : job.png === "forest" ? forestSvg : null;
  const csv = nmaResultCsv(a.result);
  const bundle = job.bundle === undefined ? null : await nmaBundle({ file: job.file.name, bytes: new Uint8Array(job.file.content), read: readChoices(job.file), options: job.options, result: a.result, csv, versions: job.bundle });
  return { result: a.result, networkSvg, forestSvg, csv, png: svg === null ? null : svgToPng(svg), bundle };
}

/** The TSA page's computation: the use case `decidua tsa` runs (app/tsa.ts), its plot, CSV, optional bundle. */
export async function runTsaWorkbench(job: Extract<WorkbenchJob, { kind: "tsa" }>): Promise<TsaWorkbenchOutput> {
  const bytes = new Uint8Array(job.file.content);
  const a = await analyseTsaTable(uploadTable(job.file), job.options, job.plot, (rows) => studyLimits(job, rows.length));
  const plotSvg = a.plotSvg ?? "";
  const csv = tsaResultCsv(a.result);
  const bundle = job.bundle === undefined ? null : tsaBundle({ file: job.file.name, bytes, read: readChoices(job.file), rows: a.rows, options: job.options, result: a.result, json: tsaJson(a.result, 2), csv, versions: job.bundle });
  return { result: JSON.parse(tsaJson(a.result)) as unknown, plotSvg, csv, png: job.png === "tsa" ? svgToPng(plotSvg) : null, bundle };
}

/** Every treatment vs the reference, then the league table's pairs, on the display scale (ratios for OR/RR). */
export function nmaResultCsv(r: NmaResult): string {
  const ratio = nmaIsRatio(r.measure);
  const show = (x: number): number => (ratio ? Math.exp(x) : x);
  const ps = new Map(r.pscores.map((p) => [p.treatment, p.pscore]));
  const header = ["treatment", "versus", "estimate", "se", "ci_lb", "ci_ub", "pval", ...(ratio ? [r.measure, `${r.measure}_ci_lb`, `${r.measure}_ci_ub`] : []), "pscore"];
  const rows: unknown[][] = r.estimates.map((e) => [e.treatment, r.reference, e.estimate, e.se, e.ci_lb, e.ci_ub, e.pval, ...(ratio ? [show(e.estimate), show(e.ci_lb), show(e.ci_ub)] : []), ps.get(e.treatment) ?? ""]);
  r.league.cells.forEach((row, i) =>
    row.forEach((c, j) => {
      if (c === null || i === j) return;
      rows.push([r.league.treatments[i], r.league.treatments[j], c.estimate, "", c.ci_lb, c.ci_ub, "", ...(ratio ? [show(c.estimate), show(c.ci_lb), show(c.ci_ub)] : []), ""]);
    }),
  );
  return toCsv(header, rows);
}

/** One row per look (study added), with the z-curve and the boundaries. */
export function tsaResultCsv(r: TsaResult): string {
  const f = (x: number | null): unknown => (x === null ? "" : Number.isFinite(x) ? x : x > 0 ? "Inf" : "-Inf");
  return toCsv(
    ["study", "n", "fraction", "z", "boundary", "futility"],
    r.looks.map((l) => [l.study, l.n, l.fraction, f(l.z), f(l.boundary), f(l.futility)]),
  );
}

/** One row per study and the pooled row, on the analysis scale and (for OR/RR) back-transformed. */
export function metaResultCsv(r: MetaResult): string {
  const ratio = r.pooled.transformed !== undefined;
  const exp = (x: number | null) => (x === null ? null : Math.exp(x));
  const header = ["study", "subgroup", "included", "yi", "vi", "ci_lb", "ci_ub", "weight_percent", ...(ratio ? [`${r.measure}`, `${r.measure}_ci_lb`, `${r.measure}_ci_ub`] : []), "note"];
  const rows: unknown[][] = r.studies.map((s) => [s.study, s.subgroup ?? "", s.included, s.yi, s.vi, s.ci_lb, s.ci_ub, s.weight, ...(ratio ? [exp(s.yi), exp(s.ci_lb), exp(s.ci_ub)] : []), s.excluded_reason ?? ""]);
  const p = r.pooled;
  rows.push([`pooled (${r.model}${r.tau2_method ? `, ${r.tau2_method}` : ""}, k = ${r.k})`, "", true, p.estimate, p.se * p.se, p.ci_lb, p.ci_ub, 100, ...(ratio ? [p.transformed?.estimate, p.transformed?.ci_lb, p.transformed?.ci_ub] : []), `I2 = ${r.heterogeneity.I2}%, tau2 = ${r.heterogeneity.tau2}, p = ${p.pval}`]);
  return toCsv(header, rows);
}
