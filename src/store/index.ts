// Public surface of the store domain.
export { Store, NotFoundError, ConflictError } from "./store.js";
export type { User, PatientRow, PatientSummaryRow, PatientInput, HistoryEntry, FollowupRow, AuditInput, AuditEntry, Origin, AuditFilter, Actor, StoreOptions, PlanRow, TherapyEventRow } from "./store.js";
export { connect, resolveDbConfig, DbConfigSchema, DEFAULT_SQLITE_FILE } from "./db.js";
export type { DbConfig, Engine } from "./db.js";
export { migrateToLatest } from "./migrations.js";
export { hashPassword, verifyPassword, generatePassword, DEFAULT_SCRYPT_LOG_N, PasswordBusyError, hashingLoad } from "./passwords.js";
export { passwordProblem, MIN_PASSWORD_LENGTH } from "./password-policy.js";
export { backupStore, restoreStore, parseBackup, BackupSchema } from "./backup.js";
export type { Backup } from "./backup.js";
export { ROLES, TABLES } from "./schema.js";
export type { Role, Database as StoreDatabase, TableName } from "./schema.js";
export { TrialStore, ForbiddenTrialError } from "./trials.js";
export type { TrialActor, TrialSummary, TrialView, TrialOutcome, AllocationView, ParticipantView, TrialTables } from "./trials.js";
export { HmacDrbg, newTrialSeed } from "./drbg.js";
export { ChainVerifier, GENESIS_HASH, entryHash, canonicalEntry } from "./audit-chain.js";
export type { ChainReport, ChainBreak, ChainedEntry } from "./audit-chain.js";
export { EvidenceStore, assertPublishable } from "./evidence.js";
export type { EvidenceVersion, EvidenceVersionSummary, EvidenceDraft, EvidenceRevision, VerdictChange } from "./evidence.js";
