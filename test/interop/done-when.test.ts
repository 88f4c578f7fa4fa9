/**
 * Issue #15's "Done when", end to end in one test EHR: the FHIR server (Medplum's router on loopback) and a CDS
 * Hooks client open profile (a); Decidua answers with the LIT card citing the uterine NK finding; the EHR then
 * follows the card's SMART link (adding its launch context, as an EHR does) in a real browser, and Decidua shows
 * the same assessment: every verdict the cards state is the verdict on the page.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PATIENT_VIEW_SERVICE_ID } from "../../src/interop/cds/cards.js";
import { apiSession, ADMIN_PASSWORD, buildWeb, createUser, launchBrowser, shot, startServer, type Browser, type TestServer } from "../web/harness.js";
import { startEhr, type TestEhr } from "./ehr.js";
import { installSmartAs, type SmartAs } from "./smart-as.js";
import { profileBundle } from "./helpers.js";

type Card = { summary: string; indicator: string; detail: string; source: { label: string; topic?: { code?: string } }; links?: { type: string; url: string }[] };

const STATUS_OF_WORDS: [RegExp, string][] = [
  [/: eligible for a research protocol —/, "protocol-eligible"],
  [/: recommended —/, "recommended"],
  [/: contraindicated —/, "contraindicated"],
];

describe("Done when: profile (a) through CDS Hooks and the SMART launch", () => {
  let ehr: TestEhr;
  let srv: TestServer;
  let as: SmartAs;
  let browser: Browser;

  beforeAll(async () => {
    buildWeb();
    ehr = await startEhr([profileBundle("a"), profileBundle("b")]);
    ehr.tokens.add("cds-fhir-token");
    srv = await startServer();
    as = await installSmartAs(ehr, { clientId: "decidua-done-when", redirectUri: () => `${srv.base}/smart/callback` });
    const admin = await apiSession(srv.base, "admin", ADMIN_PASSWORD);
    expect((await admin("PUT", "/api/fhir/cds-clients", { iss: ehr.iss, label: "Test EHR", jwksUrl: ehr.jwksUrl })).status).toBe(200);
    expect((await admin("PUT", "/api/fhir/smart-ehrs", { iss: ehr.fhirBase, clientId: "decidua-done-when", label: "Test EHR" })).status).toBe(200);
    await createUser(srv.base, "drdone", "clinician", "uterine-NK-cells-9.5-percent");
    const users = (await admin("GET", "/api/users")).json as { users: { id: string; username: string }[] };
    const id = users.users.find((u) => u.username === "drdone")!.id;
    expect((await admin("PUT", "/api/fhir/ehr-users", { iss: ehr.fhirBase, ehrUser: `${ehr.fhirBase}/Practitioner/dr-a`, userId: id })).status).toBe(200);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await srv?.close();
    await ehr?.close();
  });

  it("the LIT card cites the uterine NK finding, and its SMART link opens the same assessment in the browser", async () => {
    // 1. the EHR opens the chart: patient-view to Decidua, the record read from the FHIR server
    const serviceUrl = `${srv.base}/cds-services/${PATIENT_VIEW_SERVICE_ID}`;
    const res = await fetch(serviceUrl, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${await ehr.cdsJwt(serviceUrl)}` },
      body: JSON.stringify({
        hookInstance: "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea",
        fhirServer: ehr.fhirBase,
        hook: "patient-view",
        fhirAuthorization: { access_token: "cds-fhir-token", token_type: "Bearer", expires_in: 300, scope: "patient/*.rs", subject: "decidua" },
        context: { userId: "Practitioner/dr-a", patientId: "rpl-a" },
      }),
    });
    expect(res.status).toBe(200);
    const cards = ((await res.json()) as { cards: Card[] }).cards;
    const lit = cards.find((c) => c.source.topic?.code === "lit");
    expect(lit?.summary).toMatch(/Uterine NK cells 9\.5% \(≥ 5%\)/);
    expect(lit?.detail).toMatch(/Uterine NK cells.*9\.5% ≥ 5%/);
    // the verdicts the cards state
    const stated = new Map<string, string>();
    for (const c of cards) {
      const code = c.source.topic?.code;
      const hit = STATUS_OF_WORDS.find(([re]) => re.test(c.summary));
      if (code !== undefined && hit !== undefined) stated.set(code, hit[1]);
    }
    expect(stated.get("lit")).toBe("protocol-eligible");

    // 2. the clinician clicks the card's SMART link; the EHR launches it with its launch context
    const smart = lit!.links!.find((l) => l.type === "smart")!;
    as.ehrUser = "Practitioner/dr-a";
    as.launches.set("done-when-1", "rpl-a");
    const page = browser.page;
    await page.goto(`${smart.url}&launch=done-when-1`);
    await page.getByTestId("ehr-source").waitFor();
    expect(await page.getByTestId("ehr-source").textContent()).toMatch(/^From the EHR at /);
    for (const [therapy, status] of stated) expect(await page.locator(`tr[data-therapy="${therapy}"] [data-status]`).getAttribute("data-status"), therapy).toBe(status);
    expect(await page.locator('tr[data-therapy="lit"]').textContent()).toMatch(/Uterine NK cells.*9\.5%/);
    await shot(page, "done-when-smart-from-cds-card");
  });
});
