/**
 * RevMan 5 review → evidence-base entries (src/evidence/import-rm5.ts, src/app/import-rm5.ts) and
 * `decidua evidence import-rm5`: studies as trials, dichotomous data as outcome rows with the file's counts, the
 * RoB 1 table as each trial's rob, the review as source; what cannot be imported is listed; bad files exit 2 and
 * nothing is written.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { importRevman5Review } from "../../src/app/import-rm5.js";
import { main } from "../../src/cli/main.js";
import { evidenceFromRevman5, parseRevman5ImportExtras, rob1DomainOf, rob1DomainsOf } from "../../src/evidence/import-rm5.js";
import { loadDefaultEvidenceBase } from "../../src/evidence/load.js";
import { parseEvidenceContent } from "../../src/evidence/parse.js";
import { InputError } from "../../src/shared/errors.js";
import { decodeRevman5, parseRevman5 } from "../../src/stats/revman5.js";

const FLEISS = "test/stats/fixtures/revman/fleiss1993-aspirin.rm5";
const ROB = "test/evidence/fixtures/revman/rob1-review.rm5";
const bytes = (f: string): Uint8Array => new Uint8Array(readFileSync(f));
const source = { id: "synthetic-review", citation: "Synthetic A, Review B. A synthetic review. Test J 2020;1:1-10", doi: "10.1000/test.1" };

function fromFile(file: string, opts: Partial<Parameters<typeof evidenceFromRevman5>[2]> = {}) {
  const xml = decodeRevman5(bytes(file));
  return evidenceFromRevman5(parseRevman5(xml, file), parseRevman5ImportExtras(xml, file), { file, therapy: "ivig", source, ...opts });
}

describe("evidenceFromRevman5", () => {
  it("Fleiss 1993: every included study a trial; the dichotomous outcome's counts exactly as stored; the continuous outcome listed as skipped", () => {
    const r = fromFile(FLEISS, { outcomeKinds: { "CMP-001.01": "adverse-reaction" } });
    expect(r.trials).toHaveLength(12);
    const withRows = r.trials.filter((t) => t.outcomes.length > 0);
    expect(withRows).toHaveLength(7);
    // the file's DICH_DATA for each study, read independently of the importer
    const xml = readFileSync(FLEISS, "latin1");
    for (const m of xml.matchAll(/<DICH_DATA EVENTS_1="(\d+)" EVENTS_2="(\d+)"[^>]*STUDY_ID="([^"]+)"[^>]*TOTAL_1="(\d+)" TOTAL_2="(\d+)"/g)) {
      const study = m[3]!.replace(/_x002d_/g, "-").replace(/^STD-/, "");
      const t = r.trials.find((x) => x.label.startsWith(study));
      expect(t?.outcomes[0]).toMatchObject({ events_t: Number(m[1]), events_c: Number(m[2]), total_t: Number(m[4]), total_c: Number(m[5]), status: "reported", outcome: "adverse-reaction" });
    }
    expect(r.skipped.map((s) => s.element)).toContain("CONT_OUTCOME CMP-001.02");
    expect(r.trials.find((t) => t.label === "ISIS-2 1988")?.id).toBe("isis-2-1988");
  });

  it("an outcome whose name is none of the base's kinds is skipped with the flag that names it", () => {
    const r = fromFile(FLEISS);
    expect(r.trials.every((t) => t.outcomes.length === 0 && !t.found)).toBe(true);
    expect(r.skipped.find((s) => s.element === "DICH_OUTCOME CMP-001.01")?.reason).toMatch(/--outcome-kind CMP-001.01=KIND/);
  });

  it("RoB 1: YES → low, NO → high, UNKNOWN → unclear, unlisted domains not assessed; items outside the seven domains and excluded studies are not imported", () => {
    const r = fromFile(ROB);
    expect(r.trials.map((t) => t.id)).toEqual(["alpha-2001", "beta-2004", "gamma-2010"]);
    const alpha = r.trials[0]!;
    expect(alpha.rob?.domains).toEqual({
      random_sequence: "low",
      allocation_concealment: "high",
      blinding_participants: "low",
      blinding_outcome: "not assessed",
      incomplete_outcome: "not assessed",
      selective_reporting: "not assessed",
      other_bias: "not assessed",
    });
    expect(r.trials[1]!.rob?.domains.random_sequence).toBe("unclear");
    expect(r.trials[2]!.rob).toBeNull();
    expect(r.trials[2]!.found).toBe(false);
    expect(r.skipped.map((s) => s.element)).toEqual(expect.arrayContaining(['QUALITY_ITEM "Funding declared"', "DICH_OUTCOME CMP-001.02", "CONT_OUTCOME CMP-001.03"]));
    // subgroups of the review outcome stay in the definition; live birth read from the outcome's name
    expect(alpha.outcomes[0]).toMatchObject({ outcome: "live-birth", events_t: 20, total_t: 40, events_c: 15, total_c: 41 });
    expect(alpha.outcomes[0]!.definition).toContain('subgroup "Primary recurrent miscarriage"');
  });

  it("the entries pass the evidence base's own check merged into the repository's base", () => {
    const r = fromFile(ROB, { idPrefix: "syn" });
    const base = loadDefaultEvidenceBase();
    const { problems } = parseEvidenceContent({ ...base, sources: [...base.sources, ...r.sources], trials: [...base.trials, ...r.trials] });
    expect(problems).toEqual([]);
    expect(r.trials[0]!.id).toBe("syn-alpha-2001");
  });

  it("names the RoB 1 domains from RevMan's item names", () => {
    expect(rob1DomainOf("Blinding of outcome assessment (detection bias)")).toBe("blinding_outcome");
    expect(rob1DomainOf("Blinding of participants and personnel (performance bias)")).toBe("blinding_participants");
    expect(rob1DomainOf("Incomplete outcome data (attrition bias)")).toBe("incomplete_outcome");
    expect(rob1DomainOf("Selective reporting (reporting bias)")).toBe("selective_reporting");
    expect(rob1DomainOf("Other bias")).toBe("other_bias");
    expect(rob1DomainOf("Funding declared")).toBeNull();
    // RevMan 5.0 item names (the original tool's questions)
    expect(rob1DomainsOf("Adequate sequence generation?")).toEqual(["random_sequence"]);
    expect(rob1DomainsOf("Allocation concealment?")).toEqual(["allocation_concealment"]);
    expect(rob1DomainsOf("Blinding?")).toEqual(["blinding_participants", "blinding_outcome"]);
    expect(rob1DomainsOf("Incomplete outcome data addressed?")).toEqual(["incomplete_outcome"]);
    expect(rob1DomainsOf("Free of selective reporting?")).toEqual(["selective_reporting"]);
    expect(rob1DomainsOf("Free of other bias?")).toEqual(["other_bias"]);
    expect(rob1DomainsOf("Funding declared")).toEqual([]);
  });

  it("refuses a judgement RevMan does not write, naming the element", () => {
    const xml = readFileSync(ROB, "utf8").replace('RESULT="UNKNOWN"', 'RESULT="MAYBE"');
    expect(() => parseRevman5ImportExtras(xml, "x.rm5")).toThrow(/QUALITY_ITEM QIT-01 QUALITY_ITEM_DATA_ENTRY STD-Beta RESULT/);
  });
});

describe("importRevman5Review", () => {
  const base = loadDefaultEvidenceBase();
  it("refuses a file that is not a RevMan review, naming the root element", () => {
    const xml = new TextEncoder().encode('<?xml version="1.0"?><REVIEW/>');
    expect(() => importRevman5Review(xml, base, { file: "x.rm5", therapy: "ivig", source })).toThrow(/x\.rm5: not a RevMan 5 file: the root element is not COCHRANE_REVIEW/);
  });
  it("refuses an import whose ids clash with the base, listing the problem", () => {
    const clash = { ...source, id: base.sources[0]!.id };
    let err: unknown;
    try {
      importRevman5Review(bytes(ROB), base, { file: ROB, therapy: "ivig", source: clash });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).message).toMatch(/duplicate id/);
  });
});

describe("decidua evidence import-rm5", () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  const tmp = (): string => {
    const d = mkdtempSync(join(tmpdir(), "decidua-rm5-"));
    dirs.push(d);
    return d;
  };
  const run = async (args: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(args, { out: (t) => void out.push(t), err: (t) => void err.push(t) });
    return { code, out: out.join(""), err: err.join("") };
  };
  const common = ["--therapy", "ivig", "--citation", source.citation, "--doi", source.doi, "--source-id", source.id];

  it("writes sources.json and trials.json that the base's parser accepts", async () => {
    const out = join(tmp(), "imported");
    const r = await run(["evidence", "import-rm5", ROB, "--out", out, ...common]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/3 trials, 2 outcome rows, 2 with RoB 1/);
    expect(r.out).toMatch(/skipped CONT_OUTCOME CMP-001.03/);
    const sources = JSON.parse(readFileSync(join(out, "sources.json"), "utf8")) as unknown[];
    const trials = JSON.parse(readFileSync(join(out, "trials.json"), "utf8")) as unknown[];
    const parsed = parseEvidenceContent({ sources, trials });
    expect(parsed.problems.filter((p) => p.file !== "therapies.json")).toEqual([]);
    expect(parsed.base.trials).toHaveLength(3);
  });

  it("exit 2 and nothing written for a file that is not RevMan, and never overwrites", async () => {
    const dir = tmp();
    const bad = join(dir, "bad.rm5");
    writeFileSync(bad, "<html><body>not a review</body></html>");
    const out = join(dir, "out");
    const r = await run(["evidence", "import-rm5", bad, "--out", out, ...common]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/not a RevMan 5 file/);
    expect(existsSync(out)).toBe(false);

    const out2 = join(dir, "out2");
    expect((await run(["evidence", "import-rm5", ROB, "--out", out2, ...common])).code).toBe(0);
    const again = await run(["evidence", "import-rm5", ROB, "--out", out2, ...common]);
    expect(again.code).toBe(2);
    expect(again.err).toMatch(/never overwrites/);
  });

  it("exit 2 naming the flag for an unknown outcome kind or an outcome the file lacks", async () => {
    const out = join(tmp(), "o");
    const a = await run(["evidence", "import-rm5", ROB, "--out", out, ...common, "--outcome-kind", "CMP-001.02=heartbeat"]);
    expect(a.code).toBe(2);
    expect(a.err).toMatch(/--outcome-kind/);
    const b = await run(["evidence", "import-rm5", ROB, "--out", out, ...common, "--outcome-kind", "CMP-009.01=live-birth"]);
    expect(b.code).toBe(2);
    expect(b.err).toMatch(/no outcome "CMP-009.01"/);
    expect(existsSync(out)).toBe(false);
  });
});
