/**
 * Evidence for one therapy (GET /api/evidence/therapies/:therapy, helper C1's TherapyEvidence): Summary-of-Findings
 * row, published results side by side, forest and risk-of-bias plots, audit flags, guideline positions, trials.
 */
import type { JSX } from "preact";
import { useState } from "preact/hooks";
import type { TherapyEvidence, PublishedResultView } from "../../../evidence/api.js";
import type { PublishedRegimen, SourcedStatement } from "../../../evidence/schema.js";
import type { AuditResult } from "../../../evidence/audit/types.js";
import { api, qs } from "../api.js";
import { useLoad } from "../hooks.js";
import { RemoteSvg } from "./Svg.js";
import { Alert, Badge, Card, Spinner, Tabs, fmtNum } from "./ui.js";

/** Audit flags as the server may attach them to the evidence answer. */
export type AuditFlag = AuditResult & { id?: string; quote?: string };
export type TherapyEvidenceResponse = { therapy: string; evidence: TherapyEvidence & { audit?: AuditFlag[] } };

const CERTAINTY_TONE: Record<string, string> = { high: "ok", moderate: "info", low: "warn", "very low": "danger" };
const DIRECTION_TONE: Record<string, string> = { "favours treatment": "ok", "favours control": "danger", "no clear difference": "muted" };

export function useTherapyEvidence(therapy: string) {
  return useLoad(() => api<TherapyEvidenceResponse>("GET", `/api/evidence/therapies/${encodeURIComponent(therapy)}`), [therapy]);
}

export function outcomesOf(ev: TherapyEvidence): string[] {
  const set = new Set<string>();
  if (ev.summary) set.add(ev.summary.outcome);
  for (const c of ev.conflicts) set.add(c.outcome);
  return [...set];
}

export function SofTable(props: { ev: TherapyEvidence }): JSX.Element {
  const s = props.ev.summary;
  if (!s) return <p class="small muted">{props.ev.summaryNote}</p>;
  return (
    <div class="table-wrap" data-testid="sof">
      <table class="data compact">
        <thead>
          <tr>
            <th>Outcome</th>
            <th>Relative effect (95% CI)</th>
            <th>Absolute effect</th>
            <th class="num">Participants (studies)</th>
            <th>Certainty</th>
          </tr>
        </thead>
        <tbody>
          <tr>
            <td>
              <b>{s.outcome}</b>
              <div class="small muted">{s.comparison}</div>
            </td>
            <td class="num">{s.relative.text}</td>
            <td class="small">{s.absolute.text}<div class="muted">baseline {fmtNum(s.baselineRisk.risk * 1000, 0)}/1000 ({s.baselineRisk.source})</div></td>
            <td class="num">
              {s.participants ?? "—"} ({s.studies})
            </td>
            <td>
              <Badge tone={CERTAINTY_TONE[s.certainty] ?? "muted"} small>{s.certainty}</Badge>
            </td>
          </tr>
        </tbody>
      </table>
      {s.reasons.length > 0 ? (
        <ul class="small muted" style="margin:6px 0 0;padding-left:18px">
          {s.reasons.map((r) => <li key={r}>{r}</li>)}
        </ul>
      ) : null}
      <div class="cite" style="margin-top:4px">{s.basis}</div>
    </div>
  );
}

function fmtEstimate(c: PublishedResultView): string {
  return `${c.measure} ${fmtNum(c.estimate)} (${fmtNum(c.ci_low)} to ${fmtNum(c.ci_high)})`;
}

export function ConflictGrid(props: { ev: TherapyEvidence }): JSX.Element | null {
  const cs = props.ev.conflicts;
  if (cs.length === 0) return null;
  return (
    <div>
      {props.ev.conflictNote ? <Alert tone="warn">{props.ev.conflictNote}</Alert> : null}
      <div class="conflicts" style="margin-top:8px" data-testid="conflicts">
        {cs.map((c) => (
          <div class="c" key={c.result}>
            <div class="small muted">{c.label} ({c.year}) · {c.kind}</div>
            <div class="est">{fmtEstimate(c)}</div>
            <div class="row" style="gap:4px;margin:4px 0">
              <Badge tone={DIRECTION_TONE[c.direction] ?? "muted"} small>{c.direction}</Badge>
              {c.I2 !== null ? <span class="small muted">I² {fmtNum(c.I2, 0)}%</span> : null}
              {c.k !== null ? <span class="small muted">k = {c.k}</span> : null}
            </div>
            <div class="small">{c.outcome}{c.subgroup ? ` · ${c.subgroup}` : ""} · {c.method ?? "method not stated"}{c.model ? `, ${c.model}` : ""}</div>
            <div class="small muted">{c.designsIncluded}</div>
            <div class="cite">{c.citation.link ? <a href={c.citation.link} target="_blank" rel="noopener noreferrer">{c.citation.text}</a> : c.citation.text}</div>
          </div>
        ))}
      </div>
    </div>
  );
}

export function AuditFlags(props: { flags: AuditFlag[] | undefined }): JSX.Element {
  const flags = props.flags ?? [];
  if (flags.length === 0) return <p class="small muted">No audit result for this therapy.</p>;
  return (
    <ul class="list-plain" data-testid="audit-flags">
      {flags.map((f, i) => (
        <li key={f.id ?? f.label ?? i} class="small">
          <div class="row" style="gap:6px">
            {f.consistent ? <Badge tone="ok" small>consistent</Badge> : <Badge tone="danger" small>inconsistent</Badge>}
            <b>{f.label ?? f.quote ?? f.measure}</b>
          </div>
          {f.problems.length > 0 ? (
            <ul style="margin:4px 0 0;padding-left:18px;color:var(--danger)">
              {f.problems.map((p) => <li key={p}>{p}</li>)}
            </ul>
          ) : null}
        </li>
      ))}
    </ul>
  );
}

export function GuidelineList(props: { ev: TherapyEvidence }): JSX.Element {
  const g = props.ev.guidelines;
  if (g.length === 0) return <p class="small muted">No guideline position recorded.</p>;
  return (
    <ul class="list-plain">
      {g.map((x) => (
        <li key={x.id} class="small">
          <div class="row" style="gap:6px">
            <b>{x.body} {x.year}</b>
            <Badge tone={x.direction === "against" ? "danger" : x.direction === "recommended" ? "ok" : x.direction === "research-only" ? "warn" : "muted"} small plain>{x.direction}</Badge>
            {x.strength ? <span class="muted">{x.strength}</span> : null}
            {x.verified ? <Badge tone="ok" small plain>verified</Badge> : <Badge tone="warn" small plain title={x.unverifiedNote}>unverified</Badge>}
          </div>
          <div>{x.statement}</div>
          <div class="cite">{x.population} · {x.citation.link ? <a href={x.citation.link} target="_blank" rel="noopener noreferrer">{x.citation.text}</a> : x.citation.text}</div>
        </li>
      ))}
    </ul>
  );
}

/** Forest plot with an outcome choice; compact mode for the assessment cards. */
export function TherapyEvidencePanel(props: { therapy: string; compact?: boolean }): JSX.Element {
  const ev = useTherapyEvidence(props.therapy);
  const [outcome, setOutcome] = useState<string | null>(null);
  if (ev.error) return <Alert tone="warn">Evidence not available: {ev.error.message}</Alert>;
  if (!ev.data) return <Spinner label="Loading the evidence…" />;
  const e = ev.data.evidence;
  const outs = outcomesOf(e);
  const current = outcome ?? outs[0] ?? "live-birth";
  return (
    <div class="stack">
      <SofTable ev={e} />
      <div class="row">
        <label class="small muted" for={`outcome-${props.therapy}`}>Outcome</label>
        <select id={`outcome-${props.therapy}`} class="input" style="width:auto" value={current} onChange={(x) => setOutcome(x.currentTarget.value)}>
          {(outs.length > 0 ? outs : ["live-birth"]).map((o) => <option key={o} value={o}>{o}</option>)}
        </select>
      </div>
      <RemoteSvg src={`/api/evidence/therapies/${props.therapy}/forest.svg${qs({ outcome: current })}`} label="Forest plot" testId="evidence-forest" />
      {!props.compact ? <ConflictGrid ev={e} /> : null}
    </div>
  );
}

export function EvidenceDetail(props: { therapy: string }): JSX.Element {
  const ev = useTherapyEvidence(props.therapy);
  const [tab, setTab] = useState<"summary" | "plots" | "rob" | "audit" | "trials" | "therapy">("summary");
  const [outcome, setOutcome] = useState<string | null>(null);
  if (ev.error) return <Alert tone="warn">Evidence not available: {ev.error.message}</Alert>;
  if (!ev.data) return <Spinner label="Loading the evidence…" />;
  const e = ev.data.evidence;
  const outs = outcomesOf(e);
  const current = outcome ?? outs[0] ?? "live-birth";
  const flagged = (e.audit ?? []).filter((f) => !f.consistent).length;
  return (
    <div class="stack">
      <Card>
        <div class="row" style="justify-content:space-between">
          <div>
            <h2>{e.name}</h2>
            {e.regulatoryStatus ? <div class="small muted">{e.regulatoryStatus}</div> : null}
          </div>
          <div class="row">
            {e.summary ? <Badge tone={CERTAINTY_TONE[e.summary.certainty] ?? "muted"}>{`certainty: ${e.summary.certainty}`}</Badge> : <Badge tone="muted">no pooled estimate</Badge>}
            {e.conflictNote ? <Badge tone="warn">conflicting results</Badge> : null}
            {flagged > 0 ? <Badge tone="danger">{`${flagged} audit flag${flagged === 1 ? "" : "s"}`}</Badge> : null}
          </div>
        </div>
        {e.subgroupNote ? <p class="small muted" style="margin-top:6px">{e.subgroupNote}</p> : null}
      </Card>
      <Tabs
        label="Evidence views"
        value={tab}
        onChange={setTab}
        tabs={[
          { id: "summary", label: "Summary of findings" },
          { id: "plots", label: "Forest & funnel" },
          { id: "rob", label: "Risk of bias" },
          { id: "audit", label: `Audit${flagged ? ` (${flagged})` : ""}` },
          { id: "trials", label: `Trials (${e.trials.length})` },
          { id: "therapy", label: "Therapy & guidelines" },
        ]}
      />
      {tab === "summary" ? (
        <>
          <Card title="Summary of findings"><SofTable ev={e} /></Card>
          <Card title="Published results, side by side" actions={<span class="small muted">never averaged</span>}>
            {e.conflicts.length === 0 ? <p class="small muted">No published pooled result.</p> : <ConflictGrid ev={e} />}
          </Card>
        </>
      ) : null}
      {tab === "plots" ? (
        <Card
          title="Forest plot"
          actions={
            <div class="row">
              <label class="small muted" for="ev-outcome">Outcome</label>
              <select id="ev-outcome" class="input" style="width:auto" value={current} onChange={(x) => setOutcome(x.currentTarget.value)}>
                {(outs.length > 0 ? outs : ["live-birth"]).map((o) => <option key={o} value={o}>{o}</option>)}
              </select>
            </div>
          }
        >
          <div class="stack">
            <RemoteSvg src={`/api/evidence/therapies/${props.therapy}/forest.svg${qs({ outcome: current })}`} label="Forest plot" testId="evidence-forest" />
            <h4>Funnel plot</h4>
            <RemoteSvg src={`/api/evidence/therapies/${props.therapy}/funnel.svg${qs({ outcome: current })}`} label="Funnel plot" testId="evidence-funnel" />
          </div>
        </Card>
      ) : null}
      {tab === "rob" ? (
        <Card title="Risk of bias (RoB 1)">
          <div class="stack">
            <RemoteSvg src={`/api/evidence/therapies/${props.therapy}/rob.svg${qs({ kind: "traffic-light" })}`} label="Risk-of-bias traffic-light plot" testId="rob-traffic" />
            <RemoteSvg src={`/api/evidence/therapies/${props.therapy}/rob.svg${qs({ kind: "summary" })}`} label="Risk-of-bias summary plot" testId="rob-summary" />
          </div>
        </Card>
      ) : null}
      {tab === "audit" ? (
        <Card title="Audit of published numbers" actions={<span class="small muted">estimate, CI, Z, P and counts checked against each other</span>}>
          <AuditFlags flags={e.audit} />
        </Card>
      ) : null}
      {tab === "trials" ? (
        <Card title="Trials" tight>
          <div class="table-wrap">
            <table class="data compact">
              <thead><tr><th>Trial</th><th>Design</th><th>Population</th><th>Main result</th></tr></thead>
              <tbody>
                {e.trials.map((t) => (
                  <tr key={t.id}>
                    <td><b>{t.label}</b>{!t.found ? <div><Badge tone="warn" small plain>not retrieved</Badge></div> : null}</td>
                    <td class="small">{t.design}</td>
                    <td class="small">{t.population}</td>
                    <td class="small">{t.mainResult ?? <span class="muted">—</span>}<div class="cite">{t.citation.text}</div></td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </Card>
      ) : null}
      {tab === "therapy" ? (
        <div class="grid cols-2">
          <Card title="Guideline positions"><GuidelineList ev={e} /></Card>
          <Card title="Regimens, safety and monitoring">
            <div class="stack small">
              {e.regimens.length > 0 ? (
                <div>
                  <h4>Regimens as published</h4>
                  <ul style="margin:4px 0 0;padding-left:18px">{e.regimens.map((r) => <li key={r.id}>{regimenText(r)}</li>)}</ul>
                </div>
              ) : null}
              <Statements title="Mechanism" items={e.mechanism} />
              <Statements title="Safety" items={e.safety} />
              <Statements title="Contraindications" items={e.contraindications} />
              <Statements title="Monitoring" items={e.monitoring} />
            </div>
          </Card>
        </div>
      ) : null}
    </div>
  );
}

function regimenText(r: PublishedRegimen): string {
  return `${r.label}: ${r.dose}, ${r.route}, ${r.timing}, ${r.duration}`;
}

function Statements(props: { title: string; items: SourcedStatement[] }): JSX.Element | null {
  if (props.items.length === 0) return null;
  return (
    <div>
      <h4>{props.title}</h4>
      <ul style="margin:4px 0 0;padding-left:18px">
        {props.items.map((s) => (
          <li key={s.text}>
            {s.text}
            {!s.verified ? <span class="badge warn sm plain" style="margin-left:6px">unverified</span> : null}
          </li>
        ))}
      </ul>
    </div>
  );
}
