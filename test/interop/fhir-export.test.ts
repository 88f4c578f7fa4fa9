import { beforeAll, describe, expect, it } from "vitest";
import { assessPatient } from "../../src/clinical/assess.js";
import { evidenceLookupFromBase } from "../../src/clinical/evidence-base.js";
import { loadDefaultEvidenceBase } from "../../src/evidence/load.js";
import { assessmentToBundle, DECIDUA_VERDICT_SYSTEM } from "../../src/interop/fhir/export.js";
import { THERAPY_IDS } from "../../src/shared/therapies.js";
import { loadR4Definitions, r4Errors } from "./r4-validator.js";
import { profileBundle, profileRecord, TODAY } from "./helpers.js";

type Res = { resourceType: string; id: string } & Record<string, unknown>;
const NOW = "2026-12-01T10:00:00Z";

describe("Decidua assessment → FHIR R4 resources", () => {
  let lookup: ReturnType<typeof evidenceLookupFromBase>;
  beforeAll(() => {
    loadR4Definitions();
    lookup = evidenceLookupFromBase(loadDefaultEvidenceBase());
  });

  const exportOf = (record: unknown, planStart?: string) =>
    assessmentToBundle(assessPatient(record, { today: TODAY, evidence: lookup, ...(planStart !== undefined ? { planStart, assumedLmp: "2027-01-10" } : {}) }), {
      patientReference: "Patient/rpl-a",
      now: NOW,
      evidenceVersion: "test-1",
    });

  it("the validator is real: it rejects an invalid resource", () => {
    expect(r4Errors({ resourceType: "GuidanceResponse", status: "nonsense", subject: { reference: "Patient/x" } }).length).toBeGreaterThan(0);
    expect(r4Errors({ resourceType: "Patient", birthDate: "1993-05-10" })).toEqual([]);
  });

  it("every resource of profile (a)'s assessment with plans validates against the R4 StructureDefinitions", () => {
    const b = exportOf(profileRecord("a"), "2026-12-07");
    expect(r4Errors(b)).toEqual([]);
    for (const e of b.entry) expect(r4Errors(e.resource), `${e.resource.resourceType}/${e.resource.id}`).toEqual([]);
    const types = new Set(b.entry.map((e) => e.resource.resourceType));
    for (const t of ["GuidanceResponse", "CarePlan", "MedicationRequest", "DocumentReference"]) expect(types.has(t), t).toBe(true);
    const grs = b.entry.map((e) => e.resource).filter((r) => r.resourceType === "GuidanceResponse");
    expect(grs).toHaveLength(THERAPY_IDS.length);
    const lit = grs.find((r) => r.moduleUri === "https://decidua.example/fhir/PlanDefinition/lit") as Res;
    const codes = (lit.reasonCode as { coding: { system: string; code: string }[] }[]).flatMap((c) => c.coding);
    expect(codes.find((c) => c.system === DECIDUA_VERDICT_SYSTEM)?.code).toBe("protocol-eligible");
    const notes = (lit.note as { text: string }[]).map((n) => n.text).join("\n");
    expect(notes).toMatch(/uterine NK/i);
    expect(notes).toMatch(/Evidence \(base test-1\)/);
    expect(notes).toMatch(/Guideline .*\((verified|not verified)\)/);
  });

  it("a contraindication becomes a DetectedIssue and missing investigations ServiceRequests; all validate", () => {
    const rec = structuredClone(profileRecord("a")) as { safety: Record<string, unknown>; workup: Record<string, unknown> };
    rec.safety.igaDeficiency = true;
    delete rec.workup.thyroid;
    const b = exportOf(rec);
    for (const e of b.entry) expect(r4Errors(e.resource), `${e.resource.resourceType}/${e.resource.id}`).toEqual([]);
    const issues = b.entry.map((e) => e.resource).filter((r) => r.resourceType === "DetectedIssue");
    expect(issues.length).toBeGreaterThan(0);
    expect(issues.every((i) => i.severity === "high")).toBe(true);
    const orders = b.entry.map((e) => e.resource).filter((r) => r.resourceType === "ServiceRequest");
    expect(orders.some((o) => JSON.stringify(o.code).includes("3016-3"))).toBe(true);
    const missingGr = b.entry.map((e) => e.resource).find((r) => r.resourceType === "GuidanceResponse" && r.status === "data-required");
    expect(missingGr).toBeDefined();
  });

  it("the summary DocumentReference carries the patient and clinician summaries as Markdown", () => {
    const b = exportOf(profileRecord("b"));
    const doc = b.entry.map((e) => e.resource).find((r) => r.resourceType === "DocumentReference") as Res;
    const data = (doc.content as { attachment: { data: string; contentType: string } }[])[0]!.attachment;
    expect(data.contentType).toBe("text/markdown");
    const md = Buffer.from(data.data, "base64").toString("utf8");
    expect(md).toContain("## For the clinician");
    expect(md).toMatch(/premature/);
  });

  it("the importer's own test bundles are valid R4 too", () => {
    for (const p of ["a", "b"] as const) {
      const b = profileBundle(p);
      for (const e of b.entry) expect(r4Errors(e.resource), `${String(e.resource.resourceType)}/${String(e.resource.id)}`).toEqual([]);
    }
  });
});
