// Public surface of the stats domain.
export * from "./types.js";
export * from "./input.js";
export * from "./plots/index.js";
export * from "./trial/index.js";
