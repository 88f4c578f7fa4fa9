/**
 * Eligibility as rules over the patient record. Every rule reads a clinical finding that src/clinical computes
 * (diagnose: loss counts, RPL definitions, APS, work-up; readImmuneFindings: markers against the clinic's
 * cut-offs), and the result names the finding that meets or fails it. A finding that is not in the record is
 * "missing" and named: it is never assumed normal, and a candidate with a missing finding is "incomplete", not
 * eligible and not excluded.
 */
import type { ClinicConfig } from "../clinical/config.js";
import { diagnose, type Diagnosis } from "../clinical/diagnosis.js";
import { readImmuneFindings, type ImmuneFinding } from "../clinical/immune.js";
import type { PatientRecord } from "../clinical/record.js";
import type { Criterion, StratificationFactor, TrialProtocol } from "./protocol.js";

export type CriterionOutcome = "met" | "not-met" | "missing";

export interface CriterionResult {
  label: string;
  outcome: CriterionOutcome;
  /** The finding that meets or fails the rule, or what is missing. */
  finding: string;
  /** Findings that have to be added to the record to decide the rule. */
  missing: string[];
  children?: CriterionResult[];
}

export interface EligibilityResult {
  status: "eligible" | "not-eligible" | "incomplete";
  inclusion: CriterionResult[];
  exclusion: CriterionResult[];
  /** Every missing finding, named (deduplicated). */
  missing: string[];
  /** Why the candidate is not eligible: failed inclusion or met exclusion criteria (labels). */
  reasons: string[];
}

interface Findings {
  diagnosis: Diagnosis;
  immune: ImmuneFinding[];
  record: PatientRecord;
}

export function criterionLabel(c: Criterion): string {
  if (c.label !== undefined) return c.label;
  switch (c.kind) {
    case "unexplained-losses":
      return `≥ ${c.min} unexplained pregnancy losses`;
    case "rpl-definition":
      return c.definition === "eshre" ? "RPL by ESHRE (≥ 2 losses)" : "RPL by RCOG (≥ 3 first-trimester losses)";
    case "marker":
      return `${c.marker} ${c.status === "abnormal" ? "raised / positive" : "normal / negative"}`;
    case "age":
      return c.min !== undefined && c.max !== undefined ? `age ${c.min} to ${c.max} years` : c.min !== undefined ? `age ≥ ${c.min} years` : `age ≤ ${c.max ?? ""} years`;
    case "aps":
      return c.met ? "antiphospholipid syndrome (Sydney criteria)" : "no antiphospholipid syndrome (Sydney criteria)";
    case "workup-complete":
      return "standard RPL work-up complete";
    case "any":
      return c.of.map(criterionLabel).join(" or ");
    case "all":
      return c.of.map(criterionLabel).join(" and ");
  }
}

function result(label: string, outcome: CriterionOutcome, finding: string, missing: string[] = []): CriterionResult {
  return { label, outcome, finding, missing };
}

function evaluate(c: Criterion, f: Findings): CriterionResult {
  const label = criterionLabel(c);
  switch (c.kind) {
    case "unexplained-losses": {
      const n = f.diagnosis.unexplainedLossCount;
      const explained = f.diagnosis.explainedLossCount;
      const text = `${n} unexplained loss${n === 1 ? "" : "es"} of ${f.diagnosis.lossCount} counted for RPL${explained > 0 ? ` (${explained} explained by an abnormal embryo karyotype)` : ""}`;
      return result(label, n >= c.min ? "met" : "not-met", text);
    }
    case "rpl-definition": {
      const d = f.diagnosis.definitions[c.definition];
      return result(label, d.met ? "met" : "not-met", `${d.count} loss${d.count === 1 ? "" : "es"} counted (${d.rule}, ${d.source.label})`);
    }
    case "marker": {
      const m = f.immune.find((x) => x.marker === c.marker);
      if (m === undefined || m.status === "missing") return result(label, "missing", `${m?.label ?? c.marker}: not measured`, [m?.label ?? c.marker]);
      if (m.status === "no-cut-off")
        return result(label, "missing", `${m.reading}; no laboratory flag to read it against`, [`${m.label}: the laboratory's reference-range flag`]);
      return result(label, m.status === c.status ? "met" : "not-met", m.reading);
    }
    case "age": {
      const age = f.record.age;
      if (age === undefined) return result(label, "missing", "age not recorded", ["age"]);
      const ok = (c.min === undefined || age >= c.min) && (c.max === undefined || age <= c.max);
      return result(label, ok ? "met" : "not-met", `age ${age} years`);
    }
    case "aps": {
      const aps = f.diagnosis.aps;
      if (aps.laboratory === "not-tested") return result(label, "missing", "antiphospholipid antibodies not tested", ["antiphospholipid antibodies (lupus anticoagulant, aCL, anti-β2GPI)"]);
      if (aps.laboratory === "single-positive")
        return result(label, "missing", `a single positive antiphospholipid test: a confirmatory repeat ≥ 12 weeks later is needed${aps.repeatDueFrom !== undefined ? ` (from ${aps.repeatDueFrom})` : ""}`, [
          "confirmatory antiphospholipid antibody test",
        ]);
      const text = aps.met ? `APS met (Sydney criteria, ${aps.persistentAntibodies.join(", ")})` : `APS not met (laboratory: ${aps.laboratory})`;
      return result(label, aps.met === c.met ? "met" : "not-met", text);
    }
    case "workup-complete": {
      if (f.diagnosis.workupComplete) return result(label, "met", "every standard investigation is recorded");
      const names = f.diagnosis.missingWorkup.map((w) => w.label);
      return result(label, "missing", `not recorded: ${names.join(", ")}`, names);
    }
    case "any":
    case "all": {
      const children = c.of.map((x) => evaluate(x, f));
      const has = (o: CriterionOutcome) => children.some((ch) => ch.outcome === o);
      let outcome: CriterionOutcome;
      if (c.kind === "any") outcome = has("met") ? "met" : has("missing") ? "missing" : "not-met";
      else outcome = has("not-met") ? "not-met" : has("missing") ? "missing" : "met";
      const deciding = children.filter((ch) => ch.outcome === outcome);
      const missing = outcome === "missing" ? [...new Set(children.flatMap((ch) => ch.missing))] : [];
      return { label, outcome, finding: deciding.map((ch) => ch.finding).join("; "), missing, children };
    }
  }
}

function findings(record: PatientRecord, config: ClinicConfig): Findings {
  return { diagnosis: diagnose(record, config), immune: readImmuneFindings(record, config), record };
}

/** One criterion against one record. */
export function evaluateCriterion(c: Criterion, record: PatientRecord, config: ClinicConfig): CriterionResult {
  return evaluate(c, findings(record, config));
}

/**
 * A candidate's eligibility: eligible when every inclusion criterion is met and no exclusion criterion is;
 * not eligible when an inclusion criterion is not met or an exclusion criterion is met (even if other findings are
 * missing); otherwise incomplete, naming the missing findings.
 */
export function assessEligibility(protocol: Pick<TrialProtocol, "eligibility">, record: PatientRecord, config: ClinicConfig): EligibilityResult {
  const f = findings(record, config);
  const inclusion = protocol.eligibility.inclusion.map((c) => evaluate(c, f));
  const exclusion = protocol.eligibility.exclusion.map((c) => evaluate(c, f));
  const reasons = [
    ...inclusion.filter((r) => r.outcome === "not-met").map((r) => `inclusion not met: ${r.label} (${r.finding})`),
    ...exclusion.filter((r) => r.outcome === "met").map((r) => `exclusion met: ${r.label} (${r.finding})`),
  ];
  const missing = [...new Set([...inclusion, ...exclusion].filter((r) => r.outcome === "missing").flatMap((r) => r.missing))];
  const status = reasons.length > 0 ? "not-eligible" : missing.length > 0 ? "incomplete" : "eligible";
  return { status, inclusion, exclusion, missing, reasons };
}

export interface StratumAssignment {
  /** factor id → level id; absent when the record does not decide the level. */
  levels: Record<string, string>;
  missing: string[];
}

/** Reads each stratification factor's level from the record (the first level whose criterion is met). */
export function strataFromRecord(factors: readonly StratificationFactor[], record: PatientRecord, config: ClinicConfig): StratumAssignment {
  const f = findings(record, config);
  const levels: Record<string, string> = {};
  const missing: string[] = [];
  for (const factor of factors) {
    let found: string | undefined;
    const gaps: string[] = [];
    for (const level of factor.levels) {
      if (level.criterion === undefined) continue;
      const r = evaluate(level.criterion, f);
      if (r.outcome === "met") {
        found = level.id;
        break;
      }
      if (r.outcome === "missing") gaps.push(...r.missing);
    }
    if (found !== undefined) levels[factor.id] = found;
    else missing.push(...(gaps.length > 0 ? gaps : [`${factor.label ?? factor.id} (entered at enrolment)`]));
  }
  return { levels, missing: [...new Set(missing)] };
}
