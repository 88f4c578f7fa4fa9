/** Issue 9 §5 on a real server and both engines: plans kept with version, author and date; override reasons; therapy events; entered-in-error follow-ups. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminClient, Client, errorOf, startServer, type TestServer, userClient } from "./helpers.js";

interface Summary { id: string; displayName: string | null }
interface Saved { id: string; therapy: string; version: number; verdictStatus: string; overrideReason: string | null; createdBy: string; createdAt: string; plan: { steps: unknown[] } }

describe.each(["sqlite", "postgres"] as const)("kept plans and decisions on %s", (engine) => {
  let srv: TestServer;
  let clinician: Client;
  let admin: Client;
  let researcher: Client;
  let a: string;
  let b: string;

  beforeAll(async () => {
    srv = await startServer(engine, { seed: true }, () => new Date("2026-11-20T10:00:00Z"));
    admin = await adminClient(srv.base);
    clinician = await userClient(srv.base, admin, "dr.plans", "clinician");
    researcher = await userClient(srv.base, admin, "res.plans", "researcher");
    const patients = ((await clinician.req("GET", "/api/patients")).body as { patients: Summary[] }).patients;
    a = patients.find((p) => p.displayName?.startsWith("Example A"))!.id;
    b = patients.find((p) => p.displayName?.startsWith("Example B"))!.id;
  });
  afterAll(async () => {
    await srv.close();
  });

  it("a built plan is stored with version, who and when, listed on the patient and audited", async () => {
    const r1 = await clinician.req("POST", `/api/patients/${a}/plans`, { therapy: "lit", startDate: "2026-12-01" });
    expect(r1.status).toBe(201);
    const p1 = (r1.body as { plan: Saved }).plan;
    expect(p1).toMatchObject({ therapy: "lit", version: 1, verdictStatus: "protocol-eligible", overrideReason: null, createdBy: "dr.plans" });
    expect(p1.plan.steps.length).toBeGreaterThan(0);
    const p2 = ((await clinician.req("POST", `/api/patients/${a}/plans`, { therapy: "lit", startDate: "2026-12-15" })).body as { plan: Saved }).plan;
    expect(p2.version).toBe(2);
    const list = (await clinician.req("GET", `/api/patients/${a}/plans`)).body as { plans: Saved[] };
    expect(list.plans.map((p) => p.version)).toEqual([2, 1]);
    const audit = (await admin.req("GET", `/api/audit?patientId=${a}`)).body as { entries: Array<{ action: string; detail: string | null }> };
    expect(audit.entries.filter((e) => e.action === "plan.save").map((e) => e.detail)).toEqual(["lit v2 from 2026-12-15", "lit v1 from 2026-12-01"]);
    expect((await researcher.req("GET", `/api/patients/${a}/plans`)).status).toBe(403);
  });

  it("planning a therapy that is neither recommended nor protocol-eligible needs an override reason, stored and shown", async () => {
    const refused = await clinician.req("POST", `/api/patients/${b}/plans`, { therapy: "lit", startDate: "2026-12-01" });
    expect(refused.status).toBe(400);
    expect(errorOf(refused).field).toBe("overrideReason");
    expect(errorOf(refused).message).toMatch(/not-indicated for this patient: planning it needs an override reason/);
    const ok = await clinician.req("POST", `/api/patients/${b}/plans`, { therapy: "lit", startDate: "2026-12-01", overrideReason: "approved trial protocol, ethics ref 24/123" });
    expect(ok.status).toBe(201);
    const list = (await clinician.req("GET", `/api/patients/${b}/plans`)).body as { plans: Saved[] };
    expect(list.plans[0]).toMatchObject({ verdictStatus: "not-indicated", overrideReason: "approved trial protocol, ethics ref 24/123" });
  });

  it("therapies started and stopped are recorded; future dates are refused", async () => {
    expect((await clinician.req("POST", `/api/patients/${a}/therapy-events`, { therapy: "lit", event: "started", date: "2026-11-01" })).status).toBe(201);
    expect((await clinician.req("POST", `/api/patients/${a}/therapy-events`, { therapy: "lit", event: "stopped", date: "2026-11-18", note: "no antibody response" })).status).toBe(201);
    const future = await clinician.req("POST", `/api/patients/${a}/therapy-events`, { therapy: "lit", event: "stopped", date: "2026-12-18" });
    expect(future.status).toBe(400);
    expect(errorOf(future).field).toBe("date");
    // a therapy stopped before every recorded start of it is a typing error
    const early = await clinician.req("POST", `/api/patients/${a}/therapy-events`, { therapy: "lit", event: "stopped", date: "2020-01-01" });
    expect(early.status).toBe(400);
    expect(errorOf(early).message).toMatch(/stopped on 2020-01-01, before it was started \(2026-11-01\)/);
    const list = (await clinician.req("GET", `/api/patients/${a}/plans`)).body as { therapyEvents: Array<{ event: string; date: string; note: string | null }> };
    expect(list.therapyEvents.map((e) => `${e.event} ${e.date}`)).toEqual(["started 2026-11-01", "stopped 2026-11-18"]);
    // a plan starting in 1900 or 9999 is refused, naming the field, whether built or kept
    for (const [path, startDate] of [["plan", "1900-01-01"], ["plans", "9999-12-31"]] as const) {
      const r = await clinician.req("POST", `/api/patients/${a}/${path}`, { therapy: "lit", startDate });
      expect(r.status, path).toBe(400);
      expect(errorOf(r).field, path).toBe("startDate");
      expect(errorOf(r).message).toMatch(/more than 2 years from today/);
    }
  });

  it("an outcome a follow-up reports that the record does not hold is said beside the assessment, until it is entered in error", async () => {
    const f = (await clinician.req("POST", `/api/patients/${b}/followups`, { kind: "loss", date: "2026-11-10", gestationalWeek: 8 })).body as { followup: { id: string } };
    const warnings = async () => ((await clinician.req("GET", `/api/patients/${b}/assessment?date=2026-11-20`)).body as { assessment: { warnings: string[] } }).assessment.warnings.join(" ");
    expect(await warnings()).toMatch(/follow-up of 2026-11-10 reports a loss at 8 weeks that is not among the record's dated losses/);
    expect((await clinician.req("POST", `/api/patients/${b}/followups/${f.followup.id}/entered-in-error`, { reason: "another patient's result" })).status).toBe(204);
    expect(await warnings()).not.toMatch(/reports a loss/);
  });

  it("a follow-up entered in error is kept, marked, and no longer read by the rules", async () => {
    const f = (await clinician.req("POST", `/api/patients/${a}/followups`, { kind: "antibody-result", date: "2026-11-19", test: "anti-paternal-antibody", positive: false })).body as { followup: { id: string } };
    const before = (await clinician.req("POST", `/api/patients/${a}/plan`, { therapy: "lit", startDate: "2026-09-01" })).body as { plan: { status: string } };
    expect(before.plan.status).toBe("reconsider");
    expect((await clinician.req("POST", `/api/patients/${a}/followups/${f.followup.id}/entered-in-error`, { reason: "result of another patient" })).status).toBe(204);
    const after = (await clinician.req("POST", `/api/patients/${a}/plan`, { therapy: "lit", startDate: "2026-09-01" })).body as { plan: { status: string } };
    expect(after.plan.status).toBe("awaiting-result");
    const again = await clinician.req("POST", `/api/patients/${a}/followups/${f.followup.id}/entered-in-error`, { reason: "twice" });
    expect(again.status).toBe(409);
  });
  it("the history lists kept plans, overrides, therapy events, follow-ups and entries in error beside the versions; the list shows due steps", async () => {
    type Ev = { kind: string; at: string; by: string; title: string; detail: string[] };
    const h = (await clinician.req("GET", `/api/patients/${a}/history`)).body as { history: unknown[]; events: Ev[] };
    const kinds = h.events.map((e) => e.kind);
    expect(kinds.filter((k) => k === "plan-kept").length).toBe(2);
    expect(kinds.filter((k) => k === "therapy-event").length).toBe(2);
    expect(kinds).toContain("follow-up");
    expect(kinds).toContain("entered-in-error");
    expect(kinds[kinds.length - 1]).toBe("record-created");
    expect([...h.events].sort((x, y) => y.at.localeCompare(x.at)).map((e) => e.at)).toEqual(h.events.map((e) => e.at));
    expect(h.events.find((e) => e.kind === "entered-in-error")).toMatchObject({ by: "dr.plans", detail: ["reason: result of another patient"] });
    expect(h.events.find((e) => e.kind === "therapy-event" && e.title.includes("stopped"))).toMatchObject({ title: "Lymphocyte immunisation therapy (LIT) stopped on 2026-11-18", detail: ["no antibody response"] });
    const hb = (await clinician.req("GET", `/api/patients/${b}/history`)).body as { events: Ev[] };
    expect(hb.events.find((e) => e.kind === "plan-kept")!.detail).toEqual(["verdict then: not-indicated", "override reason: approved trial protocol, ethics ref 24/123"]);
    const audit = (await admin.req("GET", `/api/audit?patientId=${a}`)).body as { entries: Array<{ action: string }> };
    expect(audit.entries[0]!.action).toBe("patient.history");

    // a plan starting in two days: its first step is due on the patient list (the server's today, 2026-11-20)
    expect((await clinician.req("POST", `/api/patients/${a}/plans`, { therapy: "lit", startDate: "2026-11-22" })).status).toBe(201);
    type Row = { id: string; due?: Array<{ therapy: string; planVersion: number; date: string; state: string; text: string }> };
    const list = ((await clinician.req("GET", "/api/patients")).body as { patients: Row[] }).patients;
    const due = list.find((p) => p.id === a)!.due!;
    expect(due[0]).toMatchObject({ therapy: "lit", planVersion: 3, date: "2026-11-22", state: "due" });
    expect(due[0]!.text).toMatch(/^LIT: .+ due 2026-11-22$/);
    expect(list.find((p) => p.id === b)!.due).toEqual([]); // its plan starts 2026-12-01, beyond the 7 days
    const res = ((await researcher.req("GET", "/api/patients")).body as { patients: Row[] }).patients;
    for (const p of res) expect(p.due).toBeUndefined();
  });
});
