/** Study labels: repeated labels made unique by row (real data sets hold two trials by one first author in one year). */
import type { StudyRow } from "../types.js";

/**
 * Makes repeated study labels unique in place (real data sets hold two trials by one first author in one year):
 * every study whose label repeats gets " (row N)" (its file row, else its position). Returns the labels renamed.
 */
export function uniqueStudyLabels(rows: StudyRow[]): string[] {
  const count = new Map<string, number>();
  for (const r of rows) count.set(r.study, (count.get(r.study) ?? 0) + 1);
  const repeated: string[] = [];
  for (const [label, n] of count) if (n > 1) repeated.push(label);
  if (repeated.length === 0) return [];
  rows.forEach((r, i) => {
    if ((count.get(r.study) ?? 0) > 1) r.study = `${r.study} (row ${r.row ?? i + 1})`;
  });
  return repeated;
}

/** The warning for repeated labels. */
export function repeatedLabelsWarning(labels: readonly string[]): string {
  return `study label${labels.length > 1 ? "s" : ""} ${labels.map((l) => `"${l}"`).join(", ")} repeated; made unique by row (e.g. "${labels[0]} (row N)")`;
}
