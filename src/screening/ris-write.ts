/**
 * Writes records as RIS (the inverse of parseRis): one TY  - JOUR ... ER  - block per record, values on one line. An
 * accession number is written as AN with its database in DB, a PMID as AN with DB PubMed (or, beside another
 * database's AN, as a PubMed link in UR).
 * Used to export records and to convert labelled datasets (e.g. SYNERGY CSVs) to RIS for the importer.
 */
import type { BibRecord } from "./record.js";

const one = (s: string): string => s.replace(/[\r\n]+/g, " ").trim();

export function recordsToRis(records: ReadonlyArray<Omit<BibRecord, "sourceIndex">>): string {
  const out: string[] = [];
  for (const r of records) {
    out.push("TY  - JOUR");
    out.push(`TI  - ${one(r.title)}`);
    for (const a of r.authors) out.push(`AU  - ${one(a)}`);
    if (r.year !== null) out.push(`PY  - ${r.year}`);
    if (r.journal !== null) out.push(`T2  - ${one(r.journal)}`);
    if (r.abstract !== null) out.push(`AB  - ${one(r.abstract)}`);
    if (r.doi !== null) out.push(`DO  - ${r.doi}`);
    // AN with its DB: the database's accession number, or the PMID with DB PubMed (the reader takes AN for a PMID only
    // then); a record with both gives its PMID as a PubMed link
    if (r.accession !== undefined) {
      out.push(`AN  - ${one(r.accession.number)}`);
      if (r.accession.database !== null) out.push(`DB  - ${one(r.accession.database)}`);
      if (r.pmid !== null) out.push(`UR  - https://pubmed.ncbi.nlm.nih.gov/${r.pmid}/`);
    } else if (r.pmid !== null) out.push(`AN  - ${r.pmid}`, "DB  - PubMed");
    out.push("ER  - ", "");
  }
  return out.join("\r\n");
}
