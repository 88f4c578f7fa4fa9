import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { auditArticleText, extractReportedResults } from "../../src/evidence/audit/index.js";
import type { TextAudit } from "../../src/evidence/audit/index.js";

const here = fileURLToPath(new URL(".", import.meta.url));
const fixture = (name: string): string => readFileSync(join(here, "fixtures", name), "utf8");

/** The project's shared source documents (outside the repository; see docs/audit.md). */
const sourcesDir = process.env["DECIDUA_SOURCES_DIR"] ?? join(here, "..", "..", "..", "shared", "sources");
function sourceText(prefix: string): string | null {
  if (!existsSync(sourcesDir)) return null;
  const f = readdirSync(sourcesDir).find((n) => n.startsWith(prefix));
  return f === undefined ? null : readFileSync(join(sourcesDir, f), "utf8");
}

function effects(a: TextAudit): { quote: string; consistent: boolean; problems: string[]; k?: number[] }[] {
  return a.results.filter((r) => r.kind === "effect").map((r) => ({ quote: r.quote, consistent: r.consistent, problems: r.problems, k: r.reported?.k_stated }));
}

/** What the IVIG meta-analysis (source 004) must give, whether read from the original or from the paraphrase. */
function expectIvigAudit(a: TextAudit): void {
  const e = effects(a);
  // 5 results in the abstract, 6 in the body
  expect(e.map((x) => x.quote.replace(/,.*$/, ""))).toEqual([
    "OR=2.24", "OR=0.46", "OR=2.13", "OR=1.50", "OR=4.47",
    "OR=2.24", "OR=2.13", "OR=1.50", "OR=0.46", "MD=220.74", "OR=4.47",
  ]);
  const flagged = e.filter((x) => !x.consistent).map((x) => x.quote);
  expect(flagged).toEqual([
    "OR=1.50, 95% CI=0.98~2.30, Z=1.96, P=0.04",
    "OR=1.50, 95% CI=0.98~2.30, Z=1.96, P=0.04",
    "MD=220.74, 95% CI=-549.37~107.88, Z=1.32, P=0.19",
    "OR=4.47, 95% CI=1.01~19.81, Z=1.97, P=0.05",
  ]);
  const body = e.slice(5);
  expect(body.map((x) => x.k)).toEqual([[11, 11], [4], [8, 8], [6, 6], [6, 6], [3, 4]]);
  expect(body[5]?.problems).toEqual(["the analysis is described as 3 studies and as 4 studies"]);
  expect(body[4]?.problems[0]).toMatch(/the sign of the estimate contradicts its CI/);
  expect(body[2]?.problems).toContain(
    "P printed as 0.04 but the 95% CI 0.98 to 2.30 around OR 1.50 implies P = 0.062 (Z = 1.86; 0.058 to 0.067 allowing for rounding); printed Z 1.96",
  );
  // the abstract's adverse-reaction result states no study count, so only the body's is flagged
  expect(e[4]?.consistent).toBe(true);
  // per-arm numbers add up and the percentages follow from their counts
  const others = a.results.filter((r) => r.kind !== "effect");
  expect(others.length).toBeGreaterThanOrEqual(6);
  expect(others.filter((r) => !r.consistent)).toEqual([]);
  expect(others.some((r) => r.kind === "percentage" && r.quote === "24.07% (26/108)")).toBe(true);
  expect(others.some((r) => r.kind === "total" && r.quote.startsWith("comprising 264 patients"))).toBe(true);
}

function expectTacrolimusAudit(a: TextAudit): void {
  const e = a.results.filter((r) => r.kind === "effect");
  expect(e).toHaveLength(1);
  expect(e[0]?.quote).toBe("P = 0.03, odds ratio = 2.30; 95% confidence interval (1.10 ~ 4.81)");
  expect(e[0]?.consistent).toBe(true);
  expect(e[0]?.reported?.counts?.treated).toMatchObject({ events: 60, total: 75 });
  expect(e[0]?.reported?.counts?.control).toMatchObject({ events: 47, total: 74 });
  expect(e[0]?.audit?.checks.find((c) => c.name === "estimate-vs-counts")?.status).toBe("pass");
  const pct = a.results.filter((r) => r.kind === "percentage");
  expect(pct.map((r) => r.consistent)).toEqual([true, true]);
  const total = a.results.filter((r) => r.kind === "total");
  expect(total).toHaveLength(1);
  expect(total[0]?.consistent).toBe(true);
}

describe("text extraction on the paraphrased fixtures (always run)", () => {
  it("IVIG meta-analysis: flags the secondary-RPL, birth-weight and adverse-reaction results", () => {
    expectIvigAudit(auditArticleText(fixture("ivig-meta-paraphrase.txt")));
  });
  it("tacrolimus trial: finds OR 2.30 with its arm counts and passes it", () => {
    expectTacrolimusAudit(auditArticleText(fixture("tacrolimus-trial-paraphrase.txt")));
  });
  it("catches a changed percentage and arms that no longer add up", () => {
    const text = fixture("tacrolimus-trial-paraphrase.txt").replace("63.51%", "65.51%").replace("A total of 149", "A total of 150");
    const a = auditArticleText(text);
    expect(a.results.filter((r) => !r.consistent).map((r) => r.problems[0])).toEqual([
      "the arms (75 + 74 = 149) do not add up to the stated total of 150 (difference -1)",
      "percentage printed as 65.51% but 47/74 = 63.514% (off by 1.996 points)",
    ]);
  });
  it("reads the common CI notations", () => {
    const text = [
      "The risk fell (RR 0.80, 95% CI 0.70 to 0.91, P = 0.001).",
      "Weight rose (MD = 1.2 [0.4, 2.0]).",
      "Odds rose (OR 1.9 (1.2-3.0); p<.01).",
      "Hazard fell (hazard ratio 0.75; 90% confidence interval: 0.60–0.94).",
      "Scores fell (SMD, –0.38; 95% CI, –0.70 to –0.06; P value of 0.02).",
      "In the table, RR (95% CI): 1.10 (0.95-1.27).",
    ].join("\n\n");
    const r = extractReportedResults(text).map((x) => x.input);
    expect(r.map((x) => [x.measure, x.estimate, x.ci_low, x.ci_high, x.level])).toEqual([
      ["RR", "0.80", "0.70", "0.91", 95],
      ["MD", "1.2", "0.4", "2.0", 95],
      ["OR", "1.9", "1.2", "3.0", 95],
      ["HR", "0.75", "0.60", "0.94", 90],
      ["SMD", "-0.38", "-0.70", "-0.06", 95],
      ["RR", "1.10", "0.95", "1.27", 95],
    ]);
    expect(r[4]?.p).toEqual({ relation: "=", value: "0.02" });
    expect(r[2]?.p).toEqual({ relation: "<", value: "0.01" });
  });
});

const s004 = sourceText("004_");
const s002 = sourceText("002_");
describe("trial-report notations", () => {
  it("reads qualified estimates, Lancet decimals, bracketed percentages and randomised totals", () => {
    const text = [
      "Of the women screened, 90 women were randomised to the drug (n = 46) or to placebo (n = 44).",
      "Ongoing pregnancy was commoner on the drug (28/46 [60·9%] vs. 17/44 [38·6%]).",
      "Among secondary losses the drug looked helpful (RR for miscarriage 0.71, 95%CI 0.52–0.97, p = 0.03).",
    ].join(" ");
    const a = auditArticleText(text);
    expect(a.results.map((r) => [r.kind, r.quote, r.consistent])).toEqual([
      ["effect", "RR for miscarriage 0.71, 95%CI 0.52–0.97, p = 0.03", true],
      ["total", "90 women were randomised to the drug (n = 46) or to placebo (n = 44)", true],
      ["percentage", "28/46 [60.9%]", true],
      ["percentage", "17/44 [38.6%]", true],
    ]);
  });
});

describe("unreadable numbers", () => {
  it("flags a P above 1 instead of stopping", () => {
    const a = auditArticleText("Odds rose (OR 1.9, 95% CI 1.2 to 3.0, P = 1.5). Odds fell (OR 0.50, 95% CI 0.30 to 0.83).");
    expect(a.results.map((r) => [r.consistent, r.problems])).toEqual([
      [false, ['cannot be audited: field "p": not a printed P value: {"relation":"=","value":"1.5"}']],
      [true, []],
    ]);
  });
});

describe("RevMan footers", () => {
  it("does not take the heterogeneity P for the effect's P", () => {
    const text =
      "Live birth (OR 1.50, 95% CI 1.10 to 2.05); heterogeneity: Chi² = 12.30, df = 5 (P = 0.03); I² = 59%; test for overall effect: Z = 2.56 (P = 0.01).";
    const r = extractReportedResults(text);
    expect(r[0]?.input.p).toEqual({ relation: "=", value: "0.01" });
    expect(r[0]?.input.z).toBe("2.56");
    expect(r[0]?.input.i2).toBe("59");
  });
});

describe("study counts", () => {
  it("reads 'k = N' beside the written counts", () => {
    const text = "## Pain\n\nFive trials were pooled. Pain fell (k = 4; MD -1.2, 95% CI -2.0 to -0.4).";
    const r = extractReportedResults(text);
    expect(r[0]?.input.k_stated).toEqual([5, 4]);
  });
});

describe("Cochrane-style lists of results", () => {
  it("reads 'Peto odds ratio (Peto OR) x, 95% confidence interval (CI) a to b' and attributes each '(k trials, n women)'", () => {
    const text = [
      "We found 20 eligible trials. No form of immunotherapy changed live birth:",
      "partner lymphocytes (12 trials, 641 women), Peto odds ratio (Peto OR) 1.23, 95% confidence interval (CI) 0.89 to 1.70;",
      "donor lymphocytes (three trials, 156 women), Peto OR 1.39, 95% CI 0.68 to 2.82; trophoblast membranes (one trial,",
      "37 women), Peto OR 0.40, 95% CI 0.11 to 1.45; immunoglobulin (eight trials, 303 women), Peto OR 0.98, 95% CI 0.61 to 1.58.",
    ].join(" ");
    const r = extractReportedResults(text);
    expect(r.map((x) => [x.input.measure, x.input.estimate, x.input.ci_low, x.input.ci_high, x.input.k_stated])).toEqual([
      ["Peto OR", "1.23", "0.89", "1.70", [12]],
      ["Peto OR", "1.39", "0.68", "2.82", [3]],
      ["Peto OR", "0.40", "0.11", "1.45", [1]],
      ["Peto OR", "0.98", "0.61", "1.58", [8]],
    ]);
    expect(auditArticleText(text).results.every((x) => x.consistent)).toBe(true);
  });
});

describe("the same result printed twice", () => {
  it("flags a second printing with another CI or P", () => {
    const text = [
      "# Abstract",
      "Live births rose (OR=2.24, 95% CI=1.68~2.98, P<0.00001).",
      "# Results",
      "Live births rose (OR=2.24, 95% CI=1.68~2.89, P<0.00001).",
    ].join("\n\n");
    const e = auditArticleText(text).results.filter((r) => r.kind === "effect");
    expect(e.map((x) => x.consistent)).toEqual([true, false]);
    expect(e[1]?.problems).toContain(
      'the same OR 2.24 is printed differently in "Abstract" (OR=2.24, 95% CI=1.68~2.98, P<0.00001): CI 1.68 to 2.98 there, 1.68 to 2.89 here',
    );
  });
});

describe.runIf(s004 !== null && s002 !== null)("text extraction on the original source documents 004 and 002", () => {
  it("source 004", () => {
    expectIvigAudit(auditArticleText(s004 ?? ""));
  });
  it("source 002", () => {
    expectTacrolimusAudit(auditArticleText(s002 ?? ""));
  });
});
