/**
 * The reviewer's comparison screen in a real browser (issue 11 §2): a reviewer corrects a trial's counts on the review
 * page and publishes v2 there; a guideline position's printed strength changes in v3; a RoB 2 note changes in the
 * draft. Comparing v1 with v3 shows the count and the guideline change in their groups with before and after side by
 * side, the Summary-of-Findings rows before and after, and the stored patients whose verdicts differ by pseudonym id
 * only (the reviewer sees no names); comparing v3 with the draft shows the risk-of-bias change.
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { apiSession, buildWeb, createUser, launchBrowser, login, shot, startServer, type Browser, type TestServer } from "./harness.js";

let server: TestServer;
let browser: Browser;
let page: Page;
const PW = "Compare-reviewer-42";

interface Entry { id: string; [k: string]: unknown }
interface Draft { content: { guidelines: Entry[]; trials: Entry[] }; lastRevision: number }

beforeAll(async () => {
  buildWeb();
  server = await startServer();
  await createUser(server.base, "revcmp", "reviewer", PW);
  browser = await launchBrowser();
  page = browser.page;
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function compare(from: string, to: string): Promise<void> {
  const card = page.getByTestId("evidence-compare");
  await card.getByLabel("Compare from").selectOption(from);
  await card.getByLabel("Compare to").selectOption(to);
  await card.getByRole("button", { name: "Compare" }).click();
}

describe("comparing evidence versions", () => {
  test("two published versions and a version with the draft: grouped changes, SoF rows before/after, affected patients by pseudonym", async () => {
    await login(page, server.base, "revcmp", PW);
    await page.goto(`${server.base}/review`);
    // v2: Tang 2013's live-birth count of the treated arm, corrected on the page and published there
    const form = page.getByTestId("trial-counts-form");
    await form.getByLabel("Trial").selectOption("tang-2013");
    await form.getByLabel("Events, treated").fill("15");
    await form.getByLabel("Reason for the change").fill("treated-arm live births recounted from table 2");
    await form.getByRole("button", { name: "Save to draft" }).click();
    await page.getByText("1 unpublished revision(s)").waitFor();
    await page.getByLabel("Publication note").fill("Tang 2013 live births corrected");
    await page.getByRole("button", { name: "Publish as evidence v2" }).click();
    await page.getByTestId("published-message").waitFor();

    // v3: a guideline position's strength; then a RoB 2 note in the draft, left unpublished
    const rev = await apiSession(server.base, "revcmp", PW);
    let draft = ((await rev("GET", "/api/evidence/draft")).json as { draft: Draft }).draft;
    const g = draft.content.guidelines[0]!;
    expect((await rev("PUT", `/api/evidence/draft/guidelines/${g.id}`, { why: "strength as printed", entry: { ...g, strength: "Grade C (test)" }, expectedRevision: draft.lastRevision })).status).toBe(200);
    draft = ((await rev("GET", "/api/evidence/draft")).json as { draft: Draft }).draft;
    expect((await rev("POST", "/api/evidence/publish", { note: "guideline strength", expectedRevision: draft.lastRevision })).status).toBe(201);
    const tang = draft.content.trials.find((t) => t.id === "tang-2013")!;
    const rob2 = { ...(tang.rob2 as Record<string, unknown>), basis: "RoB 2 read again from the methods section (test)" };
    expect((await rev("PUT", "/api/evidence/draft/trials/tang-2013", { why: "RoB 2 basis reworded", entry: { ...tang, rob2 } })).status).toBe(200);

    await page.reload();
    await page.getByTestId("evidence-compare").waitFor();
    await compare("1", "3");
    const result = page.getByTestId("compare-result");
    await result.waitFor();
    expect(await page.getByTestId("compare-title").textContent()).toMatch(/evidence v1.*→.*evidence v3/);
    const counts = page.getByTestId("compare-group-counts");
    const countRow = counts.locator("tr", { hasText: "outcomes[live-birth].events_t" });
    expect(await countRow.locator("td").allTextContents()).toEqual([expect.stringContaining("Tang 2013"), "outcomes[live-birth].events_t", "12", "15"]);
    const guideline = page.getByTestId("compare-group-guidelines").locator("tr", { hasText: "strength" });
    expect(await guideline.locator("td").nth(3).textContent()).toBe("Grade C (test)");
    expect(await page.getByTestId("compare-group-rob").textContent()).toContain("No change.");
    const sof = page.getByTestId("compare-sof").locator("tr", { hasText: "prednisolone" }).first();
    const [, before, after] = await sof.locator("td").allTextContents();
    expect(before).toMatch(/certainty/);
    expect(after).not.toBe(before);
    const affected = page.getByTestId("compare-affected");
    await affected.getByText("Prednisolone").first().waitFor();
    const patients = await affected.locator("tbody tr td:first-child").allTextContents();
    expect(patients.length).toBeGreaterThan(0);
    for (const p of patients) expect(p).not.toMatch(/Example/);
    await shot(page, "95-compare-v1-v3");

    await compare("3", "draft");
    await page.getByTestId("compare-title").getByText("the draft").waitFor();
    const robRow = page.getByTestId("compare-group-rob").locator("tr", { hasText: "rob2.basis" });
    expect(await robRow.locator("td").nth(3).textContent()).toBe("RoB 2 read again from the methods section (test)");
    expect(await page.getByTestId("compare-group-counts").textContent()).toContain("No change.");
    expect(await page.getByTestId("compare-affected").textContent()).toContain("No stored patient's verdict differs.");
    await shot(page, "96-compare-v3-draft");
  });
});
