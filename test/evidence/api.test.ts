import { describe, expect, it } from "vitest";
import { evidenceForTherapy, effectDirection } from "../../src/evidence/api.js";
import { loadDefaultEvidenceBase } from "../../src/evidence/load.js";
import { THERAPY_IDS } from "../../src/shared/therapies.js";
import { main } from "../../src/cli/main.js";

const base = loadDefaultEvidenceBase();

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

  it("shows IVIG's conflicting meta-analyses side by side and picks the IPD analysis of placebo RCTs as best", () => {
    const e = evidenceForTherapy(base, "ivig");
    const gao = e.conflicts.find((c) => c.metaAnalysis === "gao-2025");
    const cochrane = e.conflicts.find((c) => c.metaAnalysis === "cochrane-2014-ivig");
    expect(gao?.direction).toBe("favours treatment");
    expect(cochrane?.direction).toBe("no clear difference");
    expect(e.conflictNote).toContain("Gao 2025");
    expect(e.summary?.relative).toMatchObject({ measure: "RR", estimate: 1.02 });
    expect(e.summary?.basis).toContain("IPD");
    // baseline risk: pooled control arms of the placebo RCTs in the base
    expect(e.summary?.baselineRisk.source).toContain("Christiansen 2015 20/40");
    expect(e.regimens.some((r) => r.id === "ivig-yamada-2022")).toBe(true);
  });

  it("uses subgroup results when they exist (secondary RPL) and says when they do not (ANA-positive for LIT)", () => {
    const sec = evidenceForTherapy(base, "ivig", { subgroup: "secondary-rpl" });
    expect(sec.conflicts.every((c) => c.subgroup === "secondary-rpl")).toBe(true);
    expect(sec.conflicts.map((c) => c.metaAnalysis)).toContain("hutton-2007");
    const ana = evidenceForTherapy(base, "lit", { subgroup: "ana-positive" });
    expect(ana.subgroupNote).toContain("No pooled result specific to ana-positive");
    expect(ana.subgroupNote).toContain("Dashti 2025");
    expect(ana.summary?.domains.indirectness.reason).toContain("not the ana-positive subgroup");
  });

  it("falls back to the randomised trial for tacrolimus and for prednisolone (Tang 2013, counts 12/20 vs 8/20)", () => {
    const t = evidenceForTherapy(base, "tacrolimus");
    expect(t.summary?.relative).toMatchObject({ measure: "OR", estimate: 2.3, ci_low: 1.1, ci_high: 4.81 });
    expect(t.summary?.baselineRisk.source).toContain("47/74");
    const p = evidenceForTherapy(base, "prednisolone");
    expect(p.summary?.basis).toContain("Tang 2013");
    // (12/20) / (8/20), computed by hand
    expect(p.summary?.relative.estimate).toBeCloseTo(12 / 20 / (8 / 20), 10);
    expect(p.summaryNote).toContain("Tang 2013");
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

describe("trial-based summaries", () => {
  it("prefers the trial of the requested subgroup and computes its RR from the counts when none is reported (PRISM)", () => {
    const e = evidenceForTherapy(base, "progesterone", { subgroup: "bleeding-in-pregnancy" });
    // (1513/2025) / (1459/2013), computed by hand
    expect(e.summary?.relative.measure).toBe("RR");
    expect(e.summary?.relative.estimate).toBeCloseTo(1513 / 2025 / (1459 / 2013), 10);
    expect(e.summary?.basis).toContain("PRISM 2019");
    expect(e.summary?.basis).toContain("computed by Decidua");
  });
  it("without a subgroup uses the RPL trial (PROMISE, RR 1.04 as reported), not the bleeding trial", () => {
    const e = evidenceForTherapy(base, "progesterone");
    expect(e.summary?.relative).toMatchObject({ measure: "RR", estimate: 1.04, ci_low: 0.94, ci_high: 1.15 });
    // GRADE reads the trial's RoB 2 (overall some concerns: D5) before its RoB 1 (selection domains low)
    expect(e.summary?.domains.riskOfBias.downgrade).toBe(1);
    expect(e.summary?.domains.riskOfBias.reason).toMatch(/PROMISE.*\(RoB 2 some concerns\)/);
  });
  it("GRADE's risk of bias reads a trial's RoB 2 before RoB 1, and names a trial that was never assessed", () => {
    const promise = base.trials.find((t) => t.id === "promise-2015")!;
    const low = { ...promise, rob2: { ...promise.rob2!, judgements: { D1: "low", D2: "low", D3: "low", D4: "low", D5: "low" } as const, overall: "low" as const } };
    const asLow = evidenceForTherapy({ ...base, trials: base.trials.map((t) => (t.id === promise.id ? low : t)) }, "progesterone");
    expect(asLow.summary?.domains.riskOfBias.downgrade).toBe(0);
    const high = { ...low, rob2: { ...low.rob2, overall: "high" as const } };
    const asHigh = evidenceForTherapy({ ...base, trials: base.trials.map((t) => (t.id === promise.id ? high : t)) }, "progesterone");
    expect(asHigh.summary?.domains.riskOfBias).toMatchObject({ downgrade: 2, reason: expect.stringContaining("(RoB 2 high)") });
    const { rob2: _drop, ...bare } = { ...promise, rob: null };
    const none = evidenceForTherapy({ ...base, trials: base.trials.map((t) => (t.id === promise.id ? bare : t)) }, "progesterone");
    expect(none.summary?.domains.riskOfBias).toMatchObject({ downgrade: 1, reason: expect.stringContaining("NOT ASSESSED") });
  });
});

describe("conflicting randomised trials without a pooled result", () => {
  it("rates G-CSF down for inconsistency: the larger trial (RESPONSE, live birth 45/76 vs 48/74) found no difference, Scarpellini 2009 a benefit", () => {
    const e = evidenceForTherapy(base, "g-csf");
    expect(e.summary?.basis).toContain("RESPONSE 2019");
    expect(e.summary?.domains.inconsistency.downgrade).toBe(1);
    expect(e.summary?.domains.inconsistency.reason).toContain("RESPONSE 2019: no clear difference");
    expect(e.summary?.domains.inconsistency.reason).toContain("Scarpellini 2009: favours treatment");
    expect(e.conflictNote).toContain("Scarpellini 2009");
  });
});

describe("reviews confined to a subgroup", () => {
  it("answers an APS question with the aPL-positive review's overall result, and says why there is no GRADE row", () => {
    const e = evidenceForTherapy(base, "lmwh-aspirin", { subgroup: "apl-positive" });
    expect(e.subgroupNote).toContain("Pooled results specific to apl-positive");
    expect(e.conflicts[0]).toMatchObject({ metaAnalysis: "aps-heparin-aspirin-2021", estimate: 1.27, direction: "favours treatment" });
    expect(e.summary).toBeNull();
    expect(e.summaryNote).toContain("no control-arm counts");
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

  it("sets a subgroup's baseline risk from the trials confined to it (secondary RPL: 40/81)", () => {
    const e = evidenceForTherapy(base, "ivig", { subgroup: "secondary-rpl" });
    expect(e.summary?.baselineRisk.risk).toBeCloseTo((5 + 20 + 15) / (17 + 40 + 24), 12);
    expect(e.summary?.baselineRisk.source).toContain("confined to secondary-rpl");
    expect(e.summary?.studies).toBeNull();
  });
});
