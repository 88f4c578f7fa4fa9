import { describe, expect, it } from "vitest";
import { InputError } from "../src/shared/errors.js";

describe("InputError", () => {
  it("names file, row and field", () => {
    const e = new InputError("not a number: 'abc'", { file: "a.csv", row: 3, field: "events_t" });
    expect(e.message).toBe('a.csv, row 3, field "events_t": not a number: \'abc\'');
  });
});
