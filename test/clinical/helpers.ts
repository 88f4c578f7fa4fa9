import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { evidenceLookupFromBase, type EvidenceLookup } from "../../src/clinical/index.js";
import { loadDefaultEvidenceBase } from "../../src/evidence/load.js";

export const EXAMPLES = join(import.meta.dirname, "..", "..", "examples", "patients");
export const VIGNETTES = join(EXAMPLES, "vignettes");

export function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, "utf8")) as unknown;
}

export function vignetteFiles(): string[] {
  return readdirSync(VIGNETTES)
    .filter((f) => /^v\d+.*\.json$/.test(f))
    .sort();
}

let evidence: EvidenceLookup | undefined;
/** The repository's evidence base as the assessment's lookup (loaded once per test file). */
export function evidenceLookup(): EvidenceLookup {
  evidence ??= evidenceLookupFromBase(loadDefaultEvidenceBase());
  return evidence;
}
