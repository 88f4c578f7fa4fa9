import { describe, expect, it } from "vitest";
import { parsePatientRecord, parseTitre } from "../../src/clinical/index.js";
import { InputError } from "../../src/shared/errors.js";

const base = () => ({ losses: [{ gestationalWeek: 7, kind: "clinical" }] }) as Record<string, unknown>;

function rejects(record: unknown, field: string, why: RegExp): void {
  let err: unknown;
  try {
    parsePatientRecord(record, "p.json");
  } catch (e) {
    err = e;
  }
  expect(err, `expected rejection at ${field}`).toBeInstanceOf(InputError);
  const ie = err as InputError;
  expect(ie.location.field).toBe(field);
  expect(ie.location.file).toBe("p.json");
  expect(ie.message).toMatch(why);
  expect(ie.message).toContain(`field "${field}"`);
}

describe("unit conversion", () => {
  it("TSH: mIU/L, µIU/mL and uIU/mL are the same as mU/L", () => {
    for (const unit of ["mU/L", "mIU/L", "µIU/mL", "uIU/mL"]) {
      const r = parsePatientRecord({ ...base(), workup: { thyroid: { tsh: { value: 3.1, unit } } } });
      expect(r.workup.thyroid!.tsh.value).toBe(3.1);
      expect(r.workup.thyroid!.tsh.unit).toBe("mU/L");
    }
  });

  it("percent and fraction: 0.084 fraction = 8.4%, and the original is kept", () => {
    const r = parsePatientRecord({ ...base(), immune: { uterineNk: { value: 0.084, unit: "fraction" }, peripheralNk: { value: 13, unit: "%" } } });
    expect(r.immune.uterineNk!.value).toBeCloseTo(8.4, 10);
    expect(r.immune.uterineNk!.unit).toBe("%");
    expect(r.immune.uterineNk!.original).toEqual({ value: 0.084, unit: "fraction" });
    expect(r.immune.peripheralNk!.value).toBe(13);
    expect(r.immune.peripheralNk!.original).toBeUndefined();
  });

  it("weight in pounds: 150 lb = 68.0389 kg", () => {
    const r = parsePatientRecord({ ...base(), weight: { value: 150, unit: "lb" } });
    expect(r.weightKg!.value).toBeCloseTo(150 * 0.45359237, 4);
  });

  it("aCL GPL/MPL spellings, TPO IU/mL = kU/L, creatinine mg/dL x 88.42, sST2 pg/mL -> ng/mL, IL-33 ng/mL -> pg/mL", () => {
    const r = parsePatientRecord({
      ...base(),
      workup: {
        antiphospholipid: [{ date: "2024-01-01", aclIgG: { value: 41, unit: "GPL-U/mL" }, aclIgM: { value: 12, unit: "MPL U/mL" } }],
        thyroid: { tsh: { value: 2, unit: "mU/L" }, tpoAb: { value: 75, unit: "IU/mL" } },
      },
      safety: { creatinine: { value: 0.9, unit: "mg/dL" } },
      immune: { sst2: { value: 35000, unit: "pg/mL" }, il33: { value: 0.05, unit: "ng/mL" } },
    });
    expect(r.workup.antiphospholipid[0]!.aclIgG!.value).toBe(41);
    expect(r.workup.antiphospholipid[0]!.aclIgG!.unit).toBe("GPL");
    expect(r.workup.antiphospholipid[0]!.aclIgM!.unit).toBe("MPL");
    expect(r.workup.thyroid!.tpoAb!.value).toBe(75);
    expect(r.workup.thyroid!.tpoAb!.unit).toBe("kU/L");
    expect(r.safety.creatinine!.value).toBeCloseTo(79.578, 3);
    expect(r.immune.sst2!.value).toBe(35);
    expect(r.immune.il33!.value).toBe(50);
  });

  it("free T4 ng/dL -> pmol/L (x 12.87)", () => {
    const r = parsePatientRecord({ ...base(), workup: { thyroid: { tsh: { value: 2, unit: "mU/L" }, freeT4: { value: 1.2, unit: "ng/dL" } } } });
    expect(r.workup.thyroid!.freeT4!.value).toBeCloseTo(15.444, 3);
  });

  it("titres: 1:160, 1/320, 640, negative, <1:40", () => {
    expect(parseTitre("1:160")).toBe(160);
    expect(parseTitre("1/320")).toBe(320);
    expect(parseTitre("640")).toBe(640);
    expect(parseTitre("negative")).toBe(0);
    expect(parseTitre("<1:40")).toBe(0);
    expect(parseTitre("1:abc")).toBeNull();
    expect(parseTitre("high")).toBeNull();
  });

  it("a fraction is only read as a fraction when the unit says so: 0.084 % stays 0.084%", () => {
    const r = parsePatientRecord({ ...base(), immune: { uterineNk: { value: 0.084, unit: "%" } } });
    expect(r.immune.uterineNk!.value).toBe(0.084);
  });
});

describe("rejections name the field path", () => {
  it("a negative count", () => {
    rejects({ ...base(), ivf: { transfers: [{ embryos: -1, quality: "good", outcome: "no-implantation" }] } }, "ivf.transfers[0].embryos", /at least one embryo/);
  });
  it("a percentage over 100", () => {
    rejects({ ...base(), immune: { peripheralNk: { value: 120, unit: "%" } } }, "immune.peripheralNk.value", /impossible peripheral NK percentage: 120 %/);
  });
  it("a fraction over 1 (= over 100%)", () => {
    rejects({ ...base(), immune: { uterineNk: { value: 1.4, unit: "fraction" } } }, "immune.uterineNk.value", /1\.4 fraction = 140 %/);
  });
  it("a negative percentage", () => {
    rejects({ ...base(), immune: { nkCytotoxicity: { value: -3, unit: "%" } } }, "immune.nkCytotoxicity.value", /impossible NK cytotoxicity/);
  });
  it("a gestational week over 45", () => {
    rejects({ losses: [{ gestationalWeek: 7, kind: "clinical" }, { gestationalWeek: 46, kind: "clinical" }] }, "losses[1].gestationalWeek", /over 45/);
  });
  it("a negative gestational week", () => {
    rejects({ losses: [{ gestationalWeek: -1, kind: "clinical" }] }, "losses[0].gestationalWeek", /below 0/);
  });
  it("a gestational week over 45 in the current pregnancy", () => {
    rejects({ ...base(), currentPregnancy: { gestationalWeek: 50 } }, "currentPregnancy.gestationalWeek", /over 45/);
  });
  it("an unparseable titre", () => {
    rejects({ ...base(), immune: { ana: { titre: "1:lots" } } }, "immune.ana.titre", /unparseable titre/);
  });
  it("IgG anticardiolipin in MPL units", () => {
    rejects({ ...base(), workup: { antiphospholipid: [{ date: "2024-01-01", aclIgG: { value: 20, unit: "MPL" } }] } }, "workup.antiphospholipid[0].aclIgG.unit", /unit must be one of GPL/);
  });
  it("an unknown unit", () => {
    rejects({ ...base(), workup: { thyroid: { tsh: { value: 2, unit: "mg" } } } }, "workup.thyroid.tsh.unit", /unit must be one of mU\/L, mIU\/L/);
  });
  it("a value that is not a number", () => {
    rejects({ ...base(), weight: { value: "63", unit: "kg" } }, "weight.value", /must be a number/);
  });
  it("an impossible weight", () => {
    rejects({ ...base(), weight: { value: 4, unit: "kg" } }, "weight.value", /impossible weight/);
  });
  it("a negative ratio", () => {
    rejects({ ...base(), immune: { th1Th2Ratio: { value: -2 } } }, "immune.th1Th2Ratio.value", /cannot be negative/);
  });
  it("a negative TSH", () => {
    rejects({ ...base(), workup: { thyroid: { tsh: { value: -0.5, unit: "mU/L" } } } }, "workup.thyroid.tsh.value", /impossible TSH/);
  });
  it("an impossible eGFR", () => {
    rejects({ ...base(), safety: { egfr: { value: 400, unit: "mL/min/1.73m2" } } }, "safety.egfr.value", /impossible eGFR/);
  });
  it("a malformed date", () => {
    rejects({ losses: [{ gestationalWeek: 7, kind: "clinical", date: "12/03/2023" }] }, "losses[0].date", /YYYY-MM-DD/);
  });
  it("an impossible calendar date", () => {
    rejects({ losses: [{ gestationalWeek: 7, kind: "clinical", date: "2023-02-30" }] }, "losses[0].date", /YYYY-MM-DD/);
  });
  it("an unknown loss kind", () => {
    rejects({ losses: [{ gestationalWeek: 7, kind: "late" }] }, "losses[0].kind", /biochemical/);
  });
  it("a misspelt field", () => {
    rejects({ ...base(), immune: { uterineNK: { value: 8, unit: "%" } } }, "immune", /Unrecognized key: "uterineNK"/);
  });
  it("missing losses: said to be required (a list, [] for none), not 'expected array, received undefined'", () => {
    rejects({ age: 30 }, "losses", /field "losses": required, and missing \(a list; \[\] when there is none\)$/);
    // a value of the wrong type keeps what was received
    rejects({ age: 30, losses: "three" }, "losses", /expected array, received string/);
  });
  it("an impossible age", () => {
    rejects({ ...base(), age: 80 }, "age", /over 65/);
  });
  it("a live birth before 20 weeks", () => {
    rejects({ ...base(), liveBirths: [{ gestationalWeek: 18 }] }, "liveBirths[0].gestationalWeek", /from 20 weeks/);
  });
  it("an unknown therapy in treatedWith", () => {
    rejects({ losses: [{ gestationalWeek: 7, kind: "clinical", treatedWith: ["aspirin"] }] }, "losses[0].treatedWith[0]", /Invalid option/);
  });
  it("a positive test dated before the last menstrual period", () => {
    rejects({ ...base(), currentPregnancy: { lastMenstrualPeriod: "2025-01-10", positiveTestDate: "2025-01-01" } }, "currentPregnancy.positiveTestDate", /before the last menstrual period/);
  });
  it("a non-positive 99th percentile", () => {
    rejects(
      { ...base(), workup: { antiphospholipid: [{ date: "2024-01-01", b2gpiIgG: { value: 5, unit: "U/mL", percentile99: 0 } }] } },
      "workup.antiphospholipid[0].b2gpiIgG.percentile99",
      /must be positive/,
    );
  });
  it("an anti-paternal antibody result that is not positive/negative", () => {
    rejects({ ...base(), immune: { antiPaternalAntibodies: { result: "weak" } } }, "immune.antiPaternalAntibodies.result", /"positive" or "negative"/);
  });
  it("lists every problem when there are several", () => {
    try {
      parsePatientRecord({ losses: [{ gestationalWeek: 50, kind: "clinical" }], age: 5 });
      throw new Error("not rejected");
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      expect((e as InputError).message).toMatch(/losses\[0\]\.gestationalWeek/);
      expect((e as InputError).message).toMatch(/age: impossible age: under 12/);
    }
  });
});
