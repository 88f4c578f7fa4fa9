/**
 * Citations a reader can follow (issue #8 item 10): no entry of the evidence base, and no text the product shows,
 * points into the project's development material (the shared folder, its numbered source documents, the reference
 * notes) or says how a text was looked up instead of where it was published.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { defaultEvidenceDir, readEvidenceBase } from "../../src/evidence/load.js";
import { developmentMaterialReference, validateEvidenceBase } from "../../src/evidence/validate.js";

describe("citations point to publications", () => {
  const { base, problems } = readEvidenceBase(defaultEvidenceDir());

  it("the repository's base has none that point into development material", () => {
    expect(problems.filter((p) => p.message.includes("development material"))).toEqual([]);
  });

  it("the source documents are cited as the publications they are", () => {
    const byId = new Map(base.sources.map((s) => [s.id, s]));
    expect(byId.get("dashti-2025")?.doi).toBe("10.1016/j.jri.2025.104432");
    expect(byId.get("liu-2023")).toMatchObject({ doi: "10.1007/s00228-023-03473-9", pmid: "36912957" });
    expect(byId.get("liu-2023")?.citation).toContain("Eur J Clin Pharmacol 2023");
    expect(byId.get("gao-2025")?.citation).toContain("Iran J Public Health 2025");
    expect(byId.get("jaro-2025")?.doi).toBe("10.21767/2476-1974.9.01.05");
    expect(byId.get("9m-fertility-lit-explainer")?.citation).toMatch(/^9M Fertility/);
  });

  for (const bad of [
    "see ../shared/sources/001_80a56c80f2c49790.txt",
    "as printed in source 004, Table 1",
    "source document 002 (PubMed abstract)",
    "Listed in REFERENCE.md §3",
    "from the project reference",
    "abstract read via the search tool",
  ]) {
    it(`refuses "${bad}" with the entry and field`, () => {
      expect(developmentMaterialReference(bad)).not.toBeNull();
      const broken = structuredClone(base);
      broken.trials[0]!.note = bad;
      const found = validateEvidenceBase(broken).filter((p) => p.message.includes("development material"));
      expect(found).toEqual([{ file: "trials.json", entry: broken.trials[0]!.id, field: "note", message: expect.stringContaining("cite the publication") }]);
    });
  }

  it("accepts ordinary citations", () => {
    for (const ok of ["Gao 2025, Table 1", "Eur J Clin Pharmacol 2023", "RCOG Green-top Guideline No. 17 (2023)", "shared decision-making"]) {
      expect(developmentMaterialReference(ok)).toBeNull();
    }
  });

  it("no product text in src/ points into development material", () => {
    const files: string[] = [];
    const walk = (d: string): void => {
      for (const f of readdirSync(d)) {
        const p = join(d, f);
        if (statSync(p).isDirectory()) walk(p);
        else if (/\.(ts|tsx|md)$/.test(f) && !p.endsWith(join("evidence", "validate.ts"))) files.push(p);
      }
    };
    walk("src");
    const hits: string[] = [];
    for (const f of files) {
      readFileSync(f, "utf8")
        .split("\n")
        .forEach((line, i) => {
          const why = developmentMaterialReference(line);
          if (why !== null) hits.push(`${f}:${i + 1}: ${why}`);
        });
    }
    expect(hits).toEqual([]);
  });
});
