import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { APPLICABLE_STATUSES, REASON_KIND_STATUS, assessPatient, type Assessment, type ReasonKind, type VerdictStatus } from "../../src/clinical/index.js";
import { THERAPY_IDS, type TherapyId } from "../../src/shared/therapies.js";
import { EXAMPLES, VIGNETTES, evidenceLookup, readJson, vignetteFiles } from "./helpers.js";

interface Expectation {
  description: string;
  /** One line of clinical reasoning for the expected statuses. */
  rationale: string;
  today: string;
  therapies: Record<TherapyId, { status: VerdictStatus; reasonKind?: ReasonKind; findings?: string[]; missing?: string[] }>;
}

const expected = readJson(join(VIGNETTES, "expected.json")) as Record<string, Expectation>;
const files = vignetteFiles();

describe("vignettes (examples/patients/vignettes)", () => {
  it("issue 9: at least 60 vignettes, covering second-trimester and cervical-insufficiency losses, latent TB, IgA levels, a pregnant patient and a pre-conception protocol, three- vs four-loss protocols", () => {
    expect(files.length).toBeGreaterThanOrEqual(60);
    const text = JSON.stringify(files.map((f) => readJson(join(VIGNETTES, f))));
    for (const needle of ['"cervical-insufficiency"', '"latent-untreated"', '"latent-treated"', '"igaLevel"', '"antiIgaAntibodies"', '"currentPregnancy"', '"fetal-death"', '"pre-viable-delivery"']) expect(text).toContain(needle);
  });

  it("has at least 25 vignettes, each with an expectation for all eleven therapies", () => {
    expect(files.length).toBeGreaterThanOrEqual(25);
    for (const f of files) {
      const key = f.replace(/\.json$/, "");
      expect(expected[key], key).toBeDefined();
      expect(expected[key]!.rationale.length, `${key} rationale`).toBeGreaterThan(20);
      expect(Object.keys(expected[key]!.therapies).sort()).toEqual([...THERAPY_IDS].sort());
    }
  });

  for (const f of files) {
    const key = f.replace(/\.json$/, "");
    const exp = expected[key];
    it(`${key}: ${exp?.description ?? ""}`, () => {
      if (exp === undefined) throw new Error(`no expectation for ${key}`);
      const a = assessPatient(readJson(join(VIGNETTES, f)), { today: exp.today, file: f });
      for (const t of THERAPY_IDS) {
        const e = exp.therapies[t];
        const v = a.therapies[t];
        expect(v.status, `${key} ${t}: ${v.headline}`).toBe(e.status);
        if (e.reasonKind !== undefined) expect(v.reasonKind, `${key} ${t} reasonKind`).toBe(e.reasonKind);
        expect(REASON_KIND_STATUS[v.reasonKind], `${key} ${t}: reasonKind ${v.reasonKind} stands behind its status`).toBe(v.status);
        const ids = v.findings.map((x) => x.id);
        for (const id of e.findings ?? []) expect(ids, `${key} ${t} findings`).toContain(id);
        if (e.missing !== undefined) expect(v.missing.map((m) => m.id).sort(), `${key} ${t} missing`).toEqual([...e.missing].sort());
      }
    });
  }

  it("every therapy reaches every status that applies to it (profiles a and b plus the vignettes)", () => {
    const seen = new Map<TherapyId, Set<VerdictStatus>>(THERAPY_IDS.map((t) => [t, new Set<VerdictStatus>()]));
    const runs: Assessment[] = [
      assessPatient(readJson(join(EXAMPLES, "profile-a.json")), { today: "2024-09-01" }),
      assessPatient(readJson(join(EXAMPLES, "profile-b.json")), { today: "2024-09-01" }),
      ...files.map((f) => assessPatient(readJson(join(VIGNETTES, f)), { today: expected[f.replace(/\.json$/, "")]!.today })),
    ];
    for (const a of runs) for (const t of THERAPY_IDS) seen.get(t)!.add(a.therapies[t].status);
    for (const t of THERAPY_IDS) expect([...seen.get(t)!].sort(), t).toEqual([...APPLICABLE_STATUSES[t]].sort());
  });

  it("every verdict names its sources: findings carry a source, and evidence and criteria are cited", () => {
    for (const f of files) {
      const a = assessPatient(readJson(join(VIGNETTES, f)), { today: "2025-02-15", evidence: evidenceLookup() });
      for (const t of THERAPY_IDS) {
        const v = a.therapies[t];
        expect(v.criteriaSource.length, `${f} ${t}`).toBeGreaterThan(0);
        expect(v.evidence.origin).toBe("evidence-base");
        expect(v.evidence.summary.length).toBeGreaterThan(10);
        expect(v.guideline.length, `${f} ${t} guideline positions`).toBeGreaterThan(0);
        for (const g of v.guideline) {
          expect(g.citation.length, `${f} ${t} guideline citation`).toBeGreaterThan(5);
          expect(typeof g.verified).toBe("boolean");
        }
        for (const x of v.findings) expect(x.source, `${f} ${t} ${x.id}`).not.toBe("");
        if (v.status === "protocol-eligible") {
          expect(v.researchNote, `${f} ${t}`).toMatch(/research/i);
          expect(v.researchNote).toMatch(/informed consent/i);
        }
        if (v.status === "premature") expect(v.unmet.length + v.missing.length, `${f} ${t}`).toBeGreaterThan(0);
      }
    }
  });
});
