import { readFileSync } from "node:fs";
import { Resvg } from "@resvg/resvg-js";
import { describe, expect, it } from "vitest";
import { InputError } from "../../src/shared/errors.js";
import { escapeXml, forestPlotSvg, PLOT_FONT_FAMILY, svgToPng, textWidth } from "../../src/stats/plots/index.js";
import { MetaResultSchema } from "../../src/stats/types.js";

const hahn = MetaResultSchema.parse(JSON.parse(readFileSync(new URL("./fixtures/hahn2001-or-mh-fixed.json", import.meta.url), "utf8")));

function pngSize(png: Uint8Array): { width: number; height: number } {
  const dv = new DataView(png.buffer, png.byteOffset, png.byteLength);
  return { width: dv.getUint32(16), height: dv.getUint32(20) };
}

describe("svgToPng", () => {
  const svg = forestPlotSvg(hahn);
  const svgW = Number(/width="(\d+)"/.exec(svg)![1]);
  const svgH = Number(/height="(\d+)"/.exec(svg)![1]);

  it("returns a PNG (signature and IHDR) at twice the SVG size by default", () => {
    const png = svgToPng(svg);
    expect([...png.slice(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(String.fromCharCode(...png.slice(12, 16))).toBe("IHDR");
    expect(pngSize(png)).toEqual({ width: 2 * svgW, height: 2 * svgH });
  });

  it("renders at the requested width, keeping the aspect ratio", () => {
    const size = pngSize(svgToPng(svg, { width: 800 }));
    expect(size.width).toBe(800);
    expect(size.height).toBe(Math.round((800 * svgH) / svgW));
  });

  it("throws InputError for text that is not SVG, and for a silly width", () => {
    expect(() => svgToPng("<svg><g></svg>")).toThrow(InputError);
    expect(() => svgToPng(svg, { width: 3 })).toThrow(InputError);
  });
});

describe("text measurement", () => {
  // resvg lays the text out with the installed font; its bounding box must agree with our metrics,
  // otherwise column widths would be wrong (or the font fell back to a wider one).
  const cases: Array<[string, boolean]> = [
    ["Heterogeneity: Tau² = 0.12; Chi² = 17.52, df = 10 (P = 0.06); I² = 43%", false],
    ["German RSA/IVIG Group 1994", false],
    ["Total (95% CI) 100.0% 2.24 [1.68, 2.98]", true],
  ];
  for (const [text, bold] of cases) {
    it(`matches resvg's layout of "${text}"${bold ? " in bold" : ""} within 3%`, () => {
      const size = 40;
      const doc = `<svg xmlns="http://www.w3.org/2000/svg" width="3000" height="100" font-family="${escapeXml(PLOT_FONT_FAMILY)}"><text x="10" y="60" font-size="${size}"${bold ? ' font-weight="bold"' : ""}>${escapeXml(text)}</text></svg>`;
      const r = new Resvg(doc, { font: { loadSystemFonts: true, defaultFontFamily: "Liberation Sans" } });
      const box = r.getBBox();
      expect(box).toBeDefined();
      const ours = textWidth(text, size, bold);
      expect(Math.abs(box!.width - ours) / ours).toBeLessThan(0.03);
    });
  }
});
