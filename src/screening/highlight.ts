/**
 * Inclusion and exclusion terms found in a title or abstract, as non-overlapping spans for the screen to mark.
 * Matching is case-insensitive on word boundaries; a term ending in "*" matches any word ending ("randomi*").
 */
export interface Highlight {
  start: number;
  end: number;
  kind: "include" | "exclude";
  term: string;
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

function termPattern(term: string): RegExp {
  const t = term.trim();
  const wildcard = t.endsWith("*");
  const body = escape(wildcard ? t.slice(0, -1) : t).replace(/\s+/g, "\\s+");
  return new RegExp(`(?<![\\p{L}\\p{N}])${body}${wildcard ? "[\\p{L}\\p{N}]*" : "(?![\\p{L}\\p{N}])"}`, "giu");
}

export function findHighlights(text: string, inclusionTerms: readonly string[], exclusionTerms: readonly string[]): Highlight[] {
  const found: Highlight[] = [];
  const scan = (terms: readonly string[], kind: Highlight["kind"]): void => {
    for (const term of terms) {
      if (term.trim() === "" || term.trim() === "*") continue;
      for (const m of text.matchAll(termPattern(term))) {
        if (m[0].length === 0) continue;
        found.push({ start: m.index, end: m.index + m[0].length, kind, term });
      }
    }
  };
  scan(inclusionTerms, "include");
  scan(exclusionTerms, "exclude");
  // longest first at the same start; drop overlaps
  found.sort((a, b) => a.start - b.start || b.end - a.end);
  const out: Highlight[] = [];
  let end = -1;
  for (const h of found) {
    if (h.start < end) continue;
    out.push(h);
    end = h.end;
  }
  return out;
}
