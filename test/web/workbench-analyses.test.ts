/**
 * The workbench does what the CLI does (issue #14 item 5), in a real browser: a table pasted into the data-entry
 * grid, an invalid cell flagged in place with the parser's reason, presets that visibly set the form, Favours labels
 * on the right side for a good outcome, the forest SVG and the reproducible bundle downloaded; the NMA and TSA pages
 * show exactly the numbers of `decidua nma --json` and `decidua tsa --json`, from an upload and from rows pasted
 * or typed into their grids.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { strFromU8, unzipSync } from "fflate";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { runNmaCommand } from "../../src/cli/commands/nma.js";
import { runTsaCommand } from "../../src/cli/commands/tsa.js";
import { ADMIN_PASSWORD, apiSession, openAdminSession, shot, type AdminSession } from "./harness.js";

let session: AdminSession;
let page: Page;
const dir = mkdtempSync(join(tmpdir(), "decidua-wb2-"));

// as copied from a spreadsheet: tab-separated, with a header row; Bravo's experimental events (31) exceed its total
const PASTE = ["study\tyear\tevents_t\ttotal_t\tevents_c\ttotal_c", "Alpha 1999\t1999\t12\t40\t8\t41", "Bravo 2004\t2004\t31\t30\t24\t50", "Charlie 2010\t2010\t18\t30\t16\t33", "Delta 2016\t2016\t45\t70\t33\t68"].join("\n");

interface NmaCliResult {
  estimates: Array<{ treatment: string; estimate: number; se: number }>;
  pscores: Array<{ treatment: string; pscore: number }>;
  heterogeneity: { tau2: number; Q: number };
}

/** The NMA page shows `decidua nma --json`'s every estimate and SE, P-score and tau², to the digit. */
async function expectNmaPageEqualsCli(p: Page, cli: NmaCliResult): Promise<void> {
  expect(cli.estimates.length).toBeGreaterThan(1);
  for (const e of cli.estimates) {
    const cell = p.getByTestId(`nma-est-${e.treatment}`);
    expect(await cell.getAttribute("data-value")).toBe(String(e.estimate));
    expect(await cell.getAttribute("data-se")).toBe(String(e.se));
  }
  expect(cli.pscores.length).toBe(cli.estimates.length + 1);
  for (const q of cli.pscores) expect(await p.getByTestId(`nma-pscore-${q.treatment}`).getAttribute("data-value")).toBe(String(q.pscore));
  expect(await p.getByTestId("nma-tau2").getAttribute("data-value")).toBe(String(cli.heterogeneity.tau2));
}

async function paste(p: Page, testId: string, text: string): Promise<void> {
  await p.getByTestId(testId).locator("input").evaluate((el, t) => {
    const dt = new DataTransfer();
    dt.setData("text/plain", t);
    el.dispatchEvent(new ClipboardEvent("paste", { clipboardData: dt, bubbles: true, cancelable: true }));
  }, text);
}

async function download(p: Page, button: string, name: string): Promise<Buffer> {
  const [dl] = await Promise.all([p.waitForEvent("download"), p.getByRole("button", { name: button, exact: true }).click()]);
  const path = join(dir, name);
  await dl.saveAs(path);
  return readFileSync(path);
}

beforeAll(async () => {
  session = await openAdminSession();
  page = session.page;
});

afterAll(async () => {
  await session?.close();
});

describe("the data-entry grid", () => {
  test("a pasted table fills the grid and the invalid cell is flagged with the parser's reason", async () => {
    await page.getByRole("link", { name: "Analysis workbench" }).click();
    await page.getByTestId("data-grid").waitFor();
    await paste(page, "cell-0-study", PASTE);
    await expect(page.getByLabel("Study, row 4").inputValue()).resolves.toBe("Delta 2016");
    await expect(page.getByLabel("Events (exp.), row 2").inputValue()).resolves.toBe("31");
    const bad = page.getByTestId("cell-1-events_t");
    await page.locator('[data-testid="cell-1-events_t"][data-invalid="true"]').waitFor();
    expect(await bad.getAttribute("title")).toMatch(/total/i);
    // only that cell
    expect(await page.locator('td[data-invalid="true"]').count()).toBe(1);
    await expect(page.getByTestId("grid-problems").textContent()).resolves.toMatch(/Row 2.*events_t/);
    await shot(page, "24-workbench-grid-invalid");
    // fixed in place: the flag goes
    await page.getByLabel("Events (exp.), row 2").fill("21");
    await page.locator('[data-testid="cell-1-events_t"]:not([data-invalid])').waitFor();
    await expect(page.locator('td[data-invalid="true"]').count()).resolves.toBe(0);
    // rows can be added and removed
    await page.getByRole("button", { name: "Add row" }).click();
    await page.getByLabel("Study, row 5").waitFor();
    await page.getByRole("button", { name: "Remove row 5" }).click();
    await expect(page.getByLabel("Study, row 5").count()).resolves.toBe(0);
  });

  test("a preset visibly sets the form; back to metafor's defaults", async () => {
    await page.locator("#wb-preset").selectOption("revman5");
    await expect(page.locator("#wb-method").inputValue()).resolves.toBe("MH");
    await expect(page.locator("#wb-model").inputValue()).resolves.toBe("fixed");
    await expect(page.locator("#wb-tau2").inputValue()).resolves.toBe("DL");
    await expect(page.locator("#wb-smd").inputValue()).resolves.toBe("approx");
    await expect(page.getByTestId("preset-note").textContent()).resolves.toMatch(/RevMan 5/);
    await page.locator("#wb-preset").selectOption("revman-web");
    await expect(page.locator("#wb-test").inputValue()).resolves.toBe("knha");
    await expect(page.locator("#wb-tau2").inputValue()).resolves.toBe("REML");
    await page.locator("#wb-preset").selectOption("");
    await expect(page.locator("#wb-method").inputValue()).resolves.toBe("IV");
    await expect(page.locator("#wb-test").inputValue()).resolves.toBe("z");
  });

  test("live birth: the intervention is favoured right of the line; the run equals the API; forest SVG and bundle download", async () => {
    await page.locator("#wb-measure").selectOption("OR");
    await expect(page.locator("#wb-fav-left").inputValue()).resolves.toBe("Favours [experimental]");
    // a named arm carries into labels still at their default
    await page.locator("#wb-arm-exp").fill("IVIG");
    await expect(page.locator("#wb-fav-left").inputValue()).resolves.toBe("Favours [IVIG]");
    await page.getByLabel(/Good outcome/).check();
    await expect(page.locator("#wb-fav-left").inputValue()).resolves.toBe("Favours [control]");
    await expect(page.locator("#wb-fav-right").inputValue()).resolves.toBe("Favours [IVIG]");
    await page.locator("#wb-fav-right").fill("Favours IVIG");
    await page.getByRole("button", { name: "Run analysis" }).click();
    await page.getByTestId("pooled-estimate").waitFor();

    const csv = ["study,year,events_t,total_t,events_c,total_c", "Alpha 1999,1999,12,40,8,41", "Bravo 2004,2004,21,30,24,50", "Charlie 2010,2010,18,30,16,33", "Delta 2016,2016,45,70,33,68"].join("\n") + "\n";
    const call = await apiSession(session.server.base, "admin", ADMIN_PASSWORD);
    const r = await call("POST", "/api/meta", { file: { name: "grid.csv", contentBase64: Buffer.from(csv).toString("base64") }, options: { measure: "OR" } });
    expect(r.status).toBe(200);
    const est = (r.json as { result: { pooled: { transformed: { estimate: number } } } }).result.pooled.transformed.estimate;
    expect(await page.getByTestId("pooled-estimate").textContent()).toBe(est.toFixed(2));

    const svg = (await download(page, "SVG", "forest.svg")).toString("utf8");
    expect(svg).toContain("<svg");
    for (const s of ["Alpha 1999", "Bravo 2004", "Delta 2016"]) expect(svg).toContain(s);
    expect(svg).toMatch(/class="favours-right"[^>]*>Favours IVIG</);
    expect(svg).toMatch(/class="favours-left"[^>]*>Favours \[control\]</);
    expect(svg).toContain(">IVIG<");
    await shot(page, "25-workbench-grid-forest");

    const zip = unzipSync(new Uint8Array(await download(page, "Bundle", "bundle.zip")));
    expect(Object.keys(zip)).toEqual(expect.arrayContaining(["analysis.R", "data.csv", "options.json", "versions.json", "input/grid.csv"]));
    expect(strFromU8(zip["input/grid.csv"]!)).toContain("Bravo 2004,2004,21,30");
    expect(strFromU8(zip["analysis.R"]!)).toContain('escalc(measure = "OR"');
    expect((JSON.parse(strFromU8(zip["options.json"]!)) as { given: { measure: string } }).given.measure).toBe("OR");
    expect((JSON.parse(strFromU8(zip["versions.json"]!)) as { decidua: string; dependencies: Record<string, string> }).dependencies).toHaveProperty("zod");
  });

  test("influence diagnostics: the Baujat plot is shown and downloads as SVG and PNG", async () => {
    await page.getByLabel(/Influence diagnostics/).check();
    await page.getByRole("button", { name: "Run analysis" }).click();
    await page.getByRole("tab", { name: "Baujat plot" }).click();
    await page.getByTestId("baujat-plot").locator("svg").waitFor();
    expect((await download(page, "SVG", "baujat.svg")).toString("utf8")).toContain("Baujat plot");
    expect([...(await download(page, "PNG", "baujat.png")).subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
  });
});

describe("NMA and TSA pages show the CLI's numbers", () => {
  test("network meta-analysis: every estimate, the P-scores and tau² equal `decidua nma --json`", async () => {
    const file = "examples/nma/hasselblad1998-smoking.csv";
    const cli = JSON.parse((await runNmaCommand(file, { json: true, largerBetter: true })).stdout) as NmaCliResult;
    await page.goto(`${session.server.base}/workbench`);
    await page.getByRole("link", { name: "Network meta-analysis" }).click();
    await page.locator("#nma-file").setInputFiles(file);
    await page.getByLabel(/larger effects rank higher/).check();
    await page.getByRole("button", { name: "Run network meta-analysis" }).click();
    await page.getByTestId("network-plot").locator("svg").waitFor();
    await expectNmaPageEqualsCli(page, cli);
    expect((await download(page, "SVG", "network.svg")).toString("utf8")).toContain("<svg");
    await shot(page, "26-workbench-nma");
  });

  test("trial sequential analysis: information sizes, z-curve and conclusion equal `decidua tsa --json`", async () => {
    const file = "examples/tsa/ivig-no-live-birth.csv";
    const cli = JSON.parse((await runTsaCommand(file, { json: true, measure: "RR", controlRisk: "0.43", rrr: "0.2" })).stdout) as {
      ris: number;
      ris_adjusted: number;
      diversity: number;
      accrued: number;
      looks: Array<{ study: string; z: number }>;
      conclusion: { text: string };
    };
    await page.getByRole("link", { name: "Trial sequential analysis" }).click();
    await page.locator("#tsa-file").setInputFiles(file);
    await page.locator("#tsa-controlRisk").fill("0.43");
    await page.locator("#tsa-rrr").fill("0.2");
    await page.getByRole("button", { name: "Run trial sequential analysis" }).click();
    await page.getByTestId("tsa-plot").locator("svg").waitFor();
    expect(await page.getByTestId("tsa-ris").getAttribute("data-value")).toBe(String(cli.ris));
    expect(await page.getByTestId("tsa-ris-adjusted").getAttribute("data-value")).toBe(String(cli.ris_adjusted));
    expect(await page.getByTestId("tsa-diversity").getAttribute("data-value")).toBe(String(cli.diversity));
    expect(await page.getByTestId("tsa-accrued").getAttribute("data-value")).toBe(String(cli.accrued));
    for (const l of cli.looks) expect(await page.getByTestId(`tsa-z-${l.study}`).getAttribute("data-value")).toBe(String(l.z));
    expect(await page.getByTestId("tsa-conclusion").textContent()).toBe(cli.conclusion.text);
    expect((await download(page, "SVG", "tsa.svg")).toString("utf8")).toContain("<svg");
    await shot(page, "27-workbench-tsa");
  });
});

/** A CSV file as a spreadsheet copies it: tab-separated, header first. */
function asPasted(file: string): string {
  return readFileSync(file, "utf8").trim().split(/\r?\n/).map((l) => l.split(",").join("\t")).join("\n");
}

describe("the NMA and TSA grids: typed and pasted rows give the CLI's numbers", () => {
  test("NMA: a pasted network, a typed cell flagged and fixed in place, estimates, P-scores and tau² of `decidua nma`; every plot, CSV and bundle", async () => {
    const file = "examples/nma/hasselblad1998-smoking.csv";
    const cli = JSON.parse((await runNmaCommand(file, { json: true, model: "random", tau2: "DL" })).stdout) as NmaCliResult;
    await page.goto(`${session.server.base}/workbench/nma`);
    await page.getByTestId("data-grid").waitFor();
    // the grid holds the example; a pasted table with its header replaces it
    await paste(page, "cell-0-study", asPasted(file));
    await expect(page.getByLabel("Treatment, row 2", { exact: true }).inputValue()).resolves.toBe("ind_counseling");
    // a count typed wrong is flagged on its cell with the parser's reason, then fixed
    const original = await page.getByLabel("Events, row 4", { exact: true }).inputValue();
    await page.getByLabel("Events, row 4", { exact: true }).fill("9.5");
    await page.locator('[data-testid="cell-3-events"][data-invalid="true"]').waitFor();
    expect(await page.getByTestId("cell-3-events").getAttribute("title")).toMatch(/whole number/);
    await expect(page.getByTestId("grid-problems").textContent()).resolves.toMatch(/Row 4.*events/);
    await page.getByLabel("Events, row 4", { exact: true }).fill(original);
    await page.locator('[data-testid="cell-3-events"]:not([data-invalid])').waitFor();
    expect(await page.locator('td[data-invalid="true"]').count()).toBe(0);
    await page.locator("#nma-tau2").selectOption("DL");
    await page.getByRole("button", { name: "Run network meta-analysis" }).click();
    await page.getByTestId("network-plot").locator("svg").waitFor();
    await expectNmaPageEqualsCli(page, cli);
    expect(await page.getByTestId("nma-q").getAttribute("data-value")).toBe(String(cli.heterogeneity.Q));
    await shot(page, "28-workbench-nma-grid");
    // the network graph and the forest plot, as SVG and PNG
    expect((await download(page, "SVG", "grid-network.svg")).toString("utf8")).toContain("ind_counseling");
    expect([...(await download(page, "PNG", "grid-network.png")).subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
    await page.getByRole("tab", { name: "Forest plot" }).click();
    await page.getByTestId("nma-forest-plot").locator("svg").waitFor();
    expect((await download(page, "SVG", "grid-nma-forest.svg")).toString("utf8")).toContain("<svg");
    expect([...(await download(page, "PNG", "grid-nma-forest.png")).subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
    const csv = (await download(page, "CSV", "grid-nma.csv")).toString("utf8");
    expect(csv.split(/\r?\n/)[0]).toMatch(/^treatment,versus,estimate,se/);
    const zip = unzipSync(new Uint8Array(await download(page, "Bundle", "grid-nma-bundle.zip")));
    expect(strFromU8(zip["data.csv"]!).split(/\r?\n/)[0]).toBe("study,treatment,events,total");
    expect(strFromU8(zip["analysis.R"]!)).toContain("tau2 = tau2_dl");
    expect((JSON.parse(strFromU8(zip["options.json"]!)) as { resolved: { tau2_method: string } }).resolved.tau2_method).toBe("DL");
  });

  test("NMA: contrast rows typed into the grid give `decidua nma`'s estimates", async () => {
    const rows = [
      ["S1", "B", "A", "0.5", "0.3"],
      ["S2", "C", "A", "0.2", "0.25"],
      ["S3", "C", "B", "-0.1", "0.35"],
      ["S4", "B", "A", "0.8", "0.4"],
    ];
    const csvPath = join(dir, "typed-contrasts.csv");
    writeFileSync(csvPath, `study,treatment1,treatment2,yi,sei\n${rows.map((r) => r.join(",")).join("\n")}\n`);
    const cli = JSON.parse((await runNmaCommand(csvPath, { json: true, model: "fixed" })).stdout) as { estimates: Array<{ treatment: string; estimate: number; se: number }> };
    await page.locator("#nma-layout").selectOption("contrast");
    await page.getByRole("button", { name: "Clear" }).click();
    for (let i = 0; i < rows.length; i++) {
      if (i > 0) await page.getByRole("button", { name: "Add row" }).click();
      const labels = ["Study", "Treatment 1", "Treatment 2", "Effect yi (1 vs 2)", "SE sei"];
      for (let j = 0; j < labels.length; j++) await page.getByLabel(`${labels[j]}, row ${i + 1}`, { exact: true }).fill(rows[i]![j]!);
    }
    await page.locator("#nma-model").selectOption("fixed");
    await page.getByRole("button", { name: "Run network meta-analysis" }).click();
    await page.getByTestId(`nma-est-${cli.estimates[0]!.treatment}`).waitFor();
    expect(cli.estimates.length).toBe(2);
    for (const e of cli.estimates) {
      const cell = page.getByTestId(`nma-est-${e.treatment}`);
      expect(await cell.getAttribute("data-value")).toBe(String(e.estimate));
      expect(await cell.getAttribute("data-se")).toBe(String(e.se));
    }
  });

  test("TSA: pasted trials give `decidua tsa`'s information sizes, z-curve and conclusion; plot as SVG and PNG, CSV and the R bundle", async () => {
    const file = "examples/tsa/ivig-no-live-birth.csv";
    const cli = JSON.parse((await runTsaCommand(file, { json: true, measure: "OR", controlRisk: "0.4", rrr: "0.3", diversity: "0.25" })).stdout) as {
      ris: number;
      ris_adjusted: number;
      diversity: number;
      accrued: number;
      looks: Array<{ study: string; z: number }>;
      conclusion: { text: string };
    };
    await page.goto(`${session.server.base}/workbench/tsa`);
    await page.getByTestId("data-grid").waitFor();
    await paste(page, "cell-0-study", asPasted(file));
    await expect(page.getByLabel("Study, row 8", { exact: true }).inputValue()).resolves.toMatch(/\S/);
    // a typed problem (events above the total) is flagged in place, then undone
    const original = await page.getByLabel("Events (ctrl), row 2", { exact: true }).inputValue();
    await page.getByLabel("Events (ctrl), row 2", { exact: true }).fill("999");
    await page.locator('[data-testid="cell-1-events_c"][data-invalid="true"]').waitFor();
    await page.getByLabel("Events (ctrl), row 2", { exact: true }).fill(original);
    await page.locator('[data-testid="cell-1-events_c"]:not([data-invalid])').waitFor();
    await page.locator("#tsa-measure").selectOption("OR");
    await page.locator("#tsa-controlRisk").fill("0.4");
    await page.locator("#tsa-rrr").fill("0.3");
    await page.locator("#tsa-diversity").fill("0.25");
    await page.getByRole("button", { name: "Run trial sequential analysis" }).click();
    await page.getByTestId("tsa-plot").locator("svg").waitFor();
    expect(await page.getByTestId("tsa-ris").getAttribute("data-value")).toBe(String(cli.ris));
    expect(await page.getByTestId("tsa-ris-adjusted").getAttribute("data-value")).toBe(String(cli.ris_adjusted));
    expect(await page.getByTestId("tsa-diversity").getAttribute("data-value")).toBe(String(cli.diversity));
    expect(await page.getByTestId("tsa-accrued").getAttribute("data-value")).toBe(String(cli.accrued));
    expect(cli.looks.length).toBe(8);
    for (const l of cli.looks) expect(await page.getByTestId(`tsa-z-${l.study}`).getAttribute("data-value")).toBe(String(l.z));
    expect(await page.getByTestId("tsa-conclusion").textContent()).toBe(cli.conclusion.text);
    await shot(page, "29-workbench-tsa-grid");
    expect((await download(page, "SVG", "grid-tsa.svg")).toString("utf8")).toContain("<svg");
    expect([...(await download(page, "PNG", "grid-tsa.png")).subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
    expect((await download(page, "CSV", "grid-tsa.csv")).toString("utf8").split(/\r?\n/)[0]).toBe("study,n,fraction,z,boundary,futility");
    const zip = unzipSync(new Uint8Array(await download(page, "Bundle", "grid-tsa-bundle.zip")));
    expect(Object.keys(zip).sort()).toEqual(["README.txt", "analysis.R", "data.csv", "input/grid.csv", "options.json", "result.json", "results.csv", "versions.json"]);
    const script = strFromU8(zip["analysis.R"]!);
    expect(script).toContain('getDesignGroupSequential(typeOfDesign = "asOF", informationRates = t');
    expect(script).toContain('measure <- "OR"');
    expect(script).toContain("diversity <- 0.25");
    expect((JSON.parse(strFromU8(zip["result.json"]!)) as { ris_adjusted: number }).ris_adjusted).toBe(cli.ris_adjusted);
  });
});
