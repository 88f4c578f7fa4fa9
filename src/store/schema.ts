/**
 * Table types of the Decidua store (kysely). One schema for SQLite and PostgreSQL: ids are text (uuid),
 * timestamps are ISO-8601 text, JSON documents are text; only audit_log.id is an integer sequence.
 */
import type { Generated } from "kysely";

export const ROLES = ["clinician", "researcher", "reviewer", "admin"] as const;
export type Role = (typeof ROLES)[number];

export interface UsersTable {
  id: string;
  username: string;
  display_name: string;
  role: Role;
  password_hash: string;
  /** 0 | 1 (integer on both engines). */
  disabled: number;
  created_at: string;
}

export interface SessionsTable {
  /** sha256 (hex) of the session token; the token itself is only in the cookie. */
  id: string;
  user_id: string;
  csrf_token: string;
  created_at: string;
  expires_at: string;
}

export interface PatientsTable {
  id: string;
  pseudonym_id: string;
  display_name: string;
  date_of_birth: string;
  /** JSON text of the PatientRecord. */
  record: string;
  version: number;
  /** Stable per-patient date shift for the pseudonymised view (days, never 0). */
  date_shift_days: number;
  /** +1 with every follow-up added or deleted (cache key for derived answers). */
  followups_rev: number;
  created_at: string;
  created_by: string;
  updated_at: string;
  updated_by: string;
}

export interface RecordHistoryTable {
  id: string;
  patient_id: string;
  /** The version these values had before they were replaced. */
  version: number;
  display_name: string;
  date_of_birth: string;
  record: string;
  changed_at: string;
  changed_by: string;
}

export interface FollowupsTable {
  id: string;
  patient_id: string;
  kind: string;
  date: string;
  /** JSON text of the whole follow-up (kind, date and the kind's fields). */
  data: string;
  created_at: string;
  created_by: string;
}

/** A treatment plan as built and kept (issue 9 §5): one row per saved version. */
export interface ClinicalPlansTable {
  id: string;
  patient_id: string;
  therapy: string;
  /** 1, 2, … per patient and therapy. */
  version: number;
  start_date: string;
  /** The verdict status when the plan was made. */
  verdict_status: string;
  /** Required when the status was neither recommended nor protocol-eligible. */
  override_reason: string | null;
  /** JSON text of the dated plan. */
  plan: string;
  created_at: string;
  created_by: string;
}

/** A therapy actually started or stopped, and when. */
export interface TherapyEventsTable {
  id: string;
  patient_id: string;
  therapy: string;
  event: string;
  date: string;
  note: string | null;
  created_at: string;
  created_by: string;
}

/** A follow-up marked as entered in error (the follow-up itself is kept). */
export interface FollowupErrorsTable {
  id: string;
  followup_id: string;
  patient_id: string;
  reason: string;
  created_at: string;
  created_by: string;
}

export interface EvidenceTable {
  id: string;
  /** JSON text of the evidence base as seeded. */
  content: string;
  source: string;
  loaded_at: string;
}

/**
 * A published version of the evidence base (migration 0009): immutable (triggers refuse update and delete).
 * `id` is the version number (1 = the base seeded from data/).
 */
export interface EvidenceVersionsTable {
  id: number;
  /** Canonical JSON text of the whole base (sorted keys, no spaces; src/evidence/canonical.ts). */
  content: string;
  /** sha-256 (hex) of `content`. */
  content_hash: string;
  /** The last revision included (0 for the seeded version). */
  last_revision: number;
  note: string;
  /** JSON text: the stored patients whose verdicts changed with this version (patient id, therapy, status before → after). */
  impact: string;
  published_at: string;
  published_by: string;
}

/** One change to the working draft (who, when, why, what): append-only like the audit log. */
export interface EvidenceRevisionsTable {
  /** 1, 2, … in the order the changes were made. */
  id: number;
  at: string;
  actor: string;
  why: string;
  /** add | replace | delete */
  kind: string;
  /** The table of the base (trials, guidelines, metaAnalyses, therapies, sources, prisma). */
  table_name: string;
  entry_id: string;
  /** JSON text of the entry before and after (null when added / deleted). */
  before: string | null;
  after: string | null;
  /** The published version the draft rested on when this change was made. */
  base_version: number;
}

/** The working draft (one row, id 1): the latest version plus every revision since. */
export interface EvidenceDraftTable {
  id: number;
  content: string;
  base_version: number;
  last_revision: number;
  updated_at: string;
  updated_by: string;
}

/** One reviewer's extraction of one study (migration 0010): a draft until submitted, then fixed. */
export interface ExtractionsTable {
  id: string;
  /** The trial id in the evidence base (e.g. "dashti-2025"). */
  study: string;
  reviewer_id: string;
  status: "draft" | "submitted";
  /** JSON text of the extraction form (src/evidence/extraction.ts). */
  content: string;
  version: number;
  created_at: string;
  updated_at: string;
  submitted_at: string | null;
}

/** The agreed extraction of a study from its two submitted extractions (one per study; append-only). */
export interface ExtractionReconciliationsTable {
  id: string;
  study: string;
  extraction_a: string;
  extraction_b: string;
  /** JSON text of the agreed extraction. */
  agreed: string;
  /** JSON text of the trial entry's metadata (therapy, label, year, comparison). */
  meta: string;
  reconciled_at: string;
  reconciled_by: string;
}

/** How one disagreement was settled (append-only). Values are JSON text; null = the field was absent. */
export interface ExtractionResolutionsTable {
  id: string;
  reconciliation_id: string;
  position: number;
  path: string;
  value_a: string | null;
  value_b: string | null;
  choice: "a" | "b" | "new";
  value: string | null;
  reason: string;
}

/** One saved version of a RoB 2 or ROBINS-I assessment of a study's result (append-only; the current one is the highest version). */
export interface RobAssessmentsTable {
  id: string;
  study: string;
  /** The outcome / result assessed ("" = the study as a whole). */
  outcome: string;
  tool: "rob2" | "robins-i";
  version: number;
  /** JSON text of the answers, overrides (each with its reason) and overall override / escalation. */
  input: string;
  /** JSON text of the computed assessment (algorithm and final judgement per domain and overall). */
  result: string;
  overall_algorithm: string;
  overall_final: string;
  assessor: string;
  assessed_at: string;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: string;
  username: string | null;
  action: string;
  patient_id: string | null;
  route: string;
  status: number | null;
  detail: string | null;
  /** From where (migration 0005): client address, user agent, session (first 16 hex of the stored session id). */
  client_ip: string | null;
  user_agent: string | null;
  session_id: string | null;
  /** Hash chain (migration 0005, src/store/audit-chain.ts): the previous entry's hash and this entry's. */
  prev_hash: string | null;
  hash: string | null;
}

/** The end of the audit hash chain (one row, id 1), written with every append; also the append lock. */
export interface AuditHeadTable {
  id: number;
  last_id: number;
  hash: string;
  last_at: string;
}

/** Earlier password hashes of a user (reuse check); migration 0005. */
export interface PasswordHistoryTable {
  id: string;
  user_id: string;
  password_hash: string;
  changed_at: string;
}

/** Installation settings (e.g. the generated cookie-signing secret). */
export interface SettingsTable {
  key: string;
  value: string;
}

export interface Database {
  settings: SettingsTable;
  users: UsersTable;
  sessions: SessionsTable;
  patients: PatientsTable;
  record_history: RecordHistoryTable;
  followups: FollowupsTable;
  clinical_plans: ClinicalPlansTable;
  therapy_events: TherapyEventsTable;
  followup_errors: FollowupErrorsTable;
  evidence: EvidenceTable;
  evidence_versions: EvidenceVersionsTable;
  evidence_revisions: EvidenceRevisionsTable;
  evidence_draft: EvidenceDraftTable;
  extractions: ExtractionsTable;
  extraction_reconciliations: ExtractionReconciliationsTable;
  extraction_resolutions: ExtractionResolutionsTable;
  rob_assessments: RobAssessmentsTable;
  audit_log: AuditLogTable;
  audit_head: AuditHeadTable;
  password_history: PasswordHistoryTable;
}

/** Tables in dependency order (parents first): the order of backup and restore. */
export const TABLES = ["settings", "users", "sessions", "patients", "record_history", "followups", "clinical_plans", "therapy_events", "followup_errors", "evidence", "evidence_versions", "evidence_revisions", "evidence_draft", "extractions", "extraction_reconciliations", "extraction_resolutions", "rob_assessments", "audit_log"] as const;
export type TableName = (typeof TABLES)[number];
