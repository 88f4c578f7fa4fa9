/**
 * An immunotherapy network for live birth from the trials in the evidence base (pure).
 *
 * Every randomised placebo-controlled trial of a therapy with complete live-birth counts (the live-birth family of
 * placeboRctRows: live birth, or the closest outcome the trial reported, in the analysis set closest to intention to
 * treat) becomes a two-arm study "therapy vs placebo". The network meta-analysis (src/stats/nma) then compares the
 * therapies with each other through placebo: OR of live birth, random effects (REML), larger is better.
 *
 * The caveats are part of the result, not decoration: in this base every comparison between two therapies is
 * indirect (no trial compares two immunotherapies), the network has no closed loop (so its consistency cannot be
 * checked), it is sparse, and the trials count different outcomes in different analysis sets.
 */
import { networkMetaAnalysis } from "../stats/nma/analysis.js";
import { prepareNetwork } from "../stats/nma/prepare.js";
import type { NmaResult, NmaStudyInput } from "../stats/nma/types.js";
import { THERAPY_IDS, THERAPY_NAMES, type TherapyId } from "../shared/therapies.js";
import type { EvidenceBase } from "./schema.js";
import { placeboRctRows, type CompletePairCounts } from "./select.js";

export const NETWORK_PLACEBO = "placebo";

/** With the trial's complete arm counts (CompletePairCounts). */
export interface NetworkTrial extends CompletePairCounts {
  trial: string;
  study: string;
  therapy: TherapyId;
  treatment: string;
  /** The trial's own outcome and its definition, and the analysis set the counts come from. */
  outcome: string;
  definition: string;
  analysis: string;
}

export interface LiveBirthNetwork {
  trials: NetworkTrial[];
  /** Therapies without a placebo-controlled randomised trial with live-birth counts (not in the network). */
  missing: string[];
  result: NmaResult | null;
  caveats: string[];
}

/** The trials of the network, one two-arm study each (therapy vs placebo), in the base's order. */
export function liveBirthNetworkTrials(base: EvidenceBase): NetworkTrial[] {
  const out: NetworkTrial[] = [];
  for (const therapy of THERAPY_IDS) {
    for (const r of placeboRctRows(base, therapy)) {
      out.push({
        trial: r.trial.id,
        study: r.trial.year !== null && r.trial.year !== undefined && !r.trial.label.includes(String(r.trial.year)) ? `${r.trial.label} ${r.trial.year}` : r.trial.label,
        therapy,
        treatment: THERAPY_NAMES[therapy],
        outcome: r.outcome.outcome,
        definition: r.outcome.definition,
        analysis: r.outcome.analysis,
        events_t: r.counts.events_t,
        total_t: r.counts.total_t,
        events_c: r.counts.events_c,
        total_c: r.counts.total_c,
      });
    }
  }
  return out;
}

/** The network meta-analysis of live birth with its caveats (null result when fewer than two therapies qualify). */
export function liveBirthNetwork(base: EvidenceBase): LiveBirthNetwork {
  const trials = liveBirthNetworkTrials(base);
  const inNetwork = new Set(trials.map((t) => t.therapy));
  const missing = THERAPY_IDS.filter((t) => !inNetwork.has(t)).map((t) => THERAPY_NAMES[t]);
  const caveats: string[] = [];
  const input: NmaStudyInput[] = trials.map((t) => ({
    study: t.study,
    kind: "arms",
    arms: [
      { kind: "binary", treatment: NETWORK_PLACEBO, events: t.events_c, total: t.total_c },
      { kind: "binary", treatment: t.treatment, events: t.events_t, total: t.total_t },
    ],
  }));
  const perTherapy = [...inNetwork].map((th) => `${THERAPY_NAMES[th]}: ${trials.filter((t) => t.therapy === th).length}`);
  caveats.push(
    "Indirect only: no trial in the base compares two immunotherapies with each other, so every therapy-vs-therapy estimate is indirect, through placebo. It is no stronger than the two sets of placebo-controlled trials it joins, and it assumes those trials are similar enough (transitivity).",
    "No closed loop: the network is a star around placebo, so its consistency cannot be tested (no design-by-treatment inconsistency Q, no node-splitting).",
    `Sparse: ${trials.length} trial${trials.length === 1 ? "" : "s"} (${perTherapy.join(", ")}); a therapy with one small trial gets a wide interval and an unstable rank.`,
  );
  const single = [...inNetwork].filter((th) => trials.filter((t) => t.therapy === th).length === 1).map((th) => THERAPY_NAMES[th]);
  if (single.length > 0) caveats.push(`Resting on a single trial: ${single.join(", ")}. Their estimates and ranks are that one trial's result.`);
  const kinds = new Set(trials.map((t) => `${t.outcome} (${t.analysis})`));
  if (kinds.size > 1) {
    caveats.push(`Mixed outcome definitions and analysis sets: ${[...kinds].join("; ")}. The trials count different things (live birth, "success", healthy newborn), in different denominators; the network treats them as one outcome.`);
  }
  caveats.push("P-scores rank the mean certainty of being better than the others; they are not probabilities of benefit and ignore how large the differences are. A rank is no recommendation: see each therapy's guideline position.");
  if (missing.length > 0) caveats.push(`Not in the network (no placebo-controlled randomised trial with live-birth counts in the base): ${missing.join(", ")}.`);
  if (inNetwork.size < 1 || trials.length < 2) return { trials, missing, result: null, caveats };
  const result = networkMetaAnalysis(prepareNetwork(input, "OR"), { reference: NETWORK_PLACEBO, model: "random", tau2: "REML", largerBetter: true });
  return { trials, missing, result, caveats };
}
