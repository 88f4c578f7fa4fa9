/**
 * FHIR R4 → Decidua patient record: a pure mapper beside clinical/record.ts (like stats/input.ts for study tables).
 *
 * bundleToRecord reads a Bundle (or the resources of a CDS Hooks prefetch / a FHIR search), maps every resource it
 * understands into the patient record as written (PatientRecordInput, with UCUM-converted units), lists everything
 * it cannot map with the resource and code, and passes the record through the same validation as a typed-in record
 * (parsePatientRecord). Nothing unmapped is dropped silently and nothing missing is filled in as normal: a field
 * without an EHR result stays absent, and the assessment names it as a missing investigation.
 *
 * Bad input throws an InputError naming the resource (Type/id) and the element: a Bundle that is not R4, a resource
 * that fails its schema, a quantity with an unknown or inconvertible unit.
 */
import type { z } from "zod";
import { InputError } from "../../shared/errors.js";
import { addDays, daysBetween } from "../../clinical/dates.js";
import { formatPath, parsePatientRecord, pregnancyOver, PREGNANCY_WEEKS_AT_MOST, type PatientRecord, type PatientRecordInput } from "../../clinical/record.js";
import {
  ABNORMAL_CODES,
  codeKey,
  DEFAULT_CODE_MAP,
  NEGATIVE_CODES,
  NORMAL_CODES,
  OBSERVATION_TARGETS,
  POSITIVE_CODES,
  NOT_PREGNANT_CODES,
  PREGNANT_CODES,
  UCUM,
  V3_INTERPRETATION,
  type AllergyTarget,
  type CodeMap,
  type ObservationTarget,
  type QuantityTarget,
} from "./codes.js";
import {
  BundleSchema,
  notR4Reason,
  READ_SCHEMAS,
  type AllergyIntolerance,
  type CodeableConcept,
  type Condition,
  type DiagnosticReport,
  type MedicationRequest,
  type MedicationStatement,
  type Observation,
  type Patient,
  type Procedure,
  type Quantity,
  type ReadResourceType,
} from "./r4.js";
import { convertUcum } from "./ucum.js";

/** An EHR item Decidua did not put into the record, shown to the clinician. */
export interface UnmappedItem {
  /** "Observation/obs-12". */
  resource: string;
  /** "http://loinc.org|1234-5 (display)" or "(no code)". */
  code: string;
  reason: string;
}

export interface FhirImportOptions {
  /** The assessment date (YYYY-MM-DD): the age is computed at this date. */
  today: string;
  codeMap?: CodeMap;
  /** Shown in errors (the Bundle file name or the FHIR server). */
  file?: string;
  /** When the Bundle holds several patients: the Patient id to read. */
  patientId?: string;
}

export interface FhirImport {
  patient: { fhirId: string; birthDate?: string; name?: string; gender?: string };
  /** The patient record as written (Decidua JSON), ready to store or assess. */
  record: PatientRecordInput;
  /** The same record validated and normalised (what the rules read). */
  normalised: PatientRecord;
  unmapped: UnmappedItem[];
  /** Gaps the clinician must know about before trusting a verdict (e.g. an allergy that could not be read). */
  warnings: string[];
  /** Record field → the resource it came from. */
  provenance: Record<string, string>;
  resourceCount: number;
}

type AnyResource = { resourceType: string; id?: string } & Record<string, unknown>;
interface Entry {
  resource: AnyResource;
  fullUrl?: string;
  /** "entry[3]" for errors. */
  where: string;
}

const ref = (r: { resourceType: string; id?: string | undefined }) => `${r.resourceType}/${r.id ?? "(no id)"}`;

function codeText(cc: CodeableConcept | undefined): string {
  if (cc === undefined) return "(no code)";
  const c = cc.coding ?? [];
  if (c.length === 0) return cc.text !== undefined ? `(text only: ${cc.text})` : "(no code)";
  return c.map((x) => `${x.system ?? "(no system)"}|${x.code ?? "(no code)"}${x.display !== undefined ? ` (${x.display})` : ""}`).join(", ");
}

function lookup<T>(map: Map<string, T>, cc: CodeableConcept | undefined): T | undefined {
  for (const c of cc?.coding ?? []) {
    if (c.system === undefined || c.code === undefined) continue;
    const t = map.get(codeKey(c.system, c.code));
    if (t !== undefined) return t;
  }
  return undefined;
}

function hasCode(set: Set<string>, ccs: (CodeableConcept | undefined)[]): boolean {
  for (const cc of ccs) for (const c of cc?.coding ?? []) if (c.system !== undefined && c.code !== undefined && set.has(codeKey(c.system, c.code))) return true;
  return false;
}

const FULL_DATE = /^\d{4}-\d{2}-\d{2}/;
function dateOf(...candidates: (string | undefined)[]): string | undefined {
  for (const c of candidates) if (c !== undefined && FULL_DATE.test(c)) return c.slice(0, 10);
  return undefined;
}

/** Whole years between two YYYY-MM-DD dates. */
export function ageAt(birthDate: string, today: string): number {
  const [by, bm, bd] = birthDate.split("-").map(Number) as [number, number, number];
  const [ty, tm, td] = today.split("-").map(Number) as [number, number, number];
  let age = ty - by;
  if (tm < bm || (tm === bm && td < bd)) age -= 1;
  return age;
}

/** Flattens Bundles (or single resources) into entries, rejecting anything that is not R4 or fails its schema. */
function collect(inputs: unknown[], file: string | undefined): Entry[] {
  const out: Entry[] = [];
  const fail = (why: string, field: string): never => {
    throw new InputError(why, { ...(file !== undefined ? { file } : {}), field });
  };
  inputs.forEach((input, bi) => {
    const prefix = inputs.length > 1 ? `bundle[${bi}].` : "";
    if (typeof input !== "object" || input === null || Array.isArray(input)) fail("not a FHIR resource (a JSON object with resourceType)", `${prefix}resourceType`);
    const obj = input as Record<string, unknown>;
    if (obj.resourceType !== "Bundle") {
      if (typeof obj.resourceType !== "string") fail("not a FHIR resource: resourceType is missing", `${prefix}resourceType`);
      out.push(...checkResources([{ resource: obj as AnyResource, where: `${prefix.replace(/\.$/, "") || "resource"}` }], file));
      return;
    }
    const nr = notR4Reason(obj);
    if (nr !== null) fail(`not a FHIR R4 Bundle: ${nr.why}`, `${prefix}Bundle.${nr.field}`);
    const b = BundleSchema.safeParse(obj);
    if (!b.success) {
      const i = b.error.issues[0];
      fail(`not a FHIR R4 Bundle: ${i?.message ?? "invalid"}`, `${prefix}Bundle.${formatPath(i?.path ?? [])}`);
      return;
    }
    const entries: Entry[] = [];
    (b.data.entry ?? []).forEach((e, i) => {
      if (e.resource === undefined) return;
      entries.push({ resource: e.resource as AnyResource, ...(e.fullUrl !== undefined ? { fullUrl: e.fullUrl } : {}), where: `${prefix}entry[${i}]` });
    });
    out.push(...checkResources(entries, file));
  });
  return out;
}

function checkResources(entries: Entry[], file: string | undefined): Entry[] {
  for (const e of entries) {
    const r = e.resource;
    const nr = notR4Reason(r);
    if (nr !== null) throw new InputError(`not FHIR R4: ${nr.why}`, { ...(file !== undefined ? { file } : {}), field: `${e.where} (${ref(r)}).${nr.field}` });
    const schema = (READ_SCHEMAS as Record<string, z.ZodType>)[r.resourceType];
    if (schema === undefined) continue;
    const res = schema.safeParse(r);
    if (!res.success) {
      const i = res.error.issues[0];
      const path = formatPath(i?.path ?? []);
      throw new InputError(`invalid ${r.resourceType}: ${path === "" ? "" : `${path} `}${i?.message ?? "fails the R4 schema"}`, {
        ...(file !== undefined ? { file } : {}),
        field: `${e.where} (${ref(r)})${path === "" ? "" : `.${path}`}`,
      });
    }
  }
  return entries;
}

interface Ctx {
  codes: CodeMap;
  file: string | undefined;
  unmapped: UnmappedItem[];
  warnings: string[];
  provenance: Record<string, string>;
}

function fail(ctx: Ctx, r: AnyResource, field: string, why: string): never {
  throw new InputError(why, { ...(ctx.file !== undefined ? { file: ctx.file } : {}), field: `${ref(r)}.${field}` });
}

function skip(ctx: Ctx, r: { resourceType: string; id?: string | undefined }, cc: CodeableConcept | undefined, reason: string): void {
  ctx.unmapped.push({ resource: ref(r), code: codeText(cc), reason });
}

/**
 * A laboratory's everyday spelling of a unit in its UCUM form, for a Quantity whose unit is display text (or a code
 * written as laboratories write it): "IU" is UCUM's "[IU]" (mIU/L → m[IU]/L), a litre written "l" is "L", "µ" is "u".
 * (UCUM itself has both "l" and "L" for the litre; "L" is the form the targets are written in.)
 */
export function ucumSpelling(unit: string): string {
  const u = unit
    .trim()
    .replace(/µ|μ/g, "u")
    .replace(/(^|[^[A-Za-z])([munpk]?)IU(?![A-Za-z\]])/g, "$1$2[IU]")
    .replace(/\/l$/, "/L")
    .replace(/^l$/, "L");
  // units as EHRs display them rather than in UCUM: the eGFR's body-surface unit, pounds, weeks, and the
  // anticardiolipin units written with a space or a hyphen ("GPL U/mL", "MPL-U/mL")
  if (/^m[lL]\/min\/1[.,]73\s*m(2|²|\^2)$/.test(u)) return "mL/min/{1.73_m2}";
  if (/^(lbs?|pounds?)$/i.test(u)) return "[lb_av]";
  if (/^(weeks?|wks?)$/i.test(u)) return "wk";
  if (/^days?$/i.test(u)) return "d";
  const apl = /^(GPL|MPL)[\s-]?U(nits?)?\/m[lL]$/i.exec(u);
  if (apl !== null) return `[${apl[1]!.toUpperCase()}'U]/mL`;
  return u;
}

/** A Quantity read in the record's unit, or why it cannot be: `field` is where in the resource, `why` the reason. */
type QuantityRead = { ok: true; value: number; unit: string } | { ok: false; field: string; why: string };

/**
 * Reads a FHIR Quantity in the record's unit for `target`: converted through UCUM, or the reason it cannot be (no
 * value, no unit, a unit system that is not UCUM, a unit UCUM does not know, or one not convertible to the target).
 */
function readQuantity(ctx: Ctx, r: AnyResource, field: string, q: Quantity | undefined, target: QuantityTarget): QuantityRead {
  if (q === undefined) return { ok: false, field, why: "a numeric result (valueQuantity) is required" };
  if (q.value === undefined) return { ok: false, field: `${field}.value`, why: "the quantity has no value" };
  const unit = q.system === undefined || q.system === UCUM ? (q.code ?? q.unit) : q.unit;
  if (unit === undefined || unit === "") return { ok: false, field: `${field}.code`, why: `the quantity has no unit (expected ${target.ucum} or a UCUM unit convertible to it)` };
  if (q.system !== undefined && q.system !== UCUM && q.code !== undefined)
    return { ok: false, field: `${field}.system`, why: `unknown unit system ${q.system}: units must be UCUM (${UCUM})` };
  if (q.comparator !== undefined) skip(ctx, r, undefined, `${field} is "${q.comparator}${q.value} ${unit}": read as ${q.value}`);
  if (unit === target.ucum || (target.sameAs ?? []).includes(unit)) return { ok: true, value: q.value, unit: target.recordUnit };
  const spelled = ucumSpelling(unit);
  if (spelled === target.ucum || (target.sameAs ?? []).includes(spelled)) return { ok: true, value: q.value, unit: target.recordUnit };
  const c = convertUcum(q.value, spelled, target.ucum, target.molecularWeight);
  if (!c.ok) return { ok: false, field: `${field}.code`, why: c.kind === "unknown-unit" ? `unknown unit: ${c.message}` : `wrong unit: ${c.message}` };
  return { ok: true, value: Math.round(c.value * 1e6) / 1e6, unit: target.recordUnit };
}

/** Converts a FHIR Quantity to the record's unit for `target`; a Quantity that cannot be read refuses the import. */
function quantity(ctx: Ctx, r: AnyResource, field: string, q: Quantity | undefined, target: QuantityTarget): { value: number; unit: string } {
  const read = readQuantity(ctx, r, field, q, target);
  if (!read.ok) return fail(ctx, r, read.field, read.why);
  return { value: read.value, unit: read.unit };
}

type Presence = "positive" | "negative";
function presence(o: { valueCodeableConcept?: CodeableConcept | undefined; valueString?: string | undefined; valueBoolean?: boolean | undefined; interpretation?: CodeableConcept[] | undefined }): Presence | undefined {
  if (hasCode(POSITIVE_CODES, [o.valueCodeableConcept])) return "positive";
  if (hasCode(NEGATIVE_CODES, [o.valueCodeableConcept])) return "negative";
  if (o.valueBoolean !== undefined) return o.valueBoolean ? "positive" : "negative";
  const s = (o.valueString ?? o.valueCodeableConcept?.text)?.trim().toLowerCase();
  if (s === "positive" || s === "detected" || s === "reactive") return "positive";
  if (s === "negative" || s === "not detected" || s === "non-reactive" || s === "nonreactive") return "negative";
  if (hasCode(POSITIVE_CODES, o.interpretation ?? [])) return "positive";
  if (hasCode(NEGATIVE_CODES, o.interpretation ?? [])) return "negative";
  return undefined;
}

function labFlag(o: Observation): "elevated" | "normal" | "low" | undefined {
  for (const cc of o.interpretation ?? [])
    for (const c of cc.coding ?? []) {
      if (c.system !== V3_INTERPRETATION) continue;
      if (c.code === "H" || c.code === "HH" || c.code === "HU") return "elevated";
      if (c.code === "L" || c.code === "LL" || c.code === "LU") return "low";
      if (c.code === "N") return "normal";
    }
  return undefined;
}

function normalAbnormal(ccs: (CodeableConcept | undefined)[]): "normal" | "abnormal" | undefined {
  if (hasCode(ABNORMAL_CODES, ccs)) return "abnormal";
  if (hasCode(NORMAL_CODES, ccs)) return "normal";
  return undefined;
}

const isCurrent = (o: { status: string }) => o.status === "final" || o.status === "amended" || o.status === "corrected";

function obsDate(o: Observation): string | undefined {
  return dateOf(o.effectiveDateTime, o.effectivePeriod?.start, o.issued);
}

/** The one Patient of the Bundle (or the one asked for). */
function pickPatient(entries: Entry[], opts: FhirImportOptions): { patient: Patient; refs: Set<string> } {
  const patients = entries.filter((e) => e.resource.resourceType === "Patient");
  const where = opts.file !== undefined ? { file: opts.file } : {};
  if (patients.length === 0) throw new InputError("the Bundle holds no Patient resource", { ...where, field: "Patient" });
  let chosen = patients[0];
  if (opts.patientId !== undefined) {
    chosen = patients.find((p) => p.resource.id === opts.patientId);
    if (chosen === undefined) throw new InputError(`the Bundle holds no Patient/${opts.patientId}`, { ...where, field: "Patient" });
  } else if (patients.length > 1) {
    throw new InputError(`the Bundle holds ${patients.length} patients (${patients.map((p) => ref(p.resource)).join(", ")}): name the one to read (decidua assess --patient ID)`, { ...where, field: "Patient" });
  }
  const e = chosen as Entry;
  const refs = new Set<string>();
  if (e.resource.id !== undefined) refs.add(`Patient/${e.resource.id}`);
  if (e.fullUrl !== undefined) {
    refs.add(e.fullUrl);
    const m = /(Patient\/[^/]+)$/.exec(e.fullUrl);
    if (m?.[1] !== undefined) refs.add(m[1]);
  }
  return { patient: e.resource as unknown as Patient, refs };
}

/** A reference without its version: `Patient/x/_history/3` is a reference to `Patient/x`. */
const unversioned = (reference: string): string => reference.replace(/\/_history\/[^/]+$/, "");

function refersTo(refs: Set<string>, reference: string | undefined): boolean {
  if (reference === undefined) return false;
  if (refs.has(reference)) return true;
  const m = /(Patient\/[^/]+)$/.exec(unversioned(reference));
  return m?.[1] !== undefined && refs.has(m[1]);
}

function karyotypeResult(text: string | undefined, interp: "normal" | "abnormal" | undefined): "normal" | "abnormal" | undefined {
  if (interp !== undefined) return interp;
  const t = text?.replace(/\s+/g, "").toUpperCase();
  if (t === "46,XX" || t === "46,XY") return "normal";
  return undefined;
}

interface Dated<T> {
  date: string | undefined;
  value: T;
  source: AnyResource;
}

/**
 * Of two results of one test on one date, which the laboratory issued last: a corrected or amended result replaces
 * the final one it corrects, and then the later `issued` wins; the Bundle's order only when nothing else tells.
 */
function issueOrder(a: AnyResource, b: AnyResource): number {
  const rank = (r: AnyResource) => (r.status === "corrected" || r.status === "amended" ? 1 : 0);
  const issued = (r: AnyResource) => (typeof r.issued === "string" ? r.issued : "");
  return rank(a) - rank(b) || issued(a).localeCompare(issued(b));
}

/** Keeps the latest result per key; the superseded ones are listed. */
function latest<T>(ctx: Ctx, items: Dated<T>[], what: string): Dated<T> | undefined {
  if (items.length === 0) return undefined;
  const sorted = [...items].sort((a, b) => (a.date ?? "").localeCompare(b.date ?? "") || issueOrder(a.source, b.source));
  const last = sorted[sorted.length - 1] as Dated<T>;
  for (const s of sorted.slice(0, -1)) skip(ctx, s.source, undefined, `earlier ${what} (${s.date ?? "undated"}); the latest, ${ref(last.source)} (${last.date ?? "undated"}), is used`);
  return last;
}

/**
 * The current pregnancy from the pregnancy status Observations (LOINC 82810-3; IPS answers pregnant and not pregnant):
 * the latest decides, and "not pregnant" means none. EHRs keep a "pregnant" status after the pregnancy has ended, so
 * one is not read as the current pregnancy when a pregnancy outcome (a loss or a birth, counted or not, or a
 * miscarriage recorded as a Condition, as Synthea writes one) is dated on or after it, or when its pregnancy (its date
 * less its gestational age, or its date without one) began more than PREGNANCY_WEEKS_AT_MOST weeks before today: both
 * are listed, the second with a warning (a pregnancy whose outcome is not in the EHR). An undated "pregnant" status is
 * read, with a warning (hazard H55). A status without a gestational age is dated by an estimated delivery date (LOINC
 * 11778-8; the IPS example links it as the status's member): the pregnancy began 280 days before it.
 */
function currentPregnancyOf(
  ctx: Ctx,
  statuses: Dated<{ pregnant: boolean; gestationalWeek?: number }>[],
  outcomes: readonly { date: string; source: AnyResource }[],
  edds: readonly Dated<string>[],
  resolve: (reference: string | undefined) => AnyResource | undefined,
  today: string,
): (Dated<{ gestationalWeek?: number }> & { datedBy?: AnyResource }) | undefined {
  const last = latest(ctx, statuses, "pregnancy status");
  if (last === undefined) return undefined;
  const { pregnant, ...value } = last.value;
  if (!pregnant) {
    skip(ctx, last.source, undefined, `not pregnant${last.date !== undefined ? ` on ${last.date}` : ""}: no current pregnancy`);
    return undefined;
  }
  if (last.date === undefined) {
    ctx.warnings.push(`the pregnancy status ${ref(last.source)} has no date: read as a current pregnancy; check that she is pregnant now`);
    return { ...last, value };
  }
  const since = last.date;
  // without a gestational age, an estimated delivery date dates the pregnancy (it began 280 days before): the status's
  // own member, else the latest one whose pregnancy the status falls in
  let datedBy: AnyResource | undefined;
  if (value.gestationalWeek === undefined) {
    const members = new Set(((last.source as unknown as Observation).hasMember ?? []).map((m) => resolve(m.reference)).filter((x) => x !== undefined));
    const fits = (e: Dated<string>): boolean => addDays(e.value, -280) <= since && since <= e.value;
    const edd = edds.find((e) => members.has(e.source)) ?? [...edds].filter(fits).sort((a, b) => (a.date ?? "").localeCompare(b.date ?? "")).pop();
    if (edd !== undefined) {
      const weeks = Math.floor(daysBetween(addDays(edd.value, -280), since) / 7);
      if (weeks >= 0 && weeks <= 45) {
        value.gestationalWeek = weeks;
        datedBy = edd.source;
      } else skip(ctx, edd.source, undefined, `estimated delivery date ${edd.value} puts the pregnancy status of ${since} at ${weeks} weeks: not used to date it`);
    }
  }
  const current = { ...last, value, ...(datedBy !== undefined ? { datedBy } : {}) };
  const ended = outcomes.filter((x) => x.date >= since).sort((a, b) => a.date.localeCompare(b.date))[0];
  if (ended !== undefined) {
    skip(ctx, last.source, undefined, `pregnant on ${since}, but a pregnancy outcome (${ref(ended.source)}) is dated ${ended.date}: that pregnancy has ended, no current pregnancy is read`);
    return undefined;
  }
  const began = addDays(since, -7 * (value.gestationalWeek ?? 0));
  if (pregnancyOver(began, today)) {
    const why = `pregnant on ${since}${value.gestationalWeek !== undefined ? ` at ${value.gestationalWeek} weeks` : ""}: that pregnancy began more than ${PREGNANCY_WEEKS_AT_MOST} weeks before ${today}`;
    skip(ctx, last.source, undefined, `${why}, not read as a current pregnancy`);
    ctx.warnings.push(`the latest pregnancy status (${ref(last.source)}) says ${why}: no current pregnancy is read, and that pregnancy's outcome is not in the EHR; record it, or a new pregnancy status`);
    return undefined;
  }
  return current;
}

/** Ectopic pregnancies are found in the first trimester: an undated pregnancy is taken to have begun at most this long ago. */
const ECTOPIC_WEEKS_WITHOUT_DATING = 14;

/**
 * An active ectopic pregnancy diagnosis (Condition, SNOMED CT 34801009) is where the current pregnancy is: it sets
 * `currentPregnancy.location` (hazards H51, H53, H54 read it). One dated before the pregnancy status's pregnancy began
 * (its date less its gestational age) belongs to an earlier pregnancy and is listed, not read. Without a pregnancy
 * status the active diagnosis is itself the current pregnancy, and a warning says so. An intrauterine finding and
 * bleeding are not read from the EHR: they stay missing and the progesterone verdict names them (docs/interop.md).
 */
function readEctopic(ctx: Ctx, found: Dated<true> | undefined, preg: Dated<{ gestationalWeek?: number }> | undefined, record: Record<string, unknown>, prov: Record<string, string>): void {
  if (found === undefined) return;
  if (preg === undefined) {
    record.currentPregnancy = { location: "ectopic" };
    prov["currentPregnancy.location"] = ref(found.source);
    ctx.warnings.push(`an active ectopic pregnancy diagnosis (${ref(found.source)}) and no pregnancy status: read as a current ectopic pregnancy without a gestational age`);
    return;
  }
  if (found.date !== undefined && preg.date !== undefined) {
    const weeks = preg.value.gestationalWeek ?? ECTOPIC_WEEKS_WITHOUT_DATING;
    if (found.date < addDays(preg.date, -7 * weeks)) {
      const how = preg.value.gestationalWeek === undefined ? `no gestational age: at most ${ECTOPIC_WEEKS_WITHOUT_DATING} weeks assumed` : `${weeks} weeks`;
      skip(ctx, found.source, undefined, `an active ectopic pregnancy diagnosis dated ${found.date}, before the current pregnancy (${ref(preg.source)}, ${preg.date}, ${how}) began: not read as its location`);
      return;
    }
  } else ctx.warnings.push(`the active ectopic pregnancy diagnosis ${ref(found.source)} or the pregnancy status has no date: the diagnosis is read as the current pregnancy's location; check it is this pregnancy`);
  record.currentPregnancy = { ...preg.value, location: "ectopic" };
  prov["currentPregnancy.location"] = ref(found.source);
}

/**
 * Maps FHIR R4 content (one or more Bundles, or single resources) to a validated Decidua patient record.
 * Throws InputError for a non-R4 or invalid resource and for a unit that cannot be read.
 */
/** The diagnoses that explain the losses (or rest on results Decidua reads itself): unconfirmed, they are not read (H86). */
const EXPLAINING_DIAGNOSES: ReadonlySet<string> = new Set(["thrombophilia", "factor-v-leiden", "antiphospholipid-syndrome", "thyroid-disease", "recurrent-miscarriage"]);

export function bundleToRecord(input: unknown, opts: FhirImportOptions): FhirImport {
  const inputs = Array.isArray(input) ? input : [input];
  const entries = collect(inputs, opts.file);
  const ctx: Ctx = { codes: opts.codeMap ?? DEFAULT_CODE_MAP, file: opts.file, unmapped: [], warnings: [], provenance: {} };
  const { patient, refs } = pickPatient(entries, opts);

  const byId = new Map<string, AnyResource>();
  for (const e of entries) {
    if (e.resource.id !== undefined) byId.set(`${e.resource.resourceType}/${e.resource.id}`, e.resource);
    if (e.fullUrl !== undefined) byId.set(e.fullUrl, e.resource);
  }
  // a reference by full URL, by type/id, or versioned (type/id/_history/n); "#id" is a resource contained in `from`
  const resolve = (reference: string | undefined, from?: { contained?: unknown }) => {
    if (reference === undefined) return undefined;
    if (reference.startsWith("#")) {
      const contained = Array.isArray(from?.contained) ? (from.contained as AnyResource[]) : [];
      return contained.find((c) => c.id === reference.slice(1));
    }
    const plain = unversioned(reference);
    return byId.get(reference) ?? byId.get(plain) ?? byId.get(plain.replace(/^.*\/([A-Za-z]+\/[^/]+)$/, "$1"));
  };

  const quant: Partial<Record<ObservationTarget, Dated<{ value: number; unit: string; extra: Record<string, unknown> }>[]>> = {};
  const apl = new Map<string, { entry: Record<string, unknown>; sources: AnyResource[] }>();
  const losses: { date?: string; gestationalWeek: number; kind: string; source: Observation; embryoKaryotype?: { result: string; detail?: string } }[] = [];
  const births: { date?: string; gestationalWeek: number }[] = [];
  const counts: Partial<Record<"pregnancyCount" | "lossCount" | "liveBirthCount", number>> = {};
  const karyo: { female: Dated<{ result: string; detail?: string }>[]; male: Dated<{ result: string; detail?: string }>[] } = { female: [], male: [] };
  const pocKaryotypes: { lossRef: string; result: string; detail?: string; source: Observation }[] = [];
  const anatomy: Dated<{ method: string; result: "normal" | "abnormal"; finding?: string }>[] = [];
  const thromb: Dated<{ result: "normal" | "abnormal"; findings?: string[] }>[] = [];
  const presenceResults: Partial<Record<string, Dated<Presence>[]>> = {};
  let ana: Dated<{ titre: string }>[] = [];
  const safety: Record<string, unknown> = {};
  const pregnancy: Dated<{ pregnant: boolean; gestationalWeek?: number }>[] = [];
  // every dated pregnancy outcome, counted or not: a pregnancy status before one of them is of a pregnancy that ended
  const outcomesSeen: { date: string; source: AnyResource }[] = [];
  // losses recorded only as diagnoses (Synthea's "Miscarriage in first trimester"): not counted, but said (hazard H77)
  const lossDiagnoses: AnyResource[] = [];
  // estimated delivery dates (LOINC 11778-8): they date a pregnancy status that has no gestational age
  const edds: Dated<string>[] = [];
  const ectopic: Dated<true>[] = [];
  const allergies = new Set<AllergyTarget | "unidentified">();
  let allergyResources = 0;
  let allergyUnreadable = 0;

  const isPartner = (o: Observation): boolean =>
    (o.focus ?? []).some((f) => {
      const target = resolve(f.reference);
      return (target?.resourceType ?? f.reference?.split("/")[0]) === "RelatedPerson";
    });
  const aboutOtherPatient = (subject: string | undefined) => subject !== undefined && subject.includes("Patient/") && !refersTo(refs, subject);

  const readObservation = (o: Observation, r: AnyResource) => {
    const target = lookup(ctx.codes.observations, o.code);
    if (target === undefined) {
      if ((o.hasMember ?? []).length > 0) return skip(ctx, o, o.code, "panel: its member Observations are read one by one");
      // a panel that carries its results as components (aCL IgG and IgM in one Observation): each component Decidua
      // reads is read as a result of its own, with the panel's status, date and patient
      const parts = (o.component ?? []).map((c, i) => ({ c, i })).filter(({ c }) => lookup(ctx.codes.observations, c.code) !== undefined);
      if (parts.length > 0) {
        for (const { c, i } of parts) {
          const part = { ...o, id: `${o.id ?? "(no id)"}.component[${i}]`, code: c.code, valueQuantity: c.valueQuantity, valueCodeableConcept: c.valueCodeableConcept, valueString: c.valueString, interpretation: c.interpretation, referenceRange: c.referenceRange, dataAbsentReason: c.dataAbsentReason, component: undefined, hasMember: undefined } as Observation;
          readObservation(part, part as unknown as AnyResource);
        }
        return skip(ctx, o, o.code, `panel: its components ${parts.map(({ i }) => `[${i}]`).join(", ")} are read as results of their own`);
      }
      return skip(ctx, o, o.code, "no Decidua field for this code (add the clinic's code to the code map if it is one Decidua reads)");
    }
    if (!isCurrent(o)) {
      // a pregnancy not yet confirmed is a pregnancy to plan around: read (pregnant only), said in the warnings, so
      // no therapy meant for before conception is offered as if she were not pregnant
      const unconfirmedPregnancy = target === "pregnancyStatus" && (o.status === "preliminary" || o.status === "registered") && hasCode(PREGNANT_CODES, [o.valueCodeableConcept]);
      if (!unconfirmedPregnancy) return skip(ctx, o, o.code, `status "${o.status}": only final, amended or corrected results are read`);
      ctx.warnings.push(`${ref(o)}: a pregnancy status "pregnant" that is ${o.status}, not final: read as a current pregnancy; confirm the pregnancy and its dating`);
    }
    if (o.dataAbsentReason !== undefined && target !== "karyotype") return skip(ctx, o, o.code, `no result (dataAbsentReason: ${codeText(o.dataAbsentReason)})`);
    const date = obsDate(o);
    const spec = OBSERVATION_TARGETS[target];
    switch (spec.kind) {
      case "quantity": {
        if (target === "gestationalAge") return skip(ctx, o, o.code, "a gestational age on its own: Decidua reads it as a component of the pregnancy-outcome Observation (LOINC 63893-2)");
        // a result given as text ("<9.4", "> 60") or only as an interpretation has no number and no unit to read:
        // listed (the test reads as not done, never as normal), and the rest of the Bundle is read
        if (o.valueQuantity === undefined)
          return skip(ctx, o, o.code, `${o.valueString !== undefined ? `a result written as text ("${o.valueString}")` : "a result without a number (valueQuantity)"}: not read; enter it as a number with its unit`);
        // a result whose unit cannot be read (unknown to UCUM, or not convertible to the record's unit: an
        // anticardiolipin result in plain "U/mL" is not in GPL units) is listed as not read, like a text result: the
        // test reads as not done, never as normal, and the rest of the Bundle is read (H87)
        const q = readQuantity(ctx, r, "valueQuantity", o.valueQuantity, spec);
        if (!q.ok) return skip(ctx, o, o.code, `${q.field}: ${q.why}; not read (the test counts as not done); enter it in ${spec.ucum} or a unit convertible to it`);
        const extra: Record<string, unknown> = {};
        const high = o.referenceRange?.[0]?.high;
        const limitKey = target === "aclIgG" || target === "aclIgM" || target === "b2gpiIgG" || target === "b2gpiIgM" ? "percentile99" : target === "tpoAb" ? "upperLimit" : undefined;
        if (high !== undefined && limitKey !== undefined) {
          // the reference range's high end, in the result's own unit when it gives none
          const sameUnit = high.code === undefined && high.unit === undefined ? { code: o.valueQuantity?.code, unit: o.valueQuantity?.unit, system: o.valueQuantity?.system } : {};
          const limit = readQuantity(ctx, r, "referenceRange[0].high", { ...high, ...sameUnit }, spec);
          if (limit.ok) extra[limitKey] = limit.value;
          else skip(ctx, o, o.code, `${limit.field}: ${limit.why}; the laboratory's reference limit is not read (the result is judged without it)`);
        }
        const flag = labFlag(o);
        if (flag !== undefined && ["ifnGamma", "tnfAlpha", "il4", "il10", "tgfBeta", "il33", "sst2"].includes(target)) extra.labFlag = flag;
        if (["aclIgG", "aclIgM", "b2gpiIgG", "b2gpiIgM"].includes(target)) return addApl(o, date, target, { value: q.value, unit: q.unit, ...extra });
        (quant[target] ??= []).push({ date, value: { value: q.value, unit: q.unit, extra }, source: r });
        return;
      }
      case "ratio": {
        let v: number | undefined;
        if (o.valueQuantity?.value !== undefined) {
          const u = o.valueQuantity.code ?? o.valueQuantity.unit;
          if (u !== undefined && u !== "1" && u !== "{ratio}" && u !== "{Ratio}" && u !== "ratio") fail(ctx, r, "valueQuantity.code", `unknown unit for a ratio: "${u}" (expected 1 or {ratio})`);
          v = o.valueQuantity.value;
        } else if (o.valueRatio?.numerator?.value !== undefined && o.valueRatio.denominator?.value !== undefined && o.valueRatio.denominator.value !== 0) {
          v = o.valueRatio.numerator.value / o.valueRatio.denominator.value;
        }
        if (v === undefined) return skip(ctx, o, o.code, "ratio without a numeric value");
        (quant[target] ??= []).push({ date, value: { value: v, unit: "ratio", extra: {} }, source: r });
        return;
      }
      case "titre": {
        let titre: string | undefined;
        if (o.valueString !== undefined) titre = o.valueString;
        else if (o.valueRatio?.numerator?.value !== undefined && o.valueRatio.denominator?.value !== undefined) titre = `${o.valueRatio.numerator.value}:${o.valueRatio.denominator.value}`;
        else if (o.valueQuantity?.value !== undefined) titre = `1:${o.valueQuantity.value}`;
        else if (presence(o) === "negative") titre = "negative";
        if (titre === undefined) return skip(ctx, o, o.code, "ANA without a readable titre");
        ana.push({ date, value: { titre }, source: r });
        return;
      }
      case "presence": {
        const p = presence(o);
        if (p === undefined) return skip(ctx, o, o.code, "result not readable as positive/negative: not assumed negative");
        if (target === "lupusAnticoagulant") return addApl(o, date, target, p);
        if (target === "anaPresence") {
          if (p === "negative") ana.push({ date, value: { titre: "negative" }, source: r });
          else skip(ctx, o, o.code, "ANA positive without a titre: enter the titre");
          return;
        }
        const key = (target === "hiv" || target === "hepatitisB" || target === "hepatitisC") && isPartner(o) ? `partner.${target}` : target;
        (presenceResults[key] ??= []).push({ date, value: p, source: r });
        return;
      }
      case "pregnancy-outcome": {
        const outcome = lookup(ctx.codes.outcomes, o.valueCodeableConcept);
        if (outcome === undefined) {
          // a loss the map does not know (a missed miscarriage, a local code) would be missing from the count: said
          ctx.warnings.push(`${ref(o)}: a pregnancy outcome coded ${codeText(o.valueCodeableConcept)}, which Decidua does not map, is not counted: the loss count may be too low (enter the pregnancy, or add the code to the clinic's code map)`);
          return skip(ctx, o, o.valueCodeableConcept, "pregnancy outcome with an unknown code: not counted");
        }
        if (date !== undefined) outcomesSeen.push({ date, source: r });
        const gaComp = (o.component ?? []).find((c) => lookup(ctx.codes.observations, c.code) === "gestationalAge");
        if (gaComp === undefined) return skip(ctx, o, o.code, `${outcome === "live-birth" ? "birth" : "pregnancy loss"} without a gestational age (component LOINC 18185-9): not counted — enter the week`);
        const i = (o.component ?? []).indexOf(gaComp);
        const ga = quantity(ctx, r, `component[${i}].valueQuantity`, gaComp.valueQuantity, OBSERVATION_TARGETS.gestationalAge);
        const weeks = Math.floor(ga.value + 1e-9);
        if (outcome === "live-birth") births.push({ ...(date !== undefined ? { date } : {}), gestationalWeek: weeks });
        else losses.push({ ...(date !== undefined ? { date } : {}), gestationalWeek: weeks, kind: outcome, source: o });
        return;
      }
      case "pregnancy-status": {
        const pregnant = hasCode(PREGNANT_CODES, [o.valueCodeableConcept]);
        if (!pregnant && !hasCode(NOT_PREGNANT_CODES, [o.valueCodeableConcept])) return skip(ctx, o, o.valueCodeableConcept, "pregnancy status neither pregnant nor not pregnant (unknown, not yet confirmed): not read");
        const gaComp = (o.component ?? []).find((c) => lookup(ctx.codes.observations, c.code) === "gestationalAge");
        const i = gaComp === undefined ? -1 : (o.component ?? []).indexOf(gaComp);
        const ga = gaComp === undefined ? undefined : quantity(ctx, r, `component[${i}].valueQuantity`, gaComp.valueQuantity, OBSERVATION_TARGETS.gestationalAge);
        pregnancy.push({ date, value: { pregnant, ...(ga === undefined ? {} : { gestationalWeek: Math.floor(ga.value + 1e-9) }) }, source: r });
        return;
      }
      case "edd": {
        const edd = o.valueDateTime;
        if (edd === undefined || !/^\d{4}-\d{2}-\d{2}/.test(edd)) return skip(ctx, o, o.code, "estimated delivery date without a full date (valueDateTime): not read");
        edds.push({ date, value: edd.slice(0, 10), source: r });
        return;
      }
      case "karyotype": {
        const text = o.valueString ?? o.valueCodeableConcept?.text ?? o.valueCodeableConcept?.coding?.[0]?.display;
        const failed = o.dataAbsentReason !== undefined;
        const result = failed ? "failed" : karyotypeResult(text, normalAbnormal([...(o.interpretation ?? []), o.valueCodeableConcept]));
        const lossFocus = (o.focus ?? []).find((f) => resolve(f.reference)?.resourceType === "Observation");
        if (result === undefined) return skip(ctx, o, o.code, `karyotype "${text ?? ""}" without an interpretation (normal/abnormal): not assumed normal`);
        const value = { result, ...(text !== undefined ? { detail: text } : {}) };
        if (lossFocus !== undefined) {
          pocKaryotypes.push({ lossRef: lossFocus.reference ?? "", ...value, source: o });
          return;
        }
        if (failed) return skip(ctx, o, o.code, "parental karyotype not reported (dataAbsentReason)");
        (isPartner(o) ? karyo.male : karyo.female).push({ date, value, source: r });
        return;
      }
      case "count": {
        const v = o.valueQuantity?.value ?? o.valueInteger;
        if (v === undefined) return skip(ctx, o, o.code, "count without a value");
        counts[target as "pregnancyCount" | "lossCount" | "liveBirthCount"] = v;
        return;
      }
    }
  };

  const addApl = (o: Observation, date: string | undefined, target: ObservationTarget, value: unknown) => {
    if (date === undefined) return skip(ctx, o, o.code, "antiphospholipid result without a full date: persistence (12 weeks apart) cannot be judged");
    let slot = apl.get(date);
    if (slot === undefined) {
      slot = { entry: { date }, sources: [] };
      apl.set(date, slot);
    }
    if (slot.entry[target] === undefined) {
      slot.entry[target] = value;
      slot.sources.push(o as AnyResource);
      return;
    }
    const held = slot.sources.find((x) => lookup(ctx.codes.observations, (x as unknown as Observation).code) === target);
    const order = held === undefined ? 0 : issueOrder(o as AnyResource, held);
    if (held !== undefined && order > 0) {
      // a correction (or a later issue) of the result held: it replaces it
      skip(ctx, held as unknown as Observation, (held as unknown as Observation).code, `${target} on ${date} superseded by ${ref(o)} (${o.status}${typeof o.issued === "string" ? `, issued ${o.issued}` : ""})`);
      slot.entry[target] = value;
      slot.sources[slot.sources.indexOf(held)] = o as AnyResource;
    } else skip(ctx, o, o.code, `a second ${target} result on ${date}: ${held !== undefined && order < 0 ? `${ref(held)}, a correction or issued later, is used` : "the first one is used"}`);
  };

  const readCondition = (c: Condition) => {
    const target = lookup(ctx.codes.conditions, c.code);
    if (target === undefined) return skip(ctx, c, c.code, "diagnosis not read by Decidua");
    const vs = c.verificationStatus?.coding?.[0]?.code;
    if (vs === "refuted" || vs === "entered-in-error") return skip(ctx, c, c.code, `verification status "${vs}": not read`);
    // a diagnosis not yet confirmed does not explain the losses (a provisional thrombophilia would rule the
    // immunotherapies out); as a safety item (IgA deficiency, diabetes, hypertension, tuberculosis) it is still read
    const unconfirmed = vs === "provisional" || vs === "differential" || vs === "unconfirmed";
    if (unconfirmed && EXPLAINING_DIAGNOSES.has(target))
      return skip(ctx, c, c.code, `verification status "${vs}": a diagnosis not confirmed is not read as one (confirm it, or enter the result it rests on)`);
    const cs = c.clinicalStatus?.coding?.[0]?.code;
    const active = cs === undefined || cs === "active" || cs === "recurrence" || cs === "relapse";
    switch (target) {
      case "iga-deficiency":
        safety.igaDeficiency = true;
        ctx.provenance["safety.igaDeficiency"] = ref(c);
        return;
      case "diabetes":
      case "hypertension":
        if (!active) return skip(ctx, c, c.code, `clinical status "${cs}": not read as current`);
        safety[target] = true;
        ctx.provenance[`safety.${target}`] = ref(c);
        return;
      case "tuberculosis":
        safety.tb = active ? "positive" : "treated";
        ctx.provenance["safety.tb"] = ref(c);
        return;
      case "thrombophilia":
      case "factor-v-leiden":
        thromb.push({ date: dateOf(c.onsetDateTime, c.recordedDate), value: { result: "abnormal", findings: [target === "factor-v-leiden" ? "factor-v-leiden" : "other"] }, source: c as AnyResource });
        return;
      case "antiphospholipid-syndrome":
        return skip(ctx, c, c.code, "recorded diagnosis: Decidua derives APS from the laboratory results (check they are all in the EHR)");
      case "recurrent-miscarriage":
        return skip(ctx, c, c.code, "recorded diagnosis: Decidua derives it from the individual losses");
      case "thyroid-disease":
        return skip(ctx, c, c.code, "recorded diagnosis: Decidua reads thyroid function from TSH/TPO results");
      case "pregnancy-loss": {
        // not counted, but a loss dated after a pregnancy status ends that pregnancy (currentPregnancyOf)
        const date = dateOf(c.onsetDateTime, c.recordedDate);
        if (date !== undefined) outcomesSeen.push({ date, source: c as AnyResource });
        lossDiagnoses.push(c as AnyResource);
        return skip(ctx, c, c.code, "a loss recorded as a diagnosis: Decidua counts losses from pregnancy-outcome Observations with gestational age");
      }
      case "ectopic-pregnancy":
        if (!active) return skip(ctx, c, c.code, `clinical status "${cs}": a past ectopic pregnancy is counted from pregnancy-outcome Observations, not read as the current pregnancy`);
        ectopic.push({ date: dateOf(c.onsetDateTime, c.recordedDate), value: true, source: c as AnyResource });
        return;
    }
  };

  const readAnatomy = (r: Procedure | DiagnosticReport, method: string, result: "normal" | "abnormal" | undefined, finding: string | undefined, date: string | undefined) => {
    if (result === undefined) return skip(ctx, r, r.code, "no result recorded (normal/abnormal): not assumed normal");
    if (method === "thrombophilia-screen") thromb.push({ date, value: { result }, source: r as AnyResource });
    else anatomy.push({ date, value: { method, result, ...(finding !== undefined ? { finding } : {}) }, source: r as AnyResource });
  };

  const readProcedure = (p: Procedure) => {
    const target = lookup(ctx.codes.procedures, p.code);
    if (target === undefined) return skip(ctx, p, p.code, "procedure not read by Decidua");
    if (p.status !== "completed") return skip(ctx, p, p.code, `status "${p.status}": only completed procedures are read`);
    const reports = (p.report ?? []).map((x) => resolve(x.reference)).filter((x): x is AnyResource => x?.resourceType === "DiagnosticReport") as unknown as DiagnosticReport[];
    const result = normalAbnormal([p.outcome, ...reports.flatMap((d) => d.conclusionCode ?? [])]);
    const finding = p.outcome?.text ?? reports.find((d) => d.conclusion !== undefined)?.conclusion;
    readAnatomy(p, target, result, finding, dateOf(p.performedDateTime, p.performedPeriod?.start));
    for (const d of reports) handledReports.add(d as AnyResource);
  };
  const handledReports = new Set<AnyResource>();

  const readReport = (d: DiagnosticReport) => {
    if (handledReports.has(d as AnyResource)) return;
    const proc = lookup(ctx.codes.procedures, d.code);
    if (proc !== undefined) {
      if (!isCurrent(d)) return skip(ctx, d, d.code, `status "${d.status}": only final reports are read`);
      return readAnatomy(d, proc, normalAbnormal(d.conclusionCode ?? []), d.conclusion, dateOf(d.effectiveDateTime, d.effectivePeriod?.start, d.issued));
    }
    const target = lookup(ctx.codes.observations, d.code);
    if (target === "karyotype" && (d.result ?? []).length === 0) {
      if (!isCurrent(d)) return skip(ctx, d, d.code, `status "${d.status}": only final reports are read`);
      const result = karyotypeResult(d.conclusion, normalAbnormal(d.conclusionCode ?? []));
      if (result === undefined) return skip(ctx, d, d.code, `karyotype report "${d.conclusion ?? ""}" without an interpretation: not assumed normal`);
      karyo.female.push({ date: dateOf(d.effectiveDateTime, d.effectivePeriod?.start, d.issued), value: { result, ...(d.conclusion !== undefined ? { detail: d.conclusion } : {}) }, source: d as AnyResource });
      return;
    }
    if ((d.result ?? []).length > 0) {
      // results contained in the report ("#la", as some laboratories send a panel) are read here, as results of the
      // report's patient; the others are entries of the Bundle, read one by one
      for (const res of d.result ?? []) {
        if (res.reference?.startsWith("#") !== true) continue;
        const o = resolve(res.reference, d as { contained?: unknown });
        if (o?.resourceType === "Observation") readObservation(o as unknown as Observation, o);
        else skip(ctx, d, d.code, `result ${res.reference} is not a contained Observation: not read`);
      }
      return skip(ctx, d, d.code, (d.result ?? []).some((x) => x.reference?.startsWith("#") === true) ? "report: its contained results are read with it, its other results one by one" : "report: its result Observations are read one by one");
    }
    return skip(ctx, d, d.code, "report not read by Decidua");
  };

  const readAllergy = (a: AllergyIntolerance) => {
    const vs = a.verificationStatus?.coding?.[0]?.code;
    // an allergy entered in error is no record: it does not make the allergy list "reviewed" (none would read "none recorded")
    if (vs !== "entered-in-error") allergyResources++;
    const cs = a.clinicalStatus?.coding?.[0]?.code;
    if (vs === "refuted" || vs === "entered-in-error") return skip(ctx, a, a.code, `verification status "${vs}": not an allergy`);
    if (cs === "inactive" || cs === "resolved") return skip(ctx, a, a.code, `clinical status "${cs}": not read as current`);
    const target = lookup(ctx.codes.allergies, a.code);
    if (target === undefined) {
      // kept as an allergy of unidentified substance: the allergy checks then read unknown, never "none recorded"
      allergyUnreadable++;
      allergies.add("unidentified");
      return skip(ctx, a, a.code, "allergy with a code Decidua does not map: kept as an allergy of unidentified substance; check it against the therapies' excipients (egg, soy, peanut)");
    }
    if (target !== "no-known-allergy") allergies.add(target);
    ctx.provenance[`safety.allergies`] = ref(a);
  };

  // the EHR's medication statements: the active ones are the record's current medications (tacrolimus's interaction
  // check reads them); any statement at all means the EHR keeps a list, so none active is "none"
  let medicationStatements = 0;
  const medications: { name: string; dose?: string; since?: string }[] = [];
  // a statement or an order: its medication (the concept's text, else a display, else the reference's display), kept
  // unless `notCurrent` says why it is not a current medication; the dose from the first dosage text
  const readMedicationEntry = (m: MedicationStatement | MedicationRequest, notCurrent: string | null, what: string, dosage: readonly { text?: unknown }[] | undefined, since: string | undefined) => {
    // a statement entered in error is no statement: it does not make the list "kept" (none active would read "none")
    if (m.status !== "entered-in-error") medicationStatements++;
    const med = resolve(m.medicationReference?.reference, m as { contained?: unknown }) as { code?: CodeableConcept } | undefined;
    const concept = m.medicationCodeableConcept ?? med?.code;
    const name = concept?.text ?? concept?.coding?.find((c) => c.display !== undefined)?.display ?? m.medicationReference?.display;
    if (notCurrent !== null) return skip(ctx, m, concept, notCurrent);
    if (name === undefined || name.trim() === "") return skip(ctx, m, concept, `an active ${what} without a name (text or display): check it against the interactions by hand`);
    const dose = dosage?.find((d): d is { text: string } => typeof d.text === "string" && d.text.trim() !== "")?.text;
    medications.push({ name: name.trim(), ...(dose !== undefined ? { dose: dose.trim() } : {}), ...(since !== undefined ? { since } : {}) });
    ctx.provenance["medications"] = ref(m);
  };
  const readMedication = (m: MedicationStatement) =>
    readMedicationEntry(m, m.status === "active" ? null : `medication with status "${m.status}": not a current medication`, "medication", (m as { dosage?: { text?: unknown }[] }).dosage, dateOf(m.effectiveDateTime, m.effectivePeriod?.start));
  // the EHR's medication orders (Synthea writes medications as MedicationRequest only): an active or on-hold order
  // is a current medication; a proposal is not
  const readMedicationRequest = (m: MedicationRequest) =>
    readMedicationEntry(
      m,
      m.status !== "active" && m.status !== "on-hold" ? `medication order with status "${m.status}": not a current medication` : m.intent === "proposal" ? "a proposed medication (intent proposal): not a current medication" : null,
      "medication order",
      (m as { dosageInstruction?: { text?: unknown }[] }).dosageInstruction,
      dateOf(m.authoredOn),
    );

  /** The first pass's reader of every resource type Decidua reads, and of a server's OperationOutcome. */
  const readers: Record<ReadResourceType | "OperationOutcome", (r: AnyResource) => void> = {
    Patient: (r) => {
      if (r !== (patient as unknown)) skip(ctx, r, undefined, "another patient in the Bundle: not read");
    },
    RelatedPerson: () => {}, // read through Observation.focus
    Observation: (r) => readObservation(r as unknown as Observation, r),
    Condition: (r) => readCondition(r as unknown as Condition),
    Procedure: (r) => readProcedure(r as unknown as Procedure),
    AllergyIntolerance: (r) => readAllergy(r as unknown as AllergyIntolerance),
    MedicationStatement: (r) => readMedication(r as unknown as MedicationStatement),
    MedicationRequest: (r) => readMedicationRequest(r as unknown as MedicationRequest),
    DiagnosticReport: () => {}, // after procedures (a Procedure may carry its report)
    OperationOutcome: (r) => {
      skip(ctx, r, undefined, "the FHIR server reported a problem with this search: the record may be incomplete");
      ctx.warnings.push(`the FHIR server returned an OperationOutcome (${ref(r)}): the record may be incomplete`);
    },
  };
  for (const e of entries) {
    const r = e.resource;
    const t = r.resourceType;
    const subject = (r.subject as { reference?: string } | undefined)?.reference ?? (r.patient as { reference?: string } | undefined)?.reference;
    if (t !== "Patient" && aboutOtherPatient(subject)) {
      skip(ctx, r, r.code as CodeableConcept | undefined, `about another patient (${subject}): not read`);
      continue;
    }
    if (Object.hasOwn(readers, t)) readers[t as keyof typeof readers](r);
    else skip(ctx, r, r.code as CodeableConcept | undefined, `${t} is not read by Decidua`);
  }
  for (const e of entries) if (e.resource.resourceType === "DiagnosticReport") readReport(e.resource as unknown as DiagnosticReport);

  // ---- assemble the record as written
  const record: Record<string, unknown> = {};
  const prov = ctx.provenance;
  // a patient the EHR records as deceased: said first, so that nobody plans treatment from her record
  const deceased = patient as { deceasedBoolean?: unknown; deceasedDateTime?: unknown };
  if (deceased.deceasedBoolean === true || typeof deceased.deceasedDateTime === "string") {
    const when = typeof deceased.deceasedDateTime === "string" ? ` (${deceased.deceasedDateTime.slice(0, 10)})` : "";
    ctx.warnings.unshift(`the EHR records this patient as deceased${when} (${ref(patient as AnyResource)}): check that this is the right patient; her verdicts and plans are not for treatment`);
  }
  // the rules read a woman's pregnancy history: a patient recorded as male may be the partner's record
  if (patient.gender === "male") ctx.warnings.unshift(`the EHR records this patient's gender as male (${ref(patient as AnyResource)}): check that this is the woman's record, not her partner's`);
  if (patient.birthDate !== undefined && FULL_DATE.test(patient.birthDate)) {
    record.age = ageAt(patient.birthDate.slice(0, 10), opts.today);
    prov.age = ref(patient as AnyResource);
  }
  const q = (t: ObservationTarget, field: string, what: string) => {
    const l = latest(ctx, quant[t] ?? [], what);
    if (l === undefined) return undefined;
    prov[field] = ref(l.source);
    return { value: l.value.value, unit: l.value.unit, ...(l.date !== undefined ? { date: l.date } : {}), ...l.value.extra };
  };
  const weight = q("weight", "weight", "weight");
  if (weight !== undefined) record.weight = { value: weight.value, unit: weight.unit };

  losses.sort((a, b) => (a.date ?? "").localeCompare(b.date ?? ""));
  for (const k of pocKaryotypes) {
    const target = resolve(k.lossRef);
    const loss = losses.find((l) => (l.source as unknown) === target);
    if (loss === undefined) skip(ctx, k.source, k.source.code, `products-of-conception karyotype for ${k.lossRef}, which is not a counted loss`);
    else loss.embryoKaryotype = { result: k.result, ...(k.detail !== undefined ? { detail: k.detail } : {}) };
  }
  record.losses = losses.map((l, i) => {
    prov[`losses[${i}]`] = ref(l.source as AnyResource);
    return {
      ...(l.date !== undefined ? { date: l.date } : {}),
      gestationalWeek: l.gestationalWeek,
      kind: l.kind,
      ...(l.embryoKaryotype !== undefined ? { embryoKaryotype: l.embryoKaryotype } : {}),
    };
  });
  // a loss diagnosis on a date no counted loss has: the loss count is short by it, and the assessment says so
  const uncounted = lossDiagnoses.filter((c) => {
    const d = dateOf((c as { onsetDateTime?: string }).onsetDateTime, (c as { recordedDate?: string }).recordedDate);
    return d === undefined || !losses.some((l) => l.date === d);
  });
  if (uncounted.length > 0)
    ctx.warnings.push(
      `${uncounted.length} pregnancy loss${uncounted.length === 1 ? " is" : "es are"} recorded only as a diagnosis (${uncounted.map((c) => ref(c)).join(", ")}) without a gestational age, so ${uncounted.length === 1 ? "it is" : "they are"} not counted: the loss count and every verdict that reads it may be too low; record each loss with its gestational week`,
    );
  if (births.length > 0) record.liveBirths = births.sort((a, b) => (a.date ?? "").localeCompare(b.date ?? ""));
  if (counts.lossCount !== undefined && counts.lossCount > losses.length)
    ctx.warnings.push(`the EHR counts ${counts.lossCount} pregnancy losses but only ${losses.length} are recorded with a gestational age: the others are not in this assessment`);
  // fewer losses in the EHR's own count than read: one may be entered twice (the verdicts count every one read)
  // (clinical miscarriages only: an obstetric history's count may leave out biochemical losses)
  const countedAsLosses = losses.filter((l) => l.kind === "clinical").length;
  if (counts.lossCount !== undefined && counts.lossCount < countedAsLosses)
    ctx.warnings.push(`the EHR counts ${counts.lossCount} pregnancy losses but ${countedAsLosses} are recorded: one may be entered twice; check the losses before relying on the count`);
  if (counts.liveBirthCount !== undefined && counts.liveBirthCount > births.length)
    ctx.warnings.push(`the EHR counts ${counts.liveBirthCount} live births but only ${births.length} are recorded with a gestational age`);

  const workup: Record<string, unknown> = {};
  const kf = latest(ctx, karyo.female, "karyotype");
  if (kf !== undefined) {
    workup.karyotypeFemale = { ...kf.value, ...(kf.date !== undefined ? { date: kf.date } : {}) };
    prov["workup.karyotypeFemale"] = ref(kf.source);
  }
  const km = latest(ctx, karyo.male, "partner karyotype");
  if (km !== undefined) {
    workup.karyotypeMale = { ...km.value, ...(km.date !== undefined ? { date: km.date } : {}) };
    prov["workup.karyotypeMale"] = ref(km.source);
  }
  const an = latest(ctx, anatomy, "uterine assessment");
  if (an !== undefined) {
    workup.uterineAnatomy = { ...an.value, ...(an.date !== undefined ? { date: an.date } : {}) };
    prov["workup.uterineAnatomy"] = ref(an.source);
  }
  if (apl.size > 0) {
    const dates = [...apl.keys()].sort();
    workup.antiphospholipid = dates.map((d, i) => {
      const slot = apl.get(d) as { entry: Record<string, unknown>; sources: AnyResource[] };
      prov[`workup.antiphospholipid[${i}]`] = slot.sources.map(ref).join(", ");
      return slot.entry;
    });
  }
  const tsh = q("tsh", "workup.thyroid.tsh", "TSH");
  const ft4 = q("freeT4", "workup.thyroid.freeT4", "free T4");
  const tpo = q("tpoAb", "workup.thyroid.tpoAb", "TPO antibodies");
  if (tsh !== undefined) {
    const { date, ...tshValue } = tsh;
    workup.thyroid = {
      ...(date !== undefined ? { date } : {}),
      tsh: tshValue,
      ...(ft4 !== undefined ? { freeT4: { value: ft4.value, unit: ft4.unit, ...(ft4.date !== undefined ? { date: ft4.date } : {}) } } : {}),
      ...(tpo !== undefined ? { tpoAb: tpo } : {}),
    };
  } else {
    for (const x of [...(quant.freeT4 ?? []), ...(quant.tpoAb ?? [])]) skip(ctx, x.source, (x.source as unknown as Observation).code, "thyroid result without a TSH: Decidua's thyroid entry starts from TSH");
  }
  const th = latest(ctx, thromb, "thrombophilia result");
  if (th !== undefined) {
    // an abnormal result anywhere wins over a later normal screen
    const abnormal = thromb.filter((x) => x.value.result === "abnormal");
    const findings = [...new Set(abnormal.flatMap((x) => x.value.findings ?? []))];
    workup.thrombophilia =
      abnormal.length > 0 ? { result: "abnormal", ...(findings.length > 0 ? { findings } : {}) } : { result: "normal", ...(th.date !== undefined ? { date: th.date } : {}) };
    prov["workup.thrombophilia"] = (abnormal.length > 0 ? abnormal : [th]).map((x) => ref(x.source)).join(", ");
  }
  if (Object.keys(workup).length > 0) record.workup = workup;

  const immune: Record<string, unknown> = {};
  const simple = (t: ObservationTarget, what: string) => {
    const v = q(t, `immune.${t}`, what);
    if (v !== undefined) immune[t] = t === "th1Th2Ratio" || t === "tnfIl10Ratio" ? { value: v.value, ...(v.date !== undefined ? { date: v.date } : {}) } : v;
  };
  simple("peripheralNk", "peripheral NK");
  simple("nkCytotoxicity", "NK cytotoxicity");
  simple("uterineNk", "uterine NK");
  simple("th1Th2Ratio", "Th1/Th2 ratio");
  simple("tnfIl10Ratio", "TNF-α/IL-10 ratio");
  simple("il33", "IL-33");
  simple("sst2", "sST2");
  const cytokines: Record<string, unknown> = {};
  for (const t of ["ifnGamma", "tnfAlpha", "il4", "il10", "tgfBeta"] as const) {
    const v = q(t, `immune.cytokines.${t}`, t);
    if (v !== undefined) cytokines[t] = v;
  }
  if (Object.keys(cytokines).length > 0) immune.cytokines = cytokines;
  ana = ana.length > 0 ? ana : [];
  const a = latest(ctx, ana, "ANA");
  if (a !== undefined) {
    immune.ana = { titre: a.value.titre, ...(a.date !== undefined ? { date: a.date } : {}) };
    prov["immune.ana"] = ref(a.source);
  }
  const pres = (key: string, what: string) => {
    const l = latest(ctx, presenceResults[key] ?? [], what);
    if (l !== undefined) prov[key] = ref(l.source);
    return l;
  };
  const apa = pres("antiPaternalAntibodies", "anti-paternal antibody result");
  if (apa !== undefined) immune.antiPaternalAntibodies = { result: apa.value, ...(apa.date !== undefined ? { date: apa.date } : {}) };
  if (Object.keys(immune).length > 0) record.immune = immune;

  const egfr = q("egfr", "safety.egfr", "eGFR");
  if (egfr !== undefined) safety.egfr = egfr;
  const crea = q("creatinine", "safety.creatinine", "creatinine");
  if (crea !== undefined) safety.creatinine = crea;
  const hbv = pres("hepatitisB", "hepatitis B result");
  if (hbv !== undefined) safety.hepatitisB = hbv.value;
  const tb = pres("tbScreen", "TB screen");
  if (tb !== undefined && safety.tb === undefined) safety.tb = tb.value;
  for (const own of ["hiv", "hepatitisC"] as const)
    for (const x of presenceResults[own] ?? []) skip(ctx, x.source, (x.source as unknown as Observation).code, `the patient's own ${own} result: the Decidua record keeps it for the partner (lymphocyte donor) only`);
  if (allergyResources > 0) {
    safety.allergies = [...allergies].sort();
    if (allergyUnreadable > 0)
      ctx.warnings.push(`${allergyUnreadable} allergy record(s) have a code Decidua does not map: recorded as an allergy of unidentified substance; check them before IVIG, intralipid or any product with egg, soy or peanut`);
  }
  if (Object.keys(safety).length > 0) record.safety = safety;
  if (medicationStatements > 0) record.medications = medications;

  const partner: Record<string, unknown> = {};
  for (const k of ["hiv", "hepatitisB", "hepatitisC"] as const) {
    const l = pres(`partner.${k}`, `partner ${k} result`);
    if (l !== undefined) partner[k] = l.value;
  }
  if (Object.keys(partner).length > 0) record.partner = partner;
  const preg = currentPregnancyOf(ctx, pregnancy, outcomesSeen, edds, resolve, opts.today);
  if (preg !== undefined) {
    record.currentPregnancy = preg.value;
    prov.currentPregnancy = ref(preg.source);
    if (preg.datedBy !== undefined) prov["currentPregnancy.gestationalWeek"] = ref(preg.datedBy);
  }
  readEctopic(ctx, latest(ctx, ectopic, "ectopic pregnancy diagnosis"), preg, record, prov);
  if (patient.id !== undefined) record.id = patient.id;

  const normalised = validate(record, ctx, opts);
  const name = patientName(patient);
  return {
    patient: {
      fhirId: patient.id ?? "(no id)",
      ...(patient.birthDate !== undefined ? { birthDate: patient.birthDate } : {}),
      ...(name !== undefined ? { name } : {}),
      ...(patient.gender !== undefined ? { gender: patient.gender } : {}),
    },
    record: record as PatientRecordInput,
    normalised,
    unmapped: ctx.unmapped,
    warnings: ctx.warnings,
    provenance: ctx.provenance,
    resourceCount: entries.length,
  };
}

function patientName(p: Patient): string | undefined {
  const names = (p as unknown as { name?: { text?: string; given?: string[]; family?: string }[] }).name;
  const n = names?.[0];
  if (n === undefined) return undefined;
  if (n.text !== undefined) return n.text;
  const s = [...(n.given ?? []), n.family ?? ""].join(" ").trim();
  return s === "" ? undefined : s;
}

/** The same validation as a typed-in record; an error names the FHIR resource the field came from. */
function validate(record: Record<string, unknown>, ctx: Ctx, opts: FhirImportOptions): PatientRecord {
  try {
    return parsePatientRecord(record, opts.file);
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    const field = e.location.field ?? "";
    const keys = Object.keys(ctx.provenance).filter((k) => field === k || field.startsWith(`${k}.`) || field.startsWith(`${k}[`));
    keys.sort((x, y) => y.length - x.length);
    const src = keys[0] !== undefined ? ctx.provenance[keys[0]] : undefined;
    throw new InputError(src !== undefined ? `${e.reason} (from ${src})` : e.reason, { ...e.location, field: src !== undefined ? `${src} → ${field}` : field });
  }
}
