/**
 * The patient's history as one list in time order (issue 9 §5): record versions beside the plans kept (with the
 * verdict then and any override reason), therapies started and stopped, follow-ups and follow-ups marked entered
 * in error, each with who and when. Pure: the caller reads the rows from the store and passes them in.
 */
import { THERAPY_NAMES } from "../clinical/therapies/index.js";
import type { TherapyId } from "../shared/therapy-ids.js";

export interface HistoryInput {
  patient: { version: number; createdAt: string; createdBy: string; updatedAt: string; updatedBy: string };
  /** Previous versions (record_history): `changedAt`/`changedBy` is when and by whom version `version` was replaced. */
  versions: ReadonlyArray<{ version: number; changedAt: string; changedBy: string }>;
  plans: ReadonlyArray<{ id: string; therapy: string; version: number; startDate: string; verdictStatus: string; overrideReason: string | null; createdAt: string; createdBy: string }>;
  therapyEvents: ReadonlyArray<{ id: string; therapy: string; event: "started" | "stopped"; date: string; note: string | null; createdAt: string; createdBy: string }>;
  followups: ReadonlyArray<{ id: string; kind: string; date: string; data: Record<string, unknown>; createdAt: string; createdBy: string }>;
  /** Follow-up id → why, who and when it was marked entered in error. */
  followupErrors: ReadonlyMap<string, { reason: string; at: string; by: string }>;
}

export type HistoryEventKind = "record-created" | "record-changed" | "plan-kept" | "therapy-event" | "follow-up" | "entered-in-error";

export interface HistoryEvent {
  /** When it was written (ISO timestamp). */
  at: string;
  by: string;
  kind: HistoryEventKind;
  /** In clinicians' words: "Plan kept: Intralipid, version 2, starting 2026-12-01". */
  title: string;
  /** Further lines: the verdict then, the override reason, the note. */
  detail: string[];
  /** record-created / record-changed: the version written (the web shows its field changes). */
  version?: number;
  /** follow-up / entered-in-error: the follow-up's id, kind and date, and its stored data. */
  followup?: { id: string; kind: string; date: string; data: Record<string, unknown> };
}

function therapyName(id: string): string {
  return (THERAPY_NAMES as Record<string, string>)[id as TherapyId] ?? id;
}

const FOLLOWUP_KIND: Record<string, string> = {
  pregnancy: "pregnancy",
  loss: "pregnancy loss",
  "live-birth": "live birth",
  "adverse-reaction": "adverse reaction",
  "antibody-result": "antibody result",
};

/** Within one timestamp, the order things can happen in: a record exists before a plan is kept from it, a follow-up before it is withdrawn. */
const KIND_ORDER: Record<HistoryEventKind, number> = { "record-created": 0, "record-changed": 1, "plan-kept": 2, "therapy-event": 3, "follow-up": 4, "entered-in-error": 5 };

/** The whole history, newest first (within one timestamp, in the order the events can happen, reversed). */
export function patientHistoryEvents(h: HistoryInput): HistoryEvent[] {
  const out: HistoryEvent[] = [];
  // version v was written by whoever replaced v-1 (or created the patient for v = 1)
  const byVersion = new Map(h.versions.map((v) => [v.version, v]));
  for (let v = 1; v <= h.patient.version; v++) {
    if (v === 1) out.push({ at: h.patient.createdAt, by: h.patient.createdBy, kind: "record-created", title: "Record created (version 1)", detail: [], version: 1 });
    else {
      const prev = byVersion.get(v - 1);
      const at = prev?.changedAt ?? (v === h.patient.version ? h.patient.updatedAt : "");
      const by = prev?.changedBy ?? (v === h.patient.version ? h.patient.updatedBy : "");
      if (at !== "") out.push({ at, by, kind: "record-changed", title: `Record changed: version ${v - 1} → ${v}`, detail: [], version: v });
    }
  }
  for (const p of h.plans) {
    const detail = [`verdict then: ${p.verdictStatus}`];
    if (p.overrideReason !== null) detail.push(`override reason: ${p.overrideReason}`);
    out.push({ at: p.createdAt, by: p.createdBy, kind: "plan-kept", title: `Plan kept: ${therapyName(p.therapy)}, version ${p.version}, starting ${p.startDate}`, detail });
  }
  for (const e of h.therapyEvents)
    out.push({ at: e.createdAt, by: e.createdBy, kind: "therapy-event", title: `${therapyName(e.therapy)} ${e.event} on ${e.date}`, detail: e.note !== null ? [e.note] : [] });
  for (const f of h.followups) {
    const followup = { id: f.id, kind: f.kind, date: f.date, data: f.data };
    const what = FOLLOWUP_KIND[f.kind] ?? f.kind;
    out.push({ at: f.createdAt, by: f.createdBy, kind: "follow-up", title: `Follow-up recorded: ${what} on ${f.date}`, detail: [], followup });
    const err = h.followupErrors.get(f.id);
    if (err !== undefined) out.push({ at: err.at, by: err.by, kind: "entered-in-error", title: `Follow-up marked entered in error: ${what} on ${f.date}`, detail: [`reason: ${err.reason}`], followup });
  }
  return out.sort((a, b) => b.at.localeCompare(a.at) || KIND_ORDER[b.kind] - KIND_ORDER[a.kind] || (b.version ?? 0) - (a.version ?? 0));
}
