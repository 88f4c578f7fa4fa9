/**
 * Issue 9 property tests (fast-check): adding a normal result never makes a verdict less safe; a missing
 * investigation is never read as normal; no `premature` verdict rests on a further loss. (A future-dated item is
 * always rejected: hazards.test.ts H15.)
 */
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { assessPatient, type Assessment, type VerdictStatus } from "../../src/clinical/index.js";
import { THERAPY_IDS } from "../../src/shared/therapy-ids.js";
import { EXAMPLES, VIGNETTES, readJson } from "./helpers.js";

const today = "2025-02-15";
type Rec = Record<string, unknown> & { workup?: Record<string, unknown>; immune?: Record<string, unknown>; safety?: Record<string, unknown> };
const load = (f: string): Rec => readJson(f.startsWith("/") ? f : join(VIGNETTES, `${f}.json`)) as Rec;
const statuses = (a: Assessment): Record<string, VerdictStatus> => Object.fromEntries(THERAPY_IDS.map((t) => [t, a.therapies[t].status]));
const PERMISSIVE: readonly VerdictStatus[] = ["recommended", "protocol-eligible"];

/** Normal results, each added at one place of a record. */
const NORMAL: Array<[string, (r: Rec) => void]> = [
  ["karyotypeFemale", (r) => (r.workup!.karyotypeFemale = { result: "normal", detail: "46,XX", date: "2024-06-01" })],
  ["karyotypeMale", (r) => (r.workup!.karyotypeMale = { result: "normal", detail: "46,XY", date: "2024-06-01" })],
  ["uterineAnatomy", (r) => (r.workup!.uterineAnatomy = { method: "3d-ultrasound", result: "normal", date: "2024-06-01" })],
  ["thyroid", (r) => (r.workup!.thyroid = { date: "2024-06-01", tsh: { value: 1.5, unit: "mU/L" }, tpoAb: { value: 8, unit: "kU/L" } })],
  ["thrombophilia", (r) => (r.workup!.thrombophilia = { result: "normal", date: "2024-06-01" })],
  ["aPL panel", (r) => (r.workup!.antiphospholipid = [...((r.workup!.antiphospholipid as unknown[]) ?? []), { date: "2024-11-20", lupusAnticoagulant: "negative", aclIgG: { value: 3, unit: "GPL" }, aclIgM: { value: 2, unit: "MPL" } }])],
  ["peripheral NK", (r) => (r.immune!.peripheralNk = { value: 8, unit: "%", specimen: "peripheral-blood" })],
  ["uterine NK", (r) => (r.immune!.uterineNk = { value: 3, unit: "%", specimen: "endometrial-biopsy" })],
  ["Th1/Th2", (r) => (r.immune!.th1Th2Ratio = { value: 7 })],
  ["TNF-α/IL-10", (r) => (r.immune!.tnfIl10Ratio = { value: 20 })],
  ["TB negative", (r) => (r.safety!.tb = "negative")],
  ["IgA normal", (r) => ((r.safety!.igaLevel = { value: 2, unit: "g/L" }), delete r.safety!.igaDeficiency)],
  ["eGFR normal", (r) => (r.safety!.egfr = { value: 100, unit: "mL/min/1.73m2" })],
];
const BASES = ["v01-th1th2-three-losses", "v05-peripheral-nk-raised", "v09-apl-persistent-two-losses", "v10-apl-single-positive", "v19-iga-deficiency", "v27-raised-tsh", "v47-three-losses-four-loss-protocols", "v51-uterine-anatomy-not-done", "v63-single-loss", `${EXAMPLES}/profile-b.json`];

describe("safety properties (issue 9)", () => {
  it("adding a normal result never makes a verdict less safe (no contraindication lifted, nothing not-indicated becomes offered)", () => {
    fc.assert(
      fc.property(fc.constantFrom(...BASES), fc.subarray(NORMAL, { minLength: 1 }), (base, adds) => {
        const rec = structuredClone(load(base));
        rec.workup ??= {};
        rec.immune ??= {};
        rec.safety ??= {};
        const before = statuses(assessPatient(rec, { today }));
        for (const [, add] of adds) add(rec);
        const after = statuses(assessPatient(rec, { today }));
        for (const t of THERAPY_IDS) {
          const why = `${base} + ${adds.map(([n]) => n).join(", ")}: ${t} ${before[t]} -> ${after[t]}`;
          if (before[t] === "not-indicated") expect(PERMISSIVE, why).not.toContain(after[t]);
          if (before[t] === "contraindicated" && !adds.some(([n]) => n === "IgA normal" || n === "TB negative" || n === "eGFR normal")) expect(after[t], why).toBe("contraindicated");
        }
      }),
      { numRuns: 80 },
    );
  });

  it("a missing investigation is never read as normal: removing one never makes a verdict more permissive and names it missing", () => {
    const COMPLETE = ["v01-th1th2-three-losses", "v02-il33-flag-four-losses", "v05-peripheral-nk-raised", "v07-aps-three-losses", "v13-factor-v-leiden", "v21-five-losses-normal-panel", "v48-four-losses-primary", "v60-unk-specimen-recorded"];
    const ITEMS: Array<[string, string]> = [
      ["karyotypeFemale", "karyotype-female"],
      ["karyotypeMale", "karyotype-male"],
      ["uterineAnatomy", "uterine-anatomy"],
      ["antiphospholipid", "antiphospholipid"],
      ["thyroid", "thyroid"],
      ["thrombophilia", "thrombophilia"],
    ];
    fc.assert(
      fc.property(fc.constantFrom(...COMPLETE), fc.constantFrom(...ITEMS), (base, [field, id]) => {
        const rec = structuredClone(load(base));
        const before = statuses(assessPatient(rec, { today }));
        delete rec.workup![field];
        const a = assessPatient(rec, { today });
        expect(a.diagnosis.missingWorkup.map((w) => w.id)).toContain(id);
        for (const t of THERAPY_IDS) if (PERMISSIVE.includes(a.therapies[t].status)) expect(PERMISSIVE, `${base} without ${field}: ${t}`).toContain(before[t]);
        for (const t of THERAPY_IDS) if (a.therapies[t].status === "protocol-eligible") expect(a.therapies[t].reasonKind).toBe("criteria-met");
      }),
      { numRuns: 48 },
    );
  });

  it("no premature verdict whose only pending item is a further loss (random histories)", () => {
    const loss = fc.record({
      gestationalWeek: fc.integer({ min: 4, max: 23 }),
      kind: fc.constantFrom("clinical", "biochemical", "ectopic"),
      embryoKaryotype: fc.constantFrom(undefined, { result: "normal" }, { result: "abnormal" }),
    });
    const record = fc.record({
      losses: fc.array(loss, { maxLength: 6 }),
      drop: fc.subarray(["karyotypeFemale", "karyotypeMale", "uterineAnatomy", "antiphospholipid", "thyroid", "thrombophilia"]),
      unk: fc.option(fc.integer({ min: 0, max: 20 }), { nil: undefined }),
      th: fc.option(fc.integer({ min: 1, max: 20 }), { nil: undefined }),
      pregnant: fc.boolean(),
    });
    fc.assert(
      fc.property(record, (g) => {
        const rec = structuredClone(load("v01-th1th2-three-losses"));
        rec.losses = g.losses.map((l, i) => {
          const x: Record<string, unknown> = { gestationalWeek: l.kind === "biochemical" ? Math.min(l.gestationalWeek, 6) : l.gestationalWeek, kind: l.kind, date: `20${15 + i}-03-01` };
          if (l.kind === "ectopic") x.mechanism = "ectopic";
          if (l.embryoKaryotype !== undefined) x.embryoKaryotype = l.embryoKaryotype;
          return x;
        });
        for (const d of g.drop) delete rec.workup![d];
        rec.immune = {};
        if (g.unk !== undefined) rec.immune.uterineNk = { value: g.unk, unit: "%" };
        if (g.th !== undefined) rec.immune.th1Th2Ratio = { value: g.th };
        if (g.pregnant) rec.currentPregnancy = { gestationalWeek: 6, lastMenstrualPeriod: "2025-01-04" };
        const a = assessPatient(rec, { today });
        for (const t of THERAPY_IDS) {
          const v = a.therapies[t];
          if (v.status !== "premature") continue;
          expect(v.missing.length, `${t}: ${v.headline}`).toBeGreaterThan(0);
          expect(["investigation-pending", "conflicting-results"]).toContain(v.reasonKind);
          expect(v.headline).not.toMatch(/losses? .*needed|more losses|another loss/i);
        }
      }),
      { numRuns: 150 },
    );
  });
});
