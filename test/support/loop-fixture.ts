/**
 * A HYPOTHETICAL prednisolone trial for the tests of the whole evidence loop (issue 11): it exists only in the test
 * databases, never in data/. It is larger than Tang 2013 and in the same subgroup (raised uterine NK cells), so once
 * published it becomes the single trial the prednisolone verdict rests on (src/evidence/api.ts sofFromTrial picks the
 * largest randomised trial with live-birth counts in the patient's subgroup): the verdict really changes.
 * Reviewer B differs from A in one number (the enrolled count: B also counted the women screened out).
 */
import type { ExtractionInput } from "../../src/evidence/extraction.js";

export const LOOP_STUDY = "loop-fixture-pred";

/** Its source entry (sources.json format), added to the draft first: a trial entry must cite a source the base holds. */
export const LOOP_SOURCE = {
  id: "loop-fixture-pred-report",
  kind: "trial-report",
  citation: "Test fixture: hypothetical randomised trial of prednisolone in recurrent miscarriage with raised uterine NK cells",
  noIdentifierReason: "a test fixture, not a publication; it never leaves the test database",
} as const;

export const LOOP_A: ExtractionInput = {
  study: LOOP_STUDY,
  source: LOOP_SOURCE.id,
  design: { randomised: true, blinding: "double-blind", control: "placebo", controlDetail: "identical placebo tablets" },
  population: { description: "women with recurrent miscarriage and raised uterine NK cells", inclusion: "three or more miscarriages; uterine NK cells above the normal range", enrolled: 120, subgroups: ["nk-elevated"] },
  arms: [
    { id: "treatment", label: "prednisolone", intervention: { description: "prednisolone", dose: "20 mg daily", timing: "from a positive pregnancy test for 6 weeks" }, randomised: 60 },
    { id: "control", label: "placebo", intervention: { description: "identical placebo", dose: "", timing: "" }, randomised: 60 },
  ],
  outcomes: [
    {
      id: "live-birth",
      outcome: "live-birth",
      definition: "live birth",
      analysis: "itt",
      timePoint: "end of pregnancy",
      data: { type: "dichotomous", events_t: 42, total_t: 60, events_c: 30, total_c: 60 },
      status: "reported",
      location: "table 2",
    },
  ],
};
export const LOOP_B: ExtractionInput = { ...LOOP_A, population: { ...LOOP_A.population, enrolled: 160 } };

export const LOOP_META = { therapy: "prednisolone", label: "Loop fixture 2026", year: 2026, comparison: "prednisolone vs placebo (test fixture)" };

/** RoB 2 answers that the published algorithms judge low in every domain. */
export const LOOP_ROB2 = {
  D1: { "1.1": "Y", "1.2": "Y", "1.3": "N" },
  D2: { "2.1": "N", "2.2": "N", "2.6": "Y" },
  D3: { "3.1": "Y" },
  D4: { "4.1": "N", "4.2": "N", "4.3": "N" },
  D5: { "5.1": "Y", "5.2": "N", "5.3": "N" },
} as const;
