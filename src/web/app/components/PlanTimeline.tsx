/** Renders a treatment plan (src/clinical/protocols.ts Plan) as a dated timeline. */
import type { JSX } from "preact";
import type { Plan, PlannedStep } from "../../../clinical/protocols.js";
import type { StoredFollowUp } from "../api.js";
import { Alert, Badge, fmtDate } from "./ui.js";
import { TitledList } from "./lists.js";

export type PlanLike = Plan;

const PLAN_STATUS: Record<Plan["status"], { tone: string; label: string }> = {
  scheduled: { tone: "info", label: "scheduled" },
  "awaiting-result": { tone: "warn", label: "awaiting result" },
  continue: { tone: "ok", label: "continue" },
  reconsider: { tone: "danger", label: "reconsider" },
};

const KIND_LABEL: Record<PlannedStep["kind"], string> = {
  injection: "Injection",
  infusion: "Infusion",
  medication: "Medication",
  test: "Test",
  decision: "Decision",
  monitoring: "Monitoring",
  attempt: "Attempt",
};

function stepClass(s: PlannedStep): string {
  if (s.status === "completed") return "done";
  if (s.kind === "decision" || s.kind === "test") return "decision";
  return "";
}

export function PlanTimeline(props: { plan: Plan; followups: StoredFollowUp[] }): JSX.Element {
  const plan = props.plan;
  const st = PLAN_STATUS[plan.status] ?? { tone: "muted", label: plan.status };
  return (
    <div class="stack" data-testid="plan">
      <div class="row" style="align-items:flex-start;flex-wrap:nowrap;gap:12px">
        <div style="flex:1">
          <h3>{plan.protocol}</h3>
          <div class="small muted">Starts {fmtDate(plan.start)}</div>
        </div>
        <Badge tone={st.tone}>{st.label}</Badge>
      </div>
      {plan.statusNote ? <Alert tone={plan.status === "reconsider" ? "warn" : "info"}>{plan.statusNote}</Alert> : null}
      <ol class="timeline" aria-label="Plan steps">
        {plan.steps.map((s) => (
          <li key={s.id} class={stepClass(s)} data-step={s.id}>
            <div class="when">
              {s.date ? fmtDate(s.date) : "Date depends on an event"}
              {s.until && s.until !== s.date ? ` – ${fmtDate(s.until)}` : ""}
              <span class="muted" style="font-weight:400"> · {s.when}</span>
            </div>
            <div class="row" style="gap:6px">
              <span class="what">{s.label}</span>
              <Badge tone="muted" small plain>{KIND_LABEL[s.kind] ?? s.kind}</Badge>
              {s.optional ? <Badge tone="muted" small plain>optional</Badge> : null}
              {s.status === "on-hold" ? <Badge tone="warn" small>on hold</Badge> : null}
              {s.status === "completed" ? <Badge tone="ok" small>completed</Badge> : null}
            </div>
            {s.dose ? (
              <div class="dose">
                {s.dose.text}
                {s.dose.needsWeight ? <span style="color:var(--warn)"> · enter the weight to compute the dose</span> : null}
              </div>
            ) : null}
            {s.repeat ? (
              <div class="dose">
                {s.repeat.text}
                {s.repeat.dates && s.repeat.dates.length > 0 ? <span class="muted">: {s.repeat.dates.map(fmtDate).join(", ")}</span> : null}
              </div>
            ) : null}
            {s.note ? <div class="small muted">{s.note}</div> : null}
          </li>
        ))}
      </ol>
      <div class="grid cols-3">
        <RuleList title="Monitoring" items={plan.monitoring} />
        <RuleList title="Continue if" items={plan.continueRules} />
        <RuleList title="Stop or reconsider if" items={plan.stopRules} />
      </div>
      <TitledList title="Notes" items={plan.notes} itemKey={(n) => n} item={(n) => n} />
      {plan.sources.length > 0 ? <div class="cite">Sources: {plan.sources.join(" · ")}</div> : null}
    </div>
  );
}

function RuleList(props: { title: string; items: string[] }): JSX.Element | null {
  if (props.items.length === 0) return null;
  return (
    <div style="background:var(--surface-2);border:1px solid var(--border);border-radius:var(--radius-sm);padding:10px 12px">
      <h4 style="margin-bottom:4px">{props.title}</h4>
      <ul class="small" style="margin:0;padding-left:16px">
        {props.items.map((n) => <li key={n}>{n}</li>)}
      </ul>
    </div>
  );
}
