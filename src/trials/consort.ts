/**
 * CONSORT 2025 flow diagram computed from the trial's data (enrolment, allocation, follow-up, analysis), checked
 * box by box, and drawn as SVG in the style of the project's PRISMA diagram (src/evidence/plots/prisma.ts).
 */
import { InputError } from "../shared/errors.js";
import { SvgBuilder, flowDiagramMetrics, wrapText } from "../stats/plots/svg.js";

/** What happened to a randomised participant after allocation, as the CONSORT flow counts it (and the trial store keeps it). */
export interface AllocationCourse {
  /** false = did not receive the allocated intervention. */
  receivedAllocated?: boolean | undefined;
  notReceivedReason?: string | undefined;
  lostToFollowUp?: boolean | undefined;
  lostReason?: string | undefined;
  discontinued?: boolean | undefined;
  discontinuedReason?: string | undefined;
}

export interface ConsortCandidate extends AllocationCourse {
  /** Randomised arm id, or null when not randomised. */
  arm: string | null;
  /** Why a candidate assessed for eligibility was not randomised (e.g. "not meeting inclusion criteria", "declined"). */
  exclusionReason?: string | undefined;
  /** Included in the primary analysis (default: randomised and not lost to follow-up). */
  analysed?: boolean | undefined;
  excludedFromAnalysisReason?: string | undefined;
  /** Allocation revealed by emergency unblinding. */
  unblinded?: boolean | undefined;
}

export interface ReasonCount {
  reason: string;
  n: number;
}

export interface ConsortArm {
  arm: string;
  label: string;
  allocated: number;
  received: number;
  notReceived: ReasonCount[];
  lost: ReasonCount[];
  discontinued: ReasonCount[];
  analysed: number;
  excludedFromAnalysis: ReasonCount[];
  unblinded: number;
}

export interface ConsortFlow {
  assessed: number;
  excluded: ReasonCount[];
  randomised: number;
  arms: ConsortArm[];
  /** Non-randomised comparison groups (e.g. healthy pregnant controls), shown beside the flow. */
  groups: { label: string; n: number }[];
}

function reasons(items: readonly (string | undefined)[], fallback: string): ReasonCount[] {
  const m = new Map<string, number>();
  for (const r of items) {
    const k = r === undefined || r.trim() === "" ? fallback : r.trim();
    m.set(k, (m.get(k) ?? 0) + 1);
  }
  return [...m.entries()].map(([reason, n]) => ({ reason, n })).sort((a, b) => b.n - a.n || a.reason.localeCompare(b.reason));
}

const total = (r: readonly ReasonCount[]) => r.reduce((s, x) => s + x.n, 0);

/** Counts every box from the candidates (everyone assessed for eligibility). */
export function consortFlow(candidates: readonly ConsortCandidate[], arms: readonly { id: string; label: string }[], groups: readonly { label: string; n: number }[] = []): ConsortFlow {
  for (const c of candidates) if (c.arm !== null && !arms.some((a) => a.id === c.arm)) throw new InputError(`arm "${c.arm}" is not an arm of the trial`, { field: "arm" });
  const notRandomised = candidates.filter((c) => c.arm === null);
  return {
    assessed: candidates.length,
    excluded: reasons(notRandomised.map((c) => c.exclusionReason), "other reasons"),
    randomised: candidates.length - notRandomised.length,
    arms: arms.map((a) => {
      const mine = candidates.filter((c) => c.arm === a.id);
      const notReceived = mine.filter((c) => c.receivedAllocated === false);
      const lost = mine.filter((c) => c.lostToFollowUp === true);
      const disc = mine.filter((c) => c.discontinued === true);
      const analysed = mine.filter((c) => c.analysed ?? c.lostToFollowUp !== true);
      const notAnalysed = mine.filter((c) => !(c.analysed ?? c.lostToFollowUp !== true));
      return {
        arm: a.id,
        label: a.label,
        allocated: mine.length,
        received: mine.length - notReceived.length,
        notReceived: reasons(notReceived.map((c) => c.notReceivedReason), "reason not given"),
        lost: reasons(lost.map((c) => c.lostReason), "reason not given"),
        discontinued: reasons(disc.map((c) => c.discontinuedReason), "reason not given"),
        analysed: analysed.length,
        excludedFromAnalysis: reasons(notAnalysed.map((c) => c.excludedFromAnalysisReason ?? (c.lostToFollowUp === true ? "lost to follow-up" : undefined)), "reason not given"),
        unblinded: mine.filter((c) => c.unblinded === true).length,
      };
    }),
    groups: [...groups],
  };
}

/** Throws InputError naming the box whose count does not follow from the boxes above it. */
export function checkConsortFlow(f: ConsortFlow): void {
  const fail = (field: string, msg: string): never => {
    throw new InputError(`CONSORT box "${field}": ${msg}`, { field });
  };
  if (f.randomised !== f.assessed - total(f.excluded)) fail("randomised", `${f.randomised} randomised, but ${f.assessed} assessed - ${total(f.excluded)} excluded = ${f.assessed - total(f.excluded)}`);
  const alloc = f.arms.reduce((s, a) => s + a.allocated, 0);
  if (alloc !== f.randomised) fail("allocated", `${alloc} allocated across arms, but ${f.randomised} randomised`);
  for (const a of f.arms) {
    if (a.received !== a.allocated - total(a.notReceived)) fail(`${a.arm}.received`, `${a.received} received, but ${a.allocated} allocated - ${total(a.notReceived)} not received`);
    if (a.analysed !== a.allocated - total(a.excludedFromAnalysis)) fail(`${a.arm}.analysed`, `${a.analysed} analysed, but ${a.allocated} allocated - ${total(a.excludedFromAnalysis)} excluded from analysis`);
  }
}

/** The CONSORT 2025 flow diagram as an SVG string (one column per arm). */
export function consortSvg(f: ConsortFlow, options: { title?: string; fontSize?: number } = {}): string {
  checkConsortFlow(f);
  const { fs, lineH, pad, margin, phaseW } = flowDiagramMetrics(options.fontSize ?? 11);
  const boxW = 230;
  const gap = 30;
  const k = f.arms.length;
  const left = margin + phaseW + 14;
  const flowW = k * boxW + (k - 1) * gap;
  const sideW = 250;
  const rightEdge = Math.max(flowW, flowW / 2 + boxW / 2 + 56 + sideW);
  const totalW = left + rightEdge + margin + (f.groups.length > 0 ? sideW + gap : 0);
  const svg = new SvgBuilder(fs);
  let y = margin;
  if (options.title !== undefined && options.title !== "") {
    svg.text(margin, y + 13, options.title, { size: 13, bold: true, cls: "title" });
    y += 25;
  }
  const wrap = (lines: string[], w: number) => lines.flatMap((l) => wrapText(l, w - 2 * pad, fs).map((t) => t));
  const box = (x: number, top: number, w: number, lines: string[], id: string, minLines = 2): number => {
    const wl = wrap(lines, w);
    const h = Math.max(wl.length, minLines) * lineH + 2 * pad - 2;
    svg.rect(x, top, w, h, { fill: "#ffffff", stroke: "#000", "stroke-width": 0.9, class: "consort-box", "data-box": id });
    wl.forEach((t, i) => svg.text(x + pad, top + pad + fs * 0.9 + 1 + i * lineH, t));
    return h;
  };
  const arrow = (x1: number, y1: number, x2: number, y2: number) => {
    svg.line(x1, y1, x2, y2, { "stroke-width": 1 });
    const dx = Math.sign(x2 - x1);
    const dy = Math.sign(y2 - y1);
    if (dy !== 0) svg.path(`M${x2},${y2} L${x2 - 4},${y2 - 8 * dy} L${x2 + 4},${y2 - 8 * dy} Z`, { fill: "#000" });
    else svg.path(`M${x2},${y2} L${x2 - 8 * dx},${y2 - 4} L${x2 - 8 * dx},${y2 + 4} Z`, { fill: "#000" });
  };
  const phases: { name: string; top: number; bottom: number }[] = [];
  const rl = (r: readonly ReasonCount[]) => r.map((x) => `  ${x.reason} (n = ${x.n})`);
  // Enrolment
  const enrolTop = y;
  const cx = left + flowW / 2;
  const mainX = cx - boxW / 2;
  const hA = box(mainX, y, boxW, ["Assessed for eligibility", `(n = ${f.assessed})`], "assessed");
  const exX = mainX + boxW + 56;
  const exTop = y + hA + 10;
  const hE = box(exX, exTop, sideW, [`Excluded (n = ${total(f.excluded)})`, ...rl(f.excluded)], "excluded");
  arrow(cx, exTop + hE / 2, exX, exTop + hE / 2);
  const randTop = exTop + hE + 10;
  arrow(cx, y + hA, cx, randTop);
  const hR = box(mainX, randTop, boxW, ["Randomised", `(n = ${f.randomised})`], "randomised");
  if (f.groups.length > 0) {
    const gx = left + rightEdge + gap;
    box(gx, y, sideW, ["Non-randomised comparison group(s):", ...f.groups.map((g) => `  ${g.label} (n = ${g.n})`)], "groups");
  }
  y = randTop + hR;
  phases.push({ name: "Enrolment", top: enrolTop, bottom: y });
  y += 24;
  const colX = (i: number) => left + i * (boxW + gap);
  const row = (name: string, linesFor: (a: ConsortArm) => string[], id: string) => {
    const top = y;
    const heights = f.arms.map((a) => wrap(linesFor(a), boxW).length);
    const maxLines = Math.max(...heights, 2);
    f.arms.forEach((a, i) => {
      box(colX(i), top, boxW, linesFor(a), `${id}-${a.arm}`, maxLines);
    });
    const h = maxLines * lineH + 2 * pad - 2;
    phases.push({ name, top, bottom: top + h });
    y = top + h + 24;
    return { top, h };
  };
  const prevBottom = randTop + hR;
  const alloc = row(
    "Allocation",
    (a) => [`Allocated to ${a.label} (n = ${a.allocated})`, `  Received allocated intervention (n = ${a.received})`, `  Did not receive allocated intervention (n = ${total(a.notReceived)})`, ...rl(a.notReceived).map((s) => `  ${s}`), ...(a.unblinded > 0 ? [`  Emergency unblinding (n = ${a.unblinded})`] : [])],
    "allocated",
  );
  const busY = prevBottom + 12;
  svg.line(cx, prevBottom, cx, busY, { "stroke-width": 1 });
  svg.line(colX(0) + boxW / 2, busY, colX(k - 1) + boxW / 2, busY, { "stroke-width": 1 });
  f.arms.forEach((_, i) => arrow(colX(i) + boxW / 2, busY, colX(i) + boxW / 2, alloc.top));
  const fu = row("Follow-up", (a) => [`Lost to follow-up (n = ${total(a.lost)})`, ...rl(a.lost), `Discontinued intervention (n = ${total(a.discontinued)})`, ...rl(a.discontinued)], "followup");
  f.arms.forEach((_, i) => arrow(colX(i) + boxW / 2, alloc.top + alloc.h, colX(i) + boxW / 2, fu.top));
  const an = row("Analysis", (a) => [`Analysed (n = ${a.analysed})`, `  Excluded from analysis (n = ${total(a.excludedFromAnalysis)})`, ...rl(a.excludedFromAnalysis).map((s) => `  ${s}`)], "analysed");
  f.arms.forEach((_, i) => arrow(colX(i) + boxW / 2, fu.top + fu.h, colX(i) + boxW / 2, an.top));
  for (const p of phases) {
    svg.rect(margin, p.top, phaseW, p.bottom - p.top, { fill: "#bcd7ee", stroke: "#4a6f91", "stroke-width": 0.8, rx: 4, class: "consort-phase" });
    svg.text(margin + phaseW / 2 + fs * 0.35, (p.top + p.bottom) / 2, p.name, { anchor: "middle", bold: true, rotate: -90 });
  }
  return svg.toString(totalW, y - 24 + margin, options.title ?? "CONSORT 2025 flow diagram");
}
