import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadDefaultEvidenceBase } from "../../src/evidence/load.js";
import { ivigLiveBirthComparison, reproduceAll } from "../../src/evidence/reproduce.js";
import { main } from "../../src/cli/main.js";

interface Pooled {
  estimate: number;
  ci_low: number;
  ci_high: number;
}
// Produced by test/evidence/fixtures/ivig-live-birth.R (R metafor); see that script.
const R = JSON.parse(readFileSync(new URL("./fixtures/ivig-live-birth.metafor.json", import.meta.url), "utf8")) as {
  gao_rows: Array<{ study: string; ai: number; n1i: number; ci: number; n2i: number }>;
  rct_rows: Array<{ study: string; ai: number; n1i: number; ci: number; n2i: number }>;
  gao_mh_or: Pooled;
  rct_peto_or: Pooled;
  rct_rr_reml: Pooled;
};

const base = loadDefaultEvidenceBase();
const cmp = ivigLiveBirthComparison(base);
const entry = (label: string) => {
  const e = cmp.entries.find((x) => x.label.startsWith(label));
  if (e === undefined) throw new Error(`no entry ${label}`);
  return e;
};
const close = (a: number, b: number) => expect(Math.abs(a - b) / Math.abs(b)).toBeLessThan(1e-6);

describe("IVIG and live birth, side by side", () => {
  it("shows source 004's OR 2.24, Cochrane's Peto OR 0.98 (8 trials) and the IPD RR 1.02 as published", () => {
    expect(entry("Gao 2025")).toMatchObject({ who: "published", measure: "OR", estimate: 2.24, ci_low: 1.68, ci_high: 2.98, k: 11 });
    expect(entry("Wong, Porter & Scott 2014")).toMatchObject({ who: "published", measure: "PetoOR", estimate: 0.98, k: 8 });
    expect(entry("IPD meta-analysis")).toMatchObject({ who: "published", measure: "RR", estimate: 1.02, ci_low: 0.86, ci_high: 1.22, k: 10 });
  });

  it("pools source 004's trials that have counts with the engine, matching R metafor's rma.mh", () => {
    const ours = entry("Decidua: Gao 2025's trials");
    expect(cmp.included.map((r) => [r.label, r.counts.events_t, r.counts.total_t, r.counts.events_c, r.counts.total_c])).toEqual(
      R.gao_rows.map((r) => [r.study, r.ai, r.n1i, r.ci, r.n2i]),
    );
    expect(ours.k).toBe(6);
    close(ours.estimate, R.gao_mh_or.estimate);
    close(ours.ci_low, R.gao_mh_or.ci_low);
    close(ours.ci_high, R.gao_mh_or.ci_high);
    // ...and the result is far from the published 2.24: its CI includes 1.
    expect(ours.ci_low).toBeLessThan(1);
  });

  it("pools all placebo-controlled RCTs with counts (Peto OR and RR/REML), matching R metafor", () => {
    const peto = entry("Decidua: all placebo-controlled RCTs with counts in the base (Peto");
    const rr = entry("Decidua: all placebo-controlled RCTs with counts in the base (RR");
    expect(peto.k).toBe(R.rct_rows.length);
    close(peto.estimate, R.rct_peto_or.estimate);
    close(peto.ci_low, R.rct_peto_or.ci_low);
    close(peto.ci_high, R.rct_peto_or.ci_high);
    close(rr.estimate, R.rct_rr_reml.estimate);
    close(rr.ci_low, R.rct_rr_reml.ci_low);
    close(rr.ci_high, R.rct_rr_reml.ci_high);
  });

  it("says which of source 004's trials could not be included and why", () => {
    const why = Object.fromEntries(cmp.excluded.map((e) => [e.label, e.reason]));
    expect(Object.keys(why).sort()).toEqual(["Carp 2001", "Jafarzadeh 2019", "Jørgensen 2020", "Peero 2024", "Yamada 2022"]);
    expect(why["Carp 2001"]).toContain("not found");
    expect(why["Jørgensen 2020"]).toContain("not found");
    expect(why["Peero 2024"]).toContain("not found");
    expect(why["Jafarzadeh 2019"]).toMatch(/non-randomised.*untreated control/);
    expect(why["Yamada 2022"]).toContain("live-birth counts");
  });
});

describe("reproduceAll", () => {
  const all = reproduceAll(base);
  it("reproduces every stored result that has study-level data or printed pooled counts", () => {
    const ids = all.map((r) => `${r.metaAnalysis}/${r.result}/${r.kind}`);
    expect(ids).toContain("gao-2025/live-birth/study-level");
    expect(ids).toContain("gao-2025/adverse-reactions/pooled-counts");
    expect(ids).toContain("ma-2023/live-birth-preconception/pooled-counts");
  });

  it("recomputes Ma 2023's pre-conception RR from its printed counts 46/74 vs 37/82", () => {
    const r = all.find((x) => x.metaAnalysis === "ma-2023" && x.result === "live-birth-preconception");
    // (46/74)/(37/82) computed by hand
    expect(r?.ours?.estimate).toBeCloseTo(46 / 74 / (37 / 82), 10);
    expect(r?.differences.join(" ")).toContain("agree");
  });

  it("explains the differences for source 004's live-birth analysis", () => {
    const r = all.find((x) => x.metaAnalysis === "gao-2025" && x.result === "live-birth" && x.kind === "study-level");
    const text = r?.differences.join("\n") ?? "";
    expect(text).toContain("k: the review pooled 11 studies, we pooled 6");
    expect(text).toContain("not intention-to-treat: Coulam 1995 (conceived-only)");
    expect(text).toContain("counts derived by us");
    expect(text).toContain("does not state the pooling method");
  });
});

describe("decidua evidence reproduce", () => {
  it("prints JSON with the reproductions and the IVIG comparison", async () => {
    const out: string[] = [];
    const code = await main(["evidence", "reproduce", "--json"], { out: (t) => out.push(t), err: () => undefined });
    expect(code).toBe(0);
    const json = JSON.parse(out.join("")) as { reproductions: unknown[]; ivigLiveBirth: { entries: Array<{ label: string; estimate: number }> } };
    expect(json.reproductions.length).toBeGreaterThan(3);
    expect(json.ivigLiveBirth.entries.map((e) => e.estimate)).toContain(2.24);
  });

  it("prints the side-by-side table in text", async () => {
    const out: string[] = [];
    await main(["evidence", "reproduce"], { out: (t) => out.push(t), err: () => undefined });
    const text = out.join("");
    expect(text).toContain("[published] Gao 2025");
    expect(text).toContain("Peto OR 0.98");
    expect(text).toContain("RR 1.02");
    expect(text).toContain("[ours]");
  });
});
