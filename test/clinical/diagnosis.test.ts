import { describe, expect, it } from "vitest";
import { DEFAULT_CLINIC_CONFIG, assessPatient, diagnose, makeClinicConfig, parsePatientRecord, readImmuneFindings } from "../../src/clinical/index.js";
import { InputError } from "../../src/shared/errors.js";

const dx = (rec: unknown) => diagnose(parsePatientRecord(rec), DEFAULT_CLINIC_CONFIG);
const L = (gestationalWeek: number, kind = "clinical", extra: Record<string, unknown> = {}) => ({ gestationalWeek, kind, ...extra });

describe("RPL definitions", () => {
  it("ESHRE counts biochemical losses before 24 weeks; ectopic, molar and later losses do not count; RCOG needs 3 first-trimester losses", () => {
    const d = dx({ losses: [L(5, "biochemical"), L(8), L(7, "ectopic"), L(9, "molar"), L(16), L(26)] });
    expect(d.lossCount).toBe(3);
    expect(d.firstTrimesterLossCount).toBe(2);
    expect(d.definitions.eshre.met).toBe(true);
    expect(d.definitions.rcog.met).toBe(false);
    expect(d.stillbirths).toBe(1);
  });

  it("two losses meet ESHRE but not RCOG", () => {
    const d = dx({ losses: [L(6), L(7)] });
    expect([d.definitions.eshre.met, d.definitions.rcog.met]).toEqual([true, false]);
  });

  it("primary vs secondary from dates; a birth after the losses leaves it primary", () => {
    expect(dx({ losses: [L(6, "clinical", { date: "2021-01-01" }), L(7, "clinical", { date: "2022-01-01" })], liveBirths: [{ date: "2020-01-01", gestationalWeek: 39 }] }).type).toBe("secondary");
    const p = dx({ losses: [L(6, "clinical", { date: "2021-01-01" }), L(7, "clinical", { date: "2022-01-01" })], liveBirths: [{ date: "2023-01-01", gestationalWeek: 39 }] });
    expect(p.type).toBe("primary");
    expect(p.typeNote).toMatch(/after the losses/);
    expect(dx({ losses: [L(6), L(7)], liveBirths: [{ gestationalWeek: 39 }] }).type).toBe("secondary");
  });

  it("explained vs unexplained losses", () => {
    const d = dx({ losses: [L(6, "clinical", { embryoKaryotype: { result: "abnormal", detail: "45,X" } }), L(7, "clinical", { embryoKaryotype: { result: "normal" } }), L(8)] });
    expect(d.explainedLossCount).toBe(1);
    expect(d.unexplainedLossCount).toBe(2);
    expect(d.losses[0]!.explanation).toBe("abnormal embryo karyotype (45,X)");
  });
});

describe("APS (Sydney criteria)", () => {
  const early3 = [L(6), L(7), L(8)];
  const acl = (date: string, value: number) => ({ date, aclIgG: { value, unit: "GPL" } });

  it("positive twice 84 days apart is persistent; 83 days is not yet", () => {
    const yes = dx({ losses: early3, workup: { antiphospholipid: [acl("2024-01-01", 45), acl("2024-03-25", 50)] } });
    expect(yes.aps.laboratory).toBe("persistent");
    expect(yes.aps.met).toBe(true);
    expect(yes.causes.map((c) => c.id)).toEqual(["aps"]);
    const no = dx({ losses: early3, workup: { antiphospholipid: [acl("2024-01-01", 45), acl("2024-03-24", 50)] } });
    expect(no.aps.laboratory).toBe("single-positive");
    expect(no.aps.repeatDueFrom).toBe("2024-03-25");
    expect(no.aps.met).toBe(false);
  });

  it("aCL of exactly 40 GPL is not positive; above the lab's 99th percentile (below 40) is", () => {
    expect(dx({ losses: early3, workup: { antiphospholipid: [acl("2024-01-01", 40), acl("2024-06-01", 40)] } }).aps.laboratory).toBe("negative");
    const p99 = dx({
      losses: early3,
      workup: { antiphospholipid: [{ date: "2024-01-01", aclIgM: { value: 30, unit: "MPL", percentile99: 25 } }, { date: "2024-06-01", aclIgM: { value: 31, unit: "MPL", percentile99: 25 } }] },
    });
    expect(p99.aps.laboratory).toBe("persistent");
    expect(p99.aps.persistentAntibodies).toEqual(["aclIgM"]);
  });

  it("a positive then negative result is transient (not APS)", () => {
    const d = dx({ losses: early3, workup: { antiphospholipid: [acl("2024-01-01", 60), acl("2024-05-01", 10)] } });
    expect(d.aps.laboratory).toBe("transient");
    expect(d.aps.met).toBe(false);
  });

  it("anti-β2GPI without the laboratory's 99th percentile cannot be read", () => {
    const d = dx({ losses: early3, workup: { antiphospholipid: [{ date: "2024-01-01", b2gpiIgG: { value: 80, unit: "U/mL" } }] } });
    expect(d.aps.readings[0]!.positive).toBeNull();
  });

  it("laboratory criteria without clinical criteria is not APS: two early losses", () => {
    const d = dx({ losses: [L(6), L(7)], workup: { antiphospholipid: [acl("2024-01-01", 60), acl("2024-05-01", 70)] } });
    expect(d.aps.laboratory).toBe("persistent");
    expect(d.aps.clinical.met).toBe(false);
    expect(d.aps.met).toBe(false);
  });

  it("clinical criteria: a loss explained by karyotype breaks the consecutive run; preterm birth for pre-eclampsia counts", () => {
    const d = dx({ losses: [L(6), L(7, "clinical", { embryoKaryotype: { result: "abnormal" } }), L(8), L(9)] });
    expect(d.consecutiveUnexplainedBefore10Weeks).toBe(2);
    const pe = dx({ losses: [], liveBirths: [{ gestationalWeek: 31, preeclampsiaOrPlacentalInsufficiency: true }] });
    expect(pe.aps.clinical.criteria[0]).toMatch(/preterm birth at 31 weeks/);
  });
});

describe("work-up status", () => {
  it("a missing investigation is named, never assumed normal; a partial aPL panel is incomplete", () => {
    const d = dx({ losses: [L(6), L(7)], workup: { antiphospholipid: [{ date: "2024-01-01", lupusAnticoagulant: "negative" }], thyroid: { tsh: { value: 1.5, unit: "mU/L" } } } });
    const byId = Object.fromEntries(d.workup.map((w) => [w.id, w]));
    expect(byId["karyotype-female"]!.status).toBe("missing");
    expect(byId["uterine-anatomy"]!.status).toBe("missing");
    expect(byId["antiphospholipid"]!.status).toBe("incomplete");
    expect(byId["antiphospholipid"]!.detail).toBe("not tested: anticardiolipin IgG, anticardiolipin IgM");
    expect(byId["thyroid"]!.status).toBe("incomplete");
    expect(byId["thrombophilia"]!.status).toBe("missing");
    expect(d.workupComplete).toBe(false);
    expect(d.missingWorkup).toHaveLength(6);
  });

  it("TSH above 2.5 mU/L is abnormal (hormonal cause to address)", () => {
    const d = dx({ losses: [L(6), L(7)], workup: { thyroid: { tsh: { value: 3.4, unit: "mIU/L" }, tpoAb: { value: 10, unit: "kU/L" } } } });
    expect(d.workup.find((w) => w.id === "thyroid")!.status).toBe("abnormal");
    expect(d.causes.map((c) => c.id)).toContain("thyroid-dysfunction");
  });
});

describe("immune findings against the clinic's cut-offs", () => {
  const rec = parsePatientRecord({
    losses: [L(6), L(7), L(8)],
    immune: {
      peripheralNk: { value: 12, unit: "%" },
      uterineNk: { value: 5, unit: "%" },
      th1Th2Ratio: { value: 10.3 },
      tnfIl10Ratio: { value: 30.6 },
      ana: { titre: "1:160" },
      il33: { value: 300, unit: "pg/mL" },
    },
  });

  it("reads each marker at its boundary with the comparator and source of REFERENCE.md §3", () => {
    const f = Object.fromEntries(readImmuneFindings(rec, DEFAULT_CLINIC_CONFIG).map((x) => [x.marker, x]));
    expect(f.peripheralNk!.status).toBe("normal"); // > 12%
    expect(f.peripheralNk!.source!.label).toBe("Lee/Kwak-Kim 2013");
    expect(f.uterineNk!.status).toBe("abnormal"); // normal < 5% (Quenby 2005)
    expect(f.uterineNk!.source!.label).toBe("Quenby 2005");
    expect(f.th1Th2Ratio!.status).toBe("abnormal"); // ≥ 10.3
    expect(f.tnfIl10Ratio!.status).toBe("normal"); // > 30.6
    expect(f.ana!.status).toBe("abnormal"); // ≥ 1:160
    expect(f.ana!.researchGrade).toBe(false);
    expect(f.il33!.status).toBe("no-cut-off");
    expect(f.nkCytotoxicity!.status).toBe("missing");
    expect(f.uterineNk!.researchGrade).toBe(true);
    expect(f.uterineNk!.guidelineNote).toMatch(/ESHRE 2017/);
    expect(f.th1Th2Ratio!.guidelineNote).toMatch(/Cytokine testing should not be used/);
  });

  it("a clinic can set its own cut-offs (e.g. pNK 11%, ANA 1:320, an IL-33 cut-off)", () => {
    const config = makeClinicConfig({
      name: "Clinic X",
      cutOffs: {
        peripheralNk: { comparator: ">", value: 11, unit: "%", source: { id: "clinic-x", label: "Clinic X lab", reference: "local validation 2024" } },
        ana: { comparator: ">=", value: 320, unit: "reciprocal titre", source: { id: "clinic-x", label: "Clinic X lab", reference: "local" } },
        il33: { comparator: ">", value: 250, unit: "pg/mL", source: { id: "clinic-x", label: "Clinic X lab", reference: "local" } },
      },
    });
    const f = Object.fromEntries(readImmuneFindings(rec, config).map((x) => [x.marker, x]));
    expect(f.peripheralNk!.status).toBe("abnormal");
    expect(f.peripheralNk!.source!.label).toBe("Clinic X lab");
    expect(f.ana!.status).toBe("normal");
    expect(f.il33!.status).toBe("abnormal");
    const a = assessPatient({ losses: [L(6), L(7), L(8)], immune: { peripheralNk: { value: 11.5, unit: "%" } } }, { today: "2025-01-01", config });
    expect(a.clinicConfig).toBe("Clinic X");
    expect(a.immune.find((x) => x.marker === "peripheralNk")!.status).toBe("abnormal");
  });

  it("rejects an invalid clinic configuration naming the field", () => {
    expect(() => makeClinicConfig({ cutOffs: { peripheralNk: { comparator: "<", value: 1, unit: "%", source: { id: "a", label: "b", reference: "c" } } } })).toThrow(InputError);
    let err: unknown;
    try {
      makeClinicConfig({ lit: { injections: 5 } }, "clinic.json");
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).location).toEqual({ file: "clinic.json", field: "lit.injections" });
  });
});

describe("dates after the assessment date", () => {
  // issue 9 §3: future dates are rejected naming the field, "not accepted with a warning"
  it("are rejected naming the field, not silently accepted", () => {
    let err: unknown;
    try {
      assessPatient({ losses: [L(6, "clinical", { date: "2024-01-01" }), L(7, "clinical", { date: "2025-06-01" })] }, { today: "2025-01-01" });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).location.field).toBe("losses[1].date");
    expect((err as InputError).message).toMatch(/2025-06-01 is after the assessment date 2025-01-01/);
    expect(assessPatient({ losses: [L(6, "clinical", { date: "2024-01-01" })] }, { today: "2025-01-01" }).warnings).toEqual([]);
  });
});

describe("Sydney early-loss criterion needs other causes excluded", () => {
  const apl = [
    { date: "2024-01-01", lupusAnticoagulant: "positive" },
    { date: "2024-05-01", lupusAnticoagulant: "positive" },
  ];
  it("a septate uterus keeps three early losses from counting, so persistent LA alone is not APS", () => {
    const d = dx({ losses: [L(6), L(7), L(8)], workup: { antiphospholipid: apl, uterineAnatomy: { method: "hysteroscopy", result: "abnormal", finding: "septum" } } });
    expect(d.aps.laboratory).toBe("persistent");
    expect(d.aps.clinical.met).toBe(false);
    expect(d.aps.clinical.note).toMatch(/uterine anomaly/);
    expect(d.aps.met).toBe(false);
  });
  it("with a normal uterus the same history is APS", () => {
    const d = dx({ losses: [L(6), L(7), L(8)], workup: { antiphospholipid: apl, uterineAnatomy: { method: "hysteroscopy", result: "normal" } } });
    expect(d.aps.met).toBe(true);
  });
});
