// `decidua screening check`: records per file, duplicates across files, RIS conversion, located errors (exit 2).
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { parseRis } from "../../src/screening/index.js";

const fx = (n: string): string => fileURLToPath(new URL(`./fixtures/${n}`, import.meta.url));
async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await main(args, { out: (t) => void (out += t), err: (t) => void (err += t) });
  return { code, out, err };
}

describe("decidua screening check", () => {
  it("counts records per file and duplicates per rule across RIS, MEDLINE and CSV; converts to RIS", async () => {
    const out = join(mkdtempSync(join(tmpdir(), "decidua-scr-")), "all.ris");
    const r = await run(["screening", "check", fx("search-embase.ris"), fx("pubmed.nbib"), fx("central.csv"), "--map", "title=Title,abstract=Abstract,authors=Author(s),year=Year,doi=DOI,pmid=PubMed ID", "--to-ris", out, "--json"]);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as { files: Array<{ records: number }>; records: number; duplicatesRemoved: Record<string, number>; unique: number };
    expect(j.files.map((f) => f.records)).toEqual([4, 3, 3]);
    expect(j.duplicatesRemoved).toEqual({ pmid: 2, doi: 1, title_year_author: 0, manual: 0 });
    expect(j.unique).toBe(7);
    const back = parseRis(readFileSync(out, "utf8"), "all.ris");
    expect(back).toHaveLength(10);
    expect(back[4]).toMatchObject({ pmid: "31000001", doi: "10.1234/ejri.2019.0041", year: 2019, authors: ["Hansen, Maria", "Larsen, Peter K"] });
  });

  it("a record without a title: exit 2 with file, line and field; nothing written", async () => {
    const r = await run(["screening", "check", fx("no-title.ris")]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('no-title.ris, row 7, field "TI": record 2: the record has no title');
    const m = await run(["screening", "check", fx("central.csv"), "--map", "title=Titel"]);
    expect(m.code).toBe(2);
    expect(m.err).toMatch(/mapping\.title/);
  });
});

describe("a labelled dataset in SYNERGY's CSV layout converted to RIS", () => {
  it("keeps PMID (from the PubMed URL), DOI (from the doi.org URL), title, abstract, authors and year through RIS", async () => {
    const out = join(mkdtempSync(join(tmpdir(), "decidua-syn-")), "synergy.ris");
    const r = await run(["screening", "check", fx("synergy-layout.csv"), "--map", "title=title,abstract=abstract,authors=authors,year=year,doi=doi,pmid=pmid", "--to-ris", out]);
    expect(r.code).toBe(0);
    expect(parseRis(readFileSync(out, "utf8"), "synergy.ris")).toEqual([
      { sourceIndex: 1, pmid: "30000001", doi: "10.5555/syn.1", title: "Intravenous immunoglobulin versus placebo in recurrent miscarriage, a trial", abstract: "Randomised, double-blind; live birth was the primary outcome.", authors: ["Berg, Ulla", "Nilsson, Per"], journal: null, year: 2011 },
      { sourceIndex: 2, pmid: "30000002", doi: null, title: "Thyroid autoimmunity and early pregnancy loss", abstract: 'A cohort, with "quoted" words and a comma, inside.', authors: ["Kato, Yui"], journal: null, year: 2016 },
      { sourceIndex: 3, pmid: null, doi: "10.5555/syn.3", title: "Leukocyte immunotherapy: a meta-analysis", abstract: null, authors: [], journal: null, year: 2009 },
    ]);
  });
});
