/**
 * Reference values for the workbench's reproducible bundle: for each case, build the bundle exactly as
 * POST /api/meta/bundle.zip, /api/nma/bundle.zip and /api/tsa/bundle.zip do, run its analysis.R with Rscript
 * (metafor; rpact for a TSA) in a temporary folder, and commit the R script and R's results-R.json under
 * fixtures/workbench/.
 *
 *   npx tsx scripts/workbench-r-fixtures.ts [CASE ...]   (from the repository root; needs Rscript with metafor,
 *                                                         rpact, jsonlite; named cases only are rerun, the rest kept)
 *
 * test/app/r-bundle.test.ts (no R needed) checks that the generator still writes these scripts and that Decidua's
 * numbers equal R's.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { unzipSync } from "fflate";
import { WORKBENCH_R_CASES, bundleForCase } from "../test/app/r-bundle-cases.js";

const out = join("fixtures", "workbench");
mkdirSync(out, { recursive: true });
const only = process.argv.slice(2);
const previous = only.length > 0 ? (JSON.parse(readFileSync(join(out, "r-results.json"), "utf8")) as { cases: Record<string, unknown> }).cases : {};
const results: Record<string, unknown> = {};
for (const c of WORKBENCH_R_CASES) {
  if (only.length > 0 && !only.includes(c.name)) {
    results[c.name] = previous[c.name];
    continue;
  }
  const zip = unzipSync(await bundleForCase(c));
  const dir = mkdtempSync(join(tmpdir(), "decidua-rbundle-"));
  for (const [name, bytes] of Object.entries(zip)) {
    mkdirSync(join(dir, name, ".."), { recursive: true });
    writeFileSync(join(dir, name), bytes);
  }
  execFileSync("Rscript", ["analysis.R"], { cwd: dir, stdio: ["ignore", "ignore", "inherit"] });
  results[c.name] = JSON.parse(readFileSync(join(dir, "results-R.json"), "utf8"));
  writeFileSync(join(out, `${c.name}.R`), Buffer.from(zip["analysis.R"]!));
  rmSync(dir, { recursive: true, force: true });
  console.log(`${c.name}: ok`);
}
const r = execFileSync("Rscript", ["-e", 'cat(R.version.string, "; metafor", as.character(packageVersion("metafor")), "; rpact", as.character(packageVersion("rpact")))'], { encoding: "utf8" });
writeFileSync(join(out, "r-results.json"), `${JSON.stringify({ generated_with: r.trim(), cases: results }, null, 2)}\n`);
