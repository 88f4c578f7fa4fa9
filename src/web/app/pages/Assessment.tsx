/** The assessment: diagnosis, work-up, immune findings, a card per therapy, and the patient's printable summary. */
import type { JSX } from "preact";
import { useState } from "preact/hooks";
import type { Assessment, TherapyAssessment } from "../../../clinical/assess.js";
import type { WorkupItem } from "../../../clinical/diagnosis.js";
import type { ImmuneFinding } from "../../../clinical/immune.js";
import { api, patientLabel, qs, type Patient, type PatientSummary } from "../api.js";
import { STATUS_MEANINGS, STATUS_ORDER, VERDICT_STATUSES } from "../../../clinical/status.js";
import { diagnosisOverview } from "../../../clinical/overview.js";
import { verdictDigest } from "../../../clinical/digest.js";
import { Alert, Badge, Button, Card, Icon, Spinner, StatusBadge, cx, fmtDate } from "../components/ui.js";
import { useLoad } from "../hooks.js";
import { isResearcher, useSession } from "../session.js";
import { TitledList } from "../components/lists.js";
import { TherapyEvidencePanel } from "../components/EvidencePanel.js";


const WORKUP_TONE: Record<string, string> = { normal: "ok", abnormal: "danger", missing: "warn", incomplete: "warn" };
const FINDING_TONE: Record<string, string> = { abnormal: "danger", normal: "ok", missing: "muted", "no-cut-off": "muted" };

function today(): string {
  return new Date().toISOString().slice(0, 10);
}

export function AssessmentView(props: { patient: Patient }): JSX.Element {
  const p = props.patient;
  // the research view is assessed on the server's today only (a chosen date would reveal the record's dates)
  const researcher = isResearcher(useSession().user);
  const [date, setDate] = useState(today());
  const a = useLoad(
    () => api<{ patient: PatientSummary; assessment: Assessment }>("GET", `/api/patients/${p.id}/assessment${researcher ? "" : qs({ date })}`),
    [p.id, p.version, date],
  );

  if (a.error) return <Alert tone="warn">The assessment could not be made: {a.error.message}</Alert>;
  if (!a.data) return <Spinner label="Assessing…" />;
  const as = a.data.assessment;
  const therapies = Object.values(as.therapies).sort((x, y) => STATUS_ORDER[x.status] - STATUS_ORDER[y.status]);
  const counts = therapies.reduce<Record<string, number>>((m, t) => ((m[t.status] = (m[t.status] ?? 0) + 1), m), {});

  function printSummary(): void {
    document.body.dataset["print"] = "summary";
    const done = (): void => {
      delete document.body.dataset["print"];
      window.removeEventListener("afterprint", done);
    };
    window.addEventListener("afterprint", done);
    window.print();
  }

  return (
    <div class="stack">
      <div class="no-print-summary stack">
        <div class="row no-print" style="justify-content:space-between">
          <div class="row">
            {VERDICT_STATUSES
              .filter((s) => counts[s])
              .map((s) => (
                <span key={s} class="row" style="gap:4px">
                  <StatusBadge status={s} small /> <span class="small muted">× {counts[s]}</span>
                </span>
              ))}
          </div>
          <div class="row">
            {researcher ? null : (
              <>
                <label for="assess-date" class="small muted">Assessment date</label>
                <input id="assess-date" type="date" class="input" style="width:auto" value={date} onInput={(e) => e.currentTarget.value && setDate(e.currentTarget.value)} />
              </>
            )}
            <Button onClick={printSummary}>
              <Icon name="print" size={16} /> Print patient summary
            </Button>
          </div>
        </div>

        {as.warnings.length > 0 ? (
          <Alert tone="warn">
            <ul class="plain" data-testid="assessment-warnings">
              {as.warnings.map((w) => (
                <li key={w}>{w}</li>
              ))}
            </ul>
          </Alert>
        ) : null}

        <div class="grid cols-2">
          <DiagnosisCard as={as} />
          <WorkupCard items={as.diagnosis.workup} />
        </div>

        {as.evidenceVersion !== undefined ? (
          <div class="small muted" data-testid="evidence-version" title={`sha-256 ${as.evidenceVersion.contentHash}`}>
            Verdicts rest on <b>{as.evidenceVersion.label}</b>
          </div>
        ) : null}

        <Card title="Clinician's view">
          <ul class="small clinician-list" data-testid="clinician-summary">
            {as.clinicianSummary.map((s) => (
              <li key={s}>{s}</li>
            ))}
          </ul>
        </Card>

        <ImmuneCard findings={as.immune} />

        <div>
          <h2 style="margin:8px 0 10px">Therapies</h2>
          <div class="stack">
            {therapies.map((t, i) => (
              <TherapyCard key={t.therapy} t={t} patientId={p.id} initiallyOpen={i === 0 && (t.status === "recommended" || t.status === "protocol-eligible")} />
            ))}
          </div>
        </div>
      </div>

      <Card
        title="Summary for the patient"
        class="print-target"
        actions={
          <Button size="sm" onClick={printSummary} class="no-print">
            <Icon name="print" size={14} /> Print
          </Button>
        }
      >
        <div class="print-only" style="margin-bottom:12px">
          <h1 style="font-size:18pt">Your assessment</h1>
          <div>
            {patientLabel(p)} · {fmtDate(as.today)}
          </div>
        </div>
        <div class="plain-summary" data-testid="patient-summary">
          {as.patientSummary.map((s) => (
            <p key={s}>{s}</p>
          ))}
        </div>
        <p class="small muted" style="margin-top:8px">
          This summary explains what your tests show and what the evidence says. It is not a promise of any result; please discuss it with your doctor.
        </p>
      </Card>
    </div>
  );
}

function DiagnosisCard(props: { as: Assessment }): JSX.Element {
  const dx = props.as.diagnosis;
  return (
    <Card title="Diagnosis">
      <p class="small" data-testid="assessment-diagnosis">{diagnosisOverview(dx).label}</p>
      <dl class="facts">
        <dt>Losses counted</dt>
        <dd>
          {dx.lossCount} <span class="muted small">({dx.firstTrimesterLossCount} first-trimester)</span>
        </dd>
        <dt>Unexplained</dt>
        <dd>
          {dx.unexplainedLossCount} <span class="muted small">· {dx.explainedLossCount} explained</span>
        </dd>
        <dt>ESHRE (≥2)</dt>
        <dd>{dx.definitions.eshre.met ? <Badge tone="warn" small>met</Badge> : <Badge tone="muted" small>not met</Badge>}</dd>
        <dt>RCOG (≥3)</dt>
        <dd>{dx.definitions.rcog.met ? <Badge tone="warn" small>met</Badge> : <Badge tone="muted" small>not met</Badge>}</dd>
        <dt>Type</dt>
        <dd>{dx.type === "none" ? "—" : `${dx.type} RPL`}</dd>
        <dt>APS (Sydney)</dt>
        <dd>
          {dx.aps.met ? <Badge tone="danger" small>APS</Badge> : <Badge tone={dx.aps.laboratory === "not-tested" ? "warn" : "muted"} small>{dx.aps.laboratory}</Badge>}
        </dd>
        {dx.rif.met ? (
          <>
            <dt>RIF</dt>
            <dd><Badge tone="warn" small>met</Badge></dd>
          </>
        ) : null}
      </dl>
      <TitledList title="Causes found" style="margin-top:10px" items={dx.causes} itemKey={(c) => c.id} item={(c) => <><b>{c.label}</b>: {c.detail}</>} />
      <TitledList title="Explained losses" style="margin-top:10px" items={dx.losses.filter((l) => l.explained)} itemKey={(l) => l.index} item={(l) => `Loss ${l.index + 1} (week ${l.gestationalWeek}): ${l.explanation ?? ""}`} />
    </Card>
  );
}

function WorkupCard(props: { items: WorkupItem[] }): JSX.Element {
  return (
    <Card title="Standard work-up">
      <ul class="list-plain" data-testid="workup">
        {props.items.map((w) => (
          <li key={w.id}>
            <div class="row" style="justify-content:space-between;flex-wrap:nowrap">
              <b class="small">{w.label}</b>
              <Badge tone={WORKUP_TONE[w.status] ?? "muted"} small>{w.status}</Badge>
            </div>
            <div class="small muted">{w.detail}{w.date ? ` · ${fmtDate(w.date)}` : ""}</div>
          </li>
        ))}
      </ul>
    </Card>
  );
}

function ImmuneCard(props: { findings: ImmuneFinding[] }): JSX.Element {
  const [all, setAll] = useState(false);
  const shown = all ? props.findings : props.findings.filter((f) => f.status !== "missing");
  return (
    <Card
      title="Immune findings"
      actions={
        <label class="check small no-print" style="min-height:0">
          <input type="checkbox" checked={all} onChange={(e) => setAll(e.currentTarget.checked)} /> Show markers not measured
        </label>
      }
      tight
    >
      {shown.length === 0 ? (
        <p class="muted" style="padding:14px 18px;margin:0">No immune marker measured.</p>
      ) : (
        <div class="table-wrap">
          <table class="data compact" data-testid="immune-findings">
            <thead>
              <tr>
                <th>Marker</th>
                <th class="num">Value</th>
                <th>Cut-off</th>
                <th>Reading</th>
                <th>Source</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((f) => (
                <tr key={f.marker}>
                  <td>
                    {f.label}
                    {f.researchGrade ? <span class="badge warn sm plain" style="margin-left:6px" title={f.guidelineNote ?? "Guidelines advise against testing outside research"}>research-grade</span> : null}
                  </td>
                  <td class="num">
                    {f.value === null ? "—" : `${f.value}${f.unit && f.unit !== "ratio" ? ` ${f.unit}` : ""}`}
                    {f.original ? <div class="small muted">entered {f.original.value} {f.original.unit}</div> : null}
                  </td>
                  <td class="small">{f.cutOff ? `${f.cutOff.comparator} ${f.cutOff.value}${f.cutOff.unit ? ` ${f.cutOff.unit}` : ""}` : "—"}</td>
                  <td><Badge tone={FINDING_TONE[f.status] ?? "muted"} small>{f.status}</Badge></td>
                  <td class="small muted">{f.source ? f.source.label : "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}

const ROLE_TONE: Record<string, string> = { supports: "info", against: "danger", context: "muted" };

function TherapyCard(props: { t: TherapyAssessment; patientId: string; initiallyOpen: boolean }): JSX.Element {
  const t = props.t;
  const [open, setOpen] = useState(props.initiallyOpen);
  const [showPlot, setShowPlot] = useState(false);
  const bodyId = `therapy-${t.therapy}-body`;
  const unmet = t.unmet;
  return (
    <section class={cx("card therapy", `s-${t.status}`)} data-therapy={t.therapy} data-open={open ? "true" : "false"} aria-label={t.name}>
      <div
        class="card-head"
        role="button"
        tabIndex={0}
        aria-expanded={open}
        aria-controls={bodyId}
        onClick={() => setOpen(!open)}
        onKeyDown={(e) => {
          if (e.key === "Enter" || e.key === " ") {
            e.preventDefault();
            setOpen(!open);
          }
        }}
      >
        <Icon name="chev" size={16} />
        <h3>{t.name}</h3>
        <StatusBadge status={t.status} />
        <div class="summary-line">{t.headline}</div>
        <div class="small muted" data-testid="verdict-digest">{verdictDigest(t)}</div>
      </div>
      {open ? (
        <div class="card-body" id={bodyId}>
          <div class="grid cols-2">
            <div class="stack">
              <div class="small muted">{STATUS_MEANINGS[t.status]}</div>
              {t.researchNote ? <Alert tone="info">{t.researchNote}</Alert> : null}
              <TitledList title="Why" items={t.reasons} itemKey={(r) => r} item={(r) => r} />
              <div>
                <h4 style="margin-bottom:4px">Findings behind this verdict</h4>
                {t.findings.length === 0 ? (
                  <p class="small muted">No specific finding.</p>
                ) : (
                  <ul class="list-plain" data-testid="findings">
                    {t.findings.map((f) => (
                      <li key={f.id} class="finding">
                        <span class="small">
                          <b>{f.label}</b>
                          {f.value !== null ? (
                            <span class="num"> · {f.value}{f.unit && f.unit !== "ratio" ? ` ${f.unit}` : ""}</span>
                          ) : null}
                          {f.cutOff ? <span class="muted"> (cut-off {f.cutOff})</span> : null}
                        </span>
                        <Badge tone={ROLE_TONE[f.role] ?? "muted"} small plain>{f.role}</Badge>
                        <span class="src">{f.reading} · {f.source}</span>
                      </li>
                    ))}
                  </ul>
                )}
              </div>
              {t.missing.length > 0 ? (
                <div>
                  <h4 style="margin-bottom:4px">Missing investigations</h4>
                  <ul class="list-plain missing" data-testid="missing">
                    {t.missing.map((m) => (
                      <li key={m.id} class="small">
                        <b>{m.label}</b>
                        <div class="muted">{m.detail}</div>
                      </li>
                    ))}
                  </ul>
                </div>
              ) : null}
              <TitledList title="Criteria not met" testId="unmet" items={unmet} itemKey={(u) => u} item={(u) => u} />
              {t.safetyChecks.length > 0 ? (
                <div>
                  <h4 style="margin-bottom:4px">Safety checks</h4>
                  <ul class="list-plain">
                    {t.safetyChecks.map((s) => (
                      <li key={s.id} class="small row" style="flex-wrap:nowrap;align-items:flex-start">
                        <Badge tone={s.status === "ok" ? "ok" : s.status === "problem" ? "danger" : "warn"} small>
                          {s.status === "unknown" ? "to check" : s.status === "ok" ? "ok" : s.severity}
                        </Badge>
                        <span>
                          <b>{s.label}</b> · {s.detail}
                          <span class="cite"> ({s.source})</span>
                        </span>
                      </li>
                    ))}
                  </ul>
                </div>
              ) : null}
              <TitledList title="Paired in the protocol with" items={t.coInterventions} itemKey={(c) => c.label} item={(c) => <><b>{c.label}</b>: {c.note}</>} />
              {t.criteriaSource.length > 0 ? <div class="cite">Criteria: {t.criteriaSource.join(" · ")}</div> : null}
              {t.status === "protocol-eligible" || t.status === "recommended" ? (
                <div>
                  <a class="btn sm" href={`/patients/${props.patientId}/plan?therapy=${t.therapy}`}>
                    <Icon name="plan" size={14} /> Plan this therapy
                  </a>
                </div>
              ) : null}
            </div>
            <div class="stack">
              <div>
                <h4 style="margin-bottom:4px">Evidence</h4>
                <p class="small" style="margin-bottom:6px">{t.evidence.summary}</p>
                {t.evidence.bestEstimate ? <div class="small"><b>Best estimate:</b> {t.evidence.bestEstimate}</div> : null}
                {t.evidence.certainty ? <div class="small"><b>Certainty:</b> {t.evidence.certainty}</div> : null}
                {t.evidence.subgroupNote ? <div class="small muted">{t.evidence.subgroupNote}</div> : null}
                {t.evidence.conflicts.length > 0 ? (
                  <div style="margin-top:8px">
                    <h4 style="margin-bottom:4px">Conflicting results</h4>
                    <div class="conflicts">
                      {t.evidence.conflicts.map((c) => <div class="c small" key={c}>{c}</div>)}
                    </div>
                  </div>
                ) : null}
                {t.evidence.sources.length > 0 ? (
                  <details class="cite" style="margin-top:6px">
                    <summary style="cursor:pointer">Sources ({t.evidence.sources.length})</summary>
                    <ul style="margin:4px 0 0;padding-left:16px">
                      {t.evidence.sources.map((x) => <li key={x}>{x}</li>)}
                    </ul>
                  </details>
                ) : null}
              </div>
              <div>
                <h4 style="margin-bottom:4px">Guideline positions</h4>
                {t.guideline.length === 0 ? (
                  <p class="small muted">No guideline position found for this therapy.</p>
                ) : (
                  <ul class="list-plain" data-testid="guidelines">
                    {t.guideline.map((g) => (
                      <li key={g.citation + g.statement} class="small">
                        <div class="row" style="gap:6px">
                          <b>{g.body}{g.year ? ` ${g.year}` : ""}</b>
                          {g.direction ? <Badge tone={g.direction === "against" ? "danger" : g.direction === "recommended" ? "ok" : "muted"} small plain>{g.direction}</Badge> : null}
                          {g.strength ? <span class="muted">{g.strength}</span> : null}
                          {g.verified ? <Badge tone="ok" small plain>verified</Badge> : <Badge tone="warn" small plain title={g.unverifiedNote}>unverified</Badge>}
                        </div>
                        <div>{g.statement}</div>
                        <div class="cite">{g.url ? <a href={g.url} target="_blank" rel="noopener noreferrer">{g.citation}</a> : g.citation}</div>
                      </li>
                    ))}
                  </ul>
                )}
              </div>
              {!showPlot ? (
                <div class="no-print">
                  <Button size="sm" onClick={() => setShowPlot(true)}>
                    Show forest plot and Summary of Findings
                  </Button>
                </div>
              ) : null}
            </div>
          </div>
          {showPlot ? (
            <div class="no-print" style="margin-top:16px;padding-top:14px;border-top:1px solid var(--border)">
              <h4 style="margin-bottom:8px">Summary of Findings and forest plot</h4>
              <TherapyEvidencePanel therapy={t.therapy} compact />
            </div>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}
