/**
 * Issue 11, gap B on a real server, both engines: a published version can change a verdict's STATUS, not only its
 * evidence text. A reviewer withdraws the verified mark of ESHRE 2017's position on heparin + aspirin in APS with 3
 * or more losses and publishes: the stored APS patient's verdict goes from recommended to protocol-eligible (saying
 * why), the publication's verdict changes and the diff list that patient; restoring the mark and publishing again
 * flips it back, listed the same way.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_PASSWORD, Client, startServer, userClient, type TestServer } from "./helpers.js";

type Guideline = Record<string, unknown> & { id: string; verified: boolean };
interface Affected { patientId?: string; therapy: string; kind: string; before: string; after: string; text: string }
interface TherapyView { status: string; reasonKind: string; reasons: string[] }

const POSITION = "eshre-2017-aps-lda-heparin";

describe.each(["sqlite", "postgres"] as const)("a published guideline position changes a verdict's status on %s", (engine) => {
  let srv: TestServer;
  let reviewer: Client;
  let clinician: Client;
  let patientId: string;
  let verified: Guideline;

  beforeAll(async () => {
    srv = await startServer(engine, { seed: true }, () => new Date("2026-12-03T10:00:00Z"));
    const admin = new Client(srv.base);
    await admin.login("admin", ADMIN_PASSWORD);
    reviewer = await userClient(srv.base, admin, "rev.gs", "reviewer");
    clinician = await userClient(srv.base, admin, "dr.gs", "clinician");
    const record = JSON.parse(readFileSync("examples/patients/vignettes/v07-aps-three-losses.json", "utf8")) as Record<string, unknown>;
    delete record.$schema;
    const created = await clinician.req("POST", "/api/patients", { displayName: "APS Three Losses", dateOfBirth: "1991-06-01", record });
    expect(created.status).toBe(201);
    patientId = (created.body as { patient: { id: string } }).patient.id;
    const draft = (await reviewer.req("GET", "/api/evidence/draft")).body as { draft: { content: { guidelines: Guideline[] } } };
    verified = structuredClone(draft.draft.content.guidelines.find((g) => g.id === POSITION)!);
    expect(verified.verified).toBe(true);
  });
  afterAll(async () => {
    await srv.close();
  });

  const lmwh = async (): Promise<TherapyView> => ((await clinician.req("GET", `/api/patients/${patientId}/assessment`)).body as { assessment: { therapies: Record<string, TherapyView> } }).assessment.therapies["lmwh-aspirin"]!;
  const publish = async (entry: Guideline, why: string): Promise<{ number: number; verdictChanges: number }> => {
    const r = await reviewer.req("PUT", `/api/evidence/draft/guidelines/${POSITION}`, { why, entry });
    expect(r.status, r.text).toBe(200);
    const rev = (r.body as { lastRevision: number }).lastRevision;
    const p = await reviewer.req("POST", "/api/evidence/publish", { note: why, expectedRevision: rev });
    expect(p.status, p.text).toBe(201);
    return (p.body as { version: { number: number; verdictChanges: number } }).version;
  };
  const statusChanges = async (from: number, to: number): Promise<Affected[]> => {
    const d = (await clinician.req("GET", `/api/evidence/diff?from=${from}&to=${to}`)).body as { affected: Affected[] };
    return d.affected.filter((a) => a.patientId === patientId && a.therapy === "lmwh-aspirin" && a.kind === "status");
  };

  it("v1 (the seeded base): recommended on the verified ESHRE 2017 position", async () => {
    expect(await lmwh()).toMatchObject({ status: "recommended", reasonKind: "guideline-supported" });
  });

  it("publishing the position as unverified makes the patient protocol-eligible, and the version's verdict changes list her", async () => {
    const { verification: _v, ...rest } = verified;
    const v2 = await publish({ ...rest, verified: false, unverifiedNote: "test: the mark is withdrawn until a reviewer reads the guideline again" }, "test: verified mark withdrawn");
    expect(v2.number).toBe(2);
    expect(v2.verdictChanges).toBeGreaterThanOrEqual(1);
    const after = await lmwh();
    expect(after).toMatchObject({ status: "protocol-eligible", reasonKind: "criteria-met" });
    expect(after.reasons.join(" ")).toMatch(/not verified against the guideline text, so they do not raise the status/);
    const changes = await statusChanges(1, 2);
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({ before: "recommended", after: "protocol-eligible" });
  });

  it("publishing the verified position again makes her recommended again, listed the same way", async () => {
    const v3 = await publish(verified, "test: verified mark restored");
    expect(v3.number).toBe(3);
    expect(await lmwh()).toMatchObject({ status: "recommended", reasonKind: "guideline-supported" });
    const changes = await statusChanges(2, 3);
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({ before: "protocol-eligible", after: "recommended" });
  });
});
