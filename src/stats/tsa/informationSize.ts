/**
 * Required information size (RIS) of a meta-analysis of a binary outcome, as the Copenhagen Trial Unit's TSA
 * manual (Thorlund et al. 2011/2017) and Wetterslev et al. (J Clin Epidemiol 2008; BMC Med Res Methodol 2009)
 * define it, and its adjustment for diversity.
 *
 *   Pe  = Pc (1 − RRR)                           (anticipated experimental event proportion)
 *   P   = (Pc + Pe) / 2,  δ = Pc − Pe
 *   RIS = 4 (z_{1−α/2} + z_{1−β})² P (1 − P) / δ²     (total participants, two equal arms, two-sided α)
 *   D²  = (V_R − V_F) / V_R                        (V = variance of the pooled estimate, DL random vs fixed)
 *   RIS_adj = RIS / (1 − D²)
 *
 * The RIS depends only on the anticipated proportions, not on the effect measure the z-curve is computed on.
 * Pure functions.
 */
import { InputError } from "../../shared/errors.js";
import { qnorm } from "./groupSequential.js";

export interface InformationSizeInput {
  /** Control-group event proportion Pc, 0 < Pc < 1. */
  controlRisk: number;
  /** Anticipated relative risk reduction RRR, 0 < RRR < 1 (Pe = Pc (1 − RRR)). */
  rrr: number;
  /** Two-sided type I error (default 0.05). */
  alpha?: number;
  /** Power 1 − β (default 0.8). */
  power?: number;
}

export interface InformationSize {
  controlRisk: number;
  experimentalRisk: number;
  rrr: number;
  alpha: number;
  power: number;
  /** Required information size, total participants (not rounded). */
  ris: number;
}

/** RIS for a binary outcome from Pc and RRR (TSA manual; Wetterslev 2008). */
export function requiredInformationSize(input: InformationSizeInput): InformationSize {
  const alpha = input.alpha ?? 0.05;
  const power = input.power ?? 0.8;
  const pc = input.controlRisk;
  const rrr = input.rrr;
  if (!(pc > 0 && pc < 1)) throw new InputError(`the control event proportion must be between 0 and 1 (got ${pc})`, { field: "controlRisk" });
  if (!(rrr > 0 && rrr < 1)) throw new InputError(`the relative risk reduction must be between 0 and 1 (got ${rrr})`, { field: "rrr" });
  if (!(alpha > 0 && alpha < 1)) throw new InputError(`alpha must be between 0 and 1 (got ${alpha})`, { field: "alpha" });
  if (!(power > 0 && power < 1)) throw new InputError(`power must be between 0 and 1 (got ${power})`, { field: "power" });
  const pe = pc * (1 - rrr);
  const p = (pc + pe) / 2;
  const delta = pc - pe;
  const z = -qnorm(alpha / 2) - qnorm(1 - power);
  const ris = (4 * z * z * p * (1 - p)) / (delta * delta);
  return { controlRisk: pc, experimentalRisk: pe, rrr, alpha, power, ris };
}

/**
 * Diversity D² = (V_R − V_F) / V_R from the standard errors of the pooled estimate under random effects and
 * fixed effect (Wetterslev 2009). 0 when the random-effects variance does not exceed the fixed one.
 */
export function diversity(seRandom: number, seFixed: number): number {
  const vr = seRandom * seRandom;
  const vf = seFixed * seFixed;
  if (!(vr > vf)) return 0;
  return (vr - vf) / vr;
}

/** RIS_adj = RIS / (1 − D²). */
export function diversityAdjusted(ris: number, d2: number): number {
  if (!(d2 >= 0 && d2 < 1)) throw new InputError(`diversity D² must be in [0, 1) (got ${d2})`, { field: "diversity" });
  return ris / (1 - d2);
}
