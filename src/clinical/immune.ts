/**
 * Immune findings: every marker of the immune panel read against the clinic's cut-off, with the cut-off's source,
 * and marked research-grade where ESHRE/RCOG advise against testing it. A marker that was not measured is
 * reported as "missing"; a marker without a validated cut-off is "no-cut-off" unless the laboratory flagged it.
 */
import { CUT_OFF_IMMUNE_MARKERS, exceeds, type ClinicConfig, type CutOff } from "./config.js";
import type { Measured, PatientRecord } from "./record.js";
import { CITATIONS, GUIDELINE_POSITIONS, type Citation } from "./sources.js";

/** Every immune marker the record holds and the findings name (the trial module's eligibility rules use the same list). */
export const IMMUNE_MARKER_IDS = [...CUT_OFF_IMMUNE_MARKERS, "antiPaternalAntibodies", "ifnGamma", "tnfAlpha", "il4", "il10", "tgfBeta"] as const;
export type ImmuneMarkerId = (typeof IMMUNE_MARKER_IDS)[number];

export type FindingStatus = "abnormal" | "normal" | "missing" | "no-cut-off";

export interface ImmuneFinding {
  marker: ImmuneMarkerId;
  label: string;
  status: FindingStatus;
  /** Human reading, e.g. "uterine NK 9.5% ≥ 5% (Quenby 2005)". */
  reading: string;
  value: number | string | null;
  unit: string | null;
  date?: string;
  cutOff: { comparator: ">" | ">=" | "present" | "absent" | "lab flag"; value: number | string; unit: string } | null;
  source: Citation | null;
  /** ESHRE/RCOG advise against testing this marker outside research. */
  researchGrade: boolean;
  guidelineNote?: string;
  /** Value and unit as written before conversion. */
  original?: { value: number; unit: string };
  /** Why a measured value is not read against its cut-off (a biopsy outside its window): the step to take. */
  notValid?: string;
}

/**
 * The mid-luteal window of an endometrial biopsy for uterine NK cells: LH+7–9 or cycle day 21 (Quenby 2005, as
 * REFERENCE §3 gives it), taken as cycle days 19–25 to allow for cycle length (a Decidua rule).
 */
export const UTERINE_NK_CYCLE_DAYS = { from: 19, to: 25 } as const;

const MARKER_LABELS: Record<ImmuneMarkerId, string> = {
  peripheralNk: "Peripheral NK cells (% of lymphocytes)",
  nkCytotoxicity: "NK cytotoxicity (E:T 25:1)",
  uterineNk: "Uterine NK cells (% of stromal cells)",
  th1Th2Ratio: "Th1/Th2 ratio (CD4+IFN-γ+/CD4+IL-4+)",
  tnfIl10Ratio: "TNF-α/IL-10 ratio (intracellular)",
  il33: "IL-33",
  sst2: "sST2",
  ana: "Antinuclear antibodies (ANA)",
  antiPaternalAntibodies: "Anti-paternal cytotoxic antibodies / WBC cross-match",
  ifnGamma: "IFN-γ",
  tnfAlpha: "TNF-α",
  il4: "IL-4",
  il10: "IL-10",
  tgfBeta: "TGF-β",
};

const nkNote = `${GUIDELINE_POSITIONS.eshreNkTesting.statement} (ESHRE 2017). ${GUIDELINE_POSITIONS.rcogImmuneScreening.statement} (RCOG 2023)`;
const cytokineNote = `${GUIDELINE_POSITIONS.eshreCytokineTesting.statement} (ESHRE 2017). ${GUIDELINE_POSITIONS.rcogImmuneScreening.statement} (RCOG 2023)`;

function fmt(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Math.round(n * 100) / 100);
}

function against(marker: ImmuneMarkerId, m: Measured | undefined, c: CutOff | null, researchGrade: boolean, note?: string): ImmuneFinding {
  // Built field by field (no object spread): this runs ~10 times per assessment and spreads of varying shapes are slow.
  const label = MARKER_LABELS[marker];
  const f: ImmuneFinding = {
    marker,
    label,
    status: "missing",
    reading: `${label}: not measured`,
    value: null,
    unit: null,
    cutOff: c === null ? null : { comparator: c.comparator, value: c.value, unit: c.unit },
    source: c === null ? null : c.source,
    researchGrade,
  };
  if (note !== undefined) f.guidelineNote = note;
  if (m === undefined) return f;
  if (m.date !== undefined) f.date = m.date;
  if (m.original !== undefined) f.original = m.original;
  f.value = m.value;
  f.unit = m.unit;
  const unitText = m.unit === "ratio" ? "" : m.unit === "%" ? "%" : ` ${m.unit}`;
  if (c === null) {
    f.status = "no-cut-off";
    f.reading = `${label} ${fmt(m.value)}${unitText}: no validated cut-off`;
    return f;
  }
  const high = exceeds(m.value, c);
  const cmp = high ? (c.comparator === ">" ? ">" : "≥") : c.comparator === ">" ? "≤" : "<";
  const cUnit = c.unit === "ratio" ? "" : c.unit === "%" ? "%" : ` ${c.unit}`;
  f.status = high ? "abnormal" : "normal";
  f.reading = `${label} ${fmt(m.value)}${unitText} ${cmp} ${fmt(c.value)}${cUnit} (${c.source.label})`;
  return f;
}

/** IL-33 / sST2 and single cytokines: no validated cut-off; a laboratory flag, when given, is reported as such. */
function flaggedMarker(marker: ImmuneMarkerId, m: (Measured & { labFlag?: "elevated" | "normal" | "low" }) | undefined, c: CutOff | null, note: string): ImmuneFinding {
  if (m === undefined || c !== null || m.labFlag === undefined) return against(marker, m, c, true, note);
  const label = MARKER_LABELS[marker];
  const f: ImmuneFinding = {
    marker,
    label,
    status: m.labFlag === "elevated" ? "abnormal" : "normal",
    reading: `${label} ${fmt(m.value)} ${m.unit}: ${m.labFlag} by the laboratory's reference range (no validated cut-off)`,
    value: m.value,
    unit: m.unit,
    cutOff: { comparator: "lab flag", value: "laboratory reference range", unit: m.unit },
    source: { id: "laboratory", label: "reporting laboratory", reference: "the laboratory's own reference range" },
    researchGrade: true,
    guidelineNote: note,
  };
  if (m.date !== undefined) f.date = m.date;
  if (m.original !== undefined) f.original = m.original;
  return f;
}

/** Uterine NK cells, read against the cut-off only when the biopsy's recorded cycle day is in the mid-luteal window. */
function uterineNkFinding(m: (Measured & { cycleDay?: number }) | undefined, c: CutOff | null): ImmuneFinding {
  const f = against("uterineNk", m, c, true, nkNote);
  const day = m?.cycleDay;
  if (m !== undefined && day === undefined && f.status !== "missing") {
    // read, but the timing it assumes is said: the count means what the cut-off assumes only mid-luteal
    f.reading += "; the biopsy's cycle day is not recorded: the cut-off assumes the mid-luteal window (LH+7–9, about day 21)";
    return f;
  }
  if (m === undefined || day === undefined || (day >= UTERINE_NK_CYCLE_DAYS.from && day <= UTERINE_NK_CYCLE_DAYS.to)) return f;
  const why = `biopsy on cycle day ${day}, outside the mid-luteal window (LH+7–9, about day 21; Quenby 2005; days ${UTERINE_NK_CYCLE_DAYS.from}–${UTERINE_NK_CYCLE_DAYS.to} accepted, a Decidua rule): uNK counts change across the cycle, so ${fmt(m.value)}% is not read against the cut-off; repeat the biopsy in the window`;
  f.status = "missing";
  f.reading = `${f.label}: ${why}`;
  f.notValid = why;
  return f;
}

export function readImmuneFindings(r: PatientRecord, config: ClinicConfig): ImmuneFinding[] {
  const im = r.immune;
  const c = config.cutOffs;
  const il33Note =
    "No validated cut-off; studies disagree on the direction (higher in Zhao 2022, lower IL-33 in Hu 2016). Research only; the tacrolimus RCT (Liu 2023) selected women with raised IL-33/sST2.";
  const out: ImmuneFinding[] = [
    against("peripheralNk", im.peripheralNk, c.peripheralNk, true, nkNote),
    against("nkCytotoxicity", im.nkCytotoxicity, c.nkCytotoxicity, true, nkNote),
    uterineNkFinding(im.uterineNk, c.uterineNk),
    against("th1Th2Ratio", im.th1Th2Ratio, c.th1Th2Ratio, true, cytokineNote),
    against("tnfIl10Ratio", im.tnfIl10Ratio, c.tnfIl10Ratio, true, cytokineNote),
    flaggedMarker("il33", im.il33, c.il33, il33Note),
    flaggedMarker("sst2", im.sst2, c.sst2, il33Note),
  ];

  // ANA: titre
  const anaCut = c.ana;
  const anaNote = `${GUIDELINE_POSITIONS.eshreAnaTesting.statement} (ESHRE 2017)`;
  if (im.ana === undefined) out.push(against("ana", undefined, anaCut, false, anaNote));
  else {
    const f = against("ana", { value: im.ana.reciprocal, unit: "reciprocal titre", ...(im.ana.date !== undefined ? { date: im.ana.date } : {}) }, anaCut, false, anaNote);
    f.value = im.ana.titre;
    f.unit = "titre";
    if (anaCut !== null) {
      const high = exceeds(im.ana.reciprocal, anaCut);
      f.reading = `ANA ${im.ana.reciprocal === 0 ? "negative" : `1:${im.ana.reciprocal}`} ${high ? "≥" : "<"} 1:${anaCut.value} (${anaCut.source.label})`;
    }
    out.push(f);
  }

  // Anti-paternal antibodies before LIT: absence is what LIT clinics select on (9M Fertility LIT explainer); not a validated marker.
  const apa = im.antiPaternalAntibodies;
  const apaNote = `${GUIDELINE_POSITIONS.eshreAntiHla.statement} (ESHRE 2017). Cross-match shift thresholds are laboratory-specific (no published cut-off).`;
  if (apa === undefined)
    out.push({
      marker: "antiPaternalAntibodies",
      label: MARKER_LABELS.antiPaternalAntibodies,
      status: "missing",
      reading: `${MARKER_LABELS.antiPaternalAntibodies}: not tested`,
      value: null,
      unit: null,
      cutOff: { comparator: "absent", value: "no antibodies", unit: "result" },
      source: CITATIONS.source001,
      researchGrade: true,
      guidelineNote: apaNote,
    });
  else {
    const f: ImmuneFinding = {
      marker: "antiPaternalAntibodies",
      label: MARKER_LABELS.antiPaternalAntibodies,
      status: apa.result === "negative" ? "abnormal" : "normal",
      reading: `Anti-paternal antibodies ${apa.result === "negative" ? "absent" : "present"}${apa.method !== undefined ? ` (${apa.method})` : ""}: ${apa.result === "negative" ? "the absence LIT clinics select on" : "present"} (9M Fertility LIT explainer)`,
      value: apa.result,
      unit: "result",
      cutOff: { comparator: "absent", value: "no antibodies", unit: "result" },
      source: CITATIONS.source001,
      researchGrade: true,
      guidelineNote: apaNote,
    };
    if (apa.date !== undefined) f.date = apa.date;
    out.push(f);
  }

  for (const k of ["ifnGamma", "tnfAlpha", "il4", "il10", "tgfBeta"] as const) {
    const m = im.cytokines[k];
    if (m !== undefined) out.push(flaggedMarker(k, m, null, cytokineNote));
  }
  return out;
}

/** The abnormal immune findings among `markers`. */
export function abnormalAmong(findings: ImmuneFinding[], markers: readonly ImmuneMarkerId[]): ImmuneFinding[] {
  return findings.filter((f) => f.status === "abnormal" && markers.includes(f.marker));
}
