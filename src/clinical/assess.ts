/**
 * assessPatient: record -> diagnosis, work-up, immune findings, a verdict per therapy (with evidence, guideline
 * positions and, on request, a dated plan) and the two voices. Pure: `today` and the plan start are passed in,
 * the evidence arrives as an EvidenceLookup (see evidence.ts), the clinic's cut-offs as a ClinicConfig.
 */
import { THERAPY_IDS, type TherapyId } from "../shared/therapy-ids.js";
import { DEFAULT_CLINIC_CONFIG, type ClinicConfig } from "./config.js";
import { diagnose, type Diagnosis } from "./diagnosis.js";
import { noEvidenceLookup, type EvidenceLookup, type PatientSubgroup, type VerdictEvidence, type VerdictGuideline } from "./evidence.js";
import { readImmuneFindings, type ImmuneFinding } from "./immune.js";
import { planProtocol, type Plan } from "./protocols.js";
import { ageOn } from "./dates.js";
import { medicationWarnings, therapyAlreadyTaken } from "./medications.js";
import { checkRecordOn, overlappingPregnancies, pregnancyDatingConflict, currentPregnancyDatingWarning, karyotypeVariantWarnings, parsePatientRecord, pregnancyEndedByOutcome, pregnancyPastTerm, staleAge, type PatientRecord } from "./record.js";
import { THERAPIES } from "./therapies/index.js";
import type { BenefitClaim, RuleContext, VerdictCore } from "./verdicts.js";
import { alreadyTakenCheck } from "./verdicts.js";
import { clinicianSummary, patientSummary } from "./voices.js";
import { evidenceVersionLabel, type EvidenceVersionRef } from "../evidence/versions.js";

export interface AssessOptions {
  /** The assessment date (YYYY-MM-DD). */
  today: string;
  config?: ClinicConfig;
  /** Evidence and guideline positions per therapy (evidenceLookupFromBase); without it the fields say none was passed. */
  evidence?: EvidenceLookup;
  /** When given, a dated plan is built for each therapy that is recommended or protocol-eligible. */
  planStart?: string;
  /** First day of the planned conception cycle, to date pregnancy steps provisionally (see PlanOptions). */
  assumedLmp?: string;
  /** The patient's date of birth (kept by the store beside the record): results before it, losses before age 10 and a contradicting `age` are rejected. */
  dateOfBirth?: string;
  /** The record's file, named in errors. */
  file?: string;
  /** The published evidence version the lookup was built from (issue 11): named in the assessment and both voices. */
  evidenceVersion?: EvidenceVersionRef;
}

export interface TherapyAssessment extends VerdictCore {
  guideline: VerdictGuideline[];
  evidence: VerdictEvidence;
  plan: Plan | null;
}

export interface Assessment {
  patientId?: string;
  today: string;
  clinicConfig: string;
  diagnosis: Diagnosis;
  immune: ImmuneFinding[];
  subgroups: PatientSubgroup[];
  therapies: Record<TherapyId, TherapyAssessment>;
  patientSummary: string[];
  clinicianSummary: string[];
  /**
   * Data problems that do not stop the assessment, with the field. Dates after the assessment date, results before
   * birth and impossible ages are not warnings: they are rejected (checkRecordOn).
   */
  warnings: string[];
  /** The published evidence version the verdicts rest on, with its label ("evidence v2, published 2026-12-03"). */
  evidenceVersion?: EvidenceVersionRef & { label: string };
}

export function patientSubgroups(r: PatientRecord, dx: Diagnosis, immune: ImmuneFinding[]): PatientSubgroup[] {
  const s: PatientSubgroup[] = [];
  if (dx.type === "primary") s.push("primary-rpl");
  if (dx.type === "secondary") s.push("secondary-rpl");
  const ana = immune.find((f) => f.marker === "ana");
  if (ana?.status === "abnormal") s.push("ana-positive");
  if (ana?.status === "normal") s.push("ana-negative");
  if (dx.aps.laboratory === "persistent") s.push("apl-positive");
  if (immune.some((f) => f.marker === "th1Th2Ratio" && f.status === "abnormal")) s.push("th1-th2-elevated");
  if (immune.some((f) => (f.marker === "il33" || f.marker === "sst2") && f.status === "abnormal")) s.push("il33-sst2-elevated");
  if (immune.some((f) => (f.marker === "peripheralNk" || f.marker === "uterineNk" || f.marker === "nkCytotoxicity") && f.status === "abnormal")) s.push("nk-elevated");
  if (dx.rif.met) s.push("recurrent-implantation-failure");
  if (r.currentPregnancy?.bleeding === true) s.push("bleeding-in-pregnancy");
  if (dx.lossCount >= 4) s.push("four-or-more-losses");
  return s;
}

/** Assesses an already validated, normalised record. */
export function assessRecord(record: PatientRecord, opts: AssessOptions): Assessment {
  checkRecordOn(record, opts.dateOfBirth !== undefined ? { today: opts.today, dateOfBirth: opts.dateOfBirth } : { today: opts.today }, opts.file);
  // with a date of birth, the age on the assessment date is derived from it (a recorded age is the age when written)
  const r = opts.dateOfBirth !== undefined ? { ...record, age: ageOn(opts.dateOfBirth, opts.today) } : record;
  const config = opts.config ?? DEFAULT_CLINIC_CONFIG;
  const lookup = opts.evidence ?? DEFAULT_LOOKUP;
  const dx = diagnose(r, config);
  const immune = readImmuneFindings(r, config);
  const subgroups = patientSubgroups(r, dx, immune);
  // the rules read the published base's guideline positions (guidelineSupport); none when no base was passed
  const guidelines = (t: TherapyId) => {
    const ev = lookup(t, subgroups);
    return ev.evidence.origin === "none" ? null : ev.guideline;
  };
  const ctx: RuleContext = { r, dx, immune, config, guidelines, today: opts.today };
  const cores = {} as Record<TherapyId, VerdictCore>;
  const therapies = {} as Record<TherapyId, TherapyAssessment>;
  for (const t of THERAPY_IDS) {
    const core = THERAPIES[t].verdict(ctx);
    // the therapy already on her medication list (tacrolimus after a transplant, hydroxychloroquine for lupus): said
    // on its line whatever the verdict, so no verdict reads as "stop what you take"
    const taken = alreadyTakenCheck(therapyAlreadyTaken(t, r.medications));
    if (taken !== null) core.safetyChecks.push(taken);
    cores[t] = core;
    const ev = lookup(t, subgroups);
    // The verdict object itself becomes the therapy's assessment: evidence and plan are added, nothing is copied.
    const ta = core as TherapyAssessment;
    ta.guideline = ev.guideline;
    ta.evidence = ev.evidence;
    if (core.citedGuidelines !== undefined) markCitations(core, ev.guideline);
    if (core.benefitClaim !== undefined) core.reasons.push(benefitSentence(core.benefitClaim, ev.evidence));
    ta.plan =
      opts.planStart !== undefined && (core.status === "recommended" || core.status === "protocol-eligible")
        ? planProtocol(t, r, { start: opts.planStart, config, today: opts.today, ...(opts.assumedLmp !== undefined ? { assumedLmp: opts.assumedLmp } : {}) })
        : null;
    therapies[t] = ta;
  }
  const a: Assessment = {
    today: opts.today,
    clinicConfig: config.name,
    diagnosis: dx,
    immune,
    subgroups,
    therapies,
    patientSummary: patientSummary(dx, immune, cores),
    clinicianSummary: clinicianSummary(dx, immune, cores),
    warnings: [],
  };
  const stale = staleAge(record, opts.dateOfBirth !== undefined ? { today: opts.today, dateOfBirth: opts.dateOfBirth } : { today: opts.today });
  if (stale !== null) a.warnings.push(stale.text);
  const pastTerm = pregnancyPastTerm(r, opts.today);
  if (pastTerm !== null) a.warnings.push(pastTerm.text);
  const ended = pregnancyEndedByOutcome(r);
  if (ended !== null) a.warnings.push(ended.text);
  const dating = pregnancyDatingConflict(r.currentPregnancy, opts.today);
  if (dating !== null) a.warnings.push(dating.text);
  const undated = currentPregnancyDatingWarning(r.currentPregnancy, opts.today);
  if (undated !== null) a.warnings.push(undated.text);
  const overlap = overlappingPregnancies(r);
  if (overlap !== null) a.warnings.push(overlap.text);
  a.warnings.push(...medicationWarnings(r));
  a.warnings.push(...karyotypeVariantWarnings(r));
  if (r.id !== undefined) a.patientId = r.id;
  if (opts.evidenceVersion !== undefined) {
    const label = evidenceVersionLabel(opts.evidenceVersion);
    a.evidenceVersion = { ...opts.evidenceVersion, label };
    a.patientSummary.push(`This advice rests on the clinic's ${label}.`);
    a.clinicianSummary.push(`Verdicts rest on ${label} (sha-256 ${opts.evidenceVersion.contentHash.slice(0, 12)}…).`);
  }
  return a;
}

const DEFAULT_LOOKUP = noEvidenceLookup;

/**
 * Marks each guideline position a reason cites as verified or unverified, with the mark of the guideline list the
 * verdict shows (the evidence base); without one, the rule's own mark. The headline, when it repeats the reason, too.
 */
function markCitations(v: VerdictCore, guideline: readonly VerdictGuideline[]): void {
  for (const c of v.citedGuidelines ?? []) {
    const listed = guideline.find((g) => g.id === c.id);
    const verified = listed?.verified ?? c.verified;
    c.verified = verified;
    const before = v.reasons[c.reason];
    if (before === undefined) continue;
    const mark = ` [${c.body}${c.year !== undefined ? ` ${c.year}` : ""}: ${verified ? "verified" : "unverified: not read in the guideline text"}]`;
    v.reasons[c.reason] = before + mark;
    if (v.headline.endsWith(before)) v.headline = v.headline + mark;
  }
}

/**
 * A cited benefit in the words of the evidence block: "improved" only when the block's CI excludes no effect, and
 * with the subgroup it holds in; otherwise what the block shows.
 */
export function benefitSentence(claim: BenefitClaim, ev: VerdictEvidence): string {
  const e = ev.effect;
  if (e === undefined) return `${claim.trial}: a benefit in ${claim.outcome} was reported in ${claim.subgroup}; the evidence base passed has no estimate to show it (see the evidence block).`;
  const where = e.subgroup !== null ? `in the subgroup ${e.subgroup}` : "in the overall population";
  if (e.excludesNoEffect && e.favoursTreatment) return `${claim.trial}: improved ${claim.outcome} ${where}: ${e.text} (certainty ${ev.certainty ?? "not graded"}).`;
  return `${claim.trial}: ${where} the evidence block shows no clear difference in ${claim.outcome} (${e.text}; the CI includes no effect); the benefit was reported only in ${claim.subgroup}.`;
}

/**
 * Validates a patient record as written (JSON), then assesses it. Bad input throws an InputError naming the field.
 * For many assessments, build the lookup once (evidenceLookupFromBase) and pass it every time.
 */
export function assessPatient(input: unknown, opts: AssessOptions): Assessment {
  return assessRecord(parsePatientRecord(input, opts.file), opts);
}
