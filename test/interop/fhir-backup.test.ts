/** Backup and restore carry the EHR integration's tables (0008_fhir, 0011_fhir_servers) on both engines. */
import { describe, expect, it } from "vitest";
import { backupStore, parseBackup, restoreStore, Store } from "../../src/store/index.js";
import { getFhirServer, listCdsClients, listEhrUsers, listFhirServers, listSmartEhrs, mapEhrUser, putCdsClient, putFhirServer, putSmartEhr, saveSmartLaunch, takeSmartLaunch } from "../../src/store/fhir.js";
import { createTestDb, ENGINES } from "../store/engines.js";

const actor = { username: "admin", route: "test" };
const at = "2026-12-01T10:00:00.000Z";

describe.each(ENGINES)("backup of the FHIR tables from %s", (source) => {
  describe.each(ENGINES)("restored into %s", (target) => {
    it("keeps CDS clients, SMART EHRs, EHR users and FHIR servers (token included); pending launches are left out", async () => {
      const srcDb = await createTestDb(source);
      const dstDb = await createTestDb(target);
      try {
        const src = await Store.open(srcDb.config, { scryptLogN: 10 });
        const doc = await src.createUser({ username: "drlee", displayName: "Dr Lee", role: "clinician", password: "pw-drlee-12345" });
        await putCdsClient(src, { iss: "https://ehr.example/cds", label: "EHR", jwksUrl: "https://ehr.example/jwks.json", jwks: null }, actor, at);
        await putCdsClient(src, { iss: "https://other.example", label: "Other", jwksUrl: null, jwks: JSON.stringify({ keys: [{ kty: "EC", crv: "P-384", x: "x", y: "y" }] }) }, actor, at);
        await putSmartEhr(src, { iss: "https://ehr.example/fhir", clientId: "decidua", label: "EHR" }, actor, at);
        await mapEhrUser(src, { iss: "https://ehr.example/fhir", ehrUser: "Practitioner/dr-a", userId: doc.id }, actor, at);
        await putFhirServer(src, { label: "Hospital EHR", baseUrl: "https://ehr.example/fhir/", bearerToken: "s3cret-token" }, actor, at);
        await putFhirServer(src, { label: "Lab", baseUrl: "https://lab.example/fhir" }, actor, at);
        await saveSmartLaunch(src, "state-1", "https://ehr.example/fhir", { verifier: "v" }, at, "2099-01-01T00:00:00.000Z");
        const before = { cds: await listCdsClients(src), ehrs: await listSmartEhrs(src), users: await listEhrUsers(src), servers: await listFhirServers(src) };
        expect(before.servers.map((s) => s.baseUrl)).toEqual(["https://ehr.example/fhir", "https://lab.example/fhir"]);
        const text = JSON.stringify(await backupStore(src));
        await src.close();
        const dump = parseBackup(text);
        expect(dump.tables.fhir_servers).toHaveLength(2);
        expect(dump.tables.cds_clients).toHaveLength(2);
        expect(dump.tables.ehr_users).toHaveLength(1);
        expect(dump.tables.smart_ehrs).toHaveLength(1);
        expect(text).not.toContain("state-1");

        const dst = await Store.open(dstDb.config, { scryptLogN: 10 });
        await restoreStore(dst, dump);
        expect({ cds: await listCdsClients(dst), ehrs: await listSmartEhrs(dst), users: await listEhrUsers(dst), servers: await listFhirServers(dst) }).toEqual(before);
        const hosp = before.servers.find((s) => s.label === "Hospital EHR")!;
        expect((await getFhirServer(dst, hosp.id))?.bearerToken).toBe("s3cret-token");
        expect(await takeSmartLaunch(dst, "state-1", at)).toBeNull();
        // the restored EHR user still points at the restored clinician
        expect((await dst.getUser((await listEhrUsers(dst))[0]!.userId))?.username).toBe("drlee");
        await expect(restoreStore(dst, dump)).rejects.toThrow(/not empty/);
        await dst.close();
      } finally {
        await srcDb.drop();
        await dstDb.drop();
      }
    });
  });
});

describe("older backups", () => {
  it("a backup written before the FHIR tables existed still parses (the tables default to empty)", async () => {
    const db = await createTestDb("sqlite");
    try {
      const s = await Store.open(db.config, { scryptLogN: 10 });
      const b = await backupStore(s);
      await s.close();
      const old = { ...b, tables: Object.fromEntries(Object.entries(b.tables).filter(([k]) => !["cds_clients", "smart_ehrs", "ehr_users", "fhir_servers"].includes(k))) };
      const p = parseBackup(JSON.stringify(old));
      expect(p.tables.fhir_servers).toEqual([]);
      expect(p.tables.cds_clients).toEqual([]);
    } finally {
      await db.drop();
    }
  });
});
