/** The ids of the therapies Decidua reasons about: the vocabulary shared by data/, evidence/, clinical/, server/ and web/. */
import { z } from "zod";

export const THERAPY_IDS = [
  "lit",
  "ivig",
  "tacrolimus",
  "prednisolone",
  "lmwh-aspirin",
  "hydroxychloroquine",
  "intralipid",
  "tnf-inhibitor",
  "g-csf",
  "progesterone",
  "il2-treg",
] as const;
export const TherapyIdSchema = z.enum(THERAPY_IDS);
export type TherapyId = z.infer<typeof TherapyIdSchema>;
