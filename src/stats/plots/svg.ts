/**
 * Shared SVG helpers for Decidua's plots: XML escaping, text measurement (Liberation Sans advance widths,
 * metric-compatible with Arial), word wrapping, RevMan-style number formatting and a tiny element builder.
 * Pure functions, no I/O.
 */
import { revmanP } from "../core/revman.js";

/** Font stack written into every plot. Liberation Sans (installed) is metric-compatible with Arial. */
export const PLOT_FONT_FAMILY = "'Liberation Sans', Arial, Helvetica, 'DejaVu Sans', sans-serif";

/** Escapes text for XML content and attribute values. */
export function escapeXml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;")
    // Characters XML 1.0 forbids (C0 controls other than tab, LF, CR) are dropped.
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, "");
}

// Advance widths (1/1000 em) of Liberation Sans for U+0020..U+007E, read from the installed TTF files.
const REGULAR_ASCII = [
  278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556, 556, 556, 556, 556,
  556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,
  667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556,
  556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
];
const BOLD_ASCII = [
  278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556, 556, 556, 556, 556,
  556, 556, 333, 333, 584, 584, 584, 611, 975, 722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722, 611, 833, 722, 778,
  667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 333, 278, 333, 584, 556, 333, 556, 611, 556, 611, 556, 333, 611,
  611, 278, 278, 556, 278, 889, 611, 611, 611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584,
];
const REGULAR_EXTRA: Record<number, number> = {
  0x2013: 556, 0x2014: 1000, 0x2018: 222, 0x2019: 222, 0x201c: 333, 0x201d: 333, 0x2022: 350, 0x2026: 1000,
  0x2192: 1000, 0x2212: 584, 0x2264: 549, 0x2265: 549, 0xb2: 333, 0x3c7: 525, 0x3c4: 395, 0xd7: 584, 0xb1: 549, 0xb7: 278,
  0x3b1: 578,
};
const BOLD_EXTRA: Record<number, number> = {
  ...REGULAR_EXTRA, 0x2018: 278, 0x2019: 278, 0x201c: 500, 0x201d: 500, 0x3c7: 576, 0x3c4: 446, 0x3b1: 615,
};

/** Approximate rendered width in px of `text` at `size` px (exact for ASCII in Liberation Sans / Arial). */
export function textWidth(text: string, size: number, bold = false): number {
  const ascii = bold ? BOLD_ASCII : REGULAR_ASCII;
  const extra = bold ? BOLD_EXTRA : REGULAR_EXTRA;
  let units = 0;
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 32;
    if (code >= 32 && code <= 126) units += ascii[code - 32] ?? 556;
    else units += extra[code] ?? (code >= 0xc0 && code <= 0x24f ? 556 : 600);
  }
  return (units / 1000) * size;
}

/** Greedy word wrap to lines no wider than maxWidth (a single over-long word gets its own line). */
export function wrapText(text: string, maxWidth: number, size: number, bold = false): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split("\n")) {
    const words = paragraph.split(/\s+/).filter((w) => w.length > 0);
    let line = "";
    for (const word of words) {
      const candidate = line === "" ? word : `${line} ${word}`;
      if (line !== "" && textWidth(candidate, size, bold) > maxWidth) {
        lines.push(line);
        line = word;
      } else {
        line = candidate;
      }
    }
    lines.push(line);
  }
  return lines;
}

/** Fixed decimals, with "-0.00" shown as "0.00". */
export function formatFixed(x: number, digits: number): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? "NaN" : x > 0 ? "Infinity" : "-Infinity";
  const s = x.toFixed(digits);
  return /^-0(\.0*)?$/.test(s) ? s.slice(1) : s;
}

/** A number as typed by a person: up to `maxDigits` decimals, trailing zeros dropped (3.10 -> "3.1"). */
export function formatPlain(x: number, maxDigits = 2): string {
  const s = formatFixed(x, maxDigits);
  return s.includes(".") ? s.replace(/\.?0+$/, "") : s;
}

/** P value as RevMan prints it ("= 0.05", "< 0.00001"): the one definition in core/revman.ts. */
export const formatP = revmanP;

/** Percentage with one decimal (RevMan weights: "12.3%"). */
export function formatPercent(x: number, digits = 1): string {
  return `${formatFixed(x, digits)}%`;
}

/**
 * Decimals for effect estimates on a linear scale (MD, SMD, RD, GEN): 2 as RevMan, more when the
 * intervals are narrow so that a CI width keeps at least two significant digits (at most 4).
 */
export function linearDigits(ciWidths: readonly number[]): number {
  const finite = ciWidths.filter((w) => Number.isFinite(w) && w > 0).sort((a, b) => a - b);
  if (finite.length === 0) return 2;
  const median = finite[Math.floor(finite.length / 2)] ?? 1;
  return Math.max(2, Math.min(4, 1 - Math.floor(Math.log10(median))));
}

/** Rounds a coordinate for output (2 decimals keeps files small and exact enough). */
export function r2(x: number): number {
  return Math.round(x * 100) / 100;
}

export type TextAnchor = "start" | "middle" | "end";

export interface TextOptions {
  size?: number;
  anchor?: TextAnchor;
  bold?: boolean;
  italic?: boolean;
  fill?: string;
  cls?: string;
  /** Extra attributes, already-safe names; values are escaped. */
  attrs?: Record<string, string | number>;
  rotate?: number;
}

function attrString(attrs: Record<string, string | number | undefined>): string {
  return Object.entries(attrs)
    .filter((e): e is [string, string | number] => e[1] !== undefined)
    .map(([k, v]) => ` ${k}="${typeof v === "number" ? r2(v) : escapeXml(v)}"`)
    .join("");
}

/** Minimal SVG writer: collects elements, then `toString(width, height)`. */
export class SvgBuilder {
  private readonly parts: string[] = [];
  constructor(private readonly defaultSize = 11) {}

  raw(markup: string): this {
    this.parts.push(markup);
    return this;
  }

  text(x: number, y: number, content: string, o: TextOptions = {}): this {
    const attrs: Record<string, string | number | undefined> = {
      x,
      y,
      "font-size": o.size !== undefined && o.size !== this.defaultSize ? o.size : undefined,
      "text-anchor": o.anchor !== undefined && o.anchor !== "start" ? o.anchor : undefined,
      "font-weight": o.bold === true ? "bold" : undefined,
      "font-style": o.italic === true ? "italic" : undefined,
      fill: o.fill,
      class: o.cls,
      transform: o.rotate !== undefined ? `rotate(${r2(o.rotate)} ${r2(x)} ${r2(y)})` : undefined,
      ...(o.attrs ?? {}),
    };
    this.parts.push(`<text${attrString(attrs)}>${escapeXml(content)}</text>`);
    return this;
  }

  line(x1: number, y1: number, x2: number, y2: number, attrs: Record<string, string | number | undefined> = {}): this {
    this.parts.push(`<line${attrString({ x1, y1, x2, y2, stroke: "#000", ...attrs })}/>`);
    return this;
  }

  rect(x: number, y: number, width: number, height: number, attrs: Record<string, string | number | undefined> = {}): this {
    this.parts.push(`<rect${attrString({ x, y, width, height, ...attrs })}/>`);
    return this;
  }

  circle(cx: number, cy: number, r: number, attrs: Record<string, string | number | undefined> = {}): this {
    this.parts.push(`<circle${attrString({ cx, cy, r, ...attrs })}/>`);
    return this;
  }

  polygon(points: ReadonlyArray<readonly [number, number]>, attrs: Record<string, string | number | undefined> = {}): this {
    const pts = points.map(([x, y]) => `${r2(x)},${r2(y)}`).join(" ");
    this.parts.push(`<polygon${attrString({ points: pts, ...attrs })}/>`);
    return this;
  }

  path(d: string, attrs: Record<string, string | number | undefined> = {}): this {
    this.parts.push(`<path${attrString({ d, ...attrs })}/>`);
    return this;
  }

  open(tag: string, attrs: Record<string, string | number | undefined> = {}): this {
    this.parts.push(`<${tag}${attrString(attrs)}>`);
    return this;
  }

  close(tag: string): this {
    this.parts.push(`</${tag}>`);
    return this;
  }

  /** The collected elements without the <svg> wrapper (for nesting in a group). */
  body(): string {
    return this.parts.join("\n");
  }

  toString(width: number, height: number, title?: string): string {
    const w = Math.ceil(width);
    const h = Math.ceil(height);
    const label = title !== undefined ? ` role="img" aria-label="${escapeXml(title)}"` : "";
    const head =
      `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}"${label}` +
      ` font-family="${escapeXml(PLOT_FONT_FAMILY)}" font-size="${this.defaultSize}">`;
    const t = title !== undefined ? `<title>${escapeXml(title)}</title>` : "";
    return `${head}\n${t}<rect x="0" y="0" width="${w}" height="${h}" fill="#fff"/>\n${this.parts.join("\n")}\n</svg>\n`;
  }
}

/** Canvas width that also fits a bold 13 px title drawn at x = 12. */
export function widthWithTitle(width: number, title: string | undefined): number {
  return title === undefined || title === "" ? width : Math.max(width, 12 + textWidth(title, 13, true) + 12);
}

/** Short deterministic hash (FNV-1a, base 36) for ids that must differ between plots inlined in one page. */
export function shortHash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(36);
}

/** Arrowhead path pointing left (dir = -1) or right (dir = 1) with its tip at (x, y). */
export function arrowHead(x: number, y: number, dir: -1 | 1, size = 4): string {
  const bx = x - dir * size * 1.4;
  return `M${r2(x)},${r2(y)} L${r2(bx)},${r2(y - size)} L${r2(bx)},${r2(y + size)} Z`;
}

/** The spacing of a boxed flow diagram (PRISMA, CONSORT): font size, line height, box padding, outer margin, phase-label column. */
export function flowDiagramMetrics(fontSize: number): { fs: number; lineH: number; pad: number; margin: number; phaseW: number } {
  return { fs: fontSize, lineH: fontSize + 4, pad: 8, margin: 12, phaseW: 26 };
}
