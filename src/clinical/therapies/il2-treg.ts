/** Low-dose IL-2 / Treg therapy: FACIL-2 (open-label proof-of-concept). */
import { CITATIONS } from "../sources.js";
import { infectionCheck } from "../verdicts.js";
import { immunotherapy, type ProtocolBody } from "./definition.js";

const PROTOCOL: ProtocolBody = {
  name: "Low-dose IL-2 3 MIU/day for 5 days, starting 10 days after the onset of menses, up to 5 cycles (FACIL-2)",
  starts: "before-conception",
  sources: [CITATIONS.facil2],
  steps: [{ id: "il2", label: "Low-dose IL-2 subcutaneously", kind: "injection", anchor: { kind: "start", offsetDays: 0 }, dose: { kind: "fixed", text: "3 MIU once daily" }, repeat: { count: 5, everyDays: 1 } }],
  monitoring: ["Treg expansion by flow cytometry (trial endpoint)"],
  stopRules: ["Only within a registered trial"],
  continueRules: ["Repeat each cycle up to 5 cycles if not pregnant"],
  notes: [],
};

export const il2Treg = immunotherapy("il2-treg", {
  safetyChecks: (c) => [infectionCheck(c)],
  selection: {
    minLosses: 5,
    lossScope: "first-trimester",
    lossSource: CITATIONS.facil2,
    allowRif: false,
    markers: null,
    treats: [],
    criteria: "FACIL-2 (≥5 unexplained early losses; open-label proof-of-concept)",
    guidelineCaveat: "Experimental: no guideline addresses low-dose IL-2; available only within a trial.",
  },
  protocol: PROTOCOL,
  evidenceSubgroups: [],
});
