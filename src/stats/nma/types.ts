/**
 * The network meta-analysis contract: prepared studies (what the model fits), options, and the result object
 * printed by `decidua nma --json`. Analysis scale: log for OR and RR, raw for RD, MD, SMD and GEN.
 */
import { z } from "zod";

export const NmaMeasureSchema = z.enum(["OR", "RR", "RD", "MD", "SMD", "GEN"]);
export type NmaMeasure = z.infer<typeof NmaMeasureSchema>;
export const NmaModelSchema = z.enum(["fixed", "random"]);
export type NmaModel = z.infer<typeof NmaModelSchema>;
export const NmaTau2MethodSchema = z.enum(["REML", "DL"]);
export type NmaTau2Method = z.infer<typeof NmaTau2MethodSchema>;

/** One treatment arm as read from an arm-level file. */
export type NmaArm =
  | { kind: "binary"; treatment: string; events: number; total: number; row?: number }
  | { kind: "continuous"; treatment: string; mean: number; sd: number; total: number; row?: number };

/** One contrast row: yi = effect of treatment1 relative to treatment2 (as netmeta's TE), vi = sei². */
export interface NmaContrastRow {
  treatment1: string;
  treatment2: string;
  yi: number;
  vi: number;
  row?: number;
}

/** A study as read: its arms, or its contrasts. */
export type NmaStudyInput =
  | { study: string; row?: number; kind: "arms"; arms: NmaArm[] }
  | { study: string; row?: number; kind: "contrasts"; contrasts: NmaContrastRow[] };

/**
 * A study ready for the model: arms[0] is its baseline; y[i] is the effect of arms[i + 1] relative to arms[0], and V
 * their (arms - 1) x (arms - 1) sampling covariance (row-major).
 */
export interface NmaStudy {
  study: string;
  row?: number;
  arms: string[];
  y: Float64Array;
  V: Float64Array;
  /** Participants in the study (sum of the arm totals), null for contrast input. */
  participants: number | null;
  /** Participants per arm (same order as arms), null for contrast input. */
  armTotals: number[] | null;
  /** 0.5 was added to the events and non-events of every arm (a zero cell in some arm). */
  corrected: boolean;
}

export interface NmaData {
  kind: "binary" | "continuous" | "contrast";
  measure: NmaMeasure;
  studies: NmaStudy[];
  /** Studies left out, with the reason (double-zero studies for OR and RR). */
  excluded: { study: string; reason: string }[];
  /** Treatments of the studies left out (a treatment only there is not in the network). */
  droppedTreatments?: string[];
}

export const NmaOptionsSchema = z.object({
  measure: NmaMeasureSchema.optional(),
  /** Reference treatment; default: the treatment in the most studies (ties: the first in the file). */
  reference: z.string().min(1).optional(),
  model: NmaModelSchema.optional(),
  tau2: NmaTau2MethodSchema.optional(),
  /** The outcome is good (e.g. live birth): larger effects rank higher in the P-scores. */
  largerBetter: z.boolean().optional(),
  /** Confidence level in percent (default 95). */
  level: z.number().gt(0).lt(100).optional(),
});
export type NmaOptions = z.infer<typeof NmaOptionsSchema>;

const Num = z.number();
const NumOrNull = z.number().nullable();

export const NmaEstimateSchema = z.object({
  treatment: z.string(),
  estimate: Num,
  se: Num,
  ci_lb: Num,
  ci_ub: Num,
  zval: Num,
  pval: Num,
});
export type NmaEstimate = z.infer<typeof NmaEstimateSchema>;

const QTest = z.object({ Q: Num, df: z.number().int(), pval: NumOrNull });
export type NmaQTest = z.infer<typeof QTest>;

const Interval = z.object({ estimate: Num, se: Num, ci_lb: Num, ci_ub: Num });

export const NmaResultSchema = z.object({
  measure: NmaMeasureSchema,
  /** "binary" or "continuous" arm-level input, or "contrast" input. */
  input: z.enum(["binary", "continuous", "contrast"]),
  model: NmaModelSchema,
  tau2_method: NmaTau2MethodSchema.nullable(),
  level: Num,
  reference: z.string(),
  /** Number of studies, treatments, contrasts (sum of arms - 1) and designs. */
  k: z.number().int(),
  n: z.number().int(),
  m: z.number().int(),
  designs: z.number().int(),
  multi_arm: z.number().int(),
  treatments: z.array(z.object({ treatment: z.string(), studies: z.number().int(), participants: z.number().nullable() })),
  /** Every treatment relative to the reference (analysis scale). */
  estimates: z.array(NmaEstimateSchema),
  heterogeneity: z.object({ tau2: Num, tau: Num, Q: Num, Q_df: z.number().int(), Q_pval: NumOrNull, I2: NumOrNull }),
  inconsistency: z.object({
    total: QTest,
    within_designs: QTest,
    between_designs: QTest,
    /** Between-designs Q when tau² of the full design-by-treatment interaction model (DL) is added (netmeta). */
    between_designs_random: QTest.extend({ tau2_within: Num }).nullable(),
    by_design: z.array(z.object({ design: z.string(), studies: z.number().int(), Q: Num, df: z.number().int(), pval: NumOrNull })),
  }),
  node_split: z.array(
    z.object({
      comparison: z.string(),
      treatment1: z.string(),
      treatment2: z.string(),
      k: z.number().int(),
      direct_proportion: Num,
      nma: Interval,
      direct: Interval,
      indirect: Interval,
      difference: z.object({ estimate: Num, se: Num, zval: Num, pval: Num }),
    }),
  ),
  league: z.object({
    orientation: z.string(),
    treatments: z.array(z.string()),
    cells: z.array(z.array(Interval.nullable())),
  }),
  pscores: z.array(z.object({ treatment: z.string(), pscore: Num })),
  pscore_direction: z.enum(["larger is better", "smaller is better"]),
  studies: z.array(
    z.object({
      study: z.string(),
      arms: z.array(z.string()),
      design: z.string(),
      participants: z.number().nullable(),
      continuity_corrected: z.boolean(),
    }),
  ),
  excluded: z.array(z.object({ study: z.string(), reason: z.string() })),
  edges: z.array(z.object({ treatment1: z.string(), treatment2: z.string(), studies: z.number().int() })),
  notes: z.array(z.string()),
});
export type NmaResult = z.infer<typeof NmaResultSchema>;
