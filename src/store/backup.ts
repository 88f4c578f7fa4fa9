/**
 * Backup and restore: a JSON dump of every table, restorable into an empty database of either engine.
 * Restore runs in one transaction: a bad file or a non-empty target leaves the database untouched.
 */
import { type Kysely, sql } from "kysely";
import { z } from "zod";
import { InputError } from "../shared/errors.js";
import type { Store } from "./store.js";
import { ROLES, TABLES, type TableName } from "./schema.js";
import { TRIAL_BACKUP_TABLES, TRIAL_TABLE_NAMES } from "./trials.js";

const str = z.string();
const int = z.coerce.number().int();
const RowSchemas = {
  settings: z.object({ key: str, value: str }),
  users: z.object({ id: str, username: str, display_name: str, role: z.enum(ROLES), password_hash: str, disabled: int, created_at: str }),
  sessions: z.object({ id: str, user_id: str, csrf_token: str, created_at: str, expires_at: str }),
  patients: z.object({ id: str, pseudonym_id: str, display_name: str, date_of_birth: str, record: str, version: int, date_shift_days: int, followups_rev: int.default(0), created_at: str, created_by: str, updated_at: str, updated_by: str }),
  record_history: z.object({ id: str, patient_id: str, version: int, display_name: str, date_of_birth: str, record: str, changed_at: str, changed_by: str }),
  followups: z.object({ id: str, patient_id: str, kind: str, date: str, data: str, created_at: str, created_by: str }),
  clinical_plans: z.object({ id: str, patient_id: str, therapy: str, version: int, start_date: str, verdict_status: str, override_reason: str.nullable(), plan: str, created_at: str, created_by: str }),
  therapy_events: z.object({ id: str, patient_id: str, therapy: str, event: str, date: str, note: str.nullable(), created_at: str, created_by: str }),
  followup_errors: z.object({ id: str, followup_id: str, patient_id: str, reason: str, created_at: str, created_by: str }),
  evidence: z.object({ id: str, content: str, source: str, loaded_at: str }),
  audit_log: z.object({ id: int, at: str, username: str.nullable(), action: str, patient_id: str.nullable(), route: str, status: int.nullable(), detail: str.nullable() }),
} satisfies Record<TableName, z.ZodType>;

export const BackupSchema = z.object({
  format: z.literal("decidua-backup"),
  version: z.literal(1),
  engine: z.enum(["sqlite", "postgres"]),
  createdAt: z.string(),
  tables: z.object({
    settings: z.array(RowSchemas.settings).default([]),
    users: z.array(RowSchemas.users),
    sessions: z.array(RowSchemas.sessions),
    patients: z.array(RowSchemas.patients),
    record_history: z.array(RowSchemas.record_history),
    followups: z.array(RowSchemas.followups),
    clinical_plans: z.array(RowSchemas.clinical_plans).default([]),
    therapy_events: z.array(RowSchemas.therapy_events).default([]),
    followup_errors: z.array(RowSchemas.followup_errors).default([]),
    evidence: z.array(RowSchemas.evidence),
    audit_log: z.array(RowSchemas.audit_log),
    // the trial module's tables (migration 0006_trials); absent in older backups
    ...(Object.fromEntries(TRIAL_TABLE_NAMES.map((t) => [t, z.array(TRIAL_BACKUP_TABLES[t].row).default([])])) as { [K in keyof typeof TRIAL_BACKUP_TABLES]: z.ZodDefault<z.ZodArray<(typeof TRIAL_BACKUP_TABLES)[K]["row"]>> }),
  }),
});
export type Backup = z.infer<typeof BackupSchema>;

export async function backupStore(store: Store, now: Date = new Date()): Promise<Backup> {
  // One read transaction so the dump is a consistent snapshot.
  const tables = await store.db.transaction().execute(async (trx) => {
    const out: Record<string, unknown[]> = {};
    for (const t of TABLES) out[t] = await trx.selectFrom(t).selectAll().orderBy(t === "settings" ? "key" : "id").execute();
    const db = trx as unknown as Kysely<Record<string, Record<string, unknown>>>;
    for (const t of TRIAL_TABLE_NAMES) out[t] = await db.selectFrom(t).selectAll().orderBy(TRIAL_BACKUP_TABLES[t].order).execute();
    return out;
  });
  return BackupSchema.parse({ format: "decidua-backup", version: 1, engine: store.engine, createdAt: now.toISOString(), tables });
}

/** Parses a backup file's text; InputError names the field that is wrong. */
export function parseBackup(text: string, file = "backup"): Backup {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new InputError(`not JSON: ${e instanceof Error ? e.message : String(e)}`, { file });
  }
  const r = BackupSchema.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new InputError(issue?.message ?? "invalid backup", { file, field: issue?.path.join(".") });
  }
  return r.data;
}

/** Restores into an empty database (no users, no patients, no audit entries); throws InputError otherwise. */
export async function restoreStore(store: Store, backup: Backup): Promise<Record<TableName, number>> {
  const counts = {} as Record<TableName, number>;
  await store.db.transaction().execute(async (trx) => {
    for (const t of TABLES) {
      const r = await trx.selectFrom(t).select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow();
      if (Number(r.n) > 0) throw new InputError(`the target database is not empty (table ${t} has ${Number(r.n)} rows); restore needs an empty database`);
    }
    for (const t of TABLES) {
      const rows = backup.tables[t];
      counts[t] = rows.length;
      for (let i = 0; i < rows.length; i += 200) {
        const chunk = rows.slice(i, i + 200);
        // Each table's rows match its own schema (validated by BackupSchema); kysely cannot see the pairing.
        await trx.insertInto(t).values(chunk as never).execute();
      }
    }
    const db = trx as unknown as Kysely<Record<string, Record<string, unknown>>>;
    for (const t of TRIAL_TABLE_NAMES) {
      const r = await db.selectFrom(t).select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow();
      if (Number(r.n) > 0) throw new InputError(`the target database is not empty (table ${t} has ${Number(r.n)} rows); restore needs an empty database`);
      const rows = backup.tables[t];
      for (let i = 0; i < rows.length; i += 200) await db.insertInto(t).values(rows.slice(i, i + 200) as never).execute();
    }
    if (store.engine === "postgres" && backup.tables.audit_log.length > 0) {
      await sql`select setval(pg_get_serial_sequence('audit_log', 'id'), (select max(id) from audit_log))`.execute(trx);
    }
  });
  return counts;
}
