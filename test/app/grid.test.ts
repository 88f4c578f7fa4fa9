/** The data-entry grid's check (src/app/grid.ts): the parser's own located problems, mapped back to grid rows. */
import { describe, expect, it } from "vitest";
import { checkGrid, gridCsv } from "../../src/app/grid.js";
import { parseStudyFile } from "../../src/stats/input.js";

const columns = ["study", "year", "events_t", "total_t", "events_c", "total_c"];

describe("checkGrid", () => {
  it("a valid grid has no problems and its CSV parses to the same studies", async () => {
    const rows = [
      ["A, the first", "2001", "3", "10", "2", "10"],
      ["", "", "", "", "", ""],
      ["B", "2003", "4", "12", "3", "12"],
    ];
    expect(await checkGrid({ columns, rows })).toEqual([]);
    const { csv, lines } = gridCsv({ columns, rows });
    expect(lines).toEqual([0, 2]);
    const parsed = await parseStudyFile("grid.csv", new TextEncoder().encode(csv), { minStudies: 1 });
    expect(parsed.map((r) => r.study)).toEqual(["A, the first", "B"]);
  });

  it("flags one problem per bad row, at the grid row (blank rows skipped) and the column the parser names", async () => {
    const rows = [
      ["A", "2001", "3", "10", "2", "10"],
      ["", "", "", "", "", ""],
      ["B", "2003", "-4", "12", "3", "12"],
      ["C", "2005", "5", "12", "x", "12"],
      ["D", "2007", "5", "12", "3", "12"],
    ];
    const problems = await checkGrid({ columns, rows });
    expect(problems.map((p) => [p.row, p.field])).toEqual([
      [2, "events_t"],
      [3, "events_c"],
    ]);
    for (const p of problems) expect(p.reason.length).toBeGreaterThan(3);
  });

  it("a problem of the whole table has no row", async () => {
    const problems = await checkGrid({ columns: ["study", "events_t"], rows: [["A", "3"]] });
    expect(problems).toHaveLength(1);
    expect(problems[0]!.row).toBeNull();
  });

  it("stops at maxProblems", async () => {
    const rows = Array.from({ length: 30 }, (_, i) => [`S${i}`, "2000", "-1", "10", "1", "10"]);
    expect(await checkGrid({ columns, rows }, {}, 5)).toHaveLength(5);
  });
});
