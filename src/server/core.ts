/**
 * The server's window on the pure core: record validation (clinical/), assessment and plans (clinical/),
 * the evidence base (evidence/) and the workbench (stats/). Routes call only this; it holds no domain logic.
 *
 * PENDING (answer 503 UNAVAILABLE until the core module lands in main; see API.md):
 *   - record validation with PatientRecordSchema        (helper D, src/clinical/record.ts)
 *   - assessment (assessPatient) and plan               (helper D, src/clinical)
 *   - evidence base load + evidenceForTherapy + plots   (helper C1, src/evidence)
 *   - workbench: parse CSV/XLSX, metaAnalysis, plots    (helpers A1, A2, B, src/stats)
 */
import { z } from "zod";
import type { TherapyId } from "../shared/therapies.js";
import { THERAPY_IDS, THERAPY_NAMES } from "../shared/therapies.js";
import type { Store } from "../store/index.js";
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

  meta(file: MetaUpload, options: unknown): { result: unknown; forestSvg: string; funnelSvg: string | null; csv: string } {
    void file;
    void options;
    throw unavailable("the workbench (stats/metaAnalysis)");
  }

  svgToPng(svg: string): Buffer {
    void svg;
    throw unavailable("PNG rendering (stats/plots/svgToPng)");
  }
}
