import { readFileSync } from "node:fs";
import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import { parseStudyFile, studyRowsFromTable, type StudyTable } from "../../../src/stats/input.js";
import { metaAnalysis } from "../../../src/stats/meta.js";
import { inputError, inputErrorAsync } from "../../support/input-error.js";

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

function table(csv: string, file = "t.csv"): StudyTable {
  const [head, ...rest] = csv.trim().split("\n");
  return {
    file,
    header: (head ?? "").split(","),
    headerLine: 1,
    rows: rest.map((l, i) => ({ line: i + 2, cells: l.split(",") })),
  };
}

describe("studyRowsFromTable: R's write.csv and options sharing a column", () => {
  it("passes over R's row names (an unnamed first column 1, 2, ...), and refuses an unnamed column of anything else", () => {
    const rows = studyRowsFromTable(table(`"",study,yi,vi\n1,A,0.1,0.02\n2,B,0.3,0.04`.replace(/"/g, "")));
    expect(rows.map((r) => r.study)).toEqual(["A", "B"]);
    expect(inputError(() => studyRowsFromTable(table(",study,yi,vi\nx,A,0.1,0.02\ny,B,0.3,0.04"))).message).toMatch(/column 1 has data but no header/);
  });
  it("one column can be both the subgroup and a moderator", () => {
    const rows = studyRowsFromTable(table("study,yi,vi,g\nA,0.1,0.02,a\nB,0.3,0.04,b\nC,0.2,0.03,a"), { subgroup: "g", mods: ["g"] });
    expect(rows.map((r) => [r.subgroup, r.moderators?.["g"]])).toEqual([["a", "a"], ["b", "b"], ["a", "a"]]);
  });
});

describe("studyRowsFromTable: shapes and aliases", () => {
  it("reads the 2x2 table's four cells (metafor's ai, bi, ci, di; dat.bcg's tpos, tneg, cpos, cneg) as binary rows", () => {
    const expected = [
      { study: "Aronson", row: 2, year: 1948, data: { kind: "binary", events_t: 4, total_t: 123, events_c: 11, total_c: 139 } },
      { study: "Ferguson & Simes", row: 3, year: 1949, data: { kind: "binary", events_t: 6, total_t: 306, events_c: 29, total_c: 303 } },
    ];
    expect(studyRowsFromTable(table("author,year,ai,bi,ci,di\nAronson,1948,4,119,11,128\nFerguson & Simes,1949,6,300,29,274"))).toEqual(expected);
    expect(studyRowsFromTable(table("author,year,tpos,tneg,cpos,cneg,ablat\nAronson,1948,4,119,11,128,44\nFerguson & Simes,1949,6,300,29,274,55"))).toEqual(expected);
    expect(studyRowsFromTable(table("study,Events T,Non-events T,Events C,Non-events C\nA,0,10,3,7\nB,2,8,1,9"))[0]!.data).toEqual({ kind: "binary", events_t: 0, total_t: 10, events_c: 3, total_c: 10 });
    // an arm with no one in it, a negative cell, cells beside totals
    expect(inputError(() => studyRowsFromTable(table("study,ai,bi,ci,di\nA,0,0,3,7\nB,2,8,1,9"))).message).toBe('t.csv, row 2, field "bi": the arm has no participants (events and non-events are both 0)');
    expect(inputError(() => studyRowsFromTable(table("study,ai,bi,ci,di\nA,1,-2,3,7\nB,2,8,1,9"))).message).toBe('t.csv, row 2, field "bi": negative count: -2');
    expect(inputError(() => studyRowsFromTable(table("study,ai,bi,ci,di,n1i,n2i\nA,1,2,3,7,3,10\nB,2,8,1,9,10,10"))).message).toBe("t.csv, row 1: ambiguous column set: the header fits binary and cells data; keep one kind of columns");
  });

  it("dat.bcg as R's write.csv writes it (tpos, tneg, cpos, cneg, with ablat and alloc) gives metafor's REML RR of the committed fixture", async () => {
    const fixture = (JSON.parse(readFileSync(new URL("../../../fixtures/metafor/bcg.json", import.meta.url), "utf8")) as Array<{ id: string; rows: Array<{ study: string; events_t: number; total_t: number; events_c: number; total_c: number; year: number }>; expected: { pooled: { estimate: number; se: number; ci_lb: number; ci_ub: number }; heterogeneity: { tau2: number; QE: number } } }>).find((c) => c.id === "bcg-rr-reml")!;
    const csv = ['"trial","author","year","tpos","tneg","cpos","cneg","ablat","alloc"', ...fixture.rows.map((r, i) => `${i + 1},"${r.study.replace(/ \d{4}$/, "")}",${r.year},${r.events_t},${r.total_t - r.events_t},${r.events_c},${r.total_c - r.events_c},44,"random"`)].join("\n");
    const rows = await parseStudyFile("dat.bcg.csv", enc(csv));
    expect(rows.map((r) => r.data)).toEqual(fixture.rows.map((r) => ({ kind: "binary", events_t: r.events_t, total_t: r.total_t, events_c: r.events_c, total_c: r.total_c })));
    const res = metaAnalysis(rows, { measure: "RR", model: "random", tau2: "REML" });
    const e = fixture.expected;
    for (const [got, want] of [[res.pooled.estimate, e.pooled.estimate], [res.pooled.se, e.pooled.se], [res.pooled.ci_lb, e.pooled.ci_lb], [res.pooled.ci_ub, e.pooled.ci_ub], [res.heterogeneity.tau2, e.heterogeneity.tau2], [res.heterogeneity.QE, e.heterogeneity.QE]] as const) {
      expect(Math.abs(got - want)).toBeLessThanOrEqual(1e-9 * Math.abs(want));
    }
  });

  it("reads binary rows in Decidua's names, with year and subgroup", () => {
    const rows = studyRowsFromTable(
      table("study,year,alloc,events_t,total_t,events_c,total_c\nA,1990,random,4,123,11,139\nB,1991,systematic,6,306,29,303"),
      { subgroup: "Alloc" },
    );
    expect(rows).toEqual([
      { study: "A", row: 2, year: 1990, subgroup: "random", data: { kind: "binary", events_t: 4, total_t: 123, events_c: 11, total_c: 139 } },
      { study: "B", row: 3, year: 1991, subgroup: "systematic", data: { kind: "binary", events_t: 6, total_t: 306, events_c: 29, total_c: 303 } },
    ]);
  });

  it("accepts metafor's names (ai/n1i/ci/n2i) case-insensitively", () => {
    const rows = studyRowsFromTable(table("Trial,AI,N1I,CI,N2I\nA,1,10,2,10\nB,0,5,3,6"));
    expect(rows.map((r) => r.data)).toEqual([
      { kind: "binary", events_t: 1, total_t: 10, events_c: 2, total_c: 10 },
      { kind: "binary", events_t: 0, total_t: 5, events_c: 3, total_c: 6 },
    ]);
  });

  it("accepts RevMan 5 export headers and reads past RevMan's computed columns", () => {
    const ignored: string[] = [];
    const rows = studyRowsFromTable(
      table(
        "Study or Subgroup,Experimental Events,Experimental Total,Control Events,Control Total,Weight,Odds Ratio M-H. Fixed. 95% CI,Year\n" +
          "Smith 2001,9,17,5,17,40.1%,2.7 [0.6; 11.0],2001\nJones 2003,13,29,13,29,59.9%,1.0 [0.4; 2.8],2003",
      ),
      { onIgnoredColumns: (h) => ignored.push(...h) },
    );
    expect(rows.map((r) => [r.study, r.year, r.data])).toEqual([
      ["Smith 2001", 2001, { kind: "binary", events_t: 9, total_t: 17, events_c: 5, total_c: 17 }],
      ["Jones 2003", 2003, { kind: "binary", events_t: 13, total_t: 29, events_c: 13, total_c: 29 }],
    ]);
    expect(ignored).toEqual([]);
  });

  it("reads a RevMan 5 data export with subgroup headings and summary rows", () => {
    const t: StudyTable = {
      file: "revman.csv",
      header: ["Study or Subgroup", "Experimental Events", "Experimental Total", "Control Events", "Control Total", "Weight", "Odds Ratio M-H, Fixed, 95% CI"],
      headerLine: 1,
      rows: [
        ["1.1.1 Albumin placebo", "", "", "", "", "", ""],
        ["Christiansen 1995", "9", "17", "5", "17", "7.5%", "2.70 [0.66, 11.09]"],
        ["Coulam 1995", "18", "47", "11", "48", "18.8%", "2.09 [0.85, 5.10]"],
        ["Subtotal (95% CI)", "", "64", "", "65", "26.3%", "2.25 [1.07, 4.73]"],
        ["Total events", "27", "", "16", "", "", ""],
        ["Heterogeneity: Chi² = 0.09, df = 1 (P = 0.76); I² = 0%", "", "", "", "", "", ""],
        ["Test for overall effect: Z = 2.13 (P = 0.03)", "", "", "", "", "", ""],
        ["1.1.2 Saline placebo", "", "", "", "", "", ""],
        ["Stephenson 2010", "16", "23", "15", "24", "10.2%", "1.37 [0.41, 4.61]"],
        ["Total (95% CI)", "", "87", "", "89", "100.0%", "1.20 [0.82, 1.77]"],
        ["Test for subgroup differences: Chi² = 0.01, df = 1 (P = 0.94), I² = 0%", "", "", "", "", "", ""],
      ].map((cells, i) => ({ line: i + 2, cells })),
    };
    const grouped = studyRowsFromTable(t, { subgroup: "Study or Subgroup" });
    expect(grouped.map((r) => [r.study, r.row, r.subgroup])).toEqual([
      ["Christiansen 1995", 3, "1.1.1 Albumin placebo"],
      ["Coulam 1995", 4, "1.1.1 Albumin placebo"],
      ["Stephenson 2010", 10, "1.1.2 Saline placebo"],
    ]);
    expect(grouped[2]?.data).toEqual({ kind: "binary", events_t: 16, total_t: 23, events_c: 15, total_c: 24 });
    const plain = studyRowsFromTable(t);
    expect(plain.map((r) => [r.study, r.subgroup])).toEqual([
      ["Christiansen 1995", undefined],
      ["Coulam 1995", undefined],
      ["Stephenson 2010", undefined],
    ]);
    const noHeading: StudyTable = { ...t, rows: t.rows.slice(1) };
    expect(inputError(() => studyRowsFromTable(noHeading, { subgroup: "study or subgroup" })).message).toBe(
      'revman.csv, row 3, field "Study or Subgroup": a study comes before any subgroup heading row',
    );
  });

  it("outside a RevMan export a row without data is an error, not a heading", () => {
    const e = inputError(() => studyRowsFromTable(table("study,events_t,total_t,events_c,total_c\nGroup A,,,,\nB,1,10,2,10\nC,1,10,2,10")));
    expect(e.message).toBe('t.csv, row 2, field "events_t": empty cell: a number is required');
  });

  it("reads continuous rows (RevMan and metafor names)", () => {
    const revman = studyRowsFromTable(
      table(
        "Study or Subgroup,Experimental Mean,Experimental SD,Experimental Total,Control Mean,Control SD,Control Total\nA,55,47,155,75,64,156\nB,27.5,7,31,29,4,32",
      ),
    );
    const metafor = studyRowsFromTable(table("study,m1i,sd1i,n1i,m2i,sd2i,n2i\nA,55,47,155,75,64,156\nB,27.5,7,31,29,4,32"));
    expect(revman.map((r) => r.data)).toEqual([
      { kind: "continuous", mean_t: 55, sd_t: 47, total_t: 155, mean_c: 75, sd_c: 64, total_c: 156 },
      { kind: "continuous", mean_t: 27.5, sd_t: 7, total_t: 31, mean_c: 29, sd_c: 4, total_c: 32 },
    ]);
    expect(metafor.map((r) => r.data)).toEqual(revman.map((r) => r.data));
  });

  it("reads generic yi,vi and yi,sei (sei squared into vi)", () => {
    const vi = studyRowsFromTable(table("study,yi,vi\nA,0.5,0.04\nB,-0.1,0.25"));
    const sei = studyRowsFromTable(table("study,yi,SE\nA,0.5,0.2\nB,-0.1,0.5"));
    expect(vi.map((r) => r.data)).toEqual([
      { kind: "generic", yi: 0.5, vi: 0.04 },
      { kind: "generic", yi: -0.1, vi: 0.25 },
    ]);
    expect(sei[0]?.data).toEqual({ kind: "generic", yi: 0.5, vi: 0.2 * 0.2 });
    expect(sei[1]?.data).toEqual({ kind: "generic", yi: -0.1, vi: 0.25 });
  });

  it("back-calculates yi and vi from an estimate with its 95% CI (log scale for ratios)", () => {
    const z = 1.959963984540054;
    const log = studyRowsFromTable(table("study,estimate,lower,upper\nA,2.3,1.1,4.8\nB,0.8,0.5,1.3"), { intervalScale: "log" });
    const a = log[0]?.data;
    expect(a?.kind).toBe("generic");
    if (a?.kind !== "generic") throw new Error("not generic");
    expect(a.yi).toBeCloseTo(Math.log(2.3), 14);
    expect(a.vi).toBeCloseTo(((Math.log(4.8) - Math.log(1.1)) / (2 * z)) ** 2, 14);
    const raw = studyRowsFromTable(table("study,estimate,ci_lb,ci_ub\nA,-1.5,-2.5,-0.5\nB,0.2,-0.1,0.5"), { intervalScale: "raw" });
    const r0 = raw[0]?.data;
    if (r0?.kind !== "generic") throw new Error("not generic");
    expect(r0.yi).toBe(-1.5);
    expect(r0.vi).toBeCloseTo((2 / (2 * z)) ** 2, 14);
  });

  it("keeps repeated study labels (issue 14: allowed with a warning), made unique by row", () => {
    const warnings: string[] = [];
    const rows = studyRowsFromTable(table("study,yi,vi\nSmith 2001,0.1,0.1\nJones 2002,0.3,0.2\nSmith 2001,0.2,0.1"), { onWarning: (w) => warnings.push(w) });
    expect(rows.map((r) => r.study)).toEqual(["Smith 2001 (row 2)", "Jones 2002", "Smith 2001 (row 4)"]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/t\.csv: study label "Smith 2001" repeated; made unique by row/);
  });

  it("reads moderator columns for --mods as text, case-insensitively", () => {
    const rows = studyRowsFromTable(table("study,yi,vi,Latitude,Alloc\nA,0.1,0.1,44,random\nB,0.2,0.1,13,alternate"), { mods: ["latitude", "alloc"] });
    expect(rows.map((r) => r.moderators)).toEqual([{ latitude: "44", alloc: "random" }, { latitude: "13", alloc: "alternate" }]);
    expect(() => studyRowsFromTable(table("study,yi,vi\nA,0.1,0.1\nB,0.2,0.1"), { mods: ["dose"] })).toThrow(/no column named "dose" for --mods/);
  });

  it("prefers a column called study over trial/author and reports unused columns", () => {
    const ignored: string[] = [];
    const rows = studyRowsFromTable(table("author,study,notes,yi,vi\nX,A,n1,0.1,0.1\nY,B,n2,0.2,0.1"), {
      onIgnoredColumns: (h) => ignored.push(...h),
    });
    expect(rows.map((r) => r.study)).toEqual(["A", "B"]);
    expect(ignored).toEqual(["notes"]);
  });

  it("skips blank lines and keeps the file's row numbers", () => {
    const t: StudyTable = {
      file: "t.csv",
      header: ["study", "yi", "vi"],
      headerLine: 1,
      rows: [
        { line: 2, cells: ["A", "1", "1"] },
        { line: 3, cells: ["", "", ""] },
        { line: 4, cells: ["B", "2", "1"] },
      ],
    };
    expect(studyRowsFromTable(t).map((r) => r.row)).toEqual([2, 4]);
  });
});

describe("studyRowsFromTable: errors name file, row and column", () => {
  const cases: [string, string, Record<string, unknown>, string][] = [
    ["non-numeric cell", "study,events_t,total_t,events_c,total_c\nA,1,10,2,10\nB,x,10,2,10", {}, 't.csv, row 3, field "events_t": not a number: "x"'],
    ["events above total", "study,ai,n1i,ci,n2i\nA,1,10,2,10\nB,1,10,12,10", {}, 't.csv, row 3, field "ci": events (12) above total (10)'],
    ["negative SD", "study,mean_t,sd_t,total_t,mean_c,sd_c,total_c\nA,1,2,10,1,2,10\nB,1,-2,10,1,2,10", {}, 't.csv, row 3, field "sd_t": negative SD: -2'],
    ["fractional count", "study,events_t,total_t,events_c,total_c\nA,1.5,10,2,10\nB,1,10,2,10", {}, 't.csv, row 2, field "events_t": not a whole number: 1.5'],
    ["zero total", "study,events_t,total_t,events_c,total_c\nA,0,0,2,10\nB,1,10,2,10", {}, 't.csv, row 2, field "total_t": total must be at least 1'],
    ["empty cell", "study,yi,vi\nA,0.1,\nB,0.2,0.1", {}, 't.csv, row 2, field "vi": empty cell: a number is required'],
    ["non-positive variance", "study,yi,vi\nA,0.1,0\nB,0.2,0.1", {}, 't.csv, row 2, field "vi": variance must be positive: 0'],
    ["empty study name", "study,yi,vi\n,0.1,0.1\nB,0.2,0.1", {}, 't.csv, row 2, field "study": empty study name'],
    ["missing required column", "study,events_t,total_t,events_c\nA,1,10,2\nB,1,10,2", {}, 't.csv, row 1, field "total_c": missing required column "total_c" for binary data'],
    ["missing study column", "events_t,total_t,events_c,total_c\n1,10,2,10\n1,10,2,10", {}, 't.csv, row 1, field "study": missing required column "study"'],
    ["unknown column set", "study,weight,colour\nA,1,red\nB,2,blue", {}, "t.csv, row 1: unknown column set: no effect-size data columns"],
    ["ambiguous column set", "study,events_t,total_t,events_c,total_c,yi,vi\nA,1,10,2,10,0.1,0.1\nB,1,10,2,10,0.1,0.1", {}, "t.csv, row 1: ambiguous column set: the header fits binary and generic data"],
    ["two names for one column", "study,ai,events_t,total_t,events_c,total_c\nA,1,1,10,2,10\nB,1,1,10,2,10", {}, 't.csv, row 1, field "events_t": ambiguous columns: "ai" and "events_t" both mean events_t'],
    ["vi and sei together", "study,yi,vi,sei\nA,0.1,0.1,0.3\nB,0.1,0.1,0.3", {}, 't.csv, row 1, field "sei": ambiguous columns: both a variance ("vi") and a standard error ("sei") column'],
    ["subgroup column absent", "study,yi,vi\nA,0.1,0.1\nB,0.2,0.1", { subgroup: "dose" }, 't.csv, row 1: no column named "dose" for --subgroup'],
    ["empty subgroup", "study,dose,yi,vi\nA,high,0.1,0.1\nB,,0.2,0.1", { subgroup: "dose" }, 't.csv, row 3, field "dose": empty subgroup'],
    ["too few studies", "study,yi,vi\nA,0.1,0.1", {}, "t.csv: too few studies: 1 (at least 2 needed)"],
    ["too few studies for bias", "study,yi,vi\nA,0.1,0.1\nB,0.2,0.1", { minStudies: 3, minStudiesReason: "for --bias" }, "t.csv: too few studies: 2 (at least 3 needed for --bias)"],
    ["header only", "study,yi,vi", {}, "t.csv: empty file: no study rows under the header"],
    ["interval data without a scale", "study,estimate,lower,upper\nA,2,1,3\nB,2,1,3", {}, 't.csv, row 1, field "estimate": estimates with confidence intervals need the measure'],
    ["estimate outside its interval", "study,estimate,lower,upper\nA,2,1,3\nB,4,1,3", { intervalScale: "log" }, 't.csv, row 3, field "estimate": estimate 4 is not inside its interval 1 to 3'],
    ["ratio interval at zero", "study,estimate,lower,upper\nA,2,1,3\nB,1,0,3", { intervalScale: "log" }, 't.csv, row 3, field "estimate": a ratio and its interval must be > 0'],
  ];
  for (const [name, csv, opts, message] of cases) {
    it(name, () => {
      const e = inputError(() => studyRowsFromTable(table(csv), opts));
      expect(e.message.startsWith(message), `got: ${e.message}`).toBe(true);
      expect(e.location.file).toBe("t.csv");
    });
  }
});

describe("parseStudyFile: CSV and XLSX bytes", () => {
  it("reads comma, semicolon and tab separated CSV with a BOM and CRLF", async () => {
    for (const sep of [",", ";", "\t"]) {
      const text = "\uFEFF" + ["study", "yi", "vi"].join(sep) + "\r\n" + ["A", "0.1", "0.2"].join(sep) + "\r\n" + ["B", "0.3", "0.4"].join(sep) + "\r\n";
      const rows = await parseStudyFile("x.csv", enc(text));
      expect(rows.map((r) => [r.study, r.data])).toEqual([
        ["A", { kind: "generic", yi: 0.1, vi: 0.2 }],
        ["B", { kind: "generic", yi: 0.3, vi: 0.4 }],
      ]);
    }
  });

  it("reads decimal commas in semicolon-separated CSV", async () => {
    const rows = await parseStudyFile("eu.csv", enc("study;yi;vi\nA;0,25;0,04\nB;-1,5;,5\n"));
    expect(rows.map((r) => r.data)).toEqual([
      { kind: "generic", yi: 0.25, vi: 0.04 },
      { kind: "generic", yi: -1.5, vi: 0.5 },
    ]);
    const e = await inputErrorAsync(() => parseStudyFile("us.csv", enc('study,yi,vi\nA,"0,25",0.04\nB,1,1\n')));
    expect(e.message).toBe('us.csv, row 2, field "yi": not a number: "0,25"');
  });

  it("reads quoted study names with commas", async () => {
    const rows = await parseStudyFile("x.csv", enc('study,yi,vi\n"Smith, J 2001",0.1,0.2\n"Doe, A",0.3,0.4\n'));
    expect(rows.map((r) => r.study)).toEqual(["Smith, J 2001", "Doe, A"]);
  });

  it("reports an empty file and a ragged CSV with the row", async () => {
    expect((await inputErrorAsync(() => parseStudyFile("e.csv", enc("")))).message).toBe("e.csv: empty file");
    expect((await inputErrorAsync(() => parseStudyFile("e.csv", enc("  \n\n")))).message).toBe("e.csv: empty file");
    const ragged = await inputErrorAsync(() => parseStudyFile("r.csv", enc("study,yi,vi\nA,1,2\nB,1\n")));
    expect(ragged.message).toMatch(/^r\.csv, row 3: not a valid CSV: /);
  });

  it("reads the example XLSX with metafor's names and numeric cells", async () => {
    const bytes = readFileSync(new URL("../../../examples/meta/bcg-metafor-names.xlsx", import.meta.url));
    const rows = await parseStudyFile("bcg-metafor-names.xlsx", bytes, { subgroup: "alloc" });
    expect(rows).toHaveLength(13);
    expect(rows[0]).toEqual({
      study: "Aronson 1948",
      row: 2,
      year: 1948,
      subgroup: "random",
      data: { kind: "binary", events_t: 4, total_t: 123, events_c: 11, total_c: 139 },
    });
  });

  it("reports XLSX cell errors with the sheet row", async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet("s");
    ws.addRow(["Study", "Experimental Events", "Experimental Total", "Control Events", "Control Total"]);
    ws.addRow(["A", 3, 10, 4, 10]);
    ws.addRow(["B", 12, 10, 4, 10]);
    const bytes = new Uint8Array(await wb.xlsx.writeBuffer());
    const e = await inputErrorAsync(() => parseStudyFile("s.xlsx", bytes));
    expect(e.message).toBe('s.xlsx, row 3, field "Experimental Events": events (12) above total (10)');
  });

  it("rejects a file that is not a workbook though named .xlsx", async () => {
    const e = await inputErrorAsync(() => parseStudyFile("bad.xlsx", enc("study,yi,vi\n")));
    expect(e.message).toMatch(/^bad\.xlsx: not a readable XLSX workbook/);
  });
});
