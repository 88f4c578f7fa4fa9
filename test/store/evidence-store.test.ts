/**
 * The evidence base in the store (issue 11), on SQLite and PostgreSQL: the seeded base is v1 with the sha-256 of its
 * canonical JSON; the draft changes only by revisions (who, when, why, before/after); publishing is one transaction
 * that refuses a draft failing evidence/parse.ts (nothing written); versions and revisions are immutable; and
 * `decidua evidence export DIR` writes a version that `decidua evidence validate DIR` accepts, round trip equal.
 */
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { canonicalJson } from "../../src/evidence/canonical.js";
import { loadDefaultEvidenceBase, loadEvidenceBase } from "../../src/evidence/load.js";
import type { EvidenceContent } from "../../src/evidence/versions.js";
import { ConflictError, EvidenceStore, Store, backupStore, parseBackup, restoreStore } from "../../src/store/index.js";
import { InputError } from "../../src/shared/errors.js";
import { createTestDb, ENGINES, type TestDb } from "./engines.js";

const actor = { username: "rev.a", route: "test" };

describe.each(ENGINES)("evidence versions in the store on %s", (engine) => {
  let tdb: TestDb;
  let store: Store;
  let es: EvidenceStore;
  const base = loadDefaultEvidenceBase() as unknown as EvidenceContent;

  beforeAll(async () => {
    tdb = await createTestDb(engine);
    store = await Store.open(tdb.config, { scryptLogN: 10 });
    es = new EvidenceStore(store, () => new Date("2026-12-03T09:00:00Z"));
  });
  afterAll(async () => {
    await store.close();
    await tdb.drop();
  });

  it("seeds v1 once, hashed over its canonical JSON", async () => {
    expect(await es.seedEvidence(base, actor)).toBe(true);
    expect(await es.seedEvidence(base, actor)).toBe(false);
    const v = await es.getEvidenceVersion(1);
    expect(v.contentHash).toBe(createHash("sha256").update(canonicalJson(base)).digest("hex"));
    expect(v.publishedAt).toBe("2026-12-03T09:00:00.000Z");
    expect((await es.listEvidenceVersions()).map((x) => x.number)).toEqual([1]);
  });

  it("a revision records who, why and the entry before and after; a stale revision number is refused", async () => {
    const trial = structuredClone((base.trials as Array<Record<string, unknown> & { id: string }>).find((t) => t.id === "tang-2013")!);
    trial.note = "checked against the pilot report";
    const [r] = await es.reviseEvidenceDraft(actor, "note added", { kind: "replace", table: "trials", entry: trial }, 0);
    expect(r).toMatchObject({ id: 1, actor: "rev.a", why: "note added", kind: "replace", table: "trials", entryId: "tang-2013", baseVersion: 1 });
    expect((r!.before as { note?: string }).note).toBeUndefined();
    expect((r!.after as { note?: string }).note).toBe("checked against the pilot report");
    await expect(es.reviseEvidenceDraft(actor, "again", { kind: "replace", table: "trials", entry: trial }, 0)).rejects.toBeInstanceOf(ConflictError);
    await expect(es.reviseEvidenceDraft(actor, "  ", { kind: "delete", table: "trials", id: "tang-2013" })).rejects.toThrow(/reason is required/);
    await expect(es.reviseEvidenceDraft(actor, "bad", { kind: "add", table: "trials", entry: { ...trial, id: "bad-2020", year: "x" } })).rejects.toThrow(/trials\.json, entry bad-2020, field year/);
    const d = await es.getEvidenceDraft();
    expect(d.lastRevision).toBe(1);
    expect(d.pending.map((p) => p.id)).toEqual([1]);
    // the published version is untouched by the draft
    expect(JSON.stringify((await es.getEvidenceVersion(1)).content)).not.toContain("checked against the pilot report");
  });

  it("publishing refuses a draft that fails the checks and writes nothing; then publishes v2 in one transaction", async () => {
    const trial = { ...structuredClone((base.trials as Array<Record<string, unknown> & { id: string }>)[0]!), id: "orphan-2026", source: "no-such-source" };
    await es.reviseEvidenceDraft(actor, "orphan", { kind: "add", table: "trials", entry: trial });
    const auditBefore = (await store.listAudit({})).total;
    const err = await es.publishEvidence(actor, "try").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).location.file).toBe("trials.json");
    expect((err as InputError).message).toMatch(/orphan-2026.*no-such-source/s);
    expect((await es.listEvidenceVersions()).length).toBe(1);
    expect((await store.listAudit({})).total).toBe(auditBefore);
    await es.reviseEvidenceDraft(actor, "source not entered yet", { kind: "delete", table: "trials", id: "orphan-2026" });
    await expect(es.publishEvidence(actor, "v2", { expectedRevision: 1 })).rejects.toBeInstanceOf(ConflictError);
    const v2 = await es.publishEvidence(actor, "Tang 2013 note", { expectedRevision: 3 });
    expect(v2).toMatchObject({ number: 2, lastRevision: 3, publishedBy: "rev.a", note: "Tang 2013 note" });
    expect((await es.getEvidenceDraft()).pending).toEqual([]);
    await expect(es.publishEvidence(actor, "nothing new")).rejects.toThrow(/same as v2/);
    const audit = (await store.listAudit({ limit: 50 })).entries.map((e) => e.action);
    expect(audit).toContain("evidence.publish");
    expect(audit.filter((a) => a === "evidence.revise").length).toBe(3);
  });

  it("versions and revisions cannot be changed or deleted", async () => {
    await expect(sql`update evidence_versions set note = ${"x"} where id = 1`.execute(store.db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from evidence_revisions`.execute(store.db)).rejects.toThrow(/append-only/);
  });

  it("a backup carries versions, revisions and the draft; restored, they read the same", async () => {
    const dump = await backupStore(store);
    expect(dump.tables.evidence_versions.length).toBe(2);
    const target = await createTestDb(engine);
    const s2 = await Store.open(target.config, { scryptLogN: 10 });
    try {
      await restoreStore(s2, parseBackup(JSON.stringify(dump)));
      const es2 = new EvidenceStore(s2);
      expect(await es2.listEvidenceVersions()).toEqual(await es.listEvidenceVersions());
      expect(await es2.listEvidenceRevisions()).toEqual(await es.listEvidenceRevisions());
      expect((await es2.getEvidenceDraft()).lastRevision).toBe(3);
    } finally {
      await s2.close();
      await target.drop();
    }
  });

  it("export writes a version that validate accepts; the round trip gives the same base", async () => {
    const url = tdb.config.engine === "sqlite" ? tdb.config.file : tdb.config.url;
    const dir = mkdtempSync(join(tmpdir(), "decidua-export-"));
    const out: string[] = [];
    const err: string[] = [];
    expect(await main(["evidence", "export", join(dir, "v1"), "--version", "1", "--db", url], { out: (t) => out.push(t), err: (t) => err.push(t) })).toBe(0);
    expect(out.join("")).toMatch(/^evidence v1 \(published 2026-12-03/);
    expect(await main(["evidence", "validate", join(dir, "v1")], { out: (t) => out.push(t), err: (t) => err.push(t) })).toBe(0);
    expect(loadEvidenceBase(join(dir, "v1"))).toEqual(loadDefaultEvidenceBase());
    expect(await main(["evidence", "export", join(dir, "latest"), "--db", url], { out: () => undefined, err: (t) => err.push(t) })).toBe(0);
    expect(readFileSync(join(dir, "latest", "trials.json"), "utf8")).toContain("checked against the pilot report");
    expect(await main(["evidence", "validate", "--data", join(dir, "latest")], { out: () => undefined, err: (t) => err.push(t) })).toBe(0);
    expect(await main(["evidence", "export", join(dir, "none"), "--version", "9", "--db", url], { out: () => undefined, err: (t) => err.push(t) })).toBe(2);
    expect(err.join("")).toMatch(/no published evidence version 9/);
  });
});
