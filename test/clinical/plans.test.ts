import { describe, expect, it } from "vitest";
import { assessPatient, computeDose, makeClinicConfig, parsePatientRecord, planProtocol, roundDose } from "../../src/clinical/index.js";

const rec = (extra: Record<string, unknown> = {}) =>
  parsePatientRecord({ weight: { value: 63, unit: "kg" }, losses: [{ gestationalWeek: 7, kind: "clinical" }], ...extra });

describe("LIT plan", () => {
  it("dates three sensitisation injections 4 weeks apart, the antibody check 2 weeks after the last, then booster and attempt", () => {
    const p = planProtocol("lit", rec(), { start: "2025-03-03" });
    const d = Object.fromEntries(p.steps.map((s) => [s.id, s.date]));
    expect(d["lit-injection-1"]).toBe("2025-03-03");
    expect(d["lit-injection-2"]).toBe("2025-03-31");
    expect(d["lit-injection-3"]).toBe("2025-04-28");
    expect(d["antibody-check"]).toBe("2025-05-12");
    expect(d["booster-preconception"]).toBe("2025-05-26");
    expect(d["conception-attempt"]).toBe("2025-06-02");
    expect(d["booster-pregnancy"]).toBeNull(); // depends on a pregnancy not yet recorded
    expect(p.steps.find((s) => s.id === "booster-pregnancy")!.when).toBe("gestational weeks 5–7");
    expect(p.status).toBe("awaiting-result");
    expect(p.statusNote).toMatch(/due 2025-05-12/);
  });

  it("follows the clinic's course: two injections 3 weeks apart", () => {
    const p = planProtocol("lit", rec(), { start: "2025-03-03", config: makeClinicConfig({ lit: { injections: 2, intervalWeeks: 3 } }) });
    expect(p.steps.filter((s) => s.kind === "injection" && s.id.startsWith("lit-injection")).map((s) => s.date)).toEqual(["2025-03-03", "2025-03-24"]);
    expect(p.steps.find((s) => s.id === "antibody-check")!.date).toBe("2025-04-07");
  });

  it("a negative antibody follow-up changes the plan to reconsider and puts booster and attempt on hold", () => {
    const r = rec({ followUps: [{ test: "anti-paternal-antibody", date: "2025-05-12", result: "negative" }] });
    const p = planProtocol("lit", r, { start: "2025-03-03" });
    expect(p.status).toBe("reconsider");
    expect(p.statusNote).toMatch(/No antibody response on 2025-05-12/);
    expect(p.statusNote).toMatch(/does not continue by default/);
    const st = Object.fromEntries(p.steps.map((s) => [s.id, s.status]));
    expect(st["antibody-check"]).toBe("completed");
    expect(st["booster-preconception"]).toBe("on-hold");
    expect(st["conception-attempt"]).toBe("on-hold");
    expect(st["booster-pregnancy"]).toBe("on-hold");
  });

  it("a positive follow-up continues; a later negative one still wins (latest result counts)", () => {
    const pos = planProtocol("lit", rec({ followUps: [{ test: "anti-paternal-antibody", date: "2025-05-20", result: "positive" }] }), { start: "2025-03-03" });
    expect(pos.status).toBe("continue");
    expect(pos.steps.find((s) => s.id === "booster-preconception")!.date).toBe("2025-05-26");
    expect(pos.steps.find((s) => s.id === "booster-preconception")!.status).toBe("scheduled");
    // a result that arrives after the planned booster date moves the booster a week after the result
    const late = planProtocol("lit", rec({ followUps: [{ test: "anti-paternal-antibody", date: "2025-06-01", result: "positive" }] }), { start: "2025-03-03" });
    expect(late.steps.find((s) => s.id === "booster-preconception")!.date).toBe("2025-06-08");
    expect(late.steps.find((s) => s.id === "conception-attempt")!.date).toBe("2025-06-15");
    const later = planProtocol(
      "lit",
      rec({
        followUps: [
          { test: "anti-paternal-antibody", date: "2025-05-12", result: "positive" },
          { test: "anti-paternal-antibody", date: "2025-07-01", result: "negative" },
        ],
      }),
      { start: "2025-03-03" },
    );
    expect(later.status).toBe("reconsider");
  });

  it("ignores results from before the plan start", () => {
    const p = planProtocol("lit", rec({ followUps: [{ test: "anti-paternal-antibody", date: "2024-01-01", result: "negative" }] }), { start: "2025-03-03" });
    expect(p.status).toBe("awaiting-result");
  });
});

describe("weight-based doses", () => {
  it("IVIG 400 mg/kg/day for 63 kg: 25.2 g rounded to 25 g/day, 5 days from week 4 (LMP known)", () => {
    const r = rec({ currentPregnancy: { lastMenstrualPeriod: "2025-01-01" } });
    const p = planProtocol("ivig", r, { start: "2025-01-20" });
    const s = p.steps[0]!;
    expect(s.dose!.computed).toEqual({ weightKg: 63, min: 25.2, unit: "g" });
    expect(s.dose!.rounded).toEqual({ min: 25, unit: "g", step: 2.5 });
    expect(s.dose!.text).toMatch(/^25 g\/day/);
    expect(s.date).toBe("2025-01-29"); // LMP + 28 days
    expect(s.repeat!.dates).toEqual(["2025-01-29", "2025-01-30", "2025-01-31", "2025-02-01", "2025-02-02"]);
  });

  it("IVIG start moves to the plan start when week 4 has passed, within weeks 4–6", () => {
    const p = planProtocol("ivig", rec({ currentPregnancy: { lastMenstrualPeriod: "2025-01-01" } }), { start: "2025-02-03" });
    expect(p.steps[0]!.date).toBe("2025-02-03");
    expect(p.steps[0]!.until).toBe("2025-02-07");
  });

  it("tacrolimus 0.05–0.1 mg/kg/day for 63 kg: 3.15–6.3 mg -> 3.5–6 mg/day with 0.5 mg capsules, 4–6 mg with 1 mg", () => {
    const p = planProtocol("tacrolimus", rec(), { start: "2025-03-08" });
    const start = p.steps.find((s) => s.id === "tacrolimus-start")!;
    expect(start.date).toBe("2025-03-08");
    expect(start.dose!.computed).toEqual({ weightKg: 63, min: 3.15, max: 6.3, unit: "mg" });
    expect(start.dose!.rounded).toEqual({ min: 3.5, max: 6, unit: "mg", step: 0.5 });
    const one = planProtocol("tacrolimus", rec(), { start: "2025-03-08", config: makeClinicConfig({ strengths: { tacrolimusMg: [1, 5] } }) });
    expect(one.steps[0]!.dose!.rounded).toEqual({ min: 4, max: 6, unit: "mg", step: 1 });
    expect(start.note).toBeUndefined();
  });

  it("tacrolimus for 140 kg: 7–14 mg/day, said to be above every dose the RPL studies report", () => {
    const p = planProtocol("tacrolimus", rec({ weight: { value: 140, unit: "kg" } }), { start: "2025-03-08" });
    const start = p.steps.find((s) => s.id === "tacrolimus-start")!;
    expect(start.dose!.rounded).toMatchObject({ min: 7, max: 14 });
    expect(start.note).toMatch(/even the lower end of the weight-based dose \(7 mg\/day\) is above the 4 mg\/day that the RPL studies report at most/);
    expect(p.notes.join(" ")).toMatch(/^.*Dose: even the lower end/);
  });

  it("tacrolimus stops at 10 weeks when pregnant (dated from the LMP)", () => {
    const p = planProtocol("tacrolimus", rec({ currentPregnancy: { lastMenstrualPeriod: "2025-03-01" } }), { start: "2025-03-08" });
    expect(p.steps.find((s) => s.id === "tacrolimus-stop-pregnancy")!.date).toBe("2025-05-10");
  });

  it("dates from the gestational week and today when the LMP is not recorded", () => {
    const p = planProtocol("progesterone", rec({ currentPregnancy: { gestationalWeek: 7, bleeding: true } }), { start: "2025-03-10", today: "2025-03-10" });
    expect(p.steps.find((s) => s.id === "progesterone-stop")!.date).toBe("2025-05-12"); // week 16 = today + 9 weeks
  });

  it("rounding never leaves the per-kg range, and falls back to the nearest step when no multiple fits", () => {
    expect(roundDose(3.15, 6.3, 0.5)).toEqual({ min: 3.5, max: 6 });
    expect(roundDose(3, 6, 0.5)).toEqual({ min: 3, max: 6 });
    expect(roundDose(0.6, 0.9, 0.5)).toEqual({ min: 1, max: 1 });
    expect(roundDose(26.3, undefined, 2.5)).toEqual({ min: 27.5 });
  });

  it("says when the weight is needed", () => {
    const d = computeDose({ kind: "per-kg", min: 0.4, unit: "g", per: "day", strengths: "ivigGrams", text: "IV" }, undefined, makeClinicConfig());
    expect(d.needsWeight).toBe(true);
    expect(d.text).toMatch(/weight needed/);
  });
});

describe("plans within the assessment", () => {
  it("builds plans only for recommended or protocol-eligible therapies", () => {
    const a = assessPatient(
      {
        weight: { value: 70, unit: "kg" },
        losses: [{ gestationalWeek: 6, kind: "clinical" }, { gestationalWeek: 7, kind: "clinical" }, { gestationalWeek: 8, kind: "clinical" }],
        workup: {
          antiphospholipid: [
            { date: "2024-01-10", lupusAnticoagulant: "positive" },
            { date: "2024-04-20", lupusAnticoagulant: "positive" },
          ],
        },
        currentPregnancy: { lastMenstrualPeriod: "2025-01-01", positiveTestDate: "2025-01-29" },
      },
      { today: "2025-02-01", planStart: "2025-02-01" },
    );
    const lmwh = a.therapies["lmwh-aspirin"];
    expect(lmwh.status).toBe("recommended");
    expect(lmwh.plan).not.toBeNull();
    // the positive test (2025-01-29) came before the plan start: LMWH from the start, said so
    expect(lmwh.plan!.steps.find((s) => s.id === "lmwh-start")).toMatchObject({ date: "2025-02-01", note: "already pregnant: from the plan start" });
    expect(lmwh.plan!.steps.find((s) => s.id === "lda-start")!.note).toBe("already pregnant: from the plan start");
    expect(lmwh.plan!.steps.find((s) => s.id === "lda-start")!.dose!.text).toMatch(/75–100 mg/);
    // issue 9 §1: losses explained by APS make LIT not-indicated (contraindicated is kept for a harm)
    expect(a.therapies.lit.status).toBe("not-indicated");
    expect(a.therapies.lit.reasonKind).toBe("explained-by-other-cause");
    expect(a.therapies.lit.plan).toBeNull();
  });
});

describe("pregnancy windows", () => {
  it("says when the IVIG window (weeks 4–6) has passed instead of dating it", () => {
    const p = planProtocol("ivig", rec({ currentPregnancy: { lastMenstrualPeriod: "2025-01-01" } }), { start: "2025-03-01" });
    expect(p.steps[0]!.date).toBeNull();
    expect(p.steps[0]!.status).toBe("on-hold");
    expect(p.statusNote).toMatch(/window \(gestational weeks 4–6, ending 2025-02-18\) has passed/);
  });
});

describe("provisional dates for a planned conception cycle", () => {
  it("dates IVIG and the LIT pregnancy booster from an assumed LMP and marks them provisional", () => {
    const ivig = planProtocol("ivig", rec(), { start: "2025-03-01", assumedLmp: "2025-04-01" });
    expect(ivig.steps[0]!.date).toBe("2025-04-29");
    expect(ivig.steps[0]!.provisional).toBe(true);
    expect(ivig.steps[0]!.note).toMatch(/assumes a pregnancy from the cycle starting 2025-04-01/);
    const lit = planProtocol("lit", rec(), { start: "2025-01-06", assumedLmp: "2025-04-01" });
    const booster = lit.steps.find((s) => s.id === "booster-pregnancy")!;
    expect(booster.date).toBe("2025-05-06");
    expect(booster.provisional).toBe(true);
    expect(lit.steps.find((s) => s.id === "early-monitoring")!.date).toBe("2025-04-29");
    expect(lit.steps.find((s) => s.id === "lit-injection-1")!.provisional).toBeUndefined();
  });
  it("a recorded pregnancy wins over an assumed LMP", () => {
    const p = planProtocol("ivig", rec({ currentPregnancy: { lastMenstrualPeriod: "2025-01-01" } }), { start: "2025-01-20", assumedLmp: "2025-04-01" });
    expect(p.steps[0]!.date).toBe("2025-01-29");
    expect(p.steps[0]!.provisional).toBeUndefined();
  });
});

describe("plans for a woman already pregnant", () => {
  it("dates a step timed from the positive test from the plan start when the test is not dated (H76)", () => {
    const r = parsePatientRecord({ losses: [], weight: { value: 65, unit: "kg" }, currentPregnancy: { lastMenstrualPeriod: "2025-01-12" } });
    const p = planProtocol("lmwh-aspirin", r, { start: "2025-06-02", today: "2025-06-01" });
    expect(p.steps.find((s) => s.id === "lmwh-start")).toMatchObject({ date: "2025-06-02", note: "already pregnant: from the plan start" });
    expect(p.steps.find((s) => s.id === "lda-start")).toMatchObject({ date: "2025-06-02", note: "already pregnant: from the plan start", label: "Low-dose aspirin daily, from the plan start (already pregnant)" });
    // a positive test 4 weeks after the period, after the start, keeps its date
    const early = planProtocol("lmwh-aspirin", parsePatientRecord({ losses: [], currentPregnancy: { lastMenstrualPeriod: "2025-05-20" } }), { start: "2025-06-02", today: "2025-06-01" });
    expect(early.steps.find((s) => s.id === "lmwh-start")).toMatchObject({ date: "2025-06-17" });
    expect(early.steps.find((s) => s.id === "lmwh-start")!.note).toBeUndefined();
    // not pregnant: undated until the pregnancy is recorded
    expect(planProtocol("lmwh-aspirin", parsePatientRecord({ losses: [] }), { start: "2025-06-02" }).steps.find((s) => s.id === "lmwh-start")!.date).toBeNull();
  });
  it("says to continue, not prescribe again, the LMWH and aspirin she already takes", () => {
    const r = parsePatientRecord({ losses: [], currentPregnancy: { lastMenstrualPeriod: "2025-01-12" }, medications: [{ name: "Enoxaparin", dose: "40 mg daily", since: "2024-11-25" }, { name: "aspirin", dose: "75 mg daily" }] });
    const p = planProtocol("lmwh-aspirin", r, { start: "2025-06-02", today: "2025-06-01" });
    expect(p.steps.find((s) => s.id === "lmwh-start")!.note).toBe("already pregnant: from the plan start; already taken (Enoxaparin 40 mg daily since 2024-11-25): continue it at the protocol's dose, not a second prescription");
    expect(p.steps.find((s) => s.id === "lda-start")!.note).toMatch(/already taken \(aspirin 75 mg daily\): continue it/);
    expect(p.notes).toContain("LMWH: already taken (Enoxaparin 40 mg daily since 2024-11-25): continue it at the protocol's dose, not a second prescription.");
    // taking neither: no such note
    const none = planProtocol("lmwh-aspirin", parsePatientRecord({ losses: [], medications: [{ name: "levothyroxine" }] }), { start: "2025-06-02" });
    expect(none.steps.map((s) => s.note ?? "").join(" ")).not.toMatch(/already taken/);
  });
});
