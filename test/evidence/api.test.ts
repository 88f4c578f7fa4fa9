import { describe, expect, it } from "vitest";
import { evidenceForTherapy, effectDirection } from "../../src/evidence/api.js";
import { summaryOfFindingsTable } from "../../src/evidence/grade-outcomes.js";
import { loadDefaultEvidenceBase } from "../../src/evidence/load.js";
import { THERAPY_IDS } from "../../src/shared/therapies.js";
import { main } from "../../src/cli/main.js";

const base = loadDefaultEvidenceBase();
/** The live-birth row of the therapy's Summary-of-Findings table: the one GRADE row the summary must be. */
const sofLiveBirth = (b: typeof base, t: Parameters<typeof summaryOfFindingsTable>[1]) => summaryOfFindingsTable(b, t, { outcomes: ["live-birth"] }).outcomes[0]!;

describe("evidenceForTherapy", () => {
  it("returns a citation (with a link or the exact citation) and a verified flag for every guideline position of every therapy", () => {
    for (const id of THERAPY_IDS) {
      const e = evidenceForTherapy(base, id);
      expect(e.guidelines.length).toBeGreaterThan(0);
      for (const g of e.guidelines) {
        expect(g.citation.text).not.toMatch(/^unknown source/);
        expect(g.citation.link !== null || base.sources.find((s) => s.id === g.source)?.noIdentifierReason !== undefined).toBe(true);
        expect(typeof g.verified).toBe("boolean");
        expect(e.citations[g.source]).toEqual(g.citation);
      }
    }
  });

  it("shows IVIG's conflicting meta-analyses side by side (the IPD analysis first) and grades only the SoF row", () => {
    const e = evidenceForTherapy(base, "ivig");
    const gao = e.conflicts.find((c) => c.metaAnalysis === "gao-2025");
    const cochrane = e.conflicts.find((c) => c.metaAnalysis === "cochrane-2014-ivig");
    expect(gao?.direction).toBe("favours treatment");
    expect(cochrane?.direction).toBe("no clear difference");
    expect(e.conflictNote).toContain("Gao 2025");
    expect(e.conflicts[0]?.kind).toBe("ipd");
    // the summary is the SoF table's live-birth row (9 placebo RCTs pooled), not the published IPD result (RR 1.02)
    const row = sofLiveBirth(base, "ivig");
    expect(e.summary?.relative).toEqual(row.relative);
    expect(e.summary?.certainty).toEqual(row.certainty);
    expect(e.summary?.studies).toBe(9);
    expect(e.summary?.relative.estimate).not.toBeCloseTo(1.02, 2);
    expect(e.summaryNote).toContain("best published result: IPD meta-analysis");
    expect(e.summaryNote).toContain("not graded separately");
    // baseline risk: pooled control arms of the placebo RCTs in the base
    expect(e.summary?.assumed.source).toContain("Christiansen 2015 20/40");
    expect(e.regimens.some((r) => r.id === "ivig-yamada-2022")).toBe(true);
  });

  it("uses subgroup results when they exist (secondary RPL) and says when they do not (ANA-positive for LIT)", () => {
    const sec = evidenceForTherapy(base, "ivig", { subgroup: "secondary-rpl" });
    expect(sec.conflicts.every((c) => c.subgroup === "secondary-rpl")).toBe(true);
    expect(sec.conflicts.map((c) => c.metaAnalysis)).toContain("hutton-2007");
    const ana = evidenceForTherapy(base, "lit", { subgroup: "ana-positive" });
    expect(ana.subgroupNote).toContain("No pooled result specific to ana-positive");
    expect(ana.subgroupNote).toContain("Dashti 2025");
    expect(ana.subgroupNote).toContain("the GRADE summary is for the overall RPL population and is indirect for this patient");
    expect(ana.summary).toEqual(evidenceForTherapy(base, "lit").summary);
  });

  it("grades a single placebo-controlled trial from its counts: tacrolimus (Liu 2023) and prednisolone (Tang 2013, 12/20 vs 8/20)", () => {
    const t = evidenceForTherapy(base, "tacrolimus");
    expect(t.summary?.relative.measure).toBe("RR");
    expect(t.summary?.trials.map((x) => x.label)).toEqual(["Tacrolimus RCT (Liu 2023)"]);
    expect(t.summary?.assumed.source).toContain("47/74");
    const p = evidenceForTherapy(base, "prednisolone");
    expect(p.summary?.trials.map((x) => x.label)).toEqual(["Tang 2013"]);
    // (12/20) / (8/20), computed by hand
    expect(p.summary?.relative.estimate).toBeCloseTo(12 / 20 / (8 / 20), 10);
    expect(p.summaryNote).toContain("1 RCT, 40 participants");
  });

  it("reads the direction of failure outcomes (no live birth) the right way round", () => {
    expect(effectDirection({ measure: "RR", ci_low: 0.5, ci_high: 0.9, outcomeIsFailure: true })).toBe("favours treatment");
    expect(effectDirection({ measure: "RR", ci_low: 0.5, ci_high: 0.9, outcomeIsFailure: false })).toBe("favours control");
    expect(effectDirection({ measure: "MD", ci_low: -549.37, ci_high: 107.88, outcomeIsFailure: false })).toBe("no clear difference");
  });
});

describe("decidua evidence show / sof", () => {
  it("shows a therapy with its guideline positions and marks unverified ones", async () => {
    const out: string[] = [];
    const code = await main(["evidence", "show", "lit"], { out: (t) => out.push(t), err: () => undefined });
    expect(code).toBe(0);
    expect(out.join("")).toContain("FDA 2002: research-only");
    expect(out.join("")).toContain("[UNVERIFIED]");
  });
  it("rejects an unknown therapy or subgroup with exit 2", async () => {
    const err: string[] = [];
    expect(await main(["evidence", "show", "aspirin"], { out: () => undefined, err: (t) => err.push(t) })).toBe(2);
    expect(await main(["evidence", "show", "ivig", "--subgroup", "blue"], { out: () => undefined, err: (t) => err.push(t) })).toBe(2);
    expect(err.join("")).toContain('unknown subgroup "blue"');
  });
  it("prints SoF rows for every therapy as JSON", async () => {
    const out: string[] = [];
    await main(["evidence", "sof", "--json"], { out: (t) => out.push(t), err: () => undefined });
    const rows = JSON.parse(out.join("")) as Array<{ therapy: string }>;
    expect(rows.map((r) => r.therapy).sort()).toEqual([...THERAPY_IDS].sort());
  });
});

describe("summaries from the SoF engine", () => {
  it("a subgroup does not change the graded row (PRISM and PROMISE pooled, vs placebo); the subgroup note says it is indirect", () => {
    const e = evidenceForTherapy(base, "progesterone", { subgroup: "bleeding-in-pregnancy" });
    expect(e.summary).toEqual(evidenceForTherapy(base, "progesterone").summary);
    expect(e.summary?.trials.map((x) => x.label).sort()).toEqual(["PRISM 2019", "PROMISE 2015"]);
    expect(e.subgroupNote).toContain("indirect for this patient");
  });
  it("GRADE's risk of bias reads a trial's RoB 2 before RoB 1, and names a trial that was never assessed", () => {
    const rob = (b: typeof base) => evidenceForTherapy(b, "progesterone").summary?.certainty.domains.riskOfBias;
    expect(rob(base)?.trials.find((x) => x.label === "PROMISE 2015")).toMatchObject({ tool: "RoB 2", judgement: "some concerns" });
    const promise = base.trials.find((t) => t.id === "promise-2015")!;
    const high = { ...promise, rob2: { ...promise.rob2!, overall: "high" as const } };
    const asHigh = rob({ ...base, trials: base.trials.map((t) => (t.id === promise.id ? high : t)) });
    expect(asHigh?.trials.find((x) => x.label === "PROMISE 2015")).toMatchObject({ tool: "RoB 2", judgement: "high" });
    const { rob2: _drop, ...bare } = { ...promise, rob: null };
    const none = rob({ ...base, trials: base.trials.map((t) => (t.id === promise.id ? bare : t)) });
    expect(none?.trials.find((x) => x.label === "PROMISE 2015")).toMatchObject({ tool: "none", judgement: "not assessed" });
    expect(none?.notAssessed?.trials).toContain("PROMISE 2015");
  });
  it("every therapy's summary is its SoF table's live-birth row, or null when that row has no estimate", () => {
    for (const id of THERAPY_IDS) {
      const e = evidenceForTherapy(base, id);
      const row = sofLiveBirth(base, id);
      if (row.status !== "estimated") {
        expect(e.summary).toBeNull();
        expect(e.summaryNote).toContain("no GRADE estimate for live birth");
      } else {
        expect(e.summary?.relative).toEqual(row.relative);
        expect(e.summary?.certainty.level).toBe(row.certainty?.level);
        expect(e.summaryPlain).toBe(row.statement);
      }
    }
  });
});

describe("conflicting randomised trials", () => {
  it("rates G-CSF down for inconsistency from I² of its two placebo RCTs and shows the trials' directions side by side", () => {
    const e = evidenceForTherapy(base, "g-csf");
    expect(e.summary?.trials.map((x) => x.label).sort()).toEqual(["RESPONSE 2019", "Scarpellini 2009"]);
    expect(e.summary?.certainty.domains.inconsistency.downgrade).toBeGreaterThan(0);
    expect(e.summary?.certainty.domains.inconsistency.reason).toMatch(/I² = \d+%/);
    expect(e.conflictNote).toContain("RESPONSE 2019: no clear difference");
    expect(e.conflictNote).toContain("Scarpellini 2009: favours treatment");
  });
});

describe("reviews confined to a subgroup", () => {
  it("answers an APS question with the aPL-positive review's overall result, and says why there is no GRADE row", () => {
    const e = evidenceForTherapy(base, "lmwh-aspirin", { subgroup: "apl-positive" });
    expect(e.subgroupNote).toContain("Published pooled results specific to apl-positive are shown side by side");
    expect(e.conflicts[0]).toMatchObject({ metaAnalysis: "aps-heparin-aspirin-2021", estimate: 1.27, direction: "favours treatment" });
    expect(e.summary).toBeNull();
    expect(e.summaryNote).toContain("no randomised placebo-controlled trial");
    expect(e.guidelines.find((g) => g.id === "eshre-2017-aps-lda-heparin")?.verified).toBe(true);
  });
});

describe("several patient subgroups", () => {
  it("uses the first subgroup that has pooled results of its own", () => {
    const e = evidenceForTherapy(base, "ivig", { subgroups: ["ana-positive", "secondary-rpl"] });
    expect(e.subgroup).toBe("secondary-rpl");
    const none = evidenceForTherapy(base, "lit", { subgroups: ["ana-positive", "th1-th2-elevated"] });
    expect(none.subgroup).toBe("ana-positive");
    expect(none.subgroupNote).toContain("No pooled result specific to ana-positive");
  });
});

describe("concerns and subgroup baselines", () => {
  it("attaches stored concerns and the audit's problems to published results and ranks troubled ones last", () => {
    const e = evidenceForTherapy(base, "ivig", { subgroup: "secondary-rpl" });
    const gao = e.conflicts.find((c) => c.metaAnalysis === "gao-2025");
    expect(gao?.concerns.some((c) => c.startsWith("audit: "))).toBe(true); // OR 1.50 (0.98-2.30) with P = 0.04
    const ma = e.conflicts.find((c) => c.metaAnalysis === "ma-2023");
    expect(ma?.concerns.some((c) => c.startsWith("audit: "))).toBe(true); // RR 1.05 (0.90-1.22) with P = 0.03
    // among results on live birth itself (failure outcomes such as "no live birth" always come last)
    const direct = e.conflicts.filter((c) => !c.outcomeIsFailure);
    const firstTroubled = direct.findIndex((c) => c.concerns.length > 0);
    expect(firstTroubled).toBeGreaterThan(0);
    expect(direct.slice(firstTroubled).every((c) => c.concerns.length > 0)).toBe(true);
    const overall = evidenceForTherapy(base, "ivig");
    expect(overall.conflicts.find((c) => c.metaAnalysis === "gao-2025")?.concerns.join(" ")).toContain("847");
  });

  it("a subgroup's published results are shown, the graded row stays the overall SoF row (its pooled control-arm risk)", () => {
    const e = evidenceForTherapy(base, "ivig", { subgroup: "secondary-rpl" });
    const row = sofLiveBirth(base, "ivig");
    expect(e.summary?.assumed.risk).toBe(row.assumed?.risk);
    expect(e.summary?.studies).toBe(row.studies);
    expect(e.subgroupNote).toContain("the GRADE summary is for the placebo-controlled trials of the overall RPL population");
  });
});
