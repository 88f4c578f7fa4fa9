/**
 * Issue 11's whole loop in a real browser: two reviewers extract a new (hypothetical, test-only) prednisolone trial
 * through the extraction form, disagree on one number and reconcile it; one assesses its risk of bias with RoB 2;
 * the reconciled entry, carrying that RoB 2, goes into the evidence draft with the page's button; the reviewer sees
 * the affected patients and publishes; the clinician's patient page then shows the verdict-change notice naming the
 * new version and the new trial, and the assessment and the SoF table name the version. The trial changes the verdict for real: it is
 * larger than Tang 2013 in the same subgroup, so it becomes the single trial the prednisolone evidence rests on.
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { LOOP_ROB2, LOOP_SOURCE, LOOP_STUDY } from "../support/loop-fixture.js";
import { apiSession, buildWeb, createUser, launchBrowser, login, logout, shot, startServer, type Browser, type TestServer } from "./harness.js";

let server: TestServer;
let browser: Browser;
let page: Page;
const PW = { ann: "Loop-reviewer-ann-42", bob: "Loop-reviewer-bob-42", doc: "Loop-clinician-doc-42" };

beforeAll(async () => {
  buildWeb();
  server = await startServer();
  await createUser(server.base, "annloop", "reviewer", PW.ann);
  await createUser(server.base, "bobloop", "reviewer", PW.bob);
  await createUser(server.base, "docloop", "clinician", PW.doc);
  browser = await launchBrowser();
  page = browser.page;
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const fill = (name: string, value: string) => page.locator(`[name="${name}"]`).fill(value);
const pick = (name: string, value: string) => page.locator(`select[name="${name}"]`).selectOption(value);

/** One reviewer's extraction of the trial, through the form; `enrolled` is where the two reviewers differ. */
async function extract(enrolled: string): Promise<void> {
  await page.goto(`${server.base}/extraction`);
  await fill("study", LOOP_STUDY);
  await page.getByRole("button", { name: "Open study" }).click();
  await page.locator("#my-extraction").waitFor();
  await fill("source", LOOP_SOURCE.id);
  await pick("design.blinding", "double-blind");
  await pick("design.control", "placebo");
  await fill("population.description", "women with recurrent miscarriage and raised uterine NK cells");
  await fill("population.inclusion", "three or more miscarriages; uterine NK cells above the normal range");
  await fill("population.enrolled", enrolled);
  await fill("population.subgroups", "nk-elevated");
  await fill("arms.0.label", "prednisolone");
  await fill("arms.0.intervention.description", "prednisolone");
  await fill("arms.0.intervention.dose", "20 mg daily");
  await fill("arms.0.randomised", "60");
  await fill("arms.1.label", "placebo");
  await fill("arms.1.intervention.description", "identical placebo");
  await fill("arms.1.randomised", "60");
  await fill("outcomes.0.id", "live-birth");
  await pick("outcomes.0.outcome", "live-birth");
  await fill("outcomes.0.definition", "live birth");
  await pick("outcomes.0.analysis", "itt");
  await fill("outcomes.0.timePoint", "end of pregnancy");
  await fill("outcomes.0.data.events_t", "42");
  await fill("outcomes.0.data.total_t", "60");
  await fill("outcomes.0.data.events_c", "30");
  await fill("outcomes.0.data.total_c", "60");
  await pick("outcomes.0.status", "reported");
  await page.getByRole("button", { name: "Submit extraction" }).click();
}

describe("the whole evidence loop in the browser", () => {
  test("extract twice, reconcile, RoB 2, into the draft, publish: the clinician sees the changed verdict and the new version", async () => {
    // the trial's source goes into the draft first (a trial entry must cite a source the base holds)
    const ann = await apiSession(server.base, "annloop", PW.ann);
    expect((await ann("POST", "/api/evidence/draft/sources", { why: "source of the trial being extracted", entry: LOOP_SOURCE })).status).toBe(201);

    await login(page, server.base, "annloop", PW.ann);
    await extract("120");
    await page.getByText("Submitted. Your extraction is now fixed.").waitFor();
    await logout(page);

    await login(page, server.base, "bobloop", PW.bob);
    await extract("160");
    const row = page.locator('tr[data-path="population.enrolled"]');
    await row.waitFor();
    expect(await page.locator('[data-testid="disagreements"] tbody tr').count()).toBe(1);
    await row.getByRole("button", { name: "Take A" }).click();
    await fill("reason-population.enrolled", "randomised women only");
    await pick("meta.therapy", "prednisolone");
    await fill("meta.label", "Loop fixture 2026");
    await fill("meta.year", "2026");
    await fill("meta.comparison", "prednisolone vs placebo (test fixture)");
    await page.getByRole("button", { name: "Save reconciliation" }).click();
    await page.getByTestId("trial-entry").waitFor();
    expect(await page.getByTestId("trial-entry-rob").textContent()).toContain("not assessed");

    // RoB 2 of the live-birth result, all five domains low by the published algorithms
    await page.goto(`${server.base}/rob`);
    await fill("study", LOOP_STUDY);
    await fill("outcome", "live birth");
    for (const answers of Object.values(LOOP_ROB2)) for (const [q, a] of Object.entries(answers)) await pick(`q-${q}`, a);
    expect(await page.getByTestId("overall-judgement").getAttribute("data-judgement")).toBe("low");
    await page.getByRole("button", { name: "Save assessment" }).click();
    expect(await page.getByTestId("rob-saved").textContent()).toContain("final low");

    await page.goto(`${server.base}/extraction/${LOOP_STUDY}`);
    const robLine = page.getByTestId("trial-entry-rob");
    await robLine.waitFor();
    expect(await robLine.textContent()).toMatch(/RoB 2 v1 by bobloop .* for outcome live-birth: low/);
    expect(JSON.parse((await page.getByTestId("trial-entry").textContent()) ?? "{}")).toMatchObject({ id: LOOP_STUDY, therapy: "prednisolone", rob2: { overall: "low", assessor: "bobloop" } });
    await page.getByRole("button", { name: "Put into the evidence draft" }).click();
    await page.getByText("The trial entry was added to the evidence draft").waitFor();
    await shot(page, "90-loop-into-draft");

    await page.goto(`${server.base}/review`);
    await page.getByTestId("draft-state").waitFor();
    await page.getByText("2 unpublished revision(s)").waitFor();
    const diff = page.getByTestId("draft-diff");
    await diff.getByText("Loop fixture 2026").first().waitFor();
    const affected = page.getByTestId("affected-patients");
    await affected.getByText("Prednisolone").first().waitFor();
    expect(await affected.textContent()).toContain("Loop fixture 2026");
    await shot(page, "91-loop-affected");
    await page.getByLabel("Publication note").fill("Loop fixture 2026 extracted, reconciled and judged with RoB 2");
    await page.getByRole("button", { name: "Publish as evidence v2" }).click();
    await page.getByTestId("published-message").waitFor();
    await logout(page);

    await login(page, server.base, "docloop", PW.doc);
    await page.getByTestId("evidence-notice-mark").first().waitFor();
    await page.getByRole("link", { name: /Example A/ }).click();
    const notice = page.getByTestId("evidence-notice");
    await notice.waitFor();
    expect(await notice.textContent()).toMatch(/Evidence cited changed with evidence v2.*Prednisolone evidence: .*Tang 2013.* → .*Loop fixture 2026/s);
    await page.getByRole("link", { name: "Assessment" }).click();
    const version = page.getByTestId("evidence-version");
    await version.waitFor();
    expect(await version.textContent()).toMatch(/evidence v2, published \d{4}-\d{2}-\d{2}/);
    await shot(page, "92-loop-clinician");

    // the SoF table in the evidence browser says which version it comes from, and grades the new trial's RoB 2
    await page.getByRole("link", { name: "Evidence browser" }).click();
    await page.locator('[data-therapy-link="prednisolone"]').click();
    await page.getByRole("tab", { name: "Summary of findings (GRADE)" }).click();
    const sofVersion = page.getByTestId("sof-evidence-version");
    await sofVersion.waitFor();
    expect(await sofVersion.textContent()).toMatch(/Computed from evidence v2, published \d{4}-\d{2}-\d{2}\./);
    await logout(page);
  });

  test("a reviewer imports a RevMan 5 review into the draft; a file that is not one is refused naming the element", async () => {
    await login(page, server.base, "annloop", PW.ann);
    await page.goto(`${server.base}/review`);
    await page.getByTestId("draft-state").waitFor();
    const form = page.getByTestId("rm5-import");
    await form.getByLabel("RevMan 5 file").setInputFiles({ name: "bad.rm5", mimeType: "application/xml", buffer: Buffer.from('<?xml version="1.0"?><REVIEW/>') });
    await form.getByLabel("Therapy id").fill("lmwh-aspirin");
    await form.getByLabel("Review citation").fill("Fleiss JL. The statistical basis of meta-analysis. Stat Methods Med Res 1993;2:121-145");
    await form.getByLabel("Outcome kinds").fill("CMP-001.01=adverse-reaction");
    await form.getByLabel("Id prefix").fill("fleiss");
    await form.getByLabel("Reason for the import").fill("aspirin trials of the Fleiss 1993 review");
    await form.getByRole("button", { name: "Import into the draft" }).click();
    await page.getByTestId("rm5-error").waitFor();
    expect(await page.getByTestId("rm5-error").textContent()).toMatch(/bad\.rm5.*COCHRANE_REVIEW/);
    expect(await page.getByTestId("draft-state").textContent()).toContain("0 unpublished");

    await form.getByLabel("RevMan 5 file").setInputFiles("test/stats/fixtures/revman/fleiss1993-aspirin.rm5");
    await form.getByRole("button", { name: "Import into the draft" }).click();
    await page.getByTestId("rm5-imported").waitFor();
    expect(await page.getByTestId("rm5-imported").textContent()).toMatch(/12 trials \(7 with outcome rows/);
    await page.getByText("13 unpublished revision(s)").waitFor();
    await shot(page, "93-rm5-import");
  });

  test("a RoB 2 of a trial already in the base goes into the draft from the risk-of-bias page", async () => {
    await page.goto(`${server.base}/rob`);
    await fill("study", "dashti-2025");
    await fill("outcome", "live-birth-ana-pos");
    for (const answers of Object.values(LOOP_ROB2)) for (const [q, a] of Object.entries(answers)) await pick(`q-${q}`, a);
    await page.getByRole("button", { name: "Save assessment" }).click();
    await page.getByTestId("rob-saved").waitFor();
    await page.getByLabel("Reason for the draft change").fill("RoB 2 of the ANA-positive live-birth result");
    await page.getByRole("button", { name: "Use this RoB 2 in the evidence draft" }).click();
    const msg = page.getByTestId("rob-into-draft-message");
    await msg.waitFor();
    expect(await msg.textContent()).toMatch(/In the evidence draft as revision #\d+: dashti-2025, outcome live-birth-ana-pos, overall low/);
    await page.goto(`${server.base}/review`);
    await page.getByTestId("draft-diff").getByText("Dashti 2025").first().waitFor();
  });
});
