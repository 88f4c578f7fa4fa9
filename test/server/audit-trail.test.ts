/**
 * The audit trail as evidence, over HTTP and the command line, on both engines: who, from where and the outcome
 * of reads, writes, refusals and rate-limited logins; exports list their patients; the verify API and
 * `decidua audit verify` report the first broken entry after direct SQL tampering; backup and restore write
 * entries, the backup is private (0600) and carries no sessions.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import Database from "better-sqlite3";
import pg from "pg";
import { main } from "../../src/cli/main.js";
import { Store } from "../../src/store/index.js";
import type { DbConfig } from "../../src/store/index.js";
import { createTestDb, ENGINES } from "../store/engines.js";
import { adminClient, Client, startServer, type TestServer, userClient } from "./helpers.js";

interface Entry {
  id: number;
  action: string;
  username: string | null;
  status: number | null;
  detail: string | null;
  patientId: string | null;
  clientIp: string | null;
  userAgent: string | null;
  sessionId: string | null;
  route: string;
}

const record = { losses: [{ gestationalWeek: 7, kind: "clinical" }, { gestationalWeek: 8, kind: "clinical" }] };

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (t: string) => void out.push(t), err: (t: string) => void err.push(t) } };
}

function dbArg(config: DbConfig): string {
  return config.engine === "sqlite" ? config.file : config.url;
}

async function tamperSql(config: DbConfig, statement: string): Promise<void> {
  if (config.engine === "sqlite") {
    const db = new Database(config.file);
    db.exec("drop trigger if exists audit_log_no_update; drop trigger if exists audit_log_no_delete;");
    db.exec(statement);
    db.close();
    return;
  }
  const c = new pg.Client({ connectionString: config.url });
  await c.connect();
  await c.query("set session_replication_role = replica");
  await c.query(statement);
  await c.end();
}

describe.each(ENGINES)("audit trail over HTTP and CLI on %s", (engine) => {
  let srv: TestServer;
  let admin: Client;
  let dir: string;
  beforeAll(async () => {
    srv = await startServer(engine, { loginRateLimit: { max: 3, timeWindowMs: 60_000 } });
    admin = await adminClient(srv.base);
    dir = mkdtempSync(join(tmpdir(), "decidua-audit-"));
  });
  afterAll(async () => {
    await srv.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const entries = async (q: string): Promise<Entry[]> => ((await admin.req("GET", `/api/audit?limit=1000&${q}`)).body as { entries: Entry[] }).entries;

  it("records who, from where and the outcome of reads, writes, refusals and rate-limited logins", async () => {
    const clinician = await userClient(srv.base, admin, "dr.where", "clinician");
    const researcher = await userClient(srv.base, admin, "res.where", "researcher");
    const p = ((await clinician.req("POST", "/api/patients", { displayName: "Where Test", dateOfBirth: "1990-01-01", record })).body as { patient: { id: string } }).patient;
    await clinician.req("GET", `/api/patients/${p.id}`);
    const write = (await entries(`patientId=${p.id}`)).find((e) => e.action === "patient.create")!;
    expect(write).toMatchObject({ username: "dr.where", clientIp: "127.0.0.1" });
    expect(write.userAgent).toBeTruthy();
    expect(write.sessionId).toMatch(/^[0-9a-f]{16}$/);
    const read = (await entries(`patientId=${p.id}`)).find((e) => e.action === "patient.read")!;
    expect(read).toMatchObject({ status: 200, sessionId: write.sessionId, clientIp: "127.0.0.1" });

    // refusals: 401 (signed out), 403 (role), 404 (no such patient), 409 (stale version)
    expect((await new Client(srv.base).req("GET", "/api/patients")).status).toBe(401);
    expect((await researcher.req("GET", "/api/audit")).status).toBe(403);
    const missing = "00000000-0000-4000-8000-000000000042";
    expect((await clinician.req("GET", `/api/patients/${missing}`)).status).toBe(404);
    expect((await clinician.req("PUT", `/api/patients/${p.id}`, { displayName: "W", dateOfBirth: "1990-01-01", record, version: 7 })).status).toBe(409);
    const refused = await entries("action=request.refused");
    expect(refused.some((e) => e.status === 401 && e.route === "GET /api/patients" && e.username === null && e.clientIp === "127.0.0.1")).toBe(true);
    expect(refused.some((e) => e.status === 403 && e.username === "res.where" && e.route === "GET /api/audit")).toBe(true);
    expect(refused.some((e) => e.status === 404 && e.username === "dr.where" && e.detail?.includes(missing))).toBe(true);
    expect(refused.some((e) => e.status === 409 && e.detail?.includes(p.id))).toBe(true);

    // rate-limited logins: the name that was tried, the address, 429
    for (let i = 0; i < 5; i++) await new Client(srv.base).login("dr.where", "wrong-password-0");
    const limited = await entries("action=request.rate-limited");
    expect(limited.some((e) => e.status === 429 && e.username === "dr.where" && e.clientIp === "127.0.0.1")).toBe(true);
    const failed = await entries("action=auth.login-failed");
    expect(failed.filter((e) => e.username === "dr.where").every((e) => e.status === 401 && e.clientIp === "127.0.0.1")).toBe(true);

    // an export lists the patients it contained
    expect((await researcher.req("GET", "/api/research/export")).status).toBe(200);
    const exp = (await entries("action=research.export"))[0]!;
    expect(exp.username).toBe("res.where");
    expect(exp.detail).toContain(p.id);
  });

  it("the verify API reports an intact chain and the head hash; after direct SQL tampering it names the first broken entry", async () => {
    const ok = (await admin.req("GET", "/api/audit/verify")).body as { ok: boolean; entries: number; recordedHead: { id: number; hash: string }; firstBroken: null };
    expect(ok.ok).toBe(true);
    expect(ok.entries).toBeGreaterThan(10);
    expect(ok.recordedHead.hash).toMatch(/^[0-9a-f]{64}$/);
    const head = (await admin.req("GET", "/api/audit?limit=1")).body as { entries: Array<Entry & { hash: string }> };
    // the verify call appended its own entry after reading the head
    expect(head.entries[0]!.action).toBe("audit.verify");

    // the command line agrees (exit 0, prints the head)
    const c1 = capture();
    expect(await main(["audit", "verify", "--db", dbArg(srv.config)], c1.io)).toBe(0);
    expect(c1.out.join("")).toMatch(/audit log intact: \d+ entries; head #\d+ [0-9a-f]{64}/);

    const target = (await entries("action=patient.create"))[0]!;
    await tamperSql(srv.config, `update audit_log set username = 'nobody' where id = ${target.id}`);
    const bad = (await admin.req("GET", "/api/audit/verify")).body as { ok: boolean; firstBroken: { id: number; reason: string } };
    expect(bad.ok).toBe(false);
    expect(bad.firstBroken.id).toBe(target.id);
    const c2 = capture();
    expect(await main(["audit", "verify", "--db", dbArg(srv.config)], c2.io)).toBe(1);
    expect(c2.out.join("")).toContain(`BROKEN at entry #${target.id}`);
    // the evidence audit (`decidua audit` without a subcommand) still works as before
    const ev = capture();
    expect(await main(["audit", "--json"], ev.io)).toBeLessThanOrEqual(1);
    expect(JSON.parse(ev.out.join(""))).toHaveProperty("results");
  });

  it("backup is private (0600), has no sessions and writes an entry; restore writes one into the restored database", async () => {
    const src = await createTestDb(engine);
    const dst = await createTestDb(engine);
    try {
      const s = await Store.open(src.config, { scryptLogN: 10 });
      const u = await s.createUser({ username: "bk.user", displayName: "B", role: "clinician", password: "bk-password-123" });
      await s.createSession(u.id, 60_000);
      await s.close();
      const file = join(dir, `backup-${engine}.json`);
      expect(await main(["backup", file, "--db", dbArg(src.config)], capture().io)).toBe(0);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const dump = JSON.parse(readFileSync(file, "utf8")) as { tables: { sessions: unknown[] } };
      expect(dump.tables.sessions).toEqual([]);
      const s2 = await Store.open(src.config);
      expect((await s2.listAudit({ action: "store.backup" })).entries[0]).toMatchObject({ username: "cli", clientIp: "cli", route: "decidua backup" });
      await s2.close();
      expect(await main(["restore", file, "--db", dbArg(dst.config)], capture().io)).toBe(0);
      const s3 = await Store.open(dst.config);
      expect((await s3.listAudit({ action: "store.restore" })).entries).toHaveLength(1);
      expect((await s3.verifyAudit()).ok).toBe(true);
      await s3.close();
    } finally {
      await src.drop();
      await dst.drop();
    }
  });
});

