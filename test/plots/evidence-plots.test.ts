import { describe, expect, it } from "vitest";
import {
  checkPrismaCounts,
  pooledComparisonSvg,
  prismaFlowSvg,
  ROB_COLOURS,
  robDomainShares,
  robSummarySvg,
  robTrafficLightSvg,
  type PrismaCounts,
  type RobTable,
} from "../../src/evidence/plots/index.js";
import { GAO2025_BIRTH_WEIGHT, GAO2025_PRISMA, ILLUSTRATIVE_ROB1, IVIG_LIVE_BIRTH_PUBLISHED, ROB1_DOMAINS } from "./evidence-samples.js";
import { byClass, fitAxis, num, parseSvg, polygonPoints, texts } from "./svg-parse.js";
import { inputError } from "../support/input-error.js";

describe("robTrafficLightSvg", () => {
  const raw = robTrafficLightSvg(ILLUSTRATIVE_ROB1);
  const svg = parseSvg(raw);

  it("draws one circle per study and domain plus overall, coloured by judgement", () => {
    const cells = byClass(svg, "rob-cell");
    expect(cells).toHaveLength(8 * (7 + 1));
    for (const c of cells) {
      const s = ILLUSTRATIVE_ROB1.studies.find((x) => x.study === c.attrs["data-study"])!;
      const d = c.attrs["data-domain"]!;
      const j = d === "Overall" ? s.overall : s.judgements[d];
      expect(c.attrs["data-judgement"]).toBe(j);
      expect(c.attrs.fill).toBe(ROB_COLOURS[j!]);
    }
  });

  it("uses RoB 1 symbols + ? - and a legend of the judgements used", () => {
    const symbols = byClass(svg, "rob-symbol").map((t) => t.text);
    // Trial D 1999 column D1 is high, Trial A 1994 D1 low, Trial B 1995 D1 unclear.
    expect(new Set(symbols)).toEqual(new Set(["+", "?", "−"]));
    const words = texts(svg).map((t) => t.text);
    for (const l of ["Low risk of bias", "Unclear risk of bias", "High risk of bias"]) expect(words).toContain(l);
    expect(words).not.toContain("Some concerns");
    expect(words).toContain(`D3: ${ROB1_DOMAINS[2]}`);
  });

  it("escapes study names and lists each once", () => {
    expect(raw).toContain("Trial H 2022 &lt;interim&gt; &amp; &quot;final&quot;");
    for (const s of ILLUSTRATIVE_ROB1.studies) expect(byClass(svg, "study-label").filter((t) => t.text === s.study)).toHaveLength(1);
  });

  it("rejects judgements the tool does not have, and unknown domains, naming the field", () => {
    const bad: RobTable = structuredClone(ILLUSTRATIVE_ROB1);
    bad.studies[2]!.judgements[ROB1_DOMAINS[0]!] = "some concerns";
    const e = inputError(() => robTrafficLightSvg(bad));
    expect(e.location.field).toBe(`studies.2.judgements.${ROB1_DOMAINS[0]}`);
    expect(e.message).toContain("not a RoB1 judgement");
    const bad2: RobTable = structuredClone(ILLUSTRATIVE_ROB1);
    bad2.studies[0]!.judgements["Funding"] = "low";
    expect(inputError(() => robTrafficLightSvg(bad2)).message).toContain('unknown domain "Funding"');
  });

  it("accepts RoB 2 with some concerns and draws missing domains as not assessed", () => {
    const t: RobTable = {
      tool: "RoB2",
      domains: ["Randomisation process", "Deviations from intended interventions"],
      studies: [
        { study: "S1", judgements: { "Randomisation process": "some concerns" }, overall: "high" },
        { study: "S2", judgements: { "Randomisation process": "low", "Deviations from intended interventions": "low" }, overall: "low" },
      ],
    };
    const svg2 = parseSvg(robTrafficLightSvg(t));
    const cells = byClass(svg2, "rob-cell");
    expect(cells.find((c) => c.attrs["data-study"] === "S1" && c.attrs["data-domain"] === "Deviations from intended interventions")!.attrs["data-judgement"]).toBe("not assessed");
    expect(texts(svg2).map((x) => x.text)).toContain("Some concerns");
  });
});

describe("robSummarySvg", () => {
  it("splits each domain bar by the share of studies per judgement", () => {
    // D1 (random sequence generation): low in A, C, E, F, G; unclear in B, H; high in D.
    const shares = robDomainShares(ILLUSTRATIVE_ROB1, ROB1_DOMAINS[0]!);
    expect(shares.low).toBeCloseTo(5 / 8, 12);
    expect(shares.unclear).toBeCloseTo(2 / 8, 12);
    expect(shares.high).toBeCloseTo(1 / 8, 12);
    const svg = parseSvg(robSummarySvg(ILLUSTRATIVE_ROB1));
    const segs = byClass(svg, "rob-segment").filter((s) => s.attrs["data-domain"] === ROB1_DOMAINS[0]);
    const total = segs.reduce((a, s) => a + num(s, "width"), 0);
    const low = segs.find((s) => s.attrs["data-judgement"] === "low")!;
    expect(num(low, "width") / total).toBeCloseTo(5 / 8, 3);
    expect(texts(svg).map((t) => t.text)).toContain("63%");
    // one bar per domain plus overall
    expect(new Set(byClass(svg, "rob-segment").map((s) => s.attrs["data-domain"])).size).toBe(8);
  });

  it("weights by study weight when asked, and needs a weight for every study", () => {
    // D1 weights: low A12 + C15 + E10 + F9 + G22 = 68, unclear B8 + H18 = 26, high D6; total 100.
    const w = robDomainShares(ILLUSTRATIVE_ROB1, ROB1_DOMAINS[0]!, true);
    expect(w.low).toBeCloseTo(0.68, 12);
    expect(w.unclear).toBeCloseTo(0.26, 12);
    expect(w.high).toBeCloseTo(0.06, 12);
    const svg = parseSvg(robSummarySvg(ILLUSTRATIVE_ROB1, { weighted: true }));
    const segs = byClass(svg, "rob-segment").filter((s) => s.attrs["data-domain"] === ROB1_DOMAINS[0]);
    const total = segs.reduce((a, s) => a + num(s, "width"), 0);
    expect(num(segs.find((s) => s.attrs["data-judgement"] === "unclear")!, "width") / total).toBeCloseTo(0.26, 3);
    const noWeight: RobTable = structuredClone(ILLUSTRATIVE_ROB1);
    delete noWeight.studies[3]!.weight;
    expect(inputError(() => robSummarySvg(noWeight, { weighted: true })).location.field).toBe("studies.3.weight");
  });
});

describe("prismaFlowSvg", () => {
  it("draws the Gao 2025 flow 585 -> 534 excluded -> 51 -> 40 excluded -> 11", () => {
    const svg = parseSvg(prismaFlowSvg(GAO2025_PRISMA));
    const words = texts(svg).map((t) => t.text);
    for (const n of ["(n = 585)", "(n = 534)", "(n = 51)", "(n = 11)"]) expect(words).toContain(n);
    expect(words.join(" ")).toContain("(n = 40)");
    expect(words).toContain("Identification");
    expect(words).toContain("Screening");
    expect(words).toContain("Included");
    const boxes = byClass(svg, "prisma-box").map((b) => b.attrs["data-box"]);
    expect(boxes).toEqual(["identified", "removed", "screened", "excludedScreening", "reportsSought", "reportsNotRetrieved", "reportsAssessed", "reportsExcluded", "included"]);
    expect(words.join(" ")).toContain("Duplicate records removed (n = not reported)");
  });

  const cases: Array<[string, Partial<PrismaCounts>, string, string]> = [
    ["screened does not follow identified - removed", { screened: 580 }, "screened", "Records screened"],
    ["duplicates make the screened count wrong", { duplicatesRemoved: 10 }, "screened", "Records screened"],
    ["sought != screened - excluded", { reportsSought: 50 }, "reportsSought", "Reports sought for retrieval"],
    ["assessed != sought - not retrieved", { reportsNotRetrieved: 2 }, "reportsAssessed", "Reports assessed for eligibility"],
    ["excluded reasons do not leave the included reports", { reportsExcluded: [{ reason: "a", n: 30 }, { reason: "b", n: 11 }] }, "reportsIncluded", "Reports of included studies"],
    ["more studies than reports", { studiesIncluded: 12 }, "studiesIncluded", "Studies included in review"],
    ["more removed than identified", { duplicatesRemoved: 600 }, "duplicatesRemoved", "Records removed before screening"],
  ];
  for (const [name, patch, field, box] of cases) {
    it(`throws InputError naming the box when ${name}`, () => {
      const counts = { ...GAO2025_PRISMA, ...patch };
      const e = inputError(() => prismaFlowSvg(counts, { file: "data/prisma/ivig.json" }));
      expect(e.location.field).toBe(field);
      expect(e.location.file).toBe("data/prisma/ivig.json");
      expect(e.message).toContain(`"${box}"`);
    });
  }

  it("accepts consistent counts with duplicates and several sources", () => {
    const c: PrismaCounts = {
      identified: [
        { source: "PubMed", n: 300 },
        { source: "Embase", n: 285 },
      ],
      duplicatesRemoved: 85,
      screened: 500,
      excludedScreening: 449,
      reportsSought: 51,
      reportsNotRetrieved: 1,
      reportsAssessed: 50,
      reportsExcluded: [
        { reason: "Not randomised", n: 25 },
        { reason: "Wrong population", n: 14 },
      ],
      studiesIncluded: 10,
      reportsIncluded: 11,
    };
    expect(checkPrismaCounts(c).automationRemoved).toBe(0);
    const words = texts(parseSvg(prismaFlowSvg(c))).map((t) => t.text).join(" ");
    expect(words).toContain("PubMed (n = 300)");
    expect(words).toContain("Wrong population (n = 14)");
  });

  it("rejects negative or fractional counts through the schema", () => {
    expect(inputError(() => prismaFlowSvg({ ...GAO2025_PRISMA, screened: -1 })).location.field).toBe("screened");
    expect(inputError(() => prismaFlowSvg({ ...GAO2025_PRISMA, excludedScreening: 1.5 })).location.field).toBe("excludedScreening");
  });
});

describe("pooledComparisonSvg", () => {
  it("draws each published result as a diamond over its CI on one log axis, ours hollow", () => {
    const rows = [...IVIG_LIVE_BIRTH_PUBLISHED, { label: "Ours", measure: "OR" as const, estimate: 1.2, ci_lb: 0.82, ci_ub: 1.76, ours: true }];
    const svg = parseSvg(pooledComparisonSvg(rows, { favoursLeft: "Favours placebo", favoursRight: "Favours IVIG" }));
    const ticks = byClass(svg, "tick").map((t) => ({ value: Number(t.attrs["data-value"]), x: num(t, "x1") }));
    const map = fitAxis(ticks, true);
    for (const r of rows) {
      const d = byClass(svg, "diamond").find((e) => e.attrs["data-label"] === r.label)!;
      const xs = polygonPoints(d).map((p) => p[0]);
      expect(Math.min(...xs)).toBeCloseTo(map(r.ci_lb), 1);
      expect(Math.max(...xs)).toBeCloseTo(map(r.ci_ub), 1);
      expect(d.attrs.fill).toBe(r.label === "Ours" ? "#ffffff" : "#000000");
    }
    const words = texts(svg).map((t) => t.text);
    expect(words).toContain("2.24 [1.68, 2.98]");
    expect(words).toContain("0.98 [0.61, 1.58]");
  });

  it("marks an estimate that lies outside its own CI instead of drawing a diamond", () => {
    const svg = parseSvg(pooledComparisonSvg(GAO2025_BIRTH_WEIGHT));
    expect(byClass(svg, "diamond")).toHaveLength(0);
    expect(byClass(svg, "flag").map((t) => t.text)).toEqual(["estimate outside its CI"]);
    expect(texts(svg).map((t) => t.text)).toContain("220.74 [-549.37, 107.88]");
  });

  it("refuses to put ratios and differences on one axis, or a reversed interval", () => {
    const e = inputError(() => pooledComparisonSvg([...IVIG_LIVE_BIRTH_PUBLISHED, ...GAO2025_BIRTH_WEIGHT]));
    expect(e.location.field).toBe(`${IVIG_LIVE_BIRTH_PUBLISHED.length}.measure`);
    expect(inputError(() => pooledComparisonSvg([{ label: "x", measure: "OR", estimate: 1, ci_lb: 2, ci_ub: 0.5 }])).location.field).toBe("0.ci_lb");
  });
});
