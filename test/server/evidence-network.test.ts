/** GET /api/evidence/network and its plots on a real server with the seeded evidence base. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminClient, Client, startServer, type TestServer, userClient } from "./helpers.js";

describe("evidence network routes", () => {
  let srv: TestServer;
  let researcher: Client;
  beforeAll(async () => {
    srv = await startServer("sqlite", { seed: true });
    const admin = await adminClient(srv.base);
    researcher = await userClient(srv.base, admin, "res.network", "researcher");
  });
  afterAll(async () => {
    await srv.close();
  });

  it("returns the trials, the caveats and the network meta-analysis", async () => {
    const r = await researcher.req("GET", "/api/evidence/network");
    expect(r.status).toBe(200);
    const b = r.body as { trials: { trial: string }[]; caveats: string[]; result: { reference: string; estimates: { treatment: string }[]; pscores: unknown[] } | null };
    expect(b.trials.length).toBeGreaterThanOrEqual(2);
    expect(b.caveats.some((c) => c.startsWith("Indirect only"))).toBe(true);
    expect(b.result?.reference).toBe("placebo");
    expect(b.result?.estimates.length).toBeGreaterThanOrEqual(1);
  });

  it("draws the network graph and the forest plot as SVG", async () => {
    for (const p of ["/api/evidence/network/network.svg", "/api/evidence/network/forest.svg"]) {
      const r = await researcher.req("GET", p);
      expect(r.status).toBe(200);
      expect(r.headers.get("content-type")).toMatch(/image\/svg\+xml/);
      expect(r.text.startsWith("<svg")).toBe(true);
    }
  });

  it("needs a session", async () => {
    const anon = new Client(srv.base);
    expect((await anon.req("GET", "/api/evidence/network")).status).toBe(401);
  });
});
