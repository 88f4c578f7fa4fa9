/**
 * Reproduction of published meta-analyses from the study-level data in the base (pure): for every published
 * result whose trials are mapped to outcome rows, pool the rows with Decidua's engine (src/stats/meta.ts) using
 * the review's measure and model, and list what differs (trials we could not include and why, analysis sets
 * other than ITT, derived counts, method/model not stated). Results that print pooled event counts are also
 * recomputed from those counts (a crude, single-table estimate).
 *
 * For IVIG and live birth, `ivigLiveBirthComparison` puts side by side Gao 2025's OR 2.24, the Cochrane
 * review's Peto OR 0.98 (8 trials), the individual-participant RR 1.02 and our own pooled estimates.
 */
import { metaAnalysis } from "../stats/meta.js";
import type { MetaOptions, MetaResult, StudyRow } from "../stats/types.js";
import type { EvidenceBase, EvidenceTrial, EvidenceTrialOutcome, MetaAnalysis, PublishedResult } from "./schema.js";
import { completeCounts, placeboRctRows, type CompletePairCounts } from "./select.js";

export interface ReproducedRow {
  trial: string;
  label: string;
  outcome: string;
  definition: string;
  analysis: string;
  status: string;
  derivation: string | null;
  counts: CompletePairCounts;
}

export interface ReproductionExclusion {
  trial: string;
  label: string;
  reason: string;
}

export interface PooledSummary {
  measure: "OR" | "RR";
  method: "MH" | "IV" | "PETO";
  model: "fixed" | "random";
  estimate: number;
  ci_low: number;
  ci_high: number;
  pval: number;
  zval: number;
  k: number;
  participants: number;
  I2: number;
  tau2: number;
}

export interface Reproduction {
  metaAnalysis: string;
  result: string;
  label: string;
  kind: "study-level" | "pooled-counts";
  outcome: string;
  subgroup: string | null;
  published: {
    measure: PublishedResult["measure"];
    estimate: number;
    ci_low: number;
    ci_high: number;
    k: number | null;
    participants: number | null;
    method: string | null;
    model: "fixed" | "random" | null;
    I2: number | null;
  };
  /** Null when no row had counts. */
  ours: PooledSummary | null;
  /** How we pooled, in words. */
  settings: string;
  included: ReproducedRow[];
  excluded: ReproductionExclusion[];
  differences: string[];
}

function summarise(res: MetaResult, rows: StudyRow[]): PooledSummary {
  const t = res.pooled.transformed;
  const participants = rows.reduce((s, r) => s + (r.data.kind === "binary" ? r.data.total_t + r.data.total_c : 0), 0);
  return {
    measure: res.measure === "RR" ? "RR" : "OR",
    method: res.method,
    model: res.model,
    estimate: t?.estimate ?? Math.exp(res.pooled.estimate),
    ci_low: t?.ci_lb ?? Math.exp(res.pooled.ci_lb),
    ci_high: t?.ci_ub ?? Math.exp(res.pooled.ci_ub),
    pval: res.pooled.pval,
    zval: res.pooled.zval,
    k: res.k,
    participants,
    I2: res.heterogeneity.I2,
    tau2: res.heterogeneity.tau2,
  };
}

function studyRow(label: string, c: CompletePairCounts): StudyRow {
  return { study: label, data: { kind: "binary", events_t: c.events_t, total_t: c.total_t, events_c: c.events_c, total_c: c.total_c } };
}

/** Engine options matching a published result: its measure and model; MH (RevMan's default) when the method is not stated. */
export function engineOptionsFor(r: Pick<PublishedResult, "measure" | "method" | "model">): { options: MetaOptions; text: string; notes: string[] } | null {
  const notes: string[] = [];
  if (r.measure !== "OR" && r.measure !== "RR" && r.measure !== "PetoOR") return null;
  const model = r.model ?? "random";
  if (r.model === null) notes.push("the review does not state fixed or random effects; we used random effects (REML)");
  if (r.measure === "PetoOR") return { options: { measure: "OR", method: "PETO", model: "fixed" }, text: "Peto odds ratio, fixed effect (as published)", notes };
  const method = r.method === null ? "MH" : /peto/i.test(r.method) ? "PETO" : /inverse/i.test(r.method) ? "IV" : "MH";
  if (r.method === null) notes.push("the review does not state the pooling method; we used Mantel-Haenszel, RevMan's default for dichotomous data");
  if (method === "PETO") return { options: { measure: "OR", method: "PETO", model: "fixed" }, text: "Peto odds ratio, fixed effect", notes };
  if (model === "random") {
    // RevMan 5 pools MH weights only for fixed effect; its random-effects model is DerSimonian-Laird on IV weights.
    return { options: { measure: r.measure, method: "IV", model: "random", tau2: "DL" }, text: `${r.measure}, inverse variance, random effects (DerSimonian-Laird, as RevMan 5)`, notes };
  }
  return { options: { measure: r.measure, method: "MH", model: "fixed", preset: "revman5" }, text: `${r.measure}, Mantel-Haenszel, fixed effect (RevMan 5 settings)`, notes };
}

function rowFor(t: EvidenceTrial, o: EvidenceTrialOutcome, c: CompletePairCounts): ReproducedRow {
  return { trial: t.id, label: t.label, outcome: o.id, definition: o.definition, analysis: o.analysis, status: o.status, derivation: o.derivation ?? null, counts: c };
}

function exclusionReason(t: EvidenceTrial, o: EvidenceTrialOutcome | null, note: string | undefined): string {
  const parts: string[] = [];
  if (!t.found) parts.push("publication not found or not retrieved");
  if (t.design.randomised === false) parts.push(`non-randomised${t.design.control === "no-treatment" ? ", untreated control (not placebo)" : ""}`);
  if (t.found && o === null) parts.push("no outcome row for this analysis");
  else if (t.found && o !== null && completeCounts(o) === null) parts.push(o.missingNote ?? "counts missing");
  if (note !== undefined) parts.push(note);
  return [...new Set(parts)].join("; ");
}

function publishedOf(r: PublishedResult): Reproduction["published"] {
  return { measure: r.measure, estimate: r.estimate, ci_low: r.ci_low, ci_high: r.ci_high, k: r.k, participants: r.participants, method: r.method, model: r.model, I2: r.I2 };
}

function differencesFor(r: PublishedResult, included: ReproducedRow[], excluded: ReproductionExclusion[], ours: PooledSummary | null, notes: string[]): string[] {
  const d: string[] = [...notes];
  if (excluded.length > 0) d.push(`${excluded.length} of the review's trials could not be included: ${excluded.map((e) => `${e.label} (${e.reason})`).join("; ")}`);
  const nonItt = included.filter((x) => x.analysis !== "itt");
  if (nonItt.length > 0) d.push(`not intention-to-treat: ${nonItt.map((x) => `${x.label} (${x.analysis})`).join(", ")}`);
  const derived = included.filter((x) => x.status === "derived");
  if (derived.length > 0) d.push(`counts derived by us from percentages or arm sizes: ${derived.map((x) => `${x.label} (${x.derivation ?? ""})`).join("; ")}`);
  const defs = new Set(included.map((x) => x.definition));
  if (defs.size > 1) d.push(`outcome definitions differ between trials: ${[...defs].join(" / ")}`);
  if (ours !== null) {
    if (r.k !== null && ours.k !== r.k) d.push(`k: the review pooled ${r.k} studies, we pooled ${ours.k}`);
    if (r.participants !== null && ours.participants !== r.participants) d.push(`participants: the review reports ${r.participants}, our rows hold ${ours.participants}`);
    const agrees = Math.abs(Math.log(ours.estimate) - Math.log(r.estimate)) < 0.01;
    d.push(agrees ? "our estimate matches the published one to about 1%" : `estimates differ: published ${r.estimate}, ours ${ours.estimate.toFixed(2)} (${ours.ci_low.toFixed(2)} to ${ours.ci_high.toFixed(2)})`);
  }
  return d;
}

function reproduceStudyLevel(base: EvidenceBase, m: MetaAnalysis, r: PublishedResult): Reproduction | null {
  if (r.trials === null || r.trials.length === 0) return null;
  const eng = engineOptionsFor(r);
  if (eng === null) return null;
  const included: ReproducedRow[] = [];
  const excluded: ReproductionExclusion[] = [];
  for (const it of r.trials) {
    const t = base.trials.find((x) => x.id === it.trial);
    if (t === undefined) {
      excluded.push({ trial: it.trial, label: it.trial, reason: "trial not in the base" });
      continue;
    }
    const o = it.outcome === null ? null : (t.outcomes.find((x) => x.id === it.outcome) ?? null);
    const c = o === null ? null : completeCounts(o);
    if (o !== null && c !== null) included.push(rowFor(t, o, c));
    else excluded.push({ trial: t.id, label: t.label, reason: exclusionReason(t, o, it.note) });
  }
  let ours: PooledSummary | null = null;
  if (included.length > 0) {
    const rows = included.map((x) => studyRow(x.label, x.counts));
    ours = summarise(metaAnalysis(rows, eng.options), rows);
  }
  return { ...resultHeader(m, r, "study-level"), ours, settings: eng.text, included, excluded, differences: differencesFor(r, included, excluded, ours, eng.notes) };
}

/** What names a reproduction: the published result it recomputes, and how (study-level or pooled counts). */
function resultHeader(m: MetaAnalysis, r: PublishedResult, kind: Reproduction["kind"]): Pick<Reproduction, "metaAnalysis" | "result" | "label" | "kind" | "outcome" | "subgroup" | "published"> {
  return { metaAnalysis: m.id, result: r.id, label: `${m.label}: ${r.outcomeDefinition}`, kind, outcome: r.outcome, subgroup: r.subgroup ?? null, published: publishedOf(r) };
}

function reproducePooledCounts(m: MetaAnalysis, r: PublishedResult): Reproduction | null {
  if (r.counts === undefined) return null;
  const eng = engineOptionsFor({ measure: r.measure, method: null, model: "fixed" });
  if (eng === null) return null;
  const rows = [studyRow("pooled counts as printed", r.counts)];
  const ours = summarise(metaAnalysis(rows, { measure: r.measure === "RR" ? "RR" : "OR", method: "IV", model: "fixed" }), rows);
  const d = [
    "crude estimate from the pooled event counts the review prints (one 2x2 table), not a stratified pooled estimate: differences from the published value reflect the pooling across trials",
  ];
  if (r.k !== null && r.k > 1) d.push(`the review pooled ${r.k} studies`);
  const agrees = Math.abs(Math.log(ours.estimate) - Math.log(r.estimate)) < 0.05;
  d.push(agrees ? "crude and published estimates agree to about 5%" : `crude ${ours.estimate.toFixed(2)} vs published ${r.estimate}`);
  return { ...resultHeader(m, r, "pooled-counts"), ours, settings: `${r.measure === "RR" ? "RR" : "OR"} of the printed pooled counts (single table, Woolf/log CI)`, included: [], excluded: [], differences: d };
}

/** Every reproduction the base allows. */
export function reproduceAll(base: EvidenceBase): Reproduction[] {
  const out: Reproduction[] = [];
  for (const m of base.metaAnalyses) {
    for (const r of m.results) {
      const s = reproduceStudyLevel(base, m, r);
      if (s !== null) out.push(s);
      const c = reproducePooledCounts(m, r);
      if (c !== null) out.push(c);
    }
  }
  return out;
}

export interface ComparisonEntry {
  label: string;
  who: "published" | "decidua";
  measure: "OR" | "RR" | "PetoOR";
  method: string;
  estimate: number;
  ci_low: number;
  ci_high: number;
  k: number | null;
  participants: number | null;
  designs: string;
  source: string | null;
  note: string;
}

export interface IvigLiveBirthComparison {
  entries: ComparisonEntry[];
  /** Trials in our own analyses, with the row used. */
  included: ReproducedRow[];
  /** Trials we could not include, and why. */
  excluded: ReproductionExclusion[];
  explanation: string[];
}

function publishedEntry(base: EvidenceBase, maId: string, resultId: string, note: string): ComparisonEntry | null {
  const m = base.metaAnalyses.find((x) => x.id === maId);
  const r = m?.results.find((x) => x.id === resultId);
  if (m === undefined || r === undefined || (r.measure !== "OR" && r.measure !== "RR" && r.measure !== "PetoOR")) return null;
  return {
    label: m.label,
    who: "published",
    measure: r.measure,
    method: [r.method ?? "method not stated", r.model ?? "model not stated"].join(", "),
    estimate: r.estimate,
    ci_low: r.ci_low,
    ci_high: r.ci_high,
    k: r.k,
    participants: r.participants,
    designs: m.designsIncluded,
    source: m.source,
    note,
  };
}

function oursEntry(label: string, rows: ReproducedRow[], options: MetaOptions, method: string, designs: string, note: string): ComparisonEntry | null {
  if (rows.length === 0) return null;
  const srows = rows.map((x) => studyRow(x.label, x.counts));
  const s = summarise(metaAnalysis(srows, options), srows);
  return {
    label,
    who: "decidua",
    measure: options.method === "PETO" ? "PetoOR" : s.measure,
    method,
    estimate: s.estimate,
    ci_low: s.ci_low,
    ci_high: s.ci_high,
    k: s.k,
    participants: s.participants,
    designs,
    source: null,
    note,
  };
}

/** Gao 2025's OR 2.24, Cochrane's Peto OR 0.98, the IPD RR 1.02 and ours, side by side (never averaged). */
export function ivigLiveBirthComparison(base: EvidenceBase): IvigLiveBirthComparison {
  const gao = base.metaAnalyses.find((m) => m.id === "gao-2025")?.results.find((r) => r.id === "live-birth");
  const gaoRepro = gao !== undefined ? reproduceStudyLevel(base, base.metaAnalyses.find((m) => m.id === "gao-2025") as MetaAnalysis, gao) : null;
  const gaoRows = gaoRepro?.included ?? [];
  const rcts = placeboRctRows(base, "ivig").map((x) => rowFor(x.trial, x.outcome, x.counts));
  const entries: Array<ComparisonEntry | null> = [
    publishedEntry(base, "gao-2025", "live-birth", "includes a non-randomised study with untreated controls (Jafarzadeh 2019), a retrospective review in implantation failure (Peero 2024) and two reports we could not identify"),
    publishedEntry(base, "cochrane-2014-ivig", "live-birth", "randomised placebo-controlled trials only"),
    publishedEntry(base, "eshre-2024-ipd", "live-birth-itt", "individual participant data, intention to treat"),
    oursEntry(
      "Decidua: Gao 2025's trials that have counts in the base",
      gaoRows,
      { measure: "OR", method: "MH", model: "fixed", preset: "revman5" },
      "Mantel-Haenszel OR, fixed effect (RevMan 5 settings, as Gao 2025 states FE)",
      "the randomised trials of Gao 2025's list with counts",
      `${gaoRows.length} of 11 trials; rows as Gao 2025's Table 1 sizes suggest (e.g. Coulam 1995 conceivers only)`,
    ),
    oursEntry(
      "Decidua: all placebo-controlled RCTs with counts in the base (Peto, as Cochrane)",
      rcts,
      { measure: "OR", method: "PETO", model: "fixed" },
      "Peto OR, fixed effect",
      "randomised placebo-controlled trials; live birth or the nearest outcome each trial reports",
      `${rcts.length} trials; ITT rows where available`,
    ),
    oursEntry(
      "Decidua: all placebo-controlled RCTs with counts in the base (RR, random effects)",
      rcts,
      { measure: "RR", method: "IV", model: "random", tau2: "REML" },
      "RR, inverse variance, random effects (REML)",
      "randomised placebo-controlled trials",
      "the same rows, on the IPD analysis's scale (RR)",
    ),
  ];
  const excluded = gaoRepro?.excluded ?? [];
  const explanation = [
    "Gao 2025 pools 11 studies to OR 2.24 with a fixed-effect model; its list includes Jafarzadeh 2019 (non-randomised, untreated control) and Peero 2024 (by its title a retrospective review in recurrent implantation failure), although the review states it included placebo-controlled RCTs only.",
    "The Cochrane review (8 placebo-controlled RCTs, Peto OR 0.98) and the individual-participant-data analysis (10 RCTs, ITT RR 1.02) find no effect on live birth.",
    `We could include ${gaoRows.length} of Gao 2025's 11 trials; not included: ${excluded.map((e) => `${e.label} (${e.reason})`).join("; ")}.`,
    "Our all-RCT analyses add German RSA/IVIG 1994, Perino 1997 and Yamada 2022 (ongoing pregnancy at 22 weeks, as its live-birth counts are not in the base); outcome definitions therefore differ between trials (live birth, 'success', term delivery, ongoing pregnancy).",
    "Coulam 1995 enters Gao 2025's analysis with 61 women (those who conceived), our all-RCT analysis with the 95 randomised (ITT, derived denominators); Stephenson 2010 counts only women with an index pregnancy in both.",
    "These results are shown side by side, not averaged: they answer different questions (different trials, designs and analysis sets).",
  ];
  return { entries: entries.filter((e): e is ComparisonEntry => e !== null), included: gaoRows, excluded, explanation };
}
