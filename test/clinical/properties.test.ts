import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { assessPatient, parsePatientRecord } from "../../src/clinical/index.js";
import { InputError } from "../../src/shared/errors.js";
import { THERAPY_IDS } from "../../src/shared/therapies.js";
import { EXAMPLES, readJson } from "./helpers.js";

const profileA = readJson(join(EXAMPLES, "profile-a.json")) as Record<string, unknown> & { immune: Record<string, unknown> };
const withUnk = (value: number, unit: string) => ({ ...profileA, immune: { ...profileA.immune, uterineNk: { value, unit } } });
const statuses = (rec: unknown) => {
  const a = assessPatient(rec, { today: "2024-09-01" });
  return THERAPY_IDS.map((t) => a.therapies[t].status);
};

describe("properties", () => {
  it("a uterine NK value gives the same verdicts written as a percentage or as a fraction", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1000 }), (k) => {
        const pct = k / 10;
        expect(statuses(withUnk(pct / 100, "fraction"))).toEqual(statuses(withUnk(pct, "%")));
      }),
      { numRuns: 60 },
    );
  });

  it("prednisolone for profile (a) is protocol-eligible exactly when uterine NK is at least 5% (Quenby 2005), else not indicated", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 400 }), (k) => {
        const v = k / 20; // 0 to 20% in 0.05 steps, hitting 5.00 exactly
        const a = assessPatient(withUnk(v, "%"), { today: "2024-09-01" });
        expect(a.therapies.prednisolone.status).toBe(v >= 5 ? "protocol-eligible" : "not-indicated");
      }),
      { numRuns: 80 },
    );
  });

  it("any JSON input either parses or is rejected with an InputError (never another exception)", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        try {
          parsePatientRecord(v);
        } catch (e) {
          expect(e).toBeInstanceOf(InputError);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("random changes inside a valid record either parse or name a field", () => {
    const leaves = ["age", "weight.value", "losses.0.gestationalWeek", "immune.uterineNk.value", "workup.thyroid.tsh.value", "workup.thyroid.tsh.unit", "losses.0.date"];
    fc.assert(
      fc.property(fc.constantFrom(...leaves), fc.oneof(fc.double(), fc.string(), fc.integer(), fc.constant(null)), (path, value) => {
        const rec = structuredClone(profileA) as Record<string, unknown>;
        const keys = path.split(".");
        let o = rec as Record<string, unknown>;
        for (const k of keys.slice(0, -1)) o = o[k] as Record<string, unknown>;
        o[keys[keys.length - 1]!] = value;
        try {
          parsePatientRecord(rec);
        } catch (e) {
          expect(e).toBeInstanceOf(InputError);
          expect((e as InputError).location.field).toMatch(/^[a-zA-Z]/);
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe("purity", () => {
  it("assessing does not change the input and gives the same answer twice", () => {
    const input = structuredClone(profileA);
    const a1 = assessPatient(input, { today: "2024-09-01", planStart: "2024-09-02" });
    expect(input).toEqual(profileA);
    const a2 = assessPatient(input, { today: "2024-09-01", planStart: "2024-09-02" });
    expect(JSON.stringify(a2)).toBe(JSON.stringify(a1));
  });
});
