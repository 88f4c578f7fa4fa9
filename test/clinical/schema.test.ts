import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { patientRecordJsonSchema } from "../../src/clinical/index.js";

const SCHEMA_FILE = join(import.meta.dirname, "..", "..", "schemas", "patient-record.schema.json");

describe("schemas/patient-record.schema.json", () => {
  it("is up to date with PatientRecordSchema (regenerate: decidua assess --schema > schemas/patient-record.schema.json)", () => {
    const committed = JSON.parse(readFileSync(SCHEMA_FILE, "utf8")) as unknown;
    expect(committed).toEqual(patientRecordJsonSchema());
  });

  it("documents units as enums and closes objects against misspelt fields", () => {
    const s = patientRecordJsonSchema() as { properties: Record<string, { properties?: Record<string, { enum?: string[] }> }>; additionalProperties?: boolean; required?: string[] };
    expect(s.properties["weight"]!.properties!["unit"]!.enum).toEqual(["kg", "lb"]);
    expect(s.additionalProperties).toBe(false);
    expect(s.required).toEqual(["losses"]);
  });
});
