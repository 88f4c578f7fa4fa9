/** Helpers shared by the importers: located errors and the final check of each record. */
import { InputError } from "../../shared/errors.js";
import { type Accession, type BibRecord, clean, namesPubmed, normalisePmid } from "../record.js";

/** An error about record `n` (1-based) of `file`, starting at `line`, in `field`. */
export function recordError(file: string, n: number, line: number | undefined, field: string, reason: string): InputError {
  const loc: { file: string; row?: number; field: string } = { file, field };
  if (line !== undefined) loc.row = line;
  return new InputError(`record ${n}: ${reason}`, loc);
}

/** Strips a byte-order mark and normalises line ends. */
export function textLines(text: string): string[] {
  return text.replace(/^\uFEFF/, "").replace(/\r\n?/g, "\n").split("\n");
}

/** The lines of a text with their line numbers (from 1), for parsers that name the line of a problem. */
export function numberedLines(text: string): Array<[lineNo: number, line: string]> {
  return textLines(text).map((line, i) => [i + 1, line]);
}

export interface DraftRecord {
  pmid: string | null;
  doi: string | null;
  title: string | null;
  abstract: string | null;
  authors: string[];
  journal: string | null;
  year: number | null;
  accession?: Accession;
}

/**
 * What a record's accession number (RIS AN, EndNote accession-num) is: its PMID when the record comes from PubMed or
 * MEDLINE (a database or provider in `provenance` naming them, or the same PMID given elsewhere in the record: a
 * PubMed link, a "PMID:" note), otherwise the number of the record in `database`; Ovid Embase's AN 612345678 and
 * EBSCO CINAHL's AN 137123456 are not PMIDs. `pmidElsewhere` is the record's PMID when the accession number is not one.
 */
export function readAccessionNumber(number: string | null, database: string | null, provenance: readonly string[], pmidElsewhere: string | null): { pmid: string | null; accession?: Accession } {
  if (number === null || number.trim() === "") return { pmid: pmidElsewhere };
  const asPmid = /^\s*(PMID:?\s*)?\d{1,9}\s*$/i.test(number) ? normalisePmid(number) : null;
  if (asPmid !== null && (provenance.some(namesPubmed) || asPmid === pmidElsewhere)) return { pmid: asPmid };
  return { pmid: pmidElsewhere, accession: { database, number: number.trim() } };
}

/** Turns a draft into a record, refusing one without a title (the one field screening cannot do without). */
export function finishRecord(d: DraftRecord, file: string, n: number, line: number | undefined, titleField: string): BibRecord {
  const title = clean(d.title);
  if (title === null) throw recordError(file, n, line, titleField, "the record has no title");
  return {
    sourceIndex: n,
    pmid: d.pmid,
    doi: d.doi,
    title,
    abstract: clean(d.abstract),
    authors: d.authors.map((a) => a.trim()).filter((a) => a !== ""),
    journal: clean(d.journal),
    year: d.year,
    ...(d.accession !== undefined ? { accession: d.accession } : {}),
  };
}

/** An empty file (or one with only blank lines) is refused, not read as zero records. */
export function refuseEmpty(text: string, file: string, format: string): void {
  if (text.replace(/^\uFEFF/, "").trim() === "") throw new InputError(`the file is empty; expected ${format}`, { file });
}

/** One record of a tagged export (RIS, PubMed MEDLINE): the line it starts on and each tag's values in order. */
export interface TaggedRecord {
  line: number;
  fields: Map<string, string[]>;
}

/**
 * The records of a tagged export (RIS, PubMed MEDLINE) as its lines are read: the records finished, the one open,
 * and the tag a continuation line extends.
 */
export class TaggedReader {
  readonly records: TaggedRecord[] = [];
  open: TaggedRecord | null = null;
  private lastTag: string | null = null;

  /** Opens a record that starts on `line`. */
  start(line: number): void {
    this.open = { line, fields: new Map() };
    this.lastTag = null;
  }

  /** Adds a value under its tag to the open record (a tag may repeat: authors, ids). */
  add(tag: string, value: string): void {
    if (this.open === null) throw new Error("TaggedReader.add: no open record");
    const list = this.open.fields.get(tag);
    if (list === undefined) this.open.fields.set(tag, [value]);
    else list.push(value);
    this.lastTag = tag;
  }

  /** Whether a continuation line has a value to extend: an open record with a tag read. */
  canContinue(): boolean {
    return this.open !== null && this.lastTag !== null;
  }

  /** A continuation line: its text joins the last value of the last tag (wrapped titles and abstracts); false when there is none. */
  continue(line: string): boolean {
    if (this.open === null || this.lastTag === null) return false;
    const list = this.open.fields.get(this.lastTag) ?? [];
    list[list.length - 1] = `${list[list.length - 1] ?? ""} ${line.trim()}`;
    return true;
  }

  /** Closes the open record, if there is one. */
  end(): void {
    if (this.open !== null) this.records.push(this.open);
    this.open = null;
    this.lastTag = null;
  }
}

/** An element of a document as fast-xml-parser gives it. */
export type XmlNode = Record<string, unknown>;

/** A parsed element's children of one name as a list (none, one, or the parser's array). */
export function asArray(v: unknown): unknown[] {
  return v === undefined || v === null ? [] : Array.isArray(v) ? v : [v];
}

export function isXmlNode(v: unknown): v is XmlNode {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The element at `path` below `n` (undefined when any step is missing). */
export function xmlChild(n: unknown, ...path: string[]): unknown {
  let cur: unknown = n;
  for (const p of path) {
    if (!isXmlNode(cur)) return undefined;
    cur = cur[p];
  }
  return cur;
}

/**
 * The text of an XML element whose inner markup (<i>, <sup>, EndNote's <style>) was kept raw by the parser: tags
 * stripped, entities decoded. For a parsed element ({ "#text": ... }) its text; null when there is none.
 */
export function markupText(v: unknown): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v === "string" || typeof v === "number") return decodeEntities(String(v).replace(/<[^>]*>/g, ""));
  if (isXmlNode(v)) return markupText(v["#text"]);
  return null;
}

function decodeEntities(s: string): string {
  return s
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#x([0-9a-f]+);/gi, (_m, h: string) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&#(\d+);/g, (_m, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&amp;/g, "&");
}
