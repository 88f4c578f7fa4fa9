/**
 * The state of a whole review computed from its stored parts: deduplication, the records at each stage, the
 * conflicts, the agreement and the PRISMA counts. One function so that every view (queue, conflicts, PRISMA,
 * exports) reads the same numbers.
 */
import { deduplicate, type DedupResult } from "./dedup.js";
import { agreement, type Decision, fullTextRecordIds, type PairAgreement, type Resolution, stageStates, type StageState } from "./decisions.js";
import { computePrisma, type PrismaComputation } from "./prisma.js";
import type { ReviewProtocol } from "./protocol.js";
import type { BibRecord } from "./record.js";

export interface ReviewRecord extends Omit<BibRecord, "sourceIndex"> {
  id: string;
  importId: string;
}

export interface ReviewParts {
  protocol: ReviewProtocol;
  imports: ReadonlyArray<{ id: string; sourceDatabase: string; recordCount: number }>;
  /** All records of all imports, in import order. */
  records: readonly ReviewRecord[];
  duplicateDecisions: ReadonlyArray<{ a: string; b: string; duplicate: boolean }>;
  decisions: readonly Decision[];
  resolutions: readonly Resolution[];
}

export interface ReviewState {
  dedup: DedupResult;
  /** Records screened at title/abstract (after deduplication), in import order. */
  screenIds: string[];
  /** Records sent on to full text. */
  fullTextIds: string[];
  titleAbstract: Map<string, StageState>;
  fullText: Map<string, StageState>;
  conflicts: { titleAbstract: string[]; fullText: string[] };
  agreement: { titleAbstract: PairAgreement[]; fullText: PairAgreement[] };
  prisma: PrismaComputation;
}

export function reviewState(p: ReviewParts): ReviewState {
  const dedup = deduplicate(
    p.records.map((r) => ({ id: r.id, pmid: r.pmid, doi: r.doi, title: r.title, year: r.year, authors: r.authors })),
    p.duplicateDecisions,
  );
  const screenIds = dedup.unique;
  const screenSet = new Set(screenIds);
  const ta = stageStates(screenIds, "title_abstract", p.decisions.filter((d) => screenSet.has(d.recordId)), p.resolutions);
  const fullTextIds = fullTextRecordIds(screenIds, ta);
  const ftSet = new Set(fullTextIds);
  const ft = stageStates(fullTextIds, "full_text", p.decisions.filter((d) => ftSet.has(d.recordId)), p.resolutions);
  const conflictsOf = (m: Map<string, StageState>): string[] => [...m.values()].filter((s) => s.status === "conflict").map((s) => s.recordId);
  const prisma = computePrisma({
    imports: p.imports.map((i) => ({ sourceDatabase: i.sourceDatabase, records: i.recordCount })),
    removedByRule: dedup.removedByRule,
    titleAbstract: ta,
    fullText: ft,
    exclusionReasons: p.protocol.exclusionReasons,
  });
  return {
    dedup,
    screenIds,
    fullTextIds,
    titleAbstract: ta,
    fullText: ft,
    conflicts: { titleAbstract: conflictsOf(ta), fullText: conflictsOf(ft) },
    agreement: {
      titleAbstract: agreement("title_abstract", p.decisions.filter((d) => screenSet.has(d.recordId))),
      fullText: agreement("full_text", p.decisions.filter((d) => ftSet.has(d.recordId))),
    },
    prisma,
  };
}

/**
 * Labels the queue model may learn from for one reviewer without breaking blinding: the reviewer's own votes and
 * the settled outcomes (agreed or resolved). Relevant = include or maybe (title/abstract).
 */
export function trainingLabels(reviewerId: string, decisions: readonly Decision[], ta: ReadonlyMap<string, StageState>): Map<string, boolean> {
  const out = new Map<string, boolean>();
  for (const s of ta.values()) if (s.outcome === "include" || s.outcome === "exclude") out.set(s.recordId, s.outcome === "include");
  for (const d of decisions) if (d.stage === "title_abstract" && d.reviewerId === reviewerId) out.set(d.recordId, d.vote !== "exclude");
  return out;
}
