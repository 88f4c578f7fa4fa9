/** The Summary-of-Findings routes: JSON table, CSV and DOCX downloads, refusals naming the field. */
import JSZip from "jszip";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import type { SofTable } from "../../src/evidence/grade-outcomes.js";
import { ADMIN_PASSWORD, Client, errorOf, startServer, userClient, type TestServer } from "./helpers.js";

describe("GET /api/evidence/therapies/:therapy/sof[.csv|.docx]", () => {
  let srv: TestServer;
  let clinician: Client;
  beforeAll(async () => {
    srv = await startServer("sqlite", { seed: true });
    const admin = new Client(srv.base);
    await admin.login("admin", ADMIN_PASSWORD);
    clinician = await userClient(srv.base, admin, "clin.sof", "clinician");
  });
  afterAll(async () => {
    await srv.close();
  });

  it("JSON: every outcome, no-data rows kept, certainty with symbols", async () => {
    const r = await clinician.req("GET", "/api/evidence/therapies/ivig/sof");
    expect(r.status).toBe(200);
    const t = (r.body as { table: SofTable }).table;
    expect(t.outcomes.map((o) => o.outcome)).toEqual(["live-birth", "ongoing-pregnancy", "miscarriage", "adverse-events", "preterm-birth", "congenital-anomalies"]);
    expect(t.outcomes.find((o) => o.outcome === "adverse-events")?.status).toBe("no data");
    expect(t.outcomes[0]!.certainty!.symbols).toMatch(/^[⊕◯]{4}$/);
    const or = (await clinician.req("GET", "/api/evidence/therapies/ivig/sof?measure=OR&baseline=median")).body as { table: SofTable };
    expect(or.table.measure).toBe("OR");
    expect(or.table.outcomes[0]!.assumed!.rule).toBe("median");
  });

  it("gives the same table as `decidua evidence sof ivig --json` (one use case, app/sof.ts)", async () => {
    const out: string[] = [];
    expect(await main(["evidence", "sof", "ivig", "--json", "--measure", "OR"], { out: (t) => out.push(t), err: () => undefined })).toBe(0);
    const route = ((await clinician.req("GET", "/api/evidence/therapies/ivig/sof?measure=OR")).body as { table: SofTable }).table;
    expect(route).toEqual(JSON.parse(out.join("")));
  });

  it("CSV and DOCX are downloads with the same numbers", async () => {
    const csv = await clinician.req("GET", "/api/evidence/therapies/ivig/sof.csv");
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-type")).toMatch(/^text\/csv/);
    expect(csv.headers.get("content-disposition")).toBe('attachment; filename="sof-ivig.csv"');
    expect(csv.text.split("\r\n")[1]).toMatch(/^Live birth,estimated,9,/);
    const res = await fetch(`${srv.base}/api/evidence/therapies/ivig/sof.docx`, { headers: { cookie: [...clinician.cookies].map(([k, v]) => `${k}=${v}`).join("; ") } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/vnd.openxmlformats-officedocument.wordprocessingml.document");
    expect(res.headers.get("content-disposition")).toBe('attachment; filename="sof-ivig.docx"');
    const xml = await (await JSZip.loadAsync(new Uint8Array(await res.arrayBuffer()))).file("word/document.xml")!.async("string");
    const json = ((await clinician.req("GET", "/api/evidence/therapies/ivig/sof")).body as { table: SofTable }).table;
    expect(xml).toContain(json.outcomes[0]!.relative!.text);
    expect(xml).toContain("Congenital anomalies");
  });

  it("refuses an unknown therapy or measure with 400 naming the field, and needs a session", async () => {
    expect(errorOf(await clinician.req("GET", "/api/evidence/therapies/aspirin/sof.docx"))).toMatchObject({ code: "VALIDATION", field: "therapy" });
    expect(errorOf(await clinician.req("GET", "/api/evidence/therapies/ivig/sof?measure=HR")).field).toBe("measure");
    expect((await new Client(srv.base).req("GET", "/api/evidence/therapies/ivig/sof.csv")).status).toBe(401);
  });
  it("a reviewer's published GRADE rating (the therapy's gradeOverrides) reaches the clinician's table, with the computed one beside it", async () => {
    const admin = new Client(srv.base);
    await admin.login("admin", ADMIN_PASSWORD);
    const reviewer = await userClient(srv.base, admin, "rev.sof", "reviewer");
    const d = (await reviewer.req("GET", "/api/evidence/draft")).body as { draft: { lastRevision: number; content: { therapies: Array<{ id: string }> } } };
    const ivig = structuredClone(d.draft.content.therapies.find((t) => t.id === "ivig")!);
    const reason = "test fixture: the trials' populations differ from unexplained RPL";
    const entry = { ...ivig, gradeOverrides: { "live-birth": { indirectness: { downgrade: 1, reason } } } };
    expect((await reviewer.req("PUT", "/api/evidence/draft/therapies/ivig", { why: "indirectness judged", entry: { ...entry, gradeOverrides: { "live-birth": { indirectness: { downgrade: 1, reason: "" } } } } })).status).toBe(400);
    const before = ((await clinician.req("GET", "/api/evidence/therapies/ivig/sof")).body as { table: SofTable }).table.outcomes[0]!.certainty!;
    expect((await reviewer.req("PUT", "/api/evidence/draft/therapies/ivig", { why: "indirectness judged", entry })).status).toBe(200);
    // not before it is published
    expect(((await clinician.req("GET", "/api/evidence/therapies/ivig/sof")).body as { table: SofTable }).table.outcomes[0]!.certainty!.domains.indirectness.override).toBeNull();
    const pub = await reviewer.req("POST", "/api/evidence/publish", { note: "IVIG indirectness", expectedRevision: d.draft.lastRevision + 1 });
    expect(pub.status).toBe(201);
    const after = ((await clinician.req("GET", "/api/evidence/therapies/ivig/sof")).body as { table: SofTable }).table.outcomes[0]!.certainty!;
    expect(after.domains.indirectness).toMatchObject({ downgrade: 1, override: { downgrade: 1, reason }, computed: { downgrade: before.domains.indirectness.computed.downgrade } });
    expect(after.domains.indirectness.reason).toContain(reason);
  });
});
