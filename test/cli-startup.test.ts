/**
 * The CLI loads only what a command uses: `decidua meta` must not load the server, the store, their drivers, the
 * XLSX reader or the PNG renderer (issue #8 item 7). `npm test` builds dist/ first; this runs the bundled CLI that
 * bin/decidua.js starts (dist/cli) in a child process and lists the npm packages it loaded from node_modules through
 * Node's CommonJS loader (fastify, pg, better-sqlite3, exceljs and resvg are CommonJS and kept out of the bundle, so
 * loading any of them shows up there).
 */
import { execFileSync } from "node:child_process";
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
});
