/**
 * Moderator cells as real exports write them: R's NA is a missing value, never a level of a categorical moderator, and
 * a column of decimal-comma numbers (write.csv2, Excel in a comma locale) is numeric. Reference: metafor 3.8.1,
 * dat.baskerville2012-style data: rma(yi, vi, mods = ~ x) on the same numbers.
 */
import { describe, expect, it } from "vitest";
import { metaAnalysis } from "../../../src/stats/meta.js";
import type { StudyRow } from "../../../src/stats/types.js";
import { isInputError } from "../../../src/shared/errors.js";

const yi = [0.12, -0.3, 0.45, 0.08, -0.11, 0.6, 0.25];
const vi = [0.04, 0.05, 0.03, 0.06, 0.05, 0.04, 0.07];
const x = [1.5, 2.25, 3, 4.75, 5.5, 6, 7.25];
const rows = (cells: string[]): StudyRow[] => yi.map((y, i) => ({ study: `s${i + 1}`, row: i + 2, moderators: { x: cells[i] as string }, data: { kind: "generic", yi: y, vi: vi[i] as number } }));

describe("moderator cells", () => {
  it("a decimal-comma column is the same numeric moderator as the decimal-point one", () => {
    const dot = metaAnalysis(rows(x.map(String)), { measure: "GEN", mods: ["x"] });
    const comma = metaAnalysis(rows(x.map((v) => String(v).replace(".", ","))), { measure: "GEN", mods: ["x"] });
    expect(comma.meta_regression?.moderators).toEqual([{ name: "x", kind: "numeric" }]);
    expect(comma.meta_regression).toEqual(dot.meta_regression);
  });
  it("NA (R's missing value) is refused naming the study, row and column, not read as a level", () => {
    for (const na of ["NA", "N/A", "#N/A"]) {
      const cells = x.map(String);
      cells[3] = na;
      let err: unknown;
      try {
        metaAnalysis(rows(cells), { measure: "GEN", mods: ["x"] });
      } catch (e) {
        err = e;
      }
      expect(isInputError(err), na).toBe(true);
      expect((err as Error).message).toMatch(new RegExp(`study "s4" has no value for moderator "x" \\("${na.replace("/", "\\/")}" is a missing value\\)`));
      expect((err as { location: { row?: number } }).location.row).toBe(5);
    }
  });
  it("a column with a text value stays categorical", () => {
    const r = metaAnalysis(rows(["a", "b", "a", "b", "c", "a", "c"]), { measure: "GEN", mods: ["x"] });
    expect(r.meta_regression?.moderators[0]).toMatchObject({ kind: "categorical", levels: ["a", "b", "c"] });
  });
});
