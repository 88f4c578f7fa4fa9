/** Heparin (LMWH) + low-dose aspirin: APS (ESHRE 2017, ACR 2020); hereditary thrombophilia (ESHRE 2017, ALIFE2). */
import { aplPositives } from "../diagnosis.js";
import type { Protocol } from "../protocols.js";
import { CITATIONS, GUIDELINE_POSITIONS, type GuidelinePosition } from "../sources.js";
import { ASPIRIN_NAMES, LMWH_NAMES, medicationText, ORAL_ANTICOAGULANT } from "../medications.js";
import { allergy, blockingSafety, causeFinding, egfrCheck, cited, ectopicPregnancyFinding, flag, guidelineSupport, lossFinding, positionText, RESEARCH_MEANING, safetyVerdict, verdict, type BaseParts, type RuleContext, type SafetyCheck, type VerdictCore, type VerdictFinding } from "../verdicts.js";
import { therapyLabels, type TherapyDefinition } from "./definition.js";

const PROTOCOL: Protocol = {
  therapy: "lmwh-aspirin",
  name: "Low-dose aspirin before conception and prophylactic LMWH from the positive test to 6 weeks post partum",
  starts: "either",
  sources: [CITATIONS.eshre2017, CITATIONS.acr2020],
  steps: [
    { id: "lda-start", name: "the start of aspirin", label: "Low-dose aspirin daily, from before conception", kind: "medication", anchor: { kind: "start", offsetDays: 0 }, dose: { kind: "fixed", text: "75–100 mg orally once daily" } },
    {
      id: "lmwh-start",
      name: "the start of LMWH",
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

/**
 * In an ectopic current pregnancy the APS regimen has nothing to carry: it is given so that an intrauterine pregnancy
 * goes on, and the ectopic pregnancy needs its own management first. The indication found stands for the next
 * pregnancy, and the verdict says so (hazard H54).
 */
function rule(ctx: RuleContext): VerdictCore {
  const v = ectopicRule(ctx, apsRule(ctx));
  return ctx.dx.aps.thrombotic ? thromboticAps(ctx, v) : v;
}

/**
 * Thrombotic APS (a previous vascular thrombosis with persistent antibodies: the Sydney criteria's vascular clinical
 * criterion, Miyakis 2006): anticoagulation in pregnancy is needed for the thrombosis itself, at an agent and dose this
 * obstetric protocol (prophylactic LMWH) does not set. Never "not indicated"; where the obstetric verdict found no
 * indication, the pending step is the haematology plan (hazard H75).
 */
function thromboticAps(ctx: RuleContext, v: VerdictCore): VerdictCore {
  if (v.status === "contraindicated") return v;
  const { dx } = ctx;
  const reading = `Thrombotic APS: a previous thrombosis with persistent antiphospholipid antibodies (${aplPositives(dx.aps).join("; ")}), the Sydney criteria's vascular clinical criterion (Miyakis 2006)`;
  const finding: VerdictFinding = { id: "thrombotic-aps", label: "Previous thrombosis with persistent antiphospholipid antibodies", value: "thrombotic APS", unit: null, cutOff: "vascular thrombosis + Sydney laboratory criterion", source: CITATIONS.miyakis2006.label, role: "supports", reading };
  const plan = "anticoagulation in pregnancy is needed for the thrombosis itself; its agent and dose (which may be higher than this protocol's prophylactic LMWH) are to be set with haematology";
  const reason = `${reading}: ${plan}.`;
  if (v.status === "recommended" || v.status === "protocol-eligible" || v.reasonKind === "timing-mismatch") {
    v.reasons.push(reason);
    v.findings.push(finding);
    v.headline += `; thrombotic APS too: ${plan}`;
    return v;
  }
  const base: BaseParts = { safetyChecks: v.safetyChecks, coInterventions: v.coInterventions, criteriaSource: v.criteriaSource };
  const reasons = [reason, ...v.reasons.map((x) => `For the pregnancy losses alone: ${x}`)];
  return verdict(lmwhAspirin, "premature", "investigation-pending", `thrombotic APS (previous thrombosis, persistent antiphospholipid antibodies): ${plan}`, base, {
    reasons,
    unmet: [],
    findings: [finding, ...v.findings],
    missing: [{ id: "thrombotic-aps-anticoagulation", label: "Haematology plan for anticoagulation in pregnancy (thrombotic APS)", detail: reading }, ...v.missing],
  });
}

function ectopicRule(ctx: RuleContext, v: VerdictCore): VerdictCore {
  if (ctx.r.currentPregnancy?.location !== "ectopic" || (v.status !== "recommended" && v.status !== "protocol-eligible")) return v;
  const reason = `The current pregnancy is ectopic: heparin and aspirin are given to carry an intrauterine pregnancy, so they do not apply to this one, whose own management comes first.`;
  const reasons = [reason, `For the next pregnancy, the indication stands: ${v.headline.slice(v.headline.indexOf(" — ") + 3)}.`, ...v.reasons];
  const current = ectopicPregnancyFinding("ESHRE 2017 and ACR 2020 (APS regimens are given in an intrauterine pregnancy)", reason);
  const base: BaseParts = { safetyChecks: v.safetyChecks, coInterventions: v.coInterventions, criteriaSource: v.criteriaSource };
  const citedGuidelines = v.citedGuidelines?.map((g) => ({ ...g, reason: g.reason + 2 }));
  return verdict(lmwhAspirin, "not-indicated", "timing-mismatch", reason, base, { reasons, unmet: v.unmet, findings: [current, ...v.findings], missing: v.missing, ...(citedGuidelines !== undefined ? { citedGuidelines } : {}) });
}

/**
 * An APS verdict from the guideline positions that cover this patient: every one cited in the second reason;
 * `recommended` when those the status rests on (`support`, default all) give guideline support (guidelineSupport,
 * H47), otherwise `protocol-eligible` with the reason why not.
 */
function positionedVerdict(ctx: RuleContext, base: BaseParts, what: string, reason: string, findings: VerdictFinding[], positions: readonly GuidelinePosition[], support: readonly GuidelinePosition[] = positions): VerdictCore {
  const reasons = [reason, positions.map((g) => `${positionText(g)}.`).join(" ")];
  const parts = { reasons, unmet: [], findings, missing: [], citedGuidelines: cited(1, ...positions) };
  const s = guidelineSupport(ctx, lmwhAspirin.id, support);
  if (s.note === null) return verdict(lmwhAspirin, "recommended", "guideline-supported", `${what}: guideline-supported (${support.map((g) => `${g.body} ${g.year ?? ""}`.trim()).join(", ")})`, base, parts);
  reasons.push(s.note);
  return verdict(lmwhAspirin, "protocol-eligible", "criteria-met", `${what}: ${s.note}`, base, { ...parts, researchNote: `${s.note} ${RESEARCH_MEANING}` });
}

function apsRule(ctx: RuleContext): VerdictCore {
  const { dx } = ctx;
  const def = lmwhAspirin;
  const safetyChecks = def.safetyChecks(ctx);
  const base: BaseParts = { safetyChecks, coInterventions: [], criteriaSource: ["ESHRE 2017 and ACR 2020 (APS)", "ESHRE 2017 (hereditary thrombophilia)"] };
  const blocking = blockingSafety(safetyChecks);
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
  if (blocking.length > 0) {
    const v = safetyVerdict(def, base, blocking);
    // an allergy to one of the two drugs rules out that drug: the indication, when there is one, is still named
    const ids = new Set(blocking.map((b) => b.id));
    const one = ids.size === 1 && (ids.has("allergy-heparin") || ids.has("allergy-aspirin")) ? (ids.has("allergy-heparin") ? { out: "heparin", left: "low-dose aspirin" } : { out: "aspirin", left: "heparin (LMWH)" }) : null;
    if (dx.aps.laboratory === "persistent") {
      v.findings.push(aplFinding);
      v.reasons.push(
        `The indication is not what rules this out: ${aplFinding.reading}${dx.aps.met ? " (antiphospholipid syndrome)" : ""}.${one !== null ? ` The allergy rules out ${one.out}, not ${one.left}: ${one.left} on its own is a decision for the specialist.` : ""}`,
      );
      // the headline is the first reason, a sentence: its full stop gives way to the clause that continues it
      v.headline = `${v.headline.replace(/\.$/, "")}; the antiphospholipid indication stands${one !== null ? `: ${one.left} on its own is for the specialist` : ""}${dx.aps.thrombotic ? "; the thrombosis still needs anticoagulation, set with haematology" : ""}`;
    }
    return v;
  }
  if (dx.aps.laboratory === "persistent") {
    const lossF = lossFinding("losses", "Pregnancy losses before 24 weeks", dx.lossCount, 3, CITATIONS.eshre2017, "supports");
    // ESHRE's position covers laboratory APS with three or more losses, whether or not the losses also meet the Sydney
    // clinical criterion (consecutive, before 10 weeks)
    if (dx.lossCount >= 3) {
      const reason = dx.aps.met
        ? `Antiphospholipid syndrome (Sydney criteria): ${aplPositives(dx.aps).join("; ")}; ${dx.aps.clinical.criteria.join("; ")}.`
        : `Persistent antiphospholipid antibodies (Sydney laboratory criteria): ${aplPositives(dx.aps).join("; ")}, with ${dx.lossCount} losses before 24 weeks (the Sydney clinical criterion is not met: ${dx.aps.clinical.note ?? "the losses are not three consecutive ones before 10 weeks and none is a recorded fetal death from 10 weeks"}).`;
      // ACR's position is on obstetric APS (the clinical criteria met): it speaks for her only then
      const positions = dx.aps.met ? [GUIDELINE_POSITIONS.eshreAps3, GUIDELINE_POSITIONS.acrApsStandard] : [GUIDELINE_POSITIONS.eshreAps3];
      return positionedVerdict(ctx, base, `${dx.aps.met ? "APS" : "laboratory APS"} with ${dx.lossCount} losses`, reason, [aplFinding, lossF], positions);
    }
    if (dx.aps.met && dx.aps.clinical.criteria.some((c) => !c.includes("consecutive"))) {
      // obstetric APS by a later criterion (a fetal death from 10 weeks, a preterm birth for pre-eclampsia or placental
      // insufficiency), with fewer than three losses: ESHRE's position is on APS with three or more losses and does
      // not speak for her; the position that does is ACR's on obstetric APS
      const criterion = dx.aps.clinical.criteria.filter((c) => !c.includes("consecutive")).join("; ");
      lossF.role = "context";
      // with two losses ESHRE's two-loss position speaks for her too, beside ACR's (conflicts side by side)
      const positions = dx.lossCount === 2 ? [GUIDELINE_POSITIONS.acrApsStandard, GUIDELINE_POSITIONS.eshreAps2] : [GUIDELINE_POSITIONS.acrApsStandard];
      // the status rests on ACR's position; ESHRE's two-loss point is cited beside it
      return positionedVerdict(ctx, base, `obstetric APS (${criterion})`, `Antiphospholipid syndrome (Sydney criteria): ${aplPositives(dx.aps).join("; ")}; ${criterion}.`, [aplFinding, lossF], positions, [GUIDELINE_POSITIONS.acrApsStandard]);
    }
    lossF.role = "context";
    if (dx.lossCount >= 2 && dx.aps.clinical.mechanismPending.length > 0) {
      const reasons = [`Persistent antiphospholipid antibodies; whether the clinical criterion is met depends on how a later loss ended: ${dx.aps.clinical.mechanismPending.join("; ")}.`];
      return verdict(def, "premature", "investigation-pending", reasons[0]!, base, {
        reasons,
        unmet: [],
        findings: [aplFinding, lossF],
        missing: [{ id: "loss-mechanism", label: "Mechanism of the loss at 10 weeks or later", detail: dx.aps.clinical.mechanismPending.join("; ") }],
      });
    }
    if (dx.lossCount < 2) {
      const reasons = [`Persistent antiphospholipid antibodies with ${dx.lossCount} loss(es): not obstetric APS and not RPL; no pregnancy treatment is indicated on these grounds (thromboprophylaxis is a separate decision).`];
      return verdict(def, "not-indicated", "pattern-mismatch", reasons[0]!, base, { reasons, unmet: [], findings: [aplFinding, lossF], missing: [] });
    }
    const reasons = [
      `Persistent antiphospholipid antibodies (${aplPositives(dx.aps).join("; ")}) with ${dx.lossCount} loss(es), short of the clinical criteria for APS with three or more losses.`,
      `${positionText(GUIDELINE_POSITIONS.eshreAps2)}.`,
    ];
    const parts = { reasons, unmet: ["Three or more losses (ESHRE 2017 population for heparin + aspirin in APS)"], findings: [aplFinding, lossF], missing: [], citedGuidelines: cited(1, GUIDELINE_POSITIONS.eshreAps2) };
    // a published version whose position on APS with two losses is verified and in favour makes this recommended
    const support = guidelineSupport(ctx, def.id, [GUIDELINE_POSITIONS.eshreAps2]);
    if (support.recommended) {
      reasons[1] = support.positions.map((g) => `${g.statement.replace(/\.$/, "")} (${g.body}${g.year !== undefined ? ` ${g.year}` : ""}, ${g.strength ?? ""}).`).join(" ");
      return verdict(def, "recommended", "guideline-supported", reasons[0]!, base, { ...parts, unmet: [] });
    }
    return verdict(def, "protocol-eligible", "criteria-met", reasons[0]!, base, { ...parts, researchNote: `${reasons[1]} ${RESEARCH_MEANING}` });
  }
  if (dx.lossCount < 2) {
    const reasons = [`${dx.lossCount} loss(es) and no persistent antiphospholipid antibodies: not recurrent pregnancy loss, nothing for heparin and aspirin to treat.`];
    return verdict(def, "not-indicated", "pattern-mismatch", reasons[0]!, base, { reasons, unmet: [], findings: [aplFinding, lossFinding("losses", "Pregnancy losses before 24 weeks", dx.lossCount, 2, CITATIONS.eshreRplDefinition, "against")], missing: [] });
  }
  if (dx.aps.laboratory === "not-tested" || aplItem.status === "incomplete" || aplItem.status === "missing") {
    const conflict = dx.aps.conflict;
    const reasons = [
      conflict !== undefined
        ? `Two antiphospholipid panels on ${conflict.date} disagree (${conflict.antibodies.join(", ")}): neither result is used; repeat the panel before APS treatment is decided.`
        : dx.aps.laboratory === "single-positive"
          ? `A positive antiphospholipid result needs confirmation 12 weeks later (on or after ${dx.aps.repeatDueFrom}) before APS treatment is decided.`
          : `Antiphospholipid testing is ${aplItem.status}: ${aplItem.detail}.`,
    ];
    const id = conflict !== undefined ? "antiphospholipid-conflict" : dx.aps.laboratory === "single-positive" ? "antiphospholipid-repeat" : "antiphospholipid";
    return verdict(def, "premature", conflict !== undefined ? "conflicting-results" : "investigation-pending", reasons[0]!, base, { reasons, unmet: [], findings: [aplFinding], missing: [{ id, label: aplItem.label, detail: aplItem.detail }] });
  }
  const untreated = dx.causes.filter((c) => c.id === "uterine-anomaly" || c.id === "parental-chromosomal");
  if (untreated.length > 0) {
    const reasons = untreated.map((c) => `The losses have an explanation heparin and aspirin do not treat: ${c.label.toLowerCase()} (${c.detail}).`);
    return verdict(def, "not-indicated", "explained-by-other-cause", reasons[0]!, base, { reasons, unmet: [], findings: [aplFinding, ...untreated.map(causeFinding)], missing: [] });
  }
  const thrombo = dx.causes.find((c) => c.id === "hereditary-thrombophilia");
  if (thrombo !== undefined) {
    const f = causeFinding(thrombo);
    f.role = "context";
    f.source = CITATIONS.eshre2017.label;
    const reasons = [
      `Hereditary thrombophilia (${thrombo.detail}): ${positionText(GUIDELINE_POSITIONS.eshreThrombophilia)}. ALIFE2 found no benefit (figures in the evidence block).`,
      "Thromboprophylaxis for venous thromboembolism risk is a separate decision.",
    ];
    return verdict(def, "not-indicated", "guideline-not-supported", reasons[0]!, base, { reasons, unmet: [], findings: [aplFinding, f], missing: [], citedGuidelines: cited(0, GUIDELINE_POSITIONS.eshreThrombophilia) });
  }
  const reasons = [
    "No antiphospholipid syndrome: heparin/aspirin did not improve live birth in unexplained RPL (ESHRE advises against it; wording unverified). Low-dose aspirin may still appear as a co-intervention in an immunotherapy protocol.",
  ];
  return verdict(def, "not-indicated", "guideline-not-supported", reasons[0]!, base, { reasons, unmet: [], findings: [aplFinding], missing: [] });
}

/**
 * An oral anticoagulant already taken: heparin and aspirin on top of it raise the bleeding risk, and in pregnancy a
 * vitamin K antagonist is replaced by heparin (warfarin embryopathy): a caution for the specialist (a Decidua rule, to
 * be confirmed against the product information).
 */
function oralAnticoagulantCheck(c: Pick<RuleContext, "r">): SafetyCheck {
  const hit = c.r.medications.filter((m) => ORAL_ANTICOAGULANT.test(m.name));
  const base = { id: "oral-anticoagulant", label: "Oral anticoagulant", severity: "caution" as const, source: CITATIONS.decidua.label };
  if (hit.length === 0) return { ...base, status: c.r.medicationsRecorded ? "ok" : "unknown", detail: c.r.medicationsRecorded ? "none recorded" : "medications not recorded" };
  const pregnant = c.r.currentPregnancy !== undefined;
  return {
    ...base,
    status: "problem",
    detail: `${hit.map((m) => m.name).join(", ")} recorded: heparin and aspirin on top of it raise the bleeding risk${pregnant ? "; in pregnancy a vitamin K antagonist is replaced by heparin (warfarin embryopathy): now" : ""}; for the specialist`,
  };
}

/**
 * The cautions that change this protocol's prophylactic dose, on the verdict's line and beside the plan's LMWH step:
 * an oral anticoagulant already taken; severe renal impairment (enoxaparin is cleared by the kidneys: a Decidua rule,
 * to be confirmed against the product information; H80); a previous thrombosis, whose anticoagulation is a decision
 * of its own (H75).
 */
function doseCautions(c: Pick<RuleContext, "r">): SafetyCheck[] {
  return [
    oralAnticoagulantCheck(c),
    egfrCheck(c, 30, "caution", "LMWH accumulates in severe renal impairment: adjust the dose (or use unfractionated heparin) with anti-Xa monitoring"),
    flag("thrombosis", "Previous thrombosis", c.r.safety.thrombosisHistory, "caution", "anticoagulation in pregnancy (agent and dose) to be planned with haematology; this protocol's prophylactic dose may not be enough"),
  ];
}

export const lmwhAspirin: TherapyDefinition = {
  ...therapyLabels("lmwh-aspirin"),
  applicableStatuses: ["recommended", "protocol-eligible", "premature", "not-indicated", "contraindicated"],
  safetyChecks: (c) => [
    flag("bleeding-disorder", "Bleeding disorder", c.r.safety.bleedingDisorder, "contraindication", "bleeding disorder"),
    allergy(c, ["heparin"], "Heparin allergy or heparin-induced thrombocytopenia", "contraindication", "heparin allergy"),
    allergy(c, ["aspirin"], "Aspirin allergy", "contraindication", "aspirin allergy"),
    ...doseCautions(c),
  ],
  coInterventions: [],
  verdict: rule,
  protocol: () => PROTOCOL,
  // the plan says what the verdict says of the dose: a thrombosis (or thrombotic APS) sets its own, and severe renal
  // impairment changes the prophylactic one (H75, H80)
  followUp: (plan, r) => {
    const lmwh = plan.steps.find((s) => s.id === "lmwh-start");
    if (lmwh === undefined) return;
    // a drug of the plan she already takes is continued, not started again (a second prescription of the same drug)
    const taken = (re: RegExp) => r.medications.filter((m) => re.test(m.name)).map((m) => medicationText(m, true));
    for (const [id, re] of [["lmwh-start", LMWH_NAMES], ["lda-start", ASPIRIN_NAMES]] as const) {
      const step = plan.steps.find((s) => s.id === id);
      const already = taken(re);
      if (step === undefined || already.length === 0) continue;
      const note = `already taken (${already.join(", ")}): continue it at the protocol's dose, not a second prescription`;
      step.note = [step.note, note].filter((x) => x !== undefined).join("; ");
      plan.notes = [...plan.notes, `${id === "lmwh-start" ? "LMWH" : "Aspirin"}: ${note}.`];
    }
    // the verdict's own cautions on the dose decide the notes (an eGFR from a creatinine included), in the plan's words
    const oral = r.medications.find((m) => ORAL_ANTICOAGULANT.test(m.name));
    const planNote: Record<string, (c: SafetyCheck) => string> = {
      thrombosis: () => "a previous thrombosis is recorded: the anticoagulant and its dose in pregnancy are set with haematology (the 40 mg here is the obstetric APS prophylaxis, which may not be enough)",
      "kidney-function": (c) => c.detail,
      "oral-anticoagulant": () => `${oral?.name ?? "an oral anticoagulant"} is recorded: not given with this regimen unless the specialist decides (in pregnancy it is replaced by heparin)`,
    };
    const order = ["thrombosis", "kidney-function", "oral-anticoagulant"];
    const notes = doseCautions({ r })
      .filter((c) => c.status === "problem")
      .sort((a, b) => order.indexOf(a.id) - order.indexOf(b.id))
      .map((c) => planNote[c.id]!(c));
    if (notes.length === 0) return;
    lmwh.note = [lmwh.note, ...notes].filter((x) => x !== undefined).join("; ");
    plan.notes = [...plan.notes, ...notes.map((n) => `LMWH: ${n}.`)];
  },
  evidenceSubgroups: ["apl-positive"],
};
