/**
 * A backup holding text one engine cannot store (a NUL byte, a lone surrogate) is refused before anything is
 * written, naming the file, table, row and column; on both engines as the target.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { Store, backupStore, parseBackup } from "../../src/store/index.js";
import { createTestDb, ENGINES } from "./engines.js";

describe.each(ENGINES)("restoring unstorable text into %s", (engine) => {
  it("names file, table, row and column; exit 2; the target stays empty", async () => {
    const src = await createTestDb("sqlite");
    const dst = await createTestDb(engine);
    const dir = mkdtempSync(join(tmpdir(), "decidua-restore-"));
    try {
      const s = await Store.open(src.config, { scryptLogN: 10 });
      const actor = { username: "dr.a", route: "test" };
      await s.createPatient({ displayName: "Fine", dateOfBirth: "1990-01-01", record: { losses: [] } }, actor);
      // SQLite stores a NUL; PostgreSQL cannot
      await s.createPatient({ displayName: "Bad\u0000Name", dateOfBirth: "1990-01-01", record: { losses: [] } }, actor);
      const dump = await backupStore(s);
      await s.close();
      const file = join(dir, "nul.json");
      writeFileSync(file, JSON.stringify(dump));
      const row = dump.tables.patients.findIndex((p) => p.display_name.includes("\u0000"));
      expect(() => parseBackup(JSON.stringify(dump), file)).toThrow(new RegExp(`table patients, row ${row + 1}, column display_name: contains a NUL byte`));
      const err: string[] = [];
      const code = await main(["restore", file, "--db", dst.config.engine === "sqlite" ? dst.config.file : dst.config.url], { out: () => {}, err: (t) => void err.push(t) });
      expect(code).toBe(2);
      expect(err.join("")).toContain(file);
      expect(err.join("")).toMatch(/table patients, row \d+, column display_name/);
      expect(err.join("")).not.toMatch(/\n\s+at /); // no stack trace

      const surrogate = structuredClone(dump);
      surrogate.tables.patients[row]!.display_name = "ok";
      surrogate.tables.followups = [{ id: "f1", patient_id: dump.tables.patients[0]!.id, kind: "pregnancy", date: "2026-01-01", data: JSON.stringify({ kind: "pregnancy", note: "x\uDC00y" }), created_at: "2026-01-01", created_by: "a" }];
      expect(() => parseBackup(JSON.stringify(surrogate), file)).toThrow(/table followups, row 1, column data: contains an escaped NUL byte or lone surrogate/);
      const t = await Store.open(dst.config);
      expect(await t.countUsers()).toBe(0);
      expect((await t.listPatients()).total).toBe(0);
      await t.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await src.drop();
      await dst.drop();
    }
  });
});
