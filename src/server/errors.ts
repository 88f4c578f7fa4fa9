/** HTTP errors and the one error body the API returns: {error: {message, code, field?, row?, issues?}}. */
import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { ZodError, type z } from "zod";
import { isInputError } from "../shared/errors.js";
import { ConflictError, NotFoundError, PasswordBusyError } from "../store/index.js";
import { withholdDates } from "./research-view.js";
import { isPseudonymised } from "./routes/views.js";

export type ErrorCode = "VALIDATION" | "UNAUTHENTICATED" | "CSRF" | "FORBIDDEN" | "NOT_FOUND" | "CONFLICT" | "RATE_LIMITED" | "TOO_LARGE" | "UNAVAILABLE" | "INTERNAL";

export interface ErrorBody {
  error: { message: string; code: ErrorCode; field?: string; row?: number; issues?: Array<{ field: string; message: string }> };
}

export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: ErrorCode,
    message: string,
    readonly field?: string,
    readonly row?: number,
  ) {
    super(message);
    this.name = "HttpError";
  }
}

export const forbidden = (why = "your role may not do this"): HttpError => new HttpError(403, "FORBIDDEN", why);
export const notFound = (what: string): HttpError => new HttpError(404, "NOT_FOUND", `${what} not found`);
export const unavailable = (what: string): HttpError => new HttpError(503, "UNAVAILABLE", `${what} is not available yet`);

/** Dotted field path: record.losses.0.gestationalWeek. */
export function dottedPath(path: readonly PropertyKey[]): string {
  return path.map(String).join(".");
}

/** Converts D's bracket paths (losses[2].gestationalWeek) to the API's dotted form (losses.2.gestationalWeek). */
export function bracketsToDots(path: string): string {
  return path.replace(/\[(\d+)\]/g, ".$1").replace(/^\./, "");
}

export function zodErrorBody(err: ZodError | z.core.$ZodError, prefix = ""): ErrorBody {
  const issues = err.issues.map((i) => ({ field: [prefix, dottedPath(i.path)].filter((s) => s !== "").join("."), message: i.message }));
  const first = issues[0];
  const body: ErrorBody = {
    error: { code: "VALIDATION", message: first ? (first.field ? `${first.field}: ${first.message}` : first.message) : "invalid input", issues },
  };
  if (first?.field) body.error.field = first.field;
  return body;
}

/**
 * A write that lost a race with another one: a unique or primary key taken meanwhile (PostgreSQL 23505, SQLite's
 * constraint codes), or PostgreSQL's serialization failure or deadlock (40001, 40P01). The database kept its
 * integrity; the request is answered 409 (try again), never 500.
 */
export function isConcurrentWriteConflict(err: unknown): boolean {
  const code = typeof err === "object" && err !== null && "code" in err ? String((err as { code: unknown }).code) : "";
  return code === "23505" || code === "40001" || code === "40P01" || code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY";
}

export function errorHandler(err: FastifyError | Error, req: FastifyRequest, reply: FastifyReply): void {
  // a researcher reads the research view, which has no calendar dates: an error about a record (a date of birth after
  // the assessment date, a loss dated after a follow-up) would give them away, so its dates are withheld too
  const pseudonymised = req.auth !== null && req.auth !== undefined && isPseudonymised(req.auth.user.role);
  const send = (status: number, errorBody: ErrorBody): void => void reply.code(status).send(pseudonymised ? (withholdDates(errorBody) as ErrorBody) : errorBody);
  if (err instanceof ZodError) {
    send(400, zodErrorBody(err));
    return;
  }
  if (err instanceof HttpError) {
    const body: ErrorBody = { error: { message: err.message, code: err.code } };
    if (err.field !== undefined) body.error.field = err.field;
    if (err.row !== undefined) body.error.row = err.row;
    send(err.statusCode, body);
    return;
  }
  if (isInputError(err)) {
    const body: ErrorBody = { error: { message: err.message, code: "VALIDATION" } };
    if (err.location.field !== undefined) body.error.field = bracketsToDots(err.location.field);
    if (err.location.row !== undefined) body.error.row = err.location.row;
    send(400, body);
    return;
  }
  if (err instanceof NotFoundError) {
    send(404, { error: { message: err.message, code: "NOT_FOUND" } } satisfies ErrorBody);
    return;
  }
  if (err instanceof PasswordBusyError) {
    void reply.code(503).header("retry-after", "5").send({ error: { message: err.message, code: "UNAVAILABLE" } } satisfies ErrorBody);
    return;
  }
  if (err instanceof ConflictError) {
    send(409, { error: { message: err.message, code: "CONFLICT" } } satisfies ErrorBody);
    return;
  }
  if (isConcurrentWriteConflict(err)) {
    send(409, { error: { message: "another request changed the same data at the same moment; reload and try again", code: "CONFLICT" } } satisfies ErrorBody);
    return;
  }
  const status = "statusCode" in err && typeof err.statusCode === "number" ? err.statusCode : 500;
  if (status >= 400 && status < 500) {
    const code: ErrorCode = status === 413 ? "TOO_LARGE" : status === 429 ? "RATE_LIMITED" : status === 404 ? "NOT_FOUND" : status === 401 ? "UNAUTHENTICATED" : status === 403 ? "FORBIDDEN" : "VALIDATION";
    send(status, { error: { message: err.message, code } } satisfies ErrorBody);
    return;
  }
  req.log.error({ err }, "internal error");
  // a defect: always on stderr (with or without a request logger), so that no 500 goes unseen by the operator
  process.stderr.write(`decidua: internal error on ${req.method} ${req.url.split("?")[0] ?? ""}: ${err.stack ?? err.message}\n`);
  send(500, { error: { message: "internal error", code: "INTERNAL" } } satisfies ErrorBody);
}
