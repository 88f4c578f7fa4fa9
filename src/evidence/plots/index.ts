// Evidence plots: risk-of-bias traffic light and summary (robvis style), PRISMA 2020 flow diagram.
export {
  RobToolSchema,
  RobJudgementSchema,
  RobStudySchema,
  RobTableSchema,
  PrismaCountsSchema,
  ROB_JUDGEMENTS_BY_TOOL,
} from "./types.js";
export type { RobTool, RobJudgement, RobStudy, RobTable, PrismaCounts, ResolvedPrismaCounts } from "./types.js";
export {
  robTrafficLightSvg,
  robSummarySvg,
  robDomainShares,
  robSymbol,
  robJudgementLabel,
  ROB_COLOURS,
  RobPlotOptionsSchema,
  RobSummaryOptionsSchema,
} from "./rob.js";
export type { RobPlotOptions, RobSummaryOptions } from "./rob.js";
export { prismaFlowSvg, checkPrismaCounts, PrismaOptionsSchema } from "./prisma.js";
export type { PrismaOptions } from "./prisma.js";
export { pooledComparisonSvg, PooledComparisonRowSchema, PooledComparisonOptionsSchema } from "./comparison.js";
export type { PooledComparisonRow, PooledComparisonOptions } from "./comparison.js";
