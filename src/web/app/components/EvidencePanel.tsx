/**
 * Evidence for one therapy (GET /api/evidence/therapies/:therapy, TherapyEvidence): Summary-of-Findings
 * row, published results side by side, forest and risk-of-bias plots, audit flags, guideline positions, trials.
 */
import type { JSX } from "preact";
import { useState } from "preact/hooks";
import type { TherapyEvidence, PublishedResultView } from "../../../evidence/api.js";
import type { EvidenceSubgroup, PublishedRegimen, SourcedStatement } from "../../../evidence/schema.js";
import type { BaseAuditEntry } from "../../../evidence/audit/base.js";
import type { Reproduction } from "../../../evidence/reproduce.js";
import type { PrismaFlowListing } from "../../../evidence/plot-inputs.js";
import type { EvidencePlotOutcome, TherapyOutcomeListing } from "../../../evidence/outcomes.js";
import type { MetaResult } from "../../../stats/types.js";
import { api, qs } from "../api.js";
import { useLoad } from "../hooks.js";
import { RemoteSvg } from "./Svg.js";
import { LineList } from "./lists.js";
import { SofFullTable } from "./SofFullTable.js";
import { Alert, Badge, Card, Spinner, Tabs, fmtNum } from "./ui.js";

export type TherapyEvidenceResponse = { therapy: string; evidence: TherapyEvidence; placeboTrials: MetaResult | null };

const CERTAINTY_TONE: Record<string, string> = { high: "ok", moderate: "info", low: "warn", "very low": "danger" };
const DIRECTION_TONE: Record<string, string> = { "favours treatment": "ok", "favours control": "danger", "no clear difference": "muted" };

export function useTherapyEvidence(therapy: string, subgroup: EvidenceSubgroup | "" = "") {
  return useLoad(() => api<TherapyEvidenceResponse>("GET", `/api/evidence/therapies/${encodeURIComponent(therapy)}${qs({ subgroup })}`), [therapy, subgroup]);
}

/** Patient subgroups the evidence base can be asked about (EvidenceSubgroupSchema, src/evidence/schema.ts). */
const SUBGROUPS: Array<[EvidenceSubgroup, string]> = [
  ["primary-rpl", "Primary RPL"],
  ["secondary-rpl", "Secondary RPL"],
  ["ana-positive", "ANA positive"],
  ["ana-negative", "ANA negative"],
  ["apl-positive", "aPL positive"],
  ["th1-th2-elevated", "Th1/Th2 elevated"],
  ["il33-sst2-elevated", "IL-33/sST2 elevated"],
  ["nk-elevated", "NK elevated"],
  ["recurrent-implantation-failure", "Recurrent implantation failure"],
  ["bleeding-in-pregnancy", "Bleeding in pregnancy"],
  ["four-or-more-losses", "Four or more losses"],
  ["pre-conception-start", "Started before conception"],
  ["post-conception-start", "Started after conception"],
];

/** The audit entries and reproductions that concern this therapy's meta-analyses and trials. */
function relatedIds(ev: TherapyEvidence): Set<string> {
  return new Set([...ev.conflicts.map((c) => c.metaAnalysis), ...ev.trials.map((t) => t.id)]);
}

function useAuditFor(ev: TherapyEvidence | null) {
  const all = useLoad(() => api<{ entries: BaseAuditEntry[] }>("GET", "/api/evidence/audit"), []);
  if (!ev || !all.data) return { entries: null as BaseAuditEntry[] | null, error: all.error };
  const ids = relatedIds(ev);
  return { entries: all.data.entries.filter((e) => ids.has(e.where.split(" / ")[0] ?? "")), error: all.error };
}

function useReproductionsFor(ev: TherapyEvidence | null) {
  const all = useLoad(() => api<{ reproductions: Reproduction[] }>("GET", "/api/evidence/reproductions"), []);
  if (!ev || !all.data) return { list: null as Reproduction[] | null, error: all.error };
  const ids = relatedIds(ev);
  return { list: all.data.reproductions.filter((r) => ids.has(r.metaAnalysis)), error: all.error };
}

/** The outcomes of this therapy's placebo-controlled trials that carry arm counts (GET /api/evidence/therapies/:therapy/outcomes). */
function useOutcomesFor(therapy: string) {
  return useLoad(() => api<{ therapy: string; outcomes: TherapyOutcomeListing[] }>("GET", `/api/evidence/therapies/${encodeURIComponent(therapy)}/outcomes`), [therapy]);
}

/** The stored PRISMA 2020 flows of this therapy's reviews (GET /api/evidence/prisma). */
function usePrismaFor(therapy: string) {
  const all = useLoad(() => api<{ flows: PrismaFlowListing[] }>("GET", "/api/evidence/prisma"), []);
  return { flows: all.data === null ? null : all.data.flows.filter((f) => f.therapy === therapy), error: all.error };
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
              <b>{s.label}</b>
              <div class="small muted">{s.comparison}</div>
            </td>
            <td class="num">{s.relative.text}</td>
            <td class="small">{s.difference.text}<div class="muted">baseline {s.assumed.per1000}/1,000 ({s.assumed.source})</div></td>
            <td class="num">
              {s.participants ?? "—"} ({s.studies})
            </td>
            <td>
              <Badge tone={CERTAINTY_TONE[s.certainty.level] ?? "muted"} small>{s.certainty.level}</Badge>
            </td>
          </tr>
        </tbody>
      </table>
      <LineList lines={s.reasons} class="small muted" margin="6px 0 0" />
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

function printedP(p: NonNullable<BaseAuditEntry["reported"]["p"]>): string {
  const t = typeof p === "object" ? `${p.relation} ${String(p.value)}` : String(p);
  return /^\s*p/i.test(t) ? t.replace(/^\s*p\s*/i, "") : t;
}

export function AuditFlags(props: { entries: BaseAuditEntry[] }): JSX.Element {
  const flags = [...props.entries].sort((a, b) => Number(a.audit.consistent) - Number(b.audit.consistent));
  if (flags.length === 0) return <p class="small muted">No published number of this therapy could be checked.</p>;
  return (
    <ul class="list-plain" data-testid="audit-flags">
      {flags.map((f) => (
        <li key={f.where} class="small">
          <div class="row" style="gap:6px">
            {f.audit.consistent ? <Badge tone="ok" small>consistent</Badge> : <Badge tone="danger" small>inconsistent</Badge>}
            <b>{f.reported.label ?? f.where}</b>
            <span class="muted num">
              {f.audit.measure} {String(f.reported.estimate)} ({String(f.reported.ci_low)} to {String(f.reported.ci_high)})
              {f.reported.z !== undefined ? ` · Z = ${String(f.reported.z)}` : ""}
              {f.reported.p !== undefined ? ` · P ${printedP(f.reported.p)}` : ""}
            </span>
          </div>
          {f.audit.problems.length > 0 ? (
            <ul style="margin:4px 0 0;padding-left:18px;color:var(--danger)">
              {f.audit.problems.map((p) => <li key={p}>{p}</li>)}
            </ul>
          ) : null}
        </li>
      ))}
    </ul>
  );
}

function ReproductionList(props: { list: Reproduction[] }): JSX.Element {
  if (props.list.length === 0) return <p class="small muted">No published meta-analysis of this therapy has study-level data in the base.</p>;
  return (
    <div class="stack">
      {props.list.map((r) => (
        <div key={`${r.metaAnalysis}/${r.result}`} style="border:1px solid var(--border);border-radius:var(--radius-sm);padding:12px 14px">
          <div class="row" style="justify-content:space-between">
            <b>{r.label}</b>
            <span class="small muted">{r.outcome}{r.subgroup ? ` · ${r.subgroup}` : ""}</span>
          </div>
          <div class="grid cols-2" style="margin-top:8px">
            <div class="conflicts" style="grid-template-columns:1fr">
              <div class="c">
                <div class="small muted">Published</div>
                <div class="est">{r.published.measure} {fmtNum(r.published.estimate)} ({fmtNum(r.published.ci_low)} to {fmtNum(r.published.ci_high)})</div>
                <div class="small muted">k = {r.published.k ?? "?"} · {r.published.method ?? "method not stated"}{r.published.model ? `, ${r.published.model}` : ""}</div>
              </div>
            </div>
            <div class="conflicts" style="grid-template-columns:1fr">
              <div class="c">
                <div class="small muted">Decidua</div>
                {r.ours ? (
                  <>
                    <div class="est">{r.ours.measure} {fmtNum(r.ours.estimate)} ({fmtNum(r.ours.ci_low)} to {fmtNum(r.ours.ci_high)})</div>
                    <div class="small muted">k = {r.ours.k} · {r.settings}</div>
                  </>
                ) : (
                  <div class="small muted">No study row with counts.</div>
                )}
              </div>
            </div>
          </div>
          <LineList lines={r.differences} class="small" margin="8px 0 0" />
        </div>
      ))}
    </div>
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

/** Summary of Findings and the forest plot of the placebo-controlled trials; compact mode for the assessment cards. */
export function TherapyEvidencePanel(props: { therapy: string; compact?: boolean }): JSX.Element {
  const ev = useTherapyEvidence(props.therapy);
  if (ev.error) return <Alert tone="warn">Evidence not available: {ev.error.message}</Alert>;
  if (!ev.data) return <Spinner label="Loading the evidence…" />;
  const e = ev.data.evidence;
  return (
    <div class="stack">
      <SofTable ev={e} />
      <PlaceboPooled r={ev.data.placeboTrials} />
      <RemoteSvg src={`/api/evidence/therapies/${props.therapy}/forest.svg`} label="Forest plot" testId="evidence-forest" />
      {!props.compact ? <ConflictGrid ev={e} /> : null}
    </div>
  );
}

function PlaceboPooled(props: { r: MetaResult | null }): JSX.Element | null {
  const r = props.r;
  if (!r) return null;
  const t = r.pooled.transformed;
  const est = t ?? r.pooled;
  return (
    <div class="small">
      <b>Placebo-controlled trials pooled by Decidua</b> (live birth, {r.measure}, {r.method}, {r.model}
      {r.tau2_method ? `/${r.tau2_method}` : ""}): {fmtNum(est.estimate)} ({fmtNum(est.ci_lb)} to {fmtNum(est.ci_ub)}), k = {r.k}, I² = {fmtNum(r.heterogeneity.I2, 0)}%
    </div>
  );
}

type EvidenceTab = "summary" | "sof" | "plots" | "rob" | "audit" | "reproduction" | "trials" | "therapy";

export function EvidenceDetail(props: { therapy: string }): JSX.Element {
  const [subgroup, setSubgroup] = useState<EvidenceSubgroup | "">("");
  const ev = useTherapyEvidence(props.therapy, subgroup);
  const [tab, setTab] = useState<EvidenceTab>("summary");
  const e = ev.data?.evidence ?? null;
  const audit = useAuditFor(e);
  const repro = useReproductionsFor(e);
  const prisma = usePrismaFor(props.therapy);
  const outcomes = useOutcomesFor(props.therapy);
  const [outcome, setOutcome] = useState<EvidencePlotOutcome>("live-birth");
  if (ev.error) return <Alert tone="warn">Evidence not available: {ev.error.message}</Alert>;
  if (!ev.data || !e) return <Spinner label="Loading the evidence…" />;
  const subgroupPicker = (
    <div class="row" style="margin-top:10px">
      <label class="small muted" for="ev-subgroup">Patient subgroup</label>
      <select id="ev-subgroup" class="input" style="width:auto" value={subgroup} onChange={(x) => setSubgroup(x.currentTarget.value as EvidenceSubgroup | "")}>
        <option value="">All patients</option>
        {SUBGROUPS.map(([v, l]) => <option key={v} value={v}>{l}</option>)}
      </select>
      {ev.loading ? <span class="spinner" aria-hidden="true" /> : null}
    </div>
  );
  const flagged = (audit.entries ?? []).filter((f) => !f.audit.consistent).length;
  return (
    <div class="stack">
      <Card>
        <div class="row" style="justify-content:space-between;align-items:flex-start">
          <div style="flex:1;min-width:240px">
            <h2>{e.name}</h2>
            {e.regulatoryStatus ? <div class="small muted" style="margin-top:2px">{e.regulatoryStatus}</div> : null}
          </div>
          <div class="row">
            {e.summary ? <Badge tone={CERTAINTY_TONE[e.summary.certainty.level] ?? "muted"}>{`certainty: ${e.summary.certainty.level}`}</Badge> : <Badge tone="muted">no pooled estimate</Badge>}
            {e.conflictNote ? <Badge tone="warn">conflicting results</Badge> : null}
            {flagged > 0 ? <Badge tone="danger">{`${flagged} audit flag${flagged === 1 ? "" : "s"}`}</Badge> : null}
          </div>
        </div>
        {subgroupPicker}
        {e.subgroupNote ? <p class="small muted" style="margin:6px 0 0">{e.subgroupNote}</p> : null}
      </Card>
      <Tabs
        label="Evidence views"
        value={tab}
        onChange={setTab}
        tabs={[
          { id: "summary", label: "Summary" },
          { id: "sof", label: "Summary of findings (GRADE)" },
          { id: "plots", label: "Forest & funnel" },
          { id: "rob", label: "Risk of bias" },
          { id: "audit", label: `Audit${flagged ? ` (${flagged})` : ""}` },
          { id: "reproduction", label: "Reproduction" },
          { id: "trials", label: `Trials (${e.trials.length})` },
          { id: "therapy", label: "Guidelines & regimens" },
        ]}
      />
      {tab === "summary" ? (
        <>
          <Card title="Summary of findings">
            <div class="stack">
              <SofTable ev={e} />
              <PlaceboPooled r={ev.data.placeboTrials} />
            </div>
          </Card>
          <Card title="Published results, side by side" actions={<span class="small muted">never averaged</span>}>
            {e.conflicts.length === 0 ? <p class="small muted">No published pooled result.</p> : <ConflictGrid ev={e} />}
          </Card>
          {(prisma.flows ?? []).map((f) => (
            <Card key={f.id} title={f.title} actions={<span class="small muted">how the review found its studies, as it reports the counts</span>}>
              <RemoteSvg src={`/api/evidence/prisma/${encodeURIComponent(f.metaAnalysis)}.svg`} label={f.title} testId={`prisma-${f.metaAnalysis}`} natural />
            </Card>
          ))}
        </>
      ) : null}
      {tab === "sof" ? (
        <Card title="Summary of findings: every outcome, GRADE" actions={<span class="small muted">pooled from the base's placebo-controlled RCTs</span>}>
          <SofFullTable therapy={props.therapy} />
        </Card>
      ) : null}
      {tab === "plots" ? (
        <>
          <Card
            title="Forest plot"
            actions={
              <div class="row">
                <label class="small muted" for="ev-outcome">Outcome</label>
                <select id="ev-outcome" class="input" style="width:auto" value={outcome} onChange={(x) => setOutcome(x.currentTarget.value as EvidencePlotOutcome)} disabled={!outcomes.data}>
                  {(outcomes.data?.outcomes ?? [{ outcome: "live-birth" as const, label: "live birth", k: 0, higherIsBetter: true }]).map((o) => (
                    <option key={o.outcome} value={o.outcome}>{o.k > 0 ? `${o.label} (k = ${o.k})` : o.label}</option>
                  ))}
                </select>
              </div>
            }
          >
            <p class="small muted" style="margin:0 0 8px">
              Placebo-controlled RCTs with complete {outcomes.data?.outcomes.find((o) => o.outcome === outcome)?.label ?? outcome.replace(/-/g, " ")} counts
              {outcome === "live-birth" ? " (live birth, or the closest outcome each trial reported)" : ""}.
            </p>
            {outcomes.data?.outcomes.find((o) => o.outcome === outcome)?.trials.length ? (
              <details class="small muted" style="margin:0 0 8px" data-testid="outcome-definitions">
                <summary>Each trial's definition of the outcome</summary>
                <ul style="margin:4px 0 0;padding-left:18px">
                  {(outcomes.data.outcomes.find((o) => o.outcome === outcome)?.trials ?? []).map((t) => (
                    <li key={t.trial}>
                      <b>{t.study}</b>: {t.definition} ({t.analysis})
                    </li>
                  ))}
                </ul>
              </details>
            ) : null}
            <RemoteSvg src={`/api/evidence/therapies/${props.therapy}/forest.svg${qs({ outcome })}`} label="Forest plot" testId="evidence-forest" />
          </Card>
          <Card title="Funnel plot">
            <RemoteSvg src={`/api/evidence/therapies/${props.therapy}/funnel.svg${qs({ outcome })}`} label="Funnel plot" testId="evidence-funnel" natural />
          </Card>
        </>
      ) : null}
      {tab === "rob" ? (
        <>
          <Card title="Risk of bias (RoB 1): per trial" actions={<span class="small muted">traffic-light plot</span>}>
            <RemoteSvg src={`/api/evidence/therapies/${props.therapy}/rob.svg`} label="Risk-of-bias traffic-light plot" testId="rob-traffic" natural />
          </Card>
          <Card title="Risk of bias (RoB 1): summary" actions={<span class="small muted">share of trials per judgement, domain by domain</span>}>
            <RemoteSvg src={`/api/evidence/therapies/${props.therapy}/rob-summary.svg`} label="Risk-of-bias summary plot" testId="rob-summary" />
          </Card>
        </>
      ) : null}
      {tab === "audit" ? (
        <Card title="Audit of published numbers" actions={<span class="small muted">estimate, CI, Z, P and counts checked against each other</span>}>
          {audit.error ? <Alert tone="warn">{audit.error.message}</Alert> : audit.entries === null ? <Spinner /> : <AuditFlags entries={audit.entries} />}
        </Card>
      ) : null}
      {tab === "reproduction" ? (
        <Card title="Published meta-analyses recomputed from the study rows">
          {repro.error ? <Alert tone="warn">{repro.error.message}</Alert> : repro.list === null ? <Spinner /> : <ReproductionList list={repro.list} />}
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
