/**
 * A small SMART on FHIR authorisation server for the test EHR, built on `jose` (ID tokens signed RS256, JWKS):
 * .well-known/smart-configuration, an authorize endpoint (authorization code, PKCE S256 required, EHR launch
 * context or standalone patient selection, the signed-in EHR user), a token endpoint (code + verifier → access token,
 * patient, id_token with fhirUser). Access tokens it issues are accepted by the EHR's FHIR API.
 */
import { createHash, randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import type { TestEhr } from "./ehr.js";

export interface SmartAs {
  clientId: string;
  /** The EHR user signed in at the EHR (fhirUser of the ID token). */
  ehrUser: string;
  /** Launch contexts the EHR created (launch id → patient). */
  launches: Map<string, string>;
  /** The patient chosen in a standalone launch. */
  standalonePatient: string;
  /** Scopes asked for in the last authorize request. */
  lastScope: string | null;
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store", ...headers });
  res.end(JSON.stringify(body));
}

export async function installSmartAs(ehr: TestEhr, o: { clientId: string; redirectUri: () => string }): Promise<SmartAs> {
  const { publicKey, privateKey } = await generateKeyPair("RS256");
  const jwk = { ...(await exportJWK(publicKey)), kid: "as-1", alg: "RS256", use: "sig" };
  const as: SmartAs = { clientId: o.clientId, ehrUser: "Practitioner/dr-a", launches: new Map(), standalonePatient: "rpl-a", lastScope: null };
  const codes = new Map<string, { challenge: string; redirectUri: string; patient: string; scope: string; user: string }>();

  ehr.routes.set("/fhir/.well-known/smart-configuration", (_req, res) =>
    send(res, 200, {
      issuer: ehr.fhirBase,
      authorization_endpoint: `${ehr.origin}/auth/authorize`,
      token_endpoint: `${ehr.origin}/auth/token`,
      jwks_uri: `${ehr.origin}/auth/jwks`,
      grant_types_supported: ["authorization_code"],
      response_types_supported: ["code"],
      scopes_supported: ["openid", "fhirUser", "launch", "launch/patient", "patient/*.rs"],
      code_challenge_methods_supported: ["S256"],
      capabilities: ["launch-ehr", "launch-standalone", "client-public", "context-ehr-patient", "context-standalone-patient", "sso-openid-connect", "permission-v2"],
    }),
  );
  ehr.routes.set("/auth/jwks", (_req, res) => send(res, 200, { keys: [jwk] }));

  ehr.routes.set("/auth/authorize", (req: IncomingMessage, res: ServerResponse) => {
    const q = new URL(req.url ?? "/", ehr.origin).searchParams;
    const fail = (why: string) => send(res, 400, { error: "invalid_request", error_description: why });
    if (q.get("response_type") !== "code") return fail("response_type must be code");
    if (q.get("client_id") !== o.clientId) return fail("unknown client_id");
    const redirectUri = q.get("redirect_uri") ?? "";
    if (redirectUri !== o.redirectUri()) return fail("redirect_uri not registered");
    if (q.get("code_challenge_method") !== "S256" || (q.get("code_challenge") ?? "") === "") return fail("PKCE S256 required");
    if (q.get("aud") !== ehr.fhirBase) return fail("aud must be the FHIR base URL");
    const scope = q.get("scope") ?? "";
    as.lastScope = scope;
    const scopes = scope.split(" ");
    if (!scopes.includes("openid") || !scopes.includes("fhirUser")) return fail("openid fhirUser required");
    const launch = q.get("launch");
    let patient: string | undefined;
    if (launch !== null) patient = as.launches.get(launch);
    else if (scopes.includes("launch/patient")) patient = as.standalonePatient;
    if (patient === undefined) return fail("unknown launch context");
    const code = randomBytes(16).toString("base64url");
    codes.set(code, { challenge: q.get("code_challenge") ?? "", redirectUri, patient, scope: scopes.filter((s) => s !== "launch" && s !== "launch/patient").join(" "), user: as.ehrUser });
    const back = new URL(redirectUri);
    back.searchParams.set("code", code);
    back.searchParams.set("state", q.get("state") ?? "");
    res.writeHead(302, { location: back.toString() });
    res.end();
  });

  ehr.routes.set("/auth/token", async (req: IncomingMessage, res: ServerResponse, body: string) => {
    if (req.method !== "POST") return send(res, 405, { error: "invalid_request" });
    const p = new URLSearchParams(body);
    const c = codes.get(p.get("code") ?? "");
    if (p.get("grant_type") !== "authorization_code" || c === undefined) return send(res, 400, { error: "invalid_grant" });
    codes.delete(p.get("code") ?? "");
    if (p.get("client_id") !== o.clientId || p.get("redirect_uri") !== c.redirectUri) return send(res, 400, { error: "invalid_grant", error_description: "client or redirect_uri mismatch" });
    const verifier = p.get("code_verifier") ?? "";
    if (createHash("sha256").update(verifier).digest("base64url") !== c.challenge) return send(res, 400, { error: "invalid_grant", error_description: "PKCE verification failed" });
    const accessToken = randomBytes(24).toString("base64url");
    ehr.tokens.add(accessToken);
    const idToken = await new SignJWT({ fhirUser: `${ehr.fhirBase}/${c.user}` })
      .setProtectedHeader({ alg: "RS256", kid: "as-1" })
      .setIssuer(ehr.fhirBase)
      .setAudience(o.clientId)
      .setSubject(c.user)
      .setIssuedAt()
      .setExpirationTime("5m")
      .sign(privateKey);
    send(res, 200, { access_token: accessToken, token_type: "Bearer", expires_in: 3600, scope: c.scope, patient: c.patient, id_token: idToken });
  });
  return as;
}
