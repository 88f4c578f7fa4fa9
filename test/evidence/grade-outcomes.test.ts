/**
 * GRADE per outcome and the Summary-of-Findings table (src/evidence/grade-outcomes.ts). The pooled numbers are
 * checked against R metafor (fixtures/sof-fixture.R -> sof-fixture.metafor.json) on invented trials
 * (fixtures/sof-fixture.json); the absolute effects against a hand calculation from the formulas; every domain's
 * rules on cases built to cross each threshold.
 */
import { describe, expect, it } from "vitest";
import {
  assessInconsistencyPooled,
  assessPublicationBiasPooled,
  assessRiskOfBiasWeighted,
  assumedControlRisk,
  CERTAINTY_SYMBOLS,
  correspondingRisk,
  informativeStatement,
  SOF_OUTCOMES,
  summaryOfFindingsTable,
  type SofOutcomeRow,
  type TrialRob,
} from "../../src/evidence/grade-outcomes.js";
import { optimalInformationSize } from "../../src/evidence/grade.js";
import { rob1Overall } from "../../src/evidence/study-rob.js";
import { loadDefaultEvidenceBase } from "../../src/evidence/load.js";
import { assessRob2, type Rob2AssessmentInput } from "../../src/evidence/rob2.js";
import { isInputError } from "../../src/shared/errors.js";
import { parseEvidenceContent } from "../../src/evidence/parse.js";
import { FIXTURE, METAFOR, fixtureBase } from "./sof-fixture.js";

const base = fixtureBase();
const row = (t: ReturnType<typeof summaryOfFindingsTable>, o: SofOutcomeRow["outcome"]): SofOutcomeRow => {
  const r = t.outcomes.find((x) => x.outcome === o);
  if (r === undefined) throw new Error(`no row ${o}`);
  return r;
};

const ALL_LOW: Rob2AssessmentInput["answers"] = {
  D1: { "1.1": "Y", "1.2": "Y", "1.3": "N" },
  D2: { "2.1": "N", "2.2": "N", "2.6": "Y" },
  D3: { "3.1": "Y" },
  D4: { "4.1": "N", "4.2": "N", "4.3": "N" },
  D5: { "5.1": "Y", "5.2": "N", "5.3": "N" },
};

describe("Summary-of-Findings table: every outcome listed", () => {
  const t = summaryOfFindingsTable(base, "intralipid");
  it("lists all six outcomes in order, with 'no data' and 'not estimable' rows kept", () => {
    expect(t.outcomes.map((r) => r.outcome)).toEqual([...SOF_OUTCOMES]);
    expect(row(t, "adverse-events").status).toBe("no data");
    expect(row(t, "adverse-events").statement).toMatch(/^No data/);
    expect(row(t, "adverse-events").footnotes).toHaveLength(1);
    // 0/70 vs 0/62: no information on a ratio scale
    expect(row(t, "congenital-anomalies").status).toBe("not estimable");
    expect(row(t, "congenital-anomalies").studies).toBe(1);
    expect(METAFOR["congenital-anomalies"]!.estimable).toBe(false);
    for (const o of ["live-birth", "miscarriage", "preterm-birth", "ongoing-pregnancy"] as const) expect(row(t, o).status).toBe("estimated");
  });

  it("a therapy without any placebo trial still gets a table of six 'no data' rows", () => {
    const il2 = summaryOfFindingsTable(loadDefaultEvidenceBase(), "il2-treg");
    expect(il2.outcomes).toHaveLength(6);
    expect(il2.outcomes.every((r) => r.status === "no data" && r.certainty === null)).toBe(true);
  });
});

describe("pooled numbers agree with R metafor (DL random effects; FE for one trial)", () => {
  for (const measure of ["RR", "OR"] as const) {
    const t = summaryOfFindingsTable(base, "intralipid", { measure });
    for (const o of ["live-birth", "miscarriage", "preterm-birth", "ongoing-pregnancy"] as const) {
      it(`${o}, ${measure}`, () => {
        const r = row(t, o);
        const ref = METAFOR[o]![measure];
        expect(r.studies).toBe(METAFOR[o]!.k);
        expect(r.relative!.estimate).toBeCloseTo(ref.estimate, 6);
        expect(r.relative!.ci_low).toBeCloseTo(ref.ci_low, 6);
        expect(r.relative!.ci_high).toBeCloseTo(ref.ci_high, 6);
        expect(r.heterogeneity!.I2).toBeCloseTo(ref.I2, 5);
        expect(r.heterogeneity!.tau2).toBeCloseTo(ref.tau2, 7);
        if (r.studies >= 2) {
          expect(r.heterogeneity!.pi_low).toBeCloseTo(ref.pi_low, 6);
          expect(r.heterogeneity!.pi_high).toBeCloseTo(ref.pi_high, 6);
        }
        r.trials.forEach((tr, i) => expect(tr.weight).toBeCloseTo(ref.weights[i]!, 5));
        if (ref.egger_p !== undefined) expect(r.eggerP).toBeCloseTo(ref.egger_p, 9);
        else expect(r.eggerP).toBeNull();
      });
    }
  }
});

describe("absolute effects per 1000 (hand calculation from the formulas)", () => {
  const lb = FIXTURE.rows["live-birth"]!;
  const pooled = lb.reduce((s, r) => s + r.ci, 0) / lb.reduce((s, r) => s + r.n2i, 0);
  const risks = lb.map((r) => r.ci / r.n2i).sort((a, b) => a - b);
  const median = risks[Math.floor(risks.length / 2)]!; // k = 11: the 6th

  it("assumed control risk: pooled (sum events / sum participants) or median, and stated", () => {
    expect(assumedControlRisk(lb.map((r) => ({ events_c: r.ci, total_c: r.n2i })), "pooled")).toBeCloseTo(pooled, 12);
    expect(assumedControlRisk(lb.map((r) => ({ events_c: r.ci, total_c: r.n2i })), "median")).toBeCloseTo(median, 12);
    expect(assumedControlRisk([{ events_c: 1, total_c: 10 }, { events_c: 3, total_c: 10 }], "median")).toBeCloseTo(0.2, 12);
    const t = summaryOfFindingsTable(base, "intralipid", { baseline: "median" });
    expect(row(t, "live-birth").assumed!.risk).toBeCloseTo(median, 12);
    expect(row(t, "live-birth").assumed!.source).toMatch(/^median control-arm risk of the 11 trials: Fixture 01 2001 50\/100/);
  });

  it("RR: corresponding risk = ACR x RR, CI limits the same way", () => {
    const ref = METAFOR["live-birth"]!.RR;
    const r = row(summaryOfFindingsTable(base, "intralipid"), "live-birth");
    expect(r.assumed!.per1000).toBe(Math.round(1000 * pooled));
    expect(r.corresponding).toEqual({ per1000: Math.round(1000 * pooled * ref.estimate), ciLow: Math.round(1000 * pooled * ref.ci_low), ciHigh: Math.round(1000 * pooled * ref.ci_high) });
    expect(r.difference!.per1000).toBe(Math.round(1000 * (pooled * ref.estimate - pooled)));
    expect(r.difference!.ciLow).toBe(Math.round(1000 * (pooled * ref.ci_low - pooled)));
    expect(r.difference!.text).toBe(`${r.difference!.per1000} more per 1,000 (from ${r.difference!.ciLow} more to ${r.difference!.ciHigh} more)`);
  });

  it("OR: corresponding risk = OR x ACR / (1 - ACR + OR x ACR)", () => {
    const ref = METAFOR["miscarriage"]!.OR;
    const m = FIXTURE.rows["miscarriage"]!;
    const acr = m.reduce((s, r) => s + r.ci, 0) / m.reduce((s, r) => s + r.n2i, 0);
    const cr = (or: number): number => (or * acr) / (1 - acr + or * acr);
    const r = row(summaryOfFindingsTable(base, "intralipid", { measure: "OR" }), "miscarriage");
    expect(r.corresponding).toEqual({ per1000: Math.round(1000 * cr(ref.estimate)), ciLow: Math.round(1000 * cr(ref.ci_low)), ciHigh: Math.round(1000 * cr(ref.ci_high)) });
    expect(r.difference!.per1000).toBe(Math.round(1000 * (cr(ref.estimate) - acr)));
    expect(r.difference!.per1000).toBeLessThan(0);
    expect(r.difference!.text).toMatch(/^\d+ fewer per 1,000/);
    expect(correspondingRisk("OR", 1, 0.3)).toBeCloseTo(0.3, 12);
    expect(correspondingRisk("RR", 2, 0.3)).toBeCloseTo(0.6, 12);
  });
});

describe("risk of bias: weighted judgements, 'not assessed' stated", () => {
  const tr = (label: string, weight: number, judgement: TrialRob["judgement"]): TrialRob => ({ trial: label, label, weight, judgement, tool: "RoB 1", basis: "test" });

  it("thresholds: > 50% high -> two levels; > 50% high + concerns -> one level; else none", () => {
    expect(assessRiskOfBiasWeighted([tr("A", 51, "high"), tr("B", 49, "low")]).downgrade).toBe(2);
    expect(assessRiskOfBiasWeighted([tr("A", 50, "high"), tr("B", 50, "low")]).downgrade).toBe(0); // exactly half is not "most"
    expect(assessRiskOfBiasWeighted([tr("A", 50, "high"), tr("B", 1, "some concerns"), tr("C", 49, "low")]).downgrade).toBe(1);
    expect(assessRiskOfBiasWeighted([tr("A", 30, "high"), tr("B", 21, "some concerns"), tr("C", 49, "low")]).downgrade).toBe(1);
    expect(assessRiskOfBiasWeighted([tr("A", 30, "high"), tr("B", 20, "some concerns"), tr("C", 50, "low")]).downgrade).toBe(0);
  });

  it("not assessed is counted as unknown risk and the reason says what it changes", () => {
    const d = assessRiskOfBiasWeighted([tr("A", 60, "not assessed"), tr("B", 40, "low")]);
    expect(d.downgrade).toBe(1);
    expect(d.notAssessed).toMatchObject({ share: 60, trials: ["A"] });
    expect(d.reason).toContain("60% of the weight NOT ASSESSED (A)");
    expect(d.reason).toContain("this alone rates the domain down one level; had these trials been judged at low risk it would not be rated down");
    const same = assessRiskOfBiasWeighted([tr("A", 20, "not assessed"), tr("B", 80, "low")]);
    expect(same.downgrade).toBe(0);
    expect(same.reason).toContain("it does not change the rating");
    const none = assessRiskOfBiasWeighted([tr("B", 100, "low")]);
    expect(none.notAssessed).toBeNull();
    expect(none.reason).not.toMatch(/not assessed/i);
  });

  it("RoB 1 entries summarised: high > not assessed > unclear (some concerns) > low", () => {
    const t = base.trials.find((x) => x.id === "fx-10")!;
    expect(rob1Overall(t.rob!).judgement).toBe("not assessed");
    expect(rob1Overall(base.trials.find((x) => x.id === "fx-05")!.rob!).judgement).toBe("high");
    expect(rob1Overall(base.trials.find((x) => x.id === "fx-09")!.rob!).judgement).toBe("some concerns");
    expect(rob1Overall(base.trials.find((x) => x.id === "fx-01")!.rob!).judgement).toBe("low");
  });

  it("the table weights the trials by their weight in the pooled analysis; RoB 2 is read before RoB 1", () => {
    const r = row(summaryOfFindingsTable(base, "intralipid"), "live-birth");
    const rob = r.certainty!.domains.riskOfBias;
    const w = METAFOR["live-birth"]!.RR.weights;
    const idx = (id: string): number => FIXTURE.rows["live-birth"]!.findIndex((x) => x.trial === id);
    const share = (ids: string[]): number => (100 * ids.reduce((s, id) => s + w[idx(id)]!, 0)) / w.reduce((s, x) => s + x, 0);
    expect(rob.shares.high).toBeCloseTo(share(["fx-05", "fx-06"]), 5);
    expect(rob.shares["not assessed"]).toBeCloseTo(share(["fx-07", "fx-08", "fx-10", "fx-11"]), 5);
    expect(rob.trials.find((x) => x.trial === "fx-07")).toMatchObject({ judgement: "not assessed", tool: "none" });

    const rob2 = [assessRob2({ study: "fx-07", answers: ALL_LOW }), assessRob2({ study: "Fixture 08 2008", outcome: "live-birth", answers: { D1: ALL_LOW.D1 } })];
    const r2 = row(summaryOfFindingsTable(base, "intralipid", { rob2 }), "live-birth").certainty!.domains.riskOfBias;
    expect(r2.trials.find((x) => x.trial === "fx-07")).toMatchObject({ judgement: "low", tool: "RoB 2" });
    // an incomplete RoB 2 assessment stays "not assessed" (never low), and says which domains are missing
    const t8 = r2.trials.find((x) => x.trial === "fx-08")!;
    expect(t8).toMatchObject({ judgement: "not assessed", tool: "RoB 2" });
    expect(t8.basis).toContain("domains not assessed: D2, D3, D4, D5");
    expect(r2.shares.low).toBeGreaterThan(rob.shares.low);
  });

  it("every row whose risk of bias is partly not assessed has a footnote saying so", () => {
    const t = summaryOfFindingsTable(base, "intralipid");
    const lb = row(t, "live-birth");
    expect(lb.certainty!.domains.riskOfBias.downgrade).toBe(0);
    const note = t.footnotes.find((f) => lb.footnotes.includes(f.mark) && f.text.startsWith("Live birth, risk of bias"));
    expect(note?.text).toContain("not rated down");
    expect(note?.text).toContain("NOT ASSESSED");
  });
});

describe("inconsistency: I² and the prediction interval", () => {
  const x = { k: 5, I2: 0, ci_low: 1.1, ci_high: 1.5, pi_low: 1.05, pi_high: 1.6 };
  it("I² bands: < 50 none, >= 50 one level, >= 75 two levels (CI including no effect)", () => {
    expect(assessInconsistencyPooled({ ...x, I2: 49.9, ci_low: 0.9, pi_low: 0.8 }).downgrade).toBe(0);
    expect(assessInconsistencyPooled({ ...x, I2: 50, ci_low: 0.9, pi_low: 0.7 }).downgrade).toBe(1);
    expect(assessInconsistencyPooled({ ...x, I2: 75, ci_low: 0.9, pi_low: 0.5 }).downgrade).toBe(2);
  });
  it("a PI that includes no effect while the CI excludes it rates down even at low I²", () => {
    const d = assessInconsistencyPooled({ ...x, I2: 40, pi_low: 0.9 });
    expect(d.downgrade).toBe(1);
    expect(d.reason).toContain("includes no effect although the CI excludes it");
  });
  it("considerable I² with a PI wholly on the CI's side is one level, not two", () => {
    const d = assessInconsistencyPooled({ ...x, I2: 80, pi_low: 1.01, pi_high: 3 });
    expect(d.downgrade).toBe(1);
    expect(d.reason).toContain("one level, not two");
  });
  it("single trial: not assessable; fewer than 3 trials: PI not used", () => {
    expect(assessInconsistencyPooled({ ...x, k: 1 }).reason).toMatch(/single trial/);
    expect(assessInconsistencyPooled({ ...x, k: 2, I2: 10, pi_low: 0.5 }).downgrade).toBe(0);
    expect(assessInconsistencyPooled({ ...x, k: 2 }).reason).toContain("prediction interval not used");
  });
  it("the fixture's miscarriage trials (I² 82%) are rated down two levels", () => {
    const r = row(summaryOfFindingsTable(base, "intralipid"), "miscarriage");
    expect(r.certainty!.domains.inconsistency.downgrade).toBe(2);
    expect(r.certainty!.domains.inconsistency.reason).toMatch(/I² = 82% \(considerable/);
  });
});

describe("imprecision, indirectness, publication bias", () => {
  const t = summaryOfFindingsTable(base, "intralipid");
  it("imprecision: OIS at the assumed risk, and CI spanning 0.8 and 1.25 is two levels", () => {
    const lb = row(t, "live-birth");
    expect(lb.certainty!.domains.imprecision.downgrade).toBe(0);
    expect(lb.certainty!.domains.imprecision.reason).toContain(`(${optimalInformationSize(lb.assumed!.risk)})`);
    const pt = row(t, "preterm-birth");
    expect(pt.certainty!.domains.imprecision.downgrade).toBe(2);
    const op = row(t, "ongoing-pregnancy");
    expect(op.certainty!.domains.imprecision.reason).toContain(`fewer than the optimal information size of ${optimalInformationSize(op.assumed!.risk)}`);
  });
  it("indirectness: a substitute outcome counted as live birth rates down one level by default", () => {
    const d = row(t, "live-birth").certainty!.domains.indirectness;
    expect(d.downgrade).toBe(1);
    expect(d.reason).toContain("Fixture 11 2011");
    expect(row(t, "miscarriage").certainty!.domains.indirectness.downgrade).toBe(0);
  });
  it("publication bias: Egger only from 10 trials; below that 'not assessable', never a downgrade", () => {
    expect(assessPublicationBiasPooled(9, { pval: 0.001 })).toMatchObject({ downgrade: 0 });
    expect(assessPublicationBiasPooled(9, null).reason).toMatch(/^not assessable: 9 trials/);
    expect(assessPublicationBiasPooled(10, { pval: 0.099 }).downgrade).toBe(1);
    expect(assessPublicationBiasPooled(10, { pval: 0.1 }).downgrade).toBe(0);
    const lb = row(t, "live-birth").certainty!.domains.publicationBias;
    expect(lb.downgrade).toBe(1);
    expect(lb.reason).toContain("P < 0.001");
    expect(row(t, "miscarriage").certainty!.domains.publicationBias.reason).toMatch(/not assessable: 4 trials/);
  });
});

describe("a control risk of 0", () => {
  it("gives 0 per 1000 assumed risk, no OIS (said so) and no crash", () => {
    const b = fixtureBase();
    b.trials = b.trials.map((t) => ({ ...t, outcomes: t.outcomes.map((o) => (o.outcome === "preterm-birth" ? { ...o, events_c: 0 } : o)) }));
    const r = row(summaryOfFindingsTable(b, "intralipid"), "preterm-birth");
    expect(r.status).toBe("estimated");
    expect(r.assumed!.per1000).toBe(0);
    expect(r.corresponding!.per1000).toBe(0);
    expect(r.certainty!.domains.imprecision.reason).toContain("optimal information size cannot be computed");
    expect(r.certainty!.domains.imprecision.downgrade).toBeGreaterThan(0);
  });
});

describe("certainty, overrides, footnotes and statements", () => {
  it("certainty = high minus the downgrades, with ⊕ symbols; each downgrade has a footnote in its row", () => {
    const t = summaryOfFindingsTable(base, "intralipid");
    for (const r of t.outcomes) {
      if (r.certainty === null) continue;
      const total = Object.values(r.certainty.domains).reduce((s, d) => s + d.downgrade, 0);
      const expected = (["high", "moderate", "low", "very low"] as const)[Math.min(3, total)]!;
      expect(r.certainty.level).toBe(expected);
      expect(r.certainty.symbols).toBe(CERTAINTY_SYMBOLS[expected]);
      const notes = t.footnotes.filter((f) => r.footnotes.includes(f.mark)).map((f) => f.text);
      for (const [name, d] of Object.entries(r.certainty.domains)) {
        if (d.downgrade === 0) continue;
        const label = { riskOfBias: "risk of bias", inconsistency: "inconsistency", indirectness: "indirectness", imprecision: "imprecision", publicationBias: "publication bias" }[name]!;
        expect(notes.some((n) => n.startsWith(`${r.label}, ${label}: rated down ${d.downgrade === 1 ? "one level" : "two levels"}`))).toBe(true);
      }
    }
    expect(row(t, "live-birth").certainty!.level).toBe("low"); // indirectness + publication bias
    expect(row(t, "miscarriage").certainty!.level).toBe("very low");
    expect(CERTAINTY_SYMBOLS).toEqual({ high: "⊕⊕⊕⊕", moderate: "⊕⊕⊕◯", low: "⊕⊕◯◯", "very low": "⊕◯◯◯" });
  });

  it("a reviewer's override replaces a domain only with a reason, and the computed rating is kept", () => {
    const t = summaryOfFindingsTable(base, "intralipid", { overrides: { "live-birth": { indirectness: { downgrade: 0, reason: "ongoing pregnancy at 22 weeks almost always ends in a live birth" } } } });
    const d = row(t, "live-birth").certainty!.domains.indirectness;
    expect(d.downgrade).toBe(0);
    expect(d.computed.downgrade).toBe(1);
    expect(d.reason).toContain("reviewer's rating (computed: one level down): ongoing pregnancy at 22 weeks");
    expect(row(t, "live-birth").certainty!.level).toBe("moderate");
    for (const bad of [{ "live-birth": { indirectness: { downgrade: 0, reason: "   " } } }, { "live-birth": { indirectness: { downgrade: 3, reason: "x" } } }, { "live-birth": { tone: { downgrade: 1, reason: "x" } } }]) {
      let caught: unknown = null;
      try {
        summaryOfFindingsTable(base, "intralipid", { overrides: bad });
      } catch (e) {
        caught = e;
      }
      expect(isInputError(caught)).toBe(true);
      expect((caught as { location: { field?: string } }).location.field).toMatch(/^overrides\.live-birth/);
    }
  });

  it("a published base carries a reviewer's ratings (therapy gradeOverrides); a caller's rating of the same domain replaces it", () => {
    const reason = "ongoing pregnancy at 22 weeks almost always ends in a live birth";
    const published = structuredClone(base);
    const therapy = published.therapies.find((t) => t.id === "intralipid")!;
    therapy.gradeOverrides = { "live-birth": { indirectness: { downgrade: 0, reason } } };
    const fromBase = row(summaryOfFindingsTable(published, "intralipid"), "live-birth").certainty!;
    expect(fromBase.domains.indirectness).toMatchObject({ downgrade: 0, computed: { downgrade: 1 }, override: { downgrade: 0, reason } });
    expect(fromBase.level).toBe("moderate");
    const replaced = row(summaryOfFindingsTable(published, "intralipid", { overrides: { "live-birth": { indirectness: { downgrade: 2, reason: "a sensitivity reading" } } } }), "live-birth").certainty!;
    expect(replaced.domains.indirectness.downgrade).toBe(2);
    expect(replaced.domains.indirectness.reason).toContain("a sensitivity reading");
    // the base's checks refuse a rating without a reason, naming the file, the entry and the field
    const unreasoned = structuredClone(published);
    unreasoned.therapies.find((t) => t.id === "intralipid")!.gradeOverrides = { "live-birth": { indirectness: { downgrade: 0, reason: " " } } };
    const { problems } = parseEvidenceContent(unreasoned as unknown as Record<string, unknown>);
    expect(problems).toContainEqual(expect.objectContaining({ file: "therapies.json", entry: expect.stringMatching(/^intralipid/), field: "gradeOverrides.live-birth.indirectness.reason", message: "an override needs a written reason" }));
  });

  it("informative statements: the verb carries the certainty, the words the size", () => {
    expect(informativeStatement("X", "Live birth", "high", 1.5, "n")).toBe("X results in an increase in live birth (n).");
    expect(informativeStatement("X", "Live birth", "moderate", 1.1, "n")).toBe("X probably results in little to no difference in live birth (n).");
    expect(informativeStatement("X", "Miscarriage", "low", 0.4, "n")).toBe("X may result in a large reduction in miscarriage (n).");
    expect(informativeStatement("X", "Miscarriage", "low", 0.7, "n")).toBe("X may result in a reduction in miscarriage (n).");
    expect(informativeStatement("X", "Live birth", "very low", 3, "n")).toBe("The evidence is very uncertain about the effect of X on live birth (n).");
    const lb = row(summaryOfFindingsTable(base, "intralipid"), "live-birth");
    expect(lb.statement).toMatch(/^Intralipid .* may result in an increase in live birth \(RR 1\.28, 95% CI 1\.14 to 1\.44; \d+ vs \d+ per 1,000\)\.$/);
  });
});
