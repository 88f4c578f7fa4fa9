/**
 * Adapter from the evidence base (src/evidence/schema.ts: published meta-analysis results and the effects that
 * trial reports print) to the audit's ReportedResult. Structural types keep the audit independent of the base's
 * other fields. Numbers in the base are JSON numbers, which lose printed trailing zeros (2.30 -> 2.3): the estimate
 * and its CI are taken to share the largest number of decimals among the three (papers print them alike) and are
 * passed on as printed strings; an entry's explicit `decimals` wins when present.
 */
import { auditReportedResult } from "./audit.js";
import { decimalsOfNumber } from "./printed.js";
import type { AuditResult, ReportedResultInput } from "./types.js";

interface CountsLike {
  events_t: number;
  total_t: number;
  events_c: number;
  total_c: number;
}

export interface PublishedResultLike {
  id: string;
  measure: string;
  estimate: number;
  ci_low: number;
  ci_high: number;
  z?: number | undefined;
  p_text?: string | undefined;
  k_stated?: number[] | undefined;
  participants?: number | null | undefined;
  participants_t?: number | null | undefined;
  participants_c?: number | null | undefined;
  counts?: CountsLike | undefined;
  I2?: number | null | undefined;
  decimals?: { estimate?: number; ci?: number; z?: number; p?: number } | undefined;
}

export interface MetaAnalysisLike {
  id: string;
  label?: string | undefined;
  source?: string | undefined;
  /** Studies included in the review as the text states it. */
  studiesIncluded?: number | null | undefined;
  results: PublishedResultLike[];
}

/** A PRISMA 2020 flow as stored in the base (null: not reported). */
export interface PrismaFlowLike {
  id: string;
  metaAnalysis: string;
  identified: number | null;
  duplicatesRemoved: number | null;
  screened: number | null;
  excludedScreening: number | null;
  fullTextAssessed: number | null;
  excludedFullText: number | null;
  included: number | null;
}

export interface PrismaAuditEntry {
  where: string;
  /** The flow as numbers, e.g. "identified 585, screened 585, excluded 534, full text 51, excluded 40, included 11". */
  quote: string;
  consistent: boolean;
  problems: string[];
}

export interface TrialOutcomeLike {
  id: string;
  events_t: number | null;
  total_t: number | null;
  events_c: number | null;
  total_c: number | null;
  reported?:
    | { measure: string; estimate: number; ci_low: number; ci_high: number; z?: number | undefined; p_text?: string | undefined }
    | undefined;
}

export interface TrialLike {
  id: string;
  label?: string | undefined;
  outcomes: TrialOutcomeLike[];
}

export interface EvidenceBaseLike {
  metaAnalyses: MetaAnalysisLike[];
  trials: TrialLike[];
  prisma?: PrismaFlowLike[] | undefined;
}

export interface BaseAuditEntry {
  /** "meta-analysis id / result id" or "trial id / outcome id". */
  where: string;
  reported: ReportedResultInput;
  audit: AuditResult;
}

function sharedDecimals(...v: number[]): number {
  return Math.max(...v.map(decimalsOfNumber));
}

/** An estimate and its CI as printed (to `d` and `dc` decimals), under its label. */
function printedEffect(label: string, x: { measure: ReportedResultInput["measure"]; estimate: number; ci_low: number; ci_high: number }, d: number, dc: number): ReportedResultInput {
  return { label, measure: x.measure, estimate: x.estimate.toFixed(d), ci_low: x.ci_low.toFixed(dc), ci_high: x.ci_high.toFixed(dc) };
}

/** The reported result of one published pooled result. */
export function reportedFromPublished(m: MetaAnalysisLike, r: PublishedResultLike): ReportedResultInput {
  const d = r.decimals?.estimate ?? sharedDecimals(r.estimate, r.ci_low, r.ci_high);
  const input: ReportedResultInput = {
    ...printedEffect(`${m.id} / ${r.id}`, r, d, r.decimals?.ci ?? d),
    ...(r.decimals?.z !== undefined || r.decimals?.p !== undefined
      ? { decimals: { ...(r.decimals.z !== undefined ? { z: r.decimals.z } : {}), ...(r.decimals.p !== undefined ? { p: r.decimals.p } : {}) } }
      : {}),
  };
  if (r.z !== undefined) input.z = r.z;
  if (r.p_text !== undefined) input.p = r.p_text;
  if (r.k_stated !== undefined) input.k_stated = r.k_stated;
  const pt = {
    ...(r.participants_t != null ? { treated: r.participants_t } : {}),
    ...(r.participants_c != null ? { control: r.participants_c } : {}),
    ...(r.participants != null ? { total: r.participants } : {}),
  };
  if (Object.keys(pt).length > 0) input.participants = pt;
  if (r.counts !== undefined) {
    input.counts = { treated: { events: r.counts.events_t, total: r.counts.total_t }, control: { events: r.counts.events_c, total: r.counts.total_c } };
  }
  if (r.I2 != null) input.i2 = r.I2;
  return input;
}

/** The reported result of a trial outcome whose report prints its own effect (checked against its counts). */
export function reportedFromTrialOutcome(t: TrialLike, o: TrialOutcomeLike): ReportedResultInput | null {
  const rep = o.reported;
  if (rep === undefined) return null;
  const d = sharedDecimals(rep.estimate, rep.ci_low, rep.ci_high);
  const input: ReportedResultInput = printedEffect(`${t.id} / ${o.id}`, rep, d, d);
  if (rep.z !== undefined) input.z = rep.z;
  if (rep.p_text !== undefined) input.p = rep.p_text;
  if (o.events_t !== null && o.total_t !== null && o.events_c !== null && o.total_c !== null && o.total_t > 0 && o.total_c > 0) {
    input.counts = { treated: { events: o.events_t, total: o.total_t }, control: { events: o.events_c, total: o.total_c } };
    input.single_study = true;
  }
  return input;
}

/** Audit every published number in the evidence base: pooled results of meta-analyses and trials' own effects. */
export function auditEvidenceBase(base: EvidenceBaseLike): BaseAuditEntry[] {
  const out: BaseAuditEntry[] = [];
  for (const m of base.metaAnalyses) {
    for (const r of m.results) {
      const reported = reportedFromPublished(m, r);
      out.push({ where: `${m.id} / ${r.id}`, reported, audit: auditReportedResult(reported) });
    }
  }
  for (const t of base.trials) {
    for (const o of t.outcomes) {
      const reported = reportedFromTrialOutcome(t, o);
      if (reported !== null) out.push({ where: `${t.id} / ${o.id}`, reported, audit: auditReportedResult(reported) });
    }
  }
  return out;
}

/**
 * Do a review's PRISMA counts add up? identified - duplicates = screened, screened - excluded = full texts,
 * full texts - excluded = included, and included = the number of studies the review states.
 */
export function auditPrismaFlows(base: EvidenceBaseLike): PrismaAuditEntry[] {
  const out: PrismaAuditEntry[] = [];
  for (const f of base.prisma ?? []) {
    const problems: string[] = [];
    const step = (a: number | null, minus: number | null, equals: number | null, what: string): void => {
      if (a === null || minus === null || equals === null) return;
      if (a - minus !== equals) problems.push(`${what}: ${a} - ${minus} = ${a - minus}, but ${equals} are stated (difference ${equals - (a - minus)})`);
    };
    step(f.identified, f.duplicatesRemoved, f.screened, "records identified minus duplicates removed should equal records screened");
    step(f.screened, f.excludedScreening, f.fullTextAssessed, "records screened minus those excluded should equal full texts assessed");
    step(f.fullTextAssessed, f.excludedFullText, f.included, "full texts assessed minus those excluded should equal studies included");
    const review = base.metaAnalyses.find((m) => m.id === f.metaAnalysis);
    if (review?.studiesIncluded != null && f.included !== null && review.studiesIncluded !== f.included) {
      problems.push(`the flow ends with ${f.included} studies but the review states ${review.studiesIncluded} included studies`);
    }
    const parts: [string, number | null][] = [
      ["identified", f.identified],
      ["duplicates removed", f.duplicatesRemoved],
      ["screened", f.screened],
      ["excluded at screening", f.excludedScreening],
      ["full texts", f.fullTextAssessed],
      ["excluded at full text", f.excludedFullText],
      ["included", f.included],
    ];
    const quote = parts
      .filter(([, v]) => v !== null)
      .map(([k, v]) => `${k} ${String(v)}`)
      .join(", ");
    out.push({ where: f.id, quote: `PRISMA flow: ${quote}`, consistent: problems.length === 0, problems });
  }
  return out;
}
