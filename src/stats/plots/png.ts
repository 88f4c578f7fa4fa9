/**
 * PNG rendering of Decidua's SVG plots with resvg (Rust, via @resvg/resvg-js): system fonts (the plots ask for
 * Liberation Sans, then Arial/Helvetica/DejaVu Sans), white background, twice the SVG size by default.
 */
import { createRequire } from "node:module";
import type { Resvg } from "@resvg/resvg-js";
import { z } from "zod";
import { InputError } from "../../shared/errors.js";
import { parseOrInputError } from "./common.js";

export const SvgToPngOptionsSchema = z.object({
  /** Output width in pixels; the height follows the SVG's aspect ratio. Default: twice the SVG width. */
  width: z.number().int().min(16).max(20000).optional(),
});
export type SvgToPngOptions = z.input<typeof SvgToPngOptionsSchema>;

/** The native renderer, loaded on the first PNG so that commands without `--png` never load it. */
let resvgClass: typeof Resvg | undefined;
function loadResvg(): typeof Resvg {
  resvgClass ??= (createRequire(import.meta.url)("@resvg/resvg-js") as typeof import("@resvg/resvg-js")).Resvg;
  return resvgClass;
}

/** Renders an SVG document to PNG bytes. Throws InputError when the SVG cannot be parsed. */
export function svgToPng(svg: string, options: SvgToPngOptions = {}): Uint8Array {
  const o = parseOrInputError(SvgToPngOptionsSchema, options, "PNG options");
  let resvg: Resvg;
  try {
    resvg = new (loadResvg())(svg, {
      background: "#ffffff",
      fitTo: o.width !== undefined ? { mode: "width", value: o.width } : { mode: "zoom", value: 2 },
      font: { loadSystemFonts: true, defaultFontFamily: "Liberation Sans", sansSerifFamily: "Liberation Sans" },
      shapeRendering: 2,
      textRendering: 1,
      logLevel: "off",
    });
  } catch (e) {
    throw new InputError(`cannot render SVG: ${e instanceof Error ? e.message : String(e)}`);
  }
  const png = resvg.render().asPng();
  return new Uint8Array(png.buffer, png.byteOffset, png.byteLength);
}
