/** Analysis workbench: upload CSV/XLSX, choose options, run `decidua meta` through the API, download plots and results. */
import type { JSX } from "preact";
import { useRef, useState } from "preact/hooks";
import type { MetaResult } from "../../../stats/types.js";
import { api, apiBlob, ApiError, downloadBlob } from "../api.js";
import { Alert, Badge, Button, Card, DataTable, Icon, PageHead, Progress, Stat, Tabs, fmtNum, fmtP } from "../components/ui.js";
import { Svg } from "../components/Svg.js";

interface Options {
  measure: string;
  method: string;
  model: string;
  tau2: string;
  test: string;
  level: number;
  smdCorrection: string;
  preset: string;
  subgroup: string;
  leaveOneOut: boolean;
  cumulative: boolean;
  bias: boolean;
}

const DEFAULTS: Options = {
  measure: "",
  method: "IV",
  model: "random",
  tau2: "REML",
  test: "z",
  level: 95,
  smdCorrection: "exact",
  preset: "",
  subgroup: "",
  leaveOneOut: false,
  cumulative: false,
  bias: false,
};

const EXAMPLE_CSV = `study,year,events_t,total_t,events_c,total_c
Example A,2001,22,40,15,41
Example B,2005,31,52,24,50
Example C,2009,18,30,16,33
Example D,2014,45,70,33,68
Example E,2019,27,45,20,47
`;

interface MetaResponse {
  result: MetaResult;
  forestSvg: string | null;
  funnelSvg: string | null;
}

function toBase64(buf: ArrayBuffer): string {
  const bytes = new Uint8Array(buf);
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

function optionsBody(o: Options): Record<string, unknown> {
  const out: Record<string, unknown> = { method: o.method, model: o.model, tau2: o.tau2, test: o.test, level: o.level, smdCorrection: o.smdCorrection, leaveOneOut: o.leaveOneOut, cumulative: o.cumulative, bias: o.bias };
  if (o.measure) out["measure"] = o.measure;
  if (o.preset) out["preset"] = o.preset;
  if (o.subgroup.trim()) out["subgroup"] = o.subgroup.trim();
  return out;
}

const RATIO = new Set(["OR", "RR"]);

/** "= 0.189" or "< 0.001", to follow a "p". */
function pEq(p: number): string {
  const t = fmtP(p);
  return t.startsWith("<") ? "< 0.001" : `= ${t}`;
}

export function WorkbenchPage(): JSX.Element {
  const [file, setFile] = useState<{ name: string; contentBase64: string; size: number } | null>(null);
  const [opt, setOpt] = useState<Options>(DEFAULTS);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | Error | null>(null);
  const [res, setRes] = useState<MetaResponse | null>(null);
  const [tab, setTab] = useState<"forest" | "funnel" | "studies" | "sensitivity">("forest");
  const [over, setOver] = useState(false);
  const [dl, setDl] = useState("");
  const inputRef = useRef<HTMLInputElement>(null);

  async function takeFile(f: File): Promise<void> {
    setFile({ name: f.name, contentBase64: toBase64(await f.arrayBuffer()), size: f.size });
    setRes(null);
    setError(null);
  }

  function set<K extends keyof Options>(k: K, v: Options[K]): void {
    setOpt((o) => ({ ...o, [k]: v }));
  }

  function body(): unknown {
    return { file: { name: file?.name ?? "", contentBase64: file?.contentBase64 ?? "" }, options: optionsBody(opt) };
  }

  async function run(e?: Event): Promise<void> {
    e?.preventDefault();
    if (!file) {
      setError(new Error("Choose a CSV or XLSX file first."));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      setRes(await api<MetaResponse>("POST", "/api/meta", body()));
      setTab("forest");
    } catch (err) {
      setRes(null);
      setError(err instanceof Error ? err : new Error(String(err)));
    } finally {
      setBusy(false);
      requestAnimationFrame(() => document.getElementById("wb-results")?.scrollIntoView({ block: "start" }));
    }
  }

  async function download(kind: "svg" | "png" | "csv" | "funnel-svg"): Promise<void> {
    if (!res) return;
    const stem = (file?.name ?? "analysis").replace(/\.[^.]+$/, "");
    setDl(kind);
    try {
      if (kind === "svg" && res.forestSvg) downloadBlob(new Blob([res.forestSvg], { type: "image/svg+xml" }), `${stem}-forest.svg`);
      else if (kind === "funnel-svg" && res.funnelSvg) downloadBlob(new Blob([res.funnelSvg], { type: "image/svg+xml" }), `${stem}-funnel.svg`);
      else if (kind === "png") downloadBlob(await apiBlob("POST", "/api/meta/forest.png", body()), `${stem}-forest.png`);
      else if (kind === "csv") downloadBlob(await apiBlob("POST", "/api/meta/results.csv", body()), `${stem}-results.csv`);
    } catch (err) {
      setError(err instanceof Error ? err : new Error(String(err)));
    } finally {
      setDl("");
    }
  }

  const r = res?.result;
  const tr = r?.pooled.transformed;
  const est = r ? (tr && RATIO.has(r.measure) ? tr : r.pooled) : null;
  const apiErr = error instanceof ApiError ? error : null;

  return (
    <>
      <PageHead title="Analysis workbench" sub="The same engine and plots as “decidua meta”: pooled effect, heterogeneity, sensitivity and small-study bias." />
      <div class="grid" style="grid-template-columns:370px minmax(0,1fr);align-items:start">
        <form onSubmit={run} noValidate>
          <Card title="Data and options" foot={<Button type="submit" variant="primary" busy={busy} class="block">Run analysis</Button>}>
            <div class="stack">
              <div
                class={`dropzone${over ? " over" : ""}`}
                role="button"
                tabIndex={0}
                aria-label="Choose a CSV or XLSX file"
                onClick={() => inputRef.current?.click()}
                onKeyDown={(e) => {
                  if (e.key === "Enter" || e.key === " ") {
                    e.preventDefault();
                    inputRef.current?.click();
                  }
                }}
                onDragOver={(e) => {
                  e.preventDefault();
                  setOver(true);
                }}
                onDragLeave={() => setOver(false)}
                onDrop={(e) => {
                  e.preventDefault();
                  setOver(false);
                  const f = e.dataTransfer?.files[0];
                  if (f) void takeFile(f);
                }}
              >
                {file ? (
                  <>
                    <b data-testid="file-name">{file.name}</b>
                    <div class="small muted">{(file.size / 1024).toFixed(1)} kB · click to replace</div>
                  </>
                ) : (
                  <>
                    <b>Drop a CSV or XLSX file here</b>
                    <div class="small muted">or click to choose · one row per study</div>
                  </>
                )}
              </div>
              <input
                ref={inputRef}
                id="wb-file"
                type="file"
                accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                class="sr-only"
                aria-label="Data file"
                onChange={(e) => {
                  const f = e.currentTarget.files?.[0];
                  if (f) void takeFile(f);
                }}
              />
              <div class="small muted">
                Columns: <code>study</code> and either <code>events_t, total_t, events_c, total_c</code>, or <code>mean_t, sd_t, total_t, mean_c, sd_c, total_c</code>, or <code>yi, vi</code>.{" "}
                <a
                  href="#"
                  onClick={(e) => {
                    e.preventDefault();
                    downloadBlob(new Blob([EXAMPLE_CSV], { type: "text/csv" }), "example.csv");
                  }}
                >
                  Example file
                </a>
              </div>
              <hr class="divider" />
              <div class="form-grid" style="grid-template-columns:1fr 1fr">
                <Sel id="wb-measure" label="Measure" value={opt.measure} onChange={(v) => set("measure", v)} options={[["", "From the data"], ["OR", "Odds ratio"], ["RR", "Risk ratio"], ["RD", "Risk difference"], ["MD", "Mean difference"], ["SMD", "Std. mean difference"], ["GEN", "Generic (yi, vi)"]]} />
                <Sel id="wb-method" label="Method" value={opt.method} onChange={(v) => set("method", v)} options={[["IV", "Inverse variance"], ["MH", "Mantel-Haenszel"], ["PETO", "Peto"]]} />
                <Sel id="wb-model" label="Model" value={opt.model} onChange={(v) => set("model", v)} options={[["random", "Random effects"], ["fixed", "Fixed effect"], ["auto", "Auto (from I²)"]]} />
                <Sel id="wb-tau2" label="τ² estimator" value={opt.tau2} onChange={(v) => set("tau2", v)} options={[["REML", "REML"], ["DL", "DerSimonian-Laird"], ["PM", "Paule-Mandel"], ["ML", "ML"], ["HE", "Hedges"], ["SJ", "Sidik-Jonkman"], ["EB", "Empirical Bayes"]]} />
                <Sel id="wb-test" label="Test" value={opt.test} onChange={(v) => set("test", v)} options={[["z", "z (normal)"], ["knha", "Knapp-Hartung (t)"]]} />
                <div class="field">
                  <label for="wb-level">Confidence level</label>
                  <div class="input-group">
                    <input id="wb-level" class="input num" inputMode="decimal" value={String(opt.level)} onInput={(e) => set("level", Number(e.currentTarget.value))} />
                    <span class="addon">%</span>
                  </div>
                  {apiErr?.field === "options.level" ? <div class="err">{apiErr.message}</div> : null}
                </div>
                <Sel id="wb-preset" label="Preset" value={opt.preset} onChange={(v) => set("preset", v)} options={[["", "None (metafor)"], ["revman5", "RevMan 5"]]} />
                <Sel id="wb-smd" label="SMD correction" value={opt.smdCorrection} onChange={(v) => set("smdCorrection", v)} options={[["exact", "Exact (metafor)"], ["approx", "Approximate (RevMan)"]]} />
                <div class="field" style="grid-column:1/-1">
                  <label for="wb-subgroup">Subgroup column</label>
                  <input id="wb-subgroup" class="input" placeholder="e.g. subgroup" value={opt.subgroup} onInput={(e) => set("subgroup", e.currentTarget.value)} />
                </div>
              </div>
              <fieldset class="group">
                <legend>Extra analyses</legend>
                <label class="check"><input type="checkbox" checked={opt.leaveOneOut} onChange={(e) => set("leaveOneOut", e.currentTarget.checked)} /> Leave-one-out</label>
                <label class="check"><input type="checkbox" checked={opt.cumulative} onChange={(e) => set("cumulative", e.currentTarget.checked)} /> Cumulative (by year)</label>
                <label class="check"><input type="checkbox" checked={opt.bias} onChange={(e) => set("bias", e.currentTarget.checked)} /> Small-study bias (Egger, Begg, trim-and-fill)</label>
              </fieldset>
            </div>
          </Card>
        </form>

        <div class="stack" aria-live="polite" id="wb-results" style="scroll-margin-top:72px">
          {busy ? (
            <Card>
              <Progress label="Running the meta-analysis…" />
            </Card>
          ) : null}
          {error ? (
            <Alert tone="error">
              <b>
                {apiErr?.row !== undefined ? `Row ${apiErr.row}` : "The analysis could not run"}
                {apiErr?.field ? <> · column <code>{apiErr.field}</code></> : null}
              </b>
              <div>{error.message}</div>
            </Alert>
          ) : null}
          {!res && !busy && !error ? (
            <Card>
              <div class="empty">
                <b>No analysis yet</b>
                Upload a file and press “Run analysis”. Results, the forest plot and the funnel plot appear here.
              </div>
            </Card>
          ) : null}
          {r && est && res ? (
            <>
              <div class="grid cols-4">
                <Stat label={`Pooled ${r.measure} (${r.model === "random" ? "random" : "fixed"})`} value={<span data-testid="pooled-estimate">{fmtNum(est.estimate)}</span>} hint={`${r.level}% CI ${fmtNum(est.ci_lb)} to ${fmtNum(est.ci_ub)}`} />
                <Stat label="p-value" value={fmtP(r.pooled.pval)} hint={`${r.test === "knha" ? "t" : "z"} = ${fmtNum(r.pooled.zval)}`} />
                <Stat label="Heterogeneity I²" value={`${fmtNum(r.heterogeneity.I2, 1)}%`} hint={`τ² = ${fmtNum(r.heterogeneity.tau2, 3)} · Q p ${pEq(r.heterogeneity.QE_pval)}`} />
                <Stat label="Studies" value={r.k} hint={`${r.method}${r.tau2_method ? ` · ${r.tau2_method}` : ""}${r.preset ? ` · ${r.preset}` : ""}`} />
              </div>
              {r.notes.length > 0 ? <Alert tone="info">{r.notes.map((n) => <div key={n}>{n}</div>)}</Alert> : null}
              <Card
                title="Results"
                actions={
                  <div class="row">
                    <Button size="sm" onClick={() => void download("svg")} busy={dl === "svg"}><Icon name="download" size={14} /> SVG</Button>
                    <Button size="sm" onClick={() => void download("png")} busy={dl === "png"}><Icon name="download" size={14} /> PNG</Button>
                    <Button size="sm" onClick={() => void download("csv")} busy={dl === "csv"}><Icon name="download" size={14} /> CSV</Button>
                  </div>
                }
              >
                <Tabs
                  label="Result views"
                  value={tab}
                  onChange={setTab}
                  tabs={[
                    { id: "forest", label: "Forest plot" },
                    { id: "funnel", label: "Funnel plot" },
                    { id: "studies", label: "Studies" },
                    { id: "sensitivity", label: "Sensitivity & bias" },
                  ]}
                />
                {tab === "forest" ? (res.forestSvg ? <Svg markup={res.forestSvg} label="Forest plot" testId="forest-plot" /> : <p class="muted">The forest plot is not available from the server yet.</p>) : null}
                {tab === "funnel" ? (res.funnelSvg ? <Svg markup={res.funnelSvg} label="Funnel plot" testId="funnel-plot" natural /> : <p class="muted">No funnel plot for this analysis.</p>) : null}
                {tab === "studies" ? <StudiesTable r={r} /> : null}
                {tab === "sensitivity" ? <Sensitivity r={r} /> : null}
              </Card>
            </>
          ) : null}
        </div>
      </div>
    </>
  );
}

function Sel(props: { id: string; label: string; value: string; onChange: (v: string) => void; options: Array<[string, string]> }): JSX.Element {
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      <select id={props.id} class="input" value={props.value} onChange={(e) => props.onChange(e.currentTarget.value)}>
        {props.options.map(([v, l]) => (
          <option key={v} value={v}>{l}</option>
        ))}
      </select>
    </div>
  );
}

function back(r: MetaResult, x: number | null): string {
  if (x === null) return "—";
  return fmtNum(RATIO.has(r.measure) ? Math.exp(x) : x);
}

function StudiesTable(props: { r: MetaResult }): JSX.Element {
  const r = props.r;
  return (
    <DataTable
      caption="Studies"
      compact
      rows={r.studies}
      rowKey={(s) => `${s.study}-${s.row ?? ""}`}
      columns={[
        { key: "study", label: "Study", render: (s) => <>{s.study}{s.year ? <span class="muted"> ({s.year})</span> : null}</> },
        { key: "data", label: "Data", render: (s) => <span class="small mono">{s.data.kind === "binary" ? `${s.data.events_t}/${s.data.total_t} vs ${s.data.events_c}/${s.data.total_c}` : s.data.kind === "continuous" ? `${s.data.mean_t}±${s.data.sd_t} (${s.data.total_t}) vs ${s.data.mean_c}±${s.data.sd_c} (${s.data.total_c})` : `yi ${s.data.yi}, vi ${s.data.vi}`}</span> },
        { key: "est", label: r.measure, num: true, render: (s) => back(r, s.yi) },
        { key: "ci", label: `${r.level}% CI`, num: true, render: (s) => (s.ci_lb === null ? "—" : `${back(r, s.ci_lb)} to ${back(r, s.ci_ub)}`) },
        { key: "w", label: "Weight", num: true, render: (s) => `${fmtNum(s.weight, 1)}%` },
        { key: "inc", label: "", render: (s) => (s.included ? (s.continuity_corrected ? <Badge tone="muted" small plain title="0.5 added to each cell">+0.5</Badge> : null) : <Badge tone="warn" small title={s.excluded_reason}>excluded</Badge>) },
      ]}
    />
  );
}

function Sensitivity(props: { r: MetaResult }): JSX.Element {
  const r = props.r;
  const t = (x: number): string => fmtNum(RATIO.has(r.measure) ? Math.exp(x) : x);
  return (
    <div class="stack">
      {r.subgroups && r.subgroups.length > 0 ? (
        <div>
          <h4 style="margin-bottom:6px">Subgroups</h4>
          <DataTable compact rows={r.subgroups} rowKey={(s) => s.name} columns={[
            { key: "n", label: "Subgroup", render: (s) => s.name },
            { key: "k", label: "k", num: true, render: (s) => s.k },
            { key: "e", label: r.measure, num: true, render: (s) => `${t(s.pooled.estimate)} (${t(s.pooled.ci_lb)} to ${t(s.pooled.ci_ub)})` },
            { key: "i2", label: "I²", num: true, render: (s) => `${fmtNum(s.heterogeneity.I2, 1)}%` },
          ]} />
          {r.subgroup_test ? <p class="small muted">Test for subgroup differences: Q = {fmtNum(r.subgroup_test.Q)}, df = {r.subgroup_test.df}, p {pEq(r.subgroup_test.pval)}</p> : null}
        </div>
      ) : null}
      {r.leave_one_out ? (
        <div>
          <h4 style="margin-bottom:6px">Leave-one-out</h4>
          <DataTable compact rows={r.leave_one_out} rowKey={(s) => s.omitted} columns={[
            { key: "o", label: "Omitted", render: (s) => s.omitted },
            { key: "e", label: r.measure, num: true, render: (s) => `${t(s.estimate)} (${t(s.ci_lb)} to ${t(s.ci_ub)})` },
            { key: "p", label: "p", num: true, render: (s) => fmtP(s.pval) },
            { key: "i2", label: "I²", num: true, render: (s) => `${fmtNum(s.I2, 1)}%` },
          ]} />
        </div>
      ) : null}
      {r.cumulative ? (
        <div>
          <h4 style="margin-bottom:6px">Cumulative</h4>
          <DataTable compact rows={r.cumulative} rowKey={(s) => s.added} columns={[
            { key: "a", label: "Added", render: (s) => s.added },
            { key: "k", label: "k", num: true, render: (s) => s.k },
            { key: "e", label: r.measure, num: true, render: (s) => `${t(s.estimate)} (${t(s.ci_lb)} to ${t(s.ci_ub)})` },
          ]} />
        </div>
      ) : null}
      {r.bias ? (
        <dl class="facts" style="margin-top:8px">
          <dt>Egger's test</dt><dd>intercept {fmtNum(r.bias.egger.intercept)} (SE {fmtNum(r.bias.egger.intercept_se)}), p {pEq(r.bias.egger.pval)}</dd>
          <dt>Begg's test</dt><dd>Kendall's τ = {fmtNum(r.bias.begg.tau, 3)}, p {pEq(r.bias.begg.pval)}</dd>
          <dt>Trim and fill</dt><dd>{r.bias.trimfill.k0} {r.bias.trimfill.k0 === 1 ? "study" : "studies"} filled on the {r.bias.trimfill.side}; adjusted {r.measure} {t(r.bias.trimfill.estimate)} ({t(r.bias.trimfill.ci_lb)} to {t(r.bias.trimfill.ci_ub)})</dd>
        </dl>
      ) : null}
      {!r.subgroups && !r.leave_one_out && !r.cumulative && !r.bias ? <p class="muted">Tick leave-one-out, cumulative or small-study bias and run again.</p> : null}
    </div>
  );
}
