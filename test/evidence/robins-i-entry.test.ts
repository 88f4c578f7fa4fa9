/**
 * ROBINS-I in a study entry (data/trials.json `robinsI`, issue 11 §5): a stored assessment becomes the field (answers,
 * overrides, the overall override with its reason, the rules' final judgements), `decidua evidence validate` accepts
 * it and recomputes it, refuses a forged judgement, a ROBINS-I on a randomised trial and a RoB 2 on a non-randomised
 * study (each naming file, entry and field); the robvis plots and the risk-of-bias judgement GRADE reads come from it.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { trialRob2FromStored, trialRobinsIFromStored } from "../../src/app/extraction.js";
import { main } from "../../src/cli/main.js";
import { loadDefaultEvidenceBase } from "../../src/evidence/load.js";
import { parseEvidenceContent } from "../../src/evidence/parse.js";
import { robinsITableFromBase } from "../../src/evidence/plot-inputs.js";
import { assessRob2, type Rob2AssessmentInput } from "../../src/evidence/rob2.js";
import { assessRobinsI, type RobinsAssessmentInput } from "../../src/evidence/robins-i.js";
import type { EvidenceBase, EvidenceTrial } from "../../src/evidence/schema.js";
import { studyRobJudgement } from "../../src/evidence/study-rob.js";
import { trialRobJudgement } from "../../src/evidence/grade-outcomes.js";
import { evidenceFiles, type EvidenceContent } from "../../src/evidence/versions.js";
import type { StoredRobAssessment } from "../../src/store/extraction.js";
import { LOOP_ROB2 } from "../support/loop-fixture.js";
import { ROBINS_ANSWERS, ROBINS_STUDY } from "../support/robins-fixture.js";

const base = loadDefaultEvidenceBase();
const study = base.trials.find((t) => t.id === ROBINS_STUDY)!;
const rct = base.trials.find((t) => t.id === "tang-2013")!;

function stored(tool: "rob2" | "robins-i", input: RobinsAssessmentInput | Rob2AssessmentInput): StoredRobAssessment {
  const result = tool === "rob2" ? assessRob2(input as Rob2AssessmentInput) : assessRobinsI(input as RobinsAssessmentInput);
  return { id: "x", study: input.study, outcome: input.outcome ?? "", tool, version: 2, input, result, overallAlgorithm: result.overall.algorithm, overallFinal: result.overall.final, assessor: "ann.rev", assessedAt: "2026-12-03T10:00:00.000Z" };
}

const withTrials = (trials: EvidenceTrial[]): EvidenceContent => ({ ...(base as unknown as EvidenceContent), trials: base.trials.map((t) => trials.find((x) => x.id === t.id) ?? t) });
const problemsOf = (trials: EvidenceTrial[]) => parseEvidenceContent(withTrials(trials) as Record<string, unknown>).problems;

describe("ROBINS-I in a study entry", () => {
  const robinsI = trialRobinsIFromStored(study, "live-birth", stored("robins-i", { study: study.id, outcome: "live-birth", answers: ROBINS_ANSWERS }));
  const entry: EvidenceTrial = { ...study, robinsI };

  it("carries the answers and the rules' judgements; validate accepts it", () => {
    expect(robinsI).toMatchObject({ tool: "ROBINS-I", assessor: "ann.rev", outcome: "live-birth", source: study.source, answers: ROBINS_ANSWERS, overrides: {}, overall: "serious" });
    expect(robinsI.judgements).toEqual({ D1: "serious", D2: "low", D3: "low", D4: "low", D5: "low", D6: "low", D7: "low" });
    expect(robinsI.basis).toContain("ROBINS-I assessment v2 by ann.rev on 2026-12-03");
    expect(problemsOf([entry])).toEqual([]);
  });

  it("carries a reviewer's overall override with its reason, and validate recomputes it", () => {
    const over = trialRobinsIFromStored(study, "live-birth", stored("robins-i", { study: study.id, answers: ROBINS_ANSWERS, overallOverride: { judgement: "critical", reason: "confounding by indication cannot be controlled" } }));
    expect(over.overallOverride).toEqual({ judgement: "critical", reason: "confounding by indication cannot be controlled" });
    expect(over.overall).toBe("critical");
    expect(problemsOf([{ ...study, robinsI: over }])).toEqual([]);
    // the stored overall must be the override's, not the rules'
    const lost = problemsOf([{ ...study, robinsI: { ...over, overallOverride: undefined } as never }]);
    expect(lost).toEqual([expect.objectContaining({ file: "trials.json", entry: `${study.id} / robinsI`, field: "robinsI.overall" })]);
  });

  it("refuses a forged judgement, naming file, entry and field", () => {
    const forged = problemsOf([{ ...entry, robinsI: { ...robinsI, judgements: { ...robinsI.judgements, D1: "low" } } }]);
    expect(forged).toContainEqual(expect.objectContaining({ file: "trials.json", entry: `${study.id} / robinsI`, field: "robinsI.judgements.D1", message: expect.stringContaining('the answers give "serious" (leaf D1.2)') }));
    const unanswered = problemsOf([{ ...entry, robinsI: { ...robinsI, answers: { ...robinsI.answers, D4: { "4.1": "Y" } } } }]);
    expect(unanswered).toContainEqual(expect.objectContaining({ entry: `${study.id} / robinsI`, field: "robinsI.answers.D4", message: expect.stringContaining("4.2 is not answered") }));
    expect(problemsOf([{ ...entry, robinsI: { ...robinsI, outcome: "miscarriage" } }])).toContainEqual(expect.objectContaining({ field: "robinsI.outcome" }));
  });

  it("is an error on a randomised trial, and RoB 2 is an error on a non-randomised study", () => {
    const onRct = problemsOf([{ ...rct, robinsI: { ...robinsI, source: rct.source } }]);
    expect(onRct).toContainEqual(expect.objectContaining({ file: "trials.json", entry: `${rct.id} / robinsI`, field: "robinsI", message: expect.stringMatching(/ROBINS-I is for non-randomised studies, but design.randomised is true/) }));
    const rob2 = trialRob2FromStored(study, "live-birth", stored("rob2", { study: study.id, outcome: "live-birth", answers: LOOP_ROB2 }))!;
    const onNrs = problemsOf([{ ...study, rob2 }]);
    expect(onNrs).toContainEqual(expect.objectContaining({ file: "trials.json", entry: `${study.id} / rob2`, field: "rob2", message: expect.stringMatching(/RoB 2 is for randomised trials, but design.randomised is false/) }));
    expect(problemsOf([{ ...study, rob2, robinsI, design: { ...study.design, randomised: null } }])).toContainEqual(expect.objectContaining({ field: "robinsI", message: expect.stringContaining("not both") }));
  });

  it("feeds the ROBINS-I robvis plots", async () => {
    const b = { ...base, trials: base.trials.map((t) => (t.id === study.id ? entry : t)) } as EvidenceBase;
    const table = robinsITableFromBase(b, { therapy: study.therapy })!;
    expect(table.tool).toBe("ROBINS-I");
    expect(table.studies).toEqual([expect.objectContaining({ study: `${study.label} (live-birth)`, overall: "serious", judgements: expect.objectContaining({ "Bias due to confounding": "serious", "Bias in selection of the reported result": "low" }) })]);
    expect(robinsITableFromBase(base, { therapy: study.therapy })).toBeNull();
    // the CLI draws it from a data/ directory holding the entry
    const dir = mkdtempSync(join(tmpdir(), "decidua-robins-"));
    const { writeFileSync } = await import("node:fs");
    for (const f of evidenceFiles(withTrials([entry]))) writeFileSync(join(dir, f.file), f.text);
    const out: string[] = [];
    const err: string[] = [];
    expect(await main(["evidence", "validate", dir], { out: (t) => out.push(t), err: (t) => err.push(t) })).toBe(0);
    expect(await main(["evidence", "plot", "robins-i", "--therapy", study.therapy, "--data", dir, "--out", join(dir, "robins.svg")], { out: (t) => out.push(t), err: (t) => err.push(t) })).toBe(0);
    const svg = readFileSync(join(dir, "robins.svg"), "utf8");
    expect(svg).toContain("ROBINS-I");
    expect(svg).toContain(study.label);
    expect(await main(["evidence", "plot", "robins-i-summary", "--therapy", "tacrolimus", "--data", dir, "--out", join(dir, "none.svg")], { out: () => undefined, err: (t) => err.push(t) })).toBe(2);
    expect(err.join("")).toMatch(/no trial of tacrolimus carries a ROBINS-I assessment/);
  });

  it("gives the study's risk-of-bias judgement on GRADE's scale, the tool's own beside it", () => {
    expect(studyRobJudgement(entry, "live-birth")).toMatchObject({ judgement: "high", tool: "ROBINS-I", native: "serious", basis: expect.stringMatching(/^ROBINS-I overall serious \(rules; ann\.rev\)/) });
    const moderate = trialRobinsIFromStored(study, "live-birth", stored("robins-i", { study: study.id, answers: ROBINS_ANSWERS, overrides: { D1: { judgement: "moderate", reason: "the main confounders were adjusted for" } } }));
    expect(studyRobJudgement({ ...study, robinsI: moderate }, "live-birth")).toMatchObject({ judgement: "some concerns", native: "moderate", basis: expect.stringContaining("with reviewer overrides") });
    // another row: not assessed, saying which row it is for; without any tool: RoB 1 when present, else not assessed
    expect(studyRobJudgement({ ...entry, rob: null }, "miscarriage")).toMatchObject({ judgement: "not assessed", tool: "none", basis: expect.stringContaining("ROBINS-I is judged for outcome row live-birth only") });
    expect(studyRobJudgement(study, "live-birth")).toMatchObject({ judgement: "high", tool: "RoB 1", native: "high" });
    expect(studyRobJudgement({ ...study, rob: null }, "live-birth")).toEqual({ judgement: "not assessed", tool: "none", native: "not assessed", basis: "no risk-of-bias assessment stored" });
    // RoB 2 passed in comes first; the entry's own RoB 2 reads as before
    const a = assessRob2({ study: rct.id, outcome: "live-birth", answers: LOOP_ROB2 });
    expect(studyRobJudgement(rct, "live-birth", { rob2: [a] })).toMatchObject({ judgement: "low", tool: "RoB 2", basis: "RoB 2 overall (algorithm)" });
    const noInfo = assessRobinsI({ study: study.id, answers: { ...ROBINS_ANSWERS, D1: { "1.1": "N" }, D7: { "7.1": "N", "7.2": "NI", "7.3": "N" } } });
    expect(studyRobJudgement({ ...study, rob: null }, "live-birth", { robinsI: [noInfo] })).toMatchObject({ judgement: "not assessed", tool: "ROBINS-I", native: "no information", basis: expect.stringContaining("ROBINS-I overall no information") });
  });

  it("reaches GRADE's risk-of-bias domain: grade-outcomes reads the entry's ROBINS-I, and RoB 1 for the rows it does not cover", () => {
    expect(trialRobJudgement(entry, "live-birth", "live-birth", [])).toMatchObject({ judgement: "high", tool: "ROBINS-I", basis: expect.stringMatching(/^ROBINS-I overall serious/) });
    // without the field, the same study falls back to its RoB 1 entry, as before ROBINS-I reached the entries
    expect(trialRobJudgement(study, "live-birth", "live-birth", [])).toMatchObject({ tool: "RoB 1" });
    // a ROBINS-I passed in (the extraction store's, not yet in the entry) is read after the entry's own tools
    const noInfo = assessRobinsI({ study: study.id, answers: { ...ROBINS_ANSWERS, D1: { "1.1": "N" }, D7: { "7.1": "N", "7.2": "NI", "7.3": "N" } } });
    expect(trialRobJudgement({ ...study, rob: null }, "live-birth", "live-birth", [], [noInfo])).toMatchObject({ judgement: "not assessed", tool: "ROBINS-I" });
  });
});
