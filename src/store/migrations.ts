/**
 * The one migration set for both engines. Engine differences are confined to the audit log's integer
 * sequence and the append-only triggers.
 */
import { createHash } from "node:crypto";
import { type ColumnDefinitionBuilder, type Kysely, type Migration, type MigrationInfo, type MigrationProvider, type MigrationResult, Migrator, sql } from "kysely";
import { migrateRecordToCurrent } from "../clinical/record-migration.js";
import { canonicalJson } from "../evidence/canonical.js";
import { GENESIS_HASH, chainStartMarker, entryHash, type ChainedEntry } from "./audit-chain.js";
import type { Engine } from "./db.js";
import { ROLES } from "./schema.js";

/** The SQL list of the roles the users.role CHECK constraint accepts (from ROLES). */
function roleCheckList(): string {
  return ROLES.map((r) => `'${r}'`).join(", ");
}

/**
 * Migrations that must run outside kysely's migration transaction, per engine. SQLite cannot change a CHECK
 * constraint in place: the table is rebuilt (SQLite's "12-step" ALTER procedure), which needs `PRAGMA foreign_keys = OFF`,
 * and that pragma is a no-op inside a transaction. Such a migration opens its own transaction for all its writes.
 */
const OUTSIDE_TRANSACTION: Record<Engine, ReadonlySet<string>> = {
  sqlite: new Set(["0009_evidence_versions"]),
  postgres: new Set(),
};

/**
 * users.role accepts every role in ROLES (issue 11: `reviewer`). SQLite: rebuild `users` from its own stored
 * definition with only the CHECK list changed — with foreign keys OFF, so dropping the old table neither cascades to
 * sessions/password history/EHR links nor fails, and renaming the copy leaves the children's `REFERENCES "users"`
 * as they are; `PRAGMA foreign_key_check` must come back empty before commit. PostgreSQL: drop and re-add the
 * constraint (ALTER TABLE in the migration's transaction). Rows are copied column for column; nothing is deleted.
 */
async function widenRoleCheck(db: Kysely<unknown>, engine: Engine): Promise<void> {
  if (engine === "postgres") {
    const checks = await sql<{ conname: string }>`select conname from pg_constraint
      where conrelid = 'users'::regclass and contype = 'c' and pg_get_constraintdef(oid) like '%role%'`.execute(db);
    for (const c of checks.rows) await sql`alter table users drop constraint ${sql.id(c.conname)}`.execute(db);
    await sql`alter table users add constraint users_role_check check (role in (${sql.raw(roleCheckList())}))`.execute(db);
    return;
  }
  const def = (await sql<{ sql: string }>`select sql from sqlite_master where type = 'table' and name = 'users'`.execute(db)).rows[0]?.sql;
  if (def === undefined) throw new Error("0009_evidence_versions: table users not found");
  const check = /role\s+in\s*\(([^)]*)\)/i;
  const m = check.exec(def);
  if (m === null) throw new Error("0009_evidence_versions: the CHECK constraint on users.role was not found in the table definition");
  if (m[1]!.replace(/\s/g, "") === roleCheckList().replace(/\s/g, "")) return; // already widened (a re-run)
  const head = /^create\s+table\s+("users"|users)/i;
  if (!head.test(def)) throw new Error("0009_evidence_versions: unexpected definition of table users");
  const copyDef = def.replace(head, 'create table "users_0009"').replace(check, `role in (${roleCheckList()})`);
  const indexes = (await sql<{ sql: string }>`select sql from sqlite_master where type in ('index', 'trigger') and tbl_name = 'users' and sql is not null`.execute(db)).rows;
  await sql.raw(copyDef).execute(db);
  await sql`insert into users_0009 select * from users`.execute(db);
  await sql`drop table users`.execute(db);
  await sql`alter table users_0009 rename to users`.execute(db);
  for (const ix of indexes) await sql.raw(ix.sql).execute(db);
  const broken = (await sql<Record<string, unknown>>`pragma foreign_key_check`.execute(db)).rows;
  if (broken.length > 0) throw new Error(`0009_evidence_versions: ${broken.length} row(s) would lose their parent (${JSON.stringify(broken[0])})`);
}

/** Tables of the evidence versions (issue 11 §2); v1 is the base already stored in `evidence`, if any. */
async function createEvidenceVersionTables(db: Kysely<unknown>, engine: Engine): Promise<void> {
  const nn = (c: ColumnDefinitionBuilder) => c.notNull();
  await db.schema
    .createTable("evidence_versions")
    .addColumn("id", "integer", (c) => c.primaryKey())
    .addColumn("content", "text", nn)
    .addColumn("content_hash", "text", nn)
    .addColumn("last_revision", "integer", nn)
    .addColumn("note", "text", nn)
    .addColumn("impact", "text", nn)
    .addColumn("published_at", "text", nn)
    .addColumn("published_by", "text", nn)
    .execute();
  await db.schema
    .createTable("evidence_revisions")
    .addColumn("id", "integer", (c) => c.primaryKey())
    .addColumn("at", "text", nn)
    .addColumn("actor", "text", nn)
    .addColumn("why", "text", nn)
    .addColumn("kind", "text", (c) => c.notNull().check(sql`kind in ('add', 'replace', 'delete')`))
    .addColumn("table_name", "text", nn)
    .addColumn("entry_id", "text", nn)
    .addColumn("before", "text")
    .addColumn("after", "text")
    .addColumn("base_version", "integer", nn)
    .execute();
  await db.schema
    .createTable("evidence_draft")
    .addColumn("id", "integer", (c) => c.primaryKey())
    .addColumn("content", "text", nn)
    .addColumn("base_version", "integer", nn)
    .addColumn("last_revision", "integer", nn)
    .addColumn("updated_at", "text", nn)
    .addColumn("updated_by", "text", nn)
    .execute();
  // published versions and revisions are never changed or removed
  for (const t of ["evidence_versions", "evidence_revisions"]) {
    if (engine === "sqlite") {
      await sql.raw(`create trigger ${t}_no_update before update on ${t} begin select raise(abort, '${t} is append-only'); end`).execute(db);
      await sql.raw(`create trigger ${t}_no_delete before delete on ${t} begin select raise(abort, '${t} is append-only'); end`).execute(db);
    } else {
      await sql.raw(`create trigger ${t}_append_only before update or delete on ${t} for each row execute function decidua_audit_append_only()`).execute(db);
    }
  }
  const seeded = (await sql<{ content: string; loaded_at: string }>`select content, loaded_at from evidence where id = 'default'`.execute(db)).rows[0];
  if (seeded !== undefined) {
    const content = canonicalJson(JSON.parse(seeded.content) as unknown);
    const hash = createHash("sha256").update(content).digest("hex");
    await sql`insert into evidence_versions (id, content, content_hash, last_revision, note, impact, published_at, published_by)
      values (1, ${content}, ${hash}, 0, ${"the base seeded from data/ (migration 0009)"}, ${"[]"}, ${seeded.loaded_at}, ${"seed"})`.execute(db);
    await sql`insert into evidence_draft (id, content, base_version, last_revision, updated_at, updated_by)
      values (1, ${content}, 1, 0, ${seeded.loaded_at}, ${"seed"})`.execute(db);
  }
}

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
    "0006_trials": {
      // the trial module (src/store/trials.ts): protocols, per-trial roles, participants, consent, final allocations,
      // unblinding, visits, markers, outcomes, adverse events. Allocations cannot be updated or deleted (triggers).
      async up(db: Kysely<unknown>): Promise<void> {
        const ts = (c: ColumnDefinitionBuilder) => c.notNull();
        await db.schema
          .createTable("trials")
          .addColumn("id", "text", (c) => c.primaryKey())
          .addColumn("registration", "text", (c) => c.notNull().unique())
          .addColumn("title", "text", (c) => c.notNull())
          .addColumn("protocol", "text", (c) => c.notNull())
          .addColumn("seed", "text", (c) => c.notNull())
          .addColumn("status", "text", (c) => c.notNull().check(sql`status in ('recruiting', 'closed')`))
          .addColumn("allocated_count", "integer", (c) => c.notNull().defaultTo(0))
          .addColumn("created_at", "text", ts)
          .addColumn("created_by", "text", ts)
          .execute();
        await db.schema
          .createTable("trial_members")
          .addColumn("trial_id", "text", (c) => c.notNull().references("trials.id"))
          .addColumn("user_id", "text", (c) => c.notNull().references("users.id"))
          .addColumn("role", "text", (c) => c.notNull().check(sql`role in ('coordinator', 'investigator', 'statistician')`))
          .addColumn("added_at", "text", ts)
          .addColumn("added_by", "text", ts)
          .addPrimaryKeyConstraint("trial_members_pk", ["trial_id", "user_id"])
          .execute();
        await db.schema
          .createTable("trial_participants")
          .addColumn("id", "text", (c) => c.primaryKey())
          .addColumn("trial_id", "text", (c) => c.notNull().references("trials.id"))
          .addColumn("patient_id", "text", (c) => c.notNull().references("patients.id"))
          .addColumn("study_id", "text", (c) => c.notNull())
          .addColumn("group_id", "text")
          .addColumn("eligibility_status", "text", (c) => c.notNull().check(sql`eligibility_status in ('eligible', 'not-eligible', 'incomplete', 'comparison-group')`))
          .addColumn("eligibility", "text", (c) => c.notNull())
          .addColumn("record_version", "integer", (c) => c.notNull())
          .addColumn("strata", "text", (c) => c.notNull())
          .addColumn("exclusion_reason", "text")
          .addColumn("created_at", "text", ts)
          .addColumn("created_by", "text", ts)
          .addUniqueConstraint("trial_participants_patient", ["trial_id", "patient_id"])
          .addUniqueConstraint("trial_participants_study_id", ["trial_id", "study_id"])
          .execute();
        await db.schema
          .createTable("trial_consents")
          .addColumn("id", "text", (c) => c.primaryKey())
          .addColumn("participant_id", "text", (c) => c.notNull().references("trial_participants.id"))
          .addColumn("taken_by", "text", ts)
          .addColumn("consented_on", "text", ts)
          .addColumn("sheet_version", "text", ts)
          .addColumn("created_at", "text", ts)
          .addColumn("created_by", "text", ts)
          .execute();
        await db.schema
          .createTable("trial_allocations")
          .addColumn("id", "text", (c) => c.primaryKey())
          .addColumn("trial_id", "text", (c) => c.notNull().references("trials.id"))
          .addColumn("participant_id", "text", (c) => c.notNull().unique().references("trial_participants.id"))
          .addColumn("sequence", "integer", (c) => c.notNull())
          .addColumn("arm", "text", ts)
          .addColumn("kit_code", "text")
          .addColumn("stratum", "text", ts)
          .addColumn("block", "integer")
          .addColumn("method", "text", ts)
          .addColumn("allocated_on", "text", ts)
          .addColumn("allocated_at", "text", ts)
          .addColumn("allocated_by", "text", ts)
          .addUniqueConstraint("trial_allocations_sequence", ["trial_id", "sequence"])
          .addUniqueConstraint("trial_allocations_kit", ["trial_id", "kit_code"])
          .execute();
        if (engine === "sqlite") {
          await sql`create trigger trial_allocations_no_update before update on trial_allocations
            begin select raise(abort, 'an allocation is final and cannot be edited'); end`.execute(db);
          await sql`create trigger trial_allocations_no_delete before delete on trial_allocations
            begin select raise(abort, 'an allocation is final and cannot be deleted'); end`.execute(db);
        } else {
          await sql`create or replace function decidua_allocation_final() returns trigger language plpgsql as $$
            begin raise exception 'an allocation is final and cannot be edited or deleted'; end $$`.execute(db);
          await sql`create trigger trial_allocations_final before update or delete on trial_allocations
            for each row execute function decidua_allocation_final()`.execute(db);
        }
        await db.schema
          .createTable("trial_unblindings")
          .addColumn("id", "text", (c) => c.primaryKey())
          .addColumn("allocation_id", "text", (c) => c.notNull().references("trial_allocations.id"))
          .addColumn("reason", "text", ts)
          .addColumn("unblinded_at", "text", ts)
          .addColumn("unblinded_by", "text", ts)
          .execute();
        await db.schema
          .createTable("trial_visits")
          .addColumn("id", "text", (c) => c.primaryKey())
          .addColumn("participant_id", "text", (c) => c.notNull().references("trial_participants.id"))
          .addColumn("visit_id", "text", ts)
          .addColumn("date", "text", ts)
          .addColumn("out_of_window_reason", "text")
          .addColumn("created_at", "text", ts)
          .addColumn("created_by", "text", ts)
          .addUniqueConstraint("trial_visits_once", ["participant_id", "visit_id"])
          .execute();
        await db.schema
          .createTable("trial_markers")
          .addColumn("id", "text", (c) => c.primaryKey())
          .addColumn("participant_id", "text", (c) => c.notNull().references("trial_participants.id"))
          .addColumn("visit_id", "text", ts)
          .addColumn("marker", "text", ts)
          .addColumn("value", "real", (c) => c.notNull())
          .addColumn("unit", "text", ts)
          .addColumn("method", "text")
          .addColumn("created_at", "text", ts)
          .addColumn("created_by", "text", ts)
          .addUniqueConstraint("trial_markers_once", ["participant_id", "visit_id", "marker"])
          .execute();
        await db.schema
          .createTable("trial_outcomes")
          .addColumn("participant_id", "text", (c) => c.primaryKey().references("trial_participants.id"))
          .addColumn("data", "text", ts)
          .addColumn("version", "integer", (c) => c.notNull())
          .addColumn("updated_at", "text", ts)
          .addColumn("updated_by", "text", ts)
          .execute();
        await db.schema
          .createTable("trial_adverse_events")
          .addColumn("id", "text", (c) => c.primaryKey())
          .addColumn("participant_id", "text", (c) => c.notNull().references("trial_participants.id"))
          .addColumn("term", "text", ts)
          .addColumn("onset", "text", ts)
          .addColumn("serious", "integer", (c) => c.notNull())
          .addColumn("severity", "text", ts)
          .addColumn("related", "text", ts)
          .addColumn("created_at", "text", ts)
          .addColumn("created_by", "text", ts)
          .execute();
        for (const t of ["trial_participants", "trial_visits", "trial_markers", "trial_adverse_events", "trial_consents"]) {
          const col = t === "trial_participants" ? "trial_id" : "participant_id";
          await db.schema.createIndex(`${t}_${col}`).on(t).column(col).execute();
        }
      },
      async down(): Promise<void> {
        throw new Error("the trials migration is not reversible (allocations are final)");
      },
    },
    "0004_clinical": {
      // issue 9: stored records (current and history) to the current record format (src/clinical/record-migration.ts)
      async up(db: Kysely<unknown>): Promise<void> {
        for (const table of ["patients", "record_history"] as const) {
          const rows = await sql<{ id: string; record: string }>`select id, record from ${sql.table(table)}`.execute(db);
          for (const row of rows.rows) {
            const { record, changed } = migrateRecordToCurrent(JSON.parse(row.record) as unknown);
            if (changed) await sql`update ${sql.table(table)} set record = ${JSON.stringify(record)} where id = ${row.id}`.execute(db);
          }
        }
        // issue 9 §5: plans kept with version, author and override reason; therapies started/stopped; follow-ups
        // marked entered in error instead of deleted
        await db.schema
          .createTable("clinical_plans")
          .addColumn("id", "text", (c) => c.primaryKey())
          .addColumn("patient_id", "text", (c) => c.notNull().references("patients.id"))
          .addColumn("therapy", "text", (c) => c.notNull())
          .addColumn("version", "integer", (c) => c.notNull())
          .addColumn("start_date", "text", (c) => c.notNull())
          .addColumn("verdict_status", "text", (c) => c.notNull())
          .addColumn("override_reason", "text")
          .addColumn("plan", "text", (c) => c.notNull())
          .addColumn("created_at", "text", (c) => c.notNull())
          .addColumn("created_by", "text", (c) => c.notNull())
          .addUniqueConstraint("clinical_plans_version", ["patient_id", "therapy", "version"])
          .execute();
        await db.schema
          .createTable("therapy_events")
          .addColumn("id", "text", (c) => c.primaryKey())
          .addColumn("patient_id", "text", (c) => c.notNull().references("patients.id"))
          .addColumn("therapy", "text", (c) => c.notNull())
          .addColumn("event", "text", (c) => c.notNull().check(sql`event in ('started', 'stopped')`))
          .addColumn("date", "text", (c) => c.notNull())
          .addColumn("note", "text")
          .addColumn("created_at", "text", (c) => c.notNull())
          .addColumn("created_by", "text", (c) => c.notNull())
          .execute();
        await db.schema
          .createTable("followup_errors")
          .addColumn("id", "text", (c) => c.primaryKey())
          .addColumn("followup_id", "text", (c) => c.notNull().unique().references("followups.id"))
          .addColumn("patient_id", "text", (c) => c.notNull().references("patients.id"))
          .addColumn("reason", "text", (c) => c.notNull())
          .addColumn("created_at", "text", (c) => c.notNull())
          .addColumn("created_by", "text", (c) => c.notNull())
          .execute();
      },
      async down(db: Kysely<unknown>): Promise<void> {
        // the renamed record values are the same facts in the new words: nothing to undo there
        await db.schema.dropTable("followup_errors").execute();
        await db.schema.dropTable("therapy_events").execute();
        await db.schema.dropTable("clinical_plans").execute();
      },
    },
    "0008_fhir": {
      // CDS Hooks clients allowed to call Decidua (issuer + JWKS), EHR users mapped to Decidua users (SMART launch),
      // and pending SMART authorisation requests (state, PKCE verifier)
      async up(db: Kysely<unknown>): Promise<void> {
        await db.schema
          .createTable("cds_clients")
          .addColumn("iss", "text", (c) => c.primaryKey())
          .addColumn("label", "text", (c) => c.notNull())
          .addColumn("jwks_url", "text")
          .addColumn("jwks", "text")
          .addColumn("created_at", "text", (c) => c.notNull())
          .addColumn("created_by", "text", (c) => c.notNull())
          .execute();
        await db.schema
          .createTable("ehr_users")
          .addColumn("iss", "text", (c) => c.notNull())
          .addColumn("ehr_user", "text", (c) => c.notNull())
          .addColumn("user_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
          .addColumn("created_at", "text", (c) => c.notNull())
          .addColumn("created_by", "text", (c) => c.notNull())
          .addPrimaryKeyConstraint("ehr_users_pk", ["iss", "ehr_user"])
          .execute();
        await db.schema
          .createTable("smart_ehrs")
          .addColumn("iss", "text", (c) => c.primaryKey())
          .addColumn("client_id", "text", (c) => c.notNull())
          .addColumn("label", "text", (c) => c.notNull())
          .addColumn("created_at", "text", (c) => c.notNull())
          .addColumn("created_by", "text", (c) => c.notNull())
          .execute();
        await db.schema
          .createTable("smart_launches")
          .addColumn("state", "text", (c) => c.primaryKey())
          .addColumn("iss", "text", (c) => c.notNull())
          .addColumn("data", "text", (c) => c.notNull())
          .addColumn("created_at", "text", (c) => c.notNull())
          .addColumn("expires_at", "text", (c) => c.notNull())
          .execute();
      },
      async down(db: Kysely<unknown>): Promise<void> {
        await db.schema.dropTable("smart_launches").execute();
        await db.schema.dropTable("smart_ehrs").execute();
        await db.schema.dropTable("ehr_users").execute();
        await db.schema.dropTable("cds_clients").execute();
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

    "0009_evidence_versions": {
      // issue 11: the reviewer role (users.role CHECK widened, no row lost) and the evidence base's draft, revisions and
      // published versions. On SQLite this runs outside the migrator's transaction (OUTSIDE_TRANSACTION) and takes its own.
      async up(db: Kysely<unknown>): Promise<void> {
        if (engine === "postgres") {
          await widenRoleCheck(db, engine);
          await createEvidenceVersionTables(db, engine);
          return;
        }
        const fk = Number((await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(db)).rows[0]?.foreign_keys ?? 0);
        await sql`pragma foreign_keys = off`.execute(db);
        try {
          await db.transaction().execute(async (trx) => {
            await widenRoleCheck(trx, engine);
            await createEvidenceVersionTables(trx, engine);
          });
        } finally {
          if (fk === 1) await sql`pragma foreign_keys = on`.execute(db);
        }
      },
      async down(): Promise<void> {
        throw new Error("0009_evidence_versions is not reversible (published evidence versions are kept)");
      },
    },
    "0010_extraction": {
      // issue 11 §4-5: dual data extraction (blinded until both are submitted), reconciliation with one row per resolved
      // disagreement, and RoB 2 / ROBINS-I assessments (every save a new version). Reconciliations, their resolutions and
      // assessment versions are never changed or removed (triggers).
      async up(db: Kysely<unknown>): Promise<void> {
        const nn = (c: ColumnDefinitionBuilder) => c.notNull();
        await db.schema
          .createTable("extractions")
          .addColumn("id", "text", (c) => c.primaryKey())
          .addColumn("study", "text", nn)
          .addColumn("reviewer_id", "text", (c) => c.notNull().references("users.id"))
          .addColumn("status", "text", (c) => c.notNull().check(sql`status in ('draft', 'submitted')`))
          .addColumn("content", "text", nn)
          .addColumn("version", "integer", nn)
          .addColumn("created_at", "text", nn)
          .addColumn("updated_at", "text", nn)
          .addColumn("submitted_at", "text")
          .addUniqueConstraint("extractions_one_per_reviewer", ["study", "reviewer_id"])
          .execute();
        await db.schema.createIndex("extractions_study").on("extractions").column("study").execute();
        await db.schema
          .createTable("extraction_reconciliations")
          .addColumn("id", "text", (c) => c.primaryKey())
          .addColumn("study", "text", (c) => c.notNull().unique())
          .addColumn("extraction_a", "text", (c) => c.notNull().references("extractions.id"))
          .addColumn("extraction_b", "text", (c) => c.notNull().references("extractions.id"))
          .addColumn("agreed", "text", nn)
          .addColumn("meta", "text", nn)
          .addColumn("reconciled_at", "text", nn)
          .addColumn("reconciled_by", "text", nn)
          .execute();
        await db.schema
          .createTable("extraction_resolutions")
          .addColumn("id", "text", (c) => c.primaryKey())
          .addColumn("reconciliation_id", "text", (c) => c.notNull().references("extraction_reconciliations.id"))
          .addColumn("position", "integer", nn)
          .addColumn("path", "text", nn)
          .addColumn("value_a", "text")
          .addColumn("value_b", "text")
          .addColumn("choice", "text", (c) => c.notNull().check(sql`choice in ('a', 'b', 'new')`))
          .addColumn("value", "text")
          .addColumn("reason", "text", nn)
          .addUniqueConstraint("extraction_resolutions_path", ["reconciliation_id", "path"])
          .execute();
        await db.schema
          .createTable("rob_assessments")
          .addColumn("id", "text", (c) => c.primaryKey())
          .addColumn("study", "text", nn)
          .addColumn("outcome", "text", nn)
          .addColumn("tool", "text", (c) => c.notNull().check(sql`tool in ('rob2', 'robins-i')`))
          .addColumn("version", "integer", nn)
          .addColumn("input", "text", nn)
          .addColumn("result", "text", nn)
          .addColumn("overall_algorithm", "text", nn)
          .addColumn("overall_final", "text", nn)
          .addColumn("assessor", "text", nn)
          .addColumn("assessed_at", "text", nn)
          .addUniqueConstraint("rob_assessments_version", ["study", "outcome", "tool", "version"])
          .execute();
        for (const t of ["extraction_reconciliations", "extraction_resolutions", "rob_assessments"]) {
          if (engine === "sqlite") {
            await sql.raw(`create trigger ${t}_no_update before update on ${t} begin select raise(abort, '${t} is append-only'); end`).execute(db);
            await sql.raw(`create trigger ${t}_no_delete before delete on ${t} begin select raise(abort, '${t} is append-only'); end`).execute(db);
          } else {
            await sql.raw(`create trigger ${t}_append_only before update or delete on ${t} for each row execute function decidua_audit_append_only()`).execute(db);
          }
        }
      },
      async down(db: Kysely<unknown>): Promise<void> {
        for (const t of ["rob_assessments", "extraction_resolutions", "extraction_reconciliations", "extractions"]) await db.schema.dropTable(t).execute();
      },
    },
    "0011_fhir_servers": {
      // FHIR servers an administrator configured for importing a patient's record on the patient page
      // (base URL, optional bearer token for server-to-server reads)
      async up(db: Kysely<unknown>): Promise<void> {
        await db.schema
          .createTable("fhir_servers")
          .addColumn("id", "text", (c) => c.primaryKey())
          .addColumn("label", "text", (c) => c.notNull())
          .addColumn("base_url", "text", (c) => c.notNull().unique())
          .addColumn("bearer_token", "text")
          .addColumn("created_at", "text", (c) => c.notNull())
          .addColumn("created_by", "text", (c) => c.notNull())
          .execute();
      },
      async down(db: Kysely<unknown>): Promise<void> {
        await db.schema.dropTable("fhir_servers").execute();
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

/**
 * Runs the pending migrations up to `target` (or all) in order: consecutive ordinary migrations in one transaction,
 * each migration named in OUTSIDE_TRANSACTION alone without the migrator's transaction (it takes its own).
 */
async function runMigrations(db: Kysely<unknown>, engine: Engine, target?: string): Promise<{ results: MigrationResult[]; error?: unknown }> {
  const provider = new InCodeProvider(engine);
  const infos: readonly MigrationInfo[] = await new Migrator({ db, provider }).getMigrations();
  const names = infos.map((i) => i.name);
  if (target !== undefined && !names.includes(target)) return { results: [], error: new Error(`migration ${target} does not exist`) };
  const end = target === undefined ? names.length : names.indexOf(target) + 1;
  const pending = infos.slice(0, end).filter((i) => i.executedAt === undefined).map((i) => i.name);
  const results: MigrationResult[] = [];
  let i = 0;
  while (i < pending.length) {
    const alone = OUTSIDE_TRANSACTION[engine].has(pending[i]!);
    let j = i;
    if (!alone) while (j + 1 < pending.length && !OUTSIDE_TRANSACTION[engine].has(pending[j + 1]!)) j++;
    const r = await new Migrator({ db, provider, disableTransactions: alone }).migrateTo(pending[j]!);
    results.push(...(r.results ?? []));
    if (r.error !== undefined) return { results, error: r.error };
    i = j + 1;
  }
  return { results };
}

/** Brings the schema to the named migration (tests of a data migration start from the schema before it). */
export async function migrateTo(db: Kysely<unknown>, engine: Engine, name: string): Promise<void> {
  const { error } = await runMigrations(db, engine, name);
  if (error !== undefined) throw error instanceof Error ? error : new Error(String(error));
}

/** Brings the schema up to date; throws with the failing migration's name. */
export async function migrateToLatest(db: Kysely<unknown>, engine: Engine): Promise<string[]> {
  const { error, results } = await runMigrations(db, engine);
  if (error !== undefined) {
    const failed = results.find((r) => r.status === "Error")?.migrationName ?? "?";
    throw new Error(`migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  return results.filter((r) => r.status === "Success").map((r) => r.migrationName);
}
