/**
 * Two voices over the same assessment: a plain-language summary for the patient (honest about the evidence:
 * no promise, no dismissal) and the clinician's concise view. Both are built only from the verdicts and findings,
 * so they can never say more than the rules found.
 */
import { lowerFirst } from "../shared/sentence.js";
import { THERAPY_IDS, type TherapyId } from "../shared/therapy-ids.js";
import { DEFAULT_CLINIC_CONFIG } from "./config.js";
import { PLAIN_NAMES, THERAPIES } from "./therapies/index.js";
import type { Diagnosis } from "./diagnosis.js";
import type { ImmuneFinding } from "./immune.js";
import type { VerdictCore, VerdictFinding } from "./verdicts.js";

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** Causes that explain losses (thyroid dysfunction needs attention first but is not read as the explanation). */
const EXPLAINING = new Set(["aps", "uterine-anomaly", "parental-chromosomal", "hereditary-thrombophilia"]);

function names(ts: readonly TherapyId[]): string {
  const n = ts.map((t) => PLAIN_NAMES[t]);
  return n.length <= 1 ? (n[0] ?? "") : `${n.slice(0, -1).join(", ")} and ${n[n.length - 1]!}`;
}

/** Cautions said on a therapy's line whatever its verdict (they stand for a decision of their own). */
const ALWAYS_SAID: ReadonlySet<string> = new Set(["thrombosis", "oral-anticoagulant", "already-taken"]);

/**
 * The patient's summary. Every sentence about a therapy is chosen by its verdict's reasonKind, so the text states
 * the true reason (a missing test, a normal marker, a different history, a harm) and cannot contradict the verdict:
 * when a cause that explains the losses was found, it does not also say the losses have no explanation.
 */
export function patientSummary(dx: Diagnosis, immune: ImmuneFinding[], verdicts: Record<TherapyId, VerdictCore>): string[] {
  const out: string[] = [];
  const explaining = dx.causes.filter((c) => EXPLAINING.has(c.id));
  const attention = dx.causes.filter((c) => !EXPLAINING.has(c.id));
  const cervical = dx.losses.filter((l) => l.countsForRpl && l.mechanismExcluded).length;
  const losses = plural(dx.lossCount, "pregnancy loss", "pregnancy losses");
  // ectopic and molar pregnancies, and losses from 24 weeks, are recorded but not counted as miscarriages
  const uncounted = dx.losses.filter((l) => !l.countsForRpl);
  const uncountedText = (() => {
    if (uncounted.length === 0) return "";
    const ectopic = uncounted.filter((l) => l.kind === "ectopic").length;
    const molar = uncounted.filter((l) => l.kind === "molar").length;
    const late = uncounted.length - ectopic - molar;
    const parts = [ectopic > 0 ? plural(ectopic, "ectopic pregnancy", "ectopic pregnancies") : "", molar > 0 ? plural(molar, "molar pregnancy", "molar pregnancies") : "", late > 0 ? plural(late, "loss from 24 weeks", "losses from 24 weeks") : ""].filter((x) => x !== "");
    return ` It also shows ${parts.join(" and ")}: ${uncounted.length === 1 ? "this is" : "these are"} looked after differently and ${uncounted.length === 1 ? "is" : "are"} not counted as miscarriages here.`;
  })();
  if (dx.lossCount === 0) out.push(`Your record shows no miscarriage so far.${uncountedText}`);
  else {
    let s = `Your record shows ${losses}.`;
    if (dx.explainedLossCount > 0)
      s += ` In ${plural(dx.explainedLossCount, "of them", "of them")} the pregnancy tissue showed a chromosome change, which is the most common reason for a single miscarriage and usually happens by chance; it means ${dx.explainedLossCount === 1 ? "that loss has" : "those losses have"} an explanation.`;
    if (cervical > 0)
      s += ` ${cervical === 1 ? "One loss" : `${cervical} losses`} in the middle of pregnancy came from the cervix opening too early (cervical insufficiency); that has its own treatment, such as a stitch in the cervix, and is not what immune treatments aim at.`;
    if (dx.unexplainedLossCount > 0 && explaining.length === 0) s += ` ${plural(dx.unexplainedLossCount, "loss has", "losses have")} no explanation yet.`;
    out.push(s + uncountedText);
  }
  // a hereditary thrombophilia is not a cause with a treatment that prevents losses (heparin did not improve live
  // births with it: ALIFE2), so it is said apart, with what it does matter for, never as "its own treatment"
  const treatable = explaining.filter((c) => c.id !== "hereditary-thrombophilia");
  const thrombophilia = explaining.find((c) => c.id === "hereditary-thrombophilia");
  if (treatable.length > 0)
    out.push(
      `The tests found something that can explain the losses: ${treatable.map((c) => lowerFirst(c.label)).join(", ")}. That finding has its own treatment and comes first.`,
    );
  if (thrombophilia !== undefined)
    out.push(
      `The tests found ${lowerFirst(thrombophilia.label)}. It is linked with pregnancy losses, but treatment to thin the blood did not improve the chance of a live birth for it in a large trial (ALIFE2); it matters for the risk of blood clots, which your clinic will talk through with you.`,
    );
  if (attention.length > 0) out.push(`A test result needs attention first: ${attention.map((c) => lowerFirst(c.label)).join(", ")}.`);
  if (dx.aps.conflict !== undefined) out.push(`Two antiphospholipid antibody tests taken on the same day (${dx.aps.conflict.date}) disagree, so neither is used; the test needs to be repeated.`);
  if (dx.missingWorkup.length > 0)
    out.push(`Some standard tests are not done or not complete yet: ${dx.missingWorkup.map((w) => w.label).join("; ")}. Until they are, a cause that has a proven treatment could be missed.`);
  else if (dx.lossCount >= 2 && dx.causes.length === 0) out.push("The standard tests that look for known causes have all come back normal. That is common, and it does not mean nothing can be done.");
  // antinuclear antibodies are the one immune test ESHRE says could be considered (to help explain losses, ESHRE 2017
  // [V]); the others are not recommended outside research: said apart, so neither is misstated
  const abnormal = immune.filter((f) => f.status === "abnormal" && f.marker !== "ana");
  const ana = immune.find((f) => f.status === "abnormal" && f.marker === "ana");
  if (abnormal.length > 0)
    out.push(
      `Your immune tests showed: ${abnormal.map(plainReading).join("; ")}. These tests are not standard: the main guidelines do not recommend them outside research because it is not proven that the results predict or change what happens in a pregnancy.`,
    );
  if (ana !== undefined)
    out.push(`Your antinuclear antibody test showed: ${plainReading(ana)}. Guidelines say this test can be considered to help explain losses, but a raised result does not point to a treatment that is proven to help.`);

  const by = (status: VerdictCore["status"], kind?: VerdictCore["reasonKind"]) => THERAPY_IDS.filter((t) => verdicts[t].status === status && (kind === undefined || verdicts[t].reasonKind === kind));
  for (const t of by("recommended")) out.push(`${cap(PLAIN_NAMES[t])}: guidelines support this for someone in your situation. ${verdicts[t].reasons[0] ?? ""}`.trim());
  const eligible = by("protocol-eligible");
  for (const t of eligible) {
    const support = verdicts[t].findings.filter((f) => f.role === "supports").map(plainFinding);
    const noBenefit = verdicts[t].noBenefitInSelection !== undefined ? " The best study in people like you found no benefit." : "";
    out.push(`${cap(PLAIN_NAMES[t])}: your history matches what a published treatment protocol looks for (${support.join("; ")}).${noBenefit}`);
  }
  if (eligible.length > 0)
    out.push(
      `For ${eligible.length === 1 ? "this treatment" : "these treatments"}, guidelines do not recommend routine use, because the evidence that ${eligible.length === 1 ? "it helps" : "they help"} is uncertain or conflicting. ${eligible.length === 1 ? "It" : "Each"} can be considered only within research or a formal protocol, after an open conversation about what is known, what is not, the risks and the alternatives, and with your written consent. Nobody can promise that ${eligible.length === 1 ? "it" : "any of them"} will work; asking about ${eligible.length === 1 ? "it" : "them"} is still a reasonable question.`,
    );
  // premature: grouped by the same pending items, each named
  const pending = new Map<string, TherapyId[]>();
  for (const t of by("premature")) {
    const key = verdicts[t].missing.map((m) => m.label).join("; ");
    pending.set(key, [...(pending.get(key) ?? []), t]);
  }
  for (const [items, ts] of pending) out.push(`It is too early to decide about ${names(ts)}: first ${items}. The answer may change once ${items.includes(";") ? "these are" : "this is"} done.`);
  const otherCause = by("not-indicated", "explained-by-other-cause");
  if (otherCause.length > 0) out.push(`${cap(names(otherCause))} ${otherCause.length === 1 ? "is" : "are"} not a treatment for what the tests found; the treatment of that finding comes first.`);
  const different = [...by("not-indicated", "criterion-not-completable"), ...by("not-indicated", "pattern-mismatch")];
  if (different.length > 0)
    out.push(`${cap(names(different))}: the published protocols were designed for patients whose history differs from yours, so ${different.length === 1 ? "it is" : "they are"} not a treatment for your situation.`);
  const timing = by("not-indicated", "timing-mismatch");
  const before = timing.filter((t) => THERAPIES[t].protocol(DEFAULT_CLINIC_CONFIG).starts === "before-conception");
  const during = timing.filter((t) => !before.includes(t));
  if (before.length > 0) out.push(`${cap(names(before))}: ${before.length === 1 ? "its protocol starts" : "their protocols start"} before a pregnancy, so ${before.length === 1 ? "it" : "they"} cannot be started in this pregnancy.`);
  if (during.length > 0) out.push(`${cap(names(during))}: used during a pregnancy (for example when there is bleeding after a previous loss), not before one.`);
  const normal = by("not-indicated", "marker-normal");
  if (normal.length > 0) out.push(`${cap(names(normal))}: the test result${normal.length === 1 ? " it relies" : "s they rely"} on ${normal.length === 1 ? "is" : "are"} in the usual range, so nothing in your results points to ${normal.length === 1 ? "it" : "them"}.`);
  const taking = (t: TherapyId) => verdicts[t].safetyChecks.some((c) => c.id === "already-taken");
  for (const t of by("contraindicated")) {
    const harm = verdicts[t].safetyChecks.filter((c) => c.status === "problem" && c.severity === "contraindication").map((c) => lowerFirst(c.label));
    out.push(`${cap(PLAIN_NAMES[t])} could harm you because of ${harm.join(", ")}; ${taking(t) ? "it should not be started as a treatment for the losses" : "it should not be used"}.`);
  }
  // a medicine she already takes (for the losses or for another reason) is never to be stopped because of this summary
  const taken = THERAPY_IDS.filter(taking);
  if (taken.length > 0)
    out.push(
      `Your medication list shows that you already take ${names(taken)}. Keep taking ${taken.length === 1 ? "it" : "them"} as prescribed: what this summary says is about a course of treatment for the losses, and any change is for the doctor who prescribes ${taken.length === 1 ? "it" : "them"} to decide with you.`,
    );
  out.push(
    "Many people with recurrent losses go on to have a baby, with or without treatment. A good next question for your clinic is: which specific finding in my case supports this treatment? This summary lists the finding behind every answer.",
  );
  return out;
}

export function clinicianSummary(dx: Diagnosis, immune: ImmuneFinding[], verdicts: Record<TherapyId, VerdictCore>): string[] {
  const out: string[] = [];
  out.push(
    `RPL: ESHRE ${dx.definitions.eshre.met ? "met" : "not met"} (${plural(dx.lossCount, "loss", "losses")} < 24 wk); RCOG ${dx.definitions.rcog.met ? "met" : "not met"} (${dx.firstTrimesterLossCount} first-trimester); ${dx.definitions.eshre.met ? `${dx.type}${dx.typeNote !== undefined ? ` (${dx.typeNote})` : ""}; ` : ""}unexplained ${dx.unexplainedLossCount}/${dx.lossCount}${dx.rif.met ? `; RIF (${dx.rif.failedCycles} failed transfers, ${dx.rif.goodEmbryosInFailedCycles} good-quality embryos)` : ""}.`,
  );
  const thrombosis = dx.aps.thrombotic ? "vascular thrombosis" : "";
  const clinicalText = [dx.aps.clinical.met ? dx.aps.clinical.criteria.join(", ") : "", thrombosis].filter((x) => x !== "").join(", ");
  const apsText = dx.aps.met && dx.aps.thrombotic ? "obstetric and thrombotic APS" : dx.aps.met ? "APS" : dx.aps.thrombotic ? "thrombotic APS" : "no APS";
  out.push(`APS (Sydney): laboratory ${dx.aps.laboratory}; clinical ${clinicalText === "" ? "not met" : clinicalText}; ${apsText}.`);
  out.push(`Work-up: ${dx.workup.map((w) => `${w.label.split(" (")[0]} ${w.status}${w.alongside !== undefined ? ` (${w.alongside})` : ""}`).join("; ")}.`);
  if (dx.causes.length > 0) out.push(`Causes: ${dx.causes.map((c) => `${c.label} (${c.detail})`).join("; ")}.`);
  const abn = immune.filter((f) => f.status === "abnormal");
  const measured = immune.filter((f) => f.status !== "missing");
  out.push(`Immune (${measured.length} measured, research-grade except aPL/thyroid): ${abn.length > 0 ? abn.map((f) => f.reading).join("; ") : "no abnormal marker"}.`);
  for (const t of THERAPY_IDS) {
    const v = verdicts[t];
    // the cautions of a therapy that may be given (an IgA-depleted product, a product without soya, steroids with
    // diabetes): on the line itself, not only in the JSON
    // a previous thrombosis and an oral anticoagulant are said on the heparin line whatever the verdict:
    // thromboprophylaxis, and replacing warfarin by heparin in pregnancy, are decisions of their own
    const cautions = v.safetyChecks.filter((c) => c.status === "problem" && c.severity === "caution" && ((v.status !== "contraindicated" && v.status !== "not-indicated") || ALWAYS_SAID.has(c.id)));
    out.push(cautions.length === 0 ? v.headline : `${v.headline}${/[.!?]$/.test(v.headline) ? "" : "."} Caution: ${cautions.map((c) => `${lowerFirst(c.label)}: ${c.detail}`).join("; ")}.`);
  }
  return out;
}

function plainReading(f: ImmuneFinding): string {
  const name = f.label.split(" (")[0]!;
  // no antibodies against the partner's cells is not an abnormal result: it is what LIT clinics select on
  if (f.marker === "antiPaternalAntibodies") return `antibodies against your partner's cells: ${f.value === "negative" ? "not found (LIT clinics look for their absence)" : "found"}`;
  if (f.cutOff === null || typeof f.cutOff.value !== "number") return `${name}: ${f.status === "abnormal" ? "outside the usual range" : "within the usual range"}`;
  const unit = f.unit === "%" ? "%" : f.unit === "ratio" || f.unit === "titre" ? "" : ` ${f.unit ?? ""}`;
  const value = f.unit === "titre" ? String(f.value) : `${String(f.value)}${unit}`;
  const cut = f.unit === "titre" ? `1:${f.cutOff.value}` : `${f.cutOff.value}${f.cutOff.unit === "%" ? "%" : ""}`;
  return `${name} ${value} (${f.cutOff.comparator === ">=" ? "at or above" : "above"} the cut-off of ${cut}, from ${f.source?.label ?? "the laboratory"})`;
}

function plainFinding(f: VerdictFinding): string {
  if (f.id === "unexplained-losses" || f.id === "losses") return `${String(f.value)} ${f.label.toLowerCase()} (the protocol asks for ${f.cutOff ?? ""})`;
  if (f.unit !== null && typeof f.value === "number" && f.cutOff !== null)
    return `${f.label.split(" (")[0]!} ${f.value}${f.unit === "%" ? "%" : f.unit === "ratio" ? "" : ` ${f.unit}`} (cut-off ${f.cutOff})`;
  return f.reading;
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
