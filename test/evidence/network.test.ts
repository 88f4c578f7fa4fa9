/**
 * The live-birth network built from the evidence base: which trials enter, the caveats, and the numbers. In a star
 * network (every trial vs placebo, no loop) the fixed-effect network estimate of a therapy is exactly the
 * fixed-effect pooled OR of its own placebo-controlled trials, which the pairwise engine (checked against metafor)
 * computes independently.
 */
import { describe, expect, it } from "vitest";
import { liveBirthNetwork, liveBirthNetworkTrials, NETWORK_PLACEBO } from "../../src/evidence/network.js";
import { loadDefaultEvidenceBase } from "../../src/evidence/load.js";
import { placeboRctRows } from "../../src/evidence/select.js";
import { metaAnalysis } from "../../src/stats/meta.js";
import { networkMetaAnalysis, prepareNetwork } from "../../src/stats/nma/index.js";
import { THERAPY_IDS, THERAPY_NAMES } from "../../src/shared/therapies.js";

const base = loadDefaultEvidenceBase();

describe("live-birth network from the evidence base", () => {
  const net = liveBirthNetwork(base);

  it("takes every placebo-controlled RCT with live-birth counts, once, with its own outcome definition", () => {
    const expected = THERAPY_IDS.flatMap((t) => placeboRctRows(base, t).map((r) => r.trial.id));
    expect(net.trials.map((t) => t.trial)).toEqual(expected);
    expect(net.trials.length).toBeGreaterThanOrEqual(2);
    for (const t of net.trials) expect(t.definition.length).toBeGreaterThan(0);
  });

  it("states the caveats: indirect only, no loop, sparse, mixed definitions, and names the therapies left out", () => {
    const text = net.caveats.join("\n");
    expect(text).toContain("Indirect only");
    expect(text).toContain("No closed loop");
    expect(text).toContain("Sparse");
    if (new Set(net.trials.map((t) => `${t.outcome} (${t.analysis})`)).size > 1) expect(text).toContain("Mixed outcome definitions");
    for (const m of net.missing) expect(text).toContain(m);
  });

  it("is a star around placebo: no node-splitting, no between-design inconsistency", () => {
    const r = net.result;
    expect(r).not.toBeNull();
    expect(r?.reference).toBe(NETWORK_PLACEBO);
    expect(r?.node_split).toEqual([]);
    expect(r?.inconsistency.between_designs.df).toBe(0);
    expect(r?.pscore_direction).toBe("larger is better");
  });

  it("fixed effect: each therapy's network OR equals the pairwise fixed-effect pooled OR of its trials", () => {
    const trials = liveBirthNetworkTrials(base);
    const input = trials.map((t) => ({
      study: t.study,
      kind: "arms" as const,
      arms: [
        { kind: "binary" as const, treatment: NETWORK_PLACEBO, events: t.events_c, total: t.total_c },
        { kind: "binary" as const, treatment: t.treatment, events: t.events_t, total: t.total_t },
      ],
    }));
    const fixed = networkMetaAnalysis(prepareNetwork(input, "OR"), { reference: NETWORK_PLACEBO, model: "fixed" });
    for (const therapy of THERAPY_IDS) {
      const rows = placeboRctRows(base, therapy);
      if (rows.length === 0) continue;
      const pairwise = metaAnalysis(
        rows.map((r) => ({ study: r.trial.id, data: { kind: "binary" as const, ...r.counts } })),
        { measure: "OR", model: "fixed" },
      );
      const e = fixed.estimates.find((x) => x.treatment === THERAPY_NAMES[therapy]);
      expect(Math.abs((e?.estimate ?? NaN) - pairwise.pooled.estimate)).toBeLessThan(1e-10);
      expect(Math.abs((e?.se ?? NaN) - pairwise.pooled.se)).toBeLessThan(1e-10);
    }
  });
});
