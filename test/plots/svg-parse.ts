import { textWidth } from "../../src/stats/plots/svg.js";

/**
 * A small, strict XML reader for the tests: elements with attributes and text, entity decoding, and
 * a check that tags balance (so a broken plot fails here, not only in a viewer).
 */
export interface El {
  tag: string;
  attrs: Record<string, string>;
  text: string;
  children: El[];
  parent: El | null;
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

export function decode(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (m, e: string) => {
    if (e.startsWith("#x")) return String.fromCodePoint(parseInt(e.slice(2), 16));
    if (e.startsWith("#")) return String.fromCodePoint(parseInt(e.slice(1), 10));
    const v = ENTITIES[e];
    if (v === undefined) throw new Error(`unknown entity ${m}`);
    return v;
  });
}

export function parseSvg(xml: string): El {
  const root: El = { tag: "#root", attrs: {}, text: "", children: [], parent: null };
  let cur = root;
  const re = /<(\/?)([a-zA-Z][\w:-]*)((?:\s+[\w:-]+="[^"]*")*)\s*(\/?)>|([^<]+)/gy;
  let pos = 0;
  while (pos < xml.length) {
    re.lastIndex = pos;
    const m = re.exec(xml);
    if (m === null) throw new Error(`malformed XML at ${pos}: ${xml.slice(pos, pos + 40)}`);
    pos = re.lastIndex;
    if (m[5] !== undefined) {
      if (m[5].includes("&") && !/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/.test(m[5])) throw new Error(`unescaped & in text: ${m[5]}`);
      cur.text += decode(m[5]);
      continue;
    }
    const [, closing, tag, attrText, selfClosing] = m;
    if (closing === "/") {
      if (cur.tag !== tag) throw new Error(`</${tag}> closes <${cur.tag}>`);
      cur = cur.parent ?? root;
      continue;
    }
    const attrs: Record<string, string> = {};
    for (const a of (attrText ?? "").matchAll(/([\w:-]+)="([^"]*)"/g)) {
      if (a[2]!.includes("<")) throw new Error(`unescaped < in attribute ${a[1]}`);
      attrs[a[1]!] = decode(a[2]!);
    }
    const el: El = { tag: tag!, attrs, text: "", children: [], parent: cur };
    cur.children.push(el);
    if (selfClosing !== "/") cur = el;
  }
  if (cur !== root) throw new Error(`unclosed <${cur.tag}>`);
  const svg = root.children.find((c) => c.tag === "svg");
  if (svg === undefined) throw new Error("no <svg> element");
  return svg;
}

export function all(el: El, pred: (e: El) => boolean = () => true): El[] {
  const out: El[] = [];
  const walk = (e: El): void => {
    for (const c of e.children) {
      if (pred(c)) out.push(c);
      walk(c);
    }
  };
  walk(el);
  return out;
}

export const byClass = (el: El, cls: string): El[] => all(el, (e) => (e.attrs.class ?? "").split(/\s+/).includes(cls));
export const texts = (el: El): El[] => all(el, (e) => e.tag === "text");
export const num = (e: El, a: string): number => {
  const v = e.attrs[a];
  if (v === undefined) throw new Error(`<${e.tag}> has no ${a}`);
  return Number(v);
};
export function polygonPoints(e: El): Array<[number, number]> {
  return (e.attrs.points ?? "")
    .trim()
    .split(/\s+/)
    .map((p) => p.split(",").map(Number) as [number, number]);
}

/** Fits x = a + b * f(v) through the first and last tick, f = ln for log axes; returns the mapping. */
export function fitAxis(ticks: Array<{ value: number; x: number }>, log: boolean): (v: number) => number {
  const f = (v: number): number => (log ? Math.log(v) : v);
  const first = ticks[0]!;
  const last = ticks[ticks.length - 1]!;
  const b = (last.x - first.x) / (f(last.value) - f(first.value));
  const a = first.x - b * f(first.value);
  return (v) => a + b * f(v);
}

export interface TextBox {
  t: string;
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

/** Boxes of the (unrotated) text elements from anchor, baseline and the plots' font metrics. */
export function textBoxes(svg: El): TextBox[] {
  const root = num(svg, "font-size");
  return texts(svg)
    .filter((t) => t.attrs.transform === undefined && t.text !== "")
    .map((t) => {
      const size = t.attrs["font-size"] !== undefined ? Number(t.attrs["font-size"]) : root;
      const w = textWidth(t.text, size, t.attrs["font-weight"] === "bold");
      const x = num(t, "x");
      const y = num(t, "y");
      const anchor = t.attrs["text-anchor"] ?? "start";
      const x0 = anchor === "middle" ? x - w / 2 : anchor === "end" ? x - w : x;
      return { t: t.text, x0, x1: x0 + w, y0: y - 0.75 * size, y1: y + 0.2 * size };
    });
}

/** Pairs of texts closer than 3 px on the same line (clashing or unreadably tight). */
export function overlaps(svg: El): string[] {
  const boxes = textBoxes(svg);
  const out: string[] = [];
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i]!;
      const b = boxes[j]!;
      if (a.x0 < b.x1 + 3 && b.x0 < a.x1 + 3 && a.y0 < b.y1 - 0.5 && b.y0 < a.y1 - 0.5) out.push(`"${a.t}" / "${b.t}"`);
    }
  }
  return out;
}
