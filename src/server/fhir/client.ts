/**
 * Reading a patient from an EHR's FHIR R4 REST API (search with paging, bounded in time and size). An adapter: the
 * mapping to the patient record is src/interop/fhir/import.ts.
 */
export class FhirUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "FhirUnavailableError";
  }
}

export interface FhirReadOptions {
  /** Bearer token for the FHIR server. */
  accessToken?: string;
  /** Per-request timeout (ms). */
  timeoutMs?: number;
  /** At most this many pages per search. */
  maxPages?: number;
}

/** GET one FHIR URL (absolute, or relative to `base`) as JSON; throws FhirUnavailableError on any failure. */
export async function fhirGet(base: string, path: string, o: FhirReadOptions = {}): Promise<Record<string, unknown>> {
  const url = /^https?:\/\//.test(path) ? path : `${base.replace(/\/+$/, "")}/${path.replace(/^\/+/, "")}`;
  let res: Response;
  try {
    res = await fetch(url, {
      headers: { accept: "application/fhir+json", ...(o.accessToken !== undefined ? { authorization: `Bearer ${o.accessToken}` } : {}) },
      signal: AbortSignal.timeout(o.timeoutMs ?? 5000),
      redirect: "error",
    });
  } catch (e) {
    throw new FhirUnavailableError(`the FHIR server ${base} did not answer ${path.split("?")[0]} (${e instanceof Error ? e.message : String(e)})`);
  }
  if (!res.ok) throw new FhirUnavailableError(`the FHIR server ${base} answered ${res.status} to ${path.split("?")[0]}`);
  try {
    return (await res.json()) as Record<string, unknown>;
  } catch {
    throw new FhirUnavailableError(`the FHIR server ${base} sent something that is not JSON for ${path.split("?")[0]}`);
  }
}

/** A search with its `next` pages, as one searchset Bundle. */
export async function fhirSearchAll(base: string, path: string, o: FhirReadOptions = {}): Promise<Record<string, unknown>> {
  const first = await fhirGet(base, path, o);
  if (first.resourceType !== "Bundle") return first;
  const entries = [...((first.entry as unknown[] | undefined) ?? [])];
  let page = first;
  for (let i = 1; i < (o.maxPages ?? 20); i++) {
    const next = ((page.link as { relation?: string; url?: string }[] | undefined) ?? []).find((l) => l.relation === "next")?.url;
    if (next === undefined) break;
    page = await fhirGet(base, next, o);
    entries.push(...((page.entry as unknown[] | undefined) ?? []));
  }
  const more = ((page.link as { relation?: string }[] | undefined) ?? []).some((l) => l.relation === "next");
  if (more) throw new FhirUnavailableError(`the FHIR server ${base} has more than ${o.maxPages ?? 20} pages for ${path.split("?")[0]}: the record would be incomplete`);
  return { ...first, entry: entries, link: [] };
}

/** Fills a prefetch template's {{context.X}} tokens. */
export function fillTemplate(template: string, context: Record<string, unknown>): string {
  return template.replace(/\{\{\s*context\.([A-Za-z]+)\s*\}\}/g, (_, k: string) => encodeURIComponent(String(context[k] ?? "")));
}
