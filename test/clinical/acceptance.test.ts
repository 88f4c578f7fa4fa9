import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { assessPatient } from "../../src/clinical/index.js";
import { EXAMPLES, evidenceLookup, readJson } from "./helpers.js";

const today = "2024-09-01";

describe("acceptance profile (a): four unexplained first-trimester losses, complete negative work-up, raised uterine NK", () => {
  const a = assessPatient(readJson(join(EXAMPLES, "profile-a.json")), { today, evidence: evidenceLookup() });
  const lit = a.therapies.lit;

  it("meets ESHRE and RCOG definitions with 4 unexplained losses and a complete, normal work-up", () => {
    expect(a.diagnosis.lossCount).toBe(4);
    expect(a.diagnosis.unexplainedFirstTrimesterLossCount).toBe(4);
    expect(a.diagnosis.definitions.eshre.met).toBe(true);
    expect(a.diagnosis.definitions.rcog.met).toBe(true);
    expect(a.diagnosis.type).toBe("primary");
    expect(a.diagnosis.workupComplete).toBe(true);
    expect(a.diagnosis.workup.map((w) => [w.id, w.status])).toEqual([
      ["karyotype-female", "normal"],
      ["karyotype-male", "normal"],
      ["uterine-anatomy", "normal"],
      ["antiphospholipid", "normal"],
      ["thyroid", "normal"],
      ["thrombophilia", "normal"],
    ]);
    expect(a.diagnosis.aps.met).toBe(false);
    expect(a.diagnosis.causes).toEqual([]);
  });

  it("LIT is protocol-eligible, citing the uterine NK finding with value, 5% cut-off and Quenby 2005", () => {
    expect(lit.status).toBe("protocol-eligible");
    const unk = lit.findings.find((f) => f.id === "uterineNk");
    expect(unk).toBeDefined();
    expect(unk!.role).toBe("supports");
    expect(unk!.value).toBe(9.5);
    expect(unk!.unit).toBe("%");
    expect(unk!.cutOff).toBe("≥ 5%");
    expect(unk!.source).toBe("Quenby 2005");
    expect(unk!.reading).toContain("9.5%");
    const losses = lit.findings.find((f) => f.id === "unexplained-losses");
    expect(losses?.value).toBe(4);
    expect(losses?.role).toBe("supports");
    expect(lit.missing).toEqual([]);
  });

  it("places LIT within a protocol with progesterone and low-dose aspirin", () => {
    const co = lit.coInterventions.map((c) => c.therapy);
    expect(co).toContain("progesterone");
    expect(co).toContain("lmwh-aspirin");
    expect(lit.coInterventions.find((c) => c.therapy === "lmwh-aspirin")!.label).toMatch(/low-dose aspirin/i);
  });

  it("states that guidelines advise against LIT outside research, and what protocol-eligible means", () => {
    expect(lit.researchNote).toMatch(/Guidelines advise against LIT outside research/);
    expect(lit.researchNote).toMatch(/ESHRE/);
    expect(lit.researchNote).toMatch(/FDA/);
    expect(lit.researchNote).toMatch(/IND/);
    expect(lit.researchNote).toMatch(/informed consent/);
    expect(lit.headline).toMatch(/advise against LIT outside research/);
    // guideline positions come from the evidence base, each with its citation and verified flag
    expect(lit.guideline.some((g) => g.body === "FDA" && g.verified && g.direction === "research-only")).toBe(true);
    expect(lit.guideline.some((g) => g.body === "ESHRE" && g.direction === "against")).toBe(true);
    expect(lit.evidence.origin).toBe("evidence-base");
    expect(lit.evidence.subgroupNote).toMatch(/nk-elevated/);
  });

  it("marks the uterine NK finding research-grade and keeps the patient summary honest", () => {
    const unk = a.immune.find((f) => f.marker === "uterineNk")!;
    expect(unk.status).toBe("abnormal");
    expect(unk.researchGrade).toBe(true);
    const text = a.patientSummary.join(" ");
    expect(text).toMatch(/do not recommend routine use/);
    expect(text).toMatch(/Nobody can promise/);
    expect(text).not.toMatch(/guarantee|will work for you|proven to work/i);
  });

  it("progesterone and heparin/aspirin on their own are not indicated (no bleeding, no APS)", () => {
    expect(a.therapies.progesterone.status).toBe("not-indicated");
    expect(a.therapies["lmwh-aspirin"].status).toBe("not-indicated");
  });
});

describe("acceptance profile (b): two losses, one chromosomally abnormal, work-up incomplete", () => {
  const a = assessPatient(readJson(join(EXAMPLES, "profile-b.json")), { today });
  const lit = a.therapies.lit;

  // issue 9 §1: premature never rests on the loss count alone; the LIT protocol asks for 3 unexplained
  // first-trimester losses and the record has 1, so LIT is not-indicated and says which protocol asked for what.
  it("LIT is not indicated: the protocol asks for more unexplained losses than the record has", () => {
    expect(lit.status).toBe("not-indicated");
    expect(lit.reasonKind).toBe("criterion-not-completable");
    expect(lit.headline).toMatch(/LIT protocol .* asks for 3 or more unexplained first-trimester losses/);
  });

  it("names the chromosomal explanation and the loss count", () => {
    const explained = lit.findings.find((f) => f.id === "explained-loss:1");
    expect(explained?.reading).toMatch(/abnormal embryo karyotype \(47,XX,\+16\)/);
    const count = lit.findings.find((f) => f.id === "unexplained-losses");
    expect(count?.value).toBe(1);
    expect(count?.cutOff).toBe("≥ 3");
    expect(count?.role).toBe("against");
    expect(lit.unmet.join(" ")).toMatch(/1 recorded, 1 of 2 losses explained by an abnormal embryo karyotype/);
    expect(a.diagnosis.lossCount).toBe(2);
    expect(a.diagnosis.definitions.rcog.met).toBe(false);
  });

  it("lists each missing investigation", () => {
    // issue 9 §1: the missing work-up is named by the diagnosis; it no longer makes LIT "premature"
    const missing = a.diagnosis.missingWorkup;
    const ids = missing.map((m) => m.id);
    for (const id of ["karyotype-female", "karyotype-male", "uterine-anatomy", "antiphospholipid", "thrombophilia", "thyroid"]) expect(ids).toContain(id);
    // thyroid: TSH done, TPO antibodies missing
    expect(missing.find((m) => m.id === "thyroid")!.detail).toMatch(/TPO antibodies not recorded/);
    expect(a.diagnosis.workupComplete).toBe(false);
  });

  it("no therapy is offered before the work-up: nothing is recommended or protocol-eligible", () => {
    for (const v of Object.values(a.therapies)) expect(["recommended", "protocol-eligible"]).not.toContain(v.status);
  });
});

describe("evidence from the evidence base in the verdict", () => {
  it("LIT carries the base's regimens, safety, monitoring and regulatory status with their sources", () => {
    const a = assessPatient(readJson(join(EXAMPLES, "profile-a.json")), { today, evidence: evidenceLookup() });
    const e = a.therapies.lit.evidence;
    expect(e.regimens!.length).toBeGreaterThan(0);
    expect(e.safety!.length).toBeGreaterThan(0);
    for (const x of [...e.regimens!, ...e.safety!]) expect(x).toMatch(/\[[a-z0-9-]+(, unverified)?\]$/);
    expect(e.regulatoryStatus).toMatch(/IND|investigational/i);
  });
});
