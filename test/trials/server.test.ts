import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_PASSWORD, Client, errorOf, startServer, userClient, type TestServer } from "../server/helpers.js";

const EX = join(import.meta.dirname, "..", "..", "examples", "trials");
const protocol = JSON.parse(readFileSync(join(EX, "tacrolimus-protocol.json"), "utf8")) as Record<string, unknown>;
const losses = [
  { date: "2022-01-10", gestationalWeek: 7, kind: "clinical" },
  { date: "2022-09-01", gestationalWeek: 8, kind: "clinical" },
  { date: "2023-05-01", gestationalWeek: 6, kind: "clinical" },
];
const apl = { antiphospholipid: [{ date: "2024-01-02", lupusAnticoagulant: "negative", aclIgG: { value: 3, unit: "GPL" }, aclIgM: { value: 2, unit: "MPL" } }] };
const eligibleRecord = { age: 31, losses, liveBirths: [], workup: apl, immune: { th1Th2Ratio: { value: 12.5 } } };
const incompleteRecord = { age: 33, losses, liveBirths: [], workup: apl };

describe("trial routes (real HTTP server, SQLite)", () => {
  let srv: TestServer;
  let admin: Client;
  let coord: Client;
  let inv: Client;
  let stat: Client;
  let outsider: Client;
  const ids: Record<string, string> = {};
  let trialId = "";

  beforeAll(async () => {
    srv = await startServer("sqlite");
    admin = new Client(srv.base);
    await admin.login("admin", ADMIN_PASSWORD);
    coord = await userClient(srv.base, admin, "coord", "researcher");
    inv = await userClient(srv.base, admin, "inv", "clinician");
    stat = await userClient(srv.base, admin, "stat", "researcher");
    outsider = await userClient(srv.base, admin, "outsider", "researcher");
    const users = (await admin.req("GET", "/api/users")).body as { users: { id: string; username: string }[] };
    for (const u of users.users) ids[u.username] = u.id;
    for (const [name, record] of [
      ["eligible", eligibleRecord],
      ["incomplete", incompleteRecord],
      ["control", { losses: [], liveBirths: [] }],
    ] as const) {
      const r = await inv.req("POST", "/api/patients", { displayName: `Patient ${name}`, dateOfBirth: "1992-03-04", record });
      expect(r.status).toBe(201);
      ids[`patient-${name}`] = (r.body as { patient: { id: string } }).patient.id;
    }
  });
  afterAll(async () => {
    await srv.close();
  });

  it("sample size as R's power.prop.test", async () => {
    const r = await inv.req("POST", "/api/trials/sample-size", { kind: "proportions", input: { p1: 0.8, p2: 0.635, power: 0.8 } });
    expect(r.status).toBe(200);
    expect((r.body as { sampleSize: { n1: number } }).sampleSize.n1).toBeCloseTo(115.6859, 3);
    const bad = await inv.req("POST", "/api/trials/sample-size", { kind: "proportions", input: { p1: 1.5, p2: 0.5 } });
    expect(bad.status).toBe(400);
  });

  it("a researcher creates the trial and names the members; a clinician may not create one; outsiders see nothing", async () => {
    expect((await inv.req("POST", "/api/trials", { protocol })).status).toBe(403);
    const bad = await coord.req("POST", "/api/trials", { protocol: { ...protocol, ratio: [1] } });
    expect(bad.status).toBe(400);
    expect(errorOf(bad).field).toBe("ratio");
    const r = await coord.req("POST", "/api/trials", { protocol });
    expect(r.status).toBe(201);
    trialId = (r.body as { trial: { id: string } }).trial.id;
    expect((await coord.req("PUT", `/api/trials/${trialId}/members`, { user: ids.inv, role: "investigator" })).status).toBe(200);
    expect((await coord.req("PUT", `/api/trials/${trialId}/members`, { user: ids.stat, role: "statistician" })).status).toBe(200);
    expect((await inv.req("PUT", `/api/trials/${trialId}/members`, { user: ids.outsider, role: "investigator" })).status).toBe(403);
    expect(((await outsider.req("GET", "/api/trials")).body as { trials: unknown[] }).trials).toEqual([]);
    expect((await outsider.req("GET", `/api/trials/${trialId}`)).status).toBe(404);
    expect((await outsider.req("GET", `/api/trials/${trialId}/participants`)).status).toBe(404);
    expect((await outsider.req("GET", `/api/trials/${trialId}/consort.svg`)).status).toBe(404);
  });

  let pid = "";
  it("enrolment → consent → allocation; each refusal is a clear 4xx and writes nothing", async () => {
    const el = await inv.req("GET", `/api/trials/${trialId}/eligibility?patientId=${ids["patient-eligible"]}`);
    expect(el.status).toBe(200);
    expect((el.body as { eligibility: { status: string } }).eligibility.status).toBe("eligible");
    const inc = await inv.req("POST", `/api/trials/${trialId}/participants`, { patientId: ids["patient-incomplete"] });
    expect(inc.status).toBe(201);
    const incP = (inc.body as { participant: { id: string; eligibilityStatus: string; eligibility: { missing: string[] } } }).participant;
    expect(incP.eligibilityStatus).toBe("incomplete");
    expect(incP.eligibility.missing.join(" ")).toMatch(/Th1\/Th2/);
    const r = await inv.req("POST", `/api/trials/${trialId}/participants`, { patientId: ids["patient-eligible"] });
    expect(r.status).toBe(201);
    pid = (r.body as { participant: { id: string } }).participant.id;
    expect((await inv.req("POST", `/api/trials/${trialId}/participants`, { patientId: ids["patient-eligible"] })).status).toBe(409);
    const noConsent = await inv.req("POST", `/api/trials/${trialId}/participants/${pid}/allocation`);
    expect(noConsent.status).toBe(409);
    expect(errorOf(noConsent).message).toMatch(/no consent/);
    const badSheet = await inv.req("POST", `/api/trials/${trialId}/participants/${pid}/consent`, { takenBy: "Dr Inv", consentedOn: "2025-01-02", sheetVersion: "7" });
    expect(badSheet.status).toBe(400);
    expect(errorOf(badSheet).field).toBe("sheetVersion");
    expect((await inv.req("POST", `/api/trials/${trialId}/participants/${pid}/consent`, { takenBy: "Dr Inv", consentedOn: "2025-01-02", sheetVersion: "1.0" })).status).toBe(200);
    const a = await inv.req("POST", `/api/trials/${trialId}/participants/${pid}/allocation`);
    expect(a.status).toBe(201);
    const alloc = (a.body as { allocation: { sequence: number; arm: string | null; kitCode: string } }).allocation;
    expect(alloc).toMatchObject({ sequence: 1, arm: null });
    expect(alloc.kitCode).toMatch(/^K-/);
    const again = await coord.req("POST", `/api/trials/${trialId}/participants/${pid}/allocation`);
    expect(again.status).toBe(409);
    expect(errorOf(again).message).toMatch(/already allocated/);
    const s = await stat.req("GET", `/api/trials/${trialId}/participants/${pid}`);
    expect(["tacrolimus", "placebo"]).toContain((s.body as { participant: { allocation: { arm: string } } }).participant.allocation.arm);
  });

  it("visits, markers with units, outcome and adverse events with field-level validation", async () => {
    const base = `/api/trials/${trialId}/participants/${pid}`;
    const today = new Date().toISOString().slice(0, 10);
    expect((await inv.req("POST", `${base}/visits`, { visitId: "baseline", date: today })).status).toBe(201);
    const late = new Date(Date.now() + 200 * 86400000).toISOString().slice(0, 10);
    const out = await inv.req("POST", `${base}/visits`, { visitId: "pregnancy-test", date: late });
    expect(out.status).toBe(400);
    expect(errorOf(out).field).toBe("outOfWindowReason");
    const wrongUnit = await inv.req("POST", `${base}/markers`, { visitId: "baseline", marker: "il33", value: 200, unit: "%" });
    expect(wrongUnit.status).toBe(400);
    expect((await inv.req("POST", `${base}/markers`, { visitId: "baseline", marker: "il33", value: 200, unit: "pg/mL", method: "ELISA" })).status).toBe(201);
    const badOutcome = await inv.req("PUT", `${base}/outcome`, { data: { healthyNewborn: true }, version: 0 });
    expect(badOutcome.status).toBe(400);
    const ok = await inv.req("PUT", `${base}/outcome`, { data: { conception: true, conceptionDate: today, liveBirth: true, healthyNewborn: true, birthWeightG: 3300, receivedAllocated: true, perProtocol: true }, version: 0 });
    expect(ok.status).toBe(200);
    expect((await inv.req("PUT", `${base}/outcome`, { data: { liveBirth: false }, version: 0 })).status).toBe(409);
    expect((await inv.req("POST", `${base}/adverse-events`, { term: "tremor", onset: today, serious: false, severity: "mild", related: "possibly" })).status).toBe(201);
    expect((await inv.req("POST", `${base}/unblinding`, { reason: "curious about the arm" })).status).toBe(403);
  });

  it("CONSORT from the data as SVG; analysis, exports and evidence draft for the statistician only", async () => {
    const svg = await coord.req("GET", `/api/trials/${trialId}/consort.svg`);
    expect(svg.status).toBe(200);
    expect(svg.headers.get("content-type")).toMatch(/image\/svg\+xml/);
    expect(svg.text).toContain("Assessed for eligibility");
    expect(svg.text).toContain("(n = 2)");
    const flow = (await inv.req("GET", `/api/trials/${trialId}/consort`)).body as { flow: { assessed: number; randomised: number } };
    expect(flow.flow).toMatchObject({ assessed: 2, randomised: 1 });
    expect((await inv.req("GET", `/api/trials/${trialId}/analysis`)).status).toBe(403);
    const an = await stat.req("GET", `/api/trials/${trialId}/analysis`);
    expect(an.status).toBe(200);
    const exp = await stat.req("GET", `/api/trials/${trialId}/export/participants`);
    expect(exp.status).toBe(200);
    expect(exp.text.split(/\r?\n/)[0]).toBe("study_id,group,eligibility,strata,consent_date,sheet_version,sequence,arm,kit_code,allocation_date,unblinded");
    expect(exp.text).not.toContain("Patient eligible");
    expect(exp.text).not.toContain(ids["patient-eligible"] ?? "none");
    expect(exp.text).not.toContain("2025-01-02"); // consent date shifted
    const dict = await stat.req("GET", `/api/trials/${trialId}/export/data_dictionary`);
    expect(dict.text).toContain("healthy_newborn");
    const script = await stat.req("GET", `/api/trials/${trialId}/export/analysis.R`);
    expect(script.text).toContain('read.csv("participants.csv"');
    expect(script.text).toContain("fisher.test");
    expect((await inv.req("GET", `/api/trials/${trialId}/export/participants`)).status).toBe(403);
    const draft = await stat.req("GET", `/api/trials/${trialId}/evidence-draft`);
    // one participant randomised: one arm is empty, so there is no result to put into the evidence yet
    expect(draft.status).toBe(400);
    expect(errorOf(draft).message).toMatch(/an arm has no participant with a known outcome/);
    const audit = (await admin.req("GET", "/api/audit?limit=200")).body as { entries: { action: string }[] };
    const actions = new Set(audit.entries.map((e) => e.action));
    for (const x of ["trial.create", "trial.enrol", "trial.consent", "trial.allocate", "trial.visit", "trial.marker", "trial.outcome", "trial.adverse-event", "trial.export"]) expect(actions.has(x)).toBe(true);
  });

  it("the statistician reads participants as the export gives them: dates shifted by the same offset, no clinic patient id; an evidence reviewer gets no trial role", async () => {
    const real = ((await inv.req("GET", `/api/trials/${trialId}/participants/${pid}`)).body as { participant: { patientId: string | null; consent: { consentedOn: string } } }).participant;
    expect(real.patientId).toBe(ids["patient-eligible"]);
    const seen = await stat.req("GET", `/api/trials/${trialId}/participants`);
    expect(seen.status).toBe(200);
    const mine = (seen.body as { participants: { id: string; studyId: string; patientId: string | null; consent: { consentedOn: string } | null }[] }).participants.find((p) => p.id === pid)!;
    expect(mine.patientId).toBeNull();
    expect(seen.text).not.toContain(ids["patient-eligible"] ?? "none");
    // a date the statistician reads is the export's date, not the real one: the two cannot be compared for the shift
    expect(mine.consent?.consentedOn).not.toBe(real.consent.consentedOn);
    const exp = await stat.req("GET", `/api/trials/${trialId}/export/participants`);
    const row = exp.text.split(/\r?\n/).find((l) => l.startsWith(`${mine.studyId},`))!;
    expect(row.split(",")[4]).toBe(mine.consent?.consentedOn);
    const one = ((await stat.req("GET", `/api/trials/${trialId}/participants/${pid}`)).body as { participant: { patientId: string | null; consent: { consentedOn: string } } }).participant;
    expect([one.patientId, one.consent.consentedOn]).toEqual([null, mine.consent?.consentedOn]);
    // an evidence reviewer sees no patient, so no trial role either
    const rev = await userClient(srv.base, admin, "rev-trial", "reviewer");
    const users = (await admin.req("GET", "/api/users")).body as { users: { id: string; username: string }[] };
    const refused = await coord.req("PUT", `/api/trials/${trialId}/members`, { user: users.users.find((u) => u.username === "rev-trial")!.id, role: "investigator" });
    expect(refused.status).toBe(400);
    expect(errorOf(refused).message).toMatch(/evidence reviewer, who sees no patient/);
    expect((await rev.req("GET", `/api/trials/${trialId}/participants`)).status).toBe(404);
  });

  it("emergency unblinding by the coordinator with a reason appears in CONSORT", async () => {
    const u = await coord.req("POST", `/api/trials/${trialId}/participants/${pid}/unblinding`, { reason: "anaphylaxis, treating team needs the arm" });
    expect(u.status).toBe(200);
    const svg = await coord.req("GET", `/api/trials/${trialId}/consort.svg`);
    expect(svg.text).toContain("Emergency unblinding (n = 1)");
  });
  it("a researcher reads eligibility findings with the record's calendar dates withheld (the research view's rule)", async () => {
    const rec = { losses: [{ date: "2022-01-10", gestationalWeek: 7, kind: "clinical" }, { date: "2022-09-01", gestationalWeek: 8, kind: "clinical" }], liveBirths: [], workup: { antiphospholipid: [{ date: "2024-03-07", lupusAnticoagulant: "positive" }] } };
    const p = await inv.req("POST", "/api/patients", { displayName: "Patient dated", dateOfBirth: "1989-02-03", record: rec });
    const patientId = (p.body as { patient: { id: string } }).patient.id;
    const path = `/api/trials/${trialId}/eligibility?patientId=${patientId}`;
    const clinician = await inv.req("GET", path);
    expect(clinician.text).toMatch(/from 2024-05-30/);
    const researcher = await coord.req("GET", path);
    expect(researcher.status).toBe(200);
    expect(researcher.text).not.toMatch(/\d{4}-\d{2}-\d{2}/);
    expect(researcher.text).toMatch(/a confirmatory repeat ≥ 12 weeks later is needed \(from \[date withheld\]\)/);
    // the same once enrolled, in the participant the researcher reads
    const enrolled = await inv.req("POST", `/api/trials/${trialId}/participants`, { patientId });
    const id = (enrolled.body as { participant: { id: string } }).participant.id;
    const seen = await coord.req("GET", `/api/trials/${trialId}/participants/${id}`);
    expect(seen.status).toBe(200);
    expect(JSON.stringify((seen.body as { participant: { eligibility: unknown } }).participant.eligibility)).not.toMatch(/\d{4}-\d{2}-\d{2}/);
    expect(JSON.stringify((await coord.req("GET", `/api/trials/${trialId}/participants`)).body)).not.toMatch(/2024-05-30/);
    // and in the participant a write route returns (every answer of the trial module passes the same filter)
    const ae = await coord.req("POST", `/api/trials/${trialId}/participants/${id}/adverse-events`, { term: "rash", onset: "2026-12-01", serious: false, severity: "mild", related: "possibly" });
    expect(ae.status, ae.text.slice(0, 200)).toBe(201);
    expect(JSON.stringify((ae.body as { participant: { eligibility: unknown } }).participant.eligibility)).not.toMatch(/\d{4}-\d{2}-\d{2}/);
    // a clinician still reads it as computed
    expect(JSON.stringify((await inv.req("GET", `/api/trials/${trialId}/participants/${id}`)).body)).toMatch(/2024-05-30/);
  });

  it("eligibility reads the age from the date of birth on today's date, not a typed-in age that has gone stale", async () => {
    const aged = { ...protocol, registration: "ChiCTR2000000099", eligibility: { ...(protocol.eligibility as Record<string, unknown>), inclusion: [...((protocol.eligibility as { inclusion: unknown[] }).inclusion), { kind: "age", min: 18, max: 35 }] } };
    const created = await coord.req("POST", "/api/trials", { protocol: aged });
    expect(created.status, created.text.slice(0, 200)).toBe(201);
    const tid = (created.body as { trial: { id: string } }).trial.id;
    expect((await coord.req("PUT", `/api/trials/${tid}/members`, { user: ids.inv, role: "investigator" })).status).toBe(200);
    const born = "1980-03-03";
    const expectedAge = new Date().getUTCFullYear() - 1980 - (new Date().toISOString().slice(5, 10) < "03-03" ? 1 : 0);
    for (const [name, record] of [["stale", { ...eligibleRecord, age: 33 }], ["untyped", (({ age: _age, ...rest }) => rest)(eligibleRecord)]] as const) {
      const p = await inv.req("POST", "/api/patients", { displayName: `Patient ${name} age`, dateOfBirth: born, record });
      expect(p.status, p.text.slice(0, 200)).toBe(201);
      const el = await inv.req("GET", `/api/trials/${tid}/eligibility?patientId=${(p.body as { patient: { id: string } }).patient.id}`);
      const e = (el.body as { eligibility: { status: string; criteria: { label: string; status: string; detail: string }[] } }).eligibility;
      expect(e.status, name).toBe("not-eligible");
      expect(JSON.stringify(e), name).toContain(`age ${expectedAge} years`);
    }
  });
});
