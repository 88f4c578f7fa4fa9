/**
 * The citations the clinical rules rest on (cut-offs, trial inclusion criteria, protocol doses), and the small
 * table of guideline positions the verdict logic needs. Only positions whose wording was read are in
 * GUIDELINE_POSITIONS; the full set with strengths lives in the evidence
 * base (src/evidence), which the assessment receives as a parameter.
 */
import CITATION_TABLE from "./citations.json" with { type: "json" };

export interface Citation {
  /** Stable key, e.g. "quenby-2005". */
  id: string;
  /** Short label for people: "Quenby 2005". */
  label: string;
  /** The publication (authors, title, journal or web page, year), then in brackets what the rule takes from it. */
  reference: string;
  pmid?: string;
  doi?: string;
  url?: string;
}

/** The citations, by the key the rules use (CITATIONS.quenby2005): a data table, citations.json. */
export const CITATIONS = CITATION_TABLE satisfies Record<string, Citation>;

export type Body = "ESHRE" | "RCOG" | "ASRM" | "ACR" | "FDA" | "Choosing Wisely Canada" | "NBA";

/** A guideline or regulator position as the assessment shows it. */
export interface GuidelinePosition {
  body: Body | string;
  /** Year of the document, when known. */
  year?: number;
  /** Our paraphrase of the position. */
  statement: string;
  strength?: string;
  /** The position's direction as the evidence base words it (recommended, conditional, against, research-only, no-recommendation). */
  direction?: string;
  population?: string;
  citation: Citation;
  /** True only when the wording was read in the source. */
  verified: boolean;
  /** The same position's id in the evidence base (data/guidelines.json): its verified mark is the one shown. */
  guidelineId?: string;
}

const g = (p: GuidelinePosition): GuidelinePosition => p;

/**
 * Minimal positions for the verdict logic. The ACR 2020 positions were read in a secondary source (a Medscape
 * summary), so they are unverified, as in the evidence base. Keys are situations the rules test, not therapies:
 * the evidence base supplies the complete list per therapy.
 */
export const GUIDELINE_POSITIONS = {
  eshreAps3: g({
    body: "ESHRE",
    year: 2017,
    statement: "Women with laboratory APS and three or more losses: low-dose aspirin 75–100 mg/day before conception and prophylactic heparin from the positive pregnancy test may be considered.",
    strength: "conditional, very low quality",
    direction: "conditional",
    population: "APS (laboratory criteria) with ≥3 losses",
    citation: CITATIONS.eshre2017,
    verified: true,
    guidelineId: "eshre-2017-aps-lda-heparin",
  }),
  eshreAps2: g({
    body: "ESHRE",
    year: 2017,
    statement: "With APS and only two losses, anticoagulant treatment belongs to research settings.",
    strength: "good practice point",
    direction: "research-only",
    population: "APS with 2 losses",
    citation: CITATIONS.eshre2017,
    verified: true,
    guidelineId: "eshre-2017-aps-two-losses",
  }),
  eshreThrombophilia: g({
    body: "ESHRE",
    year: 2017,
    statement: "In hereditary thrombophilia with RPL, antithrombotic treatment is not suggested outside research or VTE prophylaxis.",
    strength: "conditional, low quality",
    population: "Hereditary thrombophilia and RPL",
    citation: CITATIONS.eshre2017,
    verified: true,
    guidelineId: "eshre-2017-hereditary-thrombophilia",
  }),
  acrApsStandard: g({
    body: "ACR",
    year: 2020,
    statement: "Obstetric APS: low-dose aspirin (81–100 mg) with prophylactic LMWH, continued 6–12 weeks post partum.",
    strength: "strong",
    direction: "recommended",
    population: "Obstetric APS",
    citation: CITATIONS.acr2020,
    verified: false,
    guidelineId: "acr-2020-obstetric-aps",
  }),
  acrRefractoryIvig: g({
    body: "ACR",
    year: 2020,
    statement: "Refractory obstetric APS: IVIG is conditionally advised against.",
    strength: "conditional",
    population: "Refractory obstetric APS",
    citation: CITATIONS.acr2020,
    verified: false,
  }),
  acrRefractoryPrednisone: g({
    body: "ACR",
    year: 2020,
    statement: "Refractory obstetric APS: adding prednisone is strongly advised against.",
    strength: "strong",
    population: "Refractory obstetric APS",
    citation: CITATIONS.acr2020,
    verified: false,
  }),
  acrRefractoryHcq: g({
    body: "ACR",
    year: 2020,
    statement: "Refractory obstetric APS: adding hydroxychloroquine is conditionally suggested.",
    strength: "conditional",
    population: "Refractory obstetric APS",
    citation: CITATIONS.acr2020,
    verified: false,
    guidelineId: "acr-2020-hcq",
  }),
  fdaLit: g({
    body: "FDA",
    year: 2002,
    statement: "Lymphocyte immunisation is investigational: in the USA it may be given only under an IND (a registered research protocol).",
    citation: CITATIONS.fda2002,
    verified: true,
  }),
  cwcImmunotherapy: g({
    body: "Choosing Wisely Canada",
    year: 2022,
    statement: "Do not offer corticosteroids, IVIG, leukaemia inhibitory factor or lymphocyte immunisation for RPL or RIF.",
    population: "RPL or RIF",
    citation: CITATIONS.choosingWiselyCa2022,
    verified: true,
  }),
  nbaIvig: g({
    body: "NBA",
    statement: "Immunoglobulin use is not supported for recurrent pregnancy loss under the Australian criteria.",
    citation: CITATIONS.nba,
    verified: true,
  }),
  eshreNkTesting: g({
    body: "ESHRE",
    year: 2017,
    statement: "Evidence is insufficient to recommend NK-cell testing in blood or endometrium.",
    strength: "strong, very low quality",
    citation: CITATIONS.eshre2017,
    verified: true,
  }),
  eshreCytokineTesting: g({
    body: "ESHRE",
    year: 2017,
    statement: "Cytokine testing should not be used in women with RPL.",
    strength: "strong, low quality",
    citation: CITATIONS.eshre2017,
    verified: true,
  }),
  eshreAnaTesting: g({
    body: "ESHRE",
    year: 2017,
    statement: "ANA testing could be considered for explanatory purposes.",
    strength: "conditional, low quality",
    citation: CITATIONS.eshre2017,
    verified: true,
  }),
  eshreAntiHla: g({
    body: "ESHRE",
    year: 2017,
    statement: "Testing for anti-HLA antibodies is not recommended.",
    strength: "strong, moderate quality",
    citation: CITATIONS.eshre2017,
    verified: true,
  }),
  rcogImmuneScreening: g({
    body: "RCOG",
    year: 2023,
    statement: "No routine immunological screening (HLA, cytokines, NK cells) outside research.",
    strength: "grade C",
    citation: CITATIONS.rcog2023,
    verified: true,
  }),
} as const satisfies Record<string, GuidelinePosition>;
