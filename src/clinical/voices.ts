/**
 * Two voices over the same assessment: a plain-language summary for the patient (honest about the evidence:
 * no promise, no dismissal) and the clinician's concise view. Both are built only from the verdicts and findings,
 * so they can never say more than the rules found.
 */
import { THERAPY_IDS, type TherapyId } from "../shared/therapy-ids.js";
import { PLAIN_NAMES } from "./therapies/index.js";
import type { Diagnosis } from "./diagnosis.js";
import type { ImmuneFinding } from "./immune.js";
import type { VerdictCore, VerdictFinding } from "./verdicts.js";

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

export function patientSummary(dx: Diagnosis, immune: ImmuneFinding[], verdicts: Record<TherapyId, VerdictCore>): string[] {
  const out: string[] = [];
  const losses = plural(dx.lossCount, "pregnancy loss", "pregnancy losses");
  if (dx.lossCount === 0) out.push("Your record shows no pregnancy loss so far.");
  else {
    let s = `Your record shows ${losses}.`;
    if (dx.explainedLossCount > 0)
      s += ` In ${plural(dx.explainedLossCount, "of them", "of them")} the pregnancy tissue showed a chromosome change, which is the most common reason for a single miscarriage and usually happens by chance; it means ${dx.explainedLossCount === 1 ? "that loss has" : "those losses have"} an explanation.`;
    if (dx.unexplainedLossCount > 0) s += ` ${plural(dx.unexplainedLossCount, "loss has", "losses have")} no explanation yet.`;
    out.push(s);
  }
  if (dx.causes.length > 0)
    out.push(
      `The tests found something that can explain losses or needs attention first: ${dx.causes.map((c) => c.label.charAt(0).toLowerCase() + c.label.slice(1)).join(", ")}. That finding has its own treatment and comes first.`,
    );
  if (dx.missingWorkup.length > 0)
    out.push(
      `Some standard tests are not done or not complete yet: ${dx.missingWorkup.map((w) => w.label).join("; ")}. Until they are, a cause that has a proven treatment could be missed.`,
    );
  else if (dx.lossCount >= 2 && dx.causes.length === 0) out.push("The standard tests that look for known causes have all come back normal. That is common, and it does not mean nothing can be done.");
  const abnormal = immune.filter((f) => f.status === "abnormal");
  if (abnormal.length > 0)
    out.push(
      `Your immune tests showed: ${abnormal.map(plainReading).join("; ")}. These tests are not standard: the main guidelines do not recommend them outside research because it is not proven that the results predict or change what happens in a pregnancy.`,
    );

  const recommended = THERAPY_IDS.filter((t) => verdicts[t].status === "recommended");
  const eligible = THERAPY_IDS.filter((t) => verdicts[t].status === "protocol-eligible");
  const premature = THERAPY_IDS.filter((t) => verdicts[t].status === "premature");
  for (const t of recommended) out.push(`${cap(PLAIN_NAMES[t])}: guidelines support this for someone in your situation. ${verdicts[t].reasons[0] ?? ""}`.trim());
  for (const t of eligible) {
    const support = verdicts[t].findings.filter((f) => f.role === "supports").map(plainFinding);
    out.push(`${cap(PLAIN_NAMES[t])}: your history matches what a published treatment protocol looks for (${support.join("; ")}).`);
  }
  if (eligible.length > 0)
    out.push(
      `For ${eligible.length === 1 ? "this treatment" : "these treatments"}, guidelines do not recommend routine use, because the evidence that ${eligible.length === 1 ? "it helps" : "they help"} is uncertain or conflicting. ${eligible.length === 1 ? "It" : "Each"} can be considered only within research or a formal protocol, after an open conversation about what is known, what is not, the risks and the alternatives, and with your written consent. Nobody can promise that ${eligible.length === 1 ? "it" : "any of them"} will work; asking about ${eligible.length === 1 ? "it" : "them"} is still a reasonable question.`,
    );
  if (premature.length > 0) {
    const why: string[] = [];
    if (premature.some((t) => verdicts[t].missing.some((m) => dx.missingWorkup.some((w) => w.id === m.id)))) why.push("the standard tests listed above come first");
    if (premature.some((t) => verdicts[t].findings.some((f) => f.id === "unexplained-losses" && f.role === "against")))
      why.push("the published protocols were studied in people with more unexplained losses than your record shows so far");
    if (premature.some((t) => verdicts[t].missing.some((m) => !dx.missingWorkup.some((w) => w.id === m.id) && m.id !== "bleeding")))
      why.push("some protocols also rely on immune test results that are not available");
    if (premature.some((t) => verdicts[t].missing.some((m) => m.id === "bleeding"))) why.push("for progesterone, whether there is bleeding in this pregnancy matters");
    out.push(`It is too early to decide about ${premature.map((t) => PLAIN_NAMES[t]).join(", ")}: ${why.join("; ")}.`);
  }
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
  out.push(`APS (Sydney): laboratory ${dx.aps.laboratory}; clinical ${dx.aps.clinical.met ? dx.aps.clinical.criteria.join(", ") : "not met"}; ${dx.aps.met ? "APS" : "no APS"}.`);
  out.push(`Work-up: ${dx.workup.map((w) => `${w.label.split(" (")[0]} ${w.status}`).join("; ")}.`);
  if (dx.causes.length > 0) out.push(`Causes: ${dx.causes.map((c) => `${c.label} (${c.detail})`).join("; ")}.`);
  const abn = immune.filter((f) => f.status === "abnormal");
  const measured = immune.filter((f) => f.status !== "missing");
  out.push(`Immune (${measured.length} measured, research-grade except aPL/thyroid): ${abn.length > 0 ? abn.map((f) => f.reading).join("; ") : "no abnormal marker"}.`);
  for (const t of THERAPY_IDS) out.push(verdicts[t].headline);
  return out;
}

function plainReading(f: ImmuneFinding): string {
  const name = f.label.split(" (")[0]!;
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
