/**
 * The bridge from the evidence base (src/evidence, evidenceForTherapy) to the assessment's EvidenceLookup.
 * Per therapy it asks for the patient subgroup that matters most for that therapy (e.g. raised IL-33/sST2 for
 * tacrolimus), and caches every answer: the evidence API does real work (GRADE rows, conflicts), the assessment
 * must not repeat it per patient.
 */
import { evidenceForTherapy, type TherapyEvidence } from "../evidence/api.js";
import type { EvidenceBase } from "../evidence/schema.js";
import { THERAPY_IDS, type TherapyId } from "../shared/therapy-ids.js";
import { THERAPIES } from "./therapies/index.js";
import type { EvidenceLookup, PatientSubgroup, TherapyEvidenceView, VerdictGuideline } from "./evidence.js";

/** Which patient subgroup to ask the evidence base about, per therapy, most specific first (from each definition). */
export const SUBGROUP_PRIORITY: Readonly<Record<TherapyId, readonly PatientSubgroup[]>> = Object.fromEntries(
  THERAPY_IDS.map((t) => [t, THERAPIES[t].evidenceSubgroups]),
) as Record<TherapyId, readonly PatientSubgroup[]>;

export function chooseSubgroup(therapy: TherapyId, subgroups: readonly PatientSubgroup[]): PatientSubgroup | undefined {
  return SUBGROUP_PRIORITY[therapy].find((s) => subgroups.includes(s));
}

export function evidenceView(te: TherapyEvidence): TherapyEvidenceView {
  const guideline: VerdictGuideline[] = te.guidelines.map((g) => {
    const v: VerdictGuideline = {
      id: g.id,
      body: g.body,
      year: g.year,
      statement: g.statement,
      strength: g.strength,
      direction: g.direction,
      population: g.population,
      citation: g.citation.text,
      verified: g.verified,
    };
    if (g.citation.link !== null) v.url = g.citation.link;
    if (g.unverifiedNote !== undefined) v.unverifiedNote = g.unverifiedNote;
    return v;
  });
  const s = te.summary;
  const summary =
    s === null
      ? te.summaryNote
      : `${s.relative.text} for live birth; ${s.difference.text} from ${s.assumed.per1000} per 1,000 with placebo; ${s.studies} RCT${s.studies === 1 ? "" : "s"}, ${s.participants} participants; certainty ${s.certainty.level}${s.reasons.length > 0 ? ` (${s.reasons.join("; ")})` : ""}. Basis: ${s.basis}`;
  const conflicts = te.conflicts.map((c) => `${c.text} — ${c.direction}`);
  if (te.conflictNote !== null) conflicts.push(`Disagreement: ${te.conflictNote}`);
  const sourceIds = new Set<string>([...te.conflicts.map((c) => c.citation.id), ...te.trials.map((t) => t.citation.id)]);
  const sources = [...sourceIds].map((id) => te.citations[id]).filter((c) => c !== undefined).map((c) => (c.link !== null ? `${c.text} (${c.link})` : c.text));
  const view: TherapyEvidenceView = {
    guideline,
    evidence: { origin: "evidence-base", summary, bestEstimate: s === null ? te.summaryNote : `${s.comparison}, ${s.studies} RCT${s.studies === 1 ? "" : "s"} (${s.trials.map((t) => t.label).join(", ")}), ${s.participants} participants: ${s.relative.text} for live birth`, conflicts, sources },
  };
  const stmt = (x: { text: string; source: string; verified: boolean }) => `${x.text} [${x.source}${x.verified ? "" : ", unverified"}]`;
  view.evidence.regimens = te.regimens.map((r) => `${r.label}: ${r.dose}, ${r.route}, ${r.timing}, ${r.duration} [${r.source}${r.verified ? "" : ", unverified"}]`);
  view.evidence.safety = te.safety.map(stmt);
  view.evidence.contraindications = te.contraindications.map(stmt);
  view.evidence.monitoring = te.monitoring.map(stmt);
  view.evidence.coInterventions = te.coInterventions.map(stmt);
  if (te.regulatoryStatus !== null) view.evidence.regulatoryStatus = te.regulatoryStatus;
  if (s !== null) {
    view.evidence.certainty = s.certainty.level;
    const rel = s.relative;
    const excludes = rel.ci_low > 1 || rel.ci_high < 1;
    view.evidence.effect = {
      measure: rel.measure,
      estimate: rel.estimate,
      ciLow: rel.ci_low,
      ciHigh: rel.ci_high,
      excludesNoEffect: excludes,
      favoursTreatment: excludes && rel.ci_low > 1,
      // the SoF table pools the overall population of the placebo-controlled trials
      subgroup: null,
      text: `${rel.text} for live birth`,
      basis: s.basis,
    };
  }
  if (te.subgroupNote !== null) view.evidence.subgroupNote = te.subgroupNote;
  return view;
}

/**
 * An EvidenceLookup over a loaded evidence base. Answers are cached per therapy and chosen subgroup, so after the
 * first patient of a kind an assessment costs no evidence work. Pass `warm: true` to compute all answers now.
 */
export function evidenceLookupFromBase(base: EvidenceBase, opts: { warm?: boolean } = {}): EvidenceLookup {
  const cache = new Map<TherapyId, Map<PatientSubgroup | "", TherapyEvidenceView>>();
  const known = new Set(base.therapies.map((t) => t.id));
  const get = (therapy: TherapyId, subgroup: PatientSubgroup | undefined): TherapyEvidenceView => {
    let byGroup = cache.get(therapy);
    if (byGroup === undefined) {
      byGroup = new Map();
      cache.set(therapy, byGroup);
    }
    const key = subgroup ?? "";
    let v = byGroup.get(key);
    if (v === undefined) {
      v = known.has(therapy)
        ? evidenceView(evidenceForTherapy(base, therapy, subgroup !== undefined ? { subgroup } : {}))
        : { guideline: [], evidence: { origin: "evidence-base", summary: `The evidence base has no entry for ${therapy}.`, conflicts: [], sources: [] } };
      byGroup.set(key, v);
    }
    return v;
  };
  if (opts.warm === true)
    for (const t of Object.keys(SUBGROUP_PRIORITY) as TherapyId[]) {
      get(t, undefined);
      for (const s of SUBGROUP_PRIORITY[t]) get(t, s);
    }
  return (therapy, subgroups) => get(therapy, chooseSubgroup(therapy, subgroups));
}
