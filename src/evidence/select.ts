/**
 * Pure selection helpers over the base: which outcome row of a trial stands for "live birth", the citation of a
 * source, the control-arm risk of a set of trials.
 */
import type { EvidenceAnalysisSet, EvidenceBase, EvidenceSource, EvidenceOutcomeKind, EvidenceTrial, EvidenceTrialOutcome } from "./schema.js";

/** Outcomes that trials used in place of live birth (each keeps its own definition in the row). */
export const LIVE_BIRTH_FAMILY: readonly EvidenceOutcomeKind[] = ["live-birth", "success", "term-delivery", "healthy-newborn", "pregnancy-28w", "ongoing-pregnancy-22w", "ongoing-pregnancy-20w", "ongoing-pregnancy"];

/** Analysis sets from closest to intention to treat to furthest (which row of a trial stands for an outcome). */
export const ANALYSIS_PREFERENCE: readonly EvidenceAnalysisSet[] = ["itt", "not-stated", "completers", "per-protocol", "pregnant-only", "conceived-only"];

export interface CompletePairCounts {
  events_t: number;
  total_t: number;
  events_c: number;
  total_c: number;
}

export function completeCounts(o: EvidenceTrialOutcome): CompletePairCounts | null {
  if (o.events_t === null || o.total_t === null || o.events_c === null || o.total_c === null) return null;
  if (o.total_t === 0 || o.total_c === 0) return null;
  return { events_t: o.events_t, total_t: o.total_t, events_c: o.events_c, total_c: o.total_c };
}

/**
 * The outcome row that best stands for live birth in a trial (overall population, not a subgroup): a row with
 * complete counts, the closest outcome to live birth, then the analysis set closest to intention to treat.
 */
export function primaryLiveBirthOutcome(trial: EvidenceTrial, subgroup?: string): EvidenceTrialOutcome | null {
  const candidates = trial.outcomes.filter((o) => LIVE_BIRTH_FAMILY.includes(o.outcome) && completeCounts(o) !== null && (subgroup === undefined ? o.subgroup === undefined : o.subgroup === subgroup));
  candidates.sort(
    (a, b) =>
      LIVE_BIRTH_FAMILY.indexOf(a.outcome) - LIVE_BIRTH_FAMILY.indexOf(b.outcome) || ANALYSIS_PREFERENCE.indexOf(a.analysis) - ANALYSIS_PREFERENCE.indexOf(b.analysis),
  );
  return candidates[0] ?? null;
}

export interface CitationView {
  id: string;
  kind: EvidenceSource["kind"];
  text: string;
  pmid: string | null;
  doi: string | null;
  pmcid: string | null;
  url: string | null;
  /** A link a reader can open: DOI, then PubMed, then PMC, then the URL; null when only the citation exists. */
  link: string | null;
}

export function citationView(s: EvidenceSource): CitationView {
  const link =
    s.doi !== undefined
      ? `https://doi.org/${s.doi}`
      : s.pmid !== undefined
        ? `https://pubmed.ncbi.nlm.nih.gov/${s.pmid}/`
        : s.pmcid !== undefined
          ? `https://pmc.ncbi.nlm.nih.gov/articles/${s.pmcid}/`
          : (s.url ?? null);
  return { id: s.id, kind: s.kind, text: s.citation, pmid: s.pmid ?? null, doi: s.doi ?? null, pmcid: s.pmcid ?? null, url: s.url ?? null, link };
}

/** The citation of a source id; a stub saying it is unknown if the id is not in the base (validate reports it). */
export function citationFor(base: EvidenceBase, id: string): CitationView {
  const s = base.sources.find((x) => x.id === id);
  if (s === undefined) return { id, kind: "secondary", text: `unknown source "${id}"`, pmid: null, doi: null, pmcid: null, url: null, link: null };
  return citationView(s);
}

/** Pooled control-arm risk over trial rows (sum of events / sum of totals). */
export function pooledControlRisk(rows: CompletePairCounts[]): number | null {
  const e = rows.reduce((s, r) => s + r.events_c, 0);
  const n = rows.reduce((s, r) => s + r.total_c, 0);
  return n > 0 ? e / n : null;
}

/** Randomised, placebo-controlled trials of a therapy with a complete live-birth-family row. */
export function placeboRctRows(base: EvidenceBase, therapy: string): Array<{ trial: EvidenceTrial; outcome: EvidenceTrialOutcome; counts: CompletePairCounts }> {
  const out: Array<{ trial: EvidenceTrial; outcome: EvidenceTrialOutcome; counts: CompletePairCounts }> = [];
  for (const t of base.trials) {
    if (t.therapy !== therapy || t.design.randomised !== true || (t.design.control !== "placebo" && t.design.control !== "basic-therapy-plus-placebo")) continue;
    const o = primaryLiveBirthOutcome(t);
    const c = o === null ? null : completeCounts(o);
    if (o !== null && c !== null) out.push({ trial: t, outcome: o, counts: c });
  }
  return out;
}
