/**
 * Reading one patient from a configured FHIR R4 server (server-to-server, for the patient page's import): patient
 * search by identifier or name, and the patient's record with `Patient/{id}/$everything` when the server's
 * CapabilityStatement offers it, otherwise with one search per resource type Decidua reads (the CDS Hooks
 * prefetch queries). The whole read is bounded in time and size. An adapter: the mapping is interop/fhir/import.ts.
 */
import { PATIENT_VIEW_PREFETCH, type PrefetchKey } from "../../interop/cds/cards.js";
import { fhirGet, fhirSearchAll, fillTemplate, FhirUnavailableError, type FhirReadOptions } from "./client.js";

/** Limits of one import read (defaults: 20 s in all, 8 s per request, 20 MB, 20 pages per search). */
export interface EhrReadLimits {
  totalMs?: number;
  requestMs?: number;
  maxBytes?: number;
  maxPages?: number;
}
export const DEFAULT_EHR_READ_LIMITS = { totalMs: 20_000, requestMs: 8_000, maxBytes: 20 * 1024 * 1024, maxPages: 20 } as const;

function readOptions(accessToken: string | null, l: EhrReadLimits): FhirReadOptions {
  const lim = { ...DEFAULT_EHR_READ_LIMITS, ...l };
  return {
    ...(accessToken !== null ? { accessToken } : {}),
    timeoutMs: lim.requestMs,
    maxPages: lim.maxPages,
    deadline: Date.now() + lim.totalMs,
    budget: { bytesLeft: lim.maxBytes },
  };
}

export interface EhrPatientHit {
  id: string;
  name?: string;
  birthDate?: string;
  gender?: string;
  identifiers: { system?: string; value: string }[];
}

type Json = Record<string, unknown>;
const arr = (v: unknown): Json[] => (Array.isArray(v) ? (v.filter((x) => x !== null && typeof x === "object") as Json[]) : []);
const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);

function patientName(p: Json): string | undefined {
  const n = arr(p.name)[0];
  if (n === undefined) return undefined;
  const text = str(n.text);
  if (text !== undefined) return text;
  const given = Array.isArray(n.given) ? n.given.filter((g): g is string => typeof g === "string") : [];
  const s = [...given, str(n.family) ?? ""].join(" ").trim();
  return s === "" ? undefined : s;
}

/** Patients matching an identifier (`system|value` or a bare value) or a name, at most 20. */
export async function searchEhrPatients(base: string, accessToken: string | null, q: { identifier?: string; name?: string }, limits: EhrReadLimits = {}): Promise<EhrPatientHit[]> {
  const params = new URLSearchParams();
  if (q.identifier !== undefined) params.set("identifier", q.identifier);
  if (q.name !== undefined) params.set("name", q.name);
  params.set("_count", "20");
  const b = await fhirGet(base, `Patient?${params.toString()}`, { ...readOptions(accessToken, limits), maxPages: 1 });
  if (b.resourceType !== "Bundle") throw new FhirUnavailableError(`the FHIR server ${base} answered a patient search with ${String(b.resourceType)}, not a Bundle`);
  return arr(b.entry)
    .map((e) => e.resource as Json | undefined)
    .filter((r): r is Json => r?.resourceType === "Patient" && typeof r.id === "string")
    .slice(0, 20)
    .map((p) => ({
      id: p.id as string,
      ...(patientName(p) !== undefined ? { name: patientName(p) } : {}),
      ...(str(p.birthDate) !== undefined ? { birthDate: str(p.birthDate) } : {}),
      ...(str(p.gender) !== undefined ? { gender: str(p.gender) } : {}),
      identifiers: arr(p.identifier)
        .filter((i) => typeof i.value === "string")
        .map((i) => ({ ...(str(i.system) !== undefined ? { system: str(i.system) } : {}), value: i.value as string })),
    }));
}

/** Whether the CapabilityStatement offers Patient/$everything (an unreadable statement counts as no). */
export function offersEverything(cap: Json): boolean {
  if (cap.resourceType !== "CapabilityStatement") return false;
  for (const rest of arr(cap.rest)) {
    for (const op of arr(rest.operation)) if (str(op.name) === "everything" && /Patient-everything$/.test(str(op.definition) ?? "Patient-everything")) return true;
    for (const r of arr(rest.resource)) {
      if (r.type !== "Patient") continue;
      for (const op of arr(r.operation)) if (str(op.name) === "everything" || /\/Patient-everything$/.test(str(op.definition) ?? "")) return true;
    }
  }
  return false;
}

export interface EhrRecordRead {
  /** What bundleToRecord reads: the Patient and one searchset per query (or the one $everything Bundle). */
  parts: unknown[];
  method: "$everything" | "search";
  /** The requests made, relative to the base (for the audit log). */
  requests: string[];
}

/** The patient's record from the FHIR server; FhirUnavailableError (with the upstream status) when it cannot be read whole. */
export async function readEhrPatientRecord(base: string, accessToken: string | null, patientId: string, limits: EhrReadLimits = {}): Promise<EhrRecordRead> {
  const o = readOptions(accessToken, limits);
  const requests: string[] = [];
  const id = encodeURIComponent(patientId);
  requests.push("metadata");
  let everything = false;
  try {
    everything = offersEverything(await fhirGet(base, "metadata", o));
  } catch (e) {
    // a server without a readable CapabilityStatement is read with searches; a server that does not answer at all
    // fails on the next request with its own message
    if (!(e instanceof FhirUnavailableError)) throw e;
  }
  requests.push(`Patient/${id}`);
  const patient = await fhirGet(base, `Patient/${id}`, o);
  if (patient.resourceType !== "Patient") throw new FhirUnavailableError(`the FHIR server ${base} answered Patient/${patientId} with ${String(patient.resourceType)}`);
  if (everything) {
    requests.push(`Patient/${id}/$everything`);
    const all = await fhirSearchAll(base, `Patient/${id}/$everything?_count=1000`, o);
    const hasPatient = arr(all.entry).some((e) => (e.resource as Json | undefined)?.resourceType === "Patient" && (e.resource as Json).id === patient.id);
    return { parts: hasPatient ? [all] : [patient, all], method: "$everything", requests };
  }
  const parts: unknown[] = [patient];
  for (const key of Object.keys(PATIENT_VIEW_PREFETCH) as PrefetchKey[]) {
    if (key === "patient") continue;
    const path = fillTemplate(PATIENT_VIEW_PREFETCH[key], { patientId });
    requests.push(path);
    parts.push(await fhirSearchAll(base, path, o));
  }
  return { parts, method: "search", requests };
}
