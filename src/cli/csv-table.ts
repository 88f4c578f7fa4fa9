/** A CSV input of the command-line adapter read into its header and data rows (a located InputError otherwise). */
import { parse } from "csv-parse/sync";
import { InputError } from "../shared/errors.js";

/** The header and data rows of a CSV text: every row as wide as the header, cells trimmed, a BOM dropped. */
export function csvTable(file: string, text: string): { header: string[]; rows: string[][] } {
  let records: string[][];
  try {
    records = parse(text, { skip_empty_lines: true, relax_column_count: false, trim: true, bom: true }) as string[][];
  } catch (e) {
    throw new InputError(`not a readable CSV: ${e instanceof Error ? e.message : String(e)}`, { file });
  }
  const header = records[0];
  if (header === undefined || records.length < 2) throw new InputError("the file has no data rows", { file });
  return { header, rows: records.slice(1) };
}
