/**
 * The evidence base's only I/O: read the JSON files of a data directory, validate every entry with its zod schema
 * and the cross-file checks, and report every problem with its file, entry and field.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { z } from "zod";
import { InputError } from "../shared/errors.js";
import type { EvidenceBase, EvidenceProblem } from "./schema.js";
import { EVIDENCE_FILES, formatEvidenceProblem } from "./schema.js";
import { validateEvidenceBase } from "./validate.js";

export interface EvidenceReadResult {
  /** The base with every entry that passed its schema (entries that failed are left out). */
  base: EvidenceBase;
  /** Every problem: schema errors per entry, unreadable files, and the cross-file checks. */
  problems: EvidenceProblem[];
}

function entryName(raw: unknown, index: number): string {
  if (typeof raw === "object" && raw !== null && "id" in raw) {
    const id = (raw as { id: unknown }).id;
    if (typeof id === "string" && id !== "") return `${id} (#${index + 1})`;
  }
  return `#${index + 1}`;
}

function readArrayFile<S extends z.ZodType>(dir: string, file: string, schema: S, problems: EvidenceProblem[], invalidIds: Set<string>): Array<z.output<S>> {
  const path = join(dir, file);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    problems.push({ file, entry: "(file)", message: `cannot read ${path}: ${e instanceof Error ? e.message : String(e)}` });
    return [];
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    problems.push({ file, entry: "(file)", message: `not valid JSON: ${e instanceof Error ? e.message : String(e)}` });
    return [];
  }
  if (!Array.isArray(json)) {
    problems.push({ file, entry: "(file)", message: "the file must hold a JSON array of entries" });
    return [];
  }
  const out: Array<z.output<S>> = [];
  json.forEach((raw: unknown, i: number) => {
    const r = schema.safeParse(raw);
    if (r.success) {
      out.push(r.data);
      return;
    }
    if (typeof raw === "object" && raw !== null && typeof (raw as { id?: unknown }).id === "string") invalidIds.add((raw as { id: string }).id);
    for (const issue of r.error.issues) {
      problems.push({ file, entry: entryName(raw, i), field: issue.path.map(String).join("."), message: issue.message });
    }
  });
  return out;
}

/** Reads and checks a data directory; never throws for bad content (see `problems`). */
export function readEvidenceBase(dir: string): EvidenceReadResult {
  const problems: EvidenceProblem[] = [];
  const invalid = new Set<string>();
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    const empty: EvidenceBase = { sources: [], therapies: [], guidelines: [], trials: [], metaAnalyses: [], prisma: [] };
    return { base: empty, problems: [{ file: dir, entry: "(directory)", message: "no evidence base here: the directory does not exist" }] };
  }
  const base: EvidenceBase = {
    sources: readArrayFile(dir, EVIDENCE_FILES.sources.file, EVIDENCE_FILES.sources.schema, problems, invalid),
    therapies: readArrayFile(dir, EVIDENCE_FILES.therapies.file, EVIDENCE_FILES.therapies.schema, problems, invalid),
    guidelines: readArrayFile(dir, EVIDENCE_FILES.guidelines.file, EVIDENCE_FILES.guidelines.schema, problems, invalid),
    trials: readArrayFile(dir, EVIDENCE_FILES.trials.file, EVIDENCE_FILES.trials.schema, problems, invalid),
    metaAnalyses: readArrayFile(dir, EVIDENCE_FILES.metaAnalyses.file, EVIDENCE_FILES.metaAnalyses.schema, problems, invalid),
    prisma: readArrayFile(dir, EVIDENCE_FILES.prisma.file, EVIDENCE_FILES.prisma.schema, problems, invalid),
  };
  problems.push(...validateEvidenceBase(base, invalid));
  return { base, problems };
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

/** The package root (the directory holding decidua's package.json), found from this module's location. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, "package.json");
    if (existsSync(pkg)) {
      try {
        const name = (JSON.parse(readFileSync(pkg, "utf8")) as { name?: unknown }).name;
        if (name === "decidua") return dir;
      } catch {
        // not ours; keep walking up
      }
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error("cannot find decidua's package.json above " + fileURLToPath(import.meta.url));
    dir = parent;
  }
}

/** The repository's data/ directory (works from src/ under tsx/vitest and from dist/ after the build). */
export function defaultEvidenceDir(): string {
  return resolve(packageRoot(), "data");
}

/** Loads the repository's own evidence base (throws InputError if it has any problem). */
export function loadDefaultEvidenceBase(): EvidenceBase {
  return loadEvidenceBase(defaultEvidenceDir());
}
