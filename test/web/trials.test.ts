/**
 * The trial pages in a real browser: the coordinator creates a trial from its protocol and names the investigator;
 * the investigator enrols a candidate (eligibility from the stored record), records consent, allocates, records a
 * visit and the outcome; both see the CONSORT flow computed from the data. Screenshots go to /tmp/shots.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { ADMIN_PASSWORD, apiSession, buildWeb, createUser, launchBrowser, login, logout, shot, startServer, type Browser, type TestServer } from "./harness.js";

const protocol = readFileSync(join(import.meta.dirname, "..", "..", "examples", "trials", "tacrolimus-protocol.json"), "utf8");
let server: TestServer;
let browser: Browser;
let page: Page;
let patientId = "";

beforeAll(async () => {
  buildWeb();
  server = await startServer();
  browser = await launchBrowser();
  page = browser.page;
  await createUser(server.base, "coordinator1", "researcher", "coordinator-password-1");
  await createUser(server.base, "investigator1", "clinician", "investigator-password-1");
  await createUser(server.base, "statistician1", "researcher", "statistician-password-1");
  const inv = await apiSession(server.base, "investigator1", "investigator-password-1");
  const r = await inv("POST", "/api/patients", {
    displayName: "Trial Candidate",
    dateOfBirth: "1991-05-06",
    record: {
      age: 32,
      losses: [
        { date: "2022-01-10", gestationalWeek: 7, kind: "clinical" },
        { date: "2022-09-01", gestationalWeek: 8, kind: "clinical" },
        { date: "2023-05-01", gestationalWeek: 6, kind: "clinical" },
      ],
      liveBirths: [],
      workup: { antiphospholipid: [{ date: "2024-01-02", lupusAnticoagulant: "negative", aclIgG: { value: 3, unit: "GPL" }, aclIgM: { value: 2, unit: "MPL" } }] },
      immune: { th1Th2Ratio: { value: 12.5 } },
    },
  });
  expect(r.status).toBe(201);
  patientId = (r.json as { patient: { id: string } }).patient.id;
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe("trials in the browser", () => {
  let trialUrl = "";
  test("coordinator: creates the trial from its protocol and gives the investigator a role", async () => {
    await login(page, server.base, "coordinator1", "coordinator-password-1");
    await page.getByRole("link", { name: "Trials" }).click();
    await page.getByRole("heading", { name: "Trials" }).first().waitFor();
    await page.getByLabel(/^Protocol/).fill(protocol);
    await page.getByRole("button", { name: "Create trial" }).click();
    await page.getByTestId("trial-role").waitFor();
    expect(await page.getByTestId("trial-role").textContent()).toBe("coordinator");
    trialUrl = page.url();
    const trialId = trialUrl.split("/").pop() ?? "";
    const coord = await apiSession(server.base, "coordinator1", "coordinator-password-1");
    expect((await coord("PUT", `/api/trials/${trialId}/members`, { user: "investigator1", role: "investigator" })).status).toBe(200);
    expect((await coord("PUT", `/api/trials/${trialId}/members`, { user: "statistician1", role: "statistician" })).status).toBe(200);
    await shot(page, "60-trial-created");
    await logout(page);
  });

  test("investigator: enrolment → consent → allocation → visit → outcome → CONSORT", async () => {
    await login(page, server.base, "investigator1", "investigator-password-1");
    await page.getByRole("link", { name: "Trials" }).click();
    await page.getByRole("link", { name: "ChiCTR2000000002" }).click();
    await page.getByTestId("trial-role").waitFor();
    expect(await page.getByTestId("trial-role").textContent()).toBe("investigator");
    await page.getByLabel("Patient id").fill(patientId);
    await page.getByRole("button", { name: "Check eligibility" }).click();
    const el = page.getByTestId("eligibility").first();
    await el.waitFor();
    const text = (await el.textContent()) ?? "";
    expect(text).toContain("eligible");
    expect(text).toMatch(/3 unexplained losses/);
    expect(text).toMatch(/12\.5 ≥ 10\.3/);
    await page.getByRole("button", { name: "Enrol" }).click();
    await page.locator("#participant-panel").waitFor();
    await page.getByLabel("Taken by").fill("Dr Investigator");
    await page.getByRole("button", { name: "Record consent" }).click();
    await page.getByTestId("consent").waitFor();
    await page.getByRole("button", { name: "Allocate" }).click();
    const alloc = page.getByTestId("allocation");
    await alloc.waitFor();
    const allocText = (await alloc.textContent()) ?? "";
    expect(allocText).toMatch(/Sequence 1, kit K-[2-9A-Z]{4}-[2-9A-Z]{4} \(arm concealed\)/);
    expect(allocText).not.toMatch(/tacrolimus|placebo/);
    await shot(page, "61-trial-allocated");
    await page.getByLabel("Visit", { exact: true }).selectOption("baseline");
    await page.getByRole("button", { name: "Record visit" }).click();
    await page.locator('[data-visit-status="baseline"]', { hasText: /^done$/ }).waitFor();
    await page.getByLabel("Marker", { exact: true }).selectOption("th1Th2Ratio");
    await page.getByLabel("Value", { exact: true }).fill("11.2");
    await page.getByRole("button", { name: "Record marker" }).click();
    await page.getByTestId("markers").getByText(/Th1\/Th2 ratio .* 11\.2 ratio \(flow cytometry\)/).waitFor();
    await page.getByLabel("Adverse event", { exact: true }).fill("tremor");
    await page.getByRole("button", { name: "Record adverse event" }).click();
    await page.getByTestId("adverse-events").getByText(/tremor \(mild, possibly\)/).waitFor();
    // a visit outside its window without a reason is refused with the reason field named
    await page.getByLabel("Visit", { exact: true }).selectOption("pregnancy-test");
    await page.getByRole("button", { name: "Record visit" }).click();
    await page.getByText(/outside its window .*give the reason/).waitFor();
    await page.getByLabel("Conception date").fill(new Date().toISOString().slice(0, 10));
    await page.getByLabel("Live birth").check();
    await page.getByLabel("Healthy newborn").check();
    await page.getByRole("button", { name: "Save outcome" }).click();
    await page.getByTestId("outcome-saved").waitFor();
    await page.getByRole("tab", { name: "CONSORT flow" }).click();
    const consort = page.getByTestId("consort");
    await consort.locator("svg").waitFor();
    const flow = (await consort.textContent()) ?? "";
    expect(flow).toContain("Assessed for eligibility");
    expect(flow).toMatch(/Randomised\s*\(n = 1\)/);
    // blinded trial: the investigator's CONSORT does not count by arm (that would unblind)
    expect(flow).toMatch(/Allocated to tacrolimus or placebo \(arms\s*concealed\)\s*\(n = 1\)/);
    expect(flow).not.toContain("Allocated to placebo");
    await shot(page, "62-trial-consort");
    await logout(page);
  });

  test("coordinator sees the participant and the same CONSORT flow", async () => {
    await login(page, server.base, "coordinator1", "coordinator-password-1");
    await page.goto(trialUrl);
    await page.getByTestId("trial-role").waitFor();
    await page.locator("[data-study-id]").first().waitFor();
    await page.getByRole("tab", { name: "CONSORT flow" }).click();
    await page.getByTestId("consort").locator("svg").waitFor();
    expect((await page.getByTestId("consort").textContent()) ?? "").toMatch(/Randomised\s*\(n = 1\)/);
  });

  test("statistician: the analysis tab (no result while an arm is empty) and the exports", async () => {
    await logout(page);
    await login(page, server.base, "statistician1", "statistician-password-1");
    await page.goto(trialUrl);
    await page.getByTestId("trial-role").waitFor();
    await page.getByRole("tab", { name: "Analysis & exports" }).click();
    await page.getByText(/No result yet: primary outcome: an arm has no participant/).waitFor();
    const download = page.waitForEvent("download");
    await page.getByRole("button", { name: "participants", exact: true }).click();
    expect((await download).suggestedFilename()).toBe("participants.csv");
    await shot(page, "63-trial-analysis");
  });

  test("administrator with no trial role: sees the members instead of an error, no participant, and can give a role", async () => {
    await logout(page);
    const errors: string[] = [];
    page.on("response", (r) => {
      if (r.url().includes("/api/trials/") && r.status() >= 400) errors.push(`${r.status()} ${r.url()}`);
    });
    await login(page, server.base, "admin", ADMIN_PASSWORD);
    await page.goto(trialUrl);
    await page.getByTestId("trial-role").waitFor();
    expect(await page.getByTestId("trial-role").textContent()).toBe("none (administrator)");
    const members = page.getByRole("table", { name: "Trial members" });
    await members.getByText("investigator1").waitFor();
    expect((await members.textContent()) ?? "").toMatch(/coordinator1\s*coordinator.*investigator1\s*investigator.*statistician1\s*statistician/);
    expect(await page.locator("[data-study-id]").count()).toBe(0);
    await page.getByLabel("User name").fill("admin");
    await page.getByLabel("Trial role").selectOption("coordinator");
    await page.getByRole("button", { name: "Give the role" }).click();
    // with a role, the administrator works in the trial as its members do
    await page.locator("[data-study-id]").first().waitFor();
    expect(await page.getByTestId("trial-role").textContent()).toBe("coordinator");
    await shot(page, "64-trial-admin-members");
    expect(errors).toEqual([]);
  });
});
