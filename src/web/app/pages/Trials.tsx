/**
 * Trials: the list of the user's trials and a new trial from its protocol; one trial's participants with
 * enrolment (eligibility from the stored record, criterion by criterion) → consent → allocation → visits →
 * outcome, and the CONSORT flow. Everything goes through the trial API (src/server/routes/trials.ts).
 */
import type { JSX } from "preact";
import { useState } from "preact/hooks";
import type { ParticipantView, TrialSummary, TrialView } from "../../../store/trials.js";
import type { CriterionResult, EligibilityResult } from "../../../trials/eligibility.js";
import { TRIAL_MARKERS, TRIAL_MARKER_IDS, type TrialMarkerId } from "../../../trials/markers.js";
import { TRIAL_ROLES, type TrialRole } from "../../../trials/roles.js";
import { api, apiBlob, downloadBlob } from "../api.js";
import { RemoteSvg } from "../components/Svg.js";
import { Alert, Badge, Button, Card, DataTable, Empty, PageHead, Spinner, Tabs } from "../components/ui.js";
import { useAction, useLoad } from "../hooks.js";
import { navigate } from "../router.js";

export function TrialsPage(props: { canCreate: boolean }): JSX.Element {
  const list = useLoad(() => api<{ trials: TrialSummary[] }>("GET", "/api/trials"), []);
  const [protocol, setProtocol] = useState("");
  const act = useAction();
  return (
    <>
      <PageHead title="Trials" sub="Randomised trials you have a role in: enrolment, concealed allocation, visits, outcomes, CONSORT." />
      <Card title="Your trials">
        {list.loading ? <Spinner /> : list.error ? <Alert tone="error">{list.error.message}</Alert> : (
          <DataTable
            caption="Trials"
            rows={list.data?.trials ?? []}
            rowKey={(t) => t.id}
            onRowClick={(t) => navigate(`/trials/${t.id}`)}
            empty={<Empty title="No trials">You see a trial once its coordinator gives you a role in it.</Empty>}
            columns={[
              { key: "reg", label: "Registration", render: (t) => <a href={`/trials/${t.id}`}>{t.registration}</a> },
              { key: "title", label: "Title", render: (t) => t.title },
              { key: "role", label: "Your role", render: (t) => <Badge tone="info">{t.myRole ?? "admin"}</Badge> },
              { key: "n", label: "Allocated / target", num: true, render: (t) => `${t.allocated} / ${t.targetSize}` },
            ]}
          />
        )}
      </Card>
      {props.canCreate ? (
        <Card title="New trial" foot={<Button variant="primary" busy={act.busy} onClick={() => void act.run(async () => {
          let parsed: unknown;
          try {
            parsed = JSON.parse(protocol);
          } catch {
            throw new Error("the protocol is not valid JSON");
          }
          const r = await api<{ trial: TrialView }>("POST", "/api/trials", { protocol: parsed });
          navigate(`/trials/${r.trial.id}`);
        })}>Create trial</Button>}>
          <div class="stack">
            {act.error ? <Alert tone="error">{act.error}</Alert> : null}
            <label for="trial-protocol">Protocol (JSON: registration, arms, ratio, strata, randomisation, visits, eligibility, outcomes)</label>
            <textarea id="trial-protocol" class="input" rows={10} value={protocol} onInput={(e) => setProtocol(e.currentTarget.value)} />
          </div>
        </Card>
      ) : null}
    </>
  );
}

function CriterionRow(props: { c: CriterionResult; depth?: number }): JSX.Element {
  const tone = props.c.outcome === "met" ? "ok" : props.c.outcome === "missing" ? "warn" : "error";
  return (
    <li style={`margin-left:${(props.depth ?? 0) * 16}px`} data-outcome={props.c.outcome}>
      <Badge tone={tone} small>{props.c.outcome}</Badge> <strong>{props.c.label}</strong>: {props.c.finding}
      {props.c.children ? <ul class="plain">{props.c.children.map((ch, i) => <CriterionRow key={i} c={ch} depth={(props.depth ?? 0) + 1} />)}</ul> : null}
    </li>
  );
}

function EligibilityView(props: { e: EligibilityResult }): JSX.Element {
  return (
    <div class="stack" data-testid="eligibility">
      <div>
        Eligibility: <Badge tone={props.e.status === "eligible" ? "ok" : props.e.status === "incomplete" ? "warn" : "error"}>{props.e.status}</Badge>
      </div>
      <ul class="plain">
        {props.e.inclusion.map((c, i) => <CriterionRow key={`i${i}`} c={c} />)}
        {props.e.exclusion.map((c, i) => <CriterionRow key={`e${i}`} c={{ ...c, label: `Exclusion: ${c.label}` }} />)}
      </ul>
      {props.e.missing.length > 0 ? <Alert tone="warn">Missing, needed to decide: {props.e.missing.join("; ")}</Alert> : null}
    </div>
  );
}

function ParticipantPanel(props: { trial: TrialView; p: ParticipantView; onChange: () => void }): JSX.Element {
  const { trial, p } = props;
  const base = `/api/trials/${trial.id}/participants/${p.id}`;
  const act = useAction();
  const today = new Date().toISOString().slice(0, 10);
  const [takenBy, setTakenBy] = useState("");
  const [consentedOn, setConsentedOn] = useState(today);
  const [sheet, setSheet] = useState(trial.protocol.informationSheets[0] ?? "");
  const [visitId, setVisitId] = useState(trial.protocol.visits[0]?.id ?? "");
  const [visitDate, setVisitDate] = useState(today);
  const [reason, setReason] = useState("");
  const o = p.outcome?.data ?? {};
  const [liveBirth, setLiveBirth] = useState(o.liveBirth === true);
  const [healthy, setHealthy] = useState(o.healthyNewborn === true);
  const [conceptionDate, setConceptionDate] = useState(o.conceptionDate ?? "");
  const done = async (f: () => Promise<unknown>) => {
    if (await act.run(f)) props.onChange();
  };
  return (
    <Card title={`Participant ${p.studyId}`} id="participant-panel">
      <div class="stack">
        {act.error ? <Alert tone="error">{act.error}</Alert> : null}
        {p.eligibility ? <EligibilityView e={p.eligibility} /> : <p>Comparison group: {p.groupId}</p>}
        <h3>Consent</h3>
        {p.consent ? (
          <p data-testid="consent">Consent taken by {p.consent.takenBy} on {p.consent.consentedOn} (information sheet {p.consent.sheetVersion}).</p>
        ) : (
          <div class="row">
            <label for="consent-by">Taken by</label>
            <input id="consent-by" class="input" value={takenBy} onInput={(e) => setTakenBy(e.currentTarget.value)} />
            <label for="consent-on">Date</label>
            <input id="consent-on" type="date" class="input" value={consentedOn} onInput={(e) => setConsentedOn(e.currentTarget.value)} />
            <label for="consent-sheet">Information sheet</label>
            <select id="consent-sheet" class="input" value={sheet} onChange={(e) => setSheet(e.currentTarget.value)}>
              {trial.protocol.informationSheets.map((s) => <option key={s} value={s}>{s}</option>)}
            </select>
            <Button busy={act.busy} onClick={() => void done(() => api("POST", `${base}/consent`, { takenBy, consentedOn, sheetVersion: sheet }))}>Record consent</Button>
          </div>
        )}
        <h3>Allocation</h3>
        {p.allocation ? (
          <p data-testid="allocation">
            Sequence {p.allocation.sequence}
            {p.allocation.kitCode ? <>, kit <strong>{p.allocation.kitCode}</strong></> : null}
            {p.allocation.arm ? <>, arm <strong>{p.allocation.arm}</strong></> : <> (arm concealed)</>}, allocated {p.allocation.allocatedOn}. Final.
          </p>
        ) : p.groupId === null ? (
          <Button variant="primary" busy={act.busy} onClick={() => void done(() => api("POST", `${base}/allocation`))}>Allocate</Button>
        ) : null}
        {p.visits.length > 0 ? (
          <>
            <h3>Visits</h3>
            <DataTable
              compact
              caption="Visits"
              rows={p.visits}
              rowKey={(v) => v.visit}
              columns={[
                { key: "v", label: "Visit", render: (v) => v.label },
                { key: "w", label: "Window", render: (v) => (v.window ? `${v.window.earliest} to ${v.window.latest}` : "not anchored yet") },
                { key: "s", label: "Status", render: (v) => <span data-visit-status={v.visit}>{v.status}</span> },
                { key: "d", label: "Date", render: (v) => v.date ?? "" },
              ]}
            />
            <div class="row">
              <label for="visit-id">Visit</label>
              <select id="visit-id" class="input" value={visitId} onChange={(e) => setVisitId(e.currentTarget.value)}>
                {trial.protocol.visits.map((v) => <option key={v.id} value={v.id}>{v.label}</option>)}
              </select>
              <label for="visit-date">Visit date</label>
              <input id="visit-date" type="date" class="input" value={visitDate} onInput={(e) => setVisitDate(e.currentTarget.value)} />
              <label for="visit-reason">Reason if outside the window</label>
              <input id="visit-reason" class="input" value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
              <Button busy={act.busy} onClick={() => void done(() => api("POST", `${base}/visits`, { visitId, date: visitDate, ...(reason.trim() !== "" ? { outOfWindowReason: reason } : {}) }))}>Record visit</Button>
            </div>
          </>
        ) : null}
        {p.allocation || p.groupId !== null ? (
          <>
            <h3>Outcome</h3>
            <div class="row">
              <label for="out-conception">Conception date</label>
              <input id="out-conception" type="date" class="input" value={conceptionDate} onInput={(e) => setConceptionDate(e.currentTarget.value)} />
              <label><input id="out-live" type="checkbox" checked={liveBirth} onChange={(e) => setLiveBirth(e.currentTarget.checked)} /> Live birth</label>
              <label><input id="out-healthy" type="checkbox" checked={healthy} onChange={(e) => setHealthy(e.currentTarget.checked)} /> Healthy newborn</label>
              <Button
                busy={act.busy}
                onClick={() =>
                  void done(() =>
                    api("PUT", `${base}/outcome`, {
                      version: p.outcome?.version ?? 0,
                      data: { ...o, ...(conceptionDate !== "" ? { conception: true, conceptionDate } : {}), liveBirth, healthyNewborn: healthy },
                    }),
                  )
                }
              >
                Save outcome
              </Button>
            </div>
            {p.outcome ? <p data-testid="outcome-saved">Outcome form version {p.outcome.version}.</p> : null}
            <MarkersAndEvents trial={trial} p={p} base={base} done={done} busy={act.busy} />
          </>
        ) : null}
      </div>
    </Card>
  );
}

function MarkersAndEvents(props: { trial: TrialView; p: ParticipantView; base: string; done: (f: () => Promise<unknown>) => Promise<void>; busy: boolean }): JSX.Element {
  const { trial, p, base, done } = props;
  const recorded = p.visits.filter((v) => v.date !== undefined);
  const [marker, setMarker] = useState<TrialMarkerId>("nkPercent");
  const [value, setValue] = useState("");
  const [unit, setUnit] = useState<string>(TRIAL_MARKERS.nkPercent.units[0]);
  const [mVisit, setMVisit] = useState(recorded[0]?.visit ?? "");
  const [term, setTerm] = useState("");
  const [serious, setSerious] = useState(false);
  const [severity, setSeverity] = useState("mild");
  const [related, setRelated] = useState("possibly");
  const [onset, setOnset] = useState(new Date().toISOString().slice(0, 10));
  const [reason, setReason] = useState("");
  const [unblindedArm, setUnblindedArm] = useState<string | null>(null);
  const role = trial.myRole;
  return (
    <>
      <h3>Markers</h3>
      {p.markers.length > 0 ? (
        <ul class="plain" data-testid="markers">
          {p.markers.map((m, i) => <li key={i}>{m.visitId}: {TRIAL_MARKERS[m.marker as TrialMarkerId]?.label ?? m.marker} {m.value} {m.unit}{m.method ? ` (${m.method})` : ""}</li>)}
        </ul>
      ) : null}
      {recorded.length > 0 && role !== "statistician" ? (
        <div class="row">
          <label for="m-visit">Marker visit</label>
          <select id="m-visit" class="input" value={mVisit} onChange={(e) => setMVisit(e.currentTarget.value)}>{recorded.map((v) => <option key={v.visit} value={v.visit}>{v.label}</option>)}</select>
          <label for="m-marker">Marker</label>
          <select id="m-marker" class="input" value={marker} onChange={(e) => { const m = e.currentTarget.value as TrialMarkerId; setMarker(m); setUnit(TRIAL_MARKERS[m].units[0]); }}>
            {TRIAL_MARKER_IDS.map((m) => <option key={m} value={m}>{TRIAL_MARKERS[m].label}</option>)}
          </select>
          <label for="m-value">Value</label>
          <input id="m-value" class="input" inputMode="decimal" value={value} onInput={(e) => setValue(e.currentTarget.value)} />
          <label for="m-unit">Unit</label>
          <select id="m-unit" class="input" value={unit} onChange={(e) => setUnit(e.currentTarget.value)}>{TRIAL_MARKERS[marker].units.map((u) => <option key={u} value={u}>{u}</option>)}</select>
          <Button busy={props.busy} onClick={() => void done(() => api("POST", `${base}/markers`, { visitId: mVisit, marker, value: Number(value), unit, method: TRIAL_MARKERS[marker].method }))}>Record marker</Button>
        </div>
      ) : null}
      <h3>Adverse events</h3>
      {p.adverseEvents.length > 0 ? <ul class="plain" data-testid="adverse-events">{p.adverseEvents.map((e) => <li key={e.id}>{e.onset}: {e.term} ({e.severity}{e.serious ? ", serious" : ""}, {e.related})</li>)}</ul> : <p>None recorded.</p>}
      {role !== "statistician" ? (
        <div class="row">
          <label for="ae-term">Adverse event</label>
          <input id="ae-term" class="input" value={term} onInput={(e) => setTerm(e.currentTarget.value)} />
          <label for="ae-onset">Onset</label>
          <input id="ae-onset" type="date" class="input" value={onset} onInput={(e) => setOnset(e.currentTarget.value)} />
          <label for="ae-severity">Severity</label>
          <select id="ae-severity" class="input" value={severity} onChange={(e) => setSeverity(e.currentTarget.value)}>{["mild", "moderate", "severe"].map((x) => <option key={x}>{x}</option>)}</select>
          <label for="ae-related">Related</label>
          <select id="ae-related" class="input" value={related} onChange={(e) => setRelated(e.currentTarget.value)}>{["not related", "unlikely", "possibly", "probably", "definitely"].map((x) => <option key={x}>{x}</option>)}</select>
          <label><input id="ae-serious" type="checkbox" checked={serious} onChange={(e) => setSerious(e.currentTarget.checked)} /> Serious</label>
          <Button busy={props.busy} onClick={() => void done(() => api("POST", `${base}/adverse-events`, { term, onset, serious, severity, related }))}>Record adverse event</Button>
        </div>
      ) : null}
      {p.allocation && (role === "coordinator" || role === "statistician") && trial.protocol.blinding !== "open" ? (
        <>
          <h3>Emergency unblinding</h3>
          <div class="row">
            <label for="unblind-reason">Reason</label>
            <input id="unblind-reason" class="input" value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
            <Button variant="danger" busy={props.busy} onClick={() => void done(async () => { const r = await api<{ unblinded: { arm: string } }>("POST", `${base}/unblinding`, { reason }); setUnblindedArm(r.unblinded.arm); })}>Unblind</Button>
          </div>
          {unblindedArm !== null ? <Alert tone="warn">Unblinded: allocated to {unblindedArm}. The unblinding and its reason are recorded.</Alert> : null}
        </>
      ) : null}
    </>
  );
}

interface AnalysisBody {
  arms: { treatment: string; control: string };
  primary: (Record<string, number | null> & { treatment: { events: number; n: number }; control: { events: number; n: number }; notes: string[] }) | null;
  notes: string[];
}

function AnalysisTab(props: { trial: TrialView }): JSX.Element {
  const id = props.trial.id;
  const a = useLoad(() => api<AnalysisBody>("GET", `/api/trials/${id}/analysis`), [id]);
  const act = useAction();
  const forms = ["participants", "visits", "markers", "outcomes", "adverse_events", "data_dictionary", "analysis.R"];
  const f = (x: number | null | undefined, d = 2) => (x === null || x === undefined || !Number.isFinite(x) ? "—" : x.toFixed(d));
  return (
    <>
      <Card title="Primary outcome (intention to treat)">
        {a.loading ? <Spinner /> : a.error ? <Alert tone="warn">{a.error.message}</Alert> : a.data?.primary ? (
          <div data-testid="analysis-primary">
            <p>{a.data.arms.treatment}: {a.data.primary.treatment.events}/{a.data.primary.treatment.n}; {a.data.arms.control}: {a.data.primary.control.events}/{a.data.primary.control.n}</p>
            <p>OR {f(a.data.primary["or"])} (95% CI {f(a.data.primary["or_ci_lb"])} to {f(a.data.primary["or_ci_ub"])}); RR {f(a.data.primary["rr"], 3)}; RD {f(a.data.primary["rd"], 3)}; Fisher P = {f(a.data.primary["fisher_p"], 4)}; chi-square P = {f(a.data.primary["chisq_p"], 4)}</p>
          </div>
        ) : <Alert tone="info">No result yet: {a.data?.notes.join("; ")}</Alert>}
      </Card>
      <Card title="Exports (pseudonymised)">
        {act.error ? <Alert tone="error">{act.error}</Alert> : null}
        <div class="row">
          {forms.map((x) => <Button key={x} size="sm" onClick={() => void act.run(async () => downloadBlob(await apiBlob("GET", `/api/trials/${id}/export/${x}`), x.endsWith(".R") ? x : `${x}.csv`))}>{x}</Button>)}
        </div>
      </Card>
    </>
  );
}

/**
 * A trial seen by an administrator who holds no role in it: its members, and a trial role given to a user. The
 * participants, their records and the CONSORT flow are for the trial's members (a global role gives no access to a
 * trial's data: src/trials/roles.ts); the administrator can give a role, to someone else or to themself.
 */
function TrialMembersCard(props: { trialId: string; onChange: () => void }): JSX.Element {
  const members = useLoad(() => api<{ members: { userId: string; username: string; role: TrialRole }[] }>("GET", `/api/trials/${props.trialId}/members`), [props.trialId]);
  const [user, setUser] = useState("");
  const [role, setRole] = useState<TrialRole>("coordinator");
  const [done, setDone] = useState<string | null>(null);
  const act = useAction();
  return (
    <Card title="Members">
      <div class="stack">
        <Alert tone="info">You hold no role in this trial. Its participants and its CONSORT flow are shown to its members only; give a trial role below (to yourself, too) to work in it.</Alert>
        {members.loading ? <Spinner /> : members.error ? <Alert tone="error">{members.error.message}</Alert> : (
          <DataTable
            caption="Trial members"
            rows={members.data?.members ?? []}
            rowKey={(m) => m.userId}
            empty={<Empty title="No members" />}
            columns={[
              { key: "u", label: "User", render: (m) => m.username },
              { key: "r", label: "Trial role", render: (m) => <Badge tone="info">{m.role}</Badge> },
            ]}
          />
        )}
        {act.error ? <Alert tone="error">{act.error}</Alert> : null}
        {done ? <Alert tone="ok">{done}</Alert> : null}
        <div class="row">
          <label for="member-user">User name</label>
          <input id="member-user" class="input" style="width:220px" value={user} onInput={(e) => setUser(e.currentTarget.value.trim())} />
          <label for="member-role">Trial role</label>
          <select id="member-role" class="input" value={role} onChange={(e) => setRole(e.currentTarget.value as TrialRole)}>
            {TRIAL_ROLES.map((r) => <option key={r} value={r}>{r}</option>)}
          </select>
          <Button variant="primary" busy={act.busy} onClick={() => void act.run(async () => {
            await api("PUT", `/api/trials/${props.trialId}/members`, { user, role });
            setDone(`${user} is the trial's ${role}.`);
            members.reload();
            props.onChange();
          })}>Give the role</Button>
        </div>
      </div>
    </Card>
  );
}

export function TrialPage(props: { id: string }): JSX.Element {
  const trial = useLoad(() => api<{ trial: TrialView }>("GET", `/api/trials/${props.id}`), [props.id]);
  // participants are read by the trial's members only: an administrator who holds no role in it manages its members
  const myRole = trial.data === null ? undefined : trial.data.trial.myRole;
  const parts = useLoad(() => (myRole === undefined || myRole === null ? Promise.resolve(null) : api<{ participants: ParticipantView[] }>("GET", `/api/trials/${props.id}/participants`)), [props.id, myRole]);
  const [tab, setTab] = useState<"participants" | "consort" | "analysis">("participants");
  const [selected, setSelected] = useState<string | null>(null);
  const [patientId, setPatientId] = useState("");
  const [preview, setPreview] = useState<EligibilityResult | null>(null);
  const [consortTick, setConsortTick] = useState(0);
  const act = useAction();
  if (trial.loading) return <Spinner />;
  if (trial.error || trial.data === null) return <Alert tone="error">{trial.error?.message ?? "not found"}</Alert>;
  const t = trial.data.trial;
  const mayEnrol = t.myRole === "coordinator" || t.myRole === "investigator";
  const current = parts.data?.participants.find((p) => p.id === selected) ?? null;
  if (t.myRole === null) {
    return (
      <>
        <PageHead title={t.title} sub={<>Registration {t.registration} · your role: <span data-testid="trial-role">none (administrator)</span> · {t.allocated} of {t.targetSize} allocated · {t.protocol.blinding}</>} />
        <TrialMembersCard trialId={t.id} onChange={trial.reload} />
      </>
    );
  }
  return (
    <>
      <PageHead title={t.title} sub={<>Registration {t.registration} · your role: <span data-testid="trial-role">{t.myRole ?? "admin"}</span> · {t.allocated} of {t.targetSize} allocated · {t.protocol.blinding}</>} />
      <Tabs label="Trial" value={tab} onChange={(v) => { setTab(v); setConsortTick((x) => x + 1); }} tabs={[{ id: "participants", label: "Participants" }, { id: "consort", label: "CONSORT flow" }, ...(t.myRole === "statistician" ? [{ id: "analysis" as const, label: "Analysis & exports" }] : [])]} />
      {tab === "analysis" ? <AnalysisTab trial={t} /> : tab === "consort" ? (
        <Card title="CONSORT 2025 flow diagram">
          <RemoteSvg key={consortTick} src={`/api/trials/${t.id}/consort.svg`} label="CONSORT flow diagram" testId="consort" />
        </Card>
      ) : (
        <>
          {mayEnrol ? (
            <Card title="Enrol a candidate">
              <div class="stack">
                {act.error ? <Alert tone="error">{act.error}</Alert> : null}
                <div class="row">
                  <label for="enrol-patient">Patient id</label>
                  <input id="enrol-patient" class="input" style="width:340px" value={patientId} onInput={(e) => setPatientId(e.currentTarget.value.trim())} />
                  <Button busy={act.busy} onClick={() => void act.run(async () => setPreview((await api<{ eligibility: EligibilityResult }>("GET", `/api/trials/${t.id}/eligibility?patientId=${encodeURIComponent(patientId)}`)).eligibility))}>Check eligibility</Button>
                  <Button variant="primary" busy={act.busy} onClick={() => void act.run(async () => {
                    const r = await api<{ participant: ParticipantView }>("POST", `/api/trials/${t.id}/participants`, { patientId });
                    setSelected(r.participant.id);
                    setPreview(null);
                    parts.reload();
                  })}>Enrol</Button>
                </div>
                {preview ? <EligibilityView e={preview} /> : null}
              </div>
            </Card>
          ) : null}
          <Card title="Participants">
            {parts.loading ? <Spinner /> : parts.error ? <Alert tone="error">{parts.error.message}</Alert> : (
              <DataTable
                caption="Participants"
                rows={parts.data?.participants ?? []}
                rowKey={(p) => p.id}
                onRowClick={(p) => setSelected(p.id)}
                empty={<Empty title="No participants yet" />}
                columns={[
                  { key: "s", label: "Study id", render: (p) => <button type="button" class="btn ghost sm" data-study-id={p.studyId} onClick={() => setSelected(p.id)}>{p.studyId}</button> },
                  { key: "e", label: "Eligibility", render: (p) => p.eligibilityStatus },
                  { key: "c", label: "Consent", render: (p) => (p.consent ? p.consent.consentedOn : "—") },
                  { key: "a", label: "Allocation", render: (p) => (p.allocation ? `#${p.allocation.sequence}${p.allocation.kitCode ? ` ${p.allocation.kitCode}` : ""}${p.allocation.arm ? ` ${p.allocation.arm}` : ""}` : "—") },
                ]}
              />
            )}
          </Card>
          {current ? <ParticipantPanel key={`${current.id}-${current.outcome?.version ?? 0}-${current.visits.filter((v) => v.date).length}-${current.consent ? 1 : 0}-${current.allocation ? 1 : 0}`} trial={t} p={current} onChange={() => { parts.reload(); trial.reload(); }} /> : null}
        </>
      )}
    </>
  );
}
