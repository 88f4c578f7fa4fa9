/**
 * `networkMetaAnalysis`: prepared studies -> the complete result of `decidua nma --json`.
 *
 * - estimates of every treatment relative to the reference, fixed or random effects (model.ts);
 * - heterogeneity: tau² (REML or netmeta's generalised DL), Q of the fixed-effect consistency model, I²;
 * - inconsistency: Q split into within-design and between-design parts (Krahn, König & Binder 2013; netmeta's
 *   decomp.design), per-design Q, and the between-design Q under the full design-by-treatment interaction random
 *   effects model (tau² of that model by generalised DL, as netmeta's tau.within);
 * - node-splitting by back-calculation (König, Krahn & Binder 2013; netmeta's netsplit, method "Back-calculation");
 * - P-scores (Rücker & Schwarzer 2015); the league table.
 */
import { InputError } from "../../shared/errors.js";
import { critValue, pchisqUpper, pnorm, pvalNormal } from "../core/dist.js";
import { assertConnected, designOf, edges } from "./graph.js";
import { glsFit, parameterColumns, qDf, tau2DL, tau2REML, type NetworkStudy } from "./model.js";
import { NmaOptionsSchema, type NmaData, type NmaOptions, type NmaQTest, type NmaResult } from "./types.js";

/** Tolerance of netmeta's netsplit for "only direct" / "only indirect" evidence (tol.direct). */
const TOL_DIRECT = 0.0005;

function qTest(Q: number, df: number): NmaQTest {
  return { Q, df, pval: df > 0 ? pchisqUpper(Q, df) : null };
}

interface Interval {
  estimate: number;
  se: number;
  ci_lb: number;
  ci_ub: number;
}

function interval(estimate: number, se: number, z: number): Interval {
  return { estimate, se, ci_lb: estimate - z * se, ci_ub: estimate + z * se };
}

/** Fits the network model and derives every reported quantity. */
export function networkMetaAnalysis(data: NmaData, rawOptions: NmaOptions = {}): NmaResult {
  const parsed = NmaOptionsSchema.safeParse(rawOptions);
  if (!parsed.success) throw new InputError(parsed.error.issues[0]?.message ?? "bad options", { field: String(parsed.error.issues[0]?.path[0] ?? "options") });
  const o = parsed.data;
  const model = o.model ?? "random";
  const tau2Method = o.tau2 ?? "REML";
  const level = o.level ?? 95;
  const zc = critValue(level, null);
  const notes: string[] = [];
  if (data.studies.length === 0) throw new InputError("no study can enter the network (see the excluded studies)");

  // Treatments in order of first appearance; the reference first.
  const seen: string[] = [];
  for (const s of data.studies) for (const a of s.arms) if (!seen.includes(a)) seen.push(a);
  const studyCount = new Map<string, number>(seen.map((t) => [t, 0]));
  for (const s of data.studies) for (const a of s.arms) studyCount.set(a, (studyCount.get(a) ?? 0) + 1);
  const onlyExcluded = [...new Set(data.droppedTreatments ?? [])].filter((t) => !seen.includes(t));
  if (onlyExcluded.length > 0) notes.push(`not in the network (only in studies left out): ${onlyExcluded.join(", ")}`);
  assertConnected(seen, data.studies);
  if (seen.length < 2) throw new InputError("a network needs at least two treatments");
  let reference: string;
  if (o.reference !== undefined) {
    if (!seen.includes(o.reference)) {
      const dropped = data.excluded.length > 0 ? " (or it is only in studies left out)" : "";
      throw new InputError(`reference treatment "${o.reference}" is not in the network${dropped}; treatments: ${seen.join(", ")}`, { field: "reference" });
    }
    reference = o.reference;
  } else {
    reference = seen.reduce((best, t) => ((studyCount.get(t) ?? 0) > (studyCount.get(best) ?? 0) ? t : best), seen[0] as string);
    notes.push(`reference treatment: ${reference} (the treatment in the most studies; --reference to choose)`);
  }
  const treatments = [reference, ...seen.filter((t) => t !== reference)];
  const n = treatments.length;
  const order = new Map(treatments.map((t, i) => [t, i]));
  const p = n - 1;
  const cols = parameterColumns(n, 0);
  const net: NetworkStudy[] = data.studies.map((s) => ({ arms: Int32Array.from(s.arms.map((a) => order.get(a) as number)), y: s.y, V: s.V }));

  // Fixed-effect fit: Q, df, and the generalised DL tau².
  const fixed = glsFit(net, cols, p, 0, true);
  const df = qDf(net, p);
  const dl = tau2DL(fixed, df);
  let tau2: number;
  if (tau2Method === "DL") tau2 = dl;
  else tau2 = df > 0 ? tau2REML(net, cols, p, dl).tau2 : 0;
  if (df === 0) notes.push("no degrees of freedom for heterogeneity (as many parameters as contrasts): tau² is 0 and Q has no test");
  const useTau2 = model === "random" ? tau2 : 0;
  const fit = useTau2 === 0 ? fixed : glsFit(net, cols, p, useTau2, false);

  const d = (t: number): number => (t === 0 ? 0 : (fit.beta[t - 1] as number));
  const cov = (i: number, j: number): number => (i === 0 || j === 0 ? 0 : (fit.vb[(i - 1) * p + (j - 1)] as number));
  const varDiff = (i: number, j: number): number => cov(i, i) + cov(j, j) - 2 * cov(i, j);

  const estimates = treatments.slice(1).map((t, k) => {
    const est = fit.beta[k] as number;
    const se = Math.sqrt(fit.vb[k * p + k] as number);
    const z = est / se;
    return { treatment: t, estimate: est, se, ci_lb: est - zc * se, ci_ub: est + zc * se, zval: z, pval: pvalNormal(z) };
  });

  const Q = fixed.Q;
  const heterogeneity = {
    tau2,
    tau: Math.sqrt(tau2),
    Q,
    Q_df: df,
    Q_pval: df > 0 ? pchisqUpper(Q, df) : null,
    I2: df > 0 && Q > 0 ? Math.max(0, (Q - df) / Q) * 100 : df > 0 ? 0 : null,
  };

  // Designs and the decomposition of Q.
  const designNames = data.studies.map((s) => designOf(s.arms, order));
  const designs = [...new Set(designNames)];
  let qWithin = 0;
  let dfWithin = 0;
  let trace2Within = 0;
  const byDesign: NmaResult["inconsistency"]["by_design"] = [];
  const designNets: { net: NetworkStudy[]; cols: Int32Array; p: number }[] = [];
  const byDesignMembers = new Map<string, NetworkStudy[]>(designs.map((dn) => [dn, []]));
  net.forEach((st, i) => byDesignMembers.get(designNames[i] as string)?.push(st));
  for (const dn of designs) {
    const members = byDesignMembers.get(dn) ?? [];
    const local = dn.split(":").map((t) => order.get(t) as number);
    const localIndex = new Map(local.map((t, i) => [t, i]));
    const dnet = members.map((s) => ({ arms: Int32Array.from(Array.from(s.arms, (a) => localIndex.get(a) as number)), y: s.y, V: s.V }));
    const dp = local.length - 1;
    const dcols = parameterColumns(local.length, 0);
    const f = glsFit(dnet, dcols, dp, 0, true);
    const ddf = members.length * dp - dp;
    qWithin += f.Q;
    dfWithin += ddf;
    trace2Within += f.trace2 as number;
    byDesign.push({ design: dn, studies: members.length, Q: ddf > 0 ? f.Q : 0, df: ddf, pval: ddf > 0 ? pchisqUpper(f.Q, ddf) : null });
    designNets.push({ net: dnet, cols: dcols, p: dp });
  }
  const dfBetween = df - dfWithin;
  const qBetween = Q - qWithin;
  let betweenRandom: NmaResult["inconsistency"]["between_designs_random"] = null;
  if (n > 2) {
    const t1 = fixed.trace1 as number;
    const tauW = dfWithin > 0 && t1 !== trace2Within ? Math.max(0, (qWithin - dfWithin) / (t1 - trace2Within)) : 0;
    const qNet = tauW === 0 ? Q : glsFit(net, cols, p, tauW, false).Q;
    const qHet = tauW === 0 ? qWithin : designNets.reduce((a, x) => a + glsFit(x.net, x.cols, x.p, tauW, false).Q, 0);
    betweenRandom = { ...qTest(qNet - qHet, dfBetween), tau2_within: tauW };
  }
  const inconsistency = {
    total: qTest(Q, df),
    within_designs: qTest(qWithin, dfWithin),
    between_designs: qTest(qBetween, dfBetween),
    between_designs_random: betweenRandom,
    by_design: byDesign,
  };

  // Node-splitting by back-calculation, under the model of the estimates. Direct evidence per pair, accumulated
  // over the pairs of arms of every study (inverse-variance pooling of the pairwise contrasts).
  const pairW = new Float64Array(n * n);
  const pairWY = new Float64Array(n * n);
  const pairK = new Int32Array(n * n);
  for (const s of net) {
    const q = s.y.length;
    const c = (a: number): number => (a === 0 ? 0 : (s.y[a - 1] as number));
    const v = (a: number, b: number): number => (a === 0 || b === 0 ? 0 : (s.V[(a - 1) * q + (b - 1)] as number));
    for (let a = 0; a <= q; a++) {
      for (let b = a + 1; b <= q; b++) {
        const ta = s.arms[a] as number;
        const tb = s.arms[b] as number;
        // pair (i, j) with i < j; contrast = theta_j - theta_i
        const [i, j, ai, aj] = ta < tb ? [ta, tb, a, b] : [tb, ta, b, a];
        const y = c(aj) - c(ai);
        const vv = v(aj, aj) + v(ai, ai) - 2 * v(ai, aj) + useTau2;
        pairW[i * n + j] = (pairW[i * n + j] as number) + 1 / vv;
        pairWY[i * n + j] = (pairWY[i * n + j] as number) + y / vv;
        pairK[i * n + j] = (pairK[i * n + j] as number) + 1;
      }
    }
  }
  const nodeSplit: NmaResult["node_split"] = [];
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const k = pairK[i * n + j] as number;
      const sw = pairW[i * n + j] as number;
      const swy = pairWY[i * n + j] as number;
      if (k === 0) continue;
      const dirEst = swy / sw;
      const dirVar = 1 / sw;
      const nmaEst = d(j) - d(i);
      const nmaVar = varDiff(i, j);
      const P = nmaVar / dirVar;
      if (Math.abs(P - 1) < TOL_DIRECT || P > 1) continue;
      const indEst = (nmaEst - P * dirEst) / (1 - P);
      const indSe = Math.sqrt(nmaVar / (1 - P));
      const diff = dirEst - indEst;
      const diffSe = Math.sqrt(dirVar + indSe * indSe);
      const z = diff / diffSe;
      nodeSplit.push({
        comparison: `${treatments[j]} vs ${treatments[i]}`,
        treatment1: treatments[j] as string,
        treatment2: treatments[i] as string,
        k,
        direct_proportion: P,
        nma: interval(nmaEst, Math.sqrt(nmaVar), zc),
        direct: interval(dirEst, Math.sqrt(dirVar), zc),
        indirect: interval(indEst, indSe, zc),
        difference: { estimate: diff, se: diffSe, zval: z, pval: pvalNormal(z) },
      });
    }
  }

  // P-scores and the league table.
  const sign = o.largerBetter === true ? 1 : -1;
  const pscores = treatments.map((t, i) => {
    let s = 0;
    for (let j = 0; j < n; j++) if (j !== i) s += pnorm((sign * (d(i) - d(j))) / Math.sqrt(varDiff(i, j)));
    return { treatment: t, pscore: s / (n - 1) };
  });
  const cells = treatments.map((_, i) => treatments.map((__, j) => (i === j ? null : interval(d(i) - d(j), Math.sqrt(varDiff(i, j)), zc))));

  const corrected = data.studies.filter((s) => s.corrected);
  if (corrected.length > 0) notes.push(`0.5 added to the events and non-events of every arm of ${corrected.length} stud${corrected.length === 1 ? "y" : "ies"} with a zero cell: ${corrected.map((s) => s.study).join(", ")}`);
  for (const e of data.excluded) notes.push(`left out: ${e.study} (${e.reason})`);
  if (model === "fixed") notes.push(`fixed-effect model: tau² (${tau2Method}) is reported but not used by the estimates`);

  const participants = new Map<string, number | null>(treatments.map((t) => [t, 0]));
  for (const s of data.studies) {
    s.arms.forEach((a, idx) => {
      const cur = participants.get(a);
      const add = s.armTotals?.[idx];
      participants.set(a, cur === null || cur === undefined || add === undefined ? null : cur + add);
    });
  }

  return {
    measure: data.measure,
    input: data.kind,
    model,
    tau2_method: model === "random" || df > 0 ? tau2Method : null,
    level,
    reference,
    k: data.studies.length,
    n,
    m: net.reduce((a, s) => a + s.y.length, 0),
    designs: designs.length,
    multi_arm: data.studies.filter((s) => s.arms.length > 2).length,
    treatments: treatments.map((t) => ({ treatment: t, studies: studyCount.get(t) ?? 0, participants: participants.get(t) ?? null })),
    estimates,
    heterogeneity,
    inconsistency,
    node_split: nodeSplit,
    league: {
      orientation: "cells[row][column] = row treatment relative to column treatment (analysis scale: log ratio for OR and RR); the reverse comparison is the negative",
      treatments,
      cells,
    },
    pscores,
    pscore_direction: o.largerBetter === true ? "larger is better" : "smaller is better",
    studies: data.studies.map((s, i) => ({ study: s.study, arms: s.arms, design: designNames[i] as string, participants: s.participants, continuity_corrected: s.corrected })),
    excluded: data.excluded,
    edges: edges(treatments, data.studies),
    notes,
  };
}
