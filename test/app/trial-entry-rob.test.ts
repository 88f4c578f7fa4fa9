/**
 * A stored RoB 2 assessment as a trial entry's `rob2` (src/app/extraction.ts trialRob2FromStored): the answers and
 * overrides travel, the final judgements are the algorithm's, the base's validator accepts the result (it recomputes
 * them), an overall escalation (which the field cannot hold) is refused; and GRADE's SoF reads the field only for
 * the outcome row it judges, saying "not assessed" otherwise.
 */
import { describe, expect, it } from "vitest";
import { trialRob2FromStored } from "../../src/app/extraction.js";
import { trialRobJudgement } from "../../src/evidence/grade-outcomes.js";
import { loadDefaultEvidenceBase } from "../../src/evidence/load.js";
import { parseEvidenceContent } from "../../src/evidence/parse.js";
import { assessRob2, type Rob2AssessmentInput } from "../../src/evidence/rob2.js";
import type { StoredRobAssessment } from "../../src/store/extraction.js";
import { LOOP_ROB2 } from "../support/loop-fixture.js";

const base = loadDefaultEvidenceBase();
const trial = { ...base.trials.find((t) => t.id === "tang-2013")! };
delete (trial as { rob2?: unknown }).rob2;

function stored(input: Rob2AssessmentInput, version = 3): StoredRobAssessment {
  const result = assessRob2(input);
  return { id: "x", study: input.study, outcome: input.outcome ?? "", tool: "rob2", version, input, result, overallAlgorithm: result.overall.algorithm, overallFinal: result.overall.final, assessor: "ann.rev", assessedAt: "2026-12-03T10:00:00.000Z" };
}

describe("trialRob2FromStored", () => {
  it("carries answers and overrides; the judgements are the algorithm's and the validator accepts them", () => {
    const input: Rob2AssessmentInput = { study: trial.id, outcome: "live birth", answers: LOOP_ROB2, overrides: { D5: { judgement: "some concerns", reason: "analysis plan not public" } } };
    const r = trialRob2FromStored(trial, "live-birth", stored(input))!;
    expect(r).toMatchObject({ tool: "RoB2", assessor: "ann.rev", outcome: "live-birth", source: trial.source, overrides: input.overrides, overall: "some concerns" });
    expect(r.judgements).toEqual({ D1: "low", D2: "low", D3: "low", D4: "low", D5: "some concerns" });
    expect(r.basis).toContain("v3 by ann.rev on 2026-12-03");
    const content = { sources: base.sources, therapies: base.therapies, guidelines: base.guidelines, metaAnalyses: base.metaAnalyses, prisma: base.prisma, trials: base.trials.map((t) => (t.id === trial.id ? { ...trial, rob2: r } : t)) };
    expect(parseEvidenceContent(content).problems.filter((p) => p.entry?.startsWith("tang-2013"))).toEqual([]);
    // a wrong stored judgement would be caught by the same check
    const forged = { ...r, overall: "low" as const };
    const bad = parseEvidenceContent({ ...content, trials: content.trials.map((t) => (t.id === trial.id ? { ...trial, rob2: forged } : t)) });
    expect(bad.problems.some((p) => p.field === "rob2.overall")).toBe(true);
  });

  it("refuses an overall escalation, which the trial entry's field cannot hold", () => {
    expect(trialRob2FromStored(trial, "live-birth", stored({ study: trial.id, answers: LOOP_ROB2, overrides: { D4: { judgement: "some concerns", reason: "assessors not blinded" }, D5: { judgement: "some concerns", reason: "no analysis plan" } }, overallEscalation: { reason: "two domains with some concerns together" } }))).toBeNull();
  });

  it("GRADE reads the entry's RoB 2 for its outcome row only, and says not assessed for another row", () => {
    const r = trialRob2FromStored(trial, "live-birth", stored({ study: trial.id, answers: LOOP_ROB2 }))!;
    const withRob = { ...trial, rob: null, rob2: r };
    expect(trialRobJudgement(withRob, "live-birth", "live-birth", [])).toMatchObject({ judgement: "low", tool: "RoB 2", basis: expect.stringContaining("ann.rev") });
    expect(trialRobJudgement(withRob, "miscarriage", "miscarriage", [])).toMatchObject({ judgement: "not assessed", tool: "none", basis: expect.stringContaining("outcome row live-birth only") });
  });
});
