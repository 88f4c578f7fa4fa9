/** Opens a kysely connection to SQLite (better-sqlite3) or PostgreSQL (pg) from one config. */
import { Kysely, PostgresDialect, SqliteDialect, type SqliteDatabase, type SqliteStatement } from "kysely";
import Database from "better-sqlite3";
import pg from "pg";
import { z } from "zod";
import type { Database as Schema } from "./schema.js";

export type Engine = "sqlite" | "postgres";

export const DbConfigSchema = z.discriminatedUnion("engine", [
  z.object({ engine: z.literal("sqlite"), file: z.string().min(1) }),
  z.object({ engine: z.literal("postgres"), url: z.string().regex(/^postgres(ql)?:\/\//, "must start with postgres://") }),
]);
export type DbConfig = z.infer<typeof DbConfigSchema>;

export const DEFAULT_SQLITE_FILE = "./decidua.sqlite";

/**
 * Resolves the database from CLI option, DECIDUA_DB and DATABASE_URL (in that order of precedence);
 * default ./decidua.sqlite. A value starting with postgres:// selects PostgreSQL.
 */
export function resolveDbConfig(option: string | undefined, env: NodeJS.ProcessEnv = process.env): DbConfig {
  const value = option ?? env.DECIDUA_DB ?? env.DATABASE_URL ?? DEFAULT_SQLITE_FILE;
  if (/^postgres(ql)?:\/\//.test(value)) return { engine: "postgres", url: value };
  return { engine: "sqlite", file: value.replace(/^sqlite:(\/\/)?/, "") };
}

export interface Connection {
  db: Kysely<Schema>;
  engine: Engine;
}

export function connect(config: DbConfig): Connection {
  if (config.engine === "sqlite") {
    const sqlite = new Database(config.file);
    sqlite.pragma("journal_mode = WAL");
    sqlite.pragma("synchronous = NORMAL");
    sqlite.pragma("foreign_keys = ON");
    sqlite.pragma("busy_timeout = 5000");
    return { db: new Kysely<Schema>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) }), engine: "sqlite" };
  }
  const pool = new pg.Pool({ connectionString: config.url, max: 10 });
  // An idle connection closed by the server (restart, failover, dropped database) must not crash the process;
  // the pool discards it and the next query opens a new one.
  pool.on("error", (err) => {
    process.emitWarning(`PostgreSQL connection lost: ${err.message}`);
  });
  return { db: new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) }), engine: "postgres" };
}

/**
 * kysely prepares every query anew; SQLite's statement compilation is a large share of a small query's cost.
 * This keeps the prepared statements of the most recent distinct SQL texts (queries are built from a few
 * templates, so the hit rate is near 100%). Statements are used one at a time on the one connection.
 */
function withStatementCache(db: Database.Database, max = 256): SqliteDatabase {
  const cache = new Map<string, SqliteStatement>();
  return {
    close: () => db.close(),
    prepare: (sql: string): SqliteStatement => {
      const hit = cache.get(sql);
      if (hit !== undefined) return hit;
      const stmt = db.prepare(sql);
      if (cache.size >= max) {
        const oldest = cache.keys().next();
        if (oldest.done !== true) cache.delete(oldest.value);
      }
      cache.set(sql, stmt);
      return stmt;
    },
  };
}
