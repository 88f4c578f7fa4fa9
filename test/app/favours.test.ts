/**
 * H45: the workbench's Favours labels put the intervention on the side where its benefit is drawn: left of the
 * line of no effect for a harmful outcome (loss), right for a good one (live birth, OR > 1 favours it). The forest
 * plot draws ratios below 1 on the left, so the labels are checked against the drawn plot too.
 */
import { describe, expect, it } from "vitest";
import { metaAnalysis } from "../../src/stats/meta.js";
import { forestPlotSvg } from "../../src/stats/plots/index.js";
import { favoursLabels } from "../../src/web/app/favours.js";

const rows = [
  { study: "A", data: { kind: "binary" as const, events_t: 30, total_t: 40, events_c: 18, total_c: 40 } },
  { study: "B", data: { kind: "binary" as const, events_t: 25, total_t: 35, events_c: 15, total_c: 36 } },
];

function xOf(svg: string, cls: string): number {
  const m = new RegExp(`<text[^>]*x="([0-9.]+)"[^>]*class="${cls}"|<text[^>]*class="${cls}"[^>]*x="([0-9.]+)"`).exec(svg);
  expect(m, cls).not.toBeNull();
  return Number(m![1] ?? m![2]);
}

describe("Favours labels", () => {
  it("H45 a good outcome (live birth) favours the intervention right of the line, where OR > 1 is drawn", () => {
    const good = favoursLabels(true, "IVIG", "placebo");
    expect(good).toEqual({ left: "Favours [placebo]", right: "Favours [IVIG]" });
    const harm = favoursLabels(false, "IVIG", "placebo");
    expect(harm).toEqual({ left: "Favours [IVIG]", right: "Favours [placebo]" });
    // more live births with the intervention: the pooled OR is above 1, drawn right of the line, under the right label
    const r = metaAnalysis(rows, { measure: "OR" });
    expect(r.pooled.transformed!.estimate).toBeGreaterThan(1);
    const svg = forestPlotSvg(r, { favoursLeft: good.left, favoursRight: good.right });
    expect(xOf(svg, "favours-right")).toBeGreaterThan(xOf(svg, "favours-left"));
    expect(svg).toMatch(/class="favours-right"[^>]*>Favours \[IVIG\]</);
  });
});
