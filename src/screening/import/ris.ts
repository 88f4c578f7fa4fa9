/**
 * RIS (Research Information Systems) reader. Follows the RIS specification: a tag line is two characters (a capital
 * letter then a capital letter or digit), two spaces, a hyphen and a space, then the value; a record starts with TY
 * and ends with ER; a line without a tag continues the value of the previous tag (wrapped abstracts). Text between
 * records is not part of any record and is passed over, as RIS readers do (bibutils, rispy): Ovid numbers its records
 * with a line "1." before each TY and writes a journal note (NL) and a link after ER, and some databases put a header
 * ("Record #1 of 20", "Provider: ...") first. A title, author, abstract, year, DOI or journal tag there is an error: a
 * record whose TY line is missing.
 * Titles: TI, T1 (CT, BT, then ST, the short title, as fallbacks); abstract: AB, N2; authors: AU, A1 (A2-A4 are editors, not read as authors);
 * journal: T2, JO, JF, JA, J2; year: PY, Y1, DA; DOI: DO (or a doi.org URL in UR); PMID: AN when the record comes from
 * PubMed or MEDLINE (DB, DP), or a PubMed URL / "PMID:" note; any other AN is the accession number of the database DB names.
 */
import { InputError } from "../../shared/errors.js";
import { type Accession, type BibRecord, normaliseDoi, normalisePmid, pubmedUrlPmid, yearOf, isNoYear } from "../record.js";
import { type DraftRecord, finishRecord, readAccessionNumber, recordError, refuseEmpty, numberedLines, TaggedReader, type TaggedRecord } from "./common.js";

const TAG_LINE = /^([A-Z][A-Z0-9])  -(?:\s*$| (.*)$)/;

/** The tags a record is read by: one of them outside a record means a record lost its TY line (an error, not skipped). */
const RECORD_FIELDS = new Set(["TI", "T1", "CT", "BT", "AB", "N2", "AU", "A1", "PY", "Y1", "DO", "T2", "JO", "JF"]);

type RawRis = TaggedRecord;

function first(r: RawRis, ...tags: string[]): string | null {
  for (const t of tags) {
    const v = r.fields.get(t)?.find((s) => s.trim() !== "");
    if (v !== undefined) return v;
  }
  return null;
}

/**
 * The PMID and the accession number: AN is the PMID only when DB or DP names PubMed or MEDLINE (Ovid MEDLINE, EBSCO's
 * MEDLINE) or a PubMed URL or "PMID:" note gives the same number; otherwise it is the accession number of the database
 * DB names (Ovid Embase, EBSCO CINAHL), and the PMID is the one a PubMed URL (UR, L2) or note (N1, M1) gives.
 */
function identifiersOf(r: RawRis): { pmid: string | null; accession?: Accession } {
  let elsewhere: string | null = null;
  for (const t of ["UR", "L2", "N1", "M1"]) {
    for (const v of r.fields.get(t) ?? []) {
      elsewhere ??= pubmedUrlPmid(v) ?? normalisePmid(/PMID:?\s*(\d{1,9})/i.exec(v)?.[1]);
    }
  }
  const provenance = [...(r.fields.get("DB") ?? []), ...(r.fields.get("DP") ?? [])];
  return readAccessionNumber(first(r, "AN"), first(r, "DB"), provenance, elsewhere);
}

function doiOf(r: RawRis): string | null {
  const d = normaliseDoi(first(r, "DO", "DI"));
  if (d !== null) return d;
  for (const v of r.fields.get("UR") ?? []) {
    if (/doi\.org\//i.test(v)) return normaliseDoi(v);
  }
  return null;
}

/** Parses a RIS export. Throws InputError (file, record, line, field) for anything that is not RIS. */
export function parseRis(text: string, file: string): BibRecord[] {
  refuseEmpty(text, file, "RIS");
  const reader = new TaggedReader();
  // the first line of text outside a record: named in the error when the file has no record at all
  let firstStray: number | null = null;
  for (const [lineNo, line] of numberedLines(text)) {
    const m = TAG_LINE.exec(line);
    if (m !== null) {
      const tag = m[1] as string;
      const value = (m[2] ?? "").trim();
      const open = reader.open;
      if (tag === "TY") {
        if (open !== null) throw recordError(file, reader.records.length + 1, open.line, "ER", `record starting at line ${open.line} has no ER line before the next TY (line ${lineNo})`);
        if (value === "") throw recordError(file, reader.records.length + 1, lineNo, "TY", "TY (reference type) is empty");
        reader.start(lineNo);
        reader.add("TY", value);
        continue;
      }
      if (open === null) {
        // a record's own fields outside a record: its TY line is missing, and the record would be lost
        if (RECORD_FIELDS.has(tag)) throw new InputError(`not a RIS file: line ${lineNo} has tag ${tag} outside a record (every record starts with "TY  - ")`, { file, row: lineNo, field: tag });
        // other tags there belong to no record (Ovid writes a journal note, NL, after ER)
        firstStray ??= lineNo;
        continue;
      }
      if (tag === "ER") reader.end();
      else reader.add(tag, value);
      continue;
    }
    if (line.trim() === "") continue;
    // text between records (record numbers, an export header) belongs to no record
    if (reader.open === null) {
      firstStray ??= lineNo;
      continue;
    }
    // continuation of the previous tag's value
    reader.continue(line);
  }
  if (reader.open !== null) throw recordError(file, reader.records.length + 1, reader.open.line, "ER", `record starting at line ${reader.open.line} is not closed by an ER line`);
  const raws: RawRis[] = reader.records;
  if (raws.length === 0) {
    if (firstStray !== null) throw new InputError(`not a RIS file: no record (TY ... ER) found; the text from line ${firstStray} is outside any record`, { file, row: firstStray });
    throw new InputError("not a RIS file: no record (TY ... ER) found", { file });
  }
  return raws.map((r, idx) => {
    const draft: DraftRecord = {
      ...identifiersOf(r),
      doi: doiOf(r),
      title: first(r, "TI", "T1", "CT", "BT", "ST"),
      abstract: first(r, "AB", "N2"),
      authors: [...(r.fields.get("AU") ?? []), ...(r.fields.get("A1") ?? [])],
      journal: first(r, "T2", "JO", "JF", "JA", "J2"),
      year: yearOf(first(r, "PY", "Y1", "DA")),
    };
    const yearRaw = first(r, "PY", "Y1");
    if (yearRaw !== null && draft.year === null && !isNoYear(yearRaw)) throw recordError(file, idx + 1, r.line, r.fields.has("PY") ? "PY" : "Y1", `"${yearRaw}" is not a publication year`);
    return finishRecord(draft, file, idx + 1, r.line, "TI");
  });
}
