/**
 * RoB 2 algorithms: every answer combination of every domain is checked against a truth table written from the
 * guidance's criteria (low / some concerns / high in words), independently of the flow-chart code; each leaf of each
 * flow chart is reached by a hand-written case; follow-on applicability, overrides, overall rule, escalation and the
 * robvis table converter are tested.
 */
import { describe, expect, it } from "vitest";
import {
  ROB2_DOMAINS,
  ROB2_DOMAIN_LABELS,
  applicableQuestions,
  assessRob2,
  questionsOf,
  rob2DomainAlgorithm,
  rob2Overall,
  robTableFromRob2,
  type Rob2Answer,
  type Rob2AssessmentInput,
  type Rob2Answers,
  type Rob2Domain,
  type Rob2Judgement,
} from "../../src/evidence/rob2.js";
import { robDomainShares, robSummarySvg, robTrafficLightSvg } from "../../src/evidence/plots/rob.js";
import { InputError } from "../../src/shared/errors.js";
import { LOOP_ROB2 } from "../support/loop-fixture.js";

const Y = (a: Rob2Answer | undefined): boolean => a === "Y" || a === "PY";
const N = (a: Rob2Answer | undefined): boolean => a === "N" || a === "PN";
const NI = (a: Rob2Answer | undefined): boolean => a === "NI";
const YNI = (a: Rob2Answer | undefined): boolean => Y(a) || NI(a);
const NNI = (a: Rob2Answer | undefined): boolean => N(a) || NI(a);

/** The guidance's criteria tables, written as rules (not as the flow chart). */
const TRUTH: Record<Rob2Domain, (a: Rob2Answers) => Rob2Judgement> = {
  D1: (a) => {
    if (N(a["1.2"]) || (NI(a["1.2"]) && Y(a["1.3"]))) return "high";
    if (Y(a["1.2"]) && YNI(a["1.1"]) && NNI(a["1.3"])) return "low";
    return "some concerns";
  },
  D2: (a) => {
    const aware = YNI(a["2.1"]) || YNI(a["2.2"]);
    const p1: Rob2Judgement = !aware || N(a["2.3"]) ? "low" : Y(a["2.3"]) && YNI(a["2.4"]) && NNI(a["2.5"]) ? "high" : "some concerns";
    const p2: Rob2Judgement = Y(a["2.6"]) ? "low" : YNI(a["2.7"]) ? "high" : "some concerns";
    if (p1 === "high" || p2 === "high") return "high";
    return p1 === "low" && p2 === "low" ? "low" : "some concerns";
  },
  D3: (a) => {
    if (Y(a["3.1"]) || Y(a["3.2"]) || N(a["3.3"])) return "low";
    if (YNI(a["3.3"]) && YNI(a["3.4"])) return "high";
    return "some concerns";
  },
  D4: (a) => {
    if (Y(a["4.1"]) || Y(a["4.2"]) || (YNI(a["4.3"]) && YNI(a["4.4"]) && YNI(a["4.5"]))) return "high";
    if (N(a["4.2"]) && (N(a["4.3"]) || N(a["4.4"]))) return "low";
    return "some concerns";
  },
  D5: (a) => {
    if (Y(a["5.2"]) || Y(a["5.3"])) return "high";
    if (Y(a["5.1"]) && N(a["5.2"]) && N(a["5.3"])) return "low";
    return "some concerns";
  },
};

/** Every combination of answers a reviewer can give (non-applicable follow-on questions left out). */
function enumerate(domain: Rob2Domain): Rob2Answers[] {
  const qs = questionsOf(domain);
  const out: Rob2Answers[] = [];
  const walk = (i: number, acc: Rob2Answers): void => {
    if (i === qs.length) {
      out.push({ ...acc });
      return;
    }
    const q = qs[i]!;
    if (q.appliesWhen !== undefined && !q.appliesWhen.test(acc)) return walk(i + 1, acc);
    for (const o of q.options) {
      if (o === "NA") continue;
      walk(i + 1, { ...acc, [q.id]: o });
    }
  };
  walk(0, {});
  return out;
}

const EXPECTED_COUNTS: Record<Rob2Domain, number> = { D1: 125, D2: 13277, D3: 110, D4: 493, D5: 125 };
const LEAVES: Record<Rob2Domain, string[]> = {
  D1: ["D1.1", "D1.2", "D1.3", "D1.4", "D1.5", "D1.6"],
  D2: ["D2a.1", "D2a.2", "D2a.3", "D2a.4", "D2a.5", "D2a.6", "D2b.1", "D2b.2", "D2b.3"],
  D3: ["D3.1", "D3.2", "D3.3", "D3.4", "D3.5"],
  D4: ["D4.1", "D4.2", "D4.3", "D4.4", "D4.5", "D4.6", "D4.7", "D4.8", "D4.9", "D4.10"],
  D5: ["D5.1", "D5.2", "D5.3", "D5.4"],
};

describe("RoB 2 domain algorithms: all answer combinations against the guidance's criteria", () => {
  for (const d of ROB2_DOMAINS) {
    it(`${d}: every combination (${EXPECTED_COUNTS[d]}) matches the truth table and every leaf is reached`, () => {
      const all = enumerate(d);
      expect(all.length).toBe(EXPECTED_COUNTS[d]);
      const seen = new Set<string>();
      const counts: Record<Rob2Judgement, number> = { low: 0, "some concerns": 0, high: 0 };
      for (const answers of all) {
        const r = rob2DomainAlgorithm(d, answers);
        if (r.judgement !== TRUTH[d](answers)) throw new Error(`${d} ${JSON.stringify(answers)}: algorithm ${r.judgement}, criteria ${TRUTH[d](answers)}`);
        for (const l of r.leaf.split("+")) seen.add(l);
        counts[r.judgement] += 1;
      }
      expect([...seen].sort()).toEqual([...LEAVES[d]].sort());
      // every judgement occurs in every domain
      expect(counts.low).toBeGreaterThan(0);
      expect(counts["some concerns"]).toBeGreaterThan(0);
      expect(counts.high).toBeGreaterThan(0);
    });
  }
});

/** One hand-written case per leaf of each flow chart: answers, leaf, judgement. */
const LEAF_CASES: { d: Rob2Domain; a: Rob2Answers; leaf: string; j: Rob2Judgement }[] = [
  { d: "D1", a: { "1.1": "Y", "1.2": "N", "1.3": "N" }, leaf: "D1.1", j: "high" },
  { d: "D1", a: { "1.1": "PN", "1.2": "Y", "1.3": "N" }, leaf: "D1.2", j: "some concerns" },
  { d: "D1", a: { "1.1": "Y", "1.2": "PY", "1.3": "PY" }, leaf: "D1.3", j: "some concerns" },
  { d: "D1", a: { "1.1": "NI", "1.2": "Y", "1.3": "NI" }, leaf: "D1.4", j: "low" },
  { d: "D1", a: { "1.1": "Y", "1.2": "NI", "1.3": "Y" }, leaf: "D1.5", j: "high" },
  { d: "D1", a: { "1.1": "NI", "1.2": "NI", "1.3": "NI" }, leaf: "D1.6", j: "some concerns" },
  { d: "D2", a: { "2.1": "N", "2.2": "PN", "2.6": "Y" }, leaf: "D2a.1+D2b.1", j: "low" },
  { d: "D2", a: { "2.1": "Y", "2.2": "N", "2.3": "N", "2.6": "PY" }, leaf: "D2a.2+D2b.1", j: "low" },
  { d: "D2", a: { "2.1": "NI", "2.2": "N", "2.3": "NI", "2.6": "Y" }, leaf: "D2a.3+D2b.1", j: "some concerns" },
  { d: "D2", a: { "2.1": "Y", "2.2": "Y", "2.3": "Y", "2.4": "PN", "2.6": "Y" }, leaf: "D2a.4+D2b.1", j: "some concerns" },
  { d: "D2", a: { "2.1": "Y", "2.2": "Y", "2.3": "PY", "2.4": "NI", "2.5": "Y", "2.6": "Y" }, leaf: "D2a.5+D2b.1", j: "some concerns" },
  { d: "D2", a: { "2.1": "Y", "2.2": "Y", "2.3": "Y", "2.4": "Y", "2.5": "NI", "2.6": "Y" }, leaf: "D2a.6+D2b.1", j: "high" },
  { d: "D2", a: { "2.1": "N", "2.2": "N", "2.6": "PN", "2.7": "N" }, leaf: "D2a.1+D2b.2", j: "some concerns" },
  { d: "D2", a: { "2.1": "N", "2.2": "N", "2.6": "NI", "2.7": "NI" }, leaf: "D2a.1+D2b.3", j: "high" },
  { d: "D3", a: { "3.1": "Y" }, leaf: "D3.1", j: "low" },
  { d: "D3", a: { "3.1": "N", "3.2": "PY" }, leaf: "D3.2", j: "low" },
  { d: "D3", a: { "3.1": "NI", "3.2": "N", "3.3": "PN" }, leaf: "D3.3", j: "low" },
  { d: "D3", a: { "3.1": "PN", "3.2": "N", "3.3": "NI", "3.4": "N" }, leaf: "D3.4", j: "some concerns" },
  { d: "D3", a: { "3.1": "N", "3.2": "PN", "3.3": "Y", "3.4": "NI" }, leaf: "D3.5", j: "high" },
  { d: "D4", a: { "4.1": "PY", "4.2": "N" }, leaf: "D4.1", j: "high" },
  { d: "D4", a: { "4.1": "N", "4.2": "Y" }, leaf: "D4.2", j: "high" },
  { d: "D4", a: { "4.1": "N", "4.2": "N", "4.3": "N" }, leaf: "D4.3", j: "low" },
  { d: "D4", a: { "4.1": "NI", "4.2": "PN", "4.3": "Y", "4.4": "PN" }, leaf: "D4.4", j: "low" },
  { d: "D4", a: { "4.1": "N", "4.2": "N", "4.3": "Y", "4.4": "Y", "4.5": "N" }, leaf: "D4.5", j: "some concerns" },
  { d: "D4", a: { "4.1": "N", "4.2": "N", "4.3": "NI", "4.4": "NI", "4.5": "NI" }, leaf: "D4.6", j: "high" },
  { d: "D4", a: { "4.1": "N", "4.2": "NI", "4.3": "N" }, leaf: "D4.7", j: "some concerns" },
  { d: "D4", a: { "4.1": "N", "4.2": "NI", "4.3": "Y", "4.4": "N" }, leaf: "D4.8", j: "some concerns" },
  { d: "D4", a: { "4.1": "N", "4.2": "NI", "4.3": "Y", "4.4": "Y", "4.5": "PN" }, leaf: "D4.9", j: "some concerns" },
  { d: "D4", a: { "4.1": "N", "4.2": "NI", "4.3": "Y", "4.4": "Y", "4.5": "PY" }, leaf: "D4.10", j: "high" },
  { d: "D5", a: { "5.1": "Y", "5.2": "N", "5.3": "PY" }, leaf: "D5.1", j: "high" },
  { d: "D5", a: { "5.1": "Y", "5.2": "NI", "5.3": "N" }, leaf: "D5.2", j: "some concerns" },
  { d: "D5", a: { "5.1": "PY", "5.2": "N", "5.3": "PN" }, leaf: "D5.3", j: "low" },
  { d: "D5", a: { "5.1": "NI", "5.2": "N", "5.3": "N" }, leaf: "D5.4", j: "some concerns" },
];

describe("RoB 2: one case per leaf of each flow chart", () => {
  for (const c of LEAF_CASES) {
    it(`${c.leaf}: ${JSON.stringify(c.a)} -> ${c.j}`, () => {
      const r = rob2DomainAlgorithm(c.d, c.a);
      expect(r.leaf).toBe(c.leaf);
      expect(r.judgement).toBe(c.j);
    });
  }
  it("covers every leaf", () => {
    const covered = new Set(LEAF_CASES.flatMap((c) => c.leaf.split("+")));
    for (const d of ROB2_DOMAINS) for (const l of LEAVES[d]) expect(covered.has(l), l).toBe(true);
  });
  it("the path lists the questions visited in flow-chart order", () => {
    expect(rob2DomainAlgorithm("D1", { "1.1": "Y", "1.2": "Y", "1.3": "N" }).path).toEqual(["1.2=Y", "1.1=Y", "1.3=N"]);
    expect(rob2DomainAlgorithm("D5", { "5.1": "Y", "5.2": "N", "5.3": "N" }).path).toEqual(["5.2=N", "5.3=N", "5.1=Y"]);
  });
});

describe("RoB 2: follow-on questions", () => {
  it("2.3 applies only after Y/PY/NI to 2.1 or 2.2; 2.4 after Y/PY to 2.3; 2.5 after Y/PY/NI to 2.4; 2.7 after N/PN/NI to 2.6", () => {
    expect(applicableQuestions("D2", { "2.1": "N", "2.2": "PN", "2.6": "Y" })).toEqual(["2.1", "2.2", "2.6"]);
    expect(applicableQuestions("D2", { "2.1": "N", "2.2": "NI" })).toEqual(["2.1", "2.2", "2.3", "2.6"]);
    expect(applicableQuestions("D2", { "2.1": "Y", "2.2": "N", "2.3": "NI" })).toEqual(["2.1", "2.2", "2.3", "2.6"]);
    expect(applicableQuestions("D2", { "2.1": "Y", "2.2": "N", "2.3": "PY", "2.4": "PN" })).toEqual(["2.1", "2.2", "2.3", "2.4", "2.6"]);
    expect(applicableQuestions("D2", { "2.1": "Y", "2.2": "N", "2.3": "PY", "2.4": "NI", "2.6": "NI" })).toEqual(["2.1", "2.2", "2.3", "2.4", "2.5", "2.6", "2.7"]);
  });
  it("domain 3: 3.2 after N/PN/NI to 3.1, 3.3 after N/PN to 3.2, 3.4 after Y/PY/NI to 3.3", () => {
    expect(applicableQuestions("D3", { "3.1": "PY" })).toEqual(["3.1"]);
    expect(applicableQuestions("D3", { "3.1": "NI", "3.2": "Y" })).toEqual(["3.1", "3.2"]);
    expect(applicableQuestions("D3", { "3.1": "N", "3.2": "PN", "3.3": "N" })).toEqual(["3.1", "3.2", "3.3"]);
    expect(applicableQuestions("D3", { "3.1": "N", "3.2": "PN", "3.3": "NI" })).toEqual(["3.1", "3.2", "3.3", "3.4"]);
  });
  it("domain 4: 4.3 only if N/PN/NI to both 4.1 and 4.2; 4.4 after Y/PY/NI to 4.3; 4.5 after Y/PY/NI to 4.4", () => {
    expect(applicableQuestions("D4", { "4.1": "Y", "4.2": "N" })).toEqual(["4.1", "4.2"]);
    expect(applicableQuestions("D4", { "4.1": "N", "4.2": "PY" })).toEqual(["4.1", "4.2"]);
    expect(applicableQuestions("D4", { "4.1": "NI", "4.2": "NI", "4.3": "PN" })).toEqual(["4.1", "4.2", "4.3"]);
    expect(applicableQuestions("D4", { "4.1": "N", "4.2": "N", "4.3": "NI", "4.4": "PY" })).toEqual(["4.1", "4.2", "4.3", "4.4", "4.5"]);
  });
  it("domains 1 and 5 have no follow-on questions", () => {
    expect(applicableQuestions("D1", {})).toEqual(["1.1", "1.2", "1.3"]);
    expect(applicableQuestions("D5", {})).toEqual(["5.1", "5.2", "5.3"]);
  });
  it("NA is accepted for a question that does not apply, and gives the same judgement as leaving it out", () => {
    const left = rob2DomainAlgorithm("D3", { "3.1": "Y" });
    const na = rob2DomainAlgorithm("D3", { "3.1": "Y", "3.2": "NA", "3.3": "NA", "3.4": "NA" });
    expect(na).toEqual(left);
  });
  it("rejects an answer to a question that does not apply, NA on an applicable one, a missing one, NI on 3.2, NA on a main question", () => {
    expect(() => rob2DomainAlgorithm("D3", { "3.1": "Y", "3.2": "N" })).toThrow(/3\.2 applies only if N\/PN\/NI to 3\.1/);
    expect(() => rob2DomainAlgorithm("D2", { "2.1": "Y", "2.2": "N", "2.3": "NA", "2.6": "Y" })).toThrow(/2\.3: "NA" is not an allowed answer/);
    expect(() => rob2DomainAlgorithm("D4", { "4.1": "N", "4.2": "N" })).toThrow(/4\.3 is not answered/);
    expect(() => rob2DomainAlgorithm("D3", { "3.1": "N", "3.2": "NI" })).toThrow(/3\.2: "NI" is not an allowed answer/);
    expect(() => rob2DomainAlgorithm("D1", { "1.1": "NA", "1.2": "Y", "1.3": "N" })).toThrow(InputError);
    expect(() => rob2DomainAlgorithm("D1", { "1.1": "Y", "1.2": "Y", "1.3": "N", "2.1": "N" })).toThrow(/2\.1 is not a signalling question of D1/);
  });
});

/** Answers the published algorithms judge low in every domain (the loop fixture's). */
const LOW_ALL = LOOP_ROB2;

describe("RoB 2: overall judgement", () => {
  it("all 4^5 combinations of domain judgements follow: any high -> high; all low -> low; a domain not assessed -> not assessed; else some concerns", () => {
    const vals = ["low", "some concerns", "high", "not assessed"] as const;
    let n = 0;
    const rec = (acc: (typeof vals)[number][]): void => {
      if (acc.length === 5) {
        n++;
        const expected = acc.some((j) => j === "high") ? "high" : acc.some((j) => j === "not assessed") ? "not assessed" : acc.every((j) => j === "low") ? "low" : "some concerns";
        expect(rob2Overall(acc)).toBe(expected);
        return;
      }
      for (const v of vals) rec([...acc, v]);
    };
    rec([]);
    expect(n).toBe(1024);
  });
  it("an assessment with all domains low is low overall; one domain with some concerns makes it some concerns", () => {
    expect(assessRob2({ study: "A", answers: LOW_ALL }).overall).toEqual({ algorithm: "low", escalation: null, final: "low" });
    const sc = assessRob2({ study: "A", answers: { ...LOW_ALL, D5: { "5.1": "NI", "5.2": "N", "5.3": "N" } } });
    expect(sc.overall.final).toBe("some concerns");
    expect(sc.domains.D5.leaf).toBe("D5.4");
  });
  it("a reviewer may escalate multiple some-concerns domains to high, with a written reason; not otherwise", () => {
    const two: Rob2AssessmentInput["answers"] = { ...LOW_ALL, D1: { "1.1": "NI", "1.2": "NI", "1.3": "NI" }, D5: { "5.1": "NI", "5.2": "N", "5.3": "N" } };
    const esc = assessRob2({ study: "A", answers: two, overallEscalation: { reason: "concealment unknown and no registered plan together" } });
    expect(esc.overall).toEqual({ algorithm: "some concerns", escalation: { reason: "concealment unknown and no registered plan together" }, final: "high" });
    expect(() => assessRob2({ study: "A", answers: two, overallEscalation: { reason: "  " } })).toThrow(/written reason/);
    const one: Rob2AssessmentInput["answers"] = { ...LOW_ALL, D5: { "5.1": "NI", "5.2": "N", "5.3": "N" } };
    expect(() => assessRob2({ study: "A", answers: one, overallEscalation: { reason: "x" } })).toThrow(/at least two domains/);
    expect(() => assessRob2({ study: "A", answers: LOW_ALL, overallEscalation: { reason: "x" } })).toThrow(/overall is "low"/);
  });
});

describe("RoB 2: reviewer override of a domain judgement", () => {
  it("keeps the algorithm's judgement and the final one, with the reason, and the overall follows the final", () => {
    const r = assessRob2({ study: "A", answers: LOW_ALL, overrides: { D3: { judgement: "high", reason: "losses differ by arm for reasons tied to the outcome" } } });
    expect(r.domains.D3.algorithm).toBe("low");
    expect(r.domains.D3.final).toBe("high");
    expect(r.domains.D3.override).toEqual({ judgement: "high", reason: "losses differ by arm for reasons tied to the outcome" });
    expect(r.overall.final).toBe("high");
    expect(r.domains.D1.override).toBeNull();
    expect(r.domains.D1.final).toBe(r.domains.D1.algorithm);
  });
  it("rejects an override without a reason, with an empty or blank reason, and on a domain without answers", () => {
    expect(() => assessRob2({ study: "A", answers: LOW_ALL, overrides: { D3: { judgement: "high" } as never } })).toThrow(InputError);
    expect(() => assessRob2({ study: "A", answers: LOW_ALL, overrides: { D3: { judgement: "high", reason: "" } } })).toThrow(/written reason/);
    try {
      assessRob2({ study: "A", answers: LOW_ALL, overrides: { D3: { judgement: "high", reason: " \n " } } });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      expect((e as InputError).location.field).toBe("overrides.D3.reason");
    }
    const { D4: _d4, ...noD4 } = LOW_ALL;
    expect(() => assessRob2({ study: "A", answers: noD4, overrides: { D4: { judgement: "low", reason: "x" } } })).toThrow(/D4 has no answers/);
  });
  it("rejects a judgement that is not low / some concerns / high", () => {
    expect(() => assessRob2({ study: "A", answers: LOW_ALL, overrides: { D1: { judgement: "unclear" as never, reason: "x" } } })).toThrow(InputError);
  });
  it("rejects an unknown domain key instead of dropping it", () => {
    expect(() => assessRob2({ study: "A", answers: { ...LOW_ALL, D6: { "6.1": "Y" } } as never })).toThrow(InputError);
    expect(() => assessRob2({ study: "A", answers: LOW_ALL, overrides: { D0: { judgement: "low", reason: "x" } } as never })).toThrow(InputError);
  });
  it("names the study and domain when answers are incomplete", () => {
    expect(() => assessRob2({ study: "Trial X", answers: { ...LOW_ALL, D2: { "2.1": "Y", "2.2": "N", "2.6": "Y" } } })).toThrow(/study "Trial X": 2\.3 is not answered/);
  });
});

describe("RoB 2 -> robvis table", () => {
  const full = assessRob2({ study: "Trial A", outcome: "live birth", answers: LOW_ALL, weight: 120 });
  const partial = assessRob2({ study: "Trial B", answers: { D1: { "1.1": "Y", "1.2": "N", "1.3": "N" }, D3: { "3.1": "Y" } } });
  const unknown = assessRob2({ study: "Trial C", answers: { D5: { "5.1": "NI", "5.2": "N", "5.3": "N" } } });
  const table = robTableFromRob2([full, partial, unknown]);

  it("carries the final judgements; domains without answers stay 'not assessed'", () => {
    expect(table.tool).toBe("RoB2");
    expect(table.domains).toEqual(ROB2_DOMAINS.map((d) => ROB2_DOMAIN_LABELS[d]));
    expect(table.studies[0]).toEqual({
      study: "Trial A (live birth)",
      judgements: Object.fromEntries(table.domains.map((d) => [d, "low"])),
      overall: "low",
      weight: 120,
    });
    expect(table.studies[1]!.judgements[ROB2_DOMAIN_LABELS.D1]).toBe("high");
    expect(table.studies[1]!.judgements[ROB2_DOMAIN_LABELS.D2]).toBe("not assessed");
    expect(table.studies[1]!.overall).toBe("high"); // one high domain decides the overall
    expect(table.studies[2]!.overall).toBe("not assessed"); // some concerns + 4 unassessed: cannot be said
  });
  it("draws traffic-light and summary plots with grey 'not assessed' cells", () => {
    const svg = robTrafficLightSvg(table);
    expect(svg).toContain('data-judgement="not assessed"');
    expect(svg).toContain('data-study="Trial B" data-domain="Bias due to deviations from intended interventions" data-judgement="not assessed"');
    expect(svg).toContain("Not assessed");
    expect(robSummarySvg(table)).toContain("<svg");
    const shares = robDomainShares(table, ROB2_DOMAIN_LABELS.D2);
    expect(shares["not assessed"]).toBeCloseTo(2 / 3, 12);
    expect(shares.low).toBeCloseTo(1 / 3, 12);
  });
  it("keeps an override's final judgement in the plot", () => {
    const o = assessRob2({ study: "Trial D", answers: LOW_ALL, overrides: { D4: { judgement: "some concerns", reason: "assessors knew the arm" } } });
    const t = robTableFromRob2([o]);
    expect(t.studies[0]!.judgements[ROB2_DOMAIN_LABELS.D4]).toBe("some concerns");
    expect(t.studies[0]!.overall).toBe("some concerns");
  });
  it("refuses an empty list", () => {
    expect(() => robTableFromRob2([])).toThrow(InputError);
  });
});
