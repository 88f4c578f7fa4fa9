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
  version: z.number().int(),
  createdAt: z.string(),
  createdBy: z.string(),
  updatedAt: z.string(),
  updatedBy: z.string(),
});
export const PatientSchema = PatientSummarySchema.extend({ record: z.record(z.string(), z.unknown()), pseudonymised: z.boolean() });
