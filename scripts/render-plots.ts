/**
 * Renders sample plots (SVG and PNG) into a folder, for looking at them:
 *   npx tsx scripts/render-plots.ts /tmp/plots
 * Meta-analysis samples come from the metafor fixtures in test/plots/fixtures/ (see make-fixtures.R) and, when the
 * engine exists, from src/stats/meta.ts run on the IVIG trials; evidence samples from test/plots/evidence-samples.ts.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { MetaResultSchema, type MetaResult } from "../src/stats/types.js";
import { forestPlotSvg, funnelPlotSvg, svgToPng } from "../src/stats/plots/index.js";
import { prismaFlowSvg, robSummarySvg, robTrafficLightSvg } from "../src/evidence/plots/index.js";
import { GAO2025_PRISMA, ILLUSTRATIVE_ROB1 } from "../test/plots/evidence-samples.js";

const dir = process.argv[2];
if (dir === undefined) {
  process.stderr.write("usage: tsx scripts/render-plots.ts OUTPUT_DIR\n");
  process.exit(2);
}
mkdirSync(dir, { recursive: true });

function fixture(name: string): MetaResult {
  return MetaResultSchema.parse(JSON.parse(readFileSync(join("test/plots/fixtures", `${name}.json`), "utf8")));
}

function save(name: string, svg: string): void {
  writeFileSync(join(dir!, `${name}.svg`), svg);
  writeFileSync(join(dir!, `${name}.png`), svgToPng(svg));
  process.stdout.write(`${join(dir!, name)}.{svg,png}\n`);
}

save(
  "forest-binary-11",
  forestPlotSvg(fixture("hahn2001-or-mh-fixed"), {
    title: "Oral rehydration solution: unscheduled intravenous infusion (dat.hahn2001, 11 trials)",
    experimentalLabel: "Reduced osmolarity",
    controlLabel: "Standard ORS",
  }),
);
save(
  "forest-subgroups",
  forestPlotSvg(fixture("ivig-or-subgroups-random"), {
    title: "IVIG vs placebo in recurrent miscarriage: live birth, by placebo type",
    experimentalLabel: "IVIG",
    controlLabel: "Placebo",
    favoursLeft: "Favours placebo",
    favoursRight: "Favours IVIG",
  }),
);
save(
  "forest-md",
  forestPlotSvg(fixture("normand1999-md-random"), {
    title: "Length of hospital stay, specialist vs routine care (dat.normand1999)",
    experimentalLabel: "Specialist",
    controlLabel: "Routine",
  }),
);
save("funnel-trimfill", funnelPlotSvg(fixture("hackshaw1998-funnel-trimfill"), { title: "Passive smoking and lung cancer (dat.hackshaw1998), trim-and-fill" }));
save("funnel-computed", funnelPlotSvg(fixture("ivig-or-subgroups-random"), { title: "IVIG vs placebo: live birth" }));
save("rob-traffic-light", robTrafficLightSvg(ILLUSTRATIVE_ROB1, { title: "Risk of bias (RoB 1), illustrative judgements" }));
save("rob-summary", robSummarySvg(ILLUSTRATIVE_ROB1, { title: "Risk of bias summary (RoB 1), illustrative" }));
save("rob-summary-weighted", robSummarySvg(ILLUSTRATIVE_ROB1, { title: "Risk of bias summary, weighted by study weight", weighted: true }));
save("prisma-gao2025", prismaFlowSvg(GAO2025_PRISMA, { title: "PRISMA 2020 flow: IVIG meta-analysis (Gao 2025, source 004)" }));

// Real engine results, once src/stats/meta.ts exists.
try {
  const modPath = "../src/stats/meta.js";
  const mod = (await import(modPath)) as { metaAnalysis?: (rows: unknown, options?: unknown) => MetaResult };
  if (typeof mod.metaAnalysis === "function") {
    const rows = (JSON.parse(readFileSync("test/plots/fixtures/ivig-or-subgroups-random.json", "utf8")) as MetaResult).studies.map((s, i) => ({
      study: s.study,
      row: i + 2,
      subgroup: s.subgroup,
      data: s.data,
    }));
    const rm = mod.metaAnalysis(rows, { measure: "OR", method: "MH", model: "fixed", preset: "revman5" });
    save("engine-ivig-revman5", forestPlotSvg(rm, { title: "IVIG vs placebo: live birth (engine, RevMan 5 preset)", experimentalLabel: "IVIG", controlLabel: "Placebo", favoursLeft: "Favours placebo", favoursRight: "Favours IVIG" }));
    const sg = mod.metaAnalysis(rows, { measure: "OR", model: "random", subgroup: "subgroup", bias: true });
    save("engine-ivig-subgroups", forestPlotSvg(sg, { title: "IVIG vs placebo: live birth by placebo type (engine, REML)", experimentalLabel: "IVIG", controlLabel: "Placebo", favoursLeft: "Favours placebo", favoursRight: "Favours IVIG" }));
    save("engine-ivig-funnel", funnelPlotSvg(sg, { title: "IVIG vs placebo: live birth (engine)" }));
  }
} catch (e) {
  process.stdout.write(`engine samples skipped: ${e instanceof Error ? e.message : String(e)}\n`);
}
