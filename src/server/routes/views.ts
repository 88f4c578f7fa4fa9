/**
 * What the API shows of a stored patient: identified (clinician, admin) or the research view (researcher):
 * allow-listed coded fields, no calendar dates (days relative to day 0), no names (src/server/research-view.ts).
 */
import type { FollowupRow, PatientRow, PatientSummaryRow, Role } from "../../store/index.js";
import { recordOverview } from "../../clinical/record-overview.js";
import type { DueStep } from "../../clinical/due-steps.js";
import { dayZero, researchFollowup, researchRecord, researchSummary } from "../research-view.js";

export function isPseudonymised(role: Role): boolean {
  return role === "researcher";
}

/** Day 0 of a stored patient (first recorded loss, else the earliest recorded date). */
export function dayZeroOf(p: PatientRow, followups: readonly FollowupRow[] = []): string | null {
  return dayZero(p.record, followups.map((f) => f.data));
}

/** What the identified summary adds when the caller knows them: today's date (the age check) and the due plan steps. */
export interface SummaryContext {
  today?: string;
  due?: DueStep[];
}

export function patientSummary(p: PatientSummaryRow | PatientRow, pseudo: boolean, day0: string | null = null, ctx: SummaryContext = {}) {
  if (pseudo) return researchSummary(p, day0);
  return {
    id: p.id,
    pseudonymId: p.pseudonymId,
    displayName: p.displayName,
    dateOfBirth: p.dateOfBirth,
    version: p.version,
    createdAt: p.createdAt,
    createdBy: p.createdBy,
    updatedAt: p.updatedAt,
    updatedBy: p.updatedBy,
    // the diagnosis line and what needs doing, from the same core diagnosis as the assessment (no dates in it)
    // (only when the record was read: the researcher's list reads summary columns only)
    diagnosis: "record" in p ? recordOverview(p.record, undefined, ctx.today !== undefined ? { today: ctx.today, dateOfBirth: p.dateOfBirth } : undefined) : null,
    ...(ctx.due !== undefined ? { due: ctx.due } : {}),
  };
}

export function patientView(p: PatientRow, pseudo: boolean, followups: readonly FollowupRow[] = [], today?: string) {
  if (!pseudo) return { ...patientSummary(p, false, null, today !== undefined ? { today } : {}), record: p.record as Record<string, unknown>, pseudonymised: false };
  const day0 = dayZeroOf(p, followups);
  return { ...researchSummary(p, day0), record: researchRecord(p.record, day0), pseudonymised: true };
}

export function followupView(f: FollowupRow, pseudo: boolean, day0: string | null = null) {
  if (pseudo) return { ...researchFollowup(f.data, day0), id: f.id };
  return { ...f.data, id: f.id, kind: f.kind, date: f.date, createdAt: f.createdAt, createdBy: f.createdBy };
}
