/**
 * The frame of the workbench's NMA and TSA pages: heading and tabs, the form (data source, then the options, with
 * the run button) on the left, and beside it the analysis status and the results; the download buttons of a result.
 */
import type { ComponentChildren, JSX } from "preact";
import { useState } from "preact/hooks";
import type { WorkbenchRun } from "../hooks.js";
import { Button, Card, Icon, PageHead } from "./ui.js";
import { AnalysisStatus, WorkbenchTabs, type PickedFile } from "./FileDrop.js";
import { DataSource } from "./GridEditor.js";

/** What a workbench page offers for download: the shown plot (SVG, PNG), the results (CSV), the bundle (zip). */
export type DownloadKind = "svg" | "png" | "csv" | "bundle";

const DOWNLOAD_TITLES: Record<DownloadKind, string> = {
  svg: "The plot shown, as SVG",
  png: "The plot shown, as PNG",
  csv: "The results as CSV",
  bundle: "Input, options, versions, results and an equivalent R script (zip)",
};

/** The download buttons of a result card (the one in progress shows as busy). */
export function DownloadButtons(props: { dl: string; onDownload: (kind: DownloadKind) => void }): JSX.Element {
  return (
    <div class="row">
      {(["svg", "png", "csv", "bundle"] as const).map((k) => (
        <Button key={k} size="sm" onClick={() => props.onDownload(k)} busy={props.dl === k} title={DOWNLOAD_TITLES[k]}>
          <Icon name="download" size={14} /> {k === "bundle" ? "Bundle" : k.toUpperCase()}
        </Button>
      ))}
    </div>
  );
}

export interface PageSource {
  source: "grid" | "file";
  file: PickedFile | null;
}

/** Grid or upload, and the uploaded file; changing either forgets the last result (`clear`). */
export function usePageSource(): PageSource & { set: (s: "grid" | "file") => void; pick: (f: PickedFile) => void } {
  const [source, set] = useState<"grid" | "file">("grid");
  const [file, pick] = useState<PickedFile | null>(null);
  return { source, file, set, pick };
}

/** The page: `kind` names the tab, the ids and the texts; `data` is the grid (with what goes above it). */
export function AnalysisLayout(props: {
  kind: "nma" | "tsa";
  text: { title: string; sub: string; form: string; run: string; busy: string; empty: string; fileHint: string };
  src: ReturnType<typeof usePageSource>;
  wb: Pick<WorkbenchRun<unknown>, "busy" | "error" | "res" | "run" | "clear">;
  grid: ComponentChildren;
  fileNote?: ComponentChildren;
  options: ComponentChildren;
  children?: ComponentChildren;
}): JSX.Element {
  const { kind, text: t, src, wb } = props;
  return (
    <>
      <PageHead title={t.title} sub={t.sub} />
      <WorkbenchTabs current={kind} />
      <div class="grid" style="grid-template-columns:440px minmax(0,1fr);align-items:start">
        <form onSubmit={(e) => void wb.run(e)} noValidate>
          <Card title={t.form} foot={<Button type="submit" variant="primary" busy={wb.busy} class="block">{t.run}</Button>}>
            <div class="stack">
              <DataSource
                name={`${kind}-source`}
                source={src.source}
                onSource={(x) => { src.set(x); wb.clear(); }}
                file={src.file}
                onFile={(x) => { src.pick(x); wb.clear(); }}
                fileId={`${kind}-file`}
                fileHint={t.fileHint}
                fileNote={props.fileNote}
                grid={props.grid}
              />
              {props.options}
            </div>
          </Card>
        </form>
        <div class="stack" aria-live="polite">
          <AnalysisStatus busy={wb.busy} busyLabel={t.busy} error={wb.error} hasResult={wb.res !== null && wb.res !== undefined} empty={t.empty} />
          {props.children}
        </div>
      </div>
    </>
  );
}
