/**
 * The workbench's network meta-analysis page: type or paste arm-level or contrast rows into the grid (checked in
 * place by the command's parser) or upload them, choose the options of `decidua nma`, and see the same result (POST /api/nma runs the command's use case, src/app/nma.ts): estimates vs
 * the reference, heterogeneity and inconsistency, P-scores, league table, node-splitting, network and forest plots
 * (SVG, PNG), CSV and the reproducible bundle.
 */
import type { JSX } from "preact";
import { useState } from "preact/hooks";
import type { NmaResult } from "../../../stats/nma/types.js";
import { apiBlob, downloadBlob } from "../api.js";
import { useWorkbenchRun } from "../hooks.js";
import { Alert, Card, DataTable, Stat, Tabs, fmtNum, fmtP } from "../components/ui.js";
import { Svg } from "../components/Svg.js";
import { AnalysisLayout, DownloadButtons, usePageSource, type DownloadKind } from "../components/WorkbenchLayout.js";
import { GridEditor, fitRows, gridUpload, useGridCheck, type GridColumn } from "../components/GridEditor.js";

interface NmaForm {
  measure: string;
  reference: string;
  model: string;
  tau2: string;
  largerBetter: boolean;
  favoursLeft: string;
  favoursRight: string;
}

interface NmaResponse {
  result: NmaResult;
  networkSvg: string;
  forestSvg: string;
}

const RATIO = new Set(["OR", "RR"]);

type Layout = "binary" | "continuous" | "contrast";

/** The grid's columns for each input layout of `decidua nma` (the names its parser reads). */
const NMA_COLUMNS: Record<Layout, GridColumn[]> = {
  binary: [
    { name: "study", label: "Study" },
    { name: "treatment", label: "Treatment" },
    { name: "events", label: "Events", numeric: true },
    { name: "total", label: "Total", numeric: true },
  ],
  continuous: [
    { name: "study", label: "Study" },
    { name: "treatment", label: "Treatment" },
    { name: "mean", label: "Mean", numeric: true },
    { name: "sd", label: "SD", numeric: true },
    { name: "total", label: "Total", numeric: true },
  ],
  contrast: [
    { name: "study", label: "Study" },
    { name: "treatment1", label: "Treatment 1" },
    { name: "treatment2", label: "Treatment 2" },
    { name: "yi", label: "Effect yi (1 vs 2)", numeric: true },
    { name: "sei", label: "SE sei", numeric: true },
  ],
};

/** Example rows (illustrative numbers): a three-arm study and two-arm studies of three treatments. */
const NMA_EXAMPLE: Record<Layout, string[][]> = {
  binary: [
    ["Example A", "placebo", "12", "40"], ["Example A", "drug X", "20", "41"], ["Example A", "drug Y", "18", "39"],
    ["Example B", "placebo", "15", "50"], ["Example B", "drug X", "24", "52"],
    ["Example C", "placebo", "9", "33"], ["Example C", "drug Y", "14", "30"],
    ["Example D", "drug X", "22", "45"], ["Example D", "drug Y", "19", "47"],
  ],
  continuous: [
    ["Example A", "placebo", "4.1", "1.2", "40"], ["Example A", "drug X", "4.9", "1.3", "41"], ["Example A", "drug Y", "4.6", "1.1", "39"],
    ["Example B", "placebo", "3.8", "1.4", "50"], ["Example B", "drug X", "4.7", "1.5", "52"],
    ["Example C", "placebo", "4.0", "1.0", "33"], ["Example C", "drug Y", "4.4", "1.2", "30"],
  ],
  contrast: [
    ["Example A", "drug X", "placebo", "0.52", "0.31"], ["Example A", "drug Y", "placebo", "0.41", "0.32"], ["Example A", "drug X", "drug Y", "0.11", "0.30"],
    ["Example B", "drug X", "placebo", "0.60", "0.28"],
    ["Example C", "drug Y", "placebo", "0.35", "0.35"],
  ],
};

/** The page's texts (heading, form, run button, status). */
const NMA_TEXT = { title: "Network meta-analysis", sub: "The same model and output as “decidua nma”: every treatment against the reference, ranking, league table, inconsistency.", fileHint: "one row per arm or per contrast",
  form: "Data and options", run: "Run network meta-analysis", busy: "Fitting the network…", empty: "Enter (or upload) a table of arms or contrasts and press “Run network meta-analysis”." };

export function WorkbenchNmaPage(): JSX.Element {
  const src = usePageSource();
  const { source, file } = src;
  const [layout, setLayout] = useState<Layout>("binary");
  const [rows, setRows] = useState<string[][]>(NMA_EXAMPLE.binary);
  const [f, setF] = useState<NmaForm>({ measure: "", reference: "", model: "random", tau2: "REML", largerBetter: false, favoursLeft: "", favoursRight: "" });
  const [tab, setTab] = useState<"network" | "forest" | "league" | "split">("network");

  const set = <K extends keyof NmaForm>(k: K, v: NmaForm[K]): void => setF((o) => ({ ...o, [k]: v }));
  const columns = NMA_COLUMNS[layout];
  const gridRows = fitRows(rows, columns.length);
  const { problems, flagRunError } = useGridCheck("/api/nma/grid-check", source === "grid", columns, gridRows);

  function body(): unknown {
    const options: Record<string, unknown> = { model: f.model, tau2: f.tau2 };
    if (f.measure) options["measure"] = f.measure;
    if (f.reference.trim()) options["reference"] = f.reference.trim();
    if (f.largerBetter) options["largerBetter"] = true;
    const plot: Record<string, string> = {};
    if (f.favoursLeft.trim()) plot["favoursLeft"] = f.favoursLeft.trim();
    if (f.favoursRight.trim()) plot["favoursRight"] = f.favoursRight.trim();
    const upload = source === "grid" ? gridUpload(columns, gridRows) : { name: file?.name ?? "", contentBase64: file?.contentBase64 ?? "" };
    return { file: upload, options, plot };
  }

  const wb = useWorkbenchRun<NmaResponse>("/api/nma", source === "grid" || file !== null, body, flagRunError);
  const { res, dl, download: downloading, clear } = wb;

  function chooseLayout(l: Layout): void {
    // the example follows the layout; typed rows keep their study column
    const isExample = JSON.stringify(rows) === JSON.stringify(NMA_EXAMPLE[layout]);
    setLayout(l);
    setRows(isExample ? NMA_EXAMPLE[l] : rows.map((r) => [r[0] ?? ""]));
    clear();
  }

  async function download(kind: DownloadKind): Promise<void> {
    if (!res) return;
    const plot = tab === "forest" ? "forest" : "network";
    const stem = source === "grid" ? "grid" : (file?.name ?? "nma").replace(/\.[^.]+$/, "");
    await downloading(kind, async () => {
      if (kind === "svg") downloadBlob(new Blob([plot === "forest" ? res.forestSvg : res.networkSvg], { type: "image/svg+xml" }), `${stem}-${plot}.svg`);
      else if (kind === "png") downloadBlob(await apiBlob("POST", `/api/nma/${plot}.png`, body()), `${stem}-${plot}.png`);
      else if (kind === "csv") downloadBlob(await apiBlob("POST", "/api/nma/results.csv", body()), `${stem}-nma-results.csv`);
      else downloadBlob(await apiBlob("POST", "/api/nma/bundle.zip", body()), `${stem}-nma-bundle.zip`);
    });
  }


  const r = res?.result;
  const ratio = r ? RATIO.has(r.measure) : false;
  const show = (x: number): string => fmtNum(ratio ? Math.exp(x) : x);

  return (
    <>
      <AnalysisLayout
        kind="nma"
        text={NMA_TEXT}
        src={src}
        wb={wb}
        fileNote={
          <div class="small muted">
            Columns: <code>study, treatment, events, total</code>, or <code>study, treatment, mean, sd, total</code>, or contrasts <code>study, treatment1, treatment2, yi, sei</code>.
          </div>
        }
        grid={
          <>
            <div class="field">
              <label for="nma-layout">Data type</label>
              <select id="nma-layout" class="input" value={layout} onChange={(e) => chooseLayout(e.currentTarget.value as Layout)}>
                <option value="binary">Arms: events / total</option>
                <option value="continuous">Arms: mean, SD, n</option>
                <option value="contrast">Contrasts: yi, SE</option>
              </select>
            </div>
            <GridEditor columns={columns} rows={gridRows} onChange={(x) => { setRows(x); clear(); }} problems={problems} />
          </>
        }
        options={
          <>
            <div class="form-grid" style="grid-template-columns:1fr 1fr">
              <div class="field">
                <label for="nma-measure">Measure</label>
                <select id="nma-measure" class="input" value={f.measure} onChange={(e) => set("measure", e.currentTarget.value)}>
                  {[["", "From the data"], ["OR", "Odds ratio"], ["RR", "Risk ratio"], ["RD", "Risk difference"], ["MD", "Mean difference"], ["SMD", "Std. mean difference"]].map(([v, l]) => <option key={v} value={v}>{l}</option>)}
                </select>
              </div>
              <div class="field">
                <label for="nma-reference">Reference treatment</label>
                <input id="nma-reference" class="input" placeholder="most studied" value={f.reference} onInput={(e) => set("reference", e.currentTarget.value)} />
              </div>
              <div class="field">
                <label for="nma-model">Model</label>
                <select id="nma-model" class="input" value={f.model} onChange={(e) => set("model", e.currentTarget.value)}>
                  <option value="random">Random effects</option>
                  <option value="fixed">Fixed effect</option>
                </select>
              </div>
              <div class="field">
                <label for="nma-tau2">τ² estimator</label>
                <select id="nma-tau2" class="input" value={f.tau2} onChange={(e) => set("tau2", e.currentTarget.value)}>
                  <option value="REML">REML (metafor rma.mv)</option>
                  <option value="DL">Generalised DL (netmeta)</option>
                </select>
              </div>
            </div>
            <label class="check"><input type="checkbox" checked={f.largerBetter} onChange={(e) => set("largerBetter", e.currentTarget.checked)} /> Good outcome (e.g. live birth): larger effects rank higher</label>
            <fieldset class="group">
              <legend>Forest plot labels (blank: from the outcome's direction)</legend>
              <div class="form-grid" style="grid-template-columns:1fr 1fr">
                <div class="field"><label for="nma-fav-left">Left</label><input id="nma-fav-left" class="input" value={f.favoursLeft} onInput={(e) => set("favoursLeft", e.currentTarget.value)} /></div>
                <div class="field"><label for="nma-fav-right">Right</label><input id="nma-fav-right" class="input" value={f.favoursRight} onInput={(e) => set("favoursRight", e.currentTarget.value)} /></div>
              </div>
            </fieldset>
          </>
        }
      >
        {r && res ? (
          <>
            <div class="grid cols-4">
              <Stat label="Treatments" value={r.n} hint={`reference: ${r.reference}`} />
              <Stat label="Studies" value={r.k} hint={`${r.multi_arm} multi-arm · ${r.designs} designs`} />
              <Stat label="τ²" value={<span data-testid="nma-tau2" data-value={String(r.heterogeneity.tau2)}>{fmtNum(r.heterogeneity.tau2, 4)}</span>} hint={`${r.model === "random" ? `random, ${r.tau2_method ?? ""}` : "fixed effect"}`} />
              <Stat label="Q" value={<span data-testid="nma-q" data-value={String(r.heterogeneity.Q)}>{fmtNum(r.heterogeneity.Q)}</span>} hint={`df ${r.heterogeneity.Q_df}, p ${fmtP(r.heterogeneity.Q_pval)}; between designs p ${fmtP(r.inconsistency.between_designs.pval)}`} />
            </div>
            {r.notes.length > 0 ? <Alert tone="info">{r.notes.map((n) => <div key={n}>{n}</div>)}</Alert> : null}
            <Card title={`Every treatment vs ${r.reference} (${r.measure}${ratio ? ", ratio scale" : ""})`}>
              <DataTable
                caption="Network estimates"
                compact
                rows={r.estimates}
                rowKey={(e) => e.treatment}
                columns={[
                  { key: "t", label: "Treatment", render: (e) => e.treatment },
                  { key: "e", label: r.measure, num: true, render: (e) => <span data-testid={`nma-est-${e.treatment}`} data-value={String(e.estimate)} data-se={String(e.se)}>{show(e.estimate)}</span> },
                  { key: "ci", label: `${r.level}% CI`, num: true, render: (e) => `${show(e.ci_lb)} to ${show(e.ci_ub)}` },
                  { key: "p", label: "p", num: true, render: (e) => fmtP(e.pval) },
                  { key: "ps", label: "P-score", num: true, render: (e) => { const p = r.pscores.find((x) => x.treatment === e.treatment); return <span data-testid={`nma-pscore-${e.treatment}`} data-value={p ? String(p.pscore) : ""}>{p ? fmtNum(p.pscore, 3) : "—"}</span>; } },
                ]}
              />
              {(() => {
                const ref = r.pscores.find((x) => x.treatment === r.reference);
                return ref ? <p class="small">P-score of the reference ({r.reference}): <span data-testid={`nma-pscore-${r.reference}`} data-value={String(ref.pscore)}>{fmtNum(ref.pscore, 3)}</span></p> : null;
              })()}
              <p class="small muted">P-scores: {r.pscore_direction}. Network estimates mix direct and indirect evidence and assume transitivity.</p>
            </Card>
            <Card
              title="Plots and tables"
              actions={
                <DownloadButtons dl={dl} onDownload={(k) => void download(k)} />
              }
            >
              <Tabs label="NMA views" value={tab} onChange={setTab} tabs={[{ id: "network", label: "Network" }, { id: "forest", label: "Forest plot" }, { id: "league", label: "League table" }, { id: "split", label: "Node-splitting" }]} />
              {tab === "network" ? <Svg markup={res.networkSvg} label="Network graph" testId="network-plot" natural /> : null}
              {tab === "forest" ? <Svg markup={res.forestSvg} label="NMA forest plot" testId="nma-forest-plot" /> : null}
              {tab === "league" ? (
                <div style="overflow-x:auto">
                  <p class="small muted">Each cell: the row treatment relative to the column treatment, {r.measure} [{r.level}% CI].</p>
                  <table class="data compact">
                    <thead><tr><th />{r.league.treatments.map((t) => <th key={t}>{t}</th>)}</tr></thead>
                    <tbody>
                      {r.league.cells.map((row, i) => (
                        <tr key={r.league.treatments[i]}>
                          <th>{r.league.treatments[i]}</th>
                          {row.map((c, j) => <td key={j} class="small">{c === null ? "—" : `${show(c.estimate)} [${show(c.ci_lb)}, ${show(c.ci_ub)}]`}</td>)}
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              ) : null}
              {tab === "split" ? (
                r.node_split.length === 0 ? <p class="muted">No comparison has both direct and indirect evidence.</p> : (
                  <DataTable compact rows={r.node_split} rowKey={(s) => s.comparison} columns={[
                    { key: "c", label: "Comparison", render: (s) => s.comparison },
                    { key: "k", label: "k", num: true, render: (s) => s.k },
                    { key: "d", label: "Direct", num: true, render: (s) => `${show(s.direct.estimate)} [${show(s.direct.ci_lb)}, ${show(s.direct.ci_ub)}]` },
                    { key: "i", label: "Indirect", num: true, render: (s) => `${show(s.indirect.estimate)} [${show(s.indirect.ci_lb)}, ${show(s.indirect.ci_ub)}]` },
                    { key: "p", label: "Difference p", num: true, render: (s) => fmtP(s.difference.pval) },
                  ]} />
                )
              ) : null}
            </Card>
          </>
        ) : null}
      </AnalysisLayout>
    </>
  );
}
