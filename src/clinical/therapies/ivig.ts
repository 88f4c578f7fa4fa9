/** Intravenous immunoglobulin (IVIG): Yamada 2022 criteria and regimen. */
import { CITATIONS } from "../sources.js";
import { allergy, egfrCheck, flag, igaCheck} from "../verdicts.js";
import { immunotherapy, type ProtocolBody } from "./definition.js";

const PROTOCOL: ProtocolBody = {
  name: "IVIG 400 mg/kg/day for 5 days starting between 4 and 6 weeks of gestation (Yamada 2022)",
  starts: "in-pregnancy",
  latestStartWeek: 6,
  sources: [CITATIONS.yamada2022],
  steps: [
    {
      id: "ivig-course",
      name: "the IVIG course",
      label: "IVIG infusion",
      kind: "infusion",
      anchor: { kind: "gestational-week", from: 4, to: 6 },
      dose: { kind: "per-kg", min: 0.4, unit: "g", per: "day", strengths: "ivigGrams", text: "IV once daily" },
      repeat: { count: 5, everyDays: 1 },
    },
  ],
  monitoring: ["IgA level before the first infusion", "Renal function, hydration; signs of thrombosis", "Headache, fever, aseptic meningitis during the course"],
  stopRules: ["Anaphylaxis or renal impairment: stop", "Pregnancy loss: stop"],
  continueRules: ["Complete the five-day course once started"],
  notes: ["Older trials gave 400–500 mg/kg before conception or at the positive test."],
};

export const ivig = immunotherapy("ivig", {
  safetyChecks: (c) => [
    igaCheck(c),
    egfrCheck(c, 30, "contraindication", "IVIG can cause acute renal failure"),
    flag("thrombosis", "History of thrombosis", c.r.safety.thrombosisHistory, "caution", "IVIG raises the risk of thrombosis"),
    allergy(c, ["blood-products"], "Reactions to blood products", "contraindication", "previous reaction to blood products"),
  ],
  selection: {
    // Yamada 2022 enrolled 4 or more miscarriages, biochemical losses not counted (data/trials.json); its women had
    // primary RPL, Christiansen 2015's (4 or more after a birth) secondary, so either history meets a published protocol
    minLosses: 4,
    lossScope: "clinical",
    lossSource: CITATIONS.yamada2022,
    allowRif: false,
    markers: null,
    treats: [],
    criteria: "Yamada 2022 (≥4 unexplained miscarriages, biochemical losses not counted; 400 mg/kg/day for 5 days from 4–6 weeks)",
    guidelineCaveat:
      "Guidelines do not endorse IVIG for RPL: ESHRE 2017 advised against it (a 2022 revision for ≥4 unexplained losses is reported but unverified), Choosing Wisely Canada 2022 and the Australian NBA do not support it.",
  },
  protocol: PROTOCOL,
  evidenceSubgroups: ["four-or-more-losses", "secondary-rpl", "primary-rpl"],
});
