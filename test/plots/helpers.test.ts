import { describe, expect, it } from "vitest";
import { escapeXml, forestLinearAxis, forestLogAxis, formatFixed, formatP, formatPlain, linearDigits, logTicks, niceSymmetricMax, wrapText, textWidth } from "../../src/stats/plots/index.js";

describe("number formatting", () => {
  it("prints P values as RevMan, with a third decimal around 0.05", () => {
    expect(formatP(0.000001)).toBe("< 0.00001");
    expect(formatP(0.00044)).toBe("= 0.0004");
    expect(formatP(0.0032)).toBe("= 0.003");
    expect(formatP(0.588)).toBe("= 0.59");
    expect(formatP(0.0549)).toBe("= 0.05"); // issue 8: RevMan prints P = 0.05 (was "= 0.055")
    expect(formatP(0.0551)).toBe("= 0.06");
    expect(formatP(0.0461)).toBe("= 0.05"); // issue 8: RevMan prints P = 0.05 (was "= 0.046")
    expect(formatP(0.0502)).toBe("= 0.05");
    expect(formatP(0.04)).toBe("= 0.04");
  });

  it("never prints minus zero, and trims typed numbers", () => {
    expect(formatFixed(-0.001, 2)).toBe("0.00");
    expect(formatFixed(-0.01, 2)).toBe("-0.01");
    expect(formatPlain(3.1)).toBe("3.1");
    expect(formatPlain(12)).toBe("12");
    expect(formatPlain(3250.456)).toBe("3250.46");
  });

  it("keeps two significant digits of narrow intervals on linear scales", () => {
    expect(linearDigits([12.5, 30, 8])).toBe(2);
    expect(linearDigits([0.5, 0.4, 0.6])).toBe(2);
    expect(linearDigits([0.02, 0.03, 0.01])).toBe(3);
    expect(linearDigits([0.002, 0.001, 0.003])).toBe(4);
    expect(linearDigits([])).toBe(2);
  });
});

describe("axes", () => {
  it("log forest axis: symmetric RevMan ranges", () => {
    expect(forestLogAxis([0.8, 1.25], [0.6, 1.7], 0, 100).ticks).toEqual([0.5, 0.7, 1, 1.5, 2]);
    expect(forestLogAxis([0.8, 1.25], [0.3, 3], 0, 100).ticks).toEqual([0.2, 0.5, 1, 2, 5]);
    expect(forestLogAxis([1.68, 2.98], [0.15, 11.09], 0, 100).ticks).toEqual([0.05, 0.2, 1, 5, 20]);
    // a huge study interval does not widen the axis past 0.01..100 (it gets arrows instead)
    expect(forestLogAxis([0.5, 2], [0.0001, 5000], 0, 100).ticks).toEqual([0.01, 0.1, 1, 10, 100]);
    const a = forestLogAxis([0.5, 2], [], 10, 210);
    expect(a.toPx(1)).toBeCloseTo(110, 9);
    expect(a.toPx(0.5)).toBeCloseTo(10, 9);
  });

  it("linear forest axis: symmetric with nice halves", () => {
    expect(niceSymmetricMax(0.7)).toBe(1);
    expect(niceSymmetricMax(3.2)).toBe(4);
    expect(niceSymmetricMax(71)).toBe(100);
    expect(niceSymmetricMax(42)).toBe(50);
    expect(forestLinearAxis([-32.64, 2.43], [-95.02, 30.06], 0, 200).ticks).toEqual([-100, -50, 0, 50, 100]);
    expect(forestLinearAxis([-1.14, 0.07], [-2.74, 0.75], 0, 200).ticks).toEqual([-4, -2, 0, 2, 4]);
  });

  it("log ticks for any ratio range", () => {
    expect(logTicks(0.15, 7)).toEqual([0.2, 0.5, 1, 2, 5]);
    expect(logTicks(0.001, 1000)).toEqual([0.001, 0.01, 0.1, 1, 10, 100, 1000]);
    const narrow = logTicks(0.8, 1.3);
    expect(narrow.length).toBeGreaterThanOrEqual(3);
    for (const t of narrow) expect(t >= 0.8 && t <= 1.3).toBe(true);
  });
});

describe("text helpers", () => {
  it("escapes the five XML specials and drops control characters", () => {
    expect(escapeXml(`a<b>&"c"'d'\u0001`)).toBe("a&lt;b&gt;&amp;&quot;c&quot;&apos;d&apos;");
  });

  it("wraps to the width, one long word on its own line", () => {
    const lines = wrapText("Basic research, conference abstracts, unclear outcomes or regimens", 120, 11);
    expect(lines.length).toBeGreaterThan(1);
    for (const l of lines) expect(textWidth(l, 11)).toBeLessThanOrEqual(120);
    expect(lines.join(" ")).toBe("Basic research, conference abstracts, unclear outcomes or regimens");
    expect(wrapText("Supercalifragilisticexpialidocious", 20, 11)).toEqual(["Supercalifragilisticexpialidocious"]);
  });
});
