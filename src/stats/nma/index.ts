// Network meta-analysis: input, model, inconsistency, node-splitting, ranking, plots (see docs/nma.md).
export * from "./types.js";
export { nmaStudiesFromTable, NMA_COLUMN_ALIASES } from "./input.js";
export type { NmaLayout } from "./input.js";
export { prepareNetwork, resolveNmaMeasure } from "./prepare.js";
export { networkMetaAnalysis } from "./analysis.js";
export { components, assertConnected, designOf, edges } from "./graph.js";
export { glsFit, tau2DL, tau2REML, parameterColumns, qDf } from "./model.js";
export type { GlsFit, NetworkStudy } from "./model.js";
export { networkPlotSvg, nmaForestPlotSvg, nmaIsRatio, NetworkPlotOptionsSchema, NmaForestOptionsSchema } from "./plots.js";
export type { NetworkPlotOptions, NmaForestOptions } from "./plots.js";

import { InputError } from "../../shared/errors.js";
import type { StudyTable } from "../input.js";
import { networkMetaAnalysis } from "./analysis.js";
import { nmaStudiesFromTable } from "./input.js";
import { prepareNetwork } from "./prepare.js";
import type { NmaOptions, NmaResult } from "./types.js";

/** A table of strings -> the network meta-analysis; every InputError names the table's file. */
export function nmaFromTable(table: StudyTable, options: NmaOptions = {}, onIgnoredColumns?: (headers: string[]) => void): NmaResult {
  try {
    const { studies } = nmaStudiesFromTable(table, onIgnoredColumns);
    return networkMetaAnalysis(prepareNetwork(studies, options.measure), options);
  } catch (e) {
    if (e instanceof InputError && e.location.file === undefined) throw new InputError(e.reason, { ...e.location, file: table.file });
    throw e;
  }
}
