/**
 * Decidua → FHIR R4: an Assessment as FHIR resources. Pure: the time, the patient reference and the evidence version
 * are passed in; ids are derived from them (no randomness), so the same assessment always gives the same Bundle.
 *
 *  - one GuidanceResponse per therapy: the verdict (status) and the therapy as reasonCode, the specific finding,
 *    reasons, evidence (with the evidence version) and guideline positions (with citation and verified mark) as notes,
 *    the missing investigations as dataRequirement (status data-required);
 *  - one DetectedIssue per contraindication (severity high);
 *  - a CarePlan per planned protocol with MedicationRequest activities (doses, dates), and ServiceRequests for the
 *    missing investigations;
 *  - the patient and clinician summaries as one DocumentReference (text/markdown).
 */
import type { Assessment, TherapyAssessment } from "../../clinical/assess.js";
import { THERAPY_IDS, type TherapyId } from "../../shared/therapies.js";
import { DECIDUA_FHIR, DECIDUA_LOCAL, LOINC } from "./codes.js";

export const DECIDUA_VERDICT_SYSTEM = `${DECIDUA_FHIR}/CodeSystem/verdict`;
export const DECIDUA_THERAPY_SYSTEM = `${DECIDUA_FHIR}/CodeSystem/therapy`;
export const DECIDUA_MODULE_BASE = `${DECIDUA_FHIR}/PlanDefinition`;

export interface ExportOptions {
  /** Reference to the patient in the receiving system ("Patient/123"). */
  patientReference: string;
  /** Instant of the export (ISO 8601 with time zone). */
  now: string;
  /** Version of the evidence base the assessment used. */
  evidenceVersion: string;
  /** Base of the fullUrls (default DECIDUA_FHIR, https://decidua.example/fhir). */
  base?: string;
}

type Resource = { resourceType: string; id: string } & Record<string, unknown>;

/** Missing investigations that have a LOINC or SNOMED CT order code. */
const MISSING_CODES: Record<string, { system: string; code: string; display: string }> = {
  "karyotype-female": { system: LOINC, code: "29770-5", display: "Karyotype [Identifier] in Blood or Tissue Nominal" },
  "karyotype-male": { system: LOINC, code: "29770-5", display: "Karyotype [Identifier] in Blood or Tissue Nominal" },
  "uterine-anatomy": { system: DECIDUA_LOCAL, code: "3d-ultrasound-uterus", display: "3D ultrasound of the uterus" },
  antiphospholipid: { system: LOINC, code: "75514-0", display: "Lupus anticoagulant, anticardiolipin and anti-β2-glycoprotein I antibodies" },
  thyroid: { system: LOINC, code: "3016-3", display: "Thyrotropin [Units/volume] in Serum or Plasma" },
  thrombophilia: { system: DECIDUA_LOCAL, code: "thrombophilia-screen", display: "Thrombophilia screen" },
  uterineNk: { system: DECIDUA_LOCAL, code: "uterine-nk-percent", display: "Uterine NK cells (endometrial biopsy)" },
  peripheralNk: { system: DECIDUA_LOCAL, code: "peripheral-nk-percent", display: "Peripheral NK cells" },
};

function safeId(s: string): string {
  const id = s.replace(/[^A-Za-z0-9.-]/g, "-").replace(/-+/g, "-").slice(0, 64);
  return id === "" ? "x" : id;
}

const verdictCoding = (t: TherapyAssessment) => ({ system: DECIDUA_VERDICT_SYSTEM, code: t.status, display: t.status.replace(/-/g, " ") });
const therapyCoding = (t: TherapyAssessment) => ({ system: DECIDUA_THERAPY_SYSTEM, code: t.therapy, display: t.name });

/** The specific findings behind a verdict, one line each ("uterine NK 9.5% ≥ 5% (Quenby 2005)"). */
export function findingLines(t: TherapyAssessment): string[] {
  return t.findings.filter((f) => f.role !== "context").map((f) => `${f.role === "supports" ? "Supports" : "Against"}: ${f.reading}`);
}

export function evidenceLines(t: TherapyAssessment, evidenceVersion: string): string[] {
  const e = t.evidence;
  const out = [`Evidence (base ${evidenceVersion}): ${e.summary}`];
  if (e.bestEstimate !== undefined) out.push(`Best estimate: ${e.bestEstimate}`);
  if (e.certainty !== undefined) out.push(`Certainty: ${e.certainty}`);
  for (const g of t.guideline) out.push(`Guideline ${g.citation}${g.verified ? " (verified)" : " (not verified)"}: ${g.statement}`);
  return out;
}

/** Builds the assessment Bundle (type collection). */
export function assessmentToBundle(a: Assessment, opts: ExportOptions): { resourceType: "Bundle"; type: "collection"; timestamp: string; entry: { fullUrl: string; resource: Resource }[] } {
  const base = opts.base ?? DECIDUA_FHIR;
  const stem = safeId(`decidua-${opts.patientReference.split("/").pop() ?? "patient"}-${a.today}`);
  const subject = { reference: opts.patientReference };
  const resources: Resource[] = [];
  const serviceRequests = new Map<string, Resource>();

  const serviceRequestFor = (id: string, label: string, detail: string): Resource => {
    const existing = serviceRequests.get(id);
    if (existing !== undefined) return existing;
    const c = MISSING_CODES[id];
    const sr: Resource = {
      resourceType: "ServiceRequest",
      id: safeId(`${stem}-order-${id}`),
      status: "draft",
      intent: "proposal",
      code: c !== undefined ? { coding: [{ system: c.system, code: c.code, display: c.display }], text: label } : { text: label },
      subject,
      authoredOn: opts.now,
      note: [{ text: detail }],
    };
    serviceRequests.set(id, sr);
    return sr;
  };

  for (const therapy of THERAPY_IDS) {
    const t = a.therapies[therapy];
    const grId = safeId(`${stem}-${therapy}`);
    const notes = [t.headline, ...findingLines(t), ...t.reasons.map((r) => `Reason: ${r}`), ...t.unmet.map((u) => `Not met: ${u}`), ...evidenceLines(t, opts.evidenceVersion)];
    if (t.researchNote !== undefined) notes.push(t.researchNote);
    const gr: Resource = {
      resourceType: "GuidanceResponse",
      id: grId,
      identifier: [{ system: `${DECIDUA_FHIR}/assessment`, value: `${stem}-${therapy}` }],
      moduleUri: `${DECIDUA_MODULE_BASE}/${therapy}`,
      status: t.missing.length > 0 ? "data-required" : "success",
      subject,
      occurrenceDateTime: opts.now,
      reasonCode: [{ coding: [verdictCoding(t)], text: t.status }, { coding: [therapyCoding(t)], text: t.name }],
      note: notes.map((text) => ({ text })),
    };
    if (t.missing.length > 0)
      gr.dataRequirement = t.missing.map((m) => {
        const c = MISSING_CODES[m.id];
        return { type: "Observation", ...(c !== undefined ? { codeFilter: [{ path: "code", code: [{ system: c.system, code: c.code, display: c.display }] }] } : {}) };
      });
    for (const m of t.missing) serviceRequestFor(m.id, m.label, m.detail);
    resources.push(gr);

    if (t.status === "contraindicated") {
      const problems = t.safetyChecks.filter((s) => s.status === "problem" && s.severity === "contraindication");
      resources.push({
        resourceType: "DetectedIssue",
        id: safeId(`${stem}-${therapy}-contraindication`),
        status: "final",
        code: { coding: [{ system: DECIDUA_LOCAL, code: "contraindication", display: "Contraindication" }], text: `Contraindication to ${t.name}` },
        severity: "high",
        patient: subject,
        identifiedDateTime: opts.now,
        detail: [t.headline, ...problems.map((p) => `${p.label}: ${p.detail} (${p.source})`)].join("\n"),
        evidence: [{ detail: [{ reference: `GuidanceResponse/${grId}` }] }],
      });
    }

    if (t.plan !== null) {
      const meds: Resource[] = t.plan.steps
        .filter((s) => s.kind === "injection" || s.kind === "infusion" || s.kind === "medication")
        .map((s) => ({
          resourceType: "MedicationRequest",
          id: safeId(`${stem}-${therapy}-${s.id}`),
          status: "draft",
          intent: "proposal",
          medicationCodeableConcept: { coding: [{ system: DECIDUA_THERAPY_SYSTEM, code: therapy, display: t.name }], text: s.label },
          subject,
          authoredOn: opts.now,
          ...(s.dose !== undefined || s.date !== null
            ? {
                dosageInstruction: [
                  {
                    text: [s.dose?.text, s.when].filter((x) => x !== undefined && x !== "").join("; "),
                    ...(s.date !== null ? { timing: { event: [s.date, ...(s.repeat?.dates ?? []).filter((d) => d !== s.date)] } } : {}),
                  },
                ],
              }
            : {}),
          note: [{ text: `${s.when}${s.provisional === true ? " (provisional: dated from an assumed conception cycle)" : ""}` }],
        }));
      const tests = t.plan.steps
        .filter((s) => s.kind === "test" || s.kind === "monitoring")
        .map((s) => ({
          resourceType: "ServiceRequest",
          id: safeId(`${stem}-${therapy}-${s.id}`),
          status: "draft",
          intent: "proposal",
          code: { text: s.label },
          subject,
          authoredOn: opts.now,
          ...(s.date !== null ? { occurrenceDateTime: s.date } : {}),
          note: [{ text: s.when }],
        }));
      resources.push(...meds, ...tests);
      resources.push({
        resourceType: "CarePlan",
        id: safeId(`${stem}-${therapy}-plan`),
        status: "draft",
        intent: "proposal",
        title: `${t.name}: ${t.plan.protocol}`,
        description: t.plan.statusNote,
        subject,
        created: opts.now,
        period: { start: t.plan.start },
        addresses: [],
        activity: [
          ...[...meds, ...tests].map((r) => ({ reference: { reference: `${r.resourceType}/${r.id}` } })),
          ...t.plan.steps
            .filter((s) => s.kind === "decision" || s.kind === "attempt")
            .map((s) => ({ detail: { status: s.status === "completed" ? "completed" : s.status === "on-hold" ? "on-hold" : "scheduled", description: `${s.label} (${s.when})` } })),
        ],
        note: [...t.plan.monitoring, ...t.plan.stopRules.map((x) => `Stop: ${x}`), ...t.plan.continueRules.map((x) => `Continue: ${x}`)].map((text) => ({ text })),
        supportingInfo: [{ reference: `GuidanceResponse/${grId}` }],
      });
      const cp = resources[resources.length - 1] as Resource;
      delete cp.addresses;
    }
  }
  resources.push(...serviceRequests.values());

  const summary = [
    `# Decidua assessment of ${a.today}`,
    "",
    "## For the patient",
    ...a.patientSummary,
    "",
    "## For the clinician",
    ...a.clinicianSummary,
    "",
    ...THERAPY_IDS.map((id: TherapyId) => `- **${a.therapies[id].name}**: ${a.therapies[id].status} — ${a.therapies[id].headline}`),
    "",
    `Evidence base ${opts.evidenceVersion}. Decision support: most of these immunotherapies are not endorsed by guidelines outside research.`,
  ].join("\n");
  resources.push({
    resourceType: "DocumentReference",
    id: safeId(`${stem}-summary`),
    status: "current",
    docStatus: "preliminary",
    type: { coding: [{ system: LOINC, code: "11488-4", display: "Consult note" }], text: "Decidua RPL immunotherapy assessment" },
    subject,
    date: opts.now,
    description: "Decidua assessment: verdict per therapy with the findings, evidence and guideline positions",
    content: [{ attachment: { contentType: "text/markdown", language: "en", title: `Decidua assessment ${a.today}`, data: Buffer.from(summary, "utf8").toString("base64") } }],
  });

  return {
    resourceType: "Bundle",
    type: "collection",
    timestamp: opts.now,
    entry: resources.map((r) => ({ fullUrl: `${base}/${r.resourceType}/${r.id}`, resource: r })),
  };
}
