/**
 * A reviewer's GRADE ratings: the outcomes of a Summary-of-Findings table, the five GRADE domains, and a domain
 * rating that replaces the computed one only with a written reason. Kept apart from grade-outcomes.ts so that the
 * evidence-base schema (a therapy's published `gradeOverrides`) and the GRADE engine read one definition.
 */
import { z } from "zod";

export const SOF_OUTCOMES = ["live-birth", "ongoing-pregnancy", "miscarriage", "adverse-events", "preterm-birth", "congenital-anomalies"] as const;
export const SofOutcomeSchema = z.enum(SOF_OUTCOMES);
export type SofOutcome = z.infer<typeof SofOutcomeSchema>;

export const GRADE_DOMAINS = ["riskOfBias", "inconsistency", "indirectness", "imprecision", "publicationBias"] as const;
export type GradeDomainName = (typeof GRADE_DOMAINS)[number];

/** A reviewer's rating of one domain, replacing the computed one: only with a written reason. */
export const GradeDomainOverrideSchema = z
  .object({
    downgrade: z.union([z.literal(0), z.literal(1), z.literal(2)]),
    reason: z.string().trim().min(1, "an override needs a written reason"),
  })
  .strict();
export type GradeDomainOverride = z.infer<typeof GradeDomainOverrideSchema>;

/** Per outcome, per domain: e.g. { "live-birth": { indirectness: { downgrade: 1, reason: "…" } } }. */
export const GradeOverridesSchema = z.partialRecord(SofOutcomeSchema, z.partialRecord(z.enum(GRADE_DOMAINS), GradeDomainOverrideSchema));
export type GradeOverrides = z.infer<typeof GradeOverridesSchema>;
