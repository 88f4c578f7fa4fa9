/**
 * Maps the evidence base onto the inputs of the evidence plots (src/evidence/plots): robvis-style RoB 1, RoB 2 and
 * ROBINS-I tables from the trials' risk-of-bias judgements, and PRISMA 2020 counts from a stored flow. Pure.
 */
import { ROB_TOOL_NAMES, type PrismaCounts, type RobJudgement, type RobTable, type RobTool } from "./plots/types.js";
import type { EvidenceBase, EvidenceTrial, PrismaFlow } from "./schema.js";
import { ROB1_DOMAIN_LABELS, ROB1_DOMAINS } from "./schema.js";
import { completeCounts, primaryLiveBirthOutcome } from "./select.js";
import { assessRob2, rob2InputOf, robTableFromRob2 } from "./rob2.js";
import { assessRobinsI, robinsInputOf, robTableFromRobinsI } from "./robins-i.js";
import { THERAPY_NAMES, type TherapyId } from "../shared/therapies.js";

export interface RobTableQuery {
  /** Only these trial ids (in this order); default: every trial with a risk-of-bias assessment. */
  trials?: string[];
  /** Only trials of this therapy. */
  therapy?: string;
}

/**
 * A RoB 1 table of the trials that carry an assessment (others are left out, since a plot of "not assessed"
 * everywhere says nothing). Study weight = participants in the trial's main live-birth row, when known.
 */
export function robTableFromBase(base: EvidenceBase, q: RobTableQuery = {}): RobTable | null {
  const studies = robPool(base, q, (t) => t.rob !== null).map((t) => {
    const judgements: Record<string, RobJudgement> = {};
    for (const d of ROB1_DOMAINS) judgements[ROB1_DOMAIN_LABELS[d]] = t.rob?.domains[d] ?? "not assessed";
    const o = primaryLiveBirthOutcome(t);
    const c = o === null ? null : completeCounts(o);
    const study: RobTable["studies"][number] = { study: t.label, judgements };
    if (c !== null) study.weight = c.total_t + c.total_c;
    return study;
  });
  if (studies.length === 0) return null;
  return { tool: "RoB1", domains: ROB1_DOMAINS.map((d) => ROB1_DOMAIN_LABELS[d]), studies };
}

/** The trials of the query (in its order, or the base's) that carry `has`. */
function robPool(base: EvidenceBase, q: RobTableQuery, has: (t: EvidenceTrial) => boolean): EvidenceTrial[] {
  const pool = q.trials !== undefined ? q.trials.map((id) => base.trials.find((t) => t.id === id)).filter((t) => t !== undefined) : base.trials;
  return pool.filter((t) => has(t) && (q.therapy === undefined || t.therapy === q.therapy));
}

/** Participants in a trial's outcome row, when its counts are complete (the plot's study weight). */
function rowWeight(t: EvidenceTrial, row: string): number | undefined {
  const o = t.outcomes.find((x) => x.id === row);
  const c = o === undefined ? null : completeCounts(o);
  return c === null ? undefined : c.total_t + c.total_c;
}

/**
 * A RoB 2 table (robvis, `tool: "RoB2"`) of the trials that carry a RoB 2 assessment, each labelled with the outcome
 * row it judges; the judgements are recomputed from the stored answers by the published algorithms (the same
 * function `decidua evidence validate` checks them with). Weight = participants in the judged outcome row, when known.
 */
export function rob2TableFromBase(base: EvidenceBase, q: RobTableQuery = {}): RobTable | null {
  const assessments = robPool(base, q, (t) => t.rob2 !== undefined).map((t) => assessRob2(rob2InputOf(t.label, t.rob2!, rowWeight(t, t.rob2!.outcome))));
  return assessments.length === 0 ? null : robTableFromRob2(assessments);
}

/** The ROBINS-I table (robvis, `tool: "ROBINS-I"`) of the non-randomised studies that carry one, like rob2TableFromBase. */
export function robinsITableFromBase(base: EvidenceBase, q: RobTableQuery = {}): RobTable | null {
  const assessments = robPool(base, q, (t) => t.robinsI !== undefined).map((t) => assessRobinsI(robinsInputOf(t.label, t.robinsI!, rowWeight(t, t.robinsI!.outcome))));
  return assessments.length === 0 ? null : robTableFromRobinsI(assessments);
}

/**
 * PRISMA 2020 counts from a stored flow. Counts the review does not report stay null ("not reported"); when only
 * the total of full-text exclusions is known, it is one line listing the reasons without per-reason counts.
 */
export function prismaCountsFromFlow(flow: PrismaFlow): PrismaCounts {
  const databases = flow.databases.length > 0 ? flow.databases.join(", ") : "Databases";
  const identified = flow.identified ?? 0;
  const screened = flow.screened ?? identified - (flow.duplicatesRemoved ?? 0);
  const assessed = flow.fullTextAssessed ?? 0;
  const excluded = flow.excludedFullText ?? 0;
  return {
    identified: [{ source: databases, n: identified }],
    duplicatesRemoved: flow.duplicatesRemoved,
    automationRemoved: null,
    otherRemoved: null,
    screened,
    excludedScreening: flow.excludedScreening ?? 0,
    reportsSought: assessed,
    reportsNotRetrieved: null,
    reportsAssessed: assessed,
    reportsExcluded:
      excluded > 0
        ? [{ reason: flow.excludedFullTextReasons.length > 0 ? `${flow.excludedFullTextReasons.join(", ")} (per-reason counts not reported)` : "reasons not reported", n: excluded }]
        : [],
    studiesIncluded: flow.included ?? 0,
    reportsIncluded: flow.included ?? 0,
  };
}

/** The PRISMA counts of a meta-analysis in the base (null when none is stored). */
export function prismaCountsFor(base: EvidenceBase, metaAnalysisId: string): PrismaCounts | null {
  const flow = base.prisma.find((p) => p.metaAnalysis === metaAnalysisId);
  if (flow === undefined) return null;
  return prismaCountsFromFlow(flow);
}

/** A stored PRISMA flow as the CLI and the server list it: which review it belongs to, and a readable title. */
export interface PrismaFlowListing {
  /** The flow's own id (e.g. "gao-2025-prisma"). */
  id: string;
  /** The meta-analysis it belongs to (e.g. "gao-2025"); either id finds the flow. */
  metaAnalysis: string;
  therapy: TherapyId | null;
  source: string;
  title: string;
}

/** Short therapy name: the abbreviation in brackets when the name has one ("IVIG"), else the whole name. */
function shortTherapyName(therapy: TherapyId): string {
  const name = THERAPY_NAMES[therapy];
  return /\(([^)]+)\)\s*$/.exec(name)?.[1] ?? name;
}

/** The stored flow with this flow id or meta-analysis id (null when none). */
export function prismaFlowById(base: EvidenceBase, id: string): PrismaFlow | null {
  return base.prisma.find((p) => p.id === id) ?? base.prisma.find((p) => p.metaAnalysis === id) ?? null;
}

/**
 * Readable title of a PRISMA flow, from the review's entry in the base, e.g.
 * "PRISMA 2020 flow: IVIG meta-analysis (Gao 2025)". Never a raw id.
 */
export function prismaFlowTitle(base: EvidenceBase, flow: PrismaFlow): string {
  const ma = base.metaAnalyses.find((m) => m.id === flow.metaAnalysis);
  const src = base.sources.find((s) => s.id === flow.source);
  const who = ma === undefined ? (src?.citation.split(".")[0] ?? "published review") : (ma.label.split(" (")[0] ?? ma.label);
  const what = ma === undefined ? "systematic review" : `${shortTherapyName(ma.therapy)} meta-analysis`;
  return `PRISMA 2020 flow: ${what} (${who})`;
}

/** Every stored PRISMA flow with its review and title. */
export function prismaFlowListing(base: EvidenceBase): PrismaFlowListing[] {
  return base.prisma.map((p) => ({
    id: p.id,
    metaAnalysis: p.metaAnalysis,
    therapy: base.metaAnalyses.find((m) => m.id === p.metaAnalysis)?.therapy ?? null,
    source: p.source,
    title: prismaFlowTitle(base, p),
  }));
}

/** Titles of the two robvis-style plots of a therapy's trials. */
export function robPlotTitle(therapy: TherapyId, kind: "traffic-light" | "summary", tool: RobTool = "RoB1"): string {
  const t = ROB_TOOL_NAMES[tool];
  return kind === "traffic-light" ? `${THERAPY_NAMES[therapy]}: risk of bias (${t}), per trial` : `${THERAPY_NAMES[therapy]}: risk of bias (${t}), share of trials per judgement`;
}
