/**
 * Citations a reader can follow (issue #8 item 10): no entry of the evidence base, and no text the product shows,
 * points into the project's development material (the shared folder, its numbered source documents, the reference
 * notes) or says how a text was looked up instead of where it was published.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { defaultEvidenceDir, readEvidenceBase } from "../../src/evidence/load.js";
import { developmentMaterialReference, validateEvidenceBase } from "../../src/evidence/validate.js";
import { main } from "../../src/cli/main.js";
import { CITATIONS } from "../../src/clinical/sources.js";
import { citationText } from "../../src/clinical/evidence.js";

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

  it("makes `decidua evidence validate --data DIR` exit 2 on a source cited as a development file, naming file, entry and field", async () => {
    const dir = mkdtempSync(join(tmpdir(), "decidua-citations-"));
    try {
      cpSync(defaultEvidenceDir(), dir, { recursive: true });
      const path = join(dir, "sources.json");
      const sources = JSON.parse(readFileSync(path, "utf8")) as Array<Record<string, unknown>>;
      sources.find((x) => x.id === "dashti-2025")!.citation = "LIT RCT, see ../shared/sources/000_e253df1ecf17f1ef.txt";
      writeFileSync(path, JSON.stringify(sources));
      const err: string[] = [];
      const code = await main(["evidence", "validate", "--data", dir], { out: () => undefined, err: (t) => err.push(t) });
      expect(code).toBe(2);
      expect(err.join("")).toMatch(/sources\.json: entry dashti-2025.*citation.*development material/s);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("every citation the clinical rules show names a dated publication, with its identifiers in the shown text", () => {
    for (const [key, c] of Object.entries(CITATIONS)) {
      expect(developmentMaterialReference(JSON.stringify(c)), key).toBeNull();
      if (c.id === "decidua-rule") continue;
      expect(c.reference, key).toMatch(/\b(19|20)\d\d\b|\bundated\b|\bdate not recorded\b/);
      const shown = citationText(c);
      const ids = c as { pmid?: string; doi?: string };
      if (ids.pmid !== undefined) expect(shown, key).toContain(`PMID ${ids.pmid}`);
      if (ids.doi !== undefined) expect(shown, key).toContain(`doi:${ids.doi}`);
    }
    // the entries that described their content now name the publication; the content stays in brackets
    expect(citationText(CITATIONS.yamada2022)).toContain("EClinicalMedicine 2022;50:101527 (IVIG 400 mg/kg/day x5");
    expect(CITATIONS.aoki1993.reference).toMatch(/^Aoki K, .*Am J Obstet Gynecol 1993;169\(3\):649-653/);
    expect(CITATIONS.acr2020.reference).toMatch(/Arthritis Rheumatol 2020.*read in a secondary source: Medscape/);
    expect(CITATIONS.source001.reference).toMatch(/^9M Fertility \(Hyderabad, India\)\. LIT therapy: /);
  });
});
