/**
 * `decidua meta` with the issue-14 options, in process: --mods (against the metafor fixture), --influence with the
 * plots, the MH fixed-effect default in JSON and text, repeated labels, "Inf" in JSON, RevMan's P format in both the
 * summary and the forest plot.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { formatPValue } from "../../../src/cli/commands/meta.js";
import { main } from "../../../src/cli/main.js";
import { formatP } from "../../../src/stats/plots/index.js";
import { MetaResultSchema } from "../../../src/stats/types.js";

const root = new URL("../../../", import.meta.url).pathname;
const example = (f: string): string => join(root, "examples/meta", f);
const dir = mkdtempSync(join(tmpdir(), "decidua-meta-methods-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await main(["meta", ...argv], { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}
const close = (a: number, e: number): boolean => Math.abs(a - e) <= Math.max(1e-6 * Math.abs(e), 1e-8);

describe("decidua meta: meta-regression and diagnostics", () => {
  it("--mods ablat --json gives metafor's meta-regression (BCG, RR, REML)", async () => {
    const r = await run(example("bcg-latitude.csv"), "--measure", "RR", "--mods", "ablat", "--json");
    expect(r.code).toBe(0);
    const result = MetaResultSchema.parse(JSON.parse(r.out));
    const cases = JSON.parse(readFileSync(join(root, "fixtures/metafor-methods/meta-regression.json"), "utf8")) as { id: string; expected: { meta_regression: Record<string, unknown> } }[];
    const exp = cases.find((c) => c.id === "bcg-rr-ablat-reml")?.expected.meta_regression as { QM: number; R2: number; tau2: number; coefficients: { estimate: number; se: number }[] };
    const m = result.meta_regression;
    expect(m).toBeDefined();
    expect(close(m?.QM ?? NaN, exp.QM)).toBe(true);
    expect(close(m?.R2 ?? NaN, exp.R2)).toBe(true);
    expect(close(m?.tau2 ?? NaN, exp.tau2)).toBe(true);
    m?.coefficients.forEach((c, j) => {
      expect(close(c.estimate, exp.coefficients[j]?.estimate ?? NaN)).toBe(true);
      expect(close(c.se, exp.coefficients[j]?.se ?? NaN)).toBe(true);
    });
    expect(m?.bubble?.points).toHaveLength(13);
  });

  it("prints the meta-regression, influence and fail-safe N, and writes every diagnostic plot", async () => {
    const files = ["bubble", "baujat", "radial", "labbe", "gosh"].map((n) => join(dir, `${n}.svg`));
    const r = await run(example("bcg-latitude.csv"), "--measure", "RR", "--mods", "allocation,ablat", "--influence", "--fsn", "--gosh", "--profile-ci", "--baujat", files[1] as string, "--radial", files[2] as string, "--labbe", files[3] as string, "--gosh-plot", files[4] as string);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Meta-regression \(13 studies; z and chi-square tests/);
    expect(r.out).toMatch(/allocation: categorical, reference level "alternate"/);
    expect(r.out).toMatch(/^intrcpt\s/m);
    expect(r.out).toMatch(/^allocationrandom\s/m);
    expect(r.out).toMatch(/Test of moderators: QM = [\d.]+, df = 3 \(P [=<] /);
    expect(r.out).toMatch(/Influence diagnostics/);
    expect(r.out).toMatch(/Rosenthal: \d+ \(alpha 0.05/);
    expect(r.out).toMatch(/\(profile likelihood, 95% CI\)/);
    for (const f of files.slice(1)) expect(readFileSync(f, "utf8")).toMatch(/^<svg [^>]*role="img"/);
    const bubble = await run(example("bcg-latitude.csv"), "--measure", "RR", "--mods", "ablat", "--bubble", files[0] as string);
    expect(bubble.code).toBe(0);
    const svg = readFileSync(files[0] as string, "utf8");
    expect(svg.match(/class="bubble"/g)).toHaveLength(13);
    expect(svg).toMatch(/class="fitted"/);
  });

  it("--bubble without --mods and MH with --influence are clear errors", async () => {
    const a = await run(example("bcg.csv"), "--bubble", join(dir, "b.svg"));
    expect(a.code).toBe(2);
    expect(a.err).toMatch(/--bubble plots a meta-regression: give --mods COLUMN too/);
    const b = await run(example("bcg.csv"), "--method", "MH", "--influence");
    expect(b.code).toBe(2);
    expect(b.err).toMatch(/--influence needs inverse-variance pooling/);
  });
});

describe("decidua meta: defaults and fixes (issue 14)", () => {
  it("--method MH without --model is fixed effect, and both outputs say so", async () => {
    const j = await run(example("bcg.csv"), "--method", "MH", "--json");
    const result = MetaResultSchema.parse(JSON.parse(j.out));
    expect(result.model).toBe("fixed");
    expect(result.model_source).toBe("default");
    expect(result.tau2_method).toBeNull();
    const t = await run(example("bcg.csv"), "--method", "MH");
    expect(t.out).toMatch(/Odds Ratio \(M-H, Fixed, 95% CI\)/);
    expect(t.out).toMatch(/Fixed-effect model: the default for Mantel-Haenszel pooling/);
    const rnd = MetaResultSchema.parse(JSON.parse((await run(example("bcg.csv"), "--method", "MH", "--model", "random", "--json")).out));
    expect(rnd.model).toBe("random");
    expect(rnd.tau2_method).toBe("DL");
    expect(rnd.model_source).toBe("option");
  });

  it("--preset revman-web prints the Knapp-Hartung test and the prediction interval (RevMan shows it)", async () => {
    const r = await run(example("bcg.csv"), "--preset", "revman-web");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Odds Ratio \(IV, Random, 95% CI\)/);
    expect(r.out).toMatch(/tau² estimator REML; Knapp-Hartung t test; preset revman-web/);
    expect(r.out).toMatch(/Test for overall effect: t = [\d.]+, df = 12/);
    expect(r.out).toMatch(/^Prediction interval: \[/m);
  });

  it("one study fits with --model fixed; repeated labels are kept with a warning", async () => {
    const one = join(dir, "one.csv");
    writeFileSync(one, "study,events_t,total_t,events_c,total_c\nA,4,123,11,139\n");
    const r = await run(one, "--model", "fixed", "--json");
    expect(r.code).toBe(0);
    expect(MetaResultSchema.parse(JSON.parse(r.out)).k).toBe(1);
    const dup = join(dir, "dup.csv");
    writeFileSync(dup, "study,events_t,total_t,events_c,total_c\nSmith 2001,4,123,11,139\nSmith 2001,6,306,29,303\nJones 2002,3,231,11,220\n");
    const d = await run(dup, "--json");
    expect(d.code).toBe(0);
    expect(d.err).toMatch(/decidua: warning: .*study label "Smith 2001" repeated; made unique by row/);
    expect(MetaResultSchema.parse(JSON.parse(d.out)).studies.map((s) => s.study)).toEqual(["Smith 2001 (row 2)", "Smith 2001 (row 3)", "Jones 2002"]);
  });

  it("writes infinite values as \"Inf\" in JSON (z when the Knapp-Hartung SE is 0)", async () => {
    const same = join(dir, "same.csv");
    writeFileSync(same, "study,yi,vi\nA,0.3,0.1\nB,0.3,0.2\nC,0.3,0.05\n");
    const r = await run(same, "--test", "knha", "--json");
    expect(r.code).toBe(0);
    const raw = JSON.parse(r.out) as { pooled: { zval: unknown; se: number } };
    expect(raw.pooled.se).toBe(0);
    expect(raw.pooled.zval).toBe("Inf");
  });

  it("prints P as RevMan does in the summary and on the forest plot: P = 0.05 for 0.046", () => {
    for (const [p, text] of [
      [0.046, "= 0.05"],
      [0.0549, "= 0.05"],
      [0.00044, "= 0.0004"],
      [0.000096, "= 0.0001"],
      [0.0032, "= 0.003"],
      [0.000004, "< 0.00001"],
    ] as const) {
      expect(formatPValue(p)).toBe(`P ${text}`);
      expect(formatP(p)).toBe(text);
    }
  });
});
