/** Administration: users and the append-only audit log (view and CSV export). */
import type { JSX } from "preact";
import { useState } from "preact/hooks";
import { api, apiBlob, downloadBlob, qs, type AuditEntry, type Role, type User } from "../api.js";

interface AuditVerifyReport {
  ok: boolean;
  entries: number;
  recordedHead: { id: number; hash: string; at: string } | null;
  firstBroken: { id: number | null; reason: string } | null;
}
import { Alert, Badge, Button, Card, DataTable, Icon, ListAndAddPage, LoadedTable, PageHead, Spinner, fmtDate } from "../components/ui.js";
import { SelectField, TextField, opts, useForm, useSubmit, type Json } from "../components/form.js";
import { useDebounced, useLoad } from "../hooks.js";
import { useSession } from "../session.js";

/** 16 characters from a 57-symbol alphabet without look-alikes (about 93 bits), from the browser CSPRNG. */
function generatePassword(): string {
  const alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
  const bytes = new Uint32Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join("");
}

const ROLE_TONE: Record<Role, string> = { clinician: "info", researcher: "violet", reviewer: "ok", admin: "warn" };

function fmtTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${fmtDate(iso.slice(0, 10))} ${d.toISOString().slice(11, 19)}`;
}

export function AdminUsersPage(): JSX.Element {
  const me = useSession().user;
  const users = useLoad(() => api<{ users: User[] }>("GET", "/api/users"), []);
  const form = useForm({ role: "clinician" } as Json);
  const [created, setCreated] = useState<{ user: User; password: string } | null>(null);
  const { busy, error, setError, run } = useSubmit(form);

  async function create(e: Event): Promise<void> {
    await run(e, async () => {
      const r = await api<{ user: User; password: string }>("POST", "/api/users", form.value);
      setCreated(r);
      form.reset({ role: "clinician" });
      users.reload();
    });
  }

  async function patch(u: User, body: Partial<{ disabled: boolean; role: Role; password: string }>): Promise<boolean> {
    setError(null);
    try {
      await api("PATCH", `/api/users/${u.id}`, body);
      users.reload();
      return true;
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
      return false;
    }
  }

  async function resetPassword(u: User): Promise<void> {
    const password = generatePassword();
    if (await patch(u, { password })) setCreated({ user: u, password });
  }

  return (
    <ListAndAddPage
      title="Users"
      sub="Accounts and roles. Disabling a user ends their sessions."
      listTitle="Accounts"
      list={
        <LoadedTable
          of={users}
          caption="Users"
          rows={(d) => d.users}
          rowKey={(u) => u.id}
          columns={[
            { key: "name", label: "Name", render: (u) => <><b>{u.displayName}</b><div class="small muted mono">{u.username}</div></> },
            {
              key: "role",
              label: "Role",
              render: (u) => (
                <div class="row" style="gap:6px;flex-wrap:nowrap">
                  <Badge tone={ROLE_TONE[u.role]} small plain>{u.role}</Badge>
                  <label class="sr-only" for={`role-${u.id}`}>Role of {u.username}</label>
                  <select id={`role-${u.id}`} class="input" style="height:28px;width:auto;font-size:12px" value={u.role} disabled={u.id === me.id} onChange={(e) => void patch(u, { role: e.currentTarget.value as Role })}>
                    <option value="clinician">clinician</option>
                    <option value="researcher">researcher</option>
                    <option value="reviewer">reviewer</option>
                    <option value="admin">admin</option>
                  </select>
                </div>
              ),
            },
            { key: "status", label: "Status", render: (u) => (u.disabled ? <Badge tone="danger" small>disabled</Badge> : <Badge tone="ok" small>active</Badge>) },
            { key: "created", label: "Created", render: (u) => <span class="num">{fmtDate(u.createdAt)}</span> },
            {
              key: "act",
              label: "",
              render: (u) => (
                <div class="row" style="gap:6px;flex-wrap:nowrap;justify-content:flex-end">
                  <Button size="sm" onClick={() => void resetPassword(u)}>
                    Reset password
                  </Button>
                  {u.id !== me.id ? (
                    <Button size="sm" variant={u.disabled ? undefined : "danger"} onClick={() => void patch(u, { disabled: !u.disabled })}>
                      {u.disabled ? "Enable" : "Disable"}
                    </Button>
                  ) : (
                    <span class="small muted">you</span>
                  )}
                </div>
              ),
            },
          ]}
        />
      }
      addTitle="Add a user"
      submitLabel="Create user"
      onSubmit={create}
      busy={busy}
      error={error}
    >
      {created ? (
        <Alert tone="ok">
          <b>{created.user.username}</b>: password (shown once, pass it on securely): <code data-testid="new-password">{created.password}</code>
        </Alert>
      ) : null}
      <TextField form={form} path="username" label="Username" hint="3–40 characters: a–z, 0–9, . _ -" required autoComplete="off" />
      <TextField form={form} path="displayName" label="Display name" required />
      <SelectField form={form} path="role" label="Role" options={opts(["clinician", "Clinician"], ["researcher", "Researcher (pseudonymised data only)"], ["reviewer", "Evidence reviewer (keeps the evidence base)"], ["admin", "Administrator"])} emptyLabel="Choose a role" />
      <TextField form={form} path="password" label="Password" type="password" hint="Optional, at least 10 characters; generated when empty." autoComplete="new-password" />
    </ListAndAddPage>
  );
}

const AUDIT_PAGE = 50;

export function AdminAuditPage(): JSX.Element {
  const [username, setUsername] = useState("");
  const [action, setAction] = useState("");
  const [patientId, setPatientId] = useState("");
  const [offset, setOffset] = useState(0);
  const filterKey = useDebounced(JSON.stringify({ username, action, patientId }), 250);
  const filters = JSON.parse(filterKey) as { username: string; action: string; patientId: string };
  const log = useLoad(
    () => api<{ entries: AuditEntry[]; total: number }>("GET", `/api/audit${qs({ ...filters, limit: AUDIT_PAGE, offset })}`),
    [filters.username, filters.action, filters.patientId, offset],
  );
  const [exporting, setExporting] = useState(false);
  const chain = useLoad(() => api<AuditVerifyReport>("GET", "/api/audit/verify"), []);

  async function exportCsv(): Promise<void> {
    setExporting(true);
    try {
      downloadBlob(await apiBlob("GET", `/api/audit.csv${qs(filters)}`), "decidua-audit.csv");
    } finally {
      setExporting(false);
    }
  }

  const total = log.data?.total ?? 0;
  return (
    <>
      <PageHead
        title="Audit log"
        sub="Every read and write of patient data, append-only."
        actions={
          <Button onClick={() => void exportCsv()} busy={exporting}>
            <Icon name="download" size={16} /> Export CSV
          </Button>
        }
      />
      <Card title="Hash chain" tight>
        <div class="card-body" data-testid="audit-chain">
          {chain.error ? (
            <Alert tone="error">{chain.error.message}</Alert>
          ) : !chain.data ? (
            <Spinner />
          ) : (
            <>
              {chain.data.ok ? (
                <Alert tone="ok">Intact: {chain.data.entries} entries chained.</Alert>
              ) : (
                <Alert tone="error">
                  Broken{chain.data.firstBroken?.id != null ? ` at entry #${chain.data.firstBroken.id}` : ""}: {chain.data.firstBroken?.reason}
                </Alert>
              )}
              <p class="small">
                Head hash (record it outside Decidua, e.g. in a dated note, to prove later that no entry up to here was changed):
              </p>
              <p>
                <span class="small muted">entry #{chain.data.recordedHead?.id ?? 0}</span>{" "}
                <code class="mono small" data-testid="audit-head-hash" style="word-break:break-all">{chain.data.recordedHead?.hash ?? "—"}</code>
              </p>
              <Button size="sm" onClick={() => chain.reload()}>Verify again</Button>
            </>
          )}
        </div>
      </Card>
      <Card
        title={<span>Entries <span class="muted small num">({total})</span></span>}
        actions={
          <div class="row">
            <label class="sr-only" for="audit-user">Username</label>
            <input id="audit-user" class="input" style="width:150px" placeholder="Username" value={username} onInput={(e) => { setUsername(e.currentTarget.value); setOffset(0); }} />
            <label class="sr-only" for="audit-action">Action</label>
            <input id="audit-action" class="input" style="width:170px" placeholder="Action (patient.read…)" value={action} onInput={(e) => { setAction(e.currentTarget.value); setOffset(0); }} />
            <label class="sr-only" for="audit-patient">Patient id</label>
            <input id="audit-patient" class="input" style="width:200px" placeholder="Patient id" value={patientId} onInput={(e) => { setPatientId(e.currentTarget.value); setOffset(0); }} />
          </div>
        }
        tight
      >
        {log.error ? (
          <div class="card-body"><Alert tone="error">{log.error.message}</Alert></div>
        ) : !log.data ? (
          <div class="card-body"><Spinner /></div>
        ) : (
          <DataTable
            caption="Audit log"
            compact
            rows={log.data.entries}
            rowKey={(e) => String(e.id)}
            columns={[
              { key: "at", label: "Time (UTC)", render: (e) => <span class="num mono">{fmtTime(e.at)}</span> },
              { key: "user", label: "User", render: (e) => e.username ?? <span class="muted">—</span> },
              { key: "action", label: "Action", render: (e) => <code>{e.action}</code> },
              { key: "patient", label: "Patient", render: (e) => (e.patientId ? <a class="mono small" href={`/patients/${e.patientId}`}>{e.patientId.slice(0, 8)}…</a> : <span class="muted">—</span>) },
              { key: "route", label: "Route", render: (e) => <span class="small mono muted">{e.route}</span> },
              {
                key: "status",
                label: "Status",
                render: (e) =>
                  e.status === null ? <span class="muted">—</span> : <Badge tone={e.status < 400 ? "ok" : e.status < 500 ? "warn" : "danger"} small plain>{e.status}</Badge>,
              },
              { key: "from", label: "From", render: (e) => <span class="small mono muted" title={e.userAgent ?? ""}>{e.clientIp ?? "—"}{e.sessionId ? ` · ${e.sessionId.slice(0, 8)}` : ""}</span> },
              { key: "detail", label: "Detail", render: (e) => <span class="small">{e.detail ?? ""}</span> },
            ]}
          />
        )}
        {total > AUDIT_PAGE ? (
          <div class="card-foot">
            <span class="small muted" style="margin-right:auto">{offset + 1}–{Math.min(offset + AUDIT_PAGE, total)} of {total}</span>
            <Button size="sm" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - AUDIT_PAGE))}>Previous</Button>
            <Button size="sm" disabled={offset + AUDIT_PAGE >= total} onClick={() => setOffset(offset + AUDIT_PAGE)}>Next</Button>
          </div>
        ) : null}
      </Card>
    </>
  );
}
