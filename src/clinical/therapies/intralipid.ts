/** Intralipid for raised peripheral NK cells (Dakhly 2016). */
import { CITATIONS } from "../sources.js";
import { allergy, egfrCheck, flag } from "../verdicts.js";
import { immunotherapy, type ProtocolBody } from "./definition.js";

const PROTOCOL: ProtocolBody = {
  name: "Intralipid 20% infusion within a week of the positive test, then every 2 weeks to 12 weeks",
  starts: "in-pregnancy",
  // the first infusion within a week of the positive test, the last by 12 weeks: after 12 weeks nothing is left
  latestStartWeek: 12,
  sources: [CITATIONS.dakhly2016],
  steps: [
    { id: "intralipid-first", name: "the first infusion", label: "Intralipid 20% infusion", kind: "infusion", anchor: { kind: "positive-test", offsetDays: 7 }, dose: { kind: "fixed", text: "volume per the clinic's protocol (2–4 mL of 20% reported; 100 mL not verified)" } },
    { id: "intralipid-repeat", label: "Repeat every 2 weeks to 12 weeks of gestation", kind: "infusion", anchor: { kind: "gestational-week", from: 6, to: 12 }, repeat: { count: 3, everyDays: 14 } },
  ],
  monitoring: ["Allergic reactions; triglycerides"],
  stopRules: ["Allergic reaction: stop"],
  continueRules: [],
  notes: ["Licensed only for parenteral nutrition."],
};

export const intralipid = immunotherapy("intralipid", {
  safetyChecks: (c) => [
    allergy(c, ["egg", "soy", "peanut"], "Egg, soy or peanut allergy", "contraindication", "intralipid contains soybean oil and egg phospholipids"),
    // the fat is cleared less well with impaired liver or kidney function (product information): cautions, with triglycerides watched
    flag("liver", "Liver disease", c.r.safety.liverDisease, "caution", "fat elimination may be impaired: given with caution, with serum triglycerides monitored (product information)", CITATIONS.intralipidPi),
    egfrCheck(c, 30, "caution", "renal insufficiency impairs fat elimination: given with caution, with serum triglycerides monitored (product information)"),
  ],
  selection: {
    minLosses: 3,
    lossScope: "any",
    lossSource: CITATIONS.dakhly2016,
    allowRif: true,
    markers: ["peripheralNk", "nkCytotoxicity"],
    markerSource: CITATIONS.dakhly2016,
    treats: [],
    criteria: "Dakhly 2016 (peripheral NK > 12%)",
    guidelineCaveat: "Guidelines do not endorse intralipid (ESHRE reportedly advises against it).",
    noBenefitInSelection: "The RCT in exactly this selection (women with peripheral NK > 12%, Dakhly 2016) found no benefit in live births.",
  },
  protocol: PROTOCOL,
  evidenceSubgroups: ["nk-elevated", "recurrent-implantation-failure"],
});
