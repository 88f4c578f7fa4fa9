/** zod schemas shared by routes (request parts and documented responses). */
import { z } from "zod";
import { ROLES } from "../../store/index.js";

export const IsoDate = z.iso.date({ error: "must be a date written YYYY-MM-DD" });
export const RoleSchema = z.enum(ROLES);
export const UserSchema = z.object({ id: z.string(), username: z.string(), displayName: z.string(), role: RoleSchema, disabled: z.boolean(), createdAt: z.string() });
export const IdParams = z.object({ id: z.uuid({ error: "not a valid id" }) });
export const PatientSummarySchema = z.object({
  id: z.string(),
  pseudonymId: z.string(),
  displayName: z.string().nullable(),
  dateOfBirth: z.string().nullable(),
  /** Research view only: completed years on the patient's day 0 (no date of birth is shown). */
  ageYears: z.number().int().nullable().optional(),
  version: z.number().int(),
  /** Null in the research view (no calendar dates for researchers). */
  createdAt: z.string().nullable(),
  createdBy: z.string().nullable(),
  updatedAt: z.string().nullable(),
  updatedBy: z.string().nullable(),
  diagnosis: z
    .object({ label: z.string(), eshre: z.boolean(), rcog: z.boolean(), type: z.enum(["primary", "secondary", "none"]), lossCount: z.number(), aps: z.boolean(), needs: z.array(z.string()) })
    .nullable()
    .optional()
    .describe("The diagnosis line and what needs doing (clinical/overview.ts): the same diagnosis as the assessment"),
  due: z
    .array(z.object({ therapy: z.string(), therapyName: z.string(), planVersion: z.number().int(), step: z.string(), date: z.string(), until: z.string().optional(), state: z.enum(["due", "overdue"]), text: z.string() }))
    .optional()
    .describe("The patient list only: steps of the kept plans due within 7 days or overdue within 14 (clinical/due-steps.ts), on the server's today"),
});
export const PatientSchema = PatientSummarySchema.extend({ record: z.record(z.string(), z.unknown()), pseudonymised: z.boolean() });
