/**
 * The patient record: the JSON a clinic keeps for a woman (or couple) with recurrent pregnancy loss.
 *
 * PatientRecordSchema describes the record as written (values with their units, dates as YYYY-MM-DD);
 * parsePatientRecord validates it, rejects impossible values naming the field path, and converts every value to
 * the canonical unit (see units.ts). The rules (diagnosis, immune findings, verdicts) only see the normalised
 * PatientRecord.
 */
import { z } from "zod";
import { InputError } from "../shared/errors.js";
import { POSITIVE_TEST_WEEK_AT_LEAST, ageOn, currentGestationalWeek, daysBetween } from "./dates.js";
import { LOSS_MECHANISMS, LOSS_MECHANISM_LABELS, PREGNANCY_LOCATIONS, type LossMechanism } from "./record-terms.js";
import { TherapyIdSchema, type TherapyId } from "../shared/therapy-ids.js";
import {
  ACL_IGG_UNITS,
  ACL_IGM_UNITS,
  B2GPI_IGG_UNITS,
  B2GPI_IGM_UNITS,
  CREATININE_UNITS,
  CYTOKINE_UNITS,
  EGFR_UNITS,
  FREE_T4_UNITS,
  IGA_UNITS,
  PERCENT_UNITS,
  SST2_UNITS,
  TPO_UNITS,
  TSH_UNITS,
  WEIGHT_UNITS,
  toCanonical,
  unitNames,
  type UnitFamily,
} from "./units.js";

const IsoDate = z.iso.date({ error: "must be a date written YYYY-MM-DD" });

/** A measured value with its unit; range limits apply after conversion to the canonical unit. */
function quantity<E extends z.ZodRawShape = Record<never, never>>(f: UnitFamily, min: number, max: number, what: string, extra?: E) {
  const units = unitNames(f);
  return z
    .strictObject({
      value: z.number({ error: "must be a number" }),
      unit: z.enum(units, { error: `unit must be one of ${units.join(", ")}` }),
      date: IsoDate.optional(),
      ...(extra ?? ({} as E)),
    })
    .superRefine((raw, ctx) => {
      const q = raw as unknown as { value: number; unit: string };
      if (!Number.isFinite(q.value)) return;
      if (!(q.unit in f.factors)) return;
      const v = toCanonical(f, q.value, q.unit);
      if (v < min || v > max) {
        const shown = q.unit === f.canonical ? `${q.value} ${q.unit}` : `${q.value} ${q.unit} = ${round4(v)} ${f.canonical}`;
        ctx.addIssue({
          code: "custom",
          path: ["value"],
          message: `impossible ${what}: ${shown} (must be between ${min} and ${max} ${f.canonical})`,
        });
      }
    });
}

function round4(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}

const Ratio = (what: string, max: number) =>
  z.strictObject({
    value: z.number().min(0, { error: `impossible ${what}: a ratio cannot be negative` }).max(max, { error: `impossible ${what}: over ${max}` }),
    date: IsoDate.optional(),
  });

const PosNeg = z.enum(["positive", "negative"], { error: 'must be "positive" or "negative"' });
const NormalAbnormal = z.enum(["normal", "abnormal"], { error: 'must be "normal" or "abnormal"' });
const LabFlag = z.enum(["elevated", "normal", "low"], { error: 'must be "elevated", "normal" or "low"' });

/** A titre such as "1:160", "1/160", "160", "negative" or "<1:40". */
const TITRE_RE = /^\s*(?:(negative|neg|not detected)|<\s*1\s*[:/]\s*(\d+)|(?:1\s*[:/]\s*)?(\d+))\s*$/i;
/** The ages a record can hold (years): rules that need an age and have none bound their answer by these. */
export const RECORD_AGE_MIN = 12;
export const RECORD_AGE_MAX = 65;

export function parseTitre(text: string): number | null {
  const m = TITRE_RE.exec(text);
  if (m === null) return null;
  if (m[1] !== undefined || m[2] !== undefined) return 0;
  const d = Number(m[3]);
  return Number.isInteger(d) && d >= 1 ? d : null;
}

export { LOSS_MECHANISMS, LOSS_MECHANISM_LABELS, type LossMechanism } from "./record-terms.js";

const LossSchema = z.strictObject({
  date: IsoDate.optional(),
  gestationalWeek: z
    .number({ error: "must be a number of completed weeks" })
    .min(0, { error: "impossible gestational week: below 0" })
    .max(45, { error: "impossible gestational week: over 45" }),
  /** biochemical = positive hCG without an intrauterine pregnancy on ultrasound; ectopic and molar do not count as RPL. */
  kind: z.enum(["biochemical", "clinical", "ectopic", "molar"], { error: 'must be "biochemical", "clinical", "ectopic" or "molar"' }),
  /** Karyotype of the embryo / products of conception, if tested. */
  embryoKaryotype: z
    .strictObject({
      result: z.enum(["normal", "abnormal", "failed", "not-tested"], { error: 'must be "normal", "abnormal", "failed" or "not-tested"' }),
      detail: z.string().optional(),
    })
    .optional(),
  fetalHeartActivitySeen: z.boolean().optional(),
  /** Trimester as recorded (1: < 13 weeks, 2: 13–27, 3: ≥ 28); must agree with the gestational week. */
  trimester: z.union([z.literal(1), z.literal(2), z.literal(3)], { error: "must be 1, 2 or 3" }).optional(),
  /** Mechanism of the loss where known; cervical insufficiency is not an unexplained immunological loss. */
  mechanism: z.enum(LOSS_MECHANISMS, { error: `must be one of ${LOSS_MECHANISMS.join(", ")}` }).optional(),
  /** Therapies given during that pregnancy (e.g. "lmwh-aspirin": a loss despite treatment). */
  treatedWith: z.array(TherapyIdSchema).optional(),
});

const BirthSchema = z.strictObject({
  date: IsoDate.optional(),
  gestationalWeek: z.number().min(20, { error: "a live birth is recorded from 20 weeks" }).max(45, { error: "impossible gestational week: over 45" }),
  /** Preterm birth for pre-eclampsia, eclampsia or placental insufficiency (Sydney clinical criterion when < 34 weeks). */
  preeclampsiaOrPlacentalInsufficiency: z.boolean().optional(),
});

const TransferSchema = z.strictObject({
  date: IsoDate.optional(),
  embryos: z.number().int({ error: "must be a whole number" }).min(1, { error: "at least one embryo per transfer" }).max(5, { error: "more than 5 embryos in one transfer" }),
  quality: z.enum(["good", "fair", "poor"], { error: 'must be "good", "fair" or "poor"' }),
  stage: z.enum(["cleavage", "blastocyst"]).optional(),
  euploidTested: z.boolean().optional(),
  outcome: z.enum(["no-implantation", "biochemical", "miscarriage", "ongoing", "live-birth"], {
    error: 'must be "no-implantation", "biochemical", "miscarriage", "ongoing" or "live-birth"',
  }),
});

export const KARYOTYPE_ABNORMALITIES = ["balanced-translocation", "robertsonian-translocation", "inversion", "other"] as const;
const KaryotypeSchema = z.strictObject({
  result: NormalAbnormal,
  /** The kind of abnormality (an abnormal result only). */
  abnormality: z.enum(KARYOTYPE_ABNORMALITIES, { error: `must be one of ${KARYOTYPE_ABNORMALITIES.join(", ")}` }).optional(),
  detail: z.string().optional(),
  date: IsoDate.optional(),
});

const AntibodyValue = (f: UnitFamily, what: string) =>
  quantity(f, 0, 10000, what, {
    /** The laboratory's 99th percentile (upper reference limit), in the same unit. */
    percentile99: z.number().positive({ error: "the 99th percentile must be positive" }).optional(),
  });

const AplTestSchema = z.strictObject({
  date: IsoDate,
  lupusAnticoagulant: PosNeg.optional(),
  aclIgG: AntibodyValue(ACL_IGG_UNITS, "anticardiolipin IgG (IgG is reported in GPL units)").optional(),
  aclIgM: AntibodyValue(ACL_IGM_UNITS, "anticardiolipin IgM (IgM is reported in MPL units)").optional(),
  b2gpiIgG: AntibodyValue(B2GPI_IGG_UNITS, "anti-β2-glycoprotein I IgG").optional(),
  b2gpiIgM: AntibodyValue(B2GPI_IGM_UNITS, "anti-β2-glycoprotein I IgM").optional(),
});

const ThyroidSchema = z.strictObject({
  date: IsoDate.optional(),
  tsh: quantity(TSH_UNITS, 0, 500, "TSH"),
  freeT4: quantity(FREE_T4_UNITS, 0, 200, "free T4").optional(),
  tpoAb: quantity(TPO_UNITS, 0, 100000, "TPO antibodies", {
    upperLimit: z.number().positive().optional(),
  }).optional(),
});

const THROMBOPHILIAS = [
  "factor-v-leiden",
  "prothrombin-g20210a",
  "protein-s-deficiency",
  "protein-c-deficiency",
  "antithrombin-deficiency",
  "other",
] as const;

const WorkupSchema = z.strictObject({
  karyotypeFemale: KaryotypeSchema.optional(),
  karyotypeMale: KaryotypeSchema.optional(),
  uterineAnatomy: z
    .strictObject({
      method: z.enum(["3d-ultrasound", "hysteroscopy", "sonohysterography", "mri", "2d-ultrasound"], {
        error: 'must be "3d-ultrasound", "hysteroscopy", "sonohysterography", "mri" or "2d-ultrasound"',
      }),
      result: NormalAbnormal,
      finding: z.string().optional(),
      date: IsoDate.optional(),
    })
    .optional(),
  antiphospholipid: z.array(AplTestSchema).optional(),
  thyroid: ThyroidSchema.optional(),
  thrombophilia: z
    .strictObject({
      result: NormalAbnormal,
      findings: z.array(z.enum(THROMBOPHILIAS)).optional(),
      date: IsoDate.optional(),
    })
    .optional(),
});

const PctValue = <E extends z.ZodRawShape = Record<never, never>>(what: string, extra?: E) => quantity(PERCENT_UNITS, 0, 100, what, extra);
const Cytokine = (what: string) =>
  quantity(CYTOKINE_UNITS, 0, 1e7, what, { labFlag: LabFlag.optional() });

/** Where NK cells were counted: never assumed; a value entered under the other field's specimen is rejected. */
export const NK_SPECIMENS = ["peripheral-blood", "endometrial-biopsy"] as const;

const ImmuneSchema = z.strictObject({
  /** CD3−CD56+ NK cells as % of peripheral lymphocytes. */
  peripheralNk: PctValue("peripheral NK percentage", { specimen: z.enum(NK_SPECIMENS, { error: `must be one of ${NK_SPECIMENS.join(", ")}` }).optional() }).optional(),
  /** NK cytotoxicity at effector:target 25:1, % target cells killed. */
  nkCytotoxicity: PctValue("NK cytotoxicity").optional(),
  /** CD56+ uterine NK cells as % of endometrial stromal cells (biopsy LH+7 to +9 or cycle day 21). */
  uterineNk: PctValue("uterine NK percentage", { cycleDay: z.number().int().min(1).max(60).optional(), specimen: z.enum(NK_SPECIMENS, { error: `must be one of ${NK_SPECIMENS.join(", ")}` }).optional() }).optional(),
  th1Th2Ratio: Ratio("Th1/Th2 ratio", 1000).optional(),
  tnfIl10Ratio: Ratio("TNF-α/IL-10 ratio", 1000).optional(),
  il33: Cytokine("IL-33").optional(),
  sst2: quantity(SST2_UNITS, 0, 1e5, "sST2", { labFlag: LabFlag.optional() }).optional(),
  ana: z
    .strictObject({
      titre: z.string().refine((t) => parseTitre(t) !== null, { error: 'unparseable titre: write it as "1:160", "negative" or "<1:40"' }),
      pattern: z.string().optional(),
      date: IsoDate.optional(),
    })
    .optional(),
  /** Anti-paternal cytotoxic antibodies / WBC cross-match before any LIT (absence is the finding LIT clinics look for). */
  antiPaternalAntibodies: z
    .strictObject({
      result: PosNeg,
      method: z.enum(["cdc", "flow-crossmatch"]).optional(),
      date: IsoDate.optional(),
    })
    .optional(),
  cytokines: z
    .strictObject({
      ifnGamma: Cytokine("IFN-γ").optional(),
      tnfAlpha: Cytokine("TNF-α").optional(),
      il4: Cytokine("IL-4").optional(),
      il10: Cytokine("IL-10").optional(),
      tgfBeta: Cytokine("TGF-β").optional(),
    })
    .optional(),
});

const ScreenResult = z.enum(["negative", "positive", "immune", "treated", "not-tested"], {
  error: 'must be "negative", "positive", "immune", "treated" or "not-tested"',
});

/** Tuberculosis: latent (IGRA/TST positive) untreated or treated, active; "positive" when the record does not say which. */
export const TB_STATUSES = ["negative", "latent-untreated", "latent-treated", "active", "positive", "not-tested"] as const;
const TbStatus = z.enum(TB_STATUSES, { error: `must be one of ${TB_STATUSES.join(", ")}` });

const SafetySchema = z.strictObject({
  igaDeficiency: z.boolean().optional(),
  /** Serum IgA (selective IgA deficiency: below 0.07 g/L). */
  igaLevel: quantity(IGA_UNITS, 0, 50, "IgA level").optional(),
  /** Anti-IgA antibodies, if tested (IVIG anaphylaxis risk in IgA deficiency). */
  antiIgaAntibodies: z.enum(["positive", "negative", "not-tested"], { error: 'must be "positive", "negative" or "not-tested"' }).optional(),
  allergies: z.array(z.enum(["egg", "soy", "peanut", "aspirin", "heparin", "tacrolimus", "blood-products", "progesterone", "unidentified"])).optional(),
  tb: TbStatus.optional(),
  hepatitisB: ScreenResult.optional(),
  diabetes: z.boolean().optional(),
  hypertension: z.boolean().optional(),
  egfr: quantity(EGFR_UNITS, 0, 250, "eGFR").optional(),
  creatinine: quantity(CREATININE_UNITS, 5, 3000, "creatinine").optional(),
  g6pdDeficiency: z.boolean().optional(),
  retinopathy: z.boolean().optional(),
  porphyria: z.boolean().optional(),
  liverDisease: z.boolean().optional(),
  psoriasis: z.boolean().optional(),
  thrombosisHistory: z.boolean().optional(),
  bleedingDisorder: z.boolean().optional(),
  /** A current systemic infection (a harm with immunosuppressants and immunostimulants). */
  activeInfection: z.boolean().optional(),
  /** Sickle cell disease (G-CSF can precipitate sickle crises). */
  sickleCellDisease: z.boolean().optional(),
});

const MedicationSchema = z.strictObject({
  name: z.string().min(1, { error: "the medication needs a name" }),
  dose: z.string().optional(),
  since: IsoDate.optional(),
});

const FollowUpSchema = z.strictObject({
  test: z.enum(["anti-paternal-antibody"], { error: 'must be "anti-paternal-antibody"' }),
  date: IsoDate,
  result: PosNeg,
});

export const PatientRecordSchema = z
  .strictObject({
    $schema: z.string().optional(),
    id: z.string().min(1).optional(),
    /** Age in completed years at the assessment. */
    age: z.number().int({ error: "must be whole years" }).min(RECORD_AGE_MIN, { error: `impossible age: under ${RECORD_AGE_MIN}` }).max(RECORD_AGE_MAX, { error: `impossible age: over ${RECORD_AGE_MAX}` }).optional(),
    weight: quantity(WEIGHT_UNITS, 25, 300, "weight").optional(),
    losses: z.array(LossSchema),
    liveBirths: z.array(BirthSchema).optional(),
    ivf: z.strictObject({ transfers: z.array(TransferSchema) }).optional(),
    workup: WorkupSchema.optional(),
    immune: ImmuneSchema.optional(),
    safety: SafetySchema.optional(),
    partner: z
      .strictObject({
        /** Partner's infection screen (donor of lymphocytes for LIT). */
        hiv: ScreenResult.optional(),
        hepatitisB: ScreenResult.optional(),
        hepatitisC: ScreenResult.optional(),
      })
      .optional(),
    currentPregnancy: z
      .strictObject({
        gestationalWeek: z.number().min(0, { error: "impossible gestational week: below 0" }).max(45, { error: "impossible gestational week: over 45" }).optional(),
        lastMenstrualPeriod: IsoDate.optional(),
        positiveTestDate: IsoDate.optional(),
        bleeding: z.boolean().optional(),
        /**
         * Where the pregnancy is on ultrasound: "intrauterine" (a sac in the uterus on a scan), "unknown" (a pregnancy
         * of unknown location: a positive test with no pregnancy seen in or outside the uterus) or "ectopic". Absent:
         * no scan recorded. Progesterone for bleeding is for a scan-confirmed intrauterine pregnancy (NICE NG126).
         */
        location: z.enum(PREGNANCY_LOCATIONS).optional(),
      })
      .optional(),
    followUps: z.array(FollowUpSchema).optional(),
    /** Medications the patient takes now. */
    medications: z.array(MedicationSchema).optional(),
  })
  .describe("Decidua patient record (recurrent pregnancy loss work-up, immune panel, safety items)");

export type PatientRecordInput = z.input<typeof PatientRecordSchema>;

// ---------------------------------------------------------------------------------------------------------------
// The normalised record the rules read: canonical units, numbers and flags.

export interface Measured {
  value: number;
  unit: string;
  date?: string;
  /** The value and unit as written, when a conversion was applied. */
  original?: { value: number; unit: string };
}

export interface Loss {
  index: number;
  date?: string;
  gestationalWeek: number;
  kind: "biochemical" | "clinical" | "ectopic" | "molar";
  mechanism?: LossMechanism;
  trimester?: 1 | 2 | 3;
  embryoKaryotype: "normal" | "abnormal" | "failed" | "not-tested";
  embryoKaryotypeDetail?: string;
  fetalHeartActivitySeen?: boolean;
  treatedWith: TherapyId[];
}

export interface AplTest {
  date: string;
  lupusAnticoagulant?: "positive" | "negative";
  aclIgG?: Measured & { percentile99?: number };
  aclIgM?: Measured & { percentile99?: number };
  b2gpiIgG?: Measured & { percentile99?: number };
  b2gpiIgM?: Measured & { percentile99?: number };
}

export interface PatientRecord {
  id?: string;
  age?: number;
  weightKg?: Measured;
  losses: Loss[];
  liveBirths: { date?: string; gestationalWeek: number; preeclampsiaOrPlacentalInsufficiency?: boolean }[];
  transfers: z.output<typeof TransferSchema>[];
  workup: {
    karyotypeFemale?: z.output<typeof KaryotypeSchema>;
    karyotypeMale?: z.output<typeof KaryotypeSchema>;
    uterineAnatomy?: NonNullable<z.output<typeof WorkupSchema>["uterineAnatomy"]>;
    antiphospholipid: AplTest[];
    /** True when the record has an antiphospholipid entry at all (even an empty list means "asked, none done"). */
    thyroid?: { date?: string; tsh: Measured; freeT4?: Measured; tpoAb?: Measured & { upperLimit?: number } };
    thrombophilia?: NonNullable<z.output<typeof WorkupSchema>["thrombophilia"]>;
  };
  immune: {
    peripheralNk?: Measured & { specimen?: NkSpecimen };
    nkCytotoxicity?: Measured;
    uterineNk?: Measured & { cycleDay?: number; specimen?: NkSpecimen };
    th1Th2Ratio?: Measured;
    tnfIl10Ratio?: Measured;
    il33?: Measured & { labFlag?: "elevated" | "normal" | "low" };
    sst2?: Measured & { labFlag?: "elevated" | "normal" | "low" };
    ana?: { titre: string; reciprocal: number; pattern?: string; date?: string };
    antiPaternalAntibodies?: { result: "positive" | "negative"; method?: "cdc" | "flow-crossmatch"; date?: string };
    cytokines: Partial<Record<"ifnGamma" | "tnfAlpha" | "il4" | "il10" | "tgfBeta", Measured & { labFlag?: "elevated" | "normal" | "low" }>>;
  };
  safety: Omit<z.output<typeof SafetySchema>, "egfr" | "creatinine" | "allergies" | "igaLevel"> & {
    egfr?: Measured;
    igaLevel?: Measured;
    creatinine?: Measured;
    allergies: string[];
    /** False when the record says nothing about allergies (an empty list means "none"). */
    allergiesRecorded: boolean;
  };
  partner: { hiv?: ScreenStatus; hepatitisB?: ScreenStatus; hepatitisC?: ScreenStatus };
  currentPregnancy?: z.output<typeof PatientRecordSchema>["currentPregnancy"];
  followUps: z.output<typeof FollowUpSchema>[];
  medications: z.output<typeof MedicationSchema>[];
  /** False when the record says nothing about medications (an empty list means "none"). */
  medicationsRecorded: boolean;
}
export type NkSpecimen = (typeof NK_SPECIMENS)[number];
export type TbStatus = (typeof TB_STATUSES)[number];
export type ScreenStatus = z.output<typeof ScreenResult>;

type RawQuantity = { value: number; unit: string; date?: string | undefined };

function measured(f: UnitFamily, q: RawQuantity): Measured {
  const v = toCanonical(f, q.value, q.unit);
  const m: Measured = { value: round4(v), unit: f.canonical };
  if (q.date !== undefined) m.date = q.date;
  if (q.unit !== f.canonical) m.original = { value: q.value, unit: q.unit };
  return m;
}

function measuredOpt<T extends RawQuantity>(f: UnitFamily, q: T | undefined): Measured | undefined {
  return q === undefined ? undefined : measured(f, q);
}

function withP99(f: UnitFamily, q: (RawQuantity & { percentile99?: number | undefined }) | undefined) {
  if (q === undefined) return undefined;
  const m: Measured & { percentile99?: number } = measured(f, q);
  if (q.percentile99 !== undefined) m.percentile99 = round4(toCanonical(f, q.percentile99, q.unit));
  return m;
}

function flagged(f: UnitFamily, q: (RawQuantity & { labFlag?: "elevated" | "normal" | "low" | undefined }) | undefined) {
  if (q === undefined) return undefined;
  const m: Measured & { labFlag?: "elevated" | "normal" | "low" } = measured(f, q);
  if (q.labFlag !== undefined) m.labFlag = q.labFlag;
  return m;
}

function ratio(r: { value: number; date?: string | undefined } | undefined): Measured | undefined {
  if (r === undefined) return undefined;
  const m: Measured = { value: r.value, unit: "ratio" };
  if (r.date !== undefined) m.date = r.date;
  return m;
}

/** Drops keys whose value is undefined so the normalised record stays a clean JSON object. */
function clean<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}

/** Converts a validated record to canonical units. Pure; the input must have passed PatientRecordSchema. */
export function normaliseRecord(r: z.output<typeof PatientRecordSchema>): PatientRecord {
  const w = r.workup ?? {};
  const im = r.immune ?? {};
  const s = r.safety ?? {};
  const cyt = im.cytokines ?? {};
  const cytokines: PatientRecord["immune"]["cytokines"] = {};
  for (const k of ["ifnGamma", "tnfAlpha", "il4", "il10", "tgfBeta"] as const) {
    const v = flagged(CYTOKINE_UNITS, cyt[k]);
    if (v !== undefined) cytokines[k] = v;
  }
  const thyroid = w.thyroid;
  const tpo = thyroid?.tpoAb;
  return clean({
    id: r.id,
    age: r.age,
    weightKg: measuredOpt(WEIGHT_UNITS, r.weight),
    losses: r.losses.map((l, index) =>
      clean({
        index,
        date: l.date,
        gestationalWeek: l.gestationalWeek,
        kind: l.kind,
        mechanism: l.mechanism,
        trimester: l.trimester,
        embryoKaryotype: l.embryoKaryotype?.result ?? "not-tested",
        embryoKaryotypeDetail: l.embryoKaryotype?.detail,
        fetalHeartActivitySeen: l.fetalHeartActivitySeen,
        treatedWith: l.treatedWith ?? [],
      }),
    ),
    liveBirths: r.liveBirths ?? [],
    transfers: r.ivf?.transfers ?? [],
    workup: clean({
      karyotypeFemale: w.karyotypeFemale,
      karyotypeMale: w.karyotypeMale,
      uterineAnatomy: w.uterineAnatomy,
      antiphospholipid: (w.antiphospholipid ?? []).map((t) =>
        clean({
          date: t.date,
          lupusAnticoagulant: t.lupusAnticoagulant,
          aclIgG: withP99(ACL_IGG_UNITS, t.aclIgG),
          aclIgM: withP99(ACL_IGM_UNITS, t.aclIgM),
          b2gpiIgG: withP99(B2GPI_IGG_UNITS, t.b2gpiIgG),
          b2gpiIgM: withP99(B2GPI_IGM_UNITS, t.b2gpiIgM),
        }),
      ),
      thyroid:
        thyroid === undefined
          ? undefined
          : clean({
              date: thyroid.date,
              tsh: measured(TSH_UNITS, thyroid.tsh),
              freeT4: measuredOpt(FREE_T4_UNITS, thyroid.freeT4),
              tpoAb: tpo === undefined ? undefined : clean({ ...measured(TPO_UNITS, tpo), upperLimit: tpo.upperLimit }),
            }),
      thrombophilia: w.thrombophilia,
    }),
    immune: clean({
      peripheralNk: im.peripheralNk === undefined ? undefined : clean({ ...measured(PERCENT_UNITS, im.peripheralNk), specimen: im.peripheralNk.specimen }),
      nkCytotoxicity: measuredOpt(PERCENT_UNITS, im.nkCytotoxicity),
      uterineNk: im.uterineNk === undefined ? undefined : clean({ ...measured(PERCENT_UNITS, im.uterineNk), cycleDay: im.uterineNk.cycleDay, specimen: im.uterineNk.specimen }),
      th1Th2Ratio: ratio(im.th1Th2Ratio),
      tnfIl10Ratio: ratio(im.tnfIl10Ratio),
      il33: flagged(CYTOKINE_UNITS, im.il33),
      sst2: flagged(SST2_UNITS, im.sst2),
      ana:
        im.ana === undefined
          ? undefined
          : clean({ titre: im.ana.titre, reciprocal: parseTitre(im.ana.titre) ?? 0, pattern: im.ana.pattern, date: im.ana.date }),
      antiPaternalAntibodies: im.antiPaternalAntibodies,
      cytokines,
    }),
    safety: clean({
      ...s,
      egfr: measuredOpt(EGFR_UNITS, s.egfr),
      igaLevel: measuredOpt(IGA_UNITS, s.igaLevel),
      creatinine: measuredOpt(CREATININE_UNITS, s.creatinine),
      allergies: s.allergies ?? [],
      allergiesRecorded: s.allergies !== undefined,
    }),
    partner: r.partner ?? {},
    currentPregnancy: r.currentPregnancy,
    followUps: r.followUps ?? [],
    medications: r.medications ?? [],
    medicationsRecorded: r.medications !== undefined,
  }) as PatientRecord;
}

/** Formats a zod path as the field name people read: losses[2].gestationalWeek. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const p of path) {
    if (typeof p === "number") out += `[${p}]`;
    else out += out === "" ? String(p) : `.${String(p)}`;
  }
  return out;
}

/** A schema issue in a reader's words: a field left out is "required", not "expected array, received undefined". */
function issueMessage(i: z.core.$ZodIssue, input: unknown): string {
  if (i.code === "invalid_type" && valueAt(input, i.path) === undefined) return `required, and missing (${i.expected === "array" ? "a list; [] when there is none" : `expected ${i.expected}`})`;
  return i.message;
}

/** The value at a schema issue's path in the input (undefined when a step of the path is not there). */
function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v = input;
  for (const k of path) {
    if (typeof v !== "object" || v === null) return undefined;
    v = (v as Record<PropertyKey, unknown>)[k];
  }
  return v;
}

/**
 * Validates and normalises a record. Bad input throws an InputError naming the field path and why (all problems
 * are listed, the first one is the error's field).
 */
export function parsePatientRecord(input: unknown, file?: string): PatientRecord {
  const res = PatientRecordSchema.safeParse(input);
  if (!res.success) {
    const issues = res.error.issues;
    const first = issues[0];
    const field = first === undefined ? "" : formatPath(first.path);
    const lines = issues.map((i) => {
      const p = formatPath(i.path);
      return p === "" ? issueMessage(i, input) : `${p}: ${issueMessage(i, input)}`;
    });
    const reason = first !== undefined && issues.length === 1 ? issueMessage(first, input) : lines.join("; ");
    const loc: { file?: string; field?: string } = {};
    if (file !== undefined) loc.file = file;
    if (field !== "") loc.field = field;
    throw new InputError(reason, loc);
  }
  const rec = normaliseRecord(res.data);
  checkDates(rec, file);
  return rec;
}

function failer(file: string | undefined): (field: string, why: string) => never {
  return (field, why) => {
    const loc: { file?: string; field: string } = { field };
    if (file !== undefined) loc.file = file;
    throw new InputError(why, loc);
  };
}

/** The trimester of a gestational week (first: up to 12 + 6, second: to 27 + 6, third after). */
export function trimesterOf(week: number): 1 | 2 | 3 {
  return week < 13 ? 1 : week < 28 ? 2 : 3;
}

/** Normal variants written in a karyotype that do not make it abnormal: inv(9)(p11q13)/(p12q13), heterochromatin and satellite variants (9qh+, 15ps+, 21pstk+). */
const KARYOTYPE_NORMAL_VARIANT = /^(inv\(9\)\(p1[12]q1[23]\)|(\d{1,2}|[XY])(q|p)?(h|s|stk|ps|pstk|cenh)[+-])$/i;
/** A structural rearrangement (translocation, Robertsonian, derivative, deletion, duplication, isochromosome, ring, insertion, inversion). */
const KARYOTYPE_REARRANGEMENT = /^(t|rob|der|del|dup|i|idic|r|ins|inv|mar)\(/i;

/** An ISCN karyotype written as detail, read: its chromosome count, sex chromosomes and the parts after them; null when the text is not ISCN. */
function iscnKaryotype(detail: string | undefined): { text: string; count: number; sex: string; parts: string[] } | null {
  const text = detail?.trim() ?? "";
  const m = /^(\d{2,3})\s*,\s*([XY]+)\s*(?:,(.*))?$/i.exec(text);
  if (m === null) return null;
  return { text, count: Number(m[1]), sex: (m[2] as string).toUpperCase(), parts: (m[3] ?? "").split(",").map((x) => x.trim()).filter((x) => x !== "") };
}

/**
 * The abnormality an ISCN karyotype written as detail shows, or null when it shows none or is not written in ISCN
 * ("46,XX", "46,XY,inv(9)(p11q13)" and heterochromatin variants are normal; "46,XX,t(11;22)(q23;q11.2)", "47,XX,+16",
 * "45,X", "69,XXX", "mos 45,X/46,XX" are not). A record whose result says normal while its detail shows an abnormality
 * contradicts itself (hazard H94).
 */
export function karyotypeDetailAbnormality(detail: string | undefined): string | null {
  const t = detail?.trim() ?? "";
  if (/^mos\b|\//i.test(t)) return `a mosaic karyotype (${t})`;
  const k = iscnKaryotype(t);
  if (k === null) return null;
  if (k.count !== 46) return `${k.count} chromosomes (${t})`;
  if (k.sex !== "XX" && k.sex !== "XY") return `sex chromosomes ${k.sex} (${t})`;
  for (const part of k.parts) {
    if (KARYOTYPE_NORMAL_VARIANT.test(part)) continue;
    if (/^[+-]/.test(part)) return `a chromosome gained or lost (${part})`;
    if (KARYOTYPE_REARRANGEMENT.test(part)) return `a structural rearrangement (${part})`;
  }
  return null;
}

/**
 * A parental karyotype recorded as abnormal whose ISCN detail shows only normal variants ("46,XY,inv(9)(p11q13)",
 * "46,XX,9qh+"): a warning for the clinician to check the laboratory's report (the rules read it as recorded).
 */
export function karyotypeVariantWarnings(r: { workup: { karyotypeFemale?: { result: string; detail?: string | undefined } | undefined; karyotypeMale?: { result: string; detail?: string | undefined } | undefined } }): string[] {
  const out: string[] = [];
  for (const [k, who] of [["karyotypeFemale", "The woman's"], ["karyotypeMale", "The partner's"]] as const) {
    const kt = r.workup[k];
    const iscn = kt?.result === "abnormal" ? iscnKaryotype(kt.detail) : null;
    if (iscn === null || iscn.count !== 46 || (iscn.sex !== "XX" && iscn.sex !== "XY") || iscn.parts.length === 0) continue;
    if (iscn.parts.every((x) => KARYOTYPE_NORMAL_VARIANT.test(x)))
      out.push(`${who} karyotype is recorded as abnormal, but its detail (${iscn.text}) shows only a normal variant, which does not explain pregnancy losses: check the laboratory's report (the rules read the karyotype as recorded).`);
  }
  return out;
}

/** Consistency checks across fields that a schema cannot express: a record that cannot describe an impossible history. */
function checkDates(r: PatientRecord, file?: string): void {
  const fail = failer(file);
  const cp = r.currentPregnancy;
  if (cp?.lastMenstrualPeriod !== undefined && cp.positiveTestDate !== undefined && cp.positiveTestDate < cp.lastMenstrualPeriod)
    fail("currentPregnancy.positiveTestDate", "the positive test is dated before the last menstrual period");
  r.losses.forEach((l, i) => {
    if (l.trimester !== undefined && l.trimester !== trimesterOf(l.gestationalWeek))
      fail(`losses[${i}].trimester`, `trimester ${l.trimester} contradicts the gestational week ${l.gestationalWeek} (trimester ${trimesterOf(l.gestationalWeek)})`);
    const m = l.mechanism;
    const special = (x: string | undefined) => x === "ectopic" || x === "molar";
    if (m !== undefined && (special(m) || special(l.kind)) && m !== l.kind) fail(`losses[${i}].mechanism`, `mechanism "${m}" contradicts kind "${l.kind}"`);
    if ((m === "cervical-insufficiency" || m === "pprom" || m === "pre-viable-delivery") && l.gestationalWeek < 12)
      fail(`losses[${i}].mechanism`, `${LOSS_MECHANISM_LABELS[m]} at ${l.gestationalWeek} weeks is not possible: it is a loss from 12 weeks on`);
    // a pregnancy is first detectable from about 3 weeks of gestation (a positive test: hazard H63)
    if (l.gestationalWeek < 3) fail(`losses[${i}].gestationalWeek`, `a pregnancy loss at ${l.gestationalWeek} weeks is not possible: a pregnancy is detectable from 3 weeks of gestation`);
    // embryonic cardiac activity is first seen on ultrasound from about 5½–6 weeks
    if (l.fetalHeartActivitySeen === true && l.gestationalWeek < 5)
      fail(`losses[${i}].fetalHeartActivitySeen`, `fetal heart activity cannot be seen at ${l.gestationalWeek} weeks (it is first seen from about 5½–6 weeks)`);
    if (l.kind === "biochemical" && l.fetalHeartActivitySeen === true)
      fail(`losses[${i}].fetalHeartActivitySeen`, "a biochemical loss is one never seen on ultrasound; with fetal heart activity seen it is a clinical loss");
    if (m === "fetal-death" && l.gestationalWeek < 10) fail(`losses[${i}].mechanism`, `a fetal death is from 10 weeks on; at ${l.gestationalWeek} weeks record "embryonic-death"`);
  });
  for (const k of ["karyotypeFemale", "karyotypeMale"] as const) {
    const kt = r.workup[k];
    if (kt?.abnormality !== undefined && kt.result !== "abnormal") fail(`workup.${k}.abnormality`, "an abnormality kind is recorded with a normal karyotype");
    const shown = kt?.result === "normal" ? karyotypeDetailAbnormality(kt.detail) : null;
    if (shown !== null) fail(`workup.${k}.result`, `the karyotype is recorded as normal, but its detail shows ${shown}: record the result as abnormal, with its kind`);
  }
  r.losses.forEach((l, i) => {
    const shown = l.embryoKaryotype === "normal" ? karyotypeDetailAbnormality(l.embryoKaryotypeDetail) : null;
    if (shown !== null) fail(`losses[${i}].embryoKaryotype.result`, `the pregnancy tissue's karyotype is recorded as normal, but its detail shows ${shown}: record it as abnormal`);
  });
  const th = r.workup.thrombophilia;
  if (th?.result === "normal" && (th.findings ?? []).length > 0)
    fail("workup.thrombophilia.findings", `thrombophilia findings (${(th.findings ?? []).join(", ")}) are recorded with a normal screen: record the result as abnormal, or remove the findings`);
  if (r.immune.peripheralNk?.specimen === "endometrial-biopsy") fail("immune.peripheralNk.specimen", "peripheral NK cells are counted in peripheral blood; an endometrial biopsy count belongs in immune.uterineNk");
  if (r.immune.uterineNk?.specimen === "peripheral-blood") fail("immune.uterineNk.specimen", "uterine NK cells are counted in an endometrial biopsy; a blood count belongs in immune.peripheralNk");
  const iga = r.safety.igaLevel;
  if (iga !== undefined && r.safety.igaDeficiency !== undefined) {
    const low = iga.value < 0.07;
    if (low !== r.safety.igaDeficiency)
      fail("safety.igaDeficiency", `IgA deficiency recorded as ${r.safety.igaDeficiency ? "yes" : "no"}, but the IgA level is ${iga.value} g/L (deficiency: below 0.07 g/L)`);
  }
}

export interface RecordDateContext {
  /** The assessment date (YYYY-MM-DD): nothing in the record may be dated after it. */
  today: string;
  /** The patient's date of birth, when known (the store keeps it beside the record). */
  dateOfBirth?: string;
}

/** Every dated item of a record with the field path it was written at. */
export function datedFields(r: PatientRecord): { field: string; date: string }[] {
  const out: { field: string; date: string }[] = [];
  const add = (field: string, d: string | undefined) => {
    if (d !== undefined) out.push({ field, date: d });
  };
  r.losses.forEach((l, i) => add(`losses[${i}].date`, l.date));
  r.liveBirths.forEach((b, i) => add(`liveBirths[${i}].date`, b.date));
  r.transfers.forEach((t, i) => add(`ivf.transfers[${i}].date`, t.date));
  const w = r.workup;
  add("workup.karyotypeFemale.date", w.karyotypeFemale?.date);
  add("workup.karyotypeMale.date", w.karyotypeMale?.date);
  add("workup.uterineAnatomy.date", w.uterineAnatomy?.date);
  w.antiphospholipid.forEach((t, i) => {
    add(`workup.antiphospholipid[${i}].date`, t.date);
    for (const k of ["aclIgG", "aclIgM", "b2gpiIgG", "b2gpiIgM"] as const) add(`workup.antiphospholipid[${i}].${k}.date`, t[k]?.date);
  });
  add("workup.thyroid.date", w.thyroid?.date);
  add("workup.thyroid.tsh.date", w.thyroid?.tsh.date);
  add("workup.thyroid.freeT4.date", w.thyroid?.freeT4?.date);
  add("workup.thyroid.tpoAb.date", w.thyroid?.tpoAb?.date);
  add("workup.thrombophilia.date", w.thrombophilia?.date);
  const im = r.immune;
  for (const k of ["peripheralNk", "nkCytotoxicity", "uterineNk", "th1Th2Ratio", "tnfIl10Ratio", "il33", "sst2", "ana", "antiPaternalAntibodies"] as const) add(`immune.${k}.date`, im[k]?.date);
  for (const [k, v] of Object.entries(im.cytokines)) add(`immune.cytokines.${k}.date`, v?.date);
  add("weight.date", r.weightKg?.date);
  add("safety.egfr.date", r.safety.egfr?.date);
  add("safety.creatinine.date", r.safety.creatinine?.date);
  add("safety.igaLevel.date", r.safety.igaLevel?.date);
  add("currentPregnancy.lastMenstrualPeriod", r.currentPregnancy?.lastMenstrualPeriod);
  add("currentPregnancy.positiveTestDate", r.currentPregnancy?.positiveTestDate);
  r.followUps.forEach((f, i) => add(`followUps[${i}].date`, f.date));
  r.medications.forEach((m, i) => add(`medications[${i}].since`, m.since));
  return out;
}

/**
 * Checks a record against the assessment date and the date of birth (issue 9 §3): nothing dated after the
 * assessment date, no result dated before birth, no loss before the age of 10, no `age` that contradicts the
 * date of birth. Each is an InputError naming the field (CLI exit 2, HTTP 400): rejected, not warned about.
 */
export function checkRecordOn(r: PatientRecord, ctx: RecordDateContext, file?: string): void {
  const fail = failer(file);
  const { today, dateOfBirth } = ctx;
  if (dateOfBirth !== undefined && dateOfBirth > today) fail("dateOfBirth", `${dateOfBirth} is after the assessment date ${today}`);
  for (const { field, date } of datedFields(r)) {
    if (date > today) fail(field, `${date} is after the assessment date ${today}: a record cannot hold a date in the future`);
    if (dateOfBirth !== undefined && date < dateOfBirth) fail(field, `${date} is before the date of birth ${dateOfBirth}`);
  }
  if (dateOfBirth !== undefined) {
    r.losses.forEach((l, i) => {
      if (l.date !== undefined && ageOn(dateOfBirth, l.date) < 10) fail(`losses[${i}].date`, `a pregnancy loss on ${l.date} would be at age ${ageOn(dateOfBirth, l.date)} (date of birth ${dateOfBirth}); losses before the age of 10 are not possible`);
    });
    // `age` is the age when it was written: it cannot exceed the age on the assessment date (refused). A younger
    // age is what a stored record becomes after a birthday: `staleAge` flags it in the assessment's warnings and
    // in the patient list's "needs doing", and the rules use the age from the date of birth.
    if (r.age !== undefined) {
      const now = ageOn(dateOfBirth, today);
      if (r.age > now) fail("age", `age ${r.age} contradicts the date of birth ${dateOfBirth}: the patient is ${now} on ${today}`);
    }
  }
}

/**
 * A recorded `age` younger than the age from the date of birth on `today` (a record written before a birthday),
 * or null. The rules use the age from the date of birth; the assessment and the patient list flag the stale value.
 */
export function staleAge(r: { age?: number | undefined }, ctx: { today: string; dateOfBirth?: string }): { recorded: number; fromBirth: number; text: string } | null {
  if (r.age === undefined || ctx.dateOfBirth === undefined) return null;
  const fromBirth = ageOn(ctx.dateOfBirth, ctx.today);
  if (r.age >= fromBirth) return null;
  return { recorded: r.age, fromBirth, text: `Age: the record says ${r.age}, but the date of birth ${ctx.dateOfBirth} gives ${fromBirth} on ${ctx.today}; the rules use ${fromBirth} (correct the record)` };
}

/**
 * No pregnancy goes on longer than this from its first day (the last menstrual period): post-term is 42 completed
 * weeks, and induction of labour is recommended after 42 weeks and no later than 42 6/7 (ACOG Practice Bulletin 146, as
 * the Merck Manual Professional summarises it); two weeks more are allowed for dating error.
 */
export const PREGNANCY_WEEKS_AT_MOST = 44;

/** Post-term: 42 completed weeks (ACOG Practice Bulletin 146); a recorded week beyond it is flagged (no dating error to allow). */
export const POST_TERM_WEEKS = 42;

/** Whether a pregnancy that began on `began` (its first day) cannot still be going on `today`. */
export function pregnancyOver(began: string, today: string): boolean {
  return daysBetween(began, today) > 7 * PREGNANCY_WEEKS_AT_MOST;
}

/** The date a current pregnancy is dated from: its last menstrual period, or without one its positive test. */
function pregnancyDatedFrom(cp: { lastMenstrualPeriod?: string | undefined; positiveTestDate?: string | undefined } | undefined): { date: string; what: string } | undefined {
  if (cp?.lastMenstrualPeriod !== undefined) return { date: cp.lastMenstrualPeriod, what: "last menstrual period" };
  if (cp?.positiveTestDate !== undefined) return { date: cp.positiveTestDate, what: "positive pregnancy test" };
  return undefined;
}

/**
 * A current pregnancy that cannot still be going on `today`: its last menstrual period, or without one its positive
 * test, more than PREGNANCY_WEEKS_AT_MOST weeks before (a record not updated after the pregnancy ended, or a mistyped
 * year); null otherwise. The assessment and the patient list flag it (hazard H56); the rules read the pregnancy as
 * recorded, since they cannot tell which date is wrong, and its in-pregnancy verdicts show the impossible week.
 */
export function pregnancyPastTerm(
  r: { currentPregnancy?: { lastMenstrualPeriod?: string | undefined; positiveTestDate?: string | undefined; gestationalWeek?: number | undefined } | undefined },
  today: string,
): { weeks: number; text: string } | null {
  const from = pregnancyDatedFrom(r.currentPregnancy);
  const week = r.currentPregnancy?.gestationalWeek;
  if (from === undefined && week !== undefined && week > POST_TERM_WEEKS)
    // dated only by a recorded week: beyond 42 weeks labour is induced, so the record is stale or mistyped
    return {
      weeks: week,
      text: `Current pregnancy: recorded at ${week} weeks, beyond ${POST_TERM_WEEKS} weeks (post-term, when labour is induced: ACOG Practice Bulletin 146); record how it ended, or correct the week. Until then the verdicts read her as pregnant at ${week} weeks.`,
    };
  if (from === undefined || !pregnancyOver(from.date, today)) return null;
  const days = daysBetween(from.date, today);
  const weeks = Math.floor(days / 7);
  // weeks+days, as obstetric dating is written
  const dated = `${weeks}${days % 7 > 0 ? `+${days % 7}` : ""} weeks`;
  return {
    weeks,
    text: `Current pregnancy: its ${from.what} (${from.date}) is ${dated} before ${today}, longer than any pregnancy lasts (${PREGNANCY_WEEKS_AT_MOST} weeks); record how it ended, or correct the date. Until then the verdicts read her as pregnant at ${weeks} weeks.`,
  };
}

/**
 * A loss or a live birth dated on or after the current pregnancy began (its last menstrual period, or without one its
 * positive test): the current pregnancy may have ended in it and the record not been updated (hazard H56); null
 * otherwise. Flagged with pregnancyPastTerm; the rules read the record as it is.
 */
export function pregnancyEndedByOutcome(
  r: {
    currentPregnancy?: { lastMenstrualPeriod?: string | undefined; positiveTestDate?: string | undefined } | undefined;
    losses: readonly { date?: string | undefined }[];
    liveBirths?: readonly { date?: string | undefined }[] | undefined;
  },
): { text: string } | null {
  const from = pregnancyDatedFrom(r.currentPregnancy);
  if (from === undefined) return null;
  const after = [
    ...r.losses.filter((l) => l.date !== undefined && l.date >= from.date).map((l) => ({ date: l.date as string, what: "a loss" })),
    ...(r.liveBirths ?? []).filter((b) => b.date !== undefined && b.date >= from.date).map((b) => ({ date: b.date as string, what: "a live birth" })),
  ].sort((a, b) => a.date.localeCompare(b.date))[0];
  if (after === undefined) return null;
  return {
    text: `Current pregnancy: ${after.what} is recorded on ${after.date}, after this pregnancy began (${from.what} ${from.date}); if the pregnancy ended then, remove the current pregnancy from the record, otherwise correct the dates.`,
  };
}

/** Weeks by which a recorded gestational week may differ from the last menstrual period's before the two are said to conflict. */
export const DATING_CONFLICT_WEEKS = 2;

/**
 * A current pregnancy whose recorded gestational week is more than DATING_CONFLICT_WEEKS ahead of its last menstrual
 * period on the assessment date. The recorded week carries no date, so it falls behind the period's count as time
 * passes; ahead of it, one of the two is wrong. The rules read the last menstrual period; the clinician corrects one.
 */
export function pregnancyDatingConflict(cp: { lastMenstrualPeriod?: string | undefined; gestationalWeek?: number | undefined } | undefined, today: string): { text: string } | null {
  if (cp?.lastMenstrualPeriod === undefined || cp.gestationalWeek === undefined) return null;
  const byLmp = daysBetween(cp.lastMenstrualPeriod, today) / 7;
  if (cp.gestationalWeek - byLmp <= DATING_CONFLICT_WEEKS) return null;
  return {
    text: `Current pregnancy: the recorded gestational week (${cp.gestationalWeek}) and the last menstrual period (${cp.lastMenstrualPeriod}: ${Math.floor(byLmp)} weeks on ${today}) disagree; the rules read the last menstrual period: correct the one that is wrong (a dating scan decides).`,
  };
}

/** The earliest gestational week at which an ultrasound scan shows a sac in the uterus (a sac is seen from about 4.5 to 5 weeks; a Decidua rule). */
export const SAC_VISIBLE_FROM_WEEK = 4;

/**
 * A current pregnancy whose dating cannot be as recorded, or that has none: no last menstrual period, week or
 * positive test (the protocols given in pregnancy wait for the dating: H91); dated earlier than a pregnancy test turns
 * positive; or intrauterine on a scan before a sac can be seen. For the clinician to correct; null when none.
 */
export function currentPregnancyDatingWarning(cp: { lastMenstrualPeriod?: string | undefined; gestationalWeek?: number | undefined; positiveTestDate?: string | undefined; location?: string | undefined } | undefined, today: string): { text: string } | null {
  if (cp === undefined) return null;
  const week = currentGestationalWeek(cp, today);
  if (week === undefined && cp.positiveTestDate === undefined)
    return { text: "Current pregnancy: no last menstrual period, gestational week or positive test date is recorded: date it (the protocols given in pregnancy start within a window of weeks, and wait for the dating)." };
  if (week === undefined) return null;
  const how = cp.lastMenstrualPeriod !== undefined ? `by the last menstrual period (${cp.lastMenstrualPeriod})` : "as recorded";
  if (week < POSITIVE_TEST_WEEK_AT_LEAST)
    return { text: `Current pregnancy: ${Math.floor(week)} weeks on ${today} ${how}, earlier than a pregnancy test turns positive (about ${POSITIVE_TEST_WEEK_AT_LEAST} weeks): check the dating.` };
  if (cp.location === "intrauterine" && week < SAC_VISIBLE_FROM_WEEK)
    return { text: `Current pregnancy: intrauterine on ultrasound at ${Math.floor(week)} weeks ${how}, earlier than a sac in the uterus can be seen (about ${SAC_VISIBLE_FROM_WEEK}–5 weeks): check the dating or the scan.` };
  return null;
}

/** Days by which a pregnancy's start, from its end date less its gestational age, may precede the previous end (dating error). */
export const PREGNANCY_OVERLAP_SLACK_DAYS = 14;

/**
 * Two dated pregnancies (losses or live births) that cannot both be as recorded: the later one began, by its date
 * less its gestational age, more than PREGNANCY_OVERLAP_SLACK_DAYS before the earlier one ended, or both end on the
 * same day. A loss entered twice looks like this, as do two losses or a loss and a birth dated weeks apart. The
 * first such pair, for the clinician to correct (counted losses decide every verdict); null when none.
 */
export function overlappingPregnancies(r: {
  losses: readonly { date?: string | undefined; gestationalWeek: number }[];
  liveBirths?: readonly { date?: string | undefined; gestationalWeek: number }[] | undefined;
}): { text: string } | null {
  const ends = [
    ...r.losses.filter((l) => l.date !== undefined).map((l) => ({ date: l.date as string, week: l.gestationalWeek, what: "a loss" })),
    ...(r.liveBirths ?? []).filter((b) => b.date !== undefined).map((b) => ({ date: b.date as string, week: b.gestationalWeek, what: "a live birth" })),
  ].sort((a, b) => a.date.localeCompare(b.date));
  for (let i = 1; i < ends.length; i++) {
    const prev = ends[i - 1]!;
    const next = ends[i]!;
    const gap = daysBetween(prev.date, next.date);
    const weeks = Math.floor(next.week);
    if (gap === 0 || gap < next.week * 7 - PREGNANCY_OVERLAP_SLACK_DAYS) {
      return {
        text:
          gap === 0
            ? `Pregnancy history: ${prev.what === next.what ? `two ${next.what === "a loss" ? "losses" : "live births"}` : `${prev.what} and ${next.what}`} are both recorded on ${next.date}; if one pregnancy was entered twice, remove the copy (every loss counted decides the verdicts).`
            : `Pregnancy history: ${next.what} on ${next.date} at ${weeks} weeks began about ${Math.round(next.week * 7 - gap)} days before ${prev.what} on ${prev.date} ended; two pregnancies cannot overlap: correct the dates or the weeks, or remove a copy (every loss counted decides the verdicts).`,
      };
    }
  }
  return null;
}

/** The JSON Schema of the patient record as written (generated from PatientRecordSchema). */
export function patientRecordJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(PatientRecordSchema, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
  return {
    ...schema,
    $id: "https://decidua.example/schemas/patient-record.schema.json",
    title: "Decidua patient record",
  };
}
