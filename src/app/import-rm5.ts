/**
 * Use case: a RevMan 5 review file (.rm5) as evidence-base entries, checked against a base (the repository's
 * data/ or the store's current version) with the one content check of the evidence domain (`parseEvidenceContent`),
 * so an import that would clash with the base (an id already used, a count above its total) is refused whole.
 * Pure apart from what the caller passes in: the file's bytes and the base. The CLI (`decidua evidence import-rm5`)
 * writes the result as data/-format JSON; the store's draft can take `content` as it is.
 */
import { evidenceFromRevman5, parseRevman5ImportExtras, type Rm5ImportOptions, type Rm5Skipped } from "../evidence/import-rm5.js";
import { parseEvidenceContent } from "../evidence/parse.js";
import { formatEvidenceProblem, type EvidenceBase, type EvidenceProblem, type EvidenceSource, type EvidenceTrial } from "../evidence/schema.js";
import { InputError } from "../shared/errors.js";
import { decodeRevman5, parseRevman5 } from "../stats/revman5.js";
import type { EvidenceChange } from "../evidence/versions.js";
import type { EvidenceRevision, EvidenceStore } from "../store/evidence.js";
import type { Actor } from "../store/store.js";

export interface Rm5Import {
  /** The imported entries in data/ form: one array per file of the base (sources.json, trials.json). */
  content: { sources: EvidenceSource[]; trials: EvidenceTrial[] };
  skipped: Rm5Skipped[];
  /** The review's title as stored in the file. */
  title: string;
}

/**
 * Reads an .rm5 file's bytes into evidence entries and checks them merged into `base`. InputError naming the file
 * and element when it is not a RevMan 5 review; InputError listing every problem when the merged base would not
 * validate (nothing is returned half-checked).
 */
export function importRevman5Review(bytes: Uint8Array, base: EvidenceBase, opts: Rm5ImportOptions): Rm5Import {
  const xml = decodeRevman5(bytes);
  const review = parseRevman5(xml, opts.file);
  const extras = parseRevman5ImportExtras(xml, opts.file);
  if (extras.included.length === 0) throw new InputError("the review lists no included studies (STUDIES_AND_REFERENCES/STUDIES/INCLUDED_STUDIES/STUDY)", { file: opts.file, field: "INCLUDED_STUDIES" });
  const imported = evidenceFromRevman5(review, extras, opts);
  const merged = parseEvidenceContent({
    sources: [...base.sources, ...imported.sources],
    therapies: base.therapies,
    guidelines: base.guidelines,
    trials: [...base.trials, ...imported.trials],
    metaAnalyses: base.metaAnalyses,
    prisma: base.prisma,
  });
  const problems: EvidenceProblem[] = merged.problems;
  if (problems.length > 0) {
    throw new InputError(`the imported entries do not fit the evidence base (${problems.length} problem(s)):\n  ${problems.map(formatEvidenceProblem).join("\n  ")}`, { file: opts.file });
  }
  return { content: { sources: imported.sources, trials: imported.trials }, skipped: imported.skipped, title: review.title };
}

/**
 * A reviewer's import of an .rm5 review into the evidence draft: checked against the draft as it stands (not the
 * published version, so earlier unpublished work is kept), then the review's source and every imported trial are
 * added as revisions of ONE transaction (`EvidenceStore.reviseEvidenceDraft` with a list of changes), all with the
 * same reason. A bad file, a clash with the draft or a stale `expectedRevision` leaves the draft untouched.
 */
export async function importRevman5IntoDraft(
  es: EvidenceStore,
  actor: Actor,
  bytes: Uint8Array,
  opts: Rm5ImportOptions,
  why: string,
  expectedRevision?: number,
): Promise<{ imported: Rm5Import; revisions: EvidenceRevision[] }> {
  const draft = await es.getEvidenceDraft();
  const { base } = parseEvidenceContent(draft.content as Record<string, unknown>);
  const imported = importRevman5Review(bytes, base, opts);
  const changes: EvidenceChange[] = [
    ...imported.content.sources.map((entry): EvidenceChange => ({ kind: "add", table: "sources", entry: entry as unknown as Record<string, unknown> })),
    ...imported.content.trials.map((entry): EvidenceChange => ({ kind: "add", table: "trials", entry: entry as unknown as Record<string, unknown> })),
  ];
  const revisions = await es.reviseEvidenceDraft(actor, why, changes, expectedRevision ?? draft.lastRevision);
  return { imported, revisions };
}
