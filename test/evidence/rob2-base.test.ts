/**
 * RoB 2 judgements stored in data/trials.json are checked by `decidua evidence validate`: the stored domain and
 * overall judgements must be what the published algorithms (src/evidence/rob2.ts) give for the stored answers.
 */
import { describe, expect, it } from "vitest";
import { loadDefaultEvidenceBase } from "../../src/evidence/load.js";
import { parseEvidenceContent } from "../../src/evidence/parse.js";
import { assessRob2, ROB2_DOMAINS } from "../../src/evidence/rob2.js";
import type { EvidenceBase } from "../../src/evidence/schema.js";

const base = loadDefaultEvidenceBase();
const withRob2 = base.trials.filter((t) => t.rob2 !== undefined);

function reparse(b: EvidenceBase) {
  return parseEvidenceContent({ ...b }).problems;
}

describe("RoB 2 in the evidence base", () => {
  it("every stored assessment equals the algorithm's result for its answers, and names an outcome row of its trial", () => {
    expect(withRob2.length).toBeGreaterThan(0);
    for (const t of withRob2) {
      const r = t.rob2!;
      expect(t.outcomes.map((o) => o.id)).toContain(r.outcome);
      const a = assessRob2({ study: t.label, outcome: r.outcome, answers: r.answers, overrides: r.overrides });
      for (const d of ROB2_DOMAINS) expect(r.judgements[d], `${t.id} ${d}`).toBe(a.domains[d].final);
      expect(r.overall).toBe(a.overall.final);
    }
  });

  it("a stored judgement that the answers do not give is refused, naming the trial and the domain", () => {
    const t = withRob2[0]!;
    const wrong = t.rob2!.judgements.D1 === "high" ? "low" : "high";
    const broken: EvidenceBase = { ...base, trials: base.trials.map((x) => (x.id === t.id ? { ...x, rob2: { ...x.rob2!, judgements: { ...x.rob2!.judgements, D1: wrong } } } : x)) };
    const problems = reparse(broken);
    expect(problems).toContainEqual(expect.objectContaining({ file: "trials.json", entry: `${t.id} / rob2`, field: "rob2.judgements.D1" }));
  });

  it("answers that break the flow (an unanswered applicable question) are refused", () => {
    const t = withRob2[0]!;
    const broken: EvidenceBase = { ...base, trials: base.trials.map((x) => (x.id === t.id ? { ...x, rob2: { ...x.rob2!, answers: { ...x.rob2!.answers, D1: { "1.1": "Y" } } } } : x)) };
    const problems = reparse(broken);
    expect(problems.some((p) => p.entry === `${t.id} / rob2` && /not answered/.test(p.message))).toBe(true);
  });

  it("an outcome the trial does not have is refused", () => {
    const t = withRob2[0]!;
    const broken: EvidenceBase = { ...base, trials: base.trials.map((x) => (x.id === t.id ? { ...x, rob2: { ...x.rob2!, outcome: "no-such-outcome" } } : x)) };
    expect(reparse(broken)).toContainEqual(expect.objectContaining({ entry: `${t.id} / rob2`, field: "rob2.outcome" }));
  });
});

describe("guideline positions", () => {
  it("a verified position without the location of its passage is refused", () => {
    const v = base.guidelines.find((g) => g.verified)!;
    expect(v.location).toBeDefined();
    const { location: _dropped, ...rest } = v;
    const problems = reparse({ ...base, guidelines: base.guidelines.map((g) => (g.id === v.id ? rest : g)) });
    expect(problems).toContainEqual(expect.objectContaining({ file: "guidelines.json", entry: v.id, field: "location" }));
  });
});
