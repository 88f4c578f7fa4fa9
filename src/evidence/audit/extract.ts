/**
 * Finding reported results in a plain-text article: effect estimates with their CI, Z and P (e.g.
 * "OR=2.24, 95% CI=1.68~2.98, Z=5.51, P<0.00001" or "P = 0.03, odds ratio = 2.30; 95% confidence interval
 * (1.10 ~ 4.81)"), I², the study counts the text states for each analysis, "n (x%)" / "x% (a/b)" count and
 * percentage pairs, and per-arm participant numbers with their total. Pure functions over the text.
 */
import { InputError } from "../../shared/errors.js";
import { auditReportedResult } from "./audit.js";
import { parsePrinted } from "./printed.js";
import type { AuditResult, ReportedResultInput } from "./types.js";

// ------------------------------------------------------------------------------------------------ text model

interface Sentence {
  text: string;
  /** Offset of the sentence in the normalised text. */
  start: number;
  section: number;
}

interface Section {
  title: string;
}

export interface TextModel {
  text: string;
  sections: Section[];
  sentences: Sentence[];
}

/** Normalise what extraction depends on; the result is the text the quotes are taken from. */
export function normaliseArticleText(raw: string): string {
  return raw
    .replace(/\r\n?/g, "\n")
    .replace(/<sup>\s*2\s*<\/sup>/gi, "2")
    .replace(/\$\s*I\s*\^\s*\{?2\}?\s*\$/g, "I2")
    .replace(/I\s*\^\s*\{?2\}?/g, "I2")
    .replace(/I²/g, "I2")
    .replace(/\u2212/g, "-")
    // Lancet-style decimal point: "62·0%"
    .replace(/(\d)\u00b7(\d)/g, "$1.$2")
    // an en or em dash used as a minus sign ("MD = –0.38", "(–1.2 to 0.4)"); between digits it stays a range
    .replace(/(^|[\s=(\[:,;])[\u2013\u2014](?=\d)/g, "$1-")
    .replace(/[\u00a0\u2000-\u200a\u202f\u205f\u3000]/g, " ")
    // a word broken across a line or page break: "infe-\n\nrior" -> "inferior"
    .replace(/([a-z])-[ \t]*\n(?:[ \t]*\n)*[ \t]*([a-z])/g, "$1$2");
}

const ABBREVIATIONS = new Set(["fig", "figs", "e.g", "i.e", "vs", "al", "no", "vol", "dr", "approx", "ref", "eq", "tab", "ca", "cf", "resp"]);

function isHeading(line: string): boolean {
  return /^\s*#{1,6}\s/.test(line) || /^\s*\*\*[^*]+\*\*\s*$/.test(line);
}

function splitSentences(par: string, parStart: number, section: number, out: Sentence[]): void {
  const re = /[.!?]["')\]]?\s+(?=[A-Z(\[#"*])/g;
  let last = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(par)) !== null) {
    const before = par.slice(last, m.index);
    const word = /([A-Za-z.]+)$/.exec(before)?.[1]?.toLowerCase() ?? "";
    // no split after an abbreviation ("Fig. 3", "vs. placebo") or an initial ("Carp H. J.")
    if (ABBREVIATIONS.has(word) || /(?:^|\s)[A-Z]$/.test(before)) continue;
    const end = m.index + m[0].trimEnd().length;
    const text = par.slice(last, end);
    if (text.trim() !== "") out.push({ text, start: parStart + last, section });
    last = m.index + m[0].length;
  }
  const rest = par.slice(last);
  if (rest.trim() !== "") out.push({ text: rest, start: parStart + last, section });
}

/** Split a normalised text into sections (by heading lines), paragraphs and sentences, keeping offsets. */
export function buildTextModel(text: string): TextModel {
  const sections: Section[] = [{ title: "(start)" }];
  const sentences: Sentence[] = [];
  const lines = text.split("\n");
  let offset = 0;
  // paragraph accumulator: [start offset, end offset] in text
  let parStart = -1;
  let parEnd = -1;
  const flush = (): void => {
    if (parStart >= 0) splitSentences(text.slice(parStart, parEnd), parStart, sections.length - 1, sentences);
    parStart = -1;
    parEnd = -1;
  };
  for (const line of lines) {
    const lineStart = offset;
    offset += line.length + 1;
    if (isHeading(line)) {
      flush();
      sections.push({ title: line.replace(/[#*]/g, "").trim() });
      continue;
    }
    if (line.trim() === "") {
      // A blank line ends a paragraph unless the sentence obviously continues (page break mid-sentence).
      if (parStart >= 0) {
        const soFar = text.slice(parStart, parEnd).trimEnd();
        const next = text.slice(offset).trimStart();
        if (/[.!?:)\]]$/.test(soFar) || !/^[a-z(]/.test(next)) flush();
      }
      continue;
    }
    if (parStart < 0) parStart = lineStart;
    parEnd = lineStart + line.length;
  }
  flush();
  return { text, sections, sentences };
}

// ------------------------------------------------------------------------------------------------ tokens

const NUM = String.raw`-?\d+(?:\.\d+)?|-?\.\d+`;
const MEASURE_WORDS =
  String.raw`Peto\s+OR|[Pp]eto\s+odds\s+ratio|SMD|WMD|IRR|OR|RR|HR|MD|RD|[Oo]dds\s+ratio|[Rr]isk\s+ratio|[Rr]elative\s+risk|[Hh]azard\s+ratio|(?:[Ww]eighted\s+|[Ss]tandardi[sz]ed\s+)?[Mm]ean\s+difference|[Rr]isk\s+difference`;
const MEASURE_RE = new RegExp(
  String.raw`(?<![A-Za-z])(${MEASURE_WORDS})(?![A-Za-z])(?:\s*\(\s*(?:\d{2}\s*%\s*CI|[A-Za-z][A-Za-z ]{0,19})\s*\))?(?:\s+(?:for|of)\s+[a-z][a-z -]{0,30}?(?=\s*[:=,]?\s*-?\d))?\s*(?:[:=,]|\bwas\b|\bof\b|\bis\b)?\s*(${NUM})(?:\s*[(\[]\s*(${NUM})\s*(?:~|to|–|—|,|;|-)\s*(${NUM})\s*[)\]])?`,
  "g",
);
const CI_RE = new RegExp(
  String.raw`(?:(\d{2}(?:\.\d+)?)\s*%\s*)?(?:CI|CIs|[Cc]onfidence\s+[Ii]ntervals?(?:\s*\(CI\))?)\s*(?:[:=,]|\bwas\b|\bof\b)?\s*[(\[]?\s*(${NUM})\s*(?:~|to|–|—|,|;|-)\s*(${NUM})\s*[)\]]?`,
  "g",
);
const Z_RE = new RegExp(String.raw`(?<![A-Za-z])[Zz]\s*[=:]\s*(${NUM})`, "g");
const P_RE = /(?<![A-Za-z])[Pp]\s*(?:-?\s*value)?\s*(<=|>=|=|<|>|≤|≥|\bof\b|\bwas\b)\s*(\d*\.?\d+)/g;
const I2_RE = /(?<![A-Za-z])I2\s*(?:value\s+of|statistic\s+of|=|:|was|of)?\s*(\d+(?:\.\d+)?)\s*%/g;

const NUMBER_WORDS: Record<string, number> = {
  one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, eleven: 11, twelve: 12,
  thirteen: 13, fourteen: 14, fifteen: 15, sixteen: 16, seventeen: 17, eighteen: 18, nineteen: 19, twenty: 20,
  thirty: 30, forty: 40, fifty: 50,
};
const NUMBER_WORD_RE = Object.keys(NUMBER_WORDS).join("|");
const K_RE = new RegExp(
  String.raw`(?<![A-Za-z0-9.])(${NUMBER_WORD_RE}|\d+)\s+(?:(?:included|relevant|eligible|randomi[sz]ed|controlled|clinical|original|separate|individual|independent)\s+)*(?:studies|study|trials|trial|articles|article|RCTs|RCT|publications)\b`,
  "gi",
);

/**
 * A P that belongs to a heterogeneity or subgroup test (RevMan footers: "Chi² = 12.3, df = 5 (P = 0.03); I² = 59%")
 * rather than to the effect: a chi-square, Q, df, tau² or "heterogeneity" shortly before it, with no Z in between.
 */
function isHeterogeneityP(sentence: string, pos: number): boolean {
  const before = sentence.slice(Math.max(0, pos - 60), pos);
  const lastZ = before.search(/(?<![A-Za-z])Z\s*[=:][^=:]*$/);
  const context = lastZ >= 0 ? before.slice(lastZ) : before;
  return lastZ < 0 && /(chi|χ|(?<![A-Za-z])Q\s*=|(?<![A-Za-z])df\s*=|tau|heterogeneity|subgroup differences)/i.test(context);
}

function countValue(word: string): number {
  const w = word.toLowerCase();
  return NUMBER_WORDS[w] ?? Number(w);
}

interface Token {
  kind: "measure" | "ci" | "z" | "p" | "i2";
  start: number;
  end: number;
  groups: (string | undefined)[];
}

function findAll(re: RegExp, s: string, kind: Token["kind"], base: number): Token[] {
  const out: Token[] = [];
  re.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s)) !== null) {
    out.push({ kind, start: base + m.index, end: base + m.index + m[0].length, groups: m.slice(1) });
  }
  return out;
}

// ------------------------------------------------------------------------------------------------ extraction

export interface ExtractedResult {
  /** The text the result was read from (normalised). */
  quote: string;
  /** Offset of the quote in the normalised text. */
  offset: number;
  section: string;
  /** The reported result as read, ready for auditReportedResult. */
  input: ReportedResultInput;
  /** Sentences stating the number of studies that were attributed to this result. */
  k_quotes: string[];
}

interface ResultDraft {
  sentence: number;
  tokens: Token[];
  measure: Token;
}

function measureCode(word: string): string {
  const w = word.replace(/\s+/g, " ").toLowerCase();
  if (w === "peto or" || w === "peto odds ratio") return "Peto OR";
  if (w === "odds ratio") return "OR";
  if (w === "risk ratio" || w === "relative risk") return "RR";
  if (w === "hazard ratio") return "HR";
  if (w === "mean difference") return "MD";
  if (w === "weighted mean difference") return "WMD";
  if (w.endsWith("mean difference")) return "SMD";
  if (w === "risk difference") return "RD";
  return word.toUpperCase();
}

const STOPWORDS = new Set(
  (
    "that this with were was have has had from their there these those which whom whose into than then also been being both " +
    "patients patient participants women group groups study studies trial trials analysis analyses analyzed analysed " +
    "included including rate rates therapy treatment treated placebo control controls results result revealed compared " +
    "versus among overall higher lower significant significantly markedly notably greatly total effect effects meta " +
    "heterogeneity test value indicating hence model employed chosen fixed random"
  ).split(" "),
);

function contentWords(s: string): Set<string> {
  const words = s.toLowerCase().match(/[a-z][a-z-]{3,}/g) ?? [];
  return new Set(words.filter((w) => !STOPWORDS.has(w)));
}

/** Find the effect estimates (with their CI, Z, P, I² and the text's study counts) in an article. */
export function extractReportedResults(rawText: string): ExtractedResult[] {
  const model = buildTextModel(normaliseArticleText(rawText));
  const { text, sentences, sections } = model;
  const drafts: ResultDraft[] = [];
  sentences.forEach((s, si) => {
    const measures = findAll(MEASURE_RE, s.text, "measure", s.start);
    if (measures.length === 0) return;
    const others = [
      ...findAll(CI_RE, s.text, "ci", s.start),
      ...findAll(Z_RE, s.text, "z", s.start),
      ...findAll(P_RE, s.text, "p", s.start).filter((t) => !isHeterogeneityP(s.text, t.start - s.start)),
      ...findAll(I2_RE, s.text, "i2", s.start),
    ].filter((t) => !measures.some((m) => t.start < m.end && m.start < t.end));
    const mine = new Map<Token, Token[]>(measures.map((m) => [m, []]));
    for (const t of others) {
      let owner: Token | undefined;
      for (const m of measures) if (m.start <= t.start) owner = m;
      owner ??= measures[0];
      if (owner !== undefined) mine.get(owner)?.push(t);
    }
    for (const m of measures) drafts.push({ sentence: si, measure: m, tokens: mine.get(m) ?? [] });
  });

  // Keep only estimates with a CI (inline "(a to b)" after the estimate or a CI token).
  const results = drafts.filter((d) => d.measure.groups[2] !== undefined || d.tokens.some((t) => t.kind === "ci"));

  // Study counts and I² per section, attributed to results.
  const kBySentence = new Map<number, { value: number; start: number }[]>();
  const i2BySentence = new Map<number, { value: string; start: number }[]>();
  sentences.forEach((s, si) => {
    const ks: { value: number; start: number }[] = [];
    K_RE.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = K_RE.exec(s.text)) !== null) {
      const before = s.text.slice(0, m.index);
      const after = s.text.slice(m.index + m[0].length);
      // "Among the 11 included studies, four ..." and "four of the 11 studies" name a larger set.
      if (/^\s*(?:among|of|from)\s+(?:the|these|those)\s*$/i.test(before)) continue;
      if (new RegExp(String.raw`\b(?:${NUMBER_WORD_RE}|\d+)\s+(?:of|among)\s+(?:the|these)\s*$`, "i").test(before)) continue;
      if (/^\s+(?:were|was)\s+excluded/i.test(after)) continue;
      ks.push({ value: countValue(m[1] ?? ""), start: s.start + m.index });
    }
    for (const km of s.text.matchAll(/(?<![A-Za-z])k\s*=\s*(\d+)\b/g)) ks.push({ value: Number(km[1]), start: s.start + (km.index ?? 0) });
    if (ks.length > 0) kBySentence.set(si, ks);
    const i2s = findAll(I2_RE, s.text, "i2", s.start).map((t) => ({ value: t.groups[0] ?? "", start: t.start }));
    if (i2s.length > 0) i2BySentence.set(si, i2s);
  });

  const kFor = new Map<ResultDraft, { values: number[]; quotes: string[] }>();
  const i2For = new Map<ResultDraft, string[]>();
  for (const r of results) {
    kFor.set(r, { values: [], quotes: [] });
    i2For.set(r, []);
  }
  const bySection = new Map<number, ResultDraft[]>();
  for (const r of results) {
    const sec = sentences[r.sentence]?.section ?? 0;
    bySection.set(sec, [...(bySection.get(sec) ?? []), r]);
  }
  for (const [sec, rs] of bySection) {
    const resultSentences = [...new Set(rs.map((r) => r.sentence))];
    const distinct = new Map<number, Set<string>>();
    for (const si of resultSentences) {
      const own = contentWords(stripTokens(sentences[si]?.text ?? "", rs.filter((r) => r.sentence === si), sentences[si]?.start ?? 0));
      for (const other of resultSentences) {
        if (other === si) continue;
        for (const w of contentWords(sentences[other]?.text ?? "")) own.delete(w);
      }
      distinct.set(si, own);
    }
    const owner = (si: number, pos: number): ResultDraft | undefined => {
      const inSentence = rs.filter((r) => r.sentence === si);
      if (inSentence.length > 0) return inSentence.find((r) => r.measure.start >= pos) ?? inSentence[inSentence.length - 1];
      if (rs.length === 1) return rs[0];
      const words = contentWords(sentences[si]?.text ?? "");
      let best: number | undefined;
      let bestScore = 0;
      let tie = false;
      for (const rsi of resultSentences) {
        const score = [...(distinct.get(rsi) ?? [])].filter((w) => words.has(w)).length;
        if (score > bestScore) {
          bestScore = score;
          best = rsi;
          tie = false;
        } else if (score === bestScore && score > 0) tie = true;
      }
      // Without a distinguishing word the count may describe the whole review ("Twenty trials were included"):
      // it is not attributed to any one of several results.
      return best !== undefined && !tie ? rs.find((r) => r.sentence === best) : undefined;
    };
    sentences.forEach((s, si) => {
      if (s.section !== sec) return;
      for (const k of kBySentence.get(si) ?? []) {
        const r = owner(si, k.start);
        if (r === undefined) continue;
        const entry = kFor.get(r);
        entry?.values.push(k.value);
        if (entry !== undefined && !entry.quotes.includes(s.text.trim())) entry.quotes.push(s.text.trim());
      }
      for (const i of i2BySentence.get(si) ?? []) {
        const r = owner(si, i.start);
        if (r !== undefined) i2For.get(r)?.push(i.value);
      }
    });
  }

  // Arm sizes ("the placebo group (n = 74)") for "n (x%)" counts in a result's own sentence.
  const arms = findArmSizes(text);

  return results.map((r) => {
    const m = r.measure;
    const g = m.groups;
    const ci = r.tokens.find((t) => t.kind === "ci");
    const z = r.tokens.find((t) => t.kind === "z");
    const p = r.tokens.find((t) => t.kind === "p");
    const start = Math.min(m.start, ...r.tokens.map((t) => t.start));
    const end = Math.max(m.end, ...r.tokens.map((t) => t.end));
    const input: ReportedResultInput = {
      measure: measureCode(g[0] ?? ""),
      estimate: g[1] ?? "",
      ci_low: g[2] ?? ci?.groups[1] ?? "",
      ci_high: g[3] ?? ci?.groups[2] ?? "",
      level: ci?.groups[0] !== undefined ? Number(ci.groups[0]) : 95,
    };
    if (z !== undefined) input.z = z.groups[0] ?? "";
    if (p !== undefined) {
      const relText = p.groups[0] ?? "=";
      const rel = relText === "of" || relText === "was" ? "=" : relText;
      input.p = { relation: rel === "≤" ? "<=" : rel === "≥" ? ">=" : (rel as "=" | "<" | ">" | "<=" | ">="), value: (p.groups[1] ?? "").replace(/^\./, "0.") };
    }
    const k = kFor.get(r);
    if (k !== undefined && k.values.length > 0) input.k_stated = k.values;
    const i2 = r.tokens.find((t) => t.kind === "i2")?.groups[0] ?? i2For.get(r)?.[0];
    if (i2 !== undefined) input.i2 = i2;
    const sentence = sentences[r.sentence];
    if (sentence !== undefined && arms.size > 0) {
      const pairs = findCountPercentPairs(sentence.text, sentence.start, arms).filter((x) => x.total !== undefined);
      const [t, c] = pairs;
      if (pairs.length === 2 && t?.total !== undefined && c?.total !== undefined) {
        input.counts = { treated: { label: `${t.label} group`, events: t.events, total: t.total }, control: { label: `${c.label} group`, events: c.events, total: c.total } };
        input.single_study = true;
      }
    }
    const quote = cleanQuote(text.slice(start, end));
    input.label = quote;
    return {
      quote,
      offset: start,
      section: sections[sentence?.section ?? 0]?.title ?? "",
      input,
      k_quotes: k?.quotes ?? [],
    };
  });
}

/** Collapse whitespace and drop a closing bracket whose opening one lies outside the quote. */
function cleanQuote(q: string): string {
  let out = q.replace(/\s+/g, " ").trim();
  const count = (c: string): number => out.split(c).length - 1;
  while ((out.endsWith(")") && count(")") > count("(")) || (out.endsWith("]") && count("]") > count("["))) out = out.slice(0, -1).trimEnd();
  return out;
}

function stripTokens(s: string, rs: ResultDraft[], base: number): string {
  let out = s;
  const spans = rs.flatMap((r) => [r.measure, ...r.tokens]).sort((a, b) => b.start - a.start);
  for (const t of spans) out = out.slice(0, t.start - base) + " " + out.slice(t.end - base);
  return out;
}

// ------------------------------------------------------------------------------------------------ counts

/** Arm sizes stated as "the X group (n = N)", keyed by the lower-case arm word. */
export function findArmSizes(text: string): Map<string, { n: number; quote: string }> {
  const out = new Map<string, { n: number; quote: string }>();
  const re = /\b([A-Za-z][\w-]*)\s+(?:group|arm)\s*\(\s*n\s*=\s*(\d+)\s*\)/gi;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    const label = (m[1] ?? "").toLowerCase();
    if (["the", "a", "each", "this"].includes(label)) continue;
    if (!out.has(label)) out.set(label, { n: Number(m[2]), quote: m[0] });
  }
  return out;
}

interface CountPercent {
  events: number;
  total?: number;
  label?: string;
  percent: string;
  quote: string;
  offset: number;
}

/** "60 (80.00%) patients in the tacrolimus group" pairs, with the denominator from the arm sizes when named. */
function findCountPercentPairs(s: string, base: number, arms: Map<string, { n: number; quote: string }>): CountPercent[] {
  const out: CountPercent[] = [];
  const re = /(?<![\d.\/])(\d+)\s*\(\s*(\d+(?:\.\d+)?)\s*%\s*\)/g;
  const matches = [...s.matchAll(re)];
  matches.forEach((m, i) => {
    const idx = m.index ?? 0;
    const next = matches[i + 1]?.index ?? s.length;
    const tail = s.slice(idx + m[0].length, Math.min(next, idx + m[0].length + 80));
    const lab = /\b(?:in|of)\s+the\s+([A-Za-z][\w-]*)\s+(?:group|arm)/i.exec(tail);
    const label = lab?.[1]?.toLowerCase();
    const arm = label !== undefined ? arms.get(label) : undefined;
    const quoteEnd = lab !== null && lab !== undefined ? idx + m[0].length + lab.index + lab[0].length : idx + m[0].length;
    const entry: CountPercent = { events: Number(m[1]), percent: m[2] ?? "", quote: s.slice(idx, quoteEnd), offset: base + idx };
    if (label !== undefined) entry.label = label;
    if (arm !== undefined) entry.total = arm.n;
    out.push(entry);
  });
  return out;
}

// ------------------------------------------------------------------------------------------------ text audit

export interface TextAuditItem {
  kind: "effect" | "percentage" | "total";
  /** The text the item was read from. */
  quote: string;
  consistent: boolean;
  problems: string[];
  section: string;
  /** For effects: the reported result as read and its full audit. */
  reported?: ReportedResultInput;
  audit?: AuditResult;
  k_quotes?: string[];
}

export interface TextAudit {
  results: TextAuditItem[];
}

function percentItem(events: number, total: number, percent: string, quote: string, section: string, arm?: { quote: string }): TextAuditItem {
  const problems: string[] = [];
  const pc = parsePrinted(percent);
  const exact = (100 * events) / total;
  if (events > total) problems.push(`${events} exceeds its denominator ${total}`);
  else if (pc !== null && !(exact >= pc.range.lo && exact <= pc.range.hi)) {
    const d = Math.max(pc.decimals + 1, 2);
    problems.push(`percentage printed as ${pc.text}% but ${events}/${total} = ${exact.toFixed(d)}% (off by ${Math.abs(exact - pc.value).toFixed(d)} points)`);
  }
  return { kind: "percentage", quote: arm !== undefined ? `${quote} [denominator: ${arm.quote}]` : quote, consistent: problems.length === 0, problems, section };
}

/** Audit every result, percentage and per-arm total found in an article. */
export function auditArticleText(rawText: string): TextAudit {
  const text = normaliseArticleText(rawText);
  const model = buildTextModel(text);
  const items: TextAuditItem[] = [];
  for (const r of extractReportedResults(rawText)) {
    let a: AuditResult;
    try {
      a = auditReportedResult(r.input);
    } catch (e) {
      // A number in the text that cannot stand for what it claims (e.g. "P = 1.5"): reported, not fatal.
      if (!(e instanceof InputError)) throw e;
      items.push({ kind: "effect", quote: r.quote, consistent: false, problems: [`cannot be audited: ${e.message}`], section: r.section, reported: r.input, k_quotes: r.k_quotes });
      continue;
    }
    items.push({ kind: "effect", quote: r.quote, consistent: a.consistent, problems: a.problems, section: r.section, reported: r.input, audit: a, k_quotes: r.k_quotes });
  }
  crossCheckRepeats(items);
  const arms = findArmSizes(text);
  const sectionTitle = (s: Sentence): string => model.sections[s.section]?.title ?? "";
  for (const s of model.sentences) {
    for (const cp of findCountPercentPairs(s.text, s.start, arms)) {
      if (cp.total === undefined || cp.label === undefined) continue;
      items.push(percentItem(cp.events, cp.total, cp.percent, cp.quote, sectionTitle(s), arms.get(cp.label)));
    }
    for (const m of s.text.matchAll(/(\d+(?:\.\d+)?)\s*%\s*[(\[]\s*(\d+)\s*\/\s*(\d+)\s*[)\]]/g)) {
      items.push(percentItem(Number(m[2]), Number(m[3]), m[1] ?? "", m[0], sectionTitle(s)));
    }
    for (const m of s.text.matchAll(/(?<![\d.])(\d+)\s*\/\s*(\d+)\s*[(\[]\s*(\d+(?:\.\d+)?)\s*%\s*[)\]]/g)) {
      items.push(percentItem(Number(m[1]), Number(m[2]), m[3] ?? "", m[0], sectionTitle(s)));
    }
    const total = totalItem(s.text, arms);
    if (total !== null) items.push({ ...total, section: sectionTitle(s) });
  }
  return { results: items };
}

const PEOPLE = String.raw`(?:patients|participants|women|subjects|couples|pregnancies)`;

/** "comprising 264 patients, with 108 patients accepting IVIG and 156 patients accepting placebo": do the arms add up? */
function totalItem(s: string, arms: Map<string, { n: number; quote: string }>): Omit<TextAuditItem, "section"> | null {
  const t =
    new RegExp(String.raw`\b(?:comprising(?:\s+a\s+total\s+of)?|[Aa]\s+total\s+of|total\s+of|involving|including)\s+(\d+)\s+${PEOPLE}\b`, "i").exec(s) ??
    new RegExp(String.raw`(?<![\d.])(\d+)\s+${PEOPLE}\s+were\s+(?:randomly\s+assigned|randomi[sz]ed|allocated|enrolled)\b`, "i").exec(s);
  if (t === null) return null;
  const total = Number(t[1]);
  const rest = s.slice(t.index + t[0].length);
  const armRe = new RegExp(
    String.raw`\bn\s*=\s*(\d+)|(?<![\d.])(\d+)\s+(?:${PEOPLE}\s+)?(?:received|receiving|accepting|accepted|having|had|were\s+given|were\s+randomi[sz]ed|allocated|assigned)\b`,
    "gi",
  );
  const found = [...rest.matchAll(armRe)];
  if (found.length === 2) {
    const [a, b] = found.map((m) => Number(m[1] ?? m[2]));
    const last = found[1];
    let end = t.index + t[0].length + (last?.index ?? 0) + (last?.[0].length ?? 0);
    if (/^\s*[)\]]/.test(s.slice(end)) && s.slice(t.index, end).includes("(")) end = s.indexOf(")", end) + 1 || s.indexOf("]", end) + 1;
    const quote = cleanQuote(s.slice(t.index, end));
    const sum = (a ?? 0) + (b ?? 0);
    const problems = sum === total ? [] : [`the arms (${a} + ${b} = ${sum}) do not add up to the stated total of ${total} (difference ${sum - total})`];
    return { kind: "total", quote, consistent: problems.length === 0, problems };
  }
  if (found.length === 0 && arms.size === 2 && /\b(?:enrolled|randomi[sz]ed|recruited|included)\b/i.test(s)) {
    const [a, b] = [...arms.values()];
    if (a === undefined || b === undefined) return null;
    const sum = a.n + b.n;
    const problems = sum === total ? [] : [`the arms (${a.n} + ${b.n} = ${sum}) do not add up to the stated total of ${total} (difference ${sum - total})`];
    return { kind: "total", quote: `${s.trim()} [arms: ${a.quote}; ${b.quote}]`, consistent: problems.length === 0, problems };
  }
  return null;
}

function printedP(p: ReportedResultInput["p"]): string | undefined {
  if (p === undefined) return undefined;
  if (typeof p === "object") return `${p.relation === "=" ? "" : p.relation}${String(p.value)}`;
  return String(p);
}

/**
 * The same result printed twice (abstract and body: same measure and estimate) must be printed alike: a second
 * printing with another CI, Z or P is flagged on the later one.
 */
function crossCheckRepeats(items: TextAuditItem[]): void {
  const effects = items.filter((i) => i.kind === "effect" && i.reported !== undefined);
  effects.forEach((later, j) => {
    const b = later.reported;
    if (b === undefined) return;
    const earlier = effects.slice(0, j).find((e) => e.reported?.measure === b.measure && String(e.reported.estimate) === String(b.estimate));
    const a = earlier?.reported;
    if (earlier === undefined || a === undefined) return;
    const diffs: string[] = [];
    if (String(a.ci_low) !== String(b.ci_low) || String(a.ci_high) !== String(b.ci_high)) diffs.push(`CI ${String(a.ci_low)} to ${String(a.ci_high)} there, ${String(b.ci_low)} to ${String(b.ci_high)} here`);
    if (a.z !== undefined && b.z !== undefined && String(a.z) !== String(b.z)) diffs.push(`Z ${String(a.z)} there, ${String(b.z)} here`);
    const pa = printedP(a.p);
    const pb = printedP(b.p);
    if (pa !== undefined && pb !== undefined && pa !== pb) diffs.push(`P ${pa} there, ${pb} here`);
    if (diffs.length === 0) return;
    later.problems.push(`the same ${b.measure} ${String(b.estimate)} is printed differently in "${earlier.section}" (${earlier.quote}): ${diffs.join("; ")}`);
    later.consistent = false;
  });
}
