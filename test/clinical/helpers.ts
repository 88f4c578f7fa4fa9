import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";

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
