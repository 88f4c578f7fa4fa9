/**
 * Issue 11 in a real browser: a reviewer corrects a trial's counts in the draft with a reason, sees which stored
 * patients' verdicts would change, and publishes; the clinician's patient page then names the new version and shows
 * the changed-verdict notice, and the patient list marks the patient.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { buildWeb, createUser, launchBrowser, login, logout, shot, startServer, type Browser, type TestServer } from "./harness.js";

let server: TestServer;
let browser: Browser;
const REVIEWER_PW = "Reviewer-kettle-orbit-42";
const CLINICIAN_PW = "Clinician-kettle-orbit-42";

beforeAll(async () => {
  buildWeb();
  server = await startServer();
  await createUser(server.base, "revone", "reviewer", REVIEWER_PW);
  await createUser(server.base, "drev", "clinician", CLINICIAN_PW);
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe("evidence review → publish → clinician", () => {
  test("a reviewer's count correction reaches the clinician only when published, naming the version", async () => {
    const page = browser.page;
    await login(page, server.base, "revone", REVIEWER_PW);
    await page.getByTestId("draft-state").waitFor();
    expect(page.url()).toMatch(/\/review$/);
    expect(await page.getByRole("link", { name: "Patients" }).count()).toBe(0);
    expect(await page.getByTestId("draft-state").textContent()).toContain("Rests on evidence v1; 0 unpublished");
    // a page not for a reviewer leads back to the reviewer's own start page, not to the patients they cannot open
    await page.goto(`${server.base}/patients`);
    await page.getByText("Your role cannot open this page").waitFor();
    expect([await page.getByTestId("not-found-home").textContent(), await page.getByTestId("not-found-home").getAttribute("href")]).toEqual(["Back to the evidence review", "/review"]);
    await page.getByTestId("not-found-home").click();
    await page.getByTestId("draft-state").waitFor();

    await page.getByLabel("Trial").selectOption("tang-2013");
    // Tang 2013 reports 12/20 vs 8/20 live births; the reviewer enters a (test) correction of the treated arm to 14/20
    await page.getByLabel("Events, treated").fill("14");
    await page.getByLabel("Total, treated").fill("20");
    await page.getByLabel("Events, control").fill("8");
    await page.getByLabel("Total, control").fill("20");
    await page.getByLabel("Reason for the change").fill("test fixture: a corrected count");
    await page.getByRole("button", { name: "Save to draft" }).click();
    await page.getByText("1 unpublished revision(s)").waitFor();

    const diff = page.getByTestId("draft-diff");
    await diff.getByText("Tang 2013").waitFor();
    expect(await diff.textContent()).toContain("outcomes[live-birth].events_t: 12 → 14");
    const affected = page.getByTestId("affected-patients");
    await affected.getByText("Prednisolone").first().waitFor();
    expect(await affected.textContent()).toMatch(/P-[A-Z0-9]+/);
    expect(await affected.textContent()).not.toContain("Example A");
    await shot(page, "40-evidence-review");

    await page.getByLabel("Publication note").fill("Tang 2013 count corrected");
    await page.getByRole("button", { name: "Publish as evidence v2" }).click();
    await page.getByTestId("published-message").waitFor();
    expect(await page.getByTestId("published-message").textContent()).toMatch(/Published evidence v2, published \d{4}-\d{2}-\d{2}/);
    await page.getByTestId("version-list").getByText("v2").waitFor();
    await logout(page);

    await login(page, server.base, "drev", CLINICIAN_PW);
    const mark = page.getByTestId("evidence-notice-mark").first();
    await mark.waitFor();
    expect(await mark.textContent()).toContain("evidence cited changed with evidence v2");
    await page.getByRole("link", { name: /Example A/ }).click();
    const notice = page.getByTestId("evidence-notice");
    await notice.waitFor();
    expect(await notice.textContent()).toMatch(/Evidence cited changed with evidence v2.*Prednisolone evidence: .* → .*Tang 2013/s);
    await page.getByRole("link", { name: "Assessment" }).click();
    const version = page.getByTestId("evidence-version");
    await version.waitFor();
    expect(await version.textContent()).toMatch(/evidence v2, published \d{4}-\d{2}-\d{2}/);
    expect(await page.getByTestId("patient-summary").textContent()).toMatch(/evidence v2, published/);
    await shot(page, "41-clinician-evidence-notice");
  });
});
