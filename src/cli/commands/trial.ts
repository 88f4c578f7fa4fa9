/**
 * `decidua trial2x2` (one trial's 2x2 table) and `decidua markers FILE` (continuous markers from a CSV):
 * thin adapters over src/stats/trial (see docs/trial-stats.md).
 */
import { readNotedText } from "../files.js";
import type { Command } from "commander";
import { csvTable } from "../csv-table.js";
import { z } from "zod";
import { InputError } from "../../shared/errors.js";
import { mannWhitneyU, pairedTTest, twoByTwo, welchTTest, wilcoxonSignedRank } from "../../stats/trial/index.js";
import type { TTestResult, TwoByTwoResult, WilcoxonResult } from "../../stats/trial/index.js";
import type { CliIO } from "../main.js";
import type { SetExit } from "./index.js";
import { registerTrialCommand } from "./trial-run.js";

/** A count as the CSV cells take it: a whole number, also written with an exponent (1e+06). */
const countOption = (flag: string) =>
  z
    .string({ message: "is required" })
    .regex(/^\s*[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*$/, { message: "must be a whole number" })
    .transform((s) => Number(s))
    .refine((n) => Number.isSafeInteger(n) && n >= 0, { message: "must be a whole number" })
    .describe(flag);

const TwoByTwoCliSchema = z.object({
  eventsT: countOption("--events-t"),
  totalT: countOption("--total-t"),
  eventsC: countOption("--events-c"),
  totalC: countOption("--total-c"),
  level: z
    .string()
    .regex(/^\d+(\.\d+)?$/, { message: "must be a number" })
    .transform(Number)
    .refine((v) => v > 0 && v < 100, { message: "must be between 0 and 100" })
    .optional(),
  json: z.boolean().optional(),
});

const FLAGS: Record<string, string> = { eventsT: "--events-t", totalT: "--total-t", eventsC: "--events-c", totalC: "--total-c", level: "--level" };

function fmt(v: number, d = 3): string {
  return Number.isFinite(v) ? v.toFixed(d) : String(v);
}
function fmtP(p: number): string {
  return p < 0.0001 ? p.toExponential(2) : p.toFixed(4);
}

function twoByTwoText(r: TwoByTwoResult): string {
  const { a, b, c, d } = r.table;
  const lines = [
    "Single-trial 2x2 table",
    `  treated  ${a}/${a + b} (${fmt(100 * r.riskT, 2)}%)`,
    `  control  ${c}/${c + d} (${fmt(100 * r.riskC, 2)}%)`,
    "",
    `  Odds ratio        ${fmt(r.oddsRatio.estimate)} (${r.level}% CI ${fmt(r.oddsRatio.ci_low)} to ${fmt(r.oddsRatio.ci_high)}), Wald z = ${fmt(r.oddsRatio.z, 2)}, P = ${fmtP(r.oddsRatio.p)}`,
    `  Risk ratio        ${fmt(r.riskRatio.estimate)} (${r.level}% CI ${fmt(r.riskRatio.ci_low)} to ${fmt(r.riskRatio.ci_high)}), Wald z = ${fmt(r.riskRatio.z, 2)}, P = ${fmtP(r.riskRatio.p)}`,
    `  Risk difference   ${fmt(r.riskDifference.estimate, 4)} (${r.level}% CI ${fmt(r.riskDifference.ci_low, 4)} to ${fmt(r.riskDifference.ci_high, 4)}), Wald z = ${fmt(r.riskDifference.z, 2)}, P = ${fmtP(r.riskDifference.p)}`,
    "",
    r.pearson ? `  Pearson chi-square         X2 = ${fmt(r.pearson.statistic, 4)}, df = 1, P = ${fmtP(r.pearson.p)}` : "  Pearson chi-square         undefined (empty row or column)",
    r.yates ? `  chi-square with Yates      X2 = ${fmt(r.yates.statistic, 4)}, df = 1, P = ${fmtP(r.yates.p)}` : "  chi-square with Yates      undefined",
    `  Fisher's exact test        P = ${fmtP(r.fisher.p)} (two-sided); conditional MLE OR ${fmt(r.fisher.conditionalOddsRatio)} (${r.level}% CI ${fmt(r.fisher.ci_low)} to ${fmt(r.fisher.ci_high)})`,
  ];
  for (const n of r.notes) lines.push(`  Note: ${n}`);
  return lines.join("\n") + "\n";
}

// ------------------------------------------------------------------------------------------------ markers

const MarkersCliSchema = z.object({
  group: z.string().min(1),
  value: z.string().min(1),
  pairedBy: z.string().min(1).optional(),
  json: z.boolean().optional(),
});

const MISSING = new Set(["", "na", "nan", "n/a", "."]);

interface GroupSummary {
  name: string;
  n: number;
  mean: number;
  sd: number;
  median: number;
}

function summary(name: string, v: number[]): GroupSummary {
  const n = v.length;
  const mean = v.reduce((s, x) => s + x, 0) / n;
  const sd = n > 1 ? Math.sqrt(v.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1)) : Number.NaN;
  const sorted = [...v].sort((p, q) => p - q);
  const median = n % 2 === 1 ? (sorted[(n - 1) / 2] ?? Number.NaN) : ((sorted[n / 2 - 1] ?? 0) + (sorted[n / 2] ?? 0)) / 2;
  return { name, n, mean, sd, median };
}

export interface MarkersResult {
  file: string;
  value: string;
  groups: [GroupSummary, GroupSummary];
  paired: boolean;
  /** Welch t (unpaired) or paired t; difference = first group minus second group. */
  tTest: TTestResult;
  /** Wilcoxon rank-sum (unpaired) or signed-rank (paired). */
  rankTest: WilcoxonResult;
  notes: string[];
}

/** Parse the markers CSV into the two groups' values (paired by id when asked). Throws InputError with file/row/field. */
export function markersFromCsv(file: string, text: string, opts: { group: string; value: string; pairedBy?: string }): MarkersResult {
  const { header, rows: records } = csvTable(file, text);
  const col = (name: string, flag: string): number => {
    const i = header.findIndex((h) => h === name);
    if (i < 0) throw new InputError(`no column "${name}" (named by ${flag}); columns are: ${header.join(", ")}`, { file, field: name });
    return i;
  };
  const gi = col(opts.group, "--group");
  const vi = col(opts.value, "--value");
  const pi = opts.pairedBy !== undefined ? col(opts.pairedBy, "--paired-by") : -1;
  const notes: string[] = [];
  const order: string[] = [];
  const rows: { group: string; value: number; id: string; row: number }[] = [];
  records.forEach((rec, i) => {
    const row = i + 2;
    const g = rec[gi] ?? "";
    const raw = rec[vi] ?? "";
    if (g === "") throw new InputError("empty group", { file, row, field: opts.group });
    if (MISSING.has(raw.toLowerCase())) {
      notes.push(`row ${row}: missing ${opts.value}, left out`);
      return;
    }
    const value = Number(raw);
    if (!/^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/.test(raw) || !Number.isFinite(value)) throw new InputError(`not a number: "${raw}"`, { file, row, field: opts.value });
    if (!order.includes(g)) order.push(g);
    const id = pi >= 0 ? (rec[pi] ?? "") : "";
    if (pi >= 0 && id === "") throw new InputError("empty pairing id", { file, row, field: opts.pairedBy });
    rows.push({ group: g, value, id, row });
  });
  if (order.length !== 2) {
    throw new InputError(`expected exactly two groups in "${opts.group}", found ${order.length}${order.length > 0 ? `: ${order.join(", ")}` : ""}`, { file, field: opts.group });
  }
  const [g1 = "", g2 = ""] = order;
  let x: number[];
  let y: number[];
  if (opts.pairedBy !== undefined) {
    const byId = new Map<string, { a?: number; b?: number }>();
    for (const r of rows) {
      const e = byId.get(r.id) ?? {};
      const side = r.group === g1 ? "a" : "b";
      if (e[side] !== undefined) throw new InputError(`id "${r.id}" has more than one value in group "${r.group}"`, { file, row: r.row, field: opts.pairedBy });
      e[side] = r.value;
      byId.set(r.id, e);
    }
    x = [];
    y = [];
    for (const [id, e] of byId) {
      if (e.a === undefined || e.b === undefined) {
        notes.push(`id "${id}" has no value in group "${e.a === undefined ? g1 : g2}", left out`);
        continue;
      }
      x.push(e.a);
      y.push(e.b);
    }
    if (x.length < 2) throw new InputError(`fewer than 2 complete pairs by "${opts.pairedBy}"`, { file, field: opts.pairedBy });
  } else {
    x = rows.filter((r) => r.group === g1).map((r) => r.value);
    y = rows.filter((r) => r.group === g2).map((r) => r.value);
  }
  const paired = opts.pairedBy !== undefined;
  return {
    file,
    value: opts.value,
    groups: [summary(g1, x), summary(g2, y)],
    paired,
    tTest: paired ? pairedTTest(x, y) : welchTTest(x, y),
    rankTest: paired ? wilcoxonSignedRank(x, y) : mannWhitneyU(x, y),
    notes,
  };
}

function markersText(r: MarkersResult): string {
  const [a, b] = r.groups;
  const lines = [
    `${r.value} by group (${r.paired ? "paired" : "independent groups"}), difference = ${a.name} - ${b.name}`,
    ...r.groups.map((g) => `  ${g.name.padEnd(12)} n = ${g.n}, mean ${fmt(g.mean)}, SD ${fmt(g.sd)}, median ${fmt(g.median)}`),
    `  ${r.tTest.method}: t = ${fmt(r.tTest.statistic)}, df = ${fmt(r.tTest.df, 2)}, P = ${fmtP(r.tTest.p)}; difference ${fmt(r.tTest.estimate)} (${r.tTest.level}% CI ${fmt(r.tTest.ci_low)} to ${fmt(r.tTest.ci_high)})`,
    `  ${r.rankTest.method}: ${r.paired ? "V" : "W"} = ${r.rankTest.statistic}, P = ${fmtP(r.rankTest.p)}`,
  ];
  for (const n of [...r.rankTest.notes, ...r.notes]) lines.push(`  Note: ${n}`);
  return lines.join("\n") + "\n";
}

/** Registers `trial2x2`, `markers` and `trial` (allocation-table, analyse). */
export function register(program: Command, io: CliIO, setExit: SetExit): void {
  registerTrialCommand(program, io, setExit);
  program
    .command("trial2x2")
    .description("one trial's 2x2 table: OR, RR, RD with Wald CI; Pearson chi-square with and without Yates; Fisher's exact test")
    .option("--events-t <n>", "events in the treated arm")
    .option("--total-t <n>", "participants in the treated arm")
    .option("--events-c <n>", "events in the control arm")
    .option("--total-c <n>", "participants in the control arm")
    .option("--level <percent>", "confidence level in percent (default 95)")
    .option("--json", "print JSON")
    .action((raw: Record<string, unknown>) => {
      const parsed = TwoByTwoCliSchema.safeParse(raw);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const key = String(issue?.path[0] ?? "");
        throw new InputError(issue?.message ?? "bad value", { field: FLAGS[key] ?? key });
      }
      const o = parsed.data;
      let result: TwoByTwoResult;
      try {
        result = twoByTwo({ eventsT: o.eventsT, totalT: o.totalT, eventsC: o.eventsC, totalC: o.totalC, level: o.level ?? 95 });
      } catch (e) {
        if (e instanceof InputError) throw new InputError(e.reason, { field: FLAGS[e.location.field ?? ""] ?? e.location.field });
        throw e;
      }
      io.out(o.json === true ? JSON.stringify(result, null, 2) + "\n" : twoByTwoText(result));
      setExit(0);
    });

  program
    .command("markers")
    .argument("<file>", "CSV with a header row")
    .description("continuous markers in two groups: Welch t and Mann-Whitney U, or with --paired-by the paired t and Wilcoxon signed-rank tests")
    .option("--group <column>", "column naming the group (exactly two values)")
    .option("--value <column>", "column with the marker's value")
    .option("--paired-by <column>", "column with the id that pairs the two groups' rows (e.g. patient id for pre/post)")
    .option("--json", "print JSON")
    .action(async (file: string, raw: Record<string, unknown>) => {
      const parsed = MarkersCliSchema.safeParse(raw);
      if (!parsed.success) {
        const key = String(parsed.error.issues[0]?.path[0] ?? "");
        throw new InputError("is required", { field: key === "pairedBy" ? "--paired-by" : `--${key}` });
      }
      const text = await readNotedText(file, io);
      const o = parsed.data;
      const result = markersFromCsv(file, text, { group: o.group, value: o.value, ...(o.pairedBy !== undefined ? { pairedBy: o.pairedBy } : {}) });
      io.out(o.json === true ? JSON.stringify(result, null, 2) + "\n" : markersText(result));
      setExit(0);
    });
}
