/**
 * The research view as an attacker tries it, on both engines: identifiers planted in every free-text field of a
 * record and its follow-ups, real dates in every date field; as a researcher, every route that shows patient
 * data and every format of the export. None of the identifiers may appear, no calendar date may appear, and
 * nothing lets a real date be computed (no assessment date, no record metadata, days only from day 0).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { unzipSync, strFromU8 } from "fflate";
import { ENGINES } from "../store/engines.js";
import { researchRecord } from "../../src/server/research-view.js";
import { adminClient, Client, startServer, type TestServer, userClient } from "./helpers.js";

const ID = ["Zelda", "Quixote", "555-867-5309", "12 Main Street", "MRN-99887766", "evil.example", "zq@mail.test"];
const plant = (where: string) => `${where}: Zelda Quixote, 12 Main Street, 555-867-5309, MRN-99887766, zq@mail.test, seen 2024-03-05`;

const RECORD = {
  $schema: "https://evil.example/Zelda-Quixote",
  id: "MRN-99887766",
  age: 37,
  losses: [
    { date: "2024-02-10", gestationalWeek: 7, kind: "clinical", embryoKaryotype: { result: "abnormal", detail: plant("embryo karyotype") }, treatedWith: ["lmwh-aspirin"] },
    { date: "2024-09-01", gestationalWeek: 9, kind: "clinical", embryoKaryotype: { result: "normal", detail: plant("second karyotype") } },
    { date: "2025-01-20", gestationalWeek: 6, kind: "biochemical" },
  ],
  liveBirths: [{ date: "2019-06-30", gestationalWeek: 39 }],
  ivf: { transfers: [{ date: "2023-05-04", embryos: 1, quality: "good", outcome: "no-implantation" }] },
  workup: {
    karyotypeFemale: { result: "abnormal", detail: plant("female karyotype"), date: "2024-10-01" },
    karyotypeMale: { result: "normal", detail: plant("male karyotype"), date: "2024-10-02" },
    uterineAnatomy: { method: "hysteroscopy", result: "abnormal", finding: plant("uterine finding"), date: "2024-10-03" },
    antiphospholipid: [{ date: "2024-10-04", lupusAnticoagulant: "negative", aclIgG: { value: 12, unit: "GPL U/mL" } }],
    thyroid: { date: "2024-10-05", tsh: { value: 2.1, unit: "mIU/L" } },
    thrombophilia: { result: "normal", date: "2024-10-06" },
  },
  immune: {
    peripheralNk: { value: 14, unit: "%", date: "2024-10-07" },
    uterineNk: { value: 9.5, unit: "%", date: "2024-10-08", cycleDay: 21 },
    ana: { titre: "1:160", pattern: plant("ANA pattern"), date: "2024-10-09" },
    antiPaternalAntibodies: { result: "negative", date: "2024-10-10" },
  },
  currentPregnancy: { lastMenstrualPeriod: "2026-10-01", positiveTestDate: "2026-10-29" },
  followUps: [{ test: "anti-paternal-antibody", date: "2025-03-03", result: "negative" }],
};

const FOLLOWUPS = [
  { kind: "pregnancy", date: "2026-02-01", note: plant("pregnancy note") },
  { kind: "loss", date: "2026-04-01", gestationalWeek: 8, note: plant("loss note") },
  { kind: "live-birth", date: "2026-11-01", gestationalWeek: 38, note: plant("birth note") },
  { kind: "adverse-reaction", date: "2026-03-01", therapy: "ivig", description: plant("reaction"), severity: "mild" },
  { kind: "antibody-result", date: "2026-05-01", test: plant("antibody test"), value: 3, unit: "Zelda", positive: true, note: plant("antibody note") },
];

const REAL_DATES = ["1987-04-23", "2024-02-10", "2024-09-01", "2025-01-20", "2019-06-30", "2023-05-04", "2024-03-05", "2024-10-01", "2026-10-01", "2026-02-01", "2026-11-20", "2026-12-01"];
const ISO_DATE = /\b(19|20)\d{2}-\d{2}-\d{2}\b/;
const TEXT_DATE = /\b\d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]* (19|20)\d{2}\b/;
const YEAR = /\b(1987|2019|2023|2024|2025|2026)\b/;

describe.each(ENGINES)("the research view under attack on %s", (engine) => {
  let srv: TestServer;
  let researcher: Client;
  let admin: Client;
  let patientId: string;
  beforeAll(async () => {
    srv = await startServer(engine, {}, () => new Date("2026-11-20T10:00:00Z"));
    admin = await adminClient(srv.base);
    const clinician = await userClient(srv.base, admin, "dr.plant", "clinician");
    researcher = await userClient(srv.base, admin, "res.attack", "researcher");
    const created = await clinician.req("POST", "/api/patients", { displayName: "Zelda Quixote", dateOfBirth: "1987-04-23", record: RECORD });
    expect(created.status, created.text).toBe(201);
    patientId = (created.body as { patient: { id: string } }).patient.id;
    for (const f of FOLLOWUPS) {
      const r = await clinician.req("POST", `/api/patients/${patientId}/followups`, f);
      expect(r.status, r.text).toBe(201);
    }
  });
  afterAll(async () => {
    await srv.close();
  });

  it("no identifier, no calendar date, nothing to compute a real date from, on every route and in the export", async () => {
    const texts: Array<[string, string]> = [];
    const get = async (path: string, allowYearsFromEvidence = false) => {
      const r = await researcher.req("GET", path);
      expect(r.status, path).toBe(200);
      texts.push([path + (allowYearsFromEvidence ? " (evidence)" : ""), r.text]);
      return r;
    };
    await get("/api/patients?limit=500");
    await get(`/api/patients?q=P-`);
    const one = await get(`/api/patients/${patientId}`);
    await get(`/api/patients/${patientId}/followups`);
    await get(`/api/patients/${patientId}/assessment`, true);
    // an assessment date of the researcher's choosing is refused: which dates a record accepts would give its dates away
    const chosen = await researcher.req("GET", `/api/patients/${patientId}/assessment?date=1987-04-22`);
    expect(chosen.status).toBe(400);
    expect(chosen.text).toMatch(/the research view is assessed on today's date/);
    texts.push(["assessment?date=", chosen.text]);
    // and the refusal is in the audit log, naming the patient (a 400 about a patient is audited)
    const audit = (await admin.req("GET", "/api/audit?limit=50")).body as { entries: { username: string | null; action: string; status: number | null; detail: string | null }[] };
    expect(audit.entries.find((e) => e.username === "res.attack" && e.action === "request.refused" && e.status === 400)?.detail).toContain(patientId);
    await get("/api/research/export?format=json");
    await get("/api/research/export?format=csv");
    const zip = await fetch(srv.base + "/api/research/export", { headers: { cookie: [...researcher.cookies].map(([k, v]) => `${k}=${v}`).join("; ") } });
    expect(zip.headers.get("content-type")).toBe("application/zip");
    const files = unzipSync(new Uint8Array(await zip.arrayBuffer()));
    expect(Object.keys(files).sort()).toEqual(["README.txt", "data_dictionary.csv", "immune_results.csv", "losses.csv", "outcomes.csv", "patients.csv", "plans.csv", "read_decidua.R", "verdicts.csv", "workup_results.csv"]);
    for (const [name, bytes] of Object.entries(files)) texts.push([`zip:${name}`, strFromU8(bytes)]);
    // the history holds names: researchers may not open it
    expect((await researcher.req("GET", `/api/patients/${patientId}/history`)).status).toBe(403);

    let found = 0;
    for (const [where, text] of texts) {
      for (const id of ID) if (text.includes(id)) (found++, expect.fail(`${where} shows "${id}"`));
      expect(ISO_DATE.test(text), `${where} shows a calendar date: ${ISO_DATE.exec(text)?.[0]}`).toBe(false);
      expect(TEXT_DATE.test(text), `${where} shows a written date`).toBe(false);
      for (const d of REAL_DATES) expect(text, where).not.toContain(d);
      // years of the planted dates: none outside the evidence texts of the assessment (publication years)
      if (!where.endsWith("(evidence)") && !where.startsWith("zip:verdicts") && !where.includes("data_dictionary")) expect(YEAR.test(text), `${where} shows a year: ${YEAR.exec(text)?.[0]}`).toBe(false);
    }
    console.log(`[research ${engine}] identifiers planted ${ID.length} x ${texts.length} outputs, found ${found}; calendar dates found 0`);

    // what remains: coded fields and days from day 0 (the first loss), age in years
    const p = (one.body as { patient: Record<string, unknown> & { record: { losses: Array<Record<string, unknown>> } } }).patient;
    expect(p).toMatchObject({ displayName: null, dateOfBirth: null, createdAt: null, updatedAt: null, createdBy: null, ageYears: 36 });
    expect(p.record.losses.map((l) => l.day)).toEqual([0, 204, 345]);
    expect(p.record.losses[0]).toEqual({ day: 0, gestationalWeek: 7, kind: "clinical", embryoKaryotype: { result: "abnormal" }, treatedWith: ["lmwh-aspirin"] });
    expect(Object.keys(p.record)).not.toContain("$schema");
    expect(Object.keys(p.record)).not.toContain("id");
    const assessment = (await researcher.req("GET", `/api/patients/${patientId}/assessment`)).body as { assessment: Record<string, unknown> & { therapies: Record<string, { status: string }> } };
    expect(assessment.assessment.today).toBe("");
    expect(typeof assessment.assessment.therapies.lit?.status).toBe("string");
    // tidy tables: no JSON in a cell
    for (const [name, bytes] of Object.entries(files)) if (name.endsWith(".csv")) expect(strFromU8(bytes)).not.toMatch(/(^|,)"?[[{]/m);
    const losses = strFromU8(files["losses.csv"]!).trim().split("\r\n");
    expect(losses[0]).toBe("pseudonym_id,loss,day,gestational_week,kind,embryo_karyotype,fetal_heart_activity_seen,treated_with");
    const mine = losses.filter((l) => l.startsWith(String(p.pseudonymId) + ","));
    expect(mine.map((l) => l.split(",").slice(1, 5).join(","))).toEqual(["1,0,7,clinical", "2,204,9,clinical", "3,345,6,biochemical"]);
  });

  it("the researcher's list is in pseudonym order, not in the order patients were registered or last changed", async () => {
    const admin = await adminClient(srv.base);
    const clinician = await userClient(srv.base, admin, "dr.order", "clinician");
    for (const n of ["One", "Two", "Three", "Four"]) expect((await clinician.req("POST", "/api/patients", { displayName: `Order ${n}`, dateOfBirth: "1990-01-01", record: { losses: [] } })).status).toBe(201);
    const list = (await researcher.req("GET", "/api/patients?limit=500")).body as { patients: { pseudonymId: string }[] };
    const ids = list.patients.map((p) => p.pseudonymId);
    expect(ids.length).toBeGreaterThanOrEqual(5);
    expect(ids).toEqual([...ids].sort());
  });

  it("a field unknown to the allow-list (a new record field) is dropped", () => {
    const r = researchRecord({ losses: [{ day: 1, gestationalWeek: 7, kind: "clinical", newFreeText: "Zelda" }], brandNewField: { name: "Zelda" }, immune: { newMarker: { value: 1, note: "Zelda" } } }, null);
    expect(JSON.stringify(r)).not.toContain("Zelda");
    expect(r).toEqual({ losses: [{ gestationalWeek: 7, kind: "clinical" }], immune: {} });
  });
});
