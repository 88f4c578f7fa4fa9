/**
 * RevMan 5 review files (.rm5, Cochrane's XML format): the studies, every outcome of every comparison with its data
 * (dichotomous counts, means and SDs, generic inverse-variance estimates, O-E and variance), its subgroups, the
 * analysis settings stored with it (statistical method, analysis model, effect measure, confidence levels) and, when
 * RevMan computed them (ANALYSES_AND_DATA CALCULATED_DATA="YES"), the results RevMan stored beside the data, so a
 * reproduction can be checked number by number. Pure: the caller reads the file.
 *
 * Element and attribute names follow the files RevMan 5 writes (e.g. DICH_OUTCOME METHOD="MH" RANDOM="NO"
 * EFFECT_MEASURE="OR", DICH_DATA EVENTS_1/TOTAL_1/EVENTS_2/TOTAL_2, CONT_DATA MEAN_1/SD_1/TOTAL_1, IV_DATA
 * EFFECT_SIZE/SE, IPD_DATA O_E/VAR). Group 1 is the experimental arm, group 2 the control arm.
 */
import { XMLParser, XMLValidator, type EntityDecoderOptions } from "fast-xml-parser";
import { z } from "zod";
import { InputError, isInputError } from "../shared/errors.js";
import { CLI_READ_OPTION_NAMES } from "./input.js";
import type { Measure, MetaOptions, MetaResult, Method, Pooled, StudyRow } from "./types.js";

export type RevmanOutcomeType = "DICH" | "CONT" | "IV" | "IPD";

/** Results RevMan stored for a study row or a pooled line (absent when RevMan stored none). */
export interface RevmanStoredResult {
  /** Effect and CI as RevMan shows them (ratios back-transformed). */
  effect?: number;
  ciLower?: number;
  ciUpper?: number;
  /** The estimate and its SE and variance on the analysis scale (log for ratios). */
  logEffect?: number;
  se?: number;
  variance?: number;
  /** Weight in per cent. */
  weight?: number;
}

export interface RevmanPooledStored extends RevmanStoredResult {
  chi2?: number;
  df?: number;
  pChi2?: number;
  i2?: number;
  tau2?: number;
  z?: number;
  pZ?: number;
  /** Test for subgroup differences (on the outcome, when SUBGROUP_TEST="YES" and RevMan computed it). */
  subgroupChi2?: number;
  subgroupDf?: number;
  subgroupP?: number;
  subgroupI2?: number;
}

export interface RevmanStudyRow {
  studyId: string;
  study: string;
  year?: number;
  subgroup?: string;
  row: StudyRow;
  stored: RevmanStoredResult;
}

export interface RevmanSubgroup {
  id: string;
  name: string;
  stored: RevmanPooledStored;
}

export interface RevmanOutcome {
  /** RevMan's id, e.g. "CMP-001.01". */
  id: string;
  comparison: string;
  name: string;
  type: RevmanOutcomeType;
  /** The analysis settings stored with the outcome. */
  method: Method;
  model: "fixed" | "random";
  measure: Measure;
  /** RevMan's label of the measure as stored (e.g. "OR", "Peto OR", "HR"). */
  measureLabel: string;
  studyLevel: number;
  totalLevel: number;
  groupLabels: [string, string];
  graphLabels: [string, string];
  studies: RevmanStudyRow[];
  subgroups: RevmanSubgroup[];
  /** Whether RevMan's own results are stored in the file for this outcome. */
  calculated: boolean;
  /**
   * RevMan's "swap event and non-event" (dichotomous outcomes): the analysis counts the non-events. The studies' rows
   * keep the events as entered (the outcome's own events, as the evidence import reads them); revmanAnalysisRows swaps them.
   */
  swapEvents: boolean;
  stored: RevmanPooledStored;
}

export interface RevmanReview {
  title: string;
  revmanVersion: string;
  /** Study ids (STD-…) with their names and years. */
  studies: Map<string, { name: string; year?: number }>;
  outcomes: RevmanOutcome[];
}

/** An element of a RevMan 5 file as fast-xml-parser gives it (attributes under "@_NAME"). */
export type Revman5Node = Record<string, unknown>;
type Node = Revman5Node;

/**
 * Where a value of an element came from, for an error: by default the element path of the .rm5 file; the reader of
 * RevMan's CSV export (revman5-csv.ts) builds the same elements from its rows and names the row and column instead.
 */
export interface RevmanLocate {
  /** The location of an attribute of element n (`path`: its place in the .rm5 file). */
  at(n: Node, attribute: string, path: string): { row?: number; field: string };
  /** The attribute's name as the file shows it (its column header in the CSV export). */
  name(attribute: string): string;
}
const AT_PATH: RevmanLocate = { at: (_n, _attribute, path) => ({ field: path }), name: (attribute) => attribute };

const ARRAYS = new Set(["COMPARISON", "DICH_OUTCOME", "CONT_OUTCOME", "IV_OUTCOME", "IPD_OUTCOME", "DICH_SUBGROUP", "CONT_SUBGROUP", "IV_SUBGROUP", "IPD_SUBGROUP", "DICH_DATA", "CONT_DATA", "IV_DATA", "IPD_DATA", "STUDY"]);

/** An attribute of a RevMan 5 element as text (undefined when absent). */
export function attr(n: Node, name: string): string | undefined {
  const v = n[`@_${name}`];
  return typeof v === "string" ? v : undefined;
}

/** A reference in XML text that an XML parser refuses (`reference`: as written, to find its line). */
class XmlReferenceError extends Error {
  constructor(
    message: string,
    readonly reference: string,
  ) {
    super(message);
  }
}

/** The entities XML itself defines (XML 1.0, section 4.6). */
const XML_ENTITIES: Readonly<Record<string, string>> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

/** A reference (&name; &#322; &#x142;), or an "&" that starts none (no name, no ";"). */
const XML_REFERENCE = /&(#[0-9]+|#x[0-9a-fA-F]+|[A-Za-z_:\u00C0-\uFFFF][\w.:\u00B7\u00C0-\uFFFF-]*)?(;)?/g;

/** A character XML may hold (XML 1.0 production Char; XML 1.1 also allows the other control characters by reference). */
function isXmlChar(cp: number, version: number): boolean {
  if (cp === 0x9 || cp === 0xa || cp === 0xd || (version > 1 && cp >= 0x1 && cp <= 0x1f)) return true;
  return (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
}

/**
 * References in text and attribute values decoded as an XML parser decodes them (XML 1.0, sections 4.1 and 4.6),
 * for fast-xml-parser (which by itself decodes the five entities only): character references, decimal and hex
 * (&#322; &#x142; for ł), the five entities XML defines, and those the DOCTYPE declares. A reference to anything else
 * is not well-formed: XmlReferenceError. Each reference is decoded once (&#38;amp; is the text "&amp;").
 */
class XmlReferences implements EntityDecoderOptions {
  private declared = new Map<string, string>();
  private version = 1;
  reset(): void {
    this.declared.clear();
    this.version = 1;
  }
  setXmlVersion(version: number): void {
    this.version = version;
  }
  addInputEntities(entities: Record<string, string>): void {
    for (const [name, value] of Object.entries(entities)) this.declared.set(name, value);
  }
  setExternalEntities(entities: Record<string, string>): void {
    this.addInputEntities(entities);
  }
  decode(text: string): string {
    if (!text.includes("&")) return text;
    return text.replace(XML_REFERENCE, (ref: string, body: string | undefined, semicolon: string | undefined, at: number) => {
      if (body === undefined || semicolon === undefined) {
        const shown = text.slice(at, at + 12).split(/\s/)[0] ?? ref;
        throw new XmlReferenceError(`"${shown}" is not a reference ("&" starts &name; or &#number; and is written &amp; otherwise)`, shown);
      }
      if (body.startsWith("#")) {
        const cp = body.startsWith("#x") ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
        if (!isXmlChar(cp, this.version)) throw new XmlReferenceError(`"${ref}" refers to no XML character`, ref);
        return String.fromCodePoint(cp);
      }
      const value = XML_ENTITIES[body] ?? this.declared.get(body);
      if (value === undefined) throw new XmlReferenceError(`the entity "${ref}" is not declared (XML knows &amp; &lt; &gt; &quot; &apos; and character references such as &#160;)`, ref);
      return value;
    });
  }
}

/**
 * The COCHRANE_REVIEW element of a RevMan 5 file's XML text; `isArray` names the elements always read as lists.
 * References (&#322;, &amp;) are decoded as an XML parser decodes them (XmlReferences). InputError names the file
 * (and the line) when the text is not well-formed XML or not a RevMan 5 review.
 */
export function revman5Root(xml: string, file: string, isArray?: (name: string) => boolean): Node {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new InputError(`not well-formed XML: ${valid.err.msg}`, { file, row: valid.err.line });
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: "@_",
    parseAttributeValue: false,
    parseTagValue: false,
    entityDecoder: new XmlReferences(),
    ...(isArray !== undefined ? { isArray } : {}),
  });
  let doc: Node;
  try {
    doc = parser.parse(xml) as Node;
  } catch (e) {
    if (e instanceof XmlReferenceError) {
      const at = xml.indexOf(e.reference);
      throw new InputError(`not well-formed XML: ${e.message}`, at < 0 ? { file } : { file, row: xml.slice(0, at).split("\n").length });
    }
    throw new InputError(`cannot read the XML: ${e instanceof Error ? e.message : String(e)}`, { file });
  }
  const review = doc["COCHRANE_REVIEW"];
  if (typeof review !== "object" || review === null) throw new InputError("not a RevMan 5 file: the root element is not COCHRANE_REVIEW", { file });
  return review as Node;
}

/** A stored number; RevMan writes "" for results it did not compute. */
function num(n: Node, name: string): number | undefined {
  const v = attr(n, name);
  if (v === undefined || v.trim() === "") return undefined;
  const x = Number(v);
  return Number.isFinite(x) ? x : undefined;
}

function text(n: Node, name: string): string {
  const v = n[name];
  if (typeof v === "string") return v;
  if (typeof v === "number") return String(v);
  if (typeof v === "object" && v !== null && typeof (v as Node)["#text"] === "string") return (v as Node)["#text"] as string;
  return "";
}

function children(n: Node, name: string): Node[] {
  const v = n[name];
  return Array.isArray(v) ? (v as Node[]) : [];
}

/** RevMan escapes characters in ids as _xHHHH_ (e.g. STD-MRC_x002d_1 for STD-MRC-1). */
export function unescapeId(id: string): string {
  return id.replace(/_x([0-9a-fA-F]{4})_/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}

/** RevMan's attribute for each stored number (a study row or a pooled line). */
const STORED_ATTRIBUTES = {
  effect: "EFFECT_SIZE",
  ciLower: "CI_START",
  ciUpper: "CI_END",
  logEffect: "LOG_EFFECT_SIZE",
  se: "SE",
  variance: "VAR",
  weight: "WEIGHT",
} as const satisfies Record<keyof RevmanStoredResult, string>;

/** The numbers a pooled line (total or subgroup) adds. */
const POOLED_ATTRIBUTES = {
  ...STORED_ATTRIBUTES,
  chi2: "CHI2",
  df: "DF",
  pChi2: "P_CHI2",
  i2: "I2",
  tau2: "TAU2",
  z: "Z",
  pZ: "P_Z",
  subgroupChi2: "Q",
  subgroupP: "P_Q",
  subgroupI2: "I2_Q",
} as const satisfies Partial<Record<keyof RevmanPooledStored, string>>;

/** The stored numbers RevMan wrote (it writes "" for results it did not compute: those are left out). */
function storedNumbers<K extends string>(n: Node, attributes: Readonly<Record<K, string>>): Partial<Record<K, number>> {
  const out: Partial<Record<K, number>> = {};
  for (const [key, name] of Object.entries(attributes) as Array<[K, string]>) {
    const v = num(n, name);
    if (v !== undefined) out[key] = v;
  }
  return out;
}

function storedOf(n: Node): RevmanStoredResult {
  return storedNumbers(n, STORED_ATTRIBUTES);
}

function pooledOf(n: Node): RevmanPooledStored {
  return storedNumbers(n, POOLED_ATTRIBUTES);
}

const MEASURES: Record<string, { measure: Measure; method?: Method }> = {
  OR: { measure: "OR" },
  "ODDS RATIO": { measure: "OR" },
  "PETO OR": { measure: "OR", method: "PETO" },
  PETO_OR: { measure: "OR", method: "PETO" },
  "PETO ODDS RATIO": { measure: "OR", method: "PETO" },
  RR: { measure: "RR" },
  "RISK RATIO": { measure: "RR" },
  RD: { measure: "RD" },
  "RISK DIFFERENCE": { measure: "RD" },
  MD: { measure: "MD" },
  "MEAN DIFFERENCE": { measure: "MD" },
  SMD: { measure: "SMD" },
  "STD. MEAN DIFFERENCE": { measure: "SMD" },
  "STANDARDIZED MEAN DIFFERENCE": { measure: "SMD" },
};

function outcomeSettings(o: Node, type: RevmanOutcomeType, where: string, locate: RevmanLocate): { method: Method; measure: Measure; measureLabel: string } {
  const label = attr(o, "EFFECT_MEASURE") ?? "";
  const methodAttr = (attr(o, "METHOD") ?? "IV").toUpperCase();
  if (type === "IV" || type === "IPD") {
    // Generic inverse variance and O-E data are pooled by inverse variance on the scale of the data (log for ratios).
    return { method: "IV", measure: "GEN", measureLabel: label };
  }
  const m = MEASURES[label.toUpperCase()];
  if (m === undefined) throw new InputError(`effect measure "${label}" is not one Decidua can compute from ${type === "DICH" ? "dichotomous" : "continuous"} data`, locate.at(o, "EFFECT_MEASURE", `${where} EFFECT_MEASURE`));
  const method: Method = m.method ?? (methodAttr === "MH" ? "MH" : methodAttr === "PETO" ? "PETO" : "IV");
  if (type === "CONT" && method !== "IV") throw new InputError(`method ${methodAttr} does not apply to continuous data`, locate.at(o, "METHOD", `${where} METHOD`));
  return { method, measure: m.measure, measureLabel: label };
}

/** How an outcome's data rows are read: ratio estimates on the log scale (LOG_DATA); whether events and non-events are swapped for the analysis (SWAP_EVENTS). */
interface DataReading {
  logData: boolean;
  swapEvents: boolean;
}

function dataRow(d: Node, type: RevmanOutcomeType, where: string, reading: DataReading, studies: RevmanReview["studies"], subgroup: string | undefined, locate: RevmanLocate): RevmanStudyRow {
  const { logData } = reading;
  const rawId = attr(d, "STUDY_ID") ?? "";
  const studyId = unescapeId(rawId);
  const known = studies.get(rawId) ?? studies.get(studyId);
  const study = known?.name ?? studyId.replace(/^STD-/, "");
  const at = (name: string): { row?: number; field: string } => locate.at(d, name, `${where} ${type}_DATA ${studyId} ${name}`);
  const need = (name: string): number => {
    const v = num(d, name);
    if (v === undefined) throw new InputError(`${locate.name(name)} is missing or not a number (${study})`, at(name));
    return v;
  };
  const count = (name: string, max?: { name: string; value: number }): number => {
    const v = need(name);
    if (!Number.isInteger(v) || v < 0) throw new InputError(`${locate.name(name)} must be a whole number of participants, not ${v} (${study})`, at(name));
    if (max !== undefined && v > max.value) throw new InputError(`${locate.name(name)} (${v}) is above ${locate.name(max.name)} (${max.value}) for ${study}`, at(name));
    return v;
  };
  const sd = (name: string): number => {
    const v = need(name);
    if (!(v >= 0)) throw new InputError(`${locate.name(name)} must not be negative (${study})`, at(name));
    return v;
  };
  let row: StudyRow;
  if (type === "DICH") {
    const total_t = count("TOTAL_1");
    const total_c = count("TOTAL_2");
    row = { study, data: { kind: "binary", events_t: count("EVENTS_1", { name: "TOTAL_1", value: total_t }), total_t, events_c: count("EVENTS_2", { name: "TOTAL_2", value: total_c }), total_c } };
  } else if (type === "CONT") {
    row = { study, data: { kind: "continuous", mean_t: need("MEAN_1"), sd_t: sd("SD_1"), total_t: count("TOTAL_1"), mean_c: need("MEAN_2"), sd_c: sd("SD_2"), total_c: count("TOTAL_2") } };
  } else if (type === "IV") {
    const est = need("EFFECT_SIZE");
    const se = need("SE");
    // Ratio estimates are entered on the log scale in RevMan unless LOG_DATA="NO" says they were entered as ratios.
    row = { study, data: { kind: "generic", yi: logData ? est : Math.log(est), vi: se * se } };
  } else {
    const oe = need("O_E");
    const v = need("VAR");
    if (!(v > 0)) throw new InputError(`${locate.name("VAR")} must be positive (${study})`, at("VAR"));
    // Peto's one-step estimate from O - E and its variance V: log effect (O - E) / V with variance 1 / V.
    row = { study, data: { kind: "generic", yi: oe / v, vi: 1 / v } };
  }
  if (known?.year !== undefined) row.year = known.year;
  if (subgroup !== undefined) row.subgroup = subgroup;
  return { studyId, study, ...(known?.year !== undefined ? { year: known.year } : {}), ...(subgroup !== undefined ? { subgroup } : {}), row, stored: storedOf(d) };
}

/** Reads a RevMan 5 review from its XML text; InputError names the file and the element when it is not one. */
export function parseRevman5(xml: string, file: string): RevmanReview {
  const r = revman5Root(xml, file, (name) => ARRAYS.has(name));

  const studies: RevmanReview["studies"] = new Map();
  const included = ((r["STUDIES_AND_REFERENCES"] as Node | undefined)?.["STUDIES"] as Node | undefined) ?? {};
  for (const group of ["INCLUDED_STUDIES", "EXCLUDED_STUDIES", "AWAITING_STUDIES", "ONGOING_STUDIES"]) {
    const g = included[group];
    if (typeof g !== "object" || g === null) continue;
    for (const s of children(g as Node, "STUDY")) {
      const id = attr(s, "ID");
      if (id === undefined) continue;
      const year = Number(attr(s, "YEAR"));
      const entry = { name: attr(s, "NAME") ?? unescapeId(id).replace(/^STD-/, ""), ...(Number.isInteger(year) && year > 0 ? { year } : {}) };
      studies.set(id, entry);
      studies.set(unescapeId(id), entry);
    }
  }

  const ad = r["ANALYSES_AND_DATA"];
  const analyses = typeof ad === "object" && ad !== null ? (ad as Node) : {};
  try {
    return { title: text((r["COVER_SHEET"] as Node | undefined) ?? {}, "TITLE"), revmanVersion: attr(r, "REVMAN_SUB_VERSION") ?? attr(r, "REVMAN_VERSION") ?? "", studies, outcomes: readOutcomes(analyses, studies) };
  } catch (e) {
    if (isInputError(e) && e.location.file === undefined) throw new InputError(e.reason, { ...e.location, file });
    throw e;
  }
}

/**
 * The outcomes of an ANALYSES_AND_DATA element (COMPARISON > {DICH,CONT,IV,IPD}_OUTCOME > [_SUBGROUP >] _DATA), with
 * the studies' names and years by STUDY_ID. Also reads the elements revman5-csv.ts builds from RevMan's CSV export.
 */
export function readOutcomes(analyses: Node, studies: RevmanReview["studies"], locate: RevmanLocate = AT_PATH): RevmanOutcome[] {
  const calculated = attr(analyses, "CALCULATED_DATA") === "YES";
  const outcomes: RevmanOutcome[] = [];
  for (const cmp of children(analyses, "COMPARISON")) {
    const comparison = text(cmp, "NAME");
    for (const type of ["DICH", "CONT", "IV", "IPD"] as const) {
      for (const o of children(cmp, `${type}_OUTCOME`)) {
        const id = attr(o, "ID") ?? `${attr(cmp, "ID") ?? "CMP"}.${attr(o, "NO") ?? "?"}`;
        const where = `${type}_OUTCOME ${id}`;
        const settings = outcomeSettings(o, type, where, locate);
        const reading: DataReading = { logData: attr(o, "LOG_DATA") !== "NO", swapEvents: type === "DICH" && attr(o, "SWAP_EVENTS") === "YES" };
        const rows: RevmanStudyRow[] = [];
        const subgroups: RevmanSubgroup[] = [];
        for (const d of children(o, `${type}_DATA`)) rows.push(dataRow(d, type, where, reading, studies, undefined, locate));
        for (const sg of children(o, `${type}_SUBGROUP`)) {
          const name = text(sg, "NAME") || `Subgroup ${attr(sg, "NO") ?? subgroups.length + 1}`;
          subgroups.push({ id: attr(sg, "ID") ?? `${id}.${attr(sg, "NO") ?? subgroups.length + 1}`, name, stored: pooledOf(sg) });
          for (const d of children(sg, `${type}_DATA`)) rows.push(dataRow(d, type, `${where} subgroup ${name}`, reading, studies, name, locate));
        }
        const stored = pooledOf(o);
        if (subgroups.length > 0) {
          const k = subgroups.length;
          if (stored.subgroupChi2 !== undefined) stored.subgroupDf = k - 1;
        }
        const level = num(o, "CI_STUDY") ?? 95;
        outcomes.push({
          id,
          comparison,
          name: text(o, "NAME"),
          type,
          method: settings.method,
          model: attr(o, "RANDOM") === "YES" ? "random" : "fixed",
          measure: settings.measure,
          measureLabel: settings.measureLabel,
          studyLevel: level,
          totalLevel: num(o, "CI_TOTAL") ?? level,
          groupLabels: [text(o, "GROUP_LABEL_1") || "Experimental", text(o, "GROUP_LABEL_2") || "Control"],
          graphLabels: [text(o, "GRAPH_LABEL_1") || "Favours experimental", text(o, "GRAPH_LABEL_2") || "Favours control"],
          studies: rows,
          subgroups,
          calculated: calculated && stored.effect !== undefined,
          swapEvents: reading.swapEvents,
          stored,
        });
      }
    }
  }
  return outcomes;
}

/** The text of an .rm5 file: RevMan writes ISO-8859-1 (declared in the XML header) or UTF-8. */
export function decodeRevman5(bytes: Uint8Array): string {
  const head = new TextDecoder("latin1").decode(bytes.subarray(0, 200));
  const enc = /encoding="([^"]+)"/i.exec(head)?.[1]?.toLowerCase();
  return new TextDecoder(enc === "iso-8859-1" || enc === "latin1" || enc === "windows-1252" ? "latin1" : "utf-8").decode(bytes);
}

/** The rows an outcome is analysed on: its studies' rows, with events and non-events swapped when the outcome says so. */
export function revmanAnalysisRows(o: RevmanOutcome): StudyRow[] {
  return o.studies.map(({ row }) =>
    o.swapEvents && row.data.kind === "binary" ? { ...row, data: { ...row.data, events_t: row.data.total_t - row.data.events_t, events_c: row.data.total_c - row.data.events_c } } : row,
  );
}

/** An outcome as --outcome (and the API's options.outcome) names it: "CMP-001.01" in a review, "1.2" in an export. */
export const RevmanOutcomeIdSchema = z.string().min(1);

/**
 * One outcome by id; InputError listing the outcomes the file holds when it has no such outcome. `option` is the
 * option choosing it as the caller names it (the API's options.outcome).
 */
export function revmanOutcome(review: RevmanReview, id: string | undefined, file: string, option = CLI_READ_OPTION_NAMES.outcome): RevmanOutcome {
  if (id === undefined && review.outcomes.length === 1) return revmanOutcome(review, review.outcomes[0]!.id, file, option);
  const list = review.outcomes.map((o) => `${o.id} (${o.name || o.comparison}, ${o.studies.length} studies)`).join("; ");
  if (id === undefined) throw new InputError(`a RevMan file holds several outcomes: choose one with ${option} (${list === "" ? "none found" : list})`, { file, field: option });
  const o = review.outcomes.find((x) => x.id === id);
  if (o === undefined) throw new InputError(`no outcome "${id}" in this review (it has: ${list === "" ? "none" : list})`, { file, field: option });
  if (o.studies.length === 0) throw new InputError(`outcome ${id} has no study data`, { file, field: option });
  return o;
}

/**
 * The engine options that reproduce RevMan 5 for an outcome from its stored settings (method, model, measure,
 * confidence level), with RevMan 5's computations (--preset revman5). Options given by the user win.
 */
export function revmanOptions(o: RevmanOutcome, given: MetaOptions): MetaOptions {
  return {
    preset: "revman5",
    measure: o.measure,
    method: o.method,
    model: o.model,
    ...(o.totalLevel !== 95 ? { level: o.totalLevel } : {}),
    ...(o.subgroups.length > 0 ? { subgroup: "subgroup" } : {}),
    ...given,
  };
}

/** One number RevMan stored beside the same number computed by Decidua. */
export interface RevmanCheck {
  /** e.g. "MRC-1 effect", "total Chi2". */
  quantity: string;
  revman: number;
  decidua: number;
  /**
   * |decidua - revman| / |revman|; where RevMan stored 0, which no relative difference can be taken of, the absolute
   * difference |decidua - revman| (`absolute`).
   */
  difference: number;
  absolute: boolean;
}

/**
 * Every result RevMan stored for the outcome beside Decidua's: per study the effect and its CI (as displayed) and
 * the weight; for the total (and each subgroup) the effect and CI, Chi², df, P of Chi², I², Tau², Z and P of Z; the
 * test for subgroup differences. Numbers RevMan did not store are left out.
 */
export function compareWithRevman(o: RevmanOutcome, result: MetaResult): RevmanCheck[] {
  const out: RevmanCheck[] = [];
  const ratio = result.pooled.transformed !== undefined;
  const show = (x: number | null | undefined): number | undefined => (x === null || x === undefined ? undefined : ratio ? Math.exp(x) : x);
  const add = (quantity: string, revman: number | undefined, decidua: number | undefined): void => {
    if (revman === undefined || decidua === undefined || !Number.isFinite(revman)) return;
    const diff = Math.abs(decidua - revman);
    out.push({ quantity, revman, decidua, difference: revman === 0 ? diff : diff / Math.abs(revman), absolute: revman === 0 });
  };
  o.studies.forEach((s, i) => {
    const r = result.studies[i];
    if (r === undefined || !r.included) return;
    add(`${s.study} effect`, s.stored.effect, show(r.yi));
    add(`${s.study} CI lower`, s.stored.ciLower, show(r.ci_lb));
    add(`${s.study} CI upper`, s.stored.ciUpper, show(r.ci_ub));
    add(`${s.study} weight %`, s.stored.weight, r.weight);
  });
  const pooled = (label: string, st: RevmanPooledStored, p: Pooled, h: MetaResult["heterogeneity"]): void => {
    add(`${label} effect`, st.effect, show(p.estimate));
    add(`${label} CI lower`, st.ciLower, show(p.ci_lb));
    add(`${label} CI upper`, st.ciUpper, show(p.ci_ub));
    add(`${label} Chi2`, st.chi2, h.QE);
    add(`${label} df`, st.df, h.QE_df);
    add(`${label} P (Chi2)`, st.pChi2, h.QE_pval);
    add(`${label} I2 %`, st.i2, h.I2);
    if (result.model === "random") add(`${label} Tau2`, st.tau2, h.tau2);
    add(`${label} Z`, st.z, Math.abs(p.zval));
    add(`${label} P (Z)`, st.pZ, p.pval);
  };
  pooled("total", o.stored, result.pooled, result.heterogeneity);
  for (const sg of o.subgroups) {
    const r = result.subgroups?.find((g) => g.name === sg.name);
    if (r !== undefined) pooled(sg.name, sg.stored, r.pooled, r.heterogeneity);
  }
  if (result.subgroup_test !== undefined) {
    add("subgroup differences Chi2", o.stored.subgroupChi2, result.subgroup_test.Q);
    add("subgroup differences P", o.stored.subgroupP, result.subgroup_test.pval);
    add("subgroup differences I2 %", o.stored.subgroupI2, result.subgroup_test.I2);
  }
  return out;
}
