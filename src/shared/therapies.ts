/**
 * The immunotherapies Decidua reasons about, by stable id (used by evidence/, clinical/, server/ and web/).
 * The ids are the shared vocabulary (therapy-ids.ts); names come from each therapy's one definition
 * (src/clinical/therapies/).
 */
export { THERAPY_IDS, TherapyIdSchema, type TherapyId } from "./therapy-ids.js";
export { THERAPY_NAMES } from "../clinical/therapies/index.js";
