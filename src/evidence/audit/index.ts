// Public surface of the audit of reported results (statcheck-style consistency checks for clinical results).
export { auditReportedResult, normaliseMeasure, parsePText } from "./audit.js";
export type { PrintedP } from "./audit.js";
export { extractReportedResults, auditArticleText, normaliseArticleText, findArmSizes } from "./extract.js";
export type { ExtractedResult, TextAudit, TextAuditItem } from "./extract.js";
export { parsePrinted, decimalsOfNumber } from "./printed.js";
export type { Printed as PrintedNumber, Interval as PrintedInterval } from "./printed.js";
export { ReportedResultSchema, PrintedValueSchema, PrintedPSchema, ArmCountsSchema } from "./types.js";
export type { ReportedResult, ReportedResultInput, AuditResult, AuditCheck, AuditDerived, CheckStatus, ArmCounts, PRelation } from "./types.js";
export { auditEvidenceBase, auditPrismaFlows, reportedFromPublished, reportedFromTrialOutcome } from "./base.js";
export type { BaseAuditEntry, EvidenceBaseLike, MetaAnalysisLike, PrismaAuditEntry, PrismaFlowLike, PublishedResultLike, TrialLike, TrialOutcomeLike } from "./base.js";
