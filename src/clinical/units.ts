/**
 * Units accepted in a patient record and their conversion to the canonical unit Decidua reasons in.
 * Every conversion is an exact multiplicative factor; units that mean the same thing (mU/L = mIU/L = µIU/mL)
 * have factor 1. Nothing here guesses: a unit that is not listed is rejected by the record schema.
 */

export interface UnitFamily {
  /** The unit every value of this family is converted to. */
  canonical: string;
  /** Accepted unit spelling -> factor to multiply by to get the canonical unit. */
  factors: Readonly<Record<string, number>>;
}

function family<const F extends Record<string, number>>(canonical: string, factors: F): UnitFamily & { factors: F } {
  return { canonical, factors };
}

/** Weight: kg canonical; pounds converted with the exact international pound (0.45359237 kg). */
export const WEIGHT_UNITS = family("kg", { kg: 1, lb: 0.45359237 });

/** Proportion of cells: percent canonical; a fraction (0 to 1) is accepted only when the unit says "fraction". */
export const PERCENT_UNITS = family("%", { "%": 1, fraction: 100 });

/** TSH: mU/L canonical; mIU/L, µIU/mL and uIU/mL are numerically identical. */
export const TSH_UNITS = family("mU/L", { "mU/L": 1, "mIU/L": 1, "µIU/mL": 1, "uIU/mL": 1, "μIU/mL": 1 });

/** Free T4: pmol/L canonical; ng/dL x 12.87 (molar mass of thyroxine 776.87 g/mol). */
export const FREE_T4_UNITS = family("pmol/L", { "pmol/L": 1, "ng/dL": 12.87 });

/** Thyroid peroxidase antibodies: kU/L canonical; IU/mL is the same quantity. */
export const TPO_UNITS = family("kU/L", { "kU/L": 1, "IU/mL": 1 });

/** Anticardiolipin IgG: GPL units (1 GPL = binding of 1 µg/mL affinity-purified IgG aCL). */
export const ACL_IGG_UNITS = family("GPL", { GPL: 1, "GPL-U/mL": 1, "GPL U/mL": 1, "GPLU/mL": 1 });
/** Anticardiolipin IgM: MPL units. */
export const ACL_IGM_UNITS = family("MPL", { MPL: 1, "MPL-U/mL": 1, "MPL U/mL": 1, "MPLU/mL": 1 });
/** Anti-β2-glycoprotein I: U/mL (SGU for IgG, SMU for IgM are the same numbers on the same assays). */
export const B2GPI_IGG_UNITS = family("U/mL", { "U/mL": 1, SGU: 1 });
export const B2GPI_IGM_UNITS = family("U/mL", { "U/mL": 1, SMU: 1 });

/** Cytokines, IL-33: pg/mL canonical; ng/L is identical, ng/mL is 1000 pg/mL. */
export const CYTOKINE_UNITS = family("pg/mL", { "pg/mL": 1, "ng/L": 1, "ng/mL": 1000 });
/** sST2 is usually reported in ng/mL: canonical ng/mL. */
export const SST2_UNITS = family("ng/mL", { "ng/mL": 1, "pg/mL": 0.001, "ng/L": 0.001 });

/** Creatinine: µmol/L canonical; mg/dL x 88.42. */
export const CREATININE_UNITS = family("µmol/L", { "µmol/L": 1, "umol/L": 1, "μmol/L": 1, "mg/dL": 88.42 });
/** eGFR: mL/min/1.73 m². */
export const EGFR_UNITS = family("mL/min/1.73m2", { "mL/min/1.73m2": 1, "mL/min/1.73 m²": 1, "mL/min": 1 });

/** Serum IgA: g/L canonical; mg/dL x 0.01. */
export const IGA_UNITS = family("g/L", { "g/L": 1, "mg/dL": 0.01 });

export function unitNames(f: UnitFamily): [string, ...string[]] {
  const names = Object.keys(f.factors);
  const first = names[0];
  if (first === undefined) throw new Error("empty unit family");
  return [first, ...names.slice(1)];
}

/** Converts a value in `unit` to the family's canonical unit. Throws on an unknown unit (a programming error: the schema checks units first). */
export function toCanonical(f: UnitFamily, value: number, unit: string): number {
  const factor = f.factors[unit];
  if (factor === undefined) throw new Error(`unit ${unit} is not in the ${f.canonical} family`);
  return factor === 1 ? value : value * factor;
}

/** Rounds a dose to the nearest multiple of the smallest available strength, or inside a range (see doses in protocols.ts). */
export function roundTo(value: number, step: number): number {
  return Math.round(value / step) * step;
}

/**
 * eGFR of a woman from serum creatinine by the CKD-EPI 2021 equation without race (Inker LA et al., N Engl J Med
 * 2021;385:1737-49): 142 x min(Scr/0.7, 1)^-0.241 x max(Scr/0.7, 1)^-1.200 x 0.9938^age x 1.012, Scr in mg/dL
 * (creatinine in µmol/L / 88.42), in mL/min/1.73 m². Decidua's patients are women; the male constants are not used.
 */
export function ckdEpi2021Female(creatinineUmolPerL: number, age: number): number {
  const scr = creatinineUmolPerL / 88.42;
  const r = scr / 0.7;
  return 142 * Math.min(r, 1) ** -0.241 * Math.max(r, 1) ** -1.2 * 0.9938 ** age * 1.012;
}
