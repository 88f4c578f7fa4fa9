/**
 * The one migration set for both engines. Engine differences are confined to the audit log's integer
 * sequence and the append-only triggers.
 */
import { type Kysely, type Migration, type MigrationProvider, Migrator, sql } from "kysely";
import type { Engine } from "./db.js";
import { GENESIS_HASH, chainStartMarker, entryHash, type ChainedEntry } from "./audit-chain.js";

function migrations(engine: Engine): Record<string, Migration> {
  return {
    "0001_initial": {
      async up(db: Kysely<unknown>): Promise<void> {
        await db.schema
          .createTable("users")
          .addColumn("id", "text", (c) => c.primaryKey())
          .addColumn("username", "text", (c) => c.notNull().unique())
          .addColumn("display_name", "text", (c) => c.notNull())
          .addColumn("role", "text", (c) => c.notNull().check(sql`role in ('clinician', 'researcher', 'admin')`))
          .addColumn("password_hash", "text", (c) => c.notNull())
          .addColumn("disabled", "integer", (c) => c.notNull().defaultTo(0))
          .addColumn("created_at", "text", (c) => c.notNull())
          .execute();
        await db.schema
          .createTable("sessions")
          .addColumn("id", "text", (c) => c.primaryKey())
          .addColumn("user_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
          .addColumn("csrf_token", "text", (c) => c.notNull())
          .addColumn("created_at", "text", (c) => c.notNull())
          .addColumn("expires_at", "text", (c) => c.notNull())
          .execute();
        await db.schema
          .createTable("patients")
          .addColumn("id", "text", (c) => c.primaryKey())
          .addColumn("pseudonym_id", "text", (c) => c.notNull().unique())
          .addColumn("display_name", "text", (c) => c.notNull())
          .addColumn("date_of_birth", "text", (c) => c.notNull())
          .addColumn("record", "text", (c) => c.notNull())
          .addColumn("version", "integer", (c) => c.notNull())
          .addColumn("date_shift_days", "integer", (c) => c.notNull())
          .addColumn("created_at", "text", (c) => c.notNull())
          .addColumn("created_by", "text", (c) => c.notNull())
          .addColumn("updated_at", "text", (c) => c.notNull())
          .addColumn("updated_by", "text", (c) => c.notNull())
          .execute();
        await db.schema
          .createTable("record_history")
          .addColumn("id", "text", (c) => c.primaryKey())
          .addColumn("patient_id", "text", (c) => c.notNull().references("patients.id"))
          .addColumn("version", "integer", (c) => c.notNull())
          .addColumn("display_name", "text", (c) => c.notNull())
          .addColumn("date_of_birth", "text", (c) => c.notNull())
          .addColumn("record", "text", (c) => c.notNull())
          .addColumn("changed_at", "text", (c) => c.notNull())
          .addColumn("changed_by", "text", (c) => c.notNull())
          .addUniqueConstraint("record_history_patient_version", ["patient_id", "version"])
          .execute();
        await db.schema
          .createTable("followups")
          .addColumn("id", "text", (c) => c.primaryKey())
          .addColumn("patient_id", "text", (c) => c.notNull().references("patients.id"))
          .addColumn("kind", "text", (c) => c.notNull())
          .addColumn("date", "text", (c) => c.notNull())
          .addColumn("data", "text", (c) => c.notNull())
          .addColumn("created_at", "text", (c) => c.notNull())
          .addColumn("created_by", "text", (c) => c.notNull())
          .execute();
        await db.schema.createIndex("followups_patient").on("followups").column("patient_id").execute();
        await db.schema
          .createTable("evidence")
          .addColumn("id", "text", (c) => c.primaryKey())
          .addColumn("content", "text", (c) => c.notNull())
          .addColumn("source", "text", (c) => c.notNull())
          .addColumn("loaded_at", "text", (c) => c.notNull())
          .execute();
        await db.schema
          .createTable("audit_log")
          .addColumn("id", "integer", (c) =>
            engine === "sqlite" ? c.primaryKey().autoIncrement() : c.primaryKey().generatedByDefaultAsIdentity(),
          )
          .addColumn("at", "text", (c) => c.notNull())
          .addColumn("username", "text")
          .addColumn("action", "text", (c) => c.notNull())
          .addColumn("patient_id", "text")
          .addColumn("route", "text", (c) => c.notNull())
          .addColumn("status", "integer")
          .addColumn("detail", "text")
          .execute();
        await db.schema.createIndex("audit_log_patient").on("audit_log").column("patient_id").execute();
        if (engine === "sqlite") {
          await sql`create trigger audit_log_no_update before update on audit_log
            begin select raise(abort, 'audit_log is append-only'); end`.execute(db);
          await sql`create trigger audit_log_no_delete before delete on audit_log
            begin select raise(abort, 'audit_log is append-only'); end`.execute(db);
        } else {
          await sql`create or replace function decidua_audit_append_only() returns trigger language plpgsql as $$
            begin raise exception 'audit_log is append-only'; end $$`.execute(db);
          await sql`create trigger audit_log_no_update before update or delete on audit_log
            for each row execute function decidua_audit_append_only()`.execute(db);
          await sql`create trigger audit_log_no_truncate before truncate on audit_log
            for each statement execute function decidua_audit_append_only()`.execute(db);
        }
      },
      async down(): Promise<void> {
        throw new Error("the initial migration is not reversible");
      },
    },
    "0002_settings": {
      async up(db: Kysely<unknown>): Promise<void> {
        await db.schema
          .createTable("settings")
          .addColumn("key", "text", (c) => c.primaryKey())
          .addColumn("value", "text", (c) => c.notNull())
          .execute();
      },
      async down(db: Kysely<unknown>): Promise<void> {
        await db.schema.dropTable("settings").execute();
      },
    },
    "0003_followups_rev": {
      // bumped with every follow-up written or deleted: a cheap "have the follow-ups changed?" for caches
      async up(db: Kysely<unknown>): Promise<void> {
        await db.schema.alterTable("patients").addColumn("followups_rev", "integer", (c) => c.notNull().defaultTo(0)).execute();
      },
      async down(db: Kysely<unknown>): Promise<void> {
        await db.schema.alterTable("patients").dropColumn("followups_rev").execute();
      },
    },
    "0005_protection": {
      // the audit log's "from where" and hash chain (src/store/audit-chain.ts), its head row, password history
      async up(db: Kysely<unknown>): Promise<void> {
        for (const col of ["client_ip", "user_agent", "session_id", "prev_hash", "hash"]) {
          await db.schema.alterTable("audit_log").addColumn(col, "text").execute();
        }
        await db.schema
          .createTable("audit_head")
          .addColumn("id", "integer", (c) => c.primaryKey())
          .addColumn("last_id", "integer", (c) => c.notNull())
          .addColumn("hash", "text", (c) => c.notNull())
          .addColumn("last_at", "text", (c) => c.notNull())
          .execute();
        await db.schema
          .createTable("password_history")
          .addColumn("id", "text", (c) => c.primaryKey())
          .addColumn("user_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
          .addColumn("password_hash", "text", (c) => c.notNull())
          .addColumn("changed_at", "text", (c) => c.notNull())
          .execute();
        await db.schema.createIndex("password_history_user").on("password_history").column("user_id").execute();
        // chain the entries written before this migration (the append-only trigger is lifted for this one update)
        type Row = Omit<ChainedEntry, "client_ip" | "user_agent" | "session_id" | "prev_hash" | "hash">;
        const rows = (await sql<Row>`select id, at, username, action, patient_id, route, status, detail from audit_log order by id`.execute(db)).rows;
        if (engine === "sqlite") await sql`drop trigger audit_log_no_update`.execute(db);
        else await sql`alter table audit_log disable trigger audit_log_no_update`.execute(db);
        let prev = GENESIS_HASH;
        let lastId = 0;
        let lastAt = "";
        for (const r of rows) {
          const e = { ...r, id: Number(r.id), status: r.status === null ? null : Number(r.status), client_ip: null, user_agent: null, session_id: null };
          const hash = entryHash(prev, e);
          await sql`update audit_log set prev_hash = ${prev}, hash = ${hash} where id = ${e.id}`.execute(db);
          prev = hash;
          lastId = e.id;
          lastAt = e.at > lastAt ? e.at : lastAt;
        }
        if (engine === "sqlite") {
          await sql`create trigger audit_log_no_update before update on audit_log
            begin select raise(abort, 'audit_log is append-only'); end`.execute(db);
        } else {
          await sql`alter table audit_log enable trigger audit_log_no_update`.execute(db);
        }
        // a chained marker after older entries: they were chained retroactively (their times were not checked when written)
        if (rows.length > 0) {
          const marker = chainStartMarker(lastId + 1, lastAt, "migration 0005_protection", rows.length);
          const markerHash = entryHash(prev, marker);
          await sql`insert into audit_log (id, at, username, action, patient_id, route, status, detail, client_ip, user_agent, session_id, prev_hash, hash)
            values (${marker.id}, ${marker.at}, null, ${marker.action}, null, ${marker.route}, null, ${marker.detail}, null, null, null, ${prev}, ${markerHash})`.execute(db);
          prev = markerHash;
          lastId = marker.id;
        }
        await sql`insert into audit_head (id, last_id, hash, last_at) values (1, ${lastId}, ${prev}, ${lastAt})`.execute(db);
      },
      async down(): Promise<void> {
        throw new Error("0005_protection is not reversible (the audit chain must not be dropped)");
      },
    },
  };
}

class InCodeProvider implements MigrationProvider {
  constructor(private readonly engine: Engine) {}
  async getMigrations(): Promise<Record<string, Migration>> {
    return migrations(this.engine);
  }
}

/** Brings the schema up to date; throws with the failing migration's name. */
export async function migrateToLatest(db: Kysely<unknown>, engine: Engine): Promise<string[]> {
  const migrator = new Migrator({ db, provider: new InCodeProvider(engine) });
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results?.find((r) => r.status === "Error")?.migrationName ?? "?";
    throw new Error(`migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  return (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
}
