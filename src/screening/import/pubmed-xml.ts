/**
 * PubMed XML (the efetch / "Save as XML" PubmedArticleSet). Parsed with fast-xml-parser. Read per PubmedArticle:
 * MedlineCitation/PMID, Article/ArticleTitle, Article/Abstract/AbstractText (all parts, with their labels),
 * Article/AuthorList/Author (LastName + ForeName, or CollectiveName), Article/Journal/Title, the year from
 * JournalIssue/PubDate (Year or MedlineDate), and the DOI from PubmedData/ArticleIdList or ELocationID.
 * PubmedBookArticle records are read from BookDocument the same way.
 */
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { InputError } from "../../shared/errors.js";
import { type BibRecord, normaliseDoi, yearOf, isNoYear } from "../record.js";
import { asArray, finishRecord, isXmlNode as isNode, markupText as textOf, recordError, refuseEmpty, xmlChild as child, type XmlNode } from "./common.js";

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@",
  // inline markup inside titles and abstracts stays raw text, stripped by textOf
  stopNodes: ["*.ArticleTitle", "*.AbstractText", "*.BookTitle", "*.VernacularTitle"],
  processEntities: false,
  parseTagValue: false,
  isArray: (name: string) => ["PubmedArticle", "PubmedBookArticle", "Author", "AbstractText", "ArticleId", "ELocationID"].includes(name),
});

export function parsePubmedXml(text: string, file: string): BibRecord[] {
  refuseEmpty(text, file, "PubMed XML");
  const valid = XMLValidator.validate(text);
  if (valid !== true) {
    throw new InputError(`not well-formed XML: ${valid.err.msg}`, { file, row: valid.err.line });
  }
  const doc = parser.parse(text) as XmlNode;
  const set = doc["PubmedArticleSet"];
  if (!isNode(set)) {
    const root = Object.keys(doc).find((k) => !k.startsWith("?")) ?? "(none)";
    throw new InputError(`not a PubMed XML file: the root element is <${root}>, expected <PubmedArticleSet>`, { file, field: root });
  }
  const articles: Array<{ kind: "article" | "book"; node: unknown }> = [
    ...asArray(set["PubmedArticle"]).map((node) => ({ kind: "article" as const, node })),
    ...asArray(set["PubmedBookArticle"]).map((node) => ({ kind: "book" as const, node })),
  ];
  if (articles.length === 0) throw new InputError("the PubmedArticleSet holds no PubmedArticle", { file, field: "PubmedArticleSet" });
  return articles.map(({ kind, node }, idx) => {
    const n = idx + 1;
    const base = kind === "article" ? child(node, "MedlineCitation") : child(node, "BookDocument");
    const article = kind === "article" ? child(base, "Article") : base;
    const pmid = textOf(child(base, "PMID"))?.trim() ?? "";
    if (!/^\d{1,9}$/.test(pmid)) throw recordError(file, n, undefined, "PMID", `"${pmid}" is not a PubMed id`);
    const abstractParts = asArray(child(article, "Abstract", "AbstractText")).map((p) => {
      const label = isNode(p) && typeof p["@Label"] === "string" ? `${p["@Label"]}: ` : "";
      return `${label}${textOf(p) ?? ""}`.trim();
    });
    const authors = asArray(child(article, "AuthorList", "Author")).flatMap((a) => {
      const collective = textOf(child(a, "CollectiveName"));
      if (collective !== null) return [collective];
      const last = textOf(child(a, "LastName"));
      const fore = textOf(child(a, "ForeName")) ?? textOf(child(a, "Initials"));
      if (last === null) return [];
      return [fore === null ? last : `${last}, ${fore}`];
    });
    const ids = [
      ...asArray(child(node, "PubmedData", "ArticleIdList", "ArticleId")),
      ...asArray(child(article, "ELocationID")).map((e) => (isNode(e) ? { ...e, "@IdType": e["@EIdType"] } : e)),
    ];
    const doiNode = ids.find((i) => isNode(i) && i["@IdType"] === "doi");
    const pubDate = kind === "article" ? child(article, "Journal", "JournalIssue", "PubDate") : child(article, "Book", "PubDate");
    const yearText = textOf(child(pubDate, "Year")) ?? textOf(child(pubDate, "MedlineDate"));
    const year = yearOf(yearText);
    if (yearText !== null && year === null && !isNoYear(yearText)) throw recordError(file, n, undefined, "PubDate", `"${yearText}" is not a publication year (PMID ${pmid})`);
    const title = kind === "article" ? textOf(child(article, "ArticleTitle")) : (textOf(child(article, "ArticleTitle")) ?? textOf(child(article, "Book", "BookTitle")));
    return finishRecord(
      {
        pmid: String(Number(pmid)),
        doi: normaliseDoi(textOf(doiNode)),
        title,
        abstract: abstractParts.length > 0 ? abstractParts.join(" ") : null,
        authors,
        journal: kind === "article" ? textOf(child(article, "Journal", "Title")) : textOf(child(article, "Book", "BookTitle")),
        year,
      },
      file,
      n,
      undefined,
      "ArticleTitle",
    );
  });
}
