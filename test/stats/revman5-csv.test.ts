/**
 * RevMan 5's export of its data and analyses as CSV (the file R's meta::read.rm5 reads besides .rm5):
 * `decidua meta EXPORT.csv --outcome 1.1` reads the same outcomes as the review file and checks RevMan's results.
 * data-and-analyses-export.csv is written in the export's layout (UTF-8 with a byte order mark, CRLF, "I²(Q)" and
 * "Tau²" headers): analysis 1.1 holds the Fleiss (1993) aspirin trials with the results RevMan 5.0.23 stored for them
 * (as fleiss1993-aspirin.rm5), written to 8 decimals as the export writes numbers; analyses 2.1 (two subgroups) and
 * 2.2 (generic inverse variance) hold the rows of synthetic-review.rm5, with no stored results.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { analyseStudyTable } from "../../src/app/meta.js";
import { runMetaCommand } from "../../src/cli/commands/meta.js";
import { readStudyTable } from "../../src/stats/input.js";
import { metaAnalysis } from "../../src/stats/meta.js";
import { decodeRevman5, parseRevman5 } from "../../src/stats/revman5.js";
import { isRevman5AnalysesTable, parseRevman5Analyses } from "../../src/stats/revman5-csv.js";
import { inputErrorAsync } from "../support/input-error.js";

const DIR = "test/stats/fixtures/revman";
const load = (name: string): { file: string; bytes: Uint8Array } => ({ file: `${DIR}/${name}`, bytes: new Uint8Array(readFileSync(`${DIR}/${name}`)) });
const exportCsv = load("data-and-analyses-export.csv");
const fleiss = load("fleiss1993-aspirin.rm5");
const synthetic = load("synthetic-review.rm5");
const exportText = new TextDecoder().decode(exportCsv.bytes);
const edited = (from: string, to: string): { file: string; bytes: Uint8Array } => {
  if (!exportText.includes(from)) throw new Error(`fixture text not found: ${from}`);
  return { file: "edited.csv", bytes: new TextEncoder().encode(exportText.replace(from, to)) };
};

describe("RevMan 5 data and analyses export (CSV)", () => {
  it("is told from a study table by its numbering columns", async () => {
    expect(isRevman5AnalysesTable(await readStudyTable(exportCsv.file, exportCsv.bytes))).toBe(true);
    const plain = await readStudyTable("plain.csv", new TextEncoder().encode("study,events_t,total_t,events_c,total_c\nA,1,10,2,10\n"));
    expect(isRevman5AnalysesTable(plain)).toBe(false);
  });

  it("analysis 1.1 is the review file's CMP-001.01: settings, studies, years and RevMan's results to the export's 8 decimals", async () => {
    const review = parseRevman5Analyses(await readStudyTable(exportCsv.file, exportCsv.bytes));
    expect(review.outcomes.map((o) => o.id)).toEqual(["1.1", "2.1", "2.2"]);
    const fromCsv = review.outcomes[0]!;
    const fromRm5 = parseRevman5(decodeRevman5(fleiss.bytes), fleiss.file).outcomes.find((o) => o.id === "CMP-001.01")!;
    expect(fromCsv).toMatchObject({ comparison: "Examples", name: "Death after myocardial infarction", type: "DICH", method: "MH", model: "fixed", measure: "OR", calculated: true, groupLabels: ["Aspirin", "Placebo"], graphLabels: ["Favours aspirin", "Favours placebo"] });
    expect(fromCsv.studies.map((s) => s.row)).toEqual(fromRm5.studies.map((s) => s.row));
    expect(fromCsv.studies.map((s) => s.year)).toEqual([1974, 1976, 1979, 1979, 1980, 1980, 1988]);

    const a = await analyseStudyTable({ ...exportCsv, outcome: "1.1" }, {});
    const b = await analyseStudyTable({ ...fleiss, outcome: "CMP-001.01" }, {});
    expect(a.result.pooled).toEqual(b.result.pooled);
    expect(a.result.heterogeneity).toEqual(b.result.heterogeneity);
    const checks = a.revman!.checks;
    expect(checks.map((c) => c.quantity)).toEqual(b.revman!.checks.map((c) => c.quantity));
    expect(checks).toHaveLength(37);
    // the export writes 8 decimals; RevMan's own P of Chi² differs from R's in the 7th digit (revman5.test.ts)
    for (const c of checks) expect(Math.abs(c.decidua - c.revman), c.quantity).toBeLessThanOrEqual(c.quantity === "total P (Chi2)" ? 1e-7 : 5.1e-9 + 1e-15 * Math.abs(c.revman));
  });

  it("subgroups and generic inverse variance: the same rows and results as the review file", async () => {
    const rm5 = parseRevman5(decodeRevman5(synthetic.bytes), synthetic.file);
    const a = await analyseStudyTable({ ...exportCsv, outcome: "2.1" }, {});
    const b = await analyseStudyTable({ ...synthetic, outcome: "CMP-001.01" }, {});
    expect(a.rows).toEqual(b.rows);
    expect(a.result).toEqual(b.result);
    expect(a.result.subgroups!.map((g) => g.name)).toEqual(["Primary RPL", "Secondary RPL"]);
    expect(a.revman!.outcome.comparison).toBe("Immunotherapy, any, vs placebo");
    expect(a.revman!.checks).toEqual([]);
    // generic inverse variance: Effect Estimate on the log scale as entered (meta's reading of the export), SE as given
    const g = await analyseStudyTable({ ...exportCsv, outcome: "2.2" }, {});
    expect(g.rows.map((r) => r.data)).toEqual(rm5.outcomes.find((o) => o.id === "CMP-001.03")!.studies.map((s) => s.row.data));
    expect(g.result).toEqual(metaAnalysis(g.rows, { preset: "revman5", measure: "GEN", method: "IV", model: "fixed" }));
  });

  it("decidua meta EXPORT.csv --outcome 1.1 prints RevMan's comparison; --json carries it", async () => {
    const text = await runMetaCommand(exportCsv.file, { outcome: "1.1" });
    expect(text.stdout).toContain("Odds Ratio (M-H, Fixed, 95% CI)");
    expect(text.stdout).toContain("0.90 [0.84, 0.96]");
    expect(text.stdout).toContain("RevMan's stored results: 37 numbers compared");
    const json = JSON.parse((await runMetaCommand(exportCsv.file, { outcome: "1.1", json: true })).stdout) as { revman: { outcome: string; checks: unknown[] } };
    expect(json.revman.outcome).toBe("1.1");
    expect(json.revman.checks).toHaveLength(37);
  });

  it("without --outcome the analyses are listed; an unknown one lists them too", async () => {
    const none = await inputErrorAsync(() => analyseStudyTable(exportCsv, {}));
    expect(none.location.field).toBe("--outcome");
    expect(none.reason).toContain("1.1 (Death after myocardial infarction, 7 studies); 2.1 (Live birth, 5 studies); 2.2 (Ongoing pregnancy (adjusted odds ratios), 3 studies)");
    const missing = await inputErrorAsync(() => analyseStudyTable({ ...exportCsv, outcome: "3.1" }, {}));
    expect(missing.reason).toContain('no outcome "3.1"');
  });

  it("bad cells name the row and the export's column", async () => {
    const above = await inputErrorAsync(() => analyseStudyTable({ ...edited("1,1,0,MRC-1,,,,,49,0,0,615", "1,1,0,MRC-1,,,,,649,0,0,615"), outcome: "1.1" }, {}));
    expect(above.location).toEqual({ file: "edited.csv", row: 4, field: "Events 1" });
    expect(above.reason).toBe("Events 1 (649) is above Total 1 (615) for MRC-1");
    const text = await inputErrorAsync(() => analyseStudyTable({ ...edited("2,1,2,Gamma,,,,,12,,,25", "2,1,2,Gamma,,,,,twelve,,,25"), outcome: "2.1" }, {}));
    expect(text.location).toMatchObject({ file: "edited.csv", field: "Events 1" });
    expect(text.reason).toBe("Events 1 is missing or not a number (Gamma)");
    const number = await inputErrorAsync(() => analyseStudyTable({ ...edited("2,1,1,Primary RPL", "2,x,1,Primary RPL"), outcome: "2.1" }, {}));
    expect(number.location).toMatchObject({ file: "edited.csv", field: "Outcome Number" });
    const orphan = await inputErrorAsync(() => analyseStudyTable({ ...edited("2,1,1,Primary RPL,DIC", "2,1,1,Primary RPL,"), outcome: "2.1" }, {}));
    expect(orphan.reason).toMatch(/in subgroup 1 of analysis 2\.1, which has no subgroup row before it/);
    const measure = await inputErrorAsync(() => analyseStudyTable({ ...edited("DIC,MH,RR,Random", "DIC,MH,NNT,Random"), outcome: "2.1" }, {}));
    expect(measure.location).toMatchObject({ file: "edited.csv", field: "Effect Measure" });
  });

  it("the export's Swap event and non-event column swaps them as the review file's SWAP_EVENTS does", async () => {
    const lines = exportText.replace(/^\uFEFF/, "").split("\r\n").filter((l) => l !== "");
    const swapped = [`${lines[0]},Swap event and non-event`, ...lines.slice(1).map((l) => (l.startsWith("2,1,0,Live birth,DIC") ? `${l},Yes` : `${l},`))].join("\r\n");
    const a = await analyseStudyTable({ file: "swapped.csv", bytes: new TextEncoder().encode(swapped), outcome: "2.1" }, {});
    expect(a.revman!.outcome.swapEvents).toBe(true);
    expect(a.rows[0]!.data).toEqual({ kind: "binary", events_t: 20, total_t: 40, events_c: 26, total_c: 41 });
    expect((await analyseStudyTable({ file: "swapped.csv", bytes: new TextEncoder().encode(swapped), outcome: "1.1" }, {})).revman!.outcome.swapEvents).toBe(false);
  });

  it("--outcome on a plain study table is still an error", async () => {
    const e = await inputErrorAsync(() => analyseStudyTable({ file: "plain.csv", bytes: new TextEncoder().encode("study,events_t,total_t,events_c,total_c\nA,1,10,2,10\nB,2,10,3,10\n"), outcome: "1.1" }, {}));
    expect(e.location.field).toBe("--outcome");
  });
});
