/**
 * `decidua screening check FILE...`: reads search exports (RIS, PubMed MEDLINE, PubMed XML, CSV with --map),
 * reports the records per file and the duplicates across files per rule; `--to-ris OUT` writes every record as RIS
 * (e.g. to convert a labelled CSV to RIS). Bad input: the file, record, line and field, exit code 2, nothing written.
 */
import { readNotedText, writeAllFiles } from "../files.js";
import { basename } from "node:path";
import type { Command } from "commander";
import { z } from "zod";
import { type BibRecord, type CsvMapping, CsvMappingSchema, deduplicate, guessFormat, IMPORT_FORMATS, type ImportFormat, readSearchExport, recordsToRis } from "../../screening/index.js";
import { InputError } from "../../shared/errors.js";
import type { CliIO } from "../main.js";
import type { SetExit } from "./index.js";

const OptionsSchema = z.object({
  format: z.enum(IMPORT_FORMATS).optional(),
  map: z.string().optional(),
  toRis: z.string().min(1).optional(),
  json: z.boolean().optional(),
});

/** "title=Title,abstract=Abstract" → { title: "Title", abstract: "Abstract" } */
function parseMap(s: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of s.split(",")) {
    const eq = part.indexOf("=");
    if (eq <= 0) throw new InputError(`--map: "${part}" is not key=column`, { field: "--map" });
    out[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return out;
}

export function register(program: Command, io: CliIO, _setExit: SetExit): void {
  const screening = program.command("screening").description("study selection: check search exports before importing them");
  screening
    .command("check")
    .argument("<files...>", "search exports (.ris, .nbib/.txt MEDLINE, PubMed .xml, .csv: columns by their names, or --map)")
    .option("--format <format>", `one of ${IMPORT_FORMATS.join(", ")} (default: recognised per file)`)
    .option("--map <mapping>", "CSV column mapping, e.g. title=Title,abstract=Abstract,authors=Authors,year=Year,doi=DOI,pmid=PMID")
    .option("--to-ris <file>", "write every record of every file as RIS")
    .option("--json", "print JSON")
    .action(async (files: string[], raw: Record<string, unknown>) => {
      const parsed = OptionsSchema.safeParse(raw);
      if (!parsed.success) throw new InputError(parsed.error.issues[0]?.message ?? "bad option", { field: `--${String(parsed.error.issues[0]?.path[0] ?? "")}` });
      const o = parsed.data;
      let mapping: CsvMapping | undefined;
      if (o.map !== undefined) {
        const m = CsvMappingSchema.safeParse(parseMap(o.map));
        if (!m.success) throw new InputError(`--map: ${m.error.issues[0]?.message ?? "invalid"} (${m.error.issues[0]?.path.join(".") ?? ""})`, { field: "--map" });
        mapping = m.data;
      }
      const perFile: Array<{ file: string; format: ImportFormat; records: BibRecord[]; columns?: string }> = [];
      for (const file of files) {
        const text = await readNotedText(file, io);
        const name = basename(file);
        const format = o.format ?? guessFormat(name, text);
        if (format === null) throw new InputError("cannot tell the format; give --format", { file: name, field: "--format" });
        // a CSV without --map: the columns its header names (said in the summary, to check)
        const { records, columns } = readSearchExport(format, text, name, mapping);
        perFile.push({ file: name, format, records, ...(columns !== undefined ? { columns } : {}) });
      }
      const all = perFile.flatMap((f) => f.records.map((r) => ({ ...r, id: `${f.file}#${r.sourceIndex}` })));
      const d = deduplicate(all);
      // a directory that does not exist is a located error (exit 2), and no half-written file is left
      if (o.toRis !== undefined) await writeAllFiles([{ path: o.toRis, content: recordsToRis(all) }]);
      const summary = {
        files: perFile.map((f) => ({ file: f.file, format: f.format, records: f.records.length, ...(f.columns !== undefined ? { columns: f.columns } : {}) })),
        records: all.length,
        duplicatesRemoved: d.removedByRule,
        unique: d.unique.length,
        uncertainPairs: d.uncertain.map((u) => ({ a: u.a, b: u.b, reason: u.reason, similarity: u.similarity })),
      };
      if (o.json === true) {
        io.out(JSON.stringify(summary, null, 2) + "\n");
        return;
      }
      for (const f of summary.files) io.out(`${f.file} (${f.format}): ${f.records} records${f.columns !== undefined ? ` (columns by their names: ${f.columns}; --map to choose others)` : ""}\n`);
      io.out(`duplicates: ${d.removedByRule.pmid} by PMID, ${d.removedByRule.doi} by DOI, ${d.removedByRule.title_year_author} by title + year + first author; ${d.unique.length} records to screen; ${d.uncertain.length} uncertain pair(s) for review\n`);
      if (o.toRis !== undefined) io.out(`wrote ${all.length} records to ${o.toRis}\n`);
    });
}
