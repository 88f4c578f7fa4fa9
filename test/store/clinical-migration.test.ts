/**
 * Migration "0004_clinical" (issue 9 §2): stored records, current and in the history, move to the current record
 * format on both engines; the migrated record passes today's schema, and records without old values are untouched.
 */
import { describe, expect, it } from "vitest";
import { sql } from "kysely";
import { parsePatientRecord } from "../../src/clinical/index.js";
import { migrateRecordToCurrent } from "../../src/clinical/record-migration.js";
import { migrateToLatest } from "../../src/store/index.js";
import { migrateTo } from "../../src/store/migrations.js";
import { ENGINES, rawTestDb } from "./engines.js";

const oldRecord = {
  losses: [
    { date: "2022-01-10", gestationalWeek: 7, kind: "clinical" },
    { date: "2022-08-10", gestationalWeek: 6, kind: "ectopic" },
    { date: "2023-03-10", gestationalWeek: 8, kind: "clinical" },
  ],
  safety: { tb: "treated", hepatitisB: "immune" },
};
const untouched = { losses: [{ gestationalWeek: 7, kind: "clinical" }], safety: { tb: "positive" } };

describe("record migration (pure)", () => {
  it("renames only values whose meaning is fixed, never infers what was not recorded", () => {
    const m = migrateRecordToCurrent(oldRecord);
    expect(m.changed).toBe(true);
    const r = m.record as typeof oldRecord & { losses: Array<{ mechanism?: string }> };
    expect(r.safety.tb).toBe("latent-treated");
    expect(r.safety.hepatitisB).toBe("immune"); // hepatitis B immunity is a real status: kept
    expect(r.losses[1]!.mechanism).toBe("ectopic");
    expect(r.losses[0]!.mechanism).toBeUndefined();
    expect(oldRecord.safety.tb).toBe("treated"); // the input is not changed
    expect(() => parsePatientRecord(oldRecord)).toThrow(/safety\.tb|tb/);
    expect(() => parsePatientRecord(m.record)).not.toThrow();
    expect(migrateRecordToCurrent(untouched)).toEqual({ record: untouched, changed: false });
  });
});

describe.each(ENGINES)("migration 0004_clinical on %s", (engine) => {
  const handle = rawTestDb(engine);

  it("transforms stored records and their history, and leaves other records as they were", async () => {
    const db = handle.db;
    await migrateTo(db, engine, "0003_followups_rev");
    const now = "2024-01-01T00:00:00.000Z";
    const patient = (id: string, record: unknown) =>
      sql`insert into patients (id, pseudonym_id, display_name, date_of_birth, record, version, date_shift_days, created_at, created_by, updated_at, updated_by, followups_rev)
          values (${id}, ${`P-${id}`}, ${"Test"}, ${"1990-01-01"}, ${JSON.stringify(record)}, ${1}, ${0}, ${now}, ${"t"}, ${now}, ${"t"}, ${0})`.execute(db);
    await patient("a", oldRecord);
    await patient("b", untouched);
    await sql`insert into record_history (id, patient_id, version, display_name, date_of_birth, record, changed_at, changed_by)
              values (${"h1"}, ${"a"}, ${1}, ${"Test"}, ${"1990-01-01"}, ${JSON.stringify(oldRecord)}, ${now}, ${"t"})`.execute(db);
    const ran = await migrateToLatest(db, engine);
    expect(ran).toContain("0004_clinical");
    const rows = (await sql<{ id: string; record: string }>`select id, record from patients order by id`.execute(db)).rows;
    const a = JSON.parse(rows[0]!.record) as { safety: { tb: string }; losses: Array<{ mechanism?: string }> };
    expect(a.safety.tb).toBe("latent-treated");
    expect(a.losses[1]!.mechanism).toBe("ectopic");
    expect(() => parsePatientRecord(a)).not.toThrow();
    expect(rows[1]!.record).toBe(JSON.stringify(untouched));
    const h = (await sql<{ record: string }>`select record from record_history where id = ${"h1"}`.execute(db)).rows[0]!;
    expect((JSON.parse(h.record) as { safety: { tb: string } }).safety.tb).toBe("latent-treated");
    expect(await migrateToLatest(db, engine)).toEqual([]);
  });
});
