// Study-selection API on a real server (both engines): setup, import errors, dedup, blinding, conflicts,
// full-text reasons, PRISMA, exports, kappa, audit.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminClient, Client, errorOf, startServer, type TestServer, userClient } from "./helpers.js";

const fx = (name: string): string => readFileSync(new URL(`../screening/fixtures/${name}`, import.meta.url), "utf8");
const protocol = {
  title: "Immunotherapy for unexplained recurrent pregnancy loss",
  question: { population: "women with recurrent pregnancy loss", intervention: "immunotherapy (IVIG, LIT, intralipid)", comparator: "placebo or no treatment", outcomes: "live birth" },
  inclusionCriteria: ["randomised controlled trials"],
  exclusionCriteria: ["animal studies"],
  inclusionTerms: ["randomi*", "immunoglobulin"],
  exclusionTerms: ["cohort", "retrospective"],
  exclusionReasons: ["Wrong population", "Not randomised", "Wrong intervention"],
};

describe.each(["sqlite", "postgres"] as const)("screening API on %s", (engine) => {
  let srv: TestServer;
  let admin: Client;
  let lead: Client;
  let rev: Client;
  let outsider: Client;
  let reviewId: string;

  beforeAll(async () => {
    srv = await startServer(engine);
    admin = await adminClient(srv.base);
    lead = await userClient(srv.base, admin, "lead.r", "researcher");
    rev = await userClient(srv.base, admin, "second.c", "clinician");
    outsider = await userClient(srv.base, admin, "other.r", "researcher");
  });
  afterAll(async () => srv.close());

  it("creates a review (researcher), assigns a clinician; a clinician cannot create one; outsiders are refused", async () => {
    const bad = await lead.req("POST", "/api/screening/reviews", { protocol: { ...protocol, exclusionReasons: [] } });
    expect(bad.status).toBe(400);
    expect(errorOf(bad).field).toBe("protocol.exclusionReasons");
    const r = await lead.req("POST", "/api/screening/reviews", { protocol });
    expect(r.status).toBe(201);
    reviewId = (r.body as { review: { id: string } }).review.id;
    expect((await rev.req("POST", "/api/screening/reviews", { protocol })).status).toBe(403);
    expect((await rev.req("POST", `/api/screening/reviews/${reviewId}/members`, { username: "second.c" })).status).toBe(403);
    expect(errorOf(await lead.req("POST", `/api/screening/reviews/${reviewId}/members`, { username: "nobody" })).field).toBe("username");
    expect((await lead.req("POST", `/api/screening/reviews/${reviewId}/members`, { username: "second.c" })).status).toBe(201);
    expect((await outsider.req("GET", `/api/screening/reviews/${reviewId}`)).status).toBe(403);
    expect((await admin.req("GET", `/api/screening/reviews/${reviewId}`)).status).toBe(200);
    expect((await admin.req("POST", `/api/screening/reviews/${reviewId}/decisions`, { recordId: reviewId, stage: "title_abstract", vote: "include" })).status).toBe(403);
  });

  it("imports: located 400 errors and nothing half-imported; then three databases", async () => {
    const base = { sourceDatabase: "Embase", searchDate: "2026-02-01", searchString: "'recurrent miscarriage'/exp AND immun*" };
    const e1 = await lead.req("POST", `/api/screening/reviews/${reviewId}/imports`, { ...base, fileName: "no-title.ris", content: fx("no-title.ris") });
    expect(e1.status).toBe(400);
    expect(errorOf(e1)).toMatchObject({ field: "TI", row: 7, code: "VALIDATION" });
    expect(errorOf(e1).message).toMatch(/^no-title\.ris, row 7, field "TI": record 2: the record has no title/);
    const e2 = await lead.req("POST", `/api/screening/reviews/${reviewId}/imports`, { ...base, fileName: "central.csv", format: "csv", content: fx("central.csv"), mapping: { title: "Title", abstract: "Summary" } });
    expect(errorOf(e2)).toMatchObject({ field: "mapping.abstract", row: 1 });
    const e3 = await lead.req("POST", `/api/screening/reviews/${reviewId}/imports`, { ...base, fileName: "notes.doc", content: "hello" });
    expect(errorOf(e3).field).toBe("format");
    const none = (await lead.req("GET", `/api/screening/reviews/${reviewId}`)).body as { imports: unknown[]; summary: { records: number } };
    expect(none.imports).toEqual([]);
    expect(none.summary.records).toBe(0);

    expect((await lead.req("POST", `/api/screening/reviews/${reviewId}/imports`, { ...base, fileName: "search-embase.ris", content: fx("search-embase.ris") })).status).toBe(201);
    expect((await rev.req("POST", `/api/screening/reviews/${reviewId}/imports`, { ...base, sourceDatabase: "PubMed", searchString: "recurrent miscarriage[mh] AND immunotherapy", fileName: "pubmed.nbib", content: fx("pubmed.nbib") })).status).toBe(201);
    // a CSV without a mapping is read by its column names, and the answer says which it took
    const central = await lead.req("POST", `/api/screening/reviews/${reviewId}/imports`, { ...base, sourceDatabase: "CENTRAL", fileName: "central.csv", content: fx("central.csv") });
    expect(central.status).toBe(201);
    expect((central.body as { columns: string }).columns).toBe("title=Title,abstract=Abstract,authors=Author(s),journal=Source,year=Year,doi=DOI,pmid=PubMed ID");
    const d = (await lead.req("GET", `/api/screening/reviews/${reviewId}/duplicates`)).body as { removedByRule: Record<string, number> };
    expect(d.removedByRule).toEqual({ pmid: 2, doi: 1, title_year_author: 0, manual: 0 });
  });

  it("screening is blinded, a change needs a reason, conflicts are resolved, full text needs a listed reason, PRISMA adds up", async () => {
    const q = (await lead.req("GET", `/api/screening/reviews/${reviewId}/queue?stage=title_abstract`)).body as { remaining: number; note: string; records: Array<{ id: string; title: string; highlights: unknown[] }> };
    expect(q.remaining).toBe(7);
    expect(q.note).toMatch(/every record is still screened by people/);
    const ids = q.records.map((r) => r.id);
    expect(q.records.some((r) => r.highlights.length > 0)).toBe(true);
    const vote = (c: Client, recordId: string, v: string, extra: Record<string, unknown> = {}) => c.req("POST", `/api/screening/reviews/${reviewId}/decisions`, { recordId, stage: "title_abstract", vote: v, ...extra });
    // lead: include first 4, exclude the rest; reviewer: agrees except on ids[1] and ids[5]
    for (const [i, id] of ids.entries()) expect((await vote(lead, id, i < 4 ? "include" : "exclude")).status).toBe(201);
    const seen = (await rev.req("GET", `/api/screening/reviews/${reviewId}/decisions?stage=title_abstract`)).body as { decisions: unknown[] };
    expect(seen.decisions).toEqual([]);
    for (const [i, id] of ids.entries()) {
      const v = i === 1 ? "exclude" : i === 5 ? "maybe" : i < 4 ? "include" : "exclude";
      expect((await vote(rev, id, v)).status).toBe(201);
    }
    expect(((await rev.req("GET", `/api/screening/reviews/${reviewId}/decisions?stage=title_abstract`)).body as { decisions: unknown[] }).decisions).toHaveLength(14);
    const ch = await vote(rev, ids[6] as string, "maybe");
    expect(ch.status).toBe(409);
    expect(errorOf(ch).message).toMatch(/changeReason/);
    const ch2 = (await vote(rev, ids[6] as string, "exclude", { changeReason: "x" }));
    expect(ch2.status).toBe(409); // unchanged
    const conflicts = (await lead.req("GET", `/api/screening/reviews/${reviewId}/conflicts?stage=title_abstract`)).body as { conflicts: Array<{ record: { id: string } }> };
    expect(conflicts.conflicts.map((c) => c.record.id).sort()).toEqual([ids[1], ids[5]].sort());
    expect((await lead.req("POST", `/api/screening/reviews/${reviewId}/resolutions`, { recordId: ids[0], stage: "title_abstract", outcome: "include", note: "n" })).status).toBe(409);
    expect((await lead.req("POST", `/api/screening/reviews/${reviewId}/resolutions`, { recordId: ids[1], stage: "title_abstract", outcome: "exclude", note: "consensus" })).status).toBe(201);
    expect((await lead.req("POST", `/api/screening/reviews/${reviewId}/resolutions`, { recordId: ids[5], stage: "title_abstract", outcome: "include", note: "third reviewer" })).status).toBe(201);
    const sum = (await lead.req("GET", `/api/screening/reviews/${reviewId}`)).body as { summary: { agreement: { titleAbstract: Array<{ binary: { n: number; kappa: number } }> } } };
    // 7 records: forward/forward 3, forward/exclude 1, exclude/forward 1, exclude/exclude 2 → po 5/7, pe (4·4+3·3)/49
    const po = 5 / 7;
    const pe = (4 * 4 + 3 * 3) / 49;
    expect(sum.summary.agreement.titleAbstract[0]?.binary.n).toBe(7);
    expect(sum.summary.agreement.titleAbstract[0]?.binary.kappa).toBeCloseTo((po - pe) / (1 - pe), 12);

    // full text: ids[0], ids[2], ids[3], ids[5]
    const ft = (c: Client, recordId: string, v: string, reason: string | null = null) => c.req("POST", `/api/screening/reviews/${reviewId}/decisions`, { recordId, stage: "full_text", vote: v, reason });
    expect(errorOf(await ft(lead, ids[4] as string, "include")).code).toBe("CONFLICT");
    expect(errorOf(await ft(lead, ids[0] as string, "exclude")).field).toBe("reason");
    expect(errorOf(await ft(lead, ids[0] as string, "exclude", "Too small")).field).toBe("reason");
    for (const c of [lead, rev]) {
      expect((await ft(c, ids[0] as string, "include")).status).toBe(201);
      expect((await ft(c, ids[2] as string, "exclude", "Not randomised")).status).toBe(201);
    }
    expect((await ft(lead, ids[3] as string, "exclude", "Wrong population")).status).toBe(201);
    expect((await ft(rev, ids[3] as string, "exclude", "Not randomised")).status).toBe(201);
    expect((await lead.req("POST", `/api/screening/reviews/${reviewId}/resolutions`, { recordId: ids[3], stage: "full_text", outcome: "exclude", reason: "Wrong population", note: "consensus" })).status).toBe(201);
    const pending = (await lead.req("GET", `/api/screening/reviews/${reviewId}/prisma`)).body as { complete: boolean; svg: string | null; pending: { fullText: number } };
    expect(pending).toMatchObject({ complete: false, svg: null, pending: { fullText: 1 } });
    expect((await rev.req("POST", `/api/screening/reviews/${reviewId}/resolutions`, { recordId: ids[5], stage: "full_text", outcome: "not_retrieved", note: "library could not obtain it" })).status).toBe(201);
    const p = (await lead.req("GET", `/api/screening/reviews/${reviewId}/prisma`)).body as { complete: boolean; counts: Record<string, unknown>; svg: string };
    expect(p.complete).toBe(true);
    expect(p.counts).toEqual({
      identified: [{ source: "Embase", n: 4 }, { source: "PubMed", n: 3 }, { source: "CENTRAL", n: 3 }],
      duplicatesRemoved: 3, automationRemoved: 0, otherRemoved: 0, screened: 7, excludedScreening: 3,
      reportsSought: 4, reportsNotRetrieved: 1, reportsAssessed: 3,
      reportsExcluded: [{ reason: "Wrong population", n: 1 }, { reason: "Not randomised", n: 1 }], studiesIncluded: 1, reportsIncluded: 1,
    });
    expect(p.svg).toContain("<svg");
    const csv = await lead.req("GET", `/api/screening/reviews/${reviewId}/export/selection.csv`);
    expect(csv.headers.get("content-type")).toMatch(/text\/csv/);
    const lines = csv.text.trim().split("\r\n");
    expect(lines).toHaveLength(8);
    expect(lines.filter((l) => l.includes(",included,")).length).toBe(1);
    expect(lines.filter((l) => l.includes("Not randomised")).length).toBe(1);
    const pj = (await lead.req("GET", `/api/screening/reviews/${reviewId}/export/prisma.json`)).body as { searches: Array<{ database: string; searchString: string }>; counts: unknown };
    expect(pj.counts).toEqual(p.counts);
    expect(pj.searches.map((s) => s.database)).toEqual(["Embase", "PubMed", "CENTRAL"]);
    const ris = await lead.req("GET", `/api/screening/reviews/${reviewId}/export/included.ris`);
    expect(ris.status).toBe(200);
    expect(ris.text.match(/^TY  - /gm)).toHaveLength(1);
    const audit = (await admin.req("GET", "/api/audit?action=screening.decision.create&limit=100")).body as { total: number };
    expect(audit.total).toBe(14 + 6);
    expect(((await admin.req("GET", "/api/audit?action=screening.resolve")).body as { total: number }).total).toBe(4);
  });

  it("imports a search export of 2,000 records (about 600 kB), beyond the other routes' 10,000-character strings", async () => {
    const r = await lead.req("POST", "/api/screening/reviews", { protocol });
    const id = (r.body as { review: { id: string } }).review.id;
    const ris = Array.from({ length: 2000 }, (_, i) => `TY  - JOUR\nTI  - Immunotherapy for recurrent miscarriage: report ${i + 1}\nAU  - Author${i}, A\nPY  - ${2000 + (i % 25)}\nAB  - ${"An abstract sentence. ".repeat(10)}\nER  - \n`).join("\n");
    expect(ris.length).toBeGreaterThan(500_000);
    const imp = await lead.req("POST", `/api/screening/reviews/${id}/imports`, { sourceDatabase: "Embase", searchDate: "2026-02-01", searchString: "immun*", fileName: "big.ris", content: ris });
    expect(imp.status, imp.text.slice(0, 200)).toBe(201);
    expect(JSON.stringify(imp.body)).toMatch(/2000/);
  });
});
