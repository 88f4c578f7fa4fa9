/**
 * File helpers shared by CLI commands: read an input file, check that an output path can be written, and write
 * several output files so that a failure leaves none half-written. Every problem is an InputError.
 */
import { access, constants, readFile, rename, stat, unlink, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { InputError, isInputError } from "../shared/errors.js";

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

export async function checkWritable(path: string, flag: string): Promise<void> {
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

/** Writes every file to a temporary name first, then renames them all. */
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
