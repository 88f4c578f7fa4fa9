/**
 * File helpers of the command-line adapter: read an input file with a located error, check that an output path can
 * be written before any work is done, and write several output files all-or-nothing.
 */
import { access, constants, readFile, rename, stat, unlink, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { InputError, isInputError } from "../shared/errors.js";
import { decodeText, encodingNote, notTextReason } from "../shared/text-encoding.js";

/** Bytes of an input file; a missing or unreadable file is an InputError naming it. */
export async function readInputFile(file: string): Promise<Uint8Array> {
  try {
    const s = await stat(file);
    if (!s.isFile()) throw new InputError("not a file", { file });
    return new Uint8Array(await readFile(file));
  } catch (e) {
    if (isInputError(e)) throw e;
    const code = (e as { code?: string }).code;
    throw new InputError(code === "ENOENT" ? "no such file" : `cannot read the file (${code ?? String(e)})`, { file });
  }
}

/**
 * The text of an input file in the encoding it was written in (decodeText: UTF-8 with or without a BOM, UTF-16,
 * else Windows-1252), with a note when it was not plain UTF-8; a PDF, an archive or binary content is an InputError.
 */
export async function readInputText(file: string): Promise<{ text: string; note: string | null }> {
  const bytes = await readInputFile(file);
  const why = notTextReason(bytes);
  if (why !== null) throw new InputError(why, { file });
  const d = decodeText(bytes);
  if (d.text.includes("\u0000")) throw new InputError("not a text file: it holds binary content (zero bytes)", { file });
  const note = encodingNote(d);
  return { text: d.text, note: note === null ? null : `${file}: ${note}` };
}

/** readInputText with its encoding note written through the command's `err` (as "decidua: note: …"). */
export async function readNotedText(file: string, io: { err: (text: string) => void }): Promise<string> {
  const { text, note } = await readInputText(file);
  if (note !== null) io.err(`decidua: note: ${note}\n`);
  return text;
}

/** InputError (naming the flag) when `path` cannot be written: no such directory, not writable, or a directory. */
export async function checkWritablePath(path: string, flag: string): Promise<void> {
  const dir = dirname(path);
  try {
    await access(dir, constants.W_OK);
  } catch {
    throw new InputError(`cannot write ${path}: directory ${dir} does not exist or is not writable`, { field: flag });
  }
  const existing = await stat(path).catch(() => undefined);
  if (existing !== undefined && !existing.isFile()) throw new InputError(`cannot write ${path}: it is a directory or special file`, { field: flag });
}

export interface OutputFile {
  path: string;
  content: string | Uint8Array;
}

/** Writes every file to a temporary name first, then renames them all: a failure leaves no partial output. */
export async function writeAllFiles(files: readonly OutputFile[]): Promise<void> {
  const tmp = files.map((f, i) => ({ ...f, tmp: `${f.path}.${process.pid}.${i}.tmp` }));
  let current = "";
  try {
    for (const f of tmp) {
      current = f.path;
      await writeFile(f.tmp, f.content);
    }
  } catch (e) {
    await Promise.all(tmp.map((f) => unlink(f.tmp).catch(() => undefined)));
    const code = (e as { code?: string }).code;
    throw new InputError(`cannot write ${current} (${code ?? (e instanceof Error ? e.message : String(e))})`);
  }
  for (const f of tmp) await rename(f.tmp, f.path);
}

/** JSON with infinite numbers written as the strings "Inf" / "-Inf" (NaN as null). */
export function toJsonWithInf(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === "number" && !Number.isFinite(v) ? (Number.isNaN(v) ? null : v > 0 ? "Inf" : "-Inf") : v), 2);
}

/** What a command prints on stderr after its work: warnings, header columns it did not use, and the files it wrote. */
export function outputNotes(ignoredColumns: readonly string[], files: readonly OutputFile[], warnings: readonly string[] = []): string {
  return (
    warnings.map((w) => `decidua: warning: ${w}\n`).join("") +
    (ignoredColumns.length > 0 ? `decidua: note: column${ignoredColumns.length > 1 ? "s" : ""} not used: ${ignoredColumns.join(", ")}\n` : "") +
    files.map((f) => `decidua: wrote ${f.path}\n`).join("")
  );
}

/** A JSON text parsed; invalid JSON is an InputError naming the file. */
export function parseJsonText(file: string, text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new InputError(`not valid JSON: ${e instanceof Error ? e.message : String(e)}`, { file });
  }
}
