/**
 * Form state over a plain JSON draft addressed by dotted paths ("record.losses.0.gestationalWeek"),
 * the same paths the API names in its error `field`. Nothing is lost on a failed save: the draft stays.
 */
import type { ComponentChildren, JSX } from "preact";
import { useMemo, useState } from "preact/hooks";
import { ApiError, type ApiIssue } from "../api.js";
import { cx } from "./ui.js";

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = { [k: string]: Json };

function isObj(x: unknown): x is Obj {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

export function getPath(root: Json | undefined, path: string): Json | undefined {
  let cur: Json | undefined = root;
  for (const seg of path.split(".")) {
    if (cur === null || cur === undefined) return undefined;
    if (Array.isArray(cur)) cur = cur[Number(seg)];
    else if (isObj(cur)) cur = cur[seg];
    else return undefined;
  }
  return cur;
}

/** Immutable set; `undefined` deletes the key. Creates objects/arrays along the way. */
export function setPath(root: Json | undefined, path: string, value: Json | undefined): Json {
  const segs = path.split(".");
  const rec = (node: Json | undefined, i: number): Json | undefined => {
    if (i === segs.length) return value;
    const seg = segs[i] as string;
    const nextIsIndex = /^\d+$/.test(segs[i + 1] ?? "");
    if (Array.isArray(node)) {
      const copy = node.slice();
      const idx = Number(seg);
      const v = rec(copy[idx], i + 1);
      if (v === undefined) copy.splice(idx, 1);
      else copy[idx] = v;
      return copy;
    }
    const obj: Obj = isObj(node) ? { ...node } : {};
    const child = obj[seg] ?? (i + 1 < segs.length ? (nextIsIndex ? [] : {}) : undefined);
    const v = rec(child, i + 1);
    if (v === undefined) delete obj[seg];
    else obj[seg] = v;
    return obj;
  };
  return rec(root, 0) ?? {};
}

/** Removes empty strings, empty objects and nulls so optional fields stay absent. */
export function prune(x: Json): Json | undefined {
  if (Array.isArray(x)) return x.map((v) => prune(v) ?? null).filter((v) => v !== null);
  if (isObj(x)) {
    const out: Obj = {};
    for (const [k, v] of Object.entries(x)) {
      const p = prune(v);
      if (p !== undefined) out[k] = p;
    }
    return Object.keys(out).length > 0 ? out : undefined;
  }
  if (x === "" || x === null) return undefined;
  return x;
}

export interface FormState {
  value: Json;
  get: (path: string) => Json | undefined;
  set: (path: string, v: Json | undefined) => void;
  errors: Record<string, string>;
  setIssues: (issues: ApiIssue[], prefix?: string) => void;
  errorFor: (path: string) => string | undefined;
  reset: (v: Json) => void;
  dirty: boolean;
}

export function useForm(initial: Json): FormState {
  const [value, setValue] = useState<Json>(initial);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [dirty, setDirty] = useState(false);
  return useMemo<FormState>(
    () => ({
      value,
      dirty,
      get: (p) => getPath(value, p),
      set: (p, v) => {
        setValue((cur) => setPath(cur, p, v));
        setDirty(true);
        setErrors((e) => {
          if (!(p in e)) return e;
          const { [p]: _gone, ...rest } = e;
          return rest;
        });
      },
      errors,
      setIssues: (issues, prefix = "") => {
        const e: Record<string, string> = {};
        for (const i of issues) {
          const f = prefix && i.field.startsWith(prefix) ? i.field.slice(prefix.length) : i.field;
          if (!(f in e)) e[f] = i.message;
        }
        setErrors(e);
      },
      errorFor: (p) => errors[p],
      reset: (v) => {
        setValue(v);
        setErrors({});
        setDirty(false);
      },
    }),
    [value, errors, dirty],
  );
}

let idSeq = 0;
function fieldId(path: string): string {
  return `f-${path.replace(/[^a-zA-Z0-9]/g, "-")}-${++idSeq}`;
}

interface BaseProps {
  form: FormState;
  path: string;
  label: string;
  hint?: ComponentChildren;
  class?: string;
  required?: boolean;
}

function FieldShell(props: BaseProps & { id: string; children: ComponentChildren }): JSX.Element {
  const err = props.form.errorFor(props.path);
  return (
    <div class={cx("field", props.class)} data-field={props.path}>
      <label for={props.id}>
        {props.label}
        {props.required ? <span aria-hidden="true" style="color:var(--danger)"> *</span> : null}
      </label>
      {props.children}
      {err ? (
        <div class="err" id={`${props.id}-err`} role="alert">
          {err}
        </div>
      ) : props.hint ? (
        <div class="hint" id={`${props.id}-hint`}>
          {props.hint}
        </div>
      ) : null}
    </div>
  );
}

function useFieldId(path: string): string {
  return useMemo(() => fieldId(path), [path]);
}

/** A field's control id, its value in the draft and its error. */
function useField(props: BaseProps): { id: string; v: Json | undefined; err: string | undefined } {
  return { id: useFieldId(props.path), v: props.form.get(props.path), err: props.form.errorFor(props.path) };
}

/** A draft value as an input's text: a string or number as written, anything else as empty. */
function inputText(v: Json | undefined): string {
  return typeof v === "string" || typeof v === "number" ? String(v) : "";
}

/**
 * A field's control attributes: its id, the draft path it writes (`name`), and its error state for assistive
 * technology (invalid and described by its error, else by its hint if any).
 */
function controlOf(id: string, name: string, err: string | undefined, hint?: ComponentChildren) {
  return { id, name, "aria-invalid": err ? ("true" as const) : undefined, "aria-describedby": err ? `${id}-err` : hint ? `${id}-hint` : undefined };
}

export function TextField(props: BaseProps & { type?: "text" | "date" | "password" | "email"; placeholder?: string; autoComplete?: string }): JSX.Element {
  const { id, v, err } = useField(props);
  return (
    <FieldShell {...props} id={id}>
      <input
        {...controlOf(id, props.path, err, props.hint)}
        class="input"
        type={(props.type ?? "text") as "text"}
        value={inputText(v)}
        placeholder={props.placeholder}
        autoComplete={props.autoComplete}
        required={props.required}
        onInput={(e) => {
          const s = e.currentTarget.value;
          props.form.set(props.path, s === "" ? undefined : s);
        }}
      />
    </FieldShell>
  );
}

/** Keeps unparseable text in the draft as-is so the server can name it; numbers are sent as numbers. */
function parseNumberInput(s: string): Json | undefined {
  const t = s.trim().replace(",", ".");
  if (t === "") return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : s;
}

export function NumberField(
  props: BaseProps & {
    unit?: string;
    /** Offered units: the unit is stored at `unitPath`. */
    units?: string[];
    unitPath?: string;
    step?: string;
    placeholder?: string;
  },
): JSX.Element {
  const id = useFieldId(props.path);
  const v = props.form.get(props.path);
  const err = props.form.errorFor(props.path) ?? (props.unitPath ? props.form.errorFor(props.unitPath) : undefined);
  const unitVal = props.unitPath ? props.form.get(props.unitPath) : undefined;
  return (
    <FieldShell {...props} id={id}>
      <div class="input-group">
        <input
          {...controlOf(id, props.path, err, props.hint)}
          class="input num"
          inputMode="decimal"
          value={inputText(v)}
          placeholder={props.placeholder}
          onInput={(e) => props.form.set(props.path, parseNumberInput(e.currentTarget.value))}
        />
        {props.units && props.unitPath ? (
          <select
            class="input unit"
            aria-label={`${props.label} unit`}
            name={props.unitPath}
            value={typeof unitVal === "string" ? unitVal : props.units[0]}
            onChange={(e) => props.form.set(props.unitPath as string, e.currentTarget.value)}
          >
            {props.units.map((u) => (
              <option key={u} value={u}>
                {u}
              </option>
            ))}
          </select>
        ) : props.unit ? (
          <span class="addon">{props.unit}</span>
        ) : null}
      </div>
    </FieldShell>
  );
}

export function SelectField(
  props: BaseProps & { options: Array<{ value: string; label: string }>; emptyLabel?: string; asBoolean?: boolean },
): JSX.Element {
  const { id, v, err } = useField(props);
  const cur = typeof v === "boolean" ? String(v) : inputText(v);
  return (
    <FieldShell {...props} id={id}>
      <select
        {...controlOf(id, props.path, err)}
        class="input"
        value={cur}
        onChange={(e) => {
          const s = e.currentTarget.value;
          if (s === "") props.form.set(props.path, undefined);
          else if (props.asBoolean) props.form.set(props.path, s === "true");
          else props.form.set(props.path, s);
        }}
      >
        <option value="">{props.emptyLabel ?? "— not recorded —"}</option>
        {props.options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </FieldShell>
  );
}

export function CheckField(props: BaseProps): JSX.Element {
  const { id, v, err } = useField(props);
  return (
    <div class={cx("field", props.class)} data-field={props.path}>
      <label class="check" for={id}>
        <input id={id} name={props.path} type="checkbox" checked={v === true} onChange={(e) => props.form.set(props.path, e.currentTarget.checked)} />
        {props.label}
      </label>
      {err ? <div class="err" role="alert">{err}</div> : null}
    </div>
  );
}

export function opts(...pairs: Array<[string, string]>): Array<{ value: string; label: string }> {
  return pairs.map(([value, label]) => ({ value, label }));
}

/**
 * A measured value with its unit: the draft holds `{ value, unit, ...}` at `path` (the record's quantity shape).
 * Typing a value also records the unit shown, so what is saved is what the user saw.
 */
export function QuantityField(props: BaseProps & { units: readonly string[]; placeholder?: string }): JSX.Element {
  const id = useFieldId(props.path);
  const vPath = `${props.path}.value`;
  const uPath = `${props.path}.unit`;
  const v = props.form.get(vPath);
  const u = props.form.get(uPath);
  const err = props.form.errorFor(vPath) ?? props.form.errorFor(uPath) ?? props.form.errorFor(props.path);
  const unit = typeof u === "string" ? u : (props.units[0] ?? "");
  return (
    <div class={cx("field", props.class)} data-field={props.path}>
      <label for={id}>{props.label}</label>
      <div class="input-group">
        <input
          {...controlOf(id, vPath, err, props.hint)}
          class="input num"
          inputMode="decimal"
          value={inputText(v)}
          placeholder={props.placeholder}
          onInput={(e) => {
            const parsed = parseNumberInput(e.currentTarget.value);
            props.form.set(vPath, parsed);
            if (parsed !== undefined && typeof u !== "string") props.form.set(uPath, unit);
          }}
        />
        {props.units.length > 1 ? (
          <select class="input unit" aria-label={`${props.label} unit`} name={uPath} value={unit} onChange={(e) => props.form.set(uPath, e.currentTarget.value)}>
            {props.units.map((x) => (
              <option key={x} value={x}>
                {x}
              </option>
            ))}
          </select>
        ) : (
          <span class="addon">{unit}</span>
        )}
      </div>
      {err ? (
        <div class="err" id={`${id}-err`} role="alert">
          {err}
        </div>
      ) : props.hint ? (
        <div class="hint" id={`${id}-hint`}>
          {props.hint}
        </div>
      ) : null}
    </div>
  );
}

/** A set of checkboxes writing a string array at `path` (absent when empty). */
export function MultiCheck(props: BaseProps & { options: Array<{ value: string; label: string }> }): JSX.Element {
  const cur = props.form.get(props.path);
  const arr = Array.isArray(cur) ? cur.filter((x): x is string => typeof x === "string") : [];
  const err = props.form.errorFor(props.path);
  return (
    <fieldset class={cx("field", props.class)} data-field={props.path} style="border:0;padding:0;margin:0">
      <legend class="label" style="padding:0;margin-bottom:4px;font-size:12.5px;font-weight:560;color:var(--text-2)">{props.label}</legend>
      <div class="row" style="gap:4px 14px">
        {props.options.map((o) => (
          <label class="check" key={o.value} style="min-height:26px">
            <input
              type="checkbox"
              checked={arr.includes(o.value)}
              onChange={(e) => {
                const next = e.currentTarget.checked ? [...arr, o.value] : arr.filter((x) => x !== o.value);
                props.form.set(props.path, next.length > 0 ? next : undefined);
              }}
            />
            {o.label}
          </label>
        ))}
      </div>
      {err ? <div class="err" role="alert">{err}</div> : null}
    </fieldset>
  );
}

/** Yes / No / not recorded for an optional boolean. */
export function YesNoField(props: BaseProps): JSX.Element {
  return <SelectField {...props} asBoolean options={[{ value: "true", label: "Yes" }, { value: "false", label: "No" }]} />;
}

/** A form's submit cycle: busy while the request runs, the API's field issues shown beside their fields. */
export interface Submitter {
  busy: boolean;
  error: string | null;
  setError: (message: string | null) => void;
  /** Runs the action; an ApiError sets the form's field issues and the message from describe (default: its own). */
  run: (event: Event | null, action: () => Promise<void>, describe?: (err: ApiError) => string) => Promise<void>;
}

export function useSubmit(form: Pick<FormState, "setIssues">): Submitter {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  async function run(event: Event | null, action: () => Promise<void>, describe: (err: ApiError) => string = (err) => err.message): Promise<void> {
    event?.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (err) {
      if (err instanceof ApiError) {
        form.setIssues(err.issues);
        setError(describe(err));
      } else setError(String(err));
    } finally {
      setBusy(false);
    }
  }
  return { busy, error, setError, run };
}
