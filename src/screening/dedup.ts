/**
 * Deduplication of the records of all imports of a review. Three automatic rules, applied in this order:
 *   1. same PMID;
 *   2. same DOI (normalised);
 *   3. same normalised title + publication year + first author's surname.
 * Two records carrying different PMIDs are never merged automatically (they are different PubMed entries even if a
 * DOI or title matches), nor two with the same title, year and first author but different DOIs (a paper and its
 * conference abstract): such a pair is listed as uncertain instead. Uncertain pairs also come from near-identical
 * titles (Dice similarity of character bigrams >= 0.9) in the same year, and from identical titles whose year or
 * first author differ. Uncertain pairs are removed only when a reviewer confirms them ("manual" in the counts).
 */

export interface DedupInput {
  id: string;
  pmid: string | null;
  doi: string | null;
  title: string;
  year: number | null;
  authors: string[];
}

export type AutoRule = "pmid" | "doi" | "title_year_author";
export type DedupRule = AutoRule | "manual";

export interface DuplicateLink {
  /** The record removed as a duplicate. */
  id: string;
  /** The record kept (the first of its group in import order). */
  duplicateOf: string;
  rule: DedupRule;
}

export interface UncertainPair {
  a: string;
  b: string;
  reason: string;
  /** Title similarity, 0..1 (Dice coefficient of character bigrams of the normalised titles). */
  similarity: number;
}

export interface DedupResult {
  duplicates: DuplicateLink[];
  uncertain: UncertainPair[];
  removedByRule: Record<DedupRule, number>;
  /** Records left after removing duplicates (ids, import order). */
  unique: string[];
}

/** Lower case, accents and punctuation removed, brackets of translated titles dropped, spaces collapsed. */
export function normaliseTitle(title: string): string {
  return title
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/^\[(.*)\]\.?$/, "$1")
    .replace(/[^a-z0-9]+/g, " ")
    .trim();
}

/**
 * Initials as the databases write them after a surname: "OB" (MEDLINE), "O.B." (Embase, Ovid, Scopus), "O-B.",
 * "J.-P.", or one word of "O. B.".
 */
const INITIALS = /^\p{Lu}(?:\.?-?\p{Lu}){0,3}\.?$/u;

/**
 * Surname of the first author: the words before the trailing initials ("Smith, J", "Smith J", "Christiansen O.B.",
 * "van der Berg K." → "smith", "christiansen", "vanderberg"), the last word without initials ("J. Smith", "John
 * Smith" → "smith"). Before a comma when there is one ("Smith, John"; "Smith J.A., Doe K." when a list was not split).
 */
export function firstAuthorSurname(authors: string[]): string | null {
  const a = authors[0]?.trim();
  if (a === undefined || a === "") return null;
  const words = (a.includes(",") ? (a.split(",")[0] as string) : a).trim().split(/\s+/);
  let end = words.length;
  // the first word is the surname even when it looks like initials ("Wu J", "LI X")
  while (end > 1 && INITIALS.test(words[end - 1] as string)) end--;
  const surname = end < words.length || a.includes(",") ? words.slice(0, end).join("") : (words[words.length - 1] as string);
  const s = surname.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/[^a-z]/g, "");
  return s === "" ? null : s;
}

function bigrams(s: string): Map<string, number> {
  const m = new Map<string, number>();
  const t = s.replace(/ /g, "");
  for (let i = 0; i < t.length - 1; i++) {
    const g = t.slice(i, i + 2);
    m.set(g, (m.get(g) ?? 0) + 1);
  }
  return m;
}

/** Dice coefficient of the character bigrams of two normalised titles. */
export function titleSimilarity(a: string, b: string): number {
  const A = bigrams(a);
  const B = bigrams(b);
  let na = 0;
  let nb = 0;
  let both = 0;
  for (const v of A.values()) na += v;
  for (const [g, v] of B) {
    nb += v;
    both += Math.min(v, A.get(g) ?? 0);
  }
  return na + nb === 0 ? (a === b ? 1 : 0) : (2 * both) / (na + nb);
}

export const NEAR_TITLE_THRESHOLD = 0.9;

/**
 * Finds duplicates and uncertain pairs. `confirmed` are reviewer decisions on earlier uncertain pairs
 * (key "a|b" with a < b in input order is not required: either order is accepted).
 */
export function deduplicate(records: readonly DedupInput[], confirmed: ReadonlyArray<{ a: string; b: string; duplicate: boolean }> = []): DedupResult {
  const order = new Map(records.map((r, i) => [r.id, i]));
  const parent = records.map((_r, i) => i);
  // no path compression: the parent chain keeps the rule by which each record joined its group
  const find = (i: number): number => {
    let x = i;
    while (parent[x] !== x) x = parent[x] as number;
    return x;
  };
  const linkRule = new Map<number, DedupRule>();
  const pmidOf = (i: number): string | null => records[i]?.pmid ?? null;
  /** PMIDs held by each group (keyed by its root). */
  const pmids = new Map<number, Set<string>>();
  records.forEach((r, i) => {
    if (r.pmid !== null) pmids.set(i, new Set([r.pmid]));
  });
  /** DOIs held by each group: two reports with different DOIs (a paper and its conference abstract) are two records. */
  const dois = new Map<number, Set<string>>();
  records.forEach((r, i) => {
    if (r.doi !== null) dois.set(i, new Set([r.doi]));
  });
  const disjoint = (m: Map<number, Set<string>>, ri: number, rj: number): boolean => {
    const pi = m.get(ri);
    const pj = m.get(rj);
    if (pi === undefined || pj === undefined) return false;
    for (const p of pi) if (pj.has(p)) return false;
    return true;
  };
  const conflictingPmids = (ri: number, rj: number): boolean => disjoint(pmids, ri, rj);
  const uncertain: UncertainPair[] = [];
  const uncertainSeen = new Set<string>();
  const norm = records.map((r) => normaliseTitle(r.title));
  const pairKey = (i: number, j: number): string => (i < j ? `${i}|${j}` : `${j}|${i}`);
  const addUncertain = (i: number, j: number, reason: string): void => {
    const k = pairKey(i, j);
    if (uncertainSeen.has(k)) return;
    uncertainSeen.add(k);
    const [x, y] = i < j ? [i, j] : [j, i];
    uncertain.push({ a: (records[x] as DedupInput).id, b: (records[y] as DedupInput).id, reason, similarity: round3(titleSimilarity(norm[x] as string, norm[y] as string)) });
  };
  const union = (i: number, j: number, rule: DedupRule, checkPmid: boolean): void => {
    const ri = find(i);
    const rj = find(j);
    if (ri === rj) return;
    if (checkPmid && conflictingPmids(ri, rj)) {
      addUncertain(i, j, `${rule === "doi" ? "same DOI" : "same title, year and first author"} but different PMIDs`);
      return;
    }
    if (checkPmid && rule === "title_year_author" && disjoint(dois, ri, rj)) {
      addUncertain(i, j, "same title, year and first author but different DOIs");
      return;
    }
    const [keep, drop] = ri < rj ? [ri, rj] : [rj, ri];
    parent[drop] = keep;
    linkRule.set(drop, rule);
    for (const m of [pmids, dois]) {
      const pd = m.get(drop);
      if (pd === undefined) continue;
      const pk = m.get(keep);
      if (pk === undefined) m.set(keep, pd);
      else for (const p of pd) pk.add(p);
    }
  };
  const byKey = (keyOf: (i: number) => string | null, rule: AutoRule): void => {
    const first = new Map<string, number>();
    records.forEach((_r, i) => {
      const k = keyOf(i);
      if (k === null) return;
      const f = first.get(k);
      if (f === undefined) first.set(k, i);
      else union(f, i, rule, rule !== "pmid");
    });
  };
  byKey((i) => pmidOf(i), "pmid");
  byKey((i) => records[i]?.doi ?? null, "doi");
  const tyaKey = (i: number): string | null => {
    const r = records[i] as DedupInput;
    const au = firstAuthorSurname(r.authors);
    const t = norm[i] as string;
    if (r.year === null || au === null || t.length < 10) return null;
    return `${t}|${r.year}|${au}`;
  };
  byKey(tyaKey, "title_year_author");

  // reviewer-confirmed pairs
  for (const c of confirmed) {
    const i = order.get(c.a);
    const j = order.get(c.b);
    if (i === undefined || j === undefined) continue;
    const k = pairKey(i, j);
    uncertainSeen.add(k);
    if (c.duplicate) union(i, j, "manual", false);
  }

  // uncertain candidates: identical titles with a different year or first author, and near-identical titles
  const byTitle = new Map<string, number[]>();
  norm.forEach((t, i) => {
    if (t.length < 10) return;
    const l = byTitle.get(t);
    if (l === undefined) byTitle.set(t, [i]);
    else l.push(i);
  });
  for (const list of byTitle.values()) {
    for (let x = 0; x < list.length; x++)
      for (let y = x + 1; y < list.length; y++) {
        const i = list[x] as number;
        const j = list[y] as number;
        if (find(i) !== find(j)) addUncertain(i, j, "same title, different year or first author");
      }
  }
  // near titles, blocked by year and the first 3 characters of the normalised title or of its last word
  const blocks = new Map<string, number[]>();
  records.forEach((r, i) => {
    const t = norm[i] as string;
    if (t.length < 10) return;
    const words = t.split(" ");
    for (const key of new Set([`${r.year ?? "?"}|a|${t.slice(0, 3)}`, `${r.year ?? "?"}|z|${(words[words.length - 1] as string).slice(0, 3)}`])) {
      const l = blocks.get(key);
      if (l === undefined) blocks.set(key, [i]);
      else l.push(i);
    }
  });
  for (const list of blocks.values()) {
    if (list.length > 400) continue; // a block this large is not a near-duplicate signal
    for (let x = 0; x < list.length; x++)
      for (let y = x + 1; y < list.length; y++) {
        const i = list[x] as number;
        const j = list[y] as number;
        if (find(i) === find(j) || uncertainSeen.has(pairKey(i, j)) || norm[i] === norm[j]) continue;
        if (titleSimilarity(norm[i] as string, norm[j] as string) >= NEAR_TITLE_THRESHOLD) addUncertain(i, j, "near-identical title, same year");
      }
  }

  const duplicates: DuplicateLink[] = [];
  const removedByRule: Record<DedupRule, number> = { pmid: 0, doi: 0, title_year_author: 0, manual: 0 };
  const unique: string[] = [];
  records.forEach((r, i) => {
    const root = find(i);
    if (root === i) {
      unique.push(r.id);
      return;
    }
    // the rule that first attached this record (or its subgroup) to the kept one
    let k = i;
    let rule: DedupRule | undefined = linkRule.get(k);
    while (rule === undefined && parent[k] !== k) {
      k = parent[k] as number;
      rule = linkRule.get(k);
    }
    const ruleUsed = rule ?? "manual";
    duplicates.push({ id: r.id, duplicateOf: (records[root] as DedupInput).id, rule: ruleUsed });
    removedByRule[ruleUsed] += 1;
  });
  const decided = new Set(confirmed.flatMap((c) => [`${c.a}|${c.b}`, `${c.b}|${c.a}`]));
  return {
    duplicates,
    uncertain: uncertain.filter((u) => !decided.has(`${u.a}|${u.b}`) && find(order.get(u.a) as number) !== find(order.get(u.b) as number)),
    removedByRule,
    unique,
  };
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;
