/**
 * Trial sequential analysis of a cumulative meta-analysis of a binary outcome (Wetterslev et al. 2008, 2009;
 * Thorlund et al., TSA manual 2011/2017; Copenhagen Trial Unit's TSA program):
 *
 * 1. the required information size for the anticipated effect, adjusted by the diversity D² (informationSize.ts);
 * 2. the cumulative z-curve in the file's study order (DerSimonian–Laird random effects as the TSA program, or
 *    fixed effect), one look per study added;
 * 3. Lan–DeMets O'Brien–Fleming alpha-spending monitoring boundaries (two-sided) at the accrued information
 *    fractions t = participants / RIS_adj, and non-binding beta-spending futility boundaries (an inner wedge)
 *    for a design whose last look is at the RIS (groupSequential.ts);
 * 4. the TSA-adjusted confidence interval at the last look (estimate ± boundary × SE) and a plain conclusion.
 *
 * Information beyond the RIS: the TSA program computes the boundaries up to the RIS. The first look at or beyond
 * it is treated as the final analysis (fraction 1: all remaining alpha is spent there); later looks are compared
 * with that final boundary, which is held constant (drawn flat past the RIS).
 *
 * Pure: rows in, result out.
 */
import { z } from "zod";
import { InputError } from "../../shared/errors.js";
import { effectSizes, studyDataKind } from "../core/escalc.js";
import { rmaUni } from "../core/rma.js";
import type { StudyRow } from "../types.js";
import { groupSequentialDesign, qnorm } from "./groupSequential.js";
import { diversity, diversityAdjusted, requiredInformationSize } from "./informationSize.js";

export const TsaMeasureSchema = z.enum(["RR", "OR", "RD"]);
export type TsaMeasure = z.infer<typeof TsaMeasureSchema>;

export const TsaOptionsSchema = z.object({
  measure: TsaMeasureSchema,
  /** Control-group event proportion Pc. */
  controlRisk: z.number().gt(0).lt(1),
  /** Anticipated relative risk reduction RRR. */
  rrr: z.number().gt(0).lt(1),
  alpha: z.number().gt(0).lt(0.5).default(0.05),
  power: z.number().gt(0.5).lt(1).default(0.8),
  /** "auto": D² from the DerSimonian–Laird fit of all studies (0 under a fixed-effect model); or a value in [0, 1). */
  diversity: z.union([z.literal("auto"), z.number().min(0).lt(1)]).default("auto"),
  model: z.enum(["random", "fixed"]).default("random"),
});
export type TsaOptions = z.input<typeof TsaOptionsSchema>;
type ResolvedTsaOptions = z.output<typeof TsaOptionsSchema>;

export interface TsaLook {
  study: string;
  row: number | null;
  /** Cumulative participants. */
  n: number;
  /** Information fraction n / RIS_adj (may exceed 1). */
  fraction: number;
  /** Cumulative pooled estimate (analysis scale: log for RR/OR), its SE, z and tau² (0 under fixed effect). */
  estimate: number;
  se: number;
  z: number;
  tau2: number;
  /** Two-sided monitoring boundary on |z| (Infinity where no alpha can be spent yet). */
  boundary: number;
  /** Inner futility boundary on |z|; null where the design has none (early looks, and at or past the RIS). */
  futility: number | null;
}

export type TsaStatus = "boundary_crossed" | "futility" | "ris_reached" | "inconclusive";

export interface TsaConclusion {
  status: TsaStatus;
  /** Direction of the effect at the deciding look (z < 0: fewer events with the experimental intervention). */
  direction: "fewer_events" | "more_events" | null;
  /** Study at whose addition the decision was reached (null when inconclusive). */
  study: string | null;
  text: string;
}

export interface TsaResult {
  measure: TsaMeasure;
  model: "random" | "fixed";
  alpha: number;
  power: number;
  control_risk: number;
  experimental_risk: number;
  rrr: number;
  /** Required information size (participants), unadjusted. */
  ris: number;
  /** D² used, and where it came from. */
  diversity: number;
  diversity_source: "auto" | "given";
  /** I² of the final DerSimonian–Laird fit (percent), for comparison with D². */
  I2: number;
  ris_adjusted: number;
  /** Participants in the studies of the z-curve. */
  accrued: number;
  /** accrued / ris_adjusted. */
  information_fraction: number;
  k: number;
  looks: TsaLook[];
  /** The monitoring boundary at the RIS (fraction 1) of the design the futility wedge belongs to. */
  final_boundary: number;
  /** Drift (expected z at the RIS) at which the futility wedge closes on the final boundary. */
  futility_drift: number;
  /** TSA-adjusted CI at the last look: estimate ± boundary × SE (analysis scale). */
  adjusted_ci: { estimate: number; se: number; critical: number; ci_lb: number; ci_ub: number; level: number };
  /** The conventional CI at the last look, for comparison. */
  naive_ci: { ci_lb: number; ci_ub: number; level: number };
  conclusion: TsaConclusion;
  excluded: { study: string; reason: string }[];
  notes: string[];
}

function parseOptions(options: TsaOptions): ResolvedTsaOptions {
  const parsed = TsaOptionsSchema.safeParse(options);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new InputError(issue?.message ?? "invalid options", { field: String(issue?.path[0] ?? "options") });
}

const pct = (x: number): string => `${(100 * x).toFixed(x < 0.1 ? 1 : 0)}%`;
const f2 = (x: number): string => (Number.isFinite(x) ? x.toFixed(2) : x > 0 ? "infinite" : "-infinite");

/** Runs the trial sequential analysis of binary study rows (in file order). */
export function trialSequentialAnalysis(rows: readonly StudyRow[], options: TsaOptions): TsaResult {
  const o = parseOptions(options);
  if (rows.length === 0) throw new InputError("no studies: the data set is empty");
  if (studyDataKind(rows) !== "binary") {
    throw new InputError("trial sequential analysis needs event counts and participants per arm (columns events_t, total_t, events_c, total_c)");
  }
  const es = effectSizes(rows, o.measure);
  const idx: number[] = [];
  const excluded: { study: string; reason: string }[] = [];
  for (let i = 0; i < rows.length; i++) {
    if (es.included[i] === 1) idx.push(i);
    else excluded.push({ study: (rows[i] as StudyRow).study, reason: es.reasons[i] ?? "not estimable" });
  }
  if (idx.length === 0) throw new InputError(`no study has an estimable ${o.measure}`);
  const k = idx.length;
  const yi = new Float64Array(k);
  const vi = new Float64Array(k);
  idx.forEach((i, j) => {
    yi[j] = es.yi[i] as number;
    vi[j] = es.vi[i] as number;
  });

  const size = requiredInformationSize({ controlRisk: o.controlRisk, rrr: o.rrr, alpha: o.alpha, power: o.power });
  const finalRandom = rmaUni(yi, vi, { method: "DL" });
  const finalFixed = rmaUni(yi, vi, { method: "FE" });
  let d2: number;
  if (o.diversity === "auto") d2 = o.model === "fixed" ? 0 : diversity(finalRandom.se, finalFixed.se);
  else d2 = o.diversity;
  const risAdj = diversityAdjusted(size.ris, d2);

  // The z-curve: one cumulative fit per study added.
  const looks: TsaLook[] = [];
  let n = 0;
  for (let j = 0; j < k; j++) {
    const r = rows[idx[j] as number] as StudyRow;
    const d = r.data as Extract<StudyRow["data"], { kind: "binary" }>;
    n += d.total_t + d.total_c;
    const fit = rmaUni(yi.subarray(0, j + 1), vi.subarray(0, j + 1), { method: o.model === "random" ? "DL" : "FE" });
    looks.push({ study: r.study, row: r.row ?? null, n, fraction: n / risAdj, estimate: fit.beta, se: fit.se, z: fit.zval, tau2: fit.tau2, boundary: Infinity, futility: null });
  }

  // Boundaries: looks before the RIS, then the final analysis at fraction 1.
  const before = looks.filter((l) => l.fraction < 1);
  const fractions = [...before.map((l) => l.fraction), 1];
  const alphaDesign = groupSequentialDesign(fractions, o.alpha, 1 - o.power);
  const finalBoundary = alphaDesign.boundaries[fractions.length - 1] as number;
  const futilityDesign = alphaDesign.futility;
  looks.forEach((l, j) => {
    if (j < before.length) {
      l.boundary = alphaDesign.boundaries[j] as number;
      l.futility = futilityDesign.futility[j] ?? null;
    } else l.boundary = finalBoundary;
  });

  const last = looks[looks.length - 1] as TsaLook;
  const level = 100 * (1 - o.alpha);
  const adjusted_ci = {
    estimate: last.estimate,
    se: last.se,
    critical: last.boundary,
    ci_lb: last.estimate - last.boundary * last.se,
    ci_ub: last.estimate + last.boundary * last.se,
    level,
  };
  const zc = criticalZ(o.alpha);
  const naive_ci = { ci_lb: last.estimate - zc * last.se, ci_ub: last.estimate + zc * last.se, level };

  const notes: string[] = [];
  if (excluded.length > 0) notes.push(`${excluded.length} stud${excluded.length === 1 ? "y" : "ies"} not estimable for ${o.measure} left out of the z-curve and the accrued information`);
  if (o.diversity === "auto" && o.model === "fixed") notes.push("fixed-effect model: no diversity adjustment (D² = 0, model-variance based as the TSA program)");
  if (looks.some((l) => l.fraction >= 1)) notes.push("the accrued information reached the required information size: the first look at or past it is the final analysis (all remaining alpha spent), later looks use that boundary");
  if (k < 2) notes.push("a single study: the z-curve has one look");

  const conclusion = concludeTsa(looks, o, risAdj, finalBoundary);
  return {
    measure: o.measure,
    model: o.model,
    alpha: o.alpha,
    power: o.power,
    control_risk: size.controlRisk,
    experimental_risk: size.experimentalRisk,
    rrr: size.rrr,
    ris: size.ris,
    diversity: d2,
    diversity_source: o.diversity === "auto" ? "auto" : "given",
    I2: finalRandom.I2,
    ris_adjusted: risAdj,
    accrued: last.n,
    information_fraction: last.n / risAdj,
    k,
    looks,
    final_boundary: finalBoundary,
    futility_drift: futilityDesign.drift,
    adjusted_ci,
    naive_ci,
    conclusion,
    excluded,
    notes,
  };
}

function criticalZ(alpha: number): number {
  return -qnorm(alpha / 2);
}

/** The plain conclusion: the first boundary the z-curve meets decides; never more certain than that. */
export function concludeTsa(looks: readonly TsaLook[], o: Pick<ResolvedTsaOptions, "rrr" | "alpha" | "power">, risAdj: number, finalBoundary: number): TsaConclusion {
  const effect = `a relative risk reduction of ${pct(o.rrr)}`;
  for (const l of looks) {
    if (Math.abs(l.z) >= l.boundary) {
      const dir = l.z < 0 ? "fewer_events" : "more_events";
      const what = dir === "fewer_events" ? "fewer events with the experimental intervention" : "more events with the experimental intervention";
      return {
        status: "boundary_crossed",
        direction: dir,
        study: l.study,
        text:
          `The cumulative z-curve crossed the trial sequential monitoring boundary at ${l.study} (z = ${f2(l.z)}, boundary ±${f2(l.boundary)}, ` +
          `${l.n} of ${Math.ceil(risAdj)} participants required): the evidence is firm, by the TSA criterion, for ${what}. ` +
          `This controls random error only; bias in the trials is not addressed.`,
      };
    }
    if (l.futility !== null && Math.abs(l.z) < l.futility) {
      return {
        status: "futility",
        direction: null,
        study: l.study,
        text:
          `The z-curve entered the futility region at ${l.study} (|z| = ${f2(Math.abs(l.z))} < ${f2(l.futility)}): ${effect} is unlikely ` +
          `(α ${o.alpha}, power ${pct(o.power)}); a smaller effect is not excluded.`,
      };
    }
    if (l.fraction >= 1) {
      return {
        status: "ris_reached",
        direction: null,
        study: l.study,
        text:
          `The required information size (${Math.ceil(risAdj)} participants) was reached at ${l.study} without crossing the monitoring boundary ` +
          `(|z| = ${f2(Math.abs(l.z))} < ${f2(finalBoundary)}): ${effect} is unlikely; a smaller effect is not excluded.`,
      };
    }
  }
  const last = looks[looks.length - 1] as TsaLook;
  const conventional = Math.abs(last.z) >= criticalZ(o.alpha);
  return {
    status: "inconclusive",
    direction: null,
    study: null,
    text:
      `Not yet conclusive: ${last.n} of ${Math.ceil(risAdj)} required participants (${pct(last.n / risAdj)}) and the z-curve (z = ${f2(last.z)}) has crossed neither the monitoring boundary (±${f2(last.boundary)}) nor the futility boundary` +
      (conventional ? "; the conventional significance it shows may be a random error of sparse data and repeated testing." : ". Neither benefit, harm nor the absence of the anticipated effect is shown."),
  };
}
