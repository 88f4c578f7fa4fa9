/**
 * `decidua serve` as users start it (`npm start` runs the bundled command line in dist/cli, which `npm test` builds
 * first): the workbench's analyses run in worker threads whose module the bundle must find. The other server tests
 * import the sources; this one runs the real bin in a child process and asks it for a meta-analysis.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client } from "./helpers.js";

const root = new URL("../../", import.meta.url).pathname;
let dir: string;
let child: ChildProcess;
let url: string;
let stderr = "";

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "decidua-bin-serve-"));
  child = spawn(process.execPath, [join(root, "bin/decidua.js"), "serve", "--port", "0", "--db", join(dir, "serve.sqlite")], {
    env: { ...process.env, DECIDUA_ADMIN_PASSWORD: "Bin-Serve-Passw0rd!x", DECIDUA_COOKIE_SECRET: "bin-serve-cookie-secret-0123456789abcdef" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  url = await new Promise<string>((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${out} ${stderr}`)), 30_000);
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /running on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m !== null) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.on("exit", (code) => reject(new Error(`serve exited with ${String(code)}: ${stderr}`)));
  });
}, 40_000);
afterAll(() => {
  child.kill();
  rmSync(dir, { recursive: true, force: true });
});

describe("the bundled server (bin/decidua.js serve)", () => {
  it("runs a workbench meta-analysis in its worker threads and logs no internal error", async () => {
    const c = new Client(url);
    expect((await c.login("admin", "Bin-Serve-Passw0rd!x")).status).toBe(200);
    const content = readFileSync(join(root, "examples/meta/bcg.csv")).toString("base64");
    const r = await c.req("POST", "/api/meta", { file: { name: "bcg.csv", contentBase64: content }, options: { measure: "RR" } });
    expect(r.status, r.text.slice(0, 300)).toBe(200);
    // metafor: rma(measure = "RR", dat.bcg), REML: tau² 0.3132 (fixtures/metafor/bcg cases)
    const tau2 = (r.body as { result: { heterogeneity: { tau2: number } } }).result.heterogeneity.tau2;
    expect(tau2).toBeCloseTo(0.3132, 4);
    expect(stderr).not.toMatch(/internal error/);
  }, 60_000);
});
