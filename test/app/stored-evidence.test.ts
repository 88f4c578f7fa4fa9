/**
 * The server accepts a stored evidence base only when `decidua evidence validate` would (issue #8 item 5): the same
 * entry schemas and the same cross-file checks (here: a trial citing a source the base does not hold).
 */
import { describe, expect, it } from "vitest";
import { readEvidenceBase, defaultEvidenceDir } from "../../src/evidence/load.js";
import { CoreServices } from "../../src/server/core.js";
import { isInputError } from "../../src/shared/errors.js";

describe("stored evidence base", () => {
  const { base, problems } = readEvidenceBase(defaultEvidenceDir());

  it("the repository's base passes both readers", () => {
    expect(problems).toEqual([]);
    expect(CoreServices.parseEvidence(base)).toEqual(base);
  });

  it("a cross-file problem is refused with its file, entry and field", () => {
    const broken = structuredClone(base);
    const trial = broken.trials[0]!;
    trial.source = "no-such-source";
    let caught: unknown;
    try {
      CoreServices.parseEvidence(broken);
    } catch (e) {
      caught = e;
    }
    expect(isInputError(caught)).toBe(true);
    const e = caught as { reason: string; location: { file?: string; field?: string } };
    expect(e.location.file).toBe("trials.json");
    expect(e.location.field).toBe("source");
    expect(e.reason).toContain(`unknown source "no-such-source"`);
    expect(e.reason).toContain(trial.id);
  });
});
