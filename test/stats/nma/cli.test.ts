/**
 * `decidua nma` end to end, in process through main(argv, io): CSV and XLSX input, JSON against the R fixtures,
 * the text summary, plots (SVG read back, PNG signature), and bad input (exit 2, located message, nothing written).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../../src/cli/main.js";
import { NmaResultSchema } from "../../../src/stats/nma/types.js";

const root = new URL("../../../", import.meta.url).pathname;
const example = (f: string): string => join(root, "examples/nma", f);

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await main(["nma", ...argv], { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

interface Fixture {
  id: string;
  expected: { estimates: { treatment: string; estimate: number; se: number }[]; heterogeneity: { tau2: number; Q: number }; pscores: { treatment: string; pscore: number }[] };
}
function fixture(file: string, id: string): Fixture {
  const c = (JSON.parse(readFileSync(join(root, "fixtures/nma", `${file}.json`), "utf8")) as Fixture[]).find((x) => x.id === id);
  if (c === undefined) throw new Error(`no fixture ${id}`);
  return c;
}
const close = (a: number, e: number): void => {
  expect(Math.abs(a - e)).toBeLessThanOrEqual(Math.max(1e-6 * Math.abs(e), 1e-8));
};

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "decidua-nma-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("decidua nma", () => {
  it("--json agrees with the R fixture (smoking cessation, OR, REML, --larger-better)", async () => {
    const r = await run(example("hasselblad1998-smoking.csv"), "--reference", "no_contact", "--larger-better", "--json");
    expect(r.code).toBe(0);
    const result = NmaResultSchema.parse(JSON.parse(r.out));
    const f = fixture("hasselblad1998", "hasselblad1998-or-random-REML").expected;
    expect(result.estimates.map((e) => e.treatment)).toEqual(f.estimates.map((e) => e.treatment));
    result.estimates.forEach((e, i) => {
      close(e.estimate, f.estimates[i]?.estimate ?? NaN);
      close(e.se, f.estimates[i]?.se ?? NaN);
    });
    close(result.heterogeneity.tau2, f.heterogeneity.tau2);
    close(result.heterogeneity.Q, f.heterogeneity.Q);
    result.pscores.forEach((p, i) => close(p.pscore, f.pscores[i]?.pscore ?? NaN));
    expect(result.pscore_direction).toBe("larger is better");
  });

  it("--model fixed --tau2 DL on contrast rows agrees with the R fixture", async () => {
    const r = await run(example("linde2016-contrasts.csv"), "--measure", "or", "--reference", "Placebo", "--model", "fixed", "--larger-better", "--json");
    expect(r.code).toBe(0);
    const result = NmaResultSchema.parse(JSON.parse(r.out));
    const f = fixture("linde2016", "linde2016-contrast-fixed-REML").expected;
    result.estimates.forEach((e, i) => close(e.estimate, f.estimates[i]?.estimate ?? NaN));
    const dl = await run(example("linde2016-contrasts.csv"), "--reference", "Placebo", "--tau2", "dl", "--json");
    const fd = fixture("linde2016", "linde2016-contrast-random-DL").expected;
    close(NmaResultSchema.parse(JSON.parse(dl.out)).heterogeneity.tau2, fd.heterogeneity.tau2);
  });

  it("the text summary names the model, the league-table orientation and node-splitting", async () => {
    const r = await run(example("senn2013-hba1c.csv"), "--reference", "placebo");
    expect(r.code).toBe(0);
    expect(r.out).toContain("network meta-analysis, mean difference, random effects, tau² REML, 95% CI");
    expect(r.out).toContain("10 treatments, 26 studies (1 multi-arm)");
    expect(r.out).toContain("each cell is the ROW treatment relative to the COLUMN treatment");
    expect(r.out).toContain("Node-splitting (back-calculation");
    expect(r.out).toContain("between designs (inconsistency)");
    expect(r.out).toContain("P-scores (smaller is better");
  });

  it("XLSX input gives the same result as the CSV", async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet("arms");
    const lines = readFileSync(example("hasselblad1998-smoking.csv"), "utf8").trim().split("\n");
    for (const [i, l] of lines.entries()) {
      const cells = l.split(",");
      ws.addRow(i === 0 ? cells : [cells[0], cells[1], Number(cells[2]), Number(cells[3])]);
    }
    const path = join(dir, "smoking.xlsx");
    writeFileSync(path, new Uint8Array(await wb.xlsx.writeBuffer()));
    const x = NmaResultSchema.parse(JSON.parse((await run(path, "--json")).out));
    const c = NmaResultSchema.parse(JSON.parse((await run(example("hasselblad1998-smoking.csv"), "--json")).out));
    expect(x.estimates).toEqual(c.estimates);
  });

  it("--network and --forest write SVGs (and PNGs with --png) whose marks match the result", async () => {
    const net = join(dir, "net.svg");
    const forest = join(dir, "forest.svg");
    const r = await run(example("senn2013-hba1c.csv"), "--reference", "placebo", "--network", net, "--forest", forest, "--png", "--json");
    expect(r.code).toBe(0);
    const result = NmaResultSchema.parse(JSON.parse(r.out));
    const svg = readFileSync(net, "utf8");
    const nodes = [...svg.matchAll(/<circle[^>]*data-treatment="([^"]+)"[^>]*data-size="([^"]+)"/g)].map((m) => [m[1], Number(m[2])]);
    expect(nodes).toEqual(result.treatments.map((t) => [t.treatment, t.participants]));
    const radii = [...svg.matchAll(/<circle[^>]* r="([^"]+)"/g)].map((m) => Number(m[1]));
    const big = result.treatments.findIndex((t) => t.participants === Math.max(...result.treatments.map((u) => u.participants ?? 0)));
    expect(Math.max(...radii)).toBe(radii[big]);
    const edges = [...svg.matchAll(/<line[^>]*stroke-width="([^"]+)"[^>]*data-studies="(\d+)"/g)].map((m) => [Number(m[1]), Number(m[2])]);
    expect(edges.length).toBe(result.edges.length);
    const sorted = [...edges].sort((a, b) => (a[1] as number) - (b[1] as number));
    for (let i = 1; i < sorted.length; i++) expect((sorted[i]?.[0] as number) >= (sorted[i - 1]?.[0] as number)).toBe(true);
    const fsvg = readFileSync(forest, "utf8");
    const marks = [...fsvg.matchAll(/data-estimate="([^"]+)"/g)].map((m) => Number(m[1]));
    expect(marks.length).toBe(result.estimates.length);
    for (const p of [net, forest]) {
      const png = readFileSync(p.replace(/\.svg$/, ".png"));
      expect([...png.subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
    }
    expect(r.err).toContain(`decidua: wrote ${net}`);
  });

  it("bad input: exit 2, a located message, nothing written", async () => {
    const bad = join(dir, "disconnected.csv");
    writeFileSync(bad, "study,treatment,events,total\nS,a,1,10\nS,b,2,10\nT,c,3,10\nT,d,4,10\n");
    const net = join(dir, "never.svg");
    const r = await run(bad, "--network", net);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`${bad}: the network is disconnected`);
    expect(existsSync(net)).toBe(false);
    const row = join(dir, "row.csv");
    writeFileSync(row, "study,treatment,events,total\nS,a,1,10\nS,b,-2,10\n");
    const e = await run(row);
    expect(e.code).toBe(2);
    expect(e.err).toContain(`${row}, row 3, field "events": negative count`);
    expect((await run(example("senn2013-hba1c.csv"), "--model", "bayes")).err).toContain('field "--model": "bayes" is not one of fixed, random');
    expect((await run(example("senn2013-hba1c.csv"), "--png")).code).toBe(2);
    expect((await run(example("senn2013-hba1c.csv"), "--reference", "nothing")).err).toContain('field "--reference"');
    expect((await run(join(dir, "missing.csv"))).err).toContain("no such file");
  });
});
