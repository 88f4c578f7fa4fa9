/**
 * `decidua meta` end to end: in-process through main(argv, io), and once as the real bin (needs `npm run build`,
 * which `npm test` runs first). Expected numbers come from the R metafor fixtures, not from the engine.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../../src/cli/main.js";
import { MetaResultSchema } from "../../../src/stats/types.js";

const root = new URL("../../../", import.meta.url).pathname;
const example = (f: string): string => join(root, "examples/meta", f);

interface Run {
  code: number;
  out: string;
  err: string;
}
async function run(...argv: string[]): Promise<Run> {
  let out = "";
  let err = "";
  const code = await main(["meta", ...argv], { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

/** One expected block from fixtures/metafor/<file>.json by case id. */
function fixture(file: string, id: string): { expected: Record<string, unknown> } {
  const cases = JSON.parse(readFileSync(join(root, "fixtures/metafor", `${file}.json`), "utf8")) as { id: string; expected: Record<string, unknown> }[];
  const c = cases.find((x) => x.id === id);
  if (c === undefined) throw new Error(`no fixture ${id}`);
  return c;
}
function expectClose(actual: number, expected: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(Math.max(1e-6 * Math.abs(expected), 1e-8));
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "decidua-meta-"));
  mkdirSync(join(dir, "subdir.svg"));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function write(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

describe("decidua meta: results", () => {
  it("--json prints one MetaResult object that agrees with metafor (BCG, RR, REML)", async () => {
    const r = await run(example("bcg.csv"), "--measure", "RR", "--json");
    expect(r.code).toBe(0);
    expect(r.err).toBe("decidua: note: column not used: allocation\n");
    const result = MetaResultSchema.parse(JSON.parse(r.out));
    const exp = fixture("bcg", "bcg-rr-reml").expected as { pooled: Record<string, number>; heterogeneity: Record<string, number> };
    for (const f of ["estimate", "se", "ci_lb", "ci_ub", "pval", "pi_lb", "pi_ub"] as const) expectClose(result.pooled[f] as number, exp.pooled[f] as number);
    for (const f of ["tau2", "QE", "I2", "H2"] as const) expectClose(result.heterogeneity[f], exp.heterogeneity[f] as number);
    expect(result.measure).toBe("RR");
    expect(result.k).toBe(13);
    expect(result.studies).toHaveLength(13);
  });

  it("passes every option through (MH fixed, subgroups, leave-one-out, cumulative, bias) as metafor", async () => {
    const r = await run(example("bcg.csv"), "--measure", "rr", "--method", "mh", "--model", "FIXED", "--subgroup", "Allocation", "--json");
    expect(r.code).toBe(0);
    const result = MetaResultSchema.parse(JSON.parse(r.out));
    const exp = fixture("bcg", "bcg-rr-mh-subgroups").expected as { pooled: { estimate: number }; subgroup_test: { Q: number } };
    expect(result.method).toBe("MH");
    expectClose(result.pooled.estimate, exp.pooled.estimate);
    expectClose(result.subgroup_test?.Q ?? NaN, exp.subgroup_test.Q);

    const s = await run(example("bcg.csv"), "--measure", "RR", "--leave-one-out", "--cumulative", "--bias", "--json");
    expect(s.code).toBe(0);
    const sens = MetaResultSchema.parse(JSON.parse(s.out));
    const e2 = fixture("bcg", "bcg-rr-sensitivity").expected as {
      leave_one_out: { estimate: number }[];
      cumulative: { added: string }[];
      bias: { egger: { pval: number }; begg: { tau: number }; trimfill: { k0: number; estimate: number } };
    };
    expect(sens.leave_one_out?.map((l) => l.omitted)).toEqual(sens.studies.map((x) => x.study));
    expectClose(sens.leave_one_out?.[0]?.estimate ?? NaN, e2.leave_one_out[0]?.estimate ?? NaN);
    expect(sens.cumulative?.map((c) => c.added)).toEqual(e2.cumulative.map((c) => c.added));
    expectClose(sens.bias?.egger.pval ?? NaN, e2.bias.egger.pval);
    expectClose(sens.bias?.begg.tau ?? NaN, e2.bias.begg.tau);
    expect(sens.bias?.trimfill?.k0).toBe(e2.bias.trimfill!.k0);
    expectClose(sens.bias?.trimfill?.estimate ?? NaN, e2.bias.trimfill!.estimate);
  });

  it("reads XLSX with metafor's column names and continuous and generic CSV", async () => {
    const x = await run(example("bcg-metafor-names.xlsx"), "--subgroup", "alloc", "--tau2", "DL", "--json");
    expect(x.code).toBe(0);
    expectClose(MetaResultSchema.parse(JSON.parse(x.out)).pooled.estimate, (fixture("bcg", "bcg-or-dl").expected as { pooled: { estimate: number } }).pooled.estimate);

    const c = await run(example("normand1999.csv"), "--measure", "SMD", "--tau2", "SJ", "--json");
    expect(c.code).toBe(0);
    expectClose(MetaResultSchema.parse(JSON.parse(c.out)).heterogeneity.tau2, (fixture("normand1999", "normand-smd-sj").expected as { heterogeneity: { tau2: number } }).heterogeneity.tau2);

    const g = await run(example("molloy2014-generic.csv"), "--model", "fixed", "--json");
    expect(g.code).toBe(0);
    expectClose(MetaResultSchema.parse(JSON.parse(g.out)).pooled.se, (fixture("molloy2014", "molloy-gen-fixed").expected as { pooled: { se: number } }).pooled.se);
  });

  it("reads published estimates with 95% CIs (--measure RR: log scale) as metafor on the back-calculated values", async () => {
    const c = JSON.parse(readFileSync(join(root, "fixtures/metafor/bcg-interval.json"), "utf8")) as {
      id: string;
      rows: { study: string; estimate: number; ci_lb: number; ci_ub: number }[];
      expected: { pooled: { estimate: number; se: number }; heterogeneity: { tau2: number } };
    }[];
    const reml = c.find((x) => x.id === "bcg-interval-rr-reml");
    if (reml === undefined) throw new Error("fixture bcg-interval-rr-reml missing");
    const csv = write("printed.csv", "Study,Estimate,Lower,Upper\n" + reml.rows.map((r) => `${r.study},${r.estimate},${r.ci_lb},${r.ci_ub}`).join("\n") + "\n");
    const r = await run(csv, "--measure", "RR", "--json");
    expect(r.code).toBe(0);
    const result = MetaResultSchema.parse(JSON.parse(r.out));
    expectClose(result.pooled.estimate, reml.expected.pooled.estimate);
    expectClose(result.pooled.se, reml.expected.pooled.se);
    expectClose(result.heterogeneity.tau2, reml.expected.heterogeneity.tau2);
    const bad = await run(csv);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/printed\.csv, row 1, field "Estimate": estimates with confidence intervals need the measure/);
  });

  it("prints a RevMan-like summary without --json", async () => {
    const r = await run(example("bcg.csv"), "--measure", "RR", "--subgroup", "allocation");
    expect(r.code).toBe(0);
    const exp = fixture("bcg", "bcg-rr-subgroups").expected as {
      pooled: { transformed: { estimate: number; ci_lb: number; ci_ub: number } };
      heterogeneity: { tau2: number; QE: number; QE_df: number; I2: number };
      subgroup_test: { Q: number; df: number };
    };
    const t = exp.pooled.transformed;
    expect(r.out).toContain(`Risk Ratio (IV, Random, 95% CI)`);
    expect(r.out).toContain(`${t.estimate.toFixed(2)} [${t.ci_lb.toFixed(2)}, ${t.ci_ub.toFixed(2)}]`);
    const h = exp.heterogeneity;
    expect(r.out).toContain(`Heterogeneity: Tau² = ${h.tau2.toFixed(4)}; Chi² = ${h.QE.toFixed(2)}, df = ${h.QE_df} (P < 0.00001); I² = ${Math.round(h.I2)}%`);
    expect(r.out).toContain(`Test for subgroup differences: Chi² = ${exp.subgroup_test.Q.toFixed(2)}, df = ${exp.subgroup_test.df}`);
    for (const g of ["random", "alternate", "systematic"]) expect(r.out).toMatch(new RegExp(`^${g}$`, "m"));
    expect(r.out).toMatch(/^Test for overall effect: Z = \d+\.\d\d \(P = 0\.0000\d+\)$/m);
    expect(r.out).toMatch(/^Aronson 1948 +4 +123 +11 +139 +\d+\.\d% +0\.41 \[0\.13, 1\.26\]$/m);
  });

  it("marks continuity-corrected and not estimable studies, and a Q-profile limit beyond metafor's search bound", async () => {
    const csv = write("zeros.csv", "study,events_t,total_t,events_c,total_c\nA,0,10,0,12\nB,0,15,3,14\nC,2,20,5,20\n");
    const r = await run(csv);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^A +0 +10 +0 +12 +Not estimable \(double-zero/m);
    expect(r.out).toMatch(/^B \* +0 +15 +3 +14 +\d+\.\d%/m);
    expect(r.out).toContain("* 0.5 added to every cell of this study (zero cell)");
    // R: confint(rma(escalc("OR", ..., drop00 = TRUE))) prints tau² 0 [0, >100], I² 0 [0, >98.3964]
    expect(r.out).toMatch(/^Tau² 0\.0000 \[0\.0000, > 100\]; I² 0\.0% \[0\.0, > 98\.4\] \(Q-profile\)$/m);
  });

  it("--model auto prints the Cochrane Handbook caution", async () => {
    const r = await run(example("ivig-live-birth.csv"), "--preset", "revman5", "--model", "auto");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Cochrane Handbook/);
    expect(r.out).toContain("Odds Ratio (M-H, Fixed, 95% CI)");
    const random = await run(example("bcg.csv"), "--preset", "revman5", "--model", "random", "--measure", "RR");
    const exp = fixture("bcg", "bcg-revman5-rr-random").expected as { pooled: { transformed: { estimate: number; ci_lb: number; ci_ub: number } } };
    const t = exp.pooled.transformed;
    expect(random.out).toContain("Risk Ratio (M-H, Random, 95% CI)");
    expect(random.out).toMatch(new RegExp(`^Total \\(95% CI\\).* ${t.estimate.toFixed(2)} \\[${t.ci_lb.toFixed(2)}, ${t.ci_ub.toFixed(2)}\\]$`, "m"));
    expect(random.out).not.toContain("Prediction interval");
    const metafor = await run(example("bcg.csv"), "--measure", "RR");
    expect(metafor.out).toMatch(/^Prediction interval: \[\d\.\d\d, \d\.\d\d\]$/m);
  });

  it("--forest/--funnel write SVG and --png a PNG beside each", async () => {
    const forest = join(dir, "forest.svg");
    const funnel = join(dir, "funnel.svg");
    const r = await run(example("bcg.csv"), "--subgroup", "allocation", "--forest", forest, "--funnel", funnel, "--png", "--json");
    expect(r.code).toBe(0);
    MetaResultSchema.parse(JSON.parse(r.out));
    for (const f of [forest, funnel]) {
      expect(readFileSync(f, "utf8")).toMatch(/^(<\?xml[^>]*>\s*)?<svg[\s>]/);
      const png = readFileSync(f.replace(/\.svg$/, ".png"));
      expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    }
    expect(r.err).toContain(`decidua: wrote ${forest}\n`);
  });

  it("forest labels come from the command line (a good outcome favours the treatment on the right)", async () => {
    const forest = join(dir, "labels.svg");
    const r = await run(example("ivig-live-birth.csv"), "--forest", forest, "--title", "IVIG & live birth", "--label-e", "IVIG", "--label-c", "Placebo", "--favours-left", "Favours placebo", "--favours-right", "Favours IVIG");
    expect(r.code).toBe(0);
    const svg = readFileSync(forest, "utf8");
    expect(svg).toContain("IVIG &amp; live birth");
    expect(svg).toContain(">Placebo<");
    expect(svg).toContain(">Favours IVIG<");
    expect(svg).toContain(">Favours placebo<");
    expect(svg).not.toContain("Favours [experimental]");
    // the right-hand label sits right of the left-hand one
    const x = (label: string): number => Number(new RegExp(`<text[^>]*x="([\\d.]+)"[^>]*>${label}<`).exec(svg)?.[1]);
    expect(x("Favours IVIG")).toBeGreaterThan(x("Favours placebo"));
  });

  it("--funnel with --bias draws the studies trim-and-fill adds, hollow", async () => {
    const funnel = join(dir, "tf.svg");
    const r = await run(example("bcg.csv"), "--measure", "RR", "--bias", "--funnel", funnel, "--json");
    expect(r.code).toBe(0);
    const k0 = (JSON.parse(r.out) as { bias: { trimfill: { k0: number } } }).bias.trimfill!.k0;
    expect(k0).toBeGreaterThan(0);
    const svg = readFileSync(funnel, "utf8");
    expect(svg.match(/class="point filled"/g)?.length).toBe(k0);
  });
});

describe("decidua meta: bad input is exit code 2, one message, no output", () => {
  const binaryHeader = "study,events_t,total_t,events_c,total_c\n";
  const cases: [string, () => string[], RegExp][] = [
    ["non-numeric cell", () => [write("nan.csv", `${binaryHeader}A,1,10,2,10\nB,one,10,2,10\n`)], /nan\.csv, row 3, field "events_t": not a number: "one"/],
    ["events above total", () => [write("ev.csv", `${binaryHeader}A,1,10,2,10\nB,11,10,2,10\n`)], /ev\.csv, row 3, field "events_t": events \(11\) above total \(10\)/],
    ["negative SD", () => [write("sd.csv", "study,mean_t,sd_t,total_t,mean_c,sd_c,total_c\nA,1,1,10,2,1,10\nB,1,1,10,2,-1,10\n")], /sd\.csv, row 3, field "sd_c": negative SD: -1/],
    ["unknown column set", () => [write("unk.csv", "study,alpha,beta\nA,1,2\nB,3,4\n")], /unk\.csv, row 1: unknown column set/],
    ["ambiguous column set", () => [write("amb.csv", "study,yi,vi,sei\nA,1,1,1\nB,1,1,1\n")], /amb\.csv, row 1, field "sei": ambiguous columns/],
    ["missing required column", () => [write("miss.csv", "study,events_t,total_t,events_c\nA,1,10,2\nB,1,10,2\n")], /miss\.csv, row 1, field "total_c": missing required column "total_c"/],
    ["empty file", () => [write("empty.csv", "")], /empty\.csv: empty file/],
    ["header only", () => [write("head.csv", binaryHeader)], /head\.csv: empty file: no study rows/],
    ["too few studies", () => [write("one.csv", `${binaryHeader}A,1,10,2,10\n`)], /one\.csv: too few studies: 1 \(at least 2 needed\)/],
    ["too few studies for --bias", () => [write("two.csv", `${binaryHeader}A,1,10,2,10\nB,2,10,3,10\n`), "--bias"], /two\.csv: too few studies: 2 \(at least 3 needed for --bias\)/],
    ["no such file", () => [join(dir, "nope.csv")], /nope\.csv: no such file/],
    ["unknown --measure", () => [example("bcg.csv"), "--measure", "HR"], /field "--measure": "HR" is not one of OR, RR, RD, MD, SMD, GEN/],
    ["unknown --tau2", () => [example("bcg.csv"), "--tau2", "XX"], /field "--tau2": "XX" is not one of DL, REML, PM, ML, HE, SJ, EB/],
    ["measure that the data cannot give", () => [example("bcg.csv"), "--measure", "MD"], /bcg\.csv, field "--measure": measure MD cannot be computed from binary data/],
    ["--subgroup column absent", () => [example("bcg.csv"), "--subgroup", "dose"], /bcg\.csv, row 1: no column named "dose" for --subgroup/],
    ["--png without a plot", () => [example("bcg.csv"), "--png"], /field "--png": --png writes a PNG beside each SVG/],
    ["--forest not an .svg", () => [example("bcg.csv"), "--forest", join(dir, "f.pdf")], /field "--forest": must name an \.svg file/],
    ["--funnel onto a directory", () => [example("bcg.csv"), "--forest", join(dir, "ok.svg"), "--funnel", join(dir, "subdir.svg")], /field "--funnel": cannot write .*subdir\.svg: it is a directory/],
    ["--forest in a missing directory", () => [example("bcg.csv"), "--forest", join(dir, "no/such/dir/f.svg")], /field "--forest": cannot write .*does not exist or is not writable/],
  ];
  for (const [name, args, message] of cases) {
    it(name, async () => {
      const argv = args();
      const before = readdirSync(dir).length;
      const r = await run(...argv);
      expect(r.code).toBe(2);
      expect(r.out).toBe("");
      expect(r.err).toMatch(new RegExp(`^decidua: (\\S*/)?${message.source}`));
      expect(r.err.trim().split("\n")).toHaveLength(1);
      expect(readdirSync(dir).length).toBe(before);
    });
  }

  it("writes no SVG or PNG when the analysis fails after the plots were asked for", async () => {
    const forest = join(dir, "never.svg");
    const r = await run(example("bcg.csv"), "--measure", "SMD", "--forest", forest, "--funnel", join(dir, "never2.svg"), "--png");
    expect(r.code).toBe(2);
    expect(r.out).toBe("");
    for (const f of ["never.svg", "never.png", "never2.svg", "never2.png"]) expect(existsSync(join(dir, f))).toBe(false);
  });

  it("an unknown flag is a usage error with exit code 2", async () => {
    const r = await run(example("bcg.csv"), "--colour");
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/unknown option '--colour'/);
  });
});

describe("the bin", () => {
  it("node bin/decidua.js meta ... --json runs the built CLI (npm run build first)", async () => {
    expect(existsSync(join(root, "dist/src/cli/main.js")), "dist/ is missing: run `npm run build` (npm test does)").toBe(true);
    const { stdout } = await promisify(execFile)(process.execPath, [join(root, "bin/decidua.js"), "meta", example("bcg.csv"), "--measure", "RR", "--json"], { cwd: root });
    const result = MetaResultSchema.parse(JSON.parse(stdout));
    expectClose(result.pooled.estimate, (fixture("bcg", "bcg-rr-reml").expected as { pooled: { estimate: number } }).pooled.estimate);
    const bad = await promisify(execFile)(process.execPath, [join(root, "bin/decidua.js"), "meta", join(root, "examples/meta/none.csv")], { cwd: root }).then(
      () => ({ code: 0, stderr: "" }),
      (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }),
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/none\.csv: no such file/);
  });
});
