/**
 * How the assessment receives evidence and guideline positions: an EvidenceLookup passed in by the caller.
 * The evidence base (src/evidence) provides it through evidenceLookupFromBase (evidence-base.ts); without one,
 * noEvidenceLookup says that no evidence was passed.
 */
import type { TherapyId } from "../shared/therapy-ids.js";
import type { Citation, GuidelinePosition } from "./sources.js";

/** Patient subgroups an evidence summary can be specific to (names shared with the evidence base). */
export type PatientSubgroup =
  | "primary-rpl"
  | "secondary-rpl"
  | "ana-positive"
  | "ana-negative"
  | "apl-positive"
  | "th1-th2-elevated"
  | "il33-sst2-elevated"
  | "nk-elevated"
  | "recurrent-implantation-failure"
  | "bleeding-in-pregnancy"
  | "four-or-more-losses";

export interface VerdictGuideline {
  /** The position's id in the evidence base, when it comes from there. */
  id?: string;
  body: string;
  year?: number;
  statement: string;
  strength?: string | null;
  direction?: string;
  population?: string;
  /** Citation as text ("ESHRE 2017: Hum Reprod Open 2018;hoy004"). */
  citation: string;
  url?: string;
  verified: boolean;
  unverifiedNote?: string;
}

export interface VerdictEvidence {
  /** Where this came from: the loaded evidence base, or none passed. */
  origin: "evidence-base" | "none";
  /** One or two sentences a clinician can read. */
  summary: string;
  /** Best pooled/trial result, as text with its source. */
  bestEstimate?: string;
  /** The best estimate as numbers, with whether its CI excludes no effect and the population it holds in. */
  effect?: EvidenceEffect;
  certainty?: string;
  conflicts: string[];
  subgroupNote?: string;
  sources: string[];
  /** From the evidence base's therapy entry (each statement with its source and verified flag). */
  regimens?: string[];
  safety?: string[];
  contraindications?: string[];
  monitoring?: string[];
  coInterventions?: string[];
  regulatoryStatus?: string;
}

export interface EvidenceEffect {
  measure: string;
  estimate: number;
  ciLow: number;
  ciHigh: number;
  /** The 95% CI excludes no effect (ratio 1). */
  excludesNoEffect: boolean;
  favoursTreatment: boolean;
  /** The subgroup the estimate is specific to, or null for the overall RPL population. */
  subgroup: string | null;
  /** "RR 1.03 (95% CI 0.99 to 1.07) for live birth". */
  text: string;
  basis: string;
}

export interface TherapyEvidenceView {
  guideline: VerdictGuideline[];
  evidence: VerdictEvidence;
}

export type EvidenceLookup = (therapy: TherapyId, subgroups: readonly PatientSubgroup[]) => TherapyEvidenceView;

/** A citation as people read it: label, publication, then its PMID and DOI when it has them. */
export function citationText(c: Citation): string {
  const ids = [c.pmid !== undefined ? `PMID ${c.pmid}` : "", c.doi !== undefined ? `doi:${c.doi}` : ""].filter((x) => x !== "");
  return `${c.label}: ${c.reference}${ids.length > 0 ? `. ${ids.join("; ")}` : ""}`;
}

export function guidelineView(p: GuidelinePosition): VerdictGuideline {
  const v: VerdictGuideline = { body: p.body, statement: p.statement, citation: citationText(p.citation), verified: p.verified };
  if (p.year !== undefined) v.year = p.year;
  if (p.guidelineId !== undefined) v.id = p.guidelineId;
  if (p.strength !== undefined) v.strength = p.strength;
  if (p.direction !== undefined) v.direction = p.direction;
  if (p.population !== undefined) v.population = p.population;
  if (p.citation.url !== undefined) v.url = p.citation.url;
  return v;
}

/** Used when no evidence base is passed: says so, and invents nothing (the verdicts still cite their criteria). */
export const noEvidenceLookup: EvidenceLookup = () => ({
  guideline: [],
  evidence: {
    origin: "none",
    summary: "No evidence base was passed to this assessment; load one (src/evidence) for the evidence summary and guideline positions.",
    conflicts: [],
    sources: [],
  },
});

/** Memoises a lookup per therapy and subgroup set, so repeated assessments do no repeated work. */
export function cachedLookup(lookup: EvidenceLookup): EvidenceLookup {
  const cache = new Map<string, TherapyEvidenceView>();
  return (therapy, subgroups) => {
    const key = `${therapy}|${[...subgroups].sort().join(",")}`;
    let v = cache.get(key);
    if (v === undefined) {
      v = lookup(therapy, subgroups);
      cache.set(key, v);
    }
    return v;
  };
}
