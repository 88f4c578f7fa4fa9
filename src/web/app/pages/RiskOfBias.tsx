/**
 * Risk of bias (issue 11 §5): the RoB 2 (randomised) and ROBINS-I (non-randomised) questionnaires with the
 * algorithm's judgement computed live in the browser from the same pure rules the server stores
 * (src/evidence/rob2.ts, robins-i.ts), an override per domain only with a written reason, and robvis-style
 * traffic-light and summary plots drawn from the stored judgements. RoB 1 judgements of the evidence base stay
 * readable in the evidence browser.
 */
import type { JSX } from "preact";
import { useMemo, useState } from "preact/hooks";
import { ROB2_ALGORITHMS, ROB2_DOMAINS, ROB2_DOMAIN_LABELS, ROB2_QUESTIONS, domainAnswerProblems, rob2Overall } from "../../../evidence/rob2.js";
import { ROBINS_ALGORITHMS, ROBINS_DOMAINS, ROBINS_DOMAIN_LABELS, ROBINS_QUESTIONS, robinsAnswerProblems, robinsOverall } from "../../../evidence/robins-i.js";
import type { StoredRobAssessment } from "../../../store/extraction.js";
import { api } from "../api.js";
import { RemoteSvg } from "../components/Svg.js";
import { AlertLine, Badge, Button, Card, PageHead } from "../components/ui.js";
import { useAction } from "../hooks.js";

type ToolId = "rob2" | "robins-i";
type Answers = Record<string, string>;

interface Question {
  id: string;
  domain: string;
  text: string;
  options: readonly string[];
  appliesWhen?: { text: string; test: (a: Answers) => boolean };
}

interface Tool {
  name: string;
  domains: readonly string[];
  labels: Record<string, string>;
  questions: readonly Question[];
  judgements: readonly string[];
  problems: (d: string, a: Answers) => string[];
  algorithm: (d: string, a: Answers) => { leaf: string; judgement: string };
  overall: (js: string[]) => string;
}

const TOOLS: Record<ToolId, Tool> = {
  rob2: {
    name: "RoB 2 (randomised trials)",
    domains: ROB2_DOMAINS,
    labels: ROB2_DOMAIN_LABELS,
    questions: ROB2_QUESTIONS as readonly Question[],
    judgements: ["low", "some concerns", "high"],
    problems: (d, a) => domainAnswerProblems(d as (typeof ROB2_DOMAINS)[number], a as never),
    algorithm: (d, a) => ROB2_ALGORITHMS[d as (typeof ROB2_DOMAINS)[number]](a as never),
    overall: (js) => rob2Overall(js as never),
  },
  "robins-i": {
    name: "ROBINS-I (non-randomised studies)",
    domains: ROBINS_DOMAINS,
    labels: ROBINS_DOMAIN_LABELS,
    questions: ROBINS_QUESTIONS as readonly Question[],
    judgements: ["low", "moderate", "serious", "critical", "no information"],
    problems: (d, a) => robinsAnswerProblems(d as (typeof ROBINS_DOMAINS)[number], a as never),
    algorithm: (d, a) => ROBINS_ALGORITHMS[d as (typeof ROBINS_DOMAINS)[number]](a as never),
    overall: (js) => robinsOverall(js as never),
  },
};

const TONE: Record<string, string> = { low: "ok", "some concerns": "warn", moderate: "warn", high: "danger", serious: "danger", critical: "danger", "no information": "info", "not assessed": "muted", incomplete: "muted" };

/** The answers of the questions that apply, in order (an answer to a question that no longer applies is dropped). */
function applicable(tool: Tool, domain: string, answers: Answers): { qs: Question[]; answers: Answers } {
  const out: Answers = {};
  const qs: Question[] = [];
  for (const q of tool.questions.filter((x) => x.domain === domain)) {
    if (q.appliesWhen !== undefined && !q.appliesWhen.test(out)) continue;
    qs.push(q);
    const a = answers[q.id];
    if (a !== undefined && a !== "") out[q.id] = a;
  }
  return { qs, answers: out };
}

export function RiskOfBiasPage(): JSX.Element {
  const [toolId, setToolId] = useState<ToolId>("rob2");
  const tool = TOOLS[toolId];
  const [study, setStudy] = useState("");
  const [outcome, setOutcome] = useState("");
  const [answers, setAnswers] = useState<Record<string, Answers>>({});
  const [overrides, setOverrides] = useState<Record<string, { judgement: string; reason: string }>>({});
  const action = useAction();
  const [saved, setSaved] = useState<StoredRobAssessment | null>(null);
  const [plotTick, setPlotTick] = useState(0);

  const live = useMemo(() => {
    const rows = tool.domains.map((d) => {
      const { qs, answers: a } = applicable(tool, d, answers[d] ?? {});
      if (Object.keys(a).length === 0) return { d, qs, a, algorithm: "not assessed", leaf: null as string | null, problems: [] as string[] };
      const problems = tool.problems(d, a);
      if (problems.length > 0) return { d, qs, a, algorithm: "incomplete", leaf: null, problems };
      const l = tool.algorithm(d, a);
      return { d, qs, a, algorithm: l.judgement, leaf: l.leaf, problems };
    });
    const finals = rows.map((r) => {
      const o = overrides[r.d];
      if (o !== undefined && o.judgement !== "" && r.algorithm !== "not assessed" && r.algorithm !== "incomplete") return o.judgement;
      return r.algorithm === "incomplete" ? "not assessed" : r.algorithm;
    });
    return { rows, finals, overall: tool.overall(finals) };
  }, [tool, answers, overrides]);

  const switchTool = (t: ToolId): void => {
    setToolId(t);
    setAnswers({});
    setOverrides({});
    setSaved(null);
    action.clear();
  };

  const save = async (): Promise<void> => {
    setSaved(null);
    const ans: Record<string, Answers> = {};
    const ovr: Record<string, { judgement: string; reason: string }> = {};
    for (const r of live.rows) {
      if (Object.keys(r.a).length > 0) ans[r.d] = r.a;
      const o = overrides[r.d];
      if (o !== undefined && o.judgement !== "") ovr[r.d] = o;
    }
    await action.run(async () => {
      const r = await api<{ assessment: StoredRobAssessment }>("POST", "/api/rob/assessments", { tool: toolId, assessment: { study, ...(outcome !== "" ? { outcome } : {}), answers: ans, overrides: ovr } });
      setSaved(r.assessment);
      setPlotTick((t) => t + 1);
    });
  };

  return (
    <div class="stack">
      <PageHead title="Risk of bias" sub="Answer the signalling questions; the tool's algorithm proposes each domain's judgement as you go. A judgement can be overridden only with a written reason, kept beside the algorithm's." />
      <Card title="Assessment">
        <div class="form-grid">
          <label class="field">
            <span>Tool</span>
            <select class="input" name="tool" value={toolId} onChange={(e) => switchTool((e.target as HTMLSelectElement).value as ToolId)}>
              <option value="rob2">{TOOLS.rob2.name}</option>
              <option value="robins-i">{TOOLS["robins-i"].name}</option>
            </select>
          </label>
          <label class="field">
            <span>Study id</span>
            <input class="input" name="study" value={study} onInput={(e) => setStudy((e.target as HTMLInputElement).value.trim())} />
          </label>
          <label class="field">
            <span>Outcome / result assessed</span>
            <input class="input" name="outcome" value={outcome} onInput={(e) => setOutcome((e.target as HTMLInputElement).value)} />
          </label>
        </div>
      </Card>
      {live.rows.map((r) => (
        <Card
          title={`${r.d}: ${tool.labels[r.d] ?? r.d}`}
          id={`domain-${r.d}`}
          actions={
            <span data-testid={`algorithm-${r.d}`} data-judgement={r.algorithm}>
              <Badge tone={TONE[r.algorithm] ?? "muted"}>Algorithm: {r.algorithm}{r.leaf !== null ? ` (${r.leaf})` : ""}</Badge>
            </span>
          }
        >
          <div class="form-grid">
            {r.qs.map((q) => (
              <label class="field span-2">
                <span>
                  {q.id} {q.text}
                </span>
                <select
                  class="input"
                  name={`q-${q.id}`}
                  value={answers[r.d]?.[q.id] ?? ""}
                  onChange={(e) => setAnswers((all) => ({ ...all, [r.d]: { ...(all[r.d] ?? {}), [q.id]: (e.target as HTMLSelectElement).value } }))}
                >
                  <option value="">—</option>
                  {q.options
                    .filter((o) => o !== "NA")
                    .map((o) => (
                      <option value={o}>{o}</option>
                    ))}
                </select>
              </label>
            ))}
            <label class="field">
              <span>Override judgement</span>
              <select
                class="input"
                name={`override-${r.d}`}
                value={overrides[r.d]?.judgement ?? ""}
                onChange={(e) => setOverrides((o) => ({ ...o, [r.d]: { judgement: (e.target as HTMLSelectElement).value, reason: o[r.d]?.reason ?? "" } }))}
              >
                <option value="">(keep the algorithm's)</option>
                {tool.judgements.map((j) => (
                  <option value={j}>{j}</option>
                ))}
              </select>
            </label>
            {overrides[r.d]?.judgement ? (
              <label class="field span-2">
                <span>Reason for the override (required)</span>
                <input class="input" name={`reason-${r.d}`} value={overrides[r.d]?.reason ?? ""} onInput={(e) => setOverrides((o) => ({ ...o, [r.d]: { judgement: o[r.d]?.judgement ?? "", reason: (e.target as HTMLInputElement).value } }))} />
              </label>
            ) : null}
          </div>
          {r.problems.length > 0 ? <p class="small muted">{r.problems.join("; ")}</p> : null}
        </Card>
      ))}
      <Card title="Overall">
        <p>
          Overall judgement:{" "}
          <span data-testid="overall-judgement" data-judgement={live.overall}>
            <Badge tone={TONE[live.overall] ?? "muted"}>{live.overall}</Badge>
          </span>
        </p>
        <AlertLine tone="error" testId="rob-error" text={action.error} />
        <AlertLine tone="ok" testId="rob-saved" text={saved === null ? null : `Saved as version ${saved.version}: algorithm ${saved.overallAlgorithm}, final ${saved.overallFinal}.`} />
        {saved !== null ? <RobIntoDraft tool={saved.tool} study={saved.study} outcome={saved.outcome} /> : null}
        <Button variant="primary" busy={action.busy} disabled={study === ""} onClick={() => void save()}>
          Save assessment
        </Button>
      </Card>
      <Card title={`Stored ${toolId === "rob2" ? "RoB 2" : "ROBINS-I"} judgements`}>
        <RemoteSvg key={`tl-${toolId}-${plotTick}`} src={`/api/rob/${toolId}/traffic-light.svg`} label="Traffic-light plot" testId="rob-traffic-light" />
        <RemoteSvg key={`su-${toolId}-${plotTick}`} src={`/api/rob/${toolId}/summary.svg`} label="Summary plot" testId="rob-summary" />
        <p class="small muted">
          RoB 1 judgements of the evidence base remain in the evidence browser (each therapy's risk-of-bias plots).
        </p>
      </Card>
    </div>
  );
}

/**
 * "Use this RoB 2 / ROBINS-I in the evidence draft" for a study the draft already holds (POST
 * /api/rob/assessments/:tool/:study/into-draft): the entry's rob2 (randomised) or robinsI (non-randomised) becomes this
 * assessment, one revision with the reason. A new study gets its assessment when its reconciled extraction is put
 * into the draft (the extraction page).
 */
function RobIntoDraft(props: { tool: ToolId; study: string; outcome: string }): JSX.Element {
  const name = props.tool === "rob2" ? "RoB 2" : "ROBINS-I";
  const [why, setWhy] = useState("");
  const [done, setDone] = useState<string | null>(null);
  const action = useAction();
  const go = () =>
    action.run(async () => {
      setDone(null);
      type Field = { outcome: string; overall: string };
      const r = await api<{ rob2?: Field; robinsI?: Field; lastRevision: number }>("POST", `/api/rob/assessments/${props.tool}/${encodeURIComponent(props.study)}/into-draft`, { outcome: props.outcome, why });
      const f = r.rob2 ?? r.robinsI;
      setDone(`In the evidence draft as revision #${r.lastRevision}: ${props.study}, outcome ${f?.outcome ?? "?"}, overall ${f?.overall ?? "?"}. Publish the draft to make it count.`);
    });
  return (
    <div class="row" data-testid="rob-into-draft">
      <label class="field" style="flex:1">
        <span class="label">Reason for the draft change</span>
        <input class="input" value={why} onInput={(e) => setWhy(e.currentTarget.value)} aria-label="Reason for the draft change" />
      </label>
      <Button busy={action.busy} disabled={why.trim().length < 3} onClick={() => void go()}>
        Use this {name} in the evidence draft
      </Button>
      <AlertLine tone="ok" testId="rob-into-draft-message" text={done} />
      <AlertLine tone="error" testId="rob-into-draft-message" text={action.error} />
    </div>
  );
}
