/** The immunotherapies Decidua reasons about, by stable id (used by evidence/, clinical/, server/ and web/). */
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

export const THERAPY_NAMES: Record<TherapyId, string> = {
  lit: "Lymphocyte immunisation therapy (LIT)",
  ivig: "Intravenous immunoglobulin (IVIG)",
  tacrolimus: "Tacrolimus",
  prednisolone: "Prednisolone",
  "lmwh-aspirin": "Heparin (LMWH) + low-dose aspirin",
  hydroxychloroquine: "Hydroxychloroquine",
  intralipid: "Intralipid",
  "tnf-inhibitor": "TNF-α inhibitors",
  "g-csf": "G-CSF",
  progesterone: "Progesterone",
  "il2-treg": "Low-dose IL-2 / Treg therapy",
};
