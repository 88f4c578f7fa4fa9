/**
 * RevMan 5 review files (issue #11 item 7): `decidua meta FILE.rm5 --outcome ID` reads the studies, data and the
 * analysis settings stored with the outcome and reproduces every number RevMan stored beside the data.
 *
 * fleiss1993-aspirin.rm5 carries the aspirin trials of Fleiss (1993) with the results RevMan 5.0.23 stored for them
 * (the same numbers as the Fleiss1993.rm5 example of R's meta package): pooled M-H OR 0.8968656 (0.8405144 to
 * 0.9569947), Chi² 9.946, I² 39.67 %, Z 3.2876. synthetic-review.rm5 is hand-written (subgroups with random effects,
 * Peto, generic inverse variance, O-E data); its analyses must equal the engine's on the same rows.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { analyseStudyTable } from "../../src/app/meta.js";
import { runMetaCommand } from "../../src/cli/commands/meta.js";
import { inputErrorAsync } from "../support/input-error.js";
import { metaAnalysis } from "../../src/stats/meta.js";
import { decodeRevman5, parseRevman5, revmanAnalysisRows } from "../../src/stats/revman5.js";
import type { StudyRow } from "../../src/stats/types.js";

const DIR = "test/stats/fixtures/revman";
const fleiss = { file: `${DIR}/fleiss1993-aspirin.rm5`, bytes: new Uint8Array(readFileSync(`${DIR}/fleiss1993-aspirin.rm5`)) };
const synthetic = { file: `${DIR}/synthetic-review.rm5`, bytes: new Uint8Array(readFileSync(`${DIR}/synthetic-review.rm5`)) };


describe("RevMan 5: Fleiss 1993, CMP-001.01", () => {
  it("reads the outcome's settings and studies (ids unescaped, names from the study list)", () => {
    const review = parseRevman5(decodeRevman5(fleiss.bytes), fleiss.file);
    const o = review.outcomes.find((x) => x.id === "CMP-001.01")!;
    expect(o).toMatchObject({ type: "DICH", method: "MH", model: "fixed", measure: "OR", studyLevel: 95, totalLevel: 95, calculated: true });
    expect(o.studies.map((s) => s.study)).toEqual(["MRC-1", "CDP", "MRC-2", "GASP", "PARIS", "AMIS", "ISIS-2"]);
    expect(o.studies[0]!.row.data).toEqual({ kind: "binary", events_t: 49, total_t: 615, events_c: 67, total_c: 624 });
    expect(review.outcomes.map((x) => x.id)).toEqual(["CMP-001.01", "CMP-001.02"]);
  });

  it("reproduces every number RevMan stored, from the file's own settings", async () => {
    const a = await analyseStudyTable({ ...fleiss, outcome: "CMP-001.01" }, {}, {}, "skip");
    expect(a.result.method).toBe("MH");
    expect(a.result.model).toBe("fixed");
    const checks = a.revman!.checks;
    // 7 studies x (effect, CI lower, CI upper, weight) + the total's effect, CI, Chi², df, P, I², Z, P(Z)
    expect(checks.length).toBe(37);
    const by = new Map(checks.map((c) => [c.quantity, c]));
    expect(by.get("total effect")!.decidua).toBeCloseTo(0.8968655609130709, 14);
    expect(by.get("total CI lower")!.decidua).toBeCloseTo(0.8405144008917793, 14);
    expect(by.get("total CI upper")!.decidua).toBeCloseTo(0.9569947088336491, 14);
    expect(by.get("total Chi2")!.decidua).toBeCloseTo(9.946055983220074, 12);
    expect(by.get("total I2 %")!.decidua).toBeCloseTo(39.67458045558399, 11);
    expect(by.get("total Z")!.decidua).toBeCloseTo(3.287633061337987, 12);
    expect(by.get("ISIS-2 weight %")!.decidua).toBeCloseTo(72.87984024392564, 11);
    // RevMan's P of Chi² differs from R's pchisq(9.946055983220074, 6, lower.tail = FALSE) = 0.1269421779062949
    // in the 7th digit (its own approximation); everything else agrees to about 1e-11 or better.
    for (const c of checks) expect(c.difference, c.quantity).toBeLessThan(c.quantity === "total P (Chi2)" ? 1e-6 : 1e-10);
    expect(by.get("total P (Chi2)")!.decidua).toBeCloseTo(0.1269421779062949, 14);
  });

  it("decidua meta FILE.rm5 --outcome prints the comparison; --json carries the settings and the checks", async () => {
    const text = await runMetaCommand(fleiss.file, { outcome: "CMP-001.01" });
    expect(text.stdout).toContain("Odds Ratio (M-H, Fixed, 95% CI)");
    expect(text.stdout).toContain("0.90 [0.84, 0.96]");
    expect(text.stdout).toContain("RevMan's stored results: 37 numbers compared");
    const json = JSON.parse((await runMetaCommand(fleiss.file, { outcome: "CMP-001.01", json: true })).stdout) as { revman: { settings: Record<string, unknown>; checks: unknown[]; max_relative_difference: number } };
    expect(json.revman.settings).toMatchObject({ type: "DICH", method: "MH", model: "fixed", effect_measure: "OR" });
    expect(json.revman.checks).toHaveLength(37);
    expect(json.revman.max_relative_difference).toBeLessThan(1e-6);
  });

  it("an explicit option wins over the file's setting", async () => {
    const a = await analyseStudyTable({ ...fleiss, outcome: "CMP-001.01" }, { model: "random" });
    expect(a.result.model).toBe("random");
    expect(a.result.method).toBe("MH");
  });
});

describe("RevMan 5: every outcome type and subgroups", () => {
  const review = parseRevman5(decodeRevman5(synthetic.bytes), synthetic.file);
  const rowsOf = (id: string): StudyRow[] => review.outcomes.find((o) => o.id === id)!.studies.map((s) => s.row);

  it("dichotomous RR, M-H random effects with two subgroups: the engine's RevMan 5 result on the same rows", async () => {
    const a = await analyseStudyTable({ ...synthetic, outcome: "CMP-001.01" }, {});
    const direct = metaAnalysis(rowsOf("CMP-001.01"), { preset: "revman5", measure: "RR", method: "MH", model: "random", subgroup: "subgroup" });
    expect(a.result).toEqual(direct);
    expect(a.result.subgroups!.map((g) => g.name)).toEqual(["Primary RPL", "Secondary RPL"]);
    expect(a.result.subgroup_test).toBeDefined();
    expect(a.revman!.checks).toEqual([]);
    expect(review.outcomes[0]!.studies.map((s) => s.study)).toEqual(["Alpha 2001", "Beta-2", "Gamma", "Delta", "Epsilon"]);
  });

  it("Peto OR from the effect measure", async () => {
    const a = await analyseStudyTable({ ...synthetic, outcome: "CMP-001.02" }, {});
    expect(a.result.method).toBe("PETO");
    expect(a.result).toEqual(metaAnalysis(rowsOf("CMP-001.02"), { preset: "revman5", measure: "OR", method: "PETO", model: "fixed" }));
  });

  it("generic inverse variance on the log scale, with the file's 90% CI for the total", async () => {
    const a = await analyseStudyTable({ ...synthetic, outcome: "CMP-001.03" }, {});
    expect(rowsOf("CMP-001.03")[0]!.data).toEqual({ kind: "generic", yi: 0.31, vi: 0.22 * 0.22 });
    expect(a.result.level).toBe(90);
  });

  it("swap event and non-event (SWAP_EVENTS=\"YES\"): the analysis counts the non-events, in the review and in the CSV export", async () => {
    const text = decodeRevman5(synthetic.bytes).replace('ID="CMP-001.01" METHOD="MH"', 'ID="CMP-001.01" METHOD="MH" SWAP_EVENTS="YES"');
    const swapped = parseRevman5(text, "swapped.rm5").outcomes.find((o) => o.id === "CMP-001.01")!;
    expect(swapped.swapEvents).toBe(true);
    // the rows keep the events as entered; the analysis counts the non-events
    expect(swapped.studies[0]!.row.data).toEqual({ kind: "binary", events_t: 20, total_t: 40, events_c: 15, total_c: 41 });
    const rows = revmanAnalysisRows(swapped);
    expect(rows[0]!.data).toEqual({ kind: "binary", events_t: 20, total_t: 40, events_c: 26, total_c: 41 });
    expect(revmanAnalysisRows(review.outcomes.find((o) => o.id === "CMP-001.01")!)[0]!.data).toEqual({ kind: "binary", events_t: 20, total_t: 40, events_c: 15, total_c: 41 });
    const a = await analyseStudyTable({ file: "swapped.rm5", bytes: new TextEncoder().encode(text), outcome: "CMP-001.01" }, {});
    expect(a.rows).toEqual(rows);
    expect(a.result).toEqual(metaAnalysis(rows, { preset: "revman5", measure: "RR", method: "MH", model: "random", subgroup: "subgroup" }));
    const dir = mkdtempSync(join(tmpdir(), "decidua-rm5-"));
    try {
      writeFileSync(join(dir, "swapped.rm5"), text);
      expect((await runMetaCommand(join(dir, "swapped.rm5"), { outcome: "CMP-001.01" })).stdout).toMatch(/events and non-events swapped/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("O-E and variance: log effect (O-E)/V with variance 1/V", () => {
    const d = rowsOf("CMP-001.04")[0]!.data;
    expect(d).toEqual({ kind: "generic", yi: -2.1 / 5.4, vi: 1 / 5.4 });
  });
});

describe("RevMan 5: bad input", () => {
  it("a file that is not XML names the file and line", async () => {
    const e = await inputErrorAsync(() => analyseStudyTable({ file: "bad.rm5", bytes: new TextEncoder().encode("study,events\nA,1\n"), outcome: "X" }, {}));
    expect(e.location.file).toBe("bad.rm5");
    expect(e.reason).toMatch(/not well-formed XML/);
  });

  it("XML that is not a RevMan review", async () => {
    const e = await inputErrorAsync(() => analyseStudyTable({ file: "other.rm5", bytes: new TextEncoder().encode("<?xml version=\"1.0\"?><html><body/></html>"), outcome: "X" }, {}));
    expect(e.reason).toContain("root element is not COCHRANE_REVIEW");
  });

  it("an outcome id that does not exist lists the ones that do", async () => {
    const e = await inputErrorAsync(() => analyseStudyTable({ ...fleiss, outcome: "CMP-009.01" }, {}));
    expect(e.location.field).toBe("--outcome");
    expect(e.reason).toContain('no outcome "CMP-009.01"');
    expect(e.reason).toContain("CMP-001.01 (Aspirin for Preventing Death after Myocardial Infarction, 7 studies)");
  });

  it("counts above totals are refused naming the study", async () => {
    const text = decodeRevman5(synthetic.bytes).replace('EVENTS_1="20" EVENTS_2="15"', 'EVENTS_1="45" EVENTS_2="15"');
    const e = await inputErrorAsync(() => analyseStudyTable({ file: "edited.rm5", bytes: new TextEncoder().encode(text), outcome: "CMP-001.01" }, {}));
    expect(e.location.file).toBe("edited.rm5");
    expect(e.reason).toBe("EVENTS_1 (45) is above TOTAL_1 (40) for Alpha 2001");
    expect(e.location.field).toBe("DICH_OUTCOME CMP-001.01 subgroup Primary RPL DICH_DATA STD-Alpha 2001 EVENTS_1");
  });

  it("a missing count names the element and attribute", async () => {
    const text = decodeRevman5(synthetic.bytes).replace('EVENTS_1="33" ', "");
    const e = await inputErrorAsync(() => analyseStudyTable({ file: "edited.rm5", bytes: new TextEncoder().encode(text), outcome: "CMP-001.01" }, {}));
    expect(e.location.field).toContain("DICH_DATA STD-Beta-2 EVENTS_1");
  });

  it("without --outcome, a review with several outcomes lists them", async () => {
    const e = await inputErrorAsync(() => analyseStudyTable(fleiss, {}));
    expect(e.reason).toContain("choose one with --outcome");
    expect(e.reason).toContain("CMP-001.02");
  });

  it("--outcome on a study table is refused", async () => {
    const e = await inputErrorAsync(() => analyseStudyTable({ file: "examples/meta/bcg.csv", bytes: new Uint8Array(readFileSync("examples/meta/bcg.csv")), outcome: "CMP-001.01" }, {}));
    expect(e.location.field).toBe("--outcome");
  });
});
