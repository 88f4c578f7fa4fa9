/** A CSV input of the command-line adapter read into its header and data rows (a located InputError otherwise). */
import { parse } from "csv-parse/sync";
import { InputError } from "../shared/errors.js";
import { decimalCommaToDot, guessDelimiter } from "../shared/table-text.js";

/**
 * The header and data rows of a CSV text: every row as wide as the header, cells trimmed, a BOM dropped. The
 * delimiter is taken from the header line (comma, semicolon or tab); a semicolon-separated file is the one European
 * spreadsheets write, with decimal commas, so there a number written "1,5" reads as 1.5.
 */
export function csvTable(file: string, text: string): { header: string[]; rows: string[][] } {
  const delimiter = guessDelimiter(text);
  let records: string[][];
  try {
    records = parse(text, { delimiter, skip_empty_lines: true, relax_column_count: false, trim: true, bom: true }) as string[][];
  } catch (e) {
    const err = e as { message?: string; lines?: number };
    throw new InputError(`not a readable CSV: ${err.message ?? String(e)}`, typeof err.lines === "number" ? { file, row: err.lines } : { file });
  }
  const header = records[0];
  if (header === undefined || records.length < 2) throw new InputError("the file has no data rows", { file });
  const rows = records.slice(1);
  if (delimiter === ";") for (const r of rows) for (let i = 0; i < r.length; i++) r[i] = decimalCommaToDot(r[i] as string);
  return { header, rows };
}
