/**
 * Whole-base checks beyond the schema (pure): unknown references, counts above totals, derived numbers without
 * their derivation, sources without any identifier, guideline positions without a verification mark, PRISMA
 * counts that do not add up. Whether a published estimate agrees with its own CI, Z and P is the audit's job
 * (src/evidence/audit), not this file's.
 */
import { THERAPY_IDS } from "../shared/therapies.js";
import type { EvidenceBase, EvidenceProblem, EvidenceTrial, EvidenceTrialOutcome } from "./schema.js";
import { EVIDENCE_FILES } from "./schema.js";
import { assessRob2, rob2InputOf, ROB2_DOMAINS } from "./rob2.js";
import { assessRobinsI, robinsInputOf, ROBINS_DOMAINS } from "./robins-i.js";
import { isInputError } from "../shared/errors.js";

const F = {
  sources: EVIDENCE_FILES.sources.file,
  therapies: EVIDENCE_FILES.therapies.file,
  guidelines: EVIDENCE_FILES.guidelines.file,
  trials: EVIDENCE_FILES.trials.file,
  metaAnalyses: EVIDENCE_FILES.metaAnalyses.file,
  prisma: EVIDENCE_FILES.prisma.file,
};

/**
 * Text that points into the project's development material instead of a publication a reader can look up: the
 * shared folder, its numbered source documents, the project's reference notes, or how a text was looked up.
 * Every citation and note in the base must name the public publication (authors, year, title, journal or web page).
 */
const DEVELOPMENT_MATERIAL: ReadonlyArray<{ pattern: RegExp; why: string }> = [
  { pattern: /(^|[^a-z])shared\/(sources|evidence|clinical)\b/i, why: "a path into the project's shared folder" },
  { pattern: /\bsources?\/\d{3}_|\b\d{3}_[0-9a-f]{8,}\b/i, why: "a project source file" },
  { pattern: /\bsource (document )?0\d\d\b/i, why: "a numbered project source document" },
  { pattern: /\bREFERENCE\.md\b|\bproject reference\b/i, why: "the project's reference notes" },
  { pattern: /\bsearch tool\b/i, why: "how a text was looked up, not where it was published" },
];

/** The first development-material reference in a text, with why it is refused; null when there is none. */
export function developmentMaterialReference(text: string): string | null {
  for (const d of DEVELOPMENT_MATERIAL) {
    const m = d.pattern.exec(text);
    if (m !== null) return `points into development material ("${m[0].replace(/^[^a-z0-9]/i, "")}": ${d.why}); cite the publication instead`;
  }
  return null;
}

/** Every string of an entry, with its dotted path. */
function* strings(value: unknown, path: string): Generator<[string, string]> {
  if (typeof value === "string") yield [path, value];
  else if (Array.isArray(value)) for (const [i, v] of value.entries()) yield* strings(v, path === "" ? String(i) : `${path}.${i}`);
  else if (typeof value === "object" && value !== null) for (const [k, v] of Object.entries(value)) yield* strings(v, path === "" ? k : `${path}.${k}`);
}

function checkCitations(file: string, entries: ReadonlyArray<{ id: string }>, out: EvidenceProblem[]): void {
  for (const e of entries) {
    for (const [field, text] of strings(e, "")) {
      const why = developmentMaterialReference(text);
      if (why !== null) out.push({ file, entry: e.id, field, message: why });
    }
  }
}

function duplicates(ids: string[]): string[] {
  const seen = new Set<string>();
  const dup = new Set<string>();
  for (const id of ids) {
    if (seen.has(id)) dup.add(id);
    seen.add(id);
  }
  return [...dup];
}

function checkOutcomeCounts(trial: EvidenceTrial, o: EvidenceTrialOutcome, out: EvidenceProblem[]): void {
  const entry = `${trial.id} / outcome ${o.id}`;
  const pairs: Array<["events_t" | "events_c", "total_t" | "total_c"]> = [
    ["events_t", "total_t"],
    ["events_c", "total_c"],
  ];
  for (const [e, t] of pairs) {
    const ev = o[e];
    const tot = o[t];
    if (ev !== null && tot !== null && ev > tot) out.push({ file: F.trials, entry, field: e, message: `${ev} events exceed the arm total ${tot}` });
    if (ev !== null && tot === null) out.push({ file: F.trials, entry, field: t, message: `events given (${ev}) without the arm total` });
  }
  const armT = trial.arms.find((a) => a.id === "treatment")?.randomised ?? null;
  const armC = trial.arms.find((a) => a.id === "control")?.randomised ?? null;
  if (o.analysis === "itt") {
    if (armT !== null && o.total_t !== null && o.total_t > armT)
      out.push({ file: F.trials, entry, field: "total_t", message: `ITT total ${o.total_t} exceeds the ${armT} randomised to treatment` });
    if (armC !== null && o.total_c !== null && o.total_c > armC)
      out.push({ file: F.trials, entry, field: "total_c", message: `ITT total ${o.total_c} exceeds the ${armC} randomised to control` });
  }
  const allNull = o.events_t === null && o.total_t === null && o.events_c === null && o.total_c === null;
  const anyNull = o.events_t === null || o.total_t === null || o.events_c === null || o.total_c === null;
  if (o.status === "derived" && (o.derivation === undefined || o.derivation.trim() === ""))
    out.push({ file: F.trials, entry, field: "derivation", message: "derived counts must say how they were derived" });
  if (o.status === "missing" && !allNull && o.missingNote === undefined)
    out.push({ file: F.trials, entry, field: "missingNote", message: "partly missing counts need a note saying which are missing" });
  if (o.status !== "missing" && anyNull)
    out.push({ file: F.trials, entry, field: "status", message: `status "${o.status}" but some counts are missing (use status "missing" with a missingNote)` });
}

interface StoredRob {
  outcome: string;
  judgements: Record<string, string>;
  overall: string;
}
interface Recomputed {
  domains: Record<string, { final: string; leaf: string | null }>;
  overall: { final: string };
}

/**
 * A trial's stored risk-of-bias assessment (`rob2` or `robinsI`) must be for one of its outcome rows, fit its design
 * (RoB 2 for randomised trials, ROBINS-I for non-randomised studies) and be what the tool's rules give for its
 * answers (after overrides).
 */
function checkStoredRob(trial: EvidenceTrial, field: "rob2" | "robinsI", r: StoredRob | undefined, domains: readonly string[], recompute: () => Recomputed, out: EvidenceProblem[]): void {
  if (r === undefined) return;
  const entry = `${trial.id} / ${field}`;
  const tool = field === "rob2" ? "RoB 2" : "ROBINS-I";
  const wrong = field === "rob2" ? trial.design.randomised === false : trial.design.randomised === true;
  if (wrong)
    out.push({ file: F.trials, entry, field, message: `${tool} is for ${field === "rob2" ? "randomised trials" : "non-randomised studies"}, but design.randomised is ${String(trial.design.randomised)} (use ${field === "rob2" ? "robinsI" : "rob2"})` });
  if (!trial.outcomes.some((o) => o.id === r.outcome)) out.push({ file: F.trials, entry, field: `${field}.outcome`, message: `trial has no outcome "${r.outcome}"` });
  try {
    const a = recompute();
    for (const d of domains) {
      const got = a.domains[d];
      if (got !== undefined && got.final !== r.judgements[d])
        out.push({ file: F.trials, entry, field: `${field}.judgements.${d}`, message: `stored "${r.judgements[d]}" but the answers give "${got.final}"${got.leaf !== null ? ` (leaf ${got.leaf})` : ""}` });
    }
    if (a.overall.final !== r.overall) out.push({ file: F.trials, entry, field: `${field}.overall`, message: `stored "${r.overall}" but the domain judgements give "${a.overall.final}"` });
  } catch (e) {
    if (!isInputError(e)) throw e;
    out.push({ file: F.trials, entry, field: `${field}.${e.location.field ?? "answers"}`, message: e.reason });
  }
}

function checkTrialRob(trial: EvidenceTrial, out: EvidenceProblem[]): void {
  const r2 = trial.rob2;
  checkStoredRob(trial, "rob2", r2, ROB2_DOMAINS, () => assessRob2(rob2InputOf(trial.label, r2!)), out);
  const ri = trial.robinsI;
  checkStoredRob(trial, "robinsI", ri, ROBINS_DOMAINS, () => assessRobinsI(robinsInputOf(trial.label, ri!)), out);
  if (r2 !== undefined && ri !== undefined) out.push({ file: F.trials, entry: `${trial.id} / robinsI`, field: "robinsI", message: "a study carries one risk-of-bias tool: rob2 (randomised) or robinsI (non-randomised), not both" });
}

/** Every cross-file problem in the base (empty when the base is consistent); `invalidIds` are ids of entries that failed their schema. */
export function validateEvidenceBase(base: EvidenceBase, invalidIds: ReadonlySet<string> = new Set()): EvidenceProblem[] {
  const out: EvidenceProblem[] = [];
  // Entries that failed their schema were reported already; references to them are not reported again.
  const sourceIds = new Set([...base.sources.map((s) => s.id), ...invalidIds]);
  const trialById = new Map(base.trials.map((t) => [t.id, t]));
  const maIds = new Set([...base.metaAnalyses.map((m) => m.id), ...invalidIds]);

  const refSource = (file: string, entry: string, field: string, id: string): void => {
    if (!sourceIds.has(id)) out.push({ file, entry, field, message: `unknown source "${id}" (not in ${F.sources})` });
  };

  for (const [key, ids] of [
    ["sources", base.sources.map((s) => s.id)],
    ["therapies", base.therapies.map((s) => s.id)],
    ["guidelines", base.guidelines.map((s) => s.id)],
    ["trials", base.trials.map((s) => s.id)],
    ["metaAnalyses", base.metaAnalyses.map((s) => s.id)],
    ["prisma", base.prisma.map((s) => s.id)],
  ] as const) {
    for (const d of duplicates(ids)) out.push({ file: F[key], entry: d, field: "id", message: "duplicate id" });
  }

  checkCitations(F.sources, base.sources, out);
  checkCitations(F.therapies, base.therapies, out);
  checkCitations(F.guidelines, base.guidelines, out);
  checkCitations(F.trials, base.trials, out);
  checkCitations(F.metaAnalyses, base.metaAnalyses, out);
  checkCitations(F.prisma, base.prisma, out);

  for (const s of base.sources) {
    if (s.pmid === undefined && s.doi === undefined && s.pmcid === undefined && s.url === undefined && (s.noIdentifierReason ?? "").trim() === "")
      out.push({ file: F.sources, entry: s.id, field: "pmid", message: "no PMID, DOI, PMCID or URL, and no noIdentifierReason saying why the citation alone must do" });
  }

  for (const id of THERAPY_IDS) {
    if (!base.therapies.some((t) => t.id === id) && !invalidIds.has(id)) out.push({ file: F.therapies, entry: id, message: "therapy missing from the base" });
  }
  for (const t of base.therapies) {
    const lists = { mechanism: t.mechanism, safety: t.safety, contraindications: t.contraindications, monitoring: t.monitoring, coInterventions: t.coInterventions };
    for (const [field, items] of Object.entries(lists)) items.forEach((it, i) => refSource(F.therapies, t.id, `${field}.${i}.source`, it.source));
    t.regimens.forEach((r, i) => {
      refSource(F.therapies, t.id, `regimens.${i}.source`, r.source);
      if (r.status === "derived" && (r.derivation ?? "").trim() === "")
        out.push({ file: F.therapies, entry: `${t.id} / regimen ${r.id}`, field: "derivation", message: "derived regimen must say how it was derived" });
    });
  }

  for (const g of base.guidelines) {
    refSource(F.guidelines, g.id, "source", g.source);
    if (g.verified && (g.verification ?? "").trim() === "")
      out.push({ file: F.guidelines, entry: g.id, field: "verification", message: "verified position must say where its wording was read" });
    if (g.verified && (g.location ?? "").trim() === "")
      out.push({ file: F.guidelines, entry: g.id, field: "location", message: "verified position must say where in the guideline it is stated (section, recommendation, table or page)" });
    if (!g.verified && (g.unverifiedNote ?? "").trim() === "")
      out.push({ file: F.guidelines, entry: g.id, field: "unverifiedNote", message: "position not verified: say what is unverified" });
  }

  for (const t of base.trials) {
    refSource(F.trials, t.id, "source", t.source);
    if (t.rob !== null) refSource(F.trials, t.id, "rob.source", t.rob.source);
    if (t.rob2 !== undefined) refSource(F.trials, t.id, "rob2.source", t.rob2.source);
    if (t.robinsI !== undefined) refSource(F.trials, t.id, "robinsI.source", t.robinsI.source);
    checkTrialRob(t, out);
    for (const d of duplicates(t.outcomes.map((o) => o.id))) out.push({ file: F.trials, entry: t.id, field: "outcomes", message: `duplicate outcome id "${d}"` });
    t.outcomes.forEach((o, i) => {
      refSource(F.trials, `${t.id} / outcome ${o.id}`, `outcomes.${i}.source`, o.source);
      checkOutcomeCounts(t, o, out);
    });
    if (!t.found && t.outcomes.some((o) => o.status !== "missing"))
      out.push({ file: F.trials, entry: t.id, field: "found", message: "publication marked not found but outcomes have numbers" });
  }

  for (const m of base.metaAnalyses) {
    refSource(F.metaAnalyses, m.id, "source", m.source);
    if (m.robSummary !== undefined) refSource(F.metaAnalyses, m.id, "robSummary.source", m.robSummary.source);
    for (const d of duplicates(m.results.map((r) => r.id))) out.push({ file: F.metaAnalyses, entry: m.id, field: "results", message: `duplicate result id "${d}"` });
    m.results.forEach((r, i) => {
      const entry = `${m.id} / result ${r.id}`;
      if (r.ci_low > r.ci_high) out.push({ file: F.metaAnalyses, entry, field: "ci_low", message: `lower limit ${r.ci_low} above upper limit ${r.ci_high}` });
      if ((r.measure === "OR" || r.measure === "RR" || r.measure === "PetoOR") && (r.estimate <= 0 || r.ci_low <= 0))
        out.push({ file: F.metaAnalyses, entry, field: "estimate", message: `a ratio (${r.measure}) must be positive` });
      if (r.counts !== undefined) {
        if (r.counts.events_t > r.counts.total_t) out.push({ file: F.metaAnalyses, entry, field: "counts.events_t", message: `${r.counts.events_t} events exceed total ${r.counts.total_t}` });
        if (r.counts.events_c > r.counts.total_c) out.push({ file: F.metaAnalyses, entry, field: "counts.events_c", message: `${r.counts.events_c} events exceed total ${r.counts.total_c}` });
      }
      if (r.participants_t !== null && r.participants_c !== null && r.participants !== null && r.participants_t + r.participants_c !== r.participants)
        out.push({
          file: F.metaAnalyses,
          entry,
          field: "participants",
          message: `arm sizes ${r.participants_t} + ${r.participants_c} do not add up to ${r.participants}`,
        });
      if (r.trials !== null) {
        r.trials.forEach((it, j) => {
          const trial = trialById.get(it.trial);
          if (trial === undefined && invalidIds.has(it.trial)) return;
          if (trial === undefined) {
            out.push({ file: F.metaAnalyses, entry, field: `results.${i}.trials.${j}.trial`, message: `unknown trial "${it.trial}" (not in ${F.trials})` });
            return;
          }
          if (it.outcome !== null && !trial.outcomes.some((o) => o.id === it.outcome))
            out.push({ file: F.metaAnalyses, entry, field: `results.${i}.trials.${j}.outcome`, message: `trial "${it.trial}" has no outcome "${it.outcome}"` });
          if (trial.therapy !== m.therapy)
            out.push({ file: F.metaAnalyses, entry, field: `results.${i}.trials.${j}.trial`, message: `trial "${it.trial}" is about ${trial.therapy}, the review about ${m.therapy}` });
        });
        if (r.k !== null && r.trials.length > 0 && r.trials.length !== r.k && (r.note ?? "").trim() === "")
          out.push({ file: F.metaAnalyses, entry, field: "trials", message: `k = ${r.k} but ${r.trials.length} trials listed, and no note explains it` });
      }
    });
  }

  for (const p of base.prisma) {
    refSource(F.prisma, p.id, "source", p.source);
    if (!maIds.has(p.metaAnalysis)) out.push({ file: F.prisma, entry: p.id, field: "metaAnalysis", message: `unknown meta-analysis "${p.metaAnalysis}"` });
    const pairs: Array<[number | null, number | null, string, string]> = [
      [p.excludedScreening, p.identified, "excludedScreening", "identified"],
      [p.fullTextAssessed, p.identified, "fullTextAssessed", "identified"],
      [p.excludedFullText, p.fullTextAssessed, "excludedFullText", "fullTextAssessed"],
      [p.included, p.fullTextAssessed, "included", "fullTextAssessed"],
    ];
    for (const [part, whole, fp, fw] of pairs) {
      if (part !== null && whole !== null && part > whole) out.push({ file: F.prisma, entry: p.id, field: fp, message: `${fp} (${part}) exceeds ${fw} (${whole})` });
    }
    const screened = p.screened ?? (p.identified !== null ? p.identified - (p.duplicatesRemoved ?? 0) : null);
    if (screened !== null && p.excludedScreening !== null && p.fullTextAssessed !== null && screened - p.excludedScreening !== p.fullTextAssessed)
      out.push({ file: F.prisma, entry: p.id, field: "fullTextAssessed", message: `${screened} screened - ${p.excludedScreening} excluded = ${screened - p.excludedScreening}, not ${p.fullTextAssessed}` });
    if (p.fullTextAssessed !== null && p.excludedFullText !== null && p.included !== null && p.fullTextAssessed - p.excludedFullText !== p.included)
      out.push({ file: F.prisma, entry: p.id, field: "included", message: `${p.fullTextAssessed} - ${p.excludedFullText} = ${p.fullTextAssessed - p.excludedFullText}, not ${p.included}` });
  }
  return out;
}
