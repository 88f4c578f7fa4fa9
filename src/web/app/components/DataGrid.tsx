/**
 * A spreadsheet-like data-entry grid (as RevMan's): type in cells, paste a block of rows copied from a spreadsheet
 * (tab-separated, or comma-separated text; a header row is matched to the columns by name), add and remove rows.
 * Problems come from the server's parser (row index and column) and are shown on the cell, with the reason.
 */
import type { JSX } from "preact";

export interface GridProblem {
  row: number | null;
  field: string | null;
  reason: string;
}

export interface GridColumn {
  name: string;
  label: string;
  numeric?: boolean;
}

/** One line split at `sep`, honouring double quotes ("a, b" stays one cell; "" is a quote). */
function splitLine(line: string, sep: string): string[] {
  const cells: string[] = [];
  let cur = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"' && cur.trim() === "") {
      quoted = true;
      cur = "";
    } else if (ch === sep) {
      cells.push(cur.trim());
      cur = "";
    } else cur += ch;
  }
  cells.push(cur.trim());
  return cells;
}

/**
 * Splits pasted text into rows of cells: at tabs when there are any (spreadsheets), else at semicolons when every
 * line has one (European CSV), else at commas. Numbers are left as typed: the parser flags what it cannot read.
 */
export function splitPasted(text: string): string[][] {
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  while (lines.length > 0 && lines[lines.length - 1]!.trim() === "") lines.pop();
  const sep = lines.some((l) => l.includes("\t")) ? "\t" : lines.every((l) => l.includes(";")) ? ";" : ",";
  return lines.map((l) => splitLine(l, sep));
}

/** Pastes `block` into `rows` at (r, c); a first line naming the columns maps the block's columns by name. */
export function pasteBlock(rows: readonly string[][], columns: readonly GridColumn[], block: string[][], r: number, c: number): string[][] {
  const out = rows.map((x) => [...x]);
  const names = columns.map((x) => x.name.toLowerCase());
  const first = block[0] ?? [];
  const headerMap = first.map((h) => names.indexOf(h.toLowerCase().replace(/\s+/g, "_")));
  const isHeader = first.length > 0 && headerMap.filter((i) => i >= 0).length >= Math.min(2, first.length);
  const body = isHeader ? block.slice(1) : block;
  const start = isHeader ? 0 : r;
  if (isHeader) {
    // a block with its header replaces the grid from the first row (like opening a small table)
    out.length = 0;
  }
  body.forEach((cells, i) => {
    const at = start + i;
    while (out.length <= at) out.push(columns.map(() => ""));
    cells.forEach((v, j) => {
      const col = isHeader ? headerMap[j]! : c + j;
      if (col >= 0 && col < columns.length) out[at]![col] = v;
    });
  });
  return out;
}

export function DataGrid(props: {
  columns: readonly GridColumn[];
  rows: string[][];
  onChange: (rows: string[][]) => void;
  problems: readonly GridProblem[];
}): JSX.Element {
  const { columns, rows } = props;
  const problemAt = (i: number, name: string): GridProblem | undefined =>
    props.problems.find((p) => p.row === i && (p.field === null ? name === columns[0]?.name : p.field.toLowerCase() === name.toLowerCase() || (!columns.some((c) => c.name.toLowerCase() === p.field!.toLowerCase()) && name === columns[0]?.name)));
  const set = (i: number, j: number, v: string): void => {
    const next = rows.map((x) => [...x]);
    next[i]![j] = v;
    props.onChange(next);
  };
  const onPaste = (e: ClipboardEvent, i: number, j: number): void => {
    const text = e.clipboardData?.getData("text/plain") ?? "";
    if (!/[\t\n]/.test(text)) return;
    e.preventDefault();
    props.onChange(pasteBlock(rows, columns, splitPasted(text), i, j));
  };
  return (
    <div class="datagrid-wrap">
      <table class="datagrid" data-testid="data-grid">
        <thead>
          <tr>
            <th aria-label="Row" />
            {columns.map((c) => (
              <th key={c.name} scope="col" title={c.name}>{c.label}</th>
            ))}
            <th aria-label="Remove" />
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <tr key={i}>
              <td class="rownum">{i + 1}</td>
              {columns.map((c, j) => {
                const p = problemAt(i, c.name);
                return (
                  <td key={c.name} class={p ? "invalid" : undefined} title={p?.reason} data-testid={`cell-${i}-${c.name}`} data-invalid={p ? "true" : undefined}>
                    <input
                      aria-label={`${c.label}, row ${i + 1}`}
                      aria-invalid={p ? "true" : undefined}
                      inputMode={c.numeric ? "decimal" : undefined}
                      value={r[j] ?? ""}
                      onInput={(e) => set(i, j, e.currentTarget.value)}
                      onPaste={(e) => onPaste(e, i, j)}
                    />
                  </td>
                );
              })}
              <td>
                <button
                  type="button"
                  class="rm"
                  aria-label={`Remove row ${i + 1}`}
                  onClick={() => props.onChange(rows.length > 1 ? rows.filter((_, k) => k !== i) : [columns.map(() => "")])}
                >
                  ×
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
