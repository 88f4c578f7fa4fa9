/**
 * Summary-of-Findings exports (pure: the table in, text or bytes out; no I/O). CSV as rows (the adapter writes them
 * with its CSV writer) and DOCX with the `docx` package: a title, the question (population, intervention,
 * comparison), one table row per outcome with footnote marks, the footnotes and the GRADE certainty legend.
 * `docx` is loaded on first use, so commands that never export do not load it.
 */
import type { SofOutcomeRow, SofTable } from "./grade-outcomes.js";
import { GRADE_DOMAINS, GRADE_DOMAIN_LABELS } from "./grade-outcomes.js";

export const SOF_CSV_HEADER = [
  "outcome",
  "status",
  "studies",
  "participants",
  "measure",
  "relative_estimate",
  "relative_ci_low",
  "relative_ci_high",
  "assumed_risk_per_1000",
  "assumed_risk_basis",
  "corresponding_risk_per_1000",
  "corresponding_ci_low_per_1000",
  "corresponding_ci_high_per_1000",
  "difference_per_1000",
  "difference_ci_low_per_1000",
  "difference_ci_high_per_1000",
  "certainty",
  "certainty_symbols",
  ...GRADE_DOMAINS.flatMap((d) => [`${d}_downgrade`, `${d}_reason`]),
  "footnotes",
  "statement",
] as const;

/** One CSV row per outcome (no-data rows included, with empty numbers), numbers unrounded for the ratios. */
export function sofCsvRows(table: SofTable): { header: readonly string[]; rows: unknown[][] } {
  const notes = new Map(table.footnotes.map((f) => [f.mark, f.text]));
  const rows = table.outcomes.map((r) => [
    r.label,
    r.status,
    r.studies,
    r.participants,
    r.relative?.measure ?? "",
    r.relative?.estimate ?? "",
    r.relative?.ci_low ?? "",
    r.relative?.ci_high ?? "",
    r.assumed?.per1000 ?? "",
    r.assumed?.source ?? "",
    r.corresponding?.per1000 ?? "",
    r.corresponding?.ciLow ?? "",
    r.corresponding?.ciHigh ?? "",
    r.difference?.per1000 ?? "",
    r.difference?.ciLow ?? "",
    r.difference?.ciHigh ?? "",
    r.certainty?.level ?? "",
    r.certainty?.symbols ?? "",
    ...GRADE_DOMAINS.flatMap((d) => {
      const dom = r.certainty?.domains[d];
      return dom === undefined ? ["", ""] : [dom.downgrade, dom.reason];
    }),
    r.footnotes.map((m) => `${m}: ${notes.get(m) ?? ""}`).join(" | "),
    r.statement,
  ]);
  return { header: SOF_CSV_HEADER, rows };
}

function participantsText(r: SofOutcomeRow): string {
  return r.studies === 0 ? "—" : `${r.participants} (${r.studies} RCT${r.studies === 1 ? "" : "s"})`;
}

function absoluteLines(r: SofOutcomeRow): { assumed: string; corresponding: string } {
  if (r.assumed === null || r.corresponding === null || r.difference === null) return { assumed: r.status === "no data" ? "No data" : "Not estimable", corresponding: "—" };
  return {
    assumed: `${r.assumed.per1000} per 1,000`,
    corresponding: `${r.corresponding.per1000} per 1,000 (${r.corresponding.ciLow} to ${r.corresponding.ciHigh}); ${r.difference.text}`,
  };
}

/** The DOCX bytes of a Summary-of-Findings table. */
export async function sofDocx(table: SofTable, opts: { title?: string; generatedFrom?: string } = {}): Promise<Uint8Array> {
  const d = await import("docx");
  const { AlignmentType, Document, HeadingLevel, Packer, PageOrientation, Paragraph, Table, TableCell, TableRow, TextRun, WidthType } = d;
  const cell = (runs: Array<InstanceType<typeof TextRun>>, width?: number): InstanceType<typeof TableCell> =>
    new TableCell({
      children: [new Paragraph({ children: runs })],
      ...(width !== undefined ? { width: { size: width, type: WidthType.PERCENTAGE } } : {}),
    });
  const text = (s: string, bold = false): InstanceType<typeof TextRun> => new TextRun({ text: s, bold, size: 18 });
  const sup = (marks: string[]): InstanceType<typeof TextRun>[] => (marks.length === 0 ? [] : [new TextRun({ text: ` ${marks.join(",")}`, superScript: true, size: 18 })]);
  const head = ["Outcome", "Relative effect (95% CI)", "Assumed risk with placebo", `Corresponding risk with ${table.intervention} (95% CI)`, "Participants (studies)", "Certainty of the evidence (GRADE)", "What happens"];
  const widths = [13, 12, 11, 19, 10, 12, 23];
  const header = new TableRow({ tableHeader: true, children: head.map((h, i) => cell([text(h, true)], widths[i])) });
  const body = table.outcomes.map((r) => {
    const abs = absoluteLines(r);
    const certainty = r.certainty === null ? "—" : `${r.certainty.symbols} ${r.certainty.level.toUpperCase()}`;
    const domainMarks = r.certainty === null ? [] : r.footnotes.slice(r.assumed === null ? 0 : 1);
    return new TableRow({
      children: [
        cell([text(r.label, true), ...(r.status !== "estimated" ? sup(r.footnotes) : [])]),
        cell([text(r.relative?.text ?? "—")]),
        cell([text(abs.assumed), ...(r.assumed !== null ? sup(r.footnotes.slice(0, 1)) : [])]),
        cell([text(abs.corresponding)]),
        cell([text(participantsText(r))]),
        cell([text(certainty), ...sup(domainMarks)]),
        cell([text(r.statement)]),
      ],
    });
  });
  const children = [
    new Paragraph({ heading: HeadingLevel.HEADING_1, children: [new TextRun({ text: opts.title ?? `Summary of findings: ${table.comparison}` })] }),
    new Paragraph({ children: [new TextRun({ text: "Population: ", bold: true }), new TextRun({ text: table.population })] }),
    new Paragraph({ children: [new TextRun({ text: "Intervention: ", bold: true }), new TextRun({ text: table.intervention })] }),
    new Paragraph({ children: [new TextRun({ text: "Comparison: ", bold: true }), new TextRun({ text: "placebo" })] }),
    new Paragraph({ children: [new TextRun({ text: "Evidence: ", bold: true }), new TextRun({ text: table.basis })] }),
    new Table({ width: { size: 100, type: WidthType.PERCENTAGE }, rows: [header, ...body] }),
    new Paragraph({ spacing: { before: 200 }, children: [new TextRun({ text: "Footnotes", bold: true })] }),
    ...table.footnotes.map((f) => new Paragraph({ children: [new TextRun({ text: f.mark, superScript: true }), new TextRun({ text: ` ${f.text}`, size: 18 })] })),
    new Paragraph({ spacing: { before: 200 }, children: [new TextRun({ text: "GRADE Working Group grades of evidence", bold: true })] }),
    ...table.legend.map((l) => new Paragraph({ children: [new TextRun({ text: l, size: 18 })] })),
    new Paragraph({
      spacing: { before: 200 },
      alignment: AlignmentType.LEFT,
      children: [
        new TextRun({
          text: `Domains rated: ${GRADE_DOMAINS.map((x) => GRADE_DOMAIN_LABELS[x]).join(", ")}. Certainty starts at high for randomised trials and is rated down per domain; every rating down has a footnote.${opts.generatedFrom !== undefined ? ` ${opts.generatedFrom}` : ""}`,
          size: 16,
          italics: true,
        }),
      ],
    }),
  ];
  const doc = new Document({
    creator: "Decidua",
    title: opts.title ?? `Summary of findings: ${table.comparison}`,
    sections: [{ properties: { page: { size: { orientation: PageOrientation.LANDSCAPE } } }, children }],
  });
  return new Uint8Array(await Packer.toBuffer(doc));
}
