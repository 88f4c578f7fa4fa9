/**
 * Outcomes of a therapy's placebo-controlled randomised trials that can be plotted: which outcomes carry arm
 * counts in the base, and the study rows (one per trial) for a therapy and outcome. Pure.
 *
 * "live-birth" is the live-birth family of placeboRctRows (live birth or the closest outcome a trial reported,
 * e.g. ongoing pregnancy at 22 weeks); the other outcomes take only rows of their own kind. Each row keeps the
 * trial's own definition of the outcome and the analysis set it was counted in.
 */
import { z } from "zod";
import { THERAPY_NAMES, type TherapyId } from "../shared/therapies.js";
import { metaAnalysis } from "../stats/meta.js";
import type { MetaResult, StudyRow } from "../stats/types.js";
import type { EvidenceBase, EvidenceOutcomeKind, EvidenceTrial, EvidenceTrialOutcome } from "./schema.js";
import { ANALYSIS_PREFERENCE, completeCounts, placeboRctRows, type CompletePairCounts } from "./select.js";

/** The outcomes the evidence plots can be drawn for (URL slugs). */
export const EVIDENCE_PLOT_OUTCOMES = ["live-birth", "ongoing-pregnancy", "miscarriage", "clinical-pregnancy", "adverse-reaction"] as const;
export const EvidencePlotOutcomeSchema = z.enum(EVIDENCE_PLOT_OUTCOMES);
export type EvidencePlotOutcome = z.infer<typeof EvidencePlotOutcomeSchema>;

export interface EvidencePlotOutcomeInfo {
  label: string;
  /** Outcome kinds of the trial rows that count for it, in order of preference (first = closest). */
  kinds: readonly EvidenceOutcomeKind[];
  /** True when more events is better for the patient (live birth); false for harms (miscarriage). */
  higherIsBetter: boolean;
}

export const EVIDENCE_PLOT_OUTCOME_INFO: Record<EvidencePlotOutcome, EvidencePlotOutcomeInfo> = {
  "live-birth": { label: "live birth", kinds: [], higherIsBetter: true },
  "ongoing-pregnancy": { label: "ongoing pregnancy", kinds: ["ongoing-pregnancy", "ongoing-pregnancy-22w", "ongoing-pregnancy-20w"], higherIsBetter: true },
  miscarriage: { label: "miscarriage", kinds: ["miscarriage"], higherIsBetter: false },
  "clinical-pregnancy": { label: "clinical pregnancy", kinds: ["clinical-pregnancy"], higherIsBetter: true },
  "adverse-reaction": { label: "adverse reactions", kinds: ["adverse-reaction"], higherIsBetter: false },
};

/** One trial's row for an outcome: the trial, the outcome row it reported (with its definition), its counts. */
export interface TherapyOutcomeRow {
  trial: EvidenceTrial;
  outcome: EvidenceTrialOutcome;
  counts: CompletePairCounts;
  /** The same counts as the meta-analysis engine reads them. */
  row: StudyRow;
  /** The trial's own definition of the outcome, e.g. "recurrent miscarriage among women who conceived". */
  definition: string;
}

function isPlaceboRct(t: EvidenceTrial): boolean {
  return t.design.randomised === true && (t.design.control === "placebo" || t.design.control === "basic-therapy-plus-placebo");
}

function studyRow(trial: EvidenceTrial, c: CompletePairCounts): StudyRow {
  return {
    study: trial.label,
    ...(trial.year !== null && trial.year !== undefined ? { year: trial.year } : {}),
    data: { kind: "binary", events_t: c.events_t, total_t: c.total_t, events_c: c.events_c, total_c: c.total_c },
  };
}

/** The row of a trial that stands for an outcome kind list: overall population, complete counts, closest kind, then closest to ITT. */
function bestRow(trial: EvidenceTrial, kinds: readonly EvidenceOutcomeKind[]): EvidenceTrialOutcome | null {
  const candidates = trial.outcomes.filter((o) => kinds.includes(o.outcome) && o.subgroup === undefined && completeCounts(o) !== null);
  candidates.sort((a, b) => kinds.indexOf(a.outcome) - kinds.indexOf(b.outcome) || ANALYSIS_PREFERENCE.indexOf(a.analysis) - ANALYSIS_PREFERENCE.indexOf(b.analysis));
  return candidates[0] ?? null;
}

/**
 * Randomised placebo-controlled trials of a therapy with complete arm counts for an outcome, one row per trial.
 * For "live-birth" exactly the rows of placeboRctRows.
 */
export function therapyOutcomeRows(base: EvidenceBase, therapy: string, outcome: EvidencePlotOutcome): TherapyOutcomeRow[] {
  if (outcome === "live-birth") return placeboRctRows(base, therapy).map((x) => ({ ...x, row: studyRow(x.trial, x.counts), definition: x.outcome.definition }));
  return placeboRctKindRows(base, therapy, EVIDENCE_PLOT_OUTCOME_INFO[outcome].kinds);
}

/**
 * Randomised placebo-controlled trials of a therapy with complete arm counts for one of the outcome kinds (closest
 * kind first, then the analysis set closest to ITT; overall population only), one row per trial.
 */
export function placeboRctKindRows(base: EvidenceBase, therapy: string, kinds: readonly EvidenceOutcomeKind[]): TherapyOutcomeRow[] {
  const picked: TherapyOutcomeRow[] = [];
  for (const t of base.trials) {
    if (t.therapy !== therapy || !isPlaceboRct(t)) continue;
    const o = bestRow(t, kinds);
    const c = o === null ? null : completeCounts(o);
    if (o !== null && c !== null) picked.push({ trial: t, outcome: o, counts: c, row: studyRow(t, c), definition: o.definition });
  }
  return picked;
}

/** The study rows (engine input) of a therapy and outcome. */
export function therapyOutcomeStudyRows(base: EvidenceBase, therapy: string, outcome: EvidencePlotOutcome): StudyRow[] {
  return therapyOutcomeRows(base, therapy, outcome).map((x) => x.row);
}

export interface TherapyOutcomeListing {
  outcome: EvidencePlotOutcome;
  label: string;
  /** Number of placebo-controlled randomised trials with complete counts for it. */
  k: number;
  higherIsBetter: boolean;
  /** The trials in the plot, each with its own definition of the outcome and the analysis set it was counted in. */
  trials: Array<{ trial: string; study: string; definition: string; analysis: EvidenceTrialOutcome["analysis"] }>;
}

/** The outcomes of a therapy for which at least one placebo-controlled randomised trial has arm counts (k >= 1). */
export function therapyOutcomeListing(base: EvidenceBase, therapy: string): TherapyOutcomeListing[] {
  return EVIDENCE_PLOT_OUTCOMES.map((outcome) => {
    const info = EVIDENCE_PLOT_OUTCOME_INFO[outcome];
    const rows = therapyOutcomeRows(base, therapy, outcome);
    return {
      outcome,
      label: info.label,
      k: rows.length,
      higherIsBetter: info.higherIsBetter,
      trials: rows.map((r) => ({ trial: r.trial.id, study: r.row.study, definition: r.definition, analysis: r.outcome.analysis })),
    };
  }).filter((x) => x.k > 0);
}

/**
 * The pooled analysis the evidence browser shows for a therapy and outcome: its placebo-controlled randomised trials
 * with complete counts, odds ratio by inverse variance, random effects with DerSimonian-Laird as RevMan 5 (fixed
 * effect with one trial). Null when the base holds no such trial.
 */
export function therapyOutcomeAnalysis(base: EvidenceBase, therapy: TherapyId, outcome: EvidencePlotOutcome = "live-birth"): { rows: StudyRow[]; result: MetaResult } | null {
  const rows = therapyOutcomeStudyRows(base, therapy, outcome);
  if (rows.length === 0) return null;
  const result = metaAnalysis(rows, { measure: "OR", method: "IV", model: rows.length >= 2 ? "random" : "fixed", tau2: "DL" });
  return { rows, result };
}

/**
 * The forest plot's title and labels for a therapy and outcome. An odds ratio above 1 means more events with the
 * therapy: good for live birth (favours the therapy on the right), bad for miscarriage (on the left).
 */
export function therapyOutcomePlotLabels(therapy: TherapyId, outcome: EvidencePlotOutcome): { title: string; favoursLeft: string; favoursRight: string; experimentalLabel: string; controlLabel: string } {
  const info = EVIDENCE_PLOT_OUTCOME_INFO[outcome];
  const treatment = `Favours ${therapy === "lit" ? "LIT" : THERAPY_NAMES[therapy]}`;
  const [favoursLeft, favoursRight] = info.higherIsBetter ? ["Favours placebo", treatment] : [treatment, "Favours placebo"];
  return { title: `${THERAPY_NAMES[therapy]} vs placebo: ${info.label}`, favoursLeft, favoursRight, experimentalLabel: "Treatment", controlLabel: "Placebo" };
}
