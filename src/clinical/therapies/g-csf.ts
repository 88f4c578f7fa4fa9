/** G-CSF: Scarpellini 2009 criteria (primary RPL, ≥4 losses); RESPONSE 2019 found no benefit. */
import { CITATIONS } from "../sources.js";
import { flag} from "../verdicts.js";
import { immunotherapy, type ProtocolBody } from "./definition.js";

const PROTOCOL: ProtocolBody = {
  name: "G-CSF 1 µg/kg/day from 6 days after ovulation (Scarpellini 2009)",
  starts: "before-conception",
  sources: [CITATIONS.scarpellini2009, CITATIONS.response2019],
  steps: [
    {
      id: "gcsf",
      label: "G-CSF subcutaneously from ovulation + 6 days",
      kind: "injection",
      anchor: { kind: "start", offsetDays: 0 },
      dose: { kind: "per-kg", min: 1, unit: "µg", per: "day", strengths: null, text: "subcutaneously once daily" },
    },
  ],
  monitoring: ["Blood count", "Bone pain, splenic symptoms"],
  stopRules: ["Negative pregnancy test: stop"],
  continueRules: ["RESPONSE 2019 gave a fixed daily dose from 3–5 weeks to 9 weeks (no benefit)"],
  notes: [],
};

export const gcsf = immunotherapy("g-csf", {
  safetyChecks: (c) => [flag("sickle-cell", "Sickle cell disease", c.r.safety.sickleCellDisease, "contraindication", "G-CSF can precipitate sickle crises")],
  selection: {
    minLosses: 4,
    lossScope: "any",
    lossSource: CITATIONS.scarpellini2009,
    primaryOnly: true,
    allowRif: false,
    markers: null,
    treats: [],
    criteria: "Scarpellini 2009 (≥4 unexplained losses, primary RPL)",
    guidelineCaveat: "Guidelines do not endorse G-CSF for unexplained RPL (ESHRE reportedly advises against it); the larger RESPONSE trial found no benefit.",
  },
  protocol: PROTOCOL,
  evidenceSubgroups: ["primary-rpl", "secondary-rpl"],
});
