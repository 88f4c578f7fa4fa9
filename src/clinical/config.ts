/**
 * ClinicConfig: the cut-offs and protocol choices a clinic can set. The defaults are the cut-offs of
 * with their sources (each cut-off names the publication it comes from). A clinic overrides them with makeClinicConfig(partial),
 * which validates the override (zod) so a server can accept it from a file or a form.
 */
import { z } from "zod";
import { InputError } from "../shared/errors.js";
import { formatPath } from "./record.js";
import { CITATIONS, type Citation } from "./sources.js";

/** The immune markers read against a clinic cut-off (clinical/immune.ts adds those read without one). */
export const CUT_OFF_IMMUNE_MARKERS = ["peripheralNk", "nkCytotoxicity", "uterineNk", "th1Th2Ratio", "tnfIl10Ratio", "il33", "sst2", "ana"] as const;
/** Every marker with a configurable cut-off: the immune ones and the thyroid tests. */
export const MARKER_IDS = [...CUT_OFF_IMMUNE_MARKERS, "tsh", "tpoAb"] as const;
export type MarkerId = (typeof MARKER_IDS)[number];

export interface CutOff {
  /** ">" or ">=": the value is abnormal when it compares so against `value`. */
  comparator: ">" | ">=";
  value: number;
  unit: string;
  source: Citation;
  /** Alternative cut-offs in the literature, shown to the clinician, not used. */
  alternatives?: { value: number; source: string }[];
  note?: string;
}

export interface ClinicConfig {
  name: string;
  /** null = no validated cut-off: the laboratory's own flag is used, if given. */
  cutOffs: Record<MarkerId, CutOff | null>;
  /** Loss thresholds of the trial criteria used by the verdicts (defaults from the sources). */
  lit: {
    /** Sensitisation injections in the course (the sources describe two to three). */
    injections: 2 | 3;
    /** Weeks between injections. */
    intervalWeeks: number;
    /** Weeks after the last injection when the anti-paternal antibody check is taken. */
    antibodyCheckWeeksAfter: number;
  };
  /** Available strengths (mg) used to round per-kg doses. */
  strengths: {
    tacrolimusMg: number[];
    ivigGrams: number[];
    prednisoloneMg: number[];
  };
}

const cut = (comparator: ">" | ">=", value: number, unit: string, source: Citation, extra: Partial<CutOff> = {}): CutOff => ({
  comparator,
  value,
  unit,
  source,
  ...extra,
});

export const DEFAULT_CLINIC_CONFIG: ClinicConfig = {
  name: "Decidua defaults (each cut-off with its source)",
  cutOffs: {
    peripheralNk: cut(">", 12, "%", CITATIONS.lee2013, {
      alternatives: [
        { value: 16.1, source: "Youden cut-off, Konyang ESHRE abstract P-504" },
        { value: 18, source: "upper end of the 12–18% used across clinics" },
      ],
    }),
    nkCytotoxicity: cut(">", 23.8, "%", CITATIONS.lee2013, {
      note: "Effector:target 25:1. Katano 2013 found it was not an independent predictor.",
    }),
    uterineNk: cut(">=", 5, "%", CITATIONS.quenby2005, {
      note: "Normal is below 5% of stromal cells (biopsy LH+7 to +9 or day 21). Tuckerman 2007: uNK did not predict outcome.",
    }),
    th1Th2Ratio: cut(">=", 10.3, "ratio", CITATIONS.nakagawa2015, { alternatives: [{ value: 11.8, source: "Kuroda, AJRI 2021" }] }),
    tnfIl10Ratio: cut(">", 30.6, "ratio", CITATIONS.winger2011, {
      alternatives: [{ value: 36.2, source: "Lee 2013" }],
      note: "Winger 2011: normal 13.2–30.6, severe above 39.",
    }),
    il33: null,
    sst2: null,
    ana: cut(">=", 160, "reciprocal titre", CITATIONS.vomstein2021, {
      alternatives: [{ value: 80, source: "common laboratory threshold 1:80 (unverified)" }],
      note: "Cut-off 1:160 as set in the issue; the source table reads '>1:160' counted as positive. Clinics may choose 1:80.",
    }),
    tsh: cut(">", 2.5, "mU/L", CITATIONS.vomstein2021, { note: "TSH above 2.5 mU/L triggers T3/T4/TPO testing (Vomstein's suggested procedure)." }),
    tpoAb: cut(">", 60, "kU/L", CITATIONS.vomstein2021, { note: "Positivity 60–100 kU/L depending on the assay; the laboratory's upper limit is used when given." }),
  },
  lit: { injections: 3, intervalWeeks: 4, antibodyCheckWeeksAfter: 2 },
  strengths: { tacrolimusMg: [0.5, 1, 5], ivigGrams: [2.5, 5, 10, 20], prednisoloneMg: [1, 5, 25] },
};

const CitationSchema = z.strictObject({
  id: z.string().min(1),
  label: z.string().min(1),
  reference: z.string().min(1),
  pmid: z.string().optional(),
  doi: z.string().optional(),
  url: z.string().optional(),
});

const CutOffSchema = z.strictObject({
  comparator: z.enum([">", ">="]),
  value: z.number().nonnegative(),
  unit: z.string().min(1),
  source: CitationSchema,
  alternatives: z.array(z.strictObject({ value: z.number(), source: z.string() })).optional(),
  note: z.string().optional(),
});

const ClinicOverrideSchema = z.strictObject({
  name: z.string().min(1).optional(),
  cutOffs: z.partialRecord(z.enum(MARKER_IDS), CutOffSchema.nullable()).optional(),
  lit: z
    .strictObject({
      injections: z.union([z.literal(2), z.literal(3)]).optional(),
      intervalWeeks: z.number().int().min(2).max(8).optional(),
      antibodyCheckWeeksAfter: z.number().int().min(1).max(6).optional(),
    })
    .optional(),
  strengths: z
    .strictObject({
      tacrolimusMg: z.array(z.number().positive()).min(1).optional(),
      ivigGrams: z.array(z.number().positive()).min(1).optional(),
      prednisoloneMg: z.array(z.number().positive()).min(1).optional(),
    })
    .optional(),
});
export type ClinicOverride = z.input<typeof ClinicOverrideSchema>;

/** Builds a clinic configuration from the defaults and a (validated) override. */
export function makeClinicConfig(override: unknown = {}, file?: string): ClinicConfig {
  const res = ClinicOverrideSchema.safeParse(override);
  if (!res.success) {
    const i = res.error.issues[0];
    const loc: { file?: string; field?: string } = {};
    if (file !== undefined) loc.file = file;
    if (i !== undefined) loc.field = formatPath(i.path);
    throw new InputError(i?.message ?? "invalid clinic configuration", loc);
  }
  const o = res.data;
  const cutOffs = { ...DEFAULT_CLINIC_CONFIG.cutOffs };
  for (const [k, v] of Object.entries(o.cutOffs ?? {})) {
    if (v === undefined) continue;
    const key = k as MarkerId;
    if (v === null) {
      cutOffs[key] = null;
      continue;
    }
    const c: CutOff = { comparator: v.comparator, value: v.value, unit: v.unit, source: stripUndef(v.source) };
    if (v.alternatives !== undefined) c.alternatives = v.alternatives;
    if (v.note !== undefined) c.note = v.note;
    cutOffs[key] = c;
  }
  return {
    name: o.name ?? DEFAULT_CLINIC_CONFIG.name,
    cutOffs,
    lit: {
      injections: o.lit?.injections ?? DEFAULT_CLINIC_CONFIG.lit.injections,
      intervalWeeks: o.lit?.intervalWeeks ?? DEFAULT_CLINIC_CONFIG.lit.intervalWeeks,
      antibodyCheckWeeksAfter: o.lit?.antibodyCheckWeeksAfter ?? DEFAULT_CLINIC_CONFIG.lit.antibodyCheckWeeksAfter,
    },
    strengths: {
      tacrolimusMg: o.strengths?.tacrolimusMg ?? DEFAULT_CLINIC_CONFIG.strengths.tacrolimusMg,
      ivigGrams: o.strengths?.ivigGrams ?? DEFAULT_CLINIC_CONFIG.strengths.ivigGrams,
      prednisoloneMg: o.strengths?.prednisoloneMg ?? DEFAULT_CLINIC_CONFIG.strengths.prednisoloneMg,
    },
  };
}

function stripUndef(c: z.output<typeof CitationSchema>): Citation {
  const out: Citation = { id: c.id, label: c.label, reference: c.reference };
  if (c.pmid !== undefined) out.pmid = c.pmid;
  if (c.doi !== undefined) out.doi = c.doi;
  if (c.url !== undefined) out.url = c.url;
  return out;
}

/** True when `value` is abnormal against the cut-off. */
export function exceeds(value: number, c: CutOff): boolean {
  return c.comparator === ">" ? value > c.value : value >= c.value;
}
