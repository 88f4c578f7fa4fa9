/**
 * The five verdict statuses, their order, labels and meanings, and the machine-readable kinds of reason a verdict
 * rests on. Defined once here (no imports: the web bundle and an EHR card read the same table).
 */

/** In the order a clinician reads them: what can be offered first, what is harmful last. */
export const VERDICT_STATUSES = ["recommended", "protocol-eligible", "premature", "not-indicated", "contraindicated"] as const;
export type VerdictStatus = (typeof VERDICT_STATUSES)[number];

/** Sort key per status (the order of VERDICT_STATUSES). */
export const STATUS_ORDER: Readonly<Record<VerdictStatus, number>> = {
  recommended: 0,
  "protocol-eligible": 1,
  premature: 2,
  "not-indicated": 3,
  contraindicated: 4,
};

export const STATUS_LABELS: Readonly<Record<VerdictStatus, string>> = {
  recommended: "Recommended",
  "protocol-eligible": "Protocol-eligible",
  premature: "Premature",
  "not-indicated": "Not indicated",
  contraindicated: "Contraindicated",
};

/** What each status means (issue 9 §1). */
export const STATUS_MEANINGS: Readonly<Record<VerdictStatus, string>> = {
  recommended: "Guideline-supported for this patient.",
  "protocol-eligible":
    "Meets a published protocol's or trial's criteria, not endorsed by guidelines: research setting and written informed consent.",
  premature: "A named investigation or confirmatory test is pending; the verdict may change once it is done.",
  "not-indicated":
    "No indication: another cause explains the losses, the pattern is not the one the protocols select, the selecting markers are normal, or a criterion cannot be completed.",
  contraindicated: "A safety reason makes this therapy harmful for this patient.",
};

/**
 * Why a verdict has its status, for machines (web, patient text, EHR cards all branch on this, not on wording):
 * - safety: a harm for this patient (contraindicated)
 * - explained-by-other-cause: APS, a parental chromosomal abnormality, a uterine anomaly, aneuploid losses…
 * - pattern-mismatch: the losses are not the pattern the protocols select (e.g. cervical insufficiency), or not RPL
 * - timing-mismatch: the protocol starts before conception and the patient is pregnant (or the reverse)
 * - marker-normal: the selecting markers were measured and are within their cut-offs
 * - criterion-not-completable: the protocol asks for something the patient cannot complete (more losses, primary RPL)
 * - investigation-pending: a named investigation or confirmatory repeat is due (premature)
 * - conflicting-results: two results of the same day disagree; a repeat is asked for (premature)
 * - guideline-not-supported: outside the guideline-supported situation (e.g. thrombophilia, no APS)
 * - criteria-met: meets a published protocol's criteria (protocol-eligible)
 * - guideline-supported: a guideline supports it for this patient (recommended)
 */
export const REASON_KINDS = [
  "safety",
  "explained-by-other-cause",
  "pattern-mismatch",
  "timing-mismatch",
  "marker-normal",
  "criterion-not-completable",
  "investigation-pending",
  "conflicting-results",
  "guideline-not-supported",
  "criteria-met",
  "guideline-supported",
] as const;
export type ReasonKind = (typeof REASON_KINDS)[number];

/** The statuses a reason kind can stand behind (a verdict whose kind and status disagree is a defect). */
export const REASON_KIND_STATUS: Readonly<Record<ReasonKind, VerdictStatus>> = {
  safety: "contraindicated",
  "explained-by-other-cause": "not-indicated",
  "pattern-mismatch": "not-indicated",
  "timing-mismatch": "not-indicated",
  "marker-normal": "not-indicated",
  "criterion-not-completable": "not-indicated",
  "guideline-not-supported": "not-indicated",
  "investigation-pending": "premature",
  "conflicting-results": "premature",
  "criteria-met": "protocol-eligible",
  "guideline-supported": "recommended",
};

/** How each reason kind reads in a clinician's card. */
export const REASON_KIND_LABELS: Readonly<Record<ReasonKind, string>> = {
  safety: "safety contraindication",
  "explained-by-other-cause": "explained by another cause",
  "pattern-mismatch": "pattern not the one the protocols select",
  "timing-mismatch": "protocol timing does not fit",
  "marker-normal": "selecting markers normal",
  "criterion-not-completable": "a protocol criterion that cannot be completed",
  "investigation-pending": "investigation pending",
  "conflicting-results": "conflicting results: repeat needed",
  "guideline-not-supported": "outside the guideline-supported situation",
  "criteria-met": "protocol criteria met",
  "guideline-supported": "guideline-supported",
};
