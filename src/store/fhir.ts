/**
 * The store's tables for the EHR integration (migrations 0008_fhir, 0011_fhir_servers): allowed CDS Hooks clients,
 * EHR users mapped to Decidua users, EHRs registered for SMART launches, pending SMART on FHIR authorisations, and
 * the FHIR servers a clinician may import a record from. Functions over the Store's kysely instance.
 */
import { randomUUID } from "node:crypto";
import type { DeleteResult, Kysely, Transaction } from "kysely";
import { z } from "zod";
import type { Store } from "./store.js";

interface CdsClientsTable {
  iss: string;
  label: string;
  jwks_url: string | null;
  jwks: string | null;
  created_at: string;
  created_by: string;
}
interface EhrUsersTable {
  iss: string;
  ehr_user: string;
  user_id: string;
  created_at: string;
  created_by: string;
}
interface SmartLaunchesTable {
  state: string;
  iss: string;
  data: string;
  created_at: string;
  expires_at: string;
}
interface SmartEhrsTable {
  iss: string;
  client_id: string;
  label: string;
  created_at: string;
  created_by: string;
}
interface FhirServersTable {
  id: string;
  label: string;
  base_url: string;
  bearer_token: string | null;
  created_at: string;
  created_by: string;
}
interface FhirTables {
  fhir_servers: FhirServersTable;
  smart_ehrs: SmartEhrsTable;
  cds_clients: CdsClientsTable;
  ehr_users: EhrUsersTable;
  smart_launches: SmartLaunchesTable;
}

export interface CdsClient {
  iss: string;
  label: string;
  jwksUrl: string | null;
  /** An inline JWKS (JSON text) instead of a URL. */
  jwks: string | null;
  createdAt: string;
  createdBy: string;
}

const db = (s: Store) => s.db as unknown as Kysely<FhirTables>;

/** Who changed the EHR configuration (an administrator) and through which route. */
export type AdminActor = { username: string; route: string };
/** The audit entry of an administrator's change, written in the change's transaction. */
function auditIn(s: Store, tx: Transaction<FhirTables>, actor: AdminActor, action: string, detail: unknown): Promise<void> {
  return s.audit(tx as unknown as Parameters<Store["audit"]>[0], { username: actor.username, action, route: actor.route, status: 200, detail: JSON.stringify(detail) });
}
/** Deletes with `del` and, when a row went, writes the audit entry in the same transaction; false when there was none. */
function deleteAudited(s: Store, actor: AdminActor, action: string, detail: unknown, del: (tx: Transaction<FhirTables>) => Promise<DeleteResult>): Promise<boolean> {
  return db(s)
    .transaction()
    .execute(async (tx) => {
      const n = Number((await del(tx)).numDeletedRows);
      if (n > 0) await auditIn(s, tx, actor, action, detail);
      return n > 0;
    });
}
const toClient = (r: CdsClientsTable): CdsClient => ({ iss: r.iss, label: r.label, jwksUrl: r.jwks_url, jwks: r.jwks, createdAt: r.created_at, createdBy: r.created_by });

export async function listCdsClients(s: Store): Promise<CdsClient[]> {
  return (await db(s).selectFrom("cds_clients").selectAll().orderBy("iss").execute()).map(toClient);
}
export async function getCdsClient(s: Store, iss: string): Promise<CdsClient | null> {
  const r = await db(s).selectFrom("cds_clients").selectAll().where("iss", "=", iss).executeTakeFirst();
  return r === undefined ? null : toClient(r);
}
/** Adds or replaces a client, with its audit entry in the same transaction. */
export async function putCdsClient(s: Store, c: { iss: string; label: string; jwksUrl: string | null; jwks: string | null }, actor: AdminActor, at: string): Promise<CdsClient> {
  await db(s)
    .transaction()
    .execute(async (tx) => {
      await tx.deleteFrom("cds_clients").where("iss", "=", c.iss).execute();
      await tx.insertInto("cds_clients").values({ iss: c.iss, label: c.label, jwks_url: c.jwksUrl, jwks: c.jwks, created_at: at, created_by: actor.username }).execute();
      await auditIn(s, tx, actor, "cds-client.put", { iss: c.iss });
    });
  return (await getCdsClient(s, c.iss)) as CdsClient;
}
export async function deleteCdsClient(s: Store, iss: string, actor: AdminActor): Promise<boolean> {
  return deleteAudited(s, actor, "cds-client.delete", { iss }, (tx) => tx.deleteFrom("cds_clients").where("iss", "=", iss).executeTakeFirst());
}

export async function mapEhrUser(s: Store, m: { iss: string; ehrUser: string; userId: string }, actor: AdminActor, at: string): Promise<void> {
  await db(s)
    .transaction()
    .execute(async (tx) => {
      await tx.deleteFrom("ehr_users").where("iss", "=", m.iss).where("ehr_user", "=", m.ehrUser).execute();
      await tx.insertInto("ehr_users").values({ iss: m.iss, ehr_user: m.ehrUser, user_id: m.userId, created_at: at, created_by: actor.username }).execute();
      await auditIn(s, tx, actor, "ehr-user.map", m);
    });
}
export async function ehrUserOf(s: Store, iss: string, ehrUser: string): Promise<string | null> {
  const r = await db(s).selectFrom("ehr_users").select("user_id").where("iss", "=", iss).where("ehr_user", "=", ehrUser).executeTakeFirst();
  return r?.user_id ?? null;
}
export async function listEhrUsers(s: Store): Promise<{ iss: string; ehrUser: string; userId: string }[]> {
  return (await db(s).selectFrom("ehr_users").selectAll().orderBy("iss").execute()).map((r) => ({ iss: r.iss, ehrUser: r.ehr_user, userId: r.user_id }));
}

export async function saveSmartLaunch(s: Store, state: string, iss: string, data: unknown, at: string, expiresAt: string): Promise<void> {
  await db(s).insertInto("smart_launches").values({ state, iss, data: JSON.stringify(data), created_at: at, expires_at: expiresAt }).execute();
}
/** Reads and deletes a pending launch (a state is usable once); null when unknown or expired. */
export async function takeSmartLaunch(s: Store, state: string, now: string): Promise<{ iss: string; data: unknown } | null> {
  const r = await db(s).selectFrom("smart_launches").selectAll().where("state", "=", state).executeTakeFirst();
  if (r === undefined) return null;
  await db(s).deleteFrom("smart_launches").where("state", "=", state).execute();
  if (r.expires_at < now) return null;
  return { iss: r.iss, data: JSON.parse(r.data) as unknown };
}

export interface SmartEhr {
  iss: string;
  clientId: string;
  label: string;
}
/** EHRs Decidua may be launched from (SMART on FHIR): the FHIR base URL and Decidua's client_id there. */
export async function putSmartEhr(s: Store, e: SmartEhr, actor: AdminActor, at: string): Promise<void> {
  await db(s)
    .transaction()
    .execute(async (tx) => {
      await tx.deleteFrom("smart_ehrs").where("iss", "=", e.iss).execute();
      await tx.insertInto("smart_ehrs").values({ iss: e.iss, client_id: e.clientId, label: e.label, created_at: at, created_by: actor.username }).execute();
      await auditIn(s, tx, actor, "smart-ehr.put", e);
    });
}
export async function getSmartEhr(s: Store, iss: string): Promise<SmartEhr | null> {
  const r = await db(s).selectFrom("smart_ehrs").selectAll().where("iss", "=", iss).executeTakeFirst();
  return r === undefined ? null : { iss: r.iss, clientId: r.client_id, label: r.label };
}
export async function listSmartEhrs(s: Store): Promise<SmartEhr[]> {
  return (await db(s).selectFrom("smart_ehrs").selectAll().orderBy("iss").execute()).map((r) => ({ iss: r.iss, clientId: r.client_id, label: r.label }));
}

/** A FHIR server configured for imports on the patient page; the token is never sent to the browser. */
export interface FhirServer {
  id: string;
  label: string;
  baseUrl: string;
  hasToken: boolean;
  createdAt: string;
  createdBy: string;
}
const toServer = (r: FhirServersTable): FhirServer => ({ id: r.id, label: r.label, baseUrl: r.base_url, hasToken: r.bearer_token !== null, createdAt: r.created_at, createdBy: r.created_by });

export async function listFhirServers(s: Store): Promise<FhirServer[]> {
  return (await db(s).selectFrom("fhir_servers").selectAll().orderBy("label").orderBy("id").execute()).map(toServer);
}
/** The server with its bearer token (for the server-side read only). */
export async function getFhirServer(s: Store, id: string): Promise<(FhirServer & { bearerToken: string | null }) | null> {
  const r = await db(s).selectFrom("fhir_servers").selectAll().where("id", "=", id).executeTakeFirst();
  return r === undefined ? null : { ...toServer(r), bearerToken: r.bearer_token };
}
/**
 * Adds a server or, for a base URL already configured, replaces its label and token (`bearerToken` undefined keeps
 * the stored one, null removes it); the audit entry is in the same transaction and never holds the token.
 */
export async function putFhirServer(s: Store, v: { label: string; baseUrl: string; bearerToken?: string | null }, actor: AdminActor, at: string): Promise<FhirServer> {
  const baseUrl = v.baseUrl.replace(/\/+$/, "");
  const id = await db(s)
    .transaction()
    .execute(async (tx) => {
      const old = await tx.selectFrom("fhir_servers").selectAll().where("base_url", "=", baseUrl).executeTakeFirst();
      const token = v.bearerToken === undefined ? (old?.bearer_token ?? null) : v.bearerToken;
      const id = old?.id ?? randomUUID();
      if (old !== undefined) await tx.updateTable("fhir_servers").set({ label: v.label, bearer_token: token }).where("id", "=", id).execute();
      else await tx.insertInto("fhir_servers").values({ id, label: v.label, base_url: baseUrl, bearer_token: token, created_at: at, created_by: actor.username }).execute();
      await auditIn(s, tx, actor, "fhir-server.put", { id, baseUrl, label: v.label, token: token !== null });
      return id;
    });
  return toServer((await db(s).selectFrom("fhir_servers").selectAll().where("id", "=", id).executeTakeFirstOrThrow()));
}
export async function deleteFhirServer(s: Store, id: string, actor: AdminActor): Promise<boolean> {
  return deleteAudited(s, actor, "fhir-server.delete", { id }, (tx) => tx.deleteFrom("fhir_servers").where("id", "=", id).executeTakeFirst());
}

// ── backup / restore ─────────────────────────────────────────────────────────────────────────────

const bStr = z.string();
const bOpt = z.string().nullable();
/**
 * Row schemas of the EHR integration's tables in backup files (parents first), with the columns a dump is ordered by.
 * `smart_launches` is left out, like sessions: a pending authorisation (state, PKCE verifier) lives ten minutes and a
 * restored database starts without any. The FHIR servers' bearer tokens travel like the other secrets of a backup
 * (the cookie-signing secret, password hashes): in the file, which `decidua backup --encrypt` protects.
 */
export const FHIR_BACKUP_TABLES = {
  cds_clients: { order: ["iss"], row: z.object({ iss: bStr, label: bStr, jwks_url: bOpt, jwks: bOpt, created_at: bStr, created_by: bStr }) },
  smart_ehrs: { order: ["iss"], row: z.object({ iss: bStr, client_id: bStr, label: bStr, created_at: bStr, created_by: bStr }) },
  ehr_users: { order: ["iss", "ehr_user"], row: z.object({ iss: bStr, ehr_user: bStr, user_id: bStr, created_at: bStr, created_by: bStr }) },
  fhir_servers: { order: ["id"], row: z.object({ id: bStr, label: bStr, base_url: bStr, bearer_token: bOpt, created_at: bStr, created_by: bStr }) },
} as const;
export type FhirTableName = keyof typeof FHIR_BACKUP_TABLES;
export const FHIR_TABLE_NAMES = Object.keys(FHIR_BACKUP_TABLES) as FhirTableName[];
