/**
 * The muted text colour of the design system keeps WCAG 2 AA contrast (4.5:1 for normal text) on every background
 * it is drawn on: the page, cards, table headers and muted badges (read from styles.css, the one definition).
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const css = readFileSync(new URL("../../src/web/public/styles.css", import.meta.url), "utf8");
const colour = (name: string): string => {
  const m = new RegExp(`--${name}:\\s*(#[0-9a-fA-F]{6})`).exec(css);
  if (m === null) throw new Error(`--${name} not found in styles.css`);
  return m[1] as string;
};
/** WCAG 2 relative luminance of an sRGB colour. */
const luminance = (hex: string): number => {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4)) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
};
const contrast = (a: string, b: string): number => {
  const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p) as [number, number];
  return (x + 0.05) / (y + 0.05);
};

describe("text contrast (WCAG 2 AA)", () => {
  it("muted and secondary text reach 4.5:1 on the page, cards, table headers and muted badges", () => {
    for (const fg of ["text", "text-2", "text-3", "muted"])
      for (const bg of ["bg", "surface", "surface-2", "muted-bg"]) expect(contrast(colour(fg), colour(bg)), `--${fg} on --${bg}`).toBeGreaterThanOrEqual(4.5);
  });
});
