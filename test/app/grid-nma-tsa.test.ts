/** The NMA and TSA grids are checked by their commands' own parsers (src/app/nma.ts, src/app/tsa.ts): located problems. */
import { describe, expect, it } from "vitest";
import { checkNetworkGrid } from "../../src/app/nma.js";
import { checkTsaGrid } from "../../src/app/tsa.js";

describe("checkNetworkGrid", () => {
  const columns = ["study", "treatment", "events", "total"];
  it("a valid network of arms has no problems", async () => {
    const rows = [["A", "x", "3", "10"], ["A", "y", "5", "10"], ["", "", "", ""], ["B", "x", "2", "12"], ["B", "z", "4", "11"]];
    expect(await checkNetworkGrid({ columns, rows })).toEqual([]);
  });

  it("flags each bad row at its grid row and column, with the parser's reason", async () => {
    const rows = [["A", "x", "3", "10"], ["A", "y", "2.5", "10"], ["B", "x", "2", "12"], ["B", "x", "4", "11"]];
    const p = await checkNetworkGrid({ columns, rows });
    expect(p).toHaveLength(2);
    expect(p[0]).toMatchObject({ row: 1, field: "events" });
    expect(p[0]!.reason).toMatch(/whole number/);
    expect(p[1]).toMatchObject({ row: 3, field: "treatment" });
    expect(p[1]!.reason).toMatch(/two arms of treatment "x"/);
  });

  it("contrast rows: a non-positive standard error", async () => {
    const p = await checkNetworkGrid({ columns: ["study", "treatment1", "treatment2", "yi", "sei"], rows: [["S1", "B", "A", "0.5", "0.3"], ["S2", "C", "A", "0.2", "0"]] });
    expect(p).toEqual([{ row: 1, field: "sei", reason: "standard error must be positive: 0" }]);
  });
});

describe("checkTsaGrid", () => {
  const columns = ["study", "year", "events_t", "total_t", "events_c", "total_c"];
  it("one trial is enough; events above the total are flagged on their cell", async () => {
    expect(await checkTsaGrid({ columns, rows: [["A", "2001", "3", "10", "2", "10"]] })).toEqual([]);
    const p = await checkTsaGrid({ columns, rows: [["A", "2001", "3", "10", "2", "10"], ["B", "2003", "3", "10", "12", "10"]] });
    expect(p).toHaveLength(1);
    expect(p[0]).toMatchObject({ row: 1, field: "events_c" });
  });
});
