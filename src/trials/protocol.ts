/**
 * A trial protocol as data (zod): registration id, arms and allocation ratio, stratification factors, target size,
 * the randomisation method, the visit schedule with windows, eligibility rules over the patient record, and the
 * non-randomised comparison groups (e.g. healthy pregnant controls), which are groups of the trial, not arms.
 */
import { z } from "zod";
import { InputError } from "../shared/errors.js";
import { TherapyIdSchema } from "../shared/therapies.js";
import { IMMUNE_MARKER_IDS } from "../clinical/immune.js";

/** Ids inside a protocol: lower-case letters, digits, hyphens and underscores. */
export const TrialIdSchema = z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, "ids are lower-case letters, digits, hyphens and underscores");

export const ImmuneMarkerSchema = z.enum(IMMUNE_MARKER_IDS);

/** One eligibility rule over the patient record; every rule reads a clinical finding (src/clinical). */
export type Criterion =
  | { kind: "unexplained-losses"; min: number; label?: string | undefined }
  | { kind: "rpl-definition"; definition: "eshre" | "rcog"; label?: string | undefined }
  | { kind: "marker"; marker: z.infer<typeof ImmuneMarkerSchema>; status: "abnormal" | "normal"; label?: string | undefined }
  | { kind: "age"; min?: number | undefined; max?: number | undefined; label?: string | undefined }
  | { kind: "aps"; met: boolean; label?: string | undefined }
  | { kind: "workup-complete"; label?: string | undefined }
  | { kind: "any"; of: Criterion[]; label?: string | undefined }
  | { kind: "all"; of: Criterion[]; label?: string | undefined };

export const CriterionSchema: z.ZodType<Criterion> = z.lazy(() =>
  z.discriminatedUnion("kind", [
    z.strictObject({ kind: z.literal("unexplained-losses"), min: z.number().int().min(1).max(20), label: z.string().optional() }),
    z.strictObject({ kind: z.literal("rpl-definition"), definition: z.enum(["eshre", "rcog"]), label: z.string().optional() }),
    z.strictObject({ kind: z.literal("marker"), marker: ImmuneMarkerSchema, status: z.enum(["abnormal", "normal"]), label: z.string().optional() }),
    z
      .strictObject({ kind: z.literal("age"), min: z.number().int().min(12).max(65).optional(), max: z.number().int().min(12).max(65).optional(), label: z.string().optional() })
      .refine((a) => a.min !== undefined || a.max !== undefined, { message: "an age rule needs min or max" }),
    z.strictObject({ kind: z.literal("aps"), met: z.boolean(), label: z.string().optional() }),
    z.strictObject({ kind: z.literal("workup-complete"), label: z.string().optional() }),
    z.strictObject({ kind: z.literal("any"), of: z.array(CriterionSchema).min(1), label: z.string().optional() }),
    z.strictObject({ kind: z.literal("all"), of: z.array(CriterionSchema).min(1), label: z.string().optional() }),
  ]),
);

export const StratumLevelSchema = z.strictObject({
  id: TrialIdSchema,
  label: z.string().min(1).optional(),
  /** How the level is read from the patient record (optional: without it the level is entered at enrolment). */
  criterion: CriterionSchema.optional(),
});

export const StratificationFactorSchema = z.strictObject({
  id: TrialIdSchema,
  label: z.string().min(1).optional(),
  levels: z.array(StratumLevelSchema).min(2),
  /** Weight of the factor in minimisation (default 1). */
  weight: z.number().positive().default(1),
});

export const ArmSchema = z.strictObject({
  id: TrialIdSchema,
  label: z.string().min(1),
  /** The arm receives placebo (kits look identical). */
  placebo: z.boolean().default(false),
});

export const ComparisonGroupSchema = z.strictObject({
  id: TrialIdSchema,
  label: z.string().min(1),
  description: z.string().optional(),
});

export const VisitSchema = z.strictObject({
  id: TrialIdSchema,
  label: z.string().min(1),
  /** Target day counted from the anchor (day 0 = randomisation, or the date of conception / a positive test). */
  day: z.number().int().min(0).max(2000),
  anchor: z.enum(["randomisation", "conception"]).default("randomisation"),
  /** Days the visit may take place before and after its target day. */
  windowBefore: z.number().int().min(0).max(365).default(0),
  windowAfter: z.number().int().min(0).max(365).default(0),
});

export const RandomisationSchema = z.discriminatedUnion("method", [
  z.strictObject({
    method: z.literal("permuted-blocks"),
    /** Block sizes; each a multiple of the sum of the ratio; one is drawn at random for every block. */
    blockSizes: z.array(z.number().int().positive()).min(1),
  }),
  z.strictObject({
    method: z.literal("minimisation"),
    /** Probability of allocating to the arm that minimises imbalance (Pocock–Simon random element). */
    probability: z.number().gt(0).max(1).default(0.8),
  }),
]);

export const OutcomeDefinitionSchema = z.strictObject({
  id: TrialIdSchema,
  label: z.string().min(3),
  kind: z.enum(["live-birth", "healthy-newborn", "miscarriage", "clinical-pregnancy", "ongoing-pregnancy", "birth-weight"]),
});

export const TrialProtocolSchema = z
  .strictObject({
    /** Registry id, e.g. NCT01234567, ChiCTR2000012345, IRCT20200101046123N1, ISRCTN12345678. */
    registration: z.string().regex(/^[A-Za-z][A-Za-z0-9-]{4,40}$/, "a registry id such as NCT01234567 or ChiCTR2000012345"),
    title: z.string().min(5),
    therapy: TherapyIdSchema,
    blinding: z.enum(["double-blind", "single-blind", "open"]),
    arms: z.array(ArmSchema).min(2).max(6),
    /** Allocation ratio, one whole number per arm (e.g. [1, 1] or [2, 1]). */
    ratio: z.array(z.number().int().min(1).max(10)),
    strata: z.array(StratificationFactorSchema).default([]),
    randomisation: RandomisationSchema,
    targetSize: z.number().int().min(2).max(100000),
    groups: z.array(ComparisonGroupSchema).default([]),
    visits: z.array(VisitSchema).default([]),
    eligibility: z.strictObject({ inclusion: z.array(CriterionSchema).min(1), exclusion: z.array(CriterionSchema).default([]) }),
    primaryOutcome: OutcomeDefinitionSchema,
    secondaryOutcomes: z.array(OutcomeDefinitionSchema).default([]),
    /** Information-sheet versions in use (consent records one of them). */
    informationSheets: z.array(z.string().min(1)).min(1).default(["1.0"]),
  })
  .superRefine((p, ctx) => {
    if (p.ratio.length !== p.arms.length) ctx.addIssue({ code: "custom", path: ["ratio"], message: `${p.ratio.length} ratio parts for ${p.arms.length} arms` });
    const ids = new Set<string>();
    for (const [i, a] of p.arms.entries()) {
      if (ids.has(a.id)) ctx.addIssue({ code: "custom", path: ["arms", i, "id"], message: `arm "${a.id}" appears twice` });
      ids.add(a.id);
    }
    for (const [i, g] of p.groups.entries()) if (ids.has(g.id)) ctx.addIssue({ code: "custom", path: ["groups", i, "id"], message: `"${g.id}" is already an arm id` });
    if (p.randomisation.method === "permuted-blocks") {
      const unit = p.ratio.reduce((s, r) => s + r, 0);
      for (const [i, b] of p.randomisation.blockSizes.entries())
        if (b % unit !== 0) ctx.addIssue({ code: "custom", path: ["randomisation", "blockSizes", i], message: `block size ${b} is not a multiple of ${unit} (the sum of the ratio ${p.ratio.join(":")})` });
    }
    const visitIds = new Set<string>();
    for (const [i, v] of p.visits.entries()) {
      if (visitIds.has(v.id)) ctx.addIssue({ code: "custom", path: ["visits", i, "id"], message: `visit "${v.id}" appears twice` });
      visitIds.add(v.id);
    }
  });
export type TrialProtocol = z.output<typeof TrialProtocolSchema>;
export type TrialProtocolInput = z.input<typeof TrialProtocolSchema>;
export type Visit = z.output<typeof VisitSchema>;
export type StratificationFactor = z.output<typeof StratificationFactorSchema>;

/** Validates a protocol; throws InputError naming the field path. */
export function parseProtocol(input: unknown, file?: string): TrialProtocol {
  const r = TrialProtocolSchema.safeParse(input);
  if (!r.success) {
    const i = r.error.issues[0];
    const loc: { file?: string; field?: string } = { field: (i?.path ?? []).map(String).join(".") };
    if (file !== undefined) loc.file = file;
    throw new InputError(i?.message ?? "invalid trial protocol", loc);
  }
  return r.data;
}
