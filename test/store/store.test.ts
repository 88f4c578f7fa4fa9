import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { sql } from "kysely";
import { Store, ConflictError, backupStore, restoreStore, parseBackup, TABLES } from "../../src/store/index.js";
import { verifyPassword, hashPassword } from "../../src/store/passwords.js";
import { createTestDb, ENGINES, type TestDb } from "./engines.js";

const actor = { username: "dr.a", route: "test" };
const recordA = { losses: [{ gestationalWeek: 7 }, { gestationalWeek: 8 }], note: "first" };

describe("passwords (scrypt)", () => {
  it("verifies the right password, rejects a wrong one, salts per hash", async () => {
    const h1 = await hashPassword("correct horse", 12);
    const h2 = await hashPassword("correct horse", 12);
    expect(h1).not.toBe(h2);
    expect(h1.startsWith("scrypt$12$8$1$")).toBe(true);
    expect(await verifyPassword("correct horse", h1)).toBe(true);
    expect(await verifyPassword("correct horsf", h1)).toBe(false);
    expect(await verifyPassword("x", "plain-text")).toBe(false);
  });
});

describe.each(ENGINES)("store on %s", (engine) => {
  let tdb: TestDb;
  let store: Store;
  let fault: string | null = null;

  beforeAll(async () => {
    tdb = await createTestDb(engine);
  });
  afterAll(async () => {
    await tdb.drop();
  });
  beforeEach(async () => {
    store = await Store.open(tdb.config, {
      scryptLogN: 10,
      faultPoint: (p) => {
        if (p === fault) throw new Error(`injected failure at ${p}`);
      },
    });
  });
  afterEach(async () => {
    fault = null;
    // empty every table but the audit log (append-only) between tests; the audit log is filtered by patient
    await store.db.deleteFrom("followups").execute();
    await store.db.deleteFrom("record_history").execute();
    await store.db.deleteFrom("patients").execute();
    await store.db.deleteFrom("sessions").execute();
    await store.db.deleteFrom("users").execute();
    await store.close();
  });

  it("migrations are idempotent (reopen runs none twice)", async () => {
    const again = await Store.open(tdb.config, { scryptLogN: 10 });
    expect(await again.countUsers()).toBe(0);
    await again.close();
  });

  it("creates users, authenticates, rejects wrong password and disabled accounts", async () => {
    const u = await store.createUser({ username: "alice", displayName: "Alice", role: "clinician", password: "pw-alice-123" });
    expect((await store.authenticate("alice", "pw-alice-123"))?.id).toBe(u.id);
    expect(await store.authenticate("alice", "wrong")).toBeNull();
    expect(await store.authenticate("nobody", "pw-alice-123")).toBeNull();
    await expect(store.createUser({ username: "alice", displayName: "A2", role: "admin", password: "x".repeat(10) })).rejects.toBeInstanceOf(ConflictError);
    await store.updateUser(u.id, { disabled: true });
    expect(await store.authenticate("alice", "pw-alice-123")).toBeNull();
  });

  it("sessions: token lookup, expiry, disabled user, delete", async () => {
    const u = await store.createUser({ username: "bob", displayName: "Bob", role: "researcher", password: "pw-bob-12345" });
    const s = await store.createSession(u.id, 60_000);
    const got = await store.getSession(s.token);
    expect(got?.user.username).toBe("bob");
    expect(got?.csrfToken).toBe(s.csrfToken);
    expect(await store.getSession("not-a-token")).toBeNull();
    const expired = await store.createSession(u.id, -1);
    expect(await store.getSession(expired.token)).toBeNull();
    await store.deleteSession(s.token);
    expect(await store.getSession(s.token)).toBeNull();
    const s2 = await store.createSession(u.id, 60_000);
    await store.updateUser(u.id, { disabled: true });
    expect(await store.getSession(s2.token)).toBeNull();
  });

  it("creates, updates and keeps every previous version of a patient", async () => {
    const p = await store.createPatient({ displayName: "Jane Roe", dateOfBirth: "1988-04-02", record: recordA }, actor);
    expect(p.version).toBe(1);
    expect(p.pseudonymId).toMatch(/^P-[2-9A-Z]{6}$/);
    expect(Math.abs(p.dateShiftDays)).toBeGreaterThanOrEqual(1);
    expect(Math.abs(p.dateShiftDays)).toBeLessThanOrEqual(180);
    const v2 = await store.updatePatient(p.id, { displayName: "Jane Roe", dateOfBirth: "1988-04-02", record: { ...recordA, note: "second" } }, 1, { username: "dr.b", route: "test" });
    expect(v2.version).toBe(2);
    const v3 = await store.updatePatient(p.id, { displayName: "Jane R.", dateOfBirth: "1988-04-03", record: { ...recordA, note: "third" } }, 2, actor);
    expect(v3.version).toBe(3);
    expect(v3.updatedBy).toBe("dr.a");
    const hist = await store.patientHistory(p.id);
    expect(hist.map((h) => h.version)).toEqual([2, 1]);
    expect(hist[1]?.record).toEqual(recordA);
    expect(hist[0]?.record).toEqual({ ...recordA, note: "second" });
    expect(hist[0]?.changedBy).toBe("dr.a");
    expect(hist[1]?.changedBy).toBe("dr.b");
    expect((await store.getPatient(p.id))?.record).toEqual({ ...recordA, note: "third" });
    // stale version is refused and changes nothing
    await expect(store.updatePatient(p.id, { displayName: "X", dateOfBirth: "1988-04-02", record: {} }, 2, actor)).rejects.toBeInstanceOf(ConflictError);
    expect((await store.getPatient(p.id))?.displayName).toBe("Jane R.");
    const audit = await store.listAudit({ patientId: p.id });
    expect(audit.entries.map((e) => e.action)).toEqual(["patient.update", "patient.update", "patient.create"]);
  });

  it("two saves of the same version at once: one wins, the other gets a conflict, history has one entry", async () => {
    const p = await store.createPatient({ displayName: "Race", dateOfBirth: "1990-01-01", record: recordA }, actor);
    const results = await Promise.allSettled([
      store.updatePatient(p.id, { displayName: "Race", dateOfBirth: "1990-01-01", record: { by: "a" } }, 1, actor),
      store.updatePatient(p.id, { displayName: "Race", dateOfBirth: "1990-01-01", record: { by: "b" } }, 1, actor),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const rejected = results.find((r) => r.status === "rejected");
    expect(rejected?.status === "rejected" && rejected.reason instanceof ConflictError).toBe(true);
    expect((await store.getPatient(p.id))?.version).toBe(2);
    expect(await store.patientHistory(p.id)).toHaveLength(1);
  });

  it.each(["patient.update:history-written", "patient.update:patient-written", "patient.update:audit-written"])(
    "a failure mid-save (%s) leaves nothing half-written",
    async (point) => {
      const p = await store.createPatient({ displayName: "Ann Doe", dateOfBirth: "1990-01-01", record: recordA }, actor);
      const auditBefore = (await store.listAudit({ patientId: p.id })).total;
      fault = point;
      await expect(store.updatePatient(p.id, { displayName: "Changed", dateOfBirth: "1990-01-02", record: { changed: true } }, 1, actor)).rejects.toThrow(/injected failure/);
      const after = await store.getPatient(p.id);
      expect(after?.version).toBe(1);
      expect(after?.displayName).toBe("Ann Doe");
      expect(after?.record).toEqual(recordA);
      expect(await store.patientHistory(p.id)).toEqual([]);
      expect((await store.listAudit({ patientId: p.id })).total).toBe(auditBefore);
    },
  );

  it("a failure while creating leaves no patient and no audit entry", async () => {
    fault = "patient.create:patient-written";
    await expect(store.createPatient({ displayName: "Ghost", dateOfBirth: "1990-01-01", record: {} }, actor)).rejects.toThrow(/injected/);
    expect((await store.listPatients({ q: "ghost" })).total).toBe(0);
  });

  it("searches patients by name or pseudonym, case-insensitively, with wildcards taken literally", async () => {
    const a = await store.createPatient({ displayName: "Maria Lopez", dateOfBirth: "1985-01-01", record: {} }, actor);
    await store.createPatient({ displayName: "Eva 100% Test", dateOfBirth: "1985-01-01", record: {} }, actor);
    expect((await store.listPatients({ q: "lopez" })).patients.map((p) => p.id)).toEqual([a.id]);
    expect((await store.listPatients({ q: a.pseudonymId.toLowerCase() })).patients.map((p) => p.id)).toEqual([a.id]);
    expect((await store.listPatients({ q: "lopez", pseudonymOnly: true })).total).toBe(0);
    expect((await store.listPatients({ q: "%" })).patients.map((p) => p.displayName)).toEqual(["Eva 100% Test"]);
    expect((await store.listPatients({})).total).toBe(2);
  });

  it("follow-ups are stored per patient and audited", async () => {
    const p = await store.createPatient({ displayName: "F U", dateOfBirth: "1985-01-01", record: {} }, actor);
    await store.addFollowup(p.id, { kind: "loss", date: "2026-03-01", gestationalWeek: 8 }, actor);
    await store.addFollowup(p.id, { kind: "pregnancy", date: "2026-01-10" }, actor);
    const list = await store.listFollowups(p.id);
    expect(list.map((f) => f.kind)).toEqual(["pregnancy", "loss"]);
    expect(list[1]?.data.gestationalWeek).toBe(8);
    expect((await store.getPatient(p.id))?.followupsRev).toBe(2);
    fault = "followup.create:followup-written";
    await expect(store.addFollowup(p.id, { kind: "live-birth", date: "2026-09-01" }, actor)).rejects.toThrow(/injected/);
    expect((await store.listFollowups(p.id)).length).toBe(2);
    expect((await store.getPatient(p.id))?.followupsRev).toBe(2);
    await store.deleteFollowup(p.id, list[0]!.id, actor);
    expect((await store.listFollowups(p.id)).map((f) => f.kind)).toEqual(["loss"]);
    expect((await store.getPatient(p.id))?.followupsRev).toBe(3);
    expect((await store.listAudit({ patientId: p.id })).entries.map((e) => e.action)).toEqual(["followup.delete", "followup.create", "followup.create", "patient.create"]);
  });

  it("the audit log is append-only: UPDATE and DELETE are rejected by the database", async () => {
    await store.audit(null, { username: "x", action: "test.append", route: "test" });
    const { entries } = await store.listAudit({ action: "test.append" });
    const id = entries[0]!.id;
    await expect(store.db.updateTable("audit_log").set({ action: "tampered" }).where("id", "=", id).execute()).rejects.toThrow(/append-only/);
    await expect(store.db.deleteFrom("audit_log").where("id", "=", id).execute()).rejects.toThrow(/append-only/);
    if (engine === "postgres") await expect(sql`truncate audit_log`.execute(store.db)).rejects.toThrow(/append-only/);
    expect((await store.listAudit({ action: "test.append" })).entries[0]?.action).toBe("test.append");
  });

  it("read audits queued in one turn are stored together, all of them, in order", async () => {
    await Promise.all(Array.from({ length: 30 }, (_, i) => store.auditRead({ username: "batch", action: "test.batch", route: "test", detail: String(i) })));
    const { entries, total } = await store.listAudit({ action: "test.batch", limit: 1000 });
    expect(total % 30).toBe(0); // earlier runs of this engine's suite share the append-only table
    expect(entries.slice(0, 30).map((e) => Number(e.detail)).reverse()).toEqual(Array.from({ length: 30 }, (_, i) => i));
  });

  it("evidence round-trips as stored JSON", async () => {
    await store.putEvidence("default", { therapies: ["lit"], n: 1.5 }, "test");
    await store.putEvidence("default", { therapies: ["lit", "ivig"], n: 2 }, "test");
    expect((await store.getEvidence("default"))?.content).toEqual({ therapies: ["lit", "ivig"], n: 2 });
    expect(await store.getEvidence("none")).toBeNull();
  });

  describe.each(ENGINES)("backup from %s, restore into " + engine, (source) => {
    it("restores every table into an empty database and refuses a non-empty one", async () => {
      const srcDb = await createTestDb(source);
      const target = await createTestDb(engine);
      try {
        const src = await Store.open(srcDb.config, { scryptLogN: 10 });
        await src.createUser({ username: "carol", displayName: "Carol", role: "admin", password: "pw-carol-123" });
        const p = await src.createPatient({ displayName: "Back Up", dateOfBirth: "1980-02-02", record: recordA }, actor);
        await src.updatePatient(p.id, { displayName: "Back Up", dateOfBirth: "1980-02-02", record: { v: 2 } }, 1, actor);
        await src.addFollowup(p.id, { kind: "pregnancy", date: "2026-01-01" }, actor);
        await src.putEvidence("default", { a: 1 }, "seed");
        const dump = parseBackup(JSON.stringify(await backupStore(src)));
        await src.close();

        const dst = await Store.open(target.config, { scryptLogN: 10 });
        const counts = await restoreStore(dst, dump);
        for (const t of TABLES) expect(counts[t]).toBe(dump.tables[t].length);
        const again = await backupStore(dst);
        for (const t of TABLES) expect(again.tables[t]).toEqual(dump.tables[t]);
        expect((await dst.authenticate("carol", "pw-carol-123"))?.role).toBe("admin");
        expect((await dst.patientHistory(p.id))[0]?.record).toEqual(recordA);
        // the audit sequence continues after the restored ids
        await dst.audit(null, { username: "carol", action: "after.restore", route: "test" });
        const maxRestored = Math.max(...dump.tables.audit_log.map((r) => r.id));
        expect((await dst.listAudit({ action: "after.restore" })).entries[0]!.id).toBeGreaterThan(maxRestored);
        await expect(restoreStore(dst, dump)).rejects.toThrow(/not empty/);
        await dst.close();
      } finally {
        await srcDb.drop();
        await target.drop();
      }
    });
  });

  it("parseBackup names the bad field", () => {
    expect(() => parseBackup(JSON.stringify({ format: "decidua-backup", version: 1, engine: "sqlite", createdAt: "x", tables: { users: [{ id: 1 }] } }))).toThrow(/field "tables\.users\.0\.id"/);
    expect(() => parseBackup("{not json")).toThrow(/not JSON/);
  });
});
