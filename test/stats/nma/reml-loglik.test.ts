/**
 * The restricted log-likelihood the REML search compares a boundary maximum with an interior one by (glsFit's
 * remlLogLik, hazard of a network whose likelihood has two maxima) against rma.mv's logLik with tau² fixed, on a grid
 * through both maxima (fixtures/nma/loglik/, written by scripts/nma-fixtures.R). The two differ by one constant.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { nmaStudiesFromTable } from "../../../src/stats/nma/input.js";
import { glsFit, parameterColumns, type NetworkStudy } from "../../../src/stats/nma/model.js";
import { prepareNetwork } from "../../../src/stats/nma/prepare.js";
import { tableFromRows } from "./helpers.js";

const Grid = z.object({
  dataset: z.string(),
  measure: z.literal("OR"),
  reference: z.string(),
  rows: z.array(z.record(z.string(), z.union([z.string(), z.number()]))),
  tau2: z.array(z.number()),
  remlLogLik: z.array(z.number()),
});

describe("the NMA's restricted log-likelihood against rma.mv", () => {
  it("differs from metafor's REML logLik by one constant at every tau² of the grid (a network with two maxima)", () => {
    const g = Grid.parse(JSON.parse(readFileSync(new URL("../../../fixtures/nma/loglik/reml-bimodal.json", import.meta.url), "utf8")));
    const data = prepareNetwork(nmaStudiesFromTable(tableFromRows(`${g.dataset}.csv`, g.rows)).studies, g.measure);
    const seen = [...new Set(data.studies.flatMap((s) => s.arms))];
    const treatments = [g.reference, ...seen.filter((t) => t !== g.reference)];
    const order = new Map(treatments.map((t, i) => [t, i]));
    const net: NetworkStudy[] = data.studies.map((s) => ({ arms: Int32Array.from(s.arms.map((a) => order.get(a) as number)), y: s.y, V: s.V }));
    const p = treatments.length - 1;
    const ours = g.tau2.map((t) => glsFit(net, parameterColumns(treatments.length, 0), p, t, false, true).remlLogLik as number);
    const constant = (g.remlLogLik[0] as number) - (ours[0] as number);
    g.tau2.forEach((t, i) => expect(ours[i]! + constant, `tau² = ${t}`).toBeCloseTo(g.remlLogLik[i]!, 9));
    // the grid spans both maxima: the interior one is the higher (what rma.mv finds)
    expect(Math.max(...g.remlLogLik)).toBeGreaterThan(g.remlLogLik[0]!);
  });
});
