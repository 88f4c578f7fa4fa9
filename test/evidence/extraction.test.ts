// Extraction form: validation with field paths, every disagreement between two extractions, reconciliation with its
// record, and the agreed extraction as a trial entry that the evidence base accepts (worked example: Dashti 2025).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  compareExtractions,
  extractionProblems,
  extractionToTrialEntry,
  parseExtraction,
  reconcile,
  type Extraction,
  type ExtractionInput,
} from "../../src/evidence/extraction.js";
import { parseEvidenceContent } from "../../src/evidence/parse.js";
import { EVIDENCE_FILES } from "../../src/evidence/schema.js";
import { InputError } from "../../src/shared/errors.js";
import { DASHTI_A, DASHTI_B } from "./fixtures/dashti-2025-extraction.js";

const META = { therapy: "lit" as const, label: "Dashti 2025", year: 2025, comparison: "LIT vs routine treatment, ANA-positive RPL" };
const a = (): Extraction => parseExtraction(DASHTI_A);
const b = (): Extraction => parseExtraction(DASHTI_B);
const withOutcome = (o: Partial<Extraction["outcomes"][number]>): ExtractionInput => ({ ...DASHTI_A, outcomes: [{ ...a().outcomes[0]!, ...o }] });

function fieldOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    if (e instanceof InputError) return e.location.field;
    throw e;
  }
  return undefined;
}

describe("extraction form validation", () => {
  it("accepts the worked example", () => {
    expect(extractionProblems(a())).toEqual([]);
  });
  it("events above totals are refused with the field path", () => {
    const bad = withOutcome({ data: { type: "dichotomous", events_t: 12, total_t: 10, events_c: 3, total_c: 10 }, status: "reported", missingNote: undefined });
    expect(fieldOf(() => parseExtraction(bad))).toBe("outcomes.0.data.events_t");
  });
  it("a negative SD is refused with the field path", () => {
    const bad = withOutcome({ outcome: "birth-weight", data: { type: "continuous", unit: "g", mean_t: 3000, sd_t: -1, n_t: 10, mean_c: 3100, sd_c: 400, n_c: 10 }, status: "reported", missingNote: undefined });
    expect(fieldOf(() => parseExtraction(bad))).toBe("outcomes.0.data.sd_t");
  });
  it("a derived number needs its derivation; numbers left empty need status missing and a note", () => {
    const derived = withOutcome({ data: { type: "dichotomous", events_t: 3, total_t: 10, events_c: 2, total_c: 10 }, status: "derived", missingNote: undefined });
    expect(fieldOf(() => parseExtraction(derived))).toBe("outcomes.0.derivation");
    const ok = withOutcome({ data: { type: "dichotomous", events_t: 3, total_t: 10, events_c: 2, total_c: 10 }, status: "derived", derivation: { method: "from-percentage", note: "30% of 10" }, missingNote: undefined });
    expect(() => parseExtraction(ok)).not.toThrow();
    const partly = withOutcome({ data: { type: "dichotomous", events_t: 3, total_t: 10, events_c: null, total_c: null }, status: "reported", missingNote: undefined });
    expect(fieldOf(() => parseExtraction(partly))).toBe("outcomes.0.status");
  });
  it("ITT totals cannot exceed the arm size; arms cannot exceed the number enrolled", () => {
    const arms = a().arms.map((x) => ({ ...x, randomised: 40 }));
    const itt: ExtractionInput = { ...withOutcome({ analysis: "itt", data: { type: "dichotomous", events_t: 3, total_t: 41, events_c: 2, total_c: 40 }, status: "reported", missingNote: undefined }), arms };
    expect(fieldOf(() => parseExtraction(itt))).toBe("outcomes.0.data.total_t");
    const over: ExtractionInput = { ...DASHTI_A, arms: a().arms.map((x) => ({ ...x, randomised: 50 })) };
    expect(fieldOf(() => parseExtraction(over))).toBe("population.enrolled");
  });
  it("a mean without its SD is refused", () => {
    const bad = withOutcome({ outcome: "birth-weight", data: { type: "continuous", unit: "g", mean_t: 3000, sd_t: null, n_t: 10, mean_c: null, sd_c: null, n_c: null }, status: "missing", missingNote: "control not reported" });
    expect(fieldOf(() => parseExtraction(bad))).toBe("outcomes.0.data.mean_t");
  });
});

describe("compareExtractions", () => {
  it("finds the one disagreement of the worked example, with both values", () => {
    expect(compareExtractions(a(), b())).toEqual([{ path: "population.enrolled", a: 84, b: 198 }]);
  });
  it("identical extractions have none; arm and outcome order does not matter", () => {
    const reordered: Extraction = { ...a(), arms: [...a().arms].reverse() };
    expect(compareExtractions(a(), reordered)).toEqual([]);
  });
  it("every differing field is listed, keyed by arm and outcome id; an outcome only one reviewer entered is one disagreement", () => {
    const x = a();
    const y = structuredClone(x);
    y.arms[1]!.label = "standard care";
    y.outcomes[0]!.timePoint = "birth";
    y.outcomes.push({ ...structuredClone(x.outcomes[0]!), id: "miscarriage-ana-pos", outcome: "miscarriage", definition: "miscarriage, ANA-positive stratum" });
    const d = compareExtractions(x, y);
    expect(d.map((v) => v.path).sort()).toEqual(["arms[control].label", "outcomes[live-birth-ana-pos].timePoint", "outcomes[miscarriage-ana-pos]"].sort());
    expect(d.find((v) => v.path === "outcomes[miscarriage-ana-pos]")?.a).toBeUndefined();
  });
  it("refuses extractions of two different studies", () => {
    expect(() => compareExtractions(a(), { ...b(), study: "other-2020" })).toThrow(InputError);
  });
});

describe("reconcile", () => {
  it("take A: the agreed extraction and the record of the resolution", () => {
    const r = reconcile(a(), b(), [{ path: "population.enrolled", choice: "a", reason: "the comparison is the ANA-positive stratum" }]);
    expect(r.agreed.population.enrolled).toBe(84);
    expect(r.resolved).toEqual([{ path: "population.enrolled", a: 84, b: 198, choice: "a", value: 84, reason: "the comparison is the ANA-positive stratum" }]);
  });
  it("take B and a new value with a reason", () => {
    expect(reconcile(a(), b(), [{ path: "population.enrolled", choice: "b" }]).agreed.population.enrolled).toBe(198);
    const n = reconcile(a(), b(), [{ path: "population.enrolled", choice: "new", value: null, reason: "not stated per comparison" }]);
    expect(n.agreed.population.enrolled).toBeNull();
    expect(() => reconcile(a(), b(), [{ path: "population.enrolled", choice: "new", value: 90, reason: "" }])).toThrow(/reason/);
  });
  it("an unresolved disagreement, a resolution of a field that agrees, or one resolved twice is refused", () => {
    expect(() => reconcile(a(), b(), [])).toThrow(/not resolved: population.enrolled/);
    expect(() => reconcile(a(), b(), [{ path: "population.enrolled", choice: "a" }, { path: "design.blinding", choice: "b" }])).toThrow(/not a disagreement/);
    expect(() => reconcile(a(), b(), [{ path: "population.enrolled", choice: "a" }, { path: "population.enrolled", choice: "b" }])).toThrow(/twice/);
  });
  it("a new value that breaks the form (events above total) is refused with the agreed field", () => {
    const x = parseExtraction(withOutcome({ data: { type: "dichotomous", events_t: 3, total_t: 10, events_c: 2, total_c: 10 }, status: "reported", missingNote: undefined }));
    const y = structuredClone(x);
    y.outcomes[0]!.data = { type: "dichotomous", events_t: 4, total_t: 10, events_c: 2, total_c: 10 };
    expect(fieldOf(() => reconcile(x, y, [{ path: "outcomes[live-birth-ana-pos].data.events_t", choice: "new", value: 11, reason: "typo" }]))).toBe("outcomes.0.data.events_t");
    expect(reconcile(x, y, [{ path: "outcomes[live-birth-ana-pos].data.events_t", choice: "b" }]).agreed.outcomes[0]!.data).toMatchObject({ events_t: 4 });
  });
  it("an outcome only B entered can be taken over, or dropped by taking A", () => {
    const x = a();
    const y = structuredClone(x);
    y.outcomes.push({ ...structuredClone(x.outcomes[0]!), id: "miscarriage-ana-pos", outcome: "miscarriage", definition: "miscarriage, ANA-positive stratum" });
    expect(reconcile(x, y, [{ path: "outcomes[miscarriage-ana-pos]", choice: "b" }]).agreed.outcomes.map((o) => o.id)).toEqual(["live-birth-ana-pos", "miscarriage-ana-pos"]);
    expect(reconcile(x, y, [{ path: "outcomes[miscarriage-ana-pos]", choice: "a" }]).agreed.outcomes.map((o) => o.id)).toEqual(["live-birth-ana-pos"]);
  });
});

describe("extractionToTrialEntry", () => {
  const dataDir = join(import.meta.dirname, "..", "..", "data");
  const content = (): Record<string, unknown> => {
    const c: Record<string, unknown> = {};
    for (const [k, f] of Object.entries(EVIDENCE_FILES)) c[k] = JSON.parse(readFileSync(join(dataDir, f.file), "utf8")) as unknown;
    return c;
  };
  it("the agreed worked example is a trial entry the evidence base accepts in place of the current one", () => {
    const { agreed } = reconcile(a(), b(), [{ path: "population.enrolled", choice: "a", reason: "ANA-positive stratum" }]);
    const entry = extractionToTrialEntry(agreed, META);
    expect(entry).toMatchObject({ id: "dashti-2025", therapy: "lit", population: expect.stringContaining("84 enrolled"), rob: null });
    expect(entry.outcomes[0]).toMatchObject({ id: "live-birth-ana-pos", status: "missing", statedDirection: "favours treatment", definition: expect.stringContaining("end of pregnancy") });
    expect(entry.design.note).toContain("dose not reported in the abstract");
    const c = content();
    c.trials = (c.trials as Array<{ id: string }>).map((t) => (t.id === "dashti-2025" ? entry : t));
    const { problems } = parseEvidenceContent(c);
    expect(problems).toEqual([]);
  });
  it("derived counts keep how they were derived; a continuous outcome keeps mean/SD/n in its note", () => {
    const x = parseExtraction({
      ...DASHTI_A,
      outcomes: [
        { ...a().outcomes[0]!, data: { type: "dichotomous", events_t: 9, total_t: 17, events_c: 5, total_c: 17 }, status: "derived", derivation: { method: "from-percentage", note: "52.9% and 29.4% of 17" }, missingNote: undefined },
        { ...a().outcomes[0]!, id: "birth-weight", outcome: "birth-weight", definition: "birth weight", data: { type: "continuous", unit: "g", mean_t: 3100, sd_t: 420, n_t: 9, mean_c: 3000, sd_c: 390, n_c: 5 }, status: "reported", missingNote: undefined },
      ],
    });
    const e = extractionToTrialEntry(x, META);
    expect(e.outcomes[0]).toMatchObject({ status: "derived", derivation: "from a percentage: 52.9% and 29.4% of 17", events_t: 9 });
    expect(e.outcomes[1]).toMatchObject({ status: "missing", events_t: null, missingNote: expect.stringContaining("mean 3100 g, SD 420, n 9") });
  });
});
