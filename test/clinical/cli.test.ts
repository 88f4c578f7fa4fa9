import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { THERAPY_IDS } from "../../src/shared/therapies.js";
import { EXAMPLES } from "./helpers.js";

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await main(args, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

const tmp = mkdtempSync(join(tmpdir(), "decidua-assess-"));

describe("decidua assess", () => {
  it("prints JSON with diagnosis, work-up, immune findings and per therapy status, findings, missing, guideline, evidence, plan", async () => {
    const r = await run(["assess", join(EXAMPLES, "profile-a.json"), "--json", "--today", "2024-09-01", "--plan", "2024-09-02"]);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as {
      diagnosis: { lossCount: number };
      workup: unknown[];
      immune: unknown[];
      therapies: Record<string, { status: string; findings: unknown[]; missing: unknown[]; guideline: unknown[]; evidence: { summary: string }; plan: { steps: { id: string; date: string | null }[] } | null }>;
    };
    expect(j.diagnosis.lossCount).toBe(4);
    expect(j.workup).toHaveLength(6);
    expect(j.immune.length).toBeGreaterThan(5);
    expect(Object.keys(j.therapies).sort()).toEqual([...THERAPY_IDS].sort());
    for (const t of THERAPY_IDS) for (const k of ["status", "findings", "missing", "guideline", "evidence", "plan"]) expect(j.therapies[t], `${t}.${k}`).toHaveProperty(k);
    expect(j.therapies["lit"]!.status).toBe("protocol-eligible");
    expect(j.therapies["lit"]!.plan!.steps[0]).toMatchObject({ id: "lit-injection-1", date: "2024-09-02" });
    expect(j.therapies["tacrolimus"]!.plan).toBeNull();
  });

  it("prints the clinician and patient views as text", async () => {
    const r = await run(["assess", join(EXAMPLES, "profile-b.json"), "--today", "2024-09-01"]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Clinician view:/);
    // issue 9 §1: profile (b) has too few unexplained losses for the LIT protocol: not-indicated, never premature
    expect(r.out).toMatch(/Lymphocyte immunisation therapy \(LIT\): not-indicated/);
    expect(r.out).toMatch(/For the patient:/);
  });

  it("bad input: exit 2 with the field named", async () => {
    const f = join(tmp, "bad.json");
    writeFileSync(f, JSON.stringify({ losses: [{ gestationalWeek: 47, kind: "clinical" }] }));
    const r = await run(["assess", f, "--json"]);
    expect(r.code).toBe(2);
    expect(r.out).toBe("");
    expect(r.err).toMatch(/field "losses\[0\]\.gestationalWeek": impossible gestational week: over 45/);
  });

  it("invalid JSON, a missing file and a bad --plan date: exit 2", async () => {
    const f = join(tmp, "broken.json");
    writeFileSync(f, "{ not json");
    expect((await run(["assess", f])).code).toBe(2);
    expect((await run(["assess", join(tmp, "nope.json")])).err).toMatch(/cannot read patient record/);
    const bad = await run(["assess", join(EXAMPLES, "profile-a.json"), "--plan", "next week"]);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--plan/);
    // a start years away is a typing error, named as the command line takes it
    const far = await run(["assess", join(EXAMPLES, "profile-a.json"), "--today", "2024-09-01", "--plan", "1900-01-01"]);
    expect(far.code).toBe(2);
    expect(far.err).toMatch(/field "--plan": a plan starting on 1900-01-01 is more than 2 years from today/);
  });

  it("--clinic applies the clinic's cut-offs (uterine NK 10%: profile (a) no longer qualifies for LIT)", async () => {
    const clinic = join(tmp, "clinic.json");
    writeFileSync(
      clinic,
      JSON.stringify({ name: "Clinic Y", cutOffs: { uterineNk: { comparator: ">=", value: 10, unit: "%", source: { id: "clinic-y", label: "Clinic Y", reference: "local" } } } }),
    );
    const r = await run(["assess", join(EXAMPLES, "profile-a.json"), "--json", "--today", "2024-09-01", "--clinic", clinic]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as { clinicConfig: string; therapies: Record<string, { status: string }> };
    expect(j.clinicConfig).toBe("Clinic Y");
    expect(j.therapies["lit"]!.status).toBe("not-indicated");
    const badClinic = join(tmp, "bad-clinic.json");
    writeFileSync(badClinic, JSON.stringify({ lit: { injections: 7 } }));
    const bad = await run(["assess", join(EXAMPLES, "profile-a.json"), "--clinic", badClinic]);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/field "lit.injections"/);
  });

  it("--schema prints the JSON Schema", async () => {
    const r = await run(["assess", "--schema"]);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.out) as { title: string }).title).toBe("Decidua patient record");
  });
  // issue 8 §5: follow-ups are read into the record by the same use case for the CLI and the server (app/followups.ts)
  it("--followups: an anti-paternal antibody result updates the LIT plan as on the server; a future-dated one is exit 2", async () => {
    const args = ["assess", join(EXAMPLES, "profile-a.json"), "--json", "--today", "2024-12-01", "--plan", "2024-09-02"];
    const planStatus = (out: string) => (JSON.parse(out) as { therapies: { lit: { plan: { status: string } } } }).therapies.lit.plan.status;
    const none = await run(args);
    expect(none.code).toBe(0);
    expect(planStatus(none.out)).toBe("awaiting-result");
    const f = join(tmp, "followups.json");
    writeFileSync(f, JSON.stringify([{ kind: "antibody-result", date: "2024-11-20", test: "anti-paternal-antibody", positive: false }, { kind: "pregnancy", date: "2024-11-25" }]));
    const neg = await run([...args, "--followups", f]);
    expect(neg.err).toBe("");
    expect(planStatus(neg.out)).toBe("reconsider");
    const future = join(tmp, "future.json");
    writeFileSync(future, JSON.stringify([{ kind: "antibody-result", date: "2024-12-20", test: "anti-paternal-antibody", positive: true }]));
    const r = await run([...args, "--followups", future]);
    expect(r.code).toBe(2);
    expect(r.out).toBe("");
    expect(r.err).toMatch(/row 1.*field "date".*after today 2024-12-01|field "date".*row 1/s);
    writeFileSync(future, JSON.stringify([{ kind: "loss", date: "2024-10-01", gestationalWeek: 50 }]));
    expect((await run([...args, "--followups", future])).err).toMatch(/gestationalWeek.*impossible gestational week: over 45/);
  });
});
