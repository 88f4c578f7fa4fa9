/**
 * CKD-EPI 2021 (Inker 2021, race-free, female constants as kidney.org states them) checked against the equation evaluated
 * by hand and a published worked example, and the
 * kidney-function check of tacrolimus and IVIG reading a creatinine when no eGFR is recorded (hazard H67).
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { assessPatient } from "../../src/clinical/index.js";
import { ckdEpi2021Female } from "../../src/clinical/units.js";
import { VIGNETTES, readJson } from "./helpers.js";

describe("CKD-EPI 2021 (female)", () => {
  it("matches the equation by hand on both sides of kappa (0.7 mg/dL)", () => {
    // 0.8 mg/dL, 35 years: 142 x 1 x (0.8/0.7)^-1.2 x 0.9938^35 x 1.012
    expect(ckdEpi2021Female(0.8 * 88.42, 35)).toBeCloseTo(142 * (0.8 / 0.7) ** -1.2 * 0.9938 ** 35 * 1.012, 10);
    expect(ckdEpi2021Female(0.8 * 88.42, 35)).toBeCloseTo(98.48, 1);
    // 0.5 mg/dL, 30 years: the alpha branch
    expect(ckdEpi2021Female(0.5 * 88.42, 30)).toBeCloseTo(142 * (0.5 / 0.7) ** -0.241 * 0.9938 ** 30 * 1.012, 10);
    // a published worked example (creatinineclearancecalculator.net, CKD-EPI 2021): a woman of 55, 0.9 mg/dL, "about 76"
    expect(ckdEpi2021Female(0.9 * 88.42, 55)).toBeCloseTo(75.5, 1);
    // 4.0 mg/dL, 35 years: severe impairment
    expect(Math.round(ckdEpi2021Female(4 * 88.42, 35))).toBe(14);
  });
});

describe("H67 a recorded creatinine is read when no eGFR is recorded", () => {
  it("H67 tacrolimus and IVIG read the eGFR from a recorded creatinine (CKD-EPI 2021) instead of calling it not recorded", () => {
    const rec = readJson(join(VIGNETTES, "v05-peripheral-nk-raised.json")) as { age: number; safety: Record<string, unknown> };
    const { egfr: _e, ...noEgfr } = rec.safety;
    const at = (value: number, unit: string) => assessPatient({ ...rec, safety: { ...noEgfr, creatinine: { value, unit } } }, { today: "2025-02-15" });
    const high = at(4, "mg/dL");
    const check = high.therapies.tacrolimus.safetyChecks.find((c) => c.id === "kidney-function");
    expect(check?.status).toBe("problem");
    expect(check?.detail).toMatch(/^eGFR \d+ mL\/min\/1\.73m² from creatinine 354 µmol\/L \(entered 4 mg\/dL\), age \d+ \(CKD-EPI 2021, Inker 2021\): below 60/);
    expect(high.therapies.tacrolimus.status).toBe("contraindicated");
    expect(high.therapies.ivig.safetyChecks.find((c) => c.id === "kidney-function")?.status).toBe("problem");
    const normal = at(62, "µmol/L").therapies.tacrolimus.safetyChecks.find((c) => c.id === "kidney-function");
    expect(normal?.status).toBe("ok");
  });
});

describe("H67 a creatinine without a recorded age", () => {
  it("H67 decides the kidney check when every age a record can hold gives the same side of the threshold, else names the age", () => {
    const rec = readJson(join(VIGNETTES, "v05-peripheral-nk-raised.json")) as { age: number; safety: Record<string, unknown> };
    const { egfr: _e, ...noEgfr } = rec.safety;
    const { age: _a, ...noAge } = rec;
    const at = (value: number, unit: string) => assessPatient({ ...noAge, safety: { ...noEgfr, creatinine: { value, unit } } }, { today: "2025-02-15" });
    const kidney = (a: ReturnType<typeof at>, t: "tacrolimus" | "ivig") => a.therapies[t].safetyChecks.find((c) => c.id === "kidney-function");
    // 350 µmol/L: about 17 at 12 years and lower at any older age: below 60 (tacrolimus) and 30 (IVIG) whatever her age
    const failing = at(350, "µmol/L");
    const highest = Math.round(ckdEpi2021Female(350, 12));
    expect(highest).toBeLessThan(30);
    expect(kidney(failing, "tacrolimus")?.status).toBe("problem");
    expect(kidney(failing, "tacrolimus")?.detail).toMatch(new RegExp(`^eGFR \\d+–${highest} mL/min/1\\.73m² from creatinine 350 µmol/L at any age from 12 to 65 \\(CKD-EPI 2021, Inker 2021; age not recorded\\): below 60 at any age`));
    expect(failing.therapies.tacrolimus.status).toBe("contraindicated");
    expect(failing.therapies.ivig.status).toBe("contraindicated");
    // 60 µmol/L: at least 60 at 65 years: fine whatever her age
    expect(Math.round(ckdEpi2021Female(60, 65))).toBeGreaterThanOrEqual(60);
    expect(kidney(at(60, "µmol/L"), "tacrolimus")?.status).toBe("ok");
    // 100 µmol/L: above 60 at 12, below at 65: the age decides, and is named as the pending step
    expect(Math.round(ckdEpi2021Female(100, 12))).toBeGreaterThanOrEqual(60);
    expect(Math.round(ckdEpi2021Female(100, 65))).toBeLessThan(60);
    const open = at(100, "µmol/L");
    expect(kidney(open, "tacrolimus")).toMatchObject({ status: "unknown", test: "Age, or an eGFR" });
  });
});
