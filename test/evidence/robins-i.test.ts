/**
 * ROBINS-I: every answer combination of every domain (over the questions that apply) is checked against rules
 * written from the 2016 guidance's criteria in words, independently of the flow code; every named leaf of every
 * domain is reached; follow-on applicability, overrides with reasons, the overall rule and the robvis table are tested.
 */
import { describe, expect, it } from "vitest";
import {
  ROBINS_DOMAINS,
  ROBINS_DOMAIN_LABELS,
  assessRobinsI,
  robinsApplicableQuestions,
  robinsDomainAlgorithm,
  robinsOverall,
  robinsQuestionsOf,
  robTableFromRobinsI,
  type RobinsAnswer,
  type RobinsAnswers,
  type RobinsDomain,
  type RobinsJudgement,
} from "../../src/evidence/robins-i.js";
import { robSummarySvg, robTrafficLightSvg, robDomainShares } from "../../src/evidence/plots/rob.js";
import { InputError } from "../../src/shared/errors.js";

const Y = (a: RobinsAnswer | undefined): boolean => a === "Y" || a === "PY";
const N = (a: RobinsAnswer | undefined): boolean => a === "N" || a === "PN";
const NI = (a: RobinsAnswer | undefined): boolean => a === "NI";

/** The criteria, as rules over the answers. */
const TRUTH: Record<RobinsDomain, (a: RobinsAnswers) => RobinsJudgement> = {
  D1: (a) => {
    if (N(a["1.1"])) return "low";
    const timeVarying = Y(a["1.2"]) && Y(a["1.3"]);
    const [control, valid] = timeVarying ? [a["1.7"], a["1.8"]] : [a["1.4"], a["1.5"]];
    const postIntervention = timeVarying ? undefined : a["1.6"];
    if (N(control) || (Y(control) && N(valid)) || Y(postIntervention)) return "serious";
    if (NI(control) || NI(valid) || NI(postIntervention)) return "no information";
    return "moderate";
  },
  D2: (a) => {
    const relatedSelection = Y(a["2.1"]) && Y(a["2.2"]) && Y(a["2.3"]);
    const lateStart = N(a["2.4"]);
    if (relatedSelection || lateStart) return Y(a["2.5"]) ? "moderate" : N(a["2.5"]) ? "serious" : "no information";
    const fine = (N(a["2.1"]) || (Y(a["2.1"]) && N(a["2.2"])) || (Y(a["2.1"]) && Y(a["2.2"]) && N(a["2.3"]))) && Y(a["2.4"]);
    return fine ? "low" : "no information";
  },
  D3: (a) => {
    if (N(a["3.1"]) || Y(a["3.3"])) return "serious";
    if ([a["3.1"], a["3.2"], a["3.3"]].some(NI)) return "no information";
    return N(a["3.2"]) ? "moderate" : "low";
  },
  D4: (a) => (N(a["4.1"]) ? "low" : NI(a["4.1"]) ? "no information" : Y(a["4.2"]) ? "serious" : N(a["4.2"]) ? "moderate" : "no information"),
  D5: (a) => {
    const complete = Y(a["5.1"]) && N(a["5.2"]) && N(a["5.3"]);
    if (complete) return "low";
    const missing = N(a["5.1"]) || Y(a["5.2"]) || Y(a["5.3"]);
    if (!missing) return "no information";
    if (Y(a["5.4"]) || Y(a["5.5"])) return "low";
    return N(a["5.4"]) && N(a["5.5"]) ? "serious" : "no information";
  },
  D6: (a) => {
    if (N(a["6.3"]) || Y(a["6.4"]) || (Y(a["6.1"]) && Y(a["6.2"]))) return "serious";
    return Y(a["6.3"]) && N(a["6.4"]) && (N(a["6.1"]) || N(a["6.2"])) ? "low" : "no information";
  },
  D7: (a) => {
    const qs = [a["7.1"], a["7.2"], a["7.3"]];
    if (qs.some(Y)) return "serious";
    return qs.every(N) ? "low" : "no information";
  },
};

/** Every complete answer set of a domain over the questions that apply (follow-on questions left out when they do not). */
function allAnswerSets(domain: RobinsDomain): RobinsAnswers[] {
  const qs = robinsQuestionsOf(domain);
  const out: RobinsAnswers[] = [];
  const rec = (i: number, a: RobinsAnswers): void => {
    if (i === qs.length) {
      out.push({ ...a });
      return;
    }
    const q = qs[i]!;
    if (q.appliesWhen !== undefined && !q.appliesWhen.test(a)) {
      rec(i + 1, a);
      return;
    }
    for (const o of q.options.filter((x) => x !== "NA")) rec(i + 1, { ...a, [q.id]: o });
  };
  rec(0, {});
  return out;
}

const LEAVES: Record<RobinsDomain, string[]> = {
  D1: ["D1.1", "D1.2", "D1.3", "D1.4", "D1.5", "D1.6", "D1.7", "D1.8", "D1.9", "D1.10"],
  D2: ["D2.1", "D2.2", "D2.3", "D2.4", "D2.5"],
  D3: ["D3.1", "D3.2", "D3.3", "D3.4", "D3.5"],
  D4: ["D4.1", "D4.2", "D4.3", "D4.4", "D4.5"],
  D5: ["D5.1", "D5.2", "D5.3", "D5.4", "D5.5", "D5.6"],
  D6: ["D6.1", "D6.2", "D6.3", "D6.4", "D6.5"],
  D7: ["D7.1", "D7.2", "D7.3"],
};

describe.each(ROBINS_DOMAINS)("ROBINS-I %s", (domain) => {
  const sets = allAnswerSets(domain);
  it(`every answer combination gives the criteria's judgement (${domain})`, () => {
    expect(sets.length).toBeGreaterThan(3);
    for (const a of sets) expect({ a, j: robinsDomainAlgorithm(domain, a).judgement }).toEqual({ a, j: TRUTH[domain](a) });
  });
  it(`every leaf of ${domain} is reached, and only those`, () => {
    const reached = new Set(sets.map((a) => robinsDomainAlgorithm(domain, a).leaf));
    expect([...reached].sort()).toEqual([...LEAVES[domain]].sort());
  });
});

describe("ROBINS-I follow-on questions", () => {
  it("no potential for confounding ends domain 1 at low; the other questions then must be NA or absent", () => {
    expect(robinsApplicableQuestions("D1", { "1.1": "N" })).toEqual(["1.1"]);
    expect(robinsDomainAlgorithm("D1", { "1.1": "PN", "1.2": "NA" }).judgement).toBe("low");
    expect(() => robinsDomainAlgorithm("D1", { "1.1": "N", "1.4": "Y" })).toThrow(/applies only if/);
  });
  it("switches related to prognosis route domain 1 to the time-varying questions", () => {
    expect(robinsApplicableQuestions("D1", { "1.1": "Y", "1.2": "Y", "1.3": "PY" })).toEqual(["1.1", "1.2", "1.3", "1.7"]);
    expect(robinsApplicableQuestions("D1", { "1.1": "Y", "1.2": "N", "1.4": "Y" })).toEqual(["1.1", "1.2", "1.4", "1.5", "1.6"]);
  });
  it("an applicable question left unanswered, NA where it applies, NI on 1.1, an unknown id: refused", () => {
    expect(() => robinsDomainAlgorithm("D4", { "4.1": "Y" })).toThrow(/4.2 is not answered/);
    expect(() => robinsDomainAlgorithm("D4", { "4.1": "Y", "4.2": "NA" })).toThrow(/not an allowed answer/);
    expect(() => robinsDomainAlgorithm("D1", { "1.1": "NI" })).toThrow(/not an allowed answer/);
    expect(() => robinsDomainAlgorithm("D7", { "7.1": "N", "7.2": "N", "7.3": "N", "7.4": "N" })).toThrow(/not a signalling question/);
  });
});

describe("ROBINS-I overall and overrides", () => {
  it("the overall rule of the BMJ 2016 paper", () => {
    const all = (j: RobinsJudgement): RobinsJudgement[] => ROBINS_DOMAINS.map(() => j);
    expect(robinsOverall(all("low"))).toBe("low");
    expect(robinsOverall(["moderate", ...all("low").slice(1)])).toBe("moderate");
    expect(robinsOverall(["no information", "moderate", ...all("low").slice(2)])).toBe("no information");
    expect(robinsOverall(["serious", "no information", ...all("low").slice(2)])).toBe("serious");
    expect(robinsOverall(["serious", "critical", ...all("low").slice(2)])).toBe("critical");
    expect(robinsOverall(["low", "not assessed", ...all("low").slice(2)])).toBe("not assessed");
    expect(robinsOverall(["serious", "not assessed"])).toBe("serious");
  });
  const answers = {
    D1: { "1.1": "Y", "1.2": "N", "1.4": "Y", "1.5": "Y", "1.6": "N" },
    D2: { "2.1": "N", "2.4": "Y" },
    D3: { "3.1": "Y", "3.2": "Y", "3.3": "N" },
    D4: { "4.1": "N" },
    D5: { "5.1": "Y", "5.2": "N", "5.3": "N" },
    D6: { "6.1": "N", "6.2": "Y", "6.3": "Y", "6.4": "N" },
    D7: { "7.1": "N", "7.2": "N", "7.3": "N" },
  } as const;
  it("the algorithm's judgement per domain and overall; an override needs a written reason and is kept beside the algorithm", () => {
    const r = assessRobinsI({ study: "cohort-2020", answers });
    expect(r.domains.D1).toMatchObject({ algorithm: "moderate", leaf: "D1.6", final: "moderate" });
    expect(r.overall).toEqual({ algorithm: "moderate", override: null, final: "moderate" });
    const o = assessRobinsI({ study: "cohort-2020", answers, overrides: { D1: { judgement: "critical", reason: "confounding by indication cannot be controlled here" } } });
    expect(o.domains.D1).toMatchObject({ algorithm: "moderate", final: "critical" });
    expect(o.overall.final).toBe("critical");
    expect(() => assessRobinsI({ study: "x", answers, overrides: { D1: { judgement: "critical", reason: "  " } } })).toThrow(/written reason/);
    expect(() => assessRobinsI({ study: "x", answers: { D1: answers.D1 }, overrides: { D2: { judgement: "low", reason: "r" } } })).toThrow(InputError);
    const ov = assessRobinsI({ study: "x", answers, overallOverride: { judgement: "serious", reason: "several moderate domains together" } });
    expect(ov.overall).toMatchObject({ algorithm: "moderate", final: "serious" });
  });
  it("stored judgements feed the robvis plots as a ROBINS-I table (not assessed stays grey)", () => {
    const r = assessRobinsI({ study: "cohort-2020", answers, overrides: { D1: { judgement: "critical", reason: "uncontrollable confounding" } }, weight: 40 });
    const partial = assessRobinsI({ study: "cohort-2021", answers: { D7: answers.D7 } });
    const t = robTableFromRobinsI([r, partial]);
    expect(t.tool).toBe("ROBINS-I");
    expect(t.domains).toEqual(ROBINS_DOMAINS.map((d) => ROBINS_DOMAIN_LABELS[d]));
    const svg = robTrafficLightSvg(t);
    expect(svg).toContain(`data-domain="${ROBINS_DOMAIN_LABELS.D1}" data-judgement="critical"`);
    expect(svg).toContain('data-judgement="not assessed"');
    expect(svg).toContain("Critical risk of bias");
    expect(robDomainShares(t, null)).toMatchObject({ critical: 0.5, "not assessed": 0.5 });
    expect(robSummarySvg(t)).toContain('data-judgement="critical"');
  });
});
