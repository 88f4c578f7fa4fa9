/**
 * Outcomes reported by follow-ups that the record does not hold are said beside the assessment (the rules read the
 * record only: a pregnancy, a loss or a live birth from a follow-up alone changes no verdict), on the server and in
 * the CLI's --followups, through the one definition in app/followups.ts.
 */
import { describe, expect, it } from "vitest";
import { outcomesNotInRecord } from "../../src/app/followups.js";
import { parsePatientRecord } from "../../src/clinical/index.js";

const input = {
  age: 33,
  losses: [
    { date: "2025-02-10", gestationalWeek: 7, kind: "clinical" },
    { date: "2025-09-01", gestationalWeek: 8, kind: "clinical" },
  ],
  liveBirths: [],
};
const record = parsePatientRecord(input);

describe("outcomes a follow-up reports that the record does not hold", () => {
  it("a pregnancy with no current pregnancy recorded, a loss and a live birth missing from the history are each said", () => {
    const w = outcomesNotInRecord(record, [
      { kind: "pregnancy", date: "2026-11-30" },
      { kind: "loss", date: "2026-03-03", gestationalWeek: 9 } as never,
      { kind: "live-birth", date: "2026-10-01" },
    ]);
    expect(w).toHaveLength(3);
    expect(w[0]).toMatch(/follow-up of 2026-11-30 reports a pregnancy, but the record has no current pregnancy/);
    expect(w[1]).toMatch(/follow-up of 2026-03-03 reports a loss at 9 weeks that is not among the record's dated losses/);
    expect(w[2]).toMatch(/follow-up of 2026-10-01 reports a live birth that is not among the record's live births/);
  });
  it("an outcome the record holds (within a week), a pregnancy that has ended or is recorded, and other follow-ups say nothing", () => {
    expect(outcomesNotInRecord(record, [{ kind: "loss", date: "2025-09-04", gestationalWeek: 8 } as never, { kind: "antibody-result", date: "2026-01-01", test: "anti-paternal-antibody", positive: true }])).toEqual([]);
    // the pregnancy ended in a loss the follow-ups report: that loss is said, the pregnancy is not
    expect(outcomesNotInRecord(record, [{ kind: "pregnancy", date: "2026-01-01" }, { kind: "loss", date: "2026-02-20", gestationalWeek: 8 } as never])).toHaveLength(1);
    const pregnant = parsePatientRecord({ ...input, currentPregnancy: { positiveTestDate: "2026-11-30" } });
    expect(outcomesNotInRecord(pregnant, [{ kind: "pregnancy", date: "2026-11-30" }])).toEqual([]);
  });
});
