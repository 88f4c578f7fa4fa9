import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await main(args, { out: (t) => void (out += t), err: (t) => void (err += t) });
  return { code, out, err };
}

const ROOT = join(import.meta.dirname, "..", "..");
const EX = join(ROOT, "examples", "trials");
const dir = mkdtempSync(join(tmpdir(), "decidua-trials-"));
function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

describe("decidua trial allocation-table", () => {
  const args = ["trial", "allocation-table", "--arms", "tacrolimus,placebo", "--ratio", "1:1", "--strata", "ana=positive,negative", "--blocks", "2,4,6", "--n", "30", "--seed", "S-2026"];
  it("writes the REDCap-style CSV: sequence, stratum, block, arm; N per stratum; balanced completed blocks", async () => {
    const r = await run(args);
    expect(r.code).toBe(0);
    const rows = parse(r.out, { columns: true }) as { sequence: string; stratum: string; block: string; arm: string }[];
    expect(r.out.split("\n")[0]).toBe("sequence,stratum,block,arm");
    expect(rows.length).toBe(60);
    expect(rows.filter((x) => x.stratum === "ana=positive").length).toBe(30);
    expect(rows.filter((x) => x.stratum === "ana=negative").length).toBe(30);
    const blocks = new Map<string, string[]>();
    for (const x of rows) blocks.set(x.block, [...(blocks.get(x.block) ?? []), x.arm]);
    let completed = 0;
    for (const arms of blocks.values()) {
      const t = arms.filter((a) => a === "tacrolimus").length;
      if ([2, 4, 6].includes(arms.length) && t * 2 === arms.length) completed++;
    }
    expect(completed).toBeGreaterThanOrEqual(blocks.size - 2);
  });
  it("same seed, same table; another seed, another table", async () => {
    const a = await run(args);
    const b = await run(args);
    expect(a.out).toBe(b.out);
    const c = await run([...args.slice(0, -1), "other-seed"]);
    expect(c.out).not.toBe(a.out);
  });
  it("unstratified: the stratum column is empty; 2:1 ratio with blocks of 3 and 6", async () => {
    const r = await run(["trial", "allocation-table", "--arms", "lit,routine", "--ratio", "2:1", "--blocks", "3,6", "--n", "12", "--seed", "x"]);
    expect(r.code).toBe(0);
    const rows = parse(r.out, { columns: true }) as { stratum: string; arm: string; block: string }[];
    expect(rows.every((x) => x.stratum === "")).toBe(true);
    expect(rows.filter((x) => x.arm === "lit").length).toBe(8);
  });
  it("two factors: strata are name=value pairs joined by ';'", async () => {
    const r = await run(["trial", "allocation-table", "--arms", "a,b", "--strata", "ana=pos,neg;age=young,old", "--n", "4", "--seed", "k", "--kits"]);
    expect(r.code).toBe(0);
    const rows = parse(r.out, { columns: true }) as { stratum: string; kit: string }[];
    expect([...new Set(rows.map((x) => x.stratum))]).toEqual(["ana=pos;age=young", "ana=pos;age=old", "ana=neg;age=young", "ana=neg;age=old"]);
    expect(rows.every((x) => /^K-[2-9A-Z]{4}-[2-9A-Z]{4}$/.test(x.kit))).toBe(true);
  });
  it.each([
    [["--arms", "a,b", "--n", "4", "--seed", "s", "--blocks", "3"], /--blocks.*not a multiple of 2/],
    [["--arms", "a,b", "--n", "x", "--seed", "s"], /--n.*not a whole number/],
    [["--arms", "a,b", "--n", "4"], /--seed.*required/],
    [["--arms", "a", "--n", "4", "--seed", "s"], /two arms/],
    [["--arms", "a,b", "--ratio", "1:1:1", "--n", "4", "--seed", "s"], /--ratio/],
    [["--arms", "a,b", "--strata", "ana", "--n", "4", "--seed", "s"], /--strata/],
  ])("bad input %j exits 2 with a clear message and writes nothing", async (extra, msg) => {
    const r = await run(["trial", "allocation-table", ...extra]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(msg);
    expect(r.out).toBe("");
  });
});

describe("decidua trial analyse", () => {
  const csv = join(EX, "tacrolimus-002.csv");
  it("reproduces source 002: 60/75 vs 47/74, OR 2.30 (1.10 to 4.80), Fisher P ≈ 0.03", async () => {
    const r = await run(["trial", "analyse", csv, "--arm", "arm", "--outcome", "healthy_newborn", "--json"]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as { primary: Record<string, number> & { treatment: { events: number; n: number } } };
    expect(j.primary.treatment).toMatchObject({ events: 60, n: 75 });
    expect(j.primary.or).toBeCloseTo(2.2979, 4);
    expect(j.primary.or_ci_lb).toBeCloseTo(1.0990, 3);
    expect(j.primary.or_ci_ub).toBeCloseTo(4.8045, 3);
    expect(Number(j.primary.fisher_p?.toFixed(2))).toBe(0.03);
    expect(j.primary.chisq_p).toBeCloseTo(0.02533, 4);
    expect(j.primary.rr).toBeCloseTo(0.8 / (47 / 74), 10);
    expect(j.primary.rd).toBeCloseTo(0.8 - 47 / 74, 10);
  });
  it("a semicolon-separated file with decimal commas (European Excel) reads as the CSV; a row entered twice under an id column is refused", async () => {
    const lines = readFileSync(csv, "utf8").trim().split("\n");
    const semi = file("semicolon.csv", lines.map((l) => l.split(",").join(";")).join("\r\n") + "\r\n");
    const r = await run(["trial", "analyse", semi, "--arm", "arm", "--outcome", "healthy_newborn", "--json"]);
    expect(r.code, r.err).toBe(0);
    expect((JSON.parse(r.out) as { primary: { treatment: { events: number; n: number } } }).primary.treatment).toMatchObject({ events: 60, n: 75 });
    const withIds = file("ids.csv", ["id," + (lines[0] ?? ""), ...lines.slice(1).map((l, i) => `P${i + 1},${l}`), `P1,${lines[1] ?? ""}`].join("\n") + "\n");
    const dup = await run(["trial", "analyse", withIds, "--arm", "arm", "--outcome", "healthy_newborn"]);
    expect(dup.code).toBe(2);
    expect(dup.err).toMatch(/row \d+, field "id": participant id "P1" appears twice/);
  });
  it("text output; the treatment is the arm not called placebo even when placebo comes first", async () => {
    const lines = readFileSync(csv, "utf8").trim().split("\n");
    const header = lines[0] ?? "";
    const reversed = file("reversed.csv", [header, ...lines.slice(1).reverse()].join("\n") + "\n");
    const r = await run(["trial", "analyse", reversed, "--arm", "arm", "--outcome", "healthy_newborn"]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("OR 2.30 (95% CI 1.10 to 4.80)");
    expect(r.out).toMatch(/Fisher's exact P = 0\.0296/);
  });
  it("strata, per protocol and pre/post markers", async () => {
    const rows = ["id,arm,live_birth,ana,pp,nk_pre,nk_post"];
    let i = 0;
    const add = (arm: string, ana: string, events: number, n: number) => {
      for (let k = 0; k < n; k++) {
        i++;
        rows.push(`${i},${arm},${k < events ? 1 : 0},${ana},${k === n - 1 ? 0 : 1},${(14 + (i % 5) * 0.7).toFixed(1)},${(arm === "lit" ? 11 : 13.8) + (i % 3) * 0.4}`);
      }
    };
    add("lit", "positive", 24, 42);
    add("routine", "positive", 15, 42);
    add("lit", "negative", 41, 57);
    add("routine", "negative", 26, 57);
    const f = file("lit.csv", rows.join("\n") + "\n");
    const r = await run(["trial", "analyse", f, "--arm", "arm", "--outcome", "live_birth", "--strata", "ana", "--per-protocol", "pp", "--pre", "nk_pre", "--post", "nk_post", "--treatment", "lit", "--json"]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as {
      primary: { or: number };
      perProtocol: { treatment: { n: number } };
      strata: { breslowDay: { statistic: number }; interaction: { lr: number; df: number } };
      markers: { ancova: { arm: { estimate: number } }; withinArm: { arm: string; pairs: number }[] };
    };
    expect(j.perProtocol.treatment.n).toBe(97);
    // same counts as the fixture case "ANA strata" (fixtures/trials/stratified.json)
    expect(j.strata.breslowDay.statistic).toBeCloseTo(0.162595926807492, 9);
    expect(j.strata.interaction.df).toBe(1);
    expect(j.markers.withinArm.map((w) => w.pairs)).toEqual([99, 99]);
    expect(j.markers.ancova.arm.estimate).toBeLessThan(-2);
  });
  it("the simulated source-000 design: LIT vs routine within ANA strata, pre/post NK, healthy women as comparison group", async () => {
    const f = join(EX, "lit-ana-simulated.csv");
    const r = await run(["trial", "analyse", f, "--arm", "group", "--outcome", "live_birth", "--strata", "ana", "--pre", "nk_pre", "--post", "nk_post", "--treatment", "lit", "--reference", "healthy", "--id", "id", "--json"]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as {
      primary: { treatment: { n: number }; control: { n: number } };
      strata: { strata: { stratum: string }[] };
      baselineVsReference: { comparisons: { arm: string; n: number; referenceN: number; welch: { estimate: number } }[] };
    };
    expect(j.primary.treatment.n + j.primary.control.n).toBe(198);
    expect(j.strata.strata.map((s) => s.stratum).sort()).toEqual(["negative", "positive"]);
    expect(j.baselineVsReference.comparisons.map((c) => [c.arm, c.n, c.referenceN])).toEqual([
      ["lit", 99, 50],
      ["routine", 99, 50],
    ]);
    const bad = await run(["trial", "analyse", f, "--arm", "group", "--outcome", "live_birth", "--reference", "controls"]);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/no row has "controls"/);
  });
  it.each([
    ["no column", "id,arm,y\n1,a,1\n2,b,0\n", ["--arm", "arm", "--outcome", "outcome"], /no column "outcome"/],
    ["bad outcome", "id,arm,y\n1,a,1\n2,b,maybe\n", ["--arm", "arm", "--outcome", "y"], /row 3, field "y": outcome "maybe"/],
    ["three arms", "id,arm,y\n1,a,1\n2,b,0\n3,c,1\n", ["--arm", "arm", "--outcome", "y"], /exactly two arms/],
    ["pre without post", "id,arm,y,p\n1,a,1,2\n2,b,0,3\n", ["--arm", "arm", "--outcome", "y", "--pre", "p"], /--pre and --post go together/],
  ])("%s: exit 2 naming file, row and field", async (name, text, opts, msg) => {
    const f = file(`${name.replace(/ /g, "-")}.csv`, text);
    const r = await run(["trial", "analyse", f, ...opts]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(msg);
    expect(r.err).toContain(f);
    expect(r.out).toBe("");
  });
  it("the existing trial2x2 and markers commands still work", async () => {
    const r = await run(["trial2x2", "--events-t", "60", "--total-t", "75", "--events-c", "47", "--total-c", "74"]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("Odds ratio        2.298");
  });
});

describe("decidua trial sample-size", () => {
  it("two proportions as power.prop.test, a marker with 2:1 allocation as pwr.t2n.test, dropout", async () => {
    const r = await run(["trial", "sample-size", "--p1", "0.8", "--p2", "0.635", "--dropout", "0.1", "--json"]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as { method: string; n1: number; analysed: { n1: number }; recruited: { total: number } };
    expect(j.method).toBe("power.prop.test");
    expect(j.n1).toBeCloseTo(115.68593, 4);
    expect(j.recruited.total).toBe(258);
    const m = await run(["trial", "sample-size", "--delta", "1", "--sd", "2", "--ratio", "2:1"]);
    expect(m.code).toBe(0);
    expect(m.out).toContain("pwr.t2n.test");
    expect(m.out).toContain("n1 = 95.4838");
    const bad = await run(["trial", "sample-size", "--p1", "0.8"]);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--p2/);
    const bad2 = await run(["trial", "sample-size", "--p1", "0.8", "--p2", "1.2"]);
    expect(bad2.code).toBe(2);
  });
});

describe("decidua trial evidence-draft", () => {
  it("writes a draft entry that `decidua evidence validate` accepts once added to the data directory", async () => {
    const r = await run(["trial", "evidence-draft", join(EX, "tacrolimus-002.csv"), "--protocol", join(EX, "tacrolimus-protocol.json"), "--arm", "arm", "--outcome", "healthy_newborn", "--as-of", "2026-12-01"]);
    expect(r.code).toBe(0);
    const draft = JSON.parse(r.out) as { trial: { id: string; outcomes: { events_t: number }[] }; source: { id: string } };
    expect(draft.trial.outcomes[0]?.events_t).toBe(60);
    const data = join(dir, "data");
    cpSync(join(ROOT, "data"), data, { recursive: true });
    const trials = JSON.parse(readFileSync(join(data, "trials.json"), "utf8")) as unknown[];
    const sources = JSON.parse(readFileSync(join(data, "sources.json"), "utf8")) as unknown[];
    writeFileSync(join(data, "trials.json"), JSON.stringify([...trials, draft.trial], null, 2));
    writeFileSync(join(data, "sources.json"), JSON.stringify([...sources, draft.source], null, 2));
    const v = await run(["evidence", "validate", "--data", data]);
    expect(v.err).toBe("");
    expect(v.code).toBe(0);
  });
});
