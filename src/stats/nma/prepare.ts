/**
 * Studies as read -> studies ready for the network model: the contrasts of every arm relative to the study's
 * baseline arm (its first arm) and their sampling covariance.
 *
 * Arm-level data: every pairwise effect of a study is computed with the project's escalc (core/escalc.ts), and the
 * covariance of two contrasts sharing the baseline b is (v_tb + v_ub - v_tu) / 2 (as netmeta's nma_krahn derives
 * it from the pairwise variances; for OR, RR, RD and MD this is the baseline arm's variance, for SMD it is the
 * approximation netmeta uses). Zero cells (OR, RR, RD): when any arm has no events or only events, 0.5 is added to
 * the events and to the non-events of every arm of the study (netmeta's pairwise with incr = 0.5). For OR and RR a
 * study in which every arm has no events (or only events) carries no information and is left out with a note.
 *
 * Contrast rows: a two-arm study gives one row; a study with a arms must give all a(a-1)/2 pairwise contrasts
 * (netmeta's rule): their variances fix the covariance, and they must be consistent (y_tu = y_tb - y_ub within
 * 0.001, as netmeta's tol.multiarm).
 */
import { InputError } from "../../shared/errors.js";
import { effectSizes } from "../core/escalc.js";
import type { StudyRow } from "../types.js";
import { cholesky } from "./linalg.js";
import type { NmaArm, NmaData, NmaMeasure, NmaStudy, NmaStudyInput } from "./types.js";

const MULTIARM_TOLERANCE = 0.001;

const ALLOWED: Record<"binary" | "continuous" | "contrast", readonly NmaMeasure[]> = {
  binary: ["OR", "RR", "RD"],
  continuous: ["MD", "SMD"],
  contrast: ["GEN", "OR", "RR", "RD", "MD", "SMD"],
};

function loc(s: { row?: number }): { row?: number } {
  return s.row === undefined ? {} : { row: s.row };
}

/** The measure asked for (checked against the data), or the default for the data (OR, MD, GEN). */
export function resolveNmaMeasure(kind: "binary" | "continuous" | "contrast", measure: NmaMeasure | undefined): NmaMeasure {
  const allowed = ALLOWED[kind];
  if (measure === undefined) return allowed[0] as NmaMeasure;
  if (!allowed.includes(measure)) {
    throw new InputError(`measure ${measure} cannot be computed from ${kind === "contrast" ? "contrast rows" : `${kind} arm data`} (use ${allowed.join(", ")})`, { field: "measure" });
  }
  return measure;
}

function hasZeroCell(a: NmaArm): boolean {
  return a.kind === "binary" && (a.events === 0 || a.events === a.total);
}

/** Effect and variance of arm t relative to arm c through escalc (arms already corrected). */
function pairEffect(t: NmaArm, c: NmaArm, measure: NmaMeasure, study: string): { y: number; v: number } {
  let row: StudyRow;
  if (t.kind === "binary" && c.kind === "binary") {
    row = { study, data: { kind: "binary", events_t: t.events, total_t: t.total, events_c: c.events, total_c: c.total } };
  } else if (t.kind === "continuous" && c.kind === "continuous") {
    row = { study, data: { kind: "continuous", mean_t: t.mean, sd_t: t.sd, total_t: t.total, mean_c: c.mean, sd_c: c.sd, total_c: c.total } };
  } else {
    throw new InputError(`study "${study}" mixes arm data kinds`);
  }
  const es = effectSizes([row], measure, { add: 0 });
  return { y: es.yi[0] as number, v: es.vi[0] as number };
}

function armStudy(s: Extract<NmaStudyInput, { kind: "arms" }>, measure: NmaMeasure): NmaStudy | { excluded: string } {
  const binary = s.arms[0]?.kind === "binary";
  const allZero = binary && s.arms.every((a) => a.kind === "binary" && a.events === 0);
  const allEvents = binary && s.arms.every((a) => a.kind === "binary" && a.events === a.total);
  if ((measure === "OR" || measure === "RR") && (allZero || allEvents)) {
    return { excluded: allZero ? `no events in any arm: no information for ${measure}` : `events in every participant of every arm: no information for ${measure}` };
  }
  const corrected = binary && s.arms.some(hasZeroCell);
  const arms: NmaArm[] = corrected ? s.arms.map((a) => (a.kind === "binary" ? { ...a, events: a.events + 0.5, total: a.total + 1 } : a)) : s.arms;
  const p = arms.length - 1;
  const base = arms[0] as NmaArm;
  const y = new Float64Array(p);
  const vb = new Float64Array(p);
  for (let i = 0; i < p; i++) {
    const e = pairEffect(arms[i + 1] as NmaArm, base, measure, s.study);
    y[i] = e.y;
    vb[i] = e.v;
  }
  const V = new Float64Array(p * p);
  for (let i = 0; i < p; i++) {
    V[i * p + i] = vb[i] as number;
    for (let j = i + 1; j < p; j++) {
      const vij = pairEffect(arms[i + 1] as NmaArm, arms[j + 1] as NmaArm, measure, s.study).v;
      const cov = ((vb[i] as number) + (vb[j] as number) - vij) / 2;
      V[i * p + j] = cov;
      V[j * p + i] = cov;
    }
  }
  for (let i = 0; i < p; i++) {
    if (!(Number.isFinite(y[i] as number) && (V[i * p + i] as number) > 0 && Number.isFinite(V[i * p + i] as number))) {
      const arm = arms[i + 1] as NmaArm;
      throw new InputError(`study "${s.study}": the ${measure} of ${arm.treatment} vs ${base.treatment} has no positive variance (an SD of 0, or too few participants)`, loc(arm));
    }
  }
  const totals = s.arms.map((a) => a.total);
  return { study: s.study, ...loc(s), arms: s.arms.map((a) => a.treatment), y, V, participants: totals.reduce((a, b) => a + b, 0), armTotals: totals, corrected };
}

function contrastStudy(s: Extract<NmaStudyInput, { kind: "contrasts" }>): NmaStudy {
  const arms: string[] = [];
  for (const c of s.contrasts) {
    if (!arms.includes(c.treatment2)) arms.push(c.treatment2);
    if (!arms.includes(c.treatment1)) arms.push(c.treatment1);
  }
  // Baseline: treatment2 of the study's first row (so a two-arm study keeps its row's orientation reversed: y = t1 - t2).
  const a = arms.length;
  const need = (a * (a - 1)) / 2;
  if (s.contrasts.length !== need) {
    throw new InputError(
      `study "${s.study}" has ${a} treatments (${arms.join(", ")}) but ${s.contrasts.length} contrast${s.contrasts.length === 1 ? "" : "s"}: a multi-arm study needs all ${need} pairwise contrasts (their variances give the covariance), or give arm-level data`,
      loc(s),
    );
  }
  // effect(t, u) = theta_t - theta_u with its variance, from the rows in either orientation.
  const find = (t: string, u: string): { y: number; v: number } => {
    for (const c of s.contrasts) {
      if (c.treatment1 === t && c.treatment2 === u) return { y: c.yi, v: c.vi };
      if (c.treatment1 === u && c.treatment2 === t) return { y: -c.yi, v: c.vi };
    }
    throw new InputError(`study "${s.study}" has no contrast ${t} vs ${u}; a multi-arm study needs all pairwise contrasts`, loc(s));
  };
  const base = arms[0] as string;
  const p = a - 1;
  const y = new Float64Array(p);
  const V = new Float64Array(p * p);
  for (let i = 0; i < p; i++) {
    const e = find(arms[i + 1] as string, base);
    y[i] = e.y;
    V[i * p + i] = e.v;
  }
  for (let i = 0; i < p; i++) {
    for (let j = i + 1; j < p; j++) {
      const e = find(arms[i + 1] as string, arms[j + 1] as string);
      const expected = (y[i] as number) - (y[j] as number);
      if (Math.abs(e.y - expected) > MULTIARM_TOLERANCE) {
        throw new InputError(
          `study "${s.study}": the contrasts are not consistent: ${arms[i + 1]} vs ${arms[j + 1]} is ${e.y} but ${arms[i + 1]} vs ${base} minus ${arms[j + 1]} vs ${base} is ${expected}`,
          loc(s),
        );
      }
      const cov = ((V[i * p + i] as number) + (V[j * p + j] as number) - e.v) / 2;
      V[i * p + j] = cov;
      V[j * p + i] = cov;
    }
  }
  if (p > 1 && !cholesky(Float64Array.from(V), p)) {
    throw new InputError(`study "${s.study}": the variances of its contrasts are not consistent (they give no valid covariance matrix)`, loc(s));
  }
  return { study: s.study, ...loc(s), arms, y, V, participants: null, armTotals: null, corrected: false };
}

/** Studies as read -> the model's studies (input order), with the studies left out and why. */
export function prepareNetwork(input: readonly NmaStudyInput[], measure: NmaMeasure | undefined): NmaData {
  const first = input[0];
  if (first === undefined) throw new InputError("no studies: the data set is empty");
  const kind: NmaData["kind"] = first.kind === "contrasts" ? "contrast" : first.arms[0]?.kind === "continuous" ? "continuous" : "binary";
  const m = resolveNmaMeasure(kind, measure);
  const studies: NmaStudy[] = [];
  const excluded: NmaData["excluded"] = [];
  const droppedTreatments: string[] = [];
  for (const s of input) {
    if (s.kind === "arms") {
      if (s.arms.length < 2) throw new InputError(`study "${s.study}" has one arm (${s.arms[0]?.treatment ?? "?"}); a study needs at least two treatments`, loc(s));
      const kinds = new Set(s.arms.map((a) => a.kind));
      if (kinds.size > 1 || (s.arms[0]?.kind === "continuous") !== (kind === "continuous")) throw new InputError(`study "${s.study}" mixes arm data kinds`, loc(s));
      const r = armStudy(s, m);
      if ("excluded" in r) {
        excluded.push({ study: s.study, reason: r.excluded });
        droppedTreatments.push(...s.arms.map((a) => a.treatment));
      }
      else studies.push(r);
    } else {
      studies.push(contrastStudy(s));
    }
  }
  return { kind, measure: m, studies, excluded, droppedTreatments };
}
