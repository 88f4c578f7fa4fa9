/**
 * The analysis workbench in a real browser: upload a CSV, run, see the pooled result the API computes and the
 * forest plot with every study; download SVG and CSV; a bad row is reported with its row number.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Page } from "playwright-core";
import { ADMIN_PASSWORD, apiSession, shot, type TestServer, openAdminSession, type AdminSession } from "./harness.js";

let server: TestServer;
let page: Page;
const dir = mkdtempSync(join(tmpdir(), "decidua-wb-"));
const STUDIES = [
  ["Alpha 1995", 1995, 9, 17, 5, 17],
  ["Bravo 2002", 2002, 13, 29, 13, 29],
  ["Charlie 2015", 2015, 23, 42, 20, 40],
  ["Delta 1995", 1995, 18, 47, 11, 48],
  ["Echo 1997", 1997, 15, 22, 19, 24],
] as const;
const CSV = ["study,year,events_t,total_t,events_c,total_c", ...STUDIES.map((s) => s.join(","))].join("\n") + "\n";
const good = join(dir, "ivig-example.csv");
const bad = join(dir, "broken.csv");

let session: AdminSession;

beforeAll(async () => {
  writeFileSync(good, CSV);
  writeFileSync(bad, "study,events_t,total_t,events_c,total_c\nA,3,10,2,10\nB,-4,12,3,12\n");
  session = await openAdminSession();
  ({ server, page } = session);
});

afterAll(async () => {
  await session?.close();
});

describe("workbench", () => {
  test("a CSV upload gives the API's pooled estimate and a forest plot with every study", async () => {
    await page.getByRole("link", { name: "Analysis workbench" }).click();
    await shot(page, "20-workbench-empty");
    await page.locator("#wb-file").setInputFiles(good);
    await expect(page.getByTestId("file-name").textContent()).resolves.toBe("ivig-example.csv");
    await page.locator("#wb-measure").selectOption("OR");
    await page.locator("#wb-method").selectOption("MH");
    await page.locator("#wb-model").selectOption("fixed");
    await page.getByRole("button", { name: "Run analysis" }).click();
    await page.getByTestId("pooled-estimate").waitFor();

    // The same request straight to the API: the page must show its numbers.
    const call = await apiSession(server.base, "admin", ADMIN_PASSWORD);
    const r = await call("POST", "/api/meta", {
      file: { name: "ivig-example.csv", contentBase64: Buffer.from(CSV).toString("base64") },
      options: { measure: "OR", method: "MH", model: "fixed", tau2: "REML", test: "z", level: 95, smdCorrection: "exact", leaveOneOut: false, cumulative: false, bias: false },
    });
    expect(r.status).toBe(200);
    const api = r.json as { result: { k: number; pooled: { transformed?: { estimate: number } } }; forestSvg: string | null };
    const est = api.result.pooled.transformed?.estimate;
    expect(est).toBeTypeOf("number");
    expect(await page.getByTestId("pooled-estimate").textContent()).toBe((est as number).toFixed(2));
    expect(api.result.k).toBe(STUDIES.length);

    const forest = page.getByTestId("forest-plot");
    await forest.locator("svg").waitFor();
    const svgText = (await forest.textContent()) ?? "";
    for (const s of STUDIES) expect(svgText).toContain(s[0]);
    await shot(page, "21-workbench-forest");

    await page.getByRole("tab", { name: "Studies" }).click();
    for (const s of STUDIES) await page.getByRole("cell", { name: new RegExp(s[0]) }).waitFor();
    await shot(page, "22-workbench-studies");
  });

  test("SVG and CSV downloads", async () => {
    await page.getByRole("tab", { name: "Forest plot" }).click();
    const [svgDl] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "SVG", exact: true }).click()]);
    const svgPath = join(dir, "f.svg");
    await svgDl.saveAs(svgPath);
    const svg = readFileSync(svgPath, "utf8");
    expect(svg).toContain("<svg");
    expect(svg).toContain("Charlie 2015");
    const [pngDl] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "PNG", exact: true }).click()]);
    const pngPath = join(dir, "f.png");
    await pngDl.saveAs(pngPath);
    expect([...readFileSync(pngPath).subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const [csvDl] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "CSV", exact: true }).click()]);
    const csvPath = join(dir, "r.csv");
    await csvDl.saveAs(csvPath);
    const csv = readFileSync(csvPath, "utf8");
    for (const s of STUDIES) expect(csv).toContain(s[0]);
  });

  test("an XLSX file with sensitivity analyses: same numbers as the API, leave-one-out and bias tests shown", async () => {
    const xlsx = "examples/meta/bcg-metafor-names.xlsx";
    await page.locator("#wb-file").setInputFiles(xlsx);
    await page.locator("#wb-measure").selectOption("RR");
    await page.locator("#wb-method").selectOption("IV");
    await page.locator("#wb-model").selectOption("random");
    await page.locator("#wb-tau2").selectOption("REML");
    await page.getByLabel("Leave-one-out").check();
    await page.getByLabel(/Small-study bias/).check();
    await page.getByRole("button", { name: "Run analysis" }).click();
    await page.getByTestId("pooled-estimate").waitFor();
    const call = await apiSession(server.base, "admin", ADMIN_PASSWORD);
    const r = await call("POST", "/api/meta", {
      file: { name: "bcg-metafor-names.xlsx", contentBase64: readFileSync(xlsx).toString("base64") },
      options: { measure: "RR", method: "IV", model: "random", tau2: "REML", test: "z", level: 95, smdCorrection: "exact", leaveOneOut: true, cumulative: false, bias: true },
    });
    expect(r.status).toBe(200);
    const res = (r.json as { result: { pooled: { transformed: { estimate: number } }; leave_one_out: Array<{ omitted: string }> } }).result;
    expect(await page.getByTestId("pooled-estimate").textContent()).toBe(res.pooled.transformed.estimate.toFixed(2));
    await page.getByRole("tab", { name: "Sensitivity & bias" }).click();
    await page.getByText("Egger's test").waitFor();
    for (const row of res.leave_one_out) await page.getByRole("cell", { name: row.omitted, exact: true }).first().waitFor();
    await shot(page, "22b-workbench-sensitivity");
  });

  test("a bad row is reported with its row number", async () => {
    await page.locator("#wb-file").setInputFiles(bad);
    await page.getByRole("button", { name: "Run analysis" }).click();
    const alert = page.getByRole("alert").filter({ hasText: "Row 3" });
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/events_t/);
    await shot(page, "23-workbench-error", false);
  });

  test("a RevMan export with several outcomes: the page asks for the outcome beside its field, and analyses the one chosen", async () => {
    // the analysis options of the earlier tests are reset by reloading the page
    await page.reload();
    await page.locator("#wb-file").setInputFiles(join(import.meta.dirname, "..", "stats", "fixtures", "revman", "revman5-export.csv"));
    await page.getByRole("button", { name: "Run analysis" }).click();
    const err = page.getByTestId("outcome-error");
    await err.waitFor();
    expect(await err.textContent()).toMatch(/options\.outcome/);
    await page.locator("#wb-outcome").fill("1.1");
    await page.getByRole("button", { name: "Run analysis" }).click();
    await page.getByTestId("pooled-estimate").waitFor();
    const call = await apiSession(server.base, "admin", ADMIN_PASSWORD);
    const r = await call("POST", "/api/meta", { file: { name: "revman5-export.csv", contentBase64: readFileSync(join(import.meta.dirname, "..", "stats", "fixtures", "revman", "revman5-export.csv")).toString("base64") }, options: { outcome: "1.1", method: "IV", model: "random", tau2: "REML", test: "z", level: 95, smdCorrection: "exact", leaveOneOut: false, cumulative: false, bias: false } });
    expect(r.status).toBe(200);
    const res = (r.json as { result: { pooled: { estimate: number; transformed?: { estimate: number } } } }).result;
    expect(await page.getByTestId("pooled-estimate").textContent()).toBe((res.pooled.transformed?.estimate ?? res.pooled.estimate).toFixed(2));
  });
});
