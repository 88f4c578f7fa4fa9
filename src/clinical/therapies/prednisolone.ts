/** Prednisolone for raised uterine NK cells (Quenby 2005, Tang 2013). */
import { CITATIONS } from "../sources.js";
import { flag, hepatitisBReactivationCheck, infectionCheck, tbCheck } from "../verdicts.js";
import { immunotherapy, type ProtocolBody } from "./definition.js";

const PROTOCOL: ProtocolBody = {
  name: "Prednisolone 20 mg/day on cycle days 1–21 before conception; in pregnancy 20 mg for 6 weeks then taper (Quenby 2005, Tang 2013)",
  starts: "before-conception",
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

export const prednisolone = immunotherapy("prednisolone", {
  safetyChecks: (c) => [
    flag("diabetes", "Diabetes", c.r.safety.diabetes, "caution", "steroids worsen glucose control; gestational diabetes risk"),
    flag("hypertension", "Hypertension", c.r.safety.hypertension, "caution", "steroids raise blood pressure"),
    tbCheck(c, "prednisolone"),
    hepatitisBReactivationCheck(c, "weeks of a glucocorticoid at 20 mg/day"),
    infectionCheck(c),
  ],
  selection: {
    minLosses: 3,
    lossScope: "any",
    lossSource: CITATIONS.tang2013,
    allowRif: false,
    markers: ["uterineNk"],
    markerSource: CITATIONS.quenby2005,
    treats: [],
    criteria: "Quenby 2005 / Tang 2013 (recurrent miscarriage with uterine NK ≥ 5%)",
    guidelineCaveat:
      "Guidelines do not endorse glucocorticoids for RPL, including with raised NK cells (Choosing Wisely Canada 2022; ESHRE reportedly likewise); the ACR strongly advises against prednisone in refractory obstetric APS.",
  },
  protocol: PROTOCOL,
  evidenceSubgroups: ["nk-elevated"],
});
