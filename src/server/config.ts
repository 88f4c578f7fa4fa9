/** Server configuration (validated with zod): database, first administrator, cookies, limits. */
import { z } from "zod";
import { DbConfigSchema } from "../store/index.js";

export const ServerConfigSchema = z.object({
  db: DbConfigSchema,
  /** Username of the first administrator, created when the database has no user. */
  adminUsername: z.string().default("admin"),
  /** Its password; when absent one is generated and reported once through onAdminCreated. */
  adminPassword: z.string().min(10, "the administrator password needs at least 10 characters").optional(),
  /** Secret for signing the session cookie (>= 32 chars); when absent one is generated and kept in the database. */
  cookieSecret: z.string().min(32, "the cookie secret needs at least 32 characters").optional(),
  /** Seed the evidence base and the two example patients of the 9M Fertility LIT explainer into an empty database. */
  seed: z.boolean().default(true),
  /** Directory of the built web UI (default <package>/dist/web). */
  webRoot: z.string().optional(),
  /** Sign-in attempts per user name (from any address). */
  loginRateLimit: z.object({ max: z.number().int().positive(), timeWindowMs: z.number().int().positive() }).default({ max: 10, timeWindowMs: 60_000 }),
  /** Sign-in attempts per client address (across user names). */
  loginAddressLimit: z.object({ max: z.number().int().positive(), timeWindowMs: z.number().int().positive() }).default({ max: 50, timeWindowMs: 60_000 }),
  sessionTtlMs: z.number().int().positive().default(12 * 60 * 60 * 1000),
  /** log2 of scrypt's N for new password hashes (default 17; tests use less). */
  scryptLogN: z.number().int().min(10).max(20).optional(),
  /** Trust X-Forwarded-* from a reverse proxy (then Secure cookies follow X-Forwarded-Proto). */
  trustProxy: z.boolean().default(false),
  logger: z.boolean().default(false),
  /** Memoise assessments per record version, follow-ups and date (pure results; default on). */
  assessmentCache: z.boolean().default(true),
  /** The workbench's worker pool: threads, queue, time budget per job, study limits (413 / 422 beyond). */
  workbench: z
    .object({
      threads: z.number().int().min(1).max(16).default(1),
      maxQueue: z.number().int().min(0).default(8),
      timeBudgetMs: z.number().int().positive().default(15_000),
      maxStudies: z.number().int().positive().default(1000),
      maxPlotStudies: z.number().int().positive().default(300),
    })
    .default({ threads: 1, maxQueue: 8, timeBudgetMs: 15_000, maxStudies: 1000, maxPlotStudies: 300 }),
  /** Request body limit in bytes (workbench uploads travel base64 in JSON). */
  bodyLimit: z.number().int().positive().default(8 * 1024 * 1024),
  /** Limits of an import from a configured FHIR server (the whole read, each request, bytes in all). */
  fhirImport: z
    .object({
      totalMs: z.number().int().positive().default(20_000),
      requestMs: z.number().int().positive().default(8_000),
      maxBytes: z.number().int().positive().default(20 * 1024 * 1024),
    })
    .default({ totalMs: 20_000, requestMs: 8_000, maxBytes: 20 * 1024 * 1024 }),
});
export type ServerConfigInput = z.input<typeof ServerConfigSchema>;
export type ServerConfig = z.output<typeof ServerConfigSchema>;

/** Non-serialisable hooks. */
export interface ServerHooks {
  /** Called once when the first administrator is created with a generated password. */
  onAdminCreated?: (username: string, password: string) => void;
  /** Clock for "today" (assessments) and timestamps. */
  now?: () => Date;
}
