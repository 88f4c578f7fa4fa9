// Public API of the decidua package: the pure core, importable with types.
// Each domain exposes its surface through its own index; keep names unique across domains.
export * from "./shared/errors.js";
export * from "./stats/index.js";
export * from "./evidence/index.js";
export * from "./clinical/index.js";
export * from "./shared/therapies.js";
