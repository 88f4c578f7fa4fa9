/**
 * Coverage of the evidence base (src/evidence/coverage.ts): counted from a small hand-built base, so each number
 * can be checked by eye, and the CLI prints the same numbers for the repository's base.
 */
import { describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { coverageTable, evidenceCoverage } from "../../src/evidence/coverage.js";
import { loadDefaultEvidenceBase } from "../../src/evidence/load.js";
import type { EvidenceBase, EvidenceTrial, EvidenceTrialOutcome } from "../../src/evidence/schema.js";

function outcome(id: string, kind: EvidenceTrialOutcome["outcome"], counts: [number, number, number, number] | null): EvidenceTrialOutcome {
  return {
    id,
    outcome: kind,
    definition: "as defined",
    analysis: "itt",
    events_t: counts?.[0] ?? null,
    total_t: counts?.[1] ?? null,
    events_c: counts?.[2] ?? null,
    total_c: counts?.[3] ?? null,
    status: counts === null ? "missing" : "reported",
    source: "s",
  };
}

function trial(id: string, therapy: EvidenceTrial["therapy"], outcomes: EvidenceTrialOutcome[], extra: Partial<EvidenceTrial> = {}): EvidenceTrial {
  return {
    id,
    label: id,
    year: 2000,
    therapy,
    comparison: "x vs placebo",
    found: true,
    design: { randomised: true, blinding: "double-blind", control: "placebo" },
    population: "women",
    inclusion: "three losses",
    arms: [],
    outcomes,
    subgroups: [],
    rob: null,
    source: "s",
    ...extra,
  };
}

const base: EvidenceBase = {
  sources: [{ id: "s", kind: "trial-report", citation: "Someone A. A trial. J 2000;1:1-2", pmid: "12345" }],
  therapies: [],
  guidelines: [],
  metaAnalyses: [],
  prisma: [],
  trials: [
    trial("a", "ivig", [outcome("lb", "live-birth", [5, 10, 4, 10]), outcome("mc", "miscarriage", null), outcome("ptb", "preterm-birth", [1, 5, 0, 4])], {
      rob2: {
        tool: "RoB2",
        assessor: "decidua",
        source: "s",
        outcome: "lb",
        answers: { D1: { "1.1": "Y", "1.2": "Y", "1.3": "N" } },
        overrides: {},
        judgements: { D1: "low", D2: "not assessed", D3: "not assessed", D4: "not assessed", D5: "not assessed" },
        overall: "not assessed",
        basis: "computer-generated sequence, sealed envelopes",
      },
    }),
    trial("b", "ivig", [outcome("op", "ongoing-pregnancy-20w", [3, 8, 2, 8])], { design: { randomised: false, blinding: "open", control: "no-treatment" } }),
    trial("c", "lit", [outcome("lb", "success", null)], {
      found: false,
      rob: {
        tool: "RoB1",
        assessor: "decidua",
        source: "s",
        domains: { random_sequence: "not assessed", allocation_concealment: "not assessed", blinding_participants: "not assessed", blinding_outcome: "not assessed", incomplete_outcome: "not assessed", selective_reporting: "not assessed", other_bias: "not assessed" },
        basis: "nothing judged",
      },
    }),
  ],
};

describe("evidenceCoverage", () => {
  const c = evidenceCoverage(base);
  const ivig = c.therapies.find((t) => t.therapy === "ivig");
  const lit = c.therapies.find((t) => t.therapy === "lit");

  it("counts trials, found, randomised and trials with any counts per therapy", () => {
    expect(ivig).toMatchObject({ trials: 2, found: 2, randomised: 1, trialsWithAnyCounts: 2, outcomeRowsWithCounts: 3, outcomeRowsMissing: 1 });
    expect(lit).toMatchObject({ trials: 1, found: 0, randomised: 1, trialsWithAnyCounts: 0, outcomeRowsWithCounts: 0, outcomeRowsMissing: 1 });
    expect(c.therapies).toHaveLength(11);
    expect(c.total.trials).toBe(3);
  });

  it("counts outcome families: counts vs a stated gap", () => {
    expect(ivig?.byOutcome["live-birth"]).toEqual({ trialsWithCounts: 1, trialsWithGapStated: 0 });
    expect(ivig?.byOutcome.miscarriage).toEqual({ trialsWithCounts: 0, trialsWithGapStated: 1 });
    expect(ivig?.byOutcome["ongoing-pregnancy"]).toEqual({ trialsWithCounts: 1, trialsWithGapStated: 0 });
    expect(ivig?.byOutcome["preterm-birth"]).toEqual({ trialsWithCounts: 1, trialsWithGapStated: 0 });
    expect(lit?.byOutcome["live-birth"]).toEqual({ trialsWithCounts: 0, trialsWithGapStated: 1 });
  });

  it("a RoB assessment counts only when at least one domain is judged", () => {
    expect(ivig?.trialsWithRob2).toBe(1);
    expect(ivig?.trialsWithRob1).toBe(0);
    expect(lit?.trialsWithRob1).toBe(0);
  });

  it("the table has a line per therapy and a total", () => {
    const lines = coverageTable(c).split("\n");
    expect(lines[0]).toMatch(/^therapy/);
    expect(lines.find((l) => l.startsWith("ivig"))?.trim().split(/\s+/).slice(1, 4)).toEqual(["2", "2", "1"]);
    expect(lines.some((l) => l.startsWith("TOTAL"))).toBe(true);
  });
});

describe("decidua evidence coverage", () => {
  it("prints the repository base's coverage as JSON, equal to the pure function", async () => {
    const out: string[] = [];
    const code = await main(["evidence", "coverage", "--json"], { out: (t) => void out.push(t), err: () => undefined });
    expect(code).toBe(0);
    expect(JSON.parse(out.join(""))).toEqual(evidenceCoverage(loadDefaultEvidenceBase()));
  });
});
