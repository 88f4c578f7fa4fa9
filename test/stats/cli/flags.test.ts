import { describe, expect, it } from "vitest";
import { z } from "zod";
import { InputError } from "../../../src/shared/errors.js";
import { parseFlags, plotFiles, svgPathSchema, withFlagNames } from "../../../src/cli/flags.js";

const FLAGS = { controlRisk: "--control-risk", plot: "--plot" };

describe("cli flags shared by nma and tsa", () => {
  it("parseFlags names the flag as typed", () => {
    const schema = z.object({ controlRisk: z.number().gt(0), plot: svgPathSchema.optional(), model: z.enum(["random", "fixed"]).optional() });
    expect(parseFlags(schema, { controlRisk: 0.3 }, FLAGS)).toEqual({ controlRisk: 0.3 });
    expect(() => parseFlags(schema, { controlRisk: 0.3, plot: "x.png" }, FLAGS)).toThrow(/field "--plot": must name an .svg file/);
    expect(() => parseFlags(schema, { controlRisk: 0.3, model: "mixed" }, FLAGS)).toThrow(/"mixed" is not one of random, fixed/);
  });

  it("withFlagNames renames the field, adds a missing file and leaves file-located errors alone", () => {
    const e = withFlagNames(new InputError("bad", { field: "controlRisk" }), FLAGS) as InputError;
    expect(e.location).toEqual({ field: "--control-risk" });
    const f = withFlagNames(new InputError("bad", { field: "controlRisk" }), FLAGS, "a.csv") as InputError;
    expect(f.location).toEqual({ file: "a.csv", field: "--control-risk" });
    const located = new InputError("bad", { file: "b.csv", row: 3, field: "events_t" });
    expect(withFlagNames(located, FLAGS, "a.csv")).toBe(located);
    const other = new Error("not an input error");
    expect(withFlagNames(other, FLAGS)).toBe(other);
  });

  it("plotFiles gives the SVG, and the PNG beside it only with --png", () => {
    expect(plotFiles("out/p.SVG", "<svg/>", false)).toEqual([{ path: "out/p.SVG", content: "<svg/>" }]);
  });
});
