/**
 * Medicines on the record that harm a pregnancy, whatever therapy is considered: a warning at the top of the
 * assessment, for the prescriber. Decidua rules from the drugs' known risks (CITATIONS.decidua: confirm against the
 * product information and local protocol); the teratogenicity of methotrexate and warfarin is stated in their
 * product information (FDA pregnancy category X for methotrexate, stopped at least 3 months before conception).
 */

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

/**
 * The warnings for one record: methotrexate (teratogenic and abortifacient: stopped now in a pregnancy, at least
 * 3 months before conception otherwise); an oral anticoagulant in a current pregnancy (warfarin embryopathy; direct
 * oral anticoagulants are not used in pregnancy): replaced by heparin now.
 */
export function medicationWarnings(r: { medications: readonly { name: string; dose?: string | undefined }[]; currentPregnancy?: unknown }): string[] {
  const out: string[] = [];
  const pregnant = r.currentPregnancy !== undefined;
  const mtx = r.medications.filter((m) => METHOTREXATE.test(m.name));
  if (mtx.length > 0)
    out.push(
      `${mtx.map((m) => medicationText(m)).join(", ")} recorded: methotrexate is teratogenic and can cause a miscarriage; ${pregnant ? "in this pregnancy it is stopped now and its prescriber told" : "it is stopped at least 3 months before she tries to conceive, with its prescriber"} (a Decidua rule from the product information; confirm with the prescriber).`,
    );
  const oral = r.medications.filter((m) => ORAL_ANTICOAGULANT.test(m.name));
  if (pregnant && oral.length > 0)
    out.push(`${oral.map((m) => medicationText(m)).join(", ")} recorded in a current pregnancy: an oral anticoagulant is replaced by heparin now (warfarin embryopathy; the direct oral anticoagulants are not used in pregnancy), with the specialist (a Decidua rule from the product information).`);
  return out;
}
