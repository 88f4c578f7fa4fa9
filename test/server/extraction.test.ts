// Extraction and RoB API on a real server (both engines): roles, blinding, validation with field paths, the
// disagreement side by side, reconciliation, the reconciled trial entry, RoB 2 with override reasons, plots, audit.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_PASSWORD, Client, errorOf, startServer, type TestServer, userClient } from "./helpers.js";
import { DASHTI_A, DASHTI_B } from "../evidence/fixtures/dashti-2025-extraction.js";

const META = { therapy: "lit", label: "Dashti 2025", year: 2025, comparison: "LIT vs routine treatment, ANA-positive RPL" };
const ROB2 = { D1: { "1.1": "PY", "1.2": "NI", "1.3": "N" }, D2: { "2.1": "N", "2.2": "N", "2.6": "Y" }, D3: { "3.1": "Y" }, D4: { "4.1": "N", "4.2": "N", "4.3": "N" }, D5: { "5.1": "N", "5.2": "N", "5.3": "N" } };

describe.each(["sqlite", "postgres"] as const)("extraction API on %s", (engine) => {
  let srv: TestServer;
  let admin: Client;
  let ann: Client;
  let bob: Client;
  let clin: Client;

  beforeAll(async () => {
    srv = await startServer(engine);
    admin = new Client(srv.base);
    await admin.login("admin", ADMIN_PASSWORD);
    ann = await userClient(srv.base, admin, "ann.rev", "reviewer");
    bob = await userClient(srv.base, admin, "bob.rev", "reviewer");
    clin = await userClient(srv.base, admin, "cli.c", "clinician");
  });
  afterAll(async () => srv.close());

  it("two blinded extractions, the disagreement side by side, reconciliation and the trial entry", async () => {
    expect((await clin.req("PUT", "/api/extraction/studies/dashti-2025/mine", { content: DASHTI_A })).status).toBe(403);
    const bad = await ann.req("PUT", "/api/extraction/studies/dashti-2025/mine", { content: { ...DASHTI_A, outcomes: [{ ...DASHTI_A.outcomes[0], data: { type: "dichotomous", events_t: 9, total_t: 5, events_c: 1, total_c: 5 }, status: "reported" }] }, submit: true });
    expect(bad.status).toBe(400);
    expect(errorOf(bad).field).toBe("outcomes.0.data.events_t");
    expect((await ann.req("PUT", "/api/extraction/studies/dashti-2025/mine", { content: DASHTI_A, submit: true })).status).toBe(200);
    expect((await bob.req("PUT", "/api/extraction/studies/dashti-2025/mine", { content: DASHTI_B })).status).toBe(200);
    const seen = (await ann.req("GET", "/api/extraction/studies/dashti-2025")).body as { extractions: Array<{ reviewer: string; blinded: boolean; content: unknown }> };
    expect(seen.extractions.map((e) => [e.reviewer, e.blinded, e.content === null])).toEqual([["ann.rev", false, false], ["bob.rev", true, true]]);
    expect((await ann.req("GET", "/api/extraction/studies/dashti-2025/disagreements")).status).toBe(409);
    expect((await bob.req("PUT", "/api/extraction/studies/dashti-2025/mine", { content: DASHTI_B, submit: true })).status).toBe(200);
    const cmp = await ann.req("GET", "/api/extraction/studies/dashti-2025/disagreements");
    expect(cmp.body).toEqual({ study: "dashti-2025", reviewerA: "ann.rev", reviewerB: "bob.rev", disagreements: [{ path: "population.enrolled", a: 84, b: 198 }] });
    expect((await ann.req("GET", "/api/extraction/studies/dashti-2025/trial-entry")).status).toBe(404);
    const open = await ann.req("POST", "/api/extraction/studies/dashti-2025/reconciliation", { resolutions: [], meta: META });
    expect(open.status).toBe(400);
    const rec = await ann.req("POST", "/api/extraction/studies/dashti-2025/reconciliation", { resolutions: [{ path: "population.enrolled", choice: "a", reason: "ANA-positive stratum only" }], meta: META });
    expect(rec.status).toBe(201);
    const entry = (await bob.req("GET", "/api/extraction/studies/dashti-2025/trial-entry")).body as { entry: { id: string; population: string; arms: unknown[] } };
    expect(entry.entry).toMatchObject({ id: "dashti-2025", population: expect.stringContaining("84 enrolled") });
    expect((await ann.req("POST", "/api/extraction/studies/dashti-2025/reconciliation", { resolutions: [{ path: "population.enrolled", choice: "b" }], meta: META })).status).toBe(409);
  });

  it("RoB 2: the algorithm's judgement, an override only with a reason, the plot from stored judgements; every step audited", async () => {
    const r = await ann.req("POST", "/api/rob/assessments", { tool: "rob2", assessment: { study: "dashti-2025", outcome: "live birth", answers: ROB2 } });
    expect(r.status).toBe(201);
    const a = (r.body as { assessment: { overallAlgorithm: string; result: { domains: Record<string, { algorithm: string; leaf: string }> } } }).assessment;
    expect(a.overallAlgorithm).toBe("some concerns");
    expect(a.result.domains.D1).toMatchObject({ algorithm: "some concerns", leaf: "D1.6" });
    const noReason = await ann.req("POST", "/api/rob/assessments", { tool: "rob2", assessment: { study: "dashti-2025", outcome: "live birth", answers: ROB2, overrides: { D1: { judgement: "high", reason: "" } } } });
    expect(noReason.status).toBe(400);
    expect(errorOf(noReason).field).toBe("overrides.D1.reason");
    const v2 = await bob.req("POST", "/api/rob/assessments", { tool: "rob2", assessment: { study: "dashti-2025", outcome: "live birth", answers: ROB2, overrides: { D5: { judgement: "high", reason: "only the abstract is public" } } } });
    expect((v2.body as { assessment: { version: number; overallFinal: string } }).assessment).toMatchObject({ version: 2, overallFinal: "high" });
    const hist = (await admin.req("GET", "/api/rob/assessments/rob2/dashti-2025?outcome=live%20birth")).body as { versions: Array<{ version: number; assessor: string; overallAlgorithm: string }> };
    expect(hist.versions.map((x) => [x.version, x.assessor, x.overallAlgorithm])).toEqual([[1, "ann.rev", "some concerns"], [2, "bob.rev", "high"]]);
    expect((await admin.req("GET", "/api/rob/assessments/rob2/other-2020")).status).toBe(404);
    const svg = await bob.req("GET", "/api/rob/rob2/traffic-light.svg");
    expect(svg.status).toBe(200);
    expect(svg.text).toContain('data-domain="Bias in selection of the reported result" data-judgement="high"');
    expect((await bob.req("GET", "/api/rob/robins-i/summary.svg")).status).toBe(404);
    expect((await clin.req("GET", "/api/rob/rob2/summary.svg")).status).toBe(403);
    const audit = (await admin.req("GET", "/api/audit?limit=200")).body as { entries: Array<{ action: string }> };
    const actions = audit.entries.map((e) => e.action);
    for (const x of ["extraction.submit", "extraction.compare", "extraction.reconcile", "extraction.trial-entry", "rob.save", "rob.plot"]) expect(actions).toContain(x);
  });
});
