// Public surface of the evidence domain.
export * from "./audit/index.js";
export * from "./plots/index.js";
