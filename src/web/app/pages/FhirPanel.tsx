/**
 * FHIR import (a Bundle file from the EHR, or the record read from a FHIR server an administrator configured,
 * replaces the record with a new version) and export of the assessment as a FHIR Bundle.
 */
import type { JSX } from "preact";
import { useEffect, useState } from "preact/hooks";
import { api, apiBlob, downloadBlob, type Patient } from "../api.js";
import { Alert, Button, Card } from "../components/ui.js";
import type { PatientRecordInput } from "../record.js";
import { RecordSummary } from "./RecordSummary.js";

interface Unmapped {
  resource: string;
  code: string;
  reason: string;
}

interface FhirServer {
  id: string;
  label: string;
  baseUrl: string;
}
interface EhrPatientHit {
  id: string;
  name?: string;
  birthDate?: string;
  gender?: string;
  identifiers: { system?: string; value: string }[];
}
interface ServerPreview {
  previewId: string;
  server: FhirServer;
  ehrPatient: { fhirId: string; name?: string; birthDate?: string };
  method: "$everything" | "search";
  readAt: string;
  record: PatientRecordInput;
  unmapped: Unmapped[];
  warnings: string[];
  resourceCount: number;
}

/** "1 Dec 2026, 12:05 UTC". */
export function ehrTime(iso: string): string {
  return new Date(iso).toLocaleString("en-GB", { timeZone: "UTC", dateStyle: "medium", timeStyle: "short" }) + " UTC";
}

/** The EHR items the import could not read (resource, code, why), as the patient page and the SMART view list them. */
export function UnmappedList(props: { items: Unmapped[]; testId: string }): JSX.Element | null {
  if (props.items.length === 0) return null;
  return (
    <table class="table" data-testid={props.testId}>
      <thead>
        <tr>
          <th>EHR resource</th>
          <th>Code</th>
          <th>Why it was not read</th>
        </tr>
      </thead>
      <tbody>
        {props.items.map((u) => (
          <tr key={u.resource + u.reason}>
            <td>{u.resource}</td>
            <td>{u.code}</td>
            <td>{u.reason}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Search a configured FHIR server's patients, preview the mapped record with what was not read, save it. */
function ServerImport(props: { patient: Patient; onImported: (p: Patient) => void }): JSX.Element | null {
  const [servers, setServers] = useState<FhirServer[] | null>(null);
  const [serverId, setServerId] = useState("");
  const [query, setQuery] = useState("");
  const [by, setBy] = useState<"identifier" | "name">("identifier");
  const [hits, setHits] = useState<EhrPatientHit[] | null>(null);
  const [preview, setPreview] = useState<ServerPreview | null>(null);
  const [saved, setSaved] = useState<{ importedAt: string; source: FhirServer; unmapped: Unmapped[] } | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    void api<{ servers: FhirServer[] }>("GET", "/api/fhir/servers")
      .then((r) => {
        setServers(r.servers);
        if (r.servers[0] !== undefined) setServerId(r.servers[0].id);
      })
      .catch(() => setServers([]));
  }, []);
  if (servers === null || servers.length === 0) return null;
  const run = async (what: string, f: () => Promise<void>): Promise<void> => {
    setBusy(what);
    setError(null);
    try {
      await f();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(null);
    }
  };
  const search = () =>
    run("search", async () => {
      setPreview(null);
      setSaved(null);
      const r = await api<{ patients: EhrPatientHit[] }>("GET", `/api/fhir/servers/${encodeURIComponent(serverId)}/patients?${new URLSearchParams({ [by]: query.trim() }).toString()}`);
      setHits(r.patients);
    });
  const read = (ehrPatientId: string) =>
    run("read", async () => {
      setSaved(null);
      setPreview(await api<ServerPreview>("POST", `/api/patients/${props.patient.id}/fhir-server-import/preview`, { serverId, ehrPatientId }));
    });
  const save = (pv: ServerPreview) =>
    run("save", async () => {
      const r = await api<{ patient: Patient; unmapped: Unmapped[]; importedAt: string; source: FhirServer }>("POST", `/api/patients/${props.patient.id}/fhir-server-import`, { previewId: pv.previewId, version: props.patient.version });
      setPreview(null);
      setHits(null);
      setSaved({ importedAt: r.importedAt, source: r.source, unmapped: r.unmapped });
      props.onImported(r.patient);
    });
  return (
    <div data-testid="fhir-server-import">
      <h3 style="margin:12px 0 6px">Import from the EHR's FHIR server</h3>
      <form
        class="row"
        style="gap:8px;flex-wrap:wrap;align-items:end"
        onSubmit={(e) => {
          e.preventDefault();
          if (query.trim() !== "") void search();
        }}
      >
        <label>
          Server{" "}
          <select class="input" style="width:auto" data-testid="fhir-server-select" value={serverId} onChange={(e) => setServerId(e.currentTarget.value)}>
            {servers.map((s) => (
              <option key={s.id} value={s.id}>
                {s.label} ({s.baseUrl})
              </option>
            ))}
          </select>
        </label>
        <label>
          Find by{" "}
          <select class="input" style="width:auto" data-testid="fhir-server-by" value={by} onChange={(e) => setBy(e.currentTarget.value as "identifier" | "name")}>
            <option value="identifier">identifier (MRN; system|value or value)</option>
            <option value="name">name</option>
          </select>
        </label>
        <input class="input" style="width:16em" data-testid="fhir-server-query" aria-label="Patient identifier or name" value={query} onInput={(e) => setQuery(e.currentTarget.value)} />
        <Button type="submit" busy={busy === "search"} disabled={query.trim() === ""} data-testid="fhir-server-search">
          Search the EHR
        </Button>
      </form>
      {error !== null ? (
        <Alert tone="error" role="alert">
          <span data-testid="fhir-server-error">{error}</span>
        </Alert>
      ) : null}
      {hits !== null ? (
        hits.length === 0 ? (
          <p class="muted" data-testid="fhir-server-hits">
            No patient found on this server.
          </p>
        ) : (
          <table class="table" data-testid="fhir-server-hits">
            <thead>
              <tr>
                <th>EHR patient</th>
                <th>Born</th>
                <th>Identifiers</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {hits.map((h) => (
                <tr key={h.id} data-ehr-patient={h.id}>
                  <td>
                    {h.name ?? "(no name)"} <span class="muted small">Patient/{h.id}</span>
                  </td>
                  <td>{h.birthDate ?? "—"}</td>
                  <td>{h.identifiers.map((i) => i.value).join(", ")}</td>
                  <td>
                    <Button size="sm" busy={busy === "read"} onClick={() => void read(h.id)}>
                      Read this record
                    </Button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )
      ) : null}
      {preview !== null ? (
        <div data-testid="fhir-server-preview">
          <Alert tone="info" role="status">
            <span data-testid="fhir-server-source">
              From the EHR at {ehrTime(preview.readAt)} ({preview.server.label}, Patient/{preview.ehrPatient.fhirId}
              {preview.ehrPatient.name !== undefined ? `, ${preview.ehrPatient.name}` : ""}; read with {preview.method === "$everything" ? "$everything" : "searches per resource type"}).
            </span>{" "}
            {preview.resourceCount} resource(s), {preview.unmapped.length} item(s) not read. Nothing is saved until you save it.
          </Alert>
          {preview.warnings.map((w) => (
            <Alert tone="warn" key={w}>
              {w}
            </Alert>
          ))}
          <RecordSummary record={preview.record} note="The record as read from the EHR (not saved yet)." />
          <h4 style="margin:10px 0 4px">Not read from the EHR</h4>
          {preview.unmapped.length === 0 ? <p class="muted">Every EHR item was read.</p> : null}
          <UnmappedList items={preview.unmapped} testId="fhir-server-unmapped" />
          <p class="row" style="gap:8px">
            <Button variant="primary" busy={busy === "save"} data-testid="fhir-server-save" onClick={() => void save(preview)}>
              Save as a new record version
            </Button>
            <Button variant="ghost" onClick={() => setPreview(null)}>
              Discard
            </Button>
          </p>
        </div>
      ) : null}
      {saved !== null ? (
        <Alert tone="ok" role="status">
          <span data-testid="fhir-server-saved">
            Saved as a new record version: from the EHR at {ehrTime(saved.importedAt)} ({saved.source.label}). {saved.unmapped.length} item(s) not read.
          </span>
        </Alert>
      ) : null}
    </div>
  );
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
      <ServerImport patient={props.patient} onImported={props.onImported} />
    </Card>
  );
}
