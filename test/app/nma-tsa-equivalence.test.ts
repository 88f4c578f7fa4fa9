/**
 * `decidua nma` / `decidua tsa` and the workbench's NMA and TSA pages (POST /api/nma, POST /api/tsa) run one use
 * case each (src/app/nma.ts, src/app/tsa.ts): for every example table and the same options they give the same
 * result, field for field, and the same input errors (issue #14 item 5).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { strFromU8, unzipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runNmaCommand } from "../../src/cli/commands/nma.js";
import { runTsaCommand } from "../../src/cli/commands/tsa.js";
import { ADMIN_PASSWORD, Client, startServer, type TestServer } from "../server/helpers.js";

const NMA_DIR = "examples/nma";
const NMA_FILES = readdirSync(NMA_DIR).filter((f) => /\.(csv|xlsx)$/i.test(f));
const TSA_FILE = "examples/tsa/ivig-no-live-birth.csv";

const NMA_CASES: Array<{ name: string; options: Record<string, unknown>; flags: Record<string, unknown> }> = [
  { name: "defaults", options: {}, flags: {} },
  { name: "fixed effect", options: { model: "fixed" }, flags: { model: "fixed" } },
  { name: "generalised DL, larger is better", options: { tau2: "DL", largerBetter: true }, flags: { tau2: "DL", largerBetter: true } },
  { name: "RR (or the data's own scale)", options: { measure: "RR" }, flags: { measure: "RR" } },
];

const TSA_CASES: Array<{ name: string; options: Record<string, unknown>; flags: Record<string, unknown> }> = [
  { name: "IVIG: RR, Pc 0.43, RRR 0.2", options: { measure: "RR", controlRisk: 0.43, rrr: 0.2 }, flags: { measure: "RR", controlRisk: "0.43", rrr: "0.2" } },
  { name: "OR, fixed, alpha 0.01, power 0.9", options: { measure: "OR", controlRisk: 0.43, rrr: 0.3, alpha: 0.01, power: 0.9, model: "fixed" }, flags: { measure: "OR", controlRisk: "0.43", rrr: "0.3", alpha: "0.01", power: "0.9", model: "fixed" } },
  { name: "RD with a given diversity", options: { measure: "RD", controlRisk: 0.4, rrr: 0.25, diversity: 0.3 }, flags: { measure: "RD", controlRisk: "0.4", rrr: "0.25", diversity: "0.3" } },
];

let srv: TestServer;
let admin: Client;

beforeAll(async () => {
  srv = await startServer("sqlite");
  admin = new Client(srv.base);
  expect((await admin.login("admin", ADMIN_PASSWORD)).status).toBe(200);
});

afterAll(async () => {
  await srv.close();
});

const upload = (path: string) => ({ name: path.split("/").pop()!, contentBase64: readFileSync(path).toString("base64") });

async function cliOutcome(run: () => Promise<{ stdout: string }>): Promise<{ ok: true; result: unknown } | { ok: false; reason: string }> {
  try {
    return { ok: true, result: JSON.parse((await run()).stdout) };
  } catch (e) {
    return { ok: false, reason: (e as { reason?: string }).reason ?? String(e) };
  }
}

describe("decidua nma and POST /api/nma give identical results", () => {
  it("covers binary, continuous and contrast networks", () => {
    expect(NMA_FILES.length).toBeGreaterThanOrEqual(3);
  });
  for (const file of NMA_FILES) {
    for (const c of NMA_CASES) {
      it(`${file}: ${c.name}`, async () => {
        const path = join(NMA_DIR, file);
        const cli = await cliOutcome(() => runNmaCommand(path, { ...c.flags, json: true }));
        const res = await admin.req("POST", "/api/nma", { file: upload(path), options: c.options });
        if (cli.ok) {
          expect(res.status).toBe(200);
          const body = res.body as { result: { estimates: unknown[] }; networkSvg: string; forestSvg: string };
          expect(body.result).toEqual(cli.result);
          expect(body.result.estimates.length).toBeGreaterThan(0);
          expect(body.networkSvg).toContain("<svg");
          expect(body.forestSvg).toContain("<svg");
        } else {
          expect(res.status).toBe(400);
          expect((res.body as { error: { message: string } }).error.message).toContain(cli.reason.slice(0, 30));
        }
      });
    }
  }
});

describe("decidua tsa and POST /api/tsa give identical results", () => {
  for (const c of TSA_CASES) {
    it(c.name, async () => {
      const cli = await cliOutcome(() => runTsaCommand(TSA_FILE, { ...c.flags, json: true }));
      expect(cli.ok).toBe(true);
      const res = await admin.req("POST", "/api/tsa", { file: upload(TSA_FILE), options: c.options });
      expect(res.status).toBe(200);
      const body = res.body as { result: { looks: unknown[]; ris: number }; plotSvg: string };
      expect(body.result).toEqual((cli as { result: unknown }).result);
      expect(body.result.looks.length).toBeGreaterThan(1);
      expect(body.plotSvg).toContain("<svg");
    });
  }

  it("a table without counts is the same input error on both sides", async () => {
    const bad = Buffer.from("study,yi,vi\nA,0.1,0.02\nB,0.3,0.05\n");
    const res = await admin.req("POST", "/api/tsa", { file: { name: "gen.csv", contentBase64: bad.toString("base64") }, options: { measure: "RR", controlRisk: 0.4, rrr: 0.2 } });
    expect(res.status).toBe(400);
    expect((res.body as { error: { message: string } }).error.message.length).toBeGreaterThan(5);
  });

  it("options out of range are refused with the field named", async () => {
    const res = await admin.req("POST", "/api/tsa", { file: upload(TSA_FILE), options: { measure: "RR", controlRisk: 1.5, rrr: 0.2 } });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toContain("controlRisk");
  });
});

describe("workbench downloads and the grid check", () => {
  const nmaBody = { file: upload(join(NMA_DIR, "hasselblad1998-smoking.csv")), options: {} };
  const tsaBody = { file: upload(TSA_FILE), options: { measure: "RR", controlRisk: 0.43, rrr: 0.2 } };
  const PNG = [0x89, 0x50, 0x4e, 0x47];
  const raw = async (path: string, body: unknown): Promise<{ status: number; type: string; bytes: Buffer }> => {
    const r = await fetch(srv.base + path, {
      method: "POST",
      headers: { "content-type": "application/json", cookie: [...admin.cookies].map(([k, v]) => `${k}=${v}`).join("; "), "x-csrf-token": admin.csrf ?? "" },
      body: JSON.stringify(body),
    });
    return { status: r.status, type: r.headers.get("content-type") ?? "", bytes: Buffer.from(await r.arrayBuffer()) };
  };

  it("NMA: both plots as PNG, the CSV of estimates and league pairs, the bundle", async () => {
    for (const p of ["network", "forest"]) {
      const r = await raw(`/api/nma/${p}.png`, nmaBody);
      expect(r.status).toBe(200);
      expect([...r.bytes.subarray(0, 4)]).toEqual(PNG);
    }
    const csv = await raw("/api/nma/results.csv", nmaBody);
    expect(csv.type).toMatch(/text\/csv/);
    const lines = csv.bytes.toString("utf8").trim().split(/\r?\n/);
    expect(lines[0]).toMatch(/^treatment,versus,estimate/);
    expect(lines.length).toBe(1 + 3 + 4 * 3); // 3 estimates vs the reference, 12 ordered pairs
    const zip = await raw("/api/nma/bundle.zip", nmaBody);
    expect(zip.type).toMatch(/zip/);
    expect(zip.bytes.subarray(0, 2).toString("latin1")).toBe("PK");
  });

  it("TSA: the plot as PNG and the looks as CSV", async () => {
    const png = await raw("/api/tsa/plot.png", tsaBody);
    expect([...png.bytes.subarray(0, 4)]).toEqual(PNG);
    const csv = (await raw("/api/tsa/results.csv", tsaBody)).bytes.toString("utf8");
    expect(csv.split(/\r?\n/)[0]).toBe("study,n,fraction,z,boundary,futility");
    expect(csv).toContain("Christiansen 1995");
  });

  it("TSA: the reproducible bundle, with the CLI's JSON and the R script of these options", async () => {
    const zip = await raw("/api/tsa/bundle.zip", tsaBody);
    expect(zip.status).toBe(200);
    expect(zip.type).toMatch(/zip/);
    const files = unzipSync(new Uint8Array(zip.bytes));
    expect(Object.keys(files).sort()).toEqual(["README.txt", "analysis.R", "data.csv", "input/ivig-no-live-birth.csv", "options.json", "result.json", "results.csv", "versions.json"]);
    const cli = (await runTsaCommand(TSA_FILE, { json: true, measure: "RR", controlRisk: "0.43", rrr: "0.2" })).stdout;
    expect(`${strFromU8(files["result.json"]!)}`).toBe(cli);
    expect(strFromU8(files["analysis.R"]!)).toContain("pc <- 0.43; rrr <- 0.2");
  });

  it("the NMA and TSA grids are checked by their commands' parsers, by grid row", async () => {
    const nma = await admin.req("POST", "/api/nma/grid-check", { columns: ["study", "treatment", "events", "total"], rows: [["A", "x", "3", "10"], ["A", "y", "-1", "10"]] });
    expect(nma.status).toBe(200);
    expect((nma.body as { problems: unknown[] }).problems).toEqual([expect.objectContaining({ row: 1, field: "events" })]);
    const tsa = await admin.req("POST", "/api/tsa/grid-check", { columns: ["study", "events_t", "total_t", "events_c", "total_c"], rows: [["A", "3", "10", "2", "x"]] });
    expect((tsa.body as { problems: unknown[] }).problems).toEqual([expect.objectContaining({ row: 0, field: "total_c" })]);
    expect((await admin.req("POST", "/api/tsa/grid-check", { columns: [], rows: [] })).status).toBe(400);
  });

  it("meta-analysis: bubble plot of a meta-regression and Baujat plot as SVG and PNG; 422 when the analysis has none", async () => {
    const lat = { file: upload("examples/meta/bcg-latitude.csv"), options: { measure: "RR", mods: ["ablat"], influence: true } };
    const res = await admin.req("POST", "/api/meta", lat);
    expect(res.status).toBe(200);
    const b = res.body as { bubbleSvg: string | null; baujatSvg: string | null };
    expect(b.bubbleSvg).toContain("Bubble plot");
    expect(b.baujatSvg).toContain("Baujat plot");
    for (const p of ["bubble", "baujat"]) expect([...(await raw(`/api/meta/${p}.png`, lat)).bytes.subarray(0, 4)]).toEqual(PNG);
    const plain = { file: upload("examples/meta/bcg.csv"), options: { measure: "RR" } };
    const none = await admin.req("POST", "/api/meta", plain);
    expect((none.body as { bubbleSvg: unknown; baujatSvg: unknown }).bubbleSvg).toBeNull();
    expect((await raw("/api/meta/baujat.png", plain)).status).toBe(422);
    const zip = await raw("/api/meta/bundle.zip", lat);
    expect(zip.bytes.subarray(0, 2).toString("latin1")).toBe("PK");
  });

  it("the grid check answers the parser's problems by grid row; oversized grids are refused", async () => {
    const res = await admin.req("POST", "/api/meta/grid-check", {
      columns: ["study", "events_t", "total_t", "events_c", "total_c"],
      rows: [["A", "3", "10", "2", "10"], ["B", "11", "10", "2", "10"]],
    });
    expect(res.status).toBe(200);
    expect((res.body as { problems: Array<{ row: number; field: string }> }).problems).toEqual([expect.objectContaining({ row: 1, field: "events_t" })]);
    const big = await admin.req("POST", "/api/meta/grid-check", { columns: ["study"], rows: Array.from({ length: 1001 }, () => ["x"]) });
    expect(big.status).toBe(400);
  });
});
