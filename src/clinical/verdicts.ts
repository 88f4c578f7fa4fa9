/**
 * What every verdict is made of (findings, missing items, safety checks, co-interventions), the builders the
 * therapy definitions share (src/clinical/therapies/), and the generic ladder for immunotherapies without
 * guideline support. The rule of each therapy lives in its definition; the statuses in status.ts. Pure functions.
 */
import { lowerFirst } from "../shared/sentence.js";
import { medicationText } from "./medications.js";
import type { TherapyId } from "../shared/therapy-ids.js";
import type { ClinicConfig } from "./config.js";
import type { CauseId, Diagnosis } from "./diagnosis.js";
import { currentGestationalWeek, leastGestationalWeek } from "./dates.js";
import { guidelineView, type VerdictGuideline } from "./evidence.js";
import type { ImmuneFinding, ImmuneMarkerId } from "./immune.js";
import { RECORD_AGE_MAX, RECORD_AGE_MIN, type PatientRecord } from "./record.js";
import { CITATIONS, type Citation, type GuidelinePosition } from "./sources.js";
import { VERDICT_STATUSES, type ReasonKind, type VerdictStatus } from "./status.js";
import { ckdEpi2021Female } from "./units.js";
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
  /**
   * On a check read from a test result (an infection screen, IgA, eGFR) whose result is unknown: the test to do
   * before starting. While such a check with severity contraindication is unknown, the therapy is premature with this
   * test pending: the check's answer can make it harmful, and an untested result is never read as negative.
   */
  test?: string;
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
  /** Why, for machines: the web, the patient text and EHR cards branch on this (status.ts). */
  reasonKind: ReasonKind;
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
  /** The best trial in exactly the population the protocol selects found no benefit (also said in the headline). */
  noBenefitInSelection?: string;
  /** A benefit this verdict cites: the assessment words it from the evidence block (evidence.ts), so the two agree. */
  benefitClaim?: BenefitClaim;
  /** Guideline positions cited in the reasons: the assessment marks each verified/unverified as the guideline list does. */
  citedGuidelines?: CitedGuideline[];
}

export interface CitedGuideline {
  /** Index of the reason that cites it. */
  reason: number;
  /** Id in the evidence base (data/guidelines.json). */
  id: string;
  body: string;
  year?: number;
  /** The rule's own mark (sources.ts), used when no evidence base was passed. */
  verified: boolean;
}

/** A guideline position as a reason quotes it (its verified mark is added by the assessment, from the guideline list). */
export function positionText(p: GuidelinePosition): string {
  return `${p.statement.replace(/\.$/, "")} (${p.body}${p.year !== undefined ? ` ${p.year}` : ""}${p.strength !== undefined ? `, ${p.strength}` : ""})`;
}

/** Records that reasons[reason] cites the position p. */
export function cited(reason: number, ...ps: GuidelinePosition[]): CitedGuideline[] {
  return ps.filter((p) => p.guidelineId !== undefined).map((p) => {
    const c: CitedGuideline = { reason, id: p.guidelineId!, body: p.body, verified: p.verified };
    if (p.year !== undefined) c.year = p.year;
    return c;
  });
}

/** A cited benefit: which trial, in which subgroup it was reported; worded from the evidence block's CI. */
export interface BenefitClaim {
  trial: string;
  outcome: string;
  /** The subgroup the reported benefit holds in (e.g. "women with 3 or more previous miscarriages"). */
  subgroup: string;
}

export interface RuleContext {
  r: PatientRecord;
  dx: Diagnosis;
  immune: ImmuneFinding[];
  config: ClinicConfig;
  /** The assessment's date (ISO), for the weeks of a current pregnancy dated by its last menstrual period. */
  today: string;
  /**
   * The guideline positions of the published evidence base for a therapy (what the assessment's evidence lookup
   * returns); null when no evidence base was passed. Read by `guidelineSupport`.
   */
  guidelines?: (therapy: TherapyId) => readonly VerdictGuideline[] | null;
}

/** Directions of a guideline position in favour of the therapy. */
export const SUPPORTING_DIRECTIONS: readonly string[] = ["recommended", "conditional"];

export interface GuidelineSupport {
  /** True when the patient who meets the criteria is `recommended` (guideline-supported), else `protocol-eligible`. */
  recommended: boolean;
  /** The positions read (from the published base, or the rule's own when no base was passed), in the rule's order. */
  positions: VerdictGuideline[];
  /** Why the status is not `recommended` (null when it is): which positions do not raise it and why. */
  note: string | null;
}

function positionName(g: VerdictGuideline): string {
  return `${g.body}${g.year !== undefined ? ` ${g.year}` : ""}`;
}

/**
 * Whether a patient who meets the criteria is `recommended` or `protocol-eligible`, read from the guideline
 * positions of the published evidence base on this population (the rule names them by id, with its own copy as the
 * fallback when no base was passed; sources.ts). Only a VERIFIED position in favour (direction recommended or
 * conditional) with a stated strength makes `recommended`, and not when a verified position among them is against;
 * an unverified position in favour never raises the status, and the note says so. A position the published base no
 * longer holds counts for nothing.
 */
export function guidelineSupport(ctx: RuleContext, therapy: TherapyId, own: readonly GuidelinePosition[]): GuidelineSupport {
  const published = ctx.guidelines?.(therapy) ?? null;
  const positions: VerdictGuideline[] =
    published === null
      ? own.map(guidelineView)
      : own.flatMap((p) => {
          const hit = published.find((g) => g.id !== undefined && g.id === p.guidelineId);
          return hit === undefined ? [] : [hit];
        });
  const inFavour = positions.filter((g) => g.direction !== undefined && SUPPORTING_DIRECTIONS.includes(g.direction));
  const hasStrength = (g: VerdictGuideline): boolean => g.strength !== undefined && g.strength !== null && g.strength.trim() !== "";
  const supporting = inFavour.filter((g) => g.verified && hasStrength(g));
  const against = positions.filter((g) => g.verified && g.direction === "against");
  if (supporting.length > 0 && against.length === 0) return { recommended: true, positions, note: null };
  const parts: string[] = [];
  if (against.length > 0) parts.push(`a verified position is against it (${against.map(positionName).join(", ")})`);
  const unverified = inFavour.filter((g) => !g.verified);
  if (unverified.length > 0) parts.push(`the position${unverified.length === 1 ? "" : "s"} in favour (${unverified.map(positionName).join(", ")}) ${unverified.length === 1 ? "is" : "are"} not verified against the guideline text, so ${unverified.length === 1 ? "it does" : "they do"} not raise the status`);
  const noStrength = inFavour.filter((g) => g.verified && !hasStrength(g));
  if (noStrength.length > 0) parts.push(`no strength is recorded for ${noStrength.map(positionName).join(", ")}`);
  if (positions.length === 0) parts.push("the published evidence base holds none of the guideline positions on this population");
  else if (inFavour.length === 0) parts.push(`the guideline positions on this population (${positions.map((g) => `${positionName(g)}: ${g.direction ?? "direction not recorded"}`).join(", ")}) do not support it outside research`);
  return { recommended: false, positions, note: `Not guideline-supported for this patient: ${parts.join("; ")}.` };
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

/**
 * A recorded yes/no safety item. `test`: the investigation that answers it (a G6PD assay, an eye examination), named
 * as pending while the item is not recorded (pendingSafetyTests); without it the item is history the clinician asks.
 */
export function flag(id: string, label: string, value: boolean | undefined, severity: SafetyCheck["severity"], problem: string, source: Citation = CITATIONS.decidua, test?: string): SafetyCheck {
  const c: SafetyCheck = {
    id,
    label,
    status: value === undefined ? "unknown" : value ? "problem" : "ok",
    severity,
    detail: value === undefined ? (test !== undefined ? `not recorded: ${test.toLowerCase()} before starting` : "not recorded: check before starting") : value ? problem : "none recorded",
    source: source.label,
  };
  if (value === undefined && test !== undefined) c.test = test;
  return c;
}

export function allergy(ctx: RuleContext, kinds: string[], label: string, severity: SafetyCheck["severity"], problem: string): SafetyCheck {
  const hit = kinds.filter((k) => ctx.r.safety.allergies.includes(k));
  const recorded = ctx.r.safety.allergiesRecorded;
  // an allergy whose substance is not identified (an EHR code Decidua does not map) may be one of these
  const unidentified = hit.length === 0 && ctx.r.safety.allergies.includes("unidentified");
  return {
    id: `allergy-${kinds.join("-")}`,
    label,
    status: hit.length > 0 ? "problem" : recorded && !unidentified ? "ok" : "unknown",
    severity,
    detail:
      hit.length > 0
        ? `${problem} (${hit.join(", ")})`
        : unidentified
          ? `an allergy is recorded whose substance Decidua could not identify: check that it is not to ${kinds.join(" or ")} before starting`
          : "none recorded",
    source: CITATIONS.decidua.label,
  };
}

/**
 * How an infection screen's "treated" and "immune" results read for one use. "treated" is an infection that was
 * there (HIV on treatment is still HIV); "immune" is a result of hepatitis B serology (vaccinated or resolved) and is
 * not a result of an HIV or hepatitis C test.
 */
export interface ScreenReading {
  treated: "problem" | "ok";
  immune: "ok" | "unknown";
}

/** "treated" is still a problem; "immune" reads as protected (hepatitis B serology). */
export const SCREEN_DEFAULT: ScreenReading = { treated: "problem", immune: "ok" };

/** An infection screen before a therapy: positive (and, by `reading`, treated) is a problem; not tested is unknown. */
export function screen(id: string, label: string, v: string | undefined, severity: SafetyCheck["severity"], problem: string, source: Citation = CITATIONS.decidua, reading: ScreenReading = SCREEN_DEFAULT): SafetyCheck {
  // the test to do is named while the result is unknown (as the other test-based checks do)
  if (v === undefined || v === "not-tested") return { id, label, status: "unknown", severity, detail: "not tested: screen before starting", source: source.label, test: label };
  if (v === "positive") return { id, label, status: "problem", severity, detail: problem, source: source.label };
  if (v === "treated" && reading.treated === "problem") return { id, label, status: "problem", severity, detail: `${problem} (recorded as treated: a treated infection is still one)`, source: source.label };
  if (v === "immune" && reading.immune === "unknown")
    return { id, label, status: "unknown", severity, detail: `"immune" is not a result of this test: record negative or positive before starting`, source: source.label, test: label };
  return { id, label, status: "ok", severity, detail: v, source: source.label };
}

/**
 * Tuberculosis before an immunosuppressant. TNF-α inhibitors: active TB, untreated latent TB, or a positive screen
 * not recorded as latent or active are contraindications; treated latent TB is a caution. Steroids and tacrolimus
 * (immunosuppressants that also reactivate tuberculosis): active TB is a contraindication, the rest cautions.
 */
export function tbCheck(ctx: RuleContext, therapy: "tnf-inhibitor" | "prednisolone" | "tacrolimus"): SafetyCheck {
  const tb = ctx.r.safety.tb;
  const tnf = therapy === "tnf-inhibitor";
  const drug = therapy === "prednisolone" ? "steroids" : "tacrolimus";
  const id = "tb";
  const label = tnf ? "Tuberculosis screen" : "Tuberculosis status";
  const source = CITATIONS.decidua.label;
  if (tb === undefined || tb === "not-tested") return { id, label, status: "unknown", severity: tnf ? "contraindication" : "caution", detail: "not tested: screen (IGRA or TST) before starting", source, test: "Tuberculosis screen (IGRA or TST)" };
  if (tb === "negative") return { id, label, status: "ok", severity: tnf ? "contraindication" : "caution", detail: "negative", source };
  if (tb === "latent-treated")
    return { id, label, status: "problem", severity: "caution", detail: tnf ? "latent TB, treated: monitor for reactivation during treatment" : `latent TB, treated: ${drug} can reactivate it; monitor`, source };
  const what = tb === "active" ? "active tuberculosis" : tb === "latent-untreated" ? "latent TB (IGRA/TST positive), not treated" : "TB screen positive, latent or active not recorded";
  if (!tnf)
    return tb === "active"
      ? { id, label, status: "problem", severity: "contraindication", detail: `active tuberculosis: ${therapy === "prednisolone" ? "systemic steroids worsen it" : "an immunosuppressant worsens it"}; treat TB first`, source }
      : { id, label, status: "problem", severity: "caution", detail: `${what}: ${drug} can reactivate it; monitor`, source };
  return { id, label, status: "problem", severity: "contraindication", detail: `${what}: TNF inhibitors reactivate tuberculosis${tb === "latent-untreated" ? " (treat latent TB first)" : tb === "positive" ? " (record whether latent or active)" : ""}`, source };
}

/**
 * Hepatitis B before weeks of immunosuppression (a glucocorticoid course, tacrolimus): a positive HBsAg is a caution
 * naming the reactivation risk and the hepatology review with antiviral prophylaxis before the start; not tested is
 * unknown, naming the screen (a Decidua rule from the known reactivation risk of immunosuppression; confirm with
 * local protocol). The TNF-α inhibitors keep their own contraindication (tnf-inhibitor.ts).
 */
export function hepatitisBReactivationCheck(ctx: RuleContext, drug: string): SafetyCheck {
  return screen("hepatitis-b", "Hepatitis B screen (HBsAg)", ctx.r.safety.hepatitisB, "caution", `hepatitis B: ${drug} can reactivate it; hepatology review and antiviral prophylaxis before starting`);
}

/** A current systemic infection before an immunosuppressant or immunostimulant: a harm. */
export function infectionCheck(ctx: RuleContext): SafetyCheck {
  return flag("active-infection", "Active infection", ctx.r.safety.activeInfection, "contraindication", "current systemic infection: treat it before starting");
}

/**
 * The therapy (or one of its class) already on her medication list: a caution said on the therapy's line whatever its
 * verdict. The verdict is about a course for the losses; it is never a reason to stop what she takes (its prescriber
 * decides), and a course would not be a second prescription. Null when none is recorded.
 */
export function alreadyTakenCheck(taken: readonly { name: string; dose?: string | undefined; since?: string | undefined }[]): SafetyCheck | null {
  if (taken.length === 0) return null;
  return {
    id: "already-taken",
    label: "Already taken",
    status: "problem",
    severity: "caution",
    detail: `${taken.map((m) => medicationText(m, true)).join(", ")} on the medication list: this verdict is about a course for the losses, not about what she takes now; it is no reason to stop it (its prescriber decides), and a course would not be a second prescription`,
    source: CITATIONS.decidua.label,
  };
}

/** Current medications, for interactions: a caution listing them (unknown when the record does not say). */
export function medicationsCheck(ctx: RuleContext, why: string): SafetyCheck {
  const r = ctx.r;
  const id = "medications";
  const label = "Current medications";
  const source = CITATIONS.decidua.label;
  if (!r.medicationsRecorded) return { id, label, status: "unknown", severity: "caution", detail: `not recorded: ${why}`, source };
  if (r.medications.length === 0) return { id, label, status: "ok", severity: "caution", detail: "none recorded", source };
  return { id, label, status: "problem", severity: "caution", detail: `${r.medications.map((m) => medicationText(m)).join(", ")}: ${why}`, source };
}

/** IgA deficiency before IVIG: with anti-IgA antibodies (or not tested for them) anaphylaxis is a harm; without them an IgA-depleted product is a caution. */
export function igaCheck(ctx: RuleContext): SafetyCheck {
  const s = ctx.r.safety;
  const id = "iga-deficiency";
  const label = "IgA deficiency";
  const source = CITATIONS.decidua.label;
  const level = s.igaLevel;
  const deficient = s.igaDeficiency === true || (level !== undefined && level.value < IGA_DEFICIENCY_G_PER_L);
  const levelText = level !== undefined ? `IgA ${level.value} g/L${level.original !== undefined ? ` (entered ${level.original.value} ${level.original.unit})` : ""}` : "IgA level not recorded";
  if (!deficient) {
    if (s.igaDeficiency === undefined && level === undefined) return { id, label, status: "unknown", severity: "contraindication", detail: "not recorded: measure IgA before the first infusion", source, test: "Serum IgA level" };
    return { id, label, status: "ok", severity: "contraindication", detail: level !== undefined ? `${levelText}: not deficient` : "none recorded", source };
  }
  const anti = s.antiIgaAntibodies;
  if (anti === "negative") return { id, label, status: "problem", severity: "caution", detail: `IgA deficiency (${levelText}) without anti-IgA antibodies: use an IgA-depleted product`, source };
  return {
    id,
    label,
    status: "problem",
    severity: "contraindication",
    detail: `IgA deficiency (${levelText})${anti === "positive" ? " with anti-IgA antibodies" : ", anti-IgA antibodies not tested"}: risk of anaphylaxis with IgA-containing products`,
    source,
  };
}

/** Selective IgA deficiency: serum IgA below 0.07 g/L. */
export const IGA_DEFICIENCY_G_PER_L = 0.07;

export function egfrCheck(ctx: Pick<RuleContext, "r">, min: number, severity: SafetyCheck["severity"], why: string): SafetyCheck {
  const e = ctx.r.safety.egfr;
  const scr = ctx.r.safety.creatinine;
  const check = (status: SafetyCheck["status"], detail: string, source: string, test?: string): SafetyCheck =>
    test === undefined ? { id: "kidney-function", label: "Kidney function (eGFR)", status, severity, detail, source } : { id: "kidney-function", label: "Kidney function (eGFR)", status, severity, detail, source, test };
  if (e === undefined && scr !== undefined) {
    // µmol/L to a whole number, as laboratories report it (a conversion from mg/dL gives 212.208); the entered value beside it
    const creatinine = `creatinine ${scr.original !== undefined ? Math.round(scr.value) : scr.value} µmol/L${scr.original !== undefined ? ` (entered ${scr.original.value} ${scr.original.unit})` : ""}`;
    const source = CITATIONS.inker2021.label;
    if (ctx.r.age !== undefined) {
      // only a creatinine: the eGFR from it (CKD-EPI 2021, a woman of the recorded age), said as such
      const value = Math.round(ckdEpi2021Female(scr.value, ctx.r.age));
      const from = `eGFR ${value} mL/min/1.73m² from ${creatinine}, age ${ctx.r.age} (CKD-EPI 2021, Inker 2021)`;
      return value < min ? check("problem", `${from}: below ${min}: ${why}`, source) : check("ok", from, source);
    }
    // a creatinine without an age: CKD-EPI falls with age, so the eGFR lies between its values at the oldest and the
    // youngest age a record can hold; the check is decided when both sides of the threshold agree
    const highest = Math.round(ckdEpi2021Female(scr.value, RECORD_AGE_MIN));
    const lowest = Math.round(ckdEpi2021Female(scr.value, RECORD_AGE_MAX));
    const from = `eGFR ${lowest}–${highest} mL/min/1.73m² from ${creatinine} at any age from ${RECORD_AGE_MIN} to ${RECORD_AGE_MAX} (CKD-EPI 2021, Inker 2021; age not recorded)`;
    if (highest < min) return check("problem", `${from}: below ${min} at any age: ${why}`, source);
    if (lowest >= min) return check("ok", `${from}: at least ${min} at any age`, source);
    return check("unknown", `${from}: record the age (or an eGFR) to decide against ${min}`, source, "Age, or an eGFR");
  }
  if (e === undefined) return check("unknown", "eGFR not recorded: check before starting", CITATIONS.decidua.label, "Kidney function (eGFR)");
  return e.value < min ? check("problem", `eGFR ${e.value} below ${min} mL/min/1.73m²: ${why}`, CITATIONS.decidua.label) : check("ok", `eGFR ${e.value} mL/min/1.73m²`, CITATIONS.decidua.label);
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
  benefitClaim?: BenefitClaim;
  citedGuidelines?: CitedGuideline[];
}

/** Builds a verdict in one step, field by field (object spreads are slow on this hot path); nothing is copied twice. */
export function verdict(def: Pick<TherapyDefinition, "id" | "name">, status: VerdictStatus, reasonKind: ReasonKind, headline: string, base: BaseParts, rest: RestParts): VerdictCore {
  const v: VerdictCore = {
    therapy: def.id,
    name: def.name,
    status,
    reasonKind,
    headline: `${def.name}: ${status} — ${headline}`,
    reasons: rest.reasons,
    unmet: rest.unmet,
    findings: rest.findings,
    missing: rest.missing,
    safetyChecks: base.safetyChecks,
    coInterventions: base.coInterventions,
    criteriaSource: base.criteriaSource,
  };
  if (rest.researchNote !== undefined) v.researchNote = rest.researchNote;
  if (rest.benefitClaim !== undefined) v.benefitClaim = rest.benefitClaim;
  if (rest.citedGuidelines !== undefined && rest.citedGuidelines.length > 0) v.citedGuidelines = rest.citedGuidelines;
  return v;
}

/**
 * The current pregnancy is ectopic, as a finding against a regimen given to carry an intrauterine pregnancy (the
 * immunotherapy ladder's in-pregnancy protocols, heparin + aspirin in APS: hazards H53, H54).
 */
export function ectopicPregnancyFinding(source: string, reading: string): VerdictFinding {
  return { id: "current-pregnancy", label: "Current pregnancy", value: "ectopic", unit: null, cutOff: "intrauterine", source, role: "against", reading };
}

/** The safety problems that decide a verdict (severity contraindication). */
export function blockingSafety(checks: readonly SafetyCheck[]): SafetyCheck[] {
  return checks.filter((s) => s.status === "problem" && s.severity === "contraindication");
}

/**
 * The pre-treatment tests not yet done whose result can make the therapy harmful (safety checks read from a test,
 * severity contraindication, unknown): named as pending investigations.
 */
export function pendingSafetyTests(checks: readonly SafetyCheck[]): MissingItem[] {
  return checks.filter((c) => c.status === "unknown" && c.severity === "contraindication" && c.test !== undefined).map((c) => ({ id: `safety-${c.id}`, label: c.test as string, detail: c.detail }));
}

/** A contraindicated verdict: there is a harm, and every reason names it. */
export function safetyVerdict(def: Pick<TherapyDefinition, "id" | "name">, base: BaseParts, blocking: readonly SafetyCheck[]): VerdictCore {
  const reasons = blocking.map((b) => `Safety: ${lowerFirst(b.label)}: ${b.detail}.`);
  return verdict(def, "contraindicated", "safety", reasons[0]!, base, { reasons, unmet: [], findings: blocking.map(safetyFinding), missing: [] });
}

// ---------------------------------------------------------------------------------------------------------------
// The generic ladder for immunotherapies without guideline support

/**
 * The losses a protocol's loss criterion counts, one definition for its count and its label: first-trimester ones,
 * every one, or clinical miscarriages (biochemical losses not counted).
 */
const LOSS_SCOPES = {
  "first-trimester": { label: "Unexplained first-trimester losses", count: (dx: Diagnosis) => dx.unexplainedFirstTrimesterLossCount },
  any: { label: "Unexplained losses", count: (dx: Diagnosis) => dx.unexplainedLossCount },
  clinical: { label: "Unexplained miscarriages (not counting biochemical losses)", count: (dx: Diagnosis) => dx.unexplainedClinicalLossCount },
} as const;
export type LossScope = keyof typeof LOSS_SCOPES;

export interface ImmunoSpec {
  minLosses: number;
  /** Which losses count towards the criterion (LOSS_SCOPES). */
  lossScope: LossScope;
  lossSource: Citation;
  primaryOnly?: boolean;
  /** The ages (years, inclusive) the trial enrolled, when it set them: outside them the protocol is not met. */
  ageRange?: { min: number; max: number; source: Citation };
  allowRif: boolean;
  /** Immune markers of which at least one must be abnormal; null when the trial selected on the history alone. */
  markers: readonly ImmuneMarkerId[] | null;
  markerSource?: Citation;
  treats: readonly CauseId[];
  criteria: string;
  guidelineCaveat: string;
  /** When the best trial in exactly the population this protocol selects found no benefit: said in the headline. */
  noBenefitInSelection?: string;
}

/** Causes that explain losses and have their own management (thyroid dysfunction is a step to clarify, not an explanation). */
const EXPLAINING_CAUSES: readonly CauseId[] = ["aps", "uterine-anomaly", "parental-chromosomal", "hereditary-thrombophilia"];

/**
 * The ladder (issue 9 §1), in order:
 * 1. a safety contraindication → contraindicated (safety);
 * 2. a cause this therapy does not treat, or every counted loss chromosomally explained → not-indicated
 *    (explained-by-other-cause);
 * (a protocol that admits RIF, too few losses without it, and transfers that meet the RIF rule while the age is not
 *    recorded → premature naming the age: an unrecorded age is never read as under 40);
 * 3. not RPL (fewer than 2 losses, no RIF) → not-indicated (pattern-mismatch);
 * 4. fewer qualifying losses than the protocol asks: not-indicated naming the protocol (pattern-mismatch when the
 *    losses are of a kind the protocol does not select, e.g. cervical insufficiency; otherwise
 *    criterion-not-completable); a primary-RPL-only trial for secondary RPL likewise;
 * 5. a pre-conception protocol for a patient already pregnant, or one given in pregnancy past its start week (by
 *    the dated week, or by the least week a positive test implies) or in an ectopic pregnancy → not-indicated
 *    (timing-mismatch);
 * 6. selecting markers measured and all within their cut-offs → not-indicated (marker-normal);
 * 7. a named investigation pending (work-up, thyroid follow-up, aPL repeat or conflict, a pre-treatment safety test
 *    whose result can make the therapy harmful, selecting marker) →
 *    premature (investigation-pending / conflicting-results): never for a further loss;
 * 8. otherwise → protocol-eligible (criteria-met).
 */
export function immunotherapyVerdict(ctx: RuleContext, def: TherapyDefinition, spec: ImmunoSpec): VerdictCore {
  const { dx, r } = ctx;
  const safetyChecks = def.safetyChecks(ctx);
  const base: BaseParts = { safetyChecks, coInterventions: def.coInterventions, criteriaSource: [spec.criteria] };
  const findings: VerdictFinding[] = [];
  const missing: MissingItem[] = [];
  const reasons: string[] = [];
  const unmet: string[] = [];
  const rest = (): RestParts => ({ reasons, unmet, findings, missing });

  // 1. harm
  const blocking = blockingSafety(safetyChecks);
  if (blocking.length > 0) return safetyVerdict(def, base, blocking);

  // 2. explained by another cause
  const untreated = dx.causes.filter((c) => EXPLAINING_CAUSES.includes(c.id) && !spec.treats.includes(c.id));
  const rifOk = spec.allowRif && dx.rif.met;
  const allExplained = dx.lossCount > 0 && dx.unexplainedLossCount === 0 && dx.explainedLossCount > 0 && !rifOk;
  if (untreated.length > 0 || allExplained) {
    for (const c of untreated) {
      findings.push(causeFinding(c));
      reasons.push(`The losses have an explanation this therapy does not treat: ${lowerFirst(c.label)} (${c.detail}); that cause has its own management.`);
    }
    if (allExplained) {
      findings.push(...explainedLossFindings(dx));
      reasons.push(`Every counted loss has a chromosomal explanation (${dx.explainedLossCount} of ${dx.lossCount}): there is no unexplained loss for an immunotherapy to address.`);
    }
    return verdict(def, "not-indicated", "explained-by-other-cause", reasons[0]!, base, rest());
  }

  // the transfers meet the implantation-failure rule, but the age it asks for is not recorded: that is the step pending
  // when implantation failure is this protocol's only way in
  const count = LOSS_SCOPES[spec.lossScope].count(dx);
  if (spec.allowRif && dx.rif.agePending && count < spec.minLosses) {
    const reason = `Recurrent implantation failure depends on the woman's age, which is not recorded: ${dx.rif.failedCycles} failed transfers with ${dx.rif.goodEmbryosInFailedCycles} good-quality embryos meet the rule (${dx.rif.rule}; ${dx.rif.source.label}) only under 40.`;
    reasons.push(reason);
    missing.push({ id: "age", label: "Age (or date of birth)", detail: "recurrent implantation failure is defined for women under 40" });
    return verdict(def, "premature", "investigation-pending", "age not recorded: recurrent implantation failure is defined for women under 40", base, rest());
  }

  // 3. not recurrent pregnancy loss
  if (dx.lossCount < 2 && !rifOk) {
    findings.push(lossFinding("losses", "Pregnancy losses before 24 weeks", dx.lossCount, 2, CITATIONS.eshreRplDefinition, "against"));
    // recurrent implantation failure not established: say which part of its rule is not met (the transfers, or the age)
    const rifWhy = dx.rif.transfersMet && r.age !== undefined
      ? ` (the transfers meet ${dx.rif.source.label}'s rule, but it is defined for women under 40; she is ${r.age})`
      : dx.rif.failedCycles > 0 ? ` (${dx.rif.failedCycles} failed transfers with ${dx.rif.goodEmbryosInFailedCycles} good-quality embryos; ${dx.rif.rule}, ${dx.rif.source.label})` : "";
    reasons.push(`${dx.lossCount} pregnancy loss${dx.lossCount === 1 ? "" : "es"} recorded: this is not recurrent pregnancy loss (ESHRE: 2 or more)${spec.allowRif ? `, and recurrent implantation failure is not established${rifWhy}` : ""}.`);
    return verdict(def, "not-indicated", "pattern-mismatch", reasons[0]!, base, rest());
  }

  // 4. the protocol's loss criterion
  const scope = LOSS_SCOPES[spec.lossScope].label;
  const lossesOk = count >= spec.minLosses;
  findings.push(lossFinding("unexplained-losses", scope, count, spec.minLosses, spec.lossSource, lossesOk || rifOk ? "supports" : "against"));
  findings.push(...explainedLossFindings(dx));
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
  if (!lossesOk && !rifOk) {
    const notSelected = dx.losses.filter((l) => l.countsForRpl && l.mechanismExcluded);
    const secondTrimester = spec.lossScope === "first-trimester" ? dx.losses.filter((l) => l.countsForRpl && !l.explained && !l.mechanismExcluded && l.trimester !== 1) : [];
    const biochemical = spec.lossScope === "clinical" ? dx.unexplainedLossCount - dx.unexplainedClinicalLossCount : 0;
    const otherPattern = notSelected.length + secondTrimester.length + biochemical;
    const asked = `${spec.minLosses} or more ${scope.toLowerCase()}${spec.allowRif ? " (or recurrent implantation failure with good-quality embryos)" : ""}`;
    const why: string[] = [];
    if (dx.explainedLossCount > 0) why.push(`${dx.explainedLossCount} of ${dx.lossCount} losses explained by an abnormal embryo karyotype`);
    if (notSelected.length > 0) why.push(`${notSelected.length} ${notSelected.length === 1 ? "loss" : "losses"} from ${[...new Set(notSelected.map((l) => l.mechanismLabel))].join(" / ")}, a mechanism this protocol does not select`);
    if (secondTrimester.length > 0) why.push(`${secondTrimester.length} second-trimester or later ${secondTrimester.length === 1 ? "loss" : "losses"}, outside the first-trimester pattern it selects`);
    if (biochemical > 0) why.push(`${biochemical} biochemical ${biochemical === 1 ? "loss" : "losses"}, which it does not count`);
    const text = `${spec.criteria} asks for ${asked}; the record has ${count}${why.length > 0 ? ` (${why.join("; ")})` : ""}.`;
    unmet.push(`${asked} (${spec.lossSource.label}): ${count} recorded${why.length > 0 ? `, ${why.join("; ")}` : ""}.`);
    reasons.push(`Not indicated: ${text}`);
    const kind: ReasonKind = otherPattern > 0 && count + otherPattern >= spec.minLosses ? "pattern-mismatch" : "criterion-not-completable";
    return verdict(def, "not-indicated", kind, `${spec.criteria} asks for ${asked}; the record has ${count}`, base, rest());
  }
  if (spec.primaryOnly === true && dx.type === "secondary" && dx.typeAssumed === true) {
    // primary or secondary decides this criterion, and the record cannot tell: the dates are the step, not an assumption
    findings.push({ id: "rpl-type", label: "RPL type", value: "not known (undated)", unit: null, cutOff: "primary", source: spec.lossSource.label, role: "context", reading: `Primary or secondary RPL cannot be told: a live birth or a loss has no date (${spec.lossSource.label} enrolled primary RPL only)` });
    missing.push({ id: "rpl-type-dates", label: "Dates of the live birth(s) and losses (primary or secondary RPL)", detail: dx.typeNote ?? "a live birth or a loss is undated" });
    reasons.push(`Pending before this can be decided: the dates of the live birth(s) and losses, which tell primary from secondary RPL (the trial criteria of ${spec.lossSource.label} are for primary RPL).`);
    return verdict(def, "premature", "investigation-pending", "primary or secondary RPL cannot be told: date the live birth(s) and losses", base, rest());
  }
  if (spec.primaryOnly === true && dx.type === "secondary") {
    findings.push({ id: "rpl-type", label: "RPL type", value: "secondary", unit: null, cutOff: "primary", source: spec.lossSource.label, role: "against", reading: `Secondary RPL: the trial enrolled women with primary RPL only (${spec.lossSource.label})` });
    reasons.push(`The trial criteria (${spec.lossSource.label}) are for primary RPL; this is secondary RPL.`);
    return verdict(def, "not-indicated", "criterion-not-completable", reasons[0]!, base, rest());
  }

  // the ages the trial enrolled: a criterion a patient cannot complete when she is outside them (not recorded: asked for)
  if (spec.ageRange !== undefined) {
    const { min, max, source } = spec.ageRange;
    if (r.age === undefined) {
      missing.push({ id: "age", label: "Age (or date of birth)", detail: `${source.label} enrolled women aged ${min} to ${max}` });
    } else {
      const within = r.age >= min && r.age <= max;
      findings.push({ id: "age", label: "Age", value: r.age, unit: "years", cutOff: `${min}–${max} years`, source: source.label, role: within ? "supports" : "against", reading: within ? `Age ${r.age}, within the ${min}–${max} years ${source.label} enrolled` : `Age ${r.age}: ${source.label} enrolled women aged ${min} to ${max}` });
      if (!within) {
        reasons.push(`Not indicated: ${spec.criteria} enrolled women aged ${min} to ${max}; she is ${r.age}.`);
        unmet.push(`Age ${min} to ${max} years (${source.label}): ${r.age}.`);
        return verdict(def, "not-indicated", "criterion-not-completable", `${spec.criteria} enrolled women aged ${min} to ${max}; she is ${r.age}`, base, rest());
      }
    }
  }

  // 5. a protocol that starts before conception, for a patient who is pregnant
  const protocol = def.protocol(ctx.config);
  if (protocol.starts === "before-conception" && r.currentPregnancy !== undefined) {
    // the week every rule reads: from the last menstrual period when it is recorded, else the recorded week
    const current = currentGestationalWeek(r.currentPregnancy, ctx.today);
    const week = current === undefined ? undefined : Math.floor(current);
    reasons.push(`The protocol starts before conception (${protocol.name}); the patient is already pregnant${week !== undefined ? ` (${week} weeks)` : ""}, so it cannot be followed in this pregnancy.`);
    findings.push({ id: "current-pregnancy", label: "Current pregnancy", value: week ?? "pregnant", unit: week !== undefined ? "weeks" : null, cutOff: "not pregnant at the start", source: spec.criteria, role: "against", reading: reasons[reasons.length - 1]! });
    return verdict(def, "not-indicated", "timing-mismatch", reasons[0]!, base, rest());
  }
  // ... or one given in pregnancy, while the pregnancy is ectopic or past the protocol's start
  if (protocol.starts === "in-pregnancy" && r.currentPregnancy?.location === "ectopic") {
    reasons.push(`The current pregnancy is ectopic: the protocol (${protocol.name}) is given in an intrauterine pregnancy, so it does not apply to this one.`);
    findings.push(ectopicPregnancyFinding(spec.criteria, reasons[reasons.length - 1]!));
    return verdict(def, "not-indicated", "timing-mismatch", reasons[0]!, base, rest());
  }
  const week = r.currentPregnancy === undefined ? undefined : currentGestationalWeek(r.currentPregnancy, ctx.today);
  if (protocol.starts === "in-pregnancy" && protocol.latestStartWeek !== undefined && week !== undefined && Math.floor(week) > protocol.latestStartWeek) {
    reasons.push(`The protocol starts by ${protocol.latestStartWeek} weeks of gestation (${protocol.name}); the patient is at ${Math.floor(week)} weeks, past its start, so it cannot be followed in this pregnancy.`);
    findings.push({ id: "current-pregnancy", label: "Current pregnancy", value: Math.floor(week), unit: "weeks", cutOff: `≤ ${protocol.latestStartWeek} weeks at the start`, source: spec.criteria, role: "against", reading: reasons[reasons.length - 1]! });
    return verdict(def, "not-indicated", "timing-mismatch", reasons[0]!, base, rest());
  }
  // ... or past it by the positive test alone, when nothing else dates the pregnancy
  const least = r.currentPregnancy === undefined || week !== undefined ? undefined : leastGestationalWeek(r.currentPregnancy, ctx.today);
  if (protocol.starts === "in-pregnancy" && protocol.latestStartWeek !== undefined && least !== undefined && Math.floor(least) > protocol.latestStartWeek) {
    reasons.push(
      `The protocol starts by ${protocol.latestStartWeek} weeks of gestation (${protocol.name}); the pregnancy test was positive on ${r.currentPregnancy!.positiveTestDate}, so the patient is at least ${Math.floor(least)} weeks, past its start (record the last menstrual period or a dating scan to date it exactly).`,
    );
    findings.push({ id: "current-pregnancy", label: "Current pregnancy", value: Math.floor(least), unit: "weeks at least", cutOff: `≤ ${protocol.latestStartWeek} weeks at the start`, source: spec.criteria, role: "against", reading: reasons[reasons.length - 1]! });
    return verdict(def, "not-indicated", "timing-mismatch", reasons[0]!, base, rest());
  }

  // 6. the selecting markers
  let supporting: ImmuneFinding[] = [];
  let notMeasured: ImmuneFinding[] = [];
  let markersMeasured = true;
  if (spec.markers !== null) {
    const rel = ctx.immune.filter((f) => spec.markers!.includes(f.marker));
    supporting = rel.filter((f) => f.status === "abnormal");
    const measured = rel.filter((f) => f.status === "normal" || f.status === "abnormal");
    markersMeasured = measured.length > 0;
    notMeasured = rel.filter((f) => f.status === "missing" || f.status === "no-cut-off");
    for (const f of supporting) findings.push(immuneFinding(f, "supports"));
    if (supporting.length === 0) for (const f of measured) findings.push(immuneFinding(f, "against"));
    if (markersMeasured && supporting.length === 0) {
      const names = measured.map((f) => f.label.split(" (")[0]!).join(", ");
      reasons.push(
        `No finding supports it: the selecting marker${measured.length === 1 ? "" : "s"} measured (${names}) ${measured.length === 1 ? "is" : "are"} within the cut-off (${spec.markerSource?.label ?? spec.criteria})${notMeasured.length > 0 ? `; not measured: ${notMeasured.map((f) => f.label.split(" (")[0]!).join(", ")}` : ""}.`,
      );
      return verdict(def, "not-indicated", "marker-normal", reasons[0]!, base, rest());
    }
  }

  // 7. a named investigation pending
  const short: string[] = [];
  let kind: ReasonKind = "investigation-pending";
  const thyroid = dx.causes.find((c) => c.id === "thyroid-dysfunction");
  if (thyroid !== undefined) {
    findings.push(causeFinding(thyroid));
    // the step still to take: the tests not yet on file, or with them on file the treatment (or its dose) to review
    const th = r.workup.thyroid;
    const tested = th?.freeT4 !== undefined && th.tpoAb !== undefined;
    const onLevothyroxine = r.medications.some((m) => /levothyroxine|thyroxine|l-thyroxine|euthyrox|eltroxin|synthroid/i.test(m.name));
    const step = !tested
      ? { label: "Thyroid follow-up (free T4, TPO antibodies; treat dysfunction)", unmet: "thyroid function to be clarified (free T4, TPO antibodies) and any dysfunction treated first" }
      : onLevothyroxine
        ? { label: "Thyroid review: the levothyroxine dose (TSH outside the range on treatment; free T4 and TPO antibodies on file)", unmet: "the levothyroxine dose to be reviewed until the TSH is in range" }
        : { label: "Thyroid dysfunction to treat or review (free T4 and TPO antibodies on file)", unmet: "the thyroid dysfunction, clarified by the tests on file, to be treated or reviewed first" };
    missing.push({ id: "thyroid-follow-up", label: step.label, detail: thyroid.detail });
    short.push("thyroid function to clarify or treat first");
    unmet.push(`Hormonal causes excluded: ${step.unmet} (${thyroid.detail}).`);
  }
  const wm = workupMissing(dx);
  if (wm.length > 0) {
    missing.push(...wm);
    if (dx.aps.conflict !== undefined) kind = "conflicting-results";
    short.push(`work-up incomplete: ${wm.map((m) => m.label).join(", ")}`);
    unmet.push(`Structural, chromosomal, hormonal and thrombophilic causes excluded: the work-up is incomplete (${wm.map((m) => `${lowerFirst(m.label)}: ${m.detail}`).join("; ")}).`);
  }
  const untested = pendingSafetyTests(safetyChecks);
  if (untested.length > 0) {
    missing.push(...untested);
    short.push(`safety test${untested.length === 1 ? "" : "s"} before starting: ${untested.map((m) => m.label).join(", ")}`);
    unmet.push(`Safety tests before starting, not recorded: ${untested.map((m) => `${m.label} (${m.detail})`).join("; ")}.`);
  }
  if (!markersMeasured && spec.markers !== null) {
    for (const f of notMeasured)
      missing.push({ id: f.marker, label: f.label, detail: f.notValid ?? (f.status === "missing" ? "not measured (research-grade marker)" : "measured, but no validated cut-off and no laboratory flag") });
    const labels = notMeasured.map((f) => f.label);
    unmet.push(`An immune finding the protocol selects on, none measured yet: ${labels.join("; ")} (${spec.markerSource?.label ?? spec.criteria}).`);
    short.push("no selecting immune marker measured");
  }
  // a protocol given in pregnancy needs the pregnancy located and dated: a pregnancy of unknown location may be
  // ectopic (the protocol is for an intrauterine one), and one with no date cannot be placed in the protocol's start
  // window (H91)
  if (protocol.starts === "in-pregnancy" && r.currentPregnancy !== undefined) {
    if (r.currentPregnancy.location === "unknown") {
      missing.push({ id: "pregnancy-location", label: "Ultrasound scan locating the pregnancy", detail: "a pregnancy of unknown location (nothing seen in or outside the uterus): serial serum hCG and a repeat scan; the protocol is given in an intrauterine pregnancy" });
      short.push("the pregnancy's location: a repeat scan with serial hCG (pregnancy of unknown location)");
      unmet.push(`An intrauterine pregnancy (${protocol.name}): the pregnancy's location is unknown.`);
    }
    if (protocol.latestStartWeek !== undefined && week === undefined && leastGestationalWeek(r.currentPregnancy, ctx.today) === undefined) {
      missing.push({ id: "pregnancy-dating", label: "Gestational age (last menstrual period, positive test date or dating scan)", detail: `the protocol starts by ${protocol.latestStartWeek} weeks of gestation; the current pregnancy has no date` });
      short.push("the pregnancy's dating (the protocol has a start window)");
      unmet.push(`A start by ${protocol.latestStartWeek} weeks of gestation (${protocol.name}): the current pregnancy is not dated.`);
    }
  }
  if (missing.length > 0) {
    reasons.push(`Pending before this can be decided: ${missing.map((m) => m.label).join("; ")}.`);
    return verdict(def, "premature", kind, short.join("; "), base, rest());
  }

  // 8. eligible; a loss on an earlier course of this therapy is said, beside the criteria it meets
  const onCourse = r.losses.filter((l) => l.treatedWith.includes(def.id));
  if (onCourse.length > 0) {
    const reading = `${onCourse.length} loss(es) during an earlier course of ${def.name}: the protocol did not prevent ${onCourse.length === 1 ? "it" : "them"}; weigh this before a further course`;
    findings.push({ id: "earlier-course", label: `Loss during an earlier course of ${def.name}`, value: onCourse.length, unit: "losses", cutOff: null, source: CITATIONS.decidua.label, role: "against", reading });
    reasons.push(`${reading}.`);
  }
  const why = [
    rifOk && !lossesOk ? `recurrent implantation failure (${dx.rif.failedCycles} failed transfers)` : `${count} ${scope.toLowerCase()}`,
    dx.workupComplete ? "complete negative standard work-up" : "",
    ...supporting.map((f) => f.reading),
  ].filter((s) => s !== "");
  reasons.push(`Meets the criteria of ${spec.criteria}: ${why.join("; ")}.`);
  if (spec.noBenefitInSelection !== undefined) reasons.push(spec.noBenefitInSelection);
  reasons.push(spec.guidelineCaveat);
  const failed = onCourse.length > 0 ? ` ${onCourse.length} loss(es) during an earlier course of it.` : "";
  const headline = spec.noBenefitInSelection !== undefined ? `${spec.noBenefitInSelection} Meets ${spec.criteria}: ${why.join("; ")}.${failed} ${spec.guidelineCaveat}` : `${why.join("; ")}.${failed} ${spec.guidelineCaveat}`;
  const v = verdict(def, "protocol-eligible", "criteria-met", headline, base, { reasons, unmet, findings, missing, researchNote: `${spec.guidelineCaveat} ${RESEARCH_MEANING}` });
  if (spec.noBenefitInSelection !== undefined) v.noBenefitInSelection = spec.noBenefitInSelection;
  return v;
}
