/**
 * The workbench's trial sequential analysis page: type or paste the trials into the grid (checked in place by the
 * command's parser) or upload a binary study table (in chronological order), give the
 * anticipated effect, and see what `decidua tsa` prints (POST /api/tsa runs the command's use case, src/app/tsa.ts):
 * information size with the diversity adjustment, the z-curve against the monitoring and futility boundaries, the
 * TSA-adjusted CI and the conclusion; the plot as SVG or PNG, the looks as CSV, and the reproducible bundle (with an
 * equivalent R script: rpact boundaries, metafor z-curve).
 */
import type { JSX } from "preact";
import { useState } from "preact/hooks";
import { apiBlob, ApiError, downloadBlob } from "../api.js";
import { useWorkbenchRun } from "../hooks.js";
import { Alert, Card, DataTable, Stat, fmtNum } from "../components/ui.js";
import { Svg } from "../components/Svg.js";
import { AnalysisLayout, DownloadButtons, usePageSource, type DownloadKind } from "../components/WorkbenchLayout.js";
import { BINARY_COLUMNS, BINARY_EXAMPLE, GridEditor, STUDY_COLUMNS, fitRows, gridUpload, useGridCheck } from "../components/GridEditor.js";

const TSA_COLUMNS = [...STUDY_COLUMNS, ...BINARY_COLUMNS];

/** A number as `decidua tsa --json` writes it: infinite values as "Inf" / "-Inf". */
type JNum = number | "Inf" | "-Inf";

interface TsaJson {
  measure: string;
  model: string;
  ris: number;
  diversity: number;
  diversity_source: string;
  I2: number;
  ris_adjusted: number;
  accrued: number;
  information_fraction: number;
  k: number;
  looks: Array<{ study: string; n: number; fraction: number; z: JNum; boundary: JNum; futility: JNum | null }>;
  adjusted_ci: { estimate: number; ci_lb: JNum; ci_ub: JNum; level: number; critical: JNum };
  naive_ci: { ci_lb: number; ci_ub: number; level: number };
  conclusion: { status: string; text: string };
  notes: string[];
}

interface TsaForm {
  measure: string;
  controlRisk: string;
  rrr: string;
  alpha: string;
  power: string;
  diversity: string;
  model: string;
}

const num = (x: JNum | null, digits = 2): string => (x === null ? "—" : typeof x === "string" ? (x === "Inf" ? "∞" : "−∞") : fmtNum(x, digits));

/** The page's texts (heading, form, run button, status). */
const TSA_TEXT = { title: "Trial sequential analysis", sub: "The same analysis as “decidua tsa”: is the evidence already conclusive, or is more information needed?", fileHint: "binary counts, trials in chronological order",
  form: "Data and anticipated effect", run: "Run trial sequential analysis", busy: "Computing the boundaries…", empty: "Enter (or upload) the trials, give the anticipated control risk and relative risk reduction, and run." };

export function WorkbenchTsaPage(): JSX.Element {
  const src = usePageSource();
  const { source, file } = src;
  const [rows, setRows] = useState<string[][]>(BINARY_EXAMPLE);
  const [f, setF] = useState<TsaForm>({ measure: "RR", controlRisk: "", rrr: "", alpha: "0.05", power: "0.8", diversity: "auto", model: "random" });
  const set = <K extends keyof TsaForm>(k: K, v: TsaForm[K]): void => setF((o) => ({ ...o, [k]: v }));
  const gridRows = fitRows(rows, TSA_COLUMNS.length);
  const { problems, flagRunError } = useGridCheck("/api/tsa/grid-check", source === "grid", TSA_COLUMNS, gridRows);

  function body(): unknown {
    const n = (s: string): number | string => (s.trim() !== "" && Number.isFinite(Number(s)) ? Number(s) : s);
    const options: Record<string, unknown> = { measure: f.measure, controlRisk: n(f.controlRisk), rrr: n(f.rrr), alpha: n(f.alpha), power: n(f.power), model: f.model };
    options["diversity"] = f.diversity.trim().toLowerCase() === "auto" ? "auto" : n(f.diversity);
    const upload = source === "grid" ? gridUpload(TSA_COLUMNS, gridRows) : { name: file?.name ?? "", contentBase64: file?.contentBase64 ?? "" };
    return { file: upload, options };
  }

  const wb = useWorkbenchRun<{ result: TsaJson; plotSvg: string }>("/api/tsa", source === "grid" || file !== null, body, flagRunError);
  const { res, error, dl, download: downloading, clear } = wb;

  async function download(kind: DownloadKind): Promise<void> {
    if (!res) return;
    const stem = source === "grid" ? "grid" : (file?.name ?? "tsa").replace(/\.[^.]+$/, "");
    await downloading(kind, async () => {
      if (kind === "svg") downloadBlob(new Blob([res.plotSvg], { type: "image/svg+xml" }), `${stem}-tsa.svg`);
      else if (kind === "png") downloadBlob(await apiBlob("POST", "/api/tsa/plot.png", body()), `${stem}-tsa.png`);
      else if (kind === "csv") downloadBlob(await apiBlob("POST", "/api/tsa/results.csv", body()), `${stem}-tsa-looks.csv`);
      else downloadBlob(await apiBlob("POST", "/api/tsa/bundle.zip", body()), `${stem}-tsa-bundle.zip`);
    });
  }


  const r = res?.result;
  const apiErr = error instanceof ApiError ? error : null;
  const ratio = r ? r.measure !== "RD" : true;
  const back = (x: JNum): string => (typeof x === "string" ? num(x) : fmtNum(ratio ? Math.exp(x) : x));
  const field = (id: keyof TsaForm, label: string, placeholder?: string): JSX.Element => (
    <div class="field">
      <label for={`tsa-${id}`}>{label}</label>
      <input id={`tsa-${id}`} class="input num" inputMode="decimal" placeholder={placeholder} value={f[id]} onInput={(e) => set(id, e.currentTarget.value)} aria-invalid={apiErr?.field === `options.${id}` ? "true" : undefined} />
      {apiErr?.field === `options.${id}` ? <div class="err">{apiErr.message}</div> : null}
    </div>
  );

  return (
    <>
      <AnalysisLayout
        kind="tsa"
        text={TSA_TEXT}
        src={src}
        wb={wb}
        grid={<GridEditor columns={TSA_COLUMNS} rows={gridRows} onChange={(x) => { setRows(x); clear(); }} problems={problems} />}
        options={
          <>
            <p class="small muted" style="margin:0">The z-curve adds the trials in the order of the rows (chronological).</p>
            <div class="form-grid" style="grid-template-columns:1fr 1fr">
              <div class="field">
                <label for="tsa-measure">Measure</label>
                <select id="tsa-measure" class="input" value={f.measure} onChange={(e) => set("measure", e.currentTarget.value)}>
                  <option value="RR">Risk ratio</option>
                  <option value="OR">Odds ratio</option>
                  <option value="RD">Risk difference</option>
                </select>
              </div>
              <div class="field">
                <label for="tsa-model">Model</label>
                <select id="tsa-model" class="input" value={f.model} onChange={(e) => set("model", e.currentTarget.value)}>
                  <option value="random">Random (DerSimonian-Laird)</option>
                  <option value="fixed">Fixed effect</option>
                </select>
              </div>
              {field("controlRisk", "Control event proportion", "e.g. 0.43")}
              {field("rrr", "Relative risk reduction", "e.g. 0.2")}
              {field("alpha", "Alpha (two-sided)")}
              {field("power", "Power")}
              {field("diversity", "Diversity D²", "auto or 0-1")}
            </div>
          </>
        }
      >
        {r && res ? (
          <>
            <div class="grid cols-4">
              <Stat label="Required information size" value={<span data-testid="tsa-ris" data-value={String(r.ris)}>{Math.ceil(r.ris)}</span>} hint="participants, unadjusted" />
              <Stat label="Diversity D²" value={<span data-testid="tsa-diversity" data-value={String(r.diversity)}>{fmtNum(100 * r.diversity, 1)}%</span>} hint={`${r.diversity_source}; I² ${fmtNum(r.I2, 1)}%`} />
              <Stat label="Diversity-adjusted RIS" value={<span data-testid="tsa-ris-adjusted" data-value={String(r.ris_adjusted)}>{Math.ceil(r.ris_adjusted)}</span>} hint={`${fmtNum(100 * r.information_fraction, 1)}% accrued`} />
              <Stat label="Accrued" value={<span data-testid="tsa-accrued" data-value={String(r.accrued)}>{r.accrued}</span>} hint={`${r.k} trials`} />
            </div>
            <Alert tone={r.conclusion.status === "inconclusive" ? "warn" : "info"}><span data-testid="tsa-conclusion">{r.conclusion.text}</span></Alert>
            <Card
              title="Z-curve and boundaries"
              actions={
                <DownloadButtons dl={dl} onDownload={(k) => void download(k)} />
              }
            >
              <Svg markup={res.plotSvg} label="Trial sequential analysis plot" testId="tsa-plot" natural />
              <p class="small muted">
                Pooled {r.measure} at the last look {back(r.adjusted_ci.estimate)}; conventional {fmtNum(r.naive_ci.level, 0)}% CI {back(r.naive_ci.ci_lb)} to {back(r.naive_ci.ci_ub)}; TSA-adjusted CI {back(r.adjusted_ci.ci_lb)} to {back(r.adjusted_ci.ci_ub)}.
              </p>
              <DataTable compact caption="Looks" rows={r.looks} rowKey={(l) => l.study} columns={[
                { key: "s", label: "Trial added", render: (l) => l.study },
                { key: "n", label: "N", num: true, render: (l) => l.n },
                { key: "f", label: "Fraction", num: true, render: (l) => fmtNum(l.fraction, 3) },
                { key: "z", label: "z", num: true, render: (l) => <span data-testid={`tsa-z-${l.study}`} data-value={String(l.z)}>{num(l.z)}</span> },
                { key: "b", label: "Boundary", num: true, render: (l) => `±${num(l.boundary)}` },
                { key: "fu", label: "Futility", num: true, render: (l) => (l.futility === null ? "—" : `±${num(l.futility)}`) },
              ]} />
            </Card>
            {r.notes.length > 0 ? <Alert tone="info">{r.notes.map((n) => <div key={n}>{n}</div>)}</Alert> : null}
          </>
        ) : null}
      </AnalysisLayout>
    </>
  );
}
