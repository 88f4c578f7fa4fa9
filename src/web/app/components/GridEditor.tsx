/**
 * The workbench's data entry, one component for the pairwise, NMA and TSA pages (parameterised by columns): the
 * choice between the grid and an upload, the grid itself (DataGrid) with add/clear and the list of problems, and
 * the validation in place: the grid is posted (debounced) to the page's grid-check route, which reads it with the
 * command's own parser, and each problem is shown on its cell. An analysis error with a row is mapped back to
 * the grid row the same way (the CSV's line L is grid row lines[L - 2]: src/app/grid-csv.ts on both sides).
 */
import type { ComponentChildren, JSX } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { gridCsv } from "../../../app/grid-csv.js";
import { api, ApiError } from "../api.js";
import { Button, Icon } from "./ui.js";
import { DataGrid, type GridColumn, type GridProblem } from "./DataGrid.js";
import { FileDrop, textToBase64, type PickedFile } from "./FileDrop.js";

export type { GridColumn, GridProblem };

/** The columns of a two-arm binary study (pairwise page, TSA page). */
export const BINARY_COLUMNS: GridColumn[] = [
  { name: "events_t", label: "Events (exp.)", numeric: true },
  { name: "total_t", label: "Total (exp.)", numeric: true },
  { name: "events_c", label: "Events (ctrl)", numeric: true },
  { name: "total_c", label: "Total (ctrl)", numeric: true },
];

/** Study label and year, the first columns of a two-arm study's grid. */
export const STUDY_COLUMNS: GridColumn[] = [
  { name: "study", label: "Study" },
  { name: "year", label: "Year", numeric: true },
];

/** Example rows of that grid (illustrative numbers, in chronological order). */
export const BINARY_EXAMPLE: string[][] = [
  ["Example A", "2001", "22", "40", "15", "41"],
  ["Example B", "2005", "31", "52", "24", "50"],
  ["Example C", "2009", "18", "30", "16", "33"],
  ["Example D", "2014", "45", "70", "33", "68"],
  ["Example E", "2019", "27", "45", "20", "47"],
];

/** The rows padded or cut to `width` cells. */
export function fitRows(rows: readonly string[][], width: number): string[][] {
  return rows.map((r) => (r.length >= width ? r.slice(0, width) : [...r, ...Array<string>(width - r.length).fill("")]));
}

/** The grid as the upload the analysis routes take (grid.csv, base64). */
export function gridUpload(columns: readonly GridColumn[], rows: readonly string[][]): { name: string; contentBase64: string } {
  return { name: "grid.csv", contentBase64: textToBase64(gridCsv({ columns: columns.map((c) => c.name), rows }).csv) };
}

export interface GridCheck {
  problems: GridProblem[];
  /** Shows the problem of a failed run (an ApiError with a row) on its grid row. */
  flagRunError: (err: unknown) => void;
}

/** Validation in place: the grid is checked by `path` (debounced) whenever its cells, columns or `options` change. */
export function useGridCheck(path: string, enabled: boolean, columns: readonly GridColumn[], rows: readonly string[][], options?: Record<string, unknown>): GridCheck {
  const [problems, setProblems] = useState<GridProblem[]>([]);
  const seq = useRef(0);
  const names = columns.map((c) => c.name);
  useEffect(() => {
    if (!enabled) return;
    const my = ++seq.current;
    const t = setTimeout(() => {
      api<{ problems: GridProblem[] }>("POST", path, { columns: names, rows, ...(options !== undefined ? { options } : {}) }).then(
        (r) => {
          if (my === seq.current) setProblems(r.problems);
        },
        () => {},
      );
    }, 350);
    return () => clearTimeout(t);
  }, [path, enabled, JSON.stringify(rows), JSON.stringify(names), JSON.stringify(options ?? null)]);
  const flagRunError = (err: unknown): void => {
    if (!enabled || !(err instanceof ApiError) || err.row === undefined) return;
    const at = gridCsv({ columns: names, rows }).lines[err.row - 2];
    if (at !== undefined) setProblems((ps) => [...ps.filter((p) => p.row !== at), { row: at, field: err.field ?? null, reason: err.message }]);
  };
  return { problems, flagRunError };
}

/** Grid or upload. */
export function SourceChoice(props: { name: string; source: "grid" | "file"; onChange: (s: "grid" | "file") => void }): JSX.Element {
  return (
    <fieldset class="group" style="margin:0">
      <legend>Source</legend>
      <label class="check"><input type="radio" name={props.name} checked={props.source === "grid"} onChange={() => props.onChange("grid")} /> Enter or paste in the grid</label>
      <label class="check"><input type="radio" name={props.name} checked={props.source === "file"} onChange={() => props.onChange("file")} /> Upload a file</label>
    </fieldset>
  );
}

/** The grid with its buttons and the list of the parser's problems. */
export function GridEditor(props: { columns: readonly GridColumn[]; rows: string[][]; onChange: (rows: string[][]) => void; problems: readonly GridProblem[] }): JSX.Element {
  const { columns, rows, problems } = props;
  const rowProblems = problems.filter((p) => p.row !== null);
  const tableProblems = problems.filter((p) => p.row === null);
  return (
    <>
      <DataGrid columns={columns} rows={rows} onChange={props.onChange} problems={problems} />
      <div class="row" style="gap:8px">
        <Button size="sm" onClick={() => props.onChange([...rows, columns.map(() => "")])}><Icon name="plus" size={14} /> Add row</Button>
        <Button size="sm" onClick={() => props.onChange([columns.map(() => "")])}>Clear</Button>
        <span class="small muted">Paste rows copied from a spreadsheet into any cell (a header row is matched to the columns by name).</span>
      </div>
      {rowProblems.length > 0 || tableProblems.length > 0 ? (
        <ul class="grid-problems" data-testid="grid-problems" aria-live="polite">
          {tableProblems.map((p) => <li key={`t-${p.reason}`}>{p.reason}</li>)}
          {rowProblems.map((p) => (
            <li key={`${p.row}-${p.field}`}>Row {(p.row ?? 0) + 1}{p.field ? <> · <code>{p.field}</code></> : null}: {p.reason}</li>
          ))}
        </ul>
      ) : null}
    </>
  );
}

/**
 * The data card's source part (NMA and TSA pages): the choice, then the grid (with whatever goes above it) or the
 * drop zone. In grid mode the file input stays in the page, hidden: choosing a file switches to the upload.
 */
export function DataSource(props: {
  name: string;
  source: "grid" | "file";
  onSource: (s: "grid" | "file") => void;
  file: PickedFile | null;
  onFile: (f: PickedFile) => void;
  fileId: string;
  fileHint: string;
  fileNote?: ComponentChildren;
  grid: ComponentChildren;
}): JSX.Element {
  const drop = <FileDrop id={props.fileId} file={props.file} hint={props.fileHint} onFile={(f) => { props.onFile(f); props.onSource("file"); }} />;
  return (
    <>
      <SourceChoice name={props.name} source={props.source} onChange={props.onSource} />
      {props.source === "grid" ? (
        <>
          {props.grid}
          <div class="sr-only">{drop}</div>
        </>
      ) : (
        <>
          {drop}
          {props.fileNote}
        </>
      )}
    </>
  );
}
