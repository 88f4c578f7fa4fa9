/**
 * The full GRADE Summary-of-Findings table of a therapy vs placebo (GET /api/evidence/therapies/:therapy/sof): every
 * outcome (no-data rows included), absolute effects per 1000 from the stated assumed risk, certainty with ⊕
 * symbols and footnote marks, the footnotes, plain-language statements, and DOCX / CSV downloads of the same table.
 */
import type { JSX } from "preact";
import { useState } from "preact/hooks";
import type { GradeDomainName, SofOutcomeRow, SofTable } from "../../../evidence/grade-outcomes.js";
import { api, qs } from "../api.js";
import { useLoad } from "../hooks.js";
import { Alert, Badge, Spinner } from "./ui.js";

const DOMAINS: Array<[GradeDomainName, string]> = [
  ["riskOfBias", "Risk of bias"],
  ["inconsistency", "Inconsistency"],
  ["indirectness", "Indirectness"],
  ["imprecision", "Imprecision"],
  ["publicationBias", "Publication bias"],
];
const LEVELS = ["not rated down", "−1", "−2"];

/** Every domain of every graded outcome with its reason (also those not rated down), and the trials' RoB judgements. */
function DomainDetails(props: { rows: SofOutcomeRow[] }): JSX.Element {
  return (
    <details data-testid="sof-domains">
      <summary class="small">Certainty assessment: every domain with its reason, and each trial's risk-of-bias judgement and weight</summary>
      {props.rows.map((r) =>
        r.certainty === null ? null : (
          <div key={r.outcome} class="small" style="margin-top:8px" data-domains-for={r.outcome}>
            <b>{r.label}</b> (start: {r.certainty.start}; result: {r.certainty.level})
            <table class="data compact">
              <tbody>
                {DOMAINS.map(([d, label]) => {
                  const dom = r.certainty!.domains[d];
                  return (
                    <tr key={d} data-domain={d}>
                      <td>{label}</td>
                      <td class="num">{LEVELS[dom.downgrade]}{dom.override !== null ? " (reviewer)" : ""}</td>
                      <td style="white-space:normal">{dom.reason}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
            <div class="muted">
              Trials: {r.certainty.domains.riskOfBias.trials.map((t) => `${t.label} ${t.weight.toFixed(1)}% ${t.judgement} (${t.basis})`).join("; ")}
            </div>
          </div>
        ),
      )}
    </details>
  );
}

const CERTAINTY_TONE: Record<string, string> = { high: "ok", moderate: "info", low: "warn", "very low": "danger" };

function Marks(props: { marks: string[] }): JSX.Element | null {
  if (props.marks.length === 0) return null;
  return <sup class="muted" data-footnote-marks>{` ${props.marks.join(",")}`}</sup>;
}

function Row(props: { r: SofOutcomeRow }): JSX.Element {
  const r = props.r;
  if (r.status !== "estimated" || r.relative === null || r.assumed === null || r.corresponding === null || r.difference === null || r.certainty === null) {
    return (
      <tr data-outcome={r.outcome} data-status={r.status}>
        <td>
          <b>{r.label}</b>
          <Marks marks={r.footnotes} />
        </td>
        <td colSpan={5} class="small muted" style="white-space:normal">{r.status === "no data" ? "No data" : "Not estimable"}: {r.note}</td>
        <td class="small">{r.statement}</td>
      </tr>
    );
  }
  const [assumedMark, ...domainMarks] = r.footnotes;
  return (
    <tr data-outcome={r.outcome} data-status={r.status}>
      <td>
        <b>{r.label}</b>
      </td>
      <td class="num" data-cell="relative">{r.relative.text}</td>
      <td class="num" data-cell="assumed">
        {r.assumed.per1000} per 1,000
        <Marks marks={assumedMark === undefined ? [] : [assumedMark]} />
      </td>
      <td class="small" data-cell="corresponding">
        {r.corresponding.per1000} per 1,000 ({r.corresponding.ciLow} to {r.corresponding.ciHigh})<div class="muted">{r.difference.text}</div>
      </td>
      <td class="num" data-cell="participants">
        {r.participants} ({r.studies} RCT{r.studies === 1 ? "" : "s"})
      </td>
      <td data-cell="certainty">
        <span aria-hidden="true">{r.certainty.symbols} </span>
        <Badge tone={CERTAINTY_TONE[r.certainty.level] ?? "muted"} small>{r.certainty.level}</Badge>
        <Marks marks={domainMarks} />
      </td>
      <td class="small" data-cell="statement">{r.statement}</td>
    </tr>
  );
}

export function SofFullTable(props: { therapy: string }): JSX.Element {
  const [measure, setMeasure] = useState<"RR" | "OR">("RR");
  const [baseline, setBaseline] = useState<"pooled" | "median">("pooled");
  const path = `/api/evidence/therapies/${encodeURIComponent(props.therapy)}/sof`;
  const query = qs({ measure, baseline });
  const sof = useLoad(() => api<{ therapy: string; table: SofTable; evidenceVersion?: string | null }>("GET", `${path}${query}`), [path, query]);
  if (sof.error) return <Alert tone="warn">Summary of findings not available: {sof.error.message}</Alert>;
  if (!sof.data) return <Spinner label="Grading every outcome…" />;
  const t = sof.data.table;
  return (
    <div class="stack" data-testid="sof-full">
      <div class="row" style="justify-content:space-between;flex-wrap:wrap;gap:8px">
        <div class="small">
          <b>{t.comparison}</b> · {t.population}
        </div>
        <div class="row" style="gap:6px">
          <select class="input" style="width:auto" aria-label="Relative effect measure" value={measure} onChange={(x) => setMeasure(x.currentTarget.value as "RR" | "OR")}>
            <option value="RR">Risk ratio</option>
            <option value="OR">Odds ratio</option>
          </select>
          <select class="input" style="width:auto" aria-label="Assumed control risk" value={baseline} onChange={(x) => setBaseline(x.currentTarget.value as "pooled" | "median")}>
            <option value="pooled">Pooled control risk</option>
            <option value="median">Median control risk</option>
          </select>
          <a class="btn sm" href={`${path}.docx${query}`} download={`sof-${props.therapy}.docx`} data-testid="sof-docx">Download DOCX</a>
          <a class="btn sm ghost" href={`${path}.csv${query}`} download={`sof-${props.therapy}.csv`} data-testid="sof-csv">Download CSV</a>
        </div>
      </div>
      <div class="table-wrap">
        <table class="data compact">
          <thead>
            <tr>
              <th>Outcome</th>
              <th>Relative effect (95% CI)</th>
              <th>Assumed risk with placebo</th>
              <th>Corresponding risk with {t.intervention} (95% CI)</th>
              <th class="num">Participants (studies)</th>
              <th>Certainty (GRADE)</th>
              <th style="min-width:280px">What happens</th>
            </tr>
          </thead>
          <tbody>
            {t.outcomes.map((r) => (
              <Row key={r.outcome} r={r} />
            ))}
          </tbody>
        </table>
      </div>
      <ol class="small" style="margin:0;padding-left:0;list-style:none" data-testid="sof-footnotes">
        {t.footnotes.map((f) => (
          <li key={f.mark} data-mark={f.mark}>
            <sup>{f.mark}</sup> {f.text}
          </li>
        ))}
      </ol>
      <DomainDetails rows={t.outcomes} />
      <div class="cite">{t.basis}</div>
      {sof.data.evidenceVersion ? (
        <div class="small" data-testid="sof-evidence-version">
          Computed from {sof.data.evidenceVersion}.
        </div>
      ) : null}
      <ul class="small muted" style="margin:0;padding-left:18px">
        {t.legend.map((l) => (
          <li key={l}>{l}</li>
        ))}
      </ul>
    </div>
  );
}
