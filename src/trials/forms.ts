/**
 * The trial's data-capture forms as zod schemas (field-level validation as in the clinic record): marker values
 * with their allowed units, the outcome form, adverse events, consent and visits; and the data dictionary of the
 * exports (variable, label, type, unit, codes).
 */
import { z } from "zod";
import { TRIAL_MARKERS, TRIAL_MARKER_IDS, type TrialMarkerId } from "./markers.js";

export { TRIAL_MARKERS, TRIAL_MARKER_IDS, type TrialMarkerId };

const IsoDate = z.iso.date({ error: "must be a date written YYYY-MM-DD" });

export const MarkerValueSchema = z
  .strictObject({
    visitId: z.string().min(1),
    marker: z.enum(TRIAL_MARKER_IDS as [TrialMarkerId, ...TrialMarkerId[]], { error: `marker must be one of ${TRIAL_MARKER_IDS.join(", ")}` }),
    value: z.number({ error: "must be a number" }),
    unit: z.string().min(1),
    method: z.string().max(80).optional(),
  })
  .superRefine((m, ctx) => {
    const def = TRIAL_MARKERS[m.marker];
    if (!(def.units as readonly string[]).includes(m.unit)) ctx.addIssue({ code: "custom", path: ["unit"], message: `${def.label} is entered in ${def.units.join(" or ")}` });
    if (Number.isFinite(m.value) && (m.value < def.min || m.value > def.max))
      ctx.addIssue({ code: "custom", path: ["value"], message: `impossible ${def.label}: ${m.value} (must be between ${def.min} and ${def.max})` });
  });

export const OutcomeFormSchema = z
  .strictObject({
    conception: z.boolean().optional(),
    conceptionDate: IsoDate.optional(),
    miscarriage: z.boolean().optional(),
    miscarriageWeek: z.number().min(0, { error: "impossible gestational week: below 0" }).max(24, { error: "a loss after 24 weeks is a stillbirth, not a miscarriage" }).optional(),
    liveBirth: z.boolean().optional(),
    healthyNewborn: z.boolean().optional(),
    birthWeightG: z.number().int().min(200, { error: "impossible birth weight: under 200 g" }).max(7000, { error: "impossible birth weight: over 7000 g" }).optional(),
    receivedAllocated: z.boolean().optional(),
    notReceivedReason: z.string().min(3).max(200).optional(),
    lostToFollowUp: z.boolean().optional(),
    lostReason: z.string().min(3).max(200).optional(),
    discontinued: z.boolean().optional(),
    discontinuedReason: z.string().min(3).max(200).optional(),
    perProtocol: z.boolean().optional(),
  })
  .superRefine((o, ctx) => {
    const need = (cond: boolean, path: string, msg: string) => {
      if (cond) ctx.addIssue({ code: "custom", path: [path], message: msg });
    };
    need(o.conception === false && (o.miscarriage === true || o.liveBirth === true), "conception", "a miscarriage or a live birth needs a conception");
    need(o.miscarriage === true && o.liveBirth === true, "liveBirth", "a pregnancy ends in a miscarriage or a live birth, not both");
    need(o.miscarriage === true && o.miscarriageWeek === undefined, "miscarriageWeek", "give the gestational week of the miscarriage");
    need(o.healthyNewborn === true && o.liveBirth !== true, "healthyNewborn", "a healthy newborn needs a live birth");
    need(o.birthWeightG !== undefined && o.liveBirth !== true, "birthWeightG", "a birth weight needs a live birth");
    need(o.receivedAllocated === false && o.notReceivedReason === undefined, "notReceivedReason", "say why the allocated intervention was not received");
    need(o.lostToFollowUp === true && o.lostReason === undefined, "lostReason", "say why the participant was lost to follow-up");
    need(o.discontinued === true && o.discontinuedReason === undefined, "discontinuedReason", "say why the intervention was discontinued");
  });
export type OutcomeForm = z.output<typeof OutcomeFormSchema>;

export const AdverseEventSchema = z.strictObject({
  term: z.string().min(2).max(120),
  onset: IsoDate,
  serious: z.boolean(),
  severity: z.enum(["mild", "moderate", "severe"]),
  related: z.enum(["not related", "unlikely", "possibly", "probably", "definitely"]),
});

export const ConsentSchema = z.strictObject({
  takenBy: z.string().min(2).max(120),
  consentedOn: IsoDate,
  sheetVersion: z.string().min(1).max(20),
});

export const VisitFormSchema = z.strictObject({
  visitId: z.string().min(1),
  date: IsoDate,
  outOfWindowReason: z.string().min(3).max(300).optional(),
});

export interface DictionaryEntry {
  form: string;
  variable: string;
  label: string;
  type: "text" | "integer" | "number" | "date" | "boolean";
  unit: string;
  codes: string;
}

/** The data dictionary of the flat export files (one row per variable). */
export function dataDictionary(arms: readonly string[], visits: readonly string[]): DictionaryEntry[] {
  const b = "1 = yes, 0 = no, empty = not recorded";
  const e = (form: string, variable: string, label: string, type: DictionaryEntry["type"], unit = "", codes = ""): DictionaryEntry => ({ form, variable, label, type, unit, codes });
  return [
    e("participants", "study_id", "Study id (pseudonym; no patient identifiers)", "text"),
    e("participants", "group", "Randomised candidate or non-randomised comparison group", "text", "", "randomised, or the comparison group id"),
    e("participants", "eligibility", "Eligibility from the stored record", "text", "", "eligible, not-eligible, incomplete, comparison-group"),
    e("participants", "strata", "Stratum (name=value pairs joined by ;)", "text"),
    e("participants", "consent_date", "Date of consent (shifted per participant)", "date"),
    e("participants", "sheet_version", "Information-sheet version consented to", "text"),
    e("participants", "sequence", "Allocation sequence number", "integer"),
    e("participants", "arm", "Allocated arm", "text", "", arms.join(", ")),
    e("participants", "kit_code", "Kit code (placebo-controlled trials)", "text"),
    e("participants", "allocation_date", "Date of allocation (shifted per participant)", "date"),
    e("participants", "unblinded", "Emergency unblinding", "boolean", "", b),
    e("visits", "study_id", "Study id", "text"),
    e("visits", "visit", "Visit", "text", "", visits.join(", ")),
    e("visits", "date", "Visit date (shifted per participant)", "date"),
    e("visits", "out_of_window_reason", "Reason the visit was outside its window", "text"),
    e("markers", "study_id", "Study id", "text"),
    e("markers", "visit", "Visit", "text", "", visits.join(", ")),
    e("markers", "marker", "Marker", "text", "", TRIAL_MARKER_IDS.join(", ")),
    e("markers", "value", "Value", "number", "see unit"),
    e("markers", "unit", "Unit", "text", "", [...new Set(Object.values(TRIAL_MARKERS).flatMap((m) => m.units))].join(", ")),
    e("markers", "method", "Laboratory method", "text"),
    e("outcomes", "study_id", "Study id", "text"),
    e("outcomes", "conception", "Conception", "boolean", "", b),
    e("outcomes", "conception_date", "Date of conception (shifted per participant)", "date"),
    e("outcomes", "miscarriage", "Miscarriage", "boolean", "", b),
    e("outcomes", "miscarriage_week", "Gestational week of the miscarriage", "number", "weeks"),
    e("outcomes", "live_birth", "Live birth", "boolean", "", b),
    e("outcomes", "healthy_newborn", "Healthy newborn without deformities", "boolean", "", b),
    e("outcomes", "birth_weight", "Birth weight", "integer", "g"),
    e("outcomes", "received_allocated", "Received the allocated intervention", "boolean", "", b),
    e("outcomes", "lost_to_follow_up", "Lost to follow-up", "boolean", "", b),
    e("outcomes", "discontinued", "Discontinued the intervention", "boolean", "", b),
    e("outcomes", "per_protocol", "In the per-protocol set", "boolean", "", b),
    e("adverse_events", "study_id", "Study id", "text"),
    e("adverse_events", "term", "Adverse event", "text"),
    e("adverse_events", "onset", "Onset (shifted per participant)", "date"),
    e("adverse_events", "serious", "Serious adverse event", "boolean", "", b),
    e("adverse_events", "severity", "Severity", "text", "", "mild, moderate, severe"),
    e("adverse_events", "related", "Relation to the intervention", "text", "", "not related, unlikely, possibly, probably, definitely"),
  ];
}

/** An R script that reads the exported files, labels the variables and runs the primary analysis. */
export function exportRScript(trialTitle: string, treatment: string, control: string, outcomeVariable: string): string {
  return [
    `# ${trialTitle.replace(/\n/g, " ")}`,
    "# Reads the Decidua trial export (one CSV per form + data_dictionary.csv) and runs the primary analysis.",
    "# Dates are shifted per participant (intervals are kept); study ids are pseudonyms.",
    'dict <- read.csv("data_dictionary.csv", stringsAsFactors = FALSE)',
    'participants <- read.csv("participants.csv", stringsAsFactors = FALSE, na.strings = "")',
    'visits <- read.csv("visits.csv", stringsAsFactors = FALSE, na.strings = "")',
    'markers <- read.csv("markers.csv", stringsAsFactors = FALSE, na.strings = "")',
    'outcomes <- read.csv("outcomes.csv", stringsAsFactors = FALSE, na.strings = "")',
    'adverse_events <- read.csv("adverse_events.csv", stringsAsFactors = FALSE, na.strings = "")',
    'for (v in dict$variable[dict$type == "date"]) for (d in c("participants", "visits", "outcomes", "adverse_events")) {',
    "  x <- get(d); if (v %in% names(x)) { x[[v]] <- as.Date(x[[v]]); assign(d, x) }",
    "}",
    'itt <- merge(participants[!is.na(participants$arm), ], outcomes, by = "study_id", all.x = TRUE)',
    `itt$arm <- factor(itt$arm, levels = c(${JSON.stringify(control)}, ${JSON.stringify(treatment)}))`,
    `tab <- table(itt$arm, itt$${outcomeVariable})`,
    "print(tab)",
    "print(fisher.test(tab))",
    "print(chisq.test(tab, correct = FALSE))",
    `summary(glm(${outcomeVariable} ~ arm, family = binomial, data = itt))`,
    "",
  ].join("\n");
}

/** The outcome-form variable that holds a protocol outcome (export column and analysis). */
export function outcomeVariable(kind: "live-birth" | "healthy-newborn" | "miscarriage" | "clinical-pregnancy" | "ongoing-pregnancy" | "birth-weight"): "live_birth" | "healthy_newborn" | "miscarriage" | "conception" | "birth_weight" {
  switch (kind) {
    case "live-birth":
      return "live_birth";
    case "healthy-newborn":
      return "healthy_newborn";
    case "miscarriage":
      return "miscarriage";
    case "birth-weight":
      return "birth_weight";
    default:
      return "conception";
  }
}
