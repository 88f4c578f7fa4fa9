/**
 * Smaller leaks (issue 10 §5), on both engines where a database is involved: encrypted backups (AES-256-GCM,
 * scrypt key) round-trip and refuse a wrong passphrase; CSV cells that would run as formulas are neutralised;
 * the served bundle has no source map; /api/docs carries the security headers.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { csvCell } from "../../src/server/csv.js";
import { Store } from "../../src/store/index.js";
import { createTestDb, ENGINES } from "../store/engines.js";
import { startServer } from "./helpers.js";

const io = () => {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (t: string) => void out.push(t), err: (t: string) => void err.push(t) } };
};

describe.each(ENGINES)("encrypted backup on %s", (engine) => {
  it("is unreadable without the passphrase, private, and restores with it; a wrong one is exit 2", async () => {
    const src = await createTestDb(engine);
    const dst = await createTestDb(engine);
    const dir = mkdtempSync(join(tmpdir(), "decidua-enc-"));
    const arg = (c: typeof src.config) => (c.engine === "sqlite" ? c.file : c.url);
    try {
      const s = await Store.open(src.config, { scryptLogN: 10 });
      await s.createUser({ username: "secret.user", displayName: "Secret Person", role: "clinician", password: "Tangerine-orbit-kettle-1" });
      await s.close();
      const file = join(dir, "b.json");
      process.env.TEST_BACKUP_PASS = "correct horse battery staple";
      expect(await main(["backup", file, "--db", arg(src.config), "--encrypt", "--passphrase-env", "TEST_BACKUP_PASS"], io().io)).toBe(0);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const text = readFileSync(file, "utf8");
      expect(text).toContain("aes-256-gcm");
      expect(text).not.toContain("secret.user");
      process.env.TEST_BACKUP_WRONG = "not the passphrase at all";
      const wrong = io();
      expect(await main(["restore", file, "--db", arg(dst.config), "--passphrase-env", "TEST_BACKUP_WRONG"], wrong.io)).toBe(2);
      expect(wrong.err.join("")).toMatch(/wrong passphrase/);
      expect(await main(["restore", file, "--db", arg(dst.config), "--passphrase-env", "TEST_BACKUP_PASS"], io().io)).toBe(0);
      const t = await Store.open(dst.config);
      expect((await t.listUsers()).map((u) => u.username)).toContain("secret.user");
      await t.close();
    } finally {
      delete process.env.TEST_BACKUP_PASS;
      delete process.env.TEST_BACKUP_WRONG;
      rmSync(dir, { recursive: true, force: true });
      await src.drop();
      await dst.drop();
    }
  }, 60_000);
});

describe("CSV formula triggers", () => {
  it("neutralises = + - @ tab CR, also after leading spaces and line breaks; numbers stay numbers", () => {
    for (const v of ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tx", "\rx", "  =HYPERLINK(\"x\")", "\n@x", " \r\n+1", "＝1"]) expect(csvCell(v).replace(/^"/, "").startsWith("'"), JSON.stringify(v)).toBe(true);
    expect(csvCell(-2.5)).toBe("-2.5");
    expect(csvCell("plain")).toBe("plain");
    expect(csvCell("a-b")).toBe("a-b");
  });
});

describe("served bundle and API docs", () => {
  it("no source map is served; /api/docs has the security headers", async () => {
    const srv = await startServer("sqlite");
    try {
      const map = await fetch(srv.base + "/app.js.map");
      expect(await map.text()).not.toContain('"mappings"');
      const js = await fetch(srv.base + "/app.js");
      if (js.status === 200) expect(await js.text()).not.toMatch(/sourceMappingURL/);
      const docs = await fetch(srv.base + "/api/docs/json");
      expect(docs.headers.get("x-content-type-options")).toBe("nosniff");
      expect(docs.headers.get("x-frame-options")).toBe("DENY");
      expect(docs.headers.get("content-security-policy")).toMatch(/default-src 'self'/);
      expect(docs.headers.get("cache-control")).toBe("no-store");
    } finally {
      await srv.close();
    }
  });
});
