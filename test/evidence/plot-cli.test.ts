/**
 * `decidua evidence plot KIND --out FILE.svg`: the risk-of-bias plots and the PRISMA 2020 flow from the evidence
 * base, written as files; bad input exits 2 naming the option and writes nothing.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { defaultEvidenceDir, loadEvidenceBase } from "../../src/evidence/load.js";

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => void out.push(t), err: (t: string) => void err.push(t) }, out, err };
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

describe("decidua evidence plot", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "decidua-evplot-"));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it("prisma: Gao 2025's flow (source 004) with its counts 585 → 534 → 51 → 40 → 11, a readable title and a PNG", async () => {
    const out = join(dir, "prisma.svg");
    const c = capture();
    expect(await main(["evidence", "plot", "prisma", "--prisma", "gao-2025", "--out", out, "--png"], c.io)).toBe(0);
    const svg = readFileSync(out, "utf8");
    expect(svg.startsWith("<svg")).toBe(true);
    // the counts as source 004 reports them (data/prisma.json), each in its own box
    for (const n of [585, 534, 51, 40, 11]) expect(svg).toContain(`(n = ${n})`);
    expect(svg).toContain("PRISMA 2020 flow: IVIG meta-analysis (Gao 2025)");
    expect(svg).not.toMatch(/<title>[^<]*gao-2025/);
    const png = readFileSync(join(dir, "prisma.png"));
    expect([...png.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
    expect(png.length).toBeGreaterThan(5000);
    expect(c.out.join("")).toContain(out);
  });

  it("the flow id works as well as the meta-analysis id", async () => {
    const out = join(dir, "prisma-by-flow-id.svg");
    expect(await main(["evidence", "plot", "prisma", "--prisma", "gao-2025-prisma", "--out", out], capture().io)).toBe(0);
    expect(readFileSync(out, "utf8")).toContain("(n = 585)");
  });

  it("rob and rob-summary: every assessed IVIG trial appears in the traffic light; the summary's bars are percentages of them", async () => {
    const base = loadEvidenceBase(defaultEvidenceDir());
    const assessed = base.trials.filter((t) => t.therapy === "ivig" && t.rob !== null);
    expect(assessed.length).toBeGreaterThan(1);
    const rob = join(dir, "rob.svg");
    const sum = join(dir, "rob-summary.svg");
    expect(await main(["evidence", "plot", "rob", "--therapy", "ivig", "--out", rob], capture().io)).toBe(0);
    expect(await main(["evidence", "plot", "rob-summary", "--therapy", "ivig", "--out", sum, "--png"], capture().io)).toBe(0);
    const light = readFileSync(rob, "utf8");
    for (const t of assessed) expect(light).toContain(t.label.replace(/&/g, "&amp;"));
    expect(light).toContain("Intravenous immunoglobulin (IVIG): risk of bias");
    const summary = readFileSync(sum, "utf8");
    expect(summary).toContain(`n = ${assessed.length}`);
    expect(summary).toContain("100%");
    expect(summary).not.toBe(light);
    expect([...readFileSync(join(dir, "rob-summary.png")).subarray(0, 8)]).toEqual(PNG_SIGNATURE);
  });

  it("rob2 and rob2-summary: every IVIG trial with a RoB 2 assessment appears with the outcome judged and its overall judgement", async () => {
    const base = loadEvidenceBase(defaultEvidenceDir());
    const assessed = base.trials.filter((t) => t.therapy === "ivig" && t.rob2 !== undefined);
    expect(assessed.length).toBeGreaterThan(1);
    const light = join(dir, "rob2.svg");
    const sum = join(dir, "rob2-summary.svg");
    expect(await main(["evidence", "plot", "rob2", "--therapy", "ivig", "--out", light], capture().io)).toBe(0);
    expect(await main(["evidence", "plot", "rob2-summary", "--therapy", "ivig", "--out", sum], capture().io)).toBe(0);
    const svg = readFileSync(light, "utf8");
    for (const t of assessed) expect(svg).toContain(`${t.label} (${t.rob2!.outcome})`);
    expect(svg).toContain("risk of bias (RoB 2), per trial");
    expect(svg).toContain("Bias arising from the randomisation process");
    expect(readFileSync(sum, "utf8")).toContain(`n = ${assessed.length}`);
  });

  it("rob2 for a therapy without RoB 2 assessments exits 2 naming --therapy", async () => {
    const c = capture();
    const out = join(dir, "none.svg");
    expect(await main(["evidence", "plot", "rob2", "--therapy", "tnf-inhibitor", "--out", out], c.io)).toBe(2);
    expect(c.err.join("")).toContain("RoB 2 assessment");
    expect(existsSync(out)).toBe(false);
  });

  it.each([
    [["evidence", "plot", "pie", "--therapy", "ivig"], "KIND"],
    [["evidence", "plot", "rob", "--therapy", "aspirin"], "--therapy"],
    [["evidence", "plot", "rob-summary"], "--therapy"],
    [["evidence", "plot", "prisma", "--prisma", "no-such-review"], "--prisma"],
    [["evidence", "plot", "prisma"], "--prisma"],
    [["evidence", "plot", "rob", "--therapy", "ivig", "--prisma", "gao-2025"], "--prisma"],
  ])("%j exits 2 naming %s and writes nothing", async (args, field) => {
    const sub = mkdtempSync(join(dir, "bad-"));
    const out = join(sub, "plot.svg");
    const c = capture();
    expect(await main([...args, "--out", out, "--png"], c.io)).toBe(2);
    expect(c.err.join("")).toContain(`"${field}"`);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(sub)).toEqual([]);
  });

  it("an --out in a missing directory exits 2 naming --out", async () => {
    const c = capture();
    expect(await main(["evidence", "plot", "prisma", "--prisma", "gao-2025", "--out", join(dir, "missing", "p.svg")], c.io)).toBe(2);
    expect(c.err.join("")).toContain('"--out"');
  });
});
