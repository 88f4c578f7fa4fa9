/**
 * The option plumbing the analysis commands share (nma, tsa): flags validated by a zod schema with errors naming
 * the flag as typed, engine errors re-labelled with flag names, and plot outputs (the SVG, and a PNG beside it with
 * --png) checked before any work and collected for writing all-or-nothing.
 */
import { z } from "zod";
import { InputError, isInputError } from "../shared/errors.js";
import { svgToPng } from "../stats/plots/png.js";
import { checkWritablePath, outputNotes, writeAllFiles, type OutputFile } from "./files.js";
import type { CliIO } from "./main.js";
import type { SetExit } from "./commands/index.js";

/** Option name (as the engine and commander spell it) to the flag a user types, e.g. controlRisk -> --control-risk. */
export type FlagNames = Readonly<Record<string, string>>;

/** The flag of each option of a command's schema: its name in kebab case (commander's camel case undone). */
export function flagNamesOf(schema: z.ZodObject): FlagNames {
  return Object.fromEntries(Object.keys(schema.shape).map((k) => [k, `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`]));
}

/** A string option matched in upper case (--measure or) lower case (--model random). */
export const upperCase = <T extends z.ZodType>(s: T) => z.preprocess((v) => (typeof v === "string" ? v.toUpperCase() : v), s);
export const lowerCase = <T extends z.ZodType>(s: T) => z.preprocess((v) => (typeof v === "string" ? v.toLowerCase() : v), s);

/** The output options every analysis command has: --json, --png (beside each SVG) and --title (of the plots). */
export const OUTPUT_FLAGS = {
  json: z.boolean().optional(),
  png: z.boolean().optional(),
  title: z.string().min(1).optional(),
};

/** What an analysis command prints: the summary or JSON, and the notes (ignored columns, files written). */
export interface CommandOutput {
  stdout: string;
  stderr: string;
}

/** Writes the plot files (all or nothing, after everything was computed) and returns the output with its notes. */
export async function finishOutput(stdout: string, ignored: readonly string[], files: OutputFile[], warnings: readonly string[] = []): Promise<CommandOutput> {
  await writeAllFiles(files);
  return { stdout, stderr: outputNotes(ignored, files, warnings) };
}

/** A command's commander action: run it on the file, print its output and notes, exit 0 (errors: the caller's handler). */
export function printingAction(io: CliIO, setExit: SetExit, run: (file: string, raw: Record<string, unknown>) => Promise<CommandOutput>) {
  return async (file: string, raw: Record<string, unknown>): Promise<void> => {
    const { stdout, stderr } = await run(file, raw);
    io.out(stdout);
    if (stderr !== "") io.err(stderr);
    setExit(0);
  };
}

/** A path option that must name an .svg file. */
export const svgPathSchema = z
  .string()
  .min(1)
  .refine((p) => p.toLowerCase().endsWith(".svg"), { message: "must name an .svg file" });

/** Parses commander's raw options with the schema; the first problem becomes an InputError naming the flag. */
export function parseFlags<S extends z.ZodType>(schema: S, raw: Record<string, unknown>, flags: FlagNames): z.output<S> {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const key = String(issue?.path[0] ?? "");
  const why = issue?.code === "invalid_value" ? `"${String(raw[key])}" is not one of ${issue.values.map(String).join(", ")}` : (issue?.message ?? "bad value");
  throw new InputError(why, { field: flags[key] ?? key });
}

/**
 * An engine's InputError with its field named as the flag (measure -> --measure). With `file`: errors that name no
 * file get it (errors that already name one, from reading the file, are returned as they are).
 */
export function withFlagNames(e: unknown, flags: FlagNames, file?: string): unknown {
  if (!isInputError(e)) return e;
  if (file !== undefined && e.location.file !== undefined) return e;
  const field = e.location.field;
  const flag = field === undefined ? undefined : flags[field];
  if (file === undefined && flag === undefined) return e;
  return new InputError(e.reason, { ...e.location, ...(file !== undefined ? { file } : {}), ...(flag !== undefined ? { field: flag } : {}) });
}

/** The PNG written beside an SVG with --png. */
function pngBeside(svgPath: string): string {
  return svgPath.replace(/\.svg$/i, ".png");
}

/** Checks, before any work, that every plot path given (and its PNG with --png) can be written. */
export async function checkPlotPaths(plots: readonly (readonly [path: string | undefined, flag: string])[], png: boolean): Promise<void> {
  for (const [path, flag] of plots) {
    if (path === undefined) continue;
    await checkWritablePath(path, flag);
    if (png) await checkWritablePath(pngBeside(path), flag);
  }
}

/** The output files of one plot: the SVG, and with --png the PNG rendered from it. */
export function plotFiles(path: string, svg: string, png: boolean): OutputFile[] {
  return png ? [{ path, content: svg }, { path: pngBeside(path), content: svgToPng(svg) }] : [{ path, content: svg }];
}
