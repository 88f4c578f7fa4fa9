/** Tacrolimus: the tacrolimus RCT (Liu 2023) criteria and weight-based regimen. */
import { CITATIONS } from "../sources.js";
import { allergy, egfrCheck, flag, hepatitisBReactivationCheck, infectionCheck, medicationsCheck, tbCheck } from "../verdicts.js";
import { immunotherapy, type ProtocolBody } from "./definition.js";

const PROTOCOL: ProtocolBody = {
  name: "Tacrolimus 0.05–0.1 mg/kg/day from the end of menses to the next menses or to 10 weeks of pregnancy (Liu 2023)",
  starts: "before-conception",
  sources: [CITATIONS.zhao2023tacrolimus],
  steps: [
    {
      id: "tacrolimus-start",
      name: "the start of tacrolimus",
      label: "Start tacrolimus at the end of menses",
      kind: "medication",
      anchor: { kind: "start", offsetDays: 0 },
      dose: { kind: "per-kg", min: 0.05, max: 0.1, unit: "mg", per: "day", strengths: "tacrolimusMg", text: "orally, in two divided doses" },
    },
    { id: "tacrolimus-stop-no-pregnancy", label: "If not pregnant: stop at the start of the next menses (then restart after it ends)", kind: "decision", anchor: { kind: "text", text: "next menses" } },
    { id: "tacrolimus-stop-pregnancy", label: "If pregnant: continue to 10 weeks of gestation, then stop", kind: "medication", anchor: { kind: "gestational-week", from: 10 } },
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

export const tacrolimus = immunotherapy("tacrolimus", {
  safetyChecks: (c) => [
    egfrCheck(c, 60, "contraindication", "tacrolimus is nephrotoxic"),
    infectionCheck(c),
    tbCheck(c, "tacrolimus"),
    hepatitisBReactivationCheck(c, "tacrolimus"),
    medicationsCheck(c, "tacrolimus is metabolised by CYP3A4: check every current medication for interactions"),
    flag("diabetes", "Diabetes", c.r.safety.diabetes, "caution", "tacrolimus raises blood glucose: monitor closely"),
    flag("hypertension", "Hypertension", c.r.safety.hypertension, "caution", "tacrolimus raises blood pressure: monitor closely"),
    allergy(c, ["tacrolimus"], "Tacrolimus hypersensitivity", "contraindication", "known hypersensitivity"),
  ],
  coInterventions: [{ label: "Basic therapy of the trial", note: "Both arms of Liu 2023 received the trial's basic therapy; tacrolimus was added to it" }],
  selection: {
    minLosses: 3,
    lossScope: "any",
    lossSource: CITATIONS.zhao2023tacrolimus,
    allowRif: false,
    markers: ["th1Th2Ratio", "il33", "sst2"],
    markerSource: CITATIONS.zhao2023tacrolimus,
    treats: [],
    criteria: "the tacrolimus RCT of Liu 2023 (≥3 serial losses with raised IL-33/sST2 or Th1/Th2)",
    guidelineCaveat: "No guideline recommends tacrolimus for RPL (ESHRE makes no recommendation); the evidence is one RCT.",
  },
  protocol: PROTOCOL,
  evidenceSubgroups: ["il33-sst2-elevated", "th1-th2-elevated", "recurrent-implantation-failure"],
  // Liu 2023 dosed by weight with no cap; at a high weight even its lowest dose exceeds every dose the RPL studies
  // report (Nakagawa's 1–4 mg/day), which the plan says beside the dose
  followUp: (plan) => {
    const step = plan.steps.find((s) => s.id === "tacrolimus-start");
    // the lower end of the range above every dose reported: a weight above 80 kg
    const low = step?.dose?.rounded?.min ?? step?.dose?.computed?.min;
    if (step === undefined || low === undefined || low <= NAKAGAWA_MAX_MG) return;
    const note = `even the lower end of the weight-based dose (${low} mg/day) is above the ${NAKAGAWA_MAX_MG} mg/day that the RPL studies report at most (Nakagawa's 1–4 mg/day by Th1/Th2 ratio; Liu 2023 set no cap): start at the lower end, with trough levels as in transplant practice`;
    step.note = step.note === undefined ? note : `${step.note}; ${note}`;
    plan.notes = [...plan.notes, `Dose: ${note}.`];
  },
});

/** The highest daily dose of tacrolimus the RPL studies in the evidence report (Nakagawa: 1–4 mg/day; REFERENCE §4, unverified). */
const NAKAGAWA_MAX_MG = 4;
