/**
 * Input and output of the audit of reported results. Printed numbers may be given as strings (keeping their
 * printed decimals: "1.50") or as numbers (then `decimals` says how many were printed; without it the shortest
 * representation is used, which loses trailing zeros and so widens the rounding interval).
 */
import { z } from "zod";

export const PrintedValueSchema = z.union([z.string().min(1), z.number()]);
export type PrintedValue = z.infer<typeof PrintedValueSchema>;

export const PRelationSchema = z.enum(["=", "<", ">", "<=", ">="]);
export type PRelation = z.infer<typeof PRelationSchema>;

/** A P value as printed: "P<0.00001", "0.04", "= .04", or {relation, value}. */
export const PrintedPSchema = z.union([PrintedValueSchema, z.object({ relation: PRelationSchema, value: PrintedValueSchema })]);

export const ArmCountsSchema = z.object({
  label: z.string().optional(),
  events: z.number().int().nonnegative().optional(),
  total: z.number().int().positive().optional(),
  /** Percentage as printed (events / total * 100). */
  percent: PrintedValueSchema.optional(),
});
export type ArmCounts = z.infer<typeof ArmCountsSchema>;

export const ReportedResultSchema = z.object({
  /** Where the result comes from (file, table, sentence): used in messages only. */
  label: z.string().optional(),
  /** OR, RR, HR, IRR, Peto OR (ratios, log scale); MD, WMD, SMD, RD (differences). */
  measure: z.string().min(1),
  estimate: PrintedValueSchema.optional(),
  ci_low: PrintedValueSchema.optional(),
  ci_high: PrintedValueSchema.optional(),
  /** Confidence level in percent. */
  level: z.number().gt(0).lt(100).default(95),
  z: PrintedValueSchema.optional(),
  p: PrintedPSchema.optional(),
  /** Decimals as printed, for values given as numbers. */
  decimals: z
    .object({
      estimate: z.number().int().nonnegative().optional(),
      ci: z.number().int().nonnegative().optional(),
      z: z.number().int().nonnegative().optional(),
      p: z.number().int().nonnegative().optional(),
    })
    .optional(),
  /** Events and totals (and printed percentages) of the treated and control arms. */
  counts: z.object({ treated: ArmCountsSchema.optional(), control: ArmCountsSchema.optional() }).optional(),
  /** Participants as stated per arm and in total. */
  participants: z
    .object({
      treated: z.number().int().nonnegative().optional(),
      control: z.number().int().nonnegative().optional(),
      total: z.number().int().nonnegative().optional(),
    })
    .optional(),
  /** Every number of studies the text states for this analysis (e.g. [3, 4] when it says both). */
  k_stated: z.array(z.number().int().nonnegative()).optional(),
  /** I² in percent as printed. */
  i2: PrintedValueSchema.optional(),
  /** True for a single trial's own result: the estimate, its CI and P are then checked against the arm counts. */
  single_study: z.boolean().optional(),
});
export type ReportedResult = z.output<typeof ReportedResultSchema>;
export type ReportedResultInput = z.input<typeof ReportedResultSchema>;

export type CheckStatus = "pass" | "fail" | "not checked";

export interface AuditCheck {
  /** Stable check name, e.g. "p-vs-ci". */
  name: string;
  status: CheckStatus;
  detail: string;
}

export interface AuditDerived {
  /** SE on the analysis scale (log for ratios) implied by the CI, with its range allowing for rounding. */
  se?: number;
  se_range?: [number, number];
  /** |Z| and two-sided P implied by the estimate and CI, with ranges allowing for rounding. */
  z?: number;
  z_range?: [number, number];
  p?: number;
  p_range?: [number, number];
  /** Centre of the CI on the natural scale (geometric centre for ratios). */
  ci_centre?: number;
}

export interface AuditResult {
  label?: string;
  measure: string;
  consistent: boolean;
  /** One precise sentence per disagreement: what disagrees and by how much. */
  problems: string[];
  checks: AuditCheck[];
  derived: AuditDerived;
}
