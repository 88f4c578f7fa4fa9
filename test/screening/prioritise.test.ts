// The queue model on small hand-made data: features, weights, ordering, stopping aid, simulation metrics.
import { describe, expect, it } from "vitest";
import { doubleBalanceFactors, metricsFromOrder, naiveBayesWeights, prioritisedQueue, simulateScreening, stoppingAid, tfidfFeatures, tokenize } from "../../src/screening/index.js";

describe("TF-IDF + naive Bayes", () => {
  it("tokenizes, weighs and normalises", () => {
    expect(tokenize("The IVIG trial, in 2019: a Café study!")).toEqual(["ivig", "trial", "2019", "cafe"]);
    const X = tfidfFeatures(["ivig trial", "ivig ivig", "rats"]);
    expect(X.vocabularySize).toBe(3);
    for (const r of X.rows) expect(Math.hypot(...r.val)).toBeCloseTo(1, 12);
    // idf(ivig) = ln(4/3)+1, idf(trial) = ln(4/2)+1 → doc 0 components in that ratio
    const r0 = X.rows[0]!;
    expect((r0.val[1] as number) / (r0.val[0] as number)).toBeCloseTo((Math.log(2) + 1) / (Math.log(4 / 3) + 1), 12);
  });

  it("weights are the smoothed log-likelihood ratio (hand computation)", () => {
    const X = tfidfFeatures(["a1 b1", "c1"]);
    const w = naiveBayesWeights(X, [{ row: 0, relevant: true }, { row: 1, relevant: false }], 1);
    const r0 = X.rows[0]!;
    const t1 = (r0.val[0] as number) + (r0.val[1] as number);
    const t0 = X.rows[1]!.val[0] as number;
    // one record per class: double balancing leaves both weights at 1 (n1' is clamped to 1 of n = 2)
    expect(doubleBalanceFactors(1, 1)).toEqual({ relevant: 1, irrelevant: 1 });
    expect(w[0]).toBeCloseTo(Math.log((r0.val[0] as number) + 1) - Math.log(t1 + 3) - (Math.log(1) - Math.log(t0 + 3)), 12);
    // 2 relevant, 8 irrelevant: w1 = 2.155 (2/8)^-0.94, w0 = 1 - 0.211 / (1 + ln 10), n1' = w1·2·10 / (w1·2 + w0·8)
    const w1 = 2.155 * 0.25 ** -0.94;
    const w0 = 1 - 0.211 / (1 + Math.log(10));
    const n1 = (w1 * 2 * 10) / (w1 * 2 + w0 * 8);
    const f = doubleBalanceFactors(2, 8);
    expect(f.relevant).toBeCloseTo(n1 / 2, 12);
    expect(f.irrelevant).toBeCloseTo((10 - n1) / 8, 12);
    expect(f.relevant).toBeGreaterThan(f.irrelevant); // the rare class is weighted up
  });

  it("ranks records like the relevant ones first; keeps the given order before it can train", () => {
    const texts = ["immunoglobulin recurrent miscarriage trial", "rat liver enzymes", "immunoglobulin miscarriage randomised", "mouse liver model", "recurrent miscarriage immunoglobulin infusion", "liver enzymes in rats"];
    const X = tfidfFeatures(texts);
    expect(prioritisedQueue(X, [{ row: 0, relevant: true }]).map((q) => q.row)).toEqual([1, 2, 3, 4, 5]);
    const q = prioritisedQueue(X, [{ row: 0, relevant: true }, { row: 1, relevant: false }]);
    expect(q.slice(0, 2).map((e) => e.row).sort()).toEqual([2, 4]);
    expect(q[0]?.score).toBeGreaterThan(q[q.length - 1]?.score as number);
  });

  it("stopping aid counts consecutive irrelevant records and states its estimate as one", () => {
    const s = stoppingAid([true, false, true, false, false, false], 94, 4);
    expect(s.consecutiveIrrelevant).toBe(3);
    expect(s.recentRelevant).toBe(1);
    expect(s.estimatedRemainingRelevant).toBeCloseTo(23.5, 12);
    expect(s.statement).toMatch(/Estimate only/);
    expect(s.statement).toMatch(/every record is still screened by people/);
    // nothing screened: no rate, so no estimate ("the last 0 decisions" would be no estimate dressed as one)
    const none = stoppingAid([], 30);
    expect(none.estimatedRemainingRelevant).toBeNaN();
    expect(none.statement).toMatch(/^Nothing screened yet: no estimate of the relevant records among the 30 unscreened/);
    expect(none.statement).not.toMatch(/last 0 decisions/);
  });

  it("WSS@95 and recall@10% from an order (Cohen 2006 definition)", () => {
    const labels = Array.from({ length: 100 }, (_v, i) => i < 20);
    const perfect = metricsFromOrder(labels.map((_l, i) => i), labels);
    expect(perfect.n95).toBe(19);
    expect(perfect.wss95).toBeCloseTo((100 - 19) / 100 - 0.05, 12);
    expect(perfect.recallAt10).toBeCloseTo(10 / 20, 12);
    const worst = metricsFromOrder(labels.map((_l, i) => 99 - i), labels);
    expect(worst.n95).toBe(99);
  });

  it("a simulation on separable data beats random order", () => {
    const texts: string[] = [];
    const labels: boolean[] = [];
    for (let i = 0; i < 300; i++) {
      const rel = i % 15 === 0;
      labels.push(rel);
      texts.push(rel ? `immunoglobulin miscarriage trial w${i % 7}` : `topic${i % 11} liver rats w${i % 5} model${i % 3}`);
    }
    const X = tfidfFeatures(texts);
    const nb = simulateScreening(X, labels, { strategy: "naive_bayes", seed: 3 });
    const rnd = simulateScreening(X, labels, { strategy: "random", seed: 3 });
    expect(nb.wss95).toBeGreaterThan(0.8);
    expect(nb.recallAt10).toBeGreaterThan(0.9);
    expect(rnd.wss95).toBeLessThan(nb.wss95);
  });
});
