/** What the API shows of a stored patient: identified (clinician, admin) or pseudonymised (researcher). */
import type { FollowupRow, PatientRow, PatientSummaryRow, Role } from "../../store/index.js";
import { pseudonymiseValue, shiftDateString } from "../pseudonym.js";

export function isPseudonymised(role: Role): boolean {
  return role === "researcher";
}

export function patientSummary(p: PatientSummaryRow, pseudo: boolean) {
  const shift = (s: string) => (pseudo ? shiftDateString(s, p.dateShiftDays) : s);
  return {
    id: p.id,
    pseudonymId: p.pseudonymId,
    displayName: pseudo ? null : p.displayName,
    dateOfBirth: shift(p.dateOfBirth),
    version: p.version,
    createdAt: shift(p.createdAt),
    createdBy: p.createdBy,
    updatedAt: shift(p.updatedAt),
    updatedBy: p.updatedBy,
  };
}

export function patientView(p: PatientRow, pseudo: boolean) {
  const record = (pseudo ? pseudonymiseValue(p.record, p.dateShiftDays) : p.record) as Record<string, unknown>;
  return { ...patientSummary(p, pseudo), record, pseudonymised: pseudo };
}

export function followupView(f: FollowupRow, p: PatientRow, pseudo: boolean) {
  const data = pseudo ? (pseudonymiseValue(f.data, p.dateShiftDays) as Record<string, unknown>) : f.data;
  return { ...data, id: f.id, kind: f.kind, date: pseudo ? shiftDateString(f.date, p.dateShiftDays) : f.date, createdAt: pseudo ? shiftDateString(f.createdAt, p.dateShiftDays) : f.createdAt, createdBy: f.createdBy };
}
