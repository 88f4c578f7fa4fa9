/**
 * The reproducible bundle's R script (src/app/r-script.ts): it carries the analysis' options, the generator still
 * writes the scripts that were run through R (fixtures/workbench/*.R, scripts/workbench-r-fixtures.ts), and what R
 * computed from them equals Decidua's numbers (pairwise and network: metafor; TSA: metafor's z-curve and the RIS
 * formula, rpact's boundaries where rpact is accurate and the script's fine-grid recursion everywhere). No R is
 * needed here.
 */
import { readFileSync } from "node:fs";
import { unzipSync, strFromU8 } from "fflate";
import { describe, expect, it } from "vitest";
import { metaRScript, nmaRScript, tsaRScript } from "../../src/app/r-script.js";
import type { MetaResult } from "../../src/stats/types.js";
import type { NmaOptions, NmaResult } from "../../src/stats/nma/index.js";
import type { TsaOptions } from "../../src/stats/tsa/index.js";
import { WORKBENCH_R_CASES, analyseCase, bundleForCase } from "./r-bundle-cases.js";

const R = JSON.parse(readFileSync("fixtures/workbench/r-results.json", "utf8")) as { cases: Record<string, Record<string, unknown>> };

function close(actual: number, expected: number, rel = 1e-6): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(rel * Math.max(1, Math.abs(expected)));
}

/** A boundary as Decidua has it (Infinity, or null for no futility boundary) against R's JSON ("Inf", or null for NA). */
function sameBound(ours: number | null, theirs: number | string | null, rel = 1e-6): void {
  if (ours === null || theirs === null) return expect(ours).toBe(theirs);
  if (!Number.isFinite(ours) || typeof theirs === "string") return expect(ours).toBe(theirs === "Inf" ? Infinity : theirs === "-Inf" ? -Infinity : Number(theirs));
  close(ours, theirs, rel);
}

describe("the R script carries the options", () => {
  it("tau² estimator, test, level, measure and moderators of a pairwise analysis", async () => {
    const c = WORKBENCH_R_CASES.find((x) => x.name === "bcg-or-dl-knha-90")!;
    const x = await analyseCase(c);
    const result = (x.a as { result: MetaResult }).result;
    const s = metaRScript(result, c.options, "binary", { decidua: "1.2.3" });
    expect(s).toContain('escalc(measure = "OR"');
    expect(s).toContain('method = "DL"');
    expect(s).toContain('test = "knha"');
    expect(s).toContain("level = 90");
    expect(s).toContain("Decidua 1.2.3");
    // a different option must change the script
    const fixed = metaRScript({ ...result, model: "fixed" }, { ...c.options, model: "fixed" }, "binary", { decidua: "1.2.3" });
    expect(fixed).toContain('method = "EE"');
    expect(fixed).not.toContain('method = "DL"');
    const mh = metaRScript({ ...result, method: "MH", model: "fixed" }, { method: "MH" }, "binary", { decidua: "x" });
    expect(mh).toContain("rma.mh(");
    const peto = metaRScript({ ...result, method: "PETO", model: "fixed" }, { method: "PETO" }, "binary", { decidua: "x" });
    expect(peto).toContain("rma.peto(");
    const extras = metaRScript(result, { leaveOneOut: true, bias: true, influence: true }, "binary", { decidua: "x" });
    for (const f of ["leave1out(res)", "regtest(res)", "ranktest(res)", "trimfill(res)", "influence(res)"]) expect(extras).toContain(f);
  });

  it("the moderators of a meta-regression", async () => {
    const c = WORKBENCH_R_CASES.find((x) => x.name === "bcg-latitude-mods")!;
    const x = await analyseCase(c);
    expect(metaRScript((x.a as { result: MetaResult }).result, c.options, "binary", { decidua: "x" })).toContain("mods = ~ ablat");
  });

  it("reference, model and tau² estimator of a network", async () => {
    const c = WORKBENCH_R_CASES.find((x) => x.name === "linde-nma-dl")!;
    const x = await analyseCase(c);
    const s = nmaRScript((x.a as { result: NmaResult }).result, c.options as NmaOptions, "contrast", { decidua: "x" });
    expect(s).toContain('reference <- "Placebo"');
    expect(s).toContain('measure <- "OR"');
    expect(s).toContain("tau2 = tau2_dl");
    expect(s).toContain("rma.mv(");
  });
});

describe("the TSA script carries the options", () => {
  it("measure, model, alpha, power, control risk, RRR and a given diversity; rpact's design at the looks", async () => {
    const c = WORKBENCH_R_CASES.find((x) => x.name === "ivig-tsa-or-fixed")!;
    const x = await analyseCase(c);
    if (x.kind !== "tsa") throw new Error("case kind");
    const s = tsaRScript(x.a.result, c.options as TsaOptions, { decidua: "x" });
    expect(s).toContain('measure <- "OR"; model <- "EE"; alpha <- 0.05; power <- 0.9');
    expect(s).toContain("pc <- 0.43; rrr <- 0.35; diversity <- \"auto\"");
    expect(s).toContain('getDesignGroupSequential(typeOfDesign = "asOF", informationRates = t, sided = 2, alpha = alpha)');
    const given = tsaRScript({ ...x.a.result, model: "random", diversity: 0.3, diversity_source: "given" }, { ...(c.options as TsaOptions), diversity: 0.3 }, { decidua: "x" });
    expect(given).toContain('model <- "DL"');
    expect(given).toContain("diversity <- 0.3");
  });

  it("the TSA bundle holds the rows in the file's order and the CLI's JSON", async () => {
    const c = WORKBENCH_R_CASES.find((x) => x.name === "ivig-tsa-rr")!;
    const zip = unzipSync(await bundleForCase(c));
    const data = strFromU8(zip["data.csv"]!).trim().split(/\r?\n/);
    expect(data[0]).toBe("study,year,events_t,total_t,events_c,total_c");
    expect(data.slice(1).map((l) => l.split(",")[0])).toEqual(readFileSync(c.file, "utf8").trim().split(/\r?\n/).slice(1).map((l) => l.split(",")[0]));
    const result = JSON.parse(strFromU8(zip["result.json"]!)) as { looks: Array<{ boundary: number | string }> };
    expect(result.looks[0]!.boundary).toBeTypeOf("number");
    expect((JSON.parse(strFromU8(zip["options.json"]!)) as { resolved: { diversity_source: string } }).resolved.diversity_source).toBe("auto");
  });
});

describe("the bundle", () => {
  it("holds the input, data, options, versions, results and the script", async () => {
    const zip = unzipSync(await bundleForCase(WORKBENCH_R_CASES[1]!));
    expect(Object.keys(zip).sort()).toEqual(["README.txt", "analysis.R", "data.csv", "input/bcg.csv", "options.json", "result.json", "results.csv", "versions.json"]);
    expect(strFromU8(zip["input/bcg.csv"]!)).toBe(readFileSync("examples/meta/bcg.csv", "utf8"));
    const options = JSON.parse(strFromU8(zip["options.json"]!)) as { given: unknown; resolved: { tau2_method: string; level: number } };
    expect(options.given).toEqual(WORKBENCH_R_CASES[1]!.options);
    expect(options.resolved.tau2_method).toBe("DL");
    expect(options.resolved.level).toBe(90);
    expect(strFromU8(zip["data.csv"]!).split(/\r?\n/)[0]).toBe("study,year,events_t,total_t,events_c,total_c");
  });
});

describe("R's results from the committed scripts equal Decidua's", () => {
  for (const c of WORKBENCH_R_CASES) {
    it(c.name, async () => {
      const zip = unzipSync(await bundleForCase(c));
      // the generator still writes the script that R ran
      expect(strFromU8(zip["analysis.R"]!)).toBe(readFileSync(`fixtures/workbench/${c.name}.R`, "utf8"));
      const r = R.cases[c.name] as Record<string, unknown>;
      expect(r).toBeDefined();
      const x = await analyseCase(c);
      if (x.kind === "meta") {
        const res = x.a.result;
        const coef = res.meta_regression?.coefficients[0];
        const p = coef ?? res.pooled;
        close(p.estimate, r["estimate"] as number);
        close(p.se, r["se"] as number);
        close(p.ci_lb, r["ci_lb"] as number);
        close(p.ci_ub, r["ci_ub"] as number);
        if (res.model === "random") close(res.meta_regression?.tau2 ?? res.heterogeneity.tau2, r["tau2"] as number);
        close(res.meta_regression?.QE ?? res.heterogeneity.QE, r["QE"] as number);
        expect(res.k).toBe(r["k"]);
      } else if (x.kind === "tsa") {
        const res = x.a.result;
        const tol = c.kind === "tsa" ? c.tolerance : undefined;
        close(res.ris, r["ris"] as number);
        close(res.diversity, r["diversity"] as number);
        close(res.ris_adjusted, r["ris_adjusted"] as number);
        expect(res.accrued).toBe(r["accrued"]);
        close(res.I2, r["I2"] as number);
        const looks = r["looks"] as Array<Record<string, number | string | null>>;
        let rpactLooks = 0;
        expect(looks.length).toBe(res.looks.length);
        res.looks.forEach((l, j) => {
          const q = looks[j]!;
          expect(l.study).toBe(q["study"]);
          expect(l.n).toBe(q["n"]);
          for (const f of ["fraction", "estimate", "se", "z"] as const) close(l[f], q[f] as number);
          expect(Math.abs(l.tau2 - (q["tau2"] as number))).toBeLessThanOrEqual(1e-8);
          // the boundary: the script's fine-grid recursion everywhere, rpact where rpact is accurate (its coarse rule
          // moves boundaries by up to 1e-2 when looks are close: test/stats/tsa/boundaries.test.ts). Far in the tail
          // (|z| > 7, under 1e-11 of alpha spent at the look) two integrations differ by up to 4e-4: no z-curve
          // gets there, so 1e-3 is asked.
          const check = q["boundary_check"] ?? null;
          const tailTol = typeof check === "number" && check > 7 ? 1e-3 : (tol?.boundary ?? 1e-6);
          sameBound(l.boundary, check, tailTol);
          const rp = q["boundary"] ?? null;
          if (typeof rp === "number" && typeof check === "number" && Math.abs(rp - check) < 1e-7 * rp) {
            close(l.boundary, rp, tol?.boundary ?? 1e-6);
            // rpact's futility boundary, where its alpha boundaries are accurate
            sameBound(l.futility, q["futility"] ?? null);
            rpactLooks++;
          } else expect(l.futility === null).toBe(q["futility"] === null);
        });
        if (tol?.rpactAccurate === false) expect(rpactLooks).toBe(0);
        else expect(rpactLooks).toBeGreaterThan(0);
        const ci = r["adjusted_ci"] as Record<string, number | string>;
        close(res.adjusted_ci.estimate, ci["estimate"] as number);
        sameBound(res.adjusted_ci.critical, ci["critical"]!, tol?.boundary ?? 1e-6);
        sameBound(res.adjusted_ci.ci_lb, ci["ci_lb"]!, tol?.boundary ?? 1e-6);
        sameBound(res.adjusted_ci.ci_ub, ci["ci_ub"]!, tol?.boundary ?? 1e-6);
        const naive = r["naive_ci"] as Record<string, number>;
        close(res.naive_ci.ci_lb, naive["ci_lb"]!);
        close(res.naive_ci.ci_ub, naive["ci_ub"]!);
      } else {
        const res = x.a.result;
        expect(res.reference).toBe(r["reference"]);
        const est = r["estimates"] as Array<{ treatment: string; estimate: number; se: number; ci_lb: number; ci_ub: number }>;
        expect(est.length).toBe(res.estimates.length);
        for (const e of est) {
          const d = res.estimates.find((y) => y.treatment === e.treatment)!;
          close(d.estimate, e.estimate);
          close(d.se, e.se);
          close(d.ci_lb, e.ci_lb);
          close(d.ci_ub, e.ci_ub);
        }
        if (res.model === "random") close(res.heterogeneity.tau2, r["tau2"] as number);
        close(res.heterogeneity.Q, r["Q"] as number);
        expect(res.heterogeneity.Q_df).toBe(r["Q_df"]);
      }
    });
  }
});
