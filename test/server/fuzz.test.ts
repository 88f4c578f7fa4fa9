/**
 * Input that cannot break storage, on both engines: every route of the OpenAPI description is sent NUL bytes,
 * lone surrogates and oversize values in its path, query and body (signed in as an administrator, and signed
 * out); no answer may be 5xx. The named cases check that the 400 names the field.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENGINES } from "../store/engines.js";
import { adminClient, Client, errorOf, startServer, type TestServer } from "./helpers.js";

const NUL = "bad\u0000text";
const SURROGATE = "bad\uD800text";
const LONG = "x".repeat(20_000);

const RECORD = {
  age: 34,
  losses: [
    { gestationalWeek: 7, kind: "clinical", date: "2024-02-10", embryoKaryotype: { result: "abnormal", detail: "47,XX,+16" } },
    { gestationalWeek: 9, kind: "clinical" },
  ],
  workup: { karyotypeFemale: { result: "normal", detail: "46,XX" }, uterineAnatomy: { method: "hysteroscopy", result: "normal", finding: "none" } },
  immune: { ana: { titre: "1:80", pattern: "speckled" } },
};

function bodies(patientId: string): Record<string, unknown> {
  return {
    "POST /api/auth/login": { username: "admin", password: "wrong-password-xyz" },
    "POST /api/auth/password": { currentPassword: "wrong-current-1", newPassword: "another-password-1" },
    "POST /api/patients": { displayName: "Fuzz Patient", dateOfBirth: "1990-01-01", record: RECORD },
    "PUT /api/patients/{id}": { displayName: "Fuzz Patient", dateOfBirth: "1990-01-01", record: RECORD, version: 999 },
    "POST /api/patients/{id}/plan": { therapy: "lit", startDate: "2026-01-01" },
    "POST /api/patients/{id}/followups": { kind: "pregnancy", date: "2026-01-01", note: "a note" },
    "POST /api/users": { username: "fuzz.user", displayName: "Fuzz", role: "clinician", password: "fuzz-password-123" },
    "PATCH /api/users/{id}": { displayName: "Fuzz" },
    "POST /api/meta": { file: { name: "t.csv", contentBase64: Buffer.from("study,ai,bi,ci,di\nA,1,2,3,4\n").toString("base64") }, options: { measure: "OR" }, plot: { title: "t" } },
    _patient: patientId,
  };
}

/** Every string leaf of `v` replaced in turn by `bad` (one variant per leaf), plus every list grown to `n` copies. */
function mutations(v: unknown, bad: string): unknown[] {
  const out: unknown[] = [];
  const walk = (x: unknown, set: (y: unknown) => unknown): void => {
    if (typeof x === "string") out.push(set(bad));
    else if (Array.isArray(x)) {
      out.push(set(Array.from({ length: 1000 }, () => x[0] ?? bad)));
      x.forEach((e, i) => walk(e, (y) => set(x.map((z, j) => (j === i ? y : z)))));
    } else if (x !== null && typeof x === "object") {
      for (const [k, e] of Object.entries(x)) walk(e, (y) => set({ ...(x as Record<string, unknown>), [k]: y }));
      out.push(set({ ...(x as Record<string, unknown>), [bad]: 1 }));
    }
  };
  walk(v, (y) => y);
  return out;
}

describe.each(ENGINES)("fuzzing every route on %s", (engine) => {
  let srv: TestServer;
  let admin: Client;
  let patientId: string;
  let userId: string;
  beforeAll(async () => {
    srv = await startServer(engine, { loginRateLimit: { max: 1000, timeWindowMs: 60_000 }, loginAddressLimit: { max: 5000, timeWindowMs: 60_000 } });
    admin = await adminClient(srv.base);
    const p = await admin.req("POST", "/api/patients", { displayName: "Fuzz Base", dateOfBirth: "1990-01-01", record: RECORD });
    patientId = (p.body as { patient: { id: string } }).patient.id;
    userId = ((await admin.req("GET", "/api/users")).body as { users: Array<{ id: string }> }).users[0]!.id;
  });
  afterAll(async () => {
    await srv.close();
  });

  it("no request answers 5xx (NUL, lone surrogate, oversize in path, query and body; signed in and out)", async () => {
    const doc = (await admin.req("GET", "/api/docs/json")).body as { paths: Record<string, Record<string, unknown>> };
    const base = bodies(patientId);
    const anon = new Client(srv.base);
    const statuses: number[] = [];
    const fails: string[] = [];
    const send = async (c: Client, method: string, path: string, body?: unknown) => {
      const r = await c.req(method, path, body);
      statuses.push(r.status);
      if (r.status >= 500) fails.push(`${r.status} ${method} ${path.slice(0, 120)} ${JSON.stringify(body)?.slice(0, 200) ?? ""}`);
    };
    let routes = 0;
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const m of Object.keys(ops)) {
        const method = m.toUpperCase();
        if (path === "/api/auth/logout") continue; // would end the administrator's session
        routes++;
        const fill = (value: string) => path.replace(/\{(\w+)\}/g, (_x, name: string) => (name === "id" && path.startsWith("/api/users") ? (value === "" ? userId : value) : name === "id" ? (value === "" ? patientId : value) : name === "therapy" ? (value === "" ? "lit" : value) : value === "" ? "00000000-0000-4000-8000-000000000000" : value));
        const key = `${method} ${path}`;
        for (const c of [admin, anon]) {
          const paths = c === admin ? ["%00", "%ED%A0%80", "%F0%9F", encodeURIComponent(LONG.slice(0, 3000)), "..%2f..%2fetc%2fpasswd"] : ["%00", "%ED%A0%80"];
          for (const bad of paths) await send(c, method, fill(bad));
          const queries = c === admin ? ["q=%00&format=%00", "limit=%ED%A0%80&subgroup=%00&outcome=%00", "date=" + "9".repeat(3000), `q=${"a".repeat(5000)}`] : ["q=%00"];
          for (const q of queries) await send(c, method, `${fill("")}?${q}`);
          if (method !== "GET" && method !== "DELETE") {
            const valid = base[key] ?? { x: "y" };
            const variants = c === admin ? [...mutations(valid, NUL), ...mutations(valid, SURROGATE).slice(0, 6), ...mutations(valid, LONG).slice(0, 4)] : mutations(valid, NUL).slice(0, 3);
            for (const b of variants) await send(c, method, fill(""), b);
          }
        }
      }
    }
    // fastify's own errors: a URL that does not decode, a body that is not JSON, an unknown content type
    const raw = await fetch(srv.base + "/api/patients/%E0%A4%A", { headers: { cookie: [...admin.cookies].map(([k, v]) => `${k}=${v}`).join("; ") } });
    statuses.push(raw.status);
    expect(raw.status).toBe(400);
    expect(((await raw.json()) as { error: { code: string } }).error.code).toBe("VALIDATION");
    expect(raw.headers.get("x-content-type-options")).toBe("nosniff");
    expect(raw.headers.get("cache-control")).toBe("no-store");
    const notJson = await fetch(srv.base + "/api/auth/login", { method: "POST", headers: { "content-type": "application/json" }, body: '{"username": "a\u0000' });
    statuses.push(notJson.status);
    expect(notJson.status).toBe(400);
    expect(routes).toBeGreaterThanOrEqual(30);
    expect(statuses.length).toBeGreaterThan(300);
    expect(fails).toEqual([]);
    expect(statuses.filter((s) => s >= 500)).toHaveLength(0);
    console.log(`[fuzz ${engine}] ${routes} routes, ${statuses.length} requests, ${statuses.filter((s) => s >= 500).length} answers >= 500`);
  }, 120_000);

  it("the 400 names the field: login (signed out), patient name, a nested record text, too many losses, too long a note", async () => {
    const anon = new Client(srv.base);
    const login = await anon.req("POST", "/api/auth/login", { username: NUL, password: "x" });
    expect(login.status).toBe(400);
    expect(errorOf(login).field).toBe("username");
    const sur = await anon.req("POST", "/api/auth/login", { username: "admin", password: SURROGATE });
    expect(sur.status).toBe(400);
    expect(errorOf(sur).field).toBe("password");
    const name = await admin.req("POST", "/api/patients", { displayName: NUL, dateOfBirth: "1990-01-01", record: RECORD });
    expect([name.status, errorOf(name).field]).toEqual([400, "displayName"]);
    const nested = await admin.req("POST", "/api/patients", { displayName: "A", dateOfBirth: "1990-01-01", record: { ...RECORD, workup: { karyotypeFemale: { result: "abnormal", detail: SURROGATE } } } });
    expect([nested.status, errorOf(nested).field]).toEqual([400, "record.workup.karyotypeFemale.detail"]);
    const many = await admin.req("POST", "/api/patients", { displayName: "A", dateOfBirth: "1990-01-01", record: { losses: Array.from({ length: 31 }, () => ({ gestationalWeek: 6, kind: "clinical" })) } });
    expect([many.status, errorOf(many).field]).toEqual([400, "record.losses"]);
    const long = await admin.req("POST", `/api/patients/${patientId}/followups`, { kind: "pregnancy", date: "2026-01-01", note: LONG });
    expect([long.status, errorOf(long).field]).toEqual([400, "note"]);
    const huge = await admin.req("POST", "/api/patients", { displayName: "A", dateOfBirth: "1990-01-01", record: { losses: [], big: "y".repeat(400_000) } });
    expect(huge.status).toBe(413);
    expect(errorOf(huge).code).toBe("TOO_LARGE");
  });
});
