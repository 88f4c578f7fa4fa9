/**
 * One study's risk-of-bias judgement for one result, whichever tool judged it: RoB 2 (randomised trials), ROBINS-I
 * (non-randomised studies) or RoB 1 (entries from older reviews), on the three-level scale GRADE's risk-of-bias domain
 * weighs (low / some concerns / high), with "not assessed" kept as such and the tool's own judgement beside. Pure.
 *
 * ROBINS-I onto that scale (GRADE guidance 18, Schünemann HJ et al., J Clin Epidemiol 2019;111:105-114: a body of
 * non-randomised evidence assessed with ROBINS-I starts high and is rated down for risk of bias): low → low,
 * moderate → some concerns, serious and critical → high (critical is named in the basis: GRADE may rate down
 * further), no information → not assessed (the risk is unknown; the basis says "no information").
 */
import type { TrialRobJudgement } from "./grade-outcomes.js";
import { ROB2_DOMAINS, type Rob2Assessment } from "./rob2.js";
import { ROBINS_DOMAINS, type RobinsAssessment, type RobinsJudgement } from "./robins-i.js";
import { ROB1_DOMAINS, type EvidenceTrial, type RobAssessment } from "./schema.js";

export type StudyRobTool = "RoB 2" | "ROBINS-I" | "RoB 1" | "none";

export interface StudyRob {
  judgement: TrialRobJudgement;
  tool: StudyRobTool;
  /** The tool's own overall judgement ("serious", "unclear", …), or "not assessed". */
  native: string;
  /** How the judgement was obtained, e.g. "RoB 2 overall (algorithm; decidua)" or "ROBINS-I overall serious (rules; …)". */
  basis: string;
}

/** Assessments held outside the base (the extraction store, a CLI file) that come before the entries' own. */
export interface StudyRobOptions {
  /** The result's outcome kind or name (e.g. "live-birth"), matched as well as the row id. */
  outcome?: string;
  rob2?: readonly Rob2Assessment[];
  robinsI?: readonly RobinsAssessment[];
}

const ROBINS_ON_GRADE_SCALE: Record<RobinsJudgement, TrialRobJudgement> = {
  low: "low",
  moderate: "some concerns",
  serious: "high",
  critical: "high",
  "no information": "not assessed",
};

/** What one tool said, before it is put on the GRADE scale. */
interface Reading {
  tool: "RoB 2" | "ROBINS-I";
  overall: string;
  how: string;
  assessor: string | null;
  missing: string[];
}

function onScale(r: Reading): StudyRob {
  const judgement = r.tool === "RoB 2" ? (r.overall as TrialRobJudgement) : r.overall === "not assessed" ? "not assessed" : ROBINS_ON_GRADE_SCALE[r.overall as RobinsJudgement];
  const own = r.tool === "ROBINS-I" && r.overall !== judgement ? ` ${r.overall}${r.overall === "critical" ? " (critical: GRADE may rate down further)" : ""}` : "";
  const how = r.assessor !== null ? `${r.how}; ${r.assessor}` : r.how;
  const missing = r.missing.length > 0 ? `; domains not assessed: ${r.missing.join(", ")}` : "";
  return { judgement, tool: r.tool, native: r.overall, basis: `${r.tool} overall${own} (${how})${missing}` };
}

function fromRob2Result(a: Rob2Assessment, assessor: string | null): Reading {
  const how = a.overall.escalation !== null ? `escalated to high by a reviewer: ${a.overall.escalation.reason}` : ROB2_DOMAINS.some((d) => a.domains[d].override !== null) ? "with reviewer overrides" : "algorithm";
  return { tool: "RoB 2", overall: a.overall.final, how, assessor, missing: ROB2_DOMAINS.filter((d) => a.domains[d].final === "not assessed") };
}

function fromRobinsResult(a: RobinsAssessment, assessor: string | null): Reading {
  const how = a.overall.override !== null ? `overridden by a reviewer: ${a.overall.override.reason}` : ROBINS_DOMAINS.some((d) => a.domains[d].override !== null) ? "with reviewer overrides" : "rules";
  return { tool: "ROBINS-I", overall: a.overall.final, how, assessor, missing: ROBINS_DOMAINS.filter((d) => a.domains[d].final === "not assessed") };
}

/**
 * An entry's own stored judgements (data/trials.json `rob2` / `robinsI`), read as stored: `decidua evidence validate`
 * and publishing recompute them from the answers and refuse an entry whose judgements differ.
 */
function fromEntry(tool: Reading["tool"], e: { overall: string; judgements: Record<string, string>; overrides: Record<string, unknown>; assessor: string }, domains: readonly string[], rule: string, overallOverride: string | false): Reading {
  const how = overallOverride !== false ? `overridden by a reviewer: ${overallOverride}` : Object.keys(e.overrides).length > 0 ? "with reviewer overrides" : rule;
  return { tool, overall: e.overall, how, assessor: e.assessor, missing: domains.filter((d) => e.judgements[d] === "not assessed") };
}

/** The assessment of this study's result among `list`: the row's (or outcome's) own first, then one without an outcome. */
function pick<A extends { study: string; outcome: string | null }>(trial: EvidenceTrial, row: string, outcome: string | undefined, list: readonly A[] | undefined): A | null {
  const mine = (list ?? []).filter((a) => a.study === trial.id || a.study === trial.label);
  return mine.find((a) => a.outcome === row || (outcome !== undefined && a.outcome === outcome)) ?? mine.find((a) => a.outcome === null) ?? null;
}

/**
 * The judgement of one study for one outcome row: RoB 2 passed in, then the entry's own `rob2` for this row, the
 * entry's own `robinsI` for this row, ROBINS-I passed in, then RoB 1; otherwise "not assessed" with the reason.
 * The entry's stored judgements are read as stored (`decidua evidence validate` recomputes and checks them).
 */
export function studyRobJudgement(trial: EvidenceTrial, row: string, options: StudyRobOptions = {}): StudyRob {
  const passed2 = pick(trial, row, options.outcome, options.rob2);
  if (passed2 !== null) return onScale(fromRob2Result(passed2, null));
  const own2 = trial.rob2?.outcome === row ? trial.rob2 : undefined;
  if (own2 !== undefined) return onScale(fromEntry("RoB 2", own2, ROB2_DOMAINS, "algorithm", false));
  const ownI = trial.robinsI?.outcome === row ? trial.robinsI : undefined;
  if (ownI !== undefined) return onScale(fromEntry("ROBINS-I", ownI, ROBINS_DOMAINS, "rules", ownI.overallOverride !== undefined ? ownI.overallOverride.reason : false));
  const passedI = pick(trial, row, options.outcome, options.robinsI);
  if (passedI !== null) return onScale(fromRobinsResult(passedI, null));
  if (trial.rob !== null) {
    const r1 = rob1Overall(trial.rob);
    return { ...r1, tool: "RoB 1", native: r1.judgement === "some concerns" ? "unclear" : r1.judgement };
  }
  const other = trial.rob2 ?? trial.robinsI;
  if (other !== undefined) return { judgement: "not assessed", tool: "none", native: "not assessed", basis: `${other.tool === "RoB2" ? "RoB 2" : "ROBINS-I"} is judged for outcome row ${other.outcome} only, not for this result` };
  return { judgement: "not assessed", tool: "none", native: "not assessed", basis: "no risk-of-bias assessment stored" };
}

/** One overall judgement from a RoB 1 entry: high if any domain is high, not assessed if any is, some concerns (unclear) if any is unclear, else low. */
export function rob1Overall(rob: RobAssessment): { judgement: TrialRobJudgement; basis: string } {
  const js = ROB1_DOMAINS.map((d) => rob.domains[d]);
  const n = (j: string): number => js.filter((x) => x === j).length;
  if (n("high") > 0) return { judgement: "high", basis: `RoB 1: ${n("high")} of ${js.length} domains at high risk (${rob.assessor})` };
  if (n("not assessed") > 0) return { judgement: "not assessed", basis: `RoB 1: ${n("not assessed")} of ${js.length} domains not assessed (${rob.assessor})` };
  if (n("unclear") > 0) return { judgement: "some concerns", basis: `RoB 1: ${n("unclear")} of ${js.length} domains unclear, counted as some concerns (${rob.assessor})` };
  return { judgement: "low", basis: `RoB 1: all ${js.length} domains at low risk (${rob.assessor})` };
}
