/** Record history: every version with what changed, and every plan, therapy event and follow-up, with who and when. */
import type { JSX } from "preact";
import { api, type FollowUp, type HistoryEvent, type Patient } from "../api.js";
import { Alert, Badge, Card, Spinner, fmtDate } from "../components/ui.js";
import { describeFollowUp } from "./Plan.js";
import { useLoad } from "../hooks.js";
import type { Json } from "../components/form.js";
import { fieldLabel } from "../../../clinical/field-labels.js";

interface HistoryEntry {
  version: number;
  changedAt: string;
  changedBy: string;
  displayName: string | null;
  dateOfBirth: string | null;
  record: Json;
}

function flatten(x: Json | undefined, prefix: string, out: Map<string, string>): void {
  if (x === null || x === undefined) return;
  if (Array.isArray(x)) x.forEach((v, i) => flatten(v, `${prefix}[${i}]`, out));
  else if (typeof x === "object") for (const [k, v] of Object.entries(x)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  else out.set(prefix, String(x));
}

/** Joins a measured value with its unit ("…uterineNk.value" 9.5 and "…uterineNk.unit" % → "…uterineNk" "9.5 %"). */
function withUnits(m: Map<string, string>): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of m) {
    if (k.endsWith(".unit") && m.has(k.replace(/\.unit$/, ".value"))) continue;
    if (k.endsWith(".value")) {
      const unit = m.get(k.replace(/\.value$/, ".unit"));
      out.set(k.replace(/\.value$/, ""), unit !== undefined ? `${v} ${unit}` : v);
    } else out.set(k, v);
  }
  return out;
}

/** Field-level differences between two versions (older → newer), values with their units. */
export function diffVersions(older: Json, newer: Json): Array<{ field: string; before?: string; after?: string }> {
  const a0 = new Map<string, string>();
  const b0 = new Map<string, string>();
  flatten(older, "", a0);
  flatten(newer, "", b0);
  const a = withUnits(a0);
  const b = withUnits(b0);
  const keys = [...new Set([...a.keys(), ...b.keys()])].sort();
  return keys.filter((k) => a.get(k) !== b.get(k)).map((k) => ({ field: k, before: a.get(k), after: b.get(k) }));
}

const KIND_TONE: Record<HistoryEvent["kind"], string> = {
  "record-created": "info",
  "record-changed": "info",
  "plan-kept": "ok",
  "therapy-event": "violet",
  "follow-up": "muted",
  "entered-in-error": "warn",
};
const KIND_LABEL: Record<HistoryEvent["kind"], string> = {
  "record-created": "record",
  "record-changed": "record",
  "plan-kept": "plan",
  "therapy-event": "therapy",
  "follow-up": "follow-up",
  "entered-in-error": "entered in error",
};

function ChangeTable(props: { changes: Array<{ field: string; before?: string; after?: string }> }): JSX.Element {
  if (props.changes.length === 0) return <p class="small muted">No field changed.</p>;
  return (
    <table class="data compact" style="margin-top:6px">
      <thead><tr><th>Field</th><th>Before</th><th>After</th></tr></thead>
      <tbody>
        {props.changes.map((x) => (
          <tr key={x.field}>
            <td title={x.field}>{fieldLabel(x.field)}</td>
            <td>{x.before ?? <span class="muted">—</span>}</td>
            <td>{x.after ?? <span class="muted">—</span>}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/**
 * Every event of the record, newest first: record versions with their field changes, plans kept (verdict then,
 * override reason), therapies started and stopped, follow-ups and entries marked entered in error, with who and when.
 */
export function HistoryView(props: { patient: Patient }): JSX.Element {
  const p = props.patient;
  const h = useLoad(() => api<{ history: HistoryEntry[]; events: HistoryEvent[] }>("GET", `/api/patients/${p.id}/history`), [p.id, p.version]);
  if (h.error) return <Alert tone="error">{h.error.message}</Alert>;
  if (!h.data) return <Spinner />;
  const { history: entries, events } = h.data;
  const snap = (e: { displayName: string | null; dateOfBirth: string | null; record: Json }): Json => ({ displayName: e.displayName, dateOfBirth: e.dateOfBirth, record: e.record });
  const versions = new Map<number, Json>(entries.map((e) => [e.version, snap(e)]));
  versions.set(p.version, snap({ displayName: p.displayName, dateOfBirth: p.dateOfBirth, record: p.record as Json }));
  return (
    <Card title={`History (${entries.length} earlier version${entries.length === 1 ? "" : "s"}, ${events.length} entr${events.length === 1 ? "y" : "ies"})`} tight>
      {entries.length === 0 ? <p class="small muted" style="padding:0 18px">No earlier versions: this is the first version of the record.</p> : null}
      <ol class="list-plain" style="padding:0 18px" data-testid="history-events">
        {events.map((e, i) => {
          const older = e.version !== undefined ? versions.get(e.version - 1) : undefined;
          const newer = e.version !== undefined ? versions.get(e.version) : undefined;
          return (
            <li key={`${e.kind}-${e.at}-${i}`} style="padding:12px 0" data-kind={e.kind}>
              <div class="row">
                <Badge tone={KIND_TONE[e.kind]} small>{KIND_LABEL[e.kind]}</Badge>
                {e.kind === "record-changed" && e.version !== undefined ? <b>Version {e.version - 1} → {e.version}</b> : <b>{e.title}</b>}
                <span class="small muted">{fmtDate(e.at)} {e.at.slice(11, 16)} by {e.by}</span>
              </div>
              {e.followup !== undefined ? <div class="small" style={e.kind === "entered-in-error" ? "text-decoration:line-through" : undefined}>{describeFollowUp({ ...e.followup.data, kind: e.followup.kind, date: e.followup.date } as FollowUp)}</div> : null}
              {e.detail.map((d) => <div key={d} class="small muted">{d}</div>)}
              {e.kind === "record-changed" && older !== undefined && newer !== undefined ? <ChangeTable changes={diffVersions(older, newer)} /> : null}
            </li>
          );
        })}
      </ol>
    </Card>
  );
}
