/**
 * Summary-of-Findings exports: the DOCX is unzipped and its text read back (outcome rows, numbers, footnotes); the
 * CSV is parsed back and compared with the table; the CLI writes both and refuses bad input with exit 2, writing
 * nothing.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import JSZip from "jszip";
import { afterAll, describe, expect, it } from "vitest";
import { exportSummaryOfFindings } from "../../src/app/sof.js";
import { main } from "../../src/cli/main.js";
import { summaryOfFindingsTable } from "../../src/evidence/grade-outcomes.js";
import { SOF_CSV_HEADER } from "../../src/evidence/sof-export.js";
import { fixtureBase } from "./sof-fixture.js";

const base = fixtureBase();
const dir = mkdtempSync(join(tmpdir(), "decidua-sof-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const decode = (s: string): string => s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, "&");

/** The text of a DOCX: every paragraph, and every table row as its cells' texts. */
async function docxText(bytes: Uint8Array): Promise<{ paragraphs: string[]; rows: string[][]; xml: string }> {
  const zip = await JSZip.loadAsync(bytes);
  const file = zip.file("word/document.xml");
  if (file === null) throw new Error("no word/document.xml in the DOCX");
  const xml = await file.async("string");
  const textOf = (frag: string): string => [...frag.matchAll(/<w:t(?:\s[^>]*)?>([^<]*)<\/w:t>/g)].map((m) => decode(m[1]!)).join("");
  const rows = [...xml.matchAll(/<w:tr[ >][\s\S]*?<\/w:tr>/g)].map((tr) => [...tr[0].matchAll(/<w:tc>[\s\S]*?<\/w:tc>/g)].map((tc) => textOf(tc[0])));
  const paragraphs = [...xml.replace(/<w:tbl>[\s\S]*?<\/w:tbl>/g, "").matchAll(/<w:p[ >][\s\S]*?<\/w:p>/g)].map((p) => textOf(p[0]));
  return { paragraphs, rows, xml };
}

describe("DOCX export", () => {
  it("is a Word document with a title, a real table (header + one row per outcome), footnotes and the GRADE legend", async () => {
    const ex = await exportSummaryOfFindings(base, "intralipid", "docx");
    expect(ex.contentType).toBe("application/vnd.openxmlformats-officedocument.wordprocessingml.document");
    expect(ex.filename).toBe("sof-intralipid.docx");
    const bytes = ex.body as Uint8Array;
    expect(Buffer.from(bytes.subarray(0, 2)).toString("latin1")).toBe("PK");
    const { paragraphs, rows, xml } = await docxText(bytes);
    expect(xml).toContain("<w:tbl>");
    const t = ex.table;
    expect(paragraphs[0]).toBe(`Summary of findings: ${t.comparison}`);
    expect(rows).toHaveLength(1 + 6);
    expect(rows[0]![0]).toBe("Outcome");
    expect(rows[0]![5]).toBe("Certainty of the evidence (GRADE)");
    t.outcomes.forEach((r, i) => {
      const cells = rows[i + 1]!;
      expect(cells[0]!.startsWith(r.label)).toBe(true);
      if (r.status === "estimated") {
        expect(cells[1]).toBe(r.relative!.text);
        expect(cells[2]).toBe(`${r.assumed!.per1000} per 1,000 ${r.footnotes[0]}`);
        expect(cells[3]).toBe(`${r.corresponding!.per1000} per 1,000 (${r.corresponding!.ciLow} to ${r.corresponding!.ciHigh}); ${r.difference!.text}`);
        expect(cells[4]).toBe(`${r.participants} (${r.studies} RCT${r.studies === 1 ? "" : "s"})`);
        expect(cells[5]!.startsWith(`${r.certainty!.symbols} ${r.certainty!.level.toUpperCase()}`)).toBe(true);
        // the footnote marks of every downgrade follow the certainty
        expect(cells[5]!.endsWith(r.footnotes.slice(1).join(","))).toBe(true);
        expect(cells[6]).toBe(r.statement);
      } else expect(cells[2]).toBe(r.status === "no data" ? "No data" : "Not estimable");
    });
    // the numbers, read back, are the hand-checkable ones of the live-birth row
    const lb = t.outcomes[0]!;
    expect(rows[1]![1]).toBe("RR 1.28 (1.14 to 1.44)");
    expect(rows[1]![3]).toContain(`${lb.difference!.per1000} more per 1,000`);
    // every footnote is printed with its mark
    for (const f of t.footnotes) expect(paragraphs).toContain(`${f.mark} ${f.text}`);
    expect(paragraphs.some((p) => p.includes("publication bias: rated down one level: suspected: Egger"))).toBe(true);
    expect(paragraphs.some((p) => p.startsWith("Low certainty:"))).toBe(true);
  });
});

describe("CSV export", () => {
  it("parses back to one row per outcome with the table's numbers and reasons", async () => {
    const ex = await exportSummaryOfFindings(base, "intralipid", "csv");
    const records = parse(ex.body as string, { columns: true, bom: true }) as Array<Record<string, string>>;
    expect(Object.keys(records[0]!)).toEqual([...SOF_CSV_HEADER]);
    expect(records.map((r) => r.outcome)).toEqual(ex.table.outcomes.map((r) => r.label));
    ex.table.outcomes.forEach((o, i) => {
      const c = records[i]!;
      expect(c.status).toBe(o.status);
      expect(Number(c.studies)).toBe(o.studies);
      if (o.status !== "estimated") {
        expect(c.relative_estimate).toBe("");
        expect(c.certainty).toBe("");
        return;
      }
      expect(Number(c.relative_estimate)).toBe(o.relative!.estimate);
      expect(Number(c.relative_ci_low)).toBe(o.relative!.ci_low);
      expect(Number(c.assumed_risk_per_1000)).toBe(o.assumed!.per1000);
      expect(Number(c.corresponding_ci_high_per_1000)).toBe(o.corresponding!.ciHigh);
      expect(Number(c.difference_per_1000)).toBe(o.difference!.per1000);
      expect(c.certainty_symbols).toBe(o.certainty!.symbols);
      expect(Number(c.riskOfBias_downgrade)).toBe(o.certainty!.domains.riskOfBias.downgrade);
      expect(c.inconsistency_reason).toBe(o.certainty!.domains.inconsistency.reason);
      expect(c.statement).toBe(o.statement);
      for (const m of o.footnotes) expect(c.footnotes).toContain(`${m}: `);
    });
  });

  it("JSON export is the table", async () => {
    const ex = await exportSummaryOfFindings(base, "intralipid", "json");
    expect(JSON.parse(ex.body as string)).toEqual(JSON.parse(JSON.stringify(summaryOfFindingsTable(base, "intralipid"))));
  });
});

describe("decidua evidence sof THERAPY", () => {
  const run = async (args: string[]): Promise<{ code: number; out: string; err: string }> => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(args, { out: (t) => out.push(t), err: (t) => err.push(t) });
    return { code, out: out.join(""), err: err.join("") };
  };

  it("writes DOCX and CSV (format from --format or the extension) and prints the table as text", async () => {
    const docx = join(dir, "ivig.docx");
    const r = await run(["evidence", "sof", "ivig", "--out", docx]);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`wrote ${docx} (docx, 6 outcomes)`);
    const { rows } = await docxText(new Uint8Array(readFileSync(docx)));
    const labels = ["Outcome", "Live birth", "Ongoing pregnancy", "Miscarriage", "Adverse events", "Preterm birth", "Congenital anomalies"];
    expect(rows).toHaveLength(labels.length);
    labels.forEach((l, i) => expect(rows[i]![0]!.startsWith(l)).toBe(true));
    const csv = join(dir, "ivig.txt");
    expect((await run(["evidence", "sof", "ivig", "--format", "csv", "--out", csv, "--measure", "or", "--baseline", "median"])).code).toBe(0);
    const records = parse(readFileSync(csv, "utf8"), { columns: true }) as Array<Record<string, string>>;
    expect(records[0]!.measure).toBe("OR");
    expect(records[0]!.assumed_risk_basis).toMatch(/^median control-arm risk/);
    const text = await run(["evidence", "sof", "ivig"]);
    expect(text.out).toContain("Summary of findings: Intravenous immunoglobulin (IVIG) vs placebo");
    expect(text.out).toMatch(/Adverse events: no data/);
    const json = await run(["evidence", "sof", "ivig", "--json"]);
    expect((JSON.parse(json.out) as { outcomes: unknown[] }).outcomes).toHaveLength(6);
  });

  it("reads a reviewer's overrides file; an override without a reason is refused with exit 2", async () => {
    const { writeFileSync } = await import("node:fs");
    const good = join(dir, "overrides.json");
    writeFileSync(good, JSON.stringify({ "live-birth": { indirectness: { downgrade: 0, reason: "reviewer: the substitute outcomes are close to live birth" } } }));
    const r = await run(["evidence", "sof", "ivig", "--json", "--overrides", good]);
    expect(r.code).toBe(0);
    const lb = (JSON.parse(r.out) as { outcomes: Array<{ certainty: { domains: { indirectness: { downgrade: number; reason: string } } } }> }).outcomes[0]!;
    expect(lb.certainty.domains.indirectness.downgrade).toBe(0);
    expect(lb.certainty.domains.indirectness.reason).toContain("reviewer: the substitute outcomes");
    const bad = join(dir, "bad-overrides.json");
    writeFileSync(bad, JSON.stringify({ "live-birth": { indirectness: { downgrade: 1, reason: "" } } }));
    const out = join(dir, "never.docx");
    const b = await run(["evidence", "sof", "ivig", "--overrides", bad, "--out", out]);
    expect(b.code).toBe(2);
    expect(b.err).toContain("overrides.live-birth.indirectness.reason");
    expect(existsSync(out)).toBe(false);
  });

  it("reads RoB 2 assessments from --rob2 before the RoB 1 entries; a bad assessment names the file and exits 2", async () => {
    const { writeFileSync } = await import("node:fs");
    const low = {
      D1: { "1.1": "Y", "1.2": "Y", "1.3": "N" },
      D2: { "2.1": "N", "2.2": "N", "2.6": "Y" },
      D3: { "3.1": "Y" },
      D4: { "4.1": "N", "4.2": "N", "4.3": "N" },
      D5: { "5.1": "Y", "5.2": "N", "5.3": "N" },
    };
    const file = join(dir, "rob2.json");
    writeFileSync(file, JSON.stringify([{ study: "christiansen-2015", answers: low }]));
    const r = await run(["evidence", "sof", "ivig", "--json", "--rob2", file]);
    expect(r.code).toBe(0);
    type T = { outcomes: Array<{ certainty: { domains: { riskOfBias: { trials: Array<{ trial: string; judgement: string; tool: string }> } } } | null }> };
    const trials = (JSON.parse(r.out) as T).outcomes[0]!.certainty!.domains.riskOfBias.trials;
    expect(trials.find((t) => t.trial === "christiansen-2015")).toMatchObject({ judgement: "low", tool: "RoB 2" });
    // a trial with the base's own RoB 2 reads it; one with RoB 1 only (selection domains not assessed) stays "not assessed"
    expect(trials.find((t) => t.trial === "christiansen-2002")).toMatchObject({ judgement: "some concerns", tool: "RoB 2" });
    expect(trials.find((t) => t.trial === "jablonowska-1999")).toMatchObject({ judgement: "not assessed", tool: "RoB 1" });
    const bad = join(dir, "rob2-bad.json");
    writeFileSync(bad, JSON.stringify([{ study: "christiansen-2015", answers: { D1: { "1.1": "Y" } } }]));
    const b = await run(["evidence", "sof", "ivig", "--json", "--rob2", bad]);
    expect(b.code).toBe(2);
    expect(b.err).toContain(bad);
    expect(b.err).toContain("assessment #1");
  });

  it("refuses a bad therapy, format, measure or a docx without --out (exit 2, nothing written)", async () => {
    const out = join(dir, "x.csv");
    for (const args of [
      ["evidence", "sof", "aspirin", "--out", out],
      ["evidence", "sof", "ivig", "--format", "xml", "--out", out],
      ["evidence", "sof", "ivig", "--measure", "HR", "--out", out],
      ["evidence", "sof", "ivig", "--format", "docx"],
      ["evidence", "sof", "--format", "csv"],
    ]) {
      const r = await run(args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.err).toMatch(/field "(therapy|--format|--measure|--out)"/);
    }
    expect(existsSync(out)).toBe(false);
  });
});
