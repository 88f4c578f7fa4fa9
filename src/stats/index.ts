// Public surface of the stats domain.
export * from "./types.js";
export * from "./input.js";
export * from "./plots/index.js";
export * from "./trial/index.js";
export { metaAnalysis, metaAnalysisWith, resolveMetaSettings, subgroupAnalysis, subgroupDifferenceTest } from "./meta.js";
export type { MetaSettings, CoreFit } from "./meta.js";
export { effectSizes, effectFromCI, viFromSei, hedgesCorrection, isDoubleZero, isRatioMeasure, resolveMeasure, studyDataKind } from "./core/escalc.js";
export type { EffectSizes, EffectSizeOptions, SmdCorrection } from "./core/escalc.js";
export { rmaUni, estimateTau2, tau2ConfInt, qStatistic } from "./core/rma.js";
export type { PooledFit, RmaMethod, RmaUniOptions, RmaUniResult, Tau2ConfInt } from "./core/rma.js";
export { rmaMH, rmaPeto } from "./core/mh.js";
export type { TwoByTwo, RmaMHOptions, RmaMHResult } from "./core/mh.js";
export { leaveOneOut, cumulative } from "./core/sensitivity.js";
export type { SensitivityFit } from "./core/sensitivity.js";
export { eggerTest, beggTest, kendallTest, trimAndFill } from "./core/bias.js";
export type { EggerResult, KendallResult, TrimFillResult } from "./core/bias.js";
export { metaRegCoef, metaRegTau2 } from "./core/metareg.js";
export { repeatedLabelsWarning, uniqueStudyLabels } from "./core/labels.js";
