/**
 * The researcher's view, by allow-list. Only coded fields pass (enumerations, numbers, flags, units, titres);
 * every free-text field is dropped; a key the allow-list does not name never passes (`$schema`, `id` and any
 * field added to the record later included: new fields are hidden until they are listed here).
 *
 * Date policy (docs/security.md): no calendar date reaches a researcher. Every date becomes a whole number of
 * days relative to the patient's day 0 — the first recorded loss (or, without a dated loss, the earliest date in
 * the record and follow-ups); the date of birth becomes the age in completed years on day 0. Record metadata
 * (created, updated), the assessment date and audit times are not shown. Pure functions over plain data.
 */

type Spec = "code" | "num" | "bool" | "date" | "unit" | "followupUnit" | "titre" | "therapy" | { obj: Record<string, Spec> } | { arr: Spec };

const obj = (o: Record<string, Spec>): Spec => ({ obj: o });
const arr = (s: Spec): Spec => ({ arr: s });

/** A measured value: number, unit and date, plus the extras some markers carry. */
const q = (extra: Record<string, Spec> = {}): Spec => obj({ value: "num", unit: "unit", date: "date", ...extra });
const ratio = obj({ value: "num", date: "date" });
const cytokine = q({ labFlag: "code" });

/** The patient record (src/clinical/record.ts), field by field. Free text (detail, finding, pattern) is absent. */
export const RECORD_ALLOW_LIST: Spec = obj({
  age: "num",
  weight: q(),
  losses: arr(obj({ date: "date", gestationalWeek: "num", kind: "code", embryoKaryotype: obj({ result: "code" }), fetalHeartActivitySeen: "bool", treatedWith: arr("therapy") })),
  liveBirths: arr(obj({ date: "date", gestationalWeek: "num", preeclampsiaOrPlacentalInsufficiency: "bool" })),
  ivf: obj({ transfers: arr(obj({ date: "date", embryos: "num", quality: "code", stage: "code", euploidTested: "bool", outcome: "code" })) }),
  workup: obj({
    karyotypeFemale: obj({ result: "code", date: "date" }),
    karyotypeMale: obj({ result: "code", date: "date" }),
    uterineAnatomy: obj({ method: "code", result: "code", date: "date" }),
    antiphospholipid: arr(obj({ date: "date", lupusAnticoagulant: "code", aclIgG: q({ percentile99: "num" }), aclIgM: q({ percentile99: "num" }), b2gpiIgG: q({ percentile99: "num" }), b2gpiIgM: q({ percentile99: "num" }) })),
    thyroid: obj({ date: "date", tsh: q(), freeT4: q(), tpoAb: q({ upperLimit: "num" }) }),
    thrombophilia: obj({ result: "code", findings: arr("code"), date: "date" }),
  }),
  immune: obj({
    peripheralNk: q(),
    nkCytotoxicity: q(),
    uterineNk: q({ cycleDay: "num" }),
    th1Th2Ratio: ratio,
    tnfIl10Ratio: ratio,
    il33: cytokine,
    sst2: cytokine,
    ana: obj({ titre: "titre", date: "date" }),
    antiPaternalAntibodies: obj({ result: "code", method: "code", date: "date" }),
    cytokines: obj({ ifnGamma: cytokine, tnfAlpha: cytokine, il4: cytokine, il10: cytokine, tgfBeta: cytokine }),
  }),
  safety: obj({
    igaDeficiency: "bool",
    allergies: arr("code"),
    tb: "code",
    hepatitisB: "code",
    diabetes: "bool",
    hypertension: "bool",
    egfr: q(),
    creatinine: q(),
    g6pdDeficiency: "bool",
    retinopathy: "bool",
    porphyria: "bool",
    liverDisease: "bool",
    psoriasis: "bool",
    thrombosisHistory: "bool",
    bleedingDisorder: "bool",
  }),
  partner: obj({ hiv: "code", hepatitisB: "code", hepatitisC: "code" }),
  currentPregnancy: obj({ gestationalWeek: "num", lastMenstrualPeriod: "date", positiveTestDate: "date", bleeding: "bool", location: "code" }),
  followUps: arr(obj({ test: "code", date: "date", result: "code" })),
});

/** A stored follow-up (src/server/routes/patients.ts FollowUpSchema); notes and descriptions are free text. */
export const FOLLOWUP_ALLOW_LIST: Spec = obj({
  kind: "code",
  date: "date",
  gestationalWeek: "num",
  therapy: "therapy",
  severity: "code",
  test: "code",
  value: "num",
  unit: "followupUnit",
  positive: "bool",
});

const DATE = /^(\d{4})-(\d{2})-(\d{2})/;
/** Codes are short lower-case identifiers ("clinical", "protocol-eligible", "3d-ultrasound", "anti-paternal-antibody"). */
const CODE = /^[a-z0-9][a-z0-9-]{0,39}$/;
/** Record units are checked against each marker's unit family when the record is written. */
const UNIT = /^[A-Za-z0-9%/.^*·µμ\- ]{1,16}$/;
/** Follow-up units are free text in the API: only these pass. */
const FOLLOWUP_UNITS = new Set(["%", "MFI", "mfi", "ratio", "titre", "U/mL", "IU/mL", "AU/mL", "g/L", "mg/L"]);
const TITRE = /^\s*(?:negative|neg|not detected|<\s*1\s*[:/]\s*\d{1,6}|(?:1\s*[:/]\s*)?\d{1,6})\s*$/i;
const THERAPY = /^[a-z0-9][a-z0-9-]{0,39}$/;

function utcDay(s: string): number | null {
  const m = DATE.exec(s);
  if (m === null) return null;
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return Number.isNaN(t) ? null : Math.floor(t / 86_400_000);
}

/** Day `date` relative to day 0 (whole days; null without a date or without day 0). */
export function relativeDay(date: unknown, day0: string | null): number | null {
  if (typeof date !== "string" || day0 === null) return null;
  const a = utcDay(date);
  const b = utcDay(day0);
  return a === null || b === null ? null : a - b;
}

/** Completed years from `birth` to `on` (both YYYY-MM-DD). */
export function ageInYears(birth: string, on: string): number | null {
  const b = DATE.exec(birth);
  const o = DATE.exec(on);
  if (b === null || o === null) return null;
  let age = Number(o[1]) - Number(b[1]);
  if (Number(o[2]) < Number(b[2]) || (Number(o[2]) === Number(b[2]) && Number(o[3]) < Number(b[3]))) age -= 1;
  return age;
}

/** Every date string reachable in a value (record or follow-up documents), for the fallback day 0. */
function datesIn(v: unknown, out: string[] = []): string[] {
  const stack = [v];
  while (stack.length > 0) {
    const x = stack.pop();
    if (typeof x === "string") {
      if (/^\d{4}-\d{2}-\d{2}$/.test(x)) out.push(x);
    } else if (Array.isArray(x)) stack.push(...(x as unknown[]));
    else if (x !== null && typeof x === "object") stack.push(...Object.values(x));
  }
  return out;
}

/** Day 0 of a patient: the first dated loss; else the earliest date of the record and follow-ups; else null. */
export function dayZero(record: unknown, followups: readonly unknown[] = []): string | null {
  const r = (record ?? {}) as { losses?: unknown };
  const lossDates = Array.isArray(r.losses) ? (r.losses as Array<{ date?: unknown }>).map((l) => l?.date).filter((d): d is string => typeof d === "string" && utcDay(d) !== null) : [];
  const pool = lossDates.length > 0 ? lossDates : datesIn([record, followups]).filter((d) => utcDay(d) !== null);
  if (pool.length === 0) return null;
  return pool.reduce((a, b) => (b < a ? b : a)).slice(0, 10);
}

/** The value as the allow-list lets it through (undefined: dropped). Dates become `<key>Day` / `day`. */
function project(v: unknown, spec: Spec, day0: string | null): unknown {
  if (typeof spec === "object" && "obj" in spec) {
    if (v === null || typeof v !== "object" || Array.isArray(v)) return undefined;
    const out: Record<string, unknown> = {};
    for (const [k, sub] of Object.entries(spec.obj)) {
      const x = (v as Record<string, unknown>)[k];
      if (x === undefined) continue;
      if (sub === "date") {
        const d = relativeDay(x, day0);
        if (d !== null) out[k === "date" ? "day" : `${k}Day`] = d;
        continue;
      }
      const p = project(x, sub, day0);
      if (p !== undefined) out[k] = p;
    }
    return out;
  }
  if (typeof spec === "object" && "arr" in spec) {
    if (!Array.isArray(v)) return undefined;
    return v.map((x) => project(x, spec.arr, day0)).filter((x) => x !== undefined);
  }
  switch (spec) {
    case "num":
      return typeof v === "number" && Number.isFinite(v) ? v : undefined;
    case "bool":
      return typeof v === "boolean" ? v : undefined;
    case "code":
      return typeof v === "string" && CODE.test(v) && utcDay(v) === null ? v : undefined;
    case "therapy":
      return typeof v === "string" && THERAPY.test(v) ? v : undefined;
    case "unit":
      return typeof v === "string" && UNIT.test(v) ? v : undefined;
    case "followupUnit":
      return typeof v === "string" && FOLLOWUP_UNITS.has(v) ? v : undefined;
    case "titre":
      return typeof v === "string" && TITRE.test(v) ? v.trim() : undefined;
    case "date":
      return undefined;
  }
}

export function researchRecord(record: unknown, day0: string | null): Record<string, unknown> {
  return (project(record, RECORD_ALLOW_LIST, day0) as Record<string, unknown> | undefined) ?? {};
}

export function researchFollowup(data: unknown, day0: string | null): Record<string, unknown> {
  const out = (project(data, FOLLOWUP_ALLOW_LIST, day0) as Record<string, unknown> | undefined) ?? {};
  // the antibody test name is free text in the API; only the one the rules read is a code
  if (out.test !== undefined && out.test !== "anti-paternal-antibody") out.test = "other";
  return out;
}

/** The patient summary a researcher sees: the pseudonym, the version and the age on day 0; no date, no name. */
export function researchSummary(p: { id: string; pseudonymId: string; version: number; dateOfBirth: string }, day0: string | null) {
  return {
    id: p.id,
    pseudonymId: p.pseudonymId,
    displayName: null,
    dateOfBirth: null,
    ageYears: day0 === null ? null : ageInYears(p.dateOfBirth, day0),
    version: p.version,
    createdAt: null,
    createdBy: null,
    updatedAt: null,
    updatedBy: null,
  };
}

/** Keys of an assessment whose text is written from the record (readings, details, summaries): never passed. */
const ASSESSMENT_FREE_TEXT = new Set(["patientId", "detail", "reading", "note", "notes", "typeNote", "guidelineNote", "patientSummary", "clinicianSummary", "warnings", "finding", "pattern", "description", "text", "quote", "message", "original", "why", "reason", "explanation", "summary"]);
/** Keys whose text comes from Decidua's own constants (labels, rules, citations, evidence), not from the record. */
const ASSESSMENT_FIXED_TEXT = new Set(["label", "name", "rule", "title", "citation", "short", "reference", "url", "doi", "statement", "recommendation", "strength", "certainty", "outcome", "measure", "therapy", "guideline", "organisation", "organization", "source", "status", "verified"]);

/** A calendar date as the record writes it (ISO, with an optional time). */
const ISO_DATE_TIME = /\d{4}-\d{2}-\d{2}(?:T[\d:.]+Z?)?/;
/** A calendar date in a text: ISO, or as Decidua's texts write one ("30 May 2024"). One definition for the two filters. */
const CALENDAR_DATE_IN_TEXT = new RegExp(`${ISO_DATE_TIME.source}|\\b\\d{1,2}\\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\\s+\\d{4}\\b`, "i");
const hasCalendarDate = (v: string): boolean => CALENDAR_DATE_IN_TEXT.test(v);
const CALENDAR_DATES_IN_TEXT = new RegExp(CALENDAR_DATE_IN_TEXT.source, "gi");
/** A value that is a date and nothing else. */
const IS_DATE = new RegExp(`^(?:${ISO_DATE_TIME.source})$`);

/**
 * The assessment a researcher sees: the same structure, with the record's dates as days relative to day 0
 * (`date` → `day`), the assessment date and the plans' dates left out, free-text keys removed, and any other text passed only when it is a code, a
 * fixed label of Decidua's own or a number. A date inside a text drops the text.
 */
export function researchAssessment(assessment: unknown, day0: string | null): unknown {
  // dates counted from the assessment date (today, the plans) would give day 0 away to anyone who knows
  // today's date: they are dropped, not converted
  const walk = (v: unknown, key: string, fromToday = false): unknown => {
    if (typeof v === "number" || typeof v === "boolean" || v === null) return v;
    if (typeof v === "string") {
      if (hasCalendarDate(v)) return undefined;
      if (CODE.test(v) || TITRE.test(v) || UNIT.test(v)) return v;
      return ASSESSMENT_FIXED_TEXT.has(key) && v.length <= 400 ? v : undefined;
    }
    if (Array.isArray(v)) return v.map((x) => walk(x, key, fromToday)).filter((x) => x !== undefined);
    if (typeof v === "object") {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
        // left empty rather than removed, so readers of the assessment's shape (the web UI) keep working
        // the evidence version by number and hash only: its publication date would give day 0 away, too
        if (k === "evidenceVersion" && typeof x === "object" && x !== null) {
          const ev = x as { number?: unknown; contentHash?: unknown };
          out[k] = { number: ev.number, contentHash: ev.contentHash, label: `evidence v${String(ev.number)}` };
          continue;
        }
        if (ASSESSMENT_FREE_TEXT.has(k) || k === "today") {
          if (k === "patientId") continue;
          if (typeof x === "string") out[k] = "";
          else if (Array.isArray(x)) out[k] = [];
          continue;
        }
        if (typeof x === "string" && DATE.test(x)) {
          if (fromToday) continue;
          const d = relativeDay(x, day0);
          if (d !== null) out[k === "date" ? "day" : `${k}Day`] = d;
          continue;
        }
        const w = walk(x, k, fromToday || k === "plan" || k === "plans" || k === "steps");
        if (w !== undefined) out[k] = w;
      }
      return out;
    }
    return undefined;
  };
  return walk(assessment, "");
}

/**
 * Text computed from an identified record (a trial's eligibility findings, an exclusion reason) as a researcher may
 * read it: every calendar date in it withheld ("from 2024-05-30" would give day 0, and with it every date of the
 * record, away to one who sees the pseudonymised record's relative days), a value that is a date left out.
 */
export function withholdDates(v: unknown): unknown {
  if (typeof v === "string") {
    if (IS_DATE.test(v)) return undefined;
    return v.replace(CALENDAR_DATES_IN_TEXT, "[date withheld]");
  }
  if (Array.isArray(v)) return v.map(withholdDates).filter((x) => x !== undefined);
  if (typeof v === "object" && v !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      const w = withholdDates(x);
      if (w !== undefined) out[k] = w;
    }
    return out;
  }
  return v;
}

