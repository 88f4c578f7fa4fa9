/**
 * The default code map and its checks (src/interop/fhir/codes.ts): every international code has an entry in
 * CODE_CHECKS saying where it was verified or that it was not; codes carry a valid check digit; the codes added by
 * the check (current TSH assays, HBsAg without method) are read.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CODE_CHECKS, codeKey, DECIDUA_LOCAL, DEFAULT_CODES, LOINC, NEGATIVE_CODES, NORMAL_CODES, ABNORMAL_CODES, POSITIVE_CODES, PREGNANT_CODES, NOT_PREGNANT_CODES, RXNORM, SNOMED } from "../../src/interop/fhir/codes.js";
import { bundleToRecord } from "../../src/interop/fhir/import.js";
import { obs, TODAY, withResources } from "./helpers.js";

const defaults = [...DEFAULT_CODES.observations, ...DEFAULT_CODES.conditions, ...DEFAULT_CODES.procedures, ...DEFAULT_CODES.allergies, ...DEFAULT_CODES.outcomes];
const international = new Set<string>([
  ...defaults.filter((c) => c.system !== DECIDUA_LOCAL).map((c) => codeKey(c.system, c.code)),
  ...[POSITIVE_CODES, NEGATIVE_CODES, NORMAL_CODES, ABNORMAL_CODES, PREGNANT_CODES, NOT_PREGNANT_CODES].flatMap((s) => [...s]).filter((k) => k.startsWith(`${SNOMED}|`)),
]);

/** LOINC's mod-10 check digit (the digit after the hyphen). */
function loincCheckOk(code: string): boolean {
  const [num, check] = code.split("-");
  let sum = 0;
  [...(num ?? "")].reverse().forEach((ch, i) => {
    const d = Number(ch);
    const v = i % 2 === 0 ? d * 2 : d;
    sum += Math.floor(v / 10) + (v % 10);
  });
  return (10 - (sum % 10)) % 10 === Number(check);
}
const D = [[0,1,2,3,4,5,6,7,8,9],[1,2,3,4,0,6,7,8,9,5],[2,3,4,0,1,7,8,9,5,6],[3,4,0,1,2,8,9,5,6,7],[4,0,1,2,3,9,5,6,7,8],[5,9,8,7,6,0,4,3,2,1],[6,5,9,8,7,1,0,4,3,2],[7,6,5,9,8,2,1,0,4,3],[8,7,6,5,9,3,2,1,0,4],[9,8,7,6,5,4,3,2,1,0]]; // prettier-ignore
const P = [[0,1,2,3,4,5,6,7,8,9],[1,5,7,6,2,8,3,0,9,4],[5,8,0,3,7,9,6,1,4,2],[8,9,1,6,0,4,3,5,2,7],[9,4,5,3,1,2,6,8,7,0],[4,2,8,6,5,7,3,9,0,1],[2,7,9,3,8,0,6,4,1,5],[7,0,4,6,9,1,3,2,5,8]]; // prettier-ignore
/** SNOMED CT identifiers end in a Verhoeff check digit. */
function verhoeffOk(id: string): boolean {
  let c = 0;
  [...id].reverse().forEach((ch, i) => (c = D[c]![P[i % 8]![Number(ch)]!]!));
  return c === 0;
}

describe("the default code map's checks", () => {
  it("every LOINC / SNOMED CT / RxNorm code has a check entry, and no entry is stale", () => {
    const checked = new Set(Object.keys(CODE_CHECKS));
    expect([...international].filter((k) => !checked.has(k))).toEqual([]);
    expect([...checked].filter((k) => !international.has(k))).toEqual([]);
  });

  it("a verified code names the public page it was checked on; an unverified one says so", () => {
    for (const [k, c] of Object.entries(CODE_CHECKS)) {
      if (c.verified) expect(c.source, k).toMatch(/https?:\/\/|RELMA/);
      else expect(c.source, k).toMatch(/^not confirmed/);
    }
    // the check is honest in both directions: some codes could not be confirmed
    expect(Object.values(CODE_CHECKS).some((c) => !c.verified)).toBe(true);
    expect(Object.values(CODE_CHECKS).filter((c) => c.verified).length).toBeGreaterThanOrEqual(20);
  });

  it("docs/interop.md lists the verified and the unverified codes exactly as CODE_CHECKS marks them", () => {
    const doc = readFileSync(join(import.meta.dirname, "..", "..", "docs", "interop.md"), "utf8");
    const section = (title: string) => {
      const start = doc.indexOf(`*${title}*`);
      expect(start, title).toBeGreaterThanOrEqual(0);
      const end = doc.indexOf("\n\n", start);
      // LOINC codes (1234-5) and SNOMED CT / RxNorm ids; the parenthesised notes carry no codes
      return new Set([...doc.slice(start, end).replace(/\([^)]*\)/g, "").matchAll(/\b(\d{1,6}-\d|\d{4,})\b/g)].map((m) => m[1]));
    };
    const codeOf = (k: string) => k.slice(k.lastIndexOf("|") + 1);
    const verified = new Set(Object.entries(CODE_CHECKS).filter(([, c]) => c.verified).map(([k]) => codeOf(k)));
    const unverified = new Set(Object.entries(CODE_CHECKS).filter(([, c]) => !c.verified).map(([k]) => codeOf(k)));
    expect([...section("Verified")].sort()).toEqual([...verified].sort());
    expect([...section("Not verified")].sort()).toEqual([...unverified].sort());
  });

  it("every LOINC code has a valid mod-10 check digit and every SNOMED CT id a valid Verhoeff digit", () => {
    for (const k of international) {
      const [system, code] = [k.slice(0, k.lastIndexOf("|")), k.slice(k.lastIndexOf("|") + 1)];
      if (system === LOINC) expect(loincCheckOk(code), code).toBe(true);
      if (system === SNOMED) expect(verhoeffOk(code), code).toBe(true);
      if (system === RXNORM) expect(code).toMatch(/^\d+$/);
    }
    expect(loincCheckOk("3016-4")).toBe(false);
    expect(verhoeffOk("55464008")).toBe(false);
  });

  it("reads TSH from the current assays' codes (11579-0, 11580-8) and HBsAg coded 5195-3", () => {
    for (const code of ["11579-0", "11580-8"]) {
      const imp = bundleToRecord(withResources(obs("tsh2", LOINC, code, { valueQuantity: { value: 2.1, unit: "mIU/L", system: "http://unitsofmeasure.org", code: "m[IU]/L" } })), { today: TODAY });
      expect(imp.normalised.workup.thyroid?.tsh.value, code).toBeCloseTo(2.1, 10);
    }
    const hbs = bundleToRecord(withResources(obs("hbs", LOINC, "5195-3", { valueCodeableConcept: { coding: [{ system: SNOMED, code: "260385009" }] } })), { today: TODAY });
    expect(hbs.normalised.safety.hepatitisB).toBe("negative");
  });

  it("reads a unit as laboratories spell it: mIU/L as text only, mU/l (a litre written l), µIU/mL", () => {
    const tsh = (valueQuantity: Record<string, unknown>) => bundleToRecord(withResources(obs("tsh3", LOINC, "11580-8", { valueQuantity })), { today: TODAY }).normalised.workup.thyroid?.tsh.value;
    expect(tsh({ value: 2.1, unit: "mIU/L" })).toBeCloseTo(2.1, 10);
    expect(tsh({ value: 2.1, unit: "mU/l", system: "http://unitsofmeasure.org", code: "mU/l" })).toBeCloseTo(2.1, 10);
    // 1 µIU/mL is 1 mIU/L
    expect(tsh({ value: 2.1, unit: "µIU/mL" })).toBeCloseTo(2.1, 10);
    // a unit of another dimension is not read: the TSH counts as not done
    expect(tsh({ value: 2.1, unit: "mg/dL", system: "http://unitsofmeasure.org", code: "mg/dL" })).toBeUndefined();
  });
});
