/**
 * Study selection in a real browser: a lead and a second reviewer screen the same 30 records (keyboard), disagree
 * on three, the conflicts are resolved, full text is screened with reasons, and the PRISMA counts come out right.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Page } from "playwright-core";
import { buildWeb, createUser, launchBrowser, login, logout, shot, startServer, type Browser, type TestServer } from "./harness.js";

let server: TestServer;
let browser: Browser;
let page: Page;
const dir = mkdtempSync(join(tmpdir(), "decidua-screen-"));
const risFile = join(dir, "embase-2026.ris");
const PW = "screening-password-1";

/** 30 records; every fifth is a randomised trial of immunotherapy; two more are duplicates (same DOI) of 1 and 2. */
function ris(): string {
  const out: string[] = [];
  const rec = (i: number, dupOf?: number): void => {
    const n = dupOf ?? i;
    const relevant = n % 5 === 0;
    out.push("TY  - JOUR");
    out.push(`TI  - ${relevant ? `Randomised trial ${n} of immunoglobulin for recurrent miscarriage` : `Retrospective cohort ${n} of uterine factors in pregnancy loss`}`);
    out.push(`AU  - Author${n}, A`, `PY  - ${2000 + n}`, `T2  - Journal ${n}`);
    out.push(`AB  - ${relevant ? "Women were randomised to immunotherapy or placebo; live birth was the outcome." : "A retrospective cohort of women seen in one clinic."} Record ${n}.`);
    out.push(`DO  - 10.5555/rec.${n}`, "ER  - ", "");
  };
  for (let i = 1; i <= 30; i++) rec(i);
  rec(31, 1);
  rec(32, 2);
  return out.join("\n");
}

beforeAll(async () => {
  writeFileSync(risFile, ris());
  buildWeb();
  server = await startServer();
  await createUser(server.base, "lead1", "researcher", PW);
  await createUser(server.base, "rev2", "clinician", PW);
  browser = await launchBrowser();
  page = browser.page;
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const numberOf = (title: string): number => Number(/ (\d+) of /.exec(title)?.[1] ?? "0");

/** Screens every record in the queue with the keyboard; `key` picks i / e / m from the record's number. */
async function screenAll(p: Page, key: (n: number) => "i" | "e" | "m"): Promise<number> {
  let count = 0;
  for (;;) {
    const remaining = p.getByTestId("remaining");
    await remaining.waitFor();
    await p.waitForFunction(() => document.querySelector('[data-testid="remaining"]')?.getAttribute("data-busy") === "0");
    const text = (await remaining.textContent()) ?? "";
    const left = Number(/^(\d+)/.exec(text)?.[1] ?? "0");
    if (left === 0) return count;
    const title = (await p.getByTestId("record-title").textContent()) ?? "";
    await p.keyboard.press(key(numberOf(title)));
    await p.waitForFunction((prev) => {
      const el = document.querySelector('[data-testid="remaining"]');
      return el !== null && el.getAttribute("data-busy") === "0" && !el.textContent?.startsWith(`${prev} `);
    }, left);
    count++;
  }
}

describe("study selection in the browser", () => {
  let reviewUrl = "";

  test("the lead sets up the review, assigns the reviewer and imports the search", async () => {
    await login(page, server.base, "lead1", PW);
    await page.getByRole("link", { name: "Study selection" }).click();
    const fill = async (name: string, v: string) => page.locator(`[name="${name}"]`).fill(v);
    await fill("title", "Immunotherapy for recurrent miscarriage");
    await fill("population", "Women with recurrent pregnancy loss");
    await fill("intervention", "Immunoglobulin or other immunotherapy");
    await fill("comparator", "Placebo");
    await fill("outcomes", "Live birth");
    await fill("inclusion", "Randomised controlled trials");
    await fill("incTerms", "randomi*, immunoglobulin");
    await fill("excTerms", "retrospective, cohort");
    await fill("reasons", "Wrong population\nNot randomised");
    await page.getByTestId("create-review").click();
    await page.getByTestId("members").waitFor();
    reviewUrl = new URL(page.url()).pathname;
    await page.locator('[name="member"]').fill("rev2");
    await page.getByTestId("add-member").click();
    await expect.poll(async () => page.getByTestId("members").textContent()).toContain("rev2");

    await page.getByRole("tab", { name: "Import" }).click();
    await page.locator('input[type="file"]').setInputFiles(risFile);
    await page.locator('[name="sourceDatabase"]').fill("Embase");
    await page.locator('[name="searchDate"]').fill("2026-02-01");
    await page.locator('[name="searchString"]').fill("'recurrent miscarriage'/exp AND immunotherapy");
    await page.getByTestId("import-submit").click();
    await expect.poll(async () => page.getByTestId("import-done").textContent()).toContain("32 records imported");
    await page.getByRole("tab", { name: "Duplicates" }).click();
    await expect.poll(async () => page.getByTestId("dedup-counts").textContent()).toContain("same DOI: 2");
  }, 120_000);

  test("both reviewers screen the 30 records with the keyboard, blind to each other", async () => {
    await page.getByRole("tab", { name: "Title/abstract" }).click();
    await expect.poll(async () => page.getByTestId("prioritisation-note").textContent()).toMatch(/every record is still screened by people/);
    // terms are highlighted
    expect(await page.locator("mark.hl-include, mark.hl-exclude").count()).toBeGreaterThan(0);
    await shot(page, "60-screening-queue");
    const leadCount = await screenAll(page, (n) => (n % 5 === 0 ? "i" : "e"));
    expect(leadCount).toBe(30);
    await logout(page);

    await login(page, server.base, "rev2", PW);
    await page.goto(`${server.base}${reviewUrl}/screen`);
    // blinded: before voting, the reviewer's session gets none of the lead's 30 votes
    const visible = await page.evaluate(async (url) => ((await (await fetch(`/api/screening/reviews/${url.split("/").pop()}/decisions?stage=title_abstract`)).json()) as { decisions: unknown[] }).decisions.length, reviewUrl);
    expect(visible).toBe(0);
    // the reviewer disagrees on 5 (excludes), 7 (includes) and 11 (maybe)
    const revCount = await screenAll(page, (n) => (n === 5 ? "e" : n === 7 ? "i" : n === 11 ? "m" : n % 5 === 0 ? "i" : "e"));
    expect(revCount).toBe(30);
    await page.goto(`${server.base}${reviewUrl}`);
    const kappa = await page.getByTestId("kappa-title/abstract").textContent();
    // forward/exclude table: 5 both forward, 1+2 split, 22 both exclude → po 27/30, pe (6·7 + 24·23)/900
    const po = 27 / 30;
    const pe = (6 * 7 + 24 * 23) / 900;
    expect(kappa).toContain(((po - pe) / (1 - pe)).toFixed(3));
  }, 240_000);

  test("conflicts are resolved by the lead, full text is screened with reasons, PRISMA adds up", async () => {
    await logout(page);
    await login(page, server.base, "lead1", PW);
    await page.goto(`${server.base}${reviewUrl}/conflicts`);
    await expect.poll(async () => page.getByTestId("conflict").count()).toBe(3);
    await shot(page, "61-screening-conflicts");
    const resolve = async (n: number, outcome: "include" | "exclude") => {
      const card = page.locator("section.card", { hasText: new RegExp(` ${n} of `) });
      // a resolution says how it was settled: without it the page asks, and nothing is resolved
      await card.getByTestId(`resolve-${outcome}`).click();
      await page.getByText("Say how the conflict was settled").waitFor();
      expect(await page.locator("section.card", { hasText: new RegExp(` ${n} of `) }).count()).toBe(1);
      await card.getByTestId("resolve-note").fill("by consensus at the review meeting");
      await card.getByTestId(`resolve-${outcome}`).click();
      await expect.poll(async () => page.locator("section.card", { hasText: new RegExp(` ${n} of `) }).count()).toBe(0);
    };
    await resolve(5, "include");
    await resolve(7, "exclude");
    await resolve(11, "exclude");

    // full text: 5, 10, 15, 20, 25, 30
    const ftCard = (n: number) => page.locator("section.card", { hasText: new RegExp(`trial ${n} of `) });
    const ftVote = async (n: number, v: "include" | "exclude" | "not-retrieved", reason?: string) => {
      const card = ftCard(n);
      if (reason) await card.getByTestId("ft-reason").selectOption(reason);
      await card.getByTestId(`ft-${v}`).click();
      await expect.poll(async () => ftCard(n).getByTestId(`ft-${v}`).count()).toBe(0);
    };
    await page.goto(`${server.base}${reviewUrl}/fulltext`);
    await expect.poll(async () => page.getByTestId("ft-record").count()).toBe(6);
    // an exclusion without a reason is refused
    await ftCard(25).getByTestId("ft-exclude").click();
    await expect.poll(async () => page.getByTestId("ft-error").textContent()).toMatch(/reason/);
    await ftVote(5, "not-retrieved");
    for (const n of [10, 15, 20, 30]) await ftVote(n, "include");
    await ftVote(25, "exclude", "Not randomised");
    await logout(page);

    await login(page, server.base, "rev2", PW);
    await page.goto(`${server.base}${reviewUrl}/fulltext`);
    await expect.poll(async () => page.getByTestId("ft-record").count()).toBe(6);
    for (const n of [10, 15, 20]) await ftVote(n, "include");
    await ftVote(25, "exclude", "Not randomised");
    await ftVote(30, "exclude", "Wrong population");
    await logout(page);

    await login(page, server.base, "lead1", PW);
    await page.goto(`${server.base}${reviewUrl}/conflicts`);
    await page.getByRole("tab", { name: "Full text" }).last().click();
    await expect.poll(async () => page.getByTestId("conflict").count()).toBe(1);
    await page.getByTestId("resolve-note").fill("third reviewer (lead1)");
    await page.getByTestId("resolve-include").click();
    await expect.poll(async () => page.getByTestId("conflict").count()).toBe(0);

    await page.goto(`${server.base}${reviewUrl}/prisma`);
    await page.getByTestId("prisma-svg").waitFor();
    const counts = JSON.parse((await page.getByTestId("prisma-counts").textContent()) ?? "{}") as Record<string, unknown>;
    expect(counts).toEqual({
      identified: [{ source: "Embase", n: 32 }],
      duplicatesRemoved: 2,
      automationRemoved: 0,
      otherRemoved: 0,
      screened: 30,
      excludedScreening: 24,
      reportsSought: 6,
      reportsNotRetrieved: 1,
      reportsAssessed: 5,
      reportsExcluded: [{ reason: "Not randomised", n: 1 }],
      studiesIncluded: 4,
      reportsIncluded: 4,
    });
    expect(await page.getByTestId("prisma-svg").textContent()).toContain("Not randomised (n = 1)");
    await shot(page, "62-screening-prisma");
  }, 240_000);
});
