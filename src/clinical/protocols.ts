/**
 * Treatment protocols as data (steps timed against the plan start, the cycle, the positive test or the
 * gestational week; fixed or per-kg doses rounded to available strengths; monitoring; stop and continue rules)
 * and planProtocol, which turns a protocol into a dated plan for one patient. Follow-up results (the anti-paternal
 * antibody check after LIT) change the plan. Pure: dates come in as parameters.
 */
import { InputError } from "../shared/errors.js";
import type { TherapyId } from "../shared/therapy-ids.js";
import { DEFAULT_CLINIC_CONFIG, type ClinicConfig } from "./config.js";
import { addDays, durationText } from "./dates.js";
import type { PatientRecord } from "./record.js";
import type { Citation } from "./sources.js";
import { citationText } from "./evidence.js";
import { THERAPIES } from "./therapies/index.js";

export type Anchor =
  /** Days after the plan start (for LIT: first injection; tacrolimus: end of menses; prednisolone: cycle day 1). */
  | { kind: "start"; offsetDays: number }
  /** Gestational weeks (from the last menstrual period). */
  | { kind: "gestational-week"; from: number; to?: number }
  /** The positive pregnancy test. */
  | { kind: "positive-test"; offsetDays?: number }
  /** Relative to another step. */
  | { kind: "after-step"; step: string; offsetDays: number }
  /** Text only (e.g. "6–12 weeks post partum"). */
  | { kind: "text"; text: string };

export type DoseSpec =
  | { kind: "fixed"; text: string }
  | {
      kind: "per-kg";
      /** Amount per kg of body weight (per administration or per day, see `per`). */
      min: number;
      max?: number;
      unit: "mg" | "g" | "µg";
      per: "day" | "dose";
      /** Which available strengths to round to (ClinicConfig.strengths). */
      strengths: "tacrolimusMg" | "ivigGrams" | null;
      /** Fixed text appended (route, frequency). */
      text: string;
    };

export interface ProtocolStep {
  id: string;
  /** How a clinician refers to this step from another one ("the third injection"); the label when absent. */
  name?: string;
  label: string;
  kind: "injection" | "infusion" | "medication" | "test" | "decision" | "monitoring" | "attempt";
  anchor: Anchor;
  dose?: DoseSpec;
  /** Repeats: count and interval in days. */
  repeat?: { count: number; everyDays: number };
  optional?: boolean;
}

export interface Protocol {
  therapy: TherapyId;
  name: string;
  /** When the protocol starts: before conception (not for a patient already pregnant), in pregnancy, or either. */
  starts: "before-conception" | "in-pregnancy" | "either";
  /**
   * For a protocol that starts in pregnancy: the last gestational week (completed weeks) in which it can still
   * start as published; later in a pregnancy it cannot be followed (the verdict is not-indicated, timing: the
   * immunotherapy ladder in verdicts.ts, and progesterone's own rule).
   */
  latestStartWeek?: number;
  sources: Citation[];
  steps: ProtocolStep[];
  monitoring: string[];
  stopRules: string[];
  continueRules: string[];
  notes: string[];
}

// ---------------------------------------------------------------------------------------------------------------
// Doses

export interface DoseResult {
  text: string;
  /** Per-kg dose computed from the weight (before rounding), and the rounded amount(s). */
  computed?: { weightKg: number; min: number; max?: number; unit: string };
  rounded?: { min: number; max?: number; unit: string; step: number };
  /** True when the weight was missing so the dose could not be computed. */
  needsWeight?: boolean;
}

function fmt(n: number): string {
  return String(Math.round(n * 1000) / 1000);
}

/**
 * Rounds a per-kg dose to the available strengths: a single dose to the nearest multiple of the smallest strength;
 * a range to the multiples that lie inside it (the low end rounded up, the high end down), so the rounded range
 * never leaves the per-kg range. If no multiple lies inside, the nearest multiple of the midpoint is given.
 */
export function roundDose(min: number, max: number | undefined, step: number): { min: number; max?: number } {
  const r = (x: number) => Math.round(x * 1e6) / 1e6;
  if (max === undefined) return { min: r(Math.round(min / step) * step) };
  let lo = Math.ceil(min / step - 1e-9) * step;
  let hi = Math.floor(max / step + 1e-9) * step;
  if (lo > hi) {
    lo = Math.round((min + max) / 2 / step) * step;
    hi = lo;
  }
  return { min: r(lo), max: r(hi) };
}

export function computeDose(d: DoseSpec, weightKg: number | undefined, config: ClinicConfig): DoseResult {
  if (d.kind === "fixed") return { text: d.text };
  const perKg = `${fmt(d.min)}${d.max !== undefined ? `–${fmt(d.max)}` : ""} ${d.unit}/kg${d.per === "day" ? "/day" : ""}`;
  if (weightKg === undefined) return { text: `${perKg} ${d.text} (weight needed to compute the dose)`, needsWeight: true };
  const min = d.min * weightKg;
  const max = d.max !== undefined ? d.max * weightKg : undefined;
  const computed: DoseResult["computed"] = { weightKg, min: Math.round(min * 1000) / 1000, unit: d.unit };
  if (max !== undefined) computed.max = Math.round(max * 1000) / 1000;
  const per = d.per === "day" ? "/day" : "";
  if (d.strengths === null) {
    const amount = max !== undefined ? `${fmt(min)}–${fmt(max)}` : fmt(min);
    return { text: `${amount} ${d.unit}${per} (${perKg} × ${fmt(weightKg)} kg) ${d.text}`, computed };
  }
  const strengths = config.strengths[d.strengths];
  const step = Math.min(...strengths);
  const rd = roundDose(min, max, step);
  const rounded: NonNullable<DoseResult["rounded"]> = { min: rd.min, unit: d.unit, step };
  if (rd.max !== undefined) rounded.max = rd.max;
  const amount = rd.max !== undefined && rd.max !== rd.min ? `${fmt(rd.min)}–${fmt(rd.max)}` : fmt(rd.min);
  const exact = max !== undefined ? `${fmt(min)}–${fmt(max)}` : fmt(min);
  return {
    text: `${amount} ${d.unit}${per} ${d.text} (${perKg} × ${fmt(weightKg)} kg = ${exact} ${d.unit}, rounded to ${fmt(step)} ${d.unit} steps of the available ${strengths.map(fmt).join("/")} ${d.unit})`,
    computed,
    rounded,
  };
}

/** The protocol of a therapy, from its definition (src/clinical/therapies/). */
export function protocolFor(therapy: TherapyId, config: ClinicConfig = DEFAULT_CLINIC_CONFIG): Protocol {
  return THERAPIES[therapy].protocol(config);
}

// ---------------------------------------------------------------------------------------------------------------
// Plans

export interface PlannedStep {
  id: string;
  label: string;
  kind: ProtocolStep["kind"];
  /** Date of the step (first date when it repeats), or null when it depends on an event not yet dated. */
  date: string | null;
  /** Last date of a repeated or windowed step. */
  until?: string;
  /** The timing in words ("gestational weeks 4–6", "14 days after lit-injection-3"). */
  when: string;
  dose?: DoseResult;
  repeat?: { count: number; everyDays: number; dates?: string[]; /** As a clinician writes it: "daily for 5 days", "every 2 weeks, 3 times". */ text: string };
  optional?: boolean;
  /** Dated from an assumed conception cycle (PlanOptions.assumedLmp), not a recorded pregnancy. */
  provisional?: boolean;
  status: "scheduled" | "on-hold" | "completed";
  note?: string;
}

export type PlanStatus = "scheduled" | "awaiting-result" | "continue" | "reconsider";

export interface Plan {
  therapy: TherapyId;
  protocol: string;
  start: string;
  status: PlanStatus;
  statusNote: string;
  steps: PlannedStep[];
  monitoring: string[];
  stopRules: string[];
  continueRules: string[];
  notes: string[];
  sources: string[];
}

export interface PlanOptions {
  start: string;
  config?: ClinicConfig;
  /** Used with currentPregnancy.gestationalWeek when no last menstrual period is recorded. */
  today?: string;
  /**
   * For a patient not yet pregnant: the first day of the planned conception cycle. Pregnancy-anchored steps are then
   * dated provisionally (gestational weeks from this date; positive test assumed at 4 weeks).
   */
  assumedLmp?: string;
}

/** How far a plan's start may lie from the assessment date, either way (a plan is made for a course now or soon). */
export const PLAN_START_WITHIN_DAYS = 2 * 365;

/**
 * A plan starts within PLAN_START_WITHIN_DAYS of today (a start in 1900 or 9999 is a typing error, not a plan);
 * `field` names the start as the caller takes it (the API's startDate, the command line's --plan).
 */
export function checkPlanStart(start: string, today: string | undefined, field = "startDate"): void {
  if (today === undefined) return;
  if (start < addDays(today, -PLAN_START_WITHIN_DAYS) || start > addDays(today, PLAN_START_WITHIN_DAYS))
    throw new InputError(`a plan starting on ${start} is more than 2 years from today (${today}): check the date`, { field });
}

function lmpOf(r: PatientRecord, today: string | undefined): string | undefined {
  const cp = r.currentPregnancy;
  if (cp === undefined) return undefined;
  if (cp.lastMenstrualPeriod !== undefined) return cp.lastMenstrualPeriod;
  if (cp.gestationalWeek !== undefined && today !== undefined) return addDays(today, -Math.round(cp.gestationalWeek * 7));
  return undefined;
}

/** "daily for 5 days", "every 2 weeks, 3 times": a repeat as a clinician writes it. */
export function repeatText(count: number, everyDays: number): string {
  if (everyDays === 1) return `daily for ${durationText(count)}`;
  return `every ${everyDays % 7 === 0 && everyDays === 7 ? "week" : durationText(everyDays)}, ${count} times`;
}

/** Turns a protocol into a dated plan for the patient; follow-up results after the start update it. */
export function planProtocol(therapy: TherapyId, r: PatientRecord, opts: PlanOptions): Plan {
  checkPlanStart(opts.start, opts.today);
  const config = opts.config ?? DEFAULT_CLINIC_CONFIG;
  const p = protocolFor(therapy, config);
  const recordedLmp = lmpOf(r, opts.today);
  const provisional = recordedLmp === undefined && r.currentPregnancy === undefined && opts.assumedLmp !== undefined;
  const lmp = provisional ? opts.assumedLmp : recordedLmp;
  // a recorded pregnancy has had its positive test: without its date, 4 weeks from the period, and never after the start
  const pregnantNow = r.currentPregnancy !== undefined && !provisional;
  const positiveTest = r.currentPregnancy?.positiveTestDate ?? (lmp !== undefined ? addDays(lmp, 28) : pregnantNow ? opts.start : undefined);
  const dates = new Map<string, string | null>();
  const steps: PlannedStep[] = [];
  const windowNotes: string[] = [];
  for (const s of p.steps) {
    let date: string | null = null;
    let until: string | undefined;
    let when: string;
    // a step timed from the positive test that falls before the start, for a woman already pregnant: from the start
    let movedToStart = false;
    const a = s.anchor;
    switch (a.kind) {
      case "start":
        date = addDays(opts.start, a.offsetDays);
        when = a.offsetDays === 0 ? "plan start" : `${durationText(a.offsetDays)} after the start`;
        break;
      case "after-step": {
        const base = dates.get(a.step) ?? null;
        date = base === null ? null : addDays(base, a.offsetDays);
        const ref = p.steps.find((x) => x.id === a.step);
        when = `${durationText(a.offsetDays)} after ${ref?.name ?? ref?.label.toLowerCase() ?? "the previous step"}`;
        break;
      }
      case "gestational-week": {
        when = a.to !== undefined ? `gestational weeks ${a.from}–${a.to}` : `gestational week ${a.from}`;
        if (lmp !== undefined) {
          date = addDays(lmp, a.from * 7);
          if (a.to !== undefined) {
            until = addDays(lmp, a.to * 7 + 6);
            if (date < opts.start) date = opts.start;
            if (date > until) {
              windowNotes.push(`${s.label}: the window (gestational weeks ${a.from}–${a.to}, ending ${until}) has passed at the plan start ${opts.start}.`);
              date = null;
              until = undefined;
            }
          }
        }
        break;
      }
      case "positive-test": {
        const off = a.offsetDays ?? 0;
        when = off === 0 ? "from the positive pregnancy test" : `${durationText(off)} after the positive test`;
        if (positiveTest !== undefined) date = addDays(positiveTest, off);
        if (pregnantNow && date !== null && date < opts.start) {
          date = opts.start;
          movedToStart = true;
        }
        break;
      }
      case "text":
        when = a.text;
        break;
    }
    dates.set(s.id, date);
    // a step meant to begin before conception, for a woman already pregnant, reads as what it is: from now
    const beforeConception = pregnantNow && a.kind === "start" && /before conception/i.test(s.label);
    const label = beforeConception ? s.label.replace(/,? from before conception/i, ", from the plan start (already pregnant)") : s.label;
    const ps: PlannedStep = { id: s.id, label, kind: s.kind, date, when, status: "scheduled" };
    if (until !== undefined) ps.until = until;
    if (s.dose !== undefined) ps.dose = computeDose(s.dose, r.weightKg?.value, config);
    if (s.repeat !== undefined) {
      ps.repeat = { count: s.repeat.count, everyDays: s.repeat.everyDays, text: repeatText(s.repeat.count, s.repeat.everyDays) };
      if (date !== null) {
        const ds = Array.from({ length: s.repeat.count }, (_, i) => addDays(date!, i * s.repeat!.everyDays));
        ps.repeat.dates = ds;
        ps.until = ds[ds.length - 1]!;
      }
    }
    if (s.optional === true) ps.optional = true;
    if (movedToStart || beforeConception) ps.note = "already pregnant: from the plan start";
    if (provisional && date !== null && (a.kind === "gestational-week" || a.kind === "positive-test")) {
      ps.provisional = true;
      ps.note = `provisional: assumes a pregnancy from the cycle starting ${lmp ?? ""} (positive test at 4 weeks)`;
    }
    if (date === null && until === undefined && s.anchor.kind === "gestational-week" && lmp !== undefined && s.anchor.to !== undefined) {
      ps.status = "on-hold";
      ps.note = "window passed";
    }
    steps.push(ps);
  }

  const plan: Plan = {
    therapy,
    protocol: p.name,
    start: opts.start,
    status: "scheduled",
    statusNote: provisional
      ? `Dated from the start; pregnancy steps are provisional, assuming conception in the cycle starting ${lmp ?? ""}.`
      : lmp !== undefined
        ? "Dated from the start and from the recorded pregnancy."
        : "Dated from the start; steps tied to a pregnancy are dated once the pregnancy is recorded.",
    steps,
    monitoring: p.monitoring,
    stopRules: p.stopRules,
    continueRules: p.continueRules,
    notes: p.notes,
    sources: p.sources.map(citationText),
  };
  THERAPIES[therapy].followUp?.(plan, r, { ...opts, config });
  // A required step whose window has passed cannot be given in this pregnancy: the plan is not "scheduled".
  const missed = steps.filter((s) => s.status === "on-hold" && s.note === "window passed" && s.optional !== true);
  if (plan.status === "scheduled" && missed.length > 0) {
    plan.status = "reconsider";
    plan.statusNote = `${windowNotes.join(" ")} ${missed.map((s) => s.label).join(", ")} cannot be given in this pregnancy as the protocol times it: reconsider the plan.`;
  } else if (windowNotes.length > 0) plan.statusNote = `${windowNotes.join(" ")} ${plan.statusNote}`;
  return plan;
}
