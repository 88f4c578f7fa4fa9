/**
 * The audit of a reported result: do its estimate, CI, Z, P, counts, percentages and study counts agree with
 * each other, allowing for the rounding of every printed digit? Pure function; see docs/audit.md.
 */
import { InputError } from "../../shared/errors.js";
import { pvalNormal, qnorm } from "../../stats/core/dist.js";
import { twoByTwo } from "../../stats/trial/twoByTwo.js";
import { fmtNum, fmtP, overlaps, parsePrinted, rangeOver } from "./printed.js";
import type { Interval, Printed } from "./printed.js";
import { ReportedResultSchema } from "./types.js";
import type { ArmCounts, AuditCheck, AuditDerived, AuditResult, PRelation, ReportedResult, ReportedResultInput } from "./types.js";

const RATIO_MEASURES = new Set(["OR", "RR", "HR", "IRR", "PETO_OR"]);
const DIFFERENCE_MEASURES = new Set(["MD", "WMD", "SMD", "RD"]);

const MEASURE_ALIASES: Record<string, string> = {
  "ODDS RATIO": "OR",
  "PETO OR": "PETO_OR",
  "PETO ODDS RATIO": "PETO_OR",
  PETO: "PETO_OR",
  PETOOR: "PETO_OR",
  "RISK RATIO": "RR",
  "RELATIVE RISK": "RR",
  "HAZARD RATIO": "HR",
  "INCIDENCE RATE RATIO": "IRR",
  "MEAN DIFFERENCE": "MD",
  "WEIGHTED MEAN DIFFERENCE": "WMD",
  "STANDARDISED MEAN DIFFERENCE": "SMD",
  "STANDARDIZED MEAN DIFFERENCE": "SMD",
  "RISK DIFFERENCE": "RD",
};

/** Canonical measure code (OR, RR, HR, IRR, PETO_OR, MD, WMD, SMD, RD) or null if unknown. */
export function normaliseMeasure(measure: string): string | null {
  const m = measure.trim().toUpperCase().replace(/[_-]/g, " ").replace(/\s+/g, " ");
  const code = MEASURE_ALIASES[m] ?? m.replace(/ /g, "_");
  return RATIO_MEASURES.has(code) || DIFFERENCE_MEASURES.has(code) ? code : null;
}

/** How a measure is shown in messages. */
function measureName(code: string): string {
  return code === "PETO_OR" ? "Peto OR" : code;
}

export interface PrintedP {
  relation: PRelation;
  printed: Printed;
  /** The values of P compatible with what is printed. */
  range: Interval;
  text: string;
}

/** Read a printed P: "P<0.00001", "p = .04", "0.04", "≤ 0.05". Returns null when it is not a P value. */
export function parsePText(input: string | number | { relation: PRelation; value: string | number }, decimals?: number): PrintedP | null {
  let relation: PRelation = "=";
  let valueText: string | number;
  if (typeof input === "object") {
    relation = input.relation;
    valueText = input.value;
  } else if (typeof input === "number") {
    valueText = input;
  } else {
    const m = /^\s*(?:p\s*(?:value)?\s*)?(=|<=|>=|<|>|≤|≥)?\s*(-?\d*\.?\d+)\s*$/i.exec(input.replace(/[\u2212]/g, "-"));
    if (m === null) return null;
    const rel = m[1] ?? "=";
    relation = rel === "≤" ? "<=" : rel === "≥" ? ">=" : (rel as PRelation);
    valueText = m[2] ?? "";
  }
  const printed = parsePrinted(valueText, decimals);
  if (printed === null || printed.value < 0 || printed.value > 1) return null;
  let range: Interval;
  if (relation === "<" || relation === "<=") range = { lo: 0, hi: printed.value };
  else if (relation === ">" || relation === ">=") range = { lo: printed.value, hi: 1 };
  else range = { lo: Math.max(0, printed.range.lo), hi: Math.min(1, printed.range.hi) };
  const text = `${relation === "=" ? "" : relation === "<=" ? "≤ " : relation === ">=" ? "≥ " : `${relation} `}${printed.text}`;
  return { relation, printed, range, text };
}

function describeP(p: PrintedP): string {
  return p.relation === "=" ? `P printed as ${p.printed.text}` : `P printed as ${p.text}`;
}

function pRangeFromZ(z: Interval): Interval {
  return { lo: pvalNormal(z.hi), hi: pvalNormal(Math.max(0, z.lo)) };
}

/** |f| range from a signed range. */
function absRange(r: Interval): Interval {
  if (r.lo >= 0) return r;
  if (r.hi <= 0) return { lo: -r.hi, hi: -r.lo };
  return { lo: 0, hi: Math.max(-r.lo, r.hi) };
}

function need(p: Printed | null, field: string, raw: unknown): Printed {
  if (p === null) throw new InputError(`not a printed number: ${JSON.stringify(raw)}`, { field });
  return p;
}

/** Audit one reported result. Throws InputError for an unknown measure or unreadable numbers. */
export function auditReportedResult(input: ReportedResultInput): AuditResult {
  const parsed = ReportedResultSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError(issue?.message ?? "invalid reported result", { field: issue?.path.join(".") });
  }
  const r: ReportedResult = parsed.data;
  const code = normaliseMeasure(r.measure);
  if (code === null) throw new InputError(`unknown measure "${r.measure}" (expected OR, RR, HR, IRR, Peto OR, MD, WMD, SMD or RD)`, { field: "measure" });
  const ratio = RATIO_MEASURES.has(code);
  const name = measureName(code);
  const nullText = ratio ? `${name} = 1` : `${name} = 0`;
  const checks: AuditCheck[] = [];
  const problemOf = new Map<AuditCheck, string>();
  const derived: AuditDerived = {};
  const add = (nameOf: string, ok: boolean | null, detail: string, problem?: string): void => {
    const check: AuditCheck = { name: nameOf, status: ok === null ? "not checked" : ok ? "pass" : "fail", detail };
    checks.push(check);
    if (ok === false && problem !== undefined) problemOf.set(check, problem);
  };

  const est = r.estimate === undefined ? null : need(parsePrinted(r.estimate, r.decimals?.estimate), "estimate", r.estimate);
  const lo = r.ci_low === undefined ? null : need(parsePrinted(r.ci_low, r.decimals?.ci), "ci_low", r.ci_low);
  const hi = r.ci_high === undefined ? null : need(parsePrinted(r.ci_high, r.decimals?.ci), "ci_high", r.ci_high);
  const zp = r.z === undefined ? null : need(parsePrinted(r.z, r.decimals?.z), "z", r.z);
  let pp: PrintedP | null = null;
  if (r.p !== undefined) {
    pp = parsePText(r.p, r.decimals?.p);
    if (pp === null) throw new InputError(`not a printed P value: ${JSON.stringify(r.p)}`, { field: "p" });
  }
  const zAbs: Interval | null = zp === null ? null : absRange(zp.range);
  const level = r.level;
  const alpha = Math.round((100 - level) * 1e9) / 1e11;
  const zcrit = qnorm(1 - alpha / 2);
  const g = ratio ? (x: number) => Math.log(Math.max(x, 1e-300)) : (x: number) => x;
  const gi = ratio ? (x: number) => Math.exp(x) : (x: number) => x;
  const ciText = lo !== null && hi !== null ? `${level}% CI ${lo.text} to ${hi.text}` : "";
  let zImplied: Interval | null = null;
  let pImplied: Interval | null = null;

  if (lo !== null && hi !== null) {
    let usable = true;
    if (ratio && [est, lo, hi].some((v) => v !== null && v.value <= 0)) {
      const bad = [est, lo, hi].filter((v): v is Printed => v !== null && v.value <= 0).map((v) => v.text);
      add("ratio-positive", false, `printed ${bad.join(", ")}`, `the ${name} and its CI must be positive, but ${bad.join(" and ")} ${bad.length === 1 ? "is" : "are"} printed (${name} ${est?.text ?? "?"}, ${ciText})`);
      usable = false;
    }
    if (usable && lo.value > hi.value) {
      add("ci-order", false, `${lo.text} > ${hi.text}`, `the CI bounds are reversed: lower bound ${lo.text} is above upper bound ${hi.text}`);
      usable = false;
    }
    if (usable && lo.value === hi.value) {
      // Too few printed digits to tell the bounds apart: nothing to check against, but not an inconsistency.
      add("ci-width", null, `both bounds printed as ${lo.text}: the CI checks need more printed digits`);
      usable = false;
    }
    if (usable) {
      const loR: Interval = ratio ? { lo: Math.max(lo.range.lo, 1e-300), hi: lo.range.hi } : lo.range;
      const hiR: Interval = ratio ? { lo: Math.max(hi.range.lo, 1e-300), hi: hi.range.hi } : hi.range;
      const seOf = (l: number, h: number): number => (g(h) - g(l)) / (2 * zcrit);
      const seRange = rangeOver([loR, hiR], seOf);
      const sePoint = seOf(lo.value, hi.value);
      const centreG = (g(lo.value) + g(hi.value)) / 2;
      const centreRange = rangeOver([loR, hiR], (l, h) => (g(l) + g(h)) / 2);
      derived.se = sePoint;
      derived.se_range = [seRange.lo, seRange.hi];
      derived.ci_centre = gi(centreG);
      const centreText = (v: number): string => fmtSig(v);
      const zCentre = absRange(rangeOver([loR, hiR], (l, h) => (g(l) + g(h)) / 2 / seOf(l, h)));
      let estInside = true;
      if (est !== null) {
        const estR: Interval = ratio ? { lo: Math.max(est.range.lo, 1e-300), hi: est.range.hi } : est.range;
        estInside = overlaps(estR, { lo: loR.lo, hi: hiR.hi });
        if (!estInside) {
          const estG = g(est.value);
          const opposite = Math.sign(estG) !== 0 && Math.sign(estG) === -Math.sign(centreG);
          const mirrored = ratio ? 1 / est.value : -est.value;
          const mirrorFits = mirrored >= loR.lo && mirrored <= hiR.hi;
          const where = `${name} printed as ${est.text} lies outside its ${ciText}`;
          const centreWord = ratio ? "geometric centre" : "centre";
          let problem: string;
          if (opposite && mirrorFits) {
            problem = ratio
              ? `${where}, whose ${centreWord} is ${centreText(gi(centreG))}: the direction of the estimate contradicts its CI (the CI fits ${name} = ${fmtSig(mirrored)}, the inverse)`
              : `${where}, whose ${centreWord} is ${centreText(gi(centreG))}: the sign of the estimate contradicts its CI (the CI fits ${name} = ${fmtSig(mirrored)})`;
          } else if (opposite) {
            problem = `${where}, whose ${centreWord} is ${centreText(gi(centreG))} on the other side of ${nullText}: the ${ratio ? "direction" : "sign"} of the estimate contradicts its CI`;
          } else {
            problem = `${where} (its ${centreWord} is ${centreText(gi(centreG))})`;
          }
          add("estimate-in-ci", false, `estimate ${est.text}, CI ${lo.text} to ${hi.text}`, problem);
        } else {
          add("estimate-in-ci", true, `${est.text} within ${lo.text} to ${hi.text}`);
          const estG: Interval = { lo: g(estR.lo), hi: g(estR.hi) };
          const symmetric = overlaps(estG, centreRange);
          add(
            "ci-symmetric",
            symmetric,
            `${ratio ? "geometric " : ""}centre of the CI ${fmtSig(gi(centreG))} (${fmtSig(gi(centreRange.lo))} to ${fmtSig(gi(centreRange.hi))} allowing for rounding), estimate ${est.text}`,
            `${name} ${est.text} is not at the centre of its ${ciText}${ratio ? " on the log scale" : ""}: the CI is centred on ${fmtSig(gi(centreG))} (${fmtSig(gi(centreRange.lo))} to ${fmtSig(gi(centreRange.hi))} allowing for rounding), ${describeGap(est.value, gi(centreG), ratio)}`,
          );
        }
      }
      // Z and P implied by the estimate (RevMan's Z = estimate / SE) or, when the estimate does not fit the CI,
      // by the CI's centre alone.
      let zPoint: number;
      if (est !== null && estInside) {
        const estR: Interval = ratio ? { lo: Math.max(est.range.lo, 1e-300), hi: est.range.hi } : est.range;
        const zEst = absRange(rangeOver([estR, loR, hiR], (e, l, h) => g(e) / seOf(l, h)));
        zImplied = { lo: Math.min(zEst.lo, zCentre.lo), hi: Math.max(zEst.hi, zCentre.hi) };
        zPoint = Math.abs(g(est.value)) / sePoint;
      } else {
        zImplied = zCentre;
        zPoint = Math.abs(centreG) / sePoint;
      }
      pImplied = pRangeFromZ(zImplied);
      const pPoint = pvalNormal(zPoint);
      derived.z = zPoint;
      derived.z_range = [zImplied.lo, zImplied.hi];
      derived.p = pPoint;
      derived.p_range = [pImplied.lo, pImplied.hi];
      const zRangeText = `${fmtNum(zImplied.lo)} to ${fmtNum(zImplied.hi)} allowing for rounding`;
      const pRangeText = `${fmtP(pImplied.lo)} to ${fmtP(pImplied.hi)} allowing for rounding`;
      if (zp !== null && zAbs !== null) {
        add(
          "z-vs-ci",
          overlaps(zAbs, zImplied),
          `printed Z ${zp.text}, implied ${fmtNum(zPoint)} (${zRangeText})`,
          `Z printed as ${zp.text} but the ${ciText}${est !== null ? ` around ${name} ${est.text}` : ""} implies Z = ${fmtNum(zPoint)} (${zRangeText})`,
        );
      } else add("z-vs-ci", null, "no Z printed");
      if (pp !== null) {
        add(
          "p-vs-ci",
          overlaps(pp.range, pImplied),
          `${describeP(pp)}, implied P = ${fmtP(pPoint)} (${pRangeText})`,
          `${describeP(pp)} but the ${ciText}${est !== null ? ` around ${name} ${est.text}` : ""} implies P = ${fmtP(pPoint)} (Z = ${fmtNum(zPoint)}; ${pRangeText})${zp !== null ? `; printed Z ${zp.text}` : ""}`,
        );
        // Significance: the CI excluding the null must agree with P below alpha (only when both are unambiguous).
        const excludes = g(loR.lo) > 0 || g(hiR.hi) < 0;
        const includes = g(loR.hi) < 0 && g(hiR.lo) > 0;
        const pSignificant = pp.relation === "<" || pp.relation === "<=" ? pp.printed.value <= alpha : pp.range.hi < alpha;
        const pNotSignificant = pp.range.lo >= alpha;
        const alphaText = String(Number(alpha.toPrecision(6)));
        if (includes && pSignificant) {
          add("significance", false, "CI includes the null, P significant", `the ${ciText} includes the null value (${nullText}) but ${describeP(pp)}, below ${alphaText}`);
        } else if (excludes && pNotSignificant) {
          add("significance", false, "CI excludes the null, P not significant", `the ${ciText} excludes the null value (${nullText}) but ${describeP(pp)}, not below ${alphaText}`);
        } else {
          add("significance", true, excludes || includes ? "CI and P agree on significance" : "the CI touches the null value within rounding: either verdict fits");
        }
      } else add("p-vs-ci", null, "no P printed");
    }
  } else {
    add("ci", null, "no CI printed: CI checks not applicable");
  }

  // P against the printed Z (independent of the CI).
  if (pp !== null && zAbs !== null && zp !== null) {
    const pz = pRangeFromZ(zAbs);
    add(
      "p-vs-z",
      overlaps(pp.range, pz),
      `P from printed Z: ${fmtP(pvalNormal(Math.abs(zp.value)))}`,
      `${describeP(pp)} but the printed Z = ${zp.text} implies P = ${fmtP(pvalNormal(Math.abs(zp.value)))} (${fmtP(pz.lo)} to ${fmtP(pz.hi)} allowing for rounding)`,
    );
  }

  // Arm counts and percentages.
  const arms: [string, ArmCounts | undefined][] = [
    ["treated", r.counts?.treated],
    ["control", r.counts?.control],
  ];
  for (const [armName, arm] of arms) {
    if (arm === undefined) continue;
    const label = arm.label ?? `${armName} arm`;
    if (arm.events !== undefined && arm.total !== undefined) {
      add("events-within-total", arm.events <= arm.total, `${label}: ${arm.events}/${arm.total}`, `${label}: ${arm.events} events exceed the ${arm.total} participants`);
    }
    if (arm.percent !== undefined && arm.events !== undefined && arm.total !== undefined) {
      const pc = need(parsePrinted(arm.percent), `counts.${armName}.percent`, arm.percent);
      const exact = (100 * arm.events) / arm.total;
      add(
        "percentage",
        exact >= pc.range.lo && exact <= pc.range.hi,
        `${label}: ${arm.events}/${arm.total} = ${exact.toFixed(Math.max(pc.decimals + 1, 2))}%, printed ${pc.text}%`,
        `${label}: percentage printed as ${pc.text}% but ${arm.events}/${arm.total} = ${exact.toFixed(Math.max(pc.decimals + 1, 2))}% (off by ${Math.abs(exact - pc.value).toFixed(Math.max(pc.decimals + 1, 2))} points)`,
      );
    }
  }
  const pt = r.participants;
  if (pt?.treated !== undefined && pt.control !== undefined && pt.total !== undefined) {
    const sum = pt.treated + pt.control;
    add("participants-total", sum === pt.total, `${pt.treated} + ${pt.control} = ${sum}, stated ${pt.total}`, `participants per arm (${pt.treated} + ${pt.control} = ${sum}) do not add up to the stated total of ${pt.total} (difference ${sum - pt.total})`);
  }
  for (const [armName, arm] of arms) {
    const stated = armName === "treated" ? pt?.treated : pt?.control;
    if (arm?.total !== undefined && stated !== undefined) {
      add("arm-total", arm.total === stated, `${armName}: counts total ${arm.total}, participants ${stated}`, `${armName} arm: the counts use a total of ${arm.total} but ${stated} participants are stated`);
    }
  }

  // A single trial's estimate, CI and P against its own counts.
  const t = r.counts?.treated;
  const c = r.counts?.control;
  if (r.single_study === true && t?.events !== undefined && t.total !== undefined && c?.events !== undefined && c.total !== undefined && t.events <= t.total && c.events <= c.total) {
    if (code === "OR" || code === "RR" || code === "RD") {
      const tab = twoByTwo({ eventsT: t.events, totalT: t.total, eventsC: c.events, totalC: c.total, level });
      const eff = code === "OR" ? tab.oddsRatio : code === "RR" ? tab.riskRatio : tab.riskDifference;
      const countsText = `${t.events}/${t.total} vs ${c.events}/${c.total}`;
      // An OR may be reported with Fisher's exact conditional interval (and the conditional MLE): the Wald-based
      // checks (symmetry, Z and P from the CI, SE) then do not apply.
      const fisherCi =
        code === "OR" && lo !== null && hi !== null && tab.fisher.ci_low >= lo.range.lo && tab.fisher.ci_low <= lo.range.hi && tab.fisher.ci_high >= hi.range.lo && tab.fisher.ci_high <= hi.range.hi;
      if (fisherCi) {
        add("ci-method", true, `the CI is the exact conditional (Fisher) interval for the counts: ${fmtSig(tab.fisher.ci_low, 4)} to ${fmtSig(tab.fisher.ci_high, 4)}`);
        for (const ch of checks) {
          if (["ci-symmetric", "z-vs-ci", "p-vs-ci", "significance"].includes(ch.name) && ch.status !== "not checked") {
            ch.status = "not checked";
            ch.detail += " (not applicable: the CI is Fisher's exact interval, not a Wald interval)";
          }
        }
      }
      if (est !== null) {
        const sampleFits = eff.estimate >= est.range.lo && eff.estimate <= est.range.hi;
        const cmle = tab.fisher.conditionalOddsRatio;
        const cmleFits = code === "OR" && cmle >= est.range.lo && cmle <= est.range.hi;
        add(
          "estimate-vs-counts",
          sampleFits || cmleFits,
          `counts give ${name} = ${fmtSig(eff.estimate, 4)}${code === "OR" ? ` (conditional MLE ${fmtSig(cmle, 4)})` : ""}${!sampleFits && cmleFits ? ": the printed OR is the conditional MLE" : ""}`,
          `${name} printed as ${est.text} but the counts ${countsText} give ${name} = ${fmtSig(eff.estimate, 4)}${tab.continuityCorrected ? " (0.5 added to each cell)" : ""}${code === "OR" ? ` (conditional MLE ${fmtSig(cmle, 4)})` : ""}`,
        );
      }
      if (!fisherCi && derived.se_range !== undefined && derived.se !== undefined) {
        const [a, b] = derived.se_range;
        add(
          "se-vs-counts",
          eff.se >= a && eff.se <= b,
          `SE from counts ${fmtSig(eff.se, 4)}, from the CI ${fmtSig(derived.se, 4)}`,
          `the ${ciText} implies SE = ${fmtSig(derived.se, 4)}${ratio ? " (log scale)" : ""} (${fmtSig(a, 4)} to ${fmtSig(b, 4)} allowing for rounding) but the counts ${countsText} give SE = ${fmtSig(eff.se, 4)}`,
        );
      }
      if (pp !== null) {
        const candidates: [string, number | undefined][] = [
          ["Wald z", eff.p],
          ["Pearson chi-square", tab.pearson?.p],
          ["Yates-corrected chi-square", tab.yates?.p],
          ["Fisher's exact test", tab.fisher.p],
        ];
        const matching = candidates.filter(([, v]) => v !== undefined && v >= pp.range.lo && v <= pp.range.hi).map(([n]) => n);
        const listed = candidates.map(([n, v]) => `${n} ${v === undefined ? "n/a" : fmtP(v)}`).join(", ");
        add(
          "p-vs-counts",
          matching.length > 0,
          matching.length > 0 ? `${describeP(pp)} matches ${matching.join(", ")}` : listed,
          `${describeP(pp)} but the counts ${countsText} give ${listed}`,
        );
      }
    }
  }

  // Study counts stated in the text.
  if (r.k_stated !== undefined && r.k_stated.length > 0) {
    const distinct = [...new Set(r.k_stated)];
    add(
      "study-count",
      distinct.length === 1,
      `stated as ${r.k_stated.join(", ")}`,
      `the analysis is described as ${distinct.slice(0, -1).join(", ")} studies and as ${distinct[distinct.length - 1]} studies`,
    );
  }
  if (r.i2 !== undefined) {
    const i2 = need(parsePrinted(r.i2), "i2", r.i2);
    add("i2-range", i2.value >= 0 && i2.value <= 100, `I² ${i2.text}%`, `I² printed as ${i2.text}% is outside 0 to 100%`);
  }

  const problems = checks.filter((ch) => ch.status === "fail").map((ch) => problemOf.get(ch) ?? `${ch.name}: ${ch.detail}`);
  return { ...(r.label !== undefined ? { label: r.label } : {}), measure: code, consistent: problems.length === 0, problems, checks, derived };
}

/** Formatting of estimates in messages: at least 2 decimals, `digits` significant digits below 1. */
function fmtSig(v: number, digits = 3): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a >= 1) return v.toFixed(Math.max(2, digits - 1 - Math.floor(Math.log10(a))));
  return v.toPrecision(digits);
}

function describeGap(estimate: number, centre: number, ratio: boolean): string {
  if (ratio) return `a ratio of ${(estimate / centre).toFixed(3)} between estimate and centre`;
  return `a gap of ${fmtSig(Math.abs(estimate - centre))}`;
}
