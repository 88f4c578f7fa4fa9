/** The live-birth network in the evidence browser, in a real browser: caveats first, estimates, plots, trials. */
import { describe, expect, test } from "vitest";
import { adminSessionHooks, shot } from "./harness.js";

const admin = adminSessionHooks();

describe("evidence browser: live-birth network", () => {
  test("shows the caveats, the estimates vs placebo, the network graph, the league table and the trials", async () => {
    const page = admin.page;
    await page.getByRole("link", { name: "Evidence browser" }).click();
    await page.locator('[data-therapy-link="network"]').click();
    const caveats = page.getByTestId("network-caveats");
    await caveats.waitFor();
    const text = (await caveats.textContent()) ?? "";
    expect(text).toContain("Indirect only");
    expect(text).toContain("No closed loop");
    expect(text).toContain("Sparse");
    const est = page.getByTestId("network-estimates");
    await est.waitFor();
    expect(await est.textContent()).toContain("Intravenous immunoglobulin (IVIG)");
    await page.getByTestId("network-graph").locator("svg").waitFor();
    await page.getByTestId("network-forest").locator("svg").waitFor();
    expect(await page.getByTestId("network-graph").locator("circle").count()).toBeGreaterThanOrEqual(3);
    expect(await page.getByTestId("network-league").textContent()).toContain("placebo");
    expect(await page.getByTestId("network-trials").textContent()).toContain("Christiansen 2015");
    await shot(page, "35-evidence-network");
  });
});
