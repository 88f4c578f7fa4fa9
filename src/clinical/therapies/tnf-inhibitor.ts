/** TNF-α inhibitors for a raised TNF-α/IL-10 ratio (Winger 2011). */
import { CITATIONS } from "../sources.js";
import { infectionCheck, screen, tbCheck } from "../verdicts.js";
import { immunotherapy, type ProtocolBody } from "./definition.js";

const PROTOCOL: ProtocolBody = {
  name: "Adalimumab 40 mg subcutaneously (schedule unverified)",
  starts: "before-conception",
  sources: [CITATIONS.winger2011],
  steps: [{ id: "adalimumab", label: "Adalimumab injection", kind: "injection", anchor: { kind: "start", offsetDays: 0 }, dose: { kind: "fixed", text: "40 mg subcutaneously; schedule per the protocol (unverified)" } }],
  monitoring: ["TB and hepatitis B screening before the first dose", "Infections"],
  stopRules: ["Serious infection: stop"],
  continueRules: [],
  notes: ["Infants exposed in utero should not receive live vaccines (BCG) early (UKTIS)."],
};

export const tnfInhibitor = immunotherapy("tnf-inhibitor", {
  safetyChecks: (c) => [
    tbCheck(c, "tnf-inhibitor"),
    infectionCheck(c),
    screen("hepatitis-b", "Hepatitis B screen", c.r.safety.hepatitisB, "contraindication", "hepatitis B: risk of reactivation"),
  ],
  selection: {
    minLosses: 3,
    lossScope: "any",
    lossSource: CITATIONS.winger2011,
    allowRif: true,
    markers: ["tnfIl10Ratio"],
    markerSource: CITATIONS.winger2011,
    treats: [],
    criteria: "Winger 2011 (TNF-α/IL-10 ratio above 30.6)",
    guidelineCaveat: "No guideline supports TNF-α inhibitors for RPL (insufficient evidence); data are observational.",
  },
  protocol: PROTOCOL,
  evidenceSubgroups: [],
});
