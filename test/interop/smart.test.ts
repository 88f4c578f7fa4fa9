/**
 * SMART on FHIR launch in a real browser: the test EHR (Medplum's FHIR router on loopback) with a small
 * authorisation server on `jose`, Decidua as the SMART app (oauth4webapi, PKCE), Debian's chromium via playwright.
 * Done when the EHR launch of profile (a) shows Decidua's assessment "from the EHR at <time>" with the uterine NK
 * finding — the same verdicts as the CDS Hooks cards and the typed-in record.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assessPatient } from "../../src/clinical/assess.js";
import { apiSession, ADMIN_PASSWORD, buildWeb, createUser, launchBrowser, shot, startServer, type Browser, type TestServer } from "../web/harness.js";
import { startEhr, type TestEhr } from "./ehr.js";
import { installSmartAs, type SmartAs } from "./smart-as.js";
import { profileBundle, profileRecord, TODAY } from "./helpers.js";

describe("SMART on FHIR app launch", () => {
  let ehr: TestEhr;
  let srv: TestServer;
  let as: SmartAs;
  let browser: Browser;

  beforeAll(async () => {
    buildWeb();
    ehr = await startEhr([profileBundle("a"), profileBundle("b")]);
    srv = await startServer();
    as = await installSmartAs(ehr, { clientId: "decidua-test-client", redirectUri: () => `${srv.base}/smart/callback` });
    const admin = await apiSession(srv.base, "admin", ADMIN_PASSWORD);
    expect((await admin("PUT", "/api/fhir/smart-ehrs", { iss: ehr.fhirBase, clientId: "decidua-test-client", label: "Test EHR" })).status).toBe(200);
    await createUser(srv.base, "drlee", "clinician", "uterine-NK-cells-9.5-percent");
    const users = (await admin("GET", "/api/users")).json as { users: { id: string; username: string }[] };
    const drlee = users.users.find((u) => u.username === "drlee")!;
    expect((await admin("PUT", "/api/fhir/ehr-users", { iss: ehr.fhirBase, ehrUser: `${ehr.fhirBase}/Practitioner/dr-a`, userId: drlee.id })).status).toBe(200);
    const admins = users.users.find((u) => u.username === "admin")!;
    expect((await admin("PUT", "/api/fhir/ehr-users", { iss: ehr.fhirBase, ehrUser: "x", userId: admins.id })).status).toBe(400); // only clinicians
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await srv?.close();
    await ehr?.close();
  });

  it("EHR launch of profile (a): the assessment from the EHR with the uterine NK finding and the unmapped items", async () => {
    as.ehrUser = "Practitioner/dr-a";
    as.launches.set("launch-a-1", "rpl-a");
    const page = browser.page;
    await page.goto(`${srv.base}/smart/launch?iss=${encodeURIComponent(ehr.fhirBase)}&launch=launch-a-1`);
    await page.getByTestId("ehr-source").waitFor();
    expect(await page.getByTestId("ehr-source").textContent()).toMatch(/^From the EHR at \d{1,2} \w{3} 20\d\d, \d\d:\d\d UTC/);
    expect(page.url()).toMatch(/\/ehr\/[A-Za-z0-9_-]+$/);
    const typed = assessPatient(profileRecord("a"), { today: TODAY });
    const lit = page.locator('tr[data-therapy="lit"]');
    expect(await lit.locator("[data-status]").getAttribute("data-status")).toBe(typed.therapies.lit.status);
    expect(await lit.textContent()).toMatch(/Uterine NK cells.*9\.5%/);
    for (const t of ["ivig", "lmwh-aspirin", "progesterone"] as const)
      expect(await page.locator(`tr[data-therapy="${t}"] [data-status]`).getAttribute("data-status")).toBe(typed.therapies[t].status);
    expect(await page.getByTestId("ehr-unmapped-table").textContent()).toContain("Observation/rpl-a-hb");
    await shot(page, "smart-ehr-launch-profile-a");
    // the read-only scopes and PKCE were used
    expect(as.lastScope).toBe("launch openid fhirUser patient/*.rs");
    // export of the assessment bundle through the session of the launch
    const bundle = (await page.evaluate(async (url) => (await fetch(url)).json(), `${srv.base}${new URL(page.url()).pathname.replace("/ehr/", "/api/fhir/ehr-views/")}/bundle`)) as { resourceType: string; entry: { resource: { resourceType: string } }[] };
    expect(bundle.resourceType).toBe("Bundle");
    expect(bundle.entry.filter((e) => e.resource.resourceType === "GuidanceResponse")).toHaveLength(11);
    // the read is in the audit log under the mapped clinician
    const admin = await apiSession(srv.base, "admin", ADMIN_PASSWORD);
    const audit = (await admin("GET", "/api/audit?action=ehr.read")).json as { entries: { username: string; detail: string }[] };
    expect(audit.entries[0]?.username).toBe("drlee");
    expect(JSON.parse(audit.entries[0]!.detail)).toMatchObject({ ehrPatient: "rpl-a" });
  });

  it("standalone launch: the patient chosen at the EHR's authorisation server (profile b: LIT not indicated, the losses are explained)", async () => {
    as.standalonePatient = "rpl-b";
    const page = browser.page;
    await page.goto(`${srv.base}/smart/launch?iss=${encodeURIComponent(ehr.fhirBase)}`);
    await page.getByText("Bea Example").waitFor();
    expect(as.lastScope).toBe("launch/patient openid fhirUser patient/*.rs");
    expect(await page.locator('tr[data-therapy="lit"] [data-status]').getAttribute("data-status")).toBe("not-indicated");
  });

  it("the patient page imports a Bundle file from the EHR and lists what it did not read", async () => {
    const page = browser.page;
    const list = (await page.evaluate(async (u) => (await fetch(u)).json(), `${srv.base}/api/patients`)) as { patients: { id: string }[] };
    const id = list.patients[0]!.id;
    await page.goto(`${srv.base}/patients/${id}`);
    await page.getByTestId("fhir-import-file").setInputFiles(join(import.meta.dirname, "..", "..", "examples", "fhir", "profile-a.bundle.json"));
    await page.getByTestId("fhir-import-result").waitFor();
    expect(await page.getByTestId("fhir-import-result").textContent()).toMatch(/Imported from the EHR at .*2 item\(s\) not read.*Observation\/rpl-a-hb/);
    await shot(page, "fhir-import-patient-page");
  });

  it("refuses an EHR user with no Decidua clinician, an unregistered EHR and a replayed state", async () => {
    as.ehrUser = "Practitioner/stranger";
    as.launches.set("launch-a-2", "rpl-a");
    try {
      // the same redirect chain a browser follows: Decidua → EHR authorize → Decidua callback
      const res = await fetch(`${srv.base}/smart/launch?iss=${encodeURIComponent(ehr.fhirBase)}&launch=launch-a-2`);
      expect(res.status).toBe(403);
      expect(await res.text()).toMatch(/not linked to a Decidua clinician/);
      expect(res.headers.getSetCookie()).toEqual([]);
      expect((await fetch(`${srv.base}/smart/launch?iss=${encodeURIComponent("http://127.0.0.1:9/fhir")}&launch=x`)).status).toBe(400);
      expect((await fetch(`${srv.base}/smart/callback?code=abc&state=never-issued`)).status).toBe(400);
      const admin = await apiSession(srv.base, "admin", ADMIN_PASSWORD);
      const audit = (await admin("GET", "/api/audit?action=smart.refused")).json as { entries: { detail: string }[] };
      expect(audit.entries.some((e) => e.detail.includes("Practitioner/stranger"))).toBe(true);
    } finally {
      as.ehrUser = "Practitioner/dr-a";
    }
  });
});
