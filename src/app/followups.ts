/**
 * Follow-ups as the clinical rules read them, one definition for the server and the CLI (issue 8 §5): the body a
 * follow-up is written with (`FollowUpSchema`, also `decidua assess --followups FILE`), the rows that count (not
 * entered in error), and the record the rules read, with anti-paternal antibody results merged into
 * `record.followUps` (the LIT plan reads them). Pure.
 */
import { z } from "zod";
import { daysBetween } from "../clinical/dates.js";
import { InputError } from "../shared/errors.js";
import { TherapyIdSchema } from "../shared/therapy-ids.js";

const IsoDate = z.iso.date({ error: "must be a date written YYYY-MM-DD" });
const Text = z.string().max(2000);

/** A follow-up result or outcome as the API and `decidua assess --followups` accept it. */
export const FollowUpSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("pregnancy"), date: IsoDate, note: Text.optional() }),
  z.object({ kind: z.literal("loss"), date: IsoDate, gestationalWeek: z.number().min(0).max(45, "impossible gestational week: over 45"), note: Text.optional() }),
  z.object({ kind: z.literal("live-birth"), date: IsoDate, gestationalWeek: z.number().min(20, "a live birth is recorded from 20 weeks").max(45).optional(), note: Text.optional() }),
  z.object({ kind: z.literal("adverse-reaction"), date: IsoDate, therapy: TherapyIdSchema, description: z.string().min(1, "describe the reaction").max(2000), severity: z.enum(["mild", "moderate", "severe"]) }),
  z.object({ kind: z.literal("antibody-result"), date: IsoDate, test: z.string().min(1).max(200).describe('"anti-paternal-antibody" results feed the LIT plan'), value: z.number().optional(), unit: z.string().max(50).optional(), positive: z.boolean(), note: Text.optional() }),
]);
export type FollowUp = z.infer<typeof FollowUpSchema>;

/** A stored follow-up as the clinical rules read it. */
export interface ClinicalFollowUp {
  kind: string;
  date: string;
  test?: unknown;
  positive?: unknown;
}

/** The follow-ups the rules read: every stored one except those marked entered in error. */
export function followupsInForce<F extends { id: string; data: Record<string, unknown> }>(rows: readonly F[], enteredInError: ReadonlyMap<string, unknown>): ClinicalFollowUp[] {
  return rows.filter((f) => !enteredInError.has(f.id)).map((f) => f.data as unknown as ClinicalFollowUp);
}

/** The anti-paternal antibody results among the follow-ups (what the LIT plan reads). */
export function antibodyFollowups(followups: readonly ClinicalFollowUp[]): ClinicalFollowUp[] {
  return followups.filter((f) => f.kind === "antibody-result" && f.test === "anti-paternal-antibody" && typeof f.positive === "boolean");
}

/** The record with the anti-paternal antibody follow-ups appended to `record.followUps` (the record itself when there are none). */
export function recordWithFollowups(record: unknown, followups: readonly ClinicalFollowUp[]): unknown {
  const extra = antibodyFollowups(followups);
  if (extra.length === 0) return record;
  const base = record as Record<string, unknown>;
  return {
    ...base,
    followUps: [
      ...(Array.isArray(base.followUps) ? (base.followUps as unknown[]) : []),
      ...extra.map((f) => ({ test: "anti-paternal-antibody", date: f.date, result: f.positive === true ? "positive" : "negative" })),
    ],
  };
}

/** Days within which a follow-up's outcome and a dated event of the record are taken to be the same one. */
const SAME_EVENT_DAYS = 7;


/**
 * The outcomes follow-ups report that the record the rules read does not hold (a pregnancy, a loss, a live birth):
 * the rules read the record only, so each is said, for the clinician to record (a follow-up is never merged into the
 * history on its own: the same loss entered in both would count twice). Plain text, one per follow-up.
 */
export function outcomesNotInRecord(
  r: { losses: readonly { date?: string | undefined }[]; liveBirths: readonly { date?: string | undefined }[]; currentPregnancy?: unknown },
  followups: readonly (ClinicalFollowUp & { gestationalWeek?: unknown })[],
): string[] {
  const out: string[] = [];
  const dated = (xs: readonly { date?: string | undefined }[]) => xs.map((x) => x.date).filter((d): d is string => d !== undefined);
  const losses = dated(r.losses);
  const births = dated(r.liveBirths);
  const outcomes = followups.filter((f) => f.kind === "loss" || f.kind === "live-birth");
  const week = (f: { gestationalWeek?: unknown }) => (typeof f.gestationalWeek === "number" ? ` at ${f.gestationalWeek} weeks` : "");
  for (const f of followups) {
    if (f.kind === "pregnancy") {
      const ended = [...losses, ...births, ...outcomes.map((o) => o.date)].some((d) => d >= f.date);
      if (r.currentPregnancy === undefined && !ended)
        out.push(`The follow-up of ${f.date} reports a pregnancy, but the record has no current pregnancy: the rules read the record, so record the pregnancy (its dating and scan) for the verdicts to take it into account.`);
    } else if (f.kind === "loss" && !losses.some((d) => Math.abs(daysBetween(d, f.date)) <= SAME_EVENT_DAYS)) {
      out.push(`The follow-up of ${f.date} reports a loss${week(f)} that is not among the record's dated losses: the rules count the record's losses only, so add it to the history.`);
    } else if (f.kind === "live-birth" && !births.some((d) => Math.abs(daysBetween(d, f.date)) <= SAME_EVENT_DAYS)) {
      out.push(`The follow-up of ${f.date} reports a live birth${week(f)} that is not among the record's live births: add it to the history (it decides primary or secondary RPL).`);
    }
  }
  return out;
}

/**
 * Refuses a follow-up that cannot be true (issue 9 §3): reported after `today` (an outcome in the future) or dated
 * before the date of birth. InputError naming the field (HTTP 400, CLI exit 2).
 */
export function checkFollowupDate(f: { date: string }, today: string, dateOfBirth?: string, loc: { file?: string; row?: number } = {}): void {
  if (f.date > today) throw new InputError(`${f.date} is after today ${today}: a follow-up cannot report an outcome in the future`, { ...loc, field: "date" });
  if (dateOfBirth !== undefined && f.date < dateOfBirth) throw new InputError(`${f.date} is before the date of birth ${dateOfBirth}`, { ...loc, field: "date" });
}

/** A file of follow-ups (`decidua assess --followups FILE`): a JSON array of follow-up bodies, each checked as the API checks it. */
export function parseFollowupList(json: unknown, today: string, file?: string): FollowUp[] {
  const loc = file !== undefined ? { file } : {};
  if (!Array.isArray(json)) throw new InputError("expected a JSON array of follow-ups", loc);
  return json.map((entry: unknown, i) => {
    const r = FollowUpSchema.safeParse(entry);
    if (!r.success) {
      const issue = r.error.issues[0];
      throw new InputError(issue?.message ?? "not a follow-up", { ...loc, row: i + 1, field: issue?.path.map(String).join(".") ?? "" });
    }
    checkFollowupDate(r.data, today, undefined, { ...loc, row: i + 1 });
    return r.data;
  });
}
