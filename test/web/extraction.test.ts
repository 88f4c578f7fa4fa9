/**
 * Data extraction and risk of bias in a real browser: two reviewers extract the Dashti 2025 LIT trial (ANA-positive
 * stratum) independently and disagree on one number (84 vs 198 enrolled); the first cannot see the second's form
 * until both are submitted; the disagreement is shown side by side and resolved ("take A", with a reason); the
 * reconciled trial entry is shown. A RoB 2 questionnaire gives the algorithm's judgement live, refuses an override
 * without a reason, and the stored judgement appears in the traffic-light plot. Screenshots go to /tmp/shots.
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { buildWeb, createUser, launchBrowser, login, logout, shot, startServer, type Browser, type TestServer } from "./harness.js";

let server: TestServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  buildWeb();
  server = await startServer();
  browser = await launchBrowser();
  page = browser.page;
  await createUser(server.base, "annrev", "reviewer", "extraction-password-a1");
  await createUser(server.base, "bobrev", "reviewer", "extraction-password-b2");
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function fill(name: string, value: string): Promise<void> {
  await page.locator(`[name="${name}"]`).fill(value);
}
async function pick(name: string, value: string): Promise<void> {
  await page.locator(`select[name="${name}"]`).selectOption(value);
}

/** One reviewer's extraction of the ANA-positive comparison, through the form. */
async function extract(enrolled: string): Promise<void> {
  await page.goto(`${server.base}/extraction`);
  await fill("study", "dashti-2025");
  await page.getByRole("button", { name: "Open study" }).click();
  await page.locator("#my-extraction").waitFor();
  await pick("design.control", "routine-treatment");
  await fill("population.description", "women with recurrent pregnancy loss and antinuclear antibodies");
  await fill("population.inclusion", "recurrent pregnancy loss; ANA-positive stratum");
  await fill("population.enrolled", enrolled);
  await fill("population.subgroups", "ana-positive");
  await fill("arms.0.label", "LIT");
  await fill("arms.0.intervention.description", "lymphocyte immunotherapy");
  await fill("arms.0.intervention.dose", "not reported in the abstract");
  await fill("arms.1.label", "routine treatment");
  await fill("arms.1.intervention.description", "routine treatment");
  await fill("outcomes.0.id", "live-birth-ana-pos");
  await fill("outcomes.0.definition", "live birth, ANA-positive stratum");
  await fill("outcomes.0.timePoint", "end of pregnancy");
  await pick("outcomes.0.subgroup", "ana-positive");
  await fill("outcomes.0.missingNote", "the abstract gives the direction only, no counts");
  await pick("outcomes.0.statedDirection", "favours treatment");
}

describe("data extraction and risk of bias in the browser", () => {
  test("two reviewers extract blinded; the one disagreement is reconciled; the trial entry is shown", async () => {
    await login(page, server.base, "annrev", "extraction-password-a1");
    await extract("84");
    // a bad number is refused with its field before anything is stored
    await fill("outcomes.0.missingNote", "");
    await page.getByRole("button", { name: "Submit extraction" }).click();
    expect(await page.getByTestId("extraction-error").textContent()).toContain("outcomes.0.missingNote");
    await fill("outcomes.0.missingNote", "the abstract gives the direction only, no counts");
    await page.getByRole("button", { name: "Submit extraction" }).click();
    await page.getByText("Submitted. Your extraction is now fixed.").waitFor();
    await logout(page);

    await login(page, server.base, "bobrev", "extraction-password-b2");
    await page.goto(`${server.base}/extraction/dashti-2025`);
    await page.locator("#my-extraction").waitFor();
    expect(await page.getByTestId("extraction-status").textContent()).toContain("annrev: submitted (hidden until both are submitted)");
    await extract("198");
    await page.getByRole("button", { name: "Submit extraction" }).click();
    const row = page.locator('tr[data-path="population.enrolled"]');
    await row.waitFor();
    expect(await page.locator('[data-testid="disagreements"] tbody tr').count()).toBe(1);
    const cells = await row.locator("td").allTextContents();
    expect(cells.slice(0, 3).map((c) => c.trim())).toEqual(["population.enrolled", "84", "198"]);
    await shot(page, "80-reconciliation");
    await row.getByRole("button", { name: "Take A" }).click();
    await fill("reason-population.enrolled", "the comparison is the ANA-positive stratum");
    await fill("meta.comparison", "LIT vs routine treatment, ANA-positive RPL");
    await page.getByRole("button", { name: "Save reconciliation" }).click();
    const entry = page.getByTestId("trial-entry");
    await entry.waitFor();
    const json = JSON.parse((await entry.textContent()) ?? "{}") as { id: string; population: string; outcomes: Array<{ statedDirection: string }> };
    expect(json.id).toBe("dashti-2025");
    expect(json.population).toContain("84 enrolled");
    expect(json.outcomes[0]?.statedDirection).toBe("favours treatment");
    expect(await page.getByTestId("resolutions").textContent()).toContain("took A: 84 (the comparison is the ANA-positive stratum)");
    await shot(page, "81-reconciled");
  });

  test("a RoB 2 assessment gives the algorithm's judgement; an override needs a reason; the plot shows the stored judgement", async () => {
    await page.goto(`${server.base}/rob`);
    await fill("study", "dashti-2025");
    await fill("outcome", "live birth");
    await pick("q-1.1", "PY");
    await pick("q-1.2", "NI");
    await pick("q-1.3", "N");
    expect(await page.getByTestId("algorithm-D1").getAttribute("data-judgement")).toBe("some concerns");
    await pick("q-2.1", "N");
    await pick("q-2.2", "N");
    await pick("q-2.6", "Y");
    expect(await page.getByTestId("algorithm-D2").getAttribute("data-judgement")).toBe("low");
    await pick("q-3.1", "Y");
    await pick("q-4.1", "N");
    await pick("q-4.2", "N");
    await pick("q-4.3", "N");
    await pick("q-5.1", "N");
    await pick("q-5.2", "N");
    await pick("q-5.3", "N");
    expect(await page.getByTestId("algorithm-D5").getAttribute("data-judgement")).toBe("some concerns");
    expect(await page.getByTestId("overall-judgement").getAttribute("data-judgement")).toBe("some concerns");
    await pick("override-D5", "high");
    await page.getByRole("button", { name: "Save assessment" }).click();
    expect(await page.getByTestId("rob-error").textContent()).toMatch(/reason/);
    await pick("override-D5", "");
    await page.getByRole("button", { name: "Save assessment" }).click();
    expect(await page.getByTestId("rob-saved").textContent()).toContain("algorithm some concerns, final some concerns");
    const cell = page.locator('[data-testid="rob-traffic-light"] circle[data-domain="Bias arising from the randomisation process"]');
    await cell.waitFor();
    expect(await cell.getAttribute("data-judgement")).toBe("some concerns");
    await shot(page, "82-rob2");
    // ROBINS-I for a non-randomised study: its own questions and judgements, computed live
    await pick("tool", "robins-i");
    await pick("q-1.1", "Y");
    await pick("q-1.2", "N");
    expect(await page.locator('select[name="q-1.3"]').count()).toBe(0);
    await pick("q-1.4", "N");
    await pick("q-1.6", "N");
    expect(await page.getByTestId("algorithm-D1").getAttribute("data-judgement")).toBe("serious");
    expect(await page.getByTestId("overall-judgement").getAttribute("data-judgement")).toBe("serious");
  });
});
