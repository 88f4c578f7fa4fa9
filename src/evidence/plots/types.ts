/**
 * Inputs of the evidence plots: a risk-of-bias table (Cochrane RoB 1 or RoB 2) and PRISMA 2020 flow counts.
 */
import { z } from "zod";

export const RobToolSchema = z.enum(["RoB1", "RoB2", "ROBINS-I"]);
export type RobTool = z.infer<typeof RobToolSchema>;
/** How each tool is named in titles and messages. */
export const ROB_TOOL_NAMES: Record<RobTool, string> = { RoB1: "RoB 1", RoB2: "RoB 2", "ROBINS-I": "ROBINS-I" };

/**
 * RoB 1 judges low / unclear / high; RoB 2 judges low / some concerns / high; ROBINS-I judges low / moderate /
 * serious / critical / no information. "not assessed" fits all three.
 */
export const RobJudgementSchema = z.enum(["low", "unclear", "high", "some concerns", "moderate", "serious", "critical", "no information", "not assessed"]);
export type RobJudgement = z.infer<typeof RobJudgementSchema>;

export const ROB_JUDGEMENTS_BY_TOOL: Record<RobTool, readonly RobJudgement[]> = {
  RoB1: ["low", "unclear", "high", "not assessed"],
  RoB2: ["low", "some concerns", "high", "not assessed"],
  "ROBINS-I": ["low", "moderate", "serious", "critical", "no information", "not assessed"],
};

export const RobStudySchema = z.object({
  study: z.string().min(1),
  /** Domain name (as listed in `domains`) -> judgement. A domain left out counts as "not assessed". */
  judgements: z.record(z.string(), RobJudgementSchema),
  overall: RobJudgementSchema.optional(),
  /** Weight of the study in the meta-analysis (any positive scale), for the weighted summary plot. */
  weight: z.number().nonnegative().optional(),
});
export type RobStudy = z.infer<typeof RobStudySchema>;

export const RobTableSchema = z
  .object({
    tool: RobToolSchema,
    domains: z.array(z.string().min(1)).min(1),
    studies: z.array(RobStudySchema).min(1),
  })
  .superRefine((t, ctx) => {
    const allowed = ROB_JUDGEMENTS_BY_TOOL[t.tool];
    const domains = new Set(t.domains);
    if (domains.size !== t.domains.length) ctx.addIssue({ code: "custom", path: ["domains"], message: "a domain is listed twice" });
    t.studies.forEach((s, i) => {
      for (const [domain, j] of Object.entries(s.judgements)) {
        if (!domains.has(domain)) {
          ctx.addIssue({ code: "custom", path: ["studies", i, "judgements", domain], message: `study "${s.study}": unknown domain "${domain}"` });
        } else if (!allowed.includes(j)) {
          ctx.addIssue({
            code: "custom",
            path: ["studies", i, "judgements", domain],
            message: `study "${s.study}": "${j}" is not a ${t.tool} judgement (use ${allowed.join(", ")})`,
          });
        }
      }
      if (s.overall !== undefined && !allowed.includes(s.overall)) {
        ctx.addIssue({ code: "custom", path: ["studies", i, "overall"], message: `study "${s.study}": "${s.overall}" is not a ${t.tool} judgement` });
      }
    });
  });
export type RobTable = z.infer<typeof RobTableSchema>;

const count = z.number().int().nonnegative();
/** A count a report did not give: drawn as "not reported" and taken as 0 in the arithmetic. */
const optionalCount = count.nullable();

/** PRISMA 2020 flow counts (new systematic review; databases and registers). */
export const PrismaCountsSchema = z.object({
  /** Records identified, per source (e.g. "Databases", "Registers", or each database). */
  identified: z.array(z.object({ source: z.string().min(1), n: count })).min(1),
  duplicatesRemoved: optionalCount,
  /** Records marked as ineligible by automation tools. */
  automationRemoved: optionalCount.default(0),
  /** Records removed for other reasons before screening. */
  otherRemoved: optionalCount.default(0),
  /** Records screened (title/abstract). */
  screened: count,
  /** Records excluded at screening. */
  excludedScreening: count,
  reportsSought: count,
  reportsNotRetrieved: optionalCount,
  /** Reports assessed for eligibility (full text). */
  reportsAssessed: count,
  /** Reports excluded after full-text assessment, with reasons. */
  reportsExcluded: z.array(z.object({ reason: z.string().min(1), n: count })),
  /** Studies included in the review. */
  studiesIncluded: count,
  /** Reports of included studies. */
  reportsIncluded: count,
});
export type PrismaCounts = z.input<typeof PrismaCountsSchema>;
export type ResolvedPrismaCounts = z.output<typeof PrismaCountsSchema>;
