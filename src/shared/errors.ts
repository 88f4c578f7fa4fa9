/**
 * InputError: bad input from a user, reported with where it is (file, row, field) and why.
 * Every adapter (CLI, HTTP) turns it into a clear message and a non-zero exit / 400 response.
 */
export interface InputLocation {
  file?: string;
  /** 1-based data row as a person counts it in the file (header = row 1). */
  row?: number;
  field?: string;
}

export class InputError extends Error {
  readonly location: InputLocation;
  readonly reason: string;
  constructor(reason: string, location: InputLocation = {}) {
    super(formatInputError(reason, location));
    this.name = "InputError";
    this.reason = reason;
    this.location = location;
  }
}

export function formatInputError(reason: string, loc: InputLocation): string {
  const where: string[] = [];
  if (loc.file !== undefined) where.push(loc.file);
  if (loc.row !== undefined) where.push(`row ${loc.row}`);
  if (loc.field !== undefined) where.push(`field "${loc.field}"`);
  return where.length > 0 ? `${where.join(", ")}: ${reason}` : reason;
}

export function isInputError(e: unknown): e is InputError {
  return e instanceof InputError;
}

/** An engine's InputError knows rows and options, not the file: the same error naming `file` (others unchanged). */
export function withFile(e: unknown, file: string): unknown {
  if (!isInputError(e) || e.location.file !== undefined) return e;
  return new InputError(e.reason, { ...e.location, file });
}

/**
 * A runner for analyses that may each refuse their input: `run(f, what)` returns f's result, or null with the
 * InputError's reason added to `notes` as "what: reason" (any other error is thrown).
 */
export function noteRefusals(notes: string[]): <T>(f: () => T, what: string) => T | null {
  return <T>(f: () => T, what: string): T | null => {
    try {
      return f();
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      notes.push(`${what}: ${e.reason}`);
      return null;
    }
  };
}
