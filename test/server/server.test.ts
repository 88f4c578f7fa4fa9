import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { packageRoot } from "../../src/shared/package-root.js";
import type { MetaResult } from "../../src/stats/types.js";
import { ADMIN_PASSWORD, adminClient, Client, errorOf, startServer, type TestServer, userClient } from "./helpers.js";
import { userPassword } from "./helpers.js";

const record = { losses: [{ gestationalWeek: 7, kind: "clinical", date: "2024-02-10" }, { gestationalWeek: 9, kind: "clinical", date: "2024-09-01" }], age: 34 };

interface PatientBody {
  patient: { id: string; pseudonymId: string; displayName: string | null; dateOfBirth: string | null; version: number; record: Record<string, unknown>; pseudonymised: boolean };
}

describe.each(["sqlite", "postgres"] as const)("server on %s", (engine) => {
  let srv: TestServer;
  let admin: Client;
  let clinician: Client;
  let researcher: Client;

  beforeAll(async () => {
    srv = await startServer(engine, { loginRateLimit: { max: 5, timeWindowMs: 60_000 } });
    admin = new Client(srv.base);
    expect((await admin.login("admin", ADMIN_PASSWORD)).status).toBe(200);
    clinician = await userClient(srv.base, admin, "dr.smith", "clinician");
    researcher = await userClient(srv.base, admin, "res.jones", "researcher");
  });
  afterAll(async () => {
    await srv.close();
  });

  it("login sets an HttpOnly SameSite=Strict session cookie and a readable CSRF cookie; me returns the user", async () => {
    const c = new Client(srv.base);
    const r = await fetch(srv.base + "/api/auth/login", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username: "admin", password: ADMIN_PASSWORD }) });
    expect(r.status).toBe(200);
    const cookies = r.headers.getSetCookie();
    const session = cookies.find((s) => s.startsWith("decidua_session="));
    const csrf = cookies.find((s) => s.startsWith("decidua_csrf="));
    expect(session).toMatch(/HttpOnly/i);
    expect(session).toMatch(/SameSite=Strict/i);
    expect(session).not.toMatch(/Secure/); // plain http on loopback
    expect(csrf).not.toMatch(/HttpOnly/i);
    expect((await c.req("GET", "/api/auth/me")).status).toBe(401);
    const me = await clinician.req("GET", "/api/auth/me");
    expect(me.status).toBe(200);
    expect((me.body as { user: { username: string; role: string } }).user).toMatchObject({ username: "dr.smith", role: "clinician" });
  });

  it("a session cookie with a tampered signature is refused", async () => {
    const c = new Client(srv.base);
    await c.login("dr.smith", userPassword("dr.smith"));
    expect((await c.req("GET", "/api/auth/me")).status).toBe(200);
    const raw = decodeURIComponent(c.cookies.get("decidua_session")!);
    const dot = raw.lastIndexOf(".");
    const sig = raw.slice(dot + 1);
    const forged = raw.slice(0, dot + 1) + (sig[0] === "A" ? "B" : "A") + sig.slice(1);
    c.cookies.set("decidua_session", encodeURIComponent(forged));
    expect((await c.req("GET", "/api/auth/me")).status).toBe(401);
  });

  it("marks the cookie Secure behind an https proxy", async () => {
    const r = await srv.app.inject({ method: "POST", url: "/api/auth/login", headers: { "x-forwarded-proto": "https" }, payload: { username: "admin", password: ADMIN_PASSWORD } });
    // trustProxy is off by default: the forwarded header is ignored
    expect(String(r.headers["set-cookie"])).not.toMatch(/Secure/);
  });

  it("wrong password is 401 and audited as a failed login", async () => {
    const c = new Client(srv.base);
    const r = await c.login("dr.smith", "not-the-password");
    expect(r.status).toBe(401);
    expect(errorOf(r)).toMatchObject({ code: "UNAUTHENTICATED", message: "wrong username or password" });
    const audit = await admin.req("GET", "/api/audit?action=auth.login-failed");
    expect((audit.body as { entries: Array<{ username: string }> }).entries.some((e) => e.username === "dr.smith")).toBe(true);
  });

  it("rejects a write without the CSRF header, or with a wrong one", async () => {
    const none = await clinician.req("POST", "/api/patients", { displayName: "X", dateOfBirth: "1990-01-01", record }, { csrf: null });
    expect(none.status).toBe(403);
    expect(errorOf(none).code).toBe("CSRF");
    const wrong = await clinician.req("POST", "/api/patients", { displayName: "X", dateOfBirth: "1990-01-01", record }, { csrf: "forged" });
    expect(wrong.status).toBe(403);
    const other = await clinician.req("POST", "/api/patients", { displayName: "X", dateOfBirth: "1990-01-01", record }, { csrf: researcher.csrf });
    expect(other.status).toBe(403);
    const list = await clinician.req("GET", "/api/patients?q=X");
    expect((list.body as { patients: Array<{ displayName: string }> }).patients.filter((p) => p.displayName === "X")).toEqual([]);
  });

  it("creates, reads, updates a patient with history; stale version is 409; every step is audited", async () => {
    const created = await clinician.req("POST", "/api/patients", { displayName: "Ana Silva", dateOfBirth: "1988-05-20", record });
    expect(created.status).toBe(201);
    const p = (created.body as PatientBody).patient;
    expect(p).toMatchObject({ displayName: "Ana Silva", version: 1, pseudonymised: false });
    const read = await clinician.req("GET", `/api/patients/${p.id}`);
    expect((read.body as PatientBody).patient.record).toEqual(record);
    const rec2 = { ...record, age: 35 };
    const upd = await clinician.req("PUT", `/api/patients/${p.id}`, { displayName: "Ana Silva", dateOfBirth: "1988-05-20", record: rec2, version: 1 });
    expect(upd.status).toBe(200);
    expect((upd.body as PatientBody).patient.version).toBe(2);
    const stale = await clinician.req("PUT", `/api/patients/${p.id}`, { displayName: "Ana S", dateOfBirth: "1988-05-20", record, version: 1 });
    expect(stale.status).toBe(409);
    expect(errorOf(stale).code).toBe("CONFLICT");
    const hist = await clinician.req("GET", `/api/patients/${p.id}/history`);
    const h = (hist.body as { history: Array<{ version: number; record: unknown; changedBy: string }> }).history;
    expect(h).toHaveLength(1);
    expect(h[0]).toMatchObject({ version: 1, record, changedBy: "dr.smith" });
    const audit = await admin.req("GET", `/api/audit?patientId=${p.id}`);
    const actions = (audit.body as { entries: Array<{ action: string; username: string; route: string }> }).entries;
    expect(actions.map((e) => e.action)).toEqual(["patient.history", "patient.update", "patient.read", "patient.create"]);
    expect(actions.every((e) => e.username === "dr.smith")).toBe(true);
    expect(actions.find((e) => e.action === "patient.read")?.route).toBe("GET /api/patients/:id");
  });

  it("validation errors name the field", async () => {
    const noDob = await clinician.req("POST", "/api/patients", { displayName: "B", dateOfBirth: "20-05-1988", record });
    expect(noDob.status).toBe(400);
    expect(errorOf(noDob)).toMatchObject({ code: "VALIDATION", field: "dateOfBirth" });
    const badRecord = await clinician.req("POST", "/api/patients", { displayName: "B", dateOfBirth: "1988-05-20", record: { losses: "three" } });
    expect(badRecord.status).toBe(400);
    expect(errorOf(badRecord).field).toBe("record.losses");
    const badFollowup = await clinician.req("POST", `/api/patients/00000000-0000-4000-8000-000000000000/followups`, { kind: "loss", date: "2026-01-01", gestationalWeek: 60 });
    expect(badFollowup.status).toBe(400);
    expect(errorOf(badFollowup).field).toBe("gestationalWeek");
    expect(errorOf(badFollowup).message).toMatch(/over 45/);
    const badQuery = await clinician.req("GET", "/api/patients?limit=0");
    expect(errorOf(badQuery).field).toBe("limit");
    const badId = await clinician.req("GET", "/api/patients/not-a-uuid");
    expect(errorOf(badId)).toMatchObject({ field: "id", code: "VALIDATION" });
  });

  it("researchers see no names and no calendar dates (days from the first loss, age in years), and cannot write", async () => {
    // issue 10 replaced the per-patient date shift (recoverable from the shifted "today" and record metadata)
    // with no calendar dates at all for researchers: see docs/security.md and test/server/research-view.test.ts
    const created = await clinician.req("POST", "/api/patients", { displayName: "Beatriz Costa", dateOfBirth: "1990-03-15", record });
    const p = (created.body as PatientBody).patient;
    const a = (await researcher.req("GET", `/api/patients/${p.id}`)).body as PatientBody;
    const b = (await researcher.req("GET", `/api/patients/${p.id}`)).body as PatientBody;
    expect(a.patient.displayName).toBeNull();
    expect(a.patient.pseudonymised).toBe(true);
    expect(JSON.stringify(a)).not.toContain("Beatriz");
    expect(a.patient.dateOfBirth).toBeNull();
    expect((a.patient as unknown as { createdAt: unknown }).createdAt).toBeNull();
    expect(b.patient).toEqual(a.patient);
    expect((a.patient as unknown as { ageYears: number }).ageYears).toBe(33);
    const losses = a.patient.record.losses as Array<{ day: number; date?: string }>;
    expect(losses.map((l) => l.day)).toEqual([0, 204]);
    expect(losses.every((l) => l.date === undefined)).toBe(true);
    const list = (await researcher.req("GET", "/api/patients?limit=500")).body as { patients: Array<{ displayName: string | null }>; pseudonymised: boolean };
    expect(list.pseudonymised).toBe(true);
    expect(list.patients.every((x) => x.displayName === null)).toBe(true);
    expect((await researcher.req("GET", "/api/patients?q=Beatriz")).body).toMatchObject({ total: 0 });
    expect((await researcher.req("GET", `/api/patients?q=${p.pseudonymId}`)).body).toMatchObject({ total: 1 });
    await clinician.req("POST", `/api/patients/${p.id}/followups`, { kind: "pregnancy", date: "2026-04-01", note: "told by Beatriz's sister" });
    const fu = (await researcher.req("GET", `/api/patients/${p.id}/followups`)).body as { followups: Array<{ date?: string; day: number; note?: string }> };
    expect(fu.followups[0]?.date).toBeUndefined();
    expect(fu.followups[0]?.day).toBe(Math.round((Date.parse("2026-04-01") - Date.parse("2024-02-10")) / 86_400_000));
    expect(fu.followups[0]?.note).toBeUndefined();
    const exp = await researcher.req("GET", "/api/research/export?format=csv");
    expect(exp.status).toBe(200);
    expect(exp.text).toContain(p.pseudonymId);
    expect(exp.text).not.toContain("Beatriz");
    // this patient's row: age in years on day 0, no dates
    const row = exp.text.split("\r\n").find((l) => l.startsWith(p.pseudonymId))!;
    expect(row.split(",")[1]).toBe("33");
    expect(row).not.toContain("1990-03-15");
    expect(row).not.toContain("2024-02-10");
    const json = (await researcher.req("GET", "/api/research/export?format=json")).body as { patients: Array<{ pseudonymId: string; followups: unknown[] }> };
    expect(json.patients.find((x) => x.pseudonymId === p.pseudonymId)?.followups).toHaveLength(1);
    const exports = (await admin.req("GET", "/api/audit?action=research.export")).body as { entries: Array<{ username: string }> };
    expect(exports.entries.filter((e) => e.username === "res.jones").length).toBe(2);
    const write = await researcher.req("PUT", `/api/patients/${p.id}`, { displayName: "X", dateOfBirth: "1990-03-15", record, version: 1 });
    expect(write.status).toBe(403);
    expect(errorOf(write).code).toBe("FORBIDDEN");
    expect((await researcher.req("GET", `/api/patients/${p.id}/history`)).status).toBe(403);
    expect((await researcher.req("GET", "/api/audit")).status).toBe(403);
    expect((await clinician.req("GET", "/api/users")).status).toBe(403);
    expect((await clinician.req("GET", "/api/research/export")).status).toBe(403);
  });

  // issue 9 §5: "follow-ups ... are never deleted (a mistaken follow-up is marked as entered in error, with a reason)"
  it("follow-ups: create, list, delete, audited", async () => {
    const p = ((await clinician.req("POST", "/api/patients", { displayName: "Carla Dias", dateOfBirth: "1987-01-01", record })).body as PatientBody).patient;
    const f = await clinician.req("POST", `/api/patients/${p.id}/followups`, { kind: "antibody-result", date: "2026-02-01", test: "anti-paternal cytotoxic antibody", positive: true });
    expect(f.status).toBe(201);
    await clinician.req("POST", `/api/patients/${p.id}/followups`, { kind: "loss", date: "2026-05-01", gestationalWeek: 8 });
    const list = (await clinician.req("GET", `/api/patients/${p.id}/followups`)).body as { followups: Array<{ id: string; kind: string; positive?: boolean }> };
    expect(list.followups.map((x) => x.kind)).toEqual(["antibody-result", "loss"]);
    expect(list.followups[0]?.positive).toBe(true);
    expect((await clinician.req("DELETE", `/api/patients/${p.id}/followups/${list.followups[1]!.id}`)).status).toBe(409);
    expect((await clinician.req("POST", `/api/patients/${p.id}/followups/${list.followups[1]!.id}/entered-in-error`, { reason: "wrong patient's result" })).status).toBe(204);
    const after = (await clinician.req("GET", `/api/patients/${p.id}/followups`)).body as { followups: Array<{ enteredInError?: { reason: string } }> };
    expect(after.followups).toHaveLength(2);
    expect(after.followups[1]!.enteredInError!.reason).toBe("wrong patient's result");
    const audit = (await admin.req("GET", `/api/audit?patientId=${p.id}`)).body as { entries: Array<{ action: string }> };
    expect(audit.entries.map((e) => e.action)).toEqual(["followup.read", "followup.entered-in-error", "followup.read", "followup.create", "followup.create", "patient.create"]);
  });

  it("admin manages users; a disabled user's session ends", async () => {
    const c = await userClient(srv.base, admin, "temp.user", "clinician");
    expect((await c.req("GET", "/api/patients")).status).toBe(200);
    const users = (await admin.req("GET", "/api/users")).body as { users: Array<{ id: string; username: string }> };
    const id = users.users.find((u) => u.username === "temp.user")!.id;
    const dup = await admin.req("POST", "/api/users", { username: "temp.user", displayName: "T", role: "clinician" });
    expect(dup.status).toBe(409);
    expect(errorOf(dup).field).toBe("username");
    const generated = await admin.req("POST", "/api/users", { username: "gen.user", displayName: "G", role: "researcher" });
    expect((generated.body as { password: string }).password.length).toBeGreaterThanOrEqual(16);
    expect((await admin.req("PATCH", `/api/users/${id}`, { disabled: true })).status).toBe(200);
    expect((await c.req("GET", "/api/patients")).status).toBe(401);
  });

  it("the audit log exports as CSV, and the table rejects UPDATE/DELETE", async () => {
    const csv = await admin.req("GET", "/api/audit.csv");
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-type")).toMatch(/text\/csv/);
    expect(csv.text.split("\r\n")[0]).toBe("id,at,username,action,patientId,route,status,detail");
    expect(csv.text).toContain("patient.create");
    await expect(srv.app.store.db.deleteFrom("audit_log").execute()).rejects.toThrow(/append-only/);
    await expect(srv.app.store.db.updateTable("audit_log").set({ username: "x" }).execute()).rejects.toThrow(/append-only/);
  });

  it("changing one's password checks the current one and ends the old sessions", async () => {
    const c = await userClient(srv.base, admin, "pw.user", "clinician");
    const wrong = await c.req("POST", "/api/auth/password", { currentPassword: "nope", newPassword: "brand-new-password-1" });
    expect(wrong.status).toBe(400);
    expect(errorOf(wrong).field).toBe("currentPassword");
    const short = await c.req("POST", "/api/auth/password", { currentPassword: userPassword("pw.user"), newPassword: "short" });
    expect(errorOf(short).field).toBe("newPassword");
    expect((await c.req("POST", "/api/auth/password", { currentPassword: userPassword("pw.user"), newPassword: "brand-new-password-1" })).status).toBe(204);
    expect((await c.req("GET", "/api/auth/me")).status).toBe(401);
    expect((await new Client(srv.base).login("pw.user", userPassword("pw.user"))).status).toBe(401);
    expect((await new Client(srv.base).login("pw.user", "brand-new-password-1")).status).toBe(200);
    const audit = (await admin.req("GET", "/api/audit?action=user.update")).body as { entries: Array<{ username: string; detail: string }> };
    expect(audit.entries.some((e) => e.username === "pw.user" && /password/.test(e.detail))).toBe(true);
  });

  it("logout ends the session", async () => {
    const c = await userClient(srv.base, admin, "bye.user", "clinician");
    expect((await c.req("POST", "/api/auth/logout")).status).toBe(204);
    expect((await c.req("GET", "/api/auth/me")).status).toBe(401);
  });

  it("serves OpenAPI with the zod schemas, and JSON 404 for unknown API routes", async () => {
    const r = await fetch(srv.base + "/api/docs/json");
    expect(r.status).toBe(200);
    const doc = (await r.json()) as { openapi: string; paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: { properties?: Record<string, unknown> } }> } }>> };
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(["/api/patients", "/api/patients/{id}", "/api/patients/{id}/assessment", "/api/meta", "/api/audit"]));
    expect(Object.keys(doc.paths["/api/patients"]!.post!.requestBody!.content["application/json"]!.schema.properties!)).toEqual(["displayName", "dateOfBirth", "record"]);
    const ui = await fetch(srv.base + "/api/docs");
    expect(ui.status).toBe(200);
    expect(await ui.text()).toMatch(/swagger/i);
    const nf = await admin.req("GET", "/api/nope");
    expect(nf.status).toBe(404);
    expect(errorOf(nf).code).toBe("NOT_FOUND");
  });

  it("rate-limits login attempts per address and username (even the right password is refused once limited)", async () => {
    await userClient(srv.base, admin, "target.user", "clinician"); // one successful login
    const c = new Client(srv.base);
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await c.login("target.user", "wrong-password")).status);
    expect(statuses.slice(0, 4)).toEqual([401, 401, 401, 401]);
    expect(statuses.slice(4)).toEqual([429, 429]);
    const r = await c.login("target.user", userPassword("target.user"));
    expect(r.status).toBe(429);
    expect(errorOf(r).code).toBe("RATE_LIMITED");
    expect(errorOf(r).message).toMatch(/too many sign-in attempts/);
    // another account from the same address is not locked out
    expect((await new Client(srv.base).login("admin", ADMIN_PASSWORD)).status).toBe(200);
  });

  it("a signed-in session cannot guess the password through the password change: the same per-name limit, each failure audited", async () => {
    const c = await userClient(srv.base, admin, "pw.guess", "clinician"); // one sign-in
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await c.req("POST", "/api/auth/password", { currentPassword: `guess-${i}-wrong`, newPassword: "Violet-harbour-kettle-92" })).status);
    expect(statuses.slice(0, 3)).toEqual([400, 400, 400]);
    expect(statuses.slice(-2)).toEqual([429, 429]);
    const audit = (await admin.req("GET", "/api/audit?action=auth.password-check-failed")).body as { entries: { username: string }[] };
    expect(audit.entries.filter((e) => e.username === "pw.guess").length).toBeGreaterThanOrEqual(3);
  });
});

describe("workbench (POST /api/meta)", () => {
  let srv: TestServer;
  let user: Client;
  beforeAll(async () => {
    srv = await startServer("sqlite");
    const admin = await adminClient(srv.base);
    user = await userClient(srv.base, admin, "res.meta", "researcher");
  });
  afterAll(async () => {
    await srv.close();
  });
  const upload = (name: string, content: string | Buffer) => ({ name, contentBase64: Buffer.from(content).toString("base64") });

  it("analyses an uploaded CSV like metafor (BCG, RR, REML)", async () => {
    const csv = readFileSync(join(packageRoot(), "examples/meta/bcg.csv"));
    const r = await user.req("POST", "/api/meta", { file: upload("bcg.csv", csv), options: { measure: "RR", model: "random", tau2: "REML" } });
    expect(r.status).toBe(200);
    const res = (r.body as { result: MetaResult }).result;
    // metafor 3.8: rma(measure = "RR", ai = tpos, bi = tneg, ci = cpos, di = cneg, data = dat.bcg)
    expect(res.k).toBe(13);
    expect(res.pooled.estimate).toBeCloseTo(-0.7145, 3);
    expect(res.heterogeneity.tau2).toBeCloseTo(0.3132, 3);
    expect(res.heterogeneity.I2).toBeCloseTo(92.22, 1);
    const svg = (r.body as { forestSvg: string; funnelSvg: string | null });
    expect(svg.forestSvg.startsWith("<svg")).toBe(true);
    expect(svg.forestSvg).toContain("Aronson 1948");
    expect(svg.funnelSvg?.startsWith("<svg")).toBe(true);
    const png = await fetch(srv.base + "/api/meta/forest.png", { method: "POST", headers: { "content-type": "application/json", cookie: [...user.cookies].map(([k, v]) => `${k}=${v}`).join("; "), "x-csrf-token": user.csrf! }, body: JSON.stringify({ file: upload("bcg.csv", csv), options: { measure: "RR" } }) });
    expect(png.headers.get("content-type")).toBe("image/png");
    expect([...new Uint8Array(await png.arrayBuffer()).slice(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
    const dl = await user.req("POST", "/api/meta/results.csv", { file: upload("bcg.csv", csv), options: { measure: "RR", tau2: "DL" } });
    expect(dl.headers.get("content-type")).toMatch(/text\/csv/);
    const lines = dl.text.trim().split("\r\n");
    expect(lines).toHaveLength(1 + 13 + 1);
    expect(lines[lines.length - 1]).toMatch(/^"?pooled \(random, DL, k = 13\)/);
  });

  it("reads XLSX uploads too (same numbers as the CSV)", async () => {
    const xlsx = readFileSync(join(packageRoot(), "examples/meta/bcg-metafor-names.xlsx"));
    const csv = readFileSync(join(packageRoot(), "examples/meta/bcg.csv"));
    const a = await user.req("POST", "/api/meta", { file: upload("bcg.xlsx", xlsx), options: { measure: "RR" } });
    const b = await user.req("POST", "/api/meta", { file: upload("bcg.csv", csv), options: { measure: "RR" } });
    expect(a.status).toBe(200);
    const ra = (a.body as { result: MetaResult }).result;
    const rb = (b.body as { result: MetaResult }).result;
    expect(ra.k).toBe(rb.k);
    expect(ra.pooled.estimate).toBeCloseTo(rb.pooled.estimate, 10);
  });

  it("names the row and column of a bad cell, and the option field", async () => {
    const bad = await user.req("POST", "/api/meta", { file: upload("bad.csv", "study,events_t,total_t,events_c,total_c\nA,4,123,11,139\nB,x,306,29,303\n"), options: {} });
    expect(bad.status).toBe(400);
    expect(errorOf(bad)).toMatchObject({ code: "VALIDATION", row: 3, field: "events_t" });
    const opt = await user.req("POST", "/api/meta", { file: upload("bcg.csv", "x"), options: { measure: "XX" } });
    expect(errorOf(opt).field).toBe("options.measure");
    const ext = await user.req("POST", "/api/meta", { file: upload("bcg.txt", "x"), options: {} });
    expect(errorOf(ext).field).toBe("file.name");
  });
});

describe("web UI hosting and proxies", () => {
  let srv: TestServer;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "decidua-web-"));
    writeFileSync(join(dir, "index.html"), "<!doctype html><title>Decidua test UI</title>");
    writeFileSync(join(dir, "app.js"), "console.log('app')");
    srv = await startServer("sqlite", { webRoot: dir, trustProxy: true, seed: false });
  });
  afterAll(async () => {
    await srv.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("serves the UI at /, its files, and index.html for client-side routes; the API keeps JSON 404s", async () => {
    const root = await fetch(srv.base + "/");
    expect(root.headers.get("content-type")).toMatch(/text\/html/);
    expect(root.headers.get("content-security-policy")).toMatch(/script-src 'self'/);
    expect(root.headers.get("x-frame-options")).toBe("DENY");
    expect(await root.text()).toContain("Decidua test UI");
    const js = await fetch(srv.base + "/app.js");
    expect(js.headers.get("content-type")).toMatch(/javascript/);
    const deep = await fetch(srv.base + "/patients/123/assessment");
    expect(deep.status).toBe(200);
    expect(await deep.text()).toContain("Decidua test UI");
    const api = await fetch(srv.base + "/api/patients/x/y/z");
    expect(api.status).toBe(404);
    expect(api.headers.get("cache-control")).toBe("no-store");
    expect(((await api.json()) as { error: { code: string } }).error.code).toBe("NOT_FOUND");
  });

  it("behind an https proxy (trustProxy) the cookies are Secure", async () => {
    const r = await srv.app.inject({ method: "POST", url: "/api/auth/login", headers: { "x-forwarded-proto": "https" }, payload: { username: "admin", password: ADMIN_PASSWORD } });
    expect(r.statusCode).toBe(200);
    const cookies = ([] as string[]).concat(r.headers["set-cookie"] ?? []);
    expect(cookies.length).toBe(2);
    for (const c of cookies) expect(c).toMatch(/; Secure/);
  });
});
