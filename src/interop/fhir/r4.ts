/**
 * zod schemas of the FHIR R4 elements Decidua reads (loose objects: other elements pass through untouched), and the
 * check that a Bundle is R4 and not STU3/DSTU2 or R5. Full StructureDefinition validation of what Decidua writes is
 * done with @medplum/core in the tests (test/interop/).
 */
import { z } from "zod";

const str = z.string();
export const CodingSchema = z.looseObject({ system: str.optional(), code: str.optional(), display: str.optional() });
export const CodeableConceptSchema = z.looseObject({ coding: z.array(CodingSchema).optional(), text: str.optional() });
export const QuantitySchema = z.looseObject({
  value: z.number({ error: "must be a number" }).optional(),
  unit: str.optional(),
  system: str.optional(),
  code: str.optional(),
  comparator: z.enum(["<", "<=", ">=", ">"]).optional(),
});
export const ReferenceSchema = z.looseObject({ reference: str.optional(), display: str.optional() });
const PeriodSchema = z.looseObject({ start: str.optional(), end: str.optional() });
const RatioSchema = z.looseObject({ numerator: QuantitySchema.optional(), denominator: QuantitySchema.optional() });
const RangeSchema = z.looseObject({ low: QuantitySchema.optional(), high: QuantitySchema.optional() });

const value = {
  valueQuantity: QuantitySchema.optional(),
  valueCodeableConcept: CodeableConceptSchema.optional(),
  valueString: str.optional(),
  valueBoolean: z.boolean().optional(),
  valueInteger: z.number().int().optional(),
  valueRatio: RatioSchema.optional(),
  valueRange: RangeSchema.optional(),
  valueDateTime: str.optional(),
};

/** effective[x]: the time or period an Observation, DiagnosticReport or similar resource is about. */
const effective = { effectiveDateTime: str.optional(), effectivePeriod: PeriodSchema.optional() };

const base = { id: str.optional(), meta: z.looseObject({ profile: z.array(str).optional() }).optional() };

export const PatientSchema = z.looseObject({ ...base, resourceType: z.literal("Patient"), birthDate: str.optional(), gender: str.optional() });
export const RelatedPersonSchema = z.looseObject({
  ...base,
  resourceType: z.literal("RelatedPerson"),
  gender: str.optional(),
  relationship: z.array(CodeableConceptSchema).optional(),
});
export const ObservationSchema = z.looseObject({
  ...base,
  resourceType: z.literal("Observation"),
  status: str,
  code: CodeableConceptSchema,
  subject: ReferenceSchema.optional(),
  focus: z.array(ReferenceSchema).optional(),
  ...effective,
  issued: str.optional(),
  ...value,
  dataAbsentReason: CodeableConceptSchema.optional(),
  interpretation: z.array(CodeableConceptSchema).optional(),
  referenceRange: z.array(z.looseObject({ low: QuantitySchema.optional(), high: QuantitySchema.optional(), text: str.optional() })).optional(),
  component: z.array(z.looseObject({ code: CodeableConceptSchema, ...value, interpretation: z.array(CodeableConceptSchema).optional() })).optional(),
  hasMember: z.array(ReferenceSchema).optional(),
  method: CodeableConceptSchema.optional(),
  note: z.array(z.looseObject({ text: str })).optional(),
});
export const ConditionSchema = z.looseObject({
  ...base,
  resourceType: z.literal("Condition"),
  clinicalStatus: CodeableConceptSchema.optional(),
  verificationStatus: CodeableConceptSchema.optional(),
  code: CodeableConceptSchema.optional(),
  subject: ReferenceSchema,
  onsetDateTime: str.optional(),
  recordedDate: str.optional(),
});
export const ProcedureSchema = z.looseObject({
  ...base,
  resourceType: z.literal("Procedure"),
  status: str,
  code: CodeableConceptSchema.optional(),
  subject: ReferenceSchema,
  performedDateTime: str.optional(),
  performedPeriod: PeriodSchema.optional(),
  outcome: CodeableConceptSchema.optional(),
  report: z.array(ReferenceSchema).optional(),
});
export const DiagnosticReportSchema = z.looseObject({
  ...base,
  resourceType: z.literal("DiagnosticReport"),
  status: str,
  code: CodeableConceptSchema,
  subject: ReferenceSchema.optional(),
  ...effective,
  issued: str.optional(),
  result: z.array(ReferenceSchema).optional(),
  conclusion: str.optional(),
  conclusionCode: z.array(CodeableConceptSchema).optional(),
});
export const AllergyIntoleranceSchema = z.looseObject({
  ...base,
  resourceType: z.literal("AllergyIntolerance"),
  clinicalStatus: CodeableConceptSchema.optional(),
  verificationStatus: CodeableConceptSchema.optional(),
  code: CodeableConceptSchema.optional(),
  patient: ReferenceSchema,
});
export const MedicationStatementSchema = z.looseObject({
  ...base,
  resourceType: z.literal("MedicationStatement"),
  status: str,
  medicationCodeableConcept: CodeableConceptSchema.optional(),
  medicationReference: ReferenceSchema.optional(),
  subject: ReferenceSchema,
  ...effective,
});

export const MedicationRequestSchema = z.looseObject({
  ...base,
  resourceType: z.literal("MedicationRequest"),
  status: str,
  intent: str.optional(),
  medicationCodeableConcept: CodeableConceptSchema.optional(),
  medicationReference: ReferenceSchema.optional(),
  subject: ReferenceSchema,
  authoredOn: str.optional(),
});

export type Coding = z.infer<typeof CodingSchema>;
export type CodeableConcept = z.infer<typeof CodeableConceptSchema>;
export type Quantity = z.infer<typeof QuantitySchema>;
export type Patient = z.infer<typeof PatientSchema>;
export type RelatedPerson = z.infer<typeof RelatedPersonSchema>;
export type Observation = z.infer<typeof ObservationSchema>;
export type Condition = z.infer<typeof ConditionSchema>;
export type Procedure = z.infer<typeof ProcedureSchema>;
export type DiagnosticReport = z.infer<typeof DiagnosticReportSchema>;
export type AllergyIntolerance = z.infer<typeof AllergyIntoleranceSchema>;
export type MedicationStatement = z.infer<typeof MedicationStatementSchema>;
export type MedicationRequest = z.infer<typeof MedicationRequestSchema>;

export const READ_SCHEMAS = {
  Patient: PatientSchema,
  RelatedPerson: RelatedPersonSchema,
  Observation: ObservationSchema,
  Condition: ConditionSchema,
  Procedure: ProcedureSchema,
  DiagnosticReport: DiagnosticReportSchema,
  AllergyIntolerance: AllergyIntoleranceSchema,
  MedicationStatement: MedicationStatementSchema,
  MedicationRequest: MedicationRequestSchema,
} as const;
export type ReadResourceType = keyof typeof READ_SCHEMAS;

export const BundleSchema = z.looseObject({
  resourceType: z.literal("Bundle", { error: 'resourceType must be "Bundle"' }),
  type: z.enum(["document", "message", "transaction", "transaction-response", "batch", "batch-response", "history", "searchset", "collection"], {
    error: "type must be an R4 Bundle.type (collection, searchset, document, transaction, …)",
  }),
  meta: z.looseObject({ profile: z.array(str).optional() }).optional(),
  entry: z.array(z.looseObject({ fullUrl: str.optional(), resource: z.looseObject({ resourceType: str, id: str.optional() }).optional() })).optional(),
});

/** Resource types that exist only in R5 (or were renamed from R4), and in STU3/DSTU2 only. */
const NOT_R4_TYPES: Record<string, string> = {
  MedicationUsage: "R5 (MedicationStatement in R4)",
  ActorDefinition: "R5",
  Requirements: "R5",
  InventoryItem: "R5",
  Transport: "R5",
  ProcedureRequest: "STU3 (ServiceRequest in R4)",
  ReferralRequest: "STU3 (ServiceRequest in R4)",
  DiagnosticOrder: "DSTU2",
  Order: "DSTU2",
};

/**
 * Returns why the resource is not R4 (an STU3/DSTU2 or R5 shape), or null. Checks the elements whose type changed
 * between versions in the resources Decidua reads.
 */
export function notR4Reason(r: Record<string, unknown>): { field: string; why: string } | null {
  const t = String(r.resourceType);
  const fromType = NOT_R4_TYPES[t];
  if (fromType !== undefined) return { field: "resourceType", why: `${t} is a ${fromType} resource type, not R4` };
  const isString = (k: string) => typeof r[k] === "string";
  if ((t === "Condition" || t === "AllergyIntolerance") && isString("clinicalStatus"))
    return { field: "clinicalStatus", why: "clinicalStatus is a code (STU3); R4 requires a CodeableConcept" };
  if ((t === "Condition" || t === "AllergyIntolerance") && isString("verificationStatus"))
    return { field: "verificationStatus", why: "verificationStatus is a code (STU3); R4 requires a CodeableConcept" };
  if (t === "Observation" && "comments" in r) return { field: "comments", why: "Observation.comments is STU3; R4 uses note" };
  if (t === "Observation" && ("triggeredBy" in r || "instantiatesCanonical" in r || "valueAttachment" in r))
    return { field: "triggeredBy", why: "an R5 Observation element; R4 does not have it" };
  if (t === "Patient" && "animal" in r) return { field: "animal", why: "Patient.animal is STU3; R4 removed it" };
  if (t === "Procedure" && ("occurrenceDateTime" in r || "occurrencePeriod" in r)) return { field: "occurrence[x]", why: "Procedure.occurrence[x] is R5; R4 uses performed[x]" };
  if (t === "Procedure" && "notPerformed" in r) return { field: "notPerformed", why: "Procedure.notPerformed is STU3" };
  if (t === "AllergyIntolerance" && "assertedDate" in r) return { field: "assertedDate", why: "AllergyIntolerance.assertedDate is STU3; R4 uses recordedDate" };
  if (t === "MedicationStatement" && "taken" in r) return { field: "taken", why: "MedicationStatement.taken is STU3" };
  if (t === "Bundle" && "issues" in r) return { field: "issues", why: "Bundle.issues is R5" };
  return null;
}
