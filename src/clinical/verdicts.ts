/**
 * A verdict per therapy: recommended | protocol-eligible | premature | not-indicated | contraindicated, with the
 * findings behind it (value, cut-off, source), what is missing, the criteria not met, safety checks and the
 * co-interventions the protocol pairs it with. Criteria: LIT from the 9M Fertility LIT explainer, tacrolimus from Liu 2023, the
 * others from the trials' inclusion criteria and verified guideline positions (sources.ts). Pure functions.
 */
import { THERAPY_NAMES, type TherapyId } from "../shared/therapies.js";
import type { ClinicConfig } from "./config.js";
import type { CauseId, Diagnosis } from "./diagnosis.js";
import type { ImmuneFinding, ImmuneMarkerId } from "./immune.js";
import type { PatientRecord } from "./record.js";
import { CITATIONS, GUIDELINE_POSITIONS, type Citation } from "./sources.js";

export const VERDICT_STATUSES = ["recommended", "protocol-eligible", "premature", "not-indicated", "contraindicated"] as const;
export type VerdictStatus = (typeof VERDICT_STATUSES)[number];

/** Statuses each therapy can reach (no guideline endorses most immunotherapies, so they cannot be "recommended"). */
export const APPLICABLE_STATUSES: Record<TherapyId, readonly VerdictStatus[]> = {
  lit: ["protocol-eligible", "premature", "not-indicated", "contraindicated"],
  ivig: ["protocol-eligible", "premature", "not-indicated", "contraindicated"],
  tacrolimus: ["protocol-eligible", "premature", "not-indicated", "contraindicated"],
  prednisolone: ["protocol-eligible", "premature", "not-indicated", "contraindicated"],
  "lmwh-aspirin": ["recommended", "protocol-eligible", "premature", "not-indicated", "contraindicated"],
  hydroxychloroquine: ["recommended", "protocol-eligible", "premature", "not-indicated", "contraindicated"],
  intralipid: ["protocol-eligible", "premature", "not-indicated", "contraindicated"],
  "tnf-inhibitor": ["protocol-eligible", "premature", "not-indicated", "contraindicated"],
  "g-csf": ["protocol-eligible", "premature", "not-indicated", "contraindicated"],
  progesterone: ["recommended", "premature", "not-indicated", "contraindicated"],
  "il2-treg": ["protocol-eligible", "premature", "not-indicated", "contraindicated"],
};

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

function lossFinding(id: string, label: string, count: number, min: number, source: Citation, role: VerdictFinding["role"]): VerdictFinding {
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

function causeFinding(c: Diagnosis["causes"][number]): VerdictFinding {
  return { id: `cause:${c.id}`, label: c.label, value: c.detail, unit: null, cutOff: null, source: c.id === "aps" ? CITATIONS.miyakis2006.label : "standard work-up", role: "against", reading: `${c.label}: ${c.detail}` };
}

function explainedLossFindings(dx: Diagnosis): VerdictFinding[] {
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

function safetyFinding(s: SafetyCheck): VerdictFinding {
  return { id: `safety:${s.id}`, label: s.label, value: s.detail, unit: null, cutOff: null, source: s.source, role: "against", reading: `${s.label}: ${s.detail}` };
}

function flag(id: string, label: string, value: boolean | undefined, severity: SafetyCheck["severity"], problem: string, source: Citation = CITATIONS.decidua): SafetyCheck {
  return {
    id,
    label,
    status: value === undefined ? "unknown" : value ? "problem" : "ok",
    severity,
    detail: value === undefined ? "not recorded: check before starting" : value ? problem : "none recorded",
    source: source.label,
  };
}

function allergy(ctx: RuleContext, kinds: string[], label: string, severity: SafetyCheck["severity"], problem: string): SafetyCheck {
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

function screen(id: string, label: string, v: string | undefined, severity: SafetyCheck["severity"], problem: string, source: Citation = CITATIONS.decidua): SafetyCheck {
  if (v === undefined || v === "not-tested") return { id, label, status: "unknown", severity, detail: "not tested: screen before starting", source: source.label };
  if (v === "positive") return { id, label, status: "problem", severity, detail: problem, source: source.label };
  return { id, label, status: "ok", severity, detail: v, source: source.label };
}

function egfrCheck(ctx: RuleContext, min: number, severity: SafetyCheck["severity"], why: string): SafetyCheck {
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

function workupMissing(dx: Diagnosis): MissingItem[] {
  return dx.missingWorkup.map((w) => ({ id: w.id, label: w.label, detail: w.detail }));
}

const RESEARCH_MEANING =
  "Protocol-eligible means the patient meets a published protocol's or trial's criteria, not that guidelines endorse it: it belongs in a research setting (registered trial or approved protocol) with written informed consent that states the uncertain benefit, the risks and the alternatives.";

interface BaseParts {
  safetyChecks: SafetyCheck[];
  coInterventions: CoIntervention[];
  criteriaSource: string[];
}
interface RestParts {
  reasons: string[];
  unmet: string[];
  findings: VerdictFinding[];
  missing: MissingItem[];
  researchNote?: string;
}
/** Joins the parts of a verdict field by field (object spreads are slow on this hot path). */
function withBase(base: BaseParts, rest: RestParts): Omit<VerdictCore, "therapy" | "name" | "status" | "headline"> {
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

function verdict(therapy: TherapyId, status: VerdictStatus, parts: Omit<VerdictCore, "therapy" | "name" | "status" | "headline">, headline: string): VerdictCore {
  const v: VerdictCore = {
    therapy,
    name: THERAPY_NAMES[therapy],
    status,
    headline: `${THERAPY_NAMES[therapy]}: ${status} — ${headline}`,
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

interface ImmunoSpec {
  therapy: TherapyId;
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
  safety: (ctx: RuleContext) => SafetyCheck[];
  coInterventions: CoIntervention[];
  criteria: string;
  guidelineCaveat: string;
}

function immunotherapyVerdict(ctx: RuleContext, spec: ImmunoSpec): VerdictCore {
  const { dx } = ctx;
  const safetyChecks = spec.safety(ctx);
  const base = { safetyChecks, coInterventions: spec.coInterventions, criteriaSource: [spec.criteria] };
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
    return verdict(spec.therapy, "contraindicated", withBase(base, { reasons, unmet, findings, missing }), reasons[0] ?? "");
  }

  const rifOk = spec.allowRif && dx.rif.met;
  if (dx.lossCount < 2 && !rifOk) {
    findings.push(lossFinding("losses", "Pregnancy losses before 24 weeks", dx.lossCount, 2, CITATIONS.eshreRplDefinition, "against"));
    reasons.push(`${dx.lossCount} pregnancy loss${dx.lossCount === 1 ? "" : "es"} recorded: this is not recurrent pregnancy loss (ESHRE: 2 or more)${spec.allowRif ? ", and recurrent implantation failure is not established" : ""}.`);
    return verdict(spec.therapy, "not-indicated", withBase(base, { reasons, unmet, findings, missing }), reasons[0]!);
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
    return verdict(spec.therapy, "not-indicated", withBase(base, { reasons, unmet, findings, missing }), reasons[0]!);
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
    reasons.push(...unmet);
    const head = short.join("; ");
    return verdict(spec.therapy, "premature", withBase(base, { reasons, unmet, findings, missing }), head);
  }
  if (spec.markers !== null && supporting.length === 0) {
    reasons.push(`No finding supports it: the markers the protocol selects on are within their cut-offs (${spec.markerSource?.label ?? spec.criteria}).`);
    return verdict(spec.therapy, "not-indicated", withBase(base, { reasons, unmet, findings, missing }), reasons[0]!);
  }
  const why = [
    rifOk && !lossesOk ? `recurrent implantation failure (${dx.rif.failedCycles} failed transfers)` : `${count} ${scope.toLowerCase()}`,
    dx.workupComplete ? "complete negative standard work-up" : "",
    ...supporting.map((f) => f.reading),
  ].filter((s) => s !== "");
  reasons.push(`Meets the criteria of ${spec.criteria}: ${why.join("; ")}.`);
  reasons.push(spec.guidelineCaveat);
  return verdict(
    spec.therapy,
    "protocol-eligible",
    withBase(base, { reasons, unmet, findings, missing, researchNote: `${spec.guidelineCaveat} ${RESEARCH_MEANING}` }),
    `${why.join("; ")}. ${spec.guidelineCaveat}`,
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Therapy rules

const LIT_CO: CoIntervention[] = [
  { therapy: "progesterone", label: "Progesterone from ovulation", note: "Luteal support within the broader protocol (9M Fertility LIT explainer)" },
  { therapy: "lmwh-aspirin", label: "Low-dose aspirin", note: "Aspirin alone, not heparin, within the broader protocol (9M Fertility LIT explainer)" },
  { label: "Early pregnancy monitoring", note: "Serial β-hCG and early ultrasound (9M Fertility LIT explainer)" },
];

function litVerdict(ctx: RuleContext): VerdictCore {
  const v = litLadder(ctx);
  const ana = ctx.immune.find((f) => f.marker === "ana");
  if (ana !== undefined && ana.status === "abnormal" && (v.status === "protocol-eligible" || v.status === "premature")) {
    const f = immuneFinding(ana, "context");
    f.source = CITATIONS.dashti2025.label;
    f.reading += `; in the LIT trial of ANA-positive women (${CITATIONS.dashti2025.label}) outcomes improved, but less than in ANA-negative women`;
    v.findings.push(f);
  }
  return v;
}

function litLadder(ctx: RuleContext): VerdictCore {
  return immunotherapyVerdict(ctx, {
    therapy: "lit",
    minLosses: 3,
    lossScope: "first-trimester",
    lossSource: CITATIONS.source001,
    allowRif: true,
    markers: ["peripheralNk", "nkCytotoxicity", "uterineNk", "th1Th2Ratio", "tnfIl10Ratio", "antiPaternalAntibodies"],
    markerSource: CITATIONS.source001,
    treats: [],
    safety: (c) => [
      screen("partner-hiv", "Partner's HIV status (lymphocyte donor)", c.r.partner.hiv, "contraindication", "partner HIV positive: do not use his cells"),
      screen("partner-hbv", "Partner's hepatitis B status", c.r.partner.hepatitisB, "contraindication", "partner hepatitis B positive: do not use his cells"),
      screen("partner-hcv", "Partner's hepatitis C status", c.r.partner.hepatitisC, "contraindication", "partner hepatitis C positive: do not use his cells"),
      { id: "transfusion-risks", label: "Transfusion-type risks", status: "ok", severity: "caution", detail: "discuss infection transmission and alloimmunisation (judged low, Kling 2006); Ober 1999 found more losses after LIT", source: CITATIONS.kling2006.label },
    ],
    coInterventions: LIT_CO,
    criteria: "the LIT protocol of the 9M Fertility LIT explainer (≥3 unexplained first-trimester losses or RIF with good-quality embryos, causes excluded, an immune finding)",
    guidelineCaveat:
      "Guidelines advise against LIT outside research: ESHRE advises against LIT for RPL (position as reported; Decidua has not verified its wording) and the FDA allows it only as an investigational treatment under an IND (verified); Choosing Wisely Canada 2022 also advises against it.",
  });
}

function ivigVerdict(ctx: RuleContext): VerdictCore {
  return immunotherapyVerdict(ctx, {
    therapy: "ivig",
    minLosses: 4,
    lossScope: "any",
    lossSource: CITATIONS.yamada2022,
    allowRif: false,
    markers: null,
    treats: [],
    safety: (c) => [
      flag("iga-deficiency", "IgA deficiency", c.r.safety.igaDeficiency, "contraindication", "risk of anaphylaxis with IgA-containing products"),
      egfrCheck(c, 30, "contraindication", "IVIG can cause acute renal failure"),
      flag("thrombosis", "History of thrombosis", c.r.safety.thrombosisHistory, "caution", "IVIG raises the risk of thrombosis"),
      allergy(c, ["blood-products"], "Reactions to blood products", "contraindication", "previous reaction to blood products"),
    ],
    coInterventions: [],
    criteria: "Yamada 2022 (≥4 unexplained losses; 400 mg/kg/day for 5 days from 4–6 weeks)",
    guidelineCaveat:
      "Guidelines do not endorse IVIG for RPL: ESHRE 2017 advised against it (a 2022 revision for ≥4 unexplained losses is reported but unverified), Choosing Wisely Canada 2022 and the Australian NBA do not support it.",
  });
}

function tacrolimusVerdict(ctx: RuleContext): VerdictCore {
  return immunotherapyVerdict(ctx, {
    therapy: "tacrolimus",
    minLosses: 3,
    lossScope: "any",
    lossSource: CITATIONS.zhao2023tacrolimus,
    allowRif: false,
    markers: ["th1Th2Ratio", "il33", "sst2"],
    markerSource: CITATIONS.zhao2023tacrolimus,
    treats: [],
    safety: (c) => [
      egfrCheck(c, 60, "contraindication", "tacrolimus is nephrotoxic"),
      flag("diabetes", "Diabetes", c.r.safety.diabetes, "caution", "tacrolimus raises blood glucose: monitor closely"),
      flag("hypertension", "Hypertension", c.r.safety.hypertension, "caution", "tacrolimus raises blood pressure: monitor closely"),
      allergy(c, ["tacrolimus"], "Tacrolimus hypersensitivity", "contraindication", "known hypersensitivity"),
    ],
    coInterventions: [{ label: "Basic therapy of the trial", note: "Both arms of Liu 2023 received the trial's basic therapy; tacrolimus was added to it" }],
    criteria: "the tacrolimus RCT of Liu 2023 (≥3 serial losses with raised IL-33/sST2 or Th1/Th2)",
    guidelineCaveat: "No guideline recommends tacrolimus for RPL (ESHRE makes no recommendation); the evidence is one RCT.",
  });
}

function prednisoloneVerdict(ctx: RuleContext): VerdictCore {
  return immunotherapyVerdict(ctx, {
    therapy: "prednisolone",
    minLosses: 3,
    lossScope: "any",
    lossSource: CITATIONS.tang2013,
    allowRif: false,
    markers: ["uterineNk"],
    markerSource: CITATIONS.quenby2005,
    treats: [],
    safety: (c) => [
      flag("diabetes", "Diabetes", c.r.safety.diabetes, "caution", "steroids worsen glucose control; gestational diabetes risk"),
      flag("hypertension", "Hypertension", c.r.safety.hypertension, "caution", "steroids raise blood pressure"),
      screen("tb", "Tuberculosis status", c.r.safety.tb, "caution", "TB infection: steroids can reactivate it"),
    ],
    coInterventions: [],
    criteria: "Quenby 2005 / Tang 2013 (recurrent miscarriage with uterine NK ≥ 5%)",
    guidelineCaveat:
      "Guidelines do not endorse glucocorticoids for RPL, including with raised NK cells (Choosing Wisely Canada 2022; ESHRE reportedly likewise); the ACR strongly advises against prednisone in refractory obstetric APS.",
  });
}

function intralipidVerdict(ctx: RuleContext): VerdictCore {
  return immunotherapyVerdict(ctx, {
    therapy: "intralipid",
    minLosses: 3,
    lossScope: "any",
    lossSource: CITATIONS.dakhly2016,
    allowRif: true,
    markers: ["peripheralNk", "nkCytotoxicity"],
    markerSource: CITATIONS.dakhly2016,
    treats: [],
    safety: (c) => [allergy(c, ["egg", "soy", "peanut"], "Egg, soy or peanut allergy", "contraindication", "intralipid contains soybean oil and egg phospholipids")],
    coInterventions: [],
    criteria: "Dakhly 2016 (peripheral NK > 12%)",
    guidelineCaveat: "Guidelines do not endorse intralipid (ESHRE reportedly advises against it), and the RCT in women with NK > 12% found no benefit.",
  });
}

function tnfVerdict(ctx: RuleContext): VerdictCore {
  return immunotherapyVerdict(ctx, {
    therapy: "tnf-inhibitor",
    minLosses: 3,
    lossScope: "any",
    lossSource: CITATIONS.winger2011,
    allowRif: true,
    markers: ["tnfIl10Ratio"],
    markerSource: CITATIONS.winger2011,
    treats: [],
    safety: (c) => [
      screen("tb", "Tuberculosis screen", c.r.safety.tb, "contraindication", "TB infection: TNF inhibitors reactivate tuberculosis"),
      screen("hepatitis-b", "Hepatitis B screen", c.r.safety.hepatitisB, "contraindication", "hepatitis B: risk of reactivation"),
    ],
    coInterventions: [],
    criteria: "Winger 2011 (TNF-α/IL-10 ratio above 30.6)",
    guidelineCaveat: "No guideline supports TNF-α inhibitors for RPL (insufficient evidence); data are observational.",
  });
}

function gcsfVerdict(ctx: RuleContext): VerdictCore {
  return immunotherapyVerdict(ctx, {
    therapy: "g-csf",
    minLosses: 4,
    lossScope: "any",
    lossSource: CITATIONS.scarpellini2009,
    primaryOnly: true,
    allowRif: false,
    markers: null,
    treats: [],
    safety: () => [],
    coInterventions: [],
    criteria: "Scarpellini 2009 (≥4 unexplained losses, primary RPL)",
    guidelineCaveat: "Guidelines do not endorse G-CSF for unexplained RPL (ESHRE reportedly advises against it); the larger RESPONSE trial found no benefit.",
  });
}

function il2Verdict(ctx: RuleContext): VerdictCore {
  return immunotherapyVerdict(ctx, {
    therapy: "il2-treg",
    minLosses: 5,
    lossScope: "first-trimester",
    lossSource: CITATIONS.facil2,
    allowRif: false,
    markers: null,
    treats: [],
    safety: () => [],
    coInterventions: [],
    criteria: "FACIL-2 (≥5 unexplained early losses; open-label proof-of-concept)",
    guidelineCaveat: "Experimental: no guideline addresses low-dose IL-2; available only within a trial.",
  });
}

function hcqVerdict(ctx: RuleContext): VerdictCore {
  const { r, dx } = ctx;
  const s = r.safety;
  const safetyChecks: SafetyCheck[] = [
    flag("retinopathy", "Retinopathy", s.retinopathy, "contraindication", "pre-existing retinopathy"),
    flag("g6pd", "G6PD deficiency", s.g6pdDeficiency, "contraindication", "risk of haemolysis"),
    flag("porphyria", "Porphyria", s.porphyria, "contraindication", "porphyria"),
    flag("liver", "Liver disease", s.liverDisease, "contraindication", "liver failure"),
    flag("psoriasis", "Psoriasis", s.psoriasis, "contraindication", "may worsen psoriasis"),
    egfrCheck(ctx, 30, "contraindication", "kidney failure"),
  ];
  if (dx.aps.met) {
    const blocking = safetyChecks.filter((c) => c.status === "problem" && c.severity === "contraindication");
    const base = { safetyChecks, coInterventions: [{ therapy: "lmwh-aspirin" as const, label: "LMWH + low-dose aspirin", note: "HCQ is added to, not substituted for, standard APS treatment" }], criteriaSource: ["ACR 2020 (refractory obstetric APS)"] };
    const aps = causeFinding(dx.causes.find((c) => c.id === "aps")!);
    aps.role = "supports";
    if (blocking.length > 0) {
      const reasons = blocking.map((b) => `Safety: ${b.label.toLowerCase()}: ${b.detail}.`);
      return verdict("hydroxychloroquine", "contraindicated", withBase(base, { reasons, unmet: [], findings: blocking.map(safetyFinding), missing: [] }), reasons[0]!);
    }
    const refractory = r.losses.filter((l) => l.treatedWith.includes("lmwh-aspirin"));
    if (refractory.length > 0) {
      const reasons = [`Obstetric APS with ${refractory.length} loss(es) despite LMWH + aspirin: ${GUIDELINE_POSITIONS.acrRefractoryHcq.statement} (ACR 2020, verified).`];
      const f: VerdictFinding = { id: "refractory-aps", label: "Loss despite LMWH + aspirin", value: refractory.length, unit: "losses", cutOff: "≥ 1", source: CITATIONS.acr2020.label, role: "supports", reading: `${refractory.length} loss(es) on LMWH + low-dose aspirin (refractory obstetric APS)` };
      return verdict("hydroxychloroquine", "recommended", withBase(base, { reasons, unmet: [], findings: [aps, f], missing: [] }), reasons[0]!);
    }
    const reasons = ["APS without a loss on standard treatment: LMWH + low-dose aspirin first; hydroxychloroquine is considered when APS proves refractory (ACR 2020)."];
    return verdict("hydroxychloroquine", "not-indicated", withBase(base, { reasons, unmet: [], findings: [aps], missing: [] }), reasons[0]!);
  }
  return immunotherapyVerdict(ctx, {
    therapy: "hydroxychloroquine",
    minLosses: 3,
    lossScope: "any",
    lossSource: CITATIONS.hcqRct,
    allowRif: false,
    markers: null,
    treats: ["aps"],
    safety: () => safetyChecks,
    coInterventions: [],
    criteria: "the HCQ RCT in unexplained recurrent miscarriage (200 mg twice daily before conception)",
    guidelineCaveat: "No guideline recommends hydroxychloroquine for unexplained RPL; the RCT's difference (67.9% vs 57.7%) was not significant.",
  });
}

function lmwhVerdict(ctx: RuleContext): VerdictCore {
  const { r, dx } = ctx;
  const s = r.safety;
  const safetyChecks: SafetyCheck[] = [
    flag("bleeding-disorder", "Bleeding disorder", s.bleedingDisorder, "contraindication", "bleeding disorder"),
    allergy(ctx, ["heparin"], "Heparin allergy or heparin-induced thrombocytopenia", "contraindication", "heparin allergy"),
    allergy(ctx, ["aspirin"], "Aspirin allergy", "contraindication", "aspirin allergy"),
  ];
  const therapy: TherapyId = "lmwh-aspirin";
  const base = { safetyChecks, coInterventions: [] as CoIntervention[], criteriaSource: ["ESHRE 2017 and ACR 2020 (APS)", "ESHRE 2017 (hereditary thrombophilia)"] };
  const blocking = safetyChecks.filter((c) => c.status === "problem");
  if (blocking.length > 0) {
    const reasons = blocking.map((b) => `Safety: ${b.label.toLowerCase()}: ${b.detail}.`);
    return verdict(therapy, "contraindicated", withBase(base, { reasons, unmet: [], findings: blocking.map(safetyFinding), missing: [] }), reasons[0]!);
  }
  const aplItem = dx.workup.find((w) => w.id === "antiphospholipid")!;
  const aplFinding: VerdictFinding = {
    id: "antiphospholipid",
    label: "Antiphospholipid antibodies",
    value: dx.aps.laboratory,
    unit: null,
    cutOff: "aCL > 40 GPL/MPL or > 99th percentile; anti-β2GPI > 99th percentile; LA present; twice ≥ 12 weeks apart",
    source: CITATIONS.miyakis2006.label,
    role: dx.aps.laboratory === "persistent" ? "supports" : "context",
    reading: `Antiphospholipid antibodies: ${aplItem.detail} (Sydney criteria, Miyakis 2006)`,
  };
  if (dx.aps.laboratory === "persistent") {
    const lossF = lossFinding("losses", "Pregnancy losses before 24 weeks", dx.lossCount, 3, CITATIONS.eshre2017, "supports");
    if (dx.aps.met && (dx.lossCount >= 3 || dx.aps.clinical.criteria.some((c) => !c.includes("consecutive")))) {
      const reasons = [
        `Antiphospholipid syndrome (Sydney criteria: ${dx.aps.persistentAntibodies.join(", ")} persistent; ${dx.aps.clinical.criteria.join("; ")}).`,
        `${GUIDELINE_POSITIONS.eshreAps3.statement} (ESHRE 2017, conditional). ${GUIDELINE_POSITIONS.acrApsStandard.statement} (ACR 2020, strong).`,
      ];
      return verdict(therapy, "recommended", withBase(base, { reasons, unmet: [], findings: [aplFinding, lossF], missing: [] }), `APS with ${dx.lossCount} losses: guideline-supported (ESHRE 2017, ACR 2020)`);
    }
    lossF.role = "context";
    if (dx.lossCount < 2) {
      const reasons = [`Persistent antiphospholipid antibodies with ${dx.lossCount} loss(es): not obstetric APS and not RPL; no pregnancy treatment is indicated on these grounds (thromboprophylaxis is a separate decision).`];
      return verdict(therapy, "not-indicated", withBase(base, { reasons, unmet: [], findings: [aplFinding, lossF], missing: [] }), reasons[0]!);
    }
    const reasons = [
      `Persistent antiphospholipid antibodies with ${dx.lossCount} loss(es), short of the clinical criteria for APS with three or more losses.`,
      `${GUIDELINE_POSITIONS.eshreAps2.statement} (ESHRE 2017, good practice point).`,
    ];
    return verdict(
      therapy,
      "protocol-eligible",
      withBase(base, { reasons, unmet: ["Three or more losses (ESHRE 2017 population for heparin + aspirin in APS)"], findings: [aplFinding, lossF], missing: [], researchNote: `${reasons[1]} ${RESEARCH_MEANING}` }),
      reasons[0]!,
    );
  }
  if (dx.lossCount < 2) {
    const reasons = [`${dx.lossCount} loss(es) and no persistent antiphospholipid antibodies: not recurrent pregnancy loss, nothing for heparin and aspirin to treat.`];
    return verdict(therapy, "not-indicated", withBase(base, { reasons, unmet: [], findings: [aplFinding, lossFinding("losses", "Pregnancy losses before 24 weeks", dx.lossCount, 2, CITATIONS.eshreRplDefinition, "against")], missing: [] }), reasons[0]!);
  }
  if (dx.aps.laboratory === "not-tested" || aplItem.status === "incomplete" || aplItem.status === "missing") {
    const reasons = [
      dx.aps.laboratory === "single-positive"
        ? `A positive antiphospholipid result needs confirmation 12 weeks later (on or after ${dx.aps.repeatDueFrom}) before APS treatment is decided.`
        : `Antiphospholipid testing is ${aplItem.status}: ${aplItem.detail}.`,
    ];
    return verdict(
      therapy,
      "premature",
      withBase(base, { reasons, unmet: reasons, findings: [aplFinding], missing: [{ id: dx.aps.laboratory === "single-positive" ? "antiphospholipid-repeat" : "antiphospholipid", label: aplItem.label, detail: aplItem.detail }] }),
      reasons[0]!,
    );
  }
  const untreated = dx.causes.filter((c) => c.id === "uterine-anomaly" || c.id === "parental-chromosomal");
  if (untreated.length > 0) {
    const reasons = untreated.map((c) => `The losses have an explanation heparin and aspirin do not treat: ${c.label.toLowerCase()} (${c.detail}).`);
    return verdict(therapy, "contraindicated", withBase(base, { reasons, unmet: [], findings: [aplFinding, ...untreated.map(causeFinding)], missing: [] }), reasons[0]!);
  }
  const thrombo = dx.causes.find((c) => c.id === "hereditary-thrombophilia");
  if (thrombo !== undefined) {
    const f = causeFinding(thrombo);
    f.role = "context";
    f.source = CITATIONS.eshre2017.label;
    const reasons = [
      `Hereditary thrombophilia (${thrombo.detail}): ${GUIDELINE_POSITIONS.eshreThrombophilia.statement} (ESHRE 2017). ALIFE2 found no benefit (72% vs 71%).`,
      "Thromboprophylaxis for venous thromboembolism risk is a separate decision.",
    ];
    return verdict(therapy, "not-indicated", withBase(base, { reasons, unmet: [], findings: [aplFinding, f], missing: [] }), reasons[0]!);
  }
  const reasons = [
    dx.lossCount < 2
      ? `${dx.lossCount} loss(es): not recurrent pregnancy loss, and no antiphospholipid syndrome.`
      : "No antiphospholipid syndrome: heparin/aspirin did not improve live birth in unexplained RPL (ESHRE advises against it; wording unverified). Low-dose aspirin may still appear as a co-intervention in an immunotherapy protocol.",
  ];
  return verdict(therapy, "not-indicated", withBase(base, { reasons, unmet: [], findings: [aplFinding], missing: [] }), reasons[0]!);
}

function progesteroneVerdict(ctx: RuleContext): VerdictCore {
  const { r, dx } = ctx;
  const therapy: TherapyId = "progesterone";
  const soy = allergy(ctx, ["soy"], "Soy allergy", "contraindication", "micronised progesterone capsules (Utrogestan) contain soya lecithin; consider a product without it");
  const base = { safetyChecks: [soy], coInterventions: [] as CoIntervention[], criteriaSource: ["PRISM 2019 (bleeding in early pregnancy after miscarriage)", "PROMISE 2015 (no bleeding)"] };
  if (soy.status === "problem") {
    const reasons = [`Safety: ${soy.detail}.`];
    return verdict(therapy, "contraindicated", withBase(base, { reasons, unmet: [], findings: [safetyFinding(soy)], missing: [] }), reasons[0]!);
  }
  const cp = r.currentPregnancy;
  const lossF = lossFinding("losses", "Previous pregnancy losses", dx.lossCount, 1, CITATIONS.prism2019, dx.lossCount >= 1 ? "supports" : "against");
  if (cp === undefined) {
    const reasons = ["Not pregnant now: progesterone has no proven benefit without bleeding (PROMISE); if bleeding occurs in a future pregnancy after a previous miscarriage, vaginal progesterone becomes the recommended option (PRISM)."];
    return verdict(therapy, "not-indicated", withBase(base, { reasons, unmet: [], findings: [lossF], missing: [] }), reasons[0]!);
  }
  if (cp.bleeding === undefined) {
    const reasons = ["Pregnant now, but whether there is bleeding is not recorded: the indication depends on it."];
    return verdict(therapy, "premature", withBase(base, { reasons, unmet: reasons, findings: [lossF], missing: [{ id: "bleeding", label: "Bleeding in the current pregnancy", detail: "record whether there is vaginal bleeding" }] }), reasons[0]!);
  }
  const bleedF: VerdictFinding = { id: "bleeding", label: "Bleeding in the current pregnancy", value: cp.bleeding ? "yes" : "no", unit: null, cutOff: "present", source: CITATIONS.prism2019.label, role: cp.bleeding ? "supports" : "against", reading: `Bleeding in the current pregnancy: ${cp.bleeding ? "yes" : "no"}` };
  if (cp.bleeding && dx.lossCount >= 1) {
    const reasons = [
      `Bleeding in early pregnancy after ${dx.lossCount} previous loss(es): vaginal micronised progesterone 400 mg twice daily to 16 weeks improved live births (PRISM; ≥3 previous losses 72% vs 57%).`,
      "Guideline support: NICE NG126 offers it in this situation, and ESHRE 2022 and RCOG 2023 reportedly support it (positions as reported in secondary sources; not yet verified against the guideline text).",
    ];
    return verdict(therapy, "recommended", withBase(base, { reasons, unmet: [], findings: [bleedF, lossF], missing: [] }), reasons[0]!);
  }
  const reasons = [
    cp.bleeding
      ? "Bleeding without a previous loss: the PRISM benefit was in women with previous miscarriage."
      : "Pregnant without bleeding: progesterone did not improve live births in unexplained recurrent miscarriage without bleeding (PROMISE, 65.8% vs 63.3%).",
  ];
  return verdict(therapy, "not-indicated", withBase(base, { reasons, unmet: [], findings: [bleedF, lossF], missing: [] }), reasons[0]!);
}

export const THERAPY_RULES: Record<TherapyId, (ctx: RuleContext) => VerdictCore> = {
  lit: litVerdict,
  ivig: ivigVerdict,
  tacrolimus: tacrolimusVerdict,
  prednisolone: prednisoloneVerdict,
  "lmwh-aspirin": lmwhVerdict,
  hydroxychloroquine: hcqVerdict,
  intralipid: intralipidVerdict,
  "tnf-inhibitor": tnfVerdict,
  "g-csf": gcsfVerdict,
  progesterone: progesteroneVerdict,
  "il2-treg": il2Verdict,
};
