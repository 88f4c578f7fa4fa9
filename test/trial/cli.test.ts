import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { mannWhitneyU, pairedTTest, welchTTest, wilcoxonSignedRank } from "../../src/stats/trial/index.js";

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await main(args, { out: (t) => void (out += t), err: (t) => void (err += t) });
  return { code, out, err };
}

const dir = mkdtempSync(join(tmpdir(), "decidua-trial-"));
function csv(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

describe("decidua trial2x2", () => {
  it("prints the tacrolimus check as text", async () => {
    const r = await run(["trial2x2", "--events-t", "60", "--total-t", "75", "--events-c", "47", "--total-c", "74"]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("Odds ratio        2.298 (95% CI 1.099 to 4.805)");
    expect(r.out).toMatch(/Pearson chi-square\s+X2 = 5\.0015, df = 1, P = 0\.0253/);
    expect(r.out).toMatch(/Yates\s+X2 = 4\.2202, df = 1, P = 0\.0399/);
    expect(r.out).toMatch(/Fisher's exact test\s+P = 0\.0296/);
  });
  it("prints JSON", async () => {
    const r = await run(["trial2x2", "--events-t", "60", "--total-t", "75", "--events-c", "47", "--total-c", "74", "--json"]);
    const j = JSON.parse(r.out) as { oddsRatio: { estimate: number }; fisher: { p: number }; continuityCorrected: boolean };
    expect(j.oddsRatio.estimate).toBeCloseTo(1620 / 705, 12);
    expect(j.fisher.p.toFixed(3)).toBe("0.030");
    expect(j.continuityCorrected).toBe(false);
  });
  it("exit 2 with the flag named for impossible or missing counts", async () => {
    const a = await run(["trial2x2", "--events-t", "80", "--total-t", "75", "--events-c", "47", "--total-c", "74"]);
    expect(a.code).toBe(2);
    expect(a.err).toContain('field "--events-t": events in the treated arm exceed its total');
    expect(a.out).toBe("");
    const b = await run(["trial2x2", "--events-t", "6.5", "--total-t", "75", "--events-c", "47", "--total-c", "74"]);
    expect(b.code).toBe(2);
    expect(b.err).toContain('field "--events-t": must be a whole number');
    const c = await run(["trial2x2", "--events-t", "6", "--total-t", "75", "--events-c", "47"]);
    expect(c.code).toBe(2);
    expect(c.err).toContain('field "--total-c"');
  });
});

describe("decidua markers", () => {
  const nkAnaPos = [14.2, 16.8, 12.5, 18.1, 15.6];
  const nkAnaNeg = [10.1, 12.3, 9.7, 11.9, 13.2, 10.9];
  const unpaired = csv(
    "nk.csv",
    "patient,ana,nk_percent\n" + [...nkAnaPos.map((v, i) => `p${i},positive,${v}`), ...nkAnaNeg.map((v, i) => `n${i},negative,${v}`), "x9,negative,NA"].join("\n") + "\n",
  );
  it("two independent groups: Welch t and Mann-Whitney U, identical to the library functions", async () => {
    const r = await run(["markers", unpaired, "--group", "ana", "--value", "nk_percent", "--json"]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as { groups: { name: string; n: number }[]; tTest: { p: number; statistic: number }; rankTest: { p: number; exact: boolean }; notes: string[] };
    expect(j.groups.map((g) => [g.name, g.n])).toEqual([["positive", 5], ["negative", 6]]);
    expect(j.tTest.statistic).toBe(welchTTest(nkAnaPos, nkAnaNeg).statistic);
    expect(j.rankTest.p).toBe(mannWhitneyU(nkAnaPos, nkAnaNeg).p);
    expect(j.rankTest.exact).toBe(true);
    expect(j.notes).toEqual(["row 13: missing nk_percent, left out"]);
  });
  it("pre/post paired by patient id (rows in any order)", async () => {
    const pre = [18.2, 15.1, 20.4, 17.8, 16.6, 21.3];
    const post = [14.0, 15.6, 16.1, 13.2, 15.9, 16.4];
    const rows = [...pre.map((v, i) => `id${i},pre,${v}`), ...post.map((v, i) => `id${i},post,${v}`).reverse(), "id99,pre,12.0"];
    const f = csv("prepost.csv", "patient,time,nk\n" + rows.join("\n") + "\n");
    const r = await run(["markers", f, "--group", "time", "--value", "nk", "--paired-by", "patient"]);
    expect(r.code).toBe(0);
    const t = pairedTTest(pre, post);
    const w = wilcoxonSignedRank(pre, post);
    expect(r.out).toContain(`paired t test: t = ${t.statistic.toFixed(3)}`);
    expect(r.out).toContain(`Wilcoxon signed-rank exact test: V = ${w.statistic}`);
    expect(r.out).toContain('id "id99" has no value in group "post", left out');
  });
  it("bad input: unknown column, three groups, non-numeric value (exit 2, file/row/field named)", async () => {
    const a = await run(["markers", unpaired, "--group", "arm", "--value", "nk_percent"]);
    expect(a.code).toBe(2);
    expect(a.err).toContain('field "arm": no column "arm"');
    const three = csv("three.csv", "g,v\na,1\nb,2\nc,3\n");
    const b = await run(["markers", three, "--group", "g", "--value", "v"]);
    expect(b.code).toBe(2);
    expect(b.err).toContain("expected exactly two groups in \"g\", found 3: a, b, c");
    const bad = csv("bad.csv", "g,v\na,1\na,2\nb,x1\nb,3\n");
    const c = await run(["markers", bad, "--group", "g", "--value", "v"]);
    expect(c.code).toBe(2);
    expect(c.err).toContain(`${bad}, row 4, field "v": not a number: "x1"`);
    expect(c.out).toBe("");
  });
});
