/** A patient opened from the EHR (SMART launch): the assessment "from the EHR at <time>" and what was not read. */
import type { JSX } from "preact";
import { api, apiBlob, downloadBlob } from "../api.js";
import { useLoad } from "../hooks.js";
import { UnmappedList } from "./FhirPanel.js";
import { Alert, Button, Card, PageHead, Spinner, StatusBadge } from "../components/ui.js";

interface Finding {
  role: string;
  reading: string;
}
interface Therapy {
  therapy: string;
  name: string;
  status: string;
  headline: string;
  findings: Finding[];
  missing: { id: string; label: string }[];
  guideline: { citation: string; statement: string; verified: boolean }[];
}
interface EhrView {
  id: string;
  iss: string;
  ehrPatient: string;
  readAt: string;
  patient: { fhirId: string; name?: string; birthDate?: string } | null;
  unmapped: { resource: string; code: string; reason: string }[];
  warnings: string[];
  unavailable?: string;
  evidenceVersion: string;
  assessment: { today: string; therapies: Record<string, Therapy>; clinicianSummary: string[] } | null;
}

export function EhrViewPage(props: { id: string }): JSX.Element {
  const v = useLoad(() => api<EhrView>("GET", `/api/fhir/ehr-views/${encodeURIComponent(props.id)}`), [props.id]);
  if (v.loading && v.data === null) return <Spinner label="Reading the EHR…" />;
  if (v.error !== null || v.data === null) return <Alert tone="error">{v.error?.message ?? "not found"}</Alert>;
  const d = v.data;
  const readAt = new Date(d.readAt).toLocaleString("en-GB", { timeZone: "UTC", dateStyle: "medium", timeStyle: "short" }) + " UTC";
  return (
    <div>
      <PageHead
        title={d.patient?.name ?? `EHR patient ${d.ehrPatient}`}
        sub={
          <span data-testid="ehr-source">
            From the EHR at {readAt} ({d.iss}){d.patient?.birthDate !== undefined ? ` · born ${d.patient.birthDate}` : ""}
          </span>
        }
        actions={
          d.assessment !== null ? (
            <Button onClick={() => void apiBlob("GET", `/api/fhir/ehr-views/${encodeURIComponent(d.id)}/bundle`).then((b) => downloadBlob(b, `decidua-assessment-${d.ehrPatient}.fhir.json`))}>
              Export as FHIR
            </Button>
          ) : undefined
        }
      />
      {d.unavailable !== undefined ? (
        <Alert tone="error" role="alert">
          EHR information unavailable: {d.unavailable}. No verdict is given.
        </Alert>
      ) : null}
      {d.warnings.map((w) => (
        <Alert tone="warn" key={w}>
          {w}
        </Alert>
      ))}
      {d.assessment !== null ? (
        <Card title={`Assessment of ${d.assessment.today} (evidence base ${d.evidenceVersion})`} id="ehr-assessment">
          <ul>
            {d.assessment.clinicianSummary.map((l) => (
              <li key={l}>{l}</li>
            ))}
          </ul>
          <table class="table" data-testid="ehr-therapies">
            <thead>
              <tr>
                <th>Therapy</th>
                <th>Verdict</th>
                <th>Finding</th>
              </tr>
            </thead>
            <tbody>
              {Object.values(d.assessment.therapies).map((t) => (
                <tr key={t.therapy} data-therapy={t.therapy}>
                  <td>{t.name}</td>
                  <td>
                    <StatusBadge status={t.status} small />
                  </td>
                  <td>
                    <div>{t.headline}</div>
                    {t.findings
                      .filter((f) => f.role !== "context")
                      .map((f) => (
                        <div class="muted" key={f.reading}>
                          {f.role === "supports" ? "Supports" : "Against"}: {f.reading}
                        </div>
                      ))}
                    {t.missing.length > 0 ? <div class="muted">Missing: {t.missing.map((m) => m.label).join("; ")}</div> : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </Card>
      ) : null}
      <Card title={`Not read from the EHR (${d.unmapped.length})`} id="ehr-unmapped">
        {d.unmapped.length === 0 ? (
          <p>Every EHR item was read.</p>
        ) : (
          <UnmappedList items={d.unmapped} testId="ehr-unmapped-table" />
        )}
      </Card>
    </div>
  );
}
