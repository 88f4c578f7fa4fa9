/**
 * Writes records as RIS (the inverse of parseRis): one TY  - JOUR ... ER  - block per record, values on one line.
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
    if (r.pmid !== null) out.push(`AN  - ${r.pmid}`);
    out.push("ER  - ", "");
  }
  return out.join("\r\n");
}
