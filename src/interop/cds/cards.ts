/**
 * CDS Hooks 2.0 for Decidua: the discovery document, the patient-view prefetch templates, the request schema and
 * the cards built from an Assessment. Pure: ids come from the `newId` function passed in, times are passed in.
 *
 * Cards: one per therapy that is recommended, protocol-eligible or contraindicated; one for the therapies that are
 * premature with the missing investigations as ServiceRequest suggestions; one naming what of the EHR record could
 * not be read. A record that could not be read completely never gives a verdict without saying so.
 */
import { z } from "zod";
import type { Assessment, TherapyAssessment } from "../../clinical/assess.js";
import { THERAPY_IDS } from "../../shared/therapies.js";
import { DECIDUA_FHIR } from "../fhir/codes.js";
import { DECIDUA_THERAPY_SYSTEM, findingLines } from "../fhir/export.js";
import type { FhirImport } from "../fhir/import.js";

export const PATIENT_VIEW_SERVICE_ID = "decidua-rpl-immunotherapy";

/** Prefetch templates for everything the FHIR mapper reads. */
export const PATIENT_VIEW_PREFETCH = {
  patient: "Patient/{{context.patientId}}",
  observations: "Observation?patient=Patient/{{context.patientId}}&_count=1000",
  conditions: "Condition?patient=Patient/{{context.patientId}}&_count=200",
  procedures: "Procedure?patient=Patient/{{context.patientId}}&_count=200",
  reports: "DiagnosticReport?patient=Patient/{{context.patientId}}&_count=200",
  allergies: "AllergyIntolerance?patient=Patient/{{context.patientId}}&_count=200",
  medications: "MedicationStatement?patient=Patient/{{context.patientId}}&_count=200",
  medicationRequests: "MedicationRequest?patient=Patient/{{context.patientId}}&_count=200",
  partners: "RelatedPerson?patient=Patient/{{context.patientId}}&_count=50",
} as const;
export type PrefetchKey = keyof typeof PATIENT_VIEW_PREFETCH;

export function discovery(): { services: Record<string, unknown>[] } {
  return {
    services: [
      {
        hook: "patient-view",
        id: PATIENT_VIEW_SERVICE_ID,
        title: "Decidua: immunotherapy for recurrent pregnancy loss",
        description:
          "Verdict per immunotherapy (recommended, protocol-eligible, premature, not indicated, contraindicated) with the specific finding, the missing investigations, the evidence and the guideline position.",
        prefetch: PATIENT_VIEW_PREFETCH,
        usageRequirements: "The CDS client must be registered by a Decidua administrator (issuer and JWKS).",
      },
    ],
  };
}

const Coding = z.looseObject({ system: z.string().optional(), code: z.string(), display: z.string().optional() });

/** A CDS Hooks 2.0 request to the patient-view service. */
export const CdsRequestSchema = z.looseObject({
  hook: z.literal("patient-view", { error: 'hook must be "patient-view"' }),
  hookInstance: z.string().min(1, { error: "hookInstance is required" }),
  fhirServer: z.url({ error: "fhirServer must be a URL" }).optional(),
  fhirAuthorization: z
    .looseObject({
      access_token: z.string().min(1),
      token_type: z.literal("Bearer", { error: 'token_type must be "Bearer"' }),
      expires_in: z.number(),
      scope: z.string(),
      subject: z.string(),
      patient: z.string().optional(),
    })
    .optional(),
  context: z.looseObject({ userId: z.string().min(1), patientId: z.string().min(1), encounterId: z.string().optional() }),
  prefetch: z.record(z.string(), z.unknown().nullable()).optional(),
});
export type CdsRequest = z.infer<typeof CdsRequestSchema>;

export const FeedbackSchema = z.strictObject({
  feedback: z
    .array(
      z.looseObject({
        card: z.string().min(1),
        outcome: z.enum(["accepted", "overridden"], { error: 'outcome must be "accepted" or "overridden"' }),
        acceptedSuggestions: z.array(z.looseObject({ id: z.string() })).optional(),
        overrideReason: z.looseObject({ reason: Coding.optional(), userComment: z.string().max(2000).optional() }).optional(),
        outcomeTimestamp: z.iso.datetime({ offset: true, error: "outcomeTimestamp must be an ISO 8601 instant" }),
      }),
    )
    .min(1),
});

export const OVERRIDE_REASON_SYSTEM = `${DECIDUA_FHIR}/CodeSystem/cds-override-reason`;
export const OVERRIDE_REASONS = [
  { code: "already-addressed", system: OVERRIDE_REASON_SYSTEM, display: "Already discussed or addressed with the patient" },
  { code: "patient-declined", system: OVERRIDE_REASON_SYSTEM, display: "Patient declined" },
  { code: "clinical-judgement", system: OVERRIDE_REASON_SYSTEM, display: "Not applicable in my clinical judgement" },
  { code: "record-incomplete", system: OVERRIDE_REASON_SYSTEM, display: "The EHR record is incomplete or wrong" },
];

export interface Card {
  uuid: string;
  summary: string;
  detail: string;
  indicator: "info" | "warning" | "critical";
  source: { label: string; url?: string; topic?: { system: string; code: string; display: string } };
  suggestions?: { label: string; uuid: string; isRecommended?: boolean; actions: { type: "create"; description: string; resource: Record<string, unknown> }[] }[];
  selectionBehavior?: "at-most-one" | "any";
  overrideReasons?: typeof OVERRIDE_REASONS;
  links?: { label: string; url: string; type: "absolute" | "smart"; appContext?: string }[];
}

export interface CardOptions {
  newId: () => string;
  evidenceVersion: string;
  /** Decidua's base URL (links and the card source). */
  appUrl: string;
  /** The SMART launch URL of Decidua, for links of type "smart". */
  smartLaunchUrl: string;
  /** When the EHR data were read (ISO instant). */
  readAt: string;
  patientReference: string;
}

const MAX_SUMMARY = 140;
/** CDS Hooks: summary under 140 characters. */
export function clip(s: string, max = MAX_SUMMARY): string {
  const chars = [...s];
  return chars.length <= max ? s : `${chars.slice(0, max - 1).join("").trimEnd()}…`;
}

const STATUS_WORDS: Record<TherapyAssessment["status"], string> = {
  recommended: "recommended",
  "protocol-eligible": "eligible for a research protocol",
  premature: "premature",
  "not-indicated": "not indicated",
  contraindicated: "contraindicated",
};

function guidelineLine(t: TherapyAssessment): string[] {
  return t.guideline.map((g) => `- ${g.body}${g.year !== undefined ? ` ${g.year}` : ""}: ${g.statement} — *${g.citation}*${g.verified ? " (verified)" : " (not verified)"}`);
}

function sourceOf(t: TherapyAssessment, o: CardOptions): Card["source"] {
  const g = t.guideline.find((x) => x.verified) ?? t.guideline[0];
  return {
    label: `Decidua (evidence base ${o.evidenceVersion}${g !== undefined ? `; ${g.body}${g.year !== undefined ? ` ${g.year}` : ""}${g.verified ? ", verified" : ", not verified"}` : ""})`,
    url: `${o.appUrl}/evidence/${t.therapy}`,
    topic: { system: DECIDUA_THERAPY_SYSTEM, code: t.therapy, display: t.name },
  };
}

/** The one finding a summary names: the first supporting finding, else the headline. */
function keyFinding(t: TherapyAssessment): string {
  const role = t.status === "contraindicated" ? "against" : "supports";
  const own = t.findings.filter((x) => x.role === role);
  // the patient's specific finding (an immune marker, a safety item) before the general "unexplained losses"
  const f = own.find((x) => x.id !== "unexplained-losses" && !x.id.startsWith("explained-loss")) ?? own[0];
  if (f === undefined) return t.headline;
  if (f.value === null || typeof f.value === "string") return f.reading;
  const label = f.label.replace(/\s*\([^)]*\)\s*$/, "");
  const unit = f.unit === null ? "" : f.unit === "%" ? "%" : ` ${f.unit}`;
  return `${label} ${f.value}${unit}${f.cutOff !== null ? ` (${f.cutOff})` : ""}`;
}

function importNote(imp: FhirImport, o: CardOptions): string[] {
  const lines = [`*From the EHR at ${o.readAt}.*`];
  if (imp.warnings.length > 0) lines.push("", "**The EHR record was read incompletely:**", ...imp.warnings.map((w) => `- ${w}`));
  if (imp.unmapped.length > 0) lines.push("", `${imp.unmapped.length} EHR item(s) were not read into the assessment (listed in Decidua).`);
  return lines;
}

function missingOrders(t: TherapyAssessment[], o: CardOptions): NonNullable<Card["suggestions"]> {
  const seen = new Map<string, { label: string; detail: string }>();
  for (const x of t) for (const m of x.missing) if (!seen.has(m.id)) seen.set(m.id, { label: m.label, detail: m.detail });
  return [...seen.entries()].map(([, m]) => ({
    label: clip(`Order: ${m.label}`, 80),
    uuid: o.newId(),
    actions: [
      {
        type: "create",
        description: `Order ${m.label}`,
        resource: { resourceType: "ServiceRequest", status: "draft", intent: "proposal", code: { text: m.label }, subject: { reference: o.patientReference }, note: [{ text: m.detail }] },
      },
    ],
  }));
}

function links(o: CardOptions, therapy?: string): NonNullable<Card["links"]> {
  return [
    { label: "Open the assessment in Decidua", url: o.smartLaunchUrl, type: "smart", ...(therapy !== undefined ? { appContext: JSON.stringify({ therapy }) } : {}) },
    ...(therapy !== undefined ? [{ label: "Evidence in Decidua", url: `${o.appUrl}/evidence/${therapy}`, type: "absolute" as const }] : []),
  ];
}

/**
 * The cards for one assessment of an EHR record. `currentlyPregnant` makes a contraindication critical (it matters
 * now); otherwise a contraindication is a warning.
 */
export function assessmentCards(a: Assessment, imp: FhirImport, o: CardOptions): Card[] {
  const cards: Card[] = [];
  const pregnantNow = imp.normalised.currentPregnancy !== undefined;
  const incomplete = imp.warnings.length > 0;
  for (const id of THERAPY_IDS) {
    const t = a.therapies[id];
    if (t.status !== "recommended" && t.status !== "protocol-eligible" && t.status !== "contraindicated") continue;
    const indicator: Card["indicator"] = t.status === "contraindicated" ? (pregnantNow ? "critical" : "warning") : incomplete ? "warning" : "info";
    const detail = [
      `**${t.name}: ${STATUS_WORDS[t.status]}.** ${t.headline}`,
      "",
      "**Finding:**",
      ...(findingLines(t).length > 0 ? findingLines(t).map((l) => `- ${l}`) : ["- (none recorded)"]),
      ...(t.reasons.length > 0 ? ["", "**Why:**", ...t.reasons.map((r) => `- ${r}`)] : []),
      ...(t.status === "contraindicated"
        ? ["", "**Contraindications:**", ...t.safetyChecks.filter((s) => s.status === "problem").map((s) => `- ${s.label}: ${s.detail} (${s.source})`)]
        : []),
      ...(t.researchNote !== undefined ? ["", t.researchNote] : []),
      "",
      `**Evidence** (base ${o.evidenceVersion}): ${t.evidence.summary}${t.evidence.certainty !== undefined ? ` Certainty: ${t.evidence.certainty}.` : ""}`,
      ...(t.guideline.length > 0 ? ["", "**Guidelines:**", ...guidelineLine(t)] : []),
      ...(t.missing.length > 0 ? ["", "**Still missing:**", ...t.missing.map((m) => `- ${m.label}: ${m.detail}`)] : []),
      "",
      ...importNote(imp, o),
    ].join("\n");
    const suggestions = missingOrders([t], o);
    cards.push({
      uuid: o.newId(),
      summary: clip(`${incomplete ? "[EHR record incomplete] " : ""}${t.name}: ${STATUS_WORDS[t.status]} — ${keyFinding(t)}`),
      detail,
      indicator,
      source: sourceOf(t, o),
      ...(suggestions.length > 0 ? { suggestions, selectionBehavior: "any" as const } : {}),
      overrideReasons: OVERRIDE_REASONS,
      links: links(o, t.therapy),
    });
  }

  const premature = THERAPY_IDS.map((id) => a.therapies[id]).filter((t) => t.status === "premature");
  if (premature.length > 0) {
    const suggestions = missingOrders(premature, o);
    cards.push({
      uuid: o.newId(),
      summary: clip(`Immunotherapy premature (${premature.length} therapies): complete the work-up first${suggestions.length > 0 ? ` — ${suggestions.length} investigation(s) missing` : ""}`),
      detail: [
        "No immunotherapy decision should be made before the standard work-up is complete.",
        "",
        ...premature.map((t) => `- **${t.name}**: ${t.headline}`),
        ...(suggestions.length > 0 ? ["", "**Missing investigations:**", ...suggestions.map((s) => `- ${s.actions[0]?.description ?? s.label}`)] : []),
        "",
        ...importNote(imp, o),
      ].join("\n"),
      indicator: "warning",
      source: { label: `Decidua (evidence base ${o.evidenceVersion}; ESHRE RPL guideline work-up)`, url: o.appUrl },
      ...(suggestions.length > 0 ? { suggestions, selectionBehavior: "any" as const } : {}),
      overrideReasons: OVERRIDE_REASONS,
      links: links(o),
    });
  }

  if (imp.unmapped.length > 0 || incomplete) {
    cards.push({
      uuid: o.newId(),
      summary: clip(`Decidua could not read ${imp.unmapped.length} EHR item(s)${incomplete ? "; the record is incomplete" : ""}: review before relying on the verdicts`),
      detail: [
        ...importNote(imp, o),
        "",
        "| resource | code | why |",
        "| --- | --- | --- |",
        ...imp.unmapped.slice(0, 50).map((u) => `| ${u.resource} | ${u.code.replace(/\|/g, "\\|")} | ${u.reason.replace(/\|/g, "\\|")} |`),
        ...(imp.unmapped.length > 50 ? [`| … | ${imp.unmapped.length - 50} more | |`] : []),
      ].join("\n"),
      indicator: incomplete ? "warning" : "info",
      source: { label: "Decidua (FHIR import)", url: o.appUrl },
      links: links(o),
    });
  }
  return cards;
}

/** The card when the EHR's data could not be had: no verdict is given. */
export function unavailableCard(why: string, o: Pick<CardOptions, "newId" | "appUrl">): Card {
  return {
    uuid: o.newId(),
    summary: clip(`Decidua: EHR information unavailable — no immunotherapy assessment made`),
    detail: [`Decidua could not read this patient's record from the EHR, so it gives **no verdict** on any therapy.`, "", `Reason: ${why}`].join("\n"),
    indicator: "warning",
    source: { label: "Decidua", url: o.appUrl },
  };
}
