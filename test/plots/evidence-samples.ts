/**
 * Inputs for the evidence-plot tests and sample renders.
 * GAO2025_PRISMA: the flow reported in source document 004 (Gao 2025, IVIG meta-analysis): 585 records, 534
 * excluded on title/abstract (duplicates were counted among them, not separately), 51 full texts, 40 excluded,
 * 11 included. ILLUSTRATIVE_ROB1: made-up judgements for eight unnamed trials, to exercise the plots only.
 */
import type { PooledComparisonRow, PrismaCounts, RobTable } from "../../src/evidence/plots/index.js";

export const GAO2025_PRISMA: PrismaCounts = {
  identified: [{ source: "Databases: PubMed, Medline, Embase, Web of Science", n: 585 }],
  duplicatesRemoved: null,
  automationRemoved: null,
  otherRemoved: null,
  screened: 585,
  excludedScreening: 534,
  reportsSought: 51,
  reportsNotRetrieved: null,
  reportsAssessed: 51,
  reportsExcluded: [
    {
      reason: "Basic research, conference abstracts, unclear outcomes or regimens, single or combined regimens (not itemised)",
      n: 40,
    },
  ],
  studiesIncluded: 11,
  reportsIncluded: 11,
};

export const ROB1_DOMAINS = [
  "Random sequence generation (selection bias)",
  "Allocation concealment (selection bias)",
  "Blinding of participants and personnel (performance bias)",
  "Blinding of outcome assessment (detection bias)",
  "Incomplete outcome data (attrition bias)",
  "Selective reporting (reporting bias)",
  "Other bias",
];

type J = "low" | "unclear" | "high";
const rows: Array<[string, J[], J, number]> = [
  ["Trial A 1994", ["low", "low", "low", "low", "unclear", "low", "low"], "unclear", 12],
  ["Trial B 1995", ["unclear", "unclear", "low", "low", "low", "unclear", "low"], "unclear", 8],
  ["Trial C 1997", ["low", "low", "low", "low", "low", "low", "low"], "low", 15],
  ["Trial D 1999", ["high", "high", "high", "unclear", "low", "low", "unclear"], "high", 6],
  ["Trial E 2002", ["low", "low", "unclear", "low", "low", "high", "low"], "high", 10],
  ["Trial F 2010", ["low", "unclear", "unclear", "unclear", "high", "low", "low"], "high", 9],
  ["Trial G 2015", ["low", "low", "low", "low", "low", "low", "unclear"], "low", 22],
  ["Trial H 2022 <interim> & \"final\"", ["unclear", "low", "unclear", "low", "low", "unclear", "low"], "unclear", 18],
];

export const ILLUSTRATIVE_ROB1: RobTable = {
  tool: "RoB1",
  domains: ROB1_DOMAINS,
  studies: rows.map(([study, js, overall, weight]) => ({
    study,
    judgements: Object.fromEntries(ROB1_DOMAINS.map((d, i) => [d, js[i] ?? "unclear"])),
    overall,
    weight,
  })),
};

/**
 * IVIG vs placebo, live birth, as published (../shared/evidence/published_meta_analyses.csv), plus a slot for
 * Decidua's reproduction. The Egerup 2015 result is for NO live birth and is left out (opposite direction).
 */
export const IVIG_LIVE_BIRTH_PUBLISHED: PooledComparisonRow[] = [
  { label: "Gao 2025", detail: "11 studies, RevMan 5.3", measure: "OR", estimate: 2.24, ci_lb: 1.68, ci_ub: 2.98, k: 11 },
  { label: "Cochrane (Wong 2014)", detail: "8 RCTs, Peto fixed", measure: "Peto OR", estimate: 0.98, ci_lb: 0.61, ci_ub: 1.58, k: 8 },
  { label: "Hutton 2007", detail: "8 RCTs", measure: "OR", estimate: 1.28, ci_lb: 0.78, ci_ub: 2.1, k: 8 },
  { label: "Wang 2016", detail: "11 RCTs", measure: "RR", estimate: 1.25, ci_lb: 1.0, ci_ub: 1.56, k: 11 },
  { label: "Ling 2024", detail: "12 studies, any control", measure: "OR", estimate: 1.07, ci_lb: 0.65, ci_ub: 1.75, k: 12 },
  { label: "ESHRE 2024 IPD (abstract)", detail: "10 RCTs, ITT", measure: "RR", estimate: 1.02, ci_lb: 0.86, ci_ub: 1.22, k: 10 },
];

/** Source 004's birth-weight result: an MD whose sign contradicts its own CI (reported as printed). */
export const GAO2025_BIRTH_WEIGHT: PooledComparisonRow[] = [
  { label: "Gao 2025 (as printed)", detail: "birth weight, g", measure: "MD", estimate: 220.74, ci_lb: -549.37, ci_ub: 107.88 },
];
