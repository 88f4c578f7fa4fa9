/**
 * The trial store (migration 0006_trials): trials with their protocol and secret seed, per-trial memberships,
 * participants linked to patients, consent, final allocations with gap-free sequence numbers, emergency unblinding,
 * visits, marker values, outcomes and adverse events. Every write runs in one transaction with its audit entry;
 * reads are audited too. The rules (eligibility, randomisation, windows) come from src/trials; this file only
 * enforces them on stored data. Allocations cannot be updated or deleted (database triggers).
 */
import { randomUUID } from "node:crypto";
import { type Kysely, type Transaction } from "kysely";
import { z } from "zod";
import { InputError } from "../shared/errors.js";
import { pseudonymiseValue } from "../shared/pseudonym.js";
import type { EligibilityResult } from "../trials/eligibility.js";
import { parseProtocol, type TrialProtocol } from "../trials/protocol.js";
import { kitCode, minimise, permutedBlocks, stratumKey, type PriorAllocation } from "../trials/randomisation.js";
import { mayDo, type TrialAction, type TrialRole } from "../trials/roles.js";
import { checkVisitDate, visitSchedule, type VisitState } from "../trials/visits.js";
import type { AllocationCourse, ConsortCandidate } from "../trials/consort.js";
import { HmacDrbg, newTrialSeed } from "./drbg.js";
import type { Database, Role } from "./schema.js";
import { ConflictError, NotFoundError, type Store } from "./store.js";

interface TrialsTable {
  id: string;
  registration: string;
  title: string;
  protocol: string;
  seed: string;
  status: "recruiting" | "closed";
  allocated_count: number;
  created_at: string;
  created_by: string;
}
interface TrialMembersTable {
  trial_id: string;
  user_id: string;
  role: TrialRole;
  added_at: string;
  added_by: string;
}
interface TrialParticipantsTable {
  id: string;
  trial_id: string;
  patient_id: string;
  study_id: string;
  group_id: string | null;
  eligibility_status: "eligible" | "not-eligible" | "incomplete" | "comparison-group";
  eligibility: string;
  record_version: number;
  strata: string;
  exclusion_reason: string | null;
  created_at: string;
  created_by: string;
}
interface TrialConsentsTable {
  id: string;
  participant_id: string;
  taken_by: string;
  consented_on: string;
  sheet_version: string;
  created_at: string;
  created_by: string;
}
interface TrialAllocationsTable {
  id: string;
  trial_id: string;
  participant_id: string;
  sequence: number;
  arm: string;
  kit_code: string | null;
  stratum: string;
  block: number | null;
  method: string;
  allocated_on: string;
  allocated_at: string;
  allocated_by: string;
}
interface TrialUnblindingsTable {
  id: string;
  allocation_id: string;
  reason: string;
  unblinded_at: string;
  unblinded_by: string;
}
interface TrialVisitsTable {
  id: string;
  participant_id: string;
  visit_id: string;
  date: string;
  out_of_window_reason: string | null;
  created_at: string;
  created_by: string;
}
interface TrialMarkersTable {
  id: string;
  participant_id: string;
  visit_id: string;
  marker: string;
  value: number;
  unit: string;
  method: string | null;
  created_at: string;
  created_by: string;
}
interface TrialOutcomesTable {
  participant_id: string;
  data: string;
  version: number;
  updated_at: string;
  updated_by: string;
}
interface TrialAdverseEventsTable {
  id: string;
  participant_id: string;
  term: string;
  onset: string;
  serious: number;
  severity: string;
  related: string;
  created_at: string;
  created_by: string;
}

export interface TrialTables {
  trials: TrialsTable;
  trial_members: TrialMembersTable;
  trial_participants: TrialParticipantsTable;
  trial_consents: TrialConsentsTable;
  trial_allocations: TrialAllocationsTable;
  trial_unblindings: TrialUnblindingsTable;
  trial_visits: TrialVisitsTable;
  trial_markers: TrialMarkersTable;
  trial_outcomes: TrialOutcomesTable;
  trial_adverse_events: TrialAdverseEventsTable;
}
type TDb = Kysely<Database & TrialTables> | Transaction<Database & TrialTables>;

/** The signed-in user acting on a trial, and the route (for the audit log). */
export interface TrialActor {
  userId: string;
  username: string;
  role: Role;
  route: string;
}

export interface TrialSummary {
  id: string;
  registration: string;
  title: string;
  status: "recruiting" | "closed";
  allocated: number;
  targetSize: number;
  myRole: TrialRole | null;
}

export interface TrialView extends TrialSummary {
  protocol: TrialProtocol;
}

/** Outcome fields (validated at the boundary; see src/server/routes/trials.ts). */
export interface TrialOutcome extends AllocationCourse {
  conception?: boolean | undefined;
  conceptionDate?: string | undefined;
  miscarriage?: boolean | undefined;
  miscarriageWeek?: number | undefined;
  liveBirth?: boolean | undefined;
  healthyNewborn?: boolean | undefined;
  birthWeightG?: number | undefined;
  perProtocol?: boolean | undefined;
}

export interface AllocationView {
  sequence: number;
  /** The arm, or null when the viewer may not see it (blinded trial, not unblinded). */
  arm: string | null;
  kitCode: string | null;
  allocatedOn: string;
  unblinded: boolean;
}

export interface ParticipantView {
  id: string;
  studyId: string;
  /** The clinic's patient id; null for the statistician, who reads the trial as the pseudonymised export does. */
  patientId: string | null;
  groupId: string | null;
  eligibilityStatus: TrialParticipantsTable["eligibility_status"];
  eligibility: EligibilityResult | null;
  strata: Record<string, string>;
  exclusionReason: string | null;
  consent: { takenBy: string; consentedOn: string; sheetVersion: string } | null;
  allocation: AllocationView | null;
  outcome: { data: TrialOutcome; version: number } | null;
  visits: VisitState[];
  markers: { visitId: string; marker: string; value: number; unit: string; method: string | null }[];
  adverseEvents: { id: string; term: string; onset: string; serious: boolean; severity: string; related: string }[];
}

const STUDY_ID_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";

export class TrialStore {
  private readonly db: Kysely<Database & TrialTables>;

  constructor(
    private readonly store: Store,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.db = store.db as unknown as Kysely<Database & TrialTables>;
  }

  private iso(): string {
    return this.now().toISOString();
  }

  private async audit(trx: TDb | null, actor: TrialActor, action: string, detail: string, patientId?: string): Promise<void> {
    await this.store.audit(trx as never, { username: actor.username, action, route: actor.route, detail, patientId: patientId ?? null });
  }

  private async roleOf(db: TDb, trialId: string, userId: string): Promise<TrialRole | null> {
    const r = await db.selectFrom("trial_members").select("role").where("trial_id", "=", trialId).where("user_id", "=", userId).executeTakeFirst();
    return r?.role ?? null;
  }

  /** The trial and the actor's role; a user without a role (other than an admin) is told the trial does not exist. */
  private async access(db: TDb, trialId: string, actor: TrialActor, action: TrialAction | "admin-view"): Promise<{ trial: TrialsTable; role: TrialRole | null; protocol: TrialProtocol }> {
    const trial = await db.selectFrom("trials").selectAll().where("id", "=", trialId).executeTakeFirst();
    const role = trial === undefined ? null : await this.roleOf(db, trialId, actor.userId);
    if (trial === undefined || (role === null && !(action === "admin-view" && actor.role === "admin"))) throw new NotFoundError(`no trial ${trialId}`);
    if (action !== "admin-view" && !mayDo(role, action)) throw new ForbiddenTrialError(`the trial role ${role ?? "none"} may not ${action.replace(/-/g, " ")}`);
    return { trial, role, protocol: parseProtocol(JSON.parse(trial.protocol) as unknown) };
  }

  private summary(t: TrialsTable, role: TrialRole | null): TrialSummary {
    const p = JSON.parse(t.protocol) as { targetSize?: number };
    return { id: t.id, registration: t.registration, title: t.title, status: t.status, allocated: Number(t.allocated_count), targetSize: p.targetSize ?? 0, myRole: role };
  }

  // ── trials and members ──────────────────────────────────────────────────────────────────────────

  /** Creates a trial from a validated protocol; the creator becomes its coordinator. */
  async createTrial(protocolInput: unknown, actor: TrialActor): Promise<TrialView> {
    if (actor.role === "clinician") throw new ForbiddenTrialError("a clinician may not set up a trial (researchers and admins may)");
    const protocol = parseProtocol(protocolInput);
    const id = randomUUID();
    const at = this.iso();
    await this.db.transaction().execute(async (trx) => {
      const dup = await trx.selectFrom("trials").select("id").where("registration", "=", protocol.registration).executeTakeFirst();
      if (dup !== undefined) throw new ConflictError(`a trial with registration ${protocol.registration} exists already`);
      await trx
        .insertInto("trials")
        .values({ id, registration: protocol.registration, title: protocol.title, protocol: JSON.stringify(protocol), seed: newTrialSeed(), status: "recruiting", allocated_count: 0, created_at: at, created_by: actor.username })
        .execute();
      await trx.insertInto("trial_members").values({ trial_id: id, user_id: actor.userId, role: "coordinator", added_at: at, added_by: actor.username }).execute();
      await this.audit(trx, actor, "trial.create", `${id} ${protocol.registration}`);
    });
    return { id, registration: protocol.registration, title: protocol.title, status: "recruiting", allocated: 0, targetSize: protocol.targetSize, myRole: "coordinator", protocol };
  }

  /** Trials the actor has a role in (an admin sees every trial's summary). */
  async listTrials(actor: TrialActor): Promise<TrialSummary[]> {
    const rows = await this.db.selectFrom("trials").leftJoin("trial_members", (j) => j.onRef("trial_members.trial_id", "=", "trials.id").on("trial_members.user_id", "=", actor.userId)).selectAll("trials").select("trial_members.role as my_role").orderBy("trials.created_at").execute();
    await this.store.auditRead({ username: actor.username, action: "trial.list", route: actor.route });
    return rows.filter((r) => r.my_role !== null || actor.role === "admin").map((r) => this.summary(r, r.my_role ?? null));
  }

  async getTrial(trialId: string, actor: TrialActor): Promise<TrialView> {
    const { trial, role, protocol } = await this.access(this.db, trialId, actor, "admin-view");
    await this.store.auditRead({ username: actor.username, action: "trial.read", route: actor.route, detail: trialId });
    return { ...this.summary(trial, role), protocol };
  }

  async listMembers(trialId: string, actor: TrialActor): Promise<{ userId: string; username: string; role: TrialRole }[]> {
    await this.access(this.db, trialId, actor, actor.role === "admin" ? "admin-view" : "view");
    const rows = await this.db.selectFrom("trial_members").innerJoin("users", "users.id", "trial_members.user_id").select(["trial_members.user_id", "users.username", "trial_members.role"]).where("trial_id", "=", trialId).orderBy("users.username").execute();
    return rows.map((r) => ({ userId: r.user_id, username: r.username, role: r.role }));
  }

  /** Adds or changes a member's trial role (the coordinator, or an admin); `user` is a user id or a username. */
  async setMember(trialId: string, member: { user: string; role: TrialRole }, actor: TrialActor): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await this.access(trx, trialId, actor, actor.role === "admin" ? "admin-view" : "manage-members");
      const user = await trx.selectFrom("users").select(["id", "username", "role"]).where((eb) => eb.or([eb("id", "=", member.user), eb("username", "=", member.user)])).executeTakeFirst();
      if (user === undefined) throw new InputError(`no user "${member.user}"`, { field: "user" });
      if (user.role === "clinician" && member.role === "statistician") throw new InputError("a clinician account cannot be the trial statistician", { field: "role" });
      // an evidence reviewer sees no patient: a trial role would show the participants and their eligibility findings
      if (user.role === "reviewer") throw new InputError(`${user.username} is an evidence reviewer, who sees no patient: a trial role is for clinicians and researchers`, { field: "user" });
      const existing = await this.roleOf(trx, trialId, user.id);
      if (existing === null) await trx.insertInto("trial_members").values({ trial_id: trialId, user_id: user.id, role: member.role, added_at: this.iso(), added_by: actor.username }).execute();
      else await trx.updateTable("trial_members").set({ role: member.role }).where("trial_id", "=", trialId).where("user_id", "=", user.id).execute();
      await this.audit(trx, actor, "trial.member", `${trialId}: ${user.username} ${existing ?? "none"} -> ${member.role}`);
    });
  }

  // ── participants ────────────────────────────────────────────────────────────────────────────────

  /**
   * Registers a candidate assessed for eligibility (eligibility computed by src/trials from the stored record at
   * `recordVersion`), or a member of a non-randomised comparison group (`groupId`).
   */
  async addParticipant(
    trialId: string,
    input: { patientId: string; recordVersion: number; eligibility: EligibilityResult | null; strata: Record<string, string>; groupId?: string | null; exclusionReason?: string | null },
    actor: TrialActor,
  ): Promise<ParticipantView> {
    const id = randomUUID();
    await this.db.transaction().execute(async (trx) => {
      const { protocol } = await this.access(trx, trialId, actor, "enrol");
      const groupId = input.groupId ?? null;
      if (groupId !== null && !protocol.groups.some((g) => g.id === groupId)) throw new InputError(`"${groupId}" is not a comparison group of this trial`, { field: "groupId" });
      if (groupId === null && input.eligibility === null) throw new InputError("a candidate needs an eligibility assessment", { field: "eligibility" });
      const patient = await trx.selectFrom("patients").select(["id", "version"]).where("id", "=", input.patientId).executeTakeFirst();
      if (patient === undefined) throw new NotFoundError(`no patient ${input.patientId}`);
      const dup = await trx.selectFrom("trial_participants").select("study_id").where("trial_id", "=", trialId).where("patient_id", "=", input.patientId).executeTakeFirst();
      if (dup !== undefined) throw new ConflictError(`this patient is already in the trial as ${dup.study_id}`);
      const status = groupId !== null ? "comparison-group" : (input.eligibility?.status ?? "incomplete");
      let studyId = "";
      for (;;) {
        const rng = new HmacDrbg(`${id}|${studyId}`);
        studyId = "S-" + Array.from({ length: 6 }, () => STUDY_ID_ALPHABET[rng.nextUint32() % STUDY_ID_ALPHABET.length]).join("");
        const taken = await trx.selectFrom("trial_participants").select("id").where("trial_id", "=", trialId).where("study_id", "=", studyId).executeTakeFirst();
        if (taken === undefined) break;
      }
      await trx
        .insertInto("trial_participants")
        .values({
          id,
          trial_id: trialId,
          patient_id: input.patientId,
          study_id: studyId,
          group_id: groupId,
          eligibility_status: status,
          eligibility: JSON.stringify(input.eligibility),
          record_version: input.recordVersion,
          strata: JSON.stringify(input.strata),
          exclusion_reason: input.exclusionReason ?? (status === "not-eligible" ? "not meeting inclusion criteria" : null),
          created_at: this.iso(),
          created_by: actor.username,
        })
        .execute();
      await this.audit(trx, actor, "trial.enrol", `${trialId} ${studyId}: ${status}`, input.patientId);
    });
    return this.participant(trialId, id, actor);
  }

  /** Records a candidate's decision not to take part (shown in CONSORT as excluded with the reason). */
  async setExclusionReason(trialId: string, participantId: string, reason: string, actor: TrialActor): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await this.access(trx, trialId, actor, "enrol");
      const p = await this.participantRow(trx, trialId, participantId);
      const alloc = await trx.selectFrom("trial_allocations").select("id").where("participant_id", "=", participantId).executeTakeFirst();
      if (alloc !== undefined) throw new ConflictError("the participant is randomised: an exclusion reason is for candidates not randomised");
      await trx.updateTable("trial_participants").set({ exclusion_reason: reason }).where("id", "=", participantId).execute();
      await this.audit(trx, actor, "trial.exclude", `${trialId} ${p.study_id}: ${reason}`, p.patient_id);
    });
  }

  private async participantRow(db: TDb, trialId: string, participantId: string): Promise<TrialParticipantsTable> {
    const p = await db.selectFrom("trial_participants").selectAll().where("id", "=", participantId).where("trial_id", "=", trialId).executeTakeFirst();
    if (p === undefined) throw new NotFoundError(`no participant ${participantId} in this trial`);
    return p;
  }

  async recordConsent(trialId: string, participantId: string, input: { takenBy: string; consentedOn: string; sheetVersion: string }, actor: TrialActor): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const { protocol } = await this.access(trx, trialId, actor, "consent");
      const p = await this.participantRow(trx, trialId, participantId);
      if (!protocol.informationSheets.includes(input.sheetVersion))
        throw new InputError(`information sheet version "${input.sheetVersion}" is not one of the protocol's (${protocol.informationSheets.join(", ")})`, { field: "sheetVersion" });
      if (input.consentedOn > this.iso().slice(0, 10)) throw new InputError("consent cannot be dated in the future", { field: "consentedOn" });
      await trx
        .insertInto("trial_consents")
        .values({ id: randomUUID(), participant_id: participantId, taken_by: input.takenBy, consented_on: input.consentedOn, sheet_version: input.sheetVersion, created_at: this.iso(), created_by: actor.username })
        .execute();
      await this.audit(trx, actor, "trial.consent", `${trialId} ${p.study_id}: sheet ${input.sheetVersion}, ${input.consentedOn}, taken by ${input.takenBy}`, p.patient_id);
    });
  }

  /**
   * Allocates an eligible, consented participant: final, audited, with the next sequence number of the trial.
   * The trial row is locked (PostgreSQL: SELECT ... FOR UPDATE; SQLite: one writer) so concurrent enrolments get
   * consecutive numbers, none twice and none skipped; a failed allocation rolls back and uses no number.
   */
  async allocate(trialId: string, participantId: string, actor: TrialActor): Promise<AllocationView> {
    const at = this.iso();
    const seq = await this.db.transaction().execute(async (trx) => {
      let q = trx.selectFrom("trials").selectAll().where("id", "=", trialId);
      if (this.store.engine === "postgres") q = q.forUpdate();
      const locked = await q.executeTakeFirst();
      if (locked === undefined) throw new NotFoundError(`no trial ${trialId}`);
      const { protocol, trial } = await this.access(trx, trialId, actor, "allocate");
      if (trial.status !== "recruiting") throw new ConflictError("the trial is closed to recruitment");
      const p = await this.participantRow(trx, trialId, participantId);
      const existing = await trx.selectFrom("trial_allocations").select(["sequence"]).where("participant_id", "=", participantId).executeTakeFirst();
      if (existing !== undefined) throw new ConflictError(`${p.study_id} is already allocated (sequence ${existing.sequence}); an allocation is final`);
      if (p.group_id !== null) throw new ConflictError(`${p.study_id} is in the comparison group "${p.group_id}", which is not randomised`);
      if (p.eligibility_status !== "eligible")
        throw new ConflictError(`${p.study_id} is not eligible (${p.eligibility_status}); only an eligible candidate can be allocated`);
      const consent = await trx.selectFrom("trial_consents").select("id").where("participant_id", "=", participantId).executeTakeFirst();
      if (consent === undefined) throw new ConflictError(`no consent recorded for ${p.study_id}; record consent before allocation`);
      const levels = JSON.parse(p.strata) as Record<string, string>;
      for (const f of protocol.strata) {
        const l = levels[f.id];
        if (l === undefined || !f.levels.some((x) => x.id === l)) throw new ConflictError(`${p.study_id} has no level of the stratification factor "${f.label ?? f.id}"`);
      }
      const sequence = Number(locked.allocated_count) + 1;
      const key = stratumKey(protocol.strata.map((f) => [f.id, levels[f.id] ?? ""] as [string, string]));
      const design = { arms: protocol.arms.map((a) => a.id), ratio: protocol.ratio };
      let arm: string;
      let block: number | null = null;
      if (protocol.randomisation.method === "permuted-blocks") {
        const inStratum = await trx.selectFrom("trial_allocations").select((eb) => eb.fn.countAll().as("n")).where("trial_id", "=", trialId).where("stratum", "=", key).executeTakeFirstOrThrow();
        const stream = permutedBlocks(new HmacDrbg(trial.seed, `blocks|${key}`), design, protocol.randomisation.blockSizes, Number(inStratum.n) + 1);
        const last = stream[stream.length - 1];
        if (last === undefined) throw new Error("empty allocation stream");
        arm = last.arm;
        block = last.block;
      } else {
        const prior = await trx
          .selectFrom("trial_allocations")
          .innerJoin("trial_participants", "trial_participants.id", "trial_allocations.participant_id")
          .select(["trial_allocations.arm", "trial_participants.strata"])
          .where("trial_allocations.trial_id", "=", trialId)
          .execute();
        const previous: PriorAllocation[] = prior.map((r) => ({ arm: r.arm, levels: JSON.parse(r.strata) as Record<string, string> }));
        const factors = protocol.strata.map((f) => ({ id: f.id, levels: f.levels.map((l) => l.id), weight: f.weight }));
        arm = minimise({ ...design, factors, previous, participant: levels, probability: protocol.randomisation.probability }, new HmacDrbg(trial.seed, `minimisation|${sequence}`)).arm;
      }
      const placeboControlled = protocol.arms.some((a) => a.placebo);
      const kit = placeboControlled ? kitCode(new HmacDrbg(trial.seed, `kit|${sequence}`)) : null;
      await trx
        .insertInto("trial_allocations")
        .values({ id: randomUUID(), trial_id: trialId, participant_id: participantId, sequence, arm, kit_code: kit, stratum: key, block, method: protocol.randomisation.method, allocated_on: at.slice(0, 10), allocated_at: at, allocated_by: actor.username })
        .execute();
      const upd = await trx.updateTable("trials").set({ allocated_count: sequence }).where("id", "=", trialId).where("allocated_count", "=", sequence - 1).executeTakeFirst();
      if (Number(upd.numUpdatedRows) !== 1) throw new ConflictError("another allocation took this sequence number; try again");
      // the arm is not written to the audit log (concealment): the sequence and kit identify the allocation
      await this.audit(trx, actor, "trial.allocate", `${trialId} ${p.study_id}: sequence ${sequence}${kit !== null ? `, kit ${kit}` : ""}`, p.patient_id);
      return sequence;
    });
    void seq;
    const view = await this.participant(trialId, participantId, actor);
    if (view.allocation === null) throw new Error("allocation not found after commit");
    return view.allocation;
  }

  /** Emergency unblinding of one participant, with the reason (coordinator or statistician); returns the arm. */
  async unblind(trialId: string, participantId: string, reason: string, actor: TrialActor): Promise<{ arm: string; kitCode: string | null }> {
    if (reason.trim().length < 5) throw new InputError("give the reason for unblinding (at least 5 characters)", { field: "reason" });
    return this.db.transaction().execute(async (trx) => {
      await this.access(trx, trialId, actor, "unblind");
      const p = await this.participantRow(trx, trialId, participantId);
      const a = await trx.selectFrom("trial_allocations").selectAll().where("participant_id", "=", participantId).executeTakeFirst();
      if (a === undefined) throw new ConflictError(`${p.study_id} is not allocated: nothing to unblind`);
      await trx.insertInto("trial_unblindings").values({ id: randomUUID(), allocation_id: a.id, reason, unblinded_at: this.iso(), unblinded_by: actor.username }).execute();
      await this.audit(trx, actor, "trial.unblind", `${trialId} ${p.study_id}: ${reason}`, p.patient_id);
      return { arm: a.arm, kitCode: a.kit_code };
    });
  }

  // ── data capture ────────────────────────────────────────────────────────────────────────────────

  private async anchors(db: TDb, p: TrialParticipantsTable): Promise<{ randomisation: string; conception?: string }> {
    const a = await db.selectFrom("trial_allocations").select("allocated_on").where("participant_id", "=", p.id).executeTakeFirst();
    const o = await db.selectFrom("trial_outcomes").select("data").where("participant_id", "=", p.id).executeTakeFirst();
    const conception = o !== undefined ? (JSON.parse(o.data) as TrialOutcome).conceptionDate : undefined;
    const randomisation = a?.allocated_on ?? p.created_at.slice(0, 10);
    return conception !== undefined ? { randomisation, conception } : { randomisation };
  }

  async recordVisit(trialId: string, participantId: string, input: { visitId: string; date: string; outOfWindowReason?: string | undefined }, actor: TrialActor): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const { protocol } = await this.access(trx, trialId, actor, "enter-data");
      const p = await this.participantRow(trx, trialId, participantId);
      const visit = protocol.visits.find((v) => v.id === input.visitId);
      if (visit === undefined) throw new InputError(`"${input.visitId}" is not a visit of the protocol (${protocol.visits.map((v) => v.id).join(", ")})`, { field: "visitId" });
      if (p.group_id === null) {
        const a = await trx.selectFrom("trial_allocations").select("id").where("participant_id", "=", participantId).executeTakeFirst();
        if (a === undefined) throw new ConflictError(`${p.study_id} is not allocated: visits start at randomisation`);
      }
      const check = checkVisitDate(visit, input.date, await this.anchors(trx, p), input.outOfWindowReason);
      const dup = await trx.selectFrom("trial_visits").select("id").where("participant_id", "=", participantId).where("visit_id", "=", input.visitId).executeTakeFirst();
      if (dup !== undefined) throw new ConflictError(`visit "${visit.label}" is already recorded for ${p.study_id}`);
      await trx
        .insertInto("trial_visits")
        .values({ id: randomUUID(), participant_id: participantId, visit_id: input.visitId, date: input.date, out_of_window_reason: check.inWindow ? null : (input.outOfWindowReason ?? null), created_at: this.iso(), created_by: actor.username })
        .execute();
      await this.audit(trx, actor, "trial.visit", `${trialId} ${p.study_id}: ${input.visitId} ${input.date}${check.inWindow ? "" : ` outside window (${input.outOfWindowReason ?? ""})`}`, p.patient_id);
    });
  }

  async recordMarker(trialId: string, participantId: string, input: { visitId: string; marker: string; value: number; unit: string; method?: string | undefined }, actor: TrialActor): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await this.access(trx, trialId, actor, "enter-data");
      const p = await this.participantRow(trx, trialId, participantId);
      const v = await trx.selectFrom("trial_visits").select("id").where("participant_id", "=", participantId).where("visit_id", "=", input.visitId).executeTakeFirst();
      if (v === undefined) throw new ConflictError(`record visit "${input.visitId}" before its marker values`);
      const existing = await trx.selectFrom("trial_markers").select("id").where("participant_id", "=", participantId).where("visit_id", "=", input.visitId).where("marker", "=", input.marker).executeTakeFirst();
      if (existing !== undefined) throw new ConflictError(`${input.marker} at visit ${input.visitId} is already recorded for ${p.study_id}`);
      await trx
        .insertInto("trial_markers")
        .values({ id: randomUUID(), participant_id: participantId, visit_id: input.visitId, marker: input.marker, value: input.value, unit: input.unit, method: input.method ?? null, created_at: this.iso(), created_by: actor.username })
        .execute();
      await this.audit(trx, actor, "trial.marker", `${trialId} ${p.study_id}: ${input.marker} at ${input.visitId}`, p.patient_id);
    });
  }

  /** Writes the participant's outcome form; `expectedVersion` (0 for the first write) guards against lost updates. */
  async setOutcome(trialId: string, participantId: string, data: TrialOutcome, expectedVersion: number, actor: TrialActor): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      await this.access(trx, trialId, actor, "enter-data");
      const p = await this.participantRow(trx, trialId, participantId);
      const cur = await trx.selectFrom("trial_outcomes").select(["version"]).where("participant_id", "=", participantId).executeTakeFirst();
      const version = cur === undefined ? 0 : Number(cur.version);
      if (version !== expectedVersion) throw new ConflictError(`the outcome form was changed meanwhile (version ${version}, you edited ${expectedVersion}); reload`);
      const row = { data: JSON.stringify(data), version: version + 1, updated_at: this.iso(), updated_by: actor.username };
      if (cur === undefined) await trx.insertInto("trial_outcomes").values({ participant_id: participantId, ...row }).execute();
      else await trx.updateTable("trial_outcomes").set(row).where("participant_id", "=", participantId).where("version", "=", version).execute();
      await this.audit(trx, actor, "trial.outcome", `${trialId} ${p.study_id}: version ${version} -> ${version + 1}`, p.patient_id);
      return version + 1;
    });
  }

  async addAdverseEvent(trialId: string, participantId: string, input: { term: string; onset: string; serious: boolean; severity: string; related: string }, actor: TrialActor): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await this.access(trx, trialId, actor, "enter-data");
      const p = await this.participantRow(trx, trialId, participantId);
      await trx
        .insertInto("trial_adverse_events")
        .values({ id: randomUUID(), participant_id: participantId, term: input.term, onset: input.onset, serious: input.serious ? 1 : 0, severity: input.severity, related: input.related, created_at: this.iso(), created_by: actor.username })
        .execute();
      await this.audit(trx, actor, "trial.adverse-event", `${trialId} ${p.study_id}: ${input.serious ? "serious " : ""}${input.term}`, p.patient_id);
    });
  }

  // ── reads ───────────────────────────────────────────────────────────────────────────────────────

  private async views(trialId: string, role: TrialRole | null, protocol: TrialProtocol, rows: TrialParticipantsTable[], today: string): Promise<ParticipantView[]> {
    if (rows.length === 0) return [];
    const ids = rows.map((r) => r.id);
    const [consents, allocs, outcomes, visits, markers, aes] = await Promise.all([
      this.db.selectFrom("trial_consents").selectAll().where("participant_id", "in", ids).orderBy("consented_on").orderBy("created_at").execute(),
      this.db.selectFrom("trial_allocations").selectAll().where("participant_id", "in", ids).execute(),
      this.db.selectFrom("trial_outcomes").selectAll().where("participant_id", "in", ids).execute(),
      this.db.selectFrom("trial_visits").selectAll().where("participant_id", "in", ids).execute(),
      this.db.selectFrom("trial_markers").selectAll().where("participant_id", "in", ids).orderBy("created_at").execute(),
      this.db.selectFrom("trial_adverse_events").selectAll().where("participant_id", "in", ids).orderBy("onset").execute(),
    ]);
    const unblindedIds = new Set(
      (await this.db.selectFrom("trial_unblindings").innerJoin("trial_allocations", "trial_allocations.id", "trial_unblindings.allocation_id").select("trial_allocations.participant_id").where("trial_allocations.trial_id", "=", trialId).execute()).map((r) => r.participant_id),
    );
    const seeArms = protocol.blinding === "open" || mayDo(role, "see-arms");
    return rows.map((r) => {
      // a participant who consents again (a new information sheet version) is shown with the latest consent
      const c = consents.filter((x) => x.participant_id === r.id).at(-1);
      const a = allocs.find((x) => x.participant_id === r.id);
      const o = outcomes.find((x) => x.participant_id === r.id);
      const outcome = o !== undefined ? { data: JSON.parse(o.data) as TrialOutcome, version: Number(o.version) } : null;
      const randomisation = a?.allocated_on ?? r.created_at.slice(0, 10);
      const conception = outcome?.data.conceptionDate;
      const anchors = conception !== undefined ? { randomisation, conception } : { randomisation };
      const myVisits = visits.filter((v) => v.participant_id === r.id);
      const unblinded = unblindedIds.has(r.id);
      return {
        id: r.id,
        studyId: r.study_id,
        patientId: r.patient_id,
        groupId: r.group_id,
        eligibilityStatus: r.eligibility_status,
        eligibility: JSON.parse(r.eligibility) as EligibilityResult | null,
        strata: JSON.parse(r.strata) as Record<string, string>,
        exclusionReason: r.exclusion_reason,
        consent: c !== undefined ? { takenBy: c.taken_by, consentedOn: c.consented_on, sheetVersion: c.sheet_version } : null,
        allocation: a !== undefined ? { sequence: Number(a.sequence), arm: seeArms ? a.arm : null, kitCode: a.kit_code, allocatedOn: a.allocated_on, unblinded } : null,
        outcome,
        visits: a !== undefined || r.group_id !== null ? visitSchedule(protocol.visits, anchors, myVisits.map((v) => ({ visit: v.visit_id, date: v.date })), today) : [],
        markers: markers.filter((m) => m.participant_id === r.id).map((m) => ({ visitId: m.visit_id, marker: m.marker, value: Number(m.value), unit: m.unit, method: m.method })),
        adverseEvents: aes.filter((e) => e.participant_id === r.id).map((e) => ({ id: e.id, term: e.term, onset: e.onset, serious: Number(e.serious) === 1, severity: e.severity, related: e.related })),
      };
    });
  }

  async participants(trialId: string, actor: TrialActor): Promise<ParticipantView[]> {
    const { role, protocol } = await this.access(this.db, trialId, actor, "view");
    const rows = await this.db.selectFrom("trial_participants").selectAll().where("trial_id", "=", trialId).orderBy("created_at").orderBy("study_id").execute();
    await this.store.auditRead({ username: actor.username, action: "trial.participants", route: actor.route, detail: `${trialId}: ${rows.length}` });
    return this.forViewer(role, rows, await this.views(trialId, role, protocol, rows, this.iso().slice(0, 10)));
  }

  async participant(trialId: string, participantId: string, actor: TrialActor): Promise<ParticipantView> {
    const { role, protocol } = await this.access(this.db, trialId, actor, "view");
    const row = await this.participantRow(this.db, trialId, participantId);
    await this.store.auditRead({ username: actor.username, action: "trial.participant", route: actor.route, patientId: row.patient_id, detail: `${trialId} ${row.study_id}` });
    const [v] = await this.forViewer(role, [row], await this.views(trialId, role, protocol, [row], this.iso().slice(0, 10)));
    if (v === undefined) throw new NotFoundError(`no participant ${participantId}`);
    return v;
  }

  /**
   * The statistician reads participants as the pseudonymised export gives them: every date shifted by the patient's
   * own offset (the same shift as the export, so comparing the two tells nothing), dates inside texts too, and no
   * clinic patient id. Real dates beside shifted ones would give the shift away, and with it the record's dates.
   * The coordinator and the investigators, who see the patients, read the real dates.
   */
  private async forViewer(role: TrialRole | null, rows: readonly TrialParticipantsTable[], views: ParticipantView[]): Promise<ParticipantView[]> {
    if (role !== "statistician") return views;
    const shifts = await this.dateShifts(rows);
    return views.map((v) => {
      const patient = rows.find((r) => r.id === v.id)?.patient_id;
      return { ...(pseudonymiseValue(v, patient === undefined ? 0 : (shifts.get(patient) ?? 0), new Set(["id"])) as ParticipantView), patientId: null };
    });
  }

  /** Each participant's patient's date shift (days), the one the pseudonymised exports use. */
  private async dateShifts(rows: readonly TrialParticipantsTable[]): Promise<Map<string, number>> {
    if (rows.length === 0) return new Map();
    const shifts = await this.db.selectFrom("patients").select(["id", "date_shift_days"]).where("id", "in", rows.map((r) => r.patient_id)).execute();
    return new Map(shifts.map((r) => [r.id, Number(r.date_shift_days)]));
  }

  /**
   * Everyone assessed, as the CONSORT flow needs them (no identities). In a blinded trial, a viewer who may not see
   * arms gets the allocated participants under one concealed arm ("arms concealed"), so counts by arm cannot
   * unblind anyone.
   */
  async consortCandidates(trialId: string, actor: TrialActor): Promise<{ protocol: TrialProtocol; arms: { id: string; label: string }[]; candidates: ConsortCandidate[]; groups: { label: string; n: number }[] }> {
    const { role, protocol } = await this.access(this.db, trialId, actor, "view");
    const concealed = protocol.blinding !== "open" && !mayDo(role, "see-arms");
    const rows = await this.db.selectFrom("trial_participants").selectAll().where("trial_id", "=", trialId).execute();
    await this.store.auditRead({ username: actor.username, action: "trial.consort", route: actor.route, detail: trialId });
    const views = await this.views(trialId, "statistician", protocol, rows, this.iso().slice(0, 10));
    const randomisable = views.filter((v) => v.groupId === null);
    const candidates: ConsortCandidate[] = randomisable.map((v) => {
      const o = v.outcome?.data;
      const c: ConsortCandidate = { arm: v.allocation === null ? null : concealed ? "concealed" : v.allocation.arm };
      if (v.allocation === null) c.exclusionReason = v.exclusionReason ?? (v.eligibilityStatus === "incomplete" ? "eligibility not yet decided (findings missing)" : v.consent === null ? "consent not recorded" : "not yet randomised");
      if (o !== undefined) {
        c.receivedAllocated = o.receivedAllocated;
        c.notReceivedReason = o.notReceivedReason;
        c.lostToFollowUp = o.lostToFollowUp;
        c.lostReason = o.lostReason;
        c.discontinued = o.discontinued;
        c.discontinuedReason = o.discontinuedReason;
      }
      c.unblinded = v.allocation?.unblinded === true;
      return c;
    });
    const groups = protocol.groups.map((g) => ({ label: g.label, n: views.filter((v) => v.groupId === g.id).length }));
    const arms = concealed ? [{ id: "concealed", label: `${protocol.arms.map((a) => a.id).join(" or ")} (arms concealed)` }] : protocol.arms.map((a) => ({ id: a.id, label: a.label }));
    return { protocol, arms, candidates, groups };
  }

  /** Participant data with arms for the unblinded statistician (analysis and exports). */
  async unblindedData(trialId: string, actor: TrialActor): Promise<{ protocol: TrialProtocol; participants: (ParticipantView & { dateShiftDays: number })[] }> {
    const { protocol } = await this.access(this.db, trialId, actor, "analyse");
    const rows = await this.db.selectFrom("trial_participants").selectAll().where("trial_id", "=", trialId).orderBy("study_id").execute();
    const shifts = await this.dateShifts(rows);
    await this.store.auditRead({ username: actor.username, action: "trial.unblinded-data", route: actor.route, detail: `${trialId}: ${rows.length}` });
    const views = await this.views(trialId, "statistician", protocol, rows, this.iso().slice(0, 10));
    return { protocol, participants: views.map((v) => ({ ...v, dateShiftDays: v.patientId === null ? 0 : (shifts.get(v.patientId) ?? 0) })) };
  }
}

/** A trial role that may not do the action (HTTP 403). */
export class ForbiddenTrialError extends Error {
  override readonly name = "ForbiddenTrialError";
  /** Read by the server's error handler (403 FORBIDDEN). */
  readonly statusCode = 403;
}

// ── backup / restore ─────────────────────────────────────────────────────────────────────────────

const bStr = z.string();
const bInt = z.coerce.number().int();
const bOpt = z.string().nullable();
/** Row schemas of the trial tables (backup files), in dependency order, with the column a dump is ordered by. */
export const TRIAL_BACKUP_TABLES = {
  trials: { order: "id", row: z.object({ id: bStr, registration: bStr, title: bStr, protocol: bStr, seed: bStr, status: z.enum(["recruiting", "closed"]), allocated_count: bInt, created_at: bStr, created_by: bStr }) },
  trial_members: { order: "added_at", row: z.object({ trial_id: bStr, user_id: bStr, role: z.enum(["coordinator", "investigator", "statistician"]), added_at: bStr, added_by: bStr }) },
  trial_participants: {
    order: "id",
    row: z.object({ id: bStr, trial_id: bStr, patient_id: bStr, study_id: bStr, group_id: bOpt, eligibility_status: z.enum(["eligible", "not-eligible", "incomplete", "comparison-group"]), eligibility: bStr, record_version: bInt, strata: bStr, exclusion_reason: bOpt, created_at: bStr, created_by: bStr }),
  },
  trial_consents: { order: "id", row: z.object({ id: bStr, participant_id: bStr, taken_by: bStr, consented_on: bStr, sheet_version: bStr, created_at: bStr, created_by: bStr }) },
  trial_allocations: {
    order: "id",
    row: z.object({ id: bStr, trial_id: bStr, participant_id: bStr, sequence: bInt, arm: bStr, kit_code: bOpt, stratum: bStr, block: bInt.nullable(), method: bStr, allocated_on: bStr, allocated_at: bStr, allocated_by: bStr }),
  },
  trial_unblindings: { order: "id", row: z.object({ id: bStr, allocation_id: bStr, reason: bStr, unblinded_at: bStr, unblinded_by: bStr }) },
  trial_visits: { order: "id", row: z.object({ id: bStr, participant_id: bStr, visit_id: bStr, date: bStr, out_of_window_reason: bOpt, created_at: bStr, created_by: bStr }) },
  trial_markers: { order: "id", row: z.object({ id: bStr, participant_id: bStr, visit_id: bStr, marker: bStr, value: z.coerce.number(), unit: bStr, method: bOpt, created_at: bStr, created_by: bStr }) },
  trial_outcomes: { order: "participant_id", row: z.object({ participant_id: bStr, data: bStr, version: bInt, updated_at: bStr, updated_by: bStr }) },
  trial_adverse_events: { order: "id", row: z.object({ id: bStr, participant_id: bStr, term: bStr, onset: bStr, serious: bInt, severity: bStr, related: bStr, created_at: bStr, created_by: bStr }) },
} as const;
export type TrialTableName = keyof typeof TRIAL_BACKUP_TABLES;
export const TRIAL_TABLE_NAMES = Object.keys(TRIAL_BACKUP_TABLES) as TrialTableName[];
