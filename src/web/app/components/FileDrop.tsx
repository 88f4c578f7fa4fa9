/** A drop zone with a hidden file input (CSV/XLSX), as the workbench pages use it. */
import type { JSX } from "preact";
import { useRef, useState } from "preact/hooks";
import { ApiError } from "../api.js";
import { Alert, Card, Progress } from "./ui.js";

export interface PickedFile {
  name: string;
  contentBase64: string;
  size: number;
}

export function toBase64(buf: ArrayBuffer): string {
  const bytes = new Uint8Array(buf);
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

export function textToBase64(text: string): string {
  return toBase64(new TextEncoder().encode(text).buffer as ArrayBuffer);
}

export function FileDrop(props: { id: string; file: PickedFile | null; onFile: (f: PickedFile) => void; hint: string }): JSX.Element {
  const [over, setOver] = useState(false);
  const inputRef = useRef<HTMLInputElement>(null);
  const take = async (f: File): Promise<void> => props.onFile({ name: f.name, contentBase64: toBase64(await f.arrayBuffer()), size: f.size });
  return (
    <>
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
          if (f) void take(f);
        }}
      >
        {props.file ? (
          <>
            <b data-testid="file-name">{props.file.name}</b>
            <div class="small muted">{(props.file.size / 1024).toFixed(1)} kB · click to replace</div>
          </>
        ) : (
          <>
            <b>Drop a CSV or XLSX file here</b>
            <div class="small muted">or click to choose · {props.hint}</div>
          </>
        )}
      </div>
      <input
        ref={inputRef}
        id={props.id}
        type="file"
        accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        class="sr-only"
        aria-label="Data file"
        onChange={(e) => {
          const f = e.currentTarget.files?.[0];
          if (f) void take(f);
        }}
      />
    </>
  );
}

/** The three workbench pages' switcher. */
export function WorkbenchTabs(props: { current: "meta" | "nma" | "tsa" }): JSX.Element {
  const link = (id: "meta" | "nma" | "tsa", href: string, label: string): JSX.Element => (
    <a href={href} class={`btn sm${props.current === id ? " primary" : ""}`} aria-current={props.current === id ? "page" : undefined}>
      {label}
    </a>
  );
  return (
    <nav class="row" aria-label="Workbench analyses" style="gap:8px;margin-bottom:12px">
      {link("meta", "/workbench", "Pairwise meta-analysis")}
      {link("nma", "/workbench/nma", "Network meta-analysis")}
      {link("tsa", "/workbench/tsa", "Trial sequential analysis")}
    </nav>
  );
}

/**
 * The workbench pages' status beside the form: a progress card while the analysis runs, the located error (row and
 * column from the API's InputError) when it fails, and what to do when nothing has run yet.
 */
export function AnalysisStatus(props: { busy: boolean; busyLabel: string; error: Error | null; hasResult: boolean; empty: string }): JSX.Element | null {
  const { busy, error } = props;
  const apiErr = error instanceof ApiError ? error : null;
  if (busy) return <Card><Progress label={props.busyLabel} /></Card>;
  if (error)
    return (
      <Alert tone="error">
        <b>{apiErr?.row !== undefined ? `Row ${apiErr.row}` : "The analysis could not run"}{apiErr?.field ? <> · <code>{apiErr.field}</code></> : null}</b>
        <div>{error.message}</div>
      </Alert>
    );
  if (!props.hasResult) return <Card><div class="empty"><b>No analysis yet</b>{props.empty}</div></Card>;
  return null;
}
