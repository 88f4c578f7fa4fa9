/**
 * Back into the evidence: a finished trial's primary and secondary outcomes as a draft entry of the evidence base
 * (the data/ format of src/evidence/schema.ts), with its source entry, for reviewers to check and publish. The
 * draft is marked as such: no risk-of-bias judgement (rob: null, reviewers assess it), counts "derived" from the
 * trial's own data with the derivation said.
 */
import { EvidenceSourceSchema, EvidenceTrialSchema, type EvidenceSource, type EvidenceTrial, type EvidenceTrialOutcome } from "../evidence/schema.js";
import { InputError } from "../shared/errors.js";
import type { PrimaryAnalysis } from "./analysis.js";
import type { TrialProtocol } from "./protocol.js";

export interface OutcomeResult {
  outcome: TrialProtocol["primaryOutcome"];
  analysis: PrimaryAnalysis;
}

export interface EvidenceDraft {
  trial: EvidenceTrial;
  source: EvidenceSource;
}

function evidenceId(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
}

/**
 * Builds the draft from the protocol and the analysed outcomes (primary first). `asOf` (YYYY-MM-DD) dates the
 * extraction; `arms` says which protocol arm is the treatment and which the control.
 */
export function evidenceDraft(protocol: TrialProtocol, results: readonly OutcomeResult[], opts: { asOf: string; treatment: string; control: string }): EvidenceDraft {
  if (results.length === 0) throw new InputError("no analysed outcome to put into the evidence", { field: "outcomes" });
  const armT = protocol.arms.find((a) => a.id === opts.treatment);
  const armC = protocol.arms.find((a) => a.id === opts.control);
  if (armT === undefined || armC === undefined) throw new InputError("treatment and control must be arms of the protocol", { field: "arms" });
  const reg = evidenceId(protocol.registration);
  const sourceId = `decidua-trial-${reg}`;
  const source: EvidenceSource = {
    id: sourceId,
    kind: "trial-report",
    citation: `${protocol.title}. Trial run in Decidua, registration ${protocol.registration}; results as of ${opts.asOf} (not yet published)`,
    noIdentifierReason: `unpublished trial run in Decidua: cite the registration ${protocol.registration} until a report is published`,
    note: "draft created from the trial's own data; a reviewer checks it before publishing",
  };
  const first = results[0] as OutcomeResult;
  const outcomes: EvidenceTrialOutcome[] = results.map((r) => {
    const a = r.analysis;
    const s = a.summary;
    const o: EvidenceTrialOutcome = {
      id: evidenceId(`${r.outcome.id}-${a.set}`),
      outcome: r.outcome.kind,
      definition: r.outcome.label,
      analysis: a.set,
      events_t: a.treatment.events,
      total_t: a.treatment.n,
      events_c: a.control.events,
      total_c: a.control.n,
      status: "derived",
      derivation: `counted by Decidua from the trial's participant data (${a.set === "itt" ? "intention to treat, participants with a known outcome" : "per-protocol set"}) as of ${opts.asOf}${a.treatment.missing + a.control.missing > 0 ? `; outcome not known for ${a.treatment.missing + a.control.missing}` : ""}`,
      reported: { measure: "OR", estimate: round(s.or), ci_low: round(s.or_ci_lb), ci_high: round(s.or_ci_ub), p_text: `P = ${s.fisher_p < 0.001 ? "<0.001" : s.fisher_p.toFixed(3)} (Fisher)` },
      source: sourceId,
    };
    return o;
  });
  const trial: EvidenceTrial = {
    id: `decidua-${reg}`,
    label: `${protocol.title.slice(0, 60)} (${protocol.registration})`,
    year: Number(opts.asOf.slice(0, 4)),
    therapy: protocol.therapy,
    comparison: `${armT.label} vs ${armC.label}`,
    found: true,
    design: {
      randomised: true,
      blinding: protocol.blinding,
      control: armC.placebo ? "placebo" : "unknown",
      controlDetail: armC.label,
      note: `randomisation: ${protocol.randomisation.method}${protocol.strata.length > 0 ? `, stratified by ${protocol.strata.map((f) => f.label ?? f.id).join(", ")}` : ""}; draft from Decidua, not yet reviewed`,
    },
    population: `${first.analysis.treatment.randomised + first.analysis.control.randomised} randomised (${protocol.title})`,
    inclusion: protocol.eligibility.inclusion.length > 0 ? "as in the protocol's eligibility rules (see the trial record)" : "not stated",
    arms: [
      { id: "treatment", label: armT.label, randomised: first.analysis.set === "itt" ? first.analysis.treatment.randomised : null },
      { id: "control", label: armC.label, randomised: first.analysis.set === "itt" ? first.analysis.control.randomised : null },
    ],
    outcomes,
    subgroups: [],
    rob: null,
    source: sourceId,
    note: "DRAFT generated from a trial run in Decidua; check, assess risk of bias and publish",
  };
  // the draft must be what the evidence base accepts
  const t = EvidenceTrialSchema.safeParse(trial);
  if (!t.success) throw new InputError(`the draft is not a valid trial entry: ${t.error.issues[0]?.message ?? ""}`, { field: (t.error.issues[0]?.path ?? []).join(".") });
  const s = EvidenceSourceSchema.safeParse(source);
  if (!s.success) throw new InputError(`the draft source is not valid: ${s.error.issues[0]?.message ?? ""}`);
  return { trial: t.data, source: s.data };
}

function round(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}
