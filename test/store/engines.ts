/** Test databases for both engines: a temp SQLite file, or a fresh PostgreSQL database dropped afterwards. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll } from "vitest";
import type { Kysely } from "kysely";
import { connect, type DbConfig } from "../../src/store/index.js";

export const PG_ADMIN_URL = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

export interface TestDb {
  config: DbConfig;
  drop: () => Promise<void>;
}

function pgUrlFor(dbName: string): string {
  const u = new URL(PG_ADMIN_URL);
  u.pathname = "/" + dbName;
  return u.toString();
}

export async function createTestDb(engine: "sqlite" | "postgres"): Promise<TestDb> {
  if (engine === "sqlite") {
    const dir = mkdtempSync(join(tmpdir(), "decidua-test-"));
    return { config: { engine: "sqlite", file: join(dir, "test.sqlite") }, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const name = `decidua_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: pgUrlFor("postgres") });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  return {
    config: { engine: "postgres", url: pgUrlFor(name) },
    drop: async () => {
      const c = new pg.Client({ connectionString: pgUrlFor("postgres") });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

export const ENGINES = ["sqlite", "postgres"] as const;

/**
 * Registers a describe block's hooks for one empty database of the engine, as an untyped kysely handle (for
 * migration tests that start from an earlier schema); `db` is read inside the tests.
 */
export function rawTestDb(engine: "sqlite" | "postgres"): { readonly db: Kysely<unknown> } {
  let tdb: TestDb | undefined;
  let db: Kysely<unknown> | undefined;
  beforeAll(async () => {
    tdb = await createTestDb(engine);
    db = connect(tdb.config).db as unknown as Kysely<unknown>;
  });
  afterAll(async () => {
    await db?.destroy();
    await tdb?.drop();
  });
  return {
    get db() {
      if (db === undefined) throw new Error("the test database is not open (rawTestDb runs in beforeAll)");
      return db;
    },
  };
}
