/** Issue 11: canonical JSON, applying a change to a draft, and the diff between two bases (pure). */
import { describe, expect, it } from "vitest";
import { canonicalJson } from "../../src/evidence/canonical.js";
import { compareEvidenceBases, diffEvidenceBases, jsonDifferences } from "../../src/evidence/diff.js";
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
    // Tang 2013 reports 12/20 vs 8/20 live births (RR 1.50); a test correction of the treated arm to 14/20 (RR 1.75)
    const filled = structuredClone(tang);
    expect(filled.outcomes[0]).toMatchObject({ id: "live-birth", events_t: 12, total_t: 20, events_c: 8, total_c: 20 });
    Object.assign(filled.outcomes[0]!, { events_t: 14 });
    const after: EvidenceBase = { ...base, trials: base.trials.map((t) => (t.id === "tang-2013" ? filled : t)), guidelines: base.guidelines.slice(1) };
    const d = diffEvidenceBases(base, after);
    expect(d.same).toBe(false);
    const c = d.tables.trials.changed;
    expect(c.map((x) => x.id)).toEqual(["tang-2013"]);
    expect(c[0]!.aspects).toContain("counts");
    expect(c[0]!.fields).toEqual([{ path: "outcomes[live-birth].events_t", before: 12, after: 14 }]);
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
    expect(pred?.before).toMatch(/1\.50/);
    expect(pred?.after).toMatch(/Tang 2013.*1\.75/s);
    expect(verdictChangeText({ therapyName: "IVIG", before: "protocol-eligible", after: "not-indicated", kind: "status" })).toBe("IVIG protocol-eligible → not-indicated");
  });

  it("writes data/-format files (one-space JSON arrays)", () => {
    const files = evidenceFiles(content);
    expect(files.map((f) => f.file)).toEqual(["sources.json", "therapies.json", "guidelines.json", "trials.json", "meta-analyses.json", "prisma.json"]);
    expect(JSON.parse(files[3]!.text)).toEqual(content.trials);
    expect(files[3]!.text.startsWith("[\n {")).toBe(true);
  });
});

describe("the reviewer's comparison (compareEvidenceBases)", () => {
  const base = loadDefaultEvidenceBase();
  const tang = base.trials.find((t) => t.id === "tang-2013")!;
  const therapy = base.therapies.find((t) => t.id === "prednisolone")!;
  const changed: EvidenceBase = {
    ...base,
    trials: base.trials.map((t) => (t.id === tang.id ? { ...tang, outcomes: tang.outcomes.map((o) => (o.id === "live-birth" ? { ...o, events_t: 15 } : o)), rob2: { ...tang.rob2!, basis: "read again" } } : t)),
    guidelines: base.guidelines.slice(1),
    therapies: base.therapies.map((t) => (t.id === therapy.id ? { ...t, gradeOverrides: { "live-birth": { indirectness: { rating: "serious", reason: "test: population differs" } } } } : t)) as EvidenceBase["therapies"],
  };

  it("groups every change (counts, RoB, GRADE, guidelines) and lists the SoF rows that differ, before and after", () => {
    const c = compareEvidenceBases(base, changed);
    expect(c.groups.map((g) => g.group)).toEqual(["trials", "counts", "rob", "grade", "guidelines", "other"]);
    const by = Object.fromEntries(c.groups.map((g) => [g.group, g.changes]));
    expect(by.counts).toEqual([{ table: "trials", id: "tang-2013", label: "Tang 2013", kind: "changed", path: "outcomes[live-birth].events_t", before: 12, after: 15 }]);
    expect(by.rob).toEqual([expect.objectContaining({ id: "tang-2013", path: "rob2.basis", after: "read again" })]);
    expect(by.grade).toEqual([expect.objectContaining({ table: "therapies", id: "prednisolone", path: expect.stringMatching(/^gradeOverrides/) })]);
    expect(by.guidelines).toEqual([expect.objectContaining({ id: base.guidelines[0]!.id, kind: "removed", path: null })]);
    expect(by.trials).toEqual([]);
    const live = c.sofRows.find((r) => r.therapy === "prednisolone" && r.outcome === "live-birth")!;
    expect(live.before?.effect).not.toBe(live.after?.effect);
    expect(live.before?.participants).toBe(live.after?.participants);
    expect(c.sofRows.every((r) => r.therapy === "prednisolone")).toBe(true);
    expect(compareEvidenceBases(base, base)).toMatchObject({ same: true, sofRows: [] });
  });
});
