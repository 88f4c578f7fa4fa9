// Extraction and RoB tables on both engines: blinded dual extraction, one reconciliation per study with a row per
// resolved disagreement, the reconciled trial entry, RoB 2 / ROBINS-I versions with override reasons, audit entries,
// append-only rows, backups that carry the new tables.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "kysely";
import { Store, ConflictError, backupStore, restoreStore } from "../../src/store/index.js";
import { ExtractionStore } from "../../src/store/extraction.js";
import { reconcileStudy, reconciledTrialEntry, robPlotFromStore, saveExtraction, saveRobAssessment, studyDisagreements } from "../../src/app/extraction.js";
import { InputError } from "../../src/shared/errors.js";
import { DASHTI_A, DASHTI_B } from "../evidence/fixtures/dashti-2025-extraction.js";
import { createTestDb, ENGINES, type TestDb } from "./engines.js";

const actor = (u: string) => ({ username: u, route: "test" });
const META = { therapy: "lit" as const, label: "Dashti 2025", year: 2025, comparison: "LIT vs routine treatment, ANA-positive RPL" };
const ROB2_LOW = { D1: { "1.1": "Y", "1.2": "Y", "1.3": "N" }, D2: { "2.1": "N", "2.2": "N", "2.6": "Y" }, D3: { "3.1": "Y" }, D4: { "4.1": "N", "4.2": "N", "4.3": "N" }, D5: { "5.1": "Y", "5.2": "N", "5.3": "N" } } as const;

describe.each(ENGINES)("extraction store on %s", (engine) => {
  let tdb: TestDb;
  let store: Store;
  let es: ExtractionStore;
  let ann: string;
  let bob: string;
  let cem: string;

  beforeAll(async () => {
    tdb = await createTestDb(engine);
    store = await Store.open(tdb.config, { scryptLogN: 10 });
    es = new ExtractionStore(store, () => new Date("2026-12-01T10:00:00Z"));
    ann = (await store.createUser({ username: "ann", displayName: "Ann", role: "reviewer", password: "password-ann-1" })).id;
    bob = (await store.createUser({ username: "bob", displayName: "Bob", role: "reviewer", password: "password-bob-1" })).id;
    cem = (await store.createUser({ username: "cem", displayName: "Cem", role: "reviewer", password: "password-cem-1" })).id;
  });
  afterAll(async () => {
    await store.close();
    await tdb.drop();
  });

  it("blinding: each reviewer sees only their own extraction until both are submitted; a third extractor is refused", async () => {
    await saveExtraction(es, "dashti-2025", ann, { ...DASHTI_A, notes: "draft" }, false, actor("ann"));
    await saveExtraction(es, "dashti-2025", bob, DASHTI_B, false, actor("bob"));
    await expect(saveExtraction(es, "dashti-2025", cem, DASHTI_A, false, actor("cem"))).rejects.toBeInstanceOf(ConflictError);
    let view = await es.visibleTo("dashti-2025", ann);
    expect(view.extractions.map((e) => [e.reviewer, e.status, e.blinded])).toEqual([["ann", "draft", false], ["bob", "draft", true]]);
    expect(view.extractions[1]!.content).toBeNull();
    await expect(studyDisagreements(es, "dashti-2025")).rejects.toBeInstanceOf(ConflictError);
    // a submission is checked in full; nothing is written when it fails
    await expect(saveExtraction(es, "dashti-2025", ann, { ...DASHTI_A, population: { ...DASHTI_A.population, enrolled: -1 } }, true, actor("ann"))).rejects.toBeInstanceOf(InputError);
    expect((await es.all("dashti-2025"))[0]).toMatchObject({ status: "draft", version: 1 });
    await saveExtraction(es, "dashti-2025", ann, DASHTI_A, true, actor("ann"));
    await expect(saveExtraction(es, "dashti-2025", ann, DASHTI_A, false, actor("ann"))).rejects.toThrow(/submitted/);
    view = await es.visibleTo("dashti-2025", ann);
    expect(view.extractions[1]!.blinded).toBe(true);
    await saveExtraction(es, "dashti-2025", bob, DASHTI_B, true, actor("bob"));
    view = await es.visibleTo("dashti-2025", ann);
    expect(view.extractions.map((e) => e.blinded)).toEqual([false, false]);
    expect(await es.studies()).toEqual([{ study: "dashti-2025", extractions: [{ reviewer: "ann", status: "submitted" }, { reviewer: "bob", status: "submitted" }], reconciled: false }]);
  });

  it("the disagreement side by side, the reconciliation with its record, the trial entry; reconciled once, then fixed", async () => {
    const cmp = await studyDisagreements(es, "dashti-2025");
    expect(cmp).toEqual({ study: "dashti-2025", reviewerA: "ann", reviewerB: "bob", disagreements: [{ path: "population.enrolled", a: 84, b: 198 }] });
    await expect(reconcileStudy(es, "dashti-2025", [], META, actor("cem"))).rejects.toBeInstanceOf(InputError);
    const rec = await reconcileStudy(es, "dashti-2025", [{ path: "population.enrolled", choice: "a", reason: "the comparison is the ANA-positive stratum" }], META, actor("cem"));
    expect(rec).toMatchObject({ reviewerA: "ann", reviewerB: "bob", reconciledBy: "cem", resolutions: [{ path: "population.enrolled", a: 84, b: 198, choice: "a", value: 84, reason: "the comparison is the ANA-positive stratum" }] });
    expect(rec.agreed.population.enrolled).toBe(84);
    const entry = await reconciledTrialEntry(es, "dashti-2025");
    expect(entry).toMatchObject({ id: "dashti-2025", label: "Dashti 2025", population: expect.stringContaining("84 enrolled") });
    await expect(reconcileStudy(es, "dashti-2025", [{ path: "population.enrolled", choice: "b" }], META, actor("cem"))).rejects.toBeInstanceOf(ConflictError);
    await expect(saveExtraction(es, "dashti-2025", cem, DASHTI_A, false, actor("cem"))).rejects.toThrow(/reconciled/);
    expect((await es.studies())[0]!.reconciled).toBe(true);
    // reconciliation rows are append-only
    await expect(sql`update extraction_resolutions set reason = 'x'`.execute(store.db)).rejects.toThrow();
  });

  it("RoB 2: the algorithm's judgement stored with every version; an override needs its reason; plots from the stored judgements", async () => {
    const first = await saveRobAssessment(es, { tool: "rob2", assessment: { study: "dashti-2025", outcome: "live birth", answers: ROB2_LOW } }, actor("ann"));
    expect(first).toMatchObject({ version: 1, overallAlgorithm: "low", overallFinal: "low", assessor: "ann" });
    await expect(saveRobAssessment(es, { tool: "rob2", assessment: { study: "dashti-2025", outcome: "live birth", answers: ROB2_LOW, overrides: { D1: { judgement: "high", reason: " " } } } }, actor("bob"))).rejects.toThrow(/reason/);
    const second = await saveRobAssessment(es, { tool: "rob2", assessment: { study: "dashti-2025", outcome: "live birth", answers: ROB2_LOW, overrides: { D1: { judgement: "some concerns", reason: "randomisation method not described" } } } }, actor("bob"));
    expect(second).toMatchObject({ version: 2, overallAlgorithm: "some concerns", overallFinal: "some concerns" });
    expect((await es.robHistory("dashti-2025", "live birth", "rob2")).map((v) => [v.version, v.assessor])).toEqual([[1, "ann"], [2, "bob"]]);
    expect((await es.currentRob("rob2")).map((c) => c.version)).toEqual([2]);
    const svg = await robPlotFromStore(es, "rob2", "traffic-light");
    expect(svg).toContain('data-study="dashti-2025 (live birth)" data-domain="Bias arising from the randomisation process" data-judgement="some concerns"');
    expect(await robPlotFromStore(es, "robins-i", "summary")).toBeNull();
    const robins = await saveRobAssessment(es, { tool: "robins-i", assessment: { study: "cohort-x", answers: { D7: { "7.1": "Y", "7.2": "N", "7.3": "N" } } } }, actor("ann"));
    expect(robins).toMatchObject({ overallAlgorithm: "serious", tool: "robins-i" });
    expect(await robPlotFromStore(es, "robins-i", "summary")).toContain('data-judgement="serious"');
  });

  it("every write is in the audit log; the backup carries the new tables", async () => {
    const { entries } = await store.listAudit({ limit: 100 });
    const actions = entries.map((e) => e.action);
    for (const a of ["extraction.save", "extraction.submit", "extraction.reconcile", "rob.save"]) expect(actions).toContain(a);
    expect(entries.find((e) => e.action === "rob.save" && e.username === "bob")?.detail).toContain("randomisation method not described");
    const b = await backupStore(store);
    expect(b.tables.extractions).toHaveLength(2);
    expect(b.tables.extraction_resolutions).toHaveLength(1);
    expect(b.tables.rob_assessments).toHaveLength(3);
    // and restores them into an empty database of the same engine, readable as before
    const other = await createTestDb(engine);
    const target = await Store.open(other.config, { scryptLogN: 10 });
    try {
      const counts = await restoreStore(target, b);
      expect([counts.extractions, counts.extraction_reconciliations, counts.extraction_resolutions, counts.rob_assessments]).toEqual([2, 1, 1, 3]);
      const rec = await new ExtractionStore(target).reconciliation("dashti-2025");
      expect(rec?.resolutions.map((r) => [r.path, r.choice, r.value])).toEqual([["population.enrolled", "a", 84]]);
    } finally {
      await target.close();
      await other.drop();
    }
  });
});
