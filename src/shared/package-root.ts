/**
 * Where the package lives: the folder holding Decidua's package.json, found by walking up from this module, so it
 * works from src/ (tsx, vitest), dist/src/ and the bundled CLI in dist/cli. With evidence/load.ts, the only code
 * outside the adapters that touches the file system.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

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

