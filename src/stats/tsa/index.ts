/** Trial sequential analysis (decidua tsa): information size, z-curve, monitoring and futility boundaries. */
export { trialSequentialAnalysis, concludeTsa, TsaOptionsSchema, TsaMeasureSchema } from "./tsa.js";
export type { TsaOptions, TsaResult, TsaLook, TsaConclusion, TsaStatus, TsaMeasure } from "./tsa.js";
export { requiredInformationSize, diversity, diversityAdjusted } from "./informationSize.js";
export type { InformationSize, InformationSizeInput } from "./informationSize.js";
export {
  alphaSpendingBoundaries,
  betaSpendingFutility,
  groupSequentialDesign,
  obrienFlemingAlphaSpent,
  obrienFlemingBetaSpent,
  normalCdf,
  normalUpper,
} from "./groupSequential.js";
export type { FutilityDesign } from "./groupSequential.js";
