/**
 * A RevMan 5 review (.rm5) as evidence-base entries: its included studies become trials, every dichotomous outcome
 * with data becomes an outcome row of each study in it (counts as the review stores them), the review's RoB 1
 * table (QUALITY_ITEMS) becomes each trial's `rob`, and the review itself becomes the one source all of them cite.
 * Pure: the caller reads the file (`decidua evidence import-rm5` writes the result as data/-format JSON); the result
 * is checked by the same function as data/ (`parseEvidenceContent`).
 *
 * What an .rm5 file does not say is not invented: the design is "not stated in the file" (randomised null, blinding
 * not-reported, control unknown), the arm sizes randomised are null, the analysis set is "not-stated", and the
 * therapy (one of Decidua's eleven) is the importer's choice. Continuous, generic inverse-variance and O-E data have
 * no place in a trial's outcome rows (dichotomous counts only) and are listed as skipped, never dropped silently.
 *
 * RoB 1 judgements: RevMan 5 stores each study's judgement as QUALITY_ITEM_DATA_ENTRY RESULT="YES" (low risk of
 * bias), "NO" (high risk) or "UNKNOWN" (unclear), the answers to the original tool's "adequate?" questions;
 * "LOW" / "HIGH" / "UNCLEAR" are read the same way. Items are matched to the seven RoB 1 domains by their names
 * ("Random sequence generation", "Allocation concealment", "Blinding of participants…", "Blinding of outcome
 * assessment", "Incomplete outcome data", "Selective reporting", "Other bias"); an item named otherwise is listed as
 * skipped.
 */
import { attr, revman5Root, unescapeId, type Revman5Node } from "../stats/revman5.js";
import { InputError } from "../shared/errors.js";
import type { TherapyId } from "../shared/therapies.js";
import type { RevmanOutcome, RevmanReview } from "../stats/revman5.js";
import {
  ROB1_DOMAINS,
  type EvidenceOutcomeKind,
  type EvidenceSource,
  type EvidenceTrial,
  type EvidenceTrialOutcome,
  type Rob1Domain,
  type Rob1Judgement,
} from "./schema.js";

/** One study's RoB 1 judgement for one item of the review's risk-of-bias table, as stored in the file. */
export interface RevmanRob1Entry {
  /** The item (domain) as RevMan names it, e.g. "Random sequence generation (selection bias)". */
  item: string;
  /** Study id as stored (STD-…, RevMan's escapes decoded). */
  studyId: string;
  judgement: "low" | "unclear" | "high";
  /** The review's support for the judgement (its text; kept out of the base, which paraphrases). */
  support: string;
}

type Node = Revman5Node;

function asArray(v: unknown): Node[] {
  if (Array.isArray(v)) return v.filter((x): x is Node => typeof x === "object" && x !== null);
  return typeof v === "object" && v !== null ? [v as Node] : [];
}

function textOf(v: unknown): string {
  if (typeof v === "string") return v;
  if (typeof v === "number") return String(v);
  if (Array.isArray(v)) return v.map(textOf).join(" ");
  if (typeof v === "object" && v !== null) return Object.entries(v as Node).filter(([k]) => !k.startsWith("@_")).map(([, x]) => textOf(x)).join(" ");
  return "";
}

const RESULT: Record<string, RevmanRob1Entry["judgement"]> = { YES: "low", LOW: "low", NO: "high", HIGH: "high", UNKNOWN: "unclear", UNCLEAR: "unclear" };

/** What the importer reads from an .rm5 file beyond `parseRevman5`: the included studies and the RoB 1 table. */
export interface Revman5ImportExtras {
  /** Ids (STD-…, escapes decoded) of the included studies, in file order (excluded, awaiting and ongoing studies are not trials of the review). */
  included: string[];
  riskOfBias: RevmanRob1Entry[];
}

/**
 * The included studies and the RoB 1 table of a review (QUALITY_ITEMS, one entry per study and item; empty when the
 * file has none). InputError naming the file and the element for a judgement RevMan does not write.
 */
export function parseRevman5ImportExtras(xml: string, file: string): Revman5ImportExtras {
  const review = revman5Root(xml, file);
  const studies = (review["STUDIES_AND_REFERENCES"] as Node | undefined)?.["STUDIES"] as Node | undefined;
  const included = asArray((studies?.["INCLUDED_STUDIES"] as Node | undefined)?.["STUDY"])
    .map((s) => attr(s, "ID"))
    .filter((id): id is string => id !== undefined)
    .map(unescapeId);
  const items = asArray((review["QUALITY_ITEMS"] as Node | undefined)?.["QUALITY_ITEM"]);
  const out: RevmanRob1Entry[] = [];
  for (const item of items) {
    const name = textOf(item["NAME"]).trim();
    const itemId = attr(item, "ID") ?? name;
    for (const entry of asArray((item["QUALITY_ITEM_DATA"] as Node | undefined)?.["QUALITY_ITEM_DATA_ENTRY"])) {
      const rawStudy = attr(entry, "STUDY_ID");
      if (rawStudy === undefined) throw new InputError("a risk-of-bias entry has no STUDY_ID", { file, field: `QUALITY_ITEM ${itemId} QUALITY_ITEM_DATA_ENTRY` });
      const raw = (attr(entry, "RESULT") ?? "").toUpperCase();
      const judgement = RESULT[raw];
      if (judgement === undefined)
        throw new InputError(`risk-of-bias judgement "${raw}" is not one RevMan writes (YES, NO, UNKNOWN)`, { file, field: `QUALITY_ITEM ${itemId} QUALITY_ITEM_DATA_ENTRY ${unescapeId(rawStudy)} RESULT` });
      out.push({ item: name, studyId: unescapeId(rawStudy), judgement, support: textOf(entry["DESCRIPTION"]).replace(/\s+/g, " ").trim() });
    }
  }
  return { included, riskOfBias: out };
}

/**
 * The RoB 1 domains an item of a review's table stands for, from its name (empty when it is none of the seven).
 * RevMan 5.0's single "Blinding?" item covers both blinding domains (participants and personnel, outcome assessment).
 */
export function rob1DomainsOf(itemName: string): Rob1Domain[] {
  const n = itemName.toLowerCase().trim();
  if (/^blinding\??$|performance bias and detection bias|detection and performance bias/.test(n)) return ["blinding_participants", "blinding_outcome"];
  const one = rob1DomainOf(n);
  return one === null ? [] : [one];
}

/** The one RoB 1 domain an item's name names; null when it is none of the seven (see rob1DomainsOf for "Blinding?"). */
export function rob1DomainOf(itemName: string): Rob1Domain | null {
  const n = itemName.toLowerCase();
  if (/random sequence|sequence generation/.test(n)) return "random_sequence";
  if (/allocation concealment|concealment/.test(n)) return "allocation_concealment";
  if (/blinding of outcome|outcome assess|detection bias/.test(n)) return "blinding_outcome";
  if (/blinding|performance bias/.test(n)) return "blinding_participants";
  if (/incomplete outcome|attrition/.test(n)) return "incomplete_outcome";
  if (/selective|reporting bias/.test(n)) return "selective_reporting";
  if (/other (sources of )?bias|^other/.test(n)) return "other_bias";
  return null;
}

/** Outcome kinds read from RevMan outcome names (first match wins); the importer can name the kind instead. */
const OUTCOME_NAME_KINDS: ReadonlyArray<[RegExp, EvidenceOutcomeKind]> = [
  [/live ?birth/i, "live-birth"],
  [/ongoing pregnan/i, "ongoing-pregnancy"],
  [/clinical pregnan/i, "clinical-pregnancy"],
  [/miscarriage|pregnancy loss|abortion/i, "miscarriage"],
  [/preterm|premature/i, "preterm-birth"],
  [/congenital|anomal|malformation/i, "congenital-anomaly"],
  [/adverse|side effect/i, "adverse-reaction"],
];

export interface Rm5ImportOptions {
  /** The file's name (cited in errors and in the source entry). */
  file: string;
  /** Which of Decidua's therapies the review's experimental arm is. */
  therapy: TherapyId;
  /** The source entry for the review: its id and its citation as a reader would look it up. */
  source: { id: string; citation: string; pmid?: string; doi?: string; url?: string };
  /** Outcome kind per RevMan outcome id (e.g. {"CMP-001.01": "live-birth"}); otherwise read from the outcome name. */
  outcomeKinds?: Readonly<Record<string, EvidenceOutcomeKind>>;
  /** Prefix for every trial id (to keep imported ids apart from the base's own). */
  idPrefix?: string;
}

export interface Rm5Skipped {
  element: string;
  reason: string;
}

export interface Rm5ImportResult {
  sources: EvidenceSource[];
  trials: EvidenceTrial[];
  /** What was not imported and why (never silently dropped). */
  skipped: Rm5Skipped[];
}

/** Latin letters NFKD does not decompose into a base letter and marks, as they are transliterated. */
const LETTERS_WITHOUT_DECOMPOSITION: Readonly<Record<string, string>> = { ł: "l", ø: "o", đ: "d", ß: "ss", æ: "ae", œ: "oe", þ: "th", ð: "d", ħ: "h", ı: "i" };

/**
 * A lower-case hyphenated id from free text ("MRC-1 1974" → "mrc-1-1974"): letters with marks lose them (NFKD,
 * "Périno" → "perino"), the letters NFKD leaves whole are transliterated ("Jabłonowska" → "jablonowska", "Straße"
 * → "strasse"); anything else separates words.
 */
export function evidenceIdFrom(text: string): string {
  const s = text
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[łøđßæœþðħı]/g, (c) => LETTERS_WITHOUT_DECOMPOSITION[c] ?? c)
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return s === "" ? "x" : s;
}

function outcomeKind(o: RevmanOutcome, given: Rm5ImportOptions["outcomeKinds"]): EvidenceOutcomeKind | null {
  const named = given?.[o.id];
  if (named !== undefined) return named;
  for (const [re, kind] of OUTCOME_NAME_KINDS) if (re.test(o.name)) return kind;
  return null;
}

/**
 * Evidence-base entries from a parsed review (`parseRevman5`) and what `parseRevman5ImportExtras` read from the same
 * file. InputError when an outcome kind named by the importer refers to an outcome the file does not hold.
 */
export function evidenceFromRevman5(review: RevmanReview, extras: Revman5ImportExtras, opts: Rm5ImportOptions): Rm5ImportResult {
  const rob = extras.riskOfBias;
  const skipped: Rm5Skipped[] = [];
  for (const id of Object.keys(opts.outcomeKinds ?? {}))
    if (!review.outcomes.some((o) => o.id === id)) throw new InputError(`no outcome "${id}" in this review (it has: ${review.outcomes.map((o) => o.id).join(", ") || "none"})`, { file: opts.file, field: "--outcome-kind" });
  const title = review.title.trim() === "" ? opts.file : review.title.trim();
  const source: EvidenceSource = {
    id: opts.source.id,
    kind: "meta-analysis",
    citation: opts.source.citation,
    ...(opts.source.pmid !== undefined ? { pmid: opts.source.pmid } : {}),
    ...(opts.source.doi !== undefined ? { doi: opts.source.doi } : {}),
    ...(opts.source.url !== undefined ? { url: opts.source.url } : {}),
    ...(opts.source.pmid === undefined && opts.source.doi === undefined && opts.source.url === undefined
      ? { noIdentifierReason: `imported from the RevMan 5 file of the review "${title}", which stores no PMID or DOI` }
      : {}),
    note: `Study data, settings and risk-of-bias judgements read from the review's RevMan 5 file (RevMan ${review.revmanVersion || "5"}).`,
  };

  // Included studies, in the order the file lists them.
  const studyIds = [...new Set(extras.included)];
  const prefix = opts.idPrefix === undefined || opts.idPrefix === "" ? "" : `${evidenceIdFrom(opts.idPrefix)}-`;
  const trialIds = new Map<string, string>();
  const used = new Set<string>();
  for (const sid of studyIds) {
    const s = review.studies.get(sid);
    const name = s?.name ?? sid.replace(/^STD-/, "");
    let id = `${prefix}${evidenceIdFrom(s?.year !== undefined && !name.includes(String(s.year)) ? `${name} ${s.year}` : name)}`;
    for (let n = 2; used.has(id); n++) id = `${prefix}${evidenceIdFrom(name)}-${n}`;
    used.add(id);
    trialIds.set(sid, id);
  }

  const outcomesByStudy = new Map<string, EvidenceTrialOutcome[]>();
  for (const o of review.outcomes) {
    if (o.type !== "DICH") {
      skipped.push({ element: `${o.type}_OUTCOME ${o.id}`, reason: `${o.name || o.id}: ${o.type === "CONT" ? "continuous" : o.type === "IV" ? "generic inverse-variance" : "O-E"} data have no place in a trial's outcome rows (dichotomous counts only)` });
      continue;
    }
    const kind = outcomeKind(o, opts.outcomeKinds);
    if (kind === null) {
      skipped.push({ element: `DICH_OUTCOME ${o.id}`, reason: `"${o.name}" is none of the evidence base's outcome kinds; name one with --outcome-kind ${o.id}=KIND` });
      continue;
    }
    const perStudy = new Map<string, number>();
    for (const r of o.studies) {
      if (r.row.data.kind !== "binary") continue;
      const sid = r.studyId;
      if (!trialIds.has(sid)) {
        skipped.push({ element: `DICH_OUTCOME ${o.id} DICH_DATA ${sid}`, reason: "the study is not among the review's included studies" });
        continue;
      }
      const n = (perStudy.get(sid) ?? 0) + 1;
      perStudy.set(sid, n);
      const rows = outcomesByStudy.get(sid) ?? [];
      const d = r.row.data;
      rows.push({
        id: `${evidenceIdFrom(o.id)}${n > 1 ? `-${n}` : ""}`,
        outcome: kind,
        definition: `${o.name || kind} (review outcome ${o.id}${o.comparison !== "" ? `, comparison "${o.comparison}"` : ""}${r.subgroup !== undefined ? `, subgroup "${r.subgroup}"` : ""}; ${o.groupLabels[0]} vs ${o.groupLabels[1]})`,
        analysis: "not-stated",
        events_t: d.events_t,
        total_t: d.total_t,
        events_c: d.events_c,
        total_c: d.total_c,
        status: "reported",
        source: source.id,
      });
      outcomesByStudy.set(sid, rows);
    }
  }

  const robByStudy = new Map<string, Partial<Record<Rob1Domain, { judgement: Rob1Judgement; item: string }>>>();
  for (const e of rob) {
    const domains = rob1DomainsOf(e.item);
    if (domains.length === 0) {
      if (!skipped.some((s) => s.element === `QUALITY_ITEM "${e.item}"`)) skipped.push({ element: `QUALITY_ITEM "${e.item}"`, reason: "not one of the seven RoB 1 domains" });
      continue;
    }
    if (!trialIds.has(e.studyId)) {
      skipped.push({ element: `QUALITY_ITEM "${e.item}" ${e.studyId}`, reason: "the study is not among the review's included studies" });
      continue;
    }
    const m = robByStudy.get(e.studyId) ?? {};
    // Several items for one domain (e.g. blinding per outcome): keep the worst judgement.
    const rank: Record<Rob1Judgement, number> = { "not assessed": 0, low: 1, unclear: 2, high: 3 };
    for (const domain of domains) {
      const prev = m[domain];
      if (prev === undefined || rank[e.judgement] > rank[prev.judgement]) m[domain] = { judgement: e.judgement, item: e.item };
    }
    robByStudy.set(e.studyId, m);
  }

  const trials: EvidenceTrial[] = studyIds.map((sid) => {
    const s = review.studies.get(sid);
    const name = s?.name ?? sid.replace(/^STD-/, "");
    const outcomes = outcomesByStudy.get(sid) ?? [];
    const r = robByStudy.get(sid);
    const domains = Object.fromEntries(ROB1_DOMAINS.map((d) => [d, r?.[d]?.judgement ?? "not assessed"])) as Record<Rob1Domain, Rob1Judgement>;
    const judged = ROB1_DOMAINS.filter((d) => r?.[d] !== undefined);
    const trial: EvidenceTrial = {
      id: trialIds.get(sid)!,
      label: s?.year !== undefined && !name.includes(String(s.year)) ? `${name} ${s.year}` : name,
      year: s?.year ?? null,
      therapy: opts.therapy,
      comparison: review.outcomes.find((o) => o.studies.some((x) => x.studyId === sid))?.comparison || title,
      found: outcomes.length > 0,
      design: { randomised: null, blinding: "not-reported", control: "unknown", note: "Design not stated in the RevMan file; read the study's report." },
      population: `as included in the review "${title}"`,
      inclusion: `the review's inclusion criteria ("${title}")`,
      arms: [],
      outcomes,
      subgroups: [],
      rob:
        judged.length === 0
          ? null
          : {
              tool: "RoB1",
              assessor: `the review's authors ("${title}")`,
              source: source.id,
              domains,
              basis: `The review's own RoB 1 table (RevMan QUALITY_ITEMS): ${judged.map((d) => `${r?.[d]?.item}: ${r?.[d]?.judgement}`).join("; ")}. Domains without an item in the table are not assessed.`,
            },
      source: source.id,
      note: `Imported from the RevMan 5 file ${opts.file.replace(/^.*[\\/]/, "")} (study ${sid}).${outcomes.length === 0 ? " The file holds no dichotomous data for this study." : ""}`,
    };
    return trial;
  });

  return { sources: [source], trials, skipped };
}
