/**
 * The speed work on the meta-analysis hot path (docs/stats.md, "Speed") must not change what a call returns:
 * remembered option parses follow the options given, and scratch memory reused between analyses never leaks one
 * analysis's numbers into another's result.
 */
import { describe, expect, it } from "vitest";
import { InputError } from "../../../src/shared/errors.js";
import { metaAnalysis, type MetaOptions, type StudyRow } from "../../../src/stats/index.js";

const bin = (study: string, et: number, nt: number, ec: number, nc: number): StudyRow => ({
  study,
  data: { kind: "binary", events_t: et, total_t: nt, events_c: ec, total_c: nc },
});

const rows: StudyRow[] = [bin("A", 20, 45, 14, 44), bin("B", 12, 30, 13, 31), bin("C", 30, 40, 18, 41), bin("D", 9, 20, 2, 19), bin("E", 4, 50, 9, 52)];

describe("remembered option parses", () => {
  it("an options object changed in place between calls is parsed again", () => {
    const o: MetaOptions = { measure: "OR", tau2: "REML" };
    expect(metaAnalysis(rows, o).tau2_method).toBe("REML");
    o.tau2 = "DL";
    expect(metaAnalysis(rows, o).tau2_method).toBe("DL");
    delete o.tau2;
    o.level = 90;
    const r = metaAnalysis(rows, o);
    expect(r.tau2_method).toBe("REML");
    expect(r.level).toBe(90);
  });

  it("invalid options after valid ones still fail, and a field added later counts", () => {
    metaAnalysis(rows, { measure: "OR", level: 95 });
    expect(() => metaAnalysis(rows, { measure: "OR", level: 150 })).toThrow(InputError);
    expect(metaAnalysis(rows, { measure: "OR", level: 95, model: "fixed" }).model).toBe("fixed");
    expect(metaAnalysis(rows, { measure: "OR", level: 95 }).model).toBe("random");
  });

  it("an array option changed in place is parsed again", () => {
    const withMods = rows.map((r, i) => ({ ...r, moderators: { dose: String(i + 1), year: String(2000 + 3 * i) } }));
    const mods = ["dose"];
    const a = metaAnalysis(withMods, { mods });
    mods[0] = "year";
    const b = metaAnalysis(withMods, { mods });
    expect(a.meta_regression?.coefficients[1]?.name).toBe("dose");
    expect(b.meta_regression?.coefficients[1]?.name).toBe("year");
  });
});
