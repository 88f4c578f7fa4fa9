/** The markers of the trial forms with their allowed units (no zod: the web UI imports this file too). */
/** Markers measured in the trials (flow cytometry, ELISA, real-time PCR), each with the units it may be entered in. */
export const TRIAL_MARKERS = {
  nkPercent: { label: "NK cells (CD3−CD56+, % of lymphocytes)", units: ["%"], method: "flow cytometry", min: 0, max: 100 },
  th1Th2Ratio: { label: "Th1/Th2 ratio (CD4+IFN-γ+/CD4+IL-4+)", units: ["ratio"], method: "flow cytometry", min: 0, max: 1000 },
  ifnGamma: { label: "IFN-γ (serum)", units: ["pg/mL"], method: "ELISA", min: 0, max: 1e6 },
  tnfAlpha: { label: "TNF-α (serum)", units: ["pg/mL"], method: "ELISA", min: 0, max: 1e6 },
  il4: { label: "IL-4 (serum)", units: ["pg/mL"], method: "ELISA", min: 0, max: 1e6 },
  il10: { label: "IL-10 (serum)", units: ["pg/mL"], method: "ELISA", min: 0, max: 1e6 },
  tgfBeta: { label: "TGF-β (serum)", units: ["pg/mL", "ng/mL"], method: "ELISA", min: 0, max: 1e7 },
  il33: { label: "IL-33 (serum)", units: ["pg/mL"], method: "ELISA", min: 0, max: 1e6 },
  sst2: { label: "sST2 (serum)", units: ["ng/mL", "pg/mL"], method: "ELISA", min: 0, max: 1e7 },
  ifnGammaExpression: { label: "IFN-γ gene expression", units: ["fold change"], method: "real-time PCR", min: 0, max: 1e4 },
  il4Expression: { label: "IL-4 gene expression", units: ["fold change"], method: "real-time PCR", min: 0, max: 1e4 },
  tgfBetaExpression: { label: "TGF-β gene expression", units: ["fold change"], method: "real-time PCR", min: 0, max: 1e4 },
  foxp3Expression: { label: "FOXP3 gene expression", units: ["fold change"], method: "real-time PCR", min: 0, max: 1e4 },
} as const;
export type TrialMarkerId = keyof typeof TRIAL_MARKERS;
export const TRIAL_MARKER_IDS = Object.keys(TRIAL_MARKERS) as TrialMarkerId[];

