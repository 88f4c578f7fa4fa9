/**
 * Stored records written before issue 9 (record format 1) → the current format. Pure and deterministic: it only
 * renames values whose meaning is fixed, it never infers what was not recorded (a positive TB screen stays
 * "positive" — latent or active not recorded —, and no NK specimen is assumed).
 *
 * - safety.tb: "treated" → "latent-treated" (a treated positive screen is treated latent TB); "immune" (a hepatitis
 *   term that the old shared enum allowed) → "negative".
 * - losses[i]: kind "ectopic"/"molar" gains the same mechanism.
 */
export function migrateRecordToCurrent(record: unknown): { record: unknown; changed: boolean } {
  if (record === null || typeof record !== "object" || Array.isArray(record)) return { record, changed: false };
  const r = structuredClone(record) as Record<string, unknown>;
  let changed = false;
  const safety = r.safety;
  if (safety !== null && typeof safety === "object" && !Array.isArray(safety)) {
    const s = safety as Record<string, unknown>;
    if (s.tb === "treated") {
      s.tb = "latent-treated";
      changed = true;
    } else if (s.tb === "immune") {
      s.tb = "negative";
      changed = true;
    }
  }
  if (Array.isArray(r.losses))
    for (const l of r.losses as unknown[]) {
      if (l === null || typeof l !== "object") continue;
      const loss = l as Record<string, unknown>;
      if ((loss.kind === "ectopic" || loss.kind === "molar") && loss.mechanism === undefined) {
        loss.mechanism = loss.kind;
        changed = true;
      }
    }
  return { record: changed ? r : record, changed };
}
