/**
 * A reviewer imports a RevMan 5 review into the evidence draft (issue 11 §7), both engines: Fleiss 1993 (aspirin
 * after myocardial infarction, from R's meta package) becomes one source and twelve trials (seven with counts), each a revision of one
 * transaction with who and why; a file that is not a RevMan review, or one whose ids clash with the draft, is a 400
 * naming the file and element, and the draft is untouched; clinicians cannot import.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_PASSWORD, Client, errorOf, startServer, userClient, type TestServer } from "./helpers.js";

const FLEISS = readFileSync("test/stats/fixtures/revman/fleiss1993-aspirin.rm5").toString("base64");
const CITATION = "Fleiss JL. The statistical basis of meta-analysis. Stat Methods Med Res 1993;2:121-145";
interface Draft { content: { trials: Array<{ id: string; source: string; outcomes: Array<{ events_t: number | null }> }>; sources: Array<{ id: string }> }; lastRevision: number; pending: Array<{ actor: string; why: string; table: string; kind: string }> }

describe.each(["sqlite", "postgres"] as const)("RevMan 5 import into the draft on %s", (engine) => {
  let srv: TestServer;
  let reviewer: Client;
  let clinician: Client;
  const draft = async (): Promise<Draft> => ((await reviewer.req("GET", "/api/evidence/draft")).body as { draft: Draft }).draft;
  const body = (over: Record<string, unknown> = {}) => ({ file: { name: "fleiss1993-aspirin.rm5", contentBase64: FLEISS }, therapy: "lmwh-aspirin", citation: CITATION, sourceId: "fleiss-1993-review", idPrefix: "fleiss", outcomeKinds: { "CMP-001.01": "adverse-reaction" }, why: "aspirin trials from the Fleiss 1993 review", ...over });

  beforeAll(async () => {
    srv = await startServer(engine);
    const admin = new Client(srv.base);
    await admin.login("admin", ADMIN_PASSWORD);
    reviewer = await userClient(srv.base, admin, "rev.rm5", "reviewer");
    clinician = await userClient(srv.base, admin, "cli.rm5", "clinician");
  });
  afterAll(async () => srv.close());

  it("a file that is not a RevMan review is refused naming the element; nothing is written", async () => {
    const before = await draft();
    const bad = await reviewer.req("POST", "/api/evidence/draft/import/rm5", body({ file: { name: "bad.rm5", contentBase64: Buffer.from('<?xml version="1.0"?><REVIEW/>').toString("base64") } }));
    expect(bad.status).toBe(400);
    expect(errorOf(bad).message).toMatch(/bad\.rm5.*COCHRANE_REVIEW/);
    expect((await clinician.req("POST", "/api/evidence/draft/import/rm5", body())).status).toBe(403);
    expect((await draft()).lastRevision).toBe(before.lastRevision);
  });

  it("imports the source and every study as revisions of one transaction; a second import clashes and changes nothing", async () => {
    const before = await draft();
    const r = await reviewer.req("POST", "/api/evidence/draft/import/rm5", body());
    expect(r.status).toBe(201);
    const out = r.body as { sources: string[]; trials: Array<{ id: string; outcomes: number }>; revisions: Array<{ id: number }>; lastRevision: number };
    expect(out.sources).toEqual(["fleiss-1993-review"]);
    // the file lists 12 included studies; 7 of them have dichotomous data (DICH_DATA)
    expect(out.trials.length).toBe(12);
    expect(out.revisions).toHaveLength(1 + out.trials.length);
    const after = await draft();
    expect(after.lastRevision).toBe(before.lastRevision + 1 + out.trials.length);
    const mine = after.pending.slice(-(1 + out.trials.length));
    expect(mine.map((p) => [p.actor, p.kind, p.table])).toEqual([["rev.rm5", "add", "sources"], ...out.trials.map(() => ["rev.rm5", "add", "trials"])]);
    expect(new Set(mine.map((p) => p.why))).toEqual(new Set(["aspirin trials from the Fleiss 1993 review"]));
    const trials = after.content.trials.filter((t) => t.source === "fleiss-1993-review");
    expect(trials.map((t) => t.id).sort()).toEqual(out.trials.map((t) => t.id).sort());
    expect(trials.filter((t) => t.outcomes.some((o) => o.events_t !== null)).length).toBe(7);
    expect((r.body as { skipped: Array<{ element: string }> }).skipped.map((x) => x.element)).toEqual(["CONT_OUTCOME CMP-001.02"]);
    // the draft with the import still passes the publication checks
    expect(((await reviewer.req("GET", "/api/evidence/draft/diff")).body as { problems: unknown[] }).problems).toEqual([]);

    const again = await reviewer.req("POST", "/api/evidence/draft/import/rm5", body());
    expect(again.status).toBe(400);
    expect(errorOf(again).message).toMatch(/duplicate id/);
    expect((await draft()).lastRevision).toBe(after.lastRevision);
  });
});
