/**
 * The evidence API the rest of Decidua uses (pure): for a therapy, and a patient subgroup where the data allow,
 * the best evidence summary (a GRADE Summary-of-Findings row), the published results side by side (never
 * averaged), the guideline positions with their citations and verified flags, and the therapy's regimens,
 * safety, contraindications and monitoring.
 *
 * "Best" evidence is chosen by design, then size: an IPD meta-analysis of placebo-controlled RCTs, then
 * aggregate meta-analyses of placebo-controlled RCTs, then RCTs with any control, then reviews that do not
 * state their designs, then reviews mixing randomised and non-randomised studies; within a class, reviews before
 * meta-analyses inside a trial report; ties go to more participants, more studies and the newer review. Results
 * with concerns (stored, or problems the audit finds in their printed numbers) are ranked after clean ones. A therapy without a pooled result falls back to its best randomised trial
 * with a reported effect.
 */
import { THERAPY_NAMES, type TherapyId } from "../shared/therapies.js";
import { twoByTwo } from "../stats/trial/twoByTwo.js";
import { auditEvidenceBase } from "./audit/index.js";
import { plainLanguageStatement, summaryOfFindings, type RelativeEffect, type SofRow, type StudyForGrade } from "./grade.js";
import type { EvidenceBase, GuidelinePosition, MetaAnalysis, PublishedResult, PublishedRegimen, SourcedStatement, EvidenceSubgroup, TargetFinding, EvidenceTrial, EvidenceTrialOutcome } from "./schema.js";
import { citationFor, completeCounts, placeboRctRows, pooledControlRisk, primaryLiveBirthOutcome, type CitationView, type CompletePairCounts } from "./select.js";

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
  /** The best evidence summary, or null when no result with a CI exists (see summaryNote). */
  summary: SofRow | null;
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

function studyForGrade(t: EvidenceTrial, participants: number): StudyForGrade {
  const o = primaryLiveBirthOutcome(t);
  // RoB 2 is result-specific: it counts when it judges the live-birth row this estimate rests on
  const rob2 = t.rob2 !== undefined && (o === null || t.rob2.outcome === o.id) ? { rob2: t.rob2.overall } : {};
  return { label: t.label, randomised: t.design.randomised, participants, rob: t.rob, ...rob2 };
}

/** The studies behind a published result, as far as the base knows them; else the therapy's placebo RCTs as proxy. */
function studiesBehind(base: EvidenceBase, therapy: TherapyId, r: PublishedResult): { studies: StudyForGrade[]; proxy: boolean } {
  if (r.trials !== null && r.trials.length > 0) {
    const studies: StudyForGrade[] = [];
    for (const it of r.trials) {
      const t = base.trials.find((x) => x.id === it.trial);
      if (t === undefined) continue;
      const o = it.outcome === null ? null : t.outcomes.find((x) => x.id === it.outcome);
      const n = o !== undefined && o !== null ? (o.total_t ?? 0) + (o.total_c ?? 0) : 0;
      studies.push(studyForGrade(t, n > 0 ? n : 1));
    }
    return { studies, proxy: false };
  }
  const rows = placeboRctRows(base, therapy);
  return { studies: rows.map((x) => studyForGrade(x.trial, x.counts.total_t + x.counts.total_c)), proxy: true };
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

/** Builds the SoF row from the best published result. */
const COMPLEMENT: Partial<Record<EvidenceSubgroup, EvidenceSubgroup>> = { "primary-rpl": "secondary-rpl", "secondary-rpl": "primary-rpl", "ana-positive": "ana-negative", "ana-negative": "ana-positive" };

/**
 * Placebo-RCT rows for the baseline risk: with a subgroup, the trials confined to it (listing it and not its
 * complement) when there are any; otherwise all of the therapy's placebo RCTs.
 */
function baselineRows(base: EvidenceBase, therapy: TherapyId, subgroup: EvidenceSubgroup | undefined): { rows: ReturnType<typeof placeboRctRows>; scope: string } {
  const all = placeboRctRows(base, therapy);
  if (subgroup === undefined) return { rows: all, scope: "" };
  const other = COMPLEMENT[subgroup];
  const only = all.filter((x) => x.trial.subgroups.includes(subgroup) && (other === undefined || !x.trial.subgroups.includes(other)));
  return only.length > 0 ? { rows: only, scope: ` confined to ${subgroup}` } : { rows: all, scope: "" };
}

function sofFromPublished(
  base: EvidenceBase,
  therapy: TherapyId,
  best: { m: MetaAnalysis; r: PublishedResult },
  all: PublishedResultView[],
  indirect: string[],
  subgroup: EvidenceSubgroup | undefined,
): { row: SofRow | null; note: string } {
  const { m, r } = best;
  if (r.measure !== "OR" && r.measure !== "RR" && r.measure !== "PetoOR") return { row: null, note: `best result (${m.label}) is not a ratio` };
  const { rows, scope } = baselineRows(base, therapy, subgroup);
  const baseline = pooledControlRisk(rows.map((x) => x.counts));
  if (baseline === null || baseline <= 0 || baseline >= 1)
    return {
      row: null,
      note: `best available: ${resultText(m, r)}; no GRADE row because the base has no control-arm counts for ${THERAPY_NAMES[therapy]} to set a baseline risk (absolute effects would be guesses)`,
    };
  const { studies, proxy } = studiesBehind(base, therapy, r);
  // Only results of the same or a stronger design class count against the best one; weaker designs that disagree
  // are shown side by side but do not rate the certainty down.
  const credibleConflict = conflictsAmong(all.filter((v) => DESIGN_RANK[v.designClass] >= DESIGN_RANK[m.designClass]));
  const reasonsIndirect = [...indirect];
  if (!proxy && r.trials !== null) {
    // Only when the review's own trial rows are known: do they measure the same outcome?
    const kinds = new Set(
      r.trials.flatMap((it) => {
        const o = it.outcome === null ? undefined : base.trials.find((t) => t.id === it.trial)?.outcomes.find((x) => x.id === it.outcome);
        return o === undefined ? [] : [o.outcome];
      }),
    );
    if (kinds.size > 1) reasonsIndirect.push(`the pooled trials' outcomes differ (${[...kinds].join(", ")}), not all are live birth`);
  }
  const row = summaryOfFindings({
    therapy,
    outcome: "live birth",
    comparison: r.comparison,
    population: m.population,
    basis: `${m.label} (${m.kind === "ipd" ? "individual-participant-data meta-analysis" : "meta-analysis"}; ${m.designsIncluded})${proxy ? "; risk of bias judged from the placebo-controlled RCTs in the base, as the review's trial list is not stored" : ""}`,
    effect: { measure: r.measure, estimate: r.estimate, ci_low: r.ci_low, ci_high: r.ci_high },
    desirable: true,
    baselineRisk: baseline,
    baselineSource: `pooled control-arm risk of the ${rows.length} randomised placebo-controlled trial(s)${scope} with counts in the base (${rows.map((x) => `${x.trial.label} ${x.counts.events_c}/${x.counts.total_c}`).join(", ")})`,
    participants: r.participants,
    studies: r.k ?? (proxy ? null : studies.length),
    studyDetails: studies,
    allRandomised: m.designClass === "rct-placebo" || m.designClass === "rct-any-control",
    I2: r.I2,
    conflicts: credibleConflict === null ? [] : [`published meta-analyses disagree: ${credibleConflict}`],
    indirectness: reasonsIndirect,
    publicationBias: null,
  });
  return { row, note: `best available: ${resultText(m, r)}` };
}

/** Subgroups that define a different population from "RPL in general" (a trial in one is indirect for others). */
const POPULATION_SUBGROUPS: readonly EvidenceSubgroup[] = ["bleeding-in-pregnancy", "recurrent-implantation-failure", "apl-positive", "nk-elevated", "th1-th2-elevated", "il33-sst2-elevated"];

/**
 * Builds the SoF row from the best randomised trial (no pooled result exists): trials in the requested subgroup
 * first (without one, trials not confined to a special population), then the larger. The effect is the one the
 * trial reports; when it reports none, the risk ratio computed from its counts (Wald CI on the log scale).
 */
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

function sofFromTrial(base: EvidenceBase, therapy: TherapyId, subgroup: EvidenceSubgroup | undefined, indirect: string[]): { row: SofRow | null; note: string; conflict?: string | null } {
  const candidates: Array<{ t: EvidenceTrial; o: EvidenceTrialOutcome; c: CompletePairCounts }> = [];
  for (const t of base.trials) {
    if (t.therapy !== therapy || t.design.randomised !== true) continue;
    const o = (subgroup !== undefined ? primaryLiveBirthOutcome(t, subgroup) : null) ?? primaryLiveBirthOutcome(t);
    const c = o === null ? null : completeCounts(o);
    if (o !== null && c !== null) candidates.push({ t, o, c });
  }
  const special = (t: EvidenceTrial): number => (t.subgroups.some((g) => POPULATION_SUBGROUPS.includes(g)) ? 1 : 0);
  const inGroup = (x: { t: EvidenceTrial; o: EvidenceTrialOutcome }): number => (subgroup !== undefined && (x.t.subgroups.includes(subgroup) || x.o.subgroup === subgroup) ? 1 : 0);
  candidates.sort(
    (a, b) =>
      inGroup(b) - inGroup(a) ||
      (subgroup === undefined ? special(a.t) - special(b.t) : 0) ||
      b.c.total_t + b.c.total_c - (a.c.total_t + a.c.total_c),
  );
  const best = candidates[0];
  if (best === undefined) {
    const held = base.trials.filter((t) => t.therapy === therapy).flatMap((t) => t.outcomes.map((o) => `${t.label}: ${o.definition}`));
    return {
      row: null,
      note:
        held.length > 0
          ? `no pooled result and no randomised trial with counts; the base holds only: ${held.join("; ")}`
          : `no trial or meta-analysis of ${THERAPY_NAMES[therapy]} in the base`,
    };
  }
  const { t, o, c } = best;
  const bestDirection = trialDirection(o);
  const disagreeing = base.trials
    .filter((x) => x.therapy === therapy && x.id !== t.id && x.design.randomised === true)
    .flatMap((x) => {
      const xo = (subgroup !== undefined ? primaryLiveBirthOutcome(x, subgroup) : null) ?? primaryLiveBirthOutcome(x) ?? x.outcomes.find((y) => y.statedDirection !== undefined) ?? null;
      const d = xo === null ? null : trialDirection(xo);
      return d !== null && d !== bestDirection && xo !== null ? [`${x.label}: ${d}${completeCounts(xo) === null ? " (direction as stated; counts not in the base)" : ""}`] : [];
    });
  const conflictText = disagreeing.length > 0 ? `${t.label}: ${bestDirection} | ${disagreeing.join(" | ")}` : null;
  let effect: RelativeEffect;
  let effectSource: string;
  if (o.reported !== undefined && (o.reported.measure === "OR" || o.reported.measure === "RR")) {
    effect = { measure: o.reported.measure, estimate: o.reported.estimate, ci_low: o.reported.ci_low, ci_high: o.reported.ci_high };
    effectSource = "effect as reported by the trial";
  } else {
    const rr = twoByTwo({ eventsT: c.events_t, totalT: c.total_t, eventsC: c.events_c, totalC: c.total_c }).riskRatio;
    effect = { measure: "RR", estimate: rr.estimate, ci_low: rr.ci_low, ci_high: rr.ci_high };
    effectSource = "risk ratio computed by Decidua from the trial's counts (Wald CI, log scale)";
  }
  const reasons = [...indirect];
  // A healthy newborn is a (stricter) live birth, so it is not counted as indirect; other outcomes are.
  if (o.outcome !== "live-birth" && o.outcome !== "healthy-newborn") reasons.push(`outcome is '${o.definition}', not live birth`);
  if (subgroup !== undefined && inGroup(best) === 0) reasons.push(`trial population is not the requested subgroup (${subgroup})`);
  const row = summaryOfFindings({
    therapy,
    outcome: o.outcome === "live-birth" ? "live birth" : o.definition,
    comparison: t.comparison,
    population: t.population,
    basis: `single randomised trial: ${t.label} (${effectSource})`,
    effect,
    desirable: true,
    baselineRisk: c.events_c / c.total_c,
    baselineSource: `control arm of ${t.label} (${c.events_c}/${c.total_c})`,
    participants: c.total_t + c.total_c,
    studies: 1,
    studyDetails: [studyForGrade(t, c.total_t + c.total_c)],
    allRandomised: true,
    I2: null,
    conflicts: conflictText === null ? [] : [`randomised trials disagree: ${conflictText}`],
    indirectness: reasons,
    publicationBias: null,
  });
  return { row, conflict: conflictText, note: `best available: single trial ${t.label}, ${effect.measure} ${fmt(effect.estimate)} (${fmt(effect.ci_low)} to ${fmt(effect.ci_high)}), ${effectSource}` };
}

function subgroupNoteFor(base: EvidenceBase, therapy: TherapyId, subgroup: EvidenceSubgroup, hasPooled: boolean): string {
  const trials = base.trials.filter((t) => t.therapy === therapy && (t.subgroups.includes(subgroup) || t.outcomes.some((o) => o.subgroup === subgroup)));
  const trialText =
    trials.length > 0
      ? ` Trials in the base for this subgroup: ${trials.map((t) => `${t.label} (${trialDesignText(t)}; ${t.outcomes.filter((o) => o.subgroup === undefined || o.subgroup === subgroup).map(outcomeText).join("; ")})`).join(" / ")}.`
      : " No trial in the base reports this subgroup.";
  return hasPooled
    ? `Pooled results specific to ${subgroup} are shown.${trialText}`
    : `No pooled result specific to ${subgroup}; the summary is for the overall RPL population and is indirect for this patient.${trialText}`;
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
  const indirect: string[] = [];
  if (subgroup !== undefined && !hasPooledSubgroup) indirect.push(`evidence is from the overall RPL population, not the ${subgroup} subgroup`);

  const best = ranked[0];
  let summary: { row: SofRow | null; note: string; conflict?: string | null };
  if (best !== undefined) summary = sofFromPublished(base, therapy, best, views, indirect, hasPooledSubgroup ? subgroup : undefined);
  else summary = sofFromTrial(base, therapy, subgroup, []);

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
    summary: summary.row,
    summaryPlain: summary.row === null ? null : plainLanguageStatement(summary.row, info.name),
    summaryNote: summary.note,
    conflicts: views,
    conflictNote: conflictsAmong(views) ?? summary.conflict ?? null,
    guidelines,
    trials,
    citations,
  };
}

/** evidenceForTherapy for every therapy in the base. */
export function evidenceForAllTherapies(base: EvidenceBase, opts: EvidenceQuery = {}): TherapyEvidence[] {
  return base.therapies.map((t) => evidenceForTherapy(base, t.id, opts));
}
