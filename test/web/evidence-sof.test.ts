/** The evidence browser's Summary-of-Findings tab in a real browser: every outcome, footnotes, downloads. */
import { readFileSync } from "node:fs";
import JSZip from "jszip";
import { describe, expect, test } from "vitest";
import type { SofTable } from "../../src/evidence/grade-outcomes.js";
import { adminSessionHooks, shot } from "./harness.js";

const admin = adminSessionHooks();

describe("evidence browser: Summary of findings (GRADE)", () => {
  test("shows every outcome with the API's numbers, certainty, footnotes, and downloads the DOCX", async () => {
    const page = admin.page;
    await page.getByRole("link", { name: "Evidence browser" }).click();
    await page.locator('[data-therapy-link="ivig"]').click();
    await page.getByRole("tab", { name: "Summary of findings (GRADE)" }).click();
    const table = page.getByTestId("sof-full");
    await table.waitFor();
    const api = (await (await page.request.get(new URL("/api/evidence/therapies/ivig/sof", page.url()).href)).json()) as { table: SofTable };
    const rows = table.locator("tr[data-outcome]");
    expect(await rows.count()).toBe(6);
    for (const r of api.table.outcomes) {
      const tr = table.locator(`tr[data-outcome="${r.outcome}"]`);
      expect(await tr.getAttribute("data-status")).toBe(r.status);
      const text = (await tr.textContent()) ?? "";
      expect(text).toContain(r.label);
      if (r.status === "estimated") {
        expect(await tr.locator('[data-cell="relative"]').textContent()).toBe(r.relative!.text);
        expect(await tr.locator('[data-cell="assumed"]').textContent()).toContain(`${r.assumed!.per1000} per 1,000`);
        expect(await tr.locator('[data-cell="corresponding"]').textContent()).toContain(r.difference!.text);
        expect(await tr.locator('[data-cell="certainty"]').textContent()).toContain(r.certainty!.symbols);
        expect(await tr.locator('[data-cell="statement"]').textContent()).toBe(r.statement);
      } else expect(text).toContain("No data");
    }
    // every footnote mark used in a row is listed with its text, and the "not assessed" risk of bias is said so
    const notes = page.getByTestId("sof-footnotes");
    for (const f of api.table.footnotes) expect(await notes.locator(`li[data-mark="${f.mark}"]`).textContent()).toContain(f.text);
    expect(await notes.textContent()).toContain("NOT ASSESSED");
    // every domain with its reason, also those not rated down
    await page.getByTestId("sof-domains").locator("summary").click();
    const lbDomains = page.locator('[data-domains-for="live-birth"]');
    expect(await lbDomains.locator("tr[data-domain]").count()).toBe(5);
    expect(await lbDomains.locator('tr[data-domain="publicationBias"]').textContent()).toContain(api.table.outcomes[0]!.certainty!.domains.publicationBias.reason);
    await shot(page, "36-evidence-sof");

    const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("sof-docx").click()]);
    expect(download.suggestedFilename()).toBe("sof-ivig.docx");
    const path = await download.path();
    const xml = await (await JSZip.loadAsync(readFileSync(path))).file("word/document.xml")!.async("string");
    expect(xml).toContain(api.table.outcomes[0]!.relative!.text);
    expect(xml).toContain("Preterm birth");

    // the measure picker re-grades with odds ratios
    await page.getByLabel("Relative effect measure").selectOption("OR");
    await table.locator('tr[data-outcome="live-birth"] [data-cell="relative"]', { hasText: /^OR / }).waitFor();
    expect(await page.getByTestId("sof-csv").getAttribute("href")).toBe("/api/evidence/therapies/ivig/sof.csv?measure=OR&baseline=pooled");
  });
});
