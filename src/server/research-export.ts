/**
 * The research export: tidy tables, one CSV per entity (patients, losses, work-up results, immune results,
 * verdicts, plans, outcomes), a data dictionary and an R script that reads them, zipped (fflate). Built only
 * from the research view (src/server/research-view.ts): coded fields, days relative to each patient's day 0, no
 * calendar date, no free text, no JSON in any cell. Pure: plain rows in, files out.
 */
import { strToU8, zipSync } from "fflate";
import { toCsv } from "./csv.js";

type Cell = string | number | boolean | null;
type Obj = Record<string, unknown>;

interface Column {
  name: string;
  type: "text" | "integer" | "number" | "logical";
  unit?: string;
  codes?: string;
  description: string;
}

export interface ResearchPatient {
  pseudonymId: string;
  ageYears: number | null;
  day0: "first-loss" | "earliest-date" | "none";
  /** The research view of the record (allow-listed, days instead of dates). */
  record: Obj;
  /** The research view of each follow-up. */
  followups: Obj[];
  /** Therapy id → verdict status and the plan's coded fields (from the assessment). */
  therapies: Array<{ therapy: string; status: string | null; plan: { protocol: string | null; status: string | null; steps: number | null } | null }>;
}

const P = { name: "pseudonym_id", type: "text", description: "pseudonym of the patient (P-XXXXXX); the same in every table" } as const;
const DAY = { name: "day", type: "integer", unit: "days", description: "days after the patient's day 0 (negative: before); no calendar dates are exported" } as const;

const TABLE_COLUMNS: Record<string, Column[]> = {
  patients: [
    P,
    { name: "age_years", type: "integer", unit: "years", description: "age in completed years on day 0" },
    { name: "day0", type: "text", codes: "first-loss; earliest-date; none", description: "what day 0 is: the first recorded loss, else the earliest recorded date" },
    { name: "n_losses", type: "integer", description: "recorded pregnancy losses" },
    { name: "n_live_births", type: "integer", description: "recorded live births" },
    { name: "n_ivf_transfers", type: "integer", description: "recorded IVF embryo transfers" },
    { name: "n_followups", type: "integer", description: "recorded follow-up results and outcomes" },
  ],
  losses: [
    P,
    { name: "loss", type: "integer", description: "1 = first loss as recorded" },
    DAY,
    { name: "gestational_week", type: "number", unit: "weeks", description: "completed weeks of gestation" },
    { name: "kind", type: "text", codes: "biochemical; clinical; ectopic; molar", description: "kind of loss" },
    { name: "embryo_karyotype", type: "text", codes: "normal; abnormal; failed; not-tested", description: "karyotype of the products of conception" },
    { name: "fetal_heart_activity_seen", type: "logical", description: "fetal heart activity seen before the loss" },
    { name: "treated_with", type: "text", codes: "therapy ids separated by ';'", description: "therapies given during that pregnancy" },
  ],
  workup_results: [
    P,
    { name: "test", type: "text", codes: "karyotype-female; karyotype-male; uterine-anatomy; lupus-anticoagulant; acl-igg; acl-igm; b2gpi-igg; b2gpi-igm; tsh; free-t4; tpo-ab; thrombophilia", description: "work-up investigation" },
    { name: "instance", type: "integer", description: "1, 2, ... for repeated antiphospholipid tests" },
    { name: "result", type: "text", codes: "normal; abnormal; positive; negative; or a thrombophilia code list separated by ';'", description: "qualitative result" },
    { name: "value", type: "number", description: "measured value (unit in `unit`)" },
    { name: "unit", type: "text", description: "unit of `value` as recorded" },
    { name: "reference_limit", type: "number", description: "laboratory 99th percentile or upper limit, same unit" },
    { name: "method", type: "text", codes: "3d-ultrasound; hysteroscopy; sonohysterography; mri; 2d-ultrasound", description: "method (uterine anatomy)" },
    DAY,
  ],
  immune_results: [
    P,
    { name: "marker", type: "text", codes: "peripheral-nk; nk-cytotoxicity; uterine-nk; th1-th2-ratio; tnf-il10-ratio; il33; sst2; ana; anti-paternal-antibodies; ifn-gamma; tnf-alpha; il4; il10; tgf-beta", description: "immune marker" },
    { name: "value", type: "number", description: "measured value (unit in `unit`)" },
    { name: "unit", type: "text", description: "unit of `value` as recorded" },
    { name: "result", type: "text", description: "qualitative result (ANA titre such as 1:160; positive/negative)" },
    { name: "lab_flag", type: "text", codes: "elevated; normal; low", description: "laboratory flag" },
    { name: "cycle_day", type: "integer", unit: "days", description: "cycle day of the endometrial biopsy (uterine NK)" },
    { name: "method", type: "text", codes: "cdc; flow-crossmatch", description: "method (anti-paternal antibodies)" },
    DAY,
  ],
  verdicts: [
    P,
    { name: "therapy", type: "text", description: "therapy id" },
    { name: "status", type: "text", codes: "recommended; protocol-eligible; premature; not-indicated; contraindicated", description: "Decidua's verdict for the patient on the export day" },
  ],
  plans: [
    P,
    { name: "therapy", type: "text", description: "therapy id" },
    { name: "protocol", type: "text", description: "protocol id" },
    { name: "plan_status", type: "text", codes: "scheduled; awaiting-result; continue; reconsider", description: "state of the plan" },
    { name: "n_steps", type: "integer", description: "planned steps (their dates are not exported)" },
  ],
  outcomes: [
    P,
    { name: "kind", type: "text", codes: "pregnancy; loss; live-birth; adverse-reaction; antibody-result", description: "follow-up result or outcome" },
    DAY,
    { name: "gestational_week", type: "number", unit: "weeks", description: "gestational week (loss, live birth)" },
    { name: "therapy", type: "text", description: "therapy (adverse reaction)" },
    { name: "severity", type: "text", codes: "mild; moderate; severe", description: "severity (adverse reaction)" },
    { name: "test", type: "text", codes: "anti-paternal-antibody; other", description: "antibody test" },
    { name: "value", type: "number", description: "antibody result value" },
    { name: "unit", type: "text", description: "unit of `value`" },
    { name: "positive", type: "logical", description: "antibody result positive" },
  ],
};

const n = (v: unknown): Cell => (typeof v === "number" && Number.isFinite(v) ? v : null);
const s = (v: unknown): Cell => (typeof v === "string" ? v : null);
const b = (v: unknown): Cell => (typeof v === "boolean" ? v : null);
const o = (v: unknown): Obj => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : {});
const a = (v: unknown): Obj[] => (Array.isArray(v) ? (v as unknown[]).map(o) : []);

export function researchTables(patients: readonly ResearchPatient[]): Record<string, Cell[][]> {
  const t: Record<string, Cell[][]> = { patients: [], losses: [], workup_results: [], immune_results: [], verdicts: [], plans: [], outcomes: [] };
  for (const p of patients) {
    const r = p.record;
    const id = p.pseudonymId;
    t.patients!.push([id, p.ageYears, p.day0, a(r.losses).length, a(r.liveBirths).length, a(o(r.ivf).transfers).length, p.followups.length]);
    a(r.losses).forEach((l, i) => t.losses!.push([id, i + 1, n(l.day), n(l.gestationalWeek), s(l.kind), s(o(l.embryoKaryotype).result), b(l.fetalHeartActivitySeen), Array.isArray(l.treatedWith) ? (l.treatedWith as unknown[]).filter((x) => typeof x === "string").join(";") : null]));
    const w = o(r.workup);
    const wrow = (test: string, inst: number, x: Obj, extra: { result?: Cell; limit?: Cell; method?: Cell; day?: Cell } = {}) =>
      t.workup_results!.push([id, test, inst, extra.result ?? s(x.result), n(x.value), s(x.unit), extra.limit ?? null, extra.method ?? null, extra.day ?? n(x.day)]);
    if (w.karyotypeFemale) wrow("karyotype-female", 1, o(w.karyotypeFemale));
    if (w.karyotypeMale) wrow("karyotype-male", 1, o(w.karyotypeMale));
    if (w.uterineAnatomy) wrow("uterine-anatomy", 1, o(w.uterineAnatomy), { method: s(o(w.uterineAnatomy).method) });
    a(w.antiphospholipid).forEach((test, i) => {
      if (test.lupusAnticoagulant !== undefined) wrow("lupus-anticoagulant", i + 1, {}, { result: s(test.lupusAnticoagulant), day: n(test.day) });
      for (const [k, code] of [["aclIgG", "acl-igg"], ["aclIgM", "acl-igm"], ["b2gpiIgG", "b2gpi-igg"], ["b2gpiIgM", "b2gpi-igm"]] as const) {
        if (test[k] !== undefined) wrow(code, i + 1, o(test[k]), { limit: n(o(test[k]).percentile99), day: n(o(test[k]).day) ?? n(test.day) });
      }
    });
    const th = o(w.thyroid);
    for (const [k, code] of [["tsh", "tsh"], ["freeT4", "free-t4"], ["tpoAb", "tpo-ab"]] as const) {
      if (th[k] !== undefined) wrow(code, 1, o(th[k]), { limit: n(o(th[k]).upperLimit), day: n(o(th[k]).day) ?? n(th.day) });
    }
    if (w.thrombophilia) {
      const tp = o(w.thrombophilia);
      const findings = Array.isArray(tp.findings) ? (tp.findings as unknown[]).filter((x) => typeof x === "string").join(";") : "";
      wrow("thrombophilia", 1, tp, { result: findings !== "" ? `${s(tp.result) ?? ""}:${findings}` : s(tp.result) });
    }
    const im = o(r.immune);
    const irow = (marker: string, x: Obj, extra: { result?: Cell; cycleDay?: Cell; method?: Cell } = {}) =>
      t.immune_results!.push([id, marker, n(x.value), s(x.unit), extra.result ?? null, s(x.labFlag), extra.cycleDay ?? null, extra.method ?? null, n(x.day)]);
    const markers: Array<[string, string]> = [["peripheralNk", "peripheral-nk"], ["nkCytotoxicity", "nk-cytotoxicity"], ["uterineNk", "uterine-nk"], ["th1Th2Ratio", "th1-th2-ratio"], ["tnfIl10Ratio", "tnf-il10-ratio"], ["il33", "il33"], ["sst2", "sst2"]];
    for (const [k, code] of markers) if (im[k] !== undefined) irow(code, o(im[k]), k === "uterineNk" ? { cycleDay: n(o(im[k]).cycleDay) } : {});
    if (im.ana !== undefined) irow("ana", o(im.ana), { result: s(o(im.ana).titre) });
    if (im.antiPaternalAntibodies !== undefined) irow("anti-paternal-antibodies", o(im.antiPaternalAntibodies), { result: s(o(im.antiPaternalAntibodies).result), method: s(o(im.antiPaternalAntibodies).method) });
    const cy = o(im.cytokines);
    for (const [k, code] of [["ifnGamma", "ifn-gamma"], ["tnfAlpha", "tnf-alpha"], ["il4", "il4"], ["il10", "il10"], ["tgfBeta", "tgf-beta"]] as const) if (cy[k] !== undefined) irow(code, o(cy[k]));
    for (const th2 of p.therapies) {
      t.verdicts!.push([id, th2.therapy, th2.status]);
      if (th2.plan !== null) t.plans!.push([id, th2.therapy, th2.plan.protocol, th2.plan.status, th2.plan.steps]);
    }
    for (const f of p.followups) t.outcomes!.push([id, s(f.kind), n(f.day), n(f.gestationalWeek), s(f.therapy), s(f.severity), s(f.test), n(f.value), s(f.unit), b(f.positive)]);
  }
  return t;
}

export function dataDictionary(): Cell[][] {
  const rows: Cell[][] = [];
  for (const [table, cols] of Object.entries(TABLE_COLUMNS)) for (const c of cols) rows.push([`${table}.csv`, c.name, c.type, c.unit ?? "", c.codes ?? "", c.description]);
  return rows;
}

export const R_SCRIPT = `# Reads a Decidua research export (unzipped into \`dir\`): one data frame per table, typed by the data dictionary.
# Usage: source("read_decidua.R"); d <- read_decidua("path/to/export"); str(d$losses)
read_decidua <- function(dir = ".") {
  dict <- utils::read.csv(file.path(dir, "data_dictionary.csv"), stringsAsFactors = FALSE, na.strings = "")
  tables <- unique(dict$file)
  out <- list()
  for (f in tables) {
    vars <- dict[dict$file == f, ]
    cls <- ifelse(vars$type == "integer", "integer", ifelse(vars$type == "number", "numeric", ifelse(vars$type == "logical", "logical", "character")))
    x <- utils::read.csv(file.path(dir, f), colClasses = stats::setNames(cls, vars$variable), stringsAsFactors = FALSE, na.strings = "")
    out[[sub("\\\\.csv$", "", f)]] <- x
  }
  out
}
`;

/** The zip: the seven tables, the data dictionary, the R reader and a short note. */
export function researchExportZip(patients: readonly ResearchPatient[]): Uint8Array {
  const tables = researchTables(patients);
  const files: Record<string, Uint8Array> = {};
  for (const [name, rows] of Object.entries(tables)) files[`${name}.csv`] = strToU8(toCsv(TABLE_COLUMNS[name]!.map((c) => c.name), rows));
  files["data_dictionary.csv"] = strToU8(toCsv(["file", "variable", "type", "unit", "codes", "description"], dataDictionary()));
  files["read_decidua.R"] = strToU8(R_SCRIPT);
  files["README.txt"] = strToU8(
    "Decidua research export. Pseudonymised: no names, no free text, no calendar dates.\r\n" +
      "Every 'day' is counted from the patient's day 0 (the first recorded loss; see patients.csv day0).\r\n" +
      "Tables join on pseudonym_id. Read them in R with: source('read_decidua.R'); d <- read_decidua('.')\r\n",
  );
  // a fixed time stamp: the archive itself carries no date either
  return zipSync(files, { level: 6, mtime: new Date(Date.UTC(1980, 0, 1)) });
}

export function patientsCsv(patients: readonly ResearchPatient[]): string {
  return toCsv(TABLE_COLUMNS.patients!.map((c) => c.name), researchTables(patients).patients!);
}
