/**
 * The store's tables for the EHR integration (migration 0008_fhir): allowed CDS Hooks clients, EHR users mapped to
 * Decidua users, and pending SMART on FHIR authorisations. Functions over the Store's kysely instance.
 */
import type { Kysely } from "kysely";
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
interface FhirTables {
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
const toClient = (r: CdsClientsTable): CdsClient => ({ iss: r.iss, label: r.label, jwksUrl: r.jwks_url, jwks: r.jwks, createdAt: r.created_at, createdBy: r.created_by });

export async function listCdsClients(s: Store): Promise<CdsClient[]> {
  return (await db(s).selectFrom("cds_clients").selectAll().orderBy("iss").execute()).map(toClient);
}
export async function getCdsClient(s: Store, iss: string): Promise<CdsClient | null> {
  const r = await db(s).selectFrom("cds_clients").selectAll().where("iss", "=", iss).executeTakeFirst();
  return r === undefined ? null : toClient(r);
}
/** Adds or replaces a client, with its audit entry in the same transaction. */
export async function putCdsClient(s: Store, c: { iss: string; label: string; jwksUrl: string | null; jwks: string | null }, actor: { username: string; route: string }, at: string): Promise<CdsClient> {
  await db(s)
    .transaction()
    .execute(async (tx) => {
      await tx.deleteFrom("cds_clients").where("iss", "=", c.iss).execute();
      await tx.insertInto("cds_clients").values({ iss: c.iss, label: c.label, jwks_url: c.jwksUrl, jwks: c.jwks, created_at: at, created_by: actor.username }).execute();
      await s.audit(tx as unknown as Parameters<Store["audit"]>[0], { username: actor.username, action: "cds-client.put", route: actor.route, status: 200, detail: JSON.stringify({ iss: c.iss }) });
    });
  return (await getCdsClient(s, c.iss)) as CdsClient;
}
export async function deleteCdsClient(s: Store, iss: string, actor: { username: string; route: string }): Promise<boolean> {
  return db(s)
    .transaction()
    .execute(async (tx) => {
      const r = await tx.deleteFrom("cds_clients").where("iss", "=", iss).executeTakeFirst();
      const n = Number(r.numDeletedRows);
      if (n > 0) await s.audit(tx as unknown as Parameters<Store["audit"]>[0], { username: actor.username, action: "cds-client.delete", route: actor.route, status: 200, detail: JSON.stringify({ iss }) });
      return n > 0;
    });
}

export async function mapEhrUser(s: Store, m: { iss: string; ehrUser: string; userId: string }, actor: { username: string; route: string }, at: string): Promise<void> {
  await db(s)
    .transaction()
    .execute(async (tx) => {
      await tx.deleteFrom("ehr_users").where("iss", "=", m.iss).where("ehr_user", "=", m.ehrUser).execute();
      await tx.insertInto("ehr_users").values({ iss: m.iss, ehr_user: m.ehrUser, user_id: m.userId, created_at: at, created_by: actor.username }).execute();
      await s.audit(tx as unknown as Parameters<Store["audit"]>[0], { username: actor.username, action: "ehr-user.map", route: actor.route, status: 200, detail: JSON.stringify(m) });
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
export async function putSmartEhr(s: Store, e: SmartEhr, actor: { username: string; route: string }, at: string): Promise<void> {
  await db(s)
    .transaction()
    .execute(async (tx) => {
      await tx.deleteFrom("smart_ehrs").where("iss", "=", e.iss).execute();
      await tx.insertInto("smart_ehrs").values({ iss: e.iss, client_id: e.clientId, label: e.label, created_at: at, created_by: actor.username }).execute();
      await s.audit(tx as unknown as Parameters<Store["audit"]>[0], { username: actor.username, action: "smart-ehr.put", route: actor.route, status: 200, detail: JSON.stringify(e) });
    });
}
export async function getSmartEhr(s: Store, iss: string): Promise<SmartEhr | null> {
  const r = await db(s).selectFrom("smart_ehrs").selectAll().where("iss", "=", iss).executeTakeFirst();
  return r === undefined ? null : { iss: r.iss, clientId: r.client_id, label: r.label };
}
export async function listSmartEhrs(s: Store): Promise<SmartEhr[]> {
  return (await db(s).selectFrom("smart_ehrs").selectAll().orderBy("iss").execute()).map((r) => ({ iss: r.iss, clientId: r.client_id, label: r.label }));
}
