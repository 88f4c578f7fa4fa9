import { describe, expect, it } from "vitest";
import { assessPatient, assessRecord } from "../../src/clinical/assess.js";
import { parsePatientRecord } from "../../src/clinical/record.js";
import { THERAPY_IDS } from "../../src/shared/therapies.js";
import { bundleToRecord, ucumSpelling } from "../../src/interop/fhir/import.js";
import { DECIDUA_LOCAL, LOINC, makeCodeMap, RXNORM, SNOMED } from "../../src/interop/fhir/codes.js";
import { convertUcum } from "../../src/interop/fhir/ucum.js";
import { obs, profileBundle, profileRecord, TODAY, withResources, type Json } from "./helpers.js";
import { inputError } from "../support/input-error.js";

const UCUM = "http://unitsofmeasure.org";
const q = (value: number, code: string) => ({ value, unit: code, system: UCUM, code });


describe("FHIR R4 Bundle → patient record", () => {
  for (const p of ["a", "b"] as const) {
    it(`profile (${p}) as the EHR holds it gives the same verdict for every therapy as the typed-in record`, () => {
      const imp = bundleToRecord(profileBundle(p), { today: TODAY });
      const fromFhir = assessRecord(imp.normalised, { today: TODAY });
      const typed = assessPatient(profileRecord(p), { today: TODAY });
      for (const t of THERAPY_IDS) expect(fromFhir.therapies[t].status, t).toBe(typed.therapies[t].status);
      expect(fromFhir.diagnosis.lossCount).toBe(typed.diagnosis.lossCount);
      // the record as written passes the same validation as a typed-in one
      expect(parsePatientRecord(imp.record)).toEqual(imp.normalised);
    });
  }

  describe("the pregnancy status: the latest decides, and one of a pregnancy that has ended is not current (H55)", () => {
    const status = (id: string, date: string, answer: { system: string; code: string }, gaDays?: number) =>
      obs(id, LOINC, "82810-3", {
        effectiveDateTime: date,
        valueCodeableConcept: { coding: [answer] },
        ...(gaDays !== undefined ? { component: [{ code: { coding: [{ system: LOINC, code: "18185-9" }] }, valueQuantity: q(gaDays, "d") }] } : {}),
      });
    const PREGNANT = { system: SNOMED, code: "77386006" };
    const outcome = (id: string, date: string, code: string, gaWeeks?: number) =>
      obs(id, LOINC, "63893-2", {
        effectiveDateTime: date,
        valueCodeableConcept: { coding: [{ system: SNOMED, code }] },
        ...(gaWeeks !== undefined ? { component: [{ code: { coding: [{ system: LOINC, code: "18185-9" }] }, valueQuantity: q(gaWeeks, "wk") }] } : {}),
      });
    it("a recent status is the current pregnancy, in SNOMED CT or in IPS's LOINC answer", () => {
      expect(bundleToRecord(withResources(status("p", "2026-11-20", PREGNANT, 45)), { today: TODAY }).normalised.currentPregnancy).toEqual({ gestationalWeek: 6 });
      expect(bundleToRecord(withResources(status("p", "2026-11-20", { system: LOINC, code: "LA15173-0" })), { today: TODAY }).normalised.currentPregnancy).toEqual({});
    });
    it("a later 'not pregnant' (SNOMED CT 60001007 or LOINC LA26683-5) ends it", () => {
      for (const np of [{ system: SNOMED, code: "60001007" }, { system: LOINC, code: "LA26683-5" }]) {
        const imp = bundleToRecord(withResources(status("p", "2026-06-01", PREGNANT, 45), status("np", "2026-09-01", np)), { today: TODAY });
        expect(imp.normalised.currentPregnancy).toBeUndefined();
        expect(imp.unmapped.find((u) => u.resource === "Observation/np")?.reason).toMatch(/not pregnant on 2026-09-01: no current pregnancy/);
      }
      // and an earlier one does not: the latest decides
      expect(bundleToRecord(withResources(status("np", "2026-06-01", { system: SNOMED, code: "60001007" }), status("p", "2026-11-20", PREGNANT)), { today: TODAY }).normalised.currentPregnancy).toEqual({});
    });
    it("a pregnancy outcome dated on or after the status ends that pregnancy, counted or not", () => {
      const miscarried = bundleToRecord(withResources(status("p", "2026-05-01", PREGNANT, 42), outcome("loss", "2026-05-20", "17369002", 8)), { today: TODAY });
      expect(miscarried.normalised.currentPregnancy).toBeUndefined();
      expect(miscarried.normalised.losses.map((l) => l.date)).toEqual(["2026-05-20"]);
      expect(miscarried.unmapped.find((u) => u.resource === "Observation/p")?.reason).toMatch(/pregnancy outcome \(Observation\/loss\) is dated 2026-05-20: that pregnancy has ended/);
      // a birth without a gestational age is not counted, but it still ends the pregnancy
      expect(bundleToRecord(withResources(status("p", "2026-03-01", PREGNANT), outcome("birth", "2026-09-30", "281050002")), { today: TODAY }).normalised.currentPregnancy).toBeUndefined();
      // Synthea writes a miscarriage as a Condition (SNOMED CT 19169002) after the "pregnant" status: listed, not counted, and the pregnancy has ended
      const synthea = bundleToRecord(withResources(status("p", "2026-04-01", PREGNANT), { resourceType: "Condition", id: "mis", code: { coding: [{ system: SNOMED, code: "19169002" }] }, subject: { reference: "Patient/rpl-a" }, onsetDateTime: "2026-05-10T08:00:00-04:00" }), { today: TODAY });
      expect(synthea.normalised.currentPregnancy).toBeUndefined();
      expect(synthea.unmapped.find((u) => u.resource === "Condition/mis")?.reason).toMatch(/a loss recorded as a diagnosis/);
      // an outcome before the status is an earlier pregnancy's
      expect(bundleToRecord(withResources(outcome("loss", "2026-05-20", "17369002", 8), status("p", "2026-11-20", PREGNANT)), { today: TODAY }).normalised.currentPregnancy).toEqual({});
    });
    it("a status of a pregnancy that began more than 44 weeks ago is not current, with a warning; an undated one is read with a warning", () => {
      // 2026-03-17 at 7 weeks: began 2026-01-27, exactly 44 weeks (308 days) before 2026-12-01 (still read); at 8 weeks, 45
      expect(bundleToRecord(withResources(status("p", "2026-03-17", PREGNANT, 49)), { today: TODAY }).normalised.currentPregnancy).toEqual({ gestationalWeek: 7 });
      const stale = bundleToRecord(withResources(status("p", "2026-03-17", PREGNANT, 56)), { today: TODAY });
      expect(stale.normalised.currentPregnancy).toBeUndefined();
      expect(stale.warnings.join(" ")).toMatch(/pregnant on 2026-03-17 at 8 weeks: that pregnancy began more than 44 weeks before 2026-12-01: no current pregnancy is read/);
      const old = bundleToRecord(withResources(status("p", "2024-04-02", PREGNANT)), { today: TODAY });
      expect(old.normalised.currentPregnancy).toBeUndefined();
      const undated = { ...status("p", "2026-11-20", PREGNANT) };
      delete undated["effectiveDateTime"];
      const u = bundleToRecord(withResources(undated), { today: TODAY });
      expect(u.normalised.currentPregnancy).toEqual({});
      expect(u.warnings.join(" ")).toMatch(/has no date: read as a current pregnancy/);
    });
    it("an estimated delivery date (LOINC 11778-8) dates a status without a gestational age, as the IPS example links them", () => {
      // the IPS example: pregnant on 2020-01-10, its member EDD 2020-05-02 (began 2019-07-27: 23 weeks on 2020-01-10)
      const ips = { ...status("ips-status", "2020-01-10", { system: LOINC, code: "LA15173-0" }), hasMember: [{ reference: "Observation/ips-edd" }] };
      const edd = obs("ips-edd", LOINC, "11778-8", { effectiveDateTime: "2020-01-10", valueDateTime: "2020-05-02" });
      const then = bundleToRecord(withResources(ips, edd), { today: "2020-02-01" });
      expect(then.normalised.currentPregnancy).toEqual({ gestationalWeek: 23 });
      expect(then.provenance["currentPregnancy.gestationalWeek"]).toBe("Observation/ips-edd");
      // on TODAY that pregnancy began more than 44 weeks ago: not current
      expect(bundleToRecord(withResources(ips, edd), { today: TODAY }).normalised.currentPregnancy).toBeUndefined();
      // an EDD that is not a member still dates the status whose pregnancy it spans; one that does not span it is not used
      const recent = status("s", "2026-11-20", PREGNANT);
      expect(bundleToRecord(withResources(recent, obs("e", LOINC, "11778-8", { effectiveDateTime: "2026-11-20", valueDateTime: "2027-07-01" })), { today: TODAY }).normalised.currentPregnancy).toEqual({ gestationalWeek: 8 });
      expect(bundleToRecord(withResources(recent, obs("e", LOINC, "11778-8", { effectiveDateTime: "2025-01-01", valueDateTime: "2025-06-01" })), { today: TODAY }).normalised.currentPregnancy).toEqual({});
      // an EDD without a date is listed
      const bad = bundleToRecord(withResources(recent, obs("e", LOINC, "11778-8", { effectiveDateTime: "2026-11-20", valueString: "July" })), { today: TODAY });
      expect(bad.unmapped.find((u) => u.resource === "Observation/e")?.reason).toMatch(/without a full date/);
    });
    it("unknown or not yet confirmed is listed and not read", () => {
      const imp = bundleToRecord(withResources(status("u", "2026-11-20", { system: LOINC, code: "LA4489-6" })), { today: TODAY });
      expect(imp.normalised.currentPregnancy).toBeUndefined();
      expect(imp.unmapped.find((x) => x.resource === "Observation/u")?.reason).toMatch(/neither pregnant nor not pregnant/);
    });
  });

  describe("an active ectopic pregnancy diagnosis is the current pregnancy's location (H54)", () => {
    const pregnant = obs("preg", LOINC, "82810-3", {
      effectiveDateTime: "2026-11-20",
      valueCodeableConcept: { coding: [{ system: SNOMED, code: "77386006" }] },
      component: [{ code: { coding: [{ system: LOINC, code: "18185-9" }] }, valueQuantity: q(45, "d") }],
    });
    const ectopic = (clinicalStatus: string, onsetDateTime?: string) => ({
      resourceType: "Condition",
      id: `ectopic-${clinicalStatus}`,
      clinicalStatus: { coding: [{ system: "http://terminology.hl7.org/CodeSystem/condition-clinical", code: clinicalStatus }] },
      code: { coding: [{ system: SNOMED, code: "34801009" }] },
      subject: { reference: "Patient/rpl-a" },
      ...(onsetDateTime !== undefined ? { onsetDateTime } : {}),
    });
    it("sets currentPregnancy.location with its provenance, and the in-pregnancy verdicts read it", () => {
      const imp = bundleToRecord(withResources(pregnant, ectopic("active", "2026-11-25")), { today: TODAY });
      expect(imp.normalised.currentPregnancy).toEqual({ gestationalWeek: 6, location: "ectopic" });
      expect(imp.provenance["currentPregnancy.location"]).toBe("Condition/ectopic-active");
      const a = assessRecord(imp.normalised, { today: TODAY });
      // without the location, bleeding unrecorded would leave progesterone premature: the ectopic location decides it
      expect(a.therapies.progesterone.status).toBe("not-indicated");
      expect(a.therapies.progesterone.findings.find((f) => f.id === "pregnancy-location")).toMatchObject({ value: "ectopic", role: "against" });
    });
    it("a resolved one, or one dated before this pregnancy began, is listed and not read", () => {
      for (const c of [ectopic("resolved", "2026-11-25"), ectopic("active", "2025-03-01")]) {
        const imp = bundleToRecord(withResources(pregnant, c), { today: TODAY });
        expect(imp.normalised.currentPregnancy).toEqual({ gestationalWeek: 6 });
        expect(imp.unmapped.find((u) => u.resource === `Condition/${c.id}`)?.reason).toMatch(c.id === "ectopic-resolved" ? /past ectopic/ : /before the current pregnancy .* began/);
      }
      // 2026-11-20 less 6 weeks is 2026-10-09: a diagnosis that day is this pregnancy's
      expect(bundleToRecord(withResources(pregnant, ectopic("active", "2026-10-09")), { today: TODAY }).normalised.currentPregnancy?.location).toBe("ectopic");
      expect(bundleToRecord(withResources(pregnant, ectopic("active", "2026-10-08")), { today: TODAY }).normalised.currentPregnancy?.location).toBeUndefined();
    });
    it("without a pregnancy status it is itself the current pregnancy, with a warning; undated, it is read with a warning", () => {
      const alone = bundleToRecord(withResources(ectopic("active", "2026-11-25")), { today: TODAY });
      expect(alone.normalised.currentPregnancy).toEqual({ location: "ectopic" });
      expect(alone.warnings.join(" ")).toMatch(/no pregnancy status: read as a current ectopic pregnancy/);
      const undated = bundleToRecord(withResources(pregnant, ectopic("active")), { today: TODAY });
      expect(undated.normalised.currentPregnancy?.location).toBe("ectopic");
      expect(undated.warnings.join(" ")).toMatch(/has no date/);
    });
  });

  it("converts non-SI units with UCUM and keeps what was written", () => {
    const imp = bundleToRecord(profileBundle("a"), { today: TODAY });
    const r = imp.normalised;
    expect(r.age).toBe(33);
    expect(r.weightKg?.value).toBeCloseTo(138.9 * 0.45359237, 4); // [lb_av]
    expect(r.losses.map((l) => l.gestationalWeek)).toEqual([7, 8, 6, 9]); // 58 d = 8 completed weeks
    expect(r.workup.thyroid?.tsh.value).toBeCloseTo(1.6, 10); // u[IU]/mL = m[IU]/L
    expect(r.workup.thyroid?.tpoAb?.value).toBeCloseTo(12, 10); // [IU]/mL = k[IU]/L
    expect(r.workup.antiphospholipid[0]?.b2gpiIgG?.percentile99).toBe(20);
    expect(r.immune.uterineNk?.value).toBe(9.5);
    expect(r.losses[1]?.embryoKaryotype).toBe("normal");
    expect(r.workup.karyotypeMale?.detail).toBe("46,XY");
    expect(r.partner).toEqual({ hiv: "negative", hepatitisB: "negative", hepatitisC: "negative" });
    expect(r.safety.allergiesRecorded).toBe(true);
    expect(imp.provenance["immune.uterineNk"]).toBe("Observation/rpl-a-unk");
  });

  it("lists every resource it could not map with the resource and the code", () => {
    const imp = bundleToRecord(profileBundle("a"), { today: TODAY });
    const byRes = new Map(imp.unmapped.map((u) => [u.resource, u]));
    expect(byRes.get("Observation/rpl-a-hb")?.code).toContain("http://loinc.org|718-7");
    expect(byRes.get("Condition/rpl-a-rm")?.reason).toMatch(/derives/);
    expect(imp.unmapped).toHaveLength(2);
  });

  it("reads active MedicationStatements as the current medications; others are listed", () => {
    const folate = bundleToRecord(profileBundle("a"), { today: TODAY });
    expect(folate.normalised.medications).toEqual([{ name: "Folic acid", since: "2024-01-01" }]);
    expect(folate.normalised.medicationsRecorded).toBe(true);
    expect(folate.provenance["medications"]).toBe("MedicationStatement/rpl-a-folate");
    const statement = (id: string, status: string, rest: Record<string, unknown>) => ({ resourceType: "MedicationStatement", id, status, subject: { reference: "Patient/rpl-a" }, ...rest });
    const imp = bundleToRecord(
      withResources(
        // the name from a referenced Medication, the dose from the dosage text, a partial date not read as `since`
        statement("tac", "active", { medicationReference: { reference: "Medication/m1" }, dosage: [{ text: "1 mg twice daily" }], effectivePeriod: { start: "2025-03" } }),
        { resourceType: "Medication", id: "m1", code: { coding: [{ system: "http://www.nlm.nih.gov/research/umls/rxnorm", code: "42316", display: "Tacrolimus" }] } },
        statement("old", "completed", { medicationCodeableConcept: { text: "Prednisolone" } }),
        statement("nameless", "active", { medicationCodeableConcept: { coding: [{ system: "http://example.org", code: "x1" }] } }),
      ),
      { today: TODAY },
    );
    expect(imp.normalised.medications).toEqual([{ name: "Tacrolimus", dose: "1 mg twice daily" }]);
    expect(imp.unmapped.find((u) => u.resource === "MedicationStatement/old")?.reason).toMatch(/status "completed": not a current medication/);
    expect(imp.unmapped.find((u) => u.resource === "MedicationStatement/nameless")?.reason).toMatch(/without a name/);
    // only stopped ones: the EHR keeps a list and none is current
    const none = bundleToRecord(withResources(statement("old", "stopped", { medicationCodeableConcept: { text: "Aspirin" } })), { today: TODAY });
    expect(none.normalised.medications).toEqual([]);
    expect(none.normalised.medicationsRecorded).toBe(true);
    // no statement at all: not recorded
    expect(bundleToRecord(withResources(), { today: TODAY }).normalised.medicationsRecorded).toBe(false);
  });

  it("converts creatinine mg/dL to µmol/L with its molar mass and eGFR annotations", () => {
    const imp = bundleToRecord(
      withResources(obs("c", LOINC, "2160-0", { valueQuantity: q(0.8, "mg/dL") }), obs("e", LOINC, "62238-1", { valueQuantity: q(1.5, "mL/s/{1.73_m2}") })),
      { today: TODAY },
    );
    expect(imp.normalised.safety.creatinine?.value).toBeCloseTo((0.8 * 10 * 1000) / 113.12, 3);
    expect(imp.normalised.safety.egfr?.value).toBeCloseTo(90, 6);
    const pct = convertUcum(0.095, "1", "%");
    expect(pct.ok && pct.value).toBeCloseTo(9.5, 10);
  });

  it("does not assume normal: a karyotype or hysteroscopy without a result is listed, not recorded", () => {
    const imp = bundleToRecord(
      withResources(
        obs("k", LOINC, "29770-5", { valueString: "46,XX,t(11;22)(q23;q11.2)" }),
        { resourceType: "Procedure", id: "h", status: "completed", code: { coding: [{ system: SNOMED, code: "233545006" }] }, subject: { reference: "Patient/rpl-a" }, performedDateTime: "2024-05-01" },
        obs("t", LOINC, "3016-3", { status: "preliminary", valueQuantity: q(2, "m[IU]/L") }),
      ),
      { today: TODAY },
    );
    expect(imp.normalised.workup.karyotypeFemale).toBeUndefined();
    expect(imp.normalised.workup.uterineAnatomy).toBeUndefined();
    expect(imp.normalised.workup.thyroid).toBeUndefined();
    expect(imp.unmapped.map((u) => u.resource).sort()).toEqual(["Observation/k", "Observation/t", "Procedure/h"]);
    const a = assessRecord(imp.normalised, { today: TODAY });
    expect(a.diagnosis.workup.find((w) => w.id === "karyotype-female")?.status).toBe("missing");
    expect(a.diagnosis.workup.find((w) => w.id === "uterine-anatomy")?.status).toBe("missing");
    expect(a.diagnosis.workup.find((w) => w.id === "thyroid")?.status).toBe("missing");
  });

  it("reads egg/soy/peanut allergies and warns when an allergy cannot be read", () => {
    const allergy = (id: string, code: string) => ({ resourceType: "AllergyIntolerance", id, code: { coding: [{ system: SNOMED, code }] }, patient: { reference: "Patient/rpl-a" } });
    const imp = bundleToRecord(withResources(allergy("x1", "213020009"), allergy("x2", "91935009"), allergy("x3", "300913006")), { today: TODAY });
    expect(imp.normalised.safety.allergies).toEqual(["egg", "peanut", "unidentified"]);
    expect(imp.warnings.join(" ")).toMatch(/1 allergy record\(s\) have a code Decidua does not map: recorded as an allergy of unidentified substance/);
    expect(imp.unmapped.find((u) => u.resource === "AllergyIntolerance/x3")?.code).toContain("300913006");
    // Synthea's egg allergy code
    expect(bundleToRecord(withResources(allergy("e", "91930004")), { today: TODAY }).normalised.safety.allergies).toEqual(["egg"]);
    // no AllergyIntolerance at all: allergies are not recorded (not "none")
    expect(bundleToRecord(withResources(), { today: TODAY }).normalised.safety.allergiesRecorded).toBe(false);
  });

  it("H60 an allergy with a code Decidua does not map makes every allergy check unknown, never none recorded", () => {
    const allergy = (id: string, code: string) => ({ resourceType: "AllergyIntolerance", id, code: { coding: [{ system: SNOMED, code }] }, patient: { reference: "Patient/rpl-a" } });
    const check = (...codes: string[]) => {
      const imp = bundleToRecord(withResources(...codes.map((c, i) => allergy(`a${i}`, c))), { today: TODAY });
      return assessRecord(imp.normalised, { today: TODAY }).therapies.intralipid.safetyChecks.find((c) => c.id === "allergy-egg-soy-peanut");
    };
    expect(check("716186003")).toMatchObject({ status: "ok", detail: "none recorded" });
    const unknown = check("300913006");
    expect(unknown?.status).toBe("unknown");
    expect(unknown?.detail).toMatch(/an allergy is recorded whose substance Decidua could not identify: check that it is not to egg or soy or peanut/);
    // a mapped allergy decides as before
    expect(check("300913006", "91930004")?.status).toBe("problem");
  });

  it("reads active and on-hold MedicationRequests (Synthea's medications) as current medications; others are listed", () => {
    const order = (id: string, status: string, name: string, intent = "order") => ({
      resourceType: "MedicationRequest",
      id,
      status,
      intent,
      medicationCodeableConcept: { coding: [{ system: "http://www.nlm.nih.gov/research/umls/rxnorm", code: "1", display: name }] },
      subject: { reference: "Patient/rpl-a" },
      authoredOn: "2026-10-01T09:00:00Z",
      dosageInstruction: [{ text: "one tablet daily" }],
    });
    const imp = bundleToRecord(withResources(order("m1", "active", "Clarithromycin 500 MG Oral Tablet"), order("m2", "on-hold", "Fluconazole 150 MG"), order("m3", "completed", "Amoxicillin"), order("m4", "active", "Diltiazem", "proposal")), { today: TODAY });
    expect(imp.normalised.medications.map((m) => m.name)).toEqual(["Clarithromycin 500 MG Oral Tablet", "Fluconazole 150 MG"]);
    expect(imp.normalised.medications[0]).toMatchObject({ dose: "one tablet daily", since: "2026-10-01" });
    expect(imp.unmapped.find((u) => u.resource === "MedicationRequest/m3")?.reason).toMatch(/status "completed": not a current medication/);
    expect(imp.unmapped.find((u) => u.resource === "MedicationRequest/m4")?.reason).toMatch(/intent proposal/);
  });

  it("warns first when the EHR records the patient as deceased", () => {
    const b = withResources();
    const patient = b.entry[0]!.resource as Record<string, unknown>;
    b.entry[0] = { ...b.entry[0]!, resource: { ...patient, deceasedDateTime: "2026-06-30" } };
    expect(bundleToRecord(b, { today: TODAY }).warnings[0]).toMatch(/^the EHR records this patient as deceased \(2026-06-30\)/);
    b.entry[0] = { ...b.entry[0]!, resource: { ...patient, deceasedBoolean: true } };
    expect(bundleToRecord(b, { today: TODAY }).warnings[0]).toMatch(/^the EHR records this patient as deceased \(Patient/);
    expect(bundleToRecord(withResources(), { today: TODAY }).warnings.join(" ")).not.toMatch(/deceased/);
  });

  it("H77 losses recorded only as diagnoses (Synthea's 19169002) are said to be uncounted; a male patient is flagged", () => {
    const miscarriage = (id: string, onset: string) => ({ resourceType: "Condition", id, code: { coding: [{ system: SNOMED, code: "19169002" }] }, subject: { reference: "Patient/rpl-a" }, onsetDateTime: onset });
    const imp = bundleToRecord(withResources(miscarriage("m1", "2019-03-02T10:00:00Z"), miscarriage("m2", "2020-06-11T10:00:00Z")), { today: TODAY });
    const w = imp.warnings.join(" ");
    expect(w).toMatch(/2 pregnancy losses are recorded only as a diagnosis \(Condition\/m1, Condition\/m2\) without a gestational age, so they are not counted: the loss count and every verdict that reads it may be too low/);
    expect(bundleToRecord(withResources(), { today: TODAY }).warnings.join(" ")).not.toMatch(/recorded only as a diagnosis/);
    const b = withResources();
    const patient = b.entry[0]!.resource as Record<string, unknown>;
    b.entry[0] = { ...b.entry[0]!, resource: { ...patient, gender: "male" } };
    expect(bundleToRecord(b, { today: TODAY }).warnings[0]).toMatch(/^the EHR records this patient's gender as male \(Patient\/rpl-a\): check that this is the woman's record/);
    expect(bundleToRecord(withResources(), { today: TODAY }).warnings.join(" ")).not.toMatch(/gender as male/);
  });

  it("an estimated delivery date from the last menstrual period or the ovulation date (LOINC 11779-6, 11780-4) dates a pregnancy status", () => {
    for (const code of ["11778-8", "11779-6", "11780-4"]) {
      const imp = bundleToRecord(
        withResources(
          obs("p", LOINC, "82810-3", { effectiveDateTime: "2026-11-01", valueCodeableConcept: { coding: [{ system: SNOMED, code: "77386006" }] }, hasMember: [{ reference: "Observation/edd" }] }),
          obs("edd", LOINC, code, { effectiveDateTime: "2026-11-01", valueDateTime: "2027-06-20" }),
        ),
        { today: TODAY },
      );
      // 280 days before 2027-06-20 is 2026-09-13: 7 weeks on 2026-11-01
      expect(imp.normalised.currentPregnancy, code).toEqual({ gestationalWeek: 7 });
    }
  });

  it("warns when the EHR counts more losses than it records with a gestational age", () => {
    const imp = bundleToRecord(withResources(obs("n", LOINC, "11612-9", { valueQuantity: { value: 3 } })), { today: TODAY });
    expect(imp.warnings[0]).toMatch(/counts 3 pregnancy losses but only 0/);
  });

  it("reads a clinic's local codes from its code map", () => {
    const codeMap = makeCodeMap({ observations: [{ system: "urn:clinic:lab", code: "UNK56", target: "uterineNk" }] });
    const b = withResources(obs("u", "urn:clinic:lab", "UNK56", { valueQuantity: q(0.12, "1") }));
    expect(bundleToRecord(b, { today: TODAY }).normalised.immune.uterineNk).toBeUndefined();
    expect(bundleToRecord(b, { today: TODAY, codeMap }).normalised.immune.uterineNk?.value).toBeCloseTo(12, 10);
    expect(() => makeCodeMap({ observations: [{ system: "x", code: "y", target: "nonsense" }] })).toThrow();
  });

  describe("errors name the resource and the field", () => {
    it("rejects a Bundle that is not R4", () => {
      const stu3 = withResources({ resourceType: "Condition", id: "c1", clinicalStatus: "active", code: { coding: [{ system: SNOMED, code: "55464009" }] }, subject: { reference: "Patient/rpl-a" } });
      const e = inputError(() => bundleToRecord(stu3, { today: TODAY, file: "old.json" }));
      expect(e.message).toMatch(/not FHIR R4/);
      expect(e.location).toEqual({ file: "old.json", field: "entry[1] (Condition/c1).clinicalStatus" });
      const r5 = withResources({ resourceType: "MedicationUsage", id: "m1", status: "recorded" });
      expect(inputError(() => bundleToRecord(r5, { today: TODAY })).message).toMatch(/MedicationUsage is a R5/);
      expect(inputError(() => bundleToRecord({ resourceType: "Bundle", type: "bogus" }, { today: TODAY })).location.field).toBe("Bundle.type");
      expect(inputError(() => bundleToRecord({ resourceType: "Parameters" }, { today: TODAY })).message).toMatch(/no Patient/);
    });

    it("rejects a resource that fails its R4 schema", () => {
      const e = inputError(() => bundleToRecord(withResources({ resourceType: "Observation", id: "o1", status: "final", subject: { reference: "Patient/rpl-a" } }), { today: TODAY }));
      expect(e.location.field).toBe("entry[1] (Observation/o1).code");
      const e2 = inputError(() => bundleToRecord(withResources(obs("o2", LOINC, "3016-3", { valueQuantity: { value: "1.6", code: "m[IU]/L" } })), { today: TODAY }));
      expect(e2.location.field).toBe("entry[1] (Observation/o2).valueQuantity.value");
    });

    it("lists a result whose unit cannot be read as not read, reads the rest of the Bundle, and refuses only a record that is impossible (H87)", () => {
      const notRead = (o: Json) => {
        const imp = bundleToRecord(withResources(o), { today: TODAY });
        // the TSH counts as not done, never as normal: the thyroid work-up is missing
        expect(imp.normalised.workup.thyroid).toBeUndefined();
        return imp.unmapped.find((u) => u.resource === `Observation/${String(o.id)}`)?.reason ?? "";
      };
      expect(notRead(obs("o3", LOINC, "3016-3", { valueQuantity: q(1.6, "mIU per litre") }))).toMatch(/^valueQuantity\.code: unknown unit: .*not read \(the test counts as not done\); enter it in m\[IU\]\/L/);
      expect(notRead(obs("o4", LOINC, "3016-3", { valueQuantity: q(1.6, "mg") }))).toMatch(/^valueQuantity\.code: wrong unit: "mg" cannot be converted/);
      expect(notRead(obs("o5", LOINC, "3016-3", { valueQuantity: { value: 1.6 } }))).toMatch(/^valueQuantity\.code: the quantity has no unit/);
      expect(notRead(obs("o6", LOINC, "3016-3", { valueQuantity: { value: 1.6, unit: "mU/L", system: "http://example.org/units", code: "mu" } }))).toMatch(/^valueQuantity\.system: unknown unit system/);
      // an anticardiolipin result in plain U/mL is not in GPL units: not read, and the panel's other results are
      const plain = bundleToRecord(
        withResources(
          obs("aplain", LOINC, "3181-5", { effectiveDateTime: "2026-04-02", valueQuantity: { value: 85, unit: "U/mL" } }),
          obs("lan", LOINC, "75514-0", { effectiveDateTime: "2026-04-02", valueCodeableConcept: { coding: [{ system: SNOMED, code: "260385009" }] } }),
        ),
        { today: TODAY },
      );
      const panel = plain.normalised.workup.antiphospholipid.find((t) => t.date === "2026-04-02");
      expect(panel?.aclIgG).toBeUndefined();
      expect(panel?.lupusAnticoagulant).toBe("negative");
      expect(plain.unmapped.find((u) => u.resource === "Observation/aplain")?.reason).toMatch(/wrong unit: "U\/mL" cannot be converted to "\[GPL'U\]\/mL".*not read/);
      // a reference limit in a unit that cannot be read: the value is read, the limit is listed as not read
      const limit = bundleToRecord(
        withResources(obs("alim", LOINC, "3181-5", { effectiveDateTime: "2026-04-02", valueQuantity: q(30, "[GPL'U]/mL"), referenceRange: [{ high: { value: 20, unit: "U/mL" } }] })),
        { today: TODAY },
      );
      const withLimit = limit.normalised.workup.antiphospholipid.find((t) => t.date === "2026-04-02");
      expect(withLimit?.aclIgG?.value).toBe(30);
      expect(withLimit?.aclIgG?.percentile99).toBeUndefined();
      expect(limit.unmapped.find((u) => u.resource === "Observation/alim")?.reason).toMatch(/^referenceRange\[0\]\.high\.code: wrong unit.*reference limit is not read/);
      // an impossible value still refuses the whole import, naming the resource and the field
      const e = inputError(() => bundleToRecord(withResources(obs("o7", LOINC, "3016-3", { valueQuantity: q(9000, "m[IU]/L") })), { today: TODAY }));
      expect(e.location.field).toBe("Observation/o7 → workup.thyroid.tsh.value");
    });

    it("names the resource when the mapped record fails the record's validation", () => {
      const e = inputError(() =>
        bundleToRecord(withResources(obs("w", DECIDUA_LOCAL, "uterine-nk-percent", { valueQuantity: q(140, "%") })), { today: TODAY }),
      );
      expect(e.location.field).toBe("Observation/w → immune.uterineNk.value");
      expect(e.reason).toMatch(/impossible uterine NK/);
    });
  });
});

describe("H86 what an EHR writes in ways the first reading missed", () => {
  const PREGNANT = { system: SNOMED, code: "77386006" };
  const acl = (id: string, value: number, rest: Record<string, unknown>) => obs(id, LOINC, "3181-5", { effectiveDateTime: "2026-04-02", valueQuantity: q(value, "[GPL'U]/mL"), ...rest });
  it("H86 an unconfirmed pregnancy, a contained medicine, a corrected result, a versioned reference, an unknown loss code and a provisional diagnosis are read as they are", () => {
    // a pregnancy status still preliminary is read as a pregnancy, with a warning
    const prelim = bundleToRecord(withResources(obs("p", LOINC, "82810-3", { status: "preliminary", effectiveDateTime: "2026-11-20", valueCodeableConcept: { coding: [PREGNANT] } })), { today: TODAY });
    expect(prelim.normalised.currentPregnancy).toBeDefined();
    expect(prelim.warnings.join(" ")).toMatch(/Observation\/p: a pregnancy status "pregnant" that is preliminary, not final: read as a current pregnancy/);
    // a medicine contained in its statement (medicationReference "#m1") is named, so the interaction checks see it
    const clari = { resourceType: "MedicationStatement", id: "m", status: "active", subject: { reference: "Patient/rpl-a" }, contained: [{ resourceType: "Medication", id: "m1", code: { coding: [{ system: RXNORM, code: "197517", display: "clarithromycin 500 MG Oral Tablet" }] } }], medicationReference: { reference: "#m1" } };
    expect(bundleToRecord(withResources(clari), { today: TODAY }).normalised.medications.map((m) => m.name)).toEqual(["clarithromycin 500 MG Oral Tablet"]);
    // a statement or an allergy entered in error keeps no list: "not recorded", never "none"
    const eie = bundleToRecord(withResources({ ...clari, status: "entered-in-error" }, { resourceType: "AllergyIntolerance", id: "a", patient: { reference: "Patient/rpl-a" }, verificationStatus: { coding: [{ code: "entered-in-error" }] }, code: { coding: [{ system: SNOMED, code: "91930004" }] } }), { today: TODAY }).normalised;
    expect([eie.medicationsRecorded, eie.safety.allergiesRecorded]).toEqual([false, false]);
    // a corrected result replaces the final one it corrects, in either order in the Bundle
    for (const order of [0, 1]) {
      const pair = [acl("orig", 85, { issued: "2026-04-03T09:00:00Z" }), acl("corr", 4, { status: "corrected", issued: "2026-04-05T09:00:00Z" })];
      const imp = bundleToRecord(withResources(...(order === 0 ? pair : pair.reverse())), { today: TODAY });
      expect(imp.normalised.workup.antiphospholipid.find((t) => t.date === "2026-04-02")?.aclIgG?.value).toBe(4);
    }
    // a versioned reference to the patient is to her
    const versioned = bundleToRecord(withResources(acl("v", 62, { subject: { reference: "Patient/rpl-a/_history/3" } })), { today: TODAY });
    expect(versioned.normalised.workup.antiphospholipid.find((t) => t.date === "2026-04-02")?.aclIgG?.value).toBe(62);
    // a loss with an outcome code Decidua does not map is not counted, and the warning says the count may be too low
    const missed = bundleToRecord(withResources(obs("l", LOINC, "63893-2", { effectiveDateTime: "2026-03-01", valueCodeableConcept: { coding: [{ system: SNOMED, code: "16607004", display: "Missed miscarriage" }] }, component: [{ code: { coding: [{ system: LOINC, code: "18185-9" }] }, valueQuantity: q(8, "wk") }] })), { today: TODAY });
    expect(missed.warnings.join(" ")).toMatch(/Observation\/l: a pregnancy outcome coded .*16607004 \(Missed miscarriage\), which Decidua does not map, is not counted: the loss count may be too low/);
    // a provisional thrombophilia does not explain the losses
    const prov = bundleToRecord(withResources({ resourceType: "Condition", id: "t", subject: { reference: "Patient/rpl-a" }, verificationStatus: { coding: [{ code: "provisional" }] }, code: { coding: [{ system: SNOMED, code: "234467004" }] }, recordedDate: "2026-05-01" }), { today: TODAY });
    expect(prov.normalised.workup.thrombophilia).toBeUndefined();
    expect(prov.unmapped.find((u) => u.resource === "Condition/t")?.reason).toMatch(/verification status "provisional": a diagnosis not confirmed is not read as one/);
    // the EHR's own loss count below the losses read: one may be entered twice
    const profile = profileBundle("a");
    const twice = structuredClone(profile);
    const loss = twice.entry.find((e) => e.resource.id === "rpl-a-loss-2")!;
    twice.entry.push({ resource: { ...structuredClone(loss.resource), id: "rpl-a-loss-2-again" } });
    expect(bundleToRecord(twice, { today: TODAY }).warnings.join(" ")).toMatch(/the EHR counts 4 pregnancy losses but 5 are recorded: one may be entered twice/);
    expect(bundleToRecord(profile, { today: TODAY }).warnings.join(" ")).not.toMatch(/entered twice/);
    // a panel carrying its results as components: each one Decidua reads is read
    const panel = obs("panel", "urn:lab:codes", "APL-PANEL", { effectiveDateTime: "2026-04-02", component: [
      { code: { coding: [{ system: LOINC, code: "3181-5" }] }, valueQuantity: q(55, "[GPL'U]/mL") },
      { code: { coding: [{ system: LOINC, code: "3182-3" }] }, valueQuantity: q(4, "[MPL'U]/mL") },
    ] });
    const fromPanel = bundleToRecord(withResources(panel), { today: TODAY });
    const read = fromPanel.normalised.workup.antiphospholipid.find((t) => t.date === "2026-04-02");
    expect([read?.aclIgG?.value, read?.aclIgM?.value]).toEqual([55, 4]);
    expect(fromPanel.unmapped.find((u) => u.resource === "Observation/panel")?.reason).toBe("panel: its components [0], [1] are read as results of their own");
    // a result contained in its report is read with it (not "not tested")
    const la = { resourceType: "Observation", id: "la", status: "final", code: { coding: [{ system: LOINC, code: "75514-0" }] }, effectiveDateTime: "2026-04-02", valueCodeableConcept: { coding: [{ system: SNOMED, code: "10828004" }] } };
    const report = { resourceType: "DiagnosticReport", id: "panel", status: "final", subject: { reference: "Patient/rpl-a" }, code: { coding: [{ system: LOINC, code: "75882-1" }] }, effectiveDateTime: "2026-04-02", contained: [la], result: [{ reference: "#la" }] };
    const contained = bundleToRecord(withResources(report), { today: TODAY });
    expect(contained.normalised.workup.antiphospholipid.find((t) => t.date === "2026-04-02")?.lupusAnticoagulant).toBe("positive");
  });
  it("units as EHRs display them are read, and a result written as text is listed while the rest of the Bundle is read", () => {
    const disp = (value: number, unit: string) => ({ value, unit });
    const imp = bundleToRecord(
      withResources(
        obs("g", LOINC, "62238-1", { effectiveDateTime: "2026-04-02", valueQuantity: disp(95, "mL/min/1.73m2") }),
        obs("w", LOINC, "29463-7", { effectiveDateTime: "2026-04-02", valueQuantity: disp(143, "lbs") }),
        acl("a", 12, { valueQuantity: disp(12, "GPL U/mL") }),
        obs("m", LOINC, "3182-3", { effectiveDateTime: "2026-04-02", valueString: "<9.4" }),
      ),
      { today: TODAY },
    );
    expect(imp.normalised.safety.egfr?.value).toBe(95);
    expect(imp.normalised.weightKg?.value).toBeCloseTo(64.86, 2);
    const panel = imp.normalised.workup.antiphospholipid.find((t) => t.date === "2026-04-02");
    expect(panel?.aclIgG?.value).toBe(12);
    // the IgM written as text is not read: not tested, never normal
    expect(panel?.aclIgM).toBeUndefined();
    expect(imp.unmapped.find((u) => u.resource === "Observation/m")?.reason).toBe('a result written as text ("<9.4"): not read; enter it as a number with its unit');
    // each display spelling the reader knows, in its UCUM form
    expect(["mL/min/1.73 m²", "ml/min/1,73m2", "lbs", "pounds", "weeks", "wks", "days", "GPL U/mL", "MPL-U/mL", "gpl units/ml"].map(ucumSpelling)).toEqual([
      "mL/min/{1.73_m2}", "mL/min/{1.73_m2}", "[lb_av]", "[lb_av]", "wk", "wk", "d", "[GPL'U]/mL", "[MPL'U]/mL", "[GPL'U]/mL",
    ]);
  });
});
