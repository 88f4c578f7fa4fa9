/** Calendar arithmetic on ISO dates (YYYY-MM-DD), in UTC days. Pure. */

const DAY_MS = 86_400_000;

export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(b) - Date.parse(a)) / DAY_MS);
}

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(date) + days * DAY_MS).toISOString().slice(0, 10);
}

/** Completed years between a date of birth and a later date. */
export function ageOn(dateOfBirth: string, date: string): number {
  const [by, bm, bd] = dateOfBirth.split("-").map(Number) as [number, number, number];
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

/** "1 week", "2 weeks", "10 days": durations as a clinician writes them. */
export function durationText(days: number): string {
  if (days % 7 === 0) {
    const w = days / 7;
    return `${w} ${w === 1 ? "week" : "weeks"}`;
  }
  return `${days} ${days === 1 ? "day" : "days"}`;
}

const ORDINALS = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"];
export function ordinal(n: number): string {
  return ORDINALS[n - 1] ?? `${n}th`;
}

/** The earliest gestational week at which a pregnancy test is taken as positive: 3 weeks from the last menstrual period (about a week after conception; urine tests turn positive later). */
export const POSITIVE_TEST_WEEK_AT_LEAST = 3;

/**
 * The least the gestational age can be on `today` when only the positive pregnancy test dates the pregnancy: the
 * test was positive at POSITIVE_TEST_WEEK_AT_LEAST weeks or later. Undefined without a test date. A lower bound, for
 * the gates that stop a protocol past its start; never shown as the gestational age.
 */
export function leastGestationalWeek(pregnancy: { positiveTestDate?: string | undefined }, today: string): number | undefined {
  if (pregnancy.positiveTestDate === undefined) return undefined;
  return POSITIVE_TEST_WEEK_AT_LEAST + daysBetween(pregnancy.positiveTestDate, today) / 7;
}

/**
 * Weeks of a current pregnancy on `today` (fractional): from the last menstrual period when it is recorded, else the
 * recorded gestational week (a record's current week, as the plans read it); undefined when neither is recorded.
 */
export function currentGestationalWeek(pregnancy: { lastMenstrualPeriod?: string | undefined; gestationalWeek?: number | undefined }, today: string): number | undefined {
  if (pregnancy.lastMenstrualPeriod !== undefined) return daysBetween(pregnancy.lastMenstrualPeriod, today) / 7;
  return pregnancy.gestationalWeek;
}
