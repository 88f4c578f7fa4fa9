/** Pasting into the data-entry grid (src/web/app/components/DataGrid.tsx): spreadsheet blocks, CSV text, headers. */
import { describe, expect, it } from "vitest";
import { pasteBlock, splitPasted } from "../../src/web/app/components/DataGrid.js";

const columns = ["study", "year", "events_t", "total_t", "events_c", "total_c"].map((name) => ({ name, label: name }));
const empty = (n: number) => Array.from({ length: n }, () => columns.map(() => ""));

describe("grid paste", () => {
  it("splits tab-separated blocks (spreadsheets), and comma or semicolon text", () => {
    expect(splitPasted("A\t1\r\nB\t2\r\n")).toEqual([["A", "1"], ["B", "2"]]);
    expect(splitPasted('"A, B",3\nC,4\n\n')).toEqual([["A, B", "3"], ["C", "4"]]);
    expect(splitPasted('"say ""hi""",1')).toEqual([['say "hi"', "1"]]);
    expect(splitPasted("A;1,5\nB;2")).toEqual([["A", "1,5"], ["B", "2"]]);
  });

  it("fills from the cell pasted into, adding rows", () => {
    const out = pasteBlock(empty(1), columns, [["12", "40"], ["8", "41"], ["3", "9"]], 0, 2);
    expect(out).toHaveLength(3);
    expect(out[0]).toEqual(["", "", "12", "40", "", ""]);
    expect(out[2]).toEqual(["", "", "3", "9", "", ""]);
  });

  it("a header row maps the block's columns by name, in any order, and replaces the grid", () => {
    const out = pasteBlock(empty(5), columns, [["total_c", "Study", "events_c"], ["41", "Alpha", "8"]], 3, 4);
    expect(out).toEqual([["Alpha", "", "", "", "8", "41"]]);
  });
});
