/** The included / excluded lists with their reasons, as rows for a CSV export. */
import type { StageState } from "./decisions.js";

export interface ExportRecord {
  id: string;
  pmid: string | null;
  doi: string | null;
  title: string;
  authors: string[];
  journal: string | null;
  year: number | null;
  sourceDatabase: string;
}

export const EXPORT_HEADER = ["record_id", "pmid", "doi", "title", "first_author", "journal", "year", "source_database", "decision", "stage", "exclusion_reason", "status"] as const;

/**
 * One row per record left after deduplication: "included", "excluded" (at title/abstract or full text, with the
 * reason at full text), "not retrieved" or "undecided".
 */
export function selectionRows(records: readonly ExportRecord[], ta: ReadonlyMap<string, StageState>, ft: ReadonlyMap<string, StageState>): Array<Array<string | number | null>> {
  return records.map((r) => {
    const a = ta.get(r.id);
    const f = ft.get(r.id);
    let decision = "undecided";
    let stage = "title_abstract";
    let reason: string | null = null;
    let status: string = a?.status ?? "pending";
    if (a?.outcome === "exclude") decision = "excluded";
    else if (a?.outcome === "include") {
      stage = "full_text";
      status = f?.status ?? "pending";
      if (f?.outcome === "include") decision = "included";
      else if (f?.outcome === "exclude") {
        decision = "excluded";
        reason = f.reason;
      } else if (f?.outcome === "not_retrieved") decision = "not retrieved";
    }
    return [r.id, r.pmid, r.doi, r.title, r.authors[0] ?? null, r.journal, r.year, r.sourceDatabase, decision, stage, reason, status];
  });
}
