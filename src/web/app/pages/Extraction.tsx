/**
 * Data extraction (issue 11 §4): the list of studies being extracted, a reviewer's extraction form (blinded: another
 * reviewer's form is shown only once both are submitted), the reconciliation screen with every disagreement side by
 * side and its resolve buttons, and the reconciled trial entry.
 */
import type { ComponentChildren, JSX } from "preact";
import { useState } from "preact/hooks";
import type { Disagreement, ResolutionInput, ResolvedDisagreement } from "../../../evidence/extraction.js";
import type { ExtractionsView, StoredReconciliation, StudySummary } from "../../../store/extraction.js";
import { ApiError, api } from "../api.js";
import { Alert, AlertLine, Badge, Button, Card, Empty, PageHead, Spinner } from "../components/ui.js";
import { useAction, useLoad } from "../hooks.js";
import { navigate } from "../router.js";
import { useSession } from "../session.js";
import { THERAPY_IDS } from "../../../shared/therapy-ids.js";

const OUTCOME_KINDS = ["live-birth", "ongoing-pregnancy", "ongoing-pregnancy-20w", "ongoing-pregnancy-22w", "pregnancy-28w", "clinical-pregnancy", "miscarriage", "term-delivery", "healthy-newborn", "adverse-reaction", "success", "birth-weight"];
const ANALYSIS_SETS = ["itt", "per-protocol", "conceived-only", "pregnant-only", "completers", "not-stated"];
const SUBGROUPS = ["", "ana-positive", "ana-negative", "primary-rpl", "secondary-rpl", "apl-positive", "th1-th2-elevated", "il33-sst2-elevated", "nk-elevated", "recurrent-implantation-failure", "bleeding-in-pregnancy", "four-or-more-losses", "pre-conception-start", "post-conception-start"];
const BLINDING = ["double-blind", "single-blind", "open", "unclear", "not-reported"];
const CONTROLS = ["placebo", "no-treatment", "autologous-lymphocytes", "routine-treatment", "basic-therapy-plus-placebo", "surveillance", "unknown"];
// the ids the trial schema accepts (three of the former hand-written ones were refused on reconciliation)
const THERAPIES = THERAPY_IDS;

type Obj = Record<string, unknown>;
type Form = Obj & { outcomes: Obj[]; arms: Obj[] };

function emptyOutcome(i: number): Obj {
  return {
    id: i === 0 ? "live-birth" : `outcome-${i + 1}`,
    outcome: "live-birth",
    definition: "",
    analysis: "not-stated",
    timePoint: "",
    data: { type: "dichotomous", events_t: null, total_t: null, events_c: null, total_c: null },
    status: "missing",
    missingNote: "",
    location: "",
  };
}

function emptyForm(study: string): Form {
  return {
    study,
    source: study,
    design: { randomised: true, nonRandomisedDesign: "", blinding: "not-reported", control: "unknown", controlDetail: "", setting: "" },
    population: { description: "", inclusion: "", exclusion: "", enrolled: null, subgroups: [] },
    arms: [
      { id: "treatment", label: "", intervention: { description: "", dose: "", route: "", timing: "" }, randomised: null },
      { id: "control", label: "", intervention: { description: "", dose: "", route: "", timing: "" }, randomised: null },
    ],
    outcomes: [emptyOutcome(0)],
    notes: "",
  };
}

/** Sets a dotted path in a copy of the form (list indexes as numbers). */
function setPath<T extends Obj>(root: T, path: string, value: unknown): T {
  const copy = structuredClone(root);
  const keys = path.split(".");
  let node: Obj = copy;
  keys.slice(0, -1).forEach((k) => {
    node = node[k] as Obj;
  });
  node[keys[keys.length - 1]!] = value;
  return copy;
}

function getPath(root: Obj, path: string): unknown {
  return path.split(".").reduce<unknown>((n, k) => (n !== null && typeof n === "object" ? (n as Obj)[k] : undefined), root);
}

/** Removes empty optional fields so the form matches the schema (an empty note is "no note"). */
function cleaned(form: Form): Form {
  const f = structuredClone(form);
  f.outcomes = f.outcomes.map((o) => {
    const c = { ...o };
    for (const k of ["missingNote", "subgroup", "statedDirection"]) if (c[k] === "" || c[k] === undefined) delete c[k];
    if (c.status !== "derived") delete c.derivation;
    return c;
  });
  return f;
}

function Text(props: { form: Obj; path: string; label: string; set: (p: string, v: unknown) => void; errField: string | undefined; area?: boolean; span?: boolean }): JSX.Element {
  const v = getPath(props.form, props.path);
  const invalid = props.errField === props.path;
  const onInput = (e: Event): void => props.set(props.path, (e.target as HTMLInputElement).value);
  return (
    <label class={props.span === true ? "field span-2" : "field"}>
      <span>{props.label}</span>
      {props.area === true ? (
        <textarea class="input" name={props.path} aria-invalid={invalid} value={typeof v === "string" ? v : ""} onInput={onInput} />
      ) : (
        <input class="input" name={props.path} aria-invalid={invalid} value={typeof v === "string" ? v : ""} onInput={onInput} />
      )}
    </label>
  );
}

function Num(props: { form: Obj; path: string; label: string; set: (p: string, v: unknown) => void; errField: string | undefined; step?: string }): JSX.Element {
  const v = getPath(props.form, props.path);
  return (
    <label class="field">
      <span>{props.label}</span>
      <input
        class="input"
        type="number"
        step={props.step ?? "1"}
        name={props.path}
        aria-invalid={props.errField === props.path}
        value={typeof v === "number" ? String(v) : ""}
        onInput={(e) => {
          const s = (e.target as HTMLInputElement).value;
          props.set(props.path, s === "" ? null : Number(s));
        }}
      />
    </label>
  );
}

function Choice(props: { form: Obj; path: string; label: string; options: readonly string[]; set: (p: string, v: unknown) => void }): JSX.Element {
  const v = getPath(props.form, props.path);
  return (
    <label class="field">
      <span>{props.label}</span>
      <select class="input" name={props.path} value={typeof v === "string" ? v : ""} onChange={(e) => props.set(props.path, (e.target as HTMLSelectElement).value)}>
        {props.options.map((o) => (
          <option value={o}>{o === "" ? "—" : o}</option>
        ))}
      </select>
    </label>
  );
}

function Group(props: { legend: string; children: ComponentChildren }): JSX.Element {
  return (
    <fieldset class="group">
      <legend>{props.legend}</legend>
      <div class="form-grid">{props.children}</div>
    </fieldset>
  );
}

export function ExtractionListPage(): JSX.Element {
  const list = useLoad(() => api<{ studies: StudySummary[] }>("GET", "/api/extraction/studies"), []);
  const [study, setStudy] = useState("");
  return (
    <div class="stack">
      <PageHead title="Data extraction" sub="Two reviewers extract each study independently; a reviewer sees the other's form only once both are submitted. Disagreements are then reconciled one by one." />
      <Card title="Start or continue a study">
        <div class="row">
          <label class="field">
            <span>Study id (as in the evidence base, e.g. dashti-2025)</span>
            <input class="input" name="study" value={study} onInput={(e) => setStudy((e.target as HTMLInputElement).value.trim())} />
          </label>
          <Button variant="primary" disabled={!/^[a-z0-9][a-z0-9-]*$/.test(study)} onClick={() => navigate(`/extraction/${study}`)}>
            Open study
          </Button>
        </div>
      </Card>
      <Card title="Studies">
        {list.error ? <Alert tone="error">{list.error.message}</Alert> : null}
        {list.data === null ? (
          <Spinner />
        ) : list.data.studies.length === 0 ? (
          <Empty title="No extraction yet" />
        ) : (
          <ul class="list-plain">
            {list.data.studies.map((s) => (
              <li>
                <a href={`/extraction/${s.study}`}>{s.study}</a> {s.extractions.map((e) => `${e.reviewer}: ${e.status}`).join(", ")} {s.reconciled ? <Badge tone="ok" small>reconciled</Badge> : null}
              </li>
            ))}
          </ul>
        )}
      </Card>
    </div>
  );
}

function ExtractionForm(props: { study: string; initial: Form | null; submitted: boolean; onSaved: () => void }): JSX.Element {
  const [form, setForm] = useState<Form>(props.initial ?? emptyForm(props.study));
  const [err, setErr] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState("");
  const set = (p: string, v: unknown): void => setForm((f) => setPath(f, p, v));
  const ef = err?.field;
  const save = async (submit: boolean): Promise<void> => {
    setBusy(true);
    setErr(null);
    setSaved("");
    try {
      await api("PUT", `/api/extraction/studies/${props.study}/mine`, { content: cleaned(form), submit });
      setSaved(submit ? "Submitted. Your extraction is now fixed." : "Draft saved.");
      props.onSaved();
    } catch (e) {
      setErr(e instanceof ApiError ? e : new ApiError(0, { error: { message: String(e) } }));
    } finally {
      setBusy(false);
    }
  };
  const p = { form, set, errField: ef };
  return (
    <Card title="My extraction" id="my-extraction" actions={props.submitted ? <Badge tone="ok">submitted</Badge> : <Badge tone="muted">draft</Badge>}>
      <fieldset disabled={props.submitted} class="stack" style="border:0;padding:0;margin:0">
        <Group legend="Design">
          <label class="check">
            <input type="checkbox" name="design.randomised" checked={getPath(form, "design.randomised") === true} onChange={(e) => set("design.randomised", (e.target as HTMLInputElement).checked)} /> Randomised
          </label>
          <Text {...p} path="design.nonRandomisedDesign" label="Non-randomised design (if any)" />
          <Choice {...p} path="design.blinding" label="Blinding" options={BLINDING} />
          <Choice {...p} path="design.control" label="Control" options={CONTROLS} />
          <Text {...p} path="design.controlDetail" label="Control detail" />
          <Text {...p} path="design.setting" label="Setting" />
          <Text {...p} path="source" label="Source id" />
        </Group>
        <Group legend="Population">
          <Text {...p} path="population.description" label="Description" span />
          <Text {...p} path="population.inclusion" label="Inclusion" span />
          <Text {...p} path="population.exclusion" label="Exclusion" />
          <Num {...p} path="population.enrolled" label="Enrolled (n)" />
          <label class="field">
            <span>Subgroups (comma-separated)</span>
            <input
              class="input"
              name="population.subgroups"
              value={(getPath(form, "population.subgroups") as string[]).join(", ")}
              onInput={(e) =>
                set(
                  "population.subgroups",
                  (e.target as HTMLInputElement).value
                    .split(",")
                    .map((s) => s.trim())
                    .filter((s) => s !== ""),
                )
              }
            />
          </label>
        </Group>
        {form.arms.map((_, i) => (
          <Group legend={`Arm: ${String(form.arms[i]!.id)}`}>
            <Text {...p} path={`arms.${i}.label`} label="Label" />
            <Text {...p} path={`arms.${i}.intervention.description`} label="Intervention" />
            <Text {...p} path={`arms.${i}.intervention.dose`} label="Dose" />
            <Text {...p} path={`arms.${i}.intervention.route`} label="Route" />
            <Text {...p} path={`arms.${i}.intervention.timing`} label="Timing" />
            <Num {...p} path={`arms.${i}.randomised`} label="Allocated (n)" />
          </Group>
        ))}
        {form.outcomes.map((o, i) => {
          const d = o.data as Obj;
          const base = `outcomes.${i}`;
          return (
            <Group legend={`Outcome ${i + 1}`}>
              <Text {...p} path={`${base}.id`} label="Outcome id" />
              <Choice {...p} path={`${base}.outcome`} label="Outcome" options={OUTCOME_KINDS} />
              <Text {...p} path={`${base}.definition`} label="Definition (trial's own)" span />
              <Choice {...p} path={`${base}.analysis`} label="Analysis set" options={ANALYSIS_SETS} />
              <Text {...p} path={`${base}.timePoint`} label="Time point" />
              <Choice {...p} path={`${base}.subgroup`} label="Subgroup" options={SUBGROUPS} />
              <label class="field">
                <span>Data</span>
                <select
                  class="input"
                  name={`${base}.data.type`}
                  value={String(d.type)}
                  onChange={(e) =>
                    set(
                      `${base}.data`,
                      (e.target as HTMLSelectElement).value === "continuous"
                        ? { type: "continuous", unit: "", mean_t: null, sd_t: null, n_t: null, mean_c: null, sd_c: null, n_c: null }
                        : { type: "dichotomous", events_t: null, total_t: null, events_c: null, total_c: null },
                    )
                  }
                >
                  <option value="dichotomous">counts (events / total)</option>
                  <option value="continuous">mean / SD / n</option>
                </select>
              </label>
              {d.type === "dichotomous" ? (
                <>
                  <Num {...p} path={`${base}.data.events_t`} label="Events, treatment" />
                  <Num {...p} path={`${base}.data.total_t`} label="Total, treatment" />
                  <Num {...p} path={`${base}.data.events_c`} label="Events, control" />
                  <Num {...p} path={`${base}.data.total_c`} label="Total, control" />
                </>
              ) : (
                <>
                  <Text {...p} path={`${base}.data.unit`} label="Unit" />
                  <Num {...p} path={`${base}.data.mean_t`} label="Mean, treatment" step="any" />
                  <Num {...p} path={`${base}.data.sd_t`} label="SD, treatment" step="any" />
                  <Num {...p} path={`${base}.data.n_t`} label="n, treatment" />
                  <Num {...p} path={`${base}.data.mean_c`} label="Mean, control" step="any" />
                  <Num {...p} path={`${base}.data.sd_c`} label="SD, control" step="any" />
                  <Num {...p} path={`${base}.data.n_c`} label="n, control" />
                </>
              )}
              <Choice {...p} path={`${base}.status`} label="Numbers are" options={["reported", "derived", "missing"]} />
              {o.status === "derived" ? (
                <>
                  <label class="field">
                    <span>Derived how</span>
                    <select
                      class="input"
                      name={`${base}.derivation.method`}
                      value={String((o.derivation as Obj | undefined)?.method ?? "from-percentage")}
                      onChange={(e) => set(`${base}.derivation`, { method: (e.target as HTMLSelectElement).value, note: String((o.derivation as Obj | undefined)?.note ?? "") })}
                    >
                      <option value="from-percentage">from a percentage</option>
                      <option value="from-arm-sizes">from the arm sizes</option>
                      <option value="from-figure">read from a figure</option>
                      <option value="other">other</option>
                    </select>
                  </label>
                  <label class="field span-2">
                    <span>Derivation (the arithmetic)</span>
                    <input
                      class="input"
                      name={`${base}.derivation.note`}
                      aria-invalid={ef === `${base}.derivation`}
                      value={String((o.derivation as Obj | undefined)?.note ?? "")}
                      onInput={(e) => set(`${base}.derivation`, { method: String((o.derivation as Obj | undefined)?.method ?? "from-percentage"), note: (e.target as HTMLInputElement).value })}
                    />
                  </label>
                </>
              ) : null}
              <Text {...p} path={`${base}.missingNote`} label="Missing numbers (what the report gives instead)" span />
              <Choice {...p} path={`${base}.statedDirection`} label="Direction stated" options={["", "favours treatment", "no clear difference", "favours control"]} />
              <Text {...p} path={`${base}.location`} label="Where in the report" />
            </Group>
          );
        })}
        <div class="row">
          <Button size="sm" onClick={() => setForm((f) => ({ ...f, outcomes: [...f.outcomes, emptyOutcome(f.outcomes.length)] }))}>
            Add outcome
          </Button>
        </div>
        <Text {...p} path="notes" label="Notes" area />
      </fieldset>
      {err ? (
        <Alert tone="error">
          <span data-testid="extraction-error">{err.message}</span>
        </Alert>
      ) : null}
      {saved !== "" ? <Alert tone="ok">{saved}</Alert> : null}
      {props.submitted ? null : (
        <div class="row">
          <Button busy={busy} onClick={() => void save(false)}>
            Save draft
          </Button>
          <Button variant="primary" busy={busy} onClick={() => void save(true)}>
            Submit extraction
          </Button>
        </div>
      )}
    </Card>
  );
}

const show = (v: unknown): string => (v === undefined ? "(not entered)" : JSON.stringify(v, null, 1));

function ReconcileScreen(props: { study: string; onDone: () => void }): JSX.Element {
  const cmp = useLoad(() => api<{ reviewerA: string; reviewerB: string; disagreements: Disagreement[] }>("GET", `/api/extraction/studies/${props.study}/disagreements`), [props.study]);
  const [choices, setChoices] = useState<Record<string, ResolutionInput>>({});
  const [newValues, setNewValues] = useState<Record<string, { value: string; reason: string }>>({});
  const year = /-(\d{4})$/.exec(props.study)?.[1];
  const [meta, setMeta] = useState({
    therapy: "lit",
    label: props.study.replace(/-(\d{4})$/, " $1").replace(/^./, (c) => c.toUpperCase()),
    year: year !== undefined ? Number(year) : null,
    comparison: "",
  });
  const action = useAction();
  if (cmp.error) return <Alert tone="info">{cmp.error.message}</Alert>;
  if (cmp.data === null) return <Spinner />;
  const ds = cmp.data.disagreements;
  const choose = (path: string, r: ResolutionInput): void => setChoices((c) => ({ ...c, [path]: r }));
  const submit = () =>
    action.run(async () => {
      await api("POST", `/api/extraction/studies/${props.study}/reconciliation`, { resolutions: ds.map((d) => choices[d.path]).filter((r) => r !== undefined), meta });
      props.onDone();
    });
  return (
    <Card title={`Reconciliation: ${ds.length} disagreement(s)`} id="reconcile">
      <div class="table-wrap">
        <table class="data" data-testid="disagreements">
          <thead>
            <tr>
              <th>Field</th>
              <th>{cmp.data.reviewerA} (A)</th>
              <th>{cmp.data.reviewerB} (B)</th>
              <th>Resolution</th>
            </tr>
          </thead>
          <tbody>
            {ds.map((d) => {
              const c = choices[d.path];
              const nv = newValues[d.path] ?? { value: "", reason: "" };
              return (
                <tr data-path={d.path}>
                  <td>
                    <code>{d.path}</code>
                  </td>
                  <td>
                    <pre class="small">{show(d.a)}</pre>
                  </td>
                  <td>
                    <pre class="small">{show(d.b)}</pre>
                  </td>
                  <td class="stack">
                    <div class="row">
                      <Button size="sm" variant={c?.choice === "a" ? "primary" : undefined} onClick={() => choose(d.path, { path: d.path, choice: "a" })}>
                        Take A
                      </Button>
                      <Button size="sm" variant={c?.choice === "b" ? "primary" : undefined} onClick={() => choose(d.path, { path: d.path, choice: "b" })}>
                        Take B
                      </Button>
                    </div>
                    <label class="field">
                      <span>Or a new value (JSON)</span>
                      <input class="input" name={`new-${d.path}`} value={nv.value} onInput={(e) => setNewValues((m) => ({ ...m, [d.path]: { ...nv, value: (e.target as HTMLInputElement).value } }))} />
                    </label>
                    <label class="field">
                      <span>Reason</span>
                      <input
                        class="input"
                        name={`reason-${d.path}`}
                        value={c !== undefined && c.choice !== "new" ? (c.reason ?? "") : nv.reason}
                        onInput={(e) => {
                          const reason = (e.target as HTMLInputElement).value;
                          if (c !== undefined && c.choice !== "new") choose(d.path, { ...c, reason });
                          else setNewValues((m) => ({ ...m, [d.path]: { ...nv, reason } }));
                        }}
                      />
                    </label>
                    <Button
                      size="sm"
                      variant={c?.choice === "new" ? "primary" : undefined}
                      onClick={() => {
                        try {
                          choose(d.path, { path: d.path, choice: "new", value: JSON.parse(nv.value) as never, reason: nv.reason });
                          action.clear();
                        } catch {
                          action.setError(`${d.path}: the new value is not valid JSON (numbers as 12, text in "quotes", empty as null)`);
                        }
                      }}
                    >
                      Use new value
                    </Button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <div class="form-grid">
        <label class="field">
          <span>Therapy</span>
          <select class="input" name="meta.therapy" value={meta.therapy} onChange={(e) => setMeta({ ...meta, therapy: (e.target as HTMLSelectElement).value })}>
            {THERAPIES.map((t) => (
              <option value={t}>{t}</option>
            ))}
          </select>
        </label>
        <label class="field">
          <span>Trial label</span>
          <input class="input" name="meta.label" value={meta.label} onInput={(e) => setMeta({ ...meta, label: (e.target as HTMLInputElement).value })} />
        </label>
        <label class="field">
          <span>Year</span>
          <input class="input" type="number" name="meta.year" value={meta.year === null ? "" : String(meta.year)} onInput={(e) => setMeta({ ...meta, year: (e.target as HTMLInputElement).value === "" ? null : Number((e.target as HTMLInputElement).value) })} />
        </label>
        <label class="field span-2">
          <span>Comparison</span>
          <input class="input" name="meta.comparison" value={meta.comparison} onInput={(e) => setMeta({ ...meta, comparison: (e.target as HTMLInputElement).value })} />
        </label>
      </div>
      <AlertLine tone="error" testId="reconcile-error" text={action.error} />
      <div class="row">
        <Button variant="primary" busy={action.busy} onClick={() => void submit()}>
          Save reconciliation
        </Button>
        <span class="small muted">
          {Object.keys(choices).length} of {ds.length} resolved
        </span>
      </div>
    </Card>
  );
}

function describeResolution(r: ResolvedDisagreement): string {
  const how = r.choice === "a" ? "took A" : r.choice === "b" ? "took B" : "new value";
  return `${how}: ${show(r.value)}${r.reason !== "" ? ` (${r.reason})` : ""}`;
}

/**
 * Puts the reconciled trial entry into the evidence draft (the evidence-version routes, /api/evidence/draft): replaces
 * the trial if the draft has it, else adds it. Nothing reaches clinicians until the draft is published.
 */
async function toDraft(study: string, entry: unknown, why: string): Promise<string> {
  try {
    await api("PUT", `/api/evidence/draft/trials/${study}`, { why, entry });
    return "replaced in the evidence draft";
  } catch (e) {
    if (!(e instanceof ApiError) || e.status !== 404) throw e;
    await api("POST", "/api/evidence/draft/trials", { why, entry });
    return "added to the evidence draft";
  }
}

function ReconciledView(props: { study: string; rec: StoredReconciliation }): JSX.Element {
  const entry = useLoad(() => api<{ entry: unknown; rob?: { note: string } }>("GET", `/api/extraction/studies/${props.study}/trial-entry`), [props.study]);
  const [draftMsg, setDraftMsg] = useState<{ tone: "ok" | "error"; text: string } | null>(null);
  return (
    <Card title="Reconciled" id="reconciled">
      <p class="small muted">
        Reconciled by {props.rec.reconciledBy} on {props.rec.reconciledAt.slice(0, 10)} from the extractions of {props.rec.reviewerA} (A) and {props.rec.reviewerB} (B).
      </p>
      <ul class="list-plain" data-testid="resolutions">
        {props.rec.resolutions.length === 0 ? <li>The two extractions agreed in every field.</li> : null}
        {props.rec.resolutions.map((r) => (
          <li>
            <code>{r.path}</code>: A {show(r.a)}, B {show(r.b)}; {describeResolution(r)}
          </li>
        ))}
      </ul>
      <h3>Trial entry for the evidence draft</h3>
      {entry.error ? <Alert tone="error">{entry.error.message}</Alert> : null}
      {entry.data?.rob !== undefined ? (
        <p class="small" data-testid="trial-entry-rob">
          Risk of bias in the entry: {entry.data.rob.note}
        </p>
      ) : null}
      {entry.data === null ? <Spinner /> : <pre class="small" data-testid="trial-entry">{JSON.stringify(entry.data.entry, null, 2)}</pre>}
      {entry.data !== null ? (
        <div class="row">
          <Button
            onClick={() => {
              const data = entry.data;
              if (data === null) return;
              toDraft(props.study, data.entry, `data extraction of ${props.study} reconciled by ${props.rec.reconciledBy} (${props.rec.resolutions.length} disagreement(s) resolved)`).then(
                (text) => setDraftMsg({ tone: "ok", text: `The trial entry was ${text}; publish the draft to make it count.` }),
                (e: unknown) => setDraftMsg({ tone: "error", text: e instanceof Error ? e.message : String(e) }),
              );
            }}
          >
            Put into the evidence draft
          </Button>
        </div>
      ) : null}
      {draftMsg !== null ? <Alert tone={draftMsg.tone}>{draftMsg.text}</Alert> : null}
    </Card>
  );
}

export function ExtractionStudyPage(props: { study: string }): JSX.Element {
  const { user } = useSession();
  const view = useLoad(() => api<ExtractionsView & { reconciliation: StoredReconciliation | null }>("GET", `/api/extraction/studies/${props.study}`), [props.study]);
  if (view.error) return <Alert tone="error">{view.error.message}</Alert>;
  if (view.data === null) return <Spinner />;
  const v = view.data;
  const mine = v.extractions.find((e) => e.reviewerId === user.id);
  const others = v.extractions.filter((e) => e.reviewerId !== user.id);
  const bothSubmitted = v.extractions.length >= 2 && v.extractions.every((e) => e.status === "submitted");
  return (
    <div class="stack">
      <PageHead
        title={`Extraction: ${props.study}`}
        sub={
          <span data-testid="extraction-status">
            {v.extractions.length === 0 ? "No extraction yet." : v.extractions.map((e) => `${e.reviewer}: ${e.status}${e.blinded ? " (hidden until both are submitted)" : ""}`).join(" · ")}
          </span>
        }
      />
      {v.reconciliation !== null ? (
        <ReconciledView study={props.study} rec={v.reconciliation} />
      ) : (
        <>
          {others.length < 2 ? <ExtractionForm key={props.study} study={props.study} initial={(mine?.content as Form | undefined) ?? null} submitted={mine?.status === "submitted"} onSaved={view.reload} /> : null}
          {bothSubmitted ? <ReconcileScreen study={props.study} onDone={view.reload} /> : <Alert tone="info">The reconciliation opens once both independent extractions are submitted.</Alert>}
        </>
      )}
    </div>
  );
}
