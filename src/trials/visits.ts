/**
 * The visit schedule: each visit's window from its anchor (randomisation, or conception for pregnancy visits),
 * whether a visit date falls inside it, and which visits are done, due, missed or upcoming on a given day
 * (`today` is passed in).
 */
import { addDays, daysBetween } from "../clinical/dates.js";
import { InputError } from "../shared/errors.js";
import type { Visit } from "./protocol.js";

export interface VisitAnchors {
  randomisation: string;
  conception?: string | undefined;
}

export interface VisitWindow {
  target: string;
  earliest: string;
  latest: string;
}

export function visitWindow(v: Visit, anchors: VisitAnchors): VisitWindow | null {
  const anchor = v.anchor === "conception" ? anchors.conception : anchors.randomisation;
  if (anchor === undefined) return null;
  const target = addDays(anchor, v.day);
  return { target, earliest: addDays(target, -v.windowBefore), latest: addDays(target, v.windowAfter) };
}

export interface VisitDateCheck {
  inWindow: boolean;
  /** Days from the target day (negative = early). */
  daysFromTarget: number;
  window: VisitWindow;
}

/**
 * Checks a visit date against its window. A date outside the window is refused (InputError on field
 * "outOfWindowReason") unless a reason is given; a visit whose anchor is not known yet is refused too.
 */
export function checkVisitDate(v: Visit, date: string, anchors: VisitAnchors, outOfWindowReason?: string): VisitDateCheck {
  const window = visitWindow(v, anchors);
  if (window === null) throw new InputError(`visit "${v.label}" is counted from ${v.anchor}, which is not recorded yet`, { field: "date" });
  const daysFromTarget = daysBetween(window.target, date);
  const inWindow = date >= window.earliest && date <= window.latest;
  if (!inWindow && (outOfWindowReason === undefined || outOfWindowReason.trim().length < 3))
    throw new InputError(`visit "${v.label}" on ${date} is outside its window ${window.earliest} to ${window.latest}: give the reason`, { field: "outOfWindowReason" });
  return { inWindow, daysFromTarget, window };
}

export interface RecordedVisit {
  visit: string;
  date: string;
}

export type VisitStatus = "done" | "done-out-of-window" | "due" | "missed" | "upcoming" | "not-anchored";

export interface VisitState {
  visit: string;
  label: string;
  status: VisitStatus;
  window: VisitWindow | null;
  date?: string;
}

/** The schedule of one participant on `today`. */
export function visitSchedule(visits: readonly Visit[], anchors: VisitAnchors, recorded: readonly RecordedVisit[], today: string): VisitState[] {
  return visits.map((v) => {
    const window = visitWindow(v, anchors);
    const done = recorded.find((r) => r.visit === v.id);
    const base = { visit: v.id, label: v.label, window };
    if (done !== undefined) {
      const inWindow = window === null || (done.date >= window.earliest && done.date <= window.latest);
      return { ...base, status: inWindow ? "done" : "done-out-of-window", date: done.date };
    }
    if (window === null) return { ...base, status: "not-anchored" };
    if (today > window.latest) return { ...base, status: "missed" };
    if (today >= window.earliest) return { ...base, status: "due" };
    return { ...base, status: "upcoming" };
  });
}
