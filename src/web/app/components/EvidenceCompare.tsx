/**
 * The reviewer's comparison of two evidence versions (issue 11 §2; GET /api/evidence/compare): pick any two published
 * versions, or a version and the draft, and see what changed grouped (trials, counts, risk of bias, GRADE, guideline
 * positions, the rest) with before and after side by side, every Summary-of-Findings row that differs, and which
 * stored patients' verdicts differ (pseudonym ids for reviewers: the server sends no names to them).
 */
import type { JSX } from "preact";
import { useState } from "preact/hooks";
import type { GroupedChange, SofRowChange, SofRowDigest } from "../../../evidence/diff.js";
import { api } from "../api.js";
import { useAction } from "../hooks.js";
import { Alert, Badge, Button, DataTable, fmtDate } from "./ui.js";

interface VersionRef { number: number; label: string }
interface Side { draft: boolean; label: string }
interface Affected { pseudonymId: string | null; displayName?: string | null; therapy: string; therapyName: string; kind: string; before: string; after: string }
interface Comparison {
  from: Side;
  to: Side;
  comparison: { same: boolean; groups: Array<{ group: string; label: string; changes: GroupedChange[] }>; sofRows: SofRowChange[] };
  affected: Affected[];
  patientsAssessed: number;
  assessedOn: string;
}

const KIND_TONE: Record<GroupedChange["kind"], string> = { added: "ok", removed: "danger", changed: "info" };

function show(v: unknown): string {
  if (v === null || v === undefined) return "—";
  return typeof v === "string" ? v : JSON.stringify(v);
}

function sofText(d: SofRowDigest | null): string {
  if (d === null) return "no row";
  const numbers = `${d.studies} studies, ${d.participants} participants`;
  return `${d.effect}${d.absolute !== null ? `; ${d.absolute}` : ""}; certainty ${d.certainty ?? "not graded"} (${numbers})`;
}

function GroupTable(props: { group: string; label: string; changes: GroupedChange[] }): JSX.Element {
  return (
    <div data-testid={`compare-group-${props.group}`}>
      <h3 style="margin:8px 0 4px">
        {props.label} <span class="muted small">({props.changes.length})</span>
      </h3>
      <DataTable
        compact
        rows={props.changes}
        rowKey={(c) => `${c.table}-${c.id}-${c.kind}-${c.path ?? ""}`}
        empty={<p class="small muted">No change.</p>}
        columns={[
          { key: "e", label: "Entry", render: (c) => <span><Badge tone={KIND_TONE[c.kind]} small>{c.kind}</Badge> <b>{c.label}</b></span> },
          { key: "f", label: "Field", render: (c) => <span class="mono small">{c.path ?? "(whole entry)"}</span> },
          { key: "b", label: "Before", render: (c) => <span class="mono small">{show(c.before)}</span> },
          { key: "a", label: "After", render: (c) => <span class="mono small">{show(c.after)}</span> },
        ]}
      />
    </div>
  );
}

/** Two version pickers (the second also offers the draft) and the comparison they give. */
export function EvidenceCompare(props: { versions: VersionRef[] }): JSX.Element {
  const newest = props.versions[0]?.number ?? 1;
  const [from, setFrom] = useState(String(Math.max(1, newest - 1)));
  const [to, setTo] = useState(String(newest));
  const [result, setResult] = useState<Comparison | null>(null);
  const action = useAction();
  const compare = () => action.run(async () => setResult(await api<Comparison>("GET", `/api/evidence/compare?from=${from}&to=${to}`)));
  const options = [...props.versions.map((v) => ({ value: String(v.number), label: v.label })), { value: "draft", label: "the draft (not published)" }];
  const r = result;
  return (
    <div class="stack" data-testid="evidence-compare">
      <div class="row">
        {([["From", from, setFrom], ["To", to, setTo]] as const).map(([label, value, set]) => (
          <label class="field" key={label}>
            <span class="label">{label}</span>
            <select class="input" value={value} onChange={(e) => set(e.currentTarget.value)} aria-label={`Compare ${label.toLowerCase()}`}>
              {options.map((o) => <option key={o.value} value={o.value}>{o.label}</option>)}
            </select>
          </label>
        ))}
        <Button variant="primary" busy={action.busy} disabled={from === to} onClick={() => void compare()}>
          Compare
        </Button>
      </div>
      {action.error ? <Alert tone="error">{action.error}</Alert> : null}
      {r === null ? null : (
        <div class="stack" data-testid="compare-result">
          <p class="small" data-testid="compare-title">
            <b>{r.from.label}</b> → <b>{r.to.label}</b>
            {r.comparison.same ? " : the two hold the same evidence." : null}
          </p>
          {r.comparison.groups.map((g) => <GroupTable key={g.group} {...g} />)}
          <div data-testid="compare-sof">
            <h3 style="margin:8px 0 4px">Summary-of-findings rows before and after</h3>
            <DataTable
              compact
              rows={r.comparison.sofRows}
              rowKey={(s) => `${s.therapy}-${s.outcome}`}
              empty={<p class="small muted">No Summary-of-Findings row changes.</p>}
              columns={[
                { key: "t", label: "Therapy · outcome", render: (s) => <span><b>{s.therapy}</b> · {s.label}</span> },
                { key: "b", label: "Before", render: (s) => <span class="small">{sofText(s.before)}</span> },
                { key: "a", label: "After", render: (s) => <span class="small">{sofText(s.after)}</span> },
              ]}
            />
          </div>
          <div data-testid="compare-affected">
            <h3 style="margin:8px 0 4px">Stored patients whose verdicts differ</h3>
            <p class="small muted">{r.patientsAssessed} stored patients assessed on {fmtDate(r.assessedOn)} under both.</p>
            <DataTable
              compact
              rows={r.affected}
              rowKey={(a) => `${a.pseudonymId ?? ""}-${a.therapy}-${a.kind}`}
              empty={<p class="small muted">No stored patient's verdict differs.</p>}
              columns={[
                { key: "p", label: "Patient", render: (a) => <span class="mono">{a.displayName ?? a.pseudonymId}</span> },
                { key: "t", label: "Therapy", render: (a) => a.therapyName },
                { key: "k", label: "What changes", render: (a) => a.kind },
                { key: "b", label: "Before", render: (a) => <span class="small">{a.before}</span> },
                { key: "a", label: "After", render: (a) => <span class="small">{a.after}</span> },
              ]}
            />
          </div>
        </div>
      )}
    </div>
  );
}
