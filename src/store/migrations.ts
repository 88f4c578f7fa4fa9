/**
 * The one migration set for both engines. Engine differences are confined to the audit log's integer
 * sequence and the append-only triggers.
 */
import { type Kysely, type Migration, type MigrationProvider, Migrator, sql } from "kysely";
import type { Engine } from "./db.js";

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
    "0007_screening": {
      // study selection (src/store/screening.ts): reviews, members, imports, records, duplicate decisions,
      // screening decisions with their history, conflict resolutions
      async up(db: Kysely<unknown>): Promise<void> {
        await db.schema
          .createTable("screening_reviews")
          .addColumn("id", "text", (c) => c.primaryKey())
          .addColumn("title", "text", (c) => c.notNull())
          .addColumn("protocol", "text", (c) => c.notNull())
          .addColumn("created_at", "text", (c) => c.notNull())
          .addColumn("created_by", "text", (c) => c.notNull())
          .execute();
        await db.schema
          .createTable("screening_members")
          .addColumn("review_id", "text", (c) => c.notNull().references("screening_reviews.id"))
          .addColumn("user_id", "text", (c) => c.notNull().references("users.id"))
          .addColumn("member_role", "text", (c) => c.notNull().check(sql`member_role in ('lead', 'reviewer')`))
          .addColumn("added_at", "text", (c) => c.notNull())
          .addColumn("added_by", "text", (c) => c.notNull())
          .addPrimaryKeyConstraint("screening_members_pk", ["review_id", "user_id"])
          .execute();
        await db.schema
          .createTable("screening_imports")
          .addColumn("id", "text", (c) => c.primaryKey())
          .addColumn("review_id", "text", (c) => c.notNull().references("screening_reviews.id"))
          .addColumn("file_name", "text", (c) => c.notNull())
          .addColumn("format", "text", (c) => c.notNull())
          .addColumn("source_database", "text", (c) => c.notNull())
          .addColumn("search_date", "text", (c) => c.notNull())
          .addColumn("search_string", "text", (c) => c.notNull())
          .addColumn("record_count", "integer", (c) => c.notNull())
          .addColumn("imported_at", "text", (c) => c.notNull())
          .addColumn("imported_by", "text", (c) => c.notNull())
          .execute();
        await db.schema
          .createTable("screening_records")
          .addColumn("id", "text", (c) => c.primaryKey())
          .addColumn("review_id", "text", (c) => c.notNull().references("screening_reviews.id"))
          .addColumn("import_id", "text", (c) => c.notNull().references("screening_imports.id"))
          .addColumn("position", "integer", (c) => c.notNull())
          .addColumn("source_index", "integer", (c) => c.notNull())
          .addColumn("pmid", "text")
          .addColumn("doi", "text")
          .addColumn("title", "text", (c) => c.notNull())
          .addColumn("abstract", "text")
          .addColumn("authors", "text", (c) => c.notNull())
          .addColumn("journal", "text")
          .addColumn("year", "integer")
          .addUniqueConstraint("screening_records_position", ["review_id", "position"])
          .execute();
        await db.schema
          .createTable("screening_duplicate_decisions")
          .addColumn("id", "text", (c) => c.primaryKey())
          .addColumn("review_id", "text", (c) => c.notNull().references("screening_reviews.id"))
          .addColumn("record_a", "text", (c) => c.notNull().references("screening_records.id"))
          .addColumn("record_b", "text", (c) => c.notNull().references("screening_records.id"))
          .addColumn("duplicate", "integer", (c) => c.notNull())
          .addColumn("decided_at", "text", (c) => c.notNull())
          .addColumn("decided_by", "text", (c) => c.notNull())
          .addUniqueConstraint("screening_duplicate_pair", ["review_id", "record_a", "record_b"])
          .execute();
        await db.schema
          .createTable("screening_decisions")
          .addColumn("id", "text", (c) => c.primaryKey())
          .addColumn("review_id", "text", (c) => c.notNull().references("screening_reviews.id"))
          .addColumn("record_id", "text", (c) => c.notNull().references("screening_records.id"))
          .addColumn("stage", "text", (c) => c.notNull().check(sql`stage in ('title_abstract', 'full_text')`))
          .addColumn("reviewer_id", "text", (c) => c.notNull().references("users.id"))
          .addColumn("vote", "text", (c) => c.notNull().check(sql`vote in ('include', 'exclude', 'maybe')`))
          .addColumn("reason", "text")
          .addColumn("version", "integer", (c) => c.notNull())
          .addColumn("decided_at", "text", (c) => c.notNull())
          .addUniqueConstraint("screening_decision_one", ["record_id", "stage", "reviewer_id"])
          .execute();
        await db.schema.createIndex("screening_decisions_review").on("screening_decisions").columns(["review_id", "stage"]).execute();
        await db.schema
          .createTable("screening_decision_history")
          .addColumn("id", "text", (c) => c.primaryKey())
          .addColumn("decision_id", "text", (c) => c.notNull().references("screening_decisions.id"))
          .addColumn("version", "integer", (c) => c.notNull())
          .addColumn("vote", "text", (c) => c.notNull())
          .addColumn("reason", "text")
          .addColumn("change_reason", "text")
          .addColumn("decided_at", "text", (c) => c.notNull())
          .addUniqueConstraint("screening_decision_history_version", ["decision_id", "version"])
          .execute();
        await db.schema
          .createTable("screening_resolutions")
          .addColumn("id", "text", (c) => c.primaryKey())
          .addColumn("review_id", "text", (c) => c.notNull().references("screening_reviews.id"))
          .addColumn("record_id", "text", (c) => c.notNull().references("screening_records.id"))
          .addColumn("stage", "text", (c) => c.notNull().check(sql`stage in ('title_abstract', 'full_text')`))
          .addColumn("outcome", "text", (c) => c.notNull().check(sql`outcome in ('include', 'exclude', 'not_retrieved')`))
          .addColumn("reason", "text")
          .addColumn("note", "text", (c) => c.notNull())
          .addColumn("resolved_at", "text", (c) => c.notNull())
          .addColumn("resolved_by", "text", (c) => c.notNull())
          .addUniqueConstraint("screening_resolution_one", ["record_id", "stage"])
          .execute();
      },
      async down(db: Kysely<unknown>): Promise<void> {
        for (const t of ["screening_resolutions", "screening_decision_history", "screening_decisions", "screening_duplicate_decisions", "screening_records", "screening_imports", "screening_members", "screening_reviews"]) {
          await db.schema.dropTable(t).execute();
        }
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
