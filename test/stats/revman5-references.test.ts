/**
 * RevMan 5 files as RevMan writes them beyond plain ASCII (test/stats/fixtures/revman): every XML character
 * reference (decimal and hex) and entity decoded as an XML parser decodes it, in ISO-8859-1 and UTF-8 files alike;
 * ids made from such labels transliterated (ł → l, not dropped); RevMan's stored zeros compared by an absolute
 * difference (a relative one has no meaning there).
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { analyseStudyTable } from "../../src/app/meta.js";
import { runMetaCommand } from "../../src/cli/commands/meta.js";
import { evidenceFromRevman5, evidenceIdFrom, parseRevman5ImportExtras } from "../../src/evidence/import-rm5.js";
import { decodeRevman5, parseRevman5 } from "../../src/stats/revman5.js";
import { inputError } from "../support/input-error.js";

const DIR = "test/stats/fixtures/revman";
const read = (f: string): { file: string; bytes: Uint8Array } => ({ file: `${DIR}/${f}`, bytes: new Uint8Array(readFileSync(`${DIR}/${f}`)) });
const review = (f: string) => {
  const { file, bytes } = read(f);
  return parseRevman5(decodeRevman5(bytes), file);
};
const source = { id: "probe-review", citation: "Probe A. A review. Test J 2020;1:1-10", doi: "10.1000/test.2" };
const xml = (body: string): string => `<?xml version="1.0" encoding="UTF-8"?><COCHRANE_REVIEW><COVER_SHEET><TITLE>${body}</TITLE></COVER_SHEET></COCHRANE_REVIEW>`;

describe("RevMan 5: character references and entities", () => {
  it("decodes &#322; in an ISO-8859-1 file and &#233; &#215; &amp; in a UTF-8 file, in attributes and in text", () => {
    const latin1 = review("review-latin1.rm5");
    expect(latin1.outcomes.find((o) => o.id === "CMP-001.01")?.studies.map((s) => s.study)).toContain("Jabłonowska 1999");
    expect(latin1.outcomes.find((o) => o.id === "CMP-001.02")?.name).toBe("Birth weight (kg × 2, Müller)");
    const utf8 = review("review53-entity.rm5");
    expect(utf8.outcomes.find((o) => o.id === "CMP-001.02")?.name).toBe("Birth weight (kg × 2)");
    expect([...utf8.studies.values()].map((s) => s.name)).toContain("Périno & Co 1997");
  });

  it("decimal and hex references, the five predefined entities and a DOCTYPE's own entities, as an XML parser reads them", () => {
    const title = (body: string, doctype = ""): string => parseRevman5(xml(body).replace("<COCHRANE_REVIEW>", `${doctype}<COCHRANE_REVIEW>`), "t.rm5").title;
    expect(title("Jab&#322;o&#x142;o &lt;&gt;&amp;&quot;&apos; &#x1F600;&#10;x")).toBe("Jabłoło <>&\"' 😀\nx");
    expect(title("&grp; &#38;amp;", '<!DOCTYPE COCHRANE_REVIEW [<!ENTITY grp "IVIG – placebo">]>')).toBe("IVIG – placebo &amp;");
    expect(parseRevman5(xml("a").replace("<TITLE>", '<TITLE MODIFIED_BY="R&amp;D &#233;quipe">'), "t.rm5").title).toBe("a");
  });

  it("an entity no DOCTYPE declares, or a reference to no XML character, is not well-formed: the file and line are named", () => {
    const nbsp = inputError(() => parseRevman5(xml("a\n&nbsp;b"), "t.rm5"));
    expect(nbsp.message).toBe('t.rm5, row 2: not well-formed XML: the entity "&nbsp;" is not declared (XML knows &amp; &lt; &gt; &quot; &apos; and character references such as &#160;)');
    const zero = inputError(() => parseRevman5(xml("a").replace("<TITLE>a", "<TITLE>\n\na&#0;"), "t.rm5"));
    expect(zero.message).toBe('t.rm5, row 3: not well-formed XML: "&#0;" refers to no XML character');
    const bare = inputError(() => parseRevman5(xml("a").replace("<TITLE>", '<TITLE\nMODIFIED_BY="R&D">'), "t.rm5"));
    expect(bare.message).toBe('t.rm5, row 2: not well-formed XML: "&D" is not a reference ("&" starts &name; or &#number; and is written &amp; otherwise)');
  });
});

describe("ids made from labels: letters transliterated, not dropped", () => {
  it("NFKD and the letters it does not decompose (ł ø đ ß æ œ þ)", () => {
    expect(evidenceIdFrom("Jabłonowska 1999")).toBe("jablonowska-1999");
    expect(evidenceIdFrom("Łukasz Østergaard Đorđević Straße Æsir Œuvre Þór Périno")).toBe("lukasz-ostergaard-dordevic-strasse-aesir-oeuvre-thor-perino");
    expect(evidenceIdFrom("MRC-1 1974")).toBe("mrc-1-1974");
  });

  it("decidua evidence import-rm5 --id-prefix probe-: jablonowska, from the reference and from UTF-8 alike", () => {
    for (const f of ["review-latin1.rm5", "review53.rm5"]) {
      const { file, bytes } = read(f);
      const text = decodeRevman5(bytes);
      const r = evidenceFromRevman5(parseRevman5(text, file), parseRevman5ImportExtras(text, file), { file, therapy: "ivig", source, idPrefix: "probe-" });
      expect(r.trials.map((t) => t.id)).toContain("probe-jablonowska-1999");
      expect(r.trials.map((t) => t.id).some((id) => /322|jab-/.test(id))).toBe(false);
    }
  });
});

describe("the comparison with RevMan's stored results", () => {
  it("a number RevMan stored as 0 is compared by its absolute difference", async () => {
    const a = await analyseStudyTable({ ...read("review53.rm5"), outcome: "CMP-001.02" }, {});
    const weight = a.revman!.checks.find((c) => c.quantity === "Perino 1997 weight %")!;
    expect(weight.revman).toBe(0);
    expect(weight.absolute).toBe(true);
    expect(weight.difference).toBeCloseTo(weight.decidua, 12);
    const effect = a.revman!.checks.find((c) => c.quantity === "Perino 1997 effect")!;
    expect(effect.absolute).toBe(false);
    expect(effect.difference).toBeCloseTo(Math.abs(effect.decidua - effect.revman) / Math.abs(effect.revman), 12);
    const text = (await runMetaCommand(`${DIR}/review53.rm5`, { outcome: "CMP-001.02" })).stdout;
    expect(text).not.toMatch(/e\+30\d/);
    expect(text).toContain("21 numbers compared; largest relative difference 3.2e-3 (total P (Z)); where RevMan stored 0: largest absolute difference 3.6e+1 (Perino 1997 weight %)");
    const json = JSON.parse((await runMetaCommand(`${DIR}/review53.rm5`, { outcome: "CMP-001.02", json: true })).stdout) as { revman: { max_relative_difference: number; max_absolute_difference: number; checks: { quantity: string; relative_difference?: number; absolute_difference?: number }[] } };
    expect(json.revman.max_relative_difference).toBeLessThan(1);
    expect(json.revman.max_absolute_difference).toBeGreaterThan(10);
    expect(json.revman.checks.find((c) => c.quantity === "Perino 1997 weight %")).toMatchObject({ absolute_difference: weight.difference });
  });
});
