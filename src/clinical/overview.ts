/**
 * One line of diagnosis and the list of what needs doing, for the patient banner and the patient list. Made from
 * the same Diagnosis the assessment shows, so the banner can never say "RPL" while the assessment says "ESHRE not met".
 */
import type { Diagnosis } from "./diagnosis.js";

export interface DiagnosisOverview {
  /** "RPL (ESHRE met, RCOG not met): 2 losses, primary; APS not found", or "No RPL: 1 loss". */
  label: string;
  eshre: boolean;
  rcog: boolean;
  type: Diagnosis["type"];
  lossCount: number;
  aps: boolean;
  /** What needs doing: each missing or incomplete investigation, and a pending aPL repeat or conflict. */
  needs: string[];
}

export function diagnosisOverview(dx: Diagnosis): DiagnosisOverview {
  const losses = `${dx.lossCount} loss${dx.lossCount === 1 ? "" : "es"}`;
  const eshre = dx.definitions.eshre.met;
  const rcog = dx.definitions.rcog.met;
  const parts: string[] = [];
  if (dx.type !== "none" && eshre) parts.push(dx.type);
  if (dx.aps.met) parts.push("APS");
  else if (dx.aps.laboratory === "conflicting") parts.push("aPL results conflicting");
  else if (dx.aps.laboratory === "single-positive") parts.push("aPL positive once");
  if (dx.rif.met) parts.push("RIF");
  const label = eshre
    ? `RPL (ESHRE met, RCOG ${rcog ? "met" : "not met"}): ${losses}${parts.length > 0 ? `, ${parts.join(", ")}` : ""}`
    : `No RPL by ESHRE: ${losses}${dx.rif.met ? ", RIF" : ""}`;
  const needs = dx.missingWorkup.map((w) => `${w.label}: ${w.detail}`);
  for (const p of dx.aps.clinical.mechanismPending) needs.push(p);
  return { label, eshre, rcog, type: dx.type, lossCount: dx.lossCount, aps: dx.aps.met, needs };
}

