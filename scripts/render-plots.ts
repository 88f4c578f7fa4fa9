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
import { pooledComparisonSvg, prismaFlowSvg, robSummarySvg, robTrafficLightSvg } from "../src/evidence/plots/index.js";
import { GAO2025_BIRTH_WEIGHT, GAO2025_PRISMA, ILLUSTRATIVE_ROB1, IVIG_LIVE_BIRTH_PUBLISHED } from "../test/plots/evidence-samples.js";

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

save("comparison-birth-weight", pooledComparisonSvg(GAO2025_BIRTH_WEIGHT, { title: "Source 004: birth weight as printed" }));

// Real engine results (src/stats/meta.ts) on the example files, across measures.
type Engine = { metaAnalysis: (rows: unknown, options?: unknown) => MetaResult };
type Input = { parseStudyFile: (file: string, bytes: Uint8Array, options?: { subgroup?: string }) => Promise<unknown[]> };
try {
  const enginePath = "../src/stats/meta.js";
  const inputPath = "../src/stats/input.js";
  const { metaAnalysis } = (await import(enginePath)) as Engine;
  const { parseStudyFile } = (await import(inputPath)) as Input;
  const rowsOf = async (file: string, subgroup?: string): Promise<unknown[]> =>
    parseStudyFile(file, new Uint8Array(readFileSync(file)), subgroup !== undefined ? { subgroup } : {});
  const ivigLabels = { experimentalLabel: "IVIG", controlLabel: "Placebo", favoursLeft: "Favours placebo", favoursRight: "Favours IVIG" };

  const ivigRows = await rowsOf("examples/meta/ivig-live-birth.csv", "Placebo");
  const rm = metaAnalysis(ivigRows, { preset: "revman5", model: "auto" });
  save("engine-ivig-revman5", forestPlotSvg(rm, { title: "IVIG vs placebo: live birth (examples/meta/ivig-live-birth.csv, RevMan 5 preset)", ...ivigLabels }));
  const sg = metaAnalysis(ivigRows, { measure: "OR", model: "random", subgroup: "Placebo", bias: true });
  save("engine-ivig-subgroups", forestPlotSvg(sg, { title: "IVIG vs placebo: live birth by placebo (REML)", ...ivigLabels }));
  save("engine-ivig-funnel", funnelPlotSvg(sg, { title: "IVIG vs placebo: live birth, trim-and-fill" }));
  const ours = rm.pooled.transformed!;
  save(
    "comparison-ivig-live-birth",
    pooledComparisonSvg(
      [...IVIG_LIVE_BIRTH_PUBLISHED, { label: "Decidua (8 trials)", detail: "RevMan 5 preset, examples file", measure: "OR", estimate: ours.estimate, ci_lb: ours.ci_lb, ci_ub: ours.ci_ub, k: rm.k, ours: true }],
      { title: "IVIG vs placebo, live birth: pooled results side by side", favoursLeft: "Favours placebo", favoursRight: "Favours IVIG" },
    ),
  );

  const bcg = await rowsOf("examples/meta/bcg.csv", "allocation");
  save("engine-bcg-rr-subgroups", forestPlotSvg(metaAnalysis(bcg, { measure: "RR", subgroup: "allocation" }), { title: "BCG vaccine and tuberculosis (dat.bcg), RR by allocation", experimentalLabel: "BCG", controlLabel: "No BCG" }));
  save("engine-bcg-rd", forestPlotSvg(metaAnalysis(bcg, { measure: "RD", method: "MH", model: "fixed" }), { title: "BCG vaccine: risk difference (M-H, fixed)", experimentalLabel: "BCG", controlLabel: "No BCG" }));
  save("engine-normand-smd", forestPlotSvg(metaAnalysis(await rowsOf("examples/meta/normand1999.csv"), { measure: "SMD" }), { title: "Length of stay: standardised mean difference" }));
  const molloy = metaAnalysis(await rowsOf("examples/meta/molloy2014-generic.csv", "design"), { measure: "GEN", subgroup: "design", bias: true });
  save("engine-molloy-generic", forestPlotSvg(molloy, { title: "Conscientiousness and medication adherence (dat.molloy2014), generic IV", favoursLeft: "Negative", favoursRight: "Positive" }));
  save("engine-molloy-funnel", funnelPlotSvg(molloy, { title: "dat.molloy2014: funnel", xLabel: "Fisher's z" }));
} catch (e) {
  process.stdout.write(`engine samples skipped: ${e instanceof Error ? e.message : String(e)}\n`);
}
