/** Treatment plan as a dated timeline; follow-up results and outcomes. */
import type { JSX } from "preact";
import { useEffect, useState } from "preact/hooks";
import { api, type FollowUp, type Patient, type StoredFollowUp } from "../api.js";
import { Alert, Badge, Button, Card, Empty, Icon, Spinner, fmtDate } from "../components/ui.js";
import { NumberField, SelectField, TextField, opts, useForm, useSubmit, type Json } from "../components/form.js";
import { useLoad, useTherapies } from "../hooks.js";
import { PlanTimeline, type PlanLike } from "../components/PlanTimeline.js";

interface KeptPlan {
  id: string;
  therapy: string;
  version: number;
  startDate: string;
  verdictStatus: string;
  overrideReason: string | null;
  createdAt: string;
  createdBy: string;
}

interface TherapyEvent {
  id: string;
  therapy: string;
  event: "started" | "stopped";
  date: string;
  note: string | null;
  createdBy: string;
}

function today(): string {
  return new Date().toISOString().slice(0, 10);
}

function therapyFromQuery(): string {
  return new URLSearchParams(window.location.search).get("therapy") ?? "lit";
}

export function PlanView(props: { patient: Patient; canEdit: boolean }): JSX.Element {
  const p = props.patient;
  const [therapy, setTherapy] = useState(therapyFromQuery());
  const [start, setStart] = useState(today());
  const [plan, setPlan] = useState<PlanLike | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const followups = useLoad(() => api<{ followups: StoredFollowUp[] }>("GET", `/api/patients/${p.id}/followups`), [p.id]);
  const kept = useLoad(
    () => (props.canEdit ? api<{ plans: KeptPlan[]; therapyEvents: TherapyEvent[] }>("GET", `/api/patients/${p.id}/plans`) : Promise.resolve({ plans: [] as KeptPlan[], therapyEvents: [] as TherapyEvent[] })),
    [p.id],
  );
  const [override, setOverride] = useState("");
  const [keepError, setKeepError] = useState<{ message: string; field?: string } | null>(null);

  async function keepPlan(): Promise<void> {
    setKeepError(null);
    try {
      await api("POST", `/api/patients/${p.id}/plans`, { therapy, startDate: start, ...(override.trim() !== "" ? { overrideReason: override.trim() } : {}) });
      setOverride("");
      kept.reload();
    } catch (err) {
      const e = err as { message?: string; field?: string };
      setKeepError({ message: e.message ?? String(err), ...(e.field !== undefined ? { field: e.field } : {}) });
    }
  }
  const therapies = useTherapies();
  const nameOf = (id: string): string => therapies.find((t) => t.id === id)?.name ?? id;
  const [event, setEvent] = useState<{ event: "started" | "stopped"; date: string; note: string }>({ event: "started", date: today(), note: "" });
  const [eventError, setEventError] = useState<string | null>(null);
  async function recordEvent(): Promise<void> {
    setEventError(null);
    try {
      await api("POST", `/api/patients/${p.id}/therapy-events`, { therapy, event: event.event, date: event.date, ...(event.note.trim() !== "" ? { note: event.note.trim() } : {}) });
      setEvent({ ...event, note: "" });
      kept.reload();
    } catch (err) {
      setEventError(err instanceof Error ? err.message : String(err));
    }
  }

  // Arriving from an assessment card ("Plan this therapy"): build the plan straight away, from today.
  useEffect(() => {
    if (props.canEdit && new URLSearchParams(window.location.search).has("therapy")) void makePlan();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  async function makePlan(e?: Event): Promise<void> {
    e?.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const r = await api<{ plan: PlanLike }>("POST", `/api/patients/${p.id}/plan`, { therapy, startDate: start });
      setPlan(r.plan);
    } catch (err) {
      setPlan(null);
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div class="grid" style={props.canEdit ? "grid-template-columns:minmax(0,1.4fr) minmax(0,1fr);align-items:start" : undefined}>
      {props.canEdit ? (
      <div class="stack">
        <Card
          title="Treatment plan"
          actions={
            <form class="row no-print" onSubmit={makePlan} aria-label="Plan options">
              <label class="sr-only" for="plan-therapy">Therapy</label>
              <select id="plan-therapy" class="input" style="width:auto" value={therapy} onChange={(e) => setTherapy(e.currentTarget.value)}>
                {(therapies.length > 0 ? therapies : [{ id: therapy, name: therapy }]).map((o) => (
                  <option key={o.id} value={o.id}>{o.name}</option>
                ))}
              </select>
              <label class="sr-only" for="plan-start">Start date</label>
              <input id="plan-start" class="input" type="date" style="width:auto" value={start} onInput={(e) => setStart(e.currentTarget.value)} />
              <Button type="submit" variant="primary" busy={busy}>
                <Icon name="plan" size={16} /> Build plan
              </Button>
            </form>
          }
        >
          {error ? <Alert tone="warn">{error}</Alert> : null}
          {busy ? <Spinner label="Building the plan…" /> : null}
          {!plan && !busy && !error ? (
            <Empty title="No plan built yet">Choose a therapy and a start date (for LIT: the day of the first injection), then “Build plan”.</Empty>
          ) : null}
          {plan ? <PlanTimeline plan={plan} followups={followups.data?.followups ?? []} /> : null}
          {plan ? (
            <div class="stack no-print" style="margin-top:12px" data-testid="keep-plan">
              <label class="small" for="plan-override">Override reason (needed when the verdict is neither recommended nor protocol-eligible)</label>
              <input id="plan-override" name="overrideReason" class="input" value={override} onInput={(e) => setOverride(e.currentTarget.value)} aria-invalid={keepError?.field === "overrideReason" ? "true" : undefined} />
              {keepError ? <Alert tone="warn"><span data-testid="keep-error">{keepError.message}</span></Alert> : null}
              <div>
                <Button onClick={() => void keepPlan()}>Keep this plan</Button>
              </div>
            </div>
          ) : null}
        </Card>
        <Card title="Kept plans" tight>
          {!kept.data || kept.data.plans.length === 0 ? (
            <Empty title="No plan kept yet">Build a plan, then “Keep this plan”: it is stored with its version, author and date.</Empty>
          ) : (
            <ul class="list-plain" style="padding:4px 18px" data-testid="kept-plans">
              {kept.data.plans.map((k) => (
                <li key={k.id} class="small">
                  <b>{nameOf(k.therapy)}</b> · version {k.version} · from {fmtDate(k.startDate)} · kept {fmtDate(k.createdAt)} by {k.createdBy} · verdict then: {k.verdictStatus}
                  {k.overrideReason !== null ? <div class="muted" data-testid="override-reason">Override reason: {k.overrideReason}</div> : null}
                </li>
              ))}
            </ul>
          )}
        </Card>
        <Card title="Therapy started and stopped" tight>
          {kept.data && kept.data.therapyEvents.length > 0 ? (
            <ul class="list-plain" style="padding:4px 18px" data-testid="therapy-events">
              {kept.data.therapyEvents.map((e) => (
                <li key={e.id} class="small">
                  <b>{nameOf(e.therapy)}</b> {e.event} on {fmtDate(e.date)} <span class="muted">(recorded by {e.createdBy})</span>
                  {e.note !== null ? <div class="muted">{e.note}</div> : null}
                </li>
              ))}
            </ul>
          ) : null}
          <div class="row no-print" style="padding:8px 18px" aria-label="Record a therapy started or stopped">
            <span class="small">{nameOf(therapy)}</span>
            <select name="therapyEvent" aria-label={`${nameOf(therapy)}: started or stopped`} class="input" style="width:auto" value={event.event} onChange={(e) => setEvent({ ...event, event: e.currentTarget.value as "started" | "stopped" })}>
              <option value="started">started</option>
              <option value="stopped">stopped</option>
            </select>
            <input name="therapyEventDate" aria-label="Date started or stopped" class="input" type="date" style="width:auto" value={event.date} onInput={(e) => setEvent({ ...event, date: e.currentTarget.value })} />
            <input name="therapyEventNote" aria-label="Note on the start or stop (optional)" class="input" placeholder="note (optional)" value={event.note} onInput={(e) => setEvent({ ...event, note: e.currentTarget.value })} />
            <Button onClick={() => void recordEvent()}>Record</Button>
          </div>
          {eventError ? <div style="padding:0 18px 8px"><Alert tone="warn">{eventError}</Alert></div> : null}
        </Card>
      </div>
      ) : null}
      <div class="stack">
        {props.canEdit ? (
          <FollowUpForm
            patientId={p.id}
            onAdded={() => {
              followups.reload();
              if (plan) void makePlan();
            }}
          />
        ) : null}
        <Card title="Follow-up and outcomes" tight>
          {followups.error ? (
            <div class="card-body"><Alert tone="error">{followups.error.message}</Alert></div>
          ) : !followups.data ? (
            <div class="card-body"><Spinner /></div>
          ) : followups.data.followups.length === 0 ? (
            <Empty title="Nothing recorded yet">Antibody results, pregnancies, losses, births and adverse reactions appear here.</Empty>
          ) : (
            <ul class="list-plain" style="padding:4px 18px" data-testid="followups">
              {followups.data.followups.map((f) => (
                <li key={f.id} class="row" style="align-items:flex-start;flex-wrap:nowrap">
                  <span class="num small muted" style="width:92px;flex:none">{fmtDate(f.date)}</span>
                  <div style="flex:1">
                    <span style={f.enteredInError ? "text-decoration:line-through" : undefined}>{describeFollowUp(f)}</span>
                    {f.enteredInError ? <div class="small muted" data-testid="entered-in-error">Entered in error{typeof f.enteredInError === "object" ? `: ${f.enteredInError.reason} (${f.enteredInError.by})` : ""}</div> : null}
                  </div>
                  {props.canEdit && !f.enteredInError ? (
                    <Button
                      size="sm"
                      variant="ghost"
                      aria-label="Mark this entry as entered in error"
                      onClick={() => {
                        const reason = window.prompt("Why was this entered in error? (kept in the history)");
                        if (reason !== null && reason.trim().length >= 3)
                          void api("POST", `/api/patients/${p.id}/followups/${f.id}/entered-in-error`, { reason: reason.trim() }).then(followups.reload);
                      }}
                    >
                      Entered in error
                    </Button>
                  ) : null}
                </li>
              ))}
            </ul>
          )}
        </Card>
      </div>
    </div>
  );
}

export function describeFollowUp(f: FollowUp): JSX.Element {
  switch (f.kind) {
    case "pregnancy":
      return <><Badge tone="info" small>pregnancy</Badge> <span>Positive test / confirmed pregnancy</span>{f.note ? <div class="small muted">{f.note}</div> : null}</>;
    case "loss":
      return <><Badge tone="danger" small>loss</Badge> <span>Pregnancy loss at week {f.gestationalWeek}</span>{f.note ? <div class="small muted">{f.note}</div> : null}</>;
    case "live-birth":
      return <><Badge tone="ok" small>live birth</Badge> <span>{f.gestationalWeek !== undefined ? `Live birth at week ${f.gestationalWeek}` : "Live birth"}</span>{f.note ? <div class="small muted">{f.note}</div> : null}</>;
    case "adverse-reaction":
      return <><Badge tone={f.severity === "severe" ? "danger" : "warn"} small>{`adverse reaction · ${f.severity}`}</Badge> <span>{f.therapy}: {f.description}</span></>;
    case "antibody-result":
      return (
        <>
          <Badge tone={f.positive ? "ok" : "warn"} small>{f.positive ? "antibody positive" : "antibody negative"}</Badge>{" "}
          <span>{TEST_LABEL.get(f.test) ?? f.test}{f.value !== undefined ? ` ${f.value}${f.unit ? ` ${f.unit}` : ""}` : ""}</span>
          {!f.positive && f.test === "anti-paternal-antibody" ? <div class="small" style="color:var(--warn)">No antibody response: reconsider, do not continue by default.</div> : null}
          {f.note ? <div class="small muted">{f.note}</div> : null}
        </>
      );
  }
}

/** Follow-up tests; "anti-paternal-antibody" is the one the LIT plan reads (API.md). */
const TESTS: Array<[string, string]> = [
  ["anti-paternal-antibody", "Anti-paternal cytotoxic antibodies / WBC cross-match"],
  ["antiphospholipid-repeat", "Antiphospholipid antibodies (repeat)"],
  ["beta-hcg", "Serial β-hCG"],
  ["other", "Other"],
];
const TEST_LABEL = new Map(TESTS);

function FollowUpForm(props: { patientId: string; onAdded: () => void }): JSX.Element {
  const form = useForm({ kind: "antibody-result", date: today(), test: "anti-paternal-antibody" } as Json);
  const { busy, error, run } = useSubmit(form);
  const kind = form.get("kind");
  const therapies = useTherapies();

  async function submit(e: Event): Promise<void> {
    await run(e, async () => {
      const v = form.value as Record<string, Json>;
      const body: Record<string, Json> = {};
      const keep: Record<string, string[]> = {
        pregnancy: ["kind", "date", "note"],
        loss: ["kind", "date", "gestationalWeek", "note"],
        "live-birth": ["kind", "date", "gestationalWeek", "note"],
        "adverse-reaction": ["kind", "date", "therapy", "description", "severity"],
        "antibody-result": ["kind", "date", "test", "value", "unit", "positive", "note"],
      };
      for (const k of keep[String(kind)] ?? []) if (v[k] !== undefined && v[k] !== "") body[k] = v[k] as Json;
      await api("POST", `/api/patients/${props.patientId}/followups`, body);
      form.reset({ kind: String(kind), date: today(), ...(kind === "antibody-result" ? { test: String(v["test"] ?? "") } : {}) });
      props.onAdded();
    });
  }

  return (
    <form onSubmit={submit} noValidate aria-label="Record a follow-up">
      <Card title="Record a result or outcome" foot={<Button type="submit" variant="primary" busy={busy}>Add</Button>}>
        <div class="stack">
          {error ? <Alert tone="error">{error}</Alert> : null}
          <div class="form-grid" style="grid-template-columns:1fr 1fr">
            <SelectField form={form} path="kind" label="Kind" emptyLabel="Choose…" options={opts(["antibody-result", "Antibody result"], ["pregnancy", "Pregnancy"], ["loss", "Pregnancy loss"], ["live-birth", "Live birth"], ["adverse-reaction", "Adverse reaction"])} />
            <TextField form={form} path="date" label="Date" type="date" />
            {kind === "antibody-result" ? (
              <>
                <SelectField form={form} path="test" label="Test" class="span-all" emptyLabel="Choose…" options={opts(...TESTS)} />
                <SelectField form={form} path="positive" label="Result" asBoolean emptyLabel="Choose…" options={opts(["true", "Positive"], ["false", "Negative"])} />
                <NumberField form={form} path="value" label="Value (optional)" />
                <TextField form={form} path="unit" label="Unit" placeholder="e.g. % shift" />
              </>
            ) : null}
            {kind === "loss" || kind === "live-birth" ? <NumberField form={form} path="gestationalWeek" label="Gestational week" unit="wk" /> : null}
            {kind === "adverse-reaction" ? (
              <>
                <SelectField form={form} path="therapy" label="Therapy" emptyLabel="Choose…" options={therapies.map((t) => ({ value: t.id, label: t.name }))} />
                <SelectField form={form} path="severity" label="Severity" emptyLabel="Choose…" options={opts(["mild", "Mild"], ["moderate", "Moderate"], ["severe", "Severe"])} />
                <TextField form={form} path="description" label="Description" class="span-all" />
              </>
            ) : (
              <TextField form={form} path="note" label="Note" class="span-all" />
            )}
          </div>
        </div>
      </Card>
    </form>
  );
}
