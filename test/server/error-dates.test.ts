/**
 * The error body a researcher reads has the record's calendar dates withheld (H92): an InputError about a record
 * names its dates ("1990-05-17 is after the assessment date"), and a researcher reads the research view, which has
 * none. Other roles read the message as it is. The server's own error handler, on a real Fastify instance.
 */
import Fastify from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorHandler } from "../../src/server/errors.js";
import { InputError } from "../../src/shared/errors.js";
import type { Role } from "../../src/store/index.js";

describe("error answers to a researcher withhold calendar dates (H92)", () => {
  const app = Fastify();
  beforeAll(async () => {
    app.decorateRequest("auth", null);
    app.addHook("onRequest", async (req) => {
      const role = req.headers["x-role"];
      req.auth = typeof role === "string" ? ({ user: { role: role as Role }, csrfToken: "", token: "" } as unknown as NonNullable<typeof req.auth>) : null;
    });
    app.setErrorHandler(errorHandler);
    app.get("/record", async () => {
      throw new InputError("1990-05-17 is after the assessment date 0000-01-01 (losses dated 2023-02-10)", { field: "losses[0].date" });
    });
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
  });
  it("withholds every date for a researcher, and keeps them for a clinician", async () => {
    const researcher = await app.inject({ method: "GET", url: "/record", headers: { "x-role": "researcher" } });
    expect(researcher.statusCode).toBe(400);
    const body = researcher.json<{ error: { message: string; field: string } }>();
    expect(body.error.message).toMatch(/: \[date withheld\] is after the assessment date \[date withheld\] \(losses dated \[date withheld\]\)$/);
    expect(researcher.body).not.toMatch(/\d{4}-\d{2}-\d{2}/);
    expect(body.error.field).toBe("losses.0.date");
    const clinician = await app.inject({ method: "GET", url: "/record", headers: { "x-role": "clinician" } });
    expect(clinician.json<{ error: { message: string } }>().error.message).toMatch(/1990-05-17 is after the assessment date 0000-01-01/);
  });
});
