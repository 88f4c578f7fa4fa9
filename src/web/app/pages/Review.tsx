/**
 * The evidence reviewer's area (issue 11): the draft against the published version (what changed, whether it can be
 * published, which stored patients' verdicts would change), a form to correct a trial's counts with the reason,
 * the publish button, the comparison of any two versions (or a version and the draft), and the list of published
 * versions. Nothing done here reaches a clinician until published.
 */
import type { JSX } from "preact";
import { useState } from "preact/hooks";
import { api } from "../api.js";
import { useAction, useLoad } from "../hooks.js";
import { Alert, Badge, Button, Card, DataTable, PageHead, Spinner, fmtDate } from "../components/ui.js";
import { Rm5ImportForm } from "../components/Rm5Import.js";
import { EvidenceCompare } from "../components/EvidenceCompare.js";

interface Outcome {
  id: string;
  outcome: string;
  definition: string;
  events_t: number | null;
  total_t: number | null;
  events_c: number | null;
  total_c: number | null;
  status: string;
  derivation?: string;
  missingNote?: string;
  [k: string]: unknown;
}
interface Trial {
  id: string;
  label: string;
  therapy: string;
  outcomes: Outcome[];
  [k: string]: unknown;
}
interface Revision { id: number; at: string; actor: string; why: string; kind: string; table: string; entryId: string }
interface Draft { content: { trials?: Trial[] } & Record<string, Array<{ id: string }> | undefined>; baseVersion: number; lastRevision: number; pending: Revision[] }
interface VersionRef { number: number; label: string; publishedAt: string; publishedBy: string; note: string; contentHash: string; verdictChanges: number }
interface FieldChange { path: string; before: unknown; after: unknown }
interface TableDiff { added: Array<{ id: string; label: string }>; removed: Array<{ id: string; label: string }>; changed: Array<{ id: string; label: string; fields: FieldChange[]; aspects: string[] }> }
interface Affected { pseudonymId: string | null; displayName?: string | null; therapy: string; therapyName: string; kind: string; before: string; after: string; text: string }
interface DraftDiff {
  published: VersionRef;
  draft: { baseVersion: number; lastRevision: number; pending: number };
  publishable: boolean;
  problems: Array<{ text: string }>;
  diff: { tables: Record<string, TableDiff>; sof: Array<{ therapy: string; before: { effect: string; certainty: string } | null; after: { effect: string; certainty: string } | null; fields: string[] }>; same: boolean };
  affected: Affected[];
  patientsAssessed: number;
  assessedOn: string;
}

const TABLE_LABEL: Record<string, string> = { trials: "Trials", metaAnalyses: "Meta-analyses", guidelines: "Guideline positions", therapies: "Therapies", sources: "Sources", prisma: "PRISMA flows" };

function show(v: unknown): string {
  if (v === undefined) return "—";
  return typeof v === "string" ? v : JSON.stringify(v);
}

function countOrNull(s: string): number | null {
  return s.trim() === "" ? null : Number(s);
}

/** A form's change to the draft: busy while saving, the error, the saved line; `onSaved` (reload) after success. */
function useDraftSave(onSaved: () => void) {
  const action = useAction();
  const [saved, setSaved] = useState<string | null>(null);
  const save = (change: () => Promise<unknown>, message: string): Promise<boolean> => {
    setSaved(null);
    return action.run(async () => {
      await change();
      setSaved(message);
      onSaved();
    });
  };
  const messages = (
    <>
      {action.error ? <Alert tone="error">{action.error}</Alert> : null}
      {saved ? <Alert tone="ok">{saved}</Alert> : null}
    </>
  );
  return { action, save, messages };
}

/** Edit one outcome's arm counts of one trial, with the reason (one revision). */
function TrialCountsForm(props: { draft: Draft; onSaved: () => void }): JSX.Element {
  const trials = props.draft.content.trials ?? [];
  const [trialId, setTrialId] = useState(trials[0]?.id ?? "");
  const trial = trials.find((t) => t.id === trialId);
  const [outcomeId, setOutcomeId] = useState("");
  const outcome = trial?.outcomes.find((o) => o.id === outcomeId) ?? trial?.outcomes[0];
  const [vals, setVals] = useState<Record<string, string>>({});
  const [why, setWhy] = useState("");
  const { action, save: saveChange, messages } = useDraftSave(props.onSaved);
  const val = (k: "events_t" | "total_t" | "events_c" | "total_c" | "status" | "derivation"): string => vals[k] ?? (outcome?.[k] === null || outcome?.[k] === undefined ? (k === "status" ? "reported" : "") : String(outcome[k]));
  const set = (k: string) => (e: Event) => setVals({ ...vals, [k]: (e.currentTarget as HTMLInputElement).value });

  async function save(e: Event): Promise<void> {
    e.preventDefault();
    if (trial === undefined || outcome === undefined) return;
    const status = val("status");
    const o: Outcome = { ...outcome, events_t: countOrNull(val("events_t")), total_t: countOrNull(val("total_t")), events_c: countOrNull(val("events_c")), total_c: countOrNull(val("total_c")), status };
    if (status === "derived") o.derivation = val("derivation");
    else delete o.derivation;
    if (status !== "missing") delete o.missingNote;
    const entry = { ...trial, outcomes: trial.outcomes.map((x) => (x.id === outcome.id ? o : x)) };
    const change = () => api("PUT", `/api/evidence/draft/trials/${encodeURIComponent(trial.id)}`, { why, entry, expectedRevision: props.draft.lastRevision });
    if (await saveChange(change, `${trial.label}: ${outcome.id} saved to the draft`)) {
      setVals({});
      setWhy("");
    }
  }

  return (
    <form class="stack" onSubmit={(e) => void save(e)} data-testid="trial-counts-form">
      {messages}
      <div class="grid cols-2">
        <label class="field">
          <span class="label">Trial</span>
          <select class="input" value={trialId} onChange={(e) => { setTrialId(e.currentTarget.value); setOutcomeId(""); setVals({}); }} aria-label="Trial">
            {trials.map((t) => (
              <option key={t.id} value={t.id}>{t.label} ({t.therapy})</option>
            ))}
          </select>
        </label>
        <label class="field">
          <span class="label">Outcome</span>
          <select class="input" value={outcome?.id ?? ""} onChange={(e) => { setOutcomeId(e.currentTarget.value); setVals({}); }} aria-label="Outcome">
            {(trial?.outcomes ?? []).map((o) => (
              <option key={o.id} value={o.id}>{o.id}: {o.definition.slice(0, 60)}</option>
            ))}
          </select>
        </label>
      </div>
      <div class="grid cols-4">
        {([["events_t", "Events, treated"], ["total_t", "Total, treated"], ["events_c", "Events, control"], ["total_c", "Total, control"]] as const).map(([k, label]) => (
          <label class="field" key={k}>
            <span class="label">{label}</span>
            <input class="input" type="number" min={0} step={1} value={val(k)} onInput={set(k)} aria-label={label} />
          </label>
        ))}
      </div>
      <div class="grid cols-2">
        <label class="field">
          <span class="label">Status of the counts</span>
          <select class="input" value={val("status")} onChange={set("status")} aria-label="Status of the counts">
            <option value="reported">reported in the source</option>
            <option value="derived">derived (say how)</option>
            <option value="missing">missing</option>
          </select>
        </label>
        {val("status") === "derived" ? (
          <label class="field">
            <span class="label">How they were derived</span>
            <input class="input" value={val("derivation")} onInput={set("derivation")} aria-label="How they were derived" />
          </label>
        ) : null}
      </div>
      <label class="field">
        <span class="label">Reason for the change</span>
        <input class="input" value={why} onInput={(e) => setWhy(e.currentTarget.value)} required minLength={3} aria-label="Reason for the change" />
      </label>
      <div>
        <Button variant="primary" type="submit" busy={action.busy}>Save to draft</Button>
      </div>
    </form>
  );
}

/** Add, replace or delete any entry of the draft (a trial, a guideline position, a meta-analysis, …) as JSON. */
function EntryEditor(props: { draft: Draft; onSaved: () => void }): JSX.Element {
  const [table, setTable] = useState("trials");
  const [mode, setMode] = useState<"add" | "replace" | "delete">("add");
  const [id, setId] = useState("");
  const [text, setText] = useState("");
  const [why, setWhy] = useState("");
  const { action, save: saveChange, messages } = useDraftSave(props.onSaved);
  const entries = props.draft.content[table] ?? [];

  function load(): void {
    const e = entries.find((x) => x.id === id);
    setText(e === undefined ? "" : JSON.stringify(e, null, 1));
    action.setError(e === undefined ? `no entry "${id}" in ${table}` : null);
  }

  async function save(ev: Event): Promise<void> {
    ev.preventDefault();
    const change = async (): Promise<void> => {
      const expectedRevision = props.draft.lastRevision;
      if (mode === "delete") {
        await api("DELETE", `/api/evidence/draft/${table}/${encodeURIComponent(id)}`, { why, expectedRevision });
      } else {
        let entry: unknown;
        try {
          entry = JSON.parse(text) as unknown;
        } catch (e) {
          throw new Error(`the entry is not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
        }
        const entryId = typeof entry === "object" && entry !== null && typeof (entry as { id?: unknown }).id === "string" ? (entry as { id: string }).id : "";
        if (mode === "add") await api("POST", `/api/evidence/draft/${table}`, { why, entry, expectedRevision });
        else await api("PUT", `/api/evidence/draft/${table}/${encodeURIComponent(entryId)}`, { why, entry, expectedRevision });
      }
    };
    if (await saveChange(change, `${mode} ${table} saved to the draft`)) setWhy("");
  }

  return (
    <form class="stack" onSubmit={(e) => void save(e)} data-testid="entry-editor">
      {messages}
      <div class="grid cols-3">
        <label class="field">
          <span class="label">Table</span>
          <select class="input" value={table} onChange={(e) => setTable(e.currentTarget.value)} aria-label="Table">
            {Object.keys(TABLE_LABEL).map((t) => (
              <option key={t} value={t}>{TABLE_LABEL[t]}</option>
            ))}
          </select>
        </label>
        <label class="field">
          <span class="label">Change</span>
          <select class="input" value={mode} onChange={(e) => setMode(e.currentTarget.value as "add" | "replace" | "delete")} aria-label="Change">
            <option value="add">add an entry</option>
            <option value="replace">replace an entry</option>
            <option value="delete">delete an entry</option>
          </select>
        </label>
        {mode !== "add" ? (
          <label class="field">
            <span class="label">Entry id</span>
            <input class="input" list="entry-ids" value={id} onInput={(e) => setId(e.currentTarget.value)} aria-label="Entry id" />
            <datalist id="entry-ids">
              {entries.map((x) => <option key={x.id} value={x.id} />)}
            </datalist>
          </label>
        ) : null}
      </div>
      {mode === "replace" ? (
        <div>
          <Button size="sm" onClick={load}>Load the entry</Button>
        </div>
      ) : null}
      {mode !== "delete" ? (
        <label class="field">
          <span class="label">Entry (JSON, data/ format)</span>
          <textarea class="input mono" rows={12} value={text} onInput={(e) => setText(e.currentTarget.value)} aria-label="Entry (JSON, data/ format)" />
        </label>
      ) : null}
      <label class="field">
        <span class="label">Reason</span>
        <input class="input" value={why} onInput={(e) => setWhy(e.currentTarget.value)} required minLength={3} aria-label="Reason" />
      </label>
      <div>
        <Button variant="primary" type="submit" busy={action.busy}>Save entry to draft</Button>
      </div>
    </form>
  );
}

function DiffView(props: { d: DraftDiff }): JSX.Element {
  const d = props.d;
  const tables = Object.entries(d.diff.tables).filter(([, t]) => t.added.length + t.removed.length + t.changed.length > 0);
  return (
    <div class="stack" data-testid="draft-diff">
      {d.diff.same ? <p class="muted">The draft is the same as {d.published.label}.</p> : null}
      {tables.map(([name, t]) => (
        <div key={name}>
          <h3 style="margin:4px 0">{TABLE_LABEL[name] ?? name}</h3>
          <ul class="small">
            {t.added.map((x) => <li key={`a-${x.id}`}><Badge tone="ok" small>added</Badge> {x.label}</li>)}
            {t.removed.map((x) => <li key={`r-${x.id}`}><Badge tone="danger" small>removed</Badge> {x.label}</li>)}
            {t.changed.map((x) => (
              <li key={`c-${x.id}`}>
                <Badge tone="info" small>changed</Badge> <b>{x.label}</b>{x.aspects.length > 0 ? ` (${x.aspects.join(", ")})` : ""}
                <ul>
                  {x.fields.slice(0, 20).map((f) => (
                    <li key={f.path} class="mono">{f.path}: {show(f.before)} → {show(f.after)}</li>
                  ))}
                </ul>
              </li>
            ))}
          </ul>
        </div>
      ))}
      {d.diff.sof.length > 0 ? (
        <div>
          <h3 style="margin:4px 0">Summary of findings</h3>
          <ul class="small">
            {d.diff.sof.map((s) => (
              <li key={s.therapy}>
                <b>{s.therapy}</b>: {s.before ? `${s.before.effect}, ${s.before.certainty}` : "no summary"} → {s.after ? `${s.after.effect}, ${s.after.certainty}` : "no summary"}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </div>
  );
}

export function ReviewPage(): JSX.Element {
  const draft = useLoad(() => api<{ draft: Draft }>("GET", "/api/evidence/draft"), []);
  const diff = useLoad(() => api<DraftDiff>("GET", "/api/evidence/draft/diff"), []);
  const versions = useLoad(() => api<{ versions: VersionRef[] }>("GET", "/api/evidence/versions"), []);
  const [note, setNote] = useState("");
  const action = useAction();
  const [published, setPublished] = useState<string | null>(null);
  const reload = (): void => {
    draft.reload();
    diff.reload();
    versions.reload();
  };

  async function publish(): Promise<void> {
    const expectedRevision = diff.data?.draft.lastRevision;
    if (expectedRevision === undefined) return;
    await action.run(async () => {
      const r = await api<{ version: VersionRef }>("POST", "/api/evidence/publish", { note, expectedRevision });
      setPublished(`Published ${r.version.label}: ${r.version.verdictChanges} verdict change(s) recorded for clinicians.`);
      setNote("");
      reload();
    });
  }

  if (draft.error) return <Alert tone="error">{draft.error.message}</Alert>;
  const d = diff.data;
  return (
    <>
      <PageHead title="Evidence review" sub="Change the draft (every change is a revision with its reason), check what it changes for stored patients, and publish a new version. Clinicians' verdicts use only published versions." />
      {published ? <Alert tone="ok"><span data-testid="published-message">{published}</span></Alert> : null}
      <div class="grid cols-2">
        <Card title="Draft">
          {draft.data === null ? (
            <Spinner label="Loading the draft…" />
          ) : (
            <div class="stack">
              <div class="small" data-testid="draft-state">
                Rests on evidence v{draft.data.draft.baseVersion}; {draft.data.draft.pending.length} unpublished revision(s).
              </div>
              {draft.data.draft.pending.length > 0 ? (
                <ul class="small">
                  {draft.data.draft.pending.map((r) => (
                    <li key={r.id}>#{r.id} {r.kind} {r.table}/{r.entryId} by {r.actor}, {fmtDate(r.at.slice(0, 10))}: {r.why}</li>
                  ))}
                </ul>
              ) : null}
              <TrialCountsForm key={draft.data.draft.lastRevision} draft={draft.data.draft} onSaved={reload} />
            </div>
          )}
        </Card>
        <Card title={d ? `Draft against ${d.published.label}` : "Draft against the published version"}>
          {diff.error ? <Alert tone="error">{diff.error.message}</Alert> : d === null ? <Spinner label="Comparing…" /> : <DiffView d={d} />}
        </Card>
      </div>
      <Card title="Add, replace or delete an entry">
        {draft.data === null ? <Spinner /> : <EntryEditor key={draft.data.draft.lastRevision} draft={draft.data.draft} onSaved={reload} />}
      </Card>
      <Card title="Import a RevMan 5 review into the draft">
        <Rm5ImportForm onImported={reload} />
      </Card>
      <Card title="Patients whose verdicts would change">
        {d === null ? (
          <Spinner label="Assessing stored patients…" />
        ) : (
          <>
            <p class="small muted">{d.patientsAssessed} stored patients assessed on {fmtDate(d.assessedOn)} under both bases.</p>
            <div data-testid="affected-patients">
              <DataTable
                compact
                rows={d.affected}
                rowKey={(a) => `${a.pseudonymId ?? ""}-${a.therapy}-${a.kind}`}
                empty={<p class="small muted">No stored patient's verdict would change.</p>}
                columns={[
                  { key: "p", label: "Patient", render: (a) => <span class="mono">{a.displayName ?? a.pseudonymId}</span> },
                  { key: "t", label: "Therapy", render: (a) => a.therapyName },
                  { key: "k", label: "What changes", render: (a) => a.kind },
                  { key: "c", label: "Before → after", render: (a) => <span class="small">{a.before} → {a.after}</span> },
                ]}
              />
            </div>
          </>
        )}
      </Card>
      <Card title="Publish">
        {action.error ? <Alert tone="error">{action.error}</Alert> : null}
        {d !== null && !d.publishable ? (
          <Alert tone="warn">
            The draft cannot be published yet:
            <ul class="small">{d.problems.slice(0, 10).map((p) => <li key={p.text}>{p.text}</li>)}</ul>
          </Alert>
        ) : null}
        <div class="row">
          <label class="field" style="flex:1">
            <span class="label">Publication note</span>
            <input class="input" value={note} onInput={(e) => setNote(e.currentTarget.value)} aria-label="Publication note" />
          </label>
          <Button variant="primary" busy={action.busy} disabled={d === null || !d.publishable || d.diff.same || note.trim().length < 3} onClick={() => void publish()}>
            Publish as evidence v{d ? d.published.number + 1 : "…"}
          </Button>
        </div>
      </Card>
      <Card title="Compare two versions">
        {versions.data === null ? <Spinner /> : <EvidenceCompare key={versions.data.versions[0]?.number ?? 0} versions={versions.data.versions} />}
      </Card>
      <Card title="Published versions">
        {versions.data === null ? (
          <Spinner />
        ) : (
          <div data-testid="version-list">
            <DataTable
              compact
              rows={versions.data.versions}
              rowKey={(v) => String(v.number)}
              columns={[
                { key: "n", label: "Version", render: (v) => <b>v{v.number}</b> },
                { key: "at", label: "Published", render: (v) => `${fmtDate(v.publishedAt.slice(0, 10))} by ${v.publishedBy}` },
                { key: "note", label: "Note", render: (v) => v.note },
                { key: "ch", label: "Verdict changes", num: true, render: (v) => v.verdictChanges },
                { key: "h", label: "sha-256", render: (v) => <span class="mono small" title={v.contentHash}>{v.contentHash.slice(0, 12)}…</span> },
              ]}
            />
          </div>
        )}
      </Card>
    </>
  );
}
