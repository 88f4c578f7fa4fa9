import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { defaultEvidenceDir, loadDefaultEvidenceBase, loadEvidenceBase, readEvidenceBase } from "../../src/evidence/load.js";
import { THERAPY_IDS } from "../../src/shared/therapies.js";
import { InputError } from "../../src/shared/errors.js";
import { main } from "../../src/cli/main.js";

const dirs: string[] = [];
function corruptCopy(edit: (dir: string) => void): string {
  const dir = mkdtempSync(join(tmpdir(), "decidua-evidence-"));
  dirs.push(dir);
  cpSync(defaultEvidenceDir(), dir, { recursive: true });
  edit(dir);
  return dir;
}
function editJson(dir: string, file: string, f: (data: Array<Record<string, unknown>>) => void): void {
  const path = join(dir, file);
  const data = JSON.parse(readFileSync(path, "utf8")) as Array<Record<string, unknown>>;
  f(data);
  writeFileSync(path, JSON.stringify(data));
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe("the repository's evidence base", () => {
  it("validates without a single problem", () => {
    const { problems } = readEvidenceBase(defaultEvidenceDir());
    expect(problems).toEqual([]);
  });

  it("holds every therapy id and the guideline bodies the issue names", () => {
    const base = loadDefaultEvidenceBase();
    expect(base.therapies.map((t) => t.id).sort()).toEqual([...THERAPY_IDS].sort());
    const bodies = new Set(base.guidelines.map((g) => `${g.body} ${g.year}`));
    for (const b of ["ESHRE 2017", "ESHRE 2022", "RCOG 2023", "ASRM 2012", "ACR 2020", "FDA 2002"]) expect(bodies).toContain(b);
  });

  it("marks every guideline position verified (with where) or unverified (with what)", () => {
    const base = loadDefaultEvidenceBase();
    for (const g of base.guidelines) {
      if (g.verified) expect(g.verification ?? "").not.toBe("");
      else expect(g.unverifiedNote ?? "").not.toBe("");
    }
  });

  it("stores source 004's PRISMA counts and the numbers the audit needs", () => {
    const base = loadDefaultEvidenceBase();
    const flow = base.prisma.find((p) => p.metaAnalysis === "gao-2025");
    expect(flow).toMatchObject({ identified: 585, excludedScreening: 534, fullTextAssessed: 51, excludedFullText: 40, included: 11 });
    const gao = base.metaAnalyses.find((m) => m.id === "gao-2025");
    const ar = gao?.results.find((r) => r.id === "adverse-reactions");
    expect(ar?.k_stated).toEqual([3, 4]);
    const bw = gao?.results.find((r) => r.id === "birth-weight");
    expect([bw?.estimate, bw?.ci_low, bw?.ci_high]).toEqual([220.74, -549.37, 107.88]);
    const sec = gao?.results.find((r) => r.id === "live-birth-secondary");
    expect([sec?.estimate, sec?.ci_low, sec?.ci_high, sec?.z, sec?.p_text, sec?.printed?.estimate]).toEqual([1.5, 0.98, 2.3, 1.96, "P=0.04", "1.50"]);
  });
});

describe("a corrupted copy of the base", () => {
  it("reports a schema error with its file, entry and field", () => {
    const dir = corruptCopy((d) =>
      editJson(d, "trials.json", (trials) => {
        const t = trials.find((x) => x.id === "christiansen-2015") as { outcomes: Array<Record<string, unknown>> };
        (t.outcomes[0] as Record<string, unknown>).events_t = -3;
      }),
    );
    const { problems } = readEvidenceBase(dir);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ file: "trials.json", field: "outcomes.0.events_t" });
    expect(problems[0]?.entry).toContain("christiansen-2015");
  });

  it("reports every problem: unknown trial, counts above totals, unknown source, missing verification note", () => {
    const dir = corruptCopy((d) => {
      editJson(d, "meta-analyses.json", (mas) => {
        const gao = mas.find((m) => m.id === "gao-2025") as { results: Array<{ trials: Array<{ trial: string }> }> };
        (gao.results[0]?.trials[1] as { trial: string }).trial = "no-such-trial";
      });
      editJson(d, "trials.json", (trials) => {
        const t = trials.find((x) => x.id === "yamada-2022") as { outcomes: Array<Record<string, unknown>> };
        (t.outcomes[0] as Record<string, unknown>).events_c = 60;
      });
      editJson(d, "guidelines.json", (gs) => {
        const g = gs.find((x) => x.id === "eshre-2017-lit") as Record<string, unknown>;
        g.source = "eshre-2099";
        delete g.unverifiedNote;
      });
    });
    const { problems } = readEvidenceBase(dir);
    const where = problems.map((p) => `${p.file}|${p.entry}|${p.field ?? ""}`);
    expect(where).toContain("meta-analyses.json|gao-2025 / result live-birth|results.0.trials.1.trial");
    expect(where).toContain("trials.json|yamada-2022 / outcome ongoing-22w|events_c");
    expect(where).toContain("guidelines.json|eshre-2017-lit|source");
    expect(where).toContain("guidelines.json|eshre-2017-lit|unverifiedNote");
    expect(problems.find((p) => p.field === "events_c")?.message).toContain("60 events exceed the arm total 49");
    expect(() => loadEvidenceBase(dir)).toThrow(InputError);
  });

  it("makes `decidua evidence validate --data DIR` exit 2 and name the file and entry", async () => {
    const dir = corruptCopy((d) => writeFileSync(join(d, "prisma.json"), JSON.stringify([{ id: "x", metaAnalysis: "gao-2025" }])));
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(["evidence", "validate", "--data", dir], { out: (t) => out.push(t), err: (t) => err.push(t) });
    expect(code).toBe(2);
    expect(err.join("")).toContain("prisma.json: entry x (#1)");
  });

  it("exits 0 on the repository's base", async () => {
    const out: string[] = [];
    const code = await main(["evidence", "validate"], { out: (t) => out.push(t), err: () => undefined });
    expect(code).toBe(0);
    expect(out.join("")).toMatch(/^evidence base OK/);
  });
});

describe("file-level problems", () => {
  it("reports an unreadable file, invalid JSON and a non-array, each with its file, and still checks the rest", () => {
    const dir = corruptCopy((d) => {
      rmSync(join(d, "prisma.json"));
      writeFileSync(join(d, "guidelines.json"), "[{ not json");
      writeFileSync(join(d, "therapies.json"), JSON.stringify({ id: "lit" }));
    });
    const { problems } = readEvidenceBase(dir);
    const byFile = (f: string) => problems.filter((p) => p.file === f).map((p) => p.message).join(" | ");
    expect(byFile("prisma.json")).toContain("cannot read");
    expect(byFile("guidelines.json")).toContain("not valid JSON");
    expect(byFile("therapies.json")).toContain("must hold a JSON array");
    // with no therapies loaded, every therapy id is reported missing
    expect(problems.filter((p) => p.file === "therapies.json" && p.message === "therapy missing from the base")).toHaveLength(11);
  });

  it("reports a data directory that does not exist as one problem, not one per file", async () => {
    const missing = join(tmpdir(), "decidua-no-such-evidence-dir");
    const { problems } = readEvidenceBase(missing);
    expect(problems).toEqual([{ file: missing, entry: "(directory)", message: "no evidence base here: the directory does not exist" }]);
    const err: string[] = [];
    const code = await main(["evidence", "validate", "--data", missing], { out: () => undefined, err: (t) => err.push(t) });
    expect(code).toBe(2);
    expect(err.join("")).toContain("the directory does not exist");
  });

  it("prints every problem as JSON with --json", async () => {
    const dir = corruptCopy((d) =>
      editJson(d, "sources.json", (sources) => {
        const s = sources.find((x) => x.id === "coulam-1995") as Record<string, unknown>;
        delete s.noIdentifierReason;
      }),
    );
    const out: string[] = [];
    const code = await main(["evidence", "validate", "--data", dir, "--json"], { out: (t) => out.push(t), err: () => undefined });
    expect(code).toBe(2);
    const json = JSON.parse(out.join("")) as { ok: boolean; problems: Array<{ file: string; entry: string; field: string; message: string }> };
    expect(json.ok).toBe(false);
    expect(json.problems).toEqual([
      { file: "sources.json", entry: "coulam-1995", field: "pmid", message: "no PMID, DOI, PMCID or URL, and no noIdentifierReason saying why the citation alone must do" },
    ]);
  });
});
