/**
 * Reading a patient from an EHR's FHIR R4 REST API (search with paging, bounded in time and size). An adapter: the
 * mapping to the patient record is src/interop/fhir/import.ts.
 */
export class FhirUnavailableError extends Error {
  constructor(
    message: string,
    /** The HTTP status the FHIR server answered with (absent when it did not answer or sent no usable body). */
    readonly upstreamStatus?: number,
  ) {
    super(message);
    this.name = "FhirUnavailableError";
  }
}

/** Bytes still allowed for one whole read (shared by all its requests). */
export interface FhirByteBudget {
  bytesLeft: number;
}

export interface FhirReadOptions {
  /** Bearer token for the FHIR server. */
  accessToken?: string;
  /** Per-request timeout (ms). */
  timeoutMs?: number;
  /** At most this many pages per search. */
  maxPages?: number;
  /** Absolute time (ms since the epoch) by which the whole read must be done; each request gets what is left. */
  deadline?: number;
  /** Size limit shared by the requests of one read; a body beyond it is refused. */
  budget?: FhirByteBudget;
}

/** Reads a response body as text, refusing it once it exceeds the budget (the connection is then cancelled). */
async function boundedText(res: Response, budget: FhirByteBudget | undefined, what: string): Promise<string> {
  if (budget === undefined) return res.text();
  const declared = Number(res.headers.get("content-length") ?? NaN);
  const tooBig = () => new FhirUnavailableError(`${what} is larger than the size limit for one import`);
  if (Number.isFinite(declared) && declared > budget.bytesLeft) {
    await res.body?.cancel();
    throw tooBig();
  }
  if (res.body === null) return "";
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    budget.bytesLeft -= value.byteLength;
    if (budget.bytesLeft < 0) {
      await reader.cancel();
      throw tooBig();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** GET one FHIR URL (absolute, or relative to `base`) as JSON; throws FhirUnavailableError on any failure. */
export async function fhirGet(base: string, path: string, o: FhirReadOptions = {}): Promise<Record<string, unknown>> {
  const url = /^https?:\/\//.test(path) ? path : `${base.replace(/\/+$/, "")}/${path.replace(/^\/+/, "")}`;
  const what = path.split("?")[0];
  const left = o.deadline !== undefined ? o.deadline - Date.now() : Infinity;
  if (left <= 0) throw new FhirUnavailableError(`the FHIR server ${base} did not finish in time (before ${what})`);
  const timeout = Math.max(1, Math.min(o.timeoutMs ?? 5000, left));
  let text: string;
  try {
    const res = await fetch(url, {
      headers: { accept: "application/fhir+json", ...(o.accessToken !== undefined ? { authorization: `Bearer ${o.accessToken}` } : {}) },
      signal: AbortSignal.timeout(timeout),
      redirect: "error",
    });
    if (!res.ok) {
      await res.body?.cancel();
      throw new FhirUnavailableError(`the FHIR server ${base} answered ${res.status} to ${what}`, res.status);
    }
    text = await boundedText(res, o.budget, `the FHIR server's answer to ${what}`);
  } catch (e) {
    if (e instanceof FhirUnavailableError) throw e;
    const why = e instanceof Error && (e.name === "TimeoutError" || e.name === "AbortError") ? `no answer within ${timeout} ms` : e instanceof Error ? e.message : String(e);
    throw new FhirUnavailableError(`the FHIR server ${base} did not answer ${what} (${why})`);
  }
  try {
    const json = JSON.parse(text) as unknown;
    if (json === null || typeof json !== "object" || Array.isArray(json)) throw new Error("not an object");
    return json as Record<string, unknown>;
  } catch {
    throw new FhirUnavailableError(`the FHIR server ${base} sent something that is not a JSON resource for ${what}`);
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
