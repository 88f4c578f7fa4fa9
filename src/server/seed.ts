/**
 * First start: the evidence base and the two example patients of the 9M Fertility LIT explainer go into an empty database, and the
 * first administrator is created (its password printed once unless given through the environment).
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Store } from "../store/index.js";
import { EvidenceStore, generatePassword } from "../store/index.js";
import type { EvidenceContent } from "../evidence/versions.js";
import { packageRoot } from "../shared/package-root.js";

export const SEED_ACTOR = { username: "seed", route: "seed" };

/** The example patients (examples/patients); display names say they are hypothetical. */
export const EXAMPLE_PATIENTS = [
  { file: "examples/patients/profile-a.json", displayName: "Example A (hypothetical profile from a clinic LIT explainer)", dateOfBirth: "1989-03-14" },
  { file: "examples/patients/profile-b.json", displayName: "Example B (hypothetical profile from a clinic LIT explainer)", dateOfBirth: "1991-07-02" },
] as const;

export interface SeedHooks {
  /** Evidence base to store (e.g. loadDefaultEvidenceBase()); null when it cannot be loaded. */
  loadEvidence?: () => unknown;
  /** Validates an example record (throws InputError); the record is stored as written. */
  validateRecord?: (record: unknown) => void;
  warn?: (message: string) => void;
}

/** Seeds once per database (a `seeded` setting marks it); returns what was added. */
export async function seedDatabase(store: Store, now: Date, hooks: SeedHooks = {}): Promise<{ patients: number; evidence: boolean }> {
  const done = await store.getSetting("seeded");
  let evidence = false;
  if ((await store.getEvidence("default")) === null && hooks.loadEvidence) {
    let base: unknown = null;
    try {
      base = hooks.loadEvidence();
    } catch (e) {
      hooks.warn?.(`the evidence base was not seeded: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (base !== null && base !== undefined) {
      await store.putEvidence("default", base, "data/ (seeded on first start)");
      evidence = true;
    }
  }
  // the stored base becomes published version 1 (issue 11; also after restoring a backup made before versions)
  const versions = new EvidenceStore(store, () => now);
  if ((await versions.latestEvidenceVersionNumber()) === 0) {
    const stored = await store.getEvidence("default");
    if (stored !== null) {
      try {
        await versions.seedEvidence(stored.content as EvidenceContent, SEED_ACTOR, `the base seeded from ${stored.source}`);
      } catch (e) {
        hooks.warn?.(`the stored evidence base was not published as v1: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  }
  if (done !== null) return { patients: 0, evidence };
  let patients = 0;
  const root = packageRoot();
  for (const ex of EXAMPLE_PATIENTS) {
    const path = join(root, ex.file);
    if (!existsSync(path)) continue;
    const record = JSON.parse(readFileSync(path, "utf8")) as unknown;
    hooks.validateRecord?.(record);
    await store.createPatient({ displayName: ex.displayName, dateOfBirth: ex.dateOfBirth, record }, SEED_ACTOR);
    patients++;
  }
  await store.getOrCreateSetting("seeded", () => now.toISOString());
  return { patients, evidence };
}

export async function ensureAdmin(store: Store, username: string, password: string | undefined, onCreated?: (username: string, password: string) => void): Promise<boolean> {
  if ((await store.countUsers()) > 0) return false;
  const pw = password ?? generatePassword();
  await store.createUser({ username, displayName: "Administrator", role: "admin", password: pw }, { username: "system", route: "first start" });
  if (password === undefined) onCreated?.(username, pw);
  return true;
}
