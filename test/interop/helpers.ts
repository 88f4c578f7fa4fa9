import { readFileSync } from "node:fs";
import { join } from "node:path";

export const TODAY = "2026-12-01";
const root = join(import.meta.dirname, "..", "..");

export type Json = Record<string, unknown>;
export function readJsonFile<T = Json>(rel: string): T {
  return JSON.parse(readFileSync(join(root, rel), "utf8")) as T;
}
export const profileBundle = (p: "a" | "b") => readJsonFile<{ resourceType: "Bundle"; type: string; entry: { fullUrl?: string; resource: Json }[] }>(`examples/fhir/profile-${p}.bundle.json`);
export const profileRecord = (p: "a" | "b") => readJsonFile(`examples/patients/profile-${p}.json`);

/** A Bundle of the Patient of profile (a) plus the given resources. */
export function withResources(...resources: Json[]) {
  const b = profileBundle("a");
  const patient = b.entry[0];
  return { resourceType: "Bundle", type: "collection", entry: [patient, ...resources.map((resource) => ({ resource }))] };
}

export const obs = (id: string, system: string, code: string, rest: Json): Json => ({
  resourceType: "Observation",
  id,
  status: "final",
  code: { coding: [{ system, code }] },
  subject: { reference: "Patient/rpl-a" },
  effectiveDateTime: "2024-04-02",
  ...rest,
});
