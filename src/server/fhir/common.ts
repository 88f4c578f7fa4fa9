/** Small helpers shared by the CDS Hooks, SMART and FHIR routes. */
import { createHash } from "node:crypto";
import type { FastifyInstance, FastifyRequest } from "fastify";

/** The server's own base URL as the client sees it (behind a proxy with trustProxy, from its headers). */
export function publicBase(req: FastifyRequest): string {
  return `${req.protocol}://${req.host}`;
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
