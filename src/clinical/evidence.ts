/**
 * How the assessment receives evidence and guideline positions: an EvidenceLookup passed in by the caller.
 * The evidence base (src/evidence) provides the real one (see adapters in assess.ts / index.ts); the fallback
 * here serves only the verified positions of sources.ts, so the rules can run without a loaded base, and says so.
 */
import type { TherapyId } from "../shared/therapies.js";
import { CITATIONS, GUIDELINE_POSITIONS, type Citation, type GuidelinePosition } from "./sources.js";

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
  /** Where this came from: the loaded evidence base or the clinical fallback (verified positions only). */
  origin: "evidence-base" | "clinical-fallback";
  /** One or two sentences a clinician can read. */
  summary: string;
  /** Best pooled/trial result, as text with its source. */
  bestEstimate?: string;
  certainty?: string;
  conflicts: string[];
  subgroupNote?: string;
  sources: string[];
}

export interface TherapyEvidenceView {
  guideline: VerdictGuideline[];
  evidence: VerdictEvidence;
}

export type EvidenceLookup = (therapy: TherapyId, subgroups: readonly PatientSubgroup[]) => TherapyEvidenceView;

export function citationText(c: Citation): string {
  return `${c.label}: ${c.reference}`;
}

export function guidelineView(p: GuidelinePosition): VerdictGuideline {
  const v: VerdictGuideline = { body: p.body, statement: p.statement, citation: citationText(p.citation), verified: p.verified };
  if (p.year !== undefined) v.year = p.year;
  if (p.strength !== undefined) v.strength = p.strength;
  if (p.population !== undefined) v.population = p.population;
  if (p.citation.url !== undefined) v.url = p.citation.url;
  return v;
}

const G = GUIDELINE_POSITIONS;
const FALLBACK_POSITIONS: Record<TherapyId, GuidelinePosition[]> = {
  lit: [G.fdaLit, G.cwcImmunotherapy],
  ivig: [G.cwcImmunotherapy, G.nbaIvig, G.acrRefractoryIvig],
  tacrolimus: [],
  prednisolone: [G.cwcImmunotherapy, G.acrRefractoryPrednisone],
  "lmwh-aspirin": [G.eshreAps3, G.eshreAps2, G.eshreThrombophilia, G.acrApsStandard],
  hydroxychloroquine: [G.acrRefractoryHcq],
  intralipid: [],
  "tnf-inhibitor": [],
  "g-csf": [],
  progesterone: [],
  "il2-treg": [],
};

const FALLBACK_SUMMARY: Record<TherapyId, { summary: string; sources: Citation[] }> = {
  lit: { summary: "Trials disagree; a Cochrane review found no benefit and one trial more losses after LIT (Ober 1999). Clinic case series without controls report 70–85% live births.", sources: [CITATIONS.source001, CITATIONS.kling2006] },
  ivig: { summary: "Pooled results conflict: OR 2.24 in Gao 2025 (source 004) against no effect in the Cochrane review and an individual-participant analysis; Yamada 2022 found more ongoing pregnancies with ≥4 losses.", sources: [CITATIONS.yamada2022] },
  tacrolimus: { summary: "One RCT (source 002): 80.0% vs 63.5% healthy newborns, OR 2.30 (1.10–4.81), in women with ≥3 losses and raised IL-33/sST2 or Th1/Th2; not replicated independently.", sources: [CITATIONS.zhao2023tacrolimus] },
  prednisolone: { summary: "Tang 2013: 60% vs 40% live births with raised uNK, not significant; no guideline supports it.", sources: [CITATIONS.tang2013] },
  "lmwh-aspirin": { summary: "Standard treatment in APS; no benefit in inherited thrombophilia (ALIFE2, 72% vs 71%) or in unexplained RPL.", sources: [CITATIONS.alife2] },
  hydroxychloroquine: { summary: "One RCT in unexplained RM: ongoing pregnancy 67.9% vs 57.7%, not significant; conditionally suggested in refractory obstetric APS (ACR 2020).", sources: [CITATIONS.hcqRct] },
  intralipid: { summary: "No benefit in the RCT of women with NK > 12% (Dakhly 2016).", sources: [CITATIONS.dakhly2016] },
  "tnf-inhibitor": { summary: "Observational data only (Winger); pregnancy safety registry data are reassuring (UKTIS).", sources: [CITATIONS.winger2011] },
  "g-csf": { summary: "A small positive trial (Scarpellini 2009) and a larger negative one (RESPONSE 2019).", sources: [CITATIONS.scarpellini2009, CITATIONS.response2019] },
  progesterone: { summary: "Benefit with bleeding in early pregnancy after previous miscarriage (PRISM; ≥3 losses 72% vs 57%); none without bleeding (PROMISE).", sources: [CITATIONS.prism2019, CITATIONS.promise2015] },
  "il2-treg": { summary: "Proof-of-concept only (FACIL-2, open label, no control group).", sources: [CITATIONS.facil2] },
};

/**
 * The fallback lookup: verified guideline positions from sources.ts and a one-line trial summary. Used when no
 * evidence base is passed; the origin field says so.
 */
export const fallbackEvidenceLookup: EvidenceLookup = (therapy) => {
  const s = FALLBACK_SUMMARY[therapy];
  return {
    guideline: FALLBACK_POSITIONS[therapy].map(guidelineView),
    evidence: {
      origin: "clinical-fallback",
      summary: s.summary,
      conflicts: [],
      sources: s.sources.map(citationText),
    },
  };
};

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
