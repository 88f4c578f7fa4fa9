/**
 * Issue 11, gap B: whether a patient who meets the criteria is `recommended` or `protocol-eligible` follows the
 * guideline positions of the published evidence base (guidelineSupport, verdicts.ts), not a choice written into the
 * rule. Only a verified position in favour with a strength makes `recommended`; an unverified one never raises the
 * status, and the verdict says so.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { assessPatient, evidenceLookupFromBase } from "../../src/clinical/index.js";
import { loadDefaultEvidenceBase } from "../../src/evidence/load.js";
import type { EvidenceBase } from "../../src/evidence/schema.js";
import { evidenceLookup, readJson, VIGNETTES, vignetteFiles } from "./helpers.js";

const base = loadDefaultEvidenceBase();
const expected = readJson(join(VIGNETTES, "expected.json")) as Record<string, { today: string; therapies: Record<string, { status: string }> }>;
const aps3 = readJson(join(VIGNETTES, "v07-aps-three-losses.json"));
const aps2 = readJson(join(VIGNETTES, "v09-apl-persistent-two-losses.json"));
const TODAY = expected["v07-aps-three-losses"]!.today;

function withPosition(b: EvidenceBase, id: string, change: Record<string, unknown>): EvidenceBase {
  expect(b.guidelines.some((g) => g.id === id)).toBe(true);
  return { ...b, guidelines: b.guidelines.map((g) => (g.id === id ? { ...g, ...change } : g)) };
}
const lmwh = (record: unknown, b: EvidenceBase) => assessPatient(record, { today: TODAY, evidence: evidenceLookupFromBase(b) }).therapies["lmwh-aspirin"];

describe("guideline positions decide recommended vs protocol-eligible", () => {
  it("the repository's base reproduces every vignette's expected status (with the base as without it)", () => {
    const lookup = evidenceLookup();
    const files = vignetteFiles();
    let checked = 0;
    for (const f of files) {
      const key = f.replace(/\.json$/, "");
      const exp = expected[key]!;
      const a = assessPatient(readJson(join(VIGNETTES, f)), { today: exp.today, file: f, evidence: lookup });
      for (const [t, e] of Object.entries(exp.therapies)) {
        expect(a.therapies[t as keyof typeof a.therapies].status, `${key} ${t}`).toBe(e.status);
        checked++;
      }
    }
    // every vignette of expected.json is read, and each has its therapies' statuses
    expect(files.length).toBe(Object.keys(expected).length);
    expect(checked).toBeGreaterThanOrEqual(files.length);
  });

  it("APS with 3 losses is recommended on ESHRE 2017's verified conditional position; unverified, it is protocol-eligible and says why", () => {
    expect(lmwh(aps3, base)).toMatchObject({ status: "recommended", reasonKind: "guideline-supported" });
    const v = lmwh(aps3, withPosition(base, "eshre-2017-aps-lda-heparin", { verified: false, verification: undefined }));
    expect(v).toMatchObject({ status: "protocol-eligible", reasonKind: "criteria-met" });
    expect(v.reasons.join(" ")).toMatch(/ESHRE 2017, ACR 2020\) are not verified against the guideline text, so they do not raise the status/);
    expect(v.researchNote).toContain("Protocol-eligible means");
  });

  it("a verified position without a strength, one turned against, or one removed from the base does not make it recommended", () => {
    expect(lmwh(aps3, withPosition(base, "eshre-2017-aps-lda-heparin", { strength: null })).status).toBe("protocol-eligible");
    const against = lmwh(aps3, withPosition(base, "eshre-2017-aps-lda-heparin", { direction: "against" }));
    expect(against.status).toBe("protocol-eligible");
    expect(against.reasons.join(" ")).toContain("a verified position is against it (ESHRE 2017)");
    const removed = { ...base, guidelines: base.guidelines.filter((g) => g.id !== "eshre-2017-aps-lda-heparin") };
    expect(lmwh(aps3, removed).status).toBe("protocol-eligible");
  });

  it("an unverified position in favour never raises the status; a verified one does (APS with two losses)", () => {
    expect(lmwh(aps2, base).status).toBe("protocol-eligible");
    const unverified = withPosition(base, "eshre-2017-aps-two-losses", { direction: "conditional", strength: "Conditional", verified: false, verification: undefined });
    expect(lmwh(aps2, unverified).status).toBe("protocol-eligible");
    const verified = withPosition(base, "eshre-2017-aps-two-losses", { direction: "conditional", strength: "Conditional" });
    const v = lmwh(aps2, verified);
    expect(v).toMatchObject({ status: "recommended", reasonKind: "guideline-supported", unmet: [] });
  });

  it("without an evidence base the rule's own copy of the positions decides (sources.ts), as before", () => {
    expect(assessPatient(aps3, { today: TODAY }).therapies["lmwh-aspirin"].status).toBe("recommended");
    expect(assessPatient(aps2, { today: TODAY }).therapies["lmwh-aspirin"].status).toBe("protocol-eligible");
  });
});
