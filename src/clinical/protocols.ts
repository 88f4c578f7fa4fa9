/**
 * Treatment protocols as data (steps timed against the plan start, the cycle, the positive test or the
 * gestational week; fixed or per-kg doses rounded to available strengths; monitoring; stop and continue rules)
 * and planProtocol, which turns a protocol into a dated plan for one patient. Follow-up results (the anti-paternal
 * antibody check after LIT) change the plan. Pure: dates come in as parameters.
 */
import type { TherapyId } from "../shared/therapies.js";
import { DEFAULT_CLINIC_CONFIG, type ClinicConfig } from "./config.js";
import { addDays } from "./diagnosis.js";
import type { PatientRecord } from "./record.js";
import { CITATIONS, type Citation } from "./sources.js";

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

// ---------------------------------------------------------------------------------------------------------------
// The protocols

export function litProtocol(config: ClinicConfig = DEFAULT_CLINIC_CONFIG): Protocol {
  const n = config.lit.injections;
  const gap = config.lit.intervalWeeks * 7;
  const steps: ProtocolStep[] = [];
  for (let i = 0; i < n; i++)
    steps.push({
      id: `lit-injection-${i + 1}`,
      label: `Sensitisation injection ${i + 1} of ${n}: partner's lymphocytes, intradermal, volar forearm (several small sites)`,
      kind: "injection",
      anchor: { kind: "start", offsetDays: i * gap },
      dose: { kind: "fixed", text: "partner mononuclear cells (cell number per the clinic's protocol; published regimens range from 5×10⁶ to 400×10⁶)" },
    });
  const lastId = `lit-injection-${n}`;
  steps.push(
    {
      id: "antibody-check",
      label: "Anti-paternal cytotoxic antibody / WBC cross-match check, before the conception cycle",
      kind: "test",
      anchor: { kind: "after-step", step: lastId, offsetDays: config.lit.antibodyCheckWeeksAfter * 7 },
    },
    {
      id: "antibody-decision",
      label: "Review the antibody result: response → booster and conception attempt; no response → reconsider with the patient (not continue by default)",
      kind: "decision",
      anchor: { kind: "after-step", step: "antibody-check", offsetDays: 7 },
    },
    {
      id: "booster-preconception",
      label: "Booster injection before the conception attempt",
      kind: "injection",
      anchor: { kind: "after-step", step: "antibody-check", offsetDays: 14 },
    },
    {
      id: "conception-attempt",
      label: "Conception attempt (with progesterone from ovulation and low-dose aspirin as co-interventions)",
      kind: "attempt",
      anchor: { kind: "after-step", step: "booster-preconception", offsetDays: 7 },
    },
    {
      id: "early-monitoring",
      label: "Serial β-hCG and early ultrasound",
      kind: "monitoring",
      anchor: { kind: "positive-test" },
    },
    {
      id: "booster-pregnancy",
      label: "Optional booster in early pregnancy",
      kind: "injection",
      anchor: { kind: "gestational-week", from: 5, to: 7 },
      optional: true,
    },
  );
  return {
    therapy: "lit",
    name: `LIT: ${n} sensitisation injections ${config.lit.intervalWeeks} weeks apart, antibody check, booster`,
    sources: [CITATIONS.source001, CITATIONS.pandey2004, CITATIONS.ijfs2015, CITATIONS.aoki1993],
    steps,
    monitoring: [
      `Anti-paternal antibodies ${config.lit.antibodyCheckWeeksAfter} weeks after the last sensitisation injection (IJFS 2015: 45% positive after 2 injections, 76% after 3)`,
      "Injection-site reactions; transfusion-type risks (infection transmission, alloimmunisation) (Kling 2006)",
    ],
    stopRules: [
      "No antibody response after the course: reconsider whether to continue (a further injection and re-test, or stop); the plan does not continue by default",
      "Partner's infection screen positive: do not proceed",
    ],
    continueRules: ["Antibody response present: booster before the conception attempt, optionally a booster at 5–7 weeks of pregnancy"],
    notes: ["Guidelines advise against LIT outside research; in the USA it is investigational (IND only)."],
  };
}

export const IVIG_PROTOCOL: Protocol = {
  therapy: "ivig",
  name: "IVIG 400 mg/kg/day for 5 days starting between 4 and 6 weeks of gestation (Yamada 2022)",
  sources: [CITATIONS.yamada2022],
  steps: [
    {
      id: "ivig-course",
      label: "IVIG infusion",
      kind: "infusion",
      anchor: { kind: "gestational-week", from: 4, to: 6 },
      dose: { kind: "per-kg", min: 0.4, unit: "g", per: "day", strengths: "ivigGrams", text: "IV once daily" },
      repeat: { count: 5, everyDays: 1 },
    },
  ],
  monitoring: ["IgA level before the first infusion", "Renal function, hydration; signs of thrombosis", "Headache, fever, aseptic meningitis during the course"],
  stopRules: ["Anaphylaxis or renal impairment: stop", "Pregnancy loss: stop"],
  continueRules: ["Complete the five-day course once started"],
  notes: ["Older trials gave 400–500 mg/kg before conception or at the positive test."],
};

export const TACROLIMUS_PROTOCOL: Protocol = {
  therapy: "tacrolimus",
  name: "Tacrolimus 0.05–0.1 mg/kg/day from the end of menses to the next menses or to 10 weeks of pregnancy (Liu 2023)",
  sources: [CITATIONS.zhao2023tacrolimus],
  steps: [
    {
      id: "tacrolimus-start",
      label: "Start tacrolimus at the end of menses",
      kind: "medication",
      anchor: { kind: "start", offsetDays: 0 },
      dose: { kind: "per-kg", min: 0.05, max: 0.1, unit: "mg", per: "day", strengths: "tacrolimusMg", text: "orally, in two divided doses" },
    },
    {
      id: "tacrolimus-stop-no-pregnancy",
      label: "If not pregnant: stop at the start of the next menses (then restart after it ends)",
      kind: "decision",
      anchor: { kind: "text", text: "next menses" },
    },
    {
      id: "tacrolimus-stop-pregnancy",
      label: "If pregnant: continue to 10 weeks of gestation, then stop",
      kind: "medication",
      anchor: { kind: "gestational-week", from: 10 },
    },
  ],
  monitoring: [
    "Blood glucose, blood pressure, renal function and potassium (transplant practice; not reported in the RPL trials)",
    "Trough levels are transplant practice, not reported in these RPL studies",
    "Interacting drugs (CYP3A4 inhibitors and inducers)",
  ],
  stopRules: ["Rising creatinine, hyperkalaemia, new hypertension or hyperglycaemia: stop and review"],
  continueRules: ["Pregnant: continue to 10 weeks"],
  notes: ["Nakagawa's regimen (1–4 mg/day by Th1/Th2 ratio) differs from Liu 2023's weight-based dose."],
};

export const PREDNISOLONE_PROTOCOL: Protocol = {
  therapy: "prednisolone",
  name: "Prednisolone 20 mg/day on cycle days 1–21 before conception; in pregnancy 20 mg for 6 weeks then taper (Quenby 2005, Tang 2013)",
  sources: [CITATIONS.quenby2005, CITATIONS.tang2013],
  steps: [
    { id: "pred-preconception", label: "Prednisolone, cycle days 1–21 of each treatment cycle", kind: "medication", anchor: { kind: "start", offsetDays: 0 }, dose: { kind: "fixed", text: "20 mg orally once daily" }, repeat: { count: 21, everyDays: 1 } },
    { id: "pred-pregnancy", label: "From the positive test: 20 mg/day for 6 weeks", kind: "medication", anchor: { kind: "positive-test" }, dose: { kind: "fixed", text: "20 mg orally once daily" } },
    { id: "pred-taper-10", label: "Then 10 mg/day for 1 week", kind: "medication", anchor: { kind: "positive-test", offsetDays: 42 }, dose: { kind: "fixed", text: "10 mg orally once daily" } },
    { id: "pred-taper-5", label: "Then 5 mg/day for 1 week, then stop", kind: "medication", anchor: { kind: "positive-test", offsetDays: 49 }, dose: { kind: "fixed", text: "5 mg orally once daily" } },
  ],
  monitoring: ["Blood glucose (gestational diabetes)", "Blood pressure", "Mood and sleep"],
  stopRules: ["Pregnancy loss or intolerable side effects: taper and stop"],
  continueRules: ["Taper as scheduled; do not stop abruptly after weeks of treatment"],
  notes: ["Risks include gestational diabetes, hypertension and preterm rupture of membranes."],
};

export const LMWH_ASPIRIN_PROTOCOL: Protocol = {
  therapy: "lmwh-aspirin",
  name: "Low-dose aspirin before conception and prophylactic LMWH from the positive test to 6 weeks post partum",
  sources: [CITATIONS.eshre2017, CITATIONS.acr2020],
  steps: [
    { id: "lda-start", label: "Low-dose aspirin daily, from before conception", kind: "medication", anchor: { kind: "start", offsetDays: 0 }, dose: { kind: "fixed", text: "75–100 mg orally once daily" } },
    {
      id: "lmwh-start",
      label: "Prophylactic LMWH from the positive pregnancy test",
      kind: "medication",
      anchor: { kind: "positive-test" },
      dose: { kind: "fixed", text: "enoxaparin 40 mg (or dalteparin 5000 IU, tinzaparin 4500 IU) subcutaneously once daily; adjust outside 50–90 kg per local protocol" },
    },
    { id: "lmwh-stop", label: "Continue LMWH to 6 (–12) weeks post partum", kind: "medication", anchor: { kind: "text", text: "6–12 weeks post partum" } },
  ],
  monitoring: ["Bleeding and bruising (minor bleeding more frequent, ALIFE2)", "Platelet count if unfractionated heparin is used"],
  stopRules: ["Major bleeding: stop and review", "Stop aspirin/LMWH before delivery or regional anaesthesia per obstetric protocol"],
  continueRules: ["Continue through pregnancy to 6 weeks post partum"],
  notes: [],
};

export const PROGESTERONE_PROTOCOL: Protocol = {
  therapy: "progesterone",
  name: "Vaginal micronised progesterone 400 mg twice daily from bleeding to 16 weeks (PRISM)",
  sources: [CITATIONS.prism2019],
  steps: [
    { id: "progesterone", label: "Vaginal micronised progesterone from the onset of bleeding", kind: "medication", anchor: { kind: "start", offsetDays: 0 }, dose: { kind: "fixed", text: "400 mg vaginally twice daily" } },
    { id: "progesterone-stop", label: "Stop at 16 weeks of gestation", kind: "medication", anchor: { kind: "gestational-week", from: 16 } },
  ],
  monitoring: ["Ultrasound to confirm an intrauterine pregnancy"],
  stopRules: ["Pregnancy loss: stop"],
  continueRules: ["Continue to 16 weeks"],
  notes: ["Utrogestan contains soya lecithin."],
};

export const HCQ_PROTOCOL: Protocol = {
  therapy: "hydroxychloroquine",
  name: "Hydroxychloroquine 200 mg twice daily from before conception",
  sources: [CITATIONS.hcqRct, CITATIONS.acr2020],
  steps: [{ id: "hcq-start", label: "Hydroxychloroquine from before conception", kind: "medication", anchor: { kind: "start", offsetDays: 0 }, dose: { kind: "fixed", text: "200 mg orally twice daily" } }],
  monitoring: ["Baseline eye examination", "Liver and kidney function"],
  stopRules: ["Visual symptoms or rash: stop and review"],
  continueRules: ["In APS: continue with LMWH and aspirin through pregnancy"],
  notes: [],
};

export const INTRALIPID_PROTOCOL: Protocol = {
  therapy: "intralipid",
  name: "Intralipid 20% infusion within a week of the positive test, then every 2 weeks to 12 weeks",
  sources: [CITATIONS.dakhly2016],
  steps: [
    { id: "intralipid-first", label: "Intralipid 20% infusion", kind: "infusion", anchor: { kind: "positive-test", offsetDays: 7 }, dose: { kind: "fixed", text: "volume per the clinic's protocol (2–4 mL of 20% reported; 100 mL not verified)" } },
    { id: "intralipid-repeat", label: "Repeat every 2 weeks to 12 weeks of gestation", kind: "infusion", anchor: { kind: "gestational-week", from: 6, to: 12 }, repeat: { count: 3, everyDays: 14 } },
  ],
  monitoring: ["Allergic reactions; triglycerides"],
  stopRules: ["Allergic reaction: stop"],
  continueRules: [],
  notes: ["Licensed only for parenteral nutrition."],
};

export const TNF_PROTOCOL: Protocol = {
  therapy: "tnf-inhibitor",
  name: "Adalimumab 40 mg subcutaneously (schedule unverified)",
  sources: [CITATIONS.winger2011],
  steps: [{ id: "adalimumab", label: "Adalimumab injection", kind: "injection", anchor: { kind: "start", offsetDays: 0 }, dose: { kind: "fixed", text: "40 mg subcutaneously; schedule per the protocol (unverified)" } }],
  monitoring: ["TB and hepatitis B screening before the first dose", "Infections"],
  stopRules: ["Serious infection: stop"],
  continueRules: [],
  notes: ["Infants exposed in utero should not receive live vaccines (BCG) early (UKTIS)."],
};

export const GCSF_PROTOCOL: Protocol = {
  therapy: "g-csf",
  name: "G-CSF 1 µg/kg/day from 6 days after ovulation (Scarpellini 2009)",
  sources: [CITATIONS.scarpellini2009, CITATIONS.response2019],
  steps: [
    {
      id: "gcsf",
      label: "G-CSF subcutaneously from ovulation + 6 days",
      kind: "injection",
      anchor: { kind: "start", offsetDays: 0 },
      dose: { kind: "per-kg", min: 1, unit: "µg", per: "day", strengths: null, text: "subcutaneously once daily" },
    },
  ],
  monitoring: ["Blood count", "Bone pain, splenic symptoms"],
  stopRules: ["Negative pregnancy test: stop"],
  continueRules: ["RESPONSE 2019 gave 130 µg/day from 3–5 weeks to 9 weeks (no benefit)"],
  notes: [],
};

export const IL2_PROTOCOL: Protocol = {
  therapy: "il2-treg",
  name: "Low-dose IL-2 3 MIU/day for 5 days, starting 10 days after the onset of menses, up to 5 cycles (FACIL-2)",
  sources: [CITATIONS.facil2],
  steps: [
    { id: "il2", label: "Low-dose IL-2 subcutaneously", kind: "injection", anchor: { kind: "start", offsetDays: 0 }, dose: { kind: "fixed", text: "3 MIU once daily" }, repeat: { count: 5, everyDays: 1 } },
  ],
  monitoring: ["Treg expansion by flow cytometry (trial endpoint)"],
  stopRules: ["Only within a registered trial"],
  continueRules: ["Repeat each cycle up to 5 cycles if not pregnant"],
  notes: [],
};

export function protocolFor(therapy: TherapyId, config: ClinicConfig = DEFAULT_CLINIC_CONFIG): Protocol {
  switch (therapy) {
    case "lit":
      return litProtocol(config);
    case "ivig":
      return IVIG_PROTOCOL;
    case "tacrolimus":
      return TACROLIMUS_PROTOCOL;
    case "prednisolone":
      return PREDNISOLONE_PROTOCOL;
    case "lmwh-aspirin":
      return LMWH_ASPIRIN_PROTOCOL;
    case "progesterone":
      return PROGESTERONE_PROTOCOL;
    case "hydroxychloroquine":
      return HCQ_PROTOCOL;
    case "intralipid":
      return INTRALIPID_PROTOCOL;
    case "tnf-inhibitor":
      return TNF_PROTOCOL;
    case "g-csf":
      return GCSF_PROTOCOL;
    case "il2-treg":
      return IL2_PROTOCOL;
  }
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
  repeat?: { count: number; everyDays: number; dates?: string[] };
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

function lmpOf(r: PatientRecord, today: string | undefined): string | undefined {
  const cp = r.currentPregnancy;
  if (cp === undefined) return undefined;
  if (cp.lastMenstrualPeriod !== undefined) return cp.lastMenstrualPeriod;
  if (cp.gestationalWeek !== undefined && today !== undefined) return addDays(today, -Math.round(cp.gestationalWeek * 7));
  return undefined;
}

/** Turns a protocol into a dated plan for the patient; follow-up results after the start update it. */
export function planProtocol(therapy: TherapyId, r: PatientRecord, opts: PlanOptions): Plan {
  const config = opts.config ?? DEFAULT_CLINIC_CONFIG;
  const p = protocolFor(therapy, config);
  const recordedLmp = lmpOf(r, opts.today);
  const provisional = recordedLmp === undefined && r.currentPregnancy === undefined && opts.assumedLmp !== undefined;
  const lmp = provisional ? opts.assumedLmp : recordedLmp;
  const positiveTest = r.currentPregnancy?.positiveTestDate ?? (provisional && lmp !== undefined ? addDays(lmp, 28) : undefined);
  const dates = new Map<string, string | null>();
  const steps: PlannedStep[] = [];
  const windowNotes: string[] = [];
  for (const s of p.steps) {
    let date: string | null = null;
    let until: string | undefined;
    let when: string;
    const a = s.anchor;
    switch (a.kind) {
      case "start":
        date = addDays(opts.start, a.offsetDays);
        when = a.offsetDays === 0 ? "plan start" : `${a.offsetDays / 7} weeks after the start`;
        break;
      case "after-step": {
        const base = dates.get(a.step) ?? null;
        date = base === null ? null : addDays(base, a.offsetDays);
        when = `${a.offsetDays / 7} weeks after ${a.step}`;
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
        when = off === 0 ? "from the positive pregnancy test" : `${off / 7} weeks after the positive test`;
        if (positiveTest !== undefined) date = addDays(positiveTest, off);
        break;
      }
      case "text":
        when = a.text;
        break;
    }
    dates.set(s.id, date);
    const ps: PlannedStep = { id: s.id, label: s.label, kind: s.kind, date, when, status: "scheduled" };
    if (until !== undefined) ps.until = until;
    if (s.dose !== undefined) ps.dose = computeDose(s.dose, r.weightKg?.value, config);
    if (s.repeat !== undefined) {
      ps.repeat = { ...s.repeat };
      if (date !== null) {
        const ds = Array.from({ length: s.repeat.count }, (_, i) => addDays(date!, i * s.repeat!.everyDays));
        ps.repeat.dates = ds;
        ps.until = ds[ds.length - 1]!;
      }
    }
    if (s.optional === true) ps.optional = true;
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

  let status: PlanStatus = "scheduled";
  let statusNote = provisional
    ? `Dated from the start; pregnancy steps are provisional, assuming conception in the cycle starting ${lmp ?? ""}.`
    : "Dated from the start; steps tied to a pregnancy are dated once the pregnancy is recorded.";
  if (therapy === "lit") {
    const check = steps.find((s) => s.id === "antibody-check");
    const results = r.followUps
      .filter((f) => f.test === "anti-paternal-antibody" && f.date >= opts.start)
      .sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
    const last = results[results.length - 1];
    if (last === undefined) {
      status = "awaiting-result";
      statusNote = `The booster and the conception attempt wait for the anti-paternal antibody check${check?.date !== null && check?.date !== undefined ? ` due ${check.date}` : ""}.`;
    } else if (last.result === "positive") {
      status = "continue";
      statusNote = `Antibody response present on ${last.date}: booster before the conception attempt.`;
      const booster = steps.find((s) => s.id === "booster-preconception");
      if (booster !== undefined && booster.date !== null && booster.date < last.date) {
        booster.date = addDays(last.date, 7);
        const attempt = steps.find((s) => s.id === "conception-attempt");
        if (attempt !== undefined) attempt.date = addDays(booster.date, 7);
      }
      if (check !== undefined) check.status = "completed";
    } else {
      status = "reconsider";
      statusNote = `No antibody response on ${last.date}: reconsider with the patient whether to continue (a further injection and re-test, or stop). The booster and conception attempt are on hold; the plan does not continue by default.`;
      if (check !== undefined) check.status = "completed";
      for (const s of steps) {
        if (s.id === "booster-preconception" || s.id === "conception-attempt" || s.id === "booster-pregnancy") {
          s.status = "on-hold";
          s.note = "on hold after a negative antibody check";
        }
      }
    }
  }

  if (windowNotes.length > 0) statusNote = `${windowNotes.join(" ")} ${statusNote}`;
  return {
    therapy,
    protocol: p.name,
    start: opts.start,
    status,
    statusNote,
    steps,
    monitoring: p.monitoring,
    stopRules: p.stopRules,
    continueRules: p.continueRules,
    notes: p.notes,
    sources: p.sources.map((c) => `${c.label}: ${c.reference}`),
  };
}
