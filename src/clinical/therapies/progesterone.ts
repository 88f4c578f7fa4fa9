/** Progesterone: bleeding in early pregnancy after a previous loss (PRISM); no benefit without bleeding (PROMISE). */
import type { Protocol } from "../protocols.js";
import { CITATIONS } from "../sources.js";
import { allergy, lossFinding, safetyFinding, verdict, withBase, type CoIntervention, type RuleContext, type VerdictCore, type VerdictFinding } from "../verdicts.js";
import type { TherapyDefinition } from "./definition.js";

const PROTOCOL: Protocol = {
  therapy: "progesterone",
  name: "Vaginal micronised progesterone 400 mg twice daily from bleeding to 16 weeks (PRISM)",
  starts: "in-pregnancy",
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

function rule(ctx: RuleContext): VerdictCore {
  const { r, dx } = ctx;
  const def = progesterone;
  const [soy] = def.safetyChecks(ctx) as [ReturnType<typeof allergy>];
  const base = { safetyChecks: [soy], coInterventions: [] as CoIntervention[], criteriaSource: ["PRISM 2019 (bleeding in early pregnancy after miscarriage)", "PROMISE 2015 (no bleeding)"] };
  if (soy.status === "problem") {
    const reasons = [`Safety: ${soy.detail}.`];
    return verdict(def, "contraindicated", withBase(base, { reasons, unmet: [], findings: [safetyFinding(soy)], missing: [] }), reasons[0]!);
  }
  const cp = r.currentPregnancy;
  const lossF = lossFinding("losses", "Previous pregnancy losses", dx.lossCount, 1, CITATIONS.prism2019, dx.lossCount >= 1 ? "supports" : "against");
  if (cp === undefined) {
    const reasons = ["Not pregnant now: progesterone has no proven benefit without bleeding (PROMISE); if bleeding occurs in a future pregnancy after a previous miscarriage, vaginal progesterone becomes the recommended option (PRISM)."];
    return verdict(def, "not-indicated", withBase(base, { reasons, unmet: [], findings: [lossF], missing: [] }), reasons[0]!);
  }
  if (cp.bleeding === undefined) {
    const reasons = ["Pregnant now, but whether there is bleeding is not recorded: the indication depends on it."];
    return verdict(def, "premature", withBase(base, { reasons, unmet: reasons, findings: [lossF], missing: [{ id: "bleeding", label: "Bleeding in the current pregnancy", detail: "record whether there is vaginal bleeding" }] }), reasons[0]!);
  }
  const bleedF: VerdictFinding = { id: "bleeding", label: "Bleeding in the current pregnancy", value: cp.bleeding ? "yes" : "no", unit: null, cutOff: "present", source: CITATIONS.prism2019.label, role: cp.bleeding ? "supports" : "against", reading: `Bleeding in the current pregnancy: ${cp.bleeding ? "yes" : "no"}` };
  if (cp.bleeding && dx.lossCount >= 1) {
    const reasons = [
      `Bleeding in early pregnancy after ${dx.lossCount} previous loss(es): vaginal micronised progesterone 400 mg twice daily to 16 weeks improved live births in PRISM (figures and subgroup in the evidence block).`,
      "Guideline support: NICE NG126 offers it in this situation, and ESHRE 2022 and RCOG 2023 reportedly support it (positions as reported in secondary sources; not yet verified against the guideline text).",
    ];
    return verdict(def, "recommended", withBase(base, { reasons, unmet: [], findings: [bleedF, lossF], missing: [] }), reasons[0]!);
  }
  const reasons = [
    cp.bleeding
      ? "Bleeding without a previous loss: the PRISM benefit was in women with previous miscarriage."
      : "Pregnant without bleeding: progesterone did not improve live births in unexplained recurrent miscarriage without bleeding (PROMISE; figures in the evidence block).",
  ];
  return verdict(def, "not-indicated", withBase(base, { reasons, unmet: [], findings: [bleedF, lossF], missing: [] }), reasons[0]!);
}

export const progesterone: TherapyDefinition = {
  id: "progesterone",
  name: "Progesterone",
  plainName: "progesterone",
  applicableStatuses: ["recommended", "premature", "not-indicated", "contraindicated"],
  safetyChecks: (c) => [allergy(c, ["soy"], "Soy allergy", "contraindication", "micronised progesterone capsules (Utrogestan) contain soya lecithin; consider a product without it")],
  coInterventions: [],
  verdict: rule,
  protocol: () => PROTOCOL,
  evidenceSubgroups: ["bleeding-in-pregnancy"],
};
