/**
 * Analysis of a trial from its participants: the primary (binary) outcome by arm with OR, RR and RD and their
 * Wald intervals, Pearson's chi-square (and with Yates' correction) and Fisher's exact test (src/stats/trial), in the
 * intention-to-treat set (every randomised participant in the arm allocated) and the per-protocol set; by stratum,
 * with the Mantel–Haenszel odds ratio (src/stats/core/mh), the Cochran–Mantel–Haenszel test, the Breslow–Day test of
 * homogeneity (with Tarone's correction) and the likelihood-ratio and Wald tests of the arm × stratum interaction of a
 * logistic regression; pre/post markers within each arm (paired t, Wilcoxon signed rank) and between arms (change
 * scores: Welch t, Wilcoxon rank sum; ANCOVA of post on baseline and arm); and the adverse-event table.
 */
import { InputError, noteRefusals } from "../shared/errors.js";
import { pchisqUpper } from "../stats/core/dist.js";
import { rmaMH } from "../stats/core/mh.js";
import { mannWhitneyU, pairedTTest, twoByTwo, welchTTest, wilcoxonSignedRank } from "../stats/trial/index.js";
import type { TTestResult, TwoByTwoResult, WilcoxonResult } from "../stats/trial/index.js";
import { likelihoodRatioTest, linearModel, logisticModel, type Coefficient } from "../stats/trial/regression.js";

export interface AnalysisParticipant {
  id: string;
  arm: string;
  /** Primary outcome: true = event (e.g. healthy newborn); null = not known. */
  outcome: boolean | null;
  stratum?: string | null;
  /** Received the allocated intervention and followed the protocol (per-protocol set); undefined = not recorded. */
  perProtocol?: boolean;
  pre?: number | null;
  post?: number | null;
}

export interface ArmSummary {
  arm: string;
  randomised: number;
  /** Participants with a known outcome. */
  n: number;
  events: number;
  percent: number;
  missing: number;
}

export interface PrimarySummary {
  or: number;
  or_ci_lb: number;
  or_ci_ub: number;
  rr: number;
  rr_ci_lb: number;
  rr_ci_ub: number;
  rd: number;
  rd_ci_lb: number;
  rd_ci_ub: number;
  /** Pearson's chi-square without continuity correction (chisq.test(correct = FALSE)). */
  chisq: number | null;
  chisq_p: number | null;
  /** With Yates' correction (chisq.test default). */
  chisq_yates_p: number | null;
  fisher_p: number;
}

export interface PrimaryAnalysis {
  set: "itt" | "per-protocol";
  treatment: ArmSummary;
  control: ArmSummary;
  summary: PrimarySummary;
  table: TwoByTwoResult;
  notes: string[];
}

export interface StratumAnalysis {
  stratum: string;
  treatment: ArmSummary;
  control: ArmSummary;
  summary: PrimarySummary | null;
  note?: string;
}

export interface StratifiedAnalysis {
  strata: StratumAnalysis[];
  mantelHaenszel: { or: number; ci_lb: number; ci_ub: number } | null;
  /** mantelhaen.test with continuity correction. */
  cmh: { statistic: number; p: number } | null;
  breslowDay: { statistic: number; df: number; p: number; tarone: number; tarone_p: number } | null;
  /** glm(outcome ~ arm * stratum, binomial): LR test of the interaction terms and each term's Wald z. */
  interaction: { lr: number; df: number; p: number; terms: Coefficient[] } | null;
  notes: string[];
}

export interface ArmMarkers {
  arm: string;
  pairs: number;
  preMean: number;
  postMean: number;
  pairedT: TTestResult | null;
  signedRank: WilcoxonResult | null;
}

export interface MarkerAnalysis {
  withinArm: ArmMarkers[];
  /** Change (post − pre), treatment − control. */
  changeWelch: TTestResult | null;
  changeRankSum: WilcoxonResult | null;
  /** lm(post ~ pre + arm): the arm coefficient (treatment vs control). */
  ancova: { arm: Coefficient; pre: Coefficient; dfResidual: number } | null;
  notes: string[];
}

function armSummary(arm: string, rows: readonly AnalysisParticipant[]): ArmSummary {
  const mine = rows.filter((r) => r.arm === arm);
  const known = mine.filter((r) => r.outcome !== null);
  const events = known.filter((r) => r.outcome === true).length;
  return { arm, randomised: mine.length, n: known.length, events, percent: known.length > 0 ? (100 * events) / known.length : Number.NaN, missing: mine.length - known.length };
}

function summarise(t: TwoByTwoResult): PrimarySummary {
  return {
    or: t.oddsRatio.estimate,
    or_ci_lb: t.oddsRatio.ci_low,
    or_ci_ub: t.oddsRatio.ci_high,
    rr: t.riskRatio.estimate,
    rr_ci_lb: t.riskRatio.ci_low,
    rr_ci_ub: t.riskRatio.ci_high,
    rd: t.riskDifference.estimate,
    rd_ci_lb: t.riskDifference.ci_low,
    rd_ci_ub: t.riskDifference.ci_high,
    chisq: t.pearson?.statistic ?? null,
    chisq_p: t.pearson?.p ?? null,
    chisq_yates_p: t.yates?.p ?? null,
    fisher_p: t.fisher.p,
  };
}

/** The primary outcome, treatment vs control, in the ITT or per-protocol set. */
export function analysePrimary(participants: readonly AnalysisParticipant[], arms: { treatment: string; control: string }, set: "itt" | "per-protocol" = "itt", level = 95): PrimaryAnalysis {
  const notes: string[] = [];
  let rows = participants.filter((p) => p.arm === arms.treatment || p.arm === arms.control);
  if (set === "per-protocol") {
    const unknown = rows.filter((p) => p.perProtocol === undefined).length;
    if (unknown > 0) throw new InputError(`${unknown} participant(s) have no per-protocol status: the per-protocol set cannot be formed`, { field: "perProtocol" });
    const out = rows.filter((p) => p.perProtocol === false).length;
    if (out > 0) notes.push(`${out} participant(s) left out of the per-protocol set`);
    rows = rows.filter((p) => p.perProtocol === true);
  }
  const treatment = armSummary(arms.treatment, rows);
  const control = armSummary(arms.control, rows);
  if (treatment.missing + control.missing > 0)
    notes.push(`outcome not known for ${treatment.missing} (${arms.treatment}) and ${control.missing} (${arms.control}) participant(s): analysed as available cases, not imputed`);
  if (treatment.n === 0 || control.n === 0) throw new InputError(`an arm has no participant with a known outcome (${arms.treatment}: ${treatment.n}, ${arms.control}: ${control.n})`, { field: "outcome" });
  const table = twoByTwo({ eventsT: treatment.events, totalT: treatment.n, eventsC: control.events, totalC: control.n, level });
  return { set, treatment, control, summary: summarise(table), table, notes: [...notes, ...table.notes] };
}

/** Expected treated-arm events under a common odds ratio psi with the table's margins fixed. */
function expectedUnderOr(n1: number, n2: number, m1: number, psi: number): number {
  const lo = Math.max(0, m1 - n2);
  const hi = Math.min(n1, m1);
  if (Math.abs(psi - 1) < 1e-14) return (n1 * m1) / (n1 + n2);
  const a = 1 - psi;
  const b = n2 - m1 + psi * (n1 + m1);
  const c = -psi * n1 * m1;
  const disc = Math.sqrt(b * b - 4 * a * c);
  const r1 = (-b + disc) / (2 * a);
  const r2 = (-b - disc) / (2 * a);
  return r1 >= lo - 1e-9 && r1 <= hi + 1e-9 ? r1 : r2;
}

/** The primary outcome by stratum with the tests of homogeneity and interaction. */
export function analyseByStratum(participants: readonly AnalysisParticipant[], arms: { treatment: string; control: string }, level = 95): StratifiedAnalysis {
  const notes: string[] = [];
  const rows = participants.filter((p) => (p.arm === arms.treatment || p.arm === arms.control) && p.outcome !== null);
  const noStratum = rows.filter((p) => p.stratum === undefined || p.stratum === null || p.stratum === "").length;
  if (noStratum > 0) notes.push(`${noStratum} participant(s) without a stratum left out of the stratified analysis`);
  const used = rows.filter((p) => p.stratum !== undefined && p.stratum !== null && p.stratum !== "");
  const names = [...new Set(used.map((p) => p.stratum as string))];
  if (names.length < 2) throw new InputError(`the stratified analysis needs at least two strata, found ${names.length}`, { field: "strata" });
  const strata: StratumAnalysis[] = names.map((s) => {
    const r = used.filter((p) => p.stratum === s);
    const t = armSummary(arms.treatment, r);
    const c = armSummary(arms.control, r);
    if (t.n === 0 || c.n === 0) return { stratum: s, treatment: t, control: c, summary: null, note: "an arm is empty in this stratum" };
    return { stratum: s, treatment: t, control: c, summary: summarise(twoByTwo({ eventsT: t.events, totalT: t.n, eventsC: c.events, totalC: c.n, level })) };
  });
  const full = strata.filter((s) => s.summary !== null);
  const ai = full.map((s) => s.treatment.events);
  const bi = full.map((s) => s.treatment.n - s.treatment.events);
  const ci = full.map((s) => s.control.events);
  const di = full.map((s) => s.control.n - s.control.events);
  let mantelHaenszel: StratifiedAnalysis["mantelHaenszel"] = null;
  let breslowDay: StratifiedAnalysis["breslowDay"] = null;
  let cmh: StratifiedAnalysis["cmh"] = null;
  if (full.length >= 1) {
    try {
      const mh = rmaMH({ ai, bi, ci, di }, "OR", { level });
      mantelHaenszel = { or: Math.exp(mh.beta), ci_lb: Math.exp(mh.ci_lb), ci_ub: Math.exp(mh.ci_ub) };
      const psi = Math.exp(mh.beta);
      let bd = 0;
      let sumA = 0;
      let sumE = 0;
      let sumV = 0;
      // stratum k's table: events a of n1 in the treatment arm, n2 in control, m1 events in all
      const margins = (k: number) => {
        const a = ai[k] ?? 0;
        return { a, n1: a + (bi[k] ?? 0), n2: (ci[k] ?? 0) + (di[k] ?? 0), m1: a + (ci[k] ?? 0) };
      };
      full.forEach((_, k) => {
        const { a, n1, n2, m1 } = margins(k);
        const e = expectedUnderOr(n1, n2, m1, psi);
        const v = 1 / (1 / e + 1 / (n1 - e) + 1 / (m1 - e) + 1 / (n2 - m1 + e));
        bd += (a - e) ** 2 / v;
        sumA += a;
        sumE += e;
        sumV += v;
      });
      const df = full.length - 1;
      const tarone = bd - (sumA - sumE) ** 2 / sumV;
      if (df >= 1 && Number.isFinite(bd)) breslowDay = { statistic: bd, df, p: pchisqUpper(bd, df), tarone, tarone_p: pchisqUpper(tarone, df) };
      // Cochran–Mantel–Haenszel with continuity correction (mantelhaen.test default)
      let dev = 0;
      let varSum = 0;
      full.forEach((_, k) => {
        const { a, n1, n2, m1 } = margins(k);
        const m2 = n1 + n2 - m1;
        const N = n1 + n2;
        dev += a - (n1 * m1) / N;
        varSum += (n1 * n2 * m1 * m2) / (N * N * (N - 1));
      });
      const stat = (Math.abs(dev) - 0.5) ** 2 / varSum;
      cmh = { statistic: stat, p: pchisqUpper(stat, 1) };
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      notes.push(`Mantel–Haenszel: ${e.reason}`);
    }
  }
  let interaction: StratifiedAnalysis["interaction"] = null;
  try {
    const levels = names;
    const design = (withInteraction: boolean) =>
      used.map((p) => {
        const t = p.arm === arms.treatment ? 1 : 0;
        const dummies = levels.slice(1).map((l) => (p.stratum === l ? 1 : 0));
        return [1, t, ...dummies, ...(withInteraction ? dummies.map((d) => d * t) : [])];
      });
    const y = used.map((p) => (p.outcome === true ? 1 : 0));
    const base = ["(Intercept)", "arm", ...levels.slice(1).map((l) => `stratum${l}`)];
    const inter = levels.slice(1).map((l) => `arm:stratum${l}`);
    const reduced = logisticModel(design(false), y, base, level);
    const fullFit = logisticModel(design(true), y, [...base, ...inter], level);
    if (!fullFit.converged) notes.push("the interaction model did not converge (separation?): its Wald tests are unreliable");
    const lr = likelihoodRatioTest(reduced, fullFit);
    interaction = { lr: lr.statistic, df: lr.df, p: lr.p, terms: fullFit.coefficients.filter((c) => c.name.startsWith("arm:")) };
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    notes.push(`interaction model: ${e.reason}`);
  }
  return { strata, mantelHaenszel, cmh, breslowDay, interaction, notes };
}

/** Pre/post markers: within each arm and between arms (change scores, ANCOVA on baseline). */
export function analyseMarkers(participants: readonly AnalysisParticipant[], arms: { treatment: string; control: string }, level = 95): MarkerAnalysis {
  const notes: string[] = [];
  const complete = participants.filter((p) => (p.arm === arms.treatment || p.arm === arms.control) && typeof p.pre === "number" && typeof p.post === "number");
  const incomplete = participants.filter((p) => p.arm === arms.treatment || p.arm === arms.control).length - complete.length;
  if (incomplete > 0) notes.push(`${incomplete} participant(s) without both a baseline and a follow-up value left out`);
  const tryTest = noteRefusals(notes);
  const withinArm: ArmMarkers[] = [arms.treatment, arms.control].map((arm) => {
    const r = complete.filter((p) => p.arm === arm);
    const pre = r.map((p) => p.pre as number);
    const post = r.map((p) => p.post as number);
    const mean = (v: number[]) => (v.length > 0 ? v.reduce((s, x) => s + x, 0) / v.length : Number.NaN);
    return {
      arm,
      pairs: r.length,
      preMean: mean(pre),
      postMean: mean(post),
      pairedT: tryTest(() => pairedTTest(post, pre, level), `paired t (${arm})`),
      signedRank: tryTest(() => wilcoxonSignedRank(post, pre), `signed-rank test (${arm})`),
    };
  });
  const change = (arm: string) => complete.filter((p) => p.arm === arm).map((p) => (p.post as number) - (p.pre as number));
  const ct = change(arms.treatment);
  const cc = change(arms.control);
  const changeWelch = tryTest(() => welchTTest(ct, cc, level), "change scores, Welch t");
  const changeRankSum = tryTest(() => mannWhitneyU(ct, cc), "change scores, rank-sum test");
  const ancova = tryTest(() => {
    const x = complete.map((p) => [1, p.pre as number, p.arm === arms.treatment ? 1 : 0]);
    const fit = linearModel(x, complete.map((p) => p.post as number), ["(Intercept)", "pre", "arm"], level);
    const [, pre, arm] = fit.coefficients;
    if (pre === undefined || arm === undefined) throw new InputError("ANCOVA: no coefficients");
    return { arm, pre, dfResidual: fit.dfResidual };
  }, "ANCOVA");
  return { withinArm, changeWelch, changeRankSum, ancova, notes };
}

export interface AdverseEvent {
  participant: string;
  arm: string;
  term: string;
  serious: boolean;
}

export interface AdverseEventTable {
  arms: { arm: string; participants: number; withAny: number; withSerious: number; events: number }[];
  terms: { term: string; byArm: Record<string, { participants: number; events: number; serious: number }> }[];
}

/** Adverse events by arm: participants with any / serious event (n of N) and events per term. */
export function adverseEventTable(events: readonly AdverseEvent[], armSizes: Readonly<Record<string, number>>): AdverseEventTable {
  const arms = Object.keys(armSizes);
  const out: AdverseEventTable = {
    arms: arms.map((arm) => {
      const e = events.filter((x) => x.arm === arm);
      return {
        arm,
        participants: armSizes[arm] ?? 0,
        withAny: new Set(e.map((x) => x.participant)).size,
        withSerious: new Set(e.filter((x) => x.serious).map((x) => x.participant)).size,
        events: e.length,
      };
    }),
    terms: [],
  };
  const terms = [...new Set(events.map((e) => e.term))].sort();
  for (const term of terms) {
    const byArm: Record<string, { participants: number; events: number; serious: number }> = {};
    for (const arm of arms) {
      const e = events.filter((x) => x.term === term && x.arm === arm);
      byArm[arm] = { participants: new Set(e.map((x) => x.participant)).size, events: e.length, serious: e.filter((x) => x.serious).length };
    }
    out.terms.push({ term, byArm });
  }
  return out;
}

export interface BaselineComparison {
  arm: string;
  n: number;
  referenceN: number;
  /** Arm mean minus reference mean (Welch t) and the rank-sum test. */
  welch: TTestResult | null;
  rankSum: WilcoxonResult | null;
}

/**
 * Baseline (pre) values of each arm against a non-randomised comparison group (e.g. healthy pregnant women):
 * Welch's t and the Wilcoxon rank-sum test. Descriptive: the comparison group is not randomised.
 */
export function compareBaselineWithReference(participants: readonly AnalysisParticipant[], reference: readonly AnalysisParticipant[], arms: readonly string[], level = 95): { comparisons: BaselineComparison[]; notes: string[] } {
  const notes: string[] = [];
  const ref = reference.map((p) => p.pre).filter((v): v is number => typeof v === "number");
  const comparisons = arms.map((arm) => {
    const x = participants.filter((p) => p.arm === arm).map((p) => p.pre).filter((v): v is number => typeof v === "number");
    const attempt = <T>(f: () => T, what: string): T | null => {
      try {
        return f();
      } catch (e) {
        if (!(e instanceof InputError)) throw e;
        notes.push(`${what} (${arm}): ${e.reason}`);
        return null;
      }
    };
    return { arm, n: x.length, referenceN: ref.length, welch: attempt(() => welchTTest(x, ref, level), "Welch t"), rankSum: attempt(() => mannWhitneyU(x, ref), "rank-sum test") };
  });
  return { comparisons, notes };
}
