/** One patient: banner, tabs (record, assessment, plan & follow-up, history). */
import type { JSX } from "preact";
import { api, patientLabel, type Patient } from "../api.js";
import { Alert, Badge, Spinner, fmtDate, initials } from "../components/ui.js";
import { useLoad } from "../hooks.js";
import { canEditPatients, useSession } from "../session.js";
import { recordFacts, type PatientRecordInput } from "../record.js";
import { RecordForm } from "./RecordForm.js";
import { RecordSummary } from "./RecordSummary.js";
import { AssessmentView } from "./Assessment.js";
import { PatientEvidenceNotice } from "../components/EvidenceNotice.js";
import { PlanView } from "./Plan.js";
import { HistoryView } from "./History.js";
import { FhirPanel } from "./FhirPanel.js";

export type PatientTab = "record" | "assessment" | "plan" | "history";

export function PatientBanner(props: { p: Patient }): JSX.Element {
  const p = props.p;
  const facts = recordFacts(p.record as PatientRecordInput);
  const pseudo = p.pseudonymised || p.displayName === null;
  return (
    <div class="banner" data-testid="patient-banner">
      <div class="avatar" aria-hidden="true" style={pseudo ? "background:var(--violet-bg);color:var(--violet)" : undefined}>
        {pseudo ? "P" : initials(p.displayName ?? "?")}
      </div>
      <div style="flex:1;min-width:200px">
        <div class="name" data-testid="patient-name">
          {pseudo ? <span class="pseudo" style="font-size:16px">{p.pseudonymId}</span> : patientLabel(p)}
        </div>
        <div class="meta">
          {!pseudo ? <span class="mono">{p.pseudonymId}</span> : <span>Pseudonymised · days from the first loss, no dates</span>}
          <span>
            DOB <b class="num">{fmtDate(p.dateOfBirth)}</b>
          </span>
          {facts.age !== undefined ? (
            <span>
              Age <b>{facts.age}</b>
            </span>
          ) : null}
          <span>
            Losses counted <b>{p.diagnosis?.lossCount ?? "—"}</b>
          </span>
          <span>
            Live births <b>{facts.liveBirths}</b>
          </span>
        </div>
      </div>
      <div class="row">
        {p.diagnosis ? (
          <Badge tone={p.diagnosis.eshre ? "warn" : "muted"} small>
            <span data-testid="banner-diagnosis">{p.diagnosis.label}</span>
          </Badge>
        ) : null}
        <span class="small muted">
          v{p.version} · updated {fmtDate(p.updatedAt)} by {p.updatedBy}
        </span>
      </div>
    </div>
  );
}

export function PatientPage(props: { id: string; tab: PatientTab }): JSX.Element {
  const { user } = useSession();
  const pat = useLoad(() => api<{ patient: Patient }>("GET", `/api/patients/${props.id}`), [props.id]);
  const base = `/patients/${props.id}`;
  const researcher = user.role === "researcher";
  const tabs: Array<[PatientTab, string, string]> = [
    ["record", "Record", base],
    ["assessment", "Assessment", `${base}/assessment`],
    ["plan", researcher ? "Follow-up" : "Plan & follow-up", `${base}/plan`],
    ...(researcher ? [] : ([["history", "History", `${base}/history`]] as Array<[PatientTab, string, string]>)),
  ];

  if (pat.error) return <Alert tone="error">{pat.error.message}</Alert>;
  if (!pat.data) return <Spinner label="Loading the record…" />;
  const p = pat.data.patient;
  const canEdit = canEditPatients(user) && !p.pseudonymised;

  return (
    <>
      <PatientBanner p={p} />
      {!p.pseudonymised ? <PatientEvidenceNotice patientId={p.id} /> : null}
      <nav class="tabs" aria-label="Patient sections">
        {tabs.map(([id, label, href]) => (
          <a key={id} href={href} aria-current={props.tab === id ? "page" : undefined}>
            {label}
          </a>
        ))}
      </nav>
      {props.tab === "record" ? (
        canEdit ? (
          <>
            <RecordForm patient={p} canEdit={canEdit} onSaved={(np) => pat.setData({ patient: np })} />
            <FhirPanel patient={p} onImported={(np) => pat.setData({ patient: np })} />
          </>
        ) : (
          <RecordSummary record={p.record as PatientRecordInput} note={p.pseudonymised ? "Research view: coded fields only, no name, no free text, days counted from the first recorded loss instead of dates. Read-only." : "Read-only."} />
        )
      ) : null}
      {props.tab === "assessment" ? <AssessmentView patient={p} /> : null}
      {props.tab === "plan" ? <PlanView patient={p} canEdit={canEdit} /> : null}
      {props.tab === "history" ? (
        researcher ? (
          <Alert tone="info">
            <span data-testid="history-not-in-research-view">The record's history (its versions with their calendar dates and who changed them) is not part of the research view.</span>
          </Alert>
        ) : (
          <HistoryView patient={p} />
        )
      ) : null}
    </>
  );
}
