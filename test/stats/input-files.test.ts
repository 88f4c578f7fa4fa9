/**
 * Study tables as other tools write them (a reviewer's files, test/stats/fixtures/tables): R's write.csv row names
 * for `decidua nma` too, XLSX rows whose only content is formulas giving "", a workbook whose first worksheet is
 * not the data (--sheet, and the error naming the worksheet that has the columns), R's NA in a number column.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ExcelJS from "exceljs";
import { afterAll, describe, expect, it } from "vitest";
import { parseStudyFile, readStudyTable } from "../../src/stats/input.js";
import { nmaStudiesFromTable } from "../../src/stats/nma/index.js";
import { NmaResultSchema } from "../../src/stats/nma/types.js";
import { runCli } from "../support/run-cli.js";
import { inputErrorAsync } from "../support/input-error.js";

const root = new URL("../../", import.meta.url).pathname;
const TABLES = join(root, "test/stats/fixtures/tables");
const table = (f: string): string => join(TABLES, f);
const bytes = (path: string): Uint8Array => new Uint8Array(readFileSync(path));
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const dir = mkdtempSync(join(tmpdir(), "decidua-input-files-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function workbookBytes(fill: (wb: ExcelJS.Workbook) => void): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  fill(wb);
  return new Uint8Array(await wb.xlsx.writeBuffer());
}

describe("decidua nma: R's write.csv row names (an unnamed first column 1, 2, ...), as decidua meta and tsa read them", () => {
  it("arm-level rows with row names give the result of the same rows without them", async () => {
    const withNames = await runCli(["nma", table("arm-rownames.csv"), "--json"]);
    expect(withNames.err).toBe("");
    expect(withNames.code).toBe(0);
    const plain = await runCli(["nma", join(root, "examples/nma/hasselblad1998-smoking.csv"), "--json"]);
    expect(NmaResultSchema.parse(JSON.parse(withNames.out)).estimates).toEqual(NmaResultSchema.parse(JSON.parse(plain.out)).estimates);
  });

  it("netmeta's pairwise() output as write.csv writes it (contrasts TE, seTE, treat1, treat2)", async () => {
    const r = await runCli(["nma", table("pairwise-netmeta.csv"), "--measure", "OR", "--json"]);
    expect(r.code, r.err).toBe(0);
    const result = NmaResultSchema.parse(JSON.parse(r.out));
    expect(result.treatments.map((t) => t.treatment).sort()).toEqual(["grp_counseling", "ind_counseling", "no_contact", "self_help"]);
    expect(r.err).not.toMatch(/no header/);
  });

  it("an unnamed column of anything but the row numbers is still an error, for nma as for meta", async () => {
    const t = await readStudyTable("net.csv", enc(",study,treatment,events,total\nx,A,a,1,10\ny,A,b,2,10\n"));
    expect(() => nmaStudiesFromTable(t)).toThrow('net.csv, row 1: column 1 has data but no header');
    const meta = await inputErrorAsync(() => parseStudyFile("m.csv", enc(",study,yi,vi\nx,A,0.1,0.02\ny,B,0.3,0.04\n")));
    expect(meta.message).toBe("m.csv, row 1: column 1 has data but no header");
  });

  it("decidua tsa reads the row names too (the one definition)", async () => {
    const r = await runCli(["tsa", table("tsa-rownames.csv"), "--measure", "RR", "--control-risk", "0.43", "--rrr", "0.2", "--json"]);
    expect(r.code, r.err).toBe(0);
  });
});

describe("XLSX: a row whose only content is formulas giving an empty text is blank", () => {
  it("a spreadsheet's =IF(C10=\"\",\"\",…) copied below the data is skipped, as an empty row", async () => {
    const rows = await parseStudyFile("extraction-flat.xlsx", bytes(table("extraction-flat.xlsx")));
    expect(rows.map((r) => r.study)).toEqual(["Christiansen 1995", "Coulam 1995", "Perino 1997", "Stephenson 1998", "Jabłonowska 1999"]);
    const r = await runCli(["meta", table("extraction-flat.xlsx")]);
    expect(r.code, r.err).toBe(0);
  });

  it("between studies too; a formula giving \"\" in a data cell is an empty cell; a formula with no stored result is not blank", async () => {
    const book = (extra: (ws: ExcelJS.Worksheet) => void) =>
      workbookBytes((wb) => {
        const ws = wb.addWorksheet("Sheet1");
        ws.addRow(["study", "yi", "vi", "note"]);
        ws.addRow(["A", 0.1, 0.02]);
        extra(ws);
        ws.addRow(["C", 0.3, 0.04]);
      });
    const between = await book((ws) => {
      ws.addRow([null, null, null, { formula: 'IF(B3="","",B3*2)', result: "" }]);
      ws.addRow([{ formula: 'IF(B4="","",A2)', result: "" }, { formula: 'IF(B4="","",1)', result: "" }]);
      ws.addRow(["B", 0.2, 0.03]);
    });
    expect((await parseStudyFile("between.xlsx", between)).map((r) => [r.study, r.row])).toEqual([["A", 2], ["B", 5], ["C", 6]]);
    const inData = await book((ws) => ws.addRow(["B", { formula: 'IF(E3="","",E3)', result: "" }, 0.03]));
    expect((await inputErrorAsync(() => parseStudyFile("in-data.xlsx", inData))).message).toBe('in-data.xlsx, row 3, field "yi": empty cell: a number is required');
    // written by a program that does not compute formulas: what they give is not known, so the row is not passed over
    const uncomputed = await book((ws) => ws.addRow([null, null, null, { formula: 'IF(B3="","",B3*2)' }]));
    expect((await inputErrorAsync(() => parseStudyFile("uncomputed.xlsx", uncomputed))).message).toMatch(/^uncomputed\.xlsx, row 3, field "study": empty study name/);
  });
});

describe("XLSX: which worksheet is read (--sheet NAME|NUMBER)", () => {
  const twoSheets = table("extraction-2sheets.xlsx");

  it("the first worksheet by default; when it lacks the columns and another has them, the error says which to choose", async () => {
    const e = await inputErrorAsync(() => parseStudyFile("extraction-2sheets.xlsx", bytes(twoSheets)));
    expect(e.message).toBe('extraction-2sheets.xlsx, row 1, field "study": missing required column "study"; worksheet "Instructions" was read; worksheet "Data" has the columns: use --sheet Data');
    const cli = await runCli(["meta", twoSheets]);
    expect([cli.code, cli.err]).toEqual([2, `decidua: ${twoSheets}, row 1, field "study": missing required column "study"; worksheet "Instructions" was read; worksheet "Data" has the columns: use --sheet Data\n`]);
  });

  it("decidua meta, nma and tsa read the worksheet named or numbered by --sheet", async () => {
    for (const sheet of ["Data", "data", "2"]) {
      const r = await runCli(["meta", twoSheets, "--sheet", sheet, "--json"]);
      expect(r.code, r.err).toBe(0);
      expect((JSON.parse(r.out) as { k: number }).k).toBe(5);
    }
    const tsa = await runCli(["tsa", twoSheets, "--sheet", "Data", "--measure", "RR", "--control-risk", "0.43", "--rrr", "0.2", "--json"]);
    expect(tsa.code, tsa.err).toBe(0);
    const arms = join(dir, "arms.xlsx");
    writeFileSync(
      arms,
      await workbookBytes((wb) => {
        wb.addWorksheet("Read me").addRow(["One row per arm"]);
        const ws = wb.addWorksheet("Arms");
        ws.addRow(["study", "treatment", "events", "total"]);
        for (const [s, t, e, n] of [["A", "x", 1, 10], ["A", "y", 3, 10], ["B", "x", 2, 20], ["B", "z", 4, 20], ["C", "y", 5, 20], ["C", "z", 6, 20]] as const) ws.addRow([s, t, e, n]);
      }),
    );
    const nmaHint = await runCli(["nma", arms]);
    expect(nmaHint.code).toBe(2);
    expect(nmaHint.err).toContain('worksheet "Read me" was read; worksheet "Arms" has the columns: use --sheet Arms');
    const nma = await runCli(["nma", arms, "--sheet", "Arms", "--json"]);
    expect(nma.code, nma.err).toBe(0);
  });

  it("a worksheet the workbook does not have, --sheet on a CSV file: errors naming --sheet", async () => {
    const none = await runCli(["meta", twoSheets, "--sheet", "Extraction"]);
    expect([none.code, none.err]).toEqual([2, `decidua: ${twoSheets}, field "--sheet": no worksheet "Extraction" in the workbook (it has: 1 "Instructions", 2 "Data")\n`]);
    const three = await runCli(["meta", twoSheets, "--sheet", "3"]);
    expect(three.err).toContain('field "--sheet": no worksheet "3" in the workbook');
    const csv = await runCli(["meta", join(root, "examples/meta/bcg.csv"), "--sheet", "Data"]);
    expect(csv.code).toBe(2);
    expect(csv.err).toContain('field "--sheet": --sheet chooses a worksheet of an XLSX workbook; this file is not one');
    const empty = await runCli(["meta", twoSheets, "--sheet", ""]);
    expect(empty.code).toBe(2);
    expect(empty.err).toContain("--sheet");
  });
});

describe("R's NA in a number column", () => {
  it("is said to be a missing value: the study must be given a value or left out (as for a moderator)", async () => {
    const r = await runCli(["meta", table("bcg-yi-vi-NA.csv")]);
    expect(r.code).toBe(2);
    expect(r.err).toBe(`decidua: ${table("bcg-yi-vi-NA.csv")}, row 3, field "yi": study "Ferguson & Simes" has no value for "yi" ("NA" is R's missing value); fill it in or leave the study out\n`);
    const t = await readStudyTable("net.csv", enc("study,treatment,events,total\nA,x,1,10\nA,y,NA,10\n"));
    expect(() => nmaStudiesFromTable(t)).toThrow('net.csv, row 3, field "events": study "A" has no value for "events" ("NA" is R\'s missing value); fill it in or leave the row out');
  });
});
