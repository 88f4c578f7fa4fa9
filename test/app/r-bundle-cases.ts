/** The cases of the bundle's R check (scripts/workbench-r-fixtures.ts writes the R side, r-bundle.test.ts compares). */
import { readFileSync } from "node:fs";
import { analyseStudyTable } from "../../src/app/meta.js";
import { analyseNetworkTable } from "../../src/app/nma.js";
import { metaBundle, nmaBundle, type BundleVersions } from "../../src/server/bundle.js";
import { metaResultCsv, nmaResultCsv } from "../../src/server/core.js";
import type { NmaOptions } from "../../src/stats/nma/index.js";
import type { MetaOptions } from "../../src/stats/types.js";

export type RCase = { name: string; file: string } & ({ kind: "meta"; options: MetaOptions } | { kind: "nma"; options: NmaOptions });

export const WORKBENCH_R_CASES: RCase[] = [
  { name: "bcg-rr-reml", kind: "meta", file: "examples/meta/bcg.csv", options: { measure: "RR" } },
  { name: "bcg-or-dl-knha-90", kind: "meta", file: "examples/meta/bcg.csv", options: { measure: "OR", tau2: "DL", test: "knha", level: 90 } },
  { name: "bcg-or-mh", kind: "meta", file: "examples/meta/bcg.csv", options: { measure: "OR", method: "MH" } },
  { name: "bcg-peto", kind: "meta", file: "examples/meta/bcg.csv", options: { method: "PETO" } },
  { name: "bcg-rr-fixed", kind: "meta", file: "examples/meta/bcg.csv", options: { measure: "RR", model: "fixed" } },
  { name: "bcg-latitude-mods", kind: "meta", file: "examples/meta/bcg-latitude.csv", options: { measure: "RR", mods: ["ablat"] } },
  { name: "normand-md-pm", kind: "meta", file: "examples/meta/normand1999.csv", options: { measure: "MD", tau2: "PM" } },
  { name: "normand-smd", kind: "meta", file: "examples/meta/normand1999.csv", options: { measure: "SMD" } },
  { name: "molloy-generic-sj", kind: "meta", file: "examples/meta/molloy2014-generic.csv", options: { tau2: "SJ" } },
  { name: "bcg-revman5", kind: "meta", file: "examples/meta/bcg.csv", options: { preset: "revman5" } },
  { name: "bcg-revman-web", kind: "meta", file: "examples/meta/bcg.csv", options: { measure: "RR", preset: "revman-web" } },
  { name: "smoking-nma-reml", kind: "nma", file: "examples/nma/hasselblad1998-smoking.csv", options: { measure: "OR" } },
  { name: "senn-nma-fixed", kind: "nma", file: "examples/nma/senn2013-hba1c.csv", options: { model: "fixed" } },
  { name: "linde-nma-dl", kind: "nma", file: "examples/nma/linde2016-contrasts.csv", options: { measure: "OR", tau2: "DL", reference: "Placebo" } },
];

/** Fixed versions, so the scripts do not change with the installed packages. */
export const CASE_VERSIONS: BundleVersions = { decidua: "fixture", node: "fixture", dependencies: {} };

export async function analyseCase(c: RCase) {
  const bytes = new Uint8Array(readFileSync(c.file));
  const name = c.file.split("/").pop()!;
  if (c.kind === "meta") {
    const a = await analyseStudyTable({ file: name, bytes }, c.options);
    return { kind: "meta" as const, name, bytes, a };
  }
  const a = await analyseNetworkTable({ file: name, bytes }, c.options);
  return { kind: "nma" as const, name, bytes, a };
}

export async function bundleForCase(c: RCase): Promise<Uint8Array> {
  const x = await analyseCase(c);
  if (x.kind === "meta" && c.kind === "meta") return metaBundle({ file: x.name, bytes: x.bytes, rows: x.a.rows, options: c.options, result: x.a.result, csv: metaResultCsv(x.a.result), versions: CASE_VERSIONS });
  if (x.kind === "nma" && c.kind === "nma") return nmaBundle({ file: x.name, bytes: x.bytes, options: c.options, result: x.a.result, csv: nmaResultCsv(x.a.result), versions: CASE_VERSIONS });
  throw new Error("case kind");
}
