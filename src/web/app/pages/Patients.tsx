/** Patients: searchable list and creation. */
import type { JSX } from "preact";
import { useEffect, useState } from "preact/hooks";
import { api, patientLabel, qs, type Patient, type PatientSummary } from "../api.js";
import { Alert, Badge, Button, Card, Empty, Icon, LoadedTable, PageHead, fmtDate, initials } from "../components/ui.js";
import { loadNotices, noticeHeading } from "../components/EvidenceNotice.js";
import { TextField, useForm, useSubmit, type Json } from "../components/form.js";
import { useDebounced, useLoad } from "../hooks.js";
import { navigate } from "../router.js";
import { canEditPatients, useSession } from "../session.js";
import { emptyRecord, recordForSave } from "../record.js";

const PAGE = 25;

/** Completed years from a YYYY-MM-DD date of birth (approximate for pseudonymised, shifted dates). */
function ageFrom(dob: string | null): number | null {
  if (!dob) return null;
  const d = new Date(`${dob.slice(0, 10)}T00:00:00Z`);
  if (Number.isNaN(d.getTime())) return null;
  const now = new Date();
  let age = now.getUTCFullYear() - d.getUTCFullYear();
  if (now.getUTCMonth() < d.getUTCMonth() || (now.getUTCMonth() === d.getUTCMonth() && now.getUTCDate() < d.getUTCDate())) age -= 1;
  return age;
}

export function PatientsPage(): JSX.Element {
  const { user } = useSession();
  const [q, setQ] = useState(new URLSearchParams(window.location.search).get("q") ?? "");
  const [offset, setOffset] = useState(0);
  const dq = useDebounced(q, 250);
  const list = useLoad(
    () => api<{ patients: PatientSummary[]; total: number; pseudonymised: boolean }>("GET", `/api/patients${qs({ q: dq, limit: PAGE, offset })}`),
    [dq, offset],
  );
  const pseudo = list.data?.pseudonymised ?? user.role === "researcher";
  const notices = useLoad(() => (user.role === "clinician" || user.role === "admin" ? loadNotices() : Promise.resolve(null)), [user.role]);
  // each patient's changes at the current evidence version (their texts and kinds)
  const changesOf = new Map<string, Array<{ kind: string; text: string }>>();
  for (const c of notices.data?.changes ?? []) changesOf.set(c.patientId, [...(changesOf.get(c.patientId) ?? []), c]);
  useEffect(() => {
    // "/" jumps to the search box, as in most clinical systems.
    const onKey = (e: KeyboardEvent): void => {
      const t = e.target as HTMLElement | null;
      if (e.key === "/" && t && !["INPUT", "SELECT", "TEXTAREA"].includes(t.tagName)) {
        e.preventDefault();
        document.getElementById("patient-search")?.focus();
      }
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, []);
  const total = list.data?.total ?? 0;

  return (
    <>
      <PageHead
        title="Patients"
        sub={pseudo ? "Research view: names, free text and calendar dates are hidden." : "Recurrent pregnancy loss clinic: records, assessments and plans."}
        actions={
          canEditPatients(user) ? (
            <a class="btn primary" href="/patients/new">
              <Icon name="plus" size={16} /> New patient
            </a>
          ) : null
        }
      />
      <Card
        title={
          <span>
            {pseudo ? "Pseudonymised patients" : "All patients"} <span class="muted small num">({total})</span>
          </span>
        }
        actions={
          <div class="searchbox" role="search">
            <Icon name="search" />
            <label class="sr-only" for="patient-search">
              Search patients
            </label>
            <input
              id="patient-search"
              class="input"
              type="search"
              placeholder={pseudo ? "Search by pseudonym (P-…)  /" : "Search by name or pseudonym  /"}
              value={q}
              onInput={(e) => {
                setQ(e.currentTarget.value);
                setOffset(0);
              }}
            />
          </div>
        }
        tight
      >
        <LoadedTable
          of={list}
          caption="Patients"
          rows={(d) => d.patients}
          rowKey={(p) => p.id}
          onRowClick={(p) => navigate(`/patients/${p.id}`)}
          empty={
            <Empty title={dq ? "No patient matches this search" : "No patients yet"}>
              {canEditPatients(user) && !dq ? <p>Create the first record with “New patient”.</p> : null}
            </Empty>
          }
          columns={[
            {
              key: "name",
              label: pseudo ? "Pseudonym" : "Patient",
              render: (p) => (
                <div class="row" style="flex-wrap:nowrap">
                  <span class="avatar" aria-hidden="true" style={pseudo ? "background:var(--violet-bg);color:var(--violet)" : undefined}>
                    {pseudo ? "P" : initials(p.displayName ?? "?")}
                  </span>
                  <div>
                    <a href={`/patients/${p.id}`} data-testid="patient-link">
                      <b>{patientLabel(p)}</b>
                    </a>
                    {!pseudo ? <div class="small muted mono">{p.pseudonymId}</div> : null}
                    {changesOf.has(p.id) && notices.data?.version ? (
                      <div class="small" data-testid="evidence-notice-mark" title={changesOf.get(p.id)!.map((c) => c.text).join("\n")}>
                        <Badge tone="warn" small>{noticeHeading(changesOf.get(p.id)!).toLowerCase()} with evidence v{notices.data.version.number}</Badge> {changesOf.get(p.id)![0]!.text}
                        {changesOf.get(p.id)!.length > 1 ? ` (+${changesOf.get(p.id)!.length - 1})` : ""}
                      </div>
                    ) : null}
                  </div>
                </div>
              ),
            },
            // a researcher's list reads no records and shows no dates or ages (docs/security.md): no such columns
            ...(pseudo
              ? []
              : [
                  { key: "dob", label: "Date of birth", render: (p: PatientSummary) => <span class="num">{fmtDate(p.dateOfBirth)}</span> },
                  { key: "age", label: "Age", num: true, render: (p: PatientSummary) => <span class="num">{ageFrom(p.dateOfBirth) ?? "—"}</span> },
                ]),
            // nor a diagnosis (it reads no records) nor who and when (record metadata is withheld)
            ...(pseudo
              ? []
              : [
                {
                  key: "diagnosis",
                  label: "Diagnosis · what needs doing",
                  render: (p: PatientSummary) =>
                    p.diagnosis ? (
                      <div data-testid="patient-diagnosis">
                        <div class="small">{p.diagnosis.label}</div>
                        {p.diagnosis.needs.length > 0 ? (
                          <div class="small muted" title={p.diagnosis.needs.join("\n")}>
                            To do: {p.diagnosis.needs.map((n) => n.split(":")[0]).join("; ")}
                          </div>
                        ) : (
                          <div class="small muted">Work-up complete</div>
                        )}
                        {p.due !== undefined && p.due.length > 0 ? (
                          <div class="small" data-testid="patient-due" style="color:var(--warn)">
                            {p.due.map((d) => d.text).join("; ")}
                          </div>
                        ) : null}
                      </div>
                    ) : (
                      <span class="small muted">record needs correction</span>
                    ),
                },
                { key: "created", label: "Created", render: (p: PatientSummary) => <span class="num">{fmtDate(p.createdAt)} <span class="muted small">by {p.createdBy}</span></span> },
                { key: "updated", label: "Last updated", render: (p: PatientSummary) => <span class="num">{fmtDate(p.updatedAt)} <span class="muted small">by {p.updatedBy}</span></span> },
                ]),
            { key: "version", label: "Version", num: true, render: (p) => <span class="num">v{p.version}</span> },
            {
              key: "open",
              label: "",
              render: (p) => (
                <div class="row" style="justify-content:flex-end">
                  <a class="btn sm" href={`/patients/${p.id}/assessment`}>
                    Assessment
                  </a>
                </div>
              ),
            },
          ]}
        />
        {total > PAGE ? (
          <div class="card-foot">
            <span class="small muted" style="margin-right:auto">
              {offset + 1}–{Math.min(offset + PAGE, total)} of {total}
            </span>
            <Button size="sm" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>
              Previous
            </Button>
            <Button size="sm" disabled={offset + PAGE >= total} onClick={() => setOffset(offset + PAGE)}>
              Next
            </Button>
          </div>
        ) : null}
      </Card>
    </>
  );
}

export function NewPatientPage(): JSX.Element {
  const form = useForm({ displayName: "", dateOfBirth: "" } as Json);
  const { busy, error, run } = useSubmit(form);

  async function submit(e: Event): Promise<void> {
    await run(
      e,
      async () => {
        const body = { displayName: form.get("displayName") ?? "", dateOfBirth: form.get("dateOfBirth") ?? "", record: recordForSave(emptyRecord()) };
        const r = await api<{ patient: Patient }>("POST", "/api/patients", body);
        navigate(`/patients/${r.patient.id}`);
      },
      (err) => (err.issues.length > 0 ? "Please correct the highlighted fields." : err.message),
    );
  }

  return (
    <>
      <PageHead title="New patient" sub="Identity first; the history, work-up and immune panel are entered in the record." />
      <form onSubmit={submit} noValidate style="max-width:640px">
        <Card
          title="Identity"
          foot={
            <>
              <a class="btn" href="/patients">
                Cancel
              </a>
              <Button type="submit" variant="primary" busy={busy}>
                Create patient
              </Button>
            </>
          }
        >
          <div class="stack">
            {error ? <Alert tone="error">{error}</Alert> : null}
            <div class="form-grid">
              <TextField form={form} path="displayName" label="Full name" required class="span-2" autoComplete="off" />
              <TextField form={form} path="dateOfBirth" label="Date of birth" type="date" required />
            </div>
          </div>
        </Card>
      </form>
    </>
  );
}
