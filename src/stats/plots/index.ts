// Plots of meta-analysis results: SVG strings from pure functions, and PNG rendering.
export { forestPlotSvg, ForestPlotOptionsSchema, studyLabel, subgroupDifferenceText } from "./forest.js";
export type { ForestPlotOptions } from "./forest.js";
export { funnelPlotSvg, funnelDataFromResult, FunnelPlotOptionsSchema } from "./funnel.js";
export type { FunnelPlotOptions } from "./funnel.js";
export { svgToPng, SvgToPngOptionsSchema } from "./png.js";
export { baujatPlotSvg, bubblePlotSvg, goshPlotSvg, labbePlotSvg, radialPlotSvg } from "./diagnostics.js";
export type { SvgToPngOptions } from "./png.js";
export { forestLinearAxis, forestLogAxis, logTicks, niceSymmetricMax, tickLabel, LOG_FOREST_RANGES } from "./axis.js";
export type { Axis } from "./axis.js";
// the SVG toolkit the plots share (builder, escaping, text widths, number formats), for other plot modules
export * from "./svg.js";
export { tsaPlotSvg, TsaPlotOptionsSchema } from "./tsa.js";
export type { TsaPlotOptions } from "./tsa.js";
