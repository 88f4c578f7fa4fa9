/** A real server on an ephemeral loopback port, and a small cookie-keeping HTTP client for tests. */
import type { AddressInfo } from "node:net";
import type { FastifyInstance } from "fastify";
import { buildServer } from "../../src/server/app.js";
import type { ServerConfigInput } from "../../src/server/config.js";
import { createTestDb, type TestDb } from "../store/engines.js";

export const ADMIN_PASSWORD = "admin-password-for-tests";

export interface TestServer {
  app: FastifyInstance;
  base: string;
  /** The server's database (for tests that work on it directly, e.g. tampering). */
  config: TestDb["config"];
  close: () => Promise<void>;
}

export async function startServer(engine: "sqlite" | "postgres", extra: Partial<ServerConfigInput> = {}, now?: () => Date): Promise<TestServer> {
  const tdb: TestDb = await createTestDb(engine);
  const app = await buildServer(
    { db: tdb.config, adminPassword: ADMIN_PASSWORD, cookieSecret: "test-cookie-secret-0123456789abcdef", scryptLogN: 10, ...extra },
    now ? { now } : {},
  );
  await app.listen({ port: 0, host: "127.0.0.1" });
  const port = (app.server.address() as AddressInfo).port;
  return {
    app,
    base: `http://127.0.0.1:${port}`,
    config: tdb.config,
    close: async () => {
      await app.close();
      await tdb.drop();
    },
  };
}

export interface Res {
  status: number;
  headers: Headers;
  body: unknown;
  text: string;
}

export class Client {
  readonly cookies = new Map<string, string>();
  csrf: string | null = null;
  constructor(readonly base: string) {}

  async req(method: string, path: string, body?: unknown, opts: { csrf?: string | null } = {}): Promise<Res> {
    const headers: Record<string, string> = {};
    if (this.cookies.size > 0) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
    if (body !== undefined) headers["content-type"] = "application/json";
    const csrf = opts.csrf === undefined ? this.csrf : opts.csrf;
    if (csrf !== null && method !== "GET") headers["x-csrf-token"] = csrf;
    const res = await fetch(this.base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(";");
      const eq = pair!.indexOf("=");
      const k = pair!.slice(0, eq);
      const v = pair!.slice(eq + 1);
      if (v === "" || /max-age=0|expires=thu, 01 jan 1970/i.test(c)) this.cookies.delete(k);
      else this.cookies.set(k, v);
    }
    const text = await res.text();
    let parsed: unknown = text;
    if ((res.headers.get("content-type") ?? "").includes("json") && text !== "") parsed = JSON.parse(text);
    return { status: res.status, headers: res.headers, body: parsed, text };
  }

  async login(username: string, password: string): Promise<Res> {
    const r = await this.req("POST", "/api/auth/login", { username, password }, { csrf: null });
    if (r.status === 200) this.csrf = (r.body as { csrfToken: string }).csrfToken;
    return r;
  }
}

/** A password the policy accepts (it must not contain the user name); stable per user name. */
export function userPassword(username: string): string {
  let h = 0;
  for (const c of username) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return `Tangerine-orbit-${h.toString(36)}-kettle`;
}

/** Creates a user through the admin API and returns a client signed in as that user. */
export async function userClient(base: string, admin: Client, username: string, role: "clinician" | "researcher" | "reviewer" | "admin"): Promise<Client> {
  const password = userPassword(username);
  const r = await admin.req("POST", "/api/users", { username, displayName: username, role, password });
  if (r.status !== 201) throw new Error(`cannot create ${username}: ${r.text}`);
  const c = new Client(base);
  const l = await c.login(username, password);
  if (l.status !== 200) throw new Error(`cannot log in ${username}: ${l.text}`);
  return c;
}

export function errorOf(r: Res): { message: string; code: string; field?: string; row?: number; issues?: Array<{ field: string; message: string }> } {
  return (r.body as { error: { message: string; code: string; field?: string } }).error;
}

/** A client signed in as the seeded administrator (throws when the sign-in fails). */
export async function adminClient(base: string): Promise<Client> {
  const admin = new Client(base);
  const r = await admin.login("admin", ADMIN_PASSWORD);
  if (r.status !== 200) throw new Error(`cannot sign in as admin: ${r.text}`);
  return admin;
}
