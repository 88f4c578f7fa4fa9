/** The patient record as the forms edit it (PatientRecordInput, src/clinical/record.ts). */
import type { PatientRecordInput } from "../../clinical/record.js";
import * as U from "../../clinical/units.js";
import { prune, type Json } from "./components/form.js";

export type { PatientRecordInput };

/** Units offered in the forms: the canonical unit first, then the usual alternatives (one spelling each). */
function offered(f: U.UnitFamily, keep?: string[]): string[] {
  const all = Object.keys(f.factors);
  const list = keep ? all.filter((u) => keep.includes(u)) : all;
  return [f.canonical, ...list.filter((u) => u !== f.canonical)];
}

export const UNITS = {
  weight: offered(U.WEIGHT_UNITS),
  percent: offered(U.PERCENT_UNITS),
  tsh: offered(U.TSH_UNITS, ["mU/L", "mIU/L", "µIU/mL"]),
  freeT4: offered(U.FREE_T4_UNITS),
  iga: offered(U.IGA_UNITS),
  tpo: offered(U.TPO_UNITS),
  aclIgG: offered(U.ACL_IGG_UNITS, ["GPL", "GPL-U/mL"]),
  aclIgM: offered(U.ACL_IGM_UNITS, ["MPL", "MPL-U/mL"]),
  b2gpiIgG: offered(U.B2GPI_IGG_UNITS),
  b2gpiIgM: offered(U.B2GPI_IGM_UNITS),
  cytokine: offered(U.CYTOKINE_UNITS, ["pg/mL", "ng/L", "ng/mL"]),
  sst2: offered(U.SST2_UNITS, ["ng/mL", "pg/mL"]),
  creatinine: offered(U.CREATININE_UNITS, ["µmol/L", "mg/dL"]),
  egfr: offered(U.EGFR_UNITS, ["mL/min/1.73m2"]),
} as const;

export function emptyRecord(): Json {
  return { losses: [] };
}

function isObj(x: Json | undefined): x is { [k: string]: Json } {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

/** Drops quantities that have a unit but no value (a unit alone is not a result). */
function dropBareUnits(x: Json): Json {
  if (Array.isArray(x)) return x.map(dropBareUnits);
  if (isObj(x)) {
    const out: { [k: string]: Json } = {};
    for (const [k, v] of Object.entries(x)) {
      if (isObj(v) && "unit" in v && !("value" in v)) continue;
      out[k] = dropBareUnits(v);
    }
    return out;
  }
  return x;
}

/** The draft as it is sent: empty strings and empty sections removed, `losses` always present. */
export function recordForSave(draft: Json | undefined): Json {
  const pruned = prune(dropBareUnits(draft ?? {}));
  const rec: { [k: string]: Json } = isObj(pruned ?? null) ? (pruned as { [k: string]: Json }) : {};
  if (!Array.isArray(rec["losses"])) rec["losses"] = [];
  return rec;
}

/** Short facts for the patient banner. */
export function recordFacts(r: PatientRecordInput | undefined): { losses: number; liveBirths: number; age?: number } {
  return { losses: r?.losses?.length ?? 0, liveBirths: r?.liveBirths?.length ?? 0, age: r?.age };
}
