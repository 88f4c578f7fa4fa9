/**
 * The terminology Decidua reads from an EHR: which LOINC / SNOMED CT / RxNorm codes fill which field of the patient
 * record, and the UCUM unit each quantity is converted to. International codes are used where one exists; items
 * without an international code (uterine NK, Th1/Th2 ratio, cytokine panels, 3D ultrasound, thrombophilia screen)
 * have a code in Decidua's local code system, and a clinic adds its own local codes with a CodeMap file.
 */
import { z } from "zod";

export const LOINC = "http://loinc.org";
export const SNOMED = "http://snomed.info/sct";
export const RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm";
export const UCUM = "http://unitsofmeasure.org";
export const V3_INTERPRETATION = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation";
/** Where Decidua's own FHIR code systems, definitions and identifiers live (and the default base of exported fullUrls). */
export const DECIDUA_FHIR = "https://decidua.example/fhir";
/** Decidua's local code system for items that have no LOINC / SNOMED CT code. */
export const DECIDUA_LOCAL = `${DECIDUA_FHIR}/CodeSystem/rpl`;

/** A quantity field of the record: the record's unit name and the UCUM code it corresponds to. */
export interface QuantityTarget {
  kind: "quantity";
  /** The unit written into the Decidua record (one of the names in clinical/units.ts). */
  recordUnit: string;
  /** The same unit as UCUM, what FHIR values are converted to. */
  ucum: string;
  /** Unit spellings that the assays use for exactly this unit although UCUM cannot convert them (arbitrary units). */
  sameAs?: readonly string[];
  /** g/mol, for mass ↔ amount-of-substance conversions. */
  molecularWeight?: number;
}

export const OBSERVATION_TARGETS = {
  weight: { kind: "quantity", recordUnit: "kg", ucum: "kg" },
  tsh: { kind: "quantity", recordUnit: "mU/L", ucum: "m[IU]/L", sameAs: ["mU/L"] },
  /** Thyroxine 776.87 g/mol. */
  freeT4: { kind: "quantity", recordUnit: "pmol/L", ucum: "pmol/L", molecularWeight: 776.87 },
  tpoAb: { kind: "quantity", recordUnit: "kU/L", ucum: "k[IU]/L", sameAs: ["kU/L"] },
  lupusAnticoagulant: { kind: "presence" },
  aclIgG: { kind: "quantity", recordUnit: "GPL", ucum: "[GPL'U]/mL", sameAs: ["{GPL}", "GPL", "GPL/mL"] },
  aclIgM: { kind: "quantity", recordUnit: "MPL", ucum: "[MPL'U]/mL", sameAs: ["{MPL}", "MPL", "MPL/mL"] },
  b2gpiIgG: { kind: "quantity", recordUnit: "U/mL", ucum: "[arb'U]/mL", sameAs: ["U/mL", "{SGU}", "SGU"] },
  b2gpiIgM: { kind: "quantity", recordUnit: "U/mL", ucum: "[arb'U]/mL", sameAs: ["U/mL", "{SMU}", "SMU"] },
  peripheralNk: { kind: "quantity", recordUnit: "%", ucum: "%" },
  uterineNk: { kind: "quantity", recordUnit: "%", ucum: "%" },
  nkCytotoxicity: { kind: "quantity", recordUnit: "%", ucum: "%" },
  th1Th2Ratio: { kind: "ratio" },
  tnfIl10Ratio: { kind: "ratio" },
  ifnGamma: { kind: "quantity", recordUnit: "pg/mL", ucum: "pg/mL" },
  tnfAlpha: { kind: "quantity", recordUnit: "pg/mL", ucum: "pg/mL" },
  il4: { kind: "quantity", recordUnit: "pg/mL", ucum: "pg/mL" },
  il10: { kind: "quantity", recordUnit: "pg/mL", ucum: "pg/mL" },
  tgfBeta: { kind: "quantity", recordUnit: "pg/mL", ucum: "pg/mL" },
  il33: { kind: "quantity", recordUnit: "pg/mL", ucum: "pg/mL" },
  sst2: { kind: "quantity", recordUnit: "ng/mL", ucum: "ng/mL" },
  ana: { kind: "titre" },
  anaPresence: { kind: "presence" },
  egfr: { kind: "quantity", recordUnit: "mL/min/1.73m2", ucum: "mL/min/{1.73_m2}" },
  /** Creatinine 113.12 g/mol. */
  creatinine: { kind: "quantity", recordUnit: "µmol/L", ucum: "umol/L", molecularWeight: 113.12 },
  pregnancyOutcome: { kind: "pregnancy-outcome" },
  pregnancyStatus: { kind: "pregnancy-status" },
  /** The estimated delivery date of the current pregnancy (valueDateTime): dates a pregnancy status without a gestational age. */
  estimatedDeliveryDate: { kind: "edd" },
  gestationalAge: { kind: "quantity", recordUnit: "wk", ucum: "wk" },
  karyotype: { kind: "karyotype" },
  pregnancyCount: { kind: "count" },
  lossCount: { kind: "count" },
  liveBirthCount: { kind: "count" },
  hiv: { kind: "presence" },
  hepatitisB: { kind: "presence" },
  hepatitisC: { kind: "presence" },
  tbScreen: { kind: "presence" },
  antiPaternalAntibodies: { kind: "presence" },
} as const satisfies Record<string, QuantityTarget | { kind: "presence" | "ratio" | "titre" | "pregnancy-outcome" | "pregnancy-status" | "edd" | "karyotype" | "count" }>;

export type ObservationTarget = keyof typeof OBSERVATION_TARGETS;
const OBSERVATION_TARGET_NAMES = Object.keys(OBSERVATION_TARGETS) as [ObservationTarget, ...ObservationTarget[]];

export const CONDITION_TARGETS = [
  "recurrent-miscarriage",
  "antiphospholipid-syndrome",
  "thrombophilia",
  "factor-v-leiden",
  "thyroid-disease",
  "iga-deficiency",
  "tuberculosis",
  "diabetes",
  "hypertension",
  "pregnancy-loss",
  "ectopic-pregnancy",
] as const;
export type ConditionTarget = (typeof CONDITION_TARGETS)[number];

export const PROCEDURE_TARGETS = ["hysteroscopy", "3d-ultrasound", "sonohysterography", "mri", "2d-ultrasound", "thrombophilia-screen"] as const;
export type ProcedureTarget = (typeof PROCEDURE_TARGETS)[number];

export const ALLERGY_TARGETS = ["egg", "soy", "peanut", "aspirin", "heparin", "tacrolimus", "blood-products", "progesterone", "no-known-allergy"] as const;
export type AllergyTarget = (typeof ALLERGY_TARGETS)[number];

export const OUTCOME_TARGETS = ["clinical", "biochemical", "ectopic", "molar", "live-birth"] as const;
export type OutcomeTarget = (typeof OUTCOME_TARGETS)[number];

const Coding = z.strictObject({ system: z.string().min(1), code: z.string().min(1) });

/** A clinic's extra codes (its local lab codes), read from a JSON file and merged over the defaults. */
export const CodeMapSchema = z.strictObject({
  observations: z.array(Coding.extend({ target: z.enum(OBSERVATION_TARGET_NAMES) })).default([]),
  conditions: z.array(Coding.extend({ target: z.enum(CONDITION_TARGETS) })).default([]),
  procedures: z.array(Coding.extend({ target: z.enum(PROCEDURE_TARGETS) })).default([]),
  allergies: z.array(Coding.extend({ target: z.enum(ALLERGY_TARGETS) })).default([]),
  outcomes: z.array(Coding.extend({ target: z.enum(OUTCOME_TARGETS) })).default([]),
});
export type CodeMapInput = z.input<typeof CodeMapSchema>;

export interface CodeMap {
  observations: Map<string, ObservationTarget>;
  conditions: Map<string, ConditionTarget>;
  procedures: Map<string, ProcedureTarget>;
  allergies: Map<string, AllergyTarget>;
  outcomes: Map<string, OutcomeTarget>;
}

export const codeKey = (system: string, code: string): string => `${system}|${code}`;

const obs = (system: string, code: string, target: ObservationTarget) => ({ system, code, target });

/**
 * The default terminology: LOINC / SNOMED CT / RxNorm codes (each with its check in CODE_CHECKS below) and Decidua
 * local codes.
 */
export const DEFAULT_CODES = {
  observations: [
    obs(LOINC, "29463-7", "weight"), // Body weight
    obs(LOINC, "3141-9", "weight"), // Body weight Measured
    obs(LOINC, "3016-3", "tsh"), // Thyrotropin [Units/volume] in Serum or Plasma (no detection limit: older assays)
    obs(LOINC, "11579-0", "tsh"), // Thyrotropin … by Detection limit <= 0.05 mIU/L (2nd generation, the routine TSH)
    obs(LOINC, "11580-8", "tsh"), // Thyrotropin … by Detection limit <= 0.005 mIU/L (3rd generation)
    obs(LOINC, "3024-7", "freeT4"), // Thyroxine (T4) free [Mass/volume] in Serum or Plasma
    obs(LOINC, "14920-3", "freeT4"), // Thyroxine (T4) free [Moles/volume] in Serum or Plasma
    obs(LOINC, "8099-4", "tpoAb"), // Thyroperoxidase Ab [Units/volume] in Serum or Plasma
    obs(LOINC, "75514-0", "lupusAnticoagulant"), // Lupus anticoagulant two screening tests W Reflex [interpretation]
    obs(LOINC, "75882-1", "lupusAnticoagulant"), // Lupus anticoagulant three screening tests W Reflex [interpretation]
    obs(LOINC, "3181-5", "aclIgG"), // Cardiolipin IgG Ab [Units/volume] in Serum
    obs(LOINC, "3182-3", "aclIgM"), // Cardiolipin IgM Ab [Units/volume] in Serum
    obs(LOINC, "44448-9", "b2gpiIgG"), // Beta 2 glycoprotein 1 IgG Ab [Units/volume] in Serum
    obs(LOINC, "44449-7", "b2gpiIgM"), // Beta 2 glycoprotein 1 IgM Ab [Units/volume] in Serum
    obs(LOINC, "5048-4", "ana"), // Nuclear Ab [Titer] in Serum by Immunofluorescence
    obs(LOINC, "8061-4", "anaPresence"), // Nuclear Ab [Presence] in Serum
    obs(LOINC, "62238-1", "egfr"), // GFR/1.73 sq M.predicted [Volume Rate/Area] by Creatinine-based formula (CKD-EPI)
    obs(LOINC, "98979-8", "egfr"), // GFR/1.73 sq M.predicted by Creatinine-based formula (CKD-EPI 2021)
    obs(LOINC, "33914-3", "egfr"), // GFR/1.73 sq M.predicted by Creatinine-based formula (MDRD)
    obs(LOINC, "2160-0", "creatinine"), // Creatinine [Mass/volume] in Serum or Plasma
    obs(LOINC, "14682-9", "creatinine"), // Creatinine [Moles/volume] in Serum or Plasma
    obs(LOINC, "63893-2", "pregnancyOutcome"), // Outcome of pregnancy
    obs(LOINC, "18185-9", "gestationalAge"), // Gestational age
    obs(LOINC, "82810-3", "pregnancyStatus"), // Pregnancy status
    obs(LOINC, "11778-8", "estimatedDeliveryDate"), // Delivery date Estimated
    obs(LOINC, "11779-6", "estimatedDeliveryDate"), // Delivery date Estimated from last menstrual period
    obs(LOINC, "11780-4", "estimatedDeliveryDate"), // Delivery date Estimated from ovulation date
    obs(LOINC, "29770-5", "karyotype"), // Karyotype [Identifier] in Blood or Tissue Nominal
    obs(LOINC, "11996-6", "pregnancyCount"), // [#] Pregnancies
    obs(LOINC, "11612-9", "lossCount"), // [#] Abortions
    obs(LOINC, "11636-8", "liveBirthCount"), // [#] Births.live
    obs(LOINC, "75622-1", "hiv"), // HIV 1 and 2 Ab and HIV1 p24 Ag [Presence] in Serum or Plasma
    obs(LOINC, "5196-1", "hepatitisB"), // Hepatitis B virus surface Ag [Presence] in Serum or Plasma by Immunoassay
    obs(LOINC, "5195-3", "hepatitisB"), // Hepatitis B virus surface Ag [Presence] in Serum
    obs(LOINC, "16128-1", "hepatitisC"), // Hepatitis C virus Ab [Presence] in Serum
    obs(DECIDUA_LOCAL, "peripheral-nk-percent", "peripheralNk"),
    obs(DECIDUA_LOCAL, "uterine-nk-percent", "uterineNk"),
    obs(DECIDUA_LOCAL, "nk-cytotoxicity-25-1", "nkCytotoxicity"),
    obs(DECIDUA_LOCAL, "th1-th2-ratio", "th1Th2Ratio"),
    obs(DECIDUA_LOCAL, "tnf-il10-ratio", "tnfIl10Ratio"),
    obs(DECIDUA_LOCAL, "ifn-gamma", "ifnGamma"),
    obs(DECIDUA_LOCAL, "tnf-alpha", "tnfAlpha"),
    obs(DECIDUA_LOCAL, "il-4", "il4"),
    obs(DECIDUA_LOCAL, "il-10", "il10"),
    obs(DECIDUA_LOCAL, "tgf-beta", "tgfBeta"),
    obs(DECIDUA_LOCAL, "il-33", "il33"),
    obs(DECIDUA_LOCAL, "sst2", "sst2"),
    obs(DECIDUA_LOCAL, "tb-screen", "tbScreen"),
    obs(DECIDUA_LOCAL, "anti-paternal-antibodies", "antiPaternalAntibodies"),
  ],
  conditions: [
    { system: SNOMED, code: "102878001", target: "recurrent-miscarriage" },
    { system: SNOMED, code: "55464009", target: "antiphospholipid-syndrome" },
    { system: SNOMED, code: "234467004", target: "thrombophilia" },
    { system: SNOMED, code: "40930008", target: "thyroid-disease" }, // Hypothyroidism
    { system: SNOMED, code: "21983002", target: "thyroid-disease" }, // Hashimoto thyroiditis
    { system: SNOMED, code: "34486009", target: "thyroid-disease" }, // Hyperthyroidism
    { system: SNOMED, code: "29260007", target: "iga-deficiency" }, // Selective IgA immunodeficiency
    { system: SNOMED, code: "56717001", target: "tuberculosis" },
    { system: SNOMED, code: "73211009", target: "diabetes" },
    { system: SNOMED, code: "44054006", target: "diabetes" }, // Type 2
    { system: SNOMED, code: "46635009", target: "diabetes" }, // Type 1
    { system: SNOMED, code: "38341003", target: "hypertension" },
    { system: SNOMED, code: "17369002", target: "pregnancy-loss" }, // Miscarriage
    { system: SNOMED, code: "19169002", target: "pregnancy-loss" }, // Miscarriage in first trimester (as Synthea writes a loss)
    { system: SNOMED, code: "34801009", target: "ectopic-pregnancy" }, // Ectopic pregnancy: an active one is the current pregnancy's location
  ],
  procedures: [
    { system: SNOMED, code: "233545006", target: "hysteroscopy" },
    { system: SNOMED, code: "88355005", target: "hysteroscopy" }, // Diagnostic hysteroscopy
    { system: DECIDUA_LOCAL, code: "3d-ultrasound-uterus", target: "3d-ultrasound" },
    { system: DECIDUA_LOCAL, code: "sonohysterography", target: "sonohysterography" },
    { system: DECIDUA_LOCAL, code: "thrombophilia-screen", target: "thrombophilia-screen" },
  ],
  allergies: [
    { system: SNOMED, code: "213020009", target: "egg" }, // Allergy to egg protein
    { system: SNOMED, code: "91930004", target: "egg" }, // Allergy to eggs (Synthea's egg allergy)
    { system: SNOMED, code: "782594005", target: "soy" }, // Allergy to soy protein
    { system: SNOMED, code: "91935009", target: "peanut" }, // Allergy to peanut
    { system: SNOMED, code: "716186003", target: "no-known-allergy" },
    { system: RXNORM, code: "1191", target: "aspirin" },
    { system: RXNORM, code: "5224", target: "heparin" },
    { system: RXNORM, code: "42316", target: "tacrolimus" },
  ],
  outcomes: [
    { system: SNOMED, code: "17369002", target: "clinical" }, // Miscarriage
    { system: SNOMED, code: "34801009", target: "ectopic" }, // Ectopic pregnancy
    { system: SNOMED, code: "417044008", target: "molar" }, // Hydatidiform mole
    { system: SNOMED, code: "281050002", target: "live-birth" }, // Livebirth
    { system: DECIDUA_LOCAL, code: "biochemical-pregnancy", target: "biochemical" },
  ],
} satisfies CodeMapInput;

/**
 * Where each international code of DEFAULT_CODES was checked (2026-12-01), keyed "system|code". `verified: true`
 * means a public page showed this code with the meaning used here: loinc.org, an HL7 FHIR specification or
 * implementation guide, or a laboratory's published test catalogue naming the code. `verified: false` means it
 * could not be confirmed from a public source in that check: the code has a valid check digit (LOINC mod 10,
 * SNOMED CT Verhoeff) and is still read, but it is unconfirmed and a clinic must check it against its terminology
 * server before relying on it (docs/interop.md lists them). test/interop/fhir-codes.test.ts keeps this table
 * complete.
 */
export interface CodeCheck {
  verified: boolean;
  /** The page the code was checked on (verified), or why it is not verified. */
  source: string;
}
const ok = (source: string): CodeCheck => ({ verified: true, source });
const NOT_FOUND = "not confirmed from a public source in the 2026-12-01 check (check digit valid)";
const no = (note?: string): CodeCheck => ({ verified: false, source: note === undefined ? NOT_FOUND : `${NOT_FOUND}; ${note}` });
const IPS_PREGNANCIES = "https://hl7.org/fhir/uv/ips/2019Sep/ValueSet-pregnancies-summary-uv-ips.html";
const LOINC_TSH = "https://loinc.org/LP14487-0/";
export const CODE_CHECKS: Readonly<Record<string, CodeCheck>> = {
  // LOINC
  [codeKey(LOINC, "29463-7")]: ok("https://hl7.org/fhir/us/vitals/STU1/Observation-bodyWeight-example.html (Body weight)"),
  [codeKey(LOINC, "3141-9")]: ok("https://hl7.org/fhir/2018Jan/observation-example.html (Body weight Measured)"),
  [codeKey(LOINC, "3016-3")]: ok(`${LOINC_TSH} (Thyrotropin [Units/volume] in Serum or Plasma; LOINC advises it only for older assays)`),
  [codeKey(LOINC, "11579-0")]: ok(`${LOINC_TSH} (TSH, detection limit <= 0.05 mIU/L)`),
  [codeKey(LOINC, "11580-8")]: ok(`${LOINC_TSH} (TSH, detection limit <= 0.005 mIU/L); also Labcorp's thyroid panel LOINC map`),
  [codeKey(LOINC, "3024-7")]: ok("http://testcatalog.org/show/FRT4 (Mayo Clinic Laboratories: T4 (Thyroxine), Free, S, ng/dL)"),
  [codeKey(LOINC, "14920-3")]: no("seen only in third-party code, consistently as free T4 moles/volume"),
  [codeKey(LOINC, "8099-4")]: ok("https://avh.testcatalog.org/show/THYROPER- (Mayo Clinic Laboratories: Thyroperoxidase Ab, S) and https://clevelandcliniclabs.com/test/thyroid-peroxidase-antibody/"),
  [codeKey(LOINC, "75514-0")]: ok("LOINC panel 75515-7 as exported from RELMA (docplayer.net/21015489): Lupus anticoagulant two screening tests W Reflex [interpretation]"),
  [codeKey(LOINC, "75882-1")]: ok("https://billingscliniclaboratory.testcatalog.org/show/ALUPI (Mayo: Lupus Anticoagulant Tech Interp of the PT/aPTT/dRVVT profile)"),
  [codeKey(LOINC, "3181-5")]: ok("https://www.clinicaldiagnosticlab.com/cardiolipin-antibody-igg (ARUP-based catalogue: Cardiolipin Antibody IgG, GPL)"),
  [codeKey(LOINC, "3182-3")]: ok("https://forum.loinc.org/t/cardiolipin-igm-igg-suggested-unit/783 (anti-cardiolipin IgM, units/volume, MPL)"),
  [codeKey(LOINC, "44448-9")]: ok("https://uvmlabs.testcatalog.org/show/GB2GP (Mayo: Beta 2 GP1 Ab IgG, S, SGU)"),
  [codeKey(LOINC, "44449-7")]: ok("https://inovalaboratories.testcatalog.org/show/B2GPM (Mayo: Beta 2 GP1 Ab IgM, S)"),
  [codeKey(LOINC, "5048-4")]: no(),
  [codeKey(LOINC, "8061-4")]: ok("https://nrls.labcatalog.net/tests?test=20206 (ANA screen by indirect fluorescent antibody)"),
  [codeKey(LOINC, "62238-1")]: ok("https://build.fhir.org/ig/HL7LT/ig-lt-lab/en/ValueSet-egfr-method.xml.html (in the Lithuanian lab IG's eGFR value set)"),
  [codeKey(LOINC, "98979-8")]: no("the Swiss lab IG (ch.fhir.ig.ch-lab-report) names 98980-6 as its creatinine + cystatin C sibling"),
  [codeKey(LOINC, "33914-3")]: ok("https://hl7.org/fhir/uv/cpg/STU1/ValueSet-ckd-valueset-egfr.html (GFR/1.73 sq M.predicted … by Creatinine-based formula (MDRD))"),
  [codeKey(LOINC, "2160-0")]: ok("https://hl7.org/fhir/uv/ips/STU1/Observation-serum-creatinine-adult.html (Creatinine [Mass/volume] in Serum or Plasma)"),
  [codeKey(LOINC, "14682-9")]: no(),
  [codeKey(LOINC, "63893-2")]: ok("https://hl7.org/fhir/us/ph-library/2022Sep/Observation-us-ph-pregnancy-outcome-eve-everywoman.html (Outcome of pregnancy)"),
  [codeKey(LOINC, "18185-9")]: no(),
  [codeKey(LOINC, "11779-6")]: ok("https://build.fhir.org/ig/HL7/fhir-ips/ValueSet-edd-method-uv-ips.html (IPS's estimated-delivery-date methods: Delivery date Estimated from last menstrual period)"),
  [codeKey(LOINC, "11780-4")]: ok("https://build.fhir.org/ig/HL7/fhir-ips/ValueSet-edd-method-uv-ips.html (IPS's estimated-delivery-date methods: Delivery date Estimated from ovulation date)"),
  [codeKey(LOINC, "11778-8")]: ok("https://github.com/HL7/fhir-ips/blob/master/input/examples/observation-pregnancy-edd-1.xml (Delivery date Estimated: the member of the IPS pregnancy status example)"),
  [codeKey(LOINC, "82810-3")]: ok("https://hl7.org/fhir/uv/ips/Observation-pregnancy-status-example.html (Pregnancy status)"),
  [codeKey(LOINC, "29770-5")]: no(),
  [codeKey(LOINC, "11996-6")]: no("not in the IPS pregnancies summary value set, which has 11612-9 and 11636-8"),
  [codeKey(LOINC, "11612-9")]: ok(`${IPS_PREGNANCIES} ([#] Abortions)`),
  [codeKey(LOINC, "11636-8")]: ok(`${IPS_PREGNANCIES} ([#] Births.live)`),
  [codeKey(LOINC, "75622-1")]: no(),
  [codeKey(LOINC, "5196-1")]: ok("https://www.healthassure.in/codes/loinc-5196-1-hbv-surface-ag-ia-ql (secondary copy of the LOINC name: HBsAg [Presence] in Serum or Plasma by Immunoassay)"),
  [codeKey(LOINC, "5195-3")]: ok("https://loinc.org/5195-3/ (Hepatitis B virus surface Ag [Presence] in Serum)"),
  [codeKey(LOINC, "16128-1")]: ok("https://nrl.testcatalog.org/show/Hepatitis-C-Ab-1 (Hepatitis C Antibody (anti-HCV), serum) and https://labcatalog.net/tests?test=20469"),
  // SNOMED CT
  [codeKey(SNOMED, "102878001")]: no(),
  [codeKey(SNOMED, "55464009")]: no("OpenCodelists' antiphospholipid syndrome list is published in CTV3, not SNOMED CT"),
  [codeKey(SNOMED, "234467004")]: no(),
  [codeKey(SNOMED, "40930008")]: no(),
  [codeKey(SNOMED, "21983002")]: no(),
  [codeKey(SNOMED, "34486009")]: no(),
  [codeKey(SNOMED, "29260007")]: no(),
  [codeKey(SNOMED, "56717001")]: no(),
  [codeKey(SNOMED, "73211009")]: ok("https://build.fhir.org/ig/HL7/crmi-ig/ValueSet-example-diabetes-grouper.html (Diabetes mellitus)"),
  [codeKey(SNOMED, "44054006")]: ok("https://build.fhir.org/ig/HL7/crmi-ig/ValueSet-example-diabetes-grouper.html (Diabetes mellitus type II)"),
  [codeKey(SNOMED, "46635009")]: no("seen as the root of a New Zealand diabetes value set (NZHTS CVDRA Diabetes), its type 1 meaning not shown"),
  [codeKey(SNOMED, "38341003")]: ok("https://build.fhir.org/ig/lk-gov-health-hiu/lk-nehr-fhir-ips/ValueSet-vs-medical-conditions.html (Hypertension, tx.fhir.org expansion)"),
  [codeKey(SNOMED, "17369002")]: ok("https://build.fhir.org/ig/hl7-eu/EHDSI-Terminology-package/ValueSet-eHDSIOutcomeOfPregnancy-8.1.0.html (Miscarriage)"),
  [codeKey(SNOMED, "19169002")]: no("Synthea's pregnancy module writes a miscarriage as this Condition (Miscarriage in first trimester)"),
  [codeKey(SNOMED, "233545006")]: no(),
  [codeKey(SNOMED, "88355005")]: no(),
  [codeKey(SNOMED, "213020009")]: ok("https://build.fhir.org/ig/openhie/FoodAllergy-webinar/branches/master/failure/output/ValueSet-FoodAllergyVS.html (Allergy to egg protein; also the HL7 AU base example)"),
  [codeKey(SNOMED, "91930004")]: no("Synthea writes an egg allergy with this code (Allergy to eggs); public ConceptMaps name it \"Allergy to eggs [disorder]\""),
  [codeKey(SNOMED, "782594005")]: ok("https://build.fhir.org/ig/openhie/FoodAllergy-webinar/branches/master/failure/output/ValueSet-FoodAllergyVS.html (Allergy to soy protein)"),
  [codeKey(SNOMED, "91935009")]: ok("https://build.fhir.org/ig/hl7ch/ch-allergyintolerance/ (example Usecase-6: Allergy to peanut (finding)) and the HL7 Europe base example"),
  [codeKey(SNOMED, "716186003")]: ok("https://build.fhir.org/ig/HL7/fhir-ips/ValueSet-absent-or-unknown-snomed-uv-ips.html (No known allergy (situation))"),
  [codeKey(SNOMED, "34801009")]: ok("https://build.fhir.org/ig/hl7-eu/EHDSI-Terminology-package/ValueSet-eHDSIOutcomeOfPregnancy-8.1.0.html (Ectopic pregnancy)"),
  [codeKey(SNOMED, "417044008")]: ok("https://build.fhir.org/ig/hl7-eu/EHDSI-Terminology-package/ValueSet-eHDSIOutcomeOfPregnancy-8.1.0.html (Hydatidiform mole, benign)"),
  [codeKey(SNOMED, "281050002")]: ok("https://build.fhir.org/ig/hl7-eu/EHDSI-Terminology-package/ValueSet-eHDSIOutcomeOfPregnancy-8.1.0.html (Livebirth)"),
  [codeKey(SNOMED, "77386006")]: ok("https://hl7.org/fhir/uv/ips/ValueSet-pregnancy-status-uv-ips.json.html (LA15173-0 Pregnant ~ SNOMED CT 77386006)"),
  [codeKey(SNOMED, "60001007")]: ok("https://hl7.org/fhir/uv/ips/ValueSet-pregnancy-status-uv-ips.json.html (LA26683-5 Not pregnant ~ SNOMED CT 60001007)"),
  [codeKey(SNOMED, "10828004")]: ok("https://loinc.org/10675-7/ (answer list LL360-9: Positive (qualifier value))"),
  [codeKey(SNOMED, "260385009")]: ok("https://loinc.org/10675-7/ (answer list LL360-9: Negative (qualifier value))"),
  [codeKey(SNOMED, "260373001")]: ok("https://hl7.org/fhir/us/covid19library/informative1/ValueSet-detected-not-detected-value-set.json.html (Detected (qualifier value))"),
  [codeKey(SNOMED, "260415000")]: ok("https://hl7.org/fhir/us/covid19library/informative1/ValueSet-detected-not-detected-value-set.json.html (Not detected (qualifier value))"),
  [codeKey(SNOMED, "17621005")]: no(),
  [codeKey(SNOMED, "263654008")]: no(),
  // RxNorm (allergy to a drug)
  [codeKey(RXNORM, "1191")]: no(),
  [codeKey(RXNORM, "5224")]: no(),
  [codeKey(RXNORM, "42316")]: no(),
};

/** The default terminology merged with a clinic's codes (the clinic's win on a clash). */
export function makeCodeMap(extra?: unknown): CodeMap {
  const base = CodeMapSchema.parse(DEFAULT_CODES);
  const add = extra === undefined ? CodeMapSchema.parse({}) : CodeMapSchema.parse(extra);
  const toMap = <T>(a: { system: string; code: string; target: T }[], b: { system: string; code: string; target: T }[]) =>
    new Map([...a, ...b].map((c) => [codeKey(c.system, c.code), c.target] as const));
  return {
    observations: toMap(base.observations, add.observations),
    conditions: toMap(base.conditions, add.conditions),
    procedures: toMap(base.procedures, add.procedures),
    allergies: toMap(base.allergies, add.allergies),
    outcomes: toMap(base.outcomes, add.outcomes),
  };
}

export const DEFAULT_CODE_MAP: CodeMap = makeCodeMap();

/** Qualitative results as EHRs code them. */
export const POSITIVE_CODES = new Set([codeKey(SNOMED, "10828004"), codeKey(SNOMED, "260373001"), codeKey(V3_INTERPRETATION, "POS"), codeKey(V3_INTERPRETATION, "DET")]);
export const NEGATIVE_CODES = new Set([codeKey(SNOMED, "260385009"), codeKey(SNOMED, "260415000"), codeKey(V3_INTERPRETATION, "NEG"), codeKey(V3_INTERPRETATION, "ND")]);
/** Pregnancy status answers (IPS value set pregnancy-status-uv-ips: LOINC answers and their SNOMED CT equivalents). */
export const PREGNANT_CODES = new Set([codeKey(SNOMED, "77386006"), codeKey(LOINC, "LA15173-0")]);
export const NOT_PREGNANT_CODES = new Set([codeKey(SNOMED, "60001007"), codeKey(LOINC, "LA26683-5")]);
export const NORMAL_CODES = new Set([codeKey(SNOMED, "17621005"), codeKey(V3_INTERPRETATION, "N")]);
export const ABNORMAL_CODES = new Set([codeKey(SNOMED, "263654008"), codeKey(V3_INTERPRETATION, "A"), codeKey(V3_INTERPRETATION, "AA")]);
