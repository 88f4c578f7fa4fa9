/**
 * The meta-analysis contract: input rows, options and the result object printed by `decidua meta --json`.
 * Field names follow the JSON contract (and metafor's names where it has them).
 * Analysis scale: log for OR and RR (and Peto OR); raw for RD, MD, SMD and GEN.
 */
import { z } from "zod";

export const MeasureSchema = z.enum(["OR", "RR", "RD", "MD", "SMD", "GEN"]);
export type Measure = z.infer<typeof MeasureSchema>;
export const MethodSchema = z.enum(["IV", "MH", "PETO"]);
export type Method = z.infer<typeof MethodSchema>;
export const ModelSchema = z.enum(["fixed", "random", "auto"]);
export type ModelChoice = z.infer<typeof ModelSchema>;
export const Tau2MethodSchema = z.enum(["DL", "REML", "PM", "ML", "HE", "SJ", "EB", "HS", "HSk", "PMM"]);
export type Tau2Method = z.infer<typeof Tau2MethodSchema>;
export const TestSchema = z.enum(["z", "knha"]);
export type TestType = z.infer<typeof TestSchema>;
/** revman5: RevMan 5.3 (Deeks & Higgins 2010); revman-web: RevMan's 2025 random-effects methods (docs/stats.md). */
export const PresetSchema = z.enum(["revman5", "revman-web"]);
export type Preset = z.infer<typeof PresetSchema>;

/** A number of participants with the event in one arm, and the arm's size (meta-analysis rows, single trials). */
export const EventCountSchema = z.number().int().nonnegative();
export const ArmSizeSchema = z.number().int().positive();

/** One study row as read from CSV/XLSX, after header aliasing. Exactly one data shape is filled. */
export const BinaryDataSchema = z.object({
  kind: z.literal("binary"),
  events_t: EventCountSchema,
  total_t: ArmSizeSchema,
  events_c: EventCountSchema,
  total_c: ArmSizeSchema,
});
export const ContinuousDataSchema = z.object({
  kind: z.literal("continuous"),
  mean_t: z.number(),
  sd_t: z.number().nonnegative(),
  total_t: ArmSizeSchema,
  mean_c: z.number(),
  sd_c: z.number().nonnegative(),
  total_c: ArmSizeSchema,
});
export const GenericDataSchema = z.object({
  kind: z.literal("generic"),
  yi: z.number(),
  vi: z.number().nonnegative(),
});
export const StudyDataSchema = z.discriminatedUnion("kind", [BinaryDataSchema, ContinuousDataSchema, GenericDataSchema]);
export type BinaryData = z.infer<typeof BinaryDataSchema>;
export type ContinuousData = z.infer<typeof ContinuousDataSchema>;
export type GenericData = z.infer<typeof GenericDataSchema>;
export type StudyData = z.infer<typeof StudyDataSchema>;

export const StudyRowSchema = z.object({
  study: z.string().min(1),
  /** 1-based row in the source file (header = 1), for error messages. */
  row: z.number().int().positive().optional(),
  year: z.number().int().optional(),
  subgroup: z.string().optional(),
  /** Moderator values for meta-regression (--mods), as written in the file; numeric or categorical. */
  moderators: z.record(z.string(), z.string()).optional(),
  data: StudyDataSchema,
});
export type StudyRow = z.infer<typeof StudyRowSchema>;

export const MetaOptionsSchema = z.object({
  measure: MeasureSchema.optional(),
  /** Default IV; with the RevMan 5 preset and binary data, MH (resolved in stats/meta.ts from the options given). */
  method: MethodSchema.optional(),
  /** Default: random effects for inverse variance; fixed effect for MH and Peto and for the revman5 preset. */
  model: ModelSchema.optional(),
  tau2: Tau2MethodSchema.default("REML"),
  test: TestSchema.default("z"),
  preset: PresetSchema.optional(),
  /** SMD small-sample correction: metafor's exact Hedges' g (default) or RevMan's approximation. */
  /** Default exact; with the RevMan 5 preset, approx. */
  smdCorrection: z.enum(["exact", "approx"]).optional(),
  subgroup: z.string().optional(),
  leaveOneOut: z.boolean().default(false),
  cumulative: z.boolean().default(false),
  bias: z.boolean().default(false),
  /** Include result.funnel (contour-enhanced funnel plot data); always included when bias is true. */
  funnel: z.boolean().default(false),
  /**
   * Confidence level in percent. A value below 1 is read as metafor's .level() reads it: above 0.5 a proportion
   * (0.95 is 95%), else the alpha (0.05 is 95%).
   */
  level: z
    .number()
    .gt(0)
    .lt(100)
    .transform((l) => (l >= 1 ? l : l > 0.5 ? 100 * l : 100 * (1 - l)))
    .default(95),
  /** Meta-regression on these moderator columns (StudyRow.moderators): numeric, or categorical (dummy coded). */
  mods: z.array(z.string().min(1)).min(1).optional(),
  /** Permutation test of the meta-regression (as metafor permutest): number of random permutations (exact when fewer exist). */
  permutations: z.number().int().positive().max(1_000_000).optional(),
  // The options below have their defaults applied in resolveMetaSettings (fewer zod defaults: cheaper per analysis).
  /** Seed of the random permutations and of the GOSH subset sample (default 20251201). */
  seed: z.number().int().nonnegative().optional(),
  /** Influence diagnostics (metafor influence()), Baujat data. */
  influence: z.boolean().optional(),
  /** GOSH: every subset for k <= 15, else goshSubsets random subsets (default 10,000). */
  gosh: z.boolean().optional(),
  goshSubsets: z.number().int().positive().max(1_000_000).optional(),
  /** Fail-safe N (Rosenthal, Orwin, Rosenberg as metafor fsn). */
  failSafe: z.boolean().optional(),
  /** Profile-likelihood CI for tau² (confint(type = "PL")) beside the Q-profile one. */
  profileCi: z.boolean().optional(),
});
export type MetaOptions = z.input<typeof MetaOptionsSchema>;
export type ResolvedMetaOptions = z.output<typeof MetaOptionsSchema>;

const num = z.number();
const nullableNum = z.number().nullable();
/**
 * A refit's value: null when it could not be fitted (metafor's NA), and infinite where metafor's is (a Knapp-Hartung
 * deletion with no residual: s²w = 0), as a number in the result or as "Inf" / "-Inf" in its JSON.
 */
const refitNum = z.union([z.number(), z.literal(Infinity), z.literal(-Infinity), z.literal("Inf").transform(() => Infinity), z.literal("-Inf").transform(() => -Infinity)]).nullable();

/** Numeric fields of a refit, null when that refit could not be fitted (metafor's NA). */
function refitNumbers<K extends string>(...names: K[]): Record<K, typeof refitNum> {
  const shape = {} as Record<K, typeof refitNum>;
  for (const n of names) shape[n] = refitNum;
  return shape;
}

export const TransformedSchema = z.object({
  estimate: num,
  ci_lb: num,
  ci_ub: num,
  pi_lb: nullableNum,
  pi_ub: nullableNum,
});

export const PooledSchema = z.object({
  estimate: num,
  se: num,
  /** z or t statistic (t with Knapp-Hartung). */
  zval: num,
  pval: num,
  ci_lb: num,
  ci_ub: num,
  /** Prediction interval as metafor's predict(); equals the CI for fixed-effect models. */
  pi_lb: nullableNum,
  pi_ub: nullableNum,
  /** Degrees of freedom of the t distribution with Knapp-Hartung, else null. */
  df: nullableNum,
  /** exp() of the estimate and limits for OR/RR (Peto OR too); absent for RD, MD, SMD, GEN. */
  transformed: TransformedSchema.optional(),
});
export type Pooled = z.infer<typeof PooledSchema>;

export const HeterogeneitySchema = z.object({
  tau2: num,
  tau: num,
  tau2_se: nullableNum,
  /** Q-profile confidence interval for tau² (null for fixed effect or k < 2). */
  tau2_ci: z.tuple([num, num]).nullable(),
  QE: num,
  QE_df: num,
  QE_pval: num,
  /** Percent. */
  I2: num,
  I2_ci: z.tuple([num, num]).nullable(),
  H2: num,
  H2_ci: z.tuple([num, num]).nullable(),
  /** Profile-likelihood CI for tau² (metafor confint(type = "PL")), when asked for (ML/REML fits). */
  tau2_ci_pl: z.tuple([num, num]).optional(),
});
export type Heterogeneity = z.infer<typeof HeterogeneitySchema>;

export const StudyResultSchema = z.object({
  study: z.string(),
  row: z.number().int().optional(),
  year: z.number().int().optional(),
  subgroup: z.string().optional(),
  data: StudyDataSchema,
  /** Effect on the analysis scale, null when excluded. */
  yi: nullableNum,
  vi: nullableNum,
  ci_lb: nullableNum,
  ci_ub: nullableNum,
  /** Weight in percent of the total in the (overall) model; 0 when excluded. */
  weight: num,
  included: z.boolean(),
  /** Why a study was left out (e.g. "double-zero study: no information for OR"). */
  excluded_reason: z.string().optional(),
  /** True when 0.5 was added to the cells of this study. */
  continuity_corrected: z.boolean().default(false),
});
export type StudyResult = z.infer<typeof StudyResultSchema>;

export const SubgroupResultSchema = z.object({
  name: z.string(),
  k: z.number().int(),
  pooled: PooledSchema,
  heterogeneity: HeterogeneitySchema,
});
export type SubgroupResult = z.infer<typeof SubgroupResultSchema>;

/** A leave-one-out row; every value null when the refit could not be fitted (a note says why). */
export const LeaveOneOutRowSchema = z.object({
  omitted: z.string(),
  ...refitNumbers("estimate", "se", "ci_lb", "ci_ub", "pval", "tau2", "I2", "QE"),
});
export const CumulativeRowSchema = LeaveOneOutRowSchema.omit({ omitted: true }).extend({ added: z.string(), k: z.number().int() });

export const BiasSchema = z.object({
  /**
   * Egger (regtest model = "lm", predictor = "sei"): statistic = t of the sei coefficient, df = k - 2 (k - p - 1 with
   * --mods, the moderators in the regression as regtest on a meta-regression: then no limit estimate).
   * intercept/intercept_se = that coefficient (Egger's intercept in the classical SND-on-precision form);
   * limit_* = regtest's limit estimate (effect as sei -> 0) with its t-based CI.
   */
  egger: z.object({
    statistic: num,
    df: num,
    pval: num,
    intercept: num,
    intercept_se: num,
    limit_estimate: num.optional(),
    limit_ci_lb: num.optional(),
    limit_ci_ub: num.optional(),
  }),
  /** Begg (ranktest): Kendall's tau; exact = p from the exact null distribution (no ties). */
  begg: z.object({ tau: num, pval: num, exact: z.boolean().optional() }),
  /** Absent for a meta-regression (trim-and-fill applies to models without moderators, as metafor's trimfill). */
  trimfill: z.object({
    k0: z.number().int(),
    side: z.enum(["left", "right"]),
    estimate: num,
    se: num,
    ci_lb: num,
    ci_ub: num,
    tau2: num,
    pval: num.optional(),
    se_k0: num.optional(),
  }).optional(),
});

export const FunnelDataSchema = z.object({
  /** Points: effect (analysis scale) and its standard error. */
  points: z.array(z.object({ study: z.string(), yi: num, sei: num, filled: z.boolean() })),
  /** Centre line (pooled estimate) and the SE range for drawing pseudo-CI and contour regions. */
  centre: num,
  se_max: num,
  /** Contour levels (two-sided p) for the significance regions around 0 (or the null). */
  contours: z.array(num),
  null_value: num,
});

export type MetaFunnelData = z.infer<typeof FunnelDataSchema>;

export const MetaRegressionSchema = z.object({
  /** The moderator columns and how each entered the model. */
  moderators: z.array(z.object({ name: z.string(), kind: z.enum(["numeric", "categorical"]), levels: z.array(z.string()).optional(), reference: z.string().optional() })),
  k: z.number().int(),
  test: TestSchema,
  tau2: num,
  tau2_se: nullableNum,
  /** Coefficients (intercept first; a categorical moderator gives one per level but the reference). */
  coefficients: z.array(z.object({ name: z.string(), estimate: num, se: num, zval: num, pval: num, ci_lb: num, ci_ub: num })),
  /** Omnibus test of the moderators: chi-square with QM_df (z test) or F(QM_df, QM_df2) (Knapp-Hartung). */
  QM: num,
  QM_df: num,
  QM_df2: nullableNum,
  QM_pval: num,
  /** Residual heterogeneity. */
  QE: num,
  QE_df: num,
  QE_pval: num,
  /** Percent of tau² accounted for (metafor's R², proportional reduction against the intercept-only model). */
  R2: nullableNum,
  I2: num,
  H2: num,
  /** Permutation test (metafor permutest): p-values of QM and of each coefficient. */
  permutation: z
    .object({ exact: z.boolean(), iterations: z.number().int(), seed: z.number().int().nullable(), QM_pval: num, pval: z.array(num) })
    .optional(),
  /** Bubble-plot data (metafor regplot): the first numeric moderator, each study's point and size, the fitted line. */
  bubble: z
    .object({
      moderator: z.string(),
      points: z.array(z.object({ study: z.string(), x: num, yi: num, weight: num })),
      line: z.array(z.object({ x: num, pred: num, ci_lb: num, ci_ub: num })),
    })
    .optional(),
});
export type MetaRegression = z.infer<typeof MetaRegressionSchema>;

/** metafor influence(): one row per included study. */
export const InfluenceRowSchema = z.object({
  study: z.string(),
  /** hat always; the others null when the model without this study could not be fitted (metafor's NA). */
  hat: num,
  ...refitNumbers("rstudent", "dffits", "cook_d", "cov_r", "tau2_del", "QE_del"),
  /** Weight in percent. */
  weight: num,
  /** One value per coefficient (the intercept only for a model without moderators). */
  dfbetas: z.array(refitNum),
  /** True when metafor marks the study influential (any of its criteria met); null (metafor's NA) when the model without it could not be fitted and its hat value does not decide. */
  inf: z.boolean().nullable(),
});
/** y is null when the model without this study could not be fitted. */
export const BaujatPointSchema = z.object({ study: z.string(), x: num, y: refitNum });
export const GoshSchema = z.object({
  /** All 2^k - 1 subsets (exact) or a random sample of that many subsets. */
  exact: z.boolean(),
  subsets: z.number().int(),
  seed: z.number().int().nullable(),
  /** Per subset: number of studies, estimate, I², tau² (aligned arrays). */
  k: z.array(z.number().int()),
  estimate: z.array(num),
  I2: z.array(num),
  tau2: z.array(num),
});
export const FailSafeSchema = z.object({
  rosenthal: z.object({ fsnum: num, alpha: num, pval: num }),
  orwin: z.object({ fsnum: num, target: num }),
  rosenberg: z.object({ fsnum: num, alpha: num, pval: num }),
});
export type MetaBias = z.infer<typeof BiasSchema>;
export type MetaLeaveOneOutRow = z.infer<typeof LeaveOneOutRowSchema>;
export type MetaCumulativeRow = z.infer<typeof CumulativeRowSchema>;

export const MetaResultSchema = z.object({
  measure: MeasureSchema,
  /** Number of studies included in the model. */
  k: z.number().int(),
  model: z.enum(["fixed", "random"]),
  method: MethodSchema,
  tau2_method: Tau2MethodSchema.nullable(),
  test: TestSchema,
  preset: PresetSchema.nullable(),
  /** How the model was chosen: "option" (asked for), "default" (the default for the method or preset) or "auto". */
  model_source: z.enum(["option", "default", "auto"]).optional(),
  level: num,
  pooled: PooledSchema,
  heterogeneity: HeterogeneitySchema,
  studies: z.array(StudyResultSchema),
  subgroups: z.array(SubgroupResultSchema).optional(),
  /** Q across subgroup estimates (df = groups - 1); I² (percent) of that Q as RevMan prints it. */
  subgroup_test: z.object({ Q: num, df: num, pval: num, I2: num.optional() }).optional(),
  leave_one_out: z.array(LeaveOneOutRowSchema).optional(),
  cumulative: z.array(CumulativeRowSchema).optional(),
  bias: BiasSchema.optional(),
  funnel: FunnelDataSchema.optional(),
  meta_regression: MetaRegressionSchema.optional(),
  influence: z.array(InfluenceRowSchema).optional(),
  baujat: z.array(BaujatPointSchema).optional(),
  gosh: GoshSchema.optional(),
  fail_safe: FailSafeSchema.optional(),
  /** Radial (Galbraith) and L'Abbé plot data are derived from `studies` by the plot functions. */
  /** Human notes (e.g. the Cochrane Handbook caution when the model was chosen from I²). */
  notes: z.array(z.string()),
});
export type MetaResult = z.infer<typeof MetaResultSchema>;
