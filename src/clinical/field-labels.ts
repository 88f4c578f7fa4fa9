/**
 * Record fields in clinicians' words, for the history: "immune.uterineNk" → "Uterine NK (% of stromal cells)",
 * "losses[1].gestationalWeek" → "Loss 2: gestational week". No imports: the web bundle reads it.
 */
const FIELD_WORDS: Readonly<Record<string, string>> = {
  displayName: "Name",
  dateOfBirth: "Date of birth",
  age: "Age",
  weight: "Weight",
  losses: "Losses",
  liveBirths: "Live births",
  gestationalWeek: "gestational week",
  kind: "kind",
  date: "date",
  mechanism: "mechanism",
  trimester: "trimester",
  embryoKaryotype: "embryo karyotype",
  result: "result",
  detail: "detail",
  abnormality: "abnormality",
  treatedWith: "treated with",
  fetalHeartActivitySeen: "fetal heart seen",
  karyotypeFemale: "Karyotype (woman)",
  karyotypeMale: "Karyotype (partner)",
  uterineAnatomy: "Uterine anatomy",
  method: "method",
  finding: "finding",
  antiphospholipid: "aPL panel",
  lupusAnticoagulant: "lupus anticoagulant",
  aclIgG: "anticardiolipin IgG",
  aclIgM: "anticardiolipin IgM",
  b2gpiIgG: "anti-β2GPI IgG",
  b2gpiIgM: "anti-β2GPI IgM",
  percentile99: "99th percentile",
  thyroid: "Thyroid",
  tsh: "TSH",
  freeT4: "free T4",
  tpoAb: "TPO antibodies",
  thrombophilia: "Thrombophilia screen",
  findings: "findings",
  peripheralNk: "Peripheral NK",
  nkCytotoxicity: "NK cytotoxicity",
  uterineNk: "Uterine NK",
  specimen: "specimen",
  cycleDay: "cycle day",
  th1Th2Ratio: "Th1/Th2 ratio",
  tnfIl10Ratio: "TNF-α/IL-10 ratio",
  il33: "IL-33",
  sst2: "sST2",
  ana: "ANA",
  titre: "titre",
  antiPaternalAntibodies: "Anti-paternal antibodies",
  cytokines: "Cytokines",
  igaDeficiency: "IgA deficiency",
  igaLevel: "IgA level",
  antiIgaAntibodies: "Anti-IgA antibodies",
  allergies: "Allergies",
  tb: "Tuberculosis",
  hepatitisB: "Hepatitis B",
  hepatitisC: "Hepatitis C",
  hiv: "HIV",
  egfr: "eGFR",
  creatinine: "Creatinine",
  partner: "Partner",
  currentPregnancy: "Current pregnancy",
  lastMenstrualPeriod: "last menstrual period",
  positiveTestDate: "positive test",
  bleeding: "bleeding",
  location: "location on ultrasound",
  medications: "Medications",
  name: "name",
  dose: "dose",
  since: "since",
  followUps: "Follow-ups",
  activeInfection: "Active infection",
  sickleCellDisease: "Sickle cell disease",
  ivf: "IVF",
  transfers: "transfer",
  embryos: "embryos",
  quality: "quality",
  outcome: "outcome",
};

const ITEM_WORDS: Readonly<Record<string, string>> = { losses: "Loss", liveBirths: "Live birth", antiphospholipid: "aPL panel", transfers: "Transfer", medications: "Medication", followUps: "Follow-up" };

/** A record path ("record.immune.uterineNk.value", "losses[1].date") in clinicians' words. */
export function fieldLabel(path: string): string {
  const parts = path.replace(/^record\./, "").split(".");
  const words: string[] = [];
  for (const part of parts) {
    const m = /^([A-Za-z0-9]+)(?:\[(\d+)\])?$/.exec(part);
    if (m === null) {
      words.push(part);
      continue;
    }
    const [, key, index] = m as unknown as [string, string, string | undefined];
    if (["immune", "workup", "safety"].includes(key) && index === undefined) continue;
    if (key === "value" || key === "unit") continue;
    if (index !== undefined) words.push(`${ITEM_WORDS[key] ?? FIELD_WORDS[key] ?? key} ${Number(index) + 1}`);
    else words.push(FIELD_WORDS[key] ?? key);
  }
  const [first, ...rest] = words;
  return first === undefined ? path : rest.length === 0 ? first : `${first}: ${rest.join(", ")}`;
}
