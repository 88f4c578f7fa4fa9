/**
 * The evidence API the rest of Decidua uses (pure): for a therapy, and a patient subgroup where the data allow,
 * the evidence summary (the live-birth row of its GRADE Summary-of-Findings table, grade-outcomes.ts: the one
 * certainty Decidua states), the published results side by side (never averaged, never graded a second time), the guideline positions with their citations and verified flags, and the therapy's regimens,
 * safety, contraindications and monitoring.
 *
 * "Best" evidence is chosen by design, then size: an IPD meta-analysis of placebo-controlled RCTs, then
 * aggregate meta-analyses of placebo-controlled RCTs, then RCTs with any control, then reviews that do not
 * state their designs, then reviews mixing randomised and non-randomised studies; within a class, reviews before
 * meta-analyses inside a trial report; ties go to more participants, more studies and the newer review. Results
 * with concerns (stored, or problems the audit finds in their printed numbers) are ranked after clean ones. The
 * ranking orders the published results shown; it does not choose the summary.
 */
import type { TherapyId } from "../shared/therapies.js";
import { twoByTwo } from "../stats/trial/twoByTwo.js";
import { auditEvidenceBase } from "./audit/index.js";
import { sofSummary, summaryOfFindingsTable, type SofSummary } from "./grade-outcomes.js";
import type { EvidenceBase, GuidelinePosition, MetaAnalysis, PublishedResult, PublishedRegimen, SourcedStatement, EvidenceSubgroup, TargetFinding, EvidenceTrial, EvidenceTrialOutcome } from "./schema.js";
import { citationFor, completeCounts, primaryLiveBirthOutcome, type CitationView } from "./select.js";

export interface EvidenceQuery {
  subgroup?: EvidenceSubgroup;
  /**
   * Every subgroup the patient belongs to, in order of preference (e.g. ["secondary-rpl", "ana-positive"]): the
   * first with pooled results of its own is used; without any, the first is used (for its notes). Ignored when
   * `subgroup` is given.
   */
  subgroups?: EvidenceSubgroup[];
}

/** The one subgroup a query resolves to (see EvidenceQuery.subgroups). */
export function resolveSubgroup(base: EvidenceBase, therapy: TherapyId, opts: EvidenceQuery): EvidenceSubgroup | undefined {
  if (opts.subgroup !== undefined) return opts.subgroup;
  const list = opts.subgroups ?? [];
  return list.find((g) => liveBirthResults(base, therapy, g).length > 0) ?? list[0];
}

export type EffectDirection = "favours treatment" | "favours control" | "no clear difference";

/** One published result, shown beside the others. */
export interface PublishedResultView {
  metaAnalysis: string;
  result: string;
  label: string;
  year: number;
  kind: MetaAnalysis["kind"];
  designClass: MetaAnalysis["designClass"];
  designsIncluded: string;
  population: string;
  comparison: string;
  outcome: string;
  outcomeIsFailure: boolean;
  subgroup: EvidenceSubgroup | null;
  measure: PublishedResult["measure"];
  method: string | null;
  model: "fixed" | "random" | null;
  estimate: number;
  ci_low: number;
  ci_high: number;
  I2: number | null;
  k: number | null;
  participants: number | null;
  direction: EffectDirection;
  /** Stored concerns and the audit's problems ("audit: ...") with this result; empty when none. */
  concerns: string[];
  text: string;
  citation: CitationView;
}

export interface GuidelineView extends GuidelinePosition {
  citation: CitationView;
}

export interface TrialView {
  id: string;
  label: string;
  year: number | null;
  design: string;
  population: string;
  subgroups: EvidenceSubgroup[];
  found: boolean;
  /** The live-birth-family row used as this trial's main result, if any, in words. */
  mainResult: string | null;
  citation: CitationView;
}

export interface TherapyEvidence {
  therapy: TherapyId;
  name: string;
  regulatoryStatus: string | null;
  mechanism: SourcedStatement[];
  targetedFindings: TargetFinding[];
  regimens: PublishedRegimen[];
  safety: SourcedStatement[];
  contraindications: SourcedStatement[];
  monitoring: SourcedStatement[];
  coInterventions: SourcedStatement[];
  /** The subgroup asked for (null when none). */
  subgroup: EvidenceSubgroup | null;
  /** What the base has (or lacks) for that subgroup, in words; null when no subgroup was asked for. */
  subgroupNote: string | null;
  /**
   * The live-birth row of the therapy's Summary-of-Findings table (grade-outcomes.ts: its placebo-controlled RCTs
   * pooled, GRADE per domain), or null when it has no estimate (see summaryNote). The only certainty stated for it.
   */
  summary: SofSummary | null;
  /** The summary in plain language (GRADE informative statement), null without a summary. */
  summaryPlain: string | null;
  summaryNote: string;
  /** Published pooled results for this therapy and outcome (live birth), side by side: never averaged. */
  conflicts: PublishedResultView[];
  /** Null when the results agree in direction; otherwise which disagree. */
  conflictNote: string | null;
  guidelines: GuidelineView[];
  trials: TrialView[];
  /** Every source cited anywhere in this answer, by id. */
  citations: Record<string, CitationView>;
}

const DESIGN_RANK: Record<MetaAnalysis["designClass"], number> = {
  "rct-placebo": 3,
  "rct-any-control": 2,
  "not-stated": 1,
  "mixed-randomised-non-randomised": 0,
};

function rankOf(m: MetaAnalysis): number {
  return DESIGN_RANK[m.designClass] * 2 + (m.kind === "ipd" && m.designClass === "rct-placebo" ? 1 : 0);
}

function isRatio(measure: PublishedResult["measure"]): boolean {
  return measure === "OR" || measure === "RR" || measure === "PetoOR";
}

export function effectDirection(r: Pick<PublishedResult, "measure" | "ci_low" | "ci_high" | "outcomeIsFailure">, desirable = true): EffectDirection {
  const nullValue = isRatio(r.measure) ? 1 : 0;
  if (r.ci_low <= nullValue && r.ci_high >= nullValue) return "no clear difference";
  const up = r.ci_low > nullValue;
  const good = r.outcomeIsFailure ? !up : up;
  return good === desirable ? "favours treatment" : "favours control";
}

function fmt(x: number): string {
  return Math.abs(x) >= 10 ? x.toFixed(1) : x.toFixed(2);
}

function resultText(m: MetaAnalysis, r: PublishedResult): string {
  const measure = r.measure === "PetoOR" ? "Peto OR" : r.measure;
  const bits = [`${measure} ${fmt(r.estimate)} (${fmt(r.ci_low)} to ${fmt(r.ci_high)})`];
  if (r.k !== null) bits.push(`${r.k} studies`);
  if (r.participants !== null) bits.push(`${r.participants} participants`);
  if (r.I2 !== null) bits.push(`I² ${r.I2}%`);
  const siblings = m.results.filter((x) => x.outcome === r.outcome && x.subgroup === r.subgroup).length;
  return `${m.label}${siblings > 1 ? ` [${r.comparison}]` : ""}: ${bits.join(", ")}${r.outcomeIsFailure ? " [outcome is NO live birth]" : ""}`;
}

// Memo of resultConcerns per base object: the result depends only on the (immutable) base, so caching it changes
// no output; it saves re-auditing every published number on each call.
const concernsMemo = new WeakMap<EvidenceBase, Map<string, string[]>>();

/** Concerns per "meta-analysis id / result id": the stored ones plus every problem the audit finds in the printed numbers. */
export function resultConcerns(base: EvidenceBase): Map<string, string[]> {
  const memo = concernsMemo.get(base);
  if (memo !== undefined) return memo;
  const out = new Map<string, string[]>();
  for (const m of base.metaAnalyses) for (const r of m.results) if (r.concerns.length > 0) out.set(`${m.id} / ${r.id}`, [...r.concerns]);
  for (const entry of auditEvidenceBase(base)) {
    if (entry.audit.consistent) continue;
    const list = out.get(entry.where) ?? [];
    list.push(...entry.audit.problems.map((p) => `audit: ${p}`));
    out.set(entry.where, list);
  }
  concernsMemo.set(base, out);
  return out;
}

function viewResult(base: EvidenceBase, m: MetaAnalysis, r: PublishedResult, concerns: Map<string, string[]>): PublishedResultView {
  return {
    metaAnalysis: m.id,
    result: r.id,
    label: m.label,
    year: m.year,
    kind: m.kind,
    designClass: m.designClass,
    designsIncluded: m.designsIncluded,
    population: m.population,
    comparison: r.comparison,
    outcome: r.outcomeDefinition,
    outcomeIsFailure: r.outcomeIsFailure,
    subgroup: r.subgroup ?? null,
    measure: r.measure,
    method: r.method,
    model: r.model,
    estimate: r.estimate,
    ci_low: r.ci_low,
    ci_high: r.ci_high,
    I2: r.I2,
    k: r.k,
    participants: r.participants,
    direction: effectDirection(r),
    concerns: [...(concerns.get(`${m.id} / ${r.id}`) ?? [])],
    text: resultText(m, r),
    citation: citationFor(base, m.source),
  };
}

/**
 * Published live-birth results for a therapy: with a subgroup, the results for that subgroup (including overall
 * results of reviews whose whole population is that subgroup); without one, the overall results.
 */
export function liveBirthResults(base: EvidenceBase, therapy: TherapyId, subgroup?: EvidenceSubgroup): Array<{ m: MetaAnalysis; r: PublishedResult }> {
  const out: Array<{ m: MetaAnalysis; r: PublishedResult }> = [];
  for (const m of base.metaAnalyses) {
    if (m.therapy !== therapy) continue;
    for (const r of m.results) {
      if (r.outcome !== "live-birth") continue;
      const matches =
        subgroup === undefined
          ? r.subgroup === undefined
          : r.subgroup === subgroup || (r.subgroup === undefined && m.populationSubgroups.includes(subgroup));
      if (matches) out.push({ m, r });
    }
  }
  return out;
}

const KIND_RANK: Record<MetaAnalysis["kind"], number> = { ipd: 2, aggregate: 1, "in-paper": 0 };

/** Orders results best first (see the module comment); results with concerns (stored or from the audit) go after clean ones. */
export function rankResults(list: Array<{ m: MetaAnalysis; r: PublishedResult }>, concerns: Map<string, string[]> = new Map()): Array<{ m: MetaAnalysis; r: PublishedResult }> {
  const troubled = (x: { m: MetaAnalysis; r: PublishedResult }): number => ((concerns.get(`${x.m.id} / ${x.r.id}`) ?? []).length > 0 ? 1 : 0);
  return [...list].sort(
    (a, b) =>
      Number(a.r.outcomeIsFailure) - Number(b.r.outcomeIsFailure) ||
      troubled(a) - troubled(b) ||
      Number(!isRatio(a.r.measure)) - Number(!isRatio(b.r.measure)) ||
      rankOf(b.m) - rankOf(a.m) ||
      KIND_RANK[b.m.kind] - KIND_RANK[a.m.kind] ||
      (b.r.participants ?? 0) - (a.r.participants ?? 0) ||
      (b.r.k ?? 0) - (a.r.k ?? 0) ||
      b.m.year - a.m.year,
  );
}

function trialDesignText(t: EvidenceTrial): string {
  const rand = t.design.randomised === true ? "randomised" : t.design.randomised === false ? "NON-randomised" : "randomisation not confirmed";
  return `${rand}, ${t.design.blinding}, control: ${t.design.control}${t.design.controlDetail !== undefined ? ` (${t.design.controlDetail})` : ""}`;
}

function outcomeText(o: EvidenceTrialOutcome): string {
  const c = completeCounts(o);
  const counts = c === null ? "counts not available" : `${c.events_t}/${c.total_t} vs ${c.events_c}/${c.total_c}`;
  return `${o.definition}: ${counts} [${o.analysis}; ${o.status}${o.derivation !== undefined ? `: ${o.derivation}` : ""}]`;
}

function conflictsAmong(views: PublishedResultView[]): string | null {
  const dirs = new Set(views.map((v) => v.direction));
  if (dirs.size <= 1) return null;
  const name = (v: PublishedResultView): string =>
    views.filter((w) => w.label === v.label).length > 1 ? `${v.label} [${v.comparison}]` : v.label;
  const by = (d: EffectDirection): string =>
    views
      .filter((v) => v.direction === d)
      .map((v) => `${name(v)} (${v.designClass})`)
      .join(", ");
  return [...dirs].map((d) => `${d}: ${by(d)}`).join(" | ");
}

/** Direction of a trial outcome: from its reported effect, else its counts (RR), else the direction its source states. */
export function trialDirection(o: EvidenceTrialOutcome): EffectDirection | null {
  if (o.reported !== undefined) return effectDirection({ measure: o.reported.measure, ci_low: o.reported.ci_low, ci_high: o.reported.ci_high, outcomeIsFailure: o.outcome === "miscarriage" });
  const c = completeCounts(o);
  if (c !== null) {
    const rr = twoByTwo({ eventsT: c.events_t, totalT: c.total_t, eventsC: c.events_c, totalC: c.total_c }).riskRatio;
    return effectDirection({ measure: "RR", ci_low: rr.ci_low, ci_high: rr.ci_high, outcomeIsFailure: o.outcome === "miscarriage" });
  }
  return o.statedDirection ?? null;
}

/**
 * Randomised trials of the therapy whose live-birth-family results disagree in direction (shown side by side when
 * no published pooled result exists): null when they agree or fewer than two have a direction.
 */
function trialConflicts(base: EvidenceBase, therapy: TherapyId, subgroup: EvidenceSubgroup | undefined): string | null {
  const dirs = base.trials
    .filter((t) => t.therapy === therapy && t.design.randomised === true)
    .flatMap((t) => {
      const o = (subgroup !== undefined ? primaryLiveBirthOutcome(t, subgroup) : null) ?? primaryLiveBirthOutcome(t) ?? t.outcomes.find((y) => y.statedDirection !== undefined) ?? null;
      const d = o === null ? null : trialDirection(o);
      return d === null || o === null ? [] : [{ label: t.label, d, stated: completeCounts(o) === null && o.reported === undefined }];
    });
  if (new Set(dirs.map((x) => x.d)).size <= 1) return null;
  return dirs.map((x) => `${x.label}: ${x.d}${x.stated ? " (direction as stated; counts not in the base)" : ""}`).join(" | ");
}

function subgroupNoteFor(base: EvidenceBase, therapy: TherapyId, subgroup: EvidenceSubgroup, hasPooled: boolean): string {
  const trials = base.trials.filter((t) => t.therapy === therapy && (t.subgroups.includes(subgroup) || t.outcomes.some((o) => o.subgroup === subgroup)));
  const trialText =
    trials.length > 0
      ? ` Trials in the base for this subgroup: ${trials.map((t) => `${t.label} (${trialDesignText(t)}; ${t.outcomes.filter((o) => o.subgroup === undefined || o.subgroup === subgroup).map(outcomeText).join("; ")})`).join(" / ")}.`
      : " No trial in the base reports this subgroup.";
  return hasPooled
    ? `Published pooled results specific to ${subgroup} are shown side by side; the GRADE summary is for the placebo-controlled trials of the overall RPL population.${trialText}`
    : `No pooled result specific to ${subgroup}; the GRADE summary is for the overall RPL population and is indirect for this patient.${trialText}`;
}

// Memo of each therapy's live-birth SoF row per base object: it depends only on the (immutable) base and the therapy,
// not on the subgroup, so every subgroup's evidence (and every lookup over the same base) reads one pooled row.
const liveBirthSofMemo = new WeakMap<EvidenceBase, Map<TherapyId, ReturnType<typeof sofSummary>>>();

/** A therapy's live-birth Summary-of-Findings row (the verdicts' one GRADE summary), pooled once per base. Pure. */
export function liveBirthSof(base: EvidenceBase, therapy: TherapyId): ReturnType<typeof sofSummary> {
  let byTherapy = liveBirthSofMemo.get(base);
  if (byTherapy === undefined) {
    byTherapy = new Map();
    liveBirthSofMemo.set(base, byTherapy);
  }
  if (!byTherapy.has(therapy)) byTherapy.set(therapy, sofSummary(summaryOfFindingsTable(base, therapy, { outcomes: ["live-birth"] }), "live-birth"));
  return byTherapy.get(therapy)!;
}

/** The evidence Decidua has for a therapy (and a subgroup where the data allow). Pure. */
export function evidenceForTherapy(base: EvidenceBase, therapy: TherapyId, opts: EvidenceQuery = {}): TherapyEvidence {
  const info = base.therapies.find((t) => t.id === therapy);
  if (info === undefined) throw new Error(`therapy "${therapy}" is not in the evidence base`);
  const subgroup = resolveSubgroup(base, therapy, opts);
  let list = subgroup !== undefined ? liveBirthResults(base, therapy, subgroup) : [];
  const hasPooledSubgroup = list.length > 0;
  if (!hasPooledSubgroup) list = liveBirthResults(base, therapy);
  const concerns = resultConcerns(base);
  const ranked = rankResults(list, concerns);
  const views = ranked.map(({ m, r }) => viewResult(base, m, r, concerns));
  // The one GRADE certainty for live birth: the Summary-of-Findings engine (grade-outcomes.ts), the same row the SoF
  // table shows; the published results above stay side by side as evidence, not as a second certainty.
  const sof = liveBirthSof(base, therapy);
  const best = ranked[0];
  const published = best !== undefined ? `; best published result: ${resultText(best.m, best.r)} (side by side below, not graded separately)` : "";

  const guidelines: GuidelineView[] = base.guidelines
    .filter((g) => g.therapies.includes(therapy))
    .sort((a, b) => b.year - a.year || a.body.localeCompare(b.body))
    .map((g) => ({ ...g, citation: citationFor(base, g.source) }));

  const trials: TrialView[] = base.trials
    .filter((t) => t.therapy === therapy)
    .map((t) => {
      const o = primaryLiveBirthOutcome(t);
      return {
        id: t.id,
        label: t.label,
        year: t.year,
        design: trialDesignText(t),
        population: t.population,
        subgroups: t.subgroups,
        found: t.found,
        mainResult: o === null ? null : outcomeText(o),
        citation: citationFor(base, t.source),
      };
    });

  const citations: Record<string, CitationView> = {};
  const cite = (id: string): void => {
    citations[id] = citationFor(base, id);
  };
  for (const s of [...info.mechanism, ...info.safety, ...info.contraindications, ...info.monitoring, ...info.coInterventions]) cite(s.source);
  for (const r of info.regimens) cite(r.source);
  for (const g of guidelines) cite(g.source);
  for (const v of views) cite(v.citation.id);
  for (const t of trials) cite(t.citation.id);

  return {
    therapy,
    name: info.name,
    regulatoryStatus: info.regulatoryStatus ?? null,
    mechanism: info.mechanism,
    targetedFindings: info.targetedFindings,
    regimens: info.regimens,
    safety: info.safety,
    contraindications: info.contraindications,
    monitoring: info.monitoring,
    coInterventions: info.coInterventions,
    subgroup: subgroup ?? null,
    subgroupNote: subgroup === undefined ? null : subgroupNoteFor(base, therapy, subgroup, hasPooledSubgroup),
    summary: sof.summary,
    summaryPlain: sof.summary === null ? null : sof.summary.statement,
    summaryNote: `${sof.note}${published}`,
    conflicts: views,
    conflictNote: conflictsAmong(views) ?? (best === undefined ? trialConflicts(base, therapy, subgroup) : null),
    guidelines,
    trials,
    citations,
  };
}

/** evidenceForTherapy for every therapy in the base. */
export function evidenceForAllTherapies(base: EvidenceBase, opts: EvidenceQuery = {}): TherapyEvidence[] {
  return base.therapies.map((t) => evidenceForTherapy(base, t.id, opts));
}
