/**
 * Network input: layouts, located errors, multi-arm covariance, zero cells, disconnected networks.
 * Expected values are computed by hand from the documented rules (docs/nma.md), not by the engine.
 */
import { describe, expect, it } from "vitest";
import type { StudyTable } from "../../../src/stats/input.js";
import { nmaFromTable, nmaStudiesFromTable, prepareNetwork } from "../../../src/stats/nma/index.js";
import { inputError } from "../../support/input-error.js";

function table(csv: string, file = "net.csv"): StudyTable {
  const [head, ...lines] = csv.trim().split("\n");
  return { file, header: (head ?? "").split(","), headerLine: 1, rows: lines.map((l, i) => ({ line: i + 2, cells: l.split(",") })) };
}


describe("nma input", () => {
  it("reads arm-level counts with aliases, grouping a study's rows wherever they are", () => {
    const t = table("Trial,Trt,r,N\nA,x,1,10\nB,x,2,20\nA,y,3,10\nB,z,4,20");
    const { layout, studies } = nmaStudiesFromTable(t);
    expect(layout).toBe("binary");
    expect(studies.map((s) => s.study)).toEqual(["A", "B"]);
    expect(studies[0]?.kind === "arms" ? studies[0].arms.map((a) => a.treatment) : []).toEqual(["x", "y"]);
  });

  it("reads gemtc's arm-level columns (responders or mean and std.dev, with sampleSize)", () => {
    const binary = nmaStudiesFromTable(table("study,treatment,responders,sampleSize\nA,x,1,10\nA,y,3,10"));
    expect(binary.layout).toBe("binary");
    expect(binary.studies[0]?.kind === "arms" ? binary.studies[0].arms.map((a) => a.total) : []).toEqual([10, 10]);
    const continuous = nmaStudiesFromTable(table("study,treatment,mean,std.dev,sampleSize\nA,x,1.5,0.5,30\nA,y,2.5,0.7,31"));
    expect(continuous.layout).toBe("continuous");
  });

  it("multi-arm OR: contrasts vs the first arm, covariance = the baseline arm's variance", () => {
    const t = table("study,treatment,events,total\nS,a,10,50\nS,b,20,50\nS,c,30,60");
    const { studies } = nmaStudiesFromTable(t);
    const d = prepareNetwork(studies, "OR");
    const s = d.studies[0];
    const la = Math.log(10 / 40);
    expect(s?.y[0]).toBeCloseTo(Math.log(20 / 30) - la, 12);
    expect(s?.y[1]).toBeCloseTo(Math.log(30 / 30) - la, 12);
    const va = 1 / 10 + 1 / 40;
    expect(s?.V[0]).toBeCloseTo(va + 1 / 20 + 1 / 30, 12);
    expect(s?.V[1]).toBeCloseTo(va, 12);
    expect(s?.V[2]).toBeCloseTo(va, 12);
    expect(s?.V[3]).toBeCloseTo(va + 1 / 30 + 1 / 30, 12);
  });

  it("a zero cell in one arm adds 0.5 to events and non-events of every arm of that study", () => {
    const t = table("study,treatment,events,total\nS,a,0,20\nS,b,5,20\nS,c,6,20\nT,a,3,30\nT,b,4,30");
    const d = prepareNetwork(nmaStudiesFromTable(t).studies, "OR");
    const s = d.studies[0];
    expect(s?.corrected).toBe(true);
    expect(d.studies[1]?.corrected).toBe(false);
    expect(s?.y[0]).toBeCloseTo(Math.log(5.5 / 15.5) - Math.log(0.5 / 20.5), 12);
    expect(s?.y[1]).toBeCloseTo(Math.log(6.5 / 14.5) - Math.log(0.5 / 20.5), 12);
  });

  it("OR: a study without events in any arm is left out with a note; RD keeps it", () => {
    const csv = "study,treatment,events,total\nS,a,0,20\nS,b,0,20\nT,a,3,30\nT,b,4,30\nU,a,2,30\nU,b,6,30";
    const r = nmaFromTable(table(csv), { measure: "OR" });
    expect(r.excluded).toEqual([{ study: "S", reason: "no events in any arm: no information for OR" }]);
    expect(r.k).toBe(2);
    expect(r.notes.some((n) => n.startsWith("left out: S"))).toBe(true);
    expect(nmaFromTable(table(csv), { measure: "RD" }).k).toBe(3);
  });

  it("contrast rows: a three-arm study needs all three pairwise contrasts; the covariance comes from their variances", () => {
    const ok = table("study,treatment1,treatment2,yi,sei\nS,b,a,0.5,0.3\nS,c,a,0.8,0.4\nS,c,b,0.3,0.35");
    const d = prepareNetwork(nmaStudiesFromTable(ok).studies, undefined);
    expect(d.measure).toBe("GEN");
    expect(d.studies[0]?.arms).toEqual(["a", "b", "c"]);
    expect(d.studies[0]?.V[1]).toBeCloseTo((0.09 + 0.16 - 0.1225) / 2, 12);
    const missing = table("study,treatment1,treatment2,yi,sei\nS,b,a,0.5,0.3\nS,c,a,0.8,0.4");
    const e = inputError(() => nmaFromTable(missing));
    expect(e.message).toContain("net.csv");
    expect(e.reason).toContain("needs all 3 pairwise contrasts");
    const inconsistent = table("study,treatment1,treatment2,yi,sei\nS,b,a,0.5,0.3\nS,c,a,0.8,0.4\nS,c,b,0.9,0.35");
    expect(inputError(() => nmaFromTable(inconsistent)).reason).toContain("not consistent");
  });

  it("a disconnected network is an error naming its parts", () => {
    const t = table("study,treatment,events,total\nS,a,1,10\nS,b,2,10\nT,c,3,10\nT,d,4,10\nU,a,2,10\nU,b,3,10");
    const e = inputError(() => nmaFromTable(t));
    expect(e.reason).toContain("disconnected: 2 separate parts");
    expect(e.reason).toContain("(1) a, b; (2) c, d");
    expect(e.location.file).toBe("net.csv");
  });

  it("located errors: file, row and column", () => {
    const cases: [string, number, string, string][] = [
      ["study,treatment,events,total\nS,a,1,10\nS,b,x,10", 3, "events", "not a number"],
      ["study,treatment,events,total\nS,a,11,10\nS,b,1,10", 2, "events", "above total"],
      ["study,treatment,events,total\nS,a,1,10\nS,a,1,10", 3, "treatment", "two arms of treatment"],
      ["study,treatment,events,total\nS,a,1,10\n,b,1,10", 3, "study", "empty study label"],
      ["study,treatment,mean,sd,total\nS,a,1,-1,10\nS,b,1,1,10", 2, "sd", "negative SD"],
      ["study,treatment1,treatment2,yi,sei\nS,a,b,1,0", 2, "sei", "must be positive"],
      ["study,treatment1,treatment2,yi,sei\nS,a,a,1,1", 2, "treatment2", "the same"],
    ];
    for (const [csv, row, field, why] of cases) {
      const e = inputError(() => nmaFromTable(table(csv)));
      expect(e.location).toEqual({ file: "net.csv", row, field });
      expect(e.reason).toContain(why);
    }
  });

  it("header problems: missing and ambiguous columns", () => {
    expect(inputError(() => nmaFromTable(table("study,treatment,events\nS,a,1"))).reason).toContain('missing column "total"');
    expect(inputError(() => nmaFromTable(table("study,treatment1,treatment2,yi\nS,a,b,1"))).reason).toContain('"sei"');
    expect(inputError(() => nmaFromTable(table("study,treatment,events,total,r\nS,a,1,2,1"))).reason).toContain("ambiguous");
  });

  it("a one-arm study, a wrong measure and an unknown reference are errors", () => {
    expect(inputError(() => nmaFromTable(table("study,treatment,events,total\nS,a,1,10\nT,a,1,10\nT,b,2,10"))).reason).toContain("has one arm");
    expect(inputError(() => nmaFromTable(table("study,treatment,events,total\nS,a,1,10\nS,b,2,10"), { measure: "MD" })).location.field).toBe("measure");
    expect(inputError(() => nmaFromTable(table("study,treatment,events,total\nS,a,1,10\nS,b,2,10"), { reference: "zz" })).reason).toContain('"zz" is not in the network');
  });

  it("default reference: the treatment in the most studies", () => {
    const t = table("study,treatment,events,total\nS,a,1,10\nS,b,2,10\nT,c,3,10\nT,b,4,10\nU,b,2,10\nU,d,3,10");
    const r = nmaFromTable(t);
    expect(r.reference).toBe("b");
    expect(r.estimates.map((e) => e.treatment)).toEqual(["a", "c", "d"]);
  });
});

describe("nma input: study label columns and dropped treatments", () => {
  it("with both id and study columns the study column names the study; id is not used", () => {
    const notUsed: string[] = [];
    const t = table("id,study,treatment,events,total\n1,S,a,1,10\n2,S,b,2,10\n3,T,a,3,10\n4,T,b,4,10");
    const { studies } = nmaStudiesFromTable(t, (h) => notUsed.push(...h));
    expect(studies.map((s) => s.study)).toEqual(["S", "T"]);
    expect(notUsed).toEqual(["id"]);
  });

  it("a treatment only in a study left out is named in the notes", () => {
    const t = table("study,treatment,events,total\nS,a,0,20\nS,z,0,20\nT,a,3,30\nT,b,4,30\nU,a,2,30\nU,b,6,30");
    expect(nmaFromTable(t).notes).toContain("not in the network (only in studies left out): z");
  });
});
