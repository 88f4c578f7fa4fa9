/**
 * EndNote XML (File > Export, "XML" type: <xml><records><record>…), the export EndNote users hand to screening tools.
 * Parsed with fast-xml-parser. Read per record: titles/title (short-title as a fallback), contributors/authors/author,
 * the journal from periodical/full-title or titles/secondary-title, abstract, dates/year, the DOI from
 * electronic-resource-num (or a doi.org URL), and the PMID from accession-num when the record comes from PubMed or
 * MEDLINE (remote-database-name or -provider naming them, or a PubMed URL with the same number; otherwise accession-num
 * is the accession number of the remote database, Embase's for instance) or from a PubMed URL.
 * EndNote wraps text in <style face=… font=…> runs; they are kept raw and stripped, so their order is kept.
 */
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { InputError } from "../../shared/errors.js";
import { type BibRecord, normaliseDoi, pubmedUrlPmid, yearOf, isNoYear } from "../record.js";
import { asArray, finishRecord, isXmlNode as isNode, markupText, readAccessionNumber, recordError, refuseEmpty, xmlChild as child, type XmlNode } from "./common.js";

/** The elements whose text is read: kept raw (their <style> runs in order) and stripped by markupText. */
const TEXT_ELEMENTS = ["title", "short-title", "secondary-title", "full-title", "author", "abstract", "year", "electronic-resource-num", "accession-num", "remote-database-name", "remote-database-provider", "url", "rec-number"];

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@",
  stopNodes: TEXT_ELEMENTS.map((e) => `*.${e}`),
  processEntities: false,
  parseTagValue: false,
  isArray: (name: string) => ["record", "author", "url"].includes(name),
});

/** Whether a text is an EndNote XML export (the <xml><records> root), for the format guess. */
export function looksLikeEndnoteXml(head: string): boolean {
  return /<xml>\s*<records>/.test(head);
}

export function parseEndnoteXml(text: string, file: string): BibRecord[] {
  refuseEmpty(text, file, "EndNote XML");
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw new InputError(`not well-formed XML: ${valid.err.msg}`, { file, row: valid.err.line });
  const doc = parser.parse(text) as XmlNode;
  const records = child(doc, "xml", "records");
  if (records === undefined) {
    const root = Object.keys(doc).find((k) => !k.startsWith("?")) ?? "(none)";
    throw new InputError(`not an EndNote XML file: the root element is <${root}>, expected <xml><records>`, { file, field: root });
  }
  // an empty <records/> parses as text
  const list = isNode(records) ? asArray(records["record"]) : [];
  if (list.length === 0) throw new InputError("the EndNote XML file holds no record", { file, field: "records" });
  return list.map((rec, idx) => {
    const n = idx + 1;
    const text = (...path: string[]): string | null => {
      const t = markupText(child(rec, ...path))?.trim();
      return t === undefined || t === "" ? null : t;
    };
    const urls = asArray(child(rec, "urls", "related-urls", "url")).map((u) => markupText(u)?.trim() ?? "");
    const yearText = text("dates", "year");
    const year = yearOf(yearText);
    if (yearText !== null && year === null && !isNoYear(yearText)) throw recordError(file, n, undefined, "dates/year", `"${yearText}" is not a publication year`);
    const database = text("remote-database-name");
    const provenance = [database, text("remote-database-provider")].filter((d) => d !== null);
    const pubmedUrl = urls.map(pubmedUrlPmid).find((p) => p !== null) ?? null;
    return finishRecord(
      {
        ...readAccessionNumber(text("accession-num"), database, provenance, pubmedUrl),
        doi: normaliseDoi(text("electronic-resource-num")) ?? normaliseDoi(urls.find((u) => /doi\.org\//i.test(u)) ?? null),
        title: text("titles", "title") ?? text("titles", "short-title"),
        abstract: text("abstract"),
        authors: asArray(child(rec, "contributors", "authors", "author"))
          .map((a) => markupText(a)?.trim() ?? "")
          .filter((a) => a !== ""),
        journal: text("periodical", "full-title") ?? text("titles", "secondary-title"),
        year,
      },
      file,
      n,
      undefined,
      "titles/title",
    );
  });
}
