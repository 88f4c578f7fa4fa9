/**
 * PubMed MEDLINE format (the .nbib / .txt "MEDLINE" export): each line is a tag of up to four characters, padded
 * to four, then "- " and the value; continuation lines start with six spaces; records are separated by blank lines
 * and start with PMID. Read: PMID, TI (BTI for books), AB, FAU (AU when no full names), JT (TA), DP, and the DOI
 * from LID / AID values marked "[doi]".
 */
import { InputError } from "../../shared/errors.js";
import { type BibRecord, normaliseDoi, yearOf } from "../record.js";
import { finishRecord, recordError, refuseEmpty, numberedLines, TaggedReader, type TaggedRecord } from "./common.js";

const TAG_LINE = /^([A-Z][A-Z0-9]{0,3}) {0,3}- (.*)$/;

type RawMedline = TaggedRecord;

/** Parses a MEDLINE-format export. Throws InputError (file, record, line, field) for anything else. */
export function parseMedline(text: string, file: string): BibRecord[] {
  refuseEmpty(text, file, "PubMed MEDLINE format");
  const reader = new TaggedReader();
  for (const [lineNo, line] of numberedLines(text)) {
    if (line.trim() === "") {
      reader.end();
      continue;
    }
    if (/^ {6}\S/.test(line) || (/^\s+\S/.test(line) && reader.canContinue())) {
      if (!reader.continue(line)) throw new InputError(`not a MEDLINE file: line ${lineNo} continues no field`, { file, row: lineNo });
      continue;
    }
    const m = TAG_LINE.exec(line);
    if (m === null || line.indexOf("- ") !== 4) {
      throw new InputError(`not a MEDLINE file: line ${lineNo} is not a MEDLINE tag line ("TAG - value", the tag padded to four characters)`, { file, row: lineNo });
    }
    const tag = m[1] as string;
    const value = (m[2] ?? "").trim();
    if (reader.open === null) {
      if (tag !== "PMID") throw recordError(file, reader.records.length + 1, lineNo, "PMID", `a MEDLINE record starts with "PMID- ", found "${tag}"`);
      reader.start(lineNo);
    }
    reader.add(tag, value);
  }
  reader.end();
  const raws: RawMedline[] = reader.records;
  if (raws.length === 0) throw new InputError("not a MEDLINE file: no record found", { file });
  return raws.map((r, idx) => {
    const n = idx + 1;
    const one = (tag: string): string | null => r.fields.get(tag)?.[0] ?? null;
    const pmidRaw = one("PMID") ?? "";
    if (!/^\d{1,9}$/.test(pmidRaw)) throw recordError(file, n, r.line, "PMID", `"${pmidRaw}" is not a PubMed id`);
    let doi: string | null = null;
    for (const v of [...(r.fields.get("LID") ?? []), ...(r.fields.get("AID") ?? [])]) {
      if (/\[doi\]\s*$/i.test(v)) {
        doi = normaliseDoi(v.replace(/\[doi\]\s*$/i, ""));
        if (doi !== null) break;
      }
    }
    const dp = one("DP");
    const year = yearOf(dp);
    if (dp !== null && year === null) throw recordError(file, n, r.line, "DP", `"${dp}" is not a publication date`);
    const fullNames = r.fields.get("FAU") ?? [];
    return finishRecord(
      {
        pmid: String(Number(pmidRaw)),
        doi,
        title: one("TI") ?? one("BTI"),
        abstract: one("AB"),
        authors: fullNames.length > 0 ? fullNames : (r.fields.get("AU") ?? []),
        journal: one("JT") ?? one("TA"),
        year,
      },
      file,
      n,
      r.line,
      "TI",
    );
  });
}
