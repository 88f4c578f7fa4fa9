import { describe, expect, it } from "vitest";
import { assessRecord } from "../../src/clinical/assess.js";
import { assessmentCards } from "../../src/interop/cds/cards.js";
import { LOINC, SNOMED } from "../../src/interop/fhir/codes.js";
import { bundleToRecord } from "../../src/interop/fhir/import.js";
import { obs, profileBundle, TODAY } from "./helpers.js";

const opts = () => {
  let n = 0;
  return { newId: () => `id-${++n}`, evidenceVersion: "v1", appUrl: "http://decidua.test", smartLaunchUrl: "http://decidua.test/smart/launch", readAt: "2026-12-01T10:00:00Z", patientReference: "Patient/rpl-a" };
};
const igaDeficiency = { resourceType: "Condition", id: "iga", code: { coding: [{ system: SNOMED, code: "29260007" }] }, subject: { reference: "Patient/rpl-a" } };
// a week before TODAY: a status dated far back would be of a pregnancy that has ended (fhir-import.test.ts)
const pregnant = obs("preg", LOINC, "82810-3", {
  effectiveDateTime: "2026-11-24",
  valueCodeableConcept: { coding: [{ system: SNOMED, code: "77386006" }] },
  component: [{ code: { coding: [{ system: LOINC, code: "18185-9" }] }, valueQuantity: { value: 45, unit: "d", system: "http://unitsofmeasure.org", code: "d" } }],
});

function cardsFor(...extra: Record<string, unknown>[]) {
  const b = profileBundle("a");
  const bundle = { ...b, entry: [...b.entry, ...extra.map((resource) => ({ resource }))] };
  const imp = bundleToRecord(bundle, { today: TODAY });
  return { imp, cards: assessmentCards(assessRecord(imp.normalised, { today: TODAY }), imp, opts()) };
}

describe("CDS cards from the verdicts", () => {
  it("reads the EHR's pregnancy status (LOINC 82810-3) with its gestational age", () => {
    expect(cardsFor(pregnant).imp.normalised.currentPregnancy).toEqual({ gestationalWeek: 6 });
  });

  it("a contraindication is critical while the patient is pregnant and a warning otherwise", () => {
    const notPregnant = cardsFor(igaDeficiency).cards.filter((c) => c.summary.includes("contraindicated"));
    expect(notPregnant.length).toBeGreaterThan(0);
    expect(notPregnant.every((c) => c.indicator === "warning")).toBe(true);
    expect(notPregnant[0]!.detail).toMatch(/\*\*Contraindications:\*\*\n- .*IgA/);
    const now = cardsFor(igaDeficiency, pregnant).cards.filter((c) => c.summary.includes("contraindicated"));
    expect(now.length).toBeGreaterThan(0);
    expect(now.every((c) => c.indicator === "critical")).toBe(true);
  });

  it("an incomplete EHR record is said on every verdict card", () => {
    const { cards } = cardsFor(obs("n", LOINC, "11612-9", { valueQuantity: { value: 6 } }));
    const verdicts = cards.filter((c) => c.source.topic !== undefined);
    expect(verdicts.length).toBeGreaterThan(0);
    for (const c of verdicts) {
      expect(c.summary.startsWith("[EHR record incomplete]")).toBe(true);
      expect(c.indicator).not.toBe("info");
      expect([...c.summary].length).toBeLessThanOrEqual(140);
    }
  });
});
