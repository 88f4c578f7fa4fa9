/** Issue 11: canonical JSON, applying a change to a draft, and the diff between two bases (pure). */
import { describe, expect, it } from "vitest";
import { canonicalJson } from "../../src/evidence/canonical.js";
import { diffEvidenceBases, jsonDifferences } from "../../src/evidence/diff.js";
import { loadDefaultEvidenceBase } from "../../src/evidence/load.js";
import { applyEvidenceChange, evidenceFiles, evidenceVersionLabel, type EvidenceContent } from "../../src/evidence/versions.js";
import { verdictChanges, verdictChangeText } from "../../src/app/evidence-impact.js";
import { assessRecord, evidenceLookupFromBase, parsePatientRecord } from "../../src/clinical/index.js";
import type { EvidenceBase } from "../../src/evidence/schema.js";
import { readFileSync } from "node:fs";

describe("canonical JSON", () => {
  it("sorts keys at every depth, keeps array order, leaves out undefined", () => {
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: undefined, e: "x" }, 3] })).toBe('{"a":[{"d":2,"e":"x"},3],"b":1}');
    expect(canonicalJson({ a: 1, b: 2 })).toBe(canonicalJson({ b: 2, a: 1 }));
    expect(canonicalJson([1, 2])).not.toBe(canonicalJson([2, 1]));
    expect(() => canonicalJson({ x: Number.NaN })).toThrow(/finite/);
  });
  it("labels a version as clinicians read it", () => {
    expect(evidenceVersionLabel({ number: 14, publishedAt: "2026-12-03T10:00:00.000Z", contentHash: "ab" })).toBe("evidence v14, published 2026-12-03");
  });
});

describe("changes and diff", () => {
  const base = loadDefaultEvidenceBase();
  const content = base as unknown as EvidenceContent;
  const tang = structuredClone(base.trials.find((t) => t.id === "tang-2013")!);

  it("refuses adding an existing id, replacing or deleting a missing one, and a wrong field, naming file and field", () => {
    expect(() => applyEvidenceChange(content, { kind: "add", table: "trials", entry: tang as never })).toThrow(/exists already/);
    expect(() => applyEvidenceChange(content, { kind: "replace", table: "trials", entry: { ...tang, id: "nobody-1999" } as never })).toThrow(/no entry "nobody-1999"/);
    expect(() => applyEvidenceChange(content, { kind: "delete", table: "guidelines", id: "nobody" })).toThrow(/guidelines\.json/);
    try {
      applyEvidenceChange(content, { kind: "replace", table: "trials", entry: { ...tang, year: 1800 } as never });
      expect.unreachable();
    } catch (e) {
      expect((e as Error).message).toMatch(/trials\.json, entry tang-2013, field year/);
    }
    const r = applyEvidenceChange(content, { kind: "delete", table: "trials", id: "tang-2013" });
    expect(r.content.trials!.length).toBe(base.trials.length - 1);
    expect(content.trials!.length).toBe(base.trials.length); // the input is not changed
  });

  it("names the changed count by outcome id, groups it as counts, and shows the therapy's SoF before and after", () => {
    const filled = structuredClone(tang);
    // data/ holds Tang 2013's reported counts (12/20 vs 8/20); the test changes them
    const was = tang.outcomes[0]!.events_c;
    Object.assign(filled.outcomes[0]!, { events_t: 14, total_t: 20, events_c: 6, total_c: 20, status: "derived", derivation: "test" });
    const after: EvidenceBase = { ...base, trials: base.trials.map((t) => (t.id === "tang-2013" ? filled : t)), guidelines: base.guidelines.slice(1) };
    const d = diffEvidenceBases(base, after);
    expect(d.same).toBe(false);
    const c = d.tables.trials.changed;
    expect(c.map((x) => x.id)).toEqual(["tang-2013"]);
    expect(c[0]!.aspects).toEqual(expect.arrayContaining(["counts", "outcomes"]));
    expect(c[0]!.fields).toContainEqual({ path: "outcomes[live-birth].events_c", before: was, after: 6 });
    expect(d.tables.guidelines.removed.map((g) => g.id)).toEqual([base.guidelines[0]!.id]);
    expect(d.sof.map((s) => s.therapy)).toEqual(["prednisolone"]);
    expect(diffEvidenceBases(base, base).same).toBe(true);
    expect(jsonDifferences({ a: [1, 2] }, { a: [1, 3] })).toEqual([{ path: "a", before: [1, 2], after: [1, 3] }]);

    // every example patient's prednisolone verdict cites other evidence under the new base
    const record = parsePatientRecord(JSON.parse(readFileSync("examples/patients/profile-a.json", "utf8")));
    const la = evidenceLookupFromBase(base);
    const lb = evidenceLookupFromBase(after);
    const changes = verdictChanges([{ id: "a" }], () => assessRecord(record, { today: "2026-12-03", evidence: la }), () => assessRecord(record, { today: "2026-12-03", evidence: lb }));
    const pred = changes.find((x) => x.therapy === "prednisolone" && x.kind === "evidence");
    expect(pred?.after).toMatch(/Tang 2013/);
    expect(verdictChangeText({ therapyName: "IVIG", before: "protocol-eligible", after: "not-indicated", kind: "status" })).toBe("IVIG protocol-eligible → not-indicated");
  });

  it("writes data/-format files (one-space JSON arrays)", () => {
    const files = evidenceFiles(content);
    expect(files.map((f) => f.file)).toEqual(["sources.json", "therapies.json", "guidelines.json", "trials.json", "meta-analyses.json", "prisma.json"]);
    expect(JSON.parse(files[3]!.text)).toEqual(content.trials);
    expect(files[3]!.text.startsWith("[\n {")).toBe(true);
  });
});
