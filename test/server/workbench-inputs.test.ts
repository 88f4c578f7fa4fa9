/**
 * The workbench's uploads read as the CLI reads them: RevMan exports with several outcomes (options.outcome),
 * workbooks whose data is not on the first worksheet (options.sheet), R's write.csv row names for a network; the
 * errors name the API's fields (options.outcome, options.sheet), not the CLI's flags.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminClient, type Client, errorOf, startServer, type TestServer } from "./helpers.js";

const file = (path: string, name = path.replace(/^.*\//, "")) => ({ name, contentBase64: readFileSync(path).toString("base64") });
const REVMAN = "test/stats/fixtures/revman";
const TABLES = "test/stats/fixtures/tables";

describe("workbench inputs", () => {
  let srv: TestServer;
  let admin: Client;
  beforeAll(async () => {
    srv = await startServer("sqlite");
    admin = await adminClient(srv.base);
  });
  afterAll(async () => {
    await srv.close();
  });

  it("POST /api/meta analyses the outcome options.outcome of a RevMan Web export and of RevMan 5's data and analyses export", async () => {
    const web = await admin.req("POST", "/api/meta", { file: file(`${REVMAN}/revmanweb.csv`), options: { outcome: "1.1" } });
    expect(web.status, web.text).toBe(200);
    expect((web.body as { result: { k: number } }).result.k).toBe(5);
    const rm5 = await admin.req("POST", "/api/meta", { file: file(`${REVMAN}/revman5-export.csv`), options: { outcome: "1.1" } });
    expect(rm5.status, rm5.text).toBe(200);
    expect((rm5.body as { result: { k: number } }).result.k).toBe(7);
  }, 60_000);

  it("outcome errors name options.outcome: none chosen, one the file does not hold, an empty one, one for a plain study table", async () => {
    const none = await admin.req("POST", "/api/meta", { file: file(`${REVMAN}/revmanweb.csv`) });
    expect([none.status, errorOf(none).field]).toEqual([400, "options.outcome"]);
    expect(errorOf(none).message).toMatch(/choose one with options\.outcome \(1\.1 Live birth/);
    expect(errorOf(none).message).not.toContain("--outcome");
    const missing = await admin.req("POST", "/api/meta", { file: file(`${REVMAN}/revman5-export.csv`), options: { outcome: "9.9" } });
    expect([missing.status, errorOf(missing).field]).toEqual([400, "options.outcome"]);
    const empty = await admin.req("POST", "/api/meta", { file: file(`${REVMAN}/revmanweb.csv`), options: { outcome: "" } });
    expect([empty.status, errorOf(empty).field]).toEqual([400, "options.outcome"]);
    const plain = await admin.req("POST", "/api/meta", { file: file("examples/meta/bcg.csv"), options: { outcome: "1.1" } });
    expect([plain.status, errorOf(plain).field]).toEqual([400, "options.outcome"]);
    expect(errorOf(plain).message).toMatch(/^bcg\.csv, field "options\.outcome": options\.outcome chooses an outcome of a RevMan 5 review/);
  }, 60_000);

  it("options.sheet chooses the worksheet of an uploaded workbook (meta, nma, tsa); the error without it names options.sheet", async () => {
    const upload = file(`${TABLES}/extraction-2sheets.xlsx`);
    const first = await admin.req("POST", "/api/meta", { file: upload });
    expect(first.status).toBe(400);
    expect(errorOf(first).message).toContain('worksheet "Instructions" was read; worksheet "Data" has the columns: use options.sheet "Data"');
    const meta = await admin.req("POST", "/api/meta", { file: upload, options: { sheet: "Data" } });
    expect(meta.status, meta.text).toBe(200);
    expect((meta.body as { result: { k: number } }).result.k).toBe(5);
    const tsa = await admin.req("POST", "/api/tsa", { file: upload, options: { measure: "RR", controlRisk: 0.43, rrr: 0.2, sheet: "2" } });
    expect(tsa.status, tsa.text).toBe(200);
    const wrong = await admin.req("POST", "/api/meta", { file: upload, options: { sheet: "Extraction" } });
    expect([wrong.status, errorOf(wrong).field]).toEqual([400, "options.sheet"]);
    const nma = await admin.req("POST", "/api/nma", { file: upload, options: { sheet: "Nope" } });
    expect([nma.status, errorOf(nma).field]).toEqual([400, "options.sheet"]);
    const bundle = await admin.req("POST", "/api/meta/bundle.zip", { file: upload, options: { sheet: "Data" } });
    expect(bundle.status).toBe(200);
  }, 60_000);

  it("POST /api/nma reads R's write.csv row names", async () => {
    const r = await admin.req("POST", "/api/nma", { file: file(`${TABLES}/arm-rownames.csv`) });
    expect(r.status, r.text).toBe(200);
    const b = await admin.req("POST", "/api/nma/bundle.zip", { file: file(`${TABLES}/arm-rownames.csv`) });
    expect(b.status).toBe(200);
  }, 60_000);
});
