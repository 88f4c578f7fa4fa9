/** Progesterone: bleeding in early pregnancy after a previous loss (PRISM); no benefit without bleeding (PROMISE). */
import type { Protocol } from "../protocols.js";
import { currentGestationalWeek, leastGestationalWeek } from "../dates.js";
import type { PregnancyLocation } from "../record-terms.js";
import { CITATIONS } from "../sources.js";
import { allergy, blockingSafety, lossFinding, safetyVerdict, verdict, type BaseParts, type MissingItem, type RuleContext, type VerdictCore, type VerdictFinding } from "../verdicts.js";
import { therapyLabels, type TherapyDefinition } from "./definition.js";

/** PRISM enrolled women with bleeding in the first 12 weeks of pregnancy (its HTA report's objectives; citations.json). */
const PRISM_LAST_WEEK = 12;

const PROTOCOL: Protocol = {
  therapy: "progesterone",
  name: "Vaginal micronised progesterone 400 mg twice daily from bleeding to 16 weeks (PRISM)",
  starts: "in-pregnancy",
  latestStartWeek: PRISM_LAST_WEEK,
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
  const safetyChecks = def.safetyChecks(ctx);
  const base: BaseParts = { safetyChecks, coInterventions: [], criteriaSource: ["PRISM 2019 (bleeding in early pregnancy after miscarriage)", "PROMISE 2015 (no bleeding)"] };
  const blocking = blockingSafety(safetyChecks);
  if (blocking.length > 0) return safetyVerdict(def, base, blocking);
  // a soy allergy is a caution, not a harm of progesterone: one product (Utrogestan capsules) contains soya lecithin,
  // and progesterone without soya is given instead (the check names it on every verdict below)
  const cp = r.currentPregnancy;
  const lossF = lossFinding("losses", "Previous pregnancy losses", dx.lossCount, 1, CITATIONS.prism2019, dx.lossCount >= 1 ? "supports" : "against");
  if (cp === undefined) {
    const reasons = ["Not pregnant now: progesterone has no proven benefit without bleeding (PROMISE); if bleeding occurs in a future pregnancy after a previous miscarriage, vaginal progesterone becomes the recommended option once a scan shows the pregnancy in the uterus (PRISM; NICE NG126)."];
    return verdict(def, "not-indicated", "timing-mismatch", reasons[0]!, base, { reasons, unmet: [], findings: [lossF], missing: [] });
  }
  const bleeding = cp.bleeding === undefined ? "not recorded" : cp.bleeding ? "yes" : "no";
  const bleedF: VerdictFinding = { id: "bleeding", label: "Bleeding in the current pregnancy", value: bleeding, unit: null, cutOff: "present", source: CITATIONS.prism2019.label, role: cp.bleeding === true ? "supports" : cp.bleeding === false ? "against" : "context", reading: `Bleeding in the current pregnancy: ${bleeding}` };
  // an ectopic pregnancy is decided by its location alone, whether or not bleeding is recorded
  if (cp.location === "ectopic") {
    const reasons = ["Ectopic pregnancy: progesterone has no role (PRISM treated intrauterine pregnancies only; NICE NG126 requires a scan-confirmed intrauterine pregnancy); the ectopic pregnancy needs its own management."];
    return verdict(def, "not-indicated", "pattern-mismatch", reasons[0]!, base, { reasons, unmet: [], findings: [...(cp.bleeding === undefined ? [] : [bleedF]), lossF, locationFinding("ectopic")], missing: [] });
  }
  if (cp.bleeding === undefined) {
    const reasons = ["Pregnant now, but whether there is bleeding is not recorded: the indication depends on it."];
    return verdict(def, "premature", "investigation-pending", reasons[0]!, base, { reasons, unmet: [], findings: [lossF], missing: [{ id: "bleeding", label: "Bleeding in the current pregnancy", detail: "record whether there is vaginal bleeding" }] });
  }
  if (cp.bleeding && dx.lossCount >= 1) {
    // PRISM enrolled women bleeding in the first 12 weeks and started progesterone only with an intrauterine sac on
    // ultrasound; NICE NG126 offers it once a scan has confirmed an intrauterine pregnancy: a pregnancy not yet seen
    // in the uterus may be ectopic.
    const week = currentGestationalWeek(cp, ctx.today);
    const weekF: VerdictFinding | null =
      week === undefined
        ? null
        : { id: "gestational-age", label: "Gestational age", value: Math.floor(week), unit: "weeks", cutOff: `< ${PRISM_LAST_WEEK + 1} weeks (first ${PRISM_LAST_WEEK} weeks)`, source: CITATIONS.prism2019.label, role: Math.floor(week) <= PRISM_LAST_WEEK ? "supports" : "against", reading: `Gestational age ${Math.floor(week)} weeks${cp.lastMenstrualPeriod !== undefined ? ` (from the last menstrual period ${cp.lastMenstrualPeriod})` : ""}` };
    // the findings of every verdict below: bleeding, losses, and the week and the scan where they are recorded
    const findings = [bleedF, lossF, ...(weekF === null ? [] : [weekF]), ...(cp.location === undefined ? [] : [locationFinding(cp.location)])];
    if (week !== undefined && Math.floor(week) > PRISM_LAST_WEEK) {
      const reasons = [
        `Bleeding at ${Math.floor(week)} weeks: PRISM enrolled women bleeding in the first ${PRISM_LAST_WEEK} weeks of pregnancy (treated to 16 weeks), and NICE NG126's progesterone recommendation is for threatened miscarriage in early pregnancy; later bleeding needs obstetric assessment, not this regimen.`,
      ];
      return verdict(def, "not-indicated", "timing-mismatch", reasons[0]!, base, { reasons, unmet: [], findings, missing: [] });
    }
    // dated only by the positive test: past the first 12 weeks whatever the exact date
    const least = week === undefined ? leastGestationalWeek(cp, ctx.today) : undefined;
    if (least !== undefined && Math.floor(least) > PRISM_LAST_WEEK) {
      const reasons = [
        `Bleeding at ${Math.floor(least)} weeks or later (the pregnancy test was positive on ${cp.positiveTestDate}): PRISM enrolled women bleeding in the first ${PRISM_LAST_WEEK} weeks of pregnancy (treated to 16 weeks); later bleeding needs obstetric assessment, not this regimen.`,
      ];
      return verdict(def, "not-indicated", "timing-mismatch", reasons[0]!, base, { reasons, unmet: [], findings, missing: [] });
    }
    const missing: MissingItem[] = [];
    const pending: string[] = [];
    if (cp.location === undefined) {
      pending.push(`Bleeding in early pregnancy after ${dx.lossCount} previous loss(es), but no scan is recorded: progesterone is for an intrauterine pregnancy confirmed by ultrasound (NICE NG126; PRISM treated only women with an intrauterine sac), and a pregnancy not yet seen in the uterus may be ectopic.`);
      missing.push({ id: "pregnancy-location", label: "Ultrasound scan showing where the pregnancy is", detail: "a transvaginal scan showing the pregnancy in the uterus; record it as the current pregnancy's location" });
    } else if (cp.location === "unknown") {
      pending.push("Pregnancy of unknown location (no pregnancy seen in or outside the uterus): follow the unknown-location pathway (serial serum hCG and a repeat scan); progesterone is considered once a scan confirms an intrauterine pregnancy (NICE NG126).");
      missing.push({ id: "pregnancy-location", label: "Ultrasound scan showing where the pregnancy is", detail: "a repeat scan, with serial serum hCG, that locates the pregnancy" });
    }
    if (week === undefined) {
      pending.push(`The gestational age is not recorded: PRISM enrolled women bleeding in the first ${PRISM_LAST_WEEK} weeks of pregnancy.`);
      missing.push({ id: "gestational-age", label: "Gestational age", detail: "the last menstrual period or the week from the scan's dating" });
    }
    if (missing.length > 0) {
      return verdict(def, "premature", "investigation-pending", pending[0]!, base, { reasons: pending, unmet: [], findings, missing });
    }
    const reasons = [
      `Bleeding in early pregnancy after ${dx.lossCount} previous loss(es), intrauterine pregnancy on ultrasound: vaginal micronised progesterone 400 mg twice daily to 16 weeks (PRISM; NICE NG126).`,
      "Guideline support: NICE NG126 offers it in this situation, and ESHRE 2022 and RCOG 2023 reportedly support it (positions as reported in secondary sources; not yet verified against the guideline text).",
    ];
    return verdict(def, "recommended", "guideline-supported", reasons[0]!, base, {
      reasons,
      unmet: [],
      findings,
      missing: [],
      benefitClaim: { trial: "PRISM 2019", outcome: "live births", subgroup: "women with previous miscarriages (largest in those with 3 or more)" },
    });
  }
  const reasons = [
    cp.bleeding
      ? "Bleeding without a previous loss: the PRISM benefit was in women with previous miscarriage."
      : "Pregnant without bleeding: progesterone did not improve live births in unexplained recurrent miscarriage without bleeding (PROMISE; figures in the evidence block).",
  ];
  return verdict(def, "not-indicated", "pattern-mismatch", reasons[0]!, base, { reasons, unmet: [], findings: [bleedF, lossF], missing: [] });
}

/** The current pregnancy's location on ultrasound as a finding: intrauterine supports, anything else is against. */
function locationFinding(location: PregnancyLocation): VerdictFinding {
  const text = location === "unknown" ? "unknown (nothing seen in or outside the uterus)" : location;
  return {
    id: "pregnancy-location",
    label: "Pregnancy location on ultrasound",
    value: location,
    unit: null,
    cutOff: "intrauterine",
    source: CITATIONS.nice2021ng126.label,
    role: location === "intrauterine" ? "supports" : "against",
    reading: `Pregnancy location on ultrasound: ${text}`,
  };
}

export const progesterone: TherapyDefinition = {
  ...therapyLabels("progesterone"),
  applicableStatuses: ["recommended", "premature", "not-indicated", "contraindicated"],
  safetyChecks: (c) => [
    allergy(c, ["progesterone"], "Progesterone hypersensitivity", "contraindication", "a previous reaction to progesterone: any progesterone product can cause it again"),
    allergy(c, ["soy"], "Soy allergy", "caution", "micronised progesterone capsules (Utrogestan) contain soya lecithin: use a progesterone product without soya"),
    allergy(c, ["peanut"], "Peanut allergy", "caution", "some micronised progesterone capsules (Prometrium) contain peanut oil: use a product without it, checking its excipients"),
  ],
  coInterventions: [],
  verdict: rule,
  protocol: () => PROTOCOL,
  evidenceSubgroups: ["bleeding-in-pregnancy"],
};
