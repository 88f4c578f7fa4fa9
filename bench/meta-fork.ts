/**
 * One timing process of the meta-analysis bench (bench/meta.ts `timeInForks`): generates the bench data, times the
 * REML, MH and hand-written loops in this fresh process and prints their timings as one JSON line.
 */
import { generateBinaryMetaAnalyses, timeThisProcess } from "./meta.js";

console.log(JSON.stringify(timeThisProcess(generateBinaryMetaAnalyses())));
