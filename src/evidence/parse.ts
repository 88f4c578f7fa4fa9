/**
 * The evidence base from its content, wherever it was read (data/ files, the store, a backup): every entry checked
 * with its zod schema, then the cross-file checks (references between sources, trials, meta-analyses, guidelines).
 * Pure: the caller reads the JSON. `evidence/load.ts` (files) and the server (the stored base) both use it, so a base
 * is never accepted by one and refused by the other.
 */
import type { z } from "zod";
import type { EvidenceBase, EvidenceProblem } from "./schema.js";
import { EVIDENCE_FILES } from "./schema.js";
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

function parseEntries<S extends z.ZodType>(json: unknown, file: string, schema: S, problems: EvidenceProblem[], invalidIds: Set<string>): Array<z.output<S>> {
  if (json === undefined) return [];
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

/**
 * Checks the content of a base: `content` holds one JSON array per table (sources, therapies, guidelines, trials,
 * metaAnalyses, prisma); a missing table is empty. Never throws for bad content (see `problems`, which name the
 * data/ file each table is kept in).
 */
export function parseEvidenceContent(content: Readonly<Record<string, unknown>>): EvidenceReadResult {
  const problems: EvidenceProblem[] = [];
  const invalid = new Set<string>();
  const F = EVIDENCE_FILES;
  const base: EvidenceBase = {
    sources: parseEntries(content.sources, F.sources.file, F.sources.schema, problems, invalid),
    therapies: parseEntries(content.therapies, F.therapies.file, F.therapies.schema, problems, invalid),
    guidelines: parseEntries(content.guidelines, F.guidelines.file, F.guidelines.schema, problems, invalid),
    trials: parseEntries(content.trials, F.trials.file, F.trials.schema, problems, invalid),
    metaAnalyses: parseEntries(content.metaAnalyses, F.metaAnalyses.file, F.metaAnalyses.schema, problems, invalid),
    prisma: parseEntries(content.prisma, F.prisma.file, F.prisma.schema, problems, invalid),
  };
  problems.push(...validateEvidenceBase(base, invalid));
  return { base, problems };
}
