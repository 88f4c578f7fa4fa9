/**
 * Analysis workbench (pairwise): type or paste the studies into the grid (or upload CSV/XLSX), choose options or a
 * preset, run `decidua meta`'s use case through the API, download every plot (SVG, PNG), the results (CSV) and the
 * reproducible bundle (input, options, versions, equivalent R script).
 */
import type { JSX } from "preact";
import { useState } from "preact/hooks";
import type { MetaResult } from "../../../stats/types.js";
import { api, apiBlob, ApiError, downloadBlob } from "../api.js";
import { Alert, Badge, Button, Card, DataTable, Icon, PageHead, Progress, Stat, Tabs, fmtNum, fmtP } from "../components/ui.js";
import { Svg } from "../components/Svg.js";
import { BINARY_COLUMNS, BINARY_EXAMPLE, GridEditor, STUDY_COLUMNS, SourceChoice, fitRows, gridUpload, useGridCheck, type GridColumn } from "../components/GridEditor.js";
import { favoursLabels } from "../favours.js";
import { FileDrop, WorkbenchTabs, type PickedFile } from "../components/FileDrop.js";

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
  mods: string;
  leaveOneOut: boolean;
  cumulative: boolean;
  bias: boolean;
  influence: boolean;
  /** The outcome of a RevMan export holding several (its number, e.g. "1.1"), and the worksheet of a workbook. */
  outcome: string;
  sheet: string;
}

type PresetKey = "method" | "model" | "tau2" | "test" | "smdCorrection";

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
  mods: "",
  leaveOneOut: false,
  cumulative: false,
  bias: false,
  influence: false,
  outcome: "",
  sheet: "",
};

/** What each preset sets in the form (the engine resolves the same from the preset: src/stats/meta.ts). */
function presetValues(preset: string, binary: boolean): Pick<Options, PresetKey> {
  if (preset === "revman5") return { method: binary ? "MH" : "IV", model: "fixed", tau2: "DL", test: "z", smdCorrection: "approx" };
  if (preset === "revman-web") return { method: "IV", model: "random", tau2: "REML", test: "knha", smdCorrection: "approx" };
  return { method: "IV", model: "random", tau2: "REML", test: "z", smdCorrection: "exact" };
}

const PRESET_NOTE: Record<string, string> = {
  "": "metafor's defaults: inverse variance, random effects, REML τ², z test, exact Hedges' g.",
  revman5: "RevMan 5: Mantel-Haenszel fixed effect for counts (inverse variance otherwise), DerSimonian-Laird τ² when random, z test, RevMan's approximate Hedges' g, no prediction interval.",
  "revman-web": "RevMan (2025): random effects with REML τ², Hartung-Knapp-Sidik-Jonkman CI, prediction interval, RevMan's approximate Hedges' g.",
};

type DataType = "binary" | "continuous" | "generic-vi" | "generic-sei";

const DATA_COLUMNS: Record<DataType, GridColumn[]> = {
  binary: BINARY_COLUMNS,
  continuous: [
    { name: "mean_t", label: "Mean (exp.)", numeric: true },
    { name: "sd_t", label: "SD (exp.)", numeric: true },
    { name: "total_t", label: "Total (exp.)", numeric: true },
    { name: "mean_c", label: "Mean (ctrl)", numeric: true },
    { name: "sd_c", label: "SD (ctrl)", numeric: true },
    { name: "total_c", label: "Total (ctrl)", numeric: true },
  ],
  "generic-vi": [
    { name: "yi", label: "Effect yi", numeric: true },
    { name: "vi", label: "Variance vi", numeric: true },
  ],
  "generic-sei": [
    { name: "yi", label: "Effect yi", numeric: true },
    { name: "sei", label: "SE sei", numeric: true },
  ],
};

const EXAMPLE_ROWS: Record<DataType, string[][]> = {
  binary: BINARY_EXAMPLE,
  continuous: [
    ["Example A", "2001", "5.1", "1.2", "40", "4.6", "1.3", "41"],
    ["Example B", "2005", "4.8", "1.1", "52", "4.7", "1.0", "50"],
    ["Example C", "2009", "5.5", "1.6", "30", "4.9", "1.4", "33"],
  ],
  "generic-vi": [
    ["Example A", "2001", "0.41", "0.09"],
    ["Example B", "2005", "0.22", "0.05"],
    ["Example C", "2009", "0.35", "0.12"],
  ],
  "generic-sei": [
    ["Example A", "2001", "0.41", "0.30"],
    ["Example B", "2005", "0.22", "0.22"],
    ["Example C", "2009", "0.35", "0.35"],
  ],
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
  baujatSvg: string | null;
  bubbleSvg: string | null;
}

function modsList(o: Options): string[] {
  return o.mods.split(",").map((m) => m.trim()).filter((m) => m !== "");
}

function optionsBody(o: Options, touched: ReadonlySet<string>): Record<string, unknown> {
  const out: Record<string, unknown> = { level: o.level, leaveOneOut: o.leaveOneOut, cumulative: o.cumulative, bias: o.bias };
  // under a preset the engine resolves method, model, tau², test and SMD correction (as the form shows them);
  // what the user changed after choosing it is sent as an override
  for (const k of ["method", "model", "tau2", "test", "smdCorrection"] as const) if (o.preset === "" || touched.has(k)) out[k] = o[k];
  if (o.measure) out["measure"] = o.measure;
  if (o.preset) out["preset"] = o.preset;
  if (o.subgroup.trim()) out["subgroup"] = o.subgroup.trim();
  const mods = modsList(o);
  if (mods.length > 0) out["mods"] = mods;
  if (o.influence) out["influence"] = true;
  if (o.outcome.trim()) out["outcome"] = o.outcome.trim();
  if (o.sheet.trim()) out["sheet"] = o.sheet.trim();
  return out;
}

const RATIO = new Set(["OR", "RR"]);

/** "= 0.189" or "< 0.001", to follow a "p". */
function pEq(p: number): string {
  const t = fmtP(p);
  return t.startsWith("<") ? "< 0.001" : `= ${t}`;
}

type PlotTab = "forest" | "funnel" | "baujat" | "bubble";
type ResultTab = PlotTab | "studies" | "sensitivity";

export function WorkbenchPage(): JSX.Element {
  const [source, setSource] = useState<"grid" | "file">("grid");
  const [file, setFile] = useState<PickedFile | null>(null);
  const [dataType, setDataType] = useState<DataType>("binary");
  const [rows, setRows] = useState<string[][]>(EXAMPLE_ROWS.binary);
  const [opt, setOpt] = useState<Options>(DEFAULTS);
  const [touched, setTouched] = useState<Set<string>>(new Set());
  const [good, setGood] = useState(false);
  const [fav, setFav] = useState(favoursLabels(false));
  const [arms, setArms] = useState({ exp: "", ctrl: "" });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | Error | null>(null);
  const [res, setRes] = useState<MetaResponse | null>(null);
  const [tab, setTab] = useState<ResultTab>("forest");
  const [dl, setDl] = useState("");

  const columns: GridColumn[] = [
    ...STUDY_COLUMNS,
    ...DATA_COLUMNS[dataType],
    ...(opt.subgroup.trim() ? [{ name: opt.subgroup.trim(), label: opt.subgroup.trim() }] : []),
    ...modsList(opt).map((m) => ({ name: m, label: m })),
  ];
  const gridRows = fitRows(rows, columns.length);
  const binary = source === "grid" ? dataType === "binary" : ["OR", "RR", "RD", ""].includes(opt.measure);

  // validation in place: the server's parser checks the grid as it is edited (debounced)
  const mods = modsList(opt);
  const { problems, flagRunError } = useGridCheck("/api/meta/grid-check", source === "grid", columns, gridRows, {
    ...(opt.subgroup.trim() ? { subgroup: opt.subgroup.trim() } : {}),
    ...(mods.length > 0 ? { mods } : {}),
    ...(opt.measure ? { measure: opt.measure } : {}),
  });

  function set<K extends keyof Options>(k: K, v: Options[K]): void {
    setOpt((o) => ({ ...o, [k]: v }));
    setTouched((t) => new Set(t).add(k));
  }

  function choosePreset(p: string): void {
    setOpt((o) => ({ ...o, preset: p, ...presetValues(p, binary) }));
    setTouched(new Set());
  }

  function chooseDataType(d: DataType): void {
    setDataType(d);
    // keep study and year; the data columns start empty (or with the example when the grid held the example)
    const isExample = JSON.stringify(rows) === JSON.stringify(EXAMPLE_ROWS[dataType]);
    setRows(isExample ? EXAMPLE_ROWS[d] : rows.map((r) => [r[0] ?? "", r[1] ?? ""]));
    setRes(null);
  }

  /** Arm names (forest plot column headers); labels still at their default follow the new names. */
  function setArm(which: "exp" | "ctrl", v: string): void {
    const next = { ...arms, [which]: v };
    const was = favoursLabels(good, arms.exp.trim() || "experimental", arms.ctrl.trim() || "control");
    setArms(next);
    if (fav.left === was.left && fav.right === was.right) setFav(favoursLabels(good, next.exp.trim() || "experimental", next.ctrl.trim() || "control"));
  }

  function toggleGood(g: boolean): void {
    setGood(g);
    // swap the two labels, so edited wording moves with its side
    setFav((f) => ({ left: f.right, right: f.left }));
  }

  function upload(): { name: string; contentBase64: string } {
    if (source === "file") return { name: file?.name ?? "", contentBase64: file?.contentBase64 ?? "" };
    return gridUpload(columns, gridRows);
  }

  function body(): unknown {
    const plot: Record<string, string> = { favoursLeft: fav.left, favoursRight: fav.right };
    if (arms.exp.trim()) plot["experimentalLabel"] = arms.exp.trim();
    if (arms.ctrl.trim()) plot["controlLabel"] = arms.ctrl.trim();
    return { file: upload(), options: optionsBody(opt, touched), plot };
  }

  async function run(e?: Event): Promise<void> {
    e?.preventDefault();
    if (source === "file" && !file) {
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
      flagRunError(err);
    } finally {
      setBusy(false);
      requestAnimationFrame(() => document.getElementById("wb-results")?.scrollIntoView({ block: "start" }));
    }
  }

  const stem = source === "file" ? (file?.name ?? "analysis").replace(/\.[^.]+$/, "") : "grid";
  const plotSvg = (t: ResultTab): string | null => (!res ? null : t === "forest" ? res.forestSvg : t === "funnel" ? res.funnelSvg : t === "baujat" ? res.baujatSvg : t === "bubble" ? res.bubbleSvg : null);
  const shownPlot: PlotTab = tab === "funnel" || tab === "baujat" || tab === "bubble" ? tab : "forest";

  async function download(kind: "svg" | "png" | "csv" | "bundle"): Promise<void> {
    if (!res) return;
    setDl(kind);
    try {
      if (kind === "svg") {
        const svg = plotSvg(shownPlot);
        if (svg) downloadBlob(new Blob([svg], { type: "image/svg+xml" }), `${stem}-${shownPlot}.svg`);
      } else if (kind === "png") downloadBlob(await apiBlob("POST", `/api/meta/${shownPlot}.png`, body()), `${stem}-${shownPlot}.png`);
      else if (kind === "csv") downloadBlob(await apiBlob("POST", "/api/meta/results.csv", body()), `${stem}-results.csv`);
      else downloadBlob(await apiBlob("POST", "/api/meta/bundle.zip", body()), `${stem}-bundle.zip`);
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
  const plotTabs: Array<{ id: ResultTab; label: string }> = [
    { id: "forest", label: "Forest plot" },
    { id: "funnel", label: "Funnel plot" },
    ...(res?.baujatSvg ? [{ id: "baujat" as const, label: "Baujat plot" }] : []),
    ...(res?.bubbleSvg ? [{ id: "bubble" as const, label: "Bubble plot" }] : []),
    { id: "studies", label: "Studies" },
    { id: "sensitivity", label: "Sensitivity & bias" },
  ];

  return (
    <>
      <PageHead title="Analysis workbench" sub="The same engine and plots as “decidua meta”: pooled effect, heterogeneity, meta-regression, influence, sensitivity and small-study bias." />
      <WorkbenchTabs current="meta" />
      <form onSubmit={run} noValidate class="stack">
        <Card title="Data">
          <div class="stack">
            <div class="row" style="gap:12px;flex-wrap:wrap;align-items:end">
              <SourceChoice name="wb-source" source={source} onChange={setSource} />
              {source === "grid" ? (
                <Sel id="wb-datatype" label="Data type" value={dataType} onChange={(v) => chooseDataType(v as DataType)} options={[["binary", "Dichotomous (events / total)"], ["continuous", "Continuous (mean, SD, n)"], ["generic-vi", "Generic (yi, vi)"], ["generic-sei", "Generic (yi, SE)"]]} />
              ) : null}
            </div>
            {source === "grid" ? (
              <>
                <GridEditor columns={columns} rows={gridRows} onChange={(x) => { setRows(x); setRes(null); }} problems={problems} />
              </>
            ) : (
              <>
                <FileDrop id="wb-file" file={file} hint="one row per study" onFile={(f) => { setFile(f); setSource("file"); setRes(null); setError(null); }} />
                <div class="row" style="gap:12px;flex-wrap:wrap;align-items:end">
                  <div class="field">
                    <label for="wb-outcome">Outcome of a RevMan export</label>
                    <input id="wb-outcome" class="input" style="width:9em" placeholder="e.g. 1.1" value={opt.outcome} onInput={(e) => set("outcome", e.currentTarget.value)} />
                    {apiErr?.field === "options.outcome" ? <div class="err" data-testid="outcome-error">{apiErr.message}</div> : null}
                  </div>
                  <div class="field">
                    <label for="wb-sheet">Worksheet of a workbook</label>
                    <input id="wb-sheet" class="input" style="width:9em" placeholder="name or number" value={opt.sheet} onInput={(e) => set("sheet", e.currentTarget.value)} />
                    {apiErr?.field === "options.sheet" ? <div class="err" data-testid="sheet-error">{apiErr.message}</div> : null}
                  </div>
                </div>
                <div class="small muted">
                  Columns: <code>study</code> and either <code>events_t, total_t, events_c, total_c</code>, or <code>mean_t, sd_t, total_t, mean_c, sd_c, total_c</code>, or <code>yi, vi</code>; or a RevMan 5 / RevMan Web analysis export (choose its outcome).{" "}
                  <a href="#" onClick={(e) => { e.preventDefault(); downloadBlob(new Blob([EXAMPLE_CSV], { type: "text/csv" }), "example.csv"); }}>Example file</a>
                </div>
              </>
            )}
            {source === "grid" ? (
              <div class="sr-only">
                <FileDrop id="wb-file" file={file} hint="one row per study" onFile={(f) => { setFile(f); setSource("file"); setRes(null); setError(null); }} />
              </div>
            ) : null}
          </div>
        </Card>
        <div class="grid" style="grid-template-columns:400px minmax(0,1fr);align-items:start">
          <Card title="Options" foot={<Button type="submit" variant="primary" busy={busy} class="block">Run analysis</Button>}>
            <div class="stack">
              <Sel id="wb-preset" label="Preset" value={opt.preset} onChange={choosePreset} options={[["", "None (metafor defaults)"], ["revman5", "RevMan 5"], ["revman-web", "RevMan (2025, web)"]]} />
              <p class="small muted" data-testid="preset-note" style="margin:0">{PRESET_NOTE[opt.preset]}</p>
              <div class="form-grid" style="grid-template-columns:1fr 1fr">
                <Sel id="wb-measure" label="Measure" value={opt.measure} onChange={(v) => set("measure", v)} options={[["", "From the data"], ["OR", "Odds ratio"], ["RR", "Risk ratio"], ["RD", "Risk difference"], ["MD", "Mean difference"], ["SMD", "Std. mean difference"], ["GEN", "Generic (yi, vi)"]]} />
                <Sel id="wb-method" label="Method" value={opt.method} onChange={(v) => set("method", v)} options={[["IV", "Inverse variance"], ["MH", "Mantel-Haenszel"], ["PETO", "Peto"]]} />
                <Sel id="wb-model" label="Model" value={opt.model} onChange={(v) => set("model", v)} options={[["random", "Random effects"], ["fixed", "Fixed effect"], ["auto", "Auto (from I²)"]]} />
                <Sel id="wb-tau2" label="τ² estimator" value={opt.tau2} onChange={(v) => set("tau2", v)} options={[["REML", "REML"], ["DL", "DerSimonian-Laird"], ["PM", "Paule-Mandel"], ["PMM", "Median-unbiased PM"], ["ML", "ML"], ["HE", "Hedges"], ["HS", "Hunter-Schmidt"], ["HSk", "Hunter-Schmidt (k)"], ["SJ", "Sidik-Jonkman"], ["EB", "Empirical Bayes"]]} />
                <Sel id="wb-test" label="Test" value={opt.test} onChange={(v) => set("test", v)} options={[["z", "z (normal)"], ["knha", "Knapp-Hartung (t)"]]} />
                <div class="field">
                  <label for="wb-level">Confidence level</label>
                  <div class="input-group">
                    <input id="wb-level" class="input num" inputMode="decimal" value={String(opt.level)} onInput={(e) => set("level", Number(e.currentTarget.value))} />
                    <span class="addon">%</span>
                  </div>
                  {apiErr?.field === "options.level" ? <div class="err">{apiErr.message}</div> : null}
                </div>
                <Sel id="wb-smd" label="SMD correction" value={opt.smdCorrection} onChange={(v) => set("smdCorrection", v)} options={[["exact", "Exact (metafor)"], ["approx", "Approximate (RevMan)"]]} />
                <div class="field">
                  <label for="wb-subgroup">Subgroup column</label>
                  <input id="wb-subgroup" class="input" placeholder="e.g. subgroup" value={opt.subgroup} onInput={(e) => set("subgroup", e.currentTarget.value)} />
                </div>
                <div class="field" style="grid-column:1/-1">
                  <label for="wb-mods">Meta-regression moderators</label>
                  <input id="wb-mods" class="input" placeholder="e.g. ablat, allocation" value={opt.mods} onInput={(e) => set("mods", e.currentTarget.value)} />
                </div>
              </div>
              <fieldset class="group">
                <legend>Forest plot labels</legend>
                <div class="form-grid" style="grid-template-columns:1fr 1fr">
                  <div class="field">
                    <label for="wb-arm-exp">Experimental arm</label>
                    <input id="wb-arm-exp" class="input" placeholder="e.g. IVIG" value={arms.exp} onInput={(e) => setArm("exp", e.currentTarget.value)} />
                  </div>
                  <div class="field">
                    <label for="wb-arm-ctrl">Control arm</label>
                    <input id="wb-arm-ctrl" class="input" placeholder="e.g. placebo" value={arms.ctrl} onInput={(e) => setArm("ctrl", e.currentTarget.value)} />
                  </div>
                </div>
                <label class="check"><input type="checkbox" checked={good} onChange={(e) => toggleGood(e.currentTarget.checked)} /> Good outcome (e.g. live birth): a ratio above 1 favours the intervention</label>
                <div class="form-grid" style="grid-template-columns:1fr 1fr">
                  <div class="field">
                    <label for="wb-fav-left">Left of the line</label>
                    <input id="wb-fav-left" class="input" value={fav.left} onInput={(e) => setFav((f) => ({ ...f, left: e.currentTarget.value }))} />
                  </div>
                  <div class="field">
                    <label for="wb-fav-right">Right of the line</label>
                    <input id="wb-fav-right" class="input" value={fav.right} onInput={(e) => setFav((f) => ({ ...f, right: e.currentTarget.value }))} />
                  </div>
                </div>
              </fieldset>
              <fieldset class="group">
                <legend>Extra analyses</legend>
                <label class="check"><input type="checkbox" checked={opt.leaveOneOut} onChange={(e) => set("leaveOneOut", e.currentTarget.checked)} /> Leave-one-out</label>
                <label class="check"><input type="checkbox" checked={opt.cumulative} onChange={(e) => set("cumulative", e.currentTarget.checked)} /> Cumulative (by year)</label>
                <label class="check"><input type="checkbox" checked={opt.bias} onChange={(e) => set("bias", e.currentTarget.checked)} /> Small-study bias (Egger, Begg, trim-and-fill)</label>
                <label class="check"><input type="checkbox" checked={opt.influence} onChange={(e) => set("influence", e.currentTarget.checked)} /> Influence diagnostics (Baujat plot)</label>
              </fieldset>
            </div>
          </Card>

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
                  Enter the studies (or upload a file) and press “Run analysis”. Results and every plot appear here.
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
                      <Button size="sm" onClick={() => void download("svg")} busy={dl === "svg"} title={`The ${shownPlot} plot as SVG`}><Icon name="download" size={14} /> SVG</Button>
                      <Button size="sm" onClick={() => void download("png")} busy={dl === "png"} title={`The ${shownPlot} plot as PNG`}><Icon name="download" size={14} /> PNG</Button>
                      <Button size="sm" onClick={() => void download("csv")} busy={dl === "csv"}><Icon name="download" size={14} /> CSV</Button>
                      <Button size="sm" onClick={() => void download("bundle")} busy={dl === "bundle"} title="Input, options, versions and an equivalent R script (zip)"><Icon name="download" size={14} /> Bundle</Button>
                    </div>
                  }
                >
                  <Tabs label="Result views" value={tab} onChange={setTab} tabs={plotTabs} />
                  {tab === "forest" ? (res.forestSvg ? <Svg markup={res.forestSvg} label="Forest plot" testId="forest-plot" /> : <p class="muted">No forest plot.</p>) : null}
                  {tab === "funnel" ? (res.funnelSvg ? <Svg markup={res.funnelSvg} label="Funnel plot" testId="funnel-plot" natural /> : <p class="muted">No funnel plot for this analysis (needs at least 3 studies).</p>) : null}
                  {tab === "baujat" && res.baujatSvg ? <Svg markup={res.baujatSvg} label="Baujat plot" testId="baujat-plot" natural /> : null}
                  {tab === "bubble" && res.bubbleSvg ? <Svg markup={res.bubbleSvg} label="Bubble plot" testId="bubble-plot" natural /> : null}
                  {tab === "studies" ? <StudiesTable r={r} /> : null}
                  {tab === "sensitivity" ? <Sensitivity r={r} /> : null}
                </Card>
              </>
            ) : null}
          </div>
        </div>
      </form>
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
  const t = (x: number | null): string => (x === null ? "—" : fmtNum(RATIO.has(r.measure) ? Math.exp(x) : x));
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
          <dt>Trim and fill</dt>
          {r.bias.trimfill ? (
            <dd>{r.bias.trimfill.k0} {r.bias.trimfill.k0 === 1 ? "study" : "studies"} filled on the {r.bias.trimfill.side}; adjusted {r.measure} {t(r.bias.trimfill.estimate)} ({t(r.bias.trimfill.ci_lb)} to {t(r.bias.trimfill.ci_ub)})</dd>
          ) : (
            <dd>not applicable to a meta-regression (models without moderators only)</dd>
          )}
        </dl>
      ) : null}
      {r.meta_regression ? (
        <div>
          <h4 style="margin-bottom:6px">Meta-regression</h4>
          <DataTable compact rows={r.meta_regression.coefficients} rowKey={(c) => c.name} columns={[
            { key: "n", label: "Coefficient", render: (c) => c.name },
            { key: "e", label: "Estimate", num: true, render: (c) => <span data-testid={`coef-${c.name}`}>{fmtNum(c.estimate, 4)}</span> },
            { key: "se", label: "SE", num: true, render: (c) => fmtNum(c.se, 4) },
            { key: "ci", label: `${r.level}% CI`, num: true, render: (c) => `${fmtNum(c.ci_lb, 4)} to ${fmtNum(c.ci_ub, 4)}` },
            { key: "p", label: "p", num: true, render: (c) => fmtP(c.pval) },
          ]} />
          <p class="small muted">QM = {fmtNum(r.meta_regression.QM)} (df = {r.meta_regression.QM_df}), p {pEq(r.meta_regression.QM_pval)}; residual QE = {fmtNum(r.meta_regression.QE)}, df = {r.meta_regression.QE_df}; R² = {r.meta_regression.R2 === null ? "—" : `${fmtNum(r.meta_regression.R2, 1)}%`}</p>
        </div>
      ) : null}
      {r.influence ? (
        <div>
          <h4 style="margin-bottom:6px">Influence diagnostics</h4>
          <DataTable compact rows={r.influence} rowKey={(x) => x.study} columns={[
            { key: "s", label: "Study", render: (x) => x.study },
            { key: "rs", label: "rstudent", num: true, render: (x) => fmtNum(x.rstudent, 3) },
            { key: "cd", label: "Cook's d", num: true, render: (x) => fmtNum(x.cook_d, 3) },
            { key: "h", label: "hat", num: true, render: (x) => fmtNum(x.hat, 3) },
            { key: "i", label: "", render: (x) => (x.inf ? <Badge tone="warn" small>influential</Badge> : null) },
          ]} />
        </div>
      ) : null}
      {!r.subgroups && !r.leave_one_out && !r.cumulative && !r.bias && !r.meta_regression && !r.influence ? <p class="muted">Tick leave-one-out, cumulative, small-study bias or influence (or give moderators) and run again.</p> : null}
    </div>
  );
}
