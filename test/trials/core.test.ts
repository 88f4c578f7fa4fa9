import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_CLINIC_CONFIG } from "../../src/clinical/config.js";
import { parsePatientRecord } from "../../src/clinical/record.js";
import { loadDefaultEvidenceBase } from "../../src/evidence/load.js";
import { validateEvidenceBase } from "../../src/evidence/validate.js";
import { EVIDENCE_FILES } from "../../src/evidence/schema.js";
import { InputError } from "../../src/shared/errors.js";
import { analysePrimary, adverseEventTable, type AnalysisParticipant } from "../../src/trials/analysis.js";
import { checkVisitDate, visitSchedule } from "../../src/trials/visits.js";
import { consortFlow, consortSvg, checkConsortFlow, type ConsortCandidate } from "../../src/trials/consort.js";
import { evidenceDraft } from "../../src/trials/evidence.js";
import { assessEligibility, strataFromRecord } from "../../src/trials/eligibility.js";
import { parseProtocol } from "../../src/trials/protocol.js";

const EX = join(import.meta.dirname, "..", "..", "examples", "trials");
const tacrolimus = parseProtocol(JSON.parse(readFileSync(join(EX, "tacrolimus-protocol.json"), "utf8")) as unknown);
const lit = parseProtocol(JSON.parse(readFileSync(join(EX, "lit-ana-protocol.json"), "utf8")) as unknown);

const loss = (date: string, week: number, karyotype?: "normal" | "abnormal") => ({
  date,
  gestationalWeek: week,
  kind: "clinical",
  ...(karyotype !== undefined ? { embryoKaryotype: { result: karyotype } } : {}),
});
const threeLosses = [loss("2022-01-10", 7), loss("2022-09-01", 8, "normal"), loss("2023-05-01", 6)];
const record = (extra: Record<string, unknown>) => parsePatientRecord({ age: 31, losses: threeLosses, liveBirths: [], ...extra });
const aplNegative = { antiphospholipid: [{ date: "2024-01-02", lupusAnticoagulant: "negative", aclIgG: { value: 3, unit: "GPL" }, aclIgM: { value: 2, unit: "MPL" } }] };

describe("protocol schema", () => {
  it("reads both example protocols (arms, ratio, strata, groups, visits)", () => {
    expect(tacrolimus.arms.map((a) => a.id)).toEqual(["tacrolimus", "placebo"]);
    expect(tacrolimus.arms[1]?.placebo).toBe(true);
    expect(lit.groups[0]?.id).toBe("healthy-pregnant");
    expect(lit.strata[0]?.levels.map((l) => l.id)).toEqual(["positive", "negative"]);
  });
  it("refuses a ratio that does not fit the arms, block sizes off the ratio, a group named like an arm", () => {
    const base = JSON.parse(readFileSync(join(EX, "tacrolimus-protocol.json"), "utf8")) as Record<string, unknown>;
    expect(() => parseProtocol({ ...base, ratio: [1, 1, 1] })).toThrow(/ratio/);
    expect(() => parseProtocol({ ...base, ratio: [2, 1] })).toThrow(/block size 2 is not a multiple of 3/);
    expect(() => parseProtocol({ ...base, groups: [{ id: "placebo", label: "x" }] })).toThrow(/already an arm/);
    try {
      parseProtocol({ ...base, registration: "?" });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      expect((e as InputError).location.field).toBe("registration");
    }
  });
});

describe("eligibility over the patient record (reusing the clinical findings)", () => {
  it("eligible: 3 unexplained losses and Th1/Th2 ≥ 10.3, each criterion with its finding", () => {
    const r = assessEligibility(tacrolimus, record({ workup: aplNegative, immune: { th1Th2Ratio: { value: 12.1 } } }), DEFAULT_CLINIC_CONFIG);
    expect(r.status).toBe("eligible");
    expect(r.inclusion[0]?.finding).toMatch(/3 unexplained losses of 3/);
    expect(r.inclusion[1]?.outcome).toBe("met");
    expect(r.inclusion[1]?.finding).toMatch(/12\.1 ≥ 10\.3/);
    expect(r.exclusion[0]?.outcome).toBe("not-met");
  });
  it("a missing marker is named and never assumed normal: incomplete, not excluded", () => {
    const r = assessEligibility(tacrolimus, record({ workup: aplNegative }), DEFAULT_CLINIC_CONFIG);
    expect(r.status).toBe("incomplete");
    expect(r.missing.join("; ")).toMatch(/Th1\/Th2/);
    expect(r.missing.join("; ")).toMatch(/IL-33/);
  });
  it("missing APS testing is named for the exclusion criterion", () => {
    const r = assessEligibility(tacrolimus, record({ immune: { th1Th2Ratio: { value: 12.1 } } }), DEFAULT_CLINIC_CONFIG);
    expect(r.status).toBe("incomplete");
    expect(r.missing.join("; ")).toMatch(/antiphospholipid/);
  });
  it("not eligible: an explained loss leaves 2 unexplained; the failing finding is given as the reason", () => {
    const r = assessEligibility(
      tacrolimus,
      parsePatientRecord({ age: 31, losses: [loss("2022-01-10", 7), loss("2022-09-01", 8, "abnormal"), loss("2023-05-01", 6)], liveBirths: [], workup: aplNegative, immune: { th1Th2Ratio: { value: 12 } } }),
      DEFAULT_CLINIC_CONFIG,
    );
    expect(r.status).toBe("not-eligible");
    expect(r.reasons[0]).toMatch(/2 unexplained losses .*abnormal embryo karyotype/);
  });
  it("IL-33 with a laboratory flag meets the any-of criterion; Th1/Th2 below the cut-off does not", () => {
    const r = assessEligibility(tacrolimus, record({ workup: aplNegative, immune: { th1Th2Ratio: { value: 8 }, il33: { value: 400, unit: "pg/mL", labFlag: "elevated" } } }), DEFAULT_CLINIC_CONFIG);
    expect(r.status).toBe("eligible");
    const anyOf = r.inclusion[1];
    expect(anyOf?.children?.map((c) => c.outcome)).toEqual(["not-met", "met", "missing"]);
  });
  it("the ANA stratum is read from the record, and a missing ANA is named", () => {
    expect(strataFromRecord(lit.strata, record({ immune: { ana: { titre: "1:320" } } }), DEFAULT_CLINIC_CONFIG).levels).toEqual({ ana: "positive" });
    expect(strataFromRecord(lit.strata, record({ immune: { ana: { titre: "negative" } } }), DEFAULT_CLINIC_CONFIG).levels).toEqual({ ana: "negative" });
    const none = strataFromRecord(lit.strata, record({}), DEFAULT_CLINIC_CONFIG);
    expect(none.levels).toEqual({});
    expect(none.missing.join(" ")).toMatch(/ANA|Antinuclear/);
  });
});

describe("visits", () => {
  const visits = tacrolimus.visits;
  const test = visits.find((v) => v.id === "pregnancy-test");
  it("accepts a date inside the window, refuses one outside without a reason, accepts it with one", () => {
    if (test === undefined) throw new Error("no visit");
    expect(checkVisitDate(test, "2025-02-05", { randomisation: "2025-01-01" }).inWindow).toBe(true);
    expect(() => checkVisitDate(test, "2025-03-30", { randomisation: "2025-01-01" })).toThrow(/outside its window 2025-01-29 to 2025-02-19/);
    const late = checkVisitDate(test, "2025-03-30", { randomisation: "2025-01-01" }, "patient abroad");
    expect(late.inWindow).toBe(false);
    expect(late.daysFromTarget).toBe(53);
  });
  it("refuses a pregnancy visit before conception is recorded", () => {
    const w12 = visits.find((v) => v.id === "week-12");
    if (w12 === undefined) throw new Error("no visit");
    expect(() => checkVisitDate(w12, "2025-05-01", { randomisation: "2025-01-01" })).toThrow(/conception, which is not recorded/);
  });
  it("lists done, missed, due, upcoming and not-anchored visits on a given day", () => {
    const s = visitSchedule(visits, { randomisation: "2025-01-01" }, [{ visit: "baseline", date: "2025-01-03" }], "2025-02-01");
    expect(s.map((v) => v.status)).toEqual(["done", "due", "not-anchored", "not-anchored"]);
    const later = visitSchedule(visits, { randomisation: "2025-01-01", conception: "2025-02-10" }, [], "2025-03-01");
    expect(later.map((v) => v.status)).toEqual(["missed", "missed", "upcoming", "upcoming"]);
  });
});

describe("CONSORT 2025 flow", () => {
  const c = (n: number, x: ConsortCandidate): ConsortCandidate[] => Array.from({ length: n }, () => ({ ...x }));
  const candidates = [
    ...c(20, { arm: null, exclusionReason: "not meeting inclusion criteria" }),
    ...c(5, { arm: null, exclusionReason: "declined to participate" }),
    ...c(70, { arm: "tacrolimus", receivedAllocated: true }),
    ...c(3, { arm: "tacrolimus", receivedAllocated: false, notReceivedReason: "withdrew consent", lostToFollowUp: true, lostReason: "withdrew consent" }),
    ...c(2, { arm: "tacrolimus", discontinued: true, discontinuedReason: "adverse event", unblinded: true }),
    ...c(72, { arm: "placebo" }),
    ...c(2, { arm: "placebo", lostToFollowUp: true, lostReason: "moved away" }),
  ];
  const flow = consortFlow(candidates, tacrolimus.arms, [{ label: "healthy pregnant women", n: 50 }]);
  it("counts every box from the data", () => {
    expect(flow.assessed).toBe(174);
    expect(flow.excluded).toEqual([
      { reason: "not meeting inclusion criteria", n: 20 },
      { reason: "declined to participate", n: 5 },
    ]);
    expect(flow.randomised).toBe(149);
    const [t, p] = flow.arms;
    expect(t).toMatchObject({ allocated: 75, received: 72, analysed: 72, unblinded: 2 });
    expect(t?.discontinued).toEqual([{ reason: "adverse event", n: 2 }]);
    expect(p).toMatchObject({ allocated: 74, received: 74, analysed: 72 });
  });
  it("draws the SVG with every box and the numbers", () => {
    const svg = consortSvg(flow, { title: "Tacrolimus trial" });
    expect(svg.startsWith("<svg") || svg.startsWith("<?xml")).toBe(true);
    for (const box of ["assessed", "excluded", "randomised", "allocated-tacrolimus", "allocated-placebo", "followup-placebo", "analysed-tacrolimus", "groups"]) expect(svg).toContain(`data-box="${box}"`);
    expect(svg).toContain("Assessed for eligibility");
    expect(svg).toContain("(n = 174)");
    expect(svg).toContain("Emergency unblinding (n = 2)");
    expect(svg).toContain("healthy pregnant women (n = 50)");
  });
  it("refuses counts that do not add up, naming the box", () => {
    expect(() => checkConsortFlow({ ...flow, randomised: 150 })).toThrow(/CONSORT box "randomised"/);
  });
});

describe("analysis set and adverse events", () => {
  const people: AnalysisParticipant[] = [
    ...Array.from({ length: 10 }, (_, i) => ({ id: `t${i}`, arm: "t", outcome: i < 7, perProtocol: i !== 9 })),
    ...Array.from({ length: 10 }, (_, i) => ({ id: `c${i}`, arm: "c", outcome: i < 4 ? true : i === 9 ? null : false, perProtocol: true })),
  ];
  it("ITT analyses everyone by allocated arm (available cases, missing named); per protocol leaves out deviators", () => {
    const itt = analysePrimary(people, { treatment: "t", control: "c" }, "itt");
    expect([itt.treatment.events, itt.treatment.n, itt.control.events, itt.control.n, itt.control.missing]).toEqual([7, 10, 4, 9, 1]);
    expect(itt.notes.join(" ")).toMatch(/not imputed/);
    const pp = analysePrimary(people, { treatment: "t", control: "c" }, "per-protocol");
    expect([pp.treatment.events, pp.treatment.n]).toEqual([7, 9]);
  });
  it("per protocol needs the flag for everyone", () => {
    expect(() => analysePrimary([{ id: "x", arm: "t", outcome: true }, { id: "y", arm: "c", outcome: false }], { treatment: "t", control: "c" }, "per-protocol")).toThrow(/per-protocol status/);
  });
  it("adverse-event table: participants with any and serious events, events by term", () => {
    const t = adverseEventTable(
      [
        { participant: "t1", arm: "t", term: "tremor", serious: false },
        { participant: "t1", arm: "t", term: "tremor", serious: false },
        { participant: "t2", arm: "t", term: "hyperglycaemia", serious: true },
        { participant: "c1", arm: "c", term: "tremor", serious: false },
      ],
      { t: 75, c: 74 },
    );
    expect(t.arms).toEqual([
      { arm: "t", participants: 75, withAny: 2, withSerious: 1, events: 3 },
      { arm: "c", participants: 74, withAny: 1, withSerious: 0, events: 1 },
    ]);
    expect(t.terms.find((x) => x.term === "tremor")?.byArm.t).toEqual({ participants: 1, events: 2, serious: 0 });
  });
});

describe("back into the evidence", () => {
  it("a finished trial becomes a draft trial entry that the evidence validator accepts", () => {
    const people: AnalysisParticipant[] = [
      ...Array.from({ length: 75 }, (_, i) => ({ id: `t${i}`, arm: "tacrolimus", outcome: i < 60 })),
      ...Array.from({ length: 74 }, (_, i) => ({ id: `p${i}`, arm: "placebo", outcome: i < 47 })),
    ];
    const primary = analysePrimary(people, { treatment: "tacrolimus", control: "placebo" });
    const draft = evidenceDraft(tacrolimus, [{ outcome: tacrolimus.primaryOutcome, analysis: primary }], { asOf: "2026-12-01", treatment: "tacrolimus", control: "placebo" });
    expect(draft.trial.outcomes[0]).toMatchObject({ outcome: "healthy-newborn", events_t: 60, total_t: 75, events_c: 47, total_c: 74, status: "derived", analysis: "itt" });
    expect(draft.trial.outcomes[0]?.reported?.estimate).toBeCloseTo(2.2979, 4);
    expect(draft.trial.rob).toBeNull();
    const base = loadDefaultEvidenceBase();
    const merged = { ...base, trials: [...base.trials, draft.trial], sources: [...base.sources, draft.source] };
    expect(validateEvidenceBase(merged)).toEqual([]);
    // and each entry passes its file's schema
    expect(EVIDENCE_FILES.trials.schema.safeParse(draft.trial).success).toBe(true);
    expect(EVIDENCE_FILES.sources.schema.safeParse(draft.source).success).toBe(true);
  });
});
