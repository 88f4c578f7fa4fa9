// Public surface of the trial domain: protocol, eligibility, sample size, randomisation, visits, CONSORT, analysis,
// evidence draft. Pure: dates and the random source are passed in.
export * from "./protocol.js";
export * from "./eligibility.js";
export * from "./sampleSize.js";
export * from "./random.js";
export * from "./randomisation.js";
export * from "./visits.js";
export * from "./consort.js";
export * from "./analysis.js";
export * from "./participants.js";
export * from "./evidence.js";
export * from "./roles.js";
export * from "./forms.js";
