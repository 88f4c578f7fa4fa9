/** Lymphocyte immunisation therapy (LIT): criteria and protocol of the clinic's LIT explainer (9M Fertility LIT explainer). */
import type { ClinicConfig } from "../config.js";
import { addDays } from "../dates.js";
import type { Plan, PlanOptions, ProtocolStep } from "../protocols.js";
import type { PatientRecord } from "../record.js";
import { CITATIONS } from "../sources.js";
import { allergy, immuneFinding, screen, type RuleContext, type ScreenReading, type VerdictCore } from "../verdicts.js";
import { immunotherapy, type ProtocolBody } from "./definition.js";

function protocol(config: ClinicConfig): ProtocolBody {
  const n = config.lit.injections;
  const gap = config.lit.intervalWeeks * 7;
  const steps: ProtocolStep[] = [];
  for (let i = 0; i < n; i++)
    steps.push({
      id: `lit-injection-${i + 1}`,
      name: `the ${["first", "second", "third", "fourth", "fifth"][i] ?? `${i + 1}th`} injection`,
      label: `Sensitisation injection ${i + 1} of ${n}: partner's lymphocytes, intradermal, volar forearm (several small sites)`,
      kind: "injection",
      anchor: { kind: "start", offsetDays: i * gap },
      dose: { kind: "fixed", text: "partner mononuclear cells (cell number per the clinic's protocol; published regimens range from 5×10⁶ to 400×10⁶)" },
    });
  const lastId = `lit-injection-${n}`;
  steps.push(
    {
      id: "antibody-check",
      name: "the antibody check",
      label: "Anti-paternal cytotoxic antibody / WBC cross-match check, before the conception cycle",
      kind: "test",
      anchor: { kind: "after-step", step: lastId, offsetDays: config.lit.antibodyCheckWeeksAfter * 7 },
    },
    {
      id: "antibody-decision",
      name: "the antibody review",
      label: "Review the antibody result: response → booster and conception attempt; no response → reconsider with the patient (not continue by default)",
      kind: "decision",
      anchor: { kind: "after-step", step: "antibody-check", offsetDays: 7 },
    },
    {
      id: "booster-preconception",
      name: "the booster",
      label: "Booster injection before the conception attempt",
      kind: "injection",
      anchor: { kind: "after-step", step: "antibody-check", offsetDays: 14 },
    },
    {
      id: "conception-attempt",
      name: "the conception attempt",
      label: "Conception attempt (with progesterone from ovulation and low-dose aspirin as co-interventions)",
      kind: "attempt",
      anchor: { kind: "after-step", step: "booster-preconception", offsetDays: 7 },
    },
    { id: "early-monitoring", label: "Serial β-hCG and early ultrasound", kind: "monitoring", anchor: { kind: "positive-test" } },
    { id: "booster-pregnancy", label: "Optional booster in early pregnancy", kind: "injection", anchor: { kind: "gestational-week", from: 5, to: 7 }, optional: true },
  );
  return {
    name: `LIT: ${n} sensitisation injections ${config.lit.intervalWeeks} weeks apart, antibody check, booster`,
    starts: "before-conception",
    sources: [CITATIONS.source001, CITATIONS.pandey2004, CITATIONS.ijfs2015, CITATIONS.aoki1993],
    steps,
    monitoring: [
      `Anti-paternal antibodies ${config.lit.antibodyCheckWeeksAfter} weeks after the last sensitisation injection (IJFS 2015: the share with a response rose from 2 to 3 injections)`,
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

/** The anti-paternal antibody check after the course decides whether the booster and conception attempt go ahead. */
function followUp(plan: Plan, r: PatientRecord, opts: PlanOptions): void {
  const steps = plan.steps;
  const check = steps.find((s) => s.id === "antibody-check");
  const results = r.followUps
    .filter((f) => f.test === "anti-paternal-antibody" && f.date >= opts.start)
    .sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  const last = results[results.length - 1];
  if (last === undefined) {
    plan.status = "awaiting-result";
    plan.statusNote = `The booster and the conception attempt wait for the anti-paternal antibody check${check?.date !== null && check?.date !== undefined ? ` due ${check.date}` : ""}.`;
  } else if (last.result === "positive") {
    plan.status = "continue";
    plan.statusNote = `Antibody response present on ${last.date}: booster before the conception attempt.`;
    const booster = steps.find((s) => s.id === "booster-preconception");
    if (booster !== undefined && booster.date !== null && booster.date < last.date) {
      booster.date = addDays(last.date, 7);
      const attempt = steps.find((s) => s.id === "conception-attempt");
      if (attempt !== undefined) attempt.date = addDays(booster.date, 7);
    }
    if (check !== undefined) check.status = "completed";
  } else {
    plan.status = "reconsider";
    plan.statusNote = `No antibody response on ${last.date}: reconsider with the patient whether to continue (a further injection and re-test, or stop). The booster and conception attempt are on hold; the plan does not continue by default.`;
    if (check !== undefined) check.status = "completed";
    for (const s of steps) {
      if (s.id === "booster-preconception" || s.id === "conception-attempt" || s.id === "booster-pregnancy") {
        s.status = "on-hold";
        s.note = "on hold after a negative antibody check";
      }
    }
  }
}

/** The ANA finding as context: the LIT trial of ANA-positive women found a smaller improvement. */
function refine(v: VerdictCore, ctx: RuleContext): VerdictCore {
  const ana = ctx.immune.find((f) => f.marker === "ana");
  if (ana !== undefined && ana.status === "abnormal" && (v.status === "protocol-eligible" || v.status === "premature")) {
    const f = immuneFinding(ana, "context");
    f.source = CITATIONS.dashti2025.label;
    f.reading += `; in the LIT trial of ANA-positive women (${CITATIONS.dashti2025.label}) the abstract reports better outcomes with LIT, less so than in ANA-negative women (the direction only: no counts or confidence intervals, so not shown to be a benefit)`;
    v.findings.push(f);
  }
  return v;
}

/** HIV and hepatitis C tests have no "immune" result; a treated infection in the donor is still one. */
const NO_IMMUNE_RESULT: ScreenReading = { treated: "problem", immune: "unknown" };

export const lit = immunotherapy("lit", {
  safetyChecks: (c) => [
    screen("partner-hiv", "Partner's HIV status (lymphocyte donor)", c.r.partner.hiv, "contraindication", "partner HIV positive: do not use his cells", CITATIONS.decidua, NO_IMMUNE_RESULT),
    screen("partner-hbv", "Partner's hepatitis B status", c.r.partner.hepatitisB, "contraindication", "partner hepatitis B positive: do not use his cells"),
    screen("partner-hcv", "Partner's hepatitis C status", c.r.partner.hepatitisC, "contraindication", "partner hepatitis C positive: do not use his cells", CITATIONS.decidua, NO_IMMUNE_RESULT),
    // the partner's lymphocytes are a blood product: a previous reaction to one rules LIT out, as it does IVIG
    allergy(c, ["blood-products"], "Reactions to blood products", "contraindication", "previous reaction to blood products: LIT injects the partner's blood cells"),
    { id: "transfusion-risks", label: "Transfusion-type risks", status: "ok", severity: "caution", detail: "discuss infection transmission and alloimmunisation (judged low, Kling 2006); Ober 1999 found more losses after LIT", source: CITATIONS.kling2006.label },
  ],
  coInterventions: [
    { therapy: "progesterone", label: "Progesterone from ovulation", note: "Luteal support within the broader protocol (9M Fertility LIT explainer)" },
    { therapy: "lmwh-aspirin", label: "Low-dose aspirin", note: "Aspirin alone, not heparin, within the broader protocol (9M Fertility LIT explainer)" },
    { label: "Early pregnancy monitoring", note: "Serial β-hCG and early ultrasound (9M Fertility LIT explainer)" },
  ],
  selection: {
    minLosses: 3,
    lossScope: "first-trimester",
    lossSource: CITATIONS.source001,
    allowRif: true,
    markers: ["peripheralNk", "nkCytotoxicity", "uterineNk", "th1Th2Ratio", "tnfIl10Ratio", "antiPaternalAntibodies"],
    markerSource: CITATIONS.source001,
    treats: [],
    criteria: "the LIT protocol of the 9M Fertility LIT explainer (≥3 unexplained first-trimester losses or RIF with good-quality embryos, causes excluded, an immune finding)",
    guidelineCaveat:
      "Guidelines advise against LIT outside research: ESHRE advises against LIT for RPL (position as reported; Decidua has not verified its wording) and the FDA allows it only as an investigational treatment under an IND (verified); Choosing Wisely Canada 2022 also advises against it.",
  },
  refine,
  protocol,
  followUp,
  evidenceSubgroups: ["nk-elevated", "ana-positive", "ana-negative", "recurrent-implantation-failure", "secondary-rpl", "primary-rpl"],
});
