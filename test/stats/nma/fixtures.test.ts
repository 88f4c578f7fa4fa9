/**
 * The network meta-analysis against R: every case in fixtures/nma/*.json (written by scripts/nma-fixtures.R with
 * metafor's rma.mv and netmeta's formulas coded in R) goes through the same path as `decidua nma` (table of strings
 * -> parser -> prepared studies -> networkMetaAnalysis) and every recorded field is compared to 6 significant digits
 * (relative 1e-6, absolute floor 1e-8 for values near zero); strings and counts must be equal.
 */
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { nmaStudiesFromTable } from "../../../src/stats/nma/input.js";
import { prepareNetwork } from "../../../src/stats/nma/prepare.js";
import { networkMetaAnalysis } from "../../../src/stats/nma/analysis.js";
import { NmaResultSchema, type NmaResult } from "../../../src/stats/nma/types.js";
import { tableFromRows } from "./helpers.js";

const REL = 1e-6;
const ABS = 1e-8;
const dir = new URL("../../../fixtures/nma/", import.meta.url);

const Case = z.object({
  id: z.string(),
  dataset: z.string(),
  description: z.string(),
  layout: z.enum(["binary", "continuous", "contrast"]),
  rows: z.array(z.record(z.string(), z.union([z.string(), z.number()]))),
  options: z.object({
    measure: z.enum(["OR", "RR", "RD", "MD", "SMD", "GEN"]),
    reference: z.string(),
    model: z.enum(["fixed", "random"]),
    tau2: z.enum(["REML", "DL"]),
    largerBetter: z.boolean(),
  }),
  expected: z.record(z.string(), z.unknown()),
});
type Case = z.infer<typeof Case>;


/** Compares every field of `expected` (R) with `actual` (engine); returns the paths that differ. */
function compare(expected: unknown, actual: unknown, path: string, out: string[], counted: { n: number }): void {
  if (expected === null) {
    if (actual !== null && actual !== undefined) out.push(`${path}: expected null, got ${JSON.stringify(actual)}`);
    return;
  }
  if (typeof expected === "number") {
    counted.n++;
    if (typeof actual !== "number" || !(Math.abs(actual - expected) <= Math.max(REL * Math.abs(expected), ABS))) out.push(`${path}: R ${expected}, engine ${String(actual)}`);
    return;
  }
  if (typeof expected === "string" || typeof expected === "boolean") {
    counted.n++;
    if (actual !== expected) out.push(`${path}: R ${String(expected)}, engine ${String(actual)}`);
    return;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) {
      out.push(`${path}: R has ${expected.length} entries, engine ${Array.isArray(actual) ? actual.length : "none"}`);
      return;
    }
    expected.forEach((e, i) => compare(e, actual[i], `${path}[${i}]`, out, counted));
    return;
  }
  if (typeof expected === "object") {
    if (typeof actual !== "object" || actual === null) {
      out.push(`${path}: missing`);
      return;
    }
    for (const [k, v] of Object.entries(expected as Record<string, unknown>)) compare(v, (actual as Record<string, unknown>)[k], `${path}.${k}`, out, counted);
  }
}

function runCase(c: Case): NmaResult {
  const { studies } = nmaStudiesFromTable(tableFromRows(`${c.dataset}.csv`, c.rows));
  const data = prepareNetwork(studies, c.options.measure);
  return networkMetaAnalysis(data, { reference: c.options.reference, model: c.options.model, tau2: c.options.tau2, largerBetter: c.options.largerBetter });
}

const files = readdirSync(dir).filter((f) => f.endsWith(".json"));
const cases = files.flatMap((f) => z.array(Case).parse(JSON.parse(readFileSync(new URL(f, dir), "utf8"))));

describe("network meta-analysis against R (rma.mv and netmeta's formulas)", () => {
  it("has the fixture suite: at least four datasets, binary, continuous and contrast input, multi-arm studies", () => {
    expect(new Set(cases.map((c) => c.dataset)).size).toBeGreaterThanOrEqual(4);
    expect(new Set(cases.map((c) => c.layout))).toEqual(new Set(["binary", "continuous", "contrast"]));
    expect(cases.every((c) => typeof c.expected.multi_arm === "number")).toBe(true);
    expect(cases.filter((c) => (c.expected.multi_arm as number) > 0).length).toBe(cases.length);
  });

  for (const c of cases) {
    it(`${c.id}: ${c.description}`, () => {
      const result = runCase(c);
      NmaResultSchema.parse(result);
      const { excluded, corrected, tau2_rma_mv_nlminb, ...fields } = c.expected as Record<string, unknown>;
      const problems: string[] = [];
      const counted = { n: 0 };
      compare(fields, result, c.id, problems, counted);
      expect(problems).toEqual([]);
      expect(counted.n).toBeGreaterThan(50);
      // Studies left out and zero-cell corrections: the same studies.
      expect(result.excluded.map((e) => e.study)).toEqual((excluded as string[] | undefined) ?? []);
      expect(result.studies.filter((s) => s.continuity_corrected).map((s) => s.study)).toEqual((corrected as string[] | undefined) ?? []);
      // metafor's own nlminb stopping point agrees with the polished REML root to about 1e-6.
      if (typeof tau2_rma_mv_nlminb === "number" && tau2_rma_mv_nlminb > 1e-6) {
        expect(Math.abs(result.heterogeneity.tau2 - tau2_rma_mv_nlminb) / tau2_rma_mv_nlminb).toBeLessThan(1e-3);
      }
    });
  }
});
