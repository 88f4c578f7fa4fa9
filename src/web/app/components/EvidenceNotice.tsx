/**
 * Notices of verdicts that changed when the current evidence version was published (issue 11): on the patient page
 * (this patient's changes) and in the patient list (a mark per affected patient). Clinicians and admins only.
 */
import type { JSX } from "preact";
import { api, qs } from "../api.js";
import { useLoad } from "../hooks.js";
import { Alert } from "./ui.js";

export interface EvidenceNotices {
  version: { number: number; publishedAt: string; contentHash: string; label: string } | null;
  changes: Array<{ patientId: string; therapy: string; therapyName: string; kind: string; before: string; after: string; text: string }>;
}

export function loadNotices(patient?: string): Promise<EvidenceNotices> {
  return api<EvidenceNotices>("GET", `/api/evidence/notices${qs({ patient })}`);
}

/**
 * What the changes are, in a word: "Verdict changed" when a status changed, else "Evidence cited changed" (the
 * status stayed; the evidence or guideline positions it cites moved).
 */
export function noticeHeading(changes: ReadonlyArray<{ kind: string }>): string {
  return changes.some((c) => c.kind === "status") ? "Verdict changed" : "Evidence cited changed";
}

/** "Verdict changed with evidence v3: IVIG protocol-eligible → not-indicated", one line per change. */
export function PatientEvidenceNotice(props: { patientId: string }): JSX.Element | null {
  const n = useLoad(() => loadNotices(props.patientId), [props.patientId]);
  const d = n.data;
  if (d === null || d.version === null || d.changes.length === 0) return null;
  return (
    <Alert tone="warn">
      <div data-testid="evidence-notice">
        <b>{noticeHeading(d.changes)} with evidence v{d.version.number}</b> ({d.version.label}):
        <ul class="small" style="margin:4px 0 0 16px">
          {d.changes.map((c) => (
            <li key={`${c.therapy}-${c.kind}`}>{c.text}</li>
          ))}
        </ul>
      </div>
    </Alert>
  );
}
