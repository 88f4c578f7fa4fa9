/**
 * ROBINS-I from the extraction store to the published base and back to data/ (issue 11 §5), both engines: a
 * reviewer's stored ROBINS-I of a non-randomised study goes into the draft as the entry's `robinsI` (RoB 2's route is
 * refused for it, and ROBINS-I's for a randomised trial), is published, and `decidua evidence export` writes it back
 * unchanged in a base that `decidua evidence validate` accepts. The reconciled entry of a non-randomised study
 * (`trialEntryForDraft`) carries its stored ROBINS-I the same way.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { trialEntryForDraft } from "../../src/app/extraction.js";
import { main } from "../../src/cli/main.js";
import { loadDefaultEvidenceBase } from "../../src/evidence/load.js";
import { assessRobinsI } from "../../src/evidence/robins-i.js";
import type { EvidenceTrial } from "../../src/evidence/schema.js";
import type { ExtractionStore, StoredRobAssessment } from "../../src/store/extraction.js";
import { ROBINS_ANSWERS, ROBINS_STUDY } from "../support/robins-fixture.js";
import { ADMIN_PASSWORD, Client, startServer, userClient, type TestServer } from "./helpers.js";

interface Field { tool: string; outcome: string; overall: string; assessor: string; judgements: Record<string, string> }

describe.each(["sqlite", "postgres"] as const)("ROBINS-I into the draft, published and exported on %s", (engine) => {
  let srv: TestServer;
  let ann: Client;

  beforeAll(async () => {
    srv = await startServer(engine, { seed: true }, () => new Date("2026-12-03T10:00:00Z"));
    const admin = new Client(srv.base);
    await admin.login("admin", ADMIN_PASSWORD);
    ann = await userClient(srv.base, admin, "ann.rev", "reviewer");
  });
  afterAll(async () => srv.close());

  it("stored ROBINS-I → draft entry's robinsI → published → exported and validated", async () => {
    const why = "ROBINS-I of the non-randomised IVIG study";
    expect((await ann.req("POST", "/api/rob/assessments", { tool: "robins-i", assessment: { study: ROBINS_STUDY, outcome: "live-birth", answers: ROBINS_ANSWERS } })).status).toBe(201);
    const asRob2 = await ann.req("POST", `/api/rob/assessments/rob2/${ROBINS_STUDY}/into-draft`, { outcome: "live-birth", why });
    expect(asRob2.status).toBe(400);
    expect(asRob2.text).toMatch(/non-randomised study: use ROBINS-I/);
    expect((await ann.req("POST", "/api/rob/assessments/robins-i/tang-2013/into-draft", { outcome: "live-birth", why })).status).toBe(400);
    const r = await ann.req("POST", `/api/rob/assessments/robins-i/${ROBINS_STUDY}/into-draft`, { outcome: "live-birth", why });
    expect(r.status).toBe(200);
    const field = (r.body as { robinsI: Field }).robinsI;
    expect(field).toMatchObject({ tool: "ROBINS-I", outcome: "live-birth", overall: "serious", assessor: "ann.rev", judgements: { D1: "serious", D7: "low" } });
    const diff = (await ann.req("GET", "/api/evidence/draft/diff")).body as { problems: unknown[]; draft: { lastRevision: number }; diff: { tables: { trials: { changed: Array<{ id: string; aspects: string[] }> } } } };
    expect(diff.problems).toEqual([]);
    expect(diff.diff.tables.trials.changed).toEqual([expect.objectContaining({ id: ROBINS_STUDY, aspects: ["rob"] })]);
    expect((await ann.req("POST", "/api/evidence/publish", { note: "ROBINS-I of Jafarzadeh 2019", expectedRevision: diff.draft.lastRevision })).status).toBe(201);

    const url = srv.config.engine === "sqlite" ? srv.config.file : srv.config.url;
    const dir = mkdtempSync(join(tmpdir(), "decidua-robins-export-"));
    const err: string[] = [];
    expect(await main(["evidence", "export", dir, "--db", url], { out: () => undefined, err: (t) => err.push(t) })).toBe(0);
    expect(await main(["evidence", "validate", dir], { out: () => undefined, err: (t) => err.push(t) })).toBe(0);
    expect(err).toEqual([]);
    const trials = JSON.parse(readFileSync(join(dir, "trials.json"), "utf8")) as EvidenceTrial[] | { trials: EvidenceTrial[] };
    const exported = (Array.isArray(trials) ? trials : trials.trials).find((t) => t.id === ROBINS_STUDY)!;
    expect(exported.robinsI).toEqual(field);
  });
});

describe("trialEntryForDraft of a non-randomised study", () => {
  const study = loadDefaultEvidenceBase().trials.find((t) => t.id === ROBINS_STUDY)!;
  const entry: EvidenceTrial = { ...study };
  delete entry.robinsI;
  const input = { study: ROBINS_STUDY, outcome: "live birth", answers: ROBINS_ANSWERS };
  const result = assessRobinsI(input);
  const stored: StoredRobAssessment = { id: "r1", study: ROBINS_STUDY, outcome: "live birth", tool: "robins-i", version: 1, input, result, overallAlgorithm: result.overall.algorithm, overallFinal: result.overall.final, assessor: "bob.rev", assessedAt: "2026-12-03T10:00:00.000Z" };
  const fake = (rob: StoredRobAssessment[]): ExtractionStore =>
    ({ reconciledTrialEntry: async () => entry, currentRob: async (tool: string) => rob.filter((a) => a.tool === tool) }) as unknown as ExtractionStore;

  it("carries the stored ROBINS-I (not RoB 2) in robinsI, or says it stays not assessed", async () => {
    const got = await trialEntryForDraft(fake([stored]), ROBINS_STUDY);
    expect(got.entry.rob2).toBeUndefined();
    expect(got.entry.robinsI).toMatchObject({ tool: "ROBINS-I", outcome: "live-birth", overall: "serious", assessor: "bob.rev" });
    expect(got.rob).toEqual({ used: { tool: "robins-i", outcome: "live-birth", version: 1, assessor: "bob.rev", assessedAt: stored.assessedAt, overall: "serious" }, note: "ROBINS-I v1 by bob.rev (2026-12-03) for outcome live-birth: serious" });
    const none = await trialEntryForDraft(fake([{ ...stored, tool: "rob2" }]), ROBINS_STUDY);
    expect(none.entry.robinsI).toBeUndefined();
    expect(none.rob).toEqual({ used: null, note: "no ROBINS-I assessment of this study is stored: risk of bias stays not assessed" });
  });
});
