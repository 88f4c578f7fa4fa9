/** One entry point for every import format. */
import { InputError } from "../../shared/errors.js";
import type { BibRecord, ImportFormat } from "../record.js";
import { guessCsvMapping, parseCsvRecords, type CsvMappingInput } from "./csv.js";
import { looksLikeEndnoteXml, parseEndnoteXml } from "./endnote-xml.js";
import { parseMedline } from "./medline.js";
import { parsePubmedXml } from "./pubmed-xml.js";
import { parseRis } from "./ris.js";

export { CsvMappingSchema, describeCsvMapping, guessCsvMapping, type CsvMapping, type CsvMappingInput } from "./csv.js";
export { parseCsvRecords, parseEndnoteXml, parseMedline, parsePubmedXml, parseRis };

/** Parses a whole file in the named format: all records, or an InputError and none. */
export function parseSearchExport(format: ImportFormat, text: string, file: string, mapping?: CsvMappingInput): BibRecord[] {
  switch (format) {
    case "ris":
      return parseRis(text, file);
    case "medline":
      return parseMedline(text, file);
    case "pubmed-xml":
      return parsePubmedXml(text, file);
    case "endnote-xml":
      return parseEndnoteXml(text, file);
    case "csv": {
      // without a mapping, the columns are taken by their names (guessCsvMapping); the caller can show which
      const m = mapping ?? guessCsvMapping(text);
      if (m === null) {
        throw new InputError('a CSV import needs a column mapping (at least the title column): no column is named like a title ("Title", "Article Title", "TI", ...)', { file, field: "mapping" });
      }
      return parseCsvRecords(text, file, m);
    }
  }
}

/** Guesses the format from the file name and its first non-blank line (the user can always say it). */
export function guessFormat(fileName: string, text: string): ImportFormat | null {
  const head = text.replace(/^\uFEFF/, "").trimStart().slice(0, 400);
  if (looksLikeEndnoteXml(head)) return "endnote-xml";
  if (/^<\?xml|^<!DOCTYPE PubmedArticleSet|^<PubmedArticleSet/.test(head)) return "pubmed-xml";
  if (/^TY  - /.test(head)) return "ris";
  if (/^PMID- /.test(head)) return "medline";
  // Web of Science's tab-delimited export: a header row of its two-letter tags
  if (/^PT\tAU\t/.test(head)) return "csv";
  if (/\.ris$/i.test(fileName)) return "ris";
  if (/\.nbib$/i.test(fileName)) return "medline";
  if (/\.xml$/i.test(fileName)) return "pubmed-xml";
  if (/\.csv$/i.test(fileName)) return "csv";
  return null;
}
