/**
 * `decidua audit`: consistency audit of reported results (see docs/audit.md).
 *   decidua audit                      every published number in the evidence base (data/)
 *   decidua audit --text FILE          results found in a plain-text article
 *   decidua audit --json-input FILE    a JSON array of reported results
 *   decidua audit FILE                 FILE.json as --json-input, any other file as --text
 * Exit code: 0 when every result is consistent, 1 when any is flagged, 2 on bad input.
 */
import { readNotedText } from "../files.js";
import { existsSync } from "node:fs";
import type { Command } from "commander";
import { z } from "zod";
import { auditArticleText, auditEvidenceBase, auditPrismaFlows, auditReportedResult, ReportedResultSchema } from "../../evidence/audit/index.js";
import type { ReportedResultInput } from "../../evidence/audit/index.js";
import { defaultEvidenceDir, readEvidenceBase } from "../../evidence/load.js";
import { InputError } from "../../shared/errors.js";
import type { CliIO } from "../main.js";
import type { SetExit } from "./index.js";

const AuditCliSchema = z.object({
  text: z.string().min(1).optional(),
  jsonInput: z.string().min(1).optional(),
  data: z.string().min(1).optional(),
  json: z.boolean().optional(),
});

export interface AuditCliItem {
  quote: string;
  consistent: boolean;
  problems: string[];
  kind?: string;
  section?: string;
  where?: string;
  /** For effects read from a text: the numbers as read (measure, estimate, CI, Z, P, study counts). */
  reported?: ReportedResultInput;
}


/** How a reported result reads when it did not come from a text (the base, a JSON file). */
export function renderReported(r: ReportedResultInput): string {
  const parts: string[] = [];
  if (r.estimate !== undefined) parts.push(`${r.measure} ${String(r.estimate)}`);
  else parts.push(r.measure);
  if (r.ci_low !== undefined && r.ci_high !== undefined) parts.push(`(${r.level ?? 95}% CI ${String(r.ci_low)} to ${String(r.ci_high)})`);
  if (r.z !== undefined) parts.push(`Z = ${String(r.z)}`);
  if (r.p !== undefined) parts.push(typeof r.p === "object" ? `P ${r.p.relation} ${String(r.p.value)}` : /^[pP]/.test(String(r.p)) ? String(r.p) : `P = ${String(r.p)}`);
  if (r.k_stated !== undefined) parts.push(`studies stated: ${r.k_stated.join(", ")}`);
  return parts.join(", ").replace(", (", " (");
}

function parseJsonInput(file: string, text: string): ReportedResultInput[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new InputError(`not valid JSON: ${e instanceof Error ? e.message : String(e)}`, { file });
  }
  const list: unknown = Array.isArray(json) ? json : typeof json === "object" && json !== null && "results" in json ? (json as { results: unknown }).results : null;
  if (!Array.isArray(list)) throw new InputError("expected a JSON array of reported results (or {\"results\": [...]})", { file });
  if (list.length === 0) throw new InputError("no reported results in the file", { file });
  return list.map((entry: unknown, i: number) => {
    const r = ReportedResultSchema.safeParse(entry);
    if (!r.success) {
      const issue = r.error.issues[0];
      throw new InputError(issue?.message ?? "invalid reported result", { file, row: i + 1, field: issue?.path.join(".") });
    }
    return entry as ReportedResultInput;
  });
}

function printItems(io: CliIO, items: AuditCliItem[], json: boolean, extra: Record<string, unknown> = {}): number {
  const flagged = items.filter((i) => !i.consistent).length;
  if (json) {
    io.out(JSON.stringify({ results: items, summary: { total: items.length, consistent: items.length - flagged, flagged }, ...extra }, null, 2) + "\n");
  } else {
    for (const it of items) {
      io.out(`${it.consistent ? "ok      " : "FLAGGED "} ${it.where !== undefined ? `[${it.where}] ` : ""}${it.quote}\n`);
      for (const p of it.problems) io.out(`           - ${p}\n`);
    }
    io.out(`${items.length} result${items.length === 1 ? "" : "s"}: ${items.length - flagged} consistent, ${flagged} flagged\n`);
  }
  return flagged > 0 ? 1 : 0;
}

/** Registers the `audit` command. */
export function register(program: Command, io: CliIO, setExit: SetExit): void {
  program
    .command("audit")
    .argument("[file]", "an article (plain text) or a .json file of reported results; without it, the evidence base")
    .description("check that reported estimates, CIs, Z, P, counts, percentages and study counts agree (exit 1 when any result is flagged)")
    .option("--text <file>", "find and audit the results in a plain-text article")
    .option("--json-input <file>", "audit a JSON array of reported results")
    .option("--data <dir>", "evidence base directory (default: the repository's data/)")
    .option("--json", "print JSON: {results: [{quote, consistent, problems, ...}], summary}")
    .action(async (file: string | undefined, raw: Record<string, unknown>) => {
      if (file !== undefined) {
        if (raw["text"] !== undefined || raw["jsonInput"] !== undefined) throw new InputError("give the file either as an argument or with --text / --json-input", { file });
        if (file.toLowerCase().endsWith(".json")) raw["jsonInput"] = file;
        else raw["text"] = file;
      }
      const parsed = AuditCliSchema.safeParse(raw);
      if (!parsed.success) throw new InputError(parsed.error.issues[0]?.message ?? "bad option", { field: String(parsed.error.issues[0]?.path[0] ?? "") });
      const o = parsed.data;
      if (o.text !== undefined && o.jsonInput !== undefined) throw new InputError("give either --text or --json-input, not both", { field: "--text" });
      const json = o.json === true;
      if (o.text !== undefined) {
        const text = await readNotedText(o.text, io);
        const audit = auditArticleText(text);
        const items: AuditCliItem[] = audit.results.map((r) => ({
          quote: r.quote,
          consistent: r.consistent,
          problems: r.problems,
          kind: r.kind,
          section: r.section,
          ...(r.reported !== undefined ? { reported: r.reported } : {}),
        }));
        setExit(printItems(io, items, json, { file: o.text }));
        return;
      }
      if (o.jsonInput !== undefined) {
        const list = parseJsonInput(o.jsonInput, await readNotedText(o.jsonInput, io));
        const items: AuditCliItem[] = list.map((r, i) => {
          let a;
          try {
            a = auditReportedResult(r);
          } catch (e) {
            if (e instanceof InputError) throw new InputError(e.reason, { file: o.jsonInput, row: i + 1, field: e.location.field });
            throw e;
          }
          return { quote: renderReported(r), consistent: a.consistent, problems: a.problems, ...(r.label !== undefined ? { where: r.label } : {}) };
        });
        setExit(printItems(io, items, json, { file: o.jsonInput }));
        return;
      }
      const dir = o.data ?? defaultEvidenceDir();
      if (!existsSync(dir)) throw new InputError("no evidence-base directory here", { file: dir, field: "--data" });
      const { base, problems } = readEvidenceBase(dir);
      if (problems.length > 0) {
        io.err(`decidua: note: the evidence base in ${dir} has ${problems.length} validation problem${problems.length === 1 ? "" : "s"} (see \`decidua evidence validate\`); auditing the entries that passed\n`);
      }
      const entries = auditEvidenceBase(base);
      const items: AuditCliItem[] = [
        ...entries.map((e) => ({ quote: renderReported(e.reported), consistent: e.audit.consistent, problems: e.audit.problems, where: e.where })),
        ...auditPrismaFlows(base).map((f) => ({ quote: f.quote, consistent: f.consistent, problems: f.problems, where: f.where })),
      ];
      setExit(printItems(io, items, json, { data: dir }));
    });
}
