import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { deduplicate, type DedupInput, firstAuthorSurname, normaliseTitle, parseCsvRecords, parseMedline, parseRis, parseSearchExport, titleSimilarity } from "../../src/screening/index.js";

const fx = (name: string): string => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8");
const TOPICS = ["heparin", "aspirin", "progesterone", "prednisolone", "intralipid", "tacrolimus", "metformin", "hydroxychloroquine"];
const rec = (id: string, o: Partial<DedupInput> = {}): DedupInput => ({ id, pmid: null, doi: null, title: `${TOPICS[id.charCodeAt(0) % TOPICS.length]} cohort number ${id.repeat(3)}`, year: 2020, authors: [`Author${id}, A`], ...o });

describe("deduplication rules", () => {
  it("normalises titles and first authors", () => {
    expect(normaliseTitle("[Progesterone in Threatened Miscarriage: a Survey]." )).toBe("progesterone in threatened miscarriage a survey");
    expect(normaliseTitle("Café-au-lait  spots!")).toBe("cafe au lait spots");
    expect(firstAuthorSurname(["Müller, Jürgen"])).toBe("muller");
    expect(firstAuthorSurname(["Hansen M"])).toBe("hansen");
    expect(firstAuthorSurname(["Maria Hansen"])).toBe("hansen");
    expect(firstAuthorSurname([])).toBeNull();
    expect(titleSimilarity("abc def", "abc def")).toBe(1);
  });

  it("PMID, then DOI, then title+year+first author; counts per rule; the first record is kept", () => {
    const r = deduplicate([
      rec("1", { pmid: "100" }),
      rec("2", { pmid: "100", title: "Something else entirely different" }),
      rec("3", { doi: "10.1/x" }),
      rec("4", { doi: "10.1/x", title: "Other title for the doi rule here" }),
      rec("5", { title: "Heparin for recurrent miscarriage: a trial", authors: ["Visser, A"], year: 2014 }),
      rec("6", { title: "Heparin for recurrent miscarriage - a trial.", authors: ["Visser A"], year: 2014 }),
      rec("7"),
    ]);
    expect(r.removedByRule).toEqual({ pmid: 1, doi: 1, title_year_author: 1, manual: 0 });
    expect(r.duplicates).toEqual([
      { id: "2", duplicateOf: "1", rule: "pmid" },
      { id: "4", duplicateOf: "3", rule: "doi" },
      { id: "6", duplicateOf: "5", rule: "title_year_author" },
    ]);
    expect(r.unique).toEqual(["1", "3", "5", "7"]);
    expect(r.uncertain).toEqual([]);
  });

  it("different PMIDs are never merged automatically: the pair is uncertain; a confirmation merges it as manual", () => {
    const input = [rec("a", { pmid: "1", doi: "10.2/y" }), rec("b", { pmid: "2", doi: "10.2/y" })];
    const r = deduplicate(input);
    expect(r.duplicates).toEqual([]);
    expect(r.uncertain).toHaveLength(1);
    expect(r.uncertain[0]).toMatchObject({ a: "a", b: "b", reason: "same DOI but different PMIDs" });
    const c = deduplicate(input, [{ a: "b", b: "a", duplicate: true }]);
    expect(c.removedByRule.manual).toBe(1);
    expect(c.uncertain).toEqual([]);
    const n = deduplicate(input, [{ a: "a", b: "b", duplicate: false }]);
    expect(n.duplicates).toEqual([]);
    expect(n.uncertain).toEqual([]);
  });

  it("near-identical titles in the same year and same titles with another year are uncertain, not removed", () => {
    const r = deduplicate([
      rec("x", { title: "Intravenous immunoglobulin for recurrent miscarriage in women", year: 2019 }),
      rec("y", { title: "Intravenous immunoglobulins for recurrent miscarriages in women", year: 2019, authors: ["Other, B"] }),
      rec("z", { title: "Intravenous immunoglobulin for recurrent miscarriage in women", year: 2021 }),
    ]);
    expect(r.duplicates).toEqual([]);
    expect(r.uncertain.map((u) => [u.a, u.b, u.reason])).toEqual([
      ["x", "z", "same title, different year or first author"],
      ["x", "y", "near-identical title, same year"],
    ]);
    expect(r.uncertain[1]?.similarity).toBeGreaterThanOrEqual(0.9);
  });

  it("across real exports: the RIS, MEDLINE and CSV fixtures share one trial", () => {
    const all = [
      ...parseRis(fx("search-embase.ris"), "e.ris").map((x, i) => ({ ...x, id: `embase-${i + 1}` })),
      ...parseMedline(fx("pubmed.nbib"), "p.nbib").map((x, i) => ({ ...x, id: `pubmed-${i + 1}` })),
      ...parseCsvRecords(fx("central.csv"), "c.csv", { title: "Title", authors: "Author(s)", year: "Year", doi: "DOI", pmid: "PubMed ID" }).map((x, i) => ({ ...x, id: `central-${i + 1}` })),
    ];
    const r = deduplicate(all);
    // embase-3 (same DOI), pubmed-1 (same PMID as embase-1), central-2 (same PMID)
    expect(r.duplicates.map((d) => [d.id, d.duplicateOf, d.rule]).sort()).toEqual([
      ["central-2", "embase-1", "pmid"],
      ["embase-3", "embase-1", "doi"],
      ["pubmed-1", "embase-1", "pmid"],
    ]);
    expect(r.unique).toHaveLength(all.length - 3);
  });
});

describe("different DOIs", () => {
  it("a paper and its conference abstract (same title, year, first author; different DOIs) are an uncertain pair, not merged", () => {
    const rec = (id: string, doi: string | null) => ({ id, pmid: null, doi, title: "Hepatic arterial infusion of immune cells: a randomised trial", year: 2014, authors: ["Smith, J"] });
    const d = deduplicate([rec("a", "10.1371/journal.pone.0086394"), rec("b", "10.1016/j.jvir.2013.12.293")]);
    expect(d.unique.length).toBe(2);
    expect(d.removedByRule.title_year_author).toBe(0);
    expect(d.uncertain).toMatchObject([{ a: "a", b: "b", reason: "same title, year and first author but different DOIs" }]);
    // one DOI missing: merged by title, year and first author as before
    expect(deduplicate([rec("a", "10.1371/journal.pone.0086394"), rec("b", null)]).removedByRule.title_year_author).toBe(1);
  });
});

describe("one trial found in PubMed, Embase (Ovid) and CINAHL (EBSCO)", () => {
  it("is merged by its DOI: the Embase and CINAHL accession numbers are not PMIDs that conflict", () => {
    const all = [
      ...parseMedline(fx("pubmed-ivig.nbib"), "p.nbib").map((x, i) => ({ ...x, id: `pubmed-${i + 1}` })),
      ...parseRis(fx("ovid-embase.ris"), "o.ris").map((x, i) => ({ ...x, id: `embase-${i + 1}` })),
      ...parseRis(fx("cinahl-ebsco.ris"), "c.ris").map((x, i) => ({ ...x, id: `cinahl-${i + 1}` })),
    ];
    const r = deduplicate(all);
    expect(r.duplicates).toEqual([
      { id: "embase-1", duplicateOf: "pubmed-1", rule: "doi" },
      { id: "cinahl-1", duplicateOf: "pubmed-1", rule: "doi" },
    ]);
    expect(r.uncertain).toEqual([]);
  });
});

describe("first author written \"Surname I.J.\" (Embase, Ovid, Scopus)", () => {
  it("the surname is read before initials with full stops and hyphens, with or without a comma", () => {
    for (const a of ["Christiansen O.B.", "Christiansen O-B.", "Christiansen O. B.", "Christiansen OB", "Christiansen, O.B.", "Christiansen O.B., Larsen E.C.", "Christiansen, Ole B."]) expect(firstAuthorSurname([a])).toBe("christiansen");
    expect(firstAuthorSurname(["Dupont J.-P."])).toBe("dupont");
    expect(firstAuthorSurname(["J.-P. Dupont"])).toBe("dupont");
    expect(firstAuthorSurname(["van der Berg K."])).toBe("vanderberg");
    expect(firstAuthorSurname(["van der Berg, K."])).toBe("vanderberg");
    expect(firstAuthorSurname(["Wu J"])).toBe("wu");
  });

  const ids = (file: string, records: ReadonlyArray<Omit<DedupInput, "id">>): DedupInput[] => records.map((x, i) => ({ ...x, id: `${file}#${i + 1}` }));
  it("Embase's RIS and CSV merge with Zotero's, PubMed's and a MEDLINE-style RIS by title, year and first author", () => {
    const pair = (a: DedupInput[], b: DedupInput[]) => deduplicate([...a, ...b]);
    const embase = ids("embase-nodoi.ris", parseRis(fx("embase-nodoi.ris"), "e.ris"));
    const z = pair(embase, ids("zotero-nodoi.ris", parseRis(fx("zotero-nodoi.ris"), "z.ris")));
    expect(z.duplicates).toEqual([{ id: "zotero-nodoi.ris#1", duplicateOf: "embase-nodoi.ris#1", rule: "title_year_author" }]);
    expect(z.uncertain).toEqual([]);
    const m = pair(ids("medline-style-nodoi.ris", parseRis(fx("medline-style-nodoi.ris"), "m.ris")), embase);
    expect(m.duplicates).toEqual([{ id: "embase-nodoi.ris#1", duplicateOf: "medline-style-nodoi.ris#1", rule: "title_year_author" }]);
    const csv = ids("embase-export.csv", parseSearchExport("csv", fx("embase-export.csv"), "embase.csv"));
    expect(csv[0]?.authors).toEqual(["Christiansen O.B.", "Larsen E.C."]);
    const p = pair(csv, ids("pubmed-ivig.nbib", parseMedline(fx("pubmed-ivig.nbib"), "p.nbib")));
    // Embase's CSV names its PubMed id "MEDLINE PMID": the two merge by that id
    expect(csv[0]?.pmid).toBe("31234567");
    expect(p.duplicates).toEqual([{ id: "pubmed-ivig.nbib#1", duplicateOf: "embase-export.csv#1", rule: "pmid" }]);
    expect(p.uncertain).toEqual([]);
  });
});
