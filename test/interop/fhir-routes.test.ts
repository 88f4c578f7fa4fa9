import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client, ADMIN_PASSWORD, errorOf, startServer, userClient, type TestServer } from "../server/helpers.js";
import { r4Errors } from "./r4-validator.js";
import { profileBundle } from "./helpers.js";

for (const engine of ["sqlite", "postgres"] as const) {
  describe(`FHIR import / export of a stored patient (${engine})`, () => {
    let srv: TestServer;
    let doc: Client;
    let researcher: Client;
    let patient: { id: string; version: number };

    beforeAll(async () => {
      srv = await startServer(engine);
      const admin = new Client(srv.base);
      await admin.login("admin", ADMIN_PASSWORD);
      doc = await userClient(srv.base, admin, "drfhir", "clinician");
      researcher = await userClient(srv.base, admin, "resfhir", "researcher");
      const r = await doc.req("POST", "/api/patients", { displayName: "Bea Example", dateOfBirth: "1995-03-02", record: { losses: [] } });
      expect(r.status).toBe(201);
      patient = (r.body as { patient: { id: string; version: number } }).patient;
    });
    afterAll(async () => srv?.close());

    it("imports a Bundle as a new record version and lists what it did not read", async () => {
      const r = await doc.req("POST", `/api/patients/${patient.id}/fhir-import`, { bundle: profileBundle("a"), version: patient.version });
      expect(r.status).toBe(200);
      const body = r.body as { patient: { version: number; record: { losses: unknown[]; immune: { uterineNk: { value: number } } } }; unmapped: { resource: string }[] };
      expect(body.patient.version).toBe(patient.version + 1);
      expect(body.patient.record.losses).toHaveLength(4);
      expect(body.patient.record.immune.uterineNk.value).toBe(9.5);
      expect(body.unmapped.map((u) => u.resource)).toContain("Observation/rpl-a-hb");
      // the active medication statement is the record's current medication
      expect((body.patient.record as { medications?: unknown }).medications).toEqual([{ name: "Folic acid", since: "2024-01-01" }]);
      patient.version = body.patient.version;
      const a = await doc.req("GET", `/api/patients/${patient.id}/assessment`);
      expect((a.body as { assessment: { therapies: { lit: { status: string } } } }).assessment.therapies.lit.status).toBe("protocol-eligible");
    });

    it("an EHR export of 1,000 entries (as Synthea's) is taken, beyond the 200 entries other requests may hold", async () => {
      const b = profileBundle("a") as { entry: { resource: Record<string, unknown> }[] };
      const patientRef = (b.entry.find((e) => e.resource.resourceType === "Patient")!.resource as { id: string }).id;
      const extra = Array.from({ length: 1000 - b.entry.length }, (_, i) => ({
        fullUrl: `urn:uuid:enc-${i}`,
        resource: { resourceType: "Encounter", id: `enc-${i}`, status: "finished", class: { system: "http://terminology.hl7.org/CodeSystem/v3-ActCode", code: "AMB" }, subject: { reference: `Patient/${patientRef}` } },
      }));
      const big = { ...b, entry: [...b.entry, ...extra] };
      const cur = (await doc.req("GET", `/api/patients/${patient.id}`)).body as { patient: { version: number } };
      const r = await doc.req("POST", `/api/patients/${patient.id}/fhir-import`, { bundle: big, version: cur.patient.version });
      expect(r.status, r.text.slice(0, 200)).toBe(200);
      patient.version = (r.body as { patient: { version: number } }).patient.version;
    });

    it("a bad Bundle is a 400 naming the resource and field, and writes nothing", async () => {
      const b = profileBundle("a");
      // an impossible TSH (the record's range ends at 500 mIU/L) refuses the whole import
      (b.entry.find((e) => e.resource.id === "rpl-a-tsh")!.resource as { valueQuantity: { value: number } }).valueQuantity.value = 9000;
      const r = await doc.req("POST", `/api/patients/${patient.id}/fhir-import`, { bundle: b, version: patient.version });
      expect(r.status).toBe(400);
      expect(errorOf(r).field).toBe("Observation/rpl-a-tsh → workup.thyroid.tsh.value");
      const stu3 = await doc.req("POST", `/api/patients/${patient.id}/fhir-import`, { bundle: { resourceType: "Bundle", type: "collection", entry: [{ resource: { resourceType: "ProcedureRequest" } }] }, version: patient.version });
      expect(stu3.status).toBe(400);
      expect(errorOf(stu3).message).toMatch(/not FHIR R4/);
      const p = await doc.req("GET", `/api/patients/${patient.id}`);
      expect((p.body as { patient: { version: number } }).patient.version).toBe(patient.version);
      expect((await researcher.req("POST", `/api/patients/${patient.id}/fhir-import`, { bundle: profileBundle("a"), version: patient.version })).status).toBe(403);
    });

    it("exports the assessment as a valid R4 Bundle (clinicians only)", async () => {
      const r = await doc.req("GET", `/api/patients/${patient.id}/assessment.fhir`);
      expect(r.status).toBe(200);
      expect(r.headers.get("content-type")).toMatch(/application\/fhir\+json/);
      const b = JSON.parse(r.text) as { resourceType: string; entry: { resource: { resourceType: string } }[] };
      expect(r4Errors(b)).toEqual([]);
      expect(b.entry.filter((e) => e.resource.resourceType === "GuidanceResponse")).toHaveLength(11);
      expect((await researcher.req("GET", `/api/patients/${patient.id}/assessment.fhir`)).status).toBe(403);
    });
  });
}
