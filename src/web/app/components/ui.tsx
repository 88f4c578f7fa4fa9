/** Decidua's small component set: cards, badges, buttons, fields, tables, feedback. */
import type { ButtonHTMLAttributes, ComponentChildren, JSX } from "preact";
import { STATUS_MEANINGS } from "../../../clinical/status.js";
import type { Loaded } from "../hooks.js";

export function cx(...parts: Array<string | false | null | undefined>): string {
  return parts.filter(Boolean).join(" ");
}

export function Card(props: {
  title?: ComponentChildren;
  actions?: ComponentChildren;
  children?: ComponentChildren;
  foot?: ComponentChildren;
  tight?: boolean;
  class?: string;
  id?: string;
  labelledBy?: string;
}): JSX.Element {
  const headingId = props.id ? `${props.id}-h` : undefined;
  return (
    <section class={cx("card", props.class)} id={props.id} aria-labelledby={props.title ? headingId : undefined}>
      {props.title !== undefined || props.actions !== undefined ? (
        <div class="card-head">
          <h2 id={headingId}>{props.title}</h2>
          {props.actions}
        </div>
      ) : null}
      <div class={cx("card-body", props.tight && "tight")}>{props.children}</div>
      {props.foot ? <div class="card-foot">{props.foot}</div> : null}
    </section>
  );
}

export function PageHead(props: { title: ComponentChildren; sub?: ComponentChildren; actions?: ComponentChildren }): JSX.Element {
  return (
    <div class="page-head">
      <div class="titles">
        <h1>{props.title}</h1>
        {props.sub ? <div class="sub">{props.sub}</div> : null}
      </div>
      {props.actions ? <div class="actions">{props.actions}</div> : null}
    </div>
  );
}

export type Tone = "ok" | "info" | "warn" | "muted" | "danger" | "violet";

/** A status badge: colour AND text, never colour alone. */
export function Badge(props: { tone: string; children: ComponentChildren; small?: boolean; plain?: boolean; title?: string }): JSX.Element {
  return (
    <span class={cx("badge", props.tone, props.small && "sm", props.plain && "plain")} title={props.title}>
      {props.children}
    </span>
  );
}

/** Meanings of the verdict statuses: the core's one table (src/clinical/status.ts). */
const STATUS_EXPLAIN: Readonly<Record<string, string>> = STATUS_MEANINGS;

export function StatusBadge(props: { status: string; small?: boolean }): JSX.Element {
  return (
    <span class={cx("badge", props.status, props.small && "sm")} data-status={props.status} title={STATUS_EXPLAIN[props.status]}>
      {props.status}
    </span>
  );
}

export function Button(
  props: ButtonHTMLAttributes<HTMLButtonElement> & { variant?: "primary" | "danger" | "ghost"; size?: "sm"; busy?: boolean },
): JSX.Element {
  const { variant, size, busy, class: cls, children, ...rest } = props;
  return (
    <button type="button" {...rest} class={cx("btn", variant, size, typeof cls === "string" && cls)} disabled={Boolean(rest.disabled) || busy}>
      {busy ? <span class="spinner" aria-hidden="true" style="width:14px;height:14px" /> : null}
      {children}
    </button>
  );
}

export function Alert(props: { tone: "error" | "warn" | "info" | "ok"; children: ComponentChildren; role?: "alert" | "status" }): JSX.Element {
  const icon = props.tone === "error" ? "!" : props.tone === "warn" ? "▲" : props.tone === "ok" ? "✓" : "i";
  return (
    <div class={cx("alert", props.tone)} role={props.role ?? (props.tone === "error" ? "alert" : "status")}>
      <span class="icon" aria-hidden="true">{icon}</span>
      <div>{props.children}</div>
    </div>
  );
}

/** An alert with its text in a test-addressable span, shown only when there is text (a form's error or result line). */
export function AlertLine(props: { tone: "error" | "warn" | "info" | "ok"; testId: string; text: ComponentChildren | null }): JSX.Element | null {
  if (props.text === null || props.text === undefined || props.text === "") return null;
  return (
    <Alert tone={props.tone}>
      <span data-testid={props.testId}>{props.text}</span>
    </Alert>
  );
}

export function Spinner(props: { label?: string }): JSX.Element {
  return (
    <span class="row" role="status">
      <span class="spinner" aria-hidden="true" />
      <span class="muted">{props.label ?? "Loading…"}</span>
    </span>
  );
}

export function Progress(props: { label: string }): JSX.Element {
  return (
    <div role="progressbar" aria-label={props.label} aria-busy="true" class="stack">
      <div class="progress"><span /></div>
      <div class="small muted">{props.label}</div>
    </div>
  );
}

export function Empty(props: { title: string; children?: ComponentChildren }): JSX.Element {
  return (
    <div class="empty">
      <b>{props.title}</b>
      {props.children}
    </div>
  );
}

export function Stat(props: { label: string; value: ComponentChildren; hint?: ComponentChildren }): JSX.Element {
  return (
    <div class="card stat">
      <div class="label">{props.label}</div>
      <div class="value">{props.value}</div>
      {props.hint ? <div class="hint">{props.hint}</div> : null}
    </div>
  );
}

export function Tabs<T extends string>(props: { tabs: Array<{ id: T; label: string }>; value: T; onChange: (v: T) => void; label: string }): JSX.Element {
  return (
    <div class="tabs" role="tablist" aria-label={props.label}>
      {props.tabs.map((t) => (
        <button
          type="button"
          role="tab"
          key={t.id}
          aria-selected={t.id === props.value}
          tabIndex={t.id === props.value ? 0 : -1}
          onClick={() => props.onChange(t.id)}
          onKeyDown={(e) => {
            const i = props.tabs.findIndex((x) => x.id === props.value);
            const d = e.key === "ArrowRight" ? 1 : e.key === "ArrowLeft" ? -1 : 0;
            if (d !== 0) {
              const next = props.tabs[(i + d + props.tabs.length) % props.tabs.length];
              if (next) props.onChange(next.id);
            }
          }}
        >
          {t.label}
        </button>
      ))}
    </div>
  );
}

/**
 * The rows of a load as a table in a tight card: the load's error, or a spinner until it has data (each in a card
 * body); the table stays while the load repeats.
 */
export function LoadedTable<T, R>(props: Omit<DataTableProps<R>, "rows"> & { of: Loaded<T>; rows: (data: T) => R[] }): JSX.Element {
  const { of, rows, ...table } = props;
  if (of.error) {
    return (
      <div class="card-body">
        <Alert tone="error">{of.error.message}</Alert>
      </div>
    );
  }
  if (of.data === null) {
    return (
      <div class="card-body">
        <Spinner />
      </div>
    );
  }
  return <DataTable {...table} rows={rows(of.data)} />;
}

/**
 * An administration page of configured entries: their table in a card beside the form that adds one (its error
 * above the fields, its submit button in the card's foot).
 */
export function ListAndAddPage(props: {
  title: string;
  sub: string;
  listTitle: string;
  list: ComponentChildren;
  addTitle: string;
  submitLabel: string;
  onSubmit: (e: Event) => void;
  busy: boolean;
  error: string | null;
  formTestId?: string;
  children: ComponentChildren;
}): JSX.Element {
  return (
    <>
      <PageHead title={props.title} sub={props.sub} />
      <div class="grid side">
        <Card title={props.listTitle} tight>
          {props.list}
        </Card>
        <form onSubmit={props.onSubmit} noValidate data-testid={props.formTestId}>
          <Card
            title={props.addTitle}
            foot={
              <Button type="submit" variant="primary" busy={props.busy}>
                {props.submitLabel}
              </Button>
            }
          >
            <div class="stack">
              {props.error ? <Alert tone="error">{props.error}</Alert> : null}
              {props.children}
            </div>
          </Card>
        </form>
      </div>
    </>
  );
}

/** A column of a DataTable. */
export interface Column<R> {
  key: string;
  label: string;
  num?: boolean;
  render: (row: R) => ComponentChildren;
}

export interface DataTableProps<R> {
  columns: Array<Column<R>>;
  rows: R[];
  rowKey: (r: R) => string;
  onRowClick?: (r: R) => void;
  empty?: ComponentChildren;
  caption?: string;
  compact?: boolean;
}

export function DataTable<R>(props: DataTableProps<R>): JSX.Element {
  if (props.rows.length === 0) return <>{props.empty ?? <Empty title="Nothing here yet" />}</>;
  return (
    <div class="table-wrap">
      <table class={cx("data", props.compact && "compact")}>
        {props.caption ? <caption class="sr-only">{props.caption}</caption> : null}
        <thead>
          <tr>
            {props.columns.map((c) => (
              <th key={c.key} scope="col" class={c.num ? "num" : undefined}>
                {c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {props.rows.map((r) => (
            <tr
              key={props.rowKey(r)}
              class={props.onRowClick ? "clickable" : undefined}
              tabIndex={props.onRowClick ? 0 : undefined}
              onClick={props.onRowClick ? () => props.onRowClick?.(r) : undefined}
              onKeyDown={
                props.onRowClick
                  ? (e) => {
                      if (e.key === "Enter") props.onRowClick?.(r);
                    }
                  : undefined
              }
            >
              {props.columns.map((c) => (
                <td key={c.key} class={c.num ? "num" : undefined}>
                  {c.render(r)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function Icon(props: { name: "patients" | "evidence" | "workbench" | "admin" | "search" | "chev" | "print" | "plus" | "logout" | "plan" | "download"; size?: number }): JSX.Element {
  const s = props.size ?? 18;
  const common = { width: s, height: s, viewBox: "0 0 24 24", fill: "none", stroke: "currentColor", "stroke-width": 1.8, "stroke-linecap": "round" as const, "stroke-linejoin": "round" as const, "aria-hidden": "true" as const };
  switch (props.name) {
    case "patients":
      return <svg {...common}><circle cx="9" cy="8" r="3.5" /><path d="M2.5 20c0-3.6 2.9-6 6.5-6s6.5 2.4 6.5 6" /><path d="M16 4.5a3.5 3.5 0 0 1 0 7M18 14c2.2.6 3.5 2.7 3.5 6" /></svg>;
    case "evidence":
      return <svg {...common}><path d="M4 19V5M4 19h16" /><path d="M8 9h6M10 13h8M7 16h5" /><circle cx="11" cy="9" r="1.2" fill="currentColor" /><circle cx="14" cy="13" r="1.2" fill="currentColor" /><circle cx="9.5" cy="16" r="1.2" fill="currentColor" /></svg>;
    case "workbench":
      return <svg {...common}><rect x="3" y="4" width="18" height="14" rx="2" /><path d="M7 14l3-3 3 2 4-5" /><path d="M8 21h8" /></svg>;
    case "admin":
      return <svg {...common}><path d="M12 3l8 3v6c0 4.5-3.4 8-8 9-4.6-1-8-4.5-8-9V6l8-3z" /><path d="M9 12l2 2 4-4" /></svg>;
    case "search":
      return <svg {...common} width={16} height={16}><circle cx="11" cy="11" r="7" /><path d="M20 20l-3.5-3.5" /></svg>;
    case "chev":
      return <svg {...common} class="chev"><path d="M9 6l6 6-6 6" /></svg>;
    case "print":
      return <svg {...common}><path d="M6 9V3h12v6" /><rect x="3" y="9" width="18" height="8" rx="2" /><path d="M7 14h10v7H7z" /></svg>;
    case "plus":
      return <svg {...common}><path d="M12 5v14M5 12h14" /></svg>;
    case "logout":
      return <svg {...common}><path d="M15 4h4v16h-4M10 8l-4 4 4 4M6 12h10" /></svg>;
    case "plan":
      return <svg {...common}><rect x="3" y="5" width="18" height="16" rx="2" /><path d="M3 10h18M8 3v4M16 3v4" /></svg>;
    case "download":
      return <svg {...common}><path d="M12 4v11M7 10l5 5 5-5M5 20h14" /></svg>;
  }
}

export function Logo(): JSX.Element {
  return (
    <svg width="28" height="28" viewBox="0 0 32 32" aria-hidden="true">
      <rect width="32" height="32" rx="7" fill="#2a6d9c" />
      <path d="M16 6c-5 4-8 8-8 12a8 8 0 0 0 16 0c0-4-3-8-8-12z" fill="none" stroke="#fff" stroke-width="2.4" />
      <circle cx="16" cy="19" r="3" fill="#9fd0f5" />
    </svg>
  );
}

export function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter((w) => /^\p{L}/u.test(w));
  return ((parts[0]?.[0] ?? "?") + (parts[1]?.[0] ?? "")).toUpperCase();
}

export function fmtDate(d: string | null | undefined): string {
  if (!d) return "—";
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(d);
  if (!m) return d;
  const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  return `${Number(m[3])} ${months[Number(m[2]) - 1] ?? m[2]} ${m[1]}`;
}

export function fmtNum(x: number | null | undefined, digits = 2): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return "—";
  return x.toFixed(digits);
}

/** A p-value as people read it: "<0.001" below one in a thousand, else three decimals. */
export function fmtP(p: number | null | undefined): string {
  if (p === null || p === undefined || !Number.isFinite(p)) return "—";
  return p < 0.001 ? "<0.001" : p.toFixed(3);
}
