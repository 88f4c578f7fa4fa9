/**
 * The evidence base's data model (zod schemas for the files in data/).
 *
 * Every number carries where it comes from (`source`: an id in data/sources.json, which holds the PMID, DOI or
 * exact citation) and how it was obtained (`status`: reported in the source, derived by us with `derivation`
 * saying how, or missing). Guideline positions carry `verified` (wording read in the source) or an
 * `unverifiedNote` saying what is unverified.
 */
import { GradeOverridesSchema } from "./grade-overrides.js";
import { z } from "zod";
import { TherapyIdSchema } from "../shared/therapies.js";
import { everyDomainSchema } from "./rob-common.js";
import { ROB2_DOMAINS, Rob2AnswersByDomainSchema, Rob2JudgementSchema, Rob2OverridesByDomainSchema } from "./rob2.js";
import { ROBINS_DOMAINS, RobinsAnswersByDomainSchema, RobinsJudgementSchema, RobinsOverrideSchema, RobinsOverridesByDomainSchema } from "./robins-i.js";

/** Stable ids: lower-case words joined by hyphens (e.g. "christiansen-2002"). */
export const EvidenceIdSchema = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, "ids are lower-case letters, digits and hyphens");

export const ValueStatusSchema = z.enum(["reported", "derived", "missing"]);
export type ValueStatus = z.infer<typeof ValueStatusSchema>;

// ---------------------------------------------------------------------------------------------------------------
// sources.json

export const SourceKindSchema = z.enum([
  "trial-report",
  "trial-abstract",
  "meta-analysis",
  "ipd-meta-analysis",
  "guideline",
  "regulator",
  "review",
  "clinic-information",
  "secondary",
  "product-information",
]);

export const EvidenceSourceSchema = z
  .object({
    id: EvidenceIdSchema,
    kind: SourceKindSchema,
    /** Full citation as a reader would look it up (authors, title or journal, year, volume, pages). */
    citation: z.string().min(10),
    pmid: z.string().regex(/^\d{5,9}$/).optional(),
    doi: z.string().regex(/^10\.\d{4,9}\/\S+$/).optional(),
    pmcid: z.string().regex(/^PMC\d+$/).optional(),
    url: z.url().optional(),
    /** Required when none of pmid, doi, pmcid or url is given: why the exact citation is all there is. */
    noIdentifierReason: z.string().optional(),
    note: z.string().optional(),
  })
  .strict();
export type EvidenceSource = z.infer<typeof EvidenceSourceSchema>;

// ---------------------------------------------------------------------------------------------------------------
// therapies.json

/** Immune (and other) findings a therapy is said to target; the clinical domain maps its markers onto these. */
export const TargetFindingSchema = z.enum([
  "peripheral-nk-percent",
  "nk-cytotoxicity",
  "uterine-nk-percent",
  "th1-th2-ratio",
  "tnf-il10-ratio",
  "il33-sst2",
  "ana",
  "anti-paternal-antibodies-absent",
  "antiphospholipid-syndrome",
  "treg-deficiency",
  "pro-inflammatory-cytokines",
  "bleeding-in-pregnancy",
  "hereditary-thrombophilia",
  "recurrent-implantation-failure",
]);
export type TargetFinding = z.infer<typeof TargetFindingSchema>;

/** A statement taken from a source (paraphrased), with whether its wording was checked in that source. */
export const SourcedStatementSchema = z
  .object({
    text: z.string().min(3),
    source: EvidenceIdSchema,
    verified: z.boolean(),
    note: z.string().optional(),
  })
  .strict();
export type SourcedStatement = z.infer<typeof SourcedStatementSchema>;

export const PublishedRegimenSchema = z
  .object({
    id: EvidenceIdSchema,
    label: z.string().min(3),
    dose: z.string().min(1),
    route: z.string().min(1),
    timing: z.string().min(1),
    duration: z.string().min(1),
    population: z.string().optional(),
    source: EvidenceIdSchema,
    status: ValueStatusSchema,
    derivation: z.string().optional(),
    verified: z.boolean(),
    note: z.string().optional(),
  })
  .strict();
export type PublishedRegimen = z.infer<typeof PublishedRegimenSchema>;

export const TherapyRecordSchema = z
  .object({
    id: TherapyIdSchema,
    name: z.string().min(2),
    aliases: z.array(z.string()).default([]),
    /** Regulatory status in a sentence (e.g. "US: investigational only (IND), FDA letter 2002"). */
    regulatoryStatus: z.string().optional(),
    mechanism: z.array(SourcedStatementSchema).min(1),
    targetedFindings: z.array(TargetFindingSchema),
    regimens: z.array(PublishedRegimenSchema),
    safety: z.array(SourcedStatementSchema),
    contraindications: z.array(SourcedStatementSchema),
    monitoring: z.array(SourcedStatementSchema),
    coInterventions: z.array(SourcedStatementSchema).default([]),
    /**
     * A reviewer's GRADE domain ratings for "<therapy> vs placebo", per outcome, each with its written reason (e.g.
     * indirectness, which only a reviewer can judge). Published with the base; the Summary-of-Findings table shows
     * the computed rating beside it.
     */
    gradeOverrides: GradeOverridesSchema.optional(),
  })
  .strict();
export type TherapyRecord = z.infer<typeof TherapyRecordSchema>;

// ---------------------------------------------------------------------------------------------------------------
// guidelines.json

export const GuidelineDirectionSchema = z.enum(["recommended", "conditional", "research-only", "against", "no-recommendation"]);
export type GuidelineDirection = z.infer<typeof GuidelineDirectionSchema>;

export const GuidelinePositionSchema = z
  .object({
    id: EvidenceIdSchema,
    body: z.string().min(2),
    year: z.number().int().min(1950).max(2100),
    therapies: z.array(TherapyIdSchema).min(1),
    /** What the position is about, e.g. "LIT in recurrent pregnancy loss". */
    topic: z.string().min(3),
    /** Our paraphrase of the position (never the guideline's own sentence). */
    statement: z.string().min(10),
    direction: GuidelineDirectionSchema,
    /** Strength / grade exactly as printed (e.g. "Strong ⊕⊕○○", "Grade C", "GPP"), or null if none is printed/known. */
    strength: z.string().nullable(),
    population: z.string().min(3),
    source: EvidenceIdSchema,
    /** Where in the guideline the position is stated (section, recommendation number, table or page), never its wording; required when verified. */
    location: z.string().min(3).optional(),
    verified: z.boolean(),
    /** How and where the wording was checked (required when verified). */
    verification: z.string().optional(),
    /** What is not verified (required when not verified). */
    unverifiedNote: z.string().optional(),
  })
  .strict();
export type GuidelinePosition = z.infer<typeof GuidelinePositionSchema>;

// ---------------------------------------------------------------------------------------------------------------
// trials.json

export const EvidenceOutcomeKindSchema = z.enum([
  "live-birth",
  "ongoing-pregnancy-22w",
  "ongoing-pregnancy-20w",
  "pregnancy-28w",
  "success",
  "term-delivery",
  "healthy-newborn",
  "miscarriage",
  "adverse-reaction",
  "clinical-pregnancy",
  "ongoing-pregnancy",
  "birth-weight",
  /** Birth before 37 completed weeks among the births (the trial's own definition in the row). */
  "preterm-birth",
  /** Congenital anomalies among the babies born (the trial's own definition in the row). */
  "congenital-anomaly",
]);
export type EvidenceOutcomeKind = z.infer<typeof EvidenceOutcomeKindSchema>;

export const EvidenceSubgroupSchema = z.enum([
  "primary-rpl",
  "secondary-rpl",
  "ana-positive",
  "ana-negative",
  "apl-positive",
  "th1-th2-elevated",
  "il33-sst2-elevated",
  "nk-elevated",
  "recurrent-implantation-failure",
  "bleeding-in-pregnancy",
  "four-or-more-losses",
  "pre-conception-start",
  "post-conception-start",
]);
export type EvidenceSubgroup = z.infer<typeof EvidenceSubgroupSchema>;

export const EvidenceAnalysisSetSchema = z.enum(["itt", "per-protocol", "conceived-only", "pregnant-only", "completers", "not-stated"]);
export type EvidenceAnalysisSet = z.infer<typeof EvidenceAnalysisSetSchema>;

const count = z.number().int().nonnegative().nullable();

export const EvidenceTrialOutcomeSchema = z
  .object({
    id: EvidenceIdSchema,
    outcome: EvidenceOutcomeKindSchema,
    /** The trial's own definition of the outcome, as published (paraphrase allowed for long definitions). */
    definition: z.string().min(3),
    analysis: EvidenceAnalysisSetSchema,
    subgroup: EvidenceSubgroupSchema.optional(),
    events_t: count,
    total_t: count,
    events_c: count,
    total_c: count,
    status: ValueStatusSchema,
    /** How a derived number was obtained (required when status is "derived"). */
    derivation: z.string().optional(),
    /** Which numbers are missing or partial, when some are null. */
    missingNote: z.string().optional(),
    /** The direction a source states when it gives no counts (e.g. "no significant difference"). */
    statedDirection: z.enum(["favours treatment", "no clear difference", "favours control"]).optional(),
    /** The effect the trial report itself prints (for the audit), e.g. the source-002 OR 2.30 (1.10 to 4.81), P = 0.03. */
    reported: z
      .object({
        measure: z.enum(["OR", "RR", "RD", "MD"]),
        estimate: z.number(),
        ci_low: z.number(),
        ci_high: z.number(),
        z: z.number().optional(),
        p_text: z.string().optional(),
      })
      .strict()
      .optional(),
    source: EvidenceIdSchema,
  })
  .strict();
export type EvidenceTrialOutcome = z.infer<typeof EvidenceTrialOutcomeSchema>;

export const Rob1JudgementSchema = z.enum(["low", "unclear", "high", "not assessed"]);
export type Rob1Judgement = z.infer<typeof Rob1JudgementSchema>;

/** Cochrane RoB 1 domains, in the order robvis draws them. */
export const ROB1_DOMAINS = [
  "random_sequence",
  "allocation_concealment",
  "blinding_participants",
  "blinding_outcome",
  "incomplete_outcome",
  "selective_reporting",
  "other_bias",
] as const;
export type Rob1Domain = (typeof ROB1_DOMAINS)[number];
export const ROB1_DOMAIN_LABELS: Record<Rob1Domain, string> = {
  random_sequence: "Random sequence generation (selection bias)",
  allocation_concealment: "Allocation concealment (selection bias)",
  blinding_participants: "Blinding of participants and personnel (performance bias)",
  blinding_outcome: "Blinding of outcome assessment (detection bias)",
  incomplete_outcome: "Incomplete outcome data (attrition bias)",
  selective_reporting: "Selective reporting (reporting bias)",
  other_bias: "Other bias",
};

export const RobAssessmentSchema = z
  .object({
    tool: z.literal("RoB1"),
    /** Who judged: a published review (source id) or "decidua" (our reading of the design as reported). */
    assessor: z.string().min(2),
    source: EvidenceIdSchema,
    domains: z.object({
      random_sequence: Rob1JudgementSchema,
      allocation_concealment: Rob1JudgementSchema,
      blinding_participants: Rob1JudgementSchema,
      blinding_outcome: Rob1JudgementSchema,
      incomplete_outcome: Rob1JudgementSchema,
      selective_reporting: Rob1JudgementSchema,
      other_bias: Rob1JudgementSchema,
    }),
    /** Why each judgement was made (at least for every judgement that is not "not assessed"). */
    basis: z.string().min(3),
  })
  .strict();
export type RobAssessment = z.infer<typeof RobAssessmentSchema>;

/**
 * The fields a trial entry's stored risk-of-bias assessment has whichever tool judged (RoB 2 in `rob2`, ROBINS-I in
 * `robinsI`): who judged, where the methods were read, the outcome row judged (both tools are result-specific), the
 * answers per domain in the tool's vocabulary (a domain without answers is "not assessed"), any reviewer override with
 * its reason, and the final judgements per domain and overall, which `decidua evidence validate` recomputes with the
 * tool's rules.
 */
function storedRobShape<T extends string, A extends z.ZodType, O extends z.ZodType, J extends z.ZodType, F extends z.ZodType>(tool: T, parts: { answers: A; overrides: O; judgements: J; final: F }) {
  return {
    tool: z.literal(tool),
    /** Who judged: a published review (source id), "decidua" or a reviewer (our reading of the published methods). */
    assessor: z.string().min(2),
    /** Where the methods were read (a source id). */
    source: EvidenceIdSchema,
    /** The outcome row the judgement is for. */
    outcome: EvidenceIdSchema,
    answers: parts.answers,
    /** Pass with `.default({})`. */
    overrides: parts.overrides,
    /** Final judgement per domain and overall (must equal the rules' result after overrides). */
    judgements: parts.judgements,
    overall: parts.final,
    /** Why the answers were given: what the published methods say, per domain (paraphrase). */
    basis: z.string().min(3),
  };
}

const Rob2FinalSchema = z.union([Rob2JudgementSchema, z.literal("not assessed")]);
const RobinsFinalSchema = z.union([RobinsJudgementSchema, z.literal("not assessed")]);

/** A RoB 2 assessment of one result of a randomised trial (effect of assignment; src/evidence/rob2.ts vocabulary). */
export const TrialRob2Schema = z
  .object(storedRobShape("RoB2", { answers: Rob2AnswersByDomainSchema, overrides: Rob2OverridesByDomainSchema.default({}), judgements: everyDomainSchema(ROB2_DOMAINS, Rob2FinalSchema), final: Rob2FinalSchema }))
  .strict();
export type TrialRob2 = z.infer<typeof TrialRob2Schema>;

/**
 * A ROBINS-I assessment of one result of a non-randomised study (effect of assignment; src/evidence/robins-i.ts
 * vocabulary), stored like `rob2`, with the reviewer's optional overall override (e.g. critical) and its reason.
 */
export const TrialRobinsISchema = z
  .object({
    ...storedRobShape("ROBINS-I", { answers: RobinsAnswersByDomainSchema, overrides: RobinsOverridesByDomainSchema.default({}), judgements: everyDomainSchema(ROBINS_DOMAINS, RobinsFinalSchema), final: RobinsFinalSchema }),
    overallOverride: RobinsOverrideSchema.optional(),
  })
  .strict();
export type TrialRobinsI = z.infer<typeof TrialRobinsISchema>;

export const EvidenceTrialDesignSchema = z
  .object({
    randomised: z.boolean().nullable(),
    blinding: z.enum(["double-blind", "single-blind", "open", "unclear", "not-reported"]),
    control: z.enum(["placebo", "no-treatment", "autologous-lymphocytes", "routine-treatment", "basic-therapy-plus-placebo", "surveillance", "unknown"]),
    controlDetail: z.string().optional(),
    note: z.string().optional(),
  })
  .strict();

export const EvidenceTrialArmSchema = z
  .object({
    id: z.enum(["treatment", "control", "treatment-2"]),
    label: z.string().min(2),
    randomised: z.number().int().nonnegative().nullable(),
  })
  .strict();

export const EvidenceTrialSchema = z
  .object({
    id: EvidenceIdSchema,
    /** How the trial is cited in meta-analyses, e.g. "Christiansen 2002". */
    label: z.string().min(2),
    year: z.number().int().min(1950).max(2100).nullable(),
    therapy: TherapyIdSchema,
    comparison: z.string().min(3),
    /** False when the publication could not be identified or read: the entry exists so reviews citing it resolve. */
    found: z.boolean(),
    design: EvidenceTrialDesignSchema,
    population: z.string().min(3),
    inclusion: z.string().min(3),
    arms: z.array(EvidenceTrialArmSchema),
    outcomes: z.array(EvidenceTrialOutcomeSchema),
    /** Subgroups the population belongs to or that the trial reports separately. */
    subgroups: z.array(EvidenceSubgroupSchema).default([]),
    rob: RobAssessmentSchema.nullable(),
    /** Risk of bias 2.0, for trials whose methods are public (absent: not assessed). */
    rob2: TrialRob2Schema.optional(),
    /** ROBINS-I, for non-randomised studies (`design.randomised` false) whose methods are public (absent: not assessed). */
    robinsI: TrialRobinsISchema.optional(),
    source: EvidenceIdSchema,
    note: z.string().optional(),
  })
  .strict();
export type EvidenceTrial = z.infer<typeof EvidenceTrialSchema>;

// ---------------------------------------------------------------------------------------------------------------
// meta-analyses.json

export const PublishedMeasureSchema = z.enum(["OR", "RR", "PetoOR", "RD", "MD", "SMD"]);
export type PublishedMeasure = z.infer<typeof PublishedMeasureSchema>;

export const PooledCountsSchema = z
  .object({
    events_t: z.number().int().nonnegative(),
    total_t: z.number().int().positive(),
    events_c: z.number().int().nonnegative(),
    total_c: z.number().int().positive(),
  })
  .strict();
export type PooledCounts = z.infer<typeof PooledCountsSchema>;

/** A trial as it enters one published analysis: which of our outcome rows corresponds, if any. */
export const IncludedTrialSchema = z
  .object({
    trial: EvidenceIdSchema,
    /** Id of the trial's outcome row used for this analysis, or null when no counts are in the base. */
    outcome: EvidenceIdSchema.nullable(),
    note: z.string().optional(),
  })
  .strict();
export type IncludedTrial = z.infer<typeof IncludedTrialSchema>;

/**
 * One published pooled result. Field names are shared with the audit (src/evidence/audit):
 * {estimate, ci_low, ci_high, measure, z?, p_text?, k_stated?, counts?}.
 */
export const PublishedResultSchema = z
  .object({
    id: EvidenceIdSchema,
    outcome: EvidenceOutcomeKindSchema,
    /** The outcome as the review defines it. */
    outcomeDefinition: z.string().min(3),
    /** True when the outcome is a failure (e.g. "no live birth"), so a ratio below 1 favours treatment. */
    outcomeIsFailure: z.boolean().default(false),
    subgroup: EvidenceSubgroupSchema.optional(),
    comparison: z.string().min(3),
    measure: PublishedMeasureSchema,
    /** Pooling method as printed ("Mantel-Haenszel", "Peto", "inverse variance") or null if not stated. */
    method: z.string().nullable(),
    model: z.enum(["fixed", "random"]).nullable(),
    estimate: z.number(),
    ci_low: z.number(),
    ci_high: z.number(),
    I2: z.number().min(0).max(100).nullable(),
    /** Number of studies pooled (the review's count), null when not stated. */
    k: z.number().int().positive().nullable(),
    participants: z.number().int().positive().nullable(),
    participants_t: z.number().int().positive().nullable().default(null),
    participants_c: z.number().int().positive().nullable().default(null),
    /** Z statistic as printed. */
    z: z.number().optional(),
    /** P value exactly as printed, e.g. "P<0.00001", "P=0.04". */
    p_text: z.string().optional(),
    /** Every number of studies the text states for this analysis, in order of appearance. */
    k_stated: z.array(z.number().int().positive()).optional(),
    /** Pooled event counts where the review prints them. */
    counts: PooledCountsSchema.optional(),
    /** The trials in this analysis as far as we can identify them (null: the review's list was not retrieved). */
    trials: z.array(IncludedTrialSchema).nullable(),
    status: ValueStatusSchema,
    /** Where in the source the numbers appear (section/table), to help a reader check. */
    location: z.string().optional(),
    /** Reasons to trust this result less that the audit cannot see (e.g. arms apparently reversed). */
    concerns: z.array(z.string().min(3)).default([]),
    /** The numbers exactly as printed (keeps trailing zeros such as "1.50", which the audit's rounding needs). */
    printed: z
      .object({ estimate: z.string(), ci_low: z.string(), ci_high: z.string(), z: z.string().optional(), I2: z.string().optional() })
      .strict()
      .optional(),
    note: z.string().optional(),
  })
  .strict();
export type PublishedResult = z.infer<typeof PublishedResultSchema>;

export const RobSummaryCountSchema = z
  .object({
    low: z.number().int().nonnegative().nullable(),
    unclear: z.number().int().nonnegative().nullable(),
    high: z.number().int().nonnegative().nullable(),
    status: ValueStatusSchema,
    derivation: z.string().optional(),
  })
  .strict();

export const MetaAnalysisSchema = z
  .object({
    id: EvidenceIdSchema,
    label: z.string().min(3),
    therapy: TherapyIdSchema,
    kind: z.enum(["aggregate", "ipd", "in-paper"]),
    /** Publication year of the review. */
    year: z.number().int().min(1950).max(2100),
    /**
     * The designs actually pooled: only placebo-controlled RCTs; RCTs with any control; a mix of randomised and
     * non-randomised studies; or not stated. Used to rank evidence (never to average it).
     */
    designClass: z.enum(["rct-placebo", "rct-any-control", "mixed-randomised-non-randomised", "not-stated"]),
    population: z.string().min(3),
    /** Patient subgroups the review's whole population belongs to (e.g. ["apl-positive"]); its overall results then answer questions about them directly. */
    populationSubgroups: z.array(EvidenceSubgroupSchema).default([]),
    /** Inclusion of designs, e.g. "RCTs, placebo control" or "RCTs and non-randomised studies". */
    designsIncluded: z.string().min(3),
    /** Software/approach as printed (e.g. "RevMan 5.3; FE if I2 < 50% else RE"). */
    methods: z.string().nullable(),
    source: EvidenceIdSchema,
    results: z.array(PublishedResultSchema).min(1),
    /** Studies included in the review as a whole (text's number), and the RoB summary counts by domain. */
    studiesIncluded: z.number().int().positive().nullable(),
    robSummary: z
      .object({
        source: EvidenceIdSchema,
        domains: z.partialRecord(
          z.enum(["random_sequence", "allocation_concealment", "blinding_participants", "blinding_outcome", "incomplete_outcome", "selective_reporting", "other_bias"]),
          RobSummaryCountSchema,
        ),
        note: z.string().optional(),
      })
      .strict()
      .optional(),
    note: z.string().optional(),
  })
  .strict();
export type MetaAnalysis = z.infer<typeof MetaAnalysisSchema>;

// ---------------------------------------------------------------------------------------------------------------
// prisma.json

const prismaCount = z.number().int().nonnegative().nullable();
export const PrismaFlowSchema = z
  .object({
    id: EvidenceIdSchema,
    metaAnalysis: EvidenceIdSchema,
    source: EvidenceIdSchema,
    /** Databases searched, as the review lists them. */
    databases: z.array(z.string()).default([]),
    identified: prismaCount,
    duplicatesRemoved: prismaCount,
    screened: prismaCount,
    excludedScreening: prismaCount,
    fullTextAssessed: prismaCount,
    excludedFullText: prismaCount,
    excludedFullTextReasons: z.array(z.string()),
    included: prismaCount,
    status: ValueStatusSchema,
    derivation: z.string().optional(),
    note: z.string().optional(),
  })
  .strict();
export type PrismaFlow = z.infer<typeof PrismaFlowSchema>;

// ---------------------------------------------------------------------------------------------------------------

export interface EvidenceBase {
  sources: EvidenceSource[];
  therapies: TherapyRecord[];
  guidelines: GuidelinePosition[];
  trials: EvidenceTrial[];
  metaAnalyses: MetaAnalysis[];
  prisma: PrismaFlow[];
}

/** The files of the base and the schema of each entry. */
export const EVIDENCE_FILES = {
  sources: { file: "sources.json", schema: EvidenceSourceSchema },
  therapies: { file: "therapies.json", schema: TherapyRecordSchema },
  guidelines: { file: "guidelines.json", schema: GuidelinePositionSchema },
  trials: { file: "trials.json", schema: EvidenceTrialSchema },
  metaAnalyses: { file: "meta-analyses.json", schema: MetaAnalysisSchema },
  prisma: { file: "prisma.json", schema: PrismaFlowSchema },
} as const;

/** One problem found in the base: the file, the entry (id, or index when it has none), the field and why. */
export interface EvidenceProblem {
  file: string;
  entry: string;
  field?: string;
  message: string;
}

export function formatEvidenceProblem(p: EvidenceProblem): string {
  return `${p.file}: entry ${p.entry}${p.field !== undefined && p.field !== "" ? `, field "${p.field}"` : ""}: ${p.message}`;
}
