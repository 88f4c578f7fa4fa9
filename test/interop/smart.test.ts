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

/** Follows a redirect chain as a browser does, sending back the cookies each answer set (for its own origin). */
async function followAsBrowser(start: string): Promise<Response> {
  const jar = new Map<string, Map<string, string>>();
  let url = start;
  for (let hop = 0; hop < 10; hop++) {
    const origin = new URL(url).origin;
    const cookies = jar.get(origin);
    const res = await fetch(url, { redirect: "manual", headers: cookies === undefined ? {} : { cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join("; ") } });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(";");
      const eq = pair!.indexOf("=");
      if (!jar.has(origin)) jar.set(origin, new Map());
      jar.get(origin)!.set(pair!.slice(0, eq), pair!.slice(eq + 1));
    }
    const loc = res.headers.get("location");
    if (res.status < 300 || res.status >= 400 || loc === null) return res;
    url = new URL(loc, url).toString();
  }
  throw new Error("too many redirects");
}

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
      // the same redirect chain a browser follows, with its cookies: Decidua → EHR authorize → Decidua callback
      const res = await followAsBrowser(`${srv.base}/smart/launch?iss=${encodeURIComponent(ehr.fhirBase)}&launch=launch-a-2`);
      expect(res.status).toBe(403);
      expect(await res.text()).toMatch(/not linked to a Decidua clinician/);
      expect(res.headers.getSetCookie().filter((c) => !/^decidua_smart_state=;/.test(c))).toEqual([]);
      expect((await fetch(`${srv.base}/smart/launch?iss=${encodeURIComponent("http://127.0.0.1:9/fhir")}&launch=x`)).status).toBe(400);
      expect((await fetch(`${srv.base}/smart/callback?code=abc&state=never-issued`)).status).toBe(400);
      const admin = await apiSession(srv.base, "admin", ADMIN_PASSWORD);
      const audit = (await admin("GET", "/api/audit?action=smart.refused")).json as { entries: { detail: string }[] };
      expect(audit.entries.some((e) => e.detail.includes("Practitioner/stranger"))).toBe(true);
    } finally {
      as.ehrUser = "Practitioner/dr-a";
    }
  });

  it("a callback forwarded to another browser (its state issued to the first) is refused: no sign-in as the EHR user", async () => {
    as.launches.set("launch-a-3", "rpl-a");
    // the first browser starts the launch and is sent to the EHR, which redirects back with code and state
    const launch = await fetch(`${srv.base}/smart/launch?iss=${encodeURIComponent(ehr.fhirBase)}&launch=launch-a-3`, { redirect: "manual" });
    expect(launch.status).toBe(302);
    expect(launch.headers.getSetCookie().some((c) => /^decidua_smart_state=.*HttpOnly.*SameSite=Lax/i.test(c))).toBe(true);
    const back = await fetch(launch.headers.get("location")!, { redirect: "manual" });
    const callback = back.headers.get("location")!;
    expect(callback).toMatch(/\/smart\/callback\?/);
    // ... and that callback link is opened in another browser, which has no state cookie
    const other = await fetch(callback, { redirect: "manual" });
    expect(other.status).toBe(400);
    expect(await other.text()).toMatch(/not started in this browser/);
    expect(other.headers.getSetCookie().some((c) => /^decidua_session=/.test(c))).toBe(false);
  });
});
