import { describe, expect, it } from "vitest";
import { InputError } from "../../../src/shared/errors.js";
import { MetaResultSchema, metaAnalysis, rmaUni, subgroupDifferenceTest, type StudyRow } from "../../../src/stats/index.js";

const bin = (study: string, et: number, nt: number, ec: number, nc: number, extra: Partial<StudyRow> = {}): StudyRow => ({
  study,
  ...extra,
  data: { kind: "binary", events_t: et, total_t: nt, events_c: ec, total_c: nc },
});

// A small RPL-like data set with a zero cell and a double-zero study.
const rows: StudyRow[] = [
  bin("A 2001", 20, 45, 14, 44, { row: 2, year: 2001, subgroup: "IVIG" }),
  bin("B 1999", 12, 30, 13, 31, { row: 3, year: 1999, subgroup: "IVIG" }),
  bin("C 2010", 0, 25, 0, 24, { row: 4, year: 2010, subgroup: "LIT" }),
  bin("D 2005", 30, 40, 18, 41, { row: 5, year: 2005, subgroup: "LIT" }),
  bin("E 2015", 9, 20, 0, 19, { row: 6, year: 2015, subgroup: "LIT" }),
];

function expectInputError(f: () => unknown, pattern: RegExp): InputError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    expect((e as Error).message).toMatch(pattern);
    return e as InputError;
  }
  throw new Error("expected an InputError");
}

describe("metaAnalysis", () => {
  it("small-study tests of a meta-regression: Egger carries the moderators (values in fixtures/metafor-methods), no trim-and-fill, and says so", () => {
    const withYear = rows.map((r, i) => ({ ...r, moderators: { year: String(r.year ?? 2000 + i) } }));
    const plain = metaAnalysis(withYear, { measure: "OR", bias: true });
    expect(plain.bias?.trimfill).toBeDefined();
    const mr = metaAnalysis(withYear, { measure: "OR", bias: true, mods: ["year"] });
    expect(mr.bias?.trimfill).toBeUndefined();
    expect(mr.bias?.egger.limit_estimate).toBeUndefined();
    // one more column in the regression: one degree of freedom fewer
    expect(mr.bias?.egger.df).toBe((plain.bias?.egger.df ?? 0) - 1);
    expect(mr.notes.join(" ")).toMatch(/Egger's regression includes the moderators .*trim-and-fill applies to models without moderators and is not given/);
    expect(MetaResultSchema.safeParse(mr).success).toBe(true);
  });
  it("follows metafor's defaults and the JSON contract", () => {
    const r = metaAnalysis(rows);
    expect(MetaResultSchema.safeParse(r).success).toBe(true);
    expect([r.measure, r.model, r.method, r.tau2_method, r.test]).toEqual(["OR", "random", "IV", "REML", "z"]);
    expect(r.k).toBe(4);
    const c = r.studies[2]!;
    expect(c.included).toBe(false);
    expect(c.yi).toBeNull();
    expect(c.weight).toBe(0);
    expect(c.excluded_reason).toMatch(/double-zero/);
    expect(r.studies[4]!.continuity_corrected).toBe(true);
    expect(r.pooled.transformed!.estimate).toBeCloseTo(Math.exp(r.pooled.estimate), 12);
    // the pooled model equals rmaUni on the included studies
    const inc = r.studies.filter((s) => s.included);
    const direct = rmaUni(inc.map((s) => s.yi!), inc.map((s) => s.vi!));
    expect(r.pooled.estimate).toBe(direct.beta);
    expect(r.heterogeneity.tau2).toBe(direct.tau2);
    expect(r.heterogeneity.tau2_ci).not.toBeNull();
  });

  it("keeps a double-zero study for RD", () => {
    const r = metaAnalysis(rows, { measure: "RD" });
    expect(r.k).toBe(5);
    expect(r.studies[2]!.included).toBe(true);
    expect(r.pooled.transformed).toBeUndefined();
  });

  it("names the problem when there are too few studies or bad input", () => {
    expectInputError(() => metaAnalysis([]), /empty/);
    expectInputError(() => metaAnalysis(rows.slice(0, 1)), /at least 2 studies/);
    expect(metaAnalysis(rows.slice(0, 1), { model: "fixed" }).k).toBe(1);
    expectInputError(() => metaAnalysis(rows.slice(0, 2), { model: "fixed", bias: true }), /at least 3 studies/);
    expectInputError(() => metaAnalysis(rows, { measure: "MD" }), /cannot be computed from binary/);
    expectInputError(() => metaAnalysis(rows, { method: "PETO", measure: "RR" }), /Peto/);
    const e = expectInputError(() => metaAnalysis([bin("X", 12, 10, 1, 10, { row: 7 }), ...rows]), /larger than total_t/);
    expect(e.location).toEqual({ row: 7, field: "events_t" });
    const g = expectInputError(() => metaAnalysis([...rows, bin("F", 1, 10, 2, 10, { row: 9 })], { subgroup: "therapy" }), /subgroup/);
    expect(g.location).toEqual({ row: 9, field: "therapy" });
    const mixed: StudyRow = { study: "G", row: 10, data: { kind: "generic", yi: 0.1, vi: 0.2 } };
    expect(expectInputError(() => metaAnalysis([...rows, mixed]), /one data type/).location.row).toBe(10);
    // mixed kinds are named before what the first row's kind does not allow (measure, method), with the same options
    // as a good call just before (the remembered settings must not skip the check)
    const contMixed: StudyRow = { study: "H", row: 11, data: { kind: "continuous", mean_t: 1, sd_t: 1, total_t: 10, mean_c: 0, sd_c: 1, total_c: 10 } };
    expect(metaAnalysis(rows, { measure: "OR", method: "MH" }).method).toBe("MH");
    expect(expectInputError(() => metaAnalysis([...rows, contMixed], { measure: "OR", method: "MH" }), /one data type/).location.row).toBe(11);
    expect(expectInputError(() => metaAnalysis([...rows, contMixed], { measure: "MD" }), /one data type/).location.row).toBe(11);
    expect(expectInputError(() => metaAnalysis([contMixed, ...rows], { method: "MH" }), /one data type/).message).toMatch(/has binary data but the first study has continuous/);
    expect(metaAnalysis([contMixed, { ...contMixed, study: "I" }], { method: "IV", model: "fixed" }).measure).toBe("MD");
    expectInputError(() => metaAnalysis([contMixed, { ...contMixed, study: "I" }], { method: "MH" }), /needs binary/);
    expectInputError(() => metaAnalysis(rows, { tau2: "XX" as never }), /invalid option/);
  });

  it("model auto picks fixed or random from I² and carries the Handbook caution", () => {
    const r = metaAnalysis(rows, { model: "auto", preset: "revman5" });
    expect(r.method).toBe("MH");
    const fixed = metaAnalysis(rows, { model: "fixed", preset: "revman5" });
    expect(r.model).toBe(fixed.heterogeneity.I2 < 50 ? "fixed" : "random");
    expect(r.notes.join(" ")).toMatch(/Cochrane Handbook/);
    expect(metaAnalysis(rows).notes.join(" ")).not.toMatch(/Cochrane Handbook/);
  });

  it("revman5 random effects: DerSimonian-Laird tau² from the MH-based Q", () => {
    const r = metaAnalysis(rows, { model: "random", preset: "revman5", measure: "RR" });
    const fixed = metaAnalysis(rows, { model: "fixed", preset: "revman5", measure: "RR" });
    expect(r.tau2_method).toBe("DL");
    // Q is computed around the MH estimate with inverse-variance weights of the per-study estimates
    const inc = fixed.studies.filter((s) => s.included);
    const w = inc.map((s) => 1 / s.vi!);
    const q = inc.reduce((acc, s, i) => acc + w[i]! * (s.yi! - fixed.pooled.estimate) ** 2, 0);
    expect(fixed.heterogeneity.QE).toBeCloseTo(q, 10);
    const sw = w.reduce((a, b) => a + b, 0);
    const sw2 = w.reduce((a, b) => a + b * b, 0);
    const tau2 = Math.max(0, (q - (inc.length - 1)) / (sw - sw2 / sw));
    expect(r.heterogeneity.tau2).toBeCloseTo(tau2, 12);
    const re = rmaUni(inc.map((s) => s.yi!), inc.map((s) => s.vi!), { method: "DL", tau2Fixed: tau2 });
    expect(r.pooled.estimate).toBeCloseTo(re.beta, 12);
    expect(r.pooled.se).toBeCloseTo(re.se, 12);
  });

  it("pools subgroups separately and tests their difference across subgroup estimates", () => {
    const r = metaAnalysis(rows, { subgroup: "therapy", model: "fixed" });
    expect(r.subgroups!.map((s) => [s.name, s.k])).toEqual([
      ["IVIG", 2],
      ["LIT", 2],
    ]);
    const [a, b] = r.subgroups!;
    const wa = 1 / a!.pooled.se ** 2;
    const wb = 1 / b!.pooled.se ** 2;
    const m = (wa * a!.pooled.estimate + wb * b!.pooled.estimate) / (wa + wb);
    const q = wa * (a!.pooled.estimate - m) ** 2 + wb * (b!.pooled.estimate - m) ** 2;
    expect(r.subgroup_test!.Q).toBeCloseTo(q, 12);
    expect(r.subgroup_test!.df).toBe(1);
    expect(subgroupDifferenceTest([{ estimate: 0, se: 1 }, { estimate: 0, se: 2 }]).Q).toBe(0);
  });

  it("leave-one-out in input order and cumulative by year", () => {
    const r = metaAnalysis(rows, { model: "fixed", leaveOneOut: true, cumulative: true });
    expect(r.leave_one_out!.map((x) => x.omitted)).toEqual(["A 2001", "B 1999", "D 2005", "E 2015"]);
    expect(r.cumulative!.map((x) => x.added)).toEqual(["B 1999", "A 2001", "D 2005", "E 2015"]);
    expect(r.cumulative!.at(-1)!.estimate).toBeCloseTo(r.pooled.estimate, 12);
  });

  it("Knapp-Hartung: a single-study subgroup uses the z test, so every number stays defined", () => {
    const r = metaAnalysis(rows.slice(0, 4), { subgroup: "therapy", test: "knha", model: "fixed", measure: "RD" });
    expect(MetaResultSchema.safeParse(r).success).toBe(true);
    expect(r.subgroups!.map((g) => g.k)).toEqual([2, 2]);
    const one = metaAnalysis([...rows.slice(0, 2), rows[3]!], { subgroup: "therapy", test: "knha" });
    expect(one.subgroups![1]!.pooled.df).toBeNull();
    expect(Number.isFinite(one.subgroups![1]!.pooled.pval)).toBe(true);
    expect(one.subgroups![0]!.pooled.df).toBe(1);
    expect(one.notes.join(" ")).toMatch(/Knapp-Hartung needs at least 2 studies/);
    expect(MetaResultSchema.safeParse(one).success).toBe(true);
  });

  it("funnel data include filled studies when bias tests run", () => {
    const r = metaAnalysis(rows, { bias: true, model: "fixed" });
    expect(r.funnel!.points.filter((p) => p.filled).length).toBe(r.bias!.trimfill!.k0);
    expect(r.funnel!.contours).toEqual([0.1, 0.05, 0.01]);
    expect(r.funnel!.se_max).toBe(Math.max(...r.funnel!.points.map((p) => p.sei)));
    expect(metaAnalysis(rows, { funnel: true }).funnel!.points.length).toBe(4);
  });
});
