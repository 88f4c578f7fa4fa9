/** The diagnosis overview of a stored record (server side: validates the record, then diagnoses it). */
import { DEFAULT_CLINIC_CONFIG, type ClinicConfig } from "./config.js";
import { ageOn } from "./dates.js";
import { diagnose } from "./diagnosis.js";
import { diagnosisOverview, type DiagnosisOverview } from "./overview.js";
import { overlappingPregnancies, parsePatientRecord, pregnancyEndedByOutcome, pregnancyPastTerm, staleAge } from "./record.js";

/**
 * The overview of a stored record, or null when it does not pass the record schema (the record page names why).
 * With today's date and the date of birth, a stale recorded age (`staleAge`) and a current pregnancy past any term
 * (`pregnancyPastTerm`) are among what needs doing; so is a current pregnancy followed by a dated loss or birth
 * (`pregnancyEndedByOutcome`, whatever the date).
 */
export function recordOverview(record: unknown, config: ClinicConfig = DEFAULT_CLINIC_CONFIG, on?: { today: string; dateOfBirth: string }): DiagnosisOverview | null {
  try {
    const parsed = parsePatientRecord(record);
    // as the assessment does: with a date of birth the rules read the age on `today` from it
    const r = on !== undefined ? { ...parsed, age: ageOn(on.dateOfBirth, on.today) } : parsed;
    const o = diagnosisOverview(diagnose(r, config));
    const stale = on !== undefined ? staleAge(parsed, on) : null;
    if (stale !== null) o.needs.push(stale.text);
    const pastTerm = on !== undefined ? pregnancyPastTerm(parsed, on.today) : null;
    if (pastTerm !== null) o.needs.push(pastTerm.text);
    const ended = pregnancyEndedByOutcome(parsed);
    if (ended !== null) o.needs.push(ended.text);
    const overlap = overlappingPregnancies(parsed);
    if (overlap !== null) o.needs.push(overlap.text);
    return o;
  } catch {
    return null;
  }
}
