/**
 * Migration "0009_evidence_versions" (issue 11): users.role accepts `reviewer` on both engines without losing or
 * cascading anything — users, sessions, password history, EHR links and audit entries of a populated database of the
 * previous schema are all intact, foreign keys are still enforced (and still cascade), `bogus` is still refused, and
 * the base already stored becomes published version 1 with its content hash.
 */
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { sql, type Kysely } from "kysely";
import { migrateToLatest } from "../../src/store/index.js";
import { migrateTo } from "../../src/store/migrations.js";
import { canonicalJson } from "../../src/evidence/canonical.js";
import { ENGINES, rawTestDb } from "./engines.js";

const now = "2026-01-01T00:00:00.000Z";
const base = { trials: [{ id: "T1", b: 2, a: 1 }], sources: [] };

async function count(db: Kysely<unknown>, table: string): Promise<number> {
  const r = await sql<{ n: number | string }>`select count(*) as n from ${sql.table(table)}`.execute(db);
  return Number(r.rows[0]!.n);
}

describe.each(ENGINES)("migration 0009_evidence_versions on %s", (engine) => {
  const handle = rawTestDb(engine);

  it("widens the role constraint and keeps every row and every foreign key", async () => {
    const db = handle.db;
    await migrateTo(db, engine, "0008_fhir");
    for (const [id, role] of [["u1", "clinician"], ["u2", "researcher"], ["u3", "admin"]] as const) {
      await sql`insert into users (id, username, display_name, role, password_hash, disabled, created_at)
        values (${id}, ${`user-${id}`}, ${`User ${id}`}, ${role}, ${"hash"}, ${0}, ${now})`.execute(db);
      await sql`insert into sessions (id, user_id, csrf_token, created_at, expires_at) values (${`s-${id}`}, ${id}, ${"csrf"}, ${now}, ${now})`.execute(db);
      await sql`insert into password_history (id, user_id, password_hash, changed_at) values (${`p-${id}`}, ${id}, ${"old"}, ${now})`.execute(db);
    }
    await sql`insert into ehr_users (iss, ehr_user, user_id, created_at, created_by) values (${"https://ehr"}, ${"dr-1"}, ${"u1"}, ${now}, ${"t"})`.execute(db);
    await sql`insert into audit_log (id, at, username, action, patient_id, route, status, detail) values (${1000}, ${now}, ${"user-u1"}, ${"login"}, ${null}, ${"/api/login"}, ${200}, ${null})`.execute(db);
    await sql`insert into evidence (id, content, source, loaded_at) values (${"default"}, ${JSON.stringify(base)}, ${"data/"}, ${now})`.execute(db);
    const before = { users: await count(db, "users"), sessions: await count(db, "sessions"), password_history: await count(db, "password_history"), ehr_users: await count(db, "ehr_users"), audit_log: await count(db, "audit_log") };
    await expect(sql`insert into users (id, username, display_name, role, password_hash, disabled, created_at) values (${"r0"}, ${"early"}, ${"R"}, ${"reviewer"}, ${"h"}, ${0}, ${now})`.execute(db)).rejects.toThrow();

    const ran = await migrateToLatest(db, engine);
    expect(ran).toContain("0009_evidence_versions");

    const after = { users: await count(db, "users"), sessions: await count(db, "sessions"), password_history: await count(db, "password_history"), ehr_users: await count(db, "ehr_users"), audit_log: await count(db, "audit_log") };
    expect(after).toEqual(before);
    expect(before.sessions).toBe(3);
    const users = (await sql<{ id: string; role: string; username: string }>`select id, role, username from users order by id`.execute(db)).rows;
    expect(users.map((u) => [u.id, u.role, u.username])).toEqual([["u1", "clinician", "user-u1"], ["u2", "researcher", "user-u2"], ["u3", "admin", "user-u3"]]);

    // the new role is accepted, an unknown one refused, the username still unique
    await sql`insert into users (id, username, display_name, role, password_hash, disabled, created_at) values (${"u4"}, ${"rev"}, ${"Reviewer"}, ${"reviewer"}, ${"h"}, ${0}, ${now})`.execute(db);
    await expect(sql`insert into users (id, username, display_name, role, password_hash, disabled, created_at) values (${"u5"}, ${"bad"}, ${"B"}, ${"bogus"}, ${"h"}, ${0}, ${now})`.execute(db)).rejects.toThrow();
    await expect(sql`insert into users (id, username, display_name, role, password_hash, disabled, created_at) values (${"u6"}, ${"rev"}, ${"Again"}, ${"reviewer"}, ${"h"}, ${0}, ${now})`.execute(db)).rejects.toThrow();

    // foreign keys are still enforced and still point at users
    await expect(sql`insert into sessions (id, user_id, csrf_token, created_at, expires_at) values (${"s-x"}, ${"nobody"}, ${"c"}, ${now}, ${now})`.execute(db)).rejects.toThrow();
    if (engine === "sqlite") {
      expect(Number((await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(db)).rows[0]!.foreign_keys)).toBe(1);
      const refs = (await sql<{ sql: string }>`select sql from sqlite_master where name in ('sessions', 'password_history', 'ehr_users')`.execute(db)).rows;
      for (const r of refs) expect(r.sql).toMatch(/references "?users"?/i);
    }
    // ... and their cascades still work (deleting a user removes only that user's sessions)
    await sql`delete from users where id = ${"u2"}`.execute(db);
    expect(await count(db, "sessions")).toBe(2);
    expect(await count(db, "password_history")).toBe(2);

    // the stored base is published version 1, with the sha-256 of its canonical JSON
    const v = (await sql<{ id: number; content: string; content_hash: string }>`select id, content, content_hash from evidence_versions`.execute(db)).rows;
    expect(v).toHaveLength(1);
    expect(Number(v[0]!.id)).toBe(1);
    expect(v[0]!.content).toBe('{"sources":[],"trials":[{"a":1,"b":2,"id":"T1"}]}');
    expect(v[0]!.content_hash).toBe(createHash("sha256").update(canonicalJson(base)).digest("hex"));
    // versions are immutable
    await expect(sql`update evidence_versions set note = ${"x"}`.execute(db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from evidence_versions`.execute(db)).rejects.toThrow(/append-only/);
    expect(await migrateToLatest(db, engine)).toEqual([]);
  });
});
