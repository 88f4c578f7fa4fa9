/** Record history: every previous version, who changed it and what changed. */
import type { JSX } from "preact";
import { api, type Patient } from "../api.js";
import { Alert, Card, Empty, Spinner, fmtDate } from "../components/ui.js";
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

export function HistoryView(props: { patient: Patient }): JSX.Element {
  const p = props.patient;
  const h = useLoad(() => api<{ history: HistoryEntry[] }>("GET", `/api/patients/${p.id}/history`), [p.id, p.version]);
  if (h.error) return <Alert tone="error">{h.error.message}</Alert>;
  if (!h.data) return <Spinner />;
  const entries = h.data.history;
  if (entries.length === 0) return <Card title="History"><Empty title="No earlier versions">This is the first version of the record.</Empty></Card>;
  const snap = (e: { displayName: string | null; dateOfBirth: string | null; record: Json }): Json => ({ displayName: e.displayName, dateOfBirth: e.dateOfBirth, record: e.record });
  return (
    <Card title={`History (${entries.length} earlier version${entries.length === 1 ? "" : "s"})`} tight>
      <ol class="list-plain" style="padding:0 18px">
        {entries.map((e, i) => {
          const newer = i === 0 ? snap({ displayName: p.displayName, dateOfBirth: p.dateOfBirth, record: p.record as Json }) : snap(entries[i - 1] as HistoryEntry);
          const d = diffVersions(snap(e), newer);
          return (
            <li key={e.version} style="padding:12px 0">
              <div class="row">
                <b>Version {e.version} → {e.version + 1}</b>
                <span class="small muted">changed {fmtDate(e.changedAt)} {e.changedAt.slice(11, 16)} by {e.changedBy}</span>
              </div>
              {d.length === 0 ? <p class="small muted">No field changed.</p> : (
                <table class="data compact" style="margin-top:6px">
                  <thead><tr><th>Field</th><th>Before</th><th>After</th></tr></thead>
                  <tbody>
                    {d.map((x) => (
                      <tr key={x.field}>
                        <td title={x.field}>{fieldLabel(x.field)}</td>
                        <td>{x.before ?? <span class="muted">—</span>}</td>
                        <td>{x.after ?? <span class="muted">—</span>}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </li>
          );
        })}
      </ol>
    </Card>
  );
}
