/**
 * A test EHR on loopback: Medplum's FHIR R4 router (@medplum/fhir-router) with its in-memory repository behind a
 * small node:http adapter, protected by bearer tokens; plus the EHR's JWKS (its CDS client signing key). Real FHIR
 * software for the REST API (read, search with paging); the adapter only translates HTTP.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { allOk, parseSearchRequest } from "@medplum/core";
import { FhirRouter, MemoryRepository, type FhirRequest, type FhirRepository, type FhirResponse, type HttpMethod } from "@medplum/fhir-router";
import type { Bundle, CapabilityStatement, Resource } from "@medplum/fhirtypes";
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from "jose";
import { loadR4Definitions } from "./r4-validator.js";

export interface TestEhr {
  /** The FHIR base URL (http://127.0.0.1:port/fhir). */
  fhirBase: string;
  origin: string;
  /** Accepted bearer tokens for the FHIR API. */
  tokens: Set<string>;
  repo: MemoryRepository;
  /** The CDS client's issuer (its JWKS at `${origin}/jwks.json`). */
  iss: string;
  jwksUrl: string;
  publicJwk: JWK;
  /** Signs a CDS Hooks client JWT for `aud` (options to make it expired or signed by another key). */
  cdsJwt: (aud: string, o?: { expired?: boolean; otherKey?: boolean; iss?: string }) => Promise<string>;
  /** Extra routes (the SMART authorisation server), by path. */
  routes: Map<string, (req: IncomingMessage, res: ServerResponse, body: string) => void | Promise<void>>;
  requests: string[];
  close: () => Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

/** Resource types of the Patient compartment that the test EHR's $everything returns. */
const COMPARTMENT = ["Observation", "Condition", "Procedure", "DiagnosticReport", "AllergyIntolerance", "MedicationStatement", "RelatedPerson", "Encounter"] as const;

/**
 * Patient/$everything (FHIR R4 OperationDefinition Patient-everything), registered on Medplum's router as Medplum's
 * own server does: the Patient and the resources of its compartment, read with the repository's search.
 */
async function patientEverything(req: FhirRequest, repo: FhirRepository): Promise<FhirResponse> {
  const id = req.params.id ?? "";
  const patient = await repo.readResource("Patient", id);
  const entry: NonNullable<Bundle["entry"]> = [{ resource: patient }];
  for (const t of COMPARTMENT) for (const r of await repo.searchResources(parseSearchRequest(`${t}?patient=Patient/${id}&_count=1000`))) entry.push({ resource: r });
  return [allOk, { resourceType: "Bundle", type: "searchset", total: entry.length, entry } as Bundle];
}

/** `everything`: offer Patient/$everything (and say so in the CapabilityStatement at /fhir/metadata). */
export async function startEhr(bundles: { entry?: { resource?: unknown }[] }[] = [], opts: { everything?: boolean } = {}): Promise<TestEhr> {
  loadR4Definitions();
  const repo = new MemoryRepository();
  const router = new FhirRouter();
  if (opts.everything === true) router.add("GET", "Patient/:id/$everything", patientEverything);
  const capability: CapabilityStatement = {
    resourceType: "CapabilityStatement",
    status: "active",
    date: "2026-12-01",
    kind: "instance",
    fhirVersion: "4.0.1",
    format: ["json"],
    rest: [
      {
        mode: "server",
        resource: (["Patient", ...COMPARTMENT] as const).map((type) => ({
          type,
          interaction: [{ code: "read" as const }, { code: "search-type" as const }],
          ...(type === "Patient" && opts.everything === true ? { operation: [{ name: "everything", definition: "http://hl7.org/fhir/OperationDefinition/Patient-everything" }] } : {}),
        })),
      },
    ],
  };
  for (const b of bundles) for (const e of b.entry ?? []) if (e.resource !== undefined) await repo.updateResource(e.resource as Resource);
  const { publicKey, privateKey } = await generateKeyPair("ES384");
  const other = await generateKeyPair("ES384");
  const publicJwk = { ...(await exportJWK(publicKey)), kid: "ehr-cds-1", alg: "ES384", use: "sig" };
  const tokens = new Set<string>();
  const routes: TestEhr["routes"] = new Map();
  const requests: string[] = [];
  let origin = "";

  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? "/", origin);
      requests.push(`${req.method ?? "GET"} ${url.pathname}${url.search}`);
      const body = await readBody(req);
      const extra = routes.get(url.pathname);
      if (extra !== undefined) return extra(req, res, body);
      if (url.pathname === "/jwks.json") {
        res.writeHead(200, { "content-type": "application/json" });
        return res.end(JSON.stringify({ keys: [publicJwk] }));
      }
      if (!url.pathname.startsWith("/fhir/")) {
        res.writeHead(404);
        return res.end();
      }
      if (url.pathname === "/fhir/metadata") {
        // the CapabilityStatement is public (FHIR R4 http.html#capabilities)
        res.writeHead(200, { "content-type": "application/fhir+json" });
        return res.end(JSON.stringify(capability));
      }
      const auth = req.headers.authorization;
      if (typeof auth !== "string" || !tokens.has(auth.replace(/^Bearer /, ""))) {
        res.writeHead(401, { "content-type": "application/fhir+json", "www-authenticate": "Bearer" });
        return res.end(JSON.stringify({ resourceType: "OperationOutcome", issue: [{ severity: "error", code: "login" }] }));
      }
      const path = url.pathname.slice("/fhir/".length) + url.search;
      const [outcome, resource] = await router.handleRequest(
        { method: (req.method ?? "GET") as HttpMethod, url: path, pathname: "", params: {}, query: {}, body: body === "" ? undefined : (JSON.parse(body) as unknown), headers: req.headers },
        repo,
      );
      const code = outcome.issue?.[0]?.code;
      const status = code === "not-found" ? 404 : code === "informational" || code === undefined ? 200 : code === "invalid" || code === "structure" ? 400 : 500;
      res.writeHead(status, { "content-type": "application/fhir+json" });
      res.end(JSON.stringify(resource ?? outcome));
    })().catch((e: unknown) => {
      res.writeHead(500);
      res.end(String(e));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const iss = `${origin}/cds-client`;

  const cdsJwt = async (aud: string, o: { expired?: boolean; otherKey?: boolean; iss?: string } = {}): Promise<string> => {
    const now = Math.floor(Date.now() / 1000);
    const key: CryptoKey = o.otherKey === true ? other.privateKey : privateKey;
    return new SignJWT({})
      .setProtectedHeader({ alg: "ES384", typ: "JWT", kid: "ehr-cds-1", jku: `${origin}/jwks.json` })
      .setIssuer(o.iss ?? iss)
      .setAudience(aud)
      .setIssuedAt(o.expired === true ? now - 600 : now)
      .setExpirationTime(o.expired === true ? now - 300 : now + 300)
      .setJti(crypto.randomUUID())
      .sign(key);
  };

  return {
    fhirBase: `${origin}/fhir`,
    origin,
    tokens,
    repo,
    iss,
    jwksUrl: `${origin}/jwks.json`,
    publicJwk,
    cdsJwt,
    routes,
    requests,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
