/**
 * Import from a FHIR server an administrator configured: the real test EHR (Medplum's FHIR router on loopback,
 * bearer-protected), patient search by identifier and name, the record read with $everything where the server's
 * CapabilityStatement offers it and with per-type searches where it does not, preview then save as a new version;
 * a server that does not answer, answers an error or sends too much is a clear error and nothing is written.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client, ADMIN_PASSWORD, errorOf, startServer, userClient, type TestServer } from "../server/helpers.js";
import { startEhr, type TestEhr } from "./ehr.js";
import { profileBundle } from "./helpers.js";

type Preview = {
  previewId: string;
  server: { id: string; label: string; baseUrl: string };
  ehrPatient: { fhirId: string; name?: string; birthDate?: string };
  method: string;
  readAt: string;
  record: { losses: unknown[]; immune?: { uterineNk?: { value: number } }; medications?: unknown[] };
  unmapped: { resource: string; code: string; reason: string }[];
  warnings: string[];
};

async function listen(s: Server): Promise<string> {
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", () => r()));
  return `http://127.0.0.1:${(s.address() as AddressInfo).port}/fhir`;
}

for (const engine of ["sqlite", "postgres"] as const) {
  describe(`import from a configured FHIR server (${engine})`, () => {
    let ehr: TestEhr;
    let ehrEverything: TestEhr;
    let silent: Server;
    let huge: Server;
    let srv: TestServer;
    let admin: Client;
    let doc: Client;
    let researcher: Client;
    let patient: { id: string; version: number };
    const servers: Record<string, string> = {};

    beforeAll(async () => {
      ehr = await startEhr([profileBundle("a"), profileBundle("b")]);
      ehrEverything = await startEhr([profileBundle("a"), profileBundle("b")], { everything: true });
      ehr.tokens.add("decidua-server-token");
      ehrEverything.tokens.add("decidua-server-token");
      // a FHIR server that accepts the connection and never answers
      silent = createServer(() => {});
      // a FHIR server whose answer is larger than the import's size limit
      huge = createServer((_req, res) => {
        res.writeHead(200, { "content-type": "application/fhir+json" });
        res.end(JSON.stringify({ resourceType: "Patient", id: "rpl-a", text: { status: "generated", div: "x".repeat(300_000) } }));
      });
      const silentBase = await listen(silent);
      const hugeBase = await listen(huge);
      srv = await startServer(engine, { fhirImport: { totalMs: 6000, requestMs: 1500, maxBytes: 200_000 } });
      admin = new Client(srv.base);
      await admin.login("admin", ADMIN_PASSWORD);
      doc = await userClient(srv.base, admin, "drserver", "clinician");
      researcher = await userClient(srv.base, admin, "resserver", "researcher");
      for (const [key, label, baseUrl, bearerToken] of [
        ["search", "Hospital EHR (searches)", ehr.fhirBase, "decidua-server-token"],
        ["everything", "Hospital EHR ($everything)", ehrEverything.fhirBase, "decidua-server-token"],
        ["badToken", "EHR with a stale token", ehr.fhirBase.replace("127.0.0.1", "localhost"), "stale-token"],
        ["silent", "EHR that does not answer", silentBase, null],
        ["huge", "EHR that sends too much", hugeBase, null],
      ] as const) {
        const r = await admin.req("PUT", "/api/fhir/servers", { label, baseUrl, bearerToken });
        expect(r.status).toBe(200);
        servers[key] = (r.body as { server: { id: string } }).server.id;
      }
      const r = await doc.req("POST", "/api/patients", { displayName: "Asha Example", dateOfBirth: "1993-05-10", record: { losses: [] } });
      expect(r.status).toBe(201);
      patient = (r.body as { patient: { id: string; version: number } }).patient;
    });
    afterAll(async () => {
      await srv?.close();
      await ehr?.close();
      await ehrEverything?.close();
      silent?.closeAllConnections();
      await new Promise((r) => silent?.close(r));
      await new Promise((r) => huge?.close(r));
    });

    it("only administrators configure servers; clinicians see them without the token", async () => {
      expect((await doc.req("PUT", "/api/fhir/servers", { label: "x", baseUrl: "https://x.example/fhir" })).status).toBe(403);
      expect((await admin.req("PUT", "/api/fhir/servers", { label: "x", baseUrl: "ftp://x.example/fhir" })).status).toBe(400);
      const r = await doc.req("GET", "/api/fhir/servers");
      expect(r.status).toBe(200);
      const list = (r.body as { servers: { id: string; baseUrl: string; hasToken: boolean }[] }).servers;
      expect(list.find((s) => s.id === servers.search)).toMatchObject({ baseUrl: ehr.fhirBase, hasToken: true });
      expect(r.text).not.toContain("decidua-server-token");
      expect((await researcher.req("GET", "/api/fhir/servers")).status).toBe(403);
    });

    it("searches the server's patients by identifier and by name through the REST API", async () => {
      ehr.requests.length = 0;
      const byId = await doc.req("GET", `/api/fhir/servers/${servers.search}/patients?identifier=${encodeURIComponent("https://ehr.example/mrn|A-1001")}`);
      expect(byId.status).toBe(200);
      const hits = (byId.body as { patients: { id: string; name?: string; birthDate?: string; identifiers: { value: string }[] }[] }).patients;
      expect(hits).toHaveLength(1);
      expect(hits[0]).toMatchObject({ id: "rpl-a", name: "Asha Example", birthDate: "1993-05-10" });
      expect(hits[0]!.identifiers[0]!.value).toBe("A-1001");
      expect(ehr.requests.some((q) => q.startsWith("GET /fhir/Patient?identifier="))).toBe(true);
      const byName = await doc.req("GET", `/api/fhir/servers/${servers.search}/patients?name=Example`);
      expect((byName.body as { patients: { id: string }[] }).patients.map((p) => p.id).sort()).toEqual(["rpl-a", "rpl-b"]);
      const none = await doc.req("GET", `/api/fhir/servers/${servers.search}/patients?name=Nobody`);
      expect((none.body as { patients: unknown[] }).patients).toEqual([]);
      expect((await doc.req("GET", `/api/fhir/servers/${servers.search}/patients`)).status).toBe(400);
      expect((await doc.req("GET", `/api/fhir/servers/no-such-server/patients?name=x`)).status).toBe(404);
    });

    it("reads with per-type searches where $everything is not offered, previews without writing, saves exactly the preview", async () => {
      ehr.requests.length = 0;
      const r = await doc.req("POST", `/api/patients/${patient.id}/fhir-server-import/preview`, { serverId: servers.search, ehrPatientId: "rpl-a" });
      expect(r.status).toBe(200);
      const p = r.body as Preview;
      expect(p.method).toBe("search");
      expect(ehr.requests).toContain("GET /fhir/metadata");
      expect(ehr.requests.some((q) => q.startsWith("GET /fhir/Observation?patient=Patient"))).toBe(true);
      expect(ehr.requests.some((q) => q.includes("$everything"))).toBe(false);
      expect(p.ehrPatient).toMatchObject({ fhirId: "rpl-a", birthDate: "1993-05-10" });
      expect(p.record.losses).toHaveLength(4);
      expect(p.record.immune?.uterineNk?.value).toBe(9.5);
      expect(p.unmapped.map((u) => u.resource)).toEqual(expect.arrayContaining(["Observation/rpl-a-hb", "Condition/rpl-a-rm"]));
      expect(p.record.medications).toEqual([{ name: "Folic acid", since: "2024-01-01" }]);
      for (const u of p.unmapped) expect(u.code).not.toBe("");
      // nothing written by the preview
      const before = await doc.req("GET", `/api/patients/${patient.id}`);
      expect((before.body as { patient: { version: number } }).patient.version).toBe(patient.version);
      // someone else cannot save this clinician's preview
      const other = await userClient(srv.base, admin, "drother", "clinician");
      expect((await other.req("POST", `/api/patients/${patient.id}/fhir-server-import`, { previewId: p.previewId, version: patient.version })).status).toBe(404);
      const s = await doc.req("POST", `/api/patients/${patient.id}/fhir-server-import`, { previewId: p.previewId, version: patient.version });
      expect(s.status).toBe(200);
      const saved = s.body as { patient: { version: number; record: { immune: { uterineNk: { value: number } } } }; importedAt: string; source: { label: string }; unmapped: unknown[] };
      expect(saved.patient.version).toBe(patient.version + 1);
      expect(saved.patient.record.immune.uterineNk.value).toBe(9.5);
      expect(saved.importedAt).toBe(p.readAt);
      expect(saved.source.label).toBe("Hospital EHR (searches)");
      expect(saved.unmapped).toHaveLength(p.unmapped.length);
      patient.version = saved.patient.version;
      // a preview is saved once
      expect((await doc.req("POST", `/api/patients/${patient.id}/fhir-server-import`, { previewId: p.previewId, version: patient.version })).status).toBe(404);
      const a = await doc.req("GET", `/api/patients/${patient.id}/assessment`);
      expect((a.body as { assessment: { therapies: { lit: { status: string } } } }).assessment.therapies.lit.status).toBe("protocol-eligible");
      const audit = await admin.req("GET", "/api/audit?action=patient.fhir-import");
      const entry = (audit.body as { entries: { patientId: string; detail: string }[] }).entries[0]!;
      expect(entry.patientId).toBe(patient.id);
      expect(JSON.parse(entry.detail)).toMatchObject({ server: ehr.fhirBase, ehrPatient: "rpl-a", method: "search" });
    });

    it("uses Patient/$everything where the CapabilityStatement offers it, with the same record", async () => {
      ehrEverything.requests.length = 0;
      const r = await doc.req("POST", `/api/patients/${patient.id}/fhir-server-import/preview`, { serverId: servers.everything, ehrPatientId: "rpl-a" });
      expect(r.status).toBe(200);
      const p = r.body as Preview;
      expect(p.method).toBe("$everything");
      expect(ehrEverything.requests.some((q) => q.startsWith("GET /fhir/Patient/rpl-a/$everything"))).toBe(true);
      expect(ehrEverything.requests.some((q) => q.startsWith("GET /fhir/Observation?"))).toBe(false);
      const viaSearch = (await doc.req("POST", `/api/patients/${patient.id}/fhir-server-import/preview`, { serverId: servers.search, ehrPatientId: "rpl-a" })).body as Preview;
      expect(p.record).toEqual(viaSearch.record);
      expect(p.unmapped.map((u) => u.resource).sort()).toEqual(viaSearch.unmapped.map((u) => u.resource).sort());
    });

    it("an unknown EHR patient is a 404; a refused token, a silent server or a too-large answer is a 502; nothing is written", async () => {
      const tries: [string, string, number, RegExp][] = [
        [servers.search!, "no-such-patient", 404, /answered 404/],
        [servers.badToken!, "rpl-a", 502, /answered 401/],
        [servers.silent!, "rpl-a", 502, /did not (answer|finish)/],
        [servers.huge!, "rpl-a", 502, /larger than the size limit/],
      ];
      for (const [serverId, ehrPatientId, status, why] of tries) {
        const t0 = Date.now();
        const r = await doc.req("POST", `/api/patients/${patient.id}/fhir-server-import/preview`, { serverId, ehrPatientId });
        expect(r.status, `${serverId} ${ehrPatientId}`).toBe(status);
        expect(errorOf(r).message).toMatch(why);
        expect(Date.now() - t0).toBeLessThan(6500);
      }
      const silentSearch = await doc.req("GET", `/api/fhir/servers/${servers.silent}/patients?name=x`);
      expect(silentSearch.status).toBe(502);
      const p = await doc.req("GET", `/api/patients/${patient.id}`);
      expect((p.body as { patient: { version: number } }).patient.version).toBe(patient.version);
      expect((await doc.req("POST", `/api/patients/${patient.id}/fhir-server-import/preview`, { serverId: servers.search, ehrPatientId: "../Observation/x" })).status).toBe(400);
      expect((await researcher.req("POST", `/api/patients/${patient.id}/fhir-server-import/preview`, { serverId: servers.search, ehrPatientId: "rpl-a" })).status).toBe(403);
    });

    it("a record the mapper refuses is a 400 naming the resource, and nothing is written", async () => {
      // an impossible TSH (the record's range ends at 500 mIU/L)
      const tsh = (await ehr.repo.readResource("Observation", "rpl-a-tsh")) as unknown as { valueQuantity: { value: number } };
      const original = tsh.valueQuantity.value;
      await ehr.repo.updateResource({ ...(tsh as object), valueQuantity: { ...tsh.valueQuantity, value: 9000 } } as never);
      try {
        const r = await doc.req("POST", `/api/patients/${patient.id}/fhir-server-import/preview`, { serverId: servers.search, ehrPatientId: "rpl-a" });
        expect(r.status).toBe(400);
        expect(errorOf(r).field).toBe("Observation/rpl-a-tsh → workup.thyroid.tsh.value");
      } finally {
        await ehr.repo.updateResource({ ...(tsh as object), valueQuantity: { ...tsh.valueQuantity, value: original } } as never);
      }
      const p = await doc.req("GET", `/api/patients/${patient.id}`);
      expect((p.body as { patient: { version: number } }).patient.version).toBe(patient.version);
    });
  });
}
