import { describe, expect, it } from "vitest";
import { loadDefaultEvidenceBase } from "../../src/evidence/load.js";
import { prismaCountsFor, robTableFromBase } from "../../src/evidence/plot-inputs.js";
import { RobTableSchema } from "../../src/evidence/plots/types.js";
import { checkPrismaCounts, prismaFlowSvg, robTrafficLightSvg } from "../../src/evidence/plots/index.js";

const base = loadDefaultEvidenceBase();

describe("plot inputs from the base", () => {
  it("builds a RoB 1 table of the assessed IVIG trials that the plots accept", () => {
    const table = robTableFromBase(base, { therapy: "ivig" });
    expect(table).not.toBeNull();
    if (table === null) return;
    expect(RobTableSchema.safeParse(table).success).toBe(true);
    expect(table.domains).toHaveLength(7);
    const jaf = table.studies.find((s) => s.study === "Jafarzadeh 2019");
    expect(jaf?.judgements["Random sequence generation (selection bias)"]).toBe("high");
    const yam = table.studies.find((s) => s.study === "Yamada 2022");
    expect(yam?.weight).toBe(99);
    expect(robTrafficLightSvg(table)).toContain("<svg");
  });

  it("gives source 004's PRISMA flow 585 -> 534 excluded -> 51 -> 40 excluded -> 11, accepted by the flow diagram", () => {
    const counts = prismaCountsFor(base, "gao-2025");
    expect(counts).not.toBeNull();
    if (counts === null) return;
    const c = checkPrismaCounts(counts);
    expect(c.identified[0]?.n).toBe(585);
    expect([c.screened, c.excludedScreening, c.reportsAssessed, c.studiesIncluded]).toEqual([585, 534, 51, 11]);
    expect(c.reportsExcluded.reduce((s, r) => s + r.n, 0)).toBe(40);
    expect(prismaFlowSvg(counts)).toContain("585");
    expect(prismaCountsFor(base, "cochrane-2014-ivig")).toBeNull();
  });
});
