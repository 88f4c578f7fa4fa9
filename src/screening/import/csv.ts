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
  /** Field delimiter (default ","). */
  delimiter: z.string().length(1).default(","),
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
  year: ["year", "publication year", "pub year", "py", "y1"],
  doi: ["doi", "di", "do"],
  pmid: ["pmid", "pubmed id", "pubmedid", "pm"],
};


/**
 * A column mapping from the header of a CSV export (see HEADER_NAMES), or null when no column is named like a title.
 * Authors are taken as separated by ";" (Scopus, Web of Science, Zotero), or by " and " when the column uses that.
 */
export function guessCsvMapping(text: string): CsvMapping | null {
  const delimiter = guessDelimiter(text);
  let header: string[];
  let second: string[] | undefined;
  try {
    const rows = parse(text, { bom: true, delimiter, relax_column_count: true, skip_empty_lines: true, to_line: 2 }) as string[][];
    header = rows[0] ?? [];
    second = rows[1];
  } catch {
    return null;
  }
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
  if (mapping.authors !== undefined && second !== undefined) {
    const cell = second[names.indexOf(normaliseHeader(mapping.authors))] ?? "";
    if (!cell.includes(";") && / and /.test(cell)) mapping.authorSeparator = " and ";
    // Embase and Scopus: "Liu R., Adler D.G." (surname, initials with full stops, ", " between authors)
    else if (!cell.includes(";") && INITIALS_LIST.test(cell.trim())) mapping.authorSeparator = ", ";
  }
  return CsvMappingSchema.parse(mapping);
}

/** Authors written "Surname I.J." and separated by ", " (Embase's and Scopus's CSV). */
const INITIALS_LIST = /^[^,;]+ (?:\p{Lu}\.-?)+(?:, [^,;]+ (?:\p{Lu}\.-?)+)+$/u;

/** The mapping as the user would write it (--map): field=column pairs. */
export function describeCsvMapping(m: CsvMapping): string {
  return MAPPED.filter((k) => m[k] !== undefined)
    .map((k) => `${k}=${m[k] as string}`)
    .join(",");
}

export function parseCsvRecords(text: string, file: string, mappingInput: CsvMappingInput): BibRecord[] {
  const parsedMapping = CsvMappingSchema.safeParse(mappingInput);
  if (!parsedMapping.success) {
    const issue = parsedMapping.error.issues[0];
    throw new InputError(`invalid column mapping: ${issue?.message ?? "?"}`, { file, field: `mapping.${issue?.path.map(String).join(".") ?? ""}` });
  }
  const mapping = parsedMapping.data;
  refuseEmpty(text, file, "CSV");
  let rows: string[][];
  try {
    rows = parse(text, { bom: true, delimiter: mapping.delimiter, relax_column_count: false, skip_empty_lines: true }) as string[][];
  } catch (e) {
    const err = e as { message?: string; lines?: number };
    const loc: { file: string; row?: number } = { file };
    if (typeof err.lines === "number") loc.row = err.lines;
    throw new InputError(`not a readable CSV file: ${err.message ?? String(e)}`, loc);
  }
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
    const line = idx + 2;
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
        authors: authorsRaw === null ? [] : authorsRaw.split(mapping.authorSeparator),
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
