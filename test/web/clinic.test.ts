/**
 * The clinic in a real browser: log in, create the two patients of source 001 through the forms, read the
 * assessment (LIT protocol-eligible for profile a with the uterine NK finding; premature for profile b with its
 * missing tests), build the LIT plan, record a follow-up, and check that a researcher never sees a name.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Page } from "playwright-core";
import { apiSession, buildWeb, createUser, launchBrowser, login, logout, shot, startServer, type Browser, type TestServer } from "./harness.js";

let server: TestServer;
let browser: Browser;
let page: Page;
const CLINICIAN = { username: "drlee", password: "clinician-pass-1" };
const RESEARCHER = { username: "research1", password: "researcher-pass-1" };
const NAME_A = "Anna Quentin-Profila";
const NAME_B = "Beatrice Okafor-Profilb";
const NAME_C = "Carys Penhallow-Profilc";
let patientA = "";
let patientB = "";
let patientC = "";

beforeAll(async () => {
  buildWeb();
  server = await startServer();
  await createUser(server.base, CLINICIAN.username, "clinician", CLINICIAN.password);
  await createUser(server.base, RESEARCHER.username, "researcher", RESEARCHER.password);
  browser = await launchBrowser();
  page = browser.page;
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function fill(name: string, value: string): Promise<void> {
  await page.locator(`[name="${name}"]`).fill(value);
}
async function choose(name: string, value: string): Promise<void> {
  await page.locator(`select[name="${name}"]`).selectOption(value);
}

async function createPatient(name: string, dob: string): Promise<string> {
  await page.getByRole("link", { name: "New patient" }).click();
  await fill("displayName", name);
  await fill("dateOfBirth", dob);
  await shot(page, "02b-new-patient", false);
  await page.getByRole("button", { name: "Create patient" }).click();
  await page.getByTestId("patient-name").filter({ hasText: name }).waitFor();
  const m = /\/patients\/([0-9a-f-]{36})/.exec(page.url());
  if (!m?.[1]) throw new Error(`no patient id in ${page.url()}`);
  return m[1];
}

async function addLoss(i: number, week: string, date: string, karyotype?: string): Promise<void> {
  await page.getByRole("button", { name: "Add a loss" }).click();
  await fill(`record.losses.${i}.gestationalWeek`, week);
  await fill(`record.losses.${i}.date`, date);
  await choose(`record.losses.${i}.kind`, "clinical");
  if (karyotype) await choose(`record.losses.${i}.embryoKaryotype.result`, karyotype);
}

async function save(): Promise<void> {
  await page.getByRole("button", { name: "Save record" }).last().click();
}

function therapyCard(id: string) {
  return page.locator(`[data-therapy="${id}"]`);
}

/** The status a therapy card shows (its first data-status badge), once the card is there. */
async function cardStatus(id: string): Promise<string | null> {
  const badge = therapyCard(id).locator("[data-status]").first();
  await badge.waitFor();
  return badge.getAttribute("data-status");
}

/** Saves the record, waits for the confirmation and opens the assessment. */
async function saveAndAssess(): Promise<void> {
  await save();
  await page.getByTestId("save-ok").waitFor();
  await page.getByRole("link", { name: "Assessment" }).click();
}

async function openCard(id: string): Promise<void> {
  const card = therapyCard(id);
  if ((await card.getAttribute("data-open")) !== "true") await card.locator(".card-head").click();
  await card.locator(".card-body").waitFor();
}

describe("clinic", () => {
  test("sign-in errors are shown, then a clinician signs in", async () => {
    await page.goto(`${server.base}/patients`);
    await page.getByRole("heading", { name: "Sign in" }).waitFor();
    await page.getByLabel("Username").fill(CLINICIAN.username);
    await page.getByLabel("Password").fill("wrong-password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("alert").textContent()).resolves.toContain("Wrong username or password");
    await shot(page, "01-login-error", false);
    await login(page, server.base, CLINICIAN.username, CLINICIAN.password);
    await expect(page.getByTestId("current-role").textContent()).resolves.toBe("clinician");
    await shot(page, "02-patients");
  });

  test("profile (a) entered through the forms: a rejected value is explained beside its field and nothing is lost", async () => {
    patientA = await createPatient(NAME_A, "1990-03-14");
    await fill("record.age", "35");
    await fill("record.weight.value", "64");
    await addLoss(0, "7", "2022-01-10", "normal");
    await addLoss(1, "8", "2022-08-02");
    await addLoss(2, "6", "2023-03-20");
    await addLoss(3, "50", "2024-01-15");
    // Complete negative work-up (source 001, profile a).
    await choose("record.workup.karyotypeFemale.result", "normal");
    await fill("record.workup.karyotypeFemale.detail", "46,XX");
    await choose("record.workup.karyotypeMale.result", "normal");
    await fill("record.workup.karyotypeMale.detail", "46,XY");
    await choose("record.workup.uterineAnatomy.method", "hysteroscopy");
    await choose("record.workup.uterineAnatomy.result", "normal");
    await choose("record.workup.thrombophilia.result", "normal");
    await fill("record.workup.thyroid.date", "2024-03-01");
    await fill("record.workup.thyroid.tsh.value", "1.8");
    await fill("record.workup.thyroid.tpoAb.value", "12");
    await page.getByRole("button", { name: "Add an aPL test" }).click();
    await fill("record.workup.antiphospholipid.0.date", "2024-03-01");
    await choose("record.workup.antiphospholipid.0.lupusAnticoagulant", "negative");
    await fill("record.workup.antiphospholipid.0.aclIgG.value", "4");
    await fill("record.workup.antiphospholipid.0.aclIgM.value", "3");
    await fill("record.workup.antiphospholipid.0.b2gpiIgG.value", "2");
    await fill("record.workup.antiphospholipid.0.b2gpiIgM.value", "2");
    // anti-β2GPI is read against the laboratory's 99th percentile (without it the panel is incomplete, H61)
    await fill("record.workup.antiphospholipid.0.b2gpiIgG.percentile99", "20");
    await fill("record.workup.antiphospholipid.0.b2gpiIgM.percentile99", "20");
    // Immune panel: elevated uterine NK.
    await fill("record.immune.uterineNk.value", "11.5");
    await fill("record.immune.peripheralNk.value", "10");
    // The lymphocyte donor's infection screens: without them LIT is premature, the screens pending (H58).
    await choose("record.partner.hiv", "negative");
    await choose("record.partner.hepatitisB", "negative");
    await choose("record.partner.hepatitisC", "negative");

    await save();
    const err = page.locator('[data-field="record.losses.3.gestationalWeek"] .err');
    await err.waitFor();
    expect(await err.textContent()).toMatch(/gestational week/i);
    await expect(page.getByTestId("save-error").textContent()).resolves.toMatch(/not saved/);
    await shot(page, "03-record-validation");
    // Nothing typed was lost.
    expect(await page.locator('[name="record.immune.uterineNk.value"]').inputValue()).toBe("11.5");
    expect(await page.locator('[name="record.workup.karyotypeMale.detail"]').inputValue()).toBe("46,XY");

    await fill("record.losses.3.gestationalWeek", "9");
    await save();
    await page.getByTestId("save-ok").waitFor();
    expect(await page.locator('[data-field="record.losses.3.gestationalWeek"] .err').count()).toBe(0);
    await shot(page, "04-record-saved");
  });

  test("profile (a): LIT is protocol-eligible and cites the uterine NK finding", async () => {
    await page.getByRole("link", { name: "Assessment" }).click();
    const lit = therapyCard("lit");
    await lit.waitFor();
    await expect(lit.locator("[data-status]").first().getAttribute("data-status")).resolves.toBe("protocol-eligible");
    await expect(lit.locator("[data-status]").first().textContent()).resolves.toBe("protocol-eligible");
    await openCard("lit");
    const findings = lit.getByTestId("findings");
    await findings.waitFor();
    const text = (await findings.textContent()) ?? "";
    expect(text).toMatch(/uterine NK/i);
    expect(text).toContain("11.5");
    // The card's evidence: guideline positions with citations, then the forest plot from the evidence API.
    expect(((await lit.getByTestId("guidelines").textContent()) ?? "").length).toBeGreaterThan(20);
    await lit.getByRole("button", { name: "Show forest plot and Summary of Findings" }).click();
    await lit.getByTestId("evidence-forest").locator("svg").waitFor();
    await shot(page, "05-assessment-a");
    // The printable patient summary: in print, only the plain-language summary remains.
    await page.evaluate(() => {
      document.body.dataset["print"] = "summary";
    });
    await page.emulateMedia({ media: "print" });
    expect(await page.getByTestId("patient-summary").isVisible()).toBe(true);
    expect(await therapyCard("lit").isVisible()).toBe(false);
    expect(await page.locator(".sidenav").isVisible()).toBe(false);
    await shot(page, "05b-print-summary");
    await page.emulateMedia({ media: "screen" });
    await page.evaluate(() => {
      delete document.body.dataset["print"];
    });
  });

  test("profile (a): the LIT plan is a dated timeline; a follow-up result is recorded", async () => {
    // From the LIT card straight to its plan, built from today.
    await therapyCard("lit").getByRole("link", { name: "Plan this therapy" }).click();
    await page.getByTestId("plan").waitFor();
    expect(await page.locator("#plan-therapy").inputValue()).toBe("lit");
    await page.locator("#plan-therapy").selectOption("lit");
    await page.locator("#plan-start").fill("2025-01-06");
    await page.getByRole("button", { name: "Build plan" }).click();
    const plan = page.getByTestId("plan");
    await plan.waitFor();
    const steps = plan.locator("[data-step]");
    expect(await steps.count()).toBeGreaterThanOrEqual(3);
    expect((await steps.first().textContent()) ?? "").toContain("2025");
    await expect(plan.locator(".badge").first().textContent()).resolves.toBe("awaiting result");
    // The antibody check after the sensitisation course comes back negative: the plan says reconsider.
    await page.locator('select[name="test"]').selectOption("anti-paternal-antibody");
    await page.locator('[name="date"]').fill("2025-03-17");
    await page.locator('select[name="positive"]').selectOption("false");
    await page.getByRole("button", { name: "Add", exact: true }).click();
    await page.getByTestId("followups").filter({ hasText: "antibody negative" }).waitFor();
    await plan.locator(".badge").first().filter({ hasText: "reconsider" }).waitFor();
    await shot(page, "06-plan");
  });

  // issue 9 §1: premature never rests on the loss count: LIT is not-indicated (the protocol asks for 3 unexplained
  // first-trimester losses); the missing investigations are named by the work-up card and by heparin + aspirin,
  // whose verdict they decide.
  test("profile (b): LIT is not indicated and the missing investigations are named", async () => {
    await page.getByRole("link", { name: "Patients" }).first().click();
    patientB = await createPatient(NAME_B, "1993-07-02");
    await addLoss(0, "8", "2024-02-01", "abnormal");
    await fill("record.losses.0.embryoKaryotype.detail", "47,XX,+16");
    await addLoss(1, "7", "2024-09-12");
    await saveAndAssess();
    expect(await cardStatus("lit")).toBe("not-indicated");
    const workup = ((await page.getByTestId("workup").textContent()) ?? "").toLowerCase();
    expect(workup).toMatch(/karyotype.*missing/);
    expect(workup).toMatch(/uterine anatomy.*missing/);
    expect(workup).toMatch(/antiphospholipid.*missing/);
    const heparin = therapyCard("lmwh-aspirin");
    await expect(heparin.locator("[data-status]").first().getAttribute("data-status")).resolves.toBe("premature");
    await openCard("lmwh-aspirin");
    const missing = heparin.getByTestId("missing");
    await missing.waitFor();
    expect(((await missing.textContent()) ?? "").toLowerCase()).toMatch(/antiphospholipid/);
    await shot(page, "07-assessment-b");
    await page.getByRole("link", { name: "History" }).click();
    await page.getByText("Version 1 → 2").waitFor();
    await shot(page, "08-history");
  });

  test("a save that crosses someone else's is refused and keeps the draft", async () => {
    await page.getByRole("link", { name: "Record", exact: true }).click();
    await page.locator('[name="record.age"]').waitFor();
    // Someone else saves the same record in between (through the API, as another session).
    const other = await apiSession(server.base, CLINICIAN.username, CLINICIAN.password);
    const cur = (await other("GET", `/api/patients/${patientB}`)).json as { patient: { displayName: string; dateOfBirth: string; version: number; record: Record<string, unknown> } };
    const p = cur.patient;
    const put = await other("PUT", `/api/patients/${patientB}`, { displayName: p.displayName, dateOfBirth: p.dateOfBirth, record: { ...p.record, age: 31 }, version: p.version });
    expect(put.status).toBe(200);
    await fill("record.age", "32");
    await save();
    await expect(page.getByTestId("save-error").textContent()).resolves.toMatch(/Someone else saved/);
    expect(await page.locator('[name="record.age"]').inputValue()).toBe("32");
    await shot(page, "08b-conflict", false);
  });

  test("an ended session asks for the password over the page; the draft survives and saves", async () => {
    await page.reload();
    await page.locator('[name="record.age"]').waitFor();
    await fill("record.age", "33");
    await browser.context.clearCookies();
    await save();
    const dialog = page.getByRole("dialog");
    await dialog.getByRole("heading", { name: "Your session has ended" }).waitFor();
    await shot(page, "08c-session-ended", false);
    await dialog.getByLabel("Password").fill(CLINICIAN.password);
    await dialog.getByRole("button", { name: "Sign in" }).click();
    await dialog.waitFor({ state: "detached" });
    expect(await page.locator('[name="record.age"]').inputValue()).toBe("33");
    await save();
    await page.getByTestId("save-ok").waitFor();
  });

  // issue 9 §2: the form records what clinicians record: loss mechanism, TB latent/treated, IgA level, NK specimen,
  // karyotype abnormality kind, current medications
  test("the record form takes the loss mechanism, latent TB, the IgA level, the NK specimen and current medications", async () => {
    await page.goto(`${server.base}/patients/${patientB}`);
    await page.locator('[name="record.age"]').waitFor();
    await choose("record.losses.0.mechanism", "embryonic-death");
    await choose("record.safety.tb", "latent-treated");
    await fill("record.safety.igaLevel.value", "1.2");
    await fill("record.immune.uterineNk.value", "2");
    await choose("record.immune.uterineNk.specimen", "endometrial-biopsy");
    await page.getByRole("button", { name: "Add a medication" }).click();
    await fill("record.medications.0.name", "levothyroxine");
    await save();
    await page.getByTestId("save-ok").or(page.getByTestId("save-error")).first().waitFor();
    expect(await page.getByTestId("save-error").count(), (await page.getByTestId("save-error").allTextContents()).join(" ")).toBe(0);
    const api = await apiSession(server.base, CLINICIAN.username, CLINICIAN.password);
    const rec = ((await api("GET", `/api/patients/${patientB}`)).json as { patient: { record: { losses: Array<{ mechanism?: string }>; safety: { tb?: string; igaLevel?: { value: number } }; medications?: Array<{ name: string }> } } }).patient.record;
    expect(rec.losses[0]!.mechanism).toBe("embryonic-death");
    expect(rec.safety.tb).toBe("latent-treated");
    expect(rec.safety.igaLevel!.value).toBe(1.2);
    expect(rec.medications![0]!.name).toBe("levothyroxine");
  });

  // issue 9 §5: plans are kept; planning a not-indicated therapy demands an override reason, stored and shown
  test("a kept plan survives a reload; an override reason is demanded and shown", async () => {
    await page.goto(`${server.base}/patients/${patientB}/plan?therapy=lit`);
    await page.getByTestId("plan").waitFor();
    await page.getByRole("button", { name: "Keep this plan" }).click();
    await expect(page.getByTestId("keep-error").textContent()).resolves.toMatch(/needs an override reason/);
    await page.locator('[name="overrideReason"]').fill("approved research protocol, written consent");
    await page.getByRole("button", { name: "Keep this plan" }).click();
    await page.getByTestId("override-reason").waitFor();
    await page.reload();
    await page.getByTestId("kept-plans").waitFor();
    await expect(page.getByTestId("override-reason").textContent()).resolves.toMatch(/approved research protocol, written consent/);
    await expect(page.getByTestId("kept-plans").textContent()).resolves.toMatch(/version 1 .* by drlee · verdict then: not-indicated/);
    // issue 9 §5: which therapy was actually started, and when
    // each field of the row has an accessible name
    await page.getByLabel("Note on the start or stop (optional)").fill("first injection given");
    await expect(page.getByLabel("Date started or stopped").count()).resolves.toBe(1);
    await page.getByRole("button", { name: "Record", exact: true }).click();
    await expect(page.getByTestId("therapy-events").textContent()).resolves.toMatch(/Lymphocyte immunisation therapy \(LIT\) started on .*first injection given/);
    await shot(page, "08d-kept-plan", false);
    // issue 9 §5: the history speaks in clinicians' words and shows every change
    await page.getByRole("link", { name: "History" }).click();
    await page.getByText("Version 1 → 2").waitFor();
    const history = (await page.locator("main").textContent()) ?? "";
    expect(history).toMatch(/Loss 1: gestational week/);
    expect(history).toMatch(/Age/);
    expect(history).not.toMatch(/record\.|losses\[|gestationalWeek/);
    // issue 9 §5: the kept plan and its override reason stand in the history beside the versions, with who
    const kept = page.getByTestId("history-events").locator('[data-kind="plan-kept"]');
    await expect(kept.textContent()).resolves.toMatch(/Plan kept: Lymphocyte immunisation therapy \(LIT\), version 1.*by drlee.*override reason: approved research protocol, written consent/);
    await expect(page.getByTestId("history-events").locator('[data-kind="therapy-event"]').textContent()).resolves.toMatch(/LIT\) started on .*by drlee.*first injection given/);
    // the plan was kept from today: its first step is due on the patient list
    await page.getByRole("link", { name: "Patients" }).first().click();
    await expect(page.getByTestId("patient-due").first().textContent()).resolves.toMatch(/LIT: .+ due today/);
  });

  // hazard H51: progesterone for bleeding needs a scan that shows the pregnancy in the uterus
  test("a pregnant patient with bleeding: progesterone waits for the scan, and is recommended once it shows an intrauterine pregnancy", async () => {
    await page.getByRole("link", { name: "Patients" }).first().click();
    patientC = await createPatient(NAME_C, "1991-05-05");
    await addLoss(0, "7", "2023-03-01");
    await addLoss(1, "8", "2023-09-01");
    await fill("record.currentPregnancy.gestationalWeek", "7");
    await choose("record.currentPregnancy.bleeding", "true");
    await saveAndAssess();
    const progesterone = therapyCard("progesterone");
    expect(await cardStatus("progesterone")).toBe("premature");
    await openCard("progesterone");
    const missing = progesterone.getByTestId("missing");
    await missing.waitFor();
    expect((await missing.textContent()) ?? "").toMatch(/Ultrasound scan showing where the pregnancy is/);
    await page.goto(`${server.base}/patients/${patientC}`);
    await page.locator('[name="record.currentPregnancy.location"]').waitFor();
    await choose("record.currentPregnancy.location", "intrauterine");
    await save();
    await page.getByTestId("save-ok").waitFor();
    const api = await apiSession(server.base, CLINICIAN.username, CLINICIAN.password);
    const rec = ((await api("GET", `/api/patients/${patientC}`)).json as { patient: { record: { currentPregnancy?: { location?: string; bleeding?: boolean } } } }).patient.record;
    expect(rec.currentPregnancy).toMatchObject({ location: "intrauterine", bleeding: true });
    await page.getByRole("link", { name: "Assessment" }).click();
    expect(await cardStatus("progesterone")).toBe("recommended");
    // H56: a last menstrual period more than 44 weeks back is shown above the verdicts, asking for the outcome
    const p = ((await api("GET", `/api/patients/${patientC}`)).json as { patient: { displayName: string; dateOfBirth: string; version: number; record: { currentPregnancy: Record<string, unknown> } } }).patient;
    const put = await api("PUT", `/api/patients/${patientC}`, { displayName: p.displayName, dateOfBirth: p.dateOfBirth, record: { ...p.record, currentPregnancy: { ...p.record.currentPregnancy, lastMenstrualPeriod: "2023-10-01" } }, version: p.version });
    expect(put.status).toBe(200);
    await page.reload();
    const warnings = page.getByTestId("assessment-warnings");
    await warnings.waitFor();
    expect((await warnings.textContent()) ?? "").toMatch(/Current pregnancy: its last menstrual period \(2023-10-01\) is \d+(\+\d)? weeks before .*record how it ended, or correct the date/);
  });

  test("a researcher sees pseudonyms and shifted dates, never a name", async () => {
    await logout(page);
    await login(page, server.base, RESEARCHER.username, RESEARCHER.password);
    await page.getByTestId("patient-link").first().waitFor();
    const list = (await page.locator("main").textContent()) ?? "";
    expect(list).not.toContain(NAME_A);
    expect(list).not.toContain(NAME_B);
    expect(list).not.toContain(NAME_C);
    expect(list).toMatch(/P-[A-Z0-9]{4,}/);
    // the list reads no records and withholds who and when: no column says otherwise
    expect(list).not.toContain("record needs correction");
    expect(list).not.toMatch(/— by|Created|Last updated/);
    await shot(page, "09-researcher-patients");
    await page.goto(`${server.base}/patients/${patientA}`);
    await page.getByTestId("patient-banner").waitFor();
    const whole = (await page.content()) ?? "";
    expect(whole).not.toContain(NAME_A);
    expect(whole).not.toContain("Quentin");
    expect(await page.getByTestId("patient-name").textContent()).toMatch(/^P-/);
    await shot(page, "10-researcher-record");
    await page.goto(`${server.base}/patients/${patientB}/assessment`);
    await therapyCard("lit").waitFor();
    expect(await page.content()).not.toContain("Okafor");
    // assessed on today's date only: no assessment date to choose (H92)
    expect(await page.locator("#assess-date").count()).toBe(0);
    // the read-only summary of a pregnant patient: the week, bleeding and the scan's finding (coded fields)
    await page.goto(`${server.base}/patients/${patientC}`);
    await page.getByTestId("patient-banner").waitFor();
    expect(await page.locator("main").textContent()).toContain("week 7 · bleeding · intrauterine on ultrasound");
    // the history is not in the research view: a link to it says so instead of showing the API's refusal
    await page.goto(`${server.base}/patients/${patientA}/history`);
    await page.getByTestId("history-not-in-research-view").waitFor();
    expect(await page.locator("main").textContent()).not.toMatch(/forbidden|not allowed|403/i);
  });
});
