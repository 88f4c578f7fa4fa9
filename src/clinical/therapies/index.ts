/**
 * The registry of therapy definitions. Everything per therapy is read from here: names, rules, protocols,
 * plain names, evidence subgroups. A new therapy: its id in src/shared/therapy-ids.ts, one definition file in
 * this folder, one line below, and its vignettes (examples/patients/vignettes/).
 */
import { THERAPY_IDS, type TherapyId } from "../../shared/therapy-ids.js";
import type { VerdictStatus } from "../status.js";
import type { RuleContext, VerdictCore } from "../verdicts.js";
import type { TherapyDefinition } from "./definition.js";
import { gcsf } from "./g-csf.js";
import { hydroxychloroquine } from "./hydroxychloroquine.js";
import { il2Treg } from "./il2-treg.js";
import { intralipid } from "./intralipid.js";
import { ivig } from "./ivig.js";
import { lit } from "./lit.js";
import { lmwhAspirin } from "./lmwh-aspirin.js";
import { prednisolone } from "./prednisolone.js";
import { progesterone } from "./progesterone.js";
import { tacrolimus } from "./tacrolimus.js";
import { tnfInhibitor } from "./tnf-inhibitor.js";

export type { TherapyDefinition } from "./definition.js";

export const THERAPIES: Readonly<Record<TherapyId, TherapyDefinition>> = {
  lit,
  ivig,
  tacrolimus,
  prednisolone,
  "lmwh-aspirin": lmwhAspirin,
  hydroxychloroquine,
  intralipid,
  "tnf-inhibitor": tnfInhibitor,
  "g-csf": gcsf,
  progesterone,
  "il2-treg": il2Treg,
};

function byTherapy<T>(f: (d: TherapyDefinition) => T): Record<TherapyId, T> {
  const out = {} as Record<TherapyId, T>;
  for (const id of THERAPY_IDS) out[id] = f(THERAPIES[id]);
  return out;
}

/** Clinical names, by therapy id (read from the definitions). */
export const THERAPY_NAMES: Readonly<Record<TherapyId, string>> = byTherapy((d) => d.name);
/** Plain names for the patient's summary. */
export const PLAIN_NAMES: Readonly<Record<TherapyId, string>> = byTherapy((d) => d.plainName);
/** Statuses each therapy can reach. */
export const APPLICABLE_STATUSES: Readonly<Record<TherapyId, readonly VerdictStatus[]>> = byTherapy((d) => d.applicableStatuses);
/** Each therapy's verdict rule, by id. */
export const THERAPY_RULES: Readonly<Record<TherapyId, (ctx: RuleContext) => VerdictCore>> = byTherapy((d) => d.verdict);
