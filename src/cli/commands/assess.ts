import { decodeText } from "../../shared/text-encoding.js";
import { readFileSync, writeFileSync } from "node:fs";
import type { Command } from "commander";
import { z } from "zod";
import { assessRecord, type Assessment } from "../../clinical/assess.js";
import { bundleToRecord, type FhirImport } from "../../interop/fhir/import.js";
import { makeCodeMap } from "../../interop/fhir/codes.js";
import { assessmentToBundle } from "../../interop/fhir/export.js";
import { makeClinicConfig } from "../../clinical/config.js";
import { checkPlanStart } from "../../clinical/protocols.js";
import type { EvidenceLookup } from "../../clinical/evidence.js";
import { evidenceLookupFromBase } from "../../clinical/evidence-base.js";
import { loadDefaultEvidenceBase } from "../../evidence/load.js";
import { parsePatientRecord, patientRecordJsonSchema } from "../../clinical/record.js";
import { verdictDigest } from "../../clinical/digest.js";
import { InputError } from "../../shared/errors.js";
import { THERAPY_IDS } from "../../shared/therapy-ids.js";
import { parseJsonText } from "../files.js";
import { outcomesNotInRecord, parseFollowupList, recordWithFollowups } from "../../app/followups.js";
import type { CliIO } from "../main.js";
import type { SetExit } from "./index.js";

const DateOption = z.iso.date({ error: "must be a date written YYYY-MM-DD" });

/** A file named by an option (--clinic, --fhir-codes, --fhir-out, --followups). */
const FileOption = z.string().optional();

const AssessOptionsSchema = z.object({
  json: z.boolean().optional(),
  plan: DateOption.optional(),
  lmp: DateOption.optional(),
  today: DateOption.optional(),
  clinic: FileOption,
  schema: z.boolean().optional(),
  fhirCodes: FileOption,
  fhirOut: FileOption,
  followups: FileOption,
  patient: z.string().min(1).max(200).optional(),
});

function readJson(file: string, what: string): unknown {
  let text: string;
  try {
    // a JSON file saved with a byte-order mark (Windows editors) or in UTF-16 reads as its text
    text = decodeText(new Uint8Array(readFileSync(file))).text;
  } catch (e) {
    throw new InputError(`cannot read ${what}: ${e instanceof Error ? e.message : String(e)}`, { file });
  }
  return parseJsonText(file, text);
}

/**
 * The JSON printed by `decidua assess --json`: the assessment as the core made it, with `patientId` always present
 * and the work-up at the top level (the command's documented output; it is the diagnosis's own list).
 */
export function assessmentJson(a: Assessment): unknown {
  return { patientId: a.patientId ?? null, ...a, workup: a.diagnosis.workup };
}

function text(a: Assessment): string {
  const lines: string[] = [];
  lines.push(`Assessment${a.patientId !== undefined ? ` of ${a.patientId}` : ""} on ${a.today} (${a.clinicConfig})`, "");
  for (const w of a.warnings) lines.push(`Warning: ${w}`);
  if (a.warnings.length > 0) lines.push("");
  lines.push("Clinician view:", ...a.clinicianSummary.map((l) => `  ${l}`), "");
  lines.push("Verdicts (status, why, evidence certainty, guideline positions):");
  for (const t of THERAPY_IDS) {
    const v = a.therapies[t];
    lines.push(`  ${v.name}: ${v.status} · ${verdictDigest(v)}`);
  }
  lines.push("");
  for (const t of THERAPY_IDS) {
    const v = a.therapies[t];
    if (v.missing.length > 0) lines.push(`  ${v.name} – missing: ${v.missing.map((m) => m.label).join("; ")}`);
    if (v.plan !== null) {
      lines.push(`  ${v.name} – plan (${v.plan.status}): ${v.plan.statusNote}`);
      for (const s of v.plan.steps) lines.push(`    ${s.date ?? "(undated)"}${s.provisional === true ? "*" : ""}  ${s.label}${s.dose !== undefined ? ` – ${s.dose.text}` : ""}${s.status !== "scheduled" ? ` [${s.status}]` : ""}`);
    }
  }
  if (THERAPY_IDS.some((t) => a.therapies[t].plan?.steps.some((s) => s.provisional === true) === true)) lines.push("  * provisional: dated from the assumed conception cycle (--lmp)");
  lines.push("", "For the patient:", ...a.patientSummary.map((l) => `  ${l}`), "");
  return lines.join("\n");
}

function makeCodeMapFrom(file: string) {
  try {
    return makeCodeMap(readJson(file, "FHIR code map"));
  } catch (e) {
    if (e instanceof InputError) throw e;
    const issue = (e as { issues?: { path: PropertyKey[]; message: string }[] }).issues?.[0];
    throw new InputError(`invalid code map: ${issue?.message ?? String(e)}`, { file, field: issue?.path.map(String).join(".") ?? "" });
  }
}

function importText(imp: FhirImport): string {
  const lines = [`Read from a FHIR R4 Bundle: ${imp.patient.fhirId}, ${imp.resourceCount} resources.`];
  for (const w of imp.warnings) lines.push(`Warning: ${w}`);
  if (imp.unmapped.length > 0) {
    lines.push(`Not read into the record (${imp.unmapped.length}):`);
    for (const u of imp.unmapped) lines.push(`  ${u.resource}  ${u.code}  – ${u.reason}`);
  }
  return `${lines.join("\n")}\n\n`;
}

/** Registers `decidua assess FILE [--json] [--plan START_DATE]`. */
export function register(program: Command, io: CliIO, setExit: SetExit): void {
  program
    .command("assess")
    .description("Assess a patient record (JSON): diagnosis, work-up, immune findings and a verdict per immunotherapy")
    .argument("[file]", "patient record (JSON; see schemas/patient-record.schema.json)")
    .option("--json", "print the assessment as JSON")
    .option("--plan <start>", "build dated plans from this start date (YYYY-MM-DD) for recommended / protocol-eligible therapies")
    .option("--lmp <date>", "with --plan: first day of the planned conception cycle, to date pregnancy steps provisionally")
    .option("--today <date>", "assessment date (YYYY-MM-DD); defaults to today's date")
    .option("--clinic <file>", "clinic configuration (JSON) overriding the default cut-offs")
    .option("--schema", "print the patient record's JSON Schema and exit")
    .option("--fhir-codes <file>", "with a FHIR Bundle: the clinic's local codes (JSON code map, see docs/interop.md)")
    .option("--patient <id>", "with a FHIR Bundle holding more than one Patient (her partner's too): the id of the one to assess")
    .option("--followups <file>", "follow-up results and outcomes (JSON array, as POST /api/patients/:id/followups takes them): anti-paternal antibody results update the LIT plan")
    .option("--fhir-out <file>", "also write the assessment as a FHIR R4 Bundle (GuidanceResponse, DetectedIssue, CarePlan, DocumentReference)")
    .action((file: string | undefined, rawOpts: unknown) => {
      const parsed = AssessOptionsSchema.safeParse(rawOpts);
      if (!parsed.success) {
        const i = parsed.error.issues[0];
        throw new InputError(i?.message ?? "invalid option", { field: `--${String(i?.path[0] ?? "")}` });
      }
      const opts = parsed.data;
      if (opts.schema === true) {
        io.out(`${JSON.stringify(patientRecordJsonSchema(), null, 2)}\n`);
        return;
      }
      if (file === undefined) {
        io.err("decidua assess: a patient record file is required\n");
        setExit(2);
        return;
      }
      const config = opts.clinic !== undefined ? makeClinicConfig(readJson(opts.clinic, "clinic configuration"), opts.clinic) : undefined;
      const today = opts.today ?? new Date().toISOString().slice(0, 10);
      // follow-ups are read into the record as the server reads a stored patient's (app/followups.ts)
      const followups = opts.followups !== undefined ? parseFollowupList(readJson(opts.followups, "follow-ups"), today, opts.followups) : [];
      // the plan's start checked as the command line names it (the plan itself checks it again as startDate)
      if (opts.plan !== undefined) checkPlanStart(opts.plan, today, "--plan");
      const raw = readJson(file, "patient record");
      let evidence: EvidenceLookup | undefined;
      try {
        evidence = evidenceLookupFromBase(loadDefaultEvidenceBase());
      } catch (e) {
        io.err(`decidua assess: warning: the evidence base could not be loaded (${e instanceof Error ? e.message.split("\n")[0] : String(e)}); verdicts are given without evidence summaries\n`);
      }
      const assessOpts = {
        today,
        file,
        ...(evidence !== undefined ? { evidence } : {}),
        ...(config !== undefined ? { config } : {}),
        ...(opts.plan !== undefined ? { planStart: opts.plan } : {}),
        ...(opts.lmp !== undefined ? { assumedLmp: opts.lmp } : {}),
      };
      // a FHIR R4 Bundle (an EHR export) is mapped to the record first; a Decidua record is assessed as it is
      // a single FHIR resource (a Patient read from the EHR) is mapped as bundleToRecord maps one
      const isBundle = typeof raw === "object" && raw !== null && typeof (raw as { resourceType?: unknown }).resourceType === "string";
      if (isBundle && opts.followups !== undefined) throw new InputError("a FHIR Bundle carries its own results: --followups goes with a Decidua record", { field: "--followups" });
      if (!isBundle && opts.patient !== undefined) throw new InputError("--patient names a Patient of a FHIR Bundle; a Decidua record is one patient's", { field: "--patient" });
      const record = isBundle ? raw : recordWithFollowups(raw, followups);
      let imp: FhirImport | undefined;
      if (isBundle) {
        const codeMap = opts.fhirCodes !== undefined ? makeCodeMapFrom(opts.fhirCodes) : undefined;
        imp = bundleToRecord(record, { today, file, ...(codeMap !== undefined ? { codeMap } : {}), ...(opts.patient !== undefined ? { patientId: opts.patient } : {}) });
      }
      // the record read once: assessed, and compared with the outcomes its follow-ups report
      const normalised = imp !== undefined ? imp.normalised : parsePatientRecord(record, file);
      const a = assessRecord(normalised, assessOpts);
      if (imp === undefined) a.warnings.push(...outcomesNotInRecord(normalised, followups));
      if (opts.fhirOut !== undefined) {
        const b = assessmentToBundle(a, { patientReference: `Patient/${imp?.patient.fhirId ?? a.patientId ?? "unknown"}`, now: new Date().toISOString(), evidenceVersion: evidence !== undefined ? "data/ (bundled)" : "none" });
        try {
          writeFileSync(opts.fhirOut, `${JSON.stringify(b, null, 2)}\n`);
        } catch (e) {
          const code = (e as { code?: string }).code;
          throw new InputError(`cannot write ${opts.fhirOut} (${code === "ENOENT" ? "no such directory" : code === "EISDIR" ? "it is a directory" : (code ?? String(e))})`, { field: "--fhir-out" });
        }
      }
      if (opts.json === true) {
        const out = assessmentJson(a) as Record<string, unknown>;
        if (imp !== undefined) out.fhirImport = { patient: imp.patient, resourceCount: imp.resourceCount, unmapped: imp.unmapped, warnings: imp.warnings, record: imp.record };
        io.out(`${JSON.stringify(out, null, 2)}\n`);
      } else {
        io.out(`${imp !== undefined ? importText(imp) : ""}${text(a)}`);
      }
    });
}
