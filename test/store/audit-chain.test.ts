/**
 * The audit log's hash chain against direct SQL tampering, on both engines: with the append-only triggers
 * dropped (SQLite) or bypassed (PostgreSQL session_replication_role = replica), every kind of change is found
 * and the first broken entry is named. Also: parallel appends from two connections form one chain.
 */
import { afterEach, describe, expect, it } from "vitest";
import Database from "better-sqlite3";
import pg from "pg";
import { Store, entryHash } from "../../src/store/index.js";
import { createTestDb, ENGINES, type TestDb } from "./engines.js";

const actor = { username: "dr.a", route: "test", clientIp: "10.0.0.7", userAgent: "vitest", sessionId: "abcd1234abcd1234" };

/** Runs SQL directly on the database, around Decidua: triggers dropped (SQLite) or disabled for the session (PostgreSQL). */
async function tamper(tdb: TestDb, statements: string[]): Promise<void> {
  if (tdb.config.engine === "sqlite") {
    const db = new Database(tdb.config.file);
    db.exec("drop trigger if exists audit_log_no_update; drop trigger if exists audit_log_no_delete;");
    for (const s of statements) db.exec(s);
    db.close();
    return;
  }
  const c = new pg.Client({ connectionString: tdb.config.url });
  await c.connect();
  await c.query("set session_replication_role = replica");
  for (const s of statements) await c.query(s);
  await c.end();
}

async function rows(tdb: TestDb): Promise<Array<Record<string, unknown>>> {
  const s = await Store.open(tdb.config);
  const r = await s.db.selectFrom("audit_log").selectAll().orderBy("id").execute();
  await s.close();
  return r as unknown as Array<Record<string, unknown>>;
}

describe.each(ENGINES)("audit hash chain on %s", (engine) => {
  let tdb: TestDb | null = null;
  afterEach(async () => {
    await tdb?.drop();
    tdb = null;
  });

  /** A fresh database with 8 audit entries (writes and reads); returns the ids. */
  async function seeded(): Promise<{ db: TestDb; ids: number[] }> {
    tdb = await createTestDb(engine);
    const s = await Store.open(tdb.config, { scryptLogN: 10 });
    const p = await s.createPatient({ displayName: "Chain Test", dateOfBirth: "1985-01-01", record: { losses: [] } }, actor);
    await s.updatePatient(p.id, { displayName: "Chain Test", dateOfBirth: "1985-01-01", record: { losses: [{ gestationalWeek: 7 }] } }, 1, actor);
    for (let i = 0; i < 4; i++) await s.auditRead({ ...actor, action: "patient.read", patientId: p.id, status: 200, detail: `read ${i}` });
    await s.audit(null, { ...actor, action: "auth.login-failed", status: 401 });
    await s.addFollowup(p.id, { kind: "pregnancy", date: "2026-01-01" }, actor);
    const report = await s.verifyAudit();
    expect(report.ok).toBe(true);
    expect(report.entries).toBe(8);
    const head = await s.auditHead();
    expect(head?.hash).toBe(report.head?.hash);
    await s.close();
    return { db: tdb, ids: (await rows(tdb)).map((r) => Number(r.id)) };
  }

  async function verify(db: TestDb) {
    const s = await Store.open(db.config);
    const r = await s.verifyAudit();
    await s.close();
    return r;
  }

  it("an untouched log verifies; entries record from where and the outcome", async () => {
    const { db } = await seeded();
    const r = await rows(db);
    expect(r[0]).toMatchObject({ client_ip: "10.0.0.7", user_agent: "vitest", session_id: "abcd1234abcd1234", action: "patient.create" });
    expect(r.find((x) => x.action === "auth.login-failed")?.status).toBe(401);
    expect(r[0]!.prev_hash).toBe("0".repeat(64));
    expect(r[1]!.prev_hash).toBe(r[0]!.hash);
  });

  it("detects an edited entry (UPDATE with the trigger out of the way)", async () => {
    const { db, ids } = await seeded();
    await tamper(db, [`update audit_log set username = 'someone.else' where id = ${ids[3]}`]);
    const r = await verify(db);
    expect(r.ok).toBe(false);
    expect(r.firstBroken?.id).toBe(ids[3]);
    expect(r.firstBroken?.reason).toMatch(/changed/);
  });

  it("detects a deleted entry in the middle", async () => {
    const { db, ids } = await seeded();
    await tamper(db, [`delete from audit_log where id = ${ids[2]}`]);
    const r = await verify(db);
    expect(r.ok).toBe(false);
    expect(r.firstBroken?.id).toBe(ids[3]);
    expect(r.firstBroken?.reason).toMatch(/missing|deleted/);
  });

  it("detects deleted entries at the end (the head row disagrees)", async () => {
    const { db, ids } = await seeded();
    await tamper(db, [`delete from audit_log where id >= ${ids[6]}`]);
    const r = await verify(db);
    expect(r.ok).toBe(false);
    expect(r.firstBroken?.id).toBe(ids[6]);
    expect(r.firstBroken?.reason).toMatch(/last entries were deleted/);
  });

  it("detects reordered entries (two entries' contents swapped, and ids swapped)", async () => {
    const a = await seeded();
    const [x, y] = [a.ids[2]!, a.ids[3]!];
    await tamper(a.db, [`update audit_log set id = -1 where id = ${x}`, `update audit_log set id = ${x} where id = ${y}`, `update audit_log set id = ${y} where id = -1`]);
    const r = await verify(a.db);
    expect(r.ok).toBe(false);
    expect(r.firstBroken?.id).toBe(x);
  });

  it("detects a back-dated entry inserted with a correctly computed hash and a rewritten head", async () => {
    const { db } = await seeded();
    const all = await rows(db);
    const last = all[all.length - 1]!;
    const forged = { id: Number(last.id) + 1, at: "2020-01-01T00:00:00.000Z", username: "dr.a", action: "patient.read", patient_id: null, route: "GET /api/patients/:id", status: 200, detail: "alibi", client_ip: "10.0.0.7", user_agent: "vitest", session_id: null };
    const hash = entryHash(String(last.hash), forged);
    await tamper(db, [
      `insert into audit_log (id, at, username, action, patient_id, route, status, detail, client_ip, user_agent, session_id, prev_hash, hash) values (${forged.id}, '${forged.at}', 'dr.a', 'patient.read', null, '${forged.route}', 200, 'alibi', '10.0.0.7', 'vitest', null, '${String(last.hash)}', '${hash}')`,
      `update audit_head set last_id = ${forged.id}, hash = '${hash}', last_at = '${forged.at}' where id = 1`,
    ]);
    const r = await verify(db);
    expect(r.ok).toBe(false);
    expect(r.firstBroken?.id).toBe(forged.id);
    expect(r.firstBroken?.reason).toMatch(/back-dated/);
  });

  it("detects an entry inserted in the middle (later ids renumbered) and one inserted without a hash", async () => {
    const a = await seeded();
    const k = a.ids[4]!;
    await tamper(a.db, [
      ...[...a.ids].reverse().filter((id) => id > k).map((id) => `update audit_log set id = ${id + 1} where id = ${id}`),
      `insert into audit_log (id, at, username, action, patient_id, route, status, detail) values (${k + 1}, '2026-01-01T00:00:00.000Z', 'dr.a', 'patient.read', null, 'GET /api/patients', 200, 'inserted')`,
    ]);
    const r = await verify(a.db);
    expect(r.ok).toBe(false);
    expect(r.firstBroken?.id).toBe(k + 1);
  });

  it("parallel appends (PostgreSQL: from two connection pools, as two server processes would) form one unbroken chain", async () => {
    tdb = await createTestDb(engine);
    const s1 = await Store.open(tdb.config, { scryptLogN: 10 });
    // better-sqlite3 is synchronous: two connections in one thread cannot wait for each other's lock, so on SQLite
    // the parallel requests share the server's one connection (other processes wait on SQLite's write lock)
    const s2 = engine === "postgres" ? await Store.open(tdb.config, { scryptLogN: 10 }) : s1;
    const jobs: Array<Promise<void>> = [];
    for (let i = 0; i < 60; i++) {
      const s = i % 2 === 0 ? s1 : s2;
      jobs.push(i % 3 === 0 ? s.audit(null, { ...actor, action: "test.parallel", detail: String(i) }) : s.auditRead({ ...actor, action: "test.parallel", detail: String(i) }));
    }
    jobs.push(s1.createPatient({ displayName: "P", dateOfBirth: "1990-01-01", record: {} }, actor).then(() => undefined));
    await Promise.all(jobs);
    const r = await s1.verifyAudit();
    expect(r).toMatchObject({ ok: true, entries: 61, firstBroken: null });
    const ids = (await s1.db.selectFrom("audit_log").select("id").orderBy("id").execute()).map((x) => Number(x.id));
    expect(ids).toEqual(Array.from({ length: 61 }, (_, i) => i + 1));
    await s1.close();
    if (s2 !== s1) await s2.close();
  });
});
