// Importers on small exports written by hand from each format's documentation (RIS spec, NLM MEDLINE/PubMed
// format, PubMed DTD, a CENTRAL-style CSV), and the located errors for bad input.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { type BibRecord, describeCsvMapping, guessCsvMapping, guessFormat, parseCsvRecords, parseEndnoteXml, parseMedline, parsePubmedXml, parseRis, parseSearchExport, recordsToRis } from "../../src/screening/index.js";
import { inputError } from "../support/input-error.js";

const fx = (name: string): string => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8");

describe("RIS", () => {
  it("reads every field of four records, continuation lines and alternative tags", () => {
    const r = parseRis(fx("search-embase.ris"), "search-embase.ris");
    expect(r).toHaveLength(4);
    expect(r[0]).toEqual({
      sourceIndex: 1,
      // AN of a record whose provider (DP) is the NLM: its PMID
      pmid: "31000001",
      doi: "10.1234/ejri.2019.0041",
      title: "Intravenous immunoglobulin in women with unexplained recurrent miscarriage: a randomised placebo-controlled trial",
      abstract:
        "Background: recurrent pregnancy loss without a known cause has been treated with immunomodulation. Methods: women with three or more losses were randomised to immunoglobulin or albumin. Results: live birth did not differ between the groups.",
      authors: ["Hansen, Maria", "Larsen, Peter K.", "Okafor, Adaeze"],
      journal: "Example Journal of Reproductive Immunology",
      year: 2019,
    });
    expect(r[1]).toMatchObject({ title: "Lymphocyte immunisation therapy and live birth after recurrent pregnancy loss", authors: ["Chen, Wei", "Moreau, Claire"], year: 2021, journal: "Fertility Examples", doi: "10.5555/fertex.2021.77", pmid: null, abstract: "A cohort of couples treated with paternal lymphocyte immunisation." });
    expect(r[2]).toMatchObject({ doi: "10.1234/ejri.2019.0041", journal: "Eur J Reprod Immunol", abstract: null });
    expect(r[3]).toMatchObject({ pmid: "29000002", doi: null, journal: "Immunology of Early Pregnancy", year: 2018 });
  });

  it("accepts CRLF line ends and an ER line without a trailing space", () => {
    expect(parseRis(fx("crlf.ris"), "crlf.ris")).toMatchObject([{ title: "Heparin and aspirin for antiphospholipid syndrome", year: 2020, authors: ["Rossi, Anna"] }]);
  });

  it("passes over text between records: Ovid's record numbers and an export header", () => {
    const ovid = parseRis(fx("ovid-numbered.ris"), "ovid-numbered.ris");
    expect(ovid).toHaveLength(2);
    expect(ovid[0]).toMatchObject({ title: "Intravenous immunoglobulin in unexplained recurrent miscarriage: a cohort", authors: ["Lindqvist, Maria"], year: 2021, abstract: "Women with four or more losses were followed through their next pregnancy." });
    // a record with only a short title (ST) is read under it
    expect(ovid[1]).toMatchObject({ sourceIndex: 2, title: "Prednisolone and uterine NK cells", year: 2022 });
    expect(parseRis(fx("export-header.ris"), "export-header.ris")).toMatchObject([{ title: "Tacrolimus for women with a raised Th1/Th2 ratio", year: 2020 }]);
    // a tag line between records is still an error: it belongs to a record whose TY line is missing
    const stray = inputError(() => parseRis("TY  - JOUR\nTI  - One\nER  - \nAU  - Lost, Record\nTI  - Two\nER  - \n", "stray.ris"));
    expect(stray.location).toEqual({ file: "stray.ris", row: 4, field: "AU" });
    // text and no record at all: the first line that is not RIS is named
    const none = inputError(() => parseRis("1.\nSome title. Some journal. 2019.\n", "none.ris"));
    expect(none.location).toEqual({ file: "none.ris", row: 1 });
    expect(none.reason).toMatch(/^not a RIS file: no record \(TY \.\.\. ER\) found; the text from line 1 is outside any record/);
  });

  it("a record without a title: file, record number, line and field", () => {
    const e = inputError(() => parseRis(fx("no-title.ris"), "no-title.ris"));
    expect(e.location).toEqual({ file: "no-title.ris", row: 7, field: "TI" });
    expect(e.message).toBe('no-title.ris, row 7, field "TI": record 2: the record has no title');
  });

  it("a file that is not RIS, an unclosed record, a year that is not one", () => {
    expect(inputError(() => parseRis(fx("not-ris.txt"), "not-ris.txt")).message).toMatch(/^not-ris\.txt, row 1: not a RIS file/);
    const u = inputError(() => parseRis(fx("unclosed.ris"), "unclosed.ris"));
    expect(u.location).toMatchObject({ row: 5, field: "ER" });
    expect(u.reason).toMatch(/^record 2: .*not closed by an ER line/);
    expect(inputError(() => parseRis(fx("bad-year.ris"), "bad-year.ris")).location).toMatchObject({ field: "PY", row: 1 });
    expect(inputError(() => parseRis("", "empty.ris")).reason).toMatch(/empty/);
  });
  it("Embase's CSV with its search query above the header; Web of Science's tab file with quotes as text; CINAHL's =\"id\" cells", () => {
    const embase = '"SEARCH QUERY","\'recurrent miscarriage\':ti"\n-------------------------------------\n\n"Title","Author Names","Publication Year","DOI"\n"IVIG in recurrent miscarriage","Liu R., Adler D.G.","2019","10.1/x"\n"Second",,"soon",\n';
    const e = parseSearchExport("csv", embase.replace('"soon"', '"2020"'), "embase.csv");
    expect(e.map((r) => [r.title, r.year])).toEqual([["IVIG in recurrent miscarriage", 2019], ["Second", 2020]]);
    expect(e[0]?.authors).toEqual(["Liu R.", "Adler D.G."]);
    // a bad year is located on its line in the file (the preamble counted)
    expect(inputError(() => parseSearchExport("csv", embase, "embase.csv")).location).toMatchObject({ row: 6 });
    const wos = 'PT\tAU\tTI\tPY\tFX\nJ\tSmith, J\tIVIG and "natural killer" cells\t2018\tFunded by the "X" trust\n';
    expect(parseSearchExport("csv", wos, "wos.txt")[0]).toMatchObject({ title: 'IVIG and "natural killer" cells', year: 2018 });
    const cinahl = 'Article Title,Accession Number,Publication Year\nHeparin in APS,="19326203",2017\n';
    expect(parseSearchExport("csv", cinahl, "cinahl.csv")[0]).toMatchObject({ title: "Heparin in APS", year: 2017 });
  });
  it("a record without a year yet or known ('in press', 'n.d.', 'forthcoming') is kept with no year", () => {
    const ris = ["in press", "n.d.", "(n.d.)", "Forthcoming", "s.d.", "no date"].map((y, i) => `TY  - JOUR\nTI  - Record ${i + 1}\nPY  - ${y}\nER  - \n`).join("\n");
    const r = parseRis(ris, "undated.ris");
    expect(r.map((x) => x.year)).toEqual([null, null, null, null, null, null]);
    expect(r.map((x) => x.title)).toEqual(["Record 1", "Record 2", "Record 3", "Record 4", "Record 5", "Record 6"]);
    // the same in a CSV export
    const csv = parseCsvRecords("Title,Year\nA trial,In press\nAnother,2019\n", "c.csv", { title: "Title", year: "Year" });
    expect(csv.map((x) => x.year)).toEqual([null, 2019]);
    expect(inputError(() => parseCsvRecords("Title,Year\nA trial,soon\n", "c.csv", { title: "Title", year: "Year" })).location).toMatchObject({ field: "Year", row: 2 });
  });
});

describe("PubMed MEDLINE (.nbib)", () => {
  it("reads PMID, wrapped TI and AB, full author names, JT, DP year and the [doi] LID", () => {
    const r = parseMedline(fx("pubmed.nbib"), "pubmed.nbib");
    expect(r).toHaveLength(3);
    expect(r[0]).toEqual({
      sourceIndex: 1,
      pmid: "31000001",
      doi: "10.1234/ejri.2019.0041",
      title: "Intravenous immunoglobulin in women with unexplained recurrent miscarriage: a randomised placebo-controlled trial.",
      abstract: "BACKGROUND: Recurrent pregnancy loss without a known cause has been treated with immunomodulation. METHODS: Women with three or more losses were randomised. RESULTS: Live birth did not differ between the groups.",
      authors: ["Hansen, Maria", "Larsen, Peter K"],
      journal: "Example Journal of Reproductive Immunology",
      year: 2019,
    });
    expect(r[1]).toMatchObject({ pmid: "31000003", year: 2022, authors: ["Suzuki K"], doi: "10.7777/ajer.2022.15" });
    expect(r[2]).toMatchObject({ title: "[Progesterone in threatened miscarriage: a survey of practice].", authors: ["Müller, Jürgen"], abstract: null, doi: null });
  });

  it("a record without TI and a file not starting with PMID are located", () => {
    const e = inputError(() => parseMedline(fx("medline-no-title.txt"), "medline-no-title.txt"));
    expect(e.location).toEqual({ file: "medline-no-title.txt", row: 6, field: "TI" });
    expect(e.reason).toBe("record 2: the record has no title");
    expect(inputError(() => parseMedline(fx("medline-bad-start.txt"), "x.txt")).location).toMatchObject({ field: "PMID", row: 1 });
    expect(inputError(() => parseMedline(fx("search-embase.ris"), "x.nbib")).reason).toMatch(/not a MEDLINE file|starts with "PMID- "/);
  });
});

describe("PubMed XML", () => {
  it("reads structured abstracts with labels, inline markup, collective authors, ELocationID/ArticleId DOI and MedlineDate", () => {
    const r = parsePubmedXml(fx("pubmed.xml"), "pubmed.xml");
    expect(r).toEqual([
      {
        sourceIndex: 1,
        pmid: "31000007",
        doi: "10.4321/jeog.2020.12.4.100",
        title: "Intralipid infusion and live birth in women with recurrent loss: a pilot trial.",
        abstract: "BACKGROUND: Lipid emulsions have been proposed to lower NK cell activity. RESULTS: Live birth rates were 55% and 52% (P > 0.05).",
        authors: ["Ibrahim, Layla", "Example RPL Trial Group"],
        journal: "Journal of Example Obstetrics & Gynaecology",
        year: 2020,
      },
      { sourceIndex: 2, pmid: "31000008", doi: null, title: "Granulocyte colony-stimulating factor in recurrent miscarriage.", abstract: null, authors: ["Kowalski, A"], journal: "Example Reviews in Reproduction", year: 2021 },
    ]);
  });

  it("refuses broken XML (with its line), another XML vocabulary, and a record with no ArticleTitle", () => {
    const broken = inputError(() => parsePubmedXml(fx("broken.xml"), "broken.xml"));
    expect(broken.location.file).toBe("broken.xml");
    expect(broken.location.row).toBeGreaterThanOrEqual(3);
    expect(inputError(() => parsePubmedXml(fx("not-pubmed.xml"), "n.xml")).reason).toMatch(/root element is <records>/);
    const e = inputError(() => parsePubmedXml(fx("pubmed-no-title.xml"), "p.xml"));
    expect(e.location).toEqual({ file: "p.xml", field: "ArticleTitle" });
    expect(e.reason).toBe("record 2: the record has no title");
  });
});

describe("CSV with a column mapping", () => {
  const mapping = { title: "Title", abstract: "Abstract", authors: "Author(s)", journal: "Source", year: "Year", doi: "DOI", pmid: "PubMed ID" };
  it("maps the named columns (case-insensitive) and splits authors", () => {
    const r = parseCsvRecords(fx("central.csv"), "central.csv", mapping);
    expect(r).toHaveLength(3);
    expect(r[0]).toEqual({ sourceIndex: 1, pmid: null, doi: "10.9999/exob.2014.3", title: "Low molecular weight heparin for recurrent miscarriage, a multicentre trial", abstract: "Women with two or more losses, randomised.", authors: ["Visser, Anne", "de Boer, Kees"], journal: "Example Obstetrics", year: 2014 });
    expect(r[1]).toMatchObject({ pmid: "31000001", abstract: null });
    expect(r[2]).toMatchObject({ doi: "10.8888/exl.2023.1" });
  });

  it("a mapping naming a missing column, a row without a title, no mapping at all", () => {
    const e = inputError(() => parseCsvRecords(fx("central.csv"), "central.csv", { ...mapping, abstract: "Summary" }));
    expect(e.location).toEqual({ file: "central.csv", row: 1, field: "mapping.abstract" });
    expect(e.reason).toMatch(/column "Summary"/);
    const t = inputError(() => parseCsvRecords(fx("central-no-title.csv"), "c.csv", { title: "Title", year: "Year" }));
    expect(t.location).toEqual({ file: "c.csv", row: 3, field: "Title" });
    expect(t.reason).toBe("record 2: the record has no title");
    const none = inputError(() => parseSearchExport("csv", "Name,Year\nA thing,2010\n", "c.csv"));
    expect(none.location.field).toBe("mapping");
    expect(none.reason).toMatch(/no column is named like a title/);
  });
});

describe("CSV without a mapping: columns by the names the common tools write", () => {
  it("CENTRAL's and SYNERGY's layouts read as with the mapping written out", () => {
    expect(guessCsvMapping(fx("central.csv"))).toMatchObject({ title: "Title", abstract: "Abstract", authors: "Author(s)", journal: "Source", year: "Year", doi: "DOI", pmid: "PubMed ID", delimiter: "," });
    expect(parseSearchExport("csv", fx("central.csv"), "central.csv")).toEqual(parseCsvRecords(fx("central.csv"), "central.csv", { title: "Title", abstract: "Abstract", authors: "Author(s)", journal: "Source", year: "Year", doi: "DOI", pmid: "PubMed ID" }));
    const synergy = parseSearchExport("csv", fx("synergy-layout.csv"), "s.csv");
    expect(synergy[0]).toMatchObject({ pmid: "30000001", doi: "10.5555/syn.1", authors: ["Berg, Ulla", "Nilsson, Per"], year: 2011 });
  });

  it("Scopus, Zotero, Rayyan and a tab-separated Web of Science export", () => {
    const scopus = '\uFEFF"Authors","Author full names","Title","Year","Source title","DOI","Abstract","PubMed ID"\n"Rossi A.; Chen W.","Rossi, Anna; Chen, Wei","Tacrolimus and live birth","2021","Example Reproductive Medicine","10.1000/erm.21","Women with a raised Th1/Th2 ratio.","33300003"\n';
    expect(guessCsvMapping(scopus)).toMatchObject({ title: "Title", authors: "Authors", journal: "Source title", year: "Year", doi: "DOI", abstract: "Abstract", pmid: "PubMed ID" });
    expect(parseSearchExport("csv", scopus, "scopus.csv")[0]).toMatchObject({ title: "Tacrolimus and live birth", authors: ["Rossi A.", "Chen W."], journal: "Example Reproductive Medicine", year: 2021, pmid: "33300003" });
    const zotero = '"Key","Item Type","Publication Year","Author","Title","Publication Title","DOI","Abstract Note"\n"ABCD1234","journalArticle","2019","Hansen, Maria; Larsen, Peter","Immunoglobulin in recurrent miscarriage","Example Journal","10.1234/ej.19","A trial."\n';
    expect(parseSearchExport("csv", zotero, "zotero.csv")[0]).toMatchObject({ title: "Immunoglobulin in recurrent miscarriage", authors: ["Hansen, Maria", "Larsen, Peter"], journal: "Example Journal", year: 2019, abstract: "A trial.", doi: "10.1234/ej.19" });
    const rayyan = "key,title,authors,journal,year,abstract,doi\n1,Lymphocyte immunisation and live birth,Chen W and Moreau C,Fertility Examples,2020,A cohort.,\n";
    expect(parseSearchExport("csv", rayyan, "rayyan.csv")[0]).toMatchObject({ authors: ["Chen W", "Moreau C"], year: 2020 });
    const wos = "PT\tAU\tAF\tTI\tSO\tAB\tPY\tDI\tPM\nJ\tOkafor, A\tOkafor, Adaeze\tPrednisolone for uterine NK cells\tEXAMPLE IMMUNOLOGY\tA pilot.\t2018\t10.5555/ei.18\t29000002\n";
    expect(guessCsvMapping(wos)).toMatchObject({ title: "TI", authors: "AU", journal: "SO", year: "PY", doi: "DI", pmid: "PM", delimiter: "\t" });
    expect(parseSearchExport("csv", wos, "savedrecs.txt")[0]).toMatchObject({ title: "Prednisolone for uterine NK cells", pmid: "29000002", year: 2018 });
    // Embase (and newer Scopus) separate "Surname I." authors by ", " (ASReview's embase.csv layout)
    const embase = "Title,Author Names,Source,Abstract\nEndoscopic ultrasound in pancreatitis,\"Liu R., Adler D.G.\",Endosc Ultrasound 2014,An overview.\n";
    expect(guessCsvMapping(embase)).toMatchObject({ authors: "Author Names", authorSeparator: ", " });
    expect(parseSearchExport("csv", embase, "embase.csv")[0]?.authors).toEqual(["Liu R.", "Adler D.G."]);
    // a single author, or "Surname, Given" names, are not split at the comma
    expect(guessCsvMapping("Title,Authors\nA trial,\"Liu R.\"\n")?.authorSeparator).toBe(";");
    expect(guessCsvMapping("Title,Authors\nA trial,\"Hansen, Maria\"\n")?.authorSeparator).toBe(";");
  });

  it("the summary names the columns taken: describeCsvMapping", () => {
    expect(describeCsvMapping(guessCsvMapping(fx("central.csv"))!)).toBe("title=Title,abstract=Abstract,authors=Author(s),journal=Source,year=Year,doi=DOI,pmid=PubMed ID");
  });
});

describe("EndNote XML", () => {
  it("reads titles kept in EndNote's style runs, authors, the journal, year, DOI, accession number and PMID", () => {
    const r = parseEndnoteXml(fx("endnote.xml"), "endnote.xml");
    expect(r).toEqual([
      {
        sourceIndex: 1,
        // accession-num of a record that names no remote database: not taken for a PMID
        pmid: null,
        accession: { database: null, number: "31000001" },
        doi: "10.1234/ejri.2019.0041",
        title: "Intravenous immunoglobulin in unexplained recurrent miscarriage & live birth",
        abstract: "Women with three or more losses were randomised.",
        authors: ["Hansen, Maria", "Larsen, Peter K."],
        journal: "Example Journal of Reproductive Immunology",
        year: 2019,
      },
      // the short title when there is no title; the journal from secondary-title; DOI and PMID from the record's URLs
      { sourceIndex: 2, pmid: "29000002", doi: "10.5555/fertex.2021.77", title: "Lymphocyte immunisation and live birth", abstract: null, authors: ["Chen, Wei"], journal: "Fertility Examples", year: 2021 },
    ]);
    expect(guessFormat("library.xml", fx("endnote.xml"))).toBe("endnote-xml");
    expect(parseSearchExport("endnote-xml", fx("endnote.xml"), "e.xml")).toHaveLength(2);
  });

  it("bad input: not XML, another XML, a record without a title, a year that is not one", () => {
    expect(inputError(() => parseEndnoteXml("<xml><records><record>", "e.xml")).reason).toMatch(/not well-formed XML/);
    expect(inputError(() => parseEndnoteXml(fx("pubmed.xml"), "e.xml")).reason).toMatch(/not an EndNote XML file: the root element is <PubmedArticleSet>/);
    const noTitle = inputError(() => parseEndnoteXml("<xml><records><record><titles><secondary-title>J</secondary-title></titles></record></records></xml>", "e.xml"));
    expect(noTitle.location).toEqual({ file: "e.xml", field: "titles/title" });
    expect(noTitle.reason).toBe("record 1: the record has no title");
    expect(inputError(() => parseEndnoteXml("<xml><records><record><titles><title>T</title></titles><dates><year>2O19</year></dates></record></records></xml>", "e.xml")).location).toMatchObject({ field: "dates/year" });
    // EndNote writes "In Press" for a work without a year yet: no year, not an error
    expect(parseEndnoteXml("<xml><records><record><titles><title>T</title></titles><dates><year>In Press</year></dates></record></records></xml>", "e.xml")[0]).toMatchObject({ title: "T", year: null });
    expect(inputError(() => parseEndnoteXml("<xml><records></records></xml>", "e.xml")).reason).toMatch(/holds no record/);
  });
});

describe("format guess", () => {
  it("from content first, then the file name", () => {
    expect(guessFormat("a.txt", fx("search-embase.ris"))).toBe("ris");
    expect(guessFormat("a.txt", fx("pubmed.nbib"))).toBe("medline");
    expect(guessFormat("a.txt", fx("pubmed.xml"))).toBe("pubmed-xml");
    expect(guessFormat("a.csv", fx("central.csv"))).toBe("csv");
    expect(guessFormat("a.doc", "hello")).toBeNull();
    expect(guessFormat("savedrecs.txt", "PT\tAU\tAF\tTI\nJ\tA\tA\tT\n")).toBe("csv");
  });
});

describe("accession numbers: a PMID only when the record comes from PubMed or MEDLINE", () => {
  it("Ovid Embase's and EBSCO CINAHL's AN stay the database's accession numbers, not PMIDs", () => {
    const ovid = parseRis(fx("ovid-embase.ris"), "ovid-embase.ris");
    expect(ovid[0]).toMatchObject({ pmid: null, accession: { database: "Embase", number: "612345678" }, doi: "10.1111/1471-0528.15697" });
    expect(ovid[1]).toMatchObject({ pmid: null, accession: { database: "Embase", number: "2014123456" } });
    const cinahl = parseRis(fx("cinahl-ebsco.ris"), "cinahl-ebsco.ris");
    expect(cinahl[0]).toMatchObject({ pmid: null, accession: { database: "cin20", number: "137123456" }, doi: "10.1111/1471-0528.15697" });
  });

  it("AN is the PMID when DB or DP names MEDLINE or PubMed, or a PubMed URL gives the same number", () => {
    const ris = (lines: string): string => `TY  - JOUR\nTI  - Intravenous immunoglobulin for recurrent miscarriage\n${lines}\nER  - \n`;
    const ovidMedline = parseRis(ris("DB  - Ovid MEDLINE(R) ALL\nAN  - 30974019"), "m.ris")[0];
    expect(ovidMedline).toMatchObject({ pmid: "30974019" });
    expect(ovidMedline).not.toHaveProperty("accession");
    expect(parseRis(ris("AN  - 30974019\nDB  - mdc\nDP  - EBSCOhost"), "m.ris")[0]?.pmid).toBe("30974019");
    expect(parseRis(ris("AN  - 30974019\nDP  - PubMed"), "m.ris")[0]?.pmid).toBe("30974019");
    const linked = parseRis(ris("AN  - 30974019\nUR  - https://www.ncbi.nlm.nih.gov/pubmed/30974019"), "m.ris")[0];
    expect(linked).toMatchObject({ pmid: "30974019" });
    expect(linked).not.toHaveProperty("accession");
    // an AN whose record names no database is not taken for a PMID
    expect(parseRis(ris("AN  - 30974019"), "m.ris")[0]).toMatchObject({ pmid: null, accession: { database: null, number: "30974019" } });
    // a PubMed link to another record: the link gives the PMID, the AN is an accession number
    expect(parseRis(ris("DB  - Embase\nAN  - 612345678\nUR  - https://pubmed.ncbi.nlm.nih.gov/30974019/"), "m.ris")[0]).toMatchObject({ pmid: "30974019", accession: { database: "Embase", number: "612345678" } });
  });

  it("EndNote's accession-num is the PMID for a MEDLINE record and Embase's number for an Embase one", () => {
    const r = parseEndnoteXml(fx("endnote-medline-embase.xml"), "endnote.xml");
    expect(r[0]).toMatchObject({ pmid: "30974019", doi: "10.1111/1471-0528.15697" });
    expect(r[0]).not.toHaveProperty("accession");
    expect(r[1]).toMatchObject({ pmid: null, accession: { database: "Embase", number: "612345678" } });
  });

  it("RIS written back keeps an accession number as AN with its DB, and a PMID as a PMID", () => {
    const records = [...parseMedline(fx("pubmed-ivig.nbib"), "p.nbib").slice(0, 1), ...parseRis(fx("ovid-embase.ris"), "o.ris"), ...parseRis(fx("cinahl-ebsco.ris"), "c.ris")];
    const text = recordsToRis(records);
    expect(text).toContain("AN  - 612345678\r\nDB  - Embase\r\n");
    expect(text).toContain("AN  - 137123456\r\nDB  - cin20\r\n");
    const back = parseRis(text, "back.ris");
    expect(back.map((b) => [b.pmid, b.accession ?? null])).toEqual([
      ["31234567", null],
      [null, { database: "Embase", number: "612345678" }],
      [null, { database: "Embase", number: "2014123456" }],
      [null, { database: "cin20", number: "137123456" }],
    ]);
    // a record with both: the PMID as a PubMed link beside the database's AN
    const both = recordsToRis([{ ...(records[1] as BibRecord), pmid: "31234567" }]);
    expect(parseRis(both, "both.ris")[0]).toMatchObject({ pmid: "31234567", accession: { database: "Embase", number: "612345678" } });
  });
});

describe("Rayyan's CSV: authors joined by \" and \", decided from the records", () => {
  const trialAuthors = ["Christiansen, O. B.", "Larsen, E. C."];
  it("a first record whose quoted abstract spans lines", () => {
    expect(guessCsvMapping(fx("rayyan-multiline.csv"))?.authorSeparator).toBe(" and ");
    const r = parseSearchExport("csv", fx("rayyan-multiline.csv"), "rayyan.csv");
    expect(r.map((x) => x.authors)).toEqual([[...trialAuthors, "Egerup, P."], ["Nakagawa, K."]]);
    expect(r[0]?.abstract).toBe('BACKGROUND: Line one. METHODS: "quoted" two. RESULTS: 54%.');
  });

  it("a first record with one author, and a file of one record", () => {
    expect(parseSearchExport("csv", fx("rayyan-single-first.csv"), "rayyan.csv").map((x) => x.authors)).toEqual([["Nakagawa, K."], trialAuthors]);
    expect(parseSearchExport("csv", fx("rayyan-oneline.csv"), "rayyan.csv").map((x) => x.authors)).toEqual([trialAuthors]);
  });

  it("a corporate author with \"and\" in its name is not a list", () => {
    expect(guessCsvMapping('Title,Authors\nA guideline,Royal College of Obstetricians and Gynaecologists\nA trial,"Hansen, Maria"\n')?.authorSeparator).toBe(";");
  });
});
