/**
 * The evidence base's only I/O: read the JSON files of a data directory, validate every entry with its zod schema
 * and the cross-file checks, and report every problem with its file, entry and field.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { InputError } from "../shared/errors.js";
import { packageRoot } from "../shared/package-root.js";
import { parseEvidenceContent, type EvidenceReadResult } from "./parse.js";
import type { EvidenceBase, EvidenceProblem } from "./schema.js";
import { EVIDENCE_FILES, formatEvidenceProblem } from "./schema.js";

export type { EvidenceReadResult } from "./parse.js";
export { packageRoot } from "../shared/package-root.js";

/** Reads one file of the base as JSON; a problem (and no entries) when it cannot be read or parsed. */
function readJsonFile(dir: string, file: string, problems: EvidenceProblem[]): unknown {
  const path = join(dir, file);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    problems.push({ file, entry: "(file)", message: `cannot read ${path}: ${e instanceof Error ? e.message : String(e)}` });
    return [];
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    problems.push({ file, entry: "(file)", message: `not valid JSON: ${e instanceof Error ? e.message : String(e)}` });
    return [];
  }
}

/** Reads and checks a data directory; never throws for bad content (see `problems`). */
export function readEvidenceBase(dir: string): EvidenceReadResult {
  const problems: EvidenceProblem[] = [];
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    const empty: EvidenceBase = { sources: [], therapies: [], guidelines: [], trials: [], metaAnalyses: [], prisma: [] };
    return { base: empty, problems: [{ file: dir, entry: "(directory)", message: "no evidence base here: the directory does not exist" }] };
  }
  const content: Record<string, unknown> = {};
  for (const key of Object.keys(EVIDENCE_FILES) as Array<keyof typeof EVIDENCE_FILES>) content[key] = readJsonFile(dir, EVIDENCE_FILES[key].file, problems);
  const parsed = parseEvidenceContent(content);
  return { base: parsed.base, problems: [...problems, ...parsed.problems] };
}

/** Reads a data directory and throws an InputError naming every problem (the first one's file as location). */
export function loadEvidenceBase(dir: string): EvidenceBase {
  const { base, problems } = readEvidenceBase(dir);
  const first = problems[0];
  if (first !== undefined) {
    const lines = problems.map(formatEvidenceProblem).join("\n  ");
    throw new InputError(`the evidence base in ${dir} has ${problems.length} problem(s):\n  ${lines}`, { file: join(dir, first.file) });
  }
  return base;
}

/** The repository's data/ directory (works from src/ under tsx/vitest and from dist/ after the build). */
export function defaultEvidenceDir(): string {
  return resolve(packageRoot(), "data");
}

/** Loads the repository's own evidence base (throws InputError if it has any problem). */
export function loadDefaultEvidenceBase(): EvidenceBase {
  return loadEvidenceBase(defaultEvidenceDir());
}
