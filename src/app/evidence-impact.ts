/**
 * Which stored patients' verdicts change between two evidence bases (issue 11 §2): every patient's record is
 * assessed under both, on the same date, and every therapy whose status, cited evidence or guideline positions
 * differ is listed. The use case behind the
 * reviewer's preview, the publication's recorded impact and `GET /api/evidence/diff`. Pure apart from the two
 * assessment functions its caller passes (the server's CoreServices.assessUnder with each base's lookup).
 */
import type { Assessment } from "../clinical/index.js";
import { THERAPY_IDS, THERAPY_NAMES, type TherapyId } from "../shared/therapies.js";

export interface ImpactPatient {
  id: string;
}

export interface PatientVerdictChange {
  patientId: string;
  therapy: TherapyId;
  therapyName: string;
  /**
   * `status`: the verdict's status changed (before/after are statuses); `evidence`: the status stayed, but the
   * evidence the verdict cites changed (before/after: best estimate and certainty); `guideline`: the guideline
   * positions it cites changed (before/after: body year direction, …).
   */
  kind: "status" | "evidence" | "guideline";
  before: string;
  after: string;
}

type TherapyAssessment = Assessment["therapies"][TherapyId];

function evidenceDigest(t: TherapyAssessment): string {
  const e = t.evidence;
  if (e.bestEstimate === undefined) return "no estimate";
  return `${e.bestEstimate}${e.certainty !== undefined ? `, ${e.certainty} certainty` : ""}`;
}

function guidelineDigest(t: TherapyAssessment): string {
  const g = t.guideline.map((x) => `${x.body}${x.year !== undefined ? ` ${x.year}` : ""} ${x.direction ?? "?"}${x.verified ? "" : " (unverified)"}`);
  return g.length === 0 ? "none" : g.join("; ");
}

/** The status changes per patient and therapy, in the patients' order and the therapies' order. */
export function verdictChanges<P extends ImpactPatient>(
  patients: readonly P[],
  assessBefore: (p: P) => Assessment,
  assessAfter: (p: P) => Assessment,
  onError?: (p: P, e: unknown) => void,
): PatientVerdictChange[] {
  const out: PatientVerdictChange[] = [];
  for (const p of patients) {
    let a: Assessment;
    let b: Assessment;
    try {
      a = assessBefore(p);
      b = assessAfter(p);
    } catch (e) {
      // a stored record that no longer passes today's checks has no verdict under either base: reported, not listed
      onError?.(p, e);
      continue;
    }
    for (const t of THERAPY_IDS) {
      const ta = a.therapies[t];
      const tb = b.therapies[t];
      const base = { patientId: p.id, therapy: t, therapyName: THERAPY_NAMES[t] };
      if (ta.status !== tb.status) {
        out.push({ ...base, kind: "status", before: ta.status, after: tb.status });
        continue;
      }
      const ea = evidenceDigest(ta);
      const eb = evidenceDigest(tb);
      if (ea !== eb) out.push({ ...base, kind: "evidence", before: ea, after: eb });
      const ga = guidelineDigest(ta);
      const gb = guidelineDigest(tb);
      if (ga !== gb) out.push({ ...base, kind: "guideline", before: ga, after: gb });
    }
  }
  return out;
}

/** "IVIG protocol-eligible → not-indicated"; "Prednisolone evidence: no estimate → RR 1.20 (…)". */
export function verdictChangeText(c: Pick<PatientVerdictChange, "therapyName" | "before" | "after"> & { kind?: PatientVerdictChange["kind"] }): string {
  const what = c.kind === "evidence" ? " evidence:" : c.kind === "guideline" ? " guidelines:" : "";
  return `${c.therapyName}${what} ${c.before} → ${c.after}`;
}
