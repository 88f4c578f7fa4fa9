/** docs/safety/hazard-log.md: at least 25 hazards, each row complete, each named test present in its test file. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..", "..");
const rows = readFileSync(join(root, "docs", "safety", "hazard-log.md"), "utf8")
  .split("\n")
  .filter((l) => /^\| H\d+ \|/.test(l))
  .map((l) => l.split(" | ").map((c) => c.replace(/^\| |\s\|$/g, "").trim()));

describe("hazard log", () => {
  it("has at least 25 hazards with cause, effect, initial risk, control, residual risk and a test", () => {
    expect(rows.length).toBeGreaterThanOrEqual(25);
    for (const r of rows) {
      expect(r.length, r[0]).toBe(8);
      for (const c of r) expect(c.length, `${r[0]}: empty cell`).toBeGreaterThan(2);
      expect(r[4], r[0]).toMatch(/^(Minor|Moderate|Major|Catastrophic) \/ (Very rare|Rare|Possible|Likely)$/);
      expect(r[6], r[0]).toMatch(/^(Minor|Moderate|Major|Catastrophic) \/ (Very rare|Rare|Possible|Likely)$/);
    }
  });

  it("every hazard has its own number (H01, H02, ... without gaps or repeats)", () => {
    const ids = rows.map((r) => r[0]!);
    expect(ids).toEqual(ids.map((_, i) => `H${String(i + 1).padStart(2, "0")}`));
  });

  it("every control's test exists in the file the log names", () => {
    for (const r of rows) {
      const m = /^`([^`]+)` › "(.+)"$/.exec(r[7]!);
      expect(m, r[0]).not.toBeNull();
      const src = readFileSync(join(root, m![1]!), "utf8");
      expect(src.includes(`"${m![2]}"`), `${r[0]}: ${m![2]} in ${m![1]}`).toBe(true);
    }
  });
});
