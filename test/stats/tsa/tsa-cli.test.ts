/**
 * `decidua tsa` end to end in-process (main(argv, io)): JSON fields and Inf strings, the text summary, the plot
 * (read back: z-curve points at the looks, boundaries, RIS line, no clashing labels), and bad input (exit 2 with
 * the flag or file named, nothing written).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../../../src/cli/main.js";
import { byClass, overlaps, parseSvg } from "../../plots/svg-parse.js";

const root = new URL("../../../", import.meta.url).pathname;
const ivig = join(root, "examples/tsa/ivig-no-live-birth.csv");
const dir = mkdtempSync(join(tmpdir(), "decidua-tsa-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await main(args, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

describe("decidua tsa", () => {
  it("prints the JSON contract, with the published IVIG information size and infinite boundaries as strings", async () => {
    const r = await run(["tsa", ivig, "--measure", "RR", "--control-risk", "0.43", "--rrr", "0.2", "--json"]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as Record<string, unknown> & { looks: Record<string, unknown>[] };
    for (const key of ["ris", "diversity", "ris_adjusted", "accrued", "looks", "adjusted_ci", "conclusion", "final_boundary"]) expect(j).toHaveProperty(key);
    expect(Math.ceil(j.ris as number)).toBe(1008);
    expect(j.accrued).toBe(467);
    expect(j.looks).toHaveLength(8);
    for (const l of j.looks) for (const key of ["study", "n", "z", "boundary", "futility"]) expect(l).toHaveProperty(key);
    expect(j.looks.every((l) => typeof l.boundary === "number" || l.boundary === "Inf")).toBe(true);
    expect((j.conclusion as { status: string }).status).toBe("inconclusive");
  });

  it("prints a summary and writes the plot (and PNG) only when everything worked", async () => {
    const svgPath = join(dir, "ivig.svg");
    const r = await run(["tsa", ivig, "--measure", "RR", "--control-risk", "0.43", "--rrr", "0.2", "--plot", svgPath, "--png", "--title", "IVIG: no live birth"]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Required information size: 1008 participants/);
    expect(r.out).toMatch(/TSA-adjusted 95% CI/);
    expect(r.out).toMatch(/Conclusion: Not yet conclusive/);
    expect(existsSync(svgPath.replace(/\.svg$/, ".png"))).toBe(true);
    const svg = parseSvg(readFileSync(svgPath, "utf8"));
    expect(byClass(svg, "z-point")).toHaveLength(8);
    expect(byClass(svg, "boundary-upper")).toHaveLength(1);
    expect(byClass(svg, "boundary-lower")).toHaveLength(1);
    expect(byClass(svg, "futility")).toHaveLength(1);
    expect(byClass(svg, "ris")).toHaveLength(1);
    expect(overlaps(svg)).toEqual([]);
  });

  it("gives random or fixed, and a given diversity", async () => {
    const r = await run(["tsa", ivig, "--measure", "OR", "--control-risk", "0.43", "--rrr", "0.2", "--model", "fixed", "--diversity", "0.25", "--json"]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as { model: string; diversity: number; ris: number; ris_adjusted: number };
    expect(j.model).toBe("fixed");
    expect(j.diversity).toBe(0.25);
    expect(Math.abs(j.ris_adjusted - j.ris / 0.75)).toBeLessThan(1e-9);
  });

  it("names the flag or the file of bad input, exits 2 and writes nothing", async () => {
    const svgPath = join(dir, "never.svg");
    let r = await run(["tsa", ivig, "--measure", "RR", "--rrr", "0.2", "--plot", svgPath]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--control-risk/);
    r = await run(["tsa", ivig, "--measure", "RR", "--control-risk", "43", "--rrr", "0.2"]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--control-risk.*between 0 and 1/);
    r = await run(["tsa", ivig, "--measure", "MD", "--control-risk", "0.4", "--rrr", "0.2"]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--measure/);
    r = await run(["tsa", ivig, "--measure", "RR", "--control-risk", "0.4", "--rrr", "0.2", "--diversity", "high"]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--diversity/);
    const generic = join(dir, "generic.csv");
    writeFileSync(generic, "study,yi,vi\nA,0.1,0.04\nB,0.2,0.05\n");
    r = await run(["tsa", generic, "--measure", "RR", "--control-risk", "0.4", "--rrr", "0.2", "--plot", svgPath]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/generic\.csv.*participants per arm/);
    r = await run(["tsa", join(dir, "missing.csv"), "--measure", "RR", "--control-risk", "0.4", "--rrr", "0.2"]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/missing\.csv: no such file/);
    expect(existsSync(svgPath)).toBe(false);
  });
});
