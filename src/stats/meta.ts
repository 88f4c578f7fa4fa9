/**
 * metaAnalysis: the one entry point of the meta-analysis engine. It validates the options once, computes
 * per-study effect sizes, pools them (inverse variance, Mantel-Haenszel or Peto; fixed or random effects),
 * and adds the requested extras (subgroups, leave-one-out, cumulative, small-study bias, funnel data).
 * Defaults follow metafor: random effects, REML, z test for inverse variance; fixed effect for Mantel-Haenszel and
 * Peto (rma.mh, rma.peto; RevMan's "M-H, Fixed"). Preset "revman5" follows RevMan 5.3, "revman-web" RevMan's 2025
 * random-effects methods (REML, Q-profile CI for tau², Hartung-Knapp-Sidik-Jonkman CI, prediction interval).
 */
import { InputError } from "../shared/errors.js";
import { beggTest, eggerTest, eggerTestWithMods, trimAndFill } from "./core/bias.js";
import { critValue, pchisqUpper } from "./core/dist.js";
import { moderatorDesign, interceptOnly, type ModeratorDesign } from "./core/design.js";
import { failSafeN } from "./core/failsafe.js";
import { gosh } from "./core/gosh.js";
import { influenceDiagnostics } from "./core/influence.js";
import { rmaMods } from "./core/metareg.js";
import { permutationTest } from "./core/permutation.js";
import { interceptDesign, tau2ProfileCi } from "./core/tau2.js";
import { i2FromQ } from "./core/heterogeneity.js";
import { revmanTau2FromQ } from "./core/revman.js";
import { effectSizes, isRatioMeasure, measureForKind, studyDataKind, type EffectSizes } from "./core/escalc.js";
import { petoStudyEstimates, rmaMH, rmaPeto, type RmaMHResult } from "./core/mh.js";
import { rmaUni, tau2ConfInt, type PooledFit, type RmaMethod, type RmaUniResult } from "./core/rma.js";
import { tryRefit } from "./core/refit.js";
import { acquireScratch, type Scratch } from "./core/scratch.js";
import { cumulative as cumulativeRun, leaveOneOut as leaveOneOutRun, type SensitivityFit } from "./core/sensitivity.js";
import {
  MetaOptionsSchema,
  type MetaFunnelData,
  type Heterogeneity,
  type Measure,
  type MetaLeaveOneOutRow,
  type MetaOptions,
  type MetaRegression,
  type MetaResult,
  type Method,
  type Preset,
  type Pooled,
  type ResolvedMetaOptions,
  type StudyResult,
  type StudyRow,
  type SubgroupResult,
  type Tau2Method,
  type TestType,
} from "./types.js";

/** Settings after defaults, the preset and the data kind have been applied. */
export interface MetaSettings {
  measure: Measure;
  method: Method;
  model: "fixed" | "random" | "auto";
  /** Whether the model was asked for or is the default for the method and preset. */
  modelSource: "option" | "default";
  tau2: Tau2Method;
  test: TestType;
  level: number;
  preset: Preset | null;
  smdCorrection: "exact" | "approx";
  /** Continuity correction added to zero-cell studies inside the MH sums (0 = metafor, 0.5 = RevMan 5). */
  addInMH: number;
  subgroup: string | undefined;
  leaveOneOut: boolean;
  cumulative: boolean;
  bias: boolean;
  /** Build result.funnel (always done when bias is true). */
  funnel: boolean;
  mods: string[] | undefined;
  permutations: number | undefined;
  seed: number;
  influence: boolean;
  gosh: boolean;
  goshSubsets: number;
  failSafe: boolean;
  profileCi: boolean;
}

/** One fit of the chosen model to a subset of studies, in a uniform shape. */
export interface CoreFit extends PooledFit {
  pi_lb: number;
  pi_ub: number;
  df: number | null;
  tau2: number;
  se_tau2: number | null;
  QE_df: number;
  vt: number;
  /** Row index of each entry of weights. */
  rowIndex: number[];
  /** Model weights (not normalised), aligned with rowIndex. */
  weights: Float64Array;
  /** Per-study estimates the heterogeneity and bias statistics use (row indices in yvIndex). */
  y: Float64Array;
  v: Float64Array;
  yvIndex: number[];
  /** True when the Q-profile CI for tau² applies (inverse-variance random-effects model). */
  qprofile: boolean;
  kind: "IV" | "MH" | "PETO";
}

const DEFAULT_RESOLVED: ResolvedMetaOptions = MetaOptionsSchema.parse({});

/**
 * The options of the previous call and zod's output for them: a loop of analyses with the same options (the
 * bench, leave-one-out drivers, the server's repeated requests) parses them once. Zod stays the only validator:
 * only options that passed are remembered, and only when every value is a string, number, boolean or undefined
 * (an array such as --mods is parsed every time, as it may have changed in place).
 */
let lastOptions: { given: Record<string, unknown>; count: number; parsed: ResolvedMetaOptions } | undefined;

function sameAsLast(options: Record<string, unknown>): boolean {
  const last = lastOptions;
  if (last === undefined) return false;
  let count = 0;
  for (const name in options) {
    if (!Object.is(options[name], last.given[name]) || !(name in last.given)) return false;
    count++;
  }
  return count === last.count;
}

function parseMetaOptions(options: MetaOptions): ResolvedMetaOptions {
  const given = options as Record<string, unknown>;
  if (sameAsLast(given)) return (lastOptions as { parsed: ResolvedMetaOptions }).parsed;
  const parsed = MetaOptionsSchema.safeParse(options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join(".") ?? "";
    throw new InputError(`invalid option: ${issue?.message ?? "bad value"}`, field === "" ? {} : { field });
  }
  const copy: Record<string, unknown> = {};
  let count = 0;
  let primitive = true;
  for (const name in given) {
    const v = given[name];
    if (v !== null && (typeof v === "object" || typeof v === "function")) primitive = false;
    copy[name] = v;
    count++;
  }
  lastOptions = primitive ? { given: copy, count, parsed: Object.freeze(parsed.data) } : undefined;
  return parsed.data;
}

/**
 * The settings of the previous call, for the same parsed options (the identical object, as parseMetaOptions
 * remembers it) and the same data kind: a loop of analyses builds its settings once. Frozen, as they are shared.
 */
let lastSettings: { parsed: ResolvedMetaOptions; kind: StudyRow["data"]["kind"]; settings: MetaSettings } | undefined;

/**
 * Parses options (zod) and applies the preset and the data kind (the first row's: effectSizes checks that every
 * row shares it, in its pass over the rows). Call once per analysis.
 */
export function resolveMetaSettings(rows: readonly StudyRow[], options: MetaOptions | undefined): MetaSettings {
  const o = options === undefined ? DEFAULT_RESOLVED : parseMetaOptions(options);
  const first = rows[0];
  if (first === undefined) throw new InputError("no studies: the data set is empty");
  const kind = first.data.kind;
  const last = lastSettings;
  if (last !== undefined && last.parsed === o && last.kind === kind) return last.settings;
  try {
    const settings = Object.freeze(settingsFor(o, kind, options?.test === undefined));
    lastSettings = { parsed: o, kind, settings };
    return settings;
  } catch (e) {
    // rows of mixed kinds are reported as such, before what the first row's kind does not allow
    studyDataKind(rows);
    throw e;
  }
}

function settingsFor(o: ResolvedMetaOptions, kind: StudyRow["data"]["kind"], testDefault: boolean): MetaSettings {
  const measure = measureForKind(kind, o.measure);
  const revman = o.preset === "revman5";
  const revmanWeb = o.preset === "revman-web";
  // RevMan's model default: fixed effect (RevMan 5 and "M-H, Fixed"); RevMan's 2025 methods are random-effects methods.
  const modelSource = o.model === undefined ? "default" : "option";
  const binaryRatio = kind === "binary" && measure !== "SMD" && measure !== "MD" && measure !== "GEN";
  const model = o.model ?? (revmanWeb ? "random" : revman || (o.method !== undefined && o.method !== "IV") ? "fixed" : "random");
  // RevMan pools dichotomous data by Mantel-Haenszel; its 2025 random-effects methods use inverse variance.
  const method: Method = o.method ?? ((revman || (revmanWeb && model === "fixed")) && binaryRatio ? "MH" : "IV");
  if (method !== "IV") {
    if (kind !== "binary") throw new InputError(`method ${method} needs binary (2x2) data`, { field: "method" });
    if (method === "PETO" && measure !== "OR") throw new InputError("the Peto method estimates an odds ratio; use measure OR", { field: "method" });
  }
  const tau2: Tau2Method = revman ? "DL" : revmanWeb ? "REML" : o.tau2;
  const smdCorrection = o.smdCorrection ?? (revman || revmanWeb ? "approx" : "exact");
  const test = revmanWeb && testDefault ? "knha" : o.test;
  return {
    measure,
    method,
    model,
    modelSource,
    tau2,
    test,
    level: o.level,
    preset: o.preset ?? null,
    smdCorrection,
    addInMH: revman || revmanWeb ? 0.5 : 0,
    subgroup: o.subgroup,
    leaveOneOut: o.leaveOneOut,
    cumulative: o.cumulative,
    bias: o.bias,
    funnel: o.funnel,
    mods: o.mods,
    permutations: o.permutations,
    seed: o.seed ?? 20_251_201,
    influence: o.influence === true,
    gosh: o.gosh === true,
    goshSubsets: o.goshSubsets ?? 10_000,
    failSafe: o.failSafe === true,
    profileCi: o.profileCi === true,
  };
}

interface Context {
  rows: readonly StudyRow[];
  s: MetaSettings;
  es: EffectSizes;
  ai: Float64Array;
  bi: Float64Array;
  ci: Float64Array;
  di: Float64Array;
  /** Working arrays of this analysis (released when metaAnalysisWith returns; never part of the result). */
  scratch: Scratch;
  /** Set when a single-study fit had to use the z test instead of Knapp-Hartung (t with 0 df is undefined). */
  knhaFallback: boolean;
  /** The meta-regression's design of the included studies (--mods), built once: Egger's test and the meta-regression read it. */
  modsDesign?: ModeratorDesign;
}

/** The design of `--mods` over the included studies, built on first use and kept on the analysis's context. */
function modsDesignOf(ctx: Context, incl: readonly number[], mods: readonly string[]): ModeratorDesign {
  return (ctx.modsDesign ??= moderatorDesign(ctx.rows, incl, mods));
}

/** The 2x2 counts of an inverse-variance analysis: none (they are needed by MH and Peto only). */
const NO_COUNTS = new Float64Array(0);

function buildContext(rows: readonly StudyRow[], s: MetaSettings, scratch: Scratch): Context {
  const k = rows.length;
  const iv = s.method === "IV";
  // MH and Peto need binary rows (resolveMetaSettings checked the first row's kind, effectSizes checks every other
  // row's in its pass): effectSizes writes every cell of the four arrays
  const ai = iv ? NO_COUNTS : scratch.f64Any(k);
  const bi = iv ? NO_COUNTS : scratch.f64Any(k);
  const ci = iv ? NO_COUNTS : scratch.f64Any(k);
  const di = iv ? NO_COUNTS : scratch.f64Any(k);
  const es = effectSizes(rows, s.measure, { smdCorrection: s.smdCorrection, alloc: scratch, counts: iv ? undefined : { ai, bi, ci, di } });
  return { rows, s, es, ai, bi, ci, di, scratch, knhaFallback: false };
}

function fromUni(r: RmaUniResult, rowIndex: number[], y: Float64Array, v: Float64Array, qprofile: boolean): CoreFit {
  return {
    k: r.k,
    beta: r.beta,
    se: r.se,
    zval: r.zval,
    pval: r.pval,
    ci_lb: r.ci_lb,
    ci_ub: r.ci_ub,
    pi_lb: r.pi_lb,
    pi_ub: r.pi_ub,
    df: r.df,
    tau2: r.tau2,
    se_tau2: r.se_tau2,
    QE: r.QE,
    QE_df: Math.max(0, r.k - 1),
    QEp: r.QEp,
    I2: r.I2,
    H2: r.H2,
    vt: r.vt,
    rowIndex,
    weights: r.weights,
    y,
    v,
    yvIndex: rowIndex,
    qprofile,
    kind: "IV",
  };
}

/** The test for a fit of k studies: Knapp-Hartung needs k >= 2 (metafor gives NA); one study falls back to z. */
function testFor(ctx: Context, k: number): TestType {
  if (ctx.s.test === "knha" && k < 2) {
    ctx.knhaFallback = true;
    return "z";
  }
  return ctx.s.test;
}

/** The entries of `a` at the subset's rows: `a` itself when the subset is every row in row order. */
function atRows(a: Float64Array, subset: readonly number[], identity: boolean): Float64Array {
  if (identity) return a;
  const out = new Float64Array(subset.length);
  for (let j = 0; j < subset.length; j++) out[j] = a[subset[j] as number] as number;
  return out;
}

/** Fits the model ("fixed" or "random") to the given rows (indices of included studies). */
function fitSubset(ctx: Context, subset: readonly number[], model: "fixed" | "random"): CoreFit {
  const { s, es } = ctx;
  const k = subset.length;
  // every row, in row order: use the context arrays without copying
  let identity = k === ctx.rows.length;
  for (let j = 0; identity && j < k; j++) if (subset[j] !== j) identity = false;
  if (s.method === "IV") {
    const y = atRows(es.yi, subset, identity);
    const v = atRows(es.vi, subset, identity);
    const method: RmaMethod = model === "fixed" ? "FE" : s.tau2;
    // rmaUni writes every weight
    const weights = identity ? ctx.scratch.f64Any(k) : undefined;
    return fromUni(rmaUni(y, v, { method, test: testFor(ctx, k), level: s.level, weights }), subset as number[], y, v, model === "random");
  }
  const t = { ai: atRows(ctx.ai, subset, identity), bi: atRows(ctx.bi, subset, identity), ci: atRows(ctx.ci, subset, identity), di: atRows(ctx.di, subset, identity) };
  let mh: RmaMHResult;
  if (s.method === "MH") {
    const py = atRows(es.yi, subset, identity);
    const pv = atRows(es.vi, subset, identity);
    // rmaMH writes every weight
    const weights = identity ? ctx.scratch.f64Any(k) : undefined;
    mh = rmaMH(t, s.measure as "OR" | "RR" | "RD", { level: s.level, addInMH: s.addInMH, perStudy: { yi: py, vi: pv }, weights, keepDoubleZeroRd: s.preset !== null });
  } else mh = rmaPeto(t, { level: s.level });
  // the studies with a per-study estimate (all of them unless some are double-zero): their rows, estimates, variances
  const allYi = mh.k_yi === k;
  const yvIndex: number[] = allYi ? (subset as number[]) : [];
  const y = allYi ? mh.yi : new Float64Array(mh.k_yi);
  const v = allYi ? mh.vi : new Float64Array(mh.k_yi);
  if (!allYi) {
    for (let j = 0, m = 0; j < k; j++) {
      if (!Number.isNaN(mh.yi[j] as number)) {
        yvIndex.push(subset[j] as number);
        y[m] = mh.yi[j] as number;
        v[m++] = mh.vi[j] as number;
      }
    }
  }
  const qdf = Math.max(0, mh.k_yi - 1);
  if (model === "fixed") {
    return {
      k,
      beta: mh.beta,
      se: mh.se,
      zval: mh.zval,
      pval: mh.pval,
      ci_lb: mh.ci_lb,
      ci_ub: mh.ci_ub,
      pi_lb: mh.ci_lb,
      pi_ub: mh.ci_ub,
      df: null,
      tau2: 0,
      se_tau2: null,
      QE: mh.QE,
      QE_df: qdf,
      QEp: mh.QEp,
      I2: mh.I2,
      H2: mh.H2,
      vt: NaN,
      rowIndex: subset as number[],
      weights: mh.weights,
      y,
      v,
      yvIndex,
      qprofile: false,
      kind: s.method === "MH" ? "MH" : "PETO",
    };
  }
  // Random effects as RevMan 5: DerSimonian-Laird with Q from the MH (or Peto) estimate and IV weights.
  const tau2 = revmanTau2FromQ(mh.QE, qdf, v);
  const r = rmaUni(y, v, { method: "DL", tau2Fixed: tau2, test: testFor(ctx, y.length), level: s.level });
  const weights = new Float64Array(k);
  for (let j = 0, m = 0; j < k; j++) {
    if (yvIndex[m] === subset[j]) weights[j] = r.weights[m++] as number;
  }
  return {
    ...fromUni(r, subset as number[], y, v, false),
    k,
    QE: mh.QE,
    QE_df: qdf,
    QEp: mh.QEp,
    I2: mh.I2,
    H2: mh.H2,
    weights,
    yvIndex,
    kind: s.method === "MH" ? "MH" : "PETO",
  };
}

function pooledOf(f: CoreFit, measure: Measure, method: Method): Pooled {
  const p: Pooled = {
    estimate: f.beta,
    se: f.se,
    zval: f.zval,
    pval: f.pval,
    ci_lb: f.ci_lb,
    ci_ub: f.ci_ub,
    pi_lb: f.pi_lb,
    pi_ub: f.pi_ub,
    df: f.df,
  };
  if (isRatioMeasure(measure) || method === "PETO") {
    p.transformed = { estimate: Math.exp(f.beta), ci_lb: Math.exp(f.ci_lb), ci_ub: Math.exp(f.ci_ub), pi_lb: Math.exp(f.pi_lb), pi_ub: Math.exp(f.pi_ub) };
  }
  return p;
}

function heterogeneityOf(f: CoreFit, level: number, scratch: Scratch): Heterogeneity {
  const h: Heterogeneity = {
    tau2: f.tau2,
    tau: Math.sqrt(f.tau2),
    tau2_se: f.se_tau2,
    tau2_ci: null,
    QE: f.QE,
    QE_df: f.QE_df,
    QE_pval: f.QEp,
    I2: f.I2,
    I2_ci: null,
    H2: f.H2,
    H2_ci: null,
  };
  if (f.qprofile && f.k >= 2) {
    // tau2ConfInt writes every element of its working array
    const ci = tau2ConfInt(f.y, f.v, { tau2: f.tau2, vt: f.vt, level, QE: f.QE, beta: f.beta }, scratch.f64Any(f.y.length));
    h.tau2_ci = ci.tau2;
    h.I2_ci = ci.I2;
    h.H2_ci = ci.H2;
  }
  return h;
}

function includedIndices(ctx: Context, among?: readonly number[]): number[] {
  const inc = ctx.es.included;
  if (among !== undefined) return among.filter((i) => inc[i] === 1);
  // all rows: sized once (pushing grows the array two or three times on the way to k)
  let n = 0;
  for (let i = 0; i < inc.length; i++) n += inc[i] as number;
  const out = new Array<number>(n);
  for (let i = 0, m = 0; i < inc.length; i++) if (inc[i] === 1) out[m++] = i;
  return out;
}

function requireK(k: number, model: "fixed" | "random", what: string): void {
  if (k < 1) throw new InputError(`${what}: no study has usable data (k = 0)`);
  if (model === "random" && k < 2) throw new InputError(`${what}: a random-effects model needs at least 2 studies (k = ${k}); use --model fixed`);
}

/**
 * Runs a meta-analysis of the rows (one data kind) with the given options and returns the result contract.
 * Throws InputError for unusable input (mixed data kinds, impossible counts, too few studies, bad options).
 */
export function metaAnalysis(rows: readonly StudyRow[], options?: MetaOptions): MetaResult {
  if (rows.length === 0) throw new InputError("no studies: the data set is empty");
  const s = resolveMetaSettings(rows, options);
  return metaAnalysisWith(rows, s);
}

/** metaAnalysis with settings already resolved (skips option parsing; for loops and benchmarks). */
export function metaAnalysisWith(rows: readonly StudyRow[], s: MetaSettings): MetaResult {
  const scratch = acquireScratch();
  try {
    return analyse(rows, s, scratch);
  } finally {
    scratch.release();
  }
}

function analyse(rows: readonly StudyRow[], s: MetaSettings, scratch: Scratch): MetaResult {
  const notes: string[] = [];
  // Repeated labels are made unique where rows enter (stats/input.ts for files; core/labels.ts for other callers):
  // a check here would cost about 1 µs per analysis, a tenth of a Mantel-Haenszel analysis.
  const ctx = buildContext(rows, s, scratch);
  const incl = includedIndices(ctx);
  const nExcluded = rows.length - incl.length;
  if (nExcluded > 0) notes.push(`${nExcluded} of ${rows.length} studies were left out of the model (see each study's excluded_reason).`);
  let model: "fixed" | "random";
  let fit: CoreFit;
  if (s.model === "auto") {
    requireK(incl.length, "fixed", "meta-analysis");
    const fe = fitSubset(ctx, incl, "fixed");
    const i2 = i2FromQ(fe.QE, fe.QE_df);
    model = i2 < 50 || incl.length < 2 ? "fixed" : "random";
    fit = model === "fixed" ? fe : fitSubset(ctx, incl, "random");
    notes.push(
      `Model chosen from I² (${i2.toFixed(1)}% ${i2 < 50 ? "< 50%: fixed effect" : ">= 50%: random effects"}). The Cochrane Handbook cautions against picking the model from a heterogeneity statistic; choose it in advance from how the studies were designed.`,
    );
  } else {
    model = s.model;
    requireK(incl.length, model, "meta-analysis");
    fit = fitSubset(ctx, incl, model);
    if (s.modelSource === "default" && (s.method !== "IV" || s.preset !== null)) {
      const why = s.preset === "revman-web" ? "preset revman-web (RevMan's random-effects methods)" : s.preset === "revman5" ? "preset revman5 (RevMan 5's default)" : `${s.method === "MH" ? "Mantel-Haenszel" : "Peto"} pooling (as metafor's ${s.method === "MH" ? "rma.mh" : "rma.peto"} and RevMan's default)`;
      notes.push(`${model === "fixed" ? "Fixed-effect" : "Random-effects"} model: the default for ${why}; choose the model with --model.`);
    }
  }
  if (s.method !== "IV" && model === "random") {
    notes.push(`Random effects with ${s.method === "MH" ? "Mantel-Haenszel" : "Peto"} pooling: tau² by DerSimonian-Laird from the ${s.method}-based Q statistic, as RevMan 5.`);
  }
  if (s.preset === "revman5") notes.push("Preset revman5: results follow RevMan 5.3 (Deeks & Higgins 2010), not metafor, where the two differ.");

  // studies
  let totalW = 0;
  for (let j = 0; j < fit.weights.length; j++) totalW += fit.weights[j] as number;
  const wByRow = scratch.f64(rows.length);
  for (let j = 0; j < fit.rowIndex.length; j++) wByRow[fit.rowIndex[j] as number] = (100 * (fit.weights[j] as number)) / totalW;
  const studies: StudyResult[] = new Array<StudyResult>(rows.length);
  const crit = critValue(s.level, null);
  // Peto: each study's estimate is its own (O - E)/V log odds ratio
  const peto = s.method === "PETO" ? rmaPeto({ ai: ctx.ai, bi: ctx.bi, ci: ctx.ci, di: ctx.di }, { level: s.level }) : undefined;
  const { yi: esYi, vi: esVi, included, corrected, reasons } = ctx.es;
  const anyReason = reasons.length > 0;
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i] as StudyRow;
    const ok = included[i] === 1;
    let y: number | null = null;
    let v: number | null = null;
    let lb: number | null = null;
    let ub: number | null = null;
    if (ok) {
      const py = peto === undefined ? (esYi[i] as number) : (peto.yi[i] as number);
      if (!Number.isNaN(py)) {
        const pv = peto === undefined ? (esVi[i] as number) : (peto.vi[i] as number);
        const half = crit * Math.sqrt(pv);
        y = py;
        v = pv;
        lb = py - half;
        ub = py + half;
      }
    }
    const st: StudyResult = {
      study: r.study,
      data: r.data,
      yi: y,
      vi: v,
      ci_lb: lb,
      ci_ub: ub,
      weight: wByRow[i] as number,
      included: ok,
      continuity_corrected: peto === undefined && corrected[i] === 1,
    };
    if (r.row !== undefined) st.row = r.row;
    if (r.year !== undefined) st.year = r.year;
    if (r.subgroup !== undefined) st.subgroup = r.subgroup;
    if (anyReason) {
      const reason = reasons[i];
      if (reason !== undefined) st.excluded_reason = reason;
    }
    studies[i] = st;
  }

  const result: MetaResult = {
    measure: s.measure,
    k: incl.length,
    model,
    model_source: s.model === "auto" ? "auto" : s.modelSource,
    method: s.method,
    tau2_method: model === "random" ? (s.method === "IV" ? s.tau2 : "DL") : null,
    test: s.test,
    preset: s.preset,
    level: s.level,
    pooled: pooledOf(fit, s.measure, s.method),
    heterogeneity: heterogeneityOf(fit, s.level, scratch),
    studies,
    notes,
  };

  if (s.subgroup !== undefined) addSubgroups(ctx, result, model, notes);
  if (s.leaveOneOut) {
    if (incl.length < 2) throw new InputError(`leave-one-out needs at least 2 studies (k = ${incl.length})`);
    const failed: string[] = [];
    const loo = leaveOneOutRun(incl, (sub) => sensFit(ctx, sub, model, failed)).map((r) => ({
      omitted: (rows[r.omittedIndex] as StudyRow).study,
      ...sensitivityRow(r),
    }));
    result.leave_one_out = loo;
    failedRefitsNote(notes, "leave-one-out", loo.map((r) => (r.estimate === null ? `without ${r.omitted}` : "")), failed);
  }
  if (s.cumulative) {
    const byYear = incl.every((i) => (rows[i] as StudyRow).year !== undefined);
    const order = byYear ? [...incl].sort((a, b) => ((rows[a] as StudyRow).year as number) - ((rows[b] as StudyRow).year as number)) : incl;
    const failed: string[] = [];
    const cum = cumulativeRun(order, (sub) => sensFit(ctx, sub, model, failed)).map((r) => ({
      added: (rows[r.addedIndex] as StudyRow).study,
      k: r.k,
      ...sensitivityRow(r),
    }));
    result.cumulative = cum;
    failedRefitsNote(notes, "cumulative", cum.map((r) => (r.estimate === null ? `up to ${r.added}` : "")), failed);
    if (!byYear) notes.push("Cumulative analysis in row order (not every study has a year).");
  }
  // metafor's leave1out and cumul refuse a model with moderators: here they refit the pooled model, and say so
  if (s.mods !== undefined && (s.leaveOneOut || s.cumulative))
    notes.push(`${s.leaveOneOut ? (s.cumulative ? "Leave-one-out and cumulative" : "Leave-one-out") : "Cumulative"} analyses refit the pooled model without the moderators (metafor's leave1out and cumul apply to models without moderators).`);
  if (s.permutations !== undefined && s.mods === undefined) notes.push("--permutations tests a meta-regression's moderators (give --mods); not used for the pooled model.");
  addBiasAndFunnel(ctx, result, fit, model);
  addModelDiagnostics(ctx, result, fit, model, incl);
  if (ctx.knhaFallback) notes.push("Knapp-Hartung needs at least 2 studies: single-study fits (a subgroup, a leave-one-out or cumulative step) use the z test.");
  return result;
}

/** The row of a refit that failed: every value NaN (null in JSON), as metafor's leave1out and cumul give NA. */
const FAILED_REFIT: SensitivityFit = { beta: NaN, se: NaN, ci_lb: NaN, ci_ub: NaN, pval: NaN, tau2: NaN, I2: NaN, QE: NaN };

/**
 * One leave-one-out or cumulative step (a single study is fitted as metafor does, tau² = 0). A step whose fit fails
 * with an input error (a tau² search that does not converge on that subset) gives FAILED_REFIT and its message in
 * `failed`, instead of failing the whole analysis: metafor wraps each refit in try() the same way.
 */
function sensFit(ctx: Context, subset: number[], model: "fixed" | "random", failed: string[]): SensitivityFit {
  return tryRefit(() => fitSubset(ctx, subset, model), (e) => failed.push(e.message)) ?? FAILED_REFIT;
}

/** Names the steps that failed (one entry per row, "" for a row that fitted) and why. */
function failedRefitsNote(notes: string[], what: string, steps: readonly string[], failed: readonly string[]): void {
  const names = steps.filter((x) => x !== "");
  if (names.length === 0) return;
  const why = [...new Set(failed)].join("; ");
  notes.push(`The ${what} refit ${names.join(", ")} could not be fitted (${why}): its row has no values (null in JSON), as metafor gives NA.`);
}

function addSubgroups(ctx: Context, result: MetaResult, model: "fixed" | "random", notes: string[]): void {
  const name = ctx.s.subgroup as string;
  const groups = new Map<string, number[]>();
  ctx.rows.forEach((r, i) => {
    if (r.subgroup === undefined || r.subgroup === "") {
      throw new InputError(`study "${r.study}" has no value in the subgroup column`, { ...(r.row === undefined ? {} : { row: r.row }), field: name });
    }
    const g = groups.get(r.subgroup);
    if (g === undefined) groups.set(r.subgroup, [i]);
    else g.push(i);
  });
  const subgroups: SubgroupResult[] = [];
  for (const [g, members] of groups) {
    const inc = includedIndices(ctx, members);
    if (inc.length === 0) {
      notes.push(`Subgroup "${g}" has no study with usable data and is not pooled.`);
      continue;
    }
    const f = fitSubset(ctx, inc, model);
    subgroups.push({ name: g, k: inc.length, pooled: pooledOf(f, ctx.s.measure, ctx.s.method), heterogeneity: heterogeneityOf(f, ctx.s.level, ctx.scratch) });
  }
  result.subgroups = subgroups;
  if (subgroups.length >= 2) result.subgroup_test = subgroupDifferenceTest(subgroups.map((sg) => ({ estimate: sg.pooled.estimate, se: sg.pooled.se })));
  else notes.push("Test for subgroup differences needs at least 2 pooled subgroups.");
}

/**
 * Test for subgroup differences: Q = sum (theta_g - theta_bar)² / se_g², df = groups - 1, with
 * I² = max(0, (Q - df) / Q) in percent (RevMan 5).
 */
export function subgroupDifferenceTest(groups: readonly { estimate: number; se: number }[]): { Q: number; df: number; pval: number; I2: number } {
  if (groups.length < 2) throw new InputError("the test for subgroup differences needs at least 2 subgroups");
  let sw = 0;
  let swy = 0;
  for (const g of groups) {
    const w = 1 / (g.se * g.se);
    sw += w;
    swy += w * g.estimate;
  }
  const m = swy / sw;
  let Q = 0;
  for (const g of groups) Q += (g.estimate - m) ** 2 / (g.se * g.se);
  const df = groups.length - 1;
  return { Q, df, pval: pchisqUpper(Q, df), I2: i2FromQ(Q, df) };
}

/** Subgroup analysis: each subgroup pooled separately with its own tau², plus the difference test. */
export function subgroupAnalysis(rows: readonly StudyRow[], options: MetaOptions & { subgroup: string }): { subgroups: SubgroupResult[]; subgroup_test?: MetaResult["subgroup_test"]; notes: string[] } {
  const r = metaAnalysis(rows, options);
  const out: { subgroups: SubgroupResult[]; subgroup_test?: MetaResult["subgroup_test"]; notes: string[] } = { subgroups: r.subgroups ?? [], notes: r.notes };
  if (r.subgroup_test !== undefined) out.subgroup_test = r.subgroup_test;
  return out;
}

function addBiasAndFunnel(ctx: Context, result: MetaResult, fit: CoreFit, model: "fixed" | "random"): void {
  const { s, rows } = ctx;
  const tfMethod: RmaMethod = model === "fixed" ? "FE" : s.method === "IV" ? s.tau2 : "DL";
  let filled: { yi: number; vi: number }[] = [];
  if (s.bias) {
    if (fit.y.length < 3) throw new InputError(`small-study bias tests need at least 3 studies (k = ${fit.y.length})`);
    // Peto: the tests read the per-study estimates metafor's rma.peto keeps (0.5 added to a table with a zero cell),
    // as regtest() and ranktest() on it do; without zero cells they are the (O - E)/V estimates themselves
    let { y, v } = fit;
    if (s.method === "PETO") {
      const pe = petoStudyEstimates({ ai: fit.yvIndex.map((i) => ctx.ai[i] as number), bi: fit.yvIndex.map((i) => ctx.bi[i] as number), ci: fit.yvIndex.map((i) => ctx.ci[i] as number), di: fit.yvIndex.map((i) => ctx.di[i] as number) });
      y = pe.yi;
      v = pe.vi;
    }
    const bg = beggTest(y, v);
    if (s.mods !== undefined && s.method === "IV") {
      // a meta-regression: Egger's regression carries the moderators (regtest on the rma with mods); trim-and-fill
      // applies to models without moderators (metafor's trimfill refuses one); the rank test reads the estimates
      // themselves, as ranktest does whatever the model
      const design = modsDesignOf(ctx, fit.yvIndex, s.mods);
      const eg = eggerTestWithMods(y, v, design.X, design.p);
      result.bias = { egger: { statistic: eg.statistic, df: eg.df, pval: eg.pval, intercept: eg.intercept, intercept_se: eg.intercept_se }, begg: { tau: bg.tau, pval: bg.pval, exact: bg.exact } };
      result.notes.push("Small-study tests with --mods: Egger's regression includes the moderators (as metafor's regtest on a meta-regression; no limit estimate); trim-and-fill applies to models without moderators and is not given.");
    } else {
      const eg = eggerTest(y, v, s.level);
      const tf = trimAndFill(y, v, { method: tfMethod, level: s.level, test: s.method === "IV" ? s.test : "z" });
      filled = tf.filled;
      result.bias = {
        egger: { statistic: eg.statistic, df: eg.df, pval: eg.pval, intercept: eg.intercept, intercept_se: eg.intercept_se, limit_estimate: eg.limit_estimate, limit_ci_lb: eg.limit_ci_lb, limit_ci_ub: eg.limit_ci_ub },
        begg: { tau: bg.tau, pval: bg.pval, exact: bg.exact },
        trimfill: { k0: tf.k0, side: tf.side, estimate: tf.estimate, se: tf.se, ci_lb: tf.ci_lb, ci_ub: tf.ci_ub, tau2: tf.tau2, pval: tf.pval, se_k0: tf.se_k0 },
      };
    }
  }
  if (s.bias || s.funnel) result.funnel = funnelData(rows, fit, filled);
}

/** Funnel-plot data: observed (and filled) studies with their standard errors, centre and contour levels. */
function funnelData(rows: readonly StudyRow[], fit: CoreFit, filled: readonly { yi: number; vi: number }[]): MetaFunnelData {
  const points: { study: string; yi: number; sei: number; filled: boolean }[] = [];
  let seMax = 0;
  for (let j = 0; j < fit.yvIndex.length; j++) {
    const sei = Math.sqrt(fit.v[j] as number);
    if (sei > seMax) seMax = sei;
    points.push({ study: (rows[fit.yvIndex[j] as number] as StudyRow).study, yi: fit.y[j] as number, sei, filled: false });
  }
  filled.forEach((f, j) => {
    const sei = Math.sqrt(f.vi);
    if (sei > seMax) seMax = sei;
    points.push({ study: `Filled ${j + 1}`, yi: f.yi, sei, filled: true });
  });
  return { points, centre: fit.beta, se_max: seMax, contours: [0.1, 0.05, 0.01], null_value: 0 };
}

/** The columns leave-one-out and cumulative rows share (metafor's leave1out/cumul output). */
function sensitivityRow(r: SensitivityFit): Omit<MetaLeaveOneOutRow, "omitted"> {
  if (Number.isNaN(r.beta)) return { estimate: null, se: null, ci_lb: null, ci_ub: null, pval: null, tau2: null, I2: null, QE: null };
  return { estimate: r.beta, se: r.se, ci_lb: r.ci_lb, ci_ub: r.ci_ub, pval: r.pval, tau2: r.tau2, I2: r.I2, QE: r.QE };
}

/** The inverse-variance analyses beyond pooling: meta-regression, influence, GOSH, fail-safe N, profile-likelihood CI. */
function addModelDiagnostics(ctx: Context, result: MetaResult, fit: CoreFit, model: "fixed" | "random", incl: number[]): void {
  const { s, rows } = ctx;
  const wanted = s.mods !== undefined || s.influence || s.gosh || s.failSafe || s.profileCi;
  if (!wanted) return;
  const which = [s.mods !== undefined ? "--mods" : "", s.influence ? "--influence" : "", s.gosh ? "--gosh" : "", s.profileCi ? "--profile-ci" : ""].filter((x) => x !== "");
  if (s.method !== "IV" && which.length > 0) {
    throw new InputError(`${which.join(", ")} need${which.length === 1 ? "s" : ""} inverse-variance pooling (metafor's rma.uni); use --method IV`, { field: "method" });
  }
  const method: RmaMethod = model === "fixed" ? "FE" : s.tau2;
  const y = fit.y;
  const v = fit.v;
  const opts = { method, test: s.test, level: s.level };
  let design = interceptOnly(y.length);
  if (s.mods !== undefined) {
    design = modsDesignOf(ctx, incl, s.mods);
    const mr = rmaMods(y, v, design.X, design.names, opts);
    const reg: MetaRegression = {
      moderators: design.moderators,
      k: mr.k,
      test: mr.test,
      tau2: mr.tau2,
      tau2_se: mr.se_tau2,
      coefficients: mr.coefficients,
      QM: mr.QM,
      QM_df: mr.QM_df,
      QM_df2: mr.QM_df2,
      QM_pval: mr.QM_pval,
      QE: mr.QE,
      QE_df: mr.QE_df,
      QE_pval: mr.QE_pval,
      R2: mr.R2,
      I2: mr.I2,
      H2: mr.H2,
    };
    if (s.permutations !== undefined) reg.permutation = permutationTest(y, v, design.X, design.names, mr, { ...opts, iterations: s.permutations, seed: s.seed });
    const numeric = design.moderators.filter((m) => m.kind === "numeric");
    if (design.p === 2 && numeric.length === 1) reg.bubble = bubbleData(rows, incl, y, mr, design.X, (numeric[0] as { name: string }).name);
    result.meta_regression = reg;
  }
  if (s.influence) {
    // as metafor's influence(): any k > 1; a deletion refit that cannot be fitted (k - 1 too few for the model) is NA
    if (y.length < 2) throw new InputError(`influence diagnostics need at least 2 studies (k = ${y.length})`);
    const inf = influenceDiagnostics(y, v, design.X, design.names, opts);
    // a deletion refit that failed has NaN values: null, as in the JSON (metafor's NA)
    const na = (x: number): number | null => (Number.isNaN(x) ? null : x);
    result.influence = inf.rows.map((r, j) => ({
      study: (rows[incl[j] as number] as StudyRow).study,
      rstudent: na(r.rstudent),
      dffits: na(r.dffits),
      cook_d: na(r.cook_d),
      cov_r: na(r.cov_r),
      tau2_del: na(r.tau2_del),
      QE_del: na(r.QE_del),
      hat: r.hat,
      weight: r.weight,
      dfbetas: r.dfbetas.map(na),
      // metafor's is.infl is NA | (hat > 3p/k) when the deletion failed: NA unless the hat criterion holds
      inf: Number.isNaN(r.rstudent) && !r.inf ? null : r.inf,
    }));
    result.baujat = inf.baujat.map((b, j) => ({ study: (rows[incl[j] as number] as StudyRow).study, x: b.x, y: na(b.y) }));
  }
  if (s.gosh) {
    const g = gosh(y, v, method, { subsets: s.goshSubsets, seed: s.seed });
    result.gosh = g;
    result.notes.push(g.exact ? `GOSH: all ${g.subsets} subsets of the ${y.length} studies.` : `GOSH: ${g.subsets} random subsets of the ${y.length} studies (k > 15), seed ${s.seed}.`);
  }
  if (s.failSafe) result.fail_safe = failSafeN(y, v);
  if (s.profileCi) {
    if (model !== "random" || y.length < 2) throw new InputError("--profile-ci needs a random-effects model with at least 2 studies", { field: "profileCi" });
    // as metafor's confint(type = "PL"): the restricted likelihood for a REML fit, the full likelihood for every
    // other estimator (ML, and DL, PM, HE, SJ, EB, HS, HSk, PMM)
    result.heterogeneity.tau2_ci_pl = tau2ProfileCi(interceptDesign(y, v), fit.tau2, s.tau2 === "REML", s.level);
  }
}

/** Bubble-plot data as metafor's regplot: the studies (size by weight) and the fitted line with its CI on a grid. */
function bubbleData(rows: readonly StudyRow[], incl: readonly number[], y: ArrayLike<number>, mr: ReturnType<typeof rmaMods>, X: Float64Array, name: string): NonNullable<MetaRegression["bubble"]> {
  const k = mr.k;
  let sw = 0;
  for (let i = 0; i < k; i++) sw += mr.weights[i] as number;
  const points = Array.from({ length: k }, (_, i) => ({ study: (rows[incl[i] as number] as StudyRow).study, x: X[2 * i + 1] as number, yi: y[i] as number, weight: (100 * (mr.weights[i] as number)) / sw }));
  let lo = Infinity;
  let hi = -Infinity;
  for (const p of points) {
    lo = Math.min(lo, p.x);
    hi = Math.max(hi, p.x);
  }
  const [b0, b1] = [mr.coefficients[0]?.estimate ?? NaN, mr.coefficients[1]?.estimate ?? NaN];
  const crit = critValue(mr.level, mr.df);
  const line = Array.from({ length: 101 }, (_, j) => {
    const x = lo + ((hi - lo) * j) / 100;
    const pred = b0 + b1 * x;
    const se = Math.sqrt((mr.vb[0] as number) + 2 * x * (mr.vb[1] as number) + x * x * (mr.vb[3] as number));
    return { x, pred, ci_lb: pred - crit * se, ci_ub: pred + crit * se };
  });
  return { moderator: name, points, line };
}
