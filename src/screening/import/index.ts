/** One entry point for every import format. */
import { InputError } from "../../shared/errors.js";
import type { BibRecord, ImportFormat } from "../record.js";
import { describeCsvMapping, guessCsvMapping, parseCsvRecords, type CsvMappingInput } from "./csv.js";
import { looksLikeEndnoteXml, parseEndnoteXml } from "./endnote-xml.js";
import { parseMedline } from "./medline.js";
import { parsePubmedXml } from "./pubmed-xml.js";
import { parseRis } from "./ris.js";

export { CsvMappingSchema, describeCsvMapping, guessCsvMapping, type CsvMapping, type CsvMappingInput } from "./csv.js";
export { parseCsvRecords, parseEndnoteXml, parseMedline, parsePubmedXml, parseRis };

/**
 * Reads a whole file in the named format: all records, or an InputError and none. A CSV without a mapping is read by
 * its columns' names (guessCsvMapping), and `columns` says which it took, for the user to check.
 */
export function readSearchExport(format: ImportFormat, text: string, file: string, mapping?: CsvMappingInput): { records: BibRecord[]; columns?: string } {
  switch (format) {
    case "ris":
      return { records: parseRis(text, file) };
    case "medline":
      return { records: parseMedline(text, file) };
    case "pubmed-xml":
      return { records: parsePubmedXml(text, file) };
    case "endnote-xml":
      return { records: parseEndnoteXml(text, file) };
    case "csv": {
      if (mapping !== undefined) return { records: parseCsvRecords(text, file, mapping) };
      const guessed = guessCsvMapping(text, file);
      if (guessed === null) {
        throw new InputError('a CSV import needs a column mapping (at least the title column): no column is named like a title ("Title", "Article Title", "TI", ...)', { file, field: "mapping" });
      }
      return { records: parseCsvRecords(text, file, guessed), columns: describeCsvMapping(guessed) };
    }
  }
}

/** readSearchExport's records. */
export function parseSearchExport(format: ImportFormat, text: string, file: string, mapping?: CsvMappingInput): BibRecord[] {
  return readSearchExport(format, text, file, mapping).records;
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
