/**
 * The text conventions every table reader shares (study tables, RevMan's exports, screening CSVs): how a column
 * header is compared, and which delimiter a delimited text file uses.
 */

/**
 * A column header as compared: lower case, each run of other characters one space, trimmed. "Author(s)" is "author s",
 * "I²(Q)" is "i q" in any encoding of the "²", and a byte-order mark drops out.
 */
export function normaliseHeader(h: string): string {
  return h
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, " ")
    .trim();
}

/**
 * A number written with a decimal comma ("0,25", "-1,5": semicolon-separated files as European spreadsheets write
 * them) in its dot form; any other text as it is.
 */
export function decimalCommaToDot(raw: string): string {
  return /^[+-]?\d*,\d+$/.test(raw) ? raw.replace(",", ".") : raw;
}

/** The delimiter of a delimited text: whichever of comma, semicolon and tab splits its first line most (comma on a tie). */
export function guessDelimiter(text: string): "," | ";" | "\t" {
  const first = text.replace(/^\uFEFF/, "").split(/\r?\n/, 1)[0] ?? "";
  return ([",", ";", "\t"] as const).reduce<"," | ";" | "\t">((best, d) => (first.split(d).length > first.split(best).length ? d : best), ",");
}
