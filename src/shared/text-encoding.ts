/**
 * The text of a file's bytes, in the encoding the file was written in: UTF-8 (with or without a byte-order mark),
 * UTF-16 (Excel's "Unicode text", older Web of Science exports: by its byte-order mark, or by the zero bytes of
 * ASCII text without one), or, when the bytes are not valid UTF-8, Windows-1252 (Excel's "CSV (Comma delimited)" and
 * the "ANSI" exports of EndNote and Ovid on Windows; its letters include every ISO-8859-1 one). Pure: bytes in, text out.
 */
import iconv from "iconv-lite";

export type TextEncodingName = "utf-8" | "utf-16le" | "utf-16be" | "windows-1252";

export interface DecodedText {
  text: string;
  encoding: TextEncodingName;
  /** A byte-order mark was present (and is not part of `text`). */
  bom: boolean;
}

/** How the text was read, for a note to the user; null for plain UTF-8. */
export function encodingNote(d: DecodedText): string | null {
  if (d.encoding === "utf-8") return null;
  if (d.encoding === "windows-1252") return "the file is not UTF-8: read as Windows-1252 (Excel's and Windows programs' default); save it as UTF-8 to be sure of its accented letters";
  return `read as ${d.encoding === "utf-16le" ? "UTF-16 (little-endian)" : "UTF-16 (big-endian)"}`;
}

function utf16WithoutBom(bytes: Uint8Array): "utf-16le" | "utf-16be" | null {
  const n = Math.min(bytes.length - (bytes.length % 2), 2000);
  if (n < 4) return null;
  let evenZero = 0;
  let oddZero = 0;
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0) evenZero++;
    if (bytes[i + 1] === 0) oddZero++;
  }
  const pairs = n / 2;
  // ASCII text in UTF-16 has a zero in every other byte; text in any 8-bit encoding has almost none
  if (oddZero > 0.4 * pairs && evenZero < 0.05 * pairs) return "utf-16le";
  if (evenZero > 0.4 * pairs && oddZero < 0.05 * pairs) return "utf-16be";
  return null;
}

export function decodeText(bytes: Uint8Array): DecodedText {
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { text: new TextDecoder("utf-8").decode(bytes.subarray(3)), encoding: "utf-8", bom: true };
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return { text: new TextDecoder("utf-16le").decode(bytes.subarray(2)), encoding: "utf-16le", bom: true };
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return { text: new TextDecoder("utf-16be").decode(bytes.subarray(2)), encoding: "utf-16be", bom: true };
  const u16 = utf16WithoutBom(bytes);
  if (u16 !== null) return { text: new TextDecoder(u16).decode(bytes), encoding: u16, bom: false };
  try {
    return { text: new TextDecoder("utf-8", { fatal: true }).decode(bytes), encoding: "utf-8", bom: false };
  } catch {
    // iconv-lite's Windows-1252 table: Node's TextDecoder reads this label as ISO-8859-1 (0x80–0x9F as controls)
    return { text: iconv.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), "windows-1252"), encoding: "windows-1252", bom: false };
  }
}

/** Why these bytes are not a text file at all (a PDF, binary content), or null. */
export function notTextReason(bytes: Uint8Array): string | null {
  if (bytes.length >= 5 && bytes[0] === 0x25 && bytes[1] === 0x50 && bytes[2] === 0x44 && bytes[3] === 0x46 && bytes[4] === 0x2d)
    return "a PDF file, not text: extract its text first (for example with pdftotext) and give that file";
  if (bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04) return "a ZIP archive (or an Office file), not text: extract or export the text first";
  return null;
}
