/** FHIR import (a Bundle file from the EHR replaces the record) and export of the assessment as a FHIR Bundle. */
import type { JSX } from "preact";
import { useState } from "preact/hooks";
import { api, apiBlob, downloadBlob, type Patient } from "../api.js";
import { Alert, Button, Card } from "../components/ui.js";

interface Unmapped {
  resource: string;
  code: string;
  reason: string;
}

export function FhirPanel(props: { patient: Patient; onImported: (p: Patient) => void }): JSX.Element {
  const [result, setResult] = useState<{ unmapped: Unmapped[]; warnings: string[]; importedAt: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const onFile = async (e: Event): Promise<void> => {
    const input = e.currentTarget as HTMLInputElement;
    const f = input.files?.[0];
    if (f === undefined) return;
    setError(null);
    try {
      const bundle = JSON.parse(await f.text()) as unknown;
      const r = await api<{ patient: Patient; unmapped: Unmapped[]; warnings: string[]; importedAt: string }>("POST", `/api/patients/${props.patient.id}/fhir-import`, { bundle, version: props.patient.version });
      setResult(r);
      props.onImported(r.patient);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      input.value = "";
    }
  };
  return (
    <Card title="FHIR (EHR)" id="fhir-panel">
      <p>
        <label>
          Import a FHIR R4 Bundle (replaces the record with a new version){" "}
          <input type="file" accept=".json,application/fhir+json,application/json" data-testid="fhir-import-file" onChange={(e) => void onFile(e)} />
        </label>{" "}
        <Button onClick={() => void apiBlob("GET", `/api/patients/${props.patient.id}/assessment.fhir`).then((b) => downloadBlob(b, `decidua-assessment-${props.patient.pseudonymId}.fhir.json`))}>
          Export the assessment as FHIR
        </Button>
      </p>
      {error !== null ? (
        <Alert tone="error" role="alert">
          {error}
        </Alert>
      ) : null}
      {result !== null ? (
        <div data-testid="fhir-import-result">
          <Alert tone="ok" role="status">
            Imported from the EHR at {result.importedAt}. {result.unmapped.length} item(s) not read.
          </Alert>
          {result.warnings.map((w) => (
            <Alert tone="warn" key={w}>
              {w}
            </Alert>
          ))}
          <ul>
            {result.unmapped.map((u) => (
              <li key={u.resource + u.reason}>
                {u.resource} ({u.code}): {u.reason}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </Card>
  );
}
