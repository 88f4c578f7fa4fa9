/**
 * The controls of docs/safety/hazard-log.md, one test each (named "Hxx ..." as the log names them). Each test
 * exercises the control on real records and fails when the control is removed.
 */
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  REASON_KIND_STATUS,
  assessPatient,
  diagnosisOverview,
  dueSteps,
  parsePatientRecord,
  planProtocol,
  recordOverview,
  type Assessment,
} from "../../src/clinical/index.js";
import { InputError } from "../../src/shared/errors.js";
import { inputError } from "../support/input-error.js";
import { THERAPY_IDS } from "../../src/shared/therapy-ids.js";
import { patientHistoryEvents } from "../../src/app/patient-history.js";
import { EXAMPLES, VIGNETTES, evidenceLookup, readJson, vignetteFiles } from "./helpers.js";

const today = "2025-02-15";
const vignette = (key: string): Record<string, unknown> => readJson(join(VIGNETTES, `${key}.json`)) as Record<string, unknown>;
const assess = (rec: unknown, opts: { evidence?: boolean; dateOfBirth?: string } = {}): Assessment =>
  assessPatient(rec, { today, ...(opts.evidence === true ? { evidence: evidenceLookup() } : {}), ...(opts.dateOfBirth !== undefined ? { dateOfBirth: opts.dateOfBirth } : {}) });
const all = (): Array<[string, Assessment]> => vignetteFiles().map((f) => [f, assess(readJson(join(VIGNETTES, f)))]);
const rejects = (f: () => unknown, field: string, why: RegExp): void => {
  let err: unknown;
  try {
    f();
  } catch (e) {
    err = e;
  }
  expect(err, field).toBeInstanceOf(InputError);
  expect((err as InputError).location.field).toBe(field);
  expect((err as InputError).message).toMatch(why);
};

describe("hazard controls (docs/safety/hazard-log.md)", () => {
  it("H01 contraindicated is only ever a harm: every contraindicated verdict names a safety problem", () => {
    for (const [f, a] of all())
      for (const t of THERAPY_IDS) {
        const v = a.therapies[t];
        if (v.status !== "contraindicated") continue;
        expect(v.reasonKind, `${f} ${t}`).toBe("safety");
        expect(v.safetyChecks.some((s) => s.status === "problem" && s.severity === "contraindication"), `${f} ${t}`).toBe(true);
      }
    const aps = assess(vignette("v07-aps-three-losses"));
    expect(aps.therapies.lit.status).toBe("not-indicated");
    expect(aps.therapies.lit.reasonKind).toBe("explained-by-other-cause");
  });

  it("H02 no verdict and no sentence invites waiting for another miscarriage", () => {
    for (const [f, a] of all()) {
      const text = [...a.patientSummary, ...a.clinicianSummary, ...THERAPY_IDS.flatMap((t) => [...a.therapies[t].reasons, ...a.therapies[t].missing.map((m) => `${m.label} ${m.detail}`)])].join(" ");
      expect(text, f).not.toMatch(/\b(wait|until)\b[^.]*\b(another|further|more|next)\b[^.]*\b(loss|losses|miscarriage)/i);
      expect(text, f).not.toMatch(/another (loss|miscarriage)/i);
      for (const t of THERAPY_IDS) {
        const v = a.therapies[t];
        if (v.status !== "premature") continue;
        expect(v.missing.length, `${f} ${t}`).toBeGreaterThan(0);
        expect(v.missing.some((m) => /loss(es)?$/i.test(m.label) && !/mechanism/i.test(m.label)), `${f} ${t}`).toBe(false);
      }
    }
  });

  it("H03 a protocol asking for more losses than the patient has: not-indicated, naming the protocol and what it asked for", () => {
    const a = assess(vignette("v47-three-losses-four-loss-protocols"));
    expect(a.therapies.ivig.status).toBe("not-indicated");
    expect(a.therapies.ivig.reasonKind).toBe("criterion-not-completable");
    expect(a.therapies.ivig.headline).toMatch(/Yamada 2022 .* asks for 4 or more unexplained miscarriages \(not counting biochemical losses\); the record has 3/);
  });

  it("H04 a pre-conception protocol is not protocol-eligible for a pregnant patient, and says why", () => {
    const a = assess(vignette("v44-pregnant-unk-preconception-protocols"));
    for (const t of ["prednisolone", "lit"] as const) {
      expect(a.therapies[t].status).toBe("not-indicated");
      expect(a.therapies[t].reasonKind).toBe("timing-mismatch");
      expect(a.therapies[t].headline).toMatch(/starts before conception/);
    }
    expect(assess(vignette("v45-pregnant-four-losses-ivig")).therapies.ivig.status).toBe("protocol-eligible");
  });

  it("H05 when the best trial in exactly the selected population found no benefit, the headline says so", () => {
    const a = assess(vignette("v05-peripheral-nk-raised"));
    expect(a.therapies.intralipid.status).toBe("protocol-eligible");
    expect(a.therapies.intralipid.headline).toMatch(/found no benefit/);
    expect(a.therapies.intralipid.noBenefitInSelection).toBeDefined();
    expect(a.patientSummary.join(" ")).toMatch(/Intralipid infusions: .*found no benefit/);
  });

  it("H06 the patient text states the true reason: a missing test is named as missing, not as 'more losses'", () => {
    const a = assess(vignette("v51-uterine-anatomy-not-done"));
    const text = a.patientSummary.join(" ");
    expect(text).toMatch(/too early to decide about [^:]*prednisolone[^:]*: first Uterine anatomy/);
    expect(text).not.toMatch(/more unexplained losses/);
    const normal = assess(vignette("v21-five-losses-normal-panel")).patientSummary.join(" ");
    expect(normal).toMatch(/in the usual range/);
  });

  it("H07 the patient text never contradicts itself: no 'no explanation yet' beside an explaining finding", () => {
    for (const [f, a] of all()) {
      const text = a.patientSummary.join(" ");
      if (/can explain the losses/.test(text)) expect(text, f).not.toMatch(/no explanation yet/);
    }
    expect(assess(vignette("v12-balanced-translocation")).patientSummary.join(" ")).toMatch(/can explain the losses/);
  });

  it("H08 second-trimester losses from cervical insufficiency are not counted as unexplained immunological losses", () => {
    const a = assess(vignette("v31-cervical-insufficiency-second-trimester"));
    expect(a.diagnosis.lossCount).toBe(3);
    expect(a.diagnosis.unexplainedLossCount).toBe(1);
    expect(a.therapies.prednisolone.status).toBe("not-indicated");
    expect(a.therapies.prednisolone.reasonKind).toBe("pattern-mismatch");
    expect(a.therapies.prednisolone.headline).toMatch(/the record has 1/);
  });

  it("H09 a pre-viable delivery is not read as a fetal death ≥ 10 weeks for APS; an unrecorded mechanism is asked for", () => {
    const pv = assess(vignette("v34-apl-persistent-pre-viable-delivery"));
    expect(pv.diagnosis.aps.met).toBe(false);
    expect(pv.therapies["lmwh-aspirin"].status).toBe("protocol-eligible");
    const unknown = assess(vignette("v35-apl-persistent-mechanism-unrecorded"));
    expect(unknown.therapies["lmwh-aspirin"].status).toBe("premature");
    expect(unknown.therapies["lmwh-aspirin"].missing.map((m) => m.id)).toEqual(["loss-mechanism"]);
    expect(assess(vignette("v29-aps-fetal-death-two-losses")).diagnosis.aps.met).toBe(true);
  });

  it("H10 untreated latent TB is a contraindication for TNF-α inhibitors; treated latent TB a caution", () => {
    const un = assess(vignette("v37-latent-tb-untreated")).therapies["tnf-inhibitor"];
    expect(un.status).toBe("contraindicated");
    expect(un.reasons.join(" ")).toMatch(/latent TB .*not treated/);
    expect(assess(vignette("v38-latent-tb-treated")).therapies["tnf-inhibitor"].status).toBe("protocol-eligible");
    expect(assess(vignette("v39-active-tb-unk")).therapies.prednisolone.status).toBe("contraindicated");
  });

  it("H11 a positive TB screen not recorded as latent or active is never read as safe", () => {
    const v = assess(vignette("v04-tnf-il10-tb-positive")).therapies["tnf-inhibitor"];
    expect(v.status).toBe("contraindicated");
    expect(v.reasons.join(" ")).toMatch(/record whether latent or active/);
  });

  it("H12 IgA deficiency is read from the IgA level (any unit) and anti-IgA antibodies, not only a yes/no", () => {
    expect(assess(vignette("v43-iga-mg-dl-low")).therapies.ivig.status).toBe("contraindicated");
    expect(assess(vignette("v41-iga-low-anti-iga-positive")).therapies.ivig.status).toBe("contraindicated");
    expect(assess(vignette("v40-iga-low-no-anti-iga")).therapies.ivig.status).toBe("protocol-eligible");
    rejects(() => parsePatientRecord({ losses: [], safety: { igaDeficiency: false, igaLevel: { value: 0.02, unit: "g/L" } } }), "safety.igaDeficiency", /0\.02 g\/L/);
  });

  it("H13 a parental karyotype abnormality is named by its kind", () => {
    const a = assess(vignette("v54-paternal-inversion"));
    expect(a.diagnosis.causes.find((c) => c.id === "parental-chromosomal")!.detail).toMatch(/inversion/);
    rejects(() => parsePatientRecord({ losses: [], workup: { karyotypeMale: { result: "normal", abnormality: "inversion" } } }), "workup.karyotypeMale.abnormality", /normal karyotype/);
  });

  it("H14 the NK specimen is never assumed: a count under the other specimen's field is rejected", () => {
    rejects(() => parsePatientRecord({ losses: [], immune: { uterineNk: { value: 12, unit: "%", specimen: "peripheral-blood" } } }), "immune.uterineNk.specimen", /endometrial biopsy/);
    rejects(() => parsePatientRecord({ losses: [], immune: { peripheralNk: { value: 12, unit: "%", specimen: "endometrial-biopsy" } } }), "immune.peripheralNk.specimen", /peripheral blood/);
  });

  it("H15 a future-dated item is always rejected, naming the field", () => {
    const fields = ["losses.0.date", "liveBirths.0.date", "workup.antiphospholipid.0.date", "workup.thyroid.date", "immune.uterineNk.date", "followUps.0.date", "currentPregnancy.positiveTestDate", "medications.0.since"];
    fc.assert(
      fc.property(fc.constantFrom(...fields), fc.integer({ min: 1, max: 4000 }), (path, days) => {
        const rec = structuredClone(readJson(join(EXAMPLES, "profile-a.json"))) as Record<string, unknown>;
        rec.liveBirths = [{ gestationalWeek: 39, date: "2020-01-01" }];
        rec.followUps = [{ test: "anti-paternal-antibody", date: "2024-01-01", result: "positive" }];
        rec.medications = [{ name: "folic acid", since: "2024-01-01" }];
        rec.currentPregnancy = { positiveTestDate: "2025-01-01" };
        const future = new Date(Date.parse(today) + days * 86_400_000).toISOString().slice(0, 10);
        const keys = path.split(".");
        let o = rec as Record<string, unknown>;
        for (const k of keys.slice(0, -1)) o = o[k] as Record<string, unknown>;
        o[keys[keys.length - 1]!] = future;
        const want = path.replace(/\.(\d+)\./g, "[$1].");
        rejects(() => assessPatient(rec, { today }), want, /after the assessment date/);
      }),
      { numRuns: 60 },
    );
  });

  it("H16 losses before the age of 10 and results dated before birth are rejected", () => {
    const rec = { losses: [{ date: "1995-05-01", gestationalWeek: 7, kind: "clinical" }] };
    rejects(() => assess(rec, { dateOfBirth: "1990-01-01" }), "losses[0].date", /age 5/);
    rejects(() => assess({ losses: [], workup: { thyroid: { date: "1985-01-01", tsh: { value: 2, unit: "mU/L" } } } }, { dateOfBirth: "1990-01-01" }), "workup.thyroid.date", /before the date of birth/);
  });

  it("H17 an age that contradicts the date of birth is rejected; the rules use the age from the date of birth", () => {
    rejects(() => assess({ age: 45, losses: [] }, { dateOfBirth: "1990-01-01" }), "age", /the patient is 35 on 2025-02-15/);
    const rif = { age: 30, losses: [], ivf: { transfers: [1, 2, 3].map((i) => ({ date: `2024-0${i}-01`, embryos: 2, quality: "good", outcome: "no-implantation" })) } };
    expect(assess(rif).diagnosis.rif.met).toBe(true);
    expect(assess(rif, { dateOfBirth: "1980-01-01" }).diagnosis.rif.met).toBe(false); // 45 on the assessment date
    // and the verdict says which part of the rule is not met: the age, not the transfers
    expect(assess(rif, { dateOfBirth: "1980-01-01" }).therapies.lit.reasons[0]).toMatch(/recurrent implantation failure is not established \(the transfers meet Coughlan 2014's rule, but it is defined for women under 40; she is 45\)/);
  });

  it("H18 two aPL panels of the same day that disagree are a conflict: neither wins, a repeat is asked for", () => {
    const a = assess(vignette("v52-apl-same-day-conflict"));
    expect(a.diagnosis.aps.laboratory).toBe("conflicting");
    const v = a.therapies["lmwh-aspirin"];
    expect(v.status).toBe("premature");
    expect(v.reasonKind).toBe("conflicting-results");
    expect(v.headline).toMatch(/disagree .*repeat/);
    expect(a.patientSummary.join(" ")).toMatch(/disagree, so neither is used/);
    expect(assess(vignette("v53-apl-same-day-agree")).diagnosis.aps.laboratory).toBe("negative");
  });

  it("H19 the banner and the assessment read the same diagnosis", () => {
    for (const f of [...vignetteFiles().map((x) => join(VIGNETTES, x)), join(EXAMPLES, "profile-a.json"), join(EXAMPLES, "profile-b.json")]) {
      const rec = readJson(f);
      expect(recordOverview(rec)!.label, f).toBe(diagnosisOverview(assessPatient(rec, { today }).diagnosis).label);
    }
    const b = recordOverview(readJson(join(EXAMPLES, "profile-b.json")))!;
    expect(b.label).toMatch(/^RPL \(ESHRE met, RCOG not met\)/);
    expect(recordOverview(vignette("v36-ectopic-and-molar-not-counted"))!.lossCount).toBe(2);
  });

  it("H20 the APS finding names each positive antibody with value, unit, dates and the interval in weeks", () => {
    const text = assess(vignette("v07-aps-three-losses")).therapies["lmwh-aspirin"].reasons[0]!;
    expect(text).toMatch(/anticardiolipin IgG \d+ GPL \(> 40 GPL\) on \d{4}-\d\d-\d\d and \d+ GPL on \d{4}-\d\d-\d\d, [\d.]+ weeks apart/);
    expect(text).toMatch(/lupus anticoagulant positive .* on \d{4}-\d\d-\d\d and positive on \d{4}-\d\d-\d\d, [\d.]+ weeks apart/);
  });

  it("H21 a cited benefit agrees with the evidence block: 'improved' only where its CI excludes no effect, with the subgroup", () => {
    const v = assess(vignette("v16-pregnant-bleeding"), { evidence: true }).therapies.progesterone;
    const claim = v.reasons.find((r) => r.startsWith("PRISM"))!;
    const e = v.evidence.effect!;
    if (e.excludesNoEffect && e.favoursTreatment) expect(claim).toMatch(/improved/);
    else {
      expect(claim).not.toMatch(/improved/);
      expect(claim).toMatch(/no clear difference/);
    }
    expect(claim).toContain(e.text);
    expect(claim).toMatch(/previous miscarriages/);
    for (const [f, a] of vignetteFiles().map((x) => [x, assess(readJson(join(VIGNETTES, x)), { evidence: true })] as const))
      for (const t of THERAPY_IDS) for (const r of a.therapies[t].reasons) if (/improved live birth/.test(r)) expect(a.therapies[t].evidence.effect?.excludesNoEffect, `${f} ${t}`).toBe(true);
    // a finding citing a trial whose abstract gives the direction only (Dashti 2025: no counts) never calls it an improvement
    const rec = vignette("v01-th1th2-three-losses") as { immune: Record<string, unknown> };
    const ana = assess({ ...rec, immune: { ...rec.immune, ana: { titre: "1:320" } } }).therapies.lit.findings.find((x) => x.id === "ana" || x.label.startsWith("ANA"))!;
    expect(ana.reading).toMatch(/the direction only: no counts or confidence intervals/);
    expect(ana.reading).not.toMatch(/outcomes improved/);
  });

  it("H22 a guideline position cited in a reason carries the same verified mark as in the guideline list", () => {
    for (const key of ["v07-aps-three-losses", "v08-aps-refractory", "v09-apl-persistent-two-losses", "v13-factor-v-leiden"]) {
      const a = assess(vignette(key), { evidence: true });
      for (const t of THERAPY_IDS) {
        const v = a.therapies[t];
        for (const c of v.citedGuidelines ?? []) {
          const listed = v.guideline.find((g) => g.id === c.id)!;
          expect(listed, `${key} ${t} ${c.id}`).toBeDefined();
          const mark = `[${c.body} ${c.year}: ${listed.verified ? "verified" : "unverified"}`;
          expect(v.reasons[c.reason], `${key} ${t} ${c.id}`).toContain(mark);
        }
      }
    }
    const hcq = assess(vignette("v08-aps-refractory"), { evidence: true }).therapies.hydroxychloroquine;
    expect(hcq.reasons[0]).toMatch(/\[ACR 2020: unverified/);
  });

  it("H23 no missed contraindication: every recorded harm decides the verdict of the therapy it concerns", () => {
    for (const [f, a] of all())
      for (const t of THERAPY_IDS) {
        const v = a.therapies[t];
        if (v.safetyChecks.some((s) => s.status === "problem" && s.severity === "contraindication")) expect(v.status, `${f} ${t}`).toBe("contraindicated");
      }
    expect(assess(vignette("v06-peripheral-nk-soy-allergy")).therapies.intralipid.status).toBe("contraindicated");
    expect(assess(vignette("v58-sickle-cell-gcsf")).therapies["g-csf"].status).toBe("contraindicated");
    expect(assess(vignette("v57-active-infection-th1th2")).therapies.tacrolimus.status).toBe("contraindicated");
  });

  it("H24 a missing investigation is never read as normal: removing a work-up item makes it missing and no verdict more permissive", () => {
    const base = vignette("v60-unk-specimen-recorded");
    const before = assess(base);
    expect(before.therapies.prednisolone.status).toBe("protocol-eligible");
    for (const item of ["karyotypeFemale", "karyotypeMale", "uterineAnatomy", "antiphospholipid", "thyroid", "thrombophilia"]) {
      const rec = structuredClone(base) as { workup: Record<string, unknown> };
      delete rec.workup[item];
      const a = assess(rec);
      expect(a.diagnosis.workupComplete, item).toBe(false);
      expect(a.therapies.prednisolone.status, item).toBe("premature");
      expect(a.therapies.prednisolone.missing.length, item).toBeGreaterThan(0);
    }
  });

  it("H26 evidence numbers come from data/: no result percentages written into the clinical code", () => {
    const dir = join(import.meta.dirname, "..", "..", "src", "clinical");
    const files = [...readdirSync(dir).filter((f) => f.endsWith(".ts")).map((f) => join(dir, f)), ...readdirSync(join(dir, "therapies")).map((f) => join(dir, "therapies", f))];
    for (const f of files) expect(readFileSync(f, "utf8"), f).not.toMatch(/\d+(\.\d+)?% vs \d+(\.\d+)?%|OR \d\.\d+ \(\d/);
  });

  it("H30 every verdict's reasonKind stands behind its status (web, patient text and EHR card branch on it)", () => {
    for (const [f, a] of all()) for (const t of THERAPY_IDS) expect(REASON_KIND_STATUS[a.therapies[t].reasonKind], `${f} ${t}`).toBe(a.therapies[t].status);
  });

  it("H31 plan steps read as a clinician writes them, never with internal ids or '1 weeks'", () => {
    const p = planProtocol("lit", parsePatientRecord(readJson(join(EXAMPLES, "profile-a.json"))), { start: "2024-09-02", today: "2024-09-01" });
    const whens = p.steps.map((s) => s.when);
    expect(whens).toContain("2 weeks after the third injection");
    expect(whens).toContain("1 week after the antibody check");
    for (const w of whens) {
      expect(w).not.toMatch(/lit-injection|antibody-check|booster-preconception/);
      expect(w).not.toMatch(/\b1 weeks\b/);
    }
    const ivig = planProtocol("ivig", parsePatientRecord({ losses: [], weight: { value: 60, unit: "kg" }, currentPregnancy: { lastMenstrualPeriod: "2025-01-10" } }), { start: "2025-02-10", today: "2025-02-10" });
    expect(ivig.steps[0]!.repeat!.text).toBe("daily for 5 days");
  });
  it("H33 a stale recorded age is flagged, and the banner, list and assessment all read the age from the date of birth", () => {
    const rif = { age: 38, losses: [], ivf: { transfers: [1, 2, 3].map((i) => ({ date: `2024-0${i}-01`, embryos: 2, quality: "good", outcome: "no-implantation" })) } };
    const a = assess(rif, { dateOfBirth: "1984-01-01" }); // 41 on the assessment date
    expect(a.warnings.join(" ")).toMatch(/the record says 38, but the date of birth 1984-01-01 gives 41 on 2025-02-15; the rules use 41/);
    expect(a.diagnosis.rif.met).toBe(false);
    const o = recordOverview(rif, undefined, { today, dateOfBirth: "1984-01-01" })!;
    expect(o.label).toBe(diagnosisOverview(a.diagnosis).label);
    expect(o.needs.join(" ")).toMatch(/the record says 38/);
    // an age that is the age from the date of birth is not flagged
    expect(assess({ ...rif, age: 41 }, { dateOfBirth: "1984-01-01" }).warnings).toEqual([]);
    expect(recordOverview({ ...rif, age: 41 }, undefined, { today, dateOfBirth: "1984-01-01" })!.needs.join(" ")).not.toMatch(/record says/);
  });

  it("H34 a kept plan's due and overdue steps reach the patient list; a superseded or stopped plan's do not", () => {
    const plan = planProtocol("lit", parsePatientRecord(readJson(join(EXAMPLES, "profile-a.json"))), { start: "2025-02-10", today });
    const kept = { therapy: "lit", version: 2, createdAt: "2025-02-09T10:00:00Z", plan };
    const due = dueSteps([kept, { ...kept, version: 1, plan: { steps: [{ label: "Old step", date: today, status: "scheduled" }] } }], [], today);
    expect(due.length).toBeGreaterThan(0);
    expect(due[0]).toMatchObject({ therapy: "lit", planVersion: 2, state: "overdue", date: "2025-02-10" });
    expect(due[0]!.text).toMatch(/^LIT: .* overdue since 2025-02-10$/);
    expect(due.some((d) => d.step === "Old step")).toBe(false);
    for (const d of due) expect(d.date >= "2025-02-01" && d.date <= "2025-02-22", d.text).toBe(true);
    expect(dueSteps([kept], [{ therapy: "lit", event: "stopped", date: "2025-02-12", createdAt: "2025-02-12T09:00:00Z" }], today)).toEqual([]);
    expect(dueSteps([kept], [{ therapy: "lit", event: "stopped", date: "2025-01-12", createdAt: "2025-01-12T09:00:00Z" }], today).length).toBe(due.length);
  });

  it("H35 the record history shows plans, overrides, therapy events, follow-ups and entries in error beside the versions, in time order", () => {
    const events = patientHistoryEvents({
      patient: { version: 2, createdAt: "2025-01-01T09:00:00Z", createdBy: "drlee", updatedAt: "2025-01-05T09:00:00Z", updatedBy: "drkim" },
      versions: [{ version: 1, changedAt: "2025-01-05T09:00:00Z", changedBy: "drkim" }],
      plans: [{ id: "p1", therapy: "lit", version: 1, startDate: "2025-01-10", verdictStatus: "not-indicated", overrideReason: "research protocol, consent", createdAt: "2025-01-06T09:00:00Z", createdBy: "drlee" }],
      therapyEvents: [{ id: "e1", therapy: "lit", event: "started", date: "2025-01-10", note: null, createdAt: "2025-01-10T12:00:00Z", createdBy: "drlee" }],
      followups: [{ id: "f1", kind: "antibody-result", date: "2025-02-01", data: { kind: "antibody-result", date: "2025-02-01", test: "anti-paternal-antibody", positive: false }, createdAt: "2025-02-01T10:00:00Z", createdBy: "drkim" }],
      followupErrors: new Map([["f1", { reason: "result of another patient", at: "2025-02-02T10:00:00Z", by: "drlee" }]]),
    });
    expect(events.map((e) => `${e.kind} ${e.by}`)).toEqual(["entered-in-error drlee", "follow-up drkim", "therapy-event drlee", "plan-kept drlee", "record-changed drkim", "record-created drlee"]);
    expect(events.find((e) => e.kind === "plan-kept")).toMatchObject({ title: "Plan kept: Lymphocyte immunisation therapy (LIT), version 1, starting 2025-01-10", detail: ["verdict then: not-indicated", "override reason: research protocol, consent"] });
    expect(events[0]!.detail).toEqual(["reason: result of another patient"]);
    for (const e of events) expect(e.title).not.toMatch(/\blit\b|antibody-result|overrideReason/);
  });

  it("H51 progesterone for bleeding needs a scan-confirmed intrauterine pregnancy: no scan or an unknown location is premature with the scan named, an ectopic pregnancy is not indicated", () => {
    const bleeding = vignette("v16-pregnant-bleeding");
    const at = (location: string | undefined): Assessment["therapies"]["progesterone"] => {
      const rec = structuredClone(bleeding) as { currentPregnancy: Record<string, unknown> };
      if (location === undefined) delete rec.currentPregnancy.location;
      else rec.currentPregnancy.location = location;
      return assess(rec).therapies.progesterone;
    };
    const confirmed = at("intrauterine");
    expect(confirmed.status).toBe("recommended");
    expect(confirmed.findings.find((f) => f.id === "pregnancy-location")).toMatchObject({ value: "intrauterine", role: "supports", source: "NICE NG126" });
    for (const location of [undefined, "unknown"]) {
      const v = at(location);
      expect(v.status, String(location)).toBe("premature");
      expect(v.missing.map((m) => m.id)).toEqual(["pregnancy-location"]);
      expect(v.reasons[0]).toMatch(/scan|ultrasound/);
      expect(v.reasons.join(" ")).not.toMatch(/another (miscarriage|loss)|wait/i);
    }
    const ectopic = at("ectopic");
    expect(ectopic.status).toBe("not-indicated");
    expect(ectopic.reasons[0]).toMatch(/^Ectopic pregnancy/);
    // the location decides it: an ectopic pregnancy with bleeding not recorded (as read from an EHR) names no pending step
    const noBleeding = structuredClone(bleeding) as { currentPregnancy: Record<string, unknown> };
    noBleeding.currentPregnancy = { gestationalWeek: 6, location: "ectopic" };
    const unrecorded = assess(noBleeding).therapies.progesterone;
    expect(unrecorded.status).toBe("not-indicated");
    expect(unrecorded.missing).toEqual([]);
    expect(unrecorded.findings.map((f) => f.id)).toEqual(["losses", "pregnancy-location"]);
    // no other bleeding record anywhere reaches "recommended" without a confirmed intrauterine pregnancy
    for (const [f, a] of all()) {
      const rec = readJson(join(VIGNETTES, f)) as { currentPregnancy?: { location?: string } };
      if (a.therapies.progesterone.status === "recommended") expect(rec.currentPregnancy?.location, f).toBe("intrauterine");
    }
  });

  it("H52 the progesterone regimen is for bleeding in the first 12 weeks: later bleeding is not indicated, an undated pregnancy is premature with the gestational age named", () => {
    const at = (pregnancy: Record<string, unknown>): Assessment["therapies"]["progesterone"] => {
      const rec = structuredClone(vignette("v16-pregnant-bleeding")) as { currentPregnancy: Record<string, unknown> };
      rec.currentPregnancy = { bleeding: true, location: "intrauterine", ...pregnancy };
      return assess(rec).therapies.progesterone;
    };
    // today is 2025-02-15: an LMP of 2024-11-23 is 12 weeks exactly, 2024-11-16 is 13 weeks
    expect(at({ lastMenstrualPeriod: "2024-11-23" }).status).toBe("recommended");
    const late = at({ lastMenstrualPeriod: "2024-11-16" });
    expect(late.status).toBe("not-indicated");
    expect(late.reasonKind).toBe("timing-mismatch");
    expect(late.findings.find((f) => f.id === "gestational-age")).toMatchObject({ value: 13, role: "against" });
    expect(at({ gestationalWeek: 20 }).status).toBe("not-indicated");
    expect(at({ gestationalWeek: 12.9 }).status).toBe("recommended");
    const undated = at({});
    expect(undated.status).toBe("premature");
    expect(undated.missing.map((m) => m.id)).toEqual(["gestational-age"]);
    // nothing recorded: both the scan and the dating are named
    const bare = at({ location: undefined });
    expect(bare.missing.map((m) => m.id)).toEqual(["pregnancy-location", "gestational-age"]);
  });

  it("H53 a protocol that starts early in pregnancy is not offered past its start (IVIG, Yamada 4-6 weeks, at 7 weeks; intralipid after 12 weeks) or in an ectopic pregnancy", () => {
    const at = (pregnancy: Record<string, unknown>): Assessment["therapies"] => {
      const rec = structuredClone(vignette("v45-pregnant-four-losses-ivig")) as { currentPregnancy: Record<string, unknown> };
      rec.currentPregnancy = pregnancy;
      return assess(rec).therapies;
    };
    expect(at({ gestationalWeek: 6 }).ivig.status).toBe("protocol-eligible");
    const late = at({ gestationalWeek: 7 }).ivig;
    expect(late.status).toBe("not-indicated");
    expect(late.reasonKind).toBe("timing-mismatch");
    expect(late.findings.find((f) => f.id === "current-pregnancy")).toMatchObject({ value: 7, cutOff: "≤ 6 weeks at the start", role: "against" });
    // dated by the last menstrual period on the assessment's date (2025-02-15): 2024-12-28 is 7 weeks
    expect(at({ lastMenstrualPeriod: "2024-12-28" }).ivig.status).toBe("not-indicated");
    expect(at({ gestationalWeek: 12 }).intralipid.status).not.toBe("not-indicated");
    expect(at({ gestationalWeek: 13 }).intralipid.reasonKind).toBe("timing-mismatch");
    // an ectopic pregnancy is not the intrauterine pregnancy these protocols are given in
    const ectopic = at({ gestationalWeek: 5, location: "ectopic" });
    expect(ectopic.ivig.status).toBe("not-indicated");
    expect(ectopic.ivig.reasons[0]).toMatch(/ectopic/);
    expect(at({ gestationalWeek: 5, location: "intrauterine" }).ivig.status).toBe("protocol-eligible");
  });

  it("H54 heparin + aspirin for APS is not started in an ectopic current pregnancy: not indicated, the ectopic finding named, the indication kept for the next pregnancy", () => {
    const at = (location: string | undefined): Assessment["therapies"]["lmwh-aspirin"] => {
      const rec = structuredClone(vignette("v66-pregnant-aps")) as { currentPregnancy: Record<string, unknown> };
      if (location !== undefined) rec.currentPregnancy.location = location;
      return assess(rec).therapies["lmwh-aspirin"];
    };
    // LMWH starts at the positive test: an intrauterine or not-yet-located pregnancy keeps the APS verdict
    for (const location of [undefined, "intrauterine", "unknown"]) expect(at(location).status, String(location)).toBe("recommended");
    const ectopic = at("ectopic");
    expect(ectopic.status).toBe("not-indicated");
    expect(ectopic.reasonKind).toBe("timing-mismatch");
    expect(ectopic.findings[0]).toMatchObject({ id: "current-pregnancy", value: "ectopic", role: "against" });
    expect(ectopic.reasons[0]).toMatch(/ectopic/);
    expect(ectopic.reasons[1]).toMatch(/^For the next pregnancy, the indication stands: APS with 3 losses/);
    // the guideline marks still sit on the reason that quotes the guidelines
    for (const g of ectopic.citedGuidelines ?? []) expect(ectopic.reasons[g.reason]).toMatch(/ESHRE 2017/);
    expect(ectopic.citedGuidelines?.length).toBeGreaterThan(0);
    // a persistent aPL with two losses (protocol-eligible) is stopped the same way
    const two = structuredClone(vignette("v09-apl-persistent-two-losses")) as { currentPregnancy?: Record<string, unknown> };
    expect(assess(two).therapies["lmwh-aspirin"].status).toBe("protocol-eligible");
    two.currentPregnancy = { gestationalWeek: 6, location: "ectopic" };
    expect(assess(two).therapies["lmwh-aspirin"].status).toBe("not-indicated");
  });

  it("H56 a current pregnancy past any term on the assessment date, or followed by a dated loss, is flagged in the assessment and the patient list", () => {
    // v66 is at 6 weeks on 2025-02-15 (LMP 2025-01-04): 44 weeks after the LMP it is still a pregnancy, the day after it is not
    const rec = vignette("v66-pregnant-aps");
    const on = (d: string): Assessment => assessPatient(rec, { today: d });
    expect(on("2025-02-15").warnings.join(" ")).not.toMatch(/Current pregnancy/);
    expect(on("2025-11-08").warnings.join(" ")).not.toMatch(/Current pregnancy/); // 308 days
    const late = on("2025-11-09");
    expect(late.warnings.join(" ")).toMatch(/^Current pregnancy: its last menstrual period \(2025-01-04\) is 44\+1 weeks before 2025-11-09, longer than any pregnancy lasts \(44 weeks\); record how it ended, or correct the date/);
    expect(on("2026-12-02").warnings.join(" ")).toMatch(/is 99\+4 weeks before 2026-12-02/);
    // the patient list carries it among what needs doing
    const overview = recordOverview(rec, undefined, { today: "2026-12-02", dateOfBirth: "1990-01-01" });
    expect(overview?.needs.join(" ")).toMatch(/Current pregnancy: its last menstrual period \(2025-01-04\) is 99\+4 weeks before 2026-12-02/);
    // without a last menstrual period the positive test dates it; a recorded week alone cannot be dated
    const byTest = { ...rec, currentPregnancy: { positiveTestDate: "2025-01-20", gestationalWeek: 5 } };
    expect(assessPatient(byTest, { today: "2026-12-02" }).warnings.join(" ")).toMatch(/its positive pregnancy test \(2025-01-20\)/);
    expect(assessPatient({ ...rec, currentPregnancy: { gestationalWeek: 5 } }, { today: "2026-12-02" }).warnings.join(" ")).not.toMatch(/Current pregnancy/);
    // a loss dated after the pregnancy began: the record still holds a pregnancy that ended in it
    const losses = (rec as { losses: Record<string, unknown>[] }).losses;
    const endedInLoss = { ...rec, losses: [...losses, { gestationalWeek: 8, kind: "clinical", date: "2025-02-10" }] };
    const w = assessPatient(endedInLoss, { today: "2025-02-15" }).warnings.join(" ");
    expect(w).toMatch(/^Current pregnancy: a loss is recorded on 2025-02-10, after this pregnancy began \(last menstrual period 2025-01-04\); if the pregnancy ended then, remove the current pregnancy/);
    expect(recordOverview(endedInLoss, undefined, { today: "2025-02-15", dateOfBirth: "1990-01-01" })?.needs.join(" ")).toMatch(/a loss is recorded on 2025-02-10, after this pregnancy began/);
    // a loss before it is an earlier pregnancy's
    expect(assessPatient({ ...rec, losses: [...losses, { gestationalWeek: 8, kind: "clinical", date: "2024-12-01" }] }, { today: "2025-02-15" }).warnings.join(" ")).not.toMatch(/Current pregnancy/);
  });
  it("H57 a partner's treated infection is still an infection for LIT, and an HIV or hepatitis C result of immune is not read as negative", () => {
    const rec = vignette("v03-tnf-il10-raised") as { partner: Record<string, string> };
    const lit = (partner: Record<string, string>) => assess({ ...rec, partner: { ...rec.partner, ...partner } }).therapies.lit;
    expect(lit({}).status).toBe("protocol-eligible");
    for (const [field, check] of [["hiv", "partner-hiv"], ["hepatitisB", "partner-hbv"], ["hepatitisC", "partner-hcv"]] as const) {
      const v = lit({ [field]: "treated" });
      expect(v.status, field).toBe("contraindicated");
      expect(v.safetyChecks.find((c) => c.id === check)?.detail, field).toMatch(/recorded as treated: a treated infection is still one/);
    }
    // "immune" is hepatitis B serology: protected; for HIV and hepatitis C it is no result, and the screen is pending
    expect(lit({ hepatitisB: "immune" }).status).toBe("protocol-eligible");
    for (const field of ["hiv", "hepatitisC"]) {
      const v = lit({ [field]: "immune" });
      expect(v.status, field).toBe("premature");
      expect(v.missing.map((m) => m.id), field).toContain(field === "hiv" ? "safety-partner-hiv" : "safety-partner-hcv");
    }
  });

  it("H58 a pre-treatment safety test not done is the pending step: premature naming the test, never read as negative", () => {
    const rec = vignette("v03-tnf-il10-raised") as { safety: Record<string, unknown>; partner: Record<string, string> };
    const base = assess(rec);
    expect(base.therapies["tnf-inhibitor"].status).toBe("protocol-eligible");
    expect(base.therapies.lit.status).toBe("protocol-eligible");
    const { tb: _tb, hepatitisB: _hb, ...noScreens } = rec.safety;
    const a = assess({ ...rec, safety: noScreens, partner: { hiv: "negative", hepatitisB: "negative" } });
    const tnf = a.therapies["tnf-inhibitor"];
    expect(tnf.status).toBe("premature");
    expect(tnf.missing.map((m) => m.id).sort()).toEqual(["safety-hepatitis-b", "safety-tb"]);
    expect(tnf.headline).toMatch(/safety tests before starting: Tuberculosis screen \(IGRA or TST\), Hepatitis B screen/);
    expect(tnf.findings.some((f) => f.id === "tnfIl10Ratio" && f.role === "supports")).toBe(true);
    const lit = a.therapies.lit;
    expect(lit.status).toBe("premature");
    expect(lit.missing.map((m) => m.id)).toEqual(["safety-partner-hcv"]);
    // no plan is drawn for a premature therapy
    const planned = assessPatient({ ...rec, safety: noScreens }, { today, planStart: "2025-03-01" });
    expect(planned.therapies["tnf-inhibitor"].plan).toBeNull();
    expect(assessPatient(rec, { today, planStart: "2025-03-01" }).therapies["tnf-inhibitor"].plan).not.toBeNull();
    // a safety check that is a question of history (active infection), not a test, does not hold the verdict
    const { activeInfection: _ai, ...noInfection } = rec.safety;
    expect(assess({ ...rec, safety: noInfection }).therapies["tnf-inhibitor"].status).toBe("protocol-eligible");
  });

  it("H59 a soy allergy rules out one progesterone product, not progesterone; a reaction to progesterone is the harm", () => {
    const rec = vignette("v16-pregnant-bleeding") as { safety: Record<string, unknown> };
    const withAllergies = (allergies: string[]) => assess({ ...rec, safety: { ...rec.safety, allergies } }).therapies.progesterone;
    const soy = withAllergies(["soy"]);
    expect(soy.status).toBe("recommended");
    const check = soy.safetyChecks.find((c) => c.id === "allergy-soy");
    expect(check).toMatchObject({ status: "problem", severity: "caution" });
    expect(check?.detail).toMatch(/use a progesterone product without soya/);
    // the caution is on the clinician's line, not only in the JSON
    const line = assess({ ...rec, safety: { ...rec.safety, allergies: ["soy"] } }).clinicianSummary.find((l) => l.startsWith("Progesterone:"));
    expect(line).toMatch(/^Progesterone: recommended — .* Caution: soy allergy: micronised progesterone capsules \(Utrogestan\) contain soya lecithin: use a progesterone product without soya \(soy\)\.$/);
    const reaction = withAllergies(["progesterone"]);
    expect(reaction.status).toBe("contraindicated");
    expect(reaction.reasons[0]).toMatch(/^Safety: progesterone hypersensitivity: a previous reaction to progesterone/);
  });
  it("H61 an anti-β2GPI value without the laboratory's 99th percentile is not read as negative: the work-up names the percentile", () => {
    const rec = readJson(join(EXAMPLES, "profile-a.json")) as { workup: { antiphospholipid: Record<string, unknown>[] } };
    const [panel] = rec.workup.antiphospholipid;
    const withP99 = assess(rec);
    expect(withP99.diagnosis.workup.find((w) => w.id === "antiphospholipid")).toMatchObject({ status: "normal", detail: "negative" });
    const noP99 = { ...rec, workup: { ...rec.workup, antiphospholipid: [{ ...panel, b2gpiIgG: { value: 90, unit: "U/mL" } }] } };
    const a = assess(noP99);
    const item = a.diagnosis.workup.find((w) => w.id === "antiphospholipid");
    expect(item?.status).toBe("incomplete");
    expect(item?.detail).toMatch(/^cannot be read without the laboratory's 99th percentile: anti-β2-glycoprotein I IgG 90 U\/mL on 2024-04-02/);
    expect(a.therapies.lit.status).toBe("premature");
    expect(a.therapies.lit.missing.map((m) => m.id)).toContain("antiphospholipid");
  });
  it("H62 recurrent implantation failure is never assumed when the age is not recorded: the protocols that admit it are premature, naming the age", () => {
    const rec = vignette("v22-recurrent-implantation-failure");
    const withAge = assess(rec);
    expect(withAge.diagnosis.rif.met).toBe(true);
    expect(withAge.therapies.lit.status).toBe("protocol-eligible");
    const { age: _age, ...noAge } = rec;
    const a = assess(noAge);
    expect(a.diagnosis.rif).toMatchObject({ met: false, agePending: true });
    for (const t of ["lit", "intralipid"] as const) {
      expect(a.therapies[t].status, t).toBe("premature");
      expect(a.therapies[t].missing.map((m) => m.id), t).toEqual(["age"]);
      expect(a.therapies[t].headline, t).toMatch(/age not recorded: recurrent implantation failure is defined for women under 40/);
    }
    // 40 or older: not implantation failure by this rule, and nothing is pending
    expect(assess({ ...rec, age: 41 }).therapies.lit.status).toBe("not-indicated");
  });
  it("H63 a pregnancy dated only by its positive test is at least 3 weeks at the test: protocols past their start are not offered on it", () => {
    const rec = vignette("v16-pregnant-bleeding") as { currentPregnancy: Record<string, unknown> };
    const byTest = (positiveTestDate: string) => assess({ ...rec, currentPregnancy: { positiveTestDate, bleeding: true, location: "intrauterine" } });
    // positive 15 weeks before: at least 18 weeks, past PRISM's 12 and intralipid's 12
    const late = byTest("2024-11-02");
    expect(late.therapies.progesterone.status).toBe("not-indicated");
    expect(late.therapies.progesterone.reasons[0]).toMatch(/^Bleeding at 18 weeks or later \(the pregnancy test was positive on 2024-11-02\)/);
    expect(late.therapies.intralipid.status).toBe("not-indicated");
    expect(late.therapies.intralipid.reasons[0]).toMatch(/so the patient is at least 18 weeks, past its start/);
    // positive a week ago: at least 4 weeks, and the exact age is still the step pending for progesterone
    const early = byTest("2025-02-08");
    expect(early.therapies.progesterone.status).toBe("premature");
    expect(early.therapies.progesterone.missing.map((m) => m.id)).toEqual(["gestational-age"]);
  });
  it("H64 a loss entered twice, or two pregnancies that overlap, is flagged in the assessment and the patient list", () => {
    const rec = vignette("v05-peripheral-nk-raised") as { losses: { date?: string; gestationalWeek: number }[] };
    expect(assess(rec).warnings.join(" ")).not.toMatch(/Pregnancy history/);
    const [first] = rec.losses;
    const twice = { ...rec, losses: [...rec.losses, { ...first }] };
    expect(assess(twice).warnings.join(" ")).toMatch(new RegExp(`Pregnancy history: two losses are both recorded on ${first!.date}; if one pregnancy was entered twice, remove the copy`));
    expect(recordOverview(twice, undefined, { today, dateOfBirth: "1990-01-01" })?.needs.join(" ")).toMatch(/two losses are both recorded on/);
    // an 8-week loss 20 days after another: it began 36 days before the other ended
    const close = { ...rec, losses: [{ date: "2024-05-01", gestationalWeek: 7, kind: "clinical" }, { date: "2024-05-21", gestationalWeek: 8, kind: "clinical" }, ...rec.losses.slice(1)] };
    expect(assess(close).warnings.join(" ")).toMatch(/Pregnancy history: a loss on 2024-05-21 at 8 weeks began about 36 days before a loss on 2024-05-01 ended/);
    // eight weeks apart is possible (the next pregnancy began 2 days after), and within the two weeks' dating slack
    const apart = { ...rec, losses: [{ date: "2024-05-01", gestationalWeek: 7, kind: "clinical" }, { date: "2024-06-24", gestationalWeek: 8, kind: "clinical" }, ...rec.losses.slice(1)] };
    expect(assess(apart).warnings.join(" ")).not.toMatch(/Pregnancy history/);
  });
  it("H65 a suppressed TSH is thyroid dysfunction to clarify, never normal", () => {
    const rec = vignette("v05-peripheral-nk-raised") as { workup: { thyroid: { tsh: { value: number; unit: string } } } };
    const at = (value: number) => assess({ ...rec, workup: { ...rec.workup, thyroid: { ...rec.workup.thyroid, tsh: { value, unit: "mU/L" } } } });
    expect(at(1.6).diagnosis.workup.find((w) => w.id === "thyroid")?.status).toBe("normal");
    expect(at(0.1).diagnosis.workup.find((w) => w.id === "thyroid")?.status).toBe("normal");
    const low = at(0.01);
    const item = low.diagnosis.workup.find((w) => w.id === "thyroid");
    expect(item?.status).toBe("abnormal");
    expect(item?.detail).toMatch(/^TSH 0\.01 mU\/L \(suppressed: below 0\.1 mU\/L, under every laboratory's range; Decidua rule\).*repeat TSH with free T4\/T3/);
    expect(low.diagnosis.causes.map((c) => c.id)).toContain("thyroid-dysfunction");
    expect(low.therapies.lit.status).toBe("premature");
    expect(low.therapies.lit.missing.map((m) => m.id)).toContain("thyroid-follow-up");
    // a recorded free T4 is shown (in pmol/L, against the laboratory's range) and not asked for again
    const withT4 = assess({ ...rec, workup: { ...rec.workup, thyroid: { ...rec.workup.thyroid, tsh: { value: 0.01, unit: "mU/L" }, freeT4: { value: 2.1, unit: "ng/dL" } } } });
    const t4 = withT4.diagnosis.workup.find((w) => w.id === "thyroid")?.detail ?? "";
    expect(t4).toMatch(/free T4 27\.03 pmol\/L \(read against the laboratory's reference range\)/);
    expect(t4).toMatch(/clarify the thyroid dysfunction with the recorded free T4/);
    expect(t4).not.toMatch(/repeat TSH with free T4/);
    expect(withT4.therapies.lit.status).toBe("premature");
    // with free T4 and TPO antibodies on file, the step is the treatment (or, on levothyroxine, its dose), not the tests again
    const tested = { ...rec.workup.thyroid, tsh: { value: 3.2, unit: "mU/L" }, freeT4: { value: 14, unit: "pmol/L" }, tpoAb: { value: 8, unit: "kU/L" } };
    const done = assess({ ...rec, workup: { ...rec.workup, thyroid: tested } }).therapies.lit;
    expect(done.missing.find((m) => m.id === "thyroid-follow-up")?.label).toBe("Thyroid dysfunction to treat or review (free T4 and TPO antibodies on file)");
    const treated = assess({ ...rec, medications: [{ name: "Levothyroxine 150 micrograms" }], workup: { ...rec.workup, thyroid: { ...tested, tsh: { value: 0.05, unit: "mU/L" } } } }).therapies.lit;
    expect(treated.missing.find((m) => m.id === "thyroid-follow-up")?.label).toMatch(/^Thyroid review: the levothyroxine dose/);
  });
  it("H66 a recorded gestational week ahead of the last menstrual period is flagged, and every rule reads the period's week", () => {
    const rec = vignette("v16-pregnant-bleeding") as { currentPregnancy: Record<string, unknown> };
    // LMP 2025-01-01 is 6 weeks on 2025-02-15; a recorded week of 20 cannot be
    const a = assess({ ...rec, currentPregnancy: { ...rec.currentPregnancy, gestationalWeek: 20 } });
    expect(a.warnings.join(" ")).toMatch(/Current pregnancy: the recorded gestational week \(20\) and the last menstrual period \(2025-01-01: 6 weeks on 2025-02-15\) disagree/);
    expect(a.therapies.lit.reasons[0]).toMatch(/already pregnant \(6 weeks\)/);
    expect(a.therapies.progesterone.status).toBe("recommended");
    // a week recorded earlier falls behind the period's count: no conflict
    expect(assess({ ...rec, currentPregnancy: { ...rec.currentPregnancy, gestationalWeek: 5 } }).warnings.join(" ")).not.toMatch(/disagree/);
  });
  it("H68 a guideline position is cited only for the population it covers: obstetric APS, laboratory APS with three losses, and refractory APS", () => {
    // obstetric APS by a fetal death at 30 weeks, no loss before 24 weeks: never ESHRE's three-loss position
    const late = assess(vignette("v78-aps-fetal-death-30-weeks-only")).therapies["lmwh-aspirin"];
    expect(late.status).toBe("protocol-eligible");
    expect(late.headline).toMatch(/obstetric APS \(fetal death at 30 weeks/);
    expect(late.headline).not.toMatch(/APS with 0 losses/);
    expect(late.citedGuidelines?.map((g) => g.body)).toEqual(["ACR"]);
    // laboratory APS with three losses: ESHRE's population; an explanation for the immunotherapy ladder
    const lab = vignette("v79-laboratory-aps-three-losses-one-at-11-weeks") as { losses: { treatedWith?: string[] }[] };
    const a = assess(lab);
    expect(a.therapies["lmwh-aspirin"].status).toBe("recommended");
    expect(a.therapies["lmwh-aspirin"].headline).toMatch(/laboratory APS with 3 losses: guideline-supported \(ESHRE 2017\)$/);
    expect(a.therapies.lit.reasonKind).toBe("explained-by-other-cause");
    expect(a.therapies.hydroxychloroquine.status).toBe("not-indicated");
    // a loss on heparin + aspirin: ACR's refractory position is for obstetric APS, so HCQ is protocol-eligible, not recommended
    const refractory = { ...lab, losses: lab.losses.map((l, i) => (i === lab.losses.length - 1 ? { ...l, treatedWith: ["lmwh-aspirin"] } : l)) };
    const hcq = assess(refractory).therapies.hydroxychloroquine;
    expect(hcq.status).toBe("protocol-eligible");
    expect(hcq.reasons[0]).toMatch(/short of obstetric APS .*does not speak for her/);
  });
  it("H69 a plan whose required step's window has passed is not 'scheduled'", () => {
    // LMP 2024-12-01: the IVIG window (weeks 4-6) ended 2025-01-18, before the plan start
    const late = planProtocol("ivig", parsePatientRecord({ losses: [], weight: { value: 60, unit: "kg" }, currentPregnancy: { lastMenstrualPeriod: "2024-12-01" } }), { start: "2025-02-10", today: "2025-02-10" });
    expect(late.steps[0]).toMatchObject({ status: "on-hold", date: null });
    expect(late.status).toBe("reconsider");
    expect(late.statusNote).toMatch(/has passed at the plan start 2025-02-10.*IVIG infusion cannot be given in this pregnancy/);
    expect(late.statusNote).not.toMatch(/dated once the pregnancy is recorded/);
    // within the window the plan is scheduled and dated from the recorded pregnancy
    const inTime = planProtocol("ivig", parsePatientRecord({ losses: [], weight: { value: 60, unit: "kg" }, currentPregnancy: { lastMenstrualPeriod: "2025-01-10" } }), { start: "2025-02-10", today: "2025-02-10" });
    expect(inTime.status).toBe("scheduled");
    expect(inTime.statusNote).toBe("Dated from the start and from the recorded pregnancy.");
    // an optional step's passed window (LIT's pregnancy booster) leaves the plan scheduled
    const lit = planProtocol("lit", parsePatientRecord({ losses: [], currentPregnancy: { lastMenstrualPeriod: "2024-12-01" } }), { start: "2025-02-10", today: "2025-02-10" });
    expect(lit.steps.find((s) => s.id === "booster-pregnancy")).toMatchObject({ status: "on-hold", optional: true });
    expect(lit.status).not.toBe("reconsider");
  });
  it("H70 hydroxychloroquine waits for the G6PD test and the eye examination its protocol excludes on", () => {
    const rec = vignette("v08-aps-refractory") as { safety: Record<string, unknown> };
    const { g6pdDeficiency: _g, retinopathy: _r, ...rest } = rec.safety;
    const aps = assess({ ...rec, safety: rest }).therapies.hydroxychloroquine;
    expect(aps.status).toBe("premature");
    expect(aps.missing.map((m) => m.label)).toEqual(["Baseline eye examination (retinopathy)", "G6PD activity test"]);
    expect(aps.headline).toMatch(/safety tests before starting: Baseline eye examination \(retinopathy\), G6PD activity test; for obstetric APS with 1 loss\(es\) despite LMWH \+ aspirin/);
    expect(assess(rec).therapies.hydroxychloroquine.status).toBe("recommended");
    // outside APS, the ladder names them too
    const u = vignette("v05-peripheral-nk-raised") as { safety: Record<string, unknown> };
    const { g6pdDeficiency: _g2, ...noG6pd } = u.safety;
    const hcq = assess({ ...u, safety: noG6pd }).therapies.hydroxychloroquine;
    expect(assess(u).therapies.hydroxychloroquine.status).toBe("protocol-eligible");
    expect(hcq.status).toBe("premature");
    expect(hcq.missing.map((m) => m.label)).toContain("G6PD activity test");
  });
  it("H71 a previous reaction to blood products rules LIT out, as it rules IVIG out", () => {
    const rec = vignette("v05-peripheral-nk-raised") as { safety: Record<string, unknown> };
    expect(assess(rec).therapies.lit.status).toBe("protocol-eligible");
    const a = assess({ ...rec, safety: { ...rec.safety, allergies: ["blood-products"] } });
    expect(a.therapies.lit.status).toBe("contraindicated");
    expect(a.therapies.lit.headline).toMatch(/reactions to blood products: previous reaction to blood products: LIT injects the partner's blood cells/);
    expect(a.therapies.ivig.safetyChecks.find((c) => c.id === "allergy-blood-products")?.status).toBe("problem");
  });
  it("H72 a current pregnancy recorded beyond 42 weeks, with no date to count from, is flagged", () => {
    const rec = vignette("v05-peripheral-nk-raised") as Record<string, unknown>;
    const at = (w: number) => assess({ ...rec, currentPregnancy: { gestationalWeek: w, location: "intrauterine" } }).warnings.join(" ");
    expect(at(44)).toMatch(/Current pregnancy: recorded at 44 weeks, beyond 42 weeks \(post-term, when labour is induced: ACOG Practice Bulletin 146\); record how it ended, or correct the week/);
    expect(at(42)).not.toMatch(/beyond 42 weeks/);
  });
  it("H73 a loss no pregnancy can have is refused: before 3 weeks, or biochemical with a heartbeat seen", () => {
    const rec = vignette("v05-peripheral-nk-raised") as { losses: Record<string, unknown>[] };
    const withLoss = (l: Record<string, unknown>) => ({ ...rec, losses: [...rec.losses.slice(0, 2), { ...rec.losses[2], ...l }] });
    expect(inputError(() => parsePatientRecord(withLoss({ gestationalWeek: 0 }))).message).toMatch(/losses\[2\]\.gestationalWeek.*a pregnancy loss at 0 weeks is not possible/);
    expect(inputError(() => parsePatientRecord(withLoss({ kind: "biochemical", fetalHeartActivitySeen: true }))).message).toMatch(/losses\[2\]\.fetalHeartActivitySeen.*a biochemical loss is one never seen on ultrasound/);
    expect(parsePatientRecord(withLoss({ kind: "biochemical", gestationalWeek: 4 })).losses).toHaveLength(3);
    expect(inputError(() => parsePatientRecord(withLoss({ gestationalWeek: 3, fetalHeartActivitySeen: true }))).message).toMatch(/fetal heart activity cannot be seen at 3 weeks/);
  });
  it("H74 the patient's text names ectopic and molar pregnancies instead of saying she has had no loss", () => {
    const rec = vignette("v05-peripheral-nk-raised") as { losses: Record<string, unknown>[] };
    const ectopics = { ...rec, losses: rec.losses.map((l) => ({ ...l, kind: "ectopic", mechanism: "ectopic" })) };
    const text = assess(ectopics).patientSummary.join(" ");
    expect(text).toMatch(/Your record shows no miscarriage so far\. It also shows 3 ectopic pregnancies: these are looked after differently and are not counted as miscarriages here\./);
    expect(text).not.toMatch(/no pregnancy loss/);
    // no antibodies against the partner's cells is told as what it is, not as a result "outside the usual range"
    const apa = assess({ ...rec, immune: { antiPaternalAntibodies: { result: "negative" } } }).patientSummary.join(" ");
    expect(apa).toMatch(/antibodies against your partner's cells: not found \(LIT clinics look for their absence\)/);
    expect(apa).not.toMatch(/outside the usual range/);
  });
  it("H75 a previous thrombosis with persistent antiphospholipid antibodies is thrombotic APS, never 'not indicated' for heparin", () => {
    const rec = vignette("v07-aps-three-losses") as { losses: unknown[]; safety: Record<string, unknown>; workup: Record<string, unknown> };
    const oneLoss = { ...rec, losses: rec.losses.slice(0, 1) };
    // without the thrombosis: one loss with persistent antibodies is not obstetric APS
    expect(assess(oneLoss).therapies["lmwh-aspirin"].status).toBe("not-indicated");
    const clot = assess({ ...oneLoss, safety: { ...rec.safety, thrombosisHistory: true } });
    expect(clot.diagnosis.aps.thrombotic).toBe(true);
    const h = clot.therapies["lmwh-aspirin"];
    expect(h.status).toBe("premature");
    expect(h.headline).toMatch(/thrombotic APS \(previous thrombosis, persistent antiphospholipid antibodies\): anticoagulation in pregnancy is needed for the thrombosis itself/);
    expect(h.missing.map((m) => m.id)).toContain("thrombotic-aps-anticoagulation");
    expect(h.findings.map((f) => f.id)).toContain("thrombotic-aps");
    expect(clot.patientSummary.join(" ")).not.toMatch(/heparin[^.]*not a treatment for your situation/i);
    // with three losses: recommended as before, and the thrombosis named beside the obstetric regimen
    const three = assess({ ...rec, safety: { ...rec.safety, thrombosisHistory: true } }).therapies["lmwh-aspirin"];
    expect(three.status).toBe("recommended");
    expect(three.headline).toMatch(/; thrombotic APS too: .*set with haematology/);
    expect(three.safetyChecks.find((c) => c.id === "thrombosis")).toMatchObject({ status: "problem", severity: "caution" });
    // a previous thrombosis without antibodies (hereditary thrombophilia) is named as a caution on the heparin verdict
    const noApl = assess({ ...rec, workup: { ...rec.workup, antiphospholipid: [] }, safety: { ...rec.safety, thrombosisHistory: true } });
    expect(noApl.diagnosis.aps.thrombotic).toBe(false);
    expect(noApl.clinicianSummary.join(" ")).toMatch(/Caution: previous thrombosis: anticoagulation in pregnancy \(agent and dose\) to be planned with haematology/);
    // the plan says it beside the prophylactic dose; an oral anticoagulant already taken is a caution on the line
    const pregnant = { ...rec, currentPregnancy: { lastMenstrualPeriod: "2025-01-04", location: "intrauterine" }, medications: [{ name: "Warfarin 5 mg" }], safety: { ...rec.safety, thrombosisHistory: true } };
    const withPlan = assessPatient(pregnant, { today, planStart: "2025-02-16" });
    const lmwh = withPlan.therapies["lmwh-aspirin"];
    expect(lmwh.plan?.steps.find((st) => st.id === "lmwh-start")?.note).toMatch(/a previous thrombosis is recorded: the anticoagulant and its dose in pregnancy are set with haematology/);
    expect(lmwh.plan?.notes.join(" ")).toMatch(/Warfarin 5 mg is recorded: not given with this regimen unless the specialist decides/);
    expect(withPlan.clinicianSummary.join(" ")).toMatch(/oral anticoagulant: Warfarin 5 mg recorded: heparin and aspirin on top of it raise the bleeding risk; in pregnancy a vitamin K antagonist is replaced by heparin/);
  });
  it("H78 a uterine NK biopsy outside the mid-luteal window is not read against the cut-off; the repeat biopsy is the pending step", () => {
    const rec = vignette("v60-unk-specimen-recorded") as { immune: { uterineNk: Record<string, unknown> } };
    expect(assess(rec).therapies.prednisolone.status).toBe("protocol-eligible");
    const early = assess({ ...rec, immune: { ...rec.immune, uterineNk: { ...rec.immune.uterineNk, cycleDay: 4 } } });
    const unk = early.immune.find((f) => f.marker === "uterineNk");
    expect(unk?.status).toBe("missing");
    expect(unk?.reading).toMatch(/biopsy on cycle day 4, outside the mid-luteal window \(LH\+7–9, about day 21; Quenby 2005/);
    const p = early.therapies.prednisolone;
    expect(p.status).toBe("premature");
    expect(p.missing.find((m) => m.id === "uterineNk")?.detail).toMatch(/repeat the biopsy in the window/);
    // within the window (days 19-25) the value is read as before
    expect(assess({ ...rec, immune: { ...rec.immune, uterineNk: { ...rec.immune.uterineNk, cycleDay: 23 } } }).therapies.prednisolone.status).toBe("protocol-eligible");
  });
  it("H79 an allergy to one of heparin and aspirin contraindicates the pair but keeps the APS indication and names the other drug", () => {
    const rec = vignette("v07-aps-three-losses") as { safety: Record<string, unknown> };
    const v = assess({ ...rec, safety: { ...rec.safety, allergies: ["aspirin"] } }).therapies["lmwh-aspirin"];
    expect(v.status).toBe("contraindicated");
    expect(v.findings.map((f) => f.id)).toContain("antiphospholipid");
    expect(v.reasons.join(" ")).toMatch(/The indication is not what rules this out: Antiphospholipid antibodies: .*The allergy rules out aspirin, not heparin \(LMWH\): heparin \(LMWH\) on its own is a decision for the specialist/);
    const h = assess({ ...rec, safety: { ...rec.safety, allergies: ["heparin"] } }).therapies["lmwh-aspirin"];
    expect(h.reasons.join(" ")).toMatch(/rules out heparin, not low-dose aspirin/);
    // on the clinician's line too
    expect(v.headline).toMatch(/; the antiphospholipid indication stands: heparin \(LMWH\) on its own is for the specialist$/);
    // one sentence: the allergy's full stop gives way to the clause
    expect(h.headline).toMatch(/\(heparin\); the antiphospholipid indication stands/);
    expect(h.headline).not.toMatch(/\.;/);
    // a cause named inside a sentence keeps its capitals (a name: Sydney); laboratory APS, the losses not consecutive
    const losses = [{ date: "2019-03-15", gestationalWeek: 6, kind: "clinical" }, { date: "2021-10-15", gestationalWeek: 7, kind: "clinical" }, { date: "2022-03-15", gestationalWeek: 8, kind: "clinical" }];
    const apart = assess({ ...rec, losses, liveBirths: [{ date: "2020-06-01", gestationalWeek: 39 }] }).therapies.lit;
    expect(apart.reasons.join(" ")).toMatch(/does not treat: persistent antiphospholipid antibodies with three or more losses \(Sydney laboratory criteria\)/);
  });
  it("H80 a loss during an earlier course of the same immunotherapy is named against it; heparin names severe renal impairment", () => {
    const rec = vignette("v05-peripheral-nk-raised") as { losses: Record<string, unknown>[]; safety: Record<string, unknown> };
    const after = { ...rec, losses: rec.losses.map((l, i) => (i >= 1 ? { ...l, treatedWith: ["lit"] } : l)) };
    const lit = assess(after).therapies.lit;
    expect(lit.status).toBe("protocol-eligible");
    expect(lit.findings.find((f) => f.id === "earlier-course")).toMatchObject({ role: "against", value: 2 });
    expect(lit.reasons.join(" ")).toMatch(/2 loss\(es\) during an earlier course of Lymphocyte immunisation therapy \(LIT\): the protocol did not prevent them/);
    expect(lit.headline).toMatch(/2 loss\(es\) during an earlier course of it\./);
    expect(assess(rec).therapies.lit.findings.map((f) => f.id)).not.toContain("earlier-course");
    const aps = vignette("v07-aps-three-losses") as { safety: Record<string, unknown> };
    const h = assess({ ...aps, safety: { ...aps.safety, egfr: { value: 22, unit: "mL/min/1.73m2" } } });
    expect(h.therapies["lmwh-aspirin"].status).toBe("recommended");
    expect(h.clinicianSummary.join(" ")).toMatch(/Caution: kidney function \(eGFR\): eGFR 22 below 30 mL\/min\/1\.73m²: LMWH accumulates in severe renal impairment/);
  });
  it("H81 a live birth without a date does not decide primary or secondary RPL for a rule that turns on it", () => {
    const rec = vignette("v05-peripheral-nk-raised") as { losses: Record<string, unknown>[] };
    const four = { ...rec, losses: [...rec.losses, { ...rec.losses[0], date: "2024-11-02" }] };
    const undated = assess({ ...four, liveBirths: [{ gestationalWeek: 38 }] }).therapies["g-csf"];
    expect(undated.status).toBe("premature");
    expect(undated.missing.map((m) => m.id)).toContain("rpl-type-dates");
    expect(undated.headline).toMatch(/primary or secondary RPL cannot be told: date the live birth\(s\) and losses/);
    // dated before the losses: secondary, which the trial criteria exclude
    const dated = assess({ ...four, liveBirths: [{ date: "2015-05-01", gestationalWeek: 38 }] }).therapies["g-csf"];
    expect(dated.status).toBe("not-indicated");
    expect(dated.reasons[0]).toMatch(/this is secondary RPL/);
  });
  it("H83 each antiphospholipid antibody is confirmed on its own, by a repeat at least 12 weeks later", () => {
    const rec = vignette("v07-aps-three-losses") as { workup: Record<string, unknown> };
    const panels = (a: Record<string, unknown>, b: Record<string, unknown>, bDate: string) => ({
      ...rec,
      workup: { ...rec.workup, antiphospholipid: [{ date: "2024-01-10", lupusAnticoagulant: "negative", ...a }, { date: bDate, lupusAnticoagulant: "negative", ...b }] },
    });
    const low = { value: 4, unit: "MPL" };
    // aCL IgG positive, negative 14 weeks later (transient); aCL IgM positive on that second panel: its repeat is pending
    const mixed = assess(panels({ aclIgG: { value: 62, unit: "GPL" }, aclIgM: low }, { aclIgG: { value: 9, unit: "GPL" }, aclIgM: { value: 88, unit: "MPL" } }, "2024-04-20"));
    expect([mixed.diagnosis.aps.laboratory, mixed.diagnosis.aps.pendingAntibodies, mixed.diagnosis.aps.transientAntibodies, mixed.diagnosis.aps.repeatDueFrom]).toEqual(["single-positive", ["aclIgM"], ["aclIgG"], "2024-07-13"]);
    const lmwh = mixed.therapies["lmwh-aspirin"];
    expect(lmwh.status).toBe("premature");
    expect(lmwh.reasons[0]).toMatch(/confirmation 12 weeks later \(on or after 2024-07-13\)/);
    const item = mixed.diagnosis.workup.find((w) => w.id === "antiphospholipid")!;
    expect(item.status).toBe("incomplete");
    expect(item.detail).toMatch(/anticardiolipin IgM 88 MPL .* on 2024-04-20, once\); confirmatory repeat needed on or after 2024-07-13/);
    expect(item.detail).toMatch(/anticardiolipin IgG positive once and negative 12 weeks later, which does not settle the others/);
    // a negative result 3 weeks after a positive is not its confirmatory test
    const early = assess(panels({ aclIgG: { value: 85, unit: "GPL" }, aclIgM: low }, { aclIgG: { value: 12, unit: "GPL" }, aclIgM: low }, "2024-01-31"));
    expect([early.diagnosis.aps.laboratory, early.diagnosis.aps.repeatDueFrom, early.therapies["lmwh-aspirin"].status]).toEqual(["single-positive", "2024-04-03", "premature"]);
    // the same negative 12 weeks or more later: transient, and the work-up reads it so
    const late = assess(panels({ aclIgG: { value: 85, unit: "GPL" }, aclIgM: low }, { aclIgG: { value: 12, unit: "GPL" }, aclIgM: low }, "2024-04-03"));
    expect([late.diagnosis.aps.laboratory, late.therapies["lmwh-aspirin"].status]).toEqual(["transient", "not-indicated"]);
    expect(late.diagnosis.workup.find((w) => w.id === "antiphospholipid")!.detail).toBe("a positive result was not confirmed 12 weeks later (transient)");
    // positive, negative, positive: persistent, with the negative result between them shown
    const rec3 = { ...rec, workup: { ...rec.workup, antiphospholipid: [
      { date: "2024-01-10", lupusAnticoagulant: "negative", aclIgG: { value: 85, unit: "GPL" }, aclIgM: low },
      { date: "2024-04-15", lupusAnticoagulant: "negative", aclIgG: { value: 12, unit: "GPL" }, aclIgM: low },
      { date: "2024-08-15", lupusAnticoagulant: "negative", aclIgG: { value: 70, unit: "GPL" }, aclIgM: low },
    ] } };
    const fluctuating = assess(rec3);
    expect(fluctuating.diagnosis.aps.laboratory).toBe("persistent");
    expect(fluctuating.diagnosis.workup.find((w) => w.id === "antiphospholipid")!.detail).toMatch(/70 GPL on 2024-08-15, 31\.1 weeks apart, negative between them \(12 GPL on 2024-04-15\)$/);
  });
  it("H84 methotrexate, and an oral anticoagulant in a pregnancy, are warned of whatever the verdicts", () => {
    const rec = vignette("v07-aps-three-losses") as Record<string, unknown>;
    const pregnancy = { lastMenstrualPeriod: "2024-12-21", location: "intrauterine" };
    // methotrexate before a conception is planned, and in a pregnancy
    const mtx = assess({ ...rec, medications: [{ name: "Methotrexate", dose: "15 mg weekly" }] });
    expect(mtx.warnings.join(" ")).toMatch(/Methotrexate 15 mg weekly recorded: methotrexate is teratogenic .* stopped at least 3 months before she tries to conceive/);
    const mtxPregnant = assess({ ...rec, medications: [{ name: "methotrexate" }], currentPregnancy: pregnancy });
    expect(mtxPregnant.warnings.join(" ")).toMatch(/in this pregnancy it is stopped now/);
    // warfarin in a pregnancy, with a heparin verdict of "not indicated" (no APS): the warning, and the caution on the heparin line
    const noAps = { ...rec, workup: { ...(rec.workup as Record<string, unknown>), antiphospholipid: [{ date: "2024-01-10", lupusAnticoagulant: "negative", aclIgG: { value: 5, unit: "GPL" }, aclIgM: { value: 4, unit: "MPL" } }] } };
    const warfarin = assess({ ...noAps, medications: [{ name: "Warfarin", dose: "5 mg daily" }], currentPregnancy: pregnancy });
    expect(warfarin.therapies["lmwh-aspirin"].status).toBe("not-indicated");
    expect(warfarin.warnings.join(" ")).toMatch(/Warfarin 5 mg daily recorded in a current pregnancy: an oral anticoagulant is replaced by heparin now/);
    expect(warfarin.clinicianSummary.find((l) => l.startsWith("Heparin"))).toMatch(/Caution: oral anticoagulant: Warfarin recorded: .*replaced by heparin/);
    // not pregnant, no methotrexate: no such warning
    expect(assess({ ...noAps, medications: [{ name: "Warfarin" }] }).warnings.join(" ")).not.toMatch(/replaced by heparin now|methotrexate/);
  });
  it("H88 mycophenolate and leflunomide are warned of whatever the verdicts, before a conception and in a pregnancy", () => {
    const rec = vignette("v01-th1th2-three-losses");
    const mmf = assess({ ...rec, medications: [{ name: "Mycophenolate mofetil", dose: "1 g twice daily" }] });
    expect(mmf.warnings.join(" ")).toMatch(/Mycophenolate mofetil 1 g twice daily recorded: mycophenolate causes first-trimester losses and malformations .* at least 6 weeks before she tries to conceive/);
    const pregnant = assess({ ...rec, medications: [{ name: "CellCept" }], currentPregnancy: { lastMenstrualPeriod: "2025-01-10", location: "intrauterine" } });
    expect(pregnant.warnings.join(" ")).toMatch(/CellCept recorded: .*in this pregnancy its prescriber is told now, to replace it/);
    expect(assess({ ...rec, medications: [{ name: "Arava", dose: "20 mg daily" }] }).warnings.join(" ")).toMatch(/Arava 20 mg daily recorded: leflunomide is teratogenic .*wash-out/);
    expect(assess({ ...rec, medications: [{ name: "Levothyroxine" }] }).warnings).toEqual([]);
  });
  it("H89 a therapy she already takes is named on its line, and no verdict tells her to stop it", () => {
    // a kidney transplant on tacrolimus, with an eGFR that makes a course of tacrolimus for the losses harmful
    const rec = vignette("v24-low-egfr-th1th2") as { medications?: unknown };
    const onIt = assess({ ...rec, medications: [{ name: "Tacrolimus", dose: "3 mg twice daily", since: "2018-01-01" }] });
    const v = onIt.therapies.tacrolimus;
    expect(v.status).toBe("contraindicated");
    expect(v.safetyChecks.find((c) => c.id === "already-taken")?.detail).toMatch(/^Tacrolimus 3 mg twice daily since 2018-01-01 on the medication list: .*no reason to stop it \(its prescriber decides\)/);
    expect(onIt.clinicianSummary.find((l) => l.startsWith("Tacrolimus"))).toMatch(/Caution: already taken: Tacrolimus 3 mg/);
    const text = onIt.patientSummary.join(" ");
    expect(text).not.toMatch(/Tacrolimus[^.]*it should not be used/i);
    expect(text).toMatch(/it should not be started as a treatment for the losses/);
    expect(text).toMatch(/you already take tacrolimus .*Keep taking it as prescribed/);
    // hydroxychloroquine for lupus, a glucocorticoid and a TNF-α inhibitor are each named on their own line
    const others = assess({ ...rec, medications: [{ name: "Plaquenil", dose: "200 mg twice daily" }, { name: "Prednisolone", dose: "5 mg daily" }, { name: "Humira" }] });
    expect((["hydroxychloroquine", "prednisolone", "tnf-inhibitor"] as const).map((t) => others.therapies[t].safetyChecks.some((c) => c.id === "already-taken"))).toEqual([true, true, true]);
    expect(others.therapies.lit.safetyChecks.some((c) => c.id === "already-taken")).toBe(false);
    expect(assess({ ...rec, medications: [{ name: "Enoxaparin", dose: "40 mg daily" }] }).therapies["lmwh-aspirin"].safetyChecks.some((c) => c.id === "already-taken")).toBe(true);
    // without it on the list, the contraindicated line keeps its plain wording
    expect(assess(rec).patientSummary.join(" ")).toMatch(/Tacrolimus[^.]*kidney function \(eGFR\); it should not be used/);
  });
  it("H90 active tuberculosis contraindicates tacrolimus; hepatitis B is named before steroids and tacrolimus; a peanut allergy before progesterone", () => {
    const rec = vignette("v01-th1th2-three-losses") as { safety: Record<string, unknown> };
    expect(assess(rec).therapies.tacrolimus.status).toBe("protocol-eligible");
    const tb = assess({ ...rec, safety: { ...rec.safety, tb: "active" } }).therapies.tacrolimus;
    expect(tb.status).toBe("contraindicated");
    expect(tb.safetyChecks.find((c) => c.id === "tb")?.detail).toMatch(/active tuberculosis: an immunosuppressant worsens it; treat TB first/);
    const hbv = assess({ ...rec, safety: { ...rec.safety, hepatitisB: "positive" } });
    for (const t of ["tacrolimus", "prednisolone"] as const) {
      const c = hbv.therapies[t].safetyChecks.find((x) => x.id === "hepatitis-b");
      expect([c?.status, c?.severity], t).toEqual(["problem", "caution"]);
      expect(c?.detail, t).toMatch(/can reactivate it; hepatology review and antiviral prophylaxis before starting/);
    }
    expect(hbv.clinicianSummary.find((l) => l.startsWith("Tacrolimus"))).toMatch(/Caution: hepatitis B screen \(HBsAg\): hepatitis B: tacrolimus can reactivate it/);
    const bleeding = vignette("v16-pregnant-bleeding") as { safety: Record<string, unknown> };
    const peanut = assess({ ...bleeding, safety: { ...bleeding.safety, allergies: ["peanut"] } }).therapies.progesterone;
    expect(peanut.safetyChecks.find((c) => c.id === "allergy-peanut")?.status).toBe("problem");
    expect(peanut.status).toBe("recommended");
  });
  it("H91 a protocol given in pregnancy waits for the pregnancy's location and dating, and impossible dating is flagged", () => {
    const rec = vignette("v45-pregnant-four-losses-ivig");
    expect(assess(rec).therapies.ivig.status).toBe("protocol-eligible");
    // a pregnancy of unknown location may be ectopic: the scan (with serial hCG) is the step
    const pul = assess({ ...rec, currentPregnancy: { lastMenstrualPeriod: "2025-01-11", location: "unknown" } }).therapies.ivig;
    expect([pul.status, pul.reasonKind]).toEqual(["premature", "investigation-pending"]);
    expect(pul.missing.map((m) => m.id)).toEqual(["pregnancy-location"]);
    expect(pul.headline).toMatch(/a repeat scan with serial hCG/);
    // a pregnancy with no date cannot be placed in the start window (IVIG by 6 weeks): the dating is the step
    const undated = assess({ ...rec, currentPregnancy: {} });
    expect(undated.therapies.ivig.status).toBe("premature");
    expect(undated.therapies.ivig.missing.map((m) => m.id)).toEqual(["pregnancy-dating"]);
    expect(undated.warnings.join(" ")).toMatch(/Current pregnancy: no last menstrual period, gestational week or positive test date is recorded: date it/);
    // a positive test alone dates it (at least 3 weeks): no dating step, no warning
    const byTest = assess({ ...rec, currentPregnancy: { positiveTestDate: "2025-02-10" } });
    expect(byTest.therapies.ivig.missing.map((m) => m.id)).not.toContain("pregnancy-dating");
    expect(byTest.warnings.join(" ")).not.toMatch(/Current pregnancy:/);
    // 0 weeks, or intrauterine on a scan at 3 weeks: flagged for the clinician to correct
    expect(assess({ ...rec, currentPregnancy: { gestationalWeek: 0, location: "intrauterine" } }).warnings.join(" ")).toMatch(/0 weeks on 2025-02-15 as recorded, earlier than a pregnancy test turns positive/);
    expect(assess({ ...rec, currentPregnancy: { lastMenstrualPeriod: "2025-01-22", location: "intrauterine" } }).warnings.join(" ")).toMatch(/intrauterine on ultrasound at 3 weeks by the last menstrual period \(2025-01-22\), earlier than a sac/);
  });
  it("H94 a result recorded as normal whose own detail shows an abnormality is refused, naming the field", () => {
    const rec = vignette("v01-th1th2-three-losses") as { workup: Record<string, unknown>; losses: Record<string, unknown>[] };
    rejects(() => parsePatientRecord({ ...rec, workup: { ...rec.workup, karyotypeFemale: { result: "normal", detail: "46,XX,t(11;22)(q23;q11.2)" } } }), "workup.karyotypeFemale.result", /recorded as normal, but its detail shows a structural rearrangement \(t\(11;22\)\(q23;q11\.2\)\)/);
    rejects(() => parsePatientRecord({ ...rec, workup: { ...rec.workup, karyotypeMale: { result: "normal", detail: "47,XXY" } } }), "workup.karyotypeMale.result", /47 chromosomes/);
    rejects(() => parsePatientRecord({ ...rec, workup: { ...rec.workup, karyotypeMale: { result: "normal", detail: "46,XY,-21,+mar" } } }), "workup.karyotypeMale.result", /a chromosome gained or lost \(-21\)/);
    rejects(() => parsePatientRecord({ ...rec, workup: { ...rec.workup, karyotypeMale: { result: "normal", detail: "mos 45,X/46,XY" } } }), "workup.karyotypeMale.result", /a mosaic karyotype/);
    rejects(() => parsePatientRecord({ ...rec, workup: { ...rec.workup, thrombophilia: { result: "normal", findings: ["factor-v-leiden"] } } }), "workup.thrombophilia.findings", /factor-v-leiden\) are recorded with a normal screen/);
    const losses = rec.losses.map((l, i) => (i === 0 ? { ...l, embryoKaryotype: { result: "normal", detail: "47,XX,+16" } } : l));
    rejects(() => parsePatientRecord({ ...rec, losses }), "losses[0].embryoKaryotype.result", /pregnancy tissue's karyotype is recorded as normal, but its detail shows 47 chromosomes \(47,XX,\+16\)/);
    // a normal variant recorded as abnormal is read as recorded, with a warning to check the report
    const variant = assess({ ...rec, workup: { ...rec.workup, karyotypeMale: { result: "abnormal", abnormality: "inversion", detail: "46,XY,inv(9)(p11q13)" } } });
    expect(variant.warnings.join(" ")).toMatch(/partner's karyotype is recorded as abnormal, but its detail \(46,XY,inv\(9\)\(p11q13\)\) shows only a normal variant/);
    expect(assess({ ...rec, workup: { ...rec.workup, karyotypeMale: { result: "abnormal", abnormality: "inversion", detail: "46,XY,inv(6)(p21q13)" } } }).warnings.join(" ")).not.toMatch(/normal variant/);
    // normal variants, and details that are not ISCN, are read as recorded
    for (const detail of ["46,XX", "46, XY", "46,XX,inv(9)(p11q13)", "46,XY,9qh+", "46,XX,15ps+", "normal female karyotype"])
      expect(() => parsePatientRecord({ ...rec, workup: { ...rec.workup, karyotypeFemale: { result: "normal", detail } } }), detail).not.toThrow();
  });
  it("H95 a protocol that does not count biochemical losses (IVIG, Yamada 2022) is not met by them, and says so", () => {
    const rec = vignette("v48-four-losses-primary") as { losses: Record<string, unknown>[] };
    expect(assess(rec).therapies.ivig.status).toBe("protocol-eligible");
    // two of the four losses biochemical: two miscarriages remain, below the four the trial enrolled
    const losses = rec.losses.map((l, i) => (i < 2 ? { ...l, kind: "biochemical", gestationalWeek: 5 } : l));
    const v = assess({ ...rec, losses }).therapies.ivig;
    expect([v.status, v.reasonKind]).toEqual(["not-indicated", "pattern-mismatch"]);
    expect(v.reasons[0]).toMatch(/asks for 4 or more unexplained miscarriages \(not counting biochemical losses\); the record has 2 \(2 biochemical losses, which it does not count\)/);
  });
  it("H96 the HCQ RCT's own criteria: 2 or more miscarriages, ages 20 to 40, no antiphospholipid cause", () => {
    const rec = vignette("v36-ectopic-and-molar-not-counted") as { age: number };
    expect(assess(rec).therapies.hydroxychloroquine.status).toBe("protocol-eligible");
    const older = assess({ ...rec, age: 45 }).therapies.hydroxychloroquine;
    expect([older.status, older.reasonKind]).toEqual(["not-indicated", "criterion-not-completable"]);
    expect(older.headline).toMatch(/enrolled women aged 20 to 40; she is 45/);
    const { age: _age, ...noAge } = rec;
    const unknown = assess(noAge).therapies.hydroxychloroquine;
    expect([unknown.status, unknown.missing.map((m) => m.id)]).toEqual(["premature", ["age"]]);
    const apl = assess(vignette("v09-apl-persistent-two-losses")).therapies.hydroxychloroquine;
    expect([apl.status, apl.reasonKind]).toEqual(["not-indicated", "pattern-mismatch"]);
    expect(apl.reasons[0]).toMatch(/enrolled women with no antiphospholipid cause/);
  });
  it("H85 intralipid names impaired liver or kidney function, which slows the clearance of its fat", () => {
    const rec = vignette("v05-peripheral-nk-raised") as { safety: Record<string, unknown> };
    const base = assess(rec).therapies.intralipid;
    expect(base.status).toBe("protocol-eligible");
    const impaired = assess({ ...rec, safety: { ...rec.safety, liverDisease: true, egfr: { value: 24, unit: "mL/min/1.73m2" } } });
    const v = impaired.therapies.intralipid;
    // cautions, not contraindications: the verdict stands, with both said on the clinician's line
    expect(v.status).toBe("protocol-eligible");
    expect(v.safetyChecks.filter((c) => c.status === "problem").map((c) => [c.id, c.severity])).toEqual([["liver", "caution"], ["kidney-function", "caution"]]);
    const line = impaired.clinicianSummary.find((l) => l.startsWith("Intralipid"))!;
    expect(line).toMatch(/Caution: liver disease: fat elimination may be impaired: given with caution, with serum triglycerides monitored \(product information\); kidney function \(eGFR\): .*24.*renal insufficiency impairs fat elimination/);
  });
});
