// Public surface of the evidence domain.
export * from "./audit/index.js";
export * from "./plots/index.js";
export * from "./schema.js";
export * from "./validate.js";
export * from "./parse.js";
export * from "./load.js";
export * from "./select.js";
export * from "./grade.js";
export * from "./api.js";
export * from "./reproduce.js";
export * from "./plot-inputs.js";
export * from "./outcomes.js";
export * from "./rob2.js";
export * from "./coverage.js";
