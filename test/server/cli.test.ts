import { mkdtempSync, rmSync, writeFileSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { runServe } from "../../src/cli/commands/serve.js";
import { Store } from "../../src/store/index.js";
import { Client } from "./helpers.js";
import { createTestDb, type TestDb } from "../store/engines.js";

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => void out.push(t), err: (t: string) => void err.push(t) }, out, err };
}

describe("decidua serve / backup / restore / admin", () => {
  let dir: string;
  let pg: TestDb;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "decidua-cli-"));
    pg = await createTestDb("postgres");
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await pg.drop();
  });

  it("first start creates the database and the administrator, printing its password once; a restart prints none", async () => {
    const file = join(dir, "serve.sqlite");
    const c1 = capture();
    const { app, url } = await runServe({ port: 0, db: file }, c1.io, {});
    const text = c1.out.join("");
    const pw = /password: (\S+)/.exec(text)?.[1];
    expect(pw).toBeDefined();
    expect(text).toContain("username: admin");
    expect(text).toMatch(/Decidua is running on http:\/\/127\.0\.0\.1:\d+/);
    const health = (await (await fetch(url + "/api/health")).json()) as { ok: boolean; engine: string };
    expect(health).toEqual({ ok: true, engine: "sqlite" });
    const c = new Client(url);
    expect((await c.login("admin", pw!)).status).toBe(200);
    await app.close();

    const c2 = capture();
    const again = await runServe({ port: 0, db: file }, c2.io, {});
    expect(c2.out.join("")).not.toMatch(/password/);
    expect((await new Client(again.url).login("admin", pw!)).status).toBe(200);
    await again.app.close();
  });

  it("DECIDUA_ADMIN_PASSWORD sets the first password and nothing is printed; a bad --port is exit 2", async () => {
    const file = join(dir, "env.sqlite");
    const c1 = capture();
    const { app, url } = await runServe({ port: 0, db: file }, c1.io, { DECIDUA_ADMIN_PASSWORD: "from-the-env-123" });
    expect(c1.out.join("")).not.toMatch(/password/);
    expect((await new Client(url).login("admin", "from-the-env-123")).status).toBe(200);
    await app.close();
    const bad = capture();
    expect(await main(["serve", "--port", "99999", "--db", file], bad.io)).toBe(2);
    expect(bad.err.join("")).toMatch(/--port/);
  });

  it("backup from SQLite restores into an empty PostgreSQL database; a non-empty target is refused (exit 2)", async () => {
    const file = join(dir, "src.sqlite");
    const s = await Store.open({ engine: "sqlite", file }, { scryptLogN: 10 });
    await s.createUser({ username: "dora", displayName: "Dora", role: "clinician", password: "dora-password-1" });
    const p = await s.createPatient({ displayName: "Eve Backup", dateOfBirth: "1991-01-01", record: { losses: [] } }, { username: "dora", route: "test" });
    await s.close();
    const backup = join(dir, "backup.json");
    const b = capture();
    expect(await main(["backup", backup, "--db", file], b.io)).toBe(0);
    expect(b.out.join("")).toMatch(/patients 1/);
    const r = capture();
    expect(await main(["restore", backup, "--db", (pg.config as { url: string }).url], r.io)).toBe(0);
    const t = await Store.open(pg.config);
    expect((await t.getPatient(p.id))?.displayName).toBe("Eve Backup");
    expect((await t.authenticate("dora", "dora-password-1"))?.role).toBe("clinician");
    await t.close();
    const again = capture();
    expect(await main(["restore", backup, "--db", (pg.config as { url: string }).url], again.io)).toBe(2);
    expect(again.err.join("")).toMatch(/not empty/);
    const broken = join(dir, "broken.json");
    writeFileSync(broken, JSON.stringify({ ...JSON.parse(readFileSync(backup, "utf8")), version: 2 }));
    const bad = capture();
    expect(await main(["restore", broken, "--db", join(dir, "empty.sqlite")], bad.io)).toBe(2);
    expect(bad.err.join("")).toMatch(/field "version"/);
  });

  it("admin add-user and reset-password", async () => {
    const file = join(dir, "users.sqlite");
    const a = capture();
    expect(await main(["admin", "add-user", "--username", "res.one", "--role", "researcher", "--db", file], a.io)).toBe(0);
    const pw = /password: (\S+)/.exec(a.out.join(""))?.[1];
    expect(pw).toBeDefined();
    const dup = capture();
    expect(await main(["admin", "add-user", "--username", "res.one", "--role", "researcher", "--db", file], dup.io)).toBe(2);
    const badRole = capture();
    expect(await main(["admin", "add-user", "--username", "x.y.z", "--role", "nurse", "--db", file], badRole.io)).toBe(2);
    expect(badRole.err.join("")).toMatch(/--role/);
    expect(badRole.err.join("")).toContain("clinician, researcher, reviewer, admin");
    expect(await main(["admin", "add-user", "--username", "rev.one", "--role", "reviewer", "--db", file], capture().io)).toBe(0);
    const reset = capture();
    expect(await main(["admin", "reset-password", "--username", "res.one", "--password", "a-new-password-1", "--db", file], reset.io)).toBe(0);
    const s = await Store.open({ engine: "sqlite", file });
    expect(await s.authenticate("res.one", pw!)).toBeNull();
    expect((await s.authenticate("res.one", "a-new-password-1"))?.role).toBe("researcher");
    expect((await s.listUsers()).find((u) => u.username === "rev.one")?.role).toBe("reviewer");
    await s.close();
  });
});
