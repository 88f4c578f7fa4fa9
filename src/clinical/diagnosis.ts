/**
 * Diagnosis: does the history meet the RPL definitions (ESHRE ≥2 losses, RCOG ≥3 first-trimester losses), is it
 * primary or secondary, which losses are explained, is there APS by the Sydney criteria, and which standard
 * investigations are done, normal, abnormal or missing. A missing investigation is named, never assumed normal.
 * Pure: `today` is passed in.
 */
import { exceeds, type ClinicConfig, type CutOff } from "./config.js";
import { addDays, daysBetween } from "./dates.js";
import { LOSS_MECHANISM_LABELS, trimesterOf, type AplTest, type Loss, type LossMechanism, type Measured, type PatientRecord } from "./record.js";
import { CITATIONS, type Citation } from "./sources.js";

export type WorkupItemId = "karyotype-female" | "karyotype-male" | "uterine-anatomy" | "antiphospholipid" | "thyroid" | "thrombophilia";

export type WorkupStatus = "normal" | "abnormal" | "missing" | "incomplete";

export interface WorkupItem {
  id: WorkupItemId;
  label: string;
  status: WorkupStatus;
  /** What was found, or what still has to be done. */
  detail: string;
  /** A finding within a normal item worth saying beside its status (thyroid function normal with TPO antibodies). */
  alongside?: string;
  date?: string;
  /** Who asks for this investigation (paraphrased). */
  guidance: string;
}

export type CauseId = "aps" | "uterine-anomaly" | "parental-chromosomal" | "hereditary-thrombophilia" | "thyroid-dysfunction";

export interface Cause {
  id: CauseId;
  label: string;
  detail: string;
}

export interface LossView {
  index: number;
  date?: string;
  gestationalWeek: number;
  kind: Loss["kind"];
  trimester: 1 | 2 | 3;
  /** Counted towards RPL (before 24 weeks, not ectopic or molar). */
  countsForRpl: boolean;
  /** Explained by an abnormal embryo karyotype. */
  explained: boolean;
  explanation?: string;
  mechanism?: LossMechanism;
  mechanismLabel?: string;
  /**
   * A mechanism with its own management that immunotherapy protocols do not select (cervical insufficiency):
   * counted for the RPL definitions, not as an unexplained (immunological) loss.
   */
  mechanismExcluded: boolean;
}

export type AplAntibody = "lupusAnticoagulant" | "aclIgG" | "aclIgM" | "b2gpiIgG" | "b2gpiIgM";

export interface AplReading {
  antibody: AplAntibody;
  date: string;
  positive: boolean | null;
  value?: number;
  unit?: string;
  cutOff: string;
}

export interface ApsAssessment {
  /**
   * Judged antibody by antibody (Sydney criteria: each positive twice ≥12 weeks apart). persistent: an antibody
   * positive twice ≥12 weeks apart; single-positive: an antibody positive with no result 12 weeks later yet (its
   * confirmatory repeat is needed; a negative result sooner does not settle it), whatever the other antibodies did;
   * transient: every positive antibody negative 12 weeks or more after its first positive; conflicting: two panels
   * of the same day disagree (neither is used; a repeat is needed).
   */
  laboratory: "persistent" | "single-positive" | "transient" | "negative" | "not-tested" | "conflicting";
  /** Two panels on the same day that disagree: the date and the antibodies; their readings are not used. */
  conflict?: { date: string; antibodies: AplAntibody[] };
  persistentAntibodies: AplAntibody[];
  /** Antibodies positive and still waiting for their 12-week repeat (single-positive). */
  pendingAntibodies: AplAntibody[];
  /** Antibodies positive once and negative 12 weeks or more later. */
  transientAntibodies: AplAntibody[];
  readings: AplReading[];
  /** Date from which a confirmatory repeat can be taken (12 weeks after the first positive of a pending antibody). */
  repeatDueFrom?: string;
  clinical: {
    met: boolean;
    criteria: string[];
    note?: string;
    /** Losses at ≥ 10 weeks whose mechanism is not recorded: a fetal death would meet the criterion, a pre-viable delivery would not. */
    mechanismPending: string[];
  };
  /** Sydney APS: an obstetric clinical criterion and a laboratory criterion (obstetric APS). */
  met: boolean;
  /**
   * Thrombotic APS: persistent antibodies with a recorded vascular thrombosis, the Sydney criteria's other clinical
   * criterion (Miyakis 2006). Its anticoagulation is not the obstetric protocol's prophylaxis (hazard H75).
   */
  thrombotic: boolean;
  source: Citation;
}

export interface Diagnosis {
  /** Losses counted for RPL (before 24 weeks, not ectopic or molar). */
  lossCount: number;
  firstTrimesterLossCount: number;
  explainedLossCount: number;
  unexplainedLossCount: number;
  unexplainedFirstTrimesterLossCount: number;
  /** Unexplained losses not counting biochemical ones (clinical miscarriages: seen on ultrasound or histology). */
  unexplainedClinicalLossCount: number;
  /** Longest run of consecutive unexplained losses before 10 weeks (Sydney clinical criterion). */
  consecutiveUnexplainedBefore10Weeks: number;
  stillbirths: number;
  losses: LossView[];
  definitions: {
    eshre: { met: boolean; rule: string; count: number; source: Citation };
    rcog: { met: boolean; rule: string; count: number; source: Citation };
  };
  type: "primary" | "secondary" | "none";
  typeNote?: string;
  /** The type rests on an assumption (a live birth or loss without a date): a rule that turns on it names the dates. */
  typeAssumed?: boolean;
  /** `agePending`: the transfers meet the rule but the woman's age is not recorded (the rule asks for under 40). */
  rif: { met: boolean; agePending: boolean; transfersMet: boolean; failedCycles: number; goodEmbryosInFailedCycles: number; rule: string; source: Citation };
  aps: ApsAssessment;
  causes: Cause[];
  workup: WorkupItem[];
  missingWorkup: WorkupItem[];
  workupComplete: boolean;
}


function lossViews(r: PatientRecord): LossView[] {
  return r.losses.map((l) => {
    const countsForRpl = l.gestationalWeek < 24 && (l.kind === "biochemical" || l.kind === "clinical");
    const v: LossView = {
      index: l.index,
      gestationalWeek: l.gestationalWeek,
      kind: l.kind,
      trimester: trimesterOf(l.gestationalWeek),
      countsForRpl,
      explained: l.embryoKaryotype === "abnormal",
      mechanismExcluded: l.mechanism === "cervical-insufficiency",
    };
    if (l.mechanism !== undefined) {
      v.mechanism = l.mechanism;
      v.mechanismLabel = LOSS_MECHANISM_LABELS[l.mechanism];
    }
    if (l.date !== undefined) v.date = l.date;
    if (v.explained) v.explanation = `abnormal embryo karyotype${l.embryoKaryotypeDetail !== undefined ? ` (${l.embryoKaryotypeDetail})` : ""}`;
    return v;
  });
}

/** Losses and births in time order when all are dated; otherwise the order written in the record. */
function chronology(r: PatientRecord): { kind: "loss" | "birth"; loss: Loss | null; date: string | undefined }[] {
  const events: { kind: "loss" | "birth"; loss: Loss | null; date: string | undefined }[] = [];
  for (const l of r.losses) events.push({ kind: "loss", loss: l, date: l.date });
  for (const b of r.liveBirths) events.push({ kind: "birth", loss: null, date: b.date });
  if (events.every((e) => e.date !== undefined)) events.sort((a, b) => (a.date! < b.date! ? -1 : a.date! > b.date! ? 1 : 0));
  return events;
}

function consecutiveEarlyUnexplained(r: PatientRecord): number {
  let best = 0;
  let run = 0;
  for (const e of chronology(r)) {
    const l = e.loss;
    if (e.kind === "loss" && l !== null && l.gestationalWeek < 10 && l.embryoKaryotype !== "abnormal" && l.kind !== "ectopic" && l.kind !== "molar") {
      run++;
      best = Math.max(best, run);
    } else run = 0;
  }
  return best;
}

function rplType(r: PatientRecord): { type: Diagnosis["type"]; note?: string; assumed?: boolean } {
  if (r.liveBirths.length === 0) return { type: r.losses.length > 0 ? "primary" : "none" };
  const dated = r.liveBirths.every((b) => b.date !== undefined) && r.losses.every((l) => l.date !== undefined);
  if (!dated) return { type: "secondary", note: "a live birth is recorded; dates are missing, so its order relative to the losses is assumed to precede them", assumed: true };
  const lastLoss = r.losses.reduce<string>((m, l) => (l.date! > m ? l.date! : m), "");
  const anyBirthBeforeLoss = r.liveBirths.some((b) => b.date! < lastLoss);
  return anyBirthBeforeLoss ? { type: "secondary" } : { type: "primary", note: "the live birth(s) came after the losses" };
}

// ---------------------------------------------------------------------------------------------------------------
// Thyroid

/**
 * A TSH below this is suppressed in any assay's reference range (a Decidua rule: below the lower limit of every
 * laboratory's range; abnormal TSH → free T4, ESHRE): thyroid function to clarify, never "normal".
 */
export const TSH_SUPPRESSED_BELOW = 0.1;

/** How a TSH reads: above the clinic's cut-off (raised), below every laboratory's range (suppressed), or neither. */
function tshReading(tsh: number, cut: CutOff | null): { raised: boolean; suppressed: boolean } {
  return { raised: cut !== null && exceeds(tsh, cut), suppressed: tsh < TSH_SUPPRESSED_BELOW };
}

// ---------------------------------------------------------------------------------------------------------------
// APS (Sydney criteria, Miyakis 2006)

function readApl(t: AplTest): AplReading[] {
  const out: AplReading[] = [];
  if (t.lupusAnticoagulant !== undefined)
    out.push({ antibody: "lupusAnticoagulant", date: t.date, positive: t.lupusAnticoagulant === "positive", cutOff: "present (ISTH guidelines)" });
  const acl = (antibody: "aclIgG" | "aclIgM", m: (Measured & { percentile99?: number }) | undefined, unit: string) => {
    if (m === undefined) return;
    const limit = m.percentile99 !== undefined ? Math.min(40, m.percentile99) : 40;
    const cutOff = m.percentile99 !== undefined ? `> 40 ${unit} or > 99th percentile (${m.percentile99} ${unit})` : `> 40 ${unit}`;
    out.push({ antibody, date: t.date, positive: m.value > limit, value: m.value, unit, cutOff });
  };
  acl("aclIgG", t.aclIgG, "GPL");
  acl("aclIgM", t.aclIgM, "MPL");
  const b2 = (antibody: "b2gpiIgG" | "b2gpiIgM", m: (Measured & { percentile99?: number }) | undefined) => {
    if (m === undefined) return;
    if (m.percentile99 === undefined)
      out.push({ antibody, date: t.date, positive: null, value: m.value, unit: m.unit, cutOff: "> 99th percentile of the laboratory (not given)" });
    else out.push({ antibody, date: t.date, positive: m.value > m.percentile99, value: m.value, unit: m.unit, cutOff: `> ${m.percentile99} U/mL (99th percentile)` });
  };
  b2("b2gpiIgG", t.b2gpiIgG);
  b2("b2gpiIgM", t.b2gpiIgM);
  return out;
}

/** Sydney criteria (Miyakis 2006): an antiphospholipid antibody counts when positive on two occasions at least 12 weeks apart. */
const APL_REPEAT_DAYS = 84;

function assessAps(r: PatientRecord, losses: LossView[], consecutive: number, config: ClinicConfig): ApsAssessment {
  const tests = [...r.workup.antiphospholipid].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  const all = tests.flatMap(readApl);
  // Two panels of the same day that disagree on an antibody: a conflict; neither reading is used.
  const conflictKeys = new Set<string>();
  let conflict: ApsAssessment["conflict"];
  for (const x of all) {
    if (x.positive === null) continue;
    const other = all.find((y) => y !== x && y.antibody === x.antibody && y.date === x.date && y.positive !== null && y.positive !== x.positive);
    if (other !== undefined) {
      conflictKeys.add(`${x.antibody}@${x.date}`);
      if (conflict === undefined) conflict = { date: x.date, antibodies: [] };
      if (conflict.date === x.date && !conflict.antibodies.includes(x.antibody)) conflict.antibodies.push(x.antibody);
    }
  }
  const readings = all.filter((x) => !conflictKeys.has(`${x.antibody}@${x.date}`));
  // each antibody on its own (hazard H83): one antibody's negative repeat says nothing of another's positive, and a
  // negative result less than 12 weeks after a positive is not its confirmatory test
  const persistent: AplAntibody[] = [];
  const pending: AplAntibody[] = [];
  const transient: AplAntibody[] = [];
  let pendingFrom: string | undefined;
  const antibodies: AplAntibody[] = ["lupusAnticoagulant", "aclIgG", "aclIgM", "b2gpiIgG", "b2gpiIgM"];
  for (const ab of antibodies) {
    const rs = readings.filter((x) => x.antibody === ab);
    const pos = rs.filter((x) => x.positive === true);
    if (pos.length === 0) continue;
    const first = pos[0]!;
    if (pos.some((p) => daysBetween(first.date, p.date) >= APL_REPEAT_DAYS)) persistent.push(ab);
    else if (rs.some((x) => x.positive === false && daysBetween(first.date, x.date) >= APL_REPEAT_DAYS)) transient.push(ab);
    else {
      pending.push(ab);
      if (pendingFrom === undefined || first.date < pendingFrom) pendingFrom = first.date;
    }
  }
  let laboratory: ApsAssessment["laboratory"];
  if (tests.length === 0) laboratory = "not-tested";
  else if (persistent.length > 0) laboratory = "persistent";
  else if (conflict !== undefined) laboratory = "conflicting";
  else if (pending.length > 0) laboratory = "single-positive";
  else if (transient.length > 0) laboratory = "transient";
  else laboratory = "negative";

  const criteria: string[] = [];
  const notes: string[] = [];
  // Sydney: the early-loss criterion needs maternal anatomical or hormonal and parental chromosomal causes excluded.
  const w = r.workup;
  const tshCut = config.cutOffs.tsh;
  const otherCauses: string[] = [];
  if (w.uterineAnatomy?.result === "abnormal") otherCauses.push("uterine anomaly");
  if (w.karyotypeFemale?.result === "abnormal" || w.karyotypeMale?.result === "abnormal") otherCauses.push("parental chromosomal abnormality");
  const tsh = w.thyroid === undefined ? undefined : tshReading(w.thyroid.tsh.value, tshCut);
  if (tsh !== undefined && (tsh.raised || tsh.suppressed)) otherCauses.push("thyroid dysfunction");
  if (consecutive >= 3) {
    if (otherCauses.length === 0) criteria.push(`${consecutive} consecutive unexplained losses before 10 weeks`);
    else notes.push(`${consecutive} consecutive early losses do not count as the Sydney clinical criterion while ${otherCauses.join(" and ")} may explain them`);
  }
  // A fetal death ≥ 10 weeks counts only when recorded as one: a pre-viable delivery, PPROM or cervical insufficiency is not.
  const late = losses.filter((l) => l.gestationalWeek >= 10 && l.kind === "clinical" && !l.explained);
  const lateDeath = late.find((l) => l.mechanism === "fetal-death");
  if (lateDeath !== undefined) criteria.push(`fetal death at ${lateDeath.gestationalWeek} weeks (≥10 weeks)`);
  const mechanismPending =
    lateDeath === undefined ? late.filter((l) => l.mechanism === undefined).map((l) => `loss ${l.index + 1} at ${l.gestationalWeek} weeks: record whether it was a fetal death (a pre-viable delivery does not meet the criterion)`) : [];
  const preterm = r.liveBirths.find((b) => b.gestationalWeek < 34 && b.preeclampsiaOrPlacentalInsufficiency === true);
  if (preterm !== undefined) criteria.push(`preterm birth at ${preterm.gestationalWeek} weeks for pre-eclampsia or placental insufficiency`);
  const clinical: ApsAssessment["clinical"] = { met: criteria.length > 0, criteria, mechanismPending };
  if (notes.length > 0) clinical.note = notes.join("; ");
  const a: ApsAssessment = {
    laboratory,
    persistentAntibodies: persistent,
    pendingAntibodies: pending,
    transientAntibodies: transient,
    readings: all,
    clinical,
    met: laboratory === "persistent" && clinical.met,
    thrombotic: laboratory === "persistent" && r.safety.thrombosisHistory === true,
    source: CITATIONS.miyakis2006,
  };
  if (conflict !== undefined) a.conflict = conflict;
  if (laboratory === "single-positive" && pendingFrom !== undefined) a.repeatDueFrom = addDays(pendingFrom, APL_REPEAT_DAYS);
  return a;
}

// ---------------------------------------------------------------------------------------------------------------
// Work-up

/** Builds a work-up item field by field (object spreads are slow on this hot path). */
function wi(base: { id: WorkupItemId; label: string; guidance: string }, rest: { status: WorkupStatus; detail: string; date?: string }): WorkupItem {
  const it: WorkupItem = { id: base.id, label: base.label, status: rest.status, detail: rest.detail, guidance: base.guidance };
  if (rest.date !== undefined) it.date = rest.date;
  return it;
}

function workupItems(r: PatientRecord, aps: ApsAssessment, config: ClinicConfig): WorkupItem[] {
  const w = r.workup;
  const items: WorkupItem[] = [];
  const kar = (id: "karyotype-female" | "karyotype-male", who: string, k: typeof w.karyotypeFemale) => {
    const base = { id, label: `Karyotype (${who})`, guidance: "Chromosomal causes: ESHRE after individual risk assessment; RCOG when a pregnancy-tissue result is unbalanced or no tissue was tested" };
    if (k === undefined) items.push(wi(base, { status: "missing", detail: `${who}'s karyotype not recorded` }));
    else {
      const kind = k.abnormality !== undefined ? ` (${k.abnormality.replace(/-/g, " ")})` : k.result === "abnormal" ? " (kind not recorded)" : "";
      const it: WorkupItem = wi(base, { status: k.result, detail: k.result === "normal" ? "normal" : `abnormal${kind}${k.detail !== undefined ? `: ${k.detail}` : ""}` });
      if (k.date !== undefined) it.date = k.date;
      items.push(it);
    }
  };
  kar("karyotype-female", "woman", w.karyotypeFemale);
  kar("karyotype-male", "partner", w.karyotypeMale);

  const ua = w.uterineAnatomy;
  const uaBase = { id: "uterine-anatomy" as const, label: "Uterine anatomy", guidance: "ESHRE: all women, 3D transvaginal ultrasound preferred; RCOG: 3D ultrasound" };
  if (ua === undefined) items.push(wi(uaBase, { status: "missing", detail: "no 3D ultrasound, hysteroscopy or sonohysterography recorded" }));
  else {
    const detail = `${ua.method}: ${ua.result}${ua.finding !== undefined ? ` (${ua.finding})` : ""}${ua.method === "2d-ultrasound" ? "; 2D ultrasound may miss anomalies, 3D is preferred" : ""}`;
    items.push(wi(uaBase, ua.date !== undefined ? { status: ua.result, detail, date: ua.date } : { status: ua.result, detail }));
  }

  const aplBase = { id: "antiphospholipid" as const, label: "Antiphospholipid antibodies", guidance: "ESHRE: lupus anticoagulant and anticardiolipin IgG/IgM after two losses (anti-β2GPI can be considered); RCOG: before pregnancy" };
  const tests = w.antiphospholipid;
  if (tests.length === 0) items.push(wi(aplBase, { status: "missing", detail: "lupus anticoagulant and anticardiolipin IgG/IgM not recorded" }));
  else {
    const lastDate = tests.reduce((m, t) => (t.date > m ? t.date : m), "");
    const lacks: string[] = [];
    if (!tests.some((t) => t.lupusAnticoagulant !== undefined)) lacks.push("lupus anticoagulant");
    if (!tests.some((t) => t.aclIgG !== undefined)) lacks.push("anticardiolipin IgG");
    if (!tests.some((t) => t.aclIgM !== undefined)) lacks.push("anticardiolipin IgM");
    if (aps.laboratory === "conflicting" && aps.conflict !== undefined) {
      items.push(
        wi(aplBase, {
          status: "incomplete",
          detail: `two panels on ${aps.conflict.date} disagree (${aps.conflict.antibodies.join(", ")}): neither result is used; repeat the panel`,
          date: lastDate,
        }),
      );
    } else if (aps.laboratory === "persistent") {
      items.push(wi(aplBase, { status: "abnormal", detail: `persistently positive ≥12 weeks apart: ${aplPositives(aps).join("; ")}`, date: lastDate }));
    } else if (aps.laboratory === "single-positive") {
      items.push(
        wi(aplBase, {
          status: "incomplete",
          detail: `positive once (${aplPositives(aps, aps.pendingAntibodies).join("; ")}); confirmatory repeat needed on or after ${aps.repeatDueFrom ?? "12 weeks later"} (Sydney criteria: each antibody positive twice ≥12 weeks apart)${aps.transientAntibodies.length > 0 ? `; ${aps.transientAntibodies.map((ab) => APL_LABELS[ab]).join(", ")} positive once and negative 12 weeks later, which does not settle the others` : ""}`,
          date: lastDate,
        }),
      );
    } else if (lacks.length > 0) {
      items.push(wi(aplBase, { status: "incomplete", detail: `not tested: ${lacks.join(", ")}`, date: lastDate }));
    } else if (aps.readings.some((x) => x.positive === null)) {
      // an anti-β2GPI value without the laboratory's 99th percentile cannot be read: never reported as negative
      const unread = aps.readings.filter((x) => x.positive === null).map((x) => `${APL_LABELS[x.antibody]} ${x.value ?? ""} ${x.unit ?? ""} on ${x.date}`.replace(/ +/g, " "));
      items.push(wi(aplBase, { status: "incomplete", detail: `cannot be read without the laboratory's 99th percentile: ${unread.join("; ")}; record the percentile (Sydney criteria: above the 99th percentile)`, date: lastDate }));
    } else {
      items.push(wi(aplBase, { status: "normal", detail: aps.laboratory === "transient" ? "a positive result was not confirmed 12 weeks later (transient)" : "negative", date: lastDate }));
    }
  }

  const th = w.thyroid;
  const thBase = { id: "thyroid" as const, label: "Thyroid function (TSH, TPO antibodies)", guidance: "ESHRE: TSH and TPO antibodies; RCOG: thyroid function and TPO antibodies" };
  if (th === undefined) items.push(wi(thBase, { status: "missing", detail: "TSH not recorded" }));
  else {
    const tshCut = config.cutOffs.tsh;
    const { raised, suppressed } = tshReading(th.tsh.value, tshCut);
    const high = raised || suppressed;
    const tpoLimit = th.tpoAb?.upperLimit ?? config.cutOffs.tpoAb?.value;
    const tpoPos = th.tpoAb !== undefined && tpoLimit !== undefined && th.tpoAb.value > tpoLimit;
    const parts = [
      suppressed
        ? `TSH ${th.tsh.value} mU/L (suppressed: below ${TSH_SUPPRESSED_BELOW} mU/L, under every laboratory's range; Decidua rule)`
        : `TSH ${th.tsh.value} mU/L${tshCut !== null ? ` (${raised ? "above" : "within"} ${tshCut.value} mU/L)` : ""}`,
    ];
    // free T4 has no cut-off of ours (assays' ranges differ): shown, to be read against the laboratory's range
    if (th.freeT4 !== undefined) parts.push(`free T4 ${Number(th.freeT4.value.toPrecision(4))} pmol/L (read against the laboratory's reference range)`);
    if (th.tpoAb !== undefined) parts.push(`TPO antibodies ${th.tpoAb.value} kU/L (${tpoPos ? "positive" : "negative"})`);
    else parts.push("TPO antibodies not recorded");
    const it: WorkupItem = wi(thBase, { status: high ? "abnormal" : th.tpoAb === undefined ? "incomplete" : "normal", detail: parts.join("; ") });
    if (high)
      it.detail +=
        th.freeT4 === undefined
          ? "; repeat TSH with free T4/T3 and TPO antibodies and treat thyroid dysfunction first"
          : "; clarify the thyroid dysfunction with the recorded free T4 (and T3, TPO antibodies) and treat it first";
    if (tpoPos && !high) {
      it.detail += "; euthyroid with TPO antibodies: levothyroxine did not improve live birth (TABLET, T4LIFE)";
      it.alongside = `TPO antibodies ${th.tpoAb?.value ?? ""} kU/L, positive`;
    }
    const d = th.date ?? th.tsh.date;
    if (d !== undefined) it.date = d;
    items.push(it);
  }

  const tp = w.thrombophilia;
  const tpBase = { id: "thrombophilia" as const, label: "Hereditary thrombophilia screen", guidance: "ESHRE: not routine (research or additional risk factors); part of the work-up the LIT protocols require to exclude thrombophilic causes" };
  if (tp === undefined) items.push(wi(tpBase, { status: "missing", detail: "no thrombophilia screen recorded" }));
  else {
    const it: WorkupItem = wi(tpBase, { status: tp.result, detail: tp.result === "normal" ? "normal" : `abnormal: ${(tp.findings ?? ["unspecified"]).join(", ")}` });
    if (tp.date !== undefined) it.date = tp.date;
    items.push(it);
  }
  return items;
}

export const APL_LABELS: Readonly<Record<AplAntibody, string>> = {
  lupusAnticoagulant: "lupus anticoagulant",
  aclIgG: "anticardiolipin IgG",
  aclIgM: "anticardiolipin IgM",
  b2gpiIgG: "anti-β2-glycoprotein I IgG",
  b2gpiIgM: "anti-β2-glycoprotein I IgM",
};

/**
 * Each positive antibody with its values, units and dates, and the interval in weeks between its first and last
 * positive test: "anticardiolipin IgG 45 GPL (> 40 GPL) on 2024-01-10 and 52 GPL on 2024-04-20, 14.4 weeks apart".
 */
export function aplPositives(aps: ApsAssessment, only?: readonly AplAntibody[]): string[] {
  const out: string[] = [];
  for (const ab of Object.keys(APL_LABELS) as AplAntibody[]) {
    if (only !== undefined && !only.includes(ab)) continue;
    const pos = aps.readings.filter((x) => x.antibody === ab && x.positive === true);
    if (pos.length === 0) continue;
    const parts = pos.map((x, i) => `${x.value !== undefined ? `${x.value} ${x.unit ?? ""}`.trim() : "positive"}${i === 0 ? ` (${x.cutOff})` : ""} on ${x.date}`);
    const weeks = pos.length > 1 ? Math.round((daysBetween(pos[0]!.date, pos[pos.length - 1]!.date) / 7) * 10) / 10 : null;
    // a negative result between the positives is shown, so a fluctuating antibody can be weighed
    const between = pos.length > 1 ? aps.readings.filter((x) => x.antibody === ab && x.positive === false && x.date > pos[0]!.date && x.date < pos[pos.length - 1]!.date) : [];
    const negatives = between.length > 0 ? `, negative between them (${between.map((x) => `${x.value !== undefined ? `${x.value} ${x.unit ?? ""}`.trim() : "negative"} on ${x.date}`).join(", ")})` : "";
    out.push(`${APL_LABELS[ab]} ${parts.join(" and ")}${weeks !== null ? `, ${weeks} weeks apart` : ", once"}${negatives}`);
  }
  return out;
}

function causesFrom(items: WorkupItem[], aps: ApsAssessment, lossCount: number): Cause[] {
  const causes: Cause[] = [];
  const item = (id: WorkupItemId) => items.find((i) => i.id === id);
  if (aps.met) causes.push({ id: "aps", label: "Antiphospholipid syndrome", detail: `Sydney criteria met: ${aplPositives(aps).join("; ")} (persistent ≥ 12 weeks); ${aps.clinical.criteria.join("; ")}` });
  // persistent antibodies with three or more losses: the population ESHRE treats with heparin + aspirin, whether or
  // not the losses meet the Sydney clinical criterion
  else if (aps.laboratory === "persistent" && lossCount >= 3)
    causes.push({ id: "aps", label: "Persistent antiphospholipid antibodies with three or more losses (Sydney laboratory criteria)", detail: `${aplPositives(aps).join("; ")} (persistent ≥ 12 weeks); ${lossCount} losses (ESHRE 2017: heparin + aspirin)` });
  // thrombotic APS with recurrent losses: the syndrome is diagnosed and has its own treatment
  else if (aps.thrombotic && lossCount >= 2)
    causes.push({ id: "aps", label: "Thrombotic antiphospholipid syndrome", detail: `Sydney criteria met by vascular thrombosis: ${aplPositives(aps).join("; ")} (persistent ≥ 12 weeks); a previous thrombosis recorded` });
  const ua = item("uterine-anatomy");
  if (ua?.status === "abnormal") causes.push({ id: "uterine-anomaly", label: "Uterine anomaly", detail: ua.detail });
  for (const id of ["karyotype-female", "karyotype-male"] as const) {
    const k = item(id);
    if (k?.status === "abnormal") causes.push({ id: "parental-chromosomal", label: "Parental chromosomal abnormality", detail: `${k.label}: ${k.detail}` });
  }
  const tp = item("thrombophilia");
  if (tp?.status === "abnormal") causes.push({ id: "hereditary-thrombophilia", label: "Hereditary thrombophilia", detail: tp.detail });
  const th = item("thyroid");
  if (th?.status === "abnormal") causes.push({ id: "thyroid-dysfunction", label: "Thyroid function needing follow-up (hormonal cause not excluded)", detail: th.detail });
  return causes;
}

/** Recurrent implantation failure (Coughlan 2014): ≥3 failed cycles with ≥4 good-quality embryos in total, woman under 40. */
function assessRif(r: PatientRecord): Diagnosis["rif"] {
  const failed = r.transfers.filter((t) => t.outcome === "no-implantation" || t.outcome === "biochemical");
  const good = failed.filter((t) => t.quality === "good").reduce((s, t) => s + t.embryos, 0);
  const transfersMet = failed.length >= 3 && good >= 4;
  return {
    // an unrecorded age is never read as under 40
    met: transfersMet && r.age !== undefined && r.age < 40,
    agePending: transfersMet && r.age === undefined,
    transfersMet,
    failedCycles: failed.length,
    goodEmbryosInFailedCycles: good,
    rule: "no pregnancy after ≥4 good-quality embryos over ≥3 transfers, woman under 40",
    source: CITATIONS.coughlan2014,
  };
}

export function diagnose(r: PatientRecord, config: ClinicConfig): Diagnosis {
  const losses = lossViews(r);
  const counted = losses.filter((l) => l.countsForRpl);
  const firstTri = counted.filter((l) => l.trimester === 1);
  const unexplained = counted.filter((l) => !l.explained && !l.mechanismExcluded);
  const consecutive = consecutiveEarlyUnexplained(r);
  const aps = assessAps(r, losses, consecutive, config);
  const workup = workupItems(r, aps, config);
  const missingWorkup = workup.filter((i) => i.status === "missing" || i.status === "incomplete");
  const t = rplType(r);
  const d: Diagnosis = {
    lossCount: counted.length,
    firstTrimesterLossCount: firstTri.length,
    explainedLossCount: counted.filter((l) => l.explained).length,
    unexplainedLossCount: unexplained.length,
    unexplainedFirstTrimesterLossCount: unexplained.filter((l) => l.trimester === 1).length,
    unexplainedClinicalLossCount: unexplained.filter((l) => l.kind !== "biochemical").length,
    consecutiveUnexplainedBefore10Weeks: consecutive,
    stillbirths: losses.filter((l) => l.gestationalWeek >= 24 && l.kind === "clinical").length,
    losses,
    definitions: {
      eshre: { met: counted.length >= 2, rule: "≥2 pregnancy losses before 24 weeks, including non-visualised (biochemical) losses", count: counted.length, source: CITATIONS.eshreRplDefinition },
      rcog: { met: firstTri.length >= 3, rule: "≥3 first-trimester miscarriages", count: firstTri.length, source: CITATIONS.rcog2023 },
    },
    type: t.type,
    rif: assessRif(r),
    aps,
    causes: causesFrom(workup, aps, counted.length),
    workup,
    missingWorkup,
    workupComplete: missingWorkup.length === 0,
  };
  if (t.note !== undefined) d.typeNote = t.note;
  if (t.assumed === true) d.typeAssumed = true;
  return d;
}
