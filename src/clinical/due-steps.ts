/**
 * What a kept plan asks for now (issue 9 §5: "the patient list shows … due plan steps"). Pure: the date is passed
 * in (the server passes today), never read from a clock. Only the latest kept version of each therapy's plan is
 * read, and not after the therapy was recorded as stopped.
 */
import { addDays } from "./dates.js";
import { THERAPY_NAMES } from "./therapies/index.js";
import type { TherapyId } from "../shared/therapy-ids.js";

/** A kept plan as the store returns it (the plan itself is stored JSON). */
export interface KeptPlan {
  therapy: string;
  version: number;
  createdAt: string;
  plan: unknown;
}

/** A therapy recorded as started or stopped. */
export interface TherapyEvent {
  therapy: string;
  event: "started" | "stopped";
  date: string;
  createdAt: string;
}

export interface DueStep {
  therapy: string;
  /** The therapy's clinical name ("Lymphocyte immunotherapy (LIT)"). */
  therapyName: string;
  planVersion: number;
  step: string;
  /** The date the step is due (the first date of an open window is today). */
  date: string;
  until?: string;
  /** `due`: today or within the horizon; `overdue`: its date passed within the grace period (not recorded as done). */
  state: "due" | "overdue";
  /** As the patient list writes it: "LIT: First injection due 2026-12-03", "… overdue since 2026-11-25". */
  text: string;
}

export interface DueOptions {
  /** Steps due within this many days from today are listed (default 7). */
  horizonDays?: number;
  /** A step whose date passed at most this many days ago is listed as overdue (default 14). */
  graceDays?: number;
}

interface StoredStep {
  label: string;
  date: string | null;
  until?: string;
  status?: string;
  repeat?: { dates?: string[] };
}

function stepsOf(plan: unknown): StoredStep[] {
  const steps = (plan as { steps?: unknown } | null)?.steps;
  if (!Array.isArray(steps)) return [];
  return steps.filter((s): s is StoredStep => typeof s === "object" && s !== null && typeof (s as StoredStep).label === "string");
}

function nameOf(therapy: string): string {
  return (THERAPY_NAMES as Record<string, string>)[therapy as TherapyId] ?? therapy;
}

/** True when the therapy's last recorded event is a stop on or after the day the plan was kept. */
function stoppedSince(therapy: string, keptOn: string, events: readonly TherapyEvent[]): boolean {
  const mine = events.filter((e) => e.therapy === therapy).sort((a, b) => (a.date === b.date ? a.createdAt.localeCompare(b.createdAt) : a.date.localeCompare(b.date)));
  const last = mine[mine.length - 1];
  return last !== undefined && last.event === "stopped" && last.date >= keptOn;
}

/** The due and overdue steps of the patient's kept plans on `today`, earliest first. */
export function dueSteps(plans: readonly KeptPlan[], events: readonly TherapyEvent[], today: string, opts: DueOptions = {}): DueStep[] {
  const horizon = addDays(today, opts.horizonDays ?? 7);
  const grace = addDays(today, -(opts.graceDays ?? 14));
  const latest = new Map<string, KeptPlan>();
  for (const p of plans) if ((latest.get(p.therapy)?.version ?? 0) < p.version) latest.set(p.therapy, p);
  const out: DueStep[] = [];
  for (const p of latest.values()) {
    if (stoppedSince(p.therapy, p.createdAt.slice(0, 10), events)) continue;
    const short = nameOf(p.therapy).match(/\(([^)]+)\)$/)?.[1] ?? nameOf(p.therapy);
    for (const s of stepsOf(p.plan)) {
      if (s.date === null || (s.status !== undefined && s.status !== "scheduled")) continue;
      const add = (date: string, state: DueStep["state"], until?: string) => {
        const when = state === "overdue" ? `overdue since ${date}` : date === today ? (until !== undefined ? `due now (until ${until})` : "due today") : `due ${date}`;
        out.push({ therapy: p.therapy, therapyName: nameOf(p.therapy), planVersion: p.version, step: s.label, date, ...(until !== undefined ? { until } : {}), state, text: `${short}: ${s.label} ${when}` });
      };
      const dates = s.repeat?.dates;
      if (dates === undefined && s.until !== undefined && s.date <= today && today <= s.until) {
        add(today, "due", s.until); // an open window
        continue;
      }
      const first = (dates ?? [s.date]).find((d) => d >= grace && d <= horizon);
      if (first !== undefined) add(first, first < today ? "overdue" : "due");
    }
  }
  return out.sort((a, b) => a.date.localeCompare(b.date) || a.therapy.localeCompare(b.therapy));
}
