import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { pnt } from "../../src/stats/core/noncentral-t.js";
import { analyseByStratum, analyseMarkers, analysePrimary, type AnalysisParticipant } from "../../src/trials/analysis.js";
import { powerTwoMeans, powerTwoProportions, sampleSizeTwoMeans, sampleSizeTwoProportions } from "../../src/trials/sampleSize.js";

// Reference values produced by scripts/trial-fixtures.R (power.prop.test, power.t.test, pwr, pt, fisher.test,
// chisq.test, mantelhaen.test, glm + anova, lm, t.test, wilcox.test; Breslow–Day by formula).
const FIX = join(import.meta.dirname, "..", "..", "fixtures", "trials");
const load = (f: string): unknown => JSON.parse(readFileSync(join(FIX, f), "utf8")) as unknown;

function close(actual: number | null | undefined, expected: number, rel = 1e-6, abs = 1e-12): void {
  expect(actual).not.toBeNull();
  expect(actual).not.toBeUndefined();
  const a = actual as number;
  const ok = Math.abs(a - expected) <= Math.max(abs, rel * Math.abs(expected));
  if (!ok) throw new Error(`expected ${expected}, got ${a} (relative difference ${Math.abs(a - expected) / Math.abs(expected)})`);
}

interface SizeCase {
  ratio: [number, number];
  power: number;
  alpha: number;
  method: string;
  n1: number;
  at: { n1: number; n2: number; power: number };
}

describe("sample size against R", () => {
  const f = load("sample-size.json") as { proportions: (SizeCase & { p1: number; p2: number })[]; means: (SizeCase & { delta: number; sd: number })[] };
  it.each(f.proportions)("two proportions $p1 vs $p2, power $power, alpha $alpha, ratio $ratio ($method)", (c) => {
    const r = sampleSizeTwoProportions({ p1: c.p1, p2: c.p2, power: c.power, alpha: c.alpha, ratio: c.ratio });
    expect(r.method).toBe(c.method);
    close(r.n1, c.n1);
    close(powerTwoProportions(c.p1, c.p2, c.at.n1, c.at.n2, c.alpha), c.at.power);
    expect(r.analysed.n1).toBe(Math.ceil(c.n1));
    expect(r.achievedPower).toBeGreaterThanOrEqual(c.power - 1e-9);
  });
  it.each(f.means)("two means delta $delta sd $sd, power $power, alpha $alpha, ratio $ratio ($method)", (c) => {
    const r = sampleSizeTwoMeans({ delta: c.delta, sd: c.sd, power: c.power, alpha: c.alpha, ratio: c.ratio });
    expect(r.method).toBe(c.method);
    close(r.n1, c.n1);
    close(powerTwoMeans(c.delta, c.sd, c.at.n1, c.at.n2, c.alpha), c.at.power);
  });
  it("inflates for dropout and rounds up", () => {
    const r = sampleSizeTwoProportions({ p1: 0.8, p2: 0.635, dropout: 0.1 });
    expect(r.analysed.n1).toBe(116);
    expect(r.recruited.n1).toBe(Math.ceil(116 / 0.9));
    expect(r.recruited.total).toBe(2 * Math.ceil(116 / 0.9));
  });
  it("refuses impossible inputs", () => {
    expect(() => sampleSizeTwoProportions({ p1: 0.5, p2: 0.5 })).toThrow(/differ/);
    expect(() => sampleSizeTwoMeans({ delta: 1, sd: -1 })).toThrow();
    expect(() => sampleSizeTwoProportions({ p1: 0.5, p2: 0.6, dropout: 1 })).toThrow();
  });
});

describe("non-central t distribution against R's pt(q, df, ncp)", () => {
  const grid = load("noncentral-t.json") as { t: number; df: number; ncp: number; lower: number; upper: number }[];
  it(`matches ${grid.length} points (both tails)`, () => {
    for (const g of grid) {
      close(pnt(g.t, g.df, g.ncp, true), g.lower, 1e-6, 1e-13);
      close(pnt(g.t, g.df, g.ncp, false), g.upper, 1e-6, 1e-13);
    }
  });
});

function participants(rows: { arm: string; events: number; n: number; stratum?: string }[]): AnalysisParticipant[] {
  const out: AnalysisParticipant[] = [];
  for (const r of rows)
    for (let i = 0; i < r.n; i++) out.push({ id: `${r.stratum ?? ""}${r.arm}${i}`, arm: r.arm, outcome: i < r.events, ...(r.stratum !== undefined ? { stratum: r.stratum } : {}) });
  return out;
}

describe("primary outcome against R (fisher.test, chisq.test, Wald OR/RR/RD)", () => {
  const cases = load("primary.json") as Record<string, number | string>[];
  it.each(cases)("$name", (c) => {
    const p = participants([
      { arm: "t", events: c.eventsT as number, n: c.totalT as number },
      { arm: "c", events: c.eventsC as number, n: c.totalC as number },
    ]);
    const a = analysePrimary(p, { treatment: "t", control: "c" });
    for (const k of ["or", "or_ci_lb", "or_ci_ub", "rr", "rr_ci_lb", "rr_ci_ub", "rd", "rd_ci_lb", "rd_ci_ub", "fisher_p", "chisq", "chisq_p", "chisq_yates_p"] as const)
      close(a.summary[k], c[k] as number);
  });
});

describe("stratified analysis against R (mantelhaen.test, Breslow–Day by formula, glm interaction)", () => {
  const cases = load("stratified.json") as {
    name: string;
    strata: { stratum: string; et: number; nt: number; ec: number; nc: number }[];
    mh_or: number;
    mh_ci: [number, number];
    cmh: number;
    cmh_p: number;
    breslow_day: { statistic: number; df: number; p: number; tarone: number; tarone_p: number };
    interaction: { lr: number; df: number; p: number; terms: { estimate: number; se: number; z: number; p: number }[] };
  }[];
  it.each(cases)("$name", (c) => {
    const p = participants(c.strata.flatMap((s) => [
      { arm: "treatment", events: s.et, n: s.nt, stratum: s.stratum },
      { arm: "control", events: s.ec, n: s.nc, stratum: s.stratum },
    ]));
    const a = analyseByStratum(p, { treatment: "treatment", control: "control" });
    close(a.mantelHaenszel?.or, c.mh_or);
    close(a.cmh?.statistic, c.cmh);
    close(a.cmh?.p, c.cmh_p);
    close(a.breslowDay?.statistic, c.breslow_day.statistic);
    close(a.breslowDay?.p, c.breslow_day.p);
    close(a.breslowDay?.tarone, c.breslow_day.tarone);
    expect(a.breslowDay?.df).toBe(c.breslow_day.df);
    close(a.interaction?.lr, c.interaction.lr, 1e-6, 1e-10);
    close(a.interaction?.p, c.interaction.p);
    expect(a.interaction?.df).toBe(c.interaction.df);
    expect(a.interaction?.terms.length).toBe(c.interaction.terms.length);
    c.interaction.terms.forEach((t, i) => {
      const mine = a.interaction?.terms[i];
      close(mine?.estimate, t.estimate);
      close(mine?.se, t.se);
      close(mine?.statistic, t.z);
      close(mine?.p, t.p);
    });
  });
});

describe("pre/post markers against R (t.test paired, wilcox.test, Welch on change, lm ANCOVA)", () => {
  const cases = load("markers.json") as {
    data: { arm: string; pre: number; post: number }[];
    ancova: { estimate: number; se: number; t: number; p: number; ci_lb: number; ci_ub: number; pre_estimate: number; df: number };
    within: { arm: string; t: number; p: number; estimate: number; V: number; wilcox_p: number }[];
    change: { t: number; df: number; p: number; estimate: number; W: number; wilcox_p: number };
  }[];
  it.each(cases.map((c, i) => ({ ...c, i })))("data set $i", (c) => {
    const p: AnalysisParticipant[] = c.data.map((d, i) => ({ id: String(i), arm: d.arm, outcome: null, pre: d.pre, post: d.post }));
    const m = analyseMarkers(p, { treatment: "treatment", control: "control" });
    close(m.ancova?.arm.estimate, c.ancova.estimate);
    close(m.ancova?.arm.se, c.ancova.se);
    close(m.ancova?.arm.statistic, c.ancova.t);
    close(m.ancova?.arm.p, c.ancova.p);
    close(m.ancova?.arm.ci_low, c.ancova.ci_lb);
    close(m.ancova?.arm.ci_high, c.ancova.ci_ub);
    close(m.ancova?.pre.estimate, c.ancova.pre_estimate);
    expect(m.ancova?.dfResidual).toBe(c.ancova.df);
    for (const w of c.within) {
      const mine = m.withinArm.find((x) => x.arm === w.arm);
      close(mine?.pairedT?.statistic, w.t);
      close(mine?.pairedT?.p, w.p);
      close(mine?.pairedT?.estimate, w.estimate);
      close(mine?.signedRank?.statistic, w.V);
      close(mine?.signedRank?.p, w.wilcox_p);
    }
    close(m.changeWelch?.statistic, c.change.t);
    close(m.changeWelch?.df, c.change.df);
    close(m.changeWelch?.p, c.change.p);
    close(m.changeWelch?.estimate, c.change.estimate);
    close(m.changeRankSum?.statistic, c.change.W);
    close(m.changeRankSum?.p, c.change.wilcox_p);
  });
});
