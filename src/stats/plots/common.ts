/**
 * Validation and naming shared by the meta-analysis plots.
 */
import { z } from "zod";
import { InputError } from "../../shared/errors.js";
import { MetaResultSchema, type Measure, type MetaResult, type Method } from "../types.js";

/** Parses `value` with `schema`, turning the first problem into an InputError that names the field. */
export function parseOrInputError<S extends z.ZodType>(schema: S, value: unknown, what: string, file?: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue !== undefined && issue.path.length > 0 ? issue.path.map(String).join(".") : undefined;
  const loc: { file?: string; field?: string } = {};
  if (file !== undefined) loc.file = file;
  if (field !== undefined) loc.field = field;
  throw new InputError(`invalid ${what}: ${issue?.message ?? "does not match the schema"}`, loc);
}

/** Validates a meta-analysis result handed to a plot (it may come from a JSON file). */
export function parseMetaResult(result: unknown): MetaResult {
  return parseOrInputError(MetaResultSchema, result, "meta-analysis result");
}

/** RevMan's name of the effect measure. */
export function measureName(measure: Measure, method: Method): string {
  switch (measure) {
    case "OR":
      return method === "PETO" ? "Peto Odds Ratio" : "Odds Ratio";
    case "RR":
      return "Risk Ratio";
    case "RD":
      return "Risk Difference";
    case "MD":
      return "Mean Difference";
    case "SMD":
      return "Std. Mean Difference";
    case "GEN":
      return "Estimate";
  }
}

/** RevMan's method abbreviation. */
export function methodName(method: Method): string {
  return method === "MH" ? "M-H" : method === "PETO" ? "Peto" : "IV";
}

/** "M-H, Fixed, 95% CI". */
export function methodText(result: Pick<MetaResult, "method" | "model" | "level">): string {
  const model = result.model === "fixed" ? "Fixed" : "Random";
  const level = Number(result.level.toPrecision(6));
  return `${methodName(result.method)}, ${model}, ${level}% CI`;
}
