/**
 * Password policy (OWASP ASVS 2.1): at least 10 characters, not a common or easily guessed password (zxcvbn-ts
 * with its common-password and diceware lists: score 3 of 4 or more), not containing the user name, not the
 * current or a recent password (checked by the store against the stored hashes). Returns the reason or null.
 */
import { ZxcvbnFactory } from "@zxcvbn-ts/core";
import * as common from "@zxcvbn-ts/language-common";

export const MIN_PASSWORD_LENGTH = 10;
export const MIN_PASSWORD_SCORE = 3;

let factory: ZxcvbnFactory | null = null;
function zxcvbn(): ZxcvbnFactory {
  factory ??= new ZxcvbnFactory({ dictionary: { ...common.dictionary }, graphs: common.adjacencyGraphs });
  return factory;
}

/** Why `password` is not acceptable for `username`, or null. */
export function passwordProblem(password: string, username: string): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) return `at least ${MIN_PASSWORD_LENGTH} characters`;
  if (password.length > 500) return "at most 500 characters";
  const name = username.trim().toLowerCase();
  if (name.length >= 3) {
    const lower = password.toLowerCase();
    const parts = [name, ...name.split(/[._\-@\s]+/).filter((p) => p.length >= 3)];
    if (parts.some((p) => lower.includes(p))) return "must not contain the user name";
  }
  const r = zxcvbn().check(password.slice(0, 100), [name]);
  if (r.sequence.length === 1 && r.sequence[0]?.pattern === "dictionary") return "this is a common password; choose another";
  if (r.score < MIN_PASSWORD_SCORE) return "too easy to guess (a common word, name, date or pattern); use a longer passphrase of unrelated words";
  return null;
}
