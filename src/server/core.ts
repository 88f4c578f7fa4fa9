/**
 * The server's window on the pure core: record validation (clinical/), assessment and plans (clinical/),
 * the evidence base (evidence/) and the workbench (stats/). Routes call only this; it holds no domain logic.
 *
 * PENDING (answer 503 UNAVAILABLE until the core module lands in main; see API.md):
 *   - record validation with PatientRecordSchema        (helper D, src/clinical/record.ts)
 *   - assessment (assessPatient) and plan               (helper D, src/clinical)
 *   - evidence base load + evidenceForTherapy + plots   (helper C1, src/evidence)
 *   - workbench plots: forestPlotSvg, funnelPlotSvg, svgToPng (helper B, src/stats/plots); the analysis itself
 *     (A2's parseStudyFile + A1's metaAnalysis) is live
 */
import { z } from "zod";
import type { TherapyId } from "../shared/therapies.js";
import { THERAPY_IDS, THERAPY_NAMES } from "../shared/therapies.js";
import type { Store } from "../store/index.js";
import { parseStudyFile } from "../stats/input.js";
import { metaAnalysis } from "../stats/meta.js";
import type { MetaOptions, MetaResult } from "../stats/types.js";
import { toCsv } from "./csv.js";
import { unavailable } from "./errors.js";

/** The patient record as the API accepts it (until D's PatientRecordSchema lands: any object with `losses`). */
export const RecordBodySchema: z.ZodType<Record<string, unknown>> = z.looseObject({ losses: z.array(z.unknown()) });

export interface MetaUpload {
  name: string;
  content: Buffer;
}

export class CoreServices {
  private constructor(private readonly evidence: unknown) {}

  static async create(store: Store): Promise<CoreServices> {
    const stored = await store.getEvidence("default");
    return new CoreServices(stored?.content ?? null);
  }

  /** Full validation of a record beyond its schema (cross-field checks); throws InputError naming the field. */
  checkRecord(record: unknown): void {
    void record;
  }

  therapies(): Array<{ id: TherapyId; name: string }> {
    return THERAPY_IDS.map((id) => ({ id, name: THERAPY_NAMES[id] }));
  }

  assess(record: unknown, today: string): unknown {
    void record;
    void today;
    throw unavailable("the patient assessment (clinical/assessPatient)");
  }

  plan(record: unknown, therapy: TherapyId, startDate: string): unknown {
    void record;
    void therapy;
    void startDate;
    throw unavailable("the treatment plan (clinical)");
  }

  evidenceFor(therapy: TherapyId): unknown {
    void therapy;
    void this.evidence;
    throw unavailable("the evidence base (evidence/evidenceForTherapy)");
  }

  evidencePlot(therapy: TherapyId, outcome: string, kind: "forest" | "funnel"): string {
    void therapy;
    void outcome;
    void kind;
    throw unavailable("evidence plots");
  }

  /** The workbench: the same parsing and analysis as `decidua meta` (InputError names the file's row and column). */
  async meta(file: MetaUpload, options: MetaOptions): Promise<{ result: MetaResult; forestSvg: string | null; funnelSvg: string | null; csv: string }> {
    const rows = await parseStudyFile(file.name, new Uint8Array(file.content), options.subgroup !== undefined ? { subgroup: options.subgroup } : {});
    const result = metaAnalysis(rows, options);
    return { result, forestSvg: null, funnelSvg: null, csv: metaResultCsv(result) };
  }

  svgToPng(svg: string): Buffer {
    void svg;
    throw unavailable("PNG rendering (stats/plots/svgToPng)");
  }
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
