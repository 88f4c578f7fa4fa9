/** The diagnosis overview of a stored record (server side: validates the record, then diagnoses it). */
import { DEFAULT_CLINIC_CONFIG, type ClinicConfig } from "./config.js";
import { diagnose } from "./diagnosis.js";
import { diagnosisOverview, type DiagnosisOverview } from "./overview.js";
import { parsePatientRecord } from "./record.js";

/** The overview of a stored record, or null when it does not pass the record schema (the record page names why). */
export function recordOverview(record: unknown, config: ClinicConfig = DEFAULT_CLINIC_CONFIG): DiagnosisOverview | null {
  try {
    return diagnosisOverview(diagnose(parsePatientRecord(record), config));
  } catch {
    return null;
  }
}
