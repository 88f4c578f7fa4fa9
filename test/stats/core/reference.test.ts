import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  beggTest,
  effectFromCI,
  effectSizes,
  eggerTest,
  metaRegCoef,
  rmaMH,
  rmaPeto,
  rmaUni,
  tau2ConfInt,
  trimAndFill,
  type RmaMethod,
  type StudyRow,
  type TestType,
} from "../../../src/stats/index.js";
import { cumulative, leaveOneOut } from "../../../src/stats/core/sensitivity.js";

// Values produced by R metafor 3.8.1 with test/stats/core/reference.R.
type Num = number | "NA";
const ref = JSON.parse(readFileSync(new URL("./reference.json", import.meta.url), "utf8")) as Record<string, any>;

function close(actual: number, expected: Num, rel = 1e-7): void {
  if (expected === "NA") {
    expect(Number.isNaN(actual)).toBe(true);
    return;
  }
  const tol = rel * Math.max(Math.abs(expected), 1e-4);
  expect(Math.abs(actual - expected), `${actual} vs ${expected}`).toBeLessThanOrEqual(tol);
}
function closeAll(actual: ArrayLike<number>, expected: Num[], rel = 1e-7): void {
  expect(actual.length).toBe(expected.length);
  expected.forEach((e, i) => close(actual[i] as number, e, rel));
}

const bin = ref.bin as { ai: number[]; n1: number[]; ci: number[]; n2: number[] };
const binRows: StudyRow[] = bin.ai.map((_, i) => ({
  study: `B${i + 1}`,
  data: { kind: "binary", events_t: bin.ai[i]!, total_t: bin.n1[i]!, events_c: bin.ci[i]!, total_c: bin.n2[i]! },
}));
const con = ref.con as Record<"m1" | "sd1" | "n1" | "m2" | "sd2" | "n2", number[]>;
const conRows: StudyRow[] = con.m1.map((_, i) => ({
  study: `C${i + 1}`,
  data: { kind: "continuous", mean_t: con.m1[i]!, sd_t: con.sd1[i]!, total_t: con.n1[i]!, mean_c: con.m2[i]!, sd_c: con.sd2[i]!, total_c: con.n2[i]! },
}));

describe("effectSizes reproduces escalc", () => {
  for (const m of ["OR", "RR", "RD"] as const) {
    it(`${m} with zero cells (0.5 added) and a double-zero study`, () => {
      const es = effectSizes(binRows, m);
      closeAll(es.yi, ref[`escalc_${m}`].yi);
      closeAll(es.vi, ref[`escalc_${m}`].vi);
      // study 3 has no events in either arm: out for OR/RR with a reason, kept for RD
      expect(es.included[2]).toBe(m === "RD" ? 1 : 0);
      if (m !== "RD") expect(es.reasons[2]).toMatch(/double-zero/);
      expect(Array.from(es.corrected)).toEqual(m === "RD" ? [0, 1, 1, 1, 1] : [0, 1, 0, 1, 1]);
    });
  }
  it("MD and SMD (exact Hedges correction, LS variance)", () => {
    const md = effectSizes(conRows, "MD");
    closeAll(md.yi, ref.escalc_MD.yi);
    closeAll(md.vi, ref.escalc_MD.vi);
    const smd = effectSizes(conRows, "SMD");
    closeAll(smd.yi, ref.escalc_SMD.yi);
    closeAll(smd.vi, ref.escalc_SMD.vi);
  });
  it("SMD with RevMan's approximate correction", () => {
    const smd = effectSizes(conRows, "SMD", { smdCorrection: "approx" });
    closeAll(smd.yi, ref.escalc_SMD_approx.yi);
    closeAll(smd.vi, ref.escalc_SMD_approx.vi);
  });
  it("back-calculates log OR and its SE from a reported 95% CI", () => {
    const b = ref.backcalc;
    const r = effectFromCI({ estimate: b.or, lower: b.lb, upper: b.ub, ratio: true });
    close(r.yi, b.yi, 1e-12);
    close(r.sei, b.sei, 1e-9);
  });
});

describe("rmaUni reproduces rma.uni, predict and confint", () => {
  const y = ref.bcg.yi as number[];
  const v = ref.bcg.vi as number[];
  for (const f of ref.bcg_fits as any[]) {
    it(`${f.method} with test ${f.test}`, () => {
      const r = rmaUni(y, v, { method: f.method as RmaMethod, test: f.test as TestType });
      for (const key of ["beta", "se", "zval", "pval", "ci_lb", "ci_ub", "pi_lb", "pi_ub", "tau2", "QE", "QEp", "I2", "H2"] as const) {
        close(r[key] as number, f[key], 1e-6);
      }
      if (f.method !== "FE") {
        close(r.se_tau2 as number, f.se_tau2, 1e-6);
        const ci = tau2ConfInt(y, v, r);
        closeAll(ci.tau2, f.tau2_ci, 1e-6);
        closeAll(ci.I2, f.I2_ci, 1e-6);
        closeAll(ci.H2, f.H2_ci, 1e-6);
      }
    });
  }
  it("truncates tau² at 0 for homogeneous data, with a CI of [0, 0]", () => {
    for (const [m, t] of Object.entries(ref.hom_tau2 as Record<string, number>)) {
      const got = rmaUni(ref.hom.yi, ref.hom.vi, { method: m as RmaMethod }).tau2;
      if (m === "SJ") close(got, t, 1e-9);
      else expect(got).toBe(0);
      expect(t === 0).toBe(m !== "SJ");
    }
    const r = rmaUni(ref.hom.yi, ref.hom.vi);
    expect(tau2ConfInt(ref.hom.yi, ref.hom.vi, r).tau2).toEqual(ref.hom_tau2_ci);
  });
});

describe("Mantel-Haenszel and Peto reproduce rma.mh and rma.peto", () => {
  const d = ref.mhd as { ai: number[]; n1: number[]; ci: number[]; n2: number[] };
  const t = { ai: d.ai, bi: d.ai.map((a, i) => d.n1[i]! - a), ci: d.ci, di: d.ci.map((c, i) => d.n2[i]! - c) };
  for (const m of ["OR", "RR", "RD"] as const) {
    it(`MH ${m}`, () => {
      const r = rmaMH(t, m);
      const e = ref[`mh_${m}`];
      for (const key of ["beta", "se", "pval", "ci_lb", "ci_ub", "QE", "QEp", "I2", "H2"] as const) close(r[key], e[key], 1e-9);
    });
  }
  it("MH OR with 0.5 added inside MH (RevMan 5)", () => {
    const r = rmaMH(t, "OR", { addInMH: 0.5 });
    close(r.beta, ref.mh_OR_add.beta, 1e-9);
    close(r.se, ref.mh_OR_add.se, 1e-9);
    close(r.QE, ref.mh_OR_add.QE, 1e-9);
  });
  it("Peto OR", () => {
    const r = rmaPeto(t);
    for (const key of ["beta", "se", "pval", "QE", "I2"] as const) close(r[key], ref.peto[key], 1e-9);
  });
});

describe("sensitivity and small-study bias", () => {
  const y = ref.bcg.yi as number[];
  const v = ref.bcg.vi as number[];
  const idx = y.map((_, i) => i);
  const fit = (sub: number[]) => rmaUni(sub.map((i) => y[i]!), sub.map((i) => v[i]!));
  it("leave-one-out as leave1out", () => {
    const l = leaveOneOut(idx, fit);
    closeAll(l.map((r) => r.beta), ref.loo.estimate, 1e-6);
    closeAll(l.map((r) => r.se), ref.loo.se, 1e-6);
    closeAll(l.map((r) => r.tau2), ref.loo.tau2, 1e-6);
    closeAll(l.map((r) => r.I2), ref.loo.I2, 1e-6);
    closeAll(l.map((r) => r.QE), ref.loo.QE, 1e-6);
  });
  it("cumulative by year as cumul", () => {
    const years = ref.bcg.year as number[];
    const order = [...idx].sort((a, b) => years[a]! - years[b]!);
    const c = cumulative(order, fit);
    closeAll(c.map((r) => r.beta), ref.cumul.estimate, 1e-6);
    closeAll(c.map((r) => r.se), ref.cumul.se, 1e-6);
    closeAll(c.map((r) => r.tau2), ref.cumul.tau2, 1e-6);
    closeAll(c.map((r) => r.I2), ref.cumul.I2, 1e-6);
  });
  it("Egger's test as regtest(model = 'lm')", () => {
    const e = eggerTest(y, v);
    close(e.statistic, ref.egger.t, 1e-9);
    expect(e.df).toBe(ref.egger.df);
    close(e.pval, ref.egger.pval, 1e-8);
    close(e.limit_estimate, ref.egger.est, 1e-9);
    close(e.limit_ci_lb, ref.egger.ci_lb, 1e-8);
    close(e.limit_ci_ub, ref.egger.ci_ub, 1e-8);
  });
  it("Begg's test as ranktest (exact p without ties)", () => {
    const b = beggTest(y, v);
    close(b.tau, ref.begg.tau, 1e-12);
    close(b.pval, ref.begg.pval, 1e-9);
    expect(b.exact).toBe(true);
  });
  it("Begg's test with ties uses the tie-corrected normal approximation", () => {
    const b = beggTest(ref.tie.yi, ref.tie.vi);
    close(b.tau, ref.begg_ties.tau, 1e-12);
    close(b.pval, ref.begg_ties.pval, 1e-9);
    expect(b.exact).toBe(false);
  });
  for (const m of ["FE", "DL", "REML"] as const) {
    it(`trim-and-fill (L0) with ${m}`, () => {
      const e = ref.trimfill[m];
      const r = trimAndFill(ref.hack.yi, ref.hack.vi, { method: m });
      expect(r.k0).toBe(e.k0);
      expect(r.k0).toBeGreaterThan(0);
      expect(r.side).toBe(e.side);
      close(r.estimate, e.beta, 1e-6);
      close(r.se, e.se, 1e-6);
      close(r.tau2, e.tau2, 1e-6);
      close(r.ci_lb, e.ci_lb, 1e-6);
      closeAll(r.filled.map((f) => f.yi), e.filled_yi, 1e-6);
    });
  }
  it("trim-and-fill fills on the right for mirrored data", () => {
    const r = trimAndFill((ref.hack.yi as number[]).map((x) => -x), ref.hack.vi);
    expect(r.side).toBe(ref.trimfill_right.side);
    expect(r.k0).toBe(ref.trimfill_right.k0);
    close(r.estimate, ref.trimfill_right.beta, 1e-6);
    close(r.se, ref.trimfill_right.se, 1e-6);
  });
  it("meta-regression on sqrt(vi) as rma(mods =) for every estimator", () => {
    const x = v.map(Math.sqrt);
    for (const [m, e] of Object.entries(ref.metareg as Record<string, { tau2: number; slope: number }>)) {
      const r = metaRegCoef(y, v, x, m as RmaMethod);
      close(r.tau2, e.tau2, 1e-6);
      close(r.slope, e.slope, 1e-6);
    }
  });
});
