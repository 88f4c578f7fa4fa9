import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadDefaultEvidenceBase } from "../../src/evidence/load.js";
import { placeboRctRows } from "../../src/evidence/select.js";
import { EvidencePlotOutcomeSchema, therapyOutcomeListing, therapyOutcomeRows, therapyOutcomeStudyRows } from "../../src/evidence/outcomes.js";

const base = loadDefaultEvidenceBase();

/** data/trials.json read raw (not through the loader), to compare counts independently of the code under test. */
type RawOutcome = { id: string; outcome: string; analysis: string; subgroup?: string; events_t: number | null; total_t: number | null; events_c: number | null; total_c: number | null; definition: string };
type RawTrial = { id: string; label: string; therapy: string; design: { randomised: boolean; control: string }; outcomes: RawOutcome[] };
const rawJson = JSON.parse(readFileSync(new URL("../../data/trials.json", import.meta.url), "utf8")) as RawTrial[] | { trials: RawTrial[] };
const raw: RawTrial[] = Array.isArray(rawJson) ? rawJson : rawJson.trials;
const rawTrial = (id: string): RawTrial => {
  const t = raw.find((x) => x.id === id);
  if (t === undefined) throw new Error(`trial ${id} not in data/trials.json`);
  return t;
};

describe("outcomes per therapy and their study rows", () => {
  it("lists IVIG's outcomes with k = number of placebo RCTs with complete counts", () => {
    const list = therapyOutcomeListing(base, "ivig");
    const byOutcome = new Map(list.map((x) => [x.outcome, x.k]));
    // live birth: the same trials as the live-birth plots have always used
    expect(byOutcome.get("live-birth")).toBe(placeboRctRows(base, "ivig").length);
    expect(byOutcome.get("live-birth")).toBeGreaterThanOrEqual(5);
    // in data/trials.json only Coulam 1995 reports miscarriage counts, only Yamada 2022 complete ongoing-pregnancy counts
    expect(byOutcome.get("miscarriage")).toBe(1);
    expect(byOutcome.get("ongoing-pregnancy")).toBe(1);
    // no IVIG trial carries adverse-reaction or clinical-pregnancy counts: not listed
    expect(byOutcome.has("adverse-reaction")).toBe(false);
    expect(byOutcome.has("clinical-pregnancy")).toBe(false);
    for (const x of list) {
      expect(x.k).toBeGreaterThan(0);
      expect(x.k).toBe(x.trials.length);
    }
    // a therapy without placebo RCTs lists nothing
    expect(therapyOutcomeListing(base, "il2-treg")).toEqual([]);
  });

  it("k in the listing is computed independently from the raw file: placebo RCTs with a complete overall miscarriage row", () => {
    for (const therapy of ["ivig", "lit", "progesterone", "tacrolimus"]) {
      const expected = raw.filter(
        (t) =>
          t.therapy === therapy &&
          t.design.randomised === true &&
          (t.design.control === "placebo" || t.design.control === "basic-therapy-plus-placebo") &&
          t.outcomes.some((o) => o.outcome === "miscarriage" && o.subgroup === undefined && o.events_t !== null && o.events_c !== null && (o.total_t ?? 0) > 0 && (o.total_c ?? 0) > 0),
      ).length;
      const listed = therapyOutcomeListing(base, therapy).find((x) => x.outcome === "miscarriage")?.k ?? 0;
      expect(listed, therapy).toBe(expected);
    }
  });

  it("miscarriage rows carry the counts and definition of data/trials.json, one row per trial", () => {
    const rows = therapyOutcomeRows(base, "ivig", "miscarriage");
    expect(rows.map((r) => r.trial.id)).toEqual(["coulam-1995"]);
    const src = rawTrial("coulam-1995").outcomes.find((o) => o.outcome === "miscarriage");
    expect(src).toBeDefined();
    const r = rows[0]!;
    expect(r.row.study).toBe(rawTrial("coulam-1995").label);
    expect(r.row.data).toEqual({ kind: "binary", events_t: src!.events_t, total_t: src!.total_t, events_c: src!.events_c, total_c: src!.total_c });
    expect(r.definition).toBe(src!.definition);
    expect(r.outcome.analysis).toBe(src!.analysis);
    // and not the live-birth counts of the same trial
    const lb = placeboRctRows(base, "ivig").find((x) => x.trial.id === "coulam-1995");
    expect(lb?.counts.events_c).not.toBe(src!.events_c);
  });

  it("ongoing pregnancy takes Yamada 2022's 22-week row; live-birth rows equal placeboRctRows", () => {
    const [y] = therapyOutcomeRows(base, "ivig", "ongoing-pregnancy");
    const src = rawTrial("yamada-2022").outcomes.find((o) => o.outcome === "ongoing-pregnancy-22w")!;
    expect(y?.trial.id).toBe("yamada-2022");
    expect(y?.row.data).toEqual({ kind: "binary", events_t: src.events_t, total_t: src.total_t, events_c: src.events_c, total_c: src.total_c });
    const lb = therapyOutcomeStudyRows(base, "ivig", "live-birth");
    const ref = placeboRctRows(base, "ivig");
    expect(lb.map((r) => r.study)).toEqual(ref.map((x) => x.trial.label));
    expect(lb.map((r) => r.data)).toEqual(ref.map((x) => ({ kind: "binary", ...x.counts })));
    expect(new Set(lb.map((r) => r.study)).size).toBe(lb.length);
  });

  it("outcome slugs are validated", () => {
    expect(EvidencePlotOutcomeSchema.safeParse("miscarriage").success).toBe(true);
    expect(EvidencePlotOutcomeSchema.safeParse("happiness").success).toBe(false);
  });
});
