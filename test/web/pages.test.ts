/**
 * The remaining pages in a real browser: evidence browser, users, audit log (view and CSV export), research
 * export, and the sign-in rate-limit message. Screenshots of each page go to /tmp/shots.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Page } from "playwright-core";
import { apiSession, logout, shot, startServer, type TestServer, openAdminSession, type AdminSession } from "./harness.js";

let server: TestServer;
let page: Page;

let session: AdminSession;

beforeAll(async () => {
  session = await openAdminSession();
  ({ server, page } = session);
});

afterAll(async () => {
  await session?.close();
});

describe("pages", () => {
  test("evidence browser: therapies, Summary of Findings and the forest plot for IVIG", async () => {
    await page.getByRole("link", { name: "Evidence browser" }).click();
    await page.locator('[data-therapy-link="ivig"]').click();
    await page.getByRole("heading", { name: /IVIG|immunoglobulin/i }).first().waitFor();
    await page.getByTestId("conflicts").waitFor();
    // the review of source 004 (Gao 2025) with its PRISMA 2020 flow, titled by the review, counts as reported
    const prisma = page.getByTestId("prisma-gao-2025");
    await prisma.locator("svg").waitFor();
    const prismaText = (await prisma.textContent()) ?? "";
    for (const n of [585, 534, 51, 40, 11]) expect(prismaText).toContain(`(n = ${n})`);
    expect(await page.getByRole("heading", { name: "PRISMA 2020 flow: IVIG meta-analysis (Gao 2025)" }).count()).toBeGreaterThan(0);
    await shot(page, "30-evidence-summary");
    await page.getByRole("tab", { name: "Forest & funnel" }).click();
    const forest = page.getByTestId("evidence-forest");
    await forest.locator("svg").waitFor();
    const liveBirthForest = (await forest.textContent()) ?? "";
    expect(liveBirthForest).toContain("vs placebo: live birth");
    expect(liveBirthForest).toContain("Yamada 2022");
    await shot(page, "31-evidence-forest");
    // outcome picker: the outcomes with counts, from GET /api/evidence/therapies/ivig/outcomes; miscarriage redraws the plot
    const picker = page.locator("#ev-outcome");
    await picker.locator('option[value="miscarriage"]').waitFor({ state: "attached" });
    expect(await picker.locator("option").allTextContents()).toEqual(expect.arrayContaining([expect.stringMatching(/^live birth \(k = \d+\)$/), "miscarriage (k = 1)"]));
    await picker.selectOption("miscarriage");
    await forest.locator("text.title", { hasText: "vs placebo: miscarriage" }).waitFor();
    const miscarriageForest = (await forest.textContent()) ?? "";
    expect(miscarriageForest).not.toBe(liveBirthForest);
    expect(miscarriageForest).toContain("Coulam 1995");
    expect(miscarriageForest).not.toContain("Yamada 2022");
    // the trial's own definition of the outcome (data/trials.json) is shown with it
    expect(await page.getByTestId("outcome-definitions").textContent()).toMatch(/Coulam 1995.*miscarriage among women who conceived/);
    // one trial: no funnel plot, and the page says why
    await page.getByText(/Funnel plot: .*too few trials/).waitFor();
    await shot(page, "31b-evidence-forest-miscarriage");
    await picker.selectOption("live-birth");
    await forest.locator("text.title", { hasText: "vs placebo: live birth" }).waitFor();
    await page.getByRole("tab", { name: "Risk of bias" }).click();
    // both robvis-style plots: the traffic light (one row per trial) and the summary (one bar per domain)
    const traffic = page.getByTestId("rob-traffic");
    const robSummary = page.getByTestId("rob-summary");
    await traffic.locator("svg").waitFor();
    await robSummary.locator("svg").waitFor();
    expect(await traffic.textContent()).toContain("Jafarzadeh 2019");
    const summaryText = (await robSummary.textContent()) ?? "";
    expect(summaryText).toContain("Random sequence generation");
    expect(summaryText).toMatch(/percentage of studies \(n = \d+\)/);
    await shot(page, "32-evidence-rob");
    await page.getByRole("tab", { name: /^Audit/ }).click();
    const flags = page.getByTestId("audit-flags");
    await flags.waitFor();
    // Source 004 (Gao 2025) prints P = 0.04 for a CI that implies P ≈ 0.06: the audit must flag it.
    expect(await flags.locator(".badge", { hasText: "inconsistent" }).count()).toBeGreaterThan(0);
    expect(await flags.locator(".badge", { hasText: /^consistent$/ }).count()).toBeGreaterThan(0);
    await shot(page, "33-evidence-audit");
    // Asked for a subgroup, the base says what it has for it (LIT in ANA-positive women: source 000's trial).
    await page.locator('[data-therapy-link="lit"]').click();
    await page.locator("#ev-subgroup").selectOption("ana-positive");
    await page.getByText(/ana-positive/i).first().waitFor();
    await shot(page, "33c-evidence-subgroup", false);
    await page.locator('[data-therapy-link="ivig"]').click();
    await page.getByRole("tab", { name: "Reproduction" }).click();
    await page.waitForTimeout(500);
    await shot(page, "33b-evidence-reproduction");
  });

  test("users: an administrator adds a clinician and sees the password once", async () => {
    await page.getByRole("link", { name: "Users" }).click();
    await page.locator('[name="username"]').fill("nurse.kim");
    await page.locator('[name="displayName"]').fill("Kim Nurse");
    await page.locator('select[name="role"]').selectOption("clinician");
    await page.getByRole("button", { name: "Create user" }).click();
    const pw = await page.getByTestId("new-password").textContent();
    expect((pw ?? "").length).toBeGreaterThanOrEqual(10);
    await page.getByRole("cell", { name: /Kim Nurse/ }).waitFor();
    // Reset the password from the list: the new one is shown once and works.
    await page.getByRole("row", { name: /Kim Nurse/ }).getByRole("button", { name: "Reset password" }).click();
    await page.getByTestId("new-password").filter({ hasNotText: pw ?? "" }).waitFor();
    const fresh = (await page.getByTestId("new-password").textContent()) ?? "";
    await apiSession(server.base, "nurse.kim", fresh);
    await shot(page, "34-admin-users");
  });

  test("audit log: entries listed, filtered and exported as CSV", async () => {
    await page.getByRole("link", { name: "Audit log" }).click();
    await page.getByRole("cell", { name: "user.create" }).first().waitFor();
    await shot(page, "35-admin-audit");
    await page.locator("#audit-action").fill("user.create");
    await page.waitForTimeout(600);
    const actions = await page.locator("table.data tbody td:nth-child(3)").allTextContents();
    expect(actions.length).toBeGreaterThan(0);
    for (const a of actions) expect(a).toBe("user.create");
    const [dl] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Export CSV" }).click()]);
    const path = join(tmpdir(), `decidua-audit-${process.pid}.csv`);
    await dl.saveAs(path);
    expect(readFileSync(path, "utf8")).toContain("user.create");
  });

  test("research export page", async () => {
    await page.getByRole("link", { name: "Research export" }).click();
    await page.getByRole("button", { name: /JSON/ }).waitFor();
    await shot(page, "36-research", false);
    await page.goto(`${server.base}/no/such/page`);
    await page.getByText("Page not found").waitFor();
    await shot(page, "38-not-found", false);
    await logout(page);
  });

  test("sign-in is rate-limited and says so", async () => {
    const limited = await startServerWithLimit();
    try {
      await page.goto(`${limited.base}/login`);
      for (let i = 0; i < 4; i++) {
        await page.getByLabel("Username").fill("admin");
        await page.getByLabel("Password").fill(`not-the-password-${i}`);
        await page.getByRole("button", { name: "Sign in" }).click();
        await page.getByRole("alert").first().waitFor();
      }
      await expect(page.getByRole("alert").first().textContent()).resolves.toMatch(/Too many sign-in attempts/);
      await shot(page, "37-login-rate-limited", false);
    } finally {
      await limited.close();
    }
  });
});

async function startServerWithLimit(): Promise<TestServer> {
  return startServer({ loginRateLimit: { max: 2, timeWindowMs: 60_000 }, seed: false });
}
