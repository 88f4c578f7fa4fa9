// Stage states, blinding, PRISMA counts fed to the project's flow diagram, exports and highlighting.
import { describe, expect, it } from "vitest";
import { checkPrismaCounts, prismaFlowSvg } from "../../src/evidence/plots/prisma.js";
import { computePrisma, type Decision, findHighlights, fullTextRecordIds, type Resolution, selectionRows, stageStates, visibleDecisions } from "../../src/screening/index.js";

const ta = (recordId: string, reviewerId: string, vote: Decision["vote"]): Decision => ({ recordId, reviewerId, stage: "title_abstract", vote, reason: null });
const ft = (recordId: string, reviewerId: string, vote: Decision["vote"], reason: string | null = null): Decision => ({ recordId, reviewerId, stage: "full_text", vote, reason });

describe("stage states and PRISMA", () => {
  const ids = ["r1", "r2", "r3", "r4", "r5", "r6"];
  const decisions: Decision[] = [
    ta("r1", "a", "include"), ta("r1", "b", "maybe"), // agreed forward
    ta("r2", "a", "exclude"), ta("r2", "b", "exclude"), // agreed exclude
    ta("r3", "a", "include"), ta("r3", "b", "exclude"), // conflict → resolved include
    ta("r4", "a", "exclude"), ta("r4", "b", "maybe"), // conflict → resolved exclude
    ta("r5", "a", "include"), ta("r5", "b", "include"),
    ta("r6", "a", "include"), // pending
  ];
  const resolutions: Resolution[] = [
    { recordId: "r3", stage: "title_abstract", outcome: "include", reason: null },
    { recordId: "r4", stage: "title_abstract", outcome: "exclude", reason: null },
  ];

  it("title/abstract: maybe counts as forward; a conflict until resolved; pending below two votes", () => {
    const s = stageStates(ids, "title_abstract", decisions, resolutions);
    expect([...s.values()].map((x) => [x.recordId, x.status, x.outcome])).toEqual([
      ["r1", "agreed", "include"], ["r2", "agreed", "exclude"], ["r3", "resolved", "include"], ["r4", "resolved", "exclude"], ["r5", "agreed", "include"], ["r6", "pending", null],
    ]);
    const noRes = stageStates(ids, "title_abstract", decisions, []);
    expect(noRes.get("r3")?.status).toBe("conflict");
    expect(noRes.get("r4")?.status).toBe("conflict");
  });

  it("full text: different exclusion reasons are a conflict; not retrieved is a resolution", () => {
    const taS = stageStates(["r1", "r3", "r5", "r7"], "title_abstract", [...decisions, ta("r7", "a", "maybe"), ta("r7", "b", "include")], []);
    const ftIds = fullTextRecordIds(["r1", "r3", "r5", "r7"], taS);
    expect(ftIds).toEqual(["r1", "r5", "r7"]);
    const d = [ft("r1", "a", "include"), ft("r1", "b", "include"), ft("r5", "a", "exclude", "Wrong population"), ft("r5", "b", "exclude", "Not randomised")];
    const s = stageStates(ftIds, "full_text", d, [{ recordId: "r7", stage: "full_text", outcome: "not_retrieved", reason: null }]);
    expect(s.get("r1")).toMatchObject({ status: "agreed", outcome: "include" });
    expect(s.get("r5")?.status).toBe("conflict");
    expect(s.get("r7")).toMatchObject({ status: "resolved", outcome: "not_retrieved" });
  });

  it("blinding: the other vote is hidden until the viewer has voted and both votes are in", () => {
    const d = [ta("r6", "a", "include")];
    expect(visibleDecisions("b", "r6", "title_abstract", d, false)).toEqual([]);
    expect(visibleDecisions("a", "r6", "title_abstract", d, false)).toHaveLength(1);
    const both = [...d, ta("r6", "b", "exclude")];
    expect(visibleDecisions("b", "r6", "title_abstract", both, false)).toHaveLength(2);
    expect(visibleDecisions("c", "r6", "title_abstract", both, false)).toEqual([]);
    expect(visibleDecisions("c", "r6", "title_abstract", both, true)).toHaveLength(2);
  });

  it("PRISMA counts add up in the project's checker and draw as the 2020 flow", () => {
    const taIds = ["r1", "r2", "r3", "r4", "r5"];
    const taS = stageStates(taIds, "title_abstract", decisions, resolutions);
    const ftIds = fullTextRecordIds(taIds, taS); // r1 r3 r5
    const ftS = stageStates(ftIds, "full_text", [ft("r1", "a", "include"), ft("r1", "b", "include"), ft("r5", "a", "exclude", "Not randomised"), ft("r5", "b", "exclude", "Not randomised")], [{ recordId: "r3", stage: "full_text", outcome: "not_retrieved", reason: null }]);
    const p = computePrisma({
      imports: [{ sourceDatabase: "PubMed", records: 4 }, { sourceDatabase: "Embase", records: 2 }, { sourceDatabase: "PubMed", records: 1 }],
      removedByRule: { pmid: 1, doi: 1, title_year_author: 0, manual: 0 },
      titleAbstract: taS,
      fullText: ftS,
      exclusionReasons: ["Wrong population", "Not randomised"],
    });
    expect(p.complete).toBe(true);
    expect(p.counts).toEqual({
      identified: [{ source: "PubMed", n: 5 }, { source: "Embase", n: 2 }],
      duplicatesRemoved: 2, automationRemoved: 0, otherRemoved: 0,
      screened: 5, excludedScreening: 2, reportsSought: 3, reportsNotRetrieved: 1, reportsAssessed: 2,
      reportsExcluded: [{ reason: "Not randomised", n: 1 }], studiesIncluded: 1, reportsIncluded: 1,
    });
    expect(() => checkPrismaCounts(p.counts)).not.toThrow();
    const svg = prismaFlowSvg(p.counts);
    expect(svg).toContain("Not randomised (n = 1)");
    expect(svg).toContain("PubMed (n = 5)");
    const rows = selectionRows(
      taIds.map((id) => ({ id, pmid: null, doi: null, title: `T ${id}`, authors: ["X, Y"], journal: null, year: 2020, sourceDatabase: "PubMed" })),
      taS,
      ftS,
    );
    expect(rows.map((r) => [r[0], r[8], r[9], r[10]])).toEqual([
      ["r1", "included", "full_text", null], ["r2", "excluded", "title_abstract", null], ["r3", "not retrieved", "full_text", null], ["r4", "excluded", "title_abstract", null], ["r5", "excluded", "full_text", "Not randomised"],
    ]);
  });

  it("incomplete screening is reported as pending, and the checker refuses to draw it", () => {
    const taS = stageStates(ids, "title_abstract", decisions, resolutions);
    const p = computePrisma({ imports: [{ sourceDatabase: "PubMed", records: 6 }], removedByRule: { pmid: 0, doi: 0, title_year_author: 0, manual: 0 }, titleAbstract: taS, fullText: new Map(), exclusionReasons: ["x"] });
    expect(p.complete).toBe(false);
    expect(p.pending.titleAbstract).toBe(1);
    expect(() => checkPrismaCounts(p.counts)).toThrow();
  });
});

describe("highlighting", () => {
  it("finds inclusion and exclusion terms, wildcards, no overlaps, word boundaries", () => {
    const t = "A randomised trial of immunoglobulin; not randomized in rats. Randomisation was central.";
    const h = findHighlights(t, ["randomi*", "immunoglobulin"], ["rats", "rat"]);
    expect(h.map((x) => [t.slice(x.start, x.end), x.kind])).toEqual([["randomised", "include"], ["immunoglobulin", "include"], ["randomized", "include"], ["rats", "exclude"], ["Randomisation", "include"]]);
    expect(findHighlights("pirate", [], ["rat"])).toEqual([]);
  });
});
