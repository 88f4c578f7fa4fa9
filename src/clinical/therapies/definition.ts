/**
 * One definition per therapy: everything Decidua knows about it in one place — the statuses it can reach, its
 * verdict rule and safety checks, its protocol (and how follow-up results change a plan), its co-interventions and
 * which evidence subgroup to ask about. Its names (clinical and plain, for the patient's voice) come from the one
 * table of names, names.json, keyed by id (therapyLabels). The registry (index.ts) lists the definitions; adding a
 * therapy means its names, one file here and its vignettes.
 */
import NAMES from "./names.json" with { type: "json" };
import type { TherapyId } from "../../shared/therapy-ids.js";
import type { ClinicConfig } from "../config.js";
import type { PatientSubgroup } from "../evidence.js";
import type { Plan, PlanOptions, Protocol } from "../protocols.js";
import type { PatientRecord } from "../record.js";
import type { VerdictStatus } from "../status.js";
import { immunotherapyVerdict, type CoIntervention, type ImmunoSpec, type RuleContext, type SafetyCheck, type VerdictCore } from "../verdicts.js";

export interface TherapyDefinition {
  id: TherapyId;
  /** Clinical name ("Lymphocyte immunisation therapy (LIT)"). */
  name: string;
  /** Plain name for the patient ("lymphocyte immunisation (injections of your partner's white blood cells)"). */
  plainName: string;
  /** Statuses this therapy can reach (no guideline endorses most immunotherapies, so they cannot be "recommended"). */
  applicableStatuses: readonly VerdictStatus[];
  /** Safety checks before starting (ok | problem | unknown). */
  safetyChecks: (ctx: RuleContext) => SafetyCheck[];
  /** What the protocol pairs it with. */
  coInterventions: CoIntervention[];
  /** The verdict rule. */
  verdict: (ctx: RuleContext) => VerdictCore;
  /** The protocol as data (steps, doses, monitoring, stop and continue rules). */
  protocol: (config: ClinicConfig) => Protocol;
  /** How follow-up results after the start change a built plan (e.g. the antibody check after LIT). */
  followUp?: (plan: Plan, r: PatientRecord, opts: PlanOptions) => void;
  /** Evidence mapping: which patient subgroup to ask the evidence base about, most specific first. */
  evidenceSubgroups: readonly PatientSubgroup[];
}

const THERAPY_LABELS = NAMES satisfies Record<TherapyId, { name: string; plainName: string }>;

/** A therapy's id with its clinical and plain names, from the table of names (names.json). */
export function therapyLabels(id: TherapyId): Pick<TherapyDefinition, "id" | "name" | "plainName"> {
  const n = THERAPY_LABELS[id];
  return { id, name: n.name, plainName: n.plainName };
}

/** The statuses of an immunotherapy no guideline endorses: protocol-eligible at best, never "recommended". */
export const IMMUNOTHERAPY_STATUSES: readonly VerdictStatus[] = ["protocol-eligible", "premature", "not-indicated", "contraindicated"];

/** An immunotherapy selected by its trial protocol's rule (`immunotherapyVerdict`), as its file writes it. */
export interface ImmunotherapyParts extends Pick<TherapyDefinition, "safetyChecks" | "evidenceSubgroups" | "followUp"> {
  /** What the protocol pairs it with (default: nothing). */
  coInterventions?: CoIntervention[];
  /** Who the trial protocol selects: losses, markers, criteria and the guideline caveat. */
  selection: ImmunoSpec;
  /** What the rule adds to the protocol's selection (e.g. LIT: the ANA finding as context). */
  refine?: (v: VerdictCore, ctx: RuleContext) => VerdictCore;
  /** The protocol (its therapy is this one); a function when it depends on the clinic's configuration. */
  protocol: ProtocolBody | ((config: ClinicConfig) => ProtocolBody);
}

/** The definition of an immunotherapy: its verdict is the protocol's selection rule, its statuses IMMUNOTHERAPY_STATUSES. */
export function immunotherapy(id: TherapyId, parts: ImmunotherapyParts): TherapyDefinition {
  const { selection, refine, protocol, coInterventions, ...rest } = parts;
  const def: TherapyDefinition = {
    ...therapyLabels(id),
    ...rest,
    applicableStatuses: IMMUNOTHERAPY_STATUSES,
    coInterventions: coInterventions ?? [],
    verdict: (ctx) => {
      const v = immunotherapyVerdict(ctx, def, selection);
      return refine !== undefined ? refine(v, ctx) : v;
    },
    protocol: (config) => ({ therapy: id, ...(typeof protocol === "function" ? protocol(config) : protocol) }),
  };
  return def;
}

/** A protocol as a therapy's file writes it (the factory adds the therapy id). */
export type ProtocolBody = Omit<Protocol, "therapy">;
