/**
 * A test EHR (Medplum's FHIR router on loopback, holding the clinic's two profiles) and a CDS Hooks 2.0 client that
 * sends the specification's patient-view example request to Decidua, signed as the specification requires.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PATIENT_VIEW_PREFETCH, PATIENT_VIEW_SERVICE_ID } from "../../src/interop/cds/cards.js";
import { Client, ADMIN_PASSWORD, startServer, type TestServer } from "../server/helpers.js";
import { startEhr, type TestEhr } from "./ehr.js";
import { profileBundle } from "./helpers.js";

type Card = Record<string, unknown> & { summary: string; indicator: string; detail: string; uuid: string; source: { label: string; url?: string; topic?: unknown } };

/** Every card field checked against CDS Hooks 2.0 (Card attributes). */
function checkCardShape(c: Card): void {
  expect(typeof c.uuid).toBe("string");
  expect(typeof c.summary).toBe("string");
  expect([...c.summary].length).toBeLessThanOrEqual(140);
  expect(["info", "warning", "critical"]).toContain(c.indicator);
  expect(typeof c.source.label).toBe("string");
  if (c.source.url !== undefined) expect(c.source.url).toMatch(/^https?:\/\//);
  if (c.detail !== undefined) expect(typeof c.detail).toBe("string");
  const suggestions = c.suggestions as { label: string; uuid?: string; actions?: { type: string; description: string; resource?: { resourceType: string } }[] }[] | undefined;
  if (suggestions !== undefined) {
    expect(["at-most-one", "any"]).toContain(c.selectionBehavior);
    for (const s of suggestions) {
      expect(typeof s.label).toBe("string");
      for (const a of s.actions ?? []) {
        expect(["create", "update", "delete"]).toContain(a.type);
        expect(typeof a.description).toBe("string");
        if (a.type === "create") expect(typeof a.resource?.resourceType).toBe("string");
      }
    }
  }
  for (const l of (c.links as { label: string; url: string; type: string; appContext?: string }[] | undefined) ?? []) {
    expect(typeof l.label).toBe("string");
    expect(l.url).toMatch(/^https?:\/\//);
    expect(["absolute", "smart"]).toContain(l.type);
  }
  for (const r of (c.overrideReasons as { code: string; system: string; display: string }[] | undefined) ?? []) {
    expect(typeof r.code).toBe("string");
    expect(typeof r.system).toBe("string");
  }
  expect(Object.keys(c).every((k) => ["uuid", "summary", "detail", "indicator", "source", "suggestions", "selectionBehavior", "overrideReasons", "links"].includes(k))).toBe(true);
}

describe("CDS Hooks 2.0 patient-view service against a test EHR", () => {
  let ehr: TestEhr;
  let srv: TestServer;
  let admin: Client;
  let serviceUrl: string;

  beforeAll(async () => {
    ehr = await startEhr([profileBundle("a"), profileBundle("b")]);
    ehr.tokens.add("some-opaque-fhir-access-token");
    srv = await startServer("sqlite");
    admin = new Client(srv.base);
    await admin.login("admin", ADMIN_PASSWORD);
    const r = await admin.req("PUT", "/api/fhir/cds-clients", { iss: ehr.iss, label: "Test EHR", jwksUrl: ehr.jwksUrl });
    expect(r.status).toBe(200);
    serviceUrl = `${srv.base}/cds-services/${PATIENT_VIEW_SERVICE_ID}`;
  });
  afterAll(async () => {
    await srv?.close();
    await ehr?.close();
  });

  /** The specification's patient-view example request, pointed at the test EHR. */
  const specRequest = (patientId: string, over: Record<string, unknown> = {}) => ({
    hookInstance: "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea",
    fhirServer: ehr.fhirBase,
    hook: "patient-view",
    fhirAuthorization: { access_token: "some-opaque-fhir-access-token", token_type: "Bearer", expires_in: 300, scope: "user/Patient.read user/Observation.read", subject: "cds-service4" },
    context: { userId: "Practitioner/example", patientId },
    ...over,
  });

  const call = async (body: unknown, jwt?: string) => {
    const token = jwt ?? (await ehr.cdsJwt(serviceUrl));
    const res = await fetch(serviceUrl, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as { cards: Card[] } & Record<string, unknown> };
  };

  it("answers discovery with the patient-view service and its prefetch templates", async () => {
    const res = await fetch(`${srv.base}/cds-services`);
    expect(res.status).toBe(200);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    const d = (await res.json()) as { services: { hook: string; id: string; title: string; description: string; prefetch: Record<string, string> }[] };
    expect(d.services).toHaveLength(1);
    expect(d.services[0]).toMatchObject({ hook: "patient-view", id: PATIENT_VIEW_SERVICE_ID });
    expect(d.services[0]!.description.length).toBeGreaterThan(20);
    expect(d.services[0]!.prefetch).toEqual(PATIENT_VIEW_PREFETCH);
  });

  it("opens profile (a): the LIT card cites the uterine NK finding (data read from the FHIR server)", async () => {
    ehr.requests.length = 0;
    const { status, body } = await call(specRequest("rpl-a"));
    expect(status).toBe(200);
    for (const c of body.cards) checkCardShape(c);
    const lit = body.cards.find((c) => (c.source.topic as { code?: string } | undefined)?.code === "lit");
    expect(lit).toBeDefined();
    expect(lit!.summary).toMatch(/Lymphocyte/i);
    expect(lit!.summary).toMatch(/uterine NK/i);
    expect(lit!.indicator).toBe("info");
    expect(lit!.summary).toMatch(/Uterine NK cells 9\.5% \(≥ 5%\)/);
    expect(lit!.detail).toMatch(/Uterine NK cells.*9\.5% ≥ 5% \(Quenby 2005\)/);
    expect(lit!.detail).toMatch(/From the EHR at 20\d\d-/);
    expect(lit!.source.label).toMatch(/evidence base v1, published \d{4}-\d{2}-\d{2} #[0-9a-f]{12}/);
    expect(lit!.source.label).toMatch(/; .+ \d{4}, (verified|not verified)\)$/);
    expect(lit!.detail).toMatch(/\*\*Guidelines:\*\*\n- .+ — \*.+\* \((verified|not verified)\)/);
    const links = lit!.links as { type: string; url: string }[];
    expect(links.find((l) => l.type === "smart")?.url).toBe(`${srv.base}/smart/launch?iss=${encodeURIComponent(ehr.fhirBase)}`);
    expect((lit!.overrideReasons as unknown[]).length).toBeGreaterThan(0);
    // Decidua read the record through the EHR's REST API (search by patient)
    expect(ehr.requests).toContain("GET /fhir/Patient/rpl-a");
    expect(ehr.requests.some((r) => r.startsWith("GET /fhir/Observation?patient=Patient%2Frpl-a") || r.startsWith("GET /fhir/Observation?patient=Patient/rpl-a"))).toBe(true);
    // the unmapped EHR items are named
    const unmapped = body.cards.find((c) => c.summary.startsWith("Decidua could not read"));
    expect(unmapped?.detail).toContain("Observation/rpl-a-hb");
    // the call is in the audit log
    const audit = await admin.req("GET", "/api/audit?action=cds.patient-view");
    expect((audit.body as { total: number }).total).toBeGreaterThan(0);
  });

  it("uses the prefetch when the CDS client sends it, without calling the FHIR server", async () => {
    const prefetch: Record<string, unknown> = {};
    for (const [k, tpl] of Object.entries(PATIENT_VIEW_PREFETCH)) {
      const r = await fetch(`${ehr.fhirBase}/${tpl.replace("{{context.patientId}}", "rpl-a")}`, { headers: { authorization: "Bearer some-opaque-fhir-access-token" } });
      prefetch[k] = await r.json();
    }
    ehr.requests.length = 0;
    const { status, body } = await call(specRequest("rpl-a", { prefetch, fhirServer: undefined, fhirAuthorization: undefined }));
    expect(status).toBe(200);
    expect(ehr.requests).toEqual([]);
    expect(body.cards.find((c) => (c.source.topic as { code?: string } | undefined)?.code === "lit")?.summary).toMatch(/uterine NK/i);
  });

  it("profile (b): a premature card with the missing investigations as ServiceRequest suggestions", async () => {
    const { body } = await call(specRequest("rpl-b"));
    for (const c of body.cards) checkCardShape(c);
    const pre = body.cards.find((c) => c.summary.startsWith("Immunotherapy premature"));
    expect(pre?.indicator).toBe("warning");
    const s = pre!.suggestions as { actions: { resource: { resourceType: string; subject: { reference: string } } }[] }[];
    expect(s.length).toBeGreaterThan(0);
    expect(s[0]!.actions[0]!.resource.resourceType).toBe("ServiceRequest");
    expect(s[0]!.actions[0]!.resource.subject.reference).toBe("Patient/rpl-b");
    expect(body.cards.some((c) => c.summary.includes("eligible") || c.summary.includes("recommended"))).toBe(false);
  });

  it("an unreachable FHIR server gives an 'information unavailable' card and no verdict", async () => {
    const { status, body } = await call(specRequest("rpl-a", { fhirServer: "http://127.0.0.1:9/fhir" }));
    expect(status).toBe(200);
    expect(body.cards).toHaveLength(1);
    checkCardShape(body.cards[0]!);
    expect(body.cards[0]!.summary).toMatch(/information unavailable/);
    expect(body.cards[0]!.detail).toMatch(/no verdict/);
    const denied = await call(specRequest("rpl-a", { fhirAuthorization: { access_token: "wrong", token_type: "Bearer", expires_in: 300, scope: "x", subject: "y" } }));
    expect(denied.body.cards).toHaveLength(1);
    expect(denied.body.cards[0]!.detail).toMatch(/answered 401/);
  });

  it("rejects a missing, expired, wrongly signed or unregistered JWT with 401", async () => {
    const noAuth = await fetch(serviceUrl, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(specRequest("rpl-a")) });
    expect(noAuth.status).toBe(401);
    expect((await call(specRequest("rpl-a"), await ehr.cdsJwt(serviceUrl, { expired: true }))).status).toBe(401);
    expect((await call(specRequest("rpl-a"), await ehr.cdsJwt(serviceUrl, { otherKey: true }))).status).toBe(401);
    expect((await call(specRequest("rpl-a"), await ehr.cdsJwt(serviceUrl, { iss: "https://rogue.example" }))).status).toBe(401);
    expect((await call(specRequest("rpl-a"), await ehr.cdsJwt(`${srv.base}/cds-services/other`))).status).toBe(401);
    const expired = await call(specRequest("rpl-a"), await ehr.cdsJwt(serviceUrl, { expired: true }));
    expect(JSON.stringify(expired.body)).toMatch(/expired/);
  });

  it("rejects a malformed request with 400 naming the field", async () => {
    const { status, body } = await call({ ...specRequest("rpl-a"), hook: "order-sign" });
    expect(status).toBe(400);
    expect(JSON.stringify(body)).toMatch(/hook/);
  });

  it("stores feedback (accepted / overridden with the reason) in the audit log", async () => {
    const { body } = await call(specRequest("rpl-a"));
    const lit = body.cards.find((c) => (c.source.topic as { code?: string } | undefined)?.code === "lit")!;
    const feedbackUrl = `${serviceUrl}/feedback`;
    const fb = {
      feedback: [
        { card: lit.uuid, outcome: "overridden", overrideReason: { reason: (lit.overrideReasons as unknown[])[0], userComment: "discussed at the last visit" }, outcomeTimestamp: "2026-12-01T10:00:00Z" },
      ],
    };
    const res = await fetch(feedbackUrl, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${await ehr.cdsJwt(feedbackUrl)}` }, body: JSON.stringify(fb) });
    expect(res.status).toBe(200);
    const bad = await fetch(feedbackUrl, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${await ehr.cdsJwt(feedbackUrl, { expired: true })}` }, body: JSON.stringify(fb) });
    expect(bad.status).toBe(401);
    const audit = await admin.req("GET", "/api/audit?action=cds.feedback.overridden");
    const entries = (audit.body as { entries: { detail: string; username: string }[] }).entries;
    expect(entries).toHaveLength(1);
    expect(entries[0]!.username).toBe(`cds:${ehr.iss}`);
    expect(JSON.parse(entries[0]!.detail)).toMatchObject({ card: lit.uuid, outcome: "overridden", overrideReason: { userComment: "discussed at the last visit" } });
  });
});
