/**
 * From the reviewers' votes and the conflict resolutions to each record's state at each stage, the conflicts to
 * resolve, what a reviewer may see (blinding), and the agreement between each pair of reviewers.
 *
 * Title/abstract: "include" and "maybe" both send a record on to full text; a conflict is one reviewer excluding
 * while another does not. Full text: "include" or "exclude" with a reason from the protocol; a conflict is a
 * different vote or a different exclusion reason. A resolution (third reviewer or consensus) settles a conflict; at
 * full text a record can also be resolved as "not retrieved" (the report could not be obtained).
 */
import { cohenKappa, type KappaResult } from "./kappa.js";
import type { Stage, Vote } from "./protocol.js";

export interface Decision {
  recordId: string;
  reviewerId: string;
  stage: Stage;
  vote: Vote;
  /** Mandatory for a full-text exclusion (one of the protocol's reasons). */
  reason: string | null;
}

export type ResolutionOutcome = "include" | "exclude" | "not_retrieved";
export interface Resolution {
  recordId: string;
  stage: Stage;
  outcome: ResolutionOutcome;
  reason: string | null;
}

export type RecordStatus = "pending" | "agreed" | "conflict" | "resolved";
export type FinalOutcome = "include" | "exclude" | "not_retrieved";

export interface StageState {
  recordId: string;
  status: RecordStatus;
  /** Set once agreed or resolved. At title/abstract "include" means "on to full text". */
  outcome: FinalOutcome | null;
  reason: string | null;
  votes: number;
}

/** How many independent votes a record needs at each stage. */
export const REVIEWERS_PER_RECORD = 2;

const forward = (v: Vote): boolean => v !== "exclude";

/** Each record's state at `stage` (records with no vote are "pending" with 0 votes). */
export function stageStates(recordIds: readonly string[], stage: Stage, decisions: readonly Decision[], resolutions: readonly Resolution[]): Map<string, StageState> {
  const votes = new Map<string, Decision[]>();
  for (const d of decisions) {
    if (d.stage !== stage) continue;
    const l = votes.get(d.recordId);
    if (l === undefined) votes.set(d.recordId, [d]);
    else l.push(d);
  }
  const resolved = new Map<string, Resolution>();
  for (const r of resolutions) if (r.stage === stage) resolved.set(r.recordId, r);
  const out = new Map<string, StageState>();
  for (const id of recordIds) {
    const vs = votes.get(id) ?? [];
    const res = resolved.get(id);
    if (res !== undefined) {
      out.set(id, { recordId: id, status: "resolved", outcome: res.outcome, reason: res.reason, votes: vs.length });
      continue;
    }
    if (vs.length < REVIEWERS_PER_RECORD) {
      out.set(id, { recordId: id, status: "pending", outcome: null, reason: null, votes: vs.length });
      continue;
    }
    if (stage === "title_abstract") {
      const fw = vs.map((v) => forward(v.vote));
      const agreed = fw.every((f) => f === fw[0]);
      out.set(id, agreed ? { recordId: id, status: "agreed", outcome: fw[0] === true ? "include" : "exclude", reason: null, votes: vs.length } : { recordId: id, status: "conflict", outcome: null, reason: null, votes: vs.length });
    } else {
      const first = vs[0] as Decision;
      const agreed = first.vote !== "maybe" && vs.every((v) => v.vote === first.vote && (first.vote !== "exclude" || v.reason === first.reason));
      out.set(id, agreed ? { recordId: id, status: "agreed", outcome: first.vote === "include" ? "include" : "exclude", reason: first.vote === "exclude" ? first.reason : null, votes: vs.length } : { recordId: id, status: "conflict", outcome: null, reason: null, votes: vs.length });
    }
  }
  return out;
}

/** Records that enter full text: those included (agreed or resolved) at title/abstract. */
export function fullTextRecordIds(recordIds: readonly string[], ta: Map<string, StageState>): string[] {
  return recordIds.filter((id) => ta.get(id)?.outcome === "include");
}

/**
 * Blinding: the other reviewers' votes on a record are shown to `viewerId` only once the viewer has voted and the
 * record has its full number of votes (or has been resolved). Returns the decisions the viewer may see.
 */
export function visibleDecisions(viewerId: string, recordId: string, stage: Stage, decisions: readonly Decision[], resolved: boolean): Decision[] {
  const onRecord = decisions.filter((d) => d.recordId === recordId && d.stage === stage);
  const own = onRecord.filter((d) => d.reviewerId === viewerId);
  if (resolved) return onRecord;
  if (own.length > 0 && onRecord.length >= REVIEWERS_PER_RECORD) return onRecord;
  return own;
}

export interface PairAgreement {
  reviewerA: string;
  reviewerB: string;
  /** Over the votes as cast (include / exclude / maybe; at full text the exclusion reason is not compared). */
  votes: KappaResult | null;
  /** Over the decision that matters at the stage (title/abstract: forward vs exclude). */
  binary: KappaResult | null;
}

/** Cohen's kappa for every pair of reviewers over the records both voted on at `stage`. */
export function agreement(stage: Stage, decisions: readonly Decision[]): PairAgreement[] {
  const byReviewer = new Map<string, Map<string, Vote>>();
  for (const d of decisions) {
    if (d.stage !== stage) continue;
    let m = byReviewer.get(d.reviewerId);
    if (m === undefined) byReviewer.set(d.reviewerId, (m = new Map()));
    m.set(d.recordId, d.vote);
  }
  const reviewers = [...byReviewer.keys()].sort();
  const out: PairAgreement[] = [];
  for (let i = 0; i < reviewers.length; i++)
    for (let j = i + 1; j < reviewers.length; j++) {
      const a = byReviewer.get(reviewers[i] as string) as Map<string, Vote>;
      const b = byReviewer.get(reviewers[j] as string) as Map<string, Vote>;
      const pairs: Array<[Vote, Vote]> = [];
      for (const [rec, va] of a) {
        const vb = b.get(rec);
        if (vb !== undefined) pairs.push([va, vb]);
      }
      if (pairs.length === 0) continue;
      out.push({
        reviewerA: reviewers[i] as string,
        reviewerB: reviewers[j] as string,
        votes: cohenKappa(pairs, stage === "title_abstract" ? ["include", "maybe", "exclude"] : ["include", "exclude", "maybe"]),
        binary: cohenKappa(
          pairs.map(([x, y]) => [forward(x) ? "forward" : "exclude", forward(y) ? "forward" : "exclude"] as [string, string]),
          ["forward", "exclude"],
        ),
      });
    }
  return out;
}
