/**
 * CSV import with a column mapping: the user names which column holds the title, abstract, authors and so on.
 * A mapping that names a column the file does not have is refused before any row is read. Without one,
 * guessCsvMapping reads the header names that exports of the common tools use (Scopus, Web of Science, Zotero,
 * EndNote, Rayyan, ASReview, Covidence, PubMed's CSV), and the import says which columns it took.
 */
import { parse } from "csv-parse/sync";
import { z } from "zod";
import { InputError } from "../../shared/errors.js";
import { guessDelimiter, normaliseHeader } from "../../shared/table-text.js";
import { type BibRecord, normaliseDoi, normalisePmid, yearOf, isNoYear } from "../record.js";
import { finishRecord, recordError, refuseEmpty } from "./common.js";

const column = z.string().trim().min(1);
export const CsvMappingSchema = z.object({
  title: column,
  abstract: column.optional(),
  authors: column.optional(),
  /** How authors are separated in the authors column (default ";"). */
  authorSeparator: z.string().min(1).default(";"),
  journal: column.optional(),
  year: column.optional(),
  doi: column.optional(),
  pmid: column.optional(),
  /** Field delimiter (default ","); "tab" or "\\t" for a tab (a tab typed on a command line is trimmed away). */
  delimiter: z
    .string()
    .transform((d) => (d === "tab" || d === "\\t" ? "\t" : d))
    .pipe(z.string().length(1))
    .default(","),
});
export type CsvMapping = z.output<typeof CsvMappingSchema>;
export type CsvMappingInput = z.input<typeof CsvMappingSchema>;

const MAPPED = ["title", "abstract", "authors", "journal", "year", "doi", "pmid"] as const;

/**
 * The header names each field is recognised by, compared as normaliseHeader gives them (lower case, each run of
 * other characters one space); the first name found wins (so "title" before "short title"). The tags TI, AB, AU, PY, DI, SO are
 * Web of Science's and RIS's.
 */
const HEADER_NAMES: Readonly<Record<(typeof MAPPED)[number], readonly string[]>> = {
  title: ["title", "article title", "document title", "primary title", "ti", "t1"],
  abstract: ["abstract", "abstract note", "notes abstract", "ab", "n2"],
  authors: ["authors", "author", "author s", "author full names", "author names", "creators", "au", "af", "a1"],
  journal: ["journal", "source title", "publication title", "journal title", "journal book", "secondary title", "source", "so", "jo", "t2"],
  year: ["year", "publication year", "published year", "pub year", "py", "y1"],
  doi: ["doi", "di", "do"],
  // Embase's CSV export names its PubMed id "MEDLINE PMID" (its "PUI" is Embase's own number, not a PMID)
  pmid: ["pmid", "pubmed id", "pubmedid", "pm", "medline pmid"],
};


/**
 * A text without the lines before its header, and how many were dropped (to keep line numbers): Embase's CSV export
 * starts with its search query ("SEARCH QUERY", …) and a rule of dashes before the header. The header is the first of
 * the first 30 lines that `isHeader` accepts; a text whose first line is its header, or with none found, is as it is.
 */
function withoutPreamble(text: string, isHeader: (cells: string[]) => boolean): { text: string; skipped: number } {
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < Math.min(lines.length, 30); i++) {
    let cells: string[];
    try {
      cells = ((parse(lines[i] as string, { bom: true, delimiter: guessDelimiter(lines[i] as string), relax_quotes: true, relax_column_count: true }) as string[][])[0] ?? []).map((c) => c.trim());
    } catch {
      continue;
    }
    if (isHeader(cells)) return i === 0 ? { text, skipped: 0 } : { text: lines.slice(i).join("\n"), skipped: i };
  }
  return { text, skipped: 0 };
}

const titleHeader = (cells: string[]): boolean => cells.some((c) => HEADER_NAMES.title.includes(normaliseHeader(c)));

/**
 * A column mapping from the header of a CSV export (see HEADER_NAMES), or null when no column is named like a title.
 * The authors' separator is the one the records' cells show (authorSeparatorOf).
 */
export function guessCsvMapping(rawText: string, file = "CSV"): CsvMapping | null {
  const { text } = withoutPreamble(rawText, titleHeader);
  const delimiter = guessDelimiter(text);
  // every record: a file that cannot be parsed says why (not "no title column"), and the authors' separator is read
  // from all of them (a first record may have one author, or a quoted abstract over several lines)
  const rows = parseDelimited(text, file, delimiter, { relax_column_count: true });
  const header = rows[0] ?? [];
  const names = header.map(normaliseHeader);
  const pick = (key: (typeof MAPPED)[number]): string | undefined => {
    for (const n of HEADER_NAMES[key]) {
      const i = names.indexOf(n);
      if (i >= 0) return (header[i] as string).replace(/^\uFEFF/, "").trim();
    }
    return undefined;
  };
  const title = pick("title");
  if (title === undefined) return null;
  const mapping: CsvMappingInput = { title, delimiter };
  for (const key of ["abstract", "authors", "journal", "year", "doi", "pmid"] as const) {
    const c = pick(key);
    if (c !== undefined) mapping[key] = c;
  }
  if (mapping.authors !== undefined) {
    const at = names.indexOf(normaliseHeader(mapping.authors));
    mapping.authorSeparator = authorSeparatorOf(rows.slice(1).map((r) => (r[at] ?? "").trim()));
  }
  return CsvMappingSchema.parse(mapping);
}

/**
 * How the authors column of a file separates its authors, from the cells of all its records: ";" when any cell has
 * one (Scopus, Web of Science, Zotero) or none shows another separator; " and " when a cell joins names by it
 * (Rayyan); ", " when a cell is a list of "Surname I.J." names (Embase's and Scopus's CSV) or of "Surname IJ" names
 * ending in a full stop (PubMed's CSV).
 */
function authorSeparatorOf(cells: readonly string[]): string {
  if (cells.some((c) => c.includes(";"))) return ";";
  if (cells.some(isAndList)) return " and ";
  if (cells.some((c) => INITIALS_LIST.test(c) || PUBMED_AUTHORS.test(c))) return ", ";
  return ";";
}

/**
 * Rayyan's authors: names joined by " and ", each "Surname, Given" ("Christiansen, O. B. and Larsen, E. C.") or
 * "Surname IJ" ("Chen W and Moreau C"); a corporate author ("Royal College of Obstetricians and Gynaecologists") is not.
 */
function isAndList(cell: string): boolean {
  const names = cell.split(" and ");
  return names.length > 1 && names.every((n) => /^[^,]+, [^,]+$/.test(n.trim()) || /^[^,]+ \p{Lu}[\p{Lu}.\- ]*$/u.test(n.trim()));
}

/** Authors written "Surname I.J." and separated by ", " (Embase's and Scopus's CSV). */
const INITIALS_LIST = /^[^,;]+ (?:\p{Lu}\.-?)+(?:, [^,;]+ (?:\p{Lu}\.-?)+)+$/u;
/** Authors written "Surname IJ" and separated by ", ", the list ending in a full stop (PubMed's CSV export). */
const PUBMED_AUTHORS = /^[^,;]+ \p{Lu}{1,4}(?:, [^,;]+ \p{Lu}{1,4})+\.?$/u;

/**
 * Rows of a delimited text. A file that strict CSV rules refuse is read again leniently, as the exports that make
 * them are written: a tab-delimited file with quotes as plain characters (Web of Science's tab-delimited export does
 * not quote fields), or quotes inside unquoted fields; a cell Excel escaped as ="text" (CINAHL's ids) is its text.
 * Only when that fails too is the strict error reported, with its line.
 */
function parseDelimited(text: string, file: string, delimiter: string, extra: { relax_column_count: boolean; to_line?: number }): string[][] {
  const base = { bom: true, delimiter, skip_empty_lines: true, ...extra };
  let rows: string[][];
  try {
    rows = parse(text, base) as string[][];
  } catch (e) {
    try {
      rows = parse(text, delimiter === "\t" ? { ...base, quote: false } : { ...base, relax_quotes: true }) as string[][];
    } catch {
      const err = e as { message?: string; lines?: number };
      const loc: { file: string; row?: number } = { file };
      if (typeof err.lines === "number") loc.row = err.lines;
      throw new InputError(`not a readable CSV file: ${err.message ?? String(e)}`, loc);
    }
  }
  return rows.map((r) => r.map((c) => (/^="(.*)"$/s.test(c) ? c.slice(2, -1) : c)));
}

/** The mapping as the user would write it (--map): field=column pairs. */
export function describeCsvMapping(m: CsvMapping): string {
  return MAPPED.filter((k) => m[k] !== undefined)
    .map((k) => `${k}=${m[k] as string}`)
    .join(",");
}

export function parseCsvRecords(rawText: string, file: string, mappingInput: CsvMappingInput): BibRecord[] {
  const parsedMapping = CsvMappingSchema.safeParse(mappingInput);
  if (!parsedMapping.success) {
    const issue = parsedMapping.error.issues[0];
    throw new InputError(`invalid column mapping: ${issue?.message ?? "?"}`, { file, field: `mapping.${issue?.path.map(String).join(".") ?? ""}` });
  }
  const mapping = parsedMapping.data;
  refuseEmpty(rawText, file, "CSV");
  const wanted = mapping.title.toLowerCase();
  const { text, skipped } = withoutPreamble(rawText, (cells) => cells.some((c) => c.replace(/^\uFEFF/, "").toLowerCase() === wanted));
  const rows = parseDelimited(text, file, mapping.delimiter, { relax_column_count: false });
  const header = (rows[0] ?? []).map((h) => h.trim());
  const index = new Map<string, number>();
  header.forEach((h, i) => index.set(h.toLowerCase(), i));
  const col: Partial<Record<(typeof MAPPED)[number], number>> = {};
  for (const key of MAPPED) {
    const name = mapping[key];
    if (name === undefined) continue;
    const i = index.get(name.toLowerCase());
    if (i === undefined) {
      throw new InputError(`the mapping names column "${name}" for ${key}, but the header has only: ${header.join(", ")}`, { file, row: 1, field: `mapping.${key}` });
    }
    col[key] = i;
  }
  if (rows.length < 2) throw new InputError("the CSV file has a header but no records", { file, row: 1 });
  return rows.slice(1).map((row, idx) => {
    const n = idx + 1;
    const line = idx + 2 + skipped;
    const get = (key: (typeof MAPPED)[number]): string | null => {
      const i = col[key];
      if (i === undefined) return null;
      const v = row[i];
      return v === undefined || v.trim() === "" ? null : v.trim();
    };
    const yearRaw = get("year");
    const year = yearOf(yearRaw);
    if (yearRaw !== null && year === null && !isNoYear(yearRaw)) throw recordError(file, n, line, mapping.year ?? "year", `"${yearRaw}" is not a publication year`);
    const pmidRaw = get("pmid");
    const pmid = normalisePmid(pmidRaw);
    if (pmidRaw !== null && pmid === null) throw recordError(file, n, line, mapping.pmid ?? "pmid", `"${pmidRaw}" is not a PubMed id`);
    const authorsRaw = get("authors");
    return finishRecord(
      {
        pmid,
        doi: normaliseDoi(get("doi")),
        title: get("title"),
        abstract: get("abstract"),
        // PubMed's CSV ends its author list with a full stop
        authors: authorsRaw === null ? [] : (mapping.authorSeparator === ", " && PUBMED_AUTHORS.test(authorsRaw) && !INITIALS_LIST.test(authorsRaw) ? authorsRaw.replace(/\.$/, "") : authorsRaw).split(mapping.authorSeparator).map((a) => a.trim()).filter((a) => a !== ""),
        journal: get("journal"),
        year,
      },
      file,
      n,
      line,
      mapping.title,
    );
  });
}
