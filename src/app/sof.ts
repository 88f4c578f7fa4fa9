/**
 * Use case: the Summary-of-Findings table of a therapy vs placebo in one of three formats (JSON, CSV, DOCX). The CLI
 * (`decidua evidence sof THERAPY --format …`) and the HTTP routes (/api/evidence/therapies/:therapy/sof[.csv|.docx])
 * both call this and only translate flags or query strings. Pure apart from the base and options passed in.
 */
import { z } from "zod";
import { summaryOfFindingsTable, type SofTable, type SofTableOptions } from "../evidence/grade-outcomes.js";
import type { EvidenceBase } from "../evidence/schema.js";
import { sofCsvRows, sofDocx } from "../evidence/sof-export.js";
import { toCsv } from "../server/csv.js";
import { InputError } from "../shared/errors.js";
import { TherapyIdSchema } from "../shared/therapies.js";

export const SofFormatSchema = z.enum(["json", "csv", "docx"]);
export type SofFormat = z.infer<typeof SofFormatSchema>;

export const SOF_CONTENT_TYPES: Record<SofFormat, string> = {
  json: "application/json; charset=utf-8",
  csv: "text/csv; charset=utf-8",
  docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
};

export interface SofExport {
  format: SofFormat;
  contentType: string;
  /** A file name for downloads, e.g. "sof-ivig.docx". */
  filename: string;
  body: string | Uint8Array;
  table: SofTable;
  /** The published evidence version the table was computed from ("evidence v2, published 2026-12-03"), null outside the store. */
  evidenceVersion: string | null;
}

/** Parses a format name (InputError naming `field` when it is not json, csv or docx). */
export function parseSofFormat(raw: string, field = "format"): SofFormat {
  const f = SofFormatSchema.safeParse(raw.toLowerCase());
  if (!f.success) throw new InputError(`unknown format "${raw}" (use ${SofFormatSchema.options.join(", ")})`, { field });
  return f.data;
}

/** The table of `therapy` (an id, checked here) rendered as `format`. */
export async function exportSummaryOfFindings(base: EvidenceBase, therapyRaw: string, format: SofFormat, options: SofTableOptions = {}, evidenceVersion: string | null = null): Promise<SofExport> {
  const therapy = TherapyIdSchema.safeParse(therapyRaw);
  if (!therapy.success) throw new InputError(`unknown therapy "${therapyRaw}" (use ${TherapyIdSchema.options.join(", ")})`, { field: "therapy" });
  const table = summaryOfFindingsTable(base, therapy.data, options);
  const filename = `sof-${therapy.data}.${format}`;
  let body: string | Uint8Array;
  // every format names the version it rests on (a last CSV column, a line under the DOCX table) when there is one
  if (format === "json") body = JSON.stringify(evidenceVersion === null ? table : { ...table, evidenceVersion }, null, 2) + "\n";
  else if (format === "csv") {
    const { header, rows } = sofCsvRows(table);
    body = evidenceVersion === null ? toCsv(header, rows) : toCsv([...header, "evidence_version"], rows.map((r) => [...r, evidenceVersion]));
  } else body = await sofDocx(table, evidenceVersion === null ? {} : { generatedFrom: `Computed from ${evidenceVersion}.` });
  return { format, contentType: SOF_CONTENT_TYPES[format], filename, body, table, evidenceVersion };
}
