/**
 * The server's window on the pure core: record validation (clinical/), assessment and plans (clinical/),
 * the evidence base (evidence/) and the workbench (stats/). Routes call only this; it holds no domain logic.
 *
 * Live: record validation (PatientRecordSchema, parsePatientRecord), assessment (assessRecord) and plans
 * (planProtocol) from src/clinical; the workbench analysis (parseStudyFile + metaAnalysis) and its plots (forestPlotSvg, funnelPlotSvg, svgToPng) from src/stats.
 * The evidence base (src/evidence) is read from the store (seeded from data/ on first start) and re-validated
 * entry by entry with the evidence schemas; without one the evidence routes answer 503.
 */
import { gzipSync } from "node:zlib";
import { z } from "zod";
import { PatientRecordSchema, assessRecord, evidenceLookupFromBase, noEvidenceLookup, parsePatientRecord, planProtocol } from "../clinical/index.js";
import type { Assessment, EvidenceLookup, PatientRecord, Plan } from "../clinical/index.js";
import { InputError, isInputError } from "../shared/errors.js";
import type { TherapyId } from "../shared/therapies.js";
import { THERAPY_IDS, THERAPY_NAMES } from "../shared/therapies.js";
import type { Store } from "../store/index.js";
import { parseStudyFile } from "../stats/input.js";
import { metaAnalysis } from "../stats/meta.js";
import type { MetaOptions, MetaResult } from "../stats/types.js";
import { forestPlotSvg, funnelPlotSvg, svgToPng, type ForestPlotOptions } from "../stats/plots/index.js";
import { toCsv } from "./csv.js";
import { unavailable } from "./errors.js";
import {
  EVIDENCE_FILES,
  evidenceForTherapy,
  therapyOutcomeStudyRows,
  therapyOutcomeListing,
  EVIDENCE_PLOT_OUTCOME_INFO,
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
import type { BaseAuditEntry, EvidenceBase, EvidenceSubgroup, Reproduction, TherapyEvidence } from "../evidence/index.js";
import type { StudyRow } from "../stats/types.js";

/** The patient record as the API accepts it: helper D's schema (values with units, dates YYYY-MM-DD). */
export const RecordBodySchema = PatientRecordSchema;
export type RecordBody = z.output<typeof PatientRecordSchema>;

/** A stored follow-up as the clinical rules read it (anti-paternal antibody results after LIT update the plan). */
export interface ClinicalFollowUp {
  kind: string;
  date: string;
  test?: unknown;
  positive?: unknown;
}

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
}

export class CoreServices {
  /** Normalised records by patient id and version (records are immutable per version). */
  private readonly normalised = new Map<string, PatientRecord>();
  private readonly assessments = new Map<string, AssessmentBody>();
  /** Set from the server config (default true). */
  cacheAssessments = true;
  private readonly lookup: EvidenceLookup;

  private constructor(private readonly evidence: EvidenceBase | null) {
    // the assessment's evidence and guideline positions come from the same base as the evidence routes
    this.lookup = evidence !== null ? evidenceLookupFromBase(evidence, { warm: true }) : noEvidenceLookup;
  }

  static async create(store: Store): Promise<CoreServices> {
    const stored = await store.getEvidence("default");
    return new CoreServices(stored === null ? null : CoreServices.parseEvidence(stored.content));
  }

  /** Re-validates a stored evidence base entry by entry; throws InputError naming the table, entry and field. */
  static parseEvidence(content: unknown): EvidenceBase {
    const c = (content ?? {}) as Record<string, unknown>;
    const table = <S extends z.ZodType>(k: keyof typeof EVIDENCE_FILES, schema: S): Array<z.output<S>> => {
      const r = z.array(schema).safeParse(c[k] ?? []);
      if (!r.success) {
        const issue = r.error.issues[0];
        throw new InputError(`stored evidence base: ${issue?.message ?? "invalid"}`, { file: EVIDENCE_FILES[k].file, field: issue?.path.join(".") ?? "" });
      }
      return r.data;
    };
    const F = EVIDENCE_FILES;
    return {
      sources: table("sources", F.sources.schema),
      therapies: table("therapies", F.therapies.schema),
      guidelines: table("guidelines", F.guidelines.schema),
      trials: table("trials", F.trials.schema),
      metaAnalyses: table("metaAnalyses", F.metaAnalyses.schema),
      prisma: table("prisma", F.prisma.schema),
    };
  }

  private base(): EvidenceBase {
    if (this.evidence === null) throw unavailable("the evidence base (run the server with seeding, or restore a backup with one)");
    return this.evidence;
  }

  checkRecord(record: unknown): PatientRecord {
    return CoreServices.checkRecord(record);
  }

  /** Full validation of a record (schema and cross-field checks); InputError with field "record.<path>". */
  static checkRecord(record: unknown): PatientRecord {
    try {
      return parsePatientRecord(record);
    } catch (e) {
      if (isInputError(e)) {
        const field = e.location.field !== undefined ? `record.${e.location.field.replace(/\[(\d+)\]/g, ".$1")}` : "record";
        throw new InputError(e.reason, { field });
      }
      throw e;
    }
  }

  /**
   * The record as the rules read it, with the stored anti-paternal antibody follow-ups merged into
   * record.followUps; cached per patient version and follow-up set.
   */
  private normalise(key: string, record: unknown, followups: readonly ClinicalFollowUp[]): PatientRecord {
    const extra = followups.filter((f) => f.kind === "antibody-result" && f.test === "anti-paternal-antibody" && typeof f.positive === "boolean");
    const cacheKey = `${key}|${extra.map((f) => `${f.date}:${String(f.positive)}`).join(",")}`;
    const hit = this.normalised.get(cacheKey);
    if (hit !== undefined) return hit;
    const base = record as Record<string, unknown>;
    const merged =
      extra.length === 0
        ? base
        : {
            ...base,
            followUps: [
              ...(Array.isArray(base.followUps) ? (base.followUps as unknown[]) : []),
              ...extra.map((f) => ({ test: "anti-paternal-antibody", date: f.date, result: f.positive === true ? "positive" : "negative" })),
            ],
          };
    const r = this.checkRecord(merged);
    if (this.normalised.size > 5000) this.normalised.clear();
    this.normalised.set(cacheKey, r);
    return r;
  }

  therapies(): Array<{ id: TherapyId; name: string }> {
    return THERAPY_IDS.map((id) => ({ id, name: THERAPY_NAMES[id] }));
  }

  /** helper D's assessment of the patient on `today`. `key` identifies the record version (patient id and version). */
  assess(key: string, record: unknown, followups: readonly ClinicalFollowUp[], today: string): Assessment {
    return assessRecord(this.normalise(key, record, followups), { today, evidence: this.lookup });
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
  ): Promise<AssessmentBody> {
    const make = async (): Promise<AssessmentBody> => new AssessmentBody(Buffer.from(`{"patient":${patientJson()},"assessment":${JSON.stringify(this.assess(key, record(), await followups(), today))}}`, "utf8"));
    if (!this.cacheAssessments) return make();
    const cacheKey = `${key}|${today}`;
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

  /** A dated plan for one therapy from `startDate` (helper D's planProtocol). */
  plan(key: string, record: unknown, followups: readonly ClinicalFollowUp[], therapy: TherapyId, startDate: string, today: string): Plan {
    return planProtocol(therapy, this.normalise(key, record, followups), { start: startDate, today });
  }

  /** helper C1's evidence for a therapy (Summary of Findings, published results side by side, guidelines, trials). */
  evidenceFor(therapy: TherapyId, subgroup?: EvidenceSubgroup): TherapyEvidence {
    const base = this.base();
    if (!base.therapies.some((t) => t.id === therapy)) throw new InputError(`the evidence base has no entry for "${therapy}"`, { field: "therapy" });
    return evidenceForTherapy(base, therapy, subgroup !== undefined ? { subgroup } : {});
  }

  /**
   * The therapy's placebo-controlled randomised trials with complete counts for an outcome (default live birth),
   * pooled by the engine (OR, inverse variance, random effects with DerSimonian-Laird as in RevMan; fixed effect
   * with one trial). Null when the base holds no such trial.
   */
  therapyTrialsAnalysis(therapy: TherapyId, outcome: EvidencePlotOutcome = "live-birth"): { rows: StudyRow[]; result: MetaResult } | null {
    const rows: StudyRow[] = therapyOutcomeStudyRows(this.base(), therapy, outcome);
    if (rows.length === 0) return null;
    const result = metaAnalysis(rows, { measure: "OR", method: "IV", model: rows.length >= 2 ? "random" : "fixed", tau2: "DL" });
    return { rows, result };
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
    const info = EVIDENCE_PLOT_OUTCOME_INFO[outcome];
    const title = `${THERAPY_NAMES[therapy]} vs placebo: ${info.label}`;
    const treatment = `Favours ${therapy === "lit" ? "LIT" : THERAPY_NAMES[therapy]}`;
    // an odds ratio above 1 means more events with treatment: good for live birth, bad for miscarriage
    const [favoursLeft, favoursRight] = info.higherIsBetter ? ["Favours placebo", treatment] : [treatment, "Favours placebo"];
    if (kind === "forest") return forestPlotSvg(a.result, { title, favoursLeft, favoursRight, experimentalLabel: "Treatment", controlLabel: "Placebo" });
    return a.result.k >= 3 ? funnelPlotSvg(a.result, { title }) : null;
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

  /** The workbench: the same parsing and analysis as `decidua meta` (InputError names the file's row and column). */
  async meta(file: MetaUpload, options: MetaOptions, plot: ForestPlotOptions = {}): Promise<{ result: MetaResult; forestSvg: string; funnelSvg: string | null; csv: string }> {
    const rows = await parseStudyFile(file.name, new Uint8Array(file.content), options.subgroup !== undefined ? { subgroup: options.subgroup } : {});
    const result = metaAnalysis(rows, options);
    const forestSvg = forestPlotSvg(result, plot);
    const funnelSvg = result.k >= 3 ? funnelPlotSvg(result, plot.title !== undefined ? { title: plot.title } : {}) : null;
    return { result, forestSvg, funnelSvg, csv: metaResultCsv(result) };
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

export type WorkbenchJob = { file: MetaUpload; options: MetaOptions; plot: ForestPlotOptions; png: "forest" | "funnel" | null; limits: WorkbenchLimits };
export interface WorkbenchOutput {
  result: MetaResult;
  forestSvg: string;
  funnelSvg: string | null;
  csv: string;
  png: Uint8Array | null;
}

/** Thrown (in the worker) when the input is larger than the limits: the route answers 413 or 422. */
export class WorkbenchLimitError extends Error {
  override readonly name = "WorkbenchLimitError";
  constructor(readonly status: 413 | 422, message: string, readonly field: string) {
    super(message);
  }
}

/** The workbench computation (parse, analyse, plot), run inside a worker thread. */
export async function runWorkbench(job: WorkbenchJob): Promise<WorkbenchOutput> {
  const rows = await parseStudyFile(job.file.name, new Uint8Array(job.file.content), job.options.subgroup !== undefined ? { subgroup: job.options.subgroup } : {});
  if (rows.length > job.limits.maxStudies) throw new WorkbenchLimitError(413, `the file has ${rows.length} studies; the workbench analyses at most ${job.limits.maxStudies}`, "file");
  if (job.png !== null && rows.length > job.limits.maxPlotStudies) throw new WorkbenchLimitError(422, `a ${job.png} plot of ${rows.length} studies is not drawn; at most ${job.limits.maxPlotStudies} (the analysis itself is available from /api/meta)`, "file");
  const result = metaAnalysis(rows, job.options);
  const forestSvg = forestPlotSvg(result, job.plot);
  const funnelSvg = result.k >= 3 ? funnelPlotSvg(result, job.plot.title !== undefined ? { title: job.plot.title } : {}) : null;
  const svg = job.png === "forest" ? forestSvg : job.png === "funnel" ? funnelSvg : null;
  return { result, forestSvg, funnelSvg, csv: metaResultCsv(result), png: svg === null ? null : svgToPng(svg) };
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
