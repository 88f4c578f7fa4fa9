/**
 * Study selection for a systematic review: protocol, import of search results, deduplication, dual screening
 * with blinding and conflict resolution, agreement (Cohen's kappa), a prioritised queue (reorders only), and the
 * PRISMA 2020 counts. Pure: no I/O, no clock.
 */
export * from "./protocol.js";
export * from "./record.js";
export * from "./import/index.js";
export * from "./dedup.js";
export * from "./kappa.js";
export * from "./decisions.js";
export * from "./prisma.js";
export * from "./highlight.js";
export * from "./export.js";
export * from "./prioritise.js";
export * from "./simulate.js";
export * from "./review-state.js";
export * from "./ris-write.js";
