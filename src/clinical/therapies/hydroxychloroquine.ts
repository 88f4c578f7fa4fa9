/** Hydroxychloroquine: refractory obstetric APS (ACR 2020); outside APS, the HCQ RCT in unexplained recurrent miscarriage. */
import type { Protocol } from "../protocols.js";
import { CITATIONS, GUIDELINE_POSITIONS } from "../sources.js";
import { blockingSafety, causeFinding, cited, egfrCheck, pendingSafetyTests, positionText, flag, immunotherapyVerdict, RESEARCH_MEANING, safetyVerdict, verdict, type RuleContext, type VerdictCore, type VerdictFinding } from "../verdicts.js";
import { therapyLabels, type TherapyDefinition } from "./definition.js";

const PROTOCOL: Protocol = {
  therapy: "hydroxychloroquine",
  name: "Hydroxychloroquine 200 mg twice daily from before conception",
  starts: "before-conception",
  sources: [CITATIONS.hcqRct, CITATIONS.acr2020],
  steps: [{ id: "hcq-start", label: "Hydroxychloroquine from before conception", kind: "medication", anchor: { kind: "start", offsetDays: 0 }, dose: { kind: "fixed", text: "200 mg orally twice daily" } }],
  monitoring: ["Baseline eye examination", "Liver and kidney function"],
  stopRules: ["Visual symptoms or rash: stop and review"],
  continueRules: ["In APS: continue with LMWH and aspirin through pregnancy"],
  notes: [],
};

function rule(ctx: RuleContext): VerdictCore {
  const { r, dx } = ctx;
  const safetyChecks = hydroxychloroquine.safetyChecks(ctx);
  // APS by the Sydney criteria, or persistent antibodies with three or more losses (ESHRE's heparin + aspirin
  // population): not unexplained RPL, so never the trial of unexplained RPL below
  const apsCause = dx.causes.find((c) => c.id === "aps");
  if (apsCause !== undefined) {
    const blocking = blockingSafety(safetyChecks);
    const base = { safetyChecks, coInterventions: [{ therapy: "lmwh-aspirin" as const, label: "LMWH + low-dose aspirin", note: "HCQ is added to, not substituted for, standard APS treatment" }], criteriaSource: ["ACR 2020 (refractory obstetric APS)"] };
    const aps = causeFinding(apsCause);
    aps.role = "supports";
    if (blocking.length > 0) return safetyVerdict(hydroxychloroquine, base, blocking);
    const untested = pendingSafetyTests(safetyChecks);
    const refractory = r.losses.filter((l) => l.treatedWith.includes("lmwh-aspirin"));
    if (refractory.length > 0) {
      const f: VerdictFinding = { id: "refractory-aps", label: "Loss despite LMWH + aspirin", value: refractory.length, unit: "losses", cutOff: "≥ 1", source: CITATIONS.acr2020.label, role: "supports", reading: `${refractory.length} loss(es) on LMWH + low-dose aspirin${dx.aps.met ? " (refractory obstetric APS)" : ""}` };
      if (untested.length > 0) {
        // a test that can make it harmful (G6PD, the eye examination) is not done yet: that test is the next step
        const pending = `safety test${untested.length === 1 ? "" : "s"} before starting: ${untested.map((m) => m.label).join(", ")}`;
        const context = dx.aps.met ? `obstetric APS with ${refractory.length} loss(es) despite LMWH + aspirin (ACR 2020's refractory position)` : `persistent antiphospholipid antibodies with ${refractory.length} loss(es) despite LMWH + aspirin`;
        const reasons = [`Pending before starting, for ${context}: ${untested.map((m) => `${m.label} (${m.detail})`).join("; ")}.`];
        return verdict(hydroxychloroquine, "premature", "investigation-pending", `${pending}; for ${context}`, base, { reasons, unmet: [`Safety tests before starting, not recorded: ${untested.map((m) => m.label).join("; ")}.`], findings: [aps, f], missing: untested });
      }
      if (dx.aps.met) {
        const reasons = [`Obstetric APS with ${refractory.length} loss(es) despite LMWH + aspirin: ${positionText(GUIDELINE_POSITIONS.acrRefractoryHcq)}.`];
        return verdict(hydroxychloroquine, "recommended", "guideline-supported", reasons[0]!, base, { reasons, unmet: [], findings: [aps, f], missing: [], citedGuidelines: cited(0, GUIDELINE_POSITIONS.acrRefractoryHcq) });
      }
      // laboratory APS: ACR's position is for refractory obstetric APS
      const reasons = [
        `Persistent antiphospholipid antibodies with ${refractory.length} loss(es) despite LMWH + aspirin, short of obstetric APS (the Sydney clinical criterion is not met): ACR 2020's position on hydroxychloroquine is for refractory obstetric APS, so it does not speak for her.`,
        `${positionText(GUIDELINE_POSITIONS.acrRefractoryHcq)}.`,
      ];
      return verdict(hydroxychloroquine, "protocol-eligible", "criteria-met", reasons[0]!, base, { reasons, unmet: ["Obstetric APS (Sydney clinical criterion), the population of ACR 2020's position"], findings: [aps, f], missing: [], researchNote: `${reasons[0]} ${RESEARCH_MEANING}`, citedGuidelines: cited(1, GUIDELINE_POSITIONS.acrRefractoryHcq) });
    }
    const reasons = ["APS without a loss on standard treatment: LMWH + low-dose aspirin first; hydroxychloroquine is considered when APS proves refractory (ACR 2020)."];
    return verdict(hydroxychloroquine, "not-indicated", "guideline-not-supported", reasons[0]!, base, { reasons, unmet: [], findings: [aps], missing: [] });
  }
  // persistent antiphospholipid antibodies short of APS: the RCT in unexplained recurrent miscarriage excluded an
  // antiphospholipid cause, so her history is not the one it selects (heparin + aspirin is the question for her)
  if (dx.aps.laboratory === "persistent") {
    const reasons = [`Not indicated: ${CITATIONS.hcqRct.label} enrolled women with no antiphospholipid cause; persistent antiphospholipid antibodies are recorded (heparin + aspirin is the question for her, on its own line).`];
    const f: VerdictFinding = { id: "antiphospholipid", label: "Antiphospholipid antibodies", value: "persistent", unit: null, cutOff: "none (trial exclusion)", source: CITATIONS.hcqRct.label, role: "against", reading: "Persistent antiphospholipid antibodies: excluded from the HCQ RCT in unexplained recurrent miscarriage" };
    return verdict(hydroxychloroquine, "not-indicated", "pattern-mismatch", reasons[0]!, { safetyChecks, coInterventions: [], criteriaSource: [CITATIONS.hcqRct.label] }, { reasons, unmet: ["No antiphospholipid cause (the trial's exclusion)"], findings: [f], missing: [] });
  }
  return immunotherapyVerdict(ctx, hydroxychloroquine, {
    // Ibrahim 2025 enrolled women aged 20 to 40 with 2 or more unexplained miscarriages (data/trials.json)
    minLosses: 2,
    lossScope: "any",
    lossSource: CITATIONS.hcqRct,
    ageRange: { min: 20, max: 40, source: CITATIONS.hcqRct },
    allowRif: false,
    markers: null,
    treats: ["aps"],
    criteria: "the HCQ RCT in unexplained recurrent miscarriage (200 mg twice daily before conception)",
    guidelineCaveat: "No guideline recommends hydroxychloroquine for unexplained RPL.",
    noBenefitInSelection: "The RCT in unexplained recurrent miscarriage (the population this protocol selects) found no significant difference in ongoing pregnancy (figures in the evidence block).",
  });
}

export const hydroxychloroquine: TherapyDefinition = {
  ...therapyLabels("hydroxychloroquine"),
  applicableStatuses: ["recommended", "protocol-eligible", "premature", "not-indicated", "contraindicated"],
  safetyChecks: (c) => {
    const s = c.r.safety;
    return [
      // the protocol excludes retinopathy and G6PD deficiency (REFERENCE §4): both are found by a test, named while pending
      flag("retinopathy", "Retinopathy", s.retinopathy, "contraindication", "pre-existing retinopathy", CITATIONS.decidua, "Baseline eye examination (retinopathy)"),
      flag("g6pd", "G6PD deficiency", s.g6pdDeficiency, "contraindication", "risk of haemolysis", CITATIONS.decidua, "G6PD activity test"),
      flag("porphyria", "Porphyria", s.porphyria, "contraindication", "porphyria"),
      flag("liver", "Liver disease", s.liverDisease, "contraindication", "liver failure"),
      flag("psoriasis", "Psoriasis", s.psoriasis, "contraindication", "may worsen psoriasis"),
      egfrCheck(c, 30, "contraindication", "kidney failure"),
    ];
  },
  coInterventions: [],
  verdict: rule,
  protocol: () => PROTOCOL,
  evidenceSubgroups: ["apl-positive", "ana-positive"],
};
