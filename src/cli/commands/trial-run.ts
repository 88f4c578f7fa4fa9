/**
 * `decidua trial allocation-table` (offline, REDCap-compatible allocation table) and `decidua trial analyse FILE`
 * (a finished trial's participant file): thin adapters over src/trials; the generator is the HMAC-DRBG of
 * src/store/drbg.ts seeded with --seed and the stratum.
 */
import type { Command } from "commander";
import { csvTable } from "../csv-table.js";
import { parseJsonText, readNotedText } from "../files.js";
import { InputError } from "../../shared/errors.js";
import { HmacDrbg } from "../../store/drbg.js";
import { analyseByStratum, analyseMarkers, analysePrimary, compareBaselineWithReference, type PrimaryAnalysis } from "../../trials/analysis.js";
import { evidenceDraft } from "../../trials/evidence.js";
import { participantsFromRows } from "../../trials/participants.js";
import { sampleSizeTwoMeans, sampleSizeTwoProportions } from "../../trials/sampleSize.js";
import { parseProtocol } from "../../trials/protocol.js";
import { allocationTable, allocationTableCsv, type StratumFactor } from "../../trials/randomisation.js";
import type { CliIO } from "../main.js";
import type { SetExit } from "./index.js";

/** "ana=positive,negative;age=under35,35plus" (and repeated --strata) → factors. */
export function parseStrataOption(values: readonly string[]): StratumFactor[] {
  const factors: StratumFactor[] = [];
  for (const v of values)
    for (const part of v.split(";")) {
      const s = part.trim();
      if (s === "") continue;
      const m = /^([^=,;]+)=(.+)$/.exec(s);
      if (m === null) throw new InputError(`"${s}" is not name=level1,level2`, { field: "--strata" });
      const id = (m[1] ?? "").trim();
      const levels = (m[2] ?? "").split(",").map((l) => l.trim());
      if (levels.some((l) => l === "" || /[=;"]/.test(l))) throw new InputError(`factor "${id}": a level is empty or contains = ; or a quote`, { field: "--strata" });
      if (factors.some((f) => f.id === id)) throw new InputError(`factor "${id}" is given twice`, { field: "--strata" });
      factors.push({ id, levels });
    }
  return factors;
}

function intList(raw: string, flag: string, sep: RegExp): number[] {
  const parts = raw.split(sep).map((s) => s.trim());
  if (parts.some((p) => !/^\d+$/.test(p))) throw new InputError(`"${raw}" is not a list of whole numbers`, { field: flag });
  return parts.map(Number);
}

interface AllocationOptions {
  arms?: string;
  ratio?: string;
  strata?: string[];
  blocks?: string;
  n?: string;
  seed?: string;
  kits?: boolean;
}

function allocationTableCommand(o: AllocationOptions): string {
  if (o.arms === undefined) throw new InputError("is required (e.g. --arms tacrolimus,placebo)", { field: "--arms" });
  if (o.n === undefined) throw new InputError("is required (rows per stratum)", { field: "--n" });
  if (o.seed === undefined || o.seed === "") throw new InputError("is required (the same seed gives the same table)", { field: "--seed" });
  const arms = o.arms.split(",").map((a) => a.trim());
  const ratio = o.ratio !== undefined ? intList(o.ratio, "--ratio", /:/) : arms.map(() => 1);
  if (ratio.length !== arms.length) throw new InputError(`${ratio.length} ratio parts for ${arms.length} arms`, { field: "--ratio" });
  const unit = ratio.reduce((s, r) => s + r, 0);
  const blockSizes = o.blocks !== undefined ? intList(o.blocks, "--blocks", /,/) : [2 * unit, 3 * unit];
  if (!/^\d+$/.test(o.n.trim())) throw new InputError(`"${o.n}" is not a whole number`, { field: "--n" });
  const strata = parseStrataOption(o.strata ?? []);
  const seed = o.seed;
  try {
    const rows = allocationTable(
      { arms, ratio, strata, blockSizes, perStratum: Number(o.n), kits: o.kits === true },
      (stratum) => new HmacDrbg(seed, `decidua allocation table|${stratum}`),
    );
    return allocationTableCsv(rows);
  } catch (e) {
    if (e instanceof InputError && e.location.field !== undefined && !e.location.field.startsWith("--")) throw new InputError(e.reason, { field: `--${e.location.field}` });
    throw e;
  }
}

interface AnalyseOptions {
  arm?: string;
  outcome?: string;
  strata?: string;
  pre?: string;
  post?: string;
  perProtocol?: string;
  id?: string;
  treatment?: string;
  reference?: string;
  json?: boolean;
}

function fmt(v: number | null | undefined, d = 3): string {
  return v === null || v === undefined ? "NA" : Number.isFinite(v) ? v.toFixed(d) : String(v);
}
function fmtP(p: number | null | undefined): string {
  return p === null || p === undefined ? "NA" : p < 0.0001 ? p.toExponential(2) : p.toFixed(4);
}

function primaryJson(a: PrimaryAnalysis) {
  return { set: a.set, treatment: a.treatment, control: a.control, ...a.summary, notes: a.notes };
}


export function analyseCsv(file: string, text: string, o: AnalyseOptions): { json: Record<string, unknown>; text: string; arms: { treatment: string; control: string }; itt: PrimaryAnalysis; pp: PrimaryAnalysis | null } {
  if (o.arm === undefined) throw new InputError("is required (the column with the arm)", { field: "--arm" });
  if (o.outcome === undefined) throw new InputError("is required (the column with the primary outcome)", { field: "--outcome" });
  const { header, rows } = csvTable(file, text);
  const t = participantsFromRows(header, rows, { arm: o.arm, outcome: o.outcome, strata: o.strata, pre: o.pre, post: o.post, perProtocol: o.perProtocol, id: o.id, treatment: o.treatment, reference: o.reference }, file);
  const arms = { treatment: t.treatment, control: t.control };
  const itt = analysePrimary(t.participants, arms, "itt");
  const pp = o.perProtocol !== undefined ? analysePrimary(t.participants, arms, "per-protocol") : null;
  const strata = o.strata !== undefined ? analyseByStratum(t.participants, arms) : null;
  const markers = o.pre !== undefined ? analyseMarkers(t.participants, arms) : null;
  const baseline = o.reference !== undefined && o.pre !== undefined ? compareBaselineWithReference(t.participants, t.reference, [arms.treatment, arms.control]) : null;
  const lines: string[] = [`${file}: ${t.treatment} vs ${t.control}`];
  const show = (a: PrimaryAnalysis) => {
    const s = a.summary;
    lines.push(
      `${a.set === "itt" ? "Intention to treat" : "Per protocol"}`,
      `  ${a.treatment.arm.padEnd(14)} ${a.treatment.events}/${a.treatment.n} (${fmt(a.treatment.percent, 2)}%)`,
      `  ${a.control.arm.padEnd(14)} ${a.control.events}/${a.control.n} (${fmt(a.control.percent, 2)}%)`,
      `  OR ${fmt(s.or, 2)} (95% CI ${fmt(s.or_ci_lb, 2)} to ${fmt(s.or_ci_ub, 2)}); RR ${fmt(s.rr, 3)} (${fmt(s.rr_ci_lb, 3)} to ${fmt(s.rr_ci_ub, 3)}); RD ${fmt(s.rd, 4)} (${fmt(s.rd_ci_lb, 4)} to ${fmt(s.rd_ci_ub, 4)})`,
      `  Pearson chi-square P = ${fmtP(s.chisq_p)} (with Yates P = ${fmtP(s.chisq_yates_p)}); Fisher's exact P = ${fmtP(s.fisher_p)}`,
      ...a.notes.map((n) => `  Note: ${n}`),
    );
  };
  show(itt);
  if (pp !== null) show(pp);
  if (strata !== null) {
    lines.push("By stratum");
    for (const s of strata.strata)
      lines.push(`  ${s.stratum.padEnd(14)} ${s.treatment.events}/${s.treatment.n} vs ${s.control.events}/${s.control.n}${s.summary !== null ? `: OR ${fmt(s.summary.or, 2)} (${fmt(s.summary.or_ci_lb, 2)} to ${fmt(s.summary.or_ci_ub, 2)})` : `: ${s.note ?? ""}`}`);
    if (strata.mantelHaenszel !== null) lines.push(`  Mantel–Haenszel OR ${fmt(strata.mantelHaenszel.or, 2)} (${fmt(strata.mantelHaenszel.ci_lb, 2)} to ${fmt(strata.mantelHaenszel.ci_ub, 2)})`);
    if (strata.breslowDay !== null) lines.push(`  Breslow–Day X2 = ${fmt(strata.breslowDay.statistic, 4)}, df = ${strata.breslowDay.df}, P = ${fmtP(strata.breslowDay.p)} (Tarone P = ${fmtP(strata.breslowDay.tarone_p)})`);
    if (strata.interaction !== null) lines.push(`  arm x stratum interaction (logistic regression): LR X2 = ${fmt(strata.interaction.lr, 4)}, df = ${strata.interaction.df}, P = ${fmtP(strata.interaction.p)}`);
    for (const n of strata.notes) lines.push(`  Note: ${n}`);
  }
  if (markers !== null) {
    lines.push(`Markers ${o.pre ?? ""} -> ${o.post ?? ""}`);
    for (const w of markers.withinArm)
      lines.push(`  ${w.arm.padEnd(14)} n = ${w.pairs}, mean ${fmt(w.preMean)} -> ${fmt(w.postMean)}; paired t P = ${fmtP(w.pairedT?.p)}; signed rank P = ${fmtP(w.signedRank?.p)}`);
    if (markers.changeWelch !== null) lines.push(`  change, ${t.treatment} - ${t.control}: ${fmt(markers.changeWelch.estimate)} (Welch P = ${fmtP(markers.changeWelch.p)}; rank sum P = ${fmtP(markers.changeRankSum?.p)})`);
    if (markers.ancova !== null) lines.push(`  ANCOVA (post ~ pre + arm): arm ${fmt(markers.ancova.arm.estimate)} (95% CI ${fmt(markers.ancova.arm.ci_low)} to ${fmt(markers.ancova.arm.ci_high)}), P = ${fmtP(markers.ancova.arm.p)}`);
    for (const n of markers.notes) lines.push(`  Note: ${n}`);
  }
  if (baseline !== null) {
    lines.push(`Baseline ${o.pre ?? ""} against the comparison group "${o.reference ?? ""}" (not randomised; descriptive)`);
    for (const c of baseline.comparisons)
      lines.push(`  ${c.arm.padEnd(14)} n = ${c.n} vs ${c.referenceN}: difference ${fmt(c.welch?.estimate)} (Welch P = ${fmtP(c.welch?.p)}; rank sum P = ${fmtP(c.rankSum?.p)})`);
    for (const n of baseline.notes) lines.push(`  Note: ${n}`);
  }
  for (const n of t.notes) lines.push(`Note: ${n}`);
  return {
    json: { file, arms, primary: primaryJson(itt), perProtocol: pp !== null ? primaryJson(pp) : null, strata, markers, baselineVsReference: baseline, notes: t.notes },
    text: lines.join("\n") + "\n",
    arms,
    itt,
    pp,
  };
}

/** Registers `trial` with its subcommands `allocation-table` and `analyse`. */
export function registerTrialCommand(program: Command, io: CliIO, setExit: SetExit): void {
  const trial = program.command("trial").description("run a randomised trial: allocation table, analysis of a participant file");
  trial
    .command("allocation-table")
    .description("REDCap-compatible stratified permuted-block allocation table (CSV: sequence, stratum, block, arm); same seed, same table")
    .option("--arms <a,b>", "arm names, comma-separated")
    .option("--ratio <r1:r2>", "allocation ratio (default 1:1)")
    .option("--strata <factor=level1,level2>", "stratification factor(s); several separated by ';' or by repeating --strata", (v: string, prev: string[] = []) => [...prev, v])
    .option("--blocks <sizes>", "block sizes, comma-separated, each a multiple of the ratio's sum (default 2x and 3x the sum)")
    .option("--n <n>", "rows per stratum (the REDCap convention: each stratum gets its own list)")
    .option("--seed <seed>", "seed of the HMAC-DRBG generator")
    .option("--kits", "add a kit code per row (placebo-controlled trials)")
    .action((o: AllocationOptions) => {
      io.out(allocationTableCommand(o));
      setExit(0);
    });
  trial
    .command("sample-size")
    .description("sample size for two proportions (--p1 --p2) or a continuous marker (--delta --sd), as R power.prop.test / power.t.test / pwr")
    .option("--p1 <p>", "proportion in the first arm")
    .option("--p2 <p>", "proportion in the second arm")
    .option("--delta <d>", "difference in means")
    .option("--sd <sd>", "common standard deviation")
    .option("--power <power>", "power (default 0.8)")
    .option("--alpha <alpha>", "two-sided significance level (default 0.05)")
    .option("--ratio <r1:r2>", "allocation ratio (default 1:1)")
    .option("--dropout <fraction>", "expected dropout, 0 to < 1 (default 0)")
    .option("--json", "print JSON")
    .action((o: Record<string, string | boolean | undefined>) => {
      const num = (k: string): number | undefined => {
        const v = o[k];
        if (v === undefined) return undefined;
        if (typeof v !== "string" || !/^[-+]?(\d+(\.\d*)?|\.\d+)$/.test(v)) throw new InputError(`"${String(v)}" is not a number`, { field: `--${k}` });
        return Number(v);
      };
      const ratio = typeof o["ratio"] === "string" ? intList(o["ratio"], "--ratio", /:/) : [1, 1];
      if (ratio.length !== 2) throw new InputError("two ratio parts (r1:r2)", { field: "--ratio" });
      const common = { ratio: ratio as [number, number], ...(num("power") !== undefined ? { power: num("power") } : {}), ...(num("alpha") !== undefined ? { alpha: num("alpha") } : {}), ...(num("dropout") !== undefined ? { dropout: num("dropout") } : {}) };
      const p1 = num("p1");
      const p2 = num("p2");
      const delta = num("delta");
      const sd = num("sd");
      let r;
      try {
        if (p1 !== undefined && p2 !== undefined) r = sampleSizeTwoProportions({ p1, p2, ...common });
        else if (delta !== undefined && sd !== undefined) r = sampleSizeTwoMeans({ delta, sd, ...common });
        else throw new InputError("give --p1 and --p2, or --delta and --sd", { field: p1 !== undefined || p2 !== undefined ? "--p2" : "--delta" });
      } catch (e) {
        if (e instanceof InputError && e.location.field !== undefined && !e.location.field.startsWith("--")) throw new InputError(e.reason, { field: `--${e.location.field.split(".")[0] ?? ""}` });
        throw e;
      }
      io.out(
        o["json"] === true
          ? JSON.stringify(r, null, 2) + "\n"
          : `${r.formula}\n  n1 = ${r.n1.toFixed(4)}, n2 = ${r.n2.toFixed(4)} (exact root)\n  analyse ${r.analysed.n1} + ${r.analysed.n2} = ${r.analysed.total} (power ${r.achievedPower.toFixed(4)}); recruit ${r.recruited.n1} + ${r.recruited.n2} = ${r.recruited.total}\n`,
      );
      setExit(0);
    });
  trial
    .command("analyse")
    .alias("analyze")
    .argument("<file>", "participant CSV with a header row")
    .description("primary outcome by arm (OR, RR, RD, chi-square, Fisher), ITT and per protocol, by stratum with interaction tests, pre/post markers")
    .option("--arm <column>", "column with the allocated arm (exactly two values)")
    .option("--outcome <column>", "column with the primary outcome (1/0, yes/no; empty or NA = not known)")
    .option("--strata <column>", "column with the stratum")
    .option("--pre <column>", "column with the baseline marker value")
    .option("--post <column>", "column with the follow-up marker value")
    .option("--per-protocol <column>", "column flagging the per-protocol set (1/0)")
    .option("--id <column>", "column with the participant id")
    .option("--treatment <value>", "which arm value is the treatment (default: the arm not called placebo/control)")
    .option("--reference <value>", "arm-column value of a non-randomised comparison group (e.g. healthy); its --pre values are compared with each arm's")
    .option("--json", "print JSON")
    .action(async (file: string, o: AnalyseOptions) => {
      const text = await readNotedText(file, io);
      const a = analyseCsv(file, text, o);
      io.out(o.json === true ? JSON.stringify(a.json, null, 2) + "\n" : a.text);
      setExit(0);
    });
  trial
    .command("evidence-draft")
    .argument("<file>", "participant CSV of the finished trial")
    .description("the trial's primary outcome as a draft entry of the evidence base ({trial, source} in the data/ format)")
    .option("--protocol <file>", "the trial protocol (JSON)")
    .option("--arm <column>", "column with the allocated arm (values are the protocol's arm ids)")
    .option("--outcome <column>", "column with the primary outcome")
    .option("--per-protocol <column>", "column flagging the per-protocol set; adds the per-protocol outcome")
    .option("--as-of <date>", "date of the extraction, YYYY-MM-DD (default: today)")
    .action(async (file: string, o: AnalyseOptions & { protocol?: string; asOf?: string }) => {
      if (o.protocol === undefined) throw new InputError("is required", { field: "--protocol" });
      const protocol = parseProtocol(parseJsonText(o.protocol, await readNotedText(o.protocol, io)), o.protocol);
      const asOf = o.asOf ?? new Date().toISOString().slice(0, 10);
      if (!/^\d{4}-\d{2}-\d{2}$/.test(asOf)) throw new InputError("must be a date written YYYY-MM-DD", { field: "--as-of" });
      const treatment = protocol.arms.find((a) => !a.placebo)?.id ?? protocol.arms[0]?.id;
      const a = analyseCsv(file, await readNotedText(file, io), { ...o, ...(treatment !== undefined ? { treatment } : {}) });
      const arms = a.arms;
      for (const arm of [arms.treatment, arms.control])
        if (!protocol.arms.some((x) => x.id === arm)) throw new InputError(`arm "${arm}" is not an arm id of the protocol (${protocol.arms.map((x) => x.id).join(", ")})`, { file, field: o.arm });
      const results = [{ outcome: protocol.primaryOutcome, analysis: a.itt }, ...(a.pp !== null ? [{ outcome: protocol.primaryOutcome, analysis: a.pp }] : [])];
      io.out(JSON.stringify(evidenceDraft(protocol, results, { asOf, treatment: arms.treatment, control: arms.control }), null, 2) + "\n");
      setExit(0);
    });
}
