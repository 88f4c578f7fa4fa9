/**
 * The speed work on the meta-analysis hot path (docs/stats.md, "Speed") must not change what a call returns:
 * remembered option parses follow the options given, and scratch memory reused between analyses never leaks one
 * analysis's numbers into another's result.
 */
import { describe, expect, it } from "vitest";
import { InputError } from "../../../src/shared/errors.js";
import { metaAnalysis, type MetaOptions, type StudyRow } from "../../../src/stats/index.js";
import { critValue, qchisq, UNIROOT_TOL, zeroinFrom } from "../../../src/stats/core/dist.js";
import chisqQuantile from "@stdlib/stats-base-dists-chisquare-quantile";
import normalQuantile from "@stdlib/stats-base-dists-normal-quantile";
import tQuantile from "@stdlib/stats-base-dists-t-quantile";
import { rmaUni, tau2ConfInt } from "../../../src/stats/core/rma.js";
import { effectSizes, twoByTwoEffect } from "../../../src/stats/core/escalc.js";
import { interceptDesign, tau2Of } from "../../../src/stats/core/tau2.js";

const bin = (study: string, et: number, nt: number, ec: number, nc: number): StudyRow => ({
  study,
  data: { kind: "binary", events_t: et, total_t: nt, events_c: ec, total_c: nc },
});

const rows: StudyRow[] = [bin("A", 20, 45, 14, 44), bin("B", 12, 30, 13, 31), bin("C", 30, 40, 18, 41), bin("D", 9, 20, 2, 19), bin("E", 4, 50, 9, 52)];

describe("remembered option parses", () => {
  it("an options object changed in place between calls is parsed again", () => {
    const o: MetaOptions = { measure: "OR", tau2: "REML" };
    expect(metaAnalysis(rows, o).tau2_method).toBe("REML");
    o.tau2 = "DL";
    expect(metaAnalysis(rows, o).tau2_method).toBe("DL");
    delete o.tau2;
    o.level = 90;
    const r = metaAnalysis(rows, o);
    expect(r.tau2_method).toBe("REML");
    expect(r.level).toBe(90);
  });

  it("invalid options after valid ones still fail, and a field added later counts", () => {
    metaAnalysis(rows, { measure: "OR", level: 95 });
    expect(() => metaAnalysis(rows, { measure: "OR", level: 150 })).toThrow(InputError);
    expect(metaAnalysis(rows, { measure: "OR", level: 95, model: "fixed" }).model).toBe("fixed");
    expect(metaAnalysis(rows, { measure: "OR", level: 95 }).model).toBe("random");
  });

  it("an array option changed in place is parsed again", () => {
    const withMods = rows.map((r, i) => ({ ...r, moderators: { dose: String(i + 1), year: String(2000 + 3 * i) } }));
    const mods = ["dose"];
    const a = metaAnalysis(withMods, { mods });
    mods[0] = "year";
    const b = metaAnalysis(withMods, { mods });
    expect(a.meta_regression?.coefficients[1]?.name).toBe("dose");
    expect(b.meta_regression?.coefficients[1]?.name).toBe("year");
  });
});

describe("scratch memory reused between analyses", () => {
  const other: StudyRow[] = Array.from({ length: 60 }, (_, i) => bin(`S${i}`, 3 + (i % 7), 40 + i, 5 + (i % 5), 45 + i));

  it("a result is not changed by the analyses run after it", () => {
    for (const o of [{ measure: "OR" }, { measure: "RR", method: "MH" }, { measure: "OR", method: "PETO" }, { measure: "RD", method: "MH", model: "random" }] satisfies MetaOptions[]) {
      const first = metaAnalysis(rows, { ...o, leaveOneOut: true, bias: true });
      const copy = structuredClone(first);
      metaAnalysis(other, { ...o, cumulative: true });
      metaAnalysis(rows.slice(0, 3), o);
      expect(first).toEqual(copy);
      expect(metaAnalysis(rows, { ...o, leaveOneOut: true, bias: true })).toEqual(copy);
    }
  });

  it("views handed out before the buffer grows keep their values", async () => {
    const { Scratch } = await import("../../../src/stats/core/scratch.js");
    const s = new Scratch();
    const a = s.f64(1000);
    a.fill(7);
    const b = s.f64(5000);
    b.fill(3);
    expect(a.every((x) => x === 7)).toBe(true);
    expect(b.length).toBe(5000);
    s.release();
    expect(s.f64(10).every((x) => x === 0)).toBe(true);
  });
});

describe("the ll0 check's likelihood gap", () => {
  it("equals logLik(0) - logLik(tau²) for small and large k and for tau² far above the variances", async () => {
    const { interceptDesign, ll0Gap, logLik } = await import("../../../src/stats/core/tau2.js");
    let seed = 7;
    const u = (): number => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647;
    };
    for (const k of [2, 5, 23, 400, 3000]) {
      const y = Array.from({ length: k }, () => u() * 2 - 1);
      const v = Array.from({ length: k }, () => 0.001 + u() * 0.2);
      const d = interceptDesign(y, v);
      for (const tau2 of [1e-4, 0.05, 3, 1e4]) {
        for (const reml of [true, false]) {
          const direct = logLik(d, 0, reml) - logLik(d, tau2, reml);
          expect(Math.abs(ll0Gap(d, tau2, reml) - direct)).toBeLessThan(1e-9 * Math.max(1, Math.abs(direct)));
        }
      }
    }
    // variances from 1e-12 to 1e12: the products of v + tau² and of v are folded into the logarithm before they leave the double range
    const wide = Array.from({ length: 60 }, (_, i) => 10 ** (-12 + (24 * i) / 59));
    const dw = interceptDesign(wide.map((_, i) => Math.sin(i)), wide);
    for (const tau2 of [1e-6, 1, 1e6]) {
      const direct = logLik(dw, 0, true) - logLik(dw, tau2, true);
      expect(Math.abs(ll0Gap(dw, tau2, true) - direct)).toBeLessThan(1e-9 * Math.max(1, Math.abs(direct)));
    }
  });
});

describe("Scratch", () => {
  it("hands out zero-filled arrays, also where an earlier analysis of another size wrote", async () => {
    const { Scratch } = await import("../../../src/stats/core/scratch.js");
    const s = new Scratch();
    s.f64(3).fill(1);
    s.f64(50).fill(2);
    s.u8(40).fill(3);
    s.release();
    const a = s.f64(7);
    const b = s.f64(20);
    const c = s.u8(9);
    expect([...a, ...b, ...c].every((x) => x === 0)).toBe(true);
    b.fill(5);
    s.release();
    s.f64(7);
    expect(s.f64(20).every((x) => x === 0)).toBe(true);
  });
});

describe("the Q-profile limits", () => {
  it("tau2ConfInt's limits are the roots of Q(tau²) = chi-square quantile found by separate zeroin runs", () => {
    const y = [0.91, -0.62, 1.35, 0.9, -0.8, 0.2, 0.05, 1.6];
    const v = [0.04, 0.09, 0.05, 0.2, 0.12, 0.03, 0.07, 0.3];
    const fit = rmaUni(y, v, { method: "REML" });
    const ci = tau2ConfInt(y, v, fit);
    // Q about the pooled estimate, as tau2ConfInt centres it: Q(t) = sum w d² - (sum w d)²/sum w
    const d = y.map((yi) => yi - fit.beta);
    const q = (t: number): number => {
      let sw = 0;
      let swd = 0;
      let swd2 = 0;
      d.forEach((di, i) => {
        const w = 1 / ((v[i] as number) + t);
        sw += w;
        swd += w * di;
        swd2 += w * di * di;
      });
      return swd2 - (swd * swd) / sw;
    };
    const tmax = Math.max(100, 10 * fit.tau2);
    const lo = qchisq(0.975, y.length - 1);
    const hi = qchisq(0.025, y.length - 1);
    const lb = zeroinFrom((t) => q(t) - lo, 0, tmax, fit.QE - lo, q(tmax) - lo, UNIROOT_TOL, 1000);
    const ub = zeroinFrom((t) => q(t) - hi, 0, tmax, fit.QE - hi, q(tmax) - hi, UNIROOT_TOL, 1000);
    expect(fit.tau2).toBeGreaterThan(0);
    expect(ci.tau2[0]).toBeCloseTo(lb, 12);
    expect(ci.tau2[1]).toBeCloseTo(ub, 12);
    expect(ci.tau2[0]).toBeGreaterThan(0);
    expect(ci.tau2[1]).toBeGreaterThan(ci.tau2[0]);
  });
});

describe("the log odds ratio's variance with one division", () => {
  it("is within a few ulps of escalc's 1/a + 1/b + 1/c + 1/d, and adds the four reciprocals at a zero cell", () => {
    const yi = new Float64Array(1);
    const vi = new Float64Array(1);
    let worst = 0;
    let n = 0;
    for (let a = 0.5; a < 3000; a = a * 1.37 + 1) {
      for (let b = 1; b < 5000; b = b * 1.91 + 0.5) {
        for (const [c, d] of [[0.5, 7.5], [3, 40], [250, 17], [1e6, 2e6], [12345, 1]] as const) {
          twoByTwoEffect("OR", a, b, c, d, yi, vi, 0);
          const escalc = 1 / a + 1 / b + 1 / c + 1 / d;
          worst = Math.max(worst, Math.abs((vi[0] as number) - escalc) / escalc);
          n++;
        }
      }
    }
    expect(n).toBeGreaterThan(300);
    expect(worst).toBeLessThan(1e-15); // 5.3 ulps here, 3.4 on the bench's 226,903 tables
    // no correction (add = 0): a zero cell gives an infinite variance, as 1/0 does, and the study is left out
    twoByTwoEffect("OR", 0, 10, 3, 9, yi, vi, 0);
    expect(vi[0]).toBe(Infinity);
    const es = effectSizes([{ study: "Z", data: { kind: "binary", events_t: 0, total_t: 10, events_c: 3, total_c: 12 } }], "OR", { add: 0 });
    expect(es.included[0]).toBe(0);
    expect(es.reasons[0]).toMatch(/vi = Infinity/);
    // cells whose product leaves the double range: the four reciprocals
    twoByTwoEffect("OR", 1e80, 1e80, 1e80, 1e80, yi, vi, 0);
    expect(vi[0]).toBe(4e-80);
  });
});

describe("model weights left by the tau² estimator", () => {
  it("the intercept design reports the tau² of its last pass, whose weights rmaUni then reuses unchanged", () => {
    const y = [0.91, -0.62, 1.35, 0.9, -0.8, 0.2, 0.05, 1.6];
    const v = [0.04, 0.09, 0.05, 0.2, 0.12, 0.03, 0.07, 0.3];
    const work = new Float64Array(y.length);
    const design = interceptDesign(y, v, work);
    expect(design.weightsAt).toBeNaN();
    const est = tau2Of(design, "REML");
    expect(design.weightsAt).toBe(est.tau2);
    work.forEach((w, i) => expect(w).toBe(1 / ((v[i] as number) + est.tau2)));
    design.stats("ols", { sw: 0, sw2: 0, yPy: 0, yPPy: 0, trP: 0, trPP: 0, trPV: 0, trPVP: 0, trPVPV: 0, logdet: 0 });
    expect(design.weightsAt).toBeNaN();
    // every estimator: rmaUni's weights are 1/(v + tau²) whether or not the estimator left them
    for (const method of ["REML", "ML", "EB", "DL", "PM", "SJ", "HE"] as const) {
      const fit = rmaUni(y, v, { method });
      fit.weights.forEach((w, i) => expect(w).toBe(1 / ((v[i] as number) + fit.tau2)));
    }
  });
});

describe("remembered quantiles", () => {
  it("give the quantile function's own value whatever the order of the pairs asked", () => {
    const pairs: [number, number][] = [[0.975, 9], [0.025, 9], [0.975, 9], [0.975, 10], [0.025, 9], [0.5, 3], [0.975, 9], [0.025, 10]];
    for (let round = 0; round < 3; round++) {
      for (const [p, df] of pairs) expect(qchisq(p, df)).toBe(chisqQuantile(p, df));
    }
    expect(critValue(95, null)).toBe(-normalQuantile((1 - 95 / 100) / 2, 0, 1));
    expect(critValue(90, 7)).toBe(-tQuantile((1 - 90 / 100) / 2, 7));
    expect(critValue(95, null)).toBe(-normalQuantile((1 - 95 / 100) / 2, 0, 1));
    expect(qchisq(NaN, 3)).toBeNaN();
  });
});

describe("the likelihood sums in one pass", () => {
  it("are location-invariant: shifting every y by 1e6 (or starting from an outlier) leaves tau² and its SE as they were", () => {
    const y = [2.9, 0.31, -0.12, 0.55, 0.9, -0.4, 0.2, 0.05, 1.1, 0.6];
    const v = [0.3, 0.04, 0.09, 0.05, 0.2, 0.12, 0.03, 0.07, 0.3, 0.1];
    for (const method of ["REML", "ML", "EB"] as const) {
      const base = rmaUni(y, v, { method });
      expect(base.tau2).toBeGreaterThan(0);
      for (const shift of [1e6, -3e4, 123.456]) {
        const moved = rmaUni(y.map((x) => x + shift), v, { method });
        expect(Math.abs(moved.tau2 - base.tau2) / base.tau2).toBeLessThan(1e-8);
        expect(Math.abs((moved.se_tau2 as number) - (base.se_tau2 as number)) / (base.se_tau2 as number)).toBeLessThan(1e-8);
        expect(Math.abs(moved.beta - shift - base.beta)).toBeLessThan(1e-8 * Math.abs(shift));
      }
      // the same studies in another order (the first study's y is the first pass's centre)
      const order = [3, 7, 1, 9, 0, 5, 2, 8, 4, 6];
      const perm = rmaUni(order.map((i) => y[i] as number), order.map((i) => v[i] as number), { method });
      expect(Math.abs(perm.tau2 - base.tau2) / base.tau2).toBeLessThan(1e-12);
    }
  });
});
