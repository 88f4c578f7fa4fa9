import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { auditEvidenceBase, auditPrismaFlows } from "../../src/evidence/audit/index.js";

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await main(args, { out: (t) => void (out += t), err: (t) => void (err += t) });
  return { code, out, err };
}
const here = fileURLToPath(new URL(".", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "decidua-audit-"));

interface Item {
  quote: string;
  consistent: boolean;
  problems: string[];
  where?: string;
}

describe("decidua audit --text", () => {
  it("prints {results: [{quote, consistent, problems}]} and exits 1 when something is flagged", async () => {
    const r = await run(["audit", "--text", join(here, "fixtures", "ivig-meta-paraphrase.txt"), "--json"]);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.out) as { results: Item[]; summary: { flagged: number } };
    expect(j.results.every((x) => typeof x.quote === "string" && typeof x.consistent === "boolean" && Array.isArray(x.problems))).toBe(true);
    expect(j.summary.flagged).toBe(4);
    const adverse = (j.results as (Item & { reported?: { k_stated?: number[] } })[]).filter((x) => x.quote.startsWith("OR=4.47"));
    expect(adverse.map((x) => x.reported?.k_stated)).toEqual([undefined, [3, 4]]);
    expect(j.results.filter((x) => !x.consistent).map((x) => x.quote.slice(0, 9))).toEqual(["OR=1.50, ", "OR=1.50, ", "MD=220.74", "OR=4.47, "]);
  });
  it("exits 0 when every result is consistent", async () => {
    const r = await run(["audit", "--text", join(here, "fixtures", "tacrolimus-trial-paraphrase.txt")]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("ok       P = 0.03, odds ratio = 2.30; 95% confidence interval (1.10 ~ 4.81)");
    expect(r.out).toMatch(/4 results: 4 consistent, 0 flagged\n$/);
  });
  it("takes the article as a plain argument too", async () => {
    const r = await run(["audit", join(here, "fixtures", "tacrolimus-trial-paraphrase.txt"), "--json"]);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.out) as { results: Item[] }).results).toHaveLength(4);
  });
  it("exit 2 for a missing file", async () => {
    const r = await run(["audit", "--text", join(dir, "nope.txt")]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("nope.txt: no such file");
  });
});

describe("decidua audit --json-input", () => {
  it("audits a JSON array of reported results", async () => {
    const f = join(dir, "reported.json");
    writeFileSync(
      f,
      JSON.stringify([
        { label: "live birth", measure: "OR", estimate: "2.24", ci_low: "1.68", ci_high: "2.98", z: "5.51", p: "P<0.00001" },
        { label: "adverse reactions", measure: "OR", estimate: "4.47", ci_low: "1.01", ci_high: "19.81", p: "P=0.05", k_stated: [3, 4] },
      ]),
    );
    const r = await run(["audit", "--json-input", f, "--json"]);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.out) as { results: Item[] };
    expect(j.results.map((x) => [x.where, x.consistent])).toEqual([["live birth", true], ["adverse reactions", false]]);
    expect(j.results[1]?.problems).toEqual(["the analysis is described as 3 studies and as 4 studies"]);
    expect(j.results[0]?.quote).toBe("OR 2.24 (95% CI 1.68 to 2.98), Z = 5.51, P<0.00001");
  });
  it("exit 2 naming the entry and field of a bad result", async () => {
    const f = join(dir, "bad.json");
    writeFileSync(f, JSON.stringify([{ measure: "OR", estimate: "1.2", ci_low: "1.0", ci_high: "1.4" }, { measure: "OR", estimate: "abc" }]));
    const r = await run(["audit", "--json-input", f]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`${f}, row 2, field "estimate": not a printed number: "abc"`);
    expect(r.out).toBe("");
  });
});

describe("decidua audit over the evidence base", () => {
  it("adapts published results (numbers lose trailing zeros: decimals shared by estimate and CI)", () => {
    const entries = auditEvidenceBase({
      metaAnalyses: [
        {
          id: "review",
          results: [
            { id: "secondary", measure: "OR", estimate: 1.5, ci_low: 0.98, ci_high: 2.3, z: 1.96, p_text: "P=0.04" },
            { id: "overall", measure: "OR", estimate: 2.24, ci_low: 1.68, ci_high: 2.98, z: 5.51, p_text: "P<0.00001", participants: 842, participants_t: 391, participants_c: 451 },
            { id: "peto", measure: "PetoOR", estimate: 0.98, ci_low: 0.61, ci_high: 1.58 },
          ],
        },
      ],
      trials: [
        {
          id: "trial",
          outcomes: [
            { id: "o1", events_t: 60, total_t: 75, events_c: 47, total_c: 74, reported: { measure: "OR", estimate: 2.3, ci_low: 1.1, ci_high: 4.81, p_text: "P = 0.03" } },
            { id: "o2", events_t: 60, total_t: 75, events_c: 47, total_c: 74 },
          ],
        },
      ],
    });
    expect(entries.map((e) => [e.where, e.audit.consistent])).toEqual([
      ["review / secondary", false],
      ["review / overall", true],
      ["review / peto", true],
      ["trial / o1", true],
    ]);
    expect(entries[0]?.reported.estimate).toBe("1.50");
    expect(entries[3]?.audit.checks.find((c) => c.name === "estimate-vs-counts")?.status).toBe("pass");
  });
  it("checks that PRISMA counts add up and end at the review's number of studies", () => {
    const flow = { id: "f", metaAnalysis: "review", identified: 585, duplicatesRemoved: null, screened: 585, excludedScreening: 534, fullTextAssessed: 51, excludedFullText: 40, included: 11 };
    const ok = auditPrismaFlows({ metaAnalyses: [{ id: "review", studiesIncluded: 11, results: [] }], trials: [], prisma: [flow] });
    expect(ok.map((e) => [e.consistent, e.quote])).toEqual([
      [true, "PRISMA flow: identified 585, screened 585, excluded at screening 534, full texts 51, excluded at full text 40, included 11"],
    ]);
    const bad = auditPrismaFlows({ metaAnalyses: [{ id: "review", studiesIncluded: 12, results: [] }], trials: [], prisma: [{ ...flow, excludedFullText: 41 }] });
    expect(bad[0]?.problems).toEqual([
      "full texts assessed minus those excluded should equal studies included: 51 - 41 = 10, but 11 are stated (difference 1)",
      "the flow ends with 11 studies but the review states 12 included studies",
    ]);
  });
  it("exit 2 for a missing evidence-base directory", async () => {
    const r = await run(["audit", "--data", join(dir, "no-such-dir")]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('no-such-dir, field "--data": no evidence-base directory here');
  });
  it("flags source 004's three results in the repository's data/ and passes the consistent ones", async () => {
    const r = await run(["audit", "--json"]);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.out) as { results: Item[] };
    const find = (start: string): Item[] => j.results.filter((x) => x.quote.startsWith(start));
    expect(find("OR 1.50 (95% CI 0.98 to 2.30), Z = 1.96").map((x) => x.consistent)).toEqual([false]);
    expect(find("MD 220.74 (95% CI -549.37 to 107.88)").map((x) => x.consistent)).toEqual([false]);
    const ar = find("OR 4.47 (95% CI 1.01 to 19.81)");
    expect(ar.map((x) => x.problems)).toEqual([["the analysis is described as 3 studies and as 4 studies"]]);
    expect(find("OR 2.24 (95% CI 1.68 to 2.98)").map((x) => x.consistent)).toEqual([true]);
    expect(find("OR 0.46 (95% CI 0.22 to 0.95)").map((x) => x.consistent)).toEqual([true]);
    expect(find("OR 2.30 (95% CI 1.10 to 4.81)").map((x) => x.consistent)).toEqual([true]);
    expect(find("PRISMA flow: identified 585").map((x) => x.consistent)).toEqual([true]);
  });
});
