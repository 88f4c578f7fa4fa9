/**
 * The record's words for what clinicians record (issue 9 §2), with no imports: the record schema (record.ts) and
 * the web's record form read the same list.
 */

/**
 * Where the current pregnancy is on ultrasound: a sac in the uterus, a pregnancy of unknown location (a positive
 * test with nothing seen in or outside the uterus), or ectopic. With the words the record form offers.
 */
export const PREGNANCY_LOCATIONS = ["intrauterine", "unknown", "ectopic"] as const;
export type PregnancyLocation = (typeof PREGNANCY_LOCATIONS)[number];
export const PREGNANCY_LOCATION_LABELS: Readonly<Record<PregnancyLocation, string>> = {
  intrauterine: "Intrauterine (sac seen in the uterus)",
  unknown: "Unknown location (nothing seen)",
  ectopic: "Ectopic",
};

/** How a pregnancy was lost, where known. */
export const LOSS_MECHANISMS = ["embryonic-death", "fetal-death", "pre-viable-delivery", "cervical-insufficiency", "pprom", "ectopic", "molar"] as const;
export type LossMechanism = (typeof LOSS_MECHANISMS)[number];
export const LOSS_MECHANISM_LABELS: Readonly<Record<LossMechanism, string>> = {
  "embryonic-death": "embryonic death",
  "fetal-death": "fetal death",
  "pre-viable-delivery": "pre-viable delivery",
  "cervical-insufficiency": "cervical insufficiency (painless dilatation)",
  pprom: "preterm pre-viable rupture of membranes",
  ectopic: "ectopic pregnancy",
  molar: "molar pregnancy",
};
