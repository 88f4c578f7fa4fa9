/** Small helpers shared by the CDS Hooks, SMART and FHIR routes. */
import { createHash } from "node:crypto";
import type { FastifyInstance, FastifyRequest } from "fastify";

/** The server's own base URL as the client sees it (behind a proxy with trustProxy, from its headers). */
export function publicBase(req: FastifyRequest): string {
  return `${req.protocol}://${req.host}`;
}

/** What a user read from an EHR, kept in server memory until it expires (FHIR import previews, EHR views). */
export interface ExpiringEntry {
  userId: string;
  /** Epoch milliseconds. */
  expires: number;
}

/** Entries kept in memory per server instance for the user who made them, until they expire. */
export class ExpiringStore<V extends ExpiringEntry> {
  private readonly entries = new Map<string, V>();
  /** Keeps `v` under `id`, first dropping every entry that has expired by `now` (epoch ms). */
  put(id: string, v: V, now: number): void {
    for (const [k, e] of this.entries) if (e.expires < now) this.entries.delete(k);
    this.entries.set(id, v);
  }
  /** The entry under `id` when it is the user's and has not expired by `now`. */
  get(id: string, userId: string, now: number): V | undefined {
    const v = this.entries.get(id);
    return v === undefined || v.expires < now || v.userId !== userId ? undefined : v;
  }
  delete(id: string): void {
    this.entries.delete(id);
  }
}

/** One ExpiringStore per server instance (a test's server does not see another's entries). */
export function expiringStores<V extends ExpiringEntry>(): (app: FastifyInstance) => ExpiringStore<V> {
  const stores = new WeakMap<FastifyInstance, ExpiringStore<V>>();
  return (app) => {
    let s = stores.get(app);
    if (s === undefined) {
      s = new ExpiringStore<V>();
      stores.set(app, s);
    }
    return s;
  };
}

const versions = new WeakMap<FastifyInstance, string>();
/**
 * The evidence version in use, as CDS cards and FHIR GuidanceResponses name it: the published version (issue 11)
 * with its date and the start of its content hash ("v2, published 2026-12-03 #3fa2c1d9e0b4"); for a base stored
 * before versions existed, its load date and a hash of its content.
 */
export async function evidenceVersion(app: FastifyInstance): Promise<string> {
  const v = app.core.evidenceVersion();
  if (v !== null) return `v${v.number}, published ${v.publishedAt.slice(0, 10)} #${v.contentHash.slice(0, 12)}`;
  const hit = versions.get(app);
  if (hit !== undefined) return hit;
  const e = await app.store.getEvidence("default");
  const legacy = e === null ? "none" : `${e.loadedAt.slice(0, 10)} #${createHash("sha256").update(JSON.stringify(e.content)).digest("hex").slice(0, 12)}`;
  versions.set(app, legacy);
  return legacy;
}
