/**
 * A ROBINS-I assessment for the tests of the trial entry's `robinsI` field: the answers are a test case (not a
 * published judgement of the study), chosen so that domain 1 (confounding not controlled for) is serious and every
 * other domain low, which makes the overall serious.
 */
import type { RobinsAssessmentInput } from "../../src/evidence/robins-i.js";

/** A non-randomised study of the base (design.randomised false) with a live-birth row. */
export const ROBINS_STUDY = "jafarzadeh-2019";

export const ROBINS_ANSWERS: RobinsAssessmentInput["answers"] = {
  D1: { "1.1": "Y", "1.2": "N", "1.4": "N", "1.6": "N" },
  D2: { "2.1": "N", "2.4": "Y" },
  D3: { "3.1": "Y", "3.2": "Y", "3.3": "N" },
  D4: { "4.1": "N" },
  D5: { "5.1": "Y", "5.2": "N", "5.3": "N" },
  D6: { "6.1": "N", "6.2": "Y", "6.3": "Y", "6.4": "N" },
  D7: { "7.1": "N", "7.2": "N", "7.3": "N" },
};
