/**
 * What every verdict is made of (findings, missing items, safety checks, co-interventions), the builders the
 * therapy definitions share (src/clinical/therapies/), and the generic ladder for immunotherapies without
 * guideline support. The rule of each therapy lives in its definition; the statuses in status.ts. Pure functions.
 */
import type { TherapyId } from "../shared/therapy-ids.js";
import type { ClinicConfig } from "./config.js";
import type { CauseId, Diagnosis } from "./diagnosis.js";
import type { ImmuneFinding, ImmuneMarkerId } from "./immune.js";
import type { PatientRecord } from "./record.js";
import { CITATIONS, type Citation } from "./sources.js";
import { VERDICT_STATUSES, type VerdictStatus } from "./status.js";
import type { TherapyDefinition } from "./therapies/definition.js";

export { VERDICT_STATUSES };
export type { VerdictStatus };

export interface VerdictFinding {
  /** Stable id: an immune marker ("uterineNk"), "unexplained-losses", "cause:aps", "explained-loss:1", "safety:igaDeficiency". */
  id: string;
  label: string;
  value: number | string | null;
  unit: string | null;
  cutOff: string | null;
  source: string;
  role: "supports" | "against" | "context";
  reading: string;
}

export interface MissingItem {
  id: string;
  label: string;
  detail: string;
}

export interface SafetyCheck {
  id: string;
  label: string;
  status: "ok" | "problem" | "unknown";
  severity: "contraindication" | "caution";
  detail: string;
  source: string;
}

export interface CoIntervention {
  therapy?: TherapyId;
  label: string;
  note: string;
}

export interface VerdictCore {
  therapy: TherapyId;
  name: string;
  status: VerdictStatus;
  /** One line for the clinician. */
  headline: string;
  reasons: string[];
  /** Criteria of the protocol or trial not (yet) met. */
  unmet: string[];
  findings: VerdictFinding[];
  missing: MissingItem[];
  safetyChecks: SafetyCheck[];
  coInterventions: CoIntervention[];
  /** For protocol-eligible: what that means and which guideline positions stand against routine use. */
  researchNote?: string;
  criteriaSource: string[];
}

export interface RuleContext {
  r: PatientRecord;
  dx: Diagnosis;
  immune: ImmuneFinding[];
  config: ClinicConfig;
}

// ---------------------------------------------------------------------------------------------------------------
// Builders

function cutOffText(f: ImmuneFinding): string | null {
  const c = f.cutOff;
  if (c === null) return null;
  if (c.comparator === "present" || c.comparator === "absent" || c.comparator === "lab flag") return `${c.comparator}: ${c.value}`;
  const unit = c.unit === "ratio" ? "" : c.unit === "%" ? "%" : c.unit === "reciprocal titre" ? "" : ` ${c.unit}`;
  const val = c.unit === "reciprocal titre" ? `1:${c.value}` : String(c.value);
  return `${c.comparator === ">=" ? "≥" : ">"} ${val}${unit}`;
}

export function immuneFinding(f: ImmuneFinding, role: VerdictFinding["role"]): VerdictFinding {
  return {
    id: f.marker,
    label: f.label,
    value: f.value,
    unit: f.unit,
    cutOff: cutOffText(f),
    source: f.source?.label ?? "none",
    role,
    reading: f.reading + (f.researchGrade ? " [research-grade marker]" : ""),
  };
}

export function lossFinding(id: string, label: string, count: number, min: number, source: Citation, role: VerdictFinding["role"]): VerdictFinding {
  return {
    id,
    label,
    value: count,
    unit: "losses",
    cutOff: `≥ ${min}`,
    source: source.label,
    role,
    reading: `${count} ${label.toLowerCase()} (criterion ≥ ${min}, ${source.label})`,
  };
}

export function causeFinding(c: Diagnosis["causes"][number]): VerdictFinding {
  return { id: `cause:${c.id}`, label: c.label, value: c.detail, unit: null, cutOff: null, source: c.id === "aps" ? CITATIONS.miyakis2006.label : "standard work-up", role: "against", reading: `${c.label}: ${c.detail}` };
}

export function explainedLossFindings(dx: Diagnosis): VerdictFinding[] {
  return dx.losses
    .filter((l) => l.countsForRpl && l.explained)
    .map((l) => ({
      id: `explained-loss:${l.index + 1}`,
      label: `Loss ${l.index + 1} explained`,
      value: l.explanation ?? "explained",
      unit: null,
      cutOff: null,
      source: CITATIONS.source001.label,
      role: "against" as const,
      reading: `Loss ${l.index + 1} at ${l.gestationalWeek} weeks: ${l.explanation ?? "explained"} — a chromosomal explanation, not counted as unexplained`,
    }));
}

export function safetyFinding(s: SafetyCheck): VerdictFinding {
  return { id: `safety:${s.id}`, label: s.label, value: s.detail, unit: null, cutOff: null, source: s.source, role: "against", reading: `${s.label}: ${s.detail}` };
}

export function flag(id: string, label: string, value: boolean | undefined, severity: SafetyCheck["severity"], problem: string, source: Citation = CITATIONS.decidua): SafetyCheck {
  return {
    id,
    label,
    status: value === undefined ? "unknown" : value ? "problem" : "ok",
    severity,
    detail: value === undefined ? "not recorded: check before starting" : value ? problem : "none recorded",
    source: source.label,
  };
}

export function allergy(ctx: RuleContext, kinds: string[], label: string, severity: SafetyCheck["severity"], problem: string): SafetyCheck {
  const hit = kinds.filter((k) => ctx.r.safety.allergies.includes(k));
  const recorded = ctx.r.safety.allergiesRecorded;
  return {
    id: `allergy-${kinds.join("-")}`,
    label,
    status: hit.length > 0 ? "problem" : recorded ? "ok" : "unknown",
    severity,
    detail: hit.length > 0 ? `${problem} (${hit.join(", ")})` : "none recorded",
    source: CITATIONS.decidua.label,
  };
}

export function screen(id: string, label: string, v: string | undefined, severity: SafetyCheck["severity"], problem: string, source: Citation = CITATIONS.decidua): SafetyCheck {
  if (v === undefined || v === "not-tested") return { id, label, status: "unknown", severity, detail: "not tested: screen before starting", source: source.label };
  if (v === "positive") return { id, label, status: "problem", severity, detail: problem, source: source.label };
  return { id, label, status: "ok", severity, detail: v, source: source.label };
}

/** Tuberculosis before an immunosuppressant: for TNF-α inhibitors a contraindication, for steroids a caution. */
export function tbCheck(ctx: RuleContext, therapy: "tnf-inhibitor" | "prednisolone"): SafetyCheck {
  return therapy === "tnf-inhibitor"
    ? screen("tb", "Tuberculosis screen", ctx.r.safety.tb, "contraindication", "TB infection: TNF inhibitors reactivate tuberculosis")
    : screen("tb", "Tuberculosis status", ctx.r.safety.tb, "caution", "TB infection: steroids can reactivate it");
}

export function egfrCheck(ctx: RuleContext, min: number, severity: SafetyCheck["severity"], why: string): SafetyCheck {
  const e = ctx.r.safety.egfr;
  if (e === undefined) return { id: "kidney-function", label: "Kidney function (eGFR)", status: "unknown", severity, detail: "eGFR not recorded: check before starting", source: CITATIONS.decidua.label };
  return {
    id: "kidney-function",
    label: "Kidney function (eGFR)",
    status: e.value < min ? "problem" : "ok",
    severity,
    detail: e.value < min ? `eGFR ${e.value} below ${min} mL/min/1.73m²: ${why}` : `eGFR ${e.value} mL/min/1.73m²`,
    source: CITATIONS.decidua.label,
  };
}

export function workupMissing(dx: Diagnosis): MissingItem[] {
  return dx.missingWorkup.map((w) => ({ id: w.id, label: w.label, detail: w.detail }));
}

export const RESEARCH_MEANING =
  "Protocol-eligible means the patient meets a published protocol's or trial's criteria, not that guidelines endorse it: it belongs in a research setting (registered trial or approved protocol) with written informed consent that states the uncertain benefit, the risks and the alternatives.";

export interface BaseParts {
  safetyChecks: SafetyCheck[];
  coInterventions: CoIntervention[];
  criteriaSource: string[];
}
export interface RestParts {
  reasons: string[];
  unmet: string[];
  findings: VerdictFinding[];
  missing: MissingItem[];
  researchNote?: string;
}
/** Joins the parts of a verdict field by field (object spreads are slow on this hot path). */
export function withBase(base: BaseParts, rest: RestParts): Omit<VerdictCore, "therapy" | "name" | "status" | "headline"> {
  const p: Omit<VerdictCore, "therapy" | "name" | "status" | "headline"> = {
    reasons: rest.reasons,
    unmet: rest.unmet,
    findings: rest.findings,
    missing: rest.missing,
    safetyChecks: base.safetyChecks,
    coInterventions: base.coInterventions,
    criteriaSource: base.criteriaSource,
  };
  if (rest.researchNote !== undefined) p.researchNote = rest.researchNote;
  return p;
}

export function verdict(def: Pick<TherapyDefinition, "id" | "name">, status: VerdictStatus, parts: Omit<VerdictCore, "therapy" | "name" | "status" | "headline">, headline: string): VerdictCore {
  const v: VerdictCore = {
    therapy: def.id,
    name: def.name,
    status,
    headline: `${def.name}: ${status} — ${headline}`,
    reasons: parts.reasons,
    unmet: parts.unmet,
    findings: parts.findings,
    missing: parts.missing,
    safetyChecks: parts.safetyChecks,
    coInterventions: parts.coInterventions,
    criteriaSource: parts.criteriaSource,
  };
  if (parts.researchNote !== undefined) v.researchNote = parts.researchNote;
  return v;
}

// ---------------------------------------------------------------------------------------------------------------
// The generic ladder for immunotherapies without guideline support

export interface ImmunoSpec {
  minLosses: number;
  /** Which losses count towards the criterion. */
  lossScope: "first-trimester" | "any";
  lossSource: Citation;
  primaryOnly?: boolean;
  allowRif: boolean;
  /** Immune markers of which at least one must be abnormal; null when the trial selected on the history alone. */
  markers: readonly ImmuneMarkerId[] | null;
  markerSource?: Citation;
  treats: readonly CauseId[];
  criteria: string;
  guidelineCaveat: string;
}

export function immunotherapyVerdict(ctx: RuleContext, def: TherapyDefinition, spec: ImmunoSpec): VerdictCore {
  const { dx } = ctx;
  const safetyChecks = def.safetyChecks(ctx);
  const base = { safetyChecks, coInterventions: def.coInterventions, criteriaSource: [spec.criteria] };
  const findings: VerdictFinding[] = [];
  const missing: MissingItem[] = [];
  const reasons: string[] = [];
  const unmet: string[] = [];

  const blocking = safetyChecks.filter((s) => s.status === "problem" && s.severity === "contraindication");
  const untreated = dx.causes.filter((c) => c.id !== "thyroid-dysfunction" && !spec.treats.includes(c.id));
  const explained = explainedLossFindings(dx);
  const allExplained = dx.lossCount > 0 && dx.unexplainedLossCount === 0 && !(spec.allowRif && dx.rif.met);
  if (blocking.length > 0 || untreated.length > 0 || allExplained) {
    for (const s of blocking) {
      findings.push(safetyFinding(s));
      reasons.push(`Safety: ${s.label.toLowerCase()}: ${s.detail}.`);
    }
    for (const c of untreated) {
      findings.push(causeFinding(c));
      reasons.push(`The losses have an explanation this therapy does not treat: ${c.label.toLowerCase()} (${c.detail}); that cause has its own management.`);
    }
    if (allExplained) {
      findings.push(...explained);
      reasons.push(`Every counted loss has a chromosomal explanation (${dx.explainedLossCount} of ${dx.lossCount}).`);
    }
    return verdict(def, "contraindicated", withBase(base, { reasons, unmet, findings, missing }), reasons[0] ?? "");
  }

  const rifOk = spec.allowRif && dx.rif.met;
  if (dx.lossCount < 2 && !rifOk) {
    findings.push(lossFinding("losses", "Pregnancy losses before 24 weeks", dx.lossCount, 2, CITATIONS.eshreRplDefinition, "against"));
    reasons.push(`${dx.lossCount} pregnancy loss${dx.lossCount === 1 ? "" : "es"} recorded: this is not recurrent pregnancy loss (ESHRE: 2 or more)${spec.allowRif ? ", and recurrent implantation failure is not established" : ""}.`);
    return verdict(def, "not-indicated", withBase(base, { reasons, unmet, findings, missing }), reasons[0]!);
  }

  // Loss criterion
  const count = spec.lossScope === "first-trimester" ? dx.unexplainedFirstTrimesterLossCount : dx.unexplainedLossCount;
  const scope = spec.lossScope === "first-trimester" ? "Unexplained first-trimester losses" : "Unexplained losses";
  const lossesOk = count >= spec.minLosses;
  findings.push(lossFinding("unexplained-losses", scope, count, spec.minLosses, spec.lossSource, lossesOk || rifOk ? "supports" : "against"));
  findings.push(...explained);
  if (rifOk)
    findings.push({
      id: "recurrent-implantation-failure",
      label: "Recurrent implantation failure",
      value: dx.rif.goodEmbryosInFailedCycles,
      unit: "good-quality embryos without pregnancy",
      cutOff: "≥ 4 embryos over ≥ 3 transfers",
      source: dx.rif.source.label,
      role: "supports",
      reading: `${dx.rif.failedCycles} failed transfers with ${dx.rif.goodEmbryosInFailedCycles} good-quality embryos (${dx.rif.rule}; ${dx.rif.source.label})`,
    });
  const short: string[] = [];
  if (!lossesOk && !rifOk) {
    short.push(`${count} ${scope.toLowerCase()} (≥ ${spec.minLosses} needed${dx.explainedLossCount > 0 ? `; ${dx.explainedLossCount} explained by embryo karyotype` : ""})`);
    unmet.push(
      `${spec.minLosses} or more ${scope.toLowerCase()}${spec.allowRif ? " (or recurrent implantation failure with good-quality embryos)" : ""} (${spec.lossSource.label}): ${count} recorded${dx.explainedLossCount > 0 ? `, ${dx.explainedLossCount} of ${dx.lossCount} losses explained by an abnormal embryo karyotype` : ""}.`,
    );
  }
  if (spec.primaryOnly === true && dx.type === "secondary") {
    findings.push({ id: "rpl-type", label: "RPL type", value: "secondary", unit: null, cutOff: "primary", source: spec.lossSource.label, role: "against", reading: `Secondary RPL: the trial enrolled women with primary RPL only (${spec.lossSource.label})` });
    reasons.push(`The trial criteria (${spec.lossSource.label}) are for primary RPL; this is secondary RPL.`);
    return verdict(def, "not-indicated", withBase(base, { reasons, unmet, findings, missing }), reasons[0]!);
  }
  const thyroid = dx.causes.find((c) => c.id === "thyroid-dysfunction");
  if (thyroid !== undefined) {
    findings.push(causeFinding(thyroid));
    short.push("thyroid function to clarify or treat first");
    unmet.push(`Hormonal causes excluded: thyroid function to be clarified (free T4, TPO antibodies) and any dysfunction treated first (${thyroid.detail}).`);
  }
  const wm = workupMissing(dx);
  if (wm.length > 0) {
    missing.push(...wm);
    short.push(`work-up incomplete: ${wm.map((m) => m.label).join(", ")}`);
    unmet.push(`Structural, chromosomal, hormonal and thrombophilic causes excluded: the work-up is incomplete (${wm.map((m) => m.label.toLowerCase()).join("; ")}).`);
  }

  // Immune finding
  let supporting: ImmuneFinding[] = [];
  let markersMeasured = true;
  if (spec.markers !== null) {
    const rel = ctx.immune.filter((f) => spec.markers!.includes(f.marker));
    supporting = rel.filter((f) => f.status === "abnormal");
    const measured = rel.filter((f) => f.status === "normal" || f.status === "abnormal");
    markersMeasured = measured.length > 0;
    for (const f of supporting) findings.push(immuneFinding(f, "supports"));
    if (supporting.length === 0) for (const f of measured) findings.push(immuneFinding(f, "against"));
    const notMeasured = rel.filter((f) => f.status === "missing" || f.status === "no-cut-off");
    if (!markersMeasured)
      for (const f of notMeasured)
        missing.push({
          id: f.marker,
          label: f.label,
          detail: f.status === "missing" ? "not measured (research-grade marker)" : "measured, but no validated cut-off and no laboratory flag",
        });
  }

  if (unmet.length > 0 || !markersMeasured) {
    if (!markersMeasured && spec.markers !== null) {
      const labels = ctx.immune.filter((f) => spec.markers!.includes(f.marker)).map((f) => f.label);
      unmet.push(`An immune finding the protocol selects on, none measured yet: ${labels.join("; ")} (${spec.markerSource?.label ?? spec.criteria}).`);
      short.push("no selecting immune marker measured");
    }
    const head = short.join("; ");
    return verdict(def, "premature", withBase(base, { reasons, unmet, findings, missing }), head);
  }
  if (spec.markers !== null && supporting.length === 0) {
    reasons.push(`No finding supports it: the markers the protocol selects on are within their cut-offs (${spec.markerSource?.label ?? spec.criteria}).`);
    return verdict(def, "not-indicated", withBase(base, { reasons, unmet, findings, missing }), reasons[0]!);
  }
  const why = [
    rifOk && !lossesOk ? `recurrent implantation failure (${dx.rif.failedCycles} failed transfers)` : `${count} ${scope.toLowerCase()}`,
    dx.workupComplete ? "complete negative standard work-up" : "",
    ...supporting.map((f) => f.reading),
  ].filter((s) => s !== "");
  reasons.push(`Meets the criteria of ${spec.criteria}: ${why.join("; ")}.`);
  reasons.push(spec.guidelineCaveat);
  return verdict(
    def,
    "protocol-eligible",
    withBase(base, { reasons, unmet, findings, missing, researchNote: `${spec.guidelineCaveat} ${RESEARCH_MEANING}` }),
    `${why.join("; ")}. ${spec.guidelineCaveat}`,
  );
}

