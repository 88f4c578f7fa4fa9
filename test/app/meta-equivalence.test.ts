/**
 * `decidua meta` and the workbench (POST /api/meta) run one use case (src/app/meta.ts): for every example table and
 * the same options they give the same MetaResult, field for field (issue #8 item 5). The workbench always draws a
 * funnel plot, so the CLI side asks for one too (--funnel), which adds the funnel data to the result on both sides.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runMetaCommand } from "../../src/cli/commands/meta.js";
import { ADMIN_PASSWORD, Client, startServer, type TestServer } from "../server/helpers.js";

const DIR = "examples/meta";
const FILES = readdirSync(DIR).filter((f) => /\.(csv|xlsx)$/i.test(f));

/** Engine options (as the workbench takes them) and the same options as CLI flags. */
const CASES: Array<{ name: string; options: Record<string, unknown>; flags: Record<string, unknown> }> = [
  { name: "defaults", options: {}, flags: {} },
  { name: "OR, REML, Knapp-Hartung", options: { measure: "OR", tau2: "REML", test: "knha" }, flags: { measure: "OR", tau2: "REML", test: "knha" } },
  { name: "RR fixed effect", options: { measure: "RR", model: "fixed" }, flags: { measure: "RR", model: "fixed" } },
  { name: "RevMan 5 preset", options: { preset: "revman5" }, flags: { preset: "revman5" } },
  { name: "MD with leave-one-out and cumulative", options: { measure: "MD", leaveOneOut: true, cumulative: true }, flags: { measure: "MD", leaveOneOut: true, cumulative: true } },
];

let srv: TestServer;
let admin: Client;
let out: string;

beforeAll(async () => {
  srv = await startServer("sqlite");
  admin = new Client(srv.base);
  expect((await admin.login("admin", ADMIN_PASSWORD)).status).toBe(200);
  out = mkdtempSync(join(tmpdir(), "decidua-equiv-"));
});

afterAll(async () => {
  await srv.close();
  rmSync(out, { recursive: true, force: true });
});

describe("CLI and workbench give identical results", () => {
  it("covers every example file, including a table of estimates with CIs", () => {
    expect(FILES).toEqual(expect.arrayContaining(["bcg.csv", "bcg-or-ci.csv", "bcg-metafor-names.xlsx", "ivig-live-birth.csv"]));
  });

  for (const file of FILES) {
    for (const c of CASES) {
      it(`${file}: ${c.name}`, async () => {
        const path = join(DIR, file);
        let cli: { ok: true; result: unknown } | { ok: false; reason: string };
        try {
          const r = await runMetaCommand(path, { ...c.flags, json: true, funnel: join(out, "funnel.svg") });
          cli = { ok: true, result: JSON.parse(r.stdout) };
        } catch (e) {
          cli = { ok: false, reason: (e as { reason?: string }).reason ?? String(e) };
        }
        const res = await admin.req("POST", "/api/meta", {
          file: { name: file, contentBase64: readFileSync(path).toString("base64") },
          options: c.options,
        });
        if (cli.ok) {
          expect(res.status).toBe(200);
          expect((res.body as { result: unknown }).result).toEqual(cli.result);
        } else {
          // the same input error on both sides (the CLI names the flag, the server the option)
          expect(res.status).toBe(400);
          expect((res.body as { error: { message: string } }).error.message).toContain(cli.reason.split(" (")[0]!.slice(0, 30));
        }
      });
    }
  }
});
