/**
 * The CLI loads only what a command uses: `decidua meta` must not load the server, the store, their drivers, the
 * XLSX reader or the PNG renderer (issue #8 item 7). `npm test` builds dist/ first; this runs the bundled CLI that
 * bin/decidua.js starts (dist/cli) in a child process and lists the npm packages it loaded from node_modules through
 * Node's CommonJS loader (fastify, pg, better-sqlite3, exceljs and resvg are CommonJS and kept out of the bundle, so
 * loading any of them shows up there).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

function packagesLoadedBy(argv: string[]): string[] {
  const script = `
    import { createRequire } from "node:module";
    const { main } = await import(process.cwd() + "/dist/cli/main.js");
    const code = await main(JSON.parse(process.argv[1]), { out: () => {}, err: () => {} });
    const cache = Object.keys(createRequire(import.meta.url).cache);
    const names = new Set(cache.map((p) => /node_modules\\/((?:@[^/]+\\/)?[^/]+)/.exec(p)?.[1]).filter(Boolean));
    console.log(JSON.stringify({ code, names: [...names] }));`;
  const out = execFileSync(process.execPath, ["--input-type=module", "-e", script, JSON.stringify(argv)], { cwd: process.cwd(), encoding: "utf8" });
  const got = JSON.parse(out) as { code: number; names: string[] };
  expect(got.code).toBe(0);
  return got.names;
}

const HEAVY = ["fastify", "pg", "better-sqlite3", "exceljs", "@resvg/resvg-js", "@fastify/static", "@fastify/swagger"];

describe("CLI start-up", () => {
  it("decidua meta on a CSV loads none of the server, store, XLSX or PNG packages", () => {
    const loaded = packagesLoadedBy(["meta", "examples/meta/bcg.csv", "--json"]);
    expect(loaded.filter((n) => HEAVY.includes(n))).toEqual([]);
  });

  it("decidua --help still lists every command (it loads them all)", () => {
    const loaded = packagesLoadedBy(["--help"]);
    expect(loaded).toContain("fastify");
  });

  it("stops quietly when its reader closes the pipe early (decidua ... | head)", () => {
    // the reader takes one byte of an assessment (135 kB, more than a pipe holds) and closes the pipe; the CLI's
    // stderr goes to a file of its own
    const r = spawnSync("bash", ["-c", 'node bin/decidua.js assess --json --today 2025-06-01 examples/patients/vignettes/v07-aps-three-losses.json 2>"$1" | head -c 1 >/dev/null; echo "${PIPESTATUS[0]}"; cat "$1"', "_", join(mkdtempSync(join(tmpdir(), "decidua-epipe-")), "stderr")], { cwd: process.cwd(), encoding: "utf8" });
    const [code, ...stderr] = r.stdout.split("\n");
    expect(stderr.join("\n")).not.toMatch(/EPIPE|Unhandled 'error' event/);
    expect(code).toBe("0");
  });
});
