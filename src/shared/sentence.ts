/**
 * A label (written to start a line: "Persistent antiphospholipid antibodies (Sydney laboratory criteria)") inside a
 * sentence: its first letter lower-cased and the rest as written, so names and acronyms keep their capitals
 * ("Sydney", "TSH"); a label whose first word has a capital after its first letter ("APS", "IgA", "TNF-α") is left as
 * it is.
 */
export function lowerFirst(label: string): string {
  const first = label.split(/[\s(]/, 1)[0] ?? "";
  if (/[A-Z]/.test(first.slice(1))) return label;
  return label.charAt(0).toLowerCase() + label.slice(1);
}
