/**
 * `decidua nma` / `decidua tsa` and the workbench's NMA and TSA pages (POST /api/nma, POST /api/tsa) run one use
 * case each (src/app/nma.ts, src/app/tsa.ts): for every example table and the same options they give the same
 * result, field for field, and the same input errors (issue #14 item 5).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
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
