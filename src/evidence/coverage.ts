/**
 * How much of the evidence base is filled in: per therapy, the trials (found, randomised), which outcomes carry
 * arm counts, and which trials carry a risk-of-bias assessment (RoB 1, RoB 2). Pure; `decidua evidence coverage`
 * prints it, so a change to the base can state its coverage before and after.
 *
 * "With counts" means all four arm numbers are present (status reported or derived). An outcome row with status
 * "missing" counts as a stated gap, not as coverage.
 */
import { THERAPY_IDS, type TherapyId } from "../shared/therapies.js";
import type { EvidenceBase, EvidenceOutcomeKind, EvidenceTrial, EvidenceTrialOutcome } from "./schema.js";

/** The outcome families GRADE tables are built for, with the trial outcome kinds that count for each. */
export const COVERAGE_OUTCOMES = {
  "live-birth": ["live-birth", "success", "term-delivery", "healthy-newborn", "pregnancy-28w"],
  "ongoing-pregnancy": ["ongoing-pregnancy", "ongoing-pregnancy-22w", "ongoing-pregnancy-20w"],
  miscarriage: ["miscarriage"],
  "adverse-events": ["adverse-reaction"],
  "preterm-birth": ["preterm-birth"],
  "congenital-anomalies": ["congenital-anomaly"],
  "clinical-pregnancy": ["clinical-pregnancy"],
} as const satisfies Record<string, readonly EvidenceOutcomeKind[]>;
export type CoverageOutcome = keyof typeof COVERAGE_OUTCOMES;
export const COVERAGE_OUTCOME_NAMES = Object.keys(COVERAGE_OUTCOMES) as CoverageOutcome[];

export interface OutcomeCoverage {
  /** Trials with at least one row of this outcome that has all four arm counts. */
  trialsWithCounts: number;
  /** Trials whose only rows of this outcome are stated gaps (status "missing"). */
  trialsWithGapStated: number;
}

export interface TherapyCoverage {
  therapy: TherapyId;
  trials: number;
  /** Trials whose publication was identified and read (found = true). */
  found: number;
  randomised: number;
  /** Trials with at least one outcome row that has all four arm counts. */
  trialsWithAnyCounts: number;
  /** Outcome rows with all four counts (every outcome kind). */
  outcomeRowsWithCounts: number;
  /** Outcome rows with status "missing" (a stated gap). */
  outcomeRowsMissing: number;
  byOutcome: Record<CoverageOutcome, OutcomeCoverage>;
  /** Trials with a RoB 1 assessment in which at least one domain is judged (not all "not assessed"). */
  trialsWithRob1: number;
  /** Trials with a RoB 2 assessment with at least one domain judged. */
  trialsWithRob2: number;
}

export interface EvidenceCoverage {
  therapies: TherapyCoverage[];
  total: Omit<TherapyCoverage, "therapy">;
  sources: number;
  guidelines: number;
  guidelinesVerified: number;
  metaAnalyses: number;
}

export function hasCounts(o: EvidenceTrialOutcome): boolean {
  return o.status !== "missing" && o.events_t !== null && o.total_t !== null && o.events_c !== null && o.total_c !== null;
}

function rob1Judged(t: EvidenceTrial): boolean {
  return t.rob !== null && Object.values(t.rob.domains).some((j) => j !== "not assessed");
}

function rob2Judged(t: EvidenceTrial): boolean {
  return t.rob2 !== undefined && Object.values(t.rob2.judgements).some((j) => j !== "not assessed");
}

function emptyByOutcome(): Record<CoverageOutcome, OutcomeCoverage> {
  return Object.fromEntries(COVERAGE_OUTCOME_NAMES.map((k) => [k, { trialsWithCounts: 0, trialsWithGapStated: 0 }])) as Record<CoverageOutcome, OutcomeCoverage>;
}

function coverageOf(trials: readonly EvidenceTrial[]): Omit<TherapyCoverage, "therapy"> {
  const byOutcome = emptyByOutcome();
  for (const t of trials) {
    for (const name of COVERAGE_OUTCOME_NAMES) {
      const kinds: readonly EvidenceOutcomeKind[] = COVERAGE_OUTCOMES[name];
      const rows = t.outcomes.filter((o) => kinds.includes(o.outcome));
      if (rows.some(hasCounts)) byOutcome[name].trialsWithCounts++;
      else if (rows.length > 0) byOutcome[name].trialsWithGapStated++;
    }
  }
  const rows = trials.flatMap((t) => t.outcomes);
  return {
    trials: trials.length,
    found: trials.filter((t) => t.found).length,
    randomised: trials.filter((t) => t.design.randomised === true).length,
    trialsWithAnyCounts: trials.filter((t) => t.outcomes.some(hasCounts)).length,
    outcomeRowsWithCounts: rows.filter(hasCounts).length,
    outcomeRowsMissing: rows.filter((o) => o.status === "missing").length,
    byOutcome,
    trialsWithRob1: trials.filter(rob1Judged).length,
    trialsWithRob2: trials.filter(rob2Judged).length,
  };
}

/** Coverage of a base, per therapy (in the order of THERAPY_IDS) and in total. */
export function evidenceCoverage(base: EvidenceBase): EvidenceCoverage {
  return {
    therapies: THERAPY_IDS.map((therapy) => ({ therapy, ...coverageOf(base.trials.filter((t) => t.therapy === therapy)) })),
    total: coverageOf(base.trials),
    sources: base.sources.length,
    guidelines: base.guidelines.length,
    guidelinesVerified: base.guidelines.filter((g) => g.verified).length,
    metaAnalyses: base.metaAnalyses.length,
  };
}

const SHORT: Record<CoverageOutcome, string> = {
  "live-birth": "LB",
  "ongoing-pregnancy": "OP",
  miscarriage: "MC",
  "adverse-events": "AE",
  "preterm-birth": "PTB",
  "congenital-anomalies": "CA",
  "clinical-pregnancy": "CP",
};

/** A plain-text table (one line per therapy and a total), for the CLI and for closing notes. */
export function coverageTable(c: EvidenceCoverage): string {
  const head = ["therapy".padEnd(18), "trials", "found", "RCT", "w/counts", "rows", "gaps", ...COVERAGE_OUTCOME_NAMES.map((k) => SHORT[k].padStart(4)), "RoB1", "RoB2"];
  const line = (name: string, x: Omit<TherapyCoverage, "therapy">): string =>
    [
      name.padEnd(18),
      String(x.trials).padStart(6),
      String(x.found).padStart(5),
      String(x.randomised).padStart(3),
      String(x.trialsWithAnyCounts).padStart(8),
      String(x.outcomeRowsWithCounts).padStart(4),
      String(x.outcomeRowsMissing).padStart(4),
      ...COVERAGE_OUTCOME_NAMES.map((k) => String(x.byOutcome[k].trialsWithCounts).padStart(4)),
      String(x.trialsWithRob1).padStart(4),
      String(x.trialsWithRob2).padStart(4),
    ].join(" ");
  return [
    head.join(" "),
    ...c.therapies.map((t) => line(t.therapy, t)),
    line("TOTAL", c.total),
    `outcome columns: trials with arm counts for ${COVERAGE_OUTCOME_NAMES.map((k) => `${SHORT[k]} = ${k}`).join(", ")}; rows = outcome rows with counts, gaps = rows stated missing`,
    `${c.sources} sources, ${c.metaAnalyses} meta-analyses, ${c.guidelines} guideline positions (${c.guidelinesVerified} verified)`,
  ].join("\n");
}
