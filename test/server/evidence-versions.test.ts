/**
 * Issue 11 on a real server, both engines: a reviewer changes the draft (each change a revision with its reason),
 * sees the diff and the patients whose verdicts would change, cannot publish a draft that fails the checks (400
 * naming file, entry and field), publishes; the server switches to the new version without a restart, assessments
 * and plans name it, clinicians see the notice, and nothing reached them before publishing. All audited.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FastifyInstance } from "fastify";
import { buildServer } from "../../src/server/app.js";
import { ADMIN_PASSWORD, Client, errorOf, startServer, userClient, type TestServer } from "./helpers.js";

interface Summary { id: string; displayName: string | null; pseudonymId: string }
type Entry = Record<string, unknown> & { id: string; outcomes: Array<Record<string, unknown>> };
interface Affected { patientId?: string; displayName?: string | null; pseudonymId: string; therapy: string; kind: string; before: string; after: string; text: string }

describe.each(["sqlite", "postgres"] as const)("living evidence on %s", (engine) => {
  let srv: TestServer;
  let admin: Client;
  let reviewer: Client;
  let clinician: Client;
  let patients: Summary[];
  let tang: Entry;
  let other: FastifyInstance;

  beforeAll(async () => {
    srv = await startServer(engine, { seed: true }, () => new Date("2026-12-03T10:00:00Z"));
    admin = new Client(srv.base);
    await admin.login("admin", ADMIN_PASSWORD);
    reviewer = await userClient(srv.base, admin, "rev.one", "reviewer");
    clinician = await userClient(srv.base, admin, "dr.ev", "clinician");
    patients = ((await clinician.req("GET", "/api/patients")).body as { patients: Summary[] }).patients;
    const draft = (await reviewer.req("GET", "/api/evidence/draft")).body as { draft: { content: { trials: Entry[] }; baseVersion: number; lastRevision: number } };
    expect(draft.draft.baseVersion).toBe(1);
    tang = structuredClone(draft.draft.content.trials.find((t) => t.id === "tang-2013")!);
    // a second server process on the same database
    other = await buildServer({ db: srv.config, adminPassword: ADMIN_PASSWORD, cookieSecret: "test-cookie-secret-0123456789abcdef", scryptLogN: 10, seed: false });
  });
  afterAll(async () => {
    await other.close();
    await srv.close();
  });

  it("the seeded base is v1, and assessments name it", async () => {
    const v = (await clinician.req("GET", "/api/evidence/versions")).body as { current: { number: number; label: string; contentHash: string }; versions: Array<{ number: number }> };
    expect(v.current.number).toBe(1);
    expect(v.current.label).toBe("evidence v1, published 2026-12-03");
    expect(v.current.contentHash).toMatch(/^[0-9a-f]{64}$/);
    const a = (await clinician.req("GET", `/api/patients/${patients[0]!.id}/assessment`)).body as { assessment: { evidenceVersion: { number: number; label: string; contentHash: string }; patientSummary: string[] } };
    expect(a.assessment.evidenceVersion).toMatchObject({ number: 1, label: "evidence v1, published 2026-12-03" });
    expect(a.assessment.patientSummary.at(-1)).toContain("evidence v1, published 2026-12-03");
    // a researcher learns the version by number only (its publication date would give the patient's day 0 away)
    const researcher = await userClient(srv.base, admin, "res.ev", "researcher");
    const r = (await researcher.req("GET", `/api/patients/${patients[0]!.id}/assessment`)).body as { assessment: { evidenceVersion: Record<string, unknown> } };
    expect(r.assessment.evidenceVersion).toEqual({ number: 1, contentHash: a.assessment.evidenceVersion.contentHash, label: "evidence v1" });
  });

  it("reviewers see no patient and clinicians cannot change the draft", async () => {
    expect((await reviewer.req("GET", "/api/patients")).status).toBe(403);
    expect((await reviewer.req("GET", `/api/patients/${patients[0]!.id}/assessment`)).status).toBe(403);
    const r = await clinician.req("PUT", "/api/evidence/draft/trials/tang-2013", { why: "counts", entry: tang });
    expect(r.status).toBe(403);
    expect((await clinician.req("GET", "/api/evidence/draft")).status).toBe(403);
  });

  it("a change needs a reason, a valid entry and the current revision", async () => {
    expect(errorOf(await reviewer.req("PUT", "/api/evidence/draft/trials/tang-2013", { why: "", entry: tang })).field).toBe("why");
    const bad = await reviewer.req("PUT", "/api/evidence/draft/trials/tang-2013", { why: "negative count", entry: { ...tang, year: 1800 } });
    expect(bad.status).toBe(400);
    expect(errorOf(bad).message).toMatch(/trials\.json, entry tang-2013, field year/);
    expect((await reviewer.req("PUT", "/api/evidence/draft/trials/tang-2013", { why: "stale", entry: tang, expectedRevision: 99 })).status).toBe(409);
    expect((await reviewer.req("PUT", "/api/evidence/draft/trials/nobody-2020", { why: "no such", entry: { ...tang, id: "nobody-2020" } })).status).toBe(404); // replace needs an entry: 404 lets a client fall back to POST
  });

  it("revisions, the diff and the affected patients before publishing; clinicians' verdicts unchanged", async () => {
    // Tang 2013 reports 12/20 vs 8/20 live births (RR 1.50); a test correction of the treated arm to 14/20 (RR 1.75)
    const filled = structuredClone(tang);
    expect(filled.outcomes[0]).toMatchObject({ id: "live-birth", events_t: 12, total_t: 20, events_c: 8, total_c: 20 });
    Object.assign(filled.outcomes[0]!, { events_t: 14 });
    const r = await reviewer.req("PUT", "/api/evidence/draft/trials/tang-2013", { why: "test fixture: a corrected count", entry: filled, expectedRevision: 0 });
    expect(r.status).toBe(200);
    expect((r.body as { lastRevision: number }).lastRevision).toBe(1);

    const d = (await reviewer.req("GET", "/api/evidence/draft/diff")).body as {
      publishable: boolean;
      diff: { tables: { trials: { changed: Array<{ id: string; aspects: string[]; fields: Array<{ path: string; before: unknown; after: unknown }> }> } }; sof: Array<{ therapy: string; before: unknown; after: { basis: string } | null }> };
      affected: Affected[];
      draft: { lastRevision: number; pending: number };
    };
    expect(d.publishable).toBe(true);
    expect(d.draft).toMatchObject({ lastRevision: 1, pending: 1 });
    const t = d.diff.tables.trials.changed.find((c) => c.id === "tang-2013")!;
    expect(t.aspects).toContain("counts");
    expect(t.fields).toEqual([{ path: "outcomes[live-birth].events_t", before: 12, after: 14 }]);
    const sof = d.diff.sof.find((s) => s.therapy === "prednisolone")!;
    expect(JSON.stringify(sof.before)).toMatch(/RR 1\.50/);
    expect(JSON.stringify(sof.after)).toMatch(/RR 1\.75/);
    expect(sof.after?.basis).toMatch(/Tang 2013/);
    const pred = d.affected.filter((a) => a.therapy === "prednisolone");
    expect(pred.length).toBe(patients.length);
    expect(pred[0]).toMatchObject({ kind: "evidence" });
    expect(pred[0]!.before).toMatch(/1\.50/);
    expect(pred[0]!.after).toMatch(/Tang 2013.*1\.75/s);
    // the reviewer sees pseudonym ids, never names or record ids
    expect(pred.every((a) => a.displayName === undefined && a.patientId === undefined && /^P-/.test(a.pseudonymId))).toBe(true);

    const a = (await clinician.req("GET", `/api/patients/${patients[0]!.id}/assessment`)).body as { assessment: { evidenceVersion: { number: number }; therapies: { prednisolone: { evidence: { bestEstimate?: string } } } } };
    expect(a.assessment.evidenceVersion.number).toBe(1);
    expect(a.assessment.therapies.prednisolone.evidence.bestEstimate ?? "").toMatch(/1\.50/);
  });

  it("a draft failing the cross-file checks is not published (400 naming file, entry, field); nothing written", async () => {
    const orphan = { ...structuredClone(tang), id: "orphan-2026", label: "Orphan 2026", source: "no-such-source" };
    expect((await reviewer.req("POST", "/api/evidence/draft/trials", { why: "a trial whose source is missing", entry: orphan })).status).toBe(201);
    const refused = await reviewer.req("POST", "/api/evidence/publish", { note: "should fail", expectedRevision: 2 });
    expect(refused.status).toBe(400);
    expect(errorOf(refused).message).toMatch(/trials\.json: entry orphan-2026.*no-such-source/s);
    expect(errorOf(refused).field).toMatch(/^orphan-2026/);
    expect(((await reviewer.req("GET", "/api/evidence/versions")).body as { versions: unknown[] }).versions).toHaveLength(1);
    expect((await reviewer.req("DELETE", "/api/evidence/draft/trials/orphan-2026", { why: "source not yet entered" })).status).toBe(200);
  });

  it("publishing creates v2 in one step; the server switches; plans, assessments and notices name it", async () => {
    expect((await reviewer.req("POST", "/api/evidence/publish", { note: "Tang 2013 counts", expectedRevision: 1 })).status).toBe(409);
    const p = await reviewer.req("POST", "/api/evidence/publish", { note: "Tang 2013 counts", expectedRevision: 3 });
    expect(p.status).toBe(201);
    const v = (p.body as { version: { number: number; label: string; verdictChanges: number } }).version;
    expect(v).toMatchObject({ number: 2, label: "evidence v2, published 2026-12-03" });
    expect(v.verdictChanges).toBeGreaterThanOrEqual(patients.length);
    expect((await reviewer.req("POST", "/api/evidence/publish", { note: "again", expectedRevision: 3 })).status).toBe(400); // nothing changed

    const a = (await clinician.req("GET", `/api/patients/${patients[0]!.id}/assessment`)).body as { assessment: { evidenceVersion: { number: number; label: string }; patientSummary: string[]; therapies: { prednisolone: { evidence: { bestEstimate?: string } } } } };
    expect(a.assessment.evidenceVersion.label).toBe("evidence v2, published 2026-12-03");
    expect(a.assessment.patientSummary.join(" ")).toContain("evidence v2, published 2026-12-03");
    expect(a.assessment.therapies.prednisolone.evidence.bestEstimate).toMatch(/Tang 2013.*1\.75/s);
    const ev = (await clinician.req("GET", "/api/evidence/therapies/prednisolone")).body as { evidence: { summary: { basis: string } | null } };
    expect(ev.evidence.summary?.basis).toMatch(/Tang 2013/);
    const plan = (await clinician.req("POST", `/api/patients/${patients[0]!.id}/plan`, { therapy: "lit", startDate: "2026-12-10" })).body as { plan: { evidenceVersion: { number: number } } };
    expect(plan.plan.evidenceVersion.number).toBe(2);
    const kept = await clinician.req("POST", `/api/patients/${patients[0]!.id}/plans`, { therapy: "lit", startDate: "2026-12-10", overrideReason: "test of the kept plan's evidence version" });
    expect(kept.status).toBe(201);
    expect((kept.body as { plan: { plan: { evidenceVersion: { label: string } } } }).plan.plan.evidenceVersion.label).toBe("evidence v2, published 2026-12-03");

    const n = (await clinician.req("GET", `/api/evidence/notices?patient=${patients[0]!.id}`)).body as { version: { label: string }; changes: Array<{ therapy: string; text: string }> };
    expect(n.version.label).toBe("evidence v2, published 2026-12-03");
    expect(n.changes.find((c) => c.therapy === "prednisolone")?.text).toMatch(/^Prednisolone evidence: .* → .*Tang 2013/);
    expect((await reviewer.req("GET", "/api/evidence/notices")).status).toBe(403);

    const diff = (await clinician.req("GET", "/api/evidence/diff?from=1&to=2")).body as { from: { number: number }; to: { number: number }; diff: { same: boolean }; affected: Affected[] };
    expect(diff.from.number).toBe(1);
    expect(diff.diff.same).toBe(false);
    expect(diff.affected.find((x) => x.therapy === "prednisolone")?.displayName).toBe(patients.find((x) => x.pseudonymId === diff.affected[0]!.pseudonymId)?.displayName);
    const versions = (await reviewer.req("GET", "/api/evidence/versions")).body as { versions: Array<{ number: number; publishedBy: string; note: string }> };
    expect(versions.versions.map((x) => [x.number, x.publishedBy])).toEqual([[2, "rev.one"], [1, "seed"]]);

    // the other process picks the new version up at its next check
    expect(other.core.evidenceVersion()?.number).toBe(1);
    await other.core.refreshEvidence(other.store, Date.now() + 60_000);
    expect(other.core.evidenceVersion()?.number).toBe(2);

    const audit = (await admin.req("GET", "/api/audit?limit=200")).body as { entries: Array<{ action: string; username: string | null }> };
    const actions = audit.entries.filter((e) => e.username === "rev.one").map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(["evidence.revise", "evidence.publish", "evidence.impact"]));
  });
});
