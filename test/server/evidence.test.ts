import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TherapyEvidence } from "../../src/evidence/index.js";
import type { MetaResult } from "../../src/stats/types.js";
import { adminClient, Client, errorOf, startServer, type TestServer, userClient } from "./helpers.js";

describe("evidence routes (seeded evidence base)", () => {
  let srv: TestServer;
  let researcher: Client;
  beforeAll(async () => {
    srv = await startServer("sqlite", { seed: true });
    const admin = await adminClient(srv.base);
    researcher = await userClient(srv.base, admin, "res.evidence", "researcher");
  });
  afterAll(async () => {
    await srv.close();
  });

  it("lists the therapies", async () => {
    const r = (await researcher.req("GET", "/api/evidence/therapies")).body as { therapies: Array<{ id: string; name: string }> };
    expect(r.therapies.map((t) => t.id)).toContain("lit");
    expect(r.therapies.find((t) => t.id === "ivig")?.name).toMatch(/immunoglobulin/i);
  });

  it("IVIG: published results side by side with a conflict note, guideline positions, a Summary-of-Findings row and the pooled placebo trials", async () => {
    const r = await researcher.req("GET", "/api/evidence/therapies/ivig");
    expect(r.status).toBe(200);
    const b = r.body as { evidence: TherapyEvidence; placeboTrials: MetaResult | null };
    expect(b.evidence.conflicts.length).toBeGreaterThanOrEqual(2);
    expect(b.evidence.conflictNote).not.toBeNull();
    // source 004 (Gao 2025) reports OR 2.24 for live birth
    expect(b.evidence.conflicts.some((c) => c.measure === "OR" && c.estimate === 2.24)).toBe(true);
    expect(b.evidence.guidelines.length).toBeGreaterThan(0);
    expect(b.evidence.summary).not.toBeNull();
    expect(b.placeboTrials?.k).toBeGreaterThanOrEqual(2);
    const forest = await researcher.req("GET", "/api/evidence/therapies/ivig/forest.svg");
    expect(forest.headers.get("content-type")).toMatch(/image\/svg\+xml/);
    for (const s of b.placeboTrials!.studies) expect(forest.text).toContain(s.study.replace(/&/g, "&amp;"));
    expect((await researcher.req("GET", "/api/evidence/therapies/ivig/rob.svg")).text.startsWith("<svg")).toBe(true);
  });

  it("plots that cannot be drawn are 404 with the reason; unknown therapies name the field", async () => {
    // low-dose IL-2 has only an open-label, uncontrolled proof-of-concept study (FACIL-2): no placebo trial to plot
    expect(((await researcher.req("GET", "/api/evidence/therapies/il2-treg")).body as { placeboTrials: unknown }).placeboTrials).toBeNull();
    const f = await researcher.req("GET", "/api/evidence/therapies/il2-treg/forest.svg");
    expect(f.status).toBe(404);
    expect(errorOf(f).message).toMatch(/too few trials/);
    const u = await researcher.req("GET", "/api/evidence/therapies/aspirin");
    expect(errorOf(u)).toMatchObject({ code: "VALIDATION", field: "therapy" });
    const sg = await researcher.req("GET", "/api/evidence/therapies/ivig?subgroup=everyone");
    expect(errorOf(sg).field).toBe("subgroup");
  });

  it("risk-of-bias summary plot per therapy, and the PRISMA 2020 flow of Gao 2025 (source 004) with its counts", async () => {
    const summary = await researcher.req("GET", "/api/evidence/therapies/ivig/rob-summary.svg");
    expect(summary.status).toBe(200);
    expect(summary.headers.get("content-type")).toMatch(/image\/svg\+xml/);
    expect(summary.text).toContain("Random sequence generation");
    expect(summary.text).toMatch(/n = \d+/);
    const light = await researcher.req("GET", "/api/evidence/therapies/ivig/rob.svg");
    expect(summary.text).not.toBe(light.text);

    const list = await researcher.req("GET", "/api/evidence/prisma");
    expect(list.status).toBe(200);
    const flows = (list.body as { flows: Array<{ id: string; metaAnalysis: string; therapy: string | null; title: string }> }).flows;
    const gao = flows.find((f) => f.metaAnalysis === "gao-2025");
    expect(gao).toMatchObject({ id: "gao-2025-prisma", therapy: "ivig", title: "PRISMA 2020 flow: IVIG meta-analysis (Gao 2025)" });
    for (const id of ["gao-2025", "gao-2025-prisma"]) {
      const r = await researcher.req("GET", `/api/evidence/prisma/${id}.svg`);
      expect(r.status).toBe(200);
      expect(r.headers.get("content-type")).toMatch(/image\/svg\+xml/);
      for (const n of [585, 534, 51, 40, 11]) expect(r.text).toContain(`(n = ${n})`);
      expect(r.text).toContain("IVIG meta-analysis (Gao 2025)");
    }
  });

  it("the new plot routes are in the OpenAPI document under the evidence tag", async () => {
    const doc = (await (await fetch(srv.base + "/api/docs/json")).json()) as { paths: Record<string, Record<string, { tags?: string[] }>> };
    for (const p of ["/api/evidence/therapies/{therapy}/rob-summary.svg", "/api/evidence/therapies/{therapy}/outcomes", "/api/evidence/prisma", "/api/evidence/prisma/{id}.svg"]) {
      expect(doc.paths[p]?.get?.tags, p).toEqual(["evidence"]);
    }
  });

  it("unknown PRISMA flows are 404; malformed ids and unknown therapies name the field", async () => {
    const missing = await researcher.req("GET", "/api/evidence/prisma/no-such-review.svg");
    expect(missing.status).toBe(404);
    expect(errorOf(missing).message).toMatch(/no-such-review/);
    const bad = await researcher.req("GET", "/api/evidence/prisma/Not_An_Id.svg");
    expect(bad.status).toBe(400);
    expect(errorOf(bad)).toMatchObject({ code: "VALIDATION", field: "id" });
    const t = await researcher.req("GET", "/api/evidence/therapies/aspirin/rob-summary.svg");
    expect(t.status).toBe(400);
    expect(errorOf(t).field).toBe("therapy");
  });

  it("outcomes per therapy with k, and forest/funnel plots per outcome (?outcome=, default live birth)", async () => {
    // expected trials read from data/trials.json directly: IVIG placebo RCTs with complete overall miscarriage counts
    type RawTrial = { label: string; therapy: string; design: { randomised: boolean; control: string }; outcomes: Array<{ outcome: string; subgroup?: string; events_t: number | null; total_t: number | null; events_c: number | null; total_c: number | null }> };
    const rawJson = JSON.parse(readFileSync(new URL("../../data/trials.json", import.meta.url), "utf8")) as RawTrial[] | { trials: RawTrial[] };
    const raw = Array.isArray(rawJson) ? rawJson : rawJson.trials;
    const miscarriageTrials = raw.filter(
      (t) =>
        t.therapy === "ivig" &&
        t.design.randomised &&
        (t.design.control === "placebo" || t.design.control === "basic-therapy-plus-placebo") &&
        t.outcomes.some((o) => o.outcome === "miscarriage" && o.subgroup === undefined && o.events_t !== null && o.total_t !== null && o.events_c !== null && o.total_c !== null),
    );
    expect(miscarriageTrials.length).toBeGreaterThan(0);

    const r = await researcher.req("GET", "/api/evidence/therapies/ivig/outcomes");
    expect(r.status).toBe(200);
    const outcomes = (r.body as { therapy: string; outcomes: Array<{ outcome: string; label: string; k: number }> }).outcomes;
    const ev = (await researcher.req("GET", "/api/evidence/therapies/ivig")).body as { placeboTrials: MetaResult | null };
    expect(outcomes.find((o) => o.outcome === "live-birth")?.k).toBe(ev.placeboTrials?.k);
    expect(outcomes.find((o) => o.outcome === "miscarriage")?.k).toBe(miscarriageTrials.length);
    for (const o of outcomes) expect(o.k).toBeGreaterThan(0);
    // each trial keeps its own definition of the outcome
    const misc = (r.body as { outcomes: Array<{ outcome: string; trials: Array<{ study: string; definition: string }> }> }).outcomes.find((o) => o.outcome === "miscarriage");
    expect(misc?.trials.map((t) => t.study)).toEqual(miscarriageTrials.map((t) => t.label));
    expect(misc?.trials.every((t) => /miscarriage/i.test(t.definition))).toBe(true);

    const forest = await researcher.req("GET", "/api/evidence/therapies/ivig/forest.svg?outcome=miscarriage");
    expect(forest.status).toBe(200);
    expect(forest.headers.get("content-type")).toMatch(/image\/svg\+xml/);
    expect(forest.text).toContain("vs placebo: miscarriage");
    for (const t of miscarriageTrials) expect(forest.text).toContain(t.label.replace(/&/g, "&amp;"));
    // a live-birth-only trial is not in the miscarriage plot
    expect(forest.text).not.toContain("Yamada 2022");
    // existing callers unchanged: no parameter = live birth
    const plain = await researcher.req("GET", "/api/evidence/therapies/ivig/forest.svg");
    expect(plain.text).toContain("vs placebo: live birth");
    expect(plain.text).toBe((await researcher.req("GET", "/api/evidence/therapies/ivig/forest.svg?outcome=live-birth")).text);
    expect(plain.text).not.toBe(forest.text);
    // k = 1: no funnel plot for miscarriage, but one for live birth
    expect((await researcher.req("GET", "/api/evidence/therapies/ivig/funnel.svg?outcome=miscarriage")).status).toBe(404);
    expect((await researcher.req("GET", "/api/evidence/therapies/ivig/funnel.svg?outcome=live-birth")).status).toBe(200);

    for (const path of ["forest.svg?outcome=happiness", "funnel.svg?outcome=happiness"]) {
      const bad = await researcher.req("GET", `/api/evidence/therapies/ivig/${path}`);
      expect(bad.status, path).toBe(400);
      expect(errorOf(bad), path).toMatchObject({ code: "VALIDATION", field: "outcome" });
    }
    // an outcome no trial of the therapy carries: 404 with the reason
    const none = await researcher.req("GET", "/api/evidence/therapies/ivig/forest.svg?outcome=adverse-reaction");
    expect(none.status).toBe(404);
    expect(errorOf(none).message).toMatch(/too few trials/);
    expect((await researcher.req("GET", "/api/evidence/therapies/aspirin/outcomes")).status).toBe(400);
  });

  it("reproductions and audit flags of published numbers", async () => {
    const rep = (await researcher.req("GET", "/api/evidence/reproductions")).body as { reproductions: Array<{ metaAnalysis: string }> };
    expect(rep.reproductions.length).toBeGreaterThan(0);
    const audit = (await researcher.req("GET", "/api/evidence/audit")).body as { entries: Array<{ where: string }> };
    expect(audit.entries.some((e) => e.where.startsWith("gao-2025"))).toBe(true);
  });
});
