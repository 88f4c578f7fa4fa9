import { readFileSync } from "node:fs";
import { join } from "node:path";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConflictError, ForbiddenTrialError, NotFoundError, Store, TrialStore, backupStore, parseBackup, restoreStore, type TrialActor } from "../../src/store/index.js";
import { InputError } from "../../src/shared/errors.js";
import type { EligibilityResult } from "../../src/trials/eligibility.js";
import { createTestDb, ENGINES, type TestDb } from "../store/engines.js";

const EX = join(import.meta.dirname, "..", "..", "examples", "trials");
const tacrolimus = JSON.parse(readFileSync(join(EX, "tacrolimus-protocol.json"), "utf8")) as Record<string, unknown>;
const lit = JSON.parse(readFileSync(join(EX, "lit-ana-protocol.json"), "utf8")) as Record<string, unknown>;
const eligible: EligibilityResult = { status: "eligible", inclusion: [], exclusion: [], missing: [], reasons: [] };
const incomplete: EligibilityResult = { status: "incomplete", inclusion: [], exclusion: [], missing: ["Th1/Th2 ratio"], reasons: [] };

describe.each(ENGINES)("trial store on %s", (engine) => {
  let tdb: TestDb;
  let store: Store;
  let trials: TrialStore;
  const actors: Record<string, TrialActor> = {};
  const patients: string[] = [];

  beforeAll(async () => {
    tdb = await createTestDb(engine);
    store = await Store.open(tdb.config, { scryptLogN: 10 });
    trials = new TrialStore(store);
    for (const [name, role] of [
      ["coord", "researcher"],
      ["inv", "clinician"],
      ["stat", "researcher"],
      ["outsider", "researcher"],
      ["admin", "admin"],
    ] as const) {
      const u = await store.createUser({ username: name, displayName: name, role, password: "pw-long-enough-1" });
      actors[name] = { userId: u.id, username: name, role, route: "test" };
    }
    for (let i = 0; i < 24; i++) {
      const p = await store.createPatient({ displayName: `Patient ${i}`, dateOfBirth: "1990-01-01", record: { losses: [] } }, { username: "inv", route: "test" });
      patients.push(p.id);
    }
  });
  afterAll(async () => {
    await store.close();
    await tdb.drop();
  });
  const a = (n: string): TrialActor => actors[n] as TrialActor;

  let trialId = "";
  it("creates a trial (creator = coordinator), adds members; researchers without a trial role see nothing", async () => {
    const t = await trials.createTrial(tacrolimus, a("coord"));
    trialId = t.id;
    expect(t.myRole).toBe("coordinator");
    await trials.setMember(trialId, { user: a("inv").userId, role: "investigator" }, a("coord"));
    await trials.setMember(trialId, { user: a("stat").userId, role: "statistician" }, a("coord"));
    await expect(trials.setMember(trialId, { user: a("outsider").userId, role: "investigator" }, a("inv"))).rejects.toBeInstanceOf(ForbiddenTrialError);
    expect((await trials.listTrials(a("outsider"))).length).toBe(0);
    await expect(trials.getTrial(trialId, a("outsider"))).rejects.toBeInstanceOf(NotFoundError);
    await expect(trials.participants(trialId, a("outsider"))).rejects.toBeInstanceOf(NotFoundError);
    expect((await trials.listTrials(a("inv"))).map((x) => x.myRole)).toEqual(["investigator"]);
    expect((await trials.listMembers(trialId, a("coord"))).map((m) => m.role).sort()).toEqual(["coordinator", "investigator", "statistician"]);
    await expect(trials.createTrial(tacrolimus, a("coord"))).rejects.toBeInstanceOf(ConflictError);
    await expect(trials.createTrial({ ...tacrolimus, registration: "NCT09999999" }, a("inv"))).rejects.toBeInstanceOf(ForbiddenTrialError);
  });

  let first = "";
  it("refuses allocation without consent or without eligibility, allocates once, and refuses a second allocation", async () => {
    const p = await trials.addParticipant(trialId, { patientId: patients[0] as string, recordVersion: 1, eligibility: eligible, strata: {} }, a("inv"));
    first = p.id;
    expect(p.studyId).toMatch(/^S-[2-9A-Z]{6}$/);
    const before = (await store.listAudit({ action: "trial.allocate" })).total;
    await expect(trials.allocate(trialId, first, a("inv"))).rejects.toThrow(/no consent recorded/);
    const inc = await trials.addParticipant(trialId, { patientId: patients[1] as string, recordVersion: 1, eligibility: incomplete, strata: {} }, a("inv"));
    await trials.recordConsent(trialId, inc.id, { takenBy: "Dr Inv", consentedOn: "2025-01-02", sheetVersion: "1.0" }, a("inv"));
    await expect(trials.allocate(trialId, inc.id, a("inv"))).rejects.toThrow(/not eligible \(incomplete\)/);
    await expect(trials.recordConsent(trialId, first, { takenBy: "Dr Inv", consentedOn: "2025-01-02", sheetVersion: "9.9" }, a("inv"))).rejects.toBeInstanceOf(InputError);
    await trials.recordConsent(trialId, first, { takenBy: "Dr Inv", consentedOn: "2025-01-02", sheetVersion: "1.0" }, a("inv"));
    // nothing half-written by the refusals
    expect((await store.listAudit({ action: "trial.allocate" })).total).toBe(before);
    expect((await trials.getTrial(trialId, a("coord"))).allocated).toBe(0);
    const alloc = await trials.allocate(trialId, first, a("inv"));
    expect(alloc.sequence).toBe(1);
    expect(alloc.arm).toBeNull(); // blinded: the investigator sees the kit, not the arm
    expect(alloc.kitCode).toMatch(/^K-/);
    await expect(trials.allocate(trialId, first, a("coord"))).rejects.toThrow(/already allocated \(sequence 1\)/);
    const asStat = await trials.participant(trialId, first, a("stat"));
    expect(["tacrolimus", "placebo"]).toContain(asStat.allocation?.arm);
    await expect(trials.allocate(trialId, first, a("stat"))).rejects.toBeInstanceOf(ForbiddenTrialError);
  });

  it("an allocation cannot be edited or deleted, even in SQL", async () => {
    await expect(sql`update trial_allocations set arm = 'placebo'`.execute(store.db)).rejects.toThrow(/final/);
    await expect(sql`delete from trial_allocations`.execute(store.db)).rejects.toThrow(/final/);
  });

  it("every change is audited, and the audit log does not reveal the arm", async () => {
    const entries = (await store.listAudit({ limit: 500 })).entries.filter((e) => e.action.startsWith("trial."));
    const actions = new Set(entries.map((e) => e.action));
    for (const x of ["trial.create", "trial.member", "trial.enrol", "trial.consent", "trial.allocate"]) expect(actions.has(x)).toBe(true);
    const alloc = entries.find((e) => e.action === "trial.allocate");
    expect(alloc?.detail).toMatch(/sequence 1, kit K-/);
    expect(alloc?.detail).not.toMatch(/tacrolimus|placebo/);
    expect(alloc?.patientId).toBe(patients[0]);
  });

  it("refuses a visit outside its window without a reason; accepts it with one; a visit once only", async () => {
    const today = new Date().toISOString().slice(0, 10);
    await trials.recordVisit(trialId, first, { visitId: "baseline", date: today }, a("inv"));
    await expect(trials.recordVisit(trialId, first, { visitId: "baseline", date: today }, a("inv"))).rejects.toBeInstanceOf(ConflictError);
    const late = new Date(Date.now() + 100 * 86400000).toISOString().slice(0, 10);
    await expect(trials.recordVisit(trialId, first, { visitId: "pregnancy-test", date: late }, a("inv"))).rejects.toThrow(/outside its window/);
    await trials.recordVisit(trialId, first, { visitId: "pregnancy-test", date: late, outOfWindowReason: "patient travelled" }, a("inv"));
    await trials.recordMarker(trialId, first, { visitId: "baseline", marker: "th1Th2Ratio", value: 12.4, unit: "ratio", method: "flow cytometry" }, a("inv"));
    const v = await trials.participant(trialId, first, a("inv"));
    expect(v.visits.find((x) => x.visit === "pregnancy-test")?.status).toBe("done-out-of-window");
    expect(v.markers).toEqual([{ visitId: "baseline", marker: "th1Th2Ratio", value: 12.4, unit: "ratio", method: "flow cytometry" }]);
  });

  it("outcome form with version guard; adverse events; emergency unblinding with a reason", async () => {
    expect(await trials.setOutcome(trialId, first, { conception: true, conceptionDate: "2025-02-01", healthyNewborn: true, liveBirth: true, birthWeightG: 3200 }, 0, a("inv"))).toBe(1);
    await expect(trials.setOutcome(trialId, first, { liveBirth: false }, 0, a("inv"))).rejects.toBeInstanceOf(ConflictError);
    await trials.addAdverseEvent(trialId, first, { term: "tremor", onset: "2025-01-20", serious: false, severity: "mild", related: "possibly" }, a("inv"));
    await expect(trials.unblind(trialId, first, "emergency", a("inv"))).rejects.toBeInstanceOf(ForbiddenTrialError);
    await expect(trials.unblind(trialId, first, "x", a("coord"))).rejects.toBeInstanceOf(InputError);
    const u = await trials.unblind(trialId, first, "severe hyperglycaemia, treating physician needs the arm", a("coord"));
    expect(["tacrolimus", "placebo"]).toContain(u.arm);
    const c = await trials.consortCandidates(trialId, a("coord"));
    expect(c.candidates.filter((x) => x.unblinded === true).length).toBe(1);
    const audit = await store.listAudit({ action: "trial.unblind" });
    expect(audit.entries[0]?.detail).toMatch(/severe hyperglycaemia/);
  });

  it("20 parallel enrolments: no sequence number used twice, none skipped", async () => {
    const ids: string[] = [];
    for (let i = 2; i < 22; i++) {
      const p = await trials.addParticipant(trialId, { patientId: patients[i] as string, recordVersion: 1, eligibility: eligible, strata: {} }, a("coord"));
      await trials.recordConsent(trialId, p.id, { takenBy: "Dr C", consentedOn: "2025-01-03", sheetVersion: "1.0" }, a("coord"));
      ids.push(p.id);
    }
    const results = await Promise.all(ids.map((id, i) => trials.allocate(trialId, id, i % 2 === 0 ? a("coord") : a("inv"))));
    const seqs = results.map((r) => r.sequence).sort((x, y) => x - y);
    expect(seqs).toEqual(Array.from({ length: 20 }, (_, i) => i + 2));
    expect((await trials.getTrial(trialId, a("coord"))).allocated).toBe(21);
    // blocks of 2, 4, 6 at 1:1 in one stratum: after 21 allocations the arms differ by at most 3
    const data = await trials.unblindedData(trialId, a("stat"));
    const arms = data.participants.filter((p) => p.allocation !== null).map((p) => p.allocation?.arm);
    expect(Math.abs(arms.filter((x) => x === "tacrolimus").length - arms.filter((x) => x === "placebo").length)).toBeLessThanOrEqual(3);
  });

  it("minimisation by ANA stratum; comparison-group members are not randomised", async () => {
    const t = await trials.createTrial(lit, a("coord"));
    const p1 = await trials.addParticipant(t.id, { patientId: patients[0] as string, recordVersion: 1, eligibility: eligible, strata: { ana: "positive" } }, a("coord"));
    const ctl = await trials.addParticipant(t.id, { patientId: patients[1] as string, recordVersion: 1, eligibility: null, strata: {}, groupId: "healthy-pregnant" }, a("coord"));
    const noStratum = await trials.addParticipant(t.id, { patientId: patients[2] as string, recordVersion: 1, eligibility: eligible, strata: {} }, a("coord"));
    for (const p of [p1, ctl, noStratum]) await trials.recordConsent(t.id, p.id, { takenBy: "Dr C", consentedOn: "2025-01-03", sheetVersion: "1.1" }, a("coord"));
    // consent taken again (an earlier sheet recorded late, then the current one): the participant shows the latest
    await trials.recordConsent(t.id, ctl.id, { takenBy: "Dr C", consentedOn: "2025-01-01", sheetVersion: "1.0" }, a("coord"));
    await trials.recordConsent(t.id, ctl.id, { takenBy: "Dr D", consentedOn: "2025-01-05", sheetVersion: "1.1" }, a("coord"));
    expect((await trials.participant(t.id, ctl.id, a("coord"))).consent).toEqual({ takenBy: "Dr D", consentedOn: "2025-01-05", sheetVersion: "1.1" });
    const al = await trials.allocate(t.id, p1.id, a("coord"));
    expect(["lit", "routine"]).toContain(al.arm); // open trial: the arm is shown
    await expect(trials.allocate(t.id, ctl.id, a("coord"))).rejects.toThrow(/comparison group/);
    await expect(trials.allocate(t.id, noStratum.id, a("coord"))).rejects.toThrow(/stratification factor "ANA"/);
    const c = await trials.consortCandidates(t.id, a("coord"));
    expect(c.groups).toEqual([{ label: "healthy pregnant women", n: 1 }]);
    expect(c.candidates.length).toBe(2);
  });

  it("backup and restore carry the trial tables (allocations included) to an empty database", async () => {
    const backup = await backupStore(store);
    expect(backup.tables.trial_allocations.length).toBe(22);
    expect(backup.tables.trial_members.length).toBeGreaterThan(0);
    const target = await createTestDb(engine);
    const other = await Store.open(target.config, { scryptLogN: 10 });
    try {
      await restoreStore(other, parseBackup(JSON.stringify(backup)));
      const restored = new TrialStore(other);
      const before = await trials.unblindedData(trialId, a("stat"));
      const after = await restored.unblindedData(trialId, a("stat"));
      expect(after.participants.map((p) => [p.studyId, p.allocation?.sequence, p.allocation?.arm, p.allocation?.kitCode])).toEqual(before.participants.map((p) => [p.studyId, p.allocation?.sequence, p.allocation?.arm, p.allocation?.kitCode]));
      await expect(restoreStore(other, parseBackup(JSON.stringify(backup)))).rejects.toThrow(/not empty/);
    } finally {
      await other.close();
      await target.drop();
    }
  });
});
