/**
 * Inputs for the evidence-plot tests and sample renders.
 * GAO2025_PRISMA: the flow reported in source document 004 (Gao 2025, IVIG meta-analysis): 585 records, 534
 * excluded on title/abstract (duplicates were counted among them, not separately), 51 full texts, 40 excluded,
 * 11 included. ILLUSTRATIVE_ROB1: made-up judgements for eight unnamed trials, to exercise the plots only.
 */
import type { PrismaCounts, RobTable } from "../../src/evidence/plots/index.js";

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
