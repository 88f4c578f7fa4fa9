/**
 * Medicines on the record that harm a pregnancy, whatever therapy is considered: a warning at the top of the
 * assessment, for the prescriber. Decidua rules from the drugs' known risks (CITATIONS.decidua: confirm against the
 * product information and local protocol); the teratogenicity of methotrexate and warfarin is stated in their
 * product information (FDA pregnancy category X for methotrexate, stopped at least 3 months before conception).
 */

import type { TherapyId } from "../shared/therapy-ids.js";

/** Oral anticoagulants by the names a medication list writes (vitamin K antagonists and the direct oral ones). */
export const ORAL_ANTICOAGULANT = /warfarin|coumadin|marevan|acenocoumarol|sintrom|phenprocoumon|marcumar|fluindione|rivaroxaban|xarelto|apixaban|eliquis|edoxaban|lixiana|savaysa|dabigatran|pradaxa/i;

/** Low-molecular-weight heparins (and unfractionated heparin) by the names a medication list writes. */
export const LMWH_NAMES = /enoxaparin|clexane|lovenox|inhixa|dalteparin|fragmin|tinzaparin|innohep|nadroparin|fraxiparin|bemiparin|heparin/i;

/** Low-dose aspirin (acetylsalicylic acid) by the names a medication list writes. */
export const ASPIRIN_NAMES = /aspirin|acetylsalicylic|\basa\b|cardioaspirin|aspegic|nu-seals/i;

/** A recorded medication as the texts name it: "enoxaparin 40 mg daily", with "since 2024-11-25" when asked for. */
export function medicationText(m: { name: string; dose?: string | undefined; since?: string | undefined }, withSince = false): string {
  return `${m.name}${m.dose !== undefined ? ` ${m.dose}` : ""}${withSince && m.since !== undefined ? ` since ${m.since}` : ""}`;
}

/** Methotrexate by its name and brand names. */
const METHOTREXATE = /methotrexate|metoject|otrexup|rasuvo|trexall|jylamvo|xatmep|nordimet|maxtrex|\bmtx\b/i;

/** Mycophenolate (mofetil or mycophenolic acid) by its name and brand names. */
const MYCOPHENOLATE = /mycophenol|cellcept|myfortic|myfenax|ceptava|\bmmf\b/i;

/** Leflunomide (and its active metabolite teriflunomide) by name and brand names. */
const LEFLUNOMIDE = /leflunomide|arava|teriflunomide|aubagio/i;

/**
 * The medicines a therapy of the assessment is itself (or one of its class), by the names a medication list writes:
 * already taken, for the losses or for another reason (tacrolimus after a transplant, hydroxychloroquine for lupus, a
 * systemic glucocorticoid, a TNF-α inhibitor for inflammatory bowel disease). The verdict is about a course for the losses; it
 * is never a reason to stop what she takes, and it is not a second prescription.
 */
export const THERAPY_MEDICINES: Partial<Record<TherapyId, RegExp>> = {
  "lmwh-aspirin": new RegExp(`${LMWH_NAMES.source}|${ASPIRIN_NAMES.source}`, "i"),
  tacrolimus: /tacrolimus|prograf|advagraf|envarsus|adport|modigraf|dailiport/i,
  prednisolone: /prednis|methylprednisolone|medrol|deltacortril|dexamethasone/i,
  hydroxychloroquine: /hydroxychloroquine|plaquenil|quensyl|\bhcq\b/i,
  "tnf-inhibitor": /adalimumab|humira|amgevita|imraldi|hyrimoz|hulio|idacio|yuflyma|infliximab|remicade|inflectra|remsima|flixabi|etanercept|enbrel|benepali|erelzi|certolizumab|cimzia|golimumab|simponi/i,
  ivig: /immunoglobulin|\bivig\b|\bigiv\b|privigen|octagam|gamunex|kiovig|intratect|flebogamma|panzyga|gammaplex|gamimune|hizentra/i,
  "g-csf": /filgrastim|neupogen|zarzio|nivestim|accofil|lenograstim|granocyte|g-csf/i,
  intralipid: /intralipid|lipid emulsion|smoflipid|clinolipid/i,
  progesterone: /progesterone|utrogestan|cyclogest|crinone|prometrium|lubion|prolutex|dydrogesterone|duphaston/i,
  "il2-treg": /aldesleukin|proleukin|interleukin-2|\bil-2\b/i,
};

/** The recorded medications that are the therapy itself (or of its class): empty when none, or for LIT. */
export function therapyAlreadyTaken<M extends { name: string }>(therapy: TherapyId, medications: readonly M[]): M[] {
  const names = THERAPY_MEDICINES[therapy];
  return names === undefined ? [] : medications.filter((m) => names.test(m.name));
}

/**
 * The warnings for one record, each for the prescriber (a Decidua rule from the product information: confirm with
 * the prescriber):
 * - methotrexate (teratogenic and abortifacient): stopped now in a pregnancy, at least 3 months before conception
 *   otherwise;
 * - mycophenolate (first-trimester loss and malformations, a boxed warning): stopped now in a pregnancy, at least
 *   6 weeks before conception otherwise, replaced by a medicine compatible with pregnancy;
 * - leflunomide (teratogenic, with a half-life of weeks): stopped, with a wash-out, before conception;
 * - an oral anticoagulant in a current pregnancy (warfarin embryopathy; direct oral anticoagulants are not used in
 *   pregnancy): replaced by heparin now.
 */
export function medicationWarnings(r: { medications: readonly { name: string; dose?: string | undefined }[]; currentPregnancy?: unknown }): string[] {
  const out: string[] = [];
  const pregnant = r.currentPregnancy !== undefined;
  const named = (re: RegExp) => r.medications.filter((m) => re.test(m.name)).map((m) => medicationText(m));
  const mtx = named(METHOTREXATE);
  if (mtx.length > 0)
    out.push(
      `${mtx.join(", ")} recorded: methotrexate is teratogenic and can cause a miscarriage; ${pregnant ? "in this pregnancy it is stopped now and its prescriber told" : "it is stopped at least 3 months before she tries to conceive, with its prescriber"} (a Decidua rule from the product information; confirm with the prescriber).`,
    );
  const mmf = named(MYCOPHENOLATE);
  if (mmf.length > 0)
    out.push(
      `${mmf.join(", ")} recorded: mycophenolate causes first-trimester losses and malformations and may itself explain losses that happened while she took it; ${pregnant ? "in this pregnancy its prescriber is told now, to replace it" : "it is replaced, with its prescriber, by a medicine compatible with pregnancy at least 6 weeks before she tries to conceive"} (a Decidua rule from the product information's boxed warning; confirm with the prescriber).`,
    );
  const lef = named(LEFLUNOMIDE);
  if (lef.length > 0)
    out.push(
      `${lef.join(", ")} recorded: leflunomide is teratogenic and stays in the body for months; ${pregnant ? "in this pregnancy its prescriber is told now (an accelerated wash-out)" : "it is stopped, with a wash-out its prescriber directs, before she tries to conceive"} (a Decidua rule from the product information; confirm with the prescriber).`,
    );
  const oral = named(ORAL_ANTICOAGULANT);
  if (pregnant && oral.length > 0)
    out.push(`${oral.join(", ")} recorded in a current pregnancy: an oral anticoagulant is replaced by heparin now (warfarin embryopathy; the direct oral anticoagulants are not used in pregnancy), with the specialist (a Decidua rule from the product information).`);
  return out;
}
