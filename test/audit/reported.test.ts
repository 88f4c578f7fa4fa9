import { describe, expect, it } from "vitest";
import { auditReportedResult, parsePText, parsePrinted } from "../../src/evidence/audit/index.js";
import type { ReportedResultInput } from "../../src/evidence/audit/index.js";
import { InputError } from "../../src/shared/errors.js";

function failed(r: ReturnType<typeof auditReportedResult>): string[] {
  return r.checks.filter((c) => c.status === "fail").map((c) => c.name);
}

// Source 004 (Gao et al. 2025, IVIG meta-analysis), as printed.
const secondaryRpl: ReportedResultInput = { label: "secondary RPL live birth", measure: "OR", estimate: "1.50", ci_low: "0.98", ci_high: "2.30", z: "1.96", p: "P=0.04" };
const birthWeight: ReportedResultInput = { label: "birth weight", measure: "MD", estimate: "220.74", ci_low: "-549.37", ci_high: "107.88", z: "1.32", p: "P=0.19", k_stated: [6, 6] };
const adverseReactions: ReportedResultInput = {
  label: "adverse reactions",
  measure: "OR",
  estimate: "4.47",
  ci_low: "1.01",
  ci_high: "19.81",
  z: "1.97",
  p: "P=0.05",
  k_stated: [3, 4],
  participants: { treated: 108, control: 156, total: 264 },
};
const liveBirth: ReportedResultInput = { measure: "OR", estimate: "2.24", ci_low: "1.68", ci_high: "2.98", z: "5.51", p: "P<0.00001", k_stated: [11, 11] };
const miscarriage: ReportedResultInput = { measure: "OR", estimate: "0.46", ci_low: "0.22", ci_high: "0.95", z: "2.09", p: "P=0.04" };
// Source 002 (tacrolimus RCT): 60/75 vs 47/74, OR 2.30 (1.10 to 4.81), P = 0.03.
const tacrolimus: ReportedResultInput = {
  measure: "OR",
  estimate: "2.30",
  ci_low: "1.10",
  ci_high: "4.81",
  p: "P = 0.03",
  single_study: true,
  counts: { treated: { events: 60, total: 75, percent: "80.00" }, control: { events: 47, total: 74, percent: "63.51" } },
};

describe("source 004: the inconsistent results are flagged", () => {
  it("secondary RPL: Z and P do not follow from OR 1.50 (0.98 to 2.30)", () => {
    const r = auditReportedResult(secondaryRpl);
    expect(r.consistent).toBe(false);
    expect(failed(r)).toEqual(["z-vs-ci", "p-vs-ci", "significance", "p-vs-z"]);
    expect(r.problems).toContain(
      "P printed as 0.04 but the 95% CI 0.98 to 2.30 around OR 1.50 implies P = 0.062 (Z = 1.86; 0.058 to 0.067 allowing for rounding); printed Z 1.96",
    );
    expect(r.problems).toContain("Z printed as 1.96 but the 95% CI 0.98 to 2.30 around OR 1.50 implies Z = 1.86 (1.83 to 1.89 allowing for rounding)");
    expect(r.problems).toContain("the 95% CI 0.98 to 2.30 includes the null value (OR = 1) but P printed as 0.04, below 0.05");
    // the implied P is about 0.06, computed independently: log(OR) / ((log(2.30) - log(0.98)) / (2 * 1.959964))
    const se = (Math.log(2.3) - Math.log(0.98)) / (2 * 1.959963984540054);
    expect(r.derived.z).toBeCloseTo(Math.log(1.5) / se, 10);
    expect(r.derived.p).toBeGreaterThan(0.06);
    expect(r.derived.p).toBeLessThan(0.065);
  });
  it("birth weight: the sign of MD 220.74 contradicts its CI -549.37 to 107.88", () => {
    const r = auditReportedResult(birthWeight);
    expect(r.consistent).toBe(false);
    expect(failed(r)).toEqual(["estimate-in-ci"]);
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).toContain("the sign of the estimate contradicts its CI");
    expect(r.problems[0]).toContain("MD printed as 220.74 lies outside its 95% CI -549.37 to 107.88");
    // Z and P agree with the CI's own centre (-220.745), so only the sign is wrong.
    expect(r.checks.find((c) => c.name === "z-vs-ci")?.status).toBe("pass");
    expect(r.checks.find((c) => c.name === "p-vs-ci")?.status).toBe("pass");
  });
  it("adverse reactions: described as three studies, then as four", () => {
    const r = auditReportedResult(adverseReactions);
    expect(r.consistent).toBe(false);
    expect(failed(r)).toEqual(["study-count"]);
    expect(r.problems).toEqual(["the analysis is described as 3 studies and as 4 studies"]);
    // P = 0.05 with a CI whose lower bound is 1.01 is consistent: the CI implies P = 0.049.
    expect(r.checks.find((c) => c.name === "significance")?.status).toBe("pass");
    expect(r.checks.find((c) => c.name === "participants-total")?.status).toBe("pass");
  });
});

describe("the consistent results pass", () => {
  it("live birth OR 2.24 (1.68 to 2.98), Z = 5.51, P < 0.00001", () => {
    const r = auditReportedResult(liveBirth);
    expect(r.problems).toEqual([]);
    expect(r.consistent).toBe(true);
    expect(r.checks.filter((c) => c.status === "pass").map((c) => c.name)).toEqual(["estimate-in-ci", "ci-symmetric", "z-vs-ci", "p-vs-ci", "significance", "p-vs-z", "study-count"]);
  });
  it("miscarriage OR 0.46 (0.22 to 0.95), Z = 2.09, P = 0.04", () => {
    const r = auditReportedResult(miscarriage);
    expect(r.problems).toEqual([]);
    expect(r.consistent).toBe(true);
  });
  it("tacrolimus trial OR 2.30 (1.10 to 4.81), P = 0.03, against its counts 60/75 vs 47/74", () => {
    const r = auditReportedResult(tacrolimus);
    expect(r.problems).toEqual([]);
    expect(r.consistent).toBe(true);
    for (const name of ["estimate-vs-counts", "se-vs-counts", "p-vs-counts", "percentage"]) {
      expect(r.checks.find((c) => c.name === name)?.status, name).toBe("pass");
    }
    expect(auditReportedResult({ ...tacrolimus, counts: undefined, single_study: undefined }).consistent).toBe(true);
  });
});

describe("the rounding edge: intervals, not a fixed tolerance", () => {
  // OR 2.00 (1.00 to 4.00): log(2) / (log(4) / (2 * 1.96)) = 1.96, P = 0.0500 exactly at the printed values.
  const edge: ReportedResultInput = { measure: "OR", estimate: "2.00", ci_low: "1.00", ci_high: "4.00" };
  it("P right at 0.05: '0.05' and '<0.05' pass, 0.04 and 0.06 do not", () => {
    expect(auditReportedResult({ ...edge, p: "0.05" }).consistent).toBe(true);
    expect(auditReportedResult({ ...edge, p: "P<0.05" }).consistent).toBe(true);
    expect(auditReportedResult({ ...edge, p: "P>0.05" }).consistent).toBe(true);
    expect(auditReportedResult({ ...edge, z: "1.96" }).consistent).toBe(true);
    const low = auditReportedResult({ ...edge, p: "0.04" });
    expect(failed(low)).toEqual(["p-vs-ci"]);
    const high = auditReportedResult({ ...edge, p: "0.06" });
    expect(failed(high)).toEqual(["p-vs-ci"]);
  });
  it("a CI touching the null within rounding never triggers the significance check", () => {
    const r = auditReportedResult({ ...edge, p: "0.049" });
    expect(r.checks.find((c) => c.name === "significance")?.detail).toMatch(/touches the null/);
    // 0.049 is inside the rounding range of the implied P (about 0.048 to 0.052)
    expect(r.consistent).toBe(true);
    expect(r.derived.p_range?.[0]).toBeLessThan(0.049);
    expect(r.derived.p_range?.[1]).toBeGreaterThan(0.05);
  });
  it("one printed decimal leaves room that a point comparison would miss", () => {
    // At the printed values the CI implies P = 0.034 (rounds to 0.03), but 1.2 (1.0 to 1.4) covers P from < 0.001 to 0.2.
    const r = auditReportedResult({ measure: "OR", estimate: "1.2", ci_low: "1.0", ci_high: "1.4", p: "0.04" });
    expect(r.derived.p?.toFixed(2)).toBe("0.03");
    expect(r.consistent).toBe(true);
    // the same numbers printed with two decimals do not leave that room
    expect(auditReportedResult({ measure: "OR", estimate: "1.20", ci_low: "1.00", ci_high: "1.40", p: "0.04" }).consistent).toBe(false);
  });
  it("percentages: the last printed digit decides", () => {
    const arm = (percent: string): ReportedResultInput => ({ measure: "OR", counts: { treated: { events: 2, total: 3, percent } } });
    expect(auditReportedResult(arm("66.67")).consistent).toBe(true);
    expect(auditReportedResult(arm("67")).consistent).toBe(true);
    const r = auditReportedResult(arm("66.66"));
    expect(r.problems).toEqual(["treated arm: percentage printed as 66.66% but 2/3 = 66.667% (off by 0.007 points)"]);
  });
  it("numbers given as numbers use the stated decimals", () => {
    // 1.5 / 2.3 as JavaScript numbers lose their printed trailing zero; decimals restore the printed precision.
    const loose = auditReportedResult({ measure: "OR", estimate: 1.5, ci_low: 0.98, ci_high: 2.3, z: 1.96 });
    expect(loose.consistent).toBe(true);
    const exact = auditReportedResult({ measure: "OR", estimate: 1.5, ci_low: 0.98, ci_high: 2.3, z: 1.96, decimals: { estimate: 2, ci: 2 } });
    expect(exact.consistent).toBe(false);
  });
});

describe("other disagreements", () => {
  it("names a ratio whose direction contradicts its CI", () => {
    const r = auditReportedResult({ measure: "RR", estimate: "0.45", ci_low: "1.20", ci_high: "4.80" });
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).toMatch(/direction of the estimate contradicts its CI \(the CI fits RR = 2\.22, the inverse\)/);
  });
  it("flags an asymmetric CI on the log scale", () => {
    const r = auditReportedResult({ measure: "OR", estimate: "2.24", ci_low: "1.68", ci_high: "3.50" });
    expect(failed(r)).toEqual(["ci-symmetric"]);
    expect(r.problems[0]).toMatch(/^OR 2\.24 is not at the centre of its 95% CI 1\.68 to 3\.50 on the log scale: the CI is centred on 2\.42/);
  });
  it("flags P > 0.05 beside a CI that excludes the null", () => {
    const r = auditReportedResult({ measure: "MD", estimate: "1.50", ci_low: "0.40", ci_high: "2.60", p: "P>0.05" });
    expect(failed(r)).toEqual(["p-vs-ci", "significance"]);
    expect(r.problems[1]).toBe("the 95% CI 0.40 to 2.60 excludes the null value (MD = 0) but P printed as > 0.05, not below 0.05");
  });
  it("flags P<0.00001 beside a CI implying P = 0.01", () => {
    expect(failed(auditReportedResult({ ...miscarriage, z: undefined, p: "P<0.00001" }))).toEqual(["p-vs-ci"]);
  });
  it("flags arms that do not add up and events above the total", () => {
    const r = auditReportedResult({ measure: "OR", participants: { treated: 100, control: 99, total: 200 }, counts: { treated: { events: 101, total: 100 } } });
    expect(r.problems).toEqual([
      "treated arm: 101 events exceed the 100 participants",
      "participants per arm (100 + 99 = 199) do not add up to the stated total of 200 (difference -1)",
    ]);
  });
  it("flags a single trial's OR that does not follow from its counts", () => {
    const r = auditReportedResult({ ...tacrolimus, estimate: "2.40", ci_low: "1.15", ci_high: "5.02", p: "0.02" });
    expect(failed(r)).toContain("estimate-vs-counts");
    expect(failed(r)).toContain("p-vs-counts");
    expect(r.problems).toContain("OR printed as 2.40 but the counts 60/75 vs 47/74 give OR = 2.298 (conditional MLE 2.285)");
  });
  it("accepts a single trial reported with Fisher's exact interval and conditional MLE (R's fisher.test)", () => {
    // fisher.test on 60/75 vs 47/74: odds ratio 2.285, 95% CI 1.037 to 5.189 (test/trial/reference.json)
    const r = auditReportedResult({ ...tacrolimus, estimate: "2.28", ci_low: "1.04", ci_high: "5.19", p: "P = 0.030" });
    expect(r.problems).toEqual([]);
    expect(r.checks.find((c) => c.name === "ci-method")?.status).toBe("pass");
    expect(r.checks.find((c) => c.name === "ci-symmetric")?.status).toBe("not checked");
    expect(r.checks.find((c) => c.name === "estimate-vs-counts")?.detail).toMatch(/the printed OR is the conditional MLE/);
    // without the counts the same numbers are not a Wald interval: the CI is asymmetric around 2.28
    expect(failed(auditReportedResult({ measure: "OR", estimate: "2.28", ci_low: "1.04", ci_high: "5.19" }))).toEqual(["ci-symmetric"]);
  });
  it("flags non-positive ratios and reversed bounds", () => {
    expect(auditReportedResult({ measure: "OR", estimate: "0.50", ci_low: "0.00", ci_high: "1.20" }).problems).toEqual([
      "the OR and its CI must be positive, but 0.00 is printed (OR 0.50, 95% CI 0.00 to 1.20)",
    ]);
    expect(auditReportedResult({ measure: "MD", estimate: "1.0", ci_low: "2.0", ci_high: "0.5" }).problems).toEqual([
      "the CI bounds are reversed: lower bound 2.0 is above upper bound 0.5",
    ]);
    // a CI printed too coarsely to have width is not checked (and not flagged)
    const flat = auditReportedResult({ measure: "RR", estimate: "0.05", ci_low: "0.05", ci_high: "0.05", p: "0.5" });
    expect(flat.problems).toEqual([]);
    expect(flat.checks.map((c) => [c.name, c.status])).toEqual([["ci-width", "not checked"]]);
  });
  it("rejects unknown measures and unreadable numbers with InputError", () => {
    expect(() => auditReportedResult({ measure: "XYZ", estimate: "1" })).toThrow(InputError);
    expect(() => auditReportedResult({ measure: "OR", estimate: "1,5" })).toThrow(/estimate/);
    expect(() => auditReportedResult({ measure: "OR", estimate: "1.5", p: "significant" })).toThrow(InputError);
  });
});

describe("printed numbers", () => {
  it("reads the rounding interval from the printed digits", () => {
    const p = parsePrinted("2.30");
    expect(p?.decimals).toBe(2);
    expect(p?.range.lo).toBeCloseTo(2.295, 10);
    expect(p?.range.hi).toBeCloseTo(2.305, 10);
    expect(parsePrinted("−0.5")?.value).toBe(-0.5);
  });
  it("reads P as printed", () => {
    expect(parsePText("P<0.00001")?.range).toEqual({ lo: 0, hi: 0.00001 });
    expect(parsePText("p = .04")?.printed.text).toBe("0.04");
    expect(parsePText("P ≥ 0.05")?.relation).toBe(">=");
    expect(parsePText("1.4")).toBeNull();
  });
});
