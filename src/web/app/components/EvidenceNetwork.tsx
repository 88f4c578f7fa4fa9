/** The immunotherapy network for live birth: caveats first, then estimates vs placebo, P-scores, league table and plots. */
import type { JSX } from "preact";
import { api } from "../api.js";
import { useLoad } from "../hooks.js";
import { RemoteSvg } from "./Svg.js";
import { Alert, Card, Spinner, fmtNum, fmtP } from "./ui.js";

interface Interval {
  estimate: number;
  se: number;
  ci_lb: number;
  ci_ub: number;
}
interface NetworkView {
  trials: Array<{ trial: string; study: string; treatment: string; outcome: string; definition: string; analysis: string; events_t: number; total_t: number; events_c: number; total_c: number }>;
  missing: string[];
  caveats: string[];
  result: null | {
    k: number;
    n: number;
    reference: string;
    estimates: Array<Interval & { treatment: string; pval: number }>;
    pscores: Array<{ treatment: string; pscore: number }>;
    heterogeneity: { tau2: number; Q: number; Q_df: number; Q_pval: number | null; I2: number | null };
    league: { orientation: string; treatments: string[]; cells: Array<Array<Interval | null>> };
  };
}

const or = (c: Interval): string => `${fmtNum(Math.exp(c.estimate))} [${fmtNum(Math.exp(c.ci_lb))}, ${fmtNum(Math.exp(c.ci_ub))}]`;

export function EvidenceNetwork(): JSX.Element {
  const net = useLoad(() => api<NetworkView>("GET", "/api/evidence/network"), []);
  if (net.error) return <Alert tone="warn">{net.error.message}</Alert>;
  if (net.data === null) return <Card><Spinner label="Fitting the network…" /></Card>;
  const d = net.data;
  const r = d.result;
  return (
    <div class="stack" data-testid="evidence-network">
      <Card title="Immunotherapy network: live birth">
        <p class="small">
          A network meta-analysis of the placebo-controlled randomised trials in the evidence base (odds ratio of live birth, random effects, REML). It compares the therapies with each other through placebo. Read the caveats first:
        </p>
        <ul data-testid="network-caveats">
          {d.caveats.map((c) => (
            <li key={c} class="small">{c}</li>
          ))}
        </ul>
      </Card>
      {r === null ? (
        <Alert tone="info">Too few trials with live-birth counts for a network.</Alert>
      ) : (
        <>
          <Card title={`Each therapy vs ${r.reference} (network estimates)`}>
            <table class="table" data-testid="network-estimates">
              <thead>
                <tr><th>Therapy</th><th>OR [95% CI]</th><th>P</th><th>P-score</th></tr>
              </thead>
              <tbody>
                {r.estimates.map((e) => (
                  <tr key={e.treatment}>
                    <td>{e.treatment}</td>
                    <td>{or(e)}</td>
                    <td>{fmtP(e.pval)}</td>
                    <td>{fmtNum(r.pscores.find((p) => p.treatment === e.treatment)?.pscore ?? NaN)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <p class="small muted">
              Heterogeneity: tau² = {fmtNum(r.heterogeneity.tau2, 3)}; Q = {fmtNum(r.heterogeneity.Q)}, df = {r.heterogeneity.Q_df}. P-score: mean certainty of more live births than the other treatments (1 = better than all with certainty); not a probability of benefit.
            </p>
          </Card>
          <Card title="Network graph">
            <RemoteSvg src="/api/evidence/network/network.svg" label="Network graph" testId="network-graph" natural />
          </Card>
          <Card title="Forest plot vs placebo">
            <RemoteSvg src="/api/evidence/network/forest.svg" label="Network forest plot" testId="network-forest" />
          </Card>
          <Card title="League table (odds ratio of live birth)">
            <p class="small muted">{r.league.orientation}; shown as odds ratios: a cell above 1 means more live births with the row therapy. Every cell between two therapies is indirect evidence only.</p>
            <div style="overflow-x:auto">
              <table class="table small" data-testid="network-league">
                <thead>
                  <tr><th />{r.league.treatments.map((t) => <th key={t}>{t}</th>)}</tr>
                </thead>
                <tbody>
                  {r.league.cells.map((row, i) => (
                    <tr key={r.league.treatments[i]}>
                      <th>{r.league.treatments[i]}</th>
                      {row.map((c, j) => <td key={j}>{c === null ? "—" : or(c)}</td>)}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </Card>
        </>
      )}
      <Card title="Trials in the network">
        <table class="table small" data-testid="network-trials">
          <thead>
            <tr><th>Trial</th><th>Therapy</th><th>Outcome counted (definition)</th><th>Analysis set</th><th>Therapy</th><th>Placebo</th></tr>
          </thead>
          <tbody>
            {d.trials.map((t) => (
              <tr key={t.trial}>
                <td>{t.study}</td>
                <td>{t.treatment}</td>
                <td>{t.definition}</td>
                <td>{t.analysis}</td>
                <td>{t.events_t}/{t.total_t}</td>
                <td>{t.events_c}/{t.total_c}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Card>
    </div>
  );
}
