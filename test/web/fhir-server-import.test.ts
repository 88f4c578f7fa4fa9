/**
 * The patient page imports from a configured FHIR server in a real browser: the administrator configures the test
 * EHR (Medplum's FHIR router on loopback, bearer-protected), the clinician picks it, finds the patient by MRN, sees
 * the mapped record "from the EHR at <time>" with every unmapped item (resource and code), saves it as a new
 * version and the assessment then reads it; a server that does not answer shows a clear error and saves nothing.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_PASSWORD, apiSession, buildWeb, createUser, launchBrowser, login, logout, shot, startServer, type Browser, type TestServer } from "./harness.js";
import { startEhr, type TestEhr } from "../interop/ehr.js";
import { profileBundle } from "../interop/helpers.js";

let EHR_LABEL = "";
let DOWN_LABEL = "";
const CLINICIAN = { username: "drkaur", password: "uterine-NK-cells-9.5-percent" };

describe("patient page: import from the EHR's FHIR server", () => {
  let ehr: TestEhr;
  let silent: Server;
  let srv: TestServer;
  let browser: Browser;
  let page: Page;
  let patientId = "";
  let doc: Awaited<ReturnType<typeof apiSession>>;

  beforeAll(async () => {
    buildWeb();
    ehr = await startEhr([profileBundle("a"), profileBundle("b")], { everything: true });
    ehr.tokens.add("browser-test-server-token");
    silent = createServer(() => {});
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", () => r()));
    srv = await startServer({ fhirImport: { totalMs: 8000, requestMs: 2500, maxBytes: 5_000_000 } });
    const admin = await apiSession(srv.base, "admin", ADMIN_PASSWORD);
    expect((await admin("PUT", "/api/fhir/servers", { label: "Down EHR", baseUrl: `http://127.0.0.1:${(silent.address() as AddressInfo).port}/fhir` })).status).toBe(200);
    EHR_LABEL = `Test hospital EHR (${ehr.fhirBase})`;
    DOWN_LABEL = `Down EHR (http://127.0.0.1:${(silent.address() as AddressInfo).port}/fhir)`;
    await createUser(srv.base, CLINICIAN.username, "clinician", CLINICIAN.password);
    doc = await apiSession(srv.base, CLINICIAN.username, CLINICIAN.password);
    const r = await doc("POST", "/api/patients", { displayName: "Asha Example", dateOfBirth: "1993-05-10", record: { losses: [] } });
    expect(r.status).toBe(201);
    patientId = (r.json as { patient: { id: string } }).patient.id;
    browser = await launchBrowser();
    page = browser.page;
  });
  afterAll(async () => {
    await browser?.close();
    await srv?.close();
    await ehr?.close();
    silent?.closeAllConnections();
    await new Promise((r) => silent?.close(r));
  });

  const version = async () => ((await doc("GET", `/api/patients/${patientId}`)).json as { patient: { version: number } }).patient.version;

  it("an administrator adds the EHR's FHIR server (base URL and token) on the EHR integration page", async () => {
    await login(page, srv.base, "admin", ADMIN_PASSWORD);
    await page.goto(`${srv.base}/admin/ehr`);
    const form = page.getByTestId("fhir-server-form");
    await form.locator('[name="label"]').fill("Test hospital EHR");
    await form.locator('[name="baseUrl"]').fill(ehr.fhirBase);
    await form.locator('[name="bearerToken"]').fill("browser-test-server-token");
    await form.getByRole("button", { name: "Save server" }).click();
    const row = page.locator("tr", { hasText: "Test hospital EHR" });
    await row.waitFor();
    expect(await row.textContent()).toMatch(/stored/);
    expect(await page.content()).not.toContain("browser-test-server-token");
    await shot(page, "admin-ehr-fhir-servers");
    await logout(page);
    await login(page, srv.base, CLINICIAN.username, CLINICIAN.password);
  });

  it("a server that does not answer: a clear error, nothing saved", async () => {
    await page.goto(`${srv.base}/patients/${patientId}`);
    const panel = page.getByTestId("fhir-server-import");
    await panel.waitFor();
    await page.getByTestId("fhir-server-select").selectOption({ label: DOWN_LABEL });
    await page.getByTestId("fhir-server-query").fill("A-1001");
    await page.getByTestId("fhir-server-search").click();
    await page.getByTestId("fhir-server-error").waitFor();
    expect(await page.getByTestId("fhir-server-error").textContent()).toMatch(/did not answer/);
    expect(await version()).toBe(1);
  });

  it("finds profile (a) by MRN, shows the mapped record from the EHR with what was not read, saves it as a new version", async () => {
    await page.goto(`${srv.base}/patients/${patientId}`);
    await page.getByTestId("fhir-server-import").waitFor();
    await page.getByTestId("fhir-server-select").selectOption({ label: EHR_LABEL });
    await page.getByTestId("fhir-server-query").fill("https://ehr.example/mrn|A-1001");
    await page.getByTestId("fhir-server-search").click();
    const hit = page.locator('[data-testid="fhir-server-hits"] tr[data-ehr-patient="rpl-a"]');
    await hit.waitFor();
    expect(await hit.textContent()).toMatch(/Asha Example.*1993-05-10.*A-1001/);
    await hit.getByRole("button", { name: "Read this record" }).click();
    await page.locator('[data-testid="fhir-server-preview"], [data-testid="fhir-server-error"]').first().waitFor();
    expect(await page.getByTestId("fhir-server-error").count(), (await page.getByTestId("fhir-server-error").allTextContents()).join()).toBe(0);
    expect(await page.getByTestId("fhir-server-source").textContent()).toMatch(/^From the EHR at \d{1,2} \w{3} 20\d\d, \d\d:\d\d UTC \(Test hospital EHR, Patient\/rpl-a, Asha Example; read with \$everything\)/);
    const preview = await page.getByTestId("fhir-server-preview").textContent();
    expect(preview).toMatch(/9\.5/); // the uterine NK result is in the mapped record
    const unmapped = page.getByTestId("fhir-server-unmapped");
    const rows = await unmapped.locator("tbody tr").allTextContents();
    expect(rows.some((r) => r.includes("Observation/rpl-a-hb") && r.includes("http://loinc.org|718-7"))).toBe(true);
    expect(rows.some((r) => r.includes("Condition/rpl-a-rm"))).toBe(true);
    // the active medication statement is read into the record, not listed
    expect(rows.some((r) => r.includes("MedicationStatement/rpl-a-folate"))).toBe(false);
    expect(await version()).toBe(1); // nothing saved by reading
    await shot(page, "fhir-server-import-preview");
    await page.getByTestId("fhir-server-save").click();
    await page.getByTestId("fhir-server-saved").waitFor();
    expect(await page.getByTestId("fhir-server-saved").textContent()).toMatch(/from the EHR at \d{1,2} \w{3} 20\d\d, \d\d:\d\d UTC \(Test hospital EHR\)\. \d+ item\(s\) not read/);
    expect(await version()).toBe(2);
    expect(((await doc("GET", `/api/patients/${patientId}`)).json as { patient: { record: { medications?: unknown } } }).patient.record.medications).toEqual([{ name: "Folic acid", since: "2024-01-01" }]);
    expect(ehr.requests.some((q) => q.startsWith("GET /fhir/Patient/rpl-a/$everything"))).toBe(true);
    // the assessment tab reads the imported record: LIT with the uterine NK finding
    await page.goto(`${srv.base}/patients/${patientId}/assessment`);
    await page.getByText(/Uterine NK cells/).first().waitFor();
    const a = ((await doc("GET", `/api/patients/${patientId}/assessment`)).json as { assessment: { therapies: { lit: { status: string } } } }).assessment;
    expect(a.therapies.lit.status).toBe("protocol-eligible");
  });
});
