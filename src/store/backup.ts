/**
 * Backup and restore: a JSON dump of every table, restorable into an empty database of either engine.
 * Restore runs in one transaction: a bad file or a non-empty target leaves the database untouched.
 */
import { type Kysely, sql } from "kysely";
import { z } from "zod";
import { InputError } from "../shared/errors.js";
import type { Store } from "./store.js";
import { ChainVerifier, GENESIS_HASH, chainStartMarker, entryHash } from "./audit-chain.js";
import { ROLES, TABLES, type TableName } from "./schema.js";
import { TRIAL_BACKUP_TABLES, TRIAL_TABLE_NAMES } from "./trials.js";
import { FHIR_BACKUP_TABLES, FHIR_TABLE_NAMES } from "./fhir.js";

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
  evidence_versions: z.object({ id: int, content: str, content_hash: str, last_revision: int, note: str, impact: str.default("[]"), published_at: str, published_by: str }),
  evidence_revisions: z.object({ id: int, at: str, actor: str, why: str, kind: str, table_name: str, entry_id: str, before: str.nullable(), after: str.nullable(), base_version: int }),
  evidence_draft: z.object({ id: int, content: str, base_version: int, last_revision: int, updated_at: str, updated_by: str }),
  extractions: z.object({ id: str, study: str, reviewer_id: str, status: z.enum(["draft", "submitted"]), content: str, version: int, created_at: str, updated_at: str, submitted_at: str.nullable() }),
  extraction_reconciliations: z.object({ id: str, study: str, extraction_a: str, extraction_b: str, agreed: str, meta: str, reconciled_at: str, reconciled_by: str }),
  extraction_resolutions: z.object({ id: str, reconciliation_id: str, position: int, path: str, value_a: str.nullable(), value_b: str.nullable(), choice: z.enum(["a", "b", "new"]), value: str.nullable(), reason: str }),
  rob_assessments: z.object({ id: str, study: str, outcome: str, tool: z.enum(["rob2", "robins-i"]), version: int, input: str, result: str, overall_algorithm: str, overall_final: str, assessor: str, assessed_at: str }),
  audit_log: z.object({
    id: int,
    at: str,
    username: str.nullable(),
    action: str,
    patient_id: str.nullable(),
    route: str,
    status: int.nullable(),
    detail: str.nullable(),
    // migration 0005: from where, and the hash chain (absent in older backups: chained on restore)
    client_ip: str.nullable().default(null),
    user_agent: str.nullable().default(null),
    session_id: str.nullable().default(null),
    prev_hash: str.nullable().default(null),
    hash: str.nullable().default(null),
  }),
} satisfies Record<TableName, z.ZodType>;

export const BackupSchema = z.object({
  format: z.literal("decidua-backup"),
  version: z.literal(1),
  engine: z.enum(["sqlite", "postgres"]),
  createdAt: z.string(),
  tables: z.object({
    settings: z.array(RowSchemas.settings).default([]),
    users: z.array(RowSchemas.users),
    sessions: z.array(RowSchemas.sessions).default([]),
    patients: z.array(RowSchemas.patients),
    record_history: z.array(RowSchemas.record_history),
    followups: z.array(RowSchemas.followups),
    clinical_plans: z.array(RowSchemas.clinical_plans).default([]),
    therapy_events: z.array(RowSchemas.therapy_events).default([]),
    followup_errors: z.array(RowSchemas.followup_errors).default([]),
    evidence: z.array(RowSchemas.evidence),
    // evidence versions, revisions and the draft (migration 0009); absent in older backups
    evidence_versions: z.array(RowSchemas.evidence_versions).default([]),
    evidence_revisions: z.array(RowSchemas.evidence_revisions).default([]),
    evidence_draft: z.array(RowSchemas.evidence_draft).default([]),
    // extractions, reconciliations and RoB assessments (migration 0010); absent in older backups
    extractions: z.array(RowSchemas.extractions).default([]),
    extraction_reconciliations: z.array(RowSchemas.extraction_reconciliations).default([]),
    extraction_resolutions: z.array(RowSchemas.extraction_resolutions).default([]),
    rob_assessments: z.array(RowSchemas.rob_assessments).default([]),
    audit_log: z.array(RowSchemas.audit_log),
    // the trial module's tables (migration 0006_trials); absent in older backups
    ...(Object.fromEntries(TRIAL_TABLE_NAMES.map((t) => [t, z.array(TRIAL_BACKUP_TABLES[t].row).default([])])) as { [K in keyof typeof TRIAL_BACKUP_TABLES]: z.ZodDefault<z.ZodArray<(typeof TRIAL_BACKUP_TABLES)[K]["row"]>> }),
    // the EHR integration's tables (migrations 0008_fhir, 0011_fhir_servers); absent in older backups
    ...(Object.fromEntries(FHIR_TABLE_NAMES.map((t) => [t, z.array(FHIR_BACKUP_TABLES[t].row).default([])])) as { [K in keyof typeof FHIR_BACKUP_TABLES]: z.ZodDefault<z.ZodArray<(typeof FHIR_BACKUP_TABLES)[K]["row"]>> }),
  }),
});
export type Backup = z.infer<typeof BackupSchema>;

/** Every table in one consistent snapshot. Sessions are left out (a restored database starts signed out). */
export async function backupStore(store: Store, now: Date = new Date()): Promise<Backup> {
  // One read transaction so the dump is a consistent snapshot.
  const tables = await store.db.transaction().execute(async (trx) => {
    const out: Record<string, unknown[]> = {};
    for (const t of TABLES) out[t] = t === "sessions" ? [] : await trx.selectFrom(t).selectAll().orderBy(t === "settings" ? "key" : "id").execute();
    const db = trx as unknown as Kysely<Record<string, Record<string, unknown>>>;
    for (const t of TRIAL_TABLE_NAMES) out[t] = await db.selectFrom(t).selectAll().orderBy(TRIAL_BACKUP_TABLES[t].order).execute();
    for (const t of FHIR_TABLE_NAMES) {
      let q = db.selectFrom(t).selectAll();
      for (const c of FHIR_BACKUP_TABLES[t].order) q = q.orderBy(c);
      out[t] = await q.execute();
    }
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
  checkStorable(r.data, file);
  return r.data;
}

const NUL = /\u0000/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** JSON text escaping a NUL or a lone surrogate (record, follow-up and evidence documents). */
const ESCAPED_BAD = /\\u0000|\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F])|(?<!\\u[dD][89abAB][0-9a-fA-F]{2})\\u[dD][c-fC-F][0-9a-fA-F]{2}/;

/**
 * Every text of every row must be storable in both engines: no NUL byte (PostgreSQL rejects it), no lone
 * surrogate (not UTF-8). The error names the file, table, row (1-based) and column.
 */
export function checkStorable(backup: Backup, file = "backup"): void {
  for (const t of TABLES) {
    const rows = backup.tables[t] as ReadonlyArray<Record<string, unknown>>;
    rows.forEach((row, i) => {
      for (const [col, v] of Object.entries(row)) {
        if (typeof v !== "string") continue;
        const why = NUL.test(v) ? "a NUL byte (\\u0000)" : LONE_SURROGATE.test(v) ? "a lone UTF-16 surrogate" : ESCAPED_BAD.test(v) ? "an escaped NUL byte or lone surrogate in its JSON" : null;
        if (why !== null) throw new InputError(`table ${t}, row ${i + 1}, column ${col}: contains ${why}, which cannot be stored`, { file, row: i + 1, field: `tables.${t}.${i}.${col}` });
      }
    });
  }
}

type AuditRow = Backup["tables"]["audit_log"][number];

/**
 * The backup's audit entries as they will be stored: a chained backup must verify (a break is reported as the
 * file, table, row and column); an older backup without hashes is chained now, followed by a chain-start marker.
 */
function chainedAuditRows(rows: readonly AuditRow[], file: string): { rows: AuditRow[]; head: { id: number; hash: string; at: string } } {
  const sorted = [...rows].sort((a, b) => a.id - b.id);
  if (sorted.length === 0) return { rows: [], head: { id: 0, hash: GENESIS_HASH, at: "" } };
  const chained = sorted.every((r) => r.hash !== null && r.prev_hash !== null);
  if (chained) {
    const v = new ChainVerifier();
    sorted.forEach((r, i) => {
      if (!v.add(r)) {
        const b = v.broken;
        throw new InputError(`the audit log in the backup does not verify: ${b?.reason ?? "broken"}`, { file, row: i + 1, field: `tables.audit_log.${i}.hash` });
      }
    });
    const last = sorted[sorted.length - 1]!;
    const report = v.finish({ lastId: last.id, hash: last.hash ?? "", lastAt: last.at });
    if (!report.ok) {
      const i = sorted.findIndex((r) => r.id === report.firstBroken?.id);
      throw new InputError(`the audit log in the backup does not verify: ${report.firstBroken?.reason ?? "broken"}`, { file, row: i + 1, field: `tables.audit_log.${Math.max(i, 0)}.at` });
    }
    return { rows: sorted, head: { id: last.id, hash: last.hash ?? "", at: sorted.reduce((m, r) => (r.at > m ? r.at : m), "") } };
  }
  const out: AuditRow[] = [];
  let prev = GENESIS_HASH;
  let lastAt = "";
  sorted.forEach((r) => {
    const base = { ...r, client_ip: r.client_ip ?? null, user_agent: r.user_agent ?? null, session_id: r.session_id ?? null };
    const hash = entryHash(prev, base);
    out.push({ ...base, prev_hash: prev, hash });
    prev = hash;
    if (r.at > lastAt) lastAt = r.at;
  });
  const marker = chainStartMarker(sorted[sorted.length - 1]!.id + 1, lastAt, "restore of a backup without a hash chain", sorted.length);
  const markerHash = entryHash(prev, marker);
  out.push({ ...marker, prev_hash: prev, hash: markerHash });
  return { rows: out, head: { id: marker.id, hash: markerHash, at: marker.at } };
}

/** Restores into an empty database (no users, no patients, no audit entries); throws InputError otherwise. */
export async function restoreStore(store: Store, backup: Backup, file = "backup"): Promise<Record<TableName, number>> {
  const counts = {} as Record<TableName, number>;
  await store.db.transaction().execute(async (trx) => {
    for (const t of TABLES) {
      const r = await trx.selectFrom(t).select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow();
      if (Number(r.n) > 0) throw new InputError(`the target database is not empty (table ${t} has ${Number(r.n)} rows); restore needs an empty database`);
    }
    const audit = chainedAuditRows(backup.tables.audit_log, file);
    for (const t of TABLES) {
      const rows = t === "audit_log" ? audit.rows : backup.tables[t];
      counts[t] = rows.length;
      for (let i = 0; i < rows.length; i += 200) {
        const chunk = rows.slice(i, i + 200);
        // Each table's rows match its own schema (validated by BackupSchema); kysely cannot see the pairing.
        try {
          await trx.insertInto(t).values(chunk as never).execute();
        } catch (e) {
          const pgCol = typeof e === "object" && e !== null && "column" in e && typeof e.column === "string" ? e.column : undefined;
          const msg = e instanceof Error ? e.message : String(e);
          throw new InputError(`table ${t}, rows ${i + 1} to ${i + chunk.length}${pgCol ? `, column ${pgCol}` : ""}: the database refused them (${msg})`, { file, row: i + 1, field: `tables.${t}.${i}${pgCol ? `.${pgCol}` : ""}` });
        }
      }
    }
    const db = trx as unknown as Kysely<Record<string, Record<string, unknown>>>;
    for (const t of TRIAL_TABLE_NAMES) {
      const r = await db.selectFrom(t).select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow();
      if (Number(r.n) > 0) throw new InputError(`the target database is not empty (table ${t} has ${Number(r.n)} rows); restore needs an empty database`);
      const rows = backup.tables[t];
      for (let i = 0; i < rows.length; i += 200) await db.insertInto(t).values(rows.slice(i, i + 200) as never).execute();
    }
    for (const t of FHIR_TABLE_NAMES) {
      const r = await db.selectFrom(t).select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow();
      if (Number(r.n) > 0) throw new InputError(`the target database is not empty (table ${t} has ${Number(r.n)} rows); restore needs an empty database`);
      const rows = backup.tables[t];
      for (let i = 0; i < rows.length; i += 200) await db.insertInto(t).values(rows.slice(i, i + 200) as never).execute();
    }
    await trx.updateTable("audit_head").set({ last_id: audit.head.id, hash: audit.head.hash, last_at: audit.head.at }).where("id", "=", 1).execute();
    if (store.engine === "postgres" && backup.tables.audit_log.length > 0) {
      await sql`select setval(pg_get_serial_sequence('audit_log', 'id'), (select max(id) from audit_log))`.execute(trx);
    }
  });
  return counts;
}
