/**
 * A bibliographic record from a search export, in the shape every importer produces.
 */
import { z } from "zod";

/**
 * A record's number in the database it was found in when that is not PubMed: Embase's and CINAHL's accession numbers
 * (RIS AN, EndNote accession-num), with the database as the export names it (RIS DB, EndNote remote-database-name:
 * "Embase", "cin20"), null when it names none. Not a PMID, however PMID-like; a PubMed record's number is its `pmid`.
 */
export const AccessionSchema = z.object({ database: z.string().min(1).nullable(), number: z.string().min(1) });
export type Accession = z.output<typeof AccessionSchema>;

export const BibRecordSchema = z.object({
  /** 1-based position of the record in its file (for messages and for PRISMA tracing). */
  sourceIndex: z.number().int().positive(),
  pmid: z.string().regex(/^\d{1,9}$/).nullable(),
  /** Normalised DOI (lower case, without resolver prefix). */
  doi: z.string().min(3).nullable(),
  title: z.string().min(1),
  abstract: z.string().nullable(),
  authors: z.array(z.string().min(1)),
  journal: z.string().nullable(),
  year: z.number().int().min(1000).max(3000).nullable(),
  /** Absent when the export gives no accession number other than a PMID. */
  accession: AccessionSchema.optional(),
});
export type BibRecord = z.output<typeof BibRecordSchema>;

/** The formats an import can be in. */
export const IMPORT_FORMATS = ["ris", "medline", "pubmed-xml", "endnote-xml", "csv"] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/** "https://doi.org/10.1000/ABC" , "doi:10.1000/abc" → "10.1000/abc"; null when no DOI can be read. */
export function normaliseDoi(raw: string | null | undefined): string | null {
  if (raw === null || raw === undefined) return null;
  const m = /10\.\d{4,9}\/\S+/.exec(raw.trim());
  if (m === null) return null;
  return m[0].replace(/[.,;]+$/, "").toLowerCase();
}

/** "PMID: 123", "https://pubmed.ncbi.nlm.nih.gov/123" → "123"; null when none. */
export function normalisePmid(raw: string | null | undefined): string | null {
  if (raw === null || raw === undefined) return null;
  const m = /(\d{1,9})\s*\/?\s*$/.exec(raw.trim());
  return m === null ? null : String(Number(m[1]));
}

/** The PMID of a PubMed link ("https://pubmed.ncbi.nlm.nih.gov/123/", "https://www.ncbi.nlm.nih.gov/pubmed/123"); null when it is none. */
export function pubmedUrlPmid(url: string): string | null {
  const m = /pubmed(?:\.ncbi\.nlm\.nih\.gov\/|\/|\.gov\/)(\d{1,9})/i.exec(url);
  return m === null ? null : String(Number(m[1]));
}

/**
 * Whether a database or provider an export names (RIS DB and DP, EndNote remote-database-name and -provider) is
 * PubMed or MEDLINE: "PubMed", "Ovid MEDLINE(R) ALL", "Medline", "NLM", and EBSCO's codes for its MEDLINE databases
 * ("cmedm" MEDLINE, "mdc" MEDLINE Complete, "mnh" MEDLINE with Full Text).
 */
export function namesPubmed(database: string): boolean {
  return /\b(medline|pubmed|nlm)\b/i.test(database) || /^(cmedm|mdc|mnh)$/i.test(database.trim());
}

/** The first four-digit year in a date string ("2019/05/01", "2019 May", "2019"). */
export function yearOf(raw: string | null | undefined): number | null {
  if (raw === null || raw === undefined) return null;
  const m = /(1[5-9]\d\d|2\d\d\d)/.exec(raw);
  return m === null ? null : Number(m[1]);
}

/**
 * A year field that says the work has no year yet or none known ("n.d.", "no date", "in press", "forthcoming",
 * "s.d.", "undated"), as reference managers write it: no year, not a malformed one.
 */
export function isNoYear(raw: string): boolean {
  return /^\s*\(?\s*(n\.?\s?d\.?|s\.?\s?d\.?|no date|undated|in press|forthcoming|accepted|submitted)\s*\)?\s*\.?\s*$/i.test(raw);
}

/** Collapses whitespace; empty → null. */
export function clean(raw: string | null | undefined): string | null {
  if (raw === null || raw === undefined) return null;
  const s = raw.replace(/\s+/g, " ").trim();
  return s === "" ? null : s;
}
