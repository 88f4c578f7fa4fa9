/**
 * One line per verdict with what a clinician needs beside the status: why (the reason kind), the certainty of the
 * evidence and each guideline position with its verified mark. The CLI text and the web cards print this same line.
 */
import type { VerdictEvidence, VerdictGuideline } from "./evidence.js";
import { REASON_KIND_LABELS, type ReasonKind } from "./status.js";

export function guidelineDigest(g: VerdictGuideline): string {
  return `${g.body}${g.year !== undefined ? ` ${g.year}` : ""}${g.direction !== undefined ? ` ${g.direction}` : ""}${g.strength ? ` (${g.strength})` : ""} [${g.verified ? "verified" : "unverified"}]`;
}

export function verdictDigest(v: { reasonKind: ReasonKind; evidence: VerdictEvidence; guideline: readonly VerdictGuideline[] }): string {
  const parts = [`why: ${REASON_KIND_LABELS[v.reasonKind]}`, `evidence certainty: ${v.evidence.certainty ?? "not graded"}`];
  parts.push(v.guideline.length > 0 ? `guidelines: ${v.guideline.map(guidelineDigest).join("; ")}` : "guidelines: none in the evidence base passed");
  return parts.join(" · ");
}
