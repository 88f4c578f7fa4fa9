/** The evidence notice's heading says "Verdict changed" only when a verdict's status changed (EvidenceNotice.tsx). */
import { describe, expect, it } from "vitest";
import { noticeHeading } from "../../src/web/app/components/EvidenceNotice.js";

describe("the evidence notice's heading", () => {
  it("is 'Verdict changed' when a status changed, else 'Evidence cited changed'", () => {
    expect(noticeHeading([{ kind: "evidence" }, { kind: "status" }])).toBe("Verdict changed");
    expect(noticeHeading([{ kind: "evidence" }, { kind: "guideline" }])).toBe("Evidence cited changed");
  });
});
