/** The evidence base with the invented trials of fixtures/sof-fixture.json added (intralipid vs placebo). Test helper. */
import { readFileSync } from "node:fs";
import { loadDefaultEvidenceBase } from "../../src/evidence/load.js";
import type { EvidenceBase, EvidenceOutcomeKind, EvidenceTrial, EvidenceTrialOutcome, RobAssessment } from "../../src/evidence/schema.js";

export interface FixtureRow {
  trial: string;
  kind: EvidenceOutcomeKind;
  ai: number;
  n1i: number;
  ci: number;
  n2i: number;
}
export interface SofFixture {
  therapy: "intralipid";
  trials: Array<{ id: string; label: string; rob1: "all-low" | "one-high" | "unclear" | "partly-not-assessed" | null }>;
  rows: Record<string, FixtureRow[]>;
}

export const FIXTURE = JSON.parse(readFileSync(new URL("./fixtures/sof-fixture.json", import.meta.url), "utf8")) as SofFixture;
export const METAFOR = JSON.parse(readFileSync(new URL("./fixtures/sof-fixture.metafor.json", import.meta.url), "utf8")) as Record<
  string,
  { estimable: boolean; k: number } & Record<"RR" | "OR", { estimate: number; ci_low: number; ci_high: number; pi_low: number; pi_high: number; I2: number; tau2: number; weights: number[]; egger_p?: number }>
>;

function rob1(kind: SofFixture["trials"][number]["rob1"], source: string): RobAssessment | null {
  if (kind === null) return null;
  const j = (x: "low" | "unclear" | "high" | "not assessed") => ({
    random_sequence: x,
    allocation_concealment: x,
    blinding_participants: kind === "one-high" ? ("high" as const) : x,
    blinding_outcome: x,
    incomplete_outcome: x,
    selective_reporting: x,
    other_bias: x,
  });
  const domains = kind === "all-low" ? j("low") : kind === "one-high" ? j("low") : kind === "unclear" ? j("unclear") : { ...j("low"), selective_reporting: "not assessed" as const, other_bias: "not assessed" as const };
  return { tool: "RoB1", assessor: "test fixture", source, domains, basis: "invented for a test" };
}

/** The default base plus the fixture trials (therapy intralipid, randomised, placebo-controlled). */
export function fixtureBase(): EvidenceBase {
  const base = loadDefaultEvidenceBase();
  const source = base.sources[0]!.id;
  const trials: EvidenceTrial[] = FIXTURE.trials.map((t) => {
    const outcomes: EvidenceTrialOutcome[] = Object.values(FIXTURE.rows)
      .flat()
      .filter((r) => r.trial === t.id)
      .filter((r, i, all) => all.findIndex((x) => x.kind === r.kind) === i)
      .map((r) => ({ id: `${t.id}-${r.kind}`, outcome: r.kind, definition: `${r.kind} (fixture)`, analysis: "itt", events_t: r.ai, total_t: r.n1i, events_c: r.ci, total_c: r.n2i, status: "reported", source }));
    const lb = FIXTURE.rows["live-birth"]!.find((r) => r.trial === t.id)!;
    return {
      id: t.id,
      label: t.label,
      year: Number(t.label.slice(-4)),
      therapy: FIXTURE.therapy,
      comparison: "intralipid vs placebo",
      found: true,
      design: { randomised: true, blinding: "double-blind", control: "placebo" },
      population: "women with recurrent pregnancy loss (fixture)",
      inclusion: "fixture",
      arms: [
        { id: "treatment", label: "intralipid", randomised: lb.n1i },
        { id: "control", label: "placebo", randomised: lb.n2i },
      ],
      outcomes,
      subgroups: [],
      rob: rob1(t.rob1, source),
      source,
    };
  });
  return { ...base, trials: [...base.trials.filter((t) => t.therapy !== FIXTURE.therapy), ...trials] };
}
