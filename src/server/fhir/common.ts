/** Small helpers shared by the CDS Hooks, SMART and FHIR routes. */
import { createHash } from "node:crypto";
import type { FastifyInstance, FastifyRequest } from "fastify";

/** The server's own base URL as the client sees it (behind a proxy with trustProxy, from its headers). */
export function publicBase(req: FastifyRequest): string {
  return `${req.protocol}://${req.host}`;
}

const versions = new WeakMap<FastifyInstance, string>();
/** The version of the evidence base in use: the load date and a content hash ("2026-12-01 #3fa2c1d9e0b4"). */
export async function evidenceVersion(app: FastifyInstance): Promise<string> {
  const hit = versions.get(app);
  if (hit !== undefined) return hit;
  const e = await app.store.getEvidence("default");
  const v = e === null ? "none" : `${e.loadedAt.slice(0, 10)} #${createHash("sha256").update(JSON.stringify(e.content)).digest("hex").slice(0, 12)}`;
  versions.set(app, v);
  return v;
}
