/**
 * PRISMA 2020 counts computed from the imports, the deduplication and the screening decisions, in the input shape
 * of the project's flow diagram (src/evidence/plots/prisma.ts).
 *
 * Studies are counted as reports: the store does not link several reports of one study, so "studies included"
 * equals "reports of included studies" (stated in the output's notes).
 */
import type { PrismaCounts } from "../evidence/plots/types.js";
import type { DedupRule } from "./dedup.js";
import type { StageState } from "./decisions.js";

export interface PrismaInput {
  /** Records per import, with the database it came from. */
  imports: ReadonlyArray<{ sourceDatabase: string; records: number }>;
  removedByRule: Record<DedupRule, number>;
  /** Title/abstract state of every record left after deduplication. */
  titleAbstract: ReadonlyMap<string, StageState>;
  /** Full-text state of every record sent on to full text. */
  fullText: ReadonlyMap<string, StageState>;
  /** The protocol's reasons, so that a reason used 0 times is still listed in protocol order. */
  exclusionReasons: readonly string[];
}

export interface PrismaComputation {
  counts: PrismaCounts;
  /** Records still waiting for votes or a resolution; the diagram is complete when both are 0. */
  pending: { titleAbstract: number; fullText: number };
  complete: boolean;
  duplicatesByRule: Record<DedupRule, number>;
  notes: string[];
}

export function computePrisma(input: PrismaInput): PrismaComputation {
  const perDb = new Map<string, number>();
  for (const i of input.imports) perDb.set(i.sourceDatabase, (perDb.get(i.sourceDatabase) ?? 0) + i.records);
  const identified = [...perDb].map(([source, n]) => ({ source, n }));
  const duplicatesRemoved = Object.values(input.removedByRule).reduce((a, b) => a + b, 0);
  let excludedScreening = 0;
  let forward = 0;
  let pendingTa = 0;
  for (const s of input.titleAbstract.values()) {
    if (s.outcome === "exclude") excludedScreening++;
    else if (s.outcome === "include") forward++;
    else pendingTa++;
  }
  let notRetrieved = 0;
  let included = 0;
  let pendingFt = 0;
  const reasons = new Map<string, number>(input.exclusionReasons.map((r) => [r, 0]));
  for (const s of input.fullText.values()) {
    if (s.outcome === "not_retrieved") notRetrieved++;
    else if (s.outcome === "include") included++;
    else if (s.outcome === "exclude") {
      const r = s.reason ?? "reason not recorded";
      reasons.set(r, (reasons.get(r) ?? 0) + 1);
    } else pendingFt++;
  }
  const screened = input.titleAbstract.size;
  const counts: PrismaCounts = {
    identified: identified.length > 0 ? identified : [{ source: "Databases", n: 0 }],
    duplicatesRemoved,
    automationRemoved: 0,
    otherRemoved: 0,
    screened,
    excludedScreening,
    reportsSought: forward,
    reportsNotRetrieved: notRetrieved,
    reportsAssessed: forward - notRetrieved,
    reportsExcluded: [...reasons].filter(([, n]) => n > 0).map(([reason, n]) => ({ reason, n })),
    studiesIncluded: included,
    reportsIncluded: included,
  };
  const notes = [
    "No records were removed by automation tools: prioritisation only reorders the queue; every record is screened by people.",
    "Studies are counted as reports (several reports of one study are not linked).",
  ];
  if (pendingTa + pendingFt > 0) notes.push(`Screening is not finished: ${pendingTa} record(s) at title/abstract and ${pendingFt} at full text await votes or a resolution.`);
  return { counts, pending: { titleAbstract: pendingTa, fullText: pendingFt }, complete: pendingTa + pendingFt === 0, duplicatesByRule: { ...input.removedByRule }, notes };
}
