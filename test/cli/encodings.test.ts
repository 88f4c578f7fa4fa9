/**
 * Files as other programs write them: Windows-1252 (Excel's "CSV (Comma delimited)", EndNote's and Ovid's "ANSI"
 * exports), UTF-16 (Excel's "Unicode text"), UTF-8 with a byte-order mark; a PDF given where text is read. The bytes
 * are written here as those programs write them (iconv's tables), and each command is run in process through main().
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../support/run-cli.js";
import { decodeText, notTextReason } from "../../src/shared/text-encoding.js";

/** Windows-1252 bytes of a string of ISO-8859-1 letters (their code points are their bytes). */
const cp1252 = (s: string): Uint8Array => Uint8Array.from([...s].map((c) => c.charCodeAt(0)));
const utf16le = (s: string, bom = true): Uint8Array => {
  const b = Buffer.from(s, "utf16le");
  return bom ? Buffer.concat([Buffer.from([0xff, 0xfe]), b]) : b;
};

const run = (...argv: string[]) => runCli(argv);

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "decidua-enc-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("decodeText", () => {
  it("reads UTF-8 (with or without a BOM), UTF-16 by its BOM or its zero bytes, and else Windows-1252", () => {
    expect(decodeText(new TextEncoder().encode("Müller"))).toEqual({ text: "Müller", encoding: "utf-8", bom: false });
    expect(decodeText(Uint8Array.from([0xef, 0xbb, 0xbf, ...new TextEncoder().encode("{}")]))).toEqual({ text: "{}", encoding: "utf-8", bom: true });
    expect(decodeText(cp1252("Müller;García-López;Åström"))).toMatchObject({ text: "Müller;García-López;Åström", encoding: "windows-1252" });
    // 0x80 and 0x96 are the euro sign and the en dash in Windows-1252 (not ISO-8859-1's control characters)
    expect(decodeText(Uint8Array.from([0x80, 0x20, 0x31, 0x96, 0x32])).text).toBe("€ 1–2");
    expect(decodeText(utf16le("study,yi\nÅström,0.1\n"))).toMatchObject({ text: "study,yi\nÅström,0.1\n", encoding: "utf-16le", bom: true });
    expect(decodeText(utf16le("study,yi\nA,0.1\n", false))).toMatchObject({ text: "study,yi\nA,0.1\n", encoding: "utf-16le", bom: false });
    expect(notTextReason(new TextEncoder().encode("%PDF-1.7\n"))).toMatch(/a PDF file, not text/);
    expect(notTextReason(new TextEncoder().encode("study,yi"))).toBeNull();
  });
});

describe("commands read files in the encoding they were written in", () => {
  it("meta: a Windows-1252 semicolon CSV from Excel keeps its accented study names, with a note", async () => {
    const f = join(dir, "excel.csv");
    writeFileSync(f, cp1252("study;events_t;total_t;events_c;total_c\r\nMüller;12;50;20;51\r\nGarcía-López;8;40;15;42\r\nÅström;5;30;9;29\r\n"));
    const r = await run("meta", f, "--measure", "OR", "--json");
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as { studies: { study: string }[] };
    expect(j.studies.map((s) => s.study)).toEqual(["Müller", "García-López", "Åström"]);
    expect(r.err).toMatch(/excel\.csv: the file is not UTF-8: read as Windows-1252/);
  });
  it("meta: Excel's UTF-16 'Unicode text' (tab-separated) reads as its text", async () => {
    const f = join(dir, "unicode.txt");
    writeFileSync(f, utf16le("study\tyi\tvi\r\nÅström\t0.1\t0.04\r\nB\t0.3\t0.02\r\nC\t-0.1\t0.05\r\n"));
    const r = await run("meta", f, "--json");
    expect(r.code).toBe(0);
    expect((JSON.parse(r.out) as { studies: { study: string }[] }).studies.map((s) => s.study)).toEqual(["Åström", "B", "C"]);
  });
  it("screening: an 'ANSI' RIS export keeps its authors' letters", async () => {
    const f = join(dir, "endnote-ansi.ris");
    writeFileSync(f, cp1252("TY  - JOUR\r\nTI  - Immunoglobulin in recurrent miscarriage\r\nAU  - Björnsdóttir, Guðrún\r\nPY  - 2019\r\nER  - \r\n"));
    const ris = join(dir, "out.ris");
    const r = await run("screening", "check", f, "--to-ris", ris);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/endnote-ansi\.ris: the file is not UTF-8: read as Windows-1252/);
    expect((await import("node:fs")).readFileSync(ris, "utf8")).toMatch(/AU {2}- Björnsdóttir, Guðrún/);
  });
  it("assess: a record saved with a UTF-8 byte-order mark is read", async () => {
    const f = join(dir, "bom.json");
    writeFileSync(f, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify({ losses: [] }))]));
    const r = await run("assess", f, "--today", "2025-02-15", "--json");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toHaveProperty("therapies");
  });
  it("audit: a PDF is refused as not text, with a non-zero exit, instead of passing as 'no result flagged'", async () => {
    const f = join(dir, "article.pdf");
    writeFileSync(f, "%PDF-1.5\n%\u00e2\u00e3\n1 0 obj\n<<>>\nendobj\n");
    const r = await run("audit", "--text", f);
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/article\.pdf: a PDF file, not text: extract its text first/);
  });
});

describe("spreadsheets written by programs", () => {
  it("meta: an XLSX formula saved without its result (openxlsx, exceljs) is a located error saying so", async () => {
    const ExcelJS = (await import("exceljs")).default;
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet("data");
    ws.addRow(["study", "events_t", "total_t", "events_c", "total_c"]);
    ws.addRow(["A", 10, 50, 12, 50]);
    ws.addRow(["B", 8, 40, 11, 40]);
    ws.getCell("B3").value = { formula: "B2-2" } as never;
    const f = join(dir, "formulas.xlsx");
    await wb.xlsx.writeFile(f);
    const r = await run("meta", f);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/formulas\.xlsx, row 3, field "events_t": not a number: "\[formula =B2-2 with no stored result: open and save the file in Excel or LibreOffice/);
  });
});

describe("a workbook that expands without bound", () => {
  it("an XLSX whose parts unzip to more than 64 MB is refused before it is unzipped; a real workbook's size is read from its central directory", async () => {
    const { zipUncompressedSize, XLSX_MAX_UNCOMPRESSED } = await import("../../src/stats/input.js");
    const { readFileSync } = await import("node:fs");
    // the example workbook: 16 parts, 19,103 bytes unzipped (as `unzip -l` lists them)
    expect(zipUncompressedSize(new Uint8Array(readFileSync(new URL("../../examples/meta/bcg-metafor-names.xlsx", import.meta.url))))).toBe(19103);
    // a sheet of 200 MB of one repeated character compresses to about 200 kB
    const JSZip = (await import("jszip")).default;
    const zip = new JSZip();
    zip.file("[Content_Types].xml", "<Types/>");
    zip.file("xl/worksheets/sheet1.xml", "a".repeat(200 * 1024 * 1024));
    const bomb = await zip.generateAsync({ type: "uint8array", compression: "DEFLATE", compressionOptions: { level: 9 } });
    expect(bomb.length).toBeLessThan(1024 * 1024);
    expect(zipUncompressedSize(bomb)).toBeGreaterThan(XLSX_MAX_UNCOMPRESSED);
    const f = join(dir, "bomb.xlsx");
    writeFileSync(f, bomb);
    const r = await run("meta", f);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/bomb\.xlsx: the workbook expands to 200 MB when unzipped \(at most 64 MB are read\)/);
    // bytes appended after the archive (unzippers pass over them) do not hide its sizes
    const padded = join(dir, "bomb-padded.xlsx");
    writeFileSync(padded, Buffer.concat([Buffer.from(bomb), Buffer.alloc(70_000, 7)]));
    expect((await run("meta", padded)).err).toMatch(/expands to 200 MB/);
  }, 30_000);
});
