/**
 * Password hashing with scrypt (node:crypto), a memory-hard function. Per-user random salt; the parameters
 * are stored in the hash string so they can be raised later without breaking existing accounts.
 * Format: scrypt$<log2 N>$<r>$<p>$<salt base64>$<hash base64>.
 * Default N = 2^17, r = 8, p = 1 (128 MiB, OWASP's minimum for scrypt).
 */
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from "node:crypto";

const KEY_LENGTH = 32;
export const DEFAULT_SCRYPT_LOG_N = 17;

/**
 * Bounded hashing: at most MAX_PARALLEL scrypt computations at once (each holds 128 MiB at N = 2^17), at most
 * MAX_WAITING waiting behind them; beyond that the caller gets PasswordBusyError (HTTP 503) at once instead of
 * queueing memory and delaying every sign-in.
 */
export const MAX_PARALLEL_HASHES = 2;
export const MAX_WAITING_HASHES = 16;
let running = 0;
const waiting: Array<() => void> = [];

export class PasswordBusyError extends Error {
  override readonly name = "PasswordBusyError";
}

/** Hashes for existing accounts wait ahead of the dummy hashes of unknown user names, and are never shed. */
async function bounded<T>(f: () => Promise<T>, urgent: boolean): Promise<T> {
  if (running >= MAX_PARALLEL_HASHES) {
    if (!urgent && waiting.length >= MAX_WAITING_HASHES) throw new PasswordBusyError("too many sign-ins at once; try again in a few seconds");
    await new Promise<void>((resolve) => (urgent ? waiting.unshift(resolve) : waiting.push(resolve)));
  } else running += 1;
  try {
    return await f();
  } finally {
    const next = waiting.shift();
    if (next !== undefined) next();
    else running -= 1;
  }
}

/** scrypt calls in progress and waiting (for tests and the benchmark). */
export function hashingLoad(): { running: number; waiting: number } {
  return { running, waiting: waiting.length };
}

function scrypt(password: string, salt: Buffer, options: ScryptOptions, urgent = true): Promise<Buffer> {
  return bounded(
    () =>
      new Promise<Buffer>((resolve, reject) => {
        scryptCb(password, salt, KEY_LENGTH, options, (err, key) => (err ? reject(err) : resolve(key)));
      }),
    urgent,
  );
}

function options(logN: number, r: number, p: number): ScryptOptions {
  const N = 2 ** logN;
  return { N, r, p, maxmem: 128 * N * r * p + 16 * 1024 * 1024 };
}

export async function hashPassword(password: string, logN: number = DEFAULT_SCRYPT_LOG_N): Promise<string> {
  const salt = randomBytes(16);
  const r = 8;
  const p = 1;
  const key = await scrypt(password, salt, options(logN, r, p));
  return `scrypt$${logN}$${r}$${p}$${salt.toString("base64")}$${key.toString("base64")}`;
}

/** `dummy`: the equal-time check of an unknown user name (may be shed under load; waits behind real accounts). */
export async function verifyPassword(password: string, stored: string, dummy = false): Promise<boolean> {
  const parts = stored.split("$");
  if (parts.length !== 6 || parts[0] !== "scrypt") return false;
  const [logN, r, p] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  if (![logN, r, p].every((n) => Number.isInteger(n) && n > 0) || logN > 22) return false;
  const salt = Buffer.from(parts[4] ?? "", "base64");
  const expected = Buffer.from(parts[5] ?? "", "base64");
  const key = await scrypt(password, salt, options(logN, r, p), !dummy);
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** A random password for generated accounts (about 120 bits, URL-safe characters). */
export function generatePassword(): string {
  return randomBytes(15).toString("base64url");
}
