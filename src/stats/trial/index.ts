// Public surface of the single-trial statistics (2x2 tables and continuous markers).
export { twoByTwo, fisherExactTest, pearsonChiSquare, TwoByTwoInputSchema } from "./twoByTwo.js";
export type { TwoByTwoInput, TwoByTwoResult, WaldEffect, ChiSquareResult, FisherResult } from "./twoByTwo.js";
export { welchTTest, welchTTestFromSummary, pairedTTest, mannWhitneyU, wilcoxonSignedRank, averageRanks } from "./continuous.js";
export type { TTestResult, WilcoxonResult, WilcoxonOptions, GroupSummaryStats } from "./continuous.js";
