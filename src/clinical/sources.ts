/**
 * The citations the clinical rules rest on (cut-offs, trial inclusion criteria, protocol doses), and the small
 * table of guideline positions the verdict logic needs. Only positions whose wording was read are in
 * GUIDELINE_POSITIONS; the full set with strengths lives in the evidence
 * base (src/evidence), which the assessment receives as a parameter.
 */

export interface Citation {
  /** Stable key, e.g. "quenby-2005". */
  id: string;
  /** Short label for people: "Quenby 2005". */
  label: string;
  /** Journal reference or document. */
  reference: string;
  pmid?: string;
  url?: string;
}

const c = (id: string, label: string, reference: string, extra: { pmid?: string; url?: string } = {}): Citation => ({
  id,
  label,
  reference,
  ...extra,
});

export const CITATIONS = {
  quenby2005: c("quenby-2005", "Quenby 2005", "Fertil Steril 2005;84:980 (uterine NK normal below 5% of stromal cells)"),
  tuckerman2007: c("tuckerman-2007", "Tuckerman 2007", "Hum Reprod 2007;22:2208 (uNK did not predict outcome)"),
  lee2013: c("lee-2013", "Lee/Kwak-Kim 2013", "Am J Reprod Immunol 2013 (peripheral NK 12%, NK cytotoxicity 23.8%)", { pmid: "23656517" }),
  nakagawa2015: c("nakagawa-2015", "Nakagawa 2015", "Am J Reprod Immunol 2015 (Th1/Th2 ≥ 10.3, tacrolimus)"),
  winger2011: c("winger-2011", "Winger 2011", "Am J Reprod Immunol 2011;65:610 (TNF-α/IL-10 normal 13.2–30.6)"),
  vomstein2021: c("vomstein-2021", "Vomstein 2021", "J Clin Med 2021;10:869, table 2 (ANA titre)", { url: "https://pmc.ncbi.nlm.nih.gov/articles/PMC7923780/" }),
  miyakis2006: c("miyakis-2006", "Miyakis 2006 (Sydney criteria)", "J Thromb Haemost 2006;4:295"),
  ijfs2015: c("ijfs-2015", "IJFS 2015 P-110", "Int J Fertil Steril 2015 congress abstract P-110: white-blood-cell cross-match 2 weeks after lymphocyte immunotherapy"),
  dashti2025: c("dashti-2025", "Dashti 2025", "J Reprod Immunol 2025;168:104432: LIT in ANA-positive and ANA-negative RPL; outcomes improved in both, more in ANA-negative", { url: "https://doi.org/10.1016/j.jri.2025.104432" }),
  source001: c("9m-fertility-lit-explainer", "9M Fertility LIT explainer", "9M Fertility (Hyderabad, India), patient-information web page on LIT for recurrent miscarriage: selection criteria and two illustrative profiles"),
  zhao2023tacrolimus: c("liu-2023", "Liu 2023 (tacrolimus RCT)", "Liu J et al. Tacrolimus improved the pregnancy outcomes of patients with refractory recurrent spontaneous abortion and immune bias disorders: a randomized controlled trial. Eur J Clin Pharmacol 2023 (≥3 serial losses with raised IL-33/sST2 or Th1/Th2; tacrolimus 0.05–0.1 mg/kg/day)", { pmid: "36912957", url: "https://doi.org/10.1007/s00228-023-03473-9" }),
  yamada2022: c("yamada-2022", "Yamada 2022", "IVIG 400 mg/kg/day x5 from 4–6 weeks, ≥4 unexplained losses", { url: "https://pmc.ncbi.nlm.nih.gov/articles/PMC9251568/" }),
  tang2013: c("tang-2013", "Tang 2013", "Tang AW et al. Hum Reprod 2013: pilot RCT of prednisolone 20 mg/day in recurrent miscarriage with raised uterine NK cells"),
  dakhly2016: c("dakhly-2016", "Dakhly 2016", "Int J Gynaecol Obstet 2016: intralipid in women with NK > 12%, no benefit"),
  scarpellini2009: c("scarpellini-2009", "Scarpellini 2009", "G-CSF 1 µg/kg/day from ovulation + 6 days, unexplained primary RM"),
  response2019: c("response-2019", "RESPONSE 2019", "G-CSF 130 µg/day from 3–5 weeks: no benefit", { url: "https://eprints.soton.ac.uk/426208" }),
  hcqRct: c("hcq-rct", "HCQ RCT (unexplained RM)", "Randomised trial of hydroxychloroquine 200 mg twice daily before conception in unexplained recurrent miscarriage (Egyptian Knowledge Bank journal article 462416)", { url: "http://journals.ekb.eg/article_462416_0.html" }),
  prism2019: c("prism-2019", "PRISM 2019", "Coomarasamy A et al. A randomized trial of progesterone in women with bleeding in early pregnancy. N Engl J Med 2019;380:1815-1824"),
  promise2015: c("promise-2015", "PROMISE 2015", "Coomarasamy A et al. A randomized trial of progesterone in women with recurrent miscarriages. N Engl J Med 2015;373:2141-2148"),
  alife2: c("alife2-2023", "ALIFE2 2023", "Quenby S et al. Heparin for women with recurrent miscarriage and inherited thrombophilia (ALIFE2): an international open-label randomised controlled trial. Lancet 2023", { pmid: "37271152" }),
  facil2: c("facil-2", "FACIL-2 (NCT03970954)", "Open-label proof-of-concept: low-dose IL-2 3 MIU/day x5 from 10 days after menses, women with ≥5 unexplained early losses"),
  coughlan2014: c("coughlan-2014", "Coughlan 2014", "Reprod Biomed Online 2014;28:14 (RIF: no pregnancy after ≥4 good-quality embryos in ≥3 cycles, under 40)"),
  aoki1993: c("aoki-1993", "Aoki 1993", "Irradiated partner lymphocytes at about 5 and 7 weeks of pregnancy", { pmid: "8372875" }),
  pandey2004: c("pandey-2004", "Pandey 2004", "Intradermal partner lymphocytes every 4 weeks"),
  kling2006: c("kling-2006", "Kling 2006", "Am J Reprod Immunol 2006: LIT side effects (transfusion-type risks)", { pmid: "16911711" }),
  eshre2017: c("eshre-2017", "ESHRE 2017", "ESHRE guideline: recurrent pregnancy loss. Hum Reprod Open 2018;hoy004", { url: "https://pmc.ncbi.nlm.nih.gov/articles/PMC6276652/" }),
  rcog2023: c("rcog-2023", "RCOG 2023", "RCOG Green-top Guideline 17, BJOG 2023;130:e9–e39", { pmid: "37334488" }),
  acr2020: c("acr-2020", "ACR 2020", "ACR guideline for reproductive health in rheumatic disease (obstetric APS)", { url: "https://emedicine.medscape.com/article/261691-guidelines" }),
  fda2002: c("fda-2002", "FDA 2002", "FDA, 30 January 2002: lymphocyte immunisation only under an investigational new drug application"),
  choosingWiselyCa2022: c("cwc-2022", "Choosing Wisely Canada 2022", "No corticosteroids, IVIG, LIF or LIT for RPL or RIF"),
  nba: c("nba-au", "Australian National Blood Authority", "Immunoglobulin criteria: not supported for RPL", { url: "https://www.criteria.blood.gov.au/MedicalCondition/View/2737" }),
  eshreRplDefinition: c("eshre-2022-def", "ESHRE 2022", "RPL = 2 or more pregnancy losses before 24 weeks, including non-visualised losses", { url: "https://pmc.ncbi.nlm.nih.gov/articles/PMC9982362/" }),
  decidua: c("decidua-rule", "Decidua safety rule", "Project rule from the drug's known risks; confirm against the product information and local protocol"),
} as const satisfies Record<string, Citation>;

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
