// Study-selection tables on both engines: one-transaction imports, audited decisions whose changes are kept,
// blinding, resolutions.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Store, ConflictError } from "../../src/store/index.js";
import { ScreeningStore } from "../../src/store/screening.js";
import type { BibRecord, ReviewProtocol } from "../../src/screening/index.js";
import { createTestDb, ENGINES, type TestDb } from "./engines.js";

const protocol: ReviewProtocol = {
  title: "Immunotherapy for recurrent pregnancy loss",
  question: { population: "women with recurrent pregnancy loss", intervention: "immunotherapy", comparator: "placebo", outcomes: "live birth" },
  inclusionCriteria: ["randomised trials"],
  exclusionCriteria: ["animal studies"],
  inclusionTerms: ["randomi*"],
  exclusionTerms: ["mice"],
  exclusionReasons: ["Wrong population", "Not randomised"],
};
const rec = (i: number, o: Partial<BibRecord> = {}): BibRecord => ({ sourceIndex: i, pmid: null, doi: null, title: `Record ${i} on recurrent pregnancy loss`, abstract: null, authors: ["Doe, J"], journal: null, year: 2020, ...o });
const actor = (u: string) => ({ username: u, route: "test" });

describe.each(ENGINES)("screening store on %s", (engine) => {
  let tdb: TestDb;
  let store: Store;
  let ss: ScreeningStore;
  let ann: string;
  let bob: string;
  let reviewId: string;
  let recordIds: string[];

  beforeAll(async () => {
    tdb = await createTestDb(engine);
    store = await Store.open(tdb.config, { scryptLogN: 10 });
    ss = new ScreeningStore(store, () => new Date("2026-03-01T10:00:00Z"));
    ann = (await store.createUser({ username: "ann", displayName: "Ann", role: "researcher", password: "password-ann-1" })).id;
    bob = (await store.createUser({ username: "bob", displayName: "Bob", role: "clinician", password: "password-bob-1" })).id;
    reviewId = (await ss.createReview(protocol, { userId: ann }, actor("ann"))).id;
    await ss.addMember(reviewId, bob, "reviewer", actor("ann"));
    const imp = await ss.addImport(reviewId, { fileName: "pubmed.nbib", format: "medline", sourceDatabase: "PubMed", searchDate: "2026-02-01", searchString: "recurrent miscarriage AND immun*" }, [rec(1, { pmid: "123" }), rec(2), rec(3)], actor("ann"));
    expect(imp.recordCount).toBe(3);
    recordIds = (await ss.records(reviewId)).map((r) => r.id);
  });
  afterAll(async () => {
    await store.close();
    await tdb.drop();
  });

  it("members: the creator is lead; any existing user can be assigned once", async () => {
    expect((await ss.members(reviewId)).map((m) => [m.username, m.memberRole])).toEqual([["ann", "lead"], ["bob", "reviewer"]]);
    await expect(ss.addMember(reviewId, bob, "reviewer", actor("ann"))).rejects.toBeInstanceOf(ConflictError);
    expect((await ss.listReviews(bob, false)).map((r) => r.id)).toEqual([reviewId]);
  });

  it("records keep their fields and import order; a failing import writes nothing", async () => {
    const rs = await ss.records(reviewId);
    expect(rs.map((r) => [r.position, r.sourceIndex, r.pmid])).toEqual([[0, 1, "123"], [1, 2, null], [2, 3, null]]);
    const bad = [rec(1), { ...rec(2), title: null as unknown as string }];
    await expect(ss.addImport(reviewId, { fileName: "x.ris", format: "ris", sourceDatabase: "Embase", searchDate: "2026-02-01", searchString: "x" }, bad, actor("ann"))).rejects.toThrow();
    expect(await ss.records(reviewId)).toHaveLength(3);
    expect(await ss.imports(reviewId)).toHaveLength(1);
  });

  it("blinding: bob sees ann's vote only after voting himself", async () => {
    const r0 = recordIds[0] as string;
    await ss.decide(reviewId, { recordId: r0, reviewerId: ann, stage: "title_abstract", vote: "include", reason: null, changeReason: null }, actor("ann"));
    expect(await ss.decisionsVisibleTo(reviewId, bob, "title_abstract")).toEqual([]);
    expect(await ss.decisionsVisibleTo(reviewId, ann, "title_abstract")).toHaveLength(1);
    await ss.decide(reviewId, { recordId: r0, reviewerId: bob, stage: "title_abstract", vote: "exclude", reason: null, changeReason: null }, actor("bob"));
    expect((await ss.decisionsVisibleTo(reviewId, bob, "title_abstract")).map((d) => d.vote).sort()).toEqual(["exclude", "include"]);
  });

  it("a change needs a reason, keeps every version, and is audited", async () => {
    const r1 = recordIds[1] as string;
    const first = await ss.decide(reviewId, { recordId: r1, reviewerId: ann, stage: "title_abstract", vote: "exclude", reason: null, changeReason: null }, actor("ann"));
    await expect(ss.decide(reviewId, { recordId: r1, reviewerId: ann, stage: "title_abstract", vote: "include", reason: null, changeReason: null }, actor("ann"))).rejects.toThrow(/reason for the change/);
    const second = await ss.decide(reviewId, { recordId: r1, reviewerId: ann, stage: "title_abstract", vote: "include", reason: null, changeReason: "misread the population" }, actor("ann"));
    expect(second.id).toBe(first.id);
    expect(second.version).toBe(2);
    expect((await ss.decisionHistory(first.id)).map((h) => [h.version, h.vote, h.changeReason])).toEqual([[1, "exclude", null], [2, "include", "misread the population"]]);
    const audit = await store.listAudit({ action: "screening.decision.change" });
    expect(audit.entries[0]?.detail).toMatch(/was exclude; because: misread the population/);
    expect(audit.entries[0]?.username).toBe("ann");
  });

  it("resolution needs two votes, is final, and freezes the votes", async () => {
    const r0 = recordIds[0] as string;
    const r2 = recordIds[2] as string;
    await expect(ss.resolve(reviewId, { recordId: r2, stage: "title_abstract", outcome: "include", reason: null, note: "consensus" }, actor("ann"))).rejects.toThrow(/2 independent votes/);
    await ss.resolve(reviewId, { recordId: r0, stage: "title_abstract", outcome: "include", reason: null, note: "third reviewer" }, actor("ann"));
    await expect(ss.resolve(reviewId, { recordId: r0, stage: "title_abstract", outcome: "exclude", reason: null, note: "again" }, actor("ann"))).rejects.toBeInstanceOf(ConflictError);
    await expect(ss.decide(reviewId, { recordId: r0, reviewerId: bob, stage: "title_abstract", vote: "include", reason: null, changeReason: "x" }, actor("bob"))).rejects.toThrow(/resolved/);
    expect((await ss.resolutions(reviewId)).map((r) => [r.outcome, r.resolvedBy])).toEqual([["include", "ann"]]);
  });

  it("duplicate decisions are stored once per pair", async () => {
    await ss.decideDuplicate(reviewId, recordIds[2] as string, recordIds[1] as string, false, actor("bob"));
    await expect(ss.decideDuplicate(reviewId, recordIds[1] as string, recordIds[2] as string, true, actor("bob"))).rejects.toBeInstanceOf(ConflictError);
    expect(await ss.duplicateDecisions(reviewId)).toHaveLength(1);
  });

  it("two simultaneous first votes by one reviewer on one record: one is stored, the other is a conflict (never a 500)", async () => {
    await ss.addImport(reviewId, { fileName: "race.ris", format: "ris", sourceDatabase: "Embase", searchDate: "2026-02-02", searchString: "race" }, [rec(90)], actor("ann"));
    const target = (await ss.records(reviewId)).find((r) => r.sourceIndex === 90 && r.pmid === null)!.id;
    const vote = (v: "include" | "exclude") => ss.decide(reviewId, { recordId: target, reviewerId: bob, stage: "title_abstract", vote: v, reason: null, changeReason: null }, actor("bob"));
    const results = await Promise.allSettled([vote("include"), vote("exclude")]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(rejected).toHaveLength(1);
    expect(rejected[0]!.reason).toBeInstanceOf(ConflictError);
  });
});
