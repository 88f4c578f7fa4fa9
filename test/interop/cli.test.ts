import { mkdtempSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { profileBundle } from "./helpers.js";

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await main(args, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}
const tmp = mkdtempSync(join(tmpdir(), "decidua-fhir-cli-"));
const bundleFile = join(import.meta.dirname, "..", "..", "examples", "fhir", "profile-a.bundle.json");
const recordFile = join(import.meta.dirname, "..", "..", "examples", "patients", "profile-a.json");

describe("decidua assess with a FHIR Bundle", () => {
  it("assesses a FHIR R4 Bundle like the Decidua record, listing what it did not read", async () => {
    const fromFhir = await run(["assess", bundleFile, "--json", "--today", "2026-12-01"]);
    expect(fromFhir.err).toBe("");
    expect(fromFhir.code).toBe(0);
    const j = JSON.parse(fromFhir.out) as { therapies: Record<string, { status: string }>; fhirImport: { unmapped: { resource: string }[]; patient: { fhirId: string } } };
    const typed = JSON.parse((await run(["assess", recordFile, "--json", "--today", "2026-12-01"])).out) as { therapies: Record<string, { status: string }> };
    for (const t of Object.keys(typed.therapies)) expect(j.therapies[t]?.status, t).toBe(typed.therapies[t]?.status);
    expect(j.fhirImport.patient.fhirId).toBe("rpl-a");
    expect(j.fhirImport.unmapped.map((u) => u.resource)).toContain("Observation/rpl-a-hb");
    const txt = await run(["assess", bundleFile, "--today", "2026-12-01"]);
    expect(txt.out).toMatch(/Read from a FHIR R4 Bundle: rpl-a, 32 resources/);
    expect(txt.out).toMatch(/Observation\/rpl-a-hb .*718-7/);
  });

  it("assesses one of two Patients in a Bundle (hers and her partner's) named with --patient", async () => {
    const b = profileBundle("a");
    const partner = { resource: { resourceType: "Patient", id: "rpl-a-partner", gender: "male" } };
    const two = join(tmp, "two-patients.json");
    writeFileSync(two, JSON.stringify({ ...b, entry: [...b.entry, partner] }));
    const refused = await run(["assess", two, "--json", "--today", "2026-12-01"]);
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(/holds 2 patients .*name the one to read \(decidua assess --patient ID\)/);
    const chosen = await run(["assess", two, "--json", "--today", "2026-12-01", "--patient", "rpl-a"]);
    expect(chosen.code).toBe(0);
    expect((JSON.parse(chosen.out) as { fhirImport: { patient: { fhirId: string } } }).fhirImport.patient.fhirId).toBe("rpl-a");
    // with a Decidua record it has nothing to choose
    const record = await run(["assess", recordFile, "--today", "2026-12-01", "--patient", "rpl-a"]);
    expect([record.code, /--patient/.test(record.err)]).toEqual([2, true]);
  });

  it("writes the assessment as a FHIR Bundle with --fhir-out", async () => {
    const out = join(tmp, "assessment.json");
    const r = await run(["assess", bundleFile, "--today", "2026-12-01", "--fhir-out", out]);
    expect(r.code).toBe(0);
    const b = JSON.parse(readFileSync(out, "utf8")) as { resourceType: string; entry: { resource: { resourceType: string; subject?: { reference: string } } }[] };
    expect(b.resourceType).toBe("Bundle");
    expect(b.entry.filter((e) => e.resource.resourceType === "GuidanceResponse")).toHaveLength(11);
    expect(b.entry[0]!.resource.subject?.reference).toBe("Patient/rpl-a");
  });

  it("lists a result in an unknown unit as not read and assesses the rest; exits 2 naming the field for an impossible value, and writes nothing", async () => {
    const b = profileBundle("a");
    const tsh = b.entry.find((e) => e.resource.id === "rpl-a-tsh")!.resource as { valueQuantity: { code: string; value: number } };
    tsh.valueQuantity.code = "microunits";
    const f = join(tmp, "unit.json");
    writeFileSync(f, JSON.stringify(b));
    const listed = await run(["assess", f, "--today", "2026-12-01", "--json"]);
    expect(listed.code).toBe(0);
    const out = JSON.parse(listed.out) as { fhirImport: { unmapped: { resource: string; reason: string }[] } };
    expect(out.fhirImport.unmapped.find((u) => u.resource === "Observation/rpl-a-tsh")?.reason).toMatch(/unknown unit.*not read/);
    tsh.valueQuantity.code = "m[IU]/L";
    tsh.valueQuantity.value = 9000;
    const bad = join(tmp, "bad.json");
    writeFileSync(bad, JSON.stringify(b));
    const never = join(tmp, "never.json");
    const r = await run(["assess", bad, "--today", "2026-12-01", "--fhir-out", never]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('field "Observation/rpl-a-tsh → workup.thyroid.tsh.value"');
    expect(existsSync(never)).toBe(false);
  });

  it("reads a clinic's local codes with --fhir-codes and rejects a bad code map", async () => {
    const b = profileBundle("a");
    const unk = b.entry.find((e) => e.resource.id === "rpl-a-unk")!.resource as { code: { coding: { system: string; code: string }[] } };
    unk.code.coding = [{ system: "urn:clinic:lab", code: "UNK" }];
    const f = join(tmp, "local.json");
    writeFileSync(f, JSON.stringify(b));
    const codes = join(tmp, "codes.json");
    writeFileSync(codes, JSON.stringify({ observations: [{ system: "urn:clinic:lab", code: "UNK", target: "uterineNk" }] }));
    const without = JSON.parse((await run(["assess", f, "--json", "--today", "2026-12-01"])).out) as { immune: { marker: string; status: string }[] };
    expect(without.immune.find((m) => m.marker === "uterineNk")?.status).toBe("missing");
    const withCodes = JSON.parse((await run(["assess", f, "--json", "--today", "2026-12-01", "--fhir-codes", codes])).out) as { immune: { marker: string; status: string }[] };
    expect(withCodes.immune.find((m) => m.marker === "uterineNk")?.status).toBe("abnormal");
    writeFileSync(codes, JSON.stringify({ observations: [{ system: "x", code: "y", target: "nope" }] }));
    const bad = await run(["assess", f, "--today", "2026-12-01", "--fhir-codes", codes]);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/invalid code map/);
  });
});
