/**
 * Trial sequential analysis: the required information size against an independent R computation of the TSA
 * manual's formula and against a published TSA (Egerup et al., PLoS One 2015;10:e0141588: IVIG in recurrent
 * miscarriage, DARIS 1,008 for Pc 43%, RRR 20%, alpha 5%, beta 20%, D² 0%; and 698 for Pc 53% in secondary RM);
 * the cumulative z-curve and the diversity D² against metafor (fixtures/tsa/zcurve.json); and the behaviour of
 * the result (boundaries at the accrued fractions, the RIS reached, the conclusion, bad input).
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { InputError } from "../../../src/shared/errors.js";
import type { StudyRow } from "../../../src/stats/types.js";
import {
  alphaSpendingBoundaries,
  betaSpendingFutility,
  diversityAdjusted,
  obrienFlemingAlphaSpent,
  requiredInformationSize,
  trialSequentialAnalysis,
} from "../../../src/stats/tsa/index.js";

const Look = z.object({ study: z.array(z.string()), n: z.array(z.number()), z: z.array(z.number()), estimate: z.array(z.number()), se: z.array(z.number()), tau2: z.array(z.number()) });
const Zcurve = z.object({
  cases: z.array(
    z.object({
      id: z.string(),
      measure: z.enum(["RR", "OR", "RD"]),
      rows: z.array(z.object({ study: z.string(), ai: z.number(), n1i: z.number(), ci: z.number(), n2i: z.number() })),
      random: Look,
      fixed: Look,
      diversity: z.number(),
    }),
  ),
  ris: z.array(z.object({ controlRisk: z.number(), rrr: z.number(), alpha: z.number(), power: z.number(), ris: z.number() })),
});
const fx = Zcurve.parse(JSON.parse(readFileSync(new URL("../../../fixtures/tsa/zcurve.json", import.meta.url), "utf8")));
const rel = (a: number, b: number): number => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);
const toRows = (rows: { study: string; ai: number; n1i: number; ci: number; n2i: number }[]): StudyRow[] =>
  rows.map((r, i) => ({ study: r.study, row: i + 2, data: { kind: "binary", events_t: r.ai, total_t: r.n1i, events_c: r.ci, total_c: r.n2i } }));

describe("required information size", () => {
  it("matches R for every case of the fixture", () => {
    expect(fx.ris.length).toBeGreaterThanOrEqual(30);
    for (const c of fx.ris) expect(rel(requiredInformationSize(c).ris, c.ris)).toBeLessThan(1e-12);
  });

  it("reproduces the published IVIG TSA: 1,008 and 698 participants", () => {
    expect(Math.ceil(requiredInformationSize({ controlRisk: 0.43, rrr: 0.2 }).ris)).toBe(1008);
    expect(Math.ceil(requiredInformationSize({ controlRisk: 0.53, rrr: 0.2 }).ris)).toBe(698);
  });

  it("divides by 1 - D² and rejects impossible inputs", () => {
    expect(diversityAdjusted(1000, 0.5)).toBe(2000);
    expect(() => diversityAdjusted(1000, 1)).toThrow(InputError);
    expect(() => requiredInformationSize({ controlRisk: 1.2, rrr: 0.2 })).toThrow(/control event proportion/);
    expect(() => requiredInformationSize({ controlRisk: 0.3, rrr: 0 })).toThrow(/relative risk reduction/);
  });

  it("uses the O'Brien-Fleming spending function as R's pnorm does", () => {
    // 4 * pnorm(qnorm(1 - 0.05/4) / sqrt(0.1), lower.tail = FALSE) in R
    expect(rel(obrienFlemingAlphaSpent(0.1, 0.05), 2.7225029784597046e-12)).toBeLessThan(1e-10);
    expect(obrienFlemingAlphaSpent(1.3, 0.05)).toBe(0.05);
  });
});

describe("z-curve and diversity against metafor", () => {
  for (const c of fx.cases) {
    for (const model of ["random", "fixed"] as const) {
      it(`${c.id} ${model}`, () => {
        const res = trialSequentialAnalysis(toRows(c.rows), { measure: c.measure, controlRisk: 0.2, rrr: 0.2, model });
        const ref = c[model];
        expect(res.looks.map((l) => l.study)).toEqual(ref.study);
        res.looks.forEach((l, i) => {
          expect(rel(l.z, ref.z[i] as number)).toBeLessThan(1e-6);
          expect(rel(l.se, ref.se[i] as number)).toBeLessThan(1e-6);
          expect(Math.abs(l.estimate - (ref.estimate[i] as number))).toBeLessThan(1e-6 * Math.max(1, Math.abs(ref.estimate[i] as number)));
          expect(Math.abs(l.tau2 - (ref.tau2[i] as number))).toBeLessThan(1e-8);
          expect(l.n).toBe(ref.n[i]);
        });
        if (model === "random") expect(Math.abs(res.diversity - c.diversity)).toBeLessThan(1e-9);
        else expect(res.diversity).toBe(0);
      });
    }
  }
});

describe("the analysis", () => {
  const bcg = fx.cases.find((c) => c.id === "bcg-RR");
  const rows = toRows(bcg?.rows ?? []);

  it("puts the monitoring boundaries of the accrued fractions (and a final look at the RIS) on the looks", () => {
    const res = trialSequentialAnalysis(rows, { measure: "RR", controlRisk: 0.01, rrr: 0.3, diversity: 0.2 });
    expect(res.diversity).toBe(0.2);
    expect(res.diversity_source).toBe("given");
    expect(rel(res.ris_adjusted, res.ris / 0.8)).toBeLessThan(1e-14);
    const before = res.looks.filter((l) => l.fraction < 1);
    const fr = [...before.map((l) => l.fraction), 1];
    const eff = alphaSpendingBoundaries(fr, 0.05).boundaries;
    before.forEach((l, i) => expect(l.boundary).toBe(eff[i]));
    expect(res.final_boundary).toBe(eff[eff.length - 1]);
    const fut = betaSpendingFutility(fr, eff, 1 - 0.8).futility;
    before.forEach((l, i) => expect(l.futility).toBe(fut[i] ?? null));
    expect(res.accrued).toBe(rows.reduce((a, r) => a + (r.data.kind === "binary" ? r.data.total_t + r.data.total_c : 0), 0));
  });

  it("past the RIS, the first look spends all remaining alpha and later looks keep that boundary", () => {
    // Pc 0.5 with RRR 0.5 needs only ~ 120 participants: BCG's 357,347 are far beyond.
    const res = trialSequentialAnalysis(rows, { measure: "RR", controlRisk: 0.5, rrr: 0.5, diversity: 0 });
    const first = res.looks.findIndex((l) => l.fraction >= 1);
    expect(first).toBe(0);
    for (const l of res.looks) expect(l.boundary).toBe(res.final_boundary);
    expect(rel(res.final_boundary, 1.959963984540054)).toBeLessThan(1e-12);
    expect(res.notes.join(" ")).toMatch(/reached the required information size/);
  });

  it("crossing the boundary gives a firm conclusion with its direction, and says what it does not cover", () => {
    const res = trialSequentialAnalysis(rows, { measure: "RR", controlRisk: 0.01, rrr: 0.3 });
    expect(res.conclusion.status).toBe("boundary_crossed");
    expect(res.conclusion.direction).toBe("fewer_events");
    expect(res.conclusion.text).toMatch(/bias/);
    const at = res.looks.find((l) => l.study === res.conclusion.study);
    expect(Math.abs(at?.z ?? 0)).toBeGreaterThanOrEqual(at?.boundary ?? Infinity);
  });

  it("a small, null data set is not conclusive and says so", () => {
    const small: StudyRow[] = [
      { study: "A", data: { kind: "binary", events_t: 10, total_t: 50, events_c: 11, total_c: 50 } },
      { study: "B", data: { kind: "binary", events_t: 8, total_t: 40, events_c: 9, total_c: 41 } },
    ];
    const res = trialSequentialAnalysis(small, { measure: "RR", controlRisk: 0.22, rrr: 0.2 });
    expect(res.conclusion.status).toBe("inconclusive");
    expect(res.conclusion.text).toMatch(/Not yet conclusive/);
    expect(res.adjusted_ci.ci_lb).toBeLessThan(res.naive_ci.ci_lb);
    expect(res.adjusted_ci.ci_ub).toBeGreaterThan(res.naive_ci.ci_ub);
  });

  it("futility: a large null data set enters the inner wedge before the RIS", () => {
    const big: StudyRow[] = Array.from({ length: 8 }, (_, i) => ({ study: `T${i + 1}`, data: { kind: "binary" as const, events_t: 60, total_t: 200, events_c: 60, total_c: 200 } }));
    const res = trialSequentialAnalysis(big, { measure: "RR", controlRisk: 0.3, rrr: 0.2 });
    expect(res.conclusion.status).toBe("futility");
    expect(res.conclusion.text).toMatch(/smaller effect is not excluded/);
  });

  it("rejects data without participants per arm and bad options", () => {
    const generic: StudyRow[] = [{ study: "A", data: { kind: "generic", yi: 0.1, vi: 0.04 } }];
    expect(() => trialSequentialAnalysis(generic, { measure: "RR", controlRisk: 0.2, rrr: 0.2 })).toThrow(/participants per arm/);
    expect(() => trialSequentialAnalysis(rows, { measure: "RR", controlRisk: 0.2, rrr: 1.5 })).toThrow(InputError);
    expect(() => trialSequentialAnalysis(rows, { measure: "RR", controlRisk: 0.2, rrr: 0.2, diversity: 1 })).toThrow(InputError);
  });
});
