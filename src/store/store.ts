/**
 * The Decidua store: users, sessions, patients with record history, follow-ups, the seeded evidence base and
 * the append-only audit log, over kysely on SQLite or PostgreSQL. Every write that touches more than one row
 * runs in one transaction, the audit entry included: on failure nothing is written.
 */
import { createHash, randomBytes, randomInt, randomUUID } from "node:crypto";
import { CompiledQuery, type Insertable, type Kysely, type Transaction, sql } from "kysely";
import { connect, type DbConfig, type Engine } from "./db.js";
import { migrateToLatest } from "./migrations.js";
import { DEFAULT_SCRYPT_LOG_N, hashPassword, verifyPassword } from "./passwords.js";
import type { AuditLogTable, Database, PatientsTable, Role, UsersTable } from "./schema.js";
import { ChainVerifier, entryHash, type ChainReport } from "./audit-chain.js";

export interface User {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  disabled: boolean;
  createdAt: string;
}

export interface PatientRow {
  id: string;
  pseudonymId: string;
  displayName: string;
  dateOfBirth: string;
  readonly record: unknown;
  version: number;
  dateShiftDays: number;
  /** Changes whenever a follow-up of this patient is added or deleted. */
  followupsRev: number;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  updatedBy: string;
}

/** A patient without the record: what the patient list reads. */
export type PatientSummaryRow = Omit<PatientRow, "record">;

export interface PatientInput {
  displayName: string;
  dateOfBirth: string;
  record: unknown;
}

export interface HistoryEntry {
  version: number;
  changedAt: string;
  changedBy: string;
  displayName: string;
  dateOfBirth: string;
  record: unknown;
}

export interface FollowupRow {
  id: string;
  patientId: string;
  kind: string;
  date: string;
  data: Record<string, unknown>;
  createdAt: string;
  createdBy: string;
}

/** From where a request came: client address, user agent, session (a short id derived from the stored session id). */
export interface Origin {
  clientIp?: string | null;
  userAgent?: string | null;
  sessionId?: string | null;
}

export interface AuditInput extends Origin {
  username: string | null;
  action: string;
  patientId?: string | null;
  route: string;
  status?: number | null;
  detail?: string | null;
}

export interface AuditEntry {
  id: number;
  at: string;
  username: string | null;
  action: string;
  patientId: string | null;
  route: string;
  status: number | null;
  detail: string | null;
  clientIp: string | null;
  userAgent: string | null;
  sessionId: string | null;
  hash: string | null;
}

export interface AuditFilter {
  limit?: number;
  offset?: number;
  patientId?: string;
  username?: string;
  action?: string;
}

/** Who does a write and through which route: recorded in the same transaction as the write. */
export interface Actor extends Origin {
  username: string;
  route: string;
}

/** The audit fields of an actor's write (who, through which route, from where). */
function fromActor(actor: Actor): Pick<AuditInput, "username" | "route" | "clientIp" | "userAgent" | "sessionId"> {
  return { username: actor.username, route: actor.route, clientIp: actor.clientIp ?? null, userAgent: actor.userAgent ?? null, sessionId: actor.sessionId ?? null };
}

export class NotFoundError extends Error {
  override readonly name = "NotFoundError";
}
export class ConflictError extends Error {
  override readonly name = "ConflictError";
}

export interface StoreOptions {
  /** log2 of scrypt's N for new password hashes (default 17). */
  scryptLogN?: number;
  /** Clock (ISO timestamps); tests may fix it. */
  now?: () => Date;
  /**
   * Test hook called at named points inside write transactions ("patient.update:history-written", ...).
   * Throwing from it must roll the whole write back.
   */
  faultPoint?: (point: string) => void;
  /** How long a found session is cached in this process (ms, default 5000; 0 = no cache). */
  sessionCacheMs?: number;
}

type Db = Kysely<Database> | Transaction<Database>;

const PSEUDONYM_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";

function toUser(r: UsersTable): User {
  return { id: r.id, username: r.username, displayName: r.display_name, role: r.role, disabled: Number(r.disabled) === 1, createdAt: r.created_at };
}

/** A patient row whose record JSON is parsed on first use (most hot reads only need the version). */
class StoredPatient implements PatientRow {
  readonly id: string;
  readonly pseudonymId: string;
  readonly displayName: string;
  readonly dateOfBirth: string;
  readonly version: number;
  readonly dateShiftDays: number;
  readonly followupsRev: number;
  readonly createdAt: string;
  readonly createdBy: string;
  readonly updatedAt: string;
  readonly updatedBy: string;
  #json: string;
  #record: { value: unknown } | null = null;
  constructor(r: PatientsTable) {
    this.id = r.id;
    this.pseudonymId = r.pseudonym_id;
    this.displayName = r.display_name;
    this.dateOfBirth = r.date_of_birth;
    this.#json = r.record;
    this.version = Number(r.version);
    this.dateShiftDays = Number(r.date_shift_days);
    this.followupsRev = Number(r.followups_rev ?? 0);
    this.createdAt = r.created_at;
    this.createdBy = r.created_by;
    this.updatedAt = r.updated_at;
    this.updatedBy = r.updated_by;
  }
  get record(): unknown {
    if (this.#record === null) this.#record = { value: JSON.parse(this.#json) as unknown };
    return this.#record.value;
  }
}

function toPatient(r: PatientsTable): PatientRow {
  return new StoredPatient(r);
}

function sha256(s: string): string {
  return createHash("sha256").update(s).digest("hex");
}

export class Store {
  readonly db: Kysely<Database>;
  readonly engine: Engine;
  private readonly scryptLogN: number;
  private readonly now: () => Date;
  private readonly faultPoint: (point: string) => void;
  private readonly sessionCacheMs: number;
  private readonly auditQueue: Array<{ entry: AuditInput; at: string; resolve: () => void; reject: (e: unknown) => void }> = [];
  private readonly sessionCache = new Map<string, { value: { user: User; csrfToken: string; expiresAt: string }; until: number }>();

  private constructor(db: Kysely<Database>, engine: Engine, options: StoreOptions) {
    this.db = db;
    this.engine = engine;
    this.scryptLogN = options.scryptLogN ?? DEFAULT_SCRYPT_LOG_N;
    this.now = options.now ?? (() => new Date());
    this.faultPoint = options.faultPoint ?? (() => {});
    this.sessionCacheMs = options.sessionCacheMs ?? 5000;
  }

  /** Connects and runs the migrations. */
  static async open(config: DbConfig, options: StoreOptions = {}): Promise<Store> {
    const { db, engine } = connect(config);
    try {
      await migrateToLatest(db as unknown as Kysely<unknown>, engine);
    } catch (e) {
      await db.destroy();
      throw e;
    }
    return new Store(db, engine, options);
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }

  private iso(): string {
    return this.now().toISOString();
  }

  // ── users ────────────────────────────────────────────────────────────────────────────────────────

  async countUsers(): Promise<number> {
    const r = await this.db.selectFrom("users").select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow();
    return Number(r.n);
  }

  async createUser(input: { username: string; displayName: string; role: Role; password: string }, actor?: Actor): Promise<User> {
    const row: UsersTable = {
      id: randomUUID(),
      username: input.username,
      display_name: input.displayName,
      role: input.role,
      password_hash: await hashPassword(input.password, this.scryptLogN),
      disabled: 0,
      created_at: this.iso(),
    };
    await this.db.transaction().execute(async (trx) => {
      const existing = await trx.selectFrom("users").select("id").where("username", "=", input.username).executeTakeFirst();
      if (existing !== undefined) throw new ConflictError(`user "${input.username}" already exists`);
      await trx.insertInto("users").values(row).execute();
      if (actor) await this.audit(trx, { ...fromActor(actor), action: "user.create", detail: `${input.username} (${input.role})` });
    });
    return toUser(row);
  }

  async listUsers(): Promise<User[]> {
    const rows = await this.db.selectFrom("users").selectAll().orderBy("username").execute();
    return rows.map(toUser);
  }

  async getUser(id: string): Promise<User | null> {
    const r = await this.db.selectFrom("users").selectAll().where("id", "=", id).executeTakeFirst();
    return r ? toUser(r) : null;
  }

  async updateUser(
    id: string,
    patch: { displayName?: string; role?: Role; disabled?: boolean; password?: string },
    actor?: Actor,
  ): Promise<User> {
    const hash = patch.password !== undefined ? await hashPassword(patch.password, this.scryptLogN) : undefined;
    return this.db.transaction().execute(async (trx) => {
      const values: Partial<UsersTable> = {};
      if (patch.displayName !== undefined) values.display_name = patch.displayName;
      if (patch.role !== undefined) values.role = patch.role;
      if (patch.disabled !== undefined) values.disabled = patch.disabled ? 1 : 0;
      if (hash !== undefined) {
        values.password_hash = hash;
        // the replaced hash joins the history (reuse check)
        const old = await trx.selectFrom("users").select("password_hash").where("id", "=", id).executeTakeFirst();
        if (old !== undefined) await trx.insertInto("password_history").values({ id: randomUUID(), user_id: id, password_hash: old.password_hash, changed_at: this.iso() }).execute();
      }
      if (Object.keys(values).length > 0) await trx.updateTable("users").set(values).where("id", "=", id).execute();
      const r = await trx.selectFrom("users").selectAll().where("id", "=", id).executeTakeFirst();
      if (!r) throw new NotFoundError(`no user ${id}`);
      if (patch.disabled === true || hash !== undefined || patch.role !== undefined) {
        await trx.deleteFrom("sessions").where("user_id", "=", id).execute();
        this.sessionCache.clear();
      }
      if (actor) {
        const changed = Object.keys(patch).filter((k) => k !== "password").concat(hash ? ["password"] : []);
        await this.audit(trx, { ...fromActor(actor), action: "user.update", detail: `${r.username}: ${changed.join(", ")}` });
      }
      return toUser(r);
    });
  }

  /** True when `password` is the user's current password or one of the `recent` before it (reuse check). */
  async passwordReused(userId: string, password: string, recent = 4): Promise<boolean> {
    const cur = await this.db.selectFrom("users").select("password_hash").where("id", "=", userId).executeTakeFirst();
    const hist = await this.db.selectFrom("password_history").select("password_hash").where("user_id", "=", userId).orderBy("changed_at", "desc").limit(recent).execute();
    for (const h of [cur?.password_hash, ...hist.map((r) => r.password_hash)]) if (h !== undefined && (await verifyPassword(password, h))) return true;
    return false;
  }

  /** The user if the password is right and the account enabled, else null (same time either way for unknown users). */
  async authenticate(username: string, password: string): Promise<User | null> {
    const r = await this.db.selectFrom("users").selectAll().where("username", "=", username).executeTakeFirst();
    if (!r) {
      // Spend comparable time so unknown usernames cannot be told apart by timing.
      await verifyPassword(password, DUMMY_HASHES.get(this.scryptLogN) ?? (await dummyHash(this.scryptLogN)), true);
      return null;
    }
    const ok = await verifyPassword(password, r.password_hash);
    return ok && Number(r.disabled) !== 1 ? toUser(r) : null;
  }

  // ── sessions ─────────────────────────────────────────────────────────────────────────────────────

  async createSession(userId: string, ttlMs: number): Promise<{ token: string; csrfToken: string; expiresAt: string }> {
    const token = randomBytes(32).toString("base64url");
    const csrfToken = randomBytes(24).toString("base64url");
    const now = this.now();
    const expiresAt = new Date(now.getTime() + ttlMs).toISOString();
    await this.db.insertInto("sessions").values({ id: sha256(token), user_id: userId, csrf_token: csrfToken, created_at: now.toISOString(), expires_at: expiresAt }).execute();
    return { token, csrfToken, expiresAt };
  }

  /**
   * The live session behind a cookie token with its (enabled) user, or null. Found sessions are cached in this
   * process for `sessionCacheMs` (default 5 s); logout, password change and disabling clear the cache at once
   * here, and within that time in other processes sharing the database.
   */
  async getSession(token: string): Promise<{ user: User; csrfToken: string; expiresAt: string } | null> {
    const key = sha256(token);
    const nowIso = this.iso();
    const cached = this.sessionCache.get(key);
    if (cached !== undefined && cached.until > this.now().getTime()) {
      return cached.value.expiresAt > nowIso ? cached.value : null;
    }
    const found = await this.loadSession(key);
    if (found !== null && this.sessionCacheMs > 0) {
      if (this.sessionCache.size > 10_000) this.sessionCache.clear();
      this.sessionCache.set(key, { value: found, until: this.now().getTime() + this.sessionCacheMs });
    }
    return found;
  }

  private async loadSession(key: string): Promise<{ user: User; csrfToken: string; expiresAt: string } | null> {
    const r = await this.db
      .selectFrom("sessions")
      .innerJoin("users", "users.id", "sessions.user_id")
      .selectAll("users")
      .select(["sessions.csrf_token", "sessions.expires_at"])
      .where("sessions.id", "=", key)
      .executeTakeFirst();
    if (!r) return null;
    if (r.expires_at <= this.iso() || Number(r.disabled) === 1) return null;
    return { user: toUser(r), csrfToken: r.csrf_token, expiresAt: r.expires_at };
  }

  async deleteSession(token: string): Promise<void> {
    this.sessionCache.delete(sha256(token));
    await this.db.deleteFrom("sessions").where("id", "=", sha256(token)).execute();
  }

  async deleteExpiredSessions(): Promise<number> {
    const r = await this.db.deleteFrom("sessions").where("expires_at", "<=", this.iso()).executeTakeFirst();
    return Number(r.numDeletedRows);
  }

  // ── patients ─────────────────────────────────────────────────────────────────────────────────────

  async createPatient(input: PatientInput, actor: Actor): Promise<PatientRow> {
    const at = this.iso();
    return this.db.transaction().execute(async (trx) => {
      let pseudonymId = "";
      for (let attempt = 0; attempt < 20; attempt++) {
        pseudonymId = "P-" + Array.from({ length: 6 }, () => PSEUDONYM_ALPHABET[randomInt(PSEUDONYM_ALPHABET.length)]).join("");
        const clash = await trx.selectFrom("patients").select("id").where("pseudonym_id", "=", pseudonymId).executeTakeFirst();
        if (!clash) break;
      }
      const shift = randomInt(1, 181) * (randomInt(2) === 0 ? -1 : 1);
      const row: PatientsTable = {
        id: randomUUID(),
        pseudonym_id: pseudonymId,
        display_name: input.displayName,
        date_of_birth: input.dateOfBirth,
        record: JSON.stringify(input.record),
        version: 1,
        date_shift_days: shift,
        followups_rev: 0,
        created_at: at,
        created_by: actor.username,
        updated_at: at,
        updated_by: actor.username,
      };
      await trx.insertInto("patients").values(row).execute();
      this.faultPoint("patient.create:patient-written");
      await this.audit(trx, { ...fromActor(actor), action: "patient.create", patientId: row.id, route: actor.route });
      return toPatient(row);
    });
  }

  /** The hot read (every assessment): compiled once, executed with the id. */
  private readonly patientByIdSql = (): string => (this.patientByIdCompiled ??= this.db.selectFrom("patients").selectAll().where("id", "=", "").compile().sql);
  private patientByIdCompiled: string | undefined;

  async getPatient(id: string): Promise<PatientRow | null> {
    const res = await this.db.executeQuery<PatientsTable>(CompiledQuery.raw(this.patientByIdSql(), [id]));
    const r = res.rows[0];
    return r ? toPatient(r) : null;
  }

  /**
   * Replaces a patient's values if `expectedVersion` is still current: the previous values go to
   * record_history, the patient row gets version + 1, and the audit entry is written, all in one transaction.
   */
  async updatePatient(id: string, input: PatientInput, expectedVersion: number, actor: Actor): Promise<PatientRow> {
    const at = this.iso();
    return this.db.transaction().execute(async (trx) => {
      // PostgreSQL: lock the row, so a concurrent save waits and then sees the new version (409, not a
      // unique-key error on record_history). SQLite runs one write transaction at a time anyway.
      let select = trx.selectFrom("patients").selectAll().where("id", "=", id);
      if (this.engine === "postgres") select = select.forUpdate();
      const current = await select.executeTakeFirst();
      if (!current) throw new NotFoundError(`no patient ${id}`);
      if (Number(current.version) !== expectedVersion) {
        throw new ConflictError(`patient was changed by ${current.updated_by} at ${current.updated_at} (version ${current.version}, you edited version ${expectedVersion}); reload and apply your changes again`);
      }
      await trx
        .insertInto("record_history")
        .values({
          id: randomUUID(),
          patient_id: id,
          version: Number(current.version),
          display_name: current.display_name,
          date_of_birth: current.date_of_birth,
          record: current.record,
          changed_at: at,
          changed_by: actor.username,
        })
        .execute();
      this.faultPoint("patient.update:history-written");
      const next = Number(current.version) + 1;
      const res = await trx
        .updateTable("patients")
        .set({ display_name: input.displayName, date_of_birth: input.dateOfBirth, record: JSON.stringify(input.record), version: next, updated_at: at, updated_by: actor.username })
        .where("id", "=", id)
        .where("version", "=", expectedVersion)
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) !== 1) throw new ConflictError("patient was changed concurrently; reload");
      this.faultPoint("patient.update:patient-written");
      await this.audit(trx, { ...fromActor(actor), action: "patient.update", patientId: id, detail: `version ${expectedVersion} -> ${next}` });
      this.faultPoint("patient.update:audit-written");
      const updated = await trx.selectFrom("patients").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
      return toPatient(updated);
    });
  }

  async listPatients(filter: { q?: string; limit?: number; offset?: number; pseudonymOnly?: boolean } = {}): Promise<{ patients: PatientRow[]; total: number }> {
    const { query, total } = await this.patientQuery(filter);
    const rows = await query
      .selectAll()
      .orderBy("updated_at", "desc")
      .orderBy("id")
      .limit(filter.limit ?? 50)
      .offset(filter.offset ?? 0)
      .execute();
    return { patients: rows.map(toPatient), total };
  }

  /** The patient list: summary columns only (the record is not read). */
  async listPatientSummaries(filter: { q?: string; limit?: number; offset?: number; pseudonymOnly?: boolean } = {}): Promise<{ patients: PatientSummaryRow[]; total: number }> {
    const { query, total } = await this.patientQuery(filter);
    const rows = await query
      .select(["id", "pseudonym_id", "display_name", "date_of_birth", "version", "date_shift_days", "followups_rev", "created_at", "created_by", "updated_at", "updated_by"])
      // the researcher's list in pseudonym order: an order by last change (or registration) would link a row to
      // the patient seen in clinic that day
      .orderBy(filter.pseudonymOnly === true ? "pseudonym_id" : "updated_at", filter.pseudonymOnly === true ? "asc" : "desc")
      .orderBy("id")
      .limit(filter.limit ?? 50)
      .offset(filter.offset ?? 0)
      .execute();
    return {
      patients: rows.map((r) => ({
        id: r.id,
        pseudonymId: r.pseudonym_id,
        displayName: r.display_name,
        dateOfBirth: r.date_of_birth,
        version: Number(r.version),
        dateShiftDays: Number(r.date_shift_days),
        followupsRev: Number(r.followups_rev ?? 0),
        createdAt: r.created_at,
        createdBy: r.created_by,
        updatedAt: r.updated_at,
        updatedBy: r.updated_by,
      })),
      total,
    };
  }

  async countFollowups(patientId: string): Promise<number> {
    const r = await this.db.selectFrom("followups").select((eb) => eb.fn.countAll().as("n")).where("patient_id", "=", patientId).executeTakeFirstOrThrow();
    return Number(r.n);
  }

  private async patientQuery(filter: { q?: string; pseudonymOnly?: boolean }) {
    let query = this.db.selectFrom("patients");
    const q = filter.q?.trim();
    if (q) {
      const like = `%${q.toLowerCase().replace(/[\\%_]/g, (c) => "\\" + c)}%`;
      query = filter.pseudonymOnly
        ? query.where(sql<boolean>`lower(pseudonym_id) like ${like} escape '\\'`)
        : query.where((eb) => eb.or([eb(sql`lower(display_name)`, "like", sql`${like} escape '\\'`), eb(sql`lower(pseudonym_id)`, "like", sql`${like} escape '\\'`)]));
    }
    const total = await query.select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow();
    return { query, total: Number(total.n) };
  }

  async patientHistory(id: string): Promise<HistoryEntry[]> {
    const rows = await this.db.selectFrom("record_history").selectAll().where("patient_id", "=", id).orderBy("version", "desc").execute();
    return rows.map((r) => ({ version: Number(r.version), changedAt: r.changed_at, changedBy: r.changed_by, displayName: r.display_name, dateOfBirth: r.date_of_birth, record: JSON.parse(r.record) as unknown }));
  }

  // ── follow-ups ───────────────────────────────────────────────────────────────────────────────────

  async listFollowups(patientId: string): Promise<FollowupRow[]> {
    const rows = await this.db.selectFrom("followups").selectAll().where("patient_id", "=", patientId).orderBy("date").orderBy("created_at").execute();
    return rows.map((r) => ({ id: r.id, patientId: r.patient_id, kind: r.kind, date: r.date, data: JSON.parse(r.data) as Record<string, unknown>, createdAt: r.created_at, createdBy: r.created_by }));
  }

  async addFollowup(patientId: string, data: { kind: string; date: string } & Record<string, unknown>, actor: Actor): Promise<FollowupRow> {
    const row = { id: randomUUID(), patient_id: patientId, kind: data.kind, date: data.date, data: JSON.stringify(data), created_at: this.iso(), created_by: actor.username };
    await this.db.transaction().execute(async (trx) => {
      const p = await trx.selectFrom("patients").select("id").where("id", "=", patientId).executeTakeFirst();
      if (!p) throw new NotFoundError(`no patient ${patientId}`);
      await trx.insertInto("followups").values(row).execute();
      await trx.updateTable("patients").set((eb) => ({ followups_rev: eb("followups_rev", "+", 1) })).where("id", "=", patientId).execute();
      this.faultPoint("followup.create:followup-written");
      await this.audit(trx, { ...fromActor(actor), action: "followup.create", patientId, detail: data.kind });
    });
    return { id: row.id, patientId, kind: row.kind, date: row.date, data, createdAt: row.created_at, createdBy: row.created_by };
  }

  async deleteFollowup(patientId: string, followupId: string, actor: Actor): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const r = await trx.deleteFrom("followups").where("id", "=", followupId).where("patient_id", "=", patientId).executeTakeFirst();
      if (Number(r.numDeletedRows) !== 1) throw new NotFoundError(`no follow-up ${followupId} for patient ${patientId}`);
      await trx.updateTable("patients").set((eb) => ({ followups_rev: eb("followups_rev", "+", 1) })).where("id", "=", patientId).execute();
      await this.audit(trx, { ...fromActor(actor), action: "followup.delete", patientId, detail: followupId });
    });
  }

  // ── plans and therapy decisions (issue 9 §5) ─────────────────────────────────────────────────────

  /** Keeps a built plan as the next version for this patient and therapy (audited in the same transaction). */
  async savePlan(patientId: string, input: { therapy: string; startDate: string; verdictStatus: string; overrideReason: string | null; plan: unknown }, actor: Actor): Promise<PlanRow> {
    return this.db.transaction().execute(async (trx) => {
      const p = await trx.selectFrom("patients").select("id").where("id", "=", patientId).executeTakeFirst();
      if (!p) throw new NotFoundError(`no patient ${patientId}`);
      const last = await trx.selectFrom("clinical_plans").select((eb) => eb.fn.max("version").as("v")).where("patient_id", "=", patientId).where("therapy", "=", input.therapy).executeTakeFirst();
      const row = {
        id: randomUUID(),
        patient_id: patientId,
        therapy: input.therapy,
        version: Number(last?.v ?? 0) + 1,
        start_date: input.startDate,
        verdict_status: input.verdictStatus,
        override_reason: input.overrideReason,
        plan: JSON.stringify(input.plan),
        created_at: this.iso(),
        created_by: actor.username,
      };
      await trx.insertInto("clinical_plans").values(row).execute();
      await this.audit(trx, { ...fromActor(actor), action: "plan.save", patientId, detail: `${input.therapy} v${row.version} from ${input.startDate}${input.overrideReason !== null ? `; override: ${input.overrideReason}` : ""}` });
      return planRow(row);
    });
  }

  async listPlans(patientId: string): Promise<PlanRow[]> {
    const rows = await this.db.selectFrom("clinical_plans").selectAll().where("patient_id", "=", patientId).orderBy("created_at", "desc").orderBy("version", "desc").execute();
    return rows.map(planRow);
  }

  /** The kept plans and therapy events of several patients at once (the patient list's due steps), by patient id. */
  async plansAndEventsFor(patientIds: readonly string[]): Promise<Map<string, { plans: PlanRow[]; therapyEvents: TherapyEventRow[] }>> {
    const out = new Map<string, { plans: PlanRow[]; therapyEvents: TherapyEventRow[] }>(patientIds.map((id) => [id, { plans: [], therapyEvents: [] }]));
    if (patientIds.length === 0) return out;
    const ids = [...patientIds];
    const [plans, events] = await Promise.all([
      this.db.selectFrom("clinical_plans").selectAll().where("patient_id", "in", ids).orderBy("created_at", "desc").orderBy("version", "desc").execute(),
      this.db.selectFrom("therapy_events").selectAll().where("patient_id", "in", ids).orderBy("date").orderBy("created_at").execute(),
    ]);
    for (const r of plans) out.get(r.patient_id)?.plans.push(planRow(r));
    for (const r of events) out.get(r.patient_id)?.therapyEvents.push(therapyEventRow(r));
    return out;
  }

  async addTherapyEvent(patientId: string, input: { therapy: string; event: "started" | "stopped"; date: string; note: string | null }, actor: Actor): Promise<TherapyEventRow> {
    const row = { id: randomUUID(), patient_id: patientId, therapy: input.therapy, event: input.event, date: input.date, note: input.note, created_at: this.iso(), created_by: actor.username };
    await this.db.transaction().execute(async (trx) => {
      const p = await trx.selectFrom("patients").select("id").where("id", "=", patientId).executeTakeFirst();
      if (!p) throw new NotFoundError(`no patient ${patientId}`);
      await trx.insertInto("therapy_events").values(row).execute();
      await this.audit(trx, { ...fromActor(actor), action: `therapy.${input.event}`, patientId, detail: `${input.therapy} on ${input.date}` });
    });
    return therapyEventRow(row);
  }

  async listTherapyEvents(patientId: string): Promise<TherapyEventRow[]> {
    const rows = await this.db.selectFrom("therapy_events").selectAll().where("patient_id", "=", patientId).orderBy("date").orderBy("created_at").execute();
    return rows.map(therapyEventRow);
  }

  /** Marks a follow-up as entered in error, with the reason; the follow-up stays (never deleted). */
  async markFollowupInError(patientId: string, followupId: string, reason: string, actor: Actor): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const f = await trx.selectFrom("followups").select("id").where("id", "=", followupId).where("patient_id", "=", patientId).executeTakeFirst();
      if (!f) throw new NotFoundError(`no follow-up ${followupId} for patient ${patientId}`);
      const already = await trx.selectFrom("followup_errors").select("id").where("followup_id", "=", followupId).executeTakeFirst();
      if (already) throw new ConflictError(`follow-up ${followupId} is already marked as entered in error`);
      await trx.insertInto("followup_errors").values({ id: randomUUID(), followup_id: followupId, patient_id: patientId, reason, created_at: this.iso(), created_by: actor.username }).execute();
      await trx.updateTable("patients").set((eb) => ({ followups_rev: eb("followups_rev", "+", 1) })).where("id", "=", patientId).execute();
      await this.audit(trx, { ...fromActor(actor), action: "followup.entered-in-error", patientId, detail: `${followupId}: ${reason}` });
    });
  }

  /** Follow-ups marked as entered in error: follow-up id → reason, who, when. */
  async followupErrors(patientId: string): Promise<Map<string, { reason: string; at: string; by: string }>> {
    const rows = await this.db.selectFrom("followup_errors").selectAll().where("patient_id", "=", patientId).execute();
    return new Map(rows.map((r) => [r.followup_id, { reason: r.reason, at: r.created_at, by: r.created_by }]));
  }

  // ── settings ─────────────────────────────────────────────────────────────────────────────────────

  async getSetting(key: string): Promise<string | null> {
    const r = await this.db.selectFrom("settings").select("value").where("key", "=", key).executeTakeFirst();
    return r ? r.value : null;
  }

  /** The stored value, or `make()` stored now if there is none (first writer wins). */
  async getOrCreateSetting(key: string, make: () => string): Promise<string> {
    const existing = await this.getSetting(key);
    if (existing !== null) return existing;
    await this.db.insertInto("settings").values({ key, value: make() }).onConflict((oc) => oc.column("key").doNothing()).execute();
    return (await this.getSetting(key)) ?? make();
  }

  // ── evidence ─────────────────────────────────────────────────────────────────────────────────────

  async putEvidence(id: string, content: unknown, source: string): Promise<void> {
    const row = { id, content: JSON.stringify(content), source, loaded_at: this.iso() };
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom("evidence").where("id", "=", id).execute();
      await trx.insertInto("evidence").values(row).execute();
    });
  }

  async getEvidence(id: string): Promise<{ content: unknown; source: string; loadedAt: string } | null> {
    const r = await this.db.selectFrom("evidence").selectAll().where("id", "=", id).executeTakeFirst();
    return r ? { content: JSON.parse(r.content) as unknown, source: r.source, loadedAt: r.loaded_at } : null;
  }

  // ── audit log ────────────────────────────────────────────────────────────────────────────────────

  /** Appends one audit entry (inside `db` when given, so it commits or rolls back with the write). */
  async audit(db: Db | null, entry: AuditInput): Promise<void> {
    if (db !== null) {
      await this.appendAudit(db, [{ entry, at: this.iso() }]);
      return;
    }
    await this.db.transaction().execute((trx) => this.appendAudit(trx, [{ entry, at: this.iso() }]));
  }

  /**
   * Appends entries to the hash chain inside `trx`. The head row is taken first with an UPDATE, which locks it
   * (PostgreSQL: a row lock held to commit; SQLite: the write lock), so parallel appends from any number of
   * connections or processes form one chain: each reads the head only after the previous append committed.
   * Ids are assigned here (head + 1, no gaps); an entry's time is never earlier than the previous entry's.
   */
  private async appendAudit(trx: Db, items: ReadonlyArray<{ entry: AuditInput; at: string }>): Promise<void> {
    if (items.length === 0) return;
    await trx.updateTable("audit_head").set((eb) => ({ last_id: eb.ref("last_id") })).where("id", "=", 1).execute();
    const head = await trx.selectFrom("audit_head").selectAll().where("id", "=", 1).executeTakeFirst();
    if (head === undefined) throw new Error("the audit head row is missing: run `decidua audit verify`");
    let prev = head.hash;
    let id = Number(head.last_id);
    let lastAt = head.last_at;
    const rows: Array<Insertable<AuditLogTable>> = [];
    for (const { entry, at: when } of items) {
      id += 1;
      const at = when < lastAt ? lastAt : when;
      const e = {
        id,
        at,
        username: entry.username,
        action: entry.action,
        patient_id: entry.patientId ?? null,
        route: entry.route,
        status: entry.status ?? null,
        detail: entry.detail ?? null,
        client_ip: entry.clientIp ?? null,
        user_agent: entry.userAgent ?? null,
        session_id: entry.sessionId ?? null,
      };
      const hash = entryHash(prev, e);
      rows.push({ ...e, prev_hash: prev, hash });
      prev = hash;
      lastAt = at;
    }
    for (let i = 0; i < rows.length; i += 200) await trx.insertInto("audit_log").values(rows.slice(i, i + 200)).execute();
    await trx.updateTable("audit_head").set({ last_id: id, hash: prev, last_at: lastAt }).where("id", "=", 1).execute();
  }

  /**
   * Appends a read's audit entry with others queued in the same turn of the event loop, in one transaction
   * (group commit). The promise settles when this entry is stored, so callers answer only after it is written.
   */
  auditRead(entry: AuditInput): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.auditQueue.push({ entry, at: this.iso(), resolve, reject });
      if (this.auditQueue.length === 1) setImmediate(() => void this.flushAudit());
    });
  }

  private async flushAudit(): Promise<void> {
    const batch = this.auditQueue.splice(0, this.auditQueue.length);
    if (batch.length === 0) return;
    try {
      await this.db.transaction().execute((trx) => this.appendAudit(trx, batch));
      for (const b of batch) b.resolve();
    } catch (e) {
      for (const b of batch) b.reject(e);
    }
  }

  /** Checks the whole hash chain and the head row (src/store/audit-chain.ts); reports the first broken entry. */
  async verifyAudit(pageSize = 5000): Promise<ChainReport> {
    const v = new ChainVerifier();
    let after = Number.NEGATIVE_INFINITY;
    for (;;) {
      let q = this.db.selectFrom("audit_log").selectAll().orderBy("id").limit(pageSize);
      if (Number.isFinite(after)) q = q.where("id", ">", after);
      const rows = await q.execute();
      for (const r of rows) if (!v.add({ ...r, id: Number(r.id), status: r.status === null ? null : Number(r.status) })) break;
      if (v.broken !== null || rows.length < pageSize) break;
      after = Number(rows[rows.length - 1]!.id);
    }
    const head = await this.db.selectFrom("audit_head").selectAll().where("id", "=", 1).executeTakeFirst();
    return v.finish(head === undefined ? null : { lastId: Number(head.last_id), hash: head.hash, lastAt: head.last_at });
  }

  /** The current end of the chain (id and hash) as the head row records it. */
  async auditHead(): Promise<{ id: number; hash: string; at: string } | null> {
    const head = await this.db.selectFrom("audit_head").selectAll().where("id", "=", 1).executeTakeFirst();
    return head === undefined ? null : { id: Number(head.last_id), hash: head.hash, at: head.last_at };
  }

  async listAudit(filter: AuditFilter = {}): Promise<{ entries: AuditEntry[]; total: number }> {
    let q = this.db.selectFrom("audit_log");
    if (filter.patientId) q = q.where("patient_id", "=", filter.patientId);
    if (filter.username) q = q.where("username", "=", filter.username);
    if (filter.action) q = q.where("action", "=", filter.action);
    const total = await q.select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow();
    const rows = await q.selectAll().orderBy("id", "desc").limit(filter.limit ?? 100).offset(filter.offset ?? 0).execute();
    return {
      entries: rows.map((r) => ({
        id: Number(r.id),
        at: r.at,
        username: r.username,
        action: r.action,
        patientId: r.patient_id,
        route: r.route,
        status: r.status === null ? null : Number(r.status),
        detail: r.detail,
        clientIp: r.client_ip,
        userAgent: r.user_agent,
        sessionId: r.session_id,
        hash: r.hash,
      })),
      total: Number(total.n),
    };
  }
}

const DUMMY_HASHES = new Map<number, string>();
async function dummyHash(logN: number): Promise<string> {
  const h = await hashPassword(randomBytes(12).toString("hex"), logN);
  DUMMY_HASHES.set(logN, h);
  return h;
}

export interface PlanRow {
  id: string;
  patientId: string;
  therapy: string;
  version: number;
  startDate: string;
  verdictStatus: string;
  overrideReason: string | null;
  plan: unknown;
  createdAt: string;
  createdBy: string;
}

export interface TherapyEventRow {
  id: string;
  patientId: string;
  therapy: string;
  event: "started" | "stopped";
  date: string;
  note: string | null;
  createdAt: string;
  createdBy: string;
}

function planRow(r: { id: string; patient_id: string; therapy: string; version: number; start_date: string; verdict_status: string; override_reason: string | null; plan: string; created_at: string; created_by: string }): PlanRow {
  return {
    id: r.id,
    patientId: r.patient_id,
    therapy: r.therapy,
    version: Number(r.version),
    startDate: r.start_date,
    verdictStatus: r.verdict_status,
    overrideReason: r.override_reason,
    plan: JSON.parse(r.plan) as unknown,
    createdAt: r.created_at,
    createdBy: r.created_by,
  };
}

function therapyEventRow(r: { id: string; patient_id: string; therapy: string; event: string; date: string; note: string | null; created_at: string; created_by: string }): TherapyEventRow {
  return { id: r.id, patientId: r.patient_id, therapy: r.therapy, event: r.event as "started" | "stopped", date: r.date, note: r.note, createdAt: r.created_at, createdBy: r.created_by };
}
