/**
 * The whole evidence loop on a real server, both engines (issue 11): two reviewers extract a new trial blinded,
 * reconcile their one disagreement, one judges its risk of bias with RoB 2; the reconciled entry (with the stored
 * RoB 2 in its `rob2` field) goes into the evidence draft as a revision that records who and why; the reviewer sees
 * the patients whose verdicts would change; after publishing, the clinician's assessment rests on the new version
 * and the prednisolone evidence names the new trial. The trial is a hypothetical test fixture (test/support).
 */
import JSZip from "jszip";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SofTable } from "../../src/evidence/grade-outcomes.js";
import { ADMIN_PASSWORD, Client, startServer, userClient, type TestServer } from "./helpers.js";
import { LOOP_A, LOOP_B, LOOP_META, LOOP_ROB2, LOOP_SOURCE, LOOP_STUDY } from "../support/loop-fixture.js";

interface Revision { actor: string; why: string; kind: string; table: string; entryId: string }
interface Draft { content: { trials: Array<{ id: string; rob2?: { overall: string; assessor: string; outcome: string } }> }; lastRevision: number; pending: Revision[] }
interface TherapyView { evidence: { bestEstimate?: string; certainty?: string } }

describe.each(["sqlite", "postgres"] as const)("the evidence loop on %s", (engine) => {
  let srv: TestServer;
  let ann: Client;
  let bob: Client;
  let clinician: Client;

  beforeAll(async () => {
    srv = await startServer(engine, { seed: true }, () => new Date("2026-12-03T10:00:00Z"));
    const admin = new Client(srv.base);
    await admin.login("admin", ADMIN_PASSWORD);
    ann = await userClient(srv.base, admin, "ann.rev", "reviewer");
    bob = await userClient(srv.base, admin, "bob.rev", "reviewer");
    clinician = await userClient(srv.base, admin, "dr.loop", "clinician");
  });
  afterAll(async () => srv.close());

  it("extract twice, reconcile, RoB 2, into the draft, affected patients, publish: the verdict cites the new trial and version", async () => {
    const first = (await clinician.req("GET", "/api/patients")).body as { patients: Array<{ id: string; displayName: string }> };
    const exampleA = first.patients.find((p) => p.displayName.startsWith("Example A"))!;
    const before = (await clinician.req("GET", `/api/patients/${exampleA.id}/assessment`)).body as { assessment: { therapies: Record<string, TherapyView> } };
    expect(before.assessment.therapies.prednisolone!.evidence.bestEstimate).toContain("Tang 2013");

    expect((await ann.req("POST", "/api/evidence/draft/sources", { why: "source of the trial being extracted", entry: LOOP_SOURCE })).status).toBe(201);
    expect((await ann.req("PUT", `/api/extraction/studies/${LOOP_STUDY}/mine`, { content: LOOP_A, submit: true })).status).toBe(200);
    expect((await bob.req("PUT", `/api/extraction/studies/${LOOP_STUDY}/mine`, { content: LOOP_B, submit: true })).status).toBe(200);
    const cmp = (await ann.req("GET", `/api/extraction/studies/${LOOP_STUDY}/disagreements`)).body as { disagreements: Array<{ path: string }> };
    expect(cmp.disagreements.map((d) => d.path)).toEqual(["population.enrolled"]);
    const rec = await bob.req("POST", `/api/extraction/studies/${LOOP_STUDY}/reconciliation`, { resolutions: [{ path: "population.enrolled", choice: "a", reason: "randomised women only" }], meta: LOOP_META });
    expect(rec.status).toBe(201);

    // before any RoB 2 is stored the entry carries none and says so
    const bare = (await ann.req("GET", `/api/extraction/studies/${LOOP_STUDY}/trial-entry`)).body as { entry: { rob2?: unknown }; rob: { used: unknown; note: string } };
    expect(bare.entry.rob2).toBeUndefined();
    expect(bare.rob).toEqual({ used: null, note: expect.stringContaining("not assessed") });

    expect((await bob.req("POST", "/api/rob/assessments", { tool: "rob2", assessment: { study: LOOP_STUDY, outcome: "live birth", answers: LOOP_ROB2 } })).status).toBe(201);
    const withRob = (await ann.req("GET", `/api/extraction/studies/${LOOP_STUDY}/trial-entry`)).body as { entry: Record<string, unknown> & { rob2: { overall: string; outcome: string; assessor: string; judgements: Record<string, string> } }; rob: { used: { version: number; assessor: string } } };
    expect(withRob.entry.rob2).toMatchObject({ tool: "RoB2", overall: "low", outcome: "live-birth", assessor: "bob.rev", judgements: { D1: "low", D2: "low", D3: "low", D4: "low", D5: "low" } });
    expect(withRob.rob.used).toMatchObject({ version: 1, assessor: "bob.rev" });

    // the extraction page's button: PUT replaces a trial the draft holds, 404 when it does not, then POST adds it
    const why = `data extraction of ${LOOP_STUDY} reconciled by bob.rev (1 disagreement(s) resolved)`;
    const put = await ann.req("PUT", `/api/evidence/draft/trials/${LOOP_STUDY}`, { why, entry: withRob.entry });
    expect(put.status).toBe(404);
    expect((await ann.req("POST", "/api/evidence/draft/trials", { why, entry: withRob.entry })).status).toBe(201);
    expect((await ann.req("PUT", `/api/evidence/draft/trials/${LOOP_STUDY}`, { why: `${why}; again`, entry: withRob.entry })).status).toBe(200);

    const draft = ((await ann.req("GET", "/api/evidence/draft")).body as { draft: Draft }).draft;
    expect(draft.content.trials.find((t) => t.id === LOOP_STUDY)?.rob2).toMatchObject({ overall: "low", assessor: "bob.rev" });
    expect(draft.pending.map((r) => [r.actor, r.kind, r.table, r.entryId, r.why])).toEqual([
      ["ann.rev", "add", "sources", LOOP_SOURCE.id, "source of the trial being extracted"],
      ["ann.rev", "add", "trials", LOOP_STUDY, why],
      ["ann.rev", "replace", "trials", LOOP_STUDY, `${why}; again`],
    ]);

    // nothing reaches the clinician before publishing
    const still = (await clinician.req("GET", `/api/patients/${exampleA.id}/assessment`)).body as { assessment: { therapies: Record<string, TherapyView> } };
    expect(still.assessment.therapies.prednisolone!.evidence.bestEstimate).toContain("Tang 2013");

    const diff = (await ann.req("GET", "/api/evidence/draft/diff")).body as { publishable: boolean; problems: unknown[]; affected: Array<{ pseudonymId: string; therapy: string; kind: string; after: string }> };
    expect(diff.problems).toEqual([]);
    expect(diff.publishable).toBe(true);
    const hit = diff.affected.filter((c) => c.therapy === "prednisolone");
    expect(hit.length).toBeGreaterThan(0);
    expect(hit[0]).toMatchObject({ kind: "evidence", after: expect.stringContaining("Loop fixture 2026") });

    const pub = await ann.req("POST", "/api/evidence/publish", { note: "loop fixture trial added", expectedRevision: draft.lastRevision });
    expect(pub.status).toBe(201);
    expect((pub.body as { version: { number: number } }).version.number).toBe(2);

    const after = (await clinician.req("GET", `/api/patients/${exampleA.id}/assessment`)).body as { assessment: { evidenceVersion: { number: number; label: string }; therapies: Record<string, TherapyView> } };
    expect(after.assessment.evidenceVersion).toMatchObject({ number: 2, label: "evidence v2, published 2026-12-03" });
    const pred = after.assessment.therapies.prednisolone!.evidence;
    expect(pred.bestEstimate).toContain("Loop fixture 2026");
    const notices = (await clinician.req("GET", `/api/evidence/notices?patient=${exampleA.id}`)).body as { version: { number: number }; changes: Array<{ therapy: string; text: string }> };
    expect(notices.version.number).toBe(2);
    expect(notices.changes.some((c) => c.therapy === "prednisolone" && c.text.includes("Loop fixture 2026"))).toBe(true);

    // the SoF table rests on v2, says so in every format, and its risk-of-bias domain reads the trial's RoB 2
    const sof = (await clinician.req("GET", "/api/evidence/therapies/prednisolone/sof")).body as { table: SofTable; evidenceVersion: string };
    expect(sof.evidenceVersion).toBe("evidence v2, published 2026-12-03");
    const lb = sof.table.outcomes.find((o) => o.outcome === "live-birth")!;
    const robTrials = lb.certainty!.domains.riskOfBias.trials;
    expect(robTrials.find((t) => t.label === "Loop fixture 2026")).toMatchObject({ tool: "RoB 2", judgement: "low", basis: expect.stringContaining("bob.rev") });
    const csv = await clinician.req("GET", "/api/evidence/therapies/prednisolone/sof.csv");
    const [head, row1] = csv.text.split("\r\n");
    expect(head!.split(",").at(-1)).toBe("evidence_version");
    expect(row1!.endsWith('"evidence v2, published 2026-12-03"')).toBe(true);
    const docx = await fetch(`${srv.base}/api/evidence/therapies/prednisolone/sof.docx`, { headers: { cookie: [...clinician.cookies].map(([k, v]) => `${k}=${v}`).join("; ") } });
    const xml = await (await JSZip.loadAsync(new Uint8Array(await docx.arrayBuffer()))).file("word/document.xml")!.async("string");
    expect(xml).toContain("Computed from evidence v2, published 2026-12-03.");
  });

  it("a stored RoB 2 of a trial already in the base goes into the draft as one revision (\"use this RoB in the draft\")", async () => {
    const path = "/api/rob/assessments/rob2/dashti-2025/into-draft";
    expect((await ann.req("POST", path, { outcome: "live-birth-ana-pos", why: "RoB 2 of the ANA-positive result" })).status).toBe(404);
    const answers = { ...LOOP_ROB2, D5: { "5.1": "NI", "5.2": "N", "5.3": "N" } };
    expect((await ann.req("POST", "/api/rob/assessments", { tool: "rob2", assessment: { study: "dashti-2025", outcome: "live-birth-ana-pos", answers } })).status).toBe(201);
    expect((await clinician.req("POST", path, { outcome: "live-birth-ana-pos", why: "not a reviewer" })).status).toBe(403);
    expect((await ann.req("POST", "/api/rob/assessments/rob2/nobody-2020/into-draft", { outcome: "x", why: "no such trial" })).status).toBe(404);
    const r = await ann.req("POST", path, { outcome: "live-birth-ana-pos", why: "RoB 2 of the ANA-positive result" });
    expect(r.status).toBe(200);
    expect((r.body as { rob2: { outcome: string; overall: string } }).rob2).toMatchObject({ outcome: "live-birth-ana-pos", overall: "some concerns" });
    const draft = ((await ann.req("GET", "/api/evidence/draft")).body as { draft: Draft }).draft;
    expect(draft.content.trials.find((t) => t.id === "dashti-2025")?.rob2).toMatchObject({ outcome: "live-birth-ana-pos", overall: "some concerns", assessor: "ann.rev" });
    expect(draft.pending.at(-1)).toMatchObject({ actor: "ann.rev", kind: "replace", table: "trials", entryId: "dashti-2025", why: "RoB 2 of the ANA-positive result" });
    expect(((await ann.req("GET", "/api/evidence/draft/diff")).body as { problems: unknown[] }).problems).toEqual([]);
  });
});
